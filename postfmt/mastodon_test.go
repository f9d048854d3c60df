package postfmt

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMastodonLength(t *testing.T) {
	tests := []struct {
		name, text string
		want       int
	}{
		{"plain", "hello", 5},
		{"URL counts 23", "see https://example.com/a/very/long/path/that/goes/on?and=on", 4 + 23},
		{"scheme-less domain counts in full", "see example.com/path", 20},
		{"defanged URL counts in full", "hxxp[:]//evil[.]com", 19},
		{"remote mention counts as local", "hi @alice@mastodon.social!", len("hi @alice!")},
		{"local mention", "hi @alice", 9},
		{"e-mail is not a mention", "mail bob@example.com", 20},
		{"grapheme clusters", "🇯🇵👨‍👩‍👧‍👦e\u0301", 3},
		{"gemini scheme", "gemini://example.org/x", 23},
		{"IP URL", "http://1.2.3.4/", 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MastodonLength(tt.text); got != tt.want {
				t.Errorf("MastodonLength(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestMastodonLinks(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"scheme URLs only", "a https://t.co/MvDcBjsfwV b example.com c", []string{"https://t.co/MvDcBjsfwV"}},
		{"defanged", "http[:]//1.2.3[.]4/ evil[.]com hxxps://evil.com/x", []string{}},
		{"permissive path", "https://example.com/a!b*c'd(e)f", []string{"https://example.com/a!b*c'd(e)f"}},
		{"sample post", samplePosts[2], []string{"https://github.com/pan-unit42/iocs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spanTexts(tt.text, MastodonLinks(tt.text))); diff != "" {
				t.Errorf("MastodonLinks(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestMastodonLengthSamplePosts(t *testing.T) {
	for _, p := range samplePosts {
		n := MastodonLength(p)
		if n <= 0 || n > MastodonLimit.Max {
			t.Errorf("MastodonLength = %d for %.30q…", n, p)
		}
		if strings.Contains(p, "https://") && n >= graphemeCount(p) && len(MastodonLinks(p)) > 0 {
			// URLs longer than 23 must shorten the count.
			for _, sp := range MastodonLinks(p) {
				if sp.End-sp.Start > 23 && n >= graphemeCount(p) {
					t.Errorf("URL discount not applied: %d >= %d", n, graphemeCount(p))
				}
			}
		}
	}
}

// mastodonPieces are the bits TestMastodonLengthByPieces builds texts
// from: URLs and mentions beside characters that join clusters.
var mastodonPieces = []string{"a", " ", "\n", "\r", "\r\n", "(", "https://example.com/x", "http://1.2.3.4/", "gemini://a.org",
	"@alice@mastodon.social", "@bob", "@x@y", "e\u0301", "\u0301", "\u200d", "🇯🇵", "🇯", "👨\u200d👩", "\u0600", "\u0915\u094d", "각", "\u1161",
	"\ufe0f", "🦠", "ロ", "é", "example.com", "/", "."}

// TestMastodonLengthByPieces holds the count by pieces to the count of
// the rewritten text, wherever it answers.
func TestMastodonLengthByPieces(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	answered := 0
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(mastodonPieces[r.IntN(len(mastodonPieces))])
		}
		if checkMastodonByPieces(t, b.String()) {
			answered++
		}
	}
	if answered < 5000 {
		t.Errorf("the count by pieces answered only %d times", answered)
	}
}

func checkMastodonByPieces(t *testing.T, s string) bool {
	t.Helper()
	urls := MastodonLinks(s)
	mentions := mastodonMentions(s, urls)
	urls = dropOverlapped(s, urls, mentions)
	n, ok := mastodonLengthByPieces(s, urls, mentions)
	if want := mastodonLengthRewritten(s, urls, mentions); ok && n != want {
		t.Fatalf("mastodonLengthByPieces(%q) = %d, the rewritten text has %d", s, n, want)
	}
	return ok
}

func FuzzMastodonLengthByPieces(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) { checkMastodonByPieces(t, s) })
}

// A remote mention whose domain runs into a URL keeps it, and the URL is
// not counted: Mastodon keeps the entity that starts first.
func TestMastodonMentionIntoURL(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"@x@éhttps://example.com", len("@x://example.com")},
		{"@x@éhttps://example.com https://example.org/a", len("@x://example.com ") + 23},
		{"@x@é https://example.com", len("@x ") + 23},
		{"https://example.com/@x@evil", 23},
	}
	for _, tt := range tests {
		if got := MastodonLength(tt.s); got != tt.want {
			t.Errorf("MastodonLength(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

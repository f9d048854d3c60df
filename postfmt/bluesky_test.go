package postfmt

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlueskyFacets(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Facet
	}{
		{"link with scheme", "see https://example.com/x.", []Facet{{ByteStart: 4, ByteEnd: 25, Kind: FacetLink, URI: "https://example.com/x"}}},
		{"bare domain", "(evil.com[.]br)", []Facet{{ByteStart: 1, ByteEnd: 14, Kind: FacetLink, URI: "https://evil.com[.]br"}}},
		{"defanged domain", "evil[.]com", nil},
		{"defanged IP URL", "http[:]//1.2.3[.]4/", nil},
		{"unknown TLD", "file.exe report.pdfx", nil},
		{"upper-case TLD is not linked", "EVIL.COM", nil},
		{"hashtag", "🚨⚡ #LODEINFO (🇯🇵)", []Facet{{ByteStart: 8, ByteEnd: 17, Kind: FacetTag, Tag: "LODEINFO"}}},
		{"hashtag trailing punctuation", "#malware, #123 #a1!", []Facet{
			{ByteStart: 0, ByteEnd: 8, Kind: FacetTag, Tag: "malware"},
			{ByteStart: 15, ByteEnd: 18, Kind: FacetTag, Tag: "a1"},
		}},
		{"fullwidth hash", "x ＃タグ", []Facet{{ByteStart: 2, ByteEnd: 11, Kind: FacetTag, Tag: "タグ"}}},
		{"mention", "H/T @alice.bsky.social.", []Facet{{ByteStart: 4, ByteEnd: 22, Kind: FacetMention, Handle: "alice.bsky.social"}}},
		{"mention without TLD", "@NA4Sec", nil},
		{"cashtag", "buy $aapl!", []Facet{{ByteStart: 4, ByteEnd: 9, Kind: FacetTag, Tag: "$AAPL"}}},
		{"unbalanced paren", "(https://example.com/x)", []Facet{{ByteStart: 1, ByteEnd: 22, Kind: FacetLink, URI: "https://example.com/x"}}},
		{"balanced paren", "https://en.wikipedia.org/wiki/A_(b)", []Facet{{ByteStart: 0, ByteEnd: 35, Kind: FacetLink, URI: "https://en.wikipedia.org/wiki/A_(b)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, BlueskyFacets(tt.text)); diff != "" {
				t.Errorf("BlueskyFacets(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestBlueskyLinksSamplePost(t *testing.T) {
	got := spanTexts(samplePosts[0], BlueskyLinks(samplePosts[0]))
	if diff := cmp.Diff([]string{"https://t.co/MvDcBjsfwV"}, got); diff != "" {
		t.Errorf("BlueskyLinks(sample) (-want +got):\n%s", diff)
	}
}

func TestBlueskyLength(t *testing.T) {
	g, b := BlueskyLength("🇯🇵 e\u0301")
	if g != 3 || b != len("🇯🇵 e\u0301") {
		t.Errorf("BlueskyLength = %d, %d; want 3, %d", g, b, len("🇯🇵 e\u0301"))
	}
}

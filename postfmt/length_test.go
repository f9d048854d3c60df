package postfmt

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

func TestGraphemeCountMatchesUniseg(t *testing.T) {
	for _, s := range append([]string{"", "a", "\r\n", "a\r\nb", "e\u0301", "a\u0301b", "🇯🇵🇺", "👨‍👩‍👧‍👦x", "x\u200d", "#\ufe0f\u20e3", "한국어", "a\u0308\u0301"}, samplePosts...) {
		if got, want := graphemeCount(s), uniseg.GraphemeClusterCount(s); got != want {
			t.Errorf("graphemeCount(%q) = %d, uniseg says %d", s, got, want)
		}
	}
}

func TestMeasure(t *testing.T) {
	tests := []struct {
		platform    string
		length, max int
		wantErr     bool
	}{
		{PlatformX, 259, 280, false},
		{PlatformMastodon, 0, 500, false},
		{PlatformBluesky, 0, 300, false},
		{"myspace", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			n, max, err := Measure(tt.platform, samplePosts[0])
			if (err != nil) != tt.wantErr {
				t.Fatalf("Measure error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if max != tt.max || tt.length != 0 && n != tt.length || n <= 0 {
				t.Errorf("Measure(%s) = %d, %d; want %d, %d", tt.platform, n, max, tt.length, tt.max)
			}
			l, _ := LimitFor(tt.platform)
			if !l.Fits(samplePosts[0]) {
				t.Errorf("%s: sample post does not fit", tt.platform)
			}
		})
	}
	long := make([]byte, 0, 3100)
	for len(long) < 3001 {
		long = append(long, "🦠"...)
	}
	if BlueskyLimit.Fits(string(long)) {
		t.Error("Bluesky: a post over 3000 bytes fits")
	}
	if BlueskyLimit.Fits("") || XLimit.Fits("") {
		t.Error("an empty post fits")
	}
}

// TestNFCPlain checks every character isNFC lets through without asking
// package norm: NFC_Quick_Check=Yes (norm.NFC keeps it and it combines
// with nothing before it) and combining class 0.
func TestNFCPlain(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !nfcPlain(r) {
			continue
		}
		n++
		s := string(r)
		if p := norm.NFC.PropertiesString(s); p.CCC() != 0 || !p.BoundaryBefore() || !norm.NFC.IsNormalString(s) {
			t.Errorf("nfcPlain(%U), but its class is %d, boundary before %v, NFC %v", r, p.CCC(), p.BoundaryBefore(), norm.NFC.IsNormalString(s))
		}
	}
	if n < 20000 {
		t.Errorf("only %d characters are plain", n)
	}
	for _, s := range []string{"🚨⚡ #LODEINFO (🇯🇵)", "e\u0301", "\u212b", "検体: ア\u3099", "a\u0308", "\xff", "1\ufe0f\u20e3", "👨\u200d👩"} {
		if got, want := isNFC(s), norm.NFC.IsNormalString(s); got != want {
			t.Errorf("isNFC(%q) = %v, norm says %v", s, got, want)
		}
	}
}

// TestGraphemeSolo checks every character graphemeCount counts without
// uniseg: a cluster of its own next to ASCII and next to itself (a flag
// for two regional indicators).
func TestGraphemeSolo(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !graphemeSolo(r) {
			continue
		}
		n++
		c := string(r)
		self := 2
		if isRegional(r) {
			self = 1
		}
		if uniseg.GraphemeClusterCount("a"+c) != 2 || uniseg.GraphemeClusterCount(c+"a") != 2 || uniseg.GraphemeClusterCount(c+c) != self {
			t.Errorf("graphemeSolo(%U), but uniseg joins it", r)
		}
	}
	if n < 20000 {
		t.Errorf("only %d characters are solo", n)
	}
	// Two different ones (two regional indicators make a flag).
	var solo []rune
	for r := rune(0x80); r <= 0x1FAFF; r++ {
		if graphemeSolo(r) {
			solo = append(solo, r)
		}
	}
	rnd := rand.New(rand.NewPCG(15, 16))
	for range 100000 {
		a, b := solo[rnd.IntN(len(solo))], solo[rnd.IntN(len(solo))]
		want := 2
		if isRegional(a) && isRegional(b) {
			want = 1
		}
		if got := uniseg.GraphemeClusterCount(string(a) + string(b)); got != want {
			t.Fatalf("%U %U: %d clusters, want %d", a, b, got, want)
		}
	}
}

// graphemePieces are the bits TestGraphemeCountRandom builds texts from.
var graphemePieces = []string{"a", " ", "\r", "\n", "🇯", "🇵", "🇺", "🚨", "⚡", "🌍", "\ufe0f", "\ufe0e", "\u200d", "\u20e3", "1", "#",
	"\u0301", "é", "e", "\U0001F3FB", "👨", "👩", "ロ", "\u3099", "検", "\u0600", "\u0915", "\u094d", "\u0937", "각", "\u1100", "\u1161", "\u11a8",
	"\u0e33", "ก", "\xff", "\u00ad", "\u2028", "(", ")", "\U0001F600", "\u00a0", "\u0903"}

// TestGraphemeCountRandom holds graphemeCount to uniseg on texts made of
// characters that join, split and pair.
func TestGraphemeCountRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(10) {
			b.WriteString(graphemePieces[r.IntN(len(graphemePieces))])
		}
		s := b.String()
		if got, want := graphemeCount(s), uniseg.GraphemeClusterCount(s); got != want {
			t.Fatalf("graphemeCount(%q) = %d, uniseg says %d", s, got, want)
		}
	}
}

func FuzzGraphemeCount(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := graphemeCount(s), uniseg.GraphemeClusterCount(s); got != want {
			t.Fatalf("graphemeCount(%q) = %d, uniseg says %d", s, got, want)
		}
	})
}

// linePieces are the bits TestLengthAddsUpByLine builds lines from:
// URLs, mentions, emoji and characters that join across a seam.
var linePieces = []string{"a", " ", ".", "/", "(", ")", "@", "#", "$", "-", "_", "1", "https://", "http://", "t.co/x", "evil.com", "x.jp",
	"evil[.]com", "@alice@mastodon.social", "@b", "#tag", "$AB", "🚨", "⚡", "🇯", "🇵", "\u200d", "\ufe0f", "\u20e3", "\u0301", "e", "ロ", "\u3099",
	"\u0600", "\u0915\u094d", "\u1100", "\u1161", "👨", "\U0001F3FB", "\u00a0", "\u2028", "\t", "xn--p1ai", ".рф", "例え.テスト"}

// TestLengthAddsUpByLine checks what composer.fits relies on: on every
// platform, a text without CR measures as its lines plus one for each
// line feed, when every line after the first passes Limit.addsUpAt.
func TestLengthAddsUpByLine(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	var texts []string
	for range 100 {
		s := genSighting(r)
		for _, pl := range []string{PlatformX, PlatformMastodon, PlatformBluesky} {
			p, err := Compose(&s, Options{Platform: pl, Lang: []string{LangEN, LangJA}[r.IntN(2)]})
			if err != nil {
				t.Fatal(err)
			}
			for _, part := range p.Parts {
				texts = append(texts, part.Text)
			}
		}
	}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			if r.IntN(4) == 0 {
				b.WriteByte('\n')
			}
			b.WriteString(linePieces[r.IntN(len(linePieces))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		checkLengthByLine(t, text)
	}
}

func checkLengthByLine(t *testing.T, text string) {
	t.Helper()
	if strings.Contains(text, "\r") {
		return
	}
	lines := strings.Split(text, "\n")
next:
	for _, lim := range []Limit{XLimit, MastodonLimit, BlueskyLimit} {
		sum := len(lines) - 1
		for k, l := range lines {
			if k > 0 && !lim.addsUpAt(l) {
				continue next
			}
			sum += lim.Length(l)
		}
		if n := lim.Length(text); n != sum {
			t.Fatalf("%s: Length(%q) = %d, its lines add up to %d", lim.Name, text, n, sum)
		}
	}
}

func FuzzLengthByLine(f *testing.F) {
	fuzzSeeds(f)
	f.Add("a\nevil.com")
	f.Add("x.\n\u0301@a@b.c\nhttps://t.co/x")
	f.Fuzz(checkLengthByLine)
}

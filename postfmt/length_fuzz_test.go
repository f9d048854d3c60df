package postfmt

import (
	"testing"
	"unicode/utf8"
)

func fuzzSeeds(f *testing.F) {
	for _, p := range samplePosts {
		f.Add(p)
	}
	for _, s := range []string{"", "a.b", "http://", "https://t.co/", "x.com/(a(b)c)", "@a@b.c", "#\ufe0f", "$ab", "xn--p1ai.ru",
		"1⃣", "🏳️‍⚧️", "\xff.com", "e\u0301.com", "http://例え.テスト/", "(evil.com)", "a.b.c.d.e.f.g.h.i.j.com"} {
		f.Add(s)
	}
}

func checkSpans(t *testing.T, s string, spans []Span) {
	t.Helper()
	last := 0
	for _, sp := range spans {
		if sp.Start < last || sp.End <= sp.Start || sp.End > len(s) {
			t.Fatalf("bad span %+v (previous end %d, len %d) in %q", sp, last, len(s), s)
		}
		if utf8.ValidString(s) && (!utf8.RuneStart(s[sp.Start]) || sp.End < len(s) && !utf8.RuneStart(s[sp.End])) {
			t.Fatalf("span %+v splits a character in %q", sp, s)
		}
		last = sp.End
	}
}

func FuzzX(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		r := XParse(s, XConfigV3)
		if r.WeightedLength < 0 || r.Permillage < 0 || r.ValidRangeEnd < 0 || r.DisplayRangeEnd < 0 {
			t.Fatalf("negative result %+v for %q", r, s)
		}
		if s != "" && r.WeightedLength == 0 {
			t.Fatalf("zero length for %q", s)
		}
		checkSpans(t, s, XLinks(s))
		_ = XParse(s, XConfigV2)
	})
}

func FuzzMastodon(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		if n := MastodonLength(s); n < 0 || s != "" && n == 0 {
			t.Fatalf("MastodonLength(%q) = %d", s, n)
		}
		checkSpans(t, s, MastodonLinks(s))
	})
}

func FuzzBluesky(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		g, b := BlueskyLength(s)
		if g < 0 || b != len(s) || g > b {
			t.Fatalf("BlueskyLength(%q) = %d, %d", s, g, b)
		}
		checkSpans(t, s, BlueskyLinks(s))
		for _, fc := range BlueskyFacets(s) {
			if fc.ByteStart < 0 || fc.ByteEnd <= fc.ByteStart || fc.ByteEnd > len(s) {
				t.Fatalf("bad facet %+v in %q", fc, s)
			}
			switch fc.Kind {
			case FacetLink:
				if fc.URI == "" {
					t.Fatalf("link facet without URI: %+v", fc)
				}
			case FacetTag, FacetMention:
			default:
				t.Fatalf("unknown facet kind %q", fc.Kind)
			}
		}
	})
}

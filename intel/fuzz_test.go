package intel

import (
	"testing"
	"unicode/utf8"
)

// FuzzDefang checks that every value Canonical accepts survives a defang
// round trip, and that Canonical is idempotent.
func FuzzDefang(f *testing.F) {
	for _, s := range []string{"172.104.72.4", "evil.co.jp", "http://evil.com/a.php?x=1", "a.b@evil.com",
		"2001:db8::1", "invoice.zip", "AS63949", "CVE-2021-44228", "bücher.de", "http://[::1]:8/", "hxxp[:]//x[.]com"} {
		for _, k := range Kinds {
			f.Add(string(k), s)
		}
	}
	f.Fuzz(func(t *testing.T, kind, s string) {
		k := Kind(kind)
		v, err := Canonical(k, s)
		if err != nil {
			return
		}
		if !utf8.ValidString(v) {
			t.Fatalf("Canonical(%s, %q) = %q: invalid UTF-8", k, s, v)
		}
		if v2, err := Canonical(k, v); err != nil || v2 != v {
			t.Fatalf("Canonical not idempotent: %q -> %q -> %q (%v)", s, v, v2, err)
		}
		d := Defang(k, v)
		if back := Refang(d); back != v {
			t.Fatalf("Refang(Defang(%s, %q)) = %q (defanged %q)", k, v, back, d)
		}
	})
}

// FuzzRefang checks that Refang never panics and that its position map is
// consistent.
func FuzzRefang(f *testing.F) {
	for _, s := range []string{"hxxp[:]//evil[.]com", "a[.b", "x (dot) y", "evil．com", "\u200b", "[", "h**ps[://]a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, pos, _ := AppendRefang(nil, []int32{}, []byte(s), RefangOptions{Words: true})
		if len(pos) != len(out)+1 {
			t.Fatalf("pos len %d, out len %d", len(pos), len(out))
		}
		for i := 1; i < len(pos); i++ {
			if pos[i] < pos[i-1] || int(pos[i]) > len(s) {
				t.Fatalf("pos not monotonic within bounds: %v", pos)
			}
		}
	})
}

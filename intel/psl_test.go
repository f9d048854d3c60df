package intel

import (
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/net/publicsuffix"
)

// TestPSLVersion fails when golang.org/x/net was updated without
// regenerating psl_table.go (go generate ./intel).
func TestPSLVersion(t *testing.T) {
	if got := publicsuffix.List.String(); got != pslVersion {
		t.Fatalf("psl_table.go is from %q, x/net has %q: run go generate ./intel", pslVersion, got)
	}
}

func checkPublicSuffix(t *testing.T, d string) {
	t.Helper()
	ws, wi := publicsuffix.PublicSuffix(d)
	gs, gi := publicSuffix(d)
	if gs != ws || gi != wi {
		t.Errorf("publicSuffix(%q) = %q, %v; x/net says %q, %v", d, gs, gi, ws, wi)
	}
	// The walk with the dots given, as canonicalDomain calls it (for names
	// that are no IP address, of at most 255 bytes).
	if len(d) > 255 {
		return
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return
	}
	var dots []uint8
	for i := 0; i < len(d); i++ {
		if d[i] == '.' {
			dots = append(dots, uint8(i))
		}
	}
	if dots == nil {
		dots = []uint8{}
	}
	if gs, gi := pslWalk(d, dots); gs != ws || gi != wi {
		t.Errorf("pslWalk(%q, %v) = %q, %v; x/net says %q, %v", d, dots, gs, gi, ws, wi)
	}
}

// TestPublicSuffixAgrees compares publicSuffix with x/net for every node of
// the list and names below it.
func TestPublicSuffixAgrees(t *testing.T) {
	for rest := pslNodes; rest != ""; {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		k := line[1:]
		if _, ok := pslTable().lookup(k); !ok {
			t.Fatalf("%q is not in the index", k)
		}
		for _, p := range []string{"", "x.", "www.x.", "a.b.c.", "xn--p1ai.", "0.", "*."} {
			checkPublicSuffix(t, p+k)
		}
		if i := strings.IndexByte(k, '.'); i >= 0 {
			checkPublicSuffix(t, "zz"+k[i:]) // a sibling not in the list
			checkPublicSuffix(t, "x.zz"+k[i:])
		}
	}
	for _, d := range []string{
		"", ".", "..", "com", "com.", ".com", "a..com", "evil.com", "EVIL.COM", "foo.example",
		"1.2.3.4", "::1", "2001:db8::1", "fe80::1%eth0", "1.2.3.4.com", "999.1.2.3", "a.b.c.d.e.f.g",
		"s3.amazonaws.com", "x.s3.amazonaws.com", "www.ck", "x.www.ck", "a.b.ck", "city.kawasaki.jp",
		"x.city.kawasaki.jp", "a.kawasaki.jp", "b.a.kawasaki.jp", "foo.blogspot.com", "xn--eckxa6p0a9892gimwa.com",
	} {
		checkPublicSuffix(t, d)
	}
}

func FuzzPublicSuffixAgrees(f *testing.F) {
	for _, s := range []string{"evil.com", "a.b.kawasaki.jp", "x.www.ck", "1.2.3.4", "::1", "a..com", "foo.s3.amazonaws.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		checkPublicSuffix(t, d)
	})
}

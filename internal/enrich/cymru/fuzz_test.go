package cymru

import (
	"strings"
	"testing"
)

// FuzzParse checks that no TXT answer panics the parsers, and that what
// they return is clean: an AS number, a two-letter code, a name without
// control characters.
func FuzzParse(f *testing.F) {
	f.Add("63949 | 172.104.0.0/15 | US | arin | 2015-06-02")
	f.Add("20473 64515 | 45.77.0.0/16 | JP | apnic | 2014-01-01")
	f.Add("63949 | US | arin | 2015-06-02 | LINODE-AP Linode, LLC, US")
	f.Add("| | |")
	f.Fuzz(func(t *testing.T, s string) {
		asn, cc, ok := parseOrigin(s)
		if ok && (asn == 0 || cc != "" && len(cc) != 2) {
			t.Fatalf("parseOrigin(%q) = %d, %q", s, asn, cc)
		}
		name := parseName(s)
		if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("parseName(%q) = %q", s, name)
		}
	})
}

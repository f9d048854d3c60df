package postfmt

import (
	"testing"

	"github.com/iocast/iocast/intel"
)

// TestNoLiveMaliciousLink composes C2s and indicators that platforms are
// keen to link and checks, with each platform's own link detection, that
// only the sample and reference links are live.
func TestNoLiveMaliciousLink(t *testing.T) {
	tests := []struct {
		name string
		c2   string
		port int
	}{
		{"IPv4", "172.104.72.4", 0},
		{"IPv4 with port", "172.104.72.4", 443},
		{"domain on a ccTLD", "evil.com.br", 0},
		{"domain on a file-like TLD", "update.evil.zip", 0},
		{"IDN domain", "xn--80ak6aa92e.com", 0},
		{"domain with port", "evil.co.jp", 8080},
		{"IPv6 with port", "2001:db8::1", 8443},
		{"URL with path, query and port", "https://evil.com:8443/a/b.php?u=x.y.com&v=1", 0},
		{"URL on an IP", "http://172.104.72.4/", 0},
		{"URL on IPv6", "http://[2001:db8::1]/x.html", 0},
		{"URL with user info", "http://user.name@evil.com/", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := intel.Sighting{
				Family:     "LODEINFO",
				C2:         []intel.Endpoint{{Value: tt.c2, Port: tt.port}, {Value: "cdn.evil.top"}},
				Samples:    []intel.Sample{{MD5: "da1c9006b493d7e95db4d354c5f0e99f", Filename: "invoice.pdf.exe", Link: "https://t.co/MvDcBjsfwV"}},
				Indicators: []intel.Indicator{{Kind: intel.KindEmail, Value: "admin@evil.com"}, {Kind: intel.KindDomain, Value: "evil.zip"}},
				References: []string{"https://blogs.jpcert.or.jp/en/2022/x.html"},
			}
			for _, pl := range []string{PlatformX, PlatformMastodon, PlatformBluesky} {
				p, err := Compose(&s, Options{Platform: pl})
				if err != nil {
					t.Fatalf("%s: %v", pl, err)
				}
				lim, _ := LimitFor(pl)
				checkPost(t, &s, p, lim)
				live := 0
				for _, part := range p.Parts {
					live += len(lim.Links(part.Text))
				}
				if live != 2 {
					t.Errorf("%s: %d live links, want the sample and the reference", pl, live)
				}
			}
		})
	}
}

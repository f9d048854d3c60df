package intel

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		kind    Kind
		in      string
		want    string
		wantErr bool
	}{
		{KindIPv4, "172.104.72[.]4", "172.104.72.4", false},
		{KindIPv4, "1.2.3.256", "", true},
		{KindIPv4, "01.2.3.4", "", true},
		{KindIPv4, "2001:db8::1", "", true},
		{KindIPv6, "2001:0DB8:0000::0001", "2001:db8::1", false},
		{KindIPv6, "fe80::1%eth0", "", true},
		{KindDomain, "EVIL[.]Com.", "evil.com", false},
		{KindDomain, "bücher.example.de", "xn--bcher-kva.example.de", false},
		{KindDomain, "evil.notatld", "", true},
		{KindDomain, "co.jp", "", true},
		{KindDomain, "localhost", "", true},
		{KindDomain, "-bad.com", "", true},
		{KindDomain, "foo.blogspot.com", "foo.blogspot.com", false},
		{KindDomain, "evil.xn--p1ai", "evil.xn--p1ai", false},
		{KindURL, "hxxp[:]//172.104.72[.]4/", "http://172.104.72.4/", false},
		{KindURL, "HTTPS://Evil.COM:8443/Path?Q=1", "https://evil.com:8443/Path?Q=1", false},
		{KindURL, "http://evil.com/a[1]", "http://evil.com/a%5B1%5D", false},
		{KindURL, "http://[2001:db8::1]:80/x", "http://[2001:db8::1]:80/x", false},
		{KindURL, "http://evil.com:99999/", "", true},
		{KindURL, "evil.com/path", "", true},
		{KindURL, "http://evil.invalidtld/", "", true},
		{KindEmail, "User[@]Evil[.]com", "user@evil.com", false},
		{KindEmail, "a..b@evil.com", "", true},
		{KindEmail, "@evil.com", "", true},
		{KindMD5, "DA1C9006B493D7E95DB4D354C5F0E99F", "da1c9006b493d7e95db4d354c5f0e99f", false},
		{KindMD5, "da1c9006b493d7e95db4d354c5f0e99", "", true},
		{KindSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd8070g", "", true},
		{KindSHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false},
		{KindCVE, "cve-2021-44228", "CVE-2021-44228", false},
		{KindCVE, "CVE-21-44228", "", true},
		{KindASN, "AS63949", "AS63949", false},
		{KindASN, "asn 63949", "AS63949", false},
		{KindASN, "63949", "AS63949", false},
		{KindASN, "AS0", "", true},
		{KindASN, "AS4294967296", "", true},
		{KindFilename, `C:\Users\Public\evil.exe`, "evil.exe", false},
		{KindFilename, "請求書.docx", "請求書.docx", false},
		{KindFilename, "", "", true},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+tt.in, func(t *testing.T) {
			got, err := Canonical(tt.kind, tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Canonical(%s, %q) = %q, want error", tt.kind, tt.in, got)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Canonical(%s, %q): %v", tt.kind, tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Canonical(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
			}
			if err := Validate(tt.kind, got); err != nil {
				t.Errorf("Validate(canonical %q): %v", got, err)
			}
		})
	}
}

func TestDisplayForm(t *testing.T) {
	ind, err := New(KindDomain, "xn--bcher-kva.example.de")
	if err != nil {
		t.Fatal(err)
	}
	if ind.Display != "bücher.example.de" {
		t.Errorf("Display = %q", ind.Display)
	}
	ind, _ = New(KindDomain, "evil.com")
	if ind.Display != "" {
		t.Errorf("ASCII domain has Display %q, want empty", ind.Display)
	}
}

func TestDefang(t *testing.T) {
	tests := []struct {
		kind     Kind
		in, want string
	}{
		{KindIPv4, "172.104.72.4", "172.104.72[.]4"},
		{KindIPv6, "2001:db8::1", "2001[:]db8::1"},
		{KindDomain, "evil.co.jp", "evil[.]co[.]jp"},
		{KindURL, "http://172.104.72.4/", "http[:]//172.104.72[.]4/"},
		{KindURL, "https://evil.com:8443/a.php?x=b.c", "https[:]//evil[.]com:8443/a[.]php?x=b[.]c"},
		{KindURL, "http://[2001:db8::1]/", "http[:]//[2001:db8::1]/"},
		{KindEmail, "first.last@evil.com", "first.last[@]evil[.]com"},
		{KindFilename, "invoice.zip", "invoice[.]zip"},
		{KindMD5, "da1c9006b493d7e95db4d354c5f0e99f", "da1c9006b493d7e95db4d354c5f0e99f"},
		{KindASN, "AS63949", "AS63949"},
	}
	for _, tt := range tests {
		got := Defang(tt.kind, tt.in)
		if got != tt.want {
			t.Errorf("Defang(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
		if back := Refang(got); back != tt.in {
			t.Errorf("Refang(Defang(%q)) = %q", tt.in, back)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct{ in, kind, value string }{
		{"hxxp://evil[.]com/a", "url", "http://evil.com/a"},
		{"user[@]evil.com", "email", "user@evil.com"},
		{"1.2.3[.]4", "ipv4", "1.2.3.4"},
		{"2001:db8::1", "ipv6", "2001:db8::1"},
		{"d41d8cd98f00b204e9800998ecf8427e", "md5", "d41d8cd98f00b204e9800998ecf8427e"},
		{"CVE-2022-0001", "cve", "CVE-2022-0001"},
		{"AS13335", "asn", "AS13335"},
		{"evil[.]com", "domain", "evil.com"},
		{"invoice.zip", "filename", "invoice.zip"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(Indicator{Kind: Kind(tt.kind), Value: tt.value}, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if _, err := Parse("hello world"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Parse(prose) error = %v, want ErrInvalid", err)
	}
}

func TestIPFlags(t *testing.T) {
	tests := []struct {
		ip   string
		want []string
	}{
		{"172.104.72.4", nil},
		{"10.1.2.3", []string{"private"}},
		{"127.0.0.1", []string{"loopback"}},
		{"169.254.1.1", []string{"link-local"}},
		{"224.0.0.1", []string{"link-local", "multicast"}},
		{"239.1.1.1", []string{"multicast"}},
		{"0.0.0.0", []string{"unspecified", "reserved"}},
		{"192.0.2.10", []string{"documentation"}},
		{"198.51.100.1", []string{"documentation"}},
		{"203.0.113.7", []string{"documentation"}},
		{"2001:db8::1", []string{"documentation"}},
		{"100.64.1.1", []string{"cgnat"}},
		{"240.1.1.1", []string{"reserved"}},
		{"198.18.0.1", []string{"reserved"}},
		{"2a01:4f8::1", nil},
	}
	for _, tt := range tests {
		got := IPFlags(netip.MustParseAddr(tt.ip)).Names()
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("IPFlags(%s) (-want +got):\n%s", tt.ip, diff)
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		got, err := ParseKind(string(k))
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	if _, err := ParseKind("sha3"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseKind(sha3) error = %v", err)
	}
}

package intel

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// The first canonicalURL, canonicalDomain and canonicalEmail, which the
// faster ones must agree with.

func canonicalURLRef(s string) (string, error) {
	p, err := SplitURL(s)
	if err != nil {
		return "", err
	}
	if p.Host == "" {
		return "", fmt.Errorf("%q has no host: %w", s, ErrInvalid)
	}
	switch p.HostKind() {
	case KindIPv4, KindIPv6:
		a, _ := netip.ParseAddr(p.Host)
		if a.Zone() != "" {
			return "", fmt.Errorf("%q: IPv6 zones are not allowed: %w", s, ErrInvalid)
		}
		p.Host = a.String()
	default:
		h, err := canonicalDomainRef(p.Host)
		if err != nil {
			return "", fmt.Errorf("url host: %w", err)
		}
		p.Host = h
	}
	if p.Port != "" {
		n, err := strconv.Atoi(p.Port)
		if err != nil || n < 1 || n > 65535 || !allDigits(p.Port) {
			return "", fmt.Errorf("%q: invalid port %q: %w", s, p.Port, ErrInvalid)
		}
		p.Port = strconv.Itoa(n)
	}
	for _, part := range [2]string{p.UserInfo, p.Rest} {
		for _, r := range part {
			if r <= ' ' || r == 0x7f || r == '"' || r == '<' || r == '>' || r == '\\' || r == 0xFFFD {
				return "", fmt.Errorf("%q: character %q is not allowed in a URL: %w", s, r, ErrInvalid)
			}
		}
	}
	if strings.ContainsAny(p.Rest, "[]") {
		p.Rest = strings.NewReplacer("[", "%5B", "]", "%5D").Replace(p.Rest)
	}
	v6 := p.HostKind() == KindIPv6
	if p.builds(s, v6) {
		return s, nil // already canonical
	}
	return p.build(v6), nil
}

func canonicalDomainRef(s string) (string, error) {
	d := strings.TrimSuffix(s, ".")
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%q is not a domain: %s: %w", s, why, ErrInvalid)
	}
	if d == "" || strings.IndexByte(d, '.') < 0 {
		return bad("it needs at least two labels")
	}
	ascii := true
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		d = strings.ToLower(d)
	} else {
		a, err := idnaProfile.ToASCII(d)
		if err != nil {
			return bad("invalid internationalised name")
		}
		d = a
	}
	if len(d) > 253 {
		return bad("longer than 253 characters")
	}
	var tld string
	for rest := d; ; {
		l := rest
		dot := strings.IndexByte(rest, '.')
		if dot >= 0 {
			l = rest[:dot]
		}
		if l == "" || len(l) > 63 {
			return bad("empty label or label over 63 characters")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return bad("label starts or ends with a hyphen")
		}
		alnum := false
		for i := 0; i < len(l); i++ {
			c := l[i]
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				alnum = true
			case c == '-' || c == '_':
			default:
				return bad(fmt.Sprintf("character %q is not allowed", c))
			}
		}
		if !alnum {
			return bad("label has no letter or digit")
		}
		if dot < 0 {
			tld = l
			break
		}
		rest = rest[dot+1:]
	}
	if allDigits(tld) {
		return bad("the top-level domain is numeric")
	}
	if strings.HasPrefix(tld, "xn--") {
		if _, err := idna.ToUnicode(tld); err != nil {
			return bad("invalid punycode top-level domain")
		}
	}
	suffix, icann := publicsuffix.PublicSuffix(d)
	if !icann && strings.IndexByte(suffix, '.') < 0 {
		return bad(fmt.Sprintf("%q is not a public suffix", suffix))
	}
	if suffix == d && icann {
		return bad("it is only a public suffix")
	}
	return d, nil
}

func canonicalEmailRef(s string) (string, error) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", fmt.Errorf("%q is not an e-mail address (want local@domain): %w", s, ErrInvalid)
	}
	local, dom := s[:at], s[at+1:]
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", fmt.Errorf("%q: invalid local part: %w", s, ErrInvalid)
	}
	for i := 0; i < len(local); i++ {
		if !isLocalByte(local[i]) {
			return "", fmt.Errorf("%q: character %q not allowed in the local part: %w", s, local[i], ErrInvalid)
		}
	}
	d, err := canonicalDomainRef(dom)
	if err != nil {
		return "", fmt.Errorf("%q: %w", s, err)
	}
	return strings.ToLower(local) + "@" + d, nil
}

// FuzzCanonicalAgrees checks the URL, domain and e-mail canonicalisation
// against the reference implementations: same value, same error text.
func FuzzCanonicalAgrees(f *testing.F) {
	for _, s := range []string{"http://evil.com/a.php?x=1", "HTTP://EVIL.COM:080/a[b]", "http://1.2.3.4:8080/", "http://[2001:DB8::1]:443/x",
		"http://01.2.3.4/", "http://bücher.de/ü", "https://a.github.io/x\\y", "ftp://u:p@Evil.Co.JP/", "http://[fe80::1%25eth0]/",
		"a.b@EVIL.com", "evil.com.", "co.jp", "xn--p1ai.xn--p1ai", "http://x.com/\xff", "http://x.com:0/", "tcp://1.2.3.4:4444"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			k   Kind
			ref func(string) (string, error)
		}{{KindURL, canonicalURLRef}, {KindDomain, canonicalDomainRef}, {KindEmail, canonicalEmailRef}} {
			got, gotErr := canonical(c.k, s)
			want, wantErr := c.ref(s)
			if len(s) > MaxValueLen {
				continue
			}
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("%s %q: got %q, %v; want %q, %v", c.k, s, got, gotErr, want, wantErr)
			}
		}
	})
}

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

func canonicalFilenameRef(s string) (string, error) {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Trim(s, " \"'")
	if s == "" || s == "." || s == ".." {
		return "", fmt.Errorf("empty file name: %w", ErrInvalid)
	}
	if len(s) > 255 {
		return "", fmt.Errorf("file name of %d bytes is over 255: %w", len(s), ErrInvalid)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xFFFD {
			return "", fmt.Errorf("file name %q has a control or invalid character: %w", s, ErrInvalid)
		}
	}
	return s, nil
}

// FuzzCanonicalAgrees checks the URL, domain, e-mail and file name canonicalisation
// against the reference implementations: same value, same error text.
func FuzzCanonicalAgrees(f *testing.F) {
	for _, s := range []string{"http://evil.com/a.php?x=1", "HTTP://EVIL.COM:080/a[b]", "http://1.2.3.4:8080/", "http://[2001:DB8::1]:443/x",
		"http://01.2.3.4/", "http://bücher.de/ü", "https://a.github.io/x\\y", "ftp://u:p@Evil.Co.JP/", "http://[fe80::1%25eth0]/",
		"a.b@EVIL.com", "evil.com.", "co.jp", "xn--p1ai.xn--p1ai", "http://x.com/\xff", "http://x.com:0/", "tcp://1.2.3.4:4444",
		"a.b@evil.com", "x@a.b.kawasaki.jp", "C:\\x\\'inv oice.zip' ", "a/b/\"..\"", "\xef\xbf\xbd.exe", "a\x7f.exe", "é.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			k   Kind
			ref func(string) (string, error)
		}{{KindURL, canonicalURLRef}, {KindDomain, canonicalDomainRef}, {KindEmail, canonicalEmailRef}, {KindFilename, canonicalFilenameRef}} {
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

// FuzzPlainDomain checks that plainDomain, canonicalDomain's fast path,
// accepts only what checkDomain accepts, with the same value, and that it
// accepts the ordinary names it is there for.
func FuzzPlainDomain(f *testing.F) {
	for _, s := range []string{"evil.com", "EVIL.Co.JP.", "a-b.c_d.example", "-a.com", "a-.com", "a..com", "_.com", "1.2.3.4",
		"x.xn--p1ai", "b\u00fccher.de", "x.s3.amazonaws.com", "co.jp", "a.b.kawasaki.jp", "x.blogspot.com", "a.b.c.d.e.f.g.h.i.j.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := plainDomain(s)
		want, err := checkDomain(s)
		if ok && (err != nil || got != want) {
			t.Fatalf("plainDomain(%q) = %q; checkDomain: %q, %v", s, got, want, err)
		}
		if !ok && err == nil && isPlainASCIIName(s) {
			t.Fatalf("plainDomain(%q) refused a name checkDomain accepts (%q)", s, want)
		}
	})
}

// isPlainASCIIName reports whether plainDomain should accept s when it is
// valid: ASCII, and no punycode top-level domain.
func isPlainASCIIName(s string) bool {
	d := strings.TrimSuffix(s, ".")
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			return false
		}
	}
	return !strings.HasPrefix(d[strings.LastIndexByte(d, '.')+1:], "xn--")
}

// withDisplayRef is the first withDisplay, which NewRefanged's indicator
// must agree with.
func withDisplayRef(k Kind, v string) Indicator {
	ind := Indicator{Kind: k, Value: v}
	if k == KindDomain || k == KindURL || k == KindEmail {
		if d := displayForm(k, v); d != v {
			ind.Display = d
		}
	}
	return ind
}

// FuzzNewRefanged checks NewRefanged, which builds the indicator itself,
// against canonical followed by withDisplayRef, for every kind.
func FuzzNewRefanged(f *testing.F) {
	for _, s := range []string{"evil.com", "xn--bcher-kva.de", "http://xn--bcher-kva.de/a", "a@xn--bcher-kva.de", "http://[::1]/xn--",
		"1.2.3.4", "2001:DB8::1", "CVE-2021-44228", "as63949", "invoice.zip", "D41D8CD98F00B204E9800998ECF8427E"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range Kinds {
			got, gotErr := NewRefanged(k, s)
			v, wantErr := canonical(k, s)
			var want Indicator
			if wantErr == nil {
				want = withDisplayRef(k, v)
			}
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("NewRefanged(%s, %q) = %+v, %v; want %+v, %v", k, s, got, gotErr, want, wantErr)
			}
		}
	})
}

// FuzzNextURLSpecial checks nextURLSpecial, which tests eight bytes at a
// time, against a byte loop.
func FuzzNextURLSpecial(f *testing.F) {
	for _, s := range []string{"/a/b.php?x=1&y=[2]", "/\xe4\xb8\xad", "abcdefgh ijk", "abcdefghijklmnop\"", ""} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, s string, i int) {
		if i < 0 || i > len(s) {
			return
		}
		want := i
		for want < len(s) && urlByte[s[want]] == 0 {
			want++
		}
		if got := nextURLSpecial(s, i); got != want {
			t.Fatalf("nextURLSpecial(%q, %d) = %d, want %d", s, i, got, want)
		}
	})
}

// FuzzPlainURL checks that plainURL, canonicalURL's shortcut, accepts only
// URLs that the first canonicalURL returns as they are.
func FuzzPlainURL(f *testing.F) {
	for _, s := range []string{"http://evil.com/a.php?x=1", "https://a.b.co.jp", "http://EVIL.com/", "http://evil.com./", "http://1.2.3.4/",
		"http://u@evil.com/", "http://evil.com:80/", "http://[::1]/", "http://evil.com/a[1]", "http://evil.com/\xff", "http://evil.com/\xe4\xb8\xad",
		"hTTp://evil.com/", "a+b.c-d://x.evil.com#f", "1http://evil.com/", "http://a1.b2/", "http://evil.com/ x", "http://evil.com?q"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainURL(s) {
			return
		}
		if got, err := canonicalURLRef(s); got != s || err != nil {
			t.Fatalf("plainURL(%q) is true, but canonicalURL gives %q, %v", s, got, err)
		}
	})
}

// TestPlainURL checks that plainURL takes the common URLs it is there for.
func TestPlainURL(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"http://evil.com/a.php?x=1", true}, {"https://a.b.co.jp", true}, {"http://a1.evil.com/", true},
		{"http://evil.com/\xe4\xb8\xad", true}, {"a+b.c-d://x.evil.com#f", true},
		{"http://EVIL.com/", false}, {"http://evil.com./", false}, {"http://1.2.3.4/", false}, {"http://u@evil.com/", false},
		{"http://evil.com:80/", false}, {"http://[::1]/", false}, {"http://evil.com/a[1]", false}, {"http://evil.com/\xff", false},
		{"hTTp://evil.com/", false}, {"http://evil.com/ x", false}, {"http://bücher.de/", false},
	} {
		if got := plainURL(c.s); got != c.want {
			t.Errorf("plainURL(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// FuzzAuthorityEnd checks authorityEnd against the byte loop it replaced
// (in plainURL and SplitURL), at every offset of the input.
func FuzzAuthorityEnd(f *testing.F) {
	for _, s := range []string{"evil.com/a", "evil.com", "a?b", "abcdefgh#", "abcdefghijklmnop/q", "x\xff\x80/?#", "evil.example.co.jp:8080/path?q#f", "01234567", "0123456/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for k := 0; k <= len(s); k++ {
			rest := s[k:]
			want := 0
			for want < len(rest) && rest[want] != '/' && rest[want] != '?' && rest[want] != '#' {
				want++
			}
			if got := authorityEnd(rest); got != want {
				t.Fatalf("authorityEnd(%q) = %d, want %d", rest, got, want)
			}
		}
	})
}

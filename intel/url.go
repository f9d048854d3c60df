package intel

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// URLParts is a URL split into the parts iocast treats differently: the
// host is canonicalised and defanged as a domain or IP, the rest is kept.
type URLParts struct {
	Scheme   string // lower-case, without "://"
	UserInfo string // "user:pass@" including the "@", or ""
	Host     string // domain or IP; IPv6 without brackets
	Port     string // digits, or ""
	Rest     string // path, query and fragment as written ("" or starting with / ? #)
}

// HostKind returns the kind of the URL's host: ipv4, ipv6 or domain.
func (p URLParts) HostKind() Kind {
	if !maybeIP(p.Host) {
		return KindDomain
	}
	if a, err := netip.ParseAddr(p.Host); err == nil {
		if a.Is4() {
			return KindIPv4
		}
		return KindIPv6
	}
	return KindDomain
}

// PortPart returns ":port" or "".
func (p URLParts) PortPart() string {
	if p.Port == "" {
		return ""
	}
	return ":" + p.Port
}

// String reassembles the URL.
func (p URLParts) String() string {
	return p.build(p.HostKind() == KindIPv6)
}

// build is String for a host that is (v6) or is not an IPv6 address.
func (p URLParts) build(v6 bool) string {
	var b strings.Builder
	b.Grow(len(p.Scheme) + len("://[]:") + len(p.UserInfo) + len(p.Host) + len(p.Port) + len(p.Rest))
	b.WriteString(p.Scheme)
	b.WriteString("://")
	b.WriteString(p.UserInfo)
	if v6 {
		b.WriteByte('[')
	}
	b.WriteString(p.Host)
	if v6 {
		b.WriteByte(']')
	}
	if p.Port != "" {
		b.WriteByte(':')
		b.WriteString(p.Port)
	}
	b.WriteString(p.Rest)
	return b.String()
}

// builds reports whether build(v6) would return s.
func (p URLParts) builds(s string, v6 bool) bool {
	next := func(part string) bool {
		var ok bool
		s, ok = strings.CutPrefix(s, part)
		return ok
	}
	if !next(p.Scheme) || !next("://") || !next(p.UserInfo) || v6 && !next("[") || !next(p.Host) || v6 && !next("]") {
		return false
	}
	if p.Port != "" && (!next(":") || !next(p.Port)) {
		return false
	}
	return s == p.Rest
}

// SplitURL splits an (already refanged) absolute URL into its parts without
// validating the host.
func SplitURL(s string) (URLParts, error) {
	var p URLParts
	i := strings.Index(s, "://")
	if i <= 0 {
		return p, fmt.Errorf("%q has no scheme (want scheme://host/…): %w", s, ErrInvalid)
	}
	scheme := strings.ToLower(s[:i])
	for k := 0; k < len(scheme); k++ {
		c := scheme[k]
		if !(c >= 'a' && c <= 'z' || k > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return p, fmt.Errorf("%q: invalid scheme %q: %w", s, s[:i], ErrInvalid)
		}
	}
	p.Scheme = scheme
	rest := s[i+3:]
	end := authorityEnd(rest)
	authority := rest[:end]
	p.Rest = rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		p.UserInfo = authority[:at+1]
		authority = authority[at+1:]
	}
	if strings.HasPrefix(authority, "[") {
		j := strings.IndexByte(authority, ']')
		if j < 0 {
			return p, fmt.Errorf("%q: unclosed IPv6 bracket: %w", s, ErrInvalid)
		}
		p.Host = authority[1:j]
		authority = authority[j+1:]
		if authority != "" {
			if authority[0] != ':' {
				return p, fmt.Errorf("%q: junk after the IPv6 host: %w", s, ErrInvalid)
			}
			p.Port = authority[1:]
		}
	} else if c := strings.LastIndexByte(authority, ':'); c >= 0 {
		p.Host, p.Port = authority[:c], authority[c+1:]
	} else {
		p.Host = authority
	}
	return p, nil
}

func canonicalURL(s string) (string, error) {
	if plainURL(s) {
		return s, nil
	}
	p, err := SplitURL(s)
	if err != nil {
		return "", err
	}
	if p.Host == "" {
		return "", fmt.Errorf("%q has no host: %w", s, ErrInvalid)
	}
	v6 := false
	if a, ok := hostAddr(p.Host); ok {
		if a.Zone() != "" {
			return "", fmt.Errorf("%q: IPv6 zones are not allowed: %w", s, ErrInvalid)
		}
		// netip parses only canonical IPv4 addresses; IPv6 ones may be
		// written in other forms.
		if v6 = a.Is6(); v6 {
			p.Host = a.String()
		}
	} else {
		h, err := canonicalDomain(p.Host)
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
		if p.Port[0] == '0' {
			p.Port = strconv.Itoa(n)
		}
	}
	brackets := false
	for _, part := range [2]string{p.UserInfo, p.Rest} {
		for i := 0; ; i++ {
			i = nextURLSpecial(part, i)
			if i >= len(part) {
				break
			}
			switch urlByte[part[i]] {
			case urlBracket:
				brackets = true
				continue
			case urlBad:
				return "", fmt.Errorf("%q: character %q is not allowed in a URL: %w", s, rune(part[i]), ErrInvalid)
			}
			r, w := utf8.DecodeRuneInString(part[i:])
			if r == utf8.RuneError {
				return "", fmt.Errorf("%q: character %q is not allowed in a URL: %w", s, r, ErrInvalid)
			}
			i += w - 1
		}
	}
	if brackets && strings.ContainsAny(p.Rest, "[]") {
		p.Rest = strings.NewReplacer("[", "%5B", "]", "%5D").Replace(p.Rest)
	}
	if p.builds(s, v6) {
		return s, nil // already canonical
	}
	return p.build(v6), nil
}

// plainURL reports whether s is a canonical URL of the common shape, one
// that canonicalURL would return as it is: a scheme of lower-case letters,
// digits, '+', '-' and '.' that starts with a letter; "://"; a host that
// is a canonical domain name, with no user information and no port; and a
// path, query and fragment with no byte to reject, no bracket to encode
// and no invalid UTF-8. It saves splitting the URL and building it again
// to compare (about 700 instructions a URL). For anything else it reports
// false, and canonicalURL takes the long way, which gives the errors
// (FuzzCanonicalAgrees, FuzzPlainURL).
func plainURL(s string) bool {
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for k := 0; k < i; k++ {
		c := s[k]
		if !(c >= 'a' && c <= 'z' || k > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	rest := s[i+3:]
	end := authorityEnd(rest)
	// plainDomain accepts no '@', ':', '[' or ']', so the authority is the
	// host alone. Such a host is no IP address, even when it ends in a
	// digit (its top-level domain is not numeric and it has no colon):
	// canonicalURL would canonicalise it as a domain.
	if d, ok := plainDomain(rest[:end]); !ok || d != rest[:end] {
		return false
	}
	for k := end; ; k++ {
		k = nextURLSpecial(rest, k)
		if k >= len(rest) {
			return true
		}
		if urlByte[rest[k]] != urlMulti {
			return false // a bracket, or a byte to reject
		}
		r, w := utf8.DecodeRuneInString(rest[k:])
		if r == utf8.RuneError {
			return false
		}
		k += w - 1
	}
}

// urlByte classes the bytes of a URL's user info, path, query and fragment
// for canonicalURL: ordinary (0), a bracket, not allowed, or the start of
// a multi-byte character (which must not be U+FFFD or invalid).
var urlByte = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\':
			t[c] = urlBad
		case c == '[' || c == ']':
			t[c] = urlBracket
		case c >= utf8.RuneSelf:
			t[c] = urlMulti
		}
	}
	return t
}()

// nextURLSpecial returns the offset of the first byte at or after s[i]
// whose urlByte class is not 0, or len(s). It tests eight bytes at a time
// with one branch: paths and queries are long runs of ordinary bytes.
func nextURLSpecial(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8] // constant indexes: no bounds check each
		if urlByte[w[0]]|urlByte[w[1]]|urlByte[w[2]]|urlByte[w[3]]|
			urlByte[w[4]]|urlByte[w[5]]|urlByte[w[6]]|urlByte[w[7]] != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if urlByte[s[i]] != 0 {
			return i
		}
	}
	return len(s)
}

const (
	urlBracket = 1 + iota
	urlBad
	urlMulti
)

// hostAddr parses h as an IP address when it may be one (see maybeIP).
func hostAddr(h string) (netip.Addr, bool) {
	if !maybeIP(h) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(h)
	return a, err == nil
}

// maybeIP is a cheap test that rules out most domains before an IP parse:
// an IP address ends in a digit, or (IPv6) contains a colon.
func maybeIP(h string) bool {
	if h == "" {
		return false
	}
	c := h[len(h)-1]
	return c >= '0' && c <= '9' || strings.IndexByte(h, ':') >= 0
}

// authorityEnd returns the offset of the first '/', '?' or '#' in s, or
// len(s): the end of a URL's authority. It tests eight bytes at a time
// (stopBits), the last word overlapping the one before it; strings under
// eight bytes go byte by byte. The byte loop it replaces cost about 11
// instructions a byte.
func authorityEnd(s string) int {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '/' || c == '?' || c == '#' {
				return i
			}
		}
		return len(s)
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if t := stopBits(le64(s[i : i+8])); t != 0 {
			return i + bits.TrailingZeros64(t)>>3
		}
	}
	if i < len(s) {
		// The last eight bytes; those before i have been looked at.
		if t := stopBits(le64(s[len(s)-8:])) >> (8 * (i + 8 - len(s))); t != 0 {
			return i + bits.TrailingZeros64(t)>>3
		}
	}
	return len(s)
}

// stopBits returns, as the high bit of their byte (bit 8k+7 for byte k),
// the bytes of the little-endian word x that are '/', '?' or '#'. The test
// is exact for every byte: no carry crosses from one byte into the next.
func stopBits(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	// (y&low7 + low7) | y | low7 has the high bit of each byte of y that
	// is not zero.
	a, b, c := x^0x2f2f2f2f2f2f2f2f, x^0x3f3f3f3f3f3f3f3f, x^0x2323232323232323
	return ^(((a&low7 + low7) | a | low7) & ((b&low7 + low7) | b | low7) & ((c&low7 + low7) | c | low7))
}

// le64 returns the eight bytes of w as a little-endian word (one load).
func le64(w string) uint64 {
	w = w[:8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

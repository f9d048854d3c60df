package intel

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// splitURLRef is SplitURL before authorityEnd (commit bfe3fe2).
// SplitURL splits an (already refanged) absolute URL into its parts without
// validating the host.
func splitURLRef(s string) (URLParts, error) {
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
	end := 0
	for end < len(rest) && rest[end] != '/' && rest[end] != '?' && rest[end] != '#' {
		end++
	}
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

// plainURLRef is plainURL before authorityEnd (commit bfe3fe2).
// plainURL reports whether s is a canonical URL of the common shape, one
// that canonicalURL would return as it is: a scheme of lower-case letters,
// digits, '+', '-' and '.' that starts with a letter; "://"; a host that
// is a canonical domain name, with no user information and no port; and a
// path, query and fragment with no byte to reject, no bracket to encode
// and no invalid UTF-8. It saves splitting the URL and building it again
// to compare (about 700 instructions a URL). For anything else it reports
// false, and canonicalURL takes the long way, which gives the errors
// (FuzzCanonicalAgrees, FuzzPlainURL).
func plainURLRef(s string) bool {
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
	end := 0
	for end < len(rest) && rest[end] != '/' && rest[end] != '?' && rest[end] != '#' {
		end++
	}
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

// FuzzURLSplitAgrees checks SplitURL and plainURL against their versions
// before authorityEnd.
func FuzzURLSplitAgrees(f *testing.F) {
	for _, s := range []string{"http://evil.com/a", "https://user@evil.example.co.jp:8443/p?q#f", "hxxp://x", "http://[::1]:80/", "ftp://a.b?c", "http://abcdefgh.ij#k", "http://EVIL.com", "http://evil.com:8080", "x://", "http://\xff.com/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotErr := SplitURL(s)
		want, wantErr := splitURLRef(s)
		if got != want || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("SplitURL(%q) = %+v, %v; want %+v, %v", s, got, gotErr, want, wantErr)
		}
		if g, w := plainURL(s), plainURLRef(s); g != w {
			t.Fatalf("plainURL(%q) = %v, want %v", s, g, w)
		}
	})
}

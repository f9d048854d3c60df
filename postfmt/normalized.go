package postfmt

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// normalized reports, cheaply, that s.Normalize() would return nil and
// change none of the fields a post carries: s was normalised on load, as
// sightings read by iocast are. Compose then reads s as it is instead of
// normalising a copy. It is conservative: a false answer only means
// "normalise a copy", so values it cannot judge cheaply (non-ASCII file
// names, links with non-ASCII characters, ...) make it false. Every check
// mirrors what Normalize does to the field; TestNormalizedAgreesWithNormalize
// and FuzzNormalized hold it to that.
//
// Source and Observed are not checked: no post carries them.
func normalized(s *intel.Sighting) bool {
	if !trimmed(s.Family) || !trimmed(s.Version) || !trimmed(s.Credit) {
		return false
	}
	switch s.TLP {
	case "", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED":
	default:
		return false
	}
	for i := range s.Samples {
		sm := &s.Samples[i]
		if !canonicalHash(sm.MD5, 32) || !canonicalHash(sm.SHA1, 40) ||
			!canonicalHash(sm.SHA256, 64) || !canonicalHash(sm.SHA512, 128) ||
			!plainFilename(sm.Filename) || sm.Link != "" && !plainLink(sm.Link) {
			return false
		}
		if sm.MD5 == "" && sm.SHA1 == "" && sm.SHA256 == "" && sm.SHA512 == "" && sm.Filename == "" && sm.Link == "" {
			return false // Normalize reports an empty sample
		}
	}
	for i := range s.C2 {
		e := &s.C2[i]
		if e.Port < 0 || e.Port > 65535 || !trimmed(e.ISP) || !canonicalASN(e.ASN) ||
			e.Country != "" && !upperCountry(e.Country) || !canonicalEndpointValue(e.Value, e.Port) {
			return false
		}
	}
	for _, t := range s.Targets {
		if !upperCountry(t) {
			return false
		}
	}
	for _, t := range s.Tags {
		// Normalize trims, drops a leading '#' and rejects empty tags and
		// tags holding white space or '#'.
		if t == "" || !trimmed(t) || strings.ContainsAny(t, " \t\n#") {
			return false
		}
	}
	for _, r := range s.References {
		if !plainLink(r) {
			return false
		}
	}
	for _, ind := range s.Indicators {
		if n := hashLength(ind.Kind); n > 0 {
			if ind.Value == "" || !canonicalHash(ind.Value, n) {
				return false
			}
			continue
		}
		if v, err := intel.Canonical(ind.Kind, ind.Value); err != nil || v != ind.Value {
			return false
		}
	}
	return true
}

// trimmed reports whether strings.TrimSpace(v) == v.
func trimmed(v string) bool {
	return len(strings.TrimSpace(v)) == len(v)
}

func hashLength(k intel.Kind) int {
	switch k {
	case intel.KindMD5:
		return 32
	case intel.KindSHA1:
		return 40
	case intel.KindSHA256:
		return 64
	case intel.KindSHA512:
		return 128
	}
	return 0
}

// canonicalHash reports whether v is empty or n lower-case hex digits,
// which intel.Canonical returns as they are (no defang can start in them).
func canonicalHash(v string, n int) bool {
	if v == "" {
		return true
	}
	if len(v) != n {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// plainFilename reports whether v is empty or a file name of ASCII
// letters, digits, '.', '_' and '-' (not "." or ".."), at most 255
// bytes: intel.Canonical returns those as they are, since neither a
// defang nor a path separator, quote or control character can occur.
func plainFilename(v string) bool {
	if v == "" {
		return true
	}
	if len(v) > 255 || v == "." || v == ".." {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isASCIIAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// plainLink reports whether v is a link Normalize keeps as it is:
// "http://" or "https://", a host, and printable ASCII without spaces.
func plainLink(v string) bool {
	rest, ok := strings.CutPrefix(v, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(v, "http://")
	}
	if !ok || rest == "" || rest[0] == '/' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7F {
			return false
		}
	}
	return true
}

// canonicalASN reports whether v is empty or "AS" and a decimal number in
// 1 … 4294967294 without leading zeros, as intel.Canonical writes it.
func canonicalASN(v string) bool {
	if v == "" {
		return true
	}
	if len(v) < 3 || v[0] != 'A' || v[1] != 'S' || v[2] < '1' || v[2] > '9' {
		return false
	}
	for i := 2; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	n, err := strconv.ParseUint(v[2:], 10, 32)
	return err == nil && n != 4294967295
}

// upperCountry reports whether v is two upper-case ASCII letters.
func upperCountry(v string) bool {
	return len(v) == 2 && 'A' <= v[0] && v[0] <= 'Z' && 'A' <= v[1] && v[1] <= 'Z'
}

// canonicalIPv4 reports whether v is an IPv4 address as intel.Canonical
// writes it: netip accepts only the canonical dotted quad.
func canonicalIPv4(v string) bool {
	a, err := netip.ParseAddr(v)
	return err == nil && a.Is4()
}

// canonicalEndpointValue reports whether Normalize keeps the C2 value v
// (with port) as it is and accepts it. It follows Normalize: refang, then
// a URL, an IPv6 address, an IPv4 address or a domain.
func canonicalEndpointValue(v string, port int) bool {
	if v == "" || len(v) > intel.MaxValueLen || !trimmed(v) || intel.Refang(v) != v {
		return false
	}
	switch {
	case strings.Contains(v, "://"):
		if port != 0 {
			return false // a URL carries its port in the URL
		}
		if plainIPv4URL(v) {
			return true
		}
		c, err := intel.Canonical(intel.KindURL, v)
		return err == nil && c == v
	case strings.Count(v, ":") >= 2:
		if v[0] == '[' || v[len(v)-1] == ']' {
			return false
		}
		c, err := intel.Canonical(intel.KindIPv6, v)
		return err == nil && c == v
	}
	if canonicalIPv4(v) {
		return true
	}
	c, err := intel.Canonical(intel.KindDomain, v)
	return err == nil && c == v
}

// plainIPv4URL reports, for a trimmed v that intel.Refang leaves as it
// is, whether v is a canonical URL of the common C2 shape
// "http(s)://IPv4[:port][/path?query#fragment]" with a path of printable
// ASCII: intel's canonicalURL returns such a URL as it is, and checking
// it here is cheaper than asking.
func plainIPv4URL(v string) bool {
	rest, ok := strings.CutPrefix(v, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(v, "https://")
	}
	if !ok {
		return false
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, path := rest[:end], rest[end:]
	if c := strings.IndexByte(host, ':'); c >= 0 {
		port := host[c+1:]
		host = host[:c]
		if port == "" || port[0] == '0' || len(port) > 5 {
			return false
		}
		n := 0
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return false
			}
			n = n*10 + int(port[i]-'0')
		}
		if n > 65535 {
			return false
		}
	}
	if !canonicalIPv4(host) {
		return false
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c <= ' ' || c >= 0x7F:
			return false
		case c == '"' || c == '<' || c == '>' || c == '\\' || c == '[' || c == ']':
			return false
		}
	}
	return true
}

package extract

import (
	"bytes"
	"net/netip"
	"strconv"

	"github.com/iocast/iocast/intel"
)

// avPrefixes are first labels that make a dotted name an anti-virus
// signature name (Trojan.Win32.Agent, Win64.Backdoor.X), never a domain.
var avPrefixes = map[string]bool{
	"trojan": true, "backdoor": true, "win32": true, "win64": true, "w32": true, "w64": true,
	"heur": true, "worm": true, "exploit": true, "hacktool": true, "riskware": true, "adware": true,
	"trojandownloader": true, "trojanspy": true, "trojandropper": true, "virtool": true, "msil": true,
	"ransom": true, "ransomware": true, "pua": true, "pup": true, "gen": true, "generic": true,
	"malware": true, "spyware": true, "downloader": true, "dropper": true, "packed": true,
	"suspicious": true, "android": true, "androidos": true, "osx": true, "macos": true, "linux": true,
	"elf": true, "script": true, "vbs": true, "js": true, "html": true, "doc": true, "xls": true,
	"pdf": true, "bat": true, "ps": true, "powershell": true, "variant": true, "behavior": true,
	"backdoor_": true, "troj": true, "tr": true, "bds": true, "mal": true, "susp": true,
}

func (s *scanner) tryHost(i, j int) bool {
	r := s.rbuf
	if r[i] == '[' {
		return s.tryBracketIPv6(i, j)
	}
	// The searches for bytes of the classes rbuf has none of are skipped.
	cl := s.classes
	slash := j
	if cl&cSlash != 0 {
		if k := bytes.IndexByte(r[i:j], '/'); k >= 0 {
			slash = i + k
		}
		if k := bytes.IndexByte(r[i:slash], '\\'); k >= 0 {
			slash = i + k
		}
	}
	hp := r[i:slash]
	if cl&cEq != 0 && bytes.IndexByte(hp, '=') >= 0 {
		return false // "IOC=3.149.231.217:4444/a": split at '=' first
	}
	colons := 0
	if cl&cColon != 0 {
		colons = bytes.Count(hp, []byte{':'})
	}
	if colons >= 2 {
		if isCIDRSuffix(r[slash:j]) || slash+4 == j && r[slash] == '/' && allDigits(r[slash+1:j]) {
			return true // an IPv6 network block
		}
		if a, err := netip.ParseAddr(string(hp)); err == nil && a.Is6() && a.Zone() == "" && hexGroups(hp) {
			return s.emitIPv6(a, 0, i, slash)
		}
		return false
	}
	host, port := hp, 0
	if colons == 1 {
		c := bytes.IndexByte(hp, ':')
		p := hp[c+1:]
		if len(p) == 0 || len(p) > 5 || !allDigits(p) {
			return false
		}
		n, _ := strconv.Atoi(string(p))
		if n < 1 || n > 65535 {
			return false
		}
		host, port = hp[:c], n
	}
	path := r[slash:j]
	if len(host) == 0 {
		if len(path) > 1 {
			return s.tryPathFilename(slash, j)
		}
		return false
	}
	if a4, looks, ok := validIPv4(host); looks {
		if !ok {
			return true // 999.1.2.3 or 01.02.03.04: not an IP, and nothing else
		}
		if s.versionContext(i) {
			return true
		}
		if isCIDRSuffix(path) {
			return true // a network block, not a single IP
		}
		if len(path) > 1 && path[0] != '\\' {
			return s.emitAt(intel.KindURL, s.strCat("http://", r[i:j]), 0, i, j)
		}
		// validIPv4 accepted only canonical dotted quads: no need to
		// canonicalise again, nor to parse the host for warninglists.
		a, b := s.span(i, i+len(host))
		ind := intel.Indicator{Kind: intel.KindIPv4, Value: s.str(host)}
		h := hostInfo{name: ind.Value, kind: intel.KindIPv4, a4: a4}
		s.emitHost(ind, &h, port, a, b, s.wasDefanged(i, i+len(host)))
		return true
	}
	if !bytes.ContainsRune(host, '.') || !plausibleDomain(host) {
		if len(path) > 1 {
			return s.tryPathFilename(slash, j)
		}
		return false
	}
	last := host[bytes.LastIndexByte(host, '.')+1:]
	// "invoice.zip" is a file; "evil[.]zip", defanged by its author, a domain.
	if port == 0 && len(path) == 0 && intel.IsFileExtension(bstr(last)) && !s.wasDefanged(i, j) {
		return s.tryFilename(i, j)
	}
	if !s.defanged && s.notADomain(host) {
		return true
	}
	if len(path) > 1 && path[0] == '/' {
		s.tmp = append(append(s.tmp[:0], "http://"...), r[i:j]...)
		ind, ok := s.canon(intel.KindURL, s.tmp)
		if !ok {
			return s.tryPathFilename(slash, j)
		}
		a, b := s.span(i, j)
		h := canonicalHostInfo(ind)
		s.emitHost(ind, &h, 0, a, b, s.wasDefanged(i, j))
		if s.isReference(ind, &h) {
			s.hashesIn(slash, j)
		}
		return true
	}
	ind, ok := s.canon(intel.KindDomain, host)
	if !ok {
		return false
	}
	a, b := s.span(i, i+len(host))
	s.emit(ind, port, a, b, s.wasDefanged(i, i+len(host)))
	return true
}

// hexGroups rejects IPv6-looking times and ratios: it wants at least one
// hex letter or a "::".
func hexGroups(b []byte) bool {
	if bytes.Contains(b, []byte("::")) {
		return bytes.Count(b, []byte{':'}) >= 2 && len(b) >= 6
	}
	return true
}

func (s *scanner) tryBracketIPv6(i, j int) bool {
	r := s.rbuf
	e := bytes.IndexByte(r[i:j], ']')
	if e < 0 {
		return false
	}
	e += i
	a, err := netip.ParseAddr(string(r[i+1 : e]))
	if err != nil || !a.Is6() {
		return false
	}
	rest := r[e+1 : j]
	port := 0
	if len(rest) > 1 && rest[0] == ':' {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		port, _ = strconv.Atoi(string(rest[1:k]))
		rest = rest[k:]
	}
	if len(rest) > 1 && rest[0] == '/' {
		return s.emitAt(intel.KindURL, s.strCat("http://", r[i:j]), 0, i, j)
	}
	if a.Zone() != "" {
		return false // not canonical: emitAt would report nothing either
	}
	return s.emitIPv6(a, port, i+1, e)
}

// emitIPv6 reports the IPv6 address a (no zone) parsed from r[i:j], as
// emitAt(intel.KindIPv6, a.String(), …) does, without parsing it twice
// more (canonical form, warninglists).
func (s *scanner) emitIPv6(a netip.Addr, port, i, j int) bool {
	ind := intel.Indicator{Kind: intel.KindIPv6, Value: a.String()}
	h := hostInfo{name: ind.Value, kind: intel.KindIPv6, a6: ipv6Uint(a), has6: true}
	start, end := s.span(i, j)
	s.emitHost(ind, &h, port, start, end, s.wasDefanged(i, j))
	return true
}

// validIPv4 reports whether b looks like an IPv4 address (7 to 15 bytes,
// digits and three dots) and, if so, whether it is a canonical dotted quad
// (no leading zeros, octets up to 255), as netip formats IPv4 addresses,
// and returns the address as a number. One pass for both. It reads
// candidates (bytes) and canonical values (strings).
func validIPv4[T ~string | ~[]byte](b T) (a uint32, looks, ok bool) {
	if len(b) < 7 || len(b) > 15 {
		return 0, false, false
	}
	ok = true
	dots, v, digits := 0, 0, 0
	for k := 0; k < len(b); k++ {
		c := b[k]
		if c == '.' {
			if digits == 0 || digits > 3 || v > 255 || digits > 1 && b[k-digits] == '0' {
				ok = false
			}
			a = a<<8 | uint32(v)
			dots++
			v, digits = 0, 0
			continue
		}
		if c < '0' || c > '9' {
			return 0, false, false
		}
		v = v*10 + int(c-'0')
		digits++
	}
	if dots != 3 {
		return 0, false, false
	}
	if digits == 0 || digits > 3 || v > 255 || digits > 1 && b[len(b)-digits] == '0' || !ok {
		return 0, true, false
	}
	return a<<8 | uint32(v), true, true
}

func isCIDRSuffix(p []byte) bool {
	return len(p) >= 2 && len(p) <= 3 && p[0] == '/' && allDigits(p[1:])
}

// plausibleDomain is a cheap test before full validation: labels of name
// characters and a last label of letters (or punycode).
func plausibleDomain(h []byte) bool {
	d := bytes.LastIndexByte(h, '.')
	if d <= 0 || d == len(h)-1 {
		return false
	}
	tld := h[d+1:]
	if len(tld) < 2 {
		return false
	}
	if bytes.HasPrefix(tld, []byte("xn--")) {
		return true
	}
	for _, c := range tld {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80) {
			return false
		}
	}
	for _, c := range h {
		if !(isLabelByte(c) || c == '.' || c >= 0x80) {
			return false
		}
	}
	return true
}

// notADomain spots dotted names that are not domains although they end in a
// top-level domain: anti-virus signature names (Trojan.Win32.Agent.ca),
// and code identifiers written in CamelCase (System.IO, Microsoft.NET).
func (s *scanner) notADomain(host []byte) bool {
	first := host
	if d := bytes.IndexByte(host, '.'); d >= 0 {
		first = host[:d]
	}
	lf := string(lowerAll(first))
	if avPrefixes[lf] {
		return true
	}
	if codeReceivers[lf] && bytes.Count(host, []byte{'.'}) == 1 {
		return true
	}
	// CamelCase inside a label, or a top-level domain in capitals after a
	// name that is not all capitals.
	d := bytes.LastIndexByte(host, '.')
	tld, rest := host[d+1:], host[:d]
	if hasUpper(tld) && !allUpperOrDigit(rest) {
		return true
	}
	for k := 1; k < len(host); k++ {
		if host[k] >= 'A' && host[k] <= 'Z' && host[k-1] >= 'a' && host[k-1] <= 'z' {
			return true
		}
	}
	return false
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func allUpperOrDigit(b []byte) bool {
	for _, c := range b {
		if c >= 'a' && c <= 'z' {
			return false
		}
	}
	return true
}

// versionContext reports whether the text right before the candidate that
// starts at r[i] names a version ("version 1.2.3.4", "ver. 1.2.3.4",
// "v1.2.3.4", "バージョン1.2.3.4").
func (s *scanner) versionContext(i int) bool {
	a := s.at(i)
	seg := s.seg
	k := a
	for k > 0 && (seg[k-1] == ' ' || seg[k-1] == ':' || seg[k-1] == '\t' || seg[k-1] == '(') {
		k--
	}
	// Each word ends in one of these bytes ("ン" in B3, "版" in 88), and
	// only that byte lowers to it.
	if k == 0 || !versionEnd[seg[k-1]] {
		return false
	}
	lo := k - 24
	if lo < 0 {
		lo = 0
	}
	var buf [3 * 24]byte
	before := appendLower(buf[:0], seg[lo:k])
	for _, w := range [...]string{"version", "ver.", "ver", "v", "build", "release", "firmware", "bios", "バージョン", "版"} {
		if bytes.HasSuffix(before, []byte(w)) {
			// The word must start at a word boundary.
			p := len(before) - len(w)
			if p == 0 || !isASCIIAlnum(before[p-1]) || w[0] >= 0x80 {
				return true
			}
		}
	}
	return false
}

// versionEnd marks the last bytes of the words versionContext looks for,
// in either case.
var versionEnd = func() (t [256]bool) {
	for _, c := range []byte("nNrRvVdDeEsS.\xB3\x88") {
		t[c] = true
	}
	return t
}()

// codeReceivers are names that, before a dot, make "self.info" or
// "config.app" a line of code rather than a domain.
var codeReceivers = map[string]bool{
	"self": true, "this": true, "super": true, "logger": true, "log": true, "logging": true,
	"config": true, "cfg": true, "conf": true, "app": true, "os": true, "sys": true, "window": true,
	"document": true, "console": true, "request": true, "requests": true, "response": true,
	"res": true, "req": true, "json": true, "re": true, "np": true, "pd": true, "obj": true,
	"ctx": true, "args": true, "kwargs": true, "params": true, "data": true, "result": true,
	"client": true, "session": true, "settings": true, "util": true, "utils": true, "math": true,
	"str": true, "path": true, "module": true, "exports": true, "process": true, "err": true,
	"event": true, "el": true, "node": true, "item": true, "model": true, "view": true,
	"string": true, "array": true, "object": true, "date": true, "socket": true, "struct": true,
}

package extract

import (
	"bytes"
	"net/netip"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// recognize finds the indicators in the refanged candidate s.rbuf, whose
// bytes map back to the segment through s.pos.
func (s *scanner) recognize() {
	s.piece(0, len(s.rbuf), 0)
}

// span maps r[i:j] back to a span of the segment.
func (s *scanner) span(i, j int) (int, int) {
	return int(s.pos[i]), int(s.pos[j])
}

// wasDefanged reports whether r[i:j] differs from the text it came from.
func (s *scanner) wasDefanged(i, j int) bool {
	a, b := s.span(i, j)
	return !bytes.Equal(s.seg[a:b], s.rbuf[i:j])
}

func (s *scanner) emitAt(k intel.Kind, v string, port, i, j int) bool {
	a, b := s.span(i, j)
	return s.emitValue(k, v, port, a, b, s.wasDefanged(i, j))
}

// maxDepth bounds the recursion of piece splitting.
const maxDepth = 4

// piece recognizes r[i:j]: as a whole first, then split at separators.
func (s *scanner) piece(i, j, depth int) {
	r := s.rbuf
	for i < j && (r[i] == '.' || r[i] == '-' || r[i] == '\\' || r[i] == '/' || r[i] == '?' || r[i] == '^' || r[i] == '$' || (r[i] == '(' || r[i] == '[') && bytes.IndexByte(r[i:j], closing(r[i])) < 0) {
		i++ // a leading bracket without its partner
	}
	for j > i && (r[j-1] == '.' || r[j-1] == ':' || r[j-1] == '=' || r[j-1] == '$' || r[j-1] == '?' || r[j-1] == '^' || r[j-1] == ';') {
		j--
	}
	j = balance(r, i, j)
	if j-i < 3 {
		return
	}
	if s.tryURL(i, j, depth) || s.tryEmail(i, j, depth) || s.tryHost(i, j) ||
		s.tryHash(i, j) || s.tryCVE(i, j) || s.tryASN(i, j) || s.tryFilename(i, j) {
		return
	}
	if depth >= maxDepth {
		return
	}
	// Split at separators: "C2:evil.com", "md5=…", "foo(evil.com)".
	start := i
	for k := i; k <= j; k++ {
		if k == j || isSeparator(r[k]) {
			if k > start && k-start < j-i {
				s.piece(start, k, depth+1)
			}
			start = k + 1
		}
	}
}

func closing(open byte) byte {
	switch open {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return '}'
}

func isSeparator(c byte) bool {
	return c == ':' || c == '=' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '\'' || c == '!' || c == '*'
}

// knownSchemes are the URL schemes the extractor reports.
var knownSchemes = map[string]bool{
	"http": true, "https": true, "ftp": true, "ftps": true, "sftp": true, "ws": true, "wss": true,
	"tcp": true, "udp": true, "smb": true, "ssh": true, "telnet": true, "rdp": true, "irc": true,
	"ldap": true, "ldaps": true, "socks": true, "socks4": true, "socks5": true, "tls": true, "ssl": true,
	"dns": true, "quic": true,
}

func (s *scanner) tryURL(i, j, depth int) bool {
	r := s.rbuf
	k := bytes.Index(r[i:j], []byte("://"))
	if k < 0 {
		return false
	}
	k += i
	ss := k
	for ss > i && (isASCIIAlnum(r[ss-1]) || r[ss-1] == '+' || r[ss-1] == '-' || r[ss-1] == '.') {
		ss--
	}
	for ss < k && !(r[ss] >= 'a' && r[ss] <= 'z' || r[ss] >= 'A' && r[ss] <= 'Z') {
		ss++
	}
	if ss == k || !knownSchemes[string(lowerAll(r[ss:k]))] {
		// An unknown scheme: report nothing rather than guess what the
		// rest of it is.
		return ss < k
	}
	rest := j
	if semi := bytes.IndexByte(r[k:j], ';'); semi >= 0 && bytes.Contains(r[k+semi:j], []byte("://")) {
		j = k + semi // "http://a/;http://b": two URLs
	}
	j = balance(r, ss, j)
	ind, err := intel.NewRefanged(intel.KindURL, string(r[ss:j]))
	if err != nil {
		return true // a scheme with a bad host: nothing else to find here
	}
	a, b := s.span(ss, j)
	s.emit(ind, 0, a, b, s.wasDefanged(ss, j))
	if s.e.isReference(ind) {
		s.hashesIn(k+3, j)
	}
	if ss-i > 4 && depth < maxDepth {
		s.piece(i, ss, depth+1)
	}
	if rest-j > 4 && depth < maxDepth {
		s.piece(j+1, rest, depth+1)
	}
	return true
}

// balance drops closing brackets at the end of r[i:j] that have no opening
// partner inside it: "${jndi:ldap://x/a}" ends the URL before "}".
func balance(r []byte, i, j int) int {
	for j > i {
		c := r[j-1]
		if c != ')' && c != ']' && c != '}' {
			break
		}
		if count(r[i:j], closingToOpening(c)) >= count(r[i:j], c) {
			break
		}
		j--
	}
	return j
}

func closingToOpening(c byte) byte {
	switch c {
	case ')':
		return '('
	case ']':
		return '['
	}
	return '{'
}

// hashesIn reports the hashes found in r[i:j] (the path of a reference link
// such as a VirusTotal or MalwareBazaar report).
func (s *scanner) hashesIn(i, j int) {
	r := s.rbuf
	for k := i; k < j; {
		if !isHexByte(r[k]) {
			k++
			continue
		}
		e := k
		for e < j && isHexByte(r[e]) {
			e++
		}
		if kind := intel.HashKind(e - k); kind != "" && (k == i || !isASCIIAlnum(r[k-1])) && (e == j || !isASCIIAlnum(r[e])) && !notASampleID(r[i:k]) {
			s.emitAt(kind, string(r[k:e]), 0, k, e)
		}
		k = e
	}
}

// notASampleID reports whether the path before a hex string says it names
// something other than a sample (a VirusTotal collection or graph).
func notASampleID(before []byte) bool {
	b := bytes.ToLower(before)
	for _, w := range [...]string{"collection/", "collections/", "graph/", "graphs/", "user/", "search/"} {
		if bytes.HasSuffix(b, []byte(w)) {
			return true
		}
	}
	return false
}

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isLocalByte(c byte) bool {
	return isASCIIAlnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%' || c == '\''
}

func (s *scanner) tryEmail(i, j, depth int) bool {
	r := s.rbuf
	at := bytes.IndexByte(r[i:j], '@')
	if at < 0 {
		return false
	}
	at += i
	ls := at
	for ls > i && isLocalByte(r[ls-1]) {
		ls--
	}
	de := at + 1
	for de < j && (isLabelByte(r[de]) || r[de] == '.' || r[de] >= 0x80) {
		de++
	}
	for de > at+1 && r[de-1] == '.' {
		de--
	}
	if ls > i && r[ls-1] == '@' {
		return true // a fediverse handle, @user@instance
	}
	for ls < at && r[ls] == '.' {
		ls++
	}
	if ls < at && de > at+1 {
		if ind, err := intel.NewRefanged(intel.KindEmail, string(r[ls:de])); err == nil {
			a, b := s.span(ls, de)
			s.emit(ind, 0, a, b, s.wasDefanged(ls, de))
			return true
		}
	}
	if ls == at && at == i {
		// "@handle" or "@evil.com": no local part.
		if depth < maxDepth {
			s.piece(at+1, j, depth+1)
		}
		return true
	}
	return false
}

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
	slash := j
	for k := i; k < j; k++ {
		if r[k] == '/' || r[k] == '\\' {
			slash = k
			break
		}
	}
	hp := r[i:slash]
	colons := bytes.Count(hp, []byte{':'})
	if colons >= 2 {
		if isCIDRSuffix(r[slash:j]) || slash+4 == j && r[slash] == '/' && allDigits(r[slash+1:j]) {
			return true // an IPv6 network block
		}
		if a, err := netip.ParseAddr(string(hp)); err == nil && a.Is6() && a.Zone() == "" && hexGroups(hp) {
			return s.emitAt(intel.KindIPv6, string(hp), 0, i, slash)
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
	if looksIPv4(host) {
		if !validIPv4(host) {
			return true // 999.1.2.3 or 01.02.03.04: not an IP, and nothing else
		}
		if s.versionContext(i) {
			return true
		}
		if isCIDRSuffix(path) {
			return true // a network block, not a single IP
		}
		if len(path) > 1 && path[0] != '\\' {
			return s.emitAt(intel.KindURL, "http://"+string(r[i:j]), 0, i, j)
		}
		// validIPv4 accepted only canonical dotted quads: no need to
		// canonicalise again.
		a, b := s.span(i, i+len(host))
		s.emit(intel.Indicator{Kind: intel.KindIPv4, Value: string(host)}, port, a, b, s.wasDefanged(i, i+len(host)))
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
	if port == 0 && len(path) == 0 && intel.IsFileExtension(string(last)) && !s.wasDefanged(i, j) {
		return s.tryFilename(i, j)
	}
	if !s.defanged && s.notADomain(host) {
		return true
	}
	if len(path) > 1 && path[0] == '/' {
		ind, err := intel.NewRefanged(intel.KindURL, "http://"+string(r[i:j]))
		if err != nil {
			return s.tryPathFilename(slash, j)
		}
		a, b := s.span(i, j)
		s.emit(ind, 0, a, b, s.wasDefanged(i, j))
		if s.e.isReference(ind) {
			s.hashesIn(slash, j)
		}
		return true
	}
	ind, err := intel.NewRefanged(intel.KindDomain, string(host))
	if err != nil {
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
		return s.emitAt(intel.KindURL, "http://"+string(r[i:j]), 0, i, j)
	}
	return s.emitAt(intel.KindIPv6, a.String(), port, i+1, e)
}

// validIPv4 reports whether b is a canonical dotted quad (no leading zeros,
// octets up to 255), as netip formats IPv4 addresses.
func validIPv4(b []byte) bool {
	octets, v, digits := 0, 0, 0
	for k := 0; k <= len(b); k++ {
		if k == len(b) || b[k] == '.' {
			if digits == 0 || v > 255 || digits > 1 && b[k-digits] == '0' {
				return false
			}
			octets++
			v, digits = 0, 0
			continue
		}
		c := b[k]
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + int(c-'0')
		digits++
		if digits > 3 {
			return false
		}
	}
	return octets == 4
}

func looksIPv4(b []byte) bool {
	if len(b) < 7 || len(b) > 15 {
		return false
	}
	dots := 0
	for _, c := range b {
		switch {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots == 3
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
	a := int(s.pos[i])
	seg := s.seg
	k := a
	for k > 0 && (seg[k-1] == ' ' || seg[k-1] == ':' || seg[k-1] == '\t' || seg[k-1] == '(') {
		k--
	}
	lo := k - 24
	if lo < 0 {
		lo = 0
	}
	before := bytes.ToLower(seg[lo:k])
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

func (s *scanner) tryHash(i, j int) bool {
	k := intel.HashKind(j - i)
	if k == "" {
		return false
	}
	var buf [128]byte
	h := buf[:j-i]
	for n, c := range s.rbuf[i:j] {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			h[n] = c
		case c >= 'A' && c <= 'F':
			h[n] = c + 'a' - 'A'
		default:
			return false
		}
	}
	a, b := s.span(i, j)
	s.emit(intel.Indicator{Kind: k, Value: string(h)}, 0, a, b, s.wasDefanged(i, j))
	return true
}

func (s *scanner) tryCVE(i, j int) bool {
	r := s.rbuf
	if j-i < 13 || j-i > 16 || !equalFold(r[i:i+4], "cve-") || r[i+8] != '-' || !allDigits(r[i+4:i+8]) || !allDigits(r[i+9:j]) {
		return false
	}
	return s.emitAt(intel.KindCVE, string(r[i:j]), 0, i, j)
}

func (s *scanner) tryASN(i, j int) bool {
	r := s.rbuf
	if j-i < 3 || r[i] != 'A' || r[i+1] != 'S' {
		return false
	}
	d := i + 2
	if r[d] == 'N' {
		d++
	}
	if d >= j || !allDigits(r[d:j]) || j-d > 10 {
		return false
	}
	return s.emitAt(intel.KindASN, "AS"+string(r[d:j]), 0, i, j)
}

// tryFilename reports r[i:j] as a file name when it ends in a known
// extension. A file named after its hash is reported as the hash.
func (s *scanner) tryFilename(i, j int) bool {
	r := s.rbuf
	d := bytes.LastIndexByte(r[i:j], '.')
	if d <= 0 {
		return false
	}
	d += i
	if !intel.IsFileExtension(string(r[d+1 : j])) {
		return false
	}
	for _, c := range r[i:d] {
		if c == '/' || c == '\\' || c == ':' || c == '@' || c == '=' {
			return false
		}
	}
	if k := intel.HashKind(d - i); k != "" && s.tryHash(i, d) {
		return true
	}
	if quietExtensions[string(lowerAll(r[d+1:j]))] || notFiles[string(lowerAll(r[i:j]))] {
		return true // a file name, but not one worth reporting
	}
	return s.emitAt(intel.KindFilename, string(r[i:j]), 0, i, j)
}

// quietExtensions are file extensions that keep a name from being taken for
// a domain (README.md is no Moldovan site) but that name project files,
// configuration and source code far more often than samples, so the
// extractor does not report them.
var quietExtensions = map[string]bool{
	"md": true, "json": true, "yml": true, "yaml": true, "xml": true, "csv": true, "tsv": true,
	"ini": true, "cfg": true, "log": true, "db": true, "sqlite": true, "bak": true, "tmp": true,
	"c": true, "cpp": true, "h": true, "cs": true, "go": true, "rs": true, "ts": true, "py": true,
	"rb": true, "lua": true, "pyc": true, "class": true, "gif": true, "jpg": true, "jpeg": true,
	"bmp": true, "ico": true, "tif": true, "tiff": true, "webp": true, "mp3": true, "mp4": true,
	"mov": true, "avi": true, "wav": true,
}

// notFiles are names with a file extension that are software, not files.
var notFiles = map[string]bool{
	"node.js": true, "vue.js": true, "next.js": true, "nuxt.js": true, "react.js": true, "angular.js": true,
	"three.js": true, "d3.js": true, "express.js": true, "chart.js": true, "ember.js": true, "backbone.js": true,
}

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

// tryPathFilename reports the last segment of a path (/tmp/x.sh,
// C:\Users\Public\evil.exe) as a file name.
func (s *scanner) tryPathFilename(slash, j int) bool {
	r := s.rbuf
	k := j
	for k > slash && r[k-1] != '/' && r[k-1] != '\\' {
		k--
	}
	if k >= j {
		return true
	}
	s.tryFilename(k, j)
	return true
}

// cjkFilename handles a file name glued to the CJK text before it, as in
// "添付ファイル請求書.docx" or "お見積り依頼書_20240610.img": the name runs
// back to the previous space or CJK punctuation.
func (s *scanner) cjkFilename(a, b int) bool {
	seg := s.seg
	_, b = trimToken(seg, a, b)
	tok := seg[a:b]
	d := bytes.LastIndexByte(tok, '.')
	if d < 0 || !intel.IsFileExtension(string(tok[d+1:])) || bytes.ContainsAny(tok, "/\\:@") {
		return false
	}
	if prev, _ := lastRune(seg[:a]); !isFilenameRune(prev) || prev < 0x80 {
		return false
	}
	st := a
	for st > 0 {
		rr, w := lastRune(seg[:st])
		if !isFilenameRune(rr) {
			break
		}
		st -= w
	}
	s.rbuf, s.pos, s.rebaseFrom = s.rbuf[:0], s.pos[:0], 0
	var changed bool
	s.rbuf, s.pos, changed = intel.AppendRefang(s.rbuf, s.pos, seg[st:b], intel.RefangOptions{})
	s.rebase(st)
	s.defanged = changed
	return s.tryFilename(0, len(s.rbuf))
}

// wideDotAt reports whether seg[i:] starts with a full-width or ideographic
// dot (．。｡) that follows a non-ASCII letter.
func wideDotAt(seg []byte, i int) bool {
	if i < 1 || i+3 > len(seg) || seg[i-1] < 0x80 {
		return false
	}
	c, c1, c2 := seg[i], seg[i+1], seg[i+2]
	return c == 0xEF && c1 == 0xBC && c2 == 0x8E || c == 0xE3 && c1 == 0x80 && c2 == 0x82 || c == 0xEF && c1 == 0xBD && c2 == 0xA1
}

// cjkDomain handles internationalised domains written in CJK script, which
// the tokenizer cuts apart: "ログイン確認[.]com", "セキュリティ更新．net",
// "hxxps://ゆうびん-再配達[.]top/a". When the token starts with a dot (plain,
// defanged or full-width) right after CJK letters, the name runs back over
// letters, digits and hyphens to the previous space or punctuation, and
// over a glued scheme.
func (s *scanner) cjkDomain(a, b int) bool {
	seg := s.seg
	st := a
	if wideDotAt(seg, a-3) {
		// "。" also ends Japanese sentences: "…していました。ZIPファイル".
		// A top-level domain after it is lower-case and not glued to
		// the CJK text that follows.
		for k := a; k < b; k++ {
			if c := seg[k]; c >= 'A' && c <= 'Z' {
				return false
			}
		}
		if b < len(seg) && seg[b] >= 0x80 {
			if r, _ := utf8.DecodeRune(seg[b:]); unicode.IsLetter(r) {
				return false
			}
		}
		st = a - 3
	} else {
		_, tb := trimToken(seg, a, b)
		if tb-a < 3 || !(seg[a] == '.' || seg[a] == '[' || seg[a] == '(' || seg[a] == '{') {
			return false
		}
	}
	k := st
	for k > 0 {
		r, w := lastRune(seg[:k])
		if r != '-' && !(r >= 0x80 && isFilenameRune(r)) && !(r < 0x80 && isASCIIAlnum(byte(r))) {
			break
		}
		k -= w
	}
	if k == st {
		return false
	}
	// A scheme glued before the name: "hxxps://", "http[:]//".
	if k >= 3 && seg[k-1] == '/' && seg[k-2] == '/' {
		for k > 0 && seg[k-1] < 0x80 && class[seg[k-1]]&cDelim == 0 {
			k--
		}
	}
	_, b = trimToken(seg, k, b)
	before := s.emitted
	s.rbuf, s.pos, s.rebaseFrom = s.rbuf[:0], s.pos[:0], 0
	s.rbuf, s.pos, _ = intel.AppendRefang(s.rbuf, s.pos, seg[k:b], intel.RefangOptions{})
	s.rebase(k)
	// Full-width and ideographic dots between a CJK label and the next one.
	w := 0
	for r := 0; r < len(s.rbuf); r++ {
		if r+3 <= len(s.rbuf) && wideDotAt(s.rbuf, r) {
			s.rbuf[w], s.pos[w] = '.', s.pos[r]
			w++
			r += 2
			continue
		}
		s.rbuf[w], s.pos[w] = s.rbuf[r], s.pos[r]
		w++
	}
	s.pos[w] = s.pos[len(s.rbuf)]
	s.rbuf, s.pos = s.rbuf[:w], s.pos[:w+1]
	s.defanged = true
	s.recognize()
	return s.emitted > before
}

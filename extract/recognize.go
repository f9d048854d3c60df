package extract

import (
	"bytes"
	"encoding/binary"
	"unsafe"

	"github.com/iocast/iocast/intel"
)

// recognize finds the indicators in the refanged candidate s.rbuf, whose
// bytes map back to the segment through s.pos.
func (s *scanner) recognize() {
	s.piece(0, len(s.rbuf), 0)
}

// at returns the offset in the segment of r[i].
func (s *scanner) at(i int) int {
	if s.ident {
		return s.posBase + i
	}
	return s.posBase + int(s.pos[i])
}

// span maps r[i:j] back to a span of the segment.
func (s *scanner) span(i, j int) (int, int) {
	return s.at(i), s.at(j)
}

// wasDefanged reports whether r[i:j] differs from the text it came from.
func (s *scanner) wasDefanged(i, j int) bool {
	if s.ident {
		return false
	}
	a, b := s.span(i, j)
	return !bytes.Equal(s.seg[a:b], s.rbuf[i:j])
}

func (s *scanner) emitAt(k intel.Kind, v string, port, i, j int) bool {
	a, b := s.span(i, j)
	return s.emitValue(k, v, port, a, b, s.wasDefanged(i, j))
}

// maxDepth bounds the recursion of piece splitting (one level a separator).
const maxDepth = 8

// piece recognizes r[i:j]: as a whole first, then split at separators.
func (s *scanner) piece(i, j, depth int) {
	r := s.rbuf
	for i < j && pieceLeadOpen[r[i]] {
		if c := r[i]; !pieceLead[c] && bytes.IndexByte(r[i:j], closing(c)) >= 0 {
			break
		}
		i++ // or a leading bracket without its partner
	}
	for j > i && pieceTrail[r[j-1]] {
		j--
	}
	if j > i && closingBracket[r[j-1]] {
		j = balance(r, i, j) // only then can it change j
	}
	if j-i < 3 {
		return
	}
	// A hash and nothing else: no scheme, '@', dot or slash. tryHash
	// depends only on r[i:j], so it is not tried again below.
	if intel.HashKind(j-i) != "" && s.tryHash(i, j) {
		return
	}
	// A URL needs a colon and a slash, an e-mail address an at sign, a
	// host a dot, a colon or a slash (a path), a file name a dot: without
	// them these recognizers find nothing (FuzzKnownClasses). Most
	// candidates without any ("(KHTML", "(C2)", "[active]") go straight
	// to the hash, CVE and ASN tests.
	c := s.classes
	if c&cColon != 0 && c&cSlash != 0 && s.tryURL(i, j, depth) ||
		c&cAt != 0 && s.tryEmail(i, j, depth) ||
		c&(cDot|cColon|cSlash) != 0 && s.tryHost(i, j) ||
		s.tryCVE(i, j) || s.tryASN(i, j) ||
		c&cDot != 0 && s.tryFilename(i, j) {
		return
	}
	if depth >= maxDepth {
		return
	}
	// Split at the first separator and try both sides whole again:
	// "C2:evil.com", "md5=…", "foo(evil.com)", "IOC=1.2.3.4:443/a".
	for k := i; k < j; k++ {
		if isSeparator(r[k]) {
			if k > i {
				s.piece(i, k, depth+1)
			}
			s.piece(k+1, j, depth+1)
			return
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

func isSeparator(c byte) bool { return separators[c] }

// byteSet returns the set of the bytes of s.
func byteSet(s string) (t [256]bool) {
	for i := 0; i < len(s); i++ {
		t[s[i]] = true
	}
	return t
}

var (
	// pieceLead and pieceTrail are the bytes piece drops at the start and
	// the end of a piece; pieceLeadOpen adds the opening brackets it
	// drops when they have no partner, closingBracket the bytes balance
	// looks at.
	pieceLead      = byteSet(".-\\/?^$")
	pieceLeadOpen  = byteSet(".-\\/?^$([")
	pieceTrail     = byteSet(".:=$?^;")
	closingBracket = byteSet(")]}")
	// separators are the bytes piece splits a piece at.
	separators = byteSet(":=;()[]{}'!*")
)

// knownScheme reports whether b, in any case, is one of the URL schemes
// the extractor reports: a switch on the lower-cased bytes instead of a
// map lookup (TestKnownScheme).
func knownScheme(b []byte) bool {
	var buf [8]byte
	if len(b) > len(buf) {
		return false
	}
	for i, c := range b {
		buf[i] = lowerByte(c)
	}
	switch bstr(buf[:len(b)]) {
	case "http", "https", "ftp", "ftps", "sftp", "ws", "wss",
		"tcp", "udp", "smb", "ssh", "telnet", "rdp", "irc",
		"ldap", "ldaps", "socks", "socks4", "socks5", "tls", "ssl",
		"dns", "quic":
		return true
	}
	return false
}

// bstr returns b as a string without a copy, for a callee that does not
// keep it (a switch, intel.IsFileExtension, which only looks the
// lower-cased name up): b must not change while the string is in use.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

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
	if ss == k || !knownScheme(r[ss:k]) {
		// An unknown scheme: report nothing rather than guess what the
		// rest of it is.
		return ss < k
	}
	rest := j
	if semi := bytes.IndexByte(r[k:j], ';'); semi >= 0 && bytes.Contains(r[k+semi:j], []byte("://")) {
		j = k + semi // "http://a/;http://b": two URLs
	}
	j = balance(r, ss, j)
	ind, ok := s.canon(intel.KindURL, r[ss:j])
	if !ok {
		return true // a scheme with a bad host: nothing else to find here
	}
	a, b := s.span(ss, j)
	h := canonicalHostInfo(ind)
	s.emitHost(ind, &h, 0, a, b, s.wasDefanged(ss, j))
	if s.isReference(ind, &h) {
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
		if balanced(r[i:j], closingToOpening(c), c) {
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
			s.emitAt(kind, s.str(r[k:e]), 0, k, e)
		}
		k = e
	}
}

// notASampleID reports whether the path before a hex string says it names
// something other than a sample (a VirusTotal collection or graph).
func notASampleID(before []byte) bool {
	var buf [128]byte
	b := appendLower(buf[:0], before)
	for _, w := range [...]string{"collection/", "collections/", "graph/", "graphs/", "user/", "search/"} {
		if bytes.HasSuffix(b, []byte(w)) {
			return true
		}
	}
	return false
}

func isHexByte(c byte) bool { return nameBytes[c]&bHex != 0 }

func isLocalByte(c byte) bool { return nameBytes[c]&bLocal != 0 }

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
		if ind, ok := s.canon(intel.KindEmail, r[ls:de]); ok {
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

func (s *scanner) tryHash(i, j int) bool {
	k := intel.HashKind(j - i)
	if k == "" {
		return false
	}
	var buf [128]byte
	h := buf[:j-i]
	if !lowerHex(h, s.rbuf[i:j]) {
		return false
	}
	a, b := s.span(i, j)
	s.emit(intel.Indicator{Kind: k, Value: s.str(h)}, 0, a, b, s.wasDefanged(i, j))
	return true
}

// lowerHex copies the hex digits src to dst (of the same length, a
// multiple of 8) in lower case and reports whether src is all hex digits.
// It works on eight bytes at a time: a byte is a digit when its value is in
// 0x30–0x39, a letter when its value with bit 5 set is in 0x61–0x66 (which
// only 'A'–'F' and 'a'–'f' give), and setting bit 5 lower-cases letters
// and leaves digits as they are.
func lowerHex(dst, src []byte) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	// inRange has the high bit of each byte of x (all under 0x80) set when
	// the byte is in [lo, hi]: x+0x80-lo carries into the high bit when
	// x >= lo, x+0x7f-hi when x > hi, and no byte overflows into the next.
	inRange := func(x uint64, lo, hi byte) uint64 {
		return (x + ones*uint64(0x80-lo)) &^ (x + ones*uint64(0x7f-hi)) & high
	}
	if len(dst) != len(src) || len(src)%8 != 0 {
		return false
	}
	for k := 0; k+8 <= len(src); k += 8 {
		x := binary.LittleEndian.Uint64(src[k:])
		if x&high != 0 {
			return false
		}
		y := x | ones*0x20
		if inRange(x, '0', '9')|inRange(y, 'a', 'f') != high {
			return false
		}
		binary.LittleEndian.PutUint64(dst[k:], y)
	}
	return true
}

func (s *scanner) tryCVE(i, j int) bool {
	r := s.rbuf
	if j-i < 13 || j-i > 16 || !equalFold(r[i:i+4], "cve-") || r[i+8] != '-' || !allDigits(r[i+4:i+8]) || !allDigits(r[i+9:j]) {
		return false
	}
	return s.emitAt(intel.KindCVE, s.str(r[i:j]), 0, i, j)
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
	return s.emitAt(intel.KindASN, s.strCat("AS", r[d:j]), 0, i, j)
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
	if !intel.IsFileExtension(bstr(r[d+1 : j])) {
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
	if quietExtensions[string(lowerAll(r[d+1:j]))] || equalFold(r[d+1:j], "js") && notFiles[string(lowerAll(r[i:j]))] {
		return true // a file name, but not one worth reporting
	}
	if f := bytes.IndexByte(r[i:j], '.'); f > 0 && bytes.Count(r[i:j], []byte{'.'}) >= 2 && avPrefixes[string(lowerAll(r[i:i+f]))] {
		return true // "Backdoor.Win64.DOWNIISSA.Z" is a signature name
	}
	return s.emitAt(intel.KindFilename, s.str(r[i:j]), 0, i, j)
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
// They all end in ".js" (TestNotFilesJS), which tryFilename tests first.
var notFiles = map[string]bool{
	"node.js": true, "vue.js": true, "next.js": true, "nuxt.js": true, "react.js": true, "angular.js": true,
	"three.js": true, "d3.js": true, "express.js": true, "chart.js": true, "ember.js": true, "backbone.js": true,
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

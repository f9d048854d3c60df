package extract

import (
	"bytes"
	"hash/maphash"
	"unicode"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// scanner holds the state of one Extract call.
type scanner struct {
	e    *Extractor
	fn   func(Match) error
	err  error
	seen fingerprints
	seed maphash.Seed

	toks []token
	seg  []byte
	base int64

	// Refang buffers, reused across candidates.
	rbuf []byte
	pos  []int32 // pos[i]: offset in seg of rbuf[i]; one extra final entry
	// rebaseFrom is the index in pos from which offsets are still relative
	// to the text passed to AppendRefang.
	rebaseFrom int
	defanged   bool
	emitted    int // matches reported so far
}

func newScanner(e *Extractor, fn func(Match) error) *scanner {
	return &scanner{e: e, fn: fn, seed: maphash.MakeSeed(), seen: newFingerprints(e.opts.MaxDistinct),
		rbuf: make([]byte, 0, 256), pos: make([]int32, 0, 257)}
}

// segment extracts from one segment of the input, which starts at offset
// base of the stream.
func (s *scanner) segment(seg []byte, base int64) error {
	s.seg, s.base = seg, base
	s.toks = tokenize(seg, s.toks[:0])
	toks := s.toks
	for i := 0; i < len(toks); i++ {
		if n := s.join(i); n > 0 {
			i += n - 1
		} else if interesting(seg, toks[i]) {
			s.candidate(toks[i].start, toks[i].end)
		}
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// interesting is the cheap test that keeps ordinary words away from the
// recognizer: a word followed by sentence punctuation ("end.", "C2:") is
// not a candidate; a word with a dot, at sign, colon or bracket inside is.
func interesting(seg []byte, t token) bool {
	a, b := t.start, t.end
	n := b - a
	if n >= 32 && t.mask&cAlpha == 0 {
		return true // a hash, perhaps in quotes
	}
	if t.mask&(cHigh|cBracket|cAt|cEq) != 0 {
		return true
	}
	for a < b && isLeadingJunk(seg[a]) {
		a++
	}
	if b-a >= 3 && (seg[a] == 'A' && seg[a+1] == 'S' || seg[a] == 'C' || seg[a] == 'c') {
		return true // AS63949, CVE-2023-1234
	}
	if t.mask&(cDot|cColon) == 0 {
		return wideDotAt(seg, t.start-3)
	}
	if a > t.start && seg[a-1] == '.' && t.start > 0 && seg[t.start-1] >= 0x80 {
		return true // perhaps "請求書" + ".docx"
	}
	if wideDotAt(seg, t.start-3) {
		return true // perhaps "セキュリティ更新" + "．" + "net"
	}
	// Only dots and colons: ignore them at the ends ("end.", "C2:").
	for b > a && (seg[b-1] == '.' || seg[b-1] == ':') {
		b--
	}
	for k := a; k < b; k++ {
		if c := seg[k]; c == '.' || c == ':' {
			return true
		}
	}
	return false
}

// joiner classifies a token standing alone between two others, as in
// "evil [.] com", "evil dot com", "user (at) evil.com". It returns '.' or
// '@' and whether the joiner is a bare word (dot, at), or 0.
func joiner(b []byte) (byte, bool) {
	switch len(b) {
	case 1:
		if b[0] == '.' || b[0] == '@' {
			return b[0], false
		}
	case 3:
		if b[1] == '.' || b[1] == '@' {
			if bracketPair(b[0], b[2]) {
				return b[1], false
			}
		}
		if equalFold(b, "dot") {
			return '.', true
		}
	case 2:
		if equalFold(b, "at") {
			return '@', true
		}
	case 4:
		if bracketPair(b[0], b[3]) && equalFold(b[1:3], "at") {
			return '@', false
		}
	case 5:
		if bracketPair(b[0], b[4]) && equalFold(b[1:4], "dot") {
			return '.', false
		}
	}
	return 0, false
}

// joinerStart marks the first bytes of joiner tokens.
var joinerStart = [256]bool{'.': true, '@': true, '[': true, '(': true, '{': true, 'd': true, 'D': true, 'a': true, 'A': true}

func bracketPair(a, b byte) bool {
	return a == '[' && b == ']' || a == '(' && b == ')' || a == '{' && b == '}'
}

var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "this": true, "that": true, "one": true, "and": true,
	"or": true, "is": true, "of": true, "to": true, "in": true, "on": true, "for": true,
	"with": true, "by": true, "as": true, "look": true, "see": true, "at": true, "dot": true,
}

// pureLabel reports whether b is a run of host name characters.
func pureLabel(b []byte) bool {
	if len(b) == 0 || len(b) > 63 {
		return false
	}
	for _, c := range b {
		if !isLabelByte(c) {
			return false
		}
	}
	return true
}

// hostish reports whether b is a run of host name characters and inner
// dots ("k.tanaka", "146.190.29").
func hostish(b []byte) bool {
	if len(b) == 0 || len(b) > 253 || b[0] == '.' || b[len(b)-1] == '.' {
		return false
	}
	for _, c := range b {
		if !isLabelByte(c) && c != '.' && c < 0x80 {
			return false // non-ASCII: IDN letters and zero-width characters
		}
	}
	return true
}

// trimLeftJunk drops the brackets and quotes before a token's text.
func trimLeftJunk(b []byte) []byte {
	for len(b) > 0 && isLeadingJunk(b[0]) {
		b = b[1:]
	}
	return b
}

// hostPrefix is the part of b before a port or path: "78" of "78:8443",
// "194" of "194/assets/a.msi".
func hostPrefix(b []byte) []byte {
	if k := bytes.IndexAny(b, ":/?"); k >= 0 {
		return b[:k]
	}
	return b
}

// joinable reports whether a token can stand left of a bare " dot ": a
// host name run, or one that a defanged at sign joins to a local part
// ("admin[@]example dot org").
func joinable(b []byte) bool {
	if k := bytes.LastIndex(b, []byte("//")); k >= 0 {
		b = b[k+2:] // "ftp[:]//129.120.183" dot 194
	}
	if hostish(b) {
		return true
	}
	for _, at := range [...]string{"[@]", "(@)", "{@}", "[at]", "(at)", "{at}", "@"} {
		if k := bytes.Index(bytes.ToLower(b), []byte(at)); k > 0 {
			return hostish(b[k+len(at):]) && hostish(bytes.TrimLeft(b[:k], "([{"))
		}
	}
	return false
}

// sameLine reports whether only spaces and tabs separate two tokens.
func (s *scanner) sameLine(a, b token) bool {
	for k := a.end; k < b.start; k++ {
		if c := s.seg[k]; c != ' ' && c != '\t' {
			return false
		}
	}
	return b.start-a.end <= 3
}

// join handles runs such as "evil [.] com", "user at evil dot co dot jp"
// and "ASN 63949" that span several tokens. It returns how many tokens it
// consumed, or 0.
func (s *scanner) join(i int) int {
	toks, seg := s.toks, s.seg
	if i+1 >= len(toks) {
		return 0
	}
	// Fast rejection: the next token must be a short joiner, or this one
	// "ASN"/"AS".
	t0, t1 := toks[i], toks[i+1]
	n1 := t1.end - t1.start
	asn := t0.end-t0.start <= 4 && (seg[t0.start] == 'A' || seg[t0.start] == 'a') && t1.mask&^(cHex|cDot|cColon|cOther) == 0
	if !asn && (n1 > 5 || !joinerStart[seg[t1.start]]) {
		return 0
	}
	if asn && s.sameLine(t0, t1) {
		// "ASN 63949", "ASN: 63949", "AS 63949"
		a, b := seg[toks[i].start:toks[i].end], seg[toks[i+1].start:toks[i+1].end]
		if (equalFold(a, "asn") || equalFold(a, "asn:") || string(a) == "AS") && allDigits(trimRightPunct(b)) && len(b) <= 10 {
			b = trimRightPunct(b)
			s.emitValue(intel.KindASN, "AS"+string(b), 0, toks[i].start, toks[i+1].start+len(b), false)
			return 2
		}
	}
	if i+2 >= len(toks) {
		return 0
	}
	j, bare := joiner(seg[toks[i+1].start:toks[i+1].end])
	if j == 0 || !s.sameLine(toks[i], toks[i+1]) || !s.sameLine(toks[i+1], toks[i+2]) {
		return 0
	}
	left := seg[toks[i].start:toks[i].end]
	if bare && (!joinable(trimLeftJunk(left)) || stopwords[string(lowerAll(left))]) {
		return 0
	}
	// Collect the chain: tok (joiner tok)+
	end := i
	hasDotWord := false
	for k := i; k+2 < len(toks); k += 2 {
		jj, bb := joiner(seg[toks[k+1].start:toks[k+1].end])
		if jj == 0 || !s.sameLine(toks[k], toks[k+1]) || !s.sameLine(toks[k+1], toks[k+2]) {
			break
		}
		right := seg[toks[k+2].start:toks[k+2].end]
		if bb && !hostish(hostPrefix(trimRightPunct(right))) {
			break
		}
		if jj == '.' && bb {
			hasDotWord = true
		}
		end = k + 2
	}
	if end == i {
		return 0
	}
	// A bare " at " only counts when the domain is written with " dot "
	// too ("user at evil dot com"); "look at evil[.]com" is prose.
	s.rbuf, s.pos = s.rbuf[:0], s.pos[:0]
	s.defanged = true
	for k := i; k <= end; k++ {
		t := toks[k]
		if (k-i)%2 == 1 {
			jj, bb := joiner(seg[t.start:t.end])
			if jj == '@' && bb && !hasDotWord {
				return 0
			}
			s.rbuf = append(s.rbuf, jj)
			s.pos = append(s.pos, int32(t.start))
			continue
		}
		a, b := t.start, t.end
		if k == i {
			a, _ = trimToken(seg, a, b)
		}
		if k == end {
			_, b = trimToken(seg, a, b)
		}
		s.rebaseFrom = len(s.pos)
		s.rbuf, s.pos, _ = intel.AppendRefang(s.rbuf, s.pos, seg[a:b], intel.RefangOptions{})
		s.pos = s.pos[:len(s.pos)-1] // drop the final entry; one is added below
		s.rebase(a)
	}
	_, last := trimToken(seg, toks[end].start, toks[end].end)
	s.pos = append(s.pos, int32(last))
	s.recognize()
	return end - i + 1
}

// rebase makes the offsets appended since rebaseFrom absolute (relative
// to the segment), given that AppendRefang was called on seg[a:].
func (s *scanner) rebase(a int) {
	for p := s.rebaseFrom; p < len(s.pos); p++ {
		s.pos[p] += int32(a)
	}
	s.rebaseFrom = len(s.pos)
}

func lowerAll(b []byte) []byte {
	var buf [64]byte
	out := buf[:0]
	for _, c := range b {
		out = append(out, lowerByte(c))
	}
	return out
}

func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func trimRightPunct(b []byte) []byte {
	for len(b) > 0 && isTrailingJunk(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isTrailingJunk(c byte) bool {
	switch c {
	case '.', ',', ';', ':', '!', '?', '\'', '"', '*', '_', '~', ')', ']', '}', '>':
		return true
	}
	return false
}

func isLeadingJunk(c byte) bool {
	switch c {
	case '(', '[', '{', '<', '\'', '"', '*', '_', '~', '.', ',', ':', ';', '!', '?', '=', '+', '#', '-':
		return true
	}
	return false
}

// trimToken trims punctuation around an indicator: leading brackets and
// quotes, trailing sentence punctuation, and closing brackets that have no
// opening partner in the token.
func trimToken(seg []byte, a, b int) (int, int) {
	for a < b && isLeadingJunk(seg[a]) {
		// Keep a defang bracket that starts the token? Never: a value
		// cannot start with "[.]".
		a++
	}
	for b > a {
		c := seg[b-1]
		if c >= 0x80 {
			r, w := utf8.DecodeLastRune(seg[a:b])
			if r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				b -= w
				continue
			}
			break
		}
		if !isTrailingJunk(c) {
			break
		}
		if c == ')' || c == ']' || c == '}' {
			if count(seg[a:b], closingToOpening(c)) >= count(seg[a:b], c) {
				// Balanced: part of the value ("…_(bar)", "1.2.3[.]4" never
				// ends in a bracket, but "evil[.]com[.]" might not either).
				if !(c == ']' && b-a >= 2 && seg[b-2] == '.') {
					break
				}
			}
		}
		b--
	}
	return a, b
}

func count(b []byte, c byte) int {
	n := 0
	for _, x := range b {
		if x == c {
			n++
		}
	}
	return n
}

// candidate refangs and recognizes the token seg[a:b].
func (s *scanner) candidate(a, b int) {
	seg := s.seg
	// A file name glued to CJK text: "請求書.docx".
	if a > 0 && seg[a-1] >= 0x80 && (s.cjkFilename(a, b) || s.cjkDomain(a, b)) {
		return
	}
	bracketed := seg[a] == '[' && bytes.Contains(seg[a:b], []byte("]:")) && bytes.Count(seg[a:b], []byte{':'}) >= 3
	a, b = trimToken(seg, a, b)
	if bracketed {
		a-- // keep the bracket of "[2001:db8::1]:443"
	}
	if a >= b {
		return
	}
	s.rbuf, s.pos = s.rbuf[:0], s.pos[:0]
	s.rebaseFrom = 0
	var changed bool
	s.rbuf, s.pos, changed = intel.AppendRefang(s.rbuf, s.pos, seg[a:b], intel.RefangOptions{})
	s.rebase(a)
	s.defanged = changed
	s.recognize()
}

// emitValue canonicalises and reports one indicator whose text is
// seg[start:end].
func (s *scanner) emitValue(k intel.Kind, v string, port int, start, end int, defanged bool) bool {
	ind, err := intel.NewRefanged(k, v)
	if err != nil {
		return false
	}
	s.emit(ind, port, start, end, defanged)
	return true
}

// kindSalt separates equal values of different kinds in the fingerprint set.
func kindSalt(k intel.Kind) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(k); i++ {
		h = (h ^ uint64(k[i])) * 1099511628211
	}
	return h
}

func (s *scanner) emit(ind intel.Indicator, port int, start, end int, defanged bool) {
	if s.err != nil {
		return
	}
	fp := maphash.String(s.seed, ind.Value) ^ kindSalt(ind.Kind) ^ uint64(port)*0x9E3779B97F4A7C15
	if !s.seen.add(fp) {
		return
	}
	warn := s.e.warnings(ind, defanged)
	if len(warn) > 0 && !s.e.opts.KeepWarned {
		return
	}
	m := Match{
		Indicator:      ind,
		Start:          s.base + int64(start),
		End:            s.base + int64(end),
		Raw:            string(s.seg[start:end]),
		SourceDefanged: defanged,
		Port:           port,
		Warnings:       warn,
	}
	s.emitted++
	s.err = s.fn(m)
}

package extract

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/iocast/iocast/intel"
)

// scanner holds the state of one Extract call.
type scanner struct {
	e    *Extractor
	fn   func(Match) error
	err  error
	seen fingerprints
	seed uint64 // of the fingerprints (fingerprint), new for each call

	toks []token
	hot  []int32 // indices of the tokens to look at (hotTokens)
	seg  []byte
	base int64

	// rbuf is the refanged candidate: buf, or a part of seg when refanging
	// changes nothing (ident).
	rbuf []byte
	buf  []byte  // refang buffer, reused across candidates
	pos  []int32 // pos[i]: offset in seg of rbuf[i], less posBase; one extra final entry
	// posBase is the offset in seg of the text passed to AppendRefang.
	posBase int
	// ident is set when rbuf is seg[posBase:…] itself, and pos unused.
	ident bool
	// rebaseFrom is the index in pos from which offsets are still relative
	// to the text passed to AppendRefang (in joins).
	rebaseFrom int
	defanged   bool
	// classes holds the tokenizer's classes of the bytes in rbuf, or
	// more (allClasses when not known): piece skips the recognizers that
	// need a byte rbuf does not have.
	classes uint16
	emitted int    // matches reported so far
	hits    []int  // warninglists that match, reused
	refHits []int  // reference lists that match, reused
	tmp     []byte // scratch
	// arena holds the bytes of the short strings the scanner makes (str):
	// appended to, never written over.
	arena []byte
}

func newScanner(e *Extractor, fn func(Match) error) *scanner {
	s := scannerPool.Get().(*scanner)
	s.e, s.fn, s.err, s.seed, s.emitted, s.classes = e, fn, nil, rand.Uint64(), 0, allClasses
	s.seen.reset(e.opts.MaxDistinct)
	return s
}

// release returns s to the pool, with its buffers but without references to
// the input or the caller.
func (s *scanner) release() {
	s.e, s.fn, s.seg, s.rbuf = nil, nil, nil, nil
	scannerPool.Put(s)
}

// scannerPool keeps scanners with their buffers (tokens, refang buffers,
// fingerprints), so that extracting from a short text allocates little.
var scannerPool = sync.Pool{New: func() any {
	return &scanner{seen: newFingerprints(0), buf: make([]byte, 0, 256), pos: make([]int32, 0, 257)}
}}

// segment extracts from one segment of the input, which starts at offset
// base of the stream.
func (s *scanner) segment(seg []byte, base int64) error {
	s.seg, s.base = seg, base
	s.toks = tokenize(seg, s.toks[:0])
	s.hot = hotTokens(seg, s.toks, s.hot[:0])
	toks := s.toks
	next := 0 // tokens before next are part of a join
	for _, h := range s.hot {
		i := int(h >> hotShift)
		if i < next {
			continue
		}
		joined := 0
		if h&hotJoin != 0 {
			joined = s.join(i)
			next = i + joined
		}
		if joined == 0 && h&hotCandidate != 0 {
			s.candidate(toks[i])
		}
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// A hot token is its index (shifted by hotShift) and what to try on it.
const (
	hotJoin      = 1 << iota // a join may start at it ("ASN 63949", "evil dot com")
	hotCandidate             // interesting
	hotShift     = iota
)

// hotTokens appends to hot, in order, the tokens at which a join may start
// (by cheap tests, a superset) and the interesting ones: the scanner skips
// every other token, an ordinary word.
func hotTokens(seg []byte, toks []token, hot []int32) []int32 {
	for i := range toks {
		t := &toks[i]
		n, c := t.end-t.start, seg[t.start]
		// Most words fail these tests at once.
		plain := t.mask&(cHigh|cBracket|cAt|cEq|cDot|cColon) == 0 && n < 32 && !(t.start > 0 && wideDotLast[seg[t.start-1]])
		if plain && !hotFirst[c] {
			continue
		}
		var h int32
		if n <= 5 && joinerStart[c] && i > 0 {
			if j, _ := joiner(seg[t.start:t.end]); j != 0 {
				// A join may start at the token before.
				if k := len(hot) - 1; k >= 0 && hot[k]>>hotShift == int32(i-1) {
					hot[k] |= hotJoin
				} else {
					hot = append(hot, int32(i-1)<<hotShift|hotJoin)
				}
			}
		}
		// "ASN", "asn:", "AS" before a number.
		if (c == 'A' || c == 'a') && ((n == 3 || n == 4 && seg[t.start+3] == ':') && equalFold(seg[t.start:t.start+3], "asn") ||
			n == 2 && seg[t.start+1] == 'S') {
			h |= hotJoin
		}
		// A plain word is interesting only by the rules for ASNs, CVE ids
		// and leading junk: not "and", "data".
		if (!plain || c == 'A' || c == 'C' || c == 'c' || isLeadingJunk(c)) && interesting(seg, *t) {
			h |= hotCandidate
		}
		if h != 0 {
			hot = append(hot, int32(i)<<hotShift|h)
		}
	}
	return hot
}

// hotFirst marks the first bytes of the words that hotTokens may mark
// though they have no dot, colon, at sign, bracket, '=' or non-ASCII byte:
// "AS63949", "ASN", "asn:", "CVE-…", "dot", "at", and the leading junk that
// interesting skips. wideDotLast marks the last bytes of the full-width and
// ideographic dots (．。｡), which interesting looks for before a word.
var hotFirst, wideDotLast = func() (first, last [256]bool) {
	for _, c := range []byte("AaCcDd") {
		first[c] = true
	}
	for c := 0; c < 256; c++ {
		first[c] = first[c] || isLeadingJunk(byte(c))
	}
	last[0x8E], last[0x82], last[0xA1] = true, true, true
	return first, last
}()

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
	if t.mask&(cDot|cColon) != 0 {
		if a > t.start && seg[a-1] == '.' && t.start > 0 && seg[t.start-1] >= 0x80 {
			return true // perhaps "請求書" + ".docx"
		}
		if wideDotAt(seg, t.start-3) {
			return true // perhaps "セキュリティ更新" + "．" + "net"
		}
		// Only dots and colons: ignore them at the ends ("end.", "C2:").
		e := b
		for e > a && (seg[e-1] == '.' || seg[e-1] == ':') {
			e--
		}
		for k := a; k < e; k++ {
			if c := seg[k]; c == '.' || c == ':' {
				return true
			}
		}
	} else if wideDotAt(seg, t.start-3) {
		return true
	}
	// No dot, colon, at sign, bracket or '=' inside: the token can only
	// hold a hash, a CVE id or an ASN (AS63949, CVE-2023-1234). Words that
	// start with "AS", "C" or "c" are looked at closer; those glued to
	// non-ASCII text before them go to the CJK rules.
	if b-a >= 3 && (seg[a] == 'A' && seg[a+1] == 'S' || seg[a] == 'C' || seg[a] == 'c') {
		return t.start > 0 && seg[t.start-1] >= 0x80 || hashCVEOrASN(seg[a:b])
	}
	return false
}

// hashCVEOrASN reports whether b may hold a hash (a run of 32 hex digits),
// a CVE id ("cve-" in any case) or an ASN ("AS" before "N" or a digit): the
// only indicators a token without dots, colons, at signs, brackets, '='
// and non-ASCII bytes can hold.
func hashCVEOrASN(b []byte) bool {
	run := 0
	for k, c := range b {
		if class[c]&cHex != 0 {
			if run++; run >= 32 {
				return true
			}
			continue
		}
		run = 0
		switch c {
		case '-':
			if k >= 3 && equalFold(b[k-3:k], "cve") {
				return true
			}
		case 'S':
			if k >= 1 && b[k-1] == 'A' && k+1 < len(b) && (b[k+1] == 'N' || b[k+1] >= '0' && b[k+1] <= '9') {
				return true
			}
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
	var buf [256]byte
	lb := appendLower(buf[:0], b)
	for _, at := range [...]string{"[@]", "(@)", "{@}", "[at]", "(at)", "{at}", "@"} {
		if k := bytes.Index(lb, []byte(at)); k > 0 {
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
			s.emitValue(intel.KindASN, s.strCat("AS", b), 0, toks[i].start, toks[i+1].start+len(b), false)
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
	s.buf, s.pos, s.posBase, s.ident = s.buf[:0], s.pos[:0], 0, false
	s.defanged = true
	for k := i; k <= end; k++ {
		t := toks[k]
		if (k-i)%2 == 1 {
			jj, bb := joiner(seg[t.start:t.end])
			if jj == '@' && bb && !hasDotWord {
				return 0
			}
			s.buf = append(s.buf, jj)
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
		s.buf, s.pos, _ = intel.AppendRefang(s.buf, s.pos, seg[a:b], intel.RefangOptions{})
		s.pos = s.pos[:len(s.pos)-1] // drop the final entry; one is added below
		s.rebase(a)
	}
	_, last := trimToken(seg, toks[end].start, toks[end].end)
	s.pos = append(s.pos, int32(last))
	s.rbuf = s.buf
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

func isTrailingJunk(c byte) bool { return trailingJunk[c] }

func isLeadingJunk(c byte) bool { return leadingJunk[c] }

// leadingJunk and trailingJunk are the bytes trimmed before and after an
// indicator: one table lookup instead of a switch's compares, since
// hotTokens, interesting and trimToken test most tokens' ends.
var (
	leadingJunk  = byteSet("([{<'\"*_~.,:;!?=+#-")
	trailingJunk = byteSet(".,;:!?'\"*_~)]}>")
)

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
			if balanced(seg[a:b], closingToOpening(c), c) {
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

// balanced reports whether b, which ends in the closing bracket c, holds
// as many opening brackets o: most such tokens ("Gecko)", "(C2)" once
// trimmed) have none, which IndexByte finds at once.
func balanced(b []byte, o, c byte) bool {
	if bytes.IndexByte(b, o) < 0 {
		return false
	}
	no, nc := countPair(b, o, c)
	return no >= nc
}

// countPair counts the bytes o and c in b in one pass.
func countPair(b []byte, o, c byte) (no, nc int) {
	for _, x := range b {
		if x == o {
			no++
		} else if x == c {
			nc++
		}
	}
	return no, nc
}

// candidate refangs and recognizes the token seg[a:b].
func (s *scanner) candidate(t token) {
	seg, a, b := s.seg, t.start, t.end
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
	if t.mask&(cBracket|cHigh) == 0 && (t.mask&cSlash == 0 || bytes.IndexByte(seg[a:b], '\\') < 0) &&
		(t.mask&cColon == 0 || !s.schemeDefanged(a, b)) {
		// Nothing to refang: every defang has a bracket, a backslash, a
		// non-ASCII byte or a defanged scheme before a colon.
		s.rbuf, s.posBase, s.ident, s.defanged = seg[a:b], a, true, false
		s.classes = t.mask
		s.recognize()
		s.classes = allClasses
		return
	}
	// Text that refanging leaves as it is (a bracket that is no defang,
	// "(KHTML") is recognized in place, with the token's classes, as
	// above. Refanged text has the token's classes, and a dot or an at
	// sign that a word or a non-ASCII defang became ("[dot]", "＠").
	if s.defanged = s.refang(a, b); !s.defanged {
		s.classes = t.mask
	} else {
		s.classes = refangedClasses(t.mask, s.rbuf)
	}
	s.recognize()
	s.classes = allClasses
}

// refangedClasses returns the classes of the bytes of r, the refanged
// form of a token whose tokenizer classes are mask, or more. Refanging
// drops bytes and writes '.', ':', '@', '/' and scheme letters; a colon
// or a slash it writes stands for one in the source ("[:]", "[://]",
// "\/", "hxxp[:]//"), so only a dot and an at sign can be new
// (FuzzRefangedClasses): those are looked for when the token has none.
func refangedClasses(mask uint16, r []byte) uint16 {
	mask |= cAlpha | cHex
	if mask&cDot == 0 && bytes.IndexByte(r, '.') >= 0 {
		mask |= cDot
	}
	if mask&cAt == 0 && bytes.IndexByte(r, '@') >= 0 {
		mask |= cAt
	}
	return mask
}

// schemeDefanged reports whether a defanged scheme ("hxxp:", "fxp:") ends
// before a colon in seg[a:b], a token without brackets, backslashes and
// non-ASCII bytes: in such text it is the only thing AppendRefang changes,
// so this is exactly whether refanging seg[a:b] changes it
// (FuzzSchemeDefanged).
func (s *scanner) schemeDefanged(a, b int) bool {
	for k := a; k < b; k++ {
		c := bytes.IndexByte(s.seg[k:b], ':')
		if c < 0 {
			return false
		}
		k += c
		if defangedSchemeBefore(s.seg[a:b], k-a) {
			return true
		}
	}
	return false
}

// defangedSchemeBefore reports whether a scheme that AppendRefang replaces
// ("hxxp", "hXXps", "h**p", "fxp", "fxps") ends right before the colon at
// t[k], with the rule of intel's schemeDefang: the scheme does not follow
// a letter or digit of t.
func defangedSchemeBefore[T ~string | ~[]byte](t T, k int) bool {
	// "hxxp:" and "fxps:" start 4 bytes before the colon, "hxxps:" 5 and
	// "fxp:" 3.
	for _, n := range [3]int{3, 4, 5} {
		p := k - n
		if p < 0 {
			break
		}
		if p > 0 && isASCIIAlnum(t[p-1]) {
			continue
		}
		w := n // the scheme's length, without the "s"
		if lowerByte(t[k-1]) == 's' {
			w--
		}
		switch lowerByte(t[p]) {
		case 'h':
			// "h" + two of x, *, _ or t (not "tt") + "p".
			if w != 4 || lowerByte(t[p+3]) != 'p' {
				continue
			}
			x, y := lowerByte(t[p+1]), lowerByte(t[p+2])
			if x == 't' && y == 't' || !(isMaskByte(x) || x == 't') || !(isMaskByte(y) || y == 't') {
				continue
			}
			return true
		case 'f':
			// "f" + one of x, *, _ + "p".
			if w != 3 || lowerByte(t[p+2]) != 'p' || !isMaskByte(lowerByte(t[p+1])) {
				continue
			}
			return true
		}
	}
	return false
}

// isMaskByte reports whether b stands for a letter in a defanged scheme
// (hxxp, h**p, h__p).
func isMaskByte(b byte) bool { return b == 'x' || b == '*' || b == '_' }

// refang refangs seg[a:b] into rbuf and reports whether that changed it.
// Text that refanging leaves as it is is not copied: rbuf is then
// seg[a:b] itself (ident), and must not be written to.
func (s *scanner) refang(a, b int) bool {
	var changed bool
	s.buf, s.pos, changed = intel.AppendRefangChanged(s.buf[:0], s.pos[:0], s.seg[a:b], intel.RefangOptions{})
	if !changed {
		s.rbuf, s.posBase, s.ident = s.seg[a:b], a, true
		return false
	}
	s.rbuf, s.posBase, s.ident = s.buf, a, false
	return true
}

// refangCopy is refang, but rbuf is always a copy in buf, with pos.
func (s *scanner) refangCopy(a, b int) bool {
	var changed bool
	s.buf, s.pos, changed = intel.AppendRefang(s.buf[:0], s.pos[:0], s.seg[a:b], intel.RefangOptions{})
	s.rbuf, s.posBase, s.ident = s.buf, a, false
	return changed
}

// Arena sizes: most values and raw texts are 7 to 100 bytes long.
const (
	arenaChunk = 8 << 10
	arenaMax   = 512 // longer strings get an allocation of their own
)

// str returns b as a string. Short strings are copied into the scanner's
// arena: one allocation per 8 KiB chunk instead of one per string (there
// are two per match: the value and, when it was defanged, the raw text).
// The bytes a string points to are never written again: the arena is only
// appended to, and a full chunk is left to the strings that point into it
// (the garbage collector frees it with the last of them). A caller that
// keeps one match's strings keeps at most that chunk alive.
func (s *scanner) str(b []byte) string {
	return s.strCat("", b)
}

// strCat returns prefix + string(b), made as str makes strings.
func (s *scanner) strCat(prefix string, b []byte) string {
	n := len(prefix) + len(b)
	if n == 0 {
		return ""
	}
	if n > arenaMax {
		return prefix + string(b)
	}
	if len(s.arena)+n > cap(s.arena) {
		s.arena = make([]byte, 0, arenaChunk)
	}
	off := len(s.arena)
	s.arena = append(append(s.arena, prefix...), b...)
	return unsafe.String(&s.arena[off], n)
}

// canon returns the indicator of kind k for the refanged text b, and
// whether it is valid.
func (s *scanner) canon(k intel.Kind, b []byte) (intel.Indicator, bool) {
	ind, err := intel.NewRefanged(k, s.str(b))
	return ind, err == nil
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

// stillDefanged reports whether ind, found in refanged text, would be
// refanged again: refanging can leave a defang behind ("0[[.Z" becomes
// "0[.Z"), and such a value is ambiguous (intel.Canonical rejects it). Only
// URLs, e-mail addresses and file names can hold what it takes.
func stillDefanged(ind intel.Indicator) bool {
	if ind.Kind != intel.KindURL && ind.Kind != intel.KindFilename && ind.Kind != intel.KindEmail {
		return false
	}
	v := ind.Value
	// Every defang but a scheme has a bracket, a backslash, a space or a
	// non-ASCII byte; a scheme ends before a colon.
	for i := 0; i < len(v); i++ {
		if maybeDefang[v[i]] {
			return intel.Refang(v) != v
		}
	}
	// Without those, only a scheme can be refanged, and
	// defangedSchemeBefore tells exactly.
	for k := 0; k < len(v); k++ {
		c := strings.IndexByte(v[k:], ':')
		if c < 0 {
			break
		}
		k += c
		if defangedSchemeBefore(v, k) {
			return true
		}
	}
	return false
}

// maybeDefang marks the bytes every defang but a scheme contains one of.
var maybeDefang = func() (t [256]bool) {
	for _, c := range []byte("[](){}\\ ") {
		t[c] = true
	}
	for c := 0x80; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// fingerprint hashes v for the set of indicators seen (emitHost), seeded
// by seed, in place of maphash.String and its calls through the runtime.
// The length and seed start the hash; each sixteen bytes but the last one
// to sixteen, and then those (packed by loads that for a given length
// cover every byte), are mixed in as two words multiplied into 128 bits,
// whose halves are folded together: every bit of the product depends on
// the low bits of both words, so the low bits fingerprints indexes its
// table by are mixed as well as the high ones.
func fingerprint(seed uint64, v string) uint64 {
	const m1, m2 = 0x9E3779B97F4A7C15, 0xD6E8FEB86659FD93
	// Both factors depend on the seed: a factor that text alone could
	// make zero would give every value that has it one fingerprint.
	h, k := seed^uint64(len(v))*m1, bits.ReverseBytes64(seed)^m2
	for len(v) > 16 {
		hi, lo := bits.Mul64(h^load64(v, 0), load64(v, 8)^k)
		h = hi ^ lo
		v = v[16:]
	}
	var a, b uint64
	switch n := len(v); {
	case n > 8:
		a, b = load64(v, 0), load64(v, n-8)
	case n >= 4:
		a = uint64(load32(v, 0)) | uint64(load32(v, n-4))<<32
	case n > 0:
		a = uint64(v[0]) | uint64(v[n/2])<<8 | uint64(v[n-1])<<16
	}
	hi, lo := bits.Mul64(h^a, b^k)
	return hi ^ lo
}

// kindSalt separates equal values of different kinds in the fingerprint
// set: the length and the first and last bytes of the kind's name tell
// every kind apart (TestKindSalt), mixed by a multiplication.
func kindSalt(k intel.Kind) uint64 {
	if k == "" {
		return 0
	}
	return (uint64(len(k)) | uint64(k[0])<<8 | uint64(k[len(k)-1])<<16) * 0xC2B2AE3D27D4EB4F
}

// isReference reports whether a reference list (social media, sandboxes,
// vendor sites) matches ind, whose host is h.
func (s *scanner) isReference(ind intel.Indicator, h *hostInfo) bool {
	s.refHits = s.e.refs.appendMatches(s.refHits[:0], ind, h, false, true)
	return len(s.refHits) > 0
}

func (s *scanner) emit(ind intel.Indicator, port int, start, end int, defanged bool) {
	s.emitHost(ind, nil, port, start, end, defanged)
}

// emitHost is emit for an indicator whose host is known, or nil if not
// worked out yet.
func (s *scanner) emitHost(ind intel.Indicator, h *hostInfo, port int, start, end int, defanged bool) {
	if s.err != nil || s.defanged && stillDefanged(ind) {
		return
	}
	fp := fingerprint(s.seed, ind.Value) ^ kindSalt(ind.Kind) ^ uint64(port)*0x9E3779B97F4A7C15
	if !s.seen.add(fp) {
		return
	}
	if h == nil {
		hi := canonicalHostInfo(ind)
		h = &hi
	}
	s.hits = s.e.index.appendMatches(s.hits[:0], ind, h, defanged, !s.e.opts.KeepWarned)
	if len(s.hits) > 0 && !s.e.opts.KeepWarned {
		return
	}
	raw := s.seg[start:end]
	m := Match{
		Indicator:      ind,
		Start:          s.base + int64(start),
		End:            s.base + int64(end),
		SourceDefanged: defanged,
		Port:           port,
		Warnings:       s.e.names(s.hits),
	}
	if string(raw) == ind.Value {
		m.Raw = ind.Value // as written: no need for a copy
	} else {
		m.Raw = s.str(raw)
	}
	s.emitted++
	s.err = s.fn(m)
}

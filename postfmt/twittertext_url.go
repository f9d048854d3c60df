package postfmt

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file is a Go implementation of twitter-text's URL extractor
// (extractUrlsWithIndices of twitter-text 3.1.0), written from its
// conformance files and the description of its regular expressions. The
// matcher is hand-written where the JavaScript expression needs look-ahead or
// a large TLD alternation, and uses package regexp (whose leftmost-first
// semantics are those of a backtracking engine) for the path and query.
//
// A URL match is: a preceding character, an optional scheme, a domain
// (labels, then a known TLD or a punycode label), an optional port, an
// optional path and an optional query. The text is scanned left to right as
// JavaScript's RegExp.exec does; a match that is then rejected (invalid
// domain label, scheme-less match where none is wanted, ...) still consumes
// its text.

// urlRules selects the flavour of the extractor.
type urlRules struct {
	// protocolLess extracts URLs without a scheme (twitter-text's
	// extractUrlsWithoutProtocol).
	protocolLess bool
	// mastodon uses Mastodon's overrides of the twitter-text expressions:
	// more schemes and permissive path and query characters.
	mastodon bool
	// tco truncates t.co URLs after their slug and query, as twitter-text does.
	tco bool
}

var (
	xURLRules        = urlRules{protocolLess: true, tco: true}
	mastodonURLRules = urlRules{mastodon: true}
)

// maxURLLength is twitter-text's MAX_URL_LENGTH, in UTF-16 code units.
const maxURLLength = 4096

// maxTcoSlugLength is twitter-text's MAX_TCO_SLUG_LENGTH.
const maxTcoSlugLength = 40

// extractURLs appends to dst the spans of the URLs in s.
func extractURLs(s string, r urlRules, dst []Span) []Span {
	if r.protocolLess {
		if strings.IndexByte(s, '.') < 0 {
			return dst
		}
	} else if strings.IndexByte(s, ':') < 0 {
		return dst
	}
	lastDot := strings.LastIndexByte(s, '.')
	nextDot, nextSpace := -1, -1
	for i := 0; i < len(s); {
		if i >= lastDot {
			break // every domain needs a dot after its start
		}
		var m urlMatch
		ok := false
		c, w := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, w = utf8.DecodeRuneInString(s[i:])
		} else if i > 0 && !asciiPrecedesURL[c] {
			i++
			continue
		}
		// A URL's domain holds a dot, followed by the first letter of its
		// top-level domain (an ASCII letter, or any non-ASCII character),
		// before any white space: skip words without one at once.
		if nextDot < i {
			nextDot = indexDotName(s, i)
		}
		if nextSpace <= i {
			nextSpace = indexASCIISpace(s, i+w)
		}
		if nextDot > nextSpace {
			i = nextSpace
			continue
		}
		if precedesURL(c) {
			m, ok = matchURLAt(s, i+w, r)
		}
		if !ok && i == 0 {
			m, ok = matchURLAt(s, 0, r)
		}
		if !ok {
			i += w
			continue
		}
		dst = m.accept(s, i, r, dst)
		i = m.end
	}
	return dst
}

// indexDotName returns the index of the first '.' at or after from in s
// that an ASCII letter or a non-ASCII character follows, or len(s)+1.
func indexDotName(s string, from int) int {
	for from < len(s) {
		k := strings.IndexByte(s[from:], '.')
		if k < 0 {
			break
		}
		p := from + k
		if p+1 < len(s) && (s[p+1] >= utf8.RuneSelf || isASCIILetter(s[p+1])) {
			return p
		}
		from = p + 1
	}
	return len(s) + 1
}

// indexASCIISpace returns the index of the first ASCII white space in s at
// or after from, or len(s).
func indexASCIISpace(s string, from int) int {
	for k := from; k < len(s); k++ {
		switch s[k] {
		case ' ', '\n', '\t', '\r', '\f', '\v':
			return k
		}
	}
	return len(s)
}

// urlMatch is one match of the URL expression, before validation.
type urlMatch struct {
	start, end int // the URL, without the preceding character
	protoEnd   int // end of the scheme; == start when there is none
	domainEnd  int
	pathEnd    int // end of the path; == start of the query or end of port/domain
	hasPath    bool
}

// matchURLAt matches the URL expression at u, with the scheme tried first.
func matchURLAt(s string, u int, r urlRules) (urlMatch, bool) {
	if u >= len(s) {
		return urlMatch{}, false
	}
	if n := schemeLen(s[u:], r.mastodon); n > 0 {
		if !mayHoldDomain(s, u+n) {
			return urlMatch{}, false
		}
		if e, ok := matchDomain(s, u+n); ok {
			return finishURL(s, urlMatch{start: u, protoEnd: u + n, domainEnd: e}, r), true
		}
		// Without the scheme the domain would start with letters followed
		// by ':', which never matches.
		return urlMatch{}, false
	}
	if !mayHoldDomain(s, u) {
		return urlMatch{}, false
	}
	if e, ok := matchDomain(s, u); ok {
		return finishURL(s, urlMatch{start: u, protoEnd: u, domainEnd: e}, r), true
	}
	return urlMatch{}, false
}

// mayHoldDomain is a cheap necessary condition for matchDomain at u: the
// run of ASCII domain characters there holds a dot followed by a letter
// (every top-level domain, punycode ones too, starts with one). Non-ASCII
// text is left to matchDomain.
func mayHoldDomain(s string, u int) bool {
	for i := u; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return true
		case c == '.':
			if i+1 < len(s) && (s[i+1] >= utf8.RuneSelf || s[i+1]|0x20 >= 'a' && s[i+1]|0x20 <= 'z') {
				return true
			}
		case c >= '0' && c <= '9', c|0x20 >= 'a' && c|0x20 <= 'z', c == '-', c == '_':
		default:
			return false
		}
	}
	return false
}

// finishURL matches the optional port, path and query after the domain.
func finishURL(s string, m urlMatch, r urlRules) urlMatch {
	e := m.domainEnd
	if e+1 < len(s) && s[e] == ':' && isDigit(s[e+1]) {
		e += 2
		for e < len(s) && isDigit(s[e]) {
			e++
		}
	}
	re := twitterPathQuery
	if r.mastodon {
		re = mastodonPathQuery
	}
	m.pathEnd = e
	if e < len(s) && s[e] == '/' {
		// Fast path for the common plain path ("/MvDcBjsfwV", "/a/b/"):
		// ASCII letters, digits and slashes up to white space or the end
		// match the path expression whole.
		k := e
		for k < len(s) && (isDigit(s[k]) || s[k] == '/' || s[k]|0x20 >= 'a' && s[k]|0x20 <= 'z') {
			k++
		}
		if k == len(s) || s[k] == ' ' || s[k] == '\n' || s[k] == '\t' || s[k] == '\r' {
			m.hasPath = true
			m.pathEnd = k
			m.end = k
			return m
		}
	}
	if e < len(s) && (s[e] == '/' || s[e] == '?') {
		loc := re.FindStringSubmatchIndex(s[e:])
		if loc != nil {
			if loc[2] >= 0 {
				m.hasPath = true
				m.pathEnd = e + loc[3]
			}
			e += loc[1]
		}
	}
	m.end = e
	return m
}

// accept validates m (found with the preceding character at before) and
// appends the URL spans it yields.
func (m urlMatch) accept(s string, before int, r urlRules, dst []Span) []Span {
	domain := s[m.protoEnd:m.domainEnd]
	protoLen := m.protoEnd - m.start
	if protoLen == 0 {
		protoLen = len("https://")
	}
	if !validDomainLabels(domain) || protoLen+utf16Len(s[m.start:m.end]) > maxURLLength {
		return dst
	}
	if m.protoEnd > m.start {
		end := m.end
		if r.tco {
			if e, ok := tcoEnd(s[m.start:m.end]); ok {
				if e < 0 {
					return dst // slug too long
				}
				end = m.start + e
			}
		}
		return append(dst, Span{Start: m.start, End: end})
	}
	if !r.protocolLess || (m.start > before && strings.IndexByte("-_./", s[before]) >= 0) {
		return dst
	}
	// Keep only the ASCII domains inside the matched domain.
	n := len(dst)
	pos := 0
	for {
		a, b, ok := findASCIIDomain(domain, pos)
		if !ok {
			break
		}
		// twitter-text locates each ASCII domain with indexOf from the end
		// of the previous one.
		a = pos + strings.Index(domain[pos:], domain[a:b])
		b = a + (b - a)
		dst = append(dst, Span{Start: m.protoEnd + a, End: m.protoEnd + b})
		pos = b
	}
	if len(dst) > n && m.hasPath {
		dst[len(dst)-1].End = m.end
	}
	return dst
}

// schemeLen returns the length of the scheme and "://" that s starts with.
func schemeLen(s string, mastodon bool) int {
	if len(s) < len("ssb://") {
		return 0
	}
	switch s[0] | 0x20 {
	case 'h':
	case 'd', 'i', 's', 'g':
		if !mastodon {
			return 0
		}
	default:
		return 0
	}
	for _, p := range schemes(mastodon) {
		if len(s) >= len(p) && asciiEqualFold(s[:len(p)], p) {
			return len(p)
		}
	}
	return 0
}

func schemes(mastodon bool) []string {
	if mastodon {
		return mastodonSchemes
	}
	return twitterSchemes
}

var (
	twitterSchemes  = []string{"https://", "http://"}
	mastodonSchemes = []string{"https://", "http://", "dat://", "dweb://", "ipfs://", "ipns://", "ssb://", "gopher://", "gemini://"}
)

// label is one "label." unit of a domain.
type label struct {
	dotEnd     int  // index after the dot
	underscore bool // the label contains '_' (allowed in subdomains only)
}

// matchDomain matches twitter-text's domain expression at u: subdomains,
// a domain name and a TLD (known TLD followed by a boundary, or punycode).
// The subdomain repetition is greedy, so the longest candidate is tried
// first.
func matchDomain(s string, u int) (int, bool) {
	var buf [8]label
	labels := buf[:0]
	i := u
	for i < len(s) {
		start := i
		first, last := true, false
		underscore := false
		for i < len(s) {
			c, w := rune(s[i]), 1
			if c >= utf8.RuneSelf {
				c, w = utf8.DecodeRuneInString(s[i:])
			} else if asciiDomainChar[c] {
				first, last = false, true
				i++
				continue
			}
			switch {
			case c == '-' || c == '_':
				if first {
					return finishDomain(s, labels)
				}
				underscore = underscore || c == '_'
				last = false
			case isDomainChar(c):
				last = true
			default:
				goto end
			}
			first = false
			i += w
		}
	end:
		if i == start || !last || i >= len(s) || s[i] != '.' {
			break
		}
		i++
		labels = append(labels, label{dotEnd: i, underscore: underscore})
	}
	return finishDomain(s, labels)
}

func finishDomain(s string, labels []label) (int, bool) {
	for k := len(labels) - 1; k >= 0; k-- {
		if labels[k].underscore {
			continue
		}
		if e := matchTLD(s, labels[k].dotEnd); e >= 0 {
			return e, true
		}
	}
	return 0, false
}

// findASCIIDomain finds, from pos in d, twitter-text's "valid ASCII domain":
// one or more labels of ASCII letters, digits, '-' and Latin accented
// letters, each followed by '.', then a TLD; d's end counts as a boundary.
func findASCIIDomain(d string, pos int) (int, int, bool) {
	for q := pos; q < len(d); {
		c, w := utf8.DecodeRuneInString(d[q:])
		if !isASCIIDomainLabelChar(c) {
			q += w
			continue
		}
		var buf [8]int
		dots := buf[:0]
		firstEnd := -1
		for i := q; ; {
			j := asciiLabelEnd(d, i)
			if firstEnd < 0 {
				firstEnd = j
			}
			if j == i || j >= len(d) || d[j] != '.' {
				break
			}
			i = j + 1
			dots = append(dots, i)
		}
		for k := len(dots) - 1; k >= 0; k-- {
			if e := matchTLD(d, dots[k]); e >= 0 {
				return q, e, true
			}
		}
		// A later start inside the same label sees the same labels and
		// TLD candidates, so it fails too.
		q = firstEnd
	}
	return 0, 0, false
}

func asciiLabelEnd(d string, i int) int {
	for i < len(d) {
		c, w := utf8.DecodeRuneInString(d[i:])
		if !isASCIIDomainLabelChar(c) {
			break
		}
		i += w
	}
	return i
}

// validDomainLabels reports whether every label of domain, converted to
// punycode as twitter-text's idna.toAscii does, is 1 to 63 characters long.
func validDomainLabels(domain string) bool {
	if strings.HasPrefix(domain, "xn--") {
		if _, _, ok := findASCIIDomain(domain, 0); !ok {
			return false
		}
	}
	for domain != "" {
		l := domain
		if i := strings.IndexByte(domain, '.'); i >= 0 {
			l, domain = domain[:i], domain[i+1:]
		} else {
			domain = ""
		}
		if n := punycodeLabelLen(l); n < 1 || n > 63 {
			return false
		}
	}
	return true
}

// tcoEnd returns the end of a t.co URL's slug and query in url, -1 when
// its slug is too long, and false when url is not a t.co URL.
func tcoEnd(url string) (int, bool) {
	var i int
	switch {
	case len(url) > 12 && strings.EqualFold(url[:12], "http://t.co/"):
		i = 12
	case len(url) > 13 && strings.EqualFold(url[:13], "https://t.co/"):
		i = 13
	default:
		return 0, false
	}
	j := i
	for j < len(url) && isASCIIAlnum(url[j]) {
		j++
	}
	if j == i {
		return 0, false
	}
	if j-i > maxTcoSlugLength {
		return -1, true
	}
	if j < len(url) && url[j] == '?' {
		end := -1
		for k := j + 1; k < len(url); k++ {
			b := url[k]
			if !isASCIIAlnum(b) && strings.IndexByte(tcoQueryChars, b) < 0 {
				break
			}
			if isASCIIAlnum(b) || strings.IndexByte(tcoQueryEndChars, b) >= 0 {
				end = k + 1
			}
		}
		if end > 0 {
			j = end
		}
	}
	return j, true
}

const (
	tcoQueryChars    = "!?*'@();:&=+$/%#[]-_.,~|"
	tcoQueryEndChars = "-_&=#/"
)

// Path and query expressions. latinAccents and cyrillic are the extra
// letters twitter-text allows in paths.
const (
	latinAccents = `\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{FF}\x{100}-\x{24F}\x{253}\x{254}\x{256}\x{257}\x{259}\x{25B}\x{263}\x{268}\x{26F}\x{272}\x{289}\x{28B}\x{2BB}\x{300}-\x{36F}\x{1E00}-\x{1EFF}`
	cyrillic     = `\x{400}-\x{4FF}`
	ttPathChar   = `[a-zA-Z0-9` + cyrillic + latinAccents + `!*';:=+,.$/%#\[\]\-\x{2013}_~@|&]`
	ttParens     = `\((?:` + ttPathChar + `+|` + ttPathChar + `*\(` + ttPathChar + `+\)` + ttPathChar + `*)\)`
	ttPathEnd    = `[a-zA-Z0-9` + cyrillic + latinAccents + `+\-=_#/]`
	// twitter-text splices its path-ending expression, itself an
	// alternation, into the path expression without grouping it, so a
	// lone balanced parenthesis group is a path unit of its own and not
	// an ending of the longer one. This reproduces that.
	ttPathUnit = `(?:` + ttPathChar + `*(?:` + ttParens + ttPathChar + `*)*` + ttPathEnd + `|` + ttParens + `|@` + ttPathChar + `+/)`
	ttQuery    = `\?[a-zA-Z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-zA-Z0-9\-_&=#/]`

	whiteSpace  = `\t-\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`
	mPathChar   = `[^` + whiteSpace + `<>()?]`
	mParens     = `\((?:` + mPathChar + `+|` + mPathChar + `*\(` + mPathChar + `+\)` + mPathChar + `*)\)`
	mPathEnd    = `(?:[^` + whiteSpace + `()?!*"'「」<>;:=,.$%\[\]~&|@]|` + ttParens + `)`
	mPathUnit   = `(?:` + mPathChar + `*(?:` + mParens + mPathChar + `*)*` + mPathEnd + `|` + mPathChar + `+/)`
	mUChars     = `\x{A0}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFEF}\x{10000}-\x{1FFFD}\x{20000}-\x{2FFFD}\x{30000}-\x{3FFFD}\x{40000}-\x{4FFFD}\x{50000}-\x{5FFFD}\x{60000}-\x{6FFFD}\x{70000}-\x{7FFFD}\x{80000}-\x{8FFFD}\x{90000}-\x{9FFFD}\x{A0000}-\x{AFFFD}\x{B0000}-\x{BFFFD}\x{C0000}-\x{CFFFD}\x{D0000}-\x{DFFFD}\x{E1000}-\x{EFFFD}\x{E000}-\x{F8FF}\x{F0000}-\x{FFFFD}\x{100000}-\x{10FFFD}`
	mQuery      = `\?[a-zA-Z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^` + mUChars + `]*[a-zA-Z0-9_&=#/\-` + mUChars + `]`
	pathQueryRE = `^(/%s*)?(?:%s)?`
)

var (
	twitterPathQuery  = regexp.MustCompile(sprintf2(pathQueryRE, ttPathUnit, ttQuery))
	mastodonPathQuery = regexp.MustCompile(sprintf2(pathQueryRE, mPathUnit, mQuery))
)

func sprintf2(f, a, b string) string {
	f = strings.Replace(f, "%s", a, 1)
	return strings.Replace(f, "%s", b, 1)
}

// precedesURL reports whether c may stand right before a URL.
func precedesURL(c rune) bool {
	switch {
	case c < utf8.RuneSelf:
		return !isASCIIAlnum(byte(c)) && c != '@' && c != '$' && c != '#'
	case c == '＠' || c == '＃' || c == '\uFFFE' || c == '\uFEFF' || c == '\uFFFF':
		return false
	}
	return true
}

// isDomainChar reports whether c may appear in a domain label (besides '-'
// and '_'): anything but ASCII punctuation, spaces, invalid characters and
// directional marks.
func isDomainChar(c rune) bool {
	if c < utf8.RuneSelf {
		return asciiDomainChar[c]
	}
	switch {
	case c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E,
		c >= 0x2000 && c <= 0x200A, c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000,
		c == 0xFFFE || c == 0xFEFF || c == 0xFFFF,
		c >= 0x202A && c <= 0x202E, c == 0x061C || c == 0x200E || c == 0x200F,
		c >= 0x2066 && c <= 0x2069:
		return false
	}
	return true
}

var asciiPrecedesURL = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = precedesURL(rune(c))
	}
	return t
}()

var asciiDomainChar = func() (t [utf8.RuneSelf]bool) {
	for c := 0x21; c < 0x7F; c++ {
		t[c] = !strings.ContainsRune("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$", rune(c))
	}
	return t
}()

// isASCIIDomainLabelChar is the label class of twitter-text's valid ASCII
// domain: ASCII letters and digits, '-' and Latin accented letters.
func isASCIIDomainLabelChar(c rune) bool {
	if c < utf8.RuneSelf {
		return isASCIIAlnum(byte(c)) || c == '-'
	}
	return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7 ||
		c == 0x253 || c == 0x254 || c == 0x256 || c == 0x257 || c == 0x259 || c == 0x25B ||
		c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 || c == 0x289 || c == 0x28B || c == 0x2BB ||
		c >= 0x300 && c <= 0x36F || c >= 0x1E00 && c <= 0x1EFF
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func isASCIIAlnum(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b < 0x80 || b >= 0xC0 && b < 0xF0:
			n++ // one byte, or the lead byte of a BMP sequence
		case b >= 0xF0:
			n += 2
		}
	}
	return n
}

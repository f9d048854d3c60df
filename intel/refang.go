package intel

import "slices"

// Refang undoes every defang style iocast knows in a single value, so that
// "hxxp[:]//evil[.]com" becomes "http://evil.com". It handles:
//
//   - dots: [.] (.) {.} [dot] (dot) {dot} \. " dot ", the full-width dot
//     U+FF0E and the ideographic full stops U+3002 and U+FF61 between two
//     name characters, and broken brackets such as "evil[.com", "evil.]com" or "1.2.3.[]4";
//   - colons and slashes: [:] (:) [://] [/] \/ ;
//   - schemes: hxxp hXXp h**p hxtp htxp h__p fxp (and their "s" forms);
//   - at signs: [@] (@) {@} [at] (at) {at} " at " and the full-width ＠;
//   - zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and soft hyphens.
//
// Refang is meant for one value, not for prose: in prose " dot " and " at "
// are ordinary words. The extractor applies the same rules to candidate
// tokens only. Refang(Defang(k, v)) == v for every canonical value v.
func Refang(s string) string {
	out, _, changed := appendRefang(nil, nil, s, RefangOptions{Words: true}, true)
	if !changed {
		return s
	}
	return string(out)
}

// RefangOptions tunes AppendRefang.
type RefangOptions struct {
	// Words also refangs the bare words " dot " and " at " between name
	// characters. Off for prose, on for single values.
	Words bool
}

// AppendRefang appends the refanged form of src to dst. When pos is not nil
// it also appends, for each byte appended to dst, the offset in src of the
// source text that produced it, followed by one final entry (len(src)), so
// that a span of the output maps back to a span of the input. changed
// reports whether anything was refanged.
func AppendRefang(dst []byte, pos []int32, src []byte, opts RefangOptions) (out []byte, outPos []int32, changed bool) {
	return appendRefang(dst, pos, src, opts, false)
}

// AppendRefangChanged is AppendRefang, except that when nothing is
// refanged it appends nothing to dst and pos (and reports false): the
// caller then uses src itself. It saves copying text that refanging
// leaves as it is.
func AppendRefangChanged(dst []byte, pos []int32, src []byte, opts RefangOptions) (out []byte, outPos []int32, changed bool) {
	return appendRefang(dst, pos, src, opts, true)
}

// text is what the refanger reads: a string or a byte slice.
type text interface{ ~string | ~[]byte }

// appendRefang is AppendRefang over a string or a byte slice. Bytes that
// need no change are copied in runs, only up to the last change when
// onlyIfChanged is set (Refang then returns its input as it is).
func appendRefang[S text](dst []byte, pos []int32, src S, opts RefangOptions, onlyIfChanged bool) (out []byte, outPos []int32, changed bool) {
	n := len(src)
	from := 0 // src[from:i] is still to be copied
	for i := 0; ; {
		i = nextSpecial(src, i)
		if i >= n {
			break
		}
		c := src[i]
		w, rep := 0, ""
		switch c {
		case '[', '(', '{':
			if i+2 < n && src[i+1] == '.' && (c == '[' && src[i+2] == ']' || c == '(' && src[i+2] == ')') {
				w, rep = 3, "." // "[.]" and "(.)", the commonest, as bracketDefang finds them
			} else if c == '[' && i+1 < n && src[i+1] == ']' && i > 0 && src[i-1] == '.' {
				w = 2 // "162.33.178.[]206"
			} else {
				w, rep = bracketDefang(src, i)
			}
		case ']', ')', '}':
			// A stray closing bracket glued to a dot: "evil.]com".
			if i > 0 && src[i-1] == '.' && i+1 < n && isNameByte(src[i+1]) {
				w = 1
			}
		case '\\':
			if i+1 < n {
				switch src[i+1] {
				case '.':
					w, rep = 2, "."
				case '/':
					w, rep = 2, "/"
				case ':':
					w, rep = 2, ":"
				case '@':
					w, rep = 2, "@"
				}
			}
		case 'h', 'H', 'f', 'F':
			w, rep = schemeDefang(src, i)
		case ' ':
			if opts.Words {
				w, rep = wordDefang(src, i)
			}
		case 0xC2:
			if i+1 < n && src[i+1] == 0xAD { // soft hyphen
				w = 2
			}
		case 0xE2:
			// U+200B..U+200D = E2 80 8B..8D, U+2060 = E2 81 A0
			if i+2 < n && ((src[i+1] == 0x80 && src[i+2] >= 0x8B && src[i+2] <= 0x8D) || (src[i+1] == 0x81 && src[i+2] == 0xA0)) {
				w = 3
			}
		case 0xEF:
			if i+2 < n {
				switch {
				case src[i+1] == 0xBB && src[i+2] == 0xBF: // U+FEFF
					w = 3
				case src[i+1] == 0xBC && src[i+2] == 0x8E && betweenNames(src, i, 3): // U+FF0E ．
					w, rep = 3, "."
				case src[i+1] == 0xBD && src[i+2] == 0xA1 && betweenNames(src, i, 3): // U+FF61 ｡
					w, rep = 3, "."
				case src[i+1] == 0xBC && src[i+2] == 0xA0: // U+FF20 ＠
					w, rep = 3, "@"
				}
			}
		case 0xE3:
			if i+2 < n && src[i+1] == 0x80 && src[i+2] == 0x82 && betweenNames(src, i, 3) { // U+3002 。
				w, rep = 3, "."
			}
		}
		if w == 0 {
			i++
			continue
		}
		// Emit rep for the w source bytes at i.
		dst, pos = appendRun(dst, pos, src, from, i)
		if len(rep) == 1 {
			dst = append(dst, rep[0]) // no memmove call for "." and "@"
		} else {
			dst = append(dst, rep...)
		}
		if pos != nil {
			for k := 0; k < len(rep); k++ {
				pos = append(pos, int32(i))
			}
		}
		from = i + w
		changed = true
		i += w
	}
	if changed || !onlyIfChanged {
		dst, pos = appendRun(dst, pos, src, from, n)
		if pos != nil {
			pos = append(pos, int32(n))
		}
	}
	return dst, pos, changed
}

// nextSpecial returns the offset of the first byte at or after src[i]
// that can start a defang, or len(src).
//
// It is a function of its own, and must stay one (go:noinline): inlined
// into appendRefang, whose loop makes calls, the compiler kept the offset
// in a stack slot and loaded and stored it at every byte (about 12
// instructions a byte; here about 5). The first loop tests four bytes per
// bounds check.
//
//go:noinline
func nextSpecial[S text](src S, i int) int {
	for ; i+4 <= len(src); i += 4 {
		w := src[i : i+4] // constant indexes: no bounds check each
		if refangSpecial[w[0]] {
			return i
		}
		if refangSpecial[w[1]] {
			return i + 1
		}
		if refangSpecial[w[2]] {
			return i + 2
		}
		if refangSpecial[w[3]] {
			return i + 3
		}
	}
	for ; i < len(src); i++ {
		if refangSpecial[src[i]] {
			return i
		}
	}
	return len(src)
}

// appendRun appends src[from:to] to dst and, when pos is not nil, the
// offsets of its bytes to pos.
func appendRun[S text](dst []byte, pos []int32, src S, from, to int) ([]byte, []int32) {
	dst = append(dst, src[from:to]...)
	if pos != nil {
		m := len(pos)
		pos = slices.Grow(pos, to-from)[:m+to-from]
		p := pos[m:]
		for k := range p {
			p[k] = int32(from + k)
		}
	}
	return dst, pos
}

// refangSpecial marks the bytes at which a defang can start.
var refangSpecial = [256]bool{
	'[': true, '(': true, '{': true, ']': true, ')': true, '}': true, '\\': true,
	'h': true, 'H': true, 'f': true, 'F': true, ' ': true, 0xC2: true, 0xE2: true, 0xE3: true, 0xEF: true,
}

// isNameByte reports whether b can be part of a host name label.
func isNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b >= 0x80
}

// betweenNames reports whether the w bytes at i have a name character on both
// sides (for dots that are only dots between labels).
func betweenNames[S text](src S, i, w int) bool {
	l, r := i, i+w
	for l >= 3 && zeroWidth(src, l-3) {
		l -= 3 // "evil\u200d。com": the zero-width joiner goes anyway
	}
	for zeroWidth(src, r) {
		r += 3
	}
	if l == 0 || r >= len(src) {
		return false
	}
	return isASCIIAlnum(src[l-1]) && isASCIIAlnum(src[r])
}

// zeroWidth reports whether src[i:] starts with U+200B–U+200D or U+2060.
func zeroWidth[S text](src S, i int) bool {
	return i >= 0 && i+3 <= len(src) && src[i] == 0xE2 &&
		(src[i+1] == 0x80 && src[i+2] >= 0x8B && src[i+2] <= 0x8D || src[i+1] == 0x81 && src[i+2] == 0xA0)
}

func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// hasFold reports whether src[i:] starts with the lower-case ASCII word w,
// ignoring case.
func hasFold[S text](src S, i int, w string) bool {
	if len(src)-i < len(w) {
		return false
	}
	for k := 0; k < len(w); k++ {
		if lower(src[i+k]) != w[k] {
			return false
		}
	}
	return true
}

// bracketDefang recognises a bracketed defang at src[i] (an opening
// bracket) and returns its width and replacement, or 0.
func bracketDefang[S text](src S, i int) (int, string) {
	open := src[i]
	var close byte
	switch open {
	case '[':
		close = ']'
	case '(':
		close = ')'
	case '{':
		close = '}'
	}
	j := i + 1
	// Tolerate one space inside: "[ . ]".
	skipSp := func() {
		if j < len(src) && src[j] == ' ' {
			j++
		}
	}
	skipSp()
	if j >= len(src) {
		return 0, ""
	}
	// One switch on the first byte inside instead of trying each word in
	// turn: most brackets are "[.]", and most others no defang at all.
	var rep string
	switch src[j] {
	case '.':
		rep, j = ".", j+1
	case '@':
		rep, j = "@", j+1
	case ':':
		if hasFold(src, j, "://") {
			rep, j = "://", j+3
		} else {
			rep, j = ":", j+1
		}
	case '/':
		rep, j = "/", j+1
		if j < len(src) && src[j] == '/' {
			rep, j = "//", j+1
		}
	case 'd', 'D':
		if !hasFold(src, j, "dot") {
			return 0, ""
		}
		rep, j = ".", j+3
	case 'a', 'A':
		if !hasFold(src, j, "at") {
			return 0, ""
		}
		rep, j = "@", j+2
	default:
		return 0, ""
	}
	skipSp()
	if j < len(src) && src[j] == close {
		return j + 1 - i, rep
	}
	// Mismatched brackets around a dot or at sign: "evil[.)com".
	if j < len(src) && (src[j] == ']' || src[j] == ')' || src[j] == '}') && (rep == "." || rep == "@") {
		return j + 1 - i, rep
	}
	// Broken defang: "evil[.com", "1.2.3[.4". Only for dots and at signs
	// followed directly by a name character, never for words.
	if open == '[' && (rep == "." || rep == "@") && j == i+2 && j < len(src) && isNameByte(src[j]) {
		return 2, rep
	}
	return 0, ""
}

// schemeDefang recognises a defanged scheme (hxxp, h**p, fxp, …) at src[i]
// followed by "s"? and a colon or bracket, and returns its width and the
// real scheme.
func schemeDefang[S text](src S, i int) (int, string) {
	if i > 0 && isASCIIAlnum(src[i-1]) {
		return 0, ""
	}
	var scheme string
	var w int
	switch lower(src[i]) {
	case 'h':
		if len(src)-i < 4 || lower(src[i+3]) != 'p' {
			return 0, ""
		}
		a, b := lower(src[i+1]), lower(src[i+2])
		if a == 't' && b == 't' {
			return 0, "" // plain http
		}
		if !(isMaskByte(a) || a == 't') || !(isMaskByte(b) || b == 't') {
			return 0, ""
		}
		scheme, w = "http", 4
	case 'f':
		if len(src)-i < 3 || lower(src[i+2]) != 'p' || !isMaskByte(lower(src[i+1])) {
			return 0, ""
		}
		scheme, w = "ftp", 3
	default:
		return 0, ""
	}
	if i+w < len(src) && lower(src[i+w]) == 's' {
		// Constant strings: scheme + "s" would allocate.
		if scheme == "http" {
			scheme = "https"
		} else {
			scheme = "ftps"
		}
		w++
	}
	// Must be followed by a scheme separator, plain or defanged ("[:]",
	// "[://]", "(:)"): "hXXp[.]" is a name, not a scheme.
	if i+w >= len(src) {
		return 0, ""
	}
	switch src[i+w] {
	case ':':
	case '[', '(', '{':
		if i+w+1 >= len(src) || src[i+w+1] != ':' {
			return 0, ""
		}
	default:
		return 0, ""
	}
	return w, scheme
}

func isMaskByte(b byte) bool { return b == 'x' || b == '*' || b == '_' }

// wordDefang recognises " dot " and " at " (any case) between name
// characters at src[i] (a space).
func wordDefang[S text](src S, i int) (int, string) {
	if i == 0 || !isASCIIAlnum(src[i-1]) {
		return 0, ""
	}
	for _, w := range [...]struct{ word, rep string }{{" dot ", "."}, {" at ", "@"}} {
		if hasFold(src, i, w.word) && i+len(w.word) < len(src) && isASCIIAlnum(src[i+len(w.word)]) {
			return len(w.word), w.rep
		}
	}
	return 0, ""
}

package extract

import (
	"unicode"
	"unicode/utf8"
)

// Byte classes of the tokenizer.
const (
	cDelim   uint16 = 1 << iota // always ends a token
	cDot                        // '.'
	cAt                         // '@'
	cColon                      // ':'
	cSlash                      // '/' or '\'
	cBracket                    // ( ) [ ] { }
	cHex                        // 0-9 a-f A-F
	cAlpha                      // other ASCII letters
	cHigh                       // a non-ASCII rune kept in the token
	cEq                         // '=' (md5=…, url=…)
	cOther                      // any other ASCII byte kept in the token

	allClasses = 1<<iota - 1
)

var class [256]uint16

func init() {
	for c := 0; c < 256; c++ {
		var k uint16
		switch {
		case c <= ' ' || c == 0x7f:
			k = cDelim
		case c == '"' || c == '<' || c == '>' || c == '`' || c == '|' || c == ',':
			k = cDelim
		case c == '.':
			k = cDot
		case c == '@':
			k = cAt
		case c == ':':
			k = cColon
		case c == '/' || c == '\\':
			k = cSlash
		case c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}':
			k = cBracket
		case c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			k = cHex
		case c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z':
			k = cAlpha
		case c >= 0x80:
			k = cHigh
		case c == '=':
			k = cEq
		default:
			k = cOther
		}
		class[c] = k
	}
}

// token is a run of bytes between delimiters in a segment.
type token struct {
	start, end int
	mask       uint16 // OR of the classes of its bytes
}

// tokenize appends the tokens of seg to toks.
func tokenize(seg []byte, toks []token) []token {
	n := len(seg)
	i := 0
	for i < n {
		var start int
		var mask uint16
		var open bool
		i, toks, start, mask, open = asciiTokens(seg, i, toks)
		if !open {
			if i >= n {
				break
			}
			start = i // a token that starts with a non-ASCII letter
		}
		i, mask = tokenEnd(seg, start, i, mask)
		toks = append(toks, token{start, i, mask})
	}
	return toks
}

// asciiTokens appends the tokens of the ASCII text at seg[i:], up to the
// first non-ASCII byte or the end of seg, and returns where it stopped. When
// it stops inside a token, it does not append it but returns open and the
// token's start and the classes of its bytes so far.
func asciiTokens(seg []byte, i int, toks []token) (int, []token, int, uint16, bool) {
	for i < len(seg) {
		k := class[seg[i]]
		if k&cDelim != 0 {
			i++
			continue
		}
		if k&cHigh != 0 {
			// CJK text and other delimiters, or the start of a token.
			if w := skipHigh(seg, i); w > 0 {
				i += w
				continue
			}
			return i, toks, 0, 0, false
		}
		start := i
		mask := k
		i++
		for i < len(seg) {
			if k = class[seg[i]]; k&(cDelim|cHigh) != 0 {
				break
			}
			mask |= k
			i++
		}
		if i-start >= maxToken {
			// Too long for one token (rare; tested after the loop rather
			// than bounding the loop for every token): cut it into tokens
			// of maxToken bytes, and scan the rest again.
			for i-start >= maxToken {
				_, m := asciiRun(seg[start : start+maxToken])
				toks = append(toks, token{start, start + maxToken, m})
				start += maxToken
			}
			i = start
			continue
		}
		if i < len(seg) && k&cHigh != 0 {
			return i, toks, start, mask, true
		}
		toks = append(toks, token{start, i, mask})
		if i < len(seg) {
			i++ // the delimiter that ended the token
		}
	}
	return i, toks, 0, 0, false
}

// tokenEnd returns the end of the token that starts at seg[start], given
// that seg[start:i] are ASCII bytes of the token whose classes OR to mask
// and seg[i] is a non-ASCII byte, and the OR of the classes of all the
// token's bytes. A token is cut after the ASCII byte that makes it maxToken
// bytes or longer.
func tokenEnd(seg []byte, start, i int, mask uint16) (int, uint16) {
	lim := start + maxToken
	for {
		if i >= len(seg) || class[seg[i]]&cDelim != 0 || delimRune(seg, i) > 0 {
			return i, mask
		}
		i += runeLen(seg, i)
		mask |= cHigh
		if i >= lim {
			// Past the limit after a multi-byte rune: one more ASCII byte
			// ends the token.
			if i < len(seg) {
				if k := class[seg[i]]; k&(cDelim|cHigh) == 0 {
					return i + 1, mask | k
				}
			}
			continue
		}
		r, m := asciiRun(seg[i:min(len(seg), lim)])
		i += r
		mask |= m
		if i == lim {
			return i, mask
		}
	}
}

// skipHigh returns how many bytes of non-ASCII delimiters start at seg[i]
// (a non-ASCII byte), or 0 when a token starts there.
func skipHigh(seg []byte, i int) int {
	if c := seg[i]; c >= 0xE3 && c <= 0xE9 {
		if w := cjkRun(seg[i:]); w > 0 {
			return w
		}
	}
	return delimRune(seg, i)
}

// cjkRun returns the length of the run of three-byte characters
// U+3000..U+9FFF but "。" (kana, ideographs, CJK punctuation: delimiters) at
// the start of b.
func cjkRun(b []byte) int {
	// An index, not b = b[3:]: re-slicing costs more than the test.
	n := 0
	for n < len(b)-2 {
		// Byte 0 in E3..E9, bytes 1 and 2 continuation bytes, not "。".
		v := uint32(b[n]) | uint32(b[n+1])<<8 | uint32(b[n+2])<<16
		if v&0xFF-0xE3 > 0xE9-0xE3 || v&0xC0C000 != 0x808000 || v == 0x8280E3 {
			break
		}
		n += 3
	}
	return n
}

// asciiRun returns the length of the run of ASCII bytes kept in a token at
// the start of b, and the OR of their classes.
func asciiRun(b []byte) (int, uint16) {
	var mask uint16
	for i, c := range b {
		k := class[c]
		if k&(cDelim|cHigh) != 0 {
			return i, mask
		}
		mask |= k
	}
	return len(b), mask
}

// runeLen returns the length of the UTF-8 sequence at seg[i] (1 when invalid).
func runeLen(seg []byte, i int) int {
	_, w := utf8.DecodeRune(seg[i:])
	return w
}

// delimRune returns the width of the rune at seg[i] when it ends a token
// (CJK text, emoji, punctuation, white space, invalid UTF-8), or 0 when the
// rune can be part of an indicator: letters of alphabetic scripts (IDN
// domains, file names), combining marks, zero-width characters (an
// obfuscation the refanger removes), and the full-width and ideographic
// dots and the full-width at sign between two ASCII name characters.
func delimRune(seg []byte, i int) int {
	// Fast paths for the common three- and four-byte cases: CJK text,
	// punctuation and symbols, emoji.
	if c := seg[i]; i+2 < len(seg) {
		c1, c2 := seg[i+1], seg[i+2]
		if c1&0xC0 == 0x80 && c2&0xC0 == 0x80 {
			switch {
			case c == 0xE3 && c1 == 0x80 && c2 == 0x82: // 。
				return dotBetween(seg, i, 3)
			case c >= 0xE3 && c <= 0xE9: // U+3000..U+9FFF: CJK
				return 3
			case c == 0xE2:
				if c1 == 0x80 && c2 >= 0x8B && c2 <= 0x8D || c1 == 0x81 && c2 == 0xA0 {
					return 0 // zero-width characters
				}
				if c1 < 0xB0 { // U+2000..U+2BFF: punctuation, symbols
					return 3
				}
			case c == 0xEF && c1 == 0xBC && (c2 == 0x8E || c2 == 0xA0), c == 0xEF && c1 == 0xBD && c2 == 0xA1:
				return dotBetween(seg, i, 3) // ．＠｡
			case c == 0xEF && c1 == 0xBB && c2 == 0xBF:
				return 0 // BOM, removed by the refanger
			case c == 0xEF && c1 >= 0xBC: // U+FF00..U+FFFF: full-width forms, specials
				return 3
			case c == 0xF0 && c1 == 0x9F: // U+1F000..U+1FFFF: emoji, symbols
				return 4
			}
		}
	}
	r, w := utf8.DecodeRune(seg[i:])
	switch r {
	case utf8.RuneError:
		return w
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
		return 0
	case 0xFE0E, 0xFE0F:
		return w // variation selectors belong to the emoji before them
	case 0x3002, 0xFF0E, 0xFF61, 0xFF20:
		return dotBetween(seg, i, w)
	}
	if r < 0x300 {
		if unicode.IsLetter(r) {
			return 0
		}
		return w
	}
	if isCJK(r) {
		return w
	}
	if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
		return 0
	}
	return w
}

// dotBetween keeps a full-width or ideographic dot (or at sign) of width w
// in the token when ASCII name characters stand on both sides.
func dotBetween(seg []byte, i, w int) int {
	l, r := i, i+w
	for l >= 3 && zeroWidthAt(seg, l-3) {
		l -= 3
	}
	for r+3 <= len(seg) && zeroWidthAt(seg, r) {
		r += 3
	}
	if l > 0 && isASCIIAlnum(seg[l-1]) && r < len(seg) && isASCIIAlnum(seg[r]) {
		return 0
	}
	return w
}

// zeroWidthAt reports whether seg[i:] starts with U+200B–U+200D or U+2060.
func zeroWidthAt(seg []byte, i int) bool {
	return i+3 <= len(seg) && seg[i] == 0xE2 && (seg[i+1] == 0x80 && seg[i+2] >= 0x8B && seg[i+2] <= 0x8D || seg[i+1] == 0x81 && seg[i+2] == 0xA0)
}

// isCJK reports whether r belongs to a script that is written without
// spaces, so that an indicator glued to it ends there.
func isCJK(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF: // radicals, kana, CJK symbols, unified ideographs
		return true
	case r >= 0xAC00 && r <= 0xD7AF: // Hangul syllables
		return true
	case r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F:
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // half- and full-width forms
		return true
	case r >= 0x20000 && r <= 0x3FFFF:
		return true
	case r >= 0x1100 && r <= 0x11FF, r >= 0x3130 && r <= 0x318F:
		return true
	}
	return false
}

func isASCIIAlnum(b byte) bool { return nameBytes[b]&bAlnum != 0 }

func isLabelByte(b byte) bool { return nameBytes[b]&bLabel != 0 }

// nameBytes classes the bytes of host names, e-mail local parts and hex
// digits for isASCIIAlnum, isLabelByte, isLocalByte and isHexByte: one
// table lookup instead of several range tests, in loops over every byte
// of a candidate (TestNameBytes).
var nameBytes = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' {
			t[c] |= bAlnum | bLabel | bLocal
		}
		if b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' {
			t[c] |= bHex
		}
	}
	for _, b := range []byte("-_") {
		t[b] |= bLabel
	}
	for _, b := range []byte("._-+%'") {
		t[b] |= bLocal
	}
	return t
}()

const (
	bAlnum = 1 << iota // ASCII letter or digit
	bLabel             // and '-', '_'
	bLocal             // and '.', '_', '-', '+', '%', '\''
	bHex               // 0-9 a-f A-F
)

func lowerByte(b byte) byte { return lowerBytes[b] }

// lowerBytes maps ASCII capitals to lower case and every other byte to
// itself: a lookup instead of a compare and branch per byte.
var lowerBytes = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if c >= 'A' && c <= 'Z' {
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// equalFold reports whether b equals the lower-case ASCII s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lowerByte(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// appendLower appends b in lower case to dst, rune by rune as
// bytes.ToLower does (invalid UTF-8 becomes U+FFFD), so that a caller with
// a buffer on its stack does not allocate.
func appendLower(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			dst = append(dst, lowerByte(c))
			i++
			continue
		} else if c >= 0xE3 && c <= 0xE9 && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80 {
			dst = append(dst, c, b[i+1], b[i+2]) // U+3000..U+9FFF: kana, ideographs, no case
			i += 3
			continue
		}
		r, w := utf8.DecodeRune(b[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += w
	}
	return dst
}

func lastRune(b []byte) (rune, int) { return utf8.DecodeLastRune(b) }

// isFilenameRune reports whether r can be part of a file name glued to CJK
// text: letters and digits of any script, and a few ASCII symbols; CJK
// punctuation and white space end it.
func isFilenameRune(r rune) bool {
	if r < 0x80 {
		return isASCIIAlnum(byte(r)) || r == '_' || r == '-'
	}
	// Most runes looked at are kana and ideographs: every one of these
	// ranges is letters (TestFilenameRuneRanges), found without a search
	// of the Unicode tables.
	if r >= 0x4E00 && r <= 0x9FFF || r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA {
		return true
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || r == 'ー'
}

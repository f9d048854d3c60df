package extract

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// cjkFilename handles a file name glued to the CJK text before it, as in
// "添付ファイル請求書.docx" or "お見積り依頼書_20240610.img": the name runs
// back to the previous space or CJK punctuation.
func (s *scanner) cjkFilename(a, b int) bool {
	seg := s.seg
	// The tests are ordered cheapest first; most tokens glued to CJK text
	// fail the first one.
	if c := seg[a]; c == '(' || c == '[' || c == '{' || c == '<' || c == '\'' || c == '"' {
		return false // "メールには(contract.vbs": the bracket starts the name
	}
	// "メールにはresume.hta": a name that starts with a letter after CJK
	// prose is the ASCII name alone; "請求書.docx", "依頼書_2024.img" and
	// "第12回….exe" run back into the CJK text.
	if c := seg[a]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		return false
	}
	_, b = trimToken(seg, a, b)
	tok := seg[a:b]
	d := bytes.LastIndexByte(tok, '.')
	if d < 0 || !intel.IsFileExtension(bstr(tok[d+1:])) || bytes.ContainsAny(tok, "/\\:@") {
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
	s.defanged = s.refang(st, b)
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
		if c := seg[a]; !(c == '.' || c == '[' || c == '(' || c == '{' || c == '-') {
			return false
		}
		if _, tb := trimToken(seg, a, b); tb-a < 3 {
			return false
		}
	}
	k := st
	for k > 0 {
		r, w := lastRune(seg[:k])
		if r != '-' && r != '.' && !(r >= 0x80 && isFilenameRune(r)) && !(r < 0x80 && isASCIIAlnum(byte(r))) {
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
	s.refangCopy(k, b) // a copy: the dots are rewritten in place
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

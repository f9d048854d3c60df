package extract

// Reference implementations of the fast paths added in rounds 4 and 6 of
// the extractor's performance work (docs/PERFORMANCE.md), and the tests
// that hold the fast code to them.

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/iocast/iocast/intel"
)

// cjkRunRef is cjkRun a character at a time, as before.
func cjkRunRef(b []byte) int {
	i := 0
	for i+2 < len(b) {
		c, c1, c2 := b[i], b[i+1], b[i+2]
		if c < 0xE3 || c > 0xE9 || c1&0xC0 != 0x80 || c2&0xC0 != 0x80 || c == 0xE3 && c1 == 0x80 && c2 == 0x82 {
			break
		}
		i += 3
	}
	return i
}

// FuzzCJKRun compares cjkRun with the reference.
func FuzzCJKRun(f *testing.F) {
	for _, s := range []string{"日本語のテキスト", "漢字。かな", "ｱｲ日本", "日本x", "日\xe3\x80", "\xe9\xbf\xbf\xe3\x80\x82", "\xe2\x80\x8b日"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for k := 0; k <= len(b) && k < 4; k++ {
			if got, want := cjkRun(b[k:]), cjkRunRef(b[k:]); got != want {
				t.Fatalf("cjkRun(%q) = %d, want %d", b[k:], got, want)
			}
		}
	})
}

// lowerHexRef is lowerHex a byte at a time, as tryHash did it before.
func lowerHexRef(dst, src []byte) bool {
	for n, c := range src {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			dst[n] = c
		case c >= 'A' && c <= 'F':
			dst[n] = c + 'a' - 'A'
		default:
			return false
		}
	}
	return true
}

// FuzzLowerHex compares lowerHex with the reference, on every byte value.
func FuzzLowerHex(f *testing.F) {
	f.Add([]byte("DA1C9006B493D7E95DB4D354C5F0E99F"))
	f.Add([]byte("da1c9006b493d7e9/db4d354c5f0e99f"))
	f.Add([]byte("0123456789abcdefABCDEF@`Gg:/\x00\x7f\x80\xff\xb0\xc1\xe6"))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)/8*8]
		got, want := make([]byte, len(b)), make([]byte, len(b))
		okGot, okWant := lowerHex(got, b), lowerHexRef(want, b)
		if okGot != okWant || okGot && !bytes.Equal(got, want) {
			t.Fatalf("lowerHex(%q) = %q, %v; want %q, %v", b, got, okGot, want, okWant)
		}
	})
}

// TestLowerHexBytes runs lowerHex on each byte value at each position.
func TestLowerHexBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		for p := 0; p < 8; p++ {
			b := []byte("0123456789abcdefABCDEF0123456789")
			b[p*3] = byte(c)
			got, want := make([]byte, len(b)), make([]byte, len(b))
			okGot, okWant := lowerHex(got, b), lowerHexRef(want, b)
			if okGot != okWant || okGot && !bytes.Equal(got, want) {
				t.Fatalf("lowerHex(%q) = %q, %v; want %q, %v", b, got, okGot, want, okWant)
			}
		}
	}
}

// TestKindSalt checks that kindSalt tells every kind apart.
func TestKindSalt(t *testing.T) {
	seen := map[uint64]intel.Kind{}
	for _, k := range intel.Kinds {
		if o, ok := seen[kindSalt(k)]; ok {
			t.Fatalf("kinds %s and %s have the same salt", o, k)
		}
		seen[kindSalt(k)] = k
	}
}

// FuzzSchemeDefanged checks the direct scheme test against the refanger:
// in a token without brackets, backslashes, spaces and non-ASCII bytes,
// schemeDefanged is true exactly when refanging changes the token, and
// stillDefanged is true exactly when Refang changes a value.
func FuzzSchemeDefanged(f *testing.F) {
	for _, s := range []string{"hxxp://a", "xhxxp:a:", "fxps:", "h**ps://x", "hXXp::", "http://", "ahxxp:", "-fxp:x",
		"hxtp:", "htxps:", "hxxs:", "fxp", ":hxxp:", "h__p:fXp:", "1fxp:", "hxxpss:", "Fxp:", "hxxp[:]//a", "a hxxp://b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := stillDefanged(intel.Indicator{Kind: intel.KindURL, Value: string(b)}), intel.Refang(string(b)) != string(b); got != want {
			t.Fatalf("stillDefanged(%q) = %v, want %v", b, got, want)
		}
		// A token schemeDefanged is called on: no brackets, backslashes,
		// white space or non-ASCII bytes.
		tok := bytes.Clone(b)
		for i, c := range tok {
			if c >= 0x80 || c <= ' ' || bytes.IndexByte([]byte("[](){}\\"), c) >= 0 {
				tok[i] = ':'
			}
		}
		s := &scanner{seg: tok}
		_, _, want := intel.AppendRefang(nil, nil, tok, intel.RefangOptions{})
		if got := s.schemeDefanged(0, len(tok)); got != want {
			t.Fatalf("schemeDefanged(%q) = %v, want %v", tok, got, want)
		}
	})
}

// TestNotFilesJS backs tryFilename's shortcut: every name in notFiles ends
// in ".js".
func TestNotFilesJS(t *testing.T) {
	for name := range notFiles {
		if !strings.HasSuffix(name, ".js") {
			t.Errorf("notFiles has %q, which does not end in \".js\"", name)
		}
	}
}

// TestFilenameRuneRanges backs the shortcut in isFilenameRune: the CJK
// ranges it takes without a table search are all letters.
func TestFilenameRuneRanges(t *testing.T) {
	for _, rg := range [][2]rune{{0x4E00, 0x9FFF}, {0x3041, 0x3096}, {0x30A1, 0x30FA}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if !unicode.IsLetter(r) {
				t.Fatalf("%U is not a letter", r)
			}
		}
	}
}

// FuzzKnownClasses checks that piece, told which byte classes its text
// has, finds what it finds when it is told nothing.
func FuzzKnownClasses(f *testing.F) {
	for _, s := range []string{"(KHTML", "(C2)", "[active]", "(SHA256", "md5=DA1C9006B493D7E95DB4D354C5F0E99F",
		"(cve-2021-44228)", "AS63949", "[ASN13335]", "x(dot)y", "[::1]", "a=b;c", "da1c9006b493d7e95db4d354c5f0e99f!",
		"abc/def", "evil.com", "1.2.3.4:80", "a@b.co", "http://x.com/a", "C2:evil.com", "[2001:db8::1]:443", "/tmp/x.sh"} {
		f.Add([]byte(s))
	}
	e := New(Options{KeepWarned: true})
	f.Fuzz(func(t *testing.T, b []byte) {
		var mask uint16
		for _, c := range b {
			mask |= class[c]
		}
		run := func(classes uint16) []Match {
			var out []Match
			s := newScanner(e, func(m Match) error { out = append(out, m); return nil })
			defer s.release()
			s.seg, s.rbuf, s.posBase, s.ident, s.classes = b, b, 0, true, classes
			s.recognize()
			return out
		}
		if got, want := run(mask), run(allClasses); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: knowing its classes %v, not knowing %v", b, got, want)
		}
	})
}

// FuzzBalanced compares balanced with counting both brackets.
func FuzzBalanced(f *testing.F) {
	for _, s := range []string{"Gecko)", "foo(bar)", "a)b)", "((x)", "[.]]", "{}}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range []byte(")]}") {
			b := append(b, c)
			o := closingToOpening(c)
			no, nc := countPair(b, o, c)
			if got, want := balanced(b, o, c), no >= nc; got != want {
				t.Fatalf("balanced(%q) = %v, want %v", b, got, want)
			}
		}
	})
}

// FuzzCanonicalURLHost compares canonicalURLHost with intel.SplitURL on
// canonical URLs.
func FuzzCanonicalURLHost(f *testing.F) {
	for _, s := range []string{"http://evil.com/a", "HTTP://u:p@EVIL.COM:080/a[b]?x#y", "http://[2001:DB8::1]:443/x", "tcp://1.2.3.4:4444",
		"http://a.com?x=/y", "http://a.com#f/g", "ftp://u@v@w.co.jp:21", "http://x.com@y.com/", "http://[::ffff:1.2.3.4]/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ind, err := intel.NewRefanged(intel.KindURL, s)
		if err != nil {
			return
		}
		p, err := intel.SplitURL(ind.Value)
		if err != nil {
			t.Fatalf("SplitURL(%q): %v", ind.Value, err)
		}
		if got := canonicalURLHost(ind.Value); got != p.Host {
			t.Fatalf("canonicalURLHost(%q) = %q, want %q", ind.Value, got, p.Host)
		}
	})
}

// FuzzLowerFast compares lowerFast with strings.ToLower where it applies.
func FuzzLowerFast(f *testing.F) {
	for _, s := range []string{"Invoice.PDF", "請求書.DOCX", "ｱｲ.exe", "Ü.exe", "x\xe3\x81", "日本\xff", "\u212a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf [255]byte
		if got, ok := lowerFast(buf[:0], s); ok && string(got) != strings.ToLower(s) {
			t.Fatalf("lowerFast(%q) = %q, want %q", s, got, strings.ToLower(s))
		}
	})
}

// TestJunkTables checks the byte tables of isLeadingJunk and
// isTrailingJunk against the switches they replaced.
func TestJunkTables(t *testing.T) {
	leading := func(c byte) bool {
		switch c {
		case '(', '[', '{', '<', '\'', '"', '*', '_', '~', '.', ',', ':', ';', '!', '?', '=', '+', '#', '-':
			return true
		}
		return false
	}
	trailing := func(c byte) bool {
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '*', '_', '~', ')', ']', '}', '>':
			return true
		}
		return false
	}
	for c := 0; c < 256; c++ {
		if isLeadingJunk(byte(c)) != leading(byte(c)) || isTrailingJunk(byte(c)) != trailing(byte(c)) {
			t.Errorf("byte %#x: leading %v (want %v), trailing %v (want %v)", c, isLeadingJunk(byte(c)), leading(byte(c)), isTrailingJunk(byte(c)), trailing(byte(c)))
		}
	}
}

// TestNameBytes checks the table behind isASCIIAlnum, isLabelByte,
// isLocalByte and isHexByte against the range tests it replaced.
func TestNameBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
		label := alnum || b == '-' || b == '_'
		local := alnum || b == '.' || b == '_' || b == '-' || b == '+' || b == '%' || b == '\''
		hex := b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
		if isASCIIAlnum(b) != alnum || isLabelByte(b) != label || isLocalByte(b) != local || isHexByte(b) != hex {
			t.Errorf("byte %#x: alnum %v label %v local %v hex %v", c, isASCIIAlnum(b), isLabelByte(b), isLocalByte(b), isHexByte(b))
		}
		if want := strings.ToLower(string(rune(b)))[0]; b < 0x80 && lowerByte(b) != want || b >= 0x80 && lowerByte(b) != b {
			t.Errorf("lowerByte(%#x) = %#x", c, lowerByte(b))
		}
	}
}

// FuzzRefangedClasses checks the classes candidate gives piece for a
// refanged token: every byte of the refanged text has one of them
// (FuzzKnownClasses checks that piece finds the same with any such set).
func FuzzRefangedClasses(f *testing.F) {
	for _, s := range []string{"evil[.]com", "x[dot]y", "a(at)b[.]co", "user[@]evil[.]com", "hxxps[:]//evil[.]com/a",
		"evil．com", "a＠b", "evil\\.com", "ftp[://]1.2.3.4", "1.2.3.[]4", "evil.]com", "h**p://x", "セキュリティ更新．net"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, tok := range tokenize(b, nil) {
			src := b[tok.start:tok.end]
			out, _, changed := intel.AppendRefang(nil, nil, src, intel.RefangOptions{})
			if !changed {
				continue
			}
			cls := refangedClasses(tok.mask, out)
			for _, c := range out {
				if class[c]&^cls != 0 {
					t.Fatalf("%q refanged to %q: byte %q has classes %#x, not in %#x", src, out, c, class[c], cls)
				}
			}
		}
	})
}

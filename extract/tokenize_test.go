package extract

import (
	"bytes"
	"testing"
	"unicode"
)

// tokenizeRef is the byte-at-a-time tokenizer the fast one must agree with.
func tokenizeRef(seg []byte, toks []token) []token {
	n := len(seg)
	i := 0
	for i < n {
		// Skip delimiters.
		for i < n {
			k := class[seg[i]]
			if k&cDelim != 0 {
				i++
				continue
			}
			if k&cHigh != 0 {
				if w := delimRune(seg, i); w > 0 {
					i += w
					continue
				}
			}
			break
		}
		if i >= n {
			break
		}
		start := i
		var mask uint16
		for i < n {
			k := class[seg[i]]
			if k&(cDelim|cHigh) != 0 {
				if k&cDelim != 0 || delimRune(seg, i) > 0 {
					break
				}
				i += runeLen(seg, i)
				mask |= cHigh
				continue
			}
			mask |= k
			i++
			if i-start >= maxToken {
				break
			}
		}
		toks = append(toks, token{start, i, mask})
	}
	return toks
}

// TestTokenizeAgrees checks the tokenizer against the simple reference one
// on the benchmark corpus and on inputs built around its edge cases.
func TestTokenizeAgrees(t *testing.T) {
	inputs := [][]byte{
		benchCorpus(nil)[:1<<20],
		bytes.Repeat([]byte("a"), maxToken*2+5),
		append(bytes.Repeat([]byte("a"), maxToken-1), "é日本x"...),
		append(bytes.Repeat([]byte("a"), maxToken-1), "éébc d"...),
		[]byte("evil。com 日本語。com x．y ａ＠ｂ a\u200b。b \xff\xfe 🚨x é"),
	}
	// Runs of exactly one, two and three maxToken bytes and one byte
	// either side, then a delimiter, a non-ASCII letter, a CJK character,
	// or nothing.
	for _, n := range []int{maxToken - 1, maxToken, maxToken + 1, 2*maxToken - 1, 2 * maxToken, 2*maxToken + 1, 3 * maxToken} {
		for _, end := range []string{"", " x", "é.com", "日本", "\n.b"} {
			inputs = append(inputs, append(bytes.Repeat([]byte("a.b"), n/3+1)[:n], end...))
		}
	}
	for _, in := range inputs {
		checkTokenize(t, in)
	}
}

func checkTokenize(t *testing.T, in []byte) {
	t.Helper()
	got := tokenize(in, nil)
	want := tokenizeRef(in, nil)
	if len(got) != len(want) {
		t.Fatalf("%d tokens, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("token %d: got %+v, want %+v (%q)", i, got[i], want[i], in[want[i].start:want[i].end])
		}
	}
}

// FuzzTokenize compares the tokenizer with the reference one.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"evil[.]com 日本。com", "a。b", "x\xe3\x80", "🚨x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkTokenize(t, in)
	})
}

// FuzzAppendLower checks appendLower against bytes.ToLower.
func FuzzAppendLower(f *testing.F) {
	for _, s := range []string{"VERSİON", "ＡＢＣ", "x\xffY", "Kelvin \u212a", "バージョン"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := appendLower(nil, b), bytes.ToLower(b); !bytes.Equal(got, want) {
			t.Fatalf("appendLower(%q) = %q, want %q", b, got, want)
		}
	})
}

// TestHotTokens checks that every token hotTokens leaves out neither starts
// a join nor is interesting, so that skipping it changes nothing.
func TestHotTokens(t *testing.T) {
	inputs := [][]byte{
		benchCorpus(nil)[:2<<20],
		[]byte("evil dot com, ASN 13335 asn: 1 AS 2 as 3 user at evil dot com a [.] b x.y CVE-2021-44228 *cve-2020-1234* 日本。com"),
	}
	for _, seg := range inputs {
		s := newScanner(New(Options{}), func(Match) error { return nil })
		s.seg = seg
		s.toks = tokenize(seg, nil)
		s.hot = hotTokens(seg, s.toks, nil)
		hot := map[int]int32{}
		for k, h := range s.hot {
			if k > 0 && h>>hotShift <= s.hot[k-1]>>hotShift {
				t.Fatalf("hot not increasing at %d: %v", k, s.hot[k-1:k+1])
			}
			hot[int(h>>hotShift)] = h
		}
		for i, tok := range s.toks {
			h := hot[i]
			if want := interesting(seg, tok); want != (h&hotCandidate != 0) {
				t.Fatalf("token %d %q: interesting %v, hot %b", i, seg[tok.start:tok.end], want, h)
			}
			if h&hotJoin != 0 {
				continue
			}
			if n := s.join(i); n != 0 {
				t.Fatalf("token %d %q left out, but joins %d", i, seg[tok.start:tok.end], n)
			}
		}
		t.Logf("%d tokens, %d hot", len(s.toks), len(s.hot))
	}
}

// TestCJKHasNoCase backs the shortcut in appendLower.
func TestCJKHasNoCase(t *testing.T) {
	for r := rune(0x3000); r <= 0x9FFF; r++ {
		if unicode.ToLower(r) != r {
			t.Fatalf("ToLower(%U) = %U", r, unicode.ToLower(r))
		}
	}
}

// versionContextRef is versionContext without its quick test.
func versionContextRef(seg []byte, a int) bool {
	k := a
	for k > 0 && (seg[k-1] == ' ' || seg[k-1] == ':' || seg[k-1] == '\t' || seg[k-1] == '(') {
		k--
	}
	before := bytes.ToLower(seg[max(0, k-24):k])
	for _, w := range [...]string{"version", "ver.", "ver", "v", "build", "release", "firmware", "bios", "バージョン", "版"} {
		if bytes.HasSuffix(before, []byte(w)) {
			p := len(before) - len(w)
			if p == 0 || !isASCIIAlnum(before[p-1]) || w[0] >= 0x80 {
				return true
			}
		}
	}
	return false
}

// FuzzVersionContext checks versionContext against the reference.
func FuzzVersionContext(f *testing.F) {
	for _, s := range []string{"version ", "VERSİON: ", "ver.", "バージョン", "版(", "firmware\t", "xv", "\xffbios", "ＶＥＲ "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, before string) {
		seg := []byte(before + "1.2.3.4")
		s := &scanner{seg: seg, rbuf: seg[len(before):], posBase: len(before), ident: true}
		if got, want := s.versionContext(0), versionContextRef(seg, len(before)); got != want {
			t.Fatalf("%q: versionContext %v, want %v", before, got, want)
		}
	})
}

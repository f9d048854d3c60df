package extract

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/corpus"
)

// pieceRef is piece as it was before round 9: balance called on every
// piece, and tryHash tried a second time in the chain when the first try
// failed.
func (s *scanner) pieceRef(i, j, depth int) {
	r := s.rbuf
	for i < j && (pieceLead[r[i]] || (r[i] == '(' || r[i] == '[') && bytes.IndexByte(r[i:j], closing(r[i])) < 0) {
		i++ // a leading bracket without its partner
	}
	for j > i && pieceTrail[r[j-1]] {
		j--
	}
	j = balance(r, i, j)
	if j-i < 3 {
		return
	}
	if intel.HashKind(j-i) != "" && s.tryHash(i, j) {
		return // a hash and nothing else: no scheme, '@', dot or slash
	}
	c := s.classes
	if c&cColon != 0 && c&cSlash != 0 && s.tryURL(i, j, depth) ||
		c&cAt != 0 && s.tryEmail(i, j, depth) ||
		c&(cDot|cColon|cSlash) != 0 && s.tryHost(i, j) ||
		s.tryHash(i, j) || s.tryCVE(i, j) || s.tryASN(i, j) ||
		c&cDot != 0 && s.tryFilename(i, j) {
		return
	}
	if depth >= maxDepth {
		return
	}
	for k := i; k < j; k++ {
		if isSeparator(r[k]) {
			if k > i {
				s.pieceRef(i, k, depth+1)
			}
			s.pieceRef(k+1, j, depth+1)
			return
		}
	}
}

// pieceMatches runs piece (or pieceRef) on seg[a:b], taken as a candidate
// that refanging leaves as it is, with the given classes, and returns what
// it reports.
func pieceMatches(e *Extractor, seg []byte, a, b int, classes uint16, ref bool) []Match {
	var out []Match
	s := newScanner(e, func(m Match) error { out = append(out, m); return nil })
	defer s.release()
	s.seg, s.base = seg, 0
	s.rbuf, s.posBase, s.ident, s.defanged, s.classes = seg[a:b], a, true, false, classes
	if ref {
		s.pieceRef(0, b-a, 0)
	} else {
		s.piece(0, b-a, 0)
	}
	return out
}

func pieceAgrees(t *testing.T, e *Extractor, seg []byte, a, b int, classes uint16) {
	t.Helper()
	got, want := pieceMatches(e, seg, a, b, classes, false), pieceMatches(e, seg, a, b, classes, true)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("piece(%q): %+v, want %+v", seg[a:b], got, want)
	}
}

// FuzzPieceAgrees compares piece with pieceRef on the whole input and on
// each of its tokens, trimmed as candidate trims them, with all classes
// and with the token's own.
func FuzzPieceAgrees(f *testing.F) {
	for _, s := range []string{
		"foo(evil.com)", "(evil.com", "[1.2.3.4]", "md5=d41d8cd98f00b204e9800998ecf8427e)", "${jndi:ldap://x/a}",
		"C2:evil.com", "((a.b))", "x]]", "a.b}", "IOC=1.2.3.4:443/a", "d41d8cd98f00b204e9800998ecf8427e.exe",
		"(http://evil.com/a_(b))", "[2001:db8::1]:443", "user@evil.com)", "CVE-2024-1234)", "AS13335]",
	} {
		f.Add([]byte(s))
	}
	e := New(Options{KeepWarned: true})
	f.Fuzz(func(t *testing.T, b []byte) {
		pieceAgrees(t, e, b, 0, len(b), allClasses)
		for _, tok := range tokenize(b, nil) {
			a, z := trimToken(b, tok.start, tok.end)
			if a < z {
				pieceAgrees(t, e, b, a, z, allClasses)
				pieceAgrees(t, e, b, a, z, tok.mask)
			}
		}
	})
}

// TestPieceAgreesCorpus runs the same comparison on the candidates of
// 1 MiB of the benchmark corpus.
func TestPieceAgreesCorpus(t *testing.T) {
	var buf bytes.Buffer
	if err := corpus.Generate(&buf, 1<<20, 3); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	e := New(Options{KeepWarned: true})
	toks := tokenize(data, nil)
	for _, h := range hotTokens(data, toks, nil) {
		if h&hotCandidate == 0 {
			continue
		}
		tok := toks[h>>hotShift]
		if a, z := trimToken(data, tok.start, tok.end); a < z {
			pieceAgrees(t, e, data, a, z, tok.mask)
		}
	}
}

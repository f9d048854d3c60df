package extract

import (
	"bytes"
	"strings"
	"testing"

	"github.com/iocast/iocast/internal/corpus"
)

// TestArenaStringsKept checks that the strings of a match (value, raw
// text, display form, warnings) stay as they were while the same
// Extractor goes on with other documents and reuses its scanners and their
// arenas: the arena is only ever appended to.
func TestArenaStringsKept(t *testing.T) {
	var doc bytes.Buffer
	if err := corpus.Generate(&doc, 256<<10, 3); err != nil {
		t.Fatal(err)
	}
	// A value longer than arenaMax gets an allocation of its own.
	long := "hxxps://evil[.]example[.]com/" + strings.Repeat("a", 2*arenaMax)
	doc.WriteString("\n" + long + "\n")
	e := New(Options{KeepWarned: true})
	var first []Match
	if err := e.ExtractBytes(doc.Bytes(), func(m Match) error { first = append(first, m); return nil }); err != nil {
		t.Fatal(err)
	}
	type strs struct{ value, display, raw string }
	want := make([]strs, len(first))
	sawLong := false
	for i, m := range first {
		want[i] = strs{strings.Clone(m.Value), strings.Clone(m.Display), strings.Clone(m.Raw)}
		sawLong = sawLong || len(m.Raw) > arenaMax
	}
	if len(first) < 1000 || !sawLong {
		t.Fatalf("%d matches, long one found: %v", len(first), sawLong)
	}
	// Other documents through the same extractor, streamed and whole.
	for seed := uint64(4); seed < 8; seed++ {
		var other bytes.Buffer
		if err := corpus.Generate(&other, 128<<10, seed); err != nil {
			t.Fatal(err)
		}
		if err := e.Extract(bytes.NewReader(other.Bytes()), func(Match) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := e.ExtractBytes(other.Bytes(), func(Match) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range first {
		if got := (strs{m.Value, m.Display, m.Raw}); got != want[i] {
			t.Fatalf("match %d changed: %+v, was %+v", i, got, want[i])
		}
	}
}

// TestStrCat checks the arena's string builder at the chunk boundary and
// past arenaMax.
func TestStrCat(t *testing.T) {
	s := &scanner{}
	var made []string
	var want []string
	for n := 0; n < 3*arenaMax; n += 7 {
		b := bytes.Repeat([]byte{byte('a' + n%26)}, n)
		for _, p := range []string{"", "AS", "http://"} {
			made = append(made, s.strCat(p, b))
			want = append(want, p+string(b))
		}
	}
	for i := range made {
		if made[i] != want[i] {
			t.Fatalf("string %d: %q, want %q", i, made[i], want[i])
		}
	}
	if s.str(nil) != "" || s.strCat("", []byte{}) != "" {
		t.Fatal("empty string")
	}
}

package extract

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/iocast/iocast/internal/corpus"
)

// TestGeneratedCorpus measures precision and recall on 2 MiB of the
// generated benchmark corpus (internal/corpus, seed 3), whose generator
// records every indicator it writes. Its labels leave out the hashes inside
// reference links, which iocast reports on purpose (they name samples), so
// sha256 precision is lower here than on the hand-labelled corpus.
func TestGeneratedCorpus(t *testing.T) {
	var buf bytes.Buffer
	want := map[string]bool{}
	if err := corpus.GenerateLabelled(&buf, 2<<20, 3, func(k, v string) { want[k+" "+v] = true }); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range New(Options{}).ExtractString(buf.String()) {
		got[string(m.Kind)+" "+m.Value] = true
	}
	per := map[string]*score{}
	var total score
	kindOf := func(l string) string { return l[:strings.IndexByte(l, ' ')] }
	get := func(k string) *score {
		if per[k] == nil {
			per[k] = &score{}
		}
		return per[k]
	}
	for g := range got {
		if want[g] {
			get(kindOf(g)).tp++
			total.tp++
		} else {
			get(kindOf(g)).fp++
			total.fp++
		}
	}
	for w := range want {
		if !got[w] {
			get(kindOf(w)).fn++
			total.fn++
		}
	}
	kinds := make([]string, 0, len(per))
	for k := range per {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %6s %5s %5s %9s %7s\n", "kind", "tp", "fp", "fn", "precision", "recall")
	for _, k := range kinds {
		s := per[k]
		fmt.Fprintf(&b, "%-9s %6d %5d %5d %9.3f %7.3f\n", k, s.tp, s.fp, s.fn, s.precision(), s.recall())
	}
	fmt.Fprintf(&b, "%-9s %6d %5d %5d %9.3f %7.3f\n", "all", total.tp, total.fp, total.fn, total.precision(), total.recall())
	t.Logf("quality on the generated corpus:\n%s", b.String())
	if total.precision() < 0.95 || total.recall() < 0.95 {
		t.Errorf("precision %.3f, recall %.3f: both must be at least 0.95", total.precision(), total.recall())
	}
}

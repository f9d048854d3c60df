package extract

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// label is one expected indicator of a labelled document.
type label struct {
	kind, value string
	port        int
}

func (l label) String() string {
	if l.port != 0 {
		return fmt.Sprintf("%s %s port=%d", l.kind, l.value, l.port)
	}
	return l.kind + " " + l.value
}

// readWant reads a .want file: "kind<TAB>value[<TAB>port=N]" lines, # comments.
func readWant(t *testing.T, path string) map[label]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[label]bool{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		txt := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(txt) == "" || strings.HasPrefix(txt, "#") {
			continue
		}
		parts := strings.Split(txt, "\t")
		if len(parts) < 2 {
			t.Fatalf("%s:%d: want kind<TAB>value, got %q", path, line, txt)
		}
		l := label{kind: parts[0], value: parts[1]}
		if len(parts) > 2 {
			if _, err := fmt.Sscanf(parts[2], "port=%d", &l.port); err != nil {
				t.Fatalf("%s:%d: bad port field %q", path, line, parts[2])
			}
		}
		want[l] = true
	}
	return want
}

// score counts per kind.
type score struct{ tp, fp, fn int }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

// evaluate extracts every *.txt of dir and compares with its .want file.
func evaluate(t *testing.T, dir string, verbose bool) (map[string]*score, score) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no labelled documents in %s", dir)
	}
	e := New(Options{})
	perKind := map[string]*score{}
	var total score
	get := func(k string) *score {
		if perKind[k] == nil {
			perKind[k] = &score{}
		}
		return perKind[k]
	}
	for _, f := range files {
		want := readWant(t, strings.TrimSuffix(f, ".txt")+".want")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := map[label]bool{}
		for _, m := range e.ExtractString(string(data)) {
			got[label{string(m.Kind), m.Value, m.Port}] = true
		}
		var misses []string
		for l := range got {
			if want[l] {
				get(l.kind).tp++
				total.tp++
			} else {
				get(l.kind).fp++
				total.fp++
				misses = append(misses, "  false positive: "+l.String())
			}
		}
		for l := range want {
			if !got[l] {
				get(l.kind).fn++
				total.fn++
				misses = append(misses, "  missed:         "+l.String())
			}
		}
		if verbose && len(misses) > 0 {
			sort.Strings(misses)
			t.Logf("%s:\n%s", filepath.Base(f), strings.Join(misses, "\n"))
		}
	}
	return perKind, total
}

// TestQuality reports precision and recall per kind on iocast's own
// hand-labelled corpus (extract/testdata/labelled) and fails when either
// falls under the floor. Run with -v to see the table and every miss.
func TestQuality(t *testing.T) {
	perKind, total := evaluate(t, filepath.Join("testdata", "labelled"), testing.Verbose())
	kinds := make([]string, 0, len(perKind))
	for k := range perKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %5s %5s %5s %9s %7s\n", "kind", "tp", "fp", "fn", "precision", "recall")
	for _, k := range kinds {
		s := perKind[k]
		fmt.Fprintf(&b, "%-9s %5d %5d %5d %9.3f %7.3f\n", k, s.tp, s.fp, s.fn, s.precision(), s.recall())
	}
	fmt.Fprintf(&b, "%-9s %5d %5d %5d %9.3f %7.3f\n", "all", total.tp, total.fp, total.fn, total.precision(), total.recall())
	t.Logf("quality on the labelled corpus:\n%s", b.String())
	const floor = 0.95
	if total.precision() < floor || total.recall() < floor {
		t.Errorf("precision %.3f, recall %.3f: both must be at least %.2f", total.precision(), total.recall(), floor)
	}
}

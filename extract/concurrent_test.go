package extract

import (
	"fmt"
	"sync"
	"testing"

	"github.com/iocast/iocast/intel"
)

// TestConcurrentExtract runs one Extractor from several goroutines (the
// scanners come from a pool) and checks each gets what a lone call gets.
func TestConcurrentExtract(t *testing.T) {
	corpus := benchCorpus(nil)
	var docs []string
	for k := 0; k < 8; k++ {
		docs = append(docs, string(corpus[k*64<<10:(k+1)*64<<10]))
	}
	e := New(Options{KeepWarned: true})
	want := make([]string, len(docs))
	for k, d := range docs {
		want[k] = fmt.Sprint(e.ExtractString(d))
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				for k, d := range docs {
					if got := fmt.Sprint(e.ExtractString(d)); got != want[k] {
						t.Errorf("doc %d: concurrent result differs", k)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestCallbackErrorInJoin checks that an error from the callback on a
// joined indicator ("evil dot com") at the very end stops the extraction.
func TestCallbackErrorInJoin(t *testing.T) {
	stop := fmt.Errorf("stop")
	err := New(Options{}).ExtractBytes([]byte("see evil dot com"), func(Match) error { return stop })
	if err != stop {
		t.Fatalf("err = %v, want %v", err, stop)
	}
}

// TestAmbiguousDefangDropped checks that a value that refanging leaves
// defanged ("0[[.Z" becomes "0[.Z") is not reported: intel.Canonical
// rejects it as ambiguous.
func TestAmbiguousDefangDropped(t *testing.T) {
	for _, in := range []string{"0[[.Z", "hxxp://evil[.]com/a((.))b", "a{{.}}b@evil[.]com"} {
		for _, m := range New(Options{KeepWarned: true}).ExtractString(in) {
			if err := intel.Validate(m.Kind, m.Value); err != nil {
				t.Errorf("%q: %s %q does not validate: %v", in, m.Kind, m.Value, err)
			}
		}
	}
}

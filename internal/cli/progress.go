package cli

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress shows a count on a terminal ("imported 120000 indicators") and
// nothing when stderr is a pipe or a file.
type progress struct {
	w          io.Writer // nil: silent
	verb, noun string
	n          int64
	last       time.Time
	shown      bool
}

// newProgress returns a progress line on w when w is a terminal.
func newProgress(w io.Writer, verb, noun string) *progress {
	p := &progress{verb: verb, noun: noun}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.w = w
		}
	}
	return p
}

// add counts n more and redraws at most ten times a second.
func (p *progress) add(n int) {
	p.n += int64(n)
	if p.w == nil || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r%s %d %s", p.verb, p.n, p.noun)
}

// done ends the line.
func (p *progress) done() {
	if p.w != nil && p.shown {
		fmt.Fprintf(p.w, "\r%s %d %s\n", p.verb, p.n, p.noun)
	}
}

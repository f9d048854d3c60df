// Package extract finds indicators of compromise in free text: posts,
// reports, pastes. It streams its input with memory bounded independently
// of the input size, refangs every defang style iocast knows, and drops
// values that warninglists say are not IoCs in practice.
//
// The extractor is precise by construction rather than by regular
// expression: the input is cut into tokens at white space and at characters
// that can never be part of an indicator (CJK text, emoji, quotes), only
// tokens that could hold an indicator are looked at further, and each
// candidate is refanged and validated by package intel before it is
// reported.
package extract

import (
	"bytes"
	"io"
	"sync"

	"github.com/iocast/iocast/intel"
)

// Match is one indicator found in a document. Its strings are immutable
// like any Go string, but short ones share memory: the extractor copies
// them into 8 KiB chunks, so a caller that keeps a few matches out of many
// keeps up to 8 KiB alive for each.
type Match struct {
	intel.Indicator
	// Start and End are the byte offsets of the indicator's text in the input
	// (End exclusive), including any defang brackets.
	Start, End int64
	// Raw is the indicator's text as it appeared in the input.
	Raw string
	// SourceDefanged is true when the input had the indicator defanged.
	SourceDefanged bool
	// Port is the port of a host:port indicator, 0 when none was given.
	Port int
	// Warnings names the warninglists that matched the indicator. Matches
	// with warnings are only returned when Options.KeepWarned is set.
	Warnings []string
}

// Options configures an Extractor. The zero value applies the built-in
// warninglists and drops what they match.
type Options struct {
	// KeepWarned returns matches that a warninglist matched, with Warnings set.
	KeepWarned bool
	// NoBuiltin disables the built-in warninglists.
	NoBuiltin bool
	// Warninglists are applied in addition to the built-in ones.
	Warninglists []*Warninglist
	// MaxDistinct bounds the memory used to report each indicator once per
	// document. Past that many distinct indicators, repeats of indicators
	// not yet remembered may be reported again. Zero means DefaultMaxDistinct.
	MaxDistinct int
}

// DefaultMaxDistinct is the default Options.MaxDistinct: at most 8 MiB of
// fingerprints.
const DefaultMaxDistinct = 1 << 19

const (
	// chunkSize is how much input is read at a time.
	chunkSize = 256 << 10
	// maxToken bounds a single token; longer runs of non-space bytes are
	// cut, so memory never depends on the input.
	maxToken = 32 << 10
)

// Extractor finds indicators in text. It is safe for concurrent use.
type Extractor struct {
	opts  Options
	lists []*Warninglist
	index *listIndex // over lists
	// refs indexes the built-in reference lists (social, sandbox, vendor
	// sites). It decides whether the hashes in a link are sample hashes,
	// so it ignores Options.NoBuiltin.
	refs *listIndex
}

// New returns an Extractor.
func New(opts Options) *Extractor {
	e := &Extractor{opts: opts}
	if !opts.NoBuiltin {
		e.lists = append(e.lists, Builtin()...)
	}
	e.lists = append(e.lists, opts.Warninglists...)
	e.index = newListIndex(e.lists)
	e.refs = builtinRefs()
	if e.opts.MaxDistinct <= 0 {
		e.opts.MaxDistinct = DefaultMaxDistinct
	}
	return e
}

// Extract streams r and calls fn for each distinct indicator, in input
// order. It stops at the first error fn returns, or the first read error.
func (e *Extractor) Extract(r io.Reader, fn func(Match) error) error {
	s := newScanner(e, fn)
	defer s.release()
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := (*bp)[:0]
	var base int64
	for eof := false; !eof; {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			eof = true
		case err != nil:
			return err
		case n == 0:
			continue
		}
		// Process every complete line as soon as it arrives, so that
		// "tail -f log | iocast extract" reports without waiting for a
		// full buffer; cut a full buffer without a newline at white space.
		cut := len(buf)
		if !eof {
			if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
				cut = i + 1
			} else if len(buf) == cap(buf) {
				cut = cutPoint(buf)
			} else {
				continue
			}
		}
		if err := s.segment(buf[:cut], base); err != nil {
			return err
		}
		base += int64(cut)
		buf = buf[:copy(buf, buf[cut:])]
	}
	return nil
}

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, chunkSize+maxToken)
	return &b
}}

// cutPoint returns where to cut a full buffer so that no token (and no
// joined "evil dot com" run) is split: after the last newline, else after
// the last white space, else everywhere (a token that long is cut).
func cutPoint(buf []byte) int {
	if i := bytes.LastIndexByte(buf, '\n'); i >= len(buf)/2 {
		return i + 1
	}
	for i := len(buf) - 1; i >= len(buf)-maxToken && i >= 0; i-- {
		if buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' {
			return i + 1
		}
	}
	return len(buf)
}

// ExtractBytes is Extract over a document already in memory; it does not
// copy it.
func (e *Extractor) ExtractBytes(doc []byte, fn func(Match) error) error {
	s := newScanner(e, fn)
	defer s.release()
	var base int64
	for len(doc) > 0 {
		cut := len(doc)
		if cut > chunkSize+maxToken {
			cut = cutPoint(doc[:chunkSize+maxToken])
		}
		if err := s.segment(doc[:cut], base); err != nil {
			return err
		}
		base += int64(cut)
		doc = doc[cut:]
	}
	return nil
}

// ExtractString is Extract over a string, collecting the matches.
func (e *Extractor) ExtractString(s string) []Match {
	var out []Match
	_ = e.ExtractBytes([]byte(s), func(m Match) error {
		out = append(out, m)
		return nil
	})
	return out
}

// names returns the names of the lists hits.
func (e *Extractor) names(hits []int) []string {
	if len(hits) == 0 {
		return nil
	}
	names := make([]string, len(hits))
	for i, h := range hits {
		names[i] = e.lists[h].Name
	}
	return names
}

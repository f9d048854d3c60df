//go:build ignore

// Command extract-ident dumps every match the extractor finds in a set of
// documents, in four modes (ExtractBytes / streamed Extract × KeepWarned),
// so that two builds can be compared byte for byte. docs/perf/extract-ident.sh
// builds it from two trees and compares them; it is not part of iocast.
package main

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/iocast/iocast/extract"
)

// chunkReader returns reads of pseudo-random sizes (1..max).
type chunkReader struct {
	b   []byte
	x   uint64
	max int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	r.x ^= r.x << 13
	r.x ^= r.x >> 7
	r.x ^= r.x << 17
	n := int(r.x%uint64(r.max)) + 1
	n = min(n, len(p), len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// fuzzInputs returns the string and []byte arguments of a fuzz corpus file.
func fuzzInputs(data []byte) [][]byte {
	var out [][]byte
	lines := strings.Split(string(data), "\n")
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		i := strings.IndexByte(l, '(')
		if i < 0 || !strings.HasSuffix(l, ")") {
			continue
		}
		arg := l[i+1 : len(l)-1]
		if s, err := strconv.Unquote(arg); err == nil {
			out = append(out, []byte(s))
		}
	}
	return out
}

// files yields each file in dir, in name order, with its content.
func files(dir string) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		names, _ := filepath.Glob(filepath.Join(dir, "*"))
		sort.Strings(names)
		for _, f := range names {
			data, err := os.ReadFile(f)
			if err != nil {
				panic(err)
			}
			if !yield(f, data) {
				return
			}
		}
	}
}

func main() {
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	type doc struct {
		name string
		b    []byte
	}
	var docs []doc
	for _, arg := range os.Args[1:] {
		// arg: a file, or "fuzz:DIR" for a directory of fuzz corpus files,
		// or "dir:DIR" for every file in DIR.
		switch {
		case strings.HasPrefix(arg, "fuzz:"):
			for f, data := range files(arg[5:]) {
				for k, in := range fuzzInputs(data) {
					docs = append(docs, doc{fmt.Sprintf("%s#%d", f, k), in})
				}
			}
		case strings.HasPrefix(arg, "dir:"):
			for f, data := range files(arg[4:]) {
				docs = append(docs, doc{f, data})
			}
		default:
			data, err := os.ReadFile(arg)
			if err != nil {
				panic(err)
			}
			docs = append(docs, doc{arg, data})
		}
	}
	exs := []*extract.Extractor{extract.New(extract.Options{}), extract.New(extract.Options{KeepWarned: true})}
	total := 0
	for _, d := range docs {
		for ki, e := range exs {
			for mode := 0; mode < 2; mode++ {
				fmt.Fprintf(w, "== %s keep=%d mode=%d\n", d.name, ki, mode)
				fn := func(m extract.Match) error {
					total++
					fmt.Fprintf(w, "%s|%q|%q|%d|%d|%q|%v|%d|%q|%q\n", m.Kind, m.Value, m.Display, m.Start, m.End, m.Raw, m.SourceDefanged, m.Port, m.Warnings, m.Defanged())
					return nil
				}
				var err error
				if mode == 0 {
					err = e.ExtractBytes(d.b, fn)
				} else {
					max := 1 << 16
					if len(d.b) < 4096 {
						max = 7
					}
					err = e.Extract(&chunkReader{b: d.b, x: 88172645463325252, max: max}, fn)
				}
				if err != nil {
					fmt.Fprintf(w, "ERR %v\n", err)
				}
			}
		}
	}
	fmt.Fprintf(os.Stderr, "%d docs, %d matches\n", len(docs), total)
}

package extract

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/iocast/iocast/internal/corpus"
)

// benchSize is the size of the generated benchmark corpus: 10 MiB of prose
// mixed with IoC lists in many defang styles, CJK and emoji
// (internal/corpus, seed 1).
const benchSize = 10 << 20

var (
	benchOnce sync.Once
	benchText []byte
)

func benchCorpus(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if err := corpus.Generate(&buf, benchSize, 1); err != nil {
			b.Fatal(err)
		}
		benchText = buf.Bytes()
	})
	return benchText
}

// BenchmarkExtract measures throughput over the generated corpus:
//
//	go test ./extract -run '^$' -bench Extract -cpu 1 -count 6
func BenchmarkExtract(b *testing.B) {
	text := benchCorpus(b)
	e := New(Options{})
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		err := e.Extract(bytes.NewReader(text), func(Match) error { n++; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "iocs/op")
}

// BenchmarkExtractProse measures the floor: plain prose without indicators.
func BenchmarkExtractProse(b *testing.B) {
	para := []byte("The actor sent spear-phishing e-mails to researchers and diplomats, then moved laterally with stolen credentials (see the timeline below). 攻撃者は標的型メールを送信し、認証情報を窃取した後に横展開を行いました。🚨\n")
	text := bytes.Repeat(para, benchSize/len(para))
	e := New(Options{})
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.Extract(bytes.NewReader(text), func(Match) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractStream reads the corpus generator directly, as a large
// stream would arrive (includes the generator's own cost).
func BenchmarkExtractStream(b *testing.B) {
	e := New(Options{})
	b.SetBytes(benchSize)
	for i := 0; i < b.N; i++ {
		if err := e.Extract(corpus.NewReader(benchSize, uint64(i)), func(Match) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	_ = io.Discard
}

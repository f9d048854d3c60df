package stix

import (
	"context"
	"fmt"
	"io"
	"iter"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/iocast/iocast/intel"
)

// generated yields n distinct records: IPv4 C2s with enrichment, domains,
// URLs and SHA-256 hashes, with 20 families and 1000 ASNs between them, as a
// store would stream them out.
func generated(n int) iter.Seq2[intel.Record, error] {
	families := make([][]string, 20)
	for i := range families {
		families[i] = []string{fmt.Sprintf("Family%02d", i)}
	}
	asns := make([]string, 1000)
	for i := range asns {
		asns[i] = fmt.Sprintf("AS%d", 1000+i)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(yield func(intel.Record, error) bool) {
		var buf []byte
		for i := range n {
			r := intel.Record{FirstSeen: base.Add(time.Duration(i) * time.Second), Sightings: 1, Families: families[i%20]}
			r.LastSeen = r.FirstSeen
			switch i % 4 {
			case 0:
				r.Kind = intel.KindIPv4
				buf = strconv.AppendInt(append(buf[:0], "11."...), int64(i>>16&0xff), 10)
				buf = strconv.AppendInt(append(buf, '.'), int64(i>>8&0xff), 10)
				buf = strconv.AppendInt(append(buf, '.'), int64(i&0xff), 10)
				r.Value = string(buf)
				r.Role = "c2"
				r.ASN = asns[i%len(asns)]
				r.ISP = "Hosting Co"
			case 1:
				r.Kind = intel.KindDomain
				r.Value = string(append(strconv.AppendInt(append(buf[:0], "c2-"...), int64(i), 10), ".example.com"...))
			case 2:
				r.Kind = intel.KindURL
				r.Value = string(append(strconv.AppendInt(append(buf[:0], "http://dl-"...), int64(i), 10), ".example.net/a.php"...))
			case 3:
				r.Kind = intel.KindSHA256
				buf = append(buf[:0], "0000000000000000000000000000000000000000000000000000000000000000"...)
				h := strconv.AppendInt(nil, int64(i), 16)
				copy(buf[64-len(h):], h)
				r.Value = string(buf)
				r.Role = "sample"
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// BenchmarkEncode streams 1M generated records into a bundle and reports
// records/s and bytes per record.
func BenchmarkEncode(b *testing.B) {
	const n = 1_000_000
	b.ReportAllocs()
	for b.Loop() {
		cw := &countWriter{}
		if _, err := Encode(context.Background(), cw, Options{Now: time.Unix(0, 0)}, generated(n)); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n)/n, "bytes/record")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// TestEncodeMemoryFlat checks that exporting 1M records keeps no more live
// heap than exporting 100k: the Encoder's memory does not grow with the
// size of the export.
func TestEncodeMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("exports 1.1M records")
	}
	heapAfter := func(n int) uint64 {
		e := NewEncoder(io.Discard, Options{Now: time.Unix(0, 0)})
		var peak uint64
		var ms runtime.MemStats
		i := 0
		for r := range generated(n) {
			if err := e.Write(&r); err != nil {
				t.Fatal(err)
			}
			if i++; i%(n/4) == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(e)
		return peak
	}
	small, large := heapAfter(100_000), heapAfter(1_000_000)
	t.Logf("live heap: %d KiB after 100k records, %d KiB after 1M", small>>10, large>>10)
	if large > small+2<<20 {
		t.Errorf("live heap grew from %d KiB (100k records) to %d KiB (1M records)", small>>10, large>>10)
	}
}

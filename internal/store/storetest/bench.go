package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// Generate returns n distinct canonical records: a quarter each of IPv4
// addresses, domains, URLs and SHA-256 hashes, with a few families, seen
// over a year. The same n gives the same records.
func Generate(n int) []intel.Record {
	out := make([]intel.Record, n)
	families := []string{"LODEINFO", "PlugX", "Emotet", "QakBot", "HUI Loader"}
	for i := range out {
		var r intel.Record
		switch i % 4 {
		case 0:
			r.Kind, r.Value = intel.KindIPv4, fmt.Sprintf("%d.%d.%d.%d", 11+i>>26&63, i>>18&255, i>>10&255, i>>2&255)
		case 1:
			r.Kind, r.Value = intel.KindDomain, fmt.Sprintf("h%x.c%d.example.com", i, i%1000)
		case 2:
			r.Kind, r.Value = intel.KindURL, fmt.Sprintf("http://h%x.example.net/gate.php?id=%d", i, i)
		default:
			h := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)})
			r.Kind, r.Value = intel.KindSHA256, hex.EncodeToString(h[:])
		}
		r.FirstSeen = t0.Add(time.Duration(i%365) * 24 * time.Hour)
		r.LastSeen = r.FirstSeen.Add(time.Duration(i%30) * time.Hour)
		r.Families = []string{families[i%len(families)]}
		r.Role = []string{store.RoleC2, store.RoleSample, ""}[i%3]
		out[i] = r
	}
	return out
}

// Import writes recs into s in one transaction, from source "bench".
func Import(ctx context.Context, s store.Store, recs []intel.Record) error {
	return importFrom(ctx, s, recs, "bench")
}

func importFrom(ctx context.Context, s store.Store, recs []intel.Record, source string) error {
	src := store.Source{Name: source}
	return s.Update(ctx, func(w store.Writer) error {
		for _, r := range recs {
			if err := w.AddRecord(ctx, r, src); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchImport measures importing n generated records into an empty store,
// reporting indicators/s.
func BenchImport(b *testing.B, open func(b *testing.B) store.Store, n int) {
	benchImport(b, open, nil, Generate(n), "bench")
}

// BenchReimport measures importing n generated records again, with
// other sources and later times, into a store that holds them: every
// record merges with a stored one. It reports indicators/s.
func BenchReimport(b *testing.B, open func(b *testing.B) store.Store, n int) {
	recs := Generate(n)
	again := make([]intel.Record, n)
	for i, r := range recs {
		r.LastSeen = r.LastSeen.Add(time.Hour)
		r.Families = append(r.Families, "Again")
		again[i] = r
	}
	benchImport(b, open, recs, again, "again")
}

// BenchReimportSame measures importing the same n generated records, from
// the same source, into a store that holds them: nothing changes.
func BenchReimportSame(b *testing.B, open func(b *testing.B) store.Store, n int) {
	recs := Generate(n)
	benchImport(b, open, recs, recs, "bench")
}

// benchImport measures importing recs from source into a new store that
// holds stored (untimed), reporting indicators/s.
func benchImport(b *testing.B, open func(b *testing.B) store.Store, stored, recs []intel.Record, source string) {
	ctx := context.Background()
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		b.StopTimer()
		s := open(b)
		if len(stored) > 0 {
			if err := Import(ctx, s, stored); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		if err := importFrom(ctx, s, recs, source); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(recs)*b.N)/total.Seconds(), "indicators/s")
}

// BenchLookup measures Search by exact value in a store of n generated
// records (s, filled by the caller with Generate(n)), and reports the 50th,
// 99th and 99.9th percentile latency.
func BenchLookup(b *testing.B, s store.Store, n int) {
	recs := Generate(n)
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		r := recs[rng.IntN(n)]
		start := time.Now()
		got, err := s.Search(context.Background(), r.Value)
		lat = append(lat, time.Since(start))
		if err != nil || len(got) == 0 {
			b.Fatalf("Search(%q) = %v, %v", r.Value, got, err)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(pct(0.999), "p99.9-µs")
}

// BenchExport streams every indicator of s (holding n) and reports
// indicators/s and the peak heap in use while streaming, which stays flat
// whatever n is.
func BenchExport(b *testing.B, s store.Store, n int) {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	runtime.GC()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		got := 0
		if err := s.Indicators(context.Background(), store.Filter{}, func(intel.Record) error { got++; return nil }); err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("exported %d indicators, want %d", got, n)
		}
	}
	el := time.Since(start)
	b.StopTimer()
	close(done)
	b.ReportMetric(float64(n*b.N)/el.Seconds(), "indicators/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

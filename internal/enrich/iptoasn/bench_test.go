package iptoasn

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
)

// benchRows is the size of the generated data set: more networks than the
// real ip2asn-v4.tsv (about 500k routed ranges).
const benchRows = 600_000

// genTSV returns a sorted ip2asn-v4.tsv-like file of n routed ranges over
// 20k AS numbers, with a "Not routed" gap row between some of them, and
// the start of every routed range.
func genTSV(n int) ([]byte, []uint32) {
	r := rand.New(rand.NewPCG(1, 2))
	var buf bytes.Buffer
	starts := make([]uint32, 0, n)
	countries := []string{"US", "JP", "DE", "CN", "NL", "FR", "GB", "BR", "None"}
	a := uint32(1 << 24)
	for len(starts) < n {
		size := uint32(256) << r.IntN(6) // /24 to /19
		if r.IntN(4) == 0 {
			fmt.Fprintf(&buf, "%s\t%s\t0\tNone\tNot routed\n", ip4(a), ip4(a+size-1))
			a += size
			continue
		}
		asn := 1 + r.IntN(20_000)
		fmt.Fprintf(&buf, "%s\t%s\t%d\t%s\tAS%d-NET Example Networks %d, Inc.\n", ip4(a), ip4(a+size-1), asn, countries[asn%len(countries)], asn, asn)
		starts = append(starts, a)
		a += size
	}
	return buf.Bytes(), starts
}

func ip4(a uint32) string { return fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&255, a>>8&255, a&255) }

// BenchmarkLoad measures loading a 600k-row file; rows/s and bytes/row (the
// heap the table keeps, per row) are reported.
func BenchmarkLoad(b *testing.B) {
	data, _ := genTSV(benchRows)
	perRow := heapPerRow(b, data)
	b.SetBytes(int64(len(data)))
	runtime.GC()
	b.ResetTimer()
	var tab *Table
	for b.Loop() {
		var err error
		tab, err = Parse(bytes.NewReader(data), "gen.tsv", Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(tab.Info().Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(perRow, "bytes/row")
}

// heapPerRow returns the heap a loaded table keeps, divided by its rows.
func heapPerRow(b *testing.B, data []byte) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tab, err := Parse(bytes.NewReader(data), "gen.tsv", Options{})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	rows := tab.Info().Rows
	runtime.KeepAlive(tab)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(rows)
}

// BenchmarkLookup measures one lookup of a random address, in a table of
// 600k ranges, of which three in four are found.
func BenchmarkLookup(b *testing.B) {
	data, starts := genTSV(benchRows)
	tab, err := Parse(bytes.NewReader(data), "gen.tsv", Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	addrs := make([]netip.Addr, 1<<16)
	for i := range addrs {
		a := starts[r.IntN(len(starts))] + uint32(r.IntN(512))
		addrs[i] = netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
	}
	ctx := context.Background()
	runtime.GC() // collect the generated text before timing
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		if _, err := tab.Lookup(ctx, addrs[i&(len(addrs)-1)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "lookups/cpu-s")
	}
}

package mmdb

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/iocast/iocast/internal/enrich/mmdb/mmdbtest"
)

// benchDir keeps the generated database and addresses, for the comparison
// with mmdblookup in docs/PERFORMANCE.md:
//
//	go test ./internal/enrich/mmdb -run XXX -bench Lookup -benchdir /tmp/iocast-bench
var benchDir = flag.String("benchdir", "", "write bench.mmdb and addrs.txt (the benchmark's inputs) to `DIR`")

// benchNetworks is the size of the generated database: about the size of
// GeoLite2 ASN (~500k networks).
const benchNetworks = 600_000

// genDB writes a GeoLite2 ASN-like database of n IPv4 networks (/24 to
// /19) over 20k AS numbers, and returns it with 64k addresses, three in
// four inside a network.
func genDB(b *testing.B, n int) (string, []netip.Addr) {
	dir := *benchDir
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, "bench.mmdb")
	r := rand.New(rand.NewPCG(1, 2))
	nets := make([]mmdbtest.Network, 0, n)
	var starts []uint32
	a := uint32(1 << 24)
	for len(nets) < n {
		bits := 24 - r.IntN(6)
		size := uint32(1) << (32 - bits)
		if r.IntN(4) == 0 {
			a += size // a gap
			continue
		}
		asn := 1 + r.IntN(20_000)
		nets = append(nets, mmdbtest.Network{
			CIDR:   fmt.Sprintf("%s/%d", ip4(a), bits),
			Record: mmdbtest.ASN(uint32(asn), fmt.Sprintf("Example Networks %d, Inc.", asn)),
		})
		starts = append(starts, a)
		a += size
	}
	if err := mmdbtest.WriteFile(path, "GeoLite2-ASN", 1767312000, nets); err != nil {
		b.Fatal(err)
	}
	addrs := make([]netip.Addr, 1<<16)
	for i := range addrs {
		x := starts[r.IntN(len(starts))] + uint32(r.IntN(512))
		addrs[i] = netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
	}
	if *benchDir != "" {
		f, err := os.Create(filepath.Join(dir, "addrs.txt"))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for _, a := range addrs {
			fmt.Fprintln(w, a)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	return path, addrs
}

func ip4(a uint32) string { return fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&255, a>>8&255, a&255) }

// BenchmarkLookup measures one lookup of a random address (Lookup through
// to intel.Enrichment) in a database of 600k networks.
func BenchmarkLookup(b *testing.B) {
	path, addrs := genDB(b, benchNetworks)
	r, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	runtime.GC() // collect the writer's tree before timing
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		if _, err := r.Lookup(ctx, addrs[i&(len(addrs)-1)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "lookups/cpu-s")
	}
}

package iptoasn

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input panics Parse, and that every table it
// accepts is sorted, free of overlaps, and finds each of its ranges.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"ip2asn-v4.tsv", "ip2asn-v6.tsv", "malformed.tsv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("16777216\t16777471\t13335\tUS\tCLOUDFLARENET\n"))
	f.Add([]byte("::\t::ffff\t1\tus\t\r\n"))
	f.Add([]byte("\x1f\x8b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Parse(strings.NewReader(string(data)), "fuzz.tsv", Options{MaxRejected: 50, MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		for i := range tab.v4start {
			if tab.v4end[i] < tab.v4start[i] || i > 0 && tab.v4start[i] <= tab.v4end[i-1] {
				t.Fatalf("v4 row %d out of order", i)
			}
			var b [4]byte
			for _, a := range []uint32{tab.v4start[i], tab.v4end[i]} {
				b[0], b[1], b[2], b[3] = byte(a>>24), byte(a>>16), byte(a>>8), byte(a)
				if got, ok := tab.find(netip.AddrFrom4(b)); !ok || got != tab.v4info[i] {
					t.Fatalf("v4 row %d not found at %v", i, netip.AddrFrom4(b))
				}
			}
		}
		for i := range tab.v6start {
			if tab.v6end[i].less(tab.v6start[i]) || i > 0 && !tab.v6end[i-1].less(tab.v6start[i]) {
				t.Fatalf("v6 row %d out of order", i)
			}
		}
		for _, in := range tab.infos {
			if in.asn == "" || in.asn == "AS0" || len(in.country) != 0 && len(in.country) != 2 {
				t.Fatalf("bad info %+v", in)
			}
		}
		_, _ = tab.Lookup(context.Background(), netip.MustParseAddr("1.2.3.4"))
		_ = tab.Info()
	})
}

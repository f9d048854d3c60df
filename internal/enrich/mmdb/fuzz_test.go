package mmdb

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/iocast/iocast/internal/enrich/mmdb/mmdbtest"
)

// FuzzOpen checks that no database, however corrupt, panics opening,
// looking up (the IPv4 walker reads the search tree itself) or measuring
// coverage, and that the walker agrees with the library.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	for i, dbType := range []string{"GeoLite2-ASN", "ipinfo lite.mmdb"} {
		p := filepath.Join(dir, dbType+".mmdb")
		nets := []mmdbtest.Network{
			{CIDR: "172.104.0.0/15", Record: mmdbtest.ASN(63949, "Linode, LLC")},
			{CIDR: "45.77.0.0/16", Record: mmdbtest.IPinfoLite("AS20473", "The Constant Company, LLC", "JP", "Japan")},
			{CIDR: "2400:8900::/29", Record: mmdbtest.Country("JP")},
		}
		if err := mmdbtest.WriteFile(p, dbType, int64(i), nets); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	demo, err := os.ReadFile(demoPath)
	if err == nil {
		f.Add(demo)
	}
	ips := []netip.Addr{
		netip.MustParseAddr("172.104.72.4"), netip.MustParseAddr("45.77.28.124"), netip.MustParseAddr("0.0.0.0"),
		netip.MustParseAddr("255.255.255.255"), netip.MustParseAddr("2400:8901::1"), netip.MustParseAddr("::"),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := openBytes("fuzz.mmdb", data)
		if err != nil {
			return
		}
		defer r.Close()
		for _, ip := range ips {
			_, _ = r.Lookup(context.Background(), ip)
			if r.v4 == nil || !ip.Is4() {
				continue
			}
			b := ip.As4()
			off, found, ok := r.v4.lookup(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
			res := r.db.Lookup(ip)
			if !ok || res.Err() != nil {
				continue
			}
			if found != res.Found() || found && uintptr(off) != res.Offset() {
				t.Fatalf("%v: walker says %d %v, library %d %v", ip, off, found, res.Offset(), res.Found())
			}
		}
		_ = r.Info()
		_, _ = r.Coverage(context.Background())
	})
}

package mmdb

import (
	"context"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/enrich/mmdb/mmdbtest"
)

var update = flag.Bool("update", false, "rewrite examples/ipdb/demo.mmdb")

// demoPath is the small demo database the README's examples use.
var demoPath = filepath.Join("..", "..", "..", "examples", "ipdb", "demo.mmdb")

// demoNetworks are a few public ranges of the seed post's C2s and some
// well-known services, in one flat record layout (IPinfo Lite's fields).
// They illustrate; they are not authoritative registry data.
var demoNetworks = []mmdbtest.Network{
	{CIDR: "172.104.0.0/15", Record: mmdbtest.IPinfoLite("AS63949", "Linode, LLC", "JP", "Japan")},
	{CIDR: "172.105.0.0/16", Record: mmdbtest.IPinfoLite("AS63949", "Linode, LLC", "JP", "Japan")},
	{CIDR: "139.162.0.0/16", Record: mmdbtest.IPinfoLite("AS63949", "Linode, LLC", "JP", "Japan")},
	{CIDR: "45.77.0.0/16", Record: mmdbtest.IPinfoLite("AS20473", "The Constant Company, LLC", "JP", "Japan")},
	{CIDR: "1.1.1.0/24", Record: mmdbtest.IPinfoLite("AS13335", "Cloudflare, Inc.", "US", "United States")},
	{CIDR: "8.8.8.0/24", Record: mmdbtest.IPinfoLite("AS15169", "Google LLC", "US", "United States")},
	{CIDR: "2400:8900::/29", Record: mmdbtest.IPinfoLite("AS63949", "Linode, LLC", "JP", "Japan")},
}

// TestDemoDatabase checks examples/ipdb/demo.mmdb, and writes it with -update:
//
//	go test ./internal/enrich/mmdb -run TestDemoDatabase -update
func TestDemoDatabase(t *testing.T) {
	if *update {
		if err := mmdbtest.WriteFile(demoPath, "iocast-demo", 1767312000, demoNetworks); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(demoPath); err != nil {
		t.Fatalf("%v (write it with -update)", err)
	}
	r, err := Open(demoPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		ip   string
		want intel.Enrichment
	}{
		{"172.104.72.4", intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{"172.105.223.216", intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{"45.77.28.124", intel.Enrichment{ASN: "AS20473", ISP: "The Constant Company, LLC", Country: "JP"}},
		{"2400:8901::1", intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{"192.0.2.1", intel.Enrichment{}},
	}
	for _, tt := range tests {
		got, err := r.Lookup(context.Background(), netip.MustParseAddr(tt.ip))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%s) (-want +got):\n%s", tt.ip, diff)
		}
	}
	if l := r.Info().Layout; l.Name != "iocast demo" || l.Fields != FieldASN|FieldOrg|FieldCountry {
		t.Errorf("layout = %+v", l)
	}
}

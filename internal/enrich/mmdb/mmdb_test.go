package mmdb

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/enrich/mmdb/mmdbtest"
)

func open(t *testing.T, dbType string, nets []mmdbtest.Network) *Reader {
	t.Helper()
	p := filepath.Join(t.TempDir(), "db.mmdb")
	mmdbtest.Write(t, p, dbType, nets)
	r, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestLayouts(t *testing.T) {
	linode := []mmdbtest.Network{{CIDR: "172.104.0.0/15", Record: mmdbtest.ASN(63949, "Linode, LLC")}}
	tests := []struct {
		name   string
		dbType string
		nets   []mmdbtest.Network
		ip     string
		want   intel.Enrichment
		layout Layout
	}{
		{
			name: "GeoLite2 ASN", dbType: "GeoLite2-ASN", nets: linode, ip: "172.104.72.4",
			want:   intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC"},
			layout: Layout{Name: "GeoLite2 ASN", Fields: FieldASN | FieldOrg},
		},
		{
			name: "DB-IP Lite ASN", dbType: "DBIP-ASN-Lite (compat=GeoLite2-ASN)", nets: linode, ip: "172.105.223.216",
			want:   intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC"},
			layout: Layout{Name: "DB-IP Lite ASN", Fields: FieldASN | FieldOrg},
		},
		{
			name: "GeoLite2 Country", dbType: "GeoLite2-Country", ip: "45.77.28.124",
			nets:   []mmdbtest.Network{{CIDR: "45.77.0.0/16", Record: mmdbtest.Country("JP")}},
			want:   intel.Enrichment{Country: "JP"},
			layout: Layout{Name: "GeoLite2 Country", Fields: FieldCountry},
		},
		{
			name: "GeoLite2 City", dbType: "GeoLite2-City", ip: "45.77.28.124",
			nets:   []mmdbtest.Network{{CIDR: "45.77.0.0/16", Record: withCity(mmdbtest.Country("JP"))}},
			want:   intel.Enrichment{Country: "JP"},
			layout: Layout{Name: "GeoLite2 City", Fields: FieldCountry},
		},
		{
			name: "DB-IP Lite Country", dbType: "DBIP-Country-Lite", ip: "2001:db8::1",
			nets:   []mmdbtest.Network{{CIDR: "2001:db8::/32", Record: mmdbtest.Country("de")}},
			want:   intel.Enrichment{Country: "DE"},
			layout: Layout{Name: "DB-IP Lite Country", Fields: FieldCountry},
		},
		{
			name: "registered country when country is absent", dbType: "GeoLite2-Country", ip: "198.51.100.7",
			nets: []mmdbtest.Network{{CIDR: "198.51.100.0/24", Record: mmdbtype.Map{
				"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("NL")},
			}}},
			want:   intel.Enrichment{Country: "NL"},
			layout: Layout{Name: "GeoLite2 Country", Fields: FieldCountry},
		},
		{
			name: "IPinfo Lite", dbType: "ipinfo lite.mmdb", ip: "172.104.72.4",
			nets:   []mmdbtest.Network{{CIDR: "172.104.0.0/15", Record: mmdbtest.IPinfoLite("AS63949", "Akamai Connected Cloud", "JP", "Japan")}},
			want:   intel.Enrichment{ASN: "AS63949", ISP: "Akamai Connected Cloud", Country: "JP"},
			layout: Layout{Name: "IPinfo Lite", Fields: FieldASN | FieldOrg | FieldCountry},
		},
		{
			name: "IPinfo country_asn: country is the code", dbType: "ipinfo country_asn.mmdb", ip: "1.1.1.1",
			nets: []mmdbtest.Network{{CIDR: "1.1.1.0/24", Record: mmdbtype.Map{
				"asn": mmdbtype.String("AS13335"), "as_name": mmdbtype.String("Cloudflare, Inc."),
				"country": mmdbtype.String("US"), "country_name": mmdbtype.String("United States"),
			}}},
			want:   intel.Enrichment{ASN: "AS13335", ISP: "Cloudflare, Inc.", Country: "US"},
			layout: Layout{Name: "IPinfo Country ASN", Fields: FieldASN | FieldOrg | FieldCountry},
		},
		{
			name: "unknown vendor, numeric asn, ZZ country dropped", dbType: "acme-ip", ip: "192.0.2.1",
			nets: []mmdbtest.Network{{CIDR: "192.0.2.0/24", Record: mmdbtype.Map{
				"asn": mmdbtype.Uint32(64496), "country_code": mmdbtype.String("ZZ"),
			}}},
			want:   intel.Enrichment{ASN: "AS64496"},
			layout: Layout{Name: "unknown", Fields: FieldASN},
		},
		{
			name: "control characters in a name are dropped", dbType: "GeoLite2-ASN", ip: "192.0.2.1",
			nets:   []mmdbtest.Network{{CIDR: "192.0.2.0/24", Record: mmdbtest.ASN(64496, "EVIL\x1b[31m")}},
			want:   intel.Enrichment{ASN: "AS64496"},
			layout: Layout{Name: "GeoLite2 ASN", Fields: FieldASN},
		},
		{
			name: "not covered", dbType: "GeoLite2-ASN", nets: linode, ip: "8.8.8.8",
			layout: Layout{Name: "GeoLite2 ASN", Fields: FieldASN | FieldOrg},
		},
		{
			name: "IPv4-mapped address", dbType: "GeoLite2-ASN", nets: linode, ip: "::ffff:172.104.72.4",
			want:   intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC"},
			layout: Layout{Name: "GeoLite2 ASN", Fields: FieldASN | FieldOrg},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := open(t, tt.dbType, tt.nets)
			for range 2 { // the second lookup is answered from the cache
				got, err := r.Lookup(context.Background(), netip.MustParseAddr(tt.ip))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Lookup(%s) (-want +got):\n%s", tt.ip, diff)
				}
			}
			if diff := cmp.Diff(tt.layout, r.Info().Layout); diff != "" {
				t.Errorf("layout (-want +got):\n%s", diff)
			}
		})
	}
}

func withCity(m mmdbtype.Map) mmdbtype.Map {
	m["city"] = mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String("Tokyo")}}
	m["location"] = mmdbtype.Map{"latitude": mmdbtype.Float64(35.6), "longitude": mmdbtype.Float64(139.7)}
	return m
}

func TestInfoAndCoverage(t *testing.T) {
	r := open(t, "GeoLite2-ASN", []mmdbtest.Network{
		{CIDR: "172.104.0.0/15", Record: mmdbtest.ASN(63949, "Linode, LLC")},
		{CIDR: "45.77.0.0/16", Record: mmdbtest.ASN(20473, "The Constant Company, LLC")},
		{CIDR: "2400:8900::/29", Record: mmdbtest.ASN(63949, "Linode, LLC")},
	})
	in := r.Info()
	if in.DatabaseType != "GeoLite2-ASN" || !in.Built.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) || in.IPVersion != 6 {
		t.Errorf("Info = %+v", in)
	}
	c, err := r.Coverage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Coverage{Networks: 3, V4Addresses: 1<<17 + 1<<16, V6Networks: 1}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Coverage (-want +got):\n%s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "not.mmdb")
	os.WriteFile(notDB, []byte("hello, this is not a database"), 0o600)
	noFields := filepath.Join(dir, "nofields.mmdb")
	mmdbtest.Write(t, noFields, "GeoLite2-Anonymous-IP", []mmdbtest.Network{
		{CIDR: "192.0.2.0/24", Record: mmdbtype.Map{"is_anonymous": mmdbtype.Bool(true)}},
	})
	big := filepath.Join(dir, "big.mmdb")
	mmdbtest.Write(t, big, "GeoLite2-ASN", []mmdbtest.Network{{CIDR: "192.0.2.0/24", Record: mmdbtest.ASN(1, "x")}})
	tests := []struct {
		name string
		path string
		opts Options
		want string
		is   error
	}{
		{"missing", filepath.Join(dir, "missing.mmdb"), Options{}, "no such file", os.ErrNotExist},
		{"not a database", notDB, Options{}, "not.mmdb", nil},
		{"no usable field", noFields, Options{}, `database type "GeoLite2-Anonymous-IP" holds no AS or country field`, intel.ErrInvalid},
		{"too large", big, Options{MaxSize: 100}, "more than the 100 allowed", intel.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.path, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open error = %v; want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Open error = %v; want errors.Is %v", err, tt.is)
			}
		})
	}
}

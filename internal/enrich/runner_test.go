package enrich_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/enrich"
	"github.com/iocast/iocast/internal/enrich/enrichtest"
)

var (
	linodeIP = netip.MustParseAddr("172.104.72.4")
	vultrIP  = netip.MustParseAddr("45.77.28.124")
	docIP    = netip.MustParseAddr("192.0.2.1")
)

func asnDB() *enrichtest.Source {
	return &enrichtest.Source{SourceName: "asn", Data: map[netip.Addr]intel.Enrichment{
		linodeIP: {ASN: "AS63949", ISP: "LINODE-AP Linode, LLC"},
		vultrIP:  {ASN: "AS20473", ISP: "The Constant Company, LLC"},
	}}
}

func countryDB() *enrichtest.Source {
	return &enrichtest.Source{SourceName: "country", Data: map[netip.Addr]intel.Enrichment{
		linodeIP: {Country: "JP"},
		vultrIP:  {Country: "JP"},
		docIP:    {Country: "US"},
	}}
}

func TestLookupAll(t *testing.T) {
	tests := []struct {
		name string
		cfg  enrich.Config
		ips  []netip.Addr
		want []intel.Enrichment
	}{
		{
			name: "no source",
			ips:  []netip.Addr{linodeIP},
			want: []intel.Enrichment{{}},
		},
		{
			name: "AS from one file, country from another; handle stripped",
			cfg:  enrich.Config{Offline: []enrich.Source{asnDB(), countryDB()}},
			ips:  []netip.Addr{linodeIP, vultrIP},
			want: []intel.Enrichment{
				{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"},
				{ASN: "AS20473", ISP: "The Constant Company, LLC", Country: "JP"},
			},
		},
		{
			name: "names map shortens",
			cfg: enrich.Config{Offline: []enrich.Source{asnDB()}, Names: map[string]string{
				"the constant company, llc": "Vultr",
				"LINODE-AP Linode, LLC":     "Linode",
			}},
			ips:  []netip.Addr{vultrIP, linodeIP},
			want: []intel.Enrichment{{ASN: "AS20473", ISP: "Vultr"}, {ASN: "AS63949", ISP: "Linode"}},
		},
		{
			name: "first source wins per field; no ISP of another AS",
			cfg: enrich.Config{Offline: []enrich.Source{
				&enrichtest.Source{Data: map[netip.Addr]intel.Enrichment{linodeIP: {ASN: "AS63949"}}},
				&enrichtest.Source{Data: map[netip.Addr]intel.Enrichment{linodeIP: {ASN: "AS1", ISP: "Other", Country: "US"}}},
				&enrichtest.Source{Data: map[netip.Addr]intel.Enrichment{linodeIP: {ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}}},
			}},
			ips:  []netip.Addr{linodeIP},
			want: []intel.Enrichment{{ASN: "AS63949", ISP: "Linode, LLC", Country: "US"}},
		},
		{
			name: "duplicates and mapped addresses",
			cfg:  enrich.Config{Offline: []enrich.Source{asnDB()}},
			ips:  []netip.Addr{linodeIP, netip.MustParseAddr("::ffff:172.104.72.4"), linodeIP},
			want: []intel.Enrichment{
				{ASN: "AS63949", ISP: "Linode, LLC"}, {ASN: "AS63949", ISP: "Linode, LLC"}, {ASN: "AS63949", ISP: "Linode, LLC"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := enrich.New(tt.cfg).LookupAll(context.Background(), tt.ips)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCacheAndBatching(t *testing.T) {
	db := asnDB()
	r := enrich.New(enrich.Config{Offline: []enrich.Source{db}})
	ctx := context.Background()
	for range 3 {
		if _, err := r.LookupAll(ctx, []netip.Addr{linodeIP, linodeIP, vultrIP}); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]netip.Addr{linodeIP, vultrIP}, db.Calls(), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("source asked (-want +got):\n%s", diff)
	}
}

func TestOnline(t *testing.T) {
	online := &enrichtest.Source{SourceName: "cymru", Data: map[netip.Addr]intel.Enrichment{
		linodeIP: {ASN: "AS63949", ISP: "LINODE-AP Linode, LLC", Country: "JP"},
		docIP:    {ASN: "AS64496", ISP: "DOC"},
	}}
	r := enrich.New(enrich.Config{Offline: []enrich.Source{countryDB()}, Online: []enrich.Source{online}})
	got, err := r.LookupAll(context.Background(), []netip.Addr{linodeIP, docIP})
	if err != nil {
		t.Fatal(err)
	}
	want := []intel.Enrichment{{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}, {Country: "US"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if calls := online.Calls(); len(calls) != 1 || calls[0] != linodeIP {
		t.Errorf("online source asked %v; want only %v (never a documentation address)", calls, linodeIP)
	}
}

func TestNetworkUnavailable(t *testing.T) {
	down := &enrichtest.Source{SourceName: "cymru", Err: &net.OpError{Op: "dial", Net: "udp", Err: errors.New("network is unreachable")}}
	var mu sync.Mutex
	var warnings []string
	r := enrich.New(enrich.Config{
		Offline: []enrich.Source{asnDB()},
		Online:  []enrich.Source{down},
		Warn:    func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() },
	})
	got, err := r.LookupAll(context.Background(), []netip.Addr{linodeIP, vultrIP})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ASN != "AS63949" || got[1].ASN != "AS20473" {
		t.Errorf("offline results lost: %+v", got)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "cymru: network unavailable (dial udp: network is unreachable); continuing without it") {
		t.Errorf("warnings = %q", warnings)
	}
	if n := len(down.Calls()); n > 2 {
		t.Errorf("unavailable source asked %d times", n)
	}
	// A later batch does not ask it again.
	before := len(down.Calls())
	r.LookupAll(context.Background(), []netip.Addr{netip.MustParseAddr("8.8.8.8")})
	if len(down.Calls()) != before {
		t.Errorf("disabled source asked again")
	}
}

func TestOfflineError(t *testing.T) {
	r := enrich.New(enrich.Config{Offline: []enrich.Source{&enrichtest.Source{SourceName: "mmdb", Err: errors.New("corrupt")}}})
	_, err := r.Lookup(context.Background(), linodeIP)
	if err == nil || err.Error() != "enrich: mmdb: corrupt" {
		t.Errorf("error = %v", err)
	}
}

func TestDisplayName(t *testing.T) {
	r := enrich.New(enrich.Config{Names: map[string]string{"Linode, LLC": "Linode"}})
	tests := []struct{ in, want string }{
		{"LINODE-AP Linode, LLC", "Linode"},
		{"DIGITALOCEAN-ASN DigitalOcean, LLC", "DigitalOcean, LLC"},
		{"AMAZON-02 Amazon.com, Inc.", "Amazon.com, Inc."},
		{"CLOUDFLARENET", "CLOUDFLARENET"},
		{"CHINANET-BACKBONE No.31,Jin-rong Street", "CHINANET-BACKBONE No.31,Jin-rong Street"},
		{"OVH OVH SAS", "OVH OVH SAS"},
		{"The Constant Company, LLC", "The Constant Company, LLC"},
		{"  spaced   out  ", "spaced out"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := r.DisplayName(tt.in); got != tt.want {
			t.Errorf("DisplayName(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

package enrich_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/enrich"
	"github.com/iocast/iocast/internal/enrich/enrichtest"
)

// fakeResolver answers from a map and records the names asked.
type fakeResolver struct {
	data  map[string][]netip.Addr
	asked []string
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.asked = append(f.asked, host)
	if a, ok := f.data[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

func TestEnrichSighting(t *testing.T) {
	v6 := netip.MustParseAddr("2400:8901::1")
	db := &enrichtest.Source{Data: map[netip.Addr]intel.Enrichment{
		linodeIP: {ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"},
		vultrIP:  {ASN: "AS20473", ISP: "The Constant Company, LLC", Country: "JP"},
		v6:       {ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"},
	}}
	in := []intel.Endpoint{
		{Value: "http://172.104.72.4/"},
		{Value: "45.77.28.124", Port: 443},
		{Value: "https://[2400:8901::1]:8443/x"},
		{Value: "evil.example.com"},
		{Value: "https://evil.example.com/gate.php"},
		{Value: "172.104.72.4", Enrichment: intel.Enrichment{ASN: "AS1", Country: "US"}},
		{Value: "45.77.28.124", Enrichment: intel.Enrichment{ISP: "Vultr"}},
		{Value: "45.77.28.124:8080"},
		{Value: "hxxp[:]//172.104.72[.]4/"},
	}
	want := []intel.Endpoint{
		{Value: "http://172.104.72.4/", Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{Value: "45.77.28.124", Port: 443, Enrichment: intel.Enrichment{ASN: "AS20473", ISP: "Vultr", Country: "JP"}},
		{Value: "https://[2400:8901::1]:8443/x", Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{Value: "evil.example.com"},
		{Value: "https://evil.example.com/gate.php"},
		// The sighting's AS wins, and another AS's name is not put beside it.
		{Value: "172.104.72.4", Enrichment: intel.Enrichment{ASN: "AS1", Country: "US"}},
		{Value: "45.77.28.124", Enrichment: intel.Enrichment{ASN: "AS20473", ISP: "Vultr", Country: "JP"}},
		{Value: "45.77.28.124:8080", Enrichment: intel.Enrichment{ASN: "AS20473", ISP: "Vultr", Country: "JP"}},
		{Value: "hxxp[:]//172.104.72[.]4/", Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
	}
	res := &fakeResolver{data: map[string][]netip.Addr{"evil.example.com": {vultrIP}}}
	s := &intel.Sighting{C2: append([]intel.Endpoint(nil), in...)}
	r := enrich.New(enrich.Config{Offline: []enrich.Source{db}, Resolver: res, Names: map[string]string{"The Constant Company, LLC": "Vultr"}})
	if err := r.EnrichSighting(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, s.C2); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.asked) != 0 {
		t.Errorf("resolved %v without Resolve", res.asked)
	}

	t.Run("resolve", func(t *testing.T) {
		var warnings []string
		s := &intel.Sighting{C2: []intel.Endpoint{{Value: "https://evil.example.com/gate.php"}, {Value: "gone.example.net"}}}
		r := enrich.New(enrich.Config{Offline: []enrich.Source{db}, Resolve: true, Resolver: res, Warn: func(m string) { warnings = append(warnings, m) }})
		if err := r.EnrichSighting(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		want := []intel.Endpoint{
			{Value: "https://evil.example.com/gate.php", Enrichment: intel.Enrichment{ASN: "AS20473", ISP: "The Constant Company, LLC", Country: "JP"}},
			{Value: "gone.example.net"},
		}
		if diff := cmp.Diff(want, s.C2); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"resolve gone[.]example[.]net: no such host"}, warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
}

func TestEnrichSightingNoSource(t *testing.T) {
	s := &intel.Sighting{C2: []intel.Endpoint{{Value: "172.104.72.4"}}}
	if err := enrich.New(enrich.Config{}).EnrichSighting(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if s.C2[0].Enrichment != (intel.Enrichment{}) {
		t.Errorf("enriched without a source: %+v", s.C2[0])
	}
}

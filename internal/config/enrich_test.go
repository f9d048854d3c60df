package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEnrichSection(t *testing.T) {
	file := writeConfig(t, `enrich:
  ipdb: [/data/GeoLite2-ASN.mmdb, ipdb/ip2asn-v4.tsv.gz, ~/dbip-country-lite.mmdb]
  online: [cymru]
  timeout: 2s
  names:
    "The Constant Company, LLC": Vultr
`)
	dir := filepath.Dir(file)
	tests := []struct {
		name string
		env  map[string]string
		want EnrichConfig
	}{
		{
			name: "file; relative paths against its directory",
			env:  map[string]string{"HOME": "/home/ana"},
			want: EnrichConfig{
				IPDB:    []string{"/data/GeoLite2-ASN.mmdb", filepath.Join(dir, "ipdb/ip2asn-v4.tsv.gz"), "/home/ana/dbip-country-lite.mmdb"},
				Online:  []string{"cymru"},
				Timeout: "2s",
				Names:   map[string]string{"The Constant Company, LLC": "Vultr"},
			},
		},
		{
			name: "IOCAST_IPDB",
			env:  map[string]string{"HOME": "/home/ana", "IOCAST_IPDB": "a.mmdb:/b/ip2asn-v6.tsv", "IOCAST_ENRICH_ONLINE": "rdap:cymru", "IOCAST_ENRICH_RESOLVE": "true"},
			want: EnrichConfig{
				IPDB: []string{"a.mmdb", "/b/ip2asn-v6.tsv"}, Online: []string{"rdap", "cymru"}, Resolve: true, Timeout: "2s",
				Names: map[string]string{"The Constant Company, LLC": "Vultr"},
			},
		},
		{
			name: "IOCAST_ENRICH_IPDB over IOCAST_IPDB",
			env:  map[string]string{"HOME": "/home/ana", "IOCAST_IPDB": "a.mmdb", "IOCAST_ENRICH_IPDB": "c.mmdb"},
			want: EnrichConfig{
				IPDB: []string{"c.mmdb"}, Online: []string{"cymru"}, Timeout: "2s",
				Names: map[string]string{"The Constant Company, LLC": "Vultr"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Load(Options{Path: file, LookupEnv: env(tt.env)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res.Config.Enrich); diff != "" {
				t.Errorf("Enrich (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnrichErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		env  map[string]string
		want string
	}{
		{"unknown online source", "enrich:\n  online: [cymru, whois]\n", nil, `:2: invalid online source "whois": want cymru, rdap`},
		{"bad timeout", "enrich:\n  timeout: soon\n", nil, `:2: invalid timeout "soon": want a duration like 5s or 500ms`},
		{"bad timeout from the environment", "", map[string]string{"IOCAST_ENRICH_TIMEOUT": "-1s"}, `IOCAST_ENRICH_TIMEOUT: invalid timeout "-1s"`},
		{"names from the environment", "", map[string]string{"IOCAST_ENRICH_NAMES": "x"}, `IOCAST_ENRICH_NAMES: cannot be set from the environment`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(Options{Path: writeConfig(t, tt.body), LookupEnv: env(tt.env)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDefaultIPDBDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/iocast/ipdb"},
		{map[string]string{"XDG_DATA_HOME": "rel", "HOME": "/home/u"}, "/home/u/.local/share/iocast/ipdb"},
	}
	for _, tt := range tests {
		got, err := DefaultIPDBDir(env(tt.env))
		if err != nil {
			t.Fatal(err)
		}
		if got != filepath.FromSlash(tt.want) {
			t.Errorf("DefaultIPDBDir(%v) = %q; want %q", tt.env, got, tt.want)
		}
	}
}

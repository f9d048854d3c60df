package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/enrich/mmdb/mmdbtest"
)

var demoDB = filepath.Join("..", "..", "examples", "ipdb", "demo.mmdb")

// isolateEnrich keeps the user's data sets and enrichment settings out of a test.
func isolateEnrich(t *testing.T) {
	t.Helper()
	isolate(t)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	for _, k := range []string{"IOCAST_IPDB", "IOCAST_ENRICH_IPDB", "IOCAST_ENRICH_ONLINE", "IOCAST_ENRICH_RESOLVE",
		"IOCAST_ENRICH_TIMEOUT", "IOCAST_ENRICH_DNS_SERVER", "IOCAST_ENRICH_RDAP_URL"} {
		t.Setenv(k, "")
	}
}

func TestEnrich(t *testing.T) {
	isolateEnrich(t)
	tests := []struct {
		name           string
		stdin          string
		args           []string
		env            map[string]string
		code           int
		stdout, stderr string
	}{
		{
			name: "text",
			args: []string{"enrich", "--ipdb", demoDB, "172.104.72.4", "45.77.28[.]124", "192.0.2.1"},
			stdout: "172.104.72.4  AS63949  Linode, LLC  🇯🇵 JP\n" +
				"45.77.28.124  AS20473  The Constant Company, LLC  🇯🇵 JP\n" +
				"192.0.2.1\n",
		},
		{
			name: "jsonl from stdin; blank lines and comments skipped",
			args: []string{"enrich", "--format", "jsonl", "--ipdb", demoDB}, stdin: "172.105.223.216\n\n# later\n[2400:8901::1]\n10.0.0.1",
			stdout: `{"ip":"172.105.223.216","asn":"AS63949","as_org":"Linode, LLC","country":"JP"}` + "\n" +
				`{"ip":"2400:8901::1","asn":"AS63949","as_org":"Linode, LLC","country":"JP"}` + "\n" +
				`{"ip":"10.0.0.1"}` + "\n",
		},
		{
			name: "IOCAST_IPDB; flags after arguments",
			args: []string{"enrich", "1.1.1.1", "--format=jsonl"}, env: map[string]string{"IOCAST_IPDB": demoDB},
			stdout: `{"ip":"1.1.1.1","asn":"AS13335","as_org":"Cloudflare, Inc.","country":"US"}` + "\n",
		},
		{
			name: "bad input lines are reported and the rest printed",
			args: []string{"enrich", "--ipdb", demoDB}, stdin: "8.8.8.8\nevil.com\n1.1.1.1\n",
			code:   1,
			stdout: "8.8.8.8  AS15169  Google LLC  🇺🇸 US\n1.1.1.1  AS13335  Cloudflare, Inc.  🇺🇸 US\n",
			stderr: "iocast: warning: enrich: line 2: \"evil.com\" is not an IP address\niocast: enrich: 1 input(s) were not IP addresses\n",
		},
		{
			name: "no data set",
			args: []string{"enrich", "1.1.1.1"}, code: 1,
			stderr: "iocast: enrich: no IP data set\n",
		},
		{
			name: "missing data set",
			args: []string{"enrich", "--ipdb", "nope.mmdb", "1.1.1.1"}, code: 1,
			stderr: "iocast: enrich: mmdb: stat nope.mmdb: no such file or directory\n",
		},
		{
			name: "bad format", args: []string{"enrich", "--format", "csv", "1.1.1.1"}, code: 2,
			stderr: "iocast: --format: invalid format \"csv\": want text, jsonl; see 'iocast enrich --help'\n",
		},
		{
			name: "bad online source", args: []string{"enrich", "--online", "whois", "1.1.1.1"}, code: 2,
			stderr: "iocast: --online: invalid online source \"whois\": want cymru, rdap; see 'iocast enrich --help'\n",
		},
		{
			name: "--check with addresses", args: []string{"enrich", "--check", "1.1.1.1"}, code: 2,
			stderr: "iocast: --check takes no IP address; see 'iocast enrich --help'\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d; want %d (stderr %q)", code, tt.code, stderr)
			}
			if diff := cmp.Diff(tt.stdout, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(stderr, tt.stderr) {
				t.Errorf("stderr = %q; want it to start with %q", stderr, tt.stderr)
			}
		})
	}
}

func TestEnrichDefaultDirectory(t *testing.T) {
	isolateEnrich(t)
	dir := filepath.Join(os.Getenv("XDG_DATA_HOME"), "iocast", "ipdb")
	os.MkdirAll(dir, 0o700)
	data, err := os.ReadFile(demoDB)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "demo.mmdb"), data, 0o600)
	code, stdout, stderr := run(t, "", "enrich", "45.77.28.124")
	if code != 0 || stdout != "45.77.28.124  AS20473  The Constant Company, LLC  🇯🇵 JP\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestEnrichCheck(t *testing.T) {
	isolateEnrich(t)
	fresh := filepath.Join(t.TempDir(), "GeoLite2-ASN.mmdb")
	if err := mmdbtest.WriteFile(fresh, "GeoLite2-ASN", time.Now().Add(-48*time.Hour).Unix(), []mmdbtest.Network{
		{CIDR: "172.104.0.0/15", Record: mmdbtest.ASN(63949, "Linode, LLC")},
		{CIDR: "2400:8900::/29", Record: mmdbtest.ASN(63949, "Linode, LLC")},
	}); err != nil {
		t.Fatal(err)
	}
	tsv := filepath.Join("..", "enrich", "iptoasn", "testdata", "ip2asn-v4.tsv")
	code, stdout, stderr := run(t, "", "enrich", "--check", "--ipdb", fresh, "--ipdb", demoDB, "--ipdb", tsv, "--online", "cymru")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		fresh + "\n  type      GeoLite2 ASN: asn, as_org (MaxMind DB \"GeoLite2-ASN\", IPv4 and IPv6)\n  built     ",
		"(2 days ago)\n  coverage  2 networks; 131,072 IPv4 addresses (0.0%); 1 IPv6 networks\n",
		demoDB + "\n  type      iocast demo: asn, as_org, country",
		tsv + "\n  type      iptoasn.com TSV: asn, as_org, country\n",
		"4 IPv4 ranges; 197,120 IPv4 addresses (0.0%); 0 IPv6 ranges; 4 ASes\n",
		"online: cymru\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not contain %q:\n%s", want, stdout)
		}
	}
	// The demo database is dated 2026-01-02; the fresh one is not stale.
	if strings.Contains(stderr, fresh) || !strings.Contains(stderr, "iocast: warning: "+demoDB+" was built") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestEnrichOnlineRDAP(t *testing.T) {
	isolateEnrich(t)
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		w.Write([]byte(`{"objectClassName":"ip network","name":"QUAD9-NET","country":"CH"}`))
	}))
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(cfg, []byte("enrich:\n  rdap_url: "+srv.URL+"\n  names:\n    QUAD9-NET: Quad9\n"), 0o600)
	// 9.9.9.9 is not in the demo database, so RDAP is asked; 1.1.1.1 is
	// complete offline, and 192.0.2.1 is a documentation address, which is
	// never sent to an online service.
	code, stdout, stderr := run(t, "", "--config", cfg, "enrich", "--ipdb", demoDB, "--online", "rdap", "--format", "jsonl", "9.9.9.9", "1.1.1.1", "192.0.2.1")
	want := `{"ip":"9.9.9.9","as_org":"Quad9","country":"CH"}` + "\n" +
		`{"ip":"1.1.1.1","asn":"AS13335","as_org":"Cloudflare, Inc.","country":"US"}` + "\n" +
		`{"ip":"192.0.2.1"}` + "\n"
	if code != 0 || stdout != want {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	if diff := cmp.Diff([]string{"/ip/9.9.9.9"}, paths); diff != "" {
		t.Errorf("RDAP requests (-want +got):\n%s", diff)
	}
}

func TestComposeEnriches(t *testing.T) {
	isolateEnrich(t)
	sighting := "family: LODEINFO\nc2:\n  - value: http://172.104.72.4/\n  - value: 45.77.28.124\n    isp: Vultr\n"
	code, stdout, stderr := run(t, sighting, "compose", "-", "--ipdb", demoDB)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"(ASN: AS63949, ISP: Linode, LLC 🇯🇵)", "(ASN: AS20473, ISP: Vultr 🇯🇵)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("post does not contain %q:\n%s", want, stdout)
		}
	}
	// Without a data set, nothing is added and nothing fails.
	code, stdout, _ = run(t, sighting, "compose", "-")
	if code != 0 || strings.Contains(stdout, "AS63949") {
		t.Errorf("without data: exit %d, post:\n%s", code, stdout)
	}
}

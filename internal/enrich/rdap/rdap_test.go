package rdap

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
)

// server serves the documented responses in testdata the way rdap.org
// does: /ip/<address> redirects to the registry's /<rir>/ip/<address>.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	files := map[string]string{
		"/arin/ip/172.104.72.4":  "arin-172.104.72.4.json",
		"/apnic/ip/45.77.28.124": "apnic-45.77.28.124.json",
		"/apnic/ip/2400:8901::1": "apnic-45.77.28.124.json",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.Header.Get("Accept") != "application/rdap+json" || r.Header.Get("User-Agent") != "iocast" {
			t.Errorf("request %s %s, Accept %q, User-Agent %q", r.Method, r.URL, r.Header.Get("Accept"), r.Header.Get("User-Agent"))
		}
		switch p := r.URL.Path; {
		case p == "/ip/172.104.72.4":
			http.Redirect(w, r, "/arin"+p, http.StatusFound)
		case p == "/ip/45.77.28.124" || p == "/ip/2400:8901::1":
			http.Redirect(w, r, "/apnic"+p, http.StatusFound)
		case p == "/ip/10.0.0.1":
			http.Error(w, `{"errorCode":404}`, http.StatusNotFound)
		case p == "/ip/1.1.1.1":
			http.Error(w, "slow down", http.StatusTooManyRequests)
		case p == "/ip/9.9.9.9":
			w.Write([]byte("<html>not json</html>"))
		case p == "/ip/8.8.8.8":
			w.Write([]byte(strings.Repeat(" ", maxBody+10)))
		case files[p] != "":
			data, err := os.ReadFile(filepath.Join("testdata", files[p]))
			if err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Type", "application/rdap+json")
			w.Write(data)
		default:
			t.Errorf("unexpected request %s", p)
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLookup(t *testing.T) {
	srv := server(t)
	c := New(Config{BaseURL: srv.URL + "/", HTTP: srv.Client()})
	tests := []struct {
		ip   string
		want intel.Enrichment
		err  error
		msg  string
	}{
		{ip: "172.104.72.4", want: intel.Enrichment{ASN: "AS63949", ISP: "Linode"}},
		{ip: "45.77.28.124", want: intel.Enrichment{ISP: "CHOOPA-AP", Country: "JP"}},
		{ip: "2400:8901::1", want: intel.Enrichment{ISP: "CHOOPA-AP", Country: "JP"}},
		{ip: "10.0.0.1"},
		{ip: "1.1.1.1", err: intel.ErrRateLimited},
		{ip: "9.9.9.9", err: intel.ErrInvalid},
		{ip: "8.8.8.8", err: intel.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			got, err := c.Lookup(context.Background(), netip.MustParseAddr(tt.ip))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error = %v; want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := New(Config{BaseURL: url}).Lookup(context.Background(), netip.MustParseAddr("172.104.72.4"))
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error = %v; want connection refused", err)
	}
}

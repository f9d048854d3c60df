package extract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iocast/iocast/intel"
)

// sharedLists is where the MISP warninglists used by these tests live: the
// shared test data beside the repository.
var sharedLists = filepath.Join("..", "..", "shared", "testdata", "misp-warninglists")

func loadShared(t *testing.T, name string) *Warninglist {
	t.Helper()
	path := filepath.Join(sharedLists, name, "list.json")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("MISP warninglist test data not found at %s (it ships in ../shared/testdata beside the repository): %v", path, err)
	}
	w, err := LoadWarninglistFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestMISPWarninglists(t *testing.T) {
	tests := []struct {
		list  string
		kind  intel.Kind
		value string
		want  bool
	}{
		{"cloudflare", intel.KindIPv4, "104.16.1.1", true},
		{"cloudflare", intel.KindIPv4, "45.77.28.124", false},
		{"cloudflare", intel.KindURL, "http://104.16.1.1/x", true},
		{"rfc3849", intel.KindIPv6, "2001:db8::1", true},
		{"public-dns-v6", intel.KindIPv6, "2001:148f:fffe::1", true},
		{"empty-hashes", intel.KindMD5, "d41d8cd98f00b204e9800998ecf8427e", true},
		{"empty-hashes", intel.KindDomain, "d41d8cd98f00b204e9800998ecf8427e.com", false},
		{"url-shortener", intel.KindDomain, "bit.ly", true},
		{"url-shortener", intel.KindURL, "https://bit.ly/abc", true},
		{"url-shortener", intel.KindDomain, "notbit.ly", false},
		{"automated-malware-analysis", intel.KindURL, "https://analyze.intezer.com/files/x", true},
		{"crl-hostname", intel.KindDomain, "c.pki.goog", true},
		{"crl-hostname", intel.KindDomain, "x.c.pki.goog", false},                         // string lists are exact
		{"security-provider-blogpost", intel.KindDomain, "blog.0x1338.blogspot.be", true}, // hostname lists match subdomains
		{"security-provider-blogpost", intel.KindURL, "https://0x1338.blogspot.be/2020/x.html", true},
	}
	for _, tt := range tests {
		t.Run(tt.list+"/"+tt.value, func(t *testing.T) {
			w := loadShared(t, tt.list)
			if got := w.Match(intel.Indicator{Kind: tt.kind, Value: tt.value}); got != tt.want {
				t.Errorf("%s.Match(%s %s) = %v, want %v", tt.list, tt.kind, tt.value, got, tt.want)
			}
		})
	}
}

func TestWarninglistFlagInExtract(t *testing.T) {
	cf := loadShared(t, "cloudflare")
	text := "C2 104.16.1[.]1 and 45.77.28[.]124"
	if got := New(Options{}).ExtractString(text); len(got) != 2 {
		t.Fatalf("without the list: %d matches, want 2", len(got))
	}
	got := New(Options{Warninglists: []*Warninglist{cf}}).ExtractString(text)
	if len(got) != 1 || got[0].Value != "45.77.28.124" {
		t.Errorf("with the cloudflare list: %+v", got)
	}
	got = New(Options{Warninglists: []*Warninglist{cf}, KeepWarned: true}).ExtractString(text)
	if len(got) != 2 || len(got[0].Warnings) != 1 || got[0].Warnings[0] != cf.Name {
		t.Errorf("--all: %+v", got)
	}
}

func TestWarninglistErrors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"syntax", "{\n\"type\": \"string\",\n\"list\": [\"a\",]\n}", "line 3"},
		{"type", `{"type": "cidr", "list": ["not-an-ip"]}`, `list[0] "not-an-ip": not an IP or CIDR block`},
		{"unknown type", `{"type": "glob", "list": []}`, `unknown type "glob"`},
		{"missing type", `{"list": []}`, `missing "type"`},
		{"regex", `{"type": "regex", "list": ["(?<=x)"]}`, "RE2"},
		{"wrong shape", `{"type": "string", "list": "x"}`, `field "list"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadWarninglist(strings.NewReader(tt.json), "bad.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.json") {
				t.Fatalf("error = %v, want it to name bad.json and contain %q", err, tt.want)
			}
			if !errors.Is(err, intel.ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid")
			}
		})
	}
	if _, err := LoadWarninglistFile("does-not-exist.json"); err == nil {
		t.Error("missing file: no error")
	}
}

func TestBuiltinListsCompile(t *testing.T) {
	lists := Builtin()
	if len(lists) < 8 {
		t.Fatalf("only %d built-in lists", len(lists))
	}
	for _, w := range lists {
		if w.Name == "" || w.Type == "" {
			t.Errorf("list without name or type: %+v", w)
		}
	}
}

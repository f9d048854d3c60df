package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// runDB runs iocast with args and returns stdout, stderr and the exit code.
func runDB(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func writeDBFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const sightingYAML = `family: LODEINFO
version: v0.6.2
c2:
  - value: http[:]//172.104.72[.]4/
  - value: 172.105.223[.]216
samples:
  - md5: da1c9006b493d7e95db4d354c5f0e99f
observed: 2022-03-01T12:00:00Z
`

const extractJSONL = `{"type":"domain","value":"evil.example.com","defanged":"evil[.]example[.]com","file":"r.txt","start":0,"end":16,"raw":"evil.example.com","source_defanged":false}
{"type":"ipv4","value":"172.105.223.216","defanged":"172.105.223[.]216","file":"r.txt","start":20,"end":35,"raw":"172.105.223.216","source_defanged":false}
{"type":"domain","value":"example.com","defanged":"example[.]com","file":"r.txt","start":40,"end":51,"raw":"example.com","source_defanged":false,"warninglists":["reference"]}
`

func TestDBImportSearchExport(t *testing.T) {
	t.Setenv("IOCAST_CONFIG", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "iocast.db")
	s := writeDBFile(t, dir, "lodeinfo.yaml", sightingYAML)
	x := writeDBFile(t, dir, "report.jsonl", extractJSONL)

	// --db before the command, and after it.
	out, errOut, code := runDB(t, "", "--db", db, "db", "import", s, x)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	if want := "imported 1 sightings (1 new) and 2 indicator records; skipped 1 warninglisted\n"; out != want {
		t.Errorf("import said %q, want %q", out, want)
	}
	if errOut != "" {
		t.Errorf("import wrote %q to a non-terminal stderr, want nothing", errOut)
	}
	out, _, _ = runDB(t, "", "db", "import", s, "--db", db)
	if !strings.Contains(out, "(0 new)") {
		t.Errorf("re-import said %q, want 0 new", out)
	}

	out, errOut, code = runDB(t, "", "db", "search", "--db", db, "172.105.223[.]216")
	if code != 0 || !strings.Contains(out, "172.105.223.216") || !strings.Contains(out, "LODEINFO") {
		t.Errorf("search: exit %d, %q %q", code, out, errOut)
	}
	if _, errOut, code = runDB(t, "", "db", "search", "--db", db, "8.8.8.8"); code != 1 || !strings.Contains(errOut, "not in the store") {
		t.Errorf("search of an unknown value: exit %d, %q", code, errOut)
	}

	t.Setenv("IOCAST_DB", db)
	out, errOut, code = runDB(t, "", "db", "export", "--kind", "ipv4")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"value":"172.105.223.216"`) || !strings.Contains(lines[0], `"sightings":1`) {
		t.Errorf("export --kind ipv4 = %q", out)
	}

	// An export imports back unchanged.
	all, _, _ := runDB(t, "", "db", "export")
	exp := writeDBFile(t, dir, "export.jsonl", all)
	db2 := filepath.Join(dir, "copy.db")
	if _, errOut, code := runDB(t, "", "db", "import", "--db", db2, exp); code != 0 {
		t.Fatalf("import of an export: %s", errOut)
	}
	again, _, _ := runDB(t, "", "db", "export", "--db", db2)
	sorted := func(s string) []string { return slices.Sorted(slices.Values(strings.Split(s, "\n"))) }
	if diff := cmp.Diff(sorted(all), sorted(again)); diff != "" {
		t.Errorf("export → import → export (-first +second):\n%s", diff)
	}

	if _, errOut, code = runDB(t, "", "db", "revoke", "evil.example.com"); code != 2 || !strings.Contains(errOut, "--reason") {
		t.Errorf("revoke without a reason: exit %d, %q", code, errOut)
	}
	if out, errOut, code = runDB(t, "", "db", "revoke", "evil.example.com", "--reason", "sinkholed"); code != 0 || out != "revoked 1 indicator(s)\n" {
		t.Errorf("revoke: exit %d, %q %q", code, out, errOut)
	}
	out, _, _ = runDB(t, "", "db", "stats")
	for _, want := range []string{"indicators", "(1 revoked)", "sightings", "schema"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lacks %q:\n%s", want, out)
		}
	}
}

func TestDBImportBadInput(t *testing.T) {
	t.Setenv("IOCAST_CONFIG", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "iocast.db")
	good := writeDBFile(t, dir, "good.yaml", sightingYAML)
	tests := []struct {
		name, file, body, want string
	}{
		{"bad json", "bad.jsonl", "{\"type\":\"ipv4\",\"value\":\"1.2.3.4\"}\n{not json}\n", "bad.jsonl:2: invalid character"},
		{"bad value", "bad.jsonl", "{\"type\":\"ipv4\",\"value\":\"1.2.3.4\"}\n\n{\"type\":\"ipv4\",\"value\":\"300.1.1.1\"}\n", "bad.jsonl:3: "},
		{"unknown field", "bad.jsonl", "{\"type\":\"ipv4\",\"value\":\"1.2.3.4\",\"colour\":1}\n", `bad.jsonl:1: json: unknown field "colour"`},
		{"bad sighting", "bad.yaml", "family: X\nc2:\n  - value: not a host\n", "bad.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := writeDBFile(t, dir, tt.file, tt.body)
			_, errOut, code := runDB(t, "", "db", "import", "--db", db, good, bad)
			if code != 1 || !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, "nothing imported") {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, tt.want)
			}
			// One transaction: the good file before the bad one is not kept.
			out, _, _ := runDB(t, "", "db", "stats", "--json", "--db", db)
			if !strings.Contains(out, `"indicators": 0`) || !strings.Contains(out, `"sightings": 0`) {
				t.Errorf("store changed by a failed import:\n%s", out)
			}
		})
	}
	if _, errOut, code := runDB(t, "", "db", "import", "--db", db, "x.stix"); code != 2 || !strings.Contains(errOut, "--format") {
		t.Errorf("unknown extension: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runDB(t, "", "db", "export", "--db", db, "--format", "yaml"); code != 2 || !strings.Contains(errOut, "unknown --format") {
		t.Errorf("export yaml: exit %d, %q", code, errOut)
	}
	bad := writeDBFile(t, dir, "bad.json", `{"type": "bundle", "objects": [`)
	if _, errOut, code := runDB(t, "", "db", "import", "--db", db, bad); code != 1 || !strings.Contains(errOut, "bad.json") {
		t.Errorf("truncated STIX bundle: exit %d, %q", code, errOut)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"7d", now.AddDate(0, 0, -7), true},
		{"12h", now.Add(-12 * time.Hour), true},
		{"2024-05-01", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-05-01T10:00:00Z", time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), true},
		{"last week", time.Time{}, false},
		{"-3d", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseSince(tt.in, now)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestDBExchangeRoundTrip exports a store in every exchange format and
// imports each export into a new store: the indicators survive.
func TestDBExchangeRoundTrip(t *testing.T) {
	t.Setenv("IOCAST_CONFIG", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "src.db")
	s := writeDBFile(t, dir, "lodeinfo.yaml", sightingYAML)
	if _, errOut, code := runDB(t, "", "--db", db, "db", "import", s); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	want, _, _ := runDB(t, "", "--db", db, "db", "export", "--format", "blocklist")
	if strings.Count(want, "\n") != 3 {
		t.Fatalf("blocklist export = %q, want 3 values", want)
	}
	for _, tt := range []struct{ format, file string }{
		{"stix", "out.json"}, {"misp", "event.json"}, {"csv", "out.csv"}, {"blocklist", "out.txt"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			out, errOut, code := runDB(t, "", "--db", db, "db", "export", "--format", tt.format)
			if code != 0 {
				t.Fatalf("export: exit %d: %s", code, errOut)
			}
			f := writeDBFile(t, dir, tt.format+"-"+tt.file, out)
			db2 := filepath.Join(dir, tt.format+".db")
			args := []string{"--db", db2, "db", "import", f}
			if tt.format == "blocklist" {
				args = append(args, "--format", "blocklist")
			}
			if _, errOut, code := runDB(t, "", args...); code != 0 {
				t.Fatalf("import of the %s export: exit %d: %s", tt.format, code, errOut)
			}
			got, _, _ := runDB(t, "", "--db", db2, "db", "export", "--format", "blocklist")
			if diff := cmp.Diff(sortedLines(want), sortedLines(got)); diff != "" {
				t.Errorf("indicators after a %s round trip (-want +got):\n%s", tt.format, diff)
			}
		})
	}
}

func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(l)
	return l
}

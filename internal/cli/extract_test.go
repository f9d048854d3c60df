package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests run the real extractor (package extract) over small inputs
// whose answers are not in doubt.

const sampleInput = "C2 evil[.]com and 1.2.3[.]4:443\nMD5 da1c9006b493d7e95db4d354c5f0e99f\n"

// found is the part of a jsonl record these tests assert on.
type found struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Port  int    `json:"port"`
	File  string `json:"file"`
}

func decodeJSONL(t *testing.T, out string) (records []found, keys [][]string) {
	t.Helper()
	for line := range strings.Lines(out) {
		var r found
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		records = append(records, r)
		keys = append(keys, k)
	}
	return records, keys
}

func TestExtractJSONL(t *testing.T) {
	isolate(t)
	code, stdout, stderr := run(t, sampleInput, "extract", "--format", "jsonl")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	got, keys := decodeJSONL(t, stdout)
	want := []found{
		{Type: "domain", Value: "evil.com", File: "-"},
		{Type: "ipv4", Value: "1.2.3.4", Port: 443, File: "-"},
		{Type: "md5", Value: "da1c9006b493d7e95db4d354c5f0e99f", File: "-"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	// The field names are a stable interface (docs/CLI.md).
	base := []string{"defanged", "end", "file", "raw", "source_defanged", "start", "type", "value"}
	wantKeys := [][]string{base, append(slices.Clone(base), "port"), base}
	for _, k := range wantKeys {
		slices.Sort(k)
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("field names (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout, `"defanged":"evil[.]com"`) || !strings.Contains(stdout, `"raw":"evil[.]com","source_defanged":true`) {
		t.Errorf("domain record lacks its defanged, raw or source_defanged field:\n%s", stdout)
	}
}

func TestExtractFormats(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(file, []byte(sampleInput), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"text", []string{"extract", file}, "domain    evil.com\nipv4      1.2.3.4:443\nmd5       da1c9006b493d7e95db4d354c5f0e99f\n"},
		{"text, two inputs", []string{"extract", "--format=text", file, "-"},
			file + ": domain    evil.com\n" + file + ": ipv4      1.2.3.4:443\n" + file + ": md5       da1c9006b493d7e95db4d354c5f0e99f\n" +
				"-: domain    evil.com\n-: ipv4      1.2.3.4:443\n-: md5       da1c9006b493d7e95db4d354c5f0e99f\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, sampleInput, tt.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if diff := cmp.Diff(tt.want, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractCSV(t *testing.T) {
	isolate(t)
	file := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(file, []byte(sampleInput), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "extract", file, "--format", "csv") // flag after the file
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	records, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, r := range records {
		got = append(got, append(r[:5:5], r[7:]...)) // all but start and end
	}
	want := [][]string{
		{"type", "value", "defanged", "port", "file", "source_defanged", "warninglists"},
		{"domain", "evil.com", "evil[.]com", "", file, "true", ""},
		{"ipv4", "1.2.3.4", "1.2.3[.]4", "443", file, "true", ""},
		{"md5", "da1c9006b493d7e95db4d354c5f0e99f", "da1c9006b493d7e95db4d354c5f0e99f", "", file, "false", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
}

// TestExtractPrecedence checks flags > environment > file > defaults by
// the output format each one selects.
func TestExtractPrecedence(t *testing.T) {
	isolate(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("extract:\n  format: csv\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const input = "evil[.]com\n"
	text, jsonl, csv := "domain    evil.com\n", `{"type":"domain"`, "type,value,"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // prefix of stdout
	}{
		{"default", nil, nil, text},
		{"file", nil, []string{"--config", cfg}, csv},
		{"IOCAST_CONFIG", map[string]string{"IOCAST_CONFIG": cfg}, nil, csv},
		{"environment over file", map[string]string{"IOCAST_EXTRACT_FORMAT": "jsonl"}, []string{"--config", cfg}, jsonl},
		{"flag over environment", map[string]string{"IOCAST_EXTRACT_FORMAT": "jsonl", "IOCAST_CONFIG": cfg}, []string{"--format", "text"}, text},
		{"flag over file", nil, []string{"--format", "jsonl", "--config", cfg}, jsonl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := run(t, input, append([]string{"extract"}, tt.args...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.HasPrefix(stdout, tt.want) {
				t.Errorf("stdout = %q, want it to start with %q", stdout, tt.want)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	isolate(t)
	code, stdout, stderr := run(t, "", "extract", "nonexistent.txt")
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	if diff := cmp.Diff("iocast: extract: open nonexistent.txt: no such file or directory\n", stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}

	// Fail fast, but keep what the files before wrote.
	code, stdout, _ = run(t, "evil[.]com\n", "extract", "-", "nonexistent.txt")
	if code != 1 || stdout != "-: domain    evil.com\n" {
		t.Errorf("exit %d, stdout %q; want 1 and the first file's output", code, stdout)
	}

	code, _, stderr = run(t, "", "extract", "--warninglist", "nonexistent.json")
	if code != 1 || !strings.HasPrefix(stderr, "iocast: extract: warninglist: ") || !strings.Contains(stderr, "nonexistent.json") {
		t.Errorf("missing warninglist: exit %d, stderr %q", code, stderr)
	}
}

// brokenPipe is a stdout whose reader has gone away.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

func TestExtractBrokenPipe(t *testing.T) {
	isolate(t)
	var stderr strings.Builder
	code := Main(t.Context(), []string{"extract"}, strings.NewReader(strings.Repeat(sampleInput, 100)), brokenPipe{}, &stderr)
	if code != 0 || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr.String())
	}
}

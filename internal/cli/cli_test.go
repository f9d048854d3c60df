package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/config"
)

// isolate keeps the user's configuration and environment out of a test.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // no store, no IP data of the developer's
	for _, k := range []string{"IOCAST_CONFIG", "IOCAST_LOG_LEVEL", "IOCAST_EXTRACT_FORMAT",
		"IOCAST_EXTRACT_ALL", "IOCAST_EXTRACT_WARNINGLISTS", "IOCAST_EXTRACT_NO_BUILTIN_WARNINGLISTS",
		"IOCAST_DB", "IOCAST_IPDB", "IOCAST_ENRICH_IPDB", "IOCAST_ENRICH_ONLINE", "IOCAST_STORE_DSN"} {
		t.Setenv(k, "") // empty counts as unset
	}
	for _, k := range config.Keys() { // accounts above all: never post from a test
		t.Setenv(config.EnvVar(k), "")
	}
}

// run runs Main and returns its exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestHelpAndUsage(t *testing.T) {
	isolate(t)
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring; "" means stdout must be empty
		wantStderr string // exact
	}{
		{"--help", []string{"--help"}, 0, "Commands:\n  extract", ""},
		{"-h", []string{"-h"}, 0, "Commands:\n  extract", ""},
		{"help", []string{"help"}, 0, "Commands:\n  extract", ""},
		{"help extract", []string{"help", "extract"}, 0, "iocast extract [flags] [FILE...]", ""},
		{"extract --help", []string{"extract", "--help"}, 0, "--warninglist FILE", ""},
		{"extract -h after args", []string{"extract", "a.txt", "-h"}, 0, "--no-builtin-warninglists", ""},
		{"global flag before help", []string{"--verbose", "help", "version"}, 0, "iocast version", ""},
		{"no command", nil, 2, "", "iocast: missing command; see 'iocast --help'\n"},
		{"unknown command", []string{"extrct"}, 2, "",
			"iocast: unknown command \"extrct\"; did you mean \"extract\"? see 'iocast --help'\n"},
		{"unknown command, no suggestion", []string{"frobnicate"}, 2, "",
			"iocast: unknown command \"frobnicate\"; see 'iocast --help'\n"},
		{"help for unknown command", []string{"help", "verison"}, 2, "",
			"iocast: unknown command \"verison\"; did you mean \"version\"? see 'iocast --help'\n"},
		{"help with two commands", []string{"help", "a", "b"}, 2, "",
			"iocast: help takes at most one command; see 'iocast help --help'\n"},
		{"unknown global flag", []string{"--colour", "extract"}, 2, "",
			"iocast: unknown flag --colour; see 'iocast --help'\n"},
		{"command flag before the command", []string{"--format", "csv", "extract"}, 2, "",
			"iocast: unknown flag --format; see 'iocast --help'\n"},
		{"unknown command flag", []string{"extract", "--fromat", "csv"}, 2, "",
			"iocast: unknown flag --fromat; did you mean --format? see 'iocast extract --help'\n"},
		{"missing flag value", []string{"extract", "--format"}, 2, "",
			"iocast: flag --format needs a value; see 'iocast extract --help'\n"},
		{"bad format", []string{"extract", "--format", "xml"}, 2, "",
			"iocast: invalid format \"xml\": want text, jsonl, csv; see 'iocast extract --help'\n"},
		{"version takes no arguments", []string{"version", "x"}, 2, "",
			"iocast: version takes no arguments; see 'iocast version --help'\n"},
		{"missing --config file", []string{"--config", "/nonexistent/c.yaml", "extract"}, 1, "",
			"iocast: config: open /nonexistent/c.yaml: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if tt.stdout == "" && stdout != "" || !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout = %q, want it to contain %q", stdout, tt.stdout)
			}
			if diff := cmp.Diff(tt.wantStderr, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	isolate(t)
	code, stdout, stderr := run(t, "", "version")
	if code != 0 || stderr != "" || !regexp.MustCompile(`^iocast \S+\n$`).MatchString(stdout) {
		t.Errorf("version = %d, %q, %q", code, stdout, stderr)
	}
}

func TestConfigErrors(t *testing.T) {
	isolate(t)
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte("extract:\n  format: csv\n\nextrct: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "extract", "--config", p)
	want := "iocast: " + p + ":4: unknown key \"extrct\"; did you mean \"extract\"?\n" +
		"iocast: hint: see docs/CONFIG.md for the keys and their values\n"
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if diff := cmp.Diff(want, stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}

	t.Setenv("IOCAST_LOG_LEVEL", "loud")
	code, _, stderr = run(t, "", "version")
	want = "iocast: IOCAST_LOG_LEVEL: unknown level \"loud\"\niocast: hint: use debug, info, warn or error\n"
	if code != 1 || stderr != want {
		t.Errorf("bad IOCAST_LOG_LEVEL: exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
}

package cli

import (
	"errors"
	"flag"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testFlags is the result of parsing with testFlagSet.
type testFlags struct {
	Format string
	All    bool
	Lists  []string
	N      int
	Args   []string
}

func testFlagSet(got *testFlags) *flag.FlagSet {
	fs := newFlagSet("test")
	fs.StringVar(&got.Format, "format", "text", "")
	fs.BoolVar(&got.All, "all", false, "")
	fs.Var((*stringList)(&got.Lists), "warninglist", "")
	fs.IntVar(&got.N, "n", 0, "")
	return fs
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want testFlags
	}{
		{"nothing", nil, testFlags{Format: "text", Args: []string{}}},
		{"flag after positional", []string{"a.txt", "--format", "jsonl"}, testFlags{Format: "jsonl", Args: []string{"a.txt"}}},
		{"interspersed", []string{"a", "--all", "b", "-n", "3", "c"}, testFlags{Format: "text", All: true, N: 3, Args: []string{"a", "b", "c"}}},
		{"--flag=value", []string{"--format=csv", "a"}, testFlags{Format: "csv", Args: []string{"a"}}},
		{"-flag=value", []string{"a", "-format=csv"}, testFlags{Format: "csv", Args: []string{"a"}}},
		{"single dash", []string{"-format", "csv", "-all"}, testFlags{Format: "csv", All: true, Args: []string{}}},
		{"value that looks like a flag", []string{"--format", "-x"}, testFlags{Format: "-x", Args: []string{}}},
		{"bool does not take the next argument", []string{"--all", "false"}, testFlags{Format: "text", All: true, Args: []string{"false"}}},
		{"bool with =false", []string{"--all=false"}, testFlags{Format: "text", Args: []string{}}},
		{"repeatable", []string{"--warninglist", "a.json", "x", "--warninglist=b.json"}, testFlags{Format: "text", Lists: []string{"a.json", "b.json"}, Args: []string{"x"}}},
		{"dash is stdin", []string{"-", "--all"}, testFlags{Format: "text", All: true, Args: []string{"-"}}},
		{"double dash ends flags", []string{"a", "--", "--all", "-n"}, testFlags{Format: "text", Args: []string{"a", "--all", "-n"}}},
		{"last value wins", []string{"--format", "csv", "--format", "jsonl"}, testFlags{Format: "jsonl", Args: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got testFlags
			fs := testFlagSet(&got)
			if err := parseArgs(fs, tt.args); err != nil {
				t.Fatalf("parseArgs(%q): %v", tt.args, err)
			}
			got.Args = fs.Args()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseArgs(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // "" for flag.ErrHelp
	}{
		{"unknown flag", []string{"a", "--colour"}, "unknown flag --colour"},
		{"unknown flag, suggestion", []string{"--fromat", "csv"}, "unknown flag --fromat; did you mean --format?"},
		{"missing value", []string{"a", "--format"}, "flag --format needs a value"},
		{"bad value", []string{"-n", "many"}, `invalid value "many" for flag -n: parse error`},
		{"bad syntax", []string{"---all"}, "bad flag syntax: ---all"},
		{"-h", []string{"a", "-h"}, ""},
		{"--help", []string{"--help", "a"}, ""},
		{"-help", []string{"-help"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseArgs(testFlagSet(new(testFlags)), tt.args)
			if tt.want == "" {
				if !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("parseArgs(%q) = %v, want flag.ErrHelp", tt.args, err)
				}
				return
			}
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("parseArgs(%q) = %v, want a usage error", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("parseArgs(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestParseLeading(t *testing.T) {
	var g globals
	fs := newFlagSet("iocast")
	g.define(fs)
	args := []string{"--config", "c.yaml", "--verbose", "extract", "--format", "csv", "a.txt"}
	if err := parseLeading(fs, args); err != nil {
		t.Fatal(err)
	}
	if g.config != "c.yaml" || !g.verbose {
		t.Errorf("globals = %+v", g)
	}
	if diff := cmp.Diff([]string{"extract", "--format", "csv", "a.txt"}, fs.Args()); diff != "" {
		t.Errorf("rest (-want +got):\n%s", diff)
	}
}

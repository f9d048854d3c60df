package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/extract"
	"github.com/iocast/iocast/intel"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleMatches covers every column of every output format.
func sampleMatches() []extract.Match {
	return []extract.Match{
		{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "evil.com"}, Start: 6, End: 16, Raw: "evil[.]com", SourceDefanged: true},
		{Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "1.2.3.4"}, Start: 21, End: 34, Raw: "1.2.3[.]4:443", SourceDefanged: true, Port: 443},
		{Indicator: intel.Indicator{Kind: intel.KindIPv6, Value: "2001:db8::1"}, Start: 40, End: 57, Raw: "[2001:db8::1]:8080", Port: 8080},
		{Indicator: intel.Indicator{Kind: intel.KindMD5, Value: "da1c9006b493d7e95db4d354c5f0e99f"}, Start: 60, End: 92, Raw: "da1c9006b493d7e95db4d354c5f0e99f"},
		{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "xn--80ak6aa92e.com", Display: "пример.com"}, Start: 95, End: 109, Raw: "пример.com"},
		{Indicator: intel.Indicator{Kind: intel.KindURL, Value: "https://github.com/x/y?a=1&b=\"2\""}, Start: 110, End: 150, Raw: "hxxps://github[.]com/x/y?a=1&b=\"2\"", SourceDefanged: true, Warnings: []string{"social media", "code hosting"}},
	}
}

func TestOutputGolden(t *testing.T) {
	for _, format := range []string{"text", "jsonl", "csv"} {
		for _, showFile := range []bool{false, true} {
			name := "output." + format
			if showFile {
				if format != "text" {
					continue // the machine formats always name the file
				}
				name = "output-files." + format
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				out := newOutput(format, &buf, showFile)
				for i, m := range sampleMatches() {
					file := "report.txt"
					if i >= 3 {
						file = "-"
					}
					if err := out.Write(file, m); err != nil {
						t.Fatal(err)
					}
				}
				if err := out.Flush(); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", name)
				if *update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), buf.String()); diff != "" {
					t.Errorf("%s (-want +got):\n%s", golden, diff)
				}
			})
		}
	}
}

func TestOutputEmptyCSVHasHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := newOutput("csv", &buf, false).Flush(); err != nil {
		t.Fatal(err)
	}
	want := "type,value,defanged,port,file,start,end,source_defanged,warninglists\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

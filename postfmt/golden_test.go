package postfmt

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// partSep separates the parts of a thread in golden files.
const partSep = "\n-----\n"

var goldenExamples = []string{"lodeinfo", "hui-loader", "plugx-campaign"}

// TestComposeGolden composes every example for every platform and
// language and compares with testdata/golden/NAME.PLATFORM.LANG.txt.
// Each part is followed by a comment line with its length and limit.
func TestComposeGolden(t *testing.T) {
	for _, name := range goldenExamples {
		s := readExample(t, name)
		for _, pl := range []string{PlatformX, PlatformMastodon, PlatformBluesky} {
			for _, lang := range []string{LangEN, LangJA} {
				file := filepath.Join("testdata", "golden", fmt.Sprintf("%s.%s.%s.txt", name, pl, lang))
				t.Run(filepath.Base(file), func(t *testing.T) {
					p, err := Compose(s, Options{Platform: pl, Lang: lang})
					if err != nil {
						t.Fatal(err)
					}
					got := goldenText(p)
					if *update {
						if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(file)
					if err != nil {
						t.Fatalf("%v (run go test -update to create it)", err)
					}
					if diff := cmp.Diff(string(want), got); diff != "" {
						t.Errorf("Compose (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

func goldenText(p *Post) string {
	var parts []string
	for _, part := range p.Parts {
		parts = append(parts, fmt.Sprintf("%s\n# %s %d/%d", part.Text, p.Platform, part.Length, part.Limit))
	}
	return strings.Join(parts, partSep) + "\n"
}

// readGolden returns the parts of a golden file, without their comments.
func readGolden(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, p := range strings.Split(strings.TrimSuffix(string(data), "\n"), partSep) {
		i := strings.LastIndex(p, "\n# ")
		parts = append(parts, p[:i])
	}
	return parts
}

// TestCanonicalRoundTrip checks Compose(Parse(p)) == p for every golden
// post: a canonical post says exactly what it parses to.
func TestCanonicalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no golden files; run go test -update")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			f := strings.Split(filepath.Base(file), ".")
			parts := readGolden(t, file)
			r := ParseThread(parts)
			if len(r.Problems) > 0 || r.Format != FormatVersion {
				t.Fatalf("ParseThread: format %q, problems %v", r.Format, r.Problems)
			}
			p, err := Compose(&r.Sighting, Options{Platform: f[1], Lang: f[2]})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, part := range p.Parts {
				got = append(got, part.Text)
			}
			if diff := cmp.Diff(parts, got); diff != "" {
				t.Errorf("Compose(Parse(p)) != p (-want +got):\n%s", diff)
			}
		})
	}
}

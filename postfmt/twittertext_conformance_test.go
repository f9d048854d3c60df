package postfmt

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// conformanceDir returns the directory of twitter-text's conformance files,
// ../shared/testdata/twitter-text/conformance from the module root. When it
// is missing the test fails, or is skipped if IOCAST_NO_SHARED_TESTDATA=1.
func conformanceDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the package directory")
		}
		dir = parent
	}
	conf := filepath.Join(dir, "..", "shared", "testdata", "twitter-text", "conformance")
	if _, err := os.Stat(filepath.Join(conf, "validate.yml")); err != nil {
		msg := "twitter-text conformance files not found at " + conf + " (they live in shared/testdata beside the repository)"
		if os.Getenv("IOCAST_NO_SHARED_TESTDATA") == "1" {
			t.Skip(msg)
		}
		t.Fatalf("%s; set IOCAST_NO_SHARED_TESTDATA=1 to skip", msg)
	}
	return conf
}

func readYAML(t testing.TB, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(conformanceDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type counterCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    struct {
		WeightedLength    *int  `yaml:"weightedLength"`
		Valid             *bool `yaml:"valid"`
		Permillage        *int  `yaml:"permillage"`
		DisplayRangeStart *int  `yaml:"displayRangeStart"`
		DisplayRangeEnd   *int  `yaml:"displayRangeEnd"`
		ValidRangeStart   *int  `yaml:"validRangeStart"`
		ValidRangeEnd     *int  `yaml:"validRangeEnd"`
	} `yaml:"expected"`
}

func TestTwitterTextWeightedLength(t *testing.T) {
	var doc struct {
		Tests map[string]yaml.Node `yaml:"tests"`
	}
	readYAML(t, "validate.yml", &doc)
	sections := []struct {
		name string
		cfg  XConfig
	}{
		{"WeightedTweetsCounterTest", XConfigV2},
		{"WeightedTweetsWithDiscountedEmojiCounterTest", XConfigV3},
		{"UnicodeDirectionalMarkerCounterTest", XConfigV3},
	}
	for _, sec := range sections {
		var cases []counterCase
		node := doc.Tests[sec.name]
		if err := node.Decode(&cases); err != nil {
			t.Fatalf("validate.yml %s: %v", sec.name, err)
		}
		if len(cases) == 0 {
			t.Fatalf("validate.yml has no %s cases", sec.name)
		}
		for _, c := range cases {
			t.Run(sec.name+"/"+c.Description, func(t *testing.T) {
				got := XParse(c.Text, sec.cfg)
				e := c.Expected
				check := func(field string, want *int, got int) {
					if want != nil && *want != got {
						t.Errorf("%s = %d, want %d", field, got, *want)
					}
				}
				check("weightedLength", e.WeightedLength, got.WeightedLength)
				check("permillage", e.Permillage, got.Permillage)
				check("displayRangeStart", e.DisplayRangeStart, got.DisplayRangeStart)
				check("displayRangeEnd", e.DisplayRangeEnd, got.DisplayRangeEnd)
				check("validRangeStart", e.ValidRangeStart, got.ValidRangeStart)
				check("validRangeEnd", e.ValidRangeEnd, got.ValidRangeEnd)
				if e.Valid != nil && *e.Valid != got.Valid {
					t.Errorf("valid = %v, want %v", got.Valid, *e.Valid)
				}
				if sec.cfg.Version == 3 && e.WeightedLength != nil && XWeightedLength(c.Text) != *e.WeightedLength {
					t.Errorf("XWeightedLength = %d, want %d", XWeightedLength(c.Text), *e.WeightedLength)
				}
			})
		}
	}
}

type urlCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    []string
}

type urlIndexCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    []struct {
		URL     string `yaml:"url"`
		Indices []int  `yaml:"indices"`
	} `yaml:"expected"`
}

func spanTexts(s string, spans []Span) []string {
	out := []string{}
	for _, sp := range spans {
		out = append(out, s[sp.Start:sp.End])
	}
	return out
}

func TestTwitterTextExtractURLs(t *testing.T) {
	var doc struct {
		Tests map[string][]yaml.Node `yaml:"tests"`
	}
	readYAML(t, "extract.yml", &doc)
	for _, sec := range []string{"urls", "tco_urls_with_params"} {
		nodes := doc.Tests[sec]
		if len(nodes) == 0 {
			t.Fatalf("extract.yml has no %s cases", sec)
		}
		for _, n := range nodes {
			var c urlCase
			if err := n.Decode(&c); err != nil {
				t.Fatal(err)
			}
			t.Run(sec+"/"+c.Description, func(t *testing.T) {
				got := spanTexts(c.Text, XLinks(c.Text))
				want := c.Expected
				if want == nil {
					want = []string{}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("XLinks(%q) (-want +got):\n%s", c.Text, diff)
				}
			})
		}
	}
	for _, sec := range []string{"urls_with_indices", "urls_with_directional_markers"} {
		nodes := doc.Tests[sec]
		if len(nodes) == 0 {
			t.Fatalf("extract.yml has no %s cases", sec)
		}
		for _, n := range nodes {
			var c urlIndexCase
			if err := n.Decode(&c); err != nil {
				t.Fatal(err)
			}
			t.Run(sec+"/"+c.Description, func(t *testing.T) {
				type ent struct {
					URL     string
					Indices []int
				}
				var want, got []ent
				for _, e := range c.Expected {
					want = append(want, ent{e.URL, e.Indices})
				}
				for _, sp := range XLinks(c.Text) {
					// Conformance indices count code points.
					got = append(got, ent{c.Text[sp.Start:sp.End], []int{
						utf8.RuneCountInString(c.Text[:sp.Start]), utf8.RuneCountInString(c.Text[:sp.End])}})
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("XLinks(%q) (-want +got):\n%s", c.Text, diff)
				}
			})
		}
	}
}

func TestTwitterTextTLDs(t *testing.T) {
	var doc struct {
		Tests map[string][]urlCase `yaml:"tests"`
	}
	readYAML(t, "tlds.yml", &doc)
	n := 0
	for sec, cases := range doc.Tests {
		for _, c := range cases {
			n++
			got := spanTexts(c.Text, XLinks(c.Text))
			if diff := cmp.Diff(c.Expected, got); diff != "" {
				t.Errorf("%s/%s: XLinks(%q) (-want +got):\n%s", sec, c.Description, c.Text, diff)
			}
		}
	}
	if n == 0 {
		t.Fatal("tlds.yml has no cases")
	}
}

package postfmt

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/iocast/iocast/intel"
)

// FuzzParse checks that Parse never panics, that what it returns is
// valid, and that its problems are positioned inside the input.
func FuzzParse(f *testing.F) {
	f.Add(productPost)
	f.Add("Nice share!\n— m4n0w4r (@kienbigmummy) 2022年8月25日\n🦠 HUI Loader (d839ab2c2ea8f082f98478cb552d6709)\n☠️x (1/4) https://t.co/zs3buBPm3e pic.twitter.com/yrJx99ePpF")
	f.Add("C2:\n🌍 [2001[:]db8::1]:443 (ASN: AS1, ISP: A (B) 🇯🇵) and 1 more (a[.]b).\nTLP:RED\n(1/2, 3 more left out)")
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txt"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(string(data))
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Parse(text)
		s := r.Sighting
		before := cloneSighting(&s)
		if err := s.Normalize(); err != nil {
			t.Fatalf("Parse(%q) returned a sighting that does not validate: %v\n%+v", text, err, before)
		}
		if diff := cmp.Diff(before, s, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Parse(%q) returned values that are not canonical (-parsed +normalised):\n%s", text, diff)
		}
		lines := strings.Count(text, "\n") + 1
		for _, p := range r.Problems {
			if p.Line < 1 || p.Line > lines {
				t.Errorf("problem %v outside the %d lines", p, lines)
			}
		}
		if r.Format == "" && len(r.Problems) > 0 {
			t.Errorf("fallback with problems %v", r.Problems)
		}
	})
}

// FuzzComposeRoundTrip composes sightings built from fuzzed fields and
// checks that every post fits, links nothing malicious, and parses back
// to what it carries.
func FuzzComposeRoundTrip(f *testing.F) {
	f.Add("LODEINFO", "v0.6.2", "NA4Sec Team", "Linode, LLC", "http://172.104.72.4/", "45.77.28.124", "APT10", uint16(0), uint8(0), false)
	f.Add("HUI Loader", "", "@m4n0w4r", "", "evil.co.jp", "2001:db8::1", "", uint16(443), uint8(1), true)
	f.Add("PlugX", "2.1", "", "China Unicom (Beijing)", "https://evil.com.br/a.php?x=1.2", "cdn.evil.zip", "MustangPanda", uint16(8080), uint8(2), false)
	f.Fuzz(func(t *testing.T, family, version, credit, isp, c2a, c2b, tag string, port uint16, platform uint8, ja bool) {
		s := intel.Sighting{
			Family: family, Version: version, Credit: credit,
			C2: []intel.Endpoint{
				{Value: c2a, Enrichment: intel.Enrichment{ISP: isp, ASN: "AS63949", Country: "JP"}},
				{Value: c2b, Port: int(port)},
			},
			Samples: []intel.Sample{{MD5: "da1c9006b493d7e95db4d354c5f0e99f", Link: "https://t.co/MvDcBjsfwV"}},
		}
		if tag != "" {
			s.Tags = []string{tag}
		}
		if err := s.Normalize(); err != nil {
			return
		}
		pl := []string{PlatformX, PlatformMastodon, PlatformBluesky}[platform%3]
		opts := Options{Platform: pl}
		if ja {
			opts.Lang = LangJA
		}
		p, err := Compose(&s, opts)
		if err != nil {
			return // text the format cannot carry, or a value longer than a post
		}
		lim, _ := LimitFor(pl)
		checkPost(t, &s, p, lim)
		var texts []string
		for _, part := range p.Parts {
			texts = append(texts, part.Text)
		}
		got := ParseThread(texts)
		if len(got.Problems) > 0 {
			t.Fatalf("problems %v in\n%s", got.Problems, strings.Join(texts, "\n-----\n"))
		}
		want := carried(s, p.Level, len(p.Parts) > 1)
		if diff := cmp.Diff(want, got.Sighting, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Parse(Compose(s)) (-want +got):\n%s\n%s", diff, strings.Join(texts, "\n-----\n"))
		}
		again, err := Compose(&got.Sighting, opts)
		if err != nil {
			t.Fatalf("Compose(Parse(p)): %v", err)
		}
		if !slices.EqualFunc(again.Parts, p.Parts, func(a, b Part) bool { return a.Text == b.Text }) {
			t.Fatalf("Compose(Parse(p)) != p")
		}
	})
}

package postfmt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/sightingio"
)

// productPost is the post of docs/PRODUCT.md, verbatim.
const productPost = "🚨⚡ #LODEINFO (🇯🇵)\n" +
	"C2:\n" +
	"🌍 http[:]//172.104.72[.]4/ (ASN: AS63949, ISP: Linode, LLC 🇯🇵) and 2 more (172.105.223[.]216, 45.77.28[.]124).\n" +
	"Family:\n" +
	"🦠 LODEINFO (v0.6.2)\n" +
	"MD5:\n" +
	"🔒 da1c9006b493d7e95db4d354c5f0e99f\n" +
	"Sample:\n" +
	"📄 https://t.co/MvDcBjsfwV\n" +
	"H/T to NA4Sec Team"

// readExample reads examples/sightings/NAME.yaml.
func readExample(t testing.TB, name string) *intel.Sighting {
	t.Helper()
	path := filepath.Join("..", "examples", "sightings", name+".yaml")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := sightingio.Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestComposeProductPost(t *testing.T) {
	p, err := Compose(readExample(t, "lodeinfo"), Options{Platform: PlatformX})
	if err != nil {
		t.Fatal(err)
	}
	want := []Part{{Text: productPost, Length: 259, Limit: 280}}
	if diff := cmp.Diff(want, p.Parts); diff != "" {
		t.Errorf("Compose(lodeinfo.yaml) for X (-want +got):\n%s", diff)
	}
}

func TestComposeErrors(t *testing.T) {
	tests := []struct {
		name string
		s    intel.Sighting
		opts Options
		want error
		msg  string
	}{
		{"empty", intel.Sighting{}, Options{Platform: PlatformX}, intel.ErrInvalid, "nothing to post"},
		{"unknown platform", intel.Sighting{Family: "X"}, Options{Platform: "myspace"}, nil, "unknown platform"},
		{"unknown language", intel.Sighting{Family: "X"}, Options{Platform: PlatformX, Lang: "fr"}, intel.ErrInvalid, "unknown language"},
		{"bad c2", intel.Sighting{C2: []intel.Endpoint{{Value: "not a host"}}}, Options{Platform: PlatformX}, intel.ErrInvalid, "c2[0].value"},
		{"family with parenthesis", intel.Sighting{Family: "Foo (bar)"}, Options{Platform: PlatformX}, intel.ErrInvalid, "family"},
		{"version without family", intel.Sighting{Version: "1", Samples: []intel.Sample{{MD5: strings.Repeat("a", 32)}}}, Options{Platform: PlatformX}, intel.ErrInvalid, "must be set"},
		{"tag not a hashtag", intel.Sighting{Family: "X", Tags: []string{"a.b"}}, Options{Platform: PlatformX}, intel.ErrInvalid, "hashtag"},
		{"credit that links", intel.Sighting{Family: "X", Credit: "see example.com"}, Options{Platform: PlatformBluesky}, intel.ErrInvalid, "live link"},
		{"multi-line credit", intel.Sighting{Family: "X", Credit: "a\nb"}, Options{Platform: PlatformX}, intel.ErrInvalid, "one line"},
		{"value longer than a post", intel.Sighting{C2: []intel.Endpoint{{Value: "1.2.3.4"}, {Value: "http://evil.com/" + strings.Repeat("a", 600)}}}, Options{Platform: PlatformMastodon}, intel.ErrTooLarge, "does not fit"},
		{"hash longer than a post", intel.Sighting{Family: "LODEINFO", Samples: []intel.Sample{{SHA256: strings.Repeat("a", 64)}}}, Options{Platform: PlatformMastodon, Max: 60}, intel.ErrTooLarge, "does not fit in a mastodon post of 60"},
		{"first post too small", intel.Sighting{Family: "LODEINFO", Credit: "NA4Sec Team", Samples: []intel.Sample{{MD5: strings.Repeat("a", 32)}}}, Options{Platform: PlatformMastodon, Max: 40}, intel.ErrTooLarge, "the first mastodon post (header, family, TLP, credit) takes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compose(&tt.s, tt.opts)
			if err == nil {
				t.Fatal("Compose: no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Compose: %v, want errors.Is %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Compose: %v, want it to mention %q", err, tt.msg)
			}
		})
	}
}

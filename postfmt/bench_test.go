package postfmt

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/iocast/iocast/intel"
)

// BenchmarkCompose composes the LODEINFO sighting for each platform:
// normalising a copy, rendering, fitting (one length count) and checking
// the links with the platform's link detection.
func BenchmarkCompose(b *testing.B) {
	s := readExample(b, "lodeinfo")
	for _, pl := range []string{PlatformX, PlatformMastodon, PlatformBluesky} {
		b.Run(pl, func(b *testing.B) {
			b.ReportAllocs()
			defer reportPosts(b, processCPUSeconds())
			for b.Loop() {
				if _, err := Compose(s, Options{Platform: pl}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkComposeThread composes the PlugX sighting, which needs a
// thread, for X: the slow path.
func BenchmarkComposeThread(b *testing.B) {
	s := readExample(b, "plugx-campaign")
	b.ReportAllocs()
	defer reportPosts(b, processCPUSeconds())
	for b.Loop() {
		if _, err := Compose(s, Options{Platform: PlatformX}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeGenerated composes generated sightings for every platform.
func BenchmarkComposeGenerated(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	var ss []intel.Sighting
	for range 64 {
		ss = append(ss, genSighting(r))
	}
	pls := []string{PlatformX, PlatformMastodon, PlatformBluesky}
	b.ReportAllocs()
	defer reportPosts(b, processCPUSeconds())
	i := 0
	for b.Loop() {
		if _, err := Compose(&ss[i%len(ss)], Options{Platform: pls[i%3]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkParse parses the PRODUCT.md post.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(productPost)))
	defer reportPosts(b, processCPUSeconds())
	for b.Loop() {
		if r := Parse(productPost); len(r.Problems) > 0 {
			b.Fatal(r.Problems)
		}
	}
}

// BenchmarkParseFallback parses a post that is not v1 (the extractor).
func BenchmarkParseFallback(b *testing.B) {
	const post = "New LODEINFO C2s today: 172.104.72[.]4, 172.105.223[.]216 and 45.77.28[.]124, sample da1c9006b493d7e95db4d354c5f0e99f https://t.co/MvDcBjsfwV"
	b.ReportAllocs()
	b.SetBytes(int64(len(post)))
	defer reportPosts(b, processCPUSeconds())
	for b.Loop() {
		Parse(post)
	}
}

// reportPosts reports posts per wall second and per CPU second (which
// holds on a loaded machine) since cpu0.
func reportPosts(b *testing.B, cpu0 float64) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	if cpu := processCPUSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "posts/cpu-s")
	}
}

// TestParseLongInput guards against quadratic paths: a long post of
// many items parses in one pass.
func TestParseLongInput(t *testing.T) {
	long := strings.Repeat("🌍 1.2.3[.]4 (ASN: AS1, ISP: x 🇯🇵) and 1 more (5.6.7[.]8).\n", 2000) +
		strings.Repeat("x", 100000) + "\n" + strings.Repeat("(", 50000)
	r := Parse(long)
	if len(r.Sighting.C2) != 4000 {
		t.Errorf("%d C2s, want 4000", len(r.Sighting.C2))
	}
}

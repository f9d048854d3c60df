package card_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/card"
	"github.com/iocast/iocast/internal/sightingio"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// Golden images may differ from a new rendering by this much: a pixel
// differs when a channel moves by more than pixelTolerance, and at most
// maxDiffering of the pixels may differ (font rasteriser or zlib changes).
const (
	pixelTolerance = 24
	maxDiffering   = 0.002
)

func readSighting(t *testing.T, path string) *intel.Sighting {
	t.Helper()
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

func TestGolden(t *testing.T) {
	type golden struct {
		name, sighting, golden string
		opts                   card.Options
	}
	tests := []golden{
		{"lodeinfo", "../../examples/sightings/lodeinfo.yaml", "lodeinfo.png", card.Options{GoFontsOnly: true}},
		{"plugx", "../../examples/sightings/plugx-campaign.yaml", "plugx-campaign.png", card.Options{GoFontsOnly: true}},
		// Without a CJK font, CJK runes are drawn as boxes.
		{"cjk-gofont", "testdata/cjk.json", "cjk-gofont.png", card.Options{GoFontsOnly: true}},
		// Without an emoji font, emoji are boxes and country codes have no flags.
		{"emoji-gofont", "testdata/emoji.json", "emoji-gofont.png", card.Options{GoFontsOnly: true}},
	}
	// The CJK card as the system draws it, when it has Noto Sans CJK
	// (without flags, so that it does not depend on the emoji font).
	switch cjkFont, err := card.FontUsed(card.Options{}); {
	case err != nil:
		t.Fatal(err)
	case cjkFont == "":
		t.Log("no CJK font found (install fonts-noto-cjk): CJK card compared with the Go fonts only (testdata/cjk-gofont.png)")
	default:
		t.Logf("CJK card drawn with %s, compared to testdata/cjk-noto.png", cjkFont)
		tests = append(tests, golden{"cjk-noto", "testdata/cjk.json", "cjk-noto.png", card.Options{NoEmoji: true}})
	}
	// The emoji card as the system draws it, when it has Noto Color Emoji.
	// Its text is Latin and emoji only, so the CJK font does not matter.
	switch emojiFont, err := card.EmojiFontUsed(card.Options{}); {
	case err != nil:
		t.Fatal(err)
	case emojiFont == "":
		t.Log("no colour emoji font found (install fonts-noto-color-emoji): emoji card compared with the Go fonts only (testdata/emoji-gofont.png)")
	default:
		t.Logf("emoji card drawn with %s, compared to testdata/emoji-noto.png", emojiFont)
		tests = append(tests, golden{"emoji-noto", "testdata/emoji.json", "emoji-noto.png", card.Options{}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := readSighting(t, tt.sighting)
			got, err := card.Render(s, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/card -update to create it)", err)
			}
			compare(t, decode(t, want), decode(t, got))
		})
	}
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// compare fails when more than maxDiffering of the pixels differ by more
// than pixelTolerance in a channel.
func compare(t *testing.T, want, got image.Image) {
	t.Helper()
	if want.Bounds() != got.Bounds() {
		t.Fatalf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	b := want.Bounds()
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r0, g0, b0, _ := want.At(x, y).RGBA()
			r1, g1, b1, _ := got.At(x, y).RGBA()
			if far(r0, r1) || far(g0, g1) || far(b0, b1) {
				differ++
			}
		}
	}
	if frac := float64(differ) / float64(b.Dx()*b.Dy()); frac > maxDiffering {
		t.Errorf("%d pixels (%.3f%%) differ from the golden image; if the change is meant, run go test ./internal/card -update and review the PNGs", differ, 100*frac)
	}
}

func far(a, b uint32) bool {
	a, b = a>>8, b>>8
	return a > b+pixelTolerance || b > a+pixelTolerance
}

func TestRenderSize(t *testing.T) {
	got, err := card.Render(&intel.Sighting{}, card.Options{GoFontsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if b := decode(t, got).Bounds(); b.Dx() != card.Width || b.Dy() != card.Height {
		t.Errorf("size %v, want %dx%d", b, card.Width, card.Height)
	}
}

func TestRoundTrip(t *testing.T) {
	many := &intel.Sighting{Family: "PlugX"}
	for i := range 400 {
		many.C2 = append(many.C2, intel.Endpoint{Value: "c2-" + string(rune('a'+i%26)) + ".example.com", Port: 1 + i})
	}
	for name, s := range map[string]*intel.Sighting{
		"lodeinfo": readSighting(t, "../../examples/sightings/lodeinfo.yaml"),
		"cjk":      readSighting(t, "testdata/cjk.json"),
		"emoji":    readSighting(t, "testdata/emoji.json"),
		"empty":    {},
		"many":     many, // over 8 KiB of JSON: zlib-compressed chunk
	} {
		t.Run(name, func(t *testing.T) {
			b, err := card.Render(s, card.Options{GoFontsOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := card.Extract(b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, got); diff != "" {
				t.Errorf("Extract(Render(s)) differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	good, err := card.Render(&intel.Sighting{Family: "LODEINFO"}, card.Options{GoFontsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := png.Encode(&plain, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	i := bytes.Index(flipped, []byte("LODEINFO"))
	flipped[i] = 'X' // CRC no longer matches
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, intel.ErrInvalid},
		{"not png", []byte("GIF89a"), intel.ErrInvalid},
		{"truncated", good[:len(good)-20], intel.ErrInvalid},
		{"bad crc", flipped, intel.ErrInvalid},
		{"no chunk", plain.Bytes(), intel.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := card.Extract(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("Extract: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestJSONUnchanged(t *testing.T) {
	// The embedded JSON is the sighting's documented JSON form.
	s := readSighting(t, "testdata/cjk.json")
	b, _ := card.Render(s, card.Options{GoFontsOnly: true})
	want, _ := json.Marshal(s)
	if !bytes.Contains(b, want) {
		t.Error("card does not hold the sighting's JSON verbatim")
	}
}

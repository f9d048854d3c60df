package card

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/go-text/typesetting/font"
	"golang.org/x/image/math/fixed"
)

// testEmojiFace returns a face of the system emoji font at size, or skips
// the test (saying so) when there is none.
func testEmojiFace(t *testing.T, size float64) *emojiFace {
	t.Helper()
	f, err := loadEmoji(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f == nil {
		t.Skip("no colour emoji font found (install fonts-noto-color-emoji)")
	}
	return newEmojiFace(&emojiCard{font: f}, size)
}

func TestFlagShapesToOneGlyph(t *testing.T) {
	e := testEmojiFace(t, 28)
	jp, _ := regional("JP")
	run := e.shape(jp)
	if run == nil || len(run.glyphs) != 1 {
		t.Fatalf("🇯🇵 shaped to %+v, want one glyph", run)
	}
	g := run.glyphs[0]
	if g.GlyphID == 0 || g.GlyphID == font.EmptyGlyph {
		t.Fatalf("🇯🇵: glyph %d", g.GlyphID)
	}
	bm, ok := e.face.GlyphDataBitmap(g.GlyphID)
	if !ok || !drawable(bm.Format) || len(bm.Data) == 0 {
		t.Fatalf("🇯🇵: no bitmap (%v, format %d, %d bytes)", ok, bm.Format, len(bm.Data))
	}
	if bm.Format == font.PNG {
		img, err := png.Decode(bytes.NewReader(bm.Data))
		if err != nil {
			t.Fatalf("🇯🇵: bitmap: %v", err)
		}
		if img.Bounds().Dx() < 16 || img.Bounds().Dy() < 16 {
			t.Errorf("🇯🇵: bitmap %v", img.Bounds())
		}
	}
	// At the text size: about one em wide, from above the x-height to
	// below the baseline.
	if w := g.Width.Round(); w < 24 || w > 42 {
		t.Errorf("🇯🇵: %d px wide at 28 px", w)
	}
	if g.YBearing <= fixed.I(14) || g.YBearing+g.Height >= 0 {
		t.Errorf("🇯🇵: from %v to %v about the baseline", g.YBearing, g.YBearing+g.Height)
	}

	if e.flag("JP") != run || e.flag("jp") != run {
		t.Error("flag(JP) is not the shaped 🇯🇵")
	}
	for _, code := range []string{"XX", "ZZ", "J", "JPN", "J1", "", "🇯🇵"} {
		if e.flag(code) != nil {
			t.Errorf("flag(%q): a flag, want none", code)
		}
	}
}

func TestEmojiAt(t *testing.T) {
	e := testEmojiFace(t, 28)
	noText := func(rune) bool { return false }
	hasText := func(rune) bool { return true }
	tests := []struct {
		name, in string
		hasText  func(rune) bool
		want     string // the sequence drawn in colour, "" for none
	}{
		{"flag", "🇯🇵🇺🇸", hasText, "🇯🇵"},
		{"ZWJ family", "👨‍👩‍👧 x", hasText, "👨‍👩‍👧"},
		{"ZWJ flag", "🏴‍☠️!", hasText, "🏴‍☠️"},
		{"tag flag", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", hasText, "🏴󠁧󠁢󠁳󠁣󠁴󠁿"},
		{"skin tone", "👍🏽👍", hasText, "👍🏽"},
		{"keycap", "1️⃣2", hasText, "1️⃣"},
		{"VS16", "❤️", hasText, "❤️"},
		{"emoji presentation", "☕", hasText, "☕"},
		{"SMP", "😀", hasText, "😀"},
		{"trailing ZWJ", "😀\u200d", hasText, "😀"},
		{"text presentation", "©", hasText, ""},
		{"text presentation, no text font", "©", noText, "©"},
		{"VS15", "☺︎", noText, ""},
		{"digit", "1", hasText, ""},
		{"digit, no text font", "1", noText, ""},
		{"latin", "a😀", noText, ""},
		{"CJK", "日本", noText, ""},
		{"lone regional indicator", "🇯", hasText, "🇯"},
		{"empty", "", hasText, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, run := e.at(tt.in, tt.hasText)
			got := tt.in[:n]
			if run == nil {
				got = ""
			}
			if got != tt.want {
				t.Errorf("at(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			if run != nil && tt.name != "lone regional indicator" && len(run.glyphs) != 1 {
				t.Errorf("at(%+q): %d glyphs, want 1", tt.in, len(run.glyphs))
			}
		})
	}
}

func TestEmojiSeq(t *testing.T) {
	all := func(rune) bool { return true }
	tests := []struct{ in, want string }{
		{"🇯🇵🇺🇸", "🇯🇵"},
		{"🇯x", "🇯"},
		{"👨‍👩‍👧x", "👨‍👩‍👧"},
		{"👩🏽‍💻 ", "👩🏽‍💻"},
		{"1️⃣2", "1️⃣"},
		{"😀\u200d", "😀"},
		{"😀\u200d\u200d😀", "😀"},
		{"😀\u200d🇯🇵", "😀"},
		{"😀\ufe0f\ufe0f\ufe0f", "😀\ufe0f\ufe0f\ufe0f"},
		{"\xff\ufe0f", "\xff\ufe0f"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := tt.in[:emojiSeq(tt.in, all)]; got != tt.want {
			t.Errorf("emojiSeq(%+q) = %+q, want %+q", tt.in, got, tt.want)
		}
	}
}

// FuzzEmojiSeq checks that emojiSeq ends on a rune boundary within s and
// at most maxEmojiSeq bytes (and one rune) in.
func FuzzEmojiSeq(f *testing.F) {
	for _, s := range []string{"🇯🇵", "👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣", "a", "", "\xf0\x9f", "😀" + string(make([]byte, 80))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, has := range []func(rune) bool{func(rune) bool { return true }, func(r rune) bool { return r > 0x2000 }} {
			n := emojiSeq(s, has)
			_, first := utf8.DecodeRuneInString(s)
			if n > len(s) || n < first || n > max(first, maxEmojiSeq+8) {
				t.Fatalf("emojiSeq(%+q) = %d", s, n)
			}
			if utf8.ValidString(s) && !utf8.ValidString(s[:n]) {
				t.Fatalf("emojiSeq(%+q) = %d: cuts a rune", s, n)
			}
		}
	})
}

// TestEmojiDraw checks that an emoji is drawn in colour, at whole pixels,
// within its advance and around the baseline, the same wherever it falls.
func TestEmojiDraw(t *testing.T) {
	e := testEmojiFace(t, 28)
	_, run := e.at("😀", func(rune) bool { return false })
	if run == nil {
		t.Fatal("😀 not drawn")
	}
	var boxes []image.Rectangle
	for _, x := range []fixed.Int26_6{fixed.I(10), fixed.I(10) + 17, fixed.I(10) + 40} {
		img := image.NewRGBA(image.Rect(0, 0, 80, 60))
		end := e.draw(img, x, 40, run)
		if end-x != run.adv {
			t.Errorf("draw advanced %v, want %v", end-x, run.adv)
		}
		box, colours := inked(img)
		if colours < 4 {
			t.Errorf("😀 drawn in %d colours", colours)
		}
		if box.Min.X < x.Floor()-1 || box.Max.X > end.Ceil()+1 || box.Min.Y >= 40 || box.Max.Y <= 40 {
			t.Errorf("😀 drawn at %v, from %v to %v, baseline 40", box, x, end)
		}
		boxes = append(boxes, box.Sub(box.Min))
	}
	for _, b := range boxes[1:] {
		if b != boxes[0] {
			t.Errorf("😀 drawn in %v and %v", boxes[0], b)
		}
	}
}

// inked returns the bounds of the pixels drawn in img and how many
// colours they have.
func inked(img *image.RGBA) (image.Rectangle, int) {
	var box image.Rectangle
	colours := map[[4]uint8]bool{}
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if c.A == 0 {
				continue
			}
			box = box.Union(image.Rect(x, y, x+1, y+1))
			colours[[4]uint8{c.R &^ 0x3f, c.G &^ 0x3f, c.B &^ 0x3f, 0}] = true
		}
	}
	return box, len(colours)
}

// TestHostileEmojiFont damages the tables of the system emoji font and
// draws emoji with it: parsing, shaping and drawing return errors or
// draw what they can, and never panic.
func TestHostileEmojiFont(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	e := testEmojiFace(t, 28)
	data, err := os.ReadFile(e.card.font.name)
	if err != nil {
		t.Fatal(err)
	}
	tables := sfntTables(data)
	if len(tables) == 0 {
		t.Fatalf("%s: no table directory", e.card.font.name)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	text := []string{"😀", "🇯🇵", "👨‍👩‍👧", "1️⃣", "❤️", "☕", "👍🏽"}
	for _, tag := range []string{"cmap", "CBLC", "CBDT", "GSUB", "GDEF", "hmtx", "hhea", "maxp", "head", "OS/2", "post"} {
		tb, ok := tables[tag]
		if !ok {
			continue
		}
		for round := range 3 {
			bad := bytes.Clone(data)
			for range 1 + rng.IntN(64) {
				i := tb[0] + rng.IntN(max(1, min(tb[1], 4096)))
				if round == 2 { // anywhere in the table, not only its header
					i = tb[0] + rng.IntN(max(1, tb[1]))
				}
				if i < len(bad) {
					bad[i] = byte(rng.Uint32())
				}
			}
			name := fmt.Sprintf("%s/%d", tag, round)
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s: panic: %v", name, p)
					}
				}()
				ef, err := parseEmoji(bad)
				if err != nil {
					t.Logf("%s: %v", name, err)
					return // refused: fine
				}
				t.Logf("%s: parsed", name)
				ef.name = name
				ec := &emojiCard{font: ef}
				face := newEmojiFace(ec, 28)
				img := image.NewRGBA(image.Rect(0, 0, 400, 60))
				for _, s := range text {
					if n, run := face.at(s, func(rune) bool { return false }); run != nil && n > 0 {
						face.draw(img, fixed.I(10), 40, run)
					}
				}
				face.flag("JP")
			}()
		}
	}
}

// sfntTables returns the offset and length of each table of an OpenType
// font, by tag.
func sfntTables(b []byte) map[string][2]int {
	if len(b) < 12 {
		return nil
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	out := make(map[string][2]int)
	for i := range n {
		r := 12 + 16*i
		if r+16 > len(b) {
			break
		}
		off, length := int(binary.BigEndian.Uint32(b[r+8:])), int(binary.BigEndian.Uint32(b[r+12:]))
		if off <= len(b) {
			out[string(b[r:r+4])] = [2]int{off, min(length, len(b)-off)}
		}
	}
	return out
}

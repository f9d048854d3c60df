// Package card renders the evidence card of a sighting: a 1200×675 PNG
// that shows its family, version, hashes, C2 table, first-seen time,
// source, credit and TLP in type large enough to read in a timeline
// thumbnail, and carries the whole sighting as JSON in an iTXt chunk, so
// that a collector recovers every indicator even when the picture (or the
// post it is attached to) had to leave some out. docs/CARD.md describes
// the card, its fonts and the chunk.
package card

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
	"golang.org/x/image/math/fixed"
)

// Size of the card in pixels: 16:9, as X, Mastodon and Bluesky show
// attached images uncropped.
const (
	Width  = 1200
	Height = 675
)

// Options are the settings of Render.
type Options struct {
	// Font is a TrueType or OpenType font file, or collection (.ttc),
	// that draws the runes the Go fonts lack (CJK). Empty means the first
	// of SystemFonts that exists. The CLI sets it from $IOCAST_CARD_FONT.
	Font string
	// EmojiFont is a colour emoji font file (.ttf or .ttc) with bitmap
	// glyphs, CBDT (Noto Color Emoji) or sbix, that draws emoji in text
	// and the flags beside country codes. Empty means the first of
	// EmojiFonts that exists and holds colour bitmaps; with none, the card
	// is drawn as without EmojiFont. The CLI sets it from
	// $IOCAST_CARD_EMOJI_FONT.
	EmojiFont string
	// NoEmoji draws no colour emoji, ignoring EmojiFont and EmojiFonts:
	// country codes go without flags, and emoji are drawn by the text
	// fonts, as empty boxes where they lack them.
	NoEmoji bool
	// GoFontsOnly draws with the Go fonts alone, ignoring Font,
	// SystemFonts, EmojiFont and EmojiFonts: runes they lack are drawn as
	// empty boxes, and country codes go without flags.
	GoFontsOnly bool
}

// Colours: light text on a dark ground, for contrast when shrunk.
var (
	bg     = color.RGBA{0x0f, 0x17, 0x2a, 0xff}
	fg     = color.RGBA{0xf8, 0xfa, 0xfc, 0xff}
	dim    = color.RGBA{0x94, 0xa3, 0xb8, 0xff}
	accent = color.RGBA{0x7d, 0xd3, 0xfc, 0xff}
	rule   = color.RGBA{0x33, 0x41, 0x55, 0xff}
	black  = color.RGBA{0, 0, 0, 0xff}
)

// TLPColor returns the TLP 2.0 colour of a TLP label: CLEAR (and empty)
// white, GREEN green, AMBER and AMBER+STRICT amber, RED red.
func TLPColor(tlp string) color.RGBA {
	switch strings.ToUpper(tlp) {
	case "GREEN":
		return color.RGBA{0x33, 0xff, 0x00, 0xff}
	case "AMBER", "AMBER+STRICT":
		return color.RGBA{0xff, 0xc0, 0x00, 0xff}
	case "RED":
		return color.RGBA{0xff, 0x2b, 0x2b, 0xff}
	}
	return color.RGBA{0xff, 0xff, 0xff, 0xff}
}

// Render draws the evidence card of s and returns it as a PNG with s
// embedded as JSON (see Extract). Values that do not fit are cut with
// "…", and rows that do not fit are counted in a "+N more" line; the
// embedded JSON always holds everything.
func Render(s *intel.Sighting, opts Options) ([]byte, error) {
	fonts, err := loadFonts(opts)
	if err != nil {
		return nil, err
	}
	st, err := newStyles(fonts)
	if err != nil {
		return nil, err
	}
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, Width, Height))}
	c.fill(c.img.Bounds(), bg)
	drawCard(c, st, s)
	if st.emoji != nil && st.emoji.err != nil {
		return nil, st.emoji.err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, c.img); err != nil {
		return nil, fmt.Errorf("card: encode PNG: %w", err)
	}
	return embed(buf.Bytes(), s)
}

// styles are the faces of the card's text.
type styles struct {
	family, version, badge, label, body, mono, small face
	emoji                                            *emojiCard // shared by the faces; nil without colour emoji
}

func newStyles(f fontSet) (*styles, error) {
	var st styles
	var err error
	if f.emoji != nil {
		st.emoji = &emojiCard{font: f.emoji}
	}
	for _, s := range []struct {
		dst  *face
		size float64
		bold bool
		mono bool
	}{
		{&st.family, 80, true, false},
		{&st.version, 52, false, false},
		{&st.badge, 28, true, false},
		{&st.label, 22, true, false},
		{&st.body, 26, false, false},
		{&st.mono, 24, false, true},
		{&st.small, 22, false, false},
	} {
		primary, extra := f.regular, f.extra
		if s.bold {
			primary, extra = f.bold, f.extraBold
		}
		if s.mono {
			primary = f.mono
		}
		if *s.dst, err = newFace(s.size, st.emoji, primary, extra); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// Layout, in pixels.
const (
	left    = 56
	right   = Width - 48
	top     = 178 // below the header
	bottom  = 596 // above the footer
	rowHash = 34
	rowC2   = 40
	heading = 34
)

func drawCard(c *canvas, st *styles, s *intel.Sighting) {
	tlp := s.TLP
	if tlp == "" {
		tlp = "CLEAR"
	}
	c.fill(image.Rect(0, 0, 20, Height), TLPColor(tlp))
	drawHeader(c, st, s, tlp)
	c.fill(image.Rect(left, top-14, right, top-12), rule)
	drawBody(c, st, s)
	c.fill(image.Rect(left, bottom+2, right, bottom+4), rule)
	drawFooter(c, st, s)
}

// badge draws text in a filled box ending at x (right-aligned), with its
// top at y, and returns the box's left edge.
func badge(c *canvas, fc face, fill, ink color.Color, x, y int, text string) int {
	return flagBadge(c, fc, fill, ink, x, y, nil, text)
}

// flagBadge is badge with a flag (when not nil) before the text.
func flagBadge(c *canvas, fc face, fill, ink color.Color, x, y int, flag *emojiRun, text string) int {
	w := fc.px(text) + 24
	if flag != nil {
		w += flag.adv.Ceil() + flagGap
	}
	r := image.Rect(x-w, y, x, y+42)
	c.fill(r, fill)
	tx := r.Min.X + 12
	if flag != nil {
		fc.emoji.draw(c.img, fixed.I(tx), y+31, flag)
		tx += flag.adv.Ceil() + flagGap
	}
	c.text(fc, ink, tx, y+31, text)
	return r.Min.X
}

// flagGap is the space between a flag and its country code.
const flagGap = 8

// flag returns the colour flag of a country code in fc, or nil when fc
// has no emoji font or the font no flag for the code. The code is always
// drawn too, so that the card reads the same without flags.
func (fc face) flag(code string) *emojiRun {
	if fc.emoji == nil {
		return nil
	}
	return fc.emoji.flag(code)
}

func drawHeader(c *canvas, st *styles, s *intel.Sighting, tlp string) {
	x := badge(c, st.badge, TLPColor(tlp), black, right, 34, "TLP:"+tlp)
	// Targets, as ISO code badges below the TLP one, with their flags.
	tx := right
	for i := len(s.Targets) - 1; i >= 0; i-- {
		tx = flagBadge(c, st.badge, rule, fg, tx, 88, st.badge.flag(s.Targets[i]), s.Targets[i]) - 10
	}
	if len(s.Targets) > 0 {
		tx = c.textRight(st.small, dim, tx, 117, "target")
	}
	family := s.Family
	if family == "" {
		family = "Unknown family"
	}
	maxW := min(x, tx) - 30 - left
	fam := st.family
	famW := fam.px(family)
	verW := 0
	if s.Version != "" {
		verW = st.version.px(s.Version) + 24
	}
	// Keep the family whole when it and the version do not both fit:
	// the version then gives way, cut with "…".
	family = fam.ellipsis(family, maxW)
	famW = min(famW, fam.px(family))
	end := c.text(fam, fg, left, 106, family)
	if s.Version != "" && famW+verW > maxW {
		verW = maxW - famW
	}
	if s.Version != "" && verW > 60 {
		c.text(st.version, accent, end+24, 106, st.version.ellipsis(s.Version, verW-24))
	}
	var sub []string
	if len(s.Aliases) > 0 {
		sub = append(sub, "aka "+strings.Join(s.Aliases, ", "))
	}
	if len(s.Tags) > 0 {
		sub = append(sub, "#"+strings.Join(s.Tags, " #"))
	}
	if len(sub) > 0 {
		c.text(st.body, dim, left, 148, st.body.ellipsis(strings.Join(sub, "   "), min(x, tx)-30-left))
	}
}

// hashLine is one line of the hashes section; label is empty on the
// lines that continue a wrapped value.
type hashLine struct{ label, value string }

func hashLines(st *styles, s *intel.Sighting) []hashLine {
	var out []hashLine
	valueW := right - left - 130
	var all []hashLine
	for _, sm := range s.Samples {
		all = append(all, hashLine{"MD5", sm.MD5}, hashLine{"SHA1", sm.SHA1}, hashLine{"SHA256", sm.SHA256}, hashLine{"SHA512", sm.SHA512}, hashLine{"FILE", sm.Filename})
	}
	for _, ind := range s.Indicators {
		if isHash(ind.Kind) {
			all = append(all, hashLine{strings.ToUpper(string(ind.Kind)), ind.Value})
		}
	}
	for _, h := range all {
		if h.value == "" {
			continue
		}
		v := h.value
		if h.label == "FILE" {
			v = intel.Defang(intel.KindFilename, v)
		}
		for i, l := range st.mono.wrap(v, valueW) {
			label := h.label
			if i > 0 {
				label = ""
			}
			out = append(out, hashLine{label, l})
		}
	}
	return out
}

func isHash(k intel.Kind) bool {
	return k == intel.KindMD5 || k == intel.KindSHA1 || k == intel.KindSHA256 || k == intel.KindSHA512
}

// c2Row is one row of the C2 table.
type c2Row struct{ value, asn, isp, country string }

func c2Rows(s *intel.Sighting) []c2Row {
	var out []c2Row
	for _, e := range s.C2 {
		v := intel.Defang(e.Kind(), e.Value)
		if e.Port != 0 {
			if e.Kind() == intel.KindIPv6 {
				v = "[" + v + "]"
			}
			v += ":" + strconv.Itoa(e.Port)
		}
		out = append(out, c2Row{v, e.ASN, e.ISP, e.Country})
	}
	for _, ind := range s.Indicators {
		if isHash(ind.Kind) {
			continue // in hashLines
		}
		out = append(out, c2Row{value: intel.Defang(ind.Kind, ind.Value), asn: string(ind.Kind)})
	}
	return out
}

// fit returns how many hash lines and C2 rows fit between top and bottom,
// each section giving way in turn, with room for a "+N more" line.
func fit(nh, nc int) (int, int) {
	need := func(h, c int) int {
		n := 0
		if nh > 0 {
			n += heading + h*rowHash
			if h < nh {
				n += rowHash
			}
		}
		if nc > 0 {
			n += 12 + heading + c*rowC2
			if c < nc {
				n += rowC2
			}
		}
		return n
	}
	h, c := nh, nc
	for need(h, c) > bottom-top {
		switch {
		case h > 3:
			h--
		case c > 3:
			c--
		case h > 1:
			h--
		case c > 1:
			c--
		default:
			return h, c
		}
	}
	return h, c
}

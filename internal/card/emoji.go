package card

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/fixed"
)

// emojiCard is what the faces of one card share to draw colour emoji:
// the font, a HarfBuzz shaper, and the first error the font caused.
type emojiCard struct {
	font   *emojiFont
	shaper shaping.HarfbuzzShaper
	err    error // a panic in shaping or decoding: Render returns it
}

// emojiFace draws emoji sequences at one size, as a face's fallback.
type emojiFace struct {
	card   *emojiCard
	face   *font.Face
	size   fixed.Int26_6 // pixels per em
	runs   map[string]*emojiRun
	images map[font.GID]image.Image // decoded bitmaps; nil when not drawable
	scaled map[scaledKey]*image.RGBA
	noFlag font.GID // the font's glyph for an unknown flag, or 0
}

type scaledKey struct {
	gid  font.GID
	w, h int
}

// emojiRun is an emoji sequence shaped: usually one glyph (a flag, a ZWJ
// sequence, a keycap), or the glyphs of its parts when the font has no
// ligature for the whole.
type emojiRun struct {
	glyphs []shaping.Glyph
	adv    fixed.Int26_6
}

// Bounds on what the font and the text may ask for.
const (
	maxEmojiSeq    = 64   // bytes in one emoji sequence (the longest RGI sequences are 44)
	maxEmojiBitmap = 1024 // pixels on a side of a glyph's bitmap
)

func newEmojiFace(ec *emojiCard, size float64) *emojiFace {
	f := font.NewFace(ec.font.font)
	ppem := uint16(size + 0.5)
	f.SetPpem(ppem, ppem) // the smallest strike at least this large
	return &emojiFace{
		card:   ec,
		face:   f,
		size:   fixed.Int26_6(size * 64),
		runs:   make(map[string]*emojiRun),
		images: make(map[font.GID]image.Image),
		scaled: make(map[scaledKey]*image.RGBA),
	}
}

// Runes of emoji sequences (Unicode TS #51).
const (
	zwj        = '\u200d'
	vs15, vs16 = '\ufe0e', '\ufe0f' // text and emoji presentation
	keycap     = '\u20e3'
)

func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// isModifier reports whether r continues an emoji: a variation selector,
// the keycap mark, a skin tone, or a tag (subdivision flags).
func isModifier(r rune) bool {
	return r == vs15 || r == vs16 || r == keycap || r >= 0x1f3fb && r <= 0x1f3ff || r >= 0xe0020 && r <= 0xe007f
}

// emojiSeq returns the length in bytes of the emoji sequence s starts
// with: a pair of regional indicators (a flag), or an emoji with its
// modifiers and any further ones joined by ZWJ, each of which must be in
// the font (has).
func emojiSeq(s string, has func(rune) bool) int {
	r, n := utf8.DecodeRuneInString(s)
	if isRegional(r) {
		if r2, n2 := utf8.DecodeRuneInString(s[n:]); isRegional(r2) {
			return n + n2
		}
		return n
	}
	i := n
	for i < len(s) && i < maxEmojiSeq {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isModifier(r) {
			i += n
			continue
		}
		if r != zwj {
			break
		}
		r2, n2 := utf8.DecodeRuneInString(s[i+n:])
		if n2 == 0 || !has(r2) || isModifier(r2) || r2 == zwj || isRegional(r2) {
			break
		}
		i += n + n2
	}
	return i
}

// at returns the emoji sequence s starts with, shaped, and its length in
// bytes, or nil when s does not start with one drawn in colour. A
// sequence is drawn in colour when the font has it and it asks for
// emoji presentation: by VS16, a skin tone, keycap, ZWJ or tag, by being
// a flag, or, for a single emoji, by default (emojiPresentation), by
// being from U+1F000 up, where text fonts seldom have anything, or by
// being in no text face (hasText). VS15 asks for text presentation.
func (e *emojiFace) at(s string, hasText func(rune) bool) (_ int, run *emojiRun) {
	if e.card.err != nil {
		return 0, nil
	}
	defer func() {
		if e.fault(recover(), s) {
			run = nil
		}
	}()
	r, n := utf8.DecodeRuneInString(s)
	if r < 0x80 {
		// Only keycaps (#️⃣, 1️⃣) and such: # * 0-9 then VS16 or U+20E3.
		if next, _ := utf8.DecodeRuneInString(s[n:]); next != vs16 && next != keycap {
			return 0, nil
		}
	}
	if !e.has(r) {
		return 0, nil
	}
	m := emojiSeq(s, e.has)
	seq := s[:m]
	if strings.ContainsRune(seq, vs15) || m == n && r < 0x1f000 && !emojiPresentation(r) && hasText(r) {
		return 0, nil
	}
	if run := e.shape(seq); run != nil {
		return m, run
	}
	return 0, nil
}

// fault records a panic of the font code (p, from recover) while drawing
// text as the card's error, and reports whether there was one.
func (e *emojiFace) fault(p any, text string) bool {
	if p == nil {
		return false
	}
	if e.card.err == nil {
		e.card.err = fmt.Errorf("card: emoji font %s: malformed font (drawing %+q: %v)", e.card.font.name, text[:min(len(text), maxEmojiSeq)], p)
	}
	return true
}

func (e *emojiFace) has(r rune) bool {
	_, ok := e.face.NominalGlyph(r)
	return ok
}

// shape shapes seq with HarfBuzz, or returns nil when a glyph is missing
// (.notdef) or has no bitmap Render can draw.
func (e *emojiFace) shape(seq string) *emojiRun {
	if run, ok := e.runs[seq]; ok {
		return run
	}
	run := e.shapeNew(seq)
	e.runs[seq] = run
	return run
}

func (e *emojiFace) shapeNew(seq string) (run *emojiRun) {
	text := []rune(seq)
	out := e.card.shaper.Shape(shaping.Input{
		Text:      text,
		RunStart:  0,
		RunEnd:    len(text),
		Direction: di.DirectionLTR,
		Face:      e.face,
		Size:      e.size,
		Script:    language.Common,
	})
	if len(out.Glyphs) == 0 {
		return nil
	}
	run = &emojiRun{glyphs: out.Glyphs}
	for _, g := range out.Glyphs {
		switch {
		case g.GlyphID == 0:
			return nil
		case g.GlyphID != font.EmptyGlyph && g.Width != 0 && e.image(g.GlyphID) == nil:
			return nil
		}
		run.adv += max(0, min(g.Advance, 4*e.size))
	}
	return run
}

// image returns the decoded bitmap of gid, or nil when it has none that
// Render can draw.
func (e *emojiFace) image(gid font.GID) image.Image {
	if img, ok := e.images[gid]; ok {
		return img
	}
	var img image.Image
	if bm, ok := e.face.GlyphDataBitmap(gid); ok && drawable(bm.Format) {
		img = decodeBitmap(bm)
	}
	e.images[gid] = img
	return img
}

// decodeBitmap decodes a PNG or JPEG glyph bitmap no larger than
// maxEmojiBitmap on a side, or returns nil.
func decodeBitmap(bm font.GlyphBitmap) image.Image {
	decodeConfig, decode := png.DecodeConfig, png.Decode
	if bm.Format == font.JPG {
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	}
	cfg, err := decodeConfig(bytes.NewReader(bm.Data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxEmojiBitmap || cfg.Height > maxEmojiBitmap {
		return nil
	}
	img, err := decode(bytes.NewReader(bm.Data))
	if err != nil {
		return nil
	}
	return img
}

// draw draws run with its origin at x on baseline y and returns the x
// after it. Each bitmap is scaled (Catmull-Rom, which filters when
// shrinking) to the glyph's box at the face's size, with the box's
// corner on whole pixels so that emoji stay sharp and the same size
// wherever they fall.
func (e *emojiFace) draw(dst *image.RGBA, x fixed.Int26_6, y int, run *emojiRun) fixed.Int26_6 {
	for _, g := range run.glyphs {
		if img := e.glyph(g); img != nil {
			x0 := (x + g.XOffset + g.XBearing).Round()
			y0 := (fixed.I(y) - g.YOffset - g.YBearing).Round()
			draw.Draw(dst, img.Bounds().Add(image.Pt(x0, y0)), img, image.Point{}, draw.Over)
		}
		x += max(0, min(g.Advance, 4*e.size))
	}
	return x
}

// glyph returns the bitmap of g scaled to its box, or nil.
func (e *emojiFace) glyph(g shaping.Glyph) *image.RGBA {
	if g.GlyphID == font.EmptyGlyph {
		return nil
	}
	w, h := g.Width.Round(), (-g.Height).Round()
	if limit := 4 * e.size.Ceil(); w <= 0 || h <= 0 || w > limit || h > limit {
		return nil
	}
	k := scaledKey{g.GlyphID, w, h}
	if img, ok := e.scaled[k]; ok {
		return img
	}
	var img *image.RGBA
	if src := e.image(g.GlyphID); src != nil {
		img = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(img, img.Bounds(), src, src.Bounds(), draw.Src, nil)
	}
	e.scaled[k] = img
	return img
}

// flag returns the flag of an ISO 3166 alpha-2 country code, shaped, or
// nil when the font has none for it: it must be one glyph, and not the
// one the font draws for any pair of letters that is not a flag.
func (e *emojiFace) flag(code string) (run *emojiRun) {
	seq, ok := regional(code)
	if !ok || e.card.err != nil {
		return nil
	}
	defer func() {
		if e.fault(recover(), seq) {
			run = nil
		}
	}()
	run = e.shape(seq)
	if run == nil || len(run.glyphs) != 1 {
		return nil
	}
	if e.noFlag == 0 {
		e.noFlag = font.EmptyGlyph // none, until found
		zz, _ := regional("ZZ")    // CLDR's "unknown region"
		if r := e.shape(zz); r != nil && len(r.glyphs) == 1 {
			e.noFlag = r.glyphs[0].GlyphID
		}
	}
	if run.glyphs[0].GlyphID == e.noFlag {
		return nil
	}
	return run
}

// regional returns the regional indicator pair of a two-letter code.
func regional(code string) (string, bool) {
	if len(code) != 2 {
		return "", false
	}
	var b strings.Builder
	for i := range 2 {
		c := code[i] &^ 0x20 // upper case
		if c < 'A' || c > 'Z' {
			return "", false
		}
		b.WriteRune(0x1f1e6 + rune(c-'A'))
	}
	return b.String(), true
}

// emojiPresentation reports whether r, below U+1F000, is shown as emoji
// by default: Emoji_Presentation=Yes in Unicode's emoji-data.txt (15.0;
// later versions add none below U+1F000). Others, such as ©, ™ and ☺,
// are drawn by the text fonts when they have them.
func emojiPresentation(r rune) bool {
	_, found := slices.BinarySearchFunc(emojiPresentationBMP[:], r, func(rg [2]rune, r rune) int {
		switch {
		case rg[1] < r:
			return -1
		case rg[0] > r:
			return 1
		}
		return 0
	})
	return found
}

var emojiPresentationBMP = [...][2]rune{
	{0x231a, 0x231b}, {0x23e9, 0x23ec}, {0x23f0, 0x23f0}, {0x23f3, 0x23f3},
	{0x25fd, 0x25fe}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267f, 0x267f},
	{0x2693, 0x2693}, {0x26a1, 0x26a1}, {0x26aa, 0x26ab}, {0x26bd, 0x26be},
	{0x26c4, 0x26c5}, {0x26ce, 0x26ce}, {0x26d4, 0x26d4}, {0x26ea, 0x26ea},
	{0x26f2, 0x26f3}, {0x26f5, 0x26f5}, {0x26fa, 0x26fa}, {0x26fd, 0x26fd},
	{0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728}, {0x274c, 0x274c},
	{0x274e, 0x274e}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27b0, 0x27b0}, {0x27bf, 0x27bf}, {0x2b1b, 0x2b1c}, {0x2b50, 0x2b50},
	{0x2b55, 0x2b55},
}

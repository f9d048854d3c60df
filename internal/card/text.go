package card

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/math/fixed"
)

// canvas is the card's image and the text drawing on it.
type canvas struct {
	img *image.RGBA
}

func (c *canvas) fill(r image.Rectangle, col color.Color) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// box draws the outline of r, w pixels wide.
func (c *canvas) box(r image.Rectangle, w int, col color.Color) {
	c.fill(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+w), col)
	c.fill(image.Rect(r.Min.X, r.Max.Y-w, r.Max.X, r.Max.Y), col)
	c.fill(image.Rect(r.Min.X, r.Min.Y, r.Min.X+w, r.Max.Y), col)
	c.fill(image.Rect(r.Max.X-w, r.Min.Y, r.Max.X, r.Max.Y), col)
}

// tofu is the advance of a rune no face has, drawn as an empty box.
func (fc face) tofu() fixed.Int26_6 {
	if len(fc.text) == 0 {
		return 0
	}
	return fc.text[0].Metrics().Height * 3 / 5
}

// unit returns the first unit of text of s and its length in bytes: a
// rune, or an emoji sequence drawn in colour (then em is not nil).
// Without an emoji font every unit is one rune.
func (fc face) unit(s string) (n int, r rune, em *emojiRun) {
	if fc.emoji != nil {
		if n, em := fc.emoji.at(s, fc.hasText); em != nil {
			return n, 0, em
		}
	}
	r, n = utf8.DecodeRuneInString(s)
	return n, r, nil
}

func (fc face) hasText(r rune) bool { return fc.pick(r) != nil }

// unitAdvance returns the advance of a unit.
func (fc face) unitAdvance(r rune, em *emojiRun) fixed.Int26_6 {
	if em != nil {
		return em.adv
	}
	return fc.advance(r)
}

// width returns the advance of s in fc.
func (fc face) width(s string) fixed.Int26_6 {
	var w fixed.Int26_6
	for i := 0; i < len(s); {
		n, r, em := fc.unit(s[i:])
		w += fc.unitAdvance(r, em)
		i += n
	}
	return w
}

// px returns the advance of s in whole pixels, rounded up.
func (fc face) px(s string) int { return fc.width(s).Ceil() }

// text draws s with its baseline at y from x and returns the x after it.
func (c *canvas) text(fc face, col color.Color, x, y int, s string) int {
	src := image.NewUniform(col)
	dot := fixed.P(x, y)
	for i := 0; i < len(s); {
		n, r, em := fc.unit(s[i:])
		i += n
		if em != nil {
			dot.X = fc.emoji.draw(c.img, dot.X, y, em)
			continue
		}
		f := fc.pick(r)
		if f == nil {
			a := fc.tofu()
			asc := fc.text[0].Metrics().Ascent.Ceil()
			c.box(image.Rect(dot.X.Round()+2, y-asc*3/4, (dot.X+a).Round()-2, y), 2, col)
			dot.X += a
			continue
		}
		dr, mask, mp, adv, ok := f.Glyph(dot, r)
		if ok {
			draw.DrawMask(c.img, dr, src, image.Point{}, mask, mp, draw.Over)
		}
		dot.X += adv
	}
	return dot.X.Ceil()
}

// textRight draws s so that it ends at x and returns where it starts.
func (c *canvas) textRight(fc face, col color.Color, x, y int, s string) int {
	x0 := x - fc.px(s)
	c.text(fc, col, x0, y, s)
	return x0
}

// advance returns the advance of r in fc.
func (fc face) advance(r rune) fixed.Int26_6 {
	if f := fc.pick(r); f != nil {
		a, _ := f.GlyphAdvance(r)
		return a
	}
	return fc.tofu()
}

// ellipsis shortens s to fit in w pixels, marking the cut with "…" so
// that no value is shortened silently. An emoji sequence is kept whole
// or cut whole.
func (fc face) ellipsis(s string, w int) string {
	if fc.px(s) <= w {
		return s
	}
	limit := fixed.I(w) - fc.advance('…')
	var x fixed.Int26_6
	for i := 0; i < len(s); {
		n, r, em := fc.unit(s[i:])
		x += fc.unitAdvance(r, em)
		if x > limit {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		i += n
	}
	return s
}

// wrap splits s into lines of at most w pixels (at least one unit each),
// breaking between runes (never inside an emoji sequence): for hashes and
// other single tokens, whose every character matters.
func (fc face) wrap(s string, w int) []string {
	var lines []string
	var x fixed.Int26_6
	start := 0
	for i := 0; i < len(s); {
		n, r, em := fc.unit(s[i:])
		a := fc.unitAdvance(r, em)
		if x+a > fixed.I(w) && i > start {
			lines = append(lines, s[start:i])
			start, x = i, 0
		}
		x += a
		i += n
	}
	return append(lines, s[start:])
}

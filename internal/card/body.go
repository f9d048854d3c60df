package card

import (
	"fmt"
	"image"
	"strings"

	"github.com/iocast/iocast/intel"
	"golang.org/x/image/math/fixed"
)

// Columns of the C2 table.
const (
	colASN     = left + 550
	colISP     = left + 700
	colCountry = right
)

func drawBody(c *canvas, st *styles, s *intel.Sighting) {
	hashes, rows := hashLines(st, s), c2Rows(s)
	nh, nc := fit(len(hashes), len(rows))
	y := top
	if len(hashes) > 0 {
		c.text(st.label, dim, left, y+22, "SAMPLE")
		y += heading
		for _, h := range hashes[:nh] {
			c.text(st.label, dim, left, y+26, h.label)
			c.text(st.mono, fg, left+130, y+26, h.value)
			y += rowHash
		}
		if nh < len(hashes) {
			c.text(st.small, accent, left+130, y+26, more(values(hashes[nh:]), "values"))
			y += rowHash
		}
		y += 12
	}
	if len(rows) == 0 {
		return
	}
	title := "C2"
	if len(s.C2) == 0 {
		title = "INDICATORS"
	}
	c.text(st.label, dim, left, y+22, title+" (defanged)")
	c.text(st.label, dim, colASN, y+22, "ASN")
	c.text(st.label, dim, colISP, y+22, "ISP")
	c.textRight(st.label, dim, colCountry, y+22, "COUNTRY")
	y += heading
	for i, r := range rows[:nc] {
		if i%2 == 0 {
			c.fill(image.Rect(left-10, y, right+8, y+rowC2), rule)
		}
		c.text(st.mono, fg, left, y+29, st.mono.ellipsis(r.value, colASN-left-20))
		c.text(st.body, fg, colASN, y+30, st.body.ellipsis(r.asn, colISP-colASN-12))
		// The country code in a box, and its flag (when there is an emoji
		// font) before it: the ISP gives way.
		cc := st.badge
		ispW := colCountry - colISP - 62
		flag := cc.flag(r.country)
		flagX := 0
		if flag != nil {
			flagX = colCountry - cc.px(r.country) - 16 - flagGap - flag.adv.Ceil()
			ispW = flagX - 12 - colISP
		}
		c.text(st.body, fg, colISP, y+30, st.body.ellipsis(r.isp, ispW))
		if r.country != "" {
			x := colCountry - cc.px(r.country) - 16
			c.box(image.Rect(x, y+4, colCountry, y+rowC2-4), 2, accent)
			c.text(cc, accent, x+8, y+30, r.country)
		}
		if flag != nil {
			cc.emoji.draw(c.img, fixed.I(flagX), y+30, flag)
		}
		y += rowC2
	}
	if nc < len(rows) {
		c.text(st.small, accent, left, y+28, more(len(rows)-nc, "rows"))
	}
}

// values counts the values in lines, a wrapped value once.
func values(lines []hashLine) int {
	n := 0
	for i, l := range lines {
		if l.label != "" || i == 0 {
			n++
		}
	}
	return n
}

func more(n int, what string) string {
	return fmt.Sprintf("+%d more %s — every value is in the JSON embedded in this image", n, what)
}

func drawFooter(c *canvas, st *styles, s *intel.Sighting) {
	y := Height - 36
	x := left
	item := func(label, value string, maxW int) {
		if value == "" || maxW < 140 {
			return
		}
		x = c.text(st.small, dim, x, y, label+" ")
		x = c.text(st.small, fg, x, y, st.small.ellipsis(value, maxW-st.small.px(label+" ")))
		x += 28
	}
	mark := "iocast · data embedded"
	markX := right - st.small.px(mark)
	c.text(st.small, dim, markX, y, mark)
	if s.Observed != nil {
		t := s.Observed.UTC()
		f := "2006-01-02 15:04 UTC"
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			f = "2006-01-02"
		}
		item("first seen", t.Format(f), 400)
	}
	if s.Credit != "" {
		item("H/T", s.Credit, markX-x-40)
	}
	if s.Source != "" {
		item("source", sourceText(s.Source), markX-x-40)
	}
}

// sourceText shows the source without its scheme, which is noise here.
func sourceText(src string) string {
	for _, p := range []string{"https://", "http://"} {
		if s, ok := strings.CutPrefix(src, p); ok {
			return s
		}
	}
	return src
}

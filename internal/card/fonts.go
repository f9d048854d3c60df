package card

import (
	"bytes"
	"fmt"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// SystemFonts are the files searched, in order, for the font that draws
// what the Go fonts cannot (CJK above all) when Options.Font is empty:
// Debian's and Ubuntu's fonts-noto-cjk first, then the paths Fedora and
// Arch use for the same fonts. The first regular font found is used; the
// bold one beside it is used for headings when present.
var SystemFonts = []struct{ Regular, Bold string }{
	{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"},
	{"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"},
	{"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"},
}

// fontSet is the parsed fonts a card is drawn with. Latin text is always
// drawn with the Go fonts so that cards look the same everywhere; extra
// (which may be nil) draws every rune they lack.
type fontSet struct {
	regular, bold, mono *opentype.Font
	extra, extraBold    *opentype.Font
	extraName           string     // file of extra, for FontUsed
	emoji               *emojiFont // colour emoji, or nil
}

var (
	goFonts     fontSet
	goFontsErr  error
	goFontsOnce sync.Once

	systemFonts     fontSet
	systemFontsErr  error
	systemFontsOnce sync.Once
)

func loadGoFonts() (fontSet, error) {
	goFontsOnce.Do(func() {
		var fs fontSet
		for _, f := range []struct {
			dst **opentype.Font
			src []byte
		}{{&fs.regular, goregular.TTF}, {&fs.bold, gobold.TTF}, {&fs.mono, gomono.TTF}} {
			p, err := opentype.Parse(f.src)
			if err != nil {
				goFontsErr = fmt.Errorf("card: parse Go font: %w", err)
				return
			}
			*f.dst = p
		}
		goFonts = fs
	})
	return goFonts, goFontsErr
}

// loadFonts returns the fonts for opts: the Go fonts plus opts.Font, or
// the first of SystemFonts found, and the colour emoji font (loadEmoji),
// unless opts.GoFontsOnly.
func loadFonts(opts Options) (fontSet, error) {
	fs, err := loadTextFonts(opts)
	if err != nil {
		return fs, err
	}
	fs.emoji, err = loadEmoji(opts)
	return fs, err
}

// loadTextFonts returns the Go fonts plus opts.Font, or the first of
// SystemFonts found, unless opts.GoFontsOnly.
func loadTextFonts(opts Options) (fontSet, error) {
	fs, err := loadGoFonts()
	if err != nil || opts.GoFontsOnly {
		return fs, err
	}
	if opts.Font != "" {
		f, err := parseFontFile(opts.Font)
		if err != nil {
			return fontSet{}, err
		}
		fs.extra, fs.extraBold, fs.extraName = f, f, opts.Font
		return fs, nil
	}
	systemFontsOnce.Do(func() {
		systemFonts = fs
		for _, sf := range SystemFonts {
			if _, err := os.Stat(sf.Regular); err != nil {
				continue
			}
			f, err := parseFontFile(sf.Regular)
			if err != nil {
				systemFontsErr = err
				return
			}
			systemFonts.extra, systemFonts.extraBold, systemFonts.extraName = f, f, sf.Regular
			if b, err := parseFontFile(sf.Bold); err == nil {
				systemFonts.extraBold = b
			}
			return
		}
	})
	return systemFonts, systemFontsErr
}

// parseFontFile parses a TrueType or OpenType font, or the first font of
// a collection (.ttc: for Noto Sans CJK, the Japanese one).
func parseFontFile(path string) (*opentype.Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("card: font: %w", err)
	}
	if bytes.HasPrefix(data, []byte("ttcf")) {
		c, err := opentype.ParseCollection(data)
		if err != nil {
			return nil, fmt.Errorf("card: font %s: %w", path, err)
		}
		f, err := c.Font(0)
		if err != nil {
			return nil, fmt.Errorf("card: font %s: %w", path, err)
		}
		return f, nil
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("card: font %s: %w", path, err)
	}
	return f, nil
}

// FontUsed returns the file of the font that draws what the Go fonts
// cannot (CJK), as Render would pick it for opts, or "" when the Go fonts
// alone are used (then such runes are drawn as empty boxes). Colour
// emoji have their own font: EmojiFontUsed.
func FontUsed(opts Options) (string, error) {
	fs, err := loadTextFonts(opts)
	return fs.extraName, err
}

// face draws text at one size: each rune with the first of its text
// faces that has a glyph for it, and emoji sequences (see emojiFace.at)
// with the colour emoji font, when there is one.
type face struct {
	text  []font.Face
	emoji *emojiFace // nil: no colour emoji
}

// newFace returns the face of fonts (nil ones skipped) at size pixels per
// em, with colour emoji from ec when it is not nil.
func newFace(size float64, ec *emojiCard, fonts ...*opentype.Font) (face, error) {
	var fc face
	for _, f := range fonts {
		if f == nil {
			continue
		}
		ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return face{}, fmt.Errorf("card: font face: %w", err)
		}
		fc.text = append(fc.text, ff)
	}
	if ec != nil {
		fc.emoji = newEmojiFace(ec, size)
	}
	return fc, nil
}

// pick returns the text face that draws r, or nil when none has it.
func (fc face) pick(r rune) font.Face {
	for _, f := range fc.text {
		if _, ok := f.GlyphAdvance(r); ok {
			return f
		}
	}
	return nil
}

package card

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// EmojiFonts are the files searched, in order, for the colour emoji font
// when Options.EmojiFont is empty: Noto Color Emoji as Debian and Ubuntu
// (fonts-noto-color-emoji), Arch and Alpine, and Fedora up to 42 install
// it. The first that exists and holds colour bitmaps is used; one that
// does not (a COLR-only build, as Fedora 43's Noto-COLRv1.ttf) is passed
// over.
var EmojiFonts = []string{
	"/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
	"/usr/share/fonts/noto/NotoColorEmoji.ttf",
	"/usr/share/fonts/google-noto-color-emoji-fonts/NotoColorEmoji.ttf",
	"/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",
}

// MaxEmojiFont is the largest emoji font file read, in bytes
// (NotoColorEmoji.ttf is 11 MB). A font is untrusted input: a larger
// file, or one that does not parse, is an error, never a panic.
const MaxEmojiFont = 64 << 20

// emojiFont is a parsed colour emoji font. A *font.Font is safe for
// concurrent use; the faces, shaper and caches built on it per card
// (emojiFace) are not.
type emojiFont struct {
	font *font.Font
	name string // file, for EmojiFontUsed
}

// fileStamp tells whether a font file changed since it was parsed.
type fileStamp struct {
	size int64
	mod  time.Time
}

// emojiCache keeps the last emoji font parsed, so that each card does not
// read it again, and the system fonts that were passed over.
var emojiCache struct {
	sync.Mutex
	path    string
	stamp   fileStamp
	font    *emojiFont
	skipped map[string]fileStamp
}

// loadEmoji returns the colour emoji font for opts, or nil when there is
// none: with GoFontsOnly or NoEmoji, or when no file of EmojiFonts exists
// or holds colour bitmaps. A named opts.EmojiFont that cannot be used is
// an error.
func loadEmoji(opts Options) (*emojiFont, error) {
	if opts.GoFontsOnly || opts.NoEmoji {
		return nil, nil
	}
	if opts.EmojiFont != "" {
		return openEmoji(opts.EmojiFont, false)
	}
	for _, path := range EmojiFonts {
		f, err := openEmoji(path, true)
		if err == nil && f != nil {
			return f, nil
		}
	}
	return nil, nil
}

// openEmoji reads and parses the emoji font at path, or returns the one
// parsed before if the file has not changed. With system, a missing or
// unusable file is nil without error, and remembered as such.
func openEmoji(path string, system bool) (*emojiFont, error) {
	f, err := os.Open(path)
	if err != nil {
		if system {
			return nil, nil
		}
		return nil, fmt.Errorf("card: emoji font: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		if system {
			return nil, nil
		}
		return nil, fmt.Errorf("card: emoji font: %w", err)
	}
	stamp := fileStamp{fi.Size(), fi.ModTime()}
	emojiCache.Lock()
	defer emojiCache.Unlock()
	if emojiCache.font != nil && emojiCache.path == path && emojiCache.stamp == stamp {
		return emojiCache.font, nil
	}
	if s, ok := emojiCache.skipped[path]; ok && system && s == stamp {
		return nil, nil
	}
	ef, err := readEmoji(f, fi)
	if err != nil {
		err = fmt.Errorf("card: emoji font %s: %w", path, err)
		if system {
			if emojiCache.skipped == nil {
				emojiCache.skipped = make(map[string]fileStamp)
			}
			emojiCache.skipped[path] = stamp
			return nil, nil
		}
		return nil, err
	}
	ef.name = path
	emojiCache.path, emojiCache.stamp, emojiCache.font = path, stamp, ef
	return ef, nil
}

func readEmoji(f *os.File, fi os.FileInfo) (*emojiFont, error) {
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > MaxEmojiFont {
		return nil, fmt.Errorf("%d bytes, more than the %d MiB read", fi.Size(), MaxEmojiFont>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxEmojiFont+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxEmojiFont {
		return nil, fmt.Errorf("more than the %d MiB read", MaxEmojiFont>>20)
	}
	return parseEmoji(data)
}

// parseEmoji parses a font, or the first font of a collection, and checks
// that it draws emoji from colour bitmaps (CBDT or sbix): it must have one
// for 😀. A panic of the parser on a malformed file is an error.
func parseEmoji(data []byte) (ef *emojiFont, err error) {
	defer func() {
		if p := recover(); p != nil {
			ef, err = nil, fmt.Errorf("malformed font (%v)", p)
		}
	}()
	lds, err := ot.NewLoaders(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if len(lds) == 0 {
		return nil, errors.New("no font in the file")
	}
	ft, err := font.NewFont(lds[0])
	if err != nil {
		return nil, err
	}
	face := font.NewFace(ft)
	gid, ok := face.NominalGlyph('😀')
	if !ok {
		return nil, errors.New("not an emoji font (no glyph for U+1F600)")
	}
	if bm, ok := face.GlyphDataBitmap(gid); !ok || !drawable(bm.Format) {
		return nil, errors.New("no colour bitmaps (CBDT or sbix PNG); COLR and SVG emoji are not drawn")
	}
	return &emojiFont{font: ft}, nil
}

// drawable reports whether a bitmap glyph's format is one Render decodes.
func drawable(f font.BitmapFormat) bool { return f == font.PNG || f == font.JPG }

// EmojiFontUsed returns the file of the colour emoji font Render would
// use for opts, or "" when it draws no colour emoji (then flags are left
// out beside country codes, and emoji the text fonts lack are empty
// boxes).
func EmojiFontUsed(opts Options) (string, error) {
	f, err := loadEmoji(opts)
	if f == nil {
		return "", err
	}
	return f.name, err
}

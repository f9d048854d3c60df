package card_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iocast/iocast/internal/card"
	"golang.org/x/image/font/gofont/goregular"
)

// TestNoEmojiFont checks that without an emoji font a card is drawn byte
// for byte as with NoEmoji, which draws as iocast did before it drew
// emoji: flags left out, emoji as the text fonts draw them (the Go-fonts
// golden PNGs, made before, still match).
func TestNoEmojiFont(t *testing.T) {
	dir := t.TempDir()
	notEmoji := filepath.Join(dir, "GoRegular.ttf") // a font, but no emoji: passed over
	if err := os.WriteFile(notEmoji, goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	saved := card.EmojiFonts
	card.EmojiFonts = []string{filepath.Join(dir, "missing.ttf"), notEmoji, dir}
	t.Cleanup(func() { card.EmojiFonts = saved })

	if used, err := card.EmojiFontUsed(card.Options{}); used != "" || err != nil {
		t.Fatalf("EmojiFontUsed = %q, %v; want none", used, err)
	}
	for _, in := range []string{"testdata/emoji.json", "testdata/cjk.json"} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			s := readSighting(t, in)
			want, err := card.Render(s, card.Options{NoEmoji: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := card.Render(s, card.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Error("card without an emoji font differs from the card with NoEmoji")
			}
		})
	}
}

// TestGoFontsOnlyIgnoresEmojiFont checks that GoFontsOnly and NoEmoji
// do not even open EmojiFont.
func TestGoFontsOnlyIgnoresEmojiFont(t *testing.T) {
	s := readSighting(t, "testdata/emoji.json")
	want, err := card.Render(s, card.Options{GoFontsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []card.Options{
		{GoFontsOnly: true, EmojiFont: "testdata/missing.ttf"},
		{NoEmoji: true, GoFontsOnly: true, EmojiFont: "testdata/cjk.json"},
	} {
		got, err := card.Render(s, opts)
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%+v: card differs from the Go-fonts card", opts)
		}
	}
}

// TestEmojiFontErrors checks that an EmojiFont that cannot be used is an
// error (not a panic, nor a silent fallback), from EmojiFontUsed and
// Render alike.
func TestEmojiFontErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	huge := filepath.Join(dir, "huge.ttf")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, card.MaxEmojiFont+1); err != nil { // sparse
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "missing.ttf"), "no such file"},
		{"directory", dir, "not a regular file"},
		{"empty", write("empty.ttf", nil), "emoji font"},
		{"not a font", "testdata/cjk.json", "emoji font"},
		{"no emoji", write("go.ttf", goregular.TTF), "not an emoji font"},
		{"truncated", write("cut.ttf", goregular.TTF[:len(goregular.TTF)/3]), "emoji font"},
		{"too large", huge, "MiB"},
	}
	if noto := systemEmojiFont(t); noto != "" {
		b, err := os.ReadFile(noto)
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, path, want string }{"truncated noto", write("noto-cut.ttf", b[:1<<20]), "emoji font"})
	}
	s := readSighting(t, "testdata/emoji.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := card.Options{EmojiFont: tt.path}
			used, err := card.EmojiFontUsed(opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("EmojiFontUsed = %q, %v; want an error with %q", used, err, tt.want)
			}
			if tt.name == "missing" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %v does not wrap fs.ErrNotExist", err)
			}
			if _, err := card.Render(s, opts); err == nil {
				t.Error("Render: no error")
			}
		})
	}
}

// TestEmojiCardDeterministic checks that a card with emoji is the same
// byte for byte each time it is drawn.
func TestEmojiCardDeterministic(t *testing.T) {
	font := systemEmojiFont(t)
	if font == "" {
		t.Skip("no emoji font")
	}
	s := readSighting(t, "testdata/emoji.json")
	opts := card.Options{EmojiFont: font}
	a, err := card.Render(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := card.Render(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the emoji card differ")
	}
}

// systemEmojiFont returns the emoji font Render finds, or "" (logged).
func systemEmojiFont(t *testing.T) string {
	t.Helper()
	f, err := card.EmojiFontUsed(card.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f == "" {
		t.Log("no colour emoji font found (install fonts-noto-color-emoji): tests with it skipped")
	}
	return f
}

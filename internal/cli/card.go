package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/card"
)

// cardFlags are the flags of "iocast card".
type cardFlags struct {
	output, font string
	goFontsOnly  bool
}

func (f *cardFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.output, "o", "", "write the PNG to `FILE` (- for standard output)")
	fs.StringVar(&f.font, "font", "", "draw the runes the Go fonts lack (CJK) with the font `FILE` (.ttf, .otf or .ttc; default $IOCAST_CARD_FONT, then Noto Sans CJK)")
	fs.BoolVar(&f.goFontsOnly, "go-fonts-only", false, "draw with the built-in Go fonts only: CJK text becomes boxes, and there are no colour emoji or flags")
}

// cardCmd runs "iocast card".
func (e *env) cardCmd(ctx context.Context, args []string) error {
	var f cardFlags
	var ef enrichFlags // --ipdb, --online, … as for compose
	fs := newFlagSet("card")
	f.define(fs)
	ef.define(fs)
	if done, err := e.parse("card", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("card takes one sighting FILE, or - for standard input")
	}
	if f.output == "" {
		return usageErrorf("card needs -o FILE for the PNG (- for standard output)")
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	s, err := e.readSighting(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := e.enrichSighting(ctx, s, cfg.Enrich, &ef, setFlags(fs)); err != nil {
		return err
	}
	opts := card.Options{Font: f.font, EmojiFont: os.Getenv("IOCAST_CARD_EMOJI_FONT"), GoFontsOnly: f.goFontsOnly}
	if opts.Font == "" {
		opts.Font = os.Getenv("IOCAST_CARD_FONT")
	}
	if used, err := card.FontUsed(opts); err == nil {
		emoji, _ := card.EmojiFontUsed(opts)
		e.log.Debug("card: fonts", "cjk", used, "emoji", emoji)
	}
	png, err := card.Render(s, opts)
	if err != nil {
		return withHint(fmt.Errorf("card: %w", err), "set --font or IOCAST_CARD_FONT (CJK) and IOCAST_CARD_EMOJI_FONT (colour emoji) to readable font files, or unset them; see docs/CARD.md")
	}
	if f.output == "-" {
		_, err := e.stdout.Write(png)
		return err
	}
	if err := os.WriteFile(f.output, png, 0o644); err != nil {
		return fmt.Errorf("card: %w", err)
	}
	return nil
}

// maxCard bounds the PNG read by "iocast parse --image".
const maxCard = card.MaxPNG

// printCard runs "iocast parse --image PNG": it prints the sighting the
// card carries, in the format of parse, and warns of values that are not
// valid (Normalize) without dropping them.
func (e *env) printCard(name string, rest []string, format string) error {
	if len(rest) > 0 {
		return usageErrorf("parse --image reads one PNG; it takes no other FILE")
	}
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, maxCard+1))
	} else {
		data, err = readFileLimit(name, maxCard+1)
	}
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	s, err := card.Extract(data)
	if err != nil {
		if errors.Is(err, intel.ErrNotFound) {
			return withHint(fmt.Errorf("parse: %s: %w", name, err), "only PNGs written by 'iocast card' carry a sighting")
		}
		return fmt.Errorf("parse: %s: %w", name, err)
	}
	if err := s.Normalize(); err != nil {
		for _, w := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(e.stderr, "iocast: warning: %s: %s\n", name, w)
		}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if format != "jsonl" {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(s)
}

// readFileLimit reads at most n bytes of a file.
func readFileLimit(name string, n int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

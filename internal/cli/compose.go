package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/config"
	"github.com/iocast/iocast/internal/sightingio"
	"github.com/iocast/iocast/postfmt"
)

// composeFlags are the flags of "iocast compose".
type composeFlags struct {
	platform, lang, format  string
	maxParts, mastodonLimit int
}

func (f *composeFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.platform, "platform", "", "x, mastodon, bluesky or all (default x)")
	fs.StringVar(&f.lang, "lang", "", "section labels: en or ja (default en)")
	fs.StringVar(&f.format, "format", "", "output format: text or json (default text)")
	fs.IntVar(&f.maxParts, "max-parts", 0, "at most `N` posts in a thread; the last says how many items were left out (default no cap)")
	fs.IntVar(&f.mastodonLimit, "mastodon-limit", 0, "the Mastodon instance's post length limit `N` (default 500)")
}

// apply overlays the flags that were given on the configuration.
func (f *composeFlags) apply(c *config.ComposeConfig, set map[string]bool) error {
	checks := []struct {
		flag string
		err  func() error
	}{
		{"platform", func() error {
			c.Platform = f.platform
			return config.CheckChoice("platform", f.platform, config.ComposePlatforms)
		}},
		{"lang", func() error { c.Lang = f.lang; return config.CheckChoice("lang", f.lang, config.ComposeLangs) }},
		{"format", func() error {
			c.Format = f.format
			return config.CheckChoice("format", f.format, config.ComposeFormats)
		}},
		{"max-parts", func() error { c.MaxParts = f.maxParts; return config.CheckCount("--max-parts", f.maxParts, 0) }},
		{"mastodon-limit", func() error {
			c.MastodonLimit = f.mastodonLimit
			return config.CheckCount("--mastodon-limit", f.mastodonLimit, 1)
		}},
	}
	for _, ch := range checks {
		if set[ch.flag] {
			if err := ch.err(); err != nil {
				return usageErrorf("%v", err)
			}
		}
	}
	return nil
}

// composed is the JSON output for one platform.
type composed struct {
	Platform string         `json:"platform"`
	Parts    []composedPart `json:"parts"`
	Level    int            `json:"level,omitempty"`
	LeftOut  int            `json:"left_out,omitempty"`
}

type composedPart struct {
	Text   string          `json:"text"`
	Length int             `json:"length"`
	Limit  int             `json:"limit"`
	Facets []postfmt.Facet `json:"facets,omitempty"`
}

// compose runs "iocast compose".
func (e *env) compose(ctx context.Context, args []string) error {
	var f composeFlags
	var ef enrichFlags // --ipdb, --online, --resolve, … (enrich.go)
	fs := newFlagSet("compose")
	f.define(fs)
	ef.define(fs)
	if done, err := e.parse("compose", fs, args); done || err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	c := cfg.Compose
	if err := f.apply(&c, setFlags(fs)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("compose takes one sighting FILE, or - for standard input")
	}
	s, err := e.readSighting(fs.Arg(0))
	if err != nil {
		return err
	}
	if err := e.enrichSighting(ctx, s, cfg.Enrich, &ef, setFlags(fs)); err != nil {
		return err
	}
	platforms := []string{c.Platform}
	if c.Platform == "all" {
		platforms = []string{postfmt.PlatformX, postfmt.PlatformMastodon, postfmt.PlatformBluesky}
	}
	var out []composed
	for _, pl := range platforms {
		opts := postfmt.Options{Platform: pl, Lang: c.Lang, MaxParts: c.MaxParts}
		if pl == postfmt.PlatformMastodon {
			opts.Max = c.MastodonLimit
		}
		p, err := postfmt.Compose(s, opts)
		if err != nil {
			return withHint(fmt.Errorf("compose: %s: %w", fs.Arg(0), err), "see docs/SIGHTING.md and docs/FORMAT.md")
		}
		if p.Level > 0 {
			e.log.Info("compose: dropped to fit", "platform", pl, "level", p.Level, "dropped", postfmt.DegradationLevels[p.Level])
		}
		r := composed{Platform: pl, Level: p.Level, LeftOut: p.LeftOut}
		for _, part := range p.Parts {
			r.Parts = append(r.Parts, composedPart{Text: part.Text, Length: part.Length, Limit: part.Limit, Facets: part.Facets})
		}
		out = append(out, r)
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if c.Platform == "all" {
			return enc.Encode(out)
		}
		return enc.Encode(out[0])
	}
	return writeComposedText(e.stdout, out)
}

// writeComposedText writes each part after a line naming the platform,
// the part and its length:
//
//	# x 1/1 259/280
func writeComposedText(w io.Writer, out []composed) error {
	for i, r := range out {
		for k, p := range r.Parts {
			sep := "\n"
			if i == 0 && k == 0 {
				sep = ""
			}
			note := ""
			if k == len(r.Parts)-1 && r.LeftOut > 0 {
				note = fmt.Sprintf(" (%d items left out)", r.LeftOut)
			}
			if _, err := fmt.Fprintf(w, "%s# %s %d/%d %d/%d%s\n%s\n", sep, r.Platform, k+1, len(r.Parts), p.Length, p.Limit, note, p.Text); err != nil {
				return err
			}
		}
	}
	return nil
}

// readSighting reads a sighting file, "-" for standard input.
func (e *env) readSighting(name string) (*intel.Sighting, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
		defer f.Close()
		r = f
	}
	s, err := sightingio.Read(r, name)
	if err != nil {
		return nil, withHint(fmt.Errorf("compose: %w", err), "the fields of a sighting are in docs/SIGHTING.md")
	}
	return s, nil
}

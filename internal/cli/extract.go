package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/iocast/iocast/extract"
	"github.com/iocast/iocast/internal/config"
)

// extractFlags are the flags of "iocast extract".
type extractFlags struct {
	format       string
	all          bool
	warninglists stringList
	noBuiltin    bool
}

func (f *extractFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "", "output format: text, jsonl or csv (default text)")
	fs.BoolVar(&f.all, "all", false, "keep indicators that a warninglist matches, and name the lists")
	fs.Var(&f.warninglists, "warninglist", "also apply the MISP warninglist JSON `FILE` (repeatable)")
	fs.BoolVar(&f.noBuiltin, "no-builtin-warninglists", false, "do not apply the built-in warninglists")
}

// apply overlays the flags that were given on the configuration.
func (f *extractFlags) apply(c *config.ExtractConfig, set map[string]bool) error {
	if set["format"] {
		if err := config.CheckExtractFormat(f.format); err != nil {
			return usageErrorf("%v", err)
		}
		c.Format = f.format
	}
	if set["all"] {
		c.All = f.all
	}
	if set["warninglist"] {
		c.Warninglists = f.warninglists // replaces, not extends, the configured lists
	}
	if set["no-builtin-warninglists"] {
		c.NoBuiltinWarninglists = f.noBuiltin
	}
	return nil
}

// extract runs "iocast extract".
func (e *env) extract(ctx context.Context, args []string) error {
	var f extractFlags
	fs := newFlagSet("extract")
	f.define(fs)
	if done, err := e.parse("extract", fs, args); done || err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	c := cfg.Extract
	if err := f.apply(&c, setFlags(fs)); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}

	opts := extract.Options{KeepWarned: c.All, NoBuiltin: c.NoBuiltinWarninglists}
	for _, path := range c.Warninglists {
		wl, err := extract.LoadWarninglistFile(path)
		if err != nil {
			return withHint(fmt.Errorf("extract: warninglist: %w", err),
				"a warninglist is MISP warninglist JSON; check --warninglist, %s and extract.warninglists",
				config.EnvVar("extract.warninglists"))
		}
		opts.Warninglists = append(opts.Warninglists, wl)
	}
	e.log.Debug("extract", "format", c.Format, "all", c.All, "warninglists", len(opts.Warninglists),
		"builtin", !c.NoBuiltinWarninglists, "files", len(files))
	x := extract.New(opts)

	out := newOutput(c.Format, e.stdout, len(files) > 1)
	for _, name := range files {
		if err := e.extractFile(ctx, x, out, name); err != nil {
			_ = out.Flush() // keep what the inputs before wrote; err is what matters
			return err
		}
	}
	return out.Flush()
}

// extractFile writes the indicators of one input, "-" for stdin.
func (e *env) extractFile(ctx context.Context, x *extract.Extractor, out output, name string) error {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		defer f.Close()
		r = f
	}
	in := &inputReader{ctx: ctx, r: r, flush: out.Flush}
	var werr error // the first output error, kept unwrapped for exitCode
	err := x.Extract(in, func(m extract.Match) error {
		if werr = out.Write(name, m); werr != nil {
			return werr
		}
		return ctx.Err()
	})
	switch {
	case werr != nil:
		return werr
	case in.flushErr != nil:
		return in.flushErr
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("extract: %w", err) // names the file already
		}
		return fmt.Errorf("extract: %s: %w", name, err)
	}
	return nil
}

// inputReader stops reading when ctx is done, and flushes the output before
// every read, so that what was found is shown before iocast blocks on more
// input (how soon after it arrives depends on the extractor's chunking).
type inputReader struct {
	ctx      context.Context
	r        io.Reader
	flush    func() error
	flushErr error
}

func (r *inputReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if err := r.flush(); err != nil {
		r.flushErr = err
		return 0, err
	}
	return r.r.Read(p)
}

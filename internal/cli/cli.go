// Package cli is iocast's command line. It parses arguments, loads the
// configuration, wires the other packages together and maps errors to exit
// codes; it is the only package that does all of these. docs/CLI.md is its
// manual.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/iocast/iocast/internal/config"
	"github.com/iocast/iocast/internal/suggest"
)

// Main runs iocast with args (without the program name) and returns the
// process exit code: 0 on success, 1 when the command failed, 2 for a
// mistake in the command line.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, log: slog.New(slog.DiscardHandler)}
	return report(stderr, e.run(ctx, args))
}

// env is what every command runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	globals        globals
	log            *slog.Logger // debug logs at the edges; silent unless asked
}

// globals are the flags accepted before the command and anywhere after it.
type globals struct {
	config  string
	verbose bool
	db      string // store DSN; see dbDSN
}

// define registers the global flags on fs. The current values are the
// defaults, so that flags given before the command survive defining them
// again on the command's FlagSet.
func (g *globals) define(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", g.config, "read the configuration from `FILE` (default $IOCAST_CONFIG, then ~/.config/iocast/config.yaml)")
	fs.BoolVar(&g.verbose, "verbose", g.verbose, "log debug messages to stderr (or set IOCAST_LOG_LEVEL)")
	fs.StringVar(&g.db, "db", g.db, "use the store `DSN`: a SQLite file or a postgres:// URL (default $IOCAST_DB, then store.dsn, then $XDG_DATA_HOME/iocast/iocast.db)")
}

// run parses the global flags and dispatches to the command.
func (e *env) run(ctx context.Context, args []string) error {
	top := newFlagSet("iocast")
	e.globals.define(top)
	switch err := parseLeading(top, args); {
	case errors.Is(err, flag.ErrHelp):
		return e.printHelp(e.stdout, "")
	case err != nil:
		return err
	}
	rest := top.Args()
	if len(rest) == 0 {
		return usageErrorf("missing command")
	}
	name, args := rest[0], rest[1:]
	var err error
	switch name {
	case "extract":
		err = e.extract(ctx, args)
	case "compose":
		err = e.compose(ctx, args)
	case "parse":
		err = e.parsePosts(ctx, args)
	case "card":
		err = e.cardCmd(ctx, args)
	case "db":
		err = e.db(ctx, args)
	case "post":
		err = e.postCmd(ctx, args)
	case "accounts":
		err = e.accounts(ctx, args)
	case "enrich":
		err = e.enrichCmd(ctx, args)
	case "version":
		err = e.version(args)
	case "help":
		err = e.help(args)
	default:
		return usageErrorf("unknown command %q%s", name, suggest.DidYouMean(name, commandNames()))
	}
	var ue *usageError
	if errors.As(err, &ue) && ue.command == "" && name != "help" {
		ue.command = name
	}
	return err
}

// parse parses a command's arguments: its own flags (defined on fs by the
// caller) and the global ones, in any order. It returns done when the
// command should stop without error (help was printed).
func (e *env) parse(command string, fs *flag.FlagSet, args []string) (done bool, err error) {
	e.globals.define(fs)
	switch err := parseArgs(fs, args); {
	case errors.Is(err, flag.ErrHelp):
		return true, e.printHelp(e.stdout, command)
	case err != nil:
		return true, err
	}
	return false, e.setupLog()
}

// setupLog sets the debug logger from --verbose and IOCAST_LOG_LEVEL.
func (e *env) setupLog() error {
	level := slog.LevelWarn
	if s := os.Getenv("IOCAST_LOG_LEVEL"); s != "" {
		if err := level.UnmarshalText([]byte(s)); err != nil {
			return withHint(fmt.Errorf("IOCAST_LOG_LEVEL: unknown level %q", s), "use debug, info, warn or error")
		}
	}
	if e.globals.verbose {
		level = slog.LevelDebug
	}
	e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	return nil
}

// config loads the configuration file and the environment and prints any
// warnings. Commands then apply their flags over it.
func (e *env) config() (config.Config, error) {
	res, err := config.Load(config.Options{Path: e.globals.config})
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return config.Config{}, withHint(err, "see docs/CONFIG.md for the keys and their values")
		}
		return config.Config{}, err
	}
	if res.Path == "" {
		e.log.Debug("no configuration file; using defaults and environment")
	} else {
		e.log.Debug("configuration loaded", "path", res.Path)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "iocast: warning: %s\n", w.Message)
		if w.Hint != "" {
			fmt.Fprintf(e.stderr, "iocast: hint: %s\n", w.Hint)
		}
	}
	return res.Config, nil
}

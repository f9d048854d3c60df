package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/postgres"
	"github.com/iocast/iocast/internal/store/sqlite"
	"github.com/iocast/iocast/internal/suggest"
)

// dbCommands are the subcommands of "iocast db".
var dbCommands = []string{"import", "export", "search", "stats", "revoke"}

// db runs "iocast db SUBCOMMAND".
func (e *env) db(ctx context.Context, args []string) error {
	top := newFlagSet("db")
	e.globals.define(top)
	switch err := parseLeading(top, args); {
	case errors.Is(err, flag.ErrHelp):
		return e.printHelp(e.stdout, "db")
	case err != nil:
		return err
	}
	if top.NArg() == 0 {
		return usageErrorf("missing subcommand: one of %s", strings.Join(dbCommands, ", "))
	}
	sub, rest := top.Arg(0), top.Args()[1:]
	switch sub {
	case "import":
		return e.dbImport(ctx, rest)
	case "export":
		return e.dbExport(ctx, rest)
	case "search":
		return e.dbSearch(ctx, rest)
	case "stats":
		return e.dbStats(ctx, rest)
	case "revoke":
		return e.dbRevoke(ctx, rest)
	}
	return usageErrorf("unknown subcommand db %q%s", sub, suggest.DidYouMean(sub, dbCommands))
}

// dbDSN returns the store to use: --db, else $IOCAST_DB, else store.dsn
// from the configuration (or $IOCAST_STORE_DSN), else the default file.
func (e *env) dbDSN() (string, error) {
	if e.globals.db != "" {
		return e.globals.db, nil
	}
	if v := os.Getenv("IOCAST_DB"); v != "" {
		return v, nil
	}
	cfg, err := e.config()
	if err != nil {
		return "", err
	}
	if cfg.Store.DSN != "" {
		return cfg.Store.DSN, nil
	}
	return sqlite.DefaultPath()
}

// openStore opens the store the DSN names: PostgreSQL for a postgres://
// URL, else a SQLite file.
func (e *env) openStore(ctx context.Context) (store.Store, error) {
	dsn, err := e.dbDSN()
	if err != nil {
		return nil, err
	}
	e.log.Debug("opening store", "postgres", postgres.IsDSN(dsn))
	var s store.Store
	switch {
	case postgres.IsDSN(dsn):
		s, err = postgres.Open(ctx, dsn)
	default:
		s, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		return nil, withHint(err, "choose the store with --db FILE|postgres://…, IOCAST_DB or store.dsn (docs/STORE.md)")
	}
	return s, nil
}

// parseSince reads --since: a duration back from now ("7d", "12h",
// "30m") or a date ("2024-05-01", RFC 3339).
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return now.AddDate(0, 0, -d), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration (7d, 12h) or a date (2024-05-01): %w", s, intel.ErrInvalid)
}

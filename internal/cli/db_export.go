package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/exchange/blocklist"
	csvx "github.com/iocast/iocast/internal/exchange/csv"
	"github.com/iocast/iocast/internal/exchange/misp"
	"github.com/iocast/iocast/internal/exchange/stix"
	"github.com/iocast/iocast/internal/store"
)

// exportFormats are the formats "iocast db export --format" writes.
var exportFormats = []string{"jsonl", "csv", "blocklist", "stix", "misp"}

type dbExportFlags struct {
	format, kind, family, since string
	revoked, defang             bool
}

func (f *dbExportFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "jsonl", "output format: "+strings.Join(exportFormats, ", "))
	fs.StringVar(&f.kind, "kind", "", "only indicators of `KIND` (ipv4, domain, sha256, …)")
	fs.StringVar(&f.family, "family", "", "only indicators seen with malware `FAMILY`")
	fs.StringVar(&f.since, "since", "", "only indicators last seen since `WHEN`: a duration (7d, 12h) or a date")
	fs.BoolVar(&f.revoked, "revoked", false, "include revoked indicators (marked)")
	fs.BoolVar(&f.defang, "defang", false, "write values defanged, for people (blocklist; STIX observables)")
}

// dbExport runs "iocast db export", streaming from the store.
func (e *env) dbExport(ctx context.Context, args []string) error {
	var f dbExportFlags
	fs := newFlagSet("db export")
	f.define(fs)
	if done, err := e.parse("db", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("db export: unexpected argument %q", fs.Arg(0))
	}
	filter := store.Filter{Family: f.family, IncludeRevoked: f.revoked}
	if f.kind != "" {
		k, err := intel.ParseKind(f.kind)
		if err != nil {
			return usageErrorf("db export: %v", err)
		}
		filter.Kind = k
	}
	since, err := parseSince(f.since, time.Now())
	if err != nil {
		return usageErrorf("db export: %v", err)
	}
	filter.Since = since
	var write func(intel.Record) error
	closeEnc := func() error { return nil }
	bw := bufio.NewWriterSize(e.stdout, 64<<10)
	switch f.format {
	case "jsonl":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(r intel.Record) error { return enc.Encode(r) }
	case "csv":
		enc := csvx.NewEncoder(bw)
		write, closeEnc = func(r intel.Record) error { return enc.Write(&r) }, enc.Close
	case "blocklist":
		opts := blocklist.Options{Defang: f.defang, Revoked: f.revoked}
		if filter.Kind != "" {
			opts.Kinds = []intel.Kind{filter.Kind}
		}
		enc, err := blocklist.NewEncoder(bw, opts)
		if err != nil {
			return usageErrorf("db export: %v", err)
		}
		write, closeEnc = func(r intel.Record) error { return enc.Write(&r) }, enc.Close
	case "stix":
		enc := stix.NewEncoder(bw, stix.Options{Defang: f.defang})
		write, closeEnc = func(r intel.Record) error { return enc.Write(&r) }, enc.Close
	case "misp":
		enc := misp.NewEncoder(bw, misp.Options{})
		write, closeEnc = func(r intel.Record) error { return enc.Write(&r) }, enc.Close
	default:
		return usageErrorf("db export: unknown --format %q: want %s", f.format, strings.Join(exportFormats, ", "))
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	prog := newProgress(e.stderr, "exported", "indicators")
	err = s.Indicators(ctx, filter, func(r intel.Record) error {
		prog.add(1)
		return write(r)
	})
	prog.done()
	if err != nil {
		return fmt.Errorf("db export: %w", err)
	}
	if err := closeEnc(); err != nil {
		return fmt.Errorf("db export: %w", err)
	}
	return bw.Flush()
}

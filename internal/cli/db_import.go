package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/exchange/blocklist"
	csvx "github.com/iocast/iocast/internal/exchange/csv"
	"github.com/iocast/iocast/internal/exchange/misp"
	"github.com/iocast/iocast/internal/exchange/stix"
	"github.com/iocast/iocast/internal/sightingio"
	"github.com/iocast/iocast/internal/store"
)

// importFormats are the formats "iocast db import --format" accepts.
var importFormats = []string{"sighting", "jsonl", "stix", "misp", "csv", "blocklist"}

type dbImportFlags struct{ format string }

func (f *dbImportFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "", "input format: "+strings.Join(importFormats, ", ")+" (default: from the file name)")
}

// importSummary counts what an import wrote.
type importSummary struct {
	sightings, newSightings, records, skipped int
}

// dbImport runs "iocast db import FILE...": every file in one transaction.
func (e *env) dbImport(ctx context.Context, args []string) error {
	var f dbImportFlags
	fs := newFlagSet("db import")
	f.define(fs)
	if done, err := e.parse("db", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErrorf("db import: give one or more FILEs (\"-\" for standard input)")
	}
	if f.format != "" && !contains(importFormats, f.format) {
		return usageErrorf("db import: unknown --format %q: want %s", f.format, strings.Join(importFormats, ", "))
	}
	s, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var sum importSummary
	prog := newProgress(e.stderr, "imported", "indicators")
	err = s.Update(ctx, func(w store.Writer) error {
		for _, name := range fs.Args() {
			format := f.format
			if format == "" {
				if format = sniffFormat(name, detectFormat(name)); format == "" {
					return usageErrorf("db import: %s: cannot tell the format from the name; give --format (%s)", name, strings.Join(importFormats, ", "))
				}
			}
			if err := e.importFile(ctx, w, name, format, &sum, prog); err != nil {
				return err
			}
		}
		return nil
	})
	prog.done()
	if err != nil {
		return fmt.Errorf("db import: nothing imported: %w", err)
	}
	fmt.Fprintf(e.stdout, "imported %d sightings (%d new) and %d indicator records", sum.sightings, sum.newSightings, sum.records)
	if sum.skipped > 0 {
		fmt.Fprintf(e.stdout, "; skipped %d warninglisted", sum.skipped)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// detectFormat guesses an input's format from its name.
func detectFormat(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return "sighting"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".csv":
		return "csv"
	}
	return ""
}

// sniffFormat tells a STIX bundle and a MISP event from a sighting among
// .json files by their first bytes; other formats are as guessed.
func sniffFormat(name, guess string) string {
	if guess != "sighting" || name == "-" || !strings.EqualFold(filepath.Ext(name), ".json") {
		return guess
	}
	fh, err := os.Open(name)
	if err != nil {
		return guess // importFile reports the error
	}
	defer fh.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	switch {
	case bytes.Contains(head, []byte(`"Event"`)) || bytes.Contains(head, []byte(`"Attribute"`)):
		return "misp"
	case bytes.Contains(head, []byte(`"bundle"`)) && bytes.Contains(head, []byte(`"objects"`)):
		return "stix"
	}
	return guess
}

// importFile reads one file in format and writes it through w.
func (e *env) importFile(ctx context.Context, w store.Writer, name, format string, sum *importSummary, prog *progress) error {
	var r io.Reader = e.stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		r = fh
	}
	switch format {
	case "sighting":
		data, err := io.ReadAll(io.LimitReader(r, sightingio.MaxSize+1))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		si, err := sightingio.Decode(data, name)
		if err != nil {
			return err // positioned: file:line: reason
		}
		src := store.Source{}
		if si.Source == "" {
			src.Name = name
		}
		_, added, err := w.AddSighting(ctx, *si, src)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		sum.sightings++
		if added {
			sum.newSightings++
		}
		return nil
	case "jsonl":
		return importJSONL(ctx, w, r, name, sum, prog)
	case "csv", "blocklist", "stix", "misp":
		return e.importRecords(ctx, w, r, name, format, sum, prog)
	}
	return usageErrorf("db import: unknown format %q", format)
}

// jsonlLine is one line of JSON Lines input: an indicator record (as
// "iocast db export --format jsonl" writes) or a line of "iocast extract
// --format jsonl", whose extra fields are accepted and ignored.
type jsonlLine struct {
	intel.Record
	Defanged       string   `json:"defanged"`
	File           string   `json:"file"`
	Start          int64    `json:"start"`
	End            int64    `json:"end"`
	Raw            string   `json:"raw"`
	SourceDefanged bool     `json:"source_defanged"`
	Warninglists   []string `json:"warninglists"`
}

// importJSONL writes each line of r as a record. Errors name the line.
func importJSONL(ctx context.Context, w store.Writer, r io.Reader, name string, sum *importSummary, prog *progress) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), intel.MaxValueLen*4+64<<10)
	src := store.Source{Name: name, Time: time.Now()}
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var l jsonlLine
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return fmt.Errorf("%s:%d: %v: %w", name, line, err, intel.ErrInvalid)
		}
		if len(l.Warninglists) > 0 {
			sum.skipped++
			continue
		}
		if l.Kind == "" || l.Value == "" {
			return fmt.Errorf("%s:%d: a line needs \"type\" and \"value\": %w", name, line, intel.ErrInvalid)
		}
		rs := src
		if len(l.Sources) > 0 {
			rs.Name = "" // a record with its own provenance (an export) keeps it
		}
		if err := w.AddRecord(ctx, l.Record, rs); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		sum.records++
		prog.add(1)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s: a line is too long: %w", name, intel.ErrTooLarge)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// importRecords reads an exchange format (package internal/exchange) and
// writes each record through w. Objects a STIX or MISP decoder could not
// turn into records are listed on standard error, never dropped silently.
func (e *env) importRecords(ctx context.Context, w store.Writer, r io.Reader, name, format string, sum *importSummary, prog *progress) error {
	src := store.Source{Name: name, Time: time.Now()}
	add := func(rec intel.Record) error {
		rs := src
		if len(rec.Sources) > 0 {
			rs.Name = "" // a record with its own provenance keeps it
		}
		if err := w.AddRecord(ctx, rec, rs); err != nil {
			return fmt.Errorf("%s: %s %s: %w", name, rec.Kind, rec.Value, err)
		}
		sum.records++
		prog.add(1)
		return nil
	}
	var recs []intel.Record
	var issues []error
	switch format {
	case "csv":
		return csvx.Decode(ctx, r, csvx.DecodeOptions{Name: name}, add)
	case "blocklist":
		return blocklist.Decode(ctx, r, blocklist.DecodeOptions{Name: name}, add)
	case "stix":
		res, err := stix.Decode(ctx, r, stix.DecodeOptions{Name: name})
		if err != nil {
			return err
		}
		recs = res.Records
		for _, is := range res.Skipped {
			issues = append(issues, is)
		}
	case "misp":
		res, err := misp.Decode(ctx, r, misp.DecodeOptions{Name: name})
		if err != nil {
			return err
		}
		recs = res.Records
		for _, is := range res.Skipped {
			issues = append(issues, is)
		}
	}
	for _, is := range issues {
		fmt.Fprintf(e.stderr, "iocast: warning: not imported: %v\n", is)
	}
	for _, rec := range recs {
		if err := add(rec); err != nil {
			return err
		}
	}
	return nil
}

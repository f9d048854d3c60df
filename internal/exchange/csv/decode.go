package csv

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
)

// Limits of Decode unless DecodeOptions say otherwise.
const (
	DefaultMaxBytes     = 1 << 30
	DefaultMaxCellBytes = 64 << 10
	DefaultMaxErrors    = 20
)

// DecodeOptions control an import.
type DecodeOptions struct {
	// Name names the input in errors (a file name); empty means "csv".
	Name string
	// MaxBytes bounds the input, MaxCellBytes each cell; over them Decode
	// fails with an error that wraps intel.ErrTooLarge.
	MaxBytes     int64
	MaxCellBytes int
	// MaxErrors is how many bad rows Decode reports before it stops.
	MaxErrors int
}

// Decode reads CSV records from r and calls fn with each good row, in
// order. The header must name "type" and "value" and may name any other
// of Columns, in any order; an unknown column fails the import. A bad row
// is not passed to fn: Decode goes on to report up to MaxErrors bad rows
// as *LineError ("file:line: column: reason", wrapping intel.ErrInvalid),
// joined with errors.Join. An error from fn stops it at once.
func Decode(ctx context.Context, r io.Reader, opts DecodeOptions, fn func(intel.Record) error) error {
	if opts.Name == "" {
		opts.Name = "csv"
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxCellBytes <= 0 {
		opts.MaxCellBytes = DefaultMaxCellBytes
	}
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = DefaultMaxErrors
	}
	cr := csv.NewReader(&limitReader{r: r, left: opts.MaxBytes})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return &LineError{Name: opts.Name, Line: 1, Err: fmt.Errorf("empty input: want a header row (%s): %w", strings.Join(Columns, ","), intel.ErrInvalid)}
		}
		return readError(opts.Name, 1, err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(Columns, h) || seen[h] {
			why := "unknown column"
			if seen[h] {
				why = "repeated column"
			}
			return &LineError{Name: opts.Name, Line: 1, Column: h, Err: fmt.Errorf("%s (want some of %s): %w", why, strings.Join(Columns, ","), intel.ErrInvalid)}
		}
		seen[h] = true
		cols[i] = h
	}
	if !seen["type"] || !seen["value"] && !seen["defanged"] {
		return &LineError{Name: opts.Name, Line: 1, Err: fmt.Errorf("header needs the columns type and value: %w", intel.ErrInvalid)}
	}
	var errs []error
	line := 1
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line++ // best guess when the reader failed
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			if errors.Is(err, intel.ErrTooLarge) {
				return readError(opts.Name, line, err)
			}
			errs = append(errs, readError(opts.Name, line, err))
		} else {
			line, _ = cr.FieldPos(0)
			rec, err := parseRow(opts, cols, row, line)
			if err != nil {
				errs = append(errs, err)
			} else if err := fn(rec); err != nil {
				return err
			}
		}
		if len(errs) >= opts.MaxErrors {
			errs = append(errs, fmt.Errorf("%s: stopped after %d errors", opts.Name, len(errs)))
			break
		}
	}
	return errors.Join(errs...)
}

func readError(name string, line int, err error) error {
	if errors.Is(err, intel.ErrTooLarge) {
		return &LineError{Name: name, Line: line, Err: err}
	}
	return &LineError{Name: name, Line: line, Err: fmt.Errorf("%v: %w", err, intel.ErrInvalid)}
}

// parseRow turns one row into a record.
func parseRow(opts DecodeOptions, cols, row []string, line int) (intel.Record, error) {
	var r intel.Record
	fail := func(col string, err error) (intel.Record, error) {
		return intel.Record{}, &LineError{Name: opts.Name, Line: line, Column: col, Err: err}
	}
	if len(row) != len(cols) {
		return fail("", fmt.Errorf("%d cells, want %d as in the header: %w", len(row), len(cols), intel.ErrInvalid))
	}
	cell := map[string]string{}
	for i, c := range cols {
		if len(row[i]) > opts.MaxCellBytes {
			return fail(c, fmt.Errorf("cell longer than %d bytes: %w", opts.MaxCellBytes, intel.ErrTooLarge))
		}
		cell[c] = strings.TrimSpace(row[i])
	}
	k, err := intel.ParseKind(cell["type"])
	if err != nil {
		return fail("type", err)
	}
	v, col := cell["value"], "value"
	if v == "" {
		v, col = cell["defanged"], "defanged"
	}
	if r.Indicator, err = intel.New(k, v); err != nil {
		return fail(col, err)
	}
	for _, f := range []struct {
		col string
		dst *int
		max int
	}{{"port", &r.Port, 65535}, {"sightings", &r.Sightings, 1 << 30}, {"confidence", &r.Confidence, 100}} {
		if s := cell[f.col]; s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > f.max {
				return fail(f.col, fmt.Errorf("%q is not a number from 0 to %d: %w", s, f.max, intel.ErrInvalid))
			}
			*f.dst = n
		}
	}
	for _, f := range []struct {
		col string
		dst *time.Time
	}{{"first_seen", &r.FirstSeen}, {"last_seen", &r.LastSeen}} {
		if s := cell[f.col]; s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return fail(f.col, fmt.Errorf("%q is not an RFC 3339 time (2022-05-10T11:22:33Z): %w", s, intel.ErrInvalid))
			}
			*f.dst = t.UTC()
		}
	}
	r.Families = split(cell["families"])
	r.Sources = split(cell["sources"])
	if s := cell["tlp"]; s != "" {
		t := strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "TLP:"))
		switch t {
		case "WHITE":
			t = "CLEAR"
		case "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED":
		default:
			return fail("tlp", fmt.Errorf("%q is no TLP level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED): %w", s, intel.ErrInvalid))
		}
		r.TLP = t
	}
	switch strings.ToLower(cell["revoked"]) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		r.Revoked = true
	default:
		return fail("revoked", fmt.Errorf("%q is not true or false: %w", cell["revoked"], intel.ErrInvalid))
	}
	if s := cell["asn"]; s != "" {
		a, err := intel.Canonical(intel.KindASN, s)
		if err != nil {
			return fail("asn", err)
		}
		r.ASN = a
	}
	r.ISP = cell["isp"]
	if c := strings.ToUpper(cell["country"]); c != "" {
		if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return fail("country", fmt.Errorf("%q is not an ISO 3166 alpha-2 code (JP): %w", cell["country"], intel.ErrInvalid))
		}
		r.Country = c
	}
	switch role := strings.ToLower(cell["role"]); role {
	case "", "c2", "sample":
		r.Role = role
	default:
		return fail("role", fmt.Errorf("%q is no role (c2, sample, or empty for unknown): %w", cell["role"], intel.ErrInvalid))
	}
	return r, nil
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, listSep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// limitReader fails with intel.ErrTooLarge once more than left bytes are read.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("input larger than the limit: %w", intel.ErrTooLarge)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, fmt.Errorf("input larger than the limit: %w", intel.ErrTooLarge)
	}
	return n, err
}

package blocklist

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/iocast/iocast/intel"
)

// Limits of Decode unless DecodeOptions say otherwise.
const (
	DefaultMaxBytes     = 1 << 30
	DefaultMaxLineBytes = 16 << 10
	DefaultMaxErrors    = 20
)

// DecodeOptions control an import.
type DecodeOptions struct {
	// Name names the input in errors (a file name); empty means "blocklist".
	Name string
	// Kind, when set, is the kind of every value; otherwise each value's
	// kind is guessed by intel.Parse.
	Kind intel.Kind
	// MaxBytes bounds the input and MaxLineBytes each line; over them
	// Decode fails with an error that wraps intel.ErrTooLarge.
	MaxBytes     int64
	MaxLineBytes int
	// MaxErrors is how many bad lines Decode reports before it stops.
	MaxErrors int
}

// LineError is a bad line of a list: where it is and why.
type LineError struct {
	Name string
	Line int
	Err  error
}

// Error returns "name:line: reason".
func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err) }

// Unwrap returns the cause, which wraps intel.ErrInvalid or intel.ErrTooLarge.
func (e *LineError) Unwrap() error { return e.Err }

// Decode reads a list from r and calls fn with a record for each value, in
// order. Empty lines and comments (from a "#" or ";" that starts the line
// or follows a blank, to the end of the line) are skipped; a hosts line ("0.0.0.0 evil.example") yields its host name,
// an RPZ line ("evil.example CNAME .") its owner name, and RPZ header
// lines ($TTL, SOA, NS) and "*." wildcards are skipped. Values may be
// defanged. Bad lines are not passed to fn: Decode reports up to MaxErrors
// of them as *LineError, joined with errors.Join. An error from fn stops it.
func Decode(ctx context.Context, r io.Reader, opts DecodeOptions, fn func(intel.Record) error) error {
	if opts.Name == "" {
		opts.Name = "blocklist"
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = DefaultMaxErrors
	}
	if opts.Kind != "" {
		if _, err := intel.ParseKind(string(opts.Kind)); err != nil {
			return fmt.Errorf("%s: %w", opts.Name, err)
		}
	}
	sc := bufio.NewScanner(&io.LimitedReader{R: r, N: opts.MaxBytes + 1})
	sc.Buffer(make([]byte, 0, min(4096, opts.MaxLineBytes)), opts.MaxLineBytes)
	var read int64
	var errs []error
	line := 0
	for sc.Scan() {
		line++
		if line&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if read += int64(len(sc.Bytes())) + 1; read > opts.MaxBytes+1 {
			return &LineError{Name: opts.Name, Line: line, Err: fmt.Errorf("input larger than %d bytes: %w", opts.MaxBytes, intel.ErrTooLarge)}
		}
		v := value(sc.Text())
		if v == "" {
			continue
		}
		var ind intel.Indicator
		var err error
		if opts.Kind != "" {
			ind, err = intel.New(opts.Kind, v)
		} else {
			ind, err = intel.Parse(v)
		}
		if err != nil {
			errs = append(errs, &LineError{Name: opts.Name, Line: line, Err: err})
			if len(errs) >= opts.MaxErrors {
				errs = append(errs, fmt.Errorf("%s: stopped after %d errors", opts.Name, len(errs)))
				break
			}
			continue
		}
		if err := fn(intel.Record{Indicator: ind}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &LineError{Name: opts.Name, Line: line + 1, Err: fmt.Errorf("line longer than %d bytes: %w", opts.MaxLineBytes, intel.ErrTooLarge)}
		}
		return fmt.Errorf("%s: %w", opts.Name, err)
	}
	return errors.Join(errs...)
}

// value returns the value of one line, or "" for a line without one.
func value(s string) string {
	for i := 0; i < len(s); i++ {
		if (s[i] == '#' || s[i] == ';') && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			s = s[:i]
			break
		}
	}
	f := strings.Fields(s)
	switch {
	case len(f) == 0:
		return ""
	case len(f) == 1:
		return f[0]
	case f[0] == "0.0.0.0" || f[0] == "127.0.0.1" || f[0] == "::" || f[0] == "::1":
		return f[1] // hosts
	case strings.HasPrefix(f[0], "$") || f[0] == "@" || strings.HasPrefix(f[0], "*."):
		return "" // RPZ header or wildcard
	case len(f) >= 2 && strings.EqualFold(f[1], "CNAME"):
		return strings.TrimSuffix(f[0], ".")
	}
	return strings.Join(f, " ")
}

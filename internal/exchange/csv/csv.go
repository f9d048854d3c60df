// Package csv reads and writes indicator records as CSV (RFC 4180), one
// record a row under a header of documented columns (docs/EXCHANGE.md):
//
//	type,value,defanged,port,first_seen,last_seen,sightings,families,tlp,confidence,sources,revoked,asn,isp,country,role
//
// Lists (families, sources) are joined with "|"; times are RFC 3339 in UTC;
// empty cells mean "not stated".
package csv

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
)

// Columns are the CSV columns in the order Encoder writes them.
var Columns = []string{"type", "value", "defanged", "port", "first_seen", "last_seen", "sightings", "families", "tlp", "confidence", "sources", "revoked", "asn", "isp", "country", "role"}

// listSep joins the values of list cells. Family names do not contain it,
// and URLs carry it only percent-encoded.
const listSep = "|"

// Encoder writes records as CSV rows, one at a time, after a header row.
type Encoder struct {
	w      *csv.Writer
	row    []string
	header bool
}

// NewEncoder returns an Encoder that writes to w. Call Close to flush.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: csv.NewWriter(w), row: make([]string, len(Columns))}
}

// Write writes one record as a row.
func (e *Encoder) Write(r *intel.Record) error {
	if !e.header {
		e.header = true
		if err := e.w.Write(Columns); err != nil {
			return err
		}
	}
	row := e.row
	row[0] = string(r.Kind)
	row[1] = r.Value
	row[2] = intel.Defang(r.Kind, r.Value)
	row[3] = itoa(r.Port)
	row[4] = formatTime(r.FirstSeen)
	row[5] = formatTime(r.LastSeen)
	row[6] = itoa(r.Sightings)
	row[7] = strings.Join(r.Families, listSep)
	row[8] = r.TLP
	row[9] = itoa(r.Confidence)
	row[10] = strings.Join(r.Sources, listSep)
	row[11] = ""
	if r.Revoked {
		row[11] = "true"
	}
	row[12], row[13], row[14] = r.ASN, r.ISP, r.Country
	row[15] = r.Role
	return e.w.Write(row)
}

// Close writes the header if no record was written and flushes.
func (e *Encoder) Close() error {
	if !e.header {
		e.header = true
		if err := e.w.Write(Columns); err != nil {
			return err
		}
	}
	e.w.Flush()
	return e.w.Error()
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// LineError is a bad cell or row of a CSV input: where it is and why.
type LineError struct {
	Name   string // the input's name
	Line   int
	Column string // empty for errors of the whole row
	Err    error
}

// Error returns "name:line: column: reason".
func (e *LineError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s: %v", e.Name, e.Line, e.Column, e.Err)
}

// Unwrap returns the cause, which wraps intel.ErrInvalid or intel.ErrTooLarge.
func (e *LineError) Unwrap() error { return e.Err }

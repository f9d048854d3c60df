// Package sightingio reads and writes sightings (intel.Sighting) as YAML
// and JSON, in the schema of docs/SIGHTING.md.
//
// Reading is strict: an unknown field, a value of the wrong type or one
// that does not normalise is an error that names the file, the line and
// the field ("lodeinfo.yaml:7: unknown field \"c2[0].asnn\"; did you mean
// \"asn\"?"), so that a typo never silently drops a value. Every sighting
// read is normalised (intel.Sighting.Normalize).
package sightingio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/iocast/iocast/intel"
	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest sighting file Read accepts: 1 MiB.
const MaxSize = 1 << 20

// Error is a problem at a line of a sighting file.
type Error struct {
	File string // the name given to Read
	Line int    // 1-based; 0 when unknown
	Msg  string
	Err  error // what it wraps (intel.ErrInvalid, intel.ErrTooLarge), may be nil
}

// Error returns "file:line: msg", or "file: msg" when the line is unknown.
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns the wrapped sentinel, if any.
func (e *Error) Unwrap() error { return e.Err }

// Read reads one sighting, YAML or JSON (a document whose first
// non-space character is '{' is JSON), of at most MaxSize bytes, and
// normalises it. name is used in errors.
func Read(r io.Reader, name string) (*intel.Sighting, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Decode(data, name)
}

// Decode is Read over data already in memory.
func Decode(data []byte, name string) (*intel.Sighting, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("larger than %d bytes", MaxSize), Err: intel.ErrTooLarge}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, &Error{File: name, Msg: "empty: want a sighting (see docs/SIGHTING.md)", Err: intel.ErrInvalid}
	}
	isJSON := trimmed[0] == '{'
	var s intel.Sighting
	lines := map[string]int{}
	root, yerr := yamlRoot(data)
	switch {
	case yerr == nil:
		if root.Kind != yaml.MappingNode {
			return nil, &Error{File: name, Line: root.Line, Msg: "want a mapping of fields (family: …)", Err: intel.ErrInvalid}
		}
		if errs := checkFields(root, sightingType, "", name, lines); len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
	case !isJSON:
		return nil, yamlError(name, yerr)
	}
	if isJSON {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return nil, jsonError(name, data, err)
		}
		if dec.More() {
			return nil, &Error{File: name, Line: lineAt(data, dec.InputOffset()), Msg: "more than one JSON value", Err: intel.ErrInvalid}
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&s); err != nil {
			return nil, yamlError(name, err)
		}
	}
	if err := s.Normalize(); err != nil {
		return nil, fieldErrors(name, err, lines)
	}
	return &s, nil
}

// yamlRoot parses data (YAML or JSON) into its root node and refuses a
// second document.
func yamlRoot(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: more than one YAML document", max(extra.Line, 1))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	return root, nil
}

// fieldErrors turns Normalize's "c2[1].value: …" errors into Errors at
// the field's line.
func fieldErrors(name string, err error, lines map[string]int) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out []error
	for _, e := range list {
		msg := e.Error()
		field, _, _ := strings.Cut(msg, ": ")
		line := lines[field]
		for line == 0 && field != "" { // "samples[0]" for a sample-wide error
			i := strings.LastIndexAny(field, ".[")
			if i < 0 {
				break
			}
			field = field[:i]
			line = lines[field]
		}
		out = append(out, &Error{File: name, Line: line, Msg: msg, Err: e})
	}
	return errors.Join(out...)
}

// WriteJSON writes s as indented JSON, with a final newline.
func WriteJSON(w io.Writer, s *intel.Sighting) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteYAML writes s as YAML.
func WriteYAML(w io.Writer, s *intel.Sighting) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return err
	}
	return enc.Close()
}

package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/iocast/iocast/internal/suggest"
	"github.com/iocast/iocast/internal/yamlpos"
	"go.yaml.in/yaml/v3"
)

// Error is a problem at a line of the configuration file.
type Error struct {
	File string // the file's path as given
	Line int    // 1-based; 0 when unknown
	Msg  string
}

// Error returns "file:line: msg".
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// Parse decodes the YAML configuration data, named file in errors, over
// cfg. Keys absent from data leave cfg's values unchanged. It returns the
// line of every key it set, by dotted name, for later error messages.
func Parse(data []byte, file string, cfg *Config) (lines map[string]int, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return map[string]int{}, nil // an empty file is an empty configuration
	case err != nil:
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: file, Line: extra.Line, Msg: "more than one YAML document"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return map[string]int{}, nil // only comments
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: root.Line, Msg: "want a mapping of sections (extract: …)"}
	}
	lines = map[string]int{}
	if errs := checkKeys(root, reflect.TypeFor[Config](), "", file, lines); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Decode again, strictly, into the struct. checkKeys has reported
	// unknown keys with better messages; KnownFields is the backstop.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(cfg); err != nil {
		return nil, yamlError(file, err)
	}
	return lines, nil
}

// checkKeys reports every key of n that t has no field for, and records
// the line of every key it knows.
func checkKeys(n *yaml.Node, t reflect.Type, prefix, file string, lines map[string]int) []error {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var errs []error
	switch {
	case t.Kind() == reflect.Struct && !isScalar(t) && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // merge key: check the merged mapping as if inline
				errs = append(errs, checkKeys(v, t, prefix, file, lines)...)
				continue
			}
			f, ok := fieldByKey(t, k.Value)
			if !ok {
				msg := fmt.Sprintf("unknown key %q", join(prefix, k.Value)) + suggest.DidYouMean(k.Value, keyNames(t))
				errs = append(errs, &Error{File: file, Line: k.Line, Msg: msg})
				continue
			}
			full := join(prefix, k.Value)
			lines[full] = k.Line
			errs = append(errs, checkKeys(v, f.Type, full, file, lines)...)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			full := join(prefix, n.Content[i].Value)
			lines[full] = n.Content[i].Line
			errs = append(errs, checkKeys(n.Content[i+1], t.Elem(), full, file, lines)...)
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			errs = append(errs, checkKeys(item, t.Elem(), prefix+"["+strconv.Itoa(i)+"]", file, lines)...)
		}
	}
	return errs
}

// yamlError turns the yaml package's errors into Errors at their lines.
func yamlError(file string, err error) error {
	var errs []error
	for _, p := range yamlpos.Problems(err) {
		errs = append(errs, &Error{File: file, Line: p.Line, Msg: p.Msg})
	}
	return errors.Join(errs...)
}

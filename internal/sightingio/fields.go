package sightingio

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/suggest"
	"github.com/iocast/iocast/internal/yamlpos"
	"go.yaml.in/yaml/v3"
)

var (
	sightingType = reflect.TypeFor[intel.Sighting]()
	timeType     = reflect.TypeFor[time.Time]()
)

// fieldOf returns the field of struct type t read from key, looking into
// inline (embedded) structs.
func fieldOf(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.Anonymous && strings.Contains(opts, "inline") {
			if g, ok := fieldOf(f.Type, key); ok {
				return g, true
			}
			continue
		}
		if tag == "" {
			tag = strings.ToLower(f.Name)
		}
		if tag == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldNames lists the keys of struct type t, inline fields included.
func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case !f.IsExported() || tag == "-":
		case f.Anonymous && strings.Contains(opts, "inline"):
			names = append(names, fieldNames(f.Type)...)
		default:
			names = append(names, tag)
		}
	}
	return names
}

// checkFields reports every key of n that t has no field for, and records
// the line of every field by path ("c2[1].value").
func checkFields(n *yaml.Node, t reflect.Type, prefix, file string, lines map[string]int) []error {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var errs []error
	switch {
	case t.Kind() == reflect.Struct && t != timeType && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			full := join(prefix, k.Value)
			f, ok := fieldOf(t, k.Value)
			if !ok {
				msg := fmt.Sprintf("unknown field %q", full) + suggest.DidYouMean(k.Value, fieldNames(t))
				errs = append(errs, &Error{File: file, Line: k.Line, Msg: msg, Err: intel.ErrInvalid})
				continue
			}
			lines[full] = k.Line
			errs = append(errs, checkFields(v, f.Type, full, file, lines)...)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p := prefix + "[" + strconv.Itoa(i) + "]"
			lines[p] = item.Line
			errs = append(errs, checkFields(item, t.Elem(), p, file, lines)...)
		}
	}
	return errs
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// yamlError turns the yaml package's errors into Errors at their lines.
func yamlError(file string, err error) error {
	var errs []error
	for _, p := range yamlpos.Problems(err) {
		errs = append(errs, &Error{File: file, Line: p.Line, Msg: p.Msg, Err: intel.ErrInvalid})
	}
	return errors.Join(errs...)
}

// jsonError places encoding/json's errors at their line.
func jsonError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &Error{File: file, Line: lineAt(data, se.Offset), Msg: se.Error(), Err: intel.ErrInvalid}
	case errors.As(err, &te):
		msg := fmt.Sprintf("field %q: cannot read JSON %s as %s", te.Field, te.Value, te.Type)
		return &Error{File: file, Line: lineAt(data, te.Offset), Msg: msg, Err: intel.ErrInvalid}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if k, ok := strings.CutPrefix(msg, "unknown field "); ok {
		// Only reached when the YAML pass could not read the JSON; find the key.
		key, _ := strconv.Unquote(k)
		line := 0
		if i := strings.Index(string(data), strconv.Quote(key)); i >= 0 {
			line = lineAt(data, int64(i))
		}
		return &Error{File: file, Line: line, Msg: "unknown field " + k, Err: intel.ErrInvalid}
	}
	return &Error{File: file, Msg: msg, Err: intel.ErrInvalid}
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + strings.Count(string(data[:off]), "\n")
}

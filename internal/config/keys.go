package config

import (
	"reflect"
	"slices"
	"strings"
)

// A key is one settable leaf of Config: "extract.format".
type key struct {
	name  string // dotted yaml path
	index []int  // reflect field index path from Config
	typ   reflect.Type
}

// Keys returns the dotted names of every key of every section, in struct
// order ("extract.format", …). Each can be set in the file and, when it is
// a scalar or a list of strings, by the environment variable EnvVar(key).
func Keys() []string {
	var names []string
	for _, k := range leafKeys(reflect.TypeFor[Config](), "", nil) {
		names = append(names, k.name)
	}
	return names
}

// leafKeys walks t's yaml-tagged fields, descending into nested structs.
func leafKeys(t reflect.Type, prefix string, index []int) []key {
	var keys []key
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name == "" {
			continue
		}
		idx := append(slices.Clone(index), i)
		full := join(prefix, name)
		if f.Type.Kind() == reflect.Struct && !isScalar(f.Type) {
			keys = append(keys, leafKeys(f.Type, full, idx)...)
			continue
		}
		keys = append(keys, key{name: full, index: idx, typ: f.Type})
	}
	return keys
}

// yamlName returns the key a struct field is read from, "" for fields that
// are not part of the file.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch tag {
	case "-":
		return ""
	case "":
		return strings.ToLower(f.Name) // the yaml package's rule
	}
	return tag
}

// fieldByKey returns the field of struct type t read from the yaml key k.
func fieldByKey(t reflect.Type, k string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if yamlName(f) == k {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// keyNames lists the yaml keys of struct type t.
func keyNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if n := yamlName(t.Field(i)); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// isScalar reports whether a struct type is read from one scalar (it
// implements encoding.TextUnmarshaler, as time.Time and secret types do).
func isScalar(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(textUnmarshaler)
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

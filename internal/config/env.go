package config

import (
	"encoding"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// EnvPrefix starts the name of every environment variable iocast reads.
const EnvPrefix = "IOCAST_"

// EnvVar returns the environment variable that sets the dotted key:
// "extract.no_builtin_warninglists" → "IOCAST_EXTRACT_NO_BUILTIN_WARNINGLISTS".
func EnvVar(key string) string {
	r := strings.NewReplacer(".", "_", "-", "_")
	return EnvPrefix + strings.ToUpper(r.Replace(key))
}

// applyEnv sets every key whose environment variable is set and not empty,
// and records the variable's name by dotted key.
func applyEnv(cfg *Config, lookup func(string) (string, bool), origin map[string]string) error {
	root := reflect.ValueOf(cfg).Elem()
	for _, k := range leafKeys(root.Type(), "", nil) {
		name := EnvVar(k.name)
		s, ok := lookup(name)
		if alias := envAliases[k.name]; (!ok || s == "") && alias != "" {
			name = alias
			s, ok = lookup(name)
		}
		if !ok || s == "" {
			continue
		}
		if err := setFromString(root.FieldByIndex(k.index), s); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		origin[k.name] = name
	}
	return nil
}

// setFromString sets v from the text of an environment variable. Lists are
// separated like PATH (":", or ";" on Windows).
func setFromString(v reflect.Value, s string) error {
	if tu, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return tu.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%w boolean %q: want true or false", intel.ErrInvalid, s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return fmt.Errorf("%w integer %q", intel.ErrInvalid, s)
		}
		v.SetInt(n)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("cannot be set from the environment")
		}
		var list []string
		for _, item := range filepath.SplitList(s) {
			if item != "" {
				list = append(list, item)
			}
		}
		v.Set(reflect.ValueOf(list).Convert(v.Type()))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}

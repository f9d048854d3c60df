// Package config loads iocast's one configuration file and overlays the
// IOCAST_* environment variables on it.
//
// Values come, from strongest to weakest, from command-line flags (applied
// by the caller, internal/cli), the environment, the file, and Default. The
// file is YAML; unknown keys are errors that name the file, the line and the
// key, so that a typo never silently falls back to a default.
//
// The configuration is a plain struct with one field per section. A new
// section is a new field with a yaml tag: key checking and the environment
// overlay follow the struct's yaml tags, so they need no extra code (see
// docs/CONFIG.md for the naming rule).
package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iocast/iocast/intel"
)

// Config is the whole configuration, one field per section.
type Config struct {
	// Extract configures the extract command.
	Extract ExtractConfig `yaml:"extract"`
}

// ExtractConfig configures the extract command.
type ExtractConfig struct {
	// Format is the output format, one of ExtractFormats.
	Format string `yaml:"format"`
	// All keeps indicators that a warninglist matched, marking them.
	All bool `yaml:"all"`
	// Warninglists are MISP warninglist JSON files applied in addition to
	// the built-in ones. Relative paths in the file are resolved against the
	// directory of the configuration file.
	Warninglists []string `yaml:"warninglists"`
	// NoBuiltinWarninglists disables the built-in warninglists.
	NoBuiltinWarninglists bool `yaml:"no_builtin_warninglists"`
}

// ExtractFormats lists the output formats of the extract command; the first
// is the default.
var ExtractFormats = []string{"text", "jsonl", "csv"}

// Default returns the configuration used when neither a flag, the
// environment nor the file sets a value.
func Default() Config {
	return Config{
		Extract: ExtractConfig{Format: ExtractFormats[0]},
	}
}

// CheckExtractFormat returns an error wrapping intel.ErrInvalid unless f is
// one of ExtractFormats.
func CheckExtractFormat(f string) error {
	if slices.Contains(ExtractFormats, f) {
		return nil
	}
	return fmt.Errorf("%w format %q: want %s", intel.ErrInvalid, f, strings.Join(ExtractFormats, ", "))
}

// validate checks values that have a fixed set of choices. key returns the
// position to name in an error ("config.yaml:3" or "IOCAST_EXTRACT_FORMAT")
// for a dotted key.
func (c *Config) validate(where func(key string) string) error {
	if err := CheckExtractFormat(c.Extract.Format); err != nil {
		return fmt.Errorf("%s: %w", where("extract.format"), err)
	}
	return nil
}

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
	// Compose configures the compose command.
	Compose ComposeConfig `yaml:"compose"`
	// Parse configures the parse command.
	Parse ParseConfig `yaml:"parse"`
	// Store chooses the intelligence store (docs/STORE.md).
	Store StoreConfig `yaml:"store"`
	// Enrich configures enrichment of C2 addresses (enrich.go).
	Enrich EnrichConfig `yaml:"enrich"`
	// Post configures the post command, and X, Mastodon, Bluesky, Misskey
	// and Webhook the accounts it posts with (publish.go).
	Post     PostConfig     `yaml:"post"`
	X        XConfig        `yaml:"x"`
	Mastodon MastodonConfig `yaml:"mastodon"`
	Bluesky  BlueskyConfig  `yaml:"bluesky"`
	Misskey  MisskeyConfig  `yaml:"misskey"`
	Webhook  WebhookConfig  `yaml:"webhook"`
}

// ComposeConfig configures the compose command.
type ComposeConfig struct {
	// Platform is one of ComposePlatforms.
	Platform string `yaml:"platform"`
	// Lang is the label language, one of ComposeLangs.
	Lang string `yaml:"lang"`
	// Format is the output format, one of ComposeFormats.
	Format string `yaml:"format"`
	// MaxParts caps the posts of a thread; 0 means no cap.
	MaxParts int `yaml:"max_parts"`
	// MastodonLimit is the Mastodon instance's post length limit.
	MastodonLimit int `yaml:"mastodon_limit"`
}

// StoreConfig chooses the intelligence store.
type StoreConfig struct {
	// DSN is a SQLite file path or a postgres:// URL; empty means the
	// default file $XDG_DATA_HOME/iocast/iocast.db. The --db flag and
	// IOCAST_DB take precedence.
	DSN string `yaml:"dsn"`
}

// ParseConfig configures the parse command.
type ParseConfig struct {
	// Format is the output format, one of ParseFormats.
	Format string `yaml:"format"`
}

// Choices of the compose and parse commands; the first is the default.
var (
	ComposePlatforms = []string{"x", "mastodon", "bluesky", "all"}
	ComposeLangs     = []string{"en", "ja"}
	ComposeFormats   = []string{"text", "json"}
	ParseFormats     = []string{"json", "jsonl"}
)

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
		Compose: ComposeConfig{Platform: ComposePlatforms[0], Lang: ComposeLangs[0], Format: ComposeFormats[0], MastodonLimit: 500},
		Parse:   ParseConfig{Format: ParseFormats[0]},
		Enrich:  EnrichConfig{Timeout: DefaultEnrichTimeout},
		Post:    PostConfig{MaxWait: "15m"},
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

// CheckChoice returns an error wrapping intel.ErrInvalid unless v is one
// of choices; what names the value ("format", "platform").
func CheckChoice(what, v string, choices []string) error {
	if slices.Contains(choices, v) {
		return nil
	}
	return fmt.Errorf("%w %s %q: want %s", intel.ErrInvalid, what, v, strings.Join(choices, ", "))
}

// CheckCount returns an error wrapping intel.ErrInvalid when n is below min.
func CheckCount(what string, n, min int) error {
	if n < min {
		return fmt.Errorf("%w %s %d: want at least %d", intel.ErrInvalid, what, n, min)
	}
	return nil
}

// validate checks values that have a fixed set of choices. key returns the
// position to name in an error ("config.yaml:3" or "IOCAST_EXTRACT_FORMAT")
// for a dotted key.
func (c *Config) validate(where func(key string) string) error {
	if err := CheckExtractFormat(c.Extract.Format); err != nil {
		return fmt.Errorf("%s: %w", where("extract.format"), err)
	}
	checks := []struct {
		key string
		err error
	}{
		{"compose.platform", CheckChoice("platform", c.Compose.Platform, ComposePlatforms)},
		{"compose.lang", CheckChoice("lang", c.Compose.Lang, ComposeLangs)},
		{"compose.format", CheckChoice("format", c.Compose.Format, ComposeFormats)},
		{"compose.max_parts", CheckCount("max_parts", c.Compose.MaxParts, 0)},
		{"compose.mastodon_limit", CheckCount("mastodon_limit", c.Compose.MastodonLimit, 1)},
		{"parse.format", CheckChoice("format", c.Parse.Format, ParseFormats)},
	}
	for _, ch := range checks {
		if ch.err != nil {
			return fmt.Errorf("%s: %w", where(ch.key), ch.err)
		}
	}
	if err := c.Post.validate(where); err != nil {
		return err
	}
	return c.Enrich.validate(where)
}

package config

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/iocast/iocast/intel"
)

// EnrichConfig configures enrichment (ASN, AS organisation and country of
// C2 addresses): the enrich command and every command that enriches.
type EnrichConfig struct {
	// IPDB are IP data sets: MaxMind DB files (.mmdb) and iptoasn.com TSV
	// files (.tsv, .tsv.gz), strongest first. Empty means the files in
	// DefaultIPDBDir. Also set by IOCAST_IPDB.
	IPDB []string `yaml:"ipdb"`
	// Online are the online sources to ask for what the data sets do not
	// know, in order: EnrichOnline lists them. None by default.
	Online []string `yaml:"online"`
	// Resolve resolves C2 domains to enrich them (off: it can alert the
	// attacker).
	Resolve bool `yaml:"resolve"`
	// Timeout bounds each online lookup and each resolution, as a Go
	// duration ("5s").
	Timeout string `yaml:"timeout"`
	// DNSServer is the DNS server (host:port) for Team Cymru queries and
	// resolving; empty means the system's resolver.
	DNSServer string `yaml:"dns_server"`
	// RDAPURL is the RDAP service; empty means https://rdap.org.
	RDAPURL string `yaml:"rdap_url"`
	// Names maps AS organisation names to the names shown in posts
	// ("The Constant Company, LLC": Vultr). File only.
	Names map[string]string `yaml:"names"`
}

// EnrichOnline lists the online sources.
var EnrichOnline = []string{"cymru", "rdap"}

// DefaultEnrichTimeout is enrich.timeout's default.
const DefaultEnrichTimeout = "5s"

// envAliases are further environment variables for keys, read when the
// key's own variable is unset: IOCAST_IPDB is shorter to type.
var envAliases = map[string]string{"enrich.ipdb": EnvPrefix + "IPDB"}

// DefaultIPDBDir returns the directory searched for IP data sets when none
// is configured: $XDG_DATA_HOME/iocast/ipdb, or ~/.local/share/iocast/ipdb.
func DefaultIPDBDir(lookup func(string) (string, bool)) (string, error) {
	if dir, ok := lookup("XDG_DATA_HOME"); ok && filepath.IsAbs(dir) {
		return filepath.Join(dir, "iocast", "ipdb"), nil
	}
	home, err := homeDir(lookup)
	if err != nil {
		return "", fmt.Errorf("config: find the IP data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "iocast", "ipdb"), nil
}

// EnrichTimeout parses a timeout; it must be positive.
func EnrichTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%w timeout %q: want a duration like 5s or 500ms", intel.ErrInvalid, s)
	}
	return d, nil
}

// CheckEnrichOnline returns an error wrapping intel.ErrInvalid unless
// every name is one of EnrichOnline.
func CheckEnrichOnline(names []string) error {
	for _, n := range names {
		if err := CheckChoice("online source", n, EnrichOnline); err != nil {
			return err
		}
	}
	return nil
}

// validate checks the enrich section.
func (c *EnrichConfig) validate(where func(key string) string) error {
	if err := CheckEnrichOnline(c.Online); err != nil {
		return fmt.Errorf("%s: %w", where("enrich.online"), err)
	}
	if _, err := EnrichTimeout(c.Timeout); err != nil {
		return fmt.Errorf("%s: %w", where("enrich.timeout"), err)
	}
	return nil
}

// resolvePaths resolves the section's relative paths against dir.
func (c *EnrichConfig) resolvePaths(dir string, lookup func(string) (string, bool)) {
	for i, p := range c.IPDB {
		c.IPDB[i] = resolvePath(p, dir, lookup)
	}
}

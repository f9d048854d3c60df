package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// EnvConfig names the environment variable that holds the configuration
// file's path when no --config flag is given.
const EnvConfig = EnvPrefix + "CONFIG"

// Options says where Load looks.
type Options struct {
	// Path is the file named by --config. When empty, Load uses
	// $IOCAST_CONFIG, then DefaultPath. A file named by either must exist;
	// the default file may be missing.
	Path string
	// LookupEnv reads the environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Result is a loaded configuration.
type Result struct {
	// Config is Default overlaid with the file, then with the environment.
	Config Config
	// Path is the file that was read, "" when none was.
	Path string
	// Warnings are problems that do not stop iocast, for the caller to show.
	Warnings []Warning
}

// Warning is a problem with the configuration that does not stop iocast.
type Warning struct {
	Message string
	Hint    string // what to do about it; may be empty
}

// Load reads the configuration file and the environment.
func Load(opts Options) (*Result, error) {
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	path, explicit := opts.Path, opts.Path != ""
	if !explicit {
		if p, ok := lookup(EnvConfig); ok && p != "" {
			path, explicit = p, true
		}
	}
	if !explicit {
		p, err := DefaultPath(lookup)
		if err != nil {
			return nil, err
		}
		path = p
	}

	res := &Result{Config: Default()}
	origin := map[string]string{} // dotted key → "file:line" or env var name
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		res.Path = path
		lines, err := Parse(data, path, &res.Config)
		if err != nil {
			return nil, err
		}
		for k, line := range lines {
			origin[k] = path + ":" + strconv.Itoa(line)
		}
		resolvePaths(&res.Config, filepath.Dir(path), lookup)
		if err := checkSecretsMode(path, lines); err != nil {
			return nil, err
		}
		if w, ok := checkMode(path); ok {
			res.Warnings = append(res.Warnings, w)
		}
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		// No configuration file: defaults and environment only.
	default:
		return nil, fmt.Errorf("config: %w", err)
	}

	// Errors below name the file and line, or the variable, already.
	if err := applyEnv(&res.Config, lookup, origin); err != nil {
		return nil, err
	}
	err = res.Config.validate(func(key string) string {
		if o, ok := origin[key]; ok {
			return o
		}
		return "default " + key
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// DefaultPath returns $XDG_CONFIG_HOME/iocast/config.yaml, or
// ~/.config/iocast/config.yaml when XDG_CONFIG_HOME is unset or relative.
func DefaultPath(lookup func(string) (string, bool)) (string, error) {
	if dir, ok := lookup("XDG_CONFIG_HOME"); ok && filepath.IsAbs(dir) {
		return filepath.Join(dir, "iocast", "config.yaml"), nil
	}
	home, err := homeDir(lookup)
	if err != nil {
		return "", fmt.Errorf("config: find the default file: %w", err)
	}
	return filepath.Join(home, ".config", "iocast", "config.yaml"), nil
}

func homeDir(lookup func(string) (string, bool)) (string, error) {
	if h, ok := lookup("HOME"); ok && h != "" {
		return h, nil
	}
	return os.UserHomeDir()
}

// resolvePaths makes the file's relative paths relative to its directory,
// and expands a leading "~/". Environment values are left as given.
func resolvePaths(c *Config, dir string, lookup func(string) (string, bool)) {
	for i, p := range c.Extract.Warninglists {
		c.Extract.Warninglists[i] = resolvePath(p, dir, lookup)
	}
	c.Enrich.resolvePaths(dir, lookup)
}

func resolvePath(p, dir string, lookup func(string) (string, bool)) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := homeDir(lookup); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// checkMode warns when others than the owner may read the file: later
// sections hold credentials.
func checkMode(path string) (Warning, bool) {
	if runtime.GOOS == "windows" {
		return Warning{}, false // permission bits do not describe Windows ACLs
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return Warning{}, false
	}
	return Warning{
		Message: fmt.Sprintf("%s is readable by group or others (mode %#o) and may hold credentials", path, fi.Mode().Perm()),
		Hint:    "chmod 600 " + path,
	}, true
}

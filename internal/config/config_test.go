package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// env returns a LookupEnv over m.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// writeConfig writes a 0600 config.yaml in a new directory and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadPrecedence(t *testing.T) {
	file := writeConfig(t, "extract:\n  format: csv\n  all: true\n  warninglists: [/lists/a.json, b.json]\n")
	dir := filepath.Dir(file)
	tests := []struct {
		name string
		path string
		env  map[string]string
		want ExtractConfig
	}{
		{
			name: "defaults without a file",
			env:  map[string]string{"XDG_CONFIG_HOME": t.TempDir()},
			want: ExtractConfig{Format: "text"},
		},
		{
			name: "file over defaults",
			path: file,
			want: ExtractConfig{Format: "csv", All: true, Warninglists: []string{"/lists/a.json", filepath.Join(dir, "b.json")}},
		},
		{
			name: "environment over file",
			path: file,
			env: map[string]string{
				"IOCAST_EXTRACT_FORMAT":                  "jsonl",
				"IOCAST_EXTRACT_ALL":                     "false",
				"IOCAST_EXTRACT_WARNINGLISTS":            "x.json" + string(filepath.ListSeparator) + "/y.json",
				"IOCAST_EXTRACT_NO_BUILTIN_WARNINGLISTS": "1",
			},
			want: ExtractConfig{Format: "jsonl", Warninglists: []string{"x.json", "/y.json"}, NoBuiltinWarninglists: true},
		},
		{
			name: "empty variable counts as unset",
			path: file,
			env:  map[string]string{"IOCAST_EXTRACT_FORMAT": ""},
			want: ExtractConfig{Format: "csv", All: true, Warninglists: []string{"/lists/a.json", filepath.Join(dir, "b.json")}},
		},
		{
			name: "IOCAST_CONFIG names the file",
			env:  map[string]string{"IOCAST_CONFIG": file},
			want: ExtractConfig{Format: "csv", All: true, Warninglists: []string{"/lists/a.json", filepath.Join(dir, "b.json")}},
		},
		{
			name: "XDG_CONFIG_HOME holds the default file",
			env:  map[string]string{"XDG_CONFIG_HOME": filepath.Dir(writeConfig(t, "extract: {format: jsonl}\n")) + "/.."},
			want: ExtractConfig{Format: "text"}, // …/iocast/config.yaml does not exist there
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env == nil {
				tt.env = map[string]string{}
			}
			res, err := Load(Options{Path: tt.path, LookupEnv: env(tt.env)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res.Config.Extract); diff != "" {
				t.Errorf("Extract (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"XDG_CONFIG_HOME", map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/iocast/config.yaml"},
		{"relative XDG_CONFIG_HOME is ignored", map[string]string{"XDG_CONFIG_HOME": "rel", "HOME": "/home/u"}, "/home/u/.config/iocast/config.yaml"},
		{"HOME", map[string]string{"HOME": "/home/u"}, "/home/u/.config/iocast/config.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(filepath.FromSlash(tt.want), got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadDefaultFile(t *testing.T) {
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "iocast"), 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(xdg, "iocast", "config.yaml")
	if err := os.WriteFile(p, []byte("extract:\n  format: jsonl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Load(Options{LookupEnv: env(map[string]string{"XDG_CONFIG_HOME": xdg})})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != p || res.Config.Extract.Format != "jsonl" {
		t.Errorf("Load = path %q, format %q; want %q, jsonl", res.Path, res.Config.Extract.Format, p)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		body string            // config file; "" means no --config
		path string            // overrides the file's path
		env  map[string]string // IOCAST_* variables
		want string            // error text, with FILE for the file's path
	}{
		{
			name: "unknown section",
			body: "# iocast\n\n\n\n\n\nextrct:\n  format: csv\n",
			want: `FILE:7: unknown key "extrct"; did you mean "extract"?`,
		},
		{
			name: "unknown key in a section",
			body: "extract:\n  format: csv\n  fromat: jsonl\n",
			want: `FILE:3: unknown key "extract.fromat"; did you mean "format"?`,
		},
		{
			name: "every unknown key is reported",
			body: "extract:\n  colour: red\nbogus: {}\n",
			want: "FILE:2: unknown key \"extract.colour\"\nFILE:3: unknown key \"bogus\"",
		},
		{
			name: "wrong type",
			body: "extract:\n  all: maybe\n",
			want: "FILE:2: cannot unmarshal !!str `maybe` into bool",
		},
		{
			name: "invalid format in the file",
			body: "extract:\n  format: xml\n",
			want: `FILE:2: invalid format "xml": want text, jsonl, csv`,
		},
		{
			name: "not a mapping",
			body: "- extract\n",
			want: "FILE:1: want a mapping of sections (extract: …)",
		},
		{
			name: "syntax error",
			body: "extract:\n\tformat: csv\n",
			want: "FILE:2: found character that cannot start any token",
		},
		{
			name: "invalid format in the environment",
			body: "extract:\n  format: csv\n",
			env:  map[string]string{"IOCAST_EXTRACT_FORMAT": "xml"},
			want: `IOCAST_EXTRACT_FORMAT: invalid format "xml": want text, jsonl, csv`,
		},
		{
			name: "invalid boolean in the environment",
			env:  map[string]string{"IOCAST_EXTRACT_ALL": "yes please"},
			want: `IOCAST_EXTRACT_ALL: invalid boolean "yes please": want true or false`,
		},
		{
			name: "missing explicit file",
			path: "/nonexistent/iocast.yaml",
			want: "config: open /nonexistent/iocast.yaml: no such file or directory",
		},
		{
			name: "missing IOCAST_CONFIG file",
			env:  map[string]string{"IOCAST_CONFIG": "/nonexistent/iocast.yaml"},
			want: "config: open /nonexistent/iocast.yaml: no such file or directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{"XDG_CONFIG_HOME": t.TempDir()}
			for k, v := range tt.env {
				e[k] = v
			}
			path := tt.path
			if tt.body != "" {
				path = writeConfig(t, tt.body)
			}
			_, err := Load(Options{Path: path, LookupEnv: env(e)})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if diff := cmp.Diff(want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, body := range []string{"", "# nothing yet\n", "---\n"} {
		cfg := Default()
		if _, err := Parse([]byte(body), "config.yaml", &cfg); err != nil {
			t.Errorf("Parse(%q): %v", body, err)
		}
		if diff := cmp.Diff(Default(), cfg); diff != "" {
			t.Errorf("Parse(%q) changed the defaults (-want +got):\n%s", body, diff)
		}
	}
}

func TestLoadModeWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits on Windows")
	}
	p := writeConfig(t, "extract: {}\n")
	for _, tt := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o640, true}, {0o604, true}, {0o400, false}} {
		if err := os.Chmod(p, tt.mode); err != nil {
			t.Fatal(err)
		}
		res, err := Load(Options{Path: p, LookupEnv: env(nil)})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Warnings) > 0; got != tt.warn {
			t.Errorf("mode %#o: warnings %v, want warning %v", tt.mode, res.Warnings, tt.warn)
		}
		if tt.warn && res.Warnings[0].Hint != "chmod 600 "+p {
			t.Errorf("mode %#o: hint %q", tt.mode, res.Warnings[0].Hint)
		}
	}
}

func TestEnvVar(t *testing.T) {
	got := map[string]string{}
	for _, k := range Keys() {
		got[k] = EnvVar(k)
	}
	want := map[string]string{
		"extract.format":                  "IOCAST_EXTRACT_FORMAT",
		"extract.all":                     "IOCAST_EXTRACT_ALL",
		"extract.warninglists":            "IOCAST_EXTRACT_WARNINGLISTS",
		"extract.no_builtin_warninglists": "IOCAST_EXTRACT_NO_BUILTIN_WARNINGLISTS",
		"compose.platform":                "IOCAST_COMPOSE_PLATFORM",
		"compose.lang":                    "IOCAST_COMPOSE_LANG",
		"compose.format":                  "IOCAST_COMPOSE_FORMAT",
		"compose.max_parts":               "IOCAST_COMPOSE_MAX_PARTS",
		"compose.mastodon_limit":          "IOCAST_COMPOSE_MASTODON_LIMIT",
		"parse.format":                    "IOCAST_PARSE_FORMAT",
		"store.dsn":                       "IOCAST_STORE_DSN",
		"enrich.ipdb":                     "IOCAST_ENRICH_IPDB",
		"enrich.online":                   "IOCAST_ENRICH_ONLINE",
		"enrich.resolve":                  "IOCAST_ENRICH_RESOLVE",
		"enrich.timeout":                  "IOCAST_ENRICH_TIMEOUT",
		"enrich.dns_server":               "IOCAST_ENRICH_DNS_SERVER",
		"enrich.rdap_url":                 "IOCAST_ENRICH_RDAP_URL",
		"enrich.names":                    "IOCAST_ENRICH_NAMES",
		// The account variables are the names docs/PUBLISHING.md gives.
		"post.to":              "IOCAST_POST_TO",
		"post.no_card":         "IOCAST_POST_NO_CARD",
		"post.card_dir":        "IOCAST_POST_CARD_DIR",
		"post.max_wait":        "IOCAST_POST_MAX_WAIT",
		"x.api_url":            "IOCAST_X_API_URL",
		"x.consumer_key":       "IOCAST_X_CONSUMER_KEY",
		"x.consumer_secret":    "IOCAST_X_CONSUMER_SECRET",
		"x.access_token":       "IOCAST_X_ACCESS_TOKEN",
		"x.access_secret":      "IOCAST_X_ACCESS_SECRET",
		"mastodon.url":         "IOCAST_MASTODON_URL",
		"mastodon.token":       "IOCAST_MASTODON_TOKEN",
		"mastodon.visibility":  "IOCAST_MASTODON_VISIBILITY",
		"bluesky.pds":          "IOCAST_BLUESKY_PDS",
		"bluesky.handle":       "IOCAST_BLUESKY_HANDLE",
		"bluesky.app_password": "IOCAST_BLUESKY_APP_PASSWORD",
		"misskey.url":          "IOCAST_MISSKEY_URL",
		"misskey.token":        "IOCAST_MISSKEY_TOKEN",
		"misskey.visibility":   "IOCAST_MISSKEY_VISIBILITY",
		"webhook.url":          "IOCAST_WEBHOOK_URL",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDocumented checks that docs/CONFIG.md names every key and variable.
func TestDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "CONFIG.md"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("docs/CONFIG.md not found")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		for _, s := range []string{"`" + k + "`", "`" + EnvVar(k) + "`"} {
			if !strings.Contains(string(doc), s) {
				t.Errorf("docs/CONFIG.md does not mention %s", s)
			}
		}
	}
}

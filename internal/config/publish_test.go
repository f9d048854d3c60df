package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/iocast/iocast/internal/secret"
)

func TestSecretsInFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	const token = "tok-3f9a1c"
	data := "post:\n  to: [mastodon]\nmastodon:\n  url: https://infosec.exchange\n  token: " + token + "\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) (string, bool) { return "", false }
	_, err := Load(Options{Path: path, LookupEnv: noEnv})
	if err == nil || !strings.Contains(err.Error(), "chmod 600") || !strings.Contains(err.Error(), path+":5") ||
		!strings.Contains(err.Error(), "mastodon.token") || strings.Contains(err.Error(), token) {
		t.Errorf("a world-readable file with a token: %v", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Load(Options{Path: path, LookupEnv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Config
	if c.Mastodon.Token.Reveal() != token || c.Mastodon.URL != "https://infosec.exchange" || len(c.Post.To) != 1 {
		t.Errorf("config = %+v", c)
	}
	if got := c.Accounts(); len(got) != 1 || got[0] != "mastodon" {
		t.Errorf("Accounts() = %v", got)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if out := fmt.Sprintf(f, c); strings.Contains(out, token) {
			t.Errorf("%s of the configuration prints the token: %s", f, out)
		}
	}
}

func TestSecretsFromEnv(t *testing.T) {
	env := map[string]string{
		"IOCAST_X_CONSUMER_KEY": "ck", "IOCAST_X_CONSUMER_SECRET": "cs", "IOCAST_X_ACCESS_TOKEN": "at", "IOCAST_X_ACCESS_SECRET": "x-access-secret-9f1",
		"IOCAST_BLUESKY_HANDLE": "analyst.bsky.social", "IOCAST_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
		"IOCAST_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/XXXX", "IOCAST_POST_TO": "x:bluesky",
		"IOCAST_CONFIG": filepath.Join(t.TempDir(), "none.yaml"),
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	_, err := Load(Options{LookupEnv: lookup})
	if err == nil {
		t.Fatal("a missing IOCAST_CONFIG file was accepted")
	}
	delete(env, "IOCAST_CONFIG")
	env["XDG_CONFIG_HOME"] = t.TempDir()
	res, err := Load(Options{LookupEnv: lookup})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Config
	if c.X.AccessSecret.Reveal() != "x-access-secret-9f1" || c.Bluesky.AppPassword.Reveal() != "abcd-efgh-ijkl-mnop" || c.Webhook.URL.Reveal() != env["IOCAST_WEBHOOK_URL"] {
		t.Errorf("secrets not read from the environment: %+v", c)
	}
	if got := strings.Join(c.Accounts(), ","); got != "x,bluesky,webhook" {
		t.Errorf("Accounts() = %s", got)
	}
	if got := strings.Join(c.Post.To, ","); got != "x,bluesky" {
		t.Errorf("post.to = %s", got)
	}
	if secret.Contains(fmt.Sprintf("%+v", c), c.X.AccessSecret, c.Bluesky.AppPassword, c.Webhook.URL) {
		t.Error("the configuration prints a secret")
	}
	env["IOCAST_POST_TO"] = "x:friendica"
	if _, err := Load(Options{LookupEnv: lookup}); err == nil || !strings.Contains(err.Error(), "friendica") {
		t.Errorf("unknown platform in IOCAST_POST_TO: %v", err)
	}
}

package config

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/secret"
)

// PostConfig configures the post command (docs/PUBLISHING.md).
type PostConfig struct {
	// To are the platforms to post to, a subset of PostPlatforms; empty
	// means every platform with an account configured.
	To []string `yaml:"to"`
	// NoCard leaves the evidence card out of posts.
	NoCard bool `yaml:"no_card"`
	// CardDir is where the post command writes the card it attaches
	// (card-<hash>.png); empty means the directory of the store's data,
	// $XDG_DATA_HOME/iocast/cards.
	CardDir string `yaml:"card_dir"`
	// MaxWait is the longest a rate limit is waited for, as a Go duration
	// ("15m"); a longer one stops the thread, which the next run resumes.
	MaxWait string `yaml:"max_wait"`
}

// PostPlatforms are the platforms the post command knows.
var PostPlatforms = []string{"x", "mastodon", "bluesky", "misskey", "webhook"}

// XConfig is the X account: API v2 with OAuth 1.0a user context.
type XConfig struct {
	// APIURL is the API's base URL; empty means https://api.x.com.
	APIURL         string        `yaml:"api_url"`
	ConsumerKey    secret.String `yaml:"consumer_key"`
	ConsumerSecret secret.String `yaml:"consumer_secret"`
	AccessToken    secret.String `yaml:"access_token"`
	AccessSecret   secret.String `yaml:"access_secret"`
}

// Configured reports whether any credential is set.
func (c XConfig) Configured() bool {
	return c.ConsumerKey.IsSet() || c.ConsumerSecret.IsSet() || c.AccessToken.IsSet() || c.AccessSecret.IsSet()
}

// MastodonConfig is the Mastodon account.
type MastodonConfig struct {
	// URL is the instance (https://infosec.exchange).
	URL   string        `yaml:"url"`
	Token secret.String `yaml:"token"`
	// Visibility of the posts: public (default), unlisted, private.
	Visibility string `yaml:"visibility"`
}

// Configured reports whether the account is set at all.
func (c MastodonConfig) Configured() bool { return c.URL != "" || c.Token.IsSet() }

// BlueskyConfig is the Bluesky account.
type BlueskyConfig struct {
	// PDS is the account's server; empty means https://bsky.social.
	PDS    string `yaml:"pds"`
	Handle string `yaml:"handle"`
	// AppPassword is an app password (Settings → App passwords), not the
	// account's password.
	AppPassword secret.String `yaml:"app_password"`
}

// Configured reports whether the account is set at all.
func (c BlueskyConfig) Configured() bool { return c.Handle != "" || c.AppPassword.IsSet() }

// MisskeyConfig is the Misskey account.
type MisskeyConfig struct {
	URL   string        `yaml:"url"`
	Token secret.String `yaml:"token"`
	// Visibility of the notes: public (default), home, followers.
	Visibility string `yaml:"visibility"`
}

// Configured reports whether the account is set at all.
func (c MisskeyConfig) Configured() bool { return c.URL != "" || c.Token.IsSet() }

// WebhookConfig is a Slack- or Discord-compatible incoming webhook.
type WebhookConfig struct {
	// URL is the webhook's URL, which is its credential.
	URL secret.String `yaml:"url"`
}

// Configured reports whether the webhook is set.
func (c WebhookConfig) Configured() bool { return c.URL.IsSet() }

// Accounts lists the platforms that have an account configured, in the
// order of PostPlatforms.
func (c *Config) Accounts() []string {
	var out []string
	for _, p := range PostPlatforms {
		var ok bool
		switch p {
		case "x":
			ok = c.X.Configured()
		case "mastodon":
			ok = c.Mastodon.Configured()
		case "bluesky":
			ok = c.Bluesky.Configured()
		case "misskey":
			ok = c.Misskey.Configured()
		case "webhook":
			ok = c.Webhook.Configured()
		}
		if ok {
			out = append(out, p)
		}
	}
	return out
}

// CheckPlatforms returns an error wrapping intel.ErrInvalid unless every
// name is one of PostPlatforms.
func CheckPlatforms(names []string) error {
	for _, n := range names {
		if !slices.Contains(PostPlatforms, n) {
			return fmt.Errorf("%w platform %q: want %s", intel.ErrInvalid, n, strings.Join(PostPlatforms, ", "))
		}
	}
	return nil
}

func (c *PostConfig) validate(where func(string) string) error {
	if err := CheckPlatforms(c.To); err != nil {
		return fmt.Errorf("%s: %w", where("post.to"), err)
	}
	if _, err := EnrichTimeout(c.MaxWait); c.MaxWait != "" && err != nil {
		return fmt.Errorf("%s: %w", where("post.max_wait"), err)
	}
	return nil
}

// secretKeys are the keys whose values are credentials.
var secretKeys = []string{
	"x.consumer_key", "x.consumer_secret", "x.access_token", "x.access_secret",
	"mastodon.token", "bluesky.app_password", "misskey.token", "webhook.url",
}

// checkSecretsMode refuses a configuration file that holds a credential
// and that others may read.
func checkSecretsMode(path string, lines map[string]int) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	var held []string
	for _, k := range secretKeys {
		if _, ok := lines[k]; ok {
			held = append(held, k)
		}
	}
	if len(held) == 0 {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return &Error{File: path, Line: lines[held[0]],
		Msg: fmt.Sprintf("holds credentials (%s) but others may read it (mode %#o): run chmod 600 %s, or set them in the environment (%s)",
			strings.Join(held, ", "), fi.Mode().Perm(), path, EnvVar(held[0]))}
}

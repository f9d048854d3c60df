package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/iocast/iocast/internal/config"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/bluesky"
	"github.com/iocast/iocast/internal/publish/mastodon"
	"github.com/iocast/iocast/internal/publish/misskey"
	"github.com/iocast/iocast/internal/publish/webhook"
	"github.com/iocast/iocast/internal/publish/xapi"
)

// httpTimeout bounds each request to a platform.
const httpTimeout = 60 * time.Second

// newAdapter builds the client of one platform from its configuration. It
// fails, naming the environment variables to set, when the account is
// incomplete.
func newAdapter(cfg config.Config, name string, client *http.Client) (publish.Adapter, error) {
	switch name {
	case publish.PlatformX:
		c := cfg.X
		return xapi.New(xapi.Config{APIURL: c.APIURL, ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret,
			AccessToken: c.AccessToken, AccessSecret: c.AccessSecret}, client)
	case publish.PlatformMastodon:
		c := cfg.Mastodon
		return mastodon.New(mastodon.Config{URL: c.URL, Token: c.Token, Visibility: c.Visibility}, client)
	case publish.PlatformBluesky:
		c := cfg.Bluesky
		return bluesky.New(bluesky.Config{PDS: c.PDS, Handle: c.Handle, AppPassword: c.AppPassword}, client)
	case publish.PlatformMisskey:
		c := cfg.Misskey
		return misskey.New(misskey.Config{URL: c.URL, Token: c.Token, Visibility: c.Visibility}, client)
	case publish.PlatformWebhook:
		return webhook.New(webhook.Config{URL: cfg.Webhook.URL}, client)
	}
	return nil, usageErrorf("unknown platform %q: want %s", name, strings.Join(config.PostPlatforms, ", "))
}

// endpoint says where a platform's posts go, for the dry run. The webhook's
// URL is a credential: only its host is shown.
func endpoint(cfg config.Config, name string) string {
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return strings.TrimRight(s, "/")
	}
	switch name {
	case publish.PlatformX:
		return "POST " + or(cfg.X.APIURL, "https://api.x.com") + "/2/tweets"
	case publish.PlatformMastodon:
		return "POST " + or(cfg.Mastodon.URL, "https://INSTANCE") + "/api/v1/statuses"
	case publish.PlatformBluesky:
		return "POST " + or(cfg.Bluesky.PDS, "https://bsky.social") + "/xrpc/com.atproto.repo.createRecord"
	case publish.PlatformMisskey:
		return "POST " + or(cfg.Misskey.URL, "https://INSTANCE") + "/api/notes/create"
	case publish.PlatformWebhook:
		host := "WEBHOOK"
		if u := cfg.Webhook.URL.Reveal(); u != "" {
			if scheme, rest, ok := strings.Cut(u, "://"); ok {
				h, _, _ := strings.Cut(rest, "/")
				host = scheme + "://" + h
			}
		}
		return "POST " + host + "/… (the webhook URL)"
	}
	return name
}

// accountsFlags are the flags of "iocast accounts check".
type accountsFlags struct {
	format string
}

func (f *accountsFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "text", "output `FORMAT`: text or json")
}

// accounts runs "iocast accounts check [PLATFORM...]".
func (e *env) accounts(ctx context.Context, args []string) error {
	var f accountsFlags
	fs := newFlagSet("accounts")
	f.define(fs)
	if done, err := e.parse("accounts", fs, args); done || err != nil {
		return err
	}
	if fs.NArg() == 0 || fs.Arg(0) != "check" {
		return usageErrorf("accounts takes the subcommand check: iocast accounts check [PLATFORM...]")
	}
	if err := config.CheckChoice("format", f.format, []string{"text", "json"}); err != nil {
		return usageErrorf("--format: %v", err)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	names := fs.Args()[1:]
	if err := config.CheckPlatforms(names); err != nil {
		return usageErrorf("%v", err)
	}
	if len(names) == 0 {
		names = cfg.Accounts()
	}
	if len(names) == 0 {
		return withHint(errors.New("accounts: no account is configured"),
			"set the IOCAST_X_*, IOCAST_MASTODON_*, IOCAST_BLUESKY_*, IOCAST_MISSKEY_* or IOCAST_WEBHOOK_URL variables; see docs/PUBLISHING.md")
	}
	type checked struct {
		publish.Account
		OK    bool   `json:"ok"`
		Error string `json:"error,omitempty"`
	}
	var out []checked
	failed := 0
	client := &http.Client{Timeout: httpTimeout}
	for _, name := range names {
		c := checked{Account: publish.Account{Platform: name}}
		a, err := newAdapter(cfg, name, client)
		if err == nil {
			var acc publish.Account
			acc, err = a.Check(ctx)
			if err == nil {
				c.Account, c.OK = acc, true
				c.Platform = name
			}
		}
		if err != nil {
			c.Error = err.Error()
			failed++
		}
		out = append(out, c)
	}
	if f.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, c := range out {
			switch {
			case !c.OK:
				fmt.Fprintf(e.stdout, "%-9s FAIL  %s\n", c.Platform, c.Error)
			case c.Platform == publish.PlatformWebhook:
				fmt.Fprintf(e.stdout, "%-9s ok    %s (a webhook cannot be checked without posting)\n", c.Platform, c.Name)
			default:
				limit := ""
				if c.Limit > 0 {
					limit = fmt.Sprintf(", posts up to %d", c.Limit)
				}
				fmt.Fprintf(e.stdout, "%-9s ok    %s%s\n", c.Platform, c.Name, limit)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("accounts: %d of %d accounts failed the check", failed, len(out))
	}
	return nil
}

// Package webhook publishes posts to incoming webhooks that take Slack's
// or Discord's JSON message: one POST of {"text", "content", "username"}
// per post. Slack reads text and Discord content; each ignores the other.
//
// The webhook URL is the credential: it is held as a secret.String and no
// error, log or Account shows more of it than its scheme and host.
// Webhooks cannot reply, attach the card (in this JSON form) or list what
// was posted, so a thread arrives as successive messages, Upload sends
// nothing and Find returns publish.ErrCannotFind.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// EnvURL is the environment variable that holds the webhook URL.
const EnvURL = "IOCAST_WEBHOOK_URL"

// Limits of the message text, in characters.
const (
	// DiscordMax is the most a Discord message may hold.
	DiscordMax = 2000
	// ComposeMax is the limit posts are composed to. The composer counts
	// by Mastodon's rules, where a live link (a sample or reference link)
	// weighs 23 whatever its length, and Discord counts every character:
	// the 500 left below DiscordMax keep a post with several long links
	// under Discord's limit.
	ComposeMax = 1500
	// SlackMax is the most a Slack message may hold; longer text is
	// refused before sending.
	SlackMax = 40000
)

// Username is the name the messages are posted under.
const Username = "iocast"

// Config says where to post.
type Config struct {
	// URL is the webhook's URL (IOCAST_WEBHOOK_URL), a credential.
	URL secret.String
}

// Client posts to one webhook. It is safe for concurrent use.
type Client struct {
	url    secret.String
	origin string   // scheme://host, what may be shown
	hidden []string // the parts of the URL that must not be shown
	http   *http.Client
}

var _ publish.Adapter = (*Client)(nil)

// New returns a Client for cfg, whose URL must be an http(s) URL. A nil
// client means http.DefaultClient. It makes no request.
func New(cfg Config, client *http.Client) (*Client, error) {
	raw := strings.TrimSpace(cfg.URL.Reveal())
	if raw == "" {
		return nil, fmt.Errorf("webhook: %s is not set", EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: %s is not an http(s) URL", EnvURL)
	}
	if client == nil {
		client = http.DefaultClient
	}
	c := &Client{url: secret.New(raw), origin: u.Scheme + "://" + u.Host, http: withRetryAfter(client)}
	c.hidden = []string{raw, u.String(), u.EscapedPath(), u.Path, u.RawQuery, u.User.String()}
	if i := strings.LastIndexByte(u.Path, '/'); i >= 0 && len(u.Path)-i > 8 {
		c.hidden = append(c.hidden, u.Path[i+1:]) // the token
	}
	return c, nil
}

// Platform returns publish.PlatformWebhook.
func (c *Client) Platform() string { return publish.PlatformWebhook }

// Limits returns Discord's 2000 characters, counted by Mastodon's rules
// (the plain text; links count 23).
func (c *Client) Limits(context.Context) (publish.Limits, error) {
	return publish.Limits{Rules: postfmt.PlatformMastodon, Max: ComposeMax}, nil
}

// Check makes no request: a webhook cannot be verified without posting.
// It returns the webhook's scheme and host as the account's name.
func (c *Client) Check(context.Context) (publish.Account, error) {
	return publish.Account{Platform: publish.PlatformWebhook, Name: c.origin}, nil
}

// Upload sends nothing: webhooks take no attachments in their JSON form,
// so the card is not posted. The MediaRef it returns has no ID, and Send
// ignores media.
func (c *Client) Upload(_ context.Context, m publish.Media) (publish.MediaRef, error) {
	return publish.MediaRef{Alt: m.Alt, Width: m.Width, Height: m.Height}, nil
}

// Send posts m.Text with m.Key as the Idempotency-Key header; replies are
// plain messages (webhooks have no threads). The Remote's ID is m.Key.
func (c *Client) Send(ctx context.Context, m publish.Message) (publish.Remote, error) {
	if strings.TrimSpace(m.Text) == "" {
		return publish.Remote{}, fmt.Errorf("webhook: the post is empty: %w", intel.ErrInvalid)
	}
	if n := utf8.RuneCountInString(m.Text); n > SlackMax {
		return publish.Remote{}, fmt.Errorf("webhook: the post is %d characters; webhooks take at most %d: %w", n, SlackMax, intel.ErrTooLarge)
	}
	body := struct {
		Text     string `json:"text"`
		Content  string `json:"content"`
		Username string `json:"username"`
	}{m.Text, m.Text, Username}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.url.Reveal(), body)
	if err != nil {
		return publish.Remote{}, c.explain(err)
	}
	// Slack answers "ok" as text/plain, Discord 204: nothing to decode.
	req.Header.Set("Accept", "*/*")
	if m.Key != "" {
		req.Header.Set("Idempotency-Key", m.Key)
	}
	if err := publish.Do(c.http, publish.PlatformWebhook, req, nil); err != nil {
		return publish.Remote{}, c.explain(err)
	}
	return publish.Remote{ID: m.Key}, nil
}

// Find returns publish.ErrCannotFind: a webhook cannot list its messages.
func (c *Client) Find(context.Context, publish.Message) (publish.Remote, bool, error) {
	return publish.Remote{}, false, publish.ErrCannotFind
}

// explain takes the URL out of err and sets the hints of the errors
// webhooks answer with.
func (c *Client) explain(err error) error {
	var ae *publish.APIError
	if !errors.As(err, &ae) {
		if c.leaks(err.Error()) {
			return errors.New(c.redact(err.Error()))
		}
		return err
	}
	ae.Message = c.redact(ae.Message)
	if ae.Err != nil && c.leaks(ae.Err.Error()) {
		ae.Err = errors.New(c.redact(ae.Err.Error()))
	}
	switch ae.Status {
	case http.StatusNotFound:
		ae.Hint = "the webhook no longer exists: create a new one and set " + EnvURL
	case http.StatusUnauthorized, http.StatusForbidden:
		ae.Hint = "the webhook's token was refused: check " + EnvURL + ", or create a new webhook and set it"
	case http.StatusGone:
		ae.Hint = "the webhook's channel was archived: unarchive it, or create a new webhook and set " + EnvURL
	}
	return err
}

func (c *Client) leaks(s string) bool {
	for _, h := range c.hidden {
		if len(h) >= 4 && strings.Contains(s, h) {
			return true
		}
	}
	return false
}

func (c *Client) redact(s string) string {
	for _, h := range c.hidden {
		if len(h) >= 4 {
			s = strings.ReplaceAll(s, h, secret.Redacted)
		}
	}
	return s
}

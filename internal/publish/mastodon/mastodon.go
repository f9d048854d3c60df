// Package mastodon publishes to a Mastodon instance through its REST API:
// POST /api/v1/statuses with an Idempotency-Key, images through
// POST /api/v2/media, the instance's limits from GET /api/v2/instance and
// the account's latest statuses from GET /api/v1/accounts/:id/statuses.
// Every request carries the access token as `Authorization: Bearer`.
package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// The environment variables that configure the adapter.
const (
	EnvURL        = "IOCAST_MASTODON_URL"
	EnvToken      = "IOCAST_MASTODON_TOKEN"
	EnvVisibility = "IOCAST_MASTODON_VISIBILITY"
)

// Visibilities are the values Config.Visibility may take.
var Visibilities = []string{"public", "unlisted", "private", "direct"}

// DefaultMaxCharacters is the post length limit of an instance that does
// not say its own (Mastodon's default).
const DefaultMaxCharacters = 500

// DefaultImageSizeLimit is the largest image uploaded to an instance that
// does not say its own limit: Mastodon's default since 4.0.
const DefaultImageSizeLimit = 16 << 20

// Config says which instance to post to and as whom.
type Config struct {
	// URL is the instance's base URL, e.g. https://infosec.exchange
	// (IOCAST_MASTODON_URL).
	URL string
	// Token is an access token with the scopes write:statuses,
	// write:media, read:accounts and read:statuses
	// (IOCAST_MASTODON_TOKEN).
	Token secret.String
	// Visibility of the posts: public (the default), unlisted, private or
	// direct (IOCAST_MASTODON_VISIBILITY).
	Visibility string
}

// Client is a Mastodon account on one instance. It is safe for concurrent
// use.
type Client struct {
	// Sleep waits between two checks of an image the instance is still
	// processing; it returns early with ctx's error. New sets it to a
	// timer; tests replace it so that they never wait.
	Sleep func(ctx context.Context, d time.Duration) error

	base       string
	host       string
	token      secret.String
	visibility string
	http       *http.Client

	mu        sync.Mutex
	inst      *instance
	accountID string
}

var _ publish.Adapter = (*Client)(nil)

// New checks cfg and returns a client; a nil client means
// http.DefaultClient.
func New(cfg Config, client *http.Client) (*Client, error) {
	u, err := publish.InstanceURL(EnvURL, cfg.URL, "https://mastodon.social")
	if err != nil {
		return nil, err
	}
	if !cfg.Token.IsSet() {
		return nil, fmt.Errorf("%s is not set", EnvToken)
	}
	vis, err := publish.Choice(EnvVisibility, cfg.Visibility, "public", Visibilities)
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &Client{
		Sleep:      sleep,
		base:       strings.TrimRight(u.String(), "/"),
		host:       u.Host,
		token:      cfg.Token,
		visibility: vis,
		http:       client,
	}, nil
}

// Platform returns publish.PlatformMastodon.
func (c *Client) Platform() string { return publish.PlatformMastodon }

// instance is the part of GET /api/v2/instance iocast reads.
type instance struct {
	Domain        string `json:"domain"`
	Configuration struct {
		Statuses struct {
			MaxCharacters int `json:"max_characters"`
		} `json:"statuses"`
		MediaAttachments struct {
			ImageSizeLimit   int64 `json:"image_size_limit"`
			DescriptionLimit int   `json:"description_limit"`
		} `json:"media_attachments"`
	} `json:"configuration"`
}

// instance returns the instance's configuration, asked once. An instance
// without /api/v2/instance (Mastodon before 4.0) gets the defaults.
func (c *Client) instance(ctx context.Context) (*instance, error) {
	c.mu.Lock()
	inst := c.inst
	c.mu.Unlock()
	if inst != nil {
		return inst, nil
	}
	inst = new(instance)
	if err := c.do(ctx, http.MethodGet, "/api/v2/instance", nil, inst, "read"); err != nil {
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
			return nil, err
		}
		inst = new(instance)
	}
	c.mu.Lock()
	c.inst = inst
	c.mu.Unlock()
	return inst, nil
}

// Limits returns Mastodon's length rules with the instance's limit
// (configuration.statuses.max_characters, 500 when the instance does not
// say).
func (c *Client) Limits(ctx context.Context) (publish.Limits, error) {
	inst, err := c.instance(ctx)
	if err != nil {
		return publish.Limits{}, err
	}
	max := inst.Configuration.Statuses.MaxCharacters
	if max <= 0 {
		max = DefaultMaxCharacters
	}
	return publish.Limits{Rules: postfmt.PlatformMastodon, Max: max}, nil
}

// account is the part of Mastodon's Account entity iocast reads.
type account struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

// verify asks who the token belongs to and remembers the account's id.
func (c *Client) verify(ctx context.Context) (account, error) {
	var a account
	if err := c.do(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", nil, &a, "read"); err != nil {
		return account{}, err
	}
	if a.ID == "" {
		return account{}, &publish.APIError{Platform: publish.PlatformMastodon, Status: http.StatusOK, Message: "the account has no id"}
	}
	c.mu.Lock()
	c.accountID = a.ID
	c.mu.Unlock()
	return a, nil
}

// Check asks GET /api/v1/accounts/verify_credentials who the token
// belongs to and the instance its post length limit.
func (c *Client) Check(ctx context.Context) (publish.Account, error) {
	a, err := c.verify(ctx)
	if err != nil {
		return publish.Account{}, err
	}
	lim, err := c.Limits(ctx)
	if err != nil {
		return publish.Account{}, err
	}
	acct := a.Acct
	if acct == "" {
		acct = a.Username
	}
	if !strings.Contains(acct, "@") {
		acct += "@" + c.domain(ctx)
	}
	return publish.Account{
		Platform: publish.PlatformMastodon,
		Name:     "@" + acct,
		ID:       a.ID,
		URL:      a.URL,
		Limit:    lim.Max,
	}, nil
}

// domain returns the instance's domain, the part of handles after the
// second @: the instance's own answer, else the host of its URL.
func (c *Client) domain(ctx context.Context) string {
	if inst, err := c.instance(ctx); err == nil && inst.Domain != "" {
		return inst.Domain
	}
	return c.host
}

// status is the part of Mastodon's Status entity iocast reads.
type status struct {
	ID          string  `json:"id"`
	URL         string  `json:"url"`
	URI         string  `json:"uri"`
	Content     string  `json:"content"`
	InReplyToID string  `json:"in_reply_to_id"`
	Reblog      *status `json:"reblog"`
}

func (s *status) remote() publish.Remote {
	u := s.URL
	if u == "" {
		u = s.URI
	}
	return publish.Remote{ID: s.ID, URL: u}
}

// statusRequest is the body of POST /api/v1/statuses.
type statusRequest struct {
	Status      string   `json:"status"`
	InReplyToID string   `json:"in_reply_to_id,omitempty"`
	MediaIDs    []string `json:"media_ids,omitempty"`
	Visibility  string   `json:"visibility,omitempty"`
	Language    string   `json:"language,omitempty"`
}

// Send posts m with POST /api/v1/statuses. m.Key goes in the
// Idempotency-Key header: within an hour, the instance answers a second
// request with the same key with the status the first one created.
func (c *Client) Send(ctx context.Context, m publish.Message) (publish.Remote, error) {
	body := statusRequest{Status: m.Text, Visibility: c.visibility, Language: m.Lang}
	if m.Parent != nil {
		body.InReplyToID = m.Parent.ID
	}
	for _, ref := range m.Media {
		body.MediaIDs = append(body.MediaIDs, ref.ID)
	}
	req, err := c.newRequest(ctx, http.MethodPost, "/api/v1/statuses", body)
	if err != nil {
		return publish.Remote{}, err
	}
	if m.Key != "" {
		req.Header.Set("Idempotency-Key", m.Key)
	}
	var s status
	if err := c.send(req, &s, "post"); err != nil {
		return publish.Remote{}, err
	}
	if s.ID == "" {
		return publish.Remote{}, &publish.APIError{Platform: publish.PlatformMastodon, Status: http.StatusOK, Message: "the created status has no id"}
	}
	return s.remote(), nil
}

// findLimit is how many of the account's latest statuses Find reads.
const findLimit = 20

// Find looks among the account's 20 latest statuses (replies included,
// boosts left out) for one whose text is m.Text and that replies to
// m.Parent (or to nothing when m.Parent is nil). Mastodon returns a
// status's text only as HTML, so the comparison is between that HTML
// turned back into text and m.Text, both with their runs of white space
// made single spaces.
func (c *Client) Find(ctx context.Context, m publish.Message) (publish.Remote, bool, error) {
	c.mu.Lock()
	id := c.accountID
	c.mu.Unlock()
	if id == "" {
		a, err := c.verify(ctx)
		if err != nil {
			return publish.Remote{}, false, err
		}
		id = a.ID
	}
	q := url.Values{
		"limit":           {fmt.Sprint(findLimit)},
		"exclude_replies": {"false"},
		"exclude_reblogs": {"true"},
	}
	var list []status
	if err := c.do(ctx, http.MethodGet, "/api/v1/accounts/"+url.PathEscape(id)+"/statuses?"+q.Encode(), nil, &list, "read"); err != nil {
		return publish.Remote{}, false, err
	}
	want := collapse(m.Text)
	parent := ""
	if m.Parent != nil {
		parent = m.Parent.ID
	}
	for i := range list {
		s := &list[i]
		if s.Reblog != nil || s.ID == "" || s.InReplyToID != parent {
			continue
		}
		if collapse(plainText(s.Content)) == want {
			return s.remote(), true, nil
		}
	}
	return publish.Remote{}, false, nil
}

// collapse makes every run of white space a single space and trims the
// ends.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// newRequest builds an authenticated request to the API path p.
func (c *Client) newRequest(ctx context.Context, method, p string, body any) (*http.Request, error) {
	req, err := publish.NewRequest(ctx, method, c.base+p, body)
	if err != nil {
		return nil, fmt.Errorf("mastodon: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	return req, nil
}

// do sends an authenticated request and decodes its answer into out.
func (c *Client) do(ctx context.Context, method, p string, body, out any, op string) error {
	req, err := c.newRequest(ctx, method, p, body)
	if err != nil {
		return err
	}
	return c.send(req, out, op)
}

// send runs req through publish.Do and adds the hints of op ("read",
// "post" or "upload") to the platform's refusals.
func (c *Client) send(req *http.Request, out any, op string) error {
	err := publish.Do(c.http, publish.PlatformMastodon, req, out)
	var ae *publish.APIError
	if errors.As(err, &ae) {
		c.hint(ae, op)
	}
	return err
}

// hint explains the refusals Mastodon documents, and keeps the token out
// of a message that echoes it.
func (c *Client) hint(ae *publish.APIError, op string) {
	if secret.Contains(ae.Message, c.token) {
		ae.Message = strings.ReplaceAll(ae.Message, c.token.Reveal(), secret.Redacted)
	}
	switch ae.Status {
	case http.StatusUnauthorized:
		ae.Hint = "the instance refused the access token: check " + EnvToken + " with `iocast accounts check` (docs/PUBLISHING.md)"
	case http.StatusForbidden:
		ae.Hint = "the token lacks a scope (it needs write:statuses write:media read:accounts read:statuses), or the account is disabled or not yet approved; see docs/PUBLISHING.md"
	case http.StatusUnprocessableEntity:
		switch op {
		case "post":
			ae.Hint = "the instance refused the post's content: if it is too long, `iocast accounts check` shows the instance's limit"
		case "upload":
			ae.Hint = "the instance refused the image: its type, its size, or its description's length"
		}
	case http.StatusRequestEntityTooLarge:
		ae.Hint = "the request is larger than the instance accepts"
	}
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Package misskey publishes to a Misskey instance through its API, where
// every endpoint is POST /api/<name> with a JSON body: notes/create,
// drive/files/create (multipart), i, meta and users/notes. The access
// token travels in the body as "i", the one way every Misskey version
// accepts (newer ones also take Authorization: Bearer); bodies are never
// logged.
package misskey

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// The environment variables that configure the adapter.
const (
	EnvURL        = "IOCAST_MISSKEY_URL"
	EnvToken      = "IOCAST_MISSKEY_TOKEN"
	EnvVisibility = "IOCAST_MISSKEY_VISIBILITY"
)

// Visibilities are the values Config.Visibility may take ("specified",
// which needs a list of recipients, is left out).
var Visibilities = []string{"public", "home", "followers"}

// DefaultMaxNoteTextLength is the note length limit of an instance that
// does not say its own (Misskey's MAX_NOTE_TEXT_LENGTH).
const DefaultMaxNoteTextLength = 3000

// Config says which instance to post to and as whom.
type Config struct {
	// URL is the instance's base URL, e.g. https://misskey.io
	// (IOCAST_MISSKEY_URL).
	URL string
	// Token is an access token with the permissions write:notes,
	// write:drive and read:account (IOCAST_MISSKEY_TOKEN).
	Token secret.String
	// Visibility of the notes: public (the default), home or followers
	// (IOCAST_MISSKEY_VISIBILITY).
	Visibility string
}

// Client is a Misskey account on one instance. It is safe for concurrent
// use.
type Client struct {
	base       string
	host       string
	token      secret.String
	visibility string
	http       *http.Client

	mu     sync.Mutex
	meta   *meta
	userID string
}

var _ publish.Adapter = (*Client)(nil)

// New checks cfg and returns a client; a nil client means
// http.DefaultClient.
func New(cfg Config, client *http.Client) (*Client, error) {
	u, err := publish.InstanceURL(EnvURL, cfg.URL, "https://misskey.io")
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
		base:       strings.TrimRight(u.String(), "/"),
		host:       u.Host,
		token:      cfg.Token,
		visibility: vis,
		http:       client,
	}, nil
}

// Platform returns publish.PlatformMisskey.
func (c *Client) Platform() string { return publish.PlatformMisskey }

// meta is the part of POST /api/meta iocast reads.
type meta struct {
	MaxNoteTextLength int   `json:"maxNoteTextLength"`
	MaxFileSize       int64 `json:"maxFileSize"`
}

// instanceMeta returns the instance's meta, asked once.
func (c *Client) instanceMeta(ctx context.Context) (*meta, error) {
	c.mu.Lock()
	m := c.meta
	c.mu.Unlock()
	if m != nil {
		return m, nil
	}
	m = new(meta)
	if err := c.call(ctx, "meta", map[string]any{"detail": false}, m, "read", false); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.meta = m
	c.mu.Unlock()
	return m, nil
}

// Limits returns Mastodon's length rules (characters, each counted once)
// with the instance's maxNoteTextLength (3000 when it does not say).
func (c *Client) Limits(ctx context.Context) (publish.Limits, error) {
	m, err := c.instanceMeta(ctx)
	if err != nil {
		return publish.Limits{}, err
	}
	max := m.MaxNoteTextLength
	if max <= 0 {
		max = DefaultMaxNoteTextLength
	}
	return publish.Limits{Rules: postfmt.PlatformMastodon, Max: max}, nil
}

// user is the part of Misskey's User (MeDetailed) iocast reads.
type user struct {
	ID       string  `json:"id"`
	Username string  `json:"username"`
	Host     *string `json:"host"`
}

// me asks who the token belongs to and remembers the user's id.
func (c *Client) me(ctx context.Context) (user, error) {
	var u user
	if err := c.call(ctx, "i", map[string]any{}, &u, "read", true); err != nil {
		return user{}, err
	}
	if u.ID == "" {
		return user{}, &publish.APIError{Platform: publish.PlatformMisskey, Status: http.StatusOK, Message: "the account has no id"}
	}
	c.mu.Lock()
	c.userID = u.ID
	c.mu.Unlock()
	return u, nil
}

// Check asks POST /api/i who the token belongs to and POST /api/meta the
// instance's note length limit.
func (c *Client) Check(ctx context.Context) (publish.Account, error) {
	u, err := c.me(ctx)
	if err != nil {
		return publish.Account{}, err
	}
	lim, err := c.Limits(ctx)
	if err != nil {
		return publish.Account{}, err
	}
	host := c.host
	if u.Host != nil && *u.Host != "" {
		host = *u.Host
	}
	return publish.Account{
		Platform: publish.PlatformMisskey,
		Name:     "@" + u.Username + "@" + host,
		ID:       u.ID,
		URL:      c.base + "/@" + u.Username,
		Limit:    lim.Max,
	}, nil
}

// note is the part of Misskey's Note iocast reads.
type note struct {
	ID       string  `json:"id"`
	Text     *string `json:"text"`
	ReplyID  *string `json:"replyId"`
	RenoteID *string `json:"renoteId"`
}

func (c *Client) remote(id string) publish.Remote {
	return publish.Remote{ID: id, URL: c.base + "/notes/" + url.PathEscape(id)}
}

// Send posts m with POST /api/notes/create. Misskey has no idempotency
// key; a note whose outcome is unknown is reconciled with Find.
func (c *Client) Send(ctx context.Context, m publish.Message) (publish.Remote, error) {
	params := map[string]any{"text": m.Text, "visibility": c.visibility}
	if m.Parent != nil {
		params["replyId"] = m.Parent.ID
	}
	if len(m.Media) > 0 {
		ids := make([]string, len(m.Media))
		for i, ref := range m.Media {
			ids[i] = ref.ID
		}
		params["fileIds"] = ids
	}
	var out struct {
		CreatedNote note `json:"createdNote"`
	}
	if err := c.call(ctx, "notes/create", params, &out, "post", true); err != nil {
		return publish.Remote{}, err
	}
	if out.CreatedNote.ID == "" {
		return publish.Remote{}, &publish.APIError{Platform: publish.PlatformMisskey, Status: http.StatusOK, Message: "the created note has no id"}
	}
	return c.remote(out.CreatedNote.ID), nil
}

// findLimit is how many of the account's latest notes Find reads.
const findLimit = 20

// Find looks among the account's 20 latest notes (replies included,
// renotes left out) for one whose text is m.Text (Misskey keeps the text
// as sent, trimmed) and that replies to m.Parent (or to nothing when
// m.Parent is nil).
func (c *Client) Find(ctx context.Context, m publish.Message) (publish.Remote, bool, error) {
	c.mu.Lock()
	id := c.userID
	c.mu.Unlock()
	if id == "" {
		u, err := c.me(ctx)
		if err != nil {
			return publish.Remote{}, false, err
		}
		id = u.ID
	}
	var notes []note
	params := map[string]any{"userId": id, "limit": findLimit, "withReplies": true, "withRenotes": false}
	if err := c.call(ctx, "users/notes", params, &notes, "read", true); err != nil {
		return publish.Remote{}, false, err
	}
	want := strings.TrimSpace(m.Text)
	parent := ""
	if m.Parent != nil {
		parent = m.Parent.ID
	}
	for _, n := range notes {
		if n.ID == "" || n.Text == nil || n.RenoteID != nil || deref(n.ReplyID) != parent {
			continue
		}
		if strings.TrimSpace(*n.Text) == want {
			return c.remote(n.ID), true, nil
		}
	}
	return publish.Remote{}, false, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// call sends POST /api/<endpoint> with params as its JSON body (and the
// token as "i" when auth) and decodes the answer into out.
func (c *Client) call(ctx context.Context, endpoint string, params map[string]any, out any, op string, auth bool) error {
	body := make(map[string]any, len(params)+1)
	for k, v := range params {
		body[k] = v
	}
	if auth {
		body["i"] = c.token.Reveal()
	}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.base+"/api/"+endpoint, body)
	if err != nil {
		return fmt.Errorf("misskey: %w", err)
	}
	return c.send(req, out, op)
}

// send runs req through publish.Do and adds the hints of op ("read",
// "post" or "upload") to the platform's refusals.
func (c *Client) send(req *http.Request, out any, op string) error {
	err := publish.Do(c.http, publish.PlatformMisskey, req, out)
	var ae *publish.APIError
	if errors.As(err, &ae) {
		c.hint(ae, op)
	}
	return err
}

// hint explains the refusals Misskey documents, and keeps the token out
// of a message that echoes it.
func (c *Client) hint(ae *publish.APIError, op string) {
	if secret.Contains(ae.Message, c.token) {
		ae.Message = strings.ReplaceAll(ae.Message, c.token.Reveal(), secret.Redacted)
	}
	tokenHint := "the instance refused the access token: check " + EnvToken + " with `iocast accounts check` (docs/PUBLISHING.md)"
	switch ae.Status {
	case http.StatusUnauthorized:
		ae.Hint = tokenHint
	case http.StatusForbidden:
		// Older Misskey versions answered a wrong token with 403.
		if strings.HasPrefix(ae.Message, "Authentication failed") {
			ae.Hint = tokenHint
		} else {
			ae.Hint = "the token lacks a permission (it needs write:notes, write:drive and read:account), or the account may not post (suspended, or its role forbids it); see docs/PUBLISHING.md"
		}
	case http.StatusBadRequest:
		switch op {
		case "post":
			ae.Hint = "the instance refused the note: if it is too long, `iocast accounts check` shows the instance's limit"
		case "upload":
			ae.Hint = "the instance refused the image"
		}
	case http.StatusRequestEntityTooLarge:
		ae.Hint = "the image is larger than the instance accepts"
	}
}

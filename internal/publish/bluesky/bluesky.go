// Package bluesky publishes posts to Bluesky through a PDS's XRPC API (the
// AT Protocol over HTTP): com.atproto.server.createSession signs in with an
// app password, com.atproto.repo.uploadBlob stores the evidence card and
// com.atproto.repo.createRecord writes the app.bsky.feed.post record, with
// its facets, its reply references and the image embed.
package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// DefaultPDS is the PDS of accounts hosted by Bluesky.
const DefaultPDS = "https://bsky.social"

// The environment variables that configure the adapter.
const (
	EnvPDS         = "IOCAST_BLUESKY_PDS"
	EnvHandle      = "IOCAST_BLUESKY_HANDLE"
	EnvAppPassword = "IOCAST_BLUESKY_APP_PASSWORD"
)

// Bluesky's limits (the app.bsky.feed.post and app.bsky.embed.images
// lexicons).
const (
	// MaxGraphemes and MaxBytes bound a post's text.
	MaxGraphemes = 300
	MaxBytes     = 3000
	// MaxImageBytes is the largest image a post may embed.
	MaxImageBytes = 1_000_000
	// MaxImages is the most images a post may embed.
	MaxImages = 4
)

// Collection is the record collection of posts.
const Collection = "app.bsky.feed.post"

// Config says which account to publish with.
type Config struct {
	// PDS is the account's PDS, DefaultPDS when empty (IOCAST_BLUESKY_PDS).
	PDS string
	// Handle identifies the account: its handle, DID or email address
	// (IOCAST_BLUESKY_HANDLE).
	Handle string
	// AppPassword is an app password of the account
	// (IOCAST_BLUESKY_APP_PASSWORD).
	AppPassword secret.String
	// Now dates the posts (createdAt); nil means time.Now.
	Now func() time.Time
}

// Client publishes to one Bluesky account. It is safe for concurrent use.
type Client struct {
	pds      string
	handle   string
	password secret.String
	now      func() time.Time
	http     *http.Client

	// authMu serializes createSession and refreshSession, so that
	// concurrent calls whose token expired sign in once.
	authMu sync.Mutex
	mu     sync.Mutex // guards sess and cids
	sess   *session
	// cids holds the cid of each record this client created or read, by
	// at:// URI, for reply references.
	cids map[string]string
}

var _ publish.Adapter = (*Client)(nil)

// New returns a Client for cfg, which must name the account and its app
// password. A nil client means http.DefaultClient. It makes no request.
func New(cfg Config, client *http.Client) (*Client, error) {
	pds := strings.TrimRight(strings.TrimSpace(cfg.PDS), "/")
	if pds == "" {
		pds = DefaultPDS
	}
	if u, err := url.Parse(pds); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("bluesky: %s is not an http(s) URL: %q", EnvPDS, pds)
	}
	handle := strings.TrimPrefix(strings.TrimSpace(cfg.Handle), "@")
	if handle == "" {
		return nil, fmt.Errorf("bluesky: %s is not set", EnvHandle)
	}
	if !cfg.AppPassword.IsSet() {
		return nil, fmt.Errorf("bluesky: %s is not set", EnvAppPassword)
	}
	if client == nil {
		client = http.DefaultClient
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Client{pds: pds, handle: handle, password: cfg.AppPassword, now: now, http: client, cids: map[string]string{}}, nil
}

// Platform returns publish.PlatformBluesky.
func (c *Client) Platform() string { return publish.PlatformBluesky }

// Limits returns Bluesky's rules: 300 graphemes (and 3000 bytes, which
// postfmt's Bluesky rules also hold to). It makes no request.
func (c *Client) Limits(context.Context) (publish.Limits, error) {
	return publish.Limits{Rules: postfmt.PlatformBluesky, Max: MaxGraphemes}, nil
}

// Check signs in afresh (com.atproto.server.createSession) and asks whose
// session it is (com.atproto.server.getSession).
func (c *Client) Check(ctx context.Context) (publish.Account, error) {
	c.authMu.Lock()
	_, err := c.login(ctx)
	c.authMu.Unlock()
	if err != nil {
		return publish.Account{}, explain(err)
	}
	var out struct {
		Handle string `json:"handle"`
		DID    string `json:"did"`
	}
	if err := c.call(ctx, http.MethodGet, "com.atproto.server.getSession", nil, nil, &out); err != nil {
		return publish.Account{}, explain(err)
	}
	if out.DID == "" || out.Handle == "" {
		return publish.Account{}, &publish.APIError{Platform: publish.PlatformBluesky, Status: http.StatusOK, Message: "the session has no handle or DID"}
	}
	return publish.Account{
		Platform: publish.PlatformBluesky,
		Name:     "@" + out.Handle,
		ID:       out.DID,
		URL:      "https://bsky.app/profile/" + out.Handle,
		Limit:    MaxGraphemes,
	}, nil
}

// Upload stores the image as a blob (com.atproto.repo.uploadBlob) and
// returns the blob reference to embed. Images over MaxImageBytes are
// refused before sending: Bluesky would not embed them.
func (c *Client) Upload(ctx context.Context, m publish.Media) (publish.MediaRef, error) {
	if len(m.Data) == 0 {
		return publish.MediaRef{}, fmt.Errorf("bluesky: the image is empty: %w", intel.ErrInvalid)
	}
	if len(m.Data) > MaxImageBytes {
		return publish.MediaRef{}, fmt.Errorf("bluesky: the image is %d bytes, more than the %d Bluesky embeds: %w", len(m.Data), MaxImageBytes, intel.ErrTooLarge)
	}
	mime := m.MIME
	if mime == "" {
		mime = "image/png"
	}
	var out struct {
		Blob json.RawMessage `json:"blob"`
	}
	if err := c.call(ctx, http.MethodPost, "com.atproto.repo.uploadBlob", nil, rawBody{data: m.Data, mime: mime}, &out); err != nil {
		return publish.MediaRef{}, explain(err)
	}
	var blob struct {
		Type string `json:"$type"`
		Ref  struct {
			Link string `json:"$link"`
		} `json:"ref"`
	}
	if json.Unmarshal(out.Blob, &blob) != nil || blob.Type != "blob" || blob.Ref.Link == "" {
		return publish.MediaRef{}, &publish.APIError{Platform: publish.PlatformBluesky, Status: http.StatusOK, Message: "the answer has no blob reference"}
	}
	return publish.MediaRef{Blob: out.Blob, Alt: m.Alt, Width: m.Width, Height: m.Height}, nil
}

// Send writes the post (com.atproto.repo.createRecord). Replies need the
// cid of their parent and root: when m.Parent or m.Root lacks it, Send
// takes it from the records this client created, else asks for the record
// (com.atproto.repo.getRecord).
func (c *Client) Send(ctx context.Context, m publish.Message) (publish.Remote, error) {
	rec, err := c.record(ctx, m)
	if err != nil {
		return publish.Remote{}, explain(err)
	}
	s, err := c.current(ctx)
	if err != nil {
		return publish.Remote{}, explain(err)
	}
	in := struct {
		Repo       string `json:"repo"`
		Collection string `json:"collection"`
		Record     record `json:"record"`
	}{s.did, Collection, rec}
	var out strongRef
	if err := c.call(ctx, http.MethodPost, "com.atproto.repo.createRecord", nil, in, &out); err != nil {
		return publish.Remote{}, explain(err)
	}
	if _, _, rkey, ok := parseURI(out.URI); !ok || out.CID == "" || rkey == "" {
		return publish.Remote{}, &publish.APIError{Platform: publish.PlatformBluesky, Status: http.StatusOK, Message: "the answer has no record uri and cid"}
	}
	c.remember(out.URI, out.CID)
	return c.remote(out.URI, out.CID), nil
}

// Find lists the account's latest posts (com.atproto.repo.listRecords,
// newest first) and returns the one whose text is m.Text and which
// replies to m.Parent (or to nothing when m.Parent is nil).
func (c *Client) Find(ctx context.Context, m publish.Message) (publish.Remote, bool, error) {
	s, err := c.current(ctx)
	if err != nil {
		return publish.Remote{}, false, explain(err)
	}
	q := url.Values{"repo": {s.did}, "collection": {Collection}, "limit": {"20"}}
	var out struct {
		Records []struct {
			URI   string `json:"uri"`
			CID   string `json:"cid"`
			Value struct {
				Text  string `json:"text"`
				Reply *struct {
					Parent strongRef `json:"parent"`
				} `json:"reply"`
			} `json:"value"`
		} `json:"records"`
	}
	if err := c.call(ctx, http.MethodGet, "com.atproto.repo.listRecords", q, nil, &out); err != nil {
		return publish.Remote{}, false, explain(err)
	}
	for _, r := range out.Records {
		if r.Value.Text != m.Text || r.URI == "" || r.CID == "" {
			continue
		}
		switch {
		case m.Parent == nil && r.Value.Reply != nil:
			continue
		case m.Parent != nil && (r.Value.Reply == nil || r.Value.Reply.Parent.URI != m.Parent.ID):
			continue
		}
		c.remember(r.URI, r.CID)
		return c.remote(r.URI, r.CID), true, nil
	}
	return publish.Remote{}, false, nil
}

// remote returns the Remote of a record: its at:// URI, cid and bsky.app
// link.
func (c *Client) remote(uri, cid string) publish.Remote {
	r := publish.Remote{ID: uri, CID: cid}
	did, _, rkey, _ := parseURI(uri)
	profile := did
	c.mu.Lock()
	if c.sess != nil && c.sess.did == did && c.sess.handle != "" && c.sess.handle != "handle.invalid" {
		profile = c.sess.handle
	}
	c.mu.Unlock()
	if profile != "" && rkey != "" {
		r.URL = "https://bsky.app/profile/" + profile + "/post/" + rkey
	}
	return r
}

// remember records a record's cid, for replies to it. The cache is small:
// a thread needs the cids of its own parts only.
func (c *Client) remember(uri, cid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cids) >= 1000 {
		clear(c.cids)
	}
	c.cids[uri] = cid
}

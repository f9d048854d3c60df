// Package xapi publishes to X through the X API v2, signed with OAuth 1.0a
// in user context (HMAC-SHA1) with the four credentials of an app's user:
// consumer key and secret, access token and secret.
//
// It uses POST /2/tweets to post (a reply for every part of a thread after
// the first), POST /2/media/upload and POST /2/media/metadata for the
// evidence card and its alt text, GET /2/users/me to check the
// credentials, and GET /2/users/:id/tweets to find a post after an
// ambiguous failure. docs/PUBLISHING.md says how to get the credentials.
package xapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/dghubble/oauth1"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// DefaultAPIURL is the X API's base URL.
const DefaultAPIURL = "https://api.x.com"

// The environment variables that configure the adapter.
const (
	EnvAPIURL         = "IOCAST_X_API_URL"
	EnvConsumerKey    = "IOCAST_X_CONSUMER_KEY"
	EnvConsumerSecret = "IOCAST_X_CONSUMER_SECRET"
	EnvAccessToken    = "IOCAST_X_ACCESS_TOKEN"
	EnvAccessSecret   = "IOCAST_X_ACCESS_SECRET"
)

// MaxLength is the length of a post X accepts from an account without a
// subscription, as twitter-text counts (postfmt.XWeightedLength).
const MaxLength = 280

// Config says where the X API is and whose credentials to sign with.
type Config struct {
	// APIURL is the API's base URL (IOCAST_X_API_URL); DefaultAPIURL when
	// empty.
	APIURL string
	// UploadURL is the base URL of the media endpoints (/2/media/upload,
	// /2/media/metadata); APIURL when empty.
	UploadURL string
	// ConsumerKey and ConsumerSecret are the app's API key and secret
	// (IOCAST_X_CONSUMER_KEY, IOCAST_X_CONSUMER_SECRET).
	ConsumerKey, ConsumerSecret secret.String
	// AccessToken and AccessSecret are the posting account's access token
	// and secret for that app, with read and write permission
	// (IOCAST_X_ACCESS_TOKEN, IOCAST_X_ACCESS_SECRET).
	AccessToken, AccessSecret secret.String
}

// Client is the X adapter. It is safe for concurrent use.
type Client struct {
	api, upload string
	http        *http.Client
	nonce       *nonceSource

	mu       sync.Mutex
	userID   string // the account's id, from GET /2/users/me
	username string
}

var _ publish.Adapter = (*Client)(nil)

// New returns a Client for cfg that sends its requests through client
// (http.DefaultClient when nil), each signed with OAuth 1.0a. It fails,
// naming the environment variables, when a credential is missing.
func New(cfg Config, client *http.Client) (*Client, error) {
	var missing []string
	for _, c := range []struct {
		name string
		v    secret.String
	}{
		{EnvConsumerKey, cfg.ConsumerKey},
		{EnvConsumerSecret, cfg.ConsumerSecret},
		{EnvAccessToken, cfg.AccessToken},
		{EnvAccessSecret, cfg.AccessSecret},
	} {
		if !c.v.IsSet() {
			missing = append(missing, c.name)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		return nil, fmt.Errorf("%s is not set", missing[0])
	default:
		return nil, fmt.Errorf("%s are not set", strings.Join(missing, ", "))
	}
	api, err := baseURL(cfg.APIURL, DefaultAPIURL, EnvAPIURL)
	if err != nil {
		return nil, err
	}
	upload, err := baseURL(cfg.UploadURL, api, "the X upload URL")
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = http.DefaultClient
	}
	c := &Client{api: api, upload: upload, nonce: &nonceSource{}}
	oc := oauth1.NewConfig(cfg.ConsumerKey.Reveal(), cfg.ConsumerSecret.Reveal())
	oc.Noncer = c.nonce
	// oauth1 signs on top of the transport of the client it finds in the
	// context; the copy keeps the caller's timeout, jar and redirect policy.
	signer := oauth1.NewClient(context.WithValue(context.Background(), oauth1.HTTPClient, client),
		oc, oauth1.NewToken(cfg.AccessToken.Reveal(), cfg.AccessSecret.Reveal()))
	hc := *client
	hc.Transport = resetTransport{signer.Transport}
	c.http = &hc
	return c, nil
}

// baseURL checks an http(s) base URL and drops its trailing slash.
func baseURL(s, def, name string) (string, error) {
	if s == "" {
		return def, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s must be an http or https URL without query, like %s", name, DefaultAPIURL)
	}
	return strings.TrimRight(s, "/"), nil
}

// nonceSource makes the oauth_nonce of each request: 32 random bytes in
// hex (X asks for word characters only). Tests fix it.
type nonceSource struct {
	fixed string
}

func (n *nonceSource) Nonce() string {
	if n.fixed != "" {
		return n.fixed
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Platform returns publish.PlatformX.
func (c *Client) Platform() string { return publish.PlatformX }

// Limits returns X's rules and its 280 limit; it asks nothing.
func (c *Client) Limits(ctx context.Context) (publish.Limits, error) {
	return publish.Limits{Rules: postfmt.PlatformX, Max: MaxLength}, nil
}

// user is X's user object, as far as iocast reads it.
type user struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// Check asks GET /2/users/me who the credentials belong to.
func (c *Client) Check(ctx context.Context) (publish.Account, error) {
	u, err := c.me(ctx)
	if err != nil {
		return publish.Account{}, err
	}
	return publish.Account{
		Platform: publish.PlatformX,
		Name:     "@" + u.Username,
		ID:       u.ID,
		URL:      "https://x.com/" + u.Username,
		Limit:    MaxLength,
	}, nil
}

// me asks GET /2/users/me and remembers the account's id and name.
func (c *Client) me(ctx context.Context) (user, error) {
	req, err := publish.NewRequest(ctx, http.MethodGet, c.api+"/2/users/me", nil)
	if err != nil {
		return user{}, err
	}
	var answer struct {
		Data user `json:"data"`
	}
	if err := c.do(req, &answer); err != nil {
		return user{}, err
	}
	u := answer.Data
	if u.ID == "" || u.Username == "" {
		return user{}, &publish.APIError{Platform: publish.PlatformX, Status: http.StatusOK, Message: "the answer names no user"}
	}
	c.mu.Lock()
	c.userID, c.username = u.ID, u.Username
	c.mu.Unlock()
	return u, nil
}

// accountID returns the account's id, asking GET /2/users/me the first
// time.
func (c *Client) accountID(ctx context.Context) (string, error) {
	c.mu.Lock()
	id := c.userID
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	u, err := c.me(ctx)
	return u.ID, err
}

// remote returns the Remote of post id, linked through the account's name
// when it is known.
func (c *Client) remote(id string) publish.Remote {
	c.mu.Lock()
	name := c.username
	c.mu.Unlock()
	if name == "" {
		return publish.Remote{ID: id, URL: "https://x.com/i/web/status/" + id}
	}
	return publish.Remote{ID: id, URL: "https://x.com/" + name + "/status/" + id}
}

// msgNoID is the message of a success answer without the created id.
const msgNoID = "the answer holds no id"

package bluesky

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/secret"
)

// session is a signed-in session: its two JWTs and whose it is.
type session struct {
	access, refresh secret.String
	did, handle     string
}

// sessionAnswer is what createSession and refreshSession answer.
type sessionAnswer struct {
	AccessJwt  secret.String `json:"accessJwt"`
	RefreshJwt secret.String `json:"refreshJwt"`
	Handle     string        `json:"handle"`
	DID        string        `json:"did"`
}

func (a *sessionAnswer) session() (*session, error) {
	if !a.AccessJwt.IsSet() || !a.RefreshJwt.IsSet() || a.DID == "" {
		return nil, &publish.APIError{Platform: publish.PlatformBluesky, Status: http.StatusOK, Message: "the session answer has no tokens or DID"}
	}
	return &session{access: a.AccessJwt, refresh: a.RefreshJwt, did: a.DID, handle: a.Handle}, nil
}

// rawBody is a request body that is not JSON: an uploaded blob.
type rawBody struct {
	data []byte
	mime string
}

// current returns the session, signing in when there is none.
func (c *Client) current(ctx context.Context) (*session, error) {
	c.mu.Lock()
	s := c.sess
	c.mu.Unlock()
	if s != nil {
		return s, nil
	}
	c.authMu.Lock()
	defer c.authMu.Unlock()
	c.mu.Lock()
	s = c.sess
	c.mu.Unlock()
	if s != nil {
		return s, nil
	}
	return c.login(ctx)
}

// login signs in with the app password (com.atproto.server.createSession)
// and keeps the session. The caller holds authMu.
func (c *Client) login(ctx context.Context) (*session, error) {
	in := struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}{c.handle, c.password.Reveal()}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.xrpc("com.atproto.server.createSession", nil), in)
	if err != nil {
		return nil, err
	}
	var out sessionAnswer
	if err := publish.Do(c.http, publish.PlatformBluesky, req, &out); err != nil {
		return nil, err
	}
	s, err := out.session()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.sess = s
	c.mu.Unlock()
	return s, nil
}

// renew replaces old, whose access token was refused as expired or
// invalid: with its refresh token (com.atproto.server.refreshSession), or,
// when that is refused too, by signing in again. A session another call
// renewed meanwhile is used as it is.
func (c *Client) renew(ctx context.Context, old *session) (*session, error) {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	c.mu.Lock()
	cur := c.sess
	c.mu.Unlock()
	if cur != nil && cur != old {
		return cur, nil
	}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.xrpc("com.atproto.server.refreshSession", nil), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+old.refresh.Reveal())
	var out sessionAnswer
	err = publish.Do(c.http, publish.PlatformBluesky, req, &out)
	if err == nil {
		s, err := out.session()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.sess = s
		c.mu.Unlock()
		return s, nil
	}
	if !sessionGone(err) {
		return nil, err
	}
	return c.login(ctx)
}

// call makes an authenticated XRPC call: a GET with query q, or a POST of
// body (JSON, or a rawBody), decoding the answer into out. When the access
// token is refused as expired or invalid, it renews the session and makes
// the call once more.
func (c *Client) call(ctx context.Context, method, nsid string, q url.Values, body, out any) error {
	s, err := c.current(ctx)
	if err != nil {
		return err
	}
	for retried := false; ; retried = true {
		req, err := c.request(ctx, method, nsid, q, body)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+s.access.Reveal())
		err = publish.Do(c.http, publish.PlatformBluesky, req, out)
		if retried || !sessionGone(err) {
			return err
		}
		if s, err = c.renew(ctx, s); err != nil {
			return err
		}
	}
}

func (c *Client) request(ctx context.Context, method, nsid string, q url.Values, body any) (*http.Request, error) {
	raw, isRaw := body.(rawBody)
	if !isRaw {
		return publish.NewRequest(ctx, method, c.xrpc(nsid, q), body)
	}
	req, err := publish.NewRequest(ctx, method, c.xrpc(nsid, q), nil)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(raw.data))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw.data)), nil }
	req.ContentLength = int64(len(raw.data))
	req.Header.Set("Content-Type", raw.mime)
	return req, nil
}

func (c *Client) xrpc(nsid string, q url.Values) string {
	u := c.pds + "/xrpc/" + nsid
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// errorName returns the XRPC error name ("ExpiredToken") of a Bluesky
// error answer: publish.ErrorMessage puts it first in the message.
func errorName(ae *publish.APIError) string {
	name, _, _ := strings.Cut(ae.Message, ":")
	if name == "" || strings.ContainsAny(name, " .") {
		return ""
	}
	return name
}

// sessionGone reports whether err says a token is expired or not valid
// (the reference PDS answers 400 ExpiredToken and 400 InvalidToken;
// others 401): a new session may help.
func sessionGone(err error) bool {
	var ae *publish.APIError
	if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusUnauthorized) {
		return false
	}
	switch errorName(ae) {
	case "ExpiredToken", "InvalidToken":
		return true
	}
	return false
}

// explain sets the hints of the errors Bluesky documents.
func explain(err error) error {
	var ae *publish.APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch name := errorName(ae); {
	case name == "AuthFactorTokenRequired":
		ae.Hint = "the account asks for an email sign-in code: use an app password (Settings → App passwords) in " + EnvAppPassword + ", which needs none"
	case name == "AccountTakedown":
		ae.Hint = "the account was taken down by its PDS: it cannot post"
	case name == "AccountDeactivated":
		ae.Hint = "the account is deactivated: sign in on bsky.app to reactivate it"
	case ae.Status == http.StatusUnauthorized, name == "ExpiredToken", name == "InvalidToken":
		ae.Hint = "check " + EnvHandle + " and " + EnvAppPassword + " (an app password from Settings → App passwords, not the account password)"
	case ae.Status == http.StatusTooManyRequests:
		ae.Hint = "rate limited (an account may create 1,666 records an hour): iocast waits until ratelimit-reset; run `iocast post` again later to resume"
	}
	return err
}

package xapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/iocast/iocast/internal/publish"
)

// Hints set on the errors X documents.
const (
	hintAuth      = "X refused the credentials: check the four IOCAST_X_* variables (" + EnvConsumerKey + ", " + EnvConsumerSecret + ", " + EnvAccessToken + ", " + EnvAccessSecret + ") with `iocast accounts check`"
	hintForbidden = "this access level cannot post; see docs/PUBLISHING.md"
	hintReadOnly  = "the app's permissions are read-only: set them to \"Read and write\" in the developer portal, then regenerate the access token and secret (docs/PUBLISHING.md)"
	hintDuplicate = "X refused a duplicate post: the account recently posted the same text"
	hintTooLong   = "the post is longer than X allows (280 as twitter-text counts)"
	hintGone      = "the post replied to is deleted or not visible to this account"
	hintPayment   = "the developer account has no credits or plan for this request; see the X developer console"
	hintRate      = "X rate limit reached: iocast waits until the limit resets; run `iocast post` again later to resume"
)

// do sends a signed request with publish.Do and sets the hints of X's
// documented errors.
func (c *Client) do(req *http.Request, out any) error {
	err := publish.Do(c.http, publish.PlatformX, req, out)
	var ae *publish.APIError
	if errors.As(err, &ae) {
		if h := hint(ae.Status, ae.Message); h != "" {
			ae.Hint = h
		}
	}
	return err
}

// hint says what to do about an error answer; msg is X's detail.
func hint(status int, msg string) string {
	m := strings.ToLower(msg)
	switch status {
	case http.StatusUnauthorized:
		return hintAuth
	case http.StatusPaymentRequired:
		return hintPayment
	case http.StatusForbidden:
		switch {
		case strings.Contains(m, "duplicate"):
			return hintDuplicate
		case strings.Contains(m, "oauth1 app permissions"):
			return hintReadOnly
		case strings.Contains(m, "too long"):
			return hintTooLong
		case strings.Contains(m, "deleted or not visible"):
			return hintGone
		}
		return hintForbidden
	case http.StatusTooManyRequests:
		return hintRate
	}
	return ""
}

// resetTransport makes publish.Do's RetryAt read when X lets the account
// post again. A 429 carries up to three windows: the endpoint's 15-minute
// one (x-rate-limit-*), the user's 24-hour posting cap
// (x-user-limit-24hour-*) and the app's (x-app-limit-24hour-*). When a
// 24-hour window is the one used up, its reset is later than
// x-rate-limit-reset, which then says nothing useful; resetTransport
// replaces X-Rate-Limit-Reset with the latest reset of the exhausted
// windows.
type resetTransport struct {
	next http.RoundTripper
}

func (t resetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		return resp, err
	}
	if reset, ok := exhaustedReset(resp.Header); ok {
		resp.Header.Set("X-Rate-Limit-Reset", strconv.FormatInt(reset, 10))
	}
	return resp, nil
}

// exhaustedReset returns the latest reset (Unix seconds) among the windows
// whose remaining count is 0, when it is later than x-rate-limit-reset.
func exhaustedReset(h http.Header) (int64, bool) {
	current, _ := strconv.ParseInt(strings.TrimSpace(h.Get("X-Rate-Limit-Reset")), 10, 64)
	latest := current
	for _, prefix := range []string{"X-Rate-Limit-", "X-User-Limit-24hour-", "X-App-Limit-24hour-"} {
		if strings.TrimSpace(h.Get(prefix+"Remaining")) != "0" {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(h.Get(prefix+"Reset")), 10, 64); err == nil && n > latest {
			latest = n
		}
	}
	return latest, latest > current
}

package webhook

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// withRetryAfter returns a copy of client whose 429 answers always carry
// a Retry-After header when the webhook said how long to wait, for
// publish.Do to read: Discord may give it only as X-RateLimit-Reset-After
// (seconds) or in the JSON body ({"retry_after": 1.5}). retry_after is in
// seconds from API v8 on, and in milliseconds in v6 and v7 and at the
// unversioned /api/webhooks/ paths Discord hands out, which are v6
// (discord/discord-api-docs#4722).
func withRetryAfter(client *http.Client) *http.Client {
	c := *client
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = retryAfterTransport{base}
	return &c
}

type retryAfterTransport struct{ base http.RoundTripper }

// maxRateLimitBody bounds the 429 answer read for retry_after.
const maxRateLimitBody = 64 << 10

func (t retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" {
		return resp, err
	}
	secs, ok := parseSeconds(resp.Header.Get("X-RateLimit-Reset-After"))
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxRateLimitBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if !ok && rerr == nil {
		var v struct {
			RetryAfter json.Number `json:"retry_after"`
		}
		if json.Unmarshal(body, &v) == nil {
			secs, ok = parseSeconds(v.RetryAfter.String())
			if ok && millis(req.URL.Path) {
				secs /= 1000
			}
		}
	}
	if ok {
		resp.Header.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(secs)), 10))
	}
	return resp, nil
}

// parseSeconds reads a non-negative number of seconds ("1.5", "64").
func parseSeconds(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || f > 1<<31 {
		return 0, false
	}
	return f, true
}

// millis reports whether a Discord API path answers retry_after in
// milliseconds: an unversioned path, or a version before 8.
func millis(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/")
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, "webhooks/") {
		return true
	}
	v, ok := strings.CutPrefix(rest, "v")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(v[:strings.IndexByte(v+"/", '/')])
	return err == nil && n < 8
}

package publish_test

import (
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iocast/iocast/internal/publish"
)

// FuzzErrorMessage: any answer body gives a short, one-line message.
func FuzzErrorMessage(f *testing.F) {
	for _, s := range []string{`{"error":"x"}`, `{"errors":[{"message":"m"}]}`, `{"error":{"message":"m"}}`,
		`{"errors":{"a":1},"message":"Invalid Form Body"}`, "<html>\n", "", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg := publish.ErrorMessage(body)
		if len(msg) > 200+len("…") {
			t.Errorf("message of %d bytes", len(msg))
		}
		for _, r := range msg {
			if r == '\n' || r == '\r' {
				t.Errorf("message %q spans lines", msg)
			}
		}
		if utf8.Valid(body) && !utf8.ValidString(msg) {
			t.Errorf("message %q cut inside a character", msg)
		}
	})
}

// FuzzRetryAt: any header value gives a time, never a panic; a number of
// seconds is never before now.
func FuzzRetryAt(f *testing.F) {
	for _, s := range []string{"120", "Thu, 26 Nov 2026 03:05:00 GMT", "1795662000", "2026-11-26T03:10:00Z", "-5", "99999999999999999999"} {
		f.Add("Retry-After", s)
		f.Add("X-Rate-Limit-Reset", s)
	}
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name, value string) {
		h := http.Header{}
		h.Set(name, value)
		at := publish.RetryAt(h, now)
		if !at.IsZero() && http.CanonicalHeaderKey(name) == "Retry-After" && at.Before(now) && len(value) > 0 && value[0] >= '0' && value[0] <= '9' {
			if _, err := http.ParseTime(value); err != nil {
				t.Errorf("Retry-After %q → %v, before now", value, at)
			}
		}
	})
}

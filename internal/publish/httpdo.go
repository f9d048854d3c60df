package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxResponse is the most Do reads of an answer: platforms answer with
// small JSON documents, and a hostile server must not fill memory.
const MaxResponse = 4 << 20

// ErrorKind says what Publisher may do after an error.
type ErrorKind int

const (
	// Permanent: the platform refused the request; sending it again
	// cannot help (400, 404, 422, a post too long).
	Permanent ErrorKind = iota
	// Auth: the credentials are wrong, expired or lack a permission
	// (401, 403). Never retried.
	Auth
	// RateLimited: 429; retry after APIError.RetryAt.
	RateLimited
	// Transient: a 5xx answer, 408, or a network error; retried with
	// backoff. The request may have reached the platform.
	Transient
)

// APIError is a platform's refusal or a failure to reach it. Its message
// names the platform and the status and says what to do; it never holds a
// credential or a webhook URL.
type APIError struct {
	// Platform is one of Platforms.
	Platform string
	// Status is the HTTP status; 0 when no answer came (Err says why).
	Status int
	// Message is the platform's own explanation from the answer's body,
	// shortened.
	Message string
	// Hint says what to do; adapters set it for the errors they know.
	Hint string
	// RetryAt is when the platform said to try again (Retry-After,
	// x-rate-limit-reset, ratelimit-reset); zero when it did not.
	RetryAt time.Time
	// Err is the network error when Status is 0.
	Err error
}

// Name returns the platform's name as error messages show it.
func Name(platform string) string {
	switch platform {
	case PlatformX:
		return "X API"
	case PlatformMastodon:
		return "Mastodon"
	case PlatformBluesky:
		return "Bluesky"
	case PlatformMisskey:
		return "Misskey"
	case PlatformWebhook:
		return "webhook"
	}
	return platform
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(Name(e.Platform))
	if e.Status == 0 {
		b.WriteString(" could not be reached")
		if e.Err != nil {
			b.WriteString(": ")
			b.WriteString(e.Err.Error())
		}
	} else {
		fmt.Fprintf(&b, " answered %d", e.Status)
		if e.Message != "" {
			b.WriteString(": ")
			b.WriteString(e.Message)
		}
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// Kind classifies the error.
func (e *APIError) Kind() ErrorKind {
	switch {
	case e.Status == 0, e.Status == http.StatusRequestTimeout, e.Status >= 500:
		return Transient
	case e.Status == http.StatusTooManyRequests:
		return RateLimited
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden:
		return Auth
	}
	return Permanent
}

// KindOf classifies any error: an *APIError by its Kind, context
// cancellation as Permanent, anything else as Permanent.
func KindOf(err error) ErrorKind {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Kind()
	}
	return Permanent
}

// MaybeSent reports whether a failed Send may nevertheless have created
// the post: the answer was lost (network error), or the platform failed
// while handling it (5xx), or its success answer could not be read.
func MaybeSent(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Status == 0 || ae.Status >= 500 || (ae.Status >= 200 && ae.Status < 300)
}

// Do sends req with client and decodes a 2xx JSON answer into out (when
// out is not nil). Any other answer becomes an *APIError with the
// platform's message and the time it asks to wait; a network error
// becomes an *APIError with Status 0 whose text leaves out the request's
// URL (a webhook URL is a credential). The context's own error is returned
// as is.
func Do(client *http.Client, platform string, req *http.Request, out any) error {
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return ctxErr
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &APIError{Platform: platform, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return ctxErr
		}
		return &APIError{Platform: platform, Status: resp.StatusCode, Message: "the answer was cut off", Err: err}
	}
	if len(body) > MaxResponse {
		return &APIError{Platform: platform, Status: resp.StatusCode, Message: fmt.Sprintf("the answer is larger than %d bytes", MaxResponse)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &APIError{
			Platform: platform,
			Status:   resp.StatusCode,
			Message:  ErrorMessage(body),
			Hint:     defaultHint(resp.StatusCode),
			RetryAt:  RetryAt(resp.Header, time.Now()),
		}
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &APIError{Platform: platform, Status: resp.StatusCode, Message: "iocast cannot read the answer: " + err.Error()}
	}
	return nil
}

// NewRequest builds a request with a JSON body (when body is not nil) and
// the context.
func NewRequest(ctx context.Context, method, u string, body any) (*http.Request, error) {
	var r io.Reader
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return nil, err
		}
		r = strings.NewReader(string(data))
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, fmt.Errorf("bad API URL: %w", ue.Err)
		}
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// UserAgent is sent with every request.
var UserAgent = "iocast (+https://github.com/iocast/iocast)"

func defaultHint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "the credentials were refused: check them with `iocast accounts check` (docs/PUBLISHING.md)"
	case http.StatusForbidden:
		return "this account or access level may not do this; see docs/PUBLISHING.md"
	case http.StatusTooManyRequests:
		return "rate limited: iocast waits and retries; run `iocast post` again later to resume"
	}
	return ""
}

// ErrorMessage takes the platform's explanation out of an error answer:
// the usual JSON fields (error, error_description, message, detail, title,
// errors[0].message, errors[0].detail), else the body's first line,
// shortened to 200 bytes.
func ErrorMessage(body []byte) string {
	var v struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Message          string          `json:"message"`
		Detail           string          `json:"detail"`
		Title            string          `json:"title"`
		Errors           json.RawMessage `json:"errors"`
	}
	var errList []struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	msg := ""
	if json.Unmarshal(body, &v) == nil {
		var errStr string
		var errObj struct {
			Message string `json:"message"`
			Code    string `json:"code"`
		}
		if json.Unmarshal(v.Error, &errStr) != nil && json.Unmarshal(v.Error, &errObj) == nil {
			errStr = errObj.Message // Misskey: {"error": {"message": ..., "code": ...}}
		}
		for _, s := range []string{v.Detail, v.ErrorDescription, v.Message, errStr, v.Title} {
			if s != "" {
				msg = s
				break
			}
		}
		// "errors" is a list (X) or, for Discord's "Invalid Form Body",
		// an object keyed by field: then the top-level message says it.
		if msg == "" && json.Unmarshal(v.Errors, &errList) == nil && len(errList) > 0 {
			msg = errList[0].Message
			if msg == "" {
				msg = errList[0].Detail
			}
		}
		if msg != "" && errStr != "" && msg != errStr && v.Message != "" && msg == v.Message {
			msg = errStr + ": " + msg // Bluesky: {"error": "InvalidToken", "message": "..."}
		}
	} else {
		msg, _, _ = strings.Cut(strings.TrimSpace(string(body)), "\n")
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 200 {
		cut := 200
		for cut > 0 && msg[cut]&0xc0 == 0x80 {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// RetryAt reads when a platform asks to be called again: Retry-After
// (seconds or an HTTP date), x-rate-limit-reset (X: Unix seconds),
// X-RateLimit-Reset (Mastodon: an RFC 3339 time) or ratelimit-reset (Bluesky: Unix seconds). It returns
// the zero time when none is set or readable.
func RetryAt(h http.Header, now time.Time) time.Time {
	if s := strings.TrimSpace(h.Get("Retry-After")); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
			return now.Add(time.Duration(min(n, 1<<31)) * time.Second)
		}
		if t, err := http.ParseTime(s); err == nil {
			return t
		}
	}
	// X sends x-rate-limit-reset, Mastodon X-RateLimit-Reset (two names
	// once canonicalised), Bluesky ratelimit-reset.
	for _, name := range []string{"X-Rate-Limit-Reset", "X-Ratelimit-Reset", "Ratelimit-Reset"} {
		s := strings.TrimSpace(h.Get(name))
		if s == "" {
			continue
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
			if n < 1e9 { // a delay in seconds (the IETF RateLimit draft), not a time
				return now.Add(time.Duration(n) * time.Second)
			}
			return time.Unix(n, 0)
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// InstanceURL checks the address of an instance or API, read from the
// environment variable env: an http(s) URL with a host and nothing after
// the path. example shows the expected form in the error.
func InstanceURL(env, raw, example string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%s is not set", env)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s must be the instance's address, like %s", env, example)
	}
	return u, nil
}

// Choice returns v, or def when v is empty, and an error naming env unless
// it is one of choices.
func Choice(env, v, def string, choices []string) (string, error) {
	if v == "" {
		v = def
	}
	for _, c := range choices {
		if v == c {
			return v, nil
		}
	}
	return "", fmt.Errorf("%s is %q; want one of %s", env, v, strings.Join(choices, ", "))
}

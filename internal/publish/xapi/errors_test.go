package xapi_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/xapi"
	"github.com/iocast/iocast/internal/publish/xapi/xapitest"
	"github.com/iocast/iocast/internal/secret"
)

// TestErrors checks how each failure X documents becomes an APIError.
func TestErrors(t *testing.T) {
	const reset = 1893456000 // 2030-01-01, a Unix time
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		drop       bool
		wantStatus int
		wantKind   publish.ErrorKind
		wantRetry  time.Time
		wantMaybe  bool
		wantMsg    string // in the error's text
	}{
		{name: "401", status: 401, body: `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`,
			wantStatus: 401, wantKind: publish.Auth, wantMsg: "answered 401: Unauthorized; X refused the credentials: check the four IOCAST_X_* variables"},
		{name: "403 access level", status: 403,
			body:       `{"client_id":"123","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`,
			wantStatus: 403, wantKind: publish.Auth, wantMsg: "this access level cannot post; see docs/PUBLISHING.md"},
		{name: "403 duplicate", status: 403, body: `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`,
			wantStatus: 403, wantKind: publish.Auth, wantMsg: "duplicate content.; X refused a duplicate post"},
		{name: "403 read-only app", status: 403, body: `{"title":"Forbidden","status":403,"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions"}`,
			wantStatus: 403, wantKind: publish.Auth, wantMsg: `"Read and write"`},
		{name: "403 too long", status: 403, body: `{"detail":"Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.","type":"about:blank","title":"Forbidden","status":403}`,
			wantStatus: 403, wantKind: publish.Auth, wantMsg: "longer than X allows"},
		{name: "v1.1 errors", status: 403, body: `{"errors":[{"message":"You are not permitted to perform this action.","code":261}]}`,
			wantStatus: 403, wantKind: publish.Auth, wantMsg: "You are not permitted to perform this action.; this access level cannot post"},
		{name: "429", status: 429, header: map[string]string{"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1893456000"},
			body: `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, wantStatus: 429,
			wantKind: publish.RateLimited, wantRetry: time.Unix(reset, 0), wantMsg: "X rate limit reached"},
		{name: "429 user 24-hour cap", status: 429, header: map[string]string{
			"x-rate-limit-limit": "100", "x-rate-limit-remaining": "99", "x-rate-limit-reset": "1893456000",
			"x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": "1893520000",
			"x-app-limit-24hour-limit": "1500", "x-app-limit-24hour-remaining": "1400", "x-app-limit-24hour-reset": "1893530000"},
			body: `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`, wantStatus: 429,
			wantKind: publish.RateLimited, wantRetry: time.Unix(1893520000, 0)},
		{name: "429 app 24-hour cap", status: 429, header: map[string]string{
			"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1893456000",
			"x-app-limit-24hour-remaining": "0", "x-app-limit-24hour-reset": "1893530000"},
			body: `{"title":"Too Many Requests"}`, wantStatus: 429, wantKind: publish.RateLimited, wantRetry: time.Unix(1893530000, 0)},
		{name: "402 credits", status: 402, body: `{"title":"CreditsDepleted","detail":"Your enrolled account does not have any credits to fulfill this request.","type":"https://api.twitter.com/2/problems/credits"}`,
			wantStatus: 402, wantKind: publish.Permanent, wantMsg: "no credits"},
		{name: "400", status: 400, body: `{"errors":[{"parameters":{"text":[""]},"message":"bad"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`,
			wantStatus: 400, wantKind: publish.Permanent, wantMsg: "One or more parameters"},
		{name: "500", status: 500, body: `{"title":"Internal Server Error","detail":"Something went wrong.","status":500}`,
			wantStatus: 500, wantKind: publish.Transient, wantMaybe: true},
		{name: "503 not JSON", status: 503, body: "<html>Over capacity</html>", wantStatus: 503, wantKind: publish.Transient, wantMaybe: true},
		{name: "dropped", drop: true, wantStatus: 0, wantKind: publish.Transient, wantMaybe: true, wantMsg: "could not be reached"},
		{name: "malformed answer", status: 201, body: `{"data":{"id":`, wantStatus: 201, wantKind: publish.Permanent, wantMaybe: true, wantMsg: "cannot read the answer"},
		{name: "no id", status: 201, body: `{"data":{}}`, wantStatus: 201, wantKind: publish.Permanent, wantMaybe: true, wantMsg: "no id"},
		{name: "oversized answer", status: 201, body: `{"data":{"id":"1","text":"` + strings.Repeat("a", publish.MaxResponse) + `"}}`,
			wantStatus: 201, wantKind: publish.Permanent, wantMaybe: true, wantMsg: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				if tt.drop {
					publishtest.DropConnection(w)
					return
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c, err := xapi.New(testCreds.config(rec.URL), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(t.Context(), publish.Message{Text: "hello"})
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Send: %v (%T), want an *APIError", err, err)
			}
			if ae.Platform != publish.PlatformX || ae.Status != tt.wantStatus || ae.Kind() != tt.wantKind {
				t.Errorf("platform %q status %d kind %d, want x %d %d", ae.Platform, ae.Status, ae.Kind(), tt.wantStatus, tt.wantKind)
			}
			if !ae.RetryAt.Equal(tt.wantRetry) {
				t.Errorf("RetryAt %v, want %v", ae.RetryAt, tt.wantRetry)
			}
			if got := publish.MaybeSent(err); got != tt.wantMaybe {
				t.Errorf("MaybeSent = %v, want %v", got, tt.wantMaybe)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not hold %q", err, tt.wantMsg)
			}
			if secret.Contains(err.Error(), testCreds.secrets()...) {
				t.Errorf("error %q holds a credential", err)
			}
		})
	}
}

// TestErrorsOnEveryEndpoint checks that Check, Upload and Find report X's
// refusals the same way.
func TestErrorsOnEveryEndpoint(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`)
	})
	c, err := xapi.New(testCreds.config(rec.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_, err1 := c.Check(ctx)
	_, err2 := c.Upload(ctx, publish.Media{MIME: "image/png", Data: pngData})
	_, _, err3 := c.Find(ctx, publish.Message{Text: "x"})
	for i, err := range []error{err1, err2, err3} {
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != 401 || !strings.Contains(ae.Hint, "iocast accounts check") {
			t.Errorf("call %d: %v", i+1, err)
		}
	}
}

// TestWrongCredentials signs with secrets the fake does not know: it
// answers 401 as X does.
func TestWrongCredentials(t *testing.T) {
	s := xapitest.New(t)
	for _, edit := range []func(*xapi.Config){
		func(c *xapi.Config) { c.ConsumerSecret = secret.New("wrong") },
		func(c *xapi.Config) { c.AccessSecret = secret.New("wrong") },
		func(c *xapi.Config) { c.ConsumerKey = secret.New("wrong") },
		func(c *xapi.Config) { c.AccessToken = secret.New("wrong") },
	} {
		cfg := s.Config()
		edit(&cfg)
		c, err := xapi.New(cfg, s.Client())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(t.Context(), publish.Message{Text: "hello"})
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != 401 || ae.Kind() != publish.Auth || ae.Message != "Unauthorized" {
			t.Errorf("Send: %v", err)
		}
		if secret.Contains(err.Error(), append(xapitest.Secrets(), cfg.ConsumerKey, cfg.ConsumerSecret, cfg.AccessToken, cfg.AccessSecret)...) {
			t.Errorf("error %q holds a credential", err)
		}
	}
	if n := len(s.Posts()); n != 0 {
		t.Errorf("%d posts created", n)
	}
}

// TestFakeRefusals checks the fake's documented refusals through the
// adapter.
func TestFakeRefusals(t *testing.T) {
	s, c := newFake(t)
	ctx := t.Context()
	if _, err := c.Send(ctx, publish.Message{Text: "once"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		m        publish.Message
		wantHint string
	}{
		{"duplicate", publish.Message{Text: "once"}, "X refused a duplicate post"},
		{"reply to nothing", publish.Message{Text: "r", Parent: &publish.Remote{ID: "1"}}, "deleted or not visible"},
		{"too long", publish.Message{Text: strings.Repeat("a", 281)}, "longer than X allows"},
	}
	for _, tt := range tests {
		_, err := c.Send(ctx, tt.m)
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != 403 || ae.Hint == "" || !strings.Contains(ae.Hint, tt.wantHint) {
			t.Errorf("%s: %v, want a 403 with hint %q", tt.name, err, tt.wantHint)
		}
	}
	_, err := c.Send(ctx, publish.Message{Text: "m", Media: []publish.MediaRef{{ID: "404"}}})
	var ae *publish.APIError
	if !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("unknown media: %v, want 400", err)
	}
	if n := len(s.Posts()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

// TestFaults checks the fake's faults: a 5xx after creating, a dropped
// connection, a status without creating, and the Then hook.
func TestFaults(t *testing.T) {
	s, c := newFake(t)
	ctx := t.Context()
	hooked := make(chan publishtest.Post, 1)
	s.Faults.Push(
		publishtest.Fault{Status: 503, Body: `{"title":"Service Unavailable","detail":"Service Unavailable","status":503}`},
		publishtest.Fault{Status: 500, Created: true, Body: `{"title":"Internal Server Error","status":500}`},
		publishtest.Fault{Drop: true, Then: func(p publishtest.Post) { hooked <- p }},
		publishtest.Fault{Status: 429, Header: http.Header{"X-Rate-Limit-Reset": {"1893456000"}, "X-Rate-Limit-Remaining": {"0"}}, Body: `{"title":"Too Many Requests","status":429}`},
	)
	for i, text := range []string{"a", "b", "c", "d"} {
		_, err := c.Send(ctx, publish.Message{Text: text})
		var ae *publish.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("send %d: %v", i, err)
		}
		if i < 3 && !publish.MaybeSent(err) {
			t.Errorf("send %d: %v is not MaybeSent", i, err)
		}
		if i == 3 && !ae.RetryAt.Equal(time.Unix(1893456000, 0)) {
			t.Errorf("send %d: RetryAt %v", i, ae.RetryAt)
		}
	}
	posts := s.Posts()
	var texts []string
	for _, p := range posts {
		texts = append(texts, p.Text)
	}
	if diff := cmp.Diff([]string{"b", "c"}, texts); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if p := <-hooked; p.Text != "c" || p.ID != posts[1].ID {
		t.Errorf("Then saw %+v", p)
	}
}

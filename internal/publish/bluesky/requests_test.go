package bluesky_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/bluesky"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// The credentials the stub PDS expects.
const (
	stubPassword = "abcd-efgh-ijkl-mnop"
	stubAccess   = "eyJhbGciOiJIUzI1NiJ9.access.sig"
	stubRefresh  = "eyJhbGciOiJIUzI1NiJ9.refresh.sig"
	stubDID      = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
)

// stub is a PDS whose methods the test writes; createSession answers with
// the stub session unless the test replaces it.
type stub struct {
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	calls    []string
}

func newStub(t *testing.T, handlers map[string]http.HandlerFunc) (*bluesky.Client, *stub) {
	t.Helper()
	s := &stub{handlers: map[string]http.HandlerFunc{
		"com.atproto.server.createSession": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"did":%q,"handle":"analyst.bsky.social","accessJwt":%q,"refreshJwt":%q,"active":true}`, stubDID, stubAccess, stubRefresh)
		},
	}}
	for k, h := range handlers {
		s.handlers[k] = h
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
		s.mu.Lock()
		s.calls = append(s.calls, nsid)
		h := s.handlers[nsid]
		s.mu.Unlock()
		if h == nil {
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusNotImplemented)
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := bluesky.New(bluesky.Config{
		PDS:         srv.URL + "/",
		Handle:      "@analyst.bsky.social",
		AppPassword: secret.New(stubPassword),
		Now:         func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 6_789_000, time.FixedZone("JST", 9*3600)) },
	}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func (s *stub) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// expect checks a request's method, authorization and content type, and
// returns its body.
func expect(t *testing.T, r *http.Request, method, auth, contentType string) []byte {
	t.Helper()
	if r.Method != method {
		t.Errorf("%s: method %s, want %s", r.URL.Path, r.Method, method)
	}
	if got := r.Header.Get("Authorization"); got != auth {
		t.Errorf("%s: Authorization %q, want %q", r.URL.Path, got, auth)
	}
	if got := r.Header.Get("Content-Type"); got != contentType {
		t.Errorf("%s: Content-Type %q, want %q", r.URL.Path, got, contentType)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestRequests(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n card bytes")
	blob := `{"$type":"blob","ref":{"$link":"bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"},"mimeType":"image/png","size":20}`
	parentURI := "at://" + stubDID + "/app.bsky.feed.post/3l3qo2vutsw2b"
	rootURI := "at://" + stubDID + "/app.bsky.feed.post/3l3qo2vuowo2b"
	c, s := newStub(t, map[string]http.HandlerFunc{
		"com.atproto.server.createSession": func(w http.ResponseWriter, r *http.Request) {
			body := expect(t, r, http.MethodPost, "", "application/json")
			if diff := cmp.Diff(decode(t, `{"identifier":"analyst.bsky.social","password":"abcd-efgh-ijkl-mnop"}`), decode(t, string(body))); diff != "" {
				t.Errorf("createSession body (-want +got):\n%s", diff)
			}
			fmt.Fprintf(w, `{"did":%q,"handle":"analyst.bsky.social","accessJwt":%q,"refreshJwt":%q,"active":true}`, stubDID, stubAccess, stubRefresh)
		},
		"com.atproto.repo.uploadBlob": func(w http.ResponseWriter, r *http.Request) {
			body := expect(t, r, http.MethodPost, "Bearer "+stubAccess, "image/png")
			if string(body) != string(png) || r.ContentLength != int64(len(png)) {
				t.Errorf("uploadBlob body %q (length %d)", body, r.ContentLength)
			}
			fmt.Fprintf(w, `{"blob":%s}`, blob)
		},
		"com.atproto.repo.getRecord": func(w http.ResponseWriter, r *http.Request) {
			expect(t, r, http.MethodGet, "Bearer "+stubAccess, "")
			q := r.URL.Query()
			if q.Get("repo") != stubDID || q.Get("collection") != "app.bsky.feed.post" || q.Get("rkey") != "3l3qo2vutsw2b" || len(q) != 3 {
				t.Errorf("getRecord query %v", q)
			}
			fmt.Fprintf(w, `{"uri":%q,"cid":"bafyreiparent","value":{"$type":"app.bsky.feed.post","text":"1/2","createdAt":"2025-01-02T00:00:00Z"}}`, parentURI)
		},
		"com.atproto.repo.createRecord": func(w http.ResponseWriter, r *http.Request) {
			body := expect(t, r, http.MethodPost, "Bearer "+stubAccess, "application/json")
			want := `{
				"repo": "` + stubDID + `",
				"collection": "app.bsky.feed.post",
				"record": {
					"$type": "app.bsky.feed.post",
					"text": "2/2 ＃マルウェア https://ex.test/é",
					"createdAt": "2025-01-01T18:04:05.006Z",
					"langs": ["ja"],
					"facets": [
						{"index": {"byteStart": 4, "byteEnd": 22}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "マルウェア"}]},
						{"index": {"byteStart": 23, "byteEnd": 41}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://ex.test/é"}]}
					],
					"reply": {
						"root": {"uri": "` + rootURI + `", "cid": "bafyreiroot"},
						"parent": {"uri": "` + parentURI + `", "cid": "bafyreiparent"}
					},
					"embed": {"$type": "app.bsky.embed.images", "images": [{"alt": "card", "image": ` + blob + `}]}
				}
			}`
			if diff := cmp.Diff(decode(t, want), decode(t, string(body))); diff != "" {
				t.Errorf("createRecord body (-want +got):\n%s", diff)
			}
			fmt.Fprintf(w, `{"uri":"at://%s/app.bsky.feed.post/3l3qo2vv2ac2b","cid":"bafyreinew","commit":{"cid":"bafyreicommit","rev":"3l3qo2vv2ac2b"},"validationStatus":"valid"}`, stubDID)
		},
	})
	ctx := context.Background()
	ref, err := c.Upload(ctx, publish.Media{MIME: "image/png", Data: png, Alt: "card"})
	if err != nil {
		t.Fatal(err)
	}
	text := "2/2 ＃マルウェア https://ex.test/é"
	facets := postfmt.BlueskyFacets(text)
	if len(facets) != 2 {
		t.Fatalf("postfmt found facets %+v", facets)
	}
	rem, err := c.Send(ctx, publish.Message{
		Text:   text,
		Facets: facets,
		Media:  []publish.MediaRef{ref},
		Parent: &publish.Remote{ID: parentURI},
		Root:   &publish.Remote{ID: rootURI, CID: "bafyreiroot"},
		Lang:   "ja",
		Key:    "k1",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := publish.Remote{
		ID:  "at://" + stubDID + "/app.bsky.feed.post/3l3qo2vv2ac2b",
		URL: "https://bsky.app/profile/analyst.bsky.social/post/3l3qo2vv2ac2b",
		CID: "bafyreinew",
	}
	if diff := cmp.Diff(want, rem); diff != "" {
		t.Errorf("Remote (-want +got):\n%s", diff)
	}
	wantCalls := []string{"com.atproto.server.createSession", "com.atproto.repo.uploadBlob", "com.atproto.repo.getRecord", "com.atproto.repo.createRecord"}
	if diff := cmp.Diff(wantCalls, s.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	xrpc := func(status int, name, msg string, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":%q,"message":%q}`, name, msg)
		}
	}
	tests := []struct {
		name     string
		method   string // the XRPC method the handler answers
		handler  http.HandlerFunc
		status   int
		kind     publish.ErrorKind
		contains []string
		retryAt  time.Time
	}{
		{
			name: "wrong password", method: "com.atproto.server.createSession",
			handler: xrpc(401, "AuthenticationRequired", "Invalid identifier or password"),
			status:  401, kind: publish.Auth,
			contains: []string{"Bluesky answered 401: AuthenticationRequired: Invalid identifier or password", "IOCAST_BLUESKY_APP_PASSWORD", "Settings → App passwords"},
		},
		{
			name: "two-factor sign-in", method: "com.atproto.server.createSession",
			handler: xrpc(401, "AuthFactorTokenRequired", "A sign in code has been sent to your email address"),
			status:  401, kind: publish.Auth,
			contains: []string{"AuthFactorTokenRequired", "use an app password"},
		},
		{
			name: "taken down", method: "com.atproto.server.createSession",
			handler: xrpc(401, "AccountTakedown", "Account has been taken down"),
			status:  401, kind: publish.Auth,
			contains: []string{"AccountTakedown", "taken down by its PDS"},
		},
		{
			name: "403", method: "com.atproto.repo.createRecord",
			handler: xrpc(403, "Forbidden", "Forbidden"),
			status:  403, kind: publish.Auth,
			contains: []string{"Bluesky answered 403"},
		},
		{
			name: "429", method: "com.atproto.repo.createRecord",
			handler: xrpc(429, "RateLimitExceeded", "Rate Limit Exceeded", "RateLimit-Limit", "5000", "RateLimit-Remaining", "0", "RateLimit-Reset", "1735790400", "RateLimit-Policy", "5000;w=3600"),
			status:  429, kind: publish.RateLimited,
			contains: []string{"RateLimitExceeded", "ratelimit-reset"},
			retryAt:  time.Unix(1735790400, 0),
		},
		{
			name: "invalid record", method: "com.atproto.repo.createRecord",
			handler: xrpc(400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"),
			status:  400, kind: publish.Permanent,
			contains: []string{"InvalidRequest: Invalid app.bsky.feed.post record"},
		},
		{
			name: "500", method: "com.atproto.repo.createRecord",
			handler: xrpc(500, "InternalServerError", "Internal Server Error"),
			status:  500, kind: publish.Transient,
		},
		{
			name: "dropped", method: "com.atproto.repo.createRecord",
			handler: func(w http.ResponseWriter, r *http.Request) { publishtest.DropConnection(w) },
			status:  0, kind: publish.Transient,
			contains: []string{"Bluesky could not be reached"},
		},
		{
			name: "malformed JSON", method: "com.atproto.repo.createRecord",
			handler: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"uri": "at://`) },
			status:  200, kind: publish.Permanent,
			contains: []string{"cannot read the answer"},
		},
		{
			name: "no uri", method: "com.atproto.repo.createRecord",
			handler: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"validationStatus":"valid"}`) },
			status:  200, kind: publish.Permanent,
			contains: []string{"no record uri"},
		},
		{
			name: "oversized answer", method: "com.atproto.repo.createRecord",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `{"uri":"`+strings.Repeat("a", publish.MaxResponse)+`"}`)
			},
			status: 200, kind: publish.Permanent,
			contains: []string{"larger than"},
		},
		{
			name: "session answer without tokens", method: "com.atproto.server.createSession",
			handler: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"did":"did:plc:x","handle":"a.b"}`) },
			status:  200, kind: publish.Permanent,
			contains: []string{"no tokens"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, map[string]http.HandlerFunc{tt.method: tt.handler})
			_, err := c.Send(context.Background(), publish.Message{Text: "post"})
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an APIError", err)
			}
			if ae.Status != tt.status || ae.Kind() != tt.kind {
				t.Errorf("status %d kind %v, want %d %v: %v", ae.Status, ae.Kind(), tt.status, tt.kind, err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if !ae.RetryAt.Equal(tt.retryAt) {
				t.Errorf("RetryAt = %v, want %v", ae.RetryAt, tt.retryAt)
			}
			if secret.Contains(err.Error(), secret.New(stubPassword), secret.New(stubAccess), secret.New(stubRefresh)) {
				t.Errorf("error holds a credential: %v", err)
			}
		})
	}
}

// TestExpiredTwice: a token refused again after the refresh is reported,
// not refreshed in a loop.
func TestExpiredTwice(t *testing.T) {
	expired := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"ExpiredToken","message":"Token has expired"}`)
	}
	c, s := newStub(t, map[string]http.HandlerFunc{
		"com.atproto.repo.createRecord": expired,
		"com.atproto.server.refreshSession": func(w http.ResponseWriter, r *http.Request) {
			expect(t, r, http.MethodPost, "Bearer "+stubRefresh, "")
			fmt.Fprintf(w, `{"did":%q,"handle":"analyst.bsky.social","accessJwt":%q,"refreshJwt":%q}`, stubDID, stubAccess, stubRefresh)
		},
	})
	_, err := c.Send(context.Background(), publish.Message{Text: "post"})
	if err == nil || !strings.Contains(err.Error(), "ExpiredToken") || !strings.Contains(err.Error(), "IOCAST_BLUESKY_APP_PASSWORD") {
		t.Fatalf("err = %v", err)
	}
	want := []string{"com.atproto.server.createSession", "com.atproto.repo.createRecord", "com.atproto.server.refreshSession", "com.atproto.repo.createRecord"}
	if diff := cmp.Diff(want, s.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestConcurrentRenewal: calls whose token expired together refresh once.
func TestConcurrentRenewal(t *testing.T) {
	const n = 4
	var mu sync.Mutex
	refreshed, arrived := 0, 0
	all := make(chan struct{})
	c, s := newStub(t, map[string]http.HandlerFunc{
		"com.atproto.repo.createRecord": func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer "+stubAccess {
				// Answer once all n calls hold the old token.
				mu.Lock()
				if arrived++; arrived == n {
					close(all)
				}
				mu.Unlock()
				<-all
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"ExpiredToken","message":"Token has expired"}`)
				return
			}
			fmt.Fprintf(w, `{"uri":"at://%s/app.bsky.feed.post/3l3qo2vv2ac2b","cid":"bafyreinew"}`, stubDID)
		},
		"com.atproto.server.refreshSession": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			refreshed++
			mu.Unlock()
			fmt.Fprintf(w, `{"did":%q,"handle":"analyst.bsky.social","accessJwt":"new-access","refreshJwt":"new-refresh"}`, stubDID)
		},
	})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := c.Send(context.Background(), publish.Message{Text: "post"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	calls := s.Calls()
	if refreshed != 1 || calls[0] != "com.atproto.server.createSession" || slices.Index(calls[1:], "com.atproto.server.createSession") >= 0 {
		t.Errorf("refreshed %d times, want 1; calls %v", refreshed, calls)
	}
}

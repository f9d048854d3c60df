package misskey_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/misskey"
	"github.com/iocast/iocast/internal/publish/misskey/misskeytest"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

const testToken = "misskeySecretToken0123456789abcd"

// post is a thread's first part as iocast composes it.
const post = "🚨⚡ #LODEINFO\nTLP:CLEAR\n\nC2:\n📡 hxxps://evil[.]example/gate.php <&> (ASN: AS63949, ISP: Linode, LLC 🇯🇵)"

const reply = "🚨⚡ #LODEINFO 2/2\nSHA256:\n🔒 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func newClient(t *testing.T, cfg misskey.Config, hc *http.Client) *misskey.Client {
	t.Helper()
	c, err := misskey.New(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  misskey.Config
		err  string
	}{
		{"ok", misskey.Config{URL: "https://misskey.io/", Token: secret.New("t")}, ""},
		{"home", misskey.Config{URL: "https://misskey.io", Token: secret.New("t"), Visibility: "home"}, ""},
		{"no url", misskey.Config{Token: secret.New("t")}, "IOCAST_MISSKEY_URL is not set"},
		{"no scheme", misskey.Config{URL: "misskey.io", Token: secret.New("t")}, "IOCAST_MISSKEY_URL must be the instance's address"},
		{"no token", misskey.Config{URL: "https://misskey.io"}, "IOCAST_MISSKEY_TOKEN is not set"},
		{"specified", misskey.Config{URL: "https://misskey.io", Token: secret.New("t"), Visibility: "specified"}, `IOCAST_MISSKEY_VISIBILITY is "specified"; want one of public, home, followers`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := misskey.New(tt.cfg, nil)
			if tt.err == "" {
				if err != nil || c == nil || c.Platform() != publish.PlatformMisskey {
					t.Fatalf("New = %v, %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("New error = %v, want %q", err, tt.err)
			}
		})
	}
}

// TestThread publishes a two-part thread with an image on the fake
// instance and finds its parts again.
func TestThread(t *testing.T) {
	ctx := context.Background()
	srv := misskeytest.New(t)
	srv.SetMaxNoteTextLength(5000)
	c := newClient(t, srv.Config(), srv.Client())

	acct, err := c.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	want := publish.Account{Platform: "misskey", Name: "@iocast@" + host, ID: misskeytest.UserID, URL: srv.URL + "/@iocast", Limit: 5000}
	if diff := cmp.Diff(want, acct); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	lim, err := c.Limits(ctx)
	if err != nil || lim != (publish.Limits{Rules: postfmt.PlatformMastodon, Max: 5000}) {
		t.Errorf("Limits = %+v, %v", lim, err)
	}

	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("\x89PNG fake"), Alt: "evidence card", Width: 1200, Height: 675})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID == "" || ref.Alt != "evidence card" || ref.Width != 1200 || ref.Height != 675 {
		t.Errorf("Upload = %+v", ref)
	}

	first := publish.Message{Text: post, Media: []publish.MediaRef{ref}, Key: "0123abcd", Lang: "en"}
	r1, err := c.Send(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	second := publish.Message{Text: reply, Parent: &r1, Root: &r1, Key: "4567ef01"}
	r2, err := c.Send(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if r1.URL != srv.URL+"/notes/"+r1.ID || r2.ID == r1.ID {
		t.Errorf("Send = %+v, %+v", r1, r2)
	}
	wantPosts := []publishtest.Post{
		{ID: r1.ID, Text: post, Media: []string{ref.ID}},
		{ID: r2.ID, Text: reply, ReplyTo: r1.ID},
	}
	if diff := cmp.Diff(wantPosts, srv.Posts()); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}

	finds := []struct {
		name string
		m    publish.Message
		want publish.Remote
		ok   bool
	}{
		{"first", first, r1, true},
		{"reply", second, r2, true},
		{"trailing new line", publish.Message{Text: reply + "\n", Parent: &r1}, r2, true},
		{"other parent", publish.Message{Text: reply, Parent: &r2}, publish.Remote{}, false},
		{"reply text without parent", publish.Message{Text: reply}, publish.Remote{}, false},
		{"white space inside differs", publish.Message{Text: strings.ReplaceAll(reply, "\n", " "), Parent: &r1}, publish.Remote{}, false},
	}
	for _, tt := range finds {
		t.Run("find "+tt.name, func(t *testing.T) {
			got, ok, err := c.Find(ctx, tt.m)
			if err != nil || ok != tt.ok || got != tt.want {
				t.Errorf("Find = %+v, %v, %v; want %+v, %v", got, ok, err, tt.want, tt.ok)
			}
		})
	}
}

// TestFaults makes the fake instance fail while or after creating a note,
// and checks what the client reports and what Find says after.
func TestFaults(t *testing.T) {
	rateLimited := `{"error":{"message":"Rate limit exceeded. Please try again later.","code":"RATE_LIMIT_EXCEEDED","id":"d5826d14-3982-4d2e-8011-b9e9f02499ef","kind":"client","info":{"resetMs":1700000030000,"resetSec":1700000030}}}`
	tests := []struct {
		name      string
		fault     publishtest.Fault
		status    int
		kind      publish.ErrorKind
		maybeSent bool
		created   bool
		retry     time.Duration
	}{
		{name: "dropped after creating", fault: publishtest.Fault{Drop: true}, kind: publish.Transient, maybeSent: true, created: true},
		{name: "500 after creating", fault: publishtest.Fault{Status: 500, Created: true, Body: `{"error":{"message":"Internal error occurred. Please contact us if the error persists.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`}, status: 500, kind: publish.Transient, maybeSent: true, created: true},
		{name: "502 without creating", fault: publishtest.Fault{Status: 502, Body: "<html>502 Bad Gateway</html>"}, status: 502, kind: publish.Transient, maybeSent: true},
		{name: "429", fault: publishtest.Fault{Status: 429, Header: http.Header{"Retry-After": {"30"}}, Body: rateLimited}, status: 429, kind: publish.RateLimited, retry: 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := misskeytest.New(t)
			c := newClient(t, srv.Config(), srv.Client())
			var mu sync.Mutex
			var then []publishtest.Post
			tt.fault.Then = func(p publishtest.Post) {
				mu.Lock()
				defer mu.Unlock()
				then = append(then, p)
			}
			srv.Faults.Push(tt.fault)
			m := publish.Message{Text: post, Key: "k1"}
			before := time.Now()
			_, err := c.Send(ctx, m)
			after := time.Now()
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Send error = %v, want an *APIError", err)
			}
			if ae.Status != tt.status || ae.Kind() != tt.kind || publish.MaybeSent(err) != tt.maybeSent {
				t.Errorf("error %q: status %d kind %v maybe sent %v", err, ae.Status, ae.Kind(), publish.MaybeSent(err))
			}
			if tt.retry != 0 && (ae.RetryAt.Before(before.Add(tt.retry).Truncate(time.Second)) || ae.RetryAt.After(after.Add(tt.retry))) {
				t.Errorf("RetryAt = %v, want %v after the request", ae.RetryAt, tt.retry)
			}
			posts := srv.Posts()
			mu.Lock()
			defer mu.Unlock()
			if len(posts) != len(then) || (tt.created != (len(posts) == 1)) {
				t.Fatalf("posts %+v, Then saw %+v", posts, then)
			}
			got, ok, err := c.Find(ctx, m)
			if err != nil || ok != tt.created || (ok && got.ID != posts[0].ID) {
				t.Errorf("Find = %+v, %v, %v", got, ok, err)
			}
		})
	}
}

// calls runs each of the client's methods that talk to the instance.
func calls(ctx context.Context, c *misskey.Client) map[string]func() error {
	return map[string]func() error{
		"check": func() error { _, err := c.Check(ctx); return err },
		"send":  func() error { _, err := c.Send(ctx, publish.Message{Text: "x"}); return err },
		"upload": func() error {
			_, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("png")})
			return err
		},
		"find": func() error { _, _, err := c.Find(ctx, publish.Message{Text: "x"}); return err },
	}
}

func TestWrongToken(t *testing.T) {
	srv := misskeytest.New(t)
	cfg := srv.Config()
	cfg.Token = secret.New(testToken)
	c := newClient(t, cfg, srv.Client())
	for name, call := range calls(context.Background(), c) {
		err := call()
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != 401 || ae.Kind() != publish.Auth || ae.Message != "Authentication failed. Please ensure your token is correct." || !strings.Contains(ae.Hint, "IOCAST_MISSKEY_TOKEN") {
			t.Errorf("%s: error %v", name, err)
		}
		if secret.Contains(err.Error(), cfg.Token) {
			t.Errorf("%s: error %q holds the token", name, err)
		}
	}
	if n := len(srv.Posts()); n != 0 {
		t.Errorf("%d notes created", n)
	}
}

func TestPermissionDenied(t *testing.T) {
	srv := misskeytest.New(t)
	srv.SetPermissions("read:account")
	c := newClient(t, srv.Config(), srv.Client())
	for name, call := range calls(context.Background(), c) {
		err := call()
		if name == "check" || name == "find" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != 403 || ae.Kind() != publish.Auth || !strings.Contains(ae.Hint, "write:notes, write:drive and read:account") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestUploadTooLarge(t *testing.T) {
	srv := misskeytest.New(t)
	srv.SetMaxFileSize(100)
	c := newClient(t, srv.Config(), srv.Client())
	_, err := c.Upload(context.Background(), publish.Media{Name: "card.png", MIME: "image/png", Data: make([]byte, 101)})
	if err == nil || !strings.Contains(err.Error(), "the instance accepts files of at most") {
		t.Errorf("Upload error = %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Path != "/api/meta" {
			t.Errorf("request %s %s", r.Method, r.Path)
		}
	}
}

// serve starts a server that checks every request is a POST to /api/ and
// answers with h.
func serve(t *testing.T, h http.HandlerFunc) *misskey.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/") || r.URL.RawQuery != "" {
			t.Errorf("request %s %s", r.Method, r.URL)
		}
		if r.Header.Get("User-Agent") != publish.UserAgent || r.Header.Get("Accept") != "application/json" || r.Header.Get("Authorization") != "" {
			t.Errorf("%s: User-Agent %q, Accept %q, Authorization %q", r.URL.Path, r.Header.Get("User-Agent"), r.Header.Get("Accept"), r.Header.Get("Authorization"))
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, misskey.Config{URL: srv.URL + "/", Token: secret.New(testToken), Visibility: "home"}, srv.Client())
}

func answer(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// jsonBody reads a request's JSON body.
func jsonBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	if r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s: Content-Type %q", r.URL.Path, r.Header.Get("Content-Type"))
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body
}

const createdNote = `{"createdNote":{"id":"9tb1w3x6z5","createdAt":"2024-05-01T00:00:00.000Z","userId":"9t0","user":{"id":"9t0","username":"a","host":null},"text":"x","cw":null,"visibility":"home","fileIds":[],"files":[],"replyId":null,"renoteId":null}}`

func TestSendRequest(t *testing.T) {
	tests := []struct {
		name string
		m    publish.Message
		body map[string]any
	}{
		{
			name: "first part",
			m:    publish.Message{Text: post, Media: []publish.MediaRef{{ID: "9tf1"}, {ID: "9tf2"}}, Key: "k-1", Lang: "ja"},
			body: map[string]any{"i": testToken, "text": post, "fileIds": []any{"9tf1", "9tf2"}, "visibility": "home"},
		},
		{
			name: "reply",
			m:    publish.Message{Text: reply, Parent: &publish.Remote{ID: "9tn9"}, Root: &publish.Remote{ID: "9tn8"}, Key: "k-2"},
			body: map[string]any{"i": testToken, "text": reply, "replyId": "9tn9", "visibility": "home"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/notes/create" {
					t.Errorf("path %s", r.URL.Path)
				}
				if diff := cmp.Diff(tt.body, jsonBody(t, r)); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				answer(w, 200, createdNote)
			})
			r, err := c.Send(context.Background(), tt.m)
			if err != nil || r.ID != "9tb1w3x6z5" || !strings.HasSuffix(r.URL, "/notes/9tb1w3x6z5") {
				t.Errorf("Send = %+v, %v", r, err)
			}
		})
	}
}

func TestUploadRequest(t *testing.T) {
	data := []byte("\x89PNG\r\n\x1a\n fake image")
	alt := strings.Repeat("あ", 600)
	var paths []string
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		switch r.URL.Path {
		case "/api/meta":
			if diff := cmp.Diff(map[string]any{"detail": false}, jsonBody(t, r)); diff != "" {
				t.Errorf("meta body (-want +got):\n%s", diff)
			}
			answer(w, 200, `{"version":"2025.4.0","maxNoteTextLength":3000,"maxFileSize":1000}`)
		case "/api/drive/files/create":
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "multipart/form-data" {
				t.Fatalf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			mr := multipart.NewReader(r.Body, params["boundary"])
			var parts []string
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(p)
				parts = append(parts, p.FormName()+"|"+p.FileName()+"|"+p.Header.Get("Content-Type")+"|"+string(b))
			}
			want := []string{"i|||" + testToken, "name|||card.png", "comment|||" + strings.Repeat("あ", 511) + "…", "file|card.png|image/png|" + string(data)}
			if diff := cmp.Diff(want, parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			answer(w, 200, `{"id":"9tfile","createdAt":"2024-05-01T00:00:00.000Z","name":"card.png","type":"image/png","size":17,"url":"https://mk.example/files/x","comment":"…"}`)
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	})
	ctx := context.Background()
	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: data, Alt: alt, Width: 2, Height: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(publish.MediaRef{ID: "9tfile", Alt: alt, Width: 2, Height: 1}, ref); diff != "" {
		t.Errorf("Upload (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/api/meta", "/api/drive/files/create"}, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	// Larger than the instance's maxFileSize: refused, not sent.
	paths = nil
	_, err = c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: make([]byte, 1001)})
	if err == nil || !strings.Contains(err.Error(), "the instance accepts files of at most") || len(paths) != 0 {
		t.Errorf("oversized upload: %v, requests %v", err, paths)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   publish.Limits
		err    string
	}{
		{"instance limit", 200, `{"maxNoteTextLength":10000}`, publish.Limits{Rules: "mastodon", Max: 10000}, ""},
		{"no limit", 200, `{"name":"old"}`, publish.Limits{Rules: "mastodon", Max: 3000}, ""},
		{"server error", 500, `{"error":{"message":"Internal error occurred. Please contact us if the error persists.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server"}}`, publish.Limits{}, "Misskey answered 500: Internal error occurred. Please contact us if the error persists."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			c := serve(t, func(w http.ResponseWriter, r *http.Request) {
				n++
				if r.URL.Path != "/api/meta" {
					t.Errorf("path %s", r.URL.Path)
				}
				answer(w, tt.status, tt.body)
			})
			for range 2 {
				got, err := c.Limits(context.Background())
				if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
					t.Errorf("Limits = %+v, %v; want %+v, %q", got, err, tt.want, tt.err)
				}
			}
			if want := map[bool]int{true: 1, false: 2}[tt.err == ""]; n != want {
				t.Errorf("%d requests, want %d (answers are cached, errors are not)", n, want)
			}
		})
	}
}

func TestFindRequest(t *testing.T) {
	// Notes as Misskey packs them, newest first.
	notes := `[
	 {"id":"9t5","text":null,"replyId":null,"renoteId":"9t0"},
	 {"id":"9t4","text":"hello world","replyId":"9t1","renoteId":null},
	 {"id":"9t3","text":"quote: hello world","replyId":null,"renoteId":"9t0"},
	 {"id":"9t2","text":"hello world","replyId":null,"renoteId":null}
	]`
	var bodies []map[string]any
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body := jsonBody(t, r)
		bodies = append(bodies, body)
		switch r.URL.Path {
		case "/api/i":
			answer(w, 200, `{"id":"9tuser","username":"a","host":null}`)
		case "/api/users/notes":
			answer(w, 200, notes)
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	})
	tests := []struct {
		name string
		m    publish.Message
		want string
		ok   bool
	}{
		{"note", publish.Message{Text: "hello world"}, "9t2", true},
		{"reply", publish.Message{Text: "hello world\n", Parent: &publish.Remote{ID: "9t1"}}, "9t4", true},
		{"wrong parent", publish.Message{Text: "hello world", Parent: &publish.Remote{ID: "9t0"}}, "", false},
		{"not a renote", publish.Message{Text: "quote: hello world"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := c.Find(context.Background(), tt.m)
			if err != nil || ok != tt.ok || got.ID != tt.want || (ok && !strings.HasSuffix(got.URL, "/notes/"+tt.want)) {
				t.Errorf("Find = %+v, %v, %v; want %q, %v", got, ok, err, tt.want, tt.ok)
			}
		})
	}
	// /api/i once: the user id is remembered.
	want := []map[string]any{{"i": testToken}}
	for range tests {
		want = append(want, map[string]any{"i": testToken, "userId": "9tuser", "limit": float64(20), "withReplies": true, "withRenotes": false})
	}
	if diff := cmp.Diff(want, bodies); diff != "" {
		t.Errorf("bodies (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	misskeyError := func(message, code, kind string) string {
		return `{"error":{"message":"` + message + `","code":"` + code + `","id":"00000000-0000-0000-0000-000000000000","kind":"` + kind + `"}}`
	}
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		status    int
		kind      publish.ErrorKind
		maybeSent bool
		msg       string
		hint      string
		retry     bool
	}{
		{
			name: "401",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 401, misskeyError("Authentication failed. Please ensure your token is correct.", "AUTHENTICATION_FAILED", "client"))
			},
			status: 401, kind: publish.Auth, msg: "Authentication failed", hint: "check IOCAST_MISSKEY_TOKEN",
		},
		{
			name: "403 wrong token (older Misskey)",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 403, misskeyError("Authentication failed. Please ensure your token is correct.", "AUTHENTICATION_FAILED", "client"))
			},
			status: 403, kind: publish.Auth, msg: "Authentication failed", hint: "check IOCAST_MISSKEY_TOKEN",
		},
		{
			name: "403 permission",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 403, misskeyError("Your app does not have the necessary permissions to use this endpoint.", "PERMISSION_DENIED", "permission"))
			},
			status: 403, kind: publish.Auth, msg: "necessary permissions", hint: "write:notes, write:drive and read:account",
		},
		{
			name: "400",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 400, misskeyError("Invalid param.", "INVALID_PARAM", "client"))
			},
			status: 400, kind: publish.Permanent, msg: "Invalid param.", hint: "`iocast accounts check` shows the instance's limit",
		},
		{
			name: "429",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "120")
				answer(w, 429, misskeyError("Rate limit exceeded. Please try again later.", "RATE_LIMIT_EXCEEDED", "client"))
			},
			status: 429, kind: publish.RateLimited, msg: "Rate limit exceeded", hint: "rate limited", retry: true,
		},
		{
			name: "500",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 500, misskeyError("Internal error occurred. Please contact us if the error persists.", "INTERNAL_ERROR", "server"))
			},
			status: 500, kind: publish.Transient, maybeSent: true, msg: "Internal error occurred",
		},
		{
			name:    "dropped connection",
			handler: func(w http.ResponseWriter, r *http.Request) { publishtest.DropConnection(w) },
			status:  0, kind: publish.Transient, maybeSent: true,
		},
		{
			name:    "malformed JSON",
			handler: func(w http.ResponseWriter, r *http.Request) { answer(w, 200, `{"createdNote":{"id":`) },
			status:  200, kind: publish.Permanent, maybeSent: true, msg: "iocast cannot read the answer",
		},
		{
			name: "oversized answer",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 200, `{"createdNote":{"text":"`+strings.Repeat("a", publish.MaxResponse)+`"}}`)
			},
			status: 200, kind: publish.Permanent, maybeSent: true, msg: "the answer is larger than",
		},
		{
			name:    "no id",
			handler: func(w http.ResponseWriter, r *http.Request) { answer(w, 200, `{"createdNote":{"text":"x"}}`) },
			status:  200, kind: publish.Permanent, maybeSent: true, msg: "the created note has no id",
		},
		{
			name: "token echoed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 400, misskeyError("Invalid param i="+testToken, "INVALID_PARAM", "client"))
			},
			status: 400, kind: publish.Permanent, msg: "Invalid param i=[redacted]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serve(t, tt.handler)
			before := time.Now()
			_, err := c.Send(context.Background(), publish.Message{Text: "x", Key: "k"})
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Send error = %v, want an *APIError", err)
			}
			if ae.Platform != publish.PlatformMisskey || ae.Status != tt.status || ae.Kind() != tt.kind || publish.MaybeSent(err) != tt.maybeSent {
				t.Errorf("error %q: status %d, kind %v, maybe sent %v", err, ae.Status, ae.Kind(), publish.MaybeSent(err))
			}
			if !strings.Contains(ae.Message, tt.msg) || !strings.Contains(ae.Hint, tt.hint) {
				t.Errorf("error message %q, hint %q; want %q, %q", ae.Message, ae.Hint, tt.msg, tt.hint)
			}
			if tt.retry != !ae.RetryAt.IsZero() || (tt.retry && ae.RetryAt.Before(before.Add(119*time.Second))) {
				t.Errorf("RetryAt = %v", ae.RetryAt)
			}
			if secret.Contains(err.Error(), secret.New(testToken)) {
				t.Errorf("error %q holds the token", err)
			}
		})
	}
}

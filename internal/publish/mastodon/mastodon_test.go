package mastodon_test

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
	"github.com/iocast/iocast/internal/publish/mastodon"
	"github.com/iocast/iocast/internal/publish/mastodon/mastodontest"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

const testToken = "mastodon-secret-token-0123456789"

// sleeper records the waits a client asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func newClient(t *testing.T, cfg mastodon.Config, hc *http.Client) (*mastodon.Client, *sleeper) {
	t.Helper()
	c, err := mastodon.New(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	sl := new(sleeper)
	c.Sleep = sl.sleep
	return c, sl
}

// post is a thread's first part as iocast composes it.
const post = "🚨⚡ #LODEINFO\nTLP:CLEAR\n\nC2:\n📡 hxxps://evil[.]example/gate.php <&> (ASN: AS63949, ISP: Linode, LLC 🇯🇵)\nSee https://www.example.com/reports/2024/lodeinfo-campaign-analysis.html"

const reply = "🚨⚡ #LODEINFO 2/2\nSHA256:\n🔒 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  mastodon.Config
		err  string
	}{
		{"ok", mastodon.Config{URL: "https://mastodon.social/", Token: secret.New("t")}, ""},
		{"visibility", mastodon.Config{URL: "https://mastodon.social", Token: secret.New("t"), Visibility: "unlisted"}, ""},
		{"no url", mastodon.Config{Token: secret.New("t")}, "IOCAST_MASTODON_URL is not set"},
		{"no scheme", mastodon.Config{URL: "mastodon.social", Token: secret.New("t")}, "IOCAST_MASTODON_URL must be the instance's address"},
		{"ftp", mastodon.Config{URL: "ftp://mastodon.social", Token: secret.New("t")}, "IOCAST_MASTODON_URL must be"},
		{"no token", mastodon.Config{URL: "https://mastodon.social"}, "IOCAST_MASTODON_TOKEN is not set"},
		{"bad visibility", mastodon.Config{URL: "https://mastodon.social", Token: secret.New("t"), Visibility: "everyone"}, `IOCAST_MASTODON_VISIBILITY is "everyone"; want one of public, unlisted, private, direct`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mastodon.New(tt.cfg, nil)
			if tt.err == "" {
				if err != nil || c == nil {
					t.Fatalf("New = %v, %v", c, err)
				}
				if c.Platform() != publish.PlatformMastodon {
					t.Errorf("Platform() = %q", c.Platform())
				}
				// The default Sleep stops with the context.
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
					t.Errorf("Sleep = %v", err)
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
	srv := mastodontest.New(t)
	srv.SetMaxCharacters(1000)
	srv.SetProcessing(3)
	c, sl := newClient(t, srv.Config(), srv.Client())

	acct, err := c.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	want := publish.Account{Platform: "mastodon", Name: "@iocast@" + host, ID: mastodontest.AccountID, URL: srv.URL + "/@iocast", Limit: 1000}
	if diff := cmp.Diff(want, acct); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	lim, err := c.Limits(ctx)
	if err != nil || lim != (publish.Limits{Rules: postfmt.PlatformMastodon, Max: 1000}) {
		t.Errorf("Limits = %+v, %v", lim, err)
	}

	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("\x89PNG fake"), Alt: "evidence card", Width: 1200, Height: 675})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID == "" || ref.Alt != "evidence card" || ref.Width != 1200 || ref.Height != 675 {
		t.Errorf("Upload = %+v", ref)
	}
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}, sl.waits); diff != "" {
		t.Errorf("waits while processing (-want +got):\n%s", diff)
	}

	first := publish.Message{Text: post, Media: []publish.MediaRef{ref}, Key: "0123abcd", Lang: "en"}
	r1, err := c.Send(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	second := publish.Message{Text: reply, Parent: &r1, Root: &r1, Key: "4567ef01", Lang: "en"}
	r2, err := c.Send(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if r1.URL != srv.URL+"/@iocast/"+r1.ID || r2.ID == r1.ID {
		t.Errorf("Send = %+v, %+v", r1, r2)
	}
	wantPosts := []publishtest.Post{
		{ID: r1.ID, Text: post, Media: []string{ref.ID}, Key: "0123abcd"},
		{ID: r2.ID, Text: reply, ReplyTo: r1.ID, Key: "4567ef01"},
	}
	if diff := cmp.Diff(wantPosts, srv.Posts()); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}

	// The same key again: the instance answers with the first status.
	again, err := c.Send(ctx, first)
	if err != nil || again != r1 || len(srv.Posts()) != 2 {
		t.Errorf("resend = %+v, %v; %d posts", again, err, len(srv.Posts()))
	}

	finds := []struct {
		name string
		m    publish.Message
		want publish.Remote
		ok   bool
	}{
		{"first", first, r1, true},
		{"reply", second, r2, true},
		{"white space differs", publish.Message{Text: strings.ReplaceAll(reply, "\n", "\n\n"), Parent: &r1}, r2, true},
		{"other parent", publish.Message{Text: reply, Parent: &r2}, publish.Remote{}, false},
		{"reply text without parent", publish.Message{Text: reply}, publish.Remote{}, false},
		{"other text", publish.Message{Text: "nothing like it"}, publish.Remote{}, false},
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

// TestFaults makes the fake instance fail while or after creating a
// status, and checks what the client reports and what Find says after.
func TestFaults(t *testing.T) {
	reset := time.Date(2030, 1, 2, 3, 5, 0, 19685000, time.UTC)
	tests := []struct {
		name      string
		fault     publishtest.Fault
		status    int
		kind      publish.ErrorKind
		maybeSent bool
		created   bool
		retryAt   time.Time
	}{
		{name: "dropped after creating", fault: publishtest.Fault{Drop: true}, kind: publish.Transient, maybeSent: true, created: true},
		{name: "500 after creating", fault: publishtest.Fault{Status: 500, Created: true, Body: `{"error":"Internal Server Error"}`}, status: 500, kind: publish.Transient, maybeSent: true, created: true},
		{name: "503 without creating", fault: publishtest.Fault{Status: 503, Body: `{"error":"There was a temporary problem serving your request, please try again"}`}, status: 503, kind: publish.Transient, maybeSent: true},
		{name: "429", fault: publishtest.Fault{Status: 429, Body: `{"error":"Too many requests"}`, Header: http.Header{"X-Ratelimit-Limit": {"300"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"2030-01-02T03:05:00.019685Z"}}}, status: 429, kind: publish.RateLimited, retryAt: reset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := mastodontest.New(t)
			c, _ := newClient(t, srv.Config(), srv.Client())
			var mu sync.Mutex
			var then []publishtest.Post
			tt.fault.Then = func(p publishtest.Post) {
				mu.Lock()
				defer mu.Unlock()
				then = append(then, p)
			}
			srv.Faults.Push(tt.fault)
			m := publish.Message{Text: post, Key: "k1"}
			_, err := c.Send(ctx, m)
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Send error = %v, want an *APIError", err)
			}
			if ae.Status != tt.status || ae.Kind() != tt.kind || publish.MaybeSent(err) != tt.maybeSent || !ae.RetryAt.Equal(tt.retryAt) {
				t.Errorf("error %q: status %d kind %v maybe sent %v retry at %v", err, ae.Status, ae.Kind(), publish.MaybeSent(err), ae.RetryAt)
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

func TestWrongToken(t *testing.T) {
	ctx := context.Background()
	srv := mastodontest.New(t)
	cfg := srv.Config()
	cfg.Token = secret.New(testToken)
	c, _ := newClient(t, cfg, srv.Client())
	for name, call := range map[string]func() error{
		"check": func() error { _, err := c.Check(ctx); return err },
		"send":  func() error { _, err := c.Send(ctx, publish.Message{Text: "x"}); return err },
		"upload": func() error {
			_, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("png")})
			return err
		},
		"find": func() error { _, _, err := c.Find(ctx, publish.Message{Text: "x"}); return err },
	} {
		err := call()
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != 401 || ae.Kind() != publish.Auth || ae.Message != "The access token is invalid" || !strings.Contains(ae.Hint, "IOCAST_MASTODON_TOKEN") {
			t.Errorf("%s: error %v", name, err)
		}
		if secret.Contains(err.Error(), cfg.Token) {
			t.Errorf("%s: error %q holds the token", name, err)
		}
	}
	if n := len(srv.Posts()); n != 0 {
		t.Errorf("%d posts created", n)
	}
}

// serve starts a server whose handler checks every request's
// authentication and then answers with h.
func serve(t *testing.T, h http.HandlerFunc) (*mastodon.Client, *sleeper) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("%s %s: Authorization %q", r.Method, r.URL, got)
		}
		if r.Header.Get("User-Agent") != publish.UserAgent || r.Header.Get("Accept") != "application/json" {
			t.Errorf("%s %s: User-Agent %q, Accept %q", r.Method, r.URL, r.Header.Get("User-Agent"), r.Header.Get("Accept"))
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, mastodon.Config{URL: srv.URL + "/", Token: secret.New(testToken), Visibility: "unlisted"}, srv.Client())
}

func answer(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, body)
}

func TestSendRequest(t *testing.T) {
	tests := []struct {
		name string
		m    publish.Message
		key  string
		body map[string]any
	}{
		{
			name: "first part",
			m:    publish.Message{Text: post, Media: []publish.MediaRef{{ID: "111"}, {ID: "112"}}, Key: "k-1", Lang: "ja"},
			key:  "k-1",
			body: map[string]any{"status": post, "media_ids": []any{"111", "112"}, "visibility": "unlisted", "language": "ja"},
		},
		{
			name: "reply",
			m:    publish.Message{Text: reply, Parent: &publish.Remote{ID: "109"}, Root: &publish.Remote{ID: "108"}, Key: "k-2"},
			key:  "k-2",
			body: map[string]any{"status": reply, "in_reply_to_id": "109", "visibility": "unlisted"},
		},
		{
			name: "no key",
			m:    publish.Message{Text: "x"},
			body: map[string]any{"status": "x", "visibility": "unlisted"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/api/v1/statuses" || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("request %s %s (%s)", r.Method, r.URL, r.Header.Get("Content-Type"))
				}
				if got := r.Header.Get("Idempotency-Key"); got != tt.key || (tt.key == "" && len(r.Header.Values("Idempotency-Key")) != 0) {
					t.Errorf("Idempotency-Key %q, want %q", got, tt.key)
				}
				var body map[string]any
				if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.body, body); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				answer(w, 200, `{"id":"110","created_at":"2024-05-01T00:00:00.000Z","in_reply_to_id":null,"visibility":"unlisted","uri":"https://m.example/users/a/statuses/110","url":"https://m.example/@a/110","content":"<p>x</p>","reblog":null,"media_attachments":[]}`)
			})
			r, err := c.Send(context.Background(), tt.m)
			if err != nil || r != (publish.Remote{ID: "110", URL: "https://m.example/@a/110"}) {
				t.Errorf("Send = %+v, %v", r, err)
			}
		})
	}
}

func TestUploadRequest(t *testing.T) {
	data := []byte("\x89PNG\r\n\x1a\n fake image")
	var requests []string
	c, sl := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.Method+" "+r.URL.Path)
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v2/instance":
			answer(w, 200, `{"domain":"m.example","configuration":{"statuses":{"max_characters":500},"media_attachments":{"image_size_limit":1000,"description_limit":12}}}`)
		case "POST /api/v2/media":
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
			want := []string{"description|||evidence ca…", "file|card.png|image/png|" + string(data)}
			if diff := cmp.Diff(want, parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			answer(w, 202, `{"id":"22","type":"image","url":null,"preview_url":"https://m.example/p.png","description":"evidence ca…","blurhash":null}`)
		case "GET /api/v1/media/22":
			if len(requests) < 5 {
				answer(w, 206, `{"id":"22","type":"image","url":null}`)
				return
			}
			answer(w, 200, `{"id":"22","type":"image","url":"https://m.example/o.png"}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})
	ctx := context.Background()
	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: data, Alt: "evidence card for LODEINFO", Width: 2, Height: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(publish.MediaRef{ID: "22", Alt: "evidence card for LODEINFO", Width: 2, Height: 1}, ref); diff != "" {
		t.Errorf("Upload (-want +got):\n%s", diff)
	}
	wantRequests := []string{"GET /api/v2/instance", "POST /api/v2/media", "GET /api/v1/media/22", "GET /api/v1/media/22", "GET /api/v1/media/22"}
	if diff := cmp.Diff(wantRequests, requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if len(sl.waits) != 3 {
		t.Errorf("waits %v", sl.waits)
	}

	// Larger than the instance's image_size_limit: refused, not sent.
	requests = nil
	_, err = c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: make([]byte, 1001)})
	if err == nil || !strings.Contains(err.Error(), "the instance accepts images of at most") || len(requests) != 0 {
		t.Errorf("oversized upload: %v, requests %v", err, requests)
	}
}

func TestUploadStillProcessing(t *testing.T) {
	srv := mastodontest.New(t)
	srv.SetProcessing(1000)
	c, sl := newClient(t, srv.Config(), srv.Client())
	_, err := c.Upload(context.Background(), publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("png")})
	if err == nil || !strings.Contains(err.Error(), "still processing the image") {
		t.Fatalf("Upload error = %v", err)
	}
	if len(sl.waits) != 20 || sl.waits[len(sl.waits)-1] != 5*time.Second {
		t.Errorf("waits %v", sl.waits)
	}

	// A cancelled context stops the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	if _, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("png")}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Upload error = %v", err)
	}
}

func TestUploadRefused(t *testing.T) {
	srv := mastodontest.New(t)
	c, _ := newClient(t, srv.Config(), srv.Client())
	_, err := c.Upload(context.Background(), publish.Media{Name: "card.txt", MIME: "text/plain", Data: []byte("text")})
	var ae *publish.APIError
	if !errors.As(err, &ae) || ae.Status != 422 || ae.Message != "Validation failed: File content type is invalid" || !strings.Contains(ae.Hint, "refused the image") {
		t.Errorf("Upload error = %v", err)
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
		{"instance limit", 200, `{"domain":"m.example","configuration":{"statuses":{"max_characters":11000}}}`, publish.Limits{Rules: "mastodon", Max: 11000}, ""},
		{"no limit", 200, `{"domain":"m.example","configuration":{}}`, publish.Limits{Rules: "mastodon", Max: 500}, ""},
		{"no v2 instance", 404, `{"error":"Record not found"}`, publish.Limits{Rules: "mastodon", Max: 500}, ""},
		{"server error", 502, `<html>Bad Gateway</html>`, publish.Limits{}, "Mastodon answered 502: <html>Bad Gateway</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				n++
				if r.Method != http.MethodGet || r.URL.Path != "/api/v2/instance" {
					t.Errorf("request %s %s", r.Method, r.URL)
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
	// Statuses as Mastodon renders them, newest first.
	statuses := `[
	 {"id":"105","in_reply_to_id":null,"url":"https://m.example/@a/105","content":"","reblog":{"id":"99","content":"<p>hello world</p>"}},
	 {"id":"104","in_reply_to_id":"100","url":"https://m.example/@a/104","content":"<p>hello world</p>","reblog":null},
	 {"id":"103","in_reply_to_id":"101","url":"https://m.example/@a/103","content":"<p>🚨 <a href=\"https://m.example/tags/Emotet\" class=\"mention hashtag\" rel=\"tag\">#<span>Emotet</span></a> 2/2<br />see <a href=\"https://www.example.com/reports/2024/emotet-analysis.html\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">https://www.</span><span class=\"ellipsis\">example.com/reports/2024/emote</span><span class=\"invisible\">t-analysis.html</span></a></p><p>C2: hxxp://1.2.3[.]4 &amp; &lt;x&gt;</p>","reblog":null},
	 {"id":"102","in_reply_to_id":null,"url":"https://m.example/@a/102","content":"<p>hello world</p>","reblog":null}
	]`
	var paths []string
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.String())
		switch r.URL.Path {
		case "/api/v1/accounts/verify_credentials":
			answer(w, 200, `{"id":"7","username":"a","acct":"a","url":"https://m.example/@a"}`)
		case "/api/v1/accounts/7/statuses":
			answer(w, 200, statuses)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	})
	tests := []struct {
		name string
		m    publish.Message
		want publish.Remote
		ok   bool
	}{
		{"not a boost", publish.Message{Text: "hello world"}, publish.Remote{ID: "102", URL: "https://m.example/@a/102"}, true},
		{"reply", publish.Message{Text: "hello world", Parent: &publish.Remote{ID: "100"}}, publish.Remote{ID: "104", URL: "https://m.example/@a/104"}, true},
		{"html", publish.Message{Text: "🚨 #Emotet 2/2\nsee https://www.example.com/reports/2024/emotet-analysis.html\n\nC2: hxxp://1.2.3[.]4 & <x>", Parent: &publish.Remote{ID: "101"}}, publish.Remote{ID: "103", URL: "https://m.example/@a/103"}, true},
		{"wrong parent", publish.Message{Text: "hello world", Parent: &publish.Remote{ID: "101"}}, publish.Remote{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := c.Find(context.Background(), tt.m)
			if err != nil || ok != tt.ok || got != tt.want {
				t.Errorf("Find = %+v, %v, %v; want %+v, %v", got, ok, err, tt.want, tt.ok)
			}
		})
	}
	// verify_credentials once: the account id is remembered.
	want := []string{"GET /api/v1/accounts/verify_credentials"}
	for range tests {
		want = append(want, "GET /api/v1/accounts/7/statuses?exclude_reblogs=true&exclude_replies=false&limit=20")
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	resetAt := time.Date(2030, 4, 10, 9, 40, 0, 19000000, time.UTC)
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		status    int
		kind      publish.ErrorKind
		maybeSent bool
		msg       string
		hint      string
		retryAt   time.Time
	}{
		{
			name: "401",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 401, `{"error":"The access token was revoked"}`)
			},
			status: 401, kind: publish.Auth, msg: "The access token was revoked", hint: "check IOCAST_MASTODON_TOKEN",
		},
		{
			name: "403",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 403, `{"error":"This action is outside the authorized scopes"}`)
			},
			status: 403, kind: publish.Auth, msg: "This action is outside the authorized scopes", hint: "write:statuses write:media read:accounts read:statuses",
		},
		{
			name: "422",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 422, `{"error":"Validation failed: Text character limit of 500 exceeded"}`)
			},
			status: 422, kind: publish.Permanent, msg: "Validation failed: Text character limit of 500 exceeded", hint: "`iocast accounts check` shows the instance's limit",
		},
		{
			name: "429",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-RateLimit-Limit", "300")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", "2030-04-10T09:40:00.019000Z")
				answer(w, 429, `{"error":"Too many requests"}`)
			},
			status: 429, kind: publish.RateLimited, msg: "Too many requests", hint: "rate limited", retryAt: resetAt,
		},
		{
			name: "500",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 500, `<!DOCTYPE html><html>We're sorry, but something went wrong.</html>`)
			},
			status: 500, kind: publish.Transient, maybeSent: true, msg: "<!DOCTYPE html><html>We're sorry, but something went wrong.</html>",
		},
		{
			name:    "dropped connection",
			handler: func(w http.ResponseWriter, r *http.Request) { publishtest.DropConnection(w) },
			status:  0, kind: publish.Transient, maybeSent: true,
		},
		{
			name:    "malformed JSON",
			handler: func(w http.ResponseWriter, r *http.Request) { answer(w, 200, `{"id":"1",`) },
			status:  200, kind: publish.Permanent, maybeSent: true, msg: "iocast cannot read the answer",
		},
		{
			name: "oversized answer",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 200, `{"id":"1","content":"`+strings.Repeat("a", publish.MaxResponse)+`"}`)
			},
			status: 200, kind: publish.Permanent, maybeSent: true, msg: "the answer is larger than",
		},
		{
			name:    "no id",
			handler: func(w http.ResponseWriter, r *http.Request) { answer(w, 200, `{"url":"https://m.example/@a/1"}`) },
			status:  200, kind: publish.Permanent, maybeSent: true, msg: "the created status has no id",
		},
		{
			name: "token echoed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				answer(w, 400, `{"error":"bad header Bearer `+testToken+`"}`)
			},
			status: 400, kind: publish.Permanent, msg: "bad header Bearer [redacted]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, tt.handler)
			_, err := c.Send(context.Background(), publish.Message{Text: "x", Key: "k"})
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Send error = %v, want an *APIError", err)
			}
			if ae.Platform != publish.PlatformMastodon || ae.Status != tt.status || ae.Kind() != tt.kind || publish.MaybeSent(err) != tt.maybeSent {
				t.Errorf("error %q: status %d, kind %v, maybe sent %v", err, ae.Status, ae.Kind(), publish.MaybeSent(err))
			}
			if !strings.Contains(ae.Message, tt.msg) || !strings.Contains(ae.Hint, tt.hint) {
				t.Errorf("error message %q, hint %q; want %q, %q", ae.Message, ae.Hint, tt.msg, tt.hint)
			}
			if !ae.RetryAt.Equal(tt.retryAt) {
				t.Errorf("RetryAt = %v, want %v", ae.RetryAt, tt.retryAt)
			}
			if secret.Contains(err.Error(), secret.New(testToken)) {
				t.Errorf("error %q holds the token", err)
			}
		})
	}
}

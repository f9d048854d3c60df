package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/webhook"
	"github.com/iocast/iocast/internal/publish/webhook/webhooktest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// leaks reports whether s shows the webhook URL or its path.
func leaks(s, webhookURL string) bool {
	u, err := url.Parse(webhookURL)
	if err != nil {
		panic(err)
	}
	return secret.Contains(s, secret.New(webhookURL), secret.New(u.Path), secret.New(u.Path[strings.LastIndexByte(u.Path, '/')+1:]))
}

func TestNew(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"ok", "https://hooks.slack.com/services/T0/B0/secrettoken123456", ""},
		{"not set", "", "IOCAST_WEBHOOK_URL is not set"},
		{"no scheme", "hooks.slack.com/services/T0/B0/secrettoken123456", "IOCAST_WEBHOOK_URL is not an http(s) URL"},
		{"other scheme", "ftp://hooks.slack.com/services/T0/B0/secrettoken123456", "IOCAST_WEBHOOK_URL is not an http(s) URL"},
		{"no host", "https:///services/T0/B0/secrettoken123456", "IOCAST_WEBHOOK_URL is not an http(s) URL"},
		{"bad escape", "https://hooks.slack.com/services/T0/B0/secret%zztoken", "IOCAST_WEBHOOK_URL is not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := webhook.New(webhook.Config{URL: secret.New(tt.url)}, nil)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Platform() != publish.PlatformWebhook {
					t.Errorf("Platform() = %q", c.Platform())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the URL: %v", err)
			}
		})
	}
}

func TestCheckLimitsUploadFind(t *testing.T) {
	srv := webhooktest.New(t)
	c, err := webhook.New(srv.Config(), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	acc, err := c.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(publish.Account{Platform: "webhook", Name: srv.URL}, acc); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	lim, _ := c.Limits(ctx)
	if diff := cmp.Diff(publish.Limits{Rules: postfmt.PlatformMastodon, Max: webhook.ComposeMax}, lim); diff != "" {
		t.Errorf("Limits (-want +got):\n%s", diff)
	}
	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("png"), Alt: "card", Width: 2, Height: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID != "" || ref.Blob != nil {
		t.Errorf("Upload = %+v, want no media id", ref)
	}
	if _, ok, err := c.Find(ctx, publish.Message{Text: "x"}); ok || !errors.Is(err, publish.ErrCannotFind) {
		t.Errorf("Find = %v, %v; want ErrCannotFind", ok, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

// TestThread posts a two-part thread (with the card's MediaRef) to a
// Slack-like and a Discord-like webhook.
func TestThread(t *testing.T) {
	for _, tt := range []struct {
		name string
		srv  func(testing.TB) *webhooktest.Server
	}{{"slack", webhooktest.New}, {"discord", webhooktest.NewDiscord}} {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv(t)
			c, err := webhook.New(srv.Config(), srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			ref, _ := c.Upload(ctx, publish.Media{Data: []byte("png")})
			first, err := c.Send(ctx, publish.Message{Text: "1/2 C2 203.0.113[.]7", Media: []publish.MediaRef{ref}, Key: "aaaa-0001"})
			if err != nil {
				t.Fatal(err)
			}
			second, err := c.Send(ctx, publish.Message{Text: "2/2 ☠ hxxps://ex[.]test/", Parent: &first, Root: &first, Key: "aaaa-0002"})
			if err != nil {
				t.Fatal(err)
			}
			if first.ID != "aaaa-0001" || second.ID != "aaaa-0002" || first.URL != "" {
				t.Errorf("remotes %+v %+v", first, second)
			}
			want := []publishtest.Post{
				{ID: "aaaa-0001", Text: "1/2 C2 203.0.113[.]7", Key: "aaaa-0001"},
				{ID: "aaaa-0002", Text: "2/2 ☠ hxxps://ex[.]test/", Key: "aaaa-0002"},
			}
			if diff := cmp.Diff(want, srv.Posts()); diff != "" {
				t.Errorf("posts (-want +got):\n%s", diff)
			}
			wantMsg := []webhooktest.Message{
				{Text: "1/2 C2 203.0.113[.]7", Content: "1/2 C2 203.0.113[.]7", Username: "iocast"},
				{Text: "2/2 ☠ hxxps://ex[.]test/", Content: "2/2 ☠ hxxps://ex[.]test/", Username: "iocast"},
			}
			if diff := cmp.Diff(wantMsg, srv.Messages()); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRequest checks the exact request.
func TestRequest(t *testing.T) {
	const path = "/services/T0/B0/secrettoken123456"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got := map[string]string{
			"method":          r.Method,
			"path":            r.URL.Path,
			"query":           r.URL.RawQuery,
			"Content-Type":    r.Header.Get("Content-Type"),
			"Idempotency-Key": r.Header.Get("Idempotency-Key"),
			"Authorization":   r.Header.Get("Authorization"),
			"body":            string(body),
		}
		want := map[string]string{
			"method":          "POST",
			"path":            path,
			"query":           "thread_ts=1",
			"Content-Type":    "application/json",
			"Idempotency-Key": "0f3c-77aa",
			"Authorization":   "",
			"body":            `{"text":"IoC \u003c1.2.3.4\u003e \"x\"","content":"IoC \u003c1.2.3.4\u003e \"x\"","username":"iocast"}`,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("request (-want +got):\n%s", diff)
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c, err := webhook.New(webhook.Config{URL: secret.New(srv.URL + path + "?thread_ts=1")}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), publish.Message{Text: `IoC <1.2.3.4> "x"`, Key: "0f3c-77aa"}); err != nil {
		t.Fatal(err)
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	srv := webhooktest.New(t)
	c, err := webhook.New(srv.Config(), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		text string
		is   error
	}{
		{"empty", " \n", intel.ErrInvalid},
		{"over 40000 characters", strings.Repeat("é", 40001), intel.ErrTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Send(context.Background(), publish.Message{Text: tt.text}); !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

func TestAnswers(t *testing.T) {
	const slackPath = "/services/T0IOCAST01/B0IOCAST02/aB3dE5fG7hI9jK1lM3nO5pQ7"
	const discordPath = "/api/webhooks/1234567890/Zx9-Yw8_Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9"
	const discordV10 = "/api/v10/webhooks/1234567890/Zx9-Yw8_Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9"
	answer := func(status int, body string, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	tests := []struct {
		name     string
		path     string
		handler  http.HandlerFunc
		status   int // 0 and ok: no error
		ok       bool
		kind     publish.ErrorKind
		contains []string
		wait     time.Duration // the RetryAt expected, from now
	}{
		{name: "slack ok", path: slackPath, handler: answer(200, "ok", "Content-Type", "text/plain"), ok: true},
		{name: "discord 204", path: discordPath, handler: answer(204, ""), ok: true},
		{name: "discord wait=true message", path: discordPath, handler: answer(200, `{"id":"1","content":"x"}`, "Content-Type", "application/json"), ok: true},
		{name: "200 not JSON", path: slackPath, handler: answer(200, "<html>", "Content-Type", "application/json"), ok: true},
		{
			name: "slack 404", path: slackPath, handler: answer(404, "no_service", "Content-Type", "text/plain"),
			status: 404, kind: publish.Permanent,
			contains: []string{"webhook answered 404: no_service", "the webhook no longer exists: create a new one and set IOCAST_WEBHOOK_URL"},
		},
		{
			name: "discord 404", path: discordPath, handler: answer(404, `{"message": "Unknown Webhook", "code": 10015}`, "Content-Type", "application/json"),
			status: 404, kind: publish.Permanent,
			contains: []string{"Unknown Webhook", "the webhook no longer exists"},
		},
		{
			name: "discord 401", path: discordPath, handler: answer(401, `{"message": "Invalid Webhook Token", "code": 50027}`),
			status: 401, kind: publish.Auth,
			contains: []string{"Invalid Webhook Token", "check IOCAST_WEBHOOK_URL"},
		},
		{
			name: "slack 403", path: slackPath, handler: answer(403, "invalid_token"),
			status: 403, kind: publish.Auth,
			contains: []string{"invalid_token", "check IOCAST_WEBHOOK_URL"},
		},
		{
			name: "slack 410", path: slackPath, handler: answer(410, "channel_is_archived"),
			status: 410, kind: publish.Permanent,
			contains: []string{"channel_is_archived", "unarchive"},
		},
		{
			name: "slack 429 Retry-After", path: slackPath, handler: answer(429, "rate_limited", "Retry-After", "30"),
			status: 429, kind: publish.RateLimited, wait: 30 * time.Second,
		},
		{
			name: "discord 429 v10 JSON seconds", path: discordV10,
			handler: answer(429, `{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`, "Content-Type", "application/json"),
			status:  429, kind: publish.RateLimited, wait: 2 * time.Second,
			contains: []string{"You are being rate limited."},
		},
		{
			name: "discord 429 unversioned JSON milliseconds", path: discordPath,
			handler: answer(429, `{"message": "You are being rate limited.", "retry_after": 6457, "global": false}`, "Content-Type", "application/json"),
			status:  429, kind: publish.RateLimited, wait: 7 * time.Second,
		},
		{
			name: "discord 429 reset-after header", path: discordPath,
			handler: answer(429, `{"message": "You are being rate limited.", "retry_after": 99999, "global": false}`, "X-RateLimit-Reset-After", "4.2"),
			status:  429, kind: publish.RateLimited, wait: 5 * time.Second,
		},
		{
			name: "500", path: slackPath, handler: answer(500, "internal error"),
			status: 500, kind: publish.Transient,
		},
		{
			name: "dropped", path: slackPath, handler: func(w http.ResponseWriter, r *http.Request) { publishtest.DropConnection(w) },
			status: 0, kind: publish.Transient, contains: []string{"webhook could not be reached"},
		},
		{
			name: "oversized answer", path: slackPath, handler: answer(200, strings.Repeat("ok", publish.MaxResponse)),
			status: 200, kind: publish.Permanent, contains: []string{"larger than"},
		},
		{
			name: "error echoes the URL", path: slackPath,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				io.WriteString(w, "invalid_payload for http://"+r.Host+r.URL.Path+" ("+r.URL.Path+")")
			},
			status: 400, kind: publish.Permanent, contains: []string{"invalid_payload for [redacted] ([redacted])"},
		},
		{
			name: "redirect loop", path: slackPath,
			handler: func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) },
			status:  0, kind: publish.Transient,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			hookURL := srv.URL + tt.path
			c, err := webhook.New(webhook.Config{URL: secret.New(hookURL)}, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			before := time.Now()
			_, err = c.Send(context.Background(), publish.Message{Text: "post", Key: "k"})
			after := time.Now()
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
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
			switch {
			case tt.wait == 0 && !ae.RetryAt.IsZero():
				t.Errorf("RetryAt = %v, want none", ae.RetryAt)
			case tt.wait != 0 && (ae.RetryAt.Before(before.Add(tt.wait)) || ae.RetryAt.After(after.Add(tt.wait))):
				t.Errorf("RetryAt = %v, want %v from now", ae.RetryAt, tt.wait)
			}
			if leaks(err.Error(), hookURL) || leaks(ae.Message, hookURL) || (ae.Err != nil && leaks(ae.Err.Error(), hookURL)) {
				t.Errorf("error shows the webhook URL: %v", err)
			}
		})
	}
}

// TestFaults posts through the fake's faults.
func TestFaults(t *testing.T) {
	srv := webhooktest.NewDiscord(t)
	c, err := webhook.New(srv.Config(), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	created := make(chan publishtest.Post, 1)
	srv.Faults.Push(publishtest.Fault{Drop: true, Then: func(p publishtest.Post) { created <- p }})
	_, err = c.Send(context.Background(), publish.Message{Text: "dropped", Key: "k-1"})
	if !publish.MaybeSent(err) || publish.KindOf(err) != publish.Transient {
		t.Errorf("err = %v, want a transient error that may have sent", err)
	}
	if p := <-created; p.Key != "k-1" {
		t.Errorf("created %+v", p)
	}
	if leaks(err.Error(), srv.WebhookURL()) {
		t.Errorf("error shows the webhook URL: %v", err)
	}
	// A wrong token and an unknown webhook.
	for _, tt := range []struct {
		path   string
		status int
	}{
		{webhooktest.DiscordPath + "x", 401},
		{"/api/webhooks/1/other", 404},
	} {
		c, err := webhook.New(webhook.Config{URL: secret.New(srv.URL + tt.path)}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(context.Background(), publish.Message{Text: "x"})
		var ae *publish.APIError
		if !errors.As(err, &ae) || ae.Status != tt.status {
			t.Errorf("%s: err = %v, want %d", tt.path, err, tt.status)
		}
	}
	// Discord refuses more than 2000 characters.
	_, err = c.Send(context.Background(), publish.Message{Text: strings.Repeat("x", 2001)})
	var ae *publish.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Kind() != publish.Permanent {
		t.Errorf("err = %v, want 400", err)
	}
}

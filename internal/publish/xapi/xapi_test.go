package xapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/xapi"
	"github.com/iocast/iocast/internal/publish/xapi/xapitest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// pngData is enough of a PNG for content sniffing.

var pngData = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func newFake(t *testing.T) (*xapitest.Server, *xapi.Client) {
	t.Helper()
	s := xapitest.New(t)
	c, err := xapi.New(s.Config(), s.Client())
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestNew(t *testing.T) {
	full := testCreds.config("")
	tests := []struct {
		name    string
		edit    func(*xapi.Config)
		wantErr string
	}{
		{"complete", func(*xapi.Config) {}, ""},
		{"no consumer key", func(c *xapi.Config) { c.ConsumerKey = secret.String{} }, "IOCAST_X_CONSUMER_KEY is not set"},
		{"no consumer secret", func(c *xapi.Config) { c.ConsumerSecret = secret.String{} }, "IOCAST_X_CONSUMER_SECRET is not set"},
		{"no access token", func(c *xapi.Config) { c.AccessToken = secret.String{} }, "IOCAST_X_ACCESS_TOKEN is not set"},
		{"no access secret", func(c *xapi.Config) { c.AccessSecret = secret.String{} }, "IOCAST_X_ACCESS_SECRET is not set"},
		{"none", func(c *xapi.Config) { *c = xapi.Config{} },
			"IOCAST_X_CONSUMER_KEY, IOCAST_X_CONSUMER_SECRET, IOCAST_X_ACCESS_TOKEN, IOCAST_X_ACCESS_SECRET are not set"},
		{"bad API URL", func(c *xapi.Config) { c.APIURL = "ftp://api.x.com" }, "IOCAST_X_API_URL must be an http or https URL"},
		{"API URL with query", func(c *xapi.Config) { c.APIURL = "https://api.x.com/?k=v" }, "IOCAST_X_API_URL must be"},
		{"bad upload URL", func(c *xapi.Config) { c.UploadURL = "::" }, "upload URL must be"},
		{"API URL with slash", func(c *xapi.Config) { c.APIURL = "https://api.x.com/" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := full
			tt.edit(&cfg)
			c, err := xapi.New(cfg, nil)
			if tt.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New: %v, want %q", err, tt.wantErr)
			}
			if secret.Contains(err.Error(), testCreds.secrets()...) {
				t.Fatalf("error %q holds a credential", err)
			}
		})
	}
}

func TestLimitsAndPlatform(t *testing.T) {
	_, c := newFake(t)
	if c.Platform() != publish.PlatformX {
		t.Errorf("Platform = %q", c.Platform())
	}
	got, err := c.Limits(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := (publish.Limits{Rules: postfmt.PlatformX, Max: 280}); got != want {
		t.Errorf("Limits = %+v, want %+v", got, want)
	}
}

func TestCheck(t *testing.T) {
	s, c := newFake(t)
	got, err := c.Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := publish.Account{Platform: "x", Name: "@iocast_test", ID: xapitest.UserID, URL: "https://x.com/iocast_test", Limit: 280}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Method != "GET" || reqs[0].Path != "/2/users/me" {
		t.Errorf("requests %+v, want GET /2/users/me", reqs)
	}
}

// TestThreadWithCard publishes a card and a three-part thread on the fake
// and checks what it stored.
func TestThreadWithCard(t *testing.T) {
	s, c := newFake(t)
	ctx := t.Context()
	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: pngData, Alt: "Evidence card", Width: 1200, Height: 675})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID == "" || ref.Alt != "Evidence card" || ref.Width != 1200 || ref.Height != 675 {
		t.Errorf("MediaRef = %+v", ref)
	}
	texts := []string{"[IOC] part one https://example.com/a?x=1&y=2 (1/3)", "part two: 198.51.100[.]7 <c2> (2/3)", "part three (3/3)"}
	var remotes []publish.Remote
	for i, text := range texts {
		m := publish.Message{Text: text}
		if i == 0 {
			m.Media = []publish.MediaRef{ref}
		} else {
			m.Parent, m.Root = &remotes[i-1], &remotes[0]
		}
		r, err := c.Send(ctx, m)
		if err != nil {
			t.Fatalf("part %d: %v", i+1, err)
		}
		if want := "https://x.com/i/web/status/" + r.ID; r.URL != want {
			t.Errorf("URL = %s, want %s (the name is not known before Check or Find)", r.URL, want)
		}
		remotes = append(remotes, r)
	}
	posts := s.Posts()
	want := []publishtest.Post{
		{ID: remotes[0].ID, Text: texts[0], Media: []string{ref.ID}},
		{ID: remotes[1].ID, Text: texts[1], ReplyTo: remotes[0].ID},
		{ID: remotes[2].ID, Text: texts[2], ReplyTo: remotes[1].ID},
	}
	if diff := cmp.Diff(want, posts); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	media := s.Media()
	if len(media) != 1 || media[0].Alt != "Evidence card" || media[0].Category != "tweet_image" || media[0].Type != "image/png" || media[0].Name != "card.png" {
		t.Errorf("media = %+v", media)
	}

	// Once the account's name is known, links name it.
	if _, err := c.Check(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := c.Send(ctx, publish.Message{Text: "another"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://x.com/iocast_test/status/" + r.ID; r.URL != want {
		t.Errorf("URL = %s, want %s", r.URL, want)
	}
}

// TestSendRequest checks the exact body of POST /2/tweets.
func TestSendRequest(t *testing.T) {
	tests := []struct {
		name string
		m    publish.Message
		want string
	}{
		{"single", publish.Message{Text: "hello <world> & co", Key: "k1", Lang: "en"}, `{"text":"hello <world> & co"}`},
		{"reply", publish.Message{Text: "part 2", Parent: &publish.Remote{ID: "111"}, Root: &publish.Remote{ID: "100"}},
			`{"text":"part 2","reply":{"in_reply_to_tweet_id":"111"}}`},
		{"media", publish.Message{Text: "card", Media: []publish.MediaRef{{ID: "5"}, {ID: "6"}}},
			`{"text":"card","media":{"media_ids":["5","6"]}}`},
		{"media only", publish.Message{Media: []publish.MediaRef{{ID: "5"}}}, `{"media":{"media_ids":["5"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"data":{"id":"1800000000000000009","text":"whatever X made of it","edit_history_tweet_ids":["1800000000000000009"]}}`)
			})
			c, err := xapi.New(testCreds.config(rec.URL), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Send(t.Context(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if want := (publish.Remote{ID: "1800000000000000009", URL: "https://x.com/i/web/status/1800000000000000009"}); got != want {
				t.Errorf("Send = %+v, want %+v", got, want)
			}
			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0]
			if r.Method != "POST" || r.URL != rec.URL+"/2/tweets" {
				t.Errorf("request %s %s, want POST /2/tweets", r.Method, r.URL)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if ua := r.Header.Get("User-Agent"); ua != publish.UserAgent {
				t.Errorf("User-Agent %q", ua)
			}
			if k := r.Header.Get("Idempotency-Key"); k != "" {
				t.Errorf("Idempotency-Key %q sent to X", k)
			}
			assertJSON(t, r.Body, tt.want)
		})
	}
}

// TestSendRefusesBeforeSending: a message X would refuse is not sent.
func TestSendRefusesBeforeSending(t *testing.T) {
	rec := newRecorder(t, nil)
	c, err := xapi.New(testCreds.config(rec.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	five := make([]publish.MediaRef, 5)
	for i := range five {
		five[i].ID = "1"
	}
	for name, m := range map[string]publish.Message{
		"five images":    {Text: "x", Media: five},
		"parent no id":   {Text: "x", Parent: &publish.Remote{}},
		"media no id":    {Text: "x", Media: []publish.MediaRef{{}}},
		"upload missing": {Text: "x", Media: []publish.MediaRef{{Alt: "a"}}},
	} {
		if _, err := c.Send(t.Context(), m); err == nil {
			t.Errorf("%s: Send did not fail", name)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// assertJSON compares two JSON documents as values.

func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

package xapitest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"
	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish/xapi/xapitest"
)

var png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)

// signed returns a client that signs with the given secrets through
// dghubble/oauth1, independently of the adapter.
func signed(s *xapitest.Server, consumerSecret, accessSecret string) *http.Client {
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, s.Client())
	return oauth1.NewConfig(xapitest.ConsumerKey, consumerSecret).Client(ctx, oauth1.NewToken(xapitest.AccessToken, accessSecret))
}

// call sends a request and returns the status and the decoded answer.
func call(t *testing.T, c *http.Client, method, u, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s %s: answer %q: %v", method, u, data, err)
	}
	return resp.StatusCode, v
}

func TestAuthentication(t *testing.T) {
	s := xapitest.New(t)
	unauthorized := map[string]any{"title": "Unauthorized", "type": "about:blank", "status": 401.0, "detail": "Unauthorized"}
	tests := []struct {
		name        string
		client      *http.Client
		method, url string
		ct          string
		body        string
		want        int
	}{
		{"unsigned", s.Client(), "GET", s.URL + "/2/users/me", "", "", 401},
		{"wrong consumer secret", signed(s, "nope", xapitest.AccessSecret), "GET", s.URL + "/2/users/me", "", "", 401},
		{"wrong access secret", signed(s, xapitest.ConsumerSecret, "nope"), "GET", s.URL + "/2/users/me", "", "", 401},
		{"signed", signed(s, xapitest.ConsumerSecret, xapitest.AccessSecret), "GET", s.URL + "/2/users/me", "", "", 200},
		{"signed query", signed(s, xapitest.ConsumerSecret, xapitest.AccessSecret), "GET",
			s.URL + "/2/users/" + xapitest.UserID + "/tweets?max_results=5&tweet.fields=referenced_tweets%2Cattachments", "", "", 200},
		// A form body is signed too: the request passes authentication
		// and meets the 404 of an unknown path.
		{"signed form", signed(s, xapitest.ConsumerSecret, xapitest.AccessSecret), "POST", s.URL + "/1.1/statuses/update.json?include_entities=true",
			"application/x-www-form-urlencoded", "status=" + url.QueryEscape("Hello Ladies + Gentlemen, a signed OAuth request!"), 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, v := call(t, tt.client, tt.method, tt.url, tt.ct, []byte(tt.body))
			if status != tt.want {
				t.Fatalf("status %d, want %d: %v", status, tt.want, v)
			}
			if status == 401 {
				if diff := cmp.Diff(unauthorized, v); diff != "" {
					t.Errorf("401 body (-want +got):\n%s", diff)
				}
			}
		})
	}
	// A signed request replayed to another URL does not pass.
	req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL+"/2/users/me", nil)
	resp, err := signed(s, xapitest.ConsumerSecret, xapitest.AccessSecret).Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := s.Requests()
	replay, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL+"/2/users/me?x=1", nil)
	replay.Header.Set("Authorization", reqs[len(reqs)-1].Header.Get("Authorization"))
	resp, err = s.Client().Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("replayed to another URL: %d, want 401", resp.StatusCode)
	}
}

func TestEnvAndConfig(t *testing.T) {
	s := xapitest.New(t)
	want := map[string]string{
		"IOCAST_X_API_URL":         s.URL,
		"IOCAST_X_CONSUMER_KEY":    xapitest.ConsumerKey,
		"IOCAST_X_CONSUMER_SECRET": xapitest.ConsumerSecret,
		"IOCAST_X_ACCESS_TOKEN":    xapitest.AccessToken,
		"IOCAST_X_ACCESS_SECRET":   xapitest.AccessSecret,
	}
	if diff := cmp.Diff(want, s.Env()); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
	cfg := s.Config()
	if cfg.APIURL != s.URL || cfg.ConsumerKey.Reveal() != xapitest.ConsumerKey || cfg.AccessSecret.Reveal() != xapitest.AccessSecret {
		t.Errorf("Config %+v", cfg)
	}
}

// multipartBody builds an upload body from fields, the media part last.
func multipartBody(t *testing.T, fields map[string]string, media []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if media != nil {
		f, _ := w.CreateFormFile("media", "card.png")
		_, _ = f.Write(media)
	}
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType()
}

func TestMediaEndpoints(t *testing.T) {
	s := xapitest.New(t)
	c := signed(s, xapitest.ConsumerSecret, xapitest.AccessSecret)
	upload := func(fields map[string]string, media []byte) (int, map[string]any) {
		body, ct := multipartBody(t, fields, media)
		return call(t, c, "POST", s.URL+"/2/media/upload", ct, body)
	}
	for _, tt := range []struct {
		name   string
		fields map[string]string
		media  []byte
		want   int
	}{
		{"no category", map[string]string{"media_type": "image/png"}, png, 400},
		{"video category", map[string]string{"media_category": "tweet_video"}, png, 400},
		{"no media", map[string]string{"media_category": "tweet_image"}, nil, 400},
		{"gif type", map[string]string{"media_category": "tweet_image", "media_type": "image/gif"}, png, 400},
		{"type is not the data's", map[string]string{"media_category": "tweet_image", "media_type": "image/jpeg"}, png, 400},
		{"unknown field", map[string]string{"media_category": "tweet_image", "command": "INIT"}, png, 400},
		{"over 5 MB", map[string]string{"media_category": "tweet_image"}, append(append([]byte(nil), png...), make([]byte, 5<<20)...), 400},
		{"good", map[string]string{"media_category": "tweet_image", "media_type": "image/png"}, png, 200},
	} {
		status, v := upload(tt.fields, tt.media)
		if status != tt.want {
			t.Errorf("%s: %d %v, want %d", tt.name, status, v, tt.want)
		}
	}
	media := s.Media()
	if len(media) != 1 {
		t.Fatalf("media %+v", media)
	}
	id := media[0].ID
	status, v := call(t, c, "POST", s.URL+"/2/media/metadata", "application/json",
		[]byte(`{"id":"`+id+`","metadata":{"alt_text":{"text":"card"}}}`))
	want := map[string]any{"data": map[string]any{"id": id, "associated_metadata": map[string]any{"alt_text": map[string]any{"text": "card"}}}}
	if diff := cmp.Diff(want, v); status != 200 || diff != "" {
		t.Errorf("metadata %d (-want +got):\n%s", status, diff)
	}
	for name, body := range map[string]string{
		"unknown id": `{"id":"1","metadata":{"alt_text":{"text":"card"}}}`,
		"long alt":   `{"id":"` + id + `","metadata":{"alt_text":{"text":"` + strings.Repeat("a", 1001) + `"}}}`,
		"v1.1 field": `{"media_id":"` + id + `","alt_text":{"text":"card"}}`,
		"not JSON":   `{`,
	} {
		if status, v := call(t, c, "POST", s.URL+"/2/media/metadata", "application/json", []byte(body)); status != 400 {
			t.Errorf("metadata %s: %d %v, want 400", name, status, v)
		}
	}
	if got := s.Media()[0].Alt; got != "card" {
		t.Errorf("alt %q", got)
	}
}

func TestTweetEndpoints(t *testing.T) {
	s := xapitest.New(t)
	c := signed(s, xapitest.ConsumerSecret, xapitest.AccessSecret)
	create := func(body string) (int, map[string]any) {
		return call(t, c, "POST", s.URL+"/2/tweets", "application/json", []byte(body))
	}
	status, v := create(`{"text":"one & <two> https://example.com/a"}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, v)
	}
	id := v["data"].(map[string]any)["id"].(string)
	want := map[string]any{"data": map[string]any{"id": id, "text": "one &amp; &lt;two&gt; https://t.co/x000000001", "edit_history_tweet_ids": []any{id}}}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("create answer (-want +got):\n%s", diff)
	}
	if status, v := create(`{"text":"two","reply":{"in_reply_to_tweet_id":"` + id + `"}}`); status != 201 {
		t.Fatalf("reply: %d %v", status, v)
	}
	for name, body := range map[string]string{
		"unknown field": `{"text":"x","status":"x"}`,
		"empty":         `{}`,
		"no media ids":  `{"text":"x","media":{"media_ids":[]}}`,
		"not JSON":      `text=x`,
	} {
		if status, v := create(body); status != 400 {
			t.Errorf("create %s: %d %v, want 400", name, status, v)
		}
	}
	if status, _ := call(t, c, "POST", s.URL+"/2/tweets", "application/x-www-form-urlencoded", []byte("text=x")); status != 400 {
		t.Errorf("a form: %d, want 400", status)
	}

	timeline := func(query string) (int, map[string]any) {
		return call(t, c, "GET", s.URL+"/2/users/"+xapitest.UserID+"/tweets?"+query, "", nil)
	}
	_, v = timeline("max_results=5&tweet.fields=referenced_tweets")
	data := v["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["referenced_tweets"] == nil || data[1].(map[string]any)["referenced_tweets"] != nil {
		t.Errorf("timeline %v", v)
	}
	if _, v = timeline("exclude=replies"); len(v["data"].([]any)) != 1 {
		t.Errorf("exclude=replies: %v", v)
	}
	if status, _ := timeline("max_results=3"); status != 400 {
		t.Errorf("max_results=3: %d, want 400", status)
	}
	for range 6 {
		create(`{"text":"` + strings.Repeat("z", len(s.Posts())) + `"}`)
	}
	_, v = timeline("max_results=5")
	next, _ := v["meta"].(map[string]any)["next_token"].(string)
	if len(v["data"].([]any)) != 5 || next == "" {
		t.Fatalf("first page %v", v)
	}
	if _, v = timeline("max_results=5&pagination_token=" + next); len(v["data"].([]any)) != 3 {
		t.Errorf("second page %v", v)
	}
	status, v = call(t, c, "GET", s.URL+"/2/users/1/tweets", "", nil)
	if status != 200 || v["errors"] == nil || v["data"] != nil {
		t.Errorf("another user's timeline: %d %v", status, v)
	}
	status, v = call(t, c, "GET", s.URL+"/2/users/me", "", nil)
	if want := map[string]any{"data": map[string]any{"id": xapitest.UserID, "name": xapitest.DisplayName, "username": xapitest.Username}}; status != 200 || !cmp.Equal(want, v) {
		t.Errorf("users/me: %d %v", status, v)
	}
}

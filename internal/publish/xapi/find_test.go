package xapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/xapi"
	"github.com/iocast/iocast/internal/publish/xapi/xapitest"
)

// TestFindOnFake posts a thread on the fake, which rewrites links to t.co
// and escapes &, < and > as X does, and finds every part again.
func TestFindOnFake(t *testing.T) {
	s, c := newFake(t)
	ctx := t.Context()
	ref, err := c.Upload(ctx, publish.Media{MIME: "image/png", Data: pngData})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"[IOC] C2 <tag> & more\nsee https://example.com/report?a=1&b=2 and abuse.ch (1/3)",
		"hxxp://evil[.]com/gate.php  198.51.100[.]7\n\n#malware (2/3)",
		"https://bazaar.abuse.ch/sample/0123 (3/3)",
	}
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
			t.Fatal(err)
		}
		remotes = append(remotes, r)
	}
	first, _ := s.Rendered(remotes[0].ID)
	if !strings.Contains(first, "&lt;tag&gt; &amp; more") || strings.Contains(first, "example.com") || !strings.Contains(first[strings.LastIndex(first, ")"):], ") https://t.co/") {
		t.Fatalf("the fake rendered %q, not as X does", first)
	}

	tests := []struct {
		name   string
		text   string
		parent *publish.Remote
		want   int // index in remotes, -1 for none
	}{
		{"first part", texts[0], nil, 0},
		{"second part", texts[1], &remotes[0], 1},
		{"third part", texts[2], &remotes[1], 2},
		{"white space differs", strings.Join(strings.Fields(texts[1]), " "), &remotes[0], 1},
		{"wrong parent", texts[1], &remotes[1], -1},
		{"first part as a reply", texts[0], &remotes[2], -1},
		{"reply as a first part", texts[1], nil, -1},
		{"other text", "[IOC] something else (1/3)", nil, -1},
		{"defanged differs", strings.Replace(texts[1], "evil[.]com", "evil[.]org", 1), &remotes[0], -1},
		{"escaped text is not the text", strings.Replace(texts[0], "&", "&amp;", 1), nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := c.Find(ctx, publish.Message{Text: tt.text, Parent: tt.parent})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want < 0 {
				if ok {
					t.Fatalf("Find found %+v", got)
				}
				return
			}
			want := publish.Remote{ID: remotes[tt.want].ID, URL: "https://x.com/" + xapitest.Username + "/status/" + remotes[tt.want].ID}
			if !ok || got != want {
				t.Fatalf("Find = %+v, %v; want %+v", got, ok, want)
			}
		})
	}
}

// TestFindAfterDrop is the case Find exists for: the post was created but
// the answer was lost.
func TestFindAfterDrop(t *testing.T) {
	s, c := newFake(t)
	ctx := t.Context()
	s.Faults.Push(publishtest.Fault{Drop: true})
	m := publish.Message{Text: "IoC https://example.net/x (1/1)"}
	_, err := c.Send(ctx, m)
	if !publish.MaybeSent(err) {
		t.Fatalf("Send: %v, want an error that may have sent", err)
	}
	got, ok, err := c.Find(ctx, m)
	if err != nil || !ok {
		t.Fatalf("Find: %v, %v", ok, err)
	}
	if posts := s.Posts(); len(posts) != 1 || got.ID != posts[0].ID {
		t.Errorf("Find = %+v; posts %+v", got, posts)
	}
}

// TestFindDepth: only the latest FindDepth posts are looked at.
func TestFindDepth(t *testing.T) {
	_, c := newFake(t)
	ctx := t.Context()
	for i := range xapi.FindDepth + 1 {
		if _, err := c.Send(ctx, publish.Message{Text: fmt.Sprintf("post %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := c.Find(ctx, publish.Message{Text: "post 0"}); ok || err != nil {
		t.Errorf("post 0 found (%v, %v); it is older than the %d latest", ok, err, xapi.FindDepth)
	}
	if _, ok, err := c.Find(ctx, publish.Message{Text: "post 1"}); !ok || err != nil {
		t.Errorf("post 1 not found: %v", err)
	}
}

// TestFindRequest checks the requests Find makes and how it reads a
// timeline as X returns it.
func TestFindRequest(t *testing.T) {
	const timeline = `{"data":[
		{"id":"105","text":"@iocast_test part two &amp; https://t.co/AbCdEf1234 (2/2)","edit_history_tweet_ids":["105"],"referenced_tweets":[{"type":"replied_to","id":"104"}]},
		{"id":"104","text":"part one https://t.co/ZzZzZz9876 https://t.co/MeDiA00001","edit_history_tweet_ids":["104"],"attachments":{"media_keys":["3_9"]}},
		{"id":"103","text":"quoted https://t.co/q","edit_history_tweet_ids":["103"],"referenced_tweets":[{"type":"quoted","id":"1"}]}
	],"meta":{"result_count":3,"newest_id":"105","oldest_id":"103"}}`
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/2/users/me":
			_, _ = io.WriteString(w, `{"data":{"id":"42","name":"iocast","username":"iocast_test"}}`)
		default:
			_, _ = io.WriteString(w, timeline)
		}
	})
	c, err := xapi.New(testCreds.config(rec.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tests := []struct {
		name string
		m    publish.Message
		want string
	}{
		{"reply with X's mention", publish.Message{Text: "part two & example.org/path (2/2)", Parent: &publish.Remote{ID: "104"}}, "105"},
		{"media link dropped", publish.Message{Text: "part one https://example.com/", Media: []publish.MediaRef{{ID: "9"}}}, "104"},
		{"a quote is not a reply", publish.Message{Text: "quoted https://example.com/"}, "103"},
		{"reply needs its parent", publish.Message{Text: "part two & example.org/path (2/2)"}, ""},
		{"one link is not two", publish.Message{Text: "part one"}, ""},
	}
	for _, tt := range tests {
		got, ok, err := c.Find(ctx, tt.m)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if ok != (tt.want != "") || got.ID != tt.want {
			t.Errorf("%s: Find = %+v, %v; want id %q", tt.name, got, ok, tt.want)
		}
		if ok && got.URL != "https://x.com/iocast_test/status/"+tt.want {
			t.Errorf("%s: URL %q", tt.name, got.URL)
		}
	}
	reqs := rec.requests()
	if len(reqs) != len(tests)+1 {
		t.Fatalf("%d requests, want users/me once and then %d timelines", len(reqs), len(tests))
	}
	if reqs[0].Method != "GET" || reqs[0].URL != rec.URL+"/2/users/me" {
		t.Errorf("first request %s %s", reqs[0].Method, reqs[0].URL)
	}
	u, err := url.Parse(reqs[1].URL)
	if err != nil {
		t.Fatal(err)
	}
	if reqs[1].Method != "GET" || u.Path != "/2/users/42/tweets" {
		t.Errorf("timeline request %s %s", reqs[1].Method, u.Path)
	}
	want := url.Values{"max_results": {"20"}, "tweet.fields": {"referenced_tweets,attachments"}, "exclude": {"retweets"}}
	if diff := cmp.Diff(want, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
}

// TestFindEmptyTimeline: X leaves data out when there is no post.
func TestFindEmptyTimeline(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/2/users/me" {
			_, _ = io.WriteString(w, `{"data":{"id":"42","name":"iocast","username":"iocast_test"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"meta":{"result_count":0}}`)
	})
	c, err := xapi.New(testCreds.config(rec.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Find(t.Context(), publish.Message{Text: "x"}); ok || err != nil {
		t.Errorf("Find = %v, %v; want not found", ok, err)
	}
}

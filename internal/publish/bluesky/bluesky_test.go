package bluesky_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/bluesky"
	"github.com/iocast/iocast/internal/publish/bluesky/blueskytest"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

func newClient(t *testing.T, srv *blueskytest.Server) *bluesky.Client {
	t.Helper()
	c, err := bluesky.New(srv.Config(), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// noSecrets fails the test when err's text holds a credential of srv.
func noSecrets(t *testing.T, srv *blueskytest.Server, err error) {
	t.Helper()
	if err == nil {
		return
	}
	acc, ref := srv.Tokens()
	if secret.Contains(err.Error(), secret.New(blueskytest.AppPassword), secret.New(acc), secret.New(ref)) {
		t.Errorf("error holds a credential: %v", err)
	}
}

func TestNew(t *testing.T) {
	pw := secret.New("abcd-efgh-ijkl-mnop")
	tests := []struct {
		name string
		cfg  bluesky.Config
		want string // error substring; "" for none
	}{
		{"ok", bluesky.Config{Handle: "a.bsky.social", AppPassword: pw}, ""},
		{"no handle", bluesky.Config{AppPassword: pw}, "IOCAST_BLUESKY_HANDLE is not set"},
		{"no password", bluesky.Config{Handle: "a.bsky.social"}, "IOCAST_BLUESKY_APP_PASSWORD is not set"},
		{"bad PDS", bluesky.Config{PDS: "bsky.social", Handle: "a.bsky.social", AppPassword: pw}, "IOCAST_BLUESKY_PDS is not an http(s) URL"},
		{"ftp PDS", bluesky.Config{PDS: "ftp://bsky.social", Handle: "a.bsky.social", AppPassword: pw}, "IOCAST_BLUESKY_PDS is not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := bluesky.New(tt.cfg, nil)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			case tt.want == "" && c.Platform() != publish.PlatformBluesky:
				t.Errorf("Platform() = %q", c.Platform())
			}
		})
	}
}

func TestLimitsAndCheck(t *testing.T) {
	srv := blueskytest.New(t)
	c := newClient(t, srv)
	lim, err := c.Limits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(publish.Limits{Rules: postfmt.PlatformBluesky, Max: 300}, lim); diff != "" {
		t.Errorf("Limits (-want +got):\n%s", diff)
	}
	acc, err := c.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := publish.Account{Platform: "bluesky", Name: "@iocast.test", ID: blueskytest.DID, URL: "https://bsky.app/profile/iocast.test", Limit: 300}
	if diff := cmp.Diff(want, acc); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	var paths []string
	for _, r := range srv.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	wantPaths := []string{"POST /xrpc/com.atproto.server.createSession", "GET /xrpc/com.atproto.server.getSession"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestCheckWrongPassword(t *testing.T) {
	srv := blueskytest.New(t)
	cfg := srv.Config()
	cfg.AppPassword = secret.New("wrong-pass-word-here")
	c, err := bluesky.New(cfg, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Check(context.Background())
	var ae *publish.APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Kind() != publish.Auth {
		t.Fatalf("err = %#v, want a 401 APIError", err)
	}
	for _, s := range []string{"AuthenticationRequired", "IOCAST_BLUESKY_HANDLE", "IOCAST_BLUESKY_APP_PASSWORD", "not the account password"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	if secret.Contains(err.Error(), cfg.AppPassword) {
		t.Errorf("error holds the password: %v", err)
	}
}

// TestSendPost sends a post with facets, a language and the card, and
// checks the record the PDS stored.
func TestSendPost(t *testing.T) {
	srv := blueskytest.New(t)
	c := newClient(t, srv)
	ctx := context.Background()
	png := []byte("\x89PNG\r\n\x1a\nfake card")
	ref, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: png, Alt: "evidence card", Width: 1200, Height: 675})
	if err != nil {
		t.Fatal(err)
	}
	text := "C2 ☠ 203.0.113.7 #CobaltStrike\nhttps://bazaar.abuse.ch/sample/abc"
	m := publish.Message{
		Text: text,
		Facets: []postfmt.Facet{
			{ByteStart: 0, ByteEnd: 2, Kind: postfmt.FacetMention, Handle: "c2"},
			{ByteStart: 19, ByteEnd: 32, Kind: postfmt.FacetTag, Tag: "CobaltStrike"},
			{ByteStart: 33, ByteEnd: 67, Kind: postfmt.FacetLink, URI: "https://bazaar.abuse.ch/sample/abc"},
		},
		Media: []publish.MediaRef{ref},
		Key:   "0123-abcd",
		Lang:  "en",
	}
	rem, err := c.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	posts := srv.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	rkey := rem.ID[strings.LastIndexByte(rem.ID, '/')+1:]
	wantRemote := publish.Remote{
		ID:  "at://" + blueskytest.DID + "/app.bsky.feed.post/" + rkey,
		URL: "https://bsky.app/profile/iocast.test/post/" + rkey,
		CID: rem.CID,
	}
	if diff := cmp.Diff(wantRemote, rem); diff != "" || rem.CID == "" || len(rkey) != 13 {
		t.Errorf("Remote (-want +got):\n%s", diff)
	}
	blobCID := posts[0].Media[0]
	if diff := cmp.Diff(publishtest.Post{ID: rem.ID, Text: text, Media: []string{blobCID}}, posts[0]); diff != "" {
		t.Errorf("post (-want +got):\n%s", diff)
	}
	got, _ := srv.Record(rem.ID)
	want := `{
		"$type": "app.bsky.feed.post",
		"text": "C2 ☠ 203.0.113.7 #CobaltStrike\nhttps://bazaar.abuse.ch/sample/abc",
		"createdAt": "2025-03-14T15:09:26.535Z",
		"langs": ["en"],
		"facets": [
			{"index": {"byteStart": 19, "byteEnd": 32}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "CobaltStrike"}]},
			{"index": {"byteStart": 33, "byteEnd": 67}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://bazaar.abuse.ch/sample/abc"}]}
		],
		"embed": {"$type": "app.bsky.embed.images", "images": [{
			"alt": "evidence card",
			"image": {"$type": "blob", "ref": {"$link": "` + blobCID + `"}, "mimeType": "image/png", "size": 17},
			"aspectRatio": {"width": 1200, "height": 675}
		}]}
	}`
	if diff := cmp.Diff(decode(t, want), decode(t, string(got))); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
	return v
}

// TestThread sends a thread, the third part from a new client that knows
// only the ids (as after a restart): it must look the cids up.
func TestThread(t *testing.T) {
	srv := blueskytest.New(t)
	ctx := context.Background()
	c := newClient(t, srv)
	first, err := c.Send(ctx, publish.Message{Text: "part 1/3"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Send(ctx, publish.Message{Text: "part 2/3", Parent: &first, Root: &first})
	if err != nil {
		t.Fatal(err)
	}
	c2 := newClient(t, srv)
	n := len(srv.Requests())
	third, err := c2.Send(ctx, publish.Message{Text: "part 3/3", Parent: &publish.Remote{ID: second.ID}, Root: &publish.Remote{ID: first.ID, URL: first.URL}})
	if err != nil {
		t.Fatal(err)
	}
	want := []publishtest.Post{
		{ID: first.ID, Text: "part 1/3"},
		{ID: second.ID, Text: "part 2/3", ReplyTo: first.ID, Root: first.ID},
		{ID: third.ID, Text: "part 3/3", ReplyTo: second.ID, Root: first.ID},
	}
	if diff := cmp.Diff(want, srv.Posts()); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	var lookups []string
	for _, r := range srv.Requests()[n:] {
		if r.Path == "/xrpc/com.atproto.repo.getRecord" {
			lookups = append(lookups, r.Query.Get("repo")+" "+r.Query.Get("collection")+" "+r.Query.Get("rkey"))
		}
	}
	rkey := func(uri string) string { return uri[strings.LastIndexByte(uri, '/')+1:] }
	wantLookups := []string{
		blueskytest.DID + " app.bsky.feed.post " + rkey(second.ID),
		blueskytest.DID + " app.bsky.feed.post " + rkey(first.ID),
	}
	if diff := cmp.Diff(wantLookups, lookups); diff != "" {
		t.Errorf("getRecord lookups (-want +got):\n%s", diff)
	}
	// The first client knows the cids it created: no lookup.
	n = len(srv.Requests())
	if _, err := c.Send(ctx, publish.Message{Text: "another reply", Parent: &publish.Remote{ID: second.ID}, Root: &publish.Remote{ID: first.ID}}); err != nil {
		t.Fatal(err)
	}
	if reqs := srv.Requests()[n:]; len(reqs) != 1 {
		t.Errorf("%d requests, want createRecord only", len(reqs))
	}
}

func TestReplyToMissingRecord(t *testing.T) {
	srv := blueskytest.New(t)
	c := newClient(t, srv)
	_, err := c.Send(context.Background(), publish.Message{Text: "reply", Parent: &publish.Remote{ID: "at://" + blueskytest.DID + "/app.bsky.feed.post/3zzzzzzzzzzzz"}})
	var ae *publish.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(err.Error(), "RecordNotFound") {
		t.Fatalf("err = %v, want 400 RecordNotFound", err)
	}
	if len(srv.Posts()) != 0 {
		t.Error("posted a reply to nothing")
	}
}

// TestSessionRenewal expires the access token (refreshSession renews it)
// and then both tokens (createSession signs in again).
func TestSessionRenewal(t *testing.T) {
	srv := blueskytest.New(t)
	c := newClient(t, srv)
	ctx := context.Background()
	calls := func(from int) []string {
		var out []string
		for _, r := range srv.Requests()[from:] {
			out = append(out, strings.TrimPrefix(r.Path, "/xrpc/")+" "+r.Header.Get("Authorization"))
		}
		return out
	}
	if _, err := c.Send(ctx, publish.Message{Text: "one"}); err != nil {
		t.Fatal(err)
	}
	srv.ExpireAccess()
	n := len(srv.Requests())
	if _, err := c.Send(ctx, publish.Message{Text: "two"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"com.atproto.repo.createRecord Bearer fake-access-jwt-1",
		"com.atproto.server.refreshSession Bearer fake-refresh-jwt-1",
		"com.atproto.repo.createRecord Bearer fake-access-jwt-2",
	}
	if diff := cmp.Diff(want, calls(n)); diff != "" {
		t.Errorf("after the access token expired (-want +got):\n%s", diff)
	}
	srv.ExpireAccess()
	srv.ExpireRefresh()
	n = len(srv.Requests())
	if _, err := c.Send(ctx, publish.Message{Text: "three"}); err != nil {
		t.Fatal(err)
	}
	want = []string{
		"com.atproto.repo.createRecord Bearer fake-access-jwt-2",
		"com.atproto.server.refreshSession Bearer fake-refresh-jwt-2",
		"com.atproto.server.createSession ",
		"com.atproto.repo.createRecord Bearer fake-access-jwt-3",
	}
	if diff := cmp.Diff(want, calls(n)); diff != "" {
		t.Errorf("after both tokens expired (-want +got):\n%s", diff)
	}
	if got := len(srv.Posts()); got != 3 {
		t.Errorf("%d posts, want 3", got)
	}
}

func TestFind(t *testing.T) {
	srv := blueskytest.New(t)
	ctx := context.Background()
	c := newClient(t, srv)
	first, err := c.Send(ctx, publish.Message{Text: "same text"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := c.Send(ctx, publish.Message{Text: "same text", Parent: &first, Root: &first})
	if err != nil {
		t.Fatal(err)
	}
	other := publish.Remote{ID: "at://" + blueskytest.DID + "/app.bsky.feed.post/3aaaaaaaaaaaa"}
	tests := []struct {
		name string
		m    publish.Message
		want publish.Remote
		ok   bool
	}{
		{"top-level post", publish.Message{Text: "same text"}, first, true},
		{"reply", publish.Message{Text: "same text", Parent: &publish.Remote{ID: first.ID}}, reply, true},
		{"reply to another post", publish.Message{Text: "same text", Parent: &other}, publish.Remote{}, false},
		{"other text", publish.Message{Text: "never sent"}, publish.Remote{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := newClient(t, srv).Find(ctx, tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Find (-want +got):\n%s", diff)
			}
		})
	}
	for _, r := range srv.Requests() {
		if r.Path == "/xrpc/com.atproto.repo.listRecords" {
			want := "collection=app.bsky.feed.post&limit=20&repo=" + strings.ReplaceAll(blueskytest.DID, ":", "%3A")
			if got := r.Query.Encode(); got != want {
				t.Errorf("listRecords query %q, want %q", got, want)
			}
		}
	}
}

// TestFaults sends through the faults Publisher must survive: the answer
// lost after the post was created, an error after it was created, a rate
// limit.
func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		fault     publishtest.Fault
		status    int
		kind      publish.ErrorKind
		maybeSent bool
		created   bool
	}{
		{"dropped", publishtest.Fault{Drop: true}, 0, publish.Transient, true, true},
		{"500 after creating", publishtest.Fault{Created: true, Status: 500, Body: `{"error":"InternalServerError","message":"Internal Server Error"}`}, 500, publish.Transient, true, true},
		{"502", publishtest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}, 502, publish.Transient, true, false},
		{"429", publishtest.Fault{Status: 429, Header: map[string][]string{"Ratelimit-Reset": {"1741965000"}, "Ratelimit-Remaining": {"0"}}, Body: `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`}, 429, publish.RateLimited, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := blueskytest.New(t)
			c := newClient(t, srv)
			created := make(chan publishtest.Post, 1) // Then runs in the server's goroutine
			tt.fault.Then = func(p publishtest.Post) { created <- p }
			srv.Faults.Push(tt.fault)
			m := publish.Message{Text: "fault " + tt.name}
			_, err := c.Send(context.Background(), m)
			var ae *publish.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an APIError", err)
			}
			noSecrets(t, srv, err)
			if ae.Status != tt.status || ae.Kind() != tt.kind || publish.MaybeSent(err) != tt.maybeSent {
				t.Errorf("status %d kind %v maybeSent %v; want %d %v %v (%v)", ae.Status, ae.Kind(), publish.MaybeSent(err), tt.status, tt.kind, tt.maybeSent, err)
			}
			if tt.status == 429 && !ae.RetryAt.Equal(time.Unix(1741965000, 0)) {
				t.Errorf("RetryAt = %v", ae.RetryAt)
			}
			var then publishtest.Post
			if tt.created {
				then = <-created
			}
			rem, found, err := c.Find(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			if found != tt.created || rem.ID != then.ID {
				t.Errorf("Find = %v, %v; created %v", rem, found, then)
			}
			if got := len(srv.Posts()); got != btoi(tt.created) || len(created) != 0 {
				t.Errorf("%d posts, %d more Then calls", got, len(created))
			}
		})
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	srv := blueskytest.New(t)
	c := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name string
		do   func() error
		is   error
	}{
		{"image over 1,000,000 bytes", func() error {
			_, err := c.Upload(ctx, publish.Media{MIME: "image/png", Data: make([]byte, 1_000_001)})
			return err
		}, intel.ErrTooLarge},
		{"empty image", func() error { _, err := c.Upload(ctx, publish.Media{MIME: "image/png"}); return err }, intel.ErrInvalid},
		{"over 300 graphemes", func() error {
			_, err := c.Send(ctx, publish.Message{Text: strings.Repeat("a", 301)})
			return err
		}, intel.ErrTooLarge},
		{"over 3000 bytes", func() error {
			_, err := c.Send(ctx, publish.Message{Text: strings.Repeat("👩‍👩‍👧‍👦", 121)})
			return err
		}, intel.ErrTooLarge},
		{"facet past the end", func() error {
			_, err := c.Send(ctx, publish.Message{Text: "#tag", Facets: []postfmt.Facet{{ByteStart: 0, ByteEnd: 5, Kind: postfmt.FacetTag, Tag: "tag"}}})
			return err
		}, intel.ErrInvalid},
		{"facet inside a character", func() error {
			_, err := c.Send(ctx, publish.Message{Text: "☠ #tag", Facets: []postfmt.Facet{{ByteStart: 1, ByteEnd: 7, Kind: postfmt.FacetTag, Tag: "tag"}}})
			return err
		}, intel.ErrInvalid},
		{"media not uploaded here", func() error {
			_, err := c.Send(ctx, publish.Message{Text: "x", Media: []publish.MediaRef{{ID: "123"}}})
			return err
		}, intel.ErrInvalid},
		{"parent not an at:// URI", func() error {
			_, err := c.Send(ctx, publish.Message{Text: "x", Parent: &publish.Remote{ID: "123"}})
			return err
		}, intel.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("%d requests were made", len(reqs))
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

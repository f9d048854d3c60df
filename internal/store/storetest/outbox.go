package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

func testOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	sid, _ := addSighting(t, s, lodeinfo(), store.Source{})
	ob := s.Outbox()
	id, err := ob.AddPost(ctx, store.Post{SightingID: sid, Platform: "mastodon", Text: "🚨⚡ #LODEINFO"})
	if err != nil {
		t.Fatalf("AddPost: %v", err)
	}
	if _, err := ob.AddPost(ctx, store.Post{Text: "no platform"}); err == nil {
		t.Error("AddPost without a platform succeeded")
	}
	steps := []struct {
		to  store.PostState
		err error
	}{
		{store.PostPublished, intel.ErrInvalid}, // a draft is queued first
		{store.PostQueued, nil},
		{store.PostFailed, nil},
		{store.PostQueued, nil},
		{store.PostSending, nil},
		{store.PostDraft, intel.ErrInvalid}, // a post that may be out cannot go back to draft
		{store.PostQueued, nil},             // reconciled: not on the platform
		{store.PostSending, nil},
		{store.PostPublished, nil},
		{store.PostQueued, intel.ErrInvalid}, // published is final: never twice
	}
	for i, st := range steps {
		err := ob.SetPostState(ctx, id, st.to, "110", "https://infosec.exchange/@me/110", "")
		if st.err != nil {
			wantErr(t, err, st.err)
		} else if err != nil {
			t.Fatalf("step %d → %s: %v", i, st.to, err)
		}
	}
	wantErr(t, ob.SetPostState(ctx, id+100, store.PostQueued, "", "", ""), intel.ErrNotFound)
	got, err := ob.Posts(ctx, store.PostFilter{State: store.PostPublished})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Post{{ID: id, SightingID: sid, Platform: "mastodon", Text: "🚨⚡ #LODEINFO", State: store.PostPublished,
		RemoteID: "110", URL: "https://infosec.exchange/@me/110", Attempts: 2}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(store.Post{}, "Created", "Updated")); diff != "" {
		t.Errorf("Posts (-want +got):\n%s", diff)
	}
	if len(got) == 1 && (got[0].Created.IsZero() || got[0].Updated.Before(got[0].Created)) {
		t.Errorf("post times = %v, %v", got[0].Created, got[0].Updated)
	}
	if drafts, _ := ob.Posts(ctx, store.PostFilter{State: store.PostDraft}); len(drafts) != 0 {
		t.Errorf("drafts = %+v, want none", drafts)
	}
	if n := stats(t, s).Posts[store.PostPublished]; n != 1 {
		t.Errorf("Stats.Posts[published] = %d, want 1", n)
	}
}

func testOutboxThreads(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := s.Outbox()
	thread := func(name string, parts ...string) []store.Post {
		var ps []store.Post
		for i, text := range parts {
			ps = append(ps, store.Post{Platform: "bluesky", Text: text, State: store.PostQueued, Thread: name, Part: i, Key: name + "-" + string(rune('0'+i))})
		}
		return ps
	}
	ids, err := ob.AddPosts(ctx, thread("abc/bluesky/1", "one", "two", "three"))
	if err != nil || len(ids) != 3 {
		t.Fatalf("AddPosts = %v, %v", ids, err)
	}
	// A thread already queued cannot be queued again, and a failed
	// AddPosts writes none of its posts.
	bad := append(thread("abc/bluesky/2", "x"), thread("abc/bluesky/1", "dup")...)
	if _, err := ob.AddPosts(ctx, bad); !errors.Is(err, intel.ErrExists) {
		t.Errorf("AddPosts of a stored (thread, part) = %v, want ErrExists", err)
	}
	if got, _ := ob.Posts(ctx, store.PostFilter{Thread: "abc/bluesky/2"}); len(got) != 0 {
		t.Errorf("a failed AddPosts left %d posts", len(got))
	}
	if _, err := ob.AddPosts(ctx, thread("abd/bluesky/1", "other")); err != nil {
		t.Fatal(err)
	}
	got, err := ob.Posts(ctx, store.PostFilter{ThreadPrefix: "abc/"})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range got {
		texts = append(texts, p.Text)
		if p.Thread != "abc/bluesky/1" || p.Key != p.Thread+"-"+string(rune('0'+p.Part)) || p.State != store.PostQueued || p.Attempts != 0 {
			t.Errorf("post %+v", p)
		}
	}
	if !slices.Equal(texts, []string{"one", "two", "three"}) {
		t.Errorf("Posts(ThreadPrefix abc/) texts = %q", texts)
	}
	if got, _ := ob.Posts(ctx, store.PostFilter{Thread: "abd/bluesky/1", State: store.PostQueued}); len(got) != 1 || got[0].Part != 0 {
		t.Errorf("Posts(Thread, State) = %+v", got)
	}
	if got, _ := ob.Posts(ctx, store.PostFilter{ThreadPrefix: "ab%"}); len(got) != 0 {
		t.Errorf("ThreadPrefix is not a pattern: got %d posts", len(got))
	}
	if _, err := ob.AddPost(ctx, store.Post{Platform: "x", Part: -1}); !errors.Is(err, intel.ErrInvalid) {
		t.Errorf("AddPost(Part -1) = %v, want ErrInvalid", err)
	}
}

func testOutboxClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := s.Outbox()
	id, err := ob.AddPost(ctx, store.Post{Platform: "x", Text: "part", State: store.PostQueued, Thread: "h/x/1", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	// Two publishers read the post queued with 0 attempts: one claims it.
	if err := ob.Claim(ctx, id, store.PostQueued, 0); err != nil {
		t.Fatalf("first Claim: %v", err)
	}
	wantErr(t, ob.Claim(ctx, id, store.PostQueued, 0), store.ErrClaimed)
	// A crash left it sending; the next run claims it again as read.
	wantErr(t, ob.Claim(ctx, id, store.PostSending, 0), store.ErrClaimed)
	if err := ob.Claim(ctx, id, store.PostSending, 1); err != nil {
		t.Fatalf("Claim of a sending post: %v", err)
	}
	if err := ob.SetPostState(ctx, id, store.PostFailed, "", "", "503"); err != nil {
		t.Fatal(err)
	}
	if err := ob.Claim(ctx, id, store.PostFailed, 2); err != nil {
		t.Fatalf("Claim of a failed post: %v", err)
	}
	got, _ := ob.Posts(ctx, store.PostFilter{Thread: "h/x/1"})
	if len(got) != 1 || got[0].State != store.PostSending || got[0].Attempts != 3 || got[0].Error != "" {
		t.Errorf("after three claims: %+v", got)
	}
	if err := ob.SetPostState(ctx, id, store.PostPublished, "1", "https://x.com/i/web/status/1", ""); err != nil {
		t.Fatal(err)
	}
	wantErr(t, ob.Claim(ctx, id, store.PostPublished, 3), intel.ErrInvalid)
	wantErr(t, ob.Claim(ctx, id+1000, store.PostQueued, 0), intel.ErrNotFound)
}

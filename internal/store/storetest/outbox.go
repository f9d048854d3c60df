package storetest

import (
	"context"
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
	got, err := ob.Posts(ctx, store.PostPublished)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Post{{ID: id, SightingID: sid, Platform: "mastodon", Text: "🚨⚡ #LODEINFO", State: store.PostPublished,
		RemoteID: "110", URL: "https://infosec.exchange/@me/110"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(store.Post{}, "Created", "Updated")); diff != "" {
		t.Errorf("Posts (-want +got):\n%s", diff)
	}
	if len(got) == 1 && (got[0].Created.IsZero() || got[0].Updated.Before(got[0].Created)) {
		t.Errorf("post times = %v, %v", got[0].Created, got[0].Updated)
	}
	if drafts, _ := ob.Posts(ctx, store.PostDraft); len(drafts) != 0 {
		t.Errorf("drafts = %+v, want none", drafts)
	}
	if n := stats(t, s).Posts[store.PostPublished]; n != 1 {
		t.Errorf("Stats.Posts[published] = %d, want 1", n)
	}
}

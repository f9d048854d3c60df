package store

import (
	"context"
	"fmt"
	"time"

	"github.com/iocast/iocast/intel"
)

// PostState is where a post is in the outbox.
type PostState string

// The states of a post. A post goes draft → queued → published, or to
// failed (and may be queued again from there); published is final, which is
// what keeps a post from being published twice.
const (
	PostDraft     PostState = "draft"
	PostQueued    PostState = "queued"
	PostPublished PostState = "published"
	PostFailed    PostState = "failed"
)

// Post is one post iocast composed, for one platform.
type Post struct {
	ID int64 `json:"id"`
	// SightingID is the sighting the post was composed from, 0 when none.
	SightingID int64     `json:"sighting_id,omitempty"`
	Platform   string    `json:"platform"`
	Text       string    `json:"text"`
	State      PostState `json:"state"`
	// RemoteID and URL are the platform's id and link, once published.
	RemoteID string `json:"remote_id,omitempty"`
	URL      string `json:"url,omitempty"`
	// Error is why the last attempt failed.
	Error string `json:"error,omitempty"`
	// Created and Updated are when the post was added and last changed.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Outbox keeps the posts of the publisher.
type Outbox interface {
	// AddPost stores p (its ID, Created and Updated are set by the store;
	// an empty State is draft) and returns its id.
	AddPost(ctx context.Context, p Post) (int64, error)
	// SetPostState moves post id to state, with the remote id and URL (when
	// published) or the error (when failed). It returns an error wrapping
	// intel.ErrNotFound for an unknown post and intel.ErrInvalid for a move
	// CheckTransition refuses.
	SetPostState(ctx context.Context, id int64, state PostState, remoteID, url, errMsg string) error
	// Posts returns the posts in state (every post when state is ""),
	// oldest first.
	Posts(ctx context.Context, state PostState) ([]Post, error)
}

// CheckTransition returns an error wrapping intel.ErrInvalid unless a post
// may move from state from to state to.
func CheckTransition(from, to PostState) error {
	ok := false
	switch from {
	case PostDraft:
		ok = to == PostQueued || to == PostDraft
	case PostQueued:
		ok = to == PostPublished || to == PostFailed || to == PostDraft
	case PostFailed:
		ok = to == PostQueued || to == PostDraft
	}
	if !ok {
		return fmt.Errorf("post state %s → %s: %w", from, to, intel.ErrInvalid)
	}
	return nil
}

// CheckPost validates a post about to be added, defaulting its state to
// draft.
func CheckPost(p Post) (Post, error) {
	if p.State == "" {
		p.State = PostDraft
	}
	if err := CheckState(p.State); err != nil {
		return p, err
	}
	if p.Platform == "" {
		return p, fmt.Errorf("store: post without a platform: %w", intel.ErrInvalid)
	}
	return p, nil
}

// CheckState returns an error wrapping intel.ErrInvalid unless s is a state.
func CheckState(s PostState) error {
	switch s {
	case PostDraft, PostQueued, PostPublished, PostFailed:
		return nil
	}
	return fmt.Errorf("unknown post state %q: %w", s, intel.ErrInvalid)
}

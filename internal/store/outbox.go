package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iocast/iocast/intel"
)

// PostState is where a post is in the outbox.
type PostState string

// The states of a post. A post goes draft → queued → sending → published,
// or to failed (and may be queued again from there). A post is marked
// sending, in its own committed write, just before a request that may
// publish it leaves; one found sending later (after a crash) may or may not
// be on the platform, and is reconciled before it is sent again (see
// internal/publish). Published is final, which is what keeps a post from
// being published twice.
const (
	PostDraft     PostState = "draft"
	PostQueued    PostState = "queued"
	PostSending   PostState = "sending"
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
	// Thread names the publication the post belongs to (see
	// internal/publish: sighting, platform and generation) and Part is its
	// place in it, from 0. A store holds at most one post per (Thread,
	// Part) when Thread is set.
	Thread string `json:"thread,omitempty"`
	Part   int    `json:"part"`
	// Key is the idempotency key the post is sent with.
	Key string `json:"key,omitempty"`
	// Attempts counts the moves to sending: the requests that may have
	// published the post.
	Attempts int `json:"attempts"`
}

// PostFilter selects posts. The zero PostFilter selects every post.
type PostFilter struct {
	// State, when set, keeps posts in that state.
	State PostState
	// Thread, when set, keeps the posts of that thread; ThreadPrefix the
	// posts of every thread whose name starts with it.
	Thread, ThreadPrefix string
}

// Outbox keeps the posts of the publisher.
type Outbox interface {
	// AddPost stores p (its ID, Created, Updated and Attempts are set by
	// the store; an empty State is draft) and returns its id.
	AddPost(ctx context.Context, p Post) (int64, error)
	// AddPosts stores the posts (the parts of a thread) in one
	// transaction: all of them or, on error, none. A post whose (Thread,
	// Part) is already stored is an error wrapping intel.ErrExists.
	AddPosts(ctx context.Context, ps []Post) ([]int64, error)
	// SetPostState moves post id to state, with the remote id and URL (when
	// published) or the error (when failed); a move to sending counts an
	// attempt. It returns an error wrapping intel.ErrNotFound for an
	// unknown post and intel.ErrInvalid for a move CheckTransition refuses.
	SetPostState(ctx context.Context, id int64, state PostState, remoteID, url, errMsg string) error
	// Posts returns the posts f selects, by thread and part, oldest thread
	// first (by id).
	Posts(ctx context.Context, f PostFilter) ([]Post, error)
	// Claim moves post id to sending and counts an attempt, if and only if
	// it is still in state with attempts attempts (as the caller read it):
	// a compare-and-set, so that of two publishers that read the same post
	// only one sends it. state must be queued, sending or failed. It
	// returns an error wrapping ErrClaimed when the post changed since,
	// and intel.ErrNotFound for an unknown post.
	Claim(ctx context.Context, id int64, state PostState, attempts int) error
}

// ErrClaimed reports a post that another publisher claimed (or that
// changed) since the caller read it.
var ErrClaimed = errors.New("the post changed since it was read: another iocast may be publishing it")

// CheckClaim returns an error wrapping intel.ErrInvalid unless a post in
// state may be claimed for sending.
func CheckClaim(state PostState) error {
	switch state {
	case PostQueued, PostSending, PostFailed:
		return nil
	}
	return fmt.Errorf("post state %s cannot be claimed for sending: %w", state, intel.ErrInvalid)
}

// CheckTransition returns an error wrapping intel.ErrInvalid unless a post
// may move from state from to state to.
func CheckTransition(from, to PostState) error {
	ok := false
	switch from {
	case PostDraft:
		ok = to == PostQueued || to == PostDraft
	case PostQueued:
		ok = to == PostSending || to == PostPublished || to == PostFailed || to == PostDraft
	case PostSending:
		ok = to == PostPublished || to == PostFailed || to == PostQueued
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
	if p.Part < 0 {
		return p, fmt.Errorf("store: post part %d: %w", p.Part, intel.ErrInvalid)
	}
	return p, nil
}

// CheckState returns an error wrapping intel.ErrInvalid unless s is a state.
func CheckState(s PostState) error {
	switch s {
	case PostDraft, PostQueued, PostSending, PostPublished, PostFailed:
		return nil
	}
	return fmt.Errorf("unknown post state %q: %w", s, intel.ErrInvalid)
}

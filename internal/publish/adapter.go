// Package publish puts composed posts on the platforms exactly once.
//
// An Adapter is one platform's thin client (internal/publish/xapi,
// mastodon, bluesky, misskey, webhook); Publisher drives the adapters
// through the store's outbox: every part of a thread is recorded before it
// is sent and marked published with its remote id after, and a part found
// half-sent after a crash is reconciled (Adapter.Find, or the platform's
// idempotency key) before it is sent again. docs/PUBLISHING.md is the
// user's side of this.
package publish

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/iocast/iocast/postfmt"
)

// The platforms iocast publishes to, in the order `iocast post` uses.
const (
	PlatformX        = "x"
	PlatformMastodon = "mastodon"
	PlatformBluesky  = "bluesky"
	PlatformMisskey  = "misskey"
	PlatformWebhook  = "webhook"
)

// Platforms lists every platform name.
var Platforms = []string{PlatformX, PlatformMastodon, PlatformBluesky, PlatformMisskey, PlatformWebhook}

// Adapter is one platform's client. Every method may be called
// concurrently with itself but is called by Publisher one at a time.
// Errors from the platform are *APIError (see Do); errors must never
// contain a credential, and for the webhook not even its URL.
type Adapter interface {
	// Platform returns the platform's name, one of Platforms.
	Platform() string
	// Limits says how posts must be composed for this account: which of
	// postfmt's length rules apply and the instance's limit. It may ask
	// the platform (Mastodon's GET /api/v2/instance) and cache the answer.
	Limits(ctx context.Context) (Limits, error)
	// Check verifies the credentials without posting and returns who they
	// belong to.
	Check(ctx context.Context) (Account, error)
	// Upload sends an image to attach to a later Send.
	Upload(ctx context.Context, m Media) (MediaRef, error)
	// Send publishes one post and returns its remote id and link.
	Send(ctx context.Context, m Message) (Remote, error)
	// Find looks among the account's latest posts for the one m would
	// have created (same text; a reply to m.Parent when that is set): what
	// Publisher asks after a crash or an ambiguous failure between sending
	// a part and recording it. ok is false when there is none. An adapter
	// that cannot list its posts (the webhook) returns ErrCannotFind.
	Find(ctx context.Context, m Message) (r Remote, ok bool, err error)
}

// ErrCannotFind is returned by Adapter.Find when the platform offers no
// way to list what was posted.
var ErrCannotFind = errors.New("the platform cannot list what was posted")

// Limits is how an account's posts are composed.
type Limits struct {
	// Rules is the postfmt platform whose length rules and link detection
	// apply: postfmt.PlatformX, PlatformMastodon or PlatformBluesky.
	Rules string
	// Max is the longest post the account may send, as Rules counts; zero
	// means the Rules platform's default.
	Max int
}

// Account is who a set of credentials belongs to.
type Account struct {
	Platform string `json:"platform"`
	// Name is the handle or user name (@user@instance for Mastodon).
	Name string `json:"name"`
	// ID is the platform's id of the account (a DID for Bluesky).
	ID string `json:"id,omitempty"`
	// URL is the account's profile page, when the platform has one.
	URL string `json:"url,omitempty"`
	// Limit is the account's post length limit, when the platform says.
	Limit int `json:"limit,omitempty"`
}

// Media is an image to attach: the evidence card.
type Media struct {
	// Name is a file name for multipart uploads ("card.png").
	Name string
	// MIME is the content type ("image/png").
	MIME string
	Data []byte
	// Alt is the image description for screen readers.
	Alt string
	// Width and Height are the image's size in pixels.
	Width, Height int
}

// MediaRef is an uploaded image, to put in Message.Media.
type MediaRef struct {
	// ID is the platform's media id (X, Mastodon, Misskey).
	ID string
	// Blob is Bluesky's blob reference, as uploadBlob returned it.
	Blob json.RawMessage
	// Alt, Width and Height repeat the Media's, for platforms that set
	// them on the post rather than on the upload.
	Alt           string
	Width, Height int
}

// Message is one post to send: a single post or one part of a thread.
type Message struct {
	Text string
	// Facets are Text's Bluesky facets (links and hashtags with UTF-8 byte
	// offsets); only the Bluesky adapter uses them.
	Facets []postfmt.Facet
	// Media are images uploaded for this post (the first part only).
	Media []MediaRef
	// Parent is the post this one replies to (the part before it) and
	// Root the thread's first post; both nil for a single post or the
	// first part.
	Parent, Root *Remote
	// Key is stable for this part across restarts: Mastodon's
	// Idempotency-Key, the webhook's Idempotency-Key header. It is at most
	// 64 bytes of [0-9a-f-].
	Key string
	// Lang is the post's language ("en", "ja"), for platforms that take it.
	Lang string
}

// Remote is a published post.
type Remote struct {
	// ID is the platform's id: a tweet id, a status id, an at:// URI, a
	// note id; for the webhook, the Message.Key.
	ID string `json:"id"`
	// URL is the post's public link, when there is one.
	URL string `json:"url,omitempty"`
	// CID is the Bluesky record's content id, needed for reply
	// references. Publisher does not store it: the Bluesky adapter looks
	// it up (com.atproto.repo.getRecord) when a Parent or Root lacks it.
	CID string `json:"cid,omitempty"`
}

package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/postfmt"
)

// Step is a point of Publisher's protocol where a crash leaves a
// distinct state behind; Publisher.Fault is called at each, so that tests
// can stop it there as a kill would.
type Step string

// The steps, in the order they happen for each part.
const (
	// StepQueued: the thread's parts are recorded as queued, nothing sent.
	StepQueued Step = "queued"
	// StepSending: the part is recorded as sending; its request has not
	// left.
	StepSending Step = "sending"
	// StepSent: the platform answered that the part is published; the
	// store does not know yet.
	StepSent Step = "sent"
	// StepPublished: the part is recorded as published.
	StepPublished Step = "published"
)

// Publisher publishes composed sightings through the outbox of a store,
// exactly once per platform (see the package comment and
// docs/PUBLISHING.md).
type Publisher struct {
	// Outbox records every part before it is sent.
	Outbox store.Outbox
	// Adapters are the configured platforms, by Adapter.Platform.
	Adapters map[string]Adapter
	// Retry says how often and how long to retry.
	Retry Retry
	// Log receives progress at debug level; nil discards.
	Log *slog.Logger
	// Fault, when set, is called at each Step; an error stops Publish for
	// that platform right there, as a crash would, and is returned. Tests
	// use it; it is nil otherwise.
	Fault func(step Step, platform string, part int) error
}

// Job is one sighting to publish.
type Job struct {
	// Sighting is the normalised sighting; Hash its store.SightingHash,
	// which names its threads; SightingID its id in the store (0: none).
	Sighting   *intel.Sighting
	Hash       string
	SightingID int64
	// Lang is the label set (postfmt.LangEN or LangJA) and MaxParts the
	// cap on a thread's parts (0: none), as for postfmt.Compose.
	Lang     string
	MaxParts int
	// Card, when set, is attached to the first part.
	Card *Media
	// Again publishes the sighting again on a platform where it was
	// published already, as a new thread.
	Again bool
}

// Result is what Publish did on one platform.
type Result struct {
	Platform string `json:"platform"`
	// Thread names the outbox thread ("" when none was made).
	Thread string `json:"thread,omitempty"`
	// Parts are the thread's parts with their state and remote post.
	Parts []PartResult `json:"parts,omitempty"`
	// Resumed is set when an unfinished thread of an earlier run was
	// continued rather than a new one composed.
	Resumed bool `json:"resumed,omitempty"`
	// Err is why the platform's thread is not (completely) published:
	// nil when it is. An error wrapping intel.ErrExists means it was
	// published before and Job.Again was not set.
	Err error `json:"-"`
}

// PartResult is one part of a Result.
type PartResult struct {
	Text  string          `json:"text"`
	State store.PostState `json:"state"`
	// ID and URL are the remote post's, once published.
	ID  string `json:"id,omitempty"`
	URL string `json:"url,omitempty"`
	// Reconciled is set when the part was found already on the platform
	// after an earlier attempt whose outcome was unknown.
	Reconciled bool `json:"reconciled,omitempty"`
}

// DefaultLimits are the composition rules of each platform when its
// account is not asked (a dry run without credentials).
func DefaultLimits(platform string) Limits {
	switch platform {
	case PlatformX:
		return Limits{Rules: postfmt.PlatformX}
	case PlatformBluesky:
		return Limits{Rules: postfmt.PlatformBluesky}
	case PlatformMisskey:
		return Limits{Rules: postfmt.PlatformMastodon, Max: 3000}
	case PlatformWebhook:
		return Limits{Rules: postfmt.PlatformMastodon, Max: 1500} // webhook.ComposeMax
	}
	return Limits{Rules: postfmt.PlatformMastodon}
}

// Compose writes the sighting as the posts of one platform under lim.
func Compose(job Job, lim Limits) (*postfmt.Post, error) {
	return postfmt.Compose(job.Sighting, postfmt.Options{Platform: lim.Rules, Max: lim.Max, Lang: job.Lang, MaxParts: job.MaxParts})
}

// ThreadName names generation gen (1, 2, … with --again) of a sighting's
// thread on a platform: "<hash>/<platform>/<gen>".
func ThreadName(hash, platform string, gen int) string {
	return hash + "/" + platform + "/" + strconv.Itoa(gen)
}

// PartKey is the idempotency key of a thread's part: 32 hex digits derived
// from the thread name and the part, the same on every run.
func PartKey(thread string, part int) string {
	h := sha256.Sum256([]byte(thread + "#" + strconv.Itoa(part)))
	return hex.EncodeToString(h[:16])
}

// Publish publishes job on each platform in turn; a failure on one does
// not stop the others. It returns one Result per platform, in order.
func (p *Publisher) Publish(ctx context.Context, job Job, platforms []string) []Result {
	out := make([]Result, 0, len(platforms))
	for _, name := range platforms {
		r := Result{Platform: name}
		a, ok := p.Adapters[name]
		if !ok {
			r.Err = fmt.Errorf("%s: no account is configured; see docs/PUBLISHING.md", Name(name))
		} else {
			r.Err = p.publishOn(ctx, a, job, &r)
		}
		out = append(out, r)
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

// Existing looks at the outbox for a sighting's threads on a platform: the
// newest generation, whether a thread was published completely, and the
// newest unfinished thread, if any.
func Existing(ctx context.Context, ob store.Outbox, hash, platform string) (gen int, published []store.Post, unfinished []store.Post, err error) {
	posts, err := ob.Posts(ctx, store.PostFilter{ThreadPrefix: hash + "/" + platform + "/"})
	if err != nil {
		return 0, nil, nil, err
	}
	threads := map[int][]store.Post{}
	for _, post := range posts {
		g, err := strconv.Atoi(post.Thread[strings.LastIndexByte(post.Thread, '/')+1:])
		if err != nil {
			continue
		}
		threads[g] = append(threads[g], post)
		gen = max(gen, g)
	}
	for g := 1; g <= gen; g++ {
		parts := threads[g]
		if len(parts) == 0 {
			continue
		}
		done := true
		for _, post := range parts {
			done = done && post.State == store.PostPublished
		}
		if done {
			published = parts
		} else {
			unfinished = parts
		}
	}
	return gen, published, unfinished, nil
}

func (p *Publisher) publishOn(ctx context.Context, a Adapter, job Job, r *Result) error {
	name := a.Platform()
	gen, published, unfinished, err := Existing(ctx, p.Outbox, job.Hash, name)
	if err != nil {
		return err
	}
	parts := unfinished
	switch {
	case unfinished != nil:
		r.Resumed = true
	case published != nil && !job.Again:
		where := published[0].URL
		if where == "" {
			where = "id " + published[0].RemoteID
		}
		return fmt.Errorf("%s: this sighting was published already (%s); use --again to post it again: %w", Name(name), where, intel.ErrExists)
	default:
		lim, err := a.Limits(ctx)
		if err != nil {
			return err
		}
		post, err := Compose(job, lim)
		if err != nil {
			return fmt.Errorf("%s: %w", Name(name), err)
		}
		thread := ThreadName(job.Hash, name, gen+1)
		for i, part := range post.Parts {
			parts = append(parts, store.Post{SightingID: job.SightingID, Platform: name, Text: part.Text,
				State: store.PostQueued, Thread: thread, Part: i, Key: PartKey(thread, i)})
		}
		ids, err := p.Outbox.AddPosts(ctx, parts)
		if err != nil {
			return err
		}
		for i := range parts {
			parts[i].ID = ids[i]
		}
	}
	r.Thread = parts[0].Thread
	for _, post := range parts {
		r.Parts = append(r.Parts, PartResult{Text: post.Text, State: post.State, ID: post.RemoteID, URL: post.URL})
	}
	if err := p.fault(StepQueued, name, -1); err != nil {
		return err
	}
	var root, parent *Remote
	for i, post := range parts {
		msg := Message{Text: post.Text, Parent: parent, Root: root, Key: post.Key, Lang: job.Lang}
		if name == PlatformBluesky {
			msg.Facets = postfmt.BlueskyFacets(post.Text)
		}
		var rem Remote
		if post.State == store.PostPublished {
			rem = Remote{ID: post.RemoteID, URL: post.URL}
		} else {
			rem, err = p.sendPart(ctx, a, job, post, i, msg, &r.Parts[i])
			if err != nil {
				r.Parts[i].State = store.PostFailed
				return fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
		}
		if root == nil {
			root = &rem
		}
		parent = &rem
		r.Parts[i].State, r.Parts[i].ID, r.Parts[i].URL = store.PostPublished, rem.ID, rem.URL
	}
	return nil
}

// sendPart publishes one part that is not published: it reconciles a part
// that may have been sent before, marks it sending, sends it with retries,
// and marks it published.
func (p *Publisher) sendPart(ctx context.Context, a Adapter, job Job, post store.Post, i int, msg Message, pr *PartResult) (Remote, error) {
	name := a.Platform()
	ob := p.Outbox
	// A part that was sending when iocast stopped, or failed after a
	// request that may have reached the platform, is looked for first.
	if post.Attempts > 0 {
		rem, found, err := a.Find(ctx, msg)
		switch {
		case errors.Is(err, ErrCannotFind):
			p.log().Debug("cannot reconcile; sending again with the same idempotency key", "platform", name, "part", i)
		case err != nil:
			return Remote{}, fmt.Errorf("cannot tell whether it was posted before (%w); nothing was sent: run again to retry", err)
		case found:
			pr.Reconciled = true
			if post.State == store.PostFailed {
				if err := ob.SetPostState(ctx, post.ID, store.PostQueued, "", "", ""); err != nil {
					return Remote{}, err
				}
			}
			if err := ob.SetPostState(ctx, post.ID, store.PostPublished, rem.ID, rem.URL, ""); err != nil {
				return Remote{}, err
			}
			return rem, nil
		}
	}
	if i == 0 && job.Card != nil {
		ref, err := retryDo(ctx, p, name, func() (MediaRef, error) { return a.Upload(ctx, *job.Card) })
		if err != nil {
			return Remote{}, fmt.Errorf("uploading the card: %w", err)
		}
		if ref.ID != "" || ref.Blob != nil {
			msg.Media = []MediaRef{ref}
		}
	}
	// Claim the part: of two publishers that read it as it is, only one
	// goes on.
	if err := ob.Claim(ctx, post.ID, post.State, post.Attempts); err != nil {
		if errors.Is(err, store.ErrClaimed) {
			return Remote{}, fmt.Errorf("%w; run again once it is done", err)
		}
		return Remote{}, err
	}
	if err := p.fault(StepSending, name, i); err != nil {
		return Remote{}, err
	}
	maybe := false
	rem, err := retryDo(ctx, p, name, func() (Remote, error) {
		if maybe {
			// The last request may have published the part: look before
			// sending it again.
			rem, found, err := a.Find(ctx, msg)
			switch {
			case err == nil && found:
				pr.Reconciled = true
				return rem, nil
			case err != nil && !errors.Is(err, ErrCannotFind):
				return Remote{}, err
			}
		}
		rem, err := a.Send(ctx, msg)
		maybe = maybe || (err != nil && MaybeSent(err))
		return rem, err
	})
	if err != nil {
		// Record the failure; a kill here leaves the part sending, which
		// the next run reconciles the same way.
		msgErr := err.Error()
		if serr := ob.SetPostState(context.WithoutCancel(ctx), post.ID, store.PostFailed, "", "", msgErr); serr != nil {
			p.log().Warn("cannot record a failed post", "platform", name, "part", i, "err", serr)
		}
		return Remote{}, err
	}
	if err := p.fault(StepSent, name, i); err != nil {
		return Remote{}, err
	}
	if err := ob.SetPostState(context.WithoutCancel(ctx), post.ID, store.PostPublished, rem.ID, rem.URL, ""); err != nil {
		return Remote{}, fmt.Errorf("posted as %s but not recorded (the next run finds it): %w", rem.ID, err)
	}
	p.log().Debug("published", "platform", name, "part", i, "id", rem.ID)
	if err := p.fault(StepPublished, name, i); err != nil {
		return Remote{}, err
	}
	return rem, nil
}

func (p *Publisher) fault(step Step, platform string, part int) error {
	if p.Fault == nil {
		return nil
	}
	return p.Fault(step, platform, part)
}

func (p *Publisher) log() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}

package publish_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/sightingio"
	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/sqlite"
	"github.com/iocast/iocast/postfmt"
)

// fake is an in-memory platform: what it holds is what was posted.
type fake struct {
	mu       sync.Mutex
	name     string
	posts    []fakePost
	uploads  int
	sends    int
	finds    int
	canFind  bool
	sendErrs []sendErr // answers of the next Sends, in order
	findErr  error
}

type fakePost struct {
	id, text, parent, root, key string
	media                       []string
}

// sendErr is how one Send fails: created says whether the post was
// created anyway (an answer lost after the platform stored it).
type sendErr struct {
	err     error
	created bool
}

func newFake(name string) *fake { return &fake{name: name, canFind: true} }

func (f *fake) Platform() string { return f.name }
func (f *fake) Limits(context.Context) (publish.Limits, error) {
	return publish.DefaultLimits(f.name), nil
}
func (f *fake) Check(context.Context) (publish.Account, error) {
	return publish.Account{Platform: f.name, Name: "@analyst"}, nil
}
func (f *fake) Upload(_ context.Context, m publish.Media) (publish.MediaRef, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads++
	return publish.MediaRef{ID: "m" + strconv.Itoa(f.uploads), Alt: m.Alt}, nil
}

func (f *fake) Send(_ context.Context, m publish.Message) (publish.Remote, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sends++
	var fail *sendErr
	if len(f.sendErrs) > 0 {
		fail = &f.sendErrs[0]
		f.sendErrs = f.sendErrs[1:]
	}
	if fail != nil && !fail.created {
		return publish.Remote{}, fail.err
	}
	p := fakePost{id: strconv.Itoa(100 + len(f.posts)), text: m.Text, key: m.Key}
	if m.Parent != nil {
		p.parent, p.root = m.Parent.ID, m.Root.ID
	}
	for _, ref := range m.Media {
		p.media = append(p.media, ref.ID)
	}
	f.posts = append(f.posts, p)
	if fail != nil {
		return publish.Remote{}, fail.err
	}
	return publish.Remote{ID: p.id, URL: "https://example.social/" + p.id}, nil
}

func (f *fake) Find(_ context.Context, m publish.Message) (publish.Remote, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finds++
	if !f.canFind {
		return publish.Remote{}, false, publish.ErrCannotFind
	}
	if f.findErr != nil {
		return publish.Remote{}, false, f.findErr
	}
	for _, p := range slices.Backward(f.posts) {
		if p.text == m.Text && (m.Parent == nil || p.parent == m.Parent.ID) {
			return publish.Remote{ID: p.id, URL: "https://example.social/" + p.id}, true, nil
		}
	}
	return publish.Remote{}, false, nil
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "iocast.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// job reads an example sighting; plugx-campaign needs a thread on X.
func job(t *testing.T, name string) publish.Job {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "sightings", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sightingio.Decode(data, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	return publish.Job{Sighting: s, Hash: store.SightingHash(s), Card: &publish.Media{Name: "card.png", MIME: "image/png", Data: []byte("png"), Alt: "card"}}
}

// noWait is a Retry that records its waits instead of sleeping.
func noWait(waits *[]time.Duration) publish.Retry {
	return publish.Retry{
		Sleep: func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil },
		Now:   func() time.Time { return time.Unix(1_800_000_000, 0) },
		Rand:  func() float64 { return 0.5 },
	}
}

// checkThread checks that the platform holds the composed thread exactly
// once, each part replying to the one before, the card on the first.
func checkThread(t *testing.T, f *fake, want []string) {
	t.Helper()
	var got []string
	for i, p := range f.posts {
		got = append(got, p.text)
		switch {
		case i == 0 && (p.parent != "" || len(p.media) != 1):
			t.Errorf("first post %+v: want no parent and the card", p)
		case i > 0 && (p.parent != f.posts[i-1].id || p.root != f.posts[0].id || len(p.media) != 0):
			t.Errorf("post %d %+v: want a reply to %s in thread %s, no media", i, p, f.posts[i-1].id, f.posts[0].id)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("platform holds %d posts, want the %d parts once each:\n%q", len(got), len(want), got)
	}
}

func composed(t *testing.T, j publish.Job, platform string) []string {
	t.Helper()
	post, err := publish.Compose(j, publish.DefaultLimits(platform))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range post.Parts {
		texts = append(texts, p.Text)
	}
	return texts
}

func TestPublishThreadOnce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	j := job(t, "plugx-campaign")
	want := composed(t, j, publish.PlatformX)
	if len(want) < 2 {
		t.Fatalf("plugx-campaign composes as %d part(s) on X; the test needs a thread", len(want))
	}
	fx, fb := newFake(publish.PlatformX), newFake(publish.PlatformBluesky)
	var waits []time.Duration
	p := &publish.Publisher{Outbox: s.Outbox(), Adapters: map[string]publish.Adapter{"x": fx, "bluesky": fb}, Retry: noWait(&waits)}
	res := p.Publish(ctx, j, []string{"x", "bluesky", "mastodon"})
	if len(res) != 3 || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("Publish = %+v", res)
	}
	if res[2].Err == nil || !strings.Contains(res[2].Err.Error(), "no account is configured") {
		t.Errorf("mastodon without an account: %v", res[2].Err)
	}
	checkThread(t, fx, want)
	checkThread(t, fb, composed(t, j, publish.PlatformBluesky))
	for _, pr := range res[0].Parts {
		if pr.State != store.PostPublished || pr.ID == "" || pr.URL == "" {
			t.Errorf("part result %+v", pr)
		}
	}
	posts, _ := s.Outbox().Posts(ctx, store.PostFilter{Thread: res[0].Thread})
	for i, post := range posts {
		if post.State != store.PostPublished || post.RemoteID != fx.posts[i].id || post.Key != publish.PartKey(res[0].Thread, i) || post.Attempts != 1 {
			t.Errorf("outbox post %d: %+v", i, post)
		}
	}

	// The same sighting again is refused, and --again posts a new thread.
	res = p.Publish(ctx, j, []string{"x"})
	if !errors.Is(res[0].Err, intel.ErrExists) || !strings.Contains(res[0].Err.Error(), "--again") {
		t.Errorf("second Publish: %v, want ErrExists naming --again", res[0].Err)
	}
	if len(fx.posts) != len(want) {
		t.Fatalf("a refused Publish posted: %d posts", len(fx.posts))
	}
	j.Again = true
	res = p.Publish(ctx, j, []string{"x"})
	if res[0].Err != nil || !strings.HasSuffix(res[0].Thread, "/x/2") {
		t.Fatalf("Publish --again = %+v", res[0])
	}
	if len(fx.posts) != 2*len(want) || fx.posts[len(want)].parent != "" {
		t.Errorf("--again: %d posts, the new thread's first %+v", len(fx.posts), fx.posts[len(want)])
	}
	if len(waits) != 0 {
		t.Errorf("waited %v without errors", waits)
	}
}

var errCrash = errors.New("crash")

// TestPublishCrashAtEveryStep stops Publish at every step of every part,
// as a kill would, then runs it again: the platform must hold every part
// exactly once, in order.
func TestPublishCrashAtEveryStep(t *testing.T) {
	j := job(t, "plugx-campaign")
	want := composed(t, j, publish.PlatformX)
	for _, canFind := range []bool{true, false} {
		for _, step := range []publish.Step{publish.StepQueued, publish.StepSending, publish.StepSent, publish.StepPublished} {
			for part := range want {
				if step == publish.StepQueued && part > 0 {
					continue
				}
				name := fmt.Sprintf("find=%v/%s/part%d", canFind, step, part)
				t.Run(name, func(t *testing.T) {
					ctx := context.Background()
					s := openStore(t)
					f := newFake(publish.PlatformX)
					f.canFind = canFind
					var waits []time.Duration
					p := &publish.Publisher{Outbox: s.Outbox(), Adapters: map[string]publish.Adapter{"x": f}, Retry: noWait(&waits)}
					p.Fault = func(st publish.Step, _ string, n int) error {
						if st == step && (n == part || st == publish.StepQueued) {
							return errCrash
						}
						return nil
					}
					if res := p.Publish(ctx, j, []string{"x"}); !errors.Is(res[0].Err, errCrash) {
						t.Fatalf("first run: %v, want the crash", res[0].Err)
					}
					p.Fault = nil
					res := p.Publish(ctx, j, []string{"x"})
					if step == publish.StepPublished && part == len(want)-1 {
						// Everything was recorded before the crash.
						if !errors.Is(res[0].Err, intel.ErrExists) {
							t.Fatalf("second run: %v, want ErrExists", res[0].Err)
						}
						checkThread(t, f, want)
						return
					}
					if res[0].Err != nil || !res[0].Resumed {
						t.Fatalf("second run: %+v", res[0])
					}
					if !canFind && step == publish.StepSent {
						// Without a way to look, the part is sent again
						// with the same idempotency key: the receiver is
						// the one who can tell (docs/PUBLISHING.md).
						if len(f.posts) != len(want)+1 || f.posts[part].key != f.posts[part+1].key || f.posts[part].text != f.posts[part+1].text {
							t.Fatalf("want part %d sent twice with one key, got %d posts", part, len(f.posts))
						}
						return
					}
					checkThread(t, f, want)
					reconciled := false
					for _, pr := range res[0].Parts {
						reconciled = reconciled || pr.Reconciled
					}
					if want := canFind && step == publish.StepSent; reconciled != want {
						t.Errorf("reconciled = %v, want %v", reconciled, want)
					}
					if res := p.Publish(ctx, j, []string{"x"}); !errors.Is(res[0].Err, intel.ErrExists) {
						t.Errorf("third run: %v, want ErrExists", res[0].Err)
					}
				})
			}
		}
	}
}

func apiErr(status int, retryAt time.Time) error {
	return &publish.APIError{Platform: "x", Status: status, RetryAt: retryAt}
}

func TestPublishFailures(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name      string
		errs      []sendErr
		wantErr   string // "" for success
		wantSends int
		wantWaits []time.Duration
		wantPosts int
	}{
		{name: "5xx then success", errs: []sendErr{{err: apiErr(503, time.Time{})}, {err: apiErr(502, time.Time{})}},
			wantSends: 3, wantWaits: []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond}, wantPosts: 1},
		{name: "lost answer is found, not sent again", errs: []sendErr{{err: &publish.APIError{Platform: "x", Err: errors.New("connection reset")}, created: true}},
			wantSends: 1, wantWaits: []time.Duration{750 * time.Millisecond}, wantPosts: 1},
		{name: "500 after storing is found", errs: []sendErr{{err: apiErr(500, time.Time{}), created: true}},
			wantSends: 1, wantWaits: []time.Duration{750 * time.Millisecond}, wantPosts: 1},
		{name: "429 waits for the reset", errs: []sendErr{{err: apiErr(429, now.Add(90*time.Second))}},
			wantSends: 2, wantWaits: []time.Duration{91 * time.Second}, wantPosts: 1},
		{name: "429 longer than MaxWait fails", errs: []sendErr{{err: apiErr(429, now.Add(2*time.Hour))}},
			wantErr: "run again later", wantSends: 1},
		{name: "401 is never retried", errs: []sendErr{{err: apiErr(401, time.Time{})}},
			wantErr: "answered 401", wantSends: 1},
		{name: "422 is never retried", errs: []sendErr{{err: apiErr(422, time.Time{})}},
			wantErr: "answered 422", wantSends: 1},
		{name: "gives up after 5 attempts", errs: slices.Repeat([]sendErr{{err: apiErr(500, time.Time{})}}, 5),
			wantErr: "gave up after 5 attempts", wantSends: 5,
			wantWaits: []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t)
			f := newFake(publish.PlatformX)
			f.sendErrs = tt.errs
			var waits []time.Duration
			p := &publish.Publisher{Outbox: s.Outbox(), Adapters: map[string]publish.Adapter{"x": f}, Retry: noWait(&waits)}
			j := job(t, "lodeinfo")
			res := p.Publish(ctx, j, []string{"x"})
			switch {
			case tt.wantErr == "" && res[0].Err != nil:
				t.Fatalf("Publish: %v", res[0].Err)
			case tt.wantErr != "" && (res[0].Err == nil || !strings.Contains(res[0].Err.Error(), tt.wantErr)):
				t.Fatalf("Publish: %v, want an error with %q", res[0].Err, tt.wantErr)
			}
			if f.sends != tt.wantSends || len(f.posts) != tt.wantPosts || !slices.Equal(waits, tt.wantWaits) {
				t.Errorf("sends %d (want %d), posts %d (want %d), waits %v (want %v)", f.sends, tt.wantSends, len(f.posts), tt.wantPosts, waits, tt.wantWaits)
			}
			posts, _ := s.Outbox().Posts(ctx, store.PostFilter{})
			wantState := store.PostPublished
			if tt.wantErr != "" {
				wantState = store.PostFailed
			}
			if len(posts) != 1 || posts[0].State != wantState {
				t.Fatalf("outbox %+v, want one %s post", posts, wantState)
			}
			if tt.wantErr != "" {
				// The next run resumes the failed part and succeeds.
				if res := p.Publish(ctx, j, []string{"x"}); res[0].Err != nil || !res[0].Resumed || len(f.posts) != 1 {
					t.Errorf("resume: %+v, %d posts", res[0], len(f.posts))
				}
			}
		})
	}
}

// A part whose outcome is unknown is not sent again when the platform
// cannot be asked about it.
func TestPublishFindFails(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := newFake(publish.PlatformX)
	var waits []time.Duration
	p := &publish.Publisher{Outbox: s.Outbox(), Adapters: map[string]publish.Adapter{"x": f}, Retry: noWait(&waits)}
	p.Fault = func(st publish.Step, _ string, _ int) error {
		if st == publish.StepSent {
			return errCrash
		}
		return nil
	}
	j := job(t, "lodeinfo")
	p.Publish(ctx, j, []string{"x"})
	p.Fault = nil
	f.findErr = apiErr(503, time.Time{})
	res := p.Publish(ctx, j, []string{"x"})
	if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "cannot tell whether it was posted") || f.sends != 1 {
		t.Fatalf("Publish with Find failing: %v, %d sends", res[0].Err, f.sends)
	}
	f.findErr = nil
	if res := p.Publish(ctx, j, []string{"x"}); res[0].Err != nil || !res[0].Parts[0].Reconciled || f.sends != 1 {
		t.Errorf("after Find recovers: %+v, %d sends", res[0], f.sends)
	}
}

func TestRetryAt(t *testing.T) {
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		header, value string
		want          time.Time
	}{
		{"Retry-After", "120", now.Add(2 * time.Minute)},
		{"Retry-After", "Thu, 26 Nov 2026 03:05:00 GMT", now.Add(5 * time.Minute)},
		{"X-Rate-Limit-Reset", "1795662000", time.Unix(1795662000, 0)},
		{"X-Rate-Limit-Reset", "2026-11-26T03:10:00.000Z", now.Add(10 * time.Minute)},
		{"Ratelimit-Reset", "1795662000", time.Unix(1795662000, 0)},
		{"Ratelimit-Reset", "30", now.Add(30 * time.Second)},
		{"Retry-After", "soon", time.Time{}},
	}
	for _, tt := range tests {
		h := map[string][]string{tt.header: {tt.value}}
		if got := publish.RetryAt(h, now); !got.Equal(tt.want) {
			t.Errorf("%s: %s → %v, want %v", tt.header, tt.value, got, tt.want)
		}
	}
}

func TestDefaultLimitsCompose(t *testing.T) {
	j := job(t, "lodeinfo")
	for _, name := range publish.Platforms {
		post, err := publish.Compose(j, publish.DefaultLimits(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, part := range post.Parts {
			if part.Length > part.Limit || (name == publish.PlatformWebhook && part.Limit != 1500) {
				t.Errorf("%s: part of length %d, limit %d", name, part.Length, part.Limit)
			}
		}
	}
	if got := publish.DefaultLimits(publish.PlatformBluesky).Rules; got != postfmt.PlatformBluesky {
		t.Errorf("bluesky rules %q", got)
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"title":"Forbidden","detail":"You are not permitted to perform this action.","type":"about:blank","status":403}`, "You are not permitted to perform this action."},
		{`{"errors":[{"message":"Rate limit exceeded","code":88}]}`, "Rate limit exceeded"},
		{`{"error":"Validation failed: Text character limit of 500 exceeded"}`, "Validation failed: Text character limit of 500 exceeded"},
		{`{"error":"InvalidToken","message":"Token could not be verified"}`, "InvalidToken: Token could not be verified"},
		{`{"error":{"message":"Credential required.","code":"CREDENTIAL_REQUIRED","id":"1384574d"}}`, "Credential required."},
		{`{"code":50035,"errors":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"}]}},"message":"Invalid Form Body"}`, "Invalid Form Body"},
		{"<html>\n<body>Bad Gateway</body>", "<html>"},
		{strings.Repeat("é", 300), strings.Repeat("é", 100) + "…"},
	}
	for _, tt := range tests {
		if got := publish.ErrorMessage([]byte(tt.body)); got != tt.want {
			t.Errorf("ErrorMessage(%.40q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

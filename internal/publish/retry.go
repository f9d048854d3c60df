package publish

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Retry says how Publisher retries a request that failed for a reason
// that may pass: a 5xx answer or a network error (capped exponential
// backoff with jitter), or a 429 (waiting until the time the platform
// gave). Authentication errors and other refusals are never retried. The
// zero Retry uses the defaults documented on each field.
type Retry struct {
	// Attempts is how many times a request is tried in all (default 5).
	Attempts int
	// Base is the first backoff (default 1s); each retry doubles it, up
	// to Cap (default 1m). The wait is a random duration between half the
	// backoff and the backoff (jitter), so that many clients do not retry
	// in step.
	Base, Cap time.Duration
	// MaxWait is the longest iocast waits for a rate limit to reset
	// (default 15m); a longer one fails the part, which the next run
	// resumes.
	MaxWait time.Duration
	// Sleep waits d or until ctx is done (default: a timer). Tests
	// replace it so that they never wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock (default time.Now); Rand returns a number in
	// [0, 1) for the jitter (default math/rand/v2).
	Now  func() time.Time
	Rand func() float64
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.Base <= 0 {
		r.Base = time.Second
	}
	if r.Cap <= 0 {
		r.Cap = time.Minute
	}
	if r.MaxWait <= 0 {
		r.MaxWait = 15 * time.Minute
	}
	if r.Sleep == nil {
		r.Sleep = sleep
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Rand == nil {
		r.Rand = rand.Float64
	}
	return r
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff returns the wait before retry n (0 for the first retry).
func (r Retry) Backoff(n int) time.Duration {
	r = r.withDefaults()
	d := r.Base
	for i := 0; i < n && d < r.Cap; i++ {
		d *= 2
	}
	d = min(d, r.Cap)
	return d/2 + time.Duration(r.Rand()*float64(d/2))
}

// retryDo calls fn until it succeeds, fails for good, or runs out of
// attempts, waiting between tries as p.Retry says.
func retryDo[T any](ctx context.Context, p *Publisher, platform string, fn func() (T, error)) (T, error) {
	r := p.Retry.withDefaults()
	var zero T
	for n := 0; ; n++ {
		v, err := fn()
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		var wait time.Duration
		switch KindOf(err) {
		case Transient:
			wait = r.Backoff(n)
		case RateLimited:
			wait = r.Backoff(n)
			if at := rateLimitAt(err); !at.IsZero() {
				wait = max(at.Sub(r.Now()), 0) + time.Second
			}
			if wait > r.MaxWait {
				return zero, fmt.Errorf("%w (the limit resets in %s, longer than iocast waits: run again later)", err, wait.Round(time.Second))
			}
		default:
			return zero, err
		}
		if n+1 >= r.Attempts {
			return zero, fmt.Errorf("%w (gave up after %d attempts)", err, r.Attempts)
		}
		p.log().Debug("retrying", "platform", platform, "attempt", n+2, "wait", wait, "err", err)
		if err := r.Sleep(ctx, wait); err != nil {
			return zero, err
		}
	}
}

func rateLimitAt(err error) time.Time {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAt
	}
	return time.Time{}
}

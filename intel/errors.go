package intel

import "errors"

// Sentinel errors. Packages wrap them with context (fmt.Errorf("...: %w", err))
// and callers test them with errors.Is; the CLI maps them to exit codes and
// the server to HTTP statuses, each in one place.
var (
	// ErrInvalid reports a value that is not a valid indicator, sighting or
	// input of the expected form.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound reports a lookup that found nothing.
	ErrNotFound = errors.New("not found")
	// ErrTooLarge reports an input over a documented size limit.
	ErrTooLarge = errors.New("too large")
	// ErrRateLimited reports a remote service that asked us to slow down.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnauthorized reports credentials a remote service refused.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrExists reports something that may exist once and already does:
	// a post already published, a thread already queued.
	ErrExists = errors.New("already exists")
)

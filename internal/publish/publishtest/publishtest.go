// Package publishtest holds what the fake platform servers of the adapter
// tests share (each adapter has its own server in <adapter>/<adapter>test,
// answering as the platform documents): the posts a server received, and
// the faults a test makes it answer with.
package publishtest

import (
	"net/http"
	"sync"
)

// Post is a post a fake server created.
type Post struct {
	// ID is the id the server gave it (an at:// URI for Bluesky).
	ID   string
	Text string
	// ReplyTo is the id of the post it replies to, "" for none; Root the
	// thread's first post, where the platform records it (Bluesky).
	ReplyTo, Root string
	// Media are the ids of the media attached.
	Media []string
	// Key is the Idempotency-Key the request carried, if any.
	Key string
}

// Fault is how a fake server answers a create-post request instead of
// creating the post normally.
type Fault struct {
	// Status, Header and Body are the answer when Status is set; the post
	// is then not created (unless Created).
	Status int
	Header http.Header
	Body   string
	// Created creates the post before answering with Status (a 5xx
	// after the platform stored the post).
	Created bool
	// Drop creates the post and then closes the connection without an
	// answer: the client cannot know whether it was posted.
	Drop bool
	// Then, when set, is called after the post is created and before the
	// answer (or the drop): a test kills the publishing process here.
	Then func(Post)
}

// Faults is a queue of faults, safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	queue []Fault
}

// Push queues f for the next create-post request.
func (f *Faults) Push(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, faults...)
}

// Next takes the next fault, if any.
func (f *Faults) Next() (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) == 0 {
		return Fault{}, false
	}
	x := f.queue[0]
	f.queue = f.queue[1:]
	return x, true
}

// Answer writes a fault's status answer (Status must be set).
func (x Fault) Answer(w http.ResponseWriter) {
	for k, vs := range x.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if x.Body != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(x.Status)
	_, _ = w.Write([]byte(x.Body))
}

// DropConnection closes the request's connection without an answer.
func DropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// Package blueskytest is a fake Bluesky PDS for tests: the XRPC methods
// the bluesky adapter calls, answering as the reference PDS does, with one
// account, sessions whose tokens a test can expire, posts and blobs kept
// in memory, and faults injected on com.atproto.repo.createRecord.
package blueskytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iocast/iocast/internal/publish/bluesky"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
)

// The account the server holds.
const (
	Handle      = "iocast.test"
	DID         = "did:plc:iocastfakeaccountzzz2345"
	AppPassword = "iocs-test-fake-pass"
)

// Now is the time Config's clock always returns.
var Now = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// Request is a request the server received.
type Request struct {
	Method string
	// Path is the URL path ("/xrpc/com.atproto.repo.createRecord").
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Server is a fake PDS. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	// Faults are applied to createRecord requests, one each, after the
	// request is authenticated and validated.
	Faults publishtest.Faults

	mu       sync.Mutex
	requests []Request
	tokens   int
	access   map[string]bool // access token → expired
	refresh  map[string]bool // refresh token → expired
	lastAcc  string
	lastRef  string
	seq      int
	records  []*stored // oldest first
	byURI    map[string]*stored
	blobs    map[string]blob
	posts    []publishtest.Post
}

type stored struct {
	rkey, uri, cid string
	value          json.RawMessage
}

type blob struct {
	mime string
	size int
}

// New starts a server, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{
		access:  map[string]bool{},
		refresh: map[string]bool{},
		byURI:   map[string]*stored{},
		blobs:   map[string]blob{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Config returns a bluesky.Config for the server's account, with a clock
// fixed at Now.
func (s *Server) Config() bluesky.Config {
	return bluesky.Config{
		PDS:         s.URL,
		Handle:      Handle,
		AppPassword: secret.New(AppPassword),
		Now:         func() time.Time { return Now },
	}
}

// Env returns the environment that points iocast at the server.
func (s *Server) Env() map[string]string {
	return map[string]string{
		bluesky.EnvPDS:         s.URL,
		bluesky.EnvHandle:      Handle,
		bluesky.EnvAppPassword: AppPassword,
	}
}

// Posts returns the posts created so far, in order.
func (s *Server) Posts() []publishtest.Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]publishtest.Post(nil), s.posts...)
}

// Record returns the record stored at uri, as the client sent it.
func (s *Server) Record(uri string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byURI[uri]
	if !ok {
		return nil, false
	}
	return append(json.RawMessage(nil), r.value...), true
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Tokens returns the access and refresh tokens issued last ("" before any
// session): the secrets a test checks errors for.
func (s *Server) Tokens() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastAcc, s.lastRef
}

// ExpireAccess makes every access token issued so far expired: calls with
// them are answered 400 ExpiredToken.
func (s *Server) ExpireAccess() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.access {
		s.access[tok] = true
	}
}

// ExpireRefresh makes every refresh token issued so far expired.
func (s *Server) ExpireRefresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.refresh {
		s.refresh[tok] = true
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "cannot read the body")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()

	nsid, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	type method struct {
		verb string
		auth bool // an access token is required; else checked when given
		fn   func(http.ResponseWriter, *http.Request, []byte)
	}
	methods := map[string]method{
		"com.atproto.server.createSession":  {http.MethodPost, false, s.createSession},
		"com.atproto.server.refreshSession": {http.MethodPost, false, s.refreshSession},
		"com.atproto.server.getSession":     {http.MethodGet, true, s.getSession},
		"com.atproto.repo.uploadBlob":       {http.MethodPost, true, s.uploadBlob},
		"com.atproto.repo.createRecord":     {http.MethodPost, true, s.createRecord},
		"com.atproto.repo.getRecord":        {http.MethodGet, false, s.getRecord},
		"com.atproto.repo.listRecords":      {http.MethodGet, false, s.listRecords},
	}
	m, ok := methods[nsid]
	if !ok {
		xrpcError(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
		return
	}
	if r.Method != m.verb {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf("Incorrect HTTP method (%s) expected %s", r.Method, m.verb))
		return
	}
	if m.auth || (r.Header.Get("Authorization") != "" && nsid != "com.atproto.server.refreshSession" && nsid != "com.atproto.server.createSession") {
		if !s.checkAccess(w, r) {
			return
		}
	}
	m.fn(w, r, body)
}

// checkAccess answers as the reference PDS does when the request carries
// no valid access token, and reports whether it does.
func (s *Server) checkAccess(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		xrpcError(w, http.StatusUnauthorized, "AuthMissing", "Authentication Required")
		return false
	}
	s.mu.Lock()
	expired, known := s.access[tok]
	_, isRefresh := s.refresh[tok]
	s.mu.Unlock()
	switch {
	case isRefresh:
		xrpcError(w, http.StatusBadRequest, "InvalidToken", "Bad token scope")
	case !known:
		xrpcError(w, http.StatusBadRequest, "InvalidToken", "Token could not be verified")
	case expired:
		xrpcError(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
	default:
		return true
	}
	return false
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}
	if !isJSON(r) || json.Unmarshal(body, &in) != nil || in.Identifier == "" || in.Password == "" {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "Input must have the properties \"identifier\" and \"password\"")
		return
	}
	id := strings.ToLower(strings.TrimPrefix(in.Identifier, "@"))
	if (id != Handle && id != DID) || in.Password != AppPassword {
		xrpcError(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
		return
	}
	s.issue(w)
}

func (s *Server) refreshSession(w http.ResponseWriter, r *http.Request, _ []byte) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		xrpcError(w, http.StatusUnauthorized, "AuthMissing", "Authentication Required")
		return
	}
	s.mu.Lock()
	expired, known := s.refresh[tok]
	_, isAccess := s.access[tok]
	if known && !expired {
		delete(s.refresh, tok) // refresh tokens are used once
	}
	s.mu.Unlock()
	switch {
	case isAccess:
		xrpcError(w, http.StatusBadRequest, "InvalidToken", "Bad token scope")
	case !known:
		xrpcError(w, http.StatusBadRequest, "InvalidToken", "Token could not be verified")
	case expired:
		xrpcError(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
	default:
		s.issue(w)
	}
}

// issue creates a session and answers with it.
func (s *Server) issue(w http.ResponseWriter) {
	s.mu.Lock()
	s.tokens++
	s.lastAcc = fmt.Sprintf("fake-access-jwt-%d", s.tokens)
	s.lastRef = fmt.Sprintf("fake-refresh-jwt-%d", s.tokens)
	s.access[s.lastAcc] = false
	s.refresh[s.lastRef] = false
	acc, ref := s.lastAcc, s.lastRef
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"did":        DID,
		"handle":     Handle,
		"email":      "analyst@iocast.test",
		"accessJwt":  acc,
		"refreshJwt": ref,
		"active":     true,
	})
}

func (s *Server) getSession(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, map[string]any{"did": DID, "handle": Handle, "email": "analyst@iocast.test", "emailConfirmed": true, "active": true})
}

func xrpcError(w http.ResponseWriter, status int, name, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": name, "message": message})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func isJSON(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.TrimSpace(ct) == "application/json"
}

// Package xapitest is a fake X API v2 for tests: it checks the OAuth 1.0a
// signature of every request against its own credentials (401 as X
// answers when it does not match), serves GET /2/users/me, POST /2/tweets,
// POST /2/media/upload, POST /2/media/metadata and GET /2/users/:id/tweets
// with the documented request checks and answers, and keeps what it
// created in memory.
//
// Like X, it returns a post's text with every link rewritten to a t.co
// link, &, < and > HTML-escaped, and one more t.co link at the end when
// the post has media; and it refuses (403) a post whose text the account
// already posted, unless AllowDuplicates is set.
package xapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/xapi"
	"github.com/iocast/iocast/internal/secret"
)

// The credentials the server accepts, and the account they belong to.
const (
	ConsumerKey    = "xapitest-consumer-key"
	ConsumerSecret = "xapitest-consumer-secret+/="
	AccessToken    = "1500000000000000001-xapitestaccesstoken"
	AccessSecret   = "xapitest-access-secret&%"
	UserID         = "1500000000000000001"
	Username       = "iocast_test"
	DisplayName    = "iocast test"
)

// maxBody bounds the requests the server reads (an upload is at most
// 5 MB, in a multipart body).
const maxBody = 8 << 20

// Request is a request the server received.
type Request struct {
	Method string
	// Path is the URL path; Query its query.
	Path  string
	Query url.Values
	// Header holds the request's headers, Authorization included.
	Header http.Header
	Body   []byte
}

// Media is an image uploaded to the server.
type Media struct {
	ID, Key string
	// Category and Type are the media_category and media_type sent.
	Category, Type string
	// Name is the file name of the media part.
	Name string
	Data []byte
	// Alt is the alt text set with POST /2/media/metadata.
	Alt string
}

// Server is a fake X API v2.
type Server struct {
	*httptest.Server
	// Faults are applied, one each, to the POST /2/tweets requests.
	Faults publishtest.Faults
	// AllowDuplicates lets the account post a text it already posted;
	// X, and the server by default, refuse that with a 403.
	AllowDuplicates bool

	mu       sync.Mutex
	posts    []post
	media    []*Media
	requests []Request
	ids      int64 // the last id given out
	links    int64 // the last t.co link made
}

// post is a created post and the text X returns for it.
type post struct {
	publishtest.Post
	rendered string
}

// New starts a server; it is closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2/users/me", s.me)
	mux.HandleFunc("POST /2/tweets", s.createTweet)
	mux.HandleFunc("GET /2/users/{id}/tweets", s.userTweets)
	mux.HandleFunc("POST /2/media/upload", s.upload)
	mux.HandleFunc("POST /2/media/metadata", s.metadata)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{
			"errors": []any{map[string]any{"message": "Sorry, that page does not exist", "code": 34}},
		})
	})
	s.Server = httptest.NewServer(s.authenticate(mux))
	t.Cleanup(s.Close)
	return s
}

// Config returns an adapter Config pointing at the server, with its
// credentials.
func (s *Server) Config() xapi.Config {
	return xapi.Config{
		APIURL:         s.URL,
		ConsumerKey:    secret.New(ConsumerKey),
		ConsumerSecret: secret.New(ConsumerSecret),
		AccessToken:    secret.New(AccessToken),
		AccessSecret:   secret.New(AccessSecret),
	}
}

// Env returns the IOCAST_X_* variables that point iocast at the server.
func (s *Server) Env() map[string]string {
	return map[string]string{
		xapi.EnvAPIURL:         s.URL,
		xapi.EnvConsumerKey:    ConsumerKey,
		xapi.EnvConsumerSecret: ConsumerSecret,
		xapi.EnvAccessToken:    AccessToken,
		xapi.EnvAccessSecret:   AccessSecret,
	}
}

// Secrets returns the server's four credentials, for secret.Contains.
func Secrets() []secret.String {
	return []secret.String{secret.New(ConsumerKey), secret.New(ConsumerSecret), secret.New(AccessToken), secret.New(AccessSecret)}
}

// Posts returns the posts created so far, in order. Text is the text as
// sent, not as X returns it.
func (s *Server) Posts() []publishtest.Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]publishtest.Post, len(s.posts))
	for i, p := range s.posts {
		out[i] = p.Post
		out[i].Media = append([]string(nil), p.Media...)
	}
	return out
}

// Rendered returns the text of post id as X returns it (t.co links,
// escaped), and whether there is such a post.
func (s *Server) Rendered(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.posts {
		if p.ID == id {
			return p.rendered, true
		}
	}
	return "", false
}

// Media returns the images uploaded so far, in order.
func (s *Server) Media() []Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Media, len(s.media))
	for i, m := range s.media {
		out[i] = *m
	}
	return out
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// authenticate records each request and answers 401, as X does, when its
// signature is not the server's credentials'.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return
		}
		if len(body) > maxBody {
			problem(w, http.StatusRequestEntityTooLarge, "Payload Too Large", "The request is too large.", "about:blank")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Method: r.Method,
			Path:   r.URL.Path,
			Query:  r.URL.Query(),
			Header: r.Header.Clone(),
			Body:   body,
		})
		s.mu.Unlock()
		if !s.verify(r, body) {
			problem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized", "about:blank")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"data": map[string]any{"id": UserID, "name": DisplayName, "username": Username},
	})
}

// nextID returns a new snowflake-like id; s.mu must be held.
func (s *Server) nextID(base int64) string {
	s.ids++
	return strconv.FormatInt(base+s.ids, 10)
}

// tco returns a new t.co link; s.mu must be held.
func (s *Server) tco() string {
	s.links++
	return fmt.Sprintf("https://t.co/x%09d", s.links)
}

// problem answers with an RFC 7807 problem, the shape of X's v2 errors.
func problem(w http.ResponseWriter, status int, title, detail, typ string) {
	writeJSON(w, status, map[string]any{"title": title, "detail": detail, "type": typ, "status": status})
}

// invalid answers 400 with X's invalid-request problem for one parameter.
func invalid(w http.ResponseWriter, param, value, message string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"errors": []any{map[string]any{
			"parameters": map[string]any{param: []string{value}},
			"message":    message,
		}},
		"title":  "Invalid Request",
		"detail": "One or more parameters to your request was invalid.",
		"type":   "https://api.twitter.com/2/problems/invalid-request",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// isJSON reports whether r's body is declared JSON.
func isJSON(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.TrimSpace(strings.ToLower(ct)) == "application/json"
}

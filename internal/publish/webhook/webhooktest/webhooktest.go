// Package webhooktest is a fake incoming webhook for tests, answering as
// Slack's (New: 200 "ok" as text/plain) or Discord's (NewDiscord: 204)
// do, with the messages kept in memory and faults injected on each POST.
package webhooktest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/publish/webhook"
	"github.com/iocast/iocast/internal/secret"
)

// The webhook paths: the secret part of the URL.
const (
	SlackPath   = "/services/T0IOCAST01/B0IOCAST02/aB3dE5fG7hI9jK1lM3nO5pQ7"
	DiscordPath = "/api/webhooks/1234567890123456789/Zx9-Yw8_Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8Ba7zY6xW5vU4tS3rQ2pO1nM0lK9jI8hG7f"
)

// Request is a request the server received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Message is what the server read of a posted message.
type Message struct {
	Text     string `json:"text"`
	Content  string `json:"content"`
	Username string `json:"username"`
}

// Server is a fake webhook. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	// Faults are applied to valid POSTs to the webhook, one each.
	Faults publishtest.Faults

	discord bool
	path    string

	mu       sync.Mutex
	requests []Request
	posts    []publishtest.Post
	messages []Message
}

// New starts a Slack-like webhook, closed when the test ends.
func New(t testing.TB) *Server { return start(t, false) }

// NewDiscord starts a Discord-like webhook, closed when the test ends.
func NewDiscord(t testing.TB) *Server { return start(t, true) }

func start(t testing.TB, discord bool) *Server {
	s := &Server{discord: discord, path: SlackPath}
	if discord {
		s.path = DiscordPath
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// WebhookURL returns the webhook's URL: the credential.
func (s *Server) WebhookURL() string { return s.URL + s.path }

// Config returns a webhook.Config for the server.
func (s *Server) Config() webhook.Config {
	return webhook.Config{URL: secret.New(s.WebhookURL())}
}

// Env returns the environment that points iocast at the server.
func (s *Server) Env() map[string]string {
	return map[string]string{webhook.EnvURL: s.WebhookURL()}
}

// Posts returns the messages posted so far, in order; their ID is their
// Idempotency-Key.
func (s *Server) Posts() []publishtest.Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]publishtest.Post(nil), s.posts...)
}

// Messages returns the JSON messages posted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		s.refuse(w, http.StatusBadRequest, "invalid_payload", 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()

	if r.URL.Path != s.path {
		if s.discord && strings.HasPrefix(r.URL.Path, DiscordPath[:strings.LastIndexByte(DiscordPath, '/')+1]) {
			s.refuse(w, http.StatusUnauthorized, "", 50027, "Invalid Webhook Token")
			return
		}
		s.refuse(w, http.StatusNotFound, "no_service", 10015, "Unknown Webhook")
		return
	}
	if r.Method != http.MethodPost {
		s.refuse(w, http.StatusMethodNotAllowed, "invalid_method", 0, "405: Method Not Allowed")
		return
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	var m Message
	dec := json.NewDecoder(bytes.NewReader(body))
	if strings.TrimSpace(ct) != "application/json" || dec.Decode(&m) != nil {
		s.refuse(w, http.StatusBadRequest, "invalid_payload", 50109, "The request body contains invalid JSON.")
		return
	}
	text := m.Text
	if s.discord {
		text = m.Content
	}
	switch n := utf8.RuneCountInString(text); {
	case strings.TrimSpace(text) == "":
		s.refuse(w, http.StatusBadRequest, "no_text", 50006, "Cannot send an empty message")
		return
	case s.discord && n > webhook.DiscordMax:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message": "Invalid Form Body", "code": 50035, "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}}`)
		return
	case !s.discord && n > webhook.SlackMax:
		s.refuse(w, http.StatusBadRequest, "msg_too_long", 0, "")
		return
	}

	f, faulty := s.Faults.Next()
	if faulty && f.Status != 0 && !f.Created && !f.Drop {
		f.Answer(w)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	p := publishtest.Post{ID: key, Text: text, Key: key}
	s.mu.Lock()
	s.posts = append(s.posts, p)
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	if faulty && f.Then != nil {
		f.Then(p)
	}
	if faulty && f.Drop {
		publishtest.DropConnection(w)
		return
	}
	if faulty && f.Status != 0 {
		f.Answer(w)
		return
	}
	if s.discord {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "ok")
}

// refuse answers as Slack (a text/plain error code) or Discord (a JSON
// error with a code) do.
func (s *Server) refuse(w http.ResponseWriter, status int, slack string, code int, discord string) {
	if s.discord {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"message": discord, "code": code})
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	io.WriteString(w, slack)
}

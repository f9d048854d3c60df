// Package mastodontest runs a fake Mastodon instance for tests: the REST
// API endpoints iocast uses, answering as Mastodon documents (entities,
// {"error": ...} bodies, 401 for a wrong token, 422 for refused content,
// Idempotency-Key deduplication), keeping statuses and media in memory.
package mastodontest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/iocast/iocast/internal/publish/mastodon"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
	"github.com/iocast/iocast/postfmt"
)

// The fake instance's fixed account and credentials.
const (
	// Token is the access token the server accepts.
	Token = "mastodon-test-token-2b7e151628aed2a6"
	// AccountID is the id of the token's account.
	AccountID = "110000000000000001"
	// Username is the account's user name.
	Username = "iocast"
)

// Request is a request the server received.
type Request struct {
	Method string
	// Path is the URL path, Query its parameters.
	Path  string
	Query url.Values
	// Header holds the request's headers (Authorization included).
	Header http.Header
	Body   []byte
}

// Server is a fake Mastodon instance.
type Server struct {
	*httptest.Server
	// Faults are applied, one each, to POST /api/v1/statuses requests
	// that pass authentication and validation.
	Faults publishtest.Faults

	mu         sync.Mutex
	maxChars   int
	imageLimit int64
	descLimit  int
	processing int
	seq        int
	statuses   []*status
	byID       map[string]*status
	keys       map[string]string
	media      map[string]*media
	requests   []Request
}

type status struct {
	id, text, replyTo, visibility, lang, key string
	media                                    []*media
	seq                                      int
}

type media struct {
	id, description, mimeType string
	size                      int
	pollsLeft                 int
	attached                  bool
}

// New starts a server, closed when the test ends, with Mastodon's default
// limits: 500 characters, images of 16 MB, descriptions of 1500
// characters.
func New(t testing.TB) *Server {
	s := &Server{
		maxChars:   mastodon.DefaultMaxCharacters,
		imageLimit: mastodon.DefaultImageSizeLimit,
		descLimit:  mastodon.DefaultDescriptionLimit,
		byID:       map[string]*status{},
		keys:       map[string]string{},
		media:      map[string]*media{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/instance", s.instance)
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", s.verifyCredentials)
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", s.accountStatuses)
	mux.HandleFunc("POST /api/v2/media", s.uploadMedia)
	mux.HandleFunc("GET /api/v1/media/{id}", s.showMedia)
	mux.HandleFunc("POST /api/v1/statuses", s.createStatus)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody("Record not found"))
	})
	s.Server = httptest.NewServer(s.record(mux))
	t.Cleanup(s.Close)
	return s
}

// Config returns a configuration that points at the server with its
// token.
func (s *Server) Config() mastodon.Config {
	return mastodon.Config{URL: s.URL, Token: secret.New(Token)}
}

// Env returns the environment variables that point iocast at the server.
func (s *Server) Env() map[string]string {
	return map[string]string{mastodon.EnvURL: s.URL, mastodon.EnvToken: Token}
}

// SetMaxCharacters sets the instance's post length limit.
func (s *Server) SetMaxCharacters(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxChars = n
}

// SetProcessing makes the images uploaded from now on ready only at the
// polls-th GET /api/v1/media/:id (the checks before answer 206 with a
// null url); POST /api/v2/media then answers 202 with a null url. Zero,
// the default, processes them at once (200 with the url).
func (s *Server) SetProcessing(polls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.processing = polls
}

// Posts returns the statuses created so far, in order.
func (s *Server) Posts() []publishtest.Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	posts := make([]publishtest.Post, len(s.statuses))
	for i, st := range s.statuses {
		p := publishtest.Post{ID: st.id, Text: st.text, ReplyTo: st.replyTo, Key: st.key}
		for _, m := range st.media {
			p.Media = append(p.Media, m.id)
		}
		posts[i] = p
	}
	return posts
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// authorized checks the bearer token; optional lets a request without
// one through (public endpoints that take a token when given).
func authorized(w http.ResponseWriter, r *http.Request, optional bool) bool {
	h := r.Header.Get("Authorization")
	if h == "Bearer "+Token || (optional && h == "") {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"`)
	writeJSON(w, http.StatusUnauthorized, errorBody("The access token is invalid"))
	return false
}

func (s *Server) instance(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	maxChars, imageLimit, descLimit := s.maxChars, s.imageLimit, s.descLimit
	s.mu.Unlock()
	host := strings.TrimPrefix(strings.TrimPrefix(s.URL, "http://"), "https://")
	writeJSON(w, http.StatusOK, map[string]any{
		"domain":      host,
		"title":       "Mastodon test instance",
		"version":     "4.3.0",
		"source_url":  "https://github.com/mastodon/mastodon",
		"description": "A fake instance for iocast's tests.",
		"usage":       map[string]any{"users": map[string]any{"active_month": 1}},
		"languages":   []string{"en", "ja"},
		"configuration": map[string]any{
			"urls":     map[string]any{"streaming": "ws://" + host},
			"accounts": map[string]any{"max_featured_tags": 10},
			"statuses": map[string]any{"max_characters": maxChars, "max_media_attachments": 4, "characters_reserved_per_url": 23},
			"media_attachments": map[string]any{
				"supported_mime_types": supportedTypes,
				"image_size_limit":     imageLimit,
				"image_matrix_limit":   33177600,
				"video_size_limit":     103809024,
				"description_limit":    descLimit,
			},
			"polls":       map[string]any{"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
			"translation": map[string]any{"enabled": false},
		},
		"registrations": map[string]any{"enabled": false, "approval_required": false, "message": nil},
		"contact":       map[string]any{"email": "admin@example.org", "account": nil},
		"rules":         []any{},
	})
}

var supportedTypes = []string{"image/jpeg", "image/png", "image/gif", "image/heic", "image/heif", "image/webp", "image/avif"}

func (s *Server) account() map[string]any {
	s.mu.Lock()
	n := len(s.statuses)
	s.mu.Unlock()
	return map[string]any{
		"id":              AccountID,
		"username":        Username,
		"acct":            Username,
		"display_name":    "iocast",
		"locked":          false,
		"bot":             true,
		"discoverable":    true,
		"group":           false,
		"created_at":      "2024-01-01T00:00:00.000Z",
		"note":            "",
		"url":             s.URL + "/@" + Username,
		"uri":             s.URL + "/users/" + Username,
		"avatar":          s.URL + "/avatars/original/missing.png",
		"header":          s.URL + "/headers/original/missing.png",
		"followers_count": 0,
		"following_count": 0,
		"statuses_count":  n,
		"last_status_at":  nil,
		"emojis":          []any{},
		"fields":          []any{},
	}
}

func (s *Server) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r, false) {
		return
	}
	a := s.account()
	a["source"] = map[string]any{"privacy": "public", "sensitive": false, "language": "", "note": "", "fields": []any{}}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) accountStatuses(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r, true) {
		return
	}
	if r.PathValue("id") != AccountID {
		writeJSON(w, http.StatusNotFound, errorBody("Record not found"))
		return
	}
	q := r.URL.Query()
	limit := 20
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 40)
	}
	excludeReplies := q.Get("exclude_replies") == "true" || q.Get("exclude_replies") == "1"
	s.mu.Lock()
	var list []*status
	for i := len(s.statuses) - 1; i >= 0 && len(list) < limit; i-- {
		if st := s.statuses[i]; !excludeReplies || st.replyTo == "" {
			list = append(list, st)
		}
	}
	s.mu.Unlock()
	out := make([]map[string]any, len(list))
	for i, st := range list {
		out[i] = s.statusEntity(st)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r, false) {
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, errorBody("Validation failed: File can't be blank"))
		return
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		writeJSON(w, http.StatusUnprocessableEntity, errorBody("Validation failed: File can't be blank"))
		return
	}
	fh := files[0]
	mimeType, _, _ := mime.ParseMediaType(fh.Header.Get("Content-Type"))
	desc := r.FormValue("description")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !contains(supportedTypes, mimeType):
		writeJSON(w, http.StatusUnprocessableEntity, errorBody("Validation failed: File content type is invalid"))
		return
	case fh.Size > s.imageLimit:
		writeJSON(w, http.StatusUnprocessableEntity, errorBody(fmt.Sprintf("Validation failed: File file size must be less than %d MB", s.imageLimit>>20)))
		return
	case utf8.RuneCountInString(desc) > s.descLimit:
		writeJSON(w, http.StatusUnprocessableEntity, errorBody(fmt.Sprintf("Validation failed: Description is too long (maximum is %d characters)", s.descLimit)))
		return
	}
	s.seq++
	m := &media{id: fmt.Sprintf("1110000000000%05d", s.seq), description: desc, mimeType: mimeType, size: int(fh.Size), pollsLeft: s.processing}
	s.media[m.id] = m
	code := http.StatusOK
	if m.pollsLeft > 0 {
		code = http.StatusAccepted
	}
	writeJSON(w, code, s.mediaEntity(m))
}

func (s *Server) showMedia(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r, false) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.media[r.PathValue("id")]
	if m == nil || m.attached {
		writeJSON(w, http.StatusNotFound, errorBody("Record not found"))
		return
	}
	code := http.StatusOK
	if m.pollsLeft > 0 {
		m.pollsLeft--
		code = http.StatusPartialContent
		if m.pollsLeft == 0 {
			code = http.StatusOK
		}
	}
	writeJSON(w, code, s.mediaEntity(m))
}

// mediaEntity is a MediaAttachment; the caller holds s.mu.
func (s *Server) mediaEntity(m *media) map[string]any {
	var u, preview any
	if m.pollsLeft == 0 {
		u = s.URL + "/system/media_attachments/files/original/" + m.id + ".png"
	}
	preview = s.URL + "/system/media_attachments/files/small/" + m.id + ".png"
	var desc any
	if m.description != "" {
		desc = m.description
	}
	return map[string]any{
		"id":                 m.id,
		"type":               "image",
		"url":                u,
		"preview_url":        preview,
		"remote_url":         nil,
		"preview_remote_url": nil,
		"text_url":           nil,
		"meta":               map[string]any{},
		"description":        desc,
		"blurhash":           nil,
	}
}

// statusForm is the body of POST /api/v1/statuses, as JSON or a form.
type statusForm struct {
	Status      string   `json:"status"`
	InReplyToID string   `json:"in_reply_to_id"`
	MediaIDs    []string `json:"media_ids"`
	Visibility  string   `json:"visibility"`
	Language    string   `json:"language"`
}

var visibilities = []string{"public", "unlisted", "private", "direct"}

func (s *Server) createStatus(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r, false) {
		return
	}
	var f statusForm
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody("Error occurred while parsing request parameters"))
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody("Error occurred while parsing request parameters"))
			return
		}
		f = statusForm{Status: r.PostForm.Get("status"), InReplyToID: r.PostForm.Get("in_reply_to_id"), MediaIDs: r.PostForm["media_ids[]"], Visibility: r.PostForm.Get("visibility"), Language: r.PostForm.Get("language")}
	}
	key := r.Header.Get("Idempotency-Key")

	s.mu.Lock()
	if id, ok := s.keys[key]; key != "" && ok {
		st := s.byID[id]
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.statusEntity(st))
		return
	}
	code, msg := s.validate(&f)
	s.mu.Unlock()
	if code != 0 {
		writeJSON(w, code, errorBody(msg))
		return
	}

	fault, faulty := s.Faults.Next()
	if faulty && fault.Status != 0 && !fault.Created && !fault.Drop {
		fault.Answer(w)
		return
	}
	st := s.create(&f, key)
	if faulty && fault.Then != nil {
		fault.Then(s.post(st))
	}
	switch {
	case faulty && fault.Drop:
		publishtest.DropConnection(w)
	case faulty && fault.Status != 0:
		fault.Answer(w)
	default:
		writeJSON(w, http.StatusOK, s.statusEntity(st))
	}
}

// validate checks a new status as Mastodon does; the caller holds s.mu.
func (s *Server) validate(f *statusForm) (int, string) {
	var ready []string
	for _, id := range f.MediaIDs {
		m := s.media[id]
		if m == nil || m.attached {
			continue // Mastodon drops ids that are not the account's unattached media
		}
		if m.pollsLeft > 0 {
			return http.StatusUnprocessableEntity, "Cannot attach files that have not finished processing. Try again in a moment!"
		}
		ready = append(ready, id)
	}
	f.MediaIDs = ready
	switch {
	case len(f.MediaIDs) > 4:
		return http.StatusUnprocessableEntity, "Validation failed: Media attachments can't be more than 4"
	case strings.TrimSpace(f.Status) == "" && len(f.MediaIDs) == 0:
		return http.StatusUnprocessableEntity, "Validation failed: Text can't be blank"
	case postfmt.MastodonLength(f.Status) > s.maxChars:
		return http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", s.maxChars)
	case f.Visibility != "" && !contains(visibilities, f.Visibility):
		return http.StatusUnprocessableEntity, fmt.Sprintf("'%s' is not a valid visibility", f.Visibility)
	case f.InReplyToID != "" && s.byID[f.InReplyToID] == nil:
		return http.StatusNotFound, "The post you are trying to reply to does not appear to exist."
	}
	return 0, ""
}

func (s *Server) create(f *statusForm, key string) *status {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	vis := f.Visibility
	if vis == "" {
		vis = "public"
	}
	st := &status{id: fmt.Sprintf("1120000000000%05d", s.seq), text: f.Status, replyTo: f.InReplyToID, visibility: vis, lang: f.Language, key: key, seq: s.seq}
	for _, id := range f.MediaIDs {
		m := s.media[id]
		m.attached = true
		st.media = append(st.media, m)
	}
	s.statuses = append(s.statuses, st)
	s.byID[st.id] = st
	if key != "" {
		s.keys[key] = st.id
	}
	return st
}

func (s *Server) post(st *status) publishtest.Post {
	p := publishtest.Post{ID: st.id, Text: st.text, ReplyTo: st.replyTo, Key: st.key}
	for _, m := range st.media {
		p.Media = append(p.Media, m.id)
	}
	return p
}

// statusEntity is a Status as Mastodon renders it.
func (s *Server) statusEntity(st *status) map[string]any {
	acct := s.account()
	s.mu.Lock()
	defer s.mu.Unlock()
	var replyTo, replyAccount, lang any
	if st.replyTo != "" {
		replyTo, replyAccount = st.replyTo, AccountID
	}
	if st.lang != "" {
		lang = st.lang
	}
	attachments := make([]map[string]any, len(st.media))
	for i, m := range st.media {
		attachments[i] = s.mediaEntity(m)
	}
	return map[string]any{
		"id":                     st.id,
		"created_at":             time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(st.seq) * time.Second).Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id":         replyTo,
		"in_reply_to_account_id": replyAccount,
		"sensitive":              false,
		"spoiler_text":           "",
		"visibility":             st.visibility,
		"language":               lang,
		"uri":                    s.URL + "/users/" + Username + "/statuses/" + st.id,
		"url":                    s.URL + "/@" + Username + "/" + st.id,
		"replies_count":          0,
		"reblogs_count":          0,
		"favourites_count":       0,
		"edited_at":              nil,
		"content":                Content(s.URL, st.text),
		"reblog":                 nil,
		"application":            map[string]any{"name": "iocast", "website": nil},
		"account":                acct,
		"media_attachments":      attachments,
		"mentions":               []any{},
		"tags":                   []any{},
		"emojis":                 []any{},
		"card":                   nil,
		"poll":                   nil,
	}
}

var (
	paragraphBreak = regexp.MustCompile(`\n\n+`)
	linkOrTag      = regexp.MustCompile(`https?://[^\s<>"]+|#[\p{L}\p{N}_]+`)
)

// Content renders a status's text as Mastodon's content HTML: paragraphs
// (separated by blank lines) in <p>, line breaks as <br />, URLs as links
// whose text is split into a hidden scheme, a shown part of 30 characters
// and a hidden rest, hashtags as links to instance/tags/<name>, and
// everything else escaped.
func Content(instance, text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for _, para := range paragraphBreak.Split(text, -1) {
		b.WriteString("<p>")
		for i, line := range strings.Split(strings.Trim(para, "\n"), "\n") {
			if i > 0 {
				b.WriteString("<br />")
			}
			linkify(&b, instance, line)
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func linkify(b *strings.Builder, instance, line string) {
	last := 0
	for _, m := range linkOrTag.FindAllStringIndex(line, -1) {
		tok := line[m[0]:m[1]]
		if tok[0] == '#' && m[0] > 0 {
			if r, _ := utf8.DecodeLastRuneInString(line[:m[0]]); r == '/' || r == '_' || isWord(r) {
				continue
			}
		}
		b.WriteString(html.EscapeString(line[last:m[0]]))
		if tok[0] == '#' {
			fmt.Fprintf(b, `<a href="%s/tags/%s" class="mention hashtag" rel="tag">#<span>%s</span></a>`, html.EscapeString(instance), html.EscapeString(tok[1:]), html.EscapeString(tok[1:]))
		} else {
			writeLink(b, tok)
		}
		last = m[1]
	}
	b.WriteString(html.EscapeString(line[last:]))
}

func writeLink(b *strings.Builder, u string) {
	prefix := "http://"
	if strings.HasPrefix(u, "https://") {
		prefix = "https://"
	}
	rest := u[len(prefix):]
	if strings.HasPrefix(rest, "www.") {
		prefix += "www."
		rest = rest[4:]
	}
	shown, hidden, class := rest, "", ""
	if utf8.RuneCountInString(rest) > 30 {
		i := 0
		for n := 0; n < 30; n++ {
			_, size := utf8.DecodeRuneInString(rest[i:])
			i += size
		}
		shown, hidden, class = rest[:i], rest[i:], "ellipsis"
	}
	fmt.Fprintf(b, `<a href="%s" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">%s</span><span class="%s">%s</span><span class="invisible">%s</span></a>`,
		html.EscapeString(u), html.EscapeString(prefix), class, html.EscapeString(shown), html.EscapeString(hidden))
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func errorBody(msg string) map[string]string { return map[string]string{"error": msg} }

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

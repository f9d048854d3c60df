// Package misskeytest runs a fake Misskey instance for tests: the API
// endpoints iocast uses (POST /api/<name>, the token as the body's "i" or
// a bearer header), answering as Misskey documents (packed entities,
// {"error": {"message", "code", "id", "kind"}} bodies, 401 for a wrong
// token, 403 for a missing permission), keeping notes and drive files in
// memory.
package misskeytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iocast/iocast/internal/publish/misskey"
	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/internal/secret"
)

// The fake instance's fixed account and credentials.
const (
	// Token is the access token the server accepts.
	Token = "misskeyTestToken0123456789abcdef"
	// UserID is the id of the token's user.
	UserID = "9tzzzzzzzzzz0001"
	// Username is the user's name.
	Username = "iocast"
)

// Permissions are the permissions of Token unless SetPermissions says
// otherwise: those iocast needs.
var Permissions = []string{"read:account", "write:notes", "write:drive"}

// Request is a request the server received.
type Request struct {
	Method string
	// Path is the URL path (/api/notes/create).
	Path string
	// Header holds the request's headers.
	Header http.Header
	// Body is the raw body: JSON, or the multipart form of an upload. It
	// holds the token ("i").
	Body []byte
}

// Server is a fake Misskey instance.
type Server struct {
	*httptest.Server
	// Faults are applied, one each, to POST /api/notes/create requests
	// that pass authentication and validation.
	Faults publishtest.Faults

	mu          sync.Mutex
	maxText     int
	maxFileSize int64
	permissions []string
	seq         int
	notes       []*note
	byID        map[string]*note
	files       map[string]*file
	requests    []Request
}

type note struct {
	id, text, replyID, visibility string
	files                         []*file
	seq                           int
}

type file struct {
	id, name, mimeType, comment string
	size                        int
}

// New starts a server, closed when the test ends, with Misskey's default
// limits (notes of 3000 characters, files of 250 MiB).
func New(t testing.TB) *Server {
	s := &Server{
		maxText:     misskey.DefaultMaxNoteTextLength,
		maxFileSize: misskey.DefaultMaxFileSize,
		permissions: Permissions,
		byID:        map[string]*note{},
		files:       map[string]*file{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/meta", s.meta)
	mux.HandleFunc("POST /api/i", s.i)
	mux.HandleFunc("POST /api/notes/create", s.createNote)
	mux.HandleFunc("POST /api/drive/files/create", s.createFile)
	mux.HandleFunc("POST /api/users/notes", s.userNotes)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Unknown API endpoint.", "UNKNOWN_API_ENDPOINT", "2ca3b769-540a-4f08-9dd5-b5a825b6d0f1", "client")
	})
	s.Server = httptest.NewServer(s.record(mux))
	t.Cleanup(s.Close)
	return s
}

// Config returns a configuration that points at the server with its
// token.
func (s *Server) Config() misskey.Config {
	return misskey.Config{URL: s.URL, Token: secret.New(Token)}
}

// Env returns the environment variables that point iocast at the server.
func (s *Server) Env() map[string]string {
	return map[string]string{misskey.EnvURL: s.URL, misskey.EnvToken: Token}
}

// SetMaxNoteTextLength sets the instance's note length limit.
func (s *Server) SetMaxNoteTextLength(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxText = n
}

// SetMaxFileSize sets the largest file the instance accepts, in bytes.
func (s *Server) SetMaxFileSize(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxFileSize = n
}

// SetPermissions sets the permissions of Token.
func (s *Server) SetPermissions(perms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.permissions = perms
}

// Posts returns the notes created so far, in order.
func (s *Server) Posts() []publishtest.Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	posts := make([]publishtest.Post, len(s.notes))
	for i, n := range s.notes {
		posts[i] = n.post()
	}
	return posts
}

func (n *note) post() publishtest.Post {
	p := publishtest.Post{ID: n.id, Text: n.text, ReplyTo: n.replyID}
	for _, f := range n.files {
		p.Media = append(p.Media, f.id)
	}
	return p
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
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// params reads a JSON body; it answers 400 and returns nil when the body
// is not a JSON object.
func params(w http.ResponseWriter, r *http.Request) map[string]any {
	var p map[string]any
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusBadRequest, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532", "client")
		return nil
	}
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p == nil {
		writeError(w, http.StatusBadRequest, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532", "client")
		return nil
	}
	return p
}

// authenticate checks the token (a bearer header, else i) as Misskey
// does: a wrong token is refused everywhere, a missing one where the
// endpoint requires credentials, a token without the endpoint's
// permission (kind) with 403.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, i any, required bool, kind string) bool {
	token, given := i, i != nil
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token, given = strings.TrimPrefix(h, "Bearer "), true
	}
	switch {
	case given && token != Token:
		w.Header().Set("WWW-Authenticate", `Bearer realm="Misskey", error="invalid_token", error_description="Authentication failed. Please ensure your token is correct."`)
		writeError(w, http.StatusUnauthorized, "Authentication failed. Please ensure your token is correct.", "AUTHENTICATION_FAILED", "b0a7f5f8-dc2f-4171-b91f-de88ad238e14", "client")
		return false
	case !given && required:
		w.Header().Set("WWW-Authenticate", `Bearer realm="Misskey"`)
		writeError(w, http.StatusUnauthorized, "Credential required.", "CREDENTIAL_REQUIRED", "1384574d-a912-4b81-8601-c7b1c4085df1", "client")
		return false
	}
	s.mu.Lock()
	ok := kind == "" || !given || contains(s.permissions, kind)
	s.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Misskey", error="insufficient_scope", error_description="Your app does not have the necessary permissions to use this endpoint."`)
		writeError(w, http.StatusForbidden, "Your app does not have the necessary permissions to use this endpoint.", "PERMISSION_DENIED", "1370e5b7-d4eb-4566-bb1d-7748ee6a1838", "permission")
		return false
	}
	return true
}

func (s *Server) meta(w http.ResponseWriter, r *http.Request) {
	p := params(w, r)
	if p == nil || !s.authenticate(w, r, p["i"], false, "") {
		return
	}
	s.mu.Lock()
	maxText, maxFile := s.maxText, s.maxFileSize
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"maintainerName":      "admin",
		"maintainerEmail":     "admin@example.org",
		"version":             "2025.4.0",
		"name":                "Misskey test instance",
		"shortName":           nil,
		"uri":                 s.URL,
		"description":         "A fake instance for iocast's tests.",
		"langs":               []string{"en", "ja"},
		"disableRegistration": true,
		"maxNoteTextLength":   maxText,
		"maxFileSize":         maxFile,
		"enableEmail":         false,
		"translatorAvailable": false,
		"mediaProxy":          s.URL + "/proxy",
		"enableUrlPreview":    true,
	})
}

func (s *Server) user() map[string]any {
	return map[string]any{
		"id":             UserID,
		"name":           "iocast",
		"username":       Username,
		"host":           nil,
		"avatarUrl":      s.URL + "/identicon/" + UserID,
		"avatarBlurhash": nil,
		"isBot":          true,
		"isCat":          false,
		"emojis":         map[string]any{},
		"onlineStatus":   "unknown",
		"badgeRoles":     []any{},
	}
}

func (s *Server) i(w http.ResponseWriter, r *http.Request) {
	p := params(w, r)
	if p == nil || !s.authenticate(w, r, p["i"], true, "read:account") {
		return
	}
	u := s.user()
	s.mu.Lock()
	u["notesCount"] = len(s.notes)
	s.mu.Unlock()
	u["createdAt"] = "2024-01-01T00:00:00.000Z"
	u["description"] = nil
	u["followersCount"] = 0
	u["followingCount"] = 0
	u["isLocked"] = false
	writeJSON(w, http.StatusOK, u)
}

var visibilities = []string{"public", "home", "followers", "specified"}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request) {
	p := params(w, r)
	if p == nil || !s.authenticate(w, r, p["i"], true, "write:notes") {
		return
	}
	text, _ := p["text"].(string)
	replyID, _ := p["replyId"].(string)
	vis, _ := p["visibility"].(string)
	if vis == "" {
		vis = "public"
	}
	var fileIDs []string
	if ids, ok := p["fileIds"].([]any); ok {
		for _, v := range ids {
			id, _ := v.(string)
			fileIDs = append(fileIDs, id)
		}
	}

	s.mu.Lock()
	var files []*file
	for _, id := range fileIDs {
		if f := s.files[id]; f != nil {
			files = append(files, f)
		}
	}
	var status int
	var msg, code, id string
	switch {
	case p["text"] != nil && text == "", utf8.RuneCountInString(text) > s.maxText, !contains(visibilities, vis):
		status, msg, code, id = 400, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532"
	case len(files) != len(fileIDs):
		status, msg, code, id = 400, "Some files are not found.", "NO_SUCH_FILE", "b6992544-63e7-67f0-fa7f-32444b1b5306"
	case replyID != "" && s.byID[replyID] == nil:
		status, msg, code, id = 400, "No such reply target.", "NO_SUCH_REPLY_TARGET", "749ee0f6-d3da-459a-bf02-282e2da4292c"
	case strings.TrimSpace(text) == "" && len(files) == 0:
		status, msg, code, id = 400, "Content required. You need to set text, fileIds, renoteId or poll.", "CONTENT_REQUIRED", "6f57e42b-c348-439b-bc45-993995cc515a"
	}
	s.mu.Unlock()
	if status != 0 {
		writeError(w, status, msg, code, id, "client")
		return
	}

	fault, faulty := s.Faults.Next()
	if faulty && fault.Status != 0 && !fault.Created && !fault.Drop {
		fault.Answer(w)
		return
	}
	s.mu.Lock()
	s.seq++
	n := &note{id: fmt.Sprintf("9tzzzzzzzzzy%04d", s.seq), text: strings.TrimSpace(text), replyID: replyID, visibility: vis, files: files, seq: s.seq}
	s.notes = append(s.notes, n)
	s.byID[n.id] = n
	post := n.post()
	s.mu.Unlock()
	if faulty && fault.Then != nil {
		fault.Then(post)
	}
	switch {
	case faulty && fault.Drop:
		publishtest.DropConnection(w)
	case faulty && fault.Status != 0:
		fault.Answer(w)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"createdNote": s.noteEntity(n)})
	}
}

func (s *Server) createFile(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		writeError(w, http.StatusBadRequest, "Current request is not a multipart request", "INVALID_PARAM", "217bc614-dd72-42dc-806e-22ac93f8266e", "client")
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532", "client")
		return
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) != 1 {
		writeError(w, http.StatusUnprocessableEntity, "No files found in multipart request", "INVALID_PARAM", "2e973d41-8e9c-48b8-a68f-16f712a4bc89", "client")
		return
	}
	var i any
	if vs, ok := r.MultipartForm.Value["i"]; ok {
		i = vs[0]
	}
	if !s.authenticate(w, r, i, true, "write:drive") {
		return
	}
	fh := fhs[0]
	comment := r.FormValue("comment")
	name := r.FormValue("name")
	if name == "" {
		name = fh.Filename
	}
	s.mu.Lock()
	tooLarge := fh.Size > s.maxFileSize
	s.mu.Unlock()
	switch {
	case tooLarge:
		writeError(w, http.StatusRequestEntityTooLarge, "Maximum upload size exceeded", "MAX_FILE_SIZE_EXCEEDED", "39591dd6-b5e8-4399-bb03-13b0a8a62a21", "client")
		return
	case utf8.RuneCountInString(comment) > misskey.MaxCommentLength:
		writeError(w, http.StatusBadRequest, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532", "client")
		return
	}
	mimeType, _, _ := mime.ParseMediaType(fh.Header.Get("Content-Type"))
	s.mu.Lock()
	s.seq++
	f := &file{id: fmt.Sprintf("9tzzzzzzzzzx%04d", s.seq), name: name, mimeType: mimeType, comment: comment, size: int(fh.Size)}
	s.files[f.id] = f
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.fileEntity(f))
}

func (s *Server) userNotes(w http.ResponseWriter, r *http.Request) {
	p := params(w, r)
	if p == nil || !s.authenticate(w, r, p["i"], false, "") {
		return
	}
	userID, _ := p["userId"].(string)
	if userID == "" {
		writeError(w, http.StatusBadRequest, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532", "client")
		return
	}
	if userID != UserID {
		writeError(w, http.StatusBadRequest, "No such user.", "NO_SUCH_USER", "27e494ba-2ac2-48e8-893b-10d4d8c2387b", "client")
		return
	}
	limit := 10
	if n, ok := p["limit"].(float64); ok {
		if n < 1 || n > 100 || n != float64(int(n)) {
			writeError(w, http.StatusBadRequest, "Invalid param.", "INVALID_PARAM", "3d81ceae-475f-4600-b2a8-2bc116157532", "client")
			return
		}
		limit = int(n)
	}
	// withReplies (default false) leaves out replies to other users'
	// notes; the fake's notes all belong to one user, so it keeps them.
	s.mu.Lock()
	var list []*note
	for i := len(s.notes) - 1; i >= 0 && len(list) < limit; i-- {
		list = append(list, s.notes[i])
	}
	s.mu.Unlock()
	out := make([]map[string]any, len(list))
	for i, n := range list {
		out[i] = s.noteEntity(n)
	}
	writeJSON(w, http.StatusOK, out)
}

// noteEntity is a Note as Misskey packs it.
func (s *Server) noteEntity(n *note) map[string]any {
	var replyID any
	if n.replyID != "" {
		replyID = n.replyID
	}
	fileIDs := []string{}
	files := []map[string]any{}
	for _, f := range n.files {
		fileIDs = append(fileIDs, f.id)
		files = append(files, s.fileEntity(f))
	}
	var text any
	if n.text != "" {
		text = n.text
	}
	return map[string]any{
		"id":                 n.id,
		"createdAt":          created(n.seq),
		"userId":             UserID,
		"user":               s.user(),
		"text":               text,
		"cw":                 nil,
		"visibility":         n.visibility,
		"localOnly":          false,
		"reactionAcceptance": nil,
		"renoteCount":        0,
		"repliesCount":       0,
		"reactionCount":      0,
		"reactions":          map[string]any{},
		"reactionEmojis":     map[string]any{},
		"fileIds":            fileIDs,
		"files":              files,
		"replyId":            replyID,
		"renoteId":           nil,
		"clippedCount":       0,
	}
}

// fileEntity is a DriveFile as Misskey packs it.
func (s *Server) fileEntity(f *file) map[string]any {
	var comment any
	if f.comment != "" {
		comment = f.comment
	}
	return map[string]any{
		"id":           f.id,
		"createdAt":    "2024-01-01T00:00:00.000Z",
		"name":         f.name,
		"type":         f.mimeType,
		"md5":          "d41d8cd98f00b204e9800998ecf8427e",
		"size":         f.size,
		"isSensitive":  false,
		"blurhash":     nil,
		"properties":   map[string]any{},
		"url":          s.URL + "/files/" + url.PathEscape(f.id),
		"thumbnailUrl": s.URL + "/files/thumbnail-" + url.PathEscape(f.id),
		"comment":      comment,
		"folderId":     nil,
		"folder":       nil,
		"userId":       nil,
		"user":         nil,
	}
}

func created(seq int) string {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Second).Format("2006-01-02T15:04:05.000Z")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func writeError(w http.ResponseWriter, status int, message, code, id, kind string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": message, "code": code, "id": id, "kind": kind}})
}

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

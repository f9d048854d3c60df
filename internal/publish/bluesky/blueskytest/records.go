package blueskytest

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/iocast/iocast/internal/publish/publishtest"
)

const collection = "app.bsky.feed.post"

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// cid returns a CIDv1-looking content id: prefix ("bafyrei" for dag-cbor
// records, "bafkrei" for raw blobs) and the base32 SHA-256 of data.
func cid(prefix string, data []byte) string {
	sum := sha256.Sum256(data)
	return prefix + b32.EncodeToString(sum[:])[:52]
}

// tid returns the n-th record key: a TID (13 base32-sortable characters of
// microseconds since the epoch and a clock id), from a fixed start.
func tid(n int) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	v := uint64(Now.UnixMicro()+int64(n))<<10 | 7
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request, body []byte) {
	mime, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	mime = strings.TrimSpace(mime)
	if mime == "" || len(body) == 0 {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "request must have a Content-Type and a body")
		return
	}
	if r.ContentLength != int64(len(body)) {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "body does not match Content-Length")
		return
	}
	c := cid("bafkrei", body)
	s.mu.Lock()
	s.blobs[c] = blob{mime: mime, size: len(body)}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"blob": map[string]any{
		"$type":    "blob",
		"ref":      map[string]string{"$link": c},
		"mimeType": mime,
		"size":     len(body),
	}})
}

type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

type blobRef struct {
	Type string `json:"$type"`
	Ref  struct {
		Link string `json:"$link"`
	} `json:"ref"`
	MimeType string `json:"mimeType"`
	Size     int    `json:"size"`
}

// post is what the server reads of an app.bsky.feed.post record.
type post struct {
	Type      string   `json:"$type"`
	Text      *string  `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs"`
	Facets    []struct {
		Index *struct {
			ByteStart *int `json:"byteStart"`
			ByteEnd   *int `json:"byteEnd"`
		} `json:"index"`
		Features []struct {
			Type string `json:"$type"`
			URI  string `json:"uri"`
			Tag  string `json:"tag"`
			DID  string `json:"did"`
		} `json:"features"`
	} `json:"facets"`
	Reply *struct {
		Root   *strongRef `json:"root"`
		Parent *strongRef `json:"parent"`
	} `json:"reply"`
	Embed *struct {
		Type   string `json:"$type"`
		Images []struct {
			Alt         *string  `json:"alt"`
			Image       *blobRef `json:"image"`
			AspectRatio *struct {
				Width  int `json:"width"`
				Height int `json:"height"`
			} `json:"aspectRatio"`
		} `json:"images"`
	} `json:"embed"`
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Repo       string          `json:"repo"`
		Collection string          `json:"collection"`
		Rkey       string          `json:"rkey"`
		Record     json.RawMessage `json:"record"`
	}
	if !isJSON(r) || json.Unmarshal(body, &in) != nil || in.Repo == "" || in.Collection == "" || len(in.Record) == 0 {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "Input must have the properties \"repo\", \"collection\" and \"record\"")
		return
	}
	if in.Repo != DID && in.Repo != Handle {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "Input/repo does not match the session")
		return
	}
	if in.Collection != collection {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "the fake PDS only stores "+collection)
		return
	}
	var p post
	if err := json.Unmarshal(in.Record, &p); err != nil {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: "+err.Error())
		return
	}
	var parent, root string
	var media []string
	s.mu.Lock()
	err := s.validate(&p)
	if err == nil && p.Reply != nil {
		parent, root = p.Reply.Parent.URI, p.Reply.Root.URI
	}
	if err == nil && p.Embed != nil {
		for _, img := range p.Embed.Images {
			media = append(media, img.Image.Ref.Link)
		}
	}
	s.mu.Unlock()
	if err != nil {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: "+err.Error())
		return
	}

	f, faulty := s.Faults.Next()
	if faulty && f.Status != 0 && !f.Created && !f.Drop {
		f.Answer(w)
		return
	}
	s.mu.Lock()
	s.seq++
	rkey := tid(s.seq)
	rec := &stored{rkey: rkey, uri: "at://" + DID + "/" + collection + "/" + rkey, value: in.Record}
	rec.cid = cid("bafyrei", append([]byte(rkey), in.Record...))
	s.records = append(s.records, rec)
	s.byURI[rec.uri] = rec
	created := publishtest.Post{ID: rec.uri, Text: *p.Text, ReplyTo: parent, Root: root, Media: media}
	s.posts = append(s.posts, created)
	commit := cid("bafyrei", []byte("commit/"+rkey))
	s.mu.Unlock()

	if faulty && f.Then != nil {
		f.Then(created)
	}
	if faulty && f.Drop {
		publishtest.DropConnection(w)
		return
	}
	if faulty && f.Status != 0 {
		f.Answer(w)
		return
	}
	writeJSON(w, map[string]any{
		"uri":              rec.uri,
		"cid":              rec.cid,
		"commit":           map[string]string{"cid": commit, "rev": rkey},
		"validationStatus": "valid",
	})
}

// validate checks a post as the app.bsky.feed.post lexicon says, and that
// its replies and images refer to what the server holds. s.mu is held.
func (s *Server) validate(p *post) error {
	if p.Type != collection {
		return fmt.Errorf("Record/$type must be %s", collection)
	}
	if p.Text == nil {
		return errors.New(`Record must have the property "text"`)
	}
	text := *p.Text
	if len(text) > 3000 {
		return errors.New("Record/text must not be longer than 3000 characters")
	}
	if uniseg.GraphemeClusterCount(text) > 300 {
		return errors.New("Record/text must not be longer than 300 graphemes")
	}
	if _, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err != nil {
		return errors.New("Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)")
	}
	if len(p.Langs) > 3 {
		return errors.New("Record/langs must not have more than 3 elements")
	}
	for i, l := range p.Langs {
		if l == "" {
			return fmt.Errorf("Record/langs/%d must be a well-formed BCP 47 language tag", i)
		}
	}
	for i, f := range p.Facets {
		if f.Index == nil || f.Index.ByteStart == nil || f.Index.ByteEnd == nil {
			return fmt.Errorf("Record/facets/%d/index must have byteStart and byteEnd", i)
		}
		start, end := *f.Index.ByteStart, *f.Index.ByteEnd
		if start < 0 || end <= start || end > len(text) {
			return fmt.Errorf("Record/facets/%d/index [%d:%d] is outside the %d-byte text", i, start, end, len(text))
		}
		if !utf8.RuneStart(text[start]) || (end < len(text) && !utf8.RuneStart(text[end])) {
			return fmt.Errorf("Record/facets/%d/index [%d:%d] splits a character", i, start, end)
		}
		if len(f.Features) == 0 {
			return fmt.Errorf("Record/facets/%d/features must not be empty", i)
		}
		for j, ft := range f.Features {
			switch ft.Type {
			case "app.bsky.richtext.facet#link":
				if u, err := url.Parse(ft.URI); err != nil || u.Scheme == "" {
					return fmt.Errorf("Record/facets/%d/features/%d/uri must be a uri", i, j)
				}
			case "app.bsky.richtext.facet#tag":
				if ft.Tag == "" || len(ft.Tag) > 640 || uniseg.GraphemeClusterCount(ft.Tag) > 64 || strings.HasPrefix(ft.Tag, "#") {
					return fmt.Errorf("Record/facets/%d/features/%d/tag is not a tag", i, j)
				}
			case "app.bsky.richtext.facet#mention":
				if !strings.HasPrefix(ft.DID, "did:") {
					return fmt.Errorf("Record/facets/%d/features/%d/did must be a did", i, j)
				}
			default:
				return fmt.Errorf("Record/facets/%d/features/%d has unknown $type %q", i, j, ft.Type)
			}
		}
	}
	if p.Reply != nil {
		if p.Reply.Root == nil || p.Reply.Parent == nil {
			return errors.New(`Record/reply must have the properties "root" and "parent"`)
		}
		for name, ref := range map[string]*strongRef{"root": p.Reply.Root, "parent": p.Reply.Parent} {
			held, ok := s.byURI[ref.URI]
			switch {
			case ref.URI == "" || ref.CID == "":
				return fmt.Errorf(`Record/reply/%s must have the properties "uri" and "cid"`, name)
			case !ok:
				return fmt.Errorf("Record/reply/%s %s does not exist", name, ref.URI)
			case held.cid != ref.CID:
				return fmt.Errorf("Record/reply/%s cid %s is not the cid of %s", name, ref.CID, ref.URI)
			}
		}
	}
	if p.Embed != nil {
		if p.Embed.Type != "app.bsky.embed.images" {
			return fmt.Errorf("Record/embed has unsupported $type %q", p.Embed.Type)
		}
		if len(p.Embed.Images) == 0 || len(p.Embed.Images) > 4 {
			return errors.New("Record/embed/images must have 1 to 4 elements")
		}
		for i, img := range p.Embed.Images {
			if img.Alt == nil {
				return fmt.Errorf(`Record/embed/images/%d must have the property "alt"`, i)
			}
			b := img.Image
			if b == nil || b.Type != "blob" || b.Ref.Link == "" {
				return fmt.Errorf("Record/embed/images/%d/image should be a blob ref", i)
			}
			held, ok := s.blobs[b.Ref.Link]
			switch {
			case !ok:
				return fmt.Errorf("Record/embed/images/%d/image: blob %s was not uploaded", i, b.Ref.Link)
			case held.mime != b.MimeType || held.size != b.Size:
				return fmt.Errorf("Record/embed/images/%d/image: blob %s is not %s of %d bytes", i, b.Ref.Link, b.MimeType, b.Size)
			case !strings.HasPrefix(b.MimeType, "image/"):
				return fmt.Errorf("Record/embed/images/%d/image mimetype %q is not an image", i, b.MimeType)
			case b.Size > 1_000_000:
				return fmt.Errorf("Record/embed/images/%d/image file too big (max 1000000)", i)
			}
			if a := img.AspectRatio; a != nil && (a.Width < 1 || a.Height < 1) {
				return fmt.Errorf("Record/embed/images/%d/aspectRatio must be at least 1 by 1", i)
			}
		}
	}
	return nil
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	repo, coll, rkey := q.Get("repo"), q.Get("collection"), q.Get("rkey")
	if repo == "" || coll == "" || rkey == "" {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", `Params must have the properties "repo", "collection" and "rkey"`)
		return
	}
	if repo == Handle {
		repo = DID
	}
	uri := "at://" + repo + "/" + coll + "/" + rkey
	s.mu.Lock()
	rec, ok := s.byURI[uri]
	s.mu.Unlock()
	if !ok {
		xrpcError(w, http.StatusBadRequest, "RecordNotFound", "Could not locate record: "+uri)
		return
	}
	writeJSON(w, map[string]any{"uri": rec.uri, "cid": rec.cid, "value": rec.value})
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	repo, coll := q.Get("repo"), q.Get("collection")
	if repo == "" || coll == "" {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", `Params must have the properties "repo" and "collection"`)
		return
	}
	if repo != DID && repo != Handle {
		xrpcError(w, http.StatusBadRequest, "InvalidRequest", "Could not find repo: "+repo)
		return
	}
	limit := 50
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			xrpcError(w, http.StatusBadRequest, "InvalidRequest", "limit must be an integer from 1 to 100")
			return
		}
		limit = n
	}
	cursor := q.Get("cursor")
	type item struct {
		URI   string          `json:"uri"`
		CID   string          `json:"cid"`
		Value json.RawMessage `json:"value"`
	}
	out := struct {
		Cursor  string `json:"cursor,omitempty"`
		Records []item `json:"records"`
	}{Records: []item{}}
	s.mu.Lock()
	for i := len(s.records) - 1; i >= 0 && len(out.Records) < limit; i-- {
		rec := s.records[i]
		if coll != collection || (cursor != "" && rec.rkey >= cursor) {
			continue
		}
		out.Records = append(out.Records, item{rec.uri, rec.cid, rec.value})
		out.Cursor = rec.rkey
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

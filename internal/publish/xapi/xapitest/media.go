package xapitest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// maxImage is X's limit on a tweet_image.
const maxImage = 5 << 20

// imageTypes are the media_type values X documents for POST
// /2/media/upload.
var imageTypes = []string{"image/jpeg", "image/bmp", "image/png", "image/webp", "image/pjpeg", "image/tiff"}

// upload serves POST /2/media/upload in its multipart form: a media file
// part, media_category (required) and media_type.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		invalid(w, "Content-Type", r.Header.Get("Content-Type"), "The request must be multipart/form-data.")
		return
	}
	m := &Media{}
	mr := multipart.NewReader(r.Body, params["boundary"])
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			invalid(w, "body", "", "The multipart body is malformed: "+err.Error())
			return
		}
		name := part.FormName()
		if seen[name] {
			invalid(w, name, "", "The `"+name+"` field is repeated.")
			return
		}
		seen[name] = true
		data, err := io.ReadAll(io.LimitReader(part, maxImage+1))
		if err != nil {
			invalid(w, "body", "", "The multipart body is malformed: "+err.Error())
			return
		}
		switch name {
		case "media":
			if part.FileName() == "" {
				invalid(w, "media", "", "The `media` field must be a file part.")
				return
			}
			m.Name, m.Data = part.FileName(), data
		case "media_category":
			m.Category = string(data)
		case "media_type":
			m.Type = string(data)
		case "additional_owners", "shared":
		default:
			invalid(w, name, "", "The `"+name+"` field is not one X takes.")
			return
		}
	}
	switch {
	case !seen["media"] || len(m.Data) == 0:
		invalid(w, "media", "", "The `media` field is required.")
		return
	case m.Category == "":
		invalid(w, "media_category", "", "The `media_category` field is required.")
		return
	case m.Category != "tweet_image" && m.Category != "dm_image":
		invalid(w, "media_category", m.Category, "The `media_category` value ["+m.Category+"] is not one of [tweet_image, dm_image, subtitles] for an image.")
		return
	case len(m.Data) > maxImage:
		invalid(w, "media", "", "The image is larger than 5 MB ("+strconv.Itoa(maxImage)+" bytes).")
		return
	}
	sniffed := http.DetectContentType(m.Data)
	if m.Type == "" {
		m.Type = sniffed
	}
	if !slices.Contains(imageTypes, m.Type) {
		invalid(w, "media_type", m.Type, "The `media_type` value ["+m.Type+"] is not one X takes.")
		return
	}
	if sniffed != m.Type && !(m.Type == "image/pjpeg" && sniffed == "image/jpeg") && sniffed != "application/octet-stream" {
		invalid(w, "media", "", "The media is "+sniffed+", not the "+m.Type+" declared.")
		return
	}
	s.mu.Lock()
	m.ID = s.nextID(mediaBase)
	m.Key = "3_" + m.ID
	s.media = append(s.media, m)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
		"id": m.ID, "media_key": m.Key, "size": len(m.Data), "expires_after_secs": 86400,
	}})
}

// metadata serves POST /2/media/metadata, of which the server keeps the
// alt text.
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		invalid(w, "Content-Type", r.Header.Get("Content-Type"), "The request must be JSON (Content-Type: application/json).")
		return
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	dec := json.NewDecoder(&body)
	dec.DisallowUnknownFields()
	var req struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText *struct {
				Text string `json:"text"`
			} `json:"alt_text"`
			SensitiveMediaWarning json.RawMessage `json:"sensitive_media_warning"`
			AllowDownloadStatus   json.RawMessage `json:"allow_download_status"`
		} `json:"metadata"`
	}
	if err := dec.Decode(&req); err != nil {
		invalid(w, "body", "", "The request body is not valid JSON for this endpoint: "+err.Error())
		return
	}
	if req.Metadata.AltText != nil && utf8.RuneCountInString(req.Metadata.AltText.Text) > 1000 {
		invalid(w, "metadata.alt_text.text", req.Metadata.AltText.Text, "The alt text is longer than 1000 characters.")
		return
	}
	s.mu.Lock()
	i := slices.IndexFunc(s.media, func(m *Media) bool { return m.ID == req.ID })
	if i < 0 {
		s.mu.Unlock()
		invalid(w, "id", req.ID, "The media id ["+req.ID+"] is not one this account uploaded.")
		return
	}
	meta := map[string]any{}
	if req.Metadata.AltText != nil {
		s.media[i].Alt = req.Metadata.AltText.Text
		meta["alt_text"] = map[string]any{"text": req.Metadata.AltText.Text}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"id": req.ID, "associated_metadata": meta}})
}

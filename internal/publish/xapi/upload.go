package xapi

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/iocast/iocast/internal/publish"
)

// MaxImage is the largest image X takes (5 MB).
const MaxImage = 5 << 20

// MaxAlt is the longest alt text X keeps, in characters.
const MaxAlt = 1000

// imageTypes are the media_type values POST /2/media/upload takes for a
// tweet_image.
var imageTypes = []string{"image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg", "image/tiff"}

// Upload sends m with POST /2/media/upload (multipart: media,
// media_category=tweet_image, media_type) and, when m.Alt is set, gives
// it its alt text with POST /2/media/metadata. An image over 5 MB, or of a
// type X does not take, is refused before sending.
func (c *Client) Upload(ctx context.Context, m publish.Media) (publish.MediaRef, error) {
	if len(m.Data) == 0 {
		return publish.MediaRef{}, fmt.Errorf("publish to X: the image is empty")
	}
	if len(m.Data) > MaxImage {
		return publish.MediaRef{}, fmt.Errorf("publish to X: the image is %d bytes; X takes at most %d (5 MB)", len(m.Data), MaxImage)
	}
	mimeType := m.MIME
	if mimeType == "" {
		mimeType = http.DetectContentType(m.Data)
	}
	if !slices.Contains(imageTypes, mimeType) {
		return publish.MediaRef{}, fmt.Errorf("publish to X: X does not take %q images (it takes %s)", mimeType, strings.Join(imageTypes, ", "))
	}
	name := m.Name
	if name == "" {
		name = "card"
	}

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("media_category", "tweet_image")
	_ = w.WriteField("media_type", mimeType)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="media"; filename="`+quoteEscaper.Replace(name)+`"`)
	h.Set("Content-Type", mimeType)
	part, err := w.CreatePart(h)
	if err != nil {
		return publish.MediaRef{}, err
	}
	_, _ = part.Write(m.Data)
	if err := w.Close(); err != nil {
		return publish.MediaRef{}, err
	}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.upload+"/2/media/upload", nil)
	if err != nil {
		return publish.MediaRef{}, err
	}
	publish.SetBody(req, w.FormDataContentType(), body.Bytes())
	var answer struct {
		Data struct {
			ID       string `json:"id"`
			MediaKey string `json:"media_key"`
		} `json:"data"`
	}
	if err := c.do(req, &answer); err != nil {
		return publish.MediaRef{}, err
	}
	if answer.Data.ID == "" {
		return publish.MediaRef{}, &publish.APIError{Platform: publish.PlatformX, Status: http.StatusOK, Message: msgNoID}
	}
	ref := publish.MediaRef{ID: answer.Data.ID, Alt: m.Alt, Width: m.Width, Height: m.Height}
	if m.Alt != "" {
		if err := c.setAlt(ctx, ref.ID, m.Alt); err != nil {
			return publish.MediaRef{}, err
		}
	}
	return ref, nil
}

// setAlt gives media id its alt text, cut to MaxAlt characters.
func (c *Client) setAlt(ctx context.Context, id, alt string) error {
	if utf8.RuneCountInString(alt) > MaxAlt {
		n := 0
		for i := range alt {
			if n == MaxAlt {
				alt = alt[:i]
				break
			}
			n++
		}
	}
	type altText struct {
		Text string `json:"text"`
	}
	type metadata struct {
		AltText altText `json:"alt_text"`
	}
	body := struct {
		ID       string   `json:"id"`
		Metadata metadata `json:"metadata"`
	}{id, metadata{altText{alt}}}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.upload+"/2/media/metadata", body)
	if err != nil {
		return err
	}
	return c.do(req, nil)
}

// quoteEscaper escapes a file name in a quoted header parameter.
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

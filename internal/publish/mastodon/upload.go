package mastodon

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/iocast/iocast/internal/publish"
)

// DefaultDescriptionLimit is the longest image description (alt text) an
// instance that does not say its own limit accepts, in characters.
const DefaultDescriptionLimit = 1500

// How Upload waits for an image the instance processes in the background:
// the first check after firstPoll, each wait twice the one before up to
// maxPollWait, at most maxPolls checks (about a minute and a half).
const (
	firstPoll   = 500 * time.Millisecond
	maxPollWait = 5 * time.Second
	maxPolls    = 20
)

// mediaAttachment is the part of Mastodon's MediaAttachment entity iocast
// reads. URL is null while the instance is still processing the file.
type mediaAttachment struct {
	ID  string  `json:"id"`
	URL *string `json:"url"`
}

// Upload sends the image with POST /api/v2/media, its alt text as the
// description (cut to the instance's limit). The instance may answer 202
// before it has processed the image; Upload then asks
// GET /api/v1/media/:id, waiting longer each time, until the image is
// ready, since a status cannot attach an image still being processed.
// An image larger than the instance's image_size_limit (16 MB when it does
// not say) is refused without being sent.
func (c *Client) Upload(ctx context.Context, m publish.Media) (publish.MediaRef, error) {
	sizeLimit := int64(DefaultImageSizeLimit)
	descLimit := DefaultDescriptionLimit
	if inst, err := c.instance(ctx); err == nil {
		if n := inst.Configuration.MediaAttachments.ImageSizeLimit; n > 0 {
			sizeLimit = n
		}
		if n := inst.Configuration.MediaAttachments.DescriptionLimit; n > 0 {
			descLimit = n
		}
	} else if ctx.Err() != nil {
		return publish.MediaRef{}, ctx.Err()
	}
	if int64(len(m.Data)) > sizeLimit {
		return publish.MediaRef{}, fmt.Errorf("mastodon: the image is %s; the instance accepts images of at most %s", publish.Megabytes(int64(len(m.Data))), publish.Megabytes(sizeLimit))
	}
	body, contentType, err := mediaForm(m, descLimit)
	if err != nil {
		return publish.MediaRef{}, fmt.Errorf("mastodon: %w", err)
	}
	req, err := c.newRequest(ctx, http.MethodPost, "/api/v2/media", nil)
	if err != nil {
		return publish.MediaRef{}, err
	}
	publish.SetBody(req, contentType, body)
	var a mediaAttachment
	if err := c.send(req, &a, "upload"); err != nil {
		return publish.MediaRef{}, err
	}
	if a.ID == "" {
		return publish.MediaRef{}, &publish.APIError{Platform: publish.PlatformMastodon, Status: http.StatusOK, Message: "the uploaded image has no id"}
	}
	wait := firstPoll
	for polls := 0; a.URL == nil; polls++ {
		if polls == maxPolls {
			return publish.MediaRef{}, fmt.Errorf("mastodon: the instance was still processing the image (media %s) after %d checks; run `iocast post` again later", a.ID, maxPolls)
		}
		if err := c.Sleep(ctx, wait); err != nil {
			return publish.MediaRef{}, err
		}
		wait = min(2*wait, maxPollWait)
		if err := c.do(ctx, http.MethodGet, "/api/v1/media/"+url.PathEscape(a.ID), nil, &a, "upload"); err != nil {
			return publish.MediaRef{}, err
		}
	}
	return publish.MediaRef{ID: a.ID, Alt: m.Alt, Width: m.Width, Height: m.Height}, nil
}

// mediaForm writes the multipart form of POST /api/v2/media: the
// description, then the file.
func mediaForm(m publish.Media, descLimit int) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if m.Alt != "" {
		if err := w.WriteField("description", publish.Truncate(m.Alt, descLimit)); err != nil {
			return nil, "", err
		}
	}
	name := m.Name
	if name == "" {
		name = "image"
	}
	mimeType := m.MIME
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+quoteEscaper.Replace(strings.ToValidUTF8(name, "_"))+`"`)
	h.Set("Content-Type", mimeType)
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(m.Data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

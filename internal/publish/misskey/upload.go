package misskey

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/iocast/iocast/internal/publish"
)

// DefaultMaxFileSize is the largest file an instance that does not say
// its own limit accepts: Misskey's default maxFileSize (250 MiB).
const DefaultMaxFileSize = 262144000

// MaxCommentLength is the longest file comment (alt text) Misskey stores,
// in characters.
const MaxCommentLength = 512

// driveFile is the part of Misskey's DriveFile iocast reads.
type driveFile struct {
	ID string `json:"id"`
}

// Upload sends the image to the account's drive with
// POST /api/drive/files/create, its alt text as the file's comment (cut to
// 512 characters). An image larger than the instance's maxFileSize (from
// /api/meta; 250 MiB when it does not say) is refused without being sent.
func (c *Client) Upload(ctx context.Context, m publish.Media) (publish.MediaRef, error) {
	limit := int64(DefaultMaxFileSize)
	if mt, err := c.instanceMeta(ctx); err == nil {
		if mt.MaxFileSize > 0 {
			limit = mt.MaxFileSize
		}
	} else if ctx.Err() != nil {
		return publish.MediaRef{}, ctx.Err()
	}
	if int64(len(m.Data)) > limit {
		return publish.MediaRef{}, fmt.Errorf("misskey: the image is %s; the instance accepts files of at most %s", publish.Megabytes(int64(len(m.Data))), publish.Megabytes(limit))
	}
	body, contentType, err := c.fileForm(m)
	if err != nil {
		return publish.MediaRef{}, fmt.Errorf("misskey: %w", err)
	}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.base+"/api/drive/files/create", nil)
	if err != nil {
		return publish.MediaRef{}, fmt.Errorf("misskey: %w", err)
	}
	publish.SetBody(req, contentType, body)
	var f driveFile
	if err := c.send(req, &f, "upload"); err != nil {
		return publish.MediaRef{}, err
	}
	if f.ID == "" {
		return publish.MediaRef{}, &publish.APIError{Platform: publish.PlatformMisskey, Status: http.StatusOK, Message: "the uploaded file has no id"}
	}
	return publish.MediaRef{ID: f.ID, Alt: m.Alt, Width: m.Width, Height: m.Height}, nil
}

// fileForm writes the multipart form of drive/files/create: the fields
// first (older Misskey versions read only the fields before the file),
// then the file.
func (c *Client) fileForm(m publish.Media) ([]byte, string, error) {
	name := strings.ToValidUTF8(m.Name, "_")
	if name == "" {
		name = "image"
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fields := [][2]string{{"i", c.token.Reveal()}, {"name", name}}
	if m.Alt != "" {
		fields = append(fields, [2]string{"comment", publish.Truncate(m.Alt, MaxCommentLength)})
	}
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, "", err
		}
	}
	mimeType := m.MIME
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+quoteEscaper.Replace(name)+`"`)
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

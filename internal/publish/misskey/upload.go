package misskey

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"unicode/utf8"

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
		return publish.MediaRef{}, fmt.Errorf("misskey: the image is %s; the instance accepts files of at most %s", megabytes(int64(len(m.Data))), megabytes(limit))
	}
	body, contentType, err := c.fileForm(m)
	if err != nil {
		return publish.MediaRef{}, fmt.Errorf("misskey: %w", err)
	}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.base+"/api/drive/files/create", nil)
	if err != nil {
		return publish.MediaRef{}, fmt.Errorf("misskey: %w", err)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.Body, _ = req.GetBody()
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", contentType)
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
		fields = append(fields, [2]string{"comment", truncate(m.Alt, MaxCommentLength)})
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

// truncate cuts s to at most n characters (code points), ending with an
// ellipsis when it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n-1 {
			return s[:i] + "…"
		}
		count++
	}
	return s
}

// megabytes formats a size for an error message.
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

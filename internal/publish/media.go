package publish

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"
)

// SetBody gives req a body (a media upload) that can be sent again on a
// redirect.
func SetBody(req *http.Request, contentType string, b []byte) {
	req.Header.Set("Content-Type", contentType)
	req.ContentLength = int64(len(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	req.Body, _ = req.GetBody()
}

// Truncate cuts s to at most n characters (code points), ending with an
// ellipsis when it cut: alt texts longer than a platform takes.
func Truncate(s string, n int) string {
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

// Megabytes formats a size for an error message.
func Megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

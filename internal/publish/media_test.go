package publish_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/iocast/iocast/internal/publish"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"card", 10, "card"},
		{"evidence card", 5, "evid…"},
		{"証拠カードです", 4, "証拠カ…"},
		{"abc", 3, "abc"},
	}
	for _, tt := range tests {
		if got := publish.Truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
	if got := publish.Megabytes(5 << 20); got != "5.0 MB" {
		t.Errorf("Megabytes = %q", got)
	}
}

func TestSetBodyResendable(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/upload", nil)
	publish.SetBody(req, "image/png", []byte("png-bytes"))
	for range 2 { // the first send and a redirect's
		body, err := req.GetBody()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(body)
		if string(b) != "png-bytes" {
			t.Errorf("body %q", b)
		}
	}
	if req.ContentLength != 9 || req.Header.Get("Content-Type") != "image/png" {
		t.Errorf("length %d, type %q", req.ContentLength, req.Header.Get("Content-Type"))
	}
}

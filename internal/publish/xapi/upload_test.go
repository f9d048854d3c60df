package xapi_test

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/xapi"
)

// TestUploadRequest checks the multipart parts of POST /2/media/upload
// and the body of POST /2/media/metadata.
func TestUploadRequest(t *testing.T) {
	longAlt := strings.Repeat("é", 1005)
	tests := []struct {
		name     string
		media    publish.Media
		wantType string
		wantName string
		wantAlt  string // "" for no metadata request
	}{
		{"png with alt", publish.Media{Name: "card.png", MIME: "image/png", Data: pngData, Alt: "IoC card: 3 IPs"}, "image/png", "card.png", "IoC card: 3 IPs"},
		{"no alt", publish.Media{Name: "card.png", MIME: "image/png", Data: pngData}, "image/png", "card.png", ""},
		{"sniffed type", publish.Media{Data: pngData, Alt: "a"}, "image/png", "card", "a"},
		{"long alt is cut", publish.Media{Name: `we"ird.png`, MIME: "image/png", Data: pngData, Alt: longAlt}, "image/png", `we"ird.png`, strings.Repeat("é", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Path == "/2/media/upload" {
					_, _ = io.WriteString(w, `{"data":{"id":"1700000000000000001","media_key":"3_1700000000000000001","size":80,"expires_after_secs":86400}}`)
					return
				}
				_, _ = io.WriteString(w, `{"data":{"id":"1700000000000000001","associated_metadata":{}}}`)
			})
			cfg := testCreds.config("http://127.0.0.1:1") // nothing listens: uploads go to UploadURL
			cfg.UploadURL = rec.URL + "/"
			c, err := xapi.New(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := c.Upload(t.Context(), tt.media)
			if err != nil {
				t.Fatal(err)
			}
			if ref.ID != "1700000000000000001" {
				t.Errorf("ID = %q", ref.ID)
			}
			reqs := rec.requests()
			wantN := 2
			if tt.wantAlt == "" {
				wantN = 1
			}
			if len(reqs) != wantN {
				t.Fatalf("%d requests, want %d", len(reqs), wantN)
			}
			up := reqs[0]
			if up.Method != "POST" || up.URL != rec.URL+"/2/media/upload" {
				t.Errorf("upload %s %s", up.Method, up.URL)
			}
			ct, params, err := mime.ParseMediaType(up.Header.Get("Content-Type"))
			if err != nil || ct != "multipart/form-data" {
				t.Fatalf("Content-Type %q", up.Header.Get("Content-Type"))
			}
			mr := multipart.NewReader(strings.NewReader(string(up.Body)), params["boundary"])
			type part struct{ Name, File, Type, Data string }
			var parts []part
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(p)
				parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(data)})
			}
			want := []part{
				{Name: "media_category", Data: "tweet_image"},
				{Name: "media_type", Data: tt.wantType},
				{Name: "media", File: tt.wantName, Type: tt.wantType, Data: string(pngData)},
			}
			if diff := cmp.Diff(want, parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			if tt.wantAlt == "" {
				return
			}
			meta := reqs[1]
			if meta.Method != "POST" || meta.URL != rec.URL+"/2/media/metadata" || meta.Header.Get("Content-Type") != "application/json" {
				t.Errorf("metadata %s %s %s", meta.Method, meta.URL, meta.Header.Get("Content-Type"))
			}
			wantBody, _ := json.Marshal(map[string]any{"id": "1700000000000000001", "metadata": map[string]any{"alt_text": map[string]any{"text": tt.wantAlt}}})
			assertJSON(t, meta.Body, string(wantBody))
		})
	}
}

// TestUploadRefusesBeforeSending: images X would refuse are not sent.
func TestUploadRefusesBeforeSending(t *testing.T) {
	rec := newRecorder(t, nil)
	c, err := xapi.New(testCreds.config(rec.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	big := append(append([]byte(nil), pngData...), make([]byte, xapi.MaxImage)...)
	for _, tt := range []struct {
		name, wantErr string
		m             publish.Media
	}{
		{"over 5 MB", "at most 5242880", publish.Media{MIME: "image/png", Data: big}},
		{"empty", "empty", publish.Media{MIME: "image/png"}},
		{"gif", `"image/gif"`, publish.Media{MIME: "image/gif", Data: []byte("GIF89a....")}},
		{"unknown bytes", `"text/plain; charset=utf-8"`, publish.Media{Data: []byte("not an image")}},
	} {
		_, err := c.Upload(t.Context(), tt.m)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Upload: %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestUploadOnFake uploads an image of exactly 5 MB to the fake.
func TestUploadOnFake(t *testing.T) {
	s, c := newFake(t)
	exact := append(append([]byte(nil), pngData...), make([]byte, xapi.MaxImage-len(pngData))...)
	ref, err := c.Upload(t.Context(), publish.Media{Name: "card.png", MIME: "image/png", Data: exact, Alt: "alt"})
	if err != nil {
		t.Fatalf("a 5 MB image: %v", err)
	}
	media := s.Media()
	if len(media) != 1 || media[0].ID != ref.ID || len(media[0].Data) != xapi.MaxImage || media[0].Alt != "alt" {
		t.Errorf("media %+v", media)
	}
}

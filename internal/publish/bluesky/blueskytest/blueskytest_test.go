package blueskytest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iocast/iocast/internal/publish/bluesky/blueskytest"
)

// call makes one XRPC request and returns the status and the error name.
func call(t *testing.T, srv *blueskytest.Server, method, nsid, token, contentType, body string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/xrpc/"+nsid, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(data, &v)
	name, _ := v["error"].(string)
	return resp.StatusCode, name, v
}

func TestServerRefuses(t *testing.T) {
	srv := blueskytest.New(t)
	_, _, sess := call(t, srv, "POST", "com.atproto.server.createSession", "", "application/json", `{"identifier":"iocast.test","password":"`+blueskytest.AppPassword+`"}`)
	access, refresh := sess["accessJwt"].(string), sess["refreshJwt"].(string)
	_, _, up := call(t, srv, "POST", "com.atproto.repo.uploadBlob", access, "image/png", "png bytes")
	blob, _ := json.Marshal(up["blob"])
	_, _, first := call(t, srv, "POST", "com.atproto.repo.createRecord", access, "application/json",
		`{"repo":"`+blueskytest.DID+`","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","text":"first","createdAt":"2025-01-01T00:00:00.000Z"}}`)
	firstURI, firstCID := first["uri"].(string), first["cid"].(string)
	if firstURI == "" || firstCID == "" {
		t.Fatalf("createRecord answered %v", first)
	}

	post := func(record string) string {
		return `{"repo":"` + blueskytest.DID + `","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","createdAt":"2025-01-01T00:00:00.000Z",` + record + `}}`
	}
	tests := []struct {
		name       string
		method     string
		nsid       string
		token      string
		body       string
		wantStatus int
		wantError  string
	}{
		{"wrong password", "POST", "com.atproto.server.createSession", "", `{"identifier":"iocast.test","password":"nope"}`, 401, "AuthenticationRequired"},
		{"no token", "POST", "com.atproto.repo.createRecord", "", post(`"text":"x"`), 401, "AuthMissing"},
		{"unknown token", "POST", "com.atproto.repo.createRecord", "forged", post(`"text":"x"`), 400, "InvalidToken"},
		{"refresh token as access", "POST", "com.atproto.repo.createRecord", refresh, post(`"text":"x"`), 400, "InvalidToken"},
		{"access token as refresh", "POST", "com.atproto.server.refreshSession", access, ``, 400, "InvalidToken"},
		{"GET on a procedure", "GET", "com.atproto.repo.createRecord", access, ``, 400, "InvalidRequest"},
		{"unknown method", "GET", "app.bsky.feed.getTimeline", access, ``, 501, "MethodNotImplemented"},
		{"other repo", "POST", "com.atproto.repo.createRecord", access, strings.Replace(post(`"text":"x"`), blueskytest.DID, "did:plc:someoneelse", 1), 400, "InvalidRequest"},
		{"no $type", "POST", "com.atproto.repo.createRecord", access, strings.Replace(post(`"text":"x"`), `"$type":"app.bsky.feed.post",`, "", 1), 400, "InvalidRequest"},
		{"bad createdAt", "POST", "com.atproto.repo.createRecord", access, strings.Replace(post(`"text":"x"`), "2025-01-01T00:00:00.000Z", "yesterday", 1), 400, "InvalidRequest"},
		{"301 graphemes", "POST", "com.atproto.repo.createRecord", access, post(`"text":"` + strings.Repeat("é", 301) + `"`), 400, "InvalidRequest"},
		{"facet past the end", "POST", "com.atproto.repo.createRecord", access, post(`"text":"#x","facets":[{"index":{"byteStart":0,"byteEnd":3},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"x"}]}]`), 400, "InvalidRequest"},
		{"facet splits a character", "POST", "com.atproto.repo.createRecord", access, post(`"text":"é #x","facets":[{"index":{"byteStart":1,"byteEnd":5},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"x"}]}]`), 400, "InvalidRequest"},
		{"facet without features", "POST", "com.atproto.repo.createRecord", access, post(`"text":"#x","facets":[{"index":{"byteStart":0,"byteEnd":2},"features":[]}]`), 400, "InvalidRequest"},
		{"reply to an unknown record", "POST", "com.atproto.repo.createRecord", access, post(`"text":"x","reply":{"root":{"uri":"at://did:plc:a/app.bsky.feed.post/3abc","cid":"bafyreia"},"parent":{"uri":"at://did:plc:a/app.bsky.feed.post/3abc","cid":"bafyreia"}}`), 400, "InvalidRequest"},
		{"reply with a wrong cid", "POST", "com.atproto.repo.createRecord", access, post(`"text":"x","reply":{"root":{"uri":"` + firstURI + `","cid":"bafyreiwrong"},"parent":{"uri":"` + firstURI + `","cid":"` + firstCID + `"}}`), 400, "InvalidRequest"},
		{"reply without cid", "POST", "com.atproto.repo.createRecord", access, post(`"text":"x","reply":{"root":{"uri":"` + firstURI + `"},"parent":{"uri":"` + firstURI + `","cid":"` + firstCID + `"}}`), 400, "InvalidRequest"},
		{"blob not uploaded", "POST", "com.atproto.repo.createRecord", access, post(`"text":"x","embed":{"$type":"app.bsky.embed.images","images":[{"alt":"","image":{"$type":"blob","ref":{"$link":"bafkreiother"},"mimeType":"image/png","size":9}}]}`), 400, "InvalidRequest"},
		{"image without alt", "POST", "com.atproto.repo.createRecord", access, post(`"text":"x","embed":{"$type":"app.bsky.embed.images","images":[{"image":` + string(blob) + `}]}`), 400, "InvalidRequest"},
		{"record not found", "GET", "com.atproto.repo.getRecord?repo=" + blueskytest.DID + "&collection=app.bsky.feed.post&rkey=3zzz", "", ``, 400, "RecordNotFound"},
		{"good reply with image", "POST", "com.atproto.repo.createRecord", access, post(`"text":"é #x","facets":[{"index":{"byteStart":3,"byteEnd":5},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"x"}]}],"reply":{"root":{"uri":"` + firstURI + `","cid":"` + firstCID + `"},"parent":{"uri":"` + firstURI + `","cid":"` + firstCID + `"}},"embed":{"$type":"app.bsky.embed.images","images":[{"alt":"","image":` + string(blob) + `,"aspectRatio":{"width":2,"height":1}}]}`), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, name, body := call(t, srv, tt.method, tt.nsid, tt.token, "application/json", tt.body)
			if status != tt.wantStatus || name != tt.wantError {
				t.Errorf("answered %d %q (%v), want %d %q", status, name, body, tt.wantStatus, tt.wantError)
			}
		})
	}
	if got := len(srv.Posts()); got != 2 {
		t.Errorf("%d posts, want 2", got)
	}
}

package xapi_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/internal/publish/xapi"
	"github.com/iocast/iocast/internal/secret"
)

// creds are credentials with characters that percent-encoding must
// handle.
type creds struct {
	consumerKey, consumerSecret, token, tokenSecret string
}

var testCreds = creds{
	consumerKey:    "ck-Ladies+Gentlemen",
	consumerSecret: "cs/with=reserved&chars~%",
	token:          "1500000000000000001-token",
	tokenSecret:    "ts secret!*'()",
}

func (c creds) config(apiURL string) xapi.Config {
	return xapi.Config{
		APIURL:         apiURL,
		ConsumerKey:    secret.New(c.consumerKey),
		ConsumerSecret: secret.New(c.consumerSecret),
		AccessToken:    secret.New(c.token),
		AccessSecret:   secret.New(c.tokenSecret),
	}
}

func (c creds) secrets() []secret.String {
	return []secret.String{secret.New(c.consumerKey), secret.New(c.consumerSecret), secret.New(c.token), secret.New(c.tokenSecret)}
}

// pct is RFC 5849 3.6 percent-encoding, built here from url.QueryEscape
// rather than byte by byte, so that it checks the other implementations.
func pct(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(e)
}

// signature computes an HMAC-SHA1 OAuth 1.0a signature (RFC 5849 3.4):
// params are the query (and form) parameters and the oauth_* ones but
// oauth_signature; a JSON or multipart body is not part of it.
func signature(method, rawURL string, params url.Values, consumerSecret, tokenSecret string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	all := url.Values{}
	for k, vs := range u.Query() {
		all[k] = append(all[k], vs...)
	}
	for k, vs := range params {
		all[k] = append(all[k], vs...)
	}
	var pairs []string
	for k, vs := range all {
		for _, v := range vs {
			pairs = append(pairs, pct(k)+"\x00"+pct(v))
		}
	}
	sort.Strings(pairs) // "\x00" sorts before any byte of an encoded name
	for i, p := range pairs {
		pairs[i] = strings.Replace(p, "\x00", "=", 1)
	}
	baseURI := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
	base := strings.ToUpper(method) + "&" + pct(baseURI) + "&" + pct(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(pct(consumerSecret)+"&"+pct(tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// TestSignatureHelper checks the test's own signer against the worked
// example of X's documentation ("Creating a signature").
func TestSignatureHelper(t *testing.T) {
	params := url.Values{
		"status":                 {"Hello Ladies + Gentlemen, a signed OAuth request!"},
		"oauth_consumer_key":     {"xvz1evFS4wEEPTGEFPHBog"},
		"oauth_nonce":            {"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"},
		"oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp":        {"1318622958"},
		"oauth_token":            {"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"},
		"oauth_version":          {"1.0"},
	}
	got := signature("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true", params,
		"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
	if want := "hCtSmYh+iHYCEqBWrE7C7hYmtUk="; got != want {
		t.Fatalf("signature = %s, want %s", got, want)
	}
}

// wantAuthorization is the exact Authorization header for a request to
// rawURL signed with c, nonce and timestamp: the oauth_* parameters
// sorted, encoded and quoted, as the adapter writes them.
func wantAuthorization(c creds, method, rawURL, nonce, timestamp string) string {
	oauth := url.Values{
		"oauth_consumer_key":     {c.consumerKey},
		"oauth_nonce":            {nonce},
		"oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp":        {timestamp},
		"oauth_token":            {c.token},
		"oauth_version":          {"1.0"},
	}
	sig := signature(method, rawURL, oauth, c.consumerSecret, c.tokenSecret)
	oauth.Set("oauth_signature", sig)
	keys := make([]string, 0, len(oauth))
	for k := range oauth {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fields := make([]string, len(keys))
	for i, k := range keys {
		fields[i] = k + `="` + pct(oauth.Get(k)) + `"`
	}
	return "OAuth " + strings.Join(fields, ", ")
}

// recorded is a request a test server received.
type recorded struct {
	Method, URL string
	Header      http.Header
	Body        []byte
}

// recorder is a test server that records requests and answers each with
// answer (200 {} when nil).
type recorder struct {
	*httptest.Server
	answer func(w http.ResponseWriter, r *http.Request, body []byte)

	mu   sync.Mutex
	reqs []recorded
}

func newRecorder(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, body []byte)) *recorder {
	rec := &recorder{answer: answer}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
		rec.mu.Unlock()
		if rec.answer == nil {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{}`)
			return
		}
		rec.answer(w, r, body)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

// TestAuthorizationHeader checks the exact Authorization header of each
// kind of request against a signature computed here: query parameters
// are signed, JSON and multipart bodies are not.
func TestAuthorizationHeader(t *testing.T) {
	const nonce = "0123456789abcdef0123456789abcdef"
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/2/users/me":
			_, _ = io.WriteString(w, `{"data":{"id":"42","name":"n","username":"u"}}`)
		case r.URL.Path == "/2/tweets":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"data":{"id":"7","text":"t"}}`)
		case r.URL.Path == "/2/media/upload":
			_, _ = io.WriteString(w, `{"data":{"id":"9","media_key":"3_9"}}`)
		default:
			_, _ = io.WriteString(w, `{"data":[],"meta":{"result_count":0}}`)
		}
	})
	c, err := xapi.New(testCreds.config(rec.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	xapi.SetNonce(c, nonce)
	ctx := t.Context()
	if _, err := c.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Find(ctx, publish.Message{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, publish.Message{Text: "hello & <b> https://example.com/?a=1&b=2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(ctx, publish.Media{Name: "card.png", MIME: "image/png", Data: pngData, Alt: "card"}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 5 {
		t.Fatalf("%d requests, want 5 (me, tweets, create, upload, metadata)", len(reqs))
	}
	for _, r := range reqs {
		got := r.Header.Get("Authorization")
		p := parseAuth(t, got)
		ts := p["oauth_timestamp"]
		if ts == "" || strings.Trim(ts, "0123456789") != "" {
			t.Fatalf("%s %s: oauth_timestamp %q is not Unix seconds", r.Method, r.URL, ts)
		}
		if want := wantAuthorization(testCreds, r.Method, r.URL, nonce, ts); got != want {
			t.Errorf("%s %s:\nAuthorization: %s\nwant           %s", r.Method, r.URL, got, want)
		}
	}
	if q := reqs[1].URL; !strings.Contains(q, "?") {
		t.Errorf("the timeline request %s has no query: the test signs no query parameter", q)
	}
}

// parseAuth reads the parameters of an OAuth Authorization header.
func parseAuth(t *testing.T, h string) map[string]string {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		t.Fatalf("Authorization %q is not OAuth", h)
	}
	p := map[string]string{}
	for _, f := range strings.Split(rest, ", ") {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			t.Fatalf("Authorization field %q", f)
		}
		v, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			t.Fatal(err)
		}
		p[k] = v
	}
	return p
}

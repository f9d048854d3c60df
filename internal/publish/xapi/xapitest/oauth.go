package xapitest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// authParams parses an "OAuth k="v", …" Authorization header (RFC 5849
// 3.5.1), percent-decoding names and values.
func authParams(header string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(header, "OAuth ")
	if !ok {
		return nil, false
	}
	params := map[string]string{}
	for _, field := range strings.Split(rest, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		k, v, ok := strings.Cut(field, "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, false
		}
		k, err1 := url.PathUnescape(k)
		v, err2 := url.PathUnescape(v[1 : len(v)-1])
		if err1 != nil || err2 != nil {
			return nil, false
		}
		if _, dup := params[k]; dup {
			return nil, false
		}
		params[k] = v
	}
	return params, true
}

// verify reports whether r carries a valid OAuth 1.0a HMAC-SHA1 signature
// by the server's consumer and access token; body is r's body, which is
// part of the signed parameters when it is a form.
func (s *Server) verify(r *http.Request, body []byte) bool {
	p, ok := authParams(r.Header.Get("Authorization"))
	if !ok {
		return false
	}
	if p["oauth_consumer_key"] != ConsumerKey || p["oauth_token"] != AccessToken ||
		p["oauth_signature_method"] != "HMAC-SHA1" || p["oauth_nonce"] == "" ||
		!digits(p["oauth_timestamp"]) || p["oauth_signature"] == "" {
		return false
	}
	if v, ok := p["oauth_version"]; ok && v != "1.0" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(p["oauth_signature"])
	if err != nil {
		return false
	}
	params := url.Values{}
	for k, v := range p {
		if k != "oauth_signature" && k != "realm" {
			params.Add(k, v)
		}
	}
	for k, vs := range r.URL.Query() {
		params[k] = append(params[k], vs...)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return false
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	base := baseString(r.Method, baseURI(r), params)
	mac := hmac.New(sha1.New, []byte(encode(ConsumerSecret)+"&"+encode(AccessSecret)))
	mac.Write([]byte(base))
	return hmac.Equal(got, mac.Sum(nil))
}

// baseURI is the base string URI of RFC 5849 3.4.1.2: scheme and host in
// lower case, the default port left out, the path without the query.
func baseURI(r *http.Request) string {
	scheme, host := "http", strings.ToLower(r.Host)
	if r.TLS != nil {
		scheme = "https"
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		if port := host[i+1:]; scheme == "http" && port == "80" || scheme == "https" && port == "443" {
			host = host[:i]
		}
	}
	return scheme + "://" + host + r.URL.EscapedPath()
}

// baseString is the signature base string of RFC 5849 3.4.1: the method,
// the base string URI and the normalized parameters, each encoded, joined
// by "&".
func baseString(method, uri string, params url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, pair{encode(k), encode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	joined := make([]string, len(pairs))
	for i, p := range pairs {
		joined[i] = p.k + "=" + p.v
	}
	return strings.ToUpper(method) + "&" + encode(uri) + "&" + encode(strings.Join(joined, "&"))
}

// encode is RFC 5849 3.6 percent-encoding: every byte but the unreserved
// ones, with upper-case hex digits.
func encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

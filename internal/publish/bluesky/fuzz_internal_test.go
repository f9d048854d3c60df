package bluesky

import "testing"

// FuzzParseURI: an at:// URI splits into three non-empty parts that put
// back together give the URI, or is refused; never a panic.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{"at://did:plc:abc/app.bsky.feed.post/3lk", "at://", "at:///a/b", "https://bsky.app/x", "at://a/b/c/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		a, c, r, ok := parseURI(uri)
		if !ok {
			return
		}
		if a == "" || c == "" || r == "" || "at://"+a+"/"+c+"/"+r != uri {
			t.Errorf("parseURI(%q) = %q, %q, %q", uri, a, c, r)
		}
	})
}

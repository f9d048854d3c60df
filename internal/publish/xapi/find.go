package xapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/postfmt"
)

// FindDepth is how many of the account's latest posts Find looks at.
const FindDepth = 20

// tweet is a post as GET /2/users/:id/tweets returns it.
type tweet struct {
	ID               string `json:"id"`
	Text             string `json:"text"`
	ReferencedTweets []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"referenced_tweets"`
	Attachments struct {
		MediaKeys []string `json:"media_keys"`
	} `json:"attachments"`
}

// Find looks among the account's FindDepth latest posts (GET
// /2/users/:id/tweets, retweets left out, after GET /2/users/me for the
// account's id) for the newest one with m's text that replies to m.Parent
// (or to nothing when m.Parent is nil).
//
// X rewrites the text it stores: every link becomes a t.co link, &, < and
// > are HTML-escaped, and a post with media ends in one more t.co link. So
// the texts are compared after unescaping, turning every link twitter-text
// finds (postfmt.XLinks) into the same mark on both sides, dropping the
// media link, and collapsing white space.
func (c *Client) Find(ctx context.Context, m publish.Message) (publish.Remote, bool, error) {
	id, err := c.accountID(ctx)
	if err != nil {
		return publish.Remote{}, false, err
	}
	q := url.Values{
		"max_results":  {strconv.Itoa(FindDepth)},
		"tweet.fields": {"referenced_tweets,attachments"},
		"exclude":      {"retweets"},
	}
	req, err := publish.NewRequest(ctx, http.MethodGet, c.api+"/2/users/"+url.PathEscape(id)+"/tweets?"+q.Encode(), nil)
	if err != nil {
		return publish.Remote{}, false, err
	}
	var answer struct {
		Data []tweet `json:"data"`
	}
	if err := c.do(req, &answer); err != nil {
		return publish.Remote{}, false, err
	}
	parent := ""
	if m.Parent != nil {
		parent = m.Parent.ID
	}
	want := normText(m.Text)
	for _, t := range answer.Data {
		if t.ID == "" || t.repliesTo() != parent {
			continue
		}
		if sameText(t, want, parent != "") {
			return c.remote(t.ID), true, nil
		}
	}
	return publish.Remote{}, false, nil
}

// repliesTo returns the id of the post t replies to, "" for none.
func (t tweet) repliesTo() string {
	for _, r := range t.ReferencedTweets {
		if r.Type == "replied_to" {
			return r.ID
		}
	}
	return ""
}

// linkMark stands for every link in a normText result.
const linkMark = "\x00"

// unescapeX undoes the HTML escaping X applies to the text it returns.
var unescapeX = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// sameText reports whether t's text, as X returns it, is want (a
// normText result).
func sameText(t tweet, want string, reply bool) bool {
	got := normText(unescapeX.Replace(t.Text))
	if len(t.Attachments.MediaKeys) > 0 {
		got = strings.TrimSpace(strings.TrimSuffix(got, linkMark))
	}
	if got == want {
		return true
	}
	// A reply's text may start with the @names it replies to, which X
	// adds; the composed text never starts with one.
	if reply && !strings.HasPrefix(want, "@") {
		for strings.HasPrefix(got, "@") {
			_, rest, ok := strings.Cut(got, " ")
			if !ok {
				return false
			}
			got = rest
		}
		return got == want
	}
	return false
}

// normText returns s in NFC with every link X would make replaced by
// linkMark and white space collapsed to single spaces.
func normText(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	last := 0
	for _, sp := range postfmt.XLinks(s) {
		b.WriteString(s[last:sp.Start])
		b.WriteString(linkMark)
		last = sp.End
	}
	b.WriteString(s[last:])
	return strings.Join(strings.Fields(b.String()), " ")
}

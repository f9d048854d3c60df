package xapitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/iocast/iocast/internal/publish/publishtest"
	"github.com/iocast/iocast/postfmt"
)

// tweetBase and mediaBase start the ids the server gives out.
const (
	tweetBase = 1800000000000000000
	mediaBase = 1700000000000000000
)

// createRequest is the body of POST /2/tweets, with the fields X
// documents; any other field is refused.
type createRequest struct {
	Text  *string `json:"text"`
	Reply *struct {
		InReplyToTweetID    string   `json:"in_reply_to_tweet_id"`
		ExcludeReplyUserIDs []string `json:"exclude_reply_user_ids"`
	} `json:"reply"`
	Media *struct {
		MediaIDs      []string `json:"media_ids"`
		TaggedUserIDs []string `json:"tagged_user_ids"`
	} `json:"media"`
	QuoteTweetID          string          `json:"quote_tweet_id"`
	ReplySettings         string          `json:"reply_settings"`
	ForSuperFollowersOnly bool            `json:"for_super_followers_only"`
	Nullcast              bool            `json:"nullcast"`
	Poll                  json.RawMessage `json:"poll"`
	Geo                   json.RawMessage `json:"geo"`
}

// createTweet serves POST /2/tweets.
func (s *Server) createTweet(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		invalid(w, "Content-Type", r.Header.Get("Content-Type"), "The request must be JSON (Content-Type: application/json).")
		return
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	dec := json.NewDecoder(&body)
	dec.DisallowUnknownFields()
	var req createRequest
	if err := dec.Decode(&req); err != nil {
		invalid(w, "body", "", "The request body is not valid JSON for this endpoint: "+err.Error())
		return
	}
	p := publishtest.Post{}
	if req.Text != nil {
		p.Text = *req.Text
	}
	if req.Media != nil {
		p.Media = req.Media.MediaIDs
	}
	if req.Reply != nil {
		p.ReplyTo = req.Reply.InReplyToTweetID
	}
	if p.Text == "" && len(p.Media) == 0 {
		invalid(w, "text", "", "The request must have text or media.")
		return
	}
	if req.Media != nil && (len(p.Media) == 0 || len(p.Media) > 4) {
		invalid(w, "media.media_ids", strings.Join(p.Media, ","), "Your media IDs are invalid: give 1 to 4 of them.")
		return
	}
	if n := postfmt.XWeightedLength(p.Text); n > 280 {
		problem(w, http.StatusForbidden, "Forbidden", "Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.", "about:blank")
		return
	}

	s.mu.Lock()
	for _, id := range p.Media {
		if !slices.ContainsFunc(s.media, func(m *Media) bool { return m.ID == id }) {
			s.mu.Unlock()
			invalid(w, "media.media_ids", id, "Your media IDs are invalid.")
			return
		}
	}
	if p.ReplyTo != "" && !slices.ContainsFunc(s.posts, func(q post) bool { return q.ID == p.ReplyTo }) {
		s.mu.Unlock()
		problem(w, http.StatusForbidden, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.", "about:blank")
		return
	}
	if !s.AllowDuplicates && p.Text != "" && slices.ContainsFunc(s.posts, func(q post) bool { return q.Text == p.Text }) {
		s.mu.Unlock()
		problem(w, http.StatusForbidden, "Forbidden", "You are not allowed to create a Tweet with duplicate content.", "about:blank")
		return
	}
	s.mu.Unlock()

	fault, faulty := s.Faults.Next()
	if faulty && fault.Status != 0 && !fault.Created && !fault.Drop {
		fault.Answer(w)
		return
	}
	s.mu.Lock()
	p.ID = s.nextID(tweetBase)
	created := post{Post: p, rendered: s.render(p.Text, len(p.Media) > 0)}
	s.posts = append(s.posts, created)
	s.mu.Unlock()
	if faulty && fault.Then != nil {
		fault.Then(p)
	}
	switch {
	case faulty && fault.Drop:
		publishtest.DropConnection(w)
	case faulty && fault.Status != 0:
		fault.Answer(w)
	default:
		writeJSON(w, http.StatusCreated, map[string]any{
			"data": map[string]any{"id": p.ID, "text": created.rendered, "edit_history_tweet_ids": []string{p.ID}},
		})
	}
}

// render returns text as X stores it: NFC, every link twitter-text finds
// replaced by a t.co link, &, < and > escaped, and a t.co link to the
// media at the end. s.mu must be held.
func (s *Server) render(text string, media bool) string {
	text = norm.NFC.String(text)
	var b strings.Builder
	last := 0
	for _, sp := range postfmt.XLinks(text) {
		b.WriteString(escapeX.Replace(text[last:sp.Start]))
		b.WriteString(s.tco())
		last = sp.End
	}
	b.WriteString(escapeX.Replace(text[last:]))
	out := strings.TrimSpace(b.String())
	if media {
		if out != "" {
			out += " "
		}
		out += s.tco()
	}
	return out
}

// escapeX is the HTML escaping X applies to the text it returns.
var escapeX = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// userTweets serves GET /2/users/:id/tweets, newest first.
func (s *Server) userTweets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := r.PathValue("id")
	if id != UserID {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []any{map[string]any{
			"value": id, "detail": "Could not find user with id: [" + id + "].", "title": "Not Found Error",
			"resource_type": "user", "parameter": "id", "resource_id": id,
			"type": "https://api.twitter.com/2/problems/resource-not-found",
		}}})
		return
	}
	limit := 10
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 5 || n > 100 {
			invalid(w, "max_results", v, "The `max_results` query parameter value ["+v+"] is not between 5 and 100")
			return
		}
		limit = n
	}
	fields := map[string]bool{}
	for _, f := range strings.Split(q.Get("tweet.fields"), ",") {
		fields[strings.TrimSpace(f)] = true
	}
	exclude := map[string]bool{}
	for _, e := range strings.Split(q.Get("exclude"), ",") {
		switch e = strings.TrimSpace(e); e {
		case "", "replies", "retweets":
			exclude[e] = true
		default:
			invalid(w, "exclude", e, "The `exclude` query parameter value ["+e+"] is not one of [replies, retweets]")
			return
		}
	}
	start := 0
	if tok := q.Get("pagination_token"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "p"))
		if err != nil || !strings.HasPrefix(tok, "p") || n < 0 {
			invalid(w, "pagination_token", tok, "The `pagination_token` query parameter value ["+tok+"] is not valid")
			return
		}
		start = n
	}

	s.mu.Lock()
	var all []post
	for i := len(s.posts) - 1; i >= 0; i-- {
		if p := s.posts[i]; !(exclude["replies"] && p.ReplyTo != "") {
			all = append(all, p)
		}
	}
	s.mu.Unlock()
	var data []map[string]any
	next := ""
	for i := start; i < len(all); i++ {
		if len(data) == limit {
			next = "p" + strconv.Itoa(i)
			break
		}
		p := all[i]
		t := map[string]any{"id": p.ID, "text": p.rendered, "edit_history_tweet_ids": []string{p.ID}}
		if fields["referenced_tweets"] && p.ReplyTo != "" {
			t["referenced_tweets"] = []any{map[string]any{"type": "replied_to", "id": p.ReplyTo}}
		}
		if fields["attachments"] && len(p.Media) > 0 {
			keys := make([]string, len(p.Media))
			for k, id := range p.Media {
				keys[k] = "3_" + id
			}
			t["attachments"] = map[string]any{"media_keys": keys}
		}
		if fields["author_id"] {
			t["author_id"] = UserID
		}
		data = append(data, t)
	}
	if len(data) == 0 {
		writeJSON(w, http.StatusOK, map[string]any{"meta": map[string]any{"result_count": 0}})
		return
	}
	meta := map[string]any{"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[len(data)-1]["id"]}
	if next != "" {
		meta["next_token"] = next
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": meta})
}

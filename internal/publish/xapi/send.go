package xapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/iocast/iocast/internal/publish"
)

// MaxMedia is the most images X attaches to a post.
const MaxMedia = 4

// createTweet is the body of POST /2/tweets.
type createTweet struct {
	Text  string      `json:"text,omitempty"`
	Reply *replyTo    `json:"reply,omitempty"`
	Media *tweetMedia `json:"media,omitempty"`
}

type replyTo struct {
	InReplyToTweetID string `json:"in_reply_to_tweet_id"`
}

type tweetMedia struct {
	MediaIDs []string `json:"media_ids"`
}

// Send posts m with POST /2/tweets: a reply to m.Parent when it is set,
// with m.Media attached. X has no idempotency key; m.Key and m.Lang are
// not sent.
func (c *Client) Send(ctx context.Context, m publish.Message) (publish.Remote, error) {
	if len(m.Media) > MaxMedia {
		return publish.Remote{}, fmt.Errorf("publish to X: %d images; X attaches at most %d to a post", len(m.Media), MaxMedia)
	}
	body := createTweet{Text: m.Text}
	if m.Parent != nil {
		if m.Parent.ID == "" {
			return publish.Remote{}, fmt.Errorf("publish to X: the post to reply to has no id")
		}
		body.Reply = &replyTo{InReplyToTweetID: m.Parent.ID}
	}
	if len(m.Media) > 0 {
		body.Media = &tweetMedia{}
		for _, r := range m.Media {
			if r.ID == "" {
				return publish.Remote{}, fmt.Errorf("publish to X: an image has no media id")
			}
			body.Media.MediaIDs = append(body.Media.MediaIDs, r.ID)
		}
	}
	req, err := publish.NewRequest(ctx, http.MethodPost, c.api+"/2/tweets", body)
	if err != nil {
		return publish.Remote{}, err
	}
	var answer struct {
		Data struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"data"`
	}
	if err := c.do(req, &answer); err != nil {
		return publish.Remote{}, err
	}
	if answer.Data.ID == "" {
		// A 2xx without an id: the post may exist (publish.MaybeSent).
		return publish.Remote{}, &publish.APIError{Platform: publish.PlatformX, Status: http.StatusCreated, Message: msgNoID}
	}
	return c.remote(answer.Data.ID), nil
}

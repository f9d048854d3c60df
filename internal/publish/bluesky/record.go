package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/publish"
	"github.com/iocast/iocast/postfmt"
)

// record is an app.bsky.feed.post record.
type record struct {
	Type      string       `json:"$type"`
	Text      string       `json:"text"`
	CreatedAt string       `json:"createdAt"`
	Langs     []string     `json:"langs,omitempty"`
	Facets    []facet      `json:"facets,omitempty"`
	Reply     *replyRef    `json:"reply,omitempty"`
	Embed     *imagesEmbed `json:"embed,omitempty"`
}

// strongRef is a com.atproto.repo.strongRef: a record and its version.
type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

type replyRef struct {
	Root   strongRef `json:"root"`
	Parent strongRef `json:"parent"`
}

// facet is an app.bsky.richtext.facet.
type facet struct {
	Index    byteSlice `json:"index"`
	Features []feature `json:"features"`
}

type byteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

type feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

// imagesEmbed is an app.bsky.embed.images.
type imagesEmbed struct {
	Type   string  `json:"$type"`
	Images []image `json:"images"`
}

type image struct {
	Alt         string          `json:"alt"`
	Image       json.RawMessage `json:"image"`
	AspectRatio *aspectRatio    `json:"aspectRatio,omitempty"`
}

type aspectRatio struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// record builds m's record, looking up the cids its reply references lack.
func (c *Client) record(ctx context.Context, m publish.Message) (record, error) {
	if g, n := postfmt.BlueskyLength(m.Text); g > MaxGraphemes || n > MaxBytes {
		return record{}, fmt.Errorf("bluesky: the post is %d graphemes and %d bytes; Bluesky takes at most %d graphemes and %d bytes: %w", g, n, MaxGraphemes, MaxBytes, intel.ErrTooLarge)
	}
	facets, err := facets(m.Text, m.Facets)
	if err != nil {
		return record{}, err
	}
	rec := record{
		Type:      Collection,
		Text:      m.Text,
		CreatedAt: c.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Facets:    facets,
	}
	if m.Lang != "" {
		rec.Langs = []string{m.Lang}
	}
	if len(m.Media) > MaxImages {
		return record{}, fmt.Errorf("bluesky: %d images; a post embeds at most %d: %w", len(m.Media), MaxImages, intel.ErrInvalid)
	}
	if len(m.Media) > 0 {
		e := &imagesEmbed{Type: "app.bsky.embed.images"}
		for _, md := range m.Media {
			if len(md.Blob) == 0 {
				return record{}, fmt.Errorf("bluesky: the image has no blob reference (was it uploaded to Bluesky?): %w", intel.ErrInvalid)
			}
			img := image{Alt: md.Alt, Image: md.Blob}
			if md.Width > 0 && md.Height > 0 {
				img.AspectRatio = &aspectRatio{Width: md.Width, Height: md.Height}
			}
			e.Images = append(e.Images, img)
		}
		rec.Embed = e
	}
	if m.Parent != nil {
		parent, err := c.ref(ctx, m.Parent)
		if err != nil {
			return record{}, err
		}
		root := parent
		if m.Root != nil && m.Root.ID != m.Parent.ID {
			if root, err = c.ref(ctx, m.Root); err != nil {
				return record{}, err
			}
		}
		rec.Reply = &replyRef{Root: root, Parent: parent}
	}
	return rec, nil
}

// facets turns postfmt's facets into the record's. Mentions are left out:
// a handle in an indicator (a domain) must not notify whoever holds it.
func facets(text string, fs []postfmt.Facet) ([]facet, error) {
	var out []facet
	for _, f := range fs {
		if f.ByteStart < 0 || f.ByteEnd <= f.ByteStart || f.ByteEnd > len(text) ||
			!utf8.RuneStart(text[f.ByteStart]) || (f.ByteEnd < len(text) && !utf8.RuneStart(text[f.ByteEnd])) {
			return nil, fmt.Errorf("bluesky: facet [%d:%d] is not a span of the text's characters: %w", f.ByteStart, f.ByteEnd, intel.ErrInvalid)
		}
		var ft feature
		switch f.Kind {
		case postfmt.FacetLink:
			if f.URI == "" {
				return nil, fmt.Errorf("bluesky: link facet [%d:%d] has no URI: %w", f.ByteStart, f.ByteEnd, intel.ErrInvalid)
			}
			ft = feature{Type: "app.bsky.richtext.facet#link", URI: f.URI}
		case postfmt.FacetTag:
			tag := strings.TrimPrefix(f.Tag, "#")
			if tag == "" {
				return nil, fmt.Errorf("bluesky: tag facet [%d:%d] has no tag: %w", f.ByteStart, f.ByteEnd, intel.ErrInvalid)
			}
			ft = feature{Type: "app.bsky.richtext.facet#tag", Tag: tag}
		default:
			continue
		}
		out = append(out, facet{Index: byteSlice{f.ByteStart, f.ByteEnd}, Features: []feature{ft}})
	}
	return out, nil
}

// ref returns r as a strong reference, taking a missing cid from the
// records this client knows or from com.atproto.repo.getRecord.
func (c *Client) ref(ctx context.Context, r *publish.Remote) (strongRef, error) {
	did, collection, rkey, ok := parseURI(r.ID)
	if !ok {
		return strongRef{}, fmt.Errorf("bluesky: reply to %q: not an at:// record URI: %w", r.ID, intel.ErrInvalid)
	}
	if r.CID != "" {
		return strongRef{URI: r.ID, CID: r.CID}, nil
	}
	c.mu.Lock()
	cid := c.cids[r.ID]
	c.mu.Unlock()
	if cid != "" {
		return strongRef{URI: r.ID, CID: cid}, nil
	}
	q := url.Values{"repo": {did}, "collection": {collection}, "rkey": {rkey}}
	var out strongRef
	if err := c.call(ctx, http.MethodGet, "com.atproto.repo.getRecord", q, nil, &out); err != nil {
		return strongRef{}, err
	}
	if out.CID == "" {
		return strongRef{}, &publish.APIError{Platform: publish.PlatformBluesky, Status: http.StatusOK, Message: "the record " + r.ID + " has no cid"}
	}
	c.remember(r.ID, out.CID)
	return strongRef{URI: r.ID, CID: out.CID}, nil
}

// parseURI splits at://<authority>/<collection>/<rkey>.
func parseURI(uri string) (authority, collection, rkey string, ok bool) {
	rest, found := strings.CutPrefix(uri, "at://")
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

package postfmt

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// Options configures Compose.
type Options struct {
	// Platform is PlatformX, PlatformMastodon or PlatformBluesky.
	Platform string
	// Max overrides the platform's length limit when positive: a Mastodon
	// instance's limit, for example. Zero uses the platform's default.
	Max int
	// Lang is the label set: LangEN (the default when empty) or LangJA.
	Lang string
	// MaxParts caps the number of posts of a thread when positive. The
	// last part then says how many items were left out (Post.LeftOut).
	MaxParts int
}

// Post is a sighting composed for one platform: a single post, or a
// thread whose parts are posted as replies to the one before.
type Post struct {
	// Platform is the platform the parts were fitted to.
	Platform string
	// Parts are the posts, in order; one unless the sighting needed a thread.
	Parts []Part
	// Level is the degradation level used (0: nothing dropped); see
	// DegradationLevels and docs/FORMAT.md.
	Level int
	// LeftOut counts the items (C2s, hashes, file names, links) that did
	// not fit into Options.MaxParts parts.
	LeftOut int
}

// Part is one post of a thread.
type Part struct {
	// Text is the post's text, without a trailing newline.
	Text string
	// Length is Text's length as the platform counts it; Limit is the
	// most the platform accepts.
	Length, Limit int
	// Facets are the Bluesky rich-text facets of Text (links and tags),
	// set for Bluesky only.
	Facets []Facet `json:",omitempty"`
}

// DegradationLevels describes, by level, what Compose drops from a single
// post to make it fit, each level including the ones before. Only
// enrichment is ever dropped: indicators move to replies instead. A thread
// uses levels 0, 3 and 4 only, for its first part: the C2s in replies keep
// their enrichment.
var DegradationLevels = []string{
	0: "nothing dropped",
	1: "ISP names of every C2 but the first",
	2: "ASN and country of every C2 but the first, which then fold into the first line's \"and N more (…)\"",
	3: "ISP name of the first C2",
	4: "ASN of the first C2 (its country flag stays)",
}

// Compose writes s as a post for opts.Platform in format v1. It works on a
// normalised copy of s and returns an error wrapping intel.ErrInvalid when
// s does not normalise or holds text the format cannot carry, and
// intel.ErrTooLarge when one item alone cannot fit in a post.
//
// Compose first tries a single post at degradation level 0, 1, … (see
// DegradationLevels); when none fits, a thread at level 0, 1, …, whose
// first part holds the header, the first C2, the family, the first hash,
// the first sample link, the TLP and the credit, and whose parts together
// hold every indicator and link. When that first part does not fit at any
// level, the sample link, then the hash, then the C2 move to the replies.
// Every part is checked against the
// platform's own link detection: only sample and reference links may be
// live.
func Compose(s *intel.Sighting, opts Options) (*Post, error) {
	lim, err := LimitFor(opts.Platform)
	if err != nil {
		return nil, err
	}
	if opts.Max > 0 {
		lim.Max = opts.Max
	}
	if opts.Lang != "" && opts.Lang != LangEN && opts.Lang != LangJA {
		return nil, fmt.Errorf("postfmt: unknown language %q (want %s or %s): %w", opts.Lang, LangEN, LangJA, intel.ErrInvalid)
	}
	c, err := newComposer(s, lim, labelsFor(opts.Lang))
	if err != nil {
		return nil, err
	}
	defer c.release()
	for level := range DegradationLevels {
		if level > 0 && !c.levelChanges(level, false) {
			continue
		}
		c.setLevel(level, false)
		if level > 0 && !c.fitsItems(c.all, true, "") {
			// Measured line by line, mostly known from the level before.
			continue
		}
		r := c.renderLive(c.all, true, "", c.live[:0])
		c.live = r.live
		r.length, r.links, r.linksKnown = lim.measure(r.text, c.links[:0])
		c.links = r.links
		if lim.fitsLength(r.text, r.length) {
			return c.finish(level, []rendered{r}, 0)
		}
	}
	var lastErr error
	for c.demote = 0; c.demote < numDemotions; c.demote++ {
		for level := range DegradationLevels {
			if level > 0 && !c.levelChanges(level, true) {
				continue
			}
			c.setLevel(level, true)
			parts, left, err := c.thread(opts.MaxParts)
			if err == nil {
				return c.finish(level, parts, left)
			}
			lastErr = err
		}
	}
	return nil, lastErr
}

// finish checks the links of every part and builds the Post.
func (c *composer) finish(level int, parts []rendered, left int) (*Post, error) {
	var p *Post
	if len(parts) == 1 {
		// The Post and its one part in one allocation.
		pp := new(postWithPart)
		p = &pp.p
		p.Parts = pp.part[:]
	} else {
		p = &Post{Parts: make([]Part, len(parts))}
	}
	p.Platform, p.Level, p.LeftOut = c.lim.Name, level, left
	for i, r := range parts {
		if r.length == 0 {
			r.length, r.links, r.linksKnown = c.lim.measure(r.text, c.links[:0])
			c.links = r.links
		}
		p.Parts[i] = Part{Text: r.text, Length: r.length, Limit: c.lim.Max}
		if c.lim.Name == PlatformBluesky {
			fs := BlueskyFacets(r.text)
			p.Parts[i].Facets = fs
			for _, f := range fs {
				if f.Kind == FacetLink {
					if err := c.checkLink(r, Span{Start: f.ByteStart, End: f.ByteEnd}); err != nil {
						return nil, err
					}
				}
			}
			continue
		}
		if !r.linksKnown {
			r.links = c.lim.Links(r.text)
		}
		for _, l := range r.links {
			if err := c.checkLink(r, l); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// fitsLength is Fits for s whose length n is known.
func (l Limit) fitsLength(s string, n int) bool {
	return n > 0 && n <= l.Max && (l.MaxBytes == 0 || len(s) <= l.MaxBytes)
}

// checkLink returns an error unless l, a span the platform links in
// r.text, lies inside a sample or reference link.
func (c *composer) checkLink(r rendered, l Span) error {
	for _, lv := range r.live {
		if lv.Start <= l.Start && l.End <= lv.End {
			return nil
		}
	}
	return fmt.Errorf("postfmt: %s would make %q a live link; only sample and reference links may be: %w",
		c.lim.Name, r.text[l.Start:l.End], intel.ErrInvalid)
}

// cloneSighting copies s deeply enough for Normalize not to touch s.
func cloneSighting(s *intel.Sighting) intel.Sighting {
	t := *s
	t.Aliases = slices.Clone(s.Aliases)
	t.Samples = slices.Clone(s.Samples)
	t.C2 = slices.Clone(s.C2)
	t.Targets = slices.Clone(s.Targets)
	t.Tags = slices.Clone(s.Tags)
	t.References = slices.Clone(s.References)
	t.Indicators = slices.Clone(s.Indicators)
	return t
}

// hasWordAka reports whether v holds the word "aka" (any case), which the
// family line uses to introduce aliases.
func hasWordAka(v string) bool {
	for i := 0; i+3 <= len(v); i++ {
		if (i == 0 || v[i-1] == ' ') && strings.EqualFold(v[i:i+3], "aka") && (i+3 == len(v) || v[i+3] == ' ') {
			return true
		}
	}
	return false
}

// checkCarriable returns the fields of s (normalised) whose text the
// format cannot carry unambiguously.
func checkCarriable(s *intel.Sighting) error {
	if carriableFast(s) {
		return nil
	}
	return checkCarriableSlow(s)
}

// carriableFast reports, cheaply, that checkCarriableSlow would find
// nothing: the common case of printable ASCII names.
func carriableFast(s *intel.Sighting) bool {
	// plain: printable ASCII (space included) with none of the bytes in bad.
	plain := func(v, bad string) bool {
		for i := 0; i < len(v); i++ {
			if b := v[i]; b < 0x20 || b >= 0x7F || strings.IndexByte(bad, b) >= 0 {
				return false
			}
		}
		return true
	}
	if !plain(s.Family, "(),") || hasWordAka(s.Family) || !plain(s.Version, "()") || !plain(s.Credit, "") {
		return false
	}
	if s.Family == "" && (s.Version != "" || len(s.Aliases) > 0) {
		return false
	}
	for _, a := range s.Aliases {
		if strings.TrimSpace(a) == "" || !plain(a, "(),") || hasWordAka(a) {
			return false
		}
	}
	for _, e := range s.C2 {
		if !plain(e.ISP, "") {
			return false
		}
	}
	for _, t := range s.Tags {
		if Hashtag(t) != t {
			return false
		}
	}
	for _, sm := range s.Samples {
		if !plain(sm.Filename, "") {
			return false
		}
	}
	return true
}

// checkCarriableSlow is checkCarriable without the fast path.
func checkCarriableSlow(s *intel.Sighting) error {
	var errs []error
	bad := func(field, v, why string) {
		errs = append(errs, fmt.Errorf("%s %q %s: %w", field, v, why, intel.ErrInvalid))
	}
	oneLine := func(field, v string) bool {
		if !utf8.ValidString(v) {
			bad(field, v, "is not UTF-8")
			return false
		}
		if strings.ContainsFunc(v, unicode.IsControl) || strings.ContainsAny(v, "\u2028\u2029") {
			bad(field, v, "must be one line")
			return false
		}
		return true
	}
	name := func(field, v string) {
		if oneLine(field, v) && (strings.ContainsAny(v, "(),") || hasWordAka(v)) {
			bad(field, v, `cannot hold "(", ")", "," or the word "aka"`)
		}
	}
	name("family", s.Family)
	for i, a := range s.Aliases {
		if strings.TrimSpace(a) == "" {
			bad(fmt.Sprintf("aliases[%d]", i), a, "is empty")
		}
		name(fmt.Sprintf("aliases[%d]", i), a)
	}
	if oneLine("version", s.Version) && strings.ContainsAny(s.Version, "()") {
		bad("version", s.Version, `cannot hold "(" or ")"`)
	}
	if s.Family == "" && (s.Version != "" || len(s.Aliases) > 0) {
		bad("family", "", "must be set when version or aliases are")
	}
	oneLine("credit", s.Credit)
	for i, e := range s.C2 {
		if e.ISP == "" {
			continue
		}
		if oneLine(fmt.Sprintf("c2[%d].isp", i), e.ISP) && strings.ContainsFunc(e.ISP, isRegional) {
			bad(fmt.Sprintf("c2[%d].isp", i), e.ISP, "cannot hold flag emoji")
		}
	}
	for i, t := range s.Tags {
		if Hashtag(t) != t {
			bad(fmt.Sprintf("tags[%d]", i), t, "is not a hashtag word (letters, digits, _)")
		}
	}
	for i, sm := range s.Samples {
		if sm.Filename != "" && strings.ContainsFunc(sm.Filename, unicode.IsControl) {
			bad(fmt.Sprintf("samples[%d].filename", i), sm.Filename, "must be one line")
		}
	}
	return errors.Join(errs...)
}

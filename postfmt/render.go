package postfmt

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// item is one line's worth of a post (or one value folded into a C2 line).
type item struct {
	sec  section
	text textRef // the value as written (defanged); C2s are rendered from eps
	ep   int     // C2: index into composer.eps
	core bool    // always in the first part
	live bool    // a sample or reference link, the only live links
}

// textRef is a text of the composer: composer.text[start:end].
type textRef struct{ start, end int32 }

// endpoint is a C2 as written at the current degradation level.
type endpoint struct {
	value textRef          // defanged, with its port
	en    intel.Enrichment // what the current level keeps; written by appendEnrich
}

// composer holds a normalised sighting cut into items. It reads s and
// never writes to it: s may share its slices with the caller's sighting
// (see newComposer). Composers are pooled: nothing a Post holds may point
// into one.
type composer struct {
	s      intel.Sighting
	lim    Limit
	lab    labelSet
	header textRef
	items  []item
	eps    []endpoint
	all    []int  // 0 … len(items)-1
	text   []byte // the texts of header, items and eps
	buf    []byte // render's buffer
	live   []Span // a single post's live links
	links  []Span // a single post's links, as measured
	demote int    // core items moved to replies in a thread (see demoted)

	// For fitting threads: the length of every line measured so far
	// (see fits) and a buffer of item indices.
	lineLen map[string]int
	idx     []int
}

// composers holds composers for reuse, with their buffers.
var composers = sync.Pool{New: func() any { return new(composer) }}

// release returns c to the pool, without its references to the sighting.
func (c *composer) release() {
	clear(c.eps)
	clear(c.lineLen)
	c.s = intel.Sighting{}
	if cap(c.text)+cap(c.buf) > 64<<10 || cap(c.items) > 4096 {
		return // a huge sighting: let the garbage collector have it
	}
	composers.Put(c)
}

// str returns the text t.
func (c *composer) str(t textRef) string { return string(c.text[t.start:t.end]) }

// addText appends v to c.text.
func (c *composer) addText(v string) textRef {
	start := len(c.text)
	c.text = append(c.text, v...)
	return c.ref(start)
}

// ref returns the text from start to the end of c.text.
func (c *composer) ref(start int) textRef { return textRef{int32(start), int32(len(c.text))} }

// postWithPart is a Post with room for one part.
type postWithPart struct {
	p    Post
	part [1]Part
}

// rendered is one part's text with the spans of its live links.
type rendered struct {
	text   string
	live   []Span
	length int // the platform's length of text, 0 until measured
	// links are the spans the platform links in text, when measuring
	// found them (linksKnown).
	links      []Span
	linksKnown bool
}

// newComposer normalises src and cuts it into items. A sighting that is
// already normalised (normalized) is read as it is; any other is copied
// (the slices Normalize rewrites) and the copy normalised, so that src is
// never modified. The caller releases the composer.
func newComposer(src *intel.Sighting, lim Limit, lab labelSet) (*composer, error) {
	c := composers.Get().(*composer)
	if err := c.init(src, lim, lab); err != nil {
		c.release()
		return nil, err
	}
	return c, nil
}

func (c *composer) init(src *intel.Sighting, lim Limit, lab labelSet) error {
	c.lim, c.lab, c.demote = lim, lab, 0
	if normalized(src) {
		c.s = *src
	} else {
		c.s = normalizedCopy(src)
		if err := c.s.Normalize(); err != nil {
			return fmt.Errorf("postfmt: %w", err)
		}
	}
	s := &c.s
	if err := checkCarriable(s); err != nil {
		return fmt.Errorf("postfmt: %w", err)
	}
	c.eps = slices.Grow(c.eps[:0], len(s.C2))[:len(s.C2)]
	c.items = slices.Grow(c.items[:0], len(s.C2)+1+5*len(s.Samples)+len(s.Indicators)+len(s.References))
	c.text = c.text[:0]

	start := len(c.text)
	c.text = appendHeader(c.text, s)
	c.header = c.ref(start)
	for i, e := range s.C2 {
		start := len(c.text)
		c.text = appendDefangEndpoint(c.text, e)
		c.eps[i] = endpoint{value: c.ref(start)}
		c.items = append(c.items, item{sec: secC2, ep: i, core: i == 0})
	}
	if s.Family != "" {
		start := len(c.text)
		c.text = append(c.text, s.Family...)
		if s.Version != "" {
			c.text = append(c.text, " ("...)
			c.text = append(c.text, s.Version...)
			c.text = append(c.text, ')')
		}
		for i, a := range s.Aliases {
			if i == 0 {
				c.text = append(c.text, " aka "...)
			} else {
				c.text = append(c.text, ", "...)
			}
			c.text = append(c.text, a...)
		}
		c.items = append(c.items, item{sec: secFamily, text: c.ref(start), core: true})
	}
	coreHash := false
	hashes := [...]struct {
		sec section
		get func(*intel.Sample) string
	}{
		{secMD5, func(m *intel.Sample) string { return m.MD5 }},
		{secSHA256, func(m *intel.Sample) string { return m.SHA256 }},
		{secSHA1, func(m *intel.Sample) string { return m.SHA1 }},
		{secSHA512, func(m *intel.Sample) string { return m.SHA512 }},
	}
	for _, h := range hashes {
		for i := range s.Samples {
			if v := h.get(&s.Samples[i]); v != "" {
				c.items = append(c.items, item{sec: h.sec, text: c.addText(v), core: !coreHash})
				coreHash = true
			}
		}
	}
	for i := range s.Samples {
		if f := s.Samples[i].Filename; f != "" {
			start := len(c.text)
			c.text = appendDefang(c.text, intel.KindFilename, f)
			c.items = append(c.items, item{sec: secFile, text: c.ref(start)})
		}
	}
	first := firstLink(s.Samples)
	for i := range s.Samples {
		if l := s.Samples[i].Link; l != "" {
			c.items = append(c.items, item{sec: secSample, text: c.addText(l), live: true, core: i == first})
		}
	}
	for _, ind := range s.Indicators {
		c.items = append(c.items, item{sec: secIoC, text: c.addText(iocText(ind))})
	}
	for _, r := range s.References {
		c.items = append(c.items, item{sec: secRef, text: c.addText(r), live: true})
	}
	if len(c.items) == 0 {
		return fmt.Errorf("postfmt: nothing to post: the sighting has no family, C2, sample or indicator: %w", intel.ErrInvalid)
	}
	c.all = slices.Grow(c.all[:0], len(c.items))
	for i := range c.items {
		c.all = append(c.all, i)
	}
	return nil
}

// normalizedCopy copies s deeply enough for Normalize not to touch s: the
// slices it rewrites (not Aliases).
func normalizedCopy(s *intel.Sighting) intel.Sighting {
	t := *s
	t.Samples = slices.Clone(s.Samples)
	t.C2 = slices.Clone(s.C2)
	t.Targets = slices.Clone(s.Targets)
	t.Tags = slices.Clone(s.Tags)
	t.References = slices.Clone(s.References)
	t.Indicators = slices.Clone(s.Indicators)
	return t
}

func firstLink(samples []intel.Sample) int {
	for i, sm := range samples {
		if sm.Link != "" {
			return i
		}
	}
	return -1
}

// appendHeader appends the first line: alert, hashtags, target flags.
func appendHeader(b []byte, s *intel.Sighting) []byte {
	b = append(b, Alert...)
	fam := Hashtag(s.Family)
	if fam != "" {
		b = append(b, " #"...)
		b = append(b, fam...)
	}
	for _, t := range s.Tags {
		if !strings.EqualFold(t, fam) {
			b = append(b, " #"...)
			b = append(b, t...)
		}
	}
	if len(s.Targets) > 0 {
		b = append(b, " ("...)
		for _, t := range s.Targets {
			if len(t) == 2 && isASCIILetter(t[0]) && isASCIILetter(t[1]) {
				b = appendFlag(b, t[0], t[1])
			}
		}
		b = append(b, ')')
	}
	return b
}

// appendFlag appends the flag of the country whose code is the ASCII
// letters a and b: two regional indicator symbols.
func appendFlag(dst []byte, a, b byte) []byte {
	dst = utf8.AppendRune(dst, rune(0x1F1E6+int(a|0x20-'a')))
	return utf8.AppendRune(dst, rune(0x1F1E6+int(b|0x20-'a')))
}

// appendDefangEndpoint appends a C2 value with its port, defanged.
func appendDefangEndpoint(b []byte, e intel.Endpoint) []byte {
	k := endpointKind(e.Value)
	if e.Port == 0 {
		return appendDefang(b, k, e.Value)
	}
	if k == intel.KindIPv6 {
		b = append(b, '[')
		b = appendDefang(b, k, e.Value)
		b = append(b, "]:"...)
	} else {
		b = appendDefang(b, k, e.Value)
		b = append(b, ':')
	}
	return strconv.AppendInt(b, int64(e.Port), 10)
}

// endpointKind is the kind of a canonical endpoint value (as
// intel.Endpoint.Kind, without validating it again).
func endpointKind(v string) intel.Kind {
	switch {
	case strings.Contains(v, "://"):
		return intel.KindURL
	case strings.Contains(v, ":"):
		return intel.KindIPv6
	case v == "" || v[len(v)-1] < '0' || v[len(v)-1] > '9':
		return intel.KindDomain // a domain ends in a letter
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return intel.KindIPv4
	}
	return intel.KindDomain
}

// iocText writes an indicator of unknown role, with its kind in
// parentheses when a reader could not tell it from the value.
func iocText(ind intel.Indicator) string {
	d := intel.Defang(ind.Kind, ind.Value)
	if g, err := intel.Parse(d); err != nil || g.Kind != ind.Kind {
		return d + " (" + string(ind.Kind) + ")"
	}
	return d
}

// appendEnrich appends "(ASN: AS63949, ISP: Linode, LLC 🇯🇵)", or
// nothing for no enrichment.
func appendEnrich(b []byte, e intel.Enrichment) []byte {
	if e == (intel.Enrichment{}) {
		return b
	}
	b = append(b, '(')
	open := len(b)
	if e.ASN != "" {
		b = append(b, "ASN: "...)
		b = append(b, e.ASN...)
	}
	if e.ISP != "" {
		if e.ASN != "" {
			b = append(b, ", "...)
		}
		b = append(b, "ISP: "...)
		b = append(b, e.ISP...)
	}
	if c := e.Country; len(c) == 2 && isASCIILetter(c[0]) && isASCIILetter(c[1]) {
		if len(b) > open {
			b = append(b, ' ')
		}
		b = appendFlag(b, c[0], c[1])
	}
	return append(b, ')')
}

// levelChanges reports whether degradation level l drops anything that
// level l-1 kept; in a thread, levels 1 and 2 drop nothing.
func (c *composer) levelChanges(l int, thread bool) bool {
	for i, e := range c.s.C2 {
		switch {
		case thread && i > 0:
		case l == 1 && i > 0 && e.ISP != "",
			l == 2 && i > 0 && (e.ASN != "" || e.Country != ""),
			l == 3 && i == 0 && e.ISP != "",
			l == 4 && i == 0 && e.ASN != "":
			return true
		}
	}
	return false
}

// setLevel renders every C2's enrichment at degradation level l. In a
// thread only the first C2 is degraded: the others go to replies, which
// have room for their enrichment.
func (c *composer) setLevel(l int, thread bool) {
	for i, e := range c.s.C2 {
		en := e.Enrichment
		if i > 0 && thread {
			l = 0
		}
		if i > 0 && l >= 1 {
			en.ISP = ""
		}
		if i > 0 && l >= 2 {
			en = intel.Enrichment{}
		}
		if i == 0 && l >= 3 {
			en.ISP = ""
		}
		if i == 0 && l >= 4 {
			en.ASN = ""
		}
		c.eps[i].en = en
	}
}

// render writes a part holding the items at the given indices (ascending).
// first adds the credit; marker, when not empty, closes the part.
func (c *composer) render(idx []int, first bool, marker string) rendered {
	return c.renderLive(idx, first, marker, nil)
}

// renderLive is render appending the live links' spans to live.
func (c *composer) renderLive(idx []int, first bool, marker string, live []Span) rendered {
	live = c.renderBytes(idx, first, marker, live)
	return rendered{text: string(c.buf), live: live}
}

// renderBytes is renderLive leaving the text in c.buf.
func (c *composer) renderBytes(idx []int, first bool, marker string, live []Span) []Span {
	b := c.buf[:0]
	b = append(b, c.text[c.header.start:c.header.end]...)
	prev := secNone
	for n := 0; n < len(idx); n++ {
		it := &c.items[idx[n]]
		if it.sec != prev {
			b = append(b, '\n')
			b = append(b, c.lab.section[it.sec]...)
			prev = it.sec
		}
		b = append(b, '\n')
		b = append(b, markers[it.sec]...)
		b = append(b, ' ')
		if it.sec != secC2 {
			t := c.text[it.text.start:it.text.end]
			if it.live {
				live = append(live, Span{len(b), len(b) + len(t)})
			}
			b = append(b, t...)
			continue
		}
		// A C2 line: its head, then the bare C2s after it folded in.
		ep := &c.eps[it.ep]
		b = append(b, c.text[ep.value.start:ep.value.end]...)
		if ep.en != (intel.Enrichment{}) {
			b = append(b, ' ')
			b = appendEnrich(b, ep.en)
		}
		m := n + 1
		for m < len(idx) && c.items[idx[m]].sec == secC2 && c.eps[c.items[idx[m]].ep].en == (intel.Enrichment{}) {
			m++
		}
		if m > n+1 {
			b = append(b, c.lab.more[0]...)
			b = strconv.AppendInt(b, int64(m-n-1), 10)
			b = append(b, c.lab.more[1]...)
			for k := n + 1; k < m; k++ {
				if k > n+1 {
					b = append(b, ", "...)
				}
				v := c.eps[c.items[idx[k]].ep].value
				b = append(b, c.text[v.start:v.end]...)
			}
			b = append(b, c.lab.moreEnd...)
		}
		n = m - 1
	}
	if c.s.TLP != "" {
		b = append(b, "\nTLP:"...)
		b = append(b, c.s.TLP...)
	}
	if first && c.s.Credit != "" {
		b = append(b, '\n')
		b = append(b, c.lab.credit...)
		b = append(b, c.s.Credit...)
	}
	if marker != "" {
		b = append(b, '\n')
		b = append(b, marker...)
	}
	c.buf = b
	return live
}

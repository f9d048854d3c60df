package postfmt

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// item is one line's worth of a post (or one value folded into a C2 line).
type item struct {
	sec  section
	text string // the value as written (defanged); C2s are rendered from eps
	ep   int    // C2: index into composer.eps
	core bool   // always in the first part
	live bool   // a sample or reference link, the only live links
}

// endpoint is a C2 as written at the current degradation level.
type endpoint struct {
	value  string // defanged, with its port
	enrich string // "(ASN: AS1, ISP: X 🇯🇵)" or ""
}

// composer holds a normalised sighting cut into items.
type composer struct {
	s      intel.Sighting
	lim    Limit
	lab    labelSet
	header string
	items  []item
	eps    []endpoint
	buf    []byte
	demote int // core items moved to replies in a thread (see demoted)
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

func newComposer(src *intel.Sighting, lim Limit, lab labelSet) (*composer, error) {
	s := cloneSighting(src)
	if err := s.Normalize(); err != nil {
		return nil, fmt.Errorf("postfmt: %w", err)
	}
	if err := checkCarriable(&s); err != nil {
		return nil, fmt.Errorf("postfmt: %w", err)
	}
	c := &composer{s: s, lim: lim, lab: lab, eps: make([]endpoint, len(s.C2)), buf: make([]byte, 0, 512),
		items: make([]item, 0, len(s.C2)+1+5*len(s.Samples)+len(s.Indicators)+len(s.References))}
	c.header = header(&s)
	for i, e := range s.C2 {
		c.items = append(c.items, item{sec: secC2, ep: i, core: i == 0})
		c.eps[i].value = defangEndpoint(e)
	}
	if s.Family != "" {
		t := s.Family
		if s.Version != "" {
			t += " (" + s.Version + ")"
		}
		if len(s.Aliases) > 0 {
			t += " aka " + strings.Join(s.Aliases, ", ")
		}
		c.items = append(c.items, item{sec: secFamily, text: t, core: true})
	}
	coreHash := false
	hashes := []struct {
		sec section
		get func(intel.Sample) string
	}{
		{secMD5, func(m intel.Sample) string { return m.MD5 }},
		{secSHA256, func(m intel.Sample) string { return m.SHA256 }},
		{secSHA1, func(m intel.Sample) string { return m.SHA1 }},
		{secSHA512, func(m intel.Sample) string { return m.SHA512 }},
	}
	for _, h := range hashes {
		for _, sm := range s.Samples {
			if v := h.get(sm); v != "" {
				c.items = append(c.items, item{sec: h.sec, text: v, core: !coreHash})
				coreHash = true
			}
		}
	}
	for _, sm := range s.Samples {
		if sm.Filename != "" {
			c.items = append(c.items, item{sec: secFile, text: intel.Defang(intel.KindFilename, sm.Filename)})
		}
	}
	for i, sm := range s.Samples {
		if sm.Link != "" {
			c.items = append(c.items, item{sec: secSample, text: sm.Link, live: true, core: i == firstLink(s.Samples)})
		}
	}
	for _, ind := range s.Indicators {
		c.items = append(c.items, item{sec: secIoC, text: iocText(ind)})
	}
	for _, r := range s.References {
		c.items = append(c.items, item{sec: secRef, text: r, live: true})
	}
	if len(c.items) == 0 {
		return nil, fmt.Errorf("postfmt: nothing to post: the sighting has no family, C2, sample or indicator: %w", intel.ErrInvalid)
	}
	return c, nil
}

func firstLink(samples []intel.Sample) int {
	for i, sm := range samples {
		if sm.Link != "" {
			return i
		}
	}
	return -1
}

// header returns the first line: alert, hashtags, target flags.
func header(s *intel.Sighting) string {
	var b strings.Builder
	n := len(Alert) + len(s.Family) + 2 + 3 + 8*len(s.Targets)
	for _, t := range s.Tags {
		n += len(t) + 2
	}
	b.Grow(n)
	b.WriteString(Alert)
	fam := Hashtag(s.Family)
	if fam != "" {
		b.WriteString(" #")
		b.WriteString(fam)
	}
	for _, t := range s.Tags {
		if !strings.EqualFold(t, fam) {
			b.WriteString(" #")
			b.WriteString(t)
		}
	}
	if len(s.Targets) > 0 {
		b.WriteString(" (")
		for _, t := range s.Targets {
			if len(t) == 2 && isASCIILetter(t[0]) && isASCIILetter(t[1]) {
				b.WriteRune(rune(0x1F1E6 + int(t[0]|0x20-'a')))
				b.WriteRune(rune(0x1F1E6 + int(t[1]|0x20-'a')))
			}
		}
		b.WriteString(")")
	}
	return b.String()
}

// defangEndpoint writes a C2 value with its port, defanged.
func defangEndpoint(e intel.Endpoint) string {
	k := endpointKind(e.Value)
	v := intel.Defang(k, e.Value)
	if e.Port == 0 {
		return v
	}
	if k == intel.KindIPv6 {
		return "[" + v + "]:" + strconv.Itoa(e.Port)
	}
	return v + ":" + strconv.Itoa(e.Port)
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

// enrichText writes "(ASN: AS63949, ISP: Linode, LLC 🇯🇵)".
func enrichText(e intel.Enrichment) string {
	if e == (intel.Enrichment{}) {
		return ""
	}
	var b strings.Builder
	b.Grow(len("(ASN: , ISP:  )") + len(e.ASN) + len(e.ISP) + 8)
	b.WriteByte('(')
	if e.ASN != "" {
		b.WriteString("ASN: ")
		b.WriteString(e.ASN)
	}
	if e.ISP != "" {
		if e.ASN != "" {
			b.WriteString(", ")
		}
		b.WriteString("ISP: ")
		b.WriteString(e.ISP)
	}
	if c := e.Country; len(c) == 2 && isASCIILetter(c[0]) && isASCIILetter(c[1]) {
		if b.Len() > 1 {
			b.WriteByte(' ')
		}
		b.WriteRune(rune(0x1F1E6 + int(c[0]|0x20-'a')))
		b.WriteRune(rune(0x1F1E6 + int(c[1]|0x20-'a')))
	}
	b.WriteByte(')')
	return b.String()
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
		c.eps[i].enrich = enrichText(en)
	}
}

// render writes a part holding the items at the given indices (ascending).
// first adds the credit; marker, when not empty, closes the part.
func (c *composer) render(idx []int, first bool, marker string) rendered {
	b := c.buf[:0]
	var live []Span
	b = append(b, c.header...)
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
			if it.live {
				live = append(live, Span{len(b), len(b) + len(it.text)})
			}
			b = append(b, it.text...)
			continue
		}
		// A C2 line: its head, then the bare C2s after it folded in.
		ep := c.eps[it.ep]
		b = append(b, ep.value...)
		if ep.enrich != "" {
			b = append(b, ' ')
			b = append(b, ep.enrich...)
		}
		m := n + 1
		for m < len(idx) && c.items[idx[m]].sec == secC2 && c.eps[c.items[idx[m]].ep].enrich == "" {
			m++
		}
		if m > n+1 {
			b = append(b, c.lab.more(m-n-1)...)
			for k := n + 1; k < m; k++ {
				if k > n+1 {
					b = append(b, ", "...)
				}
				b = append(b, c.eps[c.items[idx[k]].ep].value...)
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
	return rendered{text: string(b), live: live}
}

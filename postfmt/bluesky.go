package postfmt

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BlueskyLength returns what Bluesky limits: the number of grapheme
// clusters (at most BlueskyLimit.Max) and of UTF-8 bytes (at most
// BlueskyLimit.MaxBytes) of s. URLs count in full.
func BlueskyLength(s string) (graphemes, bytes int) {
	return graphemeCount(s), len(s)
}

// Facet kinds.
const (
	FacetLink    = "link"
	FacetTag     = "tag"
	FacetMention = "mention"
)

// Facet is a rich-text facet as the Bluesky client detects it
// (app.bsky.richtext.facet), with UTF-8 byte offsets into the text.
type Facet struct {
	// ByteStart and ByteEnd delimit the facet's text: text[ByteStart:ByteEnd].
	ByteStart, ByteEnd int
	// Kind is FacetLink, FacetTag or FacetMention.
	Kind string
	// URI is a link's target; bare domains get "https://" in front.
	URI string
	// Tag is a hashtag without '#', or a cashtag with its '$' in upper case.
	Tag string
	// Handle is a mention's handle, without '@' (resolved to a DID later).
	Handle string
}

// BlueskyFacets returns the facets the Bluesky client (detectFacets of
// @atproto/api) finds in s, ordered by ByteStart:
//
//   - mentions: '@' after start, space or '(' and a handle of ASCII letters,
//     digits, '.' and '-' ending on a known TLD (or .test);
//   - links: after start of line, space or '(', "http(s)://" and the
//     non-space run after it, or a bare domain [a-z][a-z0-9]*(\.[a-z0-9]+)+
//     on a known TLD and the non-space run after it (given "https://"); one
//     trailing [.,;:!?] and then one unbalanced ')' are dropped;
//   - hashtags: '#' or '＃' after start or space, then a run of non-space
//     characters that is not only digits and punctuation, trailing
//     punctuation dropped, at most 64 graphemes;
//   - cashtags: '$' and a ticker of 1 to 5 ASCII letters and digits.
func BlueskyFacets(s string) []Facet {
	var buf [8]Facet // room for the usual few, then one copy of the right size
	out := buf[:0]
	out = bskyMentions(s, out)
	out = bskyLinks(s, out)
	out = bskyTags(s, out)
	out = bskyCashtags(s, out)
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b Facet) int { return cmp.Compare(a.ByteStart, b.ByteStart) })
	return slices.Clone(out)
}

// bskyNoLink marks the ASCII bytes after which no link starts (all but
// white space and '('), bskyNoTag those after which no tag starts (all but
// white space).
var bskyNoLink, bskyNoTag = func() (link, tag [256]bool) {
	for b := 0; b < utf8.RuneSelf; b++ {
		space := b == ' ' || '\t' <= b && b <= '\r'
		link[b] = !space && b != '('
		tag[b] = !space
	}
	return link, tag
}()

// BlueskyLinks returns the spans of s that Bluesky turns into links (the
// link facets of BlueskyFacets).
func BlueskyLinks(s string) []Span {
	var spans []Span
	for _, f := range bskyLinks(s, nil) {
		spans = append(spans, Span{Start: f.ByteStart, End: f.ByteEnd})
	}
	return spans
}

func bskyMentions(s string, out []Facet) []Facet {
	for i := 0; i < len(s); i++ {
		if k := strings.IndexByte(s[i:], '@'); k < 0 {
			break
		} else {
			i += k
		}
		if !bskyAfterPrefix(s, i, true, false) {
			continue
		}
		j := i + 1
		for j < len(s) && (isASCIIAlnum(s[j]) || s[j] == '.' || s[j] == '-') {
			j++
		}
		// Back off to the last word boundary (\b).
		for ; j > i+1; j-- {
			if isASCIIWord(s[j-1]) != (j < len(s) && isASCIIWord(s[j])) {
				break
			}
		}
		if j == i+1 {
			continue
		}
		h := s[i+1 : j]
		if bskyValidDomain(h) || strings.HasSuffix(h, ".test") {
			out = append(out, Facet{ByteStart: i, ByteEnd: j, Kind: FacetMention, Handle: h})
		}
		i = j - 1
	}
	return out
}

func bskyLinks(s string, out []Facet) []Facet {
	for i := 0; i < len(s); {
		if i > 0 && bskyNoLink[s[i]] {
			i++ // ASCII that cannot come before a URL
			for i < len(s) && bskyNoLink[s[i]] {
				i++
			}
			continue
		}
		// A URL starts at the beginning, or after a space (line
		// terminators are spaces) or '('.
		u := -1
		if i == 0 {
			u = 0
		}
		c, w := rune(s[i]), 1
		if c >= utf8.RuneSelf {
			c, w = utf8.DecodeRuneInString(s[i:])
		}
		end, domainEnd, ok := 0, 0, false
		if u == 0 {
			end, domainEnd, ok = bskyURLAt(s, 0)
		}
		if !ok && (isJSSpace(c) || c == '(') {
			u = i + w
			end, domainEnd, ok = bskyURLAt(s, u)
		}
		if !ok {
			i += w
			continue
		}
		start := u
		i = end
		uri := s[start:end]
		if !strings.HasPrefix(uri, "http") {
			if domainEnd < 0 || !bskyValidDomain(s[start:domainEnd]) {
				continue
			}
			uri = "https://" + uri
		}
		if strings.IndexByte(".,;:!?", uri[len(uri)-1]) >= 0 {
			uri = uri[:len(uri)-1]
			end--
		}
		if uri[len(uri)-1] == ')' && !strings.Contains(uri, "(") {
			uri = uri[:len(uri)-1]
			end--
		}
		out = append(out, Facet{ByteStart: start, ByteEnd: end, Kind: FacetLink, URI: uri})
	}
	return out
}

func bskyURLAt(s string, i int) (end, domainEnd int, ok bool) {
	if i < len(s) && s[i]|0x20 == 'h' {
		for _, p := range [...]string{"https://", "http://"} {
			if len(s)-i > len(p) && asciiEqualFold(s[i:i+len(p)], p) {
				if e := nonSpaceEnd(s, i+len(p)); e > i+len(p) {
					return e, -1, true
				}
			}
		}
	}
	if i >= len(s) || !isASCIILetter(s[i]) {
		return 0, 0, false
	}
	j := i + 1
	for j < len(s) && isASCIIAlnum(s[j]) {
		j++
	}
	d := -1
	for j+1 < len(s) && s[j] == '.' && isASCIIAlnum(s[j+1]) {
		j++
		for j < len(s) && isASCIIAlnum(s[j]) {
			j++
		}
		d = j
	}
	if d < 0 {
		return 0, 0, false
	}
	return nonSpaceEnd(s, d), d, true
}

func bskyTags(s string, out []Facet) []Facet {
	for i := 0; i < len(s); {
		p := i
		if !(p == 0 && (s[p] == '#' || strings.HasPrefix(s[p:], "＃"))) {
			if bskyNoTag[s[p]] {
				i++ // ASCII that is not white space
				for i < len(s) && bskyNoTag[s[i]] {
					i++
				}
				continue
			}
			r, w := utf8.DecodeRuneInString(s[p:])
			if !isJSSpace(r) {
				i += w
				continue
			}
			p += w
		}
		var hw int
		switch {
		case p < len(s) && s[p] == '#':
			hw = 1
		case strings.HasPrefix(s[p:], "＃"):
			hw = len("＃")
		default:
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
			continue
		}
		bodyStart := p + hw
		j, hasLetter := bodyStart, false
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if isJSSpace(r) || isTagZeroWidth(r) {
				break
			}
			if !(r < utf8.RuneSelf && isDigit(byte(r))) && !unicode.IsPunct(r) {
				hasLetter = true
			}
			j += w
		}
		i = bodyStart
		if strings.HasPrefix(s[bodyStart:], "\uFE0F") || !hasLetter {
			continue
		}
		i = j
		tag := strings.TrimRightFunc(s[bodyStart:j], unicode.IsPunct)
		if tag == "" || utf16Len(tag) > 64 && graphemeCount(tag) > 64 {
			continue
		}
		out = append(out, Facet{ByteStart: p, ByteEnd: bodyStart + len(tag), Kind: FacetTag, Tag: tag})
	}
	return out
}

func bskyCashtags(s string, out []Facet) []Facet {
	for i := 0; i < len(s); i++ {
		if k := strings.IndexByte(s[i:], '$'); k < 0 {
			break
		} else {
			i += k
		}
		if !bskyAfterPrefix(s, i, true, false) {
			continue
		}
		j := i + 1
		if j >= len(s) || !isASCIILetter(s[j]) {
			continue
		}
		for j < len(s) && isASCIIAlnum(s[j]) {
			j++
		}
		if j-i-1 > 5 {
			continue
		}
		if j < len(s) {
			r, _ := utf8.DecodeRuneInString(s[j:])
			if !isJSSpace(r) && !strings.ContainsRune(".,;:!?)\"'\u2019", r) {
				continue
			}
		}
		out = append(out, Facet{ByteStart: i, ByteEnd: j, Kind: FacetTag, Tag: "$" + strings.ToUpper(s[i+1:j])})
		i = j - 1
	}
	return out
}

// bskyAfterPrefix reports whether position i is at the start of s or
// follows a space (or '(' when paren is set, or a line terminator when
// multiline is set).
func bskyAfterPrefix(s string, i int, paren, multiline bool) bool {
	if i == 0 {
		return true
	}
	r := lastRune(s[:i])
	return isJSSpace(r) || paren && r == '(' || multiline && isLineTerminator(r)
}

// bskyValidDomain reports whether domain ends in '.' and a TLD of the
// npm package tlds (case-sensitive, as the client checks).
func bskyValidDomain(domain string) bool {
	i := strings.LastIndexByte(domain, '.')
	if i < 0 {
		return false
	}
	tld := domain[i+1:]
	_, ok := slices.BinarySearch(bskyTLDs, tld)
	return ok
}

// nonSpaceEnd returns the end of the run of non-space characters at i.
func nonSpaceEnd(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if isJSSpace(r) {
			break
		}
		i += w
	}
	return i
}

// isJSSpace is JavaScript's \s.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return 0x2000 <= r && r <= 0x200A
}

func isLineTerminator(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

func isTagZeroWidth(r rune) bool {
	switch r {
	case 0xAD, 0x2060, 0x200A, 0x200B, 0x200C, 0x200D, 0x20E2:
		return true
	}
	return false
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

func isASCIIWord(b byte) bool { return isASCIIAlnum(b) || b == '_' }

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// asciiEqualFold reports whether s equals the lower-case ASCII lower,
// ignoring ASCII case (strings.EqualFold without its Unicode work).
func asciiEqualFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}

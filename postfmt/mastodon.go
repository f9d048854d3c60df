package postfmt

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MastodonLength returns the length Mastodon counts for s: grapheme
// clusters, after every URL with a scheme (http, https, dat, dweb, ipfs,
// ipns, ssb, gopher, gemini; Mastodon links no scheme-less URL) is replaced
// by 23 characters and every remote mention @user@domain by @user. Compare
// it with the instance's limit (MastodonLimit.Max by default).
func MastodonLength(s string) int {
	return mastodonLength(s, MastodonLinks(s))
}

// mastodonLength is MastodonLength given MastodonLinks(s).
func mastodonLength(s string, urls []Span) int {
	mentions := mastodonMentions(s, urls)
	urls = dropOverlapped(s, urls, mentions)
	if len(urls) == 0 && len(mentions) == 0 {
		return graphemeCount(s)
	}
	if n, ok := mastodonLengthByPieces(s, urls, mentions); ok {
		return n
	}
	return mastodonLengthRewritten(s, urls, mentions)
}

// dropOverlapped leaves out the URLs that overlap a mention starting
// before them ("@x@éhttps://example.com": the domain runs into the URL),
// as Mastodon's remove_overlapping_entities does: of two overlapping
// entities the one that starts first is kept. A mention's '@' inside a URL
// is never a mention (mastodonMentions), so the other order cannot happen.
func dropOverlapped(s string, urls, mentions []Span) []Span {
	if len(mentions) == 0 || len(urls) == 0 {
		return urls
	}
	var kept []Span
	for i, u := range urls {
		over := false
		for _, m := range mentions {
			at := strings.LastIndexByte(s[:m.End], '@') // m is {end of domain, end of "@user"}
			if u.Start < m.Start && u.End > at {
				over = true
				break
			}
		}
		if over && kept == nil {
			kept = append(make([]Span, 0, len(urls)), urls[:i]...)
		} else if !over && kept != nil {
			kept = append(kept, u)
		}
	}
	if kept == nil {
		return urls
	}
	return kept
}

// mastodonURLText is what a URL is counted as.
const mastodonURLText = "xxxxxxxxxxxxxxxxxxxxxxx"

// mastodonLengthRewritten counts the graphemes of s rewritten as Mastodon
// counts it: every URL replaced by 23 characters, every remote mention by
// "@user" (see mastodonMentions for the spans).
func mastodonLengthRewritten(s string, urls, mentions []Span) int {
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for len(urls) > 0 || len(mentions) > 0 {
		if len(mentions) == 0 || len(urls) > 0 && urls[0].Start < mentions[0].Start {
			b.WriteString(s[last:urls[0].Start])
			b.WriteString(mastodonURLText)
			last = urls[0].End
			urls = urls[1:]
			continue
		}
		m := mentions[0]
		b.WriteString(s[last:m.End]) // "@user"; the domain is dropped
		last = m.Start               // Start holds the end of the domain
		mentions = mentions[1:]
	}
	b.WriteString(s[last:])
	return graphemeCount(b.String())
}

// mastodonLengthByPieces is mastodonLengthRewritten without the rewritten
// text: it adds up the graphemes of the pieces of s that are kept and 23
// for every URL. That holds when every seam of the rewritten text lies
// between two ASCII characters (never CR LF here: the rewritten side is
// "x" or a user name), where a grapheme cluster always ends; ok is false
// otherwise.
func mastodonLengthByPieces(s string, urls, mentions []Span) (n int, ok bool) {
	ascii := func(i int) bool { return i < 0 || i >= len(s) || s[i] < utf8.RuneSelf }
	last := 0
	for len(urls) > 0 || len(mentions) > 0 {
		if len(mentions) == 0 || len(urls) > 0 && urls[0].Start < mentions[0].Start {
			u := urls[0]
			if !ascii(u.Start-1) || !ascii(u.End) {
				return 0, false
			}
			n += graphemeCount(s[last:u.Start]) + len(mastodonURLText)
			last = u.End
			urls = urls[1:]
			continue
		}
		m := mentions[0]
		if !ascii(m.End-1) || !ascii(m.Start) {
			return 0, false
		}
		n += graphemeCount(s[last:m.End])
		last = m.Start
		mentions = mentions[1:]
	}
	return n + graphemeCount(s[last:]), true
}

// MastodonLinks returns the spans of s that Mastodon turns into links: URLs
// with a scheme, found by twitter-text's extractor with Mastodon's
// overrides (more schemes, permissive path characters). Mentions and
// hashtags, which link to Mastodon itself, and xmpp: and magnet: URIs are
// not included.
func MastodonLinks(s string) []Span {
	return extractURLs(s, mastodonURLRules, nil)
}

// mastodonMentions finds the remote mentions @user@domain of s outside the
// URLs. Each is returned as {Start: end of the domain, End: end of "@user"},
// in order. Mentions are Mastodon's: '@' not after '=', '/' or a word
// character, a user name [a-z0-9_]+([.-]+[a-z0-9_]+)* (case-insensitive),
// then '@' and a domain \w+([.-]+\w+)*.
func mastodonMentions(s string, urls []Span) []Span {
	var out []Span
	for i := 0; i < len(s); {
		at := strings.IndexByte(s[i:], '@')
		if at < 0 {
			break
		}
		at += i
		i = at + 1
		if inSpans(urls, at) {
			continue
		}
		if at > 0 {
			p, _ := utf8.DecodeLastRuneInString(s[:at])
			if p == '=' || p == '/' || isWordRune(p) {
				continue
			}
		}
		userEnd := dottedRun(s, at+1, func(r rune) bool { return r < utf8.RuneSelf && (isASCIIAlnum(byte(r)) || r == '_') })
		if userEnd == at+1 || userEnd >= len(s) || s[userEnd] != '@' {
			i = max(i, userEnd)
			continue
		}
		domEnd := dottedRun(s, userEnd+1, isWordRune)
		if domEnd == userEnd+1 {
			i = userEnd
			continue
		}
		out = append(out, Span{Start: domEnd, End: userEnd})
		i = domEnd
	}
	return out
}

// dottedRun matches word([.-]+word)* at i, where word is a run of runes
// accepted by ok, and returns its end (i when nothing matches).
func dottedRun(s string, i int, ok func(rune) bool) int {
	end := i
	j := i
	for {
		k := j
		for k < len(s) {
			r, w := utf8.DecodeRuneInString(s[k:])
			if !ok(r) {
				break
			}
			k += w
		}
		if k == j {
			return end
		}
		end = k
		j = k
		for j < len(s) && (s[j] == '.' || s[j] == '-') {
			j++
		}
		if j == k {
			return end
		}
	}
}

// isWordRune is Ruby's [[:word:]]: letters, marks, numbers and connector
// punctuation.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r)) || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r)
}

func inSpans(spans []Span, i int) bool {
	for _, sp := range spans {
		if sp.Start <= i && i < sp.End {
			return true
		}
	}
	return false
}

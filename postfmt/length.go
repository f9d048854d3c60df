package postfmt

import (
	"fmt"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Span is a part of a string, as byte offsets: s[Start:End].
type Span struct {
	Start, End int
}

// Platform names accepted by Measure and LimitFor.
const (
	PlatformX        = "x"
	PlatformMastodon = "mastodon"
	PlatformBluesky  = "bluesky"
)

// Limit is the length limit of a platform. A post fits when its length
// (as the platform counts it) is at most Max and, where MaxBytes is
// non-zero, its UTF-8 encoding is at most MaxBytes bytes.
type Limit struct {
	// Name is the platform name: PlatformX, PlatformMastodon or PlatformBluesky.
	Name string
	// Max is the largest length the platform accepts.
	Max int
	// MaxBytes is the largest UTF-8 size the platform accepts; 0 for no limit.
	MaxBytes int
}

// Default limits.
var (
	// XLimit is X's limit: 280 weighted characters.
	XLimit = Limit{Name: PlatformX, Max: 280}
	// MastodonLimit is Mastodon's default limit: 500 characters (instances
	// may set another; use a Limit with their Max).
	MastodonLimit = Limit{Name: PlatformMastodon, Max: 500}
	// BlueskyLimit is Bluesky's limit: 300 graphemes and 3000 bytes.
	BlueskyLimit = Limit{Name: PlatformBluesky, Max: 300, MaxBytes: 3000}
)

// LimitFor returns the default limit of the named platform.
func LimitFor(platform string) (Limit, error) {
	switch platform {
	case PlatformX:
		return XLimit, nil
	case PlatformMastodon:
		return MastodonLimit, nil
	case PlatformBluesky:
		return BlueskyLimit, nil
	}
	return Limit{}, fmt.Errorf("postfmt: unknown platform %q (want %s, %s or %s)", platform, PlatformX, PlatformMastodon, PlatformBluesky)
}

// Length returns the length of s as l's platform counts it.
func (l Limit) Length(s string) int {
	switch l.Name {
	case PlatformX:
		return XWeightedLength(s)
	case PlatformMastodon:
		return MastodonLength(s)
	case PlatformBluesky:
		n, _ := BlueskyLength(s)
		return n
	}
	return 0
}

// measure returns Length(s) and, where the platform's rules find its links
// in the same pass, Links(s) (ok set); otherwise ok is false and the caller
// asks Links.
//
// The links are appended to buf.
func (l Limit) measure(s string, buf []Span) (n int, links []Span, ok bool) {
	switch l.Name {
	case PlatformX:
		r, links, nfc := xParse(s, XConfigV3, buf)
		return r.WeightedLength, links, nfc
	case PlatformMastodon:
		links := extractURLs(s, mastodonURLRules, buf)
		return mastodonLength(s, links), links, true
	}
	return l.Length(s), nil, false
}

// addsUpAt reports whether line, coming after a line feed in a text
// without CR, counts in that text as it counts alone. When every line
// does, the text's length is the sum of its lines' lengths plus one for
// each line feed: no URL, mention, emoji sequence, grapheme cluster or NFC
// composition spans a line feed. But a URL may start right after one, at
// a character that at the start of a text is taken as what precedes a URL
// ("🌍x.jp", "\u0301x.jp"): such a line does not count alone as in the
// text. TestLengthAddsUpByLine checks this on every platform.
func (l Limit) addsUpAt(line string) bool {
	var rules urlRules
	switch l.Name {
	case PlatformX:
		rules = xURLRules
	case PlatformMastodon:
		rules = mastodonURLRules
	default:
		return true
	}
	if line == "" {
		return true
	}
	c := rune(line[0])
	if c >= utf8.RuneSelf {
		c, _ = utf8.DecodeRuneInString(line)
	}
	if !precedesURL(c) {
		return true // alone too, a URL is only tried at its start
	}
	_, ok := matchURLAt(line, 0, rules)
	return !ok
}

// Fits reports whether s is within l: non-empty, at most Max, and at most
// MaxBytes bytes when MaxBytes is set.
func (l Limit) Fits(s string) bool {
	n := l.Length(s)
	return n > 0 && n <= l.Max && (l.MaxBytes == 0 || len(s) <= l.MaxBytes)
}

// Links returns the spans of s that l's platform turns into live links.
func (l Limit) Links(s string) []Span {
	switch l.Name {
	case PlatformX:
		return XLinks(s)
	case PlatformMastodon:
		return MastodonLinks(s)
	case PlatformBluesky:
		return BlueskyLinks(s)
	}
	return nil
}

// Measure returns the length of s on the named platform and that
// platform's default limit.
func Measure(platform, s string) (length, limit int, err error) {
	l, err := LimitFor(platform)
	if err != nil {
		return 0, 0, err
	}
	return l.Length(s), l.Max, nil
}

// graphemeCount counts the extended grapheme clusters of s (UAX #29, as
// uniseg does), with fast paths: two ASCII characters are always separate
// clusters, except CR LF, and so are an ASCII character and a character
// of graphemeSolo, or two of the latter (but two regional indicators,
// which make one flag).
func graphemeCount(s string) int {
	n := 0
	state := -1
	for len(s) > 0 {
		if b := s[0]; b < utf8.RuneSelf {
			if len(s) == 1 || s[1] < utf8.RuneSelf {
				if b == '\r' && len(s) > 1 && s[1] == '\n' {
					s = s[2:]
				} else {
					s = s[1:]
				}
				n++
				state = -1
				continue
			}
			if r, _ := utf8.DecodeRuneInString(s[1:]); graphemeSolo(r) {
				s = s[1:]
				n++
				state = -1
				continue
			}
		} else if r, w := utf8.DecodeRuneInString(s); graphemeSolo(r) {
			if isRegional(r) {
				if r2, w2 := utf8.DecodeRuneInString(s[w:]); isRegional(r2) {
					w += w2 // a flag
				}
			}
			if clusterStarts(s[w:]) {
				s = s[w:]
				n++
				state = -1
				continue
			}
		}
		_, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		n++
	}
	return n
}

// clusterStarts reports whether s, which follows a character of
// graphemeSolo or a flag, starts a new grapheme cluster for sure.
func clusterStarts(s string) bool {
	if len(s) == 0 || s[0] < utf8.RuneSelf {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return graphemeSolo(r)
}

// graphemeSolo reports whether r is in one of the ranges, common in posts,
// whose characters neither join the character before them (Extend, ZWJ,
// SpacingMark) nor the one after (Prepend), and are no Hangul jamo: Latin
// letters and symbols, kana, CJK ideographs, symbols and emoji (without
// the skin tone modifiers) and the regional indicators, which pair with
// each other only. TestGraphemeSolo checks every character of the ranges.
func graphemeSolo(r rune) bool {
	switch {
	case r >= 0x1F000:
		return r <= 0x1FAFF && (r < 0x1F3FB || r > 0x1F3FF)
	case r >= 0x4E00:
		return r <= 0x9FFF
	case r >= 0x3041:
		return r <= 0x3096 || 0x30A0 <= r && r <= 0x30FF
	case r >= 0x2600:
		return r <= 0x27BF
	}
	return 0xA0 <= r && r <= 0x2FF
}

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
func (l Limit) measure(s string) (n int, links []Span, ok bool) {
	switch l.Name {
	case PlatformX:
		r, links, nfc := xParse(s, XConfigV3, nil)
		return r.WeightedLength, links, nfc
	case PlatformMastodon:
		links := MastodonLinks(s)
		return mastodonLength(s, links), links, true
	}
	return l.Length(s), nil, false
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
// uniseg does), with a fast path for ASCII: two ASCII characters are always
// separate clusters, except CR LF.
func graphemeCount(s string) int {
	n := 0
	state := -1
	for len(s) > 0 {
		if s[0] < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
			if s[0] == '\r' && len(s) > 1 && s[1] == '\n' {
				s = s[2:]
			} else {
				s = s[1:]
			}
			n++
			state = -1
			continue
		}
		_, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		n++
	}
	return n
}

package postfmt

import (
	"math"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// XWeightRange gives the code points Start..End (inclusive) a weight.
type XWeightRange struct {
	Start, End rune
	Weight     int
}

// XConfig is a twitter-text weighting configuration (config/v2.json,
// config/v3.json of twitter-text).
type XConfig struct {
	// Version is the twitter-text configuration version.
	Version int
	// MaxWeightedLength is the post limit (280).
	MaxWeightedLength int
	// Scale divides the summed weights into the reported length.
	Scale int
	// DefaultWeight is the weight of a code point outside Ranges.
	DefaultWeight int
	// Ranges lists the code points with other weights.
	Ranges []XWeightRange
	// TransformedURLLength is what every URL counts, whatever its length.
	TransformedURLLength int
	// EmojiParsing makes every emoji sequence weigh DefaultWeight.
	EmojiParsing bool
}

var xRanges = []XWeightRange{{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100}, {8242, 8247, 100}}

// XConfigV3 is twitter-text's current configuration, the one X applies:
// 280 weighted characters, CJK and emoji count double, URLs count 23,
// emoji sequences count 2.
var XConfigV3 = XConfig{Version: 3, MaxWeightedLength: 280, Scale: 100, DefaultWeight: 200,
	Ranges: xRanges, TransformedURLLength: 23, EmojiParsing: true}

// XConfigV2 is twitter-text's version 2 configuration: as XConfigV3 but
// every code point of an emoji sequence is weighed on its own.
var XConfigV2 = XConfig{Version: 2, MaxWeightedLength: 280, Scale: 100, DefaultWeight: 200,
	Ranges: xRanges, TransformedURLLength: 23}

// XResult is twitter-text's parseTweet result. Ranges are inclusive
// UTF-16 code unit indices into the text given, as in twitter-text.
type XResult struct {
	// WeightedLength is the length X counts against MaxWeightedLength.
	WeightedLength int
	// Valid reports a non-empty post within the limit, free of U+FFFE,
	// U+FEFF and U+FFFF.
	Valid bool
	// Permillage is WeightedLength per thousand of the limit, rounded down.
	Permillage int
	// ValidRangeStart and ValidRangeEnd delimit the part that fits.
	ValidRangeStart, ValidRangeEnd int
	// DisplayRangeStart and DisplayRangeEnd delimit the whole text.
	DisplayRangeStart, DisplayRangeEnd int
}

// XWeightedLength returns the length X counts for s (twitter-text v3
// weighted length, limit XConfigV3.MaxWeightedLength).
func XWeightedLength(s string) int {
	return XParse(s, XConfigV3).WeightedLength
}

// XParse measures s as twitter-text's parseTweet does with cfg (normally
// XConfigV3; XConfigV2 for the older rules): the text is
// put in Unicode NFC, URLs (with or without scheme) weigh
// TransformedURLLength, emoji sequences weigh DefaultWeight when
// EmojiParsing is set, and other code points weigh by cfg.Ranges.
func XParse(s string, cfg XConfig) XResult {
	r, _, _ := xParse(s, cfg, nil)
	return r
}

// xParse is XParse that also appends to links the URL spans it found. They
// are XLinks(s) when s is in NFC, and then nfc is set.
func xParse(s string, cfg XConfig, links []Span) (r XResult, _ []Span, nfc bool) {
	t := s
	if !isNFC(s) {
		t = norm.NFC.String(s)
	}
	urls := extractURLs(t, xURLRules, links)
	links, nfc = urls, t == s
	emStart, emEnd := -1, -1
	if cfg.EmojiParsing {
		emStart, emEnd = nextEmoji(t, 0)
	}
	weight, cu, lastCU := 0, 0, 0
	valid := true
	validIndex := 0
	limit := cfg.MaxWeightedLength * cfg.Scale
	aw, awOK := cfg.asciiWeight()
	for i := 0; i < len(t); {
		if awOK && t[i] < utf8.RuneSelf && (len(urls) == 0 || urls[0].Start != i) && emStart != i {
			// A run of ASCII up to the next URL, emoji or other code
			// point: every byte is one code unit of weight aw.
			end := len(t)
			if len(urls) > 0 {
				end = urls[0].Start
			}
			if emStart >= 0 && emStart < end {
				end = emStart
			}
			j := i + 1
			for j < end && t[j] < utf8.RuneSelf {
				j++
			}
			k := j - i
			if valid {
				m := 0
				switch {
				case aw == 0:
					if weight <= limit {
						m = k
					}
				case weight+aw <= limit:
					m = min(k, (limit-weight)/aw)
				}
				if m > 0 {
					validIndex = cu + m - 1
				}
			}
			weight += k * aw
			cu += k
			lastCU = cu - 1
			i = j
			continue
		}
		var next, n int
		switch {
		case len(urls) > 0 && urls[0].Start == i:
			next = urls[0].End
			n = utf16Len(t[i:next])
			urls = urls[1:]
			weight += cfg.TransformedURLLength * cfg.Scale
		case emStart == i:
			next = emEnd
			n = utf16Len(t[i:next])
			weight += cfg.DefaultWeight
		default:
			r, w := rune(t[i]), 1
			if r >= utf8.RuneSelf {
				r, w = utf8.DecodeRuneInString(t[i:])
			}
			next = i + w
			n = 1
			if r > 0xFFFF {
				n = 2
			}
			weight += cfg.weight(r)
			if r == 0xFFFE || r == 0xFEFF || r == 0xFFFF {
				valid = false
			}
		}
		lastCU = cu + n - 1
		cu += n
		i = next
		for emStart >= 0 && emStart < i {
			emStart, emEnd = nextEmoji(t, emEnd)
		}
		if valid && weight <= limit {
			validIndex = lastCU
		}
	}
	if cfg.Scale <= 0 {
		cfg.Scale = 1
	}
	wl := weight / cfg.Scale
	n16 := cu
	if len(t) != len(s) || t != s {
		n16 = utf16Len(s)
	}
	r = XResult{
		WeightedLength: wl,
		Valid:          valid && wl > 0 && wl <= cfg.MaxWeightedLength,
		// twitter-text shifts the end by the length NFC took off; NFC
		// of invalid UTF-8 can add length instead, so keep it in range.
		ValidRangeEnd: max(validIndex+n16-cu, 0),
	}
	if cfg.MaxWeightedLength > 0 {
		r.Permillage = int(math.Floor(float64(wl) / float64(cfg.MaxWeightedLength) * 1000))
	}
	if len(s) > 0 {
		r.DisplayRangeEnd = n16 - 1
	}
	return r, links, nfc
}

// asciiWeight returns the weight every ASCII code point has, when they all
// have the same non-negative one (ok set).
func (cfg *XConfig) asciiWeight() (w int, ok bool) {
	w = cfg.DefaultWeight
	for _, g := range cfg.Ranges {
		if g.Start <= 0 && g.End >= utf8.RuneSelf-1 {
			w = g.Weight
			break
		}
		if g.Start < utf8.RuneSelf && g.End >= 0 {
			return 0, false
		}
	}
	return w, w >= 0
}

// weight returns the weight of one code point; those above U+FFFF take the
// default weight.
func (cfg *XConfig) weight(r rune) int {
	if r <= 0xFFFF {
		for _, g := range cfg.Ranges {
			if g.Start <= r && r <= g.End {
				return g.Weight
			}
		}
	}
	return cfg.DefaultWeight
}

// XLinks returns the spans of s that X turns into links: twitter-text's URL
// extraction, with scheme-less URLs on known TLDs. Pass NFC text (as
// composed posts are); X normalises before linking.
func XLinks(s string) []Span {
	return extractURLs(s, xURLRules, nil)
}

// isNFC reports whether s is in Unicode NFC, as norm.NFC.IsNormalString
// does, without asking it when s holds only ASCII and characters of
// nfcPlain: those are their own NFC whatever surrounds them.
func isNFC(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !nfcPlain(r) {
			return norm.NFC.IsNormalString(s)
		}
		i += w
	}
	return true
}

// nfcPlain reports whether r is in one of the ranges, common in posts,
// whose characters have NFC_Quick_Check=Yes and combining class 0
// (emoji and symbols, flags, kana without the combining sound marks, CJK
// ideographs, variation selectors, the zero-width joiner and the keycap):
// a text of such characters and ASCII is in NFC. TestNFCPlain checks every
// character of the ranges.
func nfcPlain(r rune) bool {
	switch {
	case r >= 0x1F000:
		return r <= 0x1FAFF
	case r >= 0x4E00:
		return r <= 0x9FFF || 0xFE00 <= r && r <= 0xFE0F
	case r >= 0x3041:
		return r <= 0x3096 || 0x30A0 <= r && r <= 0x30FF
	case r >= 0x2600:
		return r <= 0x27BF || 0x2B00 <= r && r <= 0x2BFF
	}
	return r == 0x200D || r == 0x20E3
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

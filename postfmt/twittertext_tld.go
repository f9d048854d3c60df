package postfmt

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// twitter-text's TLD lists (twittertext_tables.go), indexed for matching.
var (
	// ttASCIITLDs holds the ASCII TLDs, lower case.
	ttASCIITLDs = make(map[string]struct{}, len(ttGenericTLDs)+len(ttCountryTLDs))
	// ttIDNTLDs maps the first letter (lower case) of each TLD that holds a
	// non-ASCII letter to the TLDs that start with it, in priority order
	// (generic first).
	ttIDNTLDs = map[rune][]string{}
	// ttIDNASCIIStart marks the ASCII letters some entry of ttIDNTLDs starts with.
	ttIDNASCIIStart [utf8.RuneSelf]bool
	// ttASCIITLDPrefix marks the first two letters (lower case) of the
	// ASCII TLDs, a quick filter before the map; ttASCIITLDOdd is set when
	// some ASCII TLD does not start with two letters (the filter is then
	// not used).
	ttASCIITLDPrefix [26][26]bool
	ttASCIITLDOdd    bool
)

func init() {
	for _, list := range [][]string{ttGenericTLDs, ttCountryTLDs} {
		for _, t := range list {
			if isASCII(t) {
				ttASCIITLDs[t] = struct{}{}
				if len(t) >= 2 && isASCIILetter(t[0]) && isASCIILetter(t[1]) {
					ttASCIITLDPrefix[t[0]|0x20-'a'][t[1]|0x20-'a'] = true
				} else {
					ttASCIITLDOdd = true
				}
				continue
			}
			r, _ := utf8.DecodeRuneInString(t)
			r = unicode.ToLower(r)
			ttIDNTLDs[r] = append(ttIDNTLDs[r], t)
			if r < utf8.RuneSelf {
				ttIDNASCIIStart[r] = true
			}
		}
	}
}

// matchTLD matches twitter-text's TLD alternatives at p in s: a known TLD
// (case-insensitive) followed by a character that is not an ASCII letter,
// digit, '@', '+' or '-' (or by the end of s), else a punycode label
// "xn--…". It returns the end of the TLD, or -1.
func matchTLD(s string, p int) int {
	if p >= len(s) {
		return -1
	}
	if b := s[p]; b >= utf8.RuneSelf || ttIDNASCIIStart[b|0x20] {
		r, _ := utf8.DecodeRuneInString(s[p:])
		for _, t := range ttIDNTLDs[unicode.ToLower(r)] {
			if len(s)-p >= len(t) && strings.EqualFold(s[p:p+len(t)], t) && tldBoundary(s, p+len(t)) {
				return p + len(t)
			}
		}
	}
	if b := s[p]; b < utf8.RuneSelf {
		if !isASCIIAlnum(b) {
			return -1
		}
		j := p
		var low [24]byte
		for j < len(s) && isASCIIAlnum(s[j]) {
			if j-p < len(low) {
				low[j-p] = s[j] | 0x20 // ASCII letters to lower case; digits unchanged
			}
			j++
		}
		if j-p <= len(low) && tldBoundary(s, j) {
			if !ttASCIITLDOdd && (j-p < 2 || !isASCIILetter(low[0]) || !isASCIILetter(low[1]) || !ttASCIITLDPrefix[low[0]-'a'][low[1]-'a']) {
				// No TLD starts so.
			} else if _, ok := ttASCIITLDs[string(low[:j-p])]; ok {
				return j
			}
		}
		if j-p == 2 && j+2 < len(s) && s[j] == '-' && s[j+1] == '-' && (s[p]|0x20) == 'x' && (s[p+1]|0x20) == 'n' {
			return punycodeEnd(s, j+2)
		}
	}
	return -1
}

// punycodeEnd returns the end of the run of [-0-9a-z] (case-insensitive)
// at i, which must not be empty, or -1.
func punycodeEnd(s string, i int) int {
	j := i
	for j < len(s) && (isASCIIAlnum(s[j]) || s[j] == '-') {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// tldBoundary is the look-ahead after a TLD: end of text or a character
// other than an ASCII letter or digit, '@', '+' and '-'.
func tldBoundary(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	b := s[j]
	return !isASCIIAlnum(b) && b != '@' && b != '+' && b != '-'
}

// punycodeLabelLen returns the length of label after punycode.toASCII as
// twitter-text applies it: the label is split at IDNA dots (U+3002, U+FF0E,
// U+FF61), each part holding a non-ASCII character becomes "xn--" and its
// RFC 3492 encoding, and the parts are joined with '.'.
func punycodeLabelLen(label string) int {
	n := 0
	first := true
	for {
		i := strings.IndexFunc(label, isIDNADot)
		part := label
		if i >= 0 {
			part = label[:i]
		}
		if !first {
			n++
		}
		first = false
		n += punycodePartLen(part)
		if i < 0 {
			return n
		}
		_, w := utf8.DecodeRuneInString(label[i:])
		label = label[i+w:]
	}
}

func isIDNADot(r rune) bool { return r == 0x3002 || r == 0xFF0E || r == 0xFF61 }

// punycodePartLen is the length of "xn--"+punycode(part) when part holds a
// character above U+007E, else of part itself.
func punycodePartLen(part string) int {
	ascii := true
	for i := 0; i < len(part); i++ {
		if part[i] > 0x7E {
			ascii = false
			break
		}
	}
	if ascii {
		return len(part)
	}
	return len("xn--") + punycodeEncodedLen([]rune(part))
}

// punycodeEncodedLen returns the length of the RFC 3492 (Punycode) encoding
// of the code points in in.
func punycodeEncodedLen(in []rune) int {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	out := 0
	basic := 0
	for _, r := range in {
		if r < 0x80 {
			basic++
		}
	}
	out = basic
	if basic > 0 {
		out++ // delimiter
	}
	n, delta, bias := rune(initialN), 0, initialBias
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	for h := basic; h < len(in); {
		m := rune(0x7FFFFFFF)
		for _, r := range in {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range in {
			if r < n {
				delta++
			}
			if r == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out++
					q = (q - t) / (base - t)
				}
				out++
				bias = adapt(delta, h+1, h == basic)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return out
}

package postfmt

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Emoji recognition as twitter-text 3.1.0 does it through twemoji-parser
// 11.0.2: the sequences it knows (ttEmojiSequences, generated) are matched
// left to right, longest first, without overlap. Every match weighs as one
// character of the default weight, whatever its length.

// emojiNode is a node of the emoji trie.
type emojiNode struct {
	next map[rune]int32
	// terminal ends a sequence; unlessVS15 ends one only when U+FE0E
	// (text presentation selector) does not follow.
	terminal, unlessVS15 bool
}

var (
	emojiOnce sync.Once
	emojiTrie []emojiNode
)

func buildEmojiTrie() {
	emojiTrie = []emojiNode{{next: map[rune]int32{}}}
	add := func(seq string) int32 {
		n := int32(0)
		for _, r := range seq {
			c, ok := emojiTrie[n].next[r]
			if !ok {
				c = int32(len(emojiTrie))
				emojiTrie = append(emojiTrie, emojiNode{next: map[rune]int32{}})
				emojiTrie[n].next[r] = c
			}
			n = c
		}
		return n
	}
	for _, seq := range ttEmojiSequences {
		emojiTrie[add(seq)].terminal = true
	}
	for _, seq := range ttEmojiUnlessVS15 {
		emojiTrie[add(seq)].unlessVS15 = true
	}
}

// mayStartEmoji is a cheap filter: no emoji sequence starts below U+00A9
// except keycaps: '#', '*' or a digit, then U+FE0F or U+20E3.
func mayStartEmoji(s string, i int) bool {
	b := s[i]
	if b >= 0xC2 {
		return true
	}
	if b == '#' || b == '*' || '0' <= b && b <= '9' {
		return i+1 < len(s) && (s[i+1] == 0xEF || s[i+1] == 0xE2)
	}
	return false
}

// matchEmoji returns the end of the longest emoji sequence at i in s, or -1.
func matchEmoji(s string, i int) int {
	if i >= len(s) || !mayStartEmoji(s, i) {
		return -1
	}
	emojiOnce.Do(buildEmojiTrie)
	end := -1
	n := int32(0)
	for j := i; j < len(s); {
		r, w := utf8.DecodeRuneInString(s[j:])
		c, ok := emojiTrie[n].next[r]
		if !ok {
			break
		}
		j += w
		n = c
		if emojiTrie[n].terminal || emojiTrie[n].unlessVS15 && !strings.HasPrefix(s[j:], "\uFE0E") {
			end = j
		}
	}
	return end
}

// nextEmoji returns the first emoji match at or after i in s, as
// twemoji-parser's global scan finds it, or (-1, -1).
func nextEmoji(s string, i int) (int, int) {
	for i < len(s) {
		if b := s[i]; b < 0x80 && b != '#' && b != '*' && (b < '0' || b > '9') {
			i++ // ASCII that cannot start an emoji
			continue
		}
		if mayStartEmoji(s, i) {
			if e := matchEmoji(s, i); e > 0 {
				return i, e
			}
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return -1, -1
}

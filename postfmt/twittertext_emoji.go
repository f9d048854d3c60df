package postfmt

import (
	"cmp"
	"slices"
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
	// edges lead to the children, sorted by rune.
	edges []emojiEdge
	// terminal ends a sequence; unlessVS15 ends one only when U+FE0E
	// (text presentation selector) does not follow.
	terminal, unlessVS15 bool
}

type emojiEdge struct {
	r    rune
	next int32
}

// child returns the child of n for r, or -1.
func (n *emojiNode) child(r rune) int32 {
	e := n.edges
	if len(e) > 8 {
		lo, hi := 0, len(e)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if e[m].r < r {
				lo = m + 1
			} else {
				hi = m
			}
		}
		e = e[lo:min(lo+1, len(e))]
	}
	for _, x := range e {
		if x.r == r {
			return x.next
		}
	}
	return -1
}

var (
	emojiOnce sync.Once
	emojiTrie []emojiNode
)

func buildEmojiTrie() {
	children := []map[rune]int32{{}}
	var nodes []emojiNode
	nodes = append(nodes, emojiNode{})
	add := func(seq string) int32 {
		n := int32(0)
		for _, r := range seq {
			c, ok := children[n][r]
			if !ok {
				c = int32(len(nodes))
				nodes = append(nodes, emojiNode{})
				children = append(children, map[rune]int32{})
				children[n][r] = c
			}
			n = c
		}
		return n
	}
	for _, seq := range ttEmojiSequences {
		nodes[add(seq)].terminal = true
	}
	for _, seq := range ttEmojiUnlessVS15 {
		nodes[add(seq)].unlessVS15 = true
	}
	for i, m := range children {
		for r, c := range m {
			nodes[i].edges = append(nodes[i].edges, emojiEdge{r, c})
		}
		slices.SortFunc(nodes[i].edges, func(a, b emojiEdge) int { return cmp.Compare(a.r, b.r) })
	}
	emojiTrie = nodes
}

// mayStartEmoji is a cheap filter: no emoji sequence starts below U+00A9
// except keycaps: '#', '*' or a digit, then U+FE0F or U+20E3.
func mayStartEmoji(s string, i int) bool {
	b := s[i]
	if b >= 0xC2 {
		return true
	}
	if keycapBase[b] {
		return i+1 < len(s) && (s[i+1] == 0xEF || s[i+1] == 0xE2)
	}
	return false
}

// keycapBase marks '#', '*' and the digits, which start keycap emoji.
var keycapBase = [256]bool{'#': true, '*': true, '0': true, '1': true, '2': true, '3': true, '4': true,
	'5': true, '6': true, '7': true, '8': true, '9': true}

// matchEmoji returns the end of the longest emoji sequence at i in s, or -1.
func matchEmoji(s string, i int) int {
	if i >= len(s) || !mayStartEmoji(s, i) {
		return -1
	}
	emojiOnce.Do(buildEmojiTrie)
	end := -1
	n := &emojiTrie[0]
	for j := i; j < len(s); {
		r, w := rune(s[j]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[j:])
		}
		c := n.child(r)
		if c < 0 {
			break
		}
		j += w
		n = &emojiTrie[c]
		if n.terminal || n.unlessVS15 && !strings.HasPrefix(s[j:], "\uFE0E") {
			end = j
		}
	}
	return end
}

// nextEmoji returns the first emoji match at or after i in s, as
// twemoji-parser's global scan finds it, or (-1, -1).
func nextEmoji(s string, i int) (int, int) {
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			// Only a keycap starts with ASCII.
			if keycapBase[b] && i+1 < len(s) && (s[i+1] == 0xEF || s[i+1] == 0xE2) {
				if e := matchEmoji(s, i); e > 0 {
					return i, e
				}
			}
			i++
			continue
		}
		if b >= 0xC2 {
			if e := matchEmoji(s, i); e > 0 {
				return i, e
			}
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return -1, -1
}

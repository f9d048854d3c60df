package postfmt

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/iocast/iocast/intel"
)

// thread cuts the items into parts that each fit, at the current
// degradation level. Every part repeats the header and the TLP and ends in
// a marker "(k/n)"; the first holds the core items and the credit. Items
// keep their order within each section, across parts, so that a parser
// that reads the parts in order gets every list back in order. With
// maxParts > 0 and more parts needed, the last part's marker says how many
// items were left out.
func (c *composer) thread(maxParts int) ([]rendered, int, error) {
	for guess := 9; ; guess = guess*10 + 9 {
		parts, err := c.pack(marker(guess, guess, 0, c.lab), -1)
		if err != nil {
			return nil, 0, err
		}
		if len(parts) > guess {
			continue // the markers need more digits than reserved
		}
		left := 0
		if maxParts > 0 && len(parts) > maxParts {
			rem := c.remaining(parts[:maxParts-1])
			last, err := c.pack(marker(guess, guess, len(rem), c.lab), maxParts-1, parts[:maxParts-1]...)
			if err != nil {
				return nil, 0, err
			}
			parts = last
			left = len(rem) - len(parts[maxParts-1])
		}
		out := make([]rendered, len(parts))
		for k, p := range parts {
			l := 0
			if k == len(parts)-1 {
				l = left
			}
			out[k] = c.render(p, k == 0, marker(k+1, len(parts), l, c.lab))
		}
		return out, left, nil
	}
}

// marker returns "(k/n)", or "(k/n, 5 more left out)" when left > 0.
func marker(k, n, left int, lab labelSet) string {
	m := "(" + strconv.Itoa(k) + "/" + strconv.Itoa(n)
	if left > 0 {
		m += lab.leftOut(left)
	}
	return m + ")"
}

// remaining returns, in order, the items not in any of parts.
func (c *composer) remaining(parts [][]int) []int {
	used := make([]bool, len(c.items))
	for _, p := range parts {
		for _, i := range p {
			used[i] = true
		}
	}
	var rem []int
	for i := range c.items {
		if !used[i] {
			rem = append(rem, i)
		}
	}
	return rem
}

// pack fills parts greedily after the given ones, each rendered with
// mark. With stopAfter >= 0 it packs only one more part and stops,
// whatever is left.
func (c *composer) pack(mark string, stopAfter int, done ...[]int) ([][]int, error) {
	parts := append([][]int(nil), done...)
	rem := c.remaining(done)
	for len(rem) > 0 {
		first := len(parts) == 0
		in := make([]bool, len(c.items))
		if first {
			// The core items, less those demoted to replies.
			for _, i := range rem {
				in[i] = c.items[i].core
			}
			for _, i := range rem {
				in[i] = in[i] && !demoted(c.demote, c.items[i].sec)
			}
			if !c.fits(in, true, mark) {
				return nil, fmt.Errorf("postfmt: the first %s post (header, %s, TLP, credit) takes %d of %d: %w",
					c.lim.Name, coreNames[c.demote], c.lim.Length(string(c.buf)), c.lim.Max, intel.ErrTooLarge)
			}
		}
		var closed [numSections]bool
		for _, i := range rem {
			it := c.items[i]
			if in[i] || closed[it.sec] {
				continue
			}
			in[i] = true
			if !c.fits(in, first, mark) {
				in[i] = false
				closed[it.sec] = true
			}
		}
		part := chosen(in)
		if len(part) == 0 {
			it := c.items[rem[0]]
			return nil, fmt.Errorf("postfmt: %s %q does not fit in a %s post of %d: %w",
				sectionName(it.sec), c.itemValue(it), c.lim.Name, c.lim.Max, intel.ErrTooLarge)
		}
		parts = append(parts, part)
		if stopAfter >= 0 {
			break
		}
		rem = c.remaining(parts)
	}
	return parts, nil
}

func chosen(in []bool) []int {
	return appendChosen(nil, in)
}

func appendChosen(idx []int, in []bool) []int {
	for i, ok := range in {
		if ok {
			idx = append(idx, i)
		}
	}
	return idx
}

// fits renders the part holding the items in (leaving its text in c.buf)
// and reports whether it fits, as c.lim.Fits would. It adds up the
// lengths of the lines, each measured once per composer, where
// lim.addsUpAt says that gives the length of the whole text.
func (c *composer) fits(in []bool, first bool, mark string) bool {
	c.idx = appendChosen(c.idx[:0], in)
	return c.fitsItems(c.idx, first, mark)
}

// fitsItems is fits for the items at the indices idx.
func (c *composer) fitsItems(idx []int, first bool, mark string) bool {
	c.renderBytes(idx, first, mark, nil)
	b := c.buf
	if c.lim.MaxBytes > 0 && len(b) > c.lim.MaxBytes {
		return false
	}
	if bytes.IndexByte(b, '\r') >= 0 {
		return c.lim.Fits(string(b))
	}
	if c.lineLen == nil {
		c.lineLen = make(map[string]int)
	}
	n := 0
	for k := 0; ; k++ {
		line, rest, more := bytes.Cut(b, []byte{'\n'})
		l, ok := c.lineLen[string(line)]
		if !ok {
			s := string(line)
			if k > 0 && !c.lim.addsUpAt(s) {
				return c.lim.Fits(string(c.buf))
			}
			l = c.lim.Length(s)
			c.lineLen[s] = l
		}
		n += l
		if !more {
			break
		}
		n++ // the line feed
		b = rest
	}
	return n > 0 && n <= c.lim.Max
}

func (c *composer) itemValue(it item) string {
	if it.sec == secC2 {
		return c.str(c.eps[it.ep].value)
	}
	return c.str(it.text)
}

func sectionName(s section) string {
	n := labelsEN.section[s]
	if n == "" {
		return "item"
	}
	return n[:len(n)-1]
}

// Demotions: what leaves the first part of a thread for the replies when
// the first part does not fit at any degradation level, in this order: the
// sample link (a long URL on Bluesky), the hash (a SHA512 weighs 128),
// the C2 (a long URL).
const numDemotions = 4

// demoted reports whether items of section s leave the core at demotion d.
func demoted(d int, s section) bool {
	return d >= 1 && s == secSample || d >= 2 && s >= secMD5 && s <= secSHA512 || d >= 3 && s == secC2
}

var coreNames = [numDemotions]string{
	"first C2, family, first hash, first sample link",
	"first C2, family, first hash",
	"first C2, family",
	"family",
}

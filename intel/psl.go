package intel

import (
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
)

//go:generate go run psl_gen.go

// The flags of a node of the public suffix list's tree (pslNodes).
const (
	pslICANN      = 1 << iota // the rule is in the list's ICANN section
	pslException              // "!rule"
	pslParentOnly             // no rule of its own, only rules below it
	pslWildcard               // "*.rule"
)

// pslTable maps each suffix in the list's tree ("com", "amazonaws.com",
// "s3.amazonaws.com") to its flags. It holds no pointers, so that the
// garbage collector does not scan it: an open-addressing hash table of
// node numbers, each node the offset, length and flags of its line in
// pslNodes. It is built on first use.
type pslIndex struct {
	slots []uint16 // node number + 1, or 0 for an empty slot
	nodes []uint32 // offset of the suffix in pslNodes << 12 | its length << 4 | flags
}

var (
	pslIndexPtr  atomic.Pointer[pslIndex]
	pslIndexOnce sync.Once
)

// pslTable returns the index, built on first use. Once built, it costs
// one load: a sync.OnceValue function (the earlier form) cost about 50
// instructions a call, and every domain is looked up.
func pslTable() *pslIndex {
	if x := pslIndexPtr.Load(); x != nil {
		return x
	}
	return buildPSLIndexOnce()
}

// buildPSLIndexOnce is the rest of pslTable, apart so that pslTable is
// inlined.
func buildPSLIndexOnce() *pslIndex {
	pslIndexOnce.Do(func() { pslIndexPtr.Store(buildPSLIndex()) })
	return pslIndexPtr.Load()
}

func buildPSLIndex() *pslIndex {
	n := strings.Count(pslNodes, "\n") + 1
	size := 1
	for size < 2*n {
		size *= 2
	}
	if n >= 1<<16-1 || len(pslNodes) >= 1<<20 {
		panic("intel: public suffix table too large for its index")
	}
	x := &pslIndex{slots: make([]uint16, size), nodes: make([]uint32, 0, n)}
	for off := 0; off < len(pslNodes); {
		end := strings.IndexByte(pslNodes[off:], '\n')
		if end < 0 {
			end = len(pslNodes)
		} else {
			end += off
		}
		c := pslNodes[off]
		f := c - '0'
		if c >= 'a' {
			f = c - 'a' + 10
		}
		key := pslNodes[off+1 : end]
		if len(key) >= 1<<8 {
			panic("intel: public suffix too long for its index")
		}
		x.nodes = append(x.nodes, uint32(off+1)<<12|uint32(len(key))<<4|uint32(f))
		mask := uint32(len(x.slots) - 1)
		for i := pslHash(key) & mask; ; i = (i + 1) & mask {
			if x.slots[i] == 0 {
				x.slots[i] = uint16(len(x.nodes))
				break
			}
		}
		off = end + 1
	}
	return x
}

// pslHash is FNV-1a.
func pslHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// lookup returns the flags of suffix s, and whether it is in the list's
// tree.
func (x *pslIndex) lookup(s string) (uint8, bool) {
	mask := uint32(len(x.slots) - 1)
	for i := pslHash(s) & mask; ; i = (i + 1) & mask {
		k := x.slots[i]
		if k == 0 {
			return 0, false
		}
		n := x.nodes[k-1]
		off, l := int(n>>12), int(n>>4&0xFF)
		if l == len(s) && pslNodes[off:off+l] == s {
			return uint8(n & 0xF), true
		}
	}
}

// publicSuffix returns what publicsuffix.PublicSuffix (golang.org/x/net, the
// version the table was generated from) returns for domain, without its IP
// parse for names that cannot be IP addresses and without a binary search
// per label: one map lookup per label, from the right.
func publicSuffix(domain string) (suffix string, icann bool) {
	if maybeIP(domain) {
		if _, err := netip.ParseAddr(domain); err == nil {
			return domain, false
		}
	}
	return pslWalk(domain, nil)
}

// pslWalk is publicSuffix for a domain that is not an IP address. When
// dots is not nil it holds the offsets of all the dots in domain, in
// order: canonicalDomain finds them while it checks the labels, and the
// walk then needs no search for the next dot to the left.
func pslWalk(domain string, dots []uint8) (suffix string, icann bool) {
	t := pslTable()
	s, end := domain, len(domain)
	nd := len(dots)
	var icannNode, wildcard bool
	for {
		var dot int
		switch {
		case dots == nil:
			dot = strings.LastIndexByte(s, '.')
		case nd > 0:
			nd--
			dot = int(dots[nd])
		default:
			dot = -1
		}
		if wildcard {
			icann = icannNode
			end = 1 + dot
		}
		f, ok := t.lookup(domain[1+dot:])
		if !ok {
			break
		}
		icannNode = f&pslICANN != 0
		if f&pslException != 0 {
			end = 1 + len(s)
			break
		}
		if f&pslParentOnly == 0 {
			end = 1 + dot
		}
		wildcard = f&pslWildcard != 0
		if !wildcard {
			icann = icannNode
		}
		if dot < 0 {
			break
		}
		s = s[:dot]
	}
	if end == len(domain) {
		// No rule matches: the prevailing rule is "*".
		return domain[1+strings.LastIndexByte(domain, '.'):], icann
	}
	return domain[end:], icann
}

package extract

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/iocast/iocast/intel"
)

// listIndex merges the exact, hostname and CIDR entries of every warninglist
// an Extractor applies, so that an indicator is looked up once per host
// suffix (IPv4 addresses: once; IPv6: once per prefix length) instead of
// once per list.
type listIndex struct {
	lists []*Warninglist
	exact map[string][]int // value → lists of type string
	hosts map[string][]int // host name → lists of type hostname
	// exactKeys and hostKeys hold every key of exact and hosts: most
	// values are ruled out without a map lookup.
	exactKeys, hostKeys keyFilter
	// ranges4 maps IPv4 addresses to the lists of type cidr.
	ranges4 ipv4Ranges
	prefix6 map[netip.Prefix][]int
	bits6   []int // prefix lengths present, IPv6
	slow    []int // substring and regex lists, matched one by one
	// exactKinds has the bits (kindBit) of the kinds that string lists
	// apply to; all bits when one applies to every kind.
	exactKinds uint16
}

func newListIndex(lists []*Warninglist) *listIndex {
	x := &listIndex{lists: lists, exact: map[string][]int{}, hosts: map[string][]int{}, prefix6: map[netip.Prefix][]int{}}
	seen6 := map[int]bool{}
	var nets4 []ipv4Net
	for i, w := range lists {
		switch w.Type {
		case "string":
			for v := range w.exact {
				x.exact[v] = append(x.exact[v], i)
				x.exactKeys.add(v)
			}
			if w.kinds == nil {
				x.exactKinds = ^uint16(0)
			}
			for k := range w.kinds {
				x.exactKinds |= kindBit(k)
			}
		case "hostname":
			for v := range w.exact {
				x.hosts[v] = append(x.hosts[v], i)
				x.hostKeys.add(v)
			}
		case "cidr":
			for _, set := range w.prefixes {
				for p := range set {
					if p.Addr().Is4() {
						lo := ipv4Uint(p.Addr())
						nets4 = append(nets4, ipv4Net{lo, lo | uint32(1<<(32-p.Bits())-1), i})
					} else {
						x.prefix6[p] = append(x.prefix6[p], i)
						if !seen6[p.Bits()] {
							seen6[p.Bits()] = true
							x.bits6 = append(x.bits6, p.Bits())
						}
					}
				}
			}
		default:
			x.slow = append(x.slow, i)
		}
	}
	x.ranges4 = newIPv4Ranges(nets4)
	sort.Ints(x.bits6)
	return x
}

// keyFilter is a set of strings that may answer yes for a string it does
// not hold (rarely, for a few hundred strings), never no for one it holds.
type keyFilter [1 << 10]uint64

// filterHash hashes the length and the first eight bytes of s.
func filterHash(s string) uint64 {
	var x uint64
	if len(s) >= 8 {
		// One load.
		x = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	} else {
		for i := 0; i < len(s); i++ {
			x |= uint64(s[i]) << (8 * i)
		}
	}
	x ^= uint64(len(s)) << 59
	return (x * 0x9E3779B97F4A7C15) >> 48 // 16 bits
}

func (f *keyFilter) add(s string) {
	h := filterHash(s)
	f[h>>6] |= 1 << (h & 63)
}

func (f *keyFilter) has(s string) bool {
	h := filterHash(s)
	return f[h>>6]&(1<<(h&63)) != 0
}

// ipv4Uint returns the IPv4 address a as a number.
func ipv4Uint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// ipv4Net is an IPv4 network of a list: addresses lo to hi.
type ipv4Net struct {
	lo, hi uint32
	list   int
}

// ipv4Ranges cuts the IPv4 address space into ranges that the same lists
// cover: lists[k] (sorted, no repeats) covers the addresses from starts[k]
// up to starts[k+1]. A lookup is one binary search.
type ipv4Ranges struct {
	starts []uint32
	lists  [][]int
}

func newIPv4Ranges(nets []ipv4Net) ipv4Ranges {
	var r ipv4Ranges
	if len(nets) == 0 {
		return r
	}
	type edge struct {
		at   uint64 // where the network starts, or ends (one past its last address)
		list int
		d    int // +1 at the start, -1 at the end
	}
	var edges []edge
	for _, n := range nets {
		edges = append(edges, edge{uint64(n.lo), n.list, 1}, edge{uint64(n.hi) + 1, n.list, -1})
	}
	sort.Slice(edges, func(a, b int) bool { return edges[a].at < edges[b].at })
	count := map[int]int{}
	for k := 0; k < len(edges); {
		at := edges[k].at
		for ; k < len(edges) && edges[k].at == at; k++ {
			count[edges[k].list] += edges[k].d
		}
		if at > 1<<32-1 {
			break
		}
		var lists []int
		for l, c := range count {
			if c > 0 {
				lists = append(lists, l)
			}
		}
		sort.Ints(lists)
		r.starts = append(r.starts, uint32(at))
		r.lists = append(r.lists, lists)
	}
	return r
}

// lookup returns the lists whose networks hold a.
func (r *ipv4Ranges) lookup(a uint32) []int {
	// The last range that starts at or before a.
	lo, hi := 0, len(r.starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.starts[m] <= a {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return nil
	}
	return r.lists[lo-1]
}

// kindBit returns a bit that stands for kind k in a set of kinds.
func kindBit(k intel.Kind) uint16 {
	switch k {
	case intel.KindIPv4:
		return 1 << 0
	case intel.KindIPv6:
		return 1 << 1
	case intel.KindDomain:
		return 1 << 2
	case intel.KindURL:
		return 1 << 3
	case intel.KindEmail:
		return 1 << 4
	case intel.KindMD5:
		return 1 << 5
	case intel.KindSHA1:
		return 1 << 6
	case intel.KindSHA256:
		return 1 << 7
	case intel.KindSHA512:
		return 1 << 8
	case intel.KindCVE:
		return 1 << 9
	case intel.KindASN:
		return 1 << 10
	case intel.KindFilename:
		return 1 << 11
	}
	return 1 << 15
}

// match returns the indices of the lists that match ind, in list order,
// skipping reference lists when skipReference is set.
func (x *listIndex) match(ind intel.Indicator, skipReference bool) []int {
	return x.appendMatches(nil, ind, hostOf(ind), skipReference, false)
}

// any reports whether a list matches ind.
func (x *listIndex) any(ind intel.Indicator) bool {
	return x.anyHost(ind, hostOf(ind))
}

// anyHost is any for an indicator whose host (hostOf) is known.
func (x *listIndex) anyHost(ind intel.Indicator, host string) bool {
	return len(x.appendMatches(nil, ind, host, false, true)) > 0
}

// appendMatches appends to hits the indices of the lists that match ind,
// whose host (hostOf) is host, in list order, skipping reference lists when
// skipReference is set. With first set it stops at the first match.
func (x *listIndex) appendMatches(hits []int, ind intel.Indicator, host string, skipReference, first bool) []int {
	hk, a4 := hostKind4(host)
	add := func(idx []int) {
		for _, i := range idx {
			w := x.lists[i]
			if skipReference && w.Reference || !w.applies(ind.Kind, hk) {
				continue
			}
			hits = append(hits, i)
		}
	}
	if x.exactKinds&kindBit(ind.Kind) != 0 {
		v := ind.Value
		if ind.Kind == intel.KindFilename || ind.Kind == intel.KindURL || ind.Kind == intel.KindCVE || ind.Kind == intel.KindASN {
			v = strings.ToLower(v)
		}
		if x.exactKeys.has(v) {
			add(x.exact[v])
		}
	}
	if host != "" && host != ind.Value && x.exactKinds&kindBit(hk) != 0 && x.exactKeys.has(host) {
		add(x.exact[host])
	}
	if first && len(hits) > 0 {
		return hits
	}
	switch hk {
	case intel.KindDomain:
		if len(x.hosts) == 0 {
			break
		}
		for h := host; ; {
			if x.hostKeys.has(h) {
				add(x.hosts[h])
			}
			if first && len(hits) > 0 {
				return hits
			}
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	case intel.KindIPv4:
		add(x.ranges4.lookup(a4))
	case intel.KindIPv6:
		if len(x.bits6) == 0 {
			break
		}
		if a, err := netip.ParseAddr(host); err == nil {
			for _, b := range x.bits6 {
				if p, err := a.Prefix(b); err == nil {
					add(x.prefix6[p])
				}
			}
		}
	}
	for _, i := range x.slow {
		w := x.lists[i]
		if skipReference && w.Reference {
			continue
		}
		if w.Match(ind) {
			hits = append(hits, i)
		}
	}
	if len(hits) > 1 {
		sort.Ints(hits)
		hits = dedupInts(hits)
	}
	return hits
}

// hostKind4 is hostKind that also returns an IPv4 address as a number.
func hostKind4(h string) (intel.Kind, uint32) {
	if a, ok := parseIPv4(h); ok {
		return intel.KindIPv4, a
	}
	return hostKind(h), 0
}

// parseIPv4 parses a canonical dotted quad (as validIPv4 accepts it).
func parseIPv4(s string) (uint32, bool) {
	if len(s) < 7 || len(s) > 15 {
		return 0, false
	}
	var a uint32
	octets, v, digits := 0, uint32(0), 0
	for k := 0; k <= len(s); k++ {
		if k == len(s) || s[k] == '.' {
			if digits == 0 || v > 255 || digits > 1 && s[k-digits] == '0' {
				return 0, false
			}
			a = a<<8 | v
			octets++
			v, digits = 0, 0
			continue
		}
		c := s[k]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint32(c-'0')
		if digits++; digits > 3 {
			return 0, false
		}
	}
	return a, octets == 4
}

func dedupInts(a []int) []int {
	out := a[:1]
	for _, v := range a[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

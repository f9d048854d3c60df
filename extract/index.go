package extract

import (
	"encoding/binary"
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
	// ranges4 and ranges6 map IP addresses to the lists of type cidr.
	ranges4 ipRanges
	ranges6 ipRanges
	slow    []int // substring and regex lists, matched one by one
	// exactKinds has the bits (kindBit) of the kinds that string lists
	// apply to; all bits when one applies to every kind.
	exactKinds uint16
}

func newListIndex(lists []*Warninglist) *listIndex {
	x := &listIndex{lists: lists, exact: map[string][]int{}, hosts: map[string][]int{}}
	var nets4, nets6 []ipNet
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
						nets4 = append(nets4, ipNet{u128{0, uint64(lo)}, u128{0, uint64(lo | uint32(1<<(32-p.Bits())-1))}, i})
					} else {
						lo := ipv6Uint(p.Addr())
						nets6 = append(nets6, ipNet{lo, lo.or(u128Mask(128 - p.Bits())), i})
					}
				}
			}
		default:
			x.slow = append(x.slow, i)
		}
	}
	x.ranges4 = newIPRanges(nets4)
	x.ranges6 = newIPRanges(nets6)
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

// u128 is a 128-bit number: an IPv6 address.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func (a u128) or(b u128) u128 { return u128{a.hi | b.hi, a.lo | b.lo} }

// next returns a+1, and false when a is the largest number.
func (a u128) next() (u128, bool) {
	if a.lo != ^uint64(0) {
		return u128{a.hi, a.lo + 1}, true
	}
	return u128{a.hi + 1, 0}, a.hi != ^uint64(0)
}

// u128Mask returns the number whose n low bits are set.
func u128Mask(n int) u128 {
	switch {
	case n <= 0:
		return u128{}
	case n < 64:
		return u128{0, 1<<n - 1}
	case n < 128:
		return u128{1<<(n-64) - 1, ^uint64(0)}
	}
	return u128{^uint64(0), ^uint64(0)}
}

// ipv6Uint returns the IPv6 address a as a number.
func ipv6Uint(a netip.Addr) u128 {
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// ipNet is a network of a list: addresses lo to hi, as 128-bit numbers
// (an IPv4 address a is u128{0, a}).
type ipNet struct {
	lo, hi u128
	list   int
}

// ipRanges cuts an address space into ranges that the same lists cover:
// lists[k] (sorted, no repeats) covers the addresses from starts[k] up to
// starts[k+1]. A lookup is one binary search, instead of a map lookup per
// prefix length.
type ipRanges struct {
	starts []u128
	lists  [][]int
}

func newIPRanges(nets []ipNet) ipRanges {
	var r ipRanges
	type edge struct {
		at   u128 // where the network starts, or ends (one past its last address)
		list int
		d    int // +1 at the start, -1 at the end
	}
	var edges []edge
	for _, n := range nets {
		edges = append(edges, edge{n.lo, n.list, 1})
		if end, ok := n.hi.next(); ok {
			edges = append(edges, edge{end, n.list, -1})
		}
	}
	sort.Slice(edges, func(a, b int) bool { return edges[a].at.less(edges[b].at) })
	count := map[int]int{}
	for k := 0; k < len(edges); {
		at := edges[k].at
		for ; k < len(edges) && edges[k].at == at; k++ {
			count[edges[k].list] += edges[k].d
		}
		var lists []int
		for l, c := range count {
			if c > 0 {
				lists = append(lists, l)
			}
		}
		sort.Ints(lists)
		r.starts = append(r.starts, at)
		r.lists = append(r.lists, lists)
	}
	return r
}

// lookup returns the lists whose networks hold a.
func (r *ipRanges) lookup(a u128) []int {
	// The last range that starts at or before a.
	lo, hi := 0, len(r.starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !a.less(r.starts[m]) {
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
	h := hostInfoOf(ind)
	return x.appendMatches(nil, ind, &h, skipReference, false)
}

// any reports whether a list matches ind.
func (x *listIndex) any(ind intel.Indicator) bool {
	h := hostInfoOf(ind)
	return len(x.appendMatches(nil, ind, &h, false, true)) > 0
}

// hostInfo is the host of an indicator (hostOf) and its kind (hostKind4).
type hostInfo struct {
	name string
	kind intel.Kind
	a4   uint32 // the address, for an IPv4 host
	a6   u128   // the address, for an IPv6 host when has6 is set
	has6 bool
}

// hostInfoOf works out the host of ind and its kind.
func hostInfoOf(ind intel.Indicator) hostInfo {
	h := hostInfo{name: hostOf(ind)}
	h.kind, h.a4 = hostKind4(h.name)
	return h
}

// canonicalHostInfo is hostInfoOf for an indicator in canonical form,
// whose kind tells the host's kind but for URLs: the host of a domain or
// an e-mail address is a domain (a canonical domain ends in a top-level
// domain that is not a number, and has no colon), an IP address is its own
// host, and hashes, CVE ids, ASNs and file names have none.
func canonicalHostInfo(ind intel.Indicator) hostInfo {
	switch ind.Kind {
	case intel.KindDomain:
		return hostInfo{name: ind.Value, kind: intel.KindDomain}
	case intel.KindEmail:
		return hostInfo{name: ind.Value[strings.LastIndexByte(ind.Value, '@')+1:], kind: intel.KindDomain}
	case intel.KindIPv4:
		a4, _ := parseIPv4(ind.Value)
		return hostInfo{name: ind.Value, kind: intel.KindIPv4, a4: a4}
	case intel.KindIPv6:
		return hostInfo{name: ind.Value, kind: intel.KindIPv6}
	case intel.KindURL:
		h := hostInfo{name: canonicalURLHost(ind.Value)}
		h.kind, h.a4 = hostKind4(h.name)
		return h
	}
	return hostInfo{}
}

// canonicalURLHost returns the host of the canonical URL v, as
// intel.SplitURL does (FuzzCanonicalURLHost), with fewer passes over v:
// the scheme of a canonical URL holds no colon, and most URLs have no user
// information and no port, which IndexByte rules out at once.
func canonicalURLHost(v string) string {
	k := strings.IndexByte(v, ':')
	if k < 0 || len(v) < k+3 {
		return ""
	}
	auth := v[k+3:]
	// The authority ends at the first '/', '?' or '#'.
	if e := strings.IndexByte(auth, '/'); e >= 0 {
		auth = auth[:e]
	}
	if e := strings.IndexByte(auth, '?'); e >= 0 {
		auth = auth[:e]
	}
	if e := strings.IndexByte(auth, '#'); e >= 0 {
		auth = auth[:e]
	}
	if strings.IndexByte(auth, '@') >= 0 {
		auth = auth[strings.LastIndexByte(auth, '@')+1:]
	}
	if len(auth) > 0 && auth[0] == '[' {
		if e := strings.IndexByte(auth, ']'); e >= 0 {
			return auth[1:e]
		}
		return ""
	}
	if strings.IndexByte(auth, ':') >= 0 {
		return auth[:strings.LastIndexByte(auth, ':')]
	}
	return auth
}

// appendMatches appends to hits the indices of the lists that match ind,
// whose host is h, in list order, skipping reference lists when
// skipReference is set. With first set it stops at the first match.
func (x *listIndex) appendMatches(hits []int, ind intel.Indicator, h *hostInfo, skipReference, first bool) []int {
	host, hk, a4 := h.name, h.kind, h.a4
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
			// Lower-case on the stack; strings.ToLower for the rest.
			var buf [255]byte
			if lv, ok := lowerFast(buf[:0], v); ok {
				if x.exactKeys.has(string(lv)) {
					add(x.exact[string(lv)])
				}
			} else if v = strings.ToLower(v); x.exactKeys.has(v) {
				add(x.exact[v])
			}
		} else if x.exactKeys.has(v) {
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
		add(x.ranges4.lookup(u128{0, uint64(a4)}))
	case intel.KindIPv6:
		if len(x.ranges6.starts) == 0 {
			break
		}
		if h.has6 {
			add(x.ranges6.lookup(h.a6))
		} else if a, err := netip.ParseAddr(host); err == nil {
			add(x.ranges6.lookup(ipv6Uint(a)))
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

// lowerFast appends s in lower case to dst, as strings.ToLower does, when
// s fits in dst's capacity and holds only ASCII and characters of
// U+3000..U+9FFF (kana and ideographs, which have no case: TestCJKHasNoCase);
// else it reports false.
func lowerFast(dst []byte, s string) ([]byte, bool) {
	if len(s) > cap(dst)-len(dst) {
		return dst, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			dst = append(dst, lowerByte(c))
			continue
		}
		if c < 0xE3 || c > 0xE9 || i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
			return dst, false
		}
		dst = append(dst, c, s[i+1], s[i+2])
		i += 2
	}
	return dst, true
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

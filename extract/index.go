package extract

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"sort"
	"strings"

	"github.com/iocast/iocast/intel"
)

// listIndex merges the exact, hostname and CIDR entries of every warninglist
// an Extractor applies, so that an indicator is looked up once per host
// suffix (IP addresses: once) instead of once per list.
type listIndex struct {
	lists []*Warninglist
	// meta[i] holds what appendMatches needs to know of lists[i] without
	// a map lookup: the kinds it applies to and whether it is a reference
	// list.
	meta  []listMeta
	exact strTable // value → lists of type string
	// hosts maps a host name to the lists of type hostname that hold it,
	// and holds every suffix after a dot of such a name as well (with no
	// lists): a host none of whose suffixes is in the table matches no
	// hostname list (appendHosts).
	hosts strTable
	// hostDots is the fewest dots a key of hosts has: the suffixes of a
	// host with fewer dots need no lookup.
	hostDots int
	// ranges4 and ranges6 map IP addresses to the lists of type cidr.
	ranges4 ipRanges
	ranges6 ipRanges
	slow    []int // substring and regex lists, matched one by one
	// exactKinds has the bits (kindBit) of the kinds that string lists
	// apply to; all bits when one applies to every kind.
	exactKinds uint16
}

// listMeta is what appendMatches needs of a list: the bits (kindBit) of
// the kinds it applies to (all bits when it names none), and whether it is
// a reference list.
type listMeta struct {
	kinds uint16
	ref   bool
}

func newListIndex(lists []*Warninglist) *listIndex {
	x := &listIndex{lists: lists, meta: make([]listMeta, len(lists))}
	exact := map[string][]int{}
	hosts := map[string][]int{}
	var nets4, nets6 []ipNet
	for i, w := range lists {
		x.meta[i] = listMeta{kinds: ^uint16(0), ref: w.Reference}
		if w.kinds != nil {
			x.meta[i].kinds = 0
			for k := range w.kinds {
				x.meta[i].kinds |= kindBit(k)
			}
		}
		switch w.Type {
		case "string":
			for v := range w.exact {
				exact[v] = append(exact[v], i)
			}
			x.exactKinds |= x.meta[i].kinds
		case "hostname":
			for v := range w.exact {
				hosts[v] = append(hosts[v], i)
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
	x.exact = newStrTable(exact, false)
	x.hosts = newStrTable(hosts, true)
	x.hostDots = -1
	for k := range hosts {
		if c := strings.Count(k, "."); x.hostDots < 0 || c < x.hostDots {
			x.hostDots = c
		}
	}
	x.ranges4 = newIPRanges(nets4)
	x.ranges6 = newIPRanges(nets6)
	return x
}

// strTable is a set of strings, each with its lists, in an open-addressing
// hash table. It replaces a map[string][]int and a bit filter before it: a
// key is hashed from two loads (strHash) where a map hashes every byte, a
// host's suffix is hashed without a pass over its bytes (hostSuffix), and
// most lookups end at an empty slot.
type strTable struct {
	// slots holds, for each entry, its index in entries plus one (0: an
	// empty slot). At most one slot in eight is used.
	slots   []uint32
	mask    uint64
	entries []strEntry
}

type strEntry struct {
	hash uint64 // strHash(key)
	// head is the first eight bytes of key (strHead): a key of up to eight
	// bytes is told apart from another of its length without a call.
	head  uint64
	key   string
	lists []int // nil for a suffix that is no key itself
	// more is set when a longer key ends in "."+key (hosts only).
	more bool
}

// newStrTable builds a table of keys. With suffixes set it also enters,
// for each key, every suffix that follows one of its dots, and marks the
// entries that such suffixes are.
func newStrTable(keys map[string][]int, suffixes bool) strTable {
	var t strTable
	at := map[string]int{}
	entry := func(k string) *strEntry {
		i, ok := at[k]
		if !ok {
			i = len(t.entries)
			at[k] = i
			head := strHead(k)
			t.entries = append(t.entries, strEntry{hash: strHash(k, head), head: head, key: k})
		}
		return &t.entries[i]
	}
	// Entries in key order, so that a table does not depend on the order
	// of a map iteration.
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		entry(k).lists = keys[k]
		if !suffixes {
			continue
		}
		for s := k; ; {
			i := strings.IndexByte(s, '.')
			if i < 0 {
				break
			}
			s = s[i+1:]
			entry(s).more = true
		}
	}
	n := 16
	for n < 8*len(t.entries) {
		n <<= 1
	}
	t.slots = make([]uint32, n)
	t.mask = uint64(n - 1)
	for i, e := range t.entries {
		for j := e.hash; ; j++ {
			if t.slots[j&t.mask] == 0 {
				t.slots[j&t.mask] = uint32(i + 1)
				break
			}
		}
	}
	return t
}

// find returns the entry of key, whose first eight bytes are head
// (strHead) and whose hash is h (strHash), or nil.
func (t *strTable) find(key string, head, h uint64) *strEntry {
	if len(t.entries) == 0 {
		return nil
	}
	for j := h; ; j++ {
		s := t.slots[j&t.mask]
		if s == 0 {
			return nil
		}
		e := &t.entries[s-1]
		if e.hash == h && e.head == head && len(e.key) == len(key) && (len(key) <= 8 || e.key[8:] == key[8:]) {
			return e
		}
	}
}

// load64 returns the eight bytes of s at i as a little-endian number (one
// load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 returns the four bytes of s at i as a little-endian number (one
// load).
func load32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// pad64 returns the bytes of s (at most eight) as a little-endian number.
func pad64(s string) uint64 {
	var x uint64
	for i := len(s) - 1; i >= 0; i-- {
		x = x<<8 | uint64(s[i])
	}
	return x
}

// mixHash hashes a string of n bytes whose first eight bytes are head and
// whose last eight are tail (head padded with zeros and tail 0 when n < 8).
func mixHash(head, tail uint64, n int) uint64 {
	h := (head^uint64(n))*0x9E3779B97F4A7C15 + tail*0xC2B2AE3D27D4EB4F
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

// strHead returns the first eight bytes of s, padded with zeros.
func strHead(s string) uint64 {
	if len(s) < 8 {
		return pad64(s)
	}
	return load64(s, 0)
}

// strHash hashes the length and the first and last eight bytes of s, whose
// strHead is head.
func strHash(s string, head uint64) uint64 {
	if len(s) < 8 {
		return mixHash(head, 0, len(s))
	}
	return mixHash(head, load64(s, len(s)-8), len(s))
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

// The bits of the kinds in a set of kinds (kindBit).
const (
	bitIPv4 uint16 = 1 << iota
	bitIPv6
	bitDomain
	bitURL
	bitEmail
	bitMD5
	bitSHA1
	bitSHA256
	bitSHA512
	bitCVE
	bitASN
	bitFilename
	bitOther uint16 = 1 << 15
)

// kindBit returns a bit that stands for kind k in a set of kinds.
func kindBit(k intel.Kind) uint16 {
	switch k {
	case intel.KindIPv4:
		return bitIPv4
	case intel.KindIPv6:
		return bitIPv6
	case intel.KindDomain:
		return bitDomain
	case intel.KindURL:
		return bitURL
	case intel.KindEmail:
		return bitEmail
	case intel.KindMD5:
		return bitMD5
	case intel.KindSHA1:
		return bitSHA1
	case intel.KindSHA256:
		return bitSHA256
	case intel.KindSHA512:
		return bitSHA512
	case intel.KindCVE:
		return bitCVE
	case intel.KindASN:
		return bitASN
	case intel.KindFilename:
		return bitFilename
	}
	return bitOther
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
	// kb and hb are kindBit of the indicator's kind and of kind (0 when
	// kind is ""), or both 0 when not worked out yet: canonicalHostInfo
	// knows them from its switch, and appendMatches need not look the
	// kinds up again.
	kb, hb uint16
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
		return hostInfo{name: ind.Value, kind: intel.KindDomain, kb: bitDomain, hb: bitDomain}
	case intel.KindEmail:
		return hostInfo{name: ind.Value[strings.LastIndexByte(ind.Value, '@')+1:], kind: intel.KindDomain, kb: bitEmail, hb: bitDomain}
	case intel.KindIPv4:
		a4, _, _ := validIPv4(ind.Value)
		return hostInfo{name: ind.Value, kind: intel.KindIPv4, a4: a4, kb: bitIPv4, hb: bitIPv4}
	case intel.KindIPv6:
		return hostInfo{name: ind.Value, kind: intel.KindIPv6, kb: bitIPv6, hb: bitIPv6}
	case intel.KindURL:
		h := hostInfo{name: canonicalURLHost(ind.Value), kb: bitURL}
		h.kind, h.a4 = hostKind4(h.name)
		if h.kind != "" {
			h.hb = kindBit(h.kind)
		}
		return h
	}
	return hostInfo{kb: kindBit(ind.Kind)} // no host
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
	kb, hb := h.kb, h.hb
	if kb == 0 {
		kb = kindBit(ind.Kind)
		if h.kind != "" {
			hb = kindBit(h.kind)
		}
	}
	if x.exactKinds&hb != 0 || len(x.slow) != 0 {
		return x.appendAll(hits, ind, h, kb, hb, skipReference, first)
	}
	// Most indicators: no string list applies to their host, and no list
	// is matched one by one.
	if x.exactKinds&kb != 0 {
		if hits = x.appendExact(hits, ind.Value, kb, hb, skipReference); first && len(hits) > 0 {
			return hits
		}
	}
	switch hb {
	case bitDomain:
		if len(x.hosts.entries) == 0 {
			break
		}
		// Most hosts end at an empty slot of the table (appendHosts).
		if d, head, hash, ok := hostSuffix(h.name, x.hostDots); ok && x.hosts.slots[hash&x.hosts.mask] != 0 {
			hits = x.appendHosts(hits, h.name, d, head, hash, kb, hb, skipReference, first)
		}
	case bitIPv4:
		hits = x.add(hits, x.ranges4.lookup(u128{0, uint64(h.a4)}), kb, hb, skipReference)
	case bitIPv6:
		hits = x.appendIPv6(hits, h, kb, hb, skipReference)
	}
	if len(hits) > 1 {
		sort.Ints(hits)
		hits = dedupInts(hits)
	}
	return hits
}

// appendAll is appendMatches for an indicator whose host a string list
// applies to, or for an index with substring or regex lists.
func (x *listIndex) appendAll(hits []int, ind intel.Indicator, h *hostInfo, kb, hb uint16, skipReference, first bool) []int {
	if x.exactKinds&kb != 0 {
		hits = x.appendExact(hits, ind.Value, kb, hb, skipReference)
	}
	host := h.name
	if x.exactKinds&hb != 0 && host != "" && host != ind.Value {
		head := strHead(host)
		if e := x.exact.find(host, head, strHash(host, head)); e != nil {
			hits = x.add(hits, e.lists, kb, hb, skipReference)
		}
	}
	if first && len(hits) > 0 {
		return hits
	}
	switch hb {
	case bitDomain:
		if len(x.hosts.entries) == 0 {
			break
		}
		if d, head, hash, ok := hostSuffix(host, x.hostDots); ok {
			if hits = x.appendHosts(hits, host, d, head, hash, kb, hb, skipReference, first); first && len(hits) > 0 {
				return hits
			}
		}
	case bitIPv4:
		hits = x.add(hits, x.ranges4.lookup(u128{0, uint64(h.a4)}), kb, hb, skipReference)
	case bitIPv6:
		hits = x.appendIPv6(hits, h, kb, hb, skipReference)
	}
	for _, i := range x.slow {
		if skipReference && x.meta[i].ref {
			continue
		}
		if x.lists[i].Match(ind) {
			hits = append(hits, i)
		}
	}
	if len(hits) > 1 {
		sort.Ints(hits)
		hits = dedupInts(hits)
	}
	return hits
}

// appendIPv6 appends the CIDR lists that hold the IPv6 host h.
func (x *listIndex) appendIPv6(hits []int, h *hostInfo, kb, hb uint16, skipReference bool) []int {
	if len(x.ranges6.starts) == 0 {
		return hits
	}
	if h.has6 {
		return x.add(hits, x.ranges6.lookup(h.a6), kb, hb, skipReference)
	}
	if a, err := netip.ParseAddr(h.name); err == nil {
		return x.add(hits, x.ranges6.lookup(ipv6Uint(a)), kb, hb, skipReference)
	}
	return hits
}

// add appends the lists of idx that apply to an indicator of kind kb whose
// host is of kind hb (Warninglist.applies), but reference lists when
// skipReference is set.
func (x *listIndex) add(hits, idx []int, kb, hb uint16, skipReference bool) []int {
	for _, i := range idx {
		m := x.meta[i]
		if skipReference && m.ref {
			continue
		}
		// MISP applies hostname and IP lists to the host of URLs and
		// e-mail addresses too.
		if m.kinds&kb == 0 && (kb&(bitURL|bitEmail) == 0 || m.kinds&hb == 0) {
			continue
		}
		hits = append(hits, i)
	}
	return hits
}

// appendExact appends the string lists that hold the value v (lower-cased)
// of an indicator of kind kb.
func (x *listIndex) appendExact(hits []int, v string, kb, hb uint16, skipReference bool) []int {
	if kb&(bitFilename|bitURL|bitCVE|bitASN) != 0 {
		// Lower-case on the stack; strings.ToLower for the rest.
		var buf [255]byte
		if lv, ok := lowerFast(buf[:0], v); ok {
			key := string(lv)
			head := strHead(key)
			if e := x.exact.find(key, head, strHash(key, head)); e != nil {
				hits = x.add(hits, e.lists, kb, hb, skipReference)
			}
			return hits
		}
		v = strings.ToLower(v)
	}
	// strHead and strHash, inline for values of eight bytes or more (all
	// hashes); most end at an empty slot.
	var head, h uint64
	if len(v) >= 8 {
		head = load64(v, 0)
		h = mixHash(head, load64(v, len(v)-8), len(v))
	} else {
		head = pad64(v)
		h = mixHash(head, 0, len(v))
	}
	if x.exact.slots[h&x.exact.mask] == 0 {
		return hits
	}
	if e := x.exact.find(v, head, h); e != nil {
		hits = x.add(hits, e.lists, kb, hb, skipReference)
	}
	return hits
}

// appendHosts appends the hostname lists that hold host or a suffix of it
// that follows a dot, given the suffix with hostDots dots (hostSuffix):
// host[d+1:], whose first eight bytes are head and whose hash is h.
//
// No key has fewer dots than hostDots, and the table holds every suffix
// of a key that follows a dot. So when that suffix (the registered name,
// "evil.com", for most lists) is not in the table, neither is a longer
// one: for most hosts the caller finds an empty slot and stops there.
func (x *listIndex) appendHosts(hits []int, host string, d int, head, h uint64, kb, hb uint16, skipReference, first bool) []int {
	m := len(host) - d - 1
	t := &x.hosts
	e := t.find(host[d+1:], head, h)
	if e == nil {
		return hits
	}
	if e.lists != nil {
		if hits = x.add(hits, e.lists, kb, hb, skipReference); first && len(hits) > 0 {
			return hits
		}
	}
	if !e.more || d < 0 {
		return hits
	}
	// A longer key may match: look up each longer suffix.
	for s := host; len(s) > m; {
		head := strHead(s)
		if e := t.find(s, head, strHash(s, head)); e != nil && e.lists != nil {
			if hits = x.add(hits, e.lists, kb, hb, skipReference); first && len(hits) > 0 {
				return hits
			}
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	return hits
}

// hostSuffix finds the suffix of host with dots dots: it returns the dot
// before it (-1: the whole host), its first eight bytes (strHead) and its
// hash (strHash), or false when host has fewer dots.
func hostSuffix(host string, dots int) (d int, head, h uint64, ok bool) {
	n := len(host)
	var tail, pad uint64
	base := 0 // found holds the dots of host[base:base+8] not passed yet
	if n >= 8 {
		base = n - 8
		tail = load64(host, base)
	} else {
		pad = pad64(host)
		tail = pad
	}
	found := dotBytes(tail)
	// d is the need-th dot from the right.
	d = -1
	for need := dots + 1; ; {
		// The number of dots: each byte of found>>7 is 0 or 1, and the
		// product sums them in the top byte (bits.OnesCount64 may call a
		// function, and then every register is spilled around it).
		if c := int((found >> 7) * 0x0101010101010101 >> 56); c >= need {
			for ; need > 1; need-- {
				found &^= 1 << (63 - bits.LeadingZeros64(found))
			}
			d = base + (63-bits.LeadingZeros64(found))>>3
			break
		} else {
			need -= c
		}
		if base == 0 {
			if need > 1 {
				return 0, 0, 0, false
			}
			break
		}
		next := max(base-8, 0)
		// The bytes from base on were looked at already.
		found = dotBytes(load64(host, next)) & (1<<(8*(base-next)) - 1)
		base = next
	}
	m := n - d - 1 // the suffix is host[d+1:]
	switch {
	case m >= 8:
		head = load64(host, d+1)
		h = mixHash(head, tail, m)
	case n >= 8:
		head = tail >> (8 * (8 - m))
		h = mixHash(head, 0, m)
	default:
		head = pad >> (8 * (d + 1))
		h = mixHash(head, 0, m)
	}
	return d, head, h, true
}

// dotBytes returns the top bit of each byte of w that is '.'. (No borrow
// crosses a byte, so the bits are exact.)
func dotBytes(w uint64) uint64 {
	x := w ^ 0x2e2e2e2e2e2e2e2e
	return ^((x&0x7f7f7f7f7f7f7f7f + 0x7f7f7f7f7f7f7f7f) | x | 0x7f7f7f7f7f7f7f7f)
}

// hostKind4 is hostKind that also returns an IPv4 address as a number.
func hostKind4(h string) (intel.Kind, uint32) {
	if a, _, ok := validIPv4(h); ok {
		return intel.KindIPv4, a
	}
	return hostKind(h), 0
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

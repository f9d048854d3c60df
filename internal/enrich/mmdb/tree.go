package mmdb

import "encoding/binary"

// v4tree walks the IPv4 part of a MaxMind DB search tree itself, starting
// from a table of the nodes reached after the first 16 bits of every
// address. That replaces the 16 dependent reads at the top of the tree by
// one, which roughly halves the time of a lookup in a large database (the
// reads are cache misses). The format is the MaxMind DB 2.0 search tree:
// https://maxmind.github.io/MaxMind-DB/#search-tree-section
type v4tree struct {
	*searchTree
	jump []uint32 // record after the first 16 bits, by address >> 16
}

// searchTree is the search tree section of a database.
type searchTree struct {
	tree       []byte
	nodeCount  uint32
	recordSize uint32 // bits: 24, 28 or 32
	ipVersion  uint
}

// newSearchTree returns the search tree of the database in buf, or nil when
// the metadata is out of range.
func newSearchTree(buf []byte, nodeCount, recordSize, ipVersion uint) *searchTree {
	if recordSize != 24 && recordSize != 28 && recordSize != 32 || nodeCount == 0 || nodeCount >= 1<<32-64 {
		return nil
	}
	size := nodeCount * recordSize / 4
	if size/(recordSize/4) != nodeCount || size > uint(len(buf)) {
		return nil
	}
	return &searchTree{tree: buf[:size], nodeCount: uint32(nodeCount), recordSize: uint32(recordSize), ipVersion: ipVersion}
}

// newV4Tree returns the IPv4 walker of st, or nil when the database has no
// IPv4 part.
func newV4Tree(st *searchTree) *v4tree {
	if st == nil {
		return nil
	}
	t := &v4tree{searchTree: st}
	ipVersion := st.ipVersion
	start := uint32(0)
	if ipVersion == 6 { // IPv4 is ::/96: 96 left branches from the root
		for i := 0; i < 96 && start < t.nodeCount; i++ {
			start = t.record(start, 0)
		}
	}
	if start > t.nodeCount && start-t.nodeCount < 16 {
		return nil // a pointer into the separator: corrupt
	}
	t.jump = make([]uint32, 1<<16)
	for p := range uint32(1 << 16) {
		v := start
		for i := 0; i < 16 && v < t.nodeCount; i++ {
			v = t.record(v, p>>(15-i)&1)
		}
		t.jump[p] = v
	}
	return t
}

// record returns the left (bit 0) or right (bit 1) record of node n, which
// must be below nodeCount (the tree's size was checked against it).
func (t *searchTree) record(n, bit uint32) uint32 {
	switch t.recordSize {
	case 24:
		b := t.tree[n*6+bit*3:]
		return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
	case 28:
		b := t.tree[n*7 : n*7+7]
		if bit == 0 {
			return uint32(b[3]>>4)<<24 | uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
		}
		return uint32(b[3]&0x0f)<<24 | uint32(b[4])<<16 | uint32(b[5])<<8 | uint32(b[6])
	default:
		return binary.BigEndian.Uint32(t.tree[n*8+bit*4:])
	}
}

// lookup returns the data section offset of the record of a, found false
// when the database has no data for a, and ok false when the tree is
// corrupt (the caller falls back on the library's lookup).
func (t *v4tree) lookup(a uint32) (offset uint32, found, ok bool) {
	v := t.jump[a>>16]
	for i := 16; i < 32 && v < t.nodeCount; i++ {
		v = t.record(v, a>>(31-i)&1)
	}
	switch {
	case v == t.nodeCount:
		return 0, false, true
	case v < t.nodeCount || v-t.nodeCount < 16:
		return 0, false, false
	}
	return v - t.nodeCount - 16, true, true
}

// leaf is a network with data, found by walk.
type leaf struct {
	v4     bool   // inside the IPv4 part (::/96 of an IPv6 tree)
	bits   int    // prefix length: of the IPv4 address for v4 networks
	offset uint32 // data section offset of the record
}

// walk calls fn for each network with data, depth first, until fn returns
// false. Each node is entered once: the IPv4 aliases of an IPv6 tree
// (::ffff:0:0/96, 2002::/16) are skipped, and a corrupt tree whose records
// point back into it cannot make the walk longer than the node count.
func (t *searchTree) walk(fn func(leaf) bool) {
	type item struct {
		node  uint32
		depth int
		zero  bool // the first 96 bits (as far as walked) are 0: IPv4
	}
	seen := make([]uint64, (t.nodeCount+63)/64)
	maxDepth := 128
	if t.ipVersion == 4 {
		maxDepth = 32
	}
	stack := []item{{node: 0, zero: true}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[it.node/64]&(1<<(it.node%64)) != 0 || it.depth >= maxDepth {
			continue
		}
		seen[it.node/64] |= 1 << (it.node % 64)
		for bit := uint32(1); bit <= 1; bit-- { // right pushed first: left is walked first
			v := t.record(it.node, bit)
			depth, zero := it.depth+1, it.zero && (bit == 0 || it.depth >= 96)
			switch {
			case v < t.nodeCount:
				stack = append(stack, item{v, depth, zero})
			case v-t.nodeCount >= 16:
				l := leaf{offset: v - t.nodeCount - 16, bits: depth}
				if t.ipVersion == 4 {
					l.v4 = true
				} else if zero && depth >= 96 {
					l.v4, l.bits = true, depth-96
				}
				if !fn(l) {
					return
				}
			}
		}
	}
}

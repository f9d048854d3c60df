// Package iptoasn reads the IP-to-ASN data sets published by iptoasn.com
// (ip2asn-v4.tsv, ip2asn-v6.tsv, ip2asn-combined.tsv, optionally gzipped)
// into a compact, sorted, read-only table and looks addresses up in it.
//
// Each line of the files is a range and what is known of it, separated by
// tabs:
//
//	1.0.0.0	1.0.0.255	13335	US	CLOUDFLARENET
//
// range start, range end (inclusive; dotted IPv4, IPv6, or an IPv4 address
// as a decimal number, as in ip2asn-v4-u32.tsv), AS number, ISO 3166
// country code ("None" when unknown) and AS description. Rows with AS
// number 0 ("Not routed") carry no information and are not kept.
package iptoasn

import (
	"context"
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/iocast/iocast/intel"
)

// Table is a loaded data set: IPv4 and IPv6 ranges sorted by their start,
// each pointing into a table of distinct (AS number, country, description)
// triples. It is safe for concurrent use. An IPv4 row takes 12 bytes, an
// IPv6 row 36, plus its share of the interned triples.
type Table struct {
	v4start, v4end []uint32
	v4info         []uint32
	// v4index[b] is the first row whose start is at or after b<<16: a
	// lookup searches only the rows of its /16 (256 KiB, built by Parse).
	v4index        []uint32
	v6start, v6end []u128
	v6info         []uint32
	infos          []info

	path     string
	modTime  time.Time
	rows     int // lines read, comments and blank lines excluded
	rejected []*RowError
	nrej     int
}

// info is what a range maps to, as Lookup returns it: no allocation per lookup.
type info struct {
	asn     string // "AS13335"
	country string // "US", or "" when unknown
	desc    string // AS description, interned
}

// u128 is an IPv6 address as two big-endian halves.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

func from16(b [16]byte) u128 {
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// Lookup returns what the table knows of ip: its AS as "AS" + number, the
// AS description as ISP, and the country code. It returns the zero
// Enrichment, and no error, for an address no range covers.
func (t *Table) Lookup(_ context.Context, ip netip.Addr) (intel.Enrichment, error) {
	i, ok := t.find(ip)
	if !ok {
		return intel.Enrichment{}, nil
	}
	in := &t.infos[i]
	return intel.Enrichment{ASN: in.asn, ISP: in.desc, Country: in.country}, nil
}

// find returns the index in infos of the range that covers ip.
func (t *Table) find(ip netip.Addr) (uint32, bool) {
	ip = ip.Unmap()
	if ip.Is4() {
		b := ip.As4()
		a := binary.BigEndian.Uint32(b[:])
		// The last range starting at or before a: among the rows that start
		// in a's /16, else the last row before them.
		lo, hi := 0, len(t.v4start)
		if t.v4index != nil {
			lo, hi = int(t.v4index[a>>16]), int(t.v4index[a>>16+1])
		}
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if t.v4start[m] <= a {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == 0 || t.v4end[lo-1] < a {
			return 0, false
		}
		return t.v4info[lo-1], true
	}
	if !ip.Is6() {
		return 0, false
	}
	a := from16(ip.As16())
	lo, hi := 0, len(t.v6start)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !a.less(t.v6start[m]) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 || t.v6end[lo-1].less(a) {
		return 0, false
	}
	return t.v6info[lo-1], true
}

// buildIndex fills v4index.
func (t *Table) buildIndex() {
	if len(t.v4start) == 0 {
		return
	}
	t.v4index = make([]uint32, 1<<16+1)
	row := 0
	for b := range 1 << 16 {
		for row < len(t.v4start) && t.v4start[row]>>16 < uint32(b) {
			row++
		}
		t.v4index[b] = uint32(row)
	}
	t.v4index[1<<16] = uint32(len(t.v4start))
}

// Name returns "iptoasn", the source's name in messages.
func (t *Table) Name() string { return "iptoasn" }

// Info describes a loaded table for "iocast enrich --check".
type Info struct {
	// Path is the file the table was read from.
	Path string
	// Built is the file's modification time: the files carry no build date.
	Built time.Time
	// Rows is the number of data lines read; Rejected the number of those
	// that were malformed and skipped (the first few are in Errors).
	Rows, Rejected int
	// V4Ranges and V6Ranges are the ranges kept (routed ranges only).
	V4Ranges, V6Ranges int
	// V4Addresses is the number of IPv4 addresses the kept ranges cover.
	V4Addresses uint64
	// ASNs is the number of distinct AS numbers.
	ASNs int
	// Errors are the first rejected rows, with file, line and reason.
	Errors []*RowError
}

// Info describes the table.
func (t *Table) Info() Info {
	in := Info{
		Path: t.path, Built: t.modTime, Rows: t.rows, Rejected: t.nrej,
		V4Ranges: len(t.v4start), V6Ranges: len(t.v6start), Errors: t.rejected,
	}
	for i := range t.v4start {
		in.V4Addresses += uint64(t.v4end[i]-t.v4start[i]) + 1
	}
	asns := map[string]bool{}
	for _, x := range t.infos {
		asns[x.asn] = true
	}
	in.ASNs = len(asns)
	return in
}

// Len returns the number of ranges in the table.
func (t *Table) Len() int { return len(t.v4start) + len(t.v6start) }

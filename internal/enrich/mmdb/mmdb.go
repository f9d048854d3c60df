// Package mmdb reads IP data sets in the MaxMind DB format (.mmdb) through
// github.com/oschwald/maxminddb-golang/v2 and turns their records into
// intel.Enrichment values.
//
// The common free layouts are recognised, by the database type in the
// file's metadata and by the fields of its records:
//
//   - GeoLite2 ASN and DB-IP Lite ASN: autonomous_system_number,
//     autonomous_system_organization;
//   - GeoLite2 Country / City and DB-IP Lite Country / City:
//     country.iso_code (registered_country.iso_code when absent);
//   - IPinfo Lite: asn ("AS13335"), as_name, country_code; IPinfo's older
//     free databases (country as a code) too.
//
// A record may hold any mix of these fields; each is read when present.
package mmdb

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/iocast/iocast/intel"
)

// DefaultMaxSize bounds the size of a file Open accepts: the largest free
// data sets (GeoLite2 City, IPinfo Lite) are around 100 MiB.
const DefaultMaxSize = 1 << 30

// cacheSize bounds the number of decoded records kept. Records are shared
// by many networks (one per AS in an ASN database), so most lookups are
// answered from the cache without decoding.
const cacheSize = 1 << 18

// Options bounds what Open accepts.
type Options struct {
	// MaxSize is the largest file accepted, in bytes (DefaultMaxSize when 0).
	MaxSize int64
}

// Reader is an open .mmdb file. It is safe for concurrent use.
type Reader struct {
	path   string
	db     *maxminddb.Reader
	layout Layout
	tree   *searchTree // nil when the metadata is out of range
	v4     *v4tree     // nil when the database has no IPv4 part

	mu    sync.RWMutex
	cache map[uintptr]uint32 // record offset → index in vals; small, to stay in cache
	vals  []intel.Enrichment
}

// Open opens the database at path and works out its layout. It fails for a
// file that is not a MaxMind DB, is larger than the limit, or whose
// records hold none of the fields iocast reads.
func Open(path string, opts Options) (*Reader, error) {
	limit := opts.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("mmdb: %w", err)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("mmdb: %s: %d bytes, more than the %d allowed: %w", path, fi.Size(), limit, intel.ErrTooLarge)
	}
	// Read into memory rather than mapped: the IPv4 walker needs the bytes,
	// and the file cannot change under the reader.
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mmdb: %w", err)
	}
	return openBytes(path, buf)
}

// openBytes opens the database in buf, named path in messages.
func openBytes(path string, buf []byte) (*Reader, error) {
	db, err := maxminddb.OpenBytes(buf)
	if err != nil {
		return nil, fmt.Errorf("mmdb: %s: %w", path, err)
	}
	m := db.Metadata
	r := &Reader{path: path, db: db, cache: map[uintptr]uint32{}}
	r.tree = newSearchTree(buf, m.NodeCount, m.RecordSize, m.IPVersion)
	r.v4 = newV4Tree(r.tree)
	r.layout = r.detect()
	if r.layout.Fields == 0 {
		db.Close()
		return nil, fmt.Errorf("mmdb: %s: database type %q holds no AS or country field iocast reads: %w",
			path, db.Metadata.DatabaseType, intel.ErrInvalid)
	}
	return r, nil
}

// Close releases the file.
func (r *Reader) Close() error { return r.db.Close() }

// Name returns "mmdb", the source's name in messages.
func (r *Reader) Name() string { return "mmdb" }

// Lookup returns what the database knows of ip. It returns the zero
// Enrichment, and no error, for an address the database does not cover.
func (r *Reader) Lookup(_ context.Context, ip netip.Addr) (intel.Enrichment, error) {
	ip = ip.Unmap().WithZone("")
	var off uintptr
	if o, found, ok := r.lookupV4(ip); ok {
		if !found {
			return intel.Enrichment{}, nil
		}
		off = uintptr(o)
	} else {
		res := r.db.Lookup(ip)
		if err := res.Err(); err != nil {
			return intel.Enrichment{}, fmt.Errorf("mmdb: %s: %w", r.path, err)
		}
		if !res.Found() {
			return intel.Enrichment{}, nil
		}
		off = res.Offset()
	}
	r.mu.RLock()
	if i, ok := r.cache[off]; ok {
		e := r.vals[i]
		r.mu.RUnlock()
		return e, nil
	}
	r.mu.RUnlock()
	var rec record
	if err := r.db.LookupOffset(off).Decode(&rec); err != nil {
		return intel.Enrichment{}, fmt.Errorf("mmdb: %s: %w", r.path, err)
	}
	e := rec.enrichment()
	r.mu.Lock()
	if len(r.vals) >= cacheSize {
		clear(r.cache)
		r.vals = r.vals[:0]
	}
	r.cache[off] = uint32(len(r.vals))
	r.vals = append(r.vals, e)
	r.mu.Unlock()
	return e, nil
}

// lookupV4 looks an IPv4 address up with the IPv4 walker; ok is false for
// an IPv6 address, or when the walker cannot answer.
func (r *Reader) lookupV4(ip netip.Addr) (offset uint32, found, ok bool) {
	if r.v4 == nil || !ip.Is4() {
		return 0, false, false
	}
	b := ip.As4()
	return r.v4.lookup(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
}

// record holds every field of the supported layouts. Each is decoded as
// any, so that a database with an unexpected type for one field still
// yields the others.
type record struct {
	// GeoLite2 ASN, DB-IP ASN Lite: a number and a string.
	ASNumber any `maxminddb:"autonomous_system_number"`
	ASOrg    any `maxminddb:"autonomous_system_organization"`
	// IPinfo: "AS13335" (a string; a number in some derived files).
	ASN    any `maxminddb:"asn"`
	ASName any `maxminddb:"as_name"`
	// GeoLite2 / DB-IP Country and City: a map with iso_code. IPinfo's
	// older files: the code itself; IPinfo Lite: the country's name.
	Country           any `maxminddb:"country"`
	RegisteredCountry any `maxminddb:"registered_country"`
	// IPinfo Lite.
	CountryCode any `maxminddb:"country_code"`
}

func (rec *record) enrichment() intel.Enrichment {
	var e intel.Enrichment
	e.ASN = asnString(rec.ASNumber)
	if e.ASN == "" {
		e.ASN = asnString(rec.ASN)
	}
	for _, v := range []any{rec.ASOrg, rec.ASName} {
		if s, ok := v.(string); ok && validText(strings.TrimSpace(s)) {
			e.ISP = strings.TrimSpace(s)
			break
		}
	}
	for _, v := range []any{rec.CountryCode, rec.Country, rec.RegisteredCountry} {
		if c := countryCode(isoCode(v)); c != "" {
			e.Country = c
			break
		}
	}
	return e
}

// asnString turns IPinfo's "AS13335", or a number, into "AS13335"; it
// returns "" for anything else and for AS 0.
func asnString(v any) string {
	var n uint64
	switch v := v.(type) {
	case string:
		var err error
		n, err = strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(v)), "AS"), 10, 32)
		if err != nil {
			return ""
		}
	case uint64:
		n = v
	case uint32:
		n = uint64(v)
	case uint16:
		n = uint64(v)
	case uint:
		n = uint64(v)
	case int:
		n = uint64(max(v, 0))
	case int32:
		n = uint64(max(v, 0))
	}
	if n == 0 || n > 1<<32-1 {
		return ""
	}
	return "AS" + strconv.FormatUint(n, 10)
}

// isoCode reads the country field: a GeoIP2-style map with iso_code, or a
// string (a code, or a name, which countryCode then refuses).
func isoCode(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["iso_code"].(string)
		return s
	}
	return ""
}

// countryCode returns c in upper case when it is two ASCII letters, else
// "". "ZZ" (unknown) is dropped.
func countryCode(c string) string {
	if len(c) != 2 || !isLetter(c[0]) || !isLetter(c[1]) {
		return ""
	}
	c = strings.ToUpper(c)
	if c == "ZZ" {
		return ""
	}
	return c
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// validText refuses names with control characters, which a post or a
// terminal must never receive from a data file.
func validText(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0xfffd {
			return false
		}
	}
	return s != "" && len(s) <= 512
}

// Info describes an open database for "iocast enrich --check".
type Info struct {
	// Path is the file's path.
	Path string
	// Layout is the recognised layout.
	Layout Layout
	// DatabaseType is the type the file's metadata gives ("GeoLite2-ASN").
	DatabaseType string
	// Built is the build time the file's metadata gives.
	Built time.Time
	// IPVersion is 4 for an IPv4-only database, 6 for IPv4 and IPv6.
	IPVersion int
}

// Info describes the database.
func (r *Reader) Info() Info {
	m := r.db.Metadata
	return Info{Path: r.path, Layout: r.layout, DatabaseType: m.DatabaseType, Built: m.BuildTime(), IPVersion: int(m.IPVersion)}
}

// Coverage is how much of the address space a database covers.
type Coverage struct {
	// Networks is the number of networks with data.
	Networks int
	// V4Addresses is the number of IPv4 addresses with data.
	V4Addresses uint64
	// V6Networks is the number of IPv6 networks (not IPv4) with data.
	V6Networks int
}

// Coverage walks every network of the database: it takes a second or two
// for the largest free data sets.
func (r *Reader) Coverage(ctx context.Context) (Coverage, error) {
	var c Coverage
	if r.tree == nil {
		return c, fmt.Errorf("mmdb: %s: search tree out of range: %w", r.path, intel.ErrInvalid)
	}
	r.tree.walk(func(l leaf) bool {
		c.Networks++
		if l.v4 {
			c.V4Addresses += 1 << (32 - l.bits)
		} else {
			c.V6Networks++
		}
		return c.Networks%4096 != 0 || ctx.Err() == nil
	})
	return c, ctx.Err()
}

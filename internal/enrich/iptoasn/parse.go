package iptoasn

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/iocast/iocast/intel"
)

// Limits that keep a hostile or broken file from exhausting memory. The
// zero value of an Options field means its default.
const (
	// DefaultMaxBytes bounds the data read, after decompression: the
	// combined iptoasn file is about 60 MiB, so this leaves room while
	// stopping a gzip bomb early.
	DefaultMaxBytes = 512 << 20
	// DefaultMaxRows bounds the number of data lines (iptoasn has ~700k).
	DefaultMaxRows = 20_000_000
	// DefaultMaxRejected is how many malformed rows are skipped before the
	// file is refused as not being iptoasn data at all.
	DefaultMaxRejected = 1000
	// MaxLineLen is the longest line accepted, in bytes.
	MaxLineLen = 4096
	// MaxDescLen is the longest AS description accepted, in bytes.
	MaxDescLen = 512
	// keptErrors is how many rejected rows Info reports.
	keptErrors = 20
)

// Options bounds what Open and Parse accept.
type Options struct {
	// MaxBytes is the most data read, after decompression (DefaultMaxBytes).
	MaxBytes int64
	// MaxRows is the most data lines read (DefaultMaxRows).
	MaxRows int
	// MaxRejected is how many malformed rows are skipped before the whole
	// file is refused (DefaultMaxRejected); negative refuses the first.
	MaxRejected int
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxRejected == 0 {
		o.MaxRejected = DefaultMaxRejected
	}
	if o.MaxRejected < 0 {
		o.MaxRejected = 0
	}
	return o
}

// RowError is a malformed line: "ip2asn-v4.tsv:12: AS number "x" is not a number".
type RowError struct {
	File   string
	Line   int
	Reason string
}

// Error returns "file:line: reason".
func (e *RowError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// Unwrap returns intel.ErrInvalid.
func (e *RowError) Unwrap() error { return intel.ErrInvalid }

// Open reads the file at path, gzip-compressed or not (told by its first
// bytes, not its name).
func Open(path string, opts Options) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("iptoasn: %w", err)
	}
	defer f.Close()
	t, err := Parse(f, path, opts)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil {
		t.modTime = fi.ModTime()
	}
	return t, nil
}

// Parse reads a data set from r, gzip-compressed or not; name is used in
// errors and Info. Malformed rows are skipped and reported in Info, up to
// Options.MaxRejected; past it, or past a size limit, Parse fails.
func Parse(r io.Reader, name string, opts Options) (*Table, error) {
	opts = opts.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("iptoasn: %s: %w", name, err)
		}
		src = zr
	}
	p := &parser{name: filepath.Base(name), opts: opts, t: &Table{path: name}}
	p.interned = map[infoKey]uint32{}
	p.descs = map[string]string{}
	p.byASN = map[uint32]uint32{}
	if err := p.run(&limitedReader{r: src, n: opts.MaxBytes, max: opts.MaxBytes}); err != nil {
		return nil, err
	}
	return p.finish()
}

// limitedReader fails with intel.ErrTooLarge past n bytes, where
// io.LimitReader would end silently and truncate the data set.
type limitedReader struct {
	r      io.Reader
	n, max int64
}

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a file of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n == 0 {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("more than %d bytes of data: %w", l.max, intel.ErrTooLarge)
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	return n, err
}

type infoKey struct {
	asn     uint32
	country [2]byte
	desc    string
}

type parser struct {
	name     string
	opts     Options
	t        *Table
	interned map[infoKey]uint32
	descs    map[string]string
	asns     map[uint32]string
	byASN    map[uint32]uint32 // AS number → index of the triple last used
	line     int
	lastV4   int // line of the last IPv4 row kept, for order errors
	lastV6   int
}

func (p *parser) run(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of the line
				_, err = br.ReadSlice('\n')
			}
			p.line++
			if rerr := p.reject("line longer than %d bytes", MaxLineLen); rerr != nil {
				return rerr
			}
		case len(line) > MaxLineLen:
			p.line++
			if rerr := p.reject("line longer than %d bytes", MaxLineLen); rerr != nil {
				return rerr
			}
		case len(line) > 0:
			p.line++
			if perr := p.row(line); perr != nil {
				return perr
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			return nil
		default:
			return fmt.Errorf("iptoasn: %s: %w", p.name, err)
		}
	}
}

// reject records a malformed row; it fails when too many were.
func (p *parser) reject(format string, args ...any) error {
	e := &RowError{File: p.name, Line: p.line, Reason: fmt.Sprintf(format, args...)}
	p.t.nrej++
	if len(p.t.rejected) < keptErrors {
		p.t.rejected = append(p.t.rejected, e)
	}
	if p.t.nrej > p.opts.MaxRejected {
		if p.opts.MaxRejected == 0 {
			return fmt.Errorf("iptoasn: %w", e)
		}
		return fmt.Errorf("iptoasn: %s: more than %d malformed rows, not iptoasn data? last: %w", p.name, p.opts.MaxRejected, e)
	}
	return nil
}

// row parses one line. It returns an error only when the file must be refused.
func (p *parser) row(line []byte) error {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 || line[0] == '#' {
		return nil
	}
	p.t.rows++
	if p.t.rows > p.opts.MaxRows {
		return fmt.Errorf("iptoasn: %s:%d: more than %d rows: %w", p.name, p.line, p.opts.MaxRows, intel.ErrTooLarge)
	}
	var f [5][]byte
	n := 0
	for n < 4 {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			break
		}
		f[n], line = line[:i], line[i+1:]
		n++
	}
	f[n] = line
	n++
	if n != 5 {
		return p.reject("want 5 tab-separated fields (start, end, AS number, country, description), got %d", n)
	}
	asn, ok := parseUint32(f[2])
	if !ok {
		return p.reject("AS number %q is not a number from 0 to 4294967295", clip(f[2]))
	}
	cc, ok := parseCountry(f[3])
	if !ok {
		return p.reject("country %q is not an ISO 3166 alpha-2 code or None", clip(f[3]))
	}
	desc := f[4]
	if len(desc) > MaxDescLen {
		return p.reject("description longer than %d bytes", MaxDescLen)
	}
	if !validText(desc) {
		return p.reject("description is not valid UTF-8 text")
	}
	if s4, ok := parseIPv4(f[0]); ok {
		e4, ok := parseIPv4(f[1])
		if !ok {
			return p.reject("range end %q is not an IPv4 address like its start", clip(f[1]))
		}
		if e4 < s4 {
			return p.reject("range end %s is before its start %s", f[1], f[0])
		}
		if asn == 0 {
			return nil // not routed
		}
		if n := len(p.t.v4end); n > 0 && s4 <= p.t.v4end[n-1] {
			return p.reject("range %s-%s overlaps or precedes the range on line %d: rows must be sorted", f[0], f[1], p.lastV4)
		}
		p.t.v4start = append(p.t.v4start, s4)
		p.t.v4end = append(p.t.v4end, e4)
		p.t.v4info = append(p.t.v4info, p.intern(asn, cc, desc))
		p.lastV4 = p.line
		return nil
	}
	s6, err1 := netip.ParseAddr(string(f[0]))
	e6, err2 := netip.ParseAddr(string(f[1]))
	switch {
	case err1 != nil || !s6.Is6() || s6.Zone() != "":
		return p.reject("range start %q is not an IP address", clip(f[0]))
	case err2 != nil || !e6.Is6() || e6.Zone() != "":
		return p.reject("range end %q is not an IPv6 address like its start", clip(f[1]))
	}
	s, e := from16(s6.As16()), from16(e6.As16())
	if e.less(s) {
		return p.reject("range end %s is before its start %s", f[1], f[0])
	}
	if asn == 0 {
		return nil
	}
	if n := len(p.t.v6end); n > 0 && !p.t.v6end[n-1].less(s) {
		return p.reject("range %s-%s overlaps or precedes the range on line %d: rows must be sorted", f[0], f[1], p.lastV6)
	}
	p.t.v6start = append(p.t.v6start, s)
	p.t.v6end = append(p.t.v6end, e)
	p.t.v6info = append(p.t.v6info, p.intern(asn, cc, desc))
	p.lastV6 = p.line
	return nil
}

// intern returns the index of the triple in the table's infos, adding it.
func (p *parser) intern(asn uint32, cc [2]byte, desc []byte) uint32 {
	// An AS has one description and mostly one country: try the triple
	// last seen for the AS number before hashing the description.
	if i, ok := p.byASN[asn]; ok {
		in := &p.t.infos[i]
		if in.country == countryString(cc) && in.desc == string(desc) {
			return i
		}
	}
	if i, ok := p.interned[infoKey{asn, cc, string(desc)}]; ok { // no allocation
		p.byASN[asn] = i
		return i
	}
	d, ok := p.descs[string(desc)]
	if !ok {
		d = string(desc)
		p.descs[d] = d
	}
	if p.asns == nil {
		p.asns = map[uint32]string{}
	}
	a, ok := p.asns[asn]
	if !ok {
		a = "AS" + strconv.FormatUint(uint64(asn), 10)
		p.asns[asn] = a
	}
	i := uint32(len(p.t.infos))
	p.t.infos = append(p.t.infos, info{asn: a, country: countryString(cc), desc: d})
	p.interned[infoKey{asn, cc, d}] = i
	p.byASN[asn] = i
	return i
}

// finish trims the slices to their length, so that the table holds no
// growth slack, and checks that something was read.
func (p *parser) finish() (*Table, error) {
	t := p.t
	if len(t.v4start)+len(t.v6start) == 0 && t.nrej > 0 {
		return nil, fmt.Errorf("iptoasn: %s: no valid row; first error: %w", p.name, t.rejected[0])
	}
	t.v4start, t.v4end, t.v4info = exact(t.v4start), exact(t.v4end), exact(t.v4info)
	t.v6start, t.v6end, t.v6info = exact(t.v6start), exact(t.v6end), exact(t.v6info)
	t.infos = exact(t.infos)
	t.buildIndex()
	return t, nil
}

// exact returns s in a slice of exactly its length when append left more
// than an eighth unused.
func exact[S ~[]E, E any](s S) S {
	if cap(s)-len(s) <= len(s)/8 {
		return s
	}
	out := make(S, len(s))
	copy(out, s)
	return out
}

// parseIPv4 parses a dotted IPv4 address, or a decimal number as in
// ip2asn-v4-u32.tsv, without allocating.
func parseIPv4(b []byte) (uint32, bool) {
	if bytes.IndexByte(b, '.') < 0 {
		if bytes.IndexByte(b, ':') >= 0 {
			return 0, false
		}
		return parseUint32(b)
	}
	var a uint32
	for part := 0; part < 4; part++ {
		n, digits := 0, 0
		for len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
			if digits > 0 && n == 0 { // leading zero: "01" is ambiguous (octal?)
				return 0, false
			}
			n = n*10 + int(b[0]-'0')
			digits++
			b = b[1:]
			if n > 255 {
				return 0, false
			}
		}
		if digits == 0 {
			return 0, false
		}
		a = a<<8 | uint32(n)
		if part < 3 {
			if len(b) == 0 || b[0] != '.' {
				return 0, false
			}
			b = b[1:]
		}
	}
	return a, len(b) == 0
}

func parseUint32(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}

// parseCountry accepts two ASCII letters, or "None", "" and "ZZ" for unknown
// (the zero value).
func parseCountry(b []byte) ([2]byte, bool) {
	switch {
	case len(b) == 0 || string(b) == "None":
		return [2]byte{}, true
	case len(b) == 2 && isLetter(b[0]) && isLetter(b[1]):
		c := [2]byte{b[0] &^ 0x20, b[1] &^ 0x20}
		if c == [2]byte{'Z', 'Z'} {
			return [2]byte{}, true
		}
		return c, true
	}
	return [2]byte{}, false
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// validText reports whether b is UTF-8 without control characters, with a
// fast path for ASCII.
func validText(b []byte) bool {
	for i, c := range b {
		if c >= 0x80 {
			return utf8.Valid(b[i:]) && !bytes.ContainsFunc(b[i:], isControl)
		}
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// countries interns the two-letter strings.
var countries = func() map[[2]byte]string {
	m := make(map[[2]byte]string, 26*26)
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			m[[2]byte{a, b}] = string([]byte{a, b})
		}
	}
	return m
}()

func countryString(c [2]byte) string {
	if c == ([2]byte{}) {
		return ""
	}
	if s, ok := countries[c]; ok {
		return s
	}
	return string(c[:])
}

// clip shortens a field for an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

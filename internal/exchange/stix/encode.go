package stix

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/iocast/iocast/intel"
)

// Options control an export.
type Options struct {
	// BundleID is the bundle's id ("bundle--<uuid>"); empty means a random
	// one, as bundles are transient containers.
	BundleID string
	// Now stands in for the times of records that have none. Zero means
	// the time the Encoder was made.
	Now time.Time
	// Defang writes domain-name, url and email-addr observables defanged
	// (intel.Defang) with "defanged": true. Patterns stay refanged, since
	// they must match live traffic, and so do IP addresses, whose STIX
	// type allows only the plain form.
	Defang bool
	// Family, when set, describes a malware family by name: its aliases
	// and the versions seen, written on its malware object.
	Family func(name string) Family
}

// Family is what an export says about a malware family beyond its name.
type Family struct {
	Aliases  []string
	Versions []string
}

// Created is the created and modified time of the objects that have no
// time of their own (iocast's identity, malware families), fixed so that
// re-exports are byte for byte stable.
var Created = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

// IdentityID is the id of iocast's identity, the created_by_ref of every
// object it exports.
var IdentityID = objectID("identity", uuid5(Namespace, "identity:iocast"))

// Encoder writes a STIX 2.1 bundle one record at a time. Its memory does
// not grow with the number of records: it remembers only the malware
// families, autonomous systems and TLP markings it has already written.
type Encoder struct {
	w        *bufio.Writer
	opts     Options
	buf      []byte
	name     []byte // scratch for id names
	started  bool
	closed   bool
	err      error
	n        int               // records written
	objs     int               // objects written
	families map[string]string // name → malware id
	asns     map[int64]string  // number → autonomous-system id
	tlps     map[string]bool
}

// NewEncoder returns an Encoder that writes to w. Call Close to finish the
// bundle.
func NewEncoder(w io.Writer, opts Options) *Encoder {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.BundleID == "" {
		var u uuid
		rand.Read(u[:])
		u[6] = u[6]&0x0f | 0x40
		u[8] = u[8]&0x3f | 0x80
		opts.BundleID = objectID("bundle", u)
	}
	return &Encoder{
		w: bufio.NewWriterSize(w, 64<<10), opts: opts, buf: make([]byte, 0, 4096),
		families: map[string]string{}, asns: map[int64]string{}, tlps: map[string]bool{},
	}
}

// Encode writes the records of seq as one bundle to w and returns how many
// it wrote. It stops at the first error of seq, of w or of ctx.
func Encode(ctx context.Context, w io.Writer, opts Options, seq iter.Seq2[intel.Record, error]) (int, error) {
	e := NewEncoder(w, opts)
	for r, err := range seq {
		if err != nil {
			return e.n, err
		}
		if e.n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return e.n, err
			}
		}
		if err := e.Write(&r); err != nil {
			return e.n, err
		}
	}
	return e.n, e.Close()
}

// Write adds the objects for one record to the bundle: its TLP marking,
// malware families and autonomous system when first met, its observable,
// its indicator (a vulnerability for a CVE) and its relationships.
func (e *Encoder) Write(r *intel.Record) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return fmt.Errorf("stix: write after close")
	}
	if r.Value == "" {
		return fmt.Errorf("stix: record of kind %q without a value: %w", r.Kind, intel.ErrInvalid)
	}
	e.start()
	tlp := tlpOf(r.TLP)
	e.marking(tlp)
	for _, f := range r.Families {
		e.family(f)
	}
	first, last := r.FirstSeen, r.LastSeen
	if first.IsZero() {
		first = last
	}
	if first.IsZero() {
		first = e.opts.Now
	}
	if last.Before(first) {
		last = first
	}
	e.observable(r, tlp)
	var id string
	if r.Kind == intel.KindCVE {
		id = e.vulnerability(r, tlp, first, last)
	} else {
		id = e.indicator(r, tlp, first, last)
	}
	for _, f := range r.Families {
		src, dst, typ := id, e.families[f], "indicates"
		if r.Kind == intel.KindCVE {
			src, dst, typ = dst, id, "exploits"
		}
		e.relationship(typ, src, dst, tlp, first, last)
	}
	e.n++
	return e.err
}

// Close finishes the bundle and flushes it.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	e.start()
	e.closed = true
	if e.err == nil {
		_, e.err = e.w.WriteString("\n]}\n")
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

func (e *Encoder) start() {
	if e.started {
		return
	}
	e.started = true
	b := append(e.buf[:0], `{"type":"bundle","id":`...)
	b = appendJCSString(b, e.opts.BundleID)
	b = append(b, `,"objects":[`...)
	e.buf = b
	e.flushRaw()
	b = e.begin("identity", IdentityID)
	b = appendTime(b, ",\"created\":", Created)
	b = appendTime(b, ",\"modified\":", Created)
	b = append(b, `,"name":"iocast","identity_class":"system"`...)
	e.end(b)
}

// begin starts an object with its type, spec_version and id in e.buf.
func (e *Encoder) begin(typ, id string) []byte {
	b := e.buf[:0]
	if e.objs > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{\"type\":\""...)
	b = append(b, typ...)
	b = append(b, `","spec_version":"2.1","id":"`...)
	b = append(b, id...)
	b = append(b, '"')
	return b
}

func (e *Encoder) end(b []byte) {
	e.buf = append(b, '}')
	e.objs++
	e.flushRaw()
}

func (e *Encoder) flushRaw() {
	if e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
}

// appendTime appends key and t as a STIX timestamp in UTC with
// millisecond precision ("2022-05-10T11:22:33.444Z"), formatted by hand
// because time.AppendFormat is a fifth of the export's time.
func appendTime(b []byte, key string, t time.Time) []byte {
	b = append(b, key...)
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
		return append(b, '"')
	}
	ms := t.Nanosecond() / 1e6
	return append(b, '"',
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z', '"')
}

func appendStrings(b []byte, key string, ss []string) []byte {
	b = append(b, key...)
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJCSString(b, s)
	}
	return append(b, ']')
}

// appendCommon appends created_by_ref, created, modified and the marking.
func appendCommon(b []byte, tlp string, created, modified time.Time) []byte {
	b = append(b, `,"created_by_ref":"`...)
	b = append(b, IdentityID...)
	b = append(b, '"')
	b = appendTime(b, `,"created":`, created)
	b = appendTime(b, `,"modified":`, modified)
	b = append(b, `,"object_marking_refs":["`...)
	b = append(b, tlpMarkings[tlp].id...)
	return append(b, `"]`...)
}

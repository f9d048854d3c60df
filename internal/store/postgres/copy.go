package postgres

import (
	"encoding/binary"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// The staging table is filled with COPY … (FORMAT binary) from records
// encoded here, column by column as row lists them: a third of the CPU of
// encoding each value through pgx's type map.

// copyHeader starts a binary COPY stream: signature, flags, no extension.
var copyHeader = []byte("PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000")

// pgEpochMicros is the zero of PostgreSQL's binary timestamps (2000-01-01
// UTC) in Unix microseconds.
const pgEpochMicros = 946_684_800_000_000

// textOID is the type of the elements of a text[].
const textOID = 25

// copyEncoder encodes records as binary COPY rows of columns.
type copyEncoder struct{ buf []byte }

func (e *copyEncoder) reset() { e.buf = append(e.buf[:0], copyHeader...) }

// end closes the stream and returns it.
func (e *copyEncoder) end() []byte {
	e.buf = append(e.buf, 0xff, 0xff)
	return e.buf
}

func (e *copyEncoder) i16(v int16) { e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(v)) }

func (e *copyEncoder) i32(v int32) { e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(v)) }

func (e *copyEncoder) null() { e.i32(-1) }

func (e *copyEncoder) text(s string) {
	e.i32(int32(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *copyEncoder) int4(v int) {
	e.i32(4)
	e.i32(int32(v))
}

func (e *copyEncoder) timestamptz(t time.Time) {
	e.i32(8)
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(t.UnixMicro()-pgEpochMicros))
}

// textArray encodes l as a one-dimensional text[], NULL when empty.
func (e *copyEncoder) textArray(l []string) {
	if len(l) == 0 {
		e.null()
		return
	}
	n := 20
	for _, s := range l {
		n += 4 + len(s)
	}
	e.i32(int32(n))
	e.i32(1) // dimensions
	e.i32(0) // no NULL
	e.i32(textOID)
	e.i32(int32(len(l)))
	e.i32(1) // lower bound
	for _, s := range l {
		e.text(s)
	}
}

// record appends k as a row of columns (see row).
func (e *copyEncoder) record(k store.Keyed) {
	r := k.Record
	e.i16(int16(len(columns)))
	e.text(string(r.Kind))
	e.text(r.Value)
	e.int4(r.Port)
	if r.Kind == intel.KindDomain {
		e.text(k.Key)
	} else {
		e.null()
	}
	e.timestamptz(r.FirstSeen)
	e.timestamptz(r.LastSeen)
	e.int4(r.Sightings)
	e.textArray(r.Families)
	e.text(r.Role)
	tlp, _ := store.TLPRank(r.TLP)
	e.int4(tlp)
	e.int4(r.Confidence)
	e.textArray(r.Sources)
	e.text(r.ASN)
	e.text(r.ISP)
	e.text(r.Country)
	if r.Enrichment != (intel.Enrichment{}) {
		e.timestamptz(r.LastSeen)
	} else {
		e.null()
	}
}

package postgres

import (
	"encoding/binary"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// Indicators and the staging table are filled with COPY … (FORMAT binary)
// from records encoded here, column by column as row lists them: a third
// of the CPU of encoding each value through pgx's type map.

// copyHeader starts a binary COPY stream: signature, flags, no extension.
var copyHeader = []byte("PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000")

// pgEpochMicros is the zero of PostgreSQL's binary timestamps (2000-01-01
// UTC) in Unix microseconds.
const pgEpochMicros = 946_684_800_000_000

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

// text encodes s, or NULL when it is empty.
func (e *copyEncoder) text(s string) {
	if s == "" {
		e.null()
		return
	}
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

// key encodes the key of k (indicatorKey).
func (e *copyEncoder) key(k store.Keyed) {
	e.i32(int32(len(k.Kind) + 1 + len(k.Key)))
	e.buf = append(e.buf, k.Kind...)
	e.buf = append(e.buf, ':')
	e.buf = append(e.buf, k.Key...)
}

// names encodes l as joinNames does: joined by newlines, NULL when empty.
func (e *copyEncoder) names(l []string) {
	if len(l) == 0 {
		e.null()
		return
	}
	n := len(l) - 1
	for _, s := range l {
		n += len(s)
	}
	e.i32(int32(n))
	for i, s := range l {
		if i > 0 {
			e.buf = append(e.buf, '\n')
		}
		e.buf = append(e.buf, s...)
	}
}

// record appends k as a row of columns.
func (e *copyEncoder) record(k store.Keyed) {
	r := k.Record
	e.i16(int16(len(columns)))
	e.key(k)
	e.int4(r.Port)
	e.timestamptz(r.FirstSeen)
	e.timestamptz(r.LastSeen)
	e.int4(r.Sightings)
	e.names(r.Families)
	e.text(r.Role)
	tlp, _ := store.TLPRank(r.TLP)
	e.int4(tlp)
	e.int4(r.Confidence)
	e.names(r.Sources)
	e.text(r.ASN)
	e.text(r.ISP)
	e.text(r.Country)
	if r.Enrichment != (intel.Enrichment{}) {
		e.timestamptz(r.LastSeen)
	} else {
		e.null()
	}
}

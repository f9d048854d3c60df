package misp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/iocast/iocast/intel"
)

// Options describe the exported event.
type Options struct {
	// Info is the event's title; empty means "iocast export".
	Info string
	// Date is the event's date; zero means today.
	Date time.Time
	// UUID is the event's uuid; empty means a stable one derived from Info
	// and Date.
	UUID string
	// ThreatLevel is 1 (high) to 4 (undefined); zero means 2 (medium).
	ThreatLevel int
	// Distribution is the MISP distribution level ("0"–"3"); empty means
	// the one that matches the most restrictive TLP exported.
	Distribution string
}

// Encoder writes one MISP event, streaming its attributes: records first
// (Write), then samples (WriteSample). It remembers only the set of TLP
// levels seen, so memory is flat in the size of the export.
type Encoder struct {
	w       *bufio.Writer
	opts    Options
	state   int // 0 before any attribute, 1 in Attribute, 2 in Object
	n       int
	maxTLP  string
	err     error
	written bool
}

// NewEncoder returns an Encoder that writes to w. Call Close to finish.
func NewEncoder(w io.Writer, opts Options) *Encoder {
	if opts.Info == "" {
		opts.Info = "iocast export"
	}
	if opts.Date.IsZero() {
		opts.Date = time.Now()
	}
	if opts.UUID == "" {
		opts.UUID = UUID("misp-event:" + opts.Info + ":" + opts.Date.UTC().Format(time.DateOnly))
	}
	if opts.ThreatLevel < 1 || opts.ThreatLevel > 4 {
		opts.ThreatLevel = 2
	}
	return &Encoder{w: bufio.NewWriterSize(w, 64<<10), opts: opts}
}

// attribute is the JSON of a MISP attribute.
type attribute struct {
	UUID           string `json:"uuid"`
	ObjectRelation string `json:"object_relation,omitempty"`
	Type           string `json:"type"`
	Category       string `json:"category"`
	Value          string `json:"value"`
	ToIDs          bool   `json:"to_ids"`
	Comment        string `json:"comment,omitempty"`
	FirstSeen      string `json:"first_seen,omitempty"`
	LastSeen       string `json:"last_seen,omitempty"`
	Deleted        bool   `json:"deleted,omitempty"`
	Tag            []tag  `json:"Tag,omitempty"`
}

type tag struct {
	Name string `json:"name"`
}

// mispTime formats a time as MISP does (microseconds and an offset).
func mispTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

func tags(tlp string, families []string) []tag {
	out := []tag{{tlpTag(tlp)}}
	for _, f := range families {
		out = append(out, tag{familyTag(f)})
	}
	return out
}

func (e *Encoder) head() {
	if e.written {
		return
	}
	e.written = true
	fmt.Fprintf(e.w, `{"Event":{"uuid":%q,"info":%s,"date":%q,"threat_level_id":"%d","analysis":"2","published":false,"timestamp":"%d","Attribute":[`,
		e.opts.UUID, jsonString(e.opts.Info), e.opts.Date.UTC().Format(time.DateOnly), e.opts.ThreatLevel, e.opts.Date.Unix())
	e.state = 1
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (e *Encoder) emit(v any) {
	if e.err != nil {
		return
	}
	if e.n > 0 {
		e.w.WriteByte(',')
	}
	e.w.WriteByte('\n')
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	_, e.err = e.w.Write(b)
	e.n++
}

func (e *Encoder) tlp(level string) {
	if tlpRank[level] > tlpRank[e.maxTLP] {
		e.maxTLP = level
	}
}

// Write adds a record as an attribute. It fails after WriteSample.
func (e *Encoder) Write(r *intel.Record) error {
	if e.state == 2 {
		return fmt.Errorf("misp: Write after WriteSample: write every record first")
	}
	t, ok := attrTypes[r.Kind]
	if !ok || r.Value == "" {
		return fmt.Errorf("misp: record %s has no MISP attribute type: %w", r.Indicator, intel.ErrInvalid)
	}
	e.head()
	t, v := typeFor(r)
	key := "misp-attribute:" + string(r.Kind) + ":" + r.Value
	if r.Port != 0 {
		key += ":" + strconv.Itoa(r.Port)
	}
	e.tlp(r.TLP)
	e.emit(attribute{
		UUID: UUID(key), Type: t.typ, Category: t.category, Value: v, ToIDs: t.toIDs && !r.Revoked,
		Comment: r.Role, FirstSeen: mispTime(r.FirstSeen), LastSeen: mispTime(r.LastSeen), Deleted: r.Revoked,
		Tag: tags(r.TLP, r.Families),
	})
	return e.err
}

// SampleInfo is what a sample's file object says beyond its hashes.
type SampleInfo struct {
	Families            []string
	TLP                 string
	FirstSeen, LastSeen time.Time
}

// object is the JSON of a MISP object.
type object struct {
	UUID         string      `json:"uuid"`
	Name         string      `json:"name"`
	MetaCategory string      `json:"meta-category"`
	TemplateUUID string      `json:"template_uuid"`
	Attribute    []attribute `json:"Attribute"`
}

// fileTemplate is the uuid of MISP's "file" object template.
const fileTemplate = "688c46fb-5edb-40a3-8273-1af7923e2215"

// WriteSample adds a "file" object grouping a sample's hashes and file
// name. Once it is called, Write fails: objects follow the attributes.
func (e *Encoder) WriteSample(s intel.Sample, info SampleInfo) error {
	e.head()
	if e.state == 1 {
		e.w.WriteString("\n],\"Object\":[")
		e.state, e.n = 2, 0
	}
	var id string
	for _, h := range []string{s.SHA256, s.SHA1, s.MD5, s.SHA512, s.Filename} {
		if h != "" {
			id = UUID("misp-object:file:" + h)
			break
		}
	}
	if id == "" {
		return fmt.Errorf("misp: sample without hashes or file name: %w", intel.ErrInvalid)
	}
	o := object{UUID: id, Name: "file", MetaCategory: "file", TemplateUUID: fileTemplate}
	for _, f := range []struct {
		kind  intel.Kind
		value string
	}{{intel.KindMD5, s.MD5}, {intel.KindSHA1, s.SHA1}, {intel.KindSHA256, s.SHA256}, {intel.KindSHA512, s.SHA512}, {intel.KindFilename, s.Filename}} {
		if f.value == "" {
			continue
		}
		t := attrTypes[f.kind]
		o.Attribute = append(o.Attribute, attribute{
			UUID: UUID("misp-object-attribute:" + id + ":" + t.typ), ObjectRelation: t.typ, Type: t.typ, Category: t.category,
			Value: f.value, ToIDs: t.toIDs, Comment: "sample", FirstSeen: mispTime(info.FirstSeen), LastSeen: mispTime(info.LastSeen),
			Tag: tags(info.TLP, slices.Clone(info.Families)),
		})
	}
	e.tlp(info.TLP)
	e.emit(o)
	return e.err
}

// Close finishes the event with its distribution and TLP tag, and flushes.
func (e *Encoder) Close() error {
	e.head()
	if e.err != nil {
		return e.err
	}
	if e.state == 1 {
		e.w.WriteString("\n],\"Object\":[")
	}
	d := e.opts.Distribution
	if d == "" {
		d = distribution(e.maxTLP)
	}
	fmt.Fprintf(e.w, "\n],\"distribution\":%q,\"Tag\":[{\"name\":%q}]}}\n", d, tlpTag(e.maxTLP))
	return e.w.Flush()
}

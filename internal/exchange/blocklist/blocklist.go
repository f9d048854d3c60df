// Package blocklist reads and writes plain indicator lists, one value a
// line, for firewalls (IP addresses), DNS resolvers (domains, as a plain
// list, a hosts file or an RPZ zone) and anything else that takes a list.
// Values are refanged for machines unless defanged output is asked for.
package blocklist

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/iocast/iocast/intel"
)

// Style is the shape of an exported list.
type Style string

// The list styles.
const (
	// Plain is one value per line.
	Plain Style = "plain"
	// Hosts is "0.0.0.0 domain" per domain, for /etc/hosts and Pi-hole.
	Hosts Style = "hosts"
	// RPZ is a DNS response policy zone that answers NXDOMAIN for each
	// domain and its subdomains.
	RPZ Style = "rpz"
)

// Options control an export.
type Options struct {
	// Kinds are the kinds to write; empty means all. Hosts and RPZ write
	// domains only, whatever Kinds says.
	Kinds []intel.Kind
	// Style is Plain when empty.
	Style Style
	// Defang writes values defanged (intel.Defang), for people; Plain only.
	Defang bool
	// Revoked includes revoked records, which are left out by default.
	Revoked bool
	// Serial is the RPZ zone's SOA serial (1 when zero).
	Serial uint32
}

// Encoder writes a list one record at a time. It drops a value equal to the
// one before it (host:port records of one address, in value order), and
// keeps nothing else, so its memory is flat in the size of the list.
type Encoder struct {
	w       *bufio.Writer
	opts    Options
	kinds   map[intel.Kind]bool
	last    string
	started bool
	skipped int
}

// NewEncoder returns an Encoder that writes to w. Call Close to flush.
func NewEncoder(w io.Writer, opts Options) (*Encoder, error) {
	switch opts.Style {
	case "":
		opts.Style = Plain
	case Plain, Hosts, RPZ:
	default:
		return nil, fmt.Errorf("blocklist: unknown style %q (want plain, hosts or rpz): %w", opts.Style, intel.ErrInvalid)
	}
	e := &Encoder{w: bufio.NewWriterSize(w, 64<<10), opts: opts, kinds: map[intel.Kind]bool{}}
	for _, k := range opts.Kinds {
		e.kinds[k] = true
	}
	if opts.Style != Plain {
		e.kinds = map[intel.Kind]bool{intel.KindDomain: true}
	}
	return e, nil
}

// Write writes the record's value if its kind is wanted.
func (e *Encoder) Write(r *intel.Record) error {
	if (len(e.kinds) > 0 && !e.kinds[r.Kind]) || (r.Revoked && !e.opts.Revoked) || r.Value == "" || r.Value == e.last {
		return nil
	}
	e.last = r.Value
	if e.opts.Style == Plain && value(r.Value) != r.Value {
		e.skipped++ // a line could not carry it: "#x.exe", "a  b.exe"
		return nil
	}
	e.header()
	switch e.opts.Style {
	case Hosts:
		e.w.WriteString("0.0.0.0 ")
		e.w.WriteString(r.Value)
	case RPZ:
		e.w.WriteString(r.Value)
		e.w.WriteString(" CNAME .\n*.")
		e.w.WriteString(r.Value)
		e.w.WriteString(" CNAME .")
	default:
		if e.opts.Defang {
			e.w.WriteString(intel.Defang(r.Kind, r.Value))
		} else {
			e.w.WriteString(r.Value)
		}
	}
	_, err := e.w.WriteString("\n")
	return err
}

func (e *Encoder) header() {
	if e.started || e.opts.Style != RPZ {
		return
	}
	e.started = true
	serial := e.opts.Serial
	if serial == 0 {
		serial = 1
	}
	e.w.WriteString("$TTL 300\n@ SOA localhost. root.localhost. " + strconv.FormatUint(uint64(serial), 10) + " 3600 600 86400 300\n@ NS localhost.\n")
}

// Skipped returns how many values Write left out because a plain list
// line cannot carry them: file names that start with "#" or ";", or hold
// runs of blanks, which would read back as comments or other values.
func (e *Encoder) Skipped() int { return e.skipped }

// Close flushes the list (an RPZ zone gets its header even when empty).
func (e *Encoder) Close() error {
	e.header()
	return e.w.Flush()
}

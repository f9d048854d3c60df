package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
)

// DefaultMaxBytes is the largest input Decode reads unless told otherwise.
const DefaultMaxBytes = 256 << 20

// DecodeOptions control an import.
type DecodeOptions struct {
	// Name names the input in errors and issues; empty means "misp".
	Name string
	// MaxBytes bounds the input; larger input fails with an error that
	// wraps intel.ErrTooLarge.
	MaxBytes int64
	// Strict turns the first skipped attribute into an error.
	Strict bool
}

// Issue is an attribute Decode could not turn into a record: where it is
// (a JSON path) and why.
type Issue struct {
	Name, Path, Reason string
}

// Error returns "name: path: reason".
func (i Issue) Error() string { return i.Name + ": " + i.Path + ": " + i.Reason }

// Unwrap makes errors.Is(issue, intel.ErrInvalid) true.
func (i Issue) Unwrap() error { return intel.ErrInvalid }

// Result is what Decode read: records merged by kind, value and port in
// the order they first appear, and the attributes it skipped.
type Result struct {
	Records []intel.Record
	Skipped []Issue
}

type event struct {
	Date      string      `json:"date"`
	Attribute []attribute `json:"Attribute"`
	Object    []struct {
		Attribute []attribute `json:"Attribute"`
	} `json:"Object"`
	Tag []tag `json:"Tag"`
}

// Decode reads MISP event JSON from r: {"Event": …}, a bare event, or a
// search response {"response": [{"Event": …}, …]}. Attributes and the
// attributes of objects become records; composite types (domain|ip,
// ip-dst|port, filename|sha256 …) are split; tags give TLP ("tlp:amber")
// and families ("malware:X", misp-galaxy cluster values). Malformed JSON
// fails with the path and byte offset, wrapping intel.ErrInvalid;
// attributes of other types are listed in Skipped with their path.
func Decode(ctx context.Context, r io.Reader, opts DecodeOptions) (*Result, error) {
	if opts.Name == "" {
		opts.Name = "misp"
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	b, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Name, err)
	}
	if int64(len(b)) > opts.MaxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes: %w", opts.Name, opts.MaxBytes, intel.ErrTooLarge)
	}
	var top struct {
		Event    *event `json:"Event"`
		Response []struct {
			Event *event `json:"Event"`
		} `json:"response"`
	}
	if err := unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("%s: %v: %w", opts.Name, err, intel.ErrInvalid)
	}
	d := &decoder{opts: opts, recs: map[string]*intel.Record{}}
	switch {
	case top.Event != nil:
		err = d.event("Event", top.Event)
	case top.Response != nil:
		for i, re := range top.Response {
			if err = ctx.Err(); err == nil && re.Event != nil {
				err = d.event(fmt.Sprintf("response[%d].Event", i), re.Event)
			}
			if err != nil {
				break
			}
		}
	default:
		var ev event
		if err := unmarshal(b, &ev); err != nil {
			return nil, fmt.Errorf("%s: %v: %w", opts.Name, err, intel.ErrInvalid)
		}
		if ev.Attribute == nil && ev.Object == nil {
			return nil, fmt.Errorf("%s: $: no Event, response or Attribute: not MISP event JSON: %w", opts.Name, intel.ErrInvalid)
		}
		err = d.event("$", &ev)
	}
	if err != nil {
		return nil, err
	}
	for _, k := range d.order {
		d.res.Records = append(d.res.Records, *d.recs[k])
	}
	return &d.res, nil
}

// unmarshal is json.Unmarshal with the byte offset and field of a type error.
func unmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("offset %d: %v", se.Offset, err)
		case errors.As(err, &te):
			return fmt.Errorf("%s (offset %d): want %s, found %s", te.Field, te.Offset, te.Type, te.Value)
		case errors.Is(err, io.EOF):
			return errors.New("empty input")
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("offset %d: data after the JSON value", dec.InputOffset())
	}
	return nil
}

type decoder struct {
	opts  DecodeOptions
	res   Result
	recs  map[string]*intel.Record
	order []string
}

func (d *decoder) event(path string, ev *event) error {
	var evTLP string
	var evFamilies []string
	for _, t := range ev.Tag {
		if l, f := parseTag(t.Name); l != "" {
			evTLP = maxTLP(evTLP, l)
		} else if f != "" {
			evFamilies = append(evFamilies, f)
		}
	}
	date, _ := time.Parse(time.DateOnly, ev.Date)
	for i := range ev.Attribute {
		if err := d.attribute(fmt.Sprintf("%s.Attribute[%d]", path, i), &ev.Attribute[i], evTLP, evFamilies, date); err != nil {
			return err
		}
	}
	for i, o := range ev.Object {
		for j := range o.Attribute {
			if err := d.attribute(fmt.Sprintf("%s.Object[%d].Attribute[%d]", path, i, j), &o.Attribute[j], evTLP, evFamilies, date); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *decoder) skip(path, reason string) error {
	is := Issue{Name: d.opts.Name, Path: path, Reason: reason}
	if d.opts.Strict {
		return is
	}
	d.res.Skipped = append(d.res.Skipped, is)
	return nil
}

// kindsOf returns the kinds of the parts of an attribute type ("|" splits
// composite types), with "port" for a port part.
func kindsOf(typ string) ([]intel.Kind, bool) {
	var out []intel.Kind
	for _, p := range strings.Split(typ, "|") {
		var k intel.Kind
		switch p {
		case "ip-dst", "ip-src", "ip":
			k = "ip"
		case "domain", "hostname":
			k = intel.KindDomain
		case "url", "uri":
			k = intel.KindURL
		case "email", "email-src", "email-dst":
			k = intel.KindEmail
		case "md5", "sha1", "sha256", "sha512":
			k = intel.Kind(p)
		case "filename":
			k = intel.KindFilename
		case "vulnerability":
			k = intel.KindCVE
		case "AS":
			k = intel.KindASN
		case "port":
			k = "port"
		default:
			return nil, false
		}
		out = append(out, k)
	}
	return out, true
}

func (d *decoder) attribute(path string, a *attribute, evTLP string, evFamilies []string, date time.Time) error {
	kinds, ok := kindsOf(a.Type)
	if !ok {
		return d.skip(path+".type", fmt.Sprintf("attribute type %q is no indicator kind iocast knows", a.Type))
	}
	parts := strings.Split(a.Value, "|")
	if len(parts) != len(kinds) {
		return d.skip(path+".value", fmt.Sprintf("%q has %d parts, want %d for type %s", a.Value, len(parts), len(kinds), a.Type))
	}
	base := intel.Record{Role: a.Comment, Revoked: a.Deleted, Families: slices.Clone(evFamilies)}
	if base.Role != "c2" && base.Role != "sample" {
		base.Role = ""
	}
	var err error
	if base.FirstSeen, err = parseTime(a.FirstSeen); err != nil {
		return d.skip(path+".first_seen", err.Error())
	}
	if base.LastSeen, err = parseTime(a.LastSeen); err != nil {
		return d.skip(path+".last_seen", err.Error())
	}
	if base.FirstSeen.IsZero() {
		base.FirstSeen = date
	}
	ownTLP := false
	for _, t := range a.Tag {
		if l, f := parseTag(t.Name); l != "" {
			base.TLP, ownTLP = maxTLP(base.TLP, l), true
		} else if f != "" && !slices.Contains(base.Families, f) {
			base.Families = append(base.Families, f)
		}
	}
	slices.Sort(base.Families)
	if !ownTLP {
		base.TLP = evTLP // the event's TLP covers attributes without their own
	}
	if base.TLP == "CLEAR" {
		base.TLP = ""
	}
	var out []intel.Record
	for i, k := range kinds {
		v := strings.TrimSpace(parts[i])
		if k == "port" {
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > 65535 || len(out) == 0 {
				return d.skip(path+".value", fmt.Sprintf("port %q out of range 1-65535", v))
			}
			out[len(out)-1].Port = p
			continue
		}
		var ind intel.Indicator
		if k == "ip" {
			if ind, err = intel.New(intel.KindIPv4, v); err != nil {
				ind, err = intel.New(intel.KindIPv6, v)
			}
		} else {
			ind, err = intel.New(k, v)
		}
		if err != nil {
			return d.skip(path+".value", err.Error())
		}
		r := base
		r.Families = slices.Clone(base.Families)
		r.Indicator = ind
		out = append(out, r)
	}
	for i := range out {
		d.add(&out[i])
	}
	return nil
}

func (d *decoder) add(r *intel.Record) {
	key := string(r.Kind) + "\x00" + r.Value + "\x00" + strconv.Itoa(r.Port)
	cur, ok := d.recs[key]
	if !ok {
		d.recs[key] = r
		d.order = append(d.order, key)
		return
	}
	if cur.FirstSeen.IsZero() || !r.FirstSeen.IsZero() && r.FirstSeen.Before(cur.FirstSeen) {
		cur.FirstSeen = r.FirstSeen
	}
	if r.LastSeen.After(cur.LastSeen) {
		cur.LastSeen = r.LastSeen
	}
	cur.TLP = maxTLP(cur.TLP, r.TLP)
	if cur.Role == "" {
		cur.Role = r.Role
	}
	for _, f := range r.Families {
		if !slices.Contains(cur.Families, f) {
			cur.Families = append(cur.Families, f)
		}
	}
	slices.Sort(cur.Families)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t.UTC(), nil
}

// parseTag returns the TLP level of a tlp: tag, or the family of a
// malware: or misp-galaxy: tag.
func parseTag(name string) (tlp, family string) {
	n := strings.TrimSpace(name)
	if l, ok := strings.CutPrefix(strings.ToLower(n), "tlp:"); ok {
		l = strings.ToUpper(l)
		switch l {
		case "WHITE":
			return "CLEAR", ""
		case "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED":
			return l, ""
		}
		return "", ""
	}
	if f, ok := strings.CutPrefix(n, "malware:"); ok {
		return "", strings.Trim(f, `"`)
	}
	if g, ok := strings.CutPrefix(n, "misp-galaxy:"); ok {
		if galaxy, v, ok := strings.Cut(g, "="); ok && malwareGalaxies[galaxy] {
			return "", strings.Trim(v, `"`)
		}
	}
	return "", ""
}

// malwareGalaxies are the MISP galaxies whose clusters name malware.
var malwareGalaxies = map[string]bool{
	"malpedia": true, "mitre-malware": true, "rat": true, "ransomware": true, "tool": true, "backdoor": true,
	"banker": true, "botnet": true, "stealer": true, "android": true, "exploit-kit": true,
}

func maxTLP(a, b string) string {
	if tlpRank[b] > tlpRank[a] {
		return b
	}
	return a
}

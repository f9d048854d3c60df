package stix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/iocast/iocast/intel"
)

// DefaultMaxBytes is the largest bundle Decode reads unless told otherwise.
const DefaultMaxBytes = 512 << 20

// DecodeOptions control an import.
type DecodeOptions struct {
	// Name names the input in errors and issues (a file name); empty
	// means "stix".
	Name string
	// MaxBytes bounds the input; larger input fails with an error that
	// wraps intel.ErrTooLarge. Zero means DefaultMaxBytes.
	MaxBytes int64
	// Strict turns the first skipped object into an error.
	Strict bool
}

// Issue is an object of the input that Decode could not turn into records,
// with where it is (a JSON path) and why. Decode reports every one; it
// never drops an indicator silently.
type Issue struct {
	Name   string // the input's name
	Path   string // JSON path, like objects[12].pattern
	Reason string
}

// Error returns "name: path: reason".
func (i Issue) Error() string { return i.Name + ": " + i.Path + ": " + i.Reason }

// Unwrap makes errors.Is(issue, intel.ErrInvalid) true.
func (i Issue) Unwrap() error { return intel.ErrInvalid }

// Result is what Decode read: the records, merged by kind, value and port
// in the order they first appear, and the issues.
type Result struct {
	Records []intel.Record
	Skipped []Issue
}

// rawObject holds the properties of any STIX object that import reads.
type rawObject struct {
	Type               string            `json:"type"`
	ID                 string            `json:"id"`
	Created            string            `json:"created"`
	Modified           string            `json:"modified"`
	ValidFrom          string            `json:"valid_from"`
	Name               string            `json:"name"`
	Pattern            string            `json:"pattern"`
	PatternType        string            `json:"pattern_type"`
	Labels             []string          `json:"labels"`
	Confidence         int               `json:"confidence"`
	Revoked            bool              `json:"revoked"`
	ObjectMarkingRefs  []string          `json:"object_marking_refs"`
	ExternalReferences []externalRef     `json:"external_references"`
	Sightings          int               `json:"x_iocast_sightings"`
	Value              json.RawMessage   `json:"value"`
	Hashes             map[string]string `json:"hashes"`
	Number             int64             `json:"number"`
	BelongsToRefs      []string          `json:"belongs_to_refs"`
	RelationshipType   string            `json:"relationship_type"`
	SourceRef          string            `json:"source_ref"`
	TargetRef          string            `json:"target_ref"`
}

type externalRef struct {
	SourceName  string `json:"source_name"`
	URL         string `json:"url"`
	ExternalID  string `json:"external_id"`
	Description string `json:"description"`
}

type relationship struct{ typ, src, dst string }

// decoder collects records while the bundle streams by and links them to
// families and autonomous systems at the end, since relationships may come
// before or after the objects they join.
type decoder struct {
	opts    DecodeOptions
	res     Result
	recs    map[string]*intel.Record
	order   []string
	byObj   map[string][]string // object id → record keys
	malware map[string]string   // malware id → name
	asns    map[string]rawObject
	asRefs  map[string][]string // observable id → autonomous-system ids
	rels    []relationship
	obsOnly map[string]bool // record keys seen only in observables
}

// Decode reads a STIX 2.1 bundle (or a single STIX object) from r. It
// streams the "objects" array, so memory grows with the records found, not
// with the bundle. Indicators with patterns in the forms iocast writes and
// the common OR-ed forms, observables (ipv4-addr, ipv6-addr, domain-name,
// url, email-addr, file, autonomous-system) and vulnerabilities with a CVE
// id become records; malware joined by "indicates" relationships become
// their families. Malformed JSON fails with the JSON path and byte offset,
// wrapping intel.ErrInvalid; objects it cannot use are listed in Skipped.
func Decode(ctx context.Context, r io.Reader, opts DecodeOptions) (*Result, error) {
	if opts.Name == "" {
		opts.Name = "stix"
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	d := &decoder{
		opts: opts, recs: map[string]*intel.Record{}, byObj: map[string][]string{},
		malware: map[string]string{}, asns: map[string]rawObject{}, asRefs: map[string][]string{},
		obsOnly: map[string]bool{},
	}
	lr := &limitReader{r: r, left: opts.MaxBytes}
	dec := json.NewDecoder(lr)
	fail := func(path string, err error) error {
		if errors.Is(err, intel.ErrTooLarge) {
			return fmt.Errorf("%s: larger than %d bytes: %w", opts.Name, opts.MaxBytes, err)
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("%s: %s (offset %d): %v: %w", opts.Name, path, dec.InputOffset(), err, intel.ErrInvalid)
	}
	if t, err := dec.Token(); err != nil {
		return nil, fail("$", err)
	} else if t != json.Delim('{') {
		return nil, fail("$", fmt.Errorf("want a JSON object, found %v", t))
	}
	top := map[string]json.RawMessage{}
	sawObjects := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fail("$", err)
		}
		key, _ := t.(string)
		if key != "objects" {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fail("$."+key, err)
			}
			top[key] = raw
			continue
		}
		sawObjects = true
		if t, err := dec.Token(); err != nil {
			return nil, fail("objects", err)
		} else if t != json.Delim('[') {
			return nil, fail("objects", fmt.Errorf("want an array, found %v", t))
		}
		for i := 0; dec.More(); i++ {
			if i&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			path := "objects[" + strconv.Itoa(i) + "]"
			var o rawObject
			if err := dec.Decode(&o); err != nil {
				return nil, fail(path, err)
			}
			if err := d.object(path, &o); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, fail("objects", err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail("$", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the JSON value")
		}
		return nil, fail("$", err)
	}
	if !sawObjects {
		var typ string
		json.Unmarshal(top["type"], &typ)
		if typ == "" || typ == "bundle" {
			return &d.res, nil
		}
		b, _ := json.Marshal(top)
		var o rawObject
		if err := json.Unmarshal(b, &o); err != nil {
			return nil, fmt.Errorf("%s: $: %v: %w", opts.Name, err, intel.ErrInvalid)
		}
		if err := d.object("$", &o); err != nil {
			return nil, err
		}
	}
	d.link()
	return &d.res, nil
}

// skip records an issue, or fails in strict mode.
func (d *decoder) skip(path, reason string) error {
	is := Issue{Name: d.opts.Name, Path: path, Reason: reason}
	if d.opts.Strict {
		return is
	}
	d.res.Skipped = append(d.res.Skipped, is)
	return nil
}

func (d *decoder) object(path string, o *rawObject) error {
	switch o.Type {
	case "indicator":
		return d.indicator(path, o)
	case "malware":
		d.malware[o.ID] = o.Name
	case "relationship":
		d.rels = append(d.rels, relationship{o.RelationshipType, o.SourceRef, o.TargetRef})
	case "autonomous-system":
		d.asns[o.ID] = *o
		if o.Number > 0 {
			return d.add(path, o.ID, intel.KindASN, "AS"+strconv.FormatInt(o.Number, 10), o, nil)
		}
	case "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr":
		var v string
		if err := json.Unmarshal(o.Value, &v); err != nil {
			return d.skip(path+".value", "want a string")
		}
		if len(o.BelongsToRefs) > 0 {
			d.asRefs[o.ID] = o.BelongsToRefs
		}
		for k, t := range scoTypes {
			if t == o.Type {
				if (k == intel.KindIPv4 || k == intel.KindIPv6) && strings.Contains(v, "/") {
					v = strings.TrimSuffix(strings.TrimSuffix(v, "/32"), "/128")
				}
				return d.add(path+".value", o.ID, k, v, o, nil)
			}
		}
	case "file":
		for _, algo := range slices.Sorted(mapKeys(o.Hashes)) {
			if k, ok := hashKind("file:hashes." + algo); ok {
				if err := d.add(path+".hashes."+algo, o.ID, k, o.Hashes[algo], o, nil); err != nil {
					return err
				}
			}
		}
		if o.Name != "" {
			return d.add(path+".name", o.ID, intel.KindFilename, o.Name, o, nil)
		}
	case "vulnerability":
		for _, ref := range o.ExternalReferences {
			if strings.EqualFold(ref.SourceName, "cve") && ref.ExternalID != "" {
				return d.add(path+".external_references", o.ID, intel.KindCVE, ref.ExternalID, o, o)
			}
		}
	}
	return nil
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (d *decoder) indicator(path string, o *rawObject) error {
	if o.PatternType != "" && o.PatternType != "stix" {
		return d.skip(path+".pattern_type", fmt.Sprintf("pattern type %q (only stix is supported)", o.PatternType))
	}
	terms, err := parsePattern(o.Pattern)
	if err != nil {
		return d.skip(path+".pattern", fmt.Sprintf("%q: %v", o.Pattern, err))
	}
	for _, conj := range terms {
		recs, err := indicatorsOf(conj)
		if err != nil {
			if e := d.skip(path+".pattern", fmt.Sprintf("%q: %v", o.Pattern, err)); e != nil {
				return e
			}
			continue
		}
		for i := range recs {
			if err := d.addRecord(path, o.ID, recs[i], o, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// add makes a record of one value of an object.
func (d *decoder) add(path, id string, k intel.Kind, v string, o, props *rawObject) error {
	ind, err := intel.New(k, v)
	if err != nil {
		return d.skip(path, err.Error())
	}
	return d.addRecord(path, id, intel.Record{Indicator: ind}, o, props)
}

// addRecord merges r, with the properties of the SDO props (nil for an
// observable), into the result.
func (d *decoder) addRecord(path, id string, r intel.Record, o, props *rawObject) error {
	if props != nil {
		var err error
		if r.FirstSeen, err = parseTime(props.ValidFrom, props.Created); err != nil {
			return d.skip(path+".valid_from", err.Error())
		}
		if r.LastSeen, err = parseTime(props.Modified, ""); err != nil {
			return d.skip(path+".modified", err.Error())
		}
		if r.LastSeen.Before(r.FirstSeen) {
			r.LastSeen = r.FirstSeen
		}
		r.Confidence = props.Confidence
		r.Revoked = props.Revoked
		r.Sightings = props.Sightings
		for _, l := range props.Labels {
			if l == "c2" || l == "sample" {
				r.Role = l
			}
		}
		for _, ref := range props.ExternalReferences {
			switch {
			case ref.URL != "":
				r.Sources = append(r.Sources, ref.URL)
			case ref.SourceName == sourceName && ref.Description != "":
				r.Sources = append(r.Sources, ref.Description)
			}
		}
	}
	for _, m := range o.ObjectMarkingRefs {
		if l, ok := tlpByID[m]; ok && tlpRank[l] > tlpRank[r.TLP] {
			r.TLP = l
		}
	}
	if r.TLP == "CLEAR" {
		r.TLP = "" // the Record's spelling of CLEAR
	}
	key := string(r.Kind) + "\x00" + r.Value + "\x00" + strconv.Itoa(r.Port)
	if cur, ok := d.recs[key]; ok {
		merge(cur, &r)
		if props != nil {
			delete(d.obsOnly, key)
		}
	} else {
		d.recs[key] = &r
		d.order = append(d.order, key)
		if props == nil {
			d.obsOnly[key] = true
		}
	}
	if id != "" && !slices.Contains(d.byObj[id], key) {
		d.byObj[id] = append(d.byObj[id], key)
	}
	return nil
}

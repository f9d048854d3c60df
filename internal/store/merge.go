package store

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/iocast/iocast/intel"
)

// CheckRecord returns r ready to store: its value checked to be canonical,
// its time bounds set from src when missing, its families, sources and TLP
// cleaned; or an error wrapping intel.ErrInvalid.
func CheckRecord(r intel.Record, src Source, now time.Time) (intel.Record, error) {
	v, err := intel.Canonical(r.Kind, r.Value)
	if err != nil {
		return r, fmt.Errorf("%s %q: %w", r.Kind, r.Value, err)
	}
	if v != r.Value {
		return r, fmt.Errorf("%s %q is not canonical (want %q): %w", r.Kind, r.Value, v, intel.ErrInvalid)
	}
	if r.Port < 0 || r.Port > 65535 {
		return r, fmt.Errorf("%s %q: port %d out of range: %w", r.Kind, r.Value, r.Port, intel.ErrInvalid)
	}
	if r.Confidence < 0 || r.Confidence > 100 {
		return r, fmt.Errorf("%s %q: confidence %d out of range 0-100: %w", r.Kind, r.Value, r.Confidence, intel.ErrInvalid)
	}
	if r.Sightings < 0 {
		return r, fmt.Errorf("%s %q: negative sightings: %w", r.Kind, r.Value, intel.ErrInvalid)
	}
	switch r.Role {
	case RoleC2, RoleSample, RoleUnknown:
	default:
		return r, fmt.Errorf("%s %q: unknown role %q (want c2, sample or none): %w", r.Kind, r.Value, r.Role, intel.ErrInvalid)
	}
	rank, err := TLPRank(r.TLP)
	if err != nil {
		return r, fmt.Errorf("%s %q: %w", r.Kind, r.Value, err)
	}
	r.TLP = TLPLabel(rank)
	seen := SeenAt(src, now)
	if r.FirstSeen.IsZero() {
		r.FirstSeen = seen
	}
	if r.LastSeen.IsZero() {
		r.LastSeen = seen
	}
	r.FirstSeen, r.LastSeen = Micro(r.FirstSeen), Micro(r.LastSeen)
	if r.LastSeen.Before(r.FirstSeen) {
		return r, fmt.Errorf("%s %q: last seen %s before first seen %s: %w", r.Kind, r.Value,
			r.LastSeen.Format(time.RFC3339), r.FirstSeen.Format(time.RFC3339), intel.ErrInvalid)
	}
	if r.Confidence == 0 {
		r.Confidence = src.Confidence
	}
	if src.Name != "" {
		r.Sources = append(r.Sources, src.Name)
	}
	r.Families = cleanSet(r.Families)
	r.Sources = cleanSet(r.Sources)
	r.Display = ""
	r.Revoked = false // only Revoke revokes
	return r, nil
}

// cleanSet returns the non-empty values of l, cleaned by CleanName,
// sorted, without duplicates; nil when none.
func cleanSet(l []string) []string {
	var out []string
	for _, s := range l {
		if s = CleanName(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CleanName returns a family or source name as the stores keep it: each
// control character (a newline, a tab, …) a space, and no space at either
// end. A stored list of names can then be one text, the names joined by
// newlines.
func CleanName(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// Merge returns what the store keeps when b is added to a, both for the
// same indicator: the earliest first and the latest last sighting, the
// larger sighting count and confidence, the union of families and sources,
// the most restrictive TLP, a known role over an unknown one (a's when both
// are known), and the newer enrichment. Nothing a had is lost.
func Merge(a, b intel.Record) intel.Record {
	m := a
	if b.FirstSeen.Before(m.FirstSeen) {
		m.FirstSeen = b.FirstSeen
	}
	if b.LastSeen.After(m.LastSeen) {
		m.LastSeen = b.LastSeen
		if b.Enrichment != (intel.Enrichment{}) {
			m.Enrichment = b.Enrichment
		}
	}
	if m.Enrichment == (intel.Enrichment{}) {
		m.Enrichment = b.Enrichment
	}
	m.Sightings = max(a.Sightings, b.Sightings)
	m.Confidence = max(a.Confidence, b.Confidence)
	m.Families = cleanSet(append(slices.Clone(a.Families), b.Families...))
	m.Sources = cleanSet(append(slices.Clone(a.Sources), b.Sources...))
	ra, _ := TLPRank(a.TLP)
	rb, _ := TLPRank(b.TLP)
	m.TLP = TLPLabel(max(ra, rb))
	if m.Role == RoleUnknown {
		m.Role = b.Role
	}
	m.Revoked = a.Revoked || b.Revoked
	return m
}

// Display returns the form of a canonical value to show people (the
// Unicode form of an IDN), or "" when it is the value itself.
func Display(k intel.Kind, v string) string {
	if (k != intel.KindDomain && k != intel.KindURL && k != intel.KindEmail) || !strings.Contains(v, "xn--") {
		return ""
	}
	ind, err := intel.NewRefanged(k, v)
	if err != nil {
		return ""
	}
	return ind.Display
}

// KeyValue returns the value under which the stores' key index files an
// indicator of kind k: a domain's labels reversed (ReverseDomain), so that
// one index finds a domain by value and its subdomains, which sort right
// after it; any other value as it is. The mapping is one to one, so the
// index stays unique on (kind, KeyValue, port).
func KeyValue(k intel.Kind, v string) string {
	if k == intel.KindDomain {
		return ReverseDomain(v)
	}
	return v
}

// Keyed is a record with the value its key index files it under.
type Keyed struct {
	*intel.Record
	// Key is KeyValue(Kind, Value).
	Key string
}

// KeyOrder returns recs in the order of the stores' key index (kind,
// KeyValue, port, in byte order), in which bulk writes are fastest;
// records with equal keys keep the order they have in recs. The records
// are not moved (they are large).
func KeyOrder(recs []intel.Record) []Keyed {
	// The fields compared sit in the entry, not behind its pointer.
	type entry struct {
		kind      intel.Kind
		key       string
		port, seq int32
		r         *intel.Record
	}
	es := make([]entry, len(recs))
	for i := range recs {
		r := &recs[i]
		es[i] = entry{kind: r.Kind, key: KeyValue(r.Kind, r.Value), port: int32(r.Port), seq: int32(i), r: r}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := strings.Compare(string(a.kind), string(b.kind)); c != 0 {
			return c
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		if a.port != b.port {
			return int(a.port - b.port)
		}
		return int(a.seq - b.seq)
	})
	out := make([]Keyed, len(es))
	for i, e := range es {
		out[i] = Keyed{Record: e.r, Key: e.key}
	}
	return out
}

// SameKey reports whether a and b are the same indicator: kind, value and
// port.
func SameKey(a, b *intel.Record) bool {
	return a.Kind == b.Kind && a.Port == b.Port && a.Value == b.Value
}

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
)

// Roles of an indicator in a sighting, kept on each link.
const (
	RoleC2      = "c2"
	RoleSample  = "sample"
	RoleUnknown = "" // extracted from free text
)

// Link is one indicator of a sighting with its role there.
type Link struct {
	intel.Indicator
	Port int
	Role string
	// Enrichment is what the sighting said of a C2's network.
	Enrichment intel.Enrichment
}

// Links returns the indicators of a normalized sighting with their roles,
// without duplicates (the first role wins), in AllIndicators order.
func Links(s *intel.Sighting) []Link {
	var out []Link
	seen := map[string]bool{}
	add := func(l Link) {
		if l.Value == "" || l.Kind == "" {
			return
		}
		key := fmt.Sprintf("%s\x00%s\x00%d", l.Kind, l.Value, l.Port)
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, l)
	}
	for _, e := range s.C2 {
		port := e.Port
		if e.Kind() == intel.KindURL {
			port = 0
		}
		add(Link{Indicator: intel.Indicator{Kind: e.Kind(), Value: e.Value}, Port: port, Role: RoleC2, Enrichment: e.Enrichment})
	}
	for _, sm := range s.Samples {
		for _, h := range []struct {
			k intel.Kind
			v string
		}{{intel.KindMD5, sm.MD5}, {intel.KindSHA1, sm.SHA1}, {intel.KindSHA256, sm.SHA256}, {intel.KindSHA512, sm.SHA512}, {intel.KindFilename, sm.Filename}} {
			add(Link{Indicator: intel.Indicator{Kind: h.k, Value: h.v}, Role: RoleSample})
		}
	}
	for _, ind := range s.Indicators {
		add(Link{Indicator: intel.Indicator{Kind: ind.Kind, Value: ind.Value}, Role: RoleUnknown})
	}
	return out
}

// SightingHash is the content hash that recognises a sighting stored
// before: SHA-256 over its normalized JSON form, hex.
func SightingHash(s *intel.Sighting) string {
	b, _ := json.Marshal(s) // a Sighting always marshals
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// PrepareSighting normalizes s and returns the time its indicators were
// seen: s.Observed, else src.Time, else now. The error names each invalid
// field and wraps intel.ErrInvalid.
func PrepareSighting(s *intel.Sighting, src Source, now time.Time) (time.Time, error) {
	if err := s.Normalize(); err != nil {
		return time.Time{}, fmt.Errorf("sighting: %w", err)
	}
	if len(s.AllIndicators()) == 0 {
		return time.Time{}, fmt.Errorf("sighting has no indicators: %w", intel.ErrInvalid)
	}
	if s.Observed != nil && !s.Observed.IsZero() {
		return Micro(*s.Observed), nil
	}
	return SeenAt(src, now), nil
}

// SightingRecords returns the indicator records a sighting s (prepared by
// PrepareSighting, seen at seen) adds, one per link, with the family and
// source name (SourceName) cleaned as CheckRecord cleans them.
func SightingRecords(s *intel.Sighting, src Source, seen time.Time) []intel.Record {
	families := cleanSet([]string{s.Family})
	sources := cleanSet([]string{SourceName(src, s.Source)})
	var out []intel.Record
	for _, l := range Links(s) {
		out = append(out, intel.Record{Indicator: l.Indicator, Port: l.Port, FirstSeen: seen, LastSeen: seen, Sightings: 1,
			Families: families, Role: l.Role, TLP: s.TLP, Confidence: src.Confidence, Sources: sources, Enrichment: l.Enrichment})
	}
	return out
}

// SeenAt returns src.Time, or now when it is zero, to the microsecond.
func SeenAt(src Source, now time.Time) time.Time {
	if !src.Time.IsZero() {
		return Micro(src.Time)
	}
	return Micro(now)
}

// Micro returns t in UTC truncated to the microsecond: the precision both
// stores keep.
func Micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// SourceName is the provenance a write lists: src.Name, else the
// sighting's own source (fallback).
func SourceName(src Source, fallback string) string {
	if src.Name != "" {
		return src.Name
	}
	return fallback
}

// tlps are the TLP labels from least to most restrictive.
var tlps = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

// TLPRank returns the position of a TLP label from least (0, CLEAR or "")
// to most restrictive (4, RED), or an error wrapping intel.ErrInvalid.
func TLPRank(tlp string) (int, error) {
	t := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(tlp), "TLP:"))
	switch t {
	case "", "WHITE":
		return 0, nil
	}
	for i, l := range tlps {
		if l == t {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown TLP %q: %w", tlp, intel.ErrInvalid)
}

// TLPLabel is the inverse of TLPRank; rank 0 is "" (CLEAR, not stated).
func TLPLabel(rank int) string {
	if rank <= 0 || rank >= len(tlps) {
		return ""
	}
	return tlps[rank]
}

// ReverseDomain returns a domain's labels in reverse order
// ("www.evil.com" → "com.evil.www"): the key of the domain index, under
// which a domain's subdomains sort right after it.
func ReverseDomain(d string) string {
	labels := strings.Split(d, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".")
}

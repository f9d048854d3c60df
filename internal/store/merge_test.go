package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/iocast/iocast/intel"
)

// TestMergeIdempotent: merging a record in again changes nothing. The
// PostgreSQL writer relies on it when a batch whose records were merged
// already is merged a second time (after a failed straight copy).
func TestMergeIdempotent(t *testing.T) {
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	ind := intel.Indicator{Kind: intel.KindIPv4, Value: "203.0.113.7"}
	a := intel.Record{Indicator: ind, FirstSeen: at, LastSeen: at.Add(time.Hour), Sightings: 2,
		Families: []string{"PlugX"}, TLP: "GREEN", Sources: []string{"a"}, Enrichment: intel.Enrichment{ASN: "AS1"}}
	b := intel.Record{Indicator: ind, FirstSeen: at.Add(-time.Hour), LastSeen: at.Add(2 * time.Hour), Sightings: 3,
		Families: []string{"ShadowPad"}, Role: RoleC2, TLP: "AMBER", Confidence: 80, Sources: []string{"b"},
		Enrichment: intel.Enrichment{ASN: "AS2", Country: "JP"}}
	for _, p := range [][2]intel.Record{{a, b}, {b, a}, {a, a}} {
		once := Merge(p[0], p[1])
		if twice := Merge(once, p[1]); !reflect.DeepEqual(twice, once) {
			t.Errorf("Merge(Merge(x, y), y) = %+v\nMerge(x, y) = %+v", twice, once)
		}
	}
	if m := Merge(a, b); m.Sightings != 3 || m.TLP != "AMBER" || m.Role != RoleC2 || len(m.Families) != 2 || m.ASN != "AS2" {
		t.Errorf("Merge(a, b) = %+v", m)
	}
}

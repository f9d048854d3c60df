package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// bulkRecords is more records than a store writes at a time (the SQLite
// store merges 100,000, the PostgreSQL store copies 50,000).
const bulkRecords = 110_000

// testBulkMerge imports, in one transaction, more records than a store
// writes at a time, where keys come again: next to each other, in a later
// batch, and already stored. Every indicator is then what Merge makes of
// its records, in the order they came.
func testBulkMerge(t *testing.T, s store.Store) {
	recs := Generate(bulkRecords)
	again := func(r intel.Record, i int) intel.Record {
		r.Families = []string{fmt.Sprintf("Again%d", i%3)}
		r.FirstSeen = r.FirstSeen.Add(-time.Duration(i%5) * time.Hour)
		r.LastSeen = r.LastSeen.Add(time.Duration(i%7) * time.Hour)
		r.Sightings = i % 4
		r.Role = []string{store.RoleC2, store.RoleSample, ""}[i%3]
		r.TLP = []string{"", "GREEN", "AMBER", "RED"}[i%4]
		r.Confidence = i % 90
		return r
	}
	want := map[string]intel.Record{}
	now := time.Now()
	importAll := func(name string, in []intel.Record) {
		t.Helper()
		src := store.Source{Name: name}
		update(t, s, func(ctx context.Context, w store.Writer) error {
			for _, r := range in {
				if err := w.AddRecord(ctx, r, src); err != nil {
					return err
				}
			}
			return nil
		})
		for _, r := range in {
			r, err := store.CheckRecord(r, src, now)
			if err != nil {
				t.Fatal(err)
			}
			k := r.Indicator.String()
			if w, ok := want[k]; ok {
				r = store.Merge(w, r)
			}
			want[k] = r
		}
		got := all(t, s, store.Filter{})
		if len(got) != len(want) {
			t.Errorf("after %s: %d indicators, want %d", name, len(got), len(want))
		}
		bad := 0
		for k, w := range want {
			if g := got[k]; !sameRecord(w, g) {
				if bad++; bad <= 3 {
					t.Errorf("after %s: %s (-want +got):\n%s", name, k, cmp.Diff(w, g, recordOpts))
				}
			}
		}
		if bad > 3 {
			t.Errorf("after %s: %d indicators in all differ", name, bad)
		}
	}

	// Into an empty store: a key again right after itself (one batch), and
	// keys of the first records again at the end (a later batch).
	var in []intel.Record
	for i, r := range recs {
		in = append(in, r)
		if i%10 == 0 {
			in = append(in, again(r, i))
		}
	}
	for i := 5; i < len(recs); i += 10 {
		in = append(in, again(recs[i], i+1))
	}
	importAll("first", in)

	// Into a store that holds every key: stored keys, and keys again at the
	// end that the import already holds (staged, or written).
	in = in[:0]
	for i, r := range recs {
		in = append(in, again(r, i+2))
	}
	for i := 0; i < len(recs); i += 9 {
		in = append(in, again(recs[i], i+3))
	}
	importAll("second", in)
}

// sameRecord is cmp.Equal(a, b, recordOpts), fast enough for many records.
func sameRecord(a, b intel.Record) bool {
	return a.Indicator == b.Indicator && a.Port == b.Port && a.FirstSeen.Equal(b.FirstSeen) && a.LastSeen.Equal(b.LastSeen) &&
		a.Sightings == b.Sightings && slices.Equal(a.Families, b.Families) && a.Role == b.Role && a.TLP == b.TLP &&
		a.Confidence == b.Confidence && slices.Equal(a.Sources, b.Sources) && a.Revoked == b.Revoked && a.Enrichment == b.Enrichment
}

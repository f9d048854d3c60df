// Package storetest is the conformance suite of iocast stores: every
// store.Store implementation runs Run from its tests, so that SQLite and
// PostgreSQL keep one set of semantics (docs/STORE.md).
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// Opener returns a new, empty store for one test; the suite closes it.
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite against the stores open returns.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"SightingStored", testSightingStored},
		{"SeenAgain", testSeenAgain},
		{"ReimportIdempotent", testReimport},
		{"InvalidSighting", testInvalidSighting},
		{"RecordMerge", testRecordMerge},
		{"InvalidRecord", testInvalidRecord},
		{"BulkMerge", testBulkMerge},
		{"BadRowRollsBack", testBadRowRollsBack},
		{"ErrorRollsBack", testErrorRollsBack},
		{"Search", testSearch},
		{"Filter", testFilter},
		{"NamesCleaned", testNamesCleaned},
		{"StreamStops", testStreamStops},
		{"Revoke", testRevoke},
		{"Enrichment", testEnrichment},
		{"CollectedPost", testCollectedPost},
		{"Outbox", testOutbox},
		{"OutboxThreads", testOutboxThreads},
		{"OutboxClaim", testOutboxClaim},
		{"Stats", testStats},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

var (
	t0 = time.Date(2022, 1, 10, 9, 0, 0, 0, time.UTC)
	t1 = time.Date(2022, 3, 1, 12, 0, 0, 0, time.UTC)
	t2 = time.Date(2022, 6, 15, 8, 30, 0, 0, time.UTC)
)

// lodeinfo is the seed's post as a sighting, observed at t1.
func lodeinfo() intel.Sighting {
	obs := t1
	return intel.Sighting{
		Family:  "LODEINFO",
		Version: "v0.6.2",
		Samples: []intel.Sample{{MD5: "da1c9006b493d7e95db4d354c5f0e99f", Filename: "lodeinfo.dll"}},
		C2: []intel.Endpoint{
			{Value: "http://172.104.72.4/", Enrichment: intel.Enrichment{}},
			{Value: "172.105.223.216", Port: 443, Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
			{Value: "45.77.28.124"},
		},
		Targets:  []string{"JP"},
		Credit:   "NA4Sec Team",
		TLP:      "AMBER",
		Observed: &obs,
		Source:   "https://x.com/example/status/1",
	}
}

// update runs fn in one transaction and fails the test on error.
func update(t *testing.T, s store.Store, fn func(ctx context.Context, w store.Writer) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.Update(ctx, func(w store.Writer) error { return fn(ctx, w) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// addSighting stores one sighting and returns its id.
func addSighting(t *testing.T, s store.Store, si intel.Sighting, src store.Source) (id int64, added bool) {
	t.Helper()
	update(t, s, func(ctx context.Context, w store.Writer) (err error) {
		id, added, err = w.AddSighting(ctx, si, src)
		return err
	})
	return id, added
}

// addRecords stores records in one transaction.
func addRecords(t *testing.T, s store.Store, src store.Source, recs ...intel.Record) {
	t.Helper()
	update(t, s, func(ctx context.Context, w store.Writer) error {
		for _, r := range recs {
			if err := w.AddRecord(ctx, r, src); err != nil {
				return err
			}
		}
		return nil
	})
}

// all returns every indicator f selects, keyed by "kind:value".
func all(t *testing.T, s store.Store, f store.Filter) map[string]intel.Record {
	t.Helper()
	out := map[string]intel.Record{}
	err := s.Indicators(context.Background(), f, func(r intel.Record) error {
		out[r.Indicator.String()] = r
		return nil
	})
	if err != nil {
		t.Fatalf("Indicators: %v", err)
	}
	return out
}

// keys returns the keys of all(t, s, f), sorted.
func keys(t *testing.T, s store.Store, f store.Filter) []string {
	t.Helper()
	var out []string
	for k := range all(t, s, f) {
		out = append(out, k)
	}
	return sortStrings(out)
}

func stats(t *testing.T, s store.Store) store.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one wrapping %v", err, target)
	}
}

// recordOpts compares records regardless of nil versus empty lists.
var recordOpts = cmp.Options{cmpopts.EquateEmpty()}

func rec(k intel.Kind, v string) intel.Record {
	return intel.Record{Indicator: intel.Indicator{Kind: k, Value: v}}
}

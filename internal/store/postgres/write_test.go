package postgres

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
	"github.com/iocast/iocast/internal/store/storetest"
)

// TestStagedDuplicates imports more than copyRows records, then records
// whose keys are already in the staging table: they are merged, not lost
// or doubled. It also runs the fallback merge (upsertStageSQL) over keys
// already stored.
func TestStagedDuplicates(t *testing.T) {
	s := openSchema(t)
	defer s.Close()
	ctx := context.Background()
	recs := storetest.Generate(copyRows + 10)
	late := recs[0]
	late.LastSeen = late.LastSeen.Add(1000 * time.Hour)
	late.Families = []string{"Late"}
	err := s.Update(ctx, func(w store.Writer) error {
		for _, r := range append(recs, late) {
			if err := w.AddRecord(ctx, r, store.Source{Name: "t"}); err != nil {
				return err
			}
		}
		// The fallback merge, over keys stored by the merge above.
		ww := w.(*writer)
		if err := ww.AddRecord(ctx, recs[1], store.Source{Name: "u"}); err != nil {
			return err
		}
		if err := ww.copy(ctx); err != nil {
			return err
		}
		if _, err := ww.tx.Exec(ctx, upsertStageSQL); err != nil {
			return err
		}
		_, err := ww.tx.Exec(ctx, `TRUNCATE stage`)
		clear(ww.staged)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Indicators != int64(len(recs)) {
		t.Fatalf("Stats = %d indicators, %v; want %d", st.Indicators, err, len(recs))
	}
	for i, want := range []struct {
		r        intel.Record
		last     time.Time
		families []string
		sources  []string
	}{
		{recs[0], late.LastSeen, slices.Sorted(slices.Values([]string{"Late", recs[0].Families[0]})), []string{"t"}},
		{recs[1], recs[1].LastSeen, recs[1].Families, []string{"t", "u"}},
	} {
		got, err := s.Search(ctx, want.r.Value)
		if err != nil || len(got) != 1 {
			t.Fatalf("%d: Search(%s) = %v, %v", i, want.r.Value, got, err)
		}
		g := got[0]
		if !g.LastSeen.Equal(want.last) || !slices.Equal(g.Families, want.families) || !slices.Equal(g.Sources, want.sources) {
			t.Errorf("%d: got last seen %s, families %v, sources %v; want %s, %v, %v", i, g.LastSeen, g.Families, g.Sources,
				want.last, want.families, want.sources)
		}
	}
}

// TestStraightCopyMeetsConcurrentKey: a key that another transaction
// stores while an import buffers it makes the import's straight copy fail
// on it; the import then merges through the staging table, and nothing is
// lost.
func TestStraightCopyMeetsConcurrentKey(t *testing.T) {
	s := openSchema(t)
	defer s.Close()
	ctx := context.Background()
	recs := storetest.Generate(10)
	err := s.Update(ctx, func(w store.Writer) error {
		for _, r := range recs {
			if err := w.AddRecord(ctx, r, store.Source{Name: "a"}); err != nil {
				return err
			}
		}
		// Another process stores recs[3] meanwhile.
		return s.Update(ctx, func(w store.Writer) error { return w.AddRecord(ctx, recs[3], store.Source{Name: "b"}) })
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Indicators != int64(len(recs)) {
		t.Fatalf("Stats = %d indicators, %v; want %d", st.Indicators, err, len(recs))
	}
	got, err := s.Search(ctx, recs[3].Value)
	if err != nil || len(got) != 1 || !slices.Equal(got[0].Sources, []string{"a", "b"}) {
		t.Errorf("Search(%s) = %+v, %v; want it with sources [a b]", recs[3].Value, got, err)
	}
}

// TestMergeNameLists: lists of names merge to the sorted union whether the
// new list is NULL, a run of the stored one (no call to merge_names), a
// subset that is not a run, or holds new names; through the staging
// table (records) and ON CONFLICT (sightings) alike.
func TestMergeNameLists(t *testing.T) {
	s := openSchema(t)
	defer s.Close()
	ctx := context.Background()
	add := func(families []string, source string) {
		t.Helper()
		r := intel.Record{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "evil.example.com"}, Families: families}
		if err := s.Update(ctx, func(w store.Writer) error { return w.AddRecord(ctx, r, store.Source{Name: source}) }); err != nil {
			t.Fatal(err)
		}
	}
	check := func(families, sources []string) {
		t.Helper()
		got, err := s.Search(ctx, "evil.example.com")
		if err != nil || len(got) != 1 {
			t.Fatalf("Search = %v, %v", got, err)
		}
		if !slices.Equal(got[0].Families, families) || !slices.Equal(got[0].Sources, sources) {
			t.Errorf("families %q, sources %q; want %q, %q", got[0].Families, got[0].Sources, families, sources)
		}
	}
	add([]string{"b", "a", "c"}, "s1")
	check([]string{"a", "b", "c"}, []string{"s1"})
	add([]string{"b", "c"}, "s1") // a run
	check([]string{"a", "b", "c"}, []string{"s1"})
	add([]string{"a", "c"}, "") // a subset, not a run; no source
	check([]string{"a", "b", "c"}, []string{"s1"})
	add([]string{"d", "a"}, "s0") // new names sort in
	check([]string{"a", "b", "c", "d"}, []string{"s0", "s1"})
	add(nil, "s")
	check([]string{"a", "b", "c", "d"}, []string{"s", "s0", "s1"})
	add([]string{"b"}, "s0") // a run of one
	// A name that starts like a stored one ("s1x" after "s1") is new.
	si := intel.Sighting{Family: "a", C2: []intel.Endpoint{{Value: "evil.example.com"}}}
	if err := s.Update(ctx, func(w store.Writer) error { _, _, err := w.AddSighting(ctx, si, store.Source{Name: "s1x"}); return err }); err != nil {
		t.Fatal(err)
	}
	check([]string{"a", "b", "c", "d"}, []string{"s", "s0", "s1", "s1x"})
}

// TestStraightBatchBudget: straight batches start small, grow to
// maxCopyRows, and 64 of them (PostgreSQL's cached subtransactions) hold
// at least 8M records.
func TestStraightBatchBudget(t *testing.T) {
	total := 0
	for n := range 64 {
		b := straightBatch(n)
		if b <= 0 || b > maxCopyRows || n > 0 && b < straightBatch(n-1) {
			t.Fatalf("straightBatch(%d) = %d", n, b)
		}
		total += b
	}
	if straightBatch(0) > copyRows/8 || straightBatch(1000) != maxCopyRows || total < 8_000_000 {
		t.Errorf("first batch %d, last %d, 64 batches hold %d records; want ≤ %d, %d, ≥ 8M", straightBatch(0), straightBatch(1000), total, copyRows/8, maxCopyRows)
	}
}

// TestIdenticalReimportWritesNothing: merging records that change nothing
// leaves the stored rows alone (same row version), while a record that
// changes something still rewrites its row, and new keys are inserted.
func TestIdenticalReimportWritesNothing(t *testing.T) {
	s := openSchema(t)
	defer s.Close()
	ctx := context.Background()
	recs := storetest.Generate(40)
	for i := range recs {
		recs[i].Sightings = 1
		if i%5 == 0 {
			recs[i].Enrichment = intel.Enrichment{ASN: "AS64500", Country: "JP"}
		}
	}
	imp := func(recs []intel.Record) {
		t.Helper()
		if err := storetest.Import(ctx, s, recs); err != nil {
			t.Fatal(err)
		}
	}
	versions := func() map[string]string {
		t.Helper()
		rows, _ := s.pool.Query(ctx, `SELECT convert_from(key, 'UTF8'), xmin::text FROM indicators`)
		out := map[string]string{}
		for rows.Next() {
			var k, x string
			if err := rows.Scan(&k, &x); err != nil {
				t.Fatal(err)
			}
			out[k] = x
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	imp(recs)
	before := versions()
	// Again (the first batch meets stored keys, so everything goes
	// through the staging table), with one record changed and one new key.
	again := append([]intel.Record(nil), recs...)
	again[3].LastSeen = again[3].LastSeen.Add(time.Hour)
	again = append(again, intel.Record{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "new.example.com"}})
	imp(again)
	after := versions()
	if len(after) != len(before)+1 {
		t.Fatalf("%d rows after the re-import, want %d", len(after), len(before)+1)
	}
	changed := indicatorKeyString(recs[3])
	for k, v := range before {
		if k == changed {
			if after[k] == v {
				t.Errorf("%s: changed record, row not rewritten", k)
			}
		} else if after[k] != v {
			t.Errorf("%s: unchanged record, row rewritten (xmin %s → %s)", k, v, after[k])
		}
	}
	got, err := s.Search(ctx, recs[3].Value)
	if err != nil || len(got) != 1 || !got[0].LastSeen.Equal(again[3].LastSeen) {
		t.Errorf("Search(%s) = %v, %v; want last seen %s", recs[3].Value, got, err, again[3].LastSeen)
	}
}

func indicatorKeyString(r intel.Record) string { return string(indicatorKey(r.Kind, r.Value)) }

// TestStraightFallbackKeepsRepeats: the first straight batch of an import
// holds a stored key, and the batches after it repeat keys of that batch
// (from another source) while it is in flight. The failed batch goes to
// the staging table as its COPY data, the repeats merge after it, and
// every record ends up merged once.
func TestStraightFallbackKeepsRepeats(t *testing.T) {
	s := openSchema(t)
	defer s.Close()
	ctx := context.Background()
	const n = 8000 // the first straight batch is 3,125 records: three batches, then the staging table
	recs := storetest.Generate(n)
	if err := s.Update(ctx, func(w store.Writer) error { return w.AddRecord(ctx, recs[5], store.Source{Name: "pre"}) }); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(w store.Writer) error {
		for _, src := range []string{"a", "b"} {
			for _, r := range recs {
				if err := w.AddRecord(ctx, r, store.Source{Name: src}); err != nil {
					return err
				}
			}
		}
		if ww := w.(*writer); ww.straight {
			t.Error("the import never left the straight path")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	err = s.Indicators(ctx, store.Filter{}, func(r intel.Record) error {
		seen++
		want := []string{"a", "b"}
		if r.Value == recs[5].Value {
			want = []string{"a", "b", "pre"}
		}
		if !slices.Equal(r.Sources, want) {
			t.Errorf("%s: sources %v, want %v", r.Value, r.Sources, want)
		}
		return nil
	})
	if err != nil || seen != n {
		t.Fatalf("Indicators: %d records, %v; want %d", seen, err, n)
	}
}

// TestStagedKeys reads the keys back from an encoder's COPY data, and
// rejects data cut short.
func TestStagedKeys(t *testing.T) {
	recs := storetest.Generate(50)
	recs[7].Port = 8443
	var enc copyEncoder
	enc.reset()
	var want []key
	for _, k := range store.KeyOrder(recs) {
		enc.record(k)
		want = append(want, key{k.Kind, k.Key, k.Port})
	}
	data := enc.end()
	var got []key
	if err := stagedKeys(data, func(k key) { got = append(got, k) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	for _, cut := range []int{0, len(copyHeader), len(copyHeader) + 3, len(data) / 2, len(data) - 1} {
		if err := stagedKeys(data[:cut], func(key) {}); err == nil {
			t.Errorf("data cut to %d bytes: no error", cut)
		}
	}
}

// FuzzStagedKeys: stagedKeys never panics or loops on any data.
func FuzzStagedKeys(f *testing.F) {
	var enc copyEncoder
	enc.reset()
	for _, k := range store.KeyOrder(storetest.Generate(3)) {
		enc.record(k)
	}
	f.Add(enc.end())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < len(copyHeader) {
			data = append(append([]byte{}, copyHeader...), data...)
		}
		stagedKeys(data, func(key) {})
	})
}

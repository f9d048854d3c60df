package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

func sortStrings(l []string) []string { slices.Sort(l); return l }

func testSightingStored(t *testing.T, s store.Store) {
	id, added := addSighting(t, s, lodeinfo(), store.Source{})
	if id == 0 || !added {
		t.Fatalf("AddSighting = %d, %v; want an id, true", id, added)
	}
	src := []string{"https://x.com/example/status/1"}
	fam := []string{"LODEINFO"}
	want := map[string]intel.Record{}
	for _, r := range []intel.Record{
		{Indicator: intel.Indicator{Kind: intel.KindURL, Value: "http://172.104.72.4/"}, Role: "c2"},
		{Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "172.105.223.216"}, Port: 443, Role: "c2",
			Enrichment: intel.Enrichment{ASN: "AS63949", ISP: "Linode, LLC", Country: "JP"}},
		{Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "45.77.28.124"}, Role: "c2"},
		{Indicator: intel.Indicator{Kind: intel.KindMD5, Value: "da1c9006b493d7e95db4d354c5f0e99f"}, Role: "sample"},
		{Indicator: intel.Indicator{Kind: intel.KindFilename, Value: "lodeinfo.dll"}, Role: "sample"},
	} {
		r.FirstSeen, r.LastSeen, r.Sightings, r.Families, r.TLP, r.Sources = t1, t1, 1, fam, "AMBER", src
		want[r.Indicator.String()] = r
	}
	if diff := cmp.Diff(want, all(t, s, store.Filter{}), recordOpts); diff != "" {
		t.Errorf("indicators (-want +got):\n%s", diff)
	}
	st := stats(t, s)
	if st.Sightings != 1 || st.Links != 5 || st.Indicators != 5 || st.Enrichments != 1 {
		t.Errorf("Stats = %+v; want 1 sighting, 5 links, 5 indicators, 1 enrichment", st)
	}
}

func testSeenAgain(t *testing.T, s store.Store) {
	addSighting(t, s, lodeinfo(), store.Source{})
	later, earlier := t2, t0
	again := intel.Sighting{Family: "PlugX", C2: []intel.Endpoint{{Value: "45.77.28[.]124"}}, TLP: "RED", Observed: &later}
	before := intel.Sighting{Family: "LODEINFO", C2: []intel.Endpoint{{Value: "45.77.28.124"}}, Observed: &earlier}
	if _, added := addSighting(t, s, again, store.Source{Name: "feed-a", Confidence: 80}); !added {
		t.Fatal("a new sighting was not added")
	}
	addSighting(t, s, before, store.Source{Name: "feed-b"})
	got := all(t, s, store.Filter{})["ipv4:45.77.28.124"]
	want := rec(intel.KindIPv4, "45.77.28.124")
	want.FirstSeen, want.LastSeen, want.Sightings, want.Role, want.TLP, want.Confidence = t0, t2, 3, "c2", "RED", 80
	want.Families = []string{"LODEINFO", "PlugX"}
	want.Sources = []string{"feed-a", "feed-b", "https://x.com/example/status/1"}
	if diff := cmp.Diff(want, got, recordOpts); diff != "" {
		t.Errorf("seen again (-want +got):\n%s", diff)
	}
	if n := stats(t, s).Links; n != 7 {
		t.Errorf("links = %d, want 7", n)
	}
}

func testReimport(t *testing.T, s store.Store) {
	id, _ := addSighting(t, s, lodeinfo(), store.Source{})
	before, st := all(t, s, store.Filter{}), stats(t, s)
	// The same sighting, defanged and in another case, is the same sighting.
	si := lodeinfo()
	si.C2[2].Value = "45.77.28[.]124"
	si.Samples[0].MD5 = "DA1C9006B493D7E95DB4D354C5F0E99F"
	id2, added := addSighting(t, s, si, store.Source{})
	if added || id2 != id {
		t.Errorf("re-import = %d, %v; want %d, false", id2, added, id)
	}
	if diff := cmp.Diff(before, all(t, s, store.Filter{}), recordOpts); diff != "" {
		t.Errorf("re-import changed indicators (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(st, stats(t, s)); diff != "" {
		t.Errorf("re-import changed stats (-before +after):\n%s", diff)
	}
}

func testInvalidSighting(t *testing.T, s store.Store) {
	for name, si := range map[string]intel.Sighting{
		"bad c2":   {C2: []intel.Endpoint{{Value: "not a host"}}},
		"bad tlp":  {TLP: "PURPLE", C2: []intel.Endpoint{{Value: "1.2.3.4"}}},
		"empty":    {Family: "X"},
		"bad hash": {Samples: []intel.Sample{{MD5: "abc"}}},
	} {
		err := s.Update(context.Background(), func(w store.Writer) error {
			_, _, err := w.AddSighting(context.Background(), si, store.Source{})
			return err
		})
		if !errors.Is(err, intel.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
	if n := stats(t, s).Sightings; n != 0 {
		t.Errorf("sightings = %d after invalid ones, want 0", n)
	}
}

func testRecordMerge(t *testing.T, s store.Store) {
	a := rec(intel.KindDomain, "evil.example.com")
	a.FirstSeen, a.LastSeen, a.Sightings, a.Families, a.TLP, a.Confidence = t1, t1, 2, []string{"Emotet"}, "GREEN", 50
	b := rec(intel.KindDomain, "evil.example.com")
	b.FirstSeen, b.LastSeen, b.Sightings, b.Families, b.TLP, b.Role = t0, t2, 1, []string{"Emotet", "IcedID"}, "CLEAR", "c2"
	b.Enrichment = intel.Enrichment{Country: "NL"}
	addRecords(t, s, store.Source{Name: "a.csv"}, a)
	addRecords(t, s, store.Source{Name: "b.json"}, b)
	addRecords(t, s, store.Source{Name: "b.json"}, b) // idempotent
	want := store.Merge(a, b)
	want.Sources = []string{"a.csv", "b.json"}
	got := all(t, s, store.Filter{})["domain:evil.example.com"]
	if diff := cmp.Diff(want, got, recordOpts); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
	// Extractor output: no times; seen at Source.Time.
	addRecords(t, s, store.Source{Name: "report.txt", Time: t2}, rec(intel.KindSHA256, "6c0a9c1eb8e6a6c8a4d5e2c0b7c1f58ab1e9d03e5b4e35b1a4ac8c71c1bf6a2d"))
	got = all(t, s, store.Filter{Kind: intel.KindSHA256})["sha256:6c0a9c1eb8e6a6c8a4d5e2c0b7c1f58ab1e9d03e5b4e35b1a4ac8c71c1bf6a2d"]
	if !got.FirstSeen.Equal(t2) || !got.LastSeen.Equal(t2) || got.Sightings != 0 {
		t.Errorf("extracted record = %+v; want first = last = %v, no sightings", got, t2)
	}
}

func testInvalidRecord(t *testing.T, s store.Store) {
	tests := map[string]intel.Record{
		"unknown kind":  rec("bogus", "x"),
		"not canonical": rec(intel.KindDomain, "EVIL.com"),
		"defanged":      rec(intel.KindIPv4, "1.2.3[.]4"),
		"bad port":      {Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "1.2.3.4"}, Port: 70000},
		"bad tlp":       {Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "1.2.3.4"}, TLP: "BLUE"},
		"bad role":      {Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "1.2.3.4"}, Role: "victim"},
		"time order":    {Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "1.2.3.4"}, FirstSeen: t2, LastSeen: t1},
	}
	for name, r := range tests {
		err := s.Update(context.Background(), func(w store.Writer) error { return w.AddRecord(context.Background(), r, store.Source{}) })
		if !errors.Is(err, intel.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
}

// genRecords returns n distinct valid ipv4 records.
func genRecords(n int) []intel.Record {
	out := make([]intel.Record, n)
	for i := range out {
		out[i] = rec(intel.KindIPv4, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		out[i].FirstSeen, out[i].LastSeen = t1, t1
	}
	return out
}

func testBadRowRollsBack(t *testing.T, s store.Store) {
	addSighting(t, s, lodeinfo(), store.Source{})
	before, st := all(t, s, store.Filter{IncludeRevoked: true}), stats(t, s)
	// Enough rows that a batching store has flushed some before the bad one.
	good := genRecords(25000)
	batch := append(good[:12000:12000], rec(intel.KindIPv4, "999.1.1.1"))
	batch = append(batch, good[12000:]...)
	err := s.Update(context.Background(), func(w store.Writer) error {
		if _, _, err := w.AddSighting(context.Background(), intel.Sighting{C2: []intel.Endpoint{{Value: "8.8.4.4"}}}, store.Source{}); err != nil {
			return err
		}
		for _, r := range batch {
			if err := w.AddRecord(context.Background(), r, store.Source{Name: "bulk"}); err != nil {
				return err
			}
		}
		return nil
	})
	wantErr(t, err, intel.ErrInvalid)
	if diff := cmp.Diff(before, all(t, s, store.Filter{IncludeRevoked: true}), recordOpts); diff != "" {
		t.Errorf("failed batch changed indicators (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(st, stats(t, s)); diff != "" {
		t.Errorf("failed batch changed stats (-before +after):\n%s", diff)
	}
}

func testErrorRollsBack(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(w store.Writer) error {
		if _, _, err := w.AddSighting(context.Background(), lodeinfo(), store.Source{}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the error of fn", err)
	}
	if st := stats(t, s); st.Indicators != 0 || st.Sightings != 0 || st.Links != 0 {
		t.Errorf("Stats after a failed Update = %+v, want empty", st)
	}
}

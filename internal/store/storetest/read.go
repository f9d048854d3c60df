package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// searchData is the store testSearch and testFilter query.
func searchData(t *testing.T, s store.Store) {
	t.Helper()
	recs := []intel.Record{
		rec(intel.KindDomain, "evil.com"),
		rec(intel.KindDomain, "a.evil.com"),
		rec(intel.KindDomain, "b.c.evil.com"),
		rec(intel.KindDomain, "notevil.com"),
		rec(intel.KindDomain, "evil.com.au"),
		rec(intel.KindURL, "http://evil.com/x"),
		rec(intel.KindIPv4, "10.1.2.3"),
		rec(intel.KindIPv4, "10.200.0.1"),
		rec(intel.KindIPv4, "11.0.0.1"),
		rec(intel.KindIPv6, "2001:db8::1"),
		rec(intel.KindMD5, "da1c9006b493d7e95db4d354c5f0e99f"),
	}
	recs[0].Families, recs[0].LastSeen, recs[0].FirstSeen = []string{"Emotet"}, t2, t0
	recs[6].Families = []string{"emotet", "QakBot"}
	addRecords(t, s, store.Source{Time: t1}, recs...)
}

func testSearch(t *testing.T, s store.Store) {
	searchData(t, s)
	tests := []struct {
		q    string
		want []string
		err  error
	}{
		{q: "evil.com", want: []string{"domain:a.evil.com", "domain:b.c.evil.com", "domain:evil.com", "filename:evil.com"}[:3]},
		{q: "EVIL[.]com", want: []string{"domain:a.evil.com", "domain:b.c.evil.com", "domain:evil.com"}},
		{q: "c.evil.com", want: []string{"domain:b.c.evil.com"}},
		{q: "10.1.2.3", want: []string{"ipv4:10.1.2.3"}},
		{q: "10.0.0.0/8", want: []string{"ipv4:10.1.2.3", "ipv4:10.200.0.1"}},
		{q: "10.1.0.0/16", want: []string{"ipv4:10.1.2.3"}},
		{q: "2001:db8::/32", want: []string{"ipv6:2001:db8::1"}},
		{q: "hxxp://evil[.]com/x", want: []string{"url:http://evil.com/x"}},
		{q: "DA1C9006B493D7E95DB4D354C5F0E99F", want: []string{"md5:da1c9006b493d7e95db4d354c5f0e99f"}},
		{q: "good.com", err: intel.ErrNotFound},
		{q: "12.0.0.0/8", err: intel.ErrNotFound},
		{q: "", err: intel.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := s.Search(context.Background(), tt.q)
			if tt.err != nil {
				wantErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			var keys []string
			for _, r := range got {
				keys = append(keys, r.Indicator.String())
			}
			if diff := cmp.Diff(tt.want, sortStrings(keys)); diff != "" {
				t.Errorf("Search(%q) (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func testFilter(t *testing.T, s store.Store) {
	searchData(t, s)
	tests := []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"kind", store.Filter{Kind: intel.KindIPv4}, []string{"ipv4:10.1.2.3", "ipv4:10.200.0.1", "ipv4:11.0.0.1"}},
		{"family, any case", store.Filter{Family: "EMOTET"}, []string{"domain:evil.com", "ipv4:10.1.2.3"}},
		{"since", store.Filter{Since: t2}, []string{"domain:evil.com"}},
		{"kind and family", store.Filter{Kind: intel.KindDomain, Family: "emotet"}, []string{"domain:evil.com"}},
		{"nothing", store.Filter{Family: "LODEINFO"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, keys(t, s, tt.f)); diff != "" {
				t.Errorf("Indicators (-want +got):\n%s", diff)
			}
		})
	}
}

func testStreamStops(t *testing.T, s store.Store) {
	searchData(t, s)
	stop := errors.New("stop")
	n := 0
	err := s.Indicators(context.Background(), store.Filter{}, func(intel.Record) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Indicators = %v after %d calls; want the callback's error after 1", err, n)
	}
}

func testRevoke(t *testing.T, s store.Store) {
	addSighting(t, s, lodeinfo(), store.Source{})
	ctx := context.Background()
	n, err := s.Revoke(ctx, "45.77.28[.]124", "sinkholed")
	if err != nil || n != 1 {
		t.Fatalf("Revoke = %d, %v; want 1, nil", n, err)
	}
	if _, ok := all(t, s, store.Filter{})["ipv4:45.77.28.124"]; ok {
		t.Error("a revoked indicator is exported by default")
	}
	got, ok := all(t, s, store.Filter{IncludeRevoked: true})["ipv4:45.77.28.124"]
	if !ok || !got.Revoked {
		t.Errorf("revoked indicator with IncludeRevoked = %+v, %v; want it, revoked", got, ok)
	}
	found, err := s.Search(ctx, "45.77.28.124")
	if err != nil || len(found) != 1 || !found[0].Revoked {
		t.Errorf("Search of a revoked indicator = %+v, %v; want it, revoked", found, err)
	}
	_, err = s.Revoke(ctx, "45.77.28.124", "again")
	wantErr(t, err, intel.ErrNotFound)
	_, err = s.Revoke(ctx, "8.8.8.8", "unknown")
	wantErr(t, err, intel.ErrNotFound)
	// Seen again, it stays revoked (only a person un-revokes) but its
	// history moves on.
	later := t2
	addSighting(t, s, intel.Sighting{C2: []intel.Endpoint{{Value: "45.77.28.124"}}, Observed: &later}, store.Source{})
	got = all(t, s, store.Filter{IncludeRevoked: true})["ipv4:45.77.28.124"]
	if !got.Revoked || !got.LastSeen.Equal(t2) || got.Sightings != 2 {
		t.Errorf("revoked indicator seen again = %+v; want revoked, last seen %v, 2 sightings", got, t2)
	}
	if st := stats(t, s); st.Revoked != 1 {
		t.Errorf("Stats.Revoked = %d, want 1", st.Revoked)
	}
}

func testEnrichment(t *testing.T, s store.Store) {
	addRecords(t, s, store.Source{Time: t1}, rec(intel.KindIPv4, "203.0.113.7"))
	ind := intel.Indicator{Kind: intel.KindIPv4, Value: "203.0.113.7"}
	newer := intel.Enrichment{ASN: "AS64500", ISP: "Example Net", Country: "JP"}
	update(t, s, func(ctx context.Context, w store.Writer) error {
		if err := w.AddEnrichment(ctx, ind, store.Snapshot{Enrichment: newer, Provider: "mmdb", At: t2}); err != nil {
			return err
		}
		return w.AddEnrichment(ctx, ind, store.Snapshot{Enrichment: intel.Enrichment{ASN: "AS1"}, Provider: "old", At: t0})
	})
	if got := all(t, s, store.Filter{})["ipv4:203.0.113.7"].Enrichment; got != newer {
		t.Errorf("enrichment = %+v, want the newest snapshot %+v", got, newer)
	}
	if n := stats(t, s).Enrichments; n != 2 {
		t.Errorf("Stats.Enrichments = %d, want 2 (snapshots are history)", n)
	}
	err := s.Update(context.Background(), func(w store.Writer) error {
		return w.AddEnrichment(context.Background(), intel.Indicator{Kind: intel.KindIPv4, Value: "198.51.100.1"}, store.Snapshot{})
	})
	wantErr(t, err, intel.ErrNotFound)
}

func testCollectedPost(t *testing.T, s store.Store) {
	post := &store.CollectedPost{Platform: "mastodon", Author: "@na4sec@infosec.exchange",
		URL: "https://infosec.exchange/@na4sec/1", Text: "🚨⚡ #LODEINFO", Posted: t1}
	si := lodeinfo()
	si.Source = post.URL
	addSighting(t, s, si, store.Source{Post: post})
	addSighting(t, s, si, store.Source{Post: post})
	if n := stats(t, s).Collected; n != 1 {
		t.Errorf("Stats.Collected = %d, want 1", n)
	}
	got := all(t, s, store.Filter{})["ipv4:45.77.28.124"].Sources
	if diff := cmp.Diff([]string{post.URL}, got); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
}

func testStats(t *testing.T, s store.Store) {
	if st := stats(t, s); st.Indicators != 0 || st.Schema < 1 || !st.FirstSeen.IsZero() {
		t.Errorf("empty Stats = %+v; want zero counts and a schema version", st)
	}
	searchData(t, s)
	st := stats(t, s)
	want := map[intel.Kind]int64{intel.KindDomain: 5, intel.KindURL: 1, intel.KindIPv4: 3, intel.KindIPv6: 1, intel.KindMD5: 1}
	if diff := cmp.Diff(want, st.ByKind); diff != "" {
		t.Errorf("ByKind (-want +got):\n%s", diff)
	}
	if st.Indicators != 11 || !st.FirstSeen.Equal(t0) || !st.LastSeen.Equal(t2) {
		t.Errorf("Stats = %+v; want 11 indicators seen from %v to %v", st, t0, t2)
	}
}

// testNamesCleaned: control characters in family and source names become
// spaces (store.CleanName), from records and from sightings alike, and the
// names are found by the family filter as cleaned.
func testNamesCleaned(t *testing.T, s store.Store) {
	r := rec(intel.KindDomain, "evil.com")
	r.Families = []string{"Plug\nX", " Emotet\t", "Emotet"}
	addRecords(t, s, store.Source{Name: "feed\r\nA"}, r)
	si := lodeinfo()
	si.Family = "Shadow\nPad"
	addSighting(t, s, si, store.Source{Name: "post\n1"})
	got := all(t, s, store.Filter{IncludeRevoked: true})
	if g := got["domain:evil.com"]; !cmp.Equal(g.Families, []string{"Emotet", "Plug X"}) || !cmp.Equal(g.Sources, []string{"feed  A"}) {
		t.Errorf("evil.com families %q, sources %q; want [Emotet, Plug X], [feed  A]", g.Families, g.Sources)
	}
	if g := got["ipv4:45.77.28.124"]; !cmp.Equal(g.Families, []string{"Shadow Pad"}) || !cmp.Equal(g.Sources, []string{"post 1"}) {
		t.Errorf("45.77.28.124 families %q, sources %q; want [Shadow Pad], [post 1]", g.Families, g.Sources)
	}
	if diff := cmp.Diff([]string{"domain:evil.com"}, keys(t, s, store.Filter{Family: "plug x"})); diff != "" {
		t.Errorf("Indicators(family plug x) (-want +got):\n%s", diff)
	}
}

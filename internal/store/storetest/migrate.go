package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// CheckMigratedIndicators checks a store opened on a database that an
// older schema wrote, holding the domains evil.com, a.evil.com and
// evil-corp.com and the IPv4 address 192.0.2.1 on ports 0 and 443, each
// first seen 2022-01-01, last seen 2022-01-02, from the source "old":
// search, merge and revoke find them by value.
func CheckMigratedIndicators(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	search := func(q string) []string {
		t.Helper()
		got, err := s.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		var out []string
		for _, r := range got {
			out = append(out, r.Indicator.String())
		}
		return sortStrings(out)
	}
	if diff := cmp.Diff([]string{"domain:a.evil.com", "domain:evil.com"}, search("evil.com")); diff != "" {
		t.Errorf("Search(evil.com) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ipv4:192.0.2.1", "ipv4:192.0.2.1"}, search("192.0.2.1")); diff != "" {
		t.Errorf("Search(192.0.2.1) (-want +got):\n%s", diff)
	}
	r := rec(intel.KindDomain, "a.evil.com")
	r.FirstSeen, r.LastSeen = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 2, 1, 0, 0, 0, 0, time.UTC)
	addRecords(t, s, store.Source{Name: "new"}, r)
	got := all(t, s, store.Filter{})
	if n := len(got); n != 4 { // "kind:value" keys: the two ports are one key here
		t.Errorf("%d indicator values after a merge, want 4", n)
	}
	if g := got["domain:a.evil.com"]; !g.LastSeen.Equal(r.LastSeen) || !cmp.Equal(g.Sources, []string{"new", "old"}) {
		t.Errorf("merged a.evil.com = last seen %v, sources %v; want %v, [new old]", g.LastSeen, g.Sources, r.LastSeen)
	}
	if st := stats(t, s); st.Indicators != 5 {
		t.Errorf("Stats.Indicators = %d after a merge, want 5", st.Indicators)
	}
	if n, err := s.Revoke(ctx, "evil-corp.com", "test"); err != nil || n != 1 {
		t.Errorf("Revoke(evil-corp.com) = %d, %v; want 1", n, err)
	}
}

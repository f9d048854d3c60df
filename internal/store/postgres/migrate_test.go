package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// TestMigrateNarrow checks that schema 4 keeps what schema 3 held: every
// column of every indicator, its id (and so the links and enrichment
// snapshots pointing at it, still checked by foreign keys), revocations;
// that new ids follow the old ones; and that the view indicator_values
// shows kinds and values as they were.
func TestMigrateNarrow(t *testing.T) {
	ctx := context.Background()
	dsn, conn := schemaAt(t, 3)
	for _, q := range []string{
		`INSERT INTO indicators (id, kind, value, port, rdomain, first_seen, last_seen, sightings, families, role, tlp, confidence,
				sources, asn, isp, country, enriched_at, revoked, revoked_at, revoke_reason) VALUES
			(7, 'domain', 'www.evil.com', 0, 'com.evil.www', '2022-01-01Z', '2022-01-02Z', 2, '{PlugX,ShadowPad}', 'c2', 2, 80,
				'{a,b}', '', '', '', NULL, false, NULL, ''),
			(9, 'ipv4', '192.0.2.1', 443, NULL, '2022-01-01Z', '2022-01-03Z', 1, NULL, '', 0, 0,
				NULL, 'AS64500', 'Example ISP', 'JP', '2022-01-03Z', false, NULL, ''),
			(12, 'sha256', '` + sha + `', 0, NULL, '2022-01-01Z', '2022-01-01Z', 0, '{PlugX}', 'sample', 4, 0,
				'{a}', '', '', '', NULL, true, '2022-02-01Z', 'false positive')`,
		`SELECT setval('indicators_id_seq', 12)`,
		`INSERT INTO sightings (id, hash, seen, body, created) VALUES (1, 'h', '2022-01-01Z', '{}', '2022-01-01Z')`,
		`INSERT INTO sighting_indicators VALUES (1, 7, 'c2'), (1, 12, 'sample')`,
		`INSERT INTO enrichments (indicator_id, provider, asn, at) VALUES (9, 'ipdb', 'AS64500', '2022-01-03Z')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	day := func(d int) time.Time { return time.Date(2022, 1, d, 0, 0, 0, 0, time.UTC) }
	want := []intel.Record{
		{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "www.evil.com"}, FirstSeen: day(1), LastSeen: day(2), Sightings: 2,
			Families: []string{"PlugX", "ShadowPad"}, Role: "c2", TLP: "AMBER", Confidence: 80, Sources: []string{"a", "b"}},
		{Indicator: intel.Indicator{Kind: intel.KindIPv4, Value: "192.0.2.1"}, Port: 443, FirstSeen: day(1), LastSeen: day(3), Sightings: 1,
			Enrichment: intel.Enrichment{ASN: "AS64500", ISP: "Example ISP", Country: "JP"}},
		{Indicator: intel.Indicator{Kind: intel.KindSHA256, Value: sha}, FirstSeen: day(1), LastSeen: day(1),
			Families: []string{"PlugX"}, Role: "sample", TLP: "RED", Sources: []string{"a"}, Revoked: true},
	}
	var got []intel.Record
	if err := s.Indicators(ctx, store.Filter{IncludeRevoked: true}, func(r intel.Record) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("indicators after the migration (-want +got):\n%s", diff)
	}

	var ids []int64
	rows, _ := conn.Query(ctx, `SELECT id FROM indicators ORDER BY id`)
	if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || !cmp.Equal(ids, []int64{7, 9, 12}) {
		t.Errorf("ids = %v, %v; want [7 9 12]", ids, err)
	}
	var reason string
	if err := conn.QueryRow(ctx, `SELECT revoke_reason FROM indicators WHERE id = 12`).Scan(&reason); err != nil || reason != "false positive" {
		t.Errorf("revoke_reason = %q, %v", reason, err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO enrichments (indicator_id, provider, at) VALUES (99, 'x', now())`)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23503" {
		t.Errorf("an enrichment of no indicator: %v; want a foreign key violation", err)
	}
	var links int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM sighting_indicators l JOIN indicators i ON i.id = l.indicator_id`).Scan(&links); err != nil || links != 2 {
		t.Errorf("links joined = %d, %v; want 2", links, err)
	}

	type view struct {
		Kind, Value string
		Families    []string
		Revoked     bool
	}
	rows, _ = conn.Query(ctx, `SELECT kind, value, families, revoked FROM indicator_values ORDER BY id`)
	views, err := pgx.CollectRows(rows, pgx.RowToStructByPos[view])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]view{{"domain", "www.evil.com", []string{"PlugX", "ShadowPad"}, false},
		{"ipv4", "192.0.2.1", nil, false}, {"sha256", sha, []string{"PlugX"}, true}}, views); diff != "" {
		t.Errorf("indicator_values (-want +got):\n%s", diff)
	}

	// A new indicator gets an id after the old ones; merging a record
	// into a migrated one unions the families.
	r := intel.Record{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "www.evil.com"}, Families: []string{"Korplug"}}
	n := intel.Record{Indicator: intel.Indicator{Kind: intel.KindDomain, Value: "new.example.com"}}
	if err := s.Update(ctx, func(w store.Writer) error {
		if err := w.AddRecord(ctx, r, store.Source{Name: "c"}); err != nil {
			return err
		}
		return w.AddRecord(ctx, n, store.Source{})
	}); err != nil {
		t.Fatal(err)
	}
	var id int64
	var families string
	if err := conn.QueryRow(ctx, `SELECT id FROM indicators WHERE key = 'domain:com.example.new'`).Scan(&id); err != nil || id <= 12 {
		t.Errorf("new indicator id = %d, %v; want > 12", id, err)
	}
	if err := conn.QueryRow(ctx, `SELECT families FROM indicators WHERE id = 7`).Scan(&families); err != nil || families != "Korplug\nPlugX\nShadowPad" {
		t.Errorf("merged families = %q, %v", families, err)
	}
}

const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

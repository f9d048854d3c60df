package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// recordColumns are scanned by scanRecord.
const recordColumns = `kind, value, port, first_seen, last_seen, sightings, families, role, tlp,
	confidence, sources, asn, isp, country, revoked`

// scanRecord reads one row of recordColumns.
func scanRecord(rows interface{ Scan(...any) error }) (intel.Record, error) {
	var (
		r                 intel.Record
		kind              string
		first, last       int64
		families, sources sql.NullString
		tlp               int
	)
	err := rows.Scan(&kind, &r.Value, &r.Port, &first, &last, &r.Sightings, &families, &r.Role, &tlp,
		&r.Confidence, &sources, &r.ASN, &r.ISP, &r.Country, &r.Revoked)
	if err != nil {
		return r, fmt.Errorf("store: %w", err)
	}
	r.Kind = intel.Kind(kind)
	r.Display = store.Display(r.Kind, r.Value)
	r.FirstSeen, r.LastSeen = fromMicros(first), fromMicros(last)
	r.TLP = store.TLPLabel(tlp)
	if r.Families, err = parseSet(families); err == nil {
		r.Sources, err = parseSet(sources)
	}
	return r, err
}

func parseSet(s sql.NullString) ([]string, error) {
	if !s.Valid {
		return nil, nil
	}
	var l []string
	if err := json.Unmarshal([]byte(s.String), &l); err != nil {
		return nil, fmt.Errorf("store: corrupt set %q: %w", s.String, err)
	}
	return l, nil
}

// Indicators streams the indicators f selects, in insertion order.
func (s *Store) Indicators(ctx context.Context, f store.Filter, fn func(intel.Record) error) error {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Family != "" {
		where = append(where, "EXISTS (SELECT 1 FROM json_each(families) WHERE lower(value) = lower(?))")
		args = append(args, f.Family)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "last_seen >= ?"), append(args, micros(f.Since))
	}
	if !f.IncludeRevoked {
		where = append(where, "revoked = 0")
	}
	q := "SELECT " + recordColumns + " FROM indicators"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Search returns the indicators q matches.
func (s *Store) Search(ctx context.Context, q string) ([]intel.Record, error) {
	pq, err := store.ParseQuery(q)
	if err != nil {
		return nil, err
	}
	var out []intel.Record
	collect := func(query string, keep func(intel.Record) bool, args ...any) error {
		st, err := s.prepared(ctx, "SELECT "+recordColumns+" FROM indicators WHERE "+query+" ORDER BY id")
		if err != nil {
			return fmt.Errorf("store: search: %w", err)
		}
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("store: search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				return err
			}
			if keep == nil || keep(r) {
				out = append(out, r)
			}
		}
		return rows.Err()
	}
	switch {
	case pq.Prefix.IsValid():
		kind := intel.KindIPv4
		if pq.Prefix.Addr().Is6() {
			kind = intel.KindIPv6
		}
		err = collect("kind = ?", func(r intel.Record) bool { return store.InPrefix(pq.Prefix, r.Value) }, string(kind))
	default:
		for _, ind := range pq.Exact {
			if ind.Kind == intel.KindDomain {
				continue // below, with its subdomains
			}
			if err = collect("kind = ? AND "+keyExpr+" = ?", nil, string(ind.Kind), store.KeyValue(ind.Kind, ind.Value)); err != nil {
				break
			}
		}
		if err == nil && pq.Domain != "" {
			// The domain and the names under it: the key index's range
			// [D, D + "/"), less the names that go on with a byte before "."
			// ("com.evil-corp" after "com.evil").
			err = collect("kind = ? AND "+keyExpr+" >= ? AND "+keyExpr+" < ? AND ("+keyExpr+" = ? OR "+keyExpr+" > ?)", nil,
				string(intel.KindDomain), pq.Domain, pq.Domain+"/", pq.Domain, pq.Domain+".")
		}
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: %q: %w", q, intel.ErrNotFound)
	}
	return out, nil
}

// Revoke marks the indicators value matches exactly as revoked.
func (s *Store) Revoke(ctx context.Context, value, reason string) (int, error) {
	pq, err := store.ParseQuery(value)
	if err != nil {
		return 0, err
	}
	if len(pq.Exact) == 0 {
		return 0, fmt.Errorf("store: revoke %q: give one value, not a range: %w", value, intel.ErrInvalid)
	}
	now := micros(store.Micro(s.now()))
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	defer tx.Rollback()
	n := 0
	for _, ind := range pq.Exact {
		res, err := tx.ExecContext(ctx, `UPDATE indicators SET revoked = 1, revoked_at = ?, revoke_reason = ?
			WHERE kind = ? AND `+keyExpr+` = ? AND revoked = 0`, now, reason, string(ind.Kind), store.KeyValue(ind.Kind, ind.Value))
		if err != nil {
			return 0, fmt.Errorf("store: revoke: %w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	if n == 0 {
		return 0, fmt.Errorf("store: revoke %q: no such indicator not already revoked: %w", value, intel.ErrNotFound)
	}
	return n, tx.Commit()
}

// Stats counts what the store holds.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{ByKind: map[intel.Kind]int64{}, Posts: map[store.PostState]int64{}}
	var first, last sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM indicators), (SELECT count(*) FROM indicators WHERE revoked = 1),
		(SELECT count(*) FROM sightings), (SELECT count(*) FROM sighting_indicators),
		(SELECT count(*) FROM collected_posts), (SELECT count(*) FROM enrichments),
		(SELECT min(first_seen) FROM indicators), (SELECT max(last_seen) FROM indicators),
		(SELECT coalesce(max(version), 0) FROM schema_migrations)`).Scan(
		&st.Indicators, &st.Revoked, &st.Sightings, &st.Links, &st.Collected, &st.Enrichments, &first, &last, &st.Schema)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	if first.Valid {
		st.FirstSeen, st.LastSeen = fromMicros(first.Int64), fromMicros(last.Int64)
	}
	if err := countBy(ctx, s.db, `SELECT kind, count(*) FROM indicators GROUP BY kind`, func(k string, n int64) { st.ByKind[intel.Kind(k)] = n }); err != nil {
		return st, err
	}
	err = countBy(ctx, s.db, `SELECT state, count(*) FROM posts GROUP BY state`, func(k string, n int64) { st.Posts[store.PostState(k)] = n })
	return st, err
}

func countBy(ctx context.Context, db *sql.DB, q string, set func(string, int64)) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("store: stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return fmt.Errorf("store: stats: %w", err)
		}
		set(k, n)
	}
	return rows.Err()
}

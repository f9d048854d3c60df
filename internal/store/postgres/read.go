package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// recordColumns are scanned by scanRecord.
const recordColumns = `key, port, first_seen, last_seen, sightings, families, role, tlp,
	confidence, sources, asn, isp, country, revoked_at IS NOT NULL`

// scanRecord reads one row of recordColumns.
func scanRecord(rows pgx.Rows) (intel.Record, error) {
	var (
		r                       intel.Record
		key                     []byte
		first, last             time.Time
		tlp                     int
		families, sources       *string
		role, asn, isp, country *string
	)
	err := rows.Scan(&key, &r.Port, &first, &last, &r.Sightings, &families, &role, &tlp,
		&r.Confidence, &sources, &asn, &isp, &country, &r.Revoked)
	if err != nil {
		return r, fmt.Errorf("store: %w", err)
	}
	if r.Kind, r.Value, err = parseKey(key); err != nil {
		return r, err
	}
	r.Display = store.Display(r.Kind, r.Value)
	r.FirstSeen, r.LastSeen = utc(first), utc(last)
	r.Families, r.Sources = splitNames(families), splitNames(sources)
	r.Role, r.ASN, r.ISP, r.Country = text(role), text(asn), text(isp), text(country)
	r.TLP = store.TLPLabel(tlp)
	return r, nil
}

// text returns *s, or "" for NULL.
func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Indicators streams the indicators f selects, in insertion order.
func (s *Store) Indicators(ctx context.Context, f store.Filter, fn func(intel.Record) error) error {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Kind != "" {
		lo, hi := kindRange(f.Kind)
		where = append(where, "key >= "+arg(lo)+" AND key < "+arg(hi))
	}
	if f.Family != "" {
		where = append(where, "lower("+arg(f.Family)+") = ANY (string_to_array(lower(families), E'\\n'))")
	}
	if !f.Since.IsZero() {
		where = append(where, "last_seen >= "+arg(f.Since))
	}
	if !f.IncludeRevoked {
		where = append(where, "revoked_at IS NULL")
	}
	q := "SELECT " + recordColumns + " FROM indicators"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.pool.Query(ctx, q+" ORDER BY id", args...)
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
	collect := func(where string, args ...any) error {
		rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+" FROM indicators WHERE "+where+" ORDER BY id", args...)
		if err != nil {
			return fmt.Errorf("store: search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	}
	switch {
	case pq.Prefix.IsValid():
		kind := intel.KindIPv4
		if pq.Prefix.Addr().Is6() {
			kind = intel.KindIPv6
		}
		lo, hi := kindRange(kind)
		// CASE: the cast runs only on keys of the kind, whatever order
		// the planner gives the conditions.
		err = collect("key >= $1 AND key < $2 AND CASE WHEN key >= $1 AND key < $2 THEN convert_from(substr(key, $3), 'UTF8')::inet <<= $4::inet END",
			lo, hi, len(lo)+1, pq.Prefix.String())
	default:
		for _, ind := range pq.Exact {
			if ind.Kind == intel.KindDomain {
				continue // below, with its subdomains
			}
			if err = collect("key = $1", indicatorKey(ind.Kind, ind.Value)); err != nil {
				break
			}
		}
		if err == nil && pq.Domain != "" {
			// The domain and the names under it: the key index's range
			// [D, D + "/"), less the names that go on with a byte before "."
			// ("com.evil-corp" after "com.evil").
			d, _ := kindRange(intel.KindDomain)
			d = append(d, pq.Domain...)
			err = collect("key >= $1 AND key < $2 AND (key = $1 OR key > $3)", d, append(slices.Clip(d), '/'), append(slices.Clip(d), '.'))
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
	now := store.Micro(s.now())
	n := 0
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, ind := range pq.Exact {
			tag, err := tx.Exec(ctx, `UPDATE indicators SET revoked_at = $1, revoke_reason = $2
				WHERE key = $3 AND revoked_at IS NULL`, now, nullText(reason), indicatorKey(ind.Kind, ind.Value))
			if err != nil {
				return fmt.Errorf("store: revoke: %w", err)
			}
			n += int(tag.RowsAffected())
		}
		if n == 0 {
			return fmt.Errorf("store: revoke %q: no such indicator not already revoked: %w", value, intel.ErrNotFound)
		}
		return nil
	})
	return n, err
}

// Stats counts what the store holds.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{ByKind: map[intel.Kind]int64{}, Posts: map[store.PostState]int64{}}
	var first, last *time.Time
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM indicators), (SELECT count(*) FROM indicators WHERE revoked_at IS NOT NULL),
		(SELECT count(*) FROM sightings), (SELECT count(*) FROM sighting_indicators),
		(SELECT count(*) FROM collected_posts), (SELECT count(*) FROM enrichments),
		(SELECT min(first_seen) FROM indicators), (SELECT max(last_seen) FROM indicators),
		(SELECT coalesce(max(version), 0) FROM schema_migrations)`).Scan(
		&st.Indicators, &st.Revoked, &st.Sightings, &st.Links, &st.Collected, &st.Enrichments, &first, &last, &st.Schema)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	if first != nil && last != nil {
		st.FirstSeen, st.LastSeen = utc(*first), utc(*last)
	}
	if err := s.countBy(ctx, `SELECT split_part(convert_from(key, 'UTF8'), ':', 1), count(*) FROM indicators GROUP BY 1`, func(k string, n int64) { st.ByKind[intel.Kind(k)] = n }); err != nil {
		return st, err
	}
	err = s.countBy(ctx, `SELECT state, count(*) FROM posts GROUP BY state`, func(k string, n int64) { st.Posts[store.PostState(k)] = n })
	return st, err
}

func (s *Store) countBy(ctx context.Context, q string, set func(string, int64)) error {
	rows, err := s.pool.Query(ctx, q)
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

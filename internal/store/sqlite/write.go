package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// columns are the indicator columns a write sets, in the order of row.
const columns = `kind, value, port, rdomain, first_seen, last_seen, sightings,
	families, role, tlp, confidence, sources, asn, isp, country, enriched_at`

// keyExpr is the value the key index (kind, keyExpr, port) files an
// indicator under: store.KeyValue. A query names it exactly as the index
// does, so that SQLite uses the index.
const keyExpr = "coalesce(rdomain, value)"

// mergeSQL is the conflict clause of every indicator write; %s is how the
// sighting count merges (added for sightings, the larger for records).
const mergeSQL = `
ON CONFLICT (kind, ` + keyExpr + `, port) DO UPDATE SET
	first_seen = min(first_seen, excluded.first_seen),
	last_seen = max(last_seen, excluded.last_seen),
	sightings = %s,
	families = CASE WHEN excluded.families IS NULL THEN families WHEN families IS NULL THEN excluded.families
		ELSE (SELECT json_group_array(value) FROM (SELECT value FROM json_each(indicators.families)
			UNION SELECT value FROM json_each(excluded.families) ORDER BY 1)) END,
	role = CASE WHEN role = '' THEN excluded.role ELSE role END,
	tlp = max(tlp, excluded.tlp),
	confidence = max(confidence, excluded.confidence),
	sources = CASE WHEN excluded.sources IS NULL THEN sources WHEN sources IS NULL THEN excluded.sources
		ELSE (SELECT json_group_array(value) FROM (SELECT value FROM json_each(indicators.sources)
			UNION SELECT value FROM json_each(excluded.sources) ORDER BY 1)) END,
	asn = CASE WHEN excluded.enriched_at >= coalesce(enriched_at, 0) THEN excluded.asn ELSE asn END,
	isp = CASE WHEN excluded.enriched_at >= coalesce(enriched_at, 0) THEN excluded.isp ELSE isp END,
	country = CASE WHEN excluded.enriched_at >= coalesce(enriched_at, 0) THEN excluded.country ELSE country END,
	enriched_at = CASE WHEN excluded.enriched_at >= coalesce(enriched_at, 0) THEN excluded.enriched_at ELSE enriched_at END`

// upsertSightingSQL adds one indicator of a sighting.
var upsertSightingSQL = "INSERT INTO indicators (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" +
	fmt.Sprintf(mergeSQL, "sightings + excluded.sightings") + " RETURNING id"

// Records are buffered flushRows at a time, then merged batchRows per
// statement, in the background while the next records are read and
// checked.
const (
	batchRows = 256
	flushRows = 100_000
)

// Update runs fn in one IMMEDIATE transaction.
func (s *Store) Update(ctx context.Context, fn func(w store.Writer) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	w := &writer{tx: tx, now: s.now}
	defer w.close()
	if err := fn(w); err != nil {
		return err
	}
	if err := w.merge(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// writer writes in one transaction with statements prepared once.
type writer struct {
	tx                          *sql.Tx
	now                         func() time.Time
	batch, batchPlain, sighting *sql.Stmt
	link, snapshot, indByKey    *sql.Stmt
	pending                     []intel.Record // checked records not yet merged
	spare                       []intel.Record // the buffer of the batch in flight, reused
	inflight                    *inflight
	sets                        setCache
}

// inflight is a batch of records being merged in the background; only
// that goroutine uses the transaction until done delivers.
type inflight struct {
	buf  []intel.Record
	done chan error
}

// close waits for the batch in flight, then closes the statements.
func (w *writer) close() {
	w.wait()
	for _, st := range []*sql.Stmt{w.batch, w.batchPlain, w.sighting, w.link, w.snapshot, w.indByKey} {
		if st != nil {
			st.Close()
		}
	}
}

// stmt prepares q once per transaction.
func (w *writer) stmt(ctx context.Context, p **sql.Stmt, q string) (*sql.Stmt, error) {
	if *p == nil {
		st, err := w.tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("store: prepare: %w", err)
		}
		*p = st
	}
	return *p, nil
}

// AddRecord checks r and buffers it; merge writes the buffer.
func (w *writer) AddRecord(ctx context.Context, r intel.Record, src store.Source) error {
	r, err := store.CheckRecord(r, src, w.now())
	if err != nil {
		return err
	}
	w.pending = append(w.pending, r)
	if len(w.pending) >= flushRows {
		return w.startMerge(ctx)
	}
	return nil
}

// merge writes the buffered records into indicators, and waits until they
// are.
func (w *writer) merge(ctx context.Context) error {
	if err := w.startMerge(ctx); err != nil {
		return err
	}
	return w.wait()
}

// startMerge sorts the buffered records, waits for the batch in flight,
// then merges them into indicators in the background.
func (w *writer) startMerge(ctx context.Context) error {
	if len(w.pending) == 0 {
		return w.wait()
	}
	order := store.KeyOrder(w.pending)
	if err := w.wait(); err != nil {
		return err
	}
	b := &inflight{buf: w.pending, done: make(chan error, 1)}
	w.pending, w.spare = w.spare[:0], nil
	w.inflight = b
	go func() { b.done <- w.mergeRows(ctx, order) }()
	return nil
}

// wait waits for the batch in flight and returns its error.
func (w *writer) wait() error {
	b := w.inflight
	if b == nil {
		return nil
	}
	w.inflight = nil
	err := <-b.done
	clear(b.buf)
	w.spare = b.buf[:0]
	return err
}

// mergeRows writes records into indicators in key order (so that the key
// index is written in one sweep, not at random), batchRows per
// statement; with fewer parameters when none of them is enriched (most
// imports), since binding them is a good part of the cost.
func (w *writer) mergeRows(ctx context.Context, order []store.Keyed) error {
	args := make([]any, 0, batchRows*16)
	for len(order) > 0 {
		n := min(batchRows, len(order))
		plain := !slices.ContainsFunc(order[:n], enriched)
		args = args[:0]
		for _, k := range order[:n] {
			args = w.appendRow(args, k, plain)
		}
		var err error
		if n == batchRows {
			p := &w.batch
			if plain {
				p = &w.batchPlain
			}
			var st *sql.Stmt
			if st, err = w.stmt(ctx, p, mergeRowsSQL(batchRows, plain)); err == nil {
				_, err = st.ExecContext(ctx, args...)
			}
		} else {
			_, err = w.tx.ExecContext(ctx, mergeRowsSQL(n, plain), args...)
		}
		if err != nil {
			return fmt.Errorf("store: merge: %w", err)
		}
		order = order[n:]
	}
	return nil
}

// enriched reports whether k's record carries an enrichment.
func enriched(k store.Keyed) bool { return k.Enrichment != (intel.Enrichment{}) }

// mergeRowsSQL merges n records into indicators; plain records have no
// enrichment, and no parameters for it.
func mergeRowsSQL(n int, plain bool) string {
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), "
	if plain {
		row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', NULL), "
	}
	return "INSERT INTO indicators (" + columns + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row, n), ", ") +
		fmt.Sprintf(mergeSQL, "max(sightings, excluded.sightings)")
}

// appendRow appends the values of columns for k to args (without the
// enrichment when plain), with the JSON of its families and sources from
// w.sets.
func (w *writer) appendRow(args []any, k store.Keyed, plain bool) []any {
	r := k.Record
	var rdomain any
	if r.Kind == intel.KindDomain {
		rdomain = k.Key
	}
	tlp, _ := store.TLPRank(r.TLP)
	args = append(args, string(r.Kind), r.Value, r.Port, rdomain, micros(r.FirstSeen), micros(r.LastSeen),
		r.Sightings, w.sets.json(r.Families), r.Role, tlp, r.Confidence, w.sets.json(r.Sources))
	if plain {
		return args
	}
	var enrichedAt any
	if enriched(k) {
		enrichedAt = micros(r.LastSeen)
	}
	return append(args, r.ASN, r.ISP, r.Country, enrichedAt)
}

// setCache remembers the JSON of the sets (families, sources) last seen:
// an import repeats a few sets many times.
type setCache map[string]any

// json returns l as jsonSet does.
func (c *setCache) json(l []string) any {
	if len(l) == 0 {
		return nil
	}
	k := strings.Join(l, "\x00") // no copy for one value
	if v, ok := (*c)[k]; ok {
		return v
	}
	if *c == nil || len(*c) >= 4096 {
		*c = setCache{}
	}
	v := jsonSet(l)
	(*c)[strings.Clone(k)] = v
	return v
}

// upsertSighting merges one indicator of a sighting and returns its id.
func (w *writer) upsertSighting(ctx context.Context, r intel.Record) (int64, error) {
	st, err := w.stmt(ctx, &w.sighting, upsertSightingSQL)
	if err != nil {
		return 0, err
	}
	var id int64
	k := store.Keyed{Record: &r, Key: store.KeyValue(r.Kind, r.Value)}
	if err := st.QueryRowContext(ctx, w.appendRow(nil, k, false)...).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: %s %q: %w", r.Kind, r.Value, err)
	}
	return id, nil
}

// jsonSet returns l as a JSON array, or nil (NULL) when empty.
func jsonSet(l []string) any {
	if len(l) == 0 {
		return nil
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// AddSighting stores s, its indicators and links.
func (w *writer) AddSighting(ctx context.Context, s intel.Sighting, src store.Source) (int64, bool, error) {
	seen, err := store.PrepareSighting(&s, src, w.now())
	if err != nil {
		return 0, false, err
	}
	if err := w.merge(ctx); err != nil {
		return 0, false, err
	}
	hash := store.SightingHash(&s)
	var id int64
	switch err := w.tx.QueryRowContext(ctx, `SELECT id FROM sightings WHERE hash = ?`, hash).Scan(&id); {
	case err == nil:
		return id, false, nil
	case !isNoRows(err):
		return 0, false, fmt.Errorf("store: %w", err)
	}
	body, _ := json.Marshal(&s)
	tlp, _ := store.TLPRank(s.TLP)
	now := store.Micro(w.now())
	err = w.tx.QueryRowContext(ctx, `INSERT INTO sightings (hash, family, version, tlp, seen, source, body, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		hash, s.Family, s.Version, tlp, micros(seen), store.SourceName(src, s.Source), string(body), micros(now)).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("store: add sighting: %w", err)
	}
	for _, r := range store.SightingRecords(&s, src, seen) {
		ind, err := w.upsertSighting(ctx, r)
		if err != nil {
			return 0, false, err
		}
		st, err := w.stmt(ctx, &w.link, `INSERT INTO sighting_indicators (sighting_id, indicator_id, role) VALUES (?, ?, ?)`)
		if err != nil {
			return 0, false, err
		}
		if _, err := st.ExecContext(ctx, id, ind, r.Role); err != nil {
			return 0, false, fmt.Errorf("store: link %s: %w", r.Indicator, err)
		}
		if r.Enrichment != (intel.Enrichment{}) {
			if err := w.snapshotRow(ctx, ind, store.Snapshot{Enrichment: r.Enrichment, Provider: "sighting", At: seen}); err != nil {
				return 0, false, err
			}
		}
	}
	if p := src.Post; p != nil && p.URL != "" {
		_, err := w.tx.ExecContext(ctx, `INSERT INTO collected_posts (platform, author, url, text, posted, collected, sighting_id)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`,
			p.Platform, p.Author, p.URL, p.Text, nullMicros(p.Posted), micros(now), id)
		if err != nil {
			return 0, false, fmt.Errorf("store: collected post %s: %w", p.URL, err)
		}
	}
	return id, true, nil
}

// AddEnrichment keeps a snapshot and makes it the indicator's current
// enrichment when it is the newest.
func (w *writer) AddEnrichment(ctx context.Context, ind intel.Indicator, e store.Snapshot) error {
	if e.At.IsZero() {
		e.At = w.now()
	}
	e.At = store.Micro(e.At)
	if err := w.merge(ctx); err != nil {
		return err
	}
	st, err := w.stmt(ctx, &w.indByKey, `SELECT id FROM indicators WHERE kind = ? AND `+keyExpr+` = ? ORDER BY port`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, string(ind.Kind), store.KeyValue(ind.Kind, ind.Value))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("store: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if len(ids) == 0 {
		return fmt.Errorf("store: enrich %s: %w", ind, intel.ErrNotFound)
	}
	for _, id := range ids {
		if err := w.snapshotRow(ctx, id, e); err != nil {
			return err
		}
		_, err := w.tx.ExecContext(ctx, `UPDATE indicators SET asn = ?, isp = ?, country = ?, enriched_at = ?
			WHERE id = ? AND coalesce(enriched_at, 0) <= ?`, e.ASN, e.ISP, e.Country, micros(e.At), id, micros(e.At))
		if err != nil {
			return fmt.Errorf("store: enrich %s: %w", ind, err)
		}
	}
	return nil
}

func (w *writer) snapshotRow(ctx context.Context, id int64, e store.Snapshot) error {
	st, err := w.stmt(ctx, &w.snapshot, `INSERT INTO enrichments (indicator_id, provider, asn, isp, country, at) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(ctx, id, e.Provider, e.ASN, e.ISP, e.Country, micros(e.At)); err != nil {
		return fmt.Errorf("store: enrichment snapshot: %w", err)
	}
	return nil
}

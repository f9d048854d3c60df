package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// columns are the indicator columns a write sets, in the order of row.
var columns = []string{"kind", "value", "port", "rdomain", "first_seen", "last_seen", "sightings",
	"families", "role", "tlp", "confidence", "sources", "asn", "isp", "country", "enriched_at"}

const columnList = `kind, value, port, rdomain, first_seen, last_seen, sightings,
	families, role, tlp, confidence, sources, asn, isp, country, enriched_at`

// mergeSQL is the conflict clause of every indicator write; %s is how the
// sighting count merges (added for sightings, the larger for records).
const mergeSQL = `
ON CONFLICT (kind, value, port) DO UPDATE SET
	first_seen = LEAST(i.first_seen, EXCLUDED.first_seen),
	last_seen = GREATEST(i.last_seen, EXCLUDED.last_seen),
	sightings = %s,
	families = CASE WHEN EXCLUDED.families IS NULL THEN i.families WHEN i.families IS NULL THEN EXCLUDED.families
		ELSE ARRAY(SELECT DISTINCT f COLLATE "C" FROM unnest(i.families || EXCLUDED.families) f ORDER BY 1) END,
	role = CASE WHEN i.role = '' THEN EXCLUDED.role ELSE i.role END,
	tlp = GREATEST(i.tlp, EXCLUDED.tlp),
	confidence = GREATEST(i.confidence, EXCLUDED.confidence),
	sources = CASE WHEN EXCLUDED.sources IS NULL THEN i.sources WHEN i.sources IS NULL THEN EXCLUDED.sources
		ELSE ARRAY(SELECT DISTINCT f COLLATE "C" FROM unnest(i.sources || EXCLUDED.sources) f ORDER BY 1) END,
	asn = CASE WHEN EXCLUDED.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN EXCLUDED.asn ELSE i.asn END,
	isp = CASE WHEN EXCLUDED.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN EXCLUDED.isp ELSE i.isp END,
	country = CASE WHEN EXCLUDED.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN EXCLUDED.country ELSE i.country END,
	enriched_at = CASE WHEN EXCLUDED.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN EXCLUDED.enriched_at ELSE i.enriched_at END`

var (
	upsertSightingSQL = `INSERT INTO indicators AS i (` + columnList + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)` +
		fmt.Sprintf(mergeSQL, "i.sightings + EXCLUDED.sightings") + " RETURNING id"
	mergeStageSQL = `INSERT INTO indicators AS i (` + columnList + `) SELECT ` + columnList +
		` FROM stage ORDER BY kind, value, port` + fmt.Sprintf(mergeSQL, "GREATEST(i.sightings, EXCLUDED.sightings)")
)

// flushRows records are buffered, then copied into a staging table and
// merged with one statement.
const flushRows = 50_000

// Update runs fn in one transaction.
func (s *Store) Update(ctx context.Context, fn func(w store.Writer) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		w := &writer{tx: tx, now: s.now, keys: map[key]int{}}
		if err := fn(w); err != nil {
			return err
		}
		return w.flush(ctx)
	})
}

type key struct {
	kind  intel.Kind
	value string
	port  int
}

// writer writes in one transaction.
type writer struct {
	tx      pgx.Tx
	now     func() time.Time
	pending []intel.Record // checked records, at most one per key
	keys    map[key]int    // index in pending
	staging bool           // the staging table exists
}

// AddRecord checks r and buffers it, merged with any buffered record of the
// same key (one statement cannot update a row twice).
func (w *writer) AddRecord(ctx context.Context, r intel.Record, src store.Source) error {
	r, err := store.CheckRecord(r, src, w.now())
	if err != nil {
		return err
	}
	k := key{r.Kind, r.Value, r.Port}
	if i, ok := w.keys[k]; ok {
		w.pending[i] = store.Merge(w.pending[i], r)
		return nil
	}
	w.keys[k] = len(w.pending)
	w.pending = append(w.pending, r)
	if len(w.pending) >= flushRows {
		return w.flush(ctx)
	}
	return nil
}

// flush copies the buffered records into the staging table and merges them
// into indicators.
func (w *writer) flush(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	if !w.staging {
		if _, err := w.tx.Exec(ctx, `CREATE TEMP TABLE stage (LIKE indicators INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
			return fmt.Errorf("store: stage: %w", err)
		}
		w.staging = true
	}
	store.SortRecords(w.pending)
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(w.pending) {
			return nil, nil
		}
		i++
		return row(w.pending[i-1]), nil
	})
	if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"stage"}, columns, src); err != nil {
		return fmt.Errorf("store: copy: %w", err)
	}
	if _, err := w.tx.Exec(ctx, mergeStageSQL); err != nil {
		return fmt.Errorf("store: merge: %w", err)
	}
	if _, err := w.tx.Exec(ctx, `TRUNCATE stage`); err != nil {
		return fmt.Errorf("store: merge: %w", err)
	}
	w.pending = w.pending[:0]
	clear(w.keys)
	return nil
}

// row returns the values of columns for r.
func row(r intel.Record) []any {
	var rdomain, enriched any
	if r.Kind == intel.KindDomain {
		rdomain = store.ReverseDomain(r.Value)
	}
	if r.Enrichment != (intel.Enrichment{}) {
		enriched = r.LastSeen
	}
	tlp, _ := store.TLPRank(r.TLP)
	return []any{string(r.Kind), r.Value, int32(r.Port), rdomain, r.FirstSeen, r.LastSeen, int32(r.Sightings),
		textArray(r.Families), r.Role, int32(tlp), int32(r.Confidence), textArray(r.Sources),
		r.ASN, r.ISP, r.Country, enriched}
}

// textArray returns l, or nil (NULL) when empty.
func textArray(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return slices.Clone(l)
}

// AddSighting stores s, its indicators and links.
func (w *writer) AddSighting(ctx context.Context, s intel.Sighting, src store.Source) (int64, bool, error) {
	seen, err := store.PrepareSighting(&s, src, w.now())
	if err != nil {
		return 0, false, err
	}
	if err := w.flush(ctx); err != nil {
		return 0, false, err
	}
	hash := store.SightingHash(&s)
	var id int64
	switch err := w.tx.QueryRow(ctx, `SELECT id FROM sightings WHERE hash = $1`, hash).Scan(&id); {
	case err == nil:
		return id, false, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return 0, false, fmt.Errorf("store: %w", err)
	}
	body, _ := json.Marshal(&s)
	tlp, _ := store.TLPRank(s.TLP)
	now := store.Micro(w.now())
	name := store.SourceName(src, s.Source)
	err = w.tx.QueryRow(ctx, `INSERT INTO sightings (hash, family, version, tlp, seen, source, body, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		hash, s.Family, s.Version, tlp, seen, name, string(body), now).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("store: add sighting: %w", err)
	}
	var families, sources []string
	if s.Family != "" {
		families = []string{s.Family}
	}
	if name != "" {
		sources = []string{name}
	}
	for _, l := range store.Links(&s) {
		r := intel.Record{Indicator: l.Indicator, Port: l.Port, FirstSeen: seen, LastSeen: seen, Sightings: 1,
			Families: families, Role: l.Role, TLP: s.TLP, Confidence: src.Confidence, Sources: sources, Enrichment: l.Enrichment}
		var ind int64
		if err := w.tx.QueryRow(ctx, upsertSightingSQL, row(r)...).Scan(&ind); err != nil {
			return 0, false, fmt.Errorf("store: %s: %w", l.Indicator, err)
		}
		if _, err := w.tx.Exec(ctx, `INSERT INTO sighting_indicators (sighting_id, indicator_id, role) VALUES ($1, $2, $3)`, id, ind, l.Role); err != nil {
			return 0, false, fmt.Errorf("store: link %s: %w", l.Indicator, err)
		}
		if l.Enrichment != (intel.Enrichment{}) {
			if err := w.snapshotRow(ctx, ind, store.Snapshot{Enrichment: l.Enrichment, Provider: "sighting", At: seen}); err != nil {
				return 0, false, err
			}
		}
	}
	if p := src.Post; p != nil && p.URL != "" {
		_, err := w.tx.Exec(ctx, `INSERT INTO collected_posts (platform, author, url, text, posted, collected, sighting_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (url) DO NOTHING`,
			p.Platform, p.Author, p.URL, p.Text, nullTime(p.Posted), now, id)
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
	if err := w.flush(ctx); err != nil {
		return err
	}
	rows, err := w.tx.Query(ctx, `SELECT id FROM indicators WHERE kind = $1 AND value = $2 ORDER BY port`, string(ind.Kind), ind.Value)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if len(ids) == 0 {
		return fmt.Errorf("store: enrich %s: %w", ind, intel.ErrNotFound)
	}
	for _, id := range ids {
		if err := w.snapshotRow(ctx, id, e); err != nil {
			return err
		}
		_, err := w.tx.Exec(ctx, `UPDATE indicators SET asn = $1, isp = $2, country = $3, enriched_at = $4
			WHERE id = $5 AND coalesce(enriched_at, '-infinity') <= $4`, e.ASN, e.ISP, e.Country, e.At, id)
		if err != nil {
			return fmt.Errorf("store: enrich %s: %w", ind, err)
		}
	}
	return nil
}

func (w *writer) snapshotRow(ctx context.Context, id int64, e store.Snapshot) error {
	_, err := w.tx.Exec(ctx, `INSERT INTO enrichments (indicator_id, provider, asn, isp, country, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, e.Provider, e.ASN, e.ISP, e.Country, e.At)
	if err != nil {
		return fmt.Errorf("store: enrichment snapshot: %w", err)
	}
	return nil
}

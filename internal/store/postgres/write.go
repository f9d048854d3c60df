package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// columns are the indicator columns a write sets, in the order of row.
var columns = []string{"kind", "value", "port", "rdomain", "first_seen", "last_seen", "sightings",
	"families", "role", "tlp", "confidence", "sources", "asn", "isp", "country", "enriched_at"}

const columnList = `kind, value, port, rdomain, first_seen, last_seen, sightings,
	families, role, tlp, confidence, sources, asn, isp, country, enriched_at`

// setSQL merges a new row (NEW, replaced by EXCLUDED or the staging table)
// into the stored one (i); %s is how the sighting count merges (added for
// sightings, the larger for records).
const setSQL = `
	first_seen = LEAST(i.first_seen, NEW.first_seen),
	last_seen = GREATEST(i.last_seen, NEW.last_seen),
	sightings = %s,
	families = CASE WHEN NEW.families IS NULL THEN i.families WHEN i.families IS NULL THEN NEW.families
		ELSE ARRAY(SELECT DISTINCT f COLLATE "C" FROM unnest(i.families || NEW.families) f ORDER BY 1) END,
	role = CASE WHEN i.role = '' THEN NEW.role ELSE i.role END,
	tlp = GREATEST(i.tlp, NEW.tlp),
	confidence = GREATEST(i.confidence, NEW.confidence),
	sources = CASE WHEN NEW.sources IS NULL THEN i.sources WHEN i.sources IS NULL THEN NEW.sources
		ELSE ARRAY(SELECT DISTINCT f COLLATE "C" FROM unnest(i.sources || NEW.sources) f ORDER BY 1) END,
	asn = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.asn ELSE i.asn END,
	isp = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.isp ELSE i.isp END,
	country = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.country ELSE i.country END,
	enriched_at = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.enriched_at ELSE i.enriched_at END`

// set returns setSQL with the new row called alias.
func set(alias, sightings string) string {
	return strings.ReplaceAll(fmt.Sprintf(setSQL, sightings), "NEW.", alias+".")
}

var (
	upsertSightingSQL = `INSERT INTO indicators AS i (` + columnList + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (kind, value, port) DO UPDATE SET` + set("EXCLUDED", "i.sightings + EXCLUDED.sightings") + " RETURNING id"
	// mergeStageSQL merges the staging table (one row per key, in runs
	// sorted by key) into indicators in one statement: it updates the
	// indicators already stored, then inserts the others with a plain
	// INSERT, which takes two thirds of the time of INSERT … ON CONFLICT
	// (no speculative insertion). A key inserted meanwhile by another
	// transaction makes it fail with a unique violation; upsertStageSQL
	// then does the merge.
	mergeStageSQL = `WITH u AS (UPDATE indicators AS i SET` + set("s", "GREATEST(i.sightings, s.sightings)") + `
			FROM stage s WHERE i.kind = s.kind AND i.value = s.value AND i.port = s.port
			RETURNING i.kind, i.value, i.port)
	INSERT INTO indicators (` + columnList + `) SELECT ` + stageColumns + ` FROM stage s
		WHERE NOT EXISTS (SELECT FROM u WHERE u.kind = s.kind AND u.value = s.value AND u.port = s.port)`
	upsertStageSQL = `INSERT INTO indicators AS i (` + columnList + `) SELECT ` + columnList + ` FROM stage
		ON CONFLICT (kind, value, port) DO UPDATE SET` + set("EXCLUDED", "GREATEST(i.sightings, EXCLUDED.sightings)")
	stageColumns = "s." + strings.Join(columns, ", s.")
)

// copyRows records are buffered, then copied into the staging table;
// the staging table is merged into indicators when the transaction ends
// (one sweep of the key index, however large the import), or before a
// record whose key it already holds, or before any other write.
const copyRows = 50_000

// Update runs fn in one transaction.
func (s *Store) Update(ctx context.Context, fn func(w store.Writer) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		w := &writer{tx: tx, now: s.now, keys: map[key]int{}, staged: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
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
	// staged holds the hashes of the keys copied into the staging table
	// and not yet merged (a collision only costs an early merge).
	staged  map[uint64]struct{}
	seed    maphash.Seed
	enc     copyEncoder
	staging bool // the staging table exists
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
	if _, ok := w.staged[maphash.Comparable(w.seed, k)]; ok {
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	w.keys[k] = len(w.pending)
	w.pending = append(w.pending, r)
	if len(w.pending) >= copyRows {
		return w.copy(ctx)
	}
	return nil
}

// copy copies the buffered records into the staging table.
func (w *writer) copy(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	if !w.staging {
		if _, err := w.tx.Exec(ctx, `CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT `+columnList+` FROM indicators WITH NO DATA`); err != nil {
			return fmt.Errorf("store: stage: %w", err)
		}
		w.staging = true
	}
	w.enc.reset()
	for _, r := range store.KeyOrder(w.pending) {
		w.enc.record(r)
	}
	if _, err := w.tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(w.enc.end()),
		`COPY stage (`+columnList+`) FROM STDIN (FORMAT binary)`); err != nil {
		return fmt.Errorf("store: copy: %w", err)
	}
	for k := range w.keys {
		w.staged[maphash.Comparable(w.seed, k)] = struct{}{}
	}
	clear(w.pending)
	w.pending = w.pending[:0]
	clear(w.keys)
	return nil
}

// flush copies the buffered records into the staging table and merges it
// into indicators.
func (w *writer) flush(ctx context.Context) error {
	if err := w.copy(ctx); err != nil {
		return err
	}
	if len(w.staged) == 0 {
		return nil
	}
	if err := w.mergeStage(ctx); err != nil {
		return err
	}
	if _, err := w.tx.Exec(ctx, `TRUNCATE stage`); err != nil {
		return fmt.Errorf("store: merge: %w", err)
	}
	clear(w.staged)
	return nil
}

// mergeStage merges the staging table into indicators, with
// mergeStageSQL in a savepoint, else with upsertStageSQL.
func (w *writer) mergeStage(ctx context.Context) error {
	sp, err := w.tx.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: merge: %w", err)
	}
	// Memory for the hash joins of a large merge; JIT compiling costs
	// more than it saves here.
	if _, err := sp.Exec(ctx, `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`); err != nil {
		sp.Rollback(ctx)
		return fmt.Errorf("store: merge: %w", err)
	}
	if _, err := sp.Exec(ctx, mergeStageSQL); err != nil {
		sp.Rollback(ctx)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23505" { // unique_violation
			return fmt.Errorf("store: merge: %w", err)
		}
		if _, err := w.tx.Exec(ctx, upsertStageSQL); err != nil {
			return fmt.Errorf("store: merge: %w", err)
		}
		return nil
	}
	if _, err := sp.Exec(ctx, `SET LOCAL work_mem TO DEFAULT; SET LOCAL jit TO DEFAULT`); err != nil {
		sp.Rollback(ctx)
		return fmt.Errorf("store: merge: %w", err)
	}
	if err := sp.Commit(ctx); err != nil {
		return fmt.Errorf("store: merge: %w", err)
	}
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

package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// columns are the indicator columns a write sets, in the order of row
// (schema 4: key is the kind, ':' and store.KeyValue; families and sources
// are names joined by newlines; empty texts are NULL).
var columns = []string{"key", "port", "first_seen", "last_seen", "sightings",
	"families", "role", "tlp", "confidence", "sources", "asn", "isp", "country", "enriched_at"}

const columnList = `key, port, first_seen, last_seen, sightings,
	families, role, tlp, confidence, sources, asn, isp, country, enriched_at`

// setSQL merges a new row (NEW, replaced by EXCLUDED or the staging table)
// into the stored one (i); %s is how the sighting count merges (added for
// sightings, the larger for records). A list of names merges without
// calling merge_names (a query per call, ~6 µs) when it is NULL or a run of
// the stored list (then each of its names is stored already), which is
// the common case of a record seen again from the same source.
var setSQL = `
	first_seen = LEAST(i.first_seen, NEW.first_seen),
	last_seen = GREATEST(i.last_seen, NEW.last_seen),
	sightings = %s,
	families = ` + mergeNames("families") + `,
	role = coalesce(i.role, NEW.role),
	tlp = GREATEST(i.tlp, NEW.tlp),
	confidence = GREATEST(i.confidence, NEW.confidence),
	sources = ` + mergeNames("sources") + `,
	asn = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.asn ELSE i.asn END,
	isp = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.isp ELSE i.isp END,
	country = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.country ELSE i.country END,
	enriched_at = CASE WHEN NEW.enriched_at >= coalesce(i.enriched_at, '-infinity') THEN NEW.enriched_at ELSE i.enriched_at END`

// namesHeld is SQL that holds when the list of names list is NULL or a run
// of the list stored (each of its names is stored already).
func namesHeld(list, stored string) string {
	return `(` + list + ` IS NULL OR strpos(E'\n' || ` + stored + ` || E'\n', E'\n' || ` + list + ` || E'\n') > 0)`
}

// mergeNames is SQL that merges the list of names in column col of the
// new row (NEW) into the stored row (i): merge_names only when the new
// list holds names not stored.
func mergeNames(col string) string {
	return `CASE WHEN ` + namesHeld("NEW."+col, "i."+col) + ` THEN i.` + col + `
		WHEN i.` + col + ` IS NULL THEN NEW.` + col + ` ELSE merge_names(i.` + col + `, NEW.` + col + `) END`
}

// set returns setSQL with the new row called alias.
func set(alias, sightings string) string {
	return strings.ReplaceAll(fmt.Sprintf(setSQL, sightings), "NEW.", alias+".")
}

var (
	upsertSightingSQL = `INSERT INTO indicators AS i (` + columnList + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (key, port) DO UPDATE SET` + set("EXCLUDED", "i.sightings + EXCLUDED.sightings") + " RETURNING id"
	// mergeStageSQL merges the staging table (one row per key, in runs
	// sorted by key) into indicators in one statement: it updates the
	// indicators already stored that the merge changes, then inserts the
	// keys not stored (as the statement's snapshot sees them: the update
	// does not hide them) with a plain INSERT, which takes two thirds of
	// the time of INSERT … ON CONFLICT (no speculative insertion). A key
	// inserted meanwhile by another transaction makes it fail with a
	// unique violation; upsertStageSQL then does the merge.
	mergeStageSQL = `WITH u AS (UPDATE indicators AS i SET` + set("s", "GREATEST(i.sightings, s.sightings)") + `
			FROM stage s WHERE i.key = s.key AND i.port = s.port AND NOT coalesce(` + unchangedSQL + `, false))
	INSERT INTO indicators (` + columnList + `) SELECT ` + stageColumns + ` FROM stage s
		WHERE NOT EXISTS (SELECT FROM indicators i WHERE i.key = s.key AND i.port = s.port)`
	// unchangedSQL holds when merging the staged row s into the stored
	// row i (as mergeStageSQL sets it) would change nothing; mergeStageSQL
	// then leaves the row alone, so that re-importing what is stored
	// writes nothing. NULL (a NULL list or enrichment) counts as a change:
	// the row is rewritten, as before.
	unchangedSQL = `(s.first_seen >= i.first_seen AND s.last_seen <= i.last_seen AND s.sightings <= i.sightings
		AND ` + namesHeld("s.families", "i.families") + `
		AND (s.role IS NULL OR i.role IS NOT NULL) AND s.tlp <= i.tlp AND s.confidence <= i.confidence
		AND ` + namesHeld("s.sources", "i.sources") + `
		AND (s.enriched_at IS NULL OR s.enriched_at < coalesce(i.enriched_at, '-infinity')
			OR (s.asn, s.isp, s.country, s.enriched_at) IS NOT DISTINCT FROM (i.asn, i.isp, i.country, i.enriched_at)))`
	upsertStageSQL = `INSERT INTO indicators AS i (` + columnList + `) SELECT ` + columnList + ` FROM stage
		ON CONFLICT (key, port) DO UPDATE SET` + set("EXCLUDED", "GREATEST(i.sightings, EXCLUDED.sightings)")
	stageColumns    = "s." + strings.Join(columns, ", s.")
	copyStageSQL    = `COPY stage (` + columnList + `) FROM STDIN (FORMAT binary)`
	copyStraightSQL = `COPY indicators (` + columnList + `) FROM STDIN (FORMAT binary)`
)

// Records are written in batches of copyRows, sorted by key, in one of two
// ways.
//
// Straight: while no key of the import is found stored, each batch is
// copied into indicators under a savepoint, in the background while the
// next batch is read and checked. Copying straight into the table is the
// fastest way in: no staging table, one pass over the rows. The first
// batches are small, so that the server starts early instead of waiting
// for a whole batch to be read and checked; then batches grow to
// maxCopyRows (straightBatch), so that an import of up to 8M records
// opens at most 64 subtransactions (the number PostgreSQL keeps in shared
// memory; more make other sessions' snapshots slower while the import
// runs).
//
// Staged: the first batch holding a stored key (a unique violation) is
// rolled back to its savepoint, and it and every record after it are
// copied into a temporary staging table, merged into indicators when the
// transaction ends (one sweep of the key index, however large the
// import), or before a record whose key it already holds, or before any
// other write.
const (
	copyRows    = 50_000
	maxCopyRows = 4 * copyRows
)

// straightBatch returns the size of straight batch n (0, 1, …):
// copyRows/16, /8, /4, /2, then copyRows, doubling every 16 batches up to
// maxCopyRows.
func straightBatch(n int) int {
	if n < 4 {
		return copyRows >> (4 - n)
	}
	return min(copyRows<<min((n-4)/16, 2), maxCopyRows)
}

// Update runs fn in one transaction.
func (s *Store) Update(ctx context.Context, fn func(w store.Writer) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		w := &writer{tx: tx, now: s.now, straight: true, staged: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
		defer w.join() // no copy is in flight when the transaction ends
		if err := fn(w); err != nil {
			return err
		}
		return w.flush(ctx)
	})
}

// key is what the staging table's keys are remembered by: the kind,
// store.KeyValue and the port.
type key struct {
	kind  intel.Kind
	value string // store.KeyValue
	port  int
}

// writer writes in one transaction.
type writer struct {
	tx  pgx.Tx
	now func() time.Time
	// pending holds the checked records not yet copied, in the order they
	// came (a key may repeat: copies merge the records of one key). A
	// batch's records are dropped once it is encoded and its copy started:
	// a batch in flight is held only as its COPY data.
	pending []intel.Record
	// straight is set while batches are copied straight into indicators;
	// inflight is the batch being copied, batches counts those copied.
	straight bool
	inflight *straightCopy
	batches  int
	encs     [2]copyEncoder // one for the batch in flight, one to fill
	// staged holds the hashes of the keys copied into the staging table
	// and not yet merged (a collision only costs an early merge): a batch
	// holding one of them is copied only after a merge, since one
	// statement cannot update a row twice.
	staged  map[uint64]struct{}
	seed    maphash.Seed
	enc     copyEncoder
	staging bool // the staging table exists
}

// straightCopy is a batch copied straight into indicators.
type straightCopy struct {
	data []byte // the COPY data, kept until the copy succeeds, to copy it into the staging table instead
	done chan error
}

// AddRecord checks r and buffers it.
func (w *writer) AddRecord(ctx context.Context, r intel.Record, src store.Source) error {
	r, err := store.CheckRecord(r, src, w.now())
	if err != nil {
		return err
	}
	batch := copyRows
	if w.straight {
		batch = straightBatch(w.batches)
	}
	if len(w.pending) == 0 && cap(w.pending) < batch {
		w.pending = make([]intel.Record, 0, batch) // not grown record by record: records are large
	}
	w.pending = append(w.pending, r)
	switch {
	case !w.straight && len(w.pending) >= copyRows:
		return w.copy(ctx)
	case w.straight && len(w.pending) >= batch:
		return w.copyStraight(ctx)
	}
	return nil
}

// merged returns recs in key order, the records of one key merged into the
// first (store.Merge, in the order of recs).
func merged(recs []intel.Record) []store.Keyed {
	order := store.KeyOrder(recs)
	out := order[:0]
	for _, k := range order {
		if n := len(out); n > 0 && store.SameKey(out[n-1].Record, k.Record) {
			*out[n-1].Record = store.Merge(*out[n-1].Record, *k.Record)
			continue
		}
		out = append(out, k)
	}
	return out
}

// copyStraight sorts and encodes the buffered records, waits for the
// batch in flight, then starts copying them straight into indicators, in
// the background.
func (w *writer) copyStraight(ctx context.Context) error {
	if len(w.pending) == 0 {
		return w.wait(ctx)
	}
	enc := &w.encs[w.batches%2] // the other one may be in flight
	enc.reset()
	for _, k := range merged(w.pending) {
		enc.record(k)
	}
	if err := w.wait(ctx); err != nil {
		return err
	}
	if !w.straight {
		// The batch in flight held a stored key: these records go through
		// the staging table. merged has merged each key's records into its
		// first already; store.Merge is idempotent, so merging them again
		// there changes nothing.
		if len(w.pending) >= copyRows {
			return w.copy(ctx)
		}
		return nil
	}
	next := &straightCopy{data: enc.end(), done: make(chan error, 1)}
	clear(w.pending)
	w.pending = w.pending[:0]
	w.inflight = next
	w.batches++
	go func() { next.done <- w.copyInto(ctx, next.data) }()
	return nil
}

// copyInto copies data straight into indicators under a savepoint, rolled
// back if the copy fails.
func (w *writer) copyInto(ctx context.Context, data []byte) error {
	sp, err := w.tx.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := w.tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(data), copyStraightSQL); err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return sp.Commit(ctx)
}

// wait waits for the batch in flight. If it held a stored key, it was
// rolled back: its data is copied into the staging table, and every
// record after it goes there too.
func (w *writer) wait(ctx context.Context) error {
	c := w.inflight
	if c == nil {
		return nil
	}
	w.inflight = nil
	err := <-c.done
	if err == nil {
		return nil
	}
	if !uniqueViolation(err) {
		return fmt.Errorf("store: copy: %w", err)
	}
	w.straight = false
	if err := w.stage(ctx); err != nil {
		return err
	}
	// Nothing is staged yet (straight copies come first), and a batch
	// holds each key once: no merge is needed before it.
	if err := stagedKeys(c.data, func(k key) { w.staged[maphash.Comparable(w.seed, k)] = struct{}{} }); err != nil {
		return err
	}
	if _, err := w.tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(c.data), copyStageSQL); err != nil {
		return fmt.Errorf("store: copy: %w", err)
	}
	return nil
}

// stagedKeys calls fn with the key of each row of the COPY data an
// encoder made (a key column, then the port).
func stagedKeys(data []byte, fn func(key)) error {
	bad := fmt.Errorf("store: copy data: %w", intel.ErrInvalid)
	p := len(copyHeader)
	for {
		if p+2 > len(data) {
			return bad
		}
		if data[p] == 0xff && data[p+1] == 0xff {
			return nil
		}
		p += 2
		field := func() ([]byte, bool) {
			if p+4 > len(data) {
				return nil, false
			}
			n := int(int32(binary.BigEndian.Uint32(data[p:])))
			p += 4
			if n < 0 || p+n > len(data) {
				return nil, false
			}
			p += n
			return data[p-n : p], true
		}
		kb, ok1 := field()
		pb, ok2 := field()
		if !ok1 || !ok2 || len(pb) != 4 {
			return bad
		}
		kind, value, ok := strings.Cut(string(kb), ":")
		if !ok {
			return bad
		}
		fn(key{intel.Kind(kind), value, int(int32(binary.BigEndian.Uint32(pb)))})
		for range len(columns) - 2 {
			if p+4 > len(data) {
				return bad
			}
			if n := int(int32(binary.BigEndian.Uint32(data[p:]))); n > 0 {
				p += n
			}
			p += 4
		}
	}
}

// join waits for the batch in flight, if any, whatever its outcome: the
// transaction is failing.
func (w *writer) join() {
	if c := w.inflight; c != nil {
		<-c.done
		w.inflight = nil
	}
}

// copy copies the buffered records into the staging table (and from then
// on, records go through it).
func (w *writer) copy(ctx context.Context) error {
	if err := w.wait(ctx); err != nil {
		return err
	}
	w.straight = false
	if len(w.pending) == 0 {
		return nil
	}
	if err := w.stage(ctx); err != nil {
		return err
	}
	batch := merged(w.pending)
	hashes := make([]uint64, len(batch))
	again := false // a key of the batch is staged: merge the staging table first
	for i, k := range batch {
		hashes[i] = maphash.Comparable(w.seed, key{k.Kind, k.Key, k.Port})
		_, ok := w.staged[hashes[i]]
		again = again || ok
	}
	if again {
		if err := w.mergeStaged(ctx); err != nil {
			return err
		}
	}
	w.enc.reset()
	for i, k := range batch {
		w.enc.record(k)
		w.staged[hashes[i]] = struct{}{}
	}
	if _, err := w.tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(w.enc.end()), copyStageSQL); err != nil {
		return fmt.Errorf("store: copy: %w", err)
	}
	clear(w.pending)
	w.pending = w.pending[:0]
	return nil
}

// stage creates the staging table, if it does not exist yet.
func (w *writer) stage(ctx context.Context) error {
	if w.staging {
		return nil
	}
	if _, err := w.tx.Exec(ctx, `CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT `+columnList+` FROM indicators WITH NO DATA`); err != nil {
		return fmt.Errorf("store: stage: %w", err)
	}
	w.staging = true
	return nil
}

// flush writes the buffered records, and merges the staging table into
// indicators.
func (w *writer) flush(ctx context.Context) error {
	if w.straight {
		if err := w.copyStraight(ctx); err != nil {
			return err
		}
		if err := w.wait(ctx); err != nil {
			return err
		}
	}
	if len(w.pending) > 0 {
		if err := w.copy(ctx); err != nil {
			return err
		}
	}
	return w.mergeStaged(ctx)
}

// mergeStaged merges the staging table into indicators and empties it.
func (w *writer) mergeStaged(ctx context.Context) error {
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
		if !uniqueViolation(err) {
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

// uniqueViolation reports whether err is PostgreSQL's unique_violation.
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// row returns the values of columns for r.
func row(r intel.Record) []any {
	var enriched any
	if r.Enrichment != (intel.Enrichment{}) {
		enriched = r.LastSeen
	}
	tlp, _ := store.TLPRank(r.TLP)
	return []any{indicatorKey(r.Kind, r.Value), int32(r.Port), r.FirstSeen, r.LastSeen, int32(r.Sightings),
		joinNames(r.Families), nullText(r.Role), int32(tlp), int32(r.Confidence), joinNames(r.Sources),
		nullText(r.ASN), nullText(r.ISP), nullText(r.Country), enriched}
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
	for _, r := range store.SightingRecords(&s, src, seen) {
		var ind int64
		if err := w.tx.QueryRow(ctx, upsertSightingSQL, row(r)...).Scan(&ind); err != nil {
			return 0, false, fmt.Errorf("store: %s: %w", r.Indicator, err)
		}
		if _, err := w.tx.Exec(ctx, `INSERT INTO sighting_indicators (sighting_id, indicator_id, role) VALUES ($1, $2, $3)`, id, ind, r.Role); err != nil {
			return 0, false, fmt.Errorf("store: link %s: %w", r.Indicator, err)
		}
		if r.Enrichment != (intel.Enrichment{}) {
			if err := w.snapshotRow(ctx, ind, store.Snapshot{Enrichment: r.Enrichment, Provider: "sighting", At: seen}); err != nil {
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
	rows, err := w.tx.Query(ctx, `SELECT id FROM indicators WHERE key = $1 ORDER BY port`, indicatorKey(ind.Kind, ind.Value))
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
			WHERE id = $5 AND coalesce(enriched_at, '-infinity') <= $4`, nullText(e.ASN), nullText(e.ISP), nullText(e.Country), e.At, id)
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

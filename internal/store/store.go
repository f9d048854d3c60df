// Package store is the port through which iocast keeps the history of every
// indicator it posted or collected: sightings, indicators with their first
// and last sighting, the links between them, posts (the outbox), collected
// posts as provenance and enrichment snapshots.
//
// Store is the interface the CLI (and later the server and the publisher)
// uses; internal/store/sqlite and internal/store/postgres implement it and
// internal/store/storetest is the conformance suite both pass. The
// semantics (first/last seen, revoke, re-import) are documented in
// docs/STORE.md; the helpers in this package (Links, Merge, SightingHash,
// ParseQuery) hold the parts of them that do not depend on SQL, so that both
// implementations share one definition.
package store

import (
	"context"
	"time"

	"github.com/iocast/iocast/intel"
)

// Store keeps indicators with their history. Every method is safe for
// concurrent use. Errors wrap intel.ErrInvalid for bad input and
// intel.ErrNotFound for lookups that found nothing.
type Store interface {
	// Update runs fn in one transaction: everything fn writes through w is
	// committed when fn returns nil, and nothing is when fn (or the commit)
	// fails, so a failed import leaves the store exactly as it was.
	Update(ctx context.Context, fn func(w Writer) error) error
	// Search returns the indicators matching q (see ParseQuery): the exact
	// value, a domain and its subdomains, or the IP addresses in a CIDR
	// range. Revoked indicators are included, marked. It returns an error
	// wrapping intel.ErrNotFound when nothing matches.
	Search(ctx context.Context, q string) ([]intel.Record, error)
	// Indicators calls fn for each indicator that f selects, oldest first,
	// streaming from the database: memory does not grow with the result.
	// It stops at, and returns, the first error fn returns.
	Indicators(ctx context.Context, f Filter, fn func(intel.Record) error) error
	// Revoke marks every indicator that value matches exactly as revoked,
	// with the time and reason. Revoked indicators stay in the store and in
	// its history. It returns the number revoked, and an error wrapping
	// intel.ErrNotFound when there is none.
	Revoke(ctx context.Context, value, reason string) (int, error)
	// Stats counts what the store holds.
	Stats(ctx context.Context) (Stats, error)
	// Outbox returns the posts iocast is publishing (or published).
	Outbox() Outbox
	// Close releases the database.
	Close() error
}

// Writer writes within one transaction of Store.Update.
type Writer interface {
	// AddSighting stores the sighting (normalized first; an invalid one is
	// rejected with intel.ErrInvalid), its indicators and the links between
	// them. A sighting already stored (same SightingHash) changes nothing:
	// its id is returned with added false.
	AddSighting(ctx context.Context, s intel.Sighting, src Source) (id int64, added bool, err error)
	// AddRecord merges one indicator with its history (an exchange format's
	// record, or extractor output with FirstSeen = LastSeen = the import
	// time) into the store, as Merge describes. Its value must be canonical.
	AddRecord(ctx context.Context, r intel.Record, src Source) error
	// AddEnrichment keeps a dated snapshot of what is known of an
	// indicator's network; the newest snapshot is what Records carry. It
	// returns an error wrapping intel.ErrNotFound for an unknown indicator.
	AddEnrichment(ctx context.Context, ind intel.Indicator, e Snapshot) error
}

// Source is where a write came from: its provenance.
type Source struct {
	// Name is listed in the indicators' Sources: a post URL, a file name,
	// a feed. Empty: the sighting's Source field, else nothing.
	Name string
	// Time is when the indicators were seen, when the input does not say
	// (a sighting without Observed, extractor output). Zero means now.
	Time time.Time
	// Confidence (0–100) applies to indicators that state none.
	Confidence int
	// Post, when set, is a post collected from someone else's account; it
	// is kept, with its author and URL, as the sighting's provenance.
	Post *CollectedPost
}

// CollectedPost is a post iocast read (collected) from an account.
type CollectedPost struct {
	Platform string
	Author   string
	URL      string
	Text     string
	// Posted is when the post was published.
	Posted time.Time
}

// Snapshot is one dated enrichment of an indicator.
type Snapshot struct {
	intel.Enrichment
	// Provider names the source of the data ("mmdb", "iptoasn", "sighting").
	Provider string
	// At is when the data was looked up. Zero means now.
	At time.Time
}

// Filter selects the indicators of Store.Indicators. The zero Filter
// selects every indicator that is not revoked.
type Filter struct {
	// Kind, when set, keeps indicators of that kind.
	Kind intel.Kind
	// Family, when set, keeps indicators seen with that family (case
	// insensitive).
	Family string
	// Since, when set, keeps indicators last seen at or after it.
	Since time.Time
	// IncludeRevoked also returns revoked indicators.
	IncludeRevoked bool
}

// Stats counts what a store holds.
type Stats struct {
	// Indicators counts every indicator, revoked ones included; ByKind
	// splits that count by kind.
	Indicators int64                `json:"indicators"`
	ByKind     map[intel.Kind]int64 `json:"by_kind"`
	Revoked    int64                `json:"revoked"`
	Sightings  int64                `json:"sightings"`
	Links      int64                `json:"links"`
	// Posts counts the outbox by state.
	Posts       map[PostState]int64 `json:"posts"`
	Collected   int64               `json:"collected_posts"`
	Enrichments int64               `json:"enrichments"`
	// FirstSeen and LastSeen bound every indicator's sightings (zero when
	// the store is empty).
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Schema is the newest migration applied.
	Schema int `json:"schema"`
}

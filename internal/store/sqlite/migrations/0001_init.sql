-- iocast store schema 1 (SQLite). Times are Unix microseconds, UTC.
-- Documented in docs/STORE.md; the PostgreSQL schema mirrors it.

CREATE TABLE sightings (
	id      INTEGER PRIMARY KEY,
	hash    TEXT    NOT NULL UNIQUE,      -- store.SightingHash
	family  TEXT    NOT NULL DEFAULT '',
	version TEXT    NOT NULL DEFAULT '',
	tlp     INTEGER NOT NULL DEFAULT 0,   -- store.TLPRank
	seen    INTEGER NOT NULL,             -- observed, else import time
	source  TEXT    NOT NULL DEFAULT '',
	body    TEXT    NOT NULL,             -- the normalized sighting, JSON
	created INTEGER NOT NULL
);

CREATE TABLE indicators (
	id            INTEGER PRIMARY KEY,
	kind          TEXT    NOT NULL,
	value         TEXT    NOT NULL,       -- canonical
	port          INTEGER NOT NULL DEFAULT 0,
	rdomain       TEXT,                   -- store.ReverseDomain, domains only
	first_seen    INTEGER NOT NULL,
	last_seen     INTEGER NOT NULL,
	sightings     INTEGER NOT NULL DEFAULT 0,
	families      TEXT,                   -- JSON array, NULL when none
	role          TEXT    NOT NULL DEFAULT '',
	tlp           INTEGER NOT NULL DEFAULT 0,
	confidence    INTEGER NOT NULL DEFAULT 0,
	sources       TEXT,                   -- JSON array, NULL when none
	asn           TEXT    NOT NULL DEFAULT '',
	isp           TEXT    NOT NULL DEFAULT '',
	country       TEXT    NOT NULL DEFAULT '',
	enriched_at   INTEGER,
	revoked       INTEGER NOT NULL DEFAULT 0,
	revoked_at    INTEGER,
	revoke_reason TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX indicators_key ON indicators (kind, value, port);
CREATE INDEX indicators_rdomain ON indicators (rdomain) WHERE rdomain IS NOT NULL;

CREATE TABLE sighting_indicators (
	sighting_id  INTEGER NOT NULL REFERENCES sightings (id),
	indicator_id INTEGER NOT NULL REFERENCES indicators (id),
	role         TEXT    NOT NULL DEFAULT '',  -- c2, sample or '' (unknown)
	PRIMARY KEY (sighting_id, indicator_id)
) WITHOUT ROWID;
CREATE INDEX sighting_indicators_indicator ON sighting_indicators (indicator_id);

CREATE TABLE posts (
	id          INTEGER PRIMARY KEY,
	sighting_id INTEGER REFERENCES sightings (id),
	platform    TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('draft', 'queued', 'published', 'failed')),
	remote_id   TEXT    NOT NULL DEFAULT '',
	url         TEXT    NOT NULL DEFAULT '',
	error       TEXT    NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	updated     INTEGER NOT NULL
);
CREATE INDEX posts_state ON posts (state);

CREATE TABLE collected_posts (
	id          INTEGER PRIMARY KEY,
	platform    TEXT    NOT NULL DEFAULT '',
	author      TEXT    NOT NULL DEFAULT '',
	url         TEXT    NOT NULL UNIQUE,
	text        TEXT    NOT NULL DEFAULT '',
	posted      INTEGER,
	collected   INTEGER NOT NULL,
	sighting_id INTEGER REFERENCES sightings (id)
);

CREATE TABLE enrichments (
	id           INTEGER PRIMARY KEY,
	indicator_id INTEGER NOT NULL REFERENCES indicators (id),
	provider     TEXT    NOT NULL DEFAULT '',
	asn          TEXT    NOT NULL DEFAULT '',
	isp          TEXT    NOT NULL DEFAULT '',
	country      TEXT    NOT NULL DEFAULT '',
	at           INTEGER NOT NULL
);
CREATE INDEX enrichments_indicator ON enrichments (indicator_id, at);

-- iocast store schema 1 (PostgreSQL). Mirrors the SQLite schema; see
-- docs/STORE.md.

CREATE TABLE sightings (
	id      bigserial   PRIMARY KEY,
	hash    text        NOT NULL UNIQUE,      -- store.SightingHash
	family  text        NOT NULL DEFAULT '',
	version text        NOT NULL DEFAULT '',
	tlp     integer     NOT NULL DEFAULT 0,   -- store.TLPRank
	seen    timestamptz NOT NULL,             -- observed, else import time
	source  text        NOT NULL DEFAULT '',
	body    jsonb       NOT NULL,             -- the normalized sighting
	created timestamptz NOT NULL
);

CREATE TABLE indicators (
	id            bigserial   PRIMARY KEY,
	kind          text        COLLATE "C" NOT NULL,
	value         text        COLLATE "C" NOT NULL,  -- canonical; byte order
	port          integer     NOT NULL DEFAULT 0,
	rdomain       text        COLLATE "C",    -- store.ReverseDomain, domains only
	first_seen    timestamptz NOT NULL,
	last_seen     timestamptz NOT NULL,
	sightings     integer     NOT NULL DEFAULT 0,
	families      text[],                     -- sorted, NULL when none
	role          text        NOT NULL DEFAULT '',
	tlp           integer     NOT NULL DEFAULT 0,
	confidence    integer     NOT NULL DEFAULT 0,
	sources       text[],                     -- sorted, NULL when none
	asn           text        NOT NULL DEFAULT '',
	isp           text        NOT NULL DEFAULT '',
	country       text        NOT NULL DEFAULT '',
	enriched_at   timestamptz,
	revoked       boolean     NOT NULL DEFAULT false,
	revoked_at    timestamptz,
	revoke_reason text        NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX indicators_key ON indicators (kind, value, port);
CREATE INDEX indicators_rdomain ON indicators (rdomain) WHERE rdomain IS NOT NULL;

CREATE TABLE sighting_indicators (
	sighting_id  bigint NOT NULL REFERENCES sightings (id),
	indicator_id bigint NOT NULL REFERENCES indicators (id),
	role         text   NOT NULL DEFAULT '',  -- c2, sample or '' (unknown)
	PRIMARY KEY (sighting_id, indicator_id)
);
CREATE INDEX sighting_indicators_indicator ON sighting_indicators (indicator_id);

CREATE TABLE posts (
	id          bigserial   PRIMARY KEY,
	sighting_id bigint      REFERENCES sightings (id),
	platform    text        NOT NULL,
	text        text        NOT NULL,
	state       text        NOT NULL CHECK (state IN ('draft', 'queued', 'published', 'failed')),
	remote_id   text        NOT NULL DEFAULT '',
	url         text        NOT NULL DEFAULT '',
	error       text        NOT NULL DEFAULT '',
	created     timestamptz NOT NULL,
	updated     timestamptz NOT NULL
);
CREATE INDEX posts_state ON posts (state);

CREATE TABLE collected_posts (
	id          bigserial   PRIMARY KEY,
	platform    text        NOT NULL DEFAULT '',
	author      text        NOT NULL DEFAULT '',
	url         text        NOT NULL UNIQUE,
	text        text        NOT NULL DEFAULT '',
	posted      timestamptz,
	collected   timestamptz NOT NULL,
	sighting_id bigint      REFERENCES sightings (id)
);

CREATE TABLE enrichments (
	id           bigserial   PRIMARY KEY,
	indicator_id bigint      NOT NULL REFERENCES indicators (id),
	provider     text        NOT NULL DEFAULT '',
	asn          text        NOT NULL DEFAULT '',
	isp          text        NOT NULL DEFAULT '',
	country      text        NOT NULL DEFAULT '',
	at           timestamptz NOT NULL
);
CREATE INDEX enrichments_indicator ON enrichments (indicator_id, at);

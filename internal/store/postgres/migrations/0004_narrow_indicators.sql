-- Schema 4 rebuilds indicators narrower, so that an import does less per
-- row (docs/PERFORMANCE.md, "PostgreSQL import, round 2"):
--   * one column, key, files an indicator under kind ':' store.KeyValue
--     (the value; a domain's labels reversed: 'domain:com.evil.www'), and
--     replaces kind, value and rdomain; the unique index is (key, port),
--     two columns and no expression. key is bytea, its UTF-8 bytes:
--     compared byte by byte as text COLLATE "C" would be, but received and
--     compared without the encoding and collation checks of text. The kind
--     and value are read back from it (Go: parseKey; SQL: the view
--     indicator_values).
--   * families and sources are text, the sorted names joined by a
--     newline (store.CheckRecord turns control characters in a name into
--     spaces), NULL when none: text[] costs a third more to receive.
--   * role, asn, isp, country and revoke_reason are NULL when empty, and
--     revoked is revoked_at IS NOT NULL: a NULL costs nothing to receive
--     or store.
--   * the id sequence hands each session 64 ids at a time.
-- Ids are kept, so sighting_indicators and enrichments keep pointing at
-- the same rows.
ALTER TABLE sighting_indicators DROP CONSTRAINT sighting_indicators_indicator_id_fkey;
ALTER TABLE enrichments DROP CONSTRAINT enrichments_indicator_id_fkey;
ALTER TABLE indicators RENAME TO indicators_3;
ALTER INDEX indicators_pkey RENAME TO indicators_3_pkey;
ALTER INDEX indicators_key RENAME TO indicators_3_key;
ALTER SEQUENCE indicators_id_seq RENAME TO indicators_3_id_seq;

CREATE TABLE indicators (
	id            bigserial   PRIMARY KEY,
	key           bytea       NOT NULL,       -- UTF-8 of kind ':' store.KeyValue
	port          integer     NOT NULL DEFAULT 0,
	first_seen    timestamptz NOT NULL,
	last_seen     timestamptz NOT NULL,
	sightings     integer     NOT NULL DEFAULT 0,
	families      text,                       -- sorted, newline-separated; NULL when none
	role          text,                       -- c2, sample; NULL when unknown
	tlp           integer     NOT NULL DEFAULT 0,
	confidence    integer     NOT NULL DEFAULT 0,
	sources       text,                       -- sorted, newline-separated; NULL when none
	asn           text,
	isp           text,
	country       text,
	enriched_at   timestamptz,
	revoked_at    timestamptz,                -- NULL unless revoked
	revoke_reason text
);
ALTER SEQUENCE indicators_id_seq CACHE 64;

INSERT INTO indicators (id, key, port, first_seen, last_seen, sightings, families, role, tlp, confidence,
		sources, asn, isp, country, enriched_at, revoked_at, revoke_reason)
	SELECT id, convert_to(kind || ':' || coalesce(rdomain, value), 'UTF8'), port, first_seen, last_seen, sightings,
		array_to_string(families, E'\n'), nullif(role, ''), tlp, confidence,
		array_to_string(sources, E'\n'), nullif(asn, ''), nullif(isp, ''), nullif(country, ''), enriched_at,
		CASE WHEN revoked THEN coalesce(revoked_at, now()) END, nullif(revoke_reason, '')
	FROM indicators_3 ORDER BY id;
SELECT setval('indicators_id_seq', coalesce((SELECT max(id) FROM indicators), 0) + 1, false);
DROP TABLE indicators_3;

CREATE UNIQUE INDEX indicators_key ON indicators (key, port);
ALTER TABLE sighting_indicators ADD CONSTRAINT sighting_indicators_indicator_id_fkey
	FOREIGN KEY (indicator_id) REFERENCES indicators (id);
ALTER TABLE enrichments ADD CONSTRAINT enrichments_indicator_id_fkey
	FOREIGN KEY (indicator_id) REFERENCES indicators (id);

-- indicator_values shows indicators with their kind and value, for people
-- reading the database with psql or a BI tool.
CREATE VIEW indicator_values AS
	SELECT id, split_part(k, ':', 1) AS kind,
		CASE WHEN k LIKE 'domain:%' THEN
			array_to_string(ARRAY(SELECT l FROM unnest(string_to_array(substr(k, 8), '.')) WITH ORDINALITY AS t (l, n)
				ORDER BY n DESC), '.')
		ELSE substr(k, strpos(k, ':') + 1) END AS value,
		port, first_seen, last_seen, sightings,
		string_to_array(families, E'\n') AS families, coalesce(role, '') AS role, tlp, confidence,
		string_to_array(sources, E'\n') AS sources, coalesce(asn, '') AS asn, coalesce(isp, '') AS isp,
		coalesce(country, '') AS country, enriched_at,
		revoked_at IS NOT NULL AS revoked, revoked_at, coalesce(revoke_reason, '') AS revoke_reason
	FROM indicators, LATERAL (SELECT convert_from(key, 'UTF8') AS k) AS key_text;

-- merge_names merges two lists of names as families and sources keep
-- them: the union, sorted in byte order, without duplicates; NULL when
-- both are NULL.
CREATE FUNCTION merge_names(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN b IS NULL THEN a WHEN a IS NULL THEN b ELSE
		array_to_string(ARRAY(SELECT DISTINCT n COLLATE "C" FROM unnest(string_to_array(a || E'\n' || b, E'\n')) AS n
			ORDER BY 1), E'\n') END
$$;

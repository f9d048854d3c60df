#!/bin/sh
# pg-copy-callgrind.sh: how many instructions PostgreSQL's backend spends
# in COPY … FROM for 250,000 indicators like storetest.Generate's, copied
# in batches of 25,000 sorted by key (as the store's writer sends them),
# into the indicators table of schema 3 and of schema 4, and (schema 4)
# sorted as one batch. Counts do not depend on machine load, unlike
# wall-clock time. docs/PERFORMANCE.md, "PostgreSQL import, round 2".
#
# Needs valgrind and PostgreSQL's server binaries (Debian: postgresql-15);
# runs a scratch cluster in single-user mode as user postgres, in a
# temporary directory it removes. Takes about 5 minutes.
set -eu
bin=${PGBIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/pgcg.XXXXXX)
chmod 755 "$dir"
chown postgres "$dir"
trap 'rm -rf "$dir"' EXIT
su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres" >/dev/null

schema3='CREATE TABLE indicators (
	id bigserial PRIMARY KEY, kind text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL,
	port integer NOT NULL DEFAULT 0, rdomain text COLLATE "C", first_seen timestamptz NOT NULL,
	last_seen timestamptz NOT NULL, sightings integer NOT NULL DEFAULT 0, families text[],
	role text NOT NULL DEFAULT '"''"', tlp integer NOT NULL DEFAULT 0, confidence integer NOT NULL DEFAULT 0,
	sources text[], asn text NOT NULL DEFAULT '"''"', isp text NOT NULL DEFAULT '"''"',
	country text NOT NULL DEFAULT '"''"', enriched_at timestamptz, revoked boolean NOT NULL DEFAULT false,
	revoked_at timestamptz, revoke_reason text NOT NULL DEFAULT '"''"');
CREATE UNIQUE INDEX indicators_key ON indicators (kind, (coalesce(rdomain, value)), port);'
cols3='kind, value, port, rdomain, first_seen, last_seen, sightings, families, role, tlp, confidence, sources, asn, isp, country, enriched_at'
sel3="kind, value, port, rdomain, first_seen, last_seen, sightings, families, role, tlp, confidence, sources, asn, isp, country, enriched_at"

schema4='CREATE TABLE indicators (
	id bigserial PRIMARY KEY, key bytea NOT NULL, port integer NOT NULL DEFAULT 0,
	first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL, sightings integer NOT NULL DEFAULT 0,
	families text, role text, tlp integer NOT NULL DEFAULT 0, confidence integer NOT NULL DEFAULT 0,
	sources text, asn text, isp text, country text, enriched_at timestamptz, revoked_at timestamptz,
	revoke_reason text);
ALTER SEQUENCE indicators_id_seq CACHE 64;
CREATE UNIQUE INDEX indicators_key ON indicators (key, port);'
cols4='key, port, first_seen, last_seen, sightings, families, role, tlp, confidence, sources, asn, isp, country, enriched_at'
sel4="convert_to(kind || ':' || coalesce(rdomain, value), 'UTF8'), port, first_seen, last_seen, sightings,
	array_to_string(families, E'\\\\n'), nullif(role, ''), tlp, confidence, array_to_string(sources, E'\\\\n'),
	nullif(asn, ''), nullif(isp, ''), nullif(country, ''), enriched_at"

# The source rows, as storetest.Generate makes them (one source, "bench").
cat > "$dir/gen.sql" <<SQL
CREATE TABLE src AS SELECT i,
	(ARRAY['ipv4','domain','url','sha256'])[i%4+1] AS kind,
	CASE i%4 WHEN 0 THEN format('%s.%s.%s.%s', 11+(i>>26&63), i>>18&255, i>>10&255, i>>2&255)
		WHEN 1 THEN format('h%s.c%s.example.com', to_hex(i), i%1000)
		WHEN 2 THEN format('http://h%s.example.net/gate.php?id=%s', to_hex(i), i)
		ELSE encode(sha256(int4send(i)), 'hex') END AS value,
	0 AS port,
	CASE i%4 WHEN 1 THEN format('com.example.c%s.h%s', i%1000, to_hex(i)) END AS rdomain,
	'2025-01-01'::timestamptz + (i%365) * interval '1 day' AS first_seen,
	'2025-01-01'::timestamptz + (i%365) * interval '1 day' + (i%30) * interval '1 hour' AS last_seen,
	1 AS sightings,
	ARRAY[(ARRAY['LODEINFO','PlugX','Emotet','QakBot','HUI Loader'])[i%5+1]] AS families,
	(ARRAY['c2','sample',''])[i%3+1] AS role, 0 AS tlp, 0 AS confidence, ARRAY['bench'] AS sources,
	'' AS asn, '' AS isp, '' AS country, NULL::timestamptz AS enriched_at
FROM generate_series(0, 249999) i;

COPY (SELECT $sel3 FROM src ORDER BY i/25000, kind, coalesce(rdomain, value), port) TO '$dir/s3.bin' (FORMAT binary);

COPY (SELECT $sel4 FROM src ORDER BY i/25000, kind, coalesce(rdomain, value), port) TO '$dir/s4.bin' (FORMAT binary);

COPY (SELECT $sel4 FROM src ORDER BY kind, coalesce(rdomain, value), port) TO '$dir/s4sorted.bin' (FORMAT binary);

SQL
# -j: a command ends at a semicolon followed by an empty line.
su postgres -c "$bin/postgres --single -j -D $dir/data postgres" < "$dir/gen.sql" >/dev/null 2>&1

run() { # name schema columns file
	printf 'DROP TABLE IF EXISTS indicators;\n\n%s\n\nCHECKPOINT;\n\nBEGIN;\n\nCOPY indicators (%s) FROM '"'"'%s'"'"' (FORMAT binary);\n\nCOMMIT;\n\n' "$2" "$3" "$4" > "$dir/$1.sql"
	n=$(su postgres -c "valgrind --tool=callgrind --toggle-collect=CopyFrom --callgrind-out-file=$dir/cg.$1 $bin/postgres --single -j -D $dir/data postgres" < "$dir/$1.sql" 2>&1 |
		sed -n 's/.*Collected : //p')
	printf '%-32s %s instructions\n' "$1" "$n"
}
run schema3 "$schema3" "$cols3" "$dir/s3.bin"
run schema4 "$schema4" "$cols4" "$dir/s4.bin"
run schema4-one-sorted-batch "$schema4" "$cols4" "$dir/s4sorted.bin"

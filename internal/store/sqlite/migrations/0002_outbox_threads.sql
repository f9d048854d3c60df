-- The outbox learns threads and the exactly-once protocol of
-- internal/publish: a post is one part of a thread (thread, part), carries
-- the idempotency key it is sent with, and goes through the state
-- 'sending' while a request may be in flight; attempts counts those
-- requests. SQLite cannot change a CHECK constraint, so the table is
-- rebuilt.
CREATE TABLE posts_v2 (
	id          INTEGER PRIMARY KEY,
	sighting_id INTEGER REFERENCES sightings (id),
	platform    TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('draft', 'queued', 'sending', 'published', 'failed')),
	remote_id   TEXT    NOT NULL DEFAULT '',
	url         TEXT    NOT NULL DEFAULT '',
	error       TEXT    NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	updated     INTEGER NOT NULL,
	thread      TEXT    NOT NULL DEFAULT '',
	part        INTEGER NOT NULL DEFAULT 0,
	idem_key    TEXT    NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO posts_v2 (id, sighting_id, platform, text, state, remote_id, url, error, created, updated)
	SELECT id, sighting_id, platform, text, state, remote_id, url, error, created, updated FROM posts;
DROP TABLE posts;
ALTER TABLE posts_v2 RENAME TO posts;
CREATE INDEX posts_state ON posts (state);
CREATE UNIQUE INDEX posts_thread_part ON posts (thread, part) WHERE thread <> '';

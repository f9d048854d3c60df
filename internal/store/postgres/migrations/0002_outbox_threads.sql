-- The outbox learns threads and the exactly-once protocol of
-- internal/publish: a post is one part of a thread (thread, part), carries
-- the idempotency key it is sent with, and goes through the state
-- 'sending' while a request may be in flight; attempts counts those
-- requests.
ALTER TABLE posts DROP CONSTRAINT posts_state_check;
ALTER TABLE posts ADD CONSTRAINT posts_state_check CHECK (state IN ('draft', 'queued', 'sending', 'published', 'failed'));
ALTER TABLE posts ADD COLUMN thread   text    NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN part     integer NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN idem_key text    NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN attempts integer NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX posts_thread_part ON posts (thread, part) WHERE thread <> '';

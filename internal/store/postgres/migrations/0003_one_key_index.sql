-- One index files each indicator under its key, so that an import writes
-- one index fewer: (kind, coalesce(rdomain, value), port), where rdomain
-- is the domain with its labels reversed (store.KeyValue). It is unique on
-- the same rows as (kind, value, port) (reversing is one to one, and only
-- domains have an rdomain), and it finds a domain's subdomains as the
-- rdomain index did, since they sort right after it. Lookups and
-- ON CONFLICT name the expression exactly, so that the index serves them.
DROP INDEX indicators_key;
DROP INDEX indicators_rdomain;
CREATE UNIQUE INDEX indicators_key ON indicators (kind, (coalesce(rdomain, value)), port);

-- Delivery history search (issue 8).
--
-- Filtering by event name within one account (or the system scope, account_id IS NULL) is
-- served by an index of its own instead of scanning the account's whole history.
CREATE INDEX IF NOT EXISTS deliveries_account_event_idx ON deliveries (account_id, event_name, created_at DESC, id DESC);

-- "Show me the failures" (statuses FAILED/RETRYING, response classes 3xx/4xx/5xx/NO_RESPONSE):
-- the deliveries whose last attempt did not succeed, per account (or the system scope), newest
-- first. Partial, so it holds only the failures, a small share of a healthy history. The history
-- query repeats this exact predicate (models.failuresPredicate) whenever its filter implies it,
-- so the planner can prove the index applies without knowing the filter's values.
CREATE INDEX IF NOT EXISTS deliveries_account_failures_idx ON deliveries (account_id, created_at DESC, id DESC) WHERE status IN ('retrying', 'failed') OR last_status_code IS NULL OR last_status_code >= 300;

-- Payload search on PostgreSQL is served by a trigram index on the payload's text. The
-- expression must be immutable: encode(payload, 'escape') is (convert_from is only stable), and
-- for the JSON payloads Switchboard stores (UTF-8) it is the text itself, with bytes outside
-- ASCII written as \ooo and backslashes doubled; the search term is encoded the same way
-- (models.escapeSearchTerm). The query is `encode(payload, 'escape') ILIKE ?`, the exact
-- expression of the index, which gin_trgm_ops serves.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): a role with CREATE on the database may create
-- it. Where it cannot be created the migration still applies, without the index: search stays a
-- sequential scan and the server warns at startup. Creating the extension and the index later
-- (docs/webhooks.md, "History search") turns it on. SQLite searches by scanning.
{{postgres}}DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN RAISE WARNING 'pg_trgm could not be created (%): delivery payload search will scan', SQLERRM; END $$;
--
-- The extension may live in another schema than the tables (CREATE EXTENSION pg_trgm SCHEMA
-- ext), off the search_path: the operator class is named with the extension's own schema. The
-- query needs nothing from it (ILIKE is core; the index's operator class serves it wherever it is).
{{postgres}}DO $$ DECLARE s name; BEGIN SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; IF s IS NOT NULL THEN EXECUTE format('CREATE INDEX IF NOT EXISTS deliveries_payload_trgm_idx ON deliveries USING gin (encode(payload, ''escape'') %I.gin_trgm_ops)', s); END IF; END $$;

-- A test event sent to a system endpoint belongs to no account (events.account_id NULL): it is
-- recorded for its delivery (deliveries.event_id) and read only in the system history, never in a
-- tenant's events. PostgreSQL drops the constraint; SQLite rebuilds the table (the migration runs
-- with foreign keys off on SQLite, and checks them at its end).
{{postgres}}ALTER TABLE events ALTER COLUMN account_id DROP NOT NULL;
{{sqlite}}CREATE TABLE events_new (
{{sqlite}}    id TEXT PRIMARY KEY,
{{sqlite}}    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
{{sqlite}}    environment_id TEXT,
{{sqlite}}    name TEXT NOT NULL,
{{sqlite}}    incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL,
{{sqlite}}    variables TEXT NOT NULL,
{{sqlite}}    created_at DATETIME NOT NULL,
{{sqlite}}    farm_id TEXT,
{{sqlite}}    server_id TEXT,
{{sqlite}}    source TEXT NOT NULL DEFAULT 'system'
{{sqlite}});
{{sqlite}}INSERT INTO events_new (id, account_id, environment_id, name, incident_id, variables, created_at, farm_id, server_id, source)
{{sqlite}}    SELECT id, account_id, environment_id, name, incident_id, variables, created_at, farm_id, server_id, source FROM events;
{{sqlite}}DROP TABLE events;
{{sqlite}}ALTER TABLE events_new RENAME TO events;
{{sqlite}}CREATE INDEX events_account_idx ON events (account_id, created_at DESC, id DESC);

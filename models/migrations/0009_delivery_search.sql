-- Delivery history search (issue 8).
--
-- Filtering by event name within one account (or the system scope, account_id IS NULL) is
-- served by an index of its own instead of scanning the account's whole history.
CREATE INDEX deliveries_account_event_idx ON deliveries (account_id, event_name, created_at DESC, id DESC);

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
{{postgres}}DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN CREATE INDEX IF NOT EXISTS deliveries_payload_trgm_idx ON deliveries USING gin (encode(payload, 'escape') gin_trgm_ops); END IF; END $$;

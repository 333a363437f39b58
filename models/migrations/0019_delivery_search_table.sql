-- Payload search moves off deliveries, to a table of its own filled in the background (issue 13,
-- docs/delivery-batching.md "Search text").
--
-- The trigram index of migration 0009 sat on deliveries, the table every attempt updates: each
-- delivery paid a trigram extraction (and its WAL) inside fireEvent's transaction, and again when
-- its attempt finished (status and the response are in partial indexes, so that update is never
-- HOT). Measured, it was most of PostgreSQL's work per delivery and most of the WAL every commit
-- waited for. Payloads never change: their searchable text now lives in delivery_search, written
-- once, and not in the transaction that accepts the event:
--
-- - a statement-level trigger on deliveries notes each new delivery in delivery_search_queue (a
--   narrow row, no text index; one INSERT … SELECT per statement, so every place that inserts
--   deliveries is covered);
-- - the workers move queued deliveries' text into delivery_search in batches
--   (models.Store.IndexSearchText), and a search first indexes whatever is still queued, so it
--   never misses a delivery that exists.
--
-- Deleting a delivery (the retention purge deletes events, which cascades) deletes its search
-- row. The text is the one migration 0009 indexed, encode(payload, 'escape'), so
-- searching is unchanged (models.escapeSearchTerm writes the term the same way). SQLite searches
-- deliveries' payloads by scanning, as before: these tables and the trigger are PostgreSQL's.
{{postgres}}CREATE TABLE delivery_search (
{{postgres}}    delivery_id UUID PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
{{postgres}}    body TEXT NOT NULL
{{postgres}});
--
-- No foreign key on the queue: nothing but the indexer touches it, and a delivery deleted while
-- queued (the purge) is dropped from it by the indexer's join. So inserting a delivery costs no
-- foreign-key check here, and deleting one never locks a queue row the indexer holds.
{{postgres}}CREATE TABLE delivery_search_queue (
{{postgres}}    delivery_id UUID PRIMARY KEY
{{postgres}});
{{postgres}}CREATE FUNCTION deliveries_search_queue() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$ BEGIN INSERT INTO delivery_search_queue (delivery_id) SELECT id FROM new_deliveries; RETURN NULL; END $$;
{{postgres}}CREATE TRIGGER deliveries_search_queue AFTER INSERT ON deliveries REFERENCING NEW TABLE AS new_deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_search_queue();
--
-- The existing history is queued, after the trigger exists (its lock waits for inserts in
-- flight, so every delivery is either seen here or queued by the trigger), and indexed by the
-- workers in the background: the migration is quick and holds deliveries only briefly.
{{postgres}}INSERT INTO delivery_search_queue (delivery_id) SELECT id FROM deliveries;
{{postgres}}DROP INDEX IF EXISTS deliveries_payload_trgm_idx;
--
-- The index, where pg_trgm exists (migration 0009 created it where it could), with the operator
-- class named in the extension's own schema.
{{postgres}}DO $$ DECLARE s name; BEGIN SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; IF s IS NOT NULL THEN EXECUTE format('CREATE INDEX IF NOT EXISTS delivery_search_body_trgm_idx ON delivery_search USING gin (body %I.gin_trgm_ops)', s); END IF; END $$;

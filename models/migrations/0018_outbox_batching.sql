-- Batched delivery and fireEvent's back-pressure (issue 13).
--
-- fireEvent's optional idempotency key (docs/delivery-batching.md "Back-pressure and
-- idempotency"): a repeat of a key within 24 h returns the first event. Keys are unique per
-- account; an expired key is cleared from its old event when it is used again.
ALTER TABLE events ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX events_idempotency_key ON events (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The lease of an attempt in flight (docs/delivery-batching.md "Claim"): a column in no index,
-- so claiming a delivery is a HOT update that does not touch the deliveries' indexes (among them
-- the trigram index on payloads); only its finish changes indexed columns. Room on each page
-- lets those updates stay on the page.
ALTER TABLE deliveries ADD COLUMN lease_until {{timestamp}};
{{postgres}}ALTER TABLE deliveries SET (fillfactor = 85);

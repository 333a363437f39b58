-- fireEvent's optional idempotency key (docs/delivery-batching.md "Back-pressure and
-- idempotency"): a repeat of a key within 24 h returns the first event. Keys are unique per
-- account; an expired key is cleared from its old event when it is used again.
ALTER TABLE events ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX events_idempotency_key ON events (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

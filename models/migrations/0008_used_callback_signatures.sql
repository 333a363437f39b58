-- Approval callbacks are signed over body + Date only (design §7.4), so a signature is accepted
-- at most once: its signed content (endpoint, Date, body) is recorded here when it decides a
-- request, and a replay of the same bytes, to that request or to another one of the same
-- endpoint, is refused. Rows are kept past the 300 s freshness window and then purged.
CREATE TABLE used_callback_signatures (
    digest TEXT PRIMARY KEY,
    endpoint_id {{uuid}} NOT NULL,
    request_id {{uuid}} NOT NULL,
    used_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL
);
CREATE INDEX used_callback_signatures_expiry_idx ON used_callback_signatures (expires_at);

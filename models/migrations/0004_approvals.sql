-- Approvals: an environment can require an endpoint's approval before a farm's first launch
-- and before any termination. The request to the endpoint is a delivery of kind 'approval', so
-- it shares the outbox, retries, sweeper and attempt history of webhook deliveries.

ALTER TABLE environments ADD COLUMN approval_endpoint_id {{uuid}} REFERENCES endpoints (id) ON DELETE SET NULL;
ALTER TABLE environments ADD COLUMN approval_on_first_launch {{bool}} NOT NULL DEFAULT FALSE;
ALTER TABLE environments ADD COLUMN approval_on_terminate {{bool}} NOT NULL DEFAULT FALSE;
ALTER TABLE environments ADD COLUMN approval_expiry_minutes INTEGER NOT NULL DEFAULT 60;

ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook';

CREATE TABLE approval_requests (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    environment_id {{uuid}} NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    farm_id {{uuid}} NOT NULL REFERENCES farms (id) ON DELETE CASCADE,
    operation TEXT NOT NULL CHECK (operation IN ('farm.approval.launch', 'farm.approval.terminate')),
    endpoint_id {{uuid}} REFERENCES endpoints (id) ON DELETE SET NULL,
    delivery_id {{uuid}} REFERENCES deliveries (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'error', 'cancelled')),
    previous_farm_status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    callback_body TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL,
    decided_at {{timestamp}}
);
-- One pending request per farm at a time.
CREATE UNIQUE INDEX approval_requests_pending_key ON approval_requests (farm_id) WHERE status = 'pending';
CREATE INDEX approval_requests_account_idx ON approval_requests (account_id, created_at DESC, id DESC);
CREATE INDEX approval_requests_expiry_idx ON approval_requests (expires_at) WHERE status = 'pending';

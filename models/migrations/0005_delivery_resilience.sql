-- Delivery resilience (issue 8, items 1-3): per-webhook retry schedules with more attempts,
-- endpoint health (a circuit breaker) and per-endpoint rate limits.

-- Attempts may now range 1-20 and default to 5. Neither database can widen a column's CHECK in
-- place (SQLite cannot alter constraints at all), so the column is replaced: a new one with the
-- new rule, the values copied (existing webhooks keep their attempt count), the old one dropped
-- with its constraint, the new one renamed.
ALTER TABLE webhooks ADD COLUMN max_attempts_v2 INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts_v2 BETWEEN 1 AND 20);
UPDATE webhooks SET max_attempts_v2 = max_attempts;
ALTER TABLE webhooks DROP COLUMN max_attempts;
ALTER TABLE webhooks RENAME COLUMN max_attempts_v2 TO max_attempts;

-- The waits between attempts in seconds, a JSON array; NULL is the default schedule (30 s,
-- 5 min, 30 min, 2 h, 5 h, 10 h, then 10 h), which every existing webhook now gets.
ALTER TABLE webhooks ADD COLUMN retry_schedule {{json}};

-- Requests per second the workers send to the endpoint, across replicas; NULL is unlimited.
ALTER TABLE endpoints ADD COLUMN rate_limit DOUBLE PRECISION CHECK (rate_limit IS NULL OR (rate_limit >= 0.1 AND rate_limit <= 1000));

-- Health: consecutive failed attempts and when the streak began; paused_at is set while the
-- breaker holds the endpoint's deliveries, next_probe_at is when one may be tried again.
ALTER TABLE endpoints ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN failing_since {{timestamp}};
ALTER TABLE endpoints ADD COLUMN paused_at {{timestamp}};
ALTER TABLE endpoints ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE endpoints ADD COLUMN next_probe_at {{timestamp}};
ALTER TABLE endpoints ADD COLUMN failed_probes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN health_since {{timestamp}};

-- Releasing or failing an endpoint's waiting deliveries.
CREATE INDEX deliveries_endpoint_unfinished_idx ON deliveries (endpoint_id, created_at) WHERE status IN ('pending', 'retrying');

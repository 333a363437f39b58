-- Components, incidents and their timeline, events, AWS integrations and SNS receipts.

CREATE TABLE components (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    group_name TEXT NOT NULL DEFAULT '',
    status_override TEXT CHECK (status_override IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX components_name_key ON components (account_id, lower(name));

CREATE TABLE aws_integrations (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    component_id {{uuid}} NOT NULL REFERENCES components (id),
    default_severity TEXT NOT NULL DEFAULT 'high' CHECK (default_severity IN ('critical', 'high', 'medium', 'low')),
    token_hash TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    expected_topic_arn TEXT NOT NULL DEFAULT '',
    topic_arn TEXT NOT NULL DEFAULT '',
    subscription_arn TEXT NOT NULL DEFAULT '',
    confirmed_at {{timestamp}},
    unsubscribed_at {{timestamp}},
    last_rejection_reason TEXT NOT NULL DEFAULT '',
    last_rejection_at {{timestamp}},
    deleted_at {{timestamp}},
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX aws_integrations_token_key ON aws_integrations (token_hash);
CREATE INDEX aws_integrations_account_idx ON aws_integrations (account_id);

-- Receipts outlive the replay window, so a captured message can never be replayed into a new
-- incident. Never the payload.
CREATE TABLE sns_receipts (
    integration_id {{uuid}} NOT NULL REFERENCES aws_integrations (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    received_at {{timestamp}} NOT NULL,
    PRIMARY KEY (integration_id, message_id)
);
CREATE INDEX sns_receipts_received_idx ON sns_receipts (integration_id, received_at DESC);
-- Counts by outcome are read from receipts, not kept as counters on the integration row: a
-- counter would make every message of an integration wait for the same row lock.
CREATE INDEX sns_receipts_outcome_idx ON sns_receipts (integration_id, outcome);

-- Rejected requests have no trustworthy MessageId; they are kept apart, bounded per integration.
CREATE TABLE sns_rejections (
    id {{uuid}} PRIMARY KEY,
    integration_id {{uuid}} NOT NULL REFERENCES aws_integrations (id) ON DELETE CASCADE,
    reason_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    message_type TEXT NOT NULL DEFAULT '',
    topic_arn TEXT NOT NULL DEFAULT '',
    received_at {{timestamp}} NOT NULL
);
CREATE INDEX sns_rejections_idx ON sns_rejections (integration_id, received_at DESC);

CREATE TABLE alarm_states (
    integration_id {{uuid}} NOT NULL REFERENCES aws_integrations (id) ON DELETE CASCADE,
    alarm_key TEXT NOT NULL,
    state TEXT NOT NULL,
    state_change_time {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    PRIMARY KEY (integration_id, alarm_key)
);

CREATE TABLE incidents (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    component_id {{uuid}} NOT NULL REFERENCES components (id),
    title TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    status TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
    source TEXT NOT NULL CHECK (source IN ('aws_cloudwatch', 'manual', 'api')),
    source_key TEXT,
    integration_id {{uuid}} REFERENCES aws_integrations (id),
    alarm {{json}},
    opened_at {{timestamp}} NOT NULL,
    opened_by TEXT NOT NULL,
    acknowledged_at {{timestamp}},
    acknowledged_by TEXT,
    resolved_at {{timestamp}},
    resolved_by TEXT,
    updated_at {{timestamp}} NOT NULL
);
-- One open incident per alarm of an integration: the database decides, not the code.
CREATE UNIQUE INDEX incidents_open_alarm_key ON incidents (integration_id, source_key) WHERE status <> 'resolved' AND source_key IS NOT NULL;
CREATE INDEX incidents_account_opened_idx ON incidents (account_id, opened_at DESC, id DESC);
CREATE INDEX incidents_component_open_idx ON incidents (component_id) WHERE status <> 'resolved';

CREATE TABLE incident_timeline (
    id {{uuid}} PRIMARY KEY,
    incident_id {{uuid}} NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_user_id {{uuid}},
    actor_label TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX incident_timeline_idx ON incident_timeline (incident_id, created_at, id);

-- Lifecycle events. Issue 4 adds their deliveries (the outbox) in the same transactions.
CREATE TABLE events (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    environment_id {{uuid}},
    name TEXT NOT NULL,
    incident_id {{uuid}} REFERENCES incidents (id) ON DELETE SET NULL,
    variables {{json}} NOT NULL,
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX events_account_idx ON events (account_id, created_at DESC, id DESC);

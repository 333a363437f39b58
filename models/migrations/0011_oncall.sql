-- On-call (design §13, issue 10, docs/oncall.md): how people are reached, schedules, escalation
-- policies, the durable escalation state of each open incident, and notifications with their
-- attempts. Every page is a row before it is a queue task.

-- How a person is reached. The account email is the row whose id equals the user's id
-- (is_primary): its address is always read from users.email, it cannot be deleted.
CREATE TABLE contact_methods (
    id {{uuid}} PRIMARY KEY,
    user_id {{uuid}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- email | ntfy | endpoint | slack_dm
    kind TEXT NOT NULL CHECK (kind IN ('email', 'ntfy', 'endpoint', 'slack_dm')),
    label TEXT NOT NULL DEFAULT '',
    -- email: the address; ntfy: the topic URL (https://ntfy.example/topic); slack_dm: the Slack
    -- user id; endpoint: empty (endpoint_id names it).
    address TEXT NOT NULL DEFAULT '',
    endpoint_id {{uuid}} REFERENCES endpoints (id) ON DELETE CASCADE,
    -- Sealed (like endpoint keys) when the ntfy server wants a bearer token.
    secret {{bytes}},
    is_primary {{bool}} NOT NULL DEFAULT FALSE,
    -- Extra email addresses are used only once verified by a signed link; the others are
    -- verified when created.
    verified_at {{timestamp}},
    disabled {{bool}} NOT NULL DEFAULT FALSE,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX contact_methods_user_idx ON contact_methods (user_id);
INSERT INTO contact_methods (id, user_id, kind, label, address, is_primary, verified_at, created_at, updated_at)
    SELECT id, id, 'email', 'Account email', '', TRUE, created_at, created_at, created_at FROM users;

-- "On a page, notify method M after N minutes unless acknowledged." A user without rules is
-- notified on every verified, enabled method at once.
CREATE TABLE notification_rules (
    id {{uuid}} PRIMARY KEY,
    user_id {{uuid}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_method_id {{uuid}} NOT NULL REFERENCES contact_methods (id) ON DELETE CASCADE,
    delay_minutes INTEGER NOT NULL CHECK (delay_minutes BETWEEN 0 AND 1440),
    created_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX notification_rules_key ON notification_rules (contact_method_id, delay_minutes);
CREATE INDEX notification_rules_user_idx ON notification_rules (user_id);

CREATE TABLE schedules (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- IANA zone: hand-offs and restrictions are on its wall clock.
    time_zone TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX schedules_name_key ON schedules (account_id, lower(name));

-- Layers in position order: a higher position wins where it has someone (models/schedule).
CREATE TABLE schedule_layers (
    id {{uuid}} PRIMARY KEY,
    schedule_id {{uuid}} NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    rotation TEXT NOT NULL CHECK (rotation IN ('daily', 'weekly', 'hourly')),
    length INTEGER NOT NULL CHECK (length >= 1),
    -- HH:MM on the schedule's wall clock.
    hand_off TEXT NOT NULL,
    -- 0 (Sunday) … 6; weekly rotations hand off on this day.
    hand_off_day INTEGER NOT NULL DEFAULT 1 CHECK (hand_off_day BETWEEN 0 AND 6),
    -- JSON array of user ids in rotation order.
    participants {{json}} NOT NULL,
    starts_at {{timestamp}} NOT NULL,
    ends_at {{timestamp}},
    -- JSON array of {"days":[0..6],"from":"HH:MM","to":"HH:MM"}.
    restrictions {{json}} NOT NULL,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX schedule_layers_schedule_idx ON schedule_layers (schedule_id, position);

CREATE TABLE schedule_overrides (
    id {{uuid}} PRIMARY KEY,
    schedule_id {{uuid}} NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    user_id {{uuid}} NOT NULL REFERENCES users (id),
    starts_at {{timestamp}} NOT NULL,
    ends_at {{timestamp}} NOT NULL CHECK (ends_at > starts_at),
    created_by TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX schedule_overrides_range_idx ON schedule_overrides (schedule_id, ends_at);

-- Read-only iCalendar feeds behind a secret URL (only its hash is kept), revocable. A schedule
-- feed has schedule_id; a personal feed has user_id (that person's shifts in the account).
CREATE TABLE calendar_feeds (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    schedule_id {{uuid}} REFERENCES schedules (id) ON DELETE CASCADE,
    user_id {{uuid}} REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    created_by {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{timestamp}} NOT NULL,
    last_used_at {{timestamp}},
    revoked_at {{timestamp}},
    CHECK ((schedule_id IS NULL) <> (user_id IS NULL))
);
CREATE UNIQUE INDEX calendar_feeds_token_key ON calendar_feeds (token_hash);
CREATE INDEX calendar_feeds_account_idx ON calendar_feeds (account_id);

CREATE TABLE escalation_policies (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- Repeat the whole policy this many times when nobody acknowledges.
    repeat INTEGER NOT NULL DEFAULT 0 CHECK (repeat BETWEEN 0 AND 9),
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX escalation_policies_name_key ON escalation_policies (account_id, lower(name));

CREATE TABLE escalation_levels (
    id {{uuid}} PRIMARY KEY,
    policy_id {{uuid}} NOT NULL REFERENCES escalation_policies (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    timeout_minutes INTEGER NOT NULL CHECK (timeout_minutes BETWEEN 1 AND 10080)
);
CREATE UNIQUE INDEX escalation_levels_position_key ON escalation_levels (policy_id, position);

-- A level's targets: schedules and/or users. Deleting a schedule or user that a policy still
-- targets is refused by the store with the policies' names; the foreign keys are the backstop.
CREATE TABLE escalation_targets (
    id {{uuid}} PRIMARY KEY,
    level_id {{uuid}} NOT NULL REFERENCES escalation_levels (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    schedule_id {{uuid}} REFERENCES schedules (id),
    user_id {{uuid}} REFERENCES users (id),
    CHECK ((schedule_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX escalation_targets_level_idx ON escalation_targets (level_id);
CREATE INDEX escalation_targets_schedule_idx ON escalation_targets (schedule_id);
CREATE INDEX escalation_targets_user_idx ON escalation_targets (user_id);

-- Where a policy is attached. Precedence: incident > routing rule > integration > component.
ALTER TABLE components ADD COLUMN escalation_policy_id {{uuid}} REFERENCES escalation_policies (id);
ALTER TABLE aws_integrations ADD COLUMN escalation_policy_id {{uuid}} REFERENCES escalation_policies (id);
ALTER TABLE incidents ADD COLUMN escalation_policy_id {{uuid}} REFERENCES escalation_policies (id);
ALTER TABLE incidents ADD COLUMN assignee_user_id {{uuid}} REFERENCES users (id) ON DELETE SET NULL;
-- Set when a page reached nobody at all (flagged on the incident, mailed to the admins).
ALTER TABLE incidents ADD COLUMN unreached_at {{timestamp}};
CREATE INDEX components_policy_idx ON components (escalation_policy_id);
CREATE INDEX aws_integrations_policy_idx ON aws_integrations (escalation_policy_id);
CREATE INDEX incidents_policy_idx ON incidents (escalation_policy_id);

-- The durable escalation state of an incident, written in the incident change's transaction.
-- The engine advances every row whose next_step_at is due by its clock (set-wise, SKIP LOCKED);
-- next_step_at is NULL when nothing is due (acknowledged, resolved, exhausted).
CREATE TABLE incident_escalations (
    incident_id {{uuid}} PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    policy_id {{uuid}} REFERENCES escalation_policies (id) ON DELETE SET NULL,
    -- active | acknowledged | snoozed | resolved | exhausted
    state TEXT NOT NULL CHECK (state IN ('active', 'acknowledged', 'snoozed', 'resolved', 'exhausted')),
    -- The level paged last (0-based position); -1 before level 1 is paged.
    level INTEGER NOT NULL DEFAULT -1,
    -- Whole-policy repeats already started.
    repeats_done INTEGER NOT NULL DEFAULT 0,
    -- Incremented on every step: a notification row names the step that made it, so a step is
    -- never taken twice.
    step INTEGER NOT NULL DEFAULT 0,
    next_step_at {{timestamp}},
    last_paged_at {{timestamp}},
    snoozed_until {{timestamp}},
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX incident_escalations_due_idx ON incident_escalations (next_step_at) WHERE next_step_at IS NOT NULL;

-- One row per person × contact method × step (or a test, a shift notice). Sent by a job with
-- its own attempts, like deliveries.
CREATE TABLE notifications (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    incident_id {{uuid}} REFERENCES incidents (id) ON DELETE CASCADE,
    user_id {{uuid}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_method_id {{uuid}} REFERENCES contact_methods (id) ON DELETE SET NULL,
    -- page | test | shift_start | handoff | unreached
    reason TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'ntfy', 'endpoint', 'slack_dm')),
    -- The address at the time (email, ntfy topic URL, endpoint name, Slack user id).
    recipient TEXT NOT NULL,
    escalation_step INTEGER,
    escalation_level INTEGER,
    -- The personal rule's delay that made this row (0: at once).
    delay_minutes INTEGER NOT NULL DEFAULT 0,
    -- pending | sending | retrying | sent | failed | kept | cancelled (acknowledged before a
    -- delayed rule fired) | bundled (sent as part of another notification)
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'retrying', 'sent', 'failed', 'kept', 'cancelled', 'bundled')),
    -- Not sent before this (a rule's delay); the sweeper finds due rows by it.
    not_before {{timestamp}} NOT NULL,
    next_attempt_at {{timestamp}},
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    bundle_id {{uuid}},
    mail_id {{uuid}} REFERENCES mail_messages (id) ON DELETE SET NULL,
    delivery_id {{uuid}},
    last_error TEXT NOT NULL DEFAULT '',
    provider_answer TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    sent_at {{timestamp}}
);
CREATE UNIQUE INDEX notifications_step_key ON notifications (incident_id, escalation_step, user_id, contact_method_id, delay_minutes);
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX notifications_incident_idx ON notifications (incident_id, created_at);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_account_idx ON notifications (account_id, created_at DESC, id DESC);

CREATE TABLE notification_attempts (
    id {{uuid}} PRIMARY KEY,
    notification_id {{uuid}} NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_at {{timestamp}} NOT NULL,
    finished_at {{timestamp}},
    -- ok | error | timeout
    outcome TEXT NOT NULL DEFAULT '',
    provider_answer TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    UNIQUE (notification_id, number)
);

-- The Slack app (design §14, issue 12, docs/slack.md): one workspace connection per account,
-- channels per component (or escalation policy), links between Slack users and Switchboard
-- users, every accepted interaction as a row before Slack gets its answer, the (timestamp,
-- signature) pairs already seen, and one channel message per incident kept in sync.

-- The bot token and signing secret are sealed (AES-256-GCM, like endpoint keys; the row id is
-- the additional data) and never shown again. team_id is unique: a workspace serves one account.
CREATE TABLE slack_workspaces (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    team_id TEXT NOT NULL UNIQUE,
    team_name TEXT NOT NULL DEFAULT '',
    bot_user_id TEXT NOT NULL DEFAULT '',
    bot_token {{bytes}} NOT NULL,
    signing_secret {{bytes}} NOT NULL,
    connected_by TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);

-- A Slack channel id (C…, G…): where a component's incidents are posted. A policy's channel is
-- used only when the component has none (one post per incident, never two).
ALTER TABLE components ADD COLUMN slack_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE escalation_policies ADD COLUMN slack_channel TEXT NOT NULL DEFAULT '';

-- A Slack user of a workspace acting as a Switchboard user (made by the user through a signed
-- link; undone from the profile). Without a link, the Slack profile's email is matched.
CREATE TABLE slack_user_links (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    team_id TEXT NOT NULL,
    slack_user_id TEXT NOT NULL,
    user_id {{uuid}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX slack_user_links_key ON slack_user_links (account_id, team_id, slack_user_id);
CREATE INDEX slack_user_links_user_idx ON slack_user_links (user_id);

-- Every accepted (signed, fresh, unseen) request from Slack, written before the 3-second answer
-- and processed by a job afterwards: a crash after answering loses nothing.
CREATE TABLE slack_interactions (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    team_id TEXT NOT NULL,
    -- block_actions | view_submission | command
    kind TEXT NOT NULL,
    slack_user_id TEXT NOT NULL DEFAULT '',
    -- The request's form body (Slack's own payload): it names incidents and users, never secrets.
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{timestamp}},
    result TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    processed_at {{timestamp}}
);
CREATE INDEX slack_interactions_due_idx ON slack_interactions (next_attempt_at) WHERE status = 'pending';
CREATE INDEX slack_interactions_account_idx ON slack_interactions (account_id, created_at DESC);
-- The purge of finished interactions past the history retention.
CREATE INDEX slack_interactions_created_idx ON slack_interactions (created_at);

-- Slack's v0 signature has no nonce: a (timestamp, signature) pair is accepted once. Rows are
-- kept past the 5-minute window and then purged.
CREATE TABLE slack_seen_signatures (
    digest TEXT PRIMARY KEY,
    expires_at {{timestamp}} NOT NULL
);
CREATE INDEX slack_seen_signatures_expiry_idx ON slack_seen_signatures (expires_at);

-- One channel message per incident. A change of the incident raises desired_version in its own
-- transaction; the sync job renders the incident's latest state, posts or updates the message
-- and records the version it rendered, so an older sync never overwrites a newer one and a
-- restart finds the message by (channel_id, ts).
CREATE TABLE slack_messages (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    incident_id {{uuid}} NOT NULL UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL DEFAULT '',
    desired_version INTEGER NOT NULL DEFAULT 1,
    synced_version INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Due for a sync (NULL: in sync, or stopped by a permanent error until the next change).
    next_attempt_at {{timestamp}},
    last_error TEXT NOT NULL DEFAULT '',
    last_synced_at {{timestamp}},
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX slack_messages_due_idx ON slack_messages (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- Timeline entries posted as thread replies of the incident's message: append-only, each once.
CREATE TABLE slack_thread_posts (
    timeline_entry_id {{uuid}} PRIMARY KEY REFERENCES incident_timeline (id) ON DELETE CASCADE,
    incident_id {{uuid}} NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    ts TEXT NOT NULL,
    posted_at {{timestamp}} NOT NULL
);
CREATE INDEX slack_thread_posts_incident_idx ON slack_thread_posts (incident_id);

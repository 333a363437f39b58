-- Accounts, users, memberships, sessions, API tokens and the audit log.

-- One row, written by first-run setup: its primary key makes "only while no user exists"
-- hold even when two setup requests race.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    setup_at {{timestamp}} NOT NULL
);

CREATE TABLE users (
    id {{uuid}} PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_system_admin {{bool}} NOT NULL DEFAULT FALSE,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE accounts (
    id {{uuid}} PRIMARY KEY,
    name TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);

CREATE TABLE environments (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX environments_name_key ON environments (account_id, lower(name));

CREATE TABLE memberships (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id {{uuid}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX memberships_account_user_key ON memberships (account_id, user_id);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Refresh tokens rotate at every use; all tokens of one sign-in share a family, so reuse of an
-- already-rotated token (a stolen copy) revokes the whole family.
CREATE TABLE refresh_tokens (
    id {{uuid}} PRIMARY KEY,
    user_id {{uuid}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id {{uuid}} NOT NULL,
    token_hash TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL,
    used_at {{timestamp}},
    revoked_at {{timestamp}}
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

CREATE TABLE api_tokens (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    created_by {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}},
    last_used_at {{timestamp}},
    revoked_at {{timestamp}},
    expiry_noted_at {{timestamp}}
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE UNIQUE INDEX api_tokens_active_name_key ON api_tokens (account_id, lower(name)) WHERE revoked_at IS NULL;

CREATE TABLE audit_entries (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    actor_user_id {{uuid}},
    actor_label TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX audit_entries_account_idx ON audit_entries (account_id, created_at DESC, id DESC);

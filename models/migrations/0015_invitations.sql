-- Invitations (issue 9): an admin invites a person by email; the mailed signed link lets them
-- set their own password (or, if they already have a user, join with it).

CREATE TABLE invitations (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    invited_by {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    invited_by_name TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL,
    sent_at {{timestamp}} NOT NULL,
    accepted_at {{timestamp}},
    accepted_user_id {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    revoked_at {{timestamp}}
);
-- One open invitation per address and account.
CREATE UNIQUE INDEX invitations_open_key ON invitations (account_id, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_account_idx ON invitations (account_id, created_at DESC);

-- The one mail path (design §16): every message is a row before it is a queue task, sent by a
-- job through SMTP, or kept (no SMTP configured) for the console's "Outgoing mail" view. And the
-- uses of signed single-use links (acknowledge from a mail, invitations, opt-in confirmations).

CREATE TABLE mail_messages (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} REFERENCES accounts (id) ON DELETE CASCADE,
    -- kind: page | notice | invitation | verification | subscriber | test
    kind TEXT NOT NULL,
    -- priority: urgent mail (pages) is sent ahead of bulk mail (status-page subscribers).
    priority TEXT NOT NULL CHECK (priority IN ('urgent', 'bulk')),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL DEFAULT '',
    headers {{json}},
    status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'sent', 'failed', 'kept')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    next_attempt_at {{timestamp}},
    last_error TEXT NOT NULL DEFAULT '',
    provider_answer TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    sent_at {{timestamp}}
);
-- The sweeper's question, urgent mail first: which unsent messages are due?
CREATE INDEX mail_messages_due_idx ON mail_messages (priority, next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX mail_messages_account_idx ON mail_messages (account_id, created_at DESC, id DESC);
CREATE INDEX mail_messages_created_idx ON mail_messages (created_at DESC, id DESC);

-- A signed link's id, recorded when the link is used: a second use finds it. Rows past their
-- link's expiry are purged (an expired link is refused before this table is read).
CREATE TABLE link_uses (
    link_id TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    used_at {{timestamp}} NOT NULL,
    expires_at {{timestamp}} NOT NULL
);
CREATE INDEX link_uses_expires_idx ON link_uses (expires_at);

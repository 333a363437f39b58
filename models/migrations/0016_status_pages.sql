-- Status pages (issue 11, design §15; shape in docs/statuspages.md): published pages, the
-- recorded history of each component's status (internal and published) for uptime, public
-- incident updates, scheduled maintenance (which holds paging), subscribers and viewer links.

-- What customers were told about a component: the worst of its unresolved public incidents'
-- component statuses, under_maintenance during an open window, or the manual override. NULL
-- until first computed means operational.
ALTER TABLE components ADD COLUMN public_status TEXT;
-- Publish CloudWatch incidents automatically once the alarm has not recovered for N minutes.
ALTER TABLE components ADD COLUMN auto_publish {{bool}} NOT NULL DEFAULT FALSE;
ALTER TABLE components ADD COLUMN auto_publish_after_minutes INTEGER NOT NULL DEFAULT 10;
-- An incident opened while a maintenance window covered its component: it pages nobody until
-- the window ends (then, if still open, it pages).
ALTER TABLE incidents ADD COLUMN during_maintenance {{bool}} NOT NULL DEFAULT FALSE;

-- Every change of a component's status, internal (from incidents and the override) and
-- published (what the status page said). A row holds from started_at until the next row of the
-- same component and kind; uptime is computed from these intervals (models/uptime).
CREATE TABLE component_status_changes (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    component_id {{uuid}} NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('internal', 'published')),
    status TEXT NOT NULL CHECK (status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
    started_at {{timestamp}} NOT NULL
);
CREATE INDEX component_status_changes_idx ON component_status_changes (component_id, kind, started_at);

CREATE TABLE status_pages (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- URL-safe, lower case, unique across the installation (/status/{slug}).
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL DEFAULT '',
    -- An https URL of the logo image, or empty.
    logo_url TEXT NOT NULL DEFAULT '',
    -- #rrggbb, the accent colour (links, header); status colours are fixed (colour-blind safe).
    brand_color TEXT NOT NULL DEFAULT '#1f6feb',
    support_url TEXT NOT NULL DEFAULT '',
    -- Served at the root of this host name (lower case, no port), unique across the installation.
    custom_host TEXT UNIQUE,
    -- public: anyone; private: viewer links or the console's viewer cookie.
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    -- Signs this page's viewer cookies; rotated to revoke every cookie at once.
    viewer_key {{bytes}} NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX status_pages_account_idx ON status_pages (account_id);

-- The components a page shows, in groups (the group's order is its first component's).
CREATE TABLE status_page_components (
    page_id {{uuid}} NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    component_id {{uuid}} NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    -- The group heading on this page; empty: ungrouped.
    group_name TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    -- The name customers read (empty: the component's name).
    display_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (page_id, component_id)
);
CREATE INDEX status_page_components_component_idx ON status_page_components (component_id);

-- Signed viewer links of a private page (per person or per audience); the token is shown once,
-- only its hash is kept.
CREATE TABLE status_page_viewers (
    id {{uuid}} PRIMARY KEY,
    page_id {{uuid}} NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_by {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{timestamp}} NOT NULL,
    last_used_at {{timestamp}},
    revoked_at {{timestamp}}
);
CREATE INDEX status_page_viewers_page_idx ON status_page_viewers (page_id);

-- What customers read about an incident. One per internal incident at most; shown on every
-- page of the account that lists one of its affected components.
CREATE TABLE public_incidents (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    incident_id {{uuid}} UNIQUE REFERENCES incidents (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    impact TEXT NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
    -- Posted by the auto-publish rule rather than a person.
    auto {{bool}} NOT NULL DEFAULT FALSE,
    postmortem TEXT NOT NULL DEFAULT '',
    postmortem_published_at {{timestamp}},
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    resolved_at {{timestamp}}
);
CREATE INDEX public_incidents_account_idx ON public_incidents (account_id, created_at DESC);

CREATE TABLE public_incident_updates (
    id {{uuid}} PRIMARY KEY,
    public_incident_id {{uuid}} NOT NULL REFERENCES public_incidents (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    message TEXT NOT NULL,
    -- [{"component_id": "…", "status": "partial_outage"}, …]: the affected components and
    -- their public status as of this update.
    components {{json}} NOT NULL,
    notify_subscribers {{bool}} NOT NULL DEFAULT TRUE,
    author_id {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    author_label TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    -- Set when the update was corrected after publishing (the page says so).
    edited_at {{timestamp}}
);
CREATE INDEX public_incident_updates_incident_idx ON public_incident_updates (public_incident_id, created_at);

-- The components of a public incident (the union over its updates, with the latest status):
-- which pages show it, and what the components' published status is while it is unresolved.
CREATE TABLE public_incident_components (
    public_incident_id {{uuid}} NOT NULL REFERENCES public_incidents (id) ON DELETE CASCADE,
    component_id {{uuid}} NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
    PRIMARY KEY (public_incident_id, component_id)
);
CREATE INDEX public_incident_components_component_idx ON public_incident_components (component_id);

CREATE TABLE update_templates (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    -- May name {component}; filled in by the composer.
    message TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX update_templates_name_key ON update_templates (account_id, lower(name));

CREATE TABLE maintenance_windows (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    starts_at {{timestamp}} NOT NULL,
    ends_at {{timestamp}} NOT NULL,
    -- Moved by the maintenance cycle by the store's clock (and at once by cancel/complete now).
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled')),
    notify_subscribers {{bool}} NOT NULL DEFAULT TRUE,
    created_by {{uuid}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    started_at {{timestamp}},
    completed_at {{timestamp}},
    CHECK (ends_at > starts_at)
);
CREATE INDEX maintenance_windows_account_idx ON maintenance_windows (account_id, starts_at DESC);
CREATE INDEX maintenance_windows_due_idx ON maintenance_windows (status, starts_at, ends_at);

CREATE TABLE maintenance_components (
    window_id {{uuid}} NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
    component_id {{uuid}} NOT NULL REFERENCES components (id) ON DELETE CASCADE,
    PRIMARY KEY (window_id, component_id)
);
CREATE INDEX maintenance_components_component_idx ON maintenance_components (component_id);

-- Subscribers of a page: email (double opt-in) or webhook (verification handshake). Nothing is
-- sent to a subscriber until confirmed_at is set; unsubscribed rows are kept without address.
CREATE TABLE status_subscribers (
    id {{uuid}} PRIMARY KEY,
    page_id {{uuid}} NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'webhook')),
    -- The lower-cased email address, or the webhook URL.
    address TEXT NOT NULL,
    -- Standard Webhooks signing secret (sealed), webhook subscribers only.
    secret_sealed {{bytes}},
    -- Components chosen (JSON array of ids); empty: all of the page's components.
    component_ids {{json}} NOT NULL,
    -- Topics chosen: incidents, maintenance, component_status (JSON array).
    topics {{json}} NOT NULL,
    created_at {{timestamp}} NOT NULL,
    confirmed_at {{timestamp}},
    unsubscribed_at {{timestamp}},
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX status_subscribers_address_key ON status_subscribers (page_id, kind, address) WHERE unsubscribed_at IS NULL;

-- A notice to one webhook subscriber, a row before it is a queue task (email notices are
-- mail_messages rows of kind 'subscriber').
CREATE TABLE status_webhook_deliveries (
    id {{uuid}} PRIMARY KEY,
    subscriber_id {{uuid}} NOT NULL REFERENCES status_subscribers (id) ON DELETE CASCADE,
    -- Standard Webhooks webhook-id: stable across retries.
    message_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{timestamp}},
    last_error TEXT NOT NULL DEFAULT '',
    response_status INTEGER,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX status_webhook_deliveries_due_idx ON status_webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX status_webhook_deliveries_subscriber_idx ON status_webhook_deliveries (subscriber_id, created_at DESC);

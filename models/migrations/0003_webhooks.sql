-- Inventory (farms, farm roles, servers), global variables, custom events, endpoints, webhooks,
-- deliveries and their attempts (the outbox).

CREATE TABLE farms (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    environment_id {{uuid}} NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_email TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('terminated', 'pending_launch', 'running', 'pending_terminate', 'suspended')),
    launched_once {{bool}} NOT NULL DEFAULT FALSE,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX farms_name_key ON farms (environment_id, lower(name));
CREATE INDEX farms_account_idx ON farms (account_id);

CREATE TABLE farm_roles (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    farm_id {{uuid}} NOT NULL REFERENCES farms (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    role_name TEXT NOT NULL,
    os TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX farm_roles_alias_key ON farm_roles (farm_id, lower(alias));

CREATE TABLE servers (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    farm_id {{uuid}} NOT NULL REFERENCES farms (id) ON DELETE CASCADE,
    farm_role_id {{uuid}} NOT NULL REFERENCES farm_roles (id) ON DELETE CASCADE,
    hostname TEXT NOT NULL DEFAULT '',
    server_type TEXT NOT NULL DEFAULT '',
    cloud_location TEXT NOT NULL DEFAULT '',
    cloud_zone TEXT NOT NULL DEFAULT '',
    cloud_server_id TEXT NOT NULL DEFAULT '',
    public_ip TEXT NOT NULL DEFAULT '',
    private_ip TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    instance_index INTEGER NOT NULL DEFAULT 1,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX servers_farm_idx ON servers (farm_id);

-- scope: system | account | environment | farm | farm_role | server; scope_id is '' for system.
CREATE TABLE global_variables (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}} REFERENCES accounts (id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('system', 'account', 'environment', 'farm', 'farm_role', 'server')),
    scope_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    hidden {{bool}} NOT NULL DEFAULT FALSE,
    locked {{bool}} NOT NULL DEFAULT FALSE,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX global_variables_key ON global_variables (scope, scope_id, name);

CREATE TABLE custom_events (
    id {{uuid}} PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('system', 'account', 'environment')),
    account_id {{uuid}} REFERENCES accounts (id) ON DELETE CASCADE,
    environment_id {{uuid}} REFERENCES environments (id) ON DELETE CASCADE,
    scope_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX custom_events_name_key ON custom_events (scope, scope_id, lower(name));

CREATE TABLE endpoints (
    id {{uuid}} PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('system', 'account', 'environment')),
    account_id {{uuid}} REFERENCES accounts (id) ON DELETE CASCADE,
    environment_id {{uuid}} REFERENCES environments (id) ON DELETE CASCADE,
    scope_id TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT 'scalr' CHECK (format IN ('scalr', 'slack')),
    active {{bool}} NOT NULL DEFAULT TRUE,
    shared {{bool}} NOT NULL DEFAULT FALSE,
    signing_key_enc {{bytes}} NOT NULL,
    inactive_reason TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX endpoints_url_key ON endpoints (scope, scope_id, url);
CREATE INDEX endpoints_account_idx ON endpoints (account_id);

CREATE TABLE webhooks (
    id {{uuid}} PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('system', 'account', 'environment')),
    account_id {{uuid}} REFERENCES accounts (id) ON DELETE CASCADE,
    environment_id {{uuid}} REFERENCES environments (id) ON DELETE CASCADE,
    scope_id TEXT NOT NULL,
    name TEXT NOT NULL,
    events {{json}} NOT NULL,
    farm_ids {{json}} NOT NULL,
    timeout_seconds INTEGER NOT NULL DEFAULT 3 CHECK (timeout_seconds BETWEEN 1 AND 60),
    max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 10),
    skip_private_vars {{bool}} NOT NULL DEFAULT FALSE,
    user_data TEXT NOT NULL DEFAULT '',
    active {{bool}} NOT NULL DEFAULT TRUE,
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX webhooks_account_idx ON webhooks (account_id);

CREATE TABLE webhook_endpoints (
    webhook_id {{uuid}} NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    endpoint_id {{uuid}} NOT NULL REFERENCES endpoints (id),
    PRIMARY KEY (webhook_id, endpoint_id)
);
CREATE INDEX webhook_endpoints_endpoint_idx ON webhook_endpoints (endpoint_id);

ALTER TABLE events ADD COLUMN farm_id {{uuid}};
ALTER TABLE events ADD COLUMN server_id {{uuid}};
ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'system';

CREATE TABLE deliveries (
    id {{uuid}} PRIMARY KEY,
    account_id {{uuid}},
    event_id {{uuid}} NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_name TEXT NOT NULL,
    webhook_id {{uuid}} REFERENCES webhooks (id) ON DELETE SET NULL,
    endpoint_id {{uuid}} REFERENCES endpoints (id) ON DELETE SET NULL,
    payload {{bytes}} NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    timeout_seconds INTEGER NOT NULL,
    next_attempt_at {{timestamp}},
    last_status_code INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    completed_at {{timestamp}}
);
-- The sweeper's question: which unfinished deliveries are due?
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_account_idx ON deliveries (account_id, created_at DESC, id DESC);
CREATE INDEX deliveries_event_idx ON deliveries (event_id);
CREATE INDEX deliveries_webhook_idx ON deliveries (webhook_id, created_at DESC);
CREATE INDEX deliveries_endpoint_idx ON deliveries (endpoint_id, created_at DESC);

CREATE TABLE delivery_attempts (
    id {{uuid}} PRIMARY KEY,
    delivery_id {{uuid}} NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_at {{timestamp}} NOT NULL,
    finished_at {{timestamp}},
    duration_ms INTEGER,
    url TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT '',
    request_headers {{json}},
    status_code INTEGER,
    response_headers {{json}},
    response_body TEXT NOT NULL DEFAULT '',
    error_class TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX delivery_attempts_number_key ON delivery_attempts (delivery_id, number);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at {{timestamp}} NOT NULL
);

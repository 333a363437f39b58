-- The full Scalr variable set (issue 8, item 5): what a farm, a farm role and a server need for
-- every key of Scalr's documented payload, and the installation id (SCALR_ID).
--
-- Projects and cost centres are mirrored on the farm as the provisioning system reports them
-- (its ids, names and billing codes): Switchboard does not own them, and handlers match on the
-- provisioner's ids.
ALTER TABLE farms ADD COLUMN hash TEXT NOT NULL DEFAULT '';
-- Existing farms get a hash from the random end of their id; new farms get a fresh one.
UPDATE farms SET hash = substr(replace(CAST(id AS TEXT), '-', ''), 19, 14);
ALTER TABLE farms ADD COLUMN team TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN launched_by_email TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN project_id TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN project_name TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN project_billing_code TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN cost_center_id TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN cost_center_name TEXT NOT NULL DEFAULT '';
ALTER TABLE farms ADD COLUMN cost_center_billing_code TEXT NOT NULL DEFAULT '';

ALTER TABLE farm_roles ADD COLUMN image_id TEXT NOT NULL DEFAULT '';
-- Comma-separated behaviour names ("base,mysql2").
ALTER TABLE farm_roles ADD COLUMN behaviors TEXT NOT NULL DEFAULT '';

-- A server's own image when it differs from its role's.
ALTER TABLE servers ADD COLUMN image_id TEXT NOT NULL DEFAULT '';

-- This installation's id, SCALR_ID in every payload (8 hex characters like Scalr's), on the
-- one row first-run setup writes. Set by the first event that needs it and never changed.
ALTER TABLE installation ADD COLUMN scalr_id TEXT NOT NULL DEFAULT '';

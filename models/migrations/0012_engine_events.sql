-- The on-call engine (issue 10) adds the built-in events IncidentEscalated, IncidentReassigned and
-- IncidentUnacknowledged. A custom event already named so (case-insensitively) must not silently
-- merge with the built-in: it is renamed with a "Custom" suffix (names are letters and digits, at
-- most 25: IncidentUnacknowledged becomes IncidentUnackCustom), the rename is recorded in the
-- audit log of the account it belongs to, and webhooks that subscribed to the custom name follow
-- it to its new name (they asked for the custom event, not for the new built-in one).

{{postgres}}INSERT INTO audit_entries (id, account_id, action, actor_user_id, actor_label, target_type, target_id, summary, created_at) SELECT gen_random_uuid(), account_id, 'custom_event.renamed', NULL, 'Switchboard upgrade', 'custom_event', CAST(id AS TEXT), 'Custom event ' || name || ' was renamed ' || CASE lower(name) WHEN 'incidentescalated' THEN 'IncidentEscalatedCustom' WHEN 'incidentreassigned' THEN 'IncidentReassignedCustom' ELSE 'IncidentUnackCustom' END || ': ' || name || ' is now a built-in event. Webhooks subscribed to it follow the new name.', now() FROM custom_events WHERE account_id IS NOT NULL AND lower(name) IN ('incidentescalated', 'incidentreassigned', 'incidentunacknowledged');
{{sqlite}}INSERT INTO audit_entries (id, account_id, action, actor_user_id, actor_label, target_type, target_id, summary, created_at) SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))), account_id, 'custom_event.renamed', NULL, 'Switchboard upgrade', 'custom_event', id, 'Custom event ' || name || ' was renamed ' || CASE lower(name) WHEN 'incidentescalated' THEN 'IncidentEscalatedCustom' WHEN 'incidentreassigned' THEN 'IncidentReassignedCustom' ELSE 'IncidentUnackCustom' END || ': ' || name || ' is now a built-in event. Webhooks subscribed to it follow the new name.', strftime('%Y-%m-%d %H:%M:%f', 'now') FROM custom_events WHERE account_id IS NOT NULL AND lower(name) IN ('incidentescalated', 'incidentreassigned', 'incidentunacknowledged');

-- Webhooks that could see such a custom event (the installation's for a system event, the
-- account's otherwise) keep receiving it under its new name.
{{postgres}}UPDATE webhooks SET events = CAST(replace(CAST(events AS TEXT), '"IncidentEscalated"', '"IncidentEscalatedCustom"') AS JSONB) WHERE EXISTS (SELECT 1 FROM custom_events c WHERE lower(c.name) = 'incidentescalated' AND (c.account_id IS NULL OR c.account_id = webhooks.account_id));
{{postgres}}UPDATE webhooks SET events = CAST(replace(CAST(events AS TEXT), '"IncidentReassigned"', '"IncidentReassignedCustom"') AS JSONB) WHERE EXISTS (SELECT 1 FROM custom_events c WHERE lower(c.name) = 'incidentreassigned' AND (c.account_id IS NULL OR c.account_id = webhooks.account_id));
{{postgres}}UPDATE webhooks SET events = CAST(replace(CAST(events AS TEXT), '"IncidentUnacknowledged"', '"IncidentUnackCustom"') AS JSONB) WHERE EXISTS (SELECT 1 FROM custom_events c WHERE lower(c.name) = 'incidentunacknowledged' AND (c.account_id IS NULL OR c.account_id = webhooks.account_id));
{{sqlite}}UPDATE webhooks SET events = replace(events, '"IncidentEscalated"', '"IncidentEscalatedCustom"') WHERE EXISTS (SELECT 1 FROM custom_events c WHERE lower(c.name) = 'incidentescalated' AND (c.account_id IS NULL OR c.account_id = webhooks.account_id));
{{sqlite}}UPDATE webhooks SET events = replace(events, '"IncidentReassigned"', '"IncidentReassignedCustom"') WHERE EXISTS (SELECT 1 FROM custom_events c WHERE lower(c.name) = 'incidentreassigned' AND (c.account_id IS NULL OR c.account_id = webhooks.account_id));
{{sqlite}}UPDATE webhooks SET events = replace(events, '"IncidentUnacknowledged"', '"IncidentUnackCustom"') WHERE EXISTS (SELECT 1 FROM custom_events c WHERE lower(c.name) = 'incidentunacknowledged' AND (c.account_id IS NULL OR c.account_id = webhooks.account_id));

UPDATE custom_events SET name = 'IncidentEscalatedCustom' WHERE lower(name) = 'incidentescalated';
UPDATE custom_events SET name = 'IncidentReassignedCustom' WHERE lower(name) = 'incidentreassigned';
UPDATE custom_events SET name = 'IncidentUnackCustom' WHERE lower(name) = 'incidentunacknowledged';

-- Shift notices ("your on-call shift starts", "a shift was handed to you") are notifications of a
-- schedule: one per schedule, person, kind and shift start, however often the notice task runs.
ALTER TABLE notifications ADD COLUMN schedule_id {{uuid}} REFERENCES schedules (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX notifications_shift_key ON notifications (schedule_id, user_id, reason, not_before) WHERE schedule_id IS NOT NULL;

-- An email notification follows its mail's outcome: found by mail_id.
CREATE INDEX notifications_mail_idx ON notifications (mail_id) WHERE mail_id IS NOT NULL;

-- Maintenance hold as state (docs/statuspages.md "Maintenance and paging"): during_maintenance
-- is history ("opened during maintenance"); maintenance_held says the incident waits for its
-- window right now. The release sweep selects held incidents whose component no window covers
-- and clears the flag as it releases them, so an incident without an escalation policy (whose
-- escalation row looks the same before and after) is released exactly once.
ALTER TABLE incidents ADD COLUMN maintenance_held {{bool}} NOT NULL DEFAULT FALSE;

-- Incidents held today: opened during maintenance, triggered, nothing due and no level paged,
-- and not released yet (an incident without a policy released before this migration says so on
-- its timeline).
UPDATE incidents SET maintenance_held = TRUE
WHERE during_maintenance AND status = 'triggered'
  AND EXISTS (SELECT 1 FROM incident_escalations e WHERE e.incident_id = incidents.id
              AND e.state = 'active' AND e.next_step_at IS NULL AND e.level = -1)
  AND NOT EXISTS (SELECT 1 FROM incident_timeline t WHERE t.incident_id = incidents.id
                  AND t.kind = 'maintenance' AND t.body LIKE 'The maintenance window ended%');

CREATE INDEX incidents_maintenance_held_idx ON incidents (component_id) WHERE maintenance_held;

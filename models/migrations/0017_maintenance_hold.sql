-- Maintenance hold as state (docs/statuspages.md "Maintenance and paging"): during_maintenance
-- is history ("opened during maintenance"); maintenance_held says the incident waits for its
-- window right now. The release sweep selects held incidents whose component no window covers
-- and clears the flag as it releases them, so an incident without an escalation policy (whose
-- escalation row looks the same before and after) is released exactly once.
ALTER TABLE incidents ADD COLUMN maintenance_held {{bool}} NOT NULL DEFAULT FALSE;

-- Incidents held today: opened during maintenance, triggered, nothing due and no level paged.
-- With a policy that state is the hold itself (a released incident has a step due or paged),
-- however often it was held and released before (a snooze ending in a second window holds it
-- again). Without a policy the row looks the same after a release, so only those not released
-- yet count: a release says so on the timeline.
UPDATE incidents SET maintenance_held = TRUE
WHERE during_maintenance AND status = 'triggered'
  AND EXISTS (SELECT 1 FROM incident_escalations e WHERE e.incident_id = incidents.id
              AND e.state = 'active' AND e.next_step_at IS NULL AND e.level = -1
              AND (e.policy_id IS NOT NULL
                   OR NOT EXISTS (SELECT 1 FROM incident_timeline t WHERE t.incident_id = incidents.id
                                  AND t.kind = 'maintenance' AND t.body LIKE 'The maintenance window ended%')));

CREATE INDEX incidents_maintenance_held_idx ON incidents (component_id) WHERE maintenance_held;

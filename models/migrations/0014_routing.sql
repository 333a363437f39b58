-- Routing rules (issue 9): an AWS integration's ordered rules send each alarm to a component,
-- with a severity and (on-call) an escalation policy; the integration's own component is the
-- fallback. Receipts name the alarm, the incident and the rule a message matched, and keep the
-- alarm's matching facts (never the SNS payload) so a rule can be tried on recent messages.

CREATE TABLE integration_routes (
    id {{uuid}} PRIMARY KEY,
    integration_id {{uuid}} NOT NULL REFERENCES aws_integrations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    -- JSON array of {"field","dimension","op","value"} (models/routing), all of which must hold.
    conditions {{json}} NOT NULL,
    component_id {{uuid}} NOT NULL REFERENCES components (id),
    -- NULL: the integration's default severity.
    severity TEXT CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    -- NULL: the integration's (then the component's) policy.
    escalation_policy_id {{uuid}} REFERENCES escalation_policies (id),
    created_at {{timestamp}} NOT NULL,
    updated_at {{timestamp}} NOT NULL
);
CREATE INDEX integration_routes_integration_idx ON integration_routes (integration_id, position);
CREATE INDEX integration_routes_component_idx ON integration_routes (component_id);
CREATE INDEX integration_routes_policy_idx ON integration_routes (escalation_policy_id);

ALTER TABLE sns_receipts ADD COLUMN alarm_name TEXT NOT NULL DEFAULT '';
ALTER TABLE sns_receipts ADD COLUMN incident_id {{uuid}};
ALTER TABLE sns_receipts ADD COLUMN route_id {{uuid}};
ALTER TABLE sns_receipts ADD COLUMN facts {{json}};
-- The incident an alarm opened records the rule that routed it.
ALTER TABLE incidents ADD COLUMN route_id {{uuid}};
-- A test alarm's incident (the integration page's "Send a test alarm"): counted apart, pages
-- nobody, and its events go only to the endpoints the user ticked (JSON array of ids).
ALTER TABLE incidents ADD COLUMN is_test {{bool}} NOT NULL DEFAULT FALSE;
ALTER TABLE incidents ADD COLUMN test_endpoints {{json}};

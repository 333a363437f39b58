-- The worst open severity of a component (the internal status pass before every commit that
-- opens or resolves incidents, component_history.go) is probed severity by severity on this
-- index, one LIMIT 1 lookup each, instead of reading every open incident of the component. The
-- old read visited all of them, and also the index entries of incidents resolved since the last
-- vacuum (a resolve leaves its entry in incidents_component_open_idx until vacuum): on a busy
-- component it cost milliseconds per transaction and grew with the churn.
CREATE INDEX incidents_component_open_severity_idx ON incidents (component_id, severity) WHERE status <> 'resolved' AND NOT is_test;

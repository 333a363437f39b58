package server_test

import "testing"

// Bulk acknowledge and resolve from the list, each incident answered on its own; MTTA and
// MTTR over the filtered set.
func TestIncidentBulkAndStats(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	MustSetup(t, c)
	a := accountOf(t, c)
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctxT(t), `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "API"}) { component { id } } }`, map[string]any{"a": a.accountID}, &cc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, title := range []string{"one", "two", "three"} {
		var ci struct {
			CreateIncident struct{ Incident struct{ ID string } }
		}
		if err := c.MustOK(ctxT(t), `mutation($c: ID!, $t: String!) { createIncident(input: {componentId: $c, title: $t, severity: HIGH}) { incident { id } } }`,
			map[string]any{"c": cc.CreateComponent.Component.ID, "t": title}, &ci); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ci.CreateIncident.Incident.ID)
	}
	type bulk struct {
		Results []struct {
			ID       string
			Incident *struct{ Status string }
			Error    *struct{ Code, Message string }
		}
		Errors []struct{ Field string }
	}
	var ack struct{ AcknowledgeIncidents bulk }
	if err := c.MustOK(ctxT(t), `mutation($ids: [ID!]!) { acknowledgeIncidents(ids: $ids) { results { id incident { status } error { code message } } errors { field } } }`,
		map[string]any{"ids": ids[:2]}, &ack); err != nil {
		t.Fatal(err)
	}
	if r := ack.AcknowledgeIncidents.Results; len(r) != 2 || r[0].Incident.Status != "ACKNOWLEDGED" || r[1].Incident.Status != "ACKNOWLEDGED" {
		t.Fatalf("acknowledge: %+v", ack)
	}
	// Acknowledging again: each result says why, nothing fails as a whole.
	if err := c.MustOK(ctxT(t), `mutation($ids: [ID!]!) { acknowledgeIncidents(ids: $ids) { results { id incident { status } error { code message } } errors { field } } }`,
		map[string]any{"ids": []string{ids[0], ids[2]}}, &ack); err != nil {
		t.Fatal(err)
	}
	if r := ack.AcknowledgeIncidents.Results; len(r) != 2 || r[0].Error == nil || r[0].Error.Code != "CONFLICT" || r[1].Incident == nil {
		t.Fatalf("second acknowledge: %+v", ack)
	}
	var res struct{ ResolveIncidents bulk }
	if err := c.MustOK(ctxT(t), `mutation($ids: [ID!]!) { resolveIncidents(ids: $ids) { results { id incident { status } error { code message } } errors { field } } }`,
		map[string]any{"ids": ids}, &res); err != nil {
		t.Fatal(err)
	}
	for _, r := range res.ResolveIncidents.Results {
		if r.Incident == nil || r.Incident.Status != "RESOLVED" {
			t.Fatalf("resolve: %+v", res)
		}
	}
	var empty struct{ ResolveIncidents bulk }
	if err := c.MustOK(ctxT(t), `mutation { resolveIncidents(ids: []) { results { id } errors { field } } }`, nil, &empty); err != nil {
		t.Fatal(err)
	}
	if len(empty.ResolveIncidents.Errors) != 1 || empty.ResolveIncidents.Errors[0].Field != "ids" {
		t.Fatalf("empty: %+v", empty)
	}

	var st struct {
		Account struct {
			IncidentStats struct {
				Count, Acknowledged, Resolved int
				MttaSeconds, MttrSeconds      *int
			}
		}
	}
	if err := c.MustOK(ctxT(t), `query($a: ID!) { account(id: $a) { incidentStats(filter: {search: "t"}) { count acknowledged resolved mttaSeconds mttrSeconds } } }`,
		map[string]any{"a": a.accountID}, &st); err != nil {
		t.Fatal(err)
	}
	// "two" and "three" match the search; both resolved, all three acknowledged.
	s := st.Account.IncidentStats
	if s.Count != 2 || s.Acknowledged != 2 || s.Resolved != 2 || s.MttaSeconds == nil || s.MttrSeconds == nil || *s.MttaSeconds < 0 || *s.MttrSeconds < *s.MttaSeconds {
		t.Fatalf("stats: %+v", s)
	}
}

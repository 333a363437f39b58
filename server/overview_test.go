package server_test

import "testing"

// The landing page counts open incidents by severity, lists what is not operational and walks
// the setup checklist.
func TestAccountOverview(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	MustSetup(t, c)
	a := accountOf(t, c)
	type overview struct {
		Account struct {
			Overview struct {
				OpenIncidents []struct {
					Severity string
					Count    int
				}
				DegradedComponents  []struct{ Name, Status string }
				FailedDeliveries24h int
				Checklist           struct{ HasComponent, HasIntegration, HasEndpoint, HasWebhook, Done bool }
			}
		}
	}
	read := func() overview {
		t.Helper()
		var o overview
		if err := c.MustOK(ctxT(t), `query($a: ID!) { account(id: $a) { overview { openIncidents { severity count }
			degradedComponents { name status } failedDeliveries24h checklist { hasComponent hasIntegration hasEndpoint hasWebhook done } } } }`,
			map[string]any{"a": a.accountID}, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	o := read().Account.Overview
	if o.Checklist.HasComponent || o.Checklist.Done || len(o.DegradedComponents) != 0 || len(o.OpenIncidents) != 4 || o.OpenIncidents[0].Severity != "CRITICAL" {
		t.Fatalf("empty account: %+v", o)
	}
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	for _, name := range []string{"Healthy", "Checkout"} {
		if err := c.MustOK(ctxT(t), `mutation($a: ID!, $n: String!) { createComponent(input: {accountId: $a, name: $n}) { component { id } } }`,
			map[string]any{"a": a.accountID, "n": name}, &cc); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.MustOK(ctxT(t), `mutation($c: ID!) { createIncident(input: {componentId: $c, title: "down", severity: CRITICAL}) { incident { id } } }`,
		map[string]any{"c": cc.CreateComponent.Component.ID}, nil); err != nil {
		t.Fatal(err)
	}
	o = read().Account.Overview
	if o.OpenIncidents[0].Count != 1 || o.OpenIncidents[1].Count != 0 {
		t.Errorf("open incidents: %+v", o.OpenIncidents)
	}
	if len(o.DegradedComponents) != 1 || o.DegradedComponents[0].Name != "Checkout" || o.DegradedComponents[0].Status != "MAJOR_OUTAGE" {
		t.Errorf("degraded: %+v", o.DegradedComponents)
	}
	if !o.Checklist.HasComponent || o.Checklist.HasIntegration || o.Checklist.Done {
		t.Errorf("checklist: %+v", o.Checklist)
	}
}

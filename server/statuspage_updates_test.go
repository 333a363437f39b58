package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestStatusPageUpdateFlow drives a public incident through GraphQL: the first update creates
// it and moves the component's published status, a later update moves it on, a correction is
// marked, resolution puts the component back and closes the incident to updates, a postmortem
// follows; templates and auto-publish settings round-trip; a viewer may read but not post.
func TestStatusPageUpdateFlow(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	f := accountOf(t, c)
	viewer, _ := addUser(t, f, "viewer@example.com", "VIEWER")

	var comp struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "Checkout"}) { component { id } } }`, map[string]any{"a": f.accountID}, &comp); err != nil {
		t.Fatal(err)
	}
	compID := comp.CreateComponent.Component.ID
	var inc struct {
		CreateIncident struct{ Incident struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($c: ID!) { createIncident(input: {componentId: $c, title: "payments failing", severity: CRITICAL}) { incident { id } } }`, map[string]any{"c": compID}, &inc); err != nil {
		t.Fatal(err)
	}
	incID := inc.CreateIncident.Incident.ID

	type payload struct {
		PublicIncident *struct {
			ID, Title, Status, Impact string
			ResolvedAt                *string
			Components                []struct {
				Component struct{ Name string }
				Status    string
			}
			Updates []struct {
				ID, Status, Message, Author string
				EditedAt                    *string
				Components                  []struct {
					Component struct{ Name string }
					Status    string
				}
			}
		}
		Errors []struct{ Code, Field, Message string }
	}
	const fields = `publicIncident { id title status impact resolvedAt components { component { name } status }
		updates { id status message author editedAt components { component { name } status } } } errors { code field message }`
	postAs := func(t *testing.T, who string, input map[string]any) payload {
		t.Helper()
		cl := c
		if who == "viewer" {
			cl = viewer
		}
		var d struct{ PostIncidentUpdate payload }
		if err := cl.MustOK(ctx, `mutation($in: PostIncidentUpdateInput!) { postIncidentUpdate(input: $in) { `+fields+` } }`, map[string]any{"in": input}, &d); err != nil {
			t.Fatal(err)
		}
		return d.PostIncidentUpdate
	}
	publicStatus := func(t *testing.T) string {
		t.Helper()
		var d struct {
			Component struct {
				PublicStatus string
				Status       string
			}
		}
		if err := c.MustOK(ctx, `query($id: ID!) { component(id: $id) { publicStatus status } }`, map[string]any{"id": compID}, &d); err != nil {
			t.Fatal(err)
		}
		return d.Component.PublicStatus
	}
	if got := publicStatus(t); got != "OPERATIONAL" {
		t.Fatalf("public status before anything is published: %s", got)
	}

	// Bad input: typed errors, nothing published.
	first := map[string]any{"incidentId": incID, "status": "INVESTIGATING", "message": "We are looking into failed payments.",
		"components": []map[string]any{{"componentId": compID, "status": "MAJOR_OUTAGE"}}}
	if p := postAs(t, "admin", first); len(p.Errors) != 1 || p.Errors[0].Code != "INVALID" || p.Errors[0].Field != "title" || p.PublicIncident != nil {
		t.Fatalf("first update without a title: %+v", p)
	}
	first["title"] = "Payments failing"
	if p := postAs(t, "viewer", first); len(p.Errors) != 1 || p.Errors[0].Code != "FORBIDDEN" {
		t.Fatalf("a viewer's update: %+v", p)
	}
	if got := publicStatus(t); got != "OPERATIONAL" {
		t.Fatalf("public status after refused updates: %s", got)
	}

	p := postAs(t, "admin", first)
	if len(p.Errors) > 0 || p.PublicIncident == nil || p.PublicIncident.Status != "INVESTIGATING" || p.PublicIncident.Impact != "CRITICAL" ||
		len(p.PublicIncident.Updates) != 1 || p.PublicIncident.Updates[0].Author != "Ada Admin" ||
		len(p.PublicIncident.Components) != 1 || p.PublicIncident.Components[0].Component.Name != "Checkout" {
		t.Fatalf("first update: %+v", p)
	}
	piID := p.PublicIncident.ID
	if got := publicStatus(t); got != "MAJOR_OUTAGE" {
		t.Fatalf("public status after the first update: %s", got)
	}

	p = postAs(t, "admin", map[string]any{"incidentId": incID, "status": "MONITORING", "message": "A fix is out.",
		"components": []map[string]any{{"componentId": compID, "status": "DEGRADED_PERFORMANCE"}}})
	if len(p.Errors) > 0 || p.PublicIncident.Status != "MONITORING" || len(p.PublicIncident.Updates) != 2 ||
		p.PublicIncident.Updates[1].Components[0].Status != "DEGRADED_PERFORMANCE" {
		t.Fatalf("second update: %+v", p)
	}
	if got := publicStatus(t); got != "DEGRADED_PERFORMANCE" {
		t.Fatalf("public status while monitoring: %s", got)
	}

	// A correction.
	var ed struct{ EditIncidentUpdate payload }
	if err := c.MustOK(ctx, `mutation($id: ID!) { editIncidentUpdate(input: {id: $id, message: "We are looking into failed card payments."}) { `+fields+` } }`,
		map[string]any{"id": p.PublicIncident.Updates[0].ID}, &ed); err != nil {
		t.Fatal(err)
	}
	if u := ed.EditIncidentUpdate.PublicIncident.Updates[0]; u.EditedAt == nil || u.Message != "We are looking into failed card payments." {
		t.Fatalf("corrected update: %+v", u)
	}

	// A postmortem before resolution is a conflict.
	var pm struct {
		SetPostmortem struct {
			PublicIncident *struct {
				Postmortem            string
				PostmortemPublishedAt *string
			}
			Errors []struct{ Code string }
		}
	}
	pmQuery := `mutation($id: ID!) { setPostmortem(input: {publicIncidentId: $id, postmortem: "A bad deploy.", publish: true}) { publicIncident { postmortem postmortemPublishedAt } errors { code } } }`
	if err := c.MustOK(ctx, pmQuery, map[string]any{"id": piID}, &pm); err != nil {
		t.Fatal(err)
	}
	if len(pm.SetPostmortem.Errors) != 1 || pm.SetPostmortem.Errors[0].Code != "CONFLICT" {
		t.Fatalf("postmortem before resolution: %+v", pm)
	}

	p = postAs(t, "admin", map[string]any{"incidentId": incID, "status": "RESOLVED", "message": "Payments work again."})
	if len(p.Errors) > 0 || p.PublicIncident.Status != "RESOLVED" || p.PublicIncident.ResolvedAt == nil {
		t.Fatalf("resolved: %+v", p)
	}
	if got := publicStatus(t); got != "OPERATIONAL" {
		t.Fatalf("public status after resolution: %s", got)
	}
	if p := postAs(t, "admin", map[string]any{"incidentId": incID, "status": "MONITORING", "message": "Again?"}); len(p.Errors) != 1 || p.Errors[0].Code != "CONFLICT" {
		t.Fatalf("an update after resolution: %+v", p)
	}
	if err := c.MustOK(ctx, pmQuery, map[string]any{"id": piID}, &pm); err != nil {
		t.Fatal(err)
	}
	if len(pm.SetPostmortem.Errors) > 0 || pm.SetPostmortem.PublicIncident.PostmortemPublishedAt == nil {
		t.Fatalf("postmortem: %+v", pm)
	}

	// The viewer reads it all: from the incident, the account and by id; the timeline says what was published.
	var read struct {
		Incident struct {
			PublicIncident struct{ ID string }
			Timeline       []struct{ Kind, Body string }
		}
		PublicIncident struct {
			Incident struct{ ID string }
			Pages    []struct{ ID string }
		}
		Account struct {
			PublicIncidents []struct{ ID string }
			Components      []struct {
				Uptime struct {
					Percent *float64
					Days    []struct {
						MajorSeconds, DegradedSeconds int
						Worst                         string
					}
				}
			}
		}
	}
	if err := viewer.MustOK(ctx, `query($i: ID!, $p: ID!, $a: ID!) { incident(id: $i) { publicIncident { id } timeline { kind body } }
		publicIncident(id: $p) { incident { id } pages { id } }
		account(id: $a) { publicIncidents { id } components { uptime(days: 1) { percent days { majorSeconds degradedSeconds worst } } } } }`,
		map[string]any{"i": incID, "p": piID, "a": f.accountID}, &read); err != nil {
		t.Fatal(err)
	}
	if read.Incident.PublicIncident.ID != piID || read.PublicIncident.Incident.ID != incID || len(read.Account.PublicIncidents) != 1 {
		t.Fatalf("read back: %+v", read)
	}
	var published []string
	for _, e := range read.Incident.Timeline {
		if e.Kind == "status_page" {
			published = append(published, e.Body)
		}
	}
	if len(published) != 5 || !strings.HasPrefix(published[0], "Published an update: Investigating — We are looking into failed payments.") {
		t.Fatalf("timeline: %q", published)
	}
	if u := read.Account.Components[0].Uptime; len(u.Days) != 1 || u.Days[0].Worst != "MAJOR_OUTAGE" || u.Percent == nil {
		t.Fatalf("uptime: %+v", u)
	}
	var bad struct{ Errors []struct{ Message string } }
	r, err := viewer.GraphQL(ctx, `query($id: ID!) { component(id: $id) { uptime(days: 91) { percent } } }`, map[string]any{"id": compID})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	_ = json.Unmarshal(b, &bad)
	if len(bad.Errors) == 0 || !strings.Contains(bad.Errors[0].Message, "days") {
		t.Fatalf("91 days: %s", b)
	}

	// Templates: save, a duplicate name conflicts, list, delete.
	var tpl struct {
		SaveUpdateTemplate struct {
			Template *struct{ ID, Name string }
			Errors   []struct{ Code string }
		}
	}
	tq := `mutation($a: ID!, $n: String!) { saveUpdateTemplate(input: {accountId: $a, name: $n, status: INVESTIGATING, message: "Errors on {component}."}) { template { id name } errors { code } } }`
	if err := c.MustOK(ctx, tq, map[string]any{"a": f.accountID, "n": "Errors"}, &tpl); err != nil || tpl.SaveUpdateTemplate.Template == nil {
		t.Fatalf("save template: %v %+v", err, tpl)
	}
	tplID := tpl.SaveUpdateTemplate.Template.ID
	if err := c.MustOK(ctx, tq, map[string]any{"a": f.accountID, "n": "errors"}, &tpl); err != nil || len(tpl.SaveUpdateTemplate.Errors) != 1 || tpl.SaveUpdateTemplate.Errors[0].Code != "CONFLICT" {
		t.Fatalf("duplicate template: %v %+v", err, tpl)
	}
	var list struct {
		Account struct {
			UpdateTemplates []struct{ Name, Message string }
		}
	}
	if err := viewer.MustOK(ctx, `query($a: ID!) { account(id: $a) { updateTemplates { name message } } }`, map[string]any{"a": f.accountID}, &list); err != nil ||
		len(list.Account.UpdateTemplates) != 1 || list.Account.UpdateTemplates[0].Message != "Errors on {component}." {
		t.Fatalf("templates: %v %+v", err, list)
	}
	var del struct {
		DeleteUpdateTemplate struct{ DeletedID *string }
	}
	if err := c.MustOK(ctx, `mutation($id: ID!) { deleteUpdateTemplate(id: $id) { deletedId } }`, map[string]any{"id": tplID}, &del); err != nil || del.DeleteUpdateTemplate.DeletedID == nil {
		t.Fatalf("delete template: %v %+v", err, del)
	}

	// Auto-publish settings (admins).
	var ap struct {
		SetComponentAutoPublish struct {
			Component *struct {
				AutoPublish             bool
				AutoPublishAfterMinutes int
			}
			Errors []struct{ Code string }
		}
	}
	apq := `mutation($c: ID!, $m: Int) { setComponentAutoPublish(input: {componentId: $c, autoPublish: true, afterMinutes: $m}) { component { autoPublish autoPublishAfterMinutes } errors { code } } }`
	if err := c.MustOK(ctx, apq, map[string]any{"c": compID, "m": 0}, &ap); err != nil || len(ap.SetComponentAutoPublish.Errors) != 1 || ap.SetComponentAutoPublish.Errors[0].Code != "INVALID" {
		t.Fatalf("0 minutes: %v %+v", err, ap)
	}
	if err := viewer.MustOK(ctx, apq, map[string]any{"c": compID, "m": 5}, &ap); err != nil || len(ap.SetComponentAutoPublish.Errors) != 1 || ap.SetComponentAutoPublish.Errors[0].Code != "FORBIDDEN" {
		t.Fatalf("a viewer: %v %+v", err, ap)
	}
	if err := c.MustOK(ctx, apq, map[string]any{"c": compID, "m": 5}, &ap); err != nil || ap.SetComponentAutoPublish.Component == nil ||
		!ap.SetComponentAutoPublish.Component.AutoPublish || ap.SetComponentAutoPublish.Component.AutoPublishAfterMinutes != 5 {
		t.Fatalf("auto publish: %v %+v", err, ap)
	}
}

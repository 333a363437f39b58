package server_test

import (
	"fmt"
	"testing"
)

// TestPublicIncidentPagesBatched: PublicIncident.pages is loaded for all the public incidents
// of a request at once (a loader), so listing more incidents runs no more queries; each
// incident still gets only the pages that show one of its components.
func TestPublicIncidentPagesBatched(t *testing.T) {
	m, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	f := accountOf(t, c)
	comp := func(name string) string {
		var d struct {
			CreateComponent struct{ Component struct{ ID string } }
		}
		if err := c.MustOK(ctx, `mutation($a: ID!, $n: String!) { createComponent(input: {accountId: $a, name: $n}) { component { id } } }`,
			map[string]any{"a": f.accountID, "n": name}, &d); err != nil {
			t.Fatal(err)
		}
		return d.CreateComponent.Component.ID
	}
	api, web := comp("API"), comp("Web")
	page := func(slug string, comps ...string) string {
		var d struct {
			CreateStatusPage struct {
				StatusPage struct{ ID string }
				Errors     []struct{ Message string }
			}
		}
		in := []map[string]any{}
		for _, id := range comps {
			in = append(in, map[string]any{"componentId": id})
		}
		if err := c.MustOK(ctx, `mutation($a: ID!, $s: String!, $c: [StatusPageComponentInput!]) { createStatusPage(input: {accountId: $a, name: $s, slug: $s,
			visibility: PUBLIC, components: $c}) { statusPage { id } errors { message } } }`,
			map[string]any{"a": f.accountID, "s": slug, "c": in}, &d); err != nil || len(d.CreateStatusPage.Errors) > 0 {
			t.Fatalf("create page: %v %+v", err, d)
		}
		return d.CreateStatusPage.StatusPage.ID
	}
	apiPage, webPage := page("api-status", api), page("web-status", web)
	publish := func(i int, compID string) {
		var inc struct {
			CreateIncident struct{ Incident struct{ ID string } }
		}
		if err := c.MustOK(ctx, `mutation($c: ID!, $t: String!) { createIncident(input: {componentId: $c, title: $t, severity: HIGH}) { incident { id } } }`,
			map[string]any{"c": compID, "t": fmt.Sprintf("incident %d", i)}, &inc); err != nil {
			t.Fatal(err)
		}
		var d struct {
			PostIncidentUpdate struct{ Errors []struct{ Message string } }
		}
		if err := c.MustOK(ctx, `mutation($in: PostIncidentUpdateInput!) { postIncidentUpdate(input: $in) { errors { message } } }`,
			map[string]any{"in": map[string]any{"incidentId": inc.CreateIncident.Incident.ID, "title": fmt.Sprintf("Public %d", i), "status": "INVESTIGATING",
				"message": "Looking.", "components": []map[string]any{{"componentId": compID, "status": "MAJOR_OUTAGE"}}}}, &d); err != nil ||
			len(d.PostIncidentUpdate.Errors) > 0 {
			t.Fatalf("post update: %v %+v", err, d)
		}
	}
	type read struct {
		Account struct {
			PublicIncidents []struct {
				Title string
				Pages []struct{ ID string }
			}
		}
	}
	statements := func(first int) (uint64, read) {
		t.Helper()
		var r read
		before := m.DB.Statements()
		if err := c.MustOK(ctx, `query($a: ID!, $n: Int) { account(id: $a) { publicIncidents(first: $n) { title pages { id } } } }`,
			map[string]any{"a": f.accountID, "n": first}, &r); err != nil {
			t.Fatal(err)
		}
		return m.DB.Statements() - before, r
	}
	for i := range 6 {
		cid := api
		if i%2 == 1 {
			cid = web
		}
		publish(i, cid)
	}
	two, _ := statements(2)
	six, r := statements(6)
	if six != two {
		t.Fatalf("statements for 2 public incidents: %d, for 6: %d (one query per incident?)", two, six)
	}
	if len(r.Account.PublicIncidents) != 6 {
		t.Fatalf("public incidents: %+v", r)
	}
	for _, pi := range r.Account.PublicIncidents {
		var n int
		fmt.Sscanf(pi.Title, "Public %d", &n)
		want := apiPage
		if n%2 == 1 {
			want = webPage
		}
		if len(pi.Pages) != 1 || pi.Pages[0].ID != want {
			t.Fatalf("%s: pages %+v, want %s", pi.Title, pi.Pages, want)
		}
	}
}

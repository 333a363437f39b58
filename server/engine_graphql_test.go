package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

type gqlEscalation struct {
	State, PolicySource            string
	Level, LevelCount, RepeatsLeft int
	NextStepAt                     *time.Time
	Paged                          []struct{ Email string }
	Policy                         *struct{ Name string }
}

type gqlIncident struct {
	ID, Status    string
	Assignee      *struct{ Email string }
	Escalation    *gqlEscalation
	Notifications []struct {
		Channel, Status, Recipient string
		Level                      *int
		AttemptLog                 []struct{ Number int }
	}
}

const incidentEscalationQuery = `query($id: ID!) { incident(id: $id) { id status assignee { email }
	escalation { state policySource level levelCount repeatsLeft nextStepAt paged { email } policy { name } }
	notifications { channel status recipient level attemptLog { number } } } }`

func TestEngineGraphQL(t *testing.T) {
	e := mustEngineEnv(t)
	ctx := ctxT(t)
	var pol models.EscalationPolicy
	if err := e.m.Store.DB().Where("account_id = ?", e.accountID).Take(&pol).Error; err != nil {
		t.Fatal(err)
	}
	var created struct {
		CreateIncident struct {
			Incident struct{ ID string }
			Errors   []struct{ Code string }
		}
	}
	if err := e.c.MustOK(ctx, `mutation($c: ID!, $p: ID) { createIncident(input: {componentId: $c, title: "Checkout down", severity: CRITICAL, escalationPolicyId: $p}) { incident { id } errors { code } } }`,
		map[string]any{"c": e.componentID, "p": pol.ID}, &created); err != nil || len(created.CreateIncident.Errors) > 0 {
		t.Fatalf("createIncident: %v %+v", err, created.CreateIncident.Errors)
	}
	id := created.CreateIncident.Incident.ID
	read := func(c *servertest.Client) gqlIncident {
		t.Helper()
		var d struct{ Incident gqlIncident }
		if err := c.MustOK(ctx, incidentEscalationQuery, map[string]any{"id": id}, &d); err != nil {
			t.Fatal(err)
		}
		return d.Incident
	}
	waitUntil(t, "level 1 paged and sent", 20*time.Second, func() bool {
		inc := read(e.c)
		if inc.Escalation == nil || inc.Escalation.Level != 1 || len(inc.Notifications) < 2 {
			return false
		}
		for _, n := range inc.Notifications {
			if n.Status != "SENT" {
				return false
			}
		}
		return true
	})
	inc := read(e.c)
	esc := inc.Escalation
	if esc.State != "ACTIVE" || esc.PolicySource != "INCIDENT" || esc.LevelCount != 2 || esc.RepeatsLeft != 0 || esc.NextStepAt == nil ||
		len(esc.Paged) != 1 || esc.Paged[0].Email != e.ana.Email || esc.Policy == nil || esc.Policy.Name != "Platform" {
		t.Fatalf("escalation %+v", esc)
	}
	for _, n := range inc.Notifications {
		if n.Level == nil || *n.Level != 1 || len(n.AttemptLog) != 1 {
			t.Fatalf("notification %+v", n)
		}
	}

	// Ana sees her page and her own contact method.
	ana := servertest.NewClient(e.c.BaseURL)
	if _, err := ana.Login(ctx, "ana@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	var mine struct {
		Account struct {
			MyOpenPages     []struct{ ID string }
			MyNotifications struct {
				Edges []struct {
					Node struct {
						Channel       string
						ContactMethod *struct{ Kind string }
					}
				}
			}
		}
	}
	if err := ana.MustOK(ctx, `query($a: ID!) { account(id: $a) { myOpenPages { id } myNotifications { edges { node { channel contactMethod { kind } } } } } }`,
		map[string]any{"a": e.accountID}, &mine); err != nil {
		t.Fatal(err)
	}
	if len(mine.Account.MyOpenPages) != 1 || mine.Account.MyOpenPages[0].ID != id || len(mine.Account.MyNotifications.Edges) != 2 ||
		mine.Account.MyNotifications.Edges[0].Node.ContactMethod == nil {
		t.Fatalf("Ana's pages: %+v", mine)
	}

	mutate := func(c *servertest.Client, q string, vars map[string]any) (gqlIncident, string) {
		t.Helper()
		var d map[string]struct {
			Incident *gqlIncident
			Errors   []struct{ Code, Field string }
		}
		r, err := c.GraphQL(ctx, q, vars)
		if err != nil {
			t.Fatal(err)
		}
		if code := r.Code(); code != "" {
			return gqlIncident{}, code
		}
		if err := r.Decode(&d); err != nil {
			t.Fatal(err)
		}
		for _, p := range d {
			if len(p.Errors) > 0 {
				return gqlIncident{}, p.Errors[0].Code
			}
			return *p.Incident, ""
		}
		return gqlIncident{}, "?"
	}
	sel := ` { incident { id status assignee { email } escalation { state policySource level } } errors { code field } }`
	if _, code := mutate(ana, `mutation($id: ID!) { snoozeIncident(input: {id: $id, minutes: 0})`+sel+` }`, map[string]any{"id": id}); code != "INVALID" {
		t.Fatalf("snooze 0 minutes: %q", code)
	}
	got, code := mutate(ana, `mutation($id: ID!) { snoozeIncident(input: {id: $id, minutes: 30})`+sel+` }`, map[string]any{"id": id})
	if code != "" || got.Status != "ACKNOWLEDGED" || got.Escalation.State != "SNOOZED" {
		t.Fatalf("snooze: %q %+v", code, got)
	}
	got, code = mutate(ana, `mutation($id: ID!) { unacknowledgeIncident(input: {id: $id})`+sel+` }`, map[string]any{"id": id})
	if code != "" || got.Status != "TRIGGERED" || got.Escalation.State != "ACTIVE" {
		t.Fatalf("unacknowledge: %q %+v", code, got)
	}
	got, code = mutate(ana, `mutation($id: ID!, $u: ID!) { reassignIncident(input: {id: $id, userId: $u})`+sel+` }`, map[string]any{"id": id, "u": e.bo.ID})
	if code != "" || got.Assignee == nil || got.Assignee.Email != e.bo.Email {
		t.Fatalf("reassign: %q %+v", code, got)
	}
	if _, code = mutate(ana, `mutation($id: ID!) { escalateIncident(input: {id: $id})`+sel+` }`, map[string]any{"id": id}); code != "" {
		t.Fatalf("escalate: %q", code)
	}
	got, code = mutate(ana, `mutation($id: ID!) { setIncidentPolicy(input: {id: $id, policyId: null})`+sel+` }`, map[string]any{"id": id})
	if code != "" || got.Escalation.PolicySource != "COMPONENT" {
		t.Fatalf("setIncidentPolicy: %q %+v", code, got)
	}

	// A viewer reads but does not act.
	var added struct {
		AddMember struct{ Errors []struct{ Message string } }
	}
	if err := e.c.MustOK(ctx, `mutation($a: ID!) { addMember(input: {accountId: $a, email: "vi@example.com", role: VIEWER, name: "Vi", password: "correct horse battery"}) { errors { message } } }`,
		map[string]any{"a": e.accountID}, &added); err != nil {
		t.Fatal(err)
	}
	vi := servertest.NewClient(e.c.BaseURL)
	if _, err := vi.Login(ctx, "vi@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if inc := read(vi); inc.Escalation == nil {
		t.Fatal("a viewer does not see the escalation")
	}
	for _, q := range []string{
		`mutation($id: ID!) { escalateIncident(input: {id: $id})` + sel + ` }`,
		`mutation($id: ID!) { snoozeIncident(input: {id: $id, minutes: 5})` + sel + ` }`,
	} {
		if _, code := mutate(vi, q, map[string]any{"id": id}); code == "" {
			t.Fatalf("a viewer acted: %s", q)
		} else if !strings.Contains("FORBIDDEN NOT_FOUND", code) {
			t.Fatalf("viewer refused with %q", code)
		}
	}
}

// The embedded default (SQLite, in-process Redis, no SMTP): a page is kept in Outgoing mail,
// so `make run` shows paging end to end.
func TestEngineEmbeddedKeepsPages(t *testing.T) {
	m, c := MustStart(t, startOpts{embedded: true})
	MustSetup(t, c)
	a := accountOf(t, c)
	ctx := ctxT(t)
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "API"}) { component { id } } }`, map[string]any{"a": a.accountID}, &cc); err != nil {
		t.Fatal(err)
	}
	db := m.Store.DB()
	var admin models.User
	if err := db.Where("email = ?", "admin@example.com").Take(&admin).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	pol := models.EscalationPolicy{ID: uuid.NewString(), AccountID: a.accountID, Name: "Default", CreatedAt: now, UpdatedAt: now}
	lv := models.EscalationLevel{ID: uuid.NewString(), PolicyID: pol.ID, TimeoutMinutes: 10}
	for _, v := range []any{&pol, &lv, &models.EscalationTarget{ID: uuid.NewString(), LevelID: lv.ID, UserID: &admin.ID}} {
		if err := db.Create(v).Error; err != nil {
			t.Fatal(err)
		}
	}
	var created struct {
		CreateIncident struct{ Incident struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($c: ID!, $p: ID) { createIncident(input: {componentId: $c, title: "Kept page", severity: HIGH, escalationPolicyId: $p}) { incident { id } } }`,
		map[string]any{"c": cc.CreateComponent.Component.ID, "p": pol.ID}, &created); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the page kept in Outgoing mail", 20*time.Second, func() bool {
		var n models.Notification
		err := db.Where("incident_id = ?", created.CreateIncident.Incident.ID).Take(&n).Error
		return err == nil && n.Status == models.NotificationKept && n.MailID != nil
	})
	var mail models.Mail
	if err := db.Where("kind = 'page' AND to_address = ?", "admin@example.com").Take(&mail).Error; err != nil || mail.Status != models.MailKept ||
		!strings.Contains(mail.TextBody, "/links/") {
		t.Fatalf("kept page: %+v %v", mail, err)
	}
}

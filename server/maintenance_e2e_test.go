package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
)

// TestMaintenanceHoldsPagingEndToEnd runs the real server and worker (PostgreSQL, Redis, the
// periodic scheduler) with an SMTP server: a signed CloudWatch alarm during a maintenance
// window opens an incident that pages nobody; when the window ends by the store's clock, the
// maintenance cycle releases it and level 1 gets one page by mail.
func TestMaintenanceHoldsPagingEndToEnd(t *testing.T) {
	e := mustEngineEnv(t)
	ctx := ctxT(t)
	now := e.clock.now()

	// A window on the integration's component, from now for an hour: it is in progress at once.
	var cm struct {
		CreateMaintenance struct {
			Maintenance struct {
				ID, Status string
				Components []struct{ ID string }
			}
			Errors []struct{ Code, Field, Message string }
		}
	}
	if err := e.c.MustOK(ctx, `mutation($a: ID!, $c: ID!, $s: Time!, $e: Time!) { createMaintenance(input: {accountId: $a, title: "Database upgrade",
		message: "Writes pause.", startsAt: $s, endsAt: $e, componentIds: [$c]}) { maintenance { id status components { id } } errors { code field message } } }`,
		map[string]any{"a": e.accountID, "c": e.componentID, "s": now.Add(-time.Minute).Format(time.RFC3339), "e": now.Add(time.Hour).Format(time.RFC3339)}, &cm); err != nil {
		t.Fatal(err)
	}
	w := cm.CreateMaintenance.Maintenance
	if len(cm.CreateMaintenance.Errors) > 0 || w.Status != "IN_PROGRESS" || len(w.Components) != 1 || w.Components[0].ID != e.componentID {
		t.Fatalf("createMaintenance: %+v", cm.CreateMaintenance)
	}
	// Bad input is a typed error that changes nothing.
	var bad struct {
		CreateMaintenance struct {
			Maintenance *struct{ ID string }
			Errors      []struct{ Code, Field string }
		}
	}
	if err := e.c.MustOK(ctx, `mutation($a: ID!, $c: ID!, $s: Time!) { createMaintenance(input: {accountId: $a, title: "Backwards", startsAt: $s, endsAt: $s, componentIds: [$c]}) { maintenance { id } errors { code field } } }`,
		map[string]any{"a": e.accountID, "c": e.componentID, "s": now.Add(time.Hour).Format(time.RFC3339)}, &bad); err != nil {
		t.Fatal(err)
	}
	if bad.CreateMaintenance.Maintenance != nil || len(bad.CreateMaintenance.Errors) != 1 || bad.CreateMaintenance.Errors[0].Code != "INVALID" || bad.CreateMaintenance.Errors[0].Field != "endsAt" {
		t.Fatalf("a window ending as it starts: %+v", bad.CreateMaintenance)
	}

	// A signed ALARM during the window opens an incident, marked during maintenance; no page.
	e.mustPost(t, e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now().Add(-time.Minute)), 200)
	rows := e.incidents(t)
	if len(rows) != 1 || rows[0].Status != "TRIGGERED" {
		t.Fatalf("incidents: %+v", rows)
	}
	incID := rows[0].ID
	defer func() {
		if t.Failed() {
			e.dump(t, incID)
		}
	}()
	incident := func() (bool, string) {
		var d struct {
			Incident struct {
				DuringMaintenance bool
				Timeline          []struct{ Body string }
			}
		}
		if err := e.c.MustOK(ctx, `query($id: ID!) { incident(id: $id) { duringMaintenance timeline { body } } }`, map[string]any{"id": incID}, &d); err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for _, x := range d.Incident.Timeline {
			bodies = append(bodies, x.Body)
		}
		return d.Incident.DuringMaintenance, strings.Join(bodies, "\n")
	}
	var mw struct {
		MaintenanceWindow struct {
			Status     string
			StartedAt  *string
			Components []struct{ Name string }
		}
	}
	if err := e.c.MustOK(ctx, `query($id: ID!) { maintenanceWindow(id: $id) { status startedAt components { name } } }`, map[string]any{"id": w.ID}, &mw); err != nil {
		t.Fatal(err)
	}
	if mw.MaintenanceWindow.Status != "IN_PROGRESS" || mw.MaintenanceWindow.StartedAt == nil || len(mw.MaintenanceWindow.Components) != 1 {
		t.Fatalf("window within its time: %+v", mw.MaintenanceWindow)
	}
	during, timeline := incident()
	if !during || !strings.Contains(timeline, "Opened during maintenance “Database upgrade”: nobody is paged until the window ends.") || strings.Contains(timeline, "Paged") {
		t.Fatalf("duringMaintenance %v, timeline:\n%s", during, timeline)
	}

	// Several engine and maintenance cycles, and time within the window: no mail, no push.
	// (The session's access token expires by the moved clock: the rest is read from the rows.)
	e.clock.advance(30 * time.Minute)
	time.Sleep(6 * time.Second)
	if n, p := len(e.inbox.to(e.ana.Email)), e.ntfy.count(); n != 0 || p != 0 {
		t.Fatalf("paged during the window: %d mails, %d pushes", n, p)
	}

	// The window ends by the store's clock: the cycle completes it and level 1 is paged, once.
	e.clock.advance(30*time.Minute + time.Second)
	waitUntil(t, "Ana's page after the window", 30*time.Second, func() bool { return len(e.inbox.to(e.ana.Email)) >= 1 })
	waitUntil(t, "Ana's ntfy push after the window", 15*time.Second, func() bool { return e.ntfy.count() >= 1 })
	db := e.m.Store.DB()
	var win models.MaintenanceWindow
	if err := db.Where("id = ?", w.ID).Take(&win).Error; err != nil {
		t.Fatal(err)
	}
	if win.Status != models.MaintenanceCompleted || win.CompletedAt == nil {
		t.Fatalf("window after its end: %+v", win)
	}
	time.Sleep(6 * time.Second) // more cycles page nobody again
	if n, p, b := len(e.inbox.to(e.ana.Email)), e.ntfy.count(), len(e.inbox.to(e.bo.Email)); n != 1 || p != 1 || b != 0 {
		t.Fatalf("after the window: Ana %d mails, %d pushes; Bo %d mails; want 1, 1, 0", n, p, b)
	}
	if page := e.inbox.to(e.ana.Email)[0].data; !strings.Contains(page, "api-5xx") {
		t.Fatalf("the page is not about the alarm:\n%s", page)
	}
	var inc models.Incident
	if err := db.Where("id = ?", incID).Take(&inc).Error; err != nil {
		t.Fatal(err)
	}
	var bodies []string
	if err := db.Table("incident_timeline").Where("incident_id = ?", incID).Order("created_at, id").Pluck("body", &bodies).Error; err != nil {
		t.Fatal(err)
	}
	timeline = strings.Join(bodies, "\n")
	if !inc.DuringMaintenance || !strings.Contains(timeline, "The maintenance window ended: paging now.") || !strings.Contains(timeline, "Paged Ana") {
		t.Fatalf("duringMaintenance %v, timeline:\n%s", inc.DuringMaintenance, timeline)
	}
}

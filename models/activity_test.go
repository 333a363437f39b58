package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// Events name their subject and can be narrowed by name, subject kind, subject (a farm's
// servers included) and time; bad filters are typed errors.
func TestEvents_SubjectsAndFilters(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.MustAccount(t, "Events")
		env := f.MustEnvironment(t, f.AdminActor, acc.ID, "prod")
		farm := f.MustFarm(t, env.ID, "Shop")
		otherFarm := f.MustFarm(t, env.ID, "Blog")
		_, srv := f.MustServer(t, farm.ID, "web", "web-1.shop.internal")
		comp := f.MustComponent(t, acc.ID, "Checkout")

		farmEv := f.MustFire(t, "FarmSuspended", farm.ID, "", nil)
		f.Clock.Advance(time.Minute)
		serverEv := f.MustFire(t, "HostUp", farm.ID, srv.ID, nil)
		f.Clock.Advance(time.Minute)
		otherEv := f.MustFire(t, "FarmSuspended", otherFarm.ID, "", nil)
		f.Clock.Advance(time.Minute)
		mark := f.Clock.Now()
		inc := f.MustIncident(t, f.AdminActor, comp.ID, "Checkout down", models.SeverityCritical)
		incEvs := f.MustEvents(t, "incident_id = ?", inc.ID)
		if len(incEvs) != 1 {
			t.Fatalf("%d incident events", len(incEvs))
		}

		list := func(q models.EventQuery) []string {
			t.Helper()
			p, err := f.Store.ListEvents(ctx, f.AdminActor, acc.ID, q, 50, "")
			mustNoErr(t, err)
			var ids []string
			for _, e := range p.Items {
				ids = append(ids, e.ID)
			}
			return ids
		}
		wantEqual(t, "all, newest first", list(models.EventQuery{}), []string{incEvs[0].ID, otherEv.ID, serverEv.ID, farmEv.ID})
		wantEqual(t, "by name", list(models.EventQuery{Names: []string{"FarmSuspended"}}), []string{otherEv.ID, farmEv.ID})
		wantEqual(t, "servers", list(models.EventQuery{Subjects: []models.EventSubjectKind{models.SubjectServer}}), []string{serverEv.ID})
		wantEqual(t, "farms and incidents", list(models.EventQuery{Subjects: []models.EventSubjectKind{models.SubjectFarm, models.SubjectIncident}}),
			[]string{incEvs[0].ID, otherEv.ID, farmEv.ID})
		wantEqual(t, "about the farm (its server too)", list(models.EventQuery{SubjectID: farm.ID}), []string{serverEv.ID, farmEv.ID})
		wantEqual(t, "about the incident", list(models.EventQuery{SubjectID: inc.ID}), []string{incEvs[0].ID})
		wantEqual(t, "since", list(models.EventQuery{Since: &mark}), []string{incEvs[0].ID})
		wantEqual(t, "until", list(models.EventQuery{Until: &mark, Names: []string{"HostUp"}}), []string{serverEv.ID})
		wantEqual(t, "an id that is no UUID matches nothing", len(list(models.EventQuery{SubjectID: "nope"})), 0)

		_, err := f.Store.ListEvents(ctx, f.AdminActor, acc.ID, models.EventQuery{Subjects: []models.EventSubjectKind{"planet"}}, 50, "")
		wantField(t, err, models.EINVALID, "subjects")
		_, err = f.Store.ListEvents(ctx, f.AdminActor, acc.ID, models.EventQuery{Names: []string{" "}}, 50, "")
		wantField(t, err, models.EINVALID, "names")

		// Subjects and their names.
		for _, c := range []struct {
			ev   *models.Event
			kind models.EventSubjectKind
			id   string
			name string
		}{
			{&incEvs[0], models.SubjectIncident, inc.ID, "Checkout down"},
			{serverEv, models.SubjectServer, srv.ID, "web-1.shop.internal"},
			{farmEv, models.SubjectFarm, farm.ID, "Shop"},
		} {
			kind, id := c.ev.Subject()
			if kind != c.kind || id != c.id {
				t.Fatalf("%s: subject %s %s, want %s %s", c.ev.Name, kind, id, c.kind, c.id)
			}
			names, err := f.Store.SubjectNames(ctx, []string{string(kind) + ":" + id})
			mustNoErr(t, err)
			wantEqual(t, string(kind)+" name", names[string(kind)+":"+id], c.name)
		}
	})
}

// A person's actions on incidents, and sign-ins, are in the activity; the activity can be
// narrowed by category, person, target, time and a search.
func TestAudit_IncidentActionsSignInsAndFilters(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.MustAccount(t, "Activity")
		second := f.MustAccount(t, "Second")
		ana, anaM := f.MustMember(t, acc.ID, "ana@example.com", models.RoleMember)
		f.MustMember(t, second.ID, "ana@example.com", models.RoleViewer)
		comp := f.MustComponent(t, acc.ID, "Payments")
		inc := f.MustIncident(t, f.AdminActor, comp.ID, "Payments slow", models.SeverityHigh)

		_, err := f.Store.AcknowledgeIncident(ctx, ana, inc.ID)
		mustNoErr(t, err)
		_, err = f.Store.AddIncidentNote(ctx, ana, inc.ID, "Looking at the database")
		mustNoErr(t, err)
		_, err = f.Store.ResolveIncident(ctx, ana, inc.ID, "")
		mustNoErr(t, err)
		// A refused action records nothing.
		_, err = f.Store.ResolveIncident(ctx, ana, inc.ID, "")
		wantCode(t, err, models.ECONFLICT)

		_, err = f.Auth.LoginFrom(ctx, "ana@example.com", testPassword, "203.0.113.9")
		mustNoErr(t, err)
		_, err = f.Auth.LoginFrom(ctx, "ANA@example.com", "wrong password", "198.51.100.4")
		wantCode(t, err, models.EUNAUTHORIZED)
		_, err = f.Auth.LoginFrom(ctx, "nobody@example.com", "wrong password", "198.51.100.4")
		wantCode(t, err, models.EUNAUTHORIZED)
		f.Auth.WaitRecorded() // a wrong password is recorded after the answer

		list := func(accountID string, q models.AuditQuery) []models.AuditEntry {
			t.Helper()
			p, err := f.Store.ListAudit(ctx, f.AdminActor, accountID, q, 50, "")
			mustNoErr(t, err)
			return p.Items
		}
		actions := func(es []models.AuditEntry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.Action)
			}
			return out
		}
		incidentEntries := list(acc.ID, models.AuditQuery{Categories: []string{"incident"}})
		wantEqual(t, "incident actions", actions(incidentEntries),
			[]string{"incident.resolved", "incident.note_added", "incident.acknowledged", "incident.opened"})
		for _, e := range incidentEntries[:3] {
			if e.ActorUserID == nil || *e.ActorUserID != anaM.UserID || e.TargetID != inc.ID || !strings.Contains(e.Summary, `"Payments slow"`) {
				t.Fatalf("entry %+v does not name Ana and the incident", e)
			}
		}
		wantEqual(t, "acknowledge summary", incidentEntries[2].Summary, `ana@example.com acknowledged incident "Payments slow"`)

		// Sign-ins are in every account of the person; an unknown address records nothing.
		for _, a := range []string{acc.ID, second.ID} {
			users := list(a, models.AuditQuery{Categories: []string{"user"}})
			wantEqual(t, "sign-ins", actions(users), []string{"user.sign_in_failed", "user.signed_in"})
			if !strings.Contains(users[1].Summary, "from 203.0.113.9") || !strings.Contains(users[0].Summary, "198.51.100.4") {
				t.Fatalf("sign-ins do not name the address: %q / %q", users[1].Summary, users[0].Summary)
			}
		}
		wantEqual(t, "unknown address", f.MustCount(t, "audit_entries", "summary LIKE ?", "%nobody@%"), int64(0))

		// Person, target, search, several categories, time.
		// A wrong password is about Ana, not by her.
		wantEqual(t, "by person", len(list(acc.ID, models.AuditQuery{ActorUserID: anaM.UserID})), 4)
		failed := list(acc.ID, models.AuditQuery{Categories: []string{"user"}})[0]
		if failed.ActorUserID != nil || failed.TargetID != anaM.UserID || failed.ActorLabel != "unknown from 198.51.100.4" {
			t.Fatalf("failed sign-in entry: actor %v %q, target %s", failed.ActorUserID, failed.ActorLabel, failed.TargetID)
		}
		wantEqual(t, "by target", actions(list(acc.ID, models.AuditQuery{TargetID: inc.ID}))[0], "incident.resolved")
		wantEqual(t, "search (case-insensitive)", actions(list(acc.ID, models.AuditQuery{Search: "NOTE TO"})), []string{"incident.note_added"})
		wantEqual(t, "search with a LIKE wildcard is literal", len(list(acc.ID, models.AuditQuery{Search: "%_"})), 0)
		both := list(acc.ID, models.AuditQuery{Categories: []string{"incident", "user"}})
		wantEqual(t, "two categories", len(both), 6)
		future := f.Clock.Now().Add(time.Hour)
		wantEqual(t, "since", len(list(acc.ID, models.AuditQuery{Since: &future})), 0)
		wantEqual(t, "until", len(list(acc.ID, models.AuditQuery{Until: &future, Categories: []string{"user"}})), 2)

		// A category's "_" is literal, not LIKE's any-character ("api_token" never matches "apiXtoken.…").
		mustNoErr(t, f.DB.Exec("INSERT INTO audit_entries (id, account_id, action, actor_label, target_type, target_id, summary, created_at) VALUES (?, ?, 'apiXtoken.created', 'x', 'x', ?, 'x', ?)",
			uuid.NewString(), acc.ID, uuid.NewString(), f.Clock.Now()).Error)
		wantEqual(t, "category with _", len(list(acc.ID, models.AuditQuery{Categories: []string{"api_token"}})), 0)
		_, err = f.Store.ListAudit(ctx, f.AdminActor, acc.ID, models.AuditQuery{Categories: []string{"Incident;"}}, 50, "")
		wantField(t, err, models.EINVALID, "categories")
		_, err = f.Store.ListAudit(ctx, f.AdminActor, acc.ID, models.AuditQuery{Search: "x"}, 50, "")
		wantField(t, err, models.EINVALID, "search")
		// Members do not read the activity, filtered or not.
		_, err = f.Store.ListAudit(ctx, ana, acc.ID, models.AuditQuery{Categories: []string{"user"}}, 50, "")
		wantCode(t, err, models.EFORBIDDEN)
	})
}

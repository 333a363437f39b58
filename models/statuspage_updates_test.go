package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func wantCodeOf(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if models.CodeOf(err) != code {
		tb.Fatalf("%s: err = %v, want %s", what, err, code)
	}
}

func TestStatusPageUpdates_Flow(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		api := f.MustComponent(t, acc, "API")
		web := f.MustComponent(t, acc, "Web")
		member, _ := f.MustMember(t, acc, "member@example.com", models.RoleMember)
		viewer, _ := f.MustMember(t, acc, "viewer@example.com", models.RoleViewer)
		otherAcc := f.MustAccount(t, "Other")
		foreign := f.MustComponent(t, otherAcc.ID, "Theirs")
		inc := f.MustIncident(t, member, api.ID, "5xx on API", models.SeverityHigh)

		title := "Elevated API errors"
		in := func(mod func(*models.IncidentUpdateInput)) models.IncidentUpdateInput {
			u := models.IncidentUpdateInput{IncidentID: inc.ID, Title: &title, Status: models.PublicInvestigating, Message: "We are investigating.",
				Components: []models.AffectedComponent{{ComponentID: api.ID, Status: models.StatusPartialOutage}}, NotifySubscribers: true}
			if mod != nil {
				mod(&u)
			}
			return u
		}
		// Bad input changes nothing.
		bad := []struct {
			what string
			a    *models.Actor
			mod  func(*models.IncidentUpdateInput)
			code string
		}{
			{"a viewer", viewer, nil, models.EFORBIDDEN},
			{"no title on the first update", member, func(u *models.IncidentUpdateInput) { u.Title = nil }, models.EINVALID},
			{"no component on the first update", member, func(u *models.IncidentUpdateInput) { u.Components = nil }, models.EINVALID},
			{"another account's component", member, func(u *models.IncidentUpdateInput) {
				u.Components = append(u.Components, models.AffectedComponent{ComponentID: foreign.ID, Status: models.StatusMajorOutage})
			}, models.ENOTFOUND},
			{"a component twice", member, func(u *models.IncidentUpdateInput) { u.Components = append(u.Components, u.Components[0]) }, models.EINVALID},
			{"an unknown component status", member, func(u *models.IncidentUpdateInput) { u.Components[0].Status = "on_fire" }, models.EINVALID},
			{"an unknown status", member, func(u *models.IncidentUpdateInput) { u.Status = "panicking" }, models.EINVALID},
			{"no message", member, func(u *models.IncidentUpdateInput) { u.Message = "  \n " }, models.EINVALID},
			{"a control character", member, func(u *models.IncidentUpdateInput) { u.Message = "bell\athere" }, models.EINVALID},
			{"a message too long", member, func(u *models.IncidentUpdateInput) { u.Message = strings.Repeat("x", 5001) }, models.EINVALID},
			{"a title on two lines", member, func(u *models.IncidentUpdateInput) { s := "a\nb"; u.Title = &s }, models.EINVALID},
			{"an unknown incident", member, func(u *models.IncidentUpdateInput) { u.IncidentID = foreign.ID }, models.ENOTFOUND},
			{"more than 200 components", member, func(u *models.IncidentUpdateInput) {
				for len(u.Components) < 201 {
					u.Components = append(u.Components, models.AffectedComponent{ComponentID: uuid.NewString(), Status: models.StatusMajorOutage})
				}
			}, models.EINVALID},
		}
		for _, b := range bad {
			_, err := f.Store.PostIncidentUpdate(ctx, b.a, in(b.mod))
			wantCodeOf(t, b.what, err, b.code)
		}
		// An outsider does not see the incident at all.
		outsider, _ := f.MustMember(t, otherAcc.ID, "outsider@example.com", models.RoleOwner)
		_, err := f.Store.PostIncidentUpdate(ctx, outsider, in(nil))
		wantCodeOf(t, "an outsider", err, models.ENOTFOUND)
		wantEqual(t, "public incidents after bad input", f.MustCount(t, "public_incidents", ""), int64(0))
		wantEqual(t, "timeline after bad input", len(f.MustTimeline(t, inc.ID)), 1)

		// The first update creates the public incident; impact defaults from the severity.
		f.Clock.Advance(time.Minute)
		pi, err := f.Store.PostIncidentUpdate(ctx, member, in(func(u *models.IncidentUpdateInput) { u.Message = "We are investigating.\r\nMore soon." }))
		mustNoErr(t, err)
		wantEqual(t, "first update", []any{pi.Title, pi.Status, pi.Impact, pi.Auto, pi.ResolvedAt == nil}, []any{title, models.PublicInvestigating, models.ImpactMajor, false, true})
		c, err := f.Store.GetComponent(ctx, member, api.ID)
		mustNoErr(t, err)
		wantEqual(t, "published status", c.PublishedStatus(), models.StatusPartialOutage)
		tl := f.MustTimeline(t, inc.ID)
		wantEqual(t, "timeline", tl[len(tl)-1].Body, "Published an update: Investigating — We are investigating.\nMore soon.")
		wantEqual(t, "timeline kind", tl[len(tl)-1].Kind, models.TimelineStatusPage)
		wantEqual(t, "audit", len(f.MustAudit(t, acc, "public_incident.update")), 1)
		got, err := f.Store.PublicIncidentsByIncident(ctx, []string{inc.ID})
		mustNoErr(t, err)
		wantEqual(t, "public incident of the incident", got[inc.ID].ID, pi.ID)

		// A later update adds a component (union), moves the status, keeps the title.
		f.Clock.Advance(time.Minute)
		impact := models.ImpactCritical
		pi, err = f.Store.PostIncidentUpdate(ctx, member, models.IncidentUpdateInput{IncidentID: inc.ID, Status: models.PublicIdentified,
			Impact: &impact, Message: "Found it.", Components: []models.AffectedComponent{{ComponentID: web.ID, Status: models.StatusMajorOutage}}})
		mustNoErr(t, err)
		wantEqual(t, "second update", []any{pi.Title, pi.Status, pi.Impact}, []any{title, models.PublicIdentified, models.ImpactCritical})
		cs, err := f.Store.PublicIncidentComponents(ctx, []string{pi.ID})
		mustNoErr(t, err)
		if len(cs[pi.ID]) != 2 {
			t.Fatalf("components %+v", cs[pi.ID])
		}
		for _, ac := range cs[pi.ID] {
			want := models.StatusPartialOutage
			if ac.ComponentID == web.ID {
				want = models.StatusMajorOutage
			}
			wantEqual(t, "component status", ac.Status, want)
		}
		ups, err := f.Store.PublicIncidentUpdates(ctx, []string{pi.ID})
		mustNoErr(t, err)
		if len(ups[pi.ID]) != 2 {
			t.Fatalf("updates %+v", ups[pi.ID])
		}
		second := ups[pi.ID][1]
		wantEqual(t, "second update's components", len(second.UpdateComponents()), 2)
		wantEqual(t, "second update's first component", second.UpdateComponents()[0].ComponentID, web.ID)
		wantEqual(t, "second update's author", second.AuthorLabel, "member@example.com")

		// A postmortem before resolution is refused.
		_, err = f.Store.SetPostmortem(ctx, member, pi.ID, "What happened.", true)
		wantCodeOf(t, "postmortem before resolution", err, models.ECONFLICT)

		// Resolving puts the components back.
		f.Clock.Advance(time.Minute)
		pi, err = f.Store.PostIncidentUpdate(ctx, member, models.IncidentUpdateInput{IncidentID: inc.ID, Status: models.PublicResolved, Message: "Fixed."})
		mustNoErr(t, err)
		if pi.ResolvedAt == nil || pi.Status != models.PublicResolved {
			t.Fatalf("resolved: %+v", pi)
		}
		for _, id := range []string{api.ID, web.ID} {
			c, err := f.Store.GetComponent(ctx, member, id)
			mustNoErr(t, err)
			wantEqual(t, "published status after resolving", c.PublishedStatus(), models.StatusOperational)
		}
		ups, _ = f.Store.PublicIncidentUpdates(ctx, []string{pi.ID})
		for _, ac := range ups[pi.ID][2].UpdateComponents() {
			wantEqual(t, "resolved update's component status", ac.Status, models.StatusOperational)
		}
		// No update on a resolved public incident.
		_, err = f.Store.PostIncidentUpdate(ctx, member, models.IncidentUpdateInput{IncidentID: inc.ID, Status: models.PublicMonitoring, Message: "Hm."})
		wantCodeOf(t, "an update after resolution", err, models.ECONFLICT)
		wantEqual(t, "updates", f.MustCount(t, "public_incident_updates", "public_incident_id = ?", pi.ID), int64(3))

		// A correction edits the message and marks it.
		first := ups[pi.ID][0]
		_, err = f.Store.EditIncidentUpdate(ctx, viewer, first.ID, "Corrected.")
		wantCodeOf(t, "a viewer's correction", err, models.EFORBIDDEN)
		_, err = f.Store.EditIncidentUpdate(ctx, outsider, first.ID, "Corrected.")
		wantCodeOf(t, "an outsider's correction", err, models.ENOTFOUND)
		_, err = f.Store.EditIncidentUpdate(ctx, member, first.ID, "")
		wantCodeOf(t, "an empty correction", err, models.EINVALID)
		_, err = f.Store.EditIncidentUpdate(ctx, member, first.ID, "We were investigating API errors.")
		mustNoErr(t, err)
		ups, _ = f.Store.PublicIncidentUpdates(ctx, []string{pi.ID})
		if u := ups[pi.ID][0]; u.Message != "We were investigating API errors." || u.EditedAt == nil || ups[pi.ID][1].EditedAt != nil {
			t.Fatalf("edited update: %+v", u)
		}

		// The postmortem after resolution: a draft, then published.
		pi, err = f.Store.SetPostmortem(ctx, member, pi.ID, "Draft.", false)
		mustNoErr(t, err)
		if pi.PostmortemPublishedAt != nil || pi.Postmortem != "Draft." {
			t.Fatalf("draft postmortem: %+v", pi)
		}
		_, err = f.Store.SetPostmortem(ctx, viewer, pi.ID, "x", true)
		wantCodeOf(t, "a viewer's postmortem", err, models.EFORBIDDEN)
		_, err = f.Store.SetPostmortem(ctx, member, pi.ID, "", true)
		wantCodeOf(t, "an empty published postmortem", err, models.EINVALID)
		pi, err = f.Store.SetPostmortem(ctx, member, pi.ID, "The cause was a bad deploy.\n\nWe roll back faster now.", true)
		mustNoErr(t, err)
		if pi.PostmortemPublishedAt == nil {
			t.Fatalf("published postmortem: %+v", pi)
		}

		list, err := f.Store.ListPublicIncidents(ctx, viewer, acc, 50)
		mustNoErr(t, err)
		wantEqual(t, "listed", len(list), 1)
		_, err = f.Store.ListPublicIncidents(ctx, outsider, acc, 50)
		wantCodeOf(t, "outsider list", err, models.ENOTFOUND)
		_, err = f.Store.GetPublicIncident(ctx, outsider, pi.ID)
		wantCodeOf(t, "outsider get", err, models.ENOTFOUND)
	})
}

func TestStatusPageUpdates_Templates(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		member, _ := f.MustMember(t, acc, "member@example.com", models.RoleMember)
		viewer, _ := f.MustMember(t, acc, "viewer@example.com", models.RoleViewer)
		other := f.MustAccount(t, "Other")

		in := models.SaveTemplateInput{AccountID: acc, Name: "Investigating", Status: models.PublicInvestigating, Message: "We are looking into errors on {component}."}
		_, err := f.Store.SaveUpdateTemplate(ctx, viewer, in)
		wantCodeOf(t, "a viewer", err, models.EFORBIDDEN)
		tpl, err := f.Store.SaveUpdateTemplate(ctx, member, in)
		mustNoErr(t, err)
		dup := in
		dup.Name = "INVESTIGATING"
		_, err = f.Store.SaveUpdateTemplate(ctx, member, dup)
		wantCodeOf(t, "a duplicate name", err, models.ECONFLICT)
		// Another account may use the name.
		_, err = f.Store.SaveUpdateTemplate(ctx, f.AdminActor, models.SaveTemplateInput{AccountID: other.ID, Name: "Investigating", Status: models.PublicInvestigating, Message: "x"})
		mustNoErr(t, err)
		second, err := f.Store.SaveUpdateTemplate(ctx, member, models.SaveTemplateInput{AccountID: acc, Name: "Fixed", Status: models.PublicResolved, Message: "Fixed."})
		mustNoErr(t, err)
		// Renaming onto another's name conflicts and changes nothing.
		ren := models.SaveTemplateInput{ID: &second.ID, AccountID: acc, Name: "investigating", Status: models.PublicResolved, Message: "Fixed."}
		_, err = f.Store.SaveUpdateTemplate(ctx, member, ren)
		wantCodeOf(t, "a rename onto a taken name", err, models.ECONFLICT)
		ren.Name, ren.Title = "Resolved", "All good"
		got, err := f.Store.SaveUpdateTemplate(ctx, member, ren)
		mustNoErr(t, err)
		wantEqual(t, "renamed", []string{got.ID, got.Name, got.Title}, []string{second.ID, "Resolved", "All good"})
		// A template of another account cannot be changed through this one.
		moved := ren
		moved.AccountID = other.ID
		_, err = f.Store.SaveUpdateTemplate(ctx, f.AdminActor, moved)
		wantCodeOf(t, "moving a template to another account", err, models.ENOTFOUND)
		_, err = f.Store.SaveUpdateTemplate(ctx, member, models.SaveTemplateInput{AccountID: acc, Name: "x", Status: "nope", Message: "x"})
		wantCodeOf(t, "an unknown status", err, models.EINVALID)

		list, err := f.Store.ListUpdateTemplates(ctx, viewer, acc)
		mustNoErr(t, err)
		wantEqual(t, "templates", []string{list[0].Name, list[1].Name}, []string{"Investigating", "Resolved"})
		outsider, _ := f.MustMember(t, other.ID, "outsider@example.com", models.RoleOwner)
		wantCodeOf(t, "an outsider's delete", f.Store.DeleteUpdateTemplate(ctx, outsider, tpl.ID), models.ENOTFOUND)
		wantCodeOf(t, "a viewer's delete", f.Store.DeleteUpdateTemplate(ctx, viewer, tpl.ID), models.EFORBIDDEN)
		mustNoErr(t, f.Store.DeleteUpdateTemplate(ctx, member, tpl.ID))
		wantEqual(t, "templates left", f.MustCount(t, "update_templates", "account_id = ?", acc), int64(1))
	})
}

func TestStatusPageUpdates_AutoPublish(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "Checkout")
		member, _ := f.MustMember(t, acc, "member@example.com", models.RoleMember)
		integ, _ := f.MustIntegration(t, acc, comp.ID, "alarms")

		ten := 10
		_, err := f.Store.SetComponentAutoPublish(ctx, member, comp.ID, true, &ten)
		wantCodeOf(t, "a member", err, models.EFORBIDDEN)
		for _, bad := range []int{0, 1441} {
			_, err = f.Store.SetComponentAutoPublish(ctx, f.AdminActor, comp.ID, true, &bad)
			wantCodeOf(t, "minutes out of range", err, models.EINVALID)
		}
		c, err := f.Store.SetComponentAutoPublish(ctx, f.AdminActor, comp.ID, true, &ten)
		mustNoErr(t, err)
		wantEqual(t, "auto publish", []any{c.AutoPublish, c.AutoPublishAfterMinutes}, []any{true, 10})

		alarm := func(name string, state cloudwatch.State) *models.IngestResult {
			t.Helper()
			f.Clock.Advance(time.Second)
			return f.MustIngest(t, integ, notification(testTopic), newAlarm(name, state, f.Clock.Now().Truncate(time.Millisecond)))
		}
		run := func(want int) {
			t.Helper()
			n, err := f.Store.RunAutoPublish(ctx)
			mustNoErr(t, err)
			wantEqual(t, "published by the cycle", n, want)
		}

		// A flapping alarm that recovers within 10 minutes publishes nothing.
		alarm("flappy", cloudwatch.StateAlarm)
		f.Clock.Advance(5 * time.Minute)
		run(0)
		alarm("flappy", cloudwatch.StateOK)
		f.Clock.Advance(10 * time.Minute)
		run(0)
		wantEqual(t, "public incidents of a flapping alarm", f.MustCount(t, "public_incidents", ""), int64(0))

		// One that lasts is published once, then resolved with its incident.
		opened := alarm("lasting", cloudwatch.StateAlarm)
		f.Clock.Advance(9 * time.Minute)
		run(0)
		f.Clock.Advance(time.Minute)
		run(1)
		run(0)
		pis, err := f.Store.PublicIncidentsByIncident(ctx, []string{opened.IncidentID})
		mustNoErr(t, err)
		pi := pis[opened.IncidentID]
		if pi == nil || !pi.Auto || pi.Status != models.PublicInvestigating || pi.Title != "Elevated errors on Checkout" {
			t.Fatalf("auto-published: %+v", pi)
		}
		ups, err := f.Store.PublicIncidentUpdates(ctx, []string{pi.ID})
		mustNoErr(t, err)
		if u := ups[pi.ID]; len(u) != 1 || !strings.HasPrefix(u[0].Message, "Investigating — elevated errors on Checkout") || u[0].AuthorLabel != "Auto-publish" {
			t.Fatalf("auto update: %+v", u)
		}
		c, err = f.Store.GetComponent(ctx, member, comp.ID)
		mustNoErr(t, err)
		// The integration's default severity decides the status (and the impact).
		inc, err := f.Store.GetIncident(ctx, member, opened.IncidentID)
		mustNoErr(t, err)
		wantEqual(t, "published status", c.PublishedStatus(), models.StatusForSeverity(inc.Severity))
		wantEqual(t, "impact", pi.Impact, models.ImpactForSeverity(inc.Severity))

		alarm("lasting", cloudwatch.StateOK)
		pis, _ = f.Store.PublicIncidentsByIncident(ctx, []string{opened.IncidentID})
		if pi = pis[opened.IncidentID]; pi.Status != models.PublicResolved || pi.ResolvedAt == nil {
			t.Fatalf("after the alarm recovered: %+v", pi)
		}
		ups, _ = f.Store.PublicIncidentUpdates(ctx, []string{pi.ID})
		if u := ups[pi.ID]; len(u) != 2 || u[1].Status != models.PublicResolved {
			t.Fatalf("updates after recovery: %+v", u)
		}
		c, _ = f.Store.GetComponent(ctx, member, comp.ID)
		wantEqual(t, "published status after recovery", c.PublishedStatus(), models.StatusOperational)
		wantEqual(t, "published history", f.statusRows(t, comp.ID, models.StatusPublished),
			[]string{"operational", string(models.StatusForSeverity(inc.Severity)), "operational"})
		tl := f.MustTimeline(t, inc.ID)
		wantEqual(t, "timeline kinds", timelineKinds(tl), []string{"opened", models.TimelineStatusPage, "resolved", models.TimelineStatusPage})

		// A component without auto-publish: nothing, however long.
		_, err = f.Store.SetComponentAutoPublish(ctx, f.AdminActor, comp.ID, false, nil)
		mustNoErr(t, err)
		alarm("again", cloudwatch.StateAlarm)
		f.Clock.Advance(time.Hour)
		run(0)
		// A manual incident is never auto-published.
		_, err = f.Store.SetComponentAutoPublish(ctx, f.AdminActor, comp.ID, true, nil)
		mustNoErr(t, err)
		manual := f.MustIncident(t, member, comp.ID, "by hand", models.SeverityCritical)
		f.Clock.Advance(time.Hour)
		run(1) // "again" (CloudWatch), not the manual one
		pis, _ = f.Store.PublicIncidentsByIncident(ctx, []string{manual.ID})
		if pis[manual.ID] != nil {
			t.Fatal("a manual incident was auto-published")
		}
		// A person's public incident is not resolved by the incident's resolution.
		title := "By hand"
		_, err = f.Store.PostIncidentUpdate(ctx, member, models.IncidentUpdateInput{IncidentID: manual.ID, Title: &title, Status: models.PublicInvestigating,
			Message: "Looking.", Components: []models.AffectedComponent{{ComponentID: comp.ID, Status: models.StatusMajorOutage}}})
		mustNoErr(t, err)
		_, err = f.Store.ResolveIncident(ctx, member, manual.ID, "")
		mustNoErr(t, err)
		pis, _ = f.Store.PublicIncidentsByIncident(ctx, []string{manual.ID})
		wantEqual(t, "a person's public incident after resolution", pis[manual.ID].Status, models.PublicInvestigating)
	})
}

package models_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// mustWindow schedules a window on the components from start to end (offsets from now).
func (e *engineFixture) mustWindow(tb testing.TB, title string, start, end time.Duration, compIDs ...string) *models.MaintenanceWindow {
	tb.Helper()
	now := e.Clock.Now()
	w, err := e.Store.CreateMaintenance(context.Background(), e.member, e.acc.ID, models.MaintenanceInput{
		Title: &title, StartsAt: ptr(now.Add(start)), EndsAt: ptr(now.Add(end)), ComponentIDs: &compIDs})
	if err != nil {
		tb.Fatalf("create maintenance %q: %v", title, err)
	}
	return w
}

func (e *engineFixture) window(tb testing.TB, id string) *models.MaintenanceWindow {
	tb.Helper()
	var w models.MaintenanceWindow
	mustNoErr(tb, e.DB.Where("id = ?", id).Take(&w).Error)
	return &w
}

func (e *engineFixture) cycle(tb testing.TB) int {
	tb.Helper()
	n, err := e.Store.AdvanceMaintenance(context.Background())
	mustNoErr(tb, err)
	return n
}

func (e *engineFixture) incident(tb testing.TB, id string) *models.Incident {
	tb.Helper()
	var inc models.Incident
	mustNoErr(tb, e.DB.Where("id = ?", id).Take(&inc).Error)
	return &inc
}

// wantHeld fails unless the incident is marked during maintenance with nothing due.
func (e *engineFixture) wantHeld(tb testing.TB, id string) {
	tb.Helper()
	if inc := e.incident(tb, id); !inc.DuringMaintenance || !inc.MaintenanceHeld {
		tb.Fatalf("the incident is not held: during maintenance %v, held %v", inc.DuringMaintenance, inc.MaintenanceHeld)
	}
	row := e.escalation(tb, id)
	if row.State != models.EscalationActive || row.NextStepAt != nil {
		tb.Fatalf("held incident's escalation: %+v next %v; want active with nothing due", row, row.NextStepAt)
	}
}

func TestMaintenance_Validation(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		now := e.Clock.Now()
		other := e.MustAccount(t, "Other "+uuid.NewString()[:8])
		foreign := e.MustComponent(t, other.ID, "Foreign")
		viewer, _ := e.MustMember(t, e.acc.ID, "viewer-"+uuid.NewString()[:6]+"@example.com", models.RoleViewer)
		in := func(mod func(*models.MaintenanceInput)) models.MaintenanceInput {
			in := models.MaintenanceInput{Title: ptr("Database upgrade"), Message: ptr("Read-only for a while."),
				StartsAt: ptr(now.Add(time.Hour)), EndsAt: ptr(now.Add(2 * time.Hour)), ComponentIDs: &[]string{e.comp.ID}}
			if mod != nil {
				mod(&in)
			}
			return in
		}
		for _, c := range []struct {
			name, code, field string
			a                 *models.Actor
			mod               func(*models.MaintenanceInput)
		}{
			{"no title", models.EINVALID, "title", e.member, func(i *models.MaintenanceInput) { i.Title = ptr("   ") }},
			{"ends before it starts", models.EINVALID, "endsAt", e.member, func(i *models.MaintenanceInput) { i.EndsAt = ptr(now.Add(30 * time.Minute)) }},
			{"ends as it starts", models.EINVALID, "endsAt", e.member, func(i *models.MaintenanceInput) { i.EndsAt = i.StartsAt }},
			{"already over", models.EINVALID, "endsAt", e.member, func(i *models.MaintenanceInput) {
				i.StartsAt, i.EndsAt = ptr(now.Add(-2*time.Hour)), ptr(now.Add(-time.Hour))
			}},
			{"no components", models.EINVALID, "componentIds", e.member, func(i *models.MaintenanceInput) { i.ComponentIDs = &[]string{} }},
			{"another account's component", models.ENOTFOUND, "componentIds", e.member, func(i *models.MaintenanceInput) {
				i.ComponentIDs = &[]string{e.comp.ID, foreign.ID}
			}},
			{"not a component id", models.ENOTFOUND, "componentIds", e.member, func(i *models.MaintenanceInput) { i.ComponentIDs = &[]string{"nope"} }},
			{"a control character in the title", models.EINVALID, "title", e.member, func(i *models.MaintenanceInput) { i.Title = ptr("DB\x1bupgrade") }},
			{"NUL in the title", models.EINVALID, "title", e.member, func(i *models.MaintenanceInput) { i.Title = ptr("DB\x00upgrade") }},
			{"NUL in the message", models.EINVALID, "message", e.member, func(i *models.MaintenanceInput) { i.Message = ptr("Read\x00only") }},
			{"a control character in the message", models.EINVALID, "message", e.member, func(i *models.MaintenanceInput) { i.Message = ptr("Read\x07only") }},
			{"longer than 30 days", models.EINVALID, "endsAt", e.member, func(i *models.MaintenanceInput) {
				i.EndsAt = ptr(i.StartsAt.Add(30*24*time.Hour + time.Minute))
			}},
			{"more than a year ahead", models.EINVALID, "startsAt", e.member, func(i *models.MaintenanceInput) {
				i.StartsAt, i.EndsAt = ptr(now.AddDate(1, 0, 1)), ptr(now.AddDate(1, 0, 2))
			}},
			{"more than 200 components", models.EINVALID, "componentIds", e.member, func(i *models.MaintenanceInput) {
				ids := []string{e.comp.ID}
				for len(ids) < 201 {
					ids = append(ids, uuid.NewString())
				}
				i.ComponentIDs = &ids
			}},
			{"a viewer", models.EFORBIDDEN, "", viewer, nil},
		} {
			_, err := e.Store.CreateMaintenance(ctx, c.a, e.acc.ID, in(c.mod))
			if models.CodeOf(err) != c.code {
				t.Fatalf("%s: %v, want %s", c.name, err, c.code)
			}
			if c.field != "" {
				wantField(t, err, c.code, c.field)
			} else {
				wantCode(t, err, c.code)
			}
		}
		// Another account's member cannot schedule here.
		outsider, _ := e.MustMember(t, other.ID, "out-"+uuid.NewString()[:6]+"@example.com", models.RoleOwner)
		_, err := e.Store.CreateMaintenance(ctx, outsider, e.acc.ID, in(nil))
		if c := models.CodeOf(err); c != models.ENOTFOUND && c != models.EFORBIDDEN {
			t.Fatalf("an outsider scheduling: %v", err)
		}
		wantEqual(t, "windows after refused input", e.MustCount(t, "maintenance_windows", "1 = 1"), int64(0))

		// Valid: scheduled, with its components; a duplicate id counts once.
		w, err := e.Store.CreateMaintenance(ctx, e.member, e.acc.ID, in(func(i *models.MaintenanceInput) { i.ComponentIDs = &[]string{e.comp.ID, e.comp.ID} }))
		mustNoErr(t, err)
		wantEqual(t, "status", w.Status, models.MaintenanceScheduled)
		wantEqual(t, "components", e.MustCount(t, "maintenance_components", "window_id = ?", w.ID), int64(1))
		wantEqual(t, "audit", e.MustCount(t, "audit_entries", "action = 'maintenance.scheduled' AND target_id = ?", w.ID), int64(1))
		// An update that would end it before it starts changes nothing.
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{EndsAt: ptr(now.Add(30 * time.Minute))})
		wantField(t, err, models.EINVALID, "endsAt")
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{ComponentIDs: &[]string{foreign.ID}})
		wantField(t, err, models.ENOTFOUND, "componentIds")
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{Title: ptr("a\x00b")})
		wantField(t, err, models.EINVALID, "title")
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{Message: ptr("a\x00b")})
		wantField(t, err, models.EINVALID, "message")
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{EndsAt: ptr(now.Add(32 * 24 * time.Hour))})
		wantField(t, err, models.EINVALID, "endsAt")
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{StartsAt: ptr(now.Add(400 * 24 * time.Hour)), EndsAt: ptr(now.Add(401 * 24 * time.Hour))})
		wantField(t, err, models.EINVALID, "startsAt")
		_, err = e.Store.UpdateMaintenance(ctx, viewer, w.ID, models.MaintenanceInput{Title: ptr("x")})
		wantCode(t, err, models.EFORBIDDEN)
		_, err = e.Store.UpdateMaintenance(ctx, outsider, w.ID, models.MaintenanceInput{Title: ptr("x")})
		wantCode(t, err, models.ENOTFOUND)
		_, err = e.Store.EndMaintenance(ctx, outsider, w.ID)
		wantCode(t, err, models.ENOTFOUND)
		got := e.window(t, w.ID)
		wantEqual(t, "end after refused updates", got.EndsAt.Equal(w.EndsAt), true)
		wantEqual(t, "title after refused updates", got.Title, "Database upgrade")
		wantEqual(t, "components after refused updates", e.MustCount(t, "maintenance_components", "window_id = ? AND component_id = ?", w.ID, e.comp.ID), int64(1))

		// A valid update moves it; a start in the past means now: it starts at once.
		u, err := e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{Title: ptr("DB upgrade"), StartsAt: ptr(now.Add(-time.Minute))})
		mustNoErr(t, err)
		wantEqual(t, "status after a start in the past", u.Status, models.MaintenanceInProgress)
		if u.StartsAt.Before(now.Truncate(time.Second)) {
			t.Fatalf("a start in the past was kept: %v (now %v)", u.StartsAt, now)
		}
		wantEqual(t, "stored status", e.window(t, w.ID).Status, models.MaintenanceInProgress)
		// In progress, the start is fixed.
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{StartsAt: ptr(now.Add(time.Hour))})
		wantField(t, err, models.EINVALID, "startsAt")

		// Ended, it is history.
		ended, err := e.Store.EndMaintenance(ctx, e.member, w.ID)
		mustNoErr(t, err)
		wantEqual(t, "ended early", ended.Status, models.MaintenanceCompleted)
		_, err = e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{Title: ptr("again")})
		wantCode(t, err, models.ECONFLICT)
		_, err = e.Store.EndMaintenance(ctx, e.member, w.ID)
		wantCode(t, err, models.ECONFLICT)
		wantEqual(t, "title of a completed window", e.window(t, w.ID).Title, "DB upgrade")

		// A scheduled window that ends is cancelled.
		c, err := e.Store.CreateMaintenance(ctx, e.member, e.acc.ID, in(nil))
		mustNoErr(t, err)
		c, err = e.Store.EndMaintenance(ctx, e.member, c.ID)
		mustNoErr(t, err)
		wantEqual(t, "ended before it started", c.Status, models.MaintenanceCancelled)
		_, err = e.Store.UpdateMaintenance(ctx, e.member, c.ID, models.MaintenanceInput{Title: ptr("again")})
		wantCode(t, err, models.ECONFLICT)

		// Reading: viewers see them, the default list leaves out the past.
		ws, err := e.Store.ListMaintenanceWindows(ctx, viewer, e.acc.ID, false)
		mustNoErr(t, err)
		wantEqual(t, "open windows", len(ws), 0)
		ws, err = e.Store.ListMaintenanceWindows(ctx, viewer, e.acc.ID, true)
		mustNoErr(t, err)
		wantEqual(t, "all windows", len(ws), 2)
		_, err = e.Store.GetMaintenanceWindow(ctx, outsider, w.ID)
		wantCode(t, err, models.ENOTFOUND)
		_, err = e.Store.ListMaintenanceWindows(ctx, outsider, e.acc.ID, true)
		if models.CodeOf(err) == "" {
			t.Fatal("an outsider listed the account's windows")
		}
	})
}

func TestMaintenance_CycleMovesOnce(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		w := e.mustWindow(t, "Network work", 10*time.Minute, 70*time.Minute, e.comp.ID)
		wantEqual(t, "moved before the start", e.cycle(t), 0)
		wantEqual(t, "status before the start", e.window(t, w.ID).Status, models.MaintenanceScheduled)

		e.Clock.Advance(10 * time.Minute)
		wantEqual(t, "moved at the start", e.cycle(t), 1)
		got := e.window(t, w.ID)
		wantEqual(t, "status at the start", got.Status, models.MaintenanceInProgress)
		if got.StartedAt == nil {
			t.Fatal("started_at not set")
		}
		wantEqual(t, "moved again", e.cycle(t), 0)

		e.Clock.Advance(time.Hour)
		// Two cycles at once (two workers): the window completes once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		runs := 1
		if db.Dialect == models.Postgres {
			runs = 4
		}
		for range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.Store.AdvanceMaintenance(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		wantEqual(t, "windows completed by concurrent cycles", total, 1)
		got = e.window(t, w.ID)
		wantEqual(t, "status after the end", got.Status, models.MaintenanceCompleted)
		if got.CompletedAt == nil {
			t.Fatal("completed_at not set")
		}
		wantEqual(t, "moved after completion", e.cycle(t), 0)
		wantEqual(t, "started audit entries", e.MustCount(t, "audit_entries", "action = 'maintenance.started' AND target_id = ?", w.ID), int64(1))
		wantEqual(t, "completed audit entries", e.MustCount(t, "audit_entries", "action = 'maintenance.completed' AND target_id = ?", w.ID), int64(1))

		// A window the cycle never saw in progress (the worker was down the whole window)
		// starts and completes in one cycle.
		missed := e.mustWindow(t, "Missed", time.Minute, 2*time.Minute, e.comp.ID)
		e.Clock.Advance(time.Hour)
		wantEqual(t, "moves of a missed window", e.cycle(t), 2)
		wantEqual(t, "missed window", e.window(t, missed.ID).Status, models.MaintenanceCompleted)
	})
}

func TestMaintenance_HoldsPagingUntilTheWindowEnds(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}}, level{timeout: 5, users: []string{e.bo.UserID}})
		other := e.MustComponent(t, e.acc.ID, "Web")
		mustNoErr(t, e.DB.Model(&models.Component{}).Where("id = ?", other.ID).Update("escalation_policy_id", e.policyID).Error)
		w := e.mustWindow(t, "Database upgrade", 0, time.Hour, e.comp.ID)
		wantEqual(t, "window started at creation", w.Status, models.MaintenanceInProgress)

		// An alarm during the window opens an incident; nobody is paged.
		integ, _ := e.MustIntegration(t, e.acc.ID, e.comp.ID, "db alarms")
		res := e.MustIngest(t, integ, notification(testTopic), newAlarm("db-cpu", cloudwatch.StateAlarm, e.Clock.Now()))
		if res.IncidentID == "" {
			t.Fatalf("the alarm opened no incident: %+v", res)
		}
		alarmInc := res.IncidentID
		e.wantHeld(t, alarmInc)
		if !e.timelineHas(t, alarmInc, "Opened during maintenance “Database upgrade”: nobody is paged until the window ends.") {
			t.Fatal("the hold is not on the timeline")
		}
		// Opened through the API and the console too.
		apiInc := e.MustIncident(t, e.member, e.comp.ID, "Replica lag", models.SeverityHigh).ID
		e.wantHeld(t, apiInc)
		resolved := e.MustIncident(t, e.member, e.comp.ID, "Resolved during the window", models.SeverityHigh).ID
		acked := e.MustIncident(t, e.member, e.comp.ID, "Acknowledged during the window", models.SeverityHigh).ID
		// Another component is not covered: its incident pages as usual.
		free := e.MustIncident(t, e.member, other.ID, "Web down", models.SeverityHigh).ID
		if e.incident(t, free).DuringMaintenance {
			t.Fatal("an incident of an uncovered component is marked during maintenance")
		}
		e.advance(t)
		wantEqual(t, "pages of the uncovered incident", e.pages(t, free, e.ana.UserID), int64(1))
		for _, id := range []string{alarmInc, apiInc, resolved, acked} {
			wantEqual(t, "notification rows of a held incident", e.MustCount(t, "notifications", "incident_id = ?", id), int64(0))
		}
		_, err := e.Store.ResolveIncident(ctx, e.member, resolved, "")
		mustNoErr(t, err)
		_, err = e.Store.AcknowledgeIncident(ctx, e.member, acked)
		mustNoErr(t, err)
		// Neither waits for the window any more: their own update cleared the hold.
		for _, id := range []string{resolved, acked} {
			wantEqual(t, "held after resolve/acknowledge", e.incident(t, id).MaintenanceHeld, false)
		}
		// Time passes within the window: still nothing (the policy's timeouts do not matter).
		e.Clock.Advance(30 * time.Minute)
		wantEqual(t, "cycle within the window", e.cycle(t), 0)
		e.advance(t)
		for _, id := range []string{alarmInc, apiInc} {
			wantEqual(t, "notification rows within the window", e.MustCount(t, "notifications", "incident_id = ?", id), int64(0))
			e.wantHeld(t, id)
		}

		// The window ends: the still-open incidents page once, at level 1.
		e.Clock.Advance(31 * time.Minute)
		wantEqual(t, "cycle at the end", e.cycle(t), 1)
		wantEqual(t, "window", e.window(t, w.ID).Status, models.MaintenanceCompleted)
		for _, id := range []string{alarmInc, apiInc} {
			row := e.escalation(t, id)
			if row.NextStepAt == nil || row.NextStepAt.After(e.Clock.Now()) {
				t.Fatalf("released incident's escalation: %+v; want due now", row)
			}
			if !e.timelineHas(t, id, "The maintenance window ended: paging now.") {
				t.Fatal("the release is not on the timeline")
			}
		}
		e.advance(t)
		for _, id := range []string{alarmInc, apiInc} {
			wantEqual(t, "level 1 pages after the window", e.pages(t, id, e.ana.UserID), int64(1))
			wantEqual(t, "level 2 pages after the window", e.pages(t, id, e.bo.UserID), int64(0))
			wantEqual(t, "still marked (history)", e.incident(t, id).DuringMaintenance, true)
		}
		wantEqual(t, "notifications of the incident resolved during the window", e.MustCount(t, "notifications", "incident_id = ?", resolved), int64(0))
		wantEqual(t, "notifications of the incident acknowledged during the window", e.MustCount(t, "notifications", "incident_id = ?", acked), int64(0))
		// More cycles page nobody again.
		wantEqual(t, "cycle after the end", e.cycle(t), 0)
		e.advance(t)
		for _, id := range []string{alarmInc, apiInc} {
			wantEqual(t, "level 1 pages after more cycles", e.pages(t, id, e.ana.UserID), int64(1))
			if n := e.MustCount(t, "incident_timeline", "incident_id = ? AND kind = ?", id, models.TimelineMaintenance); n != 2 {
				t.Fatalf("%d maintenance timeline entries, want hold + release", n)
			}
		}
		// The escalation goes on as usual after the window: level 2 at the timeout.
		e.Clock.Advance(5 * time.Minute)
		e.advance(t)
		wantEqual(t, "level 2 after its timeout", e.pages(t, apiInc, e.bo.UserID), int64(1))
		// The acknowledged one, un-acknowledged after the window, pages as usual.
		_, err = e.Store.UnacknowledgeIncident(ctx, e.member, acked)
		mustNoErr(t, err)
		e.advance(t)
		wantEqual(t, "un-acknowledged after the window", e.pages(t, acked, e.ana.UserID), int64(1))
	})
}

func TestMaintenance_HoldByTimesOverlapAndEndEarly(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}})

		// The start has passed but no cycle ran: the window covers by its times.
		first := e.mustWindow(t, "First", 5*time.Minute, 30*time.Minute, e.comp.ID)
		e.Clock.Advance(6 * time.Minute)
		inc := e.MustIncident(t, e.member, e.comp.ID, "Held by times", models.SeverityHigh).ID
		e.wantHeld(t, inc)
		wantEqual(t, "window not moved yet", e.window(t, first.ID).Status, models.MaintenanceScheduled)
		// A second, overlapping window on the same component lasts longer.
		second := e.mustWindow(t, "Second", 0, time.Hour, e.comp.ID)
		wantEqual(t, "moves", e.cycle(t), 1) // the first starts
		// Un-acknowledging during the window keeps the hold.
		_, err := e.Store.AcknowledgeIncident(ctx, e.member, inc)
		mustNoErr(t, err)
		_, err = e.Store.UnacknowledgeIncident(ctx, e.member, inc)
		mustNoErr(t, err)
		e.wantHeld(t, inc)
		e.advance(t)
		wantEqual(t, "pages after un-acknowledging in the window", e.pages(t, inc, e.ana.UserID), int64(0))

		// The first ends; the second still covers: nothing.
		e.Clock.Advance(25 * time.Minute)
		wantEqual(t, "first completes", e.cycle(t), 1)
		wantEqual(t, "first", e.window(t, first.ID).Status, models.MaintenanceCompleted)
		e.advance(t)
		wantEqual(t, "pages while the second covers", e.pages(t, inc, e.ana.UserID), int64(0))
		e.wantHeld(t, inc)

		// Ending the second early releases it at once.
		_, err = e.Store.EndMaintenance(ctx, e.member, second.ID)
		mustNoErr(t, err)
		e.advance(t)
		wantEqual(t, "pages after ending the window early", e.pages(t, inc, e.ana.UserID), int64(1))
		wantEqual(t, "ended audit", e.MustCount(t, "audit_entries", "action = 'maintenance.ended' AND target_id = ?", second.ID), int64(1))

		// A window edited to leave a component releases that component's held incidents.
		other := e.MustComponent(t, e.acc.ID, "Web")
		third := e.mustWindow(t, "Third", 0, time.Hour, e.comp.ID, other.ID)
		held := e.MustIncident(t, e.member, e.comp.ID, "Held, then the component leaves", models.SeverityHigh).ID
		e.wantHeld(t, held)
		_, err = e.Store.UpdateMaintenance(ctx, e.member, third.ID, models.MaintenanceInput{ComponentIDs: &[]string{other.ID}})
		mustNoErr(t, err)
		e.advance(t)
		wantEqual(t, "pages after the component left the window", e.pages(t, held, e.ana.UserID), int64(1))

		// Outside any window an incident pages as usual.
		stray := e.MustIncident(t, e.member, e.comp.ID, "Stray", models.SeverityHigh).ID
		e.advance(t)
		wantEqual(t, "pages of an incident outside any window", e.pages(t, stray, e.ana.UserID), int64(1))
		// An incident left held by a window that completed (it opened in the same instant:
		// its transaction saw the window, the completion did not see it) is released by the
		// next cycle's sweep.
		late := e.MustIncident(t, e.member, e.comp.ID, "Late", models.SeverityHigh).ID
		mustNoErr(t, e.DB.Model(&models.Incident{}).Where("id = ?", late).
			Updates(map[string]any{"during_maintenance": true, "maintenance_held": true}).Error)
		mustNoErr(t, e.DB.Model(&models.IncidentEscalation{}).Where("incident_id = ?", late).Update("next_step_at", nil).Error)
		e.advance(t)
		wantEqual(t, "pages before the sweep", e.pages(t, late, e.ana.UserID), int64(0))
		e.cycle(t)
		e.advance(t)
		wantEqual(t, "pages after the sweep", e.pages(t, late, e.ana.UserID), int64(1))
		// A start moved later than a start that had passed releases what it held.
		fourth := e.mustWindow(t, "Fourth", 2*time.Minute, time.Hour, e.comp.ID)
		e.Clock.Advance(3 * time.Minute)
		early := e.MustIncident(t, e.member, e.comp.ID, "Held by a start that passed", models.SeverityHigh).ID
		e.wantHeld(t, early)
		_, err = e.Store.UpdateMaintenance(ctx, e.member, fourth.ID, models.MaintenanceInput{StartsAt: ptr(e.Clock.Now().Add(10 * time.Minute))})
		mustNoErr(t, err)
		wantEqual(t, "fourth after the move", e.window(t, fourth.ID).Status, models.MaintenanceScheduled)
		e.advance(t)
		wantEqual(t, "pages after the start moved later", e.pages(t, early, e.ana.UserID), int64(1))
	})
}

func TestMaintenance_SnoozeEndingInTheWindowStaysHeld(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}})
		e.mustWindow(t, "Rack move", 0, time.Hour, e.comp.ID)
		inc := e.MustIncident(t, e.member, e.comp.ID, "Switch down", models.SeverityCritical).ID
		e.wantHeld(t, inc)
		_, err := e.Store.SnoozeIncident(ctx, e.member, inc, 10)
		mustNoErr(t, err)
		// The snooze ends within the window: triggered again, still held.
		e.Clock.Advance(11 * time.Minute)
		wantEqual(t, "rows advanced", e.advance(t), 1)
		wantEqual(t, "status after the snooze", e.incident(t, inc).Status, models.IncidentTriggered)
		e.wantHeld(t, inc)
		if !e.timelineHas(t, inc, "Maintenance “Rack move” is still in progress: nobody is paged until the window ends.") {
			t.Fatal("the renewed hold is not on the timeline")
		}
		wantEqual(t, "pages within the window", e.pages(t, inc, e.ana.UserID), int64(0))
		e.Clock.Advance(time.Hour)
		wantEqual(t, "window completes", e.cycle(t), 1)
		e.advance(t)
		wantEqual(t, "pages after the window", e.pages(t, inc, e.ana.UserID), int64(1))
	})
}

// TestMaintenance_ReleaseSweepIsSetWise: every open incident still held with no window covering
// its component any more is paged by the next cycle, however it lost its window: its component
// left the window, the window was cancelled or ended early, the incident moved to another
// component, or the window ended long ago.
func TestMaintenance_ReleaseSweepIsSetWise(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}})
		web := e.MustComponent(t, e.acc.ID, "Web")
		mustNoErr(t, e.DB.Model(&models.Component{}).Where("id = ?", web.ID).Update("escalation_policy_id", e.policyID).Error)
		queue := e.MustComponent(t, e.acc.ID, "Queue")
		mustNoErr(t, e.DB.Model(&models.Component{}).Where("id = ?", queue.ID).Update("escalation_policy_id", e.policyID).Error)

		// The incident moves to a component no window covers.
		w := e.mustWindow(t, "API work", 0, time.Hour, e.comp.ID)
		moved := e.MustIncident(t, e.member, e.comp.ID, "Moved", models.SeverityHigh).ID
		e.wantHeld(t, moved)
		mustNoErr(t, e.DB.Model(&models.Incident{}).Where("id = ?", moved).Update("component_id", queue.ID).Error)
		e.cycle(t)
		e.advance(t)
		wantEqual(t, "pages of an incident moved out of the window", e.pages(t, moved, e.ana.UserID), int64(1))

		// Its component leaves the window (and another stays held).
		wide := e.mustWindow(t, "Wide", 0, time.Hour, web.ID)
		left := e.MustIncident(t, e.member, web.ID, "Web left", models.SeverityHigh).ID
		stays := e.MustIncident(t, e.member, e.comp.ID, "API stays", models.SeverityHigh).ID
		e.wantHeld(t, left)
		_, err := e.Store.UpdateMaintenance(ctx, e.member, w.ID, models.MaintenanceInput{ComponentIDs: &[]string{e.comp.ID}})
		mustNoErr(t, err)
		_, err = e.Store.UpdateMaintenance(ctx, e.member, wide.ID, models.MaintenanceInput{ComponentIDs: &[]string{queue.ID}})
		mustNoErr(t, err)
		e.cycle(t)
		e.advance(t)
		wantEqual(t, "pages after the component left", e.pages(t, left, e.ana.UserID), int64(1))
		wantEqual(t, "pages of one still covered", e.pages(t, stays, e.ana.UserID), int64(0))
		e.wantHeld(t, stays)

		// Held while the window ended long ago (past any "lately" look-back), e.g. the release
		// failed then: the sweep still finds it.
		_, err = e.Store.EndMaintenance(ctx, e.member, w.ID)
		mustNoErr(t, err)
		e.advance(t)
		wantEqual(t, "pages after ending the window early", e.pages(t, stays, e.ana.UserID), int64(1))
		e.Clock.Advance(2 * time.Hour)
		e.cycle(t)
		stale := e.MustIncident(t, e.member, web.ID, "Stale hold", models.SeverityHigh).ID
		mustNoErr(t, e.DB.Model(&models.Incident{}).Where("id = ?", stale).
			Updates(map[string]any{"during_maintenance": true, "maintenance_held": true}).Error)
		mustNoErr(t, e.DB.Model(&models.IncidentEscalation{}).Where("incident_id = ?", stale).Update("next_step_at", nil).Error)
		e.cycle(t)
		e.advance(t)
		wantEqual(t, "pages of a hold left over", e.pages(t, stale, e.ana.UserID), int64(1))

		// A cancelled window (its start had passed, no cycle ran).
		c := e.mustWindow(t, "Cancelled", time.Minute, time.Hour, web.ID)
		e.Clock.Advance(2 * time.Minute)
		inc := e.MustIncident(t, e.member, web.ID, "Held by a window then cancelled", models.SeverityHigh).ID
		e.wantHeld(t, inc)
		_, err = e.Store.EndMaintenance(ctx, e.member, c.ID)
		mustNoErr(t, err)
		e.cycle(t)
		e.advance(t)
		wantEqual(t, "pages after the cancellation", e.pages(t, inc, e.ana.UserID), int64(1))
		for _, id := range []string{moved, left, stays, inc} {
			if n := e.MustCount(t, "incident_timeline", "incident_id = ? AND kind = ? AND body = ?", id, models.TimelineMaintenance,
				"The maintenance window ended: paging now."); n != 1 {
				t.Fatalf("%d release entries, want 1", n)
			}
		}
	})
}

// TestMaintenance_ReleaseWithoutPolicyOnce: a held incident without an escalation policy is
// un-held once, says so once, and later cycles leave it alone.
func TestMaintenance_ReleaseWithoutPolicyOnce(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		e.mustWindow(t, "No policy", 0, time.Hour, e.comp.ID)
		inc := e.MustIncident(t, e.member, e.comp.ID, "Nobody to page", models.SeverityHigh).ID
		e.wantHeld(t, inc)
		e.Clock.Advance(time.Hour + time.Second)
		for range 4 {
			e.cycle(t)
			e.advance(t)
			e.Clock.Advance(5 * time.Second)
		}
		wantEqual(t, "release entries", e.MustCount(t, "incident_timeline", "incident_id = ? AND kind = ? AND body LIKE ?", inc,
			models.TimelineMaintenance, "The maintenance window ended; the incident has no escalation policy%"), int64(1))
		wantEqual(t, "still held", e.incident(t, inc).MaintenanceHeld, false)
		wantEqual(t, "notifications", e.MustCount(t, "notifications", "incident_id = ?", inc), int64(0))
	})
}

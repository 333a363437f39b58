package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// mustFailWrites makes the database refuse the op (INSERT or UPDATE) on table for the rows
// matching cond (a trigger condition on NEW or OLD): a real failure on one row, so a
// background pass can be seen to go on with the others.
func mustFailWrites(tb testing.TB, db *models.DB, table, op, cond string) {
	tb.Helper()
	name := "sb_fail_" + uuid.NewString()[:8]
	if db.Dialect == models.Postgres {
		mustNoErr(tb, db.Exec(`CREATE OR REPLACE FUNCTION sb_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'injected failure'; END $$`).Error)
		mustNoErr(tb, db.Exec(fmt.Sprintf(`CREATE TRIGGER %s BEFORE %s ON %s FOR EACH ROW WHEN (%s) EXECUTE FUNCTION sb_injected_failure()`,
			name, op, table, cond)).Error)
		return
	}
	mustNoErr(tb, db.Exec(fmt.Sprintf(`CREATE TRIGGER %s BEFORE %s ON %s FOR EACH ROW WHEN %s BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
		name, op, table, cond)).Error)
}

// TestMaintenance_CycleGoesOnPastABadWindow: a window whose move fails is logged and left for
// the next cycle; the others move.
func TestMaintenance_CycleGoesOnPastABadWindow(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		bad := e.mustWindow(t, "Bad", time.Minute, time.Hour, e.comp.ID)
		good := e.mustWindow(t, "Good", 2*time.Minute, time.Hour, e.comp.ID)
		mustFailWrites(t, db, "maintenance_windows", "UPDATE", fmt.Sprintf("OLD.id = '%s'", bad.ID))
		e.Clock.Advance(3 * time.Minute)
		wantEqual(t, "moved", e.cycle(t), 1)
		wantEqual(t, "the bad window", e.window(t, bad.ID).Status, models.MaintenanceScheduled)
		wantEqual(t, "the good window", e.window(t, good.ID).Status, models.MaintenanceInProgress)
	})
}

// TestMaintenance_SweepGoesOnPastABadIncident: a held incident whose release fails is logged
// and tried again next cycle; the others are released.
func TestMaintenance_SweepGoesOnPastABadIncident(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}})
		e.mustWindow(t, "Window", 0, 10*time.Minute, e.comp.ID)
		bad := e.MustIncident(t, e.member, e.comp.ID, "Bad", models.SeverityHigh).ID
		e.Clock.Advance(time.Second)
		good := e.MustIncident(t, e.member, e.comp.ID, "Good", models.SeverityHigh).ID
		mustFailWrites(t, db, "incident_timeline", "INSERT", fmt.Sprintf("NEW.incident_id = '%s' AND NEW.kind = 'maintenance'", bad))
		e.Clock.Advance(11 * time.Minute)
		wantEqual(t, "window completes", e.cycle(t), 1)
		e.advance(t)
		wantEqual(t, "pages of the good incident", e.pages(t, good, e.ana.UserID), int64(1))
		wantEqual(t, "pages of the bad incident", e.pages(t, bad, e.ana.UserID), int64(0))
		e.wantHeld(t, bad)
	})
}

// TestAutoPublish_DueFirstSkipsMaintenanceAndBadRows: the pass reads due rows only (a limit
// never fills up with incidents that are not due), leaves incidents opened during maintenance
// alone, and goes on past a row that fails.
func TestAutoPublish_DueFirstSkipsMaintenanceAndBadRows(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		e := mustEngine(t, db)
		f := e.domainFixture
		comp := func(name string, after int) (*models.Component, *models.AWSIntegration) {
			c := f.MustComponent(t, e.acc.ID, name)
			_, err := f.Store.SetComponentAutoPublish(ctx, f.AdminActor, c.ID, true, &after)
			mustNoErr(t, err)
			integ, _ := f.MustIntegration(t, e.acc.ID, c.ID, name+" alarms")
			return c, integ
		}
		alarm := func(integ *models.AWSIntegration, name string) string {
			t.Helper()
			f.Clock.Advance(time.Second)
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm(name, cloudwatch.StateAlarm, f.Clock.Now().Truncate(time.Millisecond)))
			if res.IncidentID == "" {
				t.Fatalf("alarm %s opened no incident", name)
			}
			return res.IncidentID
		}
		published := func(id string) bool {
			pis, err := f.Store.PublicIncidentsByIncident(ctx, []string{id})
			mustNoErr(t, err)
			return pis[id] != nil
		}
		f.Store.SetAutoPublishBatch(2)

		slow, slowInteg := comp("Slow", 60)
		_ = slow
		_, fastInteg := comp("Fast", 1)
		maint, maintInteg := comp("Maintained", 1)
		// Older incidents that are not due yet fill more than a batch.
		var notDue []string
		for i := range 3 {
			notDue = append(notDue, alarm(slowInteg, fmt.Sprintf("slow-%d", i)))
		}
		// An alarm inside a maintenance window.
		e.mustWindow(t, "Maintenance", 0, 30*time.Minute, maint.ID)
		inMaint := alarm(maintInteg, "maintained")
		wantEqual(t, "marked during maintenance", e.incident(t, inMaint).DuringMaintenance, true)
		// Two due ones; the first fails.
		bad := alarm(fastInteg, "fast-bad")
		good := alarm(fastInteg, "fast-good")
		mustFailWrites(t, db, "public_incidents", "INSERT", fmt.Sprintf("NEW.incident_id = '%s'", bad))
		f.Clock.Advance(2 * time.Minute)

		n, err := f.Store.RunAutoPublish(ctx)
		mustNoErr(t, err)
		wantEqual(t, "published", n, 1)
		wantEqual(t, "the good one", published(good), true)
		wantEqual(t, "the bad one", published(bad), false)
		wantEqual(t, "the one inside maintenance", published(inMaint), false)
		for _, id := range notDue {
			wantEqual(t, "one not due", published(id), false)
		}
		// After the window, still not: customers were told about the maintenance.
		f.Clock.Advance(time.Hour)
		e.cycle(t)
		n, err = f.Store.RunAutoPublish(ctx)
		mustNoErr(t, err)
		wantEqual(t, "published once the slow ones are due", n, 3)
		wantEqual(t, "the one inside maintenance after the window", published(inMaint), false)
	})
}

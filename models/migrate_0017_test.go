package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestMigrate_0017BackfillsHeld runs 0017's backfill over incidents as the code before it left
// them (no maintenance_held): one still waiting for its window is held, one without a policy
// that was released already (its timeline says so) is not, nor are acknowledged ones or ones
// already paging.
func TestMigrate_0017BackfillsHeld(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		e := mustEngine(t, db)
		e.mustWindow(t, "Window", 0, time.Hour, e.comp.ID)
		waiting := e.MustIncident(t, e.member, e.comp.ID, "Waiting", models.SeverityHigh).ID
		released := e.MustIncident(t, e.member, e.comp.ID, "Released without a policy", models.SeverityHigh).ID
		acked := e.MustIncident(t, e.member, e.comp.ID, "Acknowledged", models.SeverityHigh).ID
		_, err := e.Store.AcknowledgeIncident(ctx, e.member, acked)
		mustNoErr(t, err)
		e.Clock.Advance(time.Hour + time.Second)
		e.cycle(t) // releases waiting and released (no policy: timeline only)
		wantEqual(t, "released", e.incident(t, released).MaintenanceHeld, false)
		// As before 0017: no flag anywhere, and "waiting" still held by its escalation row.
		mustNoErr(t, e.DB.Exec("UPDATE incidents SET maintenance_held = ?", false).Error)
		mustNoErr(t, e.DB.Exec("DELETE FROM incident_timeline WHERE incident_id = ? AND kind = ?", waiting, models.TimelineMaintenance).Error)

		migs, err := models.Migrations(db.Dialect)
		mustNoErr(t, err)
		var sql string
		for _, m := range migs {
			if m.Version == 17 {
				sql = m.SQL
			}
		}
		i := strings.Index(sql, "UPDATE incidents")
		j := strings.Index(sql[i:], ";")
		if i < 0 || j < 0 {
			t.Fatal("0017 has no backfill")
		}
		mustNoErr(t, e.DB.Exec(sql[i:i+j]).Error)
		wantEqual(t, "waiting", e.incident(t, waiting).MaintenanceHeld, true)
		wantEqual(t, "released without a policy", e.incident(t, released).MaintenanceHeld, false)
		wantEqual(t, "acknowledged", e.incident(t, acked).MaintenanceHeld, false)
		// The sweep then releases the one held, once.
		e.cycle(t)
		e.cycle(t)
		wantEqual(t, "waiting after the sweep", e.incident(t, waiting).MaintenanceHeld, false)
		wantEqual(t, "its release entries", e.MustCount(t, "incident_timeline", "incident_id = ? AND kind = ?", waiting, models.TimelineMaintenance), int64(1))
	})
}

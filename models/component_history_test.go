package models_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/uptime"
)

// statusRows returns a component's recorded statuses of kind, oldest first.
func (f *domainFixture) statusRows(tb testing.TB, componentID string, kind models.StatusKind) []string {
	tb.Helper()
	var rows []models.ComponentStatusChange
	mustNoErr(tb, f.DB.Where("component_id = ? AND kind = ?", componentID, kind).Order("started_at, id").Find(&rows).Error)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = string(r.Status)
	}
	return out
}

func TestComponentHistory_InternalRowsOnRealChanges(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "API")
		other := f.MustComponent(t, acc, "Web")
		step := func() { f.Clock.Advance(time.Minute) }
		internal := func() []string { return f.statusRows(t, comp.ID, models.StatusInternal) }
		wantEqual(t, "rows of a new component", internal(), []string{"operational"})
		wantEqual(t, "published rows of a new component", f.statusRows(t, comp.ID, models.StatusPublished), []string{"operational"})

		step()
		high := f.MustIncident(t, f.AdminActor, comp.ID, "errors", models.SeverityHigh)
		wantEqual(t, "after a high incident", internal(), []string{"operational", "partial_outage"})
		step()
		low := f.MustIncident(t, f.AdminActor, comp.ID, "slow", models.SeverityLow)
		step()
		_, err := f.Store.ResolveIncident(ctx, f.AdminActor, low.ID, "")
		mustNoErr(t, err)
		wantEqual(t, "a lesser incident opening and resolving changes nothing", internal(), []string{"operational", "partial_outage"})

		step()
		major := models.StatusMajorOutage
		c, err := f.Store.UpdateComponent(ctx, f.AdminActor, comp.ID, models.ComponentInput{StatusOverride: &major})
		mustNoErr(t, err)
		wantEqual(t, "published status after the override", c.PublishedStatus(), models.StatusMajorOutage)
		wantEqual(t, "after the override", internal(), []string{"operational", "partial_outage", "major_outage"})
		wantEqual(t, "published after the override", f.statusRows(t, comp.ID, models.StatusPublished), []string{"operational", "major_outage"})
		step()
		// The same override again and a rename: no change of status.
		_, err = f.Store.UpdateComponent(ctx, f.AdminActor, comp.ID, models.ComponentInput{StatusOverride: &major})
		mustNoErr(t, err)
		name := "Public API"
		_, err = f.Store.UpdateComponent(ctx, f.AdminActor, comp.ID, models.ComponentInput{Name: &name})
		mustNoErr(t, err)
		// An incident under the override does not change the internal status either.
		crit := f.MustIncident(t, f.AdminActor, comp.ID, "down", models.SeverityCritical)
		wantEqual(t, "no-op changes", internal(), []string{"operational", "partial_outage", "major_outage"})
		step()
		c, err = f.Store.UpdateComponent(ctx, f.AdminActor, comp.ID, models.ComponentInput{ClearOverride: true})
		mustNoErr(t, err)
		wantEqual(t, "published status after clearing", c.PublishedStatus(), models.StatusOperational)
		// The critical incident is still open: still major, nothing new internally.
		wantEqual(t, "after clearing the override", internal(), []string{"operational", "partial_outage", "major_outage"})
		wantEqual(t, "published after clearing", f.statusRows(t, comp.ID, models.StatusPublished), []string{"operational", "major_outage", "operational"})
		step()
		_, err = f.Store.ResolveIncident(ctx, f.AdminActor, crit.ID, "")
		mustNoErr(t, err)
		wantEqual(t, "after resolving the critical one", internal(), []string{"operational", "partial_outage", "major_outage", "partial_outage"})
		step()
		_, err = f.Store.ResolveIncident(ctx, f.AdminActor, high.ID, "")
		mustNoErr(t, err)
		wantEqual(t, "after resolving all", internal(), []string{"operational", "partial_outage", "major_outage", "partial_outage", "operational"})
		wantEqual(t, "the other component", f.statusRows(t, other.ID, models.StatusInternal), []string{"operational"})

		// Internal changes never write published rows.
		wantEqual(t, "published rows", f.statusRows(t, comp.ID, models.StatusPublished), []string{"operational", "major_outage", "operational"})
		wantEqual(t, "stored public status", f.MustCount(t, "components", "id = ? AND public_status = 'operational'", comp.ID), int64(1))

		// An incident that opens and resolves at the same instant leaves the instant operational.
		step()
		flap := f.MustIncident(t, f.AdminActor, other.ID, "flap", models.SeverityCritical)
		_, err = f.Store.ResolveIncident(ctx, f.AdminActor, flap.ID, "")
		mustNoErr(t, err)
		rows := f.statusRows(t, other.ID, models.StatusInternal)
		if rows[len(rows)-1] != "operational" {
			t.Fatalf("rows after a flap in one instant: %v", rows)
		}
	})
}

func TestComponentHistory_PublishedRowsAndUptime(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "API")
		published := func() []string { return f.statusRows(t, comp.ID, models.StatusPublished) }

		f.Clock.Advance(time.Hour)
		inc := f.MustIncident(t, f.AdminActor, comp.ID, "errors", models.SeverityCritical)
		title := "Elevated errors"
		post := func(status models.PublicIncidentStatus, cs []models.AffectedComponent) {
			t.Helper()
			_, err := f.Store.PostIncidentUpdate(ctx, f.AdminActor, models.IncidentUpdateInput{
				IncidentID: inc.ID, Title: &title, Status: status, Message: "We are on it.", Components: cs, NotifySubscribers: true,
			})
			mustNoErr(t, err)
		}
		// Internal major for 30 minutes before anything is published.
		f.Clock.Advance(30 * time.Minute)
		post(models.PublicInvestigating, []models.AffectedComponent{{ComponentID: comp.ID, Status: models.StatusPartialOutage}})
		wantEqual(t, "published after the first update", published(), []string{"operational", "partial_outage"})
		f.Clock.Advance(10 * time.Minute)
		post(models.PublicIdentified, nil)
		wantEqual(t, "an update that changes no component status", published(), []string{"operational", "partial_outage"})
		f.Clock.Advance(50 * time.Minute)
		post(models.PublicMonitoring, []models.AffectedComponent{{ComponentID: comp.ID, Status: models.StatusDegradedPerformance}})
		wantEqual(t, "monitoring", published(), []string{"operational", "partial_outage", "degraded_performance"})
		f.Clock.Advance(30 * time.Minute)
		post(models.PublicResolved, nil)
		wantEqual(t, "resolved", published(), []string{"operational", "partial_outage", "degraded_performance", "operational"})
		_, err := f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, "")
		mustNoErr(t, err)
		f.Clock.Advance(30 * time.Minute)
		// Elapsed since creation: 1 h + 30 min + 10 min + 50 min + 30 min + 30 min = 3 h 30 min.

		days := 3
		pub, err := f.Store.ComponentUptime(ctx, []string{comp.ID}, models.StatusPublished, days, time.UTC)
		mustNoErr(t, err)
		in, err := f.Store.ComponentUptime(ctx, []string{comp.ID}, models.StatusInternal, days, time.UTC)
		mustNoErr(t, err)
		sum := func(ds []uptime.Day) (major, partial, degraded, observed time.Duration) {
			for _, d := range ds {
				major, partial, degraded, observed = major+d.Major, partial+d.Partial, degraded+d.Degraded, observed+d.Observed
			}
			return
		}
		maj, par, deg, obs := sum(pub[comp.ID])
		// PostgreSQL keeps microseconds: the creation row lost the clock's last nanoseconds.
		obs = obs.Truncate(time.Second)
		wantEqual(t, "published major/partial/degraded/observed", []time.Duration{maj, par, deg, obs},
			[]time.Duration{0, time.Hour, 30 * time.Minute, 210 * time.Minute})
		near := func(what string, got *float64, want float64) {
			t.Helper()
			if got == nil || math.Abs(*got-want) > 1e-6 {
				t.Fatalf("%s = %v, want %v", what, got, want)
			}
		}
		// 0.3 × 60 min down of 210 min.
		near("published range uptime", uptime.Percent(pub[comp.ID]), 100*(1-18.0/210))
		maj, par, _, obs = sum(in[comp.ID])
		obs = obs.Truncate(time.Second)
		// Internally the critical incident was a major outage from its opening to its resolution.
		wantEqual(t, "internal major/partial/observed", []time.Duration{maj, par, obs}, []time.Duration{120 * time.Minute, 0, 210 * time.Minute})
		if len(pub[comp.ID]) != days {
			t.Fatalf("%d days", len(pub[comp.ID]))
		}

		// Three days later the row from before the range still holds: today is fully up.
		f.Clock.Advance(72 * time.Hour)
		later, err := f.Store.ComponentUptime(ctx, []string{comp.ID, f.MustComponent(t, acc, "New").ID}, models.StatusPublished, 1, time.UTC)
		mustNoErr(t, err)
		if d := later[comp.ID][0]; d.Percent == nil || *d.Percent != 100 || d.Observed <= 0 {
			t.Fatalf("a day after the last change: %+v", d)
		}
		if len(later) != 2 {
			t.Fatalf("uptime of %d components", len(later))
		}
	})
}

// An in-progress maintenance window puts its components under maintenance whatever their
// public incidents say; the override beats both; each change is one published row and a
// status page hint for the account.
func TestComponentHistory_PublishedPrecedence(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		acc := f.Account.ID
		name := "API"
		comp, err := f.Store.CreateComponent(ctx, f.AdminActor, acc, models.ComponentInput{Name: &name})
		mustNoErr(t, err)
		inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: "errors", Severity: models.SeverityHigh})
		mustNoErr(t, err)
		published := func() []string {
			var rows []models.ComponentStatusChange
			mustNoErr(t, f.DB.Where("component_id = ? AND kind = ?", comp.ID, models.StatusPublished).Order("started_at, id").Find(&rows).Error)
			out := make([]string, len(rows))
			for i, r := range rows {
				out[i] = string(r.Status)
			}
			return out
		}
		statusHints := func() int {
			hs, _ := f.Pub.Hints()
			n := 0
			for _, h := range hs {
				if h.Kind == models.HintStatusPage && h.AccountID == acc {
					n++
				}
			}
			return n
		}
		title := "Errors"
		post := func(status models.PublicIncidentStatus, cs []models.AffectedComponent) {
			t.Helper()
			f.Clock.Advance(time.Minute)
			_, err := f.Store.PostIncidentUpdate(ctx, f.AdminActor, models.IncidentUpdateInput{IncidentID: inc.ID, Title: &title, Status: status, Message: "m", Components: cs})
			mustNoErr(t, err)
		}
		f.Pub.Reset()
		post(models.PublicInvestigating, []models.AffectedComponent{{ComponentID: comp.ID, Status: models.StatusPartialOutage}})
		wantEqual(t, "after the first update", published(), []string{"operational", "partial_outage"})
		if statusHints() == 0 {
			t.Fatal("no status page hint after an update")
		}

		// A window in progress covering the component (as the maintenance cycle leaves it).
		now := f.Clock.Now()
		win := &models.MaintenanceWindow{ID: uuid.NewString(), AccountID: acc, Title: "db upgrade", StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour),
			Status: models.MaintenanceInProgress, CreatedAt: now, UpdatedAt: now, StartedAt: &now}
		mustNoErr(t, f.DB.Create(win).Error)
		mustNoErr(t, f.DB.Create(&models.MaintenanceComponent{WindowID: win.ID, ComponentID: comp.ID}).Error)
		post(models.PublicIdentified, []models.AffectedComponent{{ComponentID: comp.ID, Status: models.StatusMajorOutage}})
		wantEqual(t, "during maintenance", published(), []string{"operational", "partial_outage", "under_maintenance"})

		// The override beats maintenance; clearing it goes back to maintenance.
		f.Clock.Advance(time.Minute)
		deg := models.StatusDegradedPerformance
		_, err = f.Store.UpdateComponent(ctx, f.AdminActor, comp.ID, models.ComponentInput{StatusOverride: &deg})
		mustNoErr(t, err)
		f.Clock.Advance(time.Minute)
		c, err := f.Store.UpdateComponent(ctx, f.AdminActor, comp.ID, models.ComponentInput{ClearOverride: true})
		mustNoErr(t, err)
		wantEqual(t, "after the override", published(), []string{"operational", "partial_outage", "under_maintenance", "degraded_performance", "under_maintenance"})
		wantEqual(t, "returned public status", c.PublishedStatus(), models.StatusUnderMaintenance)

		// The window ends: the unresolved public incident's status shows again.
		mustNoErr(t, f.DB.Model(win).Update("status", models.MaintenanceCompleted).Error)
		post(models.PublicMonitoring, nil)
		wantEqual(t, "after the window", published(), []string{"operational", "partial_outage", "under_maintenance", "degraded_performance", "under_maintenance", "major_outage"})
		f.Pub.Reset()
		post(models.PublicResolved, nil)
		wantEqual(t, "resolved", published()[6:], []string{"operational"})
		if statusHints() == 0 {
			t.Fatal("no status page hint after resolution")
		}
	})
}

// Two incidents of one component resolved at the same time: whichever commits second sees the
// first one's resolution, so the history ends operational (PostgreSQL runs them concurrently).
func TestComponentHistory_ConcurrentResolutions(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		for round := 0; round < 5; round++ {
			comp := f.MustComponent(t, f.Account.ID, fmt.Sprintf("C%d", round))
			a := f.MustIncident(t, f.AdminActor, comp.ID, "a", models.SeverityHigh)
			b := f.MustIncident(t, f.AdminActor, comp.ID, "b", models.SeverityCritical)
			f.Clock.Advance(time.Second)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []string{a.ID, b.ID} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.Store.ResolveIncident(ctx, f.AdminActor, id, "")
				}()
			}
			wg.Wait()
			mustNoErr(t, errors.Join(errs...))
			rows := f.statusRows(t, comp.ID, models.StatusInternal)
			if rows[len(rows)-1] != "operational" {
				t.Fatalf("round %d: history ends %v", round, rows)
			}
			f.Clock.Advance(time.Second)
		}
	})
}

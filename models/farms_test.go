package models_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestFarms_Lifecycle(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		env := f.MustEnvironment(t, f.AdminActor, acc, "lifecycle")
		member, _ := f.MustMember(t, acc, "farm-member@example.com", models.RoleMember)
		viewer, _ := f.MustMember(t, acc, "farm-viewer@example.com", models.RoleViewer)
		farmEvents := func(t *testing.T, farmID string) []string {
			t.Helper()
			return eventNames(f.MustEvents(t, "farm_id = ?", farmID))
		}
		status := func(t *testing.T, id string) models.FarmStatus {
			t.Helper()
			fm, err := f.Store.GetFarm(ctx, f.AdminActor, id)
			mustNoErr(t, err)
			return fm.Status
		}

		t.Run("OKTransitionsAndEvents", func(t *testing.T) {
			farm := f.MustFarm(t, env.ID, "Cycle")
			wantEqual(t, "new farm", farm.Status, models.FarmTerminated)
			steps := []struct {
				do     func(context.Context, *models.Actor, string) (*models.Farm, error)
				want   models.FarmStatus
				events []string
			}{
				{f.Store.LaunchFarm, models.FarmRunning, []string{"BeforeFarmLaunch", "FarmLaunched"}},
				{f.Store.SuspendFarm, models.FarmSuspended, []string{"FarmSuspended"}},
				{f.Store.ResumeFarm, models.FarmRunning, []string{"FarmResumed"}},
				{f.Store.TerminateFarm, models.FarmTerminated, []string{"BeforeFarmTerminate", "FarmTerminated"}},
				{f.Store.LaunchFarm, models.FarmRunning, []string{"BeforeFarmLaunch", "FarmLaunched"}},
				{f.Store.SuspendFarm, models.FarmSuspended, []string{"FarmSuspended"}},
				{f.Store.TerminateFarm, models.FarmTerminated, []string{"BeforeFarmTerminate", "FarmTerminated"}}, // from suspended
			}
			var all []string
			for i, s := range steps {
				f.Clock.Advance(time.Second)
				got, err := s.do(ctx, member, farm.ID)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				wantEqual(t, "returned status", got.Status, s.want)
				wantEqual(t, "stored status", status(t, farm.ID), s.want)
				all = append(all, s.events...)
				wantEqual(t, "events", farmEvents(t, farm.ID), all)
			}
			fm, err := f.Store.GetFarm(ctx, f.AdminActor, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "launched once", fm.LaunchedOnce, true)
			// The event carries the farm's status at the time.
			evs := f.MustEvents(t, "farm_id = ? AND name = 'FarmLaunched'", farm.ID)
			wantEqual(t, "SCALR_FARM_STATUS", mustVars(t, &evs[0]).Builtin["SCALR_FARM_STATUS"], "running")
			if n := len(f.MustAudit(t, acc, "farm.launch")); n != 2 {
				t.Fatalf("%d farm.launch audit entries", n)
			}
		})

		t.Run("ErrInvalidTransitions", func(t *testing.T) {
			farm := f.MustFarm(t, env.ID, "Invalid")
			try := func(t *testing.T, what string, do func(context.Context, *models.Actor, string) (*models.Farm, error), want models.FarmStatus) {
				t.Helper()
				before := f.MustCount(t, "events", "farm_id = ?", farm.ID)
				_, err := do(ctx, member, farm.ID)
				wantCode(t, err, models.ECONFLICT)
				wantEqual(t, what+": status", status(t, farm.ID), want)
				wantEqual(t, what+": events", f.MustCount(t, "events", "farm_id = ?", farm.ID), before)
			}
			try(t, "terminate terminated", f.Store.TerminateFarm, models.FarmTerminated)
			try(t, "suspend terminated", f.Store.SuspendFarm, models.FarmTerminated)
			try(t, "resume terminated", f.Store.ResumeFarm, models.FarmTerminated)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			try(t, "launch running", f.Store.LaunchFarm, models.FarmRunning)
			try(t, "resume running", f.Store.ResumeFarm, models.FarmRunning)
			_, err = f.Store.SuspendFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			try(t, "suspend suspended", f.Store.SuspendFarm, models.FarmSuspended)
			try(t, "launch suspended", f.Store.LaunchFarm, models.FarmSuspended)
			wantCode(t, f.Store.DeleteFarm(ctx, f.AdminActor, farm.ID), models.ECONFLICT)
			_, err = f.Store.TerminateFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			wantCode(t, f.Store.DeleteFarm(ctx, member, farm.ID), models.EFORBIDDEN)
			// Its variables go with it; another farm's stay.
			role, server := f.MustServer(t, farm.ID, "app", "app-1")
			keep := f.MustFarm(t, env.ID, "Kept")
			for _, sc := range []models.ScopeKey{
				{Scope: models.ScopeFarm, ID: farm.ID}, {Scope: models.ScopeFarmRole, ID: role.ID},
				{Scope: models.ScopeServer, ID: server.ID}, {Scope: models.ScopeFarm, ID: keep.ID},
			} {
				_, err := f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: sc, Name: "DOOMED", Value: "x"})
				mustNoErr(t, err)
			}
			mustNoErr(t, f.Store.DeleteFarm(ctx, f.AdminActor, farm.ID))
			wantEqual(t, "variables left", f.MustCount(t, "global_variables", "name = 'DOOMED'"), int64(1))
			wantEqual(t, "servers left", f.MustCount(t, "servers", "id = ?", server.ID), int64(0))
			_, err = f.Store.GetFarm(ctx, f.AdminActor, farm.ID)
			wantCode(t, err, models.ENOTFOUND)
		})

		t.Run("ErrViewerCannotAct", func(t *testing.T) {
			farm := f.MustFarm(t, env.ID, "Viewed")
			for _, do := range []func(context.Context, *models.Actor, string) (*models.Farm, error){f.Store.LaunchFarm, f.Store.TerminateFarm, f.Store.SuspendFarm, f.Store.ResumeFarm} {
				_, err := do(ctx, viewer, farm.ID)
				wantCode(t, err, models.EFORBIDDEN)
			}
			wantEqual(t, "events", f.MustCount(t, "events", "farm_id = ?", farm.ID), int64(0))
			_, err := f.Store.CreateFarm(ctx, viewer, models.FarmInput{EnvironmentID: env.ID, Name: ptr("by viewer")})
			wantCode(t, err, models.EFORBIDDEN)
		})

		t.Run("OKConcurrentLaunchesOneWins", func(t *testing.T) {
			farm := f.MustFarm(t, env.ID, "Raced")
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.Store.LaunchFarm(ctx, member, farm.ID)
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else {
					wantCode(t, err, models.ECONFLICT)
				}
			}
			wantEqual(t, "winners", won, 1)
			wantEqual(t, "events", farmEvents(t, farm.ID), []string{"BeforeFarmLaunch", "FarmLaunched"})
		})

		t.Run("ErrFarmInput", func(t *testing.T) {
			f.MustFarm(t, env.ID, "Unique")
			_, err := f.Store.CreateFarm(ctx, member, models.FarmInput{EnvironmentID: env.ID, Name: ptr("UNIQUE")})
			wantField(t, err, models.ECONFLICT, "name")
			_, err = f.Store.CreateFarm(ctx, member, models.FarmInput{EnvironmentID: env.ID, Name: ptr("mail"), OwnerEmail: ptr("not an email")})
			wantField(t, err, models.EINVALID, "ownerEmail")
			_, err = f.Store.CreateFarm(ctx, member, models.FarmInput{EnvironmentID: "00000000-0000-7000-8000-000000000000", Name: ptr("x")})
			wantField(t, err, models.ENOTFOUND, "environmentId")
		})
	})
}

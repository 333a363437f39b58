package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/routing"
)

func TestRoutes_AlarmsOfOneIntegrationOpenOnTheirComponents(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		api := f.MustComponent(t, acc, "Checkout API")
		ordersDB := f.MustComponent(t, acc, "Orders DB")
		integ, _ := f.MustIntegration(t, acc, api.ID, "prod alarms")
		crit := models.SeverityCritical

		routes, err := f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{
			{Name: "databases", ComponentID: ordersDB.ID, Severity: &crit, Conditions: []routing.Condition{
				{Field: routing.AlarmName, Op: routing.Glob, Value: "orders-db-*"},
			}},
		})
		mustNoErr(t, err)
		at := f.Clock.Now()

		db1 := f.MustIngest(t, integ, notification(testTopic), newAlarm("orders-db-cpu-high", cloudwatch.StateAlarm, at))
		api1 := f.MustIngest(t, integ, notification(testTopic), newAlarm("checkout-5xx", cloudwatch.StateAlarm, at))
		wantEqual(t, "outcomes", []string{db1.Outcome, api1.Outcome}, []string{models.OutcomeOpened, models.OutcomeOpened})

		dbInc, err := f.Store.GetIncident(ctx, f.AdminActor, db1.IncidentID)
		mustNoErr(t, err)
		apiInc, err := f.Store.GetIncident(ctx, f.AdminActor, api1.IncidentID)
		mustNoErr(t, err)
		// The rule sends the database alarm to Orders DB with its severity; the other alarm
		// falls back to the integration's component and default severity.
		wantEqual(t, "db incident", []string{dbInc.ComponentID, string(dbInc.Severity), deref(dbInc.RouteID)}, []string{ordersDB.ID, "critical", routes[0].ID})
		wantEqual(t, "api incident", []string{apiInc.ComponentID, string(apiInc.Severity), deref(apiInc.RouteID)}, []string{api.ID, string(integ.DefaultSeverity), ""})

		// Recent messages name their alarm, incident and rule.
		recs, err := f.Store.RecentReceipts(ctx, integ.ID, 10)
		mustNoErr(t, err)
		byAlarm := map[string]models.SNSReceipt{}
		for _, r := range recs {
			byAlarm[r.AlarmName] = r
		}
		wantEqual(t, "db receipt", []string{deref(byAlarm["orders-db-cpu-high"].IncidentID), deref(byAlarm["orders-db-cpu-high"].RouteID)}, []string{dbInc.ID, routes[0].ID})
		wantEqual(t, "api receipt rule", deref(byAlarm["checkout-5xx"].RouteID), "")

		// The OK resolves the incident where the rule put it.
		ok := f.MustIngest(t, integ, notification(testTopic), newAlarm("orders-db-cpu-high", cloudwatch.StateOK, at.Add(time.Minute)))
		wantEqual(t, "ok", []string{ok.Outcome, ok.IncidentID}, []string{models.OutcomeResolved, dbInc.ID})

		// Trying a changed rule set on the recent messages, unsaved: a rule for checkout alarms
		// now catches the API alarm, the database alarm falls back to the integration's.
		trials, err := f.Store.TryRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{
			{Name: "checkout", ComponentID: ordersDB.ID, Conditions: []routing.Condition{{Field: routing.AlarmName, Op: routing.Regex, Value: "^checkout-"}}},
		}, 20)
		mustNoErr(t, err)
		got := map[string]string{}
		for _, tr := range trials {
			idx := "none"
			if tr.MatchedIndex != nil {
				idx = fmt.Sprint(*tr.MatchedIndex)
			}
			got[tr.Message.AlarmName+"/"+tr.Facts.AlarmName] = idx + "→" + tr.ComponentID
		}
		wantEqual(t, "trials", got, map[string]string{
			"orders-db-cpu-high/orders-db-cpu-high": "none→" + api.ID, // falls back to the integration's
			"checkout-5xx/checkout-5xx":             "0→" + ordersDB.ID,
		})
		saved, err := f.Store.ListRoutes(ctx, integ.ID)
		mustNoErr(t, err)
		wantEqual(t, "trying saves nothing", len(saved) == 1 && saved[0].Name == "databases", true)

		// A component a live rule targets cannot be deleted; the error names the integration.
		err = f.Store.DeleteComponent(ctx, f.AdminActor, ordersDB.ID)
		wantEqual(t, "delete targeted component", models.CodeOf(err), models.ECONFLICT)
		wantMessage(t, err, "prod alarms", "routing rules")
	})
}

func TestRoutes_BadInputChangesNothing(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "Web")
		integ, _ := f.MustIntegration(t, acc, comp.ID, "alarms")
		other := f.MustAccount(t, "Other")
		foreign := f.MustComponent(t, other.ID, "Theirs")
		good := models.RouteInput{Name: "keep", ComponentID: comp.ID, Conditions: []routing.Condition{{Field: routing.Region, Op: routing.Equals, Value: "eu-west-1"}}}
		_, err := f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{good})
		mustNoErr(t, err)

		bad := models.Severity("urgent")
		for _, tc := range []struct {
			name  string
			in    models.RouteInput
			field string
		}{
			{"foreign component", models.RouteInput{Name: "x", ComponentID: foreign.ID}, "routes.1.componentId"},
			{"no name", models.RouteInput{ComponentID: comp.ID}, "routes.1.name"},
			{"bad regex", models.RouteInput{Name: "x", ComponentID: comp.ID, Conditions: []routing.Condition{
				{Field: routing.AlarmName, Op: routing.Glob, Value: "ok"}, {Field: routing.AlarmName, Op: routing.Regex, Value: "("}}}, "routes.1.conditions.1.value"},
			{"dimension without a name", models.RouteInput{Name: "x", ComponentID: comp.ID, Conditions: []routing.Condition{{Field: routing.Dimension, Op: routing.Glob, Value: "x"}}}, "routes.1.conditions.0.dimension"},
			{"dimension name with NUL", models.RouteInput{Name: "x", ComponentID: comp.ID, Conditions: []routing.Condition{{Field: routing.Dimension, Dimension: "a\x00b", Op: routing.Glob, Value: "x"}}}, "routes.1.conditions.0.dimension"},
			{"dimension name too long", models.RouteInput{Name: "x", ComponentID: comp.ID, Conditions: []routing.Condition{{Field: routing.Dimension, Dimension: strings.Repeat("d", 100000), Op: routing.Glob, Value: "x"}}}, "routes.1.conditions.0.dimension"},
			{"unknown severity", models.RouteInput{Name: "x", ComponentID: comp.ID, Severity: &bad}, "routes.1.severity"},
			{"unknown id", models.RouteInput{ID: foreign.ID, Name: "x", ComponentID: comp.ID}, "routes.1.id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{good, tc.in})
				if models.CodeOf(err) != models.EINVALID || fieldOf(err) != tc.field {
					t.Fatalf("err = %v (field %q), want invalid %s", err, fieldOf(err), tc.field)
				}
				rs, err := f.Store.ListRoutes(ctx, integ.ID)
				mustNoErr(t, err)
				wantEqual(t, "rules after a refused change", len(rs) == 1 && rs[0].Name == "keep", true)
			})
		}

		// Members may try rules but not save them.
		member, _ := f.MustMember(t, acc, "routes-member@example.com", models.RoleMember)
		_, err = f.Store.SetRoutes(ctx, member, integ.ID, nil)
		wantEqual(t, "member saves", models.CodeOf(err), models.EFORBIDDEN)
		_, err = f.Store.TryRoutes(ctx, member, integ.ID, []models.RouteInput{good}, 5)
		mustNoErr(t, err)
		// Viewers read the integration but do not try rules (members and up, as documented).
		viewer, _ := f.MustMember(t, acc, "routes-viewer@example.com", models.RoleViewer)
		_, err = f.Store.TryRoutes(ctx, viewer, integ.ID, []models.RouteInput{good}, 5)
		wantEqual(t, "viewer tries", models.CodeOf(err), models.EFORBIDDEN)
		// Another account's admin sees nothing.
		otherAdmin, _ := f.MustMember(t, other.ID, "routes-other@example.com", models.RoleAdmin)
		_, err = f.Store.SetRoutes(ctx, otherAdmin, integ.ID, nil)
		wantEqual(t, "foreign admin", models.CodeOf(err), models.ENOTFOUND)
	})
}

// TestRoutes_ConcurrentSavesReplace: two admins saving at once each replace the rules; the
// result is one of the two sets, never both merged (each saw no rule and kept the other's).
func TestRoutes_ConcurrentSavesReplace(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "API")
		integ, _ := f.MustIntegration(t, acc, comp.ID, "alarms")
		const n = 8
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				_, err := f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{{Name: fmt.Sprintf("rule %d", i), ComponentID: comp.ID}})
				errs <- err
			}(i)
		}
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil && models.CodeOf(err) == "" {
				t.Fatal(err)
			}
		}
		rs, err := f.Store.ListRoutes(ctx, integ.ID)
		mustNoErr(t, err)
		wantEqual(t, "rules after concurrent saves", len(rs), 1)
	})
}

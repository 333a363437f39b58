package models_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/routing"
)

func TestSendTestAlarm(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		api := f.MustComponent(t, acc, "API")
		edge := f.MustComponent(t, acc, "Edge")
		integ, _ := f.MustIntegration(t, acc, api.ID, "alarms")
		// Rules apply to test alarms too: this is how a user checks them.
		_, err := f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{
			{Name: "tests to edge", ComponentID: edge.ID, Conditions: []routing.Condition{{Field: routing.Namespace, Op: routing.Equals, Value: "Switchboard/Test"}}},
		})
		mustNoErr(t, err)
		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
		ticked, _ := f.MustEndpoint(t, f.AdminActor, scope, "ticked", false)
		other, _ := f.MustEndpoint(t, f.AdminActor, scope, "not ticked", false)
		f.MustWebhook(t, f.AdminActor, scope, "incidents", []string{models.EventIncidentOpened, models.EventIncidentResolved}, []string{ticked.ID, other.ID}, nil)
		f.Enq.Take()

		// The component has an escalation policy with someone on it: the test pages nobody.
		name := "Platform"
		pol, err := f.Store.CreateEscalationPolicy(ctx, f.AdminActor, acc, models.PolicyInput{Name: &name,
			Levels: &[]models.LevelInput{{TimeoutMinutes: 5, Targets: []models.TargetInput{{UserID: &f.AdminActor.UserID}}}}})
		mustNoErr(t, err)
		_, _, err = f.Store.SetEscalationPolicy(ctx, f.AdminActor, edge.ID, &pol.ID)
		mustNoErr(t, err)
		res, err := f.Store.SendTestAlarm(ctx, f.AdminActor, integ.ID, []string{ticked.ID})
		mustNoErr(t, err)
		wantEqual(t, "outcomes", []string{res.Opened, res.Resolved}, []string{models.OutcomeOpened, models.OutcomeResolved})
		inc := res.Incident
		if !inc.IsTest || inc.Status != models.IncidentResolved || inc.ComponentID != edge.ID || inc.Title[:7] != "[TEST] " {
			t.Fatalf("test incident: %+v", inc)
		}
		// Its events went to the ticked endpoint only.
		var eps []string
		for _, ev := range f.MustEvents(t, "incident_id = ?", inc.ID) {
			for _, d := range f.MustDeliveries(t, ev.ID) {
				eps = append(eps, ev.Name+"→"+deref(d.EndpointID))
			}
		}
		sort.Strings(eps)
		wantEqual(t, "deliveries", eps, []string{models.EventIncidentOpened + "→" + ticked.ID, models.EventIncidentResolved + "→" + ticked.ID})

		// Counted apart: no topic pinned, statistics keep it out of opened/resolved.
		got, err := f.Store.GetAWSIntegration(ctx, f.AdminActor, integ.ID)
		mustNoErr(t, err)
		wantEqual(t, "pinned topic", got.TopicArn, "")
		st, err := f.Store.IntegrationStats(ctx, integ.ID)
		mustNoErr(t, err)
		wantEqual(t, "stats", []int{st.Tests, st.ByOutcome[models.OutcomeOpened], st.ByOutcome[models.OutcomeResolved]}, []int{1, 0, 0})
		// A test alarm never went through SNS: the integration has still received no message.
		if st.LastMessageAt != nil || st.LastOutcome != "" {
			t.Fatalf("last message after a test alarm only: %v %q", st.LastMessageAt, st.LastOutcome)
		}
		real := false
		page, err := f.Store.ListIncidents(ctx, f.AdminActor, acc, models.IncidentQuery{Tests: &real}, 50, "")
		mustNoErr(t, err)
		wantEqual(t, "real incidents", len(page.Items), 0)
		stats, err := f.Store.IncidentStatistics(ctx, f.AdminActor, acc, models.IncidentQuery{})
		mustNoErr(t, err)
		wantEqual(t, "stats count test incidents apart", stats.Count, 0)
		_, err = f.Store.AdvanceEscalations(ctx, 100)
		mustNoErr(t, err)
		wantEqual(t, "notifications of the test incident", f.MustCount(t, "notifications", "incident_id = ?", inc.ID), int64(0))
		// No escalation was started for it (a real alarm would have been due at once).
		wantEqual(t, "escalation with a policy", f.MustCount(t, "incident_escalations", "incident_id = ? AND policy_id IS NOT NULL", inc.ID), int64(0))
		wantEqual(t, "alarm states left", f.MustCount(t, "alarm_states", "integration_id = ?", integ.ID), int64(0))

		// Bad input changes nothing: a foreign endpoint; a member may not send.
		otherAcc := f.MustAccount(t, "Other")
		foreign, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: otherAcc.ID}, "theirs", false)
		_, err = f.Store.SendTestAlarm(ctx, f.AdminActor, integ.ID, []string{foreign.ID})
		wantEqual(t, "foreign endpoint", models.CodeOf(err), models.EINVALID)
		member, _ := f.MustMember(t, acc, "test-alarm-member@example.com", models.RoleMember)
		_, err = f.Store.SendTestAlarm(ctx, member, integ.ID, nil)
		wantEqual(t, "member", models.CodeOf(err), models.EFORBIDDEN)
		wantEqual(t, "incidents after refusals", f.MustCount(t, "incidents", "integration_id = ?", integ.ID), int64(1))
	})
}

// TestSendTestAlarm_EndpointIDSpelling: an endpoint id the API accepts in another spelling
// (upper case) is the same endpoint: it gets the deliveries rather than silently nothing.
func TestSendTestAlarm_EndpointIDSpelling(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		api := f.MustComponent(t, acc, "API")
		integ, _ := f.MustIntegration(t, acc, api.ID, "alarms")
		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
		ticked, _ := f.MustEndpoint(t, f.AdminActor, scope, "ticked", false)
		f.MustWebhook(t, f.AdminActor, scope, "incidents", []string{models.EventIncidentOpened}, []string{ticked.ID}, nil)

		res, err := f.Store.SendTestAlarm(ctx, f.AdminActor, integ.ID, []string{strings.ToUpper(ticked.ID)})
		mustNoErr(t, err)
		n := 0
		for _, ev := range f.MustEvents(t, "incident_id = ?", res.Incident.ID) {
			n += len(f.MustDeliveries(t, ev.ID))
		}
		wantEqual(t, "deliveries to the ticked endpoint", n, 1)
	})
}

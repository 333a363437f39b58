package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// A user of account A reaches nothing of account B: B's objects are "not found" to every getter
// and mutator, and nothing of B changes.
func TestTenancy_NewServices(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		accA := f.Account.ID
		accB := f.MustAccount(t, "Tenant B").ID
		owner, _ := f.MustMember(t, accA, "owner-a@example.com", models.RoleOwner)
		_, secret := f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: accA, Name: "a-admin", Role: models.RoleAdmin})
		token, err := f.Auth.ActorForAPIToken(ctx, secret)
		mustNoErr(t, err)

		// Account B, fully populated by the system administrator.
		envB := f.MustEnvironment(t, f.AdminActor, accB, "b-env")
		scopeB := models.ScopeKey{Scope: models.ScopeAccount, ID: accB}
		compB := f.MustComponent(t, accB, "B Component")
		incB := f.MustIncident(t, f.AdminActor, compB.ID, "B incident", models.SeverityHigh)
		integB, _ := f.MustIntegration(t, accB, compB.ID, "B alarms")
		farmB := f.MustFarm(t, envB.ID, "BFarm")
		roleB, serverB := f.MustServer(t, farmB.ID, "b-role", "b-1")
		epB, _ := f.MustEndpoint(t, f.AdminActor, scopeB, "b-endpoint", true)
		evB := f.MustCustomEvent(t, f.AdminActor, scopeB, "BEvent")
		hookB := f.MustWebhook(t, f.AdminActor, scopeB, "b-hook", []string{evB.Name}, []string{epB.ID}, nil)
		varB, err := f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: scopeB, Name: "B_SECRET", Value: "b", Hidden: true})
		mustNoErr(t, err)
		firedB := f.MustFire(t, evB.Name, farmB.ID, "", nil)
		delB := f.MustDeliveries(t, firedB.ID)[0]
		// A finished delivery, so resending it would be allowed to B's own admins.
		tg, err := f.Store.BeginAttempt(ctx, delB.ID)
		mustNoErr(t, err)
		_, err = f.Store.FinishAttempt(ctx, tg, models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 400})
		mustNoErr(t, err)
		apprEp, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeEnvironment, ID: envB.ID}, "b-approver", false)
		_, err = f.Store.SetApprovalSettings(ctx, f.AdminActor, envB.ID, models.ApprovalSettings{EndpointID: &apprEp.ID, OnFirstLaunch: true, ExpiryMinutes: 60})
		mustNoErr(t, err)
		apprFarm := f.MustFarm(t, envB.ID, "BApproval")
		_, err = f.Store.LaunchFarm(ctx, f.AdminActor, apprFarm.ID)
		mustNoErr(t, err)
		pending, err := f.Store.PendingApprovals(ctx, []string{apprFarm.ID})
		mustNoErr(t, err)
		apprB := pending[apprFarm.ID]

		// A's own things, to point at B's from.
		envA := f.MustEnvironment(t, f.AdminActor, accA, "a-env")
		scopeA := models.ScopeKey{Scope: models.ScopeAccount, ID: accA}
		compA := f.MustComponent(t, accA, "A Component")
		epA, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "a-endpoint", false)
		evA := f.MustCustomEvent(t, f.AdminActor, scopeA, "AEvent")
		hookA := f.MustWebhook(t, f.AdminActor, scopeA, "a-hook", []string{evA.Name}, []string{epA.ID}, nil)
		integA, _ := f.MustIntegration(t, accA, compA.ID, "A alarms")
		auditB := f.MustCount(t, "audit_entries", "account_id = ?", accB)
		eventsB := f.MustCount(t, "events", "account_id = ?", accB)
		f.Enq.Take()

		name := ptr("hijacked")
		since := f.Clock.Now().Add(-time.Hour)
		cases := map[string]func(a *models.Actor) error{
			// Components and incidents.
			"GetComponent": func(a *models.Actor) error { _, err := f.Store.GetComponent(ctx, a, compB.ID); return err },
			"UpdateComponent": func(a *models.Actor) error {
				_, err := f.Store.UpdateComponent(ctx, a, compB.ID, models.ComponentInput{Name: name})
				return err
			},
			"DeleteComponent": func(a *models.Actor) error { return f.Store.DeleteComponent(ctx, a, compB.ID) },
			"ListComponents":  func(a *models.Actor) error { _, err := f.Store.ListComponents(ctx, a, accB); return err },
			"CreateComponent": func(a *models.Actor) error {
				_, err := f.Store.CreateComponent(ctx, a, accB, models.ComponentInput{Name: name})
				return err
			},
			"CreateIncident": func(a *models.Actor) error {
				_, err := f.Store.CreateIncident(ctx, a, models.IncidentInput{ComponentID: compB.ID, Title: "x", Severity: models.SeverityLow})
				return err
			},
			"GetIncident":         func(a *models.Actor) error { _, err := f.Store.GetIncident(ctx, a, incB.ID); return err },
			"AcknowledgeIncident": func(a *models.Actor) error { _, err := f.Store.AcknowledgeIncident(ctx, a, incB.ID); return err },
			"ResolveIncident":     func(a *models.Actor) error { _, err := f.Store.ResolveIncident(ctx, a, incB.ID, ""); return err },
			"AddIncidentNote":     func(a *models.Actor) error { _, err := f.Store.AddIncidentNote(ctx, a, incB.ID, "x"); return err },
			"ListIncidents": func(a *models.Actor) error {
				_, err := f.Store.ListIncidents(ctx, a, accB, models.IncidentQuery{}, 10, "")
				return err
			},
			"ListEvents": func(a *models.Actor) error {
				_, err := f.Store.ListEvents(ctx, a, accB, models.EventQuery{}, 10, "")
				return err
			},
			"GetEvent": func(a *models.Actor) error { _, err := f.Store.GetEvent(ctx, a, firedB.ID); return err },
			// Integrations.
			"GetAWSIntegration": func(a *models.Actor) error { _, err := f.Store.GetAWSIntegration(ctx, a, integB.ID); return err },
			"UpdateAWSIntegration": func(a *models.Actor) error {
				_, err := f.Store.UpdateAWSIntegration(ctx, a, integB.ID, models.AWSIntegrationInput{Name: name})
				return err
			},
			"RotateAWSIntegrationToken": func(a *models.Actor) error {
				_, _, err := f.Store.RotateAWSIntegrationToken(ctx, a, integB.ID)
				return err
			},
			"DeleteAWSIntegration": func(a *models.Actor) error { return f.Store.DeleteAWSIntegration(ctx, a, integB.ID) },
			"ListAWSIntegrations":  func(a *models.Actor) error { _, err := f.Store.ListAWSIntegrations(ctx, a, accB); return err },
			"CreateAWSIntegration": func(a *models.Actor) error {
				_, _, err := f.Store.CreateAWSIntegration(ctx, a, models.AWSIntegrationInput{AccountID: accB, Name: name, ComponentID: &compB.ID})
				return err
			},
			// Inventory and farms.
			"GetFarm":   func(a *models.Actor) error { _, err := f.Store.GetFarm(ctx, a, farmB.ID); return err },
			"ListFarms": func(a *models.Actor) error { _, err := f.Store.ListFarms(ctx, a, accB, ""); return err },
			"UpdateFarm": func(a *models.Actor) error {
				_, err := f.Store.UpdateFarm(ctx, a, farmB.ID, models.FarmInput{Name: name})
				return err
			},
			"DeleteFarm":    func(a *models.Actor) error { return f.Store.DeleteFarm(ctx, a, farmB.ID) },
			"LaunchFarm":    func(a *models.Actor) error { _, err := f.Store.LaunchFarm(ctx, a, farmB.ID); return err },
			"TerminateFarm": func(a *models.Actor) error { _, err := f.Store.TerminateFarm(ctx, a, farmB.ID); return err },
			"SuspendFarm":   func(a *models.Actor) error { _, err := f.Store.SuspendFarm(ctx, a, farmB.ID); return err },
			"ResumeFarm":    func(a *models.Actor) error { _, err := f.Store.ResumeFarm(ctx, a, farmB.ID); return err },
			"CreateFarm": func(a *models.Actor) error {
				_, err := f.Store.CreateFarm(ctx, a, models.FarmInput{EnvironmentID: envB.ID, Name: name})
				return err
			},
			"CreateFarmRole": func(a *models.Actor) error {
				_, err := f.Store.CreateFarmRole(ctx, a, models.FarmRoleInput{FarmID: farmB.ID, Alias: name, RoleName: name})
				return err
			},
			"CreateServer": func(a *models.Actor) error {
				_, err := f.Store.CreateServer(ctx, a, models.ServerInput{FarmRoleID: roleB.ID, Hostname: name})
				return err
			},
			"GetServer": func(a *models.Actor) error { _, err := f.Store.GetServer(ctx, a, serverB.ID); return err },
			"UpdateServer": func(a *models.Actor) error {
				_, err := f.Store.UpdateServer(ctx, a, serverB.ID, models.ServerInput{Hostname: name})
				return err
			},
			"DeleteServer": func(a *models.Actor) error { return f.Store.DeleteServer(ctx, a, serverB.ID) },
			"FireEvent farm": func(a *models.Actor) error {
				_, err := f.Store.FireEvent(ctx, a, models.FireEventRequest{Name: evB.Name, FarmID: farmB.ID})
				return err
			},
			"FireEvent server": func(a *models.Actor) error {
				_, err := f.Store.FireEvent(ctx, a, models.FireEventRequest{Name: "HostUp", ServerID: serverB.ID})
				return err
			},
			// Endpoints, webhooks, events, variables.
			"GetEndpoint": func(a *models.Actor) error {
				_, err := f.Store.GetEndpoint(ctx, a, epB.ID, models.RoleViewer)
				return err
			},
			"UpdateEndpoint": func(a *models.Actor) error {
				_, err := f.Store.UpdateEndpoint(ctx, a, epB.ID, models.EndpointInput{Name: name})
				return err
			},
			"RotateEndpointKey": func(a *models.Actor) error {
				_, _, err := f.Store.RotateEndpointKey(ctx, a, epB.ID, models.RotateKeyInput{})
				return err
			},
			"DeleteEndpoint": func(a *models.Actor) error { return f.Store.DeleteEndpoint(ctx, a, epB.ID) },
			"FinishEndpointKeyRotation": func(a *models.Actor) error {
				_, err := f.Store.FinishEndpointKeyRotation(ctx, a, epB.ID)
				return err
			},
			"CancelEndpointKeyRotation": func(a *models.Actor) error {
				_, err := f.Store.CancelEndpointKeyRotation(ctx, a, epB.ID)
				return err
			},
			"SendTestEvent":   func(a *models.Actor) error { _, err := f.Store.SendTestEvent(ctx, a, epB.ID); return err },
			"ListEndpoints":   func(a *models.Actor) error { _, err := f.Store.ListEndpoints(ctx, a, scopeB); return err },
			"UsableEndpoints": func(a *models.Actor) error { _, err := f.Store.UsableEndpoints(ctx, a, scopeB); return err },
			"CreateEndpoint": func(a *models.Actor) error {
				_, _, err := f.Store.CreateEndpoint(ctx, a, models.EndpointInput{Scope: scopeB, Name: name, URL: ptr("https://evil.example.com")})
				return err
			},
			"GetWebhook": func(a *models.Actor) error {
				_, err := f.Store.GetWebhook(ctx, a, hookB.ID, models.RoleViewer)
				return err
			},
			"UpdateWebhook": func(a *models.Actor) error {
				_, err := f.Store.UpdateWebhook(ctx, a, hookB.ID, models.WebhookInput{Active: ptr(false)})
				return err
			},
			"DeleteWebhook": func(a *models.Actor) error { return f.Store.DeleteWebhook(ctx, a, hookB.ID) },
			"ListWebhooks":  func(a *models.Actor) error { _, err := f.Store.ListWebhooks(ctx, a, scopeB); return err },
			"CreateWebhook": func(a *models.Actor) error {
				_, err := f.Store.CreateWebhook(ctx, a, models.WebhookInput{Scope: scopeB, Name: name, Events: []string{"HostUp"}, EndpointIDs: []string{epB.ID}})
				return err
			},
			"CreateCustomEvent": func(a *models.Actor) error {
				_, err := f.Store.CreateCustomEvent(ctx, a, models.CustomEventInput{Scope: scopeB, Name: "Hijack"})
				return err
			},
			"DeleteCustomEvent": func(a *models.Actor) error { return f.Store.DeleteCustomEvent(ctx, a, evB.ID) },
			"ListCustomEvents":  func(a *models.Actor) error { _, err := f.Store.ListCustomEvents(ctx, a, scopeB); return err },
			"EventCatalog":      func(a *models.Actor) error { _, err := f.Store.EventCatalog(ctx, a, accB, ""); return err },
			"ListVariables":     func(a *models.Actor) error { _, err := f.Store.ListVariables(ctx, a, scopeB); return err },
			"SetVariable": func(a *models.Actor) error {
				_, err := f.Store.SetVariable(ctx, a, models.VariableInput{Scope: scopeB, Name: "B_SECRET", Value: "mine"})
				return err
			},
			"SetVariable farm": func(a *models.Actor) error {
				_, err := f.Store.SetVariable(ctx, a, models.VariableInput{Scope: models.ScopeKey{Scope: models.ScopeFarm, ID: farmB.ID}, Name: "X", Value: "mine"})
				return err
			},
			"DeleteVariable": func(a *models.Actor) error { return f.Store.DeleteVariable(ctx, a, varB.ID) },
			// Deliveries.
			"GetDelivery":    func(a *models.Actor) error { _, err := f.Store.GetDelivery(ctx, a, delB.ID); return err },
			"ResendDelivery": func(a *models.Actor) error { _, err := f.Store.ResendDelivery(ctx, a, delB.ID); return err },
			"ListDeliveries": func(a *models.Actor) error {
				_, err := f.Store.ListDeliveries(ctx, a, accB, models.DeliveryQuery{}, 10, "")
				return err
			},
			"RetryFailed": func(a *models.Actor) error {
				_, err := f.Store.RetryFailed(ctx, a, models.RetryFailedInput{AccountID: accB, EndpointID: epB.ID, Since: since})
				return err
			},
			"DeliveryStats": func(a *models.Actor) error {
				_, err := f.Store.DeliveryStats(ctx, a, accB, 24, models.DeliveryQuery{})
				return err
			},
			// Approvals.
			"GetApproval":    func(a *models.Actor) error { _, err := f.Store.GetApproval(ctx, a, apprB.ID); return err },
			"CancelApproval": func(a *models.Actor) error { _, err := f.Store.CancelApproval(ctx, a, apprB.ID); return err },
			"ListApprovals": func(a *models.Actor) error {
				_, err := f.Store.ListApprovals(ctx, a, accB, models.ApprovalQuery{}, 10, "")
				return err
			},
			"SetApprovalSettings": func(a *models.Actor) error {
				_, err := f.Store.SetApprovalSettings(ctx, a, envB.ID, models.ApprovalSettings{ExpiryMinutes: 60})
				return err
			},
		}
		for _, who := range []struct {
			name string
			a    *models.Actor
		}{{"OwnerOfA", owner}, {"AdminTokenOfA", token}} {
			t.Run(who.name, func(t *testing.T) {
				for what, call := range cases {
					if got := models.CodeOf(call(who.a)); got != models.ENOTFOUND {
						t.Errorf("%s: code %q, want %q", what, got, models.ENOTFOUND)
					}
				}
			})
		}

		// Pointing A's things at B's is refused as well.
		t.Run("ErrCrossReferences", func(t *testing.T) {
			_, err := f.Store.UpdateWebhook(ctx, owner, hookA.ID, models.WebhookInput{EndpointIDs: []string{epB.ID}, SetEndpoints: true})
			wantField(t, err, models.EINVALID, "endpointIds")
			_, err = f.Store.UpdateWebhook(ctx, owner, hookA.ID, models.WebhookInput{FarmIDs: []string{farmB.ID}, SetFarms: true})
			wantField(t, err, models.EINVALID, "farmIds")
			_, err = f.Store.UpdateWebhook(ctx, owner, hookA.ID, models.WebhookInput{Events: []string{evB.Name}, SetEvents: true})
			wantField(t, err, models.EINVALID, "events")
			_, err = f.Store.UpdateAWSIntegration(ctx, owner, integA.ID, models.AWSIntegrationInput{ComponentID: &compB.ID})
			wantField(t, err, models.EINVALID, "componentId")
			_, err = f.Store.SetApprovalSettings(ctx, owner, envA.ID, models.ApprovalSettings{EndpointID: &apprEp.ID, OnTerminate: true, ExpiryMinutes: 60})
			wantField(t, err, models.EINVALID, "endpointId")
			_, err = f.Store.FireEvent(ctx, owner, models.FireEventRequest{Name: evB.Name, FarmID: f.MustFarm(t, envA.ID, "AFarm").ID})
			wantField(t, err, models.ENOTFOUND, "name")
			_, err = f.Store.ListIncidents(ctx, owner, accA, models.IncidentQuery{ComponentID: compB.ID}, 10, "")
			mustNoErr(t, err)
		})

		// A's listings show nothing of B.
		t.Run("OKListsAreScoped", func(t *testing.T) {
			p, err := f.Store.ListIncidents(ctx, owner, accA, models.IncidentQuery{}, 200, "")
			mustNoErr(t, err)
			for _, i := range p.Items {
				if i.AccountID != accA {
					t.Fatalf("incident of %s listed", i.AccountID)
				}
			}
			usable, err := f.Store.UsableEndpoints(ctx, owner, models.ScopeKey{Scope: models.ScopeEnvironment, ID: envA.ID})
			mustNoErr(t, err)
			for _, e := range usable {
				if deref(e.AccountID) == accB {
					t.Fatalf("B's shared endpoint %q usable in A", e.Name)
				}
			}
			defs, err := f.Store.EventCatalog(ctx, owner, accA, "")
			mustNoErr(t, err)
			for _, d := range defs {
				if d.Name == evB.Name {
					t.Fatal("B's custom event in A's catalog")
				}
			}
		})

		// And B is as it was.
		t.Run("OKNothingOfBChanged", func(t *testing.T) {
			c, err := f.Store.GetComponent(ctx, f.AdminActor, compB.ID)
			mustNoErr(t, err)
			wantEqual(t, "component name", c.Name, "B Component")
			inc, err := f.Store.GetIncident(ctx, f.AdminActor, incB.ID)
			mustNoErr(t, err)
			wantEqual(t, "incident", inc.Status, models.IncidentTriggered)
			wantEqual(t, "timeline", timelineKinds(f.MustTimeline(t, incB.ID)), []string{"opened"})
			in, err := f.Store.GetAWSIntegration(ctx, f.AdminActor, integB.ID)
			mustNoErr(t, err)
			wantEqual(t, "integration", in.Name+" "+in.TokenHash, integB.Name+" "+integB.TokenHash)
			fm, err := f.Store.GetFarm(ctx, f.AdminActor, farmB.ID)
			mustNoErr(t, err)
			wantEqual(t, "farm", string(fm.Status)+" "+fm.Name, "terminated BFarm")
			sv, err := f.Store.GetServer(ctx, f.AdminActor, serverB.ID)
			mustNoErr(t, err)
			wantEqual(t, "server", sv.Hostname, "b-1")
			ep, err := f.Store.GetEndpoint(ctx, f.AdminActor, epB.ID, models.RoleViewer)
			mustNoErr(t, err)
			wantEqual(t, "endpoint", ep.Name+" "+string(ep.SigningKeyEnc), epB.Name+" "+string(epB.SigningKeyEnc))
			h, err := f.Store.GetWebhook(ctx, f.AdminActor, hookB.ID, models.RoleViewer)
			mustNoErr(t, err)
			wantEqual(t, "webhook active", h.Active, true)
			wantEqual(t, "delivery", f.MustDelivery(t, delB.ID).Status, models.DeliveryFailed)
			a, err := f.Store.GetApproval(ctx, f.AdminActor, apprB.ID)
			mustNoErr(t, err)
			wantEqual(t, "approval", a.Status, models.ApprovalPending)
			vs, err := f.Store.ListVariables(ctx, f.AdminActor, scopeB)
			mustNoErr(t, err)
			if len(vs) != 1 || vs[0].Value != "b" {
				t.Fatalf("B's variables = %+v", vs)
			}
			env, err := f.Store.GetEnvironment(ctx, f.AdminActor, envB.ID)
			mustNoErr(t, err)
			wantEqual(t, "approval settings", deref(env.ApprovalEndpointID), apprEp.ID)
			wantEqual(t, "B's custom events", f.MustCount(t, "custom_events", "account_id = ?", accB), int64(1))
			wantEqual(t, "B's components", f.MustCount(t, "components", "account_id = ?", accB), int64(1))
			wantEqual(t, "B's farms", f.MustCount(t, "farms", "account_id = ?", accB), int64(2))
			wantEqual(t, "B's endpoints", f.MustCount(t, "endpoints", "account_id = ?", accB), int64(2))
			wantEqual(t, "B's webhooks", f.MustCount(t, "webhooks", "account_id = ?", accB), int64(1))
			wantEqual(t, "B's audit", f.MustCount(t, "audit_entries", "account_id = ?", accB), auditB)
			wantEqual(t, "B's events", f.MustCount(t, "events", "account_id = ?", accB), eventsB)
			wantEqual(t, "enqueued", len(f.Enq.Take()), 0)
			// The SNS edge for B's integration still works (tokens are not actors' business).
			res := f.MustIngest(t, in, notification(testTopic), newAlarm("b-cpu", cloudwatch.StateAlarm, f.Clock.Now()))
			wantEqual(t, "B ingestion", res.Outcome, models.OutcomeOpened)
		})
	})
}

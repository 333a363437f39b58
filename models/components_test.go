package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestComponents(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		statusOf := func(t *testing.T, id string) models.ComponentStatus {
			t.Helper()
			m, err := f.Store.ComponentStatuses(ctx, []string{id})
			mustNoErr(t, err)
			return m[id]
		}

		t.Run("OKCreate", func(t *testing.T) {
			name, desc, group := "  Billing API ", "charges cards", "Payments"
			c, err := f.Store.CreateComponent(ctx, f.AdminActor, acc, models.ComponentInput{Name: &name, Description: &desc, Group: &group})
			mustNoErr(t, err)
			if c.Name != "Billing API" || c.Description != desc || c.GroupName != group || c.AccountID != acc {
				t.Fatalf("component = %+v", c)
			}
			got, err := f.Store.GetComponent(ctx, f.AdminActor, c.ID)
			mustNoErr(t, err)
			wantEqual(t, "name", got.Name, "Billing API")
			wantEqual(t, "status", statusOf(t, c.ID), models.StatusOperational)
			if n := len(f.MustAudit(t, acc, "component.created")); n != 1 {
				t.Fatalf("%d component.created audit entries", n)
			}
		})

		t.Run("ErrNameTakenCaseInsensitive", func(t *testing.T) {
			f.MustComponent(t, acc, "Search")
			for _, n := range []string{"Search", "search", "SEARCH"} {
				_, err := f.Store.CreateComponent(ctx, f.AdminActor, acc, models.ComponentInput{Name: ptr(n)})
				wantField(t, err, models.ECONFLICT, "name")
			}
			other := f.MustComponent(t, acc, "Indexer")
			_, err := f.Store.UpdateComponent(ctx, f.AdminActor, other.ID, models.ComponentInput{Name: ptr("sEaRcH")})
			wantField(t, err, models.ECONFLICT, "name")
			// Another account may use the name.
			acc2 := f.MustAccount(t, "Components Two")
			f.MustComponent(t, acc2.ID, "search")
		})

		t.Run("ErrNameRequired", func(t *testing.T) {
			_, err := f.Store.CreateComponent(ctx, f.AdminActor, acc, models.ComponentInput{})
			wantField(t, err, models.EINVALID, "name")
			_, err = f.Store.CreateComponent(ctx, f.AdminActor, acc, models.ComponentInput{Name: ptr("   ")})
			wantField(t, err, models.EINVALID, "name")
		})

		t.Run("ErrRoleTooWeak", func(t *testing.T) {
			member, _ := f.MustMember(t, acc, "comp-member@example.com", models.RoleMember)
			_, err := f.Store.CreateComponent(ctx, member, acc, models.ComponentInput{Name: ptr("by member")})
			wantCode(t, err, models.EFORBIDDEN)
			c := f.MustComponent(t, acc, "Admin Only")
			_, err = f.Store.UpdateComponent(ctx, member, c.ID, models.ComponentInput{Name: ptr("renamed")})
			wantCode(t, err, models.EFORBIDDEN)
			wantCode(t, f.Store.DeleteComponent(ctx, member, c.ID), models.EFORBIDDEN)
			// Members see components.
			_, err = f.Store.GetComponent(ctx, member, c.ID)
			mustNoErr(t, err)
		})

		t.Run("OKDerivedStatus", func(t *testing.T) {
			c := f.MustComponent(t, acc, "Derived")
			wantEqual(t, "no incidents", statusOf(t, c.ID), models.StatusOperational)
			low := f.MustIncident(t, f.AdminActor, c.ID, "slow", models.SeverityLow)
			wantEqual(t, "low", statusOf(t, c.ID), models.StatusDegradedPerformance)
			medium := f.MustIncident(t, f.AdminActor, c.ID, "slower", models.SeverityMedium)
			wantEqual(t, "medium", statusOf(t, c.ID), models.StatusDegradedPerformance)
			high := f.MustIncident(t, f.AdminActor, c.ID, "errors", models.SeverityHigh)
			wantEqual(t, "high", statusOf(t, c.ID), models.StatusPartialOutage)
			crit := f.MustIncident(t, f.AdminActor, c.ID, "down", models.SeverityCritical)
			wantEqual(t, "critical", statusOf(t, c.ID), models.StatusMajorOutage)
			// Acknowledged is still open.
			_, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, crit.ID)
			mustNoErr(t, err)
			wantEqual(t, "critical acknowledged", statusOf(t, c.ID), models.StatusMajorOutage)
			// Resolving the worst falls back to the next worst open one.
			for _, step := range []struct {
				inc  *models.Incident
				want models.ComponentStatus
			}{
				{crit, models.StatusPartialOutage},
				{high, models.StatusDegradedPerformance},
				{low, models.StatusDegradedPerformance},
				{medium, models.StatusOperational},
			} {
				_, err := f.Store.ResolveIncident(ctx, f.AdminActor, step.inc.ID, "")
				mustNoErr(t, err)
				wantEqual(t, "after resolving "+step.inc.Title, statusOf(t, c.ID), step.want)
			}
			counts, err := f.Store.OpenIncidentCounts(ctx, []string{c.ID})
			mustNoErr(t, err)
			wantEqual(t, "open count", counts[c.ID], 0)
		})

		t.Run("OKStatusesOfManyComponents", func(t *testing.T) {
			a, b, quiet := f.MustComponent(t, acc, "Many A"), f.MustComponent(t, acc, "Many B"), f.MustComponent(t, acc, "Many Quiet")
			f.MustIncident(t, f.AdminActor, a.ID, "a1", models.SeverityHigh)
			f.MustIncident(t, f.AdminActor, a.ID, "a2", models.SeverityLow)
			f.MustIncident(t, f.AdminActor, b.ID, "b1", models.SeverityCritical)
			m, err := f.Store.ComponentStatuses(ctx, []string{a.ID, b.ID, quiet.ID})
			mustNoErr(t, err)
			wantEqual(t, "a", m[a.ID], models.StatusPartialOutage)
			wantEqual(t, "b", m[b.ID], models.StatusMajorOutage)
			wantEqual(t, "quiet", m[quiet.ID], models.StatusOperational)
		})

		t.Run("OKOverrideWinsAndClears", func(t *testing.T) {
			c := f.MustComponent(t, acc, "Overridden")
			f.MustIncident(t, f.AdminActor, c.ID, "down", models.SeverityCritical)
			maint := models.StatusUnderMaintenance
			u, err := f.Store.UpdateComponent(ctx, f.AdminActor, c.ID, models.ComponentInput{StatusOverride: &maint})
			mustNoErr(t, err)
			if u.StatusOverride == nil || *u.StatusOverride != maint {
				t.Fatalf("override = %v", u.StatusOverride)
			}
			wantEqual(t, "with override", statusOf(t, c.ID), models.StatusUnderMaintenance)
			// An override of "operational" also wins over a critical incident.
			op := models.StatusOperational
			_, err = f.Store.UpdateComponent(ctx, f.AdminActor, c.ID, models.ComponentInput{StatusOverride: &op})
			mustNoErr(t, err)
			wantEqual(t, "operational override", statusOf(t, c.ID), models.StatusOperational)
			u, err = f.Store.UpdateComponent(ctx, f.AdminActor, c.ID, models.ComponentInput{ClearOverride: true})
			mustNoErr(t, err)
			if u.StatusOverride != nil {
				t.Fatalf("override after clear = %v", *u.StatusOverride)
			}
			wantEqual(t, "cleared", statusOf(t, c.ID), models.StatusMajorOutage)
			got, err := f.Store.GetComponent(ctx, f.AdminActor, c.ID)
			mustNoErr(t, err)
			if got.StatusOverride != nil {
				t.Fatalf("stored override after clear = %v", *got.StatusOverride)
			}
			bad := models.ComponentStatus("on_fire")
			_, err = f.Store.UpdateComponent(ctx, f.AdminActor, c.ID, models.ComponentInput{StatusOverride: &bad})
			wantField(t, err, models.EINVALID, "statusOverride")
		})

		t.Run("ErrDeleteWhileMapped", func(t *testing.T) {
			c := f.MustComponent(t, acc, "Mapped")
			f.MustIntegration(t, acc, c.ID, "prod alarms")
			integ2, _ := f.MustIntegration(t, acc, c.ID, "staging alarms")
			err := f.Store.DeleteComponent(ctx, f.AdminActor, c.ID)
			wantCode(t, err, models.ECONFLICT)
			wantMessage(t, err, `"Mapped"`, `"prod alarms"`, `"staging alarms"`)
			mustNoErr(t, f.Store.DeleteAWSIntegration(ctx, f.AdminActor, integ2.ID))
			err = f.Store.DeleteComponent(ctx, f.AdminActor, c.ID)
			wantCode(t, err, models.ECONFLICT)
			wantMessage(t, err, `"prod alarms"`)
			if msg := models.ErrorMessage(err); strings.Contains(msg, "staging") {
				t.Fatalf("message %q names a deleted integration", msg)
			}
			_, err = f.Store.GetComponent(ctx, f.AdminActor, c.ID)
			mustNoErr(t, err)
		})

		t.Run("ErrDeleteWithOpenIncident", func(t *testing.T) {
			c := f.MustComponent(t, acc, "Burning")
			inc := f.MustIncident(t, f.AdminActor, c.ID, "fire", models.SeverityHigh)
			_, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, inc.ID)
			mustNoErr(t, err)
			err = f.Store.DeleteComponent(ctx, f.AdminActor, c.ID)
			wantCode(t, err, models.ECONFLICT)
			wantMessage(t, err, `"Burning"`, "1 open incident")
			_, err = f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, "out")
			mustNoErr(t, err)
			mustNoErr(t, f.Store.DeleteComponent(ctx, f.AdminActor, c.ID))
			_, err = f.Store.GetComponent(ctx, f.AdminActor, c.ID)
			wantCode(t, err, models.ENOTFOUND)
			_, err = f.Store.GetIncident(ctx, f.AdminActor, inc.ID)
			wantCode(t, err, models.ENOTFOUND)
			if n := f.MustCount(t, "incident_timeline", "incident_id = ?", inc.ID); n != 0 {
				t.Fatalf("%d timeline entries left", n)
			}
			if n := len(f.MustAudit(t, acc, "component.deleted")); n != 1 {
				t.Fatalf("%d component.deleted audit entries", n)
			}
		})

		// A deleted integration keeps its (resolved) incidents; deleting their component takes
		// both with it.
		t.Run("OKDeleteAfterIntegrationDeleted", func(t *testing.T) {
			c := f.MustComponent(t, acc, "Retired")
			integ, _ := f.MustIntegration(t, acc, c.ID, "retired alarms")
			t0 := f.Clock.Now().Add(-time.Hour)
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm("retired-cpu", cloudwatch.StateAlarm, t0))
			wantEqual(t, "outcome", res.Outcome, models.OutcomeOpened)
			integ, err := f.Store.GetAWSIntegration(ctx, f.AdminActor, integ.ID)
			mustNoErr(t, err)
			res = f.MustIngest(t, integ, notification(testTopic), newAlarm("retired-cpu", cloudwatch.StateOK, t0.Add(time.Minute)))
			wantEqual(t, "outcome", res.Outcome, models.OutcomeResolved)
			mustNoErr(t, f.Store.DeleteAWSIntegration(ctx, f.AdminActor, integ.ID))
			mustNoErr(t, f.Store.DeleteComponent(ctx, f.AdminActor, c.ID))
			if n := f.MustCount(t, "incidents", "component_id = ?", c.ID); n != 0 {
				t.Fatalf("%d incidents left", n)
			}
			if n := f.MustCount(t, "aws_integrations", "id = ?", integ.ID); n != 0 {
				t.Fatalf("deleted integration row left")
			}
		})

		// An integration remapped to another component, then deleted: its incidents on the first
		// component stay when the second is deleted.
		t.Run("OKDeleteAfterRemappedIntegrationDeleted", func(t *testing.T) {
			first, second := f.MustComponent(t, acc, "Remap From"), f.MustComponent(t, acc, "Remap To")
			integ, _ := f.MustIntegration(t, acc, first.ID, "remapped alarms")
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm("remap-cpu", cloudwatch.StateAlarm, f.Clock.Now().Add(-time.Hour)))
			wantEqual(t, "outcome", res.Outcome, models.OutcomeOpened)
			_, err := f.Store.UpdateAWSIntegration(ctx, f.AdminActor, integ.ID, models.AWSIntegrationInput{ComponentID: &second.ID})
			mustNoErr(t, err)
			mustNoErr(t, f.Store.DeleteAWSIntegration(ctx, f.AdminActor, integ.ID))
			mustNoErr(t, f.Store.DeleteComponent(ctx, f.AdminActor, second.ID))
			inc, err := f.Store.GetIncident(ctx, f.AdminActor, res.IncidentID)
			mustNoErr(t, err)
			if inc.ComponentID != first.ID || inc.Status != models.IncidentTriggered {
				t.Fatalf("incident on the first component = %+v", inc)
			}
		})
	})
}

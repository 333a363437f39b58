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

// TestApprovalEndpointGuards: approvals never switch themselves off because their endpoint went
// away.
func TestApprovalEndpointGuards(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newApprovalRig(t, f, "Guards", true, true)

		t.Run("ErrDeleteApprovalEndpoint", func(t *testing.T) {
			err := f.Store.DeleteEndpoint(ctx, f.AdminActor, r.ep.ID)
			wantCode(t, err, models.ECONFLICT)
			if !strings.Contains(models.ErrorMessage(err), "approved") {
				t.Fatalf("the refusal must name the environment: %v", err)
			}
			if _, err := f.Store.GetEndpoint(ctx, f.AdminActor, r.ep.ID, models.RoleViewer); err != nil {
				t.Fatalf("the endpoint is gone: %v", err)
			}
		})

		t.Run("ErrSwitchOnWithoutEndpoint", func(t *testing.T) {
			// As left by an endpoint deleted before the guard above existed.
			mustNoErr(t, db.Exec("UPDATE environments SET approval_endpoint_id = NULL WHERE id = ?", r.env.ID).Error)
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, f.AdminActor, farm.ID)
			wantCode(t, err, models.ECONFLICT)
			if st := r.status(t, farm.ID); st != models.FarmTerminated {
				t.Fatalf("a launch that nobody can approve must not proceed: %s", st)
			}
		})
	})
}

// TestTextWithNUL: NUL characters typed by users are refused with a clear error; NULs in text
// that arrives from AWS are made storable, so the alarm still opens its incident.
func TestTextWithNUL(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.MustAccount(t, "Nul").ID

		_, err := f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: models.ScopeKey{Scope: models.ScopeAccount, ID: acc}, Name: "X", Value: "a\x00b"})
		wantField(t, err, models.EINVALID, "value")
		_, err = f.Store.CreateComponent(ctx, f.AdminActor, acc, models.ComponentInput{Name: ptr("db"), Description: ptr("a\x00b")})
		wantField(t, err, models.EINVALID, "description")

		comp := f.MustComponent(t, acc, "API")
		integ, _ := f.MustIntegration(t, acc, comp.ID, "aws")
		alarm := newAlarm("cpu\x00high", cloudwatch.StateAlarm, time.Now().Add(-time.Minute))
		res := f.MustIngest(t, integ, notification("arn:aws:sns:us-east-1:123456789012:t"), alarm)
		if res.Outcome != models.OutcomeOpened {
			t.Fatalf("want the incident opened, got %+v", res)
		}
		inc, err := f.Store.GetIncident(ctx, f.AdminActor, res.IncidentID)
		mustNoErr(t, err)
		if inc.Title != "cpu\uFFFDhigh" {
			t.Fatalf("title %q", inc.Title)
		}
	})
}

// TestAlarmFieldsWithNUL: a NUL in any text an alarm carries (dimensions, metric math, the
// condition) is made storable too: the receipt's matching facts and the incident's alarm are
// JSON, which PostgreSQL refuses with a NUL, and SNS would retry the 5xx for ever.
func TestAlarmFieldsWithNUL(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := MustDomain(t, db)
		acc := f.MustAccount(t, "Nul").ID
		comp := f.MustComponent(t, acc, "API")
		integ, _ := f.MustIntegration(t, acc, comp.ID, "aws")
		alarm := newAlarm("cpu-high", cloudwatch.StateAlarm, time.Now().Add(-time.Minute))
		alarm.Metric.Dimensions = []cloudwatch.Dimension{{Name: "Instance\x00Id", Value: "i-1\x00"}}
		alarm.Metrics = []cloudwatch.MetricQuery{{ID: "m\x001", Expression: "a\x00b", Label: "l\x00", Stat: "Average\x00",
			Metric: &cloudwatch.Metric{Namespace: "AWS/\x00EC2", Name: "CPU\x00", Dimensions: []cloudwatch.Dimension{{Name: "x\x00", Value: "y\x00"}}}}}
		alarm.ThresholdMetricID, alarm.OldState = "t\x00", "OK\x00"
		alarm.Condition = &cloudwatch.Condition{Statistic: "AVERAGE\x00", ComparisonOperator: "Greater\x00", TreatMissingData: "missing\x00", Unit: "Percent\x00"}
		res := f.MustIngest(t, integ, notification("arn:aws:sns:us-east-1:123456789012:t"), alarm)
		if res.Outcome != models.OutcomeOpened {
			t.Fatalf("want the incident opened, got %+v", res)
		}
		if alarm.Metric.Dimensions[0].Value != "i-1\x00" || alarm.Condition.Statistic != "AVERAGE\x00" {
			t.Fatalf("the caller's alarm was changed: %+v", alarm)
		}
		ok := *alarm
		ok.NewState, ok.StateChangeTime = cloudwatch.StateOK, alarm.StateChangeTime.Add(time.Second)
		if res := f.MustIngest(t, integ, notification("arn:aws:sns:us-east-1:123456789012:t"), &ok); res.Outcome != models.OutcomeResolved {
			t.Fatalf("want the incident resolved, got %+v", res)
		}
	})
}

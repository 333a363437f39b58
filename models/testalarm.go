package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
)

// ReceiptTest is the detail of a test alarm's receipts: integration statistics count them apart.
const ReceiptTest = "test"

// TestAlarmResult is what a test alarm did.
type TestAlarmResult struct {
	Incident *Incident
	// Opened and Resolved are the outcomes of the ALARM and the OK.
	Opened, Resolved string
}

// SendTestAlarm runs a synthetic CloudWatch ALARM and then OK through the integration's own
// ingestion path (routing rules included): it opens and resolves a test incident, marked TEST
// and counted apart from real ones, that pages nobody and whose events are delivered only to
// endpointIDs (endpoints of the account). It pins no topic. Admins and owners.
func (s *Store) SendTestAlarm(ctx context.Context, a *Actor, integrationID string, endpointIDs []string) (*TestAlarmResult, error) {
	integ, err := s.GetAWSIntegration(ctx, a, integrationID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, integ.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	ids := []string{}
	for _, raw := range endpointIDs {
		// One spelling per endpoint (the database's): the delivery filter compares strings.
		u, err := uuid.Parse(raw)
		if err != nil {
			return nil, FieldError(EINVALID, "endpointIds", "choose endpoints of this account")
		}
		id := u.String()
		if seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) > 0 {
		var n int64
		if err := s.db.WithContext(ctx).Model(&Endpoint{}).Where("id IN ? AND account_id = ?", ids, integ.AccountID).Count(&n).Error; err != nil {
			return nil, err
		}
		if int(n) != len(ids) {
			return nil, FieldError(EINVALID, "endpointIds", "choose endpoints of this account")
		}
	}
	region := "us-east-1"
	if parts := strings.Split(integ.TopicArn, ":"); len(parts) > 3 && parts[3] != "" {
		region = parts[3]
	}
	run := newID()
	name := "switchboard-test-alarm-" + run[len(run)-8:]
	at := s.now().UTC().Truncate(time.Millisecond)
	alarm := &cloudwatch.Alarm{
		Name: name, Description: "A test alarm sent from Switchboard by " + a.Label(), AccountID: "000000000000",
		ARN:    fmt.Sprintf("arn:aws:cloudwatch:%s:000000000000:alarm:%s", region, name),
		Region: region, RegionName: region, NewState: cloudwatch.StateAlarm, OldState: cloudwatch.StateOK,
		Reason:          "Test alarm: Switchboard checks this integration end to end.",
		StateChangeTime: at, Kind: cloudwatch.KindMetric,
		Metric: &cloudwatch.Metric{Namespace: "Switchboard/Test", Name: "TestAlarm"},
	}
	opts := ingestOpts{test: true, endpoints: ids}
	msg := func() SNSMessage {
		return SNSMessage{ID: "test-" + newID(), Type: "Notification", TopicArn: integ.TopicArn}
	}
	opened, err := s.ingestNotification(ctx, integ, msg(), alarm, "", opts)
	if err != nil {
		return nil, err
	}
	ok := *alarm
	ok.NewState, ok.OldState, ok.Reason, ok.StateChangeTime = cloudwatch.StateOK, cloudwatch.StateAlarm, "Test alarm: back to OK.", at.Add(time.Second)
	resolved, err := s.ingestNotification(ctx, integ, msg(), &ok, "", opts)
	if err != nil {
		return nil, err
	}
	// The synthetic alarm's state has served its purpose.
	if err := s.db.WithContext(ctx).Exec("DELETE FROM alarm_states WHERE integration_id = ? AND alarm_key = ?", integ.ID, alarm.Key()).Error; err != nil {
		return nil, err
	}
	if err := s.db.Tx(ctx, func(tx *Tx) error {
		return s.audit(tx, a, integ.AccountID, "aws_integration.test_alarm", "aws_integration", integ.ID,
			fmt.Sprintf("%s sent a test alarm through AWS integration %q (%d endpoint(s) ticked)", a.Label(), integ.Name, len(ids)))
	}); err != nil {
		return nil, err
	}
	res := &TestAlarmResult{Opened: opened.Outcome, Resolved: resolved.Outcome}
	if opened.IncidentID != "" {
		if res.Incident, err = s.GetIncident(ctx, a, opened.IncidentID); err != nil {
			return nil, err
		}
	}
	return res, nil
}

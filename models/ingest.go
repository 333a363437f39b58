package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/routing"
)

// SNSMessage is what the ingestion transactions need of a verified SNS message.
type SNSMessage struct {
	ID       string
	Type     string
	TopicArn string
}

// IngestResult says what an accepted message did.
type IngestResult struct {
	Outcome    string
	IncidentID string
}

// errDuplicateReceipt rolls back the transaction of a message whose receipt already exists.
var errDuplicateReceipt = errors.New("duplicate SNS message")

// snsActor credits changes made by an integration in timelines and the audit log.
func snsActor(integ *AWSIntegration) *Actor {
	return &Actor{System: true, UserName: "AWS integration " + integ.Name}
}

// receipt inserts the message's receipt in tx. ok is false when the MessageId was seen before:
// the primary key decides, so concurrent copies of one message produce one effect.
func (s *Store) receipt(tx *Tx, integ *AWSIntegration, m SNSMessage, outcome, detail string) (bool, error) {
	return s.alarmReceipt(tx, integ, m, outcome, detail, nil)
}

// alarmReceipt is receipt for a message that carried an alarm: it also names the alarm, the
// incident and rule it led to, and keeps the alarm's matching facts.
func (s *Store) alarmReceipt(tx *Tx, integ *AWSIntegration, m SNSMessage, outcome, detail string, ap *alarmApplied) (bool, error) {
	var name string
	var incID, routeID, facts *string
	if ap != nil {
		name, facts = ap.alarmName, &ap.facts
		if ap.incidentID != "" {
			incID = &ap.incidentID
		}
		if ap.route != nil {
			routeID = &ap.route.ID
		}
	}
	res := tx.Exec(`INSERT INTO sns_receipts (integration_id, message_id, type, outcome, detail, received_at, alarm_name, incident_id, route_id, facts)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (integration_id, message_id) DO NOTHING`,
		integ.ID, m.ID, m.Type, outcome, detail, s.now(), name, incID, routeID, facts)
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}

// pinTopic pins the integration to topicArn if it is not pinned yet. Pinning to the expected
// topic only is enforced by the caller before any effect.
func (s *Store) pinTopic(tx *Tx, integ *AWSIntegration, topicArn string) error {
	if integ.TopicArn != "" {
		return nil
	}
	res := tx.Model(&AWSIntegration{}).Where("id = ? AND topic_arn = ''", integ.ID).Updates(map[string]any{"topic_arn": topicArn, "updated_at": s.now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		// Another message pinned it meanwhile: it must be the same topic.
		var cur AWSIntegration
		if err := tx.Select("topic_arn").Where("id = ?", integ.ID).Take(&cur).Error; err != nil {
			return err
		}
		if cur.TopicArn != topicArn {
			return Errorf(EFORBIDDEN, "the integration is pinned to another topic")
		}
	}
	return nil
}

// PinTopic pins an unpinned integration to topicArn, atomically (a conditional update: "pin if
// unpinned or already this topic"), and refuses with EFORBIDDEN when another topic holds the
// pin. A SubscriptionConfirmation decides the pin with it before its SubscribeURL is fetched, so
// of two concurrent confirmations of different topics only the winner confirms at AWS.
func (s *Store) PinTopic(ctx context.Context, integ *AWSIntegration, topicArn string) error {
	if topicArn == "" {
		return FieldError(EINVALID, "topicArn", "a topic ARN is required")
	}
	if integ.TopicArn != "" {
		if integ.TopicArn != topicArn {
			return Errorf(EFORBIDDEN, "the integration is pinned to another topic")
		}
		return nil
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := s.pinTopic(tx, integ, topicArn); err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return nil
	})
}

// UnpinTopic undoes PinTopic after the SubscribeURL fetch failed: the pin is released only if it
// is still topicArn and no confirmation was recorded (a conditional update), so a pin that a
// confirmation has since completed stays, and the right topic can confirm instead of a topic
// AWS never confirmed holding the integration until its URL is rotated.
func (s *Store) UnpinTopic(ctx context.Context, integ *AWSIntegration, topicArn string) error {
	if integ.TopicArn != "" || topicArn == "" {
		return nil // pinned before this confirmation: not this confirmation's pin to undo
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		res := tx.Model(&AWSIntegration{}).Where("id = ? AND topic_arn = ? AND confirmed_at IS NULL", integ.ID, topicArn).
			Updates(map[string]any{"topic_arn": "", "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		}
		return nil
	})
}

// IngestSubscriptionConfirmation records a confirmed subscription (the caller has already
// pinned the topic with PinTopic and fetched the SubscribeURL): pins the topic and stores the subscription ARN.
func (s *Store) IngestSubscriptionConfirmation(ctx context.Context, integ *AWSIntegration, m SNSMessage, subscriptionArn string) (*IngestResult, error) {
	res := &IngestResult{Outcome: OutcomeConfirmed}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		fresh, err := s.receipt(tx, integ, m, OutcomeConfirmed, "")
		if err != nil || !fresh {
			res.Outcome = OutcomeDuplicate
			return err
		}
		if err := s.pinTopic(tx, integ, m.TopicArn); err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Updates(map[string]any{
			"subscription_arn": subscriptionArn, "confirmed_at": now, "unsubscribed_at": nil, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, snsActor(integ), integ.AccountID, "aws_integration.confirmed", "aws_integration", integ.ID,
			fmt.Sprintf("SNS subscription of %q to %s confirmed", integ.Name, m.TopicArn))
	})
	return res, err
}

// IngestUnsubscribeConfirmation records that the topic unsubscribed the integration.
func (s *Store) IngestUnsubscribeConfirmation(ctx context.Context, integ *AWSIntegration, m SNSMessage) (*IngestResult, error) {
	res := &IngestResult{Outcome: OutcomeUnsubscribed}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		fresh, err := s.receipt(tx, integ, m, OutcomeUnsubscribed, "")
		if err != nil || !fresh {
			res.Outcome = OutcomeDuplicate
			return err
		}
		now := s.now()
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Updates(map[string]any{"unsubscribed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, snsActor(integ), integ.AccountID, "aws_integration.unsubscribed", "aws_integration", integ.ID,
			fmt.Sprintf("SNS topic %s unsubscribed %q", m.TopicArn, integ.Name))
	})
	return res, err
}

// IngestNotification applies one verified Notification. alarm is nil when the message is not a
// CloudWatch alarm (recorded as ignored, with why in detail).
//
// The decision uses the new state and whether an incident is open for the alarm, never the
// old state alone, and transitions older than the last applied one are dropped: SNS does not
// guarantee order.
func (s *Store) IngestNotification(ctx context.Context, integ *AWSIntegration, m SNSMessage, alarm *cloudwatch.Alarm, ignoredWhy string) (*IngestResult, error) {
	return s.ingestNotification(ctx, integ, m, alarm, ignoredWhy, ingestOpts{})
}

// ingestOpts vary ingestion for test alarms.
type ingestOpts struct {
	// test: the alarm is synthetic (SendTestAlarm): it pins no topic, its incident is a test
	// incident whose events reach only endpoints, and its receipt says "test".
	test      bool
	endpoints []string
}

func (s *Store) ingestNotification(ctx context.Context, integ *AWSIntegration, m SNSMessage, alarm *cloudwatch.Alarm, ignoredWhy string, opts ingestOpts) (*IngestResult, error) {
	var res *IngestResult
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		res, err = s.applyNotification(tx, integ, m, alarm, ignoredWhy, opts)
		return err
	})
	if errors.Is(err, errDuplicateReceipt) {
		return &IngestResult{Outcome: OutcomeDuplicate}, nil
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// applyNotification applies one notification in tx: the work of one message, alone in its
// transaction (ingestNotification) or under a savepoint of a group (IngestNotifications). A
// copy of a message already applied fails with errDuplicateReceipt, after which tx (or the
// savepoint) must be rolled back.
func (s *Store) applyNotification(tx *Tx, integ *AWSIntegration, m SNSMessage, alarm *cloudwatch.Alarm, ignoredWhy string, opts ingestOpts) (*IngestResult, error) {
	// Alarm text comes from AWS users' alarm definitions: make it storable, so a NUL in an alarm
	// name cannot turn into a 5xx that SNS retries for ever.
	ignoredWhy = sanitizeText(ignoredWhy)
	if alarm == nil {
		fresh, err := s.receipt(tx, integ, m, OutcomeIgnored, ignoredWhy)
		if err != nil {
			return nil, err
		}
		if !fresh {
			return &IngestResult{Outcome: OutcomeDuplicate}, nil
		}
		return &IngestResult{Outcome: OutcomeIgnored}, nil
	}
	alarm = sanitizeAlarm(alarm)
	if !opts.test {
		if err := s.pinTopic(tx, integ, m.TopicArn); err != nil {
			return nil, err
		}
	}
	ap, err := s.applyAlarm(tx, integ, alarm, opts)
	if err != nil {
		return nil, err
	}
	// The receipt is written last, with its outcome. A copy of an already-applied message
	// has made no change by now: the alarm-state upsert waited for the first copy's row
	// lock and found its transition not newer. Its receipt then conflicts, and rolling
	// back keeps even that in doubt case free of effects.
	detail := ""
	if opts.test {
		detail = ReceiptTest
	}
	fresh, err := s.alarmReceipt(tx, integ, m, ap.outcome, detail, ap)
	if err != nil {
		return nil, err
	}
	if !fresh {
		return nil, errDuplicateReceipt
	}
	return &IngestResult{Outcome: ap.outcome, IncidentID: ap.incidentID}, nil
}

// sanitizeAlarm returns a copy of alarm whose every text is storable: the incident's alarm
// and the receipt's facts are JSON, which PostgreSQL refuses with a NUL in it.
func sanitizeAlarm(alarm *cloudwatch.Alarm) *cloudwatch.Alarm {
	a := *alarm
	for _, f := range []*string{&a.Name, &a.Description, &a.Reason, &a.Rule, &a.ARN, &a.AccountID, &a.RegionName, &a.Region, &a.ThresholdMetricID} {
		*f = sanitizeText(*f)
	}
	a.OldState = cloudwatch.State(sanitizeText(string(a.OldState)))
	metric := func(m *cloudwatch.Metric) *cloudwatch.Metric {
		if m == nil {
			return nil
		}
		c := *m
		c.Namespace, c.Name = sanitizeText(c.Namespace), sanitizeText(c.Name)
		c.Dimensions = make([]cloudwatch.Dimension, len(m.Dimensions))
		for i, d := range m.Dimensions {
			c.Dimensions[i] = cloudwatch.Dimension{Name: sanitizeText(d.Name), Value: sanitizeText(d.Value)}
		}
		return &c
	}
	a.Metric = metric(alarm.Metric)
	if alarm.Metrics != nil {
		a.Metrics = make([]cloudwatch.MetricQuery, len(alarm.Metrics))
		for i, q := range alarm.Metrics {
			q.ID, q.Expression, q.Label, q.Stat = sanitizeText(q.ID), sanitizeText(q.Expression), sanitizeText(q.Label), sanitizeText(q.Stat)
			q.Metric = metric(q.Metric)
			a.Metrics[i] = q
		}
	}
	if alarm.Condition != nil {
		c := *alarm.Condition
		for _, f := range []*string{&c.Statistic, &c.ComparisonOperator, &c.TreatMissingData, &c.Unit} {
			*f = sanitizeText(*f)
		}
		a.Condition = &c
	}
	return &a
}

// componentIn reads a component in tx, once per group of notifications (readMemo: no
// component row is written before the group's status pass, which runs after its last
// notification). Each caller gets its own copy.
func componentIn(tx *Tx, id string) (*Component, error) {
	c, err := memoized(tx.reads, "component:"+id, func() (Component, error) {
		var c Component
		err := tx.Where("id = ?", id).Take(&c).Error
		return c, err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// alarmApplied is what applying one alarm did.
type alarmApplied struct {
	outcome    string
	incidentID string
	alarmName  string
	facts      string // JSON of routing.Facts
	route      *IntegrationRoute
}

func (s *Store) applyAlarm(tx *Tx, integ *AWSIntegration, alarm *cloudwatch.Alarm, opts ingestOpts) (*alarmApplied, error) {
	key := alarm.Key()
	now := s.now()
	changed := alarm.StateChangeTime.UTC()
	facts := routing.FactsOf(alarm)
	fjs, err := json.Marshal(facts)
	if err != nil {
		return nil, err
	}
	ap := &alarmApplied{alarmName: alarm.Name, facts: string(fjs)}
	// One conditional upsert records the transition only if it is newer than the last applied
	// one. It also takes the row lock, so every message of one alarm takes turns here: an
	// ALARM and an OK arriving together cannot both act on a stale view. No row changed means
	// an older (or the same) transition arrived late.
	res := tx.Exec(`INSERT INTO alarm_states (integration_id, alarm_key, state, state_change_time, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (integration_id, alarm_key) DO UPDATE
		SET state = excluded.state, state_change_time = excluded.state_change_time, updated_at = excluded.updated_at
		WHERE alarm_states.state_change_time < excluded.state_change_time`,
		integ.ID, key, string(alarm.NewState), changed, now)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		ap.outcome = OutcomeOutOfOrder
		return ap, nil
	}

	var open Incident
	err = tx.Where("integration_id = ? AND source_key = ? AND status <> ?", integ.ID, key, IncidentResolved).Take(&open).Error
	hasOpen := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	actor := snsActor(integ)
	switch alarm.NewState {
	case cloudwatch.StateAlarm:
		if hasOpen {
			ap.outcome, ap.incidentID = OutcomeNoChange, open.ID
			return ap, nil
		}
		// The first routing rule the alarm matches decides component and severity; none
		// matching leaves the integration's own.
		route, err := s.routeFor(tx, integ, &facts)
		if err != nil {
			return nil, err
		}
		componentID, severity := integ.ComponentID, integ.DefaultSeverity
		if route != nil {
			ap.route, componentID = route, route.ComponentID
			if route.Severity != nil {
				severity = *route.Severity
			}
		}
		comp, err := componentIn(tx, componentID)
		if err != nil {
			return nil, err
		}
		details, err := json.Marshal(alarm)
		if err != nil {
			return nil, err
		}
		js, integID := string(details), integ.ID
		inc, err := s.openIncident(tx, actor, comp, openSpec{
			title: alarm.Name, severity: severity, source: SourceCloudWatch,
			sourceKey: &key, integrationID: &integID, alarm: &js, body: alarm.Reason, at: changed, route: route,
			test: opts.test, testEndpoints: opts.endpoints,
		})
		if err != nil {
			return nil, err
		}
		ap.outcome, ap.incidentID = OutcomeOpened, inc.ID
		return ap, nil
	case cloudwatch.StateOK:
		if !hasOpen {
			ap.outcome = OutcomeNoChange
			return ap, nil
		}
		comp, err := componentIn(tx, open.ComponentID)
		if err != nil {
			return nil, err
		}
		if _, err := s.resolveIncident(tx, actor, &open, comp, alarm.Reason); err != nil {
			return nil, err
		}
		ap.outcome, ap.incidentID = OutcomeResolved, open.ID
		return ap, nil
	}
	ap.outcome = OutcomeNoChange
	return ap, nil
}

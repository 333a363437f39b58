package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// openIncidents returns the open incidents of an alarm of an integration.
func (f *domainFixture) openIncidents(tb testing.TB, integID, alarmKey string) int64 {
	tb.Helper()
	return f.MustCount(tb, "incidents", "integration_id = ? AND source_key = ? AND status <> 'resolved'", integID, alarmKey)
}

func TestIngest_StateTable(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "Database")
		crit := models.SeverityCritical
		name := "db alarms"
		integ, token, err := f.Store.CreateAWSIntegration(ctx, f.AdminActor, models.AWSIntegrationInput{AccountID: acc, Name: &name, ComponentID: &comp.ID, DefaultSeverity: &crit})
		mustNoErr(t, err)
		// CloudWatch stamps transitions in milliseconds.
		base := f.Clock.Now().Add(-time.Hour).Truncate(time.Millisecond)
		at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
		outcomes := map[string]int{}
		ingest := func(t *testing.T, state cloudwatch.State, i int, wantOutcome string) *models.IngestResult {
			t.Helper()
			f.Clock.Advance(time.Second)
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm("db-cpu", state, at(i)))
			outcomes[res.Outcome]++
			wantEqual(t, fmt.Sprintf("outcome of %s at %d", state, i), res.Outcome, wantOutcome)
			return res
		}
		key := newAlarm("db-cpu", cloudwatch.StateOK, base).Key()

		t.Run("OKStateTable", func(t *testing.T) {
			// OK with nothing open: nothing.
			ingest(t, cloudwatch.StateOK, 0, models.OutcomeNoChange)
			wantEqual(t, "open", f.openIncidents(t, integ.ID, key), int64(0))
			// The first notification pinned the topic.
			got, err := f.Store.IntegrationByToken(ctx, token)
			mustNoErr(t, err)
			wantEqual(t, "pinned topic", got.TopicArn, testTopic)
			integ = got

			// OK → ALARM opens an incident on the mapped component.
			opened := ingest(t, cloudwatch.StateAlarm, 1, models.OutcomeOpened)
			inc, err := f.Store.GetIncident(ctx, f.AdminActor, opened.IncidentID)
			mustNoErr(t, err)
			if inc.ComponentID != comp.ID || inc.Source != models.SourceCloudWatch || deref(inc.SourceKey) != key ||
				deref(inc.IntegrationID) != integ.ID || inc.Severity != models.SeverityCritical || inc.Title != "db-cpu" ||
				!inc.OpenedAt.Equal(at(1)) || inc.OpenedBy != "AWS integration db alarms" || inc.Alarm == nil {
				t.Fatalf("incident = %+v", inc)
			}
			tl := f.MustTimeline(t, inc.ID)
			if len(tl) != 1 || tl[0].Kind != "opened" || !strings.Contains(tl[0].Body, "Threshold crossed") {
				t.Fatalf("timeline = %+v", tl)
			}
			evs := f.MustEvents(t, "incident_id = ?", inc.ID)
			wantEqual(t, "events", eventNames(evs), []string{models.EventIncidentOpened})
			wantEqual(t, "alarm ARN variable", mustVars(t, &evs[0]).Builtin["SCALR_INCIDENT_ALARM_ARN"], key)

			// ALARM while open: deduplicated, names the open incident.
			again := ingest(t, cloudwatch.StateAlarm, 2, models.OutcomeNoChange)
			wantEqual(t, "incident of repeated ALARM", again.IncidentID, inc.ID)
			// INSUFFICIENT_DATA: nothing, the incident stays open.
			ingest(t, cloudwatch.StateInsufficientData, 3, models.OutcomeNoChange)
			wantEqual(t, "open after INSUFFICIENT_DATA", f.openIncidents(t, integ.ID, key), int64(1))
			// OK resolves.
			resolved := ingest(t, cloudwatch.StateOK, 4, models.OutcomeResolved)
			wantEqual(t, "resolved incident", resolved.IncidentID, inc.ID)
			inc, err = f.Store.GetIncident(ctx, f.AdminActor, inc.ID)
			mustNoErr(t, err)
			if inc.Status != models.IncidentResolved || deref(inc.ResolvedBy) != "AWS integration db alarms" {
				t.Fatalf("after OK: %+v", inc)
			}
			wantEqual(t, "events", eventNames(f.MustEvents(t, "incident_id = ?", inc.ID)), []string{models.EventIncidentOpened, models.EventIncidentResolved})
			// OK while closed: nothing.
			ingest(t, cloudwatch.StateOK, 5, models.OutcomeNoChange)
			// INSUFFICIENT_DATA → ALARM opens a new incident.
			ingest(t, cloudwatch.StateInsufficientData, 6, models.OutcomeNoChange)
			wantEqual(t, "open after INSUFFICIENT_DATA while closed", f.openIncidents(t, integ.ID, key), int64(0))
			second := ingest(t, cloudwatch.StateAlarm, 7, models.OutcomeOpened)
			if second.IncidentID == inc.ID {
				t.Fatal("ALARM after resolution reused the resolved incident")
			}
			wantEqual(t, "incidents of the alarm", f.MustCount(t, "incidents", "source_key = ?", key), int64(2))
		})

		t.Run("OKOutOfOrderIgnored", func(t *testing.T) {
			// The last applied transition is ALARM at 7; an OK stamped earlier arrives late.
			ingest(t, cloudwatch.StateOK, 6, models.OutcomeOutOfOrder)
			ingest(t, cloudwatch.StateOK, 7, models.OutcomeOutOfOrder) // same time is not newer
			wantEqual(t, "still open", f.openIncidents(t, integ.ID, key), int64(1))
			ingest(t, cloudwatch.StateOK, 9, models.OutcomeResolved)
			// An ALARM from before the resolution must not reopen.
			ingest(t, cloudwatch.StateAlarm, 8, models.OutcomeOutOfOrder)
			wantEqual(t, "open after late ALARM", f.openIncidents(t, integ.ID, key), int64(0))
			// Other alarms of the integration keep their own order.
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm("db-disk", cloudwatch.StateAlarm, at(2)))
			outcomes[res.Outcome]++
			wantEqual(t, "other alarm", res.Outcome, models.OutcomeOpened)
		})

		t.Run("OKDuplicateMessageID", func(t *testing.T) {
			f.Clock.Advance(time.Second)
			m := notification(testTopic)
			a := newAlarm("db-dup", cloudwatch.StateAlarm, at(10))
			res := f.MustIngest(t, integ, m, a)
			outcomes[res.Outcome]++
			wantEqual(t, "first", res.Outcome, models.OutcomeOpened)
			incidents := f.MustCount(t, "incidents", "")
			events := f.MustCount(t, "events", "")
			// The same MessageId again, even carrying another state, changes nothing.
			for _, st := range []cloudwatch.State{cloudwatch.StateAlarm, cloudwatch.StateOK} {
				res = f.MustIngest(t, integ, m, newAlarm("db-dup", st, at(11)))
				wantEqual(t, "duplicate", res.Outcome, models.OutcomeDuplicate)
			}
			wantEqual(t, "incidents", f.MustCount(t, "incidents", ""), incidents)
			wantEqual(t, "events", f.MustCount(t, "events", ""), events)
			wantEqual(t, "open", f.openIncidents(t, integ.ID, a.Key()), int64(1))
			var r models.SNSReceipt
			mustNoErr(t, f.DB.Where("integration_id = ? AND message_id = ?", integ.ID, m.ID).Take(&r).Error)
			wantEqual(t, "receipt outcome", r.Outcome, models.OutcomeOpened)
		})

		t.Run("OKIgnoredNotAlarm", func(t *testing.T) {
			f.Clock.Advance(time.Second)
			m := notification(testTopic)
			res, err := f.Store.IngestNotification(ctx, integ, m, nil, "not a CloudWatch alarm: no AlarmName")
			mustNoErr(t, err)
			wantEqual(t, "outcome", res.Outcome, models.OutcomeIgnored)
			outcomes[res.Outcome]++
			res, err = f.Store.IngestNotification(ctx, integ, m, nil, "again")
			mustNoErr(t, err)
			wantEqual(t, "outcome", res.Outcome, models.OutcomeDuplicate)
			var r models.SNSReceipt
			mustNoErr(t, f.DB.Where("integration_id = ? AND message_id = ?", integ.ID, m.ID).Take(&r).Error)
			if r.Outcome != models.OutcomeIgnored || !strings.Contains(r.Detail, "no AlarmName") {
				t.Fatalf("receipt = %+v", r)
			}
		})

		t.Run("OKStatsByOutcome", func(t *testing.T) {
			st, err := f.Store.IntegrationStats(ctx, integ.ID)
			mustNoErr(t, err)
			delete(outcomes, models.OutcomeDuplicate) // duplicates leave no receipt of their own
			wantEqual(t, "by outcome", st.ByOutcome, outcomes)
			if st.LastMessageAt == nil || st.LastOutcome != models.OutcomeIgnored {
				t.Fatalf("last = %v %q", st.LastMessageAt, st.LastOutcome)
			}
			recent, err := f.Store.RecentReceipts(ctx, integ.ID, 3)
			mustNoErr(t, err)
			wantEqual(t, "recent receipts", len(recent), 3)
		})
	})
}

func TestIngest_Concurrency(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "Concurrent")
		integ, _ := f.MustIntegration(t, acc, comp.ID, "busy")
		base := f.Clock.Now().Add(-time.Hour)

		t.Run("OKSameMessage50Times", func(t *testing.T) {
			m := notification(testTopic)
			a := newAlarm("same-message", cloudwatch.StateAlarm, base)
			const n = 50
			results := make([]*models.IngestResult, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					// Each copy arrives as the edge loaded the integration: not yet pinned.
					results[i], errs[i] = f.Store.IngestNotification(context.Background(), integ, m, a, "")
				}()
			}
			close(start)
			wg.Wait()
			count := map[string]int{}
			for i := range n {
				mustNoErr(t, errs[i])
				count[results[i].Outcome]++
			}
			wantEqual(t, "outcomes", count, map[string]int{models.OutcomeOpened: 1, models.OutcomeDuplicate: n - 1})
			wantEqual(t, "incidents", f.MustCount(t, "incidents", "source_key = ?", a.Key()), int64(1))
			wantEqual(t, "receipts", f.MustCount(t, "sns_receipts", "message_id = ?", m.ID), int64(1))
			wantEqual(t, "events", f.MustCount(t, "events", "name = ?", models.EventIncidentOpened), int64(1))
		})

		// An ALARM and an OK of one alarm at once: whichever runs first, the newer transition
		// decides, and the state is one the table allows.
		t.Run("OKConcurrentAlarmAndOK", func(t *testing.T) {
			for round := range 16 {
				name := fmt.Sprintf("flap-%02d", round)
				alarmAt, okAt := base.Add(time.Minute), base.Add(2*time.Minute)
				okWins := round%2 == 0 // the OK is the newer transition
				if !okWins {
					alarmAt, okAt = okAt, alarmAt
				}
				// The alarm is known already, so only the row lock orders the two.
				f.MustIngest(t, integ, notification(testTopic), newAlarm(name, cloudwatch.StateInsufficientData, base))
				msgs := []struct {
					m models.SNSMessage
					a *cloudwatch.Alarm
				}{
					{notification(testTopic), newAlarm(name, cloudwatch.StateAlarm, alarmAt)},
					{notification(testTopic), newAlarm(name, cloudwatch.StateOK, okAt)},
				}
				res := make([]*models.IngestResult, 2)
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i := range msgs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res[i], errs[i] = f.Store.IngestNotification(context.Background(), integ, msgs[i].m, msgs[i].a, "")
					}()
				}
				wg.Wait()
				mustNoErr(t, errs[0])
				mustNoErr(t, errs[1])
				key := msgs[0].a.Key()
				open := f.openIncidents(t, integ.ID, key)
				total := f.MustCount(t, "incidents", "source_key = ?", key)
				got := res[0].Outcome + "," + res[1].Outcome
				if okWins {
					// ALARM first: opened then resolved. OK first: nothing, then the older
					// ALARM is out of order.
					if open != 0 || !(got == "opened,resolved" && total == 1 || got == "out_of_order,no_change" && total == 0) {
						t.Fatalf("round %d: outcomes %s, %d open of %d", round, got, open, total)
					}
				} else {
					// The ALARM is newer: it must end open, whatever the order.
					if open != 1 || total != 1 || !(got == "opened,out_of_order" || got == "opened,no_change") {
						t.Fatalf("round %d: outcomes %s, %d open of %d", round, got, open, total)
					}
				}
				var st struct {
					State string
				}
				mustNoErr(t, f.DB.Raw("SELECT state FROM alarm_states WHERE integration_id = ? AND alarm_key = ?", integ.ID, key).Scan(&st).Error)
				want := "OK"
				if !okWins {
					want = "ALARM"
				}
				wantEqual(t, fmt.Sprintf("round %d last applied state", round), st.State, want)
			}
		})

		t.Run("OKConcurrentAlarmsOneIncident", func(t *testing.T) {
			const n = 10
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := newAlarm("storm", cloudwatch.StateAlarm, base.Add(time.Duration(i)*time.Second))
					_, errs[i] = f.Store.IngestNotification(context.Background(), integ, notification(testTopic), a, "")
				}()
			}
			wg.Wait()
			for _, err := range errs {
				mustNoErr(t, err)
			}
			key := newAlarm("storm", cloudwatch.StateAlarm, base).Key()
			wantEqual(t, "incidents", f.MustCount(t, "incidents", "source_key = ?", key), int64(1))
		})
	})
}

func TestIntegrations(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "Edge")
		at := f.Clock.Now().Add(-time.Hour)

		t.Run("OKCreateStoresOnlyTheHash", func(t *testing.T) {
			integ, token := f.MustIntegration(t, acc, comp.ID, "hashed")
			if !strings.HasPrefix(token, models.IntegrationTokenPrefix) || len(token) < 40 {
				t.Fatalf("token %q", token)
			}
			wantEqual(t, "prefix", integ.TokenPrefix, token[:10])
			wantEqual(t, "default severity", integ.DefaultSeverity, models.SeverityHigh)
			wantEqual(t, "state", integ.State(), models.IntegrationPending)
			if n := f.MustCount(t, "aws_integrations", "token_hash = ? OR token_hash LIKE ?", token, "%"+token[10:]+"%"); n != 0 {
				t.Fatal("the token is stored")
			}
			got, err := f.Store.IntegrationByToken(ctx, token)
			mustNoErr(t, err)
			wantEqual(t, "by token", got.ID, integ.ID)
			for _, bad := range []string{"", "sbi_nope", token[4:], token + "x"} {
				_, err := f.Store.IntegrationByToken(ctx, bad)
				wantCode(t, err, models.ENOTFOUND)
			}
		})

		t.Run("ErrInvalidInput", func(t *testing.T) {
			n := "bad"
			_, _, err := f.Store.CreateAWSIntegration(ctx, f.AdminActor, models.AWSIntegrationInput{AccountID: acc, Name: &n})
			wantField(t, err, models.EINVALID, "componentId")
			bogus := "00000000-0000-7000-8000-000000000000"
			_, _, err = f.Store.CreateAWSIntegration(ctx, f.AdminActor, models.AWSIntegrationInput{AccountID: acc, Name: &n, ComponentID: &bogus})
			wantField(t, err, models.EINVALID, "componentId")
			topic := "arn:aws:sqs:us-east-1:123456789012:queue"
			_, _, err = f.Store.CreateAWSIntegration(ctx, f.AdminActor, models.AWSIntegrationInput{AccountID: acc, Name: &n, ComponentID: &comp.ID, ExpectedTopicArn: &topic})
			wantField(t, err, models.EINVALID, "expectedTopicArn")
			member, _ := f.MustMember(t, acc, "integ-member@example.com", models.RoleMember)
			_, _, err = f.Store.CreateAWSIntegration(ctx, member, models.AWSIntegrationInput{AccountID: acc, Name: &n, ComponentID: &comp.ID})
			wantCode(t, err, models.EFORBIDDEN)
		})

		t.Run("ErrSecondTopic", func(t *testing.T) {
			integ, token := f.MustIntegration(t, acc, comp.ID, "pinned")
			stale := *integ // loaded before the first message pinned the topic
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm("pin-a", cloudwatch.StateAlarm, at))
			wantEqual(t, "first", res.Outcome, models.OutcomeOpened)
			fresh, err := f.Store.IntegrationByToken(ctx, token)
			mustNoErr(t, err)
			wantEqual(t, "pinned", fresh.TopicArn, testTopic)
			// A message from another topic racing the pin is refused and leaves nothing.
			other := "arn:aws:sns:us-east-1:123456789012:other"
			m := notification(other)
			_, err = f.Store.IngestNotification(ctx, &stale, m, newAlarm("pin-b", cloudwatch.StateAlarm, at), "")
			wantCode(t, err, models.EFORBIDDEN)
			wantEqual(t, "receipt", f.MustCount(t, "sns_receipts", "message_id = ?", m.ID), int64(0))
			wantEqual(t, "incident", f.MustCount(t, "incidents", "title = 'pin-b'"), int64(0))
			fresh, err = f.Store.IntegrationByToken(ctx, token)
			mustNoErr(t, err)
			wantEqual(t, "still pinned", fresh.TopicArn, testTopic)
			// The same topic through a stale copy is fine.
			res = f.MustIngest(t, &stale, notification(testTopic), newAlarm("pin-c", cloudwatch.StateAlarm, at))
			wantEqual(t, "same topic", res.Outcome, models.OutcomeOpened)
			// Changing the expected topic of a pinned integration is refused.
			_, err = f.Store.UpdateAWSIntegration(ctx, f.AdminActor, integ.ID, models.AWSIntegrationInput{ExpectedTopicArn: &other})
			wantField(t, err, models.ECONFLICT, "expectedTopicArn")
			same := testTopic
			_, err = f.Store.UpdateAWSIntegration(ctx, f.AdminActor, integ.ID, models.AWSIntegrationInput{ExpectedTopicArn: &same})
			mustNoErr(t, err)
		})

		t.Run("OKConfirmAndUnsubscribe", func(t *testing.T) {
			integ, token := f.MustIntegration(t, acc, comp.ID, "subscribed")
			sub := testTopic + ":6f1c7a52-0a5e-4a3e-9c11-2f0d6d1a1b2c"
			m := models.SNSMessage{ID: "confirm-1", Type: "SubscriptionConfirmation", TopicArn: testTopic}
			res, err := f.Store.IngestSubscriptionConfirmation(ctx, integ, m, sub)
			mustNoErr(t, err)
			wantEqual(t, "outcome", res.Outcome, models.OutcomeConfirmed)
			got, err := f.Store.IntegrationByToken(ctx, token)
			mustNoErr(t, err)
			if got.TopicArn != testTopic || got.SubscriptionArn != sub || got.ConfirmedAt == nil || got.State() != models.IntegrationConfirmed {
				t.Fatalf("after confirmation: %+v", got)
			}
			res, err = f.Store.IngestSubscriptionConfirmation(ctx, got, m, "arn:other")
			mustNoErr(t, err)
			wantEqual(t, "duplicate", res.Outcome, models.OutcomeDuplicate)
			if n := len(f.MustAudit(t, acc, "aws_integration.confirmed")); n != 1 {
				t.Fatalf("%d confirmation audit entries", n)
			}

			f.Clock.Advance(time.Minute)
			res, err = f.Store.IngestUnsubscribeConfirmation(ctx, got, models.SNSMessage{ID: "unsub-1", Type: "UnsubscribeConfirmation", TopicArn: testTopic})
			mustNoErr(t, err)
			wantEqual(t, "outcome", res.Outcome, models.OutcomeUnsubscribed)
			got, err = f.Store.IntegrationByToken(ctx, token)
			mustNoErr(t, err)
			wantEqual(t, "state", got.State(), models.IntegrationUnsubscribed)
			wantEqual(t, "subscription kept", got.SubscriptionArn, sub)

			// A confirmation for another topic on the unpinned copy is refused.
			integ2, _ := f.MustIntegration(t, acc, comp.ID, "confirm race")
			stale := *integ2
			_, err = f.Store.IngestSubscriptionConfirmation(ctx, integ2, models.SNSMessage{ID: "c-a", Type: "SubscriptionConfirmation", TopicArn: testTopic}, sub)
			mustNoErr(t, err)
			_, err = f.Store.IngestSubscriptionConfirmation(ctx, &stale, models.SNSMessage{ID: "c-b", Type: "SubscriptionConfirmation", TopicArn: testTopic + "-other"}, "arn:x")
			wantCode(t, err, models.EFORBIDDEN)
		})

		t.Run("OKRotateToken", func(t *testing.T) {
			integ, old := f.MustIntegration(t, acc, comp.ID, "rotated")
			_, err := f.Store.IngestSubscriptionConfirmation(ctx, integ, models.SNSMessage{ID: "rot-confirm", Type: "SubscriptionConfirmation", TopicArn: testTopic}, "arn:sub")
			mustNoErr(t, err)
			rotated, fresh, err := f.Store.RotateAWSIntegrationToken(ctx, f.AdminActor, integ.ID)
			mustNoErr(t, err)
			if fresh == old || rotated.TokenPrefix != fresh[:10] {
				t.Fatalf("rotation: old %q new %q prefix %q", old[:10], fresh[:10], rotated.TokenPrefix)
			}
			_, err = f.Store.IntegrationByToken(ctx, old)
			wantCode(t, err, models.ENOTFOUND)
			got, err := f.Store.IntegrationByToken(ctx, fresh)
			mustNoErr(t, err)
			if got.ID != integ.ID || got.TopicArn != "" || got.SubscriptionArn != "" || got.State() != models.IntegrationPending {
				t.Fatalf("after rotation: %+v", got)
			}
		})

		t.Run("OKDelete", func(t *testing.T) {
			integ, token := f.MustIntegration(t, acc, comp.ID, "deleted")
			res := f.MustIngest(t, integ, notification(testTopic), newAlarm("deleted-cpu", cloudwatch.StateAlarm, at))
			mustNoErr(t, f.Store.DeleteAWSIntegration(ctx, f.AdminActor, integ.ID))
			_, err := f.Store.IntegrationByToken(ctx, token)
			wantCode(t, err, models.ENOTFOUND)
			_, err = f.Store.GetAWSIntegration(ctx, f.AdminActor, integ.ID)
			wantCode(t, err, models.ENOTFOUND)
			wantCode(t, f.Store.DeleteAWSIntegration(ctx, f.AdminActor, integ.ID), models.ENOTFOUND)
			list, err := f.Store.ListAWSIntegrations(ctx, f.AdminActor, acc)
			mustNoErr(t, err)
			for _, i := range list {
				if i.ID == integ.ID {
					t.Fatal("deleted integration listed")
				}
			}
			// Its incidents stay, and still name it.
			inc, err := f.Store.GetIncident(ctx, f.AdminActor, res.IncidentID)
			mustNoErr(t, err)
			byID, err := f.Store.IntegrationsByID(ctx, []string{deref(inc.IntegrationID)})
			mustNoErr(t, err)
			if byID[integ.ID] == nil || byID[integ.ID].Name != "deleted" {
				t.Fatalf("integration of the incident: %+v", byID)
			}
		})

		t.Run("OKRejectionsKeepNewest100", func(t *testing.T) {
			integ, _ := f.MustIntegration(t, acc, comp.ID, "rejecting")
			for i := range 105 {
				f.Clock.Advance(time.Second)
				mustNoErr(t, f.Store.RecordSNSRejection(ctx, integ, "bad_version", fmt.Sprintf("reason %03d", i), "Notification", testTopic))
			}
			wantEqual(t, "kept", f.MustCount(t, "sns_rejections", "integration_id = ?", integ.ID), int64(100))
			wantEqual(t, "oldest kept", f.MustCount(t, "sns_rejections", "integration_id = ? AND reason < 'reason 005'", integ.ID), int64(0))
			recent, err := f.Store.RecentRejections(ctx, integ.ID, 2)
			mustNoErr(t, err)
			if len(recent) != 2 || recent[0].Reason != "reason 104" || recent[1].Reason != "reason 103" {
				t.Fatalf("recent = %+v", recent)
			}
			got, err := f.Store.GetAWSIntegration(ctx, f.AdminActor, integ.ID)
			mustNoErr(t, err)
			if got.LastRejectionReason != "reason 104" || got.LastRejectionAt == nil {
				t.Fatalf("last rejection: %q %v", got.LastRejectionReason, got.LastRejectionAt)
			}
			st, err := f.Store.IntegrationStats(ctx, integ.ID)
			mustNoErr(t, err)
			wantEqual(t, "rejected", st.Rejected, 100)
			// Another integration's rejections are not trimmed by these.
			other, _ := f.MustIntegration(t, acc, comp.ID, "quiet")
			mustNoErr(t, f.Store.RecordSNSRejection(ctx, other, "wrong_topic", "one", "Notification", testTopic))
			f.Clock.Advance(time.Second)
			mustNoErr(t, f.Store.RecordSNSRejection(ctx, integ, "bad_version", "reason 105", "Notification", testTopic))
			wantEqual(t, "other kept", f.MustCount(t, "sns_rejections", "integration_id = ?", other.ID), int64(1))
			wantEqual(t, "still 100", f.MustCount(t, "sns_rejections", "integration_id = ?", integ.ID), int64(100))
		})
	})
}

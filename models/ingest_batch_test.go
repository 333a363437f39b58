package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/routing"
)

// hintLog is a Publisher that keeps every hint published (after commit).
type hintLog struct {
	mu sync.Mutex
	hs []models.Hint
}

func (l *hintLog) Publish(_ context.Context, h models.Hint) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hs = append(l.hs, h)
}

// Take returns the hints published since the last Take.
func (l *hintLog) Take() []models.Hint {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.hs
	l.hs = nil
	return hs
}

// mustGroupFixture is MustDomain whose store records the hints it publishes.
func mustGroupFixture(tb testing.TB, db *models.DB) (*domainFixture, *hintLog) {
	tb.Helper()
	f := MustDomain(tb, db)
	log := &hintLog{}
	st := models.NewStore(db, log)
	st.SetClock(f.Clock.Now)
	st.SetEnqueuer(f.Enq)
	mustNoErr(tb, st.SetEncryptionKey(mustRandom(tb, 32)))
	f.Store = st
	return f, log
}

// ingestStep is one notification of a script: a fresh message, or a copy (same MessageId) of
// an earlier step's, carrying this step's alarm.
type ingestStep struct {
	alarm  string // "" = not a CloudWatch alarm
	state  cloudwatch.State
	minute int
	copyOf int    // index of the step whose MessageId this one reuses; -1 = fresh
	topic  string // "" = testTopic
}

// scriptNotifications turns a script into notifications for integ.
func scriptNotifications(integ *models.AWSIntegration, base time.Time, script []ingestStep) []models.SNSNotification {
	ns := make([]models.SNSNotification, len(script))
	for i, st := range script {
		topic := st.topic
		if topic == "" {
			topic = testTopic
		}
		m := notification(topic)
		if st.copyOf >= 0 {
			m = ns[st.copyOf].Message
		}
		n := models.SNSNotification{Integration: integ, Message: m, IgnoredWhy: "not a CloudWatch alarm: no AlarmName"}
		if st.alarm != "" {
			n.Alarm = newAlarm(st.alarm, st.state, base.Add(time.Duration(st.minute)*time.Minute))
		}
		ns[i] = n
	}
	return ns
}

// outcomeOf is an outcome or the error code of one notification.
func outcomeOf(res *models.IngestResult, err error) string {
	if err != nil {
		return "error " + models.CodeOf(err)
	}
	return res.Outcome
}

// integrationState is what ingestion left for an integration, comparable across integrations.
type integrationState struct {
	Incidents  []string // "title status", sorted
	Receipts   map[string]int64
	Events     map[string]int64
	Timeline   int64
	Escalating int64
	History    int64
	Pinned     string
}

func (f *domainFixture) integrationState(tb testing.TB, integ *models.AWSIntegration) integrationState {
	tb.Helper()
	var st integrationState
	var incs []models.Incident
	mustNoErr(tb, f.DB.Where("integration_id = ?", integ.ID).Find(&incs).Error)
	for _, inc := range incs {
		st.Incidents = append(st.Incidents, inc.Title+" "+string(inc.Status))
	}
	sort.Strings(st.Incidents)
	st.Receipts = map[string]int64{}
	for _, o := range []string{models.OutcomeOpened, models.OutcomeResolved, models.OutcomeNoChange, models.OutcomeOutOfOrder, models.OutcomeIgnored} {
		st.Receipts[o] = f.MustCount(tb, "sns_receipts", "integration_id = ? AND outcome = ?", integ.ID, o)
	}
	st.Events = map[string]int64{}
	for _, name := range []string{models.EventIncidentOpened, models.EventIncidentResolved} {
		st.Events[name] = f.MustCount(tb, "events", "name = ? AND incident_id IN (SELECT id FROM incidents WHERE integration_id = ?)", name, integ.ID)
	}
	st.Timeline = f.MustCount(tb, "incident_timeline", "incident_id IN (SELECT id FROM incidents WHERE integration_id = ?)", integ.ID)
	st.Escalating = f.MustCount(tb, "incident_escalations", "incident_id IN (SELECT id FROM incidents WHERE integration_id = ?)", integ.ID)
	st.History = f.MustCount(tb, "component_status_changes", "component_id = ?", integ.ComponentID)
	var cur models.AWSIntegration
	mustNoErr(tb, f.DB.Where("id = ?", integ.ID).Take(&cur).Error)
	st.Pinned = cur.TopicArn
	return st
}

// groupScript has in-order and late transitions of several alarms, copies of messages (one
// carrying another alarm's newer state: it does real work before its receipt conflicts), a
// message that is not an alarm and its copy, and a message of another topic after the pin.
var groupScript = []ingestStep{
	{alarm: "a", state: cloudwatch.StateAlarm, minute: 1, copyOf: -1},            // 0 opened
	{alarm: "b", state: cloudwatch.StateAlarm, minute: 1, copyOf: -1},            // 1 opened
	{alarm: "a", state: cloudwatch.StateAlarm, minute: 2, copyOf: -1},            // 2 no change
	{alarm: "a", state: cloudwatch.StateOK, minute: 3, copyOf: -1},               // 3 resolved
	{alarm: "a", state: cloudwatch.StateAlarm, minute: 1, copyOf: 0},             // 4 duplicate
	{alarm: "b", state: cloudwatch.StateOK, minute: 0, copyOf: -1},               // 5 out of order
	{alarm: "c", state: cloudwatch.StateInsufficientData, minute: 1, copyOf: -1}, // 6 no change
	{alarm: "a", state: cloudwatch.StateAlarm, minute: 2, copyOf: -1},            // 7 out of order
	{alarm: "a", state: cloudwatch.StateAlarm, minute: 5, copyOf: -1},            // 8 opened again
	{alarm: "b", state: cloudwatch.StateOK, minute: 7, copyOf: 3},                // 9 would resolve b: duplicate, undone
	{state: "", copyOf: -1}, // 10 ignored
	{state: "", copyOf: 10}, // 11 duplicate
	{alarm: "c", state: cloudwatch.StateAlarm, minute: 4, copyOf: -1},             // 12 opened
	{alarm: "d", state: cloudwatch.StateAlarm, minute: 4, copyOf: -1, topic: "x"}, // 13 another topic: EFORBIDDEN
	{alarm: "d", state: cloudwatch.StateAlarm, minute: 5, copyOf: -1},             // 14 opened
}

var groupScriptOutcomes = []string{
	models.OutcomeOpened, models.OutcomeOpened, models.OutcomeNoChange, models.OutcomeResolved, models.OutcomeDuplicate,
	models.OutcomeOutOfOrder, models.OutcomeNoChange, models.OutcomeOutOfOrder, models.OutcomeOpened, models.OutcomeDuplicate,
	models.OutcomeIgnored, models.OutcomeDuplicate, models.OutcomeOpened, "error " + models.EFORBIDDEN, models.OutcomeOpened,
}

func init() {
	for i := range groupScript {
		if groupScript[i].topic == "x" {
			groupScript[i].topic = "arn:aws:sns:us-east-1:123456789012:another"
		}
	}
}

// TestIngestGroups_AsSequential applies one script three ways, each on an integration (and
// component) of its own: one transaction per message, all in one group, and in groups of
// 1–5. Every message has the same outcome and the integrations end the same; the undone
// messages of a group leave nothing (no receipt, event, timeline entry, hint) and do not
// disturb their neighbours.
func TestIngestGroups_AsSequential(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, hints := mustGroupFixture(t, db)
		acc := f.Account.ID
		base := f.Clock.Now().Add(-time.Hour).Truncate(time.Millisecond)
		integ := func(name string) *models.AWSIntegration {
			comp := f.MustComponent(t, acc, name)
			in, _ := f.MustIntegration(t, acc, comp.ID, name)
			return in // never reloaded: every message sees it unpinned, as racing copies do
		}
		seq, one, chunks := integ("sequential"), integ("one group"), integ("chunks")
		hints.Take()

		var seqOut []string
		for _, n := range scriptNotifications(seq, base, groupScript) {
			res, err := f.Store.IngestNotification(ctx, n.Integration, n.Message, n.Alarm, n.IgnoredWhy)
			seqOut = append(seqOut, outcomeOf(res, err))
		}
		wantEqual(t, "sequential outcomes", seqOut, groupScriptOutcomes)
		want := f.integrationState(t, seq)
		hints.Take()

		ns := scriptNotifications(one, base, groupScript)
		outs, err := f.Store.IngestNotifications(ctx, ns)
		mustNoErr(t, err)
		var got []string
		for _, o := range outs {
			got = append(got, outcomeOf(o.Result, o.Err))
		}
		wantEqual(t, "outcomes in one group", got, groupScriptOutcomes)
		wantEqual(t, "state after one group", f.integrationState(t, one), want)
		// Step 9 resolved b's incident before its receipt conflicted: undone, with its hint.
		var bInc models.Incident
		mustNoErr(t, f.DB.Where("integration_id = ? AND title = 'b'", one.ID).Take(&bInc).Error)
		wantEqual(t, "b still open", bInc.Status, models.IncidentTriggered)
		wantEqual(t, "b's timeline", len(f.MustTimeline(t, bInc.ID)), 1)
		var resolved []string
		for _, h := range hints.Take() {
			if h.Kind == models.HintIncident && h.Op == models.OpResolved {
				resolved = append(resolved, h.ID)
			}
		}
		wantEqual(t, "resolved hints", resolved, []string{outs[3].Result.IncidentID})

		ns = scriptNotifications(chunks, base, groupScript)
		got = nil
		for i, size := 0, 1; i < len(ns); size = size%5 + 1 {
			end := min(len(ns), i+size)
			outs, err := f.Store.IngestNotifications(ctx, ns[i:end])
			mustNoErr(t, err)
			for _, o := range outs {
				got = append(got, outcomeOf(o.Result, o.Err))
			}
			i = end
		}
		wantEqual(t, "outcomes in groups of 1–5", got, groupScriptOutcomes)
		wantEqual(t, "state after groups of 1–5", f.integrationState(t, chunks), want)
	})
}

// TestIngestGroups_FailedGroupLeavesNothing fails a group's transaction for real: a failing
// pre-commit step on both databases, and on PostgreSQL a backend that dies before the commit.
// Every notification of the group gets the error and nothing of it stays; the same group then
// applies in full.
func TestIngestGroups_FailedGroupLeavesNothing(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, hints := mustGroupFixture(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "fails")
		integ, _ := f.MustIntegration(t, acc, comp.ID, "fails")
		base := f.Clock.Now().Add(-time.Hour)
		hints.Take()
		f.Enq.Take()
		script := groupScript[:13] // up to c's incident
		history := f.MustCount(t, "component_status_changes", "component_id = ?", comp.ID)
		nothing := func(t *testing.T) {
			t.Helper()
			for _, table := range []string{"sns_receipts", "alarm_states", "incidents"} {
				wantEqual(t, table, f.MustCount(t, table, "integration_id = ?", integ.ID), int64(0))
			}
			wantEqual(t, "history", f.MustCount(t, "component_status_changes", "component_id = ?", comp.ID), history)
			wantEqual(t, "pin", f.MustCount(t, "aws_integrations", "id = ? AND topic_arn = ''", integ.ID), int64(1))
			if hs := hints.Take(); len(hs) != 0 {
				t.Fatalf("a failed group published %v", hs)
			}
			if ids := f.Enq.Take(); len(ids) != 0 {
				t.Fatalf("a failed group enqueued %v", ids)
			}
		}

		failures := map[string]func(on bool){
			"BeforeCommit": func(on bool) {
				var err error
				if on {
					err = errors.New("injected failure")
				}
				f.Store.FailIngestGroups(err)
			},
		}
		if db.Dialect == models.Postgres {
			failures["KilledBackend"] = f.Store.KillIngestGroupConnections
		}
		for name, fail := range failures {
			t.Run(name, func(t *testing.T) {
				fail(true)
				outs, err := f.Store.IngestNotifications(ctx, scriptNotifications(integ, base, script))
				if err == nil || outs != nil {
					t.Fatalf("a failed group: outcomes %v, err %v", outs, err)
				}
				nothing(t)

				// Through the batcher, every request of the group gets the error.
				b := f.Store.NewNotificationBatcher(models.BatcherConfig{Linger: time.Hour, MaxGroup: len(script), Lanes: 1})
				errs := make([]error, len(script))
				var wg sync.WaitGroup
				for i, n := range scriptNotifications(integ, base, script) {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[i] = b.Ingest(ctx, n)
					}()
				}
				wg.Wait()
				b.Close()
				for i, err := range errs {
					if err == nil || models.IsAppError(err) {
						t.Fatalf("notification %d of a failed group: %v", i, err)
					}
				}
				nothing(t)
			})
		}
		for _, fail := range failures {
			fail(false)
		}
		outs, err := f.Store.IngestNotifications(ctx, scriptNotifications(integ, base, script))
		mustNoErr(t, err)
		var got []string
		for _, o := range outs {
			got = append(got, outcomeOf(o.Result, o.Err))
		}
		wantEqual(t, "outcomes once the database is well", got, groupScriptOutcomes[:13])
		wantEqual(t, "incidents", f.MustCount(t, "incidents", "integration_id = ?", integ.ID), int64(4))
	})
}

// TestIngestGroups_Concurrent sends the transitions of many alarms at once through a batcher,
// each message as three concurrent copies, each alarm's messages in order (the next once the
// previous is answered), with a late transition at the end: the outcomes and incidents are
// exactly those of one transaction per message, applied in order.
func TestIngestGroups_Concurrent(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, _ := mustGroupFixture(t, db)
		acc := f.Account.ID
		comp := f.MustComponent(t, acc, "busy")
		grouped, _ := f.MustIntegration(t, acc, comp.ID, "grouped")
		single, _ := f.MustIntegration(t, acc, comp.ID, "single")
		base := f.Clock.Now().Add(-time.Hour).Truncate(time.Millisecond)
		const alarms, copies = 12, 3
		// ALARM, OK, ALARM, …, ALARM (7 transitions), then a late OK from before the last.
		steps := []struct {
			state  cloudwatch.State
			minute int
		}{{"ALARM", 1}, {"OK", 2}, {"ALARM", 3}, {"OK", 4}, {"ALARM", 5}, {"OK", 6}, {"ALARM", 8}, {"OK", 7}}

		var maxGroup atomic.Int64
		b := f.Store.NewNotificationBatcher(models.BatcherConfig{Linger: 50 * time.Millisecond, Observe: func(n int, _ time.Duration, err error) {
			if err != nil {
				t.Errorf("group of %d failed: %v", n, err)
			}
			for {
				cur := maxGroup.Load()
				if int64(n) <= cur || maxGroup.CompareAndSwap(cur, int64(n)) {
					return
				}
			}
		}})
		defer b.Close()
		got := make([][]string, alarms)
		var wg sync.WaitGroup
		for a := range alarms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, st := range steps {
					m := notification(testTopic)
					alarm := newAlarm(fmt.Sprintf("alarm-%02d", a), st.state, base.Add(time.Duration(st.minute)*time.Minute))
					outs := make([]string, copies)
					var cw sync.WaitGroup
					for c := range copies {
						cw.Add(1)
						go func() {
							defer cw.Done()
							res, err := b.Ingest(ctx, models.SNSNotification{Integration: grouped, Message: m, Alarm: alarm})
							outs[c] = outcomeOf(res, err)
						}()
					}
					cw.Wait()
					slices.Sort(outs)
					if outs[0] != models.OutcomeDuplicate || outs[1] != models.OutcomeDuplicate {
						t.Errorf("copies of one message: %v", outs)
					}
					got[a] = append(got[a], outs[2])
				}
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for a := range alarms {
			var want []string
			for _, st := range steps {
				alarm := newAlarm(fmt.Sprintf("alarm-%02d", a), st.state, base.Add(time.Duration(st.minute)*time.Minute))
				want = append(want, f.MustIngest(t, single, notification(testTopic), alarm).Outcome)
			}
			wantEqual(t, fmt.Sprintf("outcomes of alarm %d", a), got[a], want)
		}
		wantEqual(t, "incidents", f.MustCount(t, "incidents", "integration_id = ?", grouped.ID), int64(alarms*4))
		wantEqual(t, "open", f.MustCount(t, "incidents", "integration_id = ? AND status <> 'resolved'", grouped.ID), int64(alarms))
		wantEqual(t, "receipts", f.MustCount(t, "sns_receipts", "integration_id = ?", grouped.ID), int64(alarms*len(steps)))
		g, s := f.integrationState(t, grouped), f.integrationState(t, single)
		g.History, s.History = 0, 0 // one component: its history is shared
		wantEqual(t, "grouped as single", g, s)
		if maxGroup.Load() < 2 {
			t.Fatalf("no group had more than one notification")
		}
	})
}

// TestIngestGroups_CloseDrains: closing the batcher applies and answers what is queued (here a
// group still waiting for more), and refuses what comes after; a request whose context ended
// before it was queued is not applied.
func TestIngestGroups_CloseDrains(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, _ := mustGroupFixture(t, db)
		comp := f.MustComponent(t, f.Account.ID, "drained")
		integ, _ := f.MustIntegration(t, f.Account.ID, comp.ID, "drained")
		base := f.Clock.Now().Add(-time.Hour)
		b := f.Store.NewNotificationBatcher(models.BatcherConfig{Linger: time.Hour, Lanes: 1})

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := b.Ingest(cancelled, models.SNSNotification{Integration: integ, Message: notification(testTopic), Alarm: newAlarm("late", cloudwatch.StateAlarm, base)})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("a request gone before it was queued: %v", err)
		}

		const n = 10
		outs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := b.Ingest(ctx, models.SNSNotification{Integration: integ, Message: notification(testTopic), Alarm: newAlarm(fmt.Sprintf("drain-%d", i), cloudwatch.StateAlarm, base)})
				outs[i] = outcomeOf(res, err)
			}()
		}
		// Queued, the group lingering for more (an hour).
		deadline := time.Now().Add(5 * time.Second)
		for b.Queued() < n && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		wantEqual(t, "queued", b.Queued(), n)
		wantEqual(t, "applied before Close", f.MustCount(t, "sns_receipts", "integration_id = ?", integ.ID), int64(0))
		b.Close()
		wg.Wait()
		for i, o := range outs {
			wantEqual(t, fmt.Sprintf("outcome %d", i), o, models.OutcomeOpened)
		}
		wantEqual(t, "incidents", f.MustCount(t, "incidents", "integration_id = ?", integ.ID), int64(n))
		_, err = b.Ingest(ctx, models.SNSNotification{Integration: integ, Message: notification(testTopic), Alarm: newAlarm("after", cloudwatch.StateAlarm, base)})
		if !errors.Is(err, models.ErrBatcherClosed) {
			t.Fatalf("after Close: %v", err)
		}
		wantEqual(t, "incidents", f.MustCount(t, "incidents", "integration_id = ?", integ.ID), int64(n))
	})
}

// TestTxSavepoint: what a savepoint's function did and registered is undone when it fails and
// kept when it succeeds; the transaction goes on either way.
func TestTxSavepoint(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		var ran []string
		err := db.Tx(ctx, func(tx *models.Tx) error {
			tx.AfterCommit(func() { ran = append(ran, "before") })
			insert := func(name string) error {
				return tx.Exec("INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)", name, "v", time.Now()).Error
			}
			ferr, rbErr := tx.Savepoint(func() error {
				tx.AfterCommit(func() { ran = append(ran, "undone") })
				tx.BeforeCommit(func(*models.Tx) error { return errors.New("an undone pre-commit step ran") })
				if err := insert("sp-undone"); err != nil {
					return err
				}
				return insert("sp-undone") // a unique violation: PostgreSQL aborts until the rollback
			})
			if ferr == nil || rbErr != nil {
				return fmt.Errorf("failed savepoint: %v, %v", ferr, rbErr)
			}
			ferr, rbErr = tx.Savepoint(func() error {
				tx.AfterCommit(func() { ran = append(ran, "kept") })
				return insert("sp-kept")
			})
			if ferr != nil || rbErr != nil {
				return fmt.Errorf("kept savepoint: %v, %v", ferr, rbErr)
			}
			tx.AfterCommit(func() { ran = append(ran, "after") })
			return nil
		})
		mustNoErr(t, err)
		wantEqual(t, "after-commit work", ran, []string{"before", "kept", "after"})
		wantEqual(t, "undone row", f.MustCount(t, "settings", "key = 'sp-undone'"), int64(0))
		wantEqual(t, "kept row", f.MustCount(t, "settings", "key = 'sp-kept'"), int64(1))
	})
}

// TestIngestGroups_SharedReadsPerAccount: a group shares its configuration reads (an account's
// name, variables and webhooks, an integration's rules and policy), keyed by what they are of.
// Notifications of two accounts, interleaved in one group, each get their own account's: the
// routing rule of their integration, its escalation policy, their account's variables and
// name in the event, and a delivery to their account's endpoint only.
func TestIngestGroups_SharedReadsPerAccount(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, _ := mustGroupFixture(t, db)
		type tenant struct {
			acc      *models.Account
			team     string
			integ    *models.AWSIntegration
			comp     *models.Component
			routed   *models.Component // where A's "db-" alarms go; nil for B (no rules)
			endpoint string
			policy   *string
		}
		setup := func(acc *models.Account, team string, rule, policy bool) *tenant {
			tn := &tenant{acc: acc, team: team, comp: f.MustComponent(t, acc.ID, team+" web")}
			tn.integ, _ = f.MustIntegration(t, acc.ID, tn.comp.ID, team)
			scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc.ID}
			_, err := f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: scope, Name: "TEAM", Value: team})
			mustNoErr(t, err)
			ep, _ := f.MustEndpoint(t, f.AdminActor, scope, team+"-hook", false)
			tn.endpoint = ep.ID
			f.MustWebhook(t, f.AdminActor, scope, team+" incidents", []string{models.EventIncidentOpened, models.EventIncidentResolved}, []string{ep.ID}, nil)
			if rule {
				tn.routed = f.MustComponent(t, acc.ID, team+" db")
				crit := models.SeverityCritical
				_, err := f.Store.SetRoutes(ctx, f.AdminActor, tn.integ.ID, []models.RouteInput{{Name: "db", ComponentID: tn.routed.ID, Severity: &crit,
					Conditions: []routing.Condition{{Field: routing.AlarmName, Op: routing.Regex, Value: "^db-"}}}})
				mustNoErr(t, err)
			}
			if policy {
				name := team + " on-call"
				p, err := f.Store.CreateEscalationPolicy(ctx, f.AdminActor, acc.ID, models.PolicyInput{Name: &name,
					Levels: &[]models.LevelInput{{TimeoutMinutes: 5, Targets: []models.TargetInput{{UserID: &f.AdminActor.UserID}}}}})
				mustNoErr(t, err)
				_, _, err = f.Store.SetEscalationPolicy(ctx, f.AdminActor, tn.integ.ID, &p.ID)
				mustNoErr(t, err)
				tn.policy = &p.ID
			}
			return tn
		}
		a := setup(f.Account, "alpha", true, true)
		b := setup(f.MustAccount(t, "Beta"), "beta", false, false)

		base := f.Clock.Now().Add(-time.Hour).Truncate(time.Millisecond)
		var ns []models.SNSNotification
		add := func(tn *tenant, alarm string, st cloudwatch.State, minute int) {
			ns = append(ns, models.SNSNotification{Integration: tn.integ, Message: notification(testTopic),
				Alarm: newAlarm(alarm, st, base.Add(time.Duration(minute)*time.Minute))})
		}
		add(a, "db-1", cloudwatch.StateAlarm, 1)
		add(b, "db-1", cloudwatch.StateAlarm, 1)
		add(a, "web", cloudwatch.StateAlarm, 1)
		add(b, "web", cloudwatch.StateAlarm, 1)
		add(a, "db-1", cloudwatch.StateOK, 2)
		add(b, "db-1", cloudwatch.StateOK, 2)
		outs, err := f.Store.IngestNotifications(ctx, ns)
		mustNoErr(t, err)
		var got []string
		for _, o := range outs {
			got = append(got, outcomeOf(o.Result, o.Err))
		}
		o, r := models.OutcomeOpened, models.OutcomeResolved
		wantEqual(t, "outcomes", got, []string{o, o, o, o, r, r})

		for _, c := range []struct {
			tn        *tenant
			alarm     string
			component *models.Component
			severity  models.Severity
			events    int
		}{
			{a, "db-1", a.routed, models.SeverityCritical, 2},
			{a, "web", a.comp, a.integ.DefaultSeverity, 1},
			{b, "db-1", b.comp, b.integ.DefaultSeverity, 2},
			{b, "web", b.comp, b.integ.DefaultSeverity, 1},
		} {
			name := c.tn.acc.Name + " " + c.alarm
			var inc models.Incident
			mustNoErr(t, f.DB.Where("integration_id = ? AND title = ?", c.tn.integ.ID, c.alarm).Take(&inc).Error)
			wantEqual(t, name+": component", inc.ComponentID, c.component.ID)
			wantEqual(t, name+": severity", inc.Severity, c.severity)
			var esc models.IncidentEscalation
			mustNoErr(t, f.DB.Where("incident_id = ?", inc.ID).Take(&esc).Error)
			wantEqual(t, name+": policy", deref(esc.PolicyID), deref(c.tn.policy))
			evs := f.MustEvents(t, "incident_id = ?", inc.ID)
			wantEqual(t, name+": events", len(evs), c.events)
			for _, ev := range evs {
				vars := mustVars(t, &ev)
				team, _ := vars.user("TEAM")
				wantEqual(t, name+": TEAM", team, c.tn.team)
				wantEqual(t, name+": account name", vars.Builtin["SCALR_ACCOUNT_NAME"], c.tn.acc.Name)
				var to []string
				for _, d := range f.MustDeliveries(t, ev.ID) {
					to = append(to, deref(d.EndpointID))
				}
				wantEqual(t, name+": "+ev.Name+" delivered to", to, []string{c.tn.endpoint})
			}
		}
	})
}

// TestIngestGroups_CrossedComponentsNoDeadlock (PostgreSQL): two groups resolve auto-published
// incidents of two components in opposite orders, both having applied their first notification
// before either reaches its commit. A group takes component locks only in its pass before the
// commit, in id order, so neither waits for the other in a cycle: both apply in full. (When the
// published status was refreshed as each incident resolved, the first notification of each
// group locked its component and the two passes deadlocked: one group failed after
// deadlock_timeout.)
func TestIngestGroups_CrossedComponentsNoDeadlock(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	ctx := context.Background()
	f, _ := mustGroupFixture(t, db)
	acc := f.Account.ID
	after := 1
	integ := map[string]*models.AWSIntegration{}
	for _, name := range []string{"x", "y"} {
		comp := f.MustComponent(t, acc, name)
		_, err := f.Store.SetComponentAutoPublish(ctx, f.AdminActor, comp.ID, true, &after)
		mustNoErr(t, err)
		integ[name], _ = f.MustIntegration(t, acc, comp.ID, name)
	}
	base := f.Clock.Now().Truncate(time.Millisecond)
	alarm := func(in, name string, st cloudwatch.State, minute int) models.SNSNotification {
		return models.SNSNotification{Integration: integ[in], Message: notification(testTopic), Alarm: newAlarm(name, st, base.Add(time.Duration(minute)*time.Minute))}
	}
	// Four incidents, two per component, all auto-published a minute after they open.
	outs, err := f.Store.IngestNotifications(ctx, []models.SNSNotification{
		alarm("x", "x1", cloudwatch.StateAlarm, 0), alarm("x", "x2", cloudwatch.StateAlarm, 0),
		alarm("y", "y1", cloudwatch.StateAlarm, 0), alarm("y", "y2", cloudwatch.StateAlarm, 0),
	})
	mustNoErr(t, err)
	for _, o := range outs {
		wantEqual(t, "opened", outcomeOf(o.Result, o.Err), models.OutcomeOpened)
	}
	f.Clock.Advance(2 * time.Minute)
	n, err := f.Store.RunAutoPublish(ctx)
	mustNoErr(t, err)
	wantEqual(t, "published", n, 4)

	// The test holds the alarm-state rows of each group's second notification, so each group
	// applies its first one and then waits.
	var wg sync.WaitGroup
	defer wg.Wait() // after the rollback below, which lets the groups go on a failure
	hold := f.DB.Begin()
	defer hold.Rollback()
	for _, k := range []struct{ in, name string }{{"x", "x2"}, {"y", "y2"}} {
		mustNoErr(t, hold.Exec("SELECT 1 FROM alarm_states WHERE integration_id = ? AND alarm_key = ? FOR UPDATE",
			integ[k.in].ID, newAlarm(k.name, cloudwatch.StateOK, base).Key()).Error)
	}
	groups := [][]models.SNSNotification{
		{alarm("x", "x1", cloudwatch.StateOK, 3), alarm("y", "y2", cloudwatch.StateOK, 3)},
		{alarm("y", "y1", cloudwatch.StateOK, 3), alarm("x", "x2", cloudwatch.StateOK, 3)},
	}
	errs := make([]error, len(groups))
	results := make([][]models.IngestOutcome, len(groups))
	var finished atomic.Int32
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer finished.Add(1)
			results[i], errs[i] = f.Store.IngestNotifications(ctx, g)
		}()
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int64
		mustNoErr(t, f.DB.Raw("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&waiting).Error)
		if waiting == 2 {
			break
		}
		if finished.Load() > 0 {
			t.Fatal("a group finished while the test held a row it needs")
		}
		if time.Now().After(deadline) {
			t.Fatalf("the groups did not both wait for the held rows (%d waiting)", waiting)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mustNoErr(t, hold.Commit().Error)
	wg.Wait()
	for i := range groups {
		if errs[i] != nil {
			t.Fatalf("group %d failed: %v", i, errs[i])
		}
		for _, o := range results[i] {
			wantEqual(t, fmt.Sprintf("group %d", i), outcomeOf(o.Result, o.Err), models.OutcomeResolved)
		}
	}
	wantEqual(t, "public incidents left open", f.MustCount(t, "public_incidents", "status <> ?", models.PublicResolved), int64(0))
	wantEqual(t, "published statuses", f.MustCount(t, "components", "account_id = ? AND public_status = ?", acc, models.StatusOperational), int64(2))
}

// TestTxOnUndo: undo functions run, latest first, exactly when the work that registered them
// is undone — the savepoint it ran under, the transaction rolling back, a panic — and never
// after a commit.
func TestTxOnUndo(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustSQLitePath(t))
	ctx := context.Background()
	var undone []string
	note := func(tx *models.Tx, name string) { tx.OnUndo(func() { undone = append(undone, name) }) }

	mustNoErr(t, db.Tx(ctx, func(tx *models.Tx) error {
		note(tx, "kept")
		ferr, rbErr := tx.Savepoint(func() error {
			note(tx, "sp1")
			note(tx, "sp2")
			return errors.New("undo me")
		})
		mustNoErr(t, rbErr)
		if ferr == nil {
			t.Fatal("the savepoint's error was lost")
		}
		_, rbErr = tx.Savepoint(func() error { note(tx, "sp kept"); return nil })
		mustNoErr(t, rbErr)
		return nil
	}))
	wantEqual(t, "after a commit", undone, []string{"sp2", "sp1"})

	undone = nil
	failed := errors.New("roll back")
	if err := db.Tx(ctx, func(tx *models.Tx) error { note(tx, "a"); note(tx, "b"); return failed }); !errors.Is(err, failed) {
		t.Fatalf("Tx: %v", err)
	}
	wantEqual(t, "after a rollback", undone, []string{"b", "a"})

	undone = nil
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		_ = db.Tx(ctx, func(tx *models.Tx) error { note(tx, "p"); panic("boom") })
	}()
	wantEqual(t, "after a panic", undone, []string{"p"})
}

// TestTxAfterCommitPanics: a panicking after-commit function does not skip the ones after it
// (they may be accounting, like the backlog gate's); the panic still reaches the caller.
func TestTxAfterCommitPanics(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustSQLitePath(t))
	var ran []string
	func() {
		defer func() {
			if p := recover(); p != "first" {
				t.Fatalf("recovered %v, want the first panic", p)
			}
		}()
		_ = db.Tx(context.Background(), func(tx *models.Tx) error {
			tx.AfterCommit(func() { ran = append(ran, "a"); panic("first") })
			tx.AfterCommit(func() { ran = append(ran, "b"); panic("second") })
			tx.AfterCommit(func() { ran = append(ran, "c") })
			tx.OnUndo(func() { ran = append(ran, "undone") })
			return nil
		})
	}()
	wantEqual(t, "after-commit functions run", ran, []string{"a", "b", "c"})
}

package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// engineFixture is an account with a component, two people and a way to build policies.
type engineFixture struct {
	*domainFixture
	acc      *models.Account
	comp     *models.Component
	ana, bo  *models.Actor
	member   *models.Actor
	policyID string
}

func mustEngine(tb testing.TB, db *models.DB) *engineFixture {
	tb.Helper()
	f := MustDomain(tb, db)
	f.Store.SetPublicURL("https://switchboard.example")
	mustNoErr(tb, f.Store.SetLinkKey(mustRandom(tb, 32)))
	f.Store.SetMailKept(true)
	acc := f.MustAccount(tb, "Paging "+uuid.NewString()[:8])
	ana, _ := f.MustMember(tb, acc.ID, "ana-"+uuid.NewString()[:6]+"@example.com", models.RoleMember)
	bo, _ := f.MustMember(tb, acc.ID, "bo-"+uuid.NewString()[:6]+"@example.com", models.RoleMember)
	comp := f.MustComponent(tb, acc.ID, "API")
	return &engineFixture{domainFixture: f, acc: acc, comp: comp, ana: ana, bo: bo, member: ana}
}

// level is one level of a test policy: users and schedules.
type level struct {
	timeout   int
	users     []string
	schedules []string
}

// mustPolicy writes a policy and attaches it to the component.
func (e *engineFixture) mustPolicy(tb testing.TB, name string, repeat int, levels ...level) string {
	tb.Helper()
	now := e.Clock.Now()
	p := models.EscalationPolicy{ID: uuid.NewString(), AccountID: e.acc.ID, Name: name, Repeat: repeat, CreatedAt: now, UpdatedAt: now}
	mustNoErr(tb, e.DB.Create(&p).Error)
	for i, l := range levels {
		lv := models.EscalationLevel{ID: uuid.NewString(), PolicyID: p.ID, Position: i, TimeoutMinutes: l.timeout}
		mustNoErr(tb, e.DB.Create(&lv).Error)
		for j, u := range l.users {
			mustNoErr(tb, e.DB.Create(&models.EscalationTarget{ID: uuid.NewString(), LevelID: lv.ID, Position: j, UserID: ptr(u)}).Error)
		}
		for j, s := range l.schedules {
			mustNoErr(tb, e.DB.Create(&models.EscalationTarget{ID: uuid.NewString(), LevelID: lv.ID, Position: 10 + j, ScheduleID: ptr(s)}).Error)
		}
	}
	mustNoErr(tb, e.DB.Model(&models.Component{}).Where("id = ?", e.comp.ID).Update("escalation_policy_id", p.ID).Error)
	e.policyID = p.ID
	return p.ID
}

// mustSchedule writes a daily schedule whose one layer starts at start with the participants.
func (e *engineFixture) mustSchedule(tb testing.TB, name string, start time.Time, users ...string) string {
	tb.Helper()
	now := e.Clock.Now()
	s := models.Schedule{ID: uuid.NewString(), AccountID: e.acc.ID, Name: name, TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	mustNoErr(tb, e.DB.Create(&s).Error)
	parts := `["` + strings.Join(users, `","`) + `"]`
	mustNoErr(tb, e.DB.Create(&models.ScheduleLayer{ID: uuid.NewString(), ScheduleID: s.ID, Rotation: "daily", Length: 1, HandOff: "09:00",
		Participants: parts, StartsAt: start, Restrictions: "[]", CreatedAt: now, UpdatedAt: now}).Error)
	return s.ID
}

func (e *engineFixture) advance(tb testing.TB) int {
	tb.Helper()
	n, err := e.Store.AdvanceEscalations(context.Background(), 1000)
	mustNoErr(tb, err)
	return n
}

func (e *engineFixture) escalation(tb testing.TB, incID string) *models.IncidentEscalation {
	tb.Helper()
	var row models.IncidentEscalation
	mustNoErr(tb, e.DB.Where("incident_id = ?", incID).Take(&row).Error)
	return &row
}

func (e *engineFixture) pages(tb testing.TB, incID, userID string) int64 {
	tb.Helper()
	return e.MustCount(tb, "notifications", "incident_id = ? AND user_id = ? AND reason = 'page'", incID, userID)
}

func (e *engineFixture) timelineHas(tb testing.TB, incID, substr string) bool {
	tb.Helper()
	var bodies []string
	mustNoErr(tb, e.DB.Table("incident_timeline").Where("incident_id = ?", incID).Order("created_at, id").Pluck("body", &bodies).Error)
	for _, b := range bodies {
		if strings.Contains(b, substr) {
			return true
		}
	}
	tb.Logf("timeline of %s: %q", incID, bodies)
	return false
}

func (e *engineFixture) events(tb testing.TB, incID, name string) int64 {
	tb.Helper()
	return e.MustCount(tb, "events", "incident_id = ? AND name = ?", incID, name)
}

func TestEscalation_LevelsTimeoutAndAcknowledge(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}}, level{timeout: 10, users: []string{e.bo.UserID}})
		inc := e.MustIncident(t, e.member, e.comp.ID, "Disk full", models.SeverityHigh)
		row := e.escalation(t, inc.ID)
		if row.State != models.EscalationActive || row.NextStepAt == nil || row.NextStepAt.After(e.Clock.Now()) {
			t.Fatalf("a new incident's escalation: %+v; want active, due now", row)
		}
		if n := e.advance(t); n != 1 {
			t.Fatalf("advanced %d, want 1", n)
		}
		wantEqual(t, "level 1 pages to Ana", e.pages(t, inc.ID, e.ana.UserID), int64(1))
		wantEqual(t, "pages to Bo", e.pages(t, inc.ID, e.bo.UserID), int64(0))
		if !e.timelineHas(t, inc.ID, "Paged "+e.ana.UserName+" (email) — level 1 of Platform") {
			t.Fatal("the page is not on the timeline")
		}
		// Nothing is due before the timeout: a second cycle does nothing.
		wantEqual(t, "advanced before the timeout", e.advance(t), 0)
		e.Clock.Advance(5 * time.Minute)
		wantEqual(t, "advanced at the timeout", e.advance(t), 1)
		wantEqual(t, "level 2 pages to Bo", e.pages(t, inc.ID, e.bo.UserID), int64(1))
		wantEqual(t, "IncidentEscalated events", e.events(t, inc.ID, models.EventIncidentEscalated), int64(1))
		row = e.escalation(t, inc.ID)
		wantEqual(t, "level", row.Level, 1)
		_, err := e.Store.AcknowledgeIncident(ctx, e.bo, inc.ID)
		mustNoErr(t, err)
		row = e.escalation(t, inc.ID)
		if row.State != models.EscalationAcknowledged || row.NextStepAt != nil {
			t.Fatalf("after acknowledge: %+v", row)
		}
		e.Clock.Advance(time.Hour)
		wantEqual(t, "advanced after acknowledge", e.advance(t), 0)
		wantEqual(t, "pages after acknowledge", e.MustCount(t, "notifications", "incident_id = ?", inc.ID), int64(2))
		// Resolving stops it for good.
		_, err = e.Store.ResolveIncident(ctx, e.bo, inc.ID, "")
		mustNoErr(t, err)
		wantEqual(t, "state", e.escalation(t, inc.ID).State, models.EscalationResolved)
	})
}

func TestEscalation_RepeatThenExhausted(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		e.mustPolicy(t, "Solo", 1, level{timeout: 3, users: []string{e.ana.UserID}})
		inc := e.MustIncident(t, e.member, e.comp.ID, "Latency", models.SeverityMedium)
		e.advance(t)
		e.Clock.Advance(3 * time.Minute)
		e.advance(t)
		wantEqual(t, "pages after one repeat", e.pages(t, inc.ID, e.ana.UserID), int64(2))
		if !e.timelineHas(t, inc.ID, "(repeat 1 of 1)") {
			t.Fatal("the repeat is not on the timeline")
		}
		wantEqual(t, "repeats_done", e.escalation(t, inc.ID).RepeatsDone, 1)
		e.Clock.Advance(3 * time.Minute)
		e.advance(t)
		row := e.escalation(t, inc.ID)
		if row.State != models.EscalationExhausted || row.NextStepAt != nil {
			t.Fatalf("after the last repeat: %+v", row)
		}
		wantEqual(t, "pages at the end", e.pages(t, inc.ID, e.ana.UserID), int64(2))
		if !e.timelineHas(t, inc.ID, "Escalation exhausted") {
			t.Fatal("exhaustion is not on the timeline")
		}
		var got models.Incident
		mustNoErr(t, e.DB.Where("id = ?", inc.ID).Take(&got).Error)
		if got.UnreachedAt != nil {
			t.Fatal("an exhausted page that reached Ana is flagged as unreached")
		}
	})
}

func TestEscalation_GapMovesOnAndUnreachedMailsAdmins(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		// A schedule that starts tomorrow: nobody is on call now.
		later := e.mustSchedule(t, "Weekend", e.Clock.Now().Add(48*time.Hour), e.ana.UserID)
		e.mustPolicy(t, "Gappy", 0, level{timeout: 5, schedules: []string{later}}, level{timeout: 5, users: []string{e.bo.UserID}})
		inc := e.MustIncident(t, e.member, e.comp.ID, "Gap", models.SeverityLow)
		e.advance(t)
		wantEqual(t, "Bo paged at once", e.pages(t, inc.ID, e.bo.UserID), int64(1))
		if !e.timelineHas(t, inc.ID, "nobody is on call on Weekend") {
			t.Fatal("the gap is not on the timeline")
		}
		wantEqual(t, "level", e.escalation(t, inc.ID).Level, 1)

		// A policy that reaches nobody at all.
		e.mustPolicy(t, "Nobody", 0, level{timeout: 5, schedules: []string{later}})
		inc2 := e.MustIncident(t, e.member, e.comp.ID, "Unreached", models.SeverityCritical)
		e.advance(t)
		var got models.Incident
		mustNoErr(t, e.DB.Where("id = ?", inc2.ID).Take(&got).Error)
		if got.UnreachedAt == nil {
			t.Fatal("a page that reached nobody is not flagged")
		}
		wantEqual(t, "state", e.escalation(t, inc2.ID).State, models.EscalationExhausted)
		// The account's owner (the system administrator who made it) is mailed.
		if n := e.MustCount(t, "mail_messages", "account_id = ? AND kind = 'notice' AND to_address = ?", e.acc.ID, e.Admin.Email); n != 1 {
			t.Fatalf("%d notices to the admin, want 1", n)
		}
	})
}

func TestEscalation_UnacknowledgeSnoozeReassignEscalate(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Platform", 0, level{timeout: 5, users: []string{e.ana.UserID}}, level{timeout: 5, users: []string{e.bo.UserID}})
		inc := e.MustIncident(t, e.member, e.comp.ID, "Errors", models.SeverityHigh)
		e.advance(t)

		// Escalate now: level 2 without waiting.
		_, err := e.Store.EscalateIncident(ctx, e.ana, inc.ID)
		mustNoErr(t, err)
		e.advance(t)
		wantEqual(t, "Bo paged by escalate-now", e.pages(t, inc.ID, e.bo.UserID), int64(1))

		// Acknowledge, then un-acknowledge: level 1 again, at once.
		_, err = e.Store.AcknowledgeIncident(ctx, e.ana, inc.ID)
		mustNoErr(t, err)
		_, err = e.Store.UnacknowledgeIncident(ctx, e.ana, inc.ID)
		mustNoErr(t, err)
		_, err = e.Store.UnacknowledgeIncident(ctx, e.ana, inc.ID)
		wantCode(t, err, models.ECONFLICT)
		wantEqual(t, "IncidentUnacknowledged events", e.events(t, inc.ID, models.EventIncidentUnacknowledged), int64(1))
		e.advance(t)
		wantEqual(t, "Ana paged again", e.pages(t, inc.ID, e.ana.UserID), int64(2))
		wantEqual(t, "level", e.escalation(t, inc.ID).Level, 0)

		// Snooze: acknowledged now, triggered again after the snooze.
		_, err = e.Store.SnoozeIncident(ctx, e.ana, inc.ID, 0)
		wantField(t, err, models.EINVALID, "minutes")
		got, err := e.Store.SnoozeIncident(ctx, e.ana, inc.ID, 10)
		mustNoErr(t, err)
		wantEqual(t, "status while snoozed", got.Status, models.IncidentAcknowledged)
		wantEqual(t, "state", e.escalation(t, inc.ID).State, models.EscalationSnoozed)
		e.Clock.Advance(9 * time.Minute)
		wantEqual(t, "advanced during the snooze", e.advance(t), 0)
		e.Clock.Advance(time.Minute)
		wantEqual(t, "advanced at the snooze's end", e.advance(t), 1)
		cur, err := e.Store.GetIncident(ctx, e.ana, inc.ID)
		mustNoErr(t, err)
		wantEqual(t, "status after the snooze", cur.Status, models.IncidentTriggered)
		wantEqual(t, "Ana paged after the snooze", e.pages(t, inc.ID, e.ana.UserID), int64(3))

		// Reassign: Bo is the assignee and is paged now.
		_, err = e.Store.ReassignIncident(ctx, e.ana, inc.ID, uuid.NewString())
		wantField(t, err, models.ENOTFOUND, "userId")
		got, err = e.Store.ReassignIncident(ctx, e.ana, inc.ID, e.bo.UserID)
		mustNoErr(t, err)
		if got.AssigneeUserID == nil || *got.AssigneeUserID != e.bo.UserID {
			t.Fatalf("assignee %v", got.AssigneeUserID)
		}
		wantEqual(t, "Bo paged by reassign", e.pages(t, inc.ID, e.bo.UserID), int64(2))
		wantEqual(t, "IncidentReassigned events", e.events(t, inc.ID, models.EventIncidentReassigned), int64(1))
		if !e.timelineHas(t, inc.ID, "Reassigned to "+e.bo.UserName) {
			t.Fatal("the reassignment is not on the timeline")
		}
		// Reassigning an acknowledged incident still tells the new assignee (an escalation's
		// page would be cancelled at claim time; a reassignment's is not).
		_, err = e.Store.AcknowledgeIncident(ctx, e.ana, inc.ID)
		mustNoErr(t, err)
		_, err = e.Store.ReassignIncident(ctx, e.ana, inc.ID, e.ana.UserID)
		mustNoErr(t, err)
		var claimed int
		for _, o := range mustClaim(t, e) {
			if o.UserID == e.ana.UserID && o.EscalationLevel == nil {
				claimed++
			}
		}
		wantEqual(t, "reassignment pages claimed while acknowledged", claimed, 1)
		// No step was taken twice: every page has its own step.
		wantEqual(t, "duplicate steps", e.MustCount(t, "(SELECT escalation_step, user_id, contact_method_id FROM notifications WHERE incident_id = '"+inc.ID+"' GROUP BY escalation_step, user_id, contact_method_id HAVING count(*) > 1) d", "1 = 1"), int64(0))
	})
}

func TestEscalation_DelayedRuleCancelledByAcknowledge(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		now := e.Clock.Now()
		ntfy := models.ContactMethod{ID: uuid.NewString(), UserID: e.ana.UserID, Kind: models.ContactNtfy, Address: "https://ntfy.example/ana",
			VerifiedAt: &now, CreatedAt: now, UpdatedAt: now}
		mustNoErr(t, e.DB.Create(&ntfy).Error)
		// Ana's primary method exists once she is paged; rules: email at once, ntfy after 5 min.
		mustNoErr(t, e.DB.Exec(`INSERT INTO contact_methods (id, user_id, kind, label, address, is_primary, verified_at, disabled, created_at, updated_at)
			SELECT id, id, 'email', 'Account email', '', ?, ?, ?, ?, ? FROM users WHERE id = ? AND NOT EXISTS (SELECT 1 FROM contact_methods WHERE id = users.id)`,
			true, now, false, now, now, e.ana.UserID).Error)
		mustNoErr(t, e.DB.Create(&models.NotificationRule{ID: uuid.NewString(), UserID: e.ana.UserID, ContactMethodID: e.ana.UserID, DelayMinutes: 0, CreatedAt: now}).Error)
		mustNoErr(t, e.DB.Create(&models.NotificationRule{ID: uuid.NewString(), UserID: e.ana.UserID, ContactMethodID: ntfy.ID, DelayMinutes: 5, CreatedAt: now}).Error)
		e.mustPolicy(t, "Rules", 0, level{timeout: 30, users: []string{e.ana.UserID}})
		inc := e.MustIncident(t, e.member, e.comp.ID, "Slow", models.SeverityHigh)
		e.advance(t)
		if !e.timelineHas(t, inc.ID, "(email, ntfy after 5 min)") {
			t.Fatal("the plan is not on the timeline")
		}
		var n models.Notification
		mustNoErr(t, e.DB.Where("incident_id = ? AND channel = 'ntfy'", inc.ID).Take(&n).Error)
		if !n.NotBefore.Equal(now.Add(5*time.Minute)) && n.NotBefore.Sub(now.Add(5*time.Minute)).Abs() > time.Millisecond {
			t.Fatalf("not_before %v, want %v", n.NotBefore, now.Add(5*time.Minute))
		}
		_, err := e.Store.AcknowledgeIncident(ctx, e.ana, inc.ID)
		mustNoErr(t, err)
		mustNoErr(t, e.DB.Where("id = ?", n.ID).Take(&n).Error)
		wantEqual(t, "the delayed ntfy page", n.Status, models.NotificationCancelled)
	})
}

func TestNotifications_BundleRetryAndFail(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		e.mustPolicy(t, "Storm", 0, level{timeout: 30, users: []string{e.ana.UserID}})
		a := e.MustIncident(t, e.member, e.comp.ID, "Storm A", models.SeverityHigh)
		b := e.MustIncident(t, e.member, e.comp.ID, "Storm B", models.SeverityCritical)
		e.advance(t)
		out, err := e.Store.ClaimNotifications(ctx, 100)
		mustNoErr(t, err)
		if len(out) != 1 || len(out[0].Items) != 2 || len(out[0].Incidents) != 2 {
			t.Fatalf("claimed %d messages; want one bundle of two pages", len(out))
		}
		wantEqual(t, "bundled rows", e.MustCount(t, "notifications", "status = 'bundled' AND bundle_id = ?", out[0].ID), int64(1))
		subject, text, html := models.PageMail(out[0])
		if !strings.Contains(subject, "2 incidents") || !strings.Contains(text, "Storm A") || !strings.Contains(text, "Storm B") || !strings.Contains(html, "Acknowledge") {
			t.Fatalf("bundle mail: %q\n%s", subject, text)
		}
		if !strings.Contains(text, "https://switchboard.example/links/") {
			t.Fatalf("no signed link in the mail:\n%s", text)
		}
		// A temporary failure is retried and on both timelines; the last attempt fails it.
		mustNoErr(t, e.Store.FinishNotification(ctx, out[0], models.NotificationResult{Err: errString("550 mailbox busy"), RetryIn: time.Minute}))
		for _, id := range []string{a.ID, b.ID} {
			if !e.timelineHas(t, id, "failed: 550 mailbox busy, retrying") {
				t.Fatal("the failure is not on the timeline")
			}
		}
		wantEqual(t, "claimed before the retry", len(mustClaim(t, e)), 0)
		e.Clock.Advance(time.Minute)
		for i := 2; i <= models.NotificationMaxAttempts; i++ {
			got := mustClaim(t, e)
			if len(got) != 1 {
				t.Fatalf("attempt %d: claimed %d", i, len(got))
			}
			mustNoErr(t, e.Store.FinishNotification(ctx, got[0], models.NotificationResult{Err: errString("connection refused"), RetryIn: time.Minute}))
			e.Clock.Advance(time.Minute)
		}
		var n models.Notification
		mustNoErr(t, e.DB.Where("id = ?", out[0].ID).Take(&n).Error)
		wantEqual(t, "status after the last attempt", n.Status, models.NotificationFailed)
		wantEqual(t, "attempt rows", e.MustCount(t, "notification_attempts", "notification_id = ?", n.ID), int64(models.NotificationMaxAttempts))

		// A page within the window of the last message to the same place waits, then leaves
		// with whatever joined it.
		c := e.MustIncident(t, e.member, e.comp.ID, "Storm C", models.SeverityHigh)
		e.advance(t)
		first := mustClaim(t, e)
		wantEqual(t, "first message", len(first), 1)
		mustNoErr(t, e.Store.FinishNotification(ctx, first[0], models.NotificationResult{Answer: "250 OK"}))
		d := e.MustIncident(t, e.member, e.comp.ID, "Storm D", models.SeverityHigh)
		f := e.MustIncident(t, e.member, e.comp.ID, "Storm E", models.SeverityHigh)
		e.Clock.Advance(5 * time.Second)
		e.advance(t)
		wantEqual(t, "claimed within the window", len(mustClaim(t, e)), 0)
		e.Clock.Advance(models.DefaultBundleWindow)
		got := mustClaim(t, e)
		if len(got) != 1 || len(got[0].Items) != 2 {
			t.Fatalf("after the window: %d messages", len(got))
		}
		_ = c
		_, _ = d, f
	})
}

type errString string

func (e errString) Error() string { return string(e) }

func mustClaim(tb testing.TB, e *engineFixture) []*models.OutgoingNotification {
	tb.Helper()
	out, err := e.Store.ClaimNotifications(context.Background(), 100)
	mustNoErr(tb, err)
	return out
}

func TestEscalation_SetPolicyAndExplicitPolicy(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		pa := e.mustPolicy(t, "A", 0, level{timeout: 5, users: []string{e.ana.UserID}})
		pb := e.mustPolicy(t, "B", 0, level{timeout: 5, users: []string{e.bo.UserID}})
		mustNoErr(t, e.DB.Model(&models.Component{}).Where("id = ?", e.comp.ID).Update("escalation_policy_id", pa).Error)
		inc, err := e.Store.CreateIncident(ctx, e.member, models.IncidentInput{ComponentID: e.comp.ID, Title: "Explicit", Severity: models.SeverityLow, EscalationPolicyID: &pb})
		mustNoErr(t, err)
		_, err = e.Store.CreateIncident(ctx, e.member, models.IncidentInput{ComponentID: e.comp.ID, Title: "Bad", Severity: models.SeverityLow, EscalationPolicyID: ptr(uuid.NewString())})
		wantField(t, err, models.ENOTFOUND, "escalationPolicyId")
		e.advance(t)
		wantEqual(t, "Bo paged by the incident's policy", e.pages(t, inc.ID, e.bo.UserID), int64(1))
		src, err := e.Store.PolicySource(ctx, inc)
		mustNoErr(t, err)
		wantEqual(t, "source", src, models.PolicyFromIncident)
		_, err = e.Store.SetIncidentPolicy(ctx, e.ana, inc.ID, nil)
		mustNoErr(t, err)
		e.advance(t)
		wantEqual(t, "Ana paged by the component's policy", e.pages(t, inc.ID, e.ana.UserID), int64(1))
	})
}

func TestShiftNotices(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		now := e.Clock.Now()
		// Move the clock to 30 s before the next 09:00 UTC hand-off.
		next := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, time.UTC)
		if !next.After(now.Add(time.Minute)) {
			next = next.Add(24 * time.Hour)
		}
		e.Clock.Advance(next.Add(-30 * time.Second).Sub(now))
		sch := e.mustSchedule(t, "Primary", next.Add(-72*time.Hour), e.ana.UserID, e.bo.UserID)
		n, err := e.Store.NoticeShifts(ctx)
		mustNoErr(t, err)
		wantEqual(t, "notices", n, 1)
		n, err = e.Store.NoticeShifts(ctx)
		mustNoErr(t, err)
		wantEqual(t, "notices on a second run", n, 0)
		wantEqual(t, "claimed before the start", len(mustClaim(t, e)), 0)
		e.Clock.Advance(30 * time.Second)
		out := mustClaim(t, e)
		if len(out) != 1 || out[0].Reason != models.NotifyShiftStart || out[0].ScheduleName != "Primary" {
			t.Fatalf("claimed %+v", out)
		}
		mustNoErr(t, e.Store.SendNotificationMail(ctx, out[0]))
		var m models.Mail
		mustNoErr(t, e.DB.Where("to_address = ? AND kind = 'notice'", out[0].Recipient).Take(&m).Error)
		if !strings.Contains(m.Subject, "Your on-call shift on Primary starts") {
			t.Fatalf("notice subject %q", m.Subject)
		}
		var got models.Notification
		mustNoErr(t, e.DB.Where("id = ?", out[0].ID).Take(&got).Error)
		wantEqual(t, "status in kept mode", got.Status, models.NotificationKept)

		// An override hands a shift to Ana: she is told when it starts.
		at := e.Clock.Now().Add(40 * time.Second)
		mustNoErr(t, e.DB.Create(&models.ScheduleOverride{ID: uuid.NewString(), ScheduleID: sch, UserID: e.ana.UserID, StartsAt: at, EndsAt: at.Add(time.Hour), CreatedAt: at}).Error)
		n, err = e.Store.NoticeShifts(ctx)
		mustNoErr(t, err)
		wantEqual(t, "hand-off notices", n, 1)
		wantEqual(t, "hand-off rows", e.MustCount(t, "notifications", "reason = 'handoff' AND user_id = ? AND schedule_id = ?", e.ana.UserID, sch), int64(1))
	})
}

func TestEscalation_PolicyPrecedence(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		comp := e.mustPolicy(t, "Component", 0, level{timeout: 5, users: []string{e.ana.UserID}})
		integPolicy := e.mustPolicy(t, "Integration", 0, level{timeout: 5, users: []string{e.bo.UserID}})
		rulePolicy := e.mustPolicy(t, "Rule", 0, level{timeout: 5, users: []string{e.bo.UserID}})
		mustNoErr(t, e.DB.Model(&models.Component{}).Where("id = ?", e.comp.ID).Update("escalation_policy_id", comp).Error)
		integ, _ := e.MustIntegration(t, e.acc.ID, e.comp.ID, "prod")
		now := e.Clock.Now()
		withPolicy := models.IntegrationRoute{ID: uuid.NewString(), IntegrationID: integ.ID, Name: "db", Conditions: "[]", ComponentID: e.comp.ID,
			EscalationPolicyID: &rulePolicy, CreatedAt: now, UpdatedAt: now}
		without := models.IntegrationRoute{ID: uuid.NewString(), IntegrationID: integ.ID, Position: 1, Name: "rest", Conditions: "[]", ComponentID: e.comp.ID, CreatedAt: now, UpdatedAt: now}
		mustNoErr(t, e.DB.Create(&withPolicy).Error)
		mustNoErr(t, e.DB.Create(&without).Error)
		src := func(inc *models.Incident) string {
			s, err := e.Store.PolicySource(ctx, inc)
			mustNoErr(t, err)
			return s
		}
		inc := &models.Incident{ComponentID: e.comp.ID, AccountID: e.acc.ID}
		wantEqual(t, "no integration", src(inc), models.PolicyFromComponent)
		inc.IntegrationID = &integ.ID
		wantEqual(t, "integration without a policy", src(inc), models.PolicyFromComponent)
		mustNoErr(t, e.DB.Model(&models.AWSIntegration{}).Where("id = ?", integ.ID).Update("escalation_policy_id", integPolicy).Error)
		wantEqual(t, "integration", src(inc), models.PolicyFromIntegration)
		inc.RouteID = &without.ID
		wantEqual(t, "a rule without a policy", src(inc), models.PolicyFromIntegration)
		inc.RouteID = &withPolicy.ID
		wantEqual(t, "rule", src(inc), models.PolicyFromRule)
		inc.EscalationPolicyID = &comp
		wantEqual(t, "incident", src(inc), models.PolicyFromIncident)
	})
}

func TestNotifications_EndpointOnly(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		e := mustEngine(t, db)
		ctx := context.Background()
		ep, _ := e.MustEndpoint(t, e.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: e.acc.ID}, "SMS gateway", false)
		// Added after Bo's email (methods are listed by creation, then id: a random id at the
		// same instant made the order, and the timeline below, a coin toss).
		now := e.Clock.Now().Add(time.Second)
		mustNoErr(t, e.DB.Create(&models.ContactMethod{ID: uuid.NewString(), UserID: e.bo.UserID, Kind: models.ContactEndpoint, EndpointID: &ep.ID,
			VerifiedAt: &now, CreatedAt: now, UpdatedAt: now}).Error)
		// A matching webhook must not receive the page: it goes to Bo's endpoint only.
		other, _ := e.MustEndpoint(t, e.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: e.acc.ID}, "Other", false)
		e.MustWebhook(t, e.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: e.acc.ID}, "all", []string{models.EventIncidentOpened}, []string{other.ID}, nil)
		e.mustPolicy(t, "Gateway", 0, level{timeout: 5, users: []string{e.bo.UserID}})
		inc := e.MustIncident(t, e.member, e.comp.ID, "Pager", models.SeverityCritical)
		e.Enq.Take()
		e.advance(t)
		if !e.timelineHas(t, inc.ID, "(email, endpoint)") {
			t.Fatal("the endpoint method is not paged")
		}
		var sent int
		for _, o := range mustClaim(t, e) {
			if o.Channel != models.ContactEndpoint {
				continue
			}
			if o.Recipient != "SMS gateway" {
				t.Fatalf("recipient %q", o.Recipient)
			}
			mustNoErr(t, e.Store.SendNotificationEndpoint(ctx, o))
			sent++
			var n models.Notification
			mustNoErr(t, e.DB.Where("id = ?", o.ID).Take(&n).Error)
			if n.Status != models.NotificationSent || n.DeliveryID == nil {
				t.Fatalf("endpoint notification %s %v", n.Status, n.DeliveryID)
			}
			var d models.Delivery
			mustNoErr(t, e.DB.Where("id = ?", *n.DeliveryID).Take(&d).Error)
			if d.EndpointID == nil || *d.EndpointID != ep.ID || d.EventName != models.PageEventName || !strings.Contains(string(d.Payload), "SCALR_PAGE_USER_ID") {
				t.Fatalf("delivery %+v", d)
			}
			if ids := e.Enq.Take(); len(ids) != 1 || ids[0] != d.ID {
				t.Fatalf("enqueued %v", ids)
			}
		}
		wantEqual(t, "endpoint pages", sent, 1)
		wantEqual(t, "page deliveries to other endpoints", e.MustCount(t, "deliveries", "event_name = ? AND endpoint_id = ?", models.PageEventName, other.ID), int64(0))
	})
}

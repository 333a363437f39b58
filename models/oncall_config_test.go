package models_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/netguard"
	"github.com/switchboard-hub/switchboard/models/schedule"
)

// onCallFixture is an installed store with an account, an admin (the installation's), a member
// ana, a viewer vic, and public URL and link key set (verification links).
type onCallFixture struct {
	*domainFixture
	Acc      string
	Ana, Vic *models.Actor
	AnaM     *models.Membership
}

func mustOnCall(tb testing.TB, db *models.DB) *onCallFixture {
	tb.Helper()
	f := MustDomain(tb, db)
	f.Store.SetPublicURL("https://sb.example")
	mustNoErr(tb, f.Store.SetLinkKey(mustRandom(tb, 32)))
	ana, anaM := f.MustMember(tb, f.Account.ID, "ana@example.com", models.RoleMember)
	vic, _ := f.MustMember(tb, f.Account.ID, "vic@example.com", models.RoleViewer)
	return &onCallFixture{domainFixture: f, Acc: f.Account.ID, Ana: ana, Vic: vic, AnaM: anaM}
}

func strp(s string) *string { return &s }
func intp(i int) *int       { return &i }

// weeklyLayer is a weekly rotation of the people from start, handed off Mondays 09:00.
func weeklyLayer(start time.Time, people ...string) models.LayerInput {
	return models.LayerInput{Rotation: schedule.Weekly, Length: 1, HandOff: "09:00", HandOffDay: intp(1), ParticipantIDs: people, StartsAt: start}
}

func (f *onCallFixture) mustSchedule(tb testing.TB, name string, layers ...models.LayerInput) *models.Schedule {
	tb.Helper()
	sch, err := f.Store.CreateSchedule(context.Background(), f.AdminActor, f.Acc, models.ScheduleInput{
		Name: &name, TimeZone: strp("Europe/Berlin"), Layers: &layers,
	})
	if err != nil {
		tb.Fatalf("create schedule %q: %v", name, err)
	}
	return sch
}

func (f *onCallFixture) mustPolicy(tb testing.TB, name string, levels ...models.LevelInput) *models.EscalationPolicy {
	tb.Helper()
	p, err := f.Store.CreateEscalationPolicy(context.Background(), f.AdminActor, f.Acc, models.PolicyInput{Name: &name, Levels: &levels})
	if err != nil {
		tb.Fatalf("create policy %q: %v", name, err)
	}
	return p
}

// onCallRows counts every on-call configuration row, to prove a refusal changed nothing.
func (f *onCallFixture) onCallRows(tb testing.TB) string {
	tb.Helper()
	var parts []string
	for _, t := range []string{"contact_methods", "notification_rules", "schedules", "schedule_layers", "schedule_overrides",
		"escalation_policies", "escalation_levels", "escalation_targets", "memberships", "mail_messages"} {
		parts = append(parts, t+"="+itoa(f.MustCount(tb, t, "")))
	}
	var layers []models.ScheduleLayer
	mustNoErr(tb, f.DB.Order("id").Find(&layers).Error)
	for _, l := range layers {
		parts = append(parts, l.ID+":"+l.Participants+l.HandOff)
	}
	return strings.Join(parts, " ")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOnCallBadInput: each bad input of issue 10 gives a typed error and changes nothing.
func TestOnCallBadInput(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		start := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
		sch := f.mustSchedule(t, "Primary", weeklyLayer(start, f.Ana.UserID))
		pol := f.mustPolicy(t, "Platform", models.LevelInput{TimeoutMinutes: 5, Targets: []models.TargetInput{{ScheduleID: &sch.ID}}})
		stranger, _ := f.MustMember(t, f.MustAccount(t, "Other").ID, "stranger@example.com", models.RoleOwner)
		f.Store.SetOutboundGuard(netguard.New(nil, nil), nil)
		before := f.onCallRows(t)
		update := func(ls ...models.LayerInput) error {
			_, err := f.Store.UpdateSchedule(ctx, f.AdminActor, sch.ID, models.ScheduleInput{Layers: &ls})
			return err
		}
		noPeople := weeklyLayer(start)
		wantField(t, update(noPeople), models.EINVALID, "layers.0.participantIds")
		badHand := weeklyLayer(start, f.Ana.UserID)
		badHand.HandOff = "25:00"
		wantField(t, update(weeklyLayer(start, f.Ana.UserID), badHand), models.EINVALID, "layers.1.handOff")
		wantField(t, update(weeklyLayer(start, stranger.UserID)), models.EINVALID, "layers.0.participantIds")
		badRestriction := weeklyLayer(start, f.Ana.UserID)
		badRestriction.Restrictions = []models.LayerRestriction{{From: "9am", To: "17:00"}}
		wantField(t, update(badRestriction), models.EINVALID, "layers.0.restrictions.0.from")
		endsFirst := weeklyLayer(start, f.Ana.UserID)
		endsFirst.EndsAt = &start
		wantField(t, update(endsFirst), models.EINVALID, "layers.0.endsAt")
		_, err := f.Store.UpdateSchedule(ctx, f.AdminActor, sch.ID, models.ScheduleInput{TimeZone: strp("Mars/Olympus")})
		wantField(t, err, models.EINVALID, "timeZone")
		_, err = f.Store.CreateSchedule(ctx, f.AdminActor, f.Acc, models.ScheduleInput{Name: strp("X"), TimeZone: strp("Local")})
		wantField(t, err, models.EINVALID, "timeZone")

		for _, timeout := range []int{0, 10081} {
			_, err = f.Store.CreateEscalationPolicy(ctx, f.AdminActor, f.Acc, models.PolicyInput{Name: strp("T"),
				Levels: &[]models.LevelInput{{TimeoutMinutes: timeout, Targets: []models.TargetInput{{UserID: &f.Ana.UserID}}}}})
			wantField(t, err, models.EINVALID, "levels.0.timeoutMinutes")
		}
		_, err = f.Store.CreateEscalationPolicy(ctx, f.AdminActor, f.Acc, models.PolicyInput{Name: strp("T"), Levels: &[]models.LevelInput{}})
		wantField(t, err, models.EINVALID, "levels")
		_, err = f.Store.UpdateEscalationPolicy(ctx, f.AdminActor, pol.ID, models.PolicyInput{Repeat: intp(10)})
		wantField(t, err, models.EINVALID, "repeat")
		_, err = f.Store.UpdateEscalationPolicy(ctx, f.AdminActor, pol.ID, models.PolicyInput{Levels: &[]models.LevelInput{{TimeoutMinutes: 5}}})
		wantField(t, err, models.EINVALID, "levels.0.targets")
		_, err = f.Store.UpdateEscalationPolicy(ctx, f.AdminActor, pol.ID, models.PolicyInput{Levels: &[]models.LevelInput{{TimeoutMinutes: 5,
			Targets: []models.TargetInput{{UserID: &stranger.UserID}}}}})
		wantField(t, err, models.EINVALID, "levels.0.targets.0.userId")

		_, err = f.Store.CreateScheduleOverride(ctx, f.Ana, models.OverrideInput{ScheduleID: sch.ID, UserID: f.Ana.UserID,
			StartsAt: start.Add(time.Hour), EndsAt: start})
		wantField(t, err, models.EINVALID, "endsAt")

		err = f.Store.DeleteSchedule(ctx, f.AdminActor, sch.ID)
		wantField(t, err, models.ECONFLICT, "")
		wantMessage(t, err, `"Platform"`)
		err = f.Store.RemoveMember(ctx, f.AdminActor, f.AnaM.ID)
		wantField(t, err, models.ECONFLICT, "")
		wantMessage(t, err, "ana@example.com", `"Primary"`)

		for _, c := range []struct {
			kind models.ContactKind
			addr string
		}{
			{models.ContactEmail, "not an address"}, {models.ContactEmail, "Ana <ana@example.com>"},
			{models.ContactNtfy, "ftp://ntfy.sh/topic"}, {models.ContactNtfy, "https://ntfy.sh/"}, {models.ContactNtfy, "https://ntfy.sh/a/b"},
			{models.ContactNtfy, "https://user:pw@ntfy.sh/topic"}, {models.ContactNtfy, "https://ntfy.sh/topic?x=1"},
			// Addresses the outbound guard refuses.
			{models.ContactNtfy, "http://169.254.169.254/topic"}, {models.ContactNtfy, "http://[::1]:8080/topic"},
			{models.ContactSlackDM, "ana"},
		} {
			_, err = f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: c.kind, Address: &c.addr})
			wantField(t, err, models.EINVALID, "address")
		}
		_, err = f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactEndpoint, EndpointID: strp("0190c4c5-0000-7000-8000-000000000000")})
		wantField(t, err, models.ENOTFOUND, "endpointId")
		// The primary method cannot go.
		err = f.Store.DeleteContactMethod(ctx, f.Ana, f.Ana.UserID)
		wantField(t, err, models.EINVALID, "")
		_, err = f.Store.UpdateContactMethod(ctx, f.Ana, f.Ana.UserID, models.ContactMethodUpdate{Disabled: new(bool)})
		mustNoErr(t, err)
		yes := true
		_, err = f.Store.UpdateContactMethod(ctx, f.Ana, f.Ana.UserID, models.ContactMethodUpdate{Disabled: &yes})
		wantField(t, err, models.EINVALID, "disabled")
		_, err = f.Store.SetNotificationRules(ctx, f.Ana, []models.RuleInput{{ContactMethodID: f.Ana.UserID, DelayMinutes: 1441}})
		wantField(t, err, models.EINVALID, "rules.0.delayMinutes")
		_, err = f.Store.SetNotificationRules(ctx, f.Ana, []models.RuleInput{{ContactMethodID: f.Ana.UserID}, {ContactMethodID: f.Ana.UserID}})
		wantField(t, err, models.EINVALID, "rules.1")
		_, err = f.Store.SetNotificationRules(ctx, f.Ana, []models.RuleInput{{ContactMethodID: f.Vic.UserID}})
		wantField(t, err, models.ENOTFOUND, "rules.0.contactMethodId")

		// A viewer reads but cannot edit; a member cannot edit schedules or policies.
		for _, a := range []*models.Actor{f.Vic, f.Ana} {
			_, err = f.Store.UpdateSchedule(ctx, a, sch.ID, models.ScheduleInput{Name: strp("Mine")})
			wantField(t, err, models.EFORBIDDEN, "")
			_, err = f.Store.UpdateEscalationPolicy(ctx, a, pol.ID, models.PolicyInput{Name: strp("Mine")})
			wantField(t, err, models.EFORBIDDEN, "")
			_, _, err = f.Store.SetEscalationPolicy(ctx, a, f.MustComponent(t, f.Acc, "api-"+a.UserID).ID, nil)
			wantField(t, err, models.EFORBIDDEN, "")
		}
		_, err = f.Store.CreateScheduleOverride(ctx, f.Vic, models.OverrideInput{ScheduleID: sch.ID, UserID: f.Vic.UserID, StartsAt: start, EndsAt: start.Add(time.Hour)})
		wantField(t, err, models.EFORBIDDEN, "")
		_, _, err = f.Store.CreateCalendarFeed(ctx, f.Vic, f.Acc, nil)
		wantField(t, err, models.EFORBIDDEN, "")
		if _, err := f.Store.ListSchedules(ctx, f.Vic, f.Acc); err != nil {
			t.Fatalf("a viewer reads schedules: %v", err)
		}

		if after := f.onCallRows(t); after != before {
			// Components were added by the permission checks above, which onCallRows does not count.
			t.Fatalf("a refused change changed something:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestPolicyInUse: a policy attached to a component or integration cannot be deleted; the error
// names them; detaching lets it go.
func TestPolicyInUse(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		pol := f.mustPolicy(t, "Platform", models.LevelInput{TimeoutMinutes: 5, Targets: []models.TargetInput{{UserID: &f.Ana.UserID}}})
		comp := f.MustComponent(t, f.Acc, "checkout")
		integ, _ := f.MustIntegration(t, f.Acc, comp.ID, "prod-alarms")
		c, i, err := f.Store.SetEscalationPolicy(ctx, f.AdminActor, comp.ID, &pol.ID)
		mustNoErr(t, err)
		if c == nil || i != nil || deref(c.EscalationPolicyID) != pol.ID {
			t.Fatalf("attach to component: %+v %+v", c, i)
		}
		_, i, err = f.Store.SetEscalationPolicy(ctx, f.AdminActor, integ.ID, &pol.ID)
		mustNoErr(t, err)
		if i == nil || deref(i.EscalationPolicyID) != pol.ID {
			t.Fatalf("attach to integration: %+v", i)
		}
		// Another account's policy cannot be attached.
		other := f.MustAccount(t, "Other")
		otherName := "Theirs"
		op, err := f.Store.CreateEscalationPolicy(ctx, f.AdminActor, other.ID, models.PolicyInput{Name: &otherName,
			Levels: &[]models.LevelInput{{TimeoutMinutes: 5, Targets: []models.TargetInput{{UserID: &f.AdminActor.UserID}}}}})
		mustNoErr(t, err)
		_, _, err = f.Store.SetEscalationPolicy(ctx, f.AdminActor, comp.ID, &op.ID)
		wantField(t, err, models.ENOTFOUND, "policyId")

		err = f.Store.DeleteEscalationPolicy(ctx, f.AdminActor, pol.ID)
		wantField(t, err, models.ECONFLICT, "")
		wantMessage(t, err, `"checkout"`, `"prod-alarms"`)
		wantEqual(t, "policies", f.MustCount(t, "escalation_policies", "id = ?", pol.ID), 1)

		_, _, err = f.Store.SetEscalationPolicy(ctx, f.AdminActor, comp.ID, nil)
		mustNoErr(t, err)
		_, _, err = f.Store.SetEscalationPolicy(ctx, f.AdminActor, integ.ID, nil)
		mustNoErr(t, err)
		// A routing rule of the integration that names the policy still uses it.
		_, err = f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, []models.RouteInput{{Name: "db", ComponentID: comp.ID, EscalationPolicyID: &pol.ID}})
		mustNoErr(t, err)
		err = f.Store.DeleteEscalationPolicy(ctx, f.AdminActor, pol.ID)
		wantField(t, err, models.ECONFLICT, "")
		wantMessage(t, err, `"prod-alarms"`)
		_, err = f.Store.SetRoutes(ctx, f.AdminActor, integ.ID, nil)
		mustNoErr(t, err)
		mustNoErr(t, f.Store.DeleteEscalationPolicy(ctx, f.AdminActor, pol.ID))
		wantEqual(t, "levels left", f.MustCount(t, "escalation_levels", "policy_id = ?", pol.ID), 0)
	})
}

// TestMemberRemovalRefused: a member named by a layer, a future override or a policy target
// cannot be removed; once no longer named, they can.
func TestMemberRemovalRefused(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		now := f.Clock.Now()
		sch := f.mustSchedule(t, "Primary", weeklyLayer(now.Add(-24*time.Hour), f.AdminActor.UserID))
		o, err := f.Store.CreateScheduleOverride(ctx, f.Ana, models.OverrideInput{ScheduleID: sch.ID, UserID: f.Ana.UserID, StartsAt: now.Add(time.Hour), EndsAt: now.Add(2 * time.Hour)})
		mustNoErr(t, err)
		err = f.Store.RemoveMember(ctx, f.AdminActor, f.AnaM.ID)
		wantMessage(t, err, `"Primary"`)
		mustNoErr(t, f.Store.DeleteScheduleOverride(ctx, f.Ana, o.ID))

		pol := f.mustPolicy(t, "Direct", models.LevelInput{TimeoutMinutes: 5, Targets: []models.TargetInput{{UserID: &f.Ana.UserID}}})
		err = f.Store.RemoveMember(ctx, f.AdminActor, f.AnaM.ID)
		wantField(t, err, models.ECONFLICT, "")
		wantMessage(t, err, `"Direct"`)
		_, err = f.Store.UpdateEscalationPolicy(ctx, f.AdminActor, pol.ID, models.PolicyInput{Levels: &[]models.LevelInput{{TimeoutMinutes: 5,
			Targets: []models.TargetInput{{ScheduleID: &sch.ID}}}}})
		mustNoErr(t, err)
		// A past override does not block.
		_, err = f.Store.CreateScheduleOverride(ctx, f.Ana, models.OverrideInput{ScheduleID: sch.ID, UserID: f.Ana.UserID, StartsAt: now.Add(-3 * time.Hour), EndsAt: now.Add(-2 * time.Hour)})
		mustNoErr(t, err)
		mustNoErr(t, f.Store.RemoveMember(ctx, f.AdminActor, f.AnaM.ID))
	})
}

// TestOnCallNowWithOverrides: the layer's person is on call, an override wins over it, the
// higher layer wins over the lower, and a gap is nobody.
func TestOnCallNowWithOverrides(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		now := f.Clock.Now()
		admin := f.AdminActor.UserID
		daily := models.LayerInput{Rotation: schedule.Daily, Length: 1, HandOff: "00:00", ParticipantIDs: []string{admin}, StartsAt: now.Add(-48 * time.Hour)}
		sch := f.mustSchedule(t, "Primary", daily)
		gap := f.mustSchedule(t, "Later", weeklyLayer(now.Add(30*24*time.Hour), admin))

		who := func() map[string]string {
			t.Helper()
			shifts, err := f.Store.OnCallNow(ctx, f.Vic, f.Acc)
			mustNoErr(t, err)
			out := map[string]string{}
			for _, s := range shifts {
				out[s.ScheduleID] = s.UserID
				if s.Start.After(now) || !s.End.After(now) {
					t.Fatalf("shift %v–%v does not contain now %v", s.Start, s.End, now)
				}
			}
			return out
		}
		got := who()
		if got[sch.ID] != admin || got[gap.ID] != "" || len(got) != 1 {
			t.Fatalf("on call now = %v", got)
		}
		o, err := f.Store.CreateScheduleOverride(ctx, f.Ana, models.OverrideInput{ScheduleID: sch.ID, UserID: f.Ana.UserID, StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)})
		mustNoErr(t, err)
		if got := who(); got[sch.ID] != f.Ana.UserID {
			t.Fatalf("with ana's override, on call = %v", got)
		}
		sh, err := f.Store.OnCallAt(ctx, sch, now)
		mustNoErr(t, err)
		if sh == nil || sh.Override == nil || sh.Override.ID != o.ID || !sh.End.Equal(sh.Override.EndsAt) {
			t.Fatalf("shift now = %+v", sh)
		}
		// After the override: the layer again.
		sh, err = f.Store.OnCallAt(ctx, sch, now.Add(2*time.Hour))
		mustNoErr(t, err)
		if sh == nil || sh.UserID != admin || sh.Layer == nil {
			t.Fatalf("shift after override = %+v", sh)
		}
		// A higher layer with vic wins over the lower layer (the override still wins over both).
		high := daily
		high.ParticipantIDs = []string{f.Vic.UserID}
		_, err = f.Store.UpdateSchedule(ctx, f.AdminActor, sch.ID, models.ScheduleInput{Layers: &[]models.LayerInput{daily, high}})
		mustNoErr(t, err)
		sh, err = f.Store.OnCallAt(ctx, sch, now.Add(2*time.Hour))
		mustNoErr(t, err)
		if sh == nil || sh.UserID != f.Vic.UserID {
			t.Fatalf("higher layer: %+v", sh)
		}
		if got := who(); got[sch.ID] != f.Ana.UserID {
			t.Fatalf("override over layers: %v", got)
		}
		// My shifts: ana's override, in the next day.
		mine, err := f.Store.MyShifts(ctx, f.Ana, f.Acc, 1)
		mustNoErr(t, err)
		if len(mine) != 1 || mine[0].Override == nil {
			t.Fatalf("ana's shifts = %+v", mine)
		}
		// The final schedule over a year and a day is refused.
		_, err = f.Store.FinalSchedule(ctx, sch, now, now.Add(367*24*time.Hour))
		wantField(t, err, models.EINVALID, "to")
	})
}

// TestScheduleLayersKeepIDs: an update that names a layer's id keeps it; others are replaced.
func TestScheduleLayersKeepIDs(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		sch := f.mustSchedule(t, "Primary", weeklyLayer(start, f.Ana.UserID), weeklyLayer(start, f.Vic.UserID))
		ls, err := f.Store.ScheduleLayers(ctx, sch.ID)
		mustNoErr(t, err)
		keep := weeklyLayer(start, f.Vic.UserID, f.Ana.UserID)
		keep.ID = &ls[1].ID
		_, err = f.Store.UpdateSchedule(ctx, f.AdminActor, sch.ID, models.ScheduleInput{Layers: &[]models.LayerInput{keep, weeklyLayer(start, f.Ana.UserID)}})
		mustNoErr(t, err)
		after, err := f.Store.ScheduleLayers(ctx, sch.ID)
		mustNoErr(t, err)
		if len(after) != 2 || after[0].ID != ls[1].ID || after[1].ID == ls[0].ID || len(after[0].ParticipantIDs()) != 2 {
			t.Fatalf("layers after update: %+v", after)
		}
		// An id of another schedule is refused.
		other := f.mustSchedule(t, "Other", weeklyLayer(start, f.Ana.UserID))
		bad := weeklyLayer(start, f.Ana.UserID)
		bad.ID = &after[1].ID
		_, err = f.Store.UpdateSchedule(ctx, f.AdminActor, other.ID, models.ScheduleInput{Layers: &[]models.LayerInput{bad}})
		wantField(t, err, models.ENOTFOUND, "layers.0.id")
	})
}

// TestContactMethodsAndPlan: new users get the primary method; an extra email is unverified
// until its link is used (once); rules shape the contact plan.
func TestContactMethodsAndPlan(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		ms, err := f.Store.ListContactMethods(ctx, f.Ana)
		mustNoErr(t, err)
		if len(ms) != 1 || !ms[0].IsPrimary || ms[0].ID != f.Ana.UserID || ms[0].Address != "ana@example.com" || ms[0].VerifiedAt == nil {
			t.Fatalf("new user's methods = %+v", ms)
		}
		wantEqual(t, "admin's primary", f.MustCount(t, "contact_methods", "id = ? AND is_primary", f.AdminActor.UserID), 1)

		mailsBefore := f.MustCount(t, "mail_messages", "kind = 'verification'")
		extra, err := f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactEmail, Address: strp("ana.home@example.org"), Label: strp("Home")})
		mustNoErr(t, err)
		if extra.VerifiedAt != nil {
			t.Fatal("an extra email is verified before its link is used")
		}
		wantEqual(t, "verification mails", f.MustCount(t, "mail_messages", "kind = 'verification' AND to_address = 'ana.home@example.org'"), mailsBefore+1)
		var m models.Mail
		mustNoErr(t, f.DB.Where("to_address = ?", "ana.home@example.org").Take(&m).Error)
		i := strings.Index(m.TextBody, "https://sb.example/verify/")
		if i < 0 {
			t.Fatalf("no verification link in %q", m.TextBody)
		}
		token := strings.Fields(m.TextBody[i+len("https://sb.example/verify/"):])[0]
		_, err = f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactEmail, Address: strp("ANA@example.com")})
		wantField(t, err, models.ECONFLICT, "address")

		ntfy, err := f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactNtfy, Address: strp("https://ntfy.example/ana-pages/"), Token: strp("tk_secret")})
		mustNoErr(t, err)
		if ntfy.Address != "https://ntfy.example/ana-pages" || ntfy.VerifiedAt == nil || len(ntfy.Secret) == 0 || strings.Contains(string(ntfy.Secret), "tk_secret") {
			t.Fatalf("ntfy method = %+v", ntfy)
		}
		sec, err := f.Store.ContactSecret(ntfy)
		mustNoErr(t, err)
		wantEqual(t, "ntfy token", string(sec), "tk_secret")

		plan := func(a *models.Actor) []string {
			t.Helper()
			p, err := f.Store.ContactPlan(f.DB.DB, a.UserID)
			mustNoErr(t, err)
			var out []string
			for _, c := range p {
				out = append(out, string(c.Method.Kind)+":"+c.Method.Address+"@"+itoa(int64(c.DelayMinutes)))
			}
			return out
		}
		wantEqual(t, "plan without rules", plan(f.Ana), []string{"email:ana@example.com@0", "ntfy:https://ntfy.example/ana-pages@0"})

		// The link verifies once.
		v, err := f.Store.PeekContactVerification(ctx, token)
		mustNoErr(t, err)
		wantEqual(t, "peeked address", v.Address, "ana.home@example.org")
		_, err = f.Store.VerifyContactMethod(ctx, token)
		mustNoErr(t, err)
		_, err = f.Store.VerifyContactMethod(ctx, token)
		wantField(t, err, models.ECONFLICT, "")
		wantEqual(t, "plan after verify", len(plan(f.Ana)), 3)

		_, err = f.Store.SetNotificationRules(ctx, f.Ana, []models.RuleInput{{ContactMethodID: ntfy.ID, DelayMinutes: 0}, {ContactMethodID: f.Ana.UserID, DelayMinutes: 5}})
		mustNoErr(t, err)
		wantEqual(t, "plan with rules", plan(f.Ana), []string{"ntfy:https://ntfy.example/ana-pages@0", "email:ana@example.com@5"})
		_, err = f.Store.UpdateContactMethod(ctx, f.Ana, ntfy.ID, models.ContactMethodUpdate{Disabled: func() *bool { b := true; return &b }()})
		mustNoErr(t, err)
		wantEqual(t, "plan with ntfy disabled", plan(f.Ana), []string{"email:ana@example.com@5"})

		// A test notification: pending, due now, three attempts, filed under ana's account.
		n, err := f.Store.CreateTestNotification(ctx, f.Ana, extra.ID)
		mustNoErr(t, err)
		if n.Status != models.NotificationPending || n.MaxAttempts != 3 || n.Reason != models.NotifyTest || n.AccountID != f.Acc ||
			n.Channel != models.ContactEmail || n.Recipient != "ana.home@example.org" || !n.NotBefore.Equal(f.Clock.Now()) {
			t.Fatalf("test notification = %+v", n)
		}
		_, err = f.Store.CreateTestNotification(ctx, f.Vic, extra.ID)
		wantField(t, err, models.ENOTFOUND, "")

		// Deleting a method drops its rules.
		mustNoErr(t, f.Store.DeleteContactMethod(ctx, f.Ana, ntfy.ID))
		wantEqual(t, "rules left", f.MustCount(t, "notification_rules", "user_id = ?", f.Ana.UserID), 1)
	})
}

// Verification mails to one address are bounded: "resend" (or delete and add again) in a loop
// cannot mail an address anyone typed without end.
func TestContactVerificationMailsBounded(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		m, err := f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactEmail, Address: strp("victim@example.org")})
		mustNoErr(t, err)
		var refused error
		for i := 0; i < 20 && refused == nil; i++ {
			_, refused = f.Store.ResendContactVerification(ctx, f.Ana, m.ID)
		}
		wantCode(t, refused, models.ECONFLICT)
		sent := f.MustCount(t, "mail_messages", "kind = 'verification' AND to_address = 'victim@example.org'")
		mustNoErr(t, f.Store.DeleteContactMethod(ctx, f.Ana, m.ID))
		_, err = f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactEmail, Address: strp("Victim@example.org")})
		wantCode(t, err, models.ECONFLICT)
		wantEqual(t, "verification mails", f.MustCount(t, "mail_messages", "kind = 'verification' AND to_address = 'victim@example.org'"), sent)
		// An hour later, one more.
		f.Clock.Advance(time.Hour + time.Minute)
		_, err = f.Store.ResendContactVerification(ctx, f.Ana, m.ID)
		wantCode(t, err, models.ENOTFOUND) // deleted above
		_, err = f.Store.CreateContactMethod(ctx, f.Ana, models.ContactMethodInput{Kind: models.ContactEmail, Address: strp("victim@example.org")})
		mustNoErr(t, err)
	})
}

// An API token does not mint calendar feeds: a feed's secret URL would outlive the token's
// revocation (like a token minting tokens).
func TestAPITokenCannotCreateCalendarFeed(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustOnCall(t, db)
		ctx := context.Background()
		tok, _, err := f.Store.CreateAPIToken(ctx, f.AdminActor, models.CreateAPITokenInput{AccountID: f.Acc, Name: "ci", Role: models.RoleMember})
		mustNoErr(t, err)
		viaToken := &models.Actor{UserID: f.AdminActor.UserID, UserName: f.AdminActor.UserName, TokenID: tok.ID, TokenName: tok.Name, TokenAccountID: f.Acc, TokenRole: models.RoleMember}
		_, _, err = f.Store.CreateCalendarFeed(ctx, viaToken, f.Acc, nil)
		wantCode(t, err, models.EFORBIDDEN)
		wantEqual(t, "feeds", f.MustCount(t, "calendar_feeds", ""), 0)
		_, _, err = f.Store.CreateCalendarFeed(ctx, f.Ana, f.Acc, nil)
		mustNoErr(t, err)
	})
}

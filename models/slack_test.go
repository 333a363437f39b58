package models_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/links"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// slackTeam answers auth.test for one token (models tests: Slack's side is in jobs and server).
type slackTeam struct{ token string }

func (c slackTeam) SlackAuthTest(_ context.Context, token string) (models.SlackTeam, error) {
	if token != c.token {
		return models.SlackTeam{}, errors.New("invalid_auth")
	}
	return models.SlackTeam{TeamID: "T0ACME001", TeamName: "Acme", BotUserID: "U0BOT0001"}, nil
}

func (c slackTeam) SlackLookupByEmail(_ context.Context, token, email string) (string, error) {
	if email == "admin@example.com" {
		return "U0ADA0001", nil
	}
	return "", nil
}

const (
	testBotToken = "xoxb-1234567890-abcdefghij-valid"
	testSigning  = "0123456789abcdef0123456789abcdef"
)

func slackFixture(t *testing.T, db *models.DB) *fixture {
	f := MustInstalled(t, db)
	if err := f.Store.SetEncryptionKey([]byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	f.Store.SetSlackChecker(slackTeam{token: testBotToken})
	return f
}

func TestSlackConnectWorkspace(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		member, _ := f.MustMember(t, f.Account.ID, "m@example.com", models.RoleMember)
		for name, c := range map[string]struct {
			a             *models.Actor
			token, secret string
			code, field   string
		}{
			"member":        {member, testBotToken, testSigning, models.EFORBIDDEN, ""},
			"user token":    {f.AdminActor, "xoxp-1234567890-abcdefghij", testSigning, models.EINVALID, "botToken"},
			"short secret":  {f.AdminActor, testBotToken, "abc", models.EINVALID, "signingSecret"},
			"refused token": {f.AdminActor, "xoxb-1234567890-abcdefghij-revoked", testSigning, models.EINVALID, "botToken"},
		} {
			_, err := f.Store.ConnectSlackWorkspace(ctx, c.a, f.Account.ID, c.token, c.secret)
			var me *models.Error
			if !errors.As(err, &me) || me.Code != c.code || me.Field != c.field {
				t.Errorf("%s: %v, want %s on %q", name, err, c.code, c.field)
			}
		}
		if n := f.MustCount(t, "slack_workspaces", ""); n != 0 {
			t.Fatalf("refused connections were stored: %d", n)
		}
		ws, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, " "+testBotToken+" ", testSigning)
		if err != nil {
			t.Fatal(err)
		}
		if ws.TeamID != "T0ACME001" || ws.TeamName != "Acme" {
			t.Fatalf("workspace %+v", ws)
		}
		// Sealed at rest, opened only for the jobs.
		var raw models.SlackWorkspace
		if err := db.Where("id = ?", ws.ID).Take(&raw).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw.BotToken), "xoxb") || strings.Contains(string(raw.SigningSecret), testSigning) {
			t.Fatal("secrets stored in the clear")
		}
		if tok, err := f.Store.SlackBotToken(&raw); err != nil || tok != testBotToken {
			t.Fatalf("bot token: %q %v", tok, err)
		}
		if sec, err := f.Store.SlackSigningSecret(&raw); err != nil || sec != testSigning {
			t.Fatalf("signing secret: %q %v", sec, err)
		}
		// Reconnecting replaces; the same team in another account is refused.
		if _, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, testBotToken, testSigning); err != nil {
			t.Fatal(err)
		}
		other := f.MustAccount(t, "Other")
		if _, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, other.ID, testBotToken, testSigning); models.CodeOf(err) != models.ECONFLICT {
			t.Fatalf("same team in another account: %v", err)
		}
		if n := f.MustCount(t, "slack_workspaces", ""); n != 1 {
			t.Fatalf("%d workspaces", n)
		}
		if gone, err := f.Store.DisconnectSlackWorkspace(ctx, member, f.Account.ID); models.CodeOf(err) != models.EFORBIDDEN || gone {
			t.Fatalf("member disconnect: %v", err)
		}
		if gone, err := f.Store.DisconnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID); err != nil || !gone {
			t.Fatalf("disconnect: %v %v", gone, err)
		}
		if len(f.MustAudit(t, f.Account.ID, "slack.connected")) != 2 || len(f.MustAudit(t, f.Account.ID, "slack.disconnected")) != 1 {
			t.Fatal("audit entries missing")
		}
	})
}

func TestSlackMessageMarkedDirty(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		name := "API"
		comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		// No workspace: nothing to sync, and the incident change goes through.
		inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: "one", Severity: models.SeverityLow})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, testBotToken, testSigning); err != nil {
			t.Fatal(err)
		}
		// A workspace but no channel: still nothing.
		if _, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, inc.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.MustCount(t, "slack_messages", ""); n != 0 {
			t.Fatalf("%d messages without a channel", n)
		}
		if _, err := f.Store.SetComponentSlackChannel(ctx, f.AdminActor, comp.ID, "general"); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("a channel name instead of an id: %v", err)
		}
		if _, err := f.Store.SetComponentSlackChannel(ctx, f.AdminActor, comp.ID, "#C0API0001"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.AddIncidentNote(ctx, f.AdminActor, inc.ID, "hi"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, ""); err != nil {
			t.Fatal(err)
		}
		var m models.SlackMessage
		if err := db.Where("incident_id = ?", inc.ID).Take(&m).Error; err != nil {
			t.Fatal(err)
		}
		if m.ChannelID != "C0API0001" || m.DesiredVersion != 2 || m.SyncedVersion != 0 || m.NextAttemptAt == nil {
			t.Fatalf("message row %+v", m)
		}
		due, err := f.Store.DueSlackMessages(ctx, f.Clock.Now(), 10)
		if err != nil || len(due) != 1 || due[0] != inc.ID {
			t.Fatalf("due: %v %v", due, err)
		}
		// A rolled-back change marks nothing.
		before := m.DesiredVersion
		if _, err := f.Store.ResolveIncident(ctx, f.AdminActor, inc.ID, ""); models.CodeOf(err) != models.ECONFLICT {
			t.Fatalf("second resolve: %v", err)
		}
		db.Where("incident_id = ?", inc.ID).Take(&m)
		if m.DesiredVersion != before {
			t.Fatalf("a refused change raised the version to %d", m.DesiredVersion)
		}
		// The views of a message: the timeline entries not yet posted.
		v, err := f.Store.SlackIncidentView(ctx, inc.ID)
		if err != nil || len(v.Unposted) != 3 || v.ComponentName != "API" {
			t.Fatalf("view: %+v %v", v, err)
		}
		if err := f.Store.RecordSlackThreadPost(ctx, inc.ID, v.Unposted[0].ID, "1.1"); err != nil {
			t.Fatal(err)
		}
		if err := f.Store.RecordSlackThreadPost(ctx, inc.ID, v.Unposted[0].ID, "1.2"); err != nil {
			t.Fatal(err)
		}
		if v, _ = f.Store.SlackIncidentView(ctx, inc.ID); len(v.Unposted) != 2 {
			t.Fatalf("after a thread post: %d unposted", len(v.Unposted))
		}

		// A test alarm's incident posts nothing to Slack.
		if err := f.Store.SetLinkKey([]byte("0123456789abcdef0123456789abcdef")); err != nil {
			t.Fatal(err)
		}
		iname := "alarms"
		integ, _, err := f.Store.CreateAWSIntegration(ctx, f.AdminActor, models.AWSIntegrationInput{AccountID: f.Account.ID, Name: &iname, ComponentID: &comp.ID})
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.Store.SendTestAlarm(ctx, f.AdminActor, integ.ID, nil)
		if err != nil || res.Incident == nil {
			t.Fatalf("test alarm: %+v %v", res, err)
		}
		if n := f.MustCount(t, "slack_messages", "incident_id = ?", res.Incident.ID); n != 0 {
			t.Fatalf("a test incident has %d Slack messages", n)
		}
	})
}

func TestSlackAcceptInteractionRefusesReplay(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		ws, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, testBotToken, testSigning)
		if err != nil {
			t.Fatal(err)
		}
		in := models.SlackInteractionInput{Workspace: ws, Timestamp: "1531420618", Signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
			Kind: models.SlackBlockActions, SlackUserID: "U0ADA0001", Payload: "payload=%7B%7D"}
		it, err := f.Store.AcceptSlackInteraction(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.AcceptSlackInteraction(ctx, in); !errors.Is(err, models.ErrSlackReplay) {
			t.Fatalf("replay: %v", err)
		}
		if n := f.MustCount(t, "slack_interactions", ""); n != 1 {
			t.Fatalf("%d interactions", n)
		}
		got, err := f.Store.BeginSlackInteraction(ctx, it.ID)
		if err != nil || got.Attempts != 1 {
			t.Fatalf("begin: %+v %v", got, err)
		}
		var nd *models.NotDueError
		if _, err := f.Store.BeginSlackInteraction(ctx, it.ID); !errors.As(err, &nd) {
			t.Fatalf("a second worker took a held interaction: %v", err)
		}
		if _, err := f.Store.FinishSlackInteraction(ctx, got, "ok", nil, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.BeginSlackInteraction(ctx, it.ID); !errors.Is(err, models.ErrSlackDone) {
			t.Fatalf("a done interaction ran again: %v", err)
		}
	})
}

func TestSlackManifest(t *testing.T) {
	m := models.SlackManifest(links.New("https://sb.example.com/base/"))
	for _, want := range []string{`"https://sb.example.com/base/integrations/slack/interactivity"`, `"https://sb.example.com/base/integrations/slack/commands"`,
		`"/switchboard"`, `"chat:write"`, `"users:read.email"`, `"im:write"`, `"commands"`} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest lacks %s:\n%s", want, m)
		}
	}
}

// A policy's channel is used when the component has none; when both name one, the component's
// wins: one message per incident, never two.
func TestSlackChannelPrecedence(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		if _, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, testBotToken, testSigning); err != nil {
			t.Fatal(err)
		}
		now := f.Clock.Now()
		pol := &models.EscalationPolicy{ID: "01900000-0000-7000-8000-000000000001", AccountID: f.Account.ID, Name: "Ops", CreatedAt: now, UpdatedAt: now}
		if err := db.Create(pol).Error; err != nil {
			t.Fatal(err)
		}
		member, _ := f.MustMember(t, f.Account.ID, "m@example.com", models.RoleMember)
		if _, err := f.Store.SetEscalationPolicySlackChannel(ctx, member, pol.ID, "C0POLICY1"); models.CodeOf(err) != models.EFORBIDDEN {
			t.Fatalf("a member set a policy's channel: %v", err)
		}
		if _, err := f.Store.SetEscalationPolicySlackChannel(ctx, f.AdminActor, pol.ID, "C0POLICY1"); err != nil {
			t.Fatal(err)
		}
		open := func(name, channel string) string {
			t.Helper()
			comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Exec("UPDATE components SET escalation_policy_id = ? WHERE id = ?", pol.ID, comp.ID).Error; err != nil {
				t.Fatal(err)
			}
			if channel != "" {
				if _, err := f.Store.SetComponentSlackChannel(ctx, f.AdminActor, comp.ID, channel); err != nil {
					t.Fatal(err)
				}
			}
			inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: name, Severity: models.SeverityLow})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, inc.ID); err != nil {
				t.Fatal(err)
			}
			var ms []models.SlackMessage
			if err := db.Where("incident_id = ?", inc.ID).Find(&ms).Error; err != nil || len(ms) != 1 {
				t.Fatalf("%s: %d messages %v", name, len(ms), err)
			}
			return ms[0].ChannelID
		}
		if ch := open("policy only", ""); ch != "C0POLICY1" {
			t.Fatalf("policy only: %s", ch)
		}
		if ch := open("both", "C0COMPNT1"); ch != "C0COMPNT1" {
			t.Fatalf("both: %s", ch)
		}
		// The caller's Slack user, by email.
		if id, err := f.Store.SlackUserForMe(ctx, f.AdminActor, f.Account.ID); err != nil || id != "U0ADA0001" {
			t.Fatalf("lookup: %q %v", id, err)
		}
		if id, err := f.Store.SlackUserForMe(ctx, member, f.Account.ID); err != nil || id != "" {
			t.Fatalf("lookup of a stranger: %q %v", id, err)
		}
	})
}

// A change made while a sync runs is never lost: the sync records the version it rendered and
// the message is due again at once; an older sync finishing late never lowers the version.
func TestSlackSyncRacesAChange(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		if _, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, testBotToken, testSigning); err != nil {
			t.Fatal(err)
		}
		name := "API"
		comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.SetComponentSlackChannel(ctx, f.AdminActor, comp.ID, "C0API0001"); err != nil {
			t.Fatal(err)
		}
		inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: "x", Severity: models.SeverityLow})
		if err != nil {
			t.Fatal(err)
		}
		sy, err := f.Store.BeginSlackSync(ctx, inc.ID)
		if err != nil || sy.Version != 1 {
			t.Fatalf("begin: %+v %v", sy, err)
		}
		// A second worker waits for the first.
		var nd *models.NotDueError
		if _, err := f.Store.BeginSlackSync(ctx, inc.ID); !errors.As(err, &nd) {
			t.Fatalf("a second sync ran beside the first: %v", err)
		}
		if _, err := f.Store.AcknowledgeIncident(ctx, f.AdminActor, inc.ID); err != nil {
			t.Fatal(err)
		}
		next, err := f.Store.FinishSlackSync(ctx, sy, models.SlackSyncResult{})
		if err != nil || next == nil || next.After(f.Clock.Now()) {
			t.Fatalf("the change during the sync was dropped: next %v %v", next, err)
		}
		sy2, err := f.Store.BeginSlackSync(ctx, inc.ID)
		if err != nil || sy2.Version != 2 || sy2.View.Incident.Status != models.IncidentAcknowledged {
			t.Fatalf("second sync: %+v %v", sy2, err)
		}
		if next, err := f.Store.FinishSlackSync(ctx, sy2, models.SlackSyncResult{}); err != nil || next != nil {
			t.Fatalf("in sync: %v %v", next, err)
		}
		// The first sync's result arriving again (a retry) does not lower the version.
		if _, err := f.Store.FinishSlackSync(ctx, sy, models.SlackSyncResult{}); err != nil {
			t.Fatal(err)
		}
		var m models.SlackMessage
		if err := db.Where("incident_id = ?", inc.ID).Take(&m).Error; err != nil || m.SyncedVersion != 2 || m.NextAttemptAt != nil {
			t.Fatalf("after a late finish: %+v %v", m, err)
		}
	})
}

// /switchboard oncall: a schedule's final schedule now, or the first level of a component's
// policy (its users and the people on call on its schedules).
func TestSlackOnCall(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		now := f.Clock.Now()
		bob, _ := f.MustMember(t, f.Account.ID, "bob@example.com", models.RoleMember)
		sch := &models.Schedule{ID: "01900000-0000-7000-8000-0000000000a1", AccountID: f.Account.ID, Name: "Primary", TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
		layer := &models.ScheduleLayer{ID: "01900000-0000-7000-8000-0000000000a2", ScheduleID: sch.ID, Position: 0, Rotation: "daily", Length: 1,
			HandOff: "00:00", HandOffDay: 1, Participants: `["` + f.Admin.ID + `"]`, StartsAt: now.Add(-48 * time.Hour), Restrictions: "[]", CreatedAt: now, UpdatedAt: now}
		pol := &models.EscalationPolicy{ID: "01900000-0000-7000-8000-0000000000a3", AccountID: f.Account.ID, Name: "Ops", CreatedAt: now, UpdatedAt: now}
		lvl := &models.EscalationLevel{ID: "01900000-0000-7000-8000-0000000000a4", PolicyID: pol.ID, Position: 0, TimeoutMinutes: 5}
		for _, row := range []any{sch, layer, pol, lvl,
			&models.EscalationTarget{ID: "01900000-0000-7000-8000-0000000000a5", LevelID: lvl.ID, Position: 0, ScheduleID: &sch.ID},
			&models.EscalationTarget{ID: "01900000-0000-7000-8000-0000000000a6", LevelID: lvl.ID, Position: 1, UserID: &bob.UserID}} {
			if err := db.Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		name := "API"
		comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE components SET escalation_policy_id = ? WHERE id = ?", pol.ID, comp.ID).Error; err != nil {
			t.Fatal(err)
		}
		what, people, err := f.Store.SlackOnCall(ctx, f.Account.ID, "primary")
		if err != nil || what != "primary" || len(people) != 1 || people[0] != "Primary: Ada Admin" {
			t.Fatalf("schedule: %q %q %v", what, people, err)
		}
		what, people, err = f.Store.SlackOnCall(ctx, f.Account.ID, "api")
		if err != nil || what != "API" || strings.Join(people, ",") != "Ada Admin,bob@example.com" {
			t.Fatalf("component: %q %q %v", what, people, err)
		}
		if _, _, err := f.Store.SlackOnCall(ctx, f.Account.ID, "nothing"); models.CodeOf(err) != models.ENOTFOUND {
			t.Fatalf("unknown name: %v", err)
		}
		// Another account's schedules are not this account's answer.
		other := f.MustAccount(t, "Other")
		if _, people, err := f.Store.SlackOnCall(ctx, other.ID, ""); err != nil || len(people) != 0 {
			t.Fatalf("other account: %q %v", people, err)
		}
	})
}

// The short id Slack shows finds its incident even when others were opened the same minute
// (ids are UUIDv7: their first 8 characters are a timestamp shared for about 65 seconds).
func TestSlackShortIDFindsItsIncident(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		name := "API"
		comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		var incs []*models.Incident
		for i := 0; i < 3; i++ {
			inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: "storm", Severity: models.SeverityLow})
			if err != nil {
				t.Fatal(err)
			}
			incs = append(incs, inc)
		}
		for _, inc := range incs {
			short := models.SlackShortID(inc.ID)
			got, err := f.Store.SlackIncident(ctx, f.Account.ID, short)
			if err != nil || got.ID != inc.ID {
				t.Fatalf("short id %q of %s: %v %v", short, inc.ID, got, err)
			}
			// The whole id, and a unique prefix still work; another account finds nothing.
			if got, err := f.Store.SlackIncident(ctx, f.Account.ID, inc.ID); err != nil || got.ID != inc.ID {
				t.Fatalf("whole id: %v %v", got, err)
			}
			if _, err := f.Store.SlackIncident(ctx, "00000000-0000-0000-0000-000000000000", short); models.CodeOf(err) != models.ENOTFOUND {
				t.Fatalf("another account found %s: %v", short, err)
			}
		}
	})
}

type slackSyncRecorder struct {
	mu  sync.Mutex
	ids []string
}

func (r *slackSyncRecorder) EnqueueDeliveries(context.Context, []models.DeliveryRef) {}
func (r *slackSyncRecorder) EnqueueSlackInteraction(context.Context, string)         {}
func (r *slackSyncRecorder) EnqueueSlackSync(_ context.Context, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
}

// One engine cycle changes many incidents in one transaction: every one of them with a channel
// has its message raised exactly once and its sync enqueued after commit; the one without a
// channel gets no message.
func TestSlackMessagesMarkedInOneBatch(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := slackFixture(t, db)
		ctx := context.Background()
		now := f.Clock.Now()
		if _, err := f.Store.ConnectSlackWorkspace(ctx, f.AdminActor, f.Account.ID, testBotToken, testSigning); err != nil {
			t.Fatal(err)
		}
		pol := &models.EscalationPolicy{ID: "01900000-0000-7000-8000-0000000000b1", AccountID: f.Account.ID, Name: "Ops", CreatedAt: now, UpdatedAt: now}
		lvl := &models.EscalationLevel{ID: "01900000-0000-7000-8000-0000000000b2", PolicyID: pol.ID, Position: 0, TimeoutMinutes: 5}
		for _, row := range []any{pol, lvl, &models.EscalationTarget{ID: "01900000-0000-7000-8000-0000000000b3", LevelID: lvl.ID, Position: 0, UserID: &f.Admin.ID}} {
			if err := db.Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		var incs []*models.Incident
		for i, channel := range []string{"C0API0001", "C0API0002", ""} {
			name := fmt.Sprint("comp-", i)
			comp, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Exec("UPDATE components SET escalation_policy_id = ?, slack_channel = ? WHERE id = ?", pol.ID, channel, comp.ID).Error; err != nil {
				t.Fatal(err)
			}
			for j := range 2 {
				inc, err := f.Store.CreateIncident(ctx, f.AdminActor, models.IncidentInput{ComponentID: comp.ID, Title: fmt.Sprint("inc ", i, j), Severity: models.SeverityLow})
				if err != nil {
					t.Fatal(err)
				}
				incs = append(incs, inc)
			}
		}
		rec := &slackSyncRecorder{}
		f.Store.SetEnqueuer(rec)
		versions := func() map[string]int {
			var ms []models.SlackMessage
			if err := db.Find(&ms).Error; err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, m := range ms {
				out[m.IncidentID] = m.DesiredVersion
			}
			return out
		}
		before := versions()
		if len(before) != 4 {
			t.Fatalf("%d messages for 4 incidents in channels: %v", len(before), before)
		}
		n, err := f.Store.AdvanceEscalations(ctx, 100)
		if err != nil || n != 6 {
			t.Fatalf("advanced %d: %v", n, err)
		}
		after := versions()
		if len(after) != 4 {
			t.Fatalf("messages after the cycle: %v", after)
		}
		for id, v := range before {
			if after[id] != v+1 {
				t.Fatalf("incident %s: version %d → %d, want one raise", id, v, after[id])
			}
		}
		sort.Strings(rec.ids)
		want := make([]string, 0, 4)
		for _, inc := range incs[:4] {
			want = append(want, inc.ID)
		}
		sort.Strings(want)
		if strings.Join(rec.ids, ",") != strings.Join(want, ",") {
			t.Fatalf("syncs enqueued for %v, want %v", rec.ids, want)
		}
	})
}

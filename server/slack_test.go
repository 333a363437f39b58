package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/slacktest"
	"github.com/switchboard-hub/switchboard/server"
)

const (
	slackSecret  = "8f742231b10e8888abcd99yyyzzz85a5"
	slackChannel = "C0INCIDENT"
)

// slackEnv is a running Switchboard with a workspace connected to a fake Slack, a component
// posting to a channel, and members with Slack accounts.
type slackEnv struct {
	m       *server.Main
	fake    *slacktest.Server
	admin   *models.Actor
	member  *models.Actor
	acc     string
	comp    *models.Component
	base    string
	counter int
}

func newSlackEnv(t *testing.T) *slackEnv {
	t.Helper()
	fake := slacktest.New(slackChannel)
	t.Cleanup(fake.Close)
	m, c := MustStart(t, startOpts{env: map[string]string{
		"SWITCHBOARD_SLACK_API_URL": fake.APIURL(), "SWITCHBOARD_OUTBOUND_ALLOW": "127.0.0.0/8",
		"SWITCHBOARD_PUBLIC_URL": "https://sb.example.com",
	}})
	MustSetup(t, c)
	ctx := context.Background()
	var u models.User
	if err := m.DB.Where("email = ?", "admin@example.com").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	admin := &models.Actor{UserID: u.ID, UserName: u.Name, IsSystemAdmin: true}
	accs, err := m.Store.ListAccounts(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	e := &slackEnv{m: m, fake: fake, admin: admin, acc: accs[0].ID, base: "http://" + m.Addr}
	ws, err := m.Store.ConnectSlackWorkspace(ctx, admin, e.acc, fake.Token, slackSecret)
	if err != nil {
		t.Fatal(err)
	}
	if ws.TeamID != fake.TeamID || ws.TeamName != fake.TeamName {
		t.Fatalf("workspace: %+v", ws)
	}
	name := "Checkout"
	if e.comp, err = m.Store.CreateComponent(ctx, admin, e.acc, models.ComponentInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Store.SetComponentSlackChannel(ctx, admin, e.comp.ID, slackChannel); err != nil {
		t.Fatal(err)
	}
	e.member = e.addMember(t, "bob@example.com", "Bob", models.RoleMember)
	e.addMember(t, "vic@example.com", "Vic", models.RoleViewer)
	fake.AddUser(slacktest.User{ID: "U0ADA0001", Email: "admin@example.com", Name: "Ada"})
	fake.AddUser(slacktest.User{ID: "U0BOB0001", Email: "bob@example.com", Name: "Bob"})
	fake.AddUser(slacktest.User{ID: "U0VIC0001", Email: "VIC@example.com", Name: "Vic"})
	fake.AddUser(slacktest.User{ID: "U0EVE0001", Email: "eve@elsewhere.example", Name: "Eve"})
	return e
}

func (e *slackEnv) addMember(t *testing.T, email, name string, role models.Role) *models.Actor {
	t.Helper()
	pw := "correct horse battery"
	mem, err := e.m.Store.AddMember(context.Background(), e.admin, models.AddMemberInput{AccountID: e.acc, Email: email, Role: role, Name: &name, Password: &pw})
	if err != nil {
		t.Fatal(err)
	}
	return &models.Actor{UserID: mem.UserID, UserName: name}
}

// post sends a signed request (signed at ts with secret) and returns the status.
func (e *slackEnv) post(t *testing.T, path, body, secret string, ts time.Time) int {
	t.Helper()
	req := slacktest.SignedRequest(e.base+path, secret, ts, body)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Slack got its answer after %s", d)
	}
	return resp.StatusCode
}

// blockAction is Slack's documented block_actions payload for a button click.
func (e *slackEnv) blockAction(user, channel, actionID, value string) string {
	e.counter++
	return slacktest.InteractionBody(map[string]any{
		"type": "block_actions", "api_app_id": "A0SWITCHB", "token": "verification-token-unused",
		"team":         map[string]any{"id": e.fake.TeamID, "domain": "acme"},
		"user":         map[string]any{"id": user, "username": strings.ToLower(user), "team_id": e.fake.TeamID},
		"container":    map[string]any{"type": "message", "message_ts": "1548261231.000200", "channel_id": channel, "is_ephemeral": false},
		"trigger_id":   fmt.Sprintf("12321423423.333649436676.d8c1bb837935619ccad0f624c448ff%02d", e.counter),
		"channel":      map[string]any{"id": channel, "name": "incidents"},
		"response_url": e.fake.ResponseURL(fmt.Sprintf("actions/T0SWITCHB/%d/x", e.counter)),
		"actions": []any{map[string]any{"action_id": actionID, "block_id": "sb_actions", "value": value, "type": "button",
			"text": map[string]any{"type": "plain_text", "text": "Click", "emoji": true}, "action_ts": "1548426417.840180"}},
	})
}

// viewSubmission is Slack's documented view_submission payload.
func (e *slackEnv) viewSubmission(user, callbackID, metadata string, values map[string]any) string {
	return slacktest.InteractionBody(map[string]any{
		"type": "view_submission", "api_app_id": "A0SWITCHB", "token": "verification-token-unused",
		"team":       map[string]any{"id": e.fake.TeamID, "domain": "acme"},
		"user":       map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": e.fake.TeamID},
		"trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
		"view": map[string]any{"id": "VNHU13V36", "team_id": e.fake.TeamID, "type": "modal", "callback_id": callbackID,
			"private_metadata": metadata, "hash": "156663117.cd33ad1f", "state": map[string]any{"values": values}},
		"response_urls": []any{},
	})
}

// command is Slack's documented slash command body.
func (e *slackEnv) command(user, text string) string {
	e.counter++
	return url.Values{
		"token": {"verification-token-unused"}, "team_id": {e.fake.TeamID}, "team_domain": {"acme"},
		"channel_id": {slackChannel}, "channel_name": {"incidents"}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/switchboard"}, "text": {text}, "api_app_id": {"A0SWITCHB"}, "is_enterprise_install": {"false"},
		"response_url": {e.fake.ResponseURL(fmt.Sprintf("commands/T0SWITCHB/%d/x", e.counter))},
		"trigger_id":   {fmt.Sprintf("13345224609.738474920.8088930838d88f008e0%02d", e.counter)},
	}.Encode()
}

func (e *slackEnv) incident(t *testing.T, id string) *models.Incident {
	t.Helper()
	var inc models.Incident
	if err := e.m.DB.Where("id = ?", id).Take(&inc).Error; err != nil {
		t.Fatal(err)
	}
	return &inc
}

func (e *slackEnv) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := e.m.DB.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitResponse waits for the n-th response_url post and returns its text.
func (e *slackEnv) waitResponse(t *testing.T, n int) string {
	t.Helper()
	waitFor(t, fmt.Sprintf("response %d", n), func() bool { return len(e.fake.Responses()) >= n })
	text, _ := e.fake.Responses()[n-1].Body["text"].(string)
	return text
}

func (e *slackEnv) interactionsDone(t *testing.T) {
	t.Helper()
	waitFor(t, "interactions processed", func() bool {
		var n int64
		e.m.DB.Table("slack_interactions").Where("status = ?", models.SlackInteractionPending).Count(&n)
		return n == 0
	})
}

func TestSlackInteractivity(t *testing.T) {
	e := newSlackEnv(t)
	ctx := context.Background()
	inc, err := e.m.Store.CreateIncident(ctx, e.member, models.IncidentInput{ComponentID: e.comp.ID, Title: "Payments failing", Severity: models.SeverityCritical})
	if err != nil {
		t.Fatal(err)
	}
	// The worker posts the channel message.
	waitFor(t, "the channel message", func() bool { return len(e.fake.Messages(slackChannel)) == 1 })
	const path = "/integrations/slack/interactivity"

	// Acknowledge from the channel message (Bob, matched by email).
	ack := e.blockAction("U0BOB0001", slackChannel, "sb_ack", inc.ID)
	ackAt := time.Now()
	if st := e.post(t, path, ack, slackSecret, ackAt); st != http.StatusOK {
		t.Fatalf("acknowledge: %d", st)
	}
	waitFor(t, "acknowledged", func() bool { return e.incident(t, inc.ID).Status == models.IncidentAcknowledged })
	if by := e.incident(t, inc.ID).AcknowledgedBy; by == nil || !strings.Contains(*by, "Bob") {
		t.Fatalf("acknowledged by %v", by)
	}
	if text := e.waitResponse(t, 1); !strings.Contains(text, "acknowledged") {
		t.Fatalf("response: %q", text)
	}
	waitFor(t, "the message updated", func() bool {
		ms := e.fake.Messages(slackChannel)
		return len(ms) > 0 && strings.Contains(ms[0].Text, "[ACKNOWLEDGED]")
	})
	e.interactionsDone(t)

	// Refused, nothing recorded or changed: a replay of the same bytes, a forged signature, a
	// stale timestamp, an unknown workspace.
	rows := e.count(t, "slack_interactions")
	for name, st := range map[string]int{
		"replay": e.post(t, path, ack, slackSecret, ackAt), // the same bytes and headers again
		"forged": e.post(t, path, e.blockAction("U0BOB0001", slackChannel, "sb_resolve", inc.ID), "0000000000forgedsecret0000000000", time.Now()),
		"stale":  e.post(t, path, e.blockAction("U0BOB0001", slackChannel, "sb_resolve", inc.ID), slackSecret, time.Now().Add(-6*time.Minute)),
		"future": e.post(t, path, e.blockAction("U0BOB0001", slackChannel, "sb_resolve", inc.ID), slackSecret, time.Now().Add(6*time.Minute)),
		"team":   e.post(t, path, strings.Replace(e.blockAction("U0BOB0001", slackChannel, "sb_resolve", inc.ID), "T0SWITCHB", "T0OTHERWS", -1), slackSecret, time.Now()),
	} {
		if st != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, st)
		}
	}
	// A malformed signature is refused, each time.
	body := e.blockAction("U0BOB0001", slackChannel, "sb_resolve", inc.ID)
	now := time.Now()
	req1 := slacktest.SignedRequest(e.base+path, slackSecret, now, body)
	req2 := slacktest.SignedRequest(e.base+path, slackSecret, now, body)
	for i, req := range []*http.Request{req1, req2} {
		req.Header.Set("X-Slack-Signature", "v0=deadbeef")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad signature %d: %d", i, resp.StatusCode)
		}
	}
	// A replay whose signature is spelled in upper-case hex (the same bytes once decoded) is
	// still a replay.
	replay := slacktest.SignedRequest(e.base+path, slackSecret, ackAt, ack)
	replay.Header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(replay.Header.Get("X-Slack-Signature"), "v0=")))
	if resp, err := http.DefaultClient.Do(replay); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replay with an upper-case signature: %d, want 401", resp.StatusCode)
	}
	// Slack's legacy verification token is not kept with the stored requests.
	var leaked int64
	e.m.DB.Table("slack_interactions").Where("payload LIKE ?", "%verification-token-unused%").Count(&leaked)
	if leaked != 0 {
		t.Fatal("the verification token was stored")
	}
	if n := e.count(t, "slack_interactions"); n != rows {
		t.Fatalf("refused requests were recorded: %d rows, want %d", n, rows)
	}
	if got := e.incident(t, inc.ID).Status; got != models.IncidentAcknowledged {
		t.Fatalf("a refused request changed the incident: %s", got)
	}

	// A viewer's resolve is refused with a message back to Slack.
	if st := e.post(t, path, e.blockAction("U0VIC0001", slackChannel, "sb_resolve", inc.ID), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("viewer: %d", st)
	}
	if text := e.waitResponse(t, 2); !strings.Contains(text, "viewer") {
		t.Fatalf("viewer told: %q", text)
	}
	if got := e.incident(t, inc.ID).Status; got != models.IncidentAcknowledged {
		t.Fatalf("a viewer changed the incident: %s", got)
	}

	// An unknown Slack user is told to link, with a signed link; nothing changes.
	if st := e.post(t, path, e.blockAction("U0EVE0001", slackChannel, "sb_resolve", inc.ID), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("unknown user: %d", st)
	}
	text := e.waitResponse(t, 3)
	i := strings.Index(text, "https://sb.example.com/slack/link?token=")
	if i < 0 {
		t.Fatalf("unknown user told: %q", text)
	}
	if got := e.incident(t, inc.ID).Status; got != models.IncidentAcknowledged {
		t.Fatalf("an unknown user changed the incident: %s", got)
	}
	// Bob follows the link signed in: Eve's Slack user now acts as Bob. The link is single-use.
	u, _ := url.Parse(text[i:])
	link, err := e.m.Store.LinkSlackUser(ctx, e.member, u.Query().Get("token"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.m.Store.LinkSlackUser(ctx, e.member, u.Query().Get("token")); models.CodeOf(err) != models.ECONFLICT {
		t.Fatalf("second use of the link: %v", err)
	}

	// A note from the modal: the button opens it, the submission writes the note.
	if st := e.post(t, path, e.blockAction("U0EVE0001", slackChannel, "sb_note", inc.ID), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("note button: %d", st)
	}
	waitFor(t, "the modal", func() bool { return len(e.fake.Views()) == 1 })
	v := e.fake.Views()[0].View
	if v["callback_id"] != "sb_note" || v["private_metadata"] != inc.ID {
		t.Fatalf("modal: %v", v)
	}
	sub := e.viewSubmission("U0EVE0001", "sb_note", inc.ID, map[string]any{
		"note": map[string]any{"body": map[string]any{"type": "plain_text_input", "value": "rolled back the deploy"}},
	})
	if st := e.post(t, path, sub, slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("note submission: %d", st)
	}
	waitFor(t, "the note", func() bool {
		var n int64
		e.m.DB.Model(&models.TimelineEntry{}).Where("incident_id = ? AND kind = ? AND body = ? AND actor_user_id = ?", inc.ID, models.TimelineNote, "rolled back the deploy", e.member.UserID).Count(&n)
		return n == 1
	})

	// Unlinked, Eve is a stranger again.
	if ok, err := e.m.Store.UnlinkSlackUser(ctx, e.member, link.ID); err != nil || !ok {
		t.Fatalf("unlink: %v %v", ok, err)
	}

	// Resolve from a DM: a page goes to Ada as a DM with the same buttons, she resolves there.
	ans, err := e.m.SlackDM.Send(ctx, &models.Notification{AccountID: e.acc, IncidentID: &inc.ID, UserID: e.admin.UserID, Recipient: "U0ADA0001", Reason: models.NotifyPage, Channel: models.ContactSlackDM})
	if err != nil || !strings.Contains(ans, "D0ADA0001") {
		t.Fatalf("DM: %q %v", ans, err)
	}
	if st := e.post(t, path, e.blockAction("U0ADA0001", "D0ADA0001", "sb_resolve", inc.ID), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("resolve from the DM: %d", st)
	}
	waitFor(t, "resolved", func() bool { return e.incident(t, inc.ID).Status == models.IncidentResolved })
	e.interactionsDone(t)

	// Idempotent: acknowledging a resolved incident changes nothing.
	before := e.incident(t, inc.ID)
	var entries int64
	e.m.DB.Model(&models.TimelineEntry{}).Where("incident_id = ?", inc.ID).Count(&entries)
	n := len(e.fake.Responses())
	if st := e.post(t, path, e.blockAction("U0BOB0001", slackChannel, "sb_ack", inc.ID), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("second ack: %d", st)
	}
	if text := e.waitResponse(t, n+1); !strings.Contains(text, "Nothing changed") {
		t.Fatalf("second ack told: %q", text)
	}
	after := e.incident(t, inc.ID)
	var entries2 int64
	e.m.DB.Model(&models.TimelineEntry{}).Where("incident_id = ?", inc.ID).Count(&entries2)
	if after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) || entries2 != entries {
		t.Fatal("an acknowledge of a resolved incident changed it")
	}

	// The channel message ends on the latest state, its thread carries the timeline.
	waitFor(t, "the message resolved", func() bool {
		ms := e.fake.Messages(slackChannel)
		return len(ms) >= 4 && strings.Contains(ms[0].Text, "[RESOLVED]")
	})
	var m models.SlackMessage
	if err := e.m.DB.Where("incident_id = ?", inc.ID).Take(&m).Error; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "in sync", func() bool {
		e.m.DB.Where("incident_id = ?", inc.ID).Take(&m)
		return m.SyncedVersion == m.DesiredVersion
	})
}

func TestSlackCommands(t *testing.T) {
	e := newSlackEnv(t)
	ctx := context.Background()
	inc, err := e.m.Store.CreateIncident(ctx, e.member, models.IncidentInput{ComponentID: e.comp.ID, Title: "Search slow", Severity: models.SeverityLow})
	if err != nil {
		t.Fatal(err)
	}
	const path = "/integrations/slack/commands"
	if st := e.post(t, path, e.command("U0BOB0001", "incidents"), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("incidents: %d", st)
	}
	if text := e.waitResponse(t, 1); !strings.Contains(text, models.SlackShortID(inc.ID)) || !strings.Contains(text, "Search slow") {
		t.Fatalf("incidents: %q", text)
	}
	if st := e.post(t, path, e.command("U0BOB0001", "ack "+models.SlackShortID(inc.ID)), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("ack: %d", st)
	}
	waitFor(t, "acknowledged", func() bool { return e.incident(t, inc.ID).Status == models.IncidentAcknowledged })
	if st := e.post(t, path, e.command("U0VIC0001", "resolve "+inc.ID), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("viewer resolve: %d", st)
	}
	if text := e.waitResponse(t, 3); !strings.Contains(text, "viewer") {
		t.Fatalf("viewer resolve: %q", text)
	}
	if st := e.post(t, path, e.command("U0BOB0001", "oncall"), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("oncall: %d", st)
	}
	if text := e.waitResponse(t, 4); !strings.Contains(text, "no schedules") {
		t.Fatalf("oncall: %q", text)
	}
	// declare: the modal, then its submission opens an incident.
	if st := e.post(t, path, e.command("U0BOB0001", "declare"), slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("declare: %d", st)
	}
	waitFor(t, "the declare modal", func() bool { return len(e.fake.Views()) == 1 })
	b, _ := json.Marshal(e.fake.Views()[0].View)
	if !strings.Contains(string(b), e.comp.ID) || !strings.Contains(string(b), "sb_declare") {
		t.Fatalf("declare modal: %s", b)
	}
	sub := e.viewSubmission("U0BOB0001", "sb_declare", "", map[string]any{
		"title":     map[string]any{"title": map[string]any{"type": "plain_text_input", "value": "Checkout 500s"}},
		"component": map[string]any{"component": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": e.comp.ID}}},
		"severity":  map[string]any{"severity": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "high"}}},
	})
	if st := e.post(t, "/integrations/slack/interactivity", sub, slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("declare submission: %d", st)
	}
	waitFor(t, "the declared incident", func() bool {
		var n int64
		e.m.DB.Model(&models.Incident{}).Where("title = ? AND severity = ?", "Checkout 500s", "high").Count(&n)
		return n == 1
	})
}

// A declare submitted from account A's workspace opens its incident in account A only, even
// for a person who is a member of another account too (the submission names a component).
func TestSlackDeclareStaysInTheWorkspaceAccount(t *testing.T) {
	e := newSlackEnv(t)
	ctx := context.Background()
	other, err := e.m.Store.CreateAccount(ctx, e.admin, "Other")
	if err != nil {
		t.Fatal(err)
	}
	name := "Elsewhere"
	comp, err := e.m.Store.CreateComponent(ctx, e.admin, other.ID, models.ComponentInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	sub := e.viewSubmission("U0ADA0001", "sb_declare", "", map[string]any{
		"title":     map[string]any{"title": map[string]any{"type": "plain_text_input", "value": "Cross-account"}},
		"component": map[string]any{"component": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": comp.ID}}},
		"severity":  map[string]any{"severity": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "high"}}},
	})
	if st := e.post(t, "/integrations/slack/interactivity", sub, slackSecret, time.Now()); st != http.StatusOK {
		t.Fatalf("declare submission: %d", st)
	}
	e.interactionsDone(t)
	var n int64
	e.m.DB.Model(&models.Incident{}).Where("title = ?", "Cross-account").Count(&n)
	if n != 0 {
		t.Fatal("a declare from account A's workspace opened an incident in another account")
	}
}

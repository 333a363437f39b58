package server_test

import (
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/slacktest"
)

// The console's Slack flow through GraphQL, against the fake Slack: connect a workspace (the
// token checked with auth.test, never returned), read the manifest, map a channel, open an
// incident and see its posted message in the incident's history; link a Slack user.
func TestSlackGraphQL(t *testing.T) {
	fake := slacktest.New(slackChannel)
	defer fake.Close()
	fake.AddUser(slacktest.User{ID: "U0ADA0001", Email: "admin@example.com", Name: "Ada"})
	m, c := MustStart(t, startOpts{env: map[string]string{"SWITCHBOARD_SLACK_API_URL": fake.APIURL(), "SWITCHBOARD_OUTBOUND_ALLOW": "127.0.0.0/8", "SWITCHBOARD_PUBLIC_URL": "https://sb.example.com"}})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)

	const connect = `mutation($a: ID!, $t: String!, $s: String!) { connectSlackWorkspace(input: {accountId: $a, botToken: $t, signingSecret: $s}) { slack { connected teamId teamName } errors { code field message } } }`
	var cd struct {
		ConnectSlackWorkspace struct {
			Slack *struct {
				Connected        bool
				TeamID, TeamName string
			}
			Errors []struct{ Code, Field, Message string }
		}
	}
	// A token Slack refuses (invalid_auth) is a field error and nothing is stored.
	if err := c.MustOK(ctx, connect, map[string]any{"a": a.accountID, "t": "xoxb-1111111111-2222222222-wrongtoken", "s": slackSecret}, &cd); err != nil {
		t.Fatal(err)
	}
	if e := cd.ConnectSlackWorkspace.Errors; len(e) != 1 || e[0].Field != "botToken" || !strings.Contains(e[0].Message, "invalid_auth") {
		t.Fatalf("refused token: %+v", cd.ConnectSlackWorkspace)
	}
	if err := c.MustOK(ctx, connect, map[string]any{"a": a.accountID, "t": fake.Token, "s": slackSecret}, &cd); err != nil {
		t.Fatal(err)
	}
	if s := cd.ConnectSlackWorkspace.Slack; s == nil || !s.Connected || s.TeamID != fake.TeamID || s.TeamName != fake.TeamName {
		t.Fatalf("connect: %+v", cd.ConnectSlackWorkspace)
	}
	viewer, _ := addUser(t, a, "viewer@example.com", "VIEWER")
	res, err := viewer.GraphQL(ctx, connect, map[string]any{"a": a.accountID, "t": fake.Token, "s": slackSecret})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Data), "FORBIDDEN") && res.Code() != "FORBIDDEN" {
		t.Fatalf("a viewer connected Slack: %s %+v", res.Data, res.Errors)
	}

	var ad struct {
		Account struct {
			SlackWorkspace struct {
				Connected                            bool
				TeamName, Manifest, InteractivityURL string
			}
			MySlackUserID *string
		}
	}
	if err := c.MustOK(ctx, `query($a: ID!) { account(id: $a) { slackWorkspace { connected teamName manifest interactivityUrl } mySlackUserId } }`, map[string]any{"a": a.accountID}, &ad); err != nil {
		t.Fatal(err)
	}
	sw := ad.Account.SlackWorkspace
	if !sw.Connected || sw.InteractivityURL != "https://sb.example.com/integrations/slack/interactivity" ||
		!strings.Contains(sw.Manifest, "https://sb.example.com/integrations/slack/commands") || strings.Contains(sw.Manifest, "xoxb") {
		t.Fatalf("slackWorkspace: %+v", sw)
	}
	if ad.Account.MySlackUserID == nil || *ad.Account.MySlackUserID != "U0ADA0001" {
		t.Fatalf("mySlackUserId: %v", ad.Account.MySlackUserID)
	}

	var comp struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "Web"}) { component { id } } }`, map[string]any{"a": a.accountID}, &comp); err != nil {
		t.Fatal(err)
	}
	var sc struct {
		SetComponentSlackChannel struct {
			Component *struct{ SlackChannel string }
			Errors    []struct{ Code, Field string }
		}
	}
	const setCh = `mutation($c: ID!, $ch: String!) { setComponentSlackChannel(input: {componentId: $c, channel: $ch}) { component { slackChannel } errors { code field } } }`
	if err := c.MustOK(ctx, setCh, map[string]any{"c": comp.CreateComponent.Component.ID, "ch": "#general"}, &sc); err != nil {
		t.Fatal(err)
	}
	if e := sc.SetComponentSlackChannel.Errors; len(e) != 1 || e[0].Field != "channel" {
		t.Fatalf("a channel name: %+v", sc.SetComponentSlackChannel)
	}
	if err := c.MustOK(ctx, setCh, map[string]any{"c": comp.CreateComponent.Component.ID, "ch": slackChannel}, &sc); err != nil {
		t.Fatal(err)
	}
	if sc.SetComponentSlackChannel.Component == nil || sc.SetComponentSlackChannel.Component.SlackChannel != slackChannel {
		t.Fatalf("set channel: %+v", sc.SetComponentSlackChannel)
	}

	var ci struct {
		CreateIncident struct{ Incident struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($c: ID!) { createIncident(input: {componentId: $c, title: "Login broken", severity: HIGH}) { incident { id } } }`, map[string]any{"c": comp.CreateComponent.Component.ID}, &ci); err != nil {
		t.Fatal(err)
	}
	var id struct {
		Incident struct {
			SlackMessages []struct {
				ChannelID, Ts, LastError      string
				DesiredVersion, SyncedVersion int
				LastSyncedAt                  *string
			}
		}
	}
	waitFor(t, "the message in the incident's history", func() bool {
		if err := c.MustOK(ctx, `query($id: ID!) { incident(id: $id) { slackMessages { channelId ts lastError desiredVersion syncedVersion lastSyncedAt } } }`, map[string]any{"id": ci.CreateIncident.Incident.ID}, &id); err != nil {
			t.Fatal(err)
		}
		ms := id.Incident.SlackMessages
		return len(ms) == 1 && ms[0].Ts != "" && ms[0].SyncedVersion == 1 && ms[0].LastSyncedAt != nil
	})
	if ms := fake.Messages(slackChannel); len(ms) != 1 || ms[0].TS != id.Incident.SlackMessages[0].Ts {
		t.Fatalf("fake Slack holds %+v", ms)
	}

	// Linking: the token from the ephemeral message, used by the signed-in user; then undone.
	var ws models.SlackWorkspace
	if err := m.DB.Where("account_id = ?", a.accountID).Take(&ws).Error; err != nil {
		t.Fatal(err)
	}
	link, err := m.Store.SlackLinkURL(&ws, "U0ZED0001")
	if err != nil {
		t.Fatal(err)
	}
	token := link[strings.Index(link, "token=")+len("token="):]
	var ld struct {
		LinkSlackUser struct {
			Link   *struct{ ID, SlackUserID, TeamID string }
			Errors []struct{ Code string }
		}
	}
	if err := c.MustOK(ctx, `mutation($t: String!) { linkSlackUser(input: {token: $t}) { link { id slackUserId teamId } errors { code } } }`, map[string]any{"t": token}, &ld); err != nil {
		t.Fatal(err)
	}
	if l := ld.LinkSlackUser.Link; l == nil || l.SlackUserID != "U0ZED0001" || l.TeamID != fake.TeamID {
		t.Fatalf("link: %+v", ld.LinkSlackUser)
	}
	var me struct {
		Me struct {
			User struct{ SlackLinks []struct{ ID string } }
		}
	}
	if err := c.MustOK(ctx, `{ me { user { slackLinks { id } } } }`, nil, &me); err != nil {
		t.Fatal(err)
	}
	if len(me.Me.User.SlackLinks) != 1 || me.Me.User.SlackLinks[0].ID != ld.LinkSlackUser.Link.ID {
		t.Fatalf("slackLinks: %+v", me)
	}
	// Another user cannot undo it.
	var ud struct {
		UnlinkSlackUser struct {
			DeletedID *string
			Errors    []struct{ Code string }
		}
	}
	if err := viewer.MustOK(ctx, `mutation($id: ID!) { unlinkSlackUser(input: {id: $id}) { deletedId errors { code } } }`, map[string]any{"id": ld.LinkSlackUser.Link.ID}, &ud); err != nil {
		t.Fatal(err)
	}
	if len(ud.UnlinkSlackUser.Errors) != 1 || ud.UnlinkSlackUser.Errors[0].Code != "NOT_FOUND" {
		t.Fatalf("someone else's unlink: %+v", ud)
	}
	if err := c.MustOK(ctx, `mutation($id: ID!) { unlinkSlackUser(input: {id: $id}) { deletedId errors { code } } }`, map[string]any{"id": ld.LinkSlackUser.Link.ID}, &ud); err != nil {
		t.Fatal(err)
	}
	if ud.UnlinkSlackUser.DeletedID == nil || len(ud.UnlinkSlackUser.Errors) != 0 {
		t.Fatalf("unlink: %+v", ud)
	}

	var dd struct {
		DisconnectSlackWorkspace struct{ Slack struct{ Connected bool } }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { disconnectSlackWorkspace(input: {accountId: $a}) { slack { connected } } }`, map[string]any{"a": a.accountID}, &dd); err != nil {
		t.Fatal(err)
	}
	if dd.DisconnectSlackWorkspace.Slack.Connected {
		t.Fatal("still connected")
	}
}

package jobs_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/slacktest"
)

const slackChannel = "C0INCIDENT"

// slackRig is an installed store with a component posting to a channel of a fake Slack.
type slackRig struct {
	db    *models.DB
	store *models.Store
	clock *clock
	admin *models.Actor
	acc   string
	comp  *models.Component
	fake  *slacktest.Server
	slack *jobs.Slack
}

func newSlackRig(t *testing.T, db *models.DB) *slackRig {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s := newStore(t, db, key, c)
	mustNoErr(t, s.SetLinkKey(key))
	s.SetPublicURL("https://sb.example.com")
	auth, err := models.NewAuth(s, []byte("0123456789abcdef0123456789abcdef-test-key"))
	mustNoErr(t, err)
	u, err := auth.Setup(ctx, models.SetupInput{Email: "admin@example.com", Name: "Ada Admin", Password: "correct horse battery", AccountName: "Acme"})
	mustNoErr(t, err)
	admin := &models.Actor{UserID: u.ID, UserName: u.Name, IsSystemAdmin: u.IsSystemAdmin}
	accs, err := s.ListAccounts(ctx, admin)
	mustNoErr(t, err)
	acc := accs[0].ID
	fake := slacktest.New(slackChannel)
	t.Cleanup(fake.Close)
	api := jobs.NewSlackAPI(fake.APIURL(), deliver.NewGuard([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil))
	s.SetSlackChecker(api)
	_, err = s.ConnectSlackWorkspace(ctx, admin, acc, fake.Token, "0123456789abcdef0123456789abcdef")
	mustNoErr(t, err)
	name := "API"
	comp, err := s.CreateComponent(ctx, admin, acc, models.ComponentInput{Name: &name})
	mustNoErr(t, err)
	_, err = s.SetComponentSlackChannel(ctx, admin, comp.ID, slackChannel)
	mustNoErr(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &slackRig{db: db, store: s, clock: c, admin: admin, acc: acc, comp: comp, fake: fake,
		slack: &jobs.Slack{Store: s, API: api, Log: log}}
}

// sync runs the incident's sync task as the worker would; it returns the retry error, if any.
func (r *slackRig) sync(t *testing.T, incidentID string) error {
	t.Helper()
	err := r.slack.Sync(context.Background(), jobs.NewSlackSyncTask(incidentID, time.Now()))
	if err != nil && jobs.IsFailure(err) {
		t.Fatalf("sync %s: %v counts as a failure", incidentID, err)
	}
	return err
}

func (r *slackRig) message(t *testing.T, incidentID string) models.SlackMessage {
	t.Helper()
	var m models.SlackMessage
	mustNoErr(t, r.db.Where("incident_id = ?", incidentID).Take(&m).Error)
	return m
}

func TestSlackChannelMessageFollowsIncident(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSlackRig(t, db)
	ctx := context.Background()
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "API <down>", Severity: models.SeverityHigh})
	mustNoErr(t, err)
	m := r.message(t, inc.ID)
	if m.ChannelID != slackChannel || m.DesiredVersion != 1 || m.SyncedVersion != 0 || m.NextAttemptAt == nil {
		t.Fatalf("opening did not mark the message for a sync: %+v", m)
	}
	if err := r.sync(t, inc.ID); err != nil {
		t.Fatal(err)
	}
	msgs := r.fake.Messages(slackChannel)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "[TRIGGERED]") || !strings.Contains(msgs[0].Blocks, "sb_ack") || !strings.Contains(msgs[0].Text, "API &lt;down&gt;") {
		t.Fatalf("posted: %+v", msgs)
	}
	if m = r.message(t, inc.ID); m.Ts != msgs[0].TS || m.SyncedVersion != 1 || m.NextAttemptAt != nil || m.LastSyncedAt == nil {
		t.Fatalf("after the post: %+v", m)
	}

	// Acknowledge, then a note, then resolve: the message is updated in place each time, in
	// order, and the timeline goes to the thread, each entry once.
	_, err = r.store.AcknowledgeIncident(ctx, r.admin, inc.ID)
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	_, err = r.store.AddIncidentNote(ctx, r.admin, inc.ID, "looking at the database")
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	_, err = r.store.ResolveIncident(ctx, r.admin, inc.ID, "")
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	mustNoErr(t, r.sync(t, inc.ID)) // in sync: nothing more
	msgs = r.fake.Messages(slackChannel)
	if len(msgs) != 4 {
		t.Fatalf("want the message and 3 thread replies, got %d: %+v", len(msgs), msgs)
	}
	main := msgs[0]
	want := []string{"TRIGGERED", "ACKNOWLEDGED", "ACKNOWLEDGED", "RESOLVED"}
	if len(main.Versions) != len(want) {
		t.Fatalf("versions %q", main.Versions)
	}
	for i, w := range want {
		if !strings.Contains(main.Versions[i], "["+w+"]") {
			t.Fatalf("version %d is %q, want %s", i, main.Versions[i], w)
		}
	}
	if strings.Contains(main.Blocks, "sb_ack") || strings.Contains(main.Blocks, "sb_resolve") {
		t.Fatalf("a resolved incident keeps its buttons: %s", main.Blocks)
	}
	replies := []string{"Acknowledged by", "looking at the database", "Resolved by"}
	for i, w := range replies {
		if msgs[i+1].ThreadTS != main.TS || !strings.Contains(msgs[i+1].Text, w) {
			t.Fatalf("reply %d: %+v, want %q in the thread", i, msgs[i+1], w)
		}
	}
	if m = r.message(t, inc.ID); m.SyncedVersion != m.DesiredVersion || m.DesiredVersion != 4 {
		t.Fatalf("versions after the changes: %+v", m)
	}
}

func TestSlackOutageCatchesUpWithLatestState(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSlackRig(t, db)
	ctx := context.Background()
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "Queue stuck", Severity: models.SeverityLow})
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))

	// Slack is down: incident changes still go through; the sync waits and retries.
	r.fake.SetDown(true)
	_, err = r.store.AcknowledgeIncident(ctx, r.admin, inc.ID)
	mustNoErr(t, err)
	if err := r.sync(t, inc.ID); err == nil {
		t.Fatal("a sync during an outage did not ask for a retry")
	}
	m := r.message(t, inc.ID)
	if m.NextAttemptAt == nil || m.LastError == "" || m.SyncedVersion != 1 {
		t.Fatalf("after a failed sync: %+v", m)
	}
	_, err = r.store.ResolveIncident(ctx, r.admin, inc.ID, "restarted the consumer")
	mustNoErr(t, err)

	// Slack asks to slow down: its Retry-After is honoured, not counted as a failure.
	r.fake.SetDown(false)
	r.fake.RateLimit(1, 30)
	r.clock.Advance(10 * time.Minute)
	err = r.sync(t, inc.ID)
	if err == nil {
		t.Fatal("a rate-limited sync did not ask for a retry")
	}
	m = r.message(t, inc.ID)
	if m.NextAttemptAt == nil || m.NextAttemptAt.Sub(r.clock.Now()) != 30*time.Second || !strings.Contains(m.LastError, "ratelimited") {
		t.Fatalf("Retry-After not honoured: %+v (now %s)", m, r.clock.Now())
	}
	// Before the Retry-After, nothing is sent.
	calls := len(r.fake.Calls())
	if err := r.sync(t, inc.ID); err == nil || len(r.fake.Calls()) != calls {
		t.Fatalf("a sync ran before Slack's Retry-After: %v", err)
	}
	r.clock.Advance(31 * time.Second)
	mustNoErr(t, r.sync(t, inc.ID))
	msgs := r.fake.Messages(slackChannel)
	if len(msgs[0].Versions) != 2 || !strings.Contains(msgs[0].Versions[1], "[RESOLVED]") {
		t.Fatalf("the catch-up did not go straight to the latest state: %q", msgs[0].Versions)
	}
	if len(msgs) != 3 || !strings.Contains(msgs[1].Text, "Acknowledged") || !strings.Contains(msgs[2].Text, "restarted the consumer") {
		t.Fatalf("thread after the outage: %+v", msgs)
	}
	if m = r.message(t, inc.ID); m.SyncedVersion != 3 || m.LastError != "" || m.NextAttemptAt != nil {
		t.Fatalf("after the catch-up: %+v", m)
	}
}

func TestSlackPermanentErrorWaitsForNextChange(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSlackRig(t, db)
	ctx := context.Background()
	_, err := r.store.SetComponentSlackChannel(ctx, r.admin, r.comp.ID, "C0MISSING1")
	mustNoErr(t, err)
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "Disk", Severity: models.SeverityLow})
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	m := r.message(t, inc.ID)
	if m.LastError != "channel_not_found" || m.NextAttemptAt != nil {
		t.Fatalf("channel_not_found: %+v", m)
	}
}

func TestSlackDMSend(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSlackRig(t, db)
	ctx := context.Background()
	r.fake.AddUser(slacktest.User{ID: "U0ADA0001", Email: "admin@example.com", Name: "Ada"})
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "Pager", Severity: models.SeverityCritical})
	mustNoErr(t, err)
	dm := &jobs.SlackDM{Store: r.store, API: r.slack.API}
	// Another workspace member's id as the address: refused, nothing sent to them.
	r.fake.AddUser(slacktest.User{ID: "U0EVE0001", Email: "eve@example.org", Name: "Eve"})
	_, err = dm.Send(ctx, &models.Notification{AccountID: r.acc, IncidentID: &inc.ID, UserID: r.admin.UserID, Recipient: "U0EVE0001", Reason: models.NotifyPage, Channel: models.ContactSlackDM})
	if !jobs.IsPermanentSlackError(err) || len(r.fake.Messages("D0EVE0001")) != 0 {
		t.Fatalf("a page went to a Slack user who is not the person: %v %+v", err, r.fake.Messages("D0EVE0001"))
	}
	ans, err := dm.Send(ctx, &models.Notification{AccountID: r.acc, IncidentID: &inc.ID, UserID: r.admin.UserID, Recipient: "U0ADA0001", Reason: models.NotifyPage, Channel: models.ContactSlackDM})
	mustNoErr(t, err)
	msgs := r.fake.Messages("D0ADA0001")
	if len(msgs) != 1 || !strings.Contains(ans, msgs[0].TS) || !strings.Contains(msgs[0].Blocks, "sb_resolve") || !strings.Contains(msgs[0].Text, "Page:") {
		t.Fatalf("DM: %q %+v", ans, msgs)
	}
	_, err = dm.Send(ctx, &models.Notification{AccountID: r.acc, IncidentID: &inc.ID, Recipient: "U0NOBODY1", Reason: models.NotifyPage})
	if !jobs.IsPermanentSlackError(err) {
		t.Fatalf("unknown Slack user: %v", err)
	}
	r.fake.RateLimit(1, 7)
	_, err = dm.Send(ctx, &models.Notification{AccountID: r.acc, IncidentID: &inc.ID, UserID: r.admin.UserID, Recipient: "U0ADA0001", Reason: models.NotifyPage})
	if d, ok := jobs.SlackRetryAfter(err); !ok || d != 7*time.Second {
		t.Fatalf("ratelimited: %v", err)
	}
	_, err = dm.Send(ctx, &models.Notification{AccountID: "00000000-0000-0000-0000-000000000000", Recipient: "U0ADA0001"})
	if !errors.Is(err, jobs.ErrSlackNotConnected) {
		t.Fatalf("no workspace: %v", err)
	}
}

// Through the real queue: an incident change is a row before it is a task, so a Redis flush
// between commit and the sync loses nothing: the sweeper puts the sync back.
func TestSlackSweeperRecoversLostSync(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	opt, err := asynq.ParseRedisURI(modeltest.MustRedisURL(t))
	mustNoErr(t, err)
	r := newSlackRig(t, db)
	r.store.SetClock(time.Now) // the real clock: Asynq schedules by it
	client := asynq.NewClient(opt)
	defer client.Close()
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	q := &jobs.Queue{Client: client, Inspector: insp, Log: r.slack.Log}
	r.store.SetEnqueuer(q)
	r.slack.Queue = q

	ctx := context.Background()
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "Lost", Severity: models.SeverityLow})
	mustNoErr(t, err)
	if _, err := insp.GetTaskInfo(jobs.QueueDefault, "slack:sync:"+inc.ID); err != nil {
		t.Fatalf("the sync was not enqueued: %v", err)
	}
	// A second change while the task waits coalesces into it.
	_, err = r.store.AcknowledgeIncident(ctx, r.admin, inc.ID)
	mustNoErr(t, err)
	rdb := opt.MakeRedisClient().(redis.UniversalClient)
	defer rdb.Close()
	mustNoErr(t, rdb.FlushDB(ctx).Err())

	h := &jobs.Handlers{Store: r.store, Log: r.slack.Log, Slack: r.slack}
	worker := asynq.NewServer(opt, jobs.WorkerConfig(4, 5*time.Second, r.slack.Log))
	mustNoErr(t, worker.Start(h.Mux()))
	defer worker.Shutdown()
	time.Sleep(jobs.SweepGrace)
	mustNoErr(t, r.slack.Sweep(ctx, jobs.NewSweepSlackTask()))
	deadline := time.Now().Add(20 * time.Second)
	for {
		m := r.message(t, inc.ID)
		if m.SyncedVersion == m.DesiredVersion && m.DesiredVersion == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not synced after the flush: %+v", m)
		}
		time.Sleep(50 * time.Millisecond)
	}
	msgs := r.fake.Messages(slackChannel)
	if len(msgs) != 2 || len(msgs[0].Versions) != 1 || !strings.Contains(msgs[0].Text, "[ACKNOWLEDGED]") {
		t.Fatalf("one post with the latest state and one reply expected: %+v", msgs)
	}
}

// Slack calls go through the outbound guard of deliveries: a Slack API URL on a refused address
// (here loopback, not allowed) is not connected to.
func TestSlackAPIGuarded(t *testing.T) {
	fake := slacktest.New()
	defer fake.Close()
	api := jobs.NewSlackAPI(fake.APIURL(), deliver.NewGuard(nil, nil))
	if _, err := api.SlackAuthTest(context.Background(), fake.Token); err == nil {
		t.Fatal("the guard let a call to loopback through")
	}
	if n := len(fake.Calls()); n != 0 {
		t.Fatalf("%d calls reached the fake", n)
	}
	api = jobs.NewSlackAPI(fake.APIURL(), deliver.NewGuard([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil))
	if team, err := api.SlackAuthTest(context.Background(), fake.Token); err != nil || team.TeamID != fake.TeamID {
		t.Fatalf("allowed: %+v %v", team, err)
	}
	if _, err := api.SlackAuthTest(context.Background(), "xoxb-wrong"); err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("a wrong token: %v", err)
	}
}

// An interaction accepted while Slack is down (its user is matched through users.info) waits
// and is retried; nothing changes until it runs, and it runs once.
func TestSlackInteractionRetriedThroughOutage(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSlackRig(t, db)
	ctx := context.Background()
	r.fake.AddUser(slacktest.User{ID: "U0ADA0001", Email: "admin@example.com", Name: "Ada"})
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "Flaky", Severity: models.SeverityHigh})
	mustNoErr(t, err)
	ws, err := r.store.SlackWorkspaceForAccount(ctx, r.acc)
	mustNoErr(t, err)
	body := slacktest.InteractionBody(map[string]any{
		"type": "block_actions", "team": map[string]any{"id": ws.TeamID}, "user": map[string]any{"id": "U0ADA0001"},
		"trigger_id": "1.2.3", "response_url": r.fake.ResponseURL("actions/1"),
		"actions": []any{map[string]any{"action_id": jobs.SlackActionAck, "block_id": "sb_actions", "value": inc.ID, "type": "button"}},
	})
	it, err := r.store.AcceptSlackInteraction(ctx, models.SlackInteractionInput{Workspace: ws, Timestamp: "1", Signature: "v0=1",
		Kind: models.SlackBlockActions, SlackUserID: "U0ADA0001", Payload: body})
	mustNoErr(t, err)
	interact := func() error {
		err := r.slack.Interact(ctx, jobs.NewSlackInteractionTask(it.ID, time.Now()))
		if err != nil && jobs.IsFailure(err) {
			t.Fatalf("interaction: %v counts as a failure", err)
		}
		return err
	}
	r.fake.SetDown(true)
	if err := interact(); err == nil {
		t.Fatal("an interaction during an outage did not wait for a retry")
	}
	var row models.SlackInteraction
	mustNoErr(t, db.Where("id = ?", it.ID).Take(&row).Error)
	if row.Status != models.SlackInteractionPending || row.Attempts != 1 || row.NextAttemptAt == nil {
		t.Fatalf("after the outage: %+v", row)
	}
	var got models.Incident
	mustNoErr(t, db.Where("id = ?", inc.ID).Take(&got).Error)
	if got.Status != models.IncidentTriggered {
		t.Fatalf("changed during the outage: %s", got.Status)
	}
	r.fake.SetDown(false)
	r.clock.Advance(10 * time.Minute)
	mustNoErr(t, interact())
	mustNoErr(t, db.Where("id = ?", it.ID).Take(&row).Error)
	mustNoErr(t, db.Where("id = ?", inc.ID).Take(&got).Error)
	if row.Status != models.SlackInteractionDone || got.Status != models.IncidentAcknowledged || len(r.fake.Responses()) != 1 {
		t.Fatalf("after the retry: %+v, incident %s, %d answers", row, got.Status, len(r.fake.Responses()))
	}
	// Done is done: a duplicate task does nothing.
	mustNoErr(t, interact())
	if len(r.fake.Responses()) != 1 {
		t.Fatal("a done interaction ran again")
	}
}

// A channel message deleted in Slack is posted again once, and the new message is the one
// updated afterwards (not a fresh post on every change).
func TestSlackDeletedMessageRepostedOnce(t *testing.T) {
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSlackRig(t, db)
	ctx := context.Background()
	inc, err := r.store.CreateIncident(ctx, r.admin, models.IncidentInput{ComponentID: r.comp.ID, Title: "API down", Severity: models.SeverityHigh})
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	// The message is gone from Slack: its ts names nothing any more.
	mustNoErr(t, db.Exec("UPDATE slack_messages SET ts = ? WHERE incident_id = ?", "1700000000.999999", inc.ID).Error)
	_, err = r.store.AcknowledgeIncident(ctx, r.admin, inc.ID)
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	var mains []slacktest.Message
	for _, m := range r.fake.Messages(slackChannel) {
		if m.ThreadTS == "" {
			mains = append(mains, m)
		}
	}
	if len(mains) != 2 {
		t.Fatalf("want the first message and its repost, got %d", len(mains))
	}
	if m := r.message(t, inc.ID); m.Ts != mains[1].TS {
		t.Fatalf("the repost's ts was not stored: row %q, repost %q", m.Ts, mains[1].TS)
	}
	_, err = r.store.ResolveIncident(ctx, r.admin, inc.ID, "")
	mustNoErr(t, err)
	mustNoErr(t, r.sync(t, inc.ID))
	mains = mains[:0]
	for _, m := range r.fake.Messages(slackChannel) {
		if m.ThreadTS == "" {
			mains = append(mains, m)
		}
	}
	if len(mains) != 2 || !strings.Contains(mains[1].Text, "[RESOLVED]") {
		t.Fatalf("after the next change: %d messages, last %q", len(mains), mains[len(mains)-1].Text)
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server"
)

// pageInbox is a real SMTP server (emersion/go-smtp) on loopback that records what it takes and
// can refuse.
type pageInbox struct {
	addr string
	mu   sync.Mutex
	got  []inboxMail
	// refuse, when set, answers RCPT TO with it.
	refuse *smtp.SMTPError
}

type inboxMail struct {
	to   string
	data string
	at   time.Time
}

func newPageInbox(t *testing.T) *pageInbox {
	t.Helper()
	in := &pageInbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &inboxSession{in: in}, nil }))
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in
}

func (in *pageInbox) to(addr string) []inboxMail {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []inboxMail
	for _, m := range in.got {
		if strings.EqualFold(m.to, addr) {
			out = append(out, m)
		}
	}
	return out
}

type inboxSession struct {
	in *pageInbox
	to string
}

func (s *inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	if s.in.refuse != nil {
		return s.in.refuse
	}
	s.to = to
	return nil
}
func (s *inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	s.in.got = append(s.in.got, inboxMail{to: s.to, data: string(b), at: time.Now()})
	s.in.mu.Unlock()
	return nil
}
func (s *inboxSession) Reset()        {}
func (s *inboxSession) Logout() error { return nil }

// ntfyServer records JSON publishes.
type ntfyServer struct {
	*httptest.Server
	mu  sync.Mutex
	got []map[string]any
}

func newNtfyServer(t *testing.T) *ntfyServer {
	n := &ntfyServer{}
	n.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		m["_auth"] = r.Header.Get("Authorization")
		n.mu.Lock()
		n.got = append(n.got, m)
		n.mu.Unlock()
		_, _ = w.Write([]byte(`{"id":"abc","event":"message"}`))
	}))
	t.Cleanup(n.Close)
	return n
}

func (n *ntfyServer) count() int { n.mu.Lock(); defer n.mu.Unlock(); return len(n.got) }

// engineClock is the store's injectable clock: it runs with real time from an offset the test
// moves.
type engineClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *engineClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

func (c *engineClock) advance(d time.Duration) { c.mu.Lock(); c.offset += d; c.mu.Unlock() }

func waitUntil(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

var linkRe = regexp.MustCompile(`(Acknowledge|Resolve): (https?://\S+/links/[A-Za-z0-9_.\-]+)`)

// mailLinks reads the plain-text links of a received page (quoted-printable soft breaks
// undone).
func mailLinks(data string) map[string]string {
	plain := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(data)
	out := map[string]string{}
	for _, m := range linkRe.FindAllStringSubmatch(plain, -1) {
		if _, ok := out[m[1]]; !ok {
			out[m[1]] = m[2]
		}
	}
	return out
}

// engineEnv is a running Switchboard (PostgreSQL, Redis, the real worker) with an SMTP server,
// an ntfy server, two people and a two-level policy on the SNS integration's component.
type engineEnv struct {
	*snsEnv
	clock    *engineClock
	inbox    *pageInbox
	ntfy     *ntfyServer
	redisURL string
	ana, bo  models.User
}

func mustEngineEnv(t *testing.T) *engineEnv {
	t.Helper()
	inbox := newPageInbox(t)
	clock := &engineClock{}
	redisURL := modeltest.MustRedisURL(t)
	e := mustSNSEnv(t, startOpts{
		env: map[string]string{"SWITCHBOARD_SMTP_URL": "smtp://" + inbox.addr + "?tls=none", "SWITCHBOARD_MAIL_FROM": "Switchboard <pager@example.com>",
			"SWITCHBOARD_OUTBOUND_ALLOW": "127.0.0.0/8", "SWITCHBOARD_REDIS_URL": redisURL},
		beforeServe: func(m *server.Main) {
			m.Store.SetClock(clock.now)
		},
	})
	env := &engineEnv{snsEnv: e, clock: clock, inbox: inbox, ntfy: newNtfyServer(t), redisURL: redisURL}
	ctx := ctxT(t)
	for _, p := range []struct{ email, name string }{{"ana@example.com", "Ana"}, {"bo@example.com", "Bo"}} {
		var d struct {
			AddMember struct{ Errors []struct{ Message string } }
		}
		if err := e.c.MustOK(ctx, `mutation($a: ID!, $e: String!, $n: String!) { addMember(input: {accountId: $a, email: $e, role: MEMBER, name: $n, password: "correct horse battery"}) { errors { message } } }`,
			map[string]any{"a": e.accountID, "e": p.email, "n": p.name}, &d); err != nil || len(d.AddMember.Errors) > 0 {
			t.Fatalf("addMember %s: %v %+v", p.email, err, d.AddMember.Errors)
		}
	}
	db := e.m.Store.DB()
	mustDB := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustDB(db.Where("email = ?", "ana@example.com").Take(&env.ana).Error)
	mustDB(db.Where("email = ?", "bo@example.com").Take(&env.bo).Error)
	now := clock.now()
	mustDB(db.Create(&models.ContactMethod{ID: uuid.NewString(), UserID: env.ana.ID, Kind: models.ContactNtfy, Label: "phone",
		Address: env.ntfy.URL + "/ana-pages", VerifiedAt: &now, CreatedAt: now, UpdatedAt: now}).Error)
	// Level 1: the on-call schedule (Ana); level 2: Bo. Timeouts of 5 minutes.
	sch := models.Schedule{ID: uuid.NewString(), AccountID: e.accountID, Name: "Primary", TimeZone: "Europe/Berlin", CreatedAt: now, UpdatedAt: now}
	mustDB(db.Create(&sch).Error)
	mustDB(db.Create(&models.ScheduleLayer{ID: uuid.NewString(), ScheduleID: sch.ID, Rotation: "weekly", Length: 1, HandOff: "09:00", HandOffDay: 1,
		Participants: `["` + env.ana.ID + `"]`, StartsAt: now.Add(-30 * 24 * time.Hour), Restrictions: "[]", CreatedAt: now, UpdatedAt: now}).Error)
	pol := models.EscalationPolicy{ID: uuid.NewString(), AccountID: e.accountID, Name: "Platform", CreatedAt: now, UpdatedAt: now}
	mustDB(db.Create(&pol).Error)
	l1 := models.EscalationLevel{ID: uuid.NewString(), PolicyID: pol.ID, Position: 0, TimeoutMinutes: 5}
	l2 := models.EscalationLevel{ID: uuid.NewString(), PolicyID: pol.ID, Position: 1, TimeoutMinutes: 5}
	mustDB(db.Create(&l1).Error)
	mustDB(db.Create(&l2).Error)
	mustDB(db.Create(&models.EscalationTarget{ID: uuid.NewString(), LevelID: l1.ID, ScheduleID: &sch.ID}).Error)
	mustDB(db.Create(&models.EscalationTarget{ID: uuid.NewString(), LevelID: l2.ID, UserID: &env.bo.ID}).Error)
	mustDB(db.Model(&models.Component{}).Where("id = ?", e.componentID).Update("escalation_policy_id", pol.ID).Error)
	e.confirm(t, topicA)
	return env
}

func (e *engineEnv) incidentStatus(t *testing.T, id string) string {
	t.Helper()
	var inc models.Incident
	if err := e.m.Store.DB().Where("id = ?", id).Take(&inc).Error; err != nil {
		t.Fatal(err)
	}
	return string(inc.Status)
}

// onBase points a link built on the public URL at the running server.
func (e *engineEnv) onBase(link string) string {
	i := strings.Index(link, "/links/")
	return e.c.BaseURL + link[i:]
}

func TestEngineEndToEnd(t *testing.T) {
	e := mustEngineEnv(t)
	ctx := ctxT(t)

	// A signed ALARM opens an incident: level 1 (Ana, on call) gets an email and an ntfy push.
	e.mustPost(t, e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now().Add(-time.Minute)), 200)
	rows := e.incidents(t)
	if len(rows) != 1 {
		t.Fatalf("%d incidents", len(rows))
	}
	incID := rows[0].ID
	waitUntil(t, "Ana's page by email", 15*time.Second, func() bool { return len(e.inbox.to(e.ana.Email)) == 1 })
	waitUntil(t, "Ana's ntfy push", 15*time.Second, func() bool { return e.ntfy.count() == 1 })
	e.ntfy.mu.Lock()
	push := e.ntfy.got[0]
	e.ntfy.mu.Unlock()
	if push["topic"] != "ana-pages" || !strings.Contains(push["title"].(string), "api-5xx") || push["actions"] == nil {
		t.Fatalf("ntfy push: %v", push)
	}
	page := e.inbox.to(e.ana.Email)[0].data
	if !strings.Contains(page, "api-5xx") || !strings.Contains(page, "API") || !strings.Contains(page, "Threshold Crossed") || !strings.Contains(page, "AWS/ApiGateway 5XXError") {
		t.Fatalf("the page lacks the incident's title or component:\n%s", page)
	}
	if len(e.inbox.to(e.bo.Email)) != 0 {
		t.Fatal("Bo was paged before the timeout")
	}

	// Redis loses everything mid-escalation: the rows decide, the page still happens once.
	opt, _ := redis.ParseURL(e.redisURL)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	// Nobody acknowledges: past the timeout (the injectable clock; no waiting minutes) level 2
	// pages Bo.
	e.clock.advance(5*time.Minute + time.Second)
	defer func() {
		if t.Failed() {
			e.dump(t, incID)
		}
	}()
	waitUntil(t, "Bo's page after the timeout", 20*time.Second, func() bool { return len(e.inbox.to(e.bo.Email)) >= 1 })
	time.Sleep(3 * time.Second) // a few more engine cycles
	if n := len(e.inbox.to(e.bo.Email)); n != 1 {
		t.Fatalf("Bo got %d pages, want exactly 1", n)
	}
	if n := len(e.inbox.to(e.ana.Email)); n != 1 {
		t.Fatalf("Ana got %d pages, want 1", n)
	}

	// The emailed Acknowledge link: the GET page changes nothing, the POST acknowledges.
	links := mailLinks(e.inbox.to(e.bo.Email)[0].data)
	ack := links["Acknowledge"]
	if ack == "" || links["Resolve"] == "" {
		t.Fatalf("no links in the mail:\n%s", e.inbox.to(e.bo.Email)[0].data)
	}
	resp, err := http.Get(e.onBase(ack))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<form method=\"post\">") || !strings.Contains(string(body), "api-5xx") {
		t.Fatalf("GET link: %d %s", resp.StatusCode, body)
	}
	if st := e.incidentStatus(t, incID); st != "triggered" {
		t.Fatalf("a GET changed the incident: %s", st)
	}
	resp, err = http.Post(e.onBase(ack), "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "acknowledged") {
		t.Fatalf("POST link: %d %s", resp.StatusCode, body)
	}
	if st := e.incidentStatus(t, incID); st != "acknowledged" {
		t.Fatalf("after the link: %s", st)
	}
	var entry models.TimelineEntry
	if err := e.m.Store.DB().Where("incident_id = ? AND kind = ?", incID, models.TimelineAcknowledged).Take(&entry).Error; err != nil || entry.ActorLabel != "Bo via email link" {
		t.Fatalf("acknowledged by %q (%v)", entry.ActorLabel, err)
	}
	// In the account's activity too, as from the console.
	var audit models.AuditEntry
	if err := e.m.Store.DB().Where("target_id = ? AND action = ?", incID, "incident.acknowledged").Take(&audit).Error; err != nil || audit.ActorLabel != "Bo via email link" {
		t.Fatalf("activity entry %+v (%v)", audit, err)
	}
	// Single use.
	resp, err = http.Post(e.onBase(ack), "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Fatalf("second POST: %d, want 410", resp.StatusCode)
	}

	// No further page, however long we wait.
	e.clock.advance(time.Hour)
	time.Sleep(3 * time.Second)
	if a, b := len(e.inbox.to(e.ana.Email)), len(e.inbox.to(e.bo.Email)); a != 1 || b != 1 {
		t.Fatalf("after acknowledge: Ana %d, Bo %d pages", a, b)
	}

	// The OK alarm resolves.
	e.mustPost(t, e.alarm(t, topicA, alarmA, "ALARM", "OK", time.Now()), 200)
	if st := e.incidentStatus(t, incID); st != "resolved" {
		t.Fatalf("after OK: %s", st)
	}
	// The timeline tells the story.
	var bodies []string
	if err := e.m.Store.DB().Table("incident_timeline").Where("incident_id = ?", incID).Order("created_at, id").Pluck("body", &bodies).Error; err != nil {
		t.Fatal(err)
	}
	all := strings.Join(bodies, "\n")
	for _, want := range []string{"Paged Ana (email, ntfy) — level 1 of Platform", "Paged Bo (email) — level 2 of Platform", "Email to bo@… sent", "ntfy push sent"} {
		if !strings.Contains(all, want) {
			t.Fatalf("timeline lacks %q:\n%s", want, all)
		}
	}
}

func TestEngineSMTPRefusesThenDown(t *testing.T) {
	e := mustEngineEnv(t)
	e.inbox.mu.Lock()
	e.inbox.refuse = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	e.inbox.mu.Unlock()
	e.mustPost(t, e.alarm(t, topicA, alarmA, "OK", "ALARM", time.Now().Add(-time.Minute)), 200)
	incID := e.incidents(t)[0].ID
	db := e.m.Store.DB()
	timeline := func() string {
		var bodies []string
		_ = db.Table("incident_timeline").Where("incident_id = ?", incID).Order("created_at, id").Pluck("body", &bodies).Error
		return strings.Join(bodies, "\n")
	}
	waitUntil(t, "the refusal on the timeline", 20*time.Second, func() bool {
		return strings.Contains(timeline(), "Email to ana@… failed") && strings.Contains(timeline(), "retrying")
	})
	var n models.Notification
	if err := db.Where("incident_id = ? AND channel = 'email'", incID).Take(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n.Status != models.NotificationRetrying || !strings.Contains(n.LastError, "451") {
		t.Fatalf("notification after a refusal: %s %q", n.Status, n.LastError)
	}
	// The ntfy push is unaffected.
	waitUntil(t, "the ntfy push", 10*time.Second, func() bool { return e.ntfy.count() == 1 })

	// The server takes mail again: the retry (due by the store's clock) goes out.
	e.inbox.mu.Lock()
	e.inbox.refuse = nil
	e.inbox.mu.Unlock()
	e.clock.advance(models.MailRetryDelay(1) + time.Second)
	// The retry's Asynq task waits on real time; the mail sweeper re-enqueues due mail.
	waitUntil(t, "the retried page", 45*time.Second, func() bool { return len(e.inbox.to(e.ana.Email)) == 1 })
	waitUntil(t, "the notification sent", 10*time.Second, func() bool {
		_ = db.Where("id = ?", n.ID).Take(&n).Error
		return n.Status == models.NotificationSent
	})
	if !strings.Contains(timeline(), "Email to ana@… sent") {
		t.Fatalf("timeline:\n%s", timeline())
	}
	var atts int64
	db.Model(&models.NotificationAttempt{}).Where("notification_id = ?", n.ID).Count(&atts)
	if atts != 2 {
		t.Fatalf("%d attempts recorded, want 2", atts)
	}
	_ = context.Background()
}

func (e *engineEnv) dump(t *testing.T, incID string) {
	db := e.m.Store.DB()
	var row models.IncidentEscalation
	_ = db.Where("incident_id = ?", incID).Take(&row).Error
	t.Logf("now %v escalation %+v next %v", e.clock.now(), row, row.NextStepAt)
	var ns []models.Notification
	_ = db.Where("incident_id = ?", incID).Find(&ns).Error
	for _, n := range ns {
		t.Logf("notification %s %s %s next %v mail %v err %q", n.Channel, n.Recipient, n.Status, n.NextAttemptAt, n.MailID, n.LastError)
	}
	var ms []models.Mail
	_ = db.Find(&ms).Error
	for _, m := range ms {
		t.Logf("mail %s %s %s next %v err %q", m.ToAddress, m.Kind, m.Status, m.NextAttemptAt, m.LastError)
	}
}

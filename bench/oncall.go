package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-smtp"
	guuid "github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/models"
)

// The on-call scenario (-scenario oncall, not part of all): the figures of issue 10, measured
// on the real binary (`serve`, its worker and scheduler, real time) with a real SMTP server
// (emersion/go-smtp) and an ntfy server (httptest) in this process, loopback allowed as an
// outbound destination and page bundling off (SWITCHBOARD_PAGE_BUNDLE_WINDOW=0s: every page is
// its own message, so the figures count sends).
//
//  1. Page latency under bulk mail: -oncall-bulk subscriber mails (bulk priority) are written
//     and put on the mail queue, and while they drain -oncall-pages incidents are opened through
//     the GraphQL API (createIncident) on a component whose policy pages the admin by email; the
//     latency is from the request to the SMTP server's acceptance of that incident's page.
//  2. Escalation storm: -oncall-escalations triggered incidents of a second account, each with
//     an escalation row of a one-level policy paging one of -oncall-people people (account email
//     and an ntfy topic each), are written with nothing due; then one UPDATE makes all of them
//     due at the same instant T, a few seconds ahead. Nothing wakes the engine: the scheduler's
//     safety-net cycle finds them, as it finds a level's timeout in production. The tool polls
//     the rows every 100 ms: when each escalation's level was advanced (committed with its
//     notification rows, one transaction per batch), measured from T; and when the local servers
//     accepted every notification (the drain rate is over the time from the first committed
//     notification row to the last acceptance).
//
// Correctness: every page and every bulk mail is received exactly once, every escalation is at
// level 1 with exactly one email and one ntfy notification, all sent, and nothing more arrives
// after the scheduler has run again.

// Targets of issue 10 ("Figures").
const (
	oncallLatencyP95 = 500.0 // ms, incident opened → page accepted, with 10,000 bulk mails queued
	oncallAdvanceMax = 5.0   // s, every escalation due in the same minute advanced after its due time
	oncallDrainRate  = 500.0 // notifications/s to local SMTP and ntfy servers
	oncallFullSize   = 10000
)

type stormPoint struct {
	Secs     float64 `json:"s_after_due"`
	Advanced int64   `json:"advanced"`
	Rows     int64   `json:"notification_rows"`
	Received int     `json:"received"`
}

type oncallConfig struct {
	escalations  int
	people       int
	bulk         int
	pages        int
	drainTimeout time.Duration
}

type oncallResults struct {
	Started   time.Time         `json:"started"`
	Machine   machineInfo       `json:"machine"`
	Settings  map[string]string `json:"settings"`
	LoadAfter string            `json:"loadavg_after"`

	PageLatency     latSummary `json:"page_latency"`
	MinBacklog      int64      `json:"min_bulk_unsent_at_a_page"`
	BulkDrainSecs   float64    `json:"bulk_drain_seconds"`
	BulkReceived    int        `json:"bulk_received"`
	PagesReceived   int        `json:"pages_received"`
	SetupSecs       float64    `json:"storm_setup_seconds"`
	Advanced        int64      `json:"escalations_advanced"`
	NotificationRow int64      `json:"notification_rows"`
	AdvanceLag      struct {
		P50   float64 `json:"p50_s"`
		P95   float64 `json:"p95_s"`
		Max   float64 `json:"max_s"`
		First float64 `json:"first_s"`
	} `json:"advance_lag_after_due"`
	// Curve is the storm once a second: escalations advanced and notifications committed and
	// received by then (seconds after due).
	Curve     []stormPoint `json:"storm_curve"`
	DrainSecs float64      `json:"drain_seconds"`
	DrainRate float64      `json:"drain_per_second"`
	EmailsIn  int          `json:"storm_emails_received"`
	NtfyIn    int          `json:"storm_ntfy_received"`
	SentRows  int64        `json:"notifications_sent"`

	Targets  []target `json:"targets"`
	Failures []string `json:"failures"`
	Misses   []string `json:"targets_missed"`
	Aborted  string   `json:"aborted,omitempty"`
}

// oncallInbox is the SMTP server: it counts what it accepts by recipient and by the page's
// X-Switchboard-Incident header.
type oncallInbox struct {
	mu         sync.Mutex
	byIncident map[string]int       // page mails per incident
	at         map[string]time.Time // first acceptance per incident
	byRcpt     map[string]int       // mails per recipient
	bulk       int
	pages      int
	last       time.Time
}

func newOncallInbox() *oncallInbox {
	return &oncallInbox{byIncident: map[string]int{}, at: map[string]time.Time{}, byRcpt: map[string]int{}}
}

type oncallSession struct {
	in *oncallInbox
	to []string
}

func (s *oncallSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *oncallSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, strings.ToLower(to))
	return nil
}
func (s *oncallSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	inc := msg.Header.Get("X-Switchboard-Incident")
	_, _ = io.Copy(io.Discard, msg.Body)
	now := time.Now()
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	for _, to := range s.to {
		s.in.byRcpt[to]++
	}
	if inc != "" {
		s.in.pages++
		if s.in.byIncident[inc] == 0 {
			s.in.at[inc] = now
		}
		s.in.byIncident[inc]++
	} else {
		s.in.bulk++
	}
	s.in.last = now
	return nil
}
func (s *oncallSession) Reset()        { s.to = nil }
func (s *oncallSession) Logout() error { return nil }

// oncallNtfy is the ntfy server: it counts publishes by topic and title.
type oncallNtfy struct {
	mu    sync.Mutex
	byKey map[string]int // topic + "\x00" + title
	n     int
	last  time.Time
}

func (n *oncallNtfy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m struct{ Topic, Title string }
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	n.mu.Lock()
	n.byKey[m.Topic+"\x00"+m.Title]++
	n.n++
	n.last = time.Now()
	n.mu.Unlock()
	_, _ = w.Write([]byte(`{"id":"bench","event":"message"}`))
}

func (n *oncallNtfy) count() (int, time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.n, n.last
}

func (in *oncallInbox) counts() (pages, bulk int, last time.Time) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.pages, in.bulk, in.last
}

// runOnCall does the scenario and returns its results and the exit code.
func runOnCall(ctx context.Context, cfg *config) (*oncallResults, int) {
	o := cfg.oncall
	res := &oncallResults{Started: time.Now(), Settings: map[string]string{
		"escalations": strconv.Itoa(o.escalations), "people": strconv.Itoa(o.people), "bulk_mails": strconv.Itoa(o.bulk),
		"pages": strconv.Itoa(o.pages), "bundle_window": "0s",
	}}
	err := oncallRun(ctx, cfg, res)
	code := 0
	if err != nil {
		res.Aborted = err.Error()
		logf("on-call: FAILED: %v", err)
		code = 1
	}
	res.LoadAfter = loadAvg()
	res.evaluate(o)
	res.print(os.Stdout)
	return res, resultCode("on-call", code, res.Failures, res.Misses, cfg.strict)
}

func oncallRun(ctx context.Context, cfg *config, res *oncallResults) error {
	inbox := newOncallInbox()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &oncallSession{in: inbox}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "mx.bench", true
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	ntfy := &oncallNtfy{byKey: map[string]int{}}
	hs := httptest.NewServer(ntfy)
	defer hs.Close()

	logf("on-call: preparing binary, database, Redis, server")
	e, err := newEnv(ctx, cfg)
	if e != nil {
		defer e.close()
	}
	if err != nil {
		return err
	}
	res.Machine = machine(e.bin)
	if err := e.startServer(ctx, map[string]string{
		"SWITCHBOARD_SMTP_URL": "smtp://" + ln.Addr().String() + "?tls=none", "SWITCHBOARD_MAIL_FROM": "Switchboard <pager@example.com>",
		"SWITCHBOARD_OUTBOUND_ALLOW": "127.0.0.0/8", "SWITCHBOARD_PAGE_BUNDLE_WINDOW": "0s",
	}); err != nil {
		e.printServerLog(20)
		return err
	}
	if _, err := e.setupAccount(ctx); err != nil {
		return err
	}
	db, err := models.OpenDB(ctx, e.dbURL)
	if err != nil {
		return err
	}
	defer func() {
		if sql, err := db.DB.DB(); err == nil {
			_ = sql.Close()
		}
	}()
	if err := oncallLatency(ctx, e, db, cfg.oncall, inbox, res); err != nil {
		e.printServerLog(20)
		return err
	}
	if err := oncallStorm(ctx, e, db, cfg.oncall, inbox, ntfy, hs.URL, res); err != nil {
		e.printServerLog(20)
		return err
	}
	problems, _ := e.serverLogMessages()
	for k, n := range problems {
		logf("on-call: server log: %d× %s", n, k)
	}
	return nil
}

// oncallLatency is phase 1: pages through the API while the bulk backlog drains.
func oncallLatency(ctx context.Context, e *env, db *models.DB, o oncallConfig, inbox *oncallInbox, res *oncallResults) error {
	var admin models.User
	if err := db.Where("email = ?", "bench@example.com").Take(&admin).Error; err != nil {
		return fmt.Errorf("the setup admin: %w", err)
	}
	now := time.Now().UTC()
	pol := models.EscalationPolicy{ID: guuid.NewString(), AccountID: e.accountID, Name: "Bench pages", CreatedAt: now, UpdatedAt: now}
	lvl := models.EscalationLevel{ID: guuid.NewString(), PolicyID: pol.ID, Position: 0, TimeoutMinutes: 60}
	comp := models.Component{ID: guuid.NewString(), AccountID: e.accountID, Name: "Bench API", EscalationPolicyID: &pol.ID, CreatedAt: now, UpdatedAt: now}
	for _, v := range []any{&pol, &lvl, &models.EscalationTarget{ID: guuid.NewString(), LevelID: lvl.ID, UserID: &admin.ID}, &comp} {
		if err := db.Create(v).Error; err != nil {
			return fmt.Errorf("latency setup: %w", err)
		}
	}
	// The subscriber backlog: rows, then their tasks on the bulk queue (in the background, as a
	// status-page update would), while the pages go out.
	ms := make([]models.Mail, 0, o.bulk)
	for i := range o.bulk {
		ms = append(ms, models.Mail{ID: guuid.NewString(), AccountID: &e.accountID, Kind: models.MailSubscriber, Priority: models.MailBulk,
			ToAddress: fmt.Sprintf("sub-%d@example.com", i), Subject: "Status update", TextBody: "An update.", Status: models.MailPending,
			MaxAttempts: 8, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now})
	}
	if err := db.CreateInBatches(ms, 1000).Error; err != nil {
		return fmt.Errorf("bulk mail rows: %w", err)
	}
	ropt, err := asynq.ParseRedisURI(e.redis)
	if err != nil {
		return err
	}
	client := asynq.NewClient(ropt)
	defer client.Close()
	var mu sync.Mutex
	queued := 0
	var enqErr error
	enqueued := make(chan struct{})
	bulkStart := time.Now()
	go func() {
		defer close(enqueued)
		for _, m := range ms {
			// The server's mail sweeper may have enqueued it already.
			if _, err := client.EnqueueContext(ctx, jobs.NewMailTask(models.MailRef{ID: m.ID, Priority: models.MailBulk, RunAt: time.Now()})); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
				mu.Lock()
				enqErr = err
				mu.Unlock()
				return
			}
			mu.Lock()
			queued++
			mu.Unlock()
		}
	}()
	defer func() { <-enqueued }()
	for {
		mu.Lock()
		q, qe := queued, enqErr
		mu.Unlock()
		if qe != nil {
			return fmt.Errorf("enqueue bulk mail: %w", qe)
		}
		if q >= o.bulk/10 {
			break
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
	logf("on-call: %d bulk mails written, %d queued so far; opening %d incidents through the API", o.bulk, o.bulk/10, o.pages)
	res.MinBacklog = int64(o.bulk)
	var lat []time.Duration
	var ids []string
	for i := range o.pages {
		var backlog int64
		db.Model(&models.Mail{}).Where("kind = ? AND status = ?", models.MailSubscriber, models.MailPending).Count(&backlog)
		res.MinBacklog = min(res.MinBacklog, backlog)
		start := time.Now()
		var d struct {
			CreateIncident struct {
				Incident struct{ ID string }
				Errors   []struct{ Message string }
			}
		}
		if err := e.api.MustOK(ctx, `mutation($c: ID!, $t: String!) { createIncident(input: {componentId: $c, title: $t, severity: HIGH}) { incident { id } errors { message } } }`,
			map[string]any{"c": comp.ID, "t": fmt.Sprintf("Latency %d", i)}, &d); err != nil || len(d.CreateIncident.Errors) > 0 || d.CreateIncident.Incident.ID == "" {
			return fmt.Errorf("createIncident: %v %+v", err, d.CreateIncident.Errors)
		}
		id := d.CreateIncident.Incident.ID
		ids = append(ids, id)
		deadline := time.Now().Add(30 * time.Second)
		for {
			inbox.mu.Lock()
			at, ok := inbox.at[id]
			inbox.mu.Unlock()
			if ok {
				lat = append(lat, at.Sub(start))
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("the page of incident %d was not accepted within 30 s", i)
			}
			if err := sleepCtx(ctx, 5*time.Millisecond); err != nil {
				return err
			}
		}
	}
	res.PageLatency = summarize(lat)
	logf("on-call: page latency p50 %.0f ms, p95 %.0f ms, max %.0f ms (at least %d bulk mails unsent at every page)",
		res.PageLatency.P50, res.PageLatency.P95, res.PageLatency.Max, res.MinBacklog)
	// Let the backlog drain: every bulk mail must arrive once.
	<-enqueued
	deadline := time.Now().Add(o.drainTimeout)
	for {
		_, bulk, last := inbox.counts()
		if bulk >= o.bulk {
			res.BulkDrainSecs = last.Sub(bulkStart).Seconds()
			break
		}
		if time.Now().After(deadline) {
			res.Failures = append(res.Failures, fmt.Sprintf("only %d of %d bulk mails accepted within %v", bulk, o.bulk, o.drainTimeout))
			break
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	inbox.mu.Lock()
	defer inbox.mu.Unlock()
	res.BulkReceived = inbox.bulk
	for _, id := range ids {
		if n := inbox.byIncident[id]; n != 1 {
			res.Failures = append(res.Failures, fmt.Sprintf("incident %s: the admin got %d pages, want 1", id, n))
		}
		res.PagesReceived += inbox.byIncident[id]
	}
	dup := 0
	for i := range o.bulk {
		if n := inbox.byRcpt[fmt.Sprintf("sub-%d@example.com", i)]; n > 1 {
			dup++
		}
	}
	if dup > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("%d bulk mails were received more than once", dup))
	}
	logf("on-call: bulk backlog of %d drained in %.1f s", res.BulkReceived, res.BulkDrainSecs)
	return nil
}

// oncallStorm is phase 2: every escalation due at the same instant.
func oncallStorm(ctx context.Context, e *env, db *models.DB, o oncallConfig, inbox *oncallInbox, ntfy *oncallNtfy, ntfyURL string, res *oncallResults) error {
	setup := time.Now()
	now := setup.UTC()
	later := now.Add(time.Hour)
	acc := models.Account{ID: guuid.NewString(), Name: "Storm", CreatedAt: now, UpdatedAt: now}
	var (
		users    []models.User
		members  []models.Membership
		methods  []models.ContactMethod
		policies []models.EscalationPolicy
		levels   []models.EscalationLevel
		targets  []models.EscalationTarget
		incs     []models.Incident
		escs     []models.IncidentEscalation
	)
	topics := make([]string, o.people)
	for i := range o.people {
		u := models.User{ID: guuid.NewString(), Email: fmt.Sprintf("person-%d@example.com", i), Name: fmt.Sprintf("Person %d", i), CreatedAt: now, UpdatedAt: now}
		users = append(users, u)
		topics[i] = fmt.Sprintf("pages-%d", i)
		members = append(members, models.Membership{ID: guuid.NewString(), AccountID: acc.ID, UserID: u.ID, Role: models.RoleMember, CreatedAt: now, UpdatedAt: now})
		methods = append(methods,
			models.ContactMethod{ID: u.ID, UserID: u.ID, Kind: models.ContactEmail, IsPrimary: true, VerifiedAt: &now, CreatedAt: now, UpdatedAt: now},
			models.ContactMethod{ID: guuid.NewString(), UserID: u.ID, Kind: models.ContactNtfy, Address: ntfyURL + "/" + topics[i], VerifiedAt: &now, CreatedAt: now, UpdatedAt: now})
		p := models.EscalationPolicy{ID: guuid.NewString(), AccountID: acc.ID, Name: fmt.Sprintf("Policy %d", i), CreatedAt: now, UpdatedAt: now}
		policies = append(policies, p)
		l := models.EscalationLevel{ID: guuid.NewString(), PolicyID: p.ID, Position: 0, TimeoutMinutes: 60}
		levels = append(levels, l)
		targets = append(targets, models.EscalationTarget{ID: guuid.NewString(), LevelID: l.ID, UserID: &users[i].ID})
	}
	comp := models.Component{ID: guuid.NewString(), AccountID: acc.ID, Name: "Storm", CreatedAt: now, UpdatedAt: now}
	for i := range o.escalations {
		inc := models.Incident{ID: guuid.NewString(), AccountID: acc.ID, ComponentID: comp.ID, Title: fmt.Sprintf("Storm %d", i), Severity: models.SeverityHigh,
			Status: models.IncidentTriggered, Source: models.SourceManual, OpenedAt: now, OpenedBy: "bench", UpdatedAt: now}
		incs = append(incs, inc)
		escs = append(escs, models.IncidentEscalation{IncidentID: inc.ID, AccountID: acc.ID, PolicyID: &policies[i%o.people].ID,
			State: models.EscalationActive, Level: -1, NextStepAt: &later, UpdatedAt: now})
	}
	for _, v := range []any{&acc, &users, &members, &methods, &policies, &levels, &targets, &comp, &incs, &escs} {
		if err := db.CreateInBatches(v, 1000).Error; err != nil {
			return fmt.Errorf("storm setup: %w", err)
		}
	}
	res.SetupSecs = time.Since(setup).Seconds()
	// Quiet before the storm: the previous phase's traffic is over.
	pages0, _, _ := inbox.counts()
	ntfy0, _ := ntfy.count()
	due := time.Now().Add(3 * time.Second).UTC()
	if err := db.Model(&models.IncidentEscalation{}).Where("account_id = ?", acc.ID).Update("next_step_at", due).Error; err != nil {
		return err
	}
	if time.Now().After(due) {
		res.Failures = append(res.Failures, "the escalations became due before the UPDATE making them due committed (the machine is too slow)")
	}
	logf("on-call: %d escalations (%d people) written in %.1f s, all due at %s", o.escalations, o.people, res.SetupSecs, due.Format("15:04:05.000"))

	type sample struct {
		at             time.Time
		advanced, rows int64
	}
	var samples []sample
	want := int64(o.escalations)
	deadline := due.Add(o.drainTimeout)
	var drained time.Time
	for {
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		var s sample
		if err := db.Raw(`SELECT (SELECT count(*) FROM incident_escalations WHERE account_id = ? AND level >= 0),
			(SELECT count(*) FROM notifications WHERE account_id = ?)`, acc.ID, acc.ID).Row().Scan(&s.advanced, &s.rows); err != nil {
			return err
		}
		s.at = time.Now()
		samples = append(samples, s)
		p, _, plast := inbox.counts()
		n, nlast := ntfy.count()
		if k := len(res.Curve); s.at.Sub(due) >= time.Duration(k)*time.Second {
			res.Curve = append(res.Curve, stormPoint{Secs: s.at.Sub(due).Seconds(), Advanced: s.advanced, Rows: s.rows, Received: p - pages0 + n - ntfy0})
		}
		if s.advanced >= want && p-pages0 >= o.escalations && n-ntfy0 >= o.escalations {
			drained = plast
			if nlast.After(drained) {
				drained = nlast
			}
			break
		}
		if time.Now().After(deadline) {
			res.Failures = append(res.Failures, fmt.Sprintf("after %v: %d of %d escalations advanced, %d emails and %d ntfy pushes of %d each received",
				o.drainTimeout, s.advanced, want, p-pages0, n-ntfy0, want))
			break
		}
	}
	// The lag of the k-th escalation: when the k-th was first seen advanced, from its due time.
	lagAt := func(frac float64) float64 {
		k := int64(frac*float64(want) + 0.999999)
		for _, s := range samples {
			if s.advanced >= max(k, 1) {
				return s.at.Sub(due).Seconds()
			}
		}
		return -1
	}
	res.AdvanceLag.First, res.AdvanceLag.P50, res.AdvanceLag.P95, res.AdvanceLag.Max = lagAt(0), lagAt(0.5), lagAt(0.95), lagAt(1)
	var firstRow time.Time
	for _, s := range samples {
		if s.rows > 0 {
			firstRow = s.at
			break
		}
	}
	if !drained.IsZero() && !firstRow.IsZero() {
		res.DrainSecs = drained.Sub(firstRow).Seconds()
		if res.DrainSecs > 0 {
			res.DrainRate = float64(2*want) / res.DrainSecs
		}
	}
	logf("on-call: escalations advanced %.1f s (p50) / %.1f s (p95) / %.1f s (all) after due; %d notifications accepted %.1f s after the first row: %.0f/s",
		res.AdvanceLag.P50, res.AdvanceLag.P95, res.AdvanceLag.Max, 2*want, res.DrainSecs, res.DrainRate)

	// Two more scheduler cycles: nothing more may arrive.
	if err := sleepCtx(ctx, 5*time.Second); err != nil {
		return err
	}
	return oncallVerifyStorm(db, acc.ID, users, topics, incs, o, inbox, ntfy, res)
}

// oncallVerifyStorm checks the storm's rows and what the servers received.
func oncallVerifyStorm(db *models.DB, accountID string, users []models.User, topics []string, incs []models.Incident,
	o oncallConfig, inbox *oncallInbox, ntfy *oncallNtfy, res *oncallResults) error {
	fail := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }
	var st []struct {
		Level int
		State string
		N     int64
	}
	if err := db.Raw(`SELECT level, state, count(*) AS n FROM incident_escalations WHERE account_id = ? GROUP BY 1, 2`, accountID).Scan(&st).Error; err != nil {
		return err
	}
	for _, s := range st {
		if s.Level >= 0 {
			res.Advanced += s.N
		}
	}
	if res.Advanced != int64(o.escalations) || len(st) != 1 || st[0].Level != 0 || st[0].State != string(models.EscalationActive) {
		fail("escalations: %d advanced of %d, want all at level 1 and active; found %+v", res.Advanced, o.escalations, st)
	}
	var byStatus []struct {
		Channel, Status string
		N               int64
	}
	if err := db.Raw(`SELECT channel, status, count(*) AS n FROM notifications WHERE account_id = ? GROUP BY 1, 2`, accountID).Scan(&byStatus).Error; err != nil {
		return err
	}
	for _, s := range byStatus {
		res.NotificationRow += s.N
		if s.Status == string(models.NotificationSent) {
			res.SentRows += s.N
		} else {
			fail("%d %s notifications %s, want sent", s.N, s.Channel, s.Status)
		}
	}
	if res.NotificationRow != int64(2*o.escalations) {
		fail("%d notification rows, want %d (one email and one ntfy per escalation)", res.NotificationRow, 2*o.escalations)
	}
	var perInc []struct {
		IncidentID string
		N          int64
	}
	if err := db.Raw(`SELECT incident_id, count(*) AS n FROM notifications WHERE account_id = ? GROUP BY 1 HAVING count(*) <> 2`, accountID).Scan(&perInc).Error; err != nil {
		return err
	}
	if len(perInc) > 0 {
		fail("%d incidents without exactly two notifications (e.g. %s: %d)", len(perInc), perInc[0].IncidentID, perInc[0].N)
	}
	inbox.mu.Lock()
	lostMail, twiceMail, wrongRcpt := 0, 0, 0
	for i, inc := range incs {
		switch n := inbox.byIncident[inc.ID]; {
		case n == 0:
			lostMail++
		case n > 1:
			twiceMail++
		}
		res.EmailsIn += inbox.byIncident[inc.ID]
		if inbox.byRcpt[users[i%o.people].Email] == 0 {
			wrongRcpt++
		}
	}
	inbox.mu.Unlock()
	ntfy.mu.Lock()
	lostPush, twicePush := 0, 0
	for i, inc := range incs {
		switch n := ntfy.byKey[topics[i%o.people]+"\x00[HIGH] "+inc.Title]; {
		case n == 0:
			lostPush++
		case n > 1:
			twicePush++
		}
		res.NtfyIn += ntfy.byKey[topics[i%o.people]+"\x00[HIGH] "+inc.Title]
	}
	ntfy.mu.Unlock()
	if lostMail+twiceMail+lostPush+twicePush+wrongRcpt > 0 {
		fail("pages lost: %d emails, %d ntfy pushes; paged twice: %d emails, %d ntfy pushes; people never mailed: %d", lostMail, lostPush, twiceMail, twicePush, wrongRcpt)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func (r *oncallResults) evaluate(o oncallConfig) {
	full := fmt.Sprintf(" (at %d)", oncallFullSize)
	add := func(t target) {
		r.Targets = append(r.Targets, t)
		if !t.Met {
			r.Misses = append(r.Misses, t.Name+": "+t.Measured)
		}
	}
	if r.PageLatency.Count > 0 {
		add(target{Name: fmt.Sprintf("incident opened → page accepted by SMTP, %d bulk mails queued", o.bulk), Goal: fmt.Sprintf("p95 < %.0f ms%s", oncallLatencyP95, full),
			Value: r.PageLatency.P95, Measured: fmt.Sprintf("p95 %.0f ms (p50 %.0f, max %.0f, %d pages, ≥ %d bulk unsent at each)", r.PageLatency.P95, r.PageLatency.P50, r.PageLatency.Max, r.PageLatency.Count, r.MinBacklog),
			Met: r.PageLatency.P95 < oncallLatencyP95 && r.MinBacklog > 0 && o.bulk >= oncallFullSize})
	}
	if r.AdvanceLag.Max > 0 {
		add(target{Name: fmt.Sprintf("%d escalations due at once: advanced, notification rows committed", o.escalations), Goal: fmt.Sprintf("≤ %.0f s after due%s", oncallAdvanceMax, full),
			Value: r.AdvanceLag.Max, Measured: fmt.Sprintf("all %.1f s after due (first %.1f, p50 %.1f, p95 %.1f)", r.AdvanceLag.Max, r.AdvanceLag.First, r.AdvanceLag.P50, r.AdvanceLag.P95),
			Met: r.AdvanceLag.Max <= oncallAdvanceMax && o.escalations >= oncallFullSize})
	}
	if r.DrainRate > 0 {
		add(target{Name: "sending drains to local SMTP and ntfy", Goal: fmt.Sprintf("≥ %.0f notifications/s%s", oncallDrainRate, full),
			Value: r.DrainRate, Measured: fmt.Sprintf("%.0f/s (%d in %.1f s)", r.DrainRate, 2*o.escalations, r.DrainSecs),
			Met: r.DrainRate >= oncallDrainRate && o.escalations >= oncallFullSize})
	}
}

func (r *oncallResults) print(out io.Writer) {
	fmt.Fprintf(out, "\nSwitchboard on-call engine benchmark — %s\n", r.Started.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(out, "machine: %d cores (%s), load average %s at start, %s after; server, PostgreSQL, Redis, SMTP/ntfy servers and this tool share it\n",
		r.Machine.Cores, r.Machine.CPU, r.Machine.LoadAvg, r.LoadAfter)
	fmt.Fprintf(out, "settings: %s escalations over %s people, %s bulk mails, %s pages, bundle window %s\n\n",
		r.Settings["escalations"], r.Settings["people"], r.Settings["bulk_mails"], r.Settings["pages"], r.Settings["bundle_window"])
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "phase\tmeasured\tp50\tp95\tmax")
	l := r.PageLatency
	fmt.Fprintf(w, "page latency (createIncident → SMTP accepted)\t%d pages, ≥ %d bulk unsent\t%.0f ms\t%.0f ms\t%.0f ms\n", l.Count, r.MinBacklog, l.P50, l.P95, l.Max)
	fmt.Fprintf(w, "bulk backlog drained\t%d mails in %.1f s\t\t\t\n", r.BulkReceived, r.BulkDrainSecs)
	a := r.AdvanceLag
	fmt.Fprintf(w, "escalations advanced after due (100 ms polls)\t%d of %s (first %.1f s)\t%.1f s\t%.1f s\t%.1f s\n", r.Advanced, r.Settings["escalations"], a.First, a.P50, a.P95, a.Max)
	fmt.Fprintf(w, "sending drained (first row → last accepted)\t%d emails + %d ntfy in %.1f s\t%.0f/s\t\t\n", r.EmailsIn, r.NtfyIn, r.DrainSecs, r.DrainRate)
	w.Flush()
	if len(r.Curve) > 0 {
		fmt.Fprint(out, "storm every 5 s after due (escalations advanced / notification rows / received):")
		for i, p := range r.Curve {
			if i%5 == 0 || i == len(r.Curve)-1 {
				fmt.Fprintf(out, " %.0fs %d/%d/%d", p.Secs, p.Advanced, p.Rows, p.Received)
			}
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "\nCorrectness: %d notification rows, %d sent; storm setup %.1f s (not timed)\n", r.NotificationRow, r.SentRows, r.SetupSecs)
	printTargets(out, w, r.Targets)
	switch {
	case r.Aborted != "":
		fmt.Fprintf(out, "\nResult: ABORTED: %s\n", r.Aborted)
	case len(r.Failures) == 0:
		fmt.Fprintln(out, "\nResult: correct (every page and bulk mail received exactly once, every escalation advanced once)")
	default:
		fmt.Fprintln(out, "\nResult: FAILED")
		for _, f := range r.Failures {
			fmt.Fprintln(out, "  -", f)
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// The targets for outbound webhook delivery.
const (
	whTargetP95       = 30.0   // ms, event committed → first attempt received, p95 (issue 13)
	whTargetP99       = 50.0   // ms, the same, p99
	whTargetLatencyAt = 200    // events per second
	whTargetRate      = 1600.0 // deliveries per second received while firing (issue 13)
	whTargetDrain     = 2500.0 // deliveries per second while draining
	whTargetFanout    = 3      // endpoints per event
	whTargetBacklogAt = 1000   // events per second offered
	whTargetAccepted  = 700.0  // events per second accepted of the 1,000 offered; the rest refused
	whTargetCPUAt200  = 0.9    // ms of CPU (server + PostgreSQL + Redis) per delivery at 200 events/s
	whTargetCPUSat    = 0.8    // the same, saturated (closed loop)
)

// whConfig is the webhooks scenario's knobs.
type whConfig struct {
	concurrency  []int // one fresh server per value
	endpoints    int   // fan-out: receivers, endpoints, and deliveries per event
	event        string
	auth         string // "token" (an API token, as a provisioning system would) or "session"
	rate         int
	latDuration  time.Duration
	latConns     int
	tpDuration   time.Duration
	tpConns      int
	tpMax        int
	blRate       int
	blDuration   time.Duration
	blConns      int
	drainTimeout time.Duration
	fireDuration time.Duration
	// outboxLimit is the server's SWITCHBOARD_OUTBOX_LIMIT: fireEvent is refused above it.
	outboxLimit int
	verifyEvery int
	phases      map[string]bool
}

// whEnv is one server of the webhooks scenario with its receivers and what was fired at it.
type whEnv struct {
	*env
	wc          *whConfig
	concurrency int
	receivers   []*receiver
	distinct    atomic.Int64 // delivery ids received at least once, over all receivers
	farmID      string
	serverID    string
	webhookID   string
	endpointIDs []string
	fireAuth    string
	fireBody    []byte
	// noHookBody fires an event no webhook listens to: the API's cost alone.
	noHookBody  []byte
	noHookEvent string
	db          *sqlConn
	rdb         *redis.Client // the server's Redis database, to look at the queue

	mu       sync.Mutex
	events   map[string]*fireRec // accepted event id → its request
	expected int                 // deliveries the accepted events must produce
	unsure   int                 // requests without a clear answer: their event may exist
}

// fireRec is one accepted fireEvent request.
type fireRec struct {
	phase          string
	sent, answered time.Time
	fanout         int // deliveries the event must produce
}

// sqlConn is the tool's own connection to the benchmark database (backlog counts and the
// final check), safe for the sampler and the drain loop to share.
type sqlConn struct {
	mu sync.Mutex
	c  *pgx.Conn
	// queries counts this tool's own statements, which pg_stat_database also counts.
	queries int
}

// dbStat is the benchmark database's row of pg_stat_database.
type dbStat struct {
	Commits, Rollbacks, Inserted, Updated, Deleted, Fetched int64
	own                                                     int
}

func (s *sqlConn) stats(ctx context.Context) (dbStat, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st dbStat
	err := s.c.QueryRow(ctx, `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched
		FROM pg_stat_database WHERE datname = current_database()`).Scan(&st.Commits, &st.Rollbacks, &st.Inserted, &st.Updated, &st.Deleted, &st.Fetched)
	s.queries++
	st.own = s.queries
	return st, err
}

func (s *sqlConn) backlog(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries++
	var n int
	// deliveries_due_idx is partial on exactly these statuses: an index-only count.
	err := s.c.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying')`).Scan(&n)
	return n, err
}

func (s *sqlConn) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.c.Close(context.Background())
}

func runWebhooksOnce(ctx context.Context, cfg *config, conc int) (res *whResults, err error) {
	base, err := newEnv(ctx, cfg)
	w := &whEnv{env: base, wc: &cfg.wh, concurrency: conc, events: map[string]*fireRec{}}
	defer func() {
		for _, r := range w.receivers {
			r.close()
		}
		if w.db != nil {
			w.db.close()
		}
		if w.rdb != nil {
			_ = w.rdb.Close()
		}
		if base != nil {
			if err != nil {
				base.printServerLog(30)
			}
			base.close()
		}
	}()
	if err != nil {
		return nil, err
	}
	for i := range w.wc.endpoints {
		r, err := startReceiver(i, w.wc.verifyEvery, &w.distinct)
		if err != nil {
			return nil, fmt.Errorf("receiver: %w", err)
		}
		w.receivers = append(w.receivers, r)
	}
	if err := base.startServer(ctx, map[string]string{
		"SWITCHBOARD_OUTBOUND_ALLOW":     "127.0.0.0/8",
		"SWITCHBOARD_WORKER_CONCURRENCY": strconv.Itoa(conc),
		"SWITCHBOARD_OUTBOX_LIMIT":       strconv.Itoa(w.wc.outboxLimit),
	}); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, base.dbURL)
	if err != nil {
		return nil, fmt.Errorf("connect to the benchmark database: %w", err)
	}
	w.db = &sqlConn{c: conn}
	opt, err := redis.ParseURL(base.redis)
	if err != nil {
		return nil, err
	}
	w.rdb = redis.NewClient(opt)
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	err = w.setup(sctx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}

	res = &whResults{Started: time.Now(), Machine: machine(base.bin), Concurrency: conc, Fanout: len(w.receivers),
		Settings: whSettings(cfg, conc), Auth: w.wc.auth, Event: w.wc.event}
	// The database URL's options (-db '…&options=-c synchronous_commit=off') reach the server's
	// connections too: record what they say.
	var syncCommit string
	if err := conn.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&syncCommit); err == nil {
		res.Settings["synchronous_commit"] = syncCommit
	}
	mon := startRSSMonitor(base.pid())
	defer mon.close()
	if err := w.warmup(ctx); err != nil {
		return res, err
	}

	run := func(name string, fn func() *whPhase) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(time.Second)
		mon.setTag(name)
		p := fn()
		mon.setTag("between")
		p.RSS = mon.summary(name)
		res.Phases = append(res.Phases, p)
		logf("%s: %d events accepted (%.0f/s of %d offered), %d deliveries; first attempt p50 %.1f / p95 %.1f ms; received %.0f/s during the offer, drain %.1f s",
			name, p.Accepted, p.AcceptedPerSec, p.Offered, p.Deliveries, p.FirstAttempt.P50, p.FirstAttempt.P95, p.ReceivedPerSecWindow, p.DrainSeconds)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !p.Drained {
			return fmt.Errorf("%s phase: deliveries not drained within %s (%d of %d received, %d rows still pending or retrying)",
				name, w.wc.drainTimeout, p.ReceivedTotal, p.Deliveries, p.BacklogAfterDrain)
		}
		return nil
	}
	wc := w.wc
	if wc.phases["fireonly"] {
		logf("fireonly: closed loop, %d connections, %s: %s, which no webhook listens to (the API's own cost)", wc.tpConns, wc.fireDuration, w.noHookEvent)
		if err := run("fireonly", func() *whPhase {
			return w.phase(ctx, "fireonly", 0, wc.tpConns, wc.fireDuration, wc.tpMax, false)
		}); err != nil {
			return res, err
		}
	}
	if wc.phases["latency"] {
		logf("latency: %d events/s open loop for %s, up to %d connections", wc.rate, wc.latDuration, wc.latConns)
		if err := run("latency", func() *whPhase {
			return w.phase(ctx, "latency", wc.rate, wc.latConns, wc.latDuration, int(float64(wc.rate)*wc.latDuration.Seconds()), true)
		}); err != nil {
			return res, err
		}
	}
	if wc.phases["throughput"] {
		logf("throughput: closed loop, %d connections, %s or %d events", wc.tpConns, wc.tpDuration, wc.tpMax)
		if err := run("throughput", func() *whPhase {
			return w.phase(ctx, "throughput", 0, wc.tpConns, wc.tpDuration, wc.tpMax, true)
		}); err != nil {
			return res, err
		}
	}
	if wc.phases["backlog"] {
		logf("backlog: %d events/s offered open loop for %s, up to %d connections", wc.blRate, wc.blDuration, wc.blConns)
		if err := run("backlog", func() *whPhase {
			return w.phase(ctx, "backlog", wc.blRate, wc.blConns, wc.blDuration, int(float64(wc.blRate)*wc.blDuration.Seconds()), true)
		}); err != nil {
			return res, err
		}
	}

	logf("waiting for the server to go idle, then verifying every delivery")
	mon.setTag("idle")
	waitIdle(ctx, base.pid())
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	res.RSSIdle = mon.summary("idle").LastMiB
	if err := w.verify(ctx, res); err != nil {
		return res, err
	}
	select {
	case <-base.exited:
		res.Failures = append(res.Failures, "the server exited during the run")
	default:
	}
	mon.sample()
	res.RSS = mon.summary("")
	res.ServerLog = base.serverLogCounts()
	res.ServerLogBy, res.ServerInfoCounts = base.serverLogMessages()
	for _, r := range w.receivers {
		res.Receivers = append(res.Receivers, r.stats())
	}
	res.evaluate()
	return res, nil
}

// setup makes, through the API: the account (first-run setup), a farm with a role and a
// server, one endpoint per receiver (its signing key is shown once), one webhook on the event
// sending to all of them, and the credential fireEvent is called with.
func (w *whEnv) setup(ctx context.Context) error {
	c, err := w.setupAccount(ctx)
	if err != nil {
		return err
	}
	if w.envID == "" {
		return errors.New("the account has no environment")
	}
	var f struct {
		CreateFarm struct {
			Farm   struct{ ID string }
			Errors []struct{ Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($env: ID!) { createFarm(input: {environmentId: $env, name: "bench", ownerEmail: "bench@example.com"}) { farm { id } errors { message } } }`,
		map[string]any{"env": w.envID}, &f); err != nil || f.CreateFarm.Farm.ID == "" {
		return fmt.Errorf("createFarm: %v %+v", err, f.CreateFarm.Errors)
	}
	w.farmID = f.CreateFarm.Farm.ID
	var fr struct {
		CreateFarmRole struct {
			FarmRole struct{ ID string }
			Errors   []struct{ Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($f: ID!) { createFarmRole(input: {farmId: $f, alias: "app", roleName: "base-ubuntu", os: "ubuntu-24.04"}) { farmRole { id } errors { message } } }`,
		map[string]any{"f": w.farmID}, &fr); err != nil || fr.CreateFarmRole.FarmRole.ID == "" {
		return fmt.Errorf("createFarmRole: %v %+v", err, fr.CreateFarmRole.Errors)
	}
	var sv struct {
		CreateServer struct {
			Server struct{ ID string }
			Errors []struct{ Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($r: ID!) { createServer(input: {farmRoleId: $r, fields: {hostname: "app-1", publicIp: "203.0.113.10", privateIp: "10.0.0.10", cloudLocation: "us-east-1", cloudServerId: "i-0bench", status: "running"}}) { server { id } errors { message } } }`,
		map[string]any{"r": fr.CreateFarmRole.FarmRole.ID}, &sv); err != nil || sv.CreateServer.Server.ID == "" {
		return fmt.Errorf("createServer: %v %+v", err, sv.CreateServer.Errors)
	}
	w.serverID = sv.CreateServer.Server.ID
	for _, r := range w.receivers {
		var d struct {
			CreateEndpoint struct {
				Endpoint   struct{ ID string }
				SigningKey string
				Errors     []struct{ Message string }
			}
		}
		if err := c.MustOK(ctx, `mutation($a: ID!, $n: String!, $u: String!) { createEndpoint(input: {scope: {scope: ACCOUNT, id: $a}, name: $n, url: $u}) { endpoint { id } signingKey errors { message } } }`,
			map[string]any{"a": w.accountID, "n": fmt.Sprintf("bench receiver %d", r.idx), "u": r.url}, &d); err != nil || d.CreateEndpoint.Endpoint.ID == "" {
			return fmt.Errorf("createEndpoint: %v %+v", err, d.CreateEndpoint.Errors)
		}
		if d.CreateEndpoint.SigningKey == "" {
			return errors.New("createEndpoint did not reveal the signing key")
		}
		r.endpointID, r.key = d.CreateEndpoint.Endpoint.ID, []byte(d.CreateEndpoint.SigningKey)
		w.endpointIDs = append(w.endpointIDs, r.endpointID)
	}
	var wh struct {
		CreateWebhook struct {
			Webhook struct{ ID string }
			Errors  []struct{ Field, Message string }
		}
	}
	in := map[string]any{"scope": map[string]any{"scope": "ACCOUNT", "id": w.accountID}, "name": "bench fan-out",
		"events": []string{w.wc.event}, "endpointIds": w.endpointIDs}
	if err := c.MustOK(ctx, `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { webhook { id } errors { field message } } }`,
		map[string]any{"in": in}, &wh); err != nil || wh.CreateWebhook.Webhook.ID == "" {
		return fmt.Errorf("createWebhook: %v %+v", err, wh.CreateWebhook.Errors)
	}
	w.webhookID = wh.CreateWebhook.Webhook.ID
	switch w.wc.auth {
	case "session":
		w.fireAuth = "Bearer " + c.Token
	default:
		var t struct {
			CreateApiToken struct {
				Secret string
				Errors []struct{ Message string }
			}
		}
		if err := c.MustOK(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "bench provisioning", role: MEMBER}) { secret errors { message } } }`,
			map[string]any{"a": w.accountID}, &t); err != nil || t.CreateApiToken.Secret == "" {
			return fmt.Errorf("createApiToken: %v %+v", err, t.CreateApiToken.Errors)
		}
		w.fireAuth = "Bearer " + t.CreateApiToken.Secret
	}
	fireBody := func(event string) ([]byte, error) {
		return json.Marshal(map[string]any{
			"query":     `mutation($n: String!, $s: ID!) { fireEvent(input: {name: $n, serverId: $s}) { event { id } errors { message } } }`,
			"variables": map[string]any{"n": event, "s": w.serverID},
		})
	}
	w.noHookEvent = "HostDown"
	if strings.EqualFold(w.wc.event, w.noHookEvent) {
		w.noHookEvent = "HostUp"
	}
	if w.fireBody, err = fireBody(w.wc.event); err != nil {
		return err
	}
	w.noHookBody, err = fireBody(w.noHookEvent)
	return err
}

// fireClient posts fireEvent mutations over a bounded number of keep-alive connections.
type fireClient struct {
	c    *http.Client
	url  string
	auth string
	body []byte
}

func (w *whEnv) newFireClient(conns int) *fireClient {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		IdleConnTimeout: 90 * time.Second, DisableCompression: true}
	return &fireClient{c: &http.Client{Transport: tr, Timeout: 30 * time.Second}, url: w.base + "/graphql", auth: w.fireAuth, body: w.fireBody}
}

// errUnsure marks an answer that does not say whether the event was recorded.
var errUnsure = errors.New("no clear answer")

// errRefused is the server's back-pressure: RATE_LIMITED, nothing recorded.
var errRefused = errors.New("refused: RATE_LIMITED")

// fire records one event and returns its id. Any error means the event's fate is unknown.
func (f *fireClient) fire(ctx context.Context) (string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(f.body))
	if err != nil {
		return "", "request", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", f.auth)
	resp, err := f.c.Do(req)
	if err != nil {
		return "", "transport_error", fmt.Errorf("%w: %v", errUnsure, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	status := strconv.Itoa(resp.StatusCode)
	if err != nil {
		return "", status, fmt.Errorf("%w: reading the answer: %v", errUnsure, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", status, fmt.Errorf("%w: HTTP %d: %s", errUnsure, resp.StatusCode, clipText(string(b), 200))
	}
	var d struct {
		Data struct {
			FireEvent *struct {
				Event  *struct{ ID string }
				Errors []struct{ Message string }
			}
		}
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return "", status, fmt.Errorf("%w: %v", errUnsure, err)
	}
	if len(d.Errors) > 0 && d.Errors[0].Extensions.Code == "RATE_LIMITED" {
		return "", "rate_limited", errRefused
	}
	if len(d.Errors) > 0 {
		return "", "graphql_error", fmt.Errorf("%w: GraphQL error: %s", errUnsure, d.Errors[0].Message)
	}
	if d.Data.FireEvent == nil || d.Data.FireEvent.Event == nil || d.Data.FireEvent.Event.ID == "" {
		msg := ""
		if d.Data.FireEvent != nil && len(d.Data.FireEvent.Errors) > 0 {
			msg = d.Data.FireEvent.Errors[0].Message
		}
		return "", "user_error", fmt.Errorf("fireEvent refused: %s", msg)
	}
	return d.Data.FireEvent.Event.ID, status, nil
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// warmup fires one event alone (failing fast, with the server's own answer, when the path is
// broken), then a few more over several connections, and waits until every delivery arrived:
// this opens the server's database and Redis connections and the sender's keep-alive
// connections to the receivers before anything is timed.
func (w *whEnv) warmup(ctx context.Context) error {
	fc := w.newFireClient(4)
	defer fc.c.CloseIdleConnections()
	t0 := time.Now()
	id, _, err := fc.fire(ctx)
	if err != nil {
		return fmt.Errorf("warm-up fireEvent: %w", err)
	}
	w.accept(id, &fireRec{phase: "warmup", sent: t0, answered: time.Now(), fanout: len(w.receivers)})
	if _, ok := w.drain(ctx, 20*time.Second); !ok {
		return fmt.Errorf("warm-up: the first event's %d deliveries did not all arrive within 20 s (received %d)", len(w.receivers), w.distinct.Load())
	}
	o := w.offer(ctx, "warmup", 50, 8, time.Second, 50, true)
	if o.failed > 0 {
		return fmt.Errorf("warm-up: %d of %d fireEvent requests failed (%v): %s", o.failed, o.sent, o.status, o.firstErr)
	}
	if _, ok := w.drain(ctx, 60*time.Second); !ok {
		return fmt.Errorf("warm-up deliveries did not all arrive within 60 s (received %d of %d)", w.distinct.Load(), w.expectedNow())
	}
	logf("warm-up: %d events, %d deliveries received", len(w.events), w.distinct.Load())
	return nil
}

func (w *whEnv) accept(id string, rec *fireRec) {
	w.mu.Lock()
	w.events[id] = rec
	w.expected += rec.fanout
	w.mu.Unlock()
}

func (w *whEnv) expectedNow() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.expected
}

// offerOut is what one offer of events did.
type offerOut struct {
	start, end time.Time
	offered    int // scheduled (open loop) or attempted (closed loop)
	sent       int
	accepted   int
	failed     int
	unsure     int
	refused    int // RATE_LIMITED: the server's back-pressure, nothing recorded
	status     map[string]int
	firstErr   string
	fromSched  []time.Duration // open loop: scheduled time → answer
	service    []time.Duration // send → answer
	lagMax     time.Duration
	perSecond  []int // accepted per second of the window
}

// offer fires events for dur over at most conns connections. With rate > 0 it is an open loop:
// event i is due at start + i/rate whether or not earlier ones were answered, and its API
// latency is measured from that time (no coordinated omission); events whose time comes while
// every connection is busy wait for one, and those not sent by the end of dur are not sent at
// all (the API was behind). With rate 0 it is a closed loop: each connection fires as soon as
// its previous answer arrived. At most maxEvents either way.
func (w *whEnv) offer(ctx context.Context, phase string, rate, conns int, dur time.Duration, maxEvents int, hooked bool) *offerOut {
	fc := w.newFireClient(conns)
	fanout := len(w.receivers)
	if !hooked {
		fc.body, fanout = w.noHookBody, 0
	}
	defer fc.c.CloseIdleConnections()
	o := &offerOut{status: map[string]int{}}
	var (
		mu       sync.Mutex
		next     atomic.Int64
		accepted atomic.Int64
		wg       sync.WaitGroup
	)
	secs := int(dur/time.Second) + 2
	perSecond := make([]atomic.Int64, secs)
	n := maxEvents
	interval := time.Duration(0)
	if rate > 0 {
		n = min(maxEvents, int(float64(rate)*dur.Seconds()))
		interval = time.Second / time.Duration(rate)
	}
	start := time.Now().Add(20 * time.Millisecond)
	deadline := start.Add(dur)
	o.start = start
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var fromSched, service []time.Duration
			var lagMax time.Duration
			defer func() {
				mu.Lock()
				o.fromSched = append(o.fromSched, fromSched...)
				o.service = append(o.service, service...)
				o.lagMax = max(o.lagMax, lagMax)
				mu.Unlock()
			}()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				var sched time.Time
				if rate > 0 {
					sched = start.Add(time.Duration(i) * interval)
					if d := time.Until(sched); d > 0 {
						time.Sleep(d)
					}
				} else if d := time.Until(start); d > 0 {
					time.Sleep(d)
				}
				sent := time.Now()
				if sent.After(deadline) {
					return
				}
				if rate > 0 {
					lagMax = max(lagMax, sent.Sub(sched))
				}
				id, status, err := fc.fire(ctx)
				end := time.Now()
				mu.Lock()
				o.sent++
				o.status[status]++
				if errors.Is(err, errRefused) {
					o.refused++
				} else if err != nil {
					o.failed++
					if errors.Is(err, errUnsure) {
						o.unsure++
					}
					if o.firstErr == "" {
						o.firstErr = err.Error()
					}
				}
				mu.Unlock()
				if err != nil {
					continue
				}
				accepted.Add(1)
				if s := int(end.Sub(start) / time.Second); s >= 0 && s < secs {
					perSecond[s].Add(1)
				}
				rec := &fireRec{phase: phase, sent: sent, answered: end, fanout: fanout}
				if rate > 0 {
					fromSched = append(fromSched, end.Sub(sched))
				}
				service = append(service, end.Sub(sent))
				w.accept(id, rec)
			}
		}()
	}
	wg.Wait()
	o.end = time.Now()
	o.accepted = int(accepted.Load())
	if rate > 0 {
		o.offered = n
	} else {
		o.offered = o.sent
	}
	for i := range perSecond {
		o.perSecond = append(o.perSecond, int(perSecond[i].Load()))
	}
	// Trim the empty tail (the window ends inside the last second).
	for len(o.perSecond) > 0 && o.perSecond[len(o.perSecond)-1] == 0 {
		o.perSecond = o.perSecond[:len(o.perSecond)-1]
	}
	w.mu.Lock()
	w.unsure += o.unsure
	w.mu.Unlock()
	return o
}

// drain waits until every expected delivery was received and no delivery row is pending or
// retrying, at most timeout. It returns how long that took.
func (w *whEnv) drain(ctx context.Context, timeout time.Duration) (time.Duration, bool) {
	start := time.Now()
	deadline := start.Add(timeout)
	for ctx.Err() == nil {
		if int(w.distinct.Load()) >= w.expectedNow() {
			n, err := w.db.backlog(ctx)
			if err == nil && n == 0 {
				return time.Since(start), true
			}
		}
		if time.Now().After(deadline) {
			return time.Since(start), false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start), false
}

// staleInfo describes tasks still on the queue once every delivery row is finished.
type staleInfo struct {
	Queue        int     `json:"queue_depth"` // pending+scheduled+retry+active when the rows drained
	Sampled      int     `json:"sampled"`     // pending task ids looked up
	SampledDone  int     `json:"sampled_done"`
	ClearSeconds float64 `json:"clear_seconds"` // until the queue was empty
	Cleared      bool    `json:"cleared"`
}

// staleTasks looks at the queue once every delivery row has finished: any task left there
// belongs to a delivery that is already done (the handler will only find that out). It looks
// up a sample of the pending task ids (the task id is the delivery id) to show which.
func (w *whEnv) staleTasks(ctx context.Context) *staleInfo {
	q, err := queueDepth(ctx, &http.Client{Timeout: 5 * time.Second}, w.base)
	if err != nil || q["total"] == 0 {
		return nil
	}
	si := &staleInfo{Queue: q["total"]}
	ids, err := w.rdb.LRange(ctx, "asynq:{default}:pending", 0, 49).Result()
	if err != nil || len(ids) == 0 {
		return si
	}
	w.db.mu.Lock()
	defer w.db.mu.Unlock()
	w.db.queries++
	var done int
	if err := w.db.c.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE id::text = ANY($1) AND status IN ('succeeded', 'failed')`, ids).Scan(&done); err == nil {
		si.Sampled, si.SampledDone = len(ids), done
	}
	return si
}

// drainQueue waits until the default queue is empty, at most timeout.
func (w *whEnv) drainQueue(ctx context.Context, timeout time.Duration) (float64, bool) {
	start := time.Now()
	client := &http.Client{Timeout: 5 * time.Second}
	for ctx.Err() == nil && time.Since(start) < timeout {
		if q, err := queueDepth(ctx, client, w.base); err == nil && q["total"] == 0 {
			return time.Since(start).Seconds(), true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start).Seconds(), false
}

// backlogSample is one reading of the backlog.
type backlogSample struct {
	At         float64 `json:"t"`     // seconds since the phase's start
	Rows       int     `json:"rows"`  // delivery rows pending or retrying
	Queue      int     `json:"queue"` // switchboard_queue_depth of the default queue: pending+scheduled+retry+active
	QueueReady int     `json:"queue_pending"`
	Received   int     `json:"received"` // distinct deliveries received so far (whole run)
	Expected   int     `json:"expected"` // deliveries the accepted events must produce (whole run)
}

// sampler reads the backlog every 500 ms until stopped.
func (w *whEnv) sampler(ctx context.Context, start time.Time) (stop func() []backlogSample) {
	var (
		mu  sync.Mutex
		out []backlogSample
	)
	done, quit := make(chan struct{}), make(chan struct{})
	client := &http.Client{Timeout: 2 * time.Second}
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			s := backlogSample{At: time.Since(start).Seconds(), Rows: -1, Queue: -1, QueueReady: -1}
			if n, err := w.db.backlog(ctx); err == nil {
				s.Rows = n
			}
			if q, err := queueDepth(ctx, client, w.base); err == nil {
				s.Queue, s.QueueReady = q["total"], q["pending"]
			}
			s.Received, s.Expected = int(w.distinct.Load()), w.expectedNow()
			mu.Lock()
			out = append(out, s)
			mu.Unlock()
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() []backlogSample {
		close(quit)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return out
	}
}

// queueDepth reads switchboard_queue_depth{queue="default"} from /metrics, by state, plus total.
func queueDepth(ctx context.Context, client *http.Client, base string) (map[string]int, error) {
	lines, err := metricLines(ctx, client, base, "switchboard_queue_depth{")
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, l := range lines {
		if l.labels["queue"] != "default" {
			continue
		}
		st := l.labels["state"]
		out[st] = int(l.value)
		if st != "archived" {
			out["total"] += int(l.value)
		}
	}
	return out, nil
}

type metricLine struct {
	labels map[string]string
	value  float64
}

// metricLines returns the /metrics samples whose line starts with prefix (name and "{").
func metricLines(ctx context.Context, client *http.Client, base, prefix string) ([]metricLine, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics: HTTP %d", resp.StatusCode)
	}
	var out []metricLine
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		labels, value, _ := strings.Cut(rest, "} ")
		m := metricLine{labels: map[string]string{}}
		for _, kv := range strings.Split(labels, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if ok {
				m.labels[k] = strings.Trim(v, `"`)
			}
		}
		m.value, _ = strconv.ParseFloat(strings.TrimSpace(value), 64)
		out = append(out, m)
	}
	return out, sc.Err()
}

// phase offers events, samples the backlog, drains, and measures each delivery of the phase.
func (w *whEnv) phase(ctx context.Context, name string, rate, conns int, dur time.Duration, maxEvents int, hooked bool) *whPhase {
	p := &whPhase{Name: name, TargetRate: rate, Conns: conns, Fanout: len(w.receivers)}
	if !hooked {
		p.Fanout = 0
	}
	if rate > 0 {
		p.Mode = "open loop"
	} else {
		p.Mode = "closed loop"
	}
	receivedBefore := int(w.distinct.Load())
	st0, stErr := w.db.stats(ctx)
	cpu0 := takeCPU(w.pid(), w.dbName)
	t0 := time.Now()
	stopSampler := w.sampler(ctx, t0)
	wait := w.profile(ctx, fmt.Sprintf("webhooks-c%d-%s", w.concurrency, name), dur)
	o := w.offer(ctx, name, rate, conns, dur, maxEvents, hooked)
	wait()
	cpu1 := takeCPU(w.pid(), w.dbName)
	drainFor, drained := w.drain(ctx, w.wc.drainTimeout)
	cpu2 := takeCPU(w.pid(), w.dbName)
	if drained {
		p.Stale = w.staleTasks(ctx)
		if p.Stale != nil {
			p.Stale.ClearSeconds, p.Stale.Cleared = w.drainQueue(ctx, w.wc.drainTimeout)
		}
	}
	samples := stopSampler()
	p.CPU, p.CPUDrain = cpuBetween(cpu0, cpu1), cpuBetween(cpu1, cpu2)
	// Backends report their statistics at most once a second: wait before reading them.
	time.Sleep(1200 * time.Millisecond)
	if st1, err := w.db.stats(ctx); err == nil && stErr == nil && o.accepted > 0 {
		per := func(a, b int64) float64 { return float64(b-a) / float64(o.accepted) }
		p.DBPerEvent = &dbPerEvent{
			Commits:  (float64(st1.Commits-st0.Commits) - float64(st1.own-st0.own)) / float64(o.accepted),
			Rollback: per(st0.Rollbacks, st1.Rollbacks), Inserted: per(st0.Inserted, st1.Inserted),
			Updated: per(st0.Updated, st1.Updated), Fetched: per(st0.Fetched, st1.Fetched),
		}
	}

	window := o.end.Sub(o.start)
	p.Seconds = window.Seconds()
	p.Offered, p.Sent, p.Accepted, p.Failed, p.Unsure, p.FireStatus, p.FirstError = o.offered, o.sent, o.accepted, o.failed, o.unsure, o.status, o.firstErr
	p.NotSent = o.offered - o.sent
	p.Refused, p.OutboxLimit = o.refused, w.wc.outboxLimit
	p.AcceptedPerSec = float64(o.accepted) / window.Seconds()
	p.AcceptedPerSecond = o.perSecond
	if rate > 0 {
		s := summarize(o.fromSched)
		p.FireLatency = &s
		p.SchedulerLagMax = ms(o.lagMax)
	}
	st := summarize(o.service)
	p.FireService = &st
	p.Deliveries = o.accepted * p.Fanout
	p.DrainSeconds, p.Drained = drainFor.Seconds(), drained
	p.ReceivedTotal = int(w.distinct.Load()) - receivedBefore
	if !drained {
		p.BacklogAfterDrain, _ = w.db.backlog(ctx)
	}

	// Each delivery of this phase's events: when its first attempt arrived.
	w.mu.Lock()
	events := make(map[string]*fireRec, len(w.events))
	for id, r := range w.events {
		if r.phase == name {
			events[id] = r
		}
	}
	w.mu.Unlock()
	var fromAnswer, fromSend []time.Duration
	var last time.Time
	secs := int(drainFor/time.Second) + int(window/time.Second) + 2
	recvPerSec := make([]int, secs)
	inWindow, afterWindow := 0, 0
	for _, r := range w.receivers {
		for _, rc := range r.receipts() {
			ev := events[rc.eventID]
			if ev == nil {
				continue
			}
			fromAnswer = append(fromAnswer, rc.first.Sub(ev.answered))
			fromSend = append(fromSend, rc.first.Sub(ev.sent))
			if rc.first.Before(ev.answered) {
				p.BeforeAnswer++
			}
			if rc.first.After(last) {
				last = rc.first
			}
			if !rc.first.After(o.end) {
				inWindow++
			} else {
				afterWindow++
			}
			if s := int(rc.first.Sub(o.start) / time.Second); s >= 0 && s < secs {
				recvPerSec[s]++
			}
		}
	}
	p.Received = len(fromAnswer)
	p.FirstAttempt, p.FirstAttemptFromSend = summarize(fromAnswer), summarize(fromSend)
	p.ReceivedInWindow = inWindow
	p.ReceivedPerSecWindow = float64(inWindow) / window.Seconds()
	if !last.IsZero() {
		p.EndToEndSeconds = last.Sub(o.start).Seconds()
		p.EndToEndPerSec = float64(p.Received) / p.EndToEndSeconds
		if tail := last.Sub(o.end).Seconds(); afterWindow >= 500 && tail > 0.5 {
			p.DrainPerSec = float64(afterWindow) / tail
		}
	}
	for len(recvPerSec) > 0 && recvPerSec[len(recvPerSec)-1] == 0 {
		recvPerSec = recvPerSec[:len(recvPerSec)-1]
	}
	p.ReceivedPerSecond = recvPerSec
	// CPU per unit of work (server + PostgreSQL + Redis): per event while offering, and per
	// delivery while draining (the API idle), when the drain was long enough to mean something.
	stack := func(c cpuSplit) float64 { return c.Server + c.Postgres + c.Redis }
	if o.accepted > 0 {
		p.CPUMsPerEvent = stack(p.CPU) * window.Seconds() * 1000 / float64(o.accepted)
	}
	if afterWindow >= 1000 && drainFor > time.Second {
		p.CPUMsPerDeliveryDrain = stack(p.CPUDrain) * drainFor.Seconds() * 1000 / float64(afterWindow)
	}
	p.Backlog = samples
	p.summarizeBacklog(window.Seconds())
	return p
}

// summarizeBacklog reads the samples taken while events were offered: the peak, the value at
// the end of the offer, and the trend over its second half (least squares, rows per second).
// The backlog is called bounded when that trend is under 5% of the rate deliveries were
// created at (or 20/s), and everything drained afterwards.
func (p *whPhase) summarizeBacklog(window float64) {
	var xs, ys []float64
	for _, s := range p.Backlog {
		if s.Rows < 0 {
			continue
		}
		if s.At <= window+0.25 {
			p.BacklogMax = max(p.BacklogMax, s.Rows)
			p.BacklogAtEnd = s.Rows
			p.QueueMax = max(p.QueueMax, s.Queue)
			if s.At >= window/2 {
				xs, ys = append(xs, s.At), append(ys, float64(s.Rows))
			}
		}
	}
	p.BacklogSlope = slope(xs, ys)
	created := float64(p.Deliveries) / max(window, 0.001)
	p.Bounded = p.Drained && p.BacklogSlope < max(0.05*created, 20)
}

func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 3 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// verify compares every delivery row with what the receivers saw: every row succeeded, every
// row's id received by its endpoint's receiver, never more often than it was attempted; every
// accepted event has one delivery per endpoint; nothing arrived that has no row; every
// signature checked was good. It also asks the API (newest events' delivery counts, and any
// delivery not succeeded) and reads the server's attempt metric.
func (w *whEnv) verify(ctx context.Context, res *whResults) error {
	start := time.Now()
	vctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	v := &res.Verify
	v.ByStatus = map[string]int{}

	// What the receivers saw, by delivery id.
	type seen struct {
		receiver int
		rc       receipt
	}
	got := map[string]seen{}
	for _, r := range w.receivers {
		for id, rc := range r.receipts() {
			if prev, dup := got[id]; dup {
				v.CrossReceiver++
				rc.count += prev.rc.count
			}
			got[id] = seen{r.idx, rc}
		}
	}
	epIndex := map[string]int{}
	for i, id := range w.endpointIDs {
		epIndex[id] = i
	}
	w.mu.Lock()
	v.EventsAccepted, v.Unsure = len(w.events), w.unsure
	perEvent := make(map[string]int, len(w.events))
	wantPerEvent := make(map[string]int, len(w.events))
	for id, rec := range w.events {
		perEvent[id], wantPerEvent[id] = 0, rec.fanout
	}
	w.mu.Unlock()

	w.db.mu.Lock()
	err := func() error {
		if err := w.db.c.QueryRow(vctx, `SELECT count(*) FROM events`).Scan(&v.EventRows); err != nil {
			return err
		}
		rows, err := w.db.c.Query(vctx, `SELECT id::text, event_id::text, coalesce(endpoint_id::text, ''), status, attempts FROM deliveries`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var id, eventID, endpointID, status string
		var attempts int
		matched := map[string]bool{}
		for rows.Next() {
			if err := rows.Scan(&id, &eventID, &endpointID, &status, &attempts); err != nil {
				return err
			}
			v.Rows++
			v.ByStatus[status]++
			if attempts > 1 {
				v.Retried++
			}
			if n, ok := perEvent[eventID]; ok {
				perEvent[eventID] = n + 1
			} else {
				v.RowsOfUnknownEvents++
			}
			s, ok := got[id]
			if !ok {
				v.Lost++
				if len(v.LostExamples) < 5 {
					v.LostExamples = append(v.LostExamples, fmt.Sprintf("%s (%s, %d attempts)", id, status, attempts))
				}
				continue
			}
			matched[id] = true
			v.Received++
			if i, ok := epIndex[endpointID]; !ok || i != s.receiver {
				v.WrongReceiver++
			}
			if s.rc.count > 1 {
				v.Duplicates++
			}
			if s.rc.count > attempts {
				v.DuplicatesBeyondRetry++
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for id := range got {
			if !matched[id] {
				v.Unexpected++
			}
		}
		return nil
	}()
	w.db.mu.Unlock()
	if err != nil {
		return fmt.Errorf("reading the deliveries: %w", err)
	}
	for id, n := range perEvent {
		if n != wantPerEvent[id] {
			v.WrongFanout++
		}
	}

	// The same question through the API: nothing pending, retrying or failed; the newest
	// events each count fan-out succeeded deliveries.
	if _, err := w.api.Refresh(vctx); err != nil {
		return fmt.Errorf("refresh the session: %w", err)
	}
	var d struct {
		Account struct {
			Deliveries struct {
				Edges []struct{ Node struct{ ID, Status string } }
			}
			Events struct {
				Edges []struct {
					Node struct {
						ID             string
						DeliveryCounts struct{ Succeeded, Pending, Failed int }
					}
				}
			}
		}
	}
	if err := w.api.MustOK(vctx, `query($a: ID!) { account(id: $a) {
		deliveries(filter: {statuses: [PENDING, RETRYING, FAILED]}, first: 5) { edges { node { id status } } }
		events(first: 100) { edges { node { id deliveryCounts { succeeded pending failed } } } } } }`,
		map[string]any{"a": w.accountID}, &d); err != nil {
		return fmt.Errorf("API check: %w", err)
	}
	v.APIUnfinished = len(d.Account.Deliveries.Edges)
	for _, e := range d.Account.Events.Edges {
		want, known := wantPerEvent[e.Node.ID]
		if !known {
			continue // an unanswered request's event
		}
		v.APIEventsChecked++
		c := e.Node.DeliveryCounts
		if c.Succeeded != want || c.Pending != 0 || c.Failed != 0 {
			v.APIEventsWrong++
		}
	}
	if lines, err := metricLines(vctx, http.DefaultClient, w.base, "switchboard_delivery_attempts_total{"); err == nil {
		v.AttemptMetric = map[string]int{}
		for _, l := range lines {
			v.AttemptMetric[l.labels["outcome"]] += int(l.value)
		}
	}
	v.Seconds = time.Since(start).Seconds()
	res.Verified = true
	return nil
}

// whSettings records the settings of one run.
func whSettings(c *config, conc int) map[string]string {
	var phases []string
	for _, p := range []string{"fireonly", "latency", "throughput", "backlog"} {
		if c.wh.phases[p] {
			phases = append(phases, p)
		}
	}
	return map[string]string{
		"phases": strings.Join(phases, ","), "worker_concurrency": strconv.Itoa(conc), "endpoints": strconv.Itoa(c.wh.endpoints),
		"event": c.wh.event, "auth": c.wh.auth,
		"rate": strconv.Itoa(c.wh.rate), "latency_duration": c.wh.latDuration.String(), "latency_conns": strconv.Itoa(c.wh.latConns),
		"throughput_duration": c.wh.tpDuration.String(), "throughput_conns": strconv.Itoa(c.wh.tpConns), "throughput_max": strconv.Itoa(c.wh.tpMax),
		"backlog_rate": strconv.Itoa(c.wh.blRate), "backlog_duration": c.wh.blDuration.String(), "backlog_conns": strconv.Itoa(c.wh.blConns),
		"fireonly_duration": c.wh.fireDuration.String(), "drain_timeout": c.wh.drainTimeout.String(), "verify_every": strconv.Itoa(c.wh.verifyEvery), "quick": strconv.FormatBool(c.quick),
	}
}

// writeJSONFile writes v as indented JSON.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

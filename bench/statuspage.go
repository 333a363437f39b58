package main

// The statuspage scenario (-scenario statuspage, not part of all) measures issue 11's figure:
// a public status page and its summary.json read open loop at -sp-rate requests/s over at most
// -sp-conns keep-alive connections accepting gzip, while a public incident changes every second.
//
//  1. Setup through the API: -sp-components components in three groups, a public page showing
//     them, an incident on the first one and its first public update (major outage).
//  2. Idle baseline: the server's SQL statements (switchboard_db_statements_total) over a few
//     seconds with no reader, so the scheduler's background queries can be told apart.
//  3. Churn only: the incident gets a new public update every second and a watcher polls
//     summary.json until it shows it (the visibility delay); statements counted.
//  4. Open loop at -sp-rate: the same churn and watcher, plus the load: half page, half
//     summary.json, latency measured from each request's scheduled time (a stalled server is
//     charged for the requests it delayed). Statements counted: beyond baseline + churn, any
//     statement is one a cached request ran.
//  5. Closed loop: -sp-conns connections as fast as they go, the maximum.
//
// Every response must be 200 with a body; anything else is a failure.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

type spConfig struct {
	// workerProcess runs the job worker as its own process (-sp-worker-process).
	workerProcess bool
	rate          int
	conns         int
	duration      time.Duration
	closed        time.Duration
	components    int
	// warmup is an unmeasured open loop at the full rate before the measured one (-sp-warmup).
	warmup time.Duration
}

// The figure.
const (
	spFullRate   = 10000
	spP99Target  = 10.0 // ms
	spVisibleMax = 1.0  // s
)

type spPhase struct {
	Name       string         `json:"name"`
	Requests   int64          `json:"requests"`
	Seconds    float64        `json:"seconds"`
	PerSecond  float64        `json:"per_second"`
	Latency    latSummary     `json:"latency_from_schedule"`
	Status     map[string]int `json:"status"`
	Statements float64        `json:"db_statements"`
	Bytes      int64          `json:"bytes"`
	// CPU is where the machine's CPU went during the phase, in cores (this tool is "bench").
	CPU *cpuSplit `json:"cpu_cores,omitempty"`
	// PerSecondLatency (open loop) is the latency by second of the schedule, with the CPU of
	// that second: a stall shows up as a few bad seconds, saturation as many, and other work
	// on a shared machine as "other".
	PerSecondLatency []secondLatency `json:"per_second_latency,omitempty"`
	// Slowest (open loop) are the slowest requests: when they were scheduled (ms from the
	// phase's start) and how long they took; Changes are when the churn's updates were
	// answered (ms from the start), to tell a stall at a change from one elsewhere.
	Slowest []spSlow  `json:"slowest,omitempty"`
	Changes []float64 `json:"changes_at_ms,omitempty"`
}

type spSlow struct {
	At      float64 `json:"at_ms"`
	Latency float64 `json:"latency_ms"`
}

type spResults struct {
	Started   time.Time         `json:"started"`
	Machine   machineInfo       `json:"machine"`
	Settings  map[string]string `json:"settings"`
	LoadAfter string            `json:"loadavg_after"`

	BaselineStatementsPerSec float64    `json:"baseline_statements_per_second"`
	ChurnStatementsPerSec    float64    `json:"churn_statements_per_second"`
	Phases                   []*spPhase `json:"phases"`
	// Warmup is the open loop at the full rate before the measured one: reported, not a target.
	Warmup *spPhase `json:"warmup,omitempty"`
	// ExtraStatements is what the open-loop phase ran beyond the baseline and the churn:
	// statements cached requests caused (ideally 0; background noise makes it approximate).
	ExtraStatements  float64    `json:"extra_statements"`
	PerRequest       float64    `json:"extra_statements_per_request"`
	Visible          latSummary `json:"change_visible_after"`
	VisibleUnderLoad latSummary `json:"change_visible_after_under_load"`
	// Served and Loads are the server's own counts over the open-loop phase: documents served
	// and page snapshots loaded from the database (the rest came from the cache, no query).
	Served        float64 `json:"documents_served"`
	Loads         float64 `json:"snapshot_loads"`
	Changes       int     `json:"changes"`
	MissedChanges int     `json:"changes_never_seen"`

	Targets  []target `json:"targets"`
	Failures []string `json:"failures"`
	Misses   []string `json:"targets_missed"`
	Aborted  string   `json:"aborted,omitempty"`
}

func runStatusPage(ctx context.Context, cfg *config) (*spResults, int) {
	o := cfg.sp
	res := &spResults{Started: time.Now(), Settings: map[string]string{
		"rate": strconv.Itoa(o.rate), "conns": strconv.Itoa(o.conns), "duration": o.duration.String(),
		"closed_duration": o.closed.String(), "components": strconv.Itoa(o.components),
		"worker": map[bool]string{false: "in the server (serve)", true: "its own process (serve --worker=false + worker)"}[o.workerProcess],
	}}
	code := 0
	if err := spRun(ctx, cfg, res); err != nil {
		res.Aborted = err.Error()
		logf("status page: FAILED: %v", err)
		code = 1
	}
	res.LoadAfter = loadAvg()
	res.evaluate(o)
	res.print(os.Stdout)
	return res, resultCode("status page", code, res.Failures, res.Misses, cfg.strict)
}

type spBench struct {
	e         *env
	slug      string
	incident  string
	component string // the incident's, named by the first update
	page      string // absolute URLs
	summary   string
	client    *http.Client
	metricURL string

	mu      sync.Mutex
	changed []time.Time // when each churn update was answered
}

func spRun(ctx context.Context, cfg *config, res *spResults) error {
	o := cfg.sp
	logf("status page: preparing binary, database, Redis, server")
	e, err := newEnv(ctx, cfg)
	if e != nil {
		defer e.close()
	}
	if err != nil {
		return err
	}
	res.Machine = machine(e.bin)
	var extra map[string]string
	if o.workerProcess {
		extra = map[string]string{"SWITCHBOARD_WORKER": "false"}
	}
	if err := e.startServer(ctx, extra); err != nil {
		e.printServerLog(20)
		return err
	}
	if o.workerProcess {
		if err := e.startWorker(); err != nil {
			return err
		}
	}
	if _, err := e.setupAccount(ctx); err != nil {
		return err
	}
	b, err := spSetup(ctx, e, o)
	if err != nil {
		e.printServerLog(20)
		return err
	}
	defer b.client.CloseIdleConnections()

	// 2. Idle baseline.
	const quiet = 6 * time.Second
	s0, err := b.statements(ctx)
	if err != nil {
		return err
	}
	time.Sleep(quiet)
	s1, err := b.statements(ctx)
	if err != nil {
		return err
	}
	res.BaselineStatementsPerSec = (s1 - s0) / quiet.Seconds()
	logf("status page: idle baseline %.1f statements/s", res.BaselineStatementsPerSec)

	// 3. Churn only.
	churnDur := min(o.duration, 10*time.Second)
	vis, seen, missed, churnStmts, err := b.churn(ctx, churnDur, nil)
	if err != nil {
		return err
	}
	res.ChurnStatementsPerSec = churnStmts/churnDur.Seconds() - res.BaselineStatementsPerSec
	res.Visible = summarize(vis)
	res.Changes += seen + missed
	res.MissedChanges += missed
	logf("status page: churn alone: %.1f statements/s beyond the baseline; change visible after p50 %.0f ms, max %.0f ms", res.ChurnStatementsPerSec, res.Visible.P50, res.Visible.Max)

	// 4. Warm-up at the full rate (not measured against the target): the server's buffers, pools
	// and collector pacing reach the steady state the figure is about. Its answers must be 200s.
	if o.warmup > 0 {
		logf("status page: warm-up, open loop at %d/s for %s", o.rate, o.warmup)
		res.Warmup = b.openLoop(ctx, o.rate, o.conns, o.warmup)
		res.Warmup.Name = "warm-up " + res.Warmup.Name
		logf("status page: warm-up: p50 %.2f ms, p99 %.2f ms, max %.1f ms", res.Warmup.Latency.P50, res.Warmup.Latency.P99, res.Warmup.Latency.Max)
	}

	// 5. Open loop with churn.
	logf("status page: open loop at %d/s over %d connections for %s, a change every second", o.rate, o.conns, o.duration)
	var ph *spPhase
	served0, err := b.metric(ctx, "switchboard_statuspage_documents_served_total")
	if err != nil {
		return err
	}
	loads0, err := b.metric(ctx, "switchboard_statuspage_loads_total")
	if err != nil {
		return err
	}
	vis, seen, missed, loadStmts, err := b.churn(ctx, o.duration, func(ctx context.Context) {
		wait := e.profile(ctx, "statuspage-openloop", o.duration)
		ph = b.openLoop(ctx, o.rate, o.conns, o.duration)
		wait()
	})
	if err != nil {
		return err
	}
	served1, err := b.metric(ctx, "switchboard_statuspage_documents_served_total")
	if err != nil {
		return err
	}
	loads1, err := b.metric(ctx, "switchboard_statuspage_loads_total")
	if err != nil {
		return err
	}
	res.Served, res.Loads = served1-served0, loads1-loads0
	ph.Statements = loadStmts
	res.Phases = append(res.Phases, ph)
	res.VisibleUnderLoad = summarize(vis)
	res.Changes += seen + missed
	res.MissedChanges += missed
	res.ExtraStatements = max(0, loadStmts-(res.BaselineStatementsPerSec+res.ChurnStatementsPerSec)*o.duration.Seconds())
	if ph.Requests > 0 {
		res.PerRequest = res.ExtraStatements / float64(ph.Requests)
	}
	logf("status page: open loop: %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms; %.0f statements (%.0f beyond baseline and churn)",
		ph.PerSecond, ph.Latency.P50, ph.Latency.P99, ph.Latency.Max, loadStmts, res.ExtraStatements)

	// 6. Closed loop.
	logf("status page: closed loop over %d connections for %s", o.conns, o.closed)
	cl := b.closedLoop(ctx, o.conns, o.closed)
	res.Phases = append(res.Phases, cl)
	logf("status page: closed loop: %.0f/s, p50 %.2f ms, p99 %.2f ms", cl.PerSecond, cl.Latency.P50, cl.Latency.P99)

	all := res.Phases
	if res.Warmup != nil {
		all = append([]*spPhase{res.Warmup}, all...)
	}
	for _, p := range all {
		for st, n := range p.Status {
			if st != "200" {
				res.Failures = append(res.Failures, fmt.Sprintf("%s: %d answers %s", p.Name, n, st))
			}
		}
	}
	if res.MissedChanges > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("%d of %d changes never appeared in summary.json", res.MissedChanges, res.Changes))
	}
	problems, _ := e.serverLogMessages()
	for k, n := range problems {
		logf("status page: server log: %d× %s", n, k)
	}
	return nil
}

func spSetup(ctx context.Context, e *env, o spConfig) (*spBench, error) {
	c := e.api
	groups := []string{"Edge", "API", "Data"}
	var comps []map[string]any
	var first string
	for i := range o.components {
		var out struct {
			CreateComponent struct {
				Component struct{ ID string }
				Errors    []struct{ Message string }
			}
		}
		if err := c.MustOK(ctx, `mutation($a: ID!, $n: String!) { createComponent(input: {accountId: $a, name: $n}) { component { id } errors { message } } }`,
			map[string]any{"a": e.accountID, "n": fmt.Sprintf("Service %02d", i+1)}, &out); err != nil {
			return nil, fmt.Errorf("createComponent: %w", err)
		}
		if len(out.CreateComponent.Errors) > 0 {
			return nil, fmt.Errorf("createComponent: %+v", out.CreateComponent.Errors)
		}
		id := out.CreateComponent.Component.ID
		if first == "" {
			first = id
		}
		comps = append(comps, map[string]any{"componentId": id, "group": groups[i%len(groups)]})
	}
	var sp struct {
		CreateStatusPage struct {
			StatusPage struct{ ID, Slug string }
			Errors     []struct{ Message string }
		}
	}
	in := map[string]any{"accountId": e.accountID, "name": "Bench Status", "slug": "bench", "visibility": "PUBLIC", "components": comps}
	if err := c.MustOK(ctx, `mutation($in: CreateStatusPageInput!) { createStatusPage(input: $in) { statusPage { id slug } errors { message } } }`,
		map[string]any{"in": in}, &sp); err != nil {
		return nil, fmt.Errorf("createStatusPage: %w", err)
	}
	if len(sp.CreateStatusPage.Errors) > 0 {
		return nil, fmt.Errorf("createStatusPage: %+v", sp.CreateStatusPage.Errors)
	}
	var inc struct {
		CreateIncident struct {
			Incident struct{ ID string }
			Errors   []struct{ Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($c: ID!) { createIncident(input: {componentId: $c, title: "Bench outage", severity: HIGH}) { incident { id } errors { message } } }`,
		map[string]any{"c": first}, &inc); err != nil {
		return nil, fmt.Errorf("createIncident: %w", err)
	}
	if len(inc.CreateIncident.Errors) > 0 {
		return nil, fmt.Errorf("createIncident: %+v", inc.CreateIncident.Errors)
	}
	b := &spBench{e: e, slug: sp.CreateStatusPage.StatusPage.Slug, incident: inc.CreateIncident.Incident.ID, component: first}
	b.page = e.base + "/status/" + b.slug
	b.summary = b.page + "/api/v2/summary.json"
	b.metricURL = e.base + "/metrics"
	b.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		MaxConnsPerHost:     0,
		DisableCompression:  true, // the tool sends Accept-Encoding itself and keeps the gzip
		IdleConnTimeout:     90 * time.Second,
	}}
	if err := b.post(ctx, "Bench outage", "INVESTIGATING", "bench change 0", true); err != nil {
		return nil, err
	}
	for _, u := range []string{b.page, b.summary} {
		st, _, err := b.get(ctx, b.client, u, true)
		if err != nil || st != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %v", u, st, err)
		}
	}
	return b, nil
}

// post publishes a public update on the bench incident.
func (b *spBench) post(ctx context.Context, title, status, msg string, first bool) error {
	in := map[string]any{"incidentId": b.incident, "status": status, "message": msg, "notifySubscribers": false}
	if first {
		in["title"] = title
		in["impact"] = "MAJOR"
		in["components"] = []map[string]any{{"componentId": b.component, "status": "MAJOR_OUTAGE"}}
	}
	var out struct {
		PostIncidentUpdate struct {
			Errors []struct{ Message string }
		}
	}
	if err := b.e.api.MustOK(ctx, `mutation($in: PostIncidentUpdateInput!) { postIncidentUpdate(input: $in) { errors { message } } }`,
		map[string]any{"in": in}, &out); err != nil {
		return fmt.Errorf("postIncidentUpdate: %w", err)
	}
	if len(out.PostIncidentUpdate.Errors) > 0 {
		return fmt.Errorf("postIncidentUpdate: %+v", out.PostIncidentUpdate.Errors)
	}
	return nil
}

func (b *spBench) get(ctx context.Context, c *http.Client, u string, gzip bool) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func (b *spBench) statements(ctx context.Context) (float64, error) {
	return b.metric(ctx, "switchboard_db_statements_total")
}

// metric reads one counter of the server's /metrics.
func (b *spBench) metric(ctx context.Context, name string) (float64, error) {
	_, body, err := b.get(ctx, b.client, b.metricURL, false)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("the server exports no %s", name)
}

// churn posts a public update every second for d while load runs (if any), and a watcher polls
// summary.json (uncompressed, its own connection) every 20 ms until each update shows. It
// returns each change's delay from the mutation's answer to its first sighting, and the SQL
// statements run over the whole phase.
func (b *spBench) churn(ctx context.Context, d time.Duration, load func(context.Context)) (vis []time.Duration, seen, missed int, stmts float64, err error) {
	s0, err := b.statements(ctx)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	watcher := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}}
	defer watcher.CloseIdleConnections()
	var wg sync.WaitGroup
	if load != nil {
		wg.Add(1)
		go func() { defer wg.Done(); load(ctx) }()
	}
	statuses := []string{"IDENTIFIED", "MONITORING", "INVESTIGATING"}
	end := time.Now().Add(d)
	for i := 1; time.Now().Before(end) && ctx.Err() == nil; i++ {
		tick := time.Now()
		msg := fmt.Sprintf("bench change %d-%s", i, randomHex(4))
		if err := b.post(ctx, "", statuses[i%len(statuses)], msg, false); err != nil {
			wg.Wait()
			return nil, 0, 0, 0, err
		}
		answered := time.Now()
		b.mu.Lock()
		b.changed = append(b.changed, answered)
		b.mu.Unlock()
		found := false
		for deadline := answered.Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			_, body, err := b.get(ctx, watcher, b.summary, false)
			if err == nil && strings.Contains(string(body), msg) {
				vis = append(vis, time.Since(answered))
				found = true
				break
			}
		}
		if found {
			seen++
		} else {
			missed++
		}
		if rest := time.Second - time.Since(tick); rest > 0 {
			time.Sleep(rest)
		}
	}
	wg.Wait()
	s1, err := b.statements(ctx)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return vis, seen, missed, s1 - s0, nil
}

// spJob is one request of the open loop: its scheduled time (from the start) and which
// document. No pointers: the queue holds a whole phase's requests, and the tool's collector
// need not scan it.
type spJob struct {
	at      time.Duration
	summary bool
}

// spLoad is the loops' side of the server: its address and the two requests, serialised once
// (GET, gzip accepted, as a browser or a widget asks).
type spLoad struct {
	addr          string
	page, summary []byte
}

func (b *spBench) loadRequests() (*spLoad, error) {
	addr, page, err := rawGET(b.page, "Accept-Encoding: gzip")
	if err != nil {
		return nil, err
	}
	_, summary, err := rawGET(b.summary, "Accept-Encoding: gzip")
	if err != nil {
		return nil, err
	}
	return &spLoad{addr: addr, page: page, summary: summary}, nil
}

// spTally is one connection's count of answers: latencies and statuses ("200" only for a 200
// with a body; "200 empty", another status or "error" otherwise).
type spTally struct {
	lats   []time.Duration
	offs   []time.Duration // open loop: each request's scheduled time from the start
	status map[string]int
	bytes  int64
}

func (t *spTally) add(resp rawResp, err error, lat time.Duration) {
	t.lats = append(t.lats, lat)
	t.bytes += resp.bodyLen
	switch {
	case err != nil:
		t.status["error"]++
	case resp.status == http.StatusOK && resp.bodyLen == 0:
		t.status["200 empty"]++
	case resp.status == http.StatusOK:
		t.status["200"]++ // (strconv.Itoa allocates for numbers over 99)
	default:
		t.status[strconv.Itoa(resp.status)]++
	}
}

// spMerge gathers the connections' tallies.
type spMerge struct {
	mu     sync.Mutex
	lats   []time.Duration
	offs   []time.Duration
	status map[string]int
	bytes  int64
}

func (m *spMerge) add(t *spTally) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lats = append(m.lats, t.lats...)
	m.offs = append(m.offs, t.offs...)
	for k, v := range t.status {
		m.status[k] += v
	}
	m.bytes += t.bytes
}

// openLoop offers rate requests/s (half page, half summary.json) for d over at most conns
// connections; latency runs from each request's scheduled time: a request waits in the queue
// while every connection is busy, and that wait is charged to it. The connections speak
// HTTP/1.1 themselves (rawConn): the tool's CPU is taken from the same two cores as the
// server's.
func (b *spBench) openLoop(ctx context.Context, rate, conns int, d time.Duration) *spPhase {
	ld, err := b.loadRequests()
	if err != nil {
		return &spPhase{Name: fmt.Sprintf("open loop %d/s", rate), Status: map[string]int{"error: " + err.Error(): 1}}
	}
	total := int(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	jobs := make(chan spJob, total+1)
	merged := &spMerge{status: map[string]int{}}
	var wg sync.WaitGroup
	// The connections are open before the clock starts, as a server's keep-alive connections
	// are in a steady state: the schedule measures answers, not 128 handshakes in its first
	// second. (A connection the server closes is dialled again, and charged.)
	var start time.Time
	var ready, dialled sync.WaitGroup
	ready.Add(1)
	var dialErrs atomic.Int64
	for range conns {
		wg.Add(1)
		dialled.Add(1)
		go func() {
			defer wg.Done()
			c := newRawConn(ld.addr, 10*time.Second)
			defer c.close()
			if err := c.dial(); err != nil {
				dialErrs.Add(1)
			}
			dialled.Done()
			t := &spTally{lats: make([]time.Duration, 0, total/conns+16), offs: make([]time.Duration, 0, total/conns+16), status: map[string]int{}}
			ready.Wait()
			for j := range jobs {
				req := ld.page
				if j.summary {
					req = ld.summary
				}
				resp, err := c.do(req, nil)
				t.add(resp, err, time.Since(start.Add(j.at)))
				t.offs = append(t.offs, j.at)
			}
			merged.add(t)
		}()
	}
	dialled.Wait()
	if n := dialErrs.Load(); n > 0 {
		logf("status page: %d of %d connections could not be opened ahead (they dial with their first request)", n, conns)
	}
	start = time.Now().Add(10 * time.Millisecond)
	ready.Done()
	cpu0 := takeCPU(b.e.pid(), b.e.dbName, b.e.workerPID())
	// The CPU second by second of the schedule (as the SNS scenario's open loop).
	secs := int(d.Seconds() + 0.999)
	cpuSeries := make([]cpuSplit, secs)
	stopCPU, cpuDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(cpuDone)
		prev := cpu0
		for sec := range secs {
			select {
			case <-stopCPU:
				return
			case <-time.After(time.Until(start.Add(time.Duration(sec+1) * time.Second))):
			}
			cur := takeCPU(b.e.pid(), b.e.dbName, b.e.workerPID())
			cpuSeries[sec] = cpuBetween(prev, cur)
			prev = cur
		}
	}()
	time.Sleep(time.Until(start))
	sent := 0
	for sent < total && ctx.Err() == nil {
		due := min(total, int(time.Since(start)/interval)+1)
		for ; sent < due; sent++ {
			jobs <- spJob{at: time.Duration(sent) * interval, summary: sent%2 == 1}
		}
		time.Sleep(500 * time.Microsecond)
	}
	close(jobs)
	wg.Wait()
	el := time.Since(start)
	cpu := cpuBetween(cpu0, takeCPU(b.e.pid(), b.e.dbName, b.e.workerPID()))
	close(stopCPU)
	<-cpuDone
	ph := &spPhase{Name: fmt.Sprintf("open loop %d/s", rate), Requests: int64(len(merged.lats)), Seconds: el.Seconds(),
		PerSecond: float64(len(merged.lats)) / el.Seconds(), Latency: summarize(merged.lats), Status: merged.status,
		Bytes: merged.bytes, CPU: &cpu}
	perSec := make([][]time.Duration, secs)
	idx := make([]int, len(merged.lats))
	for i, off := range merged.offs {
		if sec := int(off / time.Second); sec >= 0 && sec < secs {
			perSec[sec] = append(perSec[sec], merged.lats[i])
		}
		idx[i] = i
	}
	for sec, l := range perSec {
		if len(l) == 0 {
			continue
		}
		sm, c := summarize(l), cpuSeries[sec]
		ph.PerSecondLatency = append(ph.PerSecondLatency, secondLatency{Count: sm.Count, P50: sm.P50, P99: sm.P99, Max: sm.Max,
			Server: c.Server, Postgres: c.Postgres, Other: c.Other, Idle: c.Idle})
	}
	sort.Slice(idx, func(a, c int) bool { return merged.lats[idx[a]] > merged.lats[idx[c]] })
	for _, i := range idx[:min(10, len(idx))] {
		ph.Slowest = append(ph.Slowest, spSlow{At: ms(merged.offs[i]), Latency: ms(merged.lats[i])})
	}
	b.mu.Lock()
	for _, t := range b.changed {
		if off := t.Sub(start); off >= 0 && off <= el {
			ph.Changes = append(ph.Changes, ms(off))
		}
	}
	b.mu.Unlock()
	return ph
}

// closedLoop runs conns connections as fast as they go for d.
func (b *spBench) closedLoop(ctx context.Context, conns int, d time.Duration) *spPhase {
	ld, err := b.loadRequests()
	if err != nil {
		return &spPhase{Name: fmt.Sprintf("closed loop, %d conns", conns), Status: map[string]int{"error: " + err.Error(): 1}}
	}
	merged := &spMerge{status: map[string]int{}}
	var wg sync.WaitGroup
	cpu0 := takeCPU(b.e.pid(), b.e.dbName, b.e.workerPID())
	start := time.Now()
	end := start.Add(d)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newRawConn(ld.addr, 10*time.Second)
			defer c.close()
			t := &spTally{status: map[string]int{}}
			for n := i; ctx.Err() == nil; n++ {
				req := ld.page
				if n%2 == 1 {
					req = ld.summary
				}
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				resp, err := c.do(req, nil)
				t.add(resp, err, time.Since(t0))
			}
			merged.add(t)
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpu := cpuBetween(cpu0, takeCPU(b.e.pid(), b.e.dbName, b.e.workerPID()))
	return &spPhase{Name: fmt.Sprintf("closed loop, %d conns", conns), Requests: int64(len(merged.lats)), Seconds: el.Seconds(),
		PerSecond: float64(len(merged.lats)) / el.Seconds(), Latency: summarize(merged.lats), Status: merged.status,
		Bytes: merged.bytes, CPU: &cpu}
}

func (r *spResults) evaluate(o spConfig) {
	add := func(t target) {
		r.Targets = append(r.Targets, t)
		if !t.Met {
			r.Misses = append(r.Misses, t.Name+": "+t.Measured)
		}
	}
	full := fmt.Sprintf(" (at %d/s)", spFullRate)
	if len(r.Phases) > 0 {
		p := r.Phases[0]
		add(target{Name: fmt.Sprintf("page + summary.json, open loop at %d/s, ≤ %d connections, gzip, a change every second", o.rate, o.conns),
			Goal: fmt.Sprintf("p99 < %.0f ms%s", spP99Target, full), Value: p.Latency.P99,
			Measured: fmt.Sprintf("p99 %.2f ms (p50 %.2f, p99.9 %.2f, max %.1f; %.0f/s served)", p.Latency.P99, p.Latency.P50, p.Latency.P999, p.Latency.Max, p.PerSecond),
			Met:      p.Latency.P99 < spP99Target && o.rate >= spFullRate && p.PerSecond >= 0.98*float64(o.rate)})
		cached := r.Served - r.Loads
		add(target{Name: "requests answered from the cache, without a query (server's counters)", Goal: "≥ 99.9% of documents served",
			Value: cached / max(1, r.Served), Measured: fmt.Sprintf("%.0f of %.0f documents from the cache, %.0f snapshot loads (TTL and changes); %.0f statements beyond idle and churn (%.4f per request)",
				cached, r.Served, r.Loads, r.ExtraStatements, r.PerRequest),
			Met: r.Served > 0 && cached/r.Served >= 0.999})
	}
	if r.VisibleUnderLoad.Count > 0 {
		add(target{Name: "a public update visible in summary.json under load", Goal: fmt.Sprintf("≤ %.0f s", spVisibleMax), Value: r.VisibleUnderLoad.Max / 1000,
			Measured: fmt.Sprintf("max %.0f ms (p50 %.0f, %d changes)", r.VisibleUnderLoad.Max, r.VisibleUnderLoad.P50, r.VisibleUnderLoad.Count),
			Met:      r.VisibleUnderLoad.Max <= spVisibleMax*1000 && r.MissedChanges == 0})
	}
}

func (r *spResults) print(out io.Writer) {
	fmt.Fprintf(out, "\nSwitchboard status page benchmark — %s\n", r.Started.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(out, "machine: %d cores (%s), load average %s at start, %s after; server, PostgreSQL, Redis and this tool share it\n",
		r.Machine.Cores, r.Machine.CPU, r.Machine.LoadAvg, r.LoadAfter)
	fmt.Fprintf(out, "settings: %s/s over %s connections for %s, closed loop %s, %s components, job worker %s\n\n",
		r.Settings["rate"], r.Settings["conns"], r.Settings["duration"], r.Settings["closed_duration"], r.Settings["components"], r.Settings["worker"])
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "phase\trequests\tper s\tp50 ms\tp99 ms\tp99.9 ms\tmax ms\tstatements\tKiB/request\tstatus")
	shown := r.Phases
	if r.Warmup != nil {
		shown = append([]*spPhase{r.Warmup}, shown...)
	}
	for _, p := range shown {
		kib := 0.0
		if p.Requests > 0 {
			kib = float64(p.Bytes) / float64(p.Requests) / 1024
		}
		var st []string
		for k, v := range p.Status {
			st = append(st, fmt.Sprintf("%s×%d", k, v))
		}
		fmt.Fprintf(w, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.1f\t%.0f\t%.1f\t%s\n", p.Name, p.Requests, p.PerSecond, p.Latency.P50, p.Latency.P99,
			p.Latency.P999, p.Latency.Max, p.Statements, kib, strings.Join(st, " "))
	}
	w.Flush()
	for _, p := range r.Phases {
		if worst := worstSeconds(p.PerSecondLatency, 4); worst != "" {
			fmt.Fprintf(out, "%s, worst seconds (second: p99 / max ms): %s\n", p.Name, worst)
		}
		if len(p.Slowest) > 0 {
			var sl []string
			for _, x := range p.Slowest {
				sl = append(sl, fmt.Sprintf("%.0f ms at %.0f", x.Latency, x.At))
			}
			var ch []string
			for _, x := range p.Changes {
				ch = append(ch, fmt.Sprintf("%.0f", x))
			}
			fmt.Fprintf(out, "%s, slowest requests (scheduled at, ms from the start): %s; changes answered at %s\n", p.Name,
				strings.Join(sl, ", "), strings.Join(ch, " "))
		}
		if c := p.CPU; c != nil {
			fmt.Fprintf(out, "CPU during %s (cores of %d): server %.2f, PostgreSQL %.2f, Redis %.2f, this tool %.2f, other %.2f (of it interrupts %.2f, steal %.2f), idle %.2f\n",
				p.Name, c.Cores, c.Server, c.Postgres, c.Redis, c.Bench, c.Other, c.IRQ, c.Steal, c.Idle)
		}
	}
	fmt.Fprintf(out, "statements/s: idle %.1f, churn %.1f beyond idle; change visible (alone) p50 %.0f ms max %.0f ms; under load p50 %.0f ms max %.0f ms\n",
		r.BaselineStatementsPerSec, r.ChurnStatementsPerSec, r.Visible.P50, r.Visible.Max, r.VisibleUnderLoad.P50, r.VisibleUnderLoad.Max)
	printTargets(out, w, r.Targets)
	if r.Aborted != "" {
		fmt.Fprintf(out, "\nResult: ABORTED: %s\n", r.Aborted)
	} else if len(r.Failures) == 0 {
		fmt.Fprintln(out, "\nResult: correct (every answer 200, every change seen)")
	} else {
		fmt.Fprintln(out, "\nResult: FAILED")
		for _, f := range r.Failures {
			fmt.Fprintln(out, "  -", f)
		}
	}
}

// spJSON writes the results under "statuspage".
func spJSON(path string, r *spResults) error {
	b, err := json.MarshalIndent(map[string]any{"statuspage": r}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

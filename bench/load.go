package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// counters tally the answers of one phase.
type counters struct {
	status    [600]atomic.Int64
	transport atomic.Int64 // attempts that got no HTTP answer
	retries   atomic.Int64
	failed    atomic.Int64 // messages given up on (not answered 200)
}

func (c *counters) statusMap() map[string]int {
	out := map[string]int{}
	for code := range c.status {
		if n := c.status[code].Load(); n > 0 {
			out[strconv.Itoa(code)] = int(n)
		}
	}
	if n := c.transport.Load(); n > 0 {
		out["transport_error"] = int(n)
	}
	return out
}

func (c *counters) count5xx() int {
	n := 0
	for code := 500; code < 600; code++ {
		n += int(c.status[code].Load())
	}
	return n
}

// sender posts notifications the way SNS does.
type sender struct {
	client *http.Client
	url    string
}

func newSender(url string, maxConns int) *sender {
	tr := &http.Transport{
		MaxIdleConns: maxConns, MaxIdleConnsPerHost: maxConns, MaxConnsPerHost: maxConns,
		IdleConnTimeout: 90 * time.Second, DisableCompression: true,
	}
	return &sender{client: &http.Client{Transport: tr, Timeout: 30 * time.Second}, url: url}
}

func (s *sender) close() { s.client.CloseIdleConnections() }

func (s *sender) post(ctx context.Context, m *message) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(m.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	req.Header.Set("User-Agent", "Amazon Simple Notification Service Agent")
	req.Header.Set("x-amz-sns-message-type", "Notification")
	req.Header.Set("x-amz-sns-message-id", m.id)
	req.Header.Set("x-amz-sns-topic-arn", benchTopic)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// deliver posts m until it is answered 200, like SNS: no answer or a 5xx is retried (three
// attempts here, SNS does more), any other answer counts as delivered and is not.
func (s *sender) deliver(ctx context.Context, m *message, c *counters) bool {
	for attempt := 1; ; attempt++ {
		code, err := s.post(ctx, m)
		if err != nil {
			c.transport.Add(1)
		} else {
			c.status[min(max(code, 0), len(c.status)-1)].Add(1)
			if code == http.StatusOK {
				return true
			}
			if code < 500 {
				c.failed.Add(1)
				return false
			}
		}
		if attempt == 3 || ctx.Err() != nil {
			c.failed.Add(1)
			return false
		}
		c.retries.Add(1)
		select {
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

// phaseResult is what one phase measured.
type phaseResult struct {
	Name            string         `json:"name"`
	Mode            string         `json:"mode"`
	Seconds         float64        `json:"seconds"`
	Messages        int            `json:"messages"` // messages sent (final outcome per message)
	Accepted        int            `json:"accepted"`
	PerSecond       float64        `json:"accepted_per_second"`
	TargetRate      int            `json:"target_rate,omitempty"`
	Connections     int            `json:"connections,omitempty"`
	Status          map[string]int `json:"status"` // per attempt
	Retries         int            `json:"retries"`
	Failed          int            `json:"failed"`
	Latency         latSummary     `json:"latency"`                // closed loop: request; open loop: from the scheduled time
	ServiceTime     *latSummary    `json:"service_time,omitempty"` // open loop: from the actual send
	SchedulerLagMax float64        `json:"scheduler_lag_max_ms,omitempty"`
	// PerSecondLatency is the open-loop latency by second of the schedule: stalls show up as a
	// few bad seconds, saturation as many.
	PerSecondLatency []secondLatency `json:"per_second_latency,omitempty"`
	E2E              *latSummary     `json:"e2e,omitempty"`              // POST start → subscription message
	E2EAfterAnswer   *latSummary     `json:"e2e_after_answer,omitempty"` // POST answered → subscription message
	E2EMissing       int             `json:"e2e_missing,omitempty"`
	E2EUnmatched     int             `json:"e2e_unmatched,omitempty"`
	CPU              cpuSplit        `json:"cpu_cores"`
	RSS              rssSummary      `json:"rss"`
	n5xx             int
}

func (r *phaseResult) fill(c *counters, elapsed time.Duration) {
	r.Seconds = elapsed.Seconds()
	r.Status = c.statusMap()
	r.Retries = int(c.retries.Load())
	r.Failed = int(c.failed.Load())
	r.Accepted = r.Messages - r.Failed
	r.PerSecond = float64(r.Accepted) / elapsed.Seconds()
	r.n5xx = c.count5xx()
}

// runWarmup sends the warm-up set: its first message alone, which pins the topic (the
// integration is not confirmed, see startServer) and fails fast with the server's own answer
// when something is wrong; then the rest over 16 connections, which opens the server's
// database connections so that the first timed phase does not pay for them.
func runWarmup(ctx context.Context, e *env, ps *planSet) error {
	s := newSender(e.hookURL, 1)
	defer s.close()
	first := ps.alarms[0]
	code, err := s.post(ctx, first.msgs[0])
	if err != nil {
		return fmt.Errorf("warm-up post: %w", err)
	}
	if code != http.StatusOK {
		// Ask again to show why; a repeated MessageId changes nothing.
		body := ""
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.hookURL, bytes.NewReader(first.msgs[0].body))
		if resp, err := s.client.Do(req); err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			resp.Body.Close()
			body = string(b)
		}
		return fmt.Errorf("warm-up post answered %d: %s", code, body)
	}
	first.sent = 1
	r := runThroughput(ctx, e, ps, 16, time.Minute, ps.messages())
	if r.Failed > 0 || r.n5xx > 0 {
		return fmt.Errorf("warm-up: %d messages not accepted (%v)", r.Failed, r.Status)
	}
	return nil
}

// runThroughput pushes as fast as conns keep-alive connections allow, until dur has passed or
// max messages were sent. Each worker owns a set of alarms and sends their messages round robin,
// so one alarm never has two messages in flight.
func runThroughput(ctx context.Context, e *env, ps *planSet, conns int, dur time.Duration, max int) *phaseResult {
	workers := min(conns, len(ps.alarms))
	s := newSender(e.hookURL, workers)
	defer s.close()
	c := &counters{}
	var budget atomic.Int64
	budget.Store(int64(max))
	lats := make([][]time.Duration, workers)
	var sent atomic.Int64
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var owned []*alarmPlan
			for i := w; i < len(ps.alarms); i += workers {
				owned = append(owned, ps.alarms[i])
			}
			lats[w] = make([]time.Duration, 0, max/workers+1)
			for {
				progressed := false
				for _, a := range owned {
					if a.unsure || a.sent >= len(a.msgs) {
						continue
					}
					if ctx.Err() != nil || time.Now().After(deadline) || budget.Add(-1) < 0 {
						return
					}
					t0 := time.Now()
					ok := s.deliver(ctx, a.msgs[a.sent], c)
					lats[w] = append(lats[w], time.Since(t0))
					sent.Add(1)
					if ok {
						a.sent++
					} else {
						a.unsure = true
					}
					progressed = true
				}
				if !progressed {
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	r := &phaseResult{Name: "throughput", Mode: "closed loop", Connections: workers, Messages: int(sent.Load()), Latency: summarize(all)}
	r.fill(c, elapsed)
	return r
}

// openLoop sends the set's messages at rate per second for dur, each at its scheduled time
// whether or not earlier requests have been answered, round robin over the alarms. A message
// waits for the previous message of its own alarm (so the order, and the expected result, stay
// exact); its latency is measured from its scheduled time, so such waits, like any stall of the
// server, are charged in full.
func openLoop(ctx context.Context, e *env, ps *planSet, rate int, dur time.Duration, beforeSend func(*alarmPlan, *message, time.Time) func(time.Time)) (*phaseResult, *counters) {
	n := int(float64(rate) * dur.Seconds())
	interval := time.Second / time.Duration(rate)
	s := newSender(e.hookURL, 1024)
	defer s.close()
	c := &counters{}
	prev := make([]chan struct{}, len(ps.alarms))
	var mu sync.Mutex
	fromSched := make([]time.Duration, 0, n)
	service := make([]time.Duration, 0, n)
	perSecond := make([][]time.Duration, int(dur.Seconds())+1)
	cpuSeries := make([]cpuSplit, len(perSecond))
	stopCPU := make(chan struct{})
	cpuDone := make(chan struct{})
	var maxLag time.Duration
	var wg sync.WaitGroup
	sent := 0
	start := time.Now().Add(20 * time.Millisecond)
	// Where the CPU went, second by second of the schedule, to tell a stall of the server from
	// a burst of other work on the machine.
	go func() {
		defer close(cpuDone)
		prev := takeCPU(e.pid(), e.dbName)
		for sec := 0; sec < len(cpuSeries); sec++ {
			select {
			case <-stopCPU:
				// The last, partial second.
				cpuSeries[sec] = cpuBetween(prev, takeCPU(e.pid(), e.dbName))
				return
			case <-time.After(time.Until(start.Add(time.Duration(sec+1) * time.Second))):
			}
			cur := takeCPU(e.pid(), e.dbName)
			cpuSeries[sec] = cpuBetween(prev, cur)
			prev = cur
		}
	}()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		ai, k := i%len(ps.alarms), i/len(ps.alarms)
		a := ps.alarms[ai]
		if k >= len(a.msgs) {
			break
		}
		sched := start.Add(time.Duration(i) * interval)
		if d := time.Until(sched); d > 0 {
			time.Sleep(d)
		} else if -d > maxLag {
			maxLag = -d
		}
		done := make(chan struct{})
		p := prev[ai]
		prev[ai] = done
		sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			if p != nil {
				<-p
			}
			if a.unsure {
				c.failed.Add(1)
				return
			}
			m := a.msgs[k]
			t0 := time.Now()
			var answered func(time.Time)
			if beforeSend != nil {
				answered = beforeSend(a, m, t0)
			}
			ok := s.deliver(ctx, m, c)
			end := time.Now()
			if answered != nil {
				answered(end)
			}
			if ok {
				a.sent++
			} else {
				a.unsure = true
			}
			mu.Lock()
			fromSched = append(fromSched, end.Sub(sched))
			service = append(service, end.Sub(t0))
			if sec := int(sched.Sub(start) / time.Second); sec < len(perSecond) {
				perSecond[sec] = append(perSecond[sec], end.Sub(sched))
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopCPU)
	<-cpuDone
	st := summarize(service)
	r := &phaseResult{Mode: "open loop", TargetRate: rate, Messages: sent, Latency: summarize(fromSched), ServiceTime: &st,
		SchedulerLagMax: ms(maxLag)}
	for i, l := range perSecond {
		if len(l) > 0 {
			s := summarize(l)
			c := cpuSeries[i]
			r.PerSecondLatency = append(r.PerSecondLatency, secondLatency{Count: s.Count, P50: s.P50, P99: s.P99, Max: s.Max,
				Server: c.Server, Postgres: c.Postgres, Other: c.Other, Idle: c.Idle})
		}
	}
	r.fill(c, elapsed)
	return r, c
}

func runLatency(ctx context.Context, e *env, ps *planSet, rate int, dur time.Duration) *phaseResult {
	r, _ := openLoop(ctx, e, ps, rate, dur, nil)
	r.Name = "latency"
	return r
}

const incidentChangedQuery = `subscription($a: ID!) { incidentChanged(accountId: $a) {
  kind incident { id title status severity openedAt resolvedAt component { id name status } } } }`

// e2eWatch matches subscription messages to the POSTs that caused them, by incident title (the
// alarm name) and kind, first in first out.
type e2eWatch struct {
	mu        sync.Mutex
	pending   map[string][]*e2eReq
	done      []*e2eReq
	unmatched int
}

// e2eReq is one POST expected to cause a subscription message: when it started, when it was
// answered, and when its message arrived.
type e2eReq struct {
	start, answered, event time.Time
}

func e2eKey(title, kind string) string { return kind + " " + title }

func (w *e2eWatch) expect(title, kind string, at time.Time) *e2eReq {
	r := &e2eReq{start: at}
	w.mu.Lock()
	w.pending[e2eKey(title, kind)] = append(w.pending[e2eKey(title, kind)], r)
	w.mu.Unlock()
	return r
}

func (w *e2eWatch) setAnswered(r *e2eReq, at time.Time) {
	w.mu.Lock()
	r.answered = at
	w.mu.Unlock()
}

// latencies returns POST start → message, and POST answer → message (negative when the
// message arrived before the answer).
func (w *e2eWatch) latencies() (total, afterAnswer []time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.done {
		total = append(total, r.event.Sub(r.start))
		if !r.answered.IsZero() {
			afterAnswer = append(afterAnswer, r.event.Sub(r.answered))
		}
	}
	return total, afterAnswer
}

func (w *e2eWatch) outstanding() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, q := range w.pending {
		n += len(q)
	}
	return n
}

func (w *e2eWatch) read(sub *servertest.Subscription) {
	for raw := range sub.Events {
		now := time.Now()
		var d struct {
			IncidentChanged struct {
				Kind     string
				Incident struct{ Title string }
			}
		}
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		key := e2eKey(d.IncidentChanged.Incident.Title, d.IncidentChanged.Kind)
		w.mu.Lock()
		if q := w.pending[key]; len(q) > 0 {
			q[0].event = now
			w.done = append(w.done, q[0])
			if len(q) == 1 {
				delete(w.pending, key)
			} else {
				w.pending[key] = q[1:]
			}
		} else {
			w.unmatched++
		}
		w.mu.Unlock()
	}
}

// waitDrained waits until every expected message arrived or timeout passed.
func (w *e2eWatch) waitDrained(ctx context.Context, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for w.outstanding() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
}

func eventKind(m *message) string {
	switch m.state {
	case stateAlarm:
		return "OPENED"
	case stateOK:
		return "RESOLVED"
	}
	return ""
}

// runE2E opens one incidentChanged subscription and posts plain flips at rate: every accepted
// message opens or resolves an incident, and the time from the POST's start to the matching
// subscription message is measured. probe is sent first, one message at a time, and proves the
// subscription is live before the clock starts.
func runE2E(ctx context.Context, e *env, ps, probe *planSet, rate int, dur time.Duration) (*phaseResult, error) {
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	sub, err := servertest.Subscribe(sctx, e.base, e.api.Token, incidentChangedQuery, map[string]any{"a": e.accountID})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	defer sub.Close()
	w := &e2eWatch{pending: map[string][]*e2eReq{}}
	readDone := make(chan struct{})
	go func() { w.read(sub); close(readDone) }()

	// The server registers the subscription asynchronously after connection_ack, so an event
	// can be missed right at the start: probe with one alarm after another (each opened and
	// resolved) until a round trip arrives; the probes' latencies are not counted.
	s := newSender(e.hookURL, 1)
	defer s.close()
	c := &counters{}
	live := false
	for _, a := range probe.alarms {
		if live {
			break
		}
		live = true
		for _, m := range a.msgs {
			w.expect(a.name, eventKind(m), time.Now())
			if !s.deliver(ctx, m, c) {
				return nil, fmt.Errorf("probe message not accepted: %v", c.statusMap())
			}
			a.sent++
			w.waitDrained(ctx, 5*time.Second)
			if w.outstanding() > 0 {
				live = false
				break
			}
		}
	}
	if !live {
		return nil, fmt.Errorf("no subscription message for %d probe alarms (subscription error: %v)", len(probe.alarms), sub.Err())
	}
	w.mu.Lock()
	w.pending, w.done, w.unmatched = map[string][]*e2eReq{}, nil, 0
	w.mu.Unlock()

	r, _ := openLoop(ctx, e, ps, rate, dur, func(a *alarmPlan, m *message, t0 time.Time) func(time.Time) {
		k := eventKind(m)
		if k == "" {
			return nil
		}
		req := w.expect(a.name, k, t0)
		return func(end time.Time) { w.setAnswered(req, end) }
	})
	r.Name = "e2e"
	w.waitDrained(ctx, 10*time.Second)
	sub.Close()
	<-readDone
	total, afterAnswer := w.latencies()
	lat, after := summarize(total), summarize(afterAnswer)
	r.E2E, r.E2EAfterAnswer = &lat, &after
	w.mu.Lock()
	r.E2EUnmatched = w.unmatched
	w.mu.Unlock()
	r.E2EMissing = w.outstanding()
	return r, nil
}

type secondLatency struct {
	Count int     `json:"n"`
	P50   float64 `json:"p50_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
	// CPU in cores during that second.
	Server   float64 `json:"cpu_server"`
	Postgres float64 `json:"cpu_postgres"`
	Other    float64 `json:"cpu_other"`
	Idle     float64 `json:"cpu_idle"`
}

// latSummary is a latency distribution in milliseconds.
type latSummary struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p99_9_ms"`
	Max   float64 `json:"max_ms"`
}

func summarize(d []time.Duration) latSummary {
	if len(d) == 0 {
		return latSummary{}
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	// Nearest rank: the smallest value with at least p of the samples at or below it.
	rank := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		return ms(s[max(0, min(i, len(s)-1))])
	}
	return latSummary{Count: len(s), Mean: ms(sum / time.Duration(len(s))), P50: rank(0.50), P90: rank(0.90), P95: rank(0.95),
		P99: rank(0.99), P999: rank(0.999), Max: ms(s[len(s)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// whResults is everything one webhooks run (one worker concurrency) reports.
type whResults struct {
	Started     time.Time         `json:"started"`
	Machine     machineInfo       `json:"machine"`
	Concurrency int               `json:"worker_concurrency"`
	Fanout      int               `json:"fanout"`
	Event       string            `json:"event"`
	Auth        string            `json:"auth"`
	Settings    map[string]string `json:"settings"`
	Phases      []*whPhase        `json:"phases"`
	RSS         rssSummary        `json:"rss_whole_run"`
	RSSIdle     float64           `json:"rss_idle_after_load_mib"`
	Receivers   []receiverStats   `json:"receivers"`
	Verify      whVerify          `json:"verify"`
	Verified    bool              `json:"verified"`
	ServerLog   map[string]int    `json:"server_log_lines"`
	ServerLogBy map[string]int    `json:"server_log_messages,omitempty"`
	// ServerInfoCounts adds up the count of info lines by message (with an info log level).
	ServerInfoCounts map[string]int `json:"server_info_counts,omitempty"`
	Targets          []target       `json:"targets"`
	Failures         []string       `json:"failures"`
	Misses           []string       `json:"targets_missed"`
	Aborted          string         `json:"aborted,omitempty"`
}

// whPhase is what one phase measured.
type whPhase struct {
	Name       string `json:"name"`
	Mode       string `json:"mode"`
	TargetRate int    `json:"target_rate,omitempty"` // events per second offered (open loop)
	Conns      int    `json:"connections"`
	Fanout     int    `json:"fanout"`
	// The offer of events (fireEvent mutations).
	Seconds           float64        `json:"offer_seconds"`
	Offered           int            `json:"offered"`
	Sent              int            `json:"sent"`
	NotSent           int            `json:"not_sent"` // open loop: due while every connection was busy until the end
	Accepted          int            `json:"accepted"`
	Failed            int            `json:"failed"`
	Refused           int            `json:"refused_rate_limited"`
	OutboxLimit       int            `json:"server_outbox_limit"`
	Unsure            int            `json:"unsure"`
	FireStatus        map[string]int `json:"fire_status"`
	FirstError        string         `json:"first_error,omitempty"`
	AcceptedPerSec    float64        `json:"accepted_per_second"`
	AcceptedPerSecond []int          `json:"accepted_by_second"`
	FireLatency       *latSummary    `json:"fire_latency,omitempty"` // open loop: scheduled → answer
	FireService       *latSummary    `json:"fire_service_time"`      // sent → answer
	SchedulerLagMax   float64        `json:"scheduler_lag_max_ms,omitempty"`
	// The deliveries of the phase's events.
	Deliveries           int        `json:"deliveries"` // accepted × fan-out
	Received             int        `json:"received"`
	ReceivedTotal        int        `json:"received_during_phase"` // any delivery, first receipts
	FirstAttempt         latSummary `json:"first_attempt_from_answer"`
	FirstAttemptFromSend latSummary `json:"first_attempt_from_send"`
	BeforeAnswer         int        `json:"received_before_answer"`
	ReceivedInWindow     int        `json:"received_in_offer_window"`
	ReceivedPerSecWindow float64    `json:"received_per_second_in_offer_window"`
	EndToEndSeconds      float64    `json:"end_to_end_seconds"`
	EndToEndPerSec       float64    `json:"end_to_end_per_second"`
	DrainPerSec          float64    `json:"drain_per_second,omitempty"`
	ReceivedPerSecond    []int      `json:"received_by_second"`
	DrainSeconds         float64    `json:"drain_seconds"`
	Drained              bool       `json:"drained"`
	BacklogAfterDrain    int        `json:"backlog_after_drain,omitempty"`
	// Stale is the queue left once every row had finished (tasks of finished deliveries).
	Stale *staleInfo `json:"stale_tasks,omitempty"`
	// The backlog, sampled every 500 ms from the offer's start to the end of the drain.
	Backlog      []backlogSample `json:"backlog"`
	BacklogMax   int             `json:"backlog_max_rows"`
	BacklogAtEnd int             `json:"backlog_rows_at_offer_end"`
	BacklogSlope float64         `json:"backlog_slope_second_half"`
	QueueMax     int             `json:"queue_depth_max"`
	Bounded      bool            `json:"bounded"`
	// DBPerEvent is pg_stat_database's counters over the phase per accepted event (the event,
	// its fan-out deliveries and everything around them; this tool's own queries subtracted).
	DBPerEvent *dbPerEvent `json:"db_per_event,omitempty"`
	CPU        cpuSplit    `json:"cpu_cores_offer"`
	// CPU time of server + PostgreSQL + Redis per accepted event while offering, and per
	// delivery while draining with the API idle.
	CPUMsPerEvent         float64    `json:"cpu_ms_per_event_offer"`
	CPUMsPerDeliveryDrain float64    `json:"cpu_ms_per_delivery_drain,omitempty"`
	CPUDrain              cpuSplit   `json:"cpu_cores_drain"`
	RSS                   rssSummary `json:"rss"`
}

// dbPerEvent is database work per accepted event.
type dbPerEvent struct {
	Commits  float64 `json:"transactions"` // explicit transactions and single statements outside one
	Rollback float64 `json:"rollbacks"`
	Inserted float64 `json:"rows_inserted"`
	Updated  float64 `json:"rows_updated"`
	Fetched  float64 `json:"rows_fetched"`
}

// whVerify is the final check of every delivery.
type whVerify struct {
	EventsAccepted        int            `json:"events_accepted"`
	Unsure                int            `json:"requests_unsure"`
	EventRows             int            `json:"event_rows"`
	Rows                  int            `json:"delivery_rows"`
	ByStatus              map[string]int `json:"rows_by_status"`
	Received              int            `json:"rows_received"`
	Lost                  int            `json:"rows_never_received"`
	LostExamples          []string       `json:"lost_examples,omitempty"`
	Unexpected            int            `json:"received_without_row"`
	Duplicates            int            `json:"received_more_than_once"`
	DuplicatesBeyondRetry int            `json:"received_more_than_attempted"`
	Retried               int            `json:"rows_with_more_than_one_attempt"`
	WrongFanout           int            `json:"events_without_fanout_rows"`
	RowsOfUnknownEvents   int            `json:"rows_of_unanswered_events"`
	WrongReceiver         int            `json:"rows_received_by_another_endpoint"`
	CrossReceiver         int            `json:"ids_seen_by_two_receivers"`
	APIUnfinished         int            `json:"api_unfinished_deliveries"`
	APIEventsChecked      int            `json:"api_events_checked"`
	APIEventsWrong        int            `json:"api_events_wrong_counts"`
	AttemptMetric         map[string]int `json:"attempt_metric"`
	Seconds               float64        `json:"seconds"`
}

// evaluate turns the measurements into failures and targets met or missed.
func (r *whResults) evaluate() {
	fail := func(format string, args ...any) { r.Failures = append(r.Failures, fmt.Sprintf(format, args...)) }
	byName := map[string]*whPhase{}
	for _, p := range r.Phases {
		byName[p.Name] = p
		if p.Failed > 0 {
			fail("%s phase: %d fireEvent requests failed (%v), e.g. %s", p.Name, p.Failed, p.FireStatus, p.FirstError)
		}
		if !p.Drained {
			fail("%s phase: not drained within the timeout", p.Name)
		}
	}
	v := r.Verify
	if r.Verified {
		if n := v.Rows - v.ByStatus["succeeded"]; n > 0 {
			fail("%d delivery rows are not succeeded after the drain (%v)", n, v.ByStatus)
		}
		if v.Lost > 0 {
			fail("%d deliveries never reached their receiver, e.g. %s", v.Lost, strings.Join(v.LostExamples, ", "))
		}
		if v.DuplicatesBeyondRetry > 0 {
			fail("%d deliveries were received more often than they were attempted", v.DuplicatesBeyondRetry)
		}
		if v.Unexpected > 0 {
			fail("%d delivery ids were received that have no delivery row", v.Unexpected)
		}
		if v.WrongFanout > 0 {
			fail("%d accepted events do not have exactly %d deliveries", v.WrongFanout, r.Fanout)
		}
		if v.WrongReceiver > 0 || v.CrossReceiver > 0 {
			fail("%d deliveries reached another endpoint's receiver (%d ids at two receivers)", v.WrongReceiver, v.CrossReceiver)
		}
		if v.EventRows < v.EventsAccepted || v.EventRows > v.EventsAccepted+v.Unsure {
			fail("events: %d accepted (+%d unanswered requests), %d rows", v.EventsAccepted, v.Unsure, v.EventRows)
		}
		if v.APIUnfinished > 0 || v.APIEventsWrong > 0 {
			fail("API check: %d deliveries not succeeded, %d of %d newest events with wrong delivery counts", v.APIUnfinished, v.APIEventsWrong, v.APIEventsChecked)
		}
		if got := v.AttemptMetric["succeeded"]; v.AttemptMetric != nil && got < v.Rows {
			fail("metric switchboard_delivery_attempts_total{outcome=\"succeeded\"} is %d for %d deliveries", got, v.Rows)
		}
	}
	for _, s := range r.Receivers {
		if s.BadSignatures > 0 {
			fail("receiver %s: %d bad signatures of %d checked", s.URL, s.BadSignatures, s.Verified)
		}
		if s.WrongEndpoint > 0 || s.NoID > 0 {
			fail("receiver %s: %d payloads for another endpoint, %d requests without X-Scalr-Webhook-Id", s.URL, s.WrongEndpoint, s.NoID)
		}
	}

	add := func(t target) {
		r.Targets = append(r.Targets, t)
		if !t.Met {
			r.Misses = append(r.Misses, t.Name+": "+t.Measured+" (goal "+t.Goal+")")
		}
	}
	if p := byName["latency"]; p != nil {
		kept := p.AcceptedPerSec >= 0.95*float64(p.TargetRate)
		add(target{Name: fmt.Sprintf("event → first attempt p95 / p99 at %d events/s", p.TargetRate), Goal: fmt.Sprintf("< %.0f / %.0f ms at %d events/s", whTargetP95, whTargetP99, whTargetLatencyAt),
			Value: p.FirstAttempt.P95, Measured: fmt.Sprintf("%.1f / %.1f ms (p50 %.1f, achieved %.0f events/s)", p.FirstAttempt.P95, p.FirstAttempt.P99, p.FirstAttempt.P50, p.AcceptedPerSec),
			Met: p.FirstAttempt.P95 < whTargetP95 && p.FirstAttempt.P99 < whTargetP99 && kept && p.TargetRate >= whTargetLatencyAt && p.Received == p.Deliveries})
		if p.Fanout > 0 && p.CPUMsPerEvent > 0 {
			v := p.CPUMsPerEvent / float64(p.Fanout)
			add(target{Name: fmt.Sprintf("CPU per delivery (server + PostgreSQL + Redis) at %d events/s", p.TargetRate), Goal: fmt.Sprintf("≤ %.1f ms", whTargetCPUAt200),
				Value: v, Measured: fmt.Sprintf("%.2f ms (%.2f ms per event with its %d deliveries)", v, p.CPUMsPerEvent, p.Fanout), Met: v <= whTargetCPUAt200 && kept})
		}
	}
	if p := byName["throughput"]; p != nil {
		measured := fmt.Sprintf("%.0f/s received while offering (%.0f events/s accepted × %d)", p.ReceivedPerSecWindow, p.AcceptedPerSec, p.Fanout)
		if p.DrainPerSec > 0 {
			measured += fmt.Sprintf("; drain %.0f/s", p.DrainPerSec)
		}
		add(target{Name: fmt.Sprintf("deliveries/s while firing and draining, fan-out %d", p.Fanout), Goal: fmt.Sprintf("≥ %.0f/s firing, ≥ %.0f/s draining, fan-out %d", whTargetRate, whTargetDrain, whTargetFanout),
			Value: p.ReceivedPerSecWindow, Measured: measured, Met: p.ReceivedPerSecWindow >= whTargetRate && p.DrainPerSec >= whTargetDrain && p.Fanout >= whTargetFanout})
		if p.Fanout > 0 && p.CPUMsPerEvent > 0 {
			v := p.CPUMsPerEvent / float64(p.Fanout)
			add(target{Name: "CPU per delivery (server + PostgreSQL + Redis), saturated", Goal: fmt.Sprintf("≤ %.1f ms", whTargetCPUSat),
				Value: v, Measured: fmt.Sprintf("%.2f ms while firing in a closed loop; %.2f ms per delivery draining", v, p.CPUMsPerDeliveryDrain), Met: v <= whTargetCPUSat})
		}
	}
	if p := byName["backlog"]; p != nil {
		under := p.OutboxLimit <= 0 || p.BacklogMax <= p.OutboxLimit
		add(target{Name: fmt.Sprintf("back-pressure at %d events/s offered", p.TargetRate),
			Goal:  fmt.Sprintf("≥ %.0f accepted/s at %d/s, the rest refused (RATE_LIMITED), backlog ≤ the limit", whTargetAccepted, whTargetBacklogAt),
			Value: p.AcceptedPerSec, Met: p.AcceptedPerSec >= whTargetAccepted && under && p.NotSent == 0 && p.Failed == 0 && p.TargetRate >= whTargetBacklogAt,
			Measured: fmt.Sprintf("accepted %.0f/s, refused %d, not sent %d; backlog peak %d rows (limit %d), drained in %.1f s", p.AcceptedPerSec, p.Refused, p.NotSent, p.BacklogMax, p.OutboxLimit, p.DrainSeconds)})
	}
	if r.Verified {
		add(target{Name: "no lost or duplicated-beyond-retry deliveries", Goal: "0", Value: float64(v.Lost + v.DuplicatesBeyondRetry),
			Measured: fmt.Sprintf("%d rows, %d lost, %d beyond retry, %d received twice", v.Rows, v.Lost, v.DuplicatesBeyondRetry, v.Duplicates),
			Met:      v.Lost == 0 && v.DuplicatesBeyondRetry == 0 && len(r.Failures) == 0})
	}
}

func (r *whResults) print(out io.Writer) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "\nSwitchboard outbound webhook delivery benchmark — worker concurrency %d — %s\n", r.Concurrency, r.Started.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(w, "machine: %d cores (%s), load average at start %s; server, PostgreSQL, Redis, receivers and this tool share it\n",
		r.Machine.Cores, r.Machine.CPU, r.Machine.LoadAvg)
	fmt.Fprintf(w, "one webhook on %s → %d endpoints (local receivers answering 200 at once); fireEvent with %s auth; PostgreSQL synchronous_commit=%s\n\n",
		r.Event, r.Fanout, r.Auth, r.Settings["synchronous_commit"])

	fmt.Fprintln(w, "phase\tmode\toffered\taccepted\tevents/s\tfireEvent p50/p99 ms\tdeliveries\treceived/s (offer)\tend-to-end/s\tdrain/s\tdrain s")
	for _, p := range r.Phases {
		mode := fmt.Sprintf("%s, %d conns", p.Mode, p.Conns)
		if p.TargetRate > 0 {
			mode += fmt.Sprintf(", %d/s", p.TargetRate)
		}
		fl := p.FireService
		if p.FireLatency != nil {
			fl = p.FireLatency
		}
		drain := "-"
		if p.DrainPerSec > 0 {
			drain = fmt.Sprintf("%.0f", p.DrainPerSec)
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%.0f\t%.1f / %.1f\t%d\t%.0f\t%.0f\t%s\t%.1f\n", p.Name, mode, p.Offered, p.Accepted, p.AcceptedPerSec,
			fl.P50, fl.P99, p.Deliveries, p.ReceivedPerSecWindow, p.EndToEndPerSec, drain, p.DrainSeconds)
	}
	w.Flush()

	fmt.Fprintln(out, "\nEvent → first attempt received, per delivery (ms; from the fireEvent answer, and from its send):")
	fmt.Fprintln(w, "phase\tfrom\tn\tp50\tp90\tp95\tp99\tmax\tbefore the answer")
	for _, p := range r.Phases {
		if p.Fanout == 0 {
			continue
		}
		a, s := p.FirstAttempt, p.FirstAttemptFromSend
		fmt.Fprintf(w, "%s\tanswer\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\n", p.Name, a.Count, a.P50, a.P90, a.P95, a.P99, a.Max, p.BeforeAnswer)
		fmt.Fprintf(w, "\tsend\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Count, s.P50, s.P90, s.P95, s.P99, s.Max)
	}
	w.Flush()

	fmt.Fprintln(out, "\nBacklog (delivery rows pending or retrying; queue = switchboard_queue_depth of the default queue), sampled every 500 ms:")
	fmt.Fprintln(w, "phase\tpeak rows\tat offer end\ttrend 2nd half\tpeak queue\tbounded\tnot sent (API behind)")
	for _, p := range r.Phases {
		if p.Fanout == 0 {
			continue
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%+.0f/s\t%d\t%v\t%d\n", p.Name, p.BacklogMax, p.BacklogAtEnd, p.BacklogSlope, p.QueueMax, p.Bounded, p.NotSent)
	}
	w.Flush()
	for _, p := range r.Phases {
		if st := p.Stale; st != nil {
			fmt.Fprintf(out, "%s: when every row had finished, %d tasks were still queued (of %d pending ids looked up, %d belong to finished deliveries); the queue emptied %.1f s later\n",
				p.Name, st.Queue, st.Sampled, st.SampledDone, st.ClearSeconds)
		}
	}
	for _, p := range r.Phases {
		if p.Name == "backlog" || len(r.Phases) == 1 {
			fmt.Fprintf(out, "%s backlog series (s: rows/queue): %s\n", p.Name, backlogSeries(p.Backlog, 2))
		}
	}

	fmt.Fprintln(out, "\nCPU in cores (of", r.Machine.Cores, "), while offering | while draining:")
	fmt.Fprintln(w, "phase\tserver\tpostgres\tredis\tbench+receivers\tother\tidle\t|\tserver\tpostgres\tredis\tbench\tother\tidle\tRSS median / peak MiB")
	for _, p := range r.Phases {
		c, d := p.CPU, p.CPUDrain
		drain := "(no drain)\t\t\t\t\t"
		if p.DrainSeconds >= 0.5 {
			drain = fmt.Sprintf("%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f", d.Server, d.Postgres, d.Redis, d.Bench, d.Other, d.Idle)
		}
		fmt.Fprintf(w, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t|\t%s\t%.1f / %.1f\n", p.Name,
			c.Server, c.Postgres, c.Redis, c.Bench, c.Other, c.Idle, drain, p.RSS.MedMiB, p.RSS.PeakMiB)
	}
	w.Flush()
	for _, p := range r.Phases {
		if d := p.DBPerEvent; d != nil {
			fmt.Fprintf(out, "%s: PostgreSQL per event (with its %d deliveries): %.1f transactions, %.1f rows inserted, %.1f updated, %.1f fetched, %.2f rollbacks\n",
				p.Name, p.Fanout, d.Commits, d.Inserted, d.Updated, d.Fetched, d.Rollback)
		}
		fmt.Fprintf(out, "%s: CPU (server+PostgreSQL+Redis) %.2f ms per event while offering", p.Name, p.CPUMsPerEvent)
		if p.CPUMsPerDeliveryDrain > 0 {
			fmt.Fprintf(out, ", %.2f ms per delivery while draining", p.CPUMsPerDeliveryDrain)
		}
		fmt.Fprintln(out)
	}
	if r.RSS.Samples > 0 {
		fmt.Fprintf(out, "server RSS over the whole run: peak %.1f MiB, median %.1f MiB; idle after load %.1f MiB\n", r.RSS.PeakMiB, r.RSS.MedMiB, r.RSSIdle)
	}
	for _, s := range r.Receivers {
		fmt.Fprintf(out, "receiver %s: %d requests, %d deliveries, %d TCP connections, %d signatures verified (%.1f µs each), %d bad\n",
			s.URL, s.Requests, s.Distinct, s.Connections, s.Verified, s.VerifyMicros, s.BadSignatures)
	}

	if !r.Verified {
		fmt.Fprintf(out, "\nResult: ABORTED before verification: %s\n", r.Aborted)
		return
	}
	v := r.Verify
	fmt.Fprintf(out, "\nCorrectness (every delivery row against the receivers, in %.1f s):\n", v.Seconds)
	fmt.Fprintf(out, "  events: %d accepted, %d rows (%d requests unanswered); deliveries: %d rows %v; %d received, %d lost, %d without a row\n",
		v.EventsAccepted, v.EventRows, v.Unsure, v.Rows, v.ByStatus, v.Received, v.Lost, v.Unexpected)
	fmt.Fprintf(out, "  received more than once: %d (beyond their attempts: %d); rows with more than one attempt: %d; events without their %d (fireonly: 0) rows: %d\n",
		v.Duplicates, v.DuplicatesBeyondRetry, v.Retried, r.Fanout, v.WrongFanout)
	fmt.Fprintf(out, "  API: %d deliveries pending/retrying/failed; newest %d events' deliveryCounts wrong: %d; attempts metric %v\n",
		v.APIUnfinished, v.APIEventsChecked, v.APIEventsWrong, v.AttemptMetric)
	if len(r.ServerLog) > 0 {
		fmt.Fprintf(out, "server log: %d warnings, %d errors\n", r.ServerLog["warn"], r.ServerLog["error"])
		for i, k := range sortedKeys(r.ServerLogBy) {
			if i == 10 {
				break
			}
			fmt.Fprintf(out, "  %d× %s\n", r.ServerLogBy[k], k)
		}
	}
	for _, k := range sortedKeys(r.ServerInfoCounts) {
		fmt.Fprintf(out, "server log (info): %q: count %d in all\n", k, r.ServerInfoCounts[k])
	}

	printTargets(out, w, r.Targets)
	if len(r.Failures) == 0 {
		fmt.Fprintln(out, "\nResult: correct (every delivery succeeded and was received, none beyond its attempts, signatures good)")
	} else {
		fmt.Fprintln(out, "\nResult: FAILED")
		for _, f := range r.Failures {
			fmt.Fprintln(out, "  -", f)
		}
	}
}

// backlogSeries prints every step-th sample while something is pending, compactly.
func backlogSeries(s []backlogSample, step int) string {
	var parts []string
	for i, b := range s {
		if i%step != 0 && i != len(s)-1 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%.0f: %d/%d", b.At, b.Rows, b.Queue))
	}
	return strings.Join(parts, ", ")
}

// printCurve compares the runs of a concurrency sweep.
func printCurve(out io.Writer, runs []*whResults) {
	if len(runs) < 2 {
		return
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(out, "\nWorker concurrency sweep:")
	fmt.Fprintln(w, "concurrency\tfireonly events/s\tlatency p50/p95/p99 ms\tthroughput: events/s, received/s, drain/s\tbacklog: accepted/s, peak rows, trend, drain s\tpeak RSS MiB\tcorrect")
	for _, r := range runs {
		var fo, lat, tp, bl string
		for _, p := range r.Phases {
			switch p.Name {
			case "fireonly":
				fo = fmt.Sprintf("%.0f", p.AcceptedPerSec)
			case "latency":
				lat = fmt.Sprintf("%.1f / %.1f / %.1f", p.FirstAttempt.P50, p.FirstAttempt.P95, p.FirstAttempt.P99)
			case "throughput":
				tp = fmt.Sprintf("%.0f, %.0f, %.0f", p.AcceptedPerSec, p.ReceivedPerSecWindow, p.DrainPerSec)
			case "backlog":
				bl = fmt.Sprintf("%.0f, %d, %+.0f/s, %.1f", p.AcceptedPerSec, p.BacklogMax, p.BacklogSlope, p.DrainSeconds)
			}
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%.1f\t%v\n", r.Concurrency, fo, lat, tp, bl, r.RSS.PeakMiB, r.Verified && len(r.Failures) == 0)
	}
	w.Flush()
}

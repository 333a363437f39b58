package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

func (r *results) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func (r *results) print(out io.Writer) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "\nSwitchboard SNS ingestion benchmark — %s\n", r.Started.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(w, "machine: %d cores (%s), load average at start %s; server, PostgreSQL, Redis and this tool share it\n",
		r.Machine.Cores, r.Machine.CPU, r.Machine.LoadAvg)
	fmt.Fprintf(w, "pre-signed %d notifications in %.1f s (not timed)\n\n", r.Presigned, r.SignSecs)

	var notes []string
	fmt.Fprintln(w, "phase\tmode\tmessages\tsecs\taccepted/s\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\tstatus")
	for _, p := range r.Phases {
		mode := p.Mode
		if p.Connections > 0 {
			mode += fmt.Sprintf(", %d conns", p.Connections)
		}
		if p.TargetRate > 0 {
			mode += fmt.Sprintf(", %d/s", p.TargetRate)
		}
		l := p.Latency
		fmt.Fprintf(w, "%s\t%s\t%d\t%.1f\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\n", p.Name, mode, p.Messages, p.Seconds, p.PerSecond,
			l.P50, l.P90, l.P99, l.P999, l.Max, statusString(p.Status))
		if p.ServiceTime != nil {
			s := p.ServiceTime
			if worst := worstSeconds(p.PerSecondLatency, 3); worst != "" {
				notes = append(notes, fmt.Sprintf("%s: slowest seconds of the schedule (second: p99 / max ms): %s", p.Name, worst))
			}
			fmt.Fprintf(w, "  (service time)\tfrom actual send\t\t\t\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\tscheduler lag max %.1f ms\n",
				s.P50, s.P90, s.P99, s.P999, s.Max, p.SchedulerLagMax)
		}
		if p.E2E != nil {
			s := p.E2E
			fmt.Fprintf(w, "  (POST → subscription)\t%d events\t\t\t\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\tmissing %d, unmatched %d\n",
				s.Count, s.P50, s.P90, s.P99, s.P999, s.Max, p.E2EMissing, p.E2EUnmatched)
		}
		if s := p.E2EAfterAnswer; s != nil && s.Count > 0 {
			fmt.Fprintf(w, "  (POST answer → subscription)\t\t\t\t\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\tthe live path after the answer\n",
				s.P50, s.P90, s.P99, s.P999, s.Max)
		}
	}
	w.Flush()
	for _, n := range notes {
		fmt.Fprintln(out, n)
	}

	fmt.Fprintln(out, "\nCPU during each phase, in cores (of", r.Machine.Cores, "):")
	fmt.Fprintln(w, "phase\tserver\tpostgres\tredis\tbench tool\tother\tidle\tserver RSS median / peak MiB")
	for _, p := range r.Phases {
		c := p.CPU
		fmt.Fprintf(w, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f / %.1f\n", p.Name, c.Server, c.Postgres, c.Redis, c.Bench, c.Other, c.Idle,
			p.RSS.MedMiB, p.RSS.PeakMiB)
	}
	w.Flush()
	if r.RSS.Samples > 0 {
		fmt.Fprintf(out, "server RSS over the whole run: peak %.1f MiB, median %.1f MiB; idle after load %.1f MiB\n", r.RSS.PeakMiB, r.RSS.MedMiB, r.RSSIdle)
	}

	if !r.Verified {
		fmt.Fprintf(out, "\nResult: ABORTED before verification: %s\n", r.Aborted)
		return
	}
	x, f := r.Expected, r.Found
	fmt.Fprintf(out, "\nCorrectness (verified in %.1f s through the API):\n", f.VerifySecs)
	fmt.Fprintln(w, "\texpected\tfound")
	fmt.Fprintf(w, "incidents\t%d\t%d\n", x.Opened, f.Incidents)
	fmt.Fprintf(w, "open at the end\t%d\t%d\n", x.Open, f.Open)
	for _, k := range []struct {
		name string
		want int
	}{{"opened", x.Opened}, {"resolved", x.Resolved}, {"no_change", x.NoChange}, {"out_of_order", x.OutOfOrder}, {"ignored", x.Ignored}} {
		fmt.Fprintf(w, "receipts %s\t%d\t%d\n", k.name, k.want, f.Stats[k.name])
	}
	fmt.Fprintf(w, "duplicates (metric)\t%d\t%d\n", x.Duplicate, f.Metrics["duplicate"])
	w.Flush()
	if len(r.ServerLog) > 0 {
		fmt.Fprintf(out, "server log: %d warnings, %d errors\n", r.ServerLog["warn"], r.ServerLog["error"])
	}

	printTargets(out, w, r.Targets)
	if len(r.Failures) == 0 {
		fmt.Fprintln(out, "\nResult: correct (exact incident counts, no 5xx)")
	} else {
		fmt.Fprintln(out, "\nResult: FAILED")
		for _, f := range r.Failures {
			fmt.Fprintln(out, "  -", f)
		}
	}
}

// printTargets lists the targets, met or missed, in the tool's style.
func printTargets(out io.Writer, w *tabwriter.Writer, targets []target) {
	fmt.Fprintln(out, "\nTargets:")
	for _, t := range targets {
		mark := "MET   "
		if !t.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(w, "%s\t%s\tgoal %s\tmeasured %s\n", mark, t.Name, t.Goal, t.Measured)
	}
	w.Flush()
}

// resultCode is a scenario's exit code: 1 on a failure (or an earlier code of 1), and with
// -strict on a missed target.
func resultCode(what string, code int, failures, misses []string, strict bool) int {
	if len(failures) > 0 {
		logf("%s: FAILED: %s", what, strings.Join(failures, "; "))
		return 1
	}
	if strict && len(misses) > 0 {
		logf("%s: targets missed (-strict): %s", what, strings.Join(misses, "; "))
		return 1
	}
	return code
}

// loadAvg is the machine's load average (1, 5, 15 minutes).
func loadAvg() string {
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		return strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return ""
}

func statusString(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// worstSeconds lists the n seconds with the highest max latency, in schedule order.
func worstSeconds(secs []secondLatency, n int) string {
	if len(secs) < 2 {
		return ""
	}
	idx := make([]int, len(secs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return secs[idx[a]].Max > secs[idx[b]].Max })
	idx = idx[:min(n, len(idx))]
	sort.Ints(idx)
	parts := make([]string, 0, len(idx))
	for _, i := range idx {
		parts = append(parts, fmt.Sprintf("%d: %.0f / %.0f (other work %.2f cores, idle %.2f)", i, secs[i].P99, secs[i].Max, secs[i].Other, secs[i].Idle))
	}
	return strings.Join(parts, ", ")
}

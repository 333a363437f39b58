// Command bench is Switchboard's load tool (`make bench`, `go run ./bench`). It starts the real
// binary as a separate process on a fresh PostgreSQL database and a Redis database, sets up an
// account, a component and an AWS integration through the API, pre-signs SNS notifications with
// a fake SNS's test certificate (which the server trusts through SWITCHBOARD_SNS_CERT_DIR), and
// then measures:
//
//   - throughput: as many notifications as a fixed number of keep-alive connections can push;
//   - latency at a fixed rate: open loop, measured from each request's scheduled time, so a
//     stalled server is charged for the requests it delayed (no coordinated omission);
//   - end to end: SNS POST → GraphQL subscription (incidentChanged) message;
//   - the server's RSS, sampled every 250 ms, and where the CPU went (server, PostgreSQL,
//     Redis, this tool), from /proc.
//
// Afterwards it checks that the incidents in the database are exactly what the messages it got
// 200 for must have produced, and that no 5xx was answered; either failing exits non-zero.
//
// The webhooks scenario (-scenario webhooks, or all, the default) measures outbound delivery:
// a server with loopback receivers allowed and a given worker concurrency, three local
// receivers (one endpoint each, one webhook fanning out to all), and fireEvent mutations
// offered at 200 events/s (event → first attempt latency), as fast as the API takes them
// (sustained deliveries/s) and at 1,000 events/s (is the backlog bounded?). Every delivery row
// must end succeeded and be received, never more often than attempted, with good signatures.
//
// The history-search scenario (-scenario history-search, not part of all) loads a million
// deliveries and measures payload search through the API: see history.go.
//
// The statuspage scenario (-scenario statuspage, not part of all) reads a public status page
// and its summary.json at 10,000 requests/s while an incident changes every second: see
// statuspage.go.
//
// The oncall scenario (-scenario oncall, not part of all) measures the on-call engine's figures
// (issue 10): page latency under a bulk mail backlog, an escalation storm and the sending drain
// to local SMTP and ntfy servers: see oncall.go.
//
// Everything it starts (the server, the database, the Redis database, the receivers) is
// removed at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is every knob of a run; flags set it.
type config struct {
	bin      string
	dbURL    string
	redisURL string
	redisDB  int

	alarms     int
	conns      int
	tpDuration time.Duration
	tpMax      int

	rate        int
	latDuration time.Duration
	latAlarms   int

	e2eRate     int
	e2eDuration time.Duration
	e2eAlarms   int

	mix     float64
	phases  map[string]bool
	jsonOut string
	keep    bool
	strict  bool
	quick   bool

	scenario  string // sns, webhooks, all, history-search or oncall
	wh        whConfig
	hist      histConfig
	oncall    oncallConfig
	sp        spConfig
	serverEnv map[string]string // extra server settings (-server-env)
	// profileDir: when set, the server serves its profiler (SWITCHBOARD_DEBUG_ADDR) and the
	// scenario's main phase is profiled into this directory (-profile).
	profileDir string
}

func defaultEnv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func parseFlags(args []string) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&c.bin, "bin", defaultEnv("BIN", "bin/switchboard"), "switchboard binary (built into a temporary directory when missing)")
	fs.StringVar(&c.dbURL, "db", defaultEnv("SWITCHBOARD_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL server to create the benchmark database on")
	fs.StringVar(&c.redisURL, "redis", defaultEnv("SWITCHBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/"), "Redis server")
	fs.IntVar(&c.redisDB, "redis-db", 14, "Redis database number to use: leased like the test suite does (switchboard:test:dblock:N in database 0), flushed before and after")

	fs.IntVar(&c.alarms, "alarms", 500, "distinct alarms in the throughput phase")
	fs.IntVar(&c.conns, "conns", 64, "concurrent keep-alive connections in the throughput phase")
	fs.DurationVar(&c.tpDuration, "throughput-duration", 20*time.Second, "throughput phase: at most this long")
	fs.IntVar(&c.tpMax, "throughput-max", 40000, "throughput phase: at most this many messages (all are pre-signed)")

	fs.IntVar(&c.rate, "rate", 500, "latency phase: requests per second (open loop)")
	fs.DurationVar(&c.latDuration, "latency-duration", 20*time.Second, "latency phase: duration")
	fs.IntVar(&c.latAlarms, "latency-alarms", 500, "distinct alarms in the latency phase")

	fs.IntVar(&c.e2eRate, "e2e-rate", 50, "end-to-end phase: transitions per second")
	fs.DurationVar(&c.e2eDuration, "e2e-duration", 10*time.Second, "end-to-end phase: duration")
	fs.IntVar(&c.e2eAlarms, "e2e-alarms", 50, "distinct alarms in the end-to-end phase")

	scenario := fs.String("scenario", "all", "what to measure: sns (SNS ingestion), webhooks (outbound delivery), all (both), or history-search (delivery history search at -hist-rows deliveries; not part of all), oncall (the on-call engine's figures; not part of all), or statuspage (public page reads under load; not part of all)")
	fs.IntVar(&c.sp.rate, "sp-rate", 10000, "statuspage: requests/s offered open loop (half the page, half summary.json)")
	fs.IntVar(&c.sp.conns, "sp-conns", 128, "statuspage: keep-alive connections at most")
	fs.DurationVar(&c.sp.duration, "sp-duration", 20*time.Second, "statuspage: length of the open-loop phase (a change every second)")
	fs.DurationVar(&c.sp.warmup, "sp-warmup", 3*time.Second, "statuspage: unmeasured open loop at the full rate before the measured one (0 = none)")
	fs.DurationVar(&c.sp.closed, "sp-closed-duration", 10*time.Second, "statuspage: length of the closed-loop phase")
	fs.IntVar(&c.sp.components, "sp-components", 12, "statuspage: components on the page (three groups)")
	fs.BoolVar(&c.sp.workerProcess, "sp-worker-process", false, "statuspage: run the job worker and scheduler as their own process (serve with SWITCHBOARD_WORKER=false, and worker), not inside the server")
	fs.IntVar(&c.oncall.escalations, "oncall-escalations", 10000, "oncall: escalations due at the same instant (the storm)")
	fs.IntVar(&c.oncall.people, "oncall-people", 200, "oncall: people the storm pages (one email and one ntfy topic each)")
	fs.IntVar(&c.oncall.bulk, "oncall-bulk", 10000, "oncall: subscriber (bulk) mails queued while pages are measured")
	fs.IntVar(&c.oncall.pages, "oncall-pages", 40, "oncall: incidents opened through the API, one at a time, for the page latency")
	fs.DurationVar(&c.oncall.drainTimeout, "oncall-drain-timeout", 5*time.Minute, "oncall: wait at most this long for the bulk backlog and for the storm's notifications (then it is a failure)")
	fs.IntVar(&c.hist.rows, "hist-rows", 1000000, "history-search: deliveries loaded")
	fs.IntVar(&c.hist.searches, "hist-searches", 60, "history-search: searches per term, through the GraphQL API")
	fs.IntVar(&c.hist.conns, "hist-conns", 2, "history-search: concurrent search connections")
	fs.IntVar(&c.hist.batch, "hist-batch", 100000, "history-search: rows per INSERT … SELECT generate_series statement")
	conc := fs.String("wh-concurrency", "20", "webhooks: SWITCHBOARD_WORKER_CONCURRENCY values, comma-separated; each gets a fresh server, database and Redis database (e.g. 20,50,100)")
	fs.IntVar(&c.wh.endpoints, "wh-endpoints", 3, "webhooks: receivers = endpoints of the one webhook = deliveries per event (fan-out)")
	fs.StringVar(&c.wh.event, "wh-event", "HostUp", "webhooks: the server event fired and subscribed to")
	fs.StringVar(&c.wh.auth, "wh-auth", "token", "webhooks: fireEvent credential: token (an API token, as a provisioning system uses) or session (a JWT)")
	fs.IntVar(&c.wh.rate, "wh-rate", 200, "webhooks latency phase: events per second (open loop)")
	fs.DurationVar(&c.wh.latDuration, "wh-latency-duration", 20*time.Second, "webhooks latency phase: duration")
	fs.IntVar(&c.wh.latConns, "wh-latency-conns", 32, "webhooks latency phase: at most this many fireEvent connections")
	fs.DurationVar(&c.wh.tpDuration, "wh-throughput-duration", 30*time.Second, "webhooks throughput phase: at most this long")
	fs.IntVar(&c.wh.tpConns, "wh-throughput-conns", 16, "webhooks throughput phase: fireEvent connections, each firing as soon as answered")
	fs.IntVar(&c.wh.tpMax, "wh-throughput-max", 100000, "webhooks throughput phase: at most this many events")
	fs.IntVar(&c.wh.blRate, "wh-backlog-rate", 1000, "webhooks backlog phase: events per second offered (open loop)")
	fs.DurationVar(&c.wh.blDuration, "wh-backlog-duration", 20*time.Second, "webhooks backlog phase: duration")
	fs.IntVar(&c.wh.blConns, "wh-backlog-conns", 64, "webhooks backlog phase: at most this many fireEvent connections")
	fs.DurationVar(&c.wh.drainTimeout, "wh-drain-timeout", 3*time.Minute, "webhooks: after each phase, wait at most this long for every delivery (then it is a failure)")
	fs.IntVar(&c.wh.outboxLimit, "wh-outbox-limit", 5000, "webhooks: the server's SWITCHBOARD_OUTBOX_LIMIT (fireEvent is refused with RATE_LIMITED above it; 0 = none)")
	fs.IntVar(&c.wh.verifyEvery, "wh-verify-every", 1, "webhooks: receivers verify X-Signature on every Nth request (1 = all, 0 = none)")
	fs.DurationVar(&c.wh.fireDuration, "wh-fireonly-duration", 10*time.Second, "webhooks fireonly phase: closed loop of events no webhook listens to, this long (the API's own cost)")
	whPhases := fs.String("wh-phases", "fireonly,latency,throughput,backlog", "webhooks: phases to run, comma-separated (fireonly, latency, throughput, backlog)")
	fs.StringVar(&c.profileDir, "profile", "", "write a CPU profile and an execution trace of the server over the main measured phase into this directory (go tool pprof / go tool trace); the statuspage scenario for now")
	serverEnv := fs.String("server-env", "", "extra SWITCHBOARD_*=value settings for the server, comma-separated (experiments, e.g. SWITCHBOARD_LOG_LEVEL=info)")

	fs.Float64Var(&c.mix, "mix", 0.10, "fraction of throughput/latency messages that are not plain flips (redeliveries, out-of-order, INSUFFICIENT_DATA, repeats, non-alarms)")
	phases := fs.String("phases", "throughput,latency,e2e", "SNS: phases to run, comma-separated")
	fs.StringVar(&c.jsonOut, "json", "", "also write the results as JSON to this file")
	fs.BoolVar(&c.keep, "keep", false, "keep the database (and print its URL) instead of dropping it")
	fs.BoolVar(&c.strict, "strict", false, "also exit non-zero when a performance target is missed")
	fs.BoolVar(&c.quick, "quick", false, "a few seconds per phase (CI smoke run); explicit flags still win")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./bench [flags]   (make bench BENCH_ARGS='...')")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if c.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		quick := map[string]func(){
			"alarms":                 func() { c.alarms = 100 },
			"throughput-duration":    func() { c.tpDuration = 3 * time.Second },
			"throughput-max":         func() { c.tpMax = 3000 },
			"latency-duration":       func() { c.latDuration = 3 * time.Second },
			"latency-alarms":         func() { c.latAlarms = 100 },
			"e2e-duration":           func() { c.e2eDuration = 3 * time.Second },
			"e2e-alarms":             func() { c.e2eAlarms = 20 },
			"wh-latency-duration":    func() { c.wh.latDuration = 3 * time.Second },
			"wh-throughput-duration": func() { c.wh.tpDuration = 3 * time.Second },
			"wh-backlog-duration":    func() { c.wh.blDuration = 3 * time.Second },
			"wh-drain-timeout":       func() { c.wh.drainTimeout = time.Minute },
			"wh-fireonly-duration":   func() { c.wh.fireDuration = 2 * time.Second },
			"hist-rows":              func() { c.hist.rows = 20000 },
			"hist-searches":          func() { c.hist.searches = 10 },
			"oncall-escalations":     func() { c.oncall.escalations = 500 },
			"sp-rate":                func() { c.sp.rate = 1000 },
			"sp-duration":            func() { c.sp.duration = 5 * time.Second },
			"sp-closed-duration":     func() { c.sp.closed = 3 * time.Second },
			"sp-warmup":              func() { c.sp.warmup = time.Second },
			"oncall-people":          func() { c.oncall.people = 20 },
			"oncall-bulk":            func() { c.oncall.bulk = 500 },
			"oncall-pages":           func() { c.oncall.pages = 10 },
			"oncall-drain-timeout":   func() { c.oncall.drainTimeout = time.Minute },
		}
		for name, apply := range quick {
			if !set[name] {
				apply()
			}
		}
	}
	c.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		p = strings.TrimSpace(p)
		switch p {
		case "throughput", "latency", "e2e":
			c.phases[p] = true
		case "":
		default:
			return nil, fmt.Errorf("-phases: unknown phase %q (throughput, latency, e2e)", p)
		}
	}
	c.scenario = *scenario
	if c.scenario != "sns" && c.scenario != "webhooks" && c.scenario != "all" && c.scenario != "history-search" && c.scenario != "oncall" && c.scenario != "statuspage" {
		return nil, fmt.Errorf("-scenario: %q is not sns, webhooks, all, history-search, oncall or statuspage", c.scenario)
	}
	if c.sp.rate < 1 || c.sp.conns < 1 || c.sp.duration <= 0 || c.sp.closed <= 0 || c.sp.components < 1 {
		return nil, fmt.Errorf("-sp-rate, -sp-conns, -sp-duration, -sp-closed-duration and -sp-components must be positive")
	}
	if c.oncall.escalations < 1 || c.oncall.people < 1 || c.oncall.bulk < 1 || c.oncall.pages < 1 || c.oncall.drainTimeout <= 0 {
		return nil, fmt.Errorf("-oncall-escalations, -oncall-people, -oncall-bulk, -oncall-pages and -oncall-drain-timeout must be positive")
	}
	if c.hist.rows < 1 || c.hist.searches < 1 || c.hist.conns < 1 || c.hist.batch < 1 {
		return nil, fmt.Errorf("-hist-rows, -hist-searches, -hist-conns and -hist-batch must be positive")
	}
	for _, v := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("-wh-concurrency: %q is not a number from 1 to 1000", v)
		}
		c.wh.concurrency = append(c.wh.concurrency, n)
	}
	c.wh.phases = map[string]bool{}
	for _, p := range strings.Split(*whPhases, ",") {
		p = strings.TrimSpace(p)
		switch p {
		case "fireonly", "latency", "throughput", "backlog":
			c.wh.phases[p] = true
		case "":
		default:
			return nil, fmt.Errorf("-wh-phases: unknown phase %q (fireonly, latency, throughput, backlog)", p)
		}
	}
	c.serverEnv = map[string]string{}
	for _, kv := range strings.Split(*serverEnv, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "SWITCHBOARD_") {
			return nil, fmt.Errorf("-server-env: %q is not SWITCHBOARD_NAME=value", kv)
		}
		c.serverEnv[k] = v
	}
	switch {
	case c.wh.endpoints < 1 || c.wh.endpoints > 20:
		return nil, fmt.Errorf("-wh-endpoints must be 1–20")
	case c.wh.rate < 1 || c.wh.blRate < 1 || c.wh.latConns < 1 || c.wh.tpConns < 1 || c.wh.blConns < 1 || c.wh.tpMax < 1:
		return nil, fmt.Errorf("-wh-rate, -wh-backlog-rate, the -wh-*-conns and -wh-throughput-max must be positive")
	case c.wh.latDuration <= 0 || c.wh.tpDuration <= 0 || c.wh.blDuration <= 0 || c.wh.drainTimeout <= 0 || c.wh.fireDuration <= 0:
		return nil, fmt.Errorf("the -wh-*-duration flags and -wh-drain-timeout must be positive")
	case c.wh.auth != "token" && c.wh.auth != "session":
		return nil, fmt.Errorf("-wh-auth must be token or session")
	case c.wh.verifyEvery < 0:
		return nil, fmt.Errorf("-wh-verify-every must be 0 or more")
	}
	switch {
	case c.alarms < 1 || c.latAlarms < 1 || c.e2eAlarms < 1:
		return nil, fmt.Errorf("alarm counts must be positive")
	case c.conns < 1 || c.rate < 1 || c.e2eRate < 1 || c.tpMax < 1:
		return nil, fmt.Errorf("-conns, -rate, -e2e-rate and -throughput-max must be positive")
	case c.mix < 0 || c.mix > 0.5:
		return nil, fmt.Errorf("-mix must be between 0 and 0.5")
	case c.redisDB < 1 || c.redisDB > 15:
		return nil, fmt.Errorf("-redis-db must be 1–15 (0 holds the test suite's leases)")
	}
	return c, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, cfg))
}

// run does the chosen scenarios and returns the exit code: 0 when the results are correct (and,
// with -strict, every target was met), 1 otherwise.
func run(ctx context.Context, cfg *config) int {
	if cfg.scenario == "history-search" {
		res, code := runHistorySearch(ctx, cfg)
		if cfg.jsonOut != "" {
			if err := writeJSONFile(cfg.jsonOut, map[string]any{"history_search": res}); err != nil {
				logf("writing %s: %v", cfg.jsonOut, err)
			}
		}
		return code
	}
	if cfg.scenario == "statuspage" {
		res, code := runStatusPage(ctx, cfg)
		if cfg.jsonOut != "" {
			if err := spJSON(cfg.jsonOut, res); err != nil {
				logf("writing %s: %v", cfg.jsonOut, err)
			}
		}
		return code
	}
	if cfg.scenario == "oncall" {
		res, code := runOnCall(ctx, cfg)
		if cfg.jsonOut != "" {
			if err := writeJSONFile(cfg.jsonOut, map[string]any{"oncall": res}); err != nil {
				logf("writing %s: %v", cfg.jsonOut, err)
			}
		}
		return code
	}
	code := 0
	var snsRes *results
	if cfg.scenario == "sns" || cfg.scenario == "all" {
		snsRes, code = runSNS(ctx, cfg)
	}
	var whRes []*whResults
	if (cfg.scenario == "webhooks" || cfg.scenario == "all") && ctx.Err() == nil {
		var c int
		whRes, c = runWebhookScenario(ctx, cfg)
		code = max(code, c)
	}
	if cfg.jsonOut != "" {
		var err error
		if cfg.scenario == "sns" && snsRes != nil {
			err = snsRes.writeJSON(cfg.jsonOut) // the SNS scenario's format, unchanged
		} else {
			err = writeJSONFile(cfg.jsonOut, map[string]any{"sns": snsRes, "webhooks": whRes})
		}
		if err != nil {
			logf("writing %s: %v", cfg.jsonOut, err)
		}
	}
	return code
}

// runSNS does the SNS ingestion benchmark.
func runSNS(ctx context.Context, cfg *config) (*results, int) {
	logf("SNS ingestion: preparing binary, database, Redis, server")
	env, err := startEnv(ctx, cfg)
	if env != nil {
		defer env.close()
	}
	if err != nil {
		logf("setup failed: %v", err)
		if env != nil {
			env.printServerLog(40)
		}
		return nil, 1
	}
	res, err := runBench(ctx, cfg, env)
	if res != nil {
		if err != nil {
			res.Aborted = err.Error()
		}
		res.print(os.Stdout)
	}
	if err != nil {
		logf("FAILED: %v", err)
		env.printServerLog(40)
		return res, 1
	}
	if len(res.Failures) > 0 {
		logf("FAILED: %s", strings.Join(res.Failures, "; "))
		env.printServerLog(20)
		return res, 1
	}
	if cfg.strict && len(res.Misses) > 0 {
		logf("targets missed (-strict): %s", strings.Join(res.Misses, "; "))
		return res, 1
	}
	return res, 0
}

// runWebhookScenario does the outbound delivery benchmark once per worker concurrency. A run
// that fails or aborts is reported and the sweep goes on.
func runWebhookScenario(ctx context.Context, cfg *config) ([]*whResults, int) {
	code := 0
	var all []*whResults
	for _, conc := range cfg.wh.concurrency {
		if ctx.Err() != nil {
			code = 1
			break
		}
		logf("webhooks, worker concurrency %d: preparing database, Redis, receivers, server", conc)
		res, err := runWebhooksOnce(ctx, cfg, conc)
		if res == nil {
			res = &whResults{Started: time.Now(), Concurrency: conc, Settings: whSettings(cfg, conc)}
		}
		if err != nil {
			res.Aborted = err.Error()
			logf("webhooks, concurrency %d: FAILED: %v", conc, err)
			code = 1
		}
		res.print(os.Stdout)
		all = append(all, res)
		if err != nil {
			continue
		}
		if len(res.Failures) > 0 {
			logf("webhooks, concurrency %d: FAILED: %s", conc, strings.Join(res.Failures, "; "))
			code = 1
		} else if cfg.strict && len(res.Misses) > 0 {
			logf("webhooks, concurrency %d: targets missed (-strict): %s", conc, strings.Join(res.Misses, "; "))
			code = 1
		}
	}
	printCurve(os.Stdout, all)
	return all, code
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

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
// Everything it starts (the server, the database, the Redis database) is removed at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
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

	fs.Float64Var(&c.mix, "mix", 0.10, "fraction of throughput/latency messages that are not plain flips (redeliveries, out-of-order, INSUFFICIENT_DATA, repeats, non-alarms)")
	phases := fs.String("phases", "throughput,latency,e2e", "phases to run, comma-separated")
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
			"alarms":              func() { c.alarms = 100 },
			"throughput-duration": func() { c.tpDuration = 3 * time.Second },
			"throughput-max":      func() { c.tpMax = 3000 },
			"latency-duration":    func() { c.latDuration = 3 * time.Second },
			"latency-alarms":      func() { c.latAlarms = 100 },
			"e2e-duration":        func() { c.e2eDuration = 3 * time.Second },
			"e2e-alarms":          func() { c.e2eAlarms = 20 },
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

// run does one benchmark and returns the exit code: 0 when the results are correct (and, with
// -strict, every target was met), 1 otherwise.
func run(ctx context.Context, cfg *config) int {
	logf("preparing: binary, database, Redis, server")
	env, err := startEnv(ctx, cfg)
	if env != nil {
		defer env.close()
	}
	if err != nil {
		logf("setup failed: %v", err)
		if env != nil {
			env.printServerLog(40)
		}
		return 1
	}
	res, err := runBench(ctx, cfg, env)
	if res != nil {
		if err != nil {
			res.Aborted = err.Error()
		}
		res.print(os.Stdout)
		if cfg.jsonOut != "" {
			if werr := res.writeJSON(cfg.jsonOut); werr != nil {
				logf("writing %s: %v", cfg.jsonOut, werr)
			}
		}
	}
	if err != nil {
		logf("FAILED: %v", err)
		env.printServerLog(40)
		return 1
	}
	if len(res.Failures) > 0 {
		logf("FAILED: %s", strings.Join(res.Failures, "; "))
		env.printServerLog(20)
		return 1
	}
	if cfg.strict && len(res.Misses) > 0 {
		logf("targets missed (-strict): %s", strings.Join(res.Misses, "; "))
		return 1
	}
	return 0
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

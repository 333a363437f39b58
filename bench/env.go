package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/server/servertest"
	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

// env is everything a run starts, and undoes in close.
type env struct {
	cfg     *config
	tmp     string
	bin     string
	adminDB string // the server the database was created on
	dbName  string
	dbURL   string
	redis   string // URL of the Redis database the server uses
	// releaseRedis gives the Redis database's lease back.
	releaseRedis func()
	fake         *snstest.Fake
	cmd          *exec.Cmd
	// debug is the server's profiler (-profile), "" without.
	debug   string
	exited  chan struct{} // closed when the server process has exited
	logPath string
	// envv is the server's environment; a separate worker process (startWorker) gets the same.
	envv []string
	// worker is the job worker's own process (startWorker), nil when the server runs it.
	worker       *exec.Cmd
	workerExited chan struct{}
	base         string // http://127.0.0.1:port

	api       *servertest.Client
	accountID string
	envID     string
	hookURL   string
	integID   string
}

// startEnv prepares everything up to an integration ready to receive notifications (the SNS
// scenario). On error the returned env (when not nil) still needs close.
func startEnv(ctx context.Context, cfg *config) (*env, error) {
	e, err := newEnv(ctx, cfg)
	if err != nil {
		return e, err
	}
	certDir := filepath.Join(e.tmp, "sns-certs")
	if err := os.Mkdir(certDir, 0o700); err != nil {
		return e, err
	}
	if e.fake, err = snstest.New(snstest.Options{CertDir: certDir}); err != nil {
		return e, err
	}
	if err := e.startServer(ctx, map[string]string{"SWITCHBOARD_SNS_CERT_DIR": certDir}); err != nil {
		return e, err
	}
	return e, e.setup(ctx)
}

// newEnv makes the temporary directory, finds or builds the binary, creates the database and
// takes the Redis database: everything but the server. On error the returned env (when not
// nil) still needs close.
func newEnv(ctx context.Context, cfg *config) (*env, error) {
	tmp, err := os.MkdirTemp("", "sbbench-")
	if err != nil {
		return nil, err
	}
	e := &env{cfg: cfg, tmp: tmp, logPath: filepath.Join(tmp, "server.log")}
	if e.bin, err = findBinary(ctx, cfg.bin, tmp); err != nil {
		return e, err
	}
	if err := e.createDatabase(ctx); err != nil {
		return e, err
	}
	if err := e.prepareRedis(ctx); err != nil {
		return e, err
	}
	return e, nil
}

// findBinary returns an absolute path to the switchboard binary, building one into tmp when the
// given path does not exist (a fresh clone where `make build` has not run).
func findBinary(ctx context.Context, bin, tmp string) (string, error) {
	if abs, err := filepath.Abs(bin); err == nil {
		if st, err := os.Stat(abs); err == nil && !st.IsDir() {
			return abs, nil
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return "", fmt.Errorf("%s does not exist and the module root was not found to build it: %w", bin, err)
	}
	out := filepath.Join(tmp, "switchboard")
	logf("%s not found; building it (go build -o %s)", bin, out)
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return out, nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/switchboard-hub/switchboard\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of github.com/switchboard-hub/switchboard above the working directory")
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (e *env) createDatabase(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, e.cfg.dbURL)
	if err != nil {
		return fmt.Errorf("PostgreSQL at %s: %w", redactURL(e.cfg.dbURL), err)
	}
	defer conn.Close(context.Background())
	name := "sbbench_" + randomHex(6)
	if _, err := conn.Exec(cctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	e.adminDB, e.dbName = e.cfg.dbURL, name
	u, err := url.Parse(e.cfg.dbURL)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	e.dbURL = u.String()
	return nil
}

func (e *env) dropDatabase() {
	if e.dbName == "" {
		return
	}
	if e.cfg.keep {
		logf("kept database %s (-keep)", redactURL(e.dbURL))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, e.adminDB)
	if err != nil {
		logf("drop database %s: %v", e.dbName, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+e.dbName+" WITH (FORCE)"); err != nil {
		logf("drop database %s: %v", e.dbName, err)
	}
}

// prepareRedis takes the Redis database under the test suite's lease (a key in database 0,
// see modeltest.MustRedisURL), so that concurrent test processes do not flush it or run their
// workers on it meanwhile, and flushes it.
func (e *env) prepareRedis(ctx context.Context) error {
	u, err := url.Parse(e.cfg.redisURL)
	if err != nil {
		return fmt.Errorf("redis URL: %w", err)
	}
	u.Path = "/0"
	opt, err := redis.ParseURL(u.String())
	if err != nil {
		return fmt.Errorf("redis URL: %w", err)
	}
	c := redis.NewClient(opt)
	key := fmt.Sprintf("switchboard:test:dblock:%d", e.cfg.redisDB)
	token := "bench_" + randomHex(6)
	const lease = time.Minute
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, err := c.SetNX(ctx, key, token, lease).Result()
		if err != nil {
			c.Close()
			return fmt.Errorf("lock Redis database %d: %w", e.cfg.redisDB, err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.Close()
			return fmt.Errorf("redis database %d stayed leased by tests for 2 minutes (choose another with -redis-db)", e.cfg.redisDB)
		}
		time.Sleep(250 * time.Millisecond)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // renew the lease while the run lasts
		defer close(done)
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				c.Expire(context.Background(), key, lease)
			}
		}
	}()
	e.releaseRedis = func() {
		close(stop)
		<-done
		c.Eval(context.Background(), `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`, []string{key}, token)
		c.Close()
	}
	u.Path = fmt.Sprintf("/%d", e.cfg.redisDB)
	e.redis = u.String()
	return flushRedis(ctx, e.redis)
}

func flushRedis(ctx context.Context, redisURL string) error {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return fmt.Errorf("redis URL: %w", err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.FlushDB(fctx).Err(); err != nil {
		return fmt.Errorf("flush %s: %w", redactURL(redisURL), err)
	}
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs `switchboard serve` as its own process, as production does, and waits for
// /readyz. extra adds or overrides SWITCHBOARD_* settings: the SNS scenario pins the fake's
// certificate directory (no SNS endpoint is trusted, so nothing is ever fetched, which is also
// why the subscription is not confirmed: a separate process cannot trust the fake's TLS
// certificate; the first notification pins the topic instead); the webhooks scenario allows
// loopback receivers and sets the worker's concurrency.
func (e *env) startServer(ctx context.Context, extra map[string]string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	e.base = "http://" + addr
	secret := make([]byte, 48)
	_, _ = rand.Read(secret)
	dataDir := filepath.Join(e.tmp, "data")
	if err := os.Mkdir(dataDir, 0o700); err != nil {
		return err
	}
	vars := map[string]string{
		"SWITCHBOARD_ADDR":           addr,
		"SWITCHBOARD_PUBLIC_URL":     e.base,
		"SWITCHBOARD_DATA_DIR":       dataDir,
		"SWITCHBOARD_DATABASE_URL":   e.dbURL,
		"SWITCHBOARD_REDIS_URL":      e.redis,
		"SWITCHBOARD_SECRET_KEY":     base64.StdEncoding.EncodeToString(secret),
		"SWITCHBOARD_LOG_LEVEL":      "warn",
		"SWITCHBOARD_LOG_FORMAT":     "json",
		"SWITCHBOARD_SHUTDOWN_GRACE": "10s",
	}
	if e.cfg.profileDir != "" {
		dport, err := freePort()
		if err != nil {
			return err
		}
		e.debug = fmt.Sprintf("http://127.0.0.1:%d", dport)
		vars["SWITCHBOARD_DEBUG_ADDR"] = fmt.Sprintf("127.0.0.1:%d", dport)
	}
	for k, v := range extra {
		vars[k] = v
	}
	for k, v := range e.cfg.serverEnv {
		vars[k] = v
	}
	envv := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SWITCHBOARD_") {
			envv = append(envv, kv)
		}
	}
	for k, v := range vars {
		envv = append(envv, k+"="+v)
	}
	e.envv = envv
	logFile, err := os.Create(e.logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(e.bin, "serve")
	cmd.Env = envv
	cmd.Dir = e.tmp
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// If this tool dies without cleaning up, the server must not outlive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s: %w", e.bin, err)
	}
	e.cmd = cmd
	e.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(e.exited)
	}()

	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-e.exited:
			return fmt.Errorf("the server exited during start (%v)", cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		resp, err := client.Get(e.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server was not ready within 60 s")
		}
	}
}

// startWorker runs the job worker and scheduler as their own process (`switchboard worker`,
// the server's settings), for a server started with SWITCHBOARD_WORKER=false. Its log goes to
// worker.log in the run's directory; stopServer stops it.
func (e *env) startWorker() error {
	logFile, err := os.Create(filepath.Join(e.tmp, "worker.log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(e.bin, "worker")
	cmd.Env = e.envv
	cmd.Dir = e.tmp
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s worker: %w", e.bin, err)
	}
	e.worker, e.workerExited = cmd, make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(e.workerExited)
	}()
	select {
	case <-e.workerExited: // a worker that cannot start says so at once
		b, _ := os.ReadFile(filepath.Join(e.tmp, "worker.log"))
		e.worker = nil
		return fmt.Errorf("the worker exited during start (%v): %s", cmd.ProcessState, b)
	case <-time.After(time.Second):
		return nil
	}
}

// pid is the server's process id.
func (e *env) pid() int { return e.cmd.Process.Pid }

// workerPID is the separate worker's process id, 0 without one.
func (e *env) workerPID() int {
	if e.worker == nil || e.worker.Process == nil {
		return 0
	}
	return e.worker.Process.Pid
}

func (e *env) stopServer() {
	if e.worker != nil && e.worker.Process != nil {
		_ = e.worker.Process.Signal(syscall.SIGTERM)
		select {
		case <-e.workerExited:
		case <-time.After(20 * time.Second):
			_ = e.worker.Process.Kill()
			<-e.workerExited
		}
		e.worker = nil
	}
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	select {
	case <-e.exited:
		return
	default:
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(20 * time.Second):
		logf("the server did not stop within 20 s of SIGTERM; killing it")
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
}

func (e *env) close() {
	e.stopServer()
	e.dropDatabase()
	if e.redis != "" {
		if err := flushRedis(context.Background(), e.redis); err != nil {
			logf("flush Redis: %v", err)
		}
	}
	if e.releaseRedis != nil {
		e.releaseRedis()
	}
	if e.tmp != "" {
		_ = os.RemoveAll(e.tmp)
	}
}

// printServerLog copies the last n lines of the server's log to stderr.
func (e *env) printServerLog(n int) {
	f, err := os.Open(e.logPath)
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(os.Stderr, "--- last %d lines of the server log ---\n", len(lines))
	for _, l := range lines {
		fmt.Fprintln(os.Stderr, l)
	}
}

// serverLogCounts counts the server's log lines by level.
func (e *env) serverLogCounts() map[string]int {
	out := map[string]int{}
	f, err := os.Open(e.logPath)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.Contains(l, `"level":"ERROR"`):
			out["error"]++
		case strings.Contains(l, `"level":"WARN"`):
			out["warn"]++
		}
	}
	return out
}

// setupAccount runs first-run setup and finds the account (and its environment) it made.
func (e *env) setupAccount(ctx context.Context) (*servertest.Client, error) {
	c := servertest.NewClient(e.base)
	if _, err := c.Setup(ctx, "bench@example.com", "Bench Admin", "bench password "+randomHex(8), "Bench"); err != nil {
		return nil, fmt.Errorf("first-run setup: %w", err)
	}
	var acc struct {
		Accounts []struct {
			ID           string
			Environments []struct{ ID string }
		}
	}
	if err := c.MustOK(ctx, `{ accounts { id environments { id } } }`, nil, &acc); err != nil {
		return nil, err
	}
	if len(acc.Accounts) != 1 {
		return nil, fmt.Errorf("want one account after setup, got %d", len(acc.Accounts))
	}
	e.accountID = acc.Accounts[0].ID
	if len(acc.Accounts[0].Environments) > 0 {
		e.envID = acc.Accounts[0].Environments[0].ID
	}
	e.api = c
	return c, nil
}

// setup runs first-run setup and creates a component and an AWS integration.
func (e *env) setup(ctx context.Context) error {
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	c, err := e.setupAccount(sctx)
	if err != nil {
		return err
	}
	var cc struct {
		CreateComponent struct {
			Component struct{ ID string }
			Errors    []struct{ Message string }
		}
	}
	if err := c.MustOK(sctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "Bench API"}) { component { id } errors { message } } }`,
		map[string]any{"a": e.accountID}, &cc); err != nil {
		return fmt.Errorf("createComponent: %w", err)
	}
	if len(cc.CreateComponent.Errors) > 0 || cc.CreateComponent.Component.ID == "" {
		return fmt.Errorf("createComponent: %+v", cc.CreateComponent.Errors)
	}
	var ci struct {
		CreateAwsIntegration struct {
			Integration struct{ ID string }
			WebhookURL  string
			Errors      []struct{ Message string }
		}
	}
	in := map[string]any{"accountId": e.accountID, "name": "bench", "componentId": cc.CreateComponent.Component.ID}
	if err := c.MustOK(sctx, `mutation($in: CreateAwsIntegrationInput!) { createAwsIntegration(input: $in) { integration { id } webhookUrl errors { message } } }`,
		map[string]any{"in": in}, &ci); err != nil {
		return fmt.Errorf("createAwsIntegration: %w", err)
	}
	if len(ci.CreateAwsIntegration.Errors) > 0 {
		return fmt.Errorf("createAwsIntegration: %+v", ci.CreateAwsIntegration.Errors)
	}
	// The URL is built on the public URL; post to the server's real address with its path.
	u, err := url.Parse(ci.CreateAwsIntegration.WebhookURL)
	if err != nil || !strings.HasPrefix(u.Path, "/webhooks/aws/") {
		return fmt.Errorf("unexpected webhook URL %q", ci.CreateAwsIntegration.WebhookURL)
	}
	e.api, e.integID, e.hookURL = c, ci.CreateAwsIntegration.Integration.ID, e.base+u.Path
	return nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// serverLogMessages counts the server's warning and error lines by level and message, and
// adds up the "count" of info lines by message (visible with -server-env
// SWITCHBOARD_LOG_LEVEL=info: e.g. how many deliveries the sweeper re-enqueued).
func (e *env) serverLogMessages() (problems, infoCounts map[string]int) {
	problems, infoCounts = map[string]int{}, map[string]int{}
	f, err := os.Open(e.logPath)
	if err != nil {
		return problems, infoCounts
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var l struct {
			Level, Msg, Err string
			Count           *int
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		switch l.Level {
		case "WARN", "ERROR":
			key := l.Level + " " + l.Msg
			if l.Err != "" {
				key += ": " + clipText(l.Err, 120)
			}
			problems[key]++
		case "INFO":
			if l.Count != nil {
				infoCounts[l.Msg] += *l.Count
			}
		}
	}
	return problems, infoCounts
}

// profile fetches, while a phase of d runs, the server's CPU profile and its allocations over d
// and an execution trace of its first few seconds into -profile's directory (name-cpu.pprof,
// name-allocs.pprof, name-trace.out).
// It returns at once; wait() blocks until both files are written. Without -profile it does
// nothing.
func (e *env) profile(ctx context.Context, name string, d time.Duration) (wait func()) {
	if e.cfg.profileDir == "" || e.debug == "" {
		return func() {}
	}
	if err := os.MkdirAll(e.cfg.profileDir, 0o755); err != nil {
		logf("profile: %v", err)
		return func() {}
	}
	var wg sync.WaitGroup
	fetch := func(path, file string) {
		defer wg.Done()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.debug+path, nil)
		if err != nil {
			logf("profile: %v", err)
			return
		}
		resp, err := (&http.Client{Timeout: d + time.Minute}).Do(req)
		if err != nil {
			logf("profile %s: %v", file, err)
			return
		}
		defer resp.Body.Close()
		out := filepath.Join(e.cfg.profileDir, file)
		f, err := os.Create(out)
		if err != nil {
			logf("profile: %v", err)
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
			logf("profile %s: status %d, %v", file, resp.StatusCode, err)
			return
		}
		logf("profile: wrote %s", out)
	}
	secs := max(1, int(d.Seconds()))
	wg.Add(3)
	go fetch(fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs), name+"-cpu.pprof")
	go fetch(fmt.Sprintf("/debug/pprof/allocs?seconds=%d", secs), name+"-allocs.pprof")
	go fetch(fmt.Sprintf("/debug/pprof/trace?seconds=%d", min(secs, 5)), name+"-trace.out")
	return wg.Wait
}

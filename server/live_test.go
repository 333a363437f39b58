package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

const activitySub = `subscription($a: ID!) { accountActivity(accountId: $a) { action summary actorLabel } }`

type activity struct {
	AccountActivity struct{ Action, Summary, ActorLabel string }
}

func nextActivity(t *testing.T, sub *servertest.Subscription, want string, within time.Duration) activity {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case raw, ok := <-sub.Events:
			if !ok {
				t.Fatalf("subscription ended before %q: %v", want, sub.Err())
			}
			var a activity
			if err := json.Unmarshal(raw, &a); err != nil {
				t.Fatal(err)
			}
			if a.AccountActivity.Action == want {
				return a
			}
		case <-deadline:
			t.Fatalf("no %q activity within %s", want, within)
		}
	}
}

func TestSubscriptionLive(t *testing.T) {
	for _, embedded := range []bool{false, true} {
		name := "postgres+redis"
		if embedded {
			name = "embedded"
		}
		t.Run(name, func(t *testing.T) {
			_, c := MustStart(t, startOpts{embedded: embedded})
			ctx := ctxT(t)
			MustSetup(t, c)
			a := accountOf(t, c)
			sub, err := servertest.Subscribe(ctx, c.BaseURL, c.Token, activitySub, map[string]any{"a": a.accountID})
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			// The subscription is registered asynchronously after "subscribe"; give it a moment
			// by retrying the change until the event is seen.
			got := make(chan activity, 1)
			go func() { got <- nextActivity(t, sub, "environment.created", 10*time.Second) }()
			time.Sleep(100 * time.Millisecond)
			if err := c.MustOK(ctx, `mutation($a: ID!) { createEnvironment(input: {accountId: $a, name: "staging"}) { environment { id } } }`, map[string]any{"a": a.accountID}, nil); err != nil {
				t.Fatal(err)
			}
			ev := <-got
			if !strings.Contains(ev.AccountActivity.Summary, `"staging"`) || ev.AccountActivity.ActorLabel != "Ada Admin" {
				t.Fatalf("unexpected activity %+v", ev)
			}
		})
	}
}

func TestSubscriptionAuth(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)

	t.Run("ErrNoToken", func(t *testing.T) {
		_, err := servertest.Subscribe(ctx, c.BaseURL, "", activitySub, map[string]any{"a": a.accountID})
		if err == nil {
			t.Fatal("a websocket without credentials must be refused")
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		_, err := servertest.Subscribe(ctx, c.BaseURL, "eyJhbGciOiJub25lIn0.e30.", activitySub, map[string]any{"a": a.accountID})
		if err == nil || servertest.CloseStatus(err) != 4403 && !strings.Contains(err.Error(), "4403") && !strings.Contains(err.Error(), "Forbidden") {
			t.Fatalf("want close 4403 Forbidden, got %v", err)
		}
	})
	t.Run("ErrViewerRole", func(t *testing.T) {
		viewer, _ := addUser(t, a, "viewer@example.com", "VIEWER")
		sub, err := servertest.Subscribe(ctx, c.BaseURL, viewer.Token, activitySub, map[string]any{"a": a.accountID})
		if err != nil {
			return
		}
		defer sub.Close()
		select {
		case _, ok := <-sub.Events:
			if ok || sub.Err() == nil || !strings.Contains(sub.Err().Error(), "admin role") {
				t.Fatalf("viewer subscription: want refusal naming the role, got ok=%v err=%v", ok, sub.Err())
			}
		case <-time.After(5 * time.Second):
			t.Fatal("viewer subscription neither refused nor closed")
		}
	})
}

// TestProcessesShareLiveEvents starts the real binary three times against one PostgreSQL and
// one Redis: two API processes without workers and one worker. A change made through one API
// process reaches a subscriber of the other, and an event published by the worker process
// (an API token expiring) reaches it too.
func TestProcessesShareLiveEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dbURL := modeltest.MustPostgresURL(t)
	redisURL := modeltest.MustRedisURL(t)
	env := []string{
		"SWITCHBOARD_DATABASE_URL=" + dbURL, "SWITCHBOARD_REDIS_URL=" + redisURL,
		"SWITCHBOARD_SECRET_KEY=" + testSecret, "SWITCHBOARD_DATA_DIR=" + t.TempDir(),
	}
	urlA := startProcess(t, bin, env, "serve", "--worker=false")
	urlB := startProcess(t, bin, env, "serve", "--worker=false")
	startProcess(t, bin, env, "worker")
	ctx := ctxT(t)

	cA := servertest.NewClient(urlA)
	MustSetup(t, cA)
	a := accountOf(t, cA)
	cB := servertest.NewClient(urlB)
	if _, err := cB.Login(ctx, "admin@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	sub, err := servertest.Subscribe(ctx, urlB, cB.Token, activitySub, map[string]any{"a": a.accountID})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	time.Sleep(200 * time.Millisecond)

	if err := cA.MustOK(ctx, `mutation($a: ID!) { createEnvironment(input: {accountId: $a, name: "from-process-a"}) { environment { id } } }`, map[string]any{"a": a.accountID}, nil); err != nil {
		t.Fatal(err)
	}
	ev := nextActivity(t, sub, "environment.created", 10*time.Second)
	if !strings.Contains(ev.AccountActivity.Summary, "from-process-a") {
		t.Fatalf("unexpected event %+v", ev)
	}

	// The worker notices the expiry (its scheduler runs every 15 s) and publishes.
	expires := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339)
	if err := cA.MustOK(ctx, `mutation($a: ID!, $e: Time!) { createApiToken(input: {accountId: $a, name: "short-lived", role: VIEWER, expiresAt: $e}) { secret } }`,
		map[string]any{"a": a.accountID, "e": expires}, nil); err != nil {
		t.Fatal(err)
	}
	ev = nextActivity(t, sub, "api_token.expired", 40*time.Second)
	if ev.AccountActivity.ActorLabel != "system" || !strings.Contains(ev.AccountActivity.Summary, "short-lived") {
		t.Fatalf("unexpected event %+v", ev)
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "switchboard-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "switchboard")
		cmd := exec.Command("go", "build", "-o", binPath, "..")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startProcess runs the binary with a free port and returns its base URL once /healthz
// answers. Its log is shown if the test fails.
func startProcess(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	return startProcessWith(t, bin, env, nil, args...)
}

func startProcessWith(t *testing.T, bin string, env []string, got func(*exec.Cmd), args ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "SWITCHBOARD_ADDR="+addr, "SWITCHBOARD_LOG_LEVEL=warn")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if got != nil {
		got(cmd)
	}
	var mu sync.Mutex
	var logs []string
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			logs = append(logs, sc.Text())
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState != nil {
			return // already waited for (killed by the test)
		}
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("%v did not shut down within 20s of SIGINT", args)
		}
		if t.Failed() {
			mu.Lock()
			t.Logf("%v log:\n%s", args, strings.Join(logs, "\n"))
			mu.Unlock()
		}
	})
	if args[0] == "worker" {
		time.Sleep(500 * time.Millisecond)
		return ""
	}
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c := servertest.NewClient(base)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := c.Do(ctx, "GET", "/healthz", nil, nil)
		cancel()
		if err == nil && r.Status == 200 {
			return base
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%v did not become healthy", args)
	return ""
}

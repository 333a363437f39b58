package server_test

import (
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

// TestOutboxAtLeastOnce kills an API process between commit and the dispatchers' claim, cuts
// Redis under a worker and flushes Redis in the middle of a run: every delivery still arrives
// at least once, deduplicable by X-Scalr-Webhook-Id.
func TestOutboxAtLeastOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	var mu sync.Mutex
	seen := map[string]int{}
	rc := newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("X-Scalr-Webhook-Id")]++
		mu.Unlock()
	})
	bin := buildBinary(t)
	dbURL := modeltest.MustPostgresURL(t)
	redisURL := modeltest.MustRedisURL(t)
	proxy := mustTCPProxy(t, redisURL)
	env := []string{
		"SWITCHBOARD_DATABASE_URL=" + dbURL, "SWITCHBOARD_REDIS_URL=" + proxy.url,
		"SWITCHBOARD_SECRET_KEY=" + testSecret, "SWITCHBOARD_DATA_DIR=" + t.TempDir(),
		"SWITCHBOARD_OUTBOUND_ALLOW=127.0.0.0/8",
	}
	ctx := ctxT(t)

	// Process A, an API replica without a worker: set up, then commit events while Redis is
	// unreachable (no dispatcher hears of them), then die.
	urlA, procA := startKillableProcess(t, bin, env, "serve", "--worker=false")
	c := servertest.NewClient(urlA)
	MustSetup(t, c)
	e := &hookEnv{c: c}
	e.accountID = accountOf(t, c).accountID
	e.envID = accountOf(t, c).envID
	setupInventory(t, e)
	ep, _ := e.endpoint(t, "receiver", rc.srv.URL+"/hook")
	e.webhook(t, []string{"HostUp"}, []string{ep}, nil)

	proxy.cut()
	const before = 5
	for range before {
		e.fire(t, "HostUp", nil)
	}
	if n := len(e.deliveries(t, "")); n != before {
		t.Fatalf("want %d committed deliveries before the kill, got %d", before, n)
	}
	_ = procA.Process.Signal(syscall.SIGKILL)
	_ = procA.Wait()
	proxy.restore()
	if n := countReceived(&mu, seen); n != 0 {
		t.Fatalf("nothing can have been delivered while Redis was down, got %d", n)
	}

	// Process B: its dispatcher finds the committed deliveries nobody was told about.
	urlB := startProcess(t, bin, env, "serve")
	cB := servertest.NewClient(urlB)
	if _, err := cB.Login(ctx, "admin@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	e.c = cB
	waitAllDelivered(t, e, &mu, seen, before, 30*time.Second)

	// Redis down under a worker: the dispatcher claims from the database, so deliveries still
	// go out (only the live hints and retry wake-ups need Redis).
	proxy.cut()
	const cut = 5
	for range cut {
		e.fire(t, "HostUp", nil)
	}
	waitAllDelivered(t, e, &mu, seen, before+cut, 30*time.Second)
	proxy.restore()

	// Flush Redis while a burst is being delivered.
	opt, _ := redis.ParseURL(redisURL)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	const burst = 30
	for i := range burst {
		e.fire(t, "HostUp", nil)
		if i == burst/2 {
			if err := rdb.FlushDB(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	waitAllDelivered(t, e, &mu, seen, before+cut+burst, 45*time.Second)
}

func setupInventory(t *testing.T, e *hookEnv) {
	t.Helper()
	var f struct {
		CreateFarm struct{ Farm struct{ ID string } }
	}
	e.mustOK(t, `mutation($env: ID!) { createFarm(input: {environmentId: $env, name: "web"}) { farm { id } errors { message } } }`, map[string]any{"env": e.envID}, &f)
	e.farmID = f.CreateFarm.Farm.ID
	var r struct {
		CreateFarmRole struct{ FarmRole struct{ ID string } }
	}
	e.mustOK(t, `mutation($f: ID!) { createFarmRole(input: {farmId: $f, alias: "app", roleName: "base"}) { farmRole { id } errors { message } } }`, map[string]any{"f": e.farmID}, &r)
	var s struct {
		CreateServer struct{ Server struct{ ID string } }
	}
	e.mustOK(t, `mutation($r: ID!) { createServer(input: {farmRoleId: $r, fields: {hostname: "app-1"}}) { server { id } errors { message } } }`, map[string]any{"r": r.CreateFarmRole.FarmRole.ID}, &s)
	e.server = s.CreateServer.Server.ID
}

func countReceived(mu *sync.Mutex, seen map[string]int) int {
	mu.Lock()
	defer mu.Unlock()
	return len(seen)
}

// waitAllDelivered waits until every delivery in the account succeeded and the receiver saw
// each delivery id at least once.
func waitAllDelivered(t *testing.T, e *hookEnv, mu *sync.Mutex, seen map[string]int, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		all := e.deliveries(t, "")
		done := 0
		for _, d := range all {
			if d.Status == "SUCCEEDED" {
				done++
			}
		}
		mu.Lock()
		missing := 0
		for _, d := range all {
			if seen[d.ID] == 0 {
				missing++
			}
		}
		mu.Unlock()
		if len(all) == want && done == want && missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d deliveries, %d succeeded, %d never received (want %d)", within, len(all), done, missing, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startKillableProcess is startProcess that also returns the command, for SIGKILL.
func startKillableProcess(t *testing.T, bin string, env []string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	var cmd *exec.Cmd
	base := startProcessWith(t, bin, env, func(c *exec.Cmd) { cmd = c }, args...)
	return base, cmd
}

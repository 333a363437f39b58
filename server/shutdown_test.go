package server_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestWorkerShutdownHonoursGrace stops a worker while a delivery hangs on its receiver: the
// worker gives up within SWITCHBOARD_SHUTDOWN_GRACE (it used to wait a fixed 15 s), and the
// interrupted delivery is not lost: its attempt is recorded, it stays unfinished, and the next
// process delivers it.
func TestWorkerShutdownHonoursGrace(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a retry")
	}
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unblock) // before the receiver closes (cleanups run last-in first-out)
	arrived := make(chan struct{}, 10)
	rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			arrived <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	})

	env := map[string]string{
		"SWITCHBOARD_OUTBOUND_ALLOW": "127.0.0.0/8",
		"SWITCHBOARD_SHUTDOWN_GRACE": "1s",
		"SWITCHBOARD_DATABASE_URL":   modeltest.MustPostgresURL(t),
		"SWITCHBOARD_REDIS_URL":      modeltest.MustRedisURL(t),
	}
	e := mustHookEnv(t, startOpts{env: env})
	ep, _ := e.endpoint(t, "slow", rc.srv.URL+"/hook")
	// The attempt's own timeout (30 s) is longer than the old fixed 15 s wait.
	e.webhook(t, []string{"HostUp"}, []string{ep}, map[string]any{"timeoutSeconds": 30})
	eventID := e.fire(t, "HostUp", nil)
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the delivery never reached the receiver")
	}

	start := time.Now()
	if err := e.m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("shutdown with a 1s grace took %s", took.Round(time.Millisecond))
	}
	unblock()

	// A second process on the same database and Redis finds the delivery unfinished, with the
	// interrupted attempt recorded, and delivers it.
	m2, c2 := MustStart(t, startOpts{env: env})
	if _, err := c2.Login(ctxT(t), "admin@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	e2 := &hookEnv{m: m2, c: c2, accountID: e.accountID}
	ds := e2.deliveries(t, eventID)
	if len(ds) != 1 {
		t.Fatalf("want 1 delivery, got %d", len(ds))
	}
	if d := ds[0]; d.Status == "SUCCEEDED" || d.Status == "FAILED" || d.Attempts != 1 || len(d.AttemptDetails) != 1 || d.NextAttemptAt == nil {
		t.Fatalf("after the interrupted attempt: status %s, attempts %d, details %d, next %v; want unfinished with one recorded attempt and a next attempt",
			d.Status, d.Attempts, len(d.AttemptDetails), d.NextAttemptAt)
	}
	d := e2.waitDelivery(t, eventID, 90*time.Second)
	if d.Status != "SUCCEEDED" || rc.count() != 2 {
		t.Fatalf("after restart: status %s, receiver calls %d; want SUCCEEDED after 2 calls", d.Status, rc.count())
	}
}

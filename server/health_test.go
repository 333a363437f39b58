package server_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestEndpointHealth_GraphQL runs the breaker through the real server and worker: five failed
// deliveries pause an endpoint (GraphQL shows why), the next one waits uncharged, and an
// admin's resumeEndpoint releases it to the recovered receiver.
func TestEndpointHealth_GraphQL(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	var down atomic.Bool
	down.Store(true)
	isDown := down.Load
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		if isDown() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	event := "HealthCase"
	e.mustOK(t, `mutation($a: ID!, $n: String!) { createCustomEvent(input: {scope: {scope: ACCOUNT, id: $a}, name: $n}) { customEvent { id } errors { message } } }`,
		map[string]any{"a": e.accountID, "n": event}, nil)
	ep, _ := e.endpoint(t, "flaky", rc.srv.URL+"/flaky")
	e.webhook(t, []string{event}, []string{ep}, map[string]any{"maxAttempts": 20})
	for range 5 {
		e.fire(t, event, nil)
	}
	type health struct {
		State               string
		Reason              string
		ConsecutiveFailures int
		NextProbeAt         *time.Time
	}
	read := func() health {
		var d struct{ Endpoint struct{ Health health } }
		e.mustOK(t, `query($id: ID!) { endpoint(id: $id) { health { state reason consecutiveFailures nextProbeAt } } }`, map[string]any{"id": ep}, &d)
		return d.Endpoint.Health
	}
	deadline := time.Now().Add(20 * time.Second)
	for read().State != "PAUSED" {
		if time.Now().After(deadline) {
			t.Fatalf("not paused after 5 failures: %+v (receiver calls %d)", read(), rc.count())
		}
		time.Sleep(100 * time.Millisecond)
	}
	h := read()
	if h.ConsecutiveFailures != 5 || h.NextProbeAt == nil || h.Reason == "" {
		t.Fatalf("paused health: %+v", h)
	}
	// A new event waits: nothing reaches the receiver, no attempt is charged.
	evID := e.fire(t, event, nil)
	calls := rc.count()
	time.Sleep(2 * time.Second)
	if rc.count() != calls {
		t.Fatal("a delivery reached the paused endpoint")
	}
	if ds := e.deliveries(t, evID); len(ds) != 1 || ds[0].Attempts != 0 || ds[0].Status != "PENDING" {
		t.Fatalf("waiting delivery: %+v", ds)
	}
	down.Store(false)
	var r struct {
		ResumeEndpoint struct {
			Endpoint struct{ Health health }
			Errors   []struct{ Code string }
		}
	}
	e.mustOK(t, `mutation($id: ID!) { resumeEndpoint(input: {id: $id}) { endpoint { health { state reason consecutiveFailures nextProbeAt } } errors { code } } }`, map[string]any{"id": ep}, &r)
	if len(r.ResumeEndpoint.Errors) > 0 || r.ResumeEndpoint.Endpoint.Health.State != "ACTIVE" {
		t.Fatalf("resumeEndpoint: %+v", r.ResumeEndpoint)
	}
	// Released: the waiting delivery is sent now, not when its task would have woken for the
	// next probe (30 s after the pause).
	deadline = time.Now().Add(10 * time.Second)
	for {
		ds := e.deliveries(t, evID)
		if len(ds) == 1 && ds[0].Status == "SUCCEEDED" {
			if ds[0].Attempts != 1 {
				t.Errorf("the released delivery took %d attempts", ds[0].Attempts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the released delivery was not delivered: %+v", ds)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Resuming an active endpoint is refused.
	res, err := e.c.GraphQL(ctxT(t), `mutation($id: ID!) { resumeEndpoint(input: {id: $id}) { endpoint { id } errors { code } } }`, map[string]any{"id": ep})
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, res.Errors)
	}
	mustNoErrT(t, res.Decode(&r))
	if len(r.ResumeEndpoint.Errors) != 1 || r.ResumeEndpoint.Errors[0].Code != "CONFLICT" {
		t.Fatalf("resuming an active endpoint: %+v", r.ResumeEndpoint.Errors)
	}
}

func mustNoErrT(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package server_test

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/scalr"
)

// approvalFarm is a farm in its own environment whose launches and terminations need the
// approval of the endpoint at url.
type approvalFarm struct {
	envID, farmID, endpointID, key string
}

func (e *hookEnv) approvalFarm(t *testing.T, name, url string) approvalFarm {
	t.Helper()
	var env struct {
		CreateEnvironment struct{ Environment struct{ ID string } }
	}
	e.mustOK(t, `mutation($a: ID!, $n: String!) { createEnvironment(input: {accountId: $a, name: $n}) { environment { id } errors { message } } }`,
		map[string]any{"a": e.accountID, "n": name}, &env)
	af := approvalFarm{envID: env.CreateEnvironment.Environment.ID}
	var ep struct {
		CreateEndpoint struct {
			Endpoint   struct{ ID string }
			SigningKey string
		}
	}
	e.mustOK(t, `mutation($s: ID!, $u: String!) { createEndpoint(input: {scope: {scope: ENVIRONMENT, id: $s}, name: "approver", url: $u}) { endpoint { id } signingKey errors { message } } }`,
		map[string]any{"s": af.envID, "u": url}, &ep)
	af.endpointID, af.key = ep.CreateEndpoint.Endpoint.ID, ep.CreateEndpoint.SigningKey
	e.mustOK(t, `mutation($env: ID!, $ep: ID!) { setEnvironmentApprovals(input: {environmentId: $env, endpointId: $ep, onFirstLaunch: true, onTerminate: true, expiryMinutes: 60}) { environment { id } errors { field message } } }`,
		map[string]any{"env": af.envID, "ep": af.endpointID}, nil)
	var f struct {
		CreateFarm struct{ Farm struct{ ID string } }
	}
	e.mustOK(t, `mutation($env: ID!, $n: String!) { createFarm(input: {environmentId: $env, name: $n, ownerEmail: "owner@example.com"}) { farm { id } errors { message } } }`,
		map[string]any{"env": af.envID, "n": name}, &f)
	af.farmID = f.CreateFarm.Farm.ID
	return af
}

type farmView struct {
	Status          string
	PendingApproval *struct{ ID, Status, Message string }
}

func (e *hookEnv) farm(t *testing.T, id string) farmView {
	t.Helper()
	var d struct{ Farm farmView }
	e.mustOK(t, `query($id: ID!) { farm(id: $id) { status pendingApproval { id status message } } }`, map[string]any{"id": id}, &d)
	return d.Farm
}

type approvalView struct {
	ID, Status, Message, DecidedBy string
	Delivery                       *struct {
		Status         string
		AttemptDetails []struct {
			StatusCode *int
			DurationMs *int
		}
	}
}

func (e *hookEnv) approvals(t *testing.T, farmID string) []approvalView {
	t.Helper()
	var d struct {
		Account struct {
			ApprovalRequests struct{ Edges []struct{ Node approvalView } }
		}
	}
	e.mustOK(t, `query($a: ID!, $f: ID) { account(id: $a) { approvalRequests(filter: {farmId: $f}) { edges { node {
		id status message decidedBy delivery { status attemptDetails { statusCode durationMs } } } } } } }`, map[string]any{"a": e.accountID, "f": farmID}, &d)
	out := make([]approvalView, len(d.Account.ApprovalRequests.Edges))
	for i, x := range d.Account.ApprovalRequests.Edges {
		out[i] = x.Node
	}
	return out
}

func (e *hookEnv) waitFarm(t *testing.T, id string, cond func(farmView) bool, within time.Duration) farmView {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		f := e.farm(t, id)
		if cond(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("farm did not reach the expected state within %s: %+v", within, f)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *hookEnv) launch(t *testing.T, farmID string) {
	t.Helper()
	var d struct {
		LaunchFarm struct{ Farm struct{ Status string } }
	}
	e.mustOK(t, `mutation($id: ID!) { launchFarm(input: {id: $id}) { farm { status } errors { message } } }`, map[string]any{"id": farmID}, &d)
	if d.LaunchFarm.Farm.Status != "PENDING_LAUNCH" {
		t.Fatalf("a first launch that needs approval must wait: %+v", d)
	}
}

// rawServer answers every connection with the given raw bytes, then holds or closes it.
func rawServer(t *testing.T, answer string, hold bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				r := bufio.NewReader(c)
				for { // read the request head and body until the client is waiting
					line, err := r.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				_, _ = c.Write([]byte(answer))
				if hold {
					time.Sleep(20 * time.Second)
				}
				c.Close()
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/approve"
}

func TestApprovals(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})

	// A webhook on FarmLaunched/FarmTerminated sees the farm proceed.
	var mu sync.Mutex
	launched := map[string]bool{}
	hook := newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		var p struct {
			EventName string
			Data      map[string]string
		}
		_ = json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		launched[p.EventName+":"+p.Data["SCALR_FARM_ID"]] = true
		mu.Unlock()
	})
	hookEP, _ := e.endpoint(t, "farm-events", hook.srv.URL+"/events")
	e.webhook(t, []string{"FarmLaunched", "FarmTerminated"}, []string{hookEP}, nil)

	// One HTTP approver that decides by farm name, and records what it was sent.
	var bodies sync.Map
	approver := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		var p struct {
			RequestID, Operation string
			Data                 map[string]string
		}
		_ = json.NewDecoder(r.Body).Decode(&p)
		bodies.Store(p.Data["SCALR_FARM_NAME"], p)
		w.Header().Set("Content-Type", "application/json")
		switch p.Data["SCALR_FARM_NAME"] {
		case "approve-now":
			_, _ = w.Write([]byte(`{"approval_status":"approved","message":"ok by CAB"}`))
		case "deny-now":
			_, _ = w.Write([]byte(`{"approval_status":"denied","message":"change freeze until Monday"}`))
		default:
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"approval_status":"pending","message":"ticket CHG-1 opened"}`))
		}
	})

	t.Run("ImmediateApprove", func(t *testing.T) {
		af := e.approvalFarm(t, "approve-now", approver.srv.URL)
		e.launch(t, af.farmID)
		e.waitFarm(t, af.farmID, func(f farmView) bool { return f.Status == "RUNNING" && f.PendingApproval == nil }, 10*time.Second)
		a := e.approvals(t, af.farmID)
		if len(a) != 1 || a[0].Status != "APPROVED" || a[0].Message != "ok by CAB" {
			t.Fatalf("approval: %+v", a)
		}
		v, _ := bodies.Load("approve-now")
		sent := v.(struct {
			RequestID, Operation string
			Data                 map[string]string
		})
		if sent.RequestID != a[0].ID || sent.Operation != "farm.approval.launch" || sent.Data["SCALR_FARM_OWNER_EMAIL"] != "owner@example.com" {
			t.Fatalf("approval request body: %+v", sent)
		}
		waitFlag(t, &mu, launched, "FarmLaunched:"+af.farmID)
		// Later launches need no first-launch approval; terminations always do.
		e.mustOK(t, `mutation($id: ID!) { terminateFarm(input: {id: $id}) { farm { status } errors { message } } }`, map[string]any{"id": af.farmID}, nil)
		e.waitFarm(t, af.farmID, func(f farmView) bool { return f.Status == "TERMINATED" }, 10*time.Second)
		waitFlag(t, &mu, launched, "FarmTerminated:"+af.farmID)
		var d struct {
			LaunchFarm struct{ Farm struct{ Status string } }
		}
		e.mustOK(t, `mutation($id: ID!) { launchFarm(input: {id: $id}) { farm { status } errors { message } } }`, map[string]any{"id": af.farmID}, &d)
		if d.LaunchFarm.Farm.Status != "RUNNING" {
			t.Fatalf("a second launch needs no approval: %+v", d)
		}
	})

	t.Run("ImmediateDeny", func(t *testing.T) {
		af := e.approvalFarm(t, "deny-now", approver.srv.URL)
		e.launch(t, af.farmID)
		e.waitFarm(t, af.farmID, func(f farmView) bool { return f.Status == "TERMINATED" && f.PendingApproval == nil }, 10*time.Second)
		if a := e.approvals(t, af.farmID); len(a) != 1 || a[0].Status != "DENIED" || a[0].Message != "change freeze until Monday" {
			t.Fatalf("approval: %+v", a)
		}
	})

	for _, tc := range []struct {
		name, answer string
		hold         bool
	}{
		{"102ThenHold", "HTTP/1.1 102 Processing\r\n\r\n", true},
		{"102ThenClose", "HTTP/1.1 102 Processing\r\n\r\n", false},
		{"102AsFinalStatus", "HTTP/1.1 102 Processing\r\nContent-Type: application/json\r\nContent-Length: 31\r\n\r\n{\"approval_status\":\"pending\"}\r\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			af := e.approvalFarm(t, strings.ToLower(tc.name), rawServer(t, tc.answer, tc.hold))
			e.launch(t, af.farmID)
			deadline := time.Now().Add(8 * time.Second)
			for {
				a := e.approvals(t, af.farmID)
				if len(a) == 1 && a[0].Delivery != nil && a[0].Delivery.Status == "SUCCEEDED" {
					at := a[0].Delivery.AttemptDetails
					if a[0].Status != "PENDING" || len(at) != 1 || at[0].StatusCode == nil || *at[0].StatusCode != 102 || *at[0].DurationMs > 5000 {
						t.Fatalf("a 102 answer leaves the request pending after one quick attempt: %+v %+v", a[0], at)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("request not accepted as pending: %+v", a)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if f := e.farm(t, af.farmID); f.Status != "PENDING_LAUNCH" {
				t.Fatalf("farm: %+v", f)
			}
		})
	}

	t.Run("PendingThenCallback", func(t *testing.T) {
		af := e.approvalFarm(t, "needs-callback", approver.srv.URL)
		e.launch(t, af.farmID)
		var reqID string
		deadline := time.Now().Add(8 * time.Second)
		for reqID == "" {
			// The request and its delivery are read by two queries: wait until both show the
			// committed answer (the delivery can be read after the commit, the request before).
			a := e.approvals(t, af.farmID)
			if len(a) == 1 && a[0].Delivery != nil && a[0].Delivery.Status == "SUCCEEDED" && a[0].Message != "" {
				if a[0].Status != "PENDING" || a[0].Message != "ticket CHG-1 opened" {
					t.Fatalf("202 pending keeps its message: %+v", a[0])
				}
				reqID = a[0].ID
			}
			if time.Now().After(deadline) {
				t.Fatalf("request not sent, or its answer not recorded: %+v", a)
			}
			time.Sleep(50 * time.Millisecond)
		}
		body := []byte(`{"approval_status":"approved","message":"CHG-1 approved"}`)
		post := func(id string, body []byte, date, sig string) int {
			req, _ := http.NewRequest(http.MethodPost, e.c.BaseURL+"/integration-hub/callback/"+id, strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			if date != "" {
				req.Header.Set("Date", date)
			}
			if sig != "" {
				req.Header.Set("X-Signature", sig)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		now := scalr.FormatDate(time.Now())
		stale := scalr.FormatDate(time.Now().Add(-10 * time.Minute))
		good := scalr.Sign([]byte(af.key), body, now)
		for name, c := range map[string]struct {
			id, date, sig string
			want          int
		}{
			"unsigned":      {reqID, now, "", 403},
			"bad signature": {reqID, now, scalr.Sign([]byte("another key"), body, now), 403},
			"stale date":    {reqID, stale, scalr.Sign([]byte(af.key), body, stale), 403},
			"unknown id":    {"01a1fd00-0000-7000-8000-000000000000", now, good, 404},
		} {
			if got := post(c.id, body, c.date, c.sig); got != c.want {
				t.Fatalf("%s: want %d, got %d", name, c.want, got)
			}
		}
		if f := e.farm(t, af.farmID); f.Status != "PENDING_LAUNCH" {
			t.Fatalf("refused callbacks changed the farm: %+v", f)
		}
		// RFC 1123 dates are accepted too.
		rfc := time.Now().UTC().Format(http.TimeFormat)
		if got := post(reqID, body, rfc, scalr.Sign([]byte(af.key), body, rfc)); got != 200 {
			t.Fatalf("valid callback: want 200, got %d", got)
		}
		e.waitFarm(t, af.farmID, func(f farmView) bool { return f.Status == "RUNNING" }, 5*time.Second)
		waitFlag(t, &mu, launched, "FarmLaunched:"+af.farmID)
		deny := []byte(`{"approval_status":"denied"}`)
		if got := post(reqID, deny, now, scalr.Sign([]byte(af.key), deny, now)); got != 409 {
			t.Fatalf("a second callback after the decision: want 409, got %d", got)
		}
		if f := e.farm(t, af.farmID); f.Status != "RUNNING" {
			t.Fatalf("the second callback changed the farm: %+v", f)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		af := e.approvalFarm(t, "expires", approver.srv.URL)
		e.launch(t, af.farmID)
		// Make the request overdue in the database; the worker's periodic expiry takes it.
		modeltest.Exec(t, e.m.Config.DatabaseURL, "UPDATE approval_requests SET expires_at = now() - interval '1 second' WHERE farm_id = $1", af.farmID)
		e.waitFarm(t, af.farmID, func(f farmView) bool { return f.Status == "TERMINATED" }, 15*time.Second)
		if a := e.approvals(t, af.farmID); len(a) != 1 || a[0].Status != "EXPIRED" {
			t.Fatalf("approval: %+v", a)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		af := e.approvalFarm(t, "cancel-me", approver.srv.URL)
		e.launch(t, af.farmID)
		f := e.waitFarm(t, af.farmID, func(f farmView) bool { return f.PendingApproval != nil }, 5*time.Second)
		e.mustOK(t, `mutation($id: ID!) { cancelApprovalRequest(input: {id: $id}) { approvalRequest { status } errors { message } } }`, map[string]any{"id": f.PendingApproval.ID}, nil)
		if f := e.farm(t, af.farmID); f.Status != "TERMINATED" || f.PendingApproval != nil {
			t.Fatalf("cancelled: %+v", f)
		}
	})
}

func waitFlag(t *testing.T, mu *sync.Mutex, m map[string]bool, key string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		ok := m[key]
		mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook never received %s", key)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

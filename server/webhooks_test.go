package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
	"github.com/switchboard-hub/switchboard/server"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

var allowLoopback = map[string]string{"SWITCHBOARD_OUTBOUND_ALLOW": "127.0.0.0/8"}

// hookEnv is a running Switchboard with an account, an environment, a farm with a role and a
// server, ready to define endpoints and webhooks.
type hookEnv struct {
	m                                *server.Main
	c                                *servertest.Client
	accountID, envID, farmID, server string
}

func mustHookEnv(t *testing.T, o startOpts) *hookEnv {
	t.Helper()
	if o.env == nil {
		o.env = map[string]string{}
	}
	m, c := MustStart(t, o)
	MustSetup(t, c)
	a := accountOf(t, c)
	e := &hookEnv{m: m, c: c, accountID: a.accountID, envID: a.envID}
	ctx := ctxT(t)
	var f struct {
		CreateFarm struct{ Farm struct{ ID string } }
	}
	e.mustOK(t, `mutation($env: ID!) { createFarm(input: {environmentId: $env, name: "web", ownerEmail: "owner@example.com"}) { farm { id } errors { message } } }`, map[string]any{"env": e.envID}, &f)
	e.farmID = f.CreateFarm.Farm.ID
	var r struct {
		CreateFarmRole struct{ FarmRole struct{ ID string } }
	}
	e.mustOK(t, `mutation($f: ID!) { createFarmRole(input: {farmId: $f, alias: "app", roleName: "base-ubuntu", os: "ubuntu-24.04"}) { farmRole { id } errors { message } } }`, map[string]any{"f": e.farmID}, &r)
	var s struct {
		CreateServer struct{ Server struct{ ID string } }
	}
	e.mustOK(t, `mutation($r: ID!) { createServer(input: {farmRoleId: $r, fields: {hostname: "app-1", publicIp: "203.0.113.10", privateIp: "10.0.0.10", cloudLocation: "us-east-1", cloudServerId: "i-0abc"}}) { server { id } errors { message } } }`, map[string]any{"r": r.CreateFarmRole.FarmRole.ID}, &s)
	e.server = s.CreateServer.Server.ID
	_ = ctx
	return e
}

func (e *hookEnv) mustOK(t *testing.T, q string, vars map[string]any, out any) {
	t.Helper()
	r, err := e.c.GraphQL(ctxT(t), q, vars)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("graphql errors: %+v", r.Errors)
	}
	if strings.Contains(string(r.Data), `"errors":[{`) {
		t.Fatalf("user errors: %s", r.Data)
	}
	if out != nil {
		if err := r.Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// endpoint creates an account-scope endpoint and returns its id and signing key.
func (e *hookEnv) endpoint(t *testing.T, name, url string) (string, string) {
	t.Helper()
	var d struct {
		CreateEndpoint struct {
			Endpoint   struct{ ID string }
			SigningKey string
		}
	}
	e.mustOK(t, `mutation($a: ID!, $n: String!, $u: String!) { createEndpoint(input: {scope: {scope: ACCOUNT, id: $a}, name: $n, url: $u}) { endpoint { id } signingKey errors { message } } }`,
		map[string]any{"a": e.accountID, "n": name, "u": url}, &d)
	if len(d.CreateEndpoint.SigningKey) != 64 {
		t.Fatalf("signing key: want 64 characters, got %q", d.CreateEndpoint.SigningKey)
	}
	return d.CreateEndpoint.Endpoint.ID, d.CreateEndpoint.SigningKey
}

func (e *hookEnv) webhook(t *testing.T, events []string, endpoints []string, extra map[string]any) string {
	t.Helper()
	in := map[string]any{"scope": map[string]any{"scope": "ACCOUNT", "id": e.accountID}, "name": "hook-" + strconv.Itoa(int(time.Now().UnixNano()%1e6)),
		"events": events, "endpointIds": endpoints}
	for k, v := range extra {
		in[k] = v
	}
	var d struct {
		CreateWebhook struct{ Webhook struct{ ID string } }
	}
	e.mustOK(t, `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { webhook { id } errors { field message } } }`, map[string]any{"in": in}, &d)
	return d.CreateWebhook.Webhook.ID
}

func (e *hookEnv) fire(t *testing.T, name string, params map[string]string) string {
	t.Helper()
	var kv []map[string]string
	for k, v := range params {
		kv = append(kv, map[string]string{"key": k, "value": v})
	}
	var d struct {
		FireEvent struct{ Event struct{ ID string } }
	}
	e.mustOK(t, `mutation($n: String!, $s: ID!, $p: [KeyValueInput!]) { fireEvent(input: {name: $n, serverId: $s, parameters: $p}) { event { id } errors { field message } } }`,
		map[string]any{"n": name, "s": e.server, "p": kv}, &d)
	return d.FireEvent.Event.ID
}

type deliveryView struct {
	ID, Status, Payload, LastError string
	Attempts, MaxAttempts          int
	LastStatusCode                 *int
	NextAttemptAt                  *time.Time
	AttemptDetails                 []struct {
		Number                               int
		StartedAt                            time.Time
		DurationMs                           *int
		StatusCode                           *int
		RemoteAddr, ErrorClass, ErrorMessage string
		RequestHeaders                       []struct{ Key, Value string }
		ResponseBody                         string
	}
}

func (e *hookEnv) deliveries(t *testing.T, eventID string) []deliveryView {
	t.Helper()
	var d struct {
		Account struct {
			Deliveries struct{ Edges []struct{ Node deliveryView } }
		}
	}
	var ev any
	if eventID != "" {
		ev = eventID
	}
	e.mustOK(t, `query($a: ID!, $ev: ID) { account(id: $a) { deliveries(filter: {eventId: $ev}, first: 200) { edges { node {
		id status payload lastError attempts maxAttempts lastStatusCode nextAttemptAt
		attemptDetails { number startedAt durationMs statusCode remoteAddr errorClass errorMessage requestHeaders { key value } responseBody } } } } } }`,
		map[string]any{"a": e.accountID, "ev": ev}, &d)
	out := make([]deliveryView, len(d.Account.Deliveries.Edges))
	for i, edge := range d.Account.Deliveries.Edges {
		out[i] = edge.Node
	}
	return out
}

// waitDelivery waits until the event's single delivery reaches a final status.
func (e *hookEnv) waitDelivery(t *testing.T, eventID string, within time.Duration) deliveryView {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ds := e.deliveries(t, eventID)
		if len(ds) == 1 && (ds[0].Status == "SUCCEEDED" || ds[0].Status == "FAILED") {
			return ds[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery not finished within %s: %+v", within, ds)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pyReceiver is the Python receiver that verifies signatures like Scalr's published handlers.
type pyReceiver struct {
	url, log string
}

func startPyReceiver(t *testing.T, key string, args ...string) *pyReceiver {
	t.Helper()
	dir := t.TempDir()
	keyFile, logFile := filepath.Join(dir, "key"), filepath.Join(dir, "log.jsonl")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", append([]string{"../scripts/receivers/scalr_receiver.py", "--port", "0", "--key-file", keyFile, "--log", logFile}, args...)...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("python3 receiver: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LISTENING ") {
		t.Fatalf("receiver did not start: %q %v", line, err)
	}
	return &pyReceiver{url: "http://127.0.0.1:" + strings.TrimSpace(strings.TrimPrefix(line, "LISTENING ")) + "/hooks", log: logFile}
}

type receiverLine struct {
	WebhookID        string `json:"webhookId"`
	EventName        string `json:"eventName"`
	Verified         bool   `json:"verified"`
	StandardWebhooks bool   `json:"standardWebhooks"`
}

func (p *pyReceiver) lines(t *testing.T) []receiverLine {
	t.Helper()
	raw, err := os.ReadFile(p.log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []receiverLine
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if l == "" {
			continue
		}
		var r receiverLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("receiver log line %q: %v", l, err)
		}
		out = append(out, r)
	}
	return out
}

// TestWebhookDeliveredToScalrHandler: events from an incident and fireEvent reach a receiver
// that verifies X-Signature as Scalr's Python handlers do, with the exact payload shape.
func TestWebhookDeliveredToScalrHandler(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	// The key is shown once; the receiver learns it as an operator would.
	epID, key := e.endpoint(t, "cmdb", "http://placeholder.invalid/")
	_ = epID
	rcv := startPyReceiver(t, key)
	e.mustOK(t, `mutation($id: ID!, $u: String!) { updateEndpoint(input: {id: $id, url: $u}) { endpoint { id } errors { message } } }`, map[string]any{"id": epID, "u": rcv.url}, nil)
	e.mustOK(t, `mutation($a: ID!) { setVariable(input: {scope: {scope: ACCOUNT, id: $a}, name: "CMDB_TEAM", value: "ops"}) { variable { id } errors { message } } }`, map[string]any{"a": e.accountID}, nil)
	e.mustOK(t, `mutation($a: ID!) { setVariable(input: {scope: {scope: ACCOUNT, id: $a}, name: "DB_PASSWORD", value: "s3cret", hidden: true}) { variable { id } errors { message } } }`, map[string]any{"a": e.accountID}, nil)
	e.webhook(t, []string{"HostUp", "IncidentOpened"}, []string{epID}, map[string]any{
		"userData": "team={CMDB_TEAM};pw={DB_PASSWORD};host={SCALR_SERVER_HOSTNAME};gone={NOPE}", "skipPrivateVariables": true,
	})

	evID := e.fire(t, "HostUp", map[string]string{"diskSize": "100"})
	d := e.waitDelivery(t, evID, 15*time.Second)
	if d.Status != "SUCCEEDED" || d.Attempts != 1 {
		t.Fatalf("want one successful attempt, got %+v", d)
	}
	var payload map[string]any
	if err := json.Unmarshal([]byte(d.Payload), &payload); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Payload, `{"eventName":"HostUp","eventId":"`+evID+`","timestamp":"`) {
		t.Fatalf("payload key order: %s", d.Payload)
	}
	data := payload["data"].(map[string]any)
	for k, want := range map[string]string{"SCALR_SERVER_HOSTNAME": "app-1", "SCALR_EVENT_EXTERNAL_IP": "203.0.113.10", "SCALR_FARM_NAME": "web",
		"SCALR_DISK_SIZE": "100", "CMDB_TEAM": "ops", "SCALR_EVENT_NAME": "HostUp", "SCALR_ROLE_NAME": "base-ubuntu"} {
		if data[k] != want {
			t.Errorf("data[%s] = %v, want %q", k, data[k], want)
		}
	}
	if _, leaked := data["DB_PASSWORD"]; leaked {
		t.Error("a hidden variable was sent although the webhook skips private variables")
	}
	if payload["userData"] != "team=ops;pw=s3cret;host=app-1;gone=" {
		t.Errorf("userData = %q", payload["userData"])
	}
	if _, err := time.Parse(scalr.DateLayout, payload["timestamp"].(string)); err != nil {
		t.Errorf("timestamp %q: %v", payload["timestamp"], err)
	}

	// An incident opened in the console reaches the same receiver.
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	e.mustOK(t, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "API"}) { component { id } errors { message } } }`, map[string]any{"a": e.accountID}, &cc)
	e.mustOK(t, `mutation($c: ID!) { createIncident(input: {componentId: $c, title: "Checkout down", severity: CRITICAL}) { incident { id } errors { message } } }`, map[string]any{"c": cc.CreateComponent.Component.ID}, nil)

	deadline := time.Now().Add(15 * time.Second)
	for {
		lines := rcv.lines(t)
		names := map[string]bool{}
		for _, l := range lines {
			if !l.Verified || !l.StandardWebhooks {
				t.Fatalf("the receiver refused a delivery: %+v", l)
			}
			names[l.EventName] = true
		}
		if names["HostUp"] && names["IncidentOpened"] {
			if lines[0].WebhookID != d.ID {
				t.Fatalf("X-Scalr-Webhook-Id %q is not the delivery id %q", lines[0].WebhookID, d.ID)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("receiver got %+v", lines)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// receiver is a Go HTTP receiver whose answers the test scripts.
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []time.Time
	ids   []string
	fn    func(n int, w http.ResponseWriter, r *http.Request)
}

func newReceiver(t *testing.T, fn func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	rc := &receiver{fn: fn}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rc.mu.Lock()
		rc.calls = append(rc.calls, time.Now())
		rc.ids = append(rc.ids, r.Header.Get("X-Scalr-Webhook-Id"))
		n := len(rc.calls)
		rc.mu.Unlock()
		fn(n, w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.calls)
}

func TestWebhookOutcomes(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	// The default schedule waits 30 s before a retry; these cases use a webhook's own.
	fastRetries := map[string]any{"retrySchedule": []int{2}}
	cases := []struct {
		name         string
		fn           func(n int, w http.ResponseWriter, r *http.Request)
		extra        map[string]any
		status       string
		attempts     int
		lastClass    string
		minGap       time.Duration // between the first two attempts
		within       time.Duration
		checkAttempt func(t *testing.T, d deliveryView)
	}{
		{name: "200 is one attempt", fn: func(int, http.ResponseWriter, *http.Request) {}, status: "SUCCEEDED", attempts: 1, within: 10 * time.Second},
		{name: "500 then 200 is two attempts", fn: func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.WriteHeader(500)
			}
		}, extra: fastRetries, status: "SUCCEEDED", attempts: 2, within: 20 * time.Second},
		{name: "404 fails after one", fn: func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }, status: "FAILED", attempts: 1, within: 10 * time.Second},
		{name: "attempts stop at the maximum", fn: func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) },
			extra: map[string]any{"maxAttempts": 2, "retrySchedule": []int{2}}, status: "FAILED", attempts: 2, within: 20 * time.Second},
		{name: "timeout honours the webhook's timeout", fn: func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				select {
				case <-time.After(5 * time.Second):
				case <-r.Context().Done():
				}
			}
		}, extra: map[string]any{"timeoutSeconds": 1, "retrySchedule": []int{2}}, status: "SUCCEEDED", attempts: 2, within: 25 * time.Second,
			checkAttempt: func(t *testing.T, d deliveryView) {
				a := d.AttemptDetails[0]
				if a.ErrorClass != "timeout" || a.DurationMs == nil || *a.DurationMs < 900 || *a.DurationMs > 2500 {
					t.Fatalf("first attempt should time out after ~1 s: %+v", a)
				}
			}},
		{name: "Retry-After is respected", fn: func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "6")
				w.WriteHeader(429)
			}
			// Retry-After is longer than the webhook's own 1 s wait: it wins.
		}, extra: map[string]any{"retrySchedule": []int{1}}, status: "SUCCEEDED", attempts: 2, minGap: 6 * time.Second, within: 30 * time.Second},
	}
	for i, tc := range cases {
		// Each case has its own custom event, so no other case's webhook matches it.
		event := "OutcomeCase" + strconv.Itoa(i)
		e.mustOK(t, `mutation($a: ID!, $n: String!) { createCustomEvent(input: {scope: {scope: ACCOUNT, id: $a}, name: $n}) { customEvent { id } errors { message } } }`,
			map[string]any{"a": e.accountID, "n": event}, nil)
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t, tc.fn)
			ep, _ := e.endpoint(t, tc.name, rc.srv.URL+"/"+strconv.Itoa(i))
			e.webhook(t, []string{event}, []string{ep}, tc.extra)
			evID := e.fire(t, event, nil)
			deadline := time.Now().Add(tc.within)
			var d deliveryView
			for {
				found := false
				for _, x := range e.deliveries(t, evID) {
					if rc.count() > 0 && (x.Status == "SUCCEEDED" || x.Status == "FAILED") && x.Attempts == rc.count() {
						d, found = x, true
					}
				}
				if found {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no final delivery within %s (receiver calls %d)", tc.within, rc.count())
				}
				time.Sleep(100 * time.Millisecond)
			}
			if d.Status != tc.status || d.Attempts != tc.attempts || len(d.AttemptDetails) != tc.attempts {
				t.Fatalf("want %s after %d attempts, got %s after %d (%+v)", tc.status, tc.attempts, d.Status, d.Attempts, d)
			}
			rc.mu.Lock()
			ids, calls := append([]string(nil), rc.ids...), append([]time.Time(nil), rc.calls...)
			rc.mu.Unlock()
			for _, id := range ids {
				if id != d.ID {
					t.Fatalf("every attempt must carry the delivery id %s, got %v", d.ID, ids)
				}
			}
			if tc.minGap > 0 && calls[1].Sub(calls[0]) < tc.minGap {
				t.Fatalf("second attempt came after %s, want at least %s", calls[1].Sub(calls[0]), tc.minGap)
			}
			if tc.checkAttempt != nil {
				tc.checkAttempt(t, d)
			}
		})
	}
}

// fakeResolver answers every name with fixed addresses (HA endpoints with several A records).
type fakeResolver struct{ addrs []net.IPAddr }

func (f fakeResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return f.addrs, nil
}

func TestWebhookHighAvailability(t *testing.T) {
	var got atomic.Int32
	rc := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { got.Add(1) })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(rc.srv.URL, "http://"))
	e := mustHookEnv(t, startOpts{env: allowLoopback, beforeServe: func(m *server.Main) {
		// The first address refuses connections (nothing listens on 127.0.0.2), the second is
		// the receiver.
		m.DeliveryResolver = fakeResolver{addrs: []net.IPAddr{{IP: net.ParseIP("127.0.0.2")}, {IP: net.ParseIP("127.0.0.1")}}}
	}})
	ep, _ := e.endpoint(t, "ha", "http://cmdb-ha.example.test:"+port+"/hook")
	e.webhook(t, []string{"HostDown"}, []string{ep}, nil)
	evID := e.fire(t, "HostDown", nil)
	d := e.waitDelivery(t, evID, 10*time.Second)
	if d.Status != "SUCCEEDED" || d.Attempts != 1 {
		t.Fatalf("want delivered in one attempt, got %+v", d)
	}
	a := d.AttemptDetails[0]
	if a.RemoteAddr != "127.0.0.1:"+port || a.ErrorClass != "" || a.ErrorMessage != "" {
		t.Fatalf("the attempt must record the live address and no error: %+v", a)
	}
}

func TestWebhookOutboundGuard(t *testing.T) {
	rc := newReceiver(t, func(int, http.ResponseWriter, *http.Request) {})
	e := mustHookEnv(t, startOpts{}) // loopback not allowed
	ep, _ := e.endpoint(t, "local", rc.srv.URL+"/hook")
	e.webhook(t, []string{"HostUp"}, []string{ep}, nil)
	evID := e.fire(t, "HostUp", nil)
	d := e.waitDelivery(t, evID, 10*time.Second)
	if d.Status != "FAILED" || rc.count() != 0 || d.AttemptDetails[0].ErrorClass != "refused_by_guard" {
		t.Fatalf("loopback must be refused by the outbound guard: %+v (receiver calls %d)", d, rc.count())
	}
}

// TestFireEvent_RateLimitedWhenBacklogFull: past SWITCHBOARD_OUTBOX_LIMIT, fireEvent answers a
// RATE_LIMITED GraphQL error with a retryAfter (seconds) in its extensions and records
// nothing; a repeat of an accepted call's idempotency key still returns its event.
func TestFireEvent_RateLimitedWhenBacklogFull(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	env := map[string]string{"SWITCHBOARD_OUTBOX_LIMIT": "2"}
	for k, v := range allowLoopback {
		env[k] = v
	}
	e := mustHookEnv(t, startOpts{env: env})
	ep, _ := e.endpoint(t, "down", rc.srv.URL+"/hook")
	e.webhook(t, []string{"HostUp"}, []string{ep}, nil)
	const q = `mutation($s: ID!, $k: String) { fireEvent(input: {name: "HostUp", serverId: $s, idempotencyKey: $k}) { event { id } errors { field message } } }`
	fire := func(key string) (*servertest.GQLResult, string) {
		t.Helper()
		vars := map[string]any{"s": e.server, "k": nil}
		if key != "" {
			vars["k"] = key
		}
		r, err := e.c.GraphQL(ctxT(t), q, vars)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			FireEvent *struct{ Event struct{ ID string } }
		}
		_ = r.Decode(&d)
		if d.FireEvent == nil {
			return r, ""
		}
		return r, d.FireEvent.Event.ID
	}
	_, first := fire("order-1")
	_, second := fire("")
	if first == "" || second == "" {
		t.Fatal("the first two events were not accepted")
	}
	r, id := fire("")
	if id != "" || r.Code() != "RATE_LIMITED" {
		t.Fatalf("past the limit: event %q, errors %+v", id, r.Errors)
	}
	if ra, ok := r.Errors[0].Extensions["retryAfter"].(float64); !ok || ra < 1 {
		t.Fatalf("retryAfter = %v, want whole seconds ≥ 1", r.Errors[0].Extensions["retryAfter"])
	}
	if n := len(e.deliveries(t, "")); n != 2 {
		t.Fatalf("%d deliveries, want the 2 accepted", n)
	}
	if _, again := fire("order-1"); again != first {
		t.Fatalf("a repeat of an accepted key while full: %q, want %q", again, first)
	}
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

// offsetClock is real time shifted by an offset the test changes. The rotation test keeps it in
// the past, so "days later" never lies in the real future: deliveries created at the store's
// time are due at once for the queue, and Date headers (the sender's real clock) stay fresh.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) Now() time.Time      { return time.Now().UTC().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) Set(d time.Duration) { c.off.Store(int64(d)) }

// fanOut is a local receiver that answers 200 and forwards every request, headers and body as
// received, to the receivers in targets (each one verifies with the one key it knows).
type fanOut struct {
	srv     *httptest.Server
	mu      sync.Mutex
	targets []string
	seen    []http.Header
}

func newFanOut(t *testing.T) *fanOut {
	f := &fanOut{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen = append(f.seen, r.Header.Clone())
		targets := append([]string(nil), f.targets...)
		f.mu.Unlock()
		for _, u := range targets {
			req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
			req.Header = r.Header.Clone()
			if resp, err := http.DefaultClient.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fanOut) add(u string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets = append(f.targets, u)
}

func (f *fanOut) last() http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[len(f.seen)-1]
}

// lastLine returns the receiver's verdict on the request of one delivery.
func (p *pyReceiver) verdict(t *testing.T, deliveryID string) receiverLine {
	t.Helper()
	for _, l := range p.lines(t) {
		if l.WebhookID == deliveryID {
			return l
		}
	}
	t.Fatalf("receiver %s never saw delivery %s", p.url, deliveryID)
	return receiverLine{}
}

type rotationView struct {
	InProgress, ScalrUsesNewKey     bool
	OverlapUntil, SignatureSwitchAt *time.Time
}

func (e *hookEnv) rotation(t *testing.T, id string) rotationView {
	t.Helper()
	var d struct {
		Endpoint struct{ KeyRotation rotationView }
	}
	e.mustOK(t, `query($id: ID!) { endpoint(id: $id) { keyRotation { inProgress scalrUsesNewKey overlapUntil signatureSwitchAt } } }`, map[string]any{"id": id}, &d)
	return d.Endpoint.KeyRotation
}

func (e *hookEnv) rotate(t *testing.T, id string, in map[string]any) (string, []struct{ Field, Code string }) {
	t.Helper()
	in["id"] = id
	r, err := e.c.GraphQL(ctxT(t), `mutation($in: RotateEndpointKeyInput!) { rotateEndpointKey(input: $in) { signingKey errors { field code message } } }`, map[string]any{"in": in})
	if err != nil || len(r.Errors) > 0 {
		t.Fatalf("rotateEndpointKey: %v %+v", err, r)
	}
	var d struct {
		RotateEndpointKey struct {
			SigningKey *string
			Errors     []struct{ Field, Code string }
		}
	}
	if err := r.Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.RotateEndpointKey.SigningKey == nil {
		return "", d.RotateEndpointKey.Errors
	}
	return *d.RotateEndpointKey.SigningKey, d.RotateEndpointKey.Errors
}

// TestEndpointKeyRotationOverlap: a receiver that knows only the old key keeps verifying both
// signatures during the overlap until the X-Signature switch, and the Standard Webhooks one
// until the overlap ends; a receiver that knows only the new key verifies webhook-signature
// from the rotation on and X-Signature from the switch on; after the overlap only the new key
// signs. The receivers are the Python ones that check signatures as Scalr's handlers and the
// Standard Webhooks libraries do.
func TestEndpointKeyRotationOverlap(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	clk := &offsetClock{}
	const day = 24 * time.Hour
	// Session tokens are checked with the store's clock: sign in again at each new time.
	setClock := func(t *testing.T, d time.Duration) {
		t.Helper()
		clk.Set(d)
		if _, err := e.c.Login(ctxT(t), "admin@example.com", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	e.m.Store.SetClock(clk.Now)
	setClock(t, -9*day)

	fan := newFanOut(t)
	ep, oldKey := e.endpoint(t, "rotating", fan.srv.URL+"/hook")
	oldRx := startPyReceiver(t, oldKey)
	fan.add(oldRx.url)
	e.webhook(t, []string{"HostUp"}, []string{ep}, nil)

	t.Run("ErrOutOfRange", func(t *testing.T) {
		if _, errs := e.rotate(t, ep, map[string]any{"overlapSeconds": 8 * 86400}); len(errs) != 1 || errs[0].Field != "overlapSeconds" {
			t.Fatalf("an 8-day overlap: %+v", errs)
		}
		// 18446744074 s is 2^64 ns plus 0.29 s: multiplied into a Duration first, it wrapped to
		// a valid 0.29 s overlap.
		if _, errs := e.rotate(t, ep, map[string]any{"overlapSeconds": int64(18446744074)}); len(errs) != 1 || errs[0].Field != "overlapSeconds" {
			t.Fatalf("an overlap of 18446744074 s: %+v", errs)
		}
		late := clk.Now().Add(2 * day).Format(time.RFC3339)
		if _, errs := e.rotate(t, ep, map[string]any{"overlapSeconds": 86400, "signatureSwitchAt": late}); len(errs) != 1 || errs[0].Field != "signatureSwitchAt" {
			t.Fatalf("a switch after the overlap: %+v", errs)
		}
		if r := e.rotation(t, ep); r.InProgress {
			t.Fatalf("a refused rotation changed the endpoint: %+v", r)
		}
	})

	t0 := clk.Now()
	switchAt := t0.Add(3 * day)
	newKey, errs := e.rotate(t, ep, map[string]any{"overlapSeconds": 7 * 86400, "signatureSwitchAt": switchAt.Format(time.RFC3339Nano)})
	if len(errs) > 0 || len(newKey) != 64 || newKey == oldKey {
		t.Fatalf("rotate: key %q errors %+v", newKey, errs)
	}
	newRx := startPyReceiver(t, newKey)
	fan.add(newRx.url)

	deliverAt := func(t *testing.T, at time.Duration) string {
		t.Helper()
		setClock(t, -9*day+at)
		d := e.waitDelivery(t, e.fire(t, "HostUp", nil), 15*time.Second)
		if d.Status != "SUCCEEDED" {
			t.Fatalf("delivery %+v", d)
		}
		return d.ID
	}
	entries := func() int { return len(strings.Fields(fan.last().Get("webhook-signature"))) }

	t.Run("OverlapBeforeSwitch", func(t *testing.T) {
		id := deliverAt(t, time.Hour)
		if r := e.rotation(t, ep); !r.InProgress || r.ScalrUsesNewKey || r.OverlapUntil == nil || !r.SignatureSwitchAt.Equal(switchAt.Truncate(time.Microsecond)) {
			t.Fatalf("rotation state %+v", r)
		}
		if o := oldRx.verdict(t, id); !o.Verified || !o.StandardWebhooks {
			t.Fatalf("the old-key receiver must verify both signatures during the overlap: %+v", o)
		}
		if n := newRx.verdict(t, id); n.Verified || !n.StandardWebhooks {
			t.Fatalf("the new-key receiver must verify webhook-signature only, before the switch: %+v", n)
		}
		if entries() != 2 {
			t.Fatalf("webhook-signature %q: want two signatures", fan.last().Get("webhook-signature"))
		}
	})
	t.Run("OverlapAfterSwitch", func(t *testing.T) {
		id := deliverAt(t, 4*day)
		if r := e.rotation(t, ep); !r.InProgress || !r.ScalrUsesNewKey {
			t.Fatalf("rotation state %+v", r)
		}
		if o := oldRx.verdict(t, id); o.Verified || !o.StandardWebhooks {
			t.Fatalf("after the switch the old-key receiver verifies webhook-signature only: %+v", o)
		}
		if n := newRx.verdict(t, id); !n.Verified || !n.StandardWebhooks {
			t.Fatalf("after the switch the new-key receiver verifies both: %+v", n)
		}
		if entries() != 2 {
			t.Fatalf("webhook-signature %q: want two signatures", fan.last().Get("webhook-signature"))
		}
	})
	t.Run("AfterOverlap", func(t *testing.T) {
		id := deliverAt(t, 8*day)
		if r := e.rotation(t, ep); r.InProgress || !r.ScalrUsesNewKey || r.OverlapUntil != nil {
			t.Fatalf("rotation state %+v", r)
		}
		if o := oldRx.verdict(t, id); o.Verified || o.StandardWebhooks {
			t.Fatalf("after the overlap the old key must not sign: %+v", o)
		}
		if n := newRx.verdict(t, id); !n.Verified || !n.StandardWebhooks {
			t.Fatalf("after the overlap the new key signs both: %+v", n)
		}
		if entries() != 1 {
			t.Fatalf("webhook-signature %q: want one signature", fan.last().Get("webhook-signature"))
		}
	})
	t.Run("FinishEarly", func(t *testing.T) {
		// Default switch: the end of the overlap (Scalr handlers keep the old key meanwhile).
		third, errs := e.rotate(t, ep, map[string]any{"overlapSeconds": 2 * 86400})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		r := e.rotation(t, ep)
		if !r.InProgress || r.ScalrUsesNewKey || r.SignatureSwitchAt == nil || !r.SignatureSwitchAt.Equal(*r.OverlapUntil) {
			t.Fatalf("default switch must be the end of the overlap: %+v", r)
		}
		if _, errs := e.rotate(t, ep, map[string]any{"overlapSeconds": 60}); len(errs) != 1 || errs[0].Code != "CONFLICT" {
			t.Fatalf("rotating during a rotation must be refused: %+v", errs)
		}
		thirdRx := startPyReceiver(t, third)
		fan.add(thirdRx.url)
		e.mustOK(t, `mutation($id: ID!) { finishEndpointKeyRotation(input: {id: $id}) { endpoint { id } errors { message } } }`, map[string]any{"id": ep}, nil)
		if r := e.rotation(t, ep); r.InProgress {
			t.Fatalf("finished rotation still in progress: %+v", r)
		}
		id := deliverAt(t, 8*day+time.Hour)
		if n := newRx.verdict(t, id); n.Verified || n.StandardWebhooks {
			t.Fatalf("a finished rotation's old key must not sign: %+v", n)
		}
		if n := thirdRx.verdict(t, id); !n.Verified || !n.StandardWebhooks {
			t.Fatalf("the newest key must sign both: %+v", n)
		}
	})
}

// TestEndpointCustomHeaders: headers reach the receiver on every attempt, are validated with
// field errors that change nothing, are sealed at rest, redacted in the attempt history and shown
// redacted to viewers.
func TestEndpointCustomHeaders(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	var got sync.Map
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		got.Store("X-Api-Key", r.Header.Get("X-Api-Key"))
		got.Store("Authorization", r.Header.Get("Authorization"))
	})
	var d struct {
		CreateEndpoint struct {
			Endpoint struct {
				ID      string
				Headers []struct{ Name, Value string }
			}
		}
	}
	e.mustOK(t, `mutation($a: ID!, $u: String!) { createEndpoint(input: {scope: {scope: ACCOUNT, id: $a}, name: "with headers", url: $u,
		headers: [{name: "X-Api-Key", value: " s3cret-api-key "}, {name: "Authorization", value: "Bearer receiver-token"}]}) {
		endpoint { id headers { name value } } errors { field message } } }`, map[string]any{"a": e.accountID, "u": rc.srv.URL + "/hook"}, &d)
	ep := d.CreateEndpoint.Endpoint.ID
	if h := d.CreateEndpoint.Endpoint.Headers; len(h) != 2 || h[0].Value != "s3cret-api-key" {
		t.Fatalf("admin sees the values (trimmed): %+v", h)
	}
	e.webhook(t, []string{"HostUp"}, []string{ep}, nil)
	del := e.waitDelivery(t, e.fire(t, "HostUp", nil), 15*time.Second)
	if v, _ := got.Load("X-Api-Key"); v != "s3cret-api-key" {
		t.Fatalf("receiver saw X-Api-Key %q", v)
	}
	if v, _ := got.Load("Authorization"); v != "Bearer receiver-token" {
		t.Fatalf("receiver saw Authorization %q", v)
	}
	for _, h := range del.AttemptDetails[0].RequestHeaders {
		if strings.Contains(h.Value, "s3cret") || strings.Contains(h.Value, "receiver-token") {
			t.Fatalf("the attempt history holds a header value: %+v", h)
		}
	}

	t.Run("SealedAtRest", func(t *testing.T) {
		var raw []byte
		if err := e.m.DB.Raw("SELECT custom_headers_enc FROM endpoints WHERE id = ?", ep).Row().Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 || bytes.Contains(raw, []byte("s3cret")) || bytes.Contains(raw, []byte("X-Api-Key")) {
			t.Fatalf("custom headers stored in plaintext: %q", raw)
		}
		var n int64
		if err := e.m.DB.Raw("SELECT count(*) FROM delivery_attempts WHERE CAST(request_headers AS TEXT) LIKE ?", "%s3cret%").Row().Scan(&n); err != nil || n != 0 {
			t.Fatalf("attempts storing the value: %d %v", n, err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		cases := []struct {
			name, value, field string
		}{
			{"Bad Name", "x", "headers.0.name"},
			{"X-Signature", "x", "headers.0.name"},
			{"content-type", "text/plain", "headers.0.name"},
			{"Webhook-Signature", "v1,forged", "headers.0.name"},
			{"X-Scalr-Webhook-Id", "x", "headers.0.name"},
			{"Host", "evil.example", "headers.0.name"},
			{"X-Split", "a\r\nX-Injected: 1", "headers.0.value"},
			{"X-Nul", "a\x00b", "headers.0.value"},
			{"X-Long", strings.Repeat("v", 2049), "headers.0.value"},
		}
		for _, tc := range cases {
			r, err := e.c.GraphQL(ctxT(t), `mutation($id: ID!, $h: [EndpointHeaderInput!]) { updateEndpoint(input: {id: $id, name: "renamed", headers: $h}) { endpoint { id } errors { field code } } }`,
				map[string]any{"id": ep, "h": []map[string]string{{"name": tc.name, "value": tc.value}}})
			if err != nil || len(r.Errors) > 0 {
				t.Fatal(err, r.Errors)
			}
			var out struct {
				UpdateEndpoint struct {
					Errors []struct{ Field, Code string }
				}
			}
			_ = r.Decode(&out)
			if errs := out.UpdateEndpoint.Errors; len(errs) != 1 || errs[0].Field != tc.field || errs[0].Code != "INVALID" {
				t.Errorf("%q: %q: errors %+v, want INVALID on %s", tc.name, tc.value, errs, tc.field)
			}
		}
		var after struct {
			Endpoint struct {
				Name    string
				Headers []struct{ Name, Value string }
			}
		}
		e.mustOK(t, `query($id: ID!) { endpoint(id: $id) { name headers { name value } } }`, map[string]any{"id": ep}, &after)
		if after.Endpoint.Name != "with headers" || len(after.Endpoint.Headers) != 2 || after.Endpoint.Headers[1].Value != "Bearer receiver-token" {
			t.Fatalf("a refused update changed the endpoint: %+v", after)
		}
	})

	t.Run("ViewerSeesNamesOnly", func(t *testing.T) {
		viewer, _ := addUser(t, fixture{c: e.c, accountID: e.accountID}, "viewer@example.com", "VIEWER")
		var v struct {
			Endpoint struct {
				Revealed bool
				Headers  []struct{ Name, Value string }
			}
		}
		if err := viewer.MustOK(ctxT(t), `query($id: ID!) { endpoint(id: $id) { revealed headers { name value } } }`, map[string]any{"id": ep}, &v); err != nil {
			t.Fatal(err)
		}
		if v.Endpoint.Revealed || len(v.Endpoint.Headers) != 2 || v.Endpoint.Headers[0].Name != "X-Api-Key" ||
			v.Endpoint.Headers[0].Value != "••••" || v.Endpoint.Headers[1].Value != "••••" {
			t.Fatalf("viewer: %+v", v)
		}
	})

	t.Run("RemoveAll", func(t *testing.T) {
		e.mustOK(t, `mutation($id: ID!) { updateEndpoint(input: {id: $id, headers: []}) { endpoint { id } errors { message } } }`, map[string]any{"id": ep}, nil)
		var raw []byte
		if err := e.m.DB.Raw("SELECT custom_headers_enc FROM endpoints WHERE id = ?", ep).Row().Scan(&raw); err != nil || raw != nil {
			t.Fatalf("after removing every header: %q %v", raw, err)
		}
	})
}

// TestEndpointURLRedaction: endpoint URLs are credentials. Viewers, and tenant admins looking at
// a shared system endpoint, see scheme and host only, in Endpoint.url and in the attempts of
// deliveries; admins of the endpoint's scope see it whole.
func TestEndpointURLRedaction(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	root := fixture{c: e.c, accountID: e.accountID}
	// The shared system endpoint's receiver redirects to itself once, then repeats its URL and
	// the request's headers in its answer's headers and body, as some receivers do.
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hop") == "" {
			w.Header().Set("Location", r.URL.String()+"&hop=2")
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("Content-Location", r.URL.String())
		w.Header().Set("X-Echo-Api-Key", r.Header.Get("X-Api-Key"))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"url": r.URL.String(), "headers": r.Header})
	})
	ctx := ctxT(t)

	const slack = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"
	own, _ := e.endpoint(t, "slack", slack)
	sysURL := rc.srv.URL + "/system/hook?token=SYSTEMSECRET"
	var s struct {
		CreateEndpoint struct{ Endpoint struct{ ID, URL string } }
	}
	e.mustOK(t, `mutation($u: String!) { createEndpoint(input: {scope: {scope: SYSTEM}, name: "shared", url: $u, shared: true, headers: [{name: "X-Api-Key", value: "HEADERSECRET"}]}) { endpoint { id url } errors { message } } }`,
		map[string]any{"u": sysURL}, &s)
	sys := s.CreateEndpoint.Endpoint.ID
	if s.CreateEndpoint.Endpoint.URL != sysURL {
		t.Fatalf("the system administrator sees %q", s.CreateEndpoint.Endpoint.URL)
	}

	viewer, _ := addUser(t, root, "viewer@example.com", "VIEWER")
	tenantAdmin, _ := addUser(t, root, "owner@example.com", "OWNER")

	urlOf := func(t *testing.T, c *servertest.Client, id string) (string, bool) {
		t.Helper()
		var d struct {
			Endpoint *struct {
				URL      string
				Revealed bool
			}
		}
		if err := c.MustOK(ctx, `query($id: ID!) { endpoint(id: $id) { url revealed } }`, map[string]any{"id": id}, &d); err != nil {
			t.Fatal(err)
		}
		if d.Endpoint == nil {
			t.Fatalf("endpoint %s not visible", id)
		}
		return d.Endpoint.URL, d.Endpoint.Revealed
	}
	redactedSys := rc.srv.URL + "/…"
	tests := []struct {
		name   string
		c      *servertest.Client
		id     string
		want   string
		reveal bool
	}{
		{"ViewerOwnEndpoint", viewer, own, "https://hooks.slack.com/…", false},
		{"ViewerSharedSystemEndpoint", viewer, sys, redactedSys, false},
		{"TenantAdminOwnEndpoint", tenantAdmin, own, slack, true},
		{"TenantAdminSharedSystemEndpoint", tenantAdmin, sys, redactedSys, false},
		{"SystemAdmin", e.c, sys, sysURL, true},
		{"SystemAdminAccountEndpoint", e.c, own, slack, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reveal := urlOf(t, tt.c, tt.id)
			if got != tt.want || reveal != tt.reveal {
				t.Fatalf("url %q revealed %v, want %q %v", got, reveal, tt.want, tt.reveal)
			}
		})
	}
	t.Run("ViewerList", func(t *testing.T) {
		var d struct{ UsableEndpoints []struct{ URL string } }
		if err := viewer.MustOK(ctx, `query($a: ID!) { usableEndpoints(scope: {scope: ACCOUNT, id: $a}) { url } }`, map[string]any{"a": e.accountID}, &d); err != nil {
			t.Fatal(err)
		}
		for _, ep := range d.UsableEndpoints {
			if strings.Contains(ep.URL, "SECRET") {
				t.Fatalf("a viewer lists %q", ep.URL)
			}
		}
	})

	t.Run("AttemptURLs", func(t *testing.T) {
		// The tenant admin's webhook sends to the shared system endpoint; the attempt history is
		// theirs to read, the system endpoint's URL is not.
		var w struct {
			CreateWebhook struct{ Webhook struct{ ID string } }
		}
		if err := tenantAdmin.MustOK(ctx, `mutation($a: ID!, $e: ID!) { createWebhook(input: {scope: {scope: ACCOUNT, id: $a}, name: "to system", endpointIds: [$e], events: ["HostUp"]}) { webhook { id } errors { message } } }`,
			map[string]any{"a": e.accountID, "e": sys}, &w); err != nil {
			t.Fatal(err)
		}
		ev := e.fire(t, "HostUp", nil)
		e.waitDelivery(t, ev, 15*time.Second)
		q := `query($a: ID!, $ev: ID) { account(id: $a) { deliveries(filter: {eventId: $ev}) { edges { node { endpoint { url } attemptDetails { url } } } } } }`
		type view struct {
			Account struct {
				Deliveries struct {
					Edges []struct {
						Node struct {
							Endpoint       struct{ URL string }
							AttemptDetails []struct{ URL string }
						}
					}
				}
			}
		}
		var asTenant, asRoot view
		if err := tenantAdmin.MustOK(ctx, q, map[string]any{"a": e.accountID, "ev": ev}, &asTenant); err != nil {
			t.Fatal(err)
		}
		if err := e.c.MustOK(ctx, q, map[string]any{"a": e.accountID, "ev": ev}, &asRoot); err != nil {
			t.Fatal(err)
		}
		if len(asTenant.Account.Deliveries.Edges) != 1 || len(asRoot.Account.Deliveries.Edges) != 1 {
			t.Fatalf("deliveries %+v", asTenant)
		}
		tn, rn := asTenant.Account.Deliveries.Edges[0].Node, asRoot.Account.Deliveries.Edges[0].Node
		if tn.Endpoint.URL != redactedSys || len(tn.AttemptDetails) == 0 || tn.AttemptDetails[0].URL != redactedSys {
			t.Fatalf("tenant admin reads %+v", tn)
		}
		if rn.Endpoint.URL != sysURL || rn.AttemptDetails[0].URL != sysURL+"&hop=2" {
			t.Fatalf("system administrator reads %+v", rn)
		}

		// What the receiver answered repeats the URL and the custom header's value: the tenant
		// admin reads none of it anywhere in the attempt; the system administrator reads it all.
		full := `query($a: ID!, $ev: ID) { account(id: $a) { deliveries(filter: {eventId: $ev}) { edges { node { endpoint { url } attemptDetails {
			url remoteAddr statusCode errorClass errorMessage requestHeaders { key value } responseHeaders { key value } responseBody responseHidden } } } } } }`
		read := func(t *testing.T, c *servertest.Client) string {
			t.Helper()
			var d map[string]any
			if err := c.MustOK(ctx, full, map[string]any{"a": e.accountID, "ev": ev}, &d); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		rootView, tenantView := read(t, e.c), read(t, tenantAdmin)
		for _, secret := range []string{"SYSTEMSECRET", "HEADERSECRET"} {
			if strings.Count(rootView, secret) < 2 {
				t.Fatalf("the receiver did not echo %s: %s", secret, rootView)
			}
			if strings.Contains(tenantView, secret) {
				t.Errorf("the tenant admin reads %s: %s", secret, tenantView)
			}
		}
		if !strings.Contains(tenantView, `"statusCode":200`) || !strings.Contains(tenantView, `"responseHidden":true`) {
			t.Errorf("the tenant admin does not read the status, or that the response is withheld: %s", tenantView)
		}
		if !strings.Contains(rootView, `"responseHidden":false`) {
			t.Errorf("the system administrator is told the response is withheld: %s", rootView)
		}
	})
}

// hostResolver answers per host name (tests of save-time warnings).
type hostResolver map[string][]net.IPAddr

func (r hostResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestEndpointSaveWarnsOutboundGuard: saving a URL whose host currently resolves to an address
// the outbound guard refuses succeeds with a warning (DNS can change); a clean host gives none.
func TestEndpointSaveWarnsOutboundGuard(t *testing.T) {
	e := mustHookEnv(t, startOpts{beforeServe: func(m *server.Main) {
		m.DeliveryResolver = hostResolver{
			"cgn.example":    {{IP: net.ParseIP("203.0.113.7")}, {IP: net.ParseIP("100.64.12.34")}},
			"public.example": {{IP: net.ParseIP("203.0.113.7")}},
			"mixed.example":  {{IP: net.ParseIP("100.64.1.2")}, {IP: net.ParseIP("100.100.100.200")}, {IP: net.ParseIP("169.254.10.20")}},
		}
	}})
	create := func(t *testing.T, u string) (string, []string) {
		t.Helper()
		var d struct {
			CreateEndpoint struct {
				Endpoint struct{ ID string }
				Warnings []string
			}
		}
		e.mustOK(t, `mutation($a: ID!, $u: String!) { createEndpoint(input: {scope: {scope: ACCOUNT, id: $a}, name: $u, url: $u}) { endpoint { id } warnings errors { message } } }`,
			map[string]any{"a": e.accountID, "u": u}, &d)
		if d.CreateEndpoint.Endpoint.ID == "" {
			t.Fatal("not saved")
		}
		return d.CreateEndpoint.Endpoint.ID, d.CreateEndpoint.Warnings
	}
	t.Run("Metadata", func(t *testing.T) {
		_, w := create(t, "http://169.254.169.254/latest/meta-data/")
		if len(w) != 1 || !strings.Contains(w[0], "169.254.169.254") || !strings.Contains(w[0], "link-local") {
			t.Fatalf("warnings %q", w)
		}
	})
	t.Run("CarrierGradeNAT", func(t *testing.T) {
		// The rule is named, not what the API process's DNS answered (internal information).
		_, w := create(t, "https://cgn.example/hook")
		if len(w) != 1 || !strings.Contains(w[0], "cgn.example") || !strings.Contains(w[0], "carrier-grade NAT") ||
			strings.Contains(w[0], "100.64.12.34") || strings.Contains(w[0], "203.0.113.7") {
			t.Fatalf("warnings %q", w)
		}
	})
	t.Run("OneWarningPerRule", func(t *testing.T) {
		_, w := create(t, "https://mixed.example/hook")
		if len(w) != 2 || !strings.Contains(w[0], "carrier-grade NAT") || !strings.Contains(w[1], "link-local") {
			t.Fatalf("warnings %q", w)
		}
		for _, a := range []string{"100.64.1.2", "100.100.100.200", "169.254.10.20"} {
			if strings.Contains(strings.Join(w, " "), a) {
				t.Fatalf("warnings name %s: %q", a, w)
			}
		}
	})
	t.Run("NAT64Literal", func(t *testing.T) {
		_, w := create(t, "http://[64:ff9b::a9fe:a9fe]/")
		if len(w) != 1 || !strings.Contains(w[0], "NAT64") || !strings.Contains(w[0], "64:ff9b::a9fe:a9fe") {
			t.Fatalf("warnings %q", w)
		}
	})
	t.Run("Clean", func(t *testing.T) {
		id, w := create(t, "https://public.example/hook")
		if len(w) != 0 {
			t.Fatalf("warnings %q", w)
		}
		var d struct {
			UpdateEndpoint struct{ Warnings []string }
		}
		e.mustOK(t, `mutation($id: ID!) { updateEndpoint(input: {id: $id, url: "https://cgn.example/moved"}) { warnings errors { message } } }`, map[string]any{"id": id}, &d)
		if len(d.UpdateEndpoint.Warnings) != 1 {
			t.Fatalf("update warnings %q", d.UpdateEndpoint.Warnings)
		}
	})
}

package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// TestSystemDeliveryHistory: a system administrator follows a test event to a system endpoint
// to its end (what the console's test dialog does: it polls delivery(id)), sees it live, finds
// system webhook deliveries in the system history, and resends them; a tenant administrator
// sees none of it.
func TestSystemDeliveryHistory(t *testing.T) {
	e := mustHookEnv(t, startOpts{env: allowLoopback})
	ctx := ctxT(t)
	rc := newReceiver(t, func(int, http.ResponseWriter, *http.Request) {})

	var ep struct {
		CreateEndpoint struct{ Endpoint struct{ ID string } }
	}
	e.mustOK(t, `mutation($u: String!) { createEndpoint(input: {scope: {scope: SYSTEM}, name: "ops", url: $u}) { endpoint { id } errors { message } } }`,
		map[string]any{"u": rc.srv.URL + "/ops"}, &ep)
	sysEp := ep.CreateEndpoint.Endpoint.ID
	e.mustOK(t, `mutation($e: ID!) { createWebhook(input: {scope: {scope: SYSTEM}, name: "ops", endpointIds: [$e], events: ["HostUp"]}) { webhook { id } errors { message } } }`,
		map[string]any{"e": sysEp}, nil)

	sub, err := servertest.Subscribe(ctx, e.c.BaseURL, e.c.Token, `subscription { systemDeliveryChanged { id status accountId } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	var st struct {
		SendTestEvent struct{ Delivery struct{ ID string } }
	}
	e.mustOK(t, `mutation($e: ID!) { sendTestEvent(input: {id: $e}) { delivery { id } errors { message } } }`, map[string]any{"e": sysEp}, &st)
	testID := st.SendTestEvent.Delivery.ID

	// The dialog's poll: the delivery must be readable, and finish.
	deadline := time.Now().Add(15 * time.Second)
	for {
		var d struct {
			Delivery *struct {
				ID, Status string
				AccountID  *string
				Event      *struct{ ID, Name string }
			}
		}
		e.mustOK(t, `query($id: ID!) { delivery(id: $id) { id status accountId event { id name } } }`, map[string]any{"id": testID}, &d)
		if d.Delivery == nil {
			t.Fatal("a system administrator cannot read the test delivery to a system endpoint: the console's dialog waits forever")
		}
		if d.Delivery.Event == nil || d.Delivery.Event.Name != "TestEvent" {
			t.Fatalf("the system test delivery's event: %+v", d.Delivery.Event)
		}
		if d.Delivery.AccountID != nil {
			t.Fatalf("system test delivery filed under account %s", *d.Delivery.AccountID)
		}
		if d.Delivery.Status == "SUCCEEDED" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("test delivery not finished: %+v", d.Delivery)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// ...and it was announced live on the system channel.
	waitLive := func(id, status string) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case ev, ok := <-sub.Events:
				if !ok {
					t.Fatalf("system subscription ended: %v", sub.Err())
				}
				var m struct {
					SystemDeliveryChanged struct{ ID, Status string }
				}
				if err := json.Unmarshal(ev, &m); err != nil {
					t.Fatal(err)
				}
				if m.SystemDeliveryChanged.ID == id && m.SystemDeliveryChanged.Status == status {
					return
				}
			case <-timeout:
				t.Fatalf("no live update of system delivery %s to %s", id, status)
			}
		}
	}
	waitLive(testID, "SUCCEEDED")

	// A system webhook's delivery of a tenant event is in the system history, filterable.
	evID := e.fire(t, "HostUp", nil)
	type conn struct {
		Edges []struct {
			Node struct{ ID, EventName, Status string }
		}
	}
	var sys struct{ SystemDeliveries conn }
	deadline = time.Now().Add(15 * time.Second)
	for {
		e.mustOK(t, `{ systemDeliveries(filter: {eventNames: ["HostUp"], responseClasses: [HTTP_2XX]}) { edges { node { id eventName status } } } }`, nil, &sys)
		if len(sys.SystemDeliveries.Edges) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("system history: %+v", sys)
		}
		time.Sleep(100 * time.Millisecond)
	}
	hostUp := sys.SystemDeliveries.Edges[0].Node.ID
	if ds := e.deliveries(t, evID); len(ds) != 0 {
		t.Fatalf("the account's history holds the system delivery: %+v", ds)
	}
	var all struct{ SystemDeliveries conn }
	e.mustOK(t, `{ systemDeliveries(filter: {search: "SCALR_TEST_MESSAGE"}) { edges { node { id eventName } } } }`, nil, &all)
	if len(all.SystemDeliveries.Edges) != 1 || all.SystemDeliveries.Edges[0].Node.ID != testID {
		t.Fatalf("search in the system history: %+v", all)
	}
	e.mustOK(t, `mutation($id: ID!) { resendDelivery(input: {id: $id}) { delivery { id } errors { message } } }`, map[string]any{"id": hostUp}, nil)
	waitLive(hostUp, "SUCCEEDED")
	e.mustOK(t, `mutation($e: ID!) { retryFailedDeliveries(input: {endpointId: $e, since: "2000-01-01T00:00:00Z"}) { queued errors { message } } }`, map[string]any{"e": sysEp}, nil)

	// A tenant administrator: no system history, no system delivery, no live system channel.
	tenant, _ := addUser(t, fixture{c: e.c, accountID: e.accountID}, "tenant-admin@example.com", "ADMIN")
	r, err := tenant.GraphQL(ctx, `{ systemDeliveries { edges { node { id } } } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "system administrators") {
		t.Fatalf("tenant read the system history: %s %+v", r.Data, r.Errors)
	}
	r, err = tenant.GraphQL(ctx, `query($id: ID!) { delivery(id: $id) { id payload } }`, map[string]any{"id": testID})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.Data), `"delivery":null`) {
		t.Fatalf("tenant read a system delivery: %s", r.Data)
	}
	r, err = tenant.GraphQL(ctx, `mutation($e: ID!) { retryFailedDeliveries(input: {endpointId: $e, since: "2000-01-01T00:00:00Z"}) { queued errors { code } } }`, map[string]any{"e": sysEp})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.Data), "FORBIDDEN") {
		t.Fatalf("tenant retried system deliveries: %s %+v", r.Data, r.Errors)
	}
	tsub, err := servertest.Subscribe(ctx, tenant.BaseURL, tenant.Token, `subscription { systemDeliveryChanged { id } }`, nil)
	if err == nil {
		defer tsub.Close()
		select {
		case ev, ok := <-tsub.Events:
			if ok {
				t.Fatalf("tenant followed system deliveries: %s", ev)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("tenant's system subscription was neither refused nor closed")
		}
	}
}

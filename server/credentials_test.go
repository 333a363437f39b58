package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// TestRevokedTokenStopsOpenSubscription: a websocket authenticates once, at connection_init;
// revoking the API token must still end what that socket can see.
func TestRevokedTokenStopsOpenSubscription(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	var tok struct {
		CreateApiToken struct {
			ApiToken struct{ ID string }
			Secret   string
		}
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "watcher", role: ADMIN}) { apiToken { id } secret } }`, map[string]any{"a": a.accountID}, &tok); err != nil {
		t.Fatal(err)
	}
	sub, err := servertest.Subscribe(ctx, c.BaseURL, tok.CreateApiToken.Secret, activitySub, map[string]any{"a": a.accountID})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	time.Sleep(100 * time.Millisecond)
	// The revocation itself is an audited change; the subscriber may or may not see it, but
	// nothing after it.
	if err := c.MustOK(ctx, `mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { id } } }`, map[string]any{"id": tok.CreateApiToken.ApiToken.ID}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { createEnvironment(input: {accountId: $a, name: "after-revocation"}) { environment { id } } }`, map[string]any{"a": a.accountID}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case raw, ok := <-sub.Events:
			if !ok {
				return // ended: good
			}
			if strings.Contains(string(raw), "after-revocation") {
				t.Fatalf("a revoked token's open subscription still received %s", raw)
			}
		case <-deadline:
			return // nothing more arrived: good
		}
	}
}

func TestAPITokenCannotMintTokens(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	var tok struct {
		CreateApiToken struct{ Secret string }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!, $e: Time!) { createApiToken(input: {accountId: $a, name: "ci", role: OWNER, expiresAt: $e}) { secret } }`,
		map[string]any{"a": a.accountID, "e": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &tok); err != nil {
		t.Fatal(err)
	}
	api := &servertest.Client{BaseURL: c.BaseURL, HTTP: c.HTTP, Token: tok.CreateApiToken.Secret}
	r, err := api.GraphQL(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "forever", role: OWNER}) { secret errors { code message } } }`, map[string]any{"a": a.accountID})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.Data), `"secret":null`) || !strings.Contains(string(r.Data), "FORBIDDEN") {
		t.Fatalf("a token minted a token: %s %+v", r.Data, r.Errors)
	}
	r, _ = api.GraphQL(ctx, `mutation($a: ID!) { addMember(input: {accountId: $a, email: "new@example.com", role: ADMIN, name: "New", password: "correct horse battery"}) { membership { id } errors { code } } }`, map[string]any{"a": a.accountID})
	if !strings.Contains(string(r.Data), `"membership":null`) {
		t.Fatalf("a token created a user: %s", r.Data)
	}
}

func TestSystemEndpointsHiddenFromTenants(t *testing.T) {
	_, root := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, root)
	a := accountOf(t, root)
	// The system administrator defines a private and a shared system endpoint.
	for _, ep := range []struct {
		name   string
		shared bool
	}{{"sys-private", false}, {"sys-shared", true}} {
		if err := root.MustOK(ctx, `mutation($n: String!, $s: Boolean!) { createEndpoint(input: {scope: {scope: SYSTEM}, name: $n, url: "https://hooks.example.com/x", shared: $s}) { endpoint { id } errors { message } } }`,
			map[string]any{"n": ep.name, "s": ep.shared}, nil); err != nil {
			t.Fatal(err)
		}
	}
	admin, _ := addUser(t, a, "tenant-admin@example.com", "ADMIN")
	for _, q := range []string{
		`{ usableEndpoints(scope: {scope: SYSTEM}) { name } }`,
		`query($a: ID!) { usableEndpoints(scope: {scope: ACCOUNT, id: $a}) { name } }`,
		`{ endpoints(scope: {scope: SYSTEM}) { name } }`,
	} {
		r, err := admin.GraphQL(ctx, q, map[string]any{"a": a.accountID})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(r.Data), "sys-private") {
			t.Fatalf("%s revealed a private system endpoint: %s", q, r.Data)
		}
	}
}

package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

// waitClosed waits for the server to close the subscription's socket and returns the close code.
func waitClosed(t *testing.T, sub *servertest.Subscription, within time.Duration) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	code := sub.WaitClosed(ctx)
	if ctx.Err() != nil {
		t.Fatalf("the socket is still open after %s", within)
	}
	return code
}

// stillOpen proves that sub's socket still serves: after several session checks, a change made
// by cl (whose session stands) reaches sub as an event.
func stillOpen(t *testing.T, sub *servertest.Subscription, cl *servertest.Client, accountID, name string) {
	t.Helper()
	time.Sleep(500 * time.Millisecond) // five session checks at 100 ms
	env := fmt.Sprintf("still-open-%d", time.Now().UnixNano())
	if err := cl.MustOK(context.Background(), `mutation($a: ID!, $n: String!) { createEnvironment(input: {accountId: $a, name: $n}) { environment { id } } }`, map[string]any{"a": accountID, "n": env}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case raw, ok := <-sub.Events:
			if !ok {
				t.Fatalf("%s: socket closed: %v", name, sub.Err())
			}
			if strings.Contains(string(raw), env) {
				return
			}
		case <-deadline:
			t.Fatalf("%s: no event on the socket within 5s", name)
		}
	}
}

// A websocket opened with a session's access token ends (close 4401) when the token expires.
func TestWebsocketClosedAtTokenExpiry(t *testing.T) {
	_, c := MustStart(t, startOpts{beforeServe: func(m *server.Main) { m.Auth.SetAccessTokenTTL(2 * time.Second) }})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	sub, err := servertest.Subscribe(ctx, c.BaseURL, c.Token, activitySub, map[string]any{"a": a.accountID})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	start := time.Now()
	if code := waitClosed(t, sub, 10*time.Second); code != 4401 {
		t.Fatalf("closed with %d (%v), want 4401", code, sub.Err())
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("closed %s after opening with a 2s token", took)
	}
}

// Logout and a password change end the sockets of the revoked sessions (close 4401); a socket
// of another session stays open.
func TestWebsocketClosedWhenSessionRevoked(t *testing.T) {
	_, c := MustStart(t, startOpts{beforeServe: func(m *server.Main) { m.SessionCheckInterval = 100 * time.Millisecond }})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	other, _ := addUser(t, a, "other@example.com", "ADMIN")
	open := func(cl *servertest.Client) *servertest.Subscription {
		t.Helper()
		sub, err := servertest.Subscribe(ctx, cl.BaseURL, cl.Token, activitySub, map[string]any{"a": a.accountID})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sub.Close)
		return sub
	}
	bystander := open(c)

	t.Run("Logout", func(t *testing.T) {
		s := servertest.NewClient(c.BaseURL)
		if _, err := s.Login(ctx, "admin@example.com", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		sub := open(s)
		if r, err := s.Do(ctx, http.MethodPost, "/auth/logout", nil, nil); err != nil || r.Status != http.StatusNoContent {
			t.Fatalf("logout: %v %+v", err, r)
		}
		if code := waitClosed(t, sub, 5*time.Second); code != 4401 {
			t.Fatalf("closed with %d (%v), want 4401", code, sub.Err())
		}
		stillOpen(t, bystander, c, a.accountID, "another session of the same user")
	})

	t.Run("PasswordChange", func(t *testing.T) {
		sub := open(other)
		if err := other.MustOK(context.Background(), `mutation { changePassword(input: {currentPassword: "correct horse battery", newPassword: "a new horse battery"}) { ok errors { message } } }`, nil, nil); err != nil {
			t.Fatal(err)
		}
		if code := waitClosed(t, sub, 5*time.Second); code != 4401 {
			t.Fatalf("closed with %d (%v), want 4401", code, sub.Err())
		}
		stillOpen(t, bystander, c, a.accountID, "another user's session")
	})
}

// An access token outlives its session's logout, but opens no socket any more: connection_init
// is refused with 4401 at once and no operation runs (the first periodic check is 10 s later).
func TestWebsocketRefusedAfterLogout(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	s := servertest.NewClient(c.BaseURL)
	if _, err := s.Login(ctx, "admin@example.com", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	stale := s.Token
	if r, err := s.Do(ctx, http.MethodPost, "/auth/logout", nil, nil); err != nil || r.Status != http.StatusNoContent {
		t.Fatalf("logout: %v %+v", err, r)
	}
	sub, err := servertest.Subscribe(ctx, c.BaseURL, stale, activitySub, map[string]any{"a": a.accountID})
	if err == nil {
		sub.Close()
		t.Fatal("a websocket opened with the access token of a logged-out session")
	}
	if code := servertest.CloseStatus(err); code != 4401 {
		t.Fatalf("refused with %d (%v), want 4401", code, err)
	}
	// A live session still opens one.
	sub, err = servertest.Subscribe(ctx, c.BaseURL, c.Token, activitySub, map[string]any{"a": a.accountID})
	if err != nil {
		t.Fatal(err)
	}
	sub.Close()
}

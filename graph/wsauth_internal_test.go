package graph

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
)

// The session watcher checks at once, not only at its first tick: a session revoked between the
// handshake's check and the watcher's start ends the socket without waiting an interval.
func TestWatchSessionChecksAtOnce(t *testing.T) {
	actor := &models.Actor{UserID: "u", SessionExpiresAt: time.Now().Add(time.Hour)}
	checked := make(chan struct{}, 1)
	revoked := func(context.Context, *models.Actor) (bool, error) {
		select {
		case checked <- struct{}{}:
		default:
		}
		return false, nil
	}
	ctl := &socketControl{}
	base, cancel := context.WithCancel(context.WithValue(context.Background(), socketControlKey{}, ctl))
	defer cancel()
	ctx := watchSession(base, actor, revoked, time.Hour, time.Now)
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("a revoked session's socket is still open 2 s after the watcher started (next check in an hour)")
	}
	if code := ctl.code.Load(); code != WebsocketUnauthorized {
		t.Fatalf("close code %d, want %d", code, WebsocketUnauthorized)
	}
}

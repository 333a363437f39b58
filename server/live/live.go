// Package live fans change hints out to live subscribers across processes. Each process holds
// one Redis subscription; messages are dispatched in memory to that process's subscribers of
// the message's account. Publishing never waits for subscribers: one that cannot keep up is
// dropped (its channel closed), and its client reconnects and reloads.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/models"
)

// Channel is the Redis channel hints travel on.
const Channel = "switchboard:live"

// SubscriberBuffer is how many hints a subscriber may lag behind before it is dropped. Hints are
// small; a burst of alarms must not cost a console its live view.
const SubscriberBuffer = 1024

// Hub publishes hints to Redis and dispatches received ones to local subscribers.
type Hub struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu   sync.Mutex
	subs map[string]map[*subscriber]struct{}

	ready chan struct{}
}

type subscriber struct {
	ch     chan models.Hint
	closed bool
}

// New returns a hub on rdb. Call Run to receive.
func New(rdb redis.UniversalClient, log *slog.Logger) *Hub {
	return &Hub{rdb: rdb, log: log, subs: map[string]map[*subscriber]struct{}{}, ready: make(chan struct{})}
}

// Publish sends a hint to every process. Failures are logged, not returned: the change itself
// is committed, and live views recover by reloading.
func (h *Hub) Publish(ctx context.Context, hint models.Hint) {
	b, err := json.Marshal(hint)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.rdb.Publish(ctx, Channel, b).Err(); err != nil {
		h.log.WarnContext(ctx, "live publish failed", "kind", hint.Kind, "account_id", hint.AccountID, "err", err)
	}
}

// Ready is closed once the Redis subscription is confirmed.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Run holds the Redis subscription until ctx ends. go-redis reconnects and resubscribes by
// itself after a connection loss.
func (h *Hub) Run(ctx context.Context) error {
	ps := h.rdb.Subscribe(ctx, Channel)
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		return err
	}
	close(h.ready)
	ch := ps.Channel(redis.WithChannelSize(1024))
	for {
		select {
		case <-ctx.Done():
			h.closeAll()
			return nil
		case msg, ok := <-ch:
			if !ok {
				h.closeAll()
				return nil
			}
			var hint models.Hint
			if err := json.Unmarshal([]byte(msg.Payload), &hint); err != nil || hint.AccountID == "" {
				h.log.Warn("live: ignoring malformed message")
				continue
			}
			h.dispatch(hint)
		}
	}
}

func (h *Hub) dispatch(hint models.Hint) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[hint.AccountID] {
		select {
		case s.ch <- hint:
		default:
			// Too slow: drop it rather than block everyone else.
			h.removeLocked(hint.AccountID, s)
			h.log.Warn("live: dropped a slow subscriber", "account_id", hint.AccountID)
		}
	}
}

// Subscribe returns the hints of one account until ctx ends or the subscriber is dropped.
func (h *Hub) Subscribe(ctx context.Context, accountID string) <-chan models.Hint {
	s := &subscriber{ch: make(chan models.Hint, SubscriberBuffer)}
	h.mu.Lock()
	if h.subs[accountID] == nil {
		h.subs[accountID] = map[*subscriber]struct{}{}
	}
	h.subs[accountID][s] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		h.removeLocked(accountID, s)
		h.mu.Unlock()
	}()
	return s.ch
}

// Subscribers counts local subscribers (metrics, tests).
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.subs {
		n += len(m)
	}
	return n
}

func (h *Hub) removeLocked(accountID string, s *subscriber) {
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
	delete(h.subs[accountID], s)
	if len(h.subs[accountID]) == 0 {
		delete(h.subs, accountID)
	}
}

func (h *Hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for acc, m := range h.subs {
		for s := range m {
			h.removeLocked(acc, s)
		}
	}
}

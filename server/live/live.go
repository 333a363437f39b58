// Package live fans change hints out to live subscribers across processes. Each process holds
// one Redis subscription; messages are dispatched in memory to that process's subscribers of
// the message's account. Publishing never waits for subscribers: one that cannot keep up is
// dropped (its channel closed), and its client reconnects and reloads.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/models"
)

// DefaultChannelPrefix starts the Redis channel hints travel on (SWITCHBOARD_REDIS_CHANNEL_PREFIX).
const DefaultChannelPrefix = "switchboard"

// ChannelName is the Redis channel of hints for a prefix and a Redis database number. Redis
// pub/sub ignores the database number, so two installations sharing a Redis server on
// different databases would otherwise hear each other's hints; the number is in the name. The
// prefix separates live hints only: Asynq's and the rate limiters' keys do not follow it, so
// installations must not share a Redis database.
func ChannelName(prefix string, db int) string {
	if prefix == "" {
		prefix = DefaultChannelPrefix
	}
	return prefix + ":live:db" + strconv.Itoa(db)
}

// Option tunes a Hub.
type Option func(*Hub)

// WithChannelPrefix sets the prefix of the hub's Redis channel.
func WithChannelPrefix(prefix string) Option {
	return func(h *Hub) { h.prefix = prefix }
}

// SubscriberBuffer is how many hints a subscriber may lag behind before it is dropped. Hints are
// small; a burst of alarms must not cost a console its live view.
const SubscriberBuffer = 1024

// Hub publishes hints to Redis and dispatches received ones to local subscribers.
type Hub struct {
	rdb     redis.UniversalClient
	log     *slog.Logger
	prefix  string
	channel string

	mu   sync.Mutex
	subs map[string]map[*subscriber]struct{}

	ready chan struct{}
}

type subscriber struct {
	ch     chan models.Hint
	closed bool
}

// New returns a hub on rdb. Call Run to receive.
func New(rdb redis.UniversalClient, log *slog.Logger, opts ...Option) *Hub {
	h := &Hub{rdb: rdb, log: log, prefix: DefaultChannelPrefix, subs: map[string]map[*subscriber]struct{}{}, ready: make(chan struct{})}
	for _, o := range opts {
		o(h)
	}
	db := 0
	if c, ok := rdb.(interface{ Options() *redis.Options }); ok {
		db = c.Options().DB
	}
	h.channel = ChannelName(h.prefix, db)
	return h
}

// Channel is the Redis channel this hub publishes and listens on.
func (h *Hub) Channel() string { return h.channel }

// Publish sends a hint to every process. Failures are logged, not returned: the change itself
// is committed, and live views recover by reloading.
func (h *Hub) Publish(ctx context.Context, hint models.Hint) {
	b, err := json.Marshal(hint)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.rdb.Publish(ctx, h.channel, b).Err(); err != nil {
		h.log.WarnContext(ctx, "live publish failed", "kind", hint.Kind, "account_id", hint.AccountID, "err", err)
	}
}

// PublishAll sends many hints in one pipelined round trip (models.BatchPublisher).
func (h *Hub) PublishAll(ctx context.Context, hints []models.Hint) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	pipe := h.rdb.Pipeline()
	for _, hint := range hints {
		b, err := json.Marshal(hint)
		if err != nil {
			continue
		}
		pipe.Publish(ctx, h.channel, b)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		h.log.WarnContext(ctx, "live publish failed", "hints", len(hints), "err", err)
	}
}

// Ready is closed once the Redis subscription is confirmed.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Run holds the Redis subscription until ctx ends. go-redis reconnects and resubscribes by
// itself after a connection loss.
func (h *Hub) Run(ctx context.Context) error {
	ps := h.rdb.Subscribe(ctx, h.channel)
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

// allAccounts keys the subscribers of every account's hints (SubscribeAll); account ids are
// UUIDs or models.SystemHints, never this.
const allAccounts = "*"

func (h *Hub) dispatch(hint models.Hint) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, key := range [2]string{hint.AccountID, allAccounts} {
		for s := range h.subs[key] {
			select {
			case s.ch <- hint:
			default:
				// Too slow: drop it rather than block everyone else.
				h.removeLocked(key, s)
				h.log.Warn("live: dropped a slow subscriber", "account_id", key)
			}
		}
	}
}

// SubscribeAll returns the hints of every account until ctx ends or the subscriber is dropped
// (the status pages' cache follows them to drop what changed). Only server code uses it: it
// crosses accounts.
func (h *Hub) SubscribeAll(ctx context.Context) <-chan models.Hint {
	return h.subscribe(ctx, allAccounts)
}

// Subscribe returns the hints of one account until ctx ends or the subscriber is dropped.
func (h *Hub) Subscribe(ctx context.Context, accountID string) <-chan models.Hint {
	if accountID == allAccounts {
		// Not a way to follow every account.
		ch := make(chan models.Hint)
		close(ch)
		return ch
	}
	return h.subscribe(ctx, accountID)
}

func (h *Hub) subscribe(ctx context.Context, accountID string) <-chan models.Hint {
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

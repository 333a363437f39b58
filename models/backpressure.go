package models

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Back-pressure on fireEvent (docs/delivery-batching.md "Back-pressure"): when the outbox
// backlog — deliveries pending or retrying — would pass a limit, fireEvent is refused with
// ERATELIMITED and a retry-after instead of letting the backlog grow without bound. Events
// that Switchboard records itself (incidents, farm and endpoint events) are never refused: they
// are what the backlog is for.

// backlogRecount is how often the gate counts the backlog in the database.
const backlogRecount = 100 * time.Millisecond

// backlogRetryAfter is what a refused caller is told to wait.
const backlogRetryAfter = time.Second

// backlogGate estimates the backlog as its last count plus the deliveries this process has
// written since that count began. Deliveries finished meanwhile are not subtracted, so the
// estimate is high, never low, except by the deliveries of transactions that were in flight
// across a count (written before it began, committed after its snapshot).
type backlogGate struct {
	limit   atomic.Int64 // 0: no limit
	counted atomic.Int64
	added   atomic.Int64

	mu        sync.Mutex // one count at a time
	countedAt atomic.Int64
}

// SetBacklogLimit sets the most deliveries pending or retrying at which fireEvent still
// records events (0: no limit).
func (s *Store) SetBacklogLimit(n int) { s.backlog.limit.Store(int64(n)) }

// backlogFull refuses when the estimated backlog has reached the limit: the cheap check made
// before any work.
func (s *Store) backlogFull(ctx context.Context) error {
	limit := s.backlog.limit.Load()
	if limit <= 0 {
		return nil
	}
	if err := s.recountBacklog(ctx); err != nil {
		return err
	}
	if s.backlog.counted.Load()+s.backlog.added.Load() >= limit {
		return backlogError()
	}
	return nil
}

// reserveBacklog counts n new deliveries against the limit, refusing them (and taking nothing)
// when they would pass it. It is called in the event's transaction once its deliveries are
// known.
func (s *Store) reserveBacklog(n int) error {
	limit := s.backlog.limit.Load()
	if limit <= 0 || n == 0 {
		return nil
	}
	if s.backlog.counted.Load()+s.backlog.added.Add(int64(n)) > limit {
		s.backlog.added.Add(-int64(n))
		return backlogError()
	}
	return nil
}

// noteBacklog counts n deliveries written without the gate's permission (events Switchboard
// records itself).
func (s *Store) noteBacklog(n int) {
	if s.backlog.limit.Load() > 0 {
		s.backlog.added.Add(int64(n))
	}
}

// recountBacklog counts the backlog when the last count is older than backlogRecount; one
// caller counts, the others go on with the estimate.
func (s *Store) recountBacklog(ctx context.Context) error {
	g := s.backlog
	if time.Since(time.Unix(0, g.countedAt.Load())) < backlogRecount || !g.mu.TryLock() {
		return nil
	}
	defer g.mu.Unlock()
	before := g.added.Load()
	var n int64
	if err := s.db.WithContext(ctx).Model(&Delivery{}).Where("status IN ?", unfinished).Count(&n).Error; err != nil {
		return err
	}
	g.counted.Store(n)
	g.added.Add(-before)
	g.countedAt.Store(time.Now().UnixNano())
	return nil
}

func backlogError() error {
	return &Error{Code: ERATELIMITED, RetryAfter: backlogRetryAfter,
		Message: "the delivery backlog is full: events are not accepted for now; retry after the time given"}
}

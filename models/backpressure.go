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

// backlogGate estimates the backlog as its last count, plus the deliveries of this process's
// transactions that committed since that count began (added), plus those of its transactions
// still in flight (pending). A count's snapshot sees what committed before it began and maybe
// more, never less; a transaction in flight is in pending until it commits (then added) or
// rolls back (then gone), so it is never lost between two counts. Deliveries finished meanwhile
// are not subtracted: the estimate is high, never low.
type backlogGate struct {
	limit   atomic.Int64 // 0: no limit
	counted atomic.Int64
	added   atomic.Int64
	pending atomic.Int64

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
	if s.backlog.estimate(s.backlog.pending.Load()) >= limit {
		return backlogError()
	}
	return nil
}

// estimate is the estimated backlog, given pending as the caller read (or raised) it first. The
// figures are read in the order pending, added, counted: their writers move a number from
// pending to added (adding first) and from added to counted (storing the count first), so a
// number a reader missed in one place it finds in the next — the estimate can come out high,
// never low.
func (g *backlogGate) estimate(pending int64) int64 {
	added := g.added.Load()
	return pending + added + g.counted.Load()
}

// reserveBacklog counts n new deliveries of tx against the limit, refusing them (and taking
// nothing) when they would pass it. It is called in the event's transaction once its
// deliveries are known.
func (s *Store) reserveBacklog(tx *Tx, n int) error {
	limit := s.backlog.limit.Load()
	if limit <= 0 || n == 0 {
		return nil
	}
	g := s.backlog
	if g.estimate(g.pending.Add(int64(n))) > limit {
		g.pending.Add(-int64(n))
		return backlogError()
	}
	s.holdBacklog(tx, n)
	return nil
}

// noteBacklog counts n deliveries of tx written without the gate's permission (events
// Switchboard records itself).
func (s *Store) noteBacklog(tx *Tx, n int) {
	if s.backlog.limit.Load() > 0 && n > 0 {
		s.backlog.pending.Add(int64(n))
		s.holdBacklog(tx, n)
	}
}

// holdBacklog keeps n deliveries of tx in pending until tx ends: committed, they move to added
// (added first, so the estimate is never low meanwhile); undone (the transaction or the
// savepoint they were written under), they leave it.
func (s *Store) holdBacklog(tx *Tx, n int) {
	g := s.backlog
	tx.AfterCommit(func() {
		g.added.Add(int64(n))
		g.pending.Add(-int64(n))
	})
	tx.OnUndo(func() { g.pending.Add(-int64(n)) })
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

package models

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
)

// SNS ingestion in groups (issue 13, docs/sns-batching.md): the edge verifies messages in
// parallel and hands the verified Notifications to a NotificationBatcher, which applies the
// ones that arrive within a few milliseconds in one transaction (group commit), each under a
// savepoint of its own, and answers every request once the group has committed.

// SNSNotification is one verified Notification for IngestNotifications. Alarm is nil when the
// message is not a CloudWatch alarm (recorded as ignored, IgnoredWhy saying why).
type SNSNotification struct {
	Integration *AWSIntegration
	Message     SNSMessage
	Alarm       *cloudwatch.Alarm
	IgnoredWhy  string
}

// IngestOutcome is what became of one notification of a group: its result, or the error of
// that notification alone (an application error such as EFORBIDDEN for a topic another message
// pinned, or a database error its savepoint undid); either way its neighbours are unaffected.
type IngestOutcome struct {
	Result *IngestResult
	Err    error
}

// IngestNotifications applies ns in one transaction, in the order given, each under a
// savepoint: a duplicate or a failing notification is undone alone (with everything it
// registered for the commit) and gets its own outcome. The work of each is
// IngestNotification's, except that the group reads configuration once (Tx.shareReads) and
// writes component statuses once, before the commit. When the transaction itself fails (the
// commit, a lost connection, the work done before the commit) err is set and nothing of the
// group was applied.
func (s *Store) IngestNotifications(ctx context.Context, ns []SNSNotification) ([]IngestOutcome, error) {
	out := make([]IngestOutcome, len(ns))
	err := s.db.Tx(ctx, func(tx *Tx) error {
		// The group's notifications share their configuration reads (readMemo): an account's
		// variables and webhooks, an integration's rules are read once per group.
		tx.shareReads()
		for i, n := range ns {
			var res *IngestResult
			ferr, txErr := tx.Savepoint(func() error {
				var err error
				res, err = s.applyNotification(tx, n.Integration, n.Message, n.Alarm, n.IgnoredWhy, ingestOpts{})
				return err
			})
			if txErr != nil {
				return txErr
			}
			switch {
			case errors.Is(ferr, errDuplicateReceipt):
				out[i] = IngestOutcome{Result: &IngestResult{Outcome: OutcomeDuplicate}}
			case ferr != nil:
				out[i] = IngestOutcome{Err: ferr}
			default:
				out[i] = IngestOutcome{Result: res}
			}
		}
		if s.ingestGroupHook != nil {
			tx.BeforeCommit(s.ingestGroupHook)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BatcherConfig tunes a NotificationBatcher; zero values take the defaults.
type BatcherConfig struct {
	// Linger is how long a group waits for more notifications after its first (default 2 ms;
	// negative: no wait, a group is what is queued already).
	Linger time.Duration
	// MaxGroup is the most notifications of one transaction (default 60: PostgreSQL keeps the
	// subtransaction ids of 64 savepoints in shared memory; more overflow that cache and slow
	// every other session's snapshots while the group runs; the work before the commit may
	// take a savepoint or two of its own).
	MaxGroup int
	// Lanes is how many groups may run at once, each on its own connection (default 4 on
	// PostgreSQL, SWITCHBOARD_SNS_GROUP_LANES; always 1 on SQLite: one writer). An alarm always
	// goes through the same lane.
	Lanes int
	// Timeout bounds one group's transaction (default 30 s).
	Timeout time.Duration
	// Observe, if set, is told of every group: its size, how long it took, and its error.
	Observe func(size int, took time.Duration, err error)
}

// ErrBatcherClosed answers notifications submitted after the batcher was closed.
var ErrBatcherClosed = errors.New("SNS ingestion is shutting down")

// NotificationBatcher is the process's group committer for SNS notifications.
type NotificationBatcher struct {
	s     *Store
	cfg   BatcherConfig
	lanes []chan *pendingNotification
	mu    sync.RWMutex // held for writing by Close
	done  bool
	wg    sync.WaitGroup
	// queued counts the notifications taken and not answered yet.
	queued atomic.Int64
}

// Queued is how many notifications are taken and not answered yet.
func (b *NotificationBatcher) Queued() int { return int(b.queued.Load()) }

type pendingNotification struct {
	n     SNSNotification
	reply chan IngestOutcome // buffered: the lane never waits for the submitter
}

// NewNotificationBatcher starts a batcher's lanes; Close stops them.
func (s *Store) NewNotificationBatcher(cfg BatcherConfig) *NotificationBatcher {
	if cfg.Linger == 0 {
		cfg.Linger = 2 * time.Millisecond
	}
	if cfg.MaxGroup <= 0 {
		cfg.MaxGroup = 60
	}
	if cfg.Lanes <= 0 {
		cfg.Lanes = 4
	}
	if s.db.Dialect == SQLite {
		cfg.Lanes = 1 // one writer
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	b := &NotificationBatcher{s: s, cfg: cfg, lanes: make([]chan *pendingNotification, cfg.Lanes)}
	for i := range b.lanes {
		b.lanes[i] = make(chan *pendingNotification, cfg.MaxGroup)
		b.wg.Add(1)
		go b.run(b.lanes[i])
	}
	return b
}

// Ingest applies n with the next group of its lane and returns its outcome once the group has
// committed (or failed: then nothing of it was applied). A context that ends before n is
// queued leaves n unapplied (ctx's error); once queued, n is applied or not with its group
// whatever becomes of ctx, and Ingest waits for that answer.
func (b *NotificationBatcher) Ingest(ctx context.Context, n SNSNotification) (*IngestResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := &pendingNotification{n: n, reply: make(chan IngestOutcome, 1)}
	b.mu.RLock()
	if b.done {
		b.mu.RUnlock()
		return nil, ErrBatcherClosed
	}
	b.queued.Add(1)
	select {
	case b.lanes[b.laneOf(n)] <- p:
	case <-ctx.Done():
		b.queued.Add(-1)
		b.mu.RUnlock()
		return nil, ctx.Err()
	}
	b.mu.RUnlock()
	o := <-p.reply
	return o.Result, o.Err
}

// laneOf keeps every message of one alarm in one lane (so in arrival order, and two groups of
// this process never wait for each other's alarm-state rows).
func (b *NotificationBatcher) laneOf(n SNSNotification) int {
	if len(b.lanes) == 1 {
		return 0
	}
	h := fnv.New32a()
	if n.Integration != nil {
		h.Write([]byte(n.Integration.ID))
	}
	if n.Alarm != nil {
		h.Write([]byte(n.Alarm.Key()))
	} else {
		h.Write([]byte(n.Message.ID))
	}
	return int(h.Sum32() % uint32(len(b.lanes)))
}

// Close stops taking notifications and returns once every one queued has been applied and
// answered.
func (b *NotificationBatcher) Close() {
	b.mu.Lock()
	if !b.done {
		b.done = true
		for _, l := range b.lanes {
			close(l)
		}
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *NotificationBatcher) run(lane chan *pendingNotification) {
	defer b.wg.Done()
	for first := range lane {
		group := []*pendingNotification{first}
		var timer *time.Timer
		if b.cfg.Linger > 0 {
			timer = time.NewTimer(b.cfg.Linger)
		}
	gather:
		for len(group) < b.cfg.MaxGroup {
			var p *pendingNotification
			ok := true
			if timer == nil {
				select {
				case p, ok = <-lane:
				default:
					break gather
				}
			} else {
				select {
				case p, ok = <-lane:
				case <-timer.C:
					break gather
				}
			}
			if !ok {
				break gather // closed: apply this group; the loop then ends
			}
			group = append(group, p)
		}
		if timer != nil {
			timer.Stop()
		}
		b.apply(group)
	}
}

// apply runs one group and answers its submitters. Its alarms are taken in key order (a stable
// sort: one alarm's messages keep their arrival order), so groups of several processes lock
// alarm-state rows in one order and never deadlock on them.
func (b *NotificationBatcher) apply(group []*pendingNotification) {
	sort.SliceStable(group, func(i, j int) bool { return groupKey(group[i].n) < groupKey(group[j].n) })
	ns := make([]SNSNotification, len(group))
	for i, p := range group {
		ns[i] = p.n
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.Timeout)
	defer cancel()
	start := time.Now()
	outs, err := b.ingest(ctx, ns)
	if b.cfg.Observe != nil {
		b.cfg.Observe(len(ns), time.Since(start), err)
	}
	b.queued.Add(-int64(len(group)))
	for i, p := range group {
		if err != nil {
			p.reply <- IngestOutcome{Err: err}
			continue
		}
		p.reply <- outs[i]
	}
}

// ingest is IngestNotifications, a panic turned into the group's error (the lane goes on).
func (b *NotificationBatcher) ingest(ctx context.Context, ns []SNSNotification) (outs []IngestOutcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			outs, err = nil, fmt.Errorf("SNS ingestion group panicked: %v", r)
		}
	}()
	return b.s.IngestNotifications(ctx, ns)
}

// groupKey orders a group: by integration and alarm; messages that are not alarms last.
func groupKey(n SNSNotification) string {
	id := ""
	if n.Integration != nil {
		id = n.Integration.ID
	}
	if n.Alarm == nil {
		// By message id too: two processes holding copies of the same ignored messages write
		// their receipts in one order.
		return "\xff" + id + "\x00" + n.Message.ID
	}
	return id + "\x00" + n.Alarm.Key()
}

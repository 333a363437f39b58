package jobs

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
)

// TypeWakeDispatcher wakes a worker's delivery dispatcher when deliveries become due: the
// retry timer of batched deliveries (docs/delivery-batching.md).
const TypeWakeDispatcher = "delivery:wake"

// WakeChannel is the Redis pub/sub channel that wakes idle dispatchers in other processes when
// a process without a worker commits deliveries.
const WakeChannel = "switchboard:deliveries:wake"

// NewWakeTask wakes a dispatcher at at (rounded up to the second). Its id names the second, so
// the retries due within one second share one task.
func NewWakeTask(at time.Time) *asynq.Task {
	sec := wakeSecond(at)
	return asynq.NewTask(TypeWakeDispatcher, nil, asynq.TaskID(wakeTaskID(sec)), asynq.ProcessAt(sec), asynq.Queue(QueueDefault),
		asynq.MaxRetry(0), asynq.Timeout(10*time.Second), asynq.Retention(time.Minute))
}

// wakeSecond is at rounded up to the second.
func wakeSecond(at time.Time) time.Time {
	sec := at.Truncate(time.Second)
	if sec.Before(at) {
		sec = sec.Add(time.Second)
	}
	return sec
}

func wakeTaskID(sec time.Time) string { return "delivery-wake-" + strconv.FormatInt(sec.Unix(), 10) }

// Dispatcher sends batched deliveries: it claims due deliveries many at a time
// (models.Store.ClaimDeliveries), sends them concurrently and records their results in groups
// (models.Store.FinishBatch). It runs in every worker process. It is woken at once by the
// process that committed deliveries (Wake), by other processes through WakeChannel, by a
// wake task when retries come due, and otherwise looks for due deliveries every Idle.
type Dispatcher struct {
	Store   *models.Store
	Sender  *deliver.Sender
	Queue   *Queue
	Log     *slog.Logger
	Metrics *DeliveryMetrics
	// Concurrency is how many attempts are in flight at most (default 64).
	Concurrency int
	// Batch is the most deliveries one claim takes (default 100).
	Batch int
	// Idle is how often an idle dispatcher looks for due deliveries (default 1 s).
	Idle time.Duration
	// Grace is how long a shutdown waits for attempts in flight before cancelling them.
	Grace time.Duration

	once sync.Once
	wake chan struct{}
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.wake = make(chan struct{}, 1)
		if d.Concurrency <= 0 {
			d.Concurrency = 64
		}
		if d.Batch <= 0 {
			d.Batch = 100
		}
		if d.Idle <= 0 {
			d.Idle = time.Second
		}
		if d.Log == nil {
			d.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake makes the dispatcher look for due deliveries now. It never blocks.
func (d *Dispatcher) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// HandleWake handles TypeWakeDispatcher.
func (d *Dispatcher) HandleWake(context.Context, *asynq.Task) error {
	d.Wake()
	return nil
}

// Listen wakes the dispatcher on every message of WakeChannel until ctx ends.
func (d *Dispatcher) Listen(ctx context.Context, rdb redis.UniversalClient) {
	sub := rdb.Subscribe(ctx, WakeChannel)
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			d.Wake()
		}
	}
}

// Run dispatches until ctx ends, then stops claiming, waits up to Grace for the attempts in
// flight (then cancels them: they are recorded as interrupted and retried) and records every
// result before it returns.
func (d *Dispatcher) Run(ctx context.Context) {
	d.init()
	ctx = models.WorkerContext(ctx) // the worker's own database pool
	sendCtx, cancelSends := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSends()
	slots := make(chan struct{}, d.Concurrency)
	results := make(chan models.BatchResult, d.Concurrency)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		d.record(results)
	}()
	var sends sync.WaitGroup
	idle := time.NewTimer(0)
	defer idle.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-idle.C:
		}
		d.claimWhileDue(ctx, sendCtx, slots, results, &sends)
		if !idle.Stop() {
			select {
			case <-idle.C:
			default:
			}
		}
		idle.Reset(d.Idle)
	}
	done := make(chan struct{})
	go func() { sends.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d.Grace):
		cancelSends()
		<-done
	}
	close(results)
	<-recorded
}

// claimWhileDue claims and starts deliveries as long as whole batches come back and slots are
// free; a claim waits for a free slot first.
func (d *Dispatcher) claimWhileDue(ctx, sendCtx context.Context, slots chan struct{}, results chan<- models.BatchResult, sends *sync.WaitGroup) {
	for ctx.Err() == nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		// Gather more free slots for up to batchLinger, so a busy dispatcher claims (and later
		// records) many deliveries per transaction instead of one each time a slot frees up.
		n := 1
		linger := time.NewTimer(batchLinger)
	more:
		for n < d.Batch {
			select {
			case slots <- struct{}{}:
				n++
				continue
			default:
			}
			if n == len(slots) {
				break // no attempt in flight: no slot will come free
			}
			select {
			case slots <- struct{}{}:
				n++
			case <-linger.C:
				break more
			}
		}
		linger.Stop()
		targets, err := d.Store.ClaimDeliveries(ctx, n)
		for range n - len(targets) {
			<-slots
		}
		if err != nil {
			if ctx.Err() == nil {
				d.Log.WarnContext(ctx, "claiming deliveries failed; retrying shortly", "err", err)
				sleepCtx(ctx, 500*time.Millisecond+rand.N(500*time.Millisecond))
			}
			return
		}
		for _, t := range targets {
			sends.Add(1)
			go func() {
				defer sends.Done()
				results <- models.BatchResult{Target: t, Result: d.attempt(sendCtx, t)}
				<-slots
			}()
		}
		if len(targets) < n {
			return // nothing more due now
		}
	}
}

// attempt makes one claimed attempt.
func (d *Dispatcher) attempt(ctx context.Context, t *models.AttemptTarget) models.AttemptResult {
	_, out := sendAttempt(ctx, d.Sender, d.Metrics, t)
	return out
}

// batchLinger is how long a claim waits for more free slots, and a group of results for more
// results, before it is written: the latency a delivery may pay for batching.
const batchLinger = 2 * time.Millisecond

// record writes results in groups (group commit): a group is what arrives within batchLinger
// of its first result, plus whatever arrived while the previous group was written, so a busy
// dispatcher writes few, large groups.
func (d *Dispatcher) record(results <-chan models.BatchResult) {
	const maxGroup = 200
	group := make([]models.BatchResult, 0, maxGroup)
	linger := time.NewTimer(0)
	<-linger.C
	for r := range results {
		group = append(group[:0], r)
		linger.Reset(batchLinger)
	gather:
		for len(group) < maxGroup {
			select {
			case r, ok := <-results:
				if !ok {
					break gather
				}
				group = append(group, r)
			case <-linger.C:
				break gather
			}
		}
		if !linger.Stop() {
			select {
			case <-linger.C:
			default:
			}
		}
		d.flush(group)
	}
}

// flush records one group, retrying a failed write (a database failover, a deadlock) until
// shortly before the group's first lease ends. If it still fails, the attempts stay counted
// and the deliveries are attempted again when their leases end.
func (d *Dispatcher) flush(group []models.BatchResult) {
	ctx := models.WorkerContext(context.Background())
	deadline := time.Now().Add(25 * time.Second)
	for _, r := range group {
		if l := r.Target.Delivery.LeaseUntil; l != nil && l.Add(-5*time.Second).Before(deadline) {
			deadline = l.Add(-5 * time.Second)
		}
	}
	var (
		retries map[string]time.Time
		err     error
	)
	for try := 0; ; try++ {
		if retries, err = d.Store.FinishBatch(ctx, group); err == nil {
			break
		}
		wait := min(time.Duration(100<<min(try, 5))*time.Millisecond, 2*time.Second)
		if time.Now().Add(wait).After(deadline) {
			break
		}
		if try == 0 {
			d.Log.Warn("recording delivery results failed; retrying", "count", len(group), "err", err)
		}
		time.Sleep(wait)
	}
	if err != nil {
		d.Log.Error("recording delivery results failed; the deliveries are attempted again when their leases end", "count", len(group), "err", err)
		return
	}
	d.scheduleWakes(ctx, retries)
}

// scheduleWakes puts one wake task per second in which a retry comes due.
func (d *Dispatcher) scheduleWakes(ctx context.Context, retries map[string]time.Time) {
	if d.Queue == nil || len(retries) == 0 {
		return
	}
	seen := map[int64]bool{}
	for _, at := range retries {
		sec := wakeSecond(at).Unix() // the second the task is named after
		if seen[sec] {
			continue
		}
		seen[sec] = true
		t := NewWakeTask(at)
		if _, err := d.Queue.Client.EnqueueContext(ctx, t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			d.Log.WarnContext(ctx, "scheduling a dispatcher wake-up failed; the idle poll finds the retry", "err", err)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

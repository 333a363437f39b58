package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/scalr"
)

// Task types of the outbox.
const (
	TypeDeliver         = "delivery:send"
	TypeSweepDeliveries = "maintenance:sweep_deliveries"
	TypePurgeHistory    = "maintenance:purge_history"
)

// deliveryTaskRetries bounds Asynq's own retries of one task. The delivery's attempt limit is
// kept in the database; this has to outlast it, the waits of a paused or rate-limited endpoint
// (each one a task retry that charges no attempt: up to 5 days of probes every few minutes) and
// a few transient database errors. A task that runs out anyway is archived and the sweeper
// re-enqueues its delivery when due.
const deliveryTaskRetries = 5000

type deliveryPayload struct {
	ID string `json:"id"`
}

// NewDeliveryTask runs a delivery at runAt. The task id is the delivery id, so enqueueing it
// twice is refused by Asynq and harmless.
func NewDeliveryTask(id string, runAt time.Time) *asynq.Task {
	b, _ := json.Marshal(deliveryPayload{ID: id})
	return asynq.NewTask(TypeDeliver, b, asynq.TaskID(id), asynq.ProcessAt(runAt), asynq.Queue(QueueDefault),
		asynq.MaxRetry(deliveryTaskRetries), asynq.Timeout(3*time.Minute),
		// A finished task keeps its id for a while, so the sweeper cannot re-enqueue a
		// delivery that completed between its database read and its enqueue.
		asynq.Retention(completedRetention))
}

// completedRetention is how long a finished delivery task keeps its id in Redis.
const completedRetention = 2 * time.Minute

// retryIn is a handler error that says when to run the task again; RetryDelay reads it, so the
// queue and the delivery row agree.
type retryIn struct {
	delay  time.Duration
	reason string
}

func (e *retryIn) Error() string {
	return fmt.Sprintf("retry in %s: %s", e.delay.Round(time.Millisecond), e.reason)
}

// RetryDelay is the worker's RetryDelayFunc.
func RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	var r *retryIn
	if errors.As(err, &r) {
		return max(r.delay, 10*time.Millisecond)
	}
	// A transient error of ours (the database was down): back off quickly, then slower.
	return min(time.Duration(1<<min(n, 6))*time.Second, time.Minute)
}

// IsFailure tells Asynq which errors count as failures in its statistics: a scheduled retry of
// a delivery is normal operation.
func IsFailure(err error) bool {
	var r *retryIn
	return !errors.As(err, &r)
}

// DeliveryMetrics are the outbox's Prometheus metrics.
type DeliveryMetrics struct {
	Attempts *prometheus.CounterVec
	Latency  prometheus.Histogram
}

// NewDeliveryMetrics registers the delivery metrics on reg.
func NewDeliveryMetrics(reg prometheus.Registerer) *DeliveryMetrics {
	m := &DeliveryMetrics{
		Attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_delivery_attempts_total", Help: "Delivery attempts by outcome.",
		}, []string{"outcome"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "switchboard_delivery_attempt_seconds", Help: "Duration of delivery attempts.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
	}
	reg.MustRegister(m.Attempts, m.Latency)
	return m
}

// Deliverer runs delivery tasks.
type Deliverer struct {
	Store   *models.Store
	Sender  *deliver.Sender
	Log     *slog.Logger
	Metrics *DeliveryMetrics
}

// Deliver handles TypeDeliver: one attempt of one delivery.
func (d *Deliverer) Deliver(ctx context.Context, t *asynq.Task) error {
	var p deliveryPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: bad payload: %v", asynq.SkipRetry, err)
	}
	target, err := d.Store.BeginAttempt(ctx, p.ID)
	var (
		notDue    *models.NotDueError
		paused    *models.EndpointPausedError
		throttled *models.ThrottledError
	)
	switch {
	case errors.Is(err, models.ErrDeliveryDone):
		return nil
	case errors.As(err, &notDue):
		return &retryIn{delay: time.Until(notDue.At), reason: "not due yet"}
	case errors.As(err, &paused):
		// Waiting for a paused endpoint is not a failure and charges no attempt.
		return &retryIn{delay: time.Until(paused.At), reason: "endpoint paused"}
	case errors.As(err, &throttled):
		// Throttling is not a failure either, and no attempt is made.
		return &retryIn{delay: time.Until(throttled.At), reason: "endpoint rate limit"}
	case err != nil:
		return err
	}
	approval := target.Delivery.Kind == models.DeliveryKindApproval
	res, result := sendAttempt(ctx, d.Sender, d.Metrics, target)
	var next *time.Time
	// Recording the result must survive a shutdown that cancelled the attempt itself.
	wctx := context.WithoutCancel(ctx)
	if approval {
		decision, message := "", ""
		if res.Outcome == deliver.Succeeded || res.Outcome == deliver.Pending {
			var perr error
			decision, message, perr = approvalAnswer(res)
			if perr != nil {
				// An answer we cannot read is retried like any other failure.
				result.Outcome, result.ErrorClass, result.ErrorMessage = models.AttemptRetry, "bad_answer", perr.Error()
			}
		}
		next, err = d.Store.FinishApprovalAttempt(wctx, target, result, decision, message)
	} else {
		next, err = d.Store.FinishAttempt(wctx, target, result)
	}
	if err != nil {
		return err
	}
	if next != nil {
		return &retryIn{delay: time.Until(*next), reason: string(res.Outcome)}
	}
	return nil
}

// sendAttempt makes t's attempt (both paths: the per-delivery task and the dispatcher),
// counts it in the metrics and returns the sender's result with what is recorded of it.
func sendAttempt(ctx context.Context, sender *deliver.Sender, m *DeliveryMetrics, t *models.AttemptTarget) (deliver.Result, models.AttemptResult) {
	del := t.Delivery
	res := sender.Send(ctx, deliver.Request{
		DeliveryID: del.ID, URL: t.Endpoint.URL, Body: del.Payload, SigningKey: t.SigningKey,
		Keys: t.Keys, Headers: customHeaders(t.Headers), Timeout: time.Duration(del.TimeoutSeconds) * time.Second,
		Approval: del.Kind == models.DeliveryKindApproval,
	})
	out := attemptResult(res, t)
	if m != nil {
		m.Attempts.WithLabelValues(string(out.Outcome)).Inc()
		m.Latency.Observe(res.Duration.Seconds())
	}
	return res, out
}

// outcomes maps the sender's classification to the stored one.
var outcomes = map[deliver.Outcome]models.AttemptOutcome{
	deliver.Succeeded: models.AttemptSucceeded, deliver.Failed: models.AttemptFailed,
	deliver.Gone: models.AttemptGone, deliver.Retry: models.AttemptRetry, deliver.Pending: models.AttemptSucceeded,
}

// attemptResult is what is recorded of the sender's result of t's attempt.
func attemptResult(res deliver.Result, t *models.AttemptTarget) models.AttemptResult {
	outcome := outcomes[res.Outcome]
	if outcome == "" {
		outcome = models.AttemptRetry
	}
	return models.AttemptResult{
		Outcome: outcome, StatusCode: res.StatusCode, URL: res.URL, RemoteAddr: res.RemoteAddr,
		RequestHeaders: res.RequestHeaders, ResponseHeaders: res.ResponseHeaders, ResponseBody: res.ResponseBody,
		Duration: res.Duration, ErrorClass: res.ErrorClass, ErrorMessage: res.ErrorMessage,
		RetryIn: res.NextDelay(t.RetrySchedule, t.Delivery.Attempts, rand.Float64),
	}
}

// customHeaders converts an endpoint's custom headers for the sender.
func customHeaders(hs []models.HeaderPair) http.Header {
	if len(hs) == 0 {
		return nil
	}
	h := make(http.Header, len(hs))
	for _, p := range hs {
		h.Add(p.Name, p.Value)
	}
	return h
}

// approvalAnswer reads an approval endpoint's answer (design §7.3): a 102 Processing is
// pending; otherwise the status and JSON body decide.
func approvalAnswer(res deliver.Result) (decision, message string, err error) {
	if res.StatusCode == 102 {
		return scalr.DecisionPending, "", nil
	}
	return scalr.ParseApprovalAnswer(res.StatusCode, res.ResponseBody)
}

// Queue is the Asynq side of the outbox: models.Enqueuer.
type Queue struct {
	Client    *asynq.Client
	Inspector *asynq.Inspector
	Log       *slog.Logger
	// Wake hands batched deliveries to a dispatcher: this process's own, or (in a process
	// without a worker) the others' through WakeChannel. Nil: every delivery gets its own task.
	Wake func(ctx context.Context)
}

// EnqueueDeliveries implements models.Enqueuer. A task id already on the queue is fine; one
// left archived by an exhausted task is replaced. Failures are logged: the sweeper retries.
func (q *Queue) EnqueueDeliveries(ctx context.Context, refs []models.DeliveryRef) {
	woken := false
	for _, r := range refs {
		if r.Batch && q.Wake != nil {
			// The dispatcher claims it; waking it once is enough.
			if !woken {
				q.Wake(ctx)
				woken = true
			}
			continue
		}
		// These are new deliveries or an operator's resend: a completed task of the same id is
		// replaced (a resent delivery must run again).
		if _, err := q.enqueue(ctx, r, true); err != nil {
			q.Log.WarnContext(ctx, "enqueue delivery failed; the sweeper will retry", "delivery_id", r.ID, "err", err)
		}
	}
}

// enqueue puts one delivery on the queue; added is false when its task is already there. A
// task left archived by exhausted retries is replaced (it still holds the id); a recently
// completed one only when replaceCompleted (a resend, a release), never by the sweeper, which
// also leaves a task waiting for a later time alone.
func (q *Queue) enqueue(ctx context.Context, r models.DeliveryRef, replaceCompleted bool) (added bool, err error) {
	return q.put(ctx, func() *asynq.Task { return NewDeliveryTask(r.ID, r.RunAt) }, QueueDefault, r.ID, r.RunAt, replaceCompleted)
}

// put enqueues the task that task builds (with task id id on queue), replacing one left archived
// under the same id, and, when replaceCompleted, a completed one or one waiting past runAt (see
// enqueue). It serves every outbox-like row: deliveries and mail.
func (q *Queue) put(ctx context.Context, task func() *asynq.Task, queue, id string, runAt time.Time, replaceCompleted bool) (added bool, err error) {
	_, err = q.Client.EnqueueContext(ctx, task())
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err == nil, err
	}
	info, ierr := q.Inspector.GetTaskInfo(queue, id)
	if ierr != nil {
		return false, nil
	}
	switch {
	case info.State == asynq.TaskStateArchived:
	case info.State == asynq.TaskStateCompleted && replaceCompleted:
	case (info.State == asynq.TaskStateRetry || info.State == asynq.TaskStateScheduled) && replaceCompleted &&
		info.NextProcessAt.After(runAt.Add(time.Second)):
		// Asked to run sooner than its task waits (a resumed endpoint's backlog): run it now;
		// the delivery row decides whether it is due (NotDueError puts it back to its time).
		if err := q.Inspector.RunTask(queue, id); err != nil {
			return false, err
		}
		return true, nil
	default:
		return false, nil // on the queue already, or just finished
	}
	if err := q.Inspector.DeleteTask(queue, id); err != nil {
		return false, err
	}
	_, err = q.Client.EnqueueContext(ctx, task())
	return err == nil, err
}

// NewSweepTask re-enqueues due deliveries that are missing from the queue.
func NewSweepTask() *asynq.Task {
	return asynq.NewTask(TypeSweepDeliveries, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(4*time.Second))
}

// NewPurgeHistoryTask deletes events and deliveries past the retention.
func NewPurgeHistoryTask() *asynq.Task {
	return asynq.NewTask(TypePurgeHistory, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(1),
		asynq.Timeout(10*time.Minute), asynq.Unique(30*time.Minute))
}

// sweepBatch bounds one sweep.
const sweepBatch = 2000

// SweepGrace is how overdue a delivery must be before the sweeper re-enqueues it, so the
// sweeper does not race the normal after-commit enqueue.
const SweepGrace = 2 * time.Second

// Sweeper handles TypeSweepDeliveries.
type Sweeper struct {
	Store *models.Store
	Queue *Queue
	Log   *slog.Logger
}

// Sweep re-enqueues every due delivery; the queue refuses the ones it still holds.
func (s *Sweeper) Sweep(ctx context.Context, _ *asynq.Task) error {
	// One pass of the most overdue deliveries; the next run (seconds later) continues. Most are
	// still queued (a backlog) and are refused by id at once.
	due, err := s.Store.DueDeliveries(ctx, time.Now().Add(-SweepGrace), sweepBatch)
	if err != nil {
		return err
	}
	total := 0
	for _, r := range due {
		// enqueue also replaces a task left archived by exhausted retries, which still holds
		// the id: treating every id conflict as "queued" would strand it.
		added, err := s.Queue.enqueue(ctx, models.DeliveryRef{ID: r.ID, RunAt: time.Now()}, false)
		if err != nil {
			return err
		}
		if added {
			total++
		}
	}
	if total > 0 {
		s.Log.InfoContext(ctx, "sweeper re-enqueued deliveries missing from the queue", "count", total)
	}
	return nil
}

// PurgeHistory handles TypePurgeHistory. It also clears the old signing keys of key rotations
// whose overlap has ended (signing already ignores them).
func (h *Handlers) PurgeHistory(ctx context.Context, _ *asynq.Task) error {
	if k, err := h.Store.DropExpiredSigningKeys(ctx); err != nil {
		h.Log.WarnContext(ctx, "dropping expired signing keys failed; the next run retries", "err", err)
	} else if k > 0 {
		h.Log.InfoContext(ctx, "dropped the old signing keys of finished key rotations", "count", k)
	}
	n, err := h.Store.PurgeHistory(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "purged events past retention", "count", n)
	}
	return err
}

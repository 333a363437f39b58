package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
)

// Webhook subscribers of status pages (docs/statuspages.md, Subscribers): each notice is a
// status_webhook_deliveries row before it is a task. Notices go to the bulk queue, with
// subscriber mail; verification handshakes to the default queue (someone is waiting for them).
// A sweeper finds due rows whose task is missing (a Redis flush, a crash after commit).

// Task types of webhook subscribers.
const (
	TypeSendStatusWebhook   = "status_webhook:send"
	TypeSweepStatusWebhooks = "maintenance:sweep_status_webhooks"
)

// StatusWebhookTimeout bounds one attempt (resolution, connection, answer).
const StatusWebhookTimeout = 10 * time.Second

func statusWebhookQueue(r models.StatusWebhookRef) string {
	if r.Verify {
		return QueueDefault
	}
	return QueueMailBulk
}

// NewStatusWebhookTask sends one delivery; the task id is the delivery id.
func NewStatusWebhookTask(r models.StatusWebhookRef) *asynq.Task {
	b, _ := json.Marshal(deliveryPayload{ID: r.ID})
	return asynq.NewTask(TypeSendStatusWebhook, b, asynq.TaskID("swh:"+r.ID), asynq.ProcessAt(r.RunAt),
		asynq.Queue(statusWebhookQueue(r)), asynq.MaxRetry(deliveryTaskRetries), asynq.Timeout(time.Minute),
		asynq.Retention(completedRetention))
}

// NewSweepStatusWebhooksTask re-enqueues due deliveries missing from the queue.
func NewSweepStatusWebhooksTask() *asynq.Task {
	return asynq.NewTask(TypeSweepStatusWebhooks, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(4*time.Second))
}

// EnqueueStatusWebhooks implements models.StatusWebhookEnqueuer.
func (q *Queue) EnqueueStatusWebhooks(ctx context.Context, refs []models.StatusWebhookRef) {
	for _, r := range refs {
		if _, err := q.Client.EnqueueContext(ctx, NewStatusWebhookTask(r)); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			q.Log.WarnContext(ctx, "enqueue status webhook failed; the sweeper will retry", "delivery_id", r.ID, "err", err)
		}
	}
}

// NewSubscriberSender returns the sender of webhook subscribers: the store's strict guard,
// no redirects followed (a subscriber's URL is where it answers), HTTP/1.1 like deliveries.
func NewSubscriberSender(store *models.Store, version string, resolver deliver.Resolver) (*deliver.Sender, error) {
	return deliver.NewSender(deliver.Config{Version: version, Resolver: resolver, Guard: store.SubscriberGuard(), MaxRedirects: -1})
}

// StatusWebhooks sends webhook subscriber deliveries (TypeSendStatusWebhook) and sweeps them.
type StatusWebhooks struct {
	Store *models.Store
	// Sender must dial through Store.SubscriberGuard (NewSubscriberSender).
	Sender *deliver.Sender
	Queue  *Queue
	Log    *slog.Logger
}

// Send handles TypeSendStatusWebhook: one attempt of one delivery.
func (h *StatusWebhooks) Send(ctx context.Context, t *asynq.Task) error {
	var p deliveryPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: bad payload: %v", asynq.SkipRetry, err)
	}
	if h.Sender == nil || !h.Sender.Guard().Strict() {
		// URLs from the public never go through an operator's guard.
		return fmt.Errorf("%w: the status webhook sender has no strict guard", asynq.SkipRetry)
	}
	target, err := h.Store.BeginStatusWebhook(ctx, p.ID)
	var notDue *models.NotDueError
	switch {
	case errors.Is(err, models.ErrStatusWebhookDone):
		return nil
	case errors.As(err, &notDue):
		return &retryIn{delay: notDue.At.Sub(h.Store.Now()), reason: "not due yet"}
	case err != nil:
		return err
	}
	res := h.Sender.Send(ctx, deliver.Request{
		DeliveryID: target.Delivery.MessageID, URL: target.URL, Body: []byte(target.Delivery.Payload),
		SigningKey: target.SigningKey, Timeout: StatusWebhookTimeout, StandardOnly: true,
	})
	r := models.StatusWebhookResult{StatusCode: res.StatusCode, Body: res.ResponseBody, RetryIn: models.StatusWebhookRetryDelay(target.Delivery.Attempts)}
	switch res.Outcome {
	case deliver.Succeeded:
		r.OK = true
	case deliver.Gone:
		r.Gone = true
	case deliver.Failed:
		r.Permanent = true
	}
	if !r.OK {
		r.Error = res.ErrorMessage
		if r.Error == "" && res.StatusCode > 0 {
			r.Error = fmt.Sprintf("the receiver answered %d", res.StatusCode)
		}
		if res.RetryAfter > r.RetryIn {
			r.RetryIn = res.RetryAfter
		}
		// The URL came from the public: it is not logged, nor is the payload.
		h.Log.InfoContext(ctx, "status webhook not delivered", "delivery_id", target.Delivery.ID, "attempt", target.Delivery.Attempts,
			"class", res.ErrorClass, "status", res.StatusCode)
	}
	next, err := h.Store.FinishStatusWebhook(context.WithoutCancel(ctx), target, r)
	if err != nil {
		return err
	}
	if next != nil {
		return &retryIn{delay: next.Sub(h.Store.Now()), reason: "status webhook: temporary failure"}
	}
	return nil
}

// Sweep handles TypeSweepStatusWebhooks.
func (h *StatusWebhooks) Sweep(ctx context.Context, _ *asynq.Task) error {
	due, err := h.Store.DueStatusWebhooks(ctx, h.Store.Now().Add(-SweepGrace), sweepBatch)
	if err != nil {
		return err
	}
	n := 0
	for _, r := range due {
		r.RunAt = time.Now()
		added, err := h.Queue.put(ctx, func() *asynq.Task { return NewStatusWebhookTask(r) }, statusWebhookQueue(r), "swh:"+r.ID, r.RunAt, false)
		if err != nil {
			return err
		}
		if added {
			n++
		}
	}
	if n > 0 {
		h.Log.InfoContext(ctx, "sweeper re-enqueued status webhooks missing from the queue", "count", n)
	}
	return nil
}

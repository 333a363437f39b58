package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
)

// TypeAutoPublish runs the status pages' auto-publish rule (docs/statuspages.md): CloudWatch
// incidents on auto-publish components that have lasted the component's N minutes get an
// "Investigating" public update. Periodic only (every 15 s): what is due is decided by the
// store's clock from the rows, so nothing needs to wake it.
const TypeAutoPublish = "statuspage:auto_publish"

// NewAutoPublishTask runs one auto-publish pass. It is unique for a while, so the schedulers of
// several worker replicas enqueue it once.
func NewAutoPublishTask() *asynq.Task {
	return asynq.NewTask(TypeAutoPublish, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(10*time.Second))
}

// AutoPublish handles TypeAutoPublish.
func (h *Handlers) AutoPublish(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Store.RunAutoPublish(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "auto-published incidents on status pages", "count", n)
	}
	return err
}

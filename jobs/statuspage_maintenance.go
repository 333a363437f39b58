package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"
)

// TypeAdvanceMaintenance runs the maintenance cycle (docs/statuspages.md "Maintenance and
// paging"): windows start and complete by the store's clock, and held incidents page once no
// window covers them any more (the set-wise sweep). The periodic scheduler runs it every 5 s;
// the rows decide, so a lost task or two workers running it at once move every window exactly
// once. A window whose start has
// come when it is created or edited starts in that transaction, not here.
const TypeAdvanceMaintenance = "statuspage:maintenance"

// NewAdvanceMaintenanceTask runs one maintenance cycle. It goes to the on-call queue: ending a
// window releases pages.
func NewAdvanceMaintenanceTask() *asynq.Task {
	return asynq.NewTask(TypeAdvanceMaintenance, nil, asynq.Queue(QueueOnCall), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(4*time.Second))
}

// AdvanceMaintenance handles TypeAdvanceMaintenance.
func (h *Handlers) AdvanceMaintenance(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Store.AdvanceMaintenance(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "maintenance windows moved", "count", n)
	}
	return err
}

// Package jobs holds Switchboard's Asynq task types (a constant name, a payload, a constructor
// and a handler each) and assembles the worker and the periodic scheduler.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/switchboard-hub/switchboard/models"
)

// Queues and their weights (WorkerConfig): urgent mail (pages) first, then deliveries, then
// maintenance and bulk mail.
const (
	QueueDefault     = "default"
	QueueMaintenance = "maintenance"
)

// Task types.
const (
	TypeNoteExpiredTokens = "maintenance:note_expired_tokens"
	TypePurgeSessions     = "maintenance:purge_sessions"
	TypeExpireApprovals   = "maintenance:expire_approvals"
)

// NewExpireApprovalsTask ends pending approval requests past their expiry.
func NewExpireApprovalsTask() *asynq.Task {
	return asynq.NewTask(TypeExpireApprovals, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(1),
		asynq.Timeout(time.Minute), asynq.Unique(4*time.Second))
}

// ExpireApprovals handles TypeExpireApprovals.
func (h *Handlers) ExpireApprovals(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Store.ExpireApprovals(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "expired pending approval requests", "count", n)
	}
	return err
}

// NewNoteExpiredTokensTask records audit entries for API tokens that have expired. It is
// unique for a while, so the schedulers of several worker replicas enqueue it once.
func NewNoteExpiredTokensTask() *asynq.Task {
	return asynq.NewTask(TypeNoteExpiredTokens, nil,
		asynq.Queue(QueueMaintenance), asynq.MaxRetry(3), asynq.Timeout(time.Minute),
		asynq.Unique(10*time.Second))
}

// NewPurgeSessionsTask deletes long-expired refresh tokens and used approval callback
// signatures past their retention.
func NewPurgeSessionsTask() *asynq.Task {
	return asynq.NewTask(TypePurgeSessions, nil,
		asynq.Queue(QueueMaintenance), asynq.MaxRetry(3), asynq.Timeout(5*time.Minute),
		asynq.Unique(30*time.Minute))
}

// Handlers implements the task handlers on the domain services.
type Handlers struct {
	Store     *models.Store
	Log       *slog.Logger
	Deliverer *Deliverer
	// Dispatcher sends batched deliveries; its wake task is routed to it.
	Dispatcher *Dispatcher
	Sweeper    *Sweeper
	// Mailer sends queued mail; MailSweeper re-enqueues mail missing from the queue.
	Mailer      *Mailer
	MailSweeper *MailSweeper
	// Engine advances escalations and sends notifications (docs/oncall.md).
	Engine *Engine
	// Slack runs the Slack app's tasks (message syncs, interactions, its sweeper).
	Slack *Slack
	// StatusWebhooks sends status page webhook subscribers' deliveries and sweeps them.
	StatusWebhooks *StatusWebhooks

	// running counts handlers in flight, so a shutdown can wait for the ones Asynq gave up on
	// (their context cancelled) to record what they did.
	running sync.WaitGroup
}

// WaitIdle waits up to d for every handler that is still running to return, and reports
// whether they all did. Asynq stops waiting for a handler at its ShutdownTimeout, requeues its
// task and cancels its context; the handler itself still records its attempt (with a context
// that survives the cancellation), and the process must not close the database under it.
func (h *Handlers) WaitIdle(d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		h.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// NoteExpiredTokens handles TypeNoteExpiredTokens.
func (h *Handlers) NoteExpiredTokens(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Store.NoteExpiredAPITokens(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "noted expired API tokens", "count", n)
	}
	return err
}

// PurgeSessions handles TypePurgeSessions.
func (h *Handlers) PurgeSessions(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Store.PurgeRefreshTokens(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "purged expired sessions", "count", n)
	}
	if err != nil {
		return err
	}
	n, err = h.Store.PurgeUsedCallbackSignatures(ctx)
	if n > 0 {
		h.Log.InfoContext(ctx, "purged used approval callback signatures", "count", n)
	}
	return err
}

// Mux routes task types to handlers.
func (h *Handlers) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Use(func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
			h.running.Add(1)
			defer h.running.Done()
			// The worker's own database pool (models.WorkerContext).
			return next.ProcessTask(models.WorkerContext(ctx), t)
		})
	})
	mux.HandleFunc(TypeNoteExpiredTokens, h.NoteExpiredTokens)
	mux.HandleFunc(TypePurgeSessions, h.PurgeSessions)
	mux.HandleFunc(TypePurgeHistory, h.PurgeHistory)
	mux.HandleFunc(TypeExpireApprovals, h.ExpireApprovals)
	mux.HandleFunc(TypePurgeMail, h.PurgeMail)
	mux.HandleFunc(TypeAutoPublish, h.AutoPublish)
	mux.HandleFunc(TypeAdvanceMaintenance, h.AdvanceMaintenance)
	if h.Deliverer != nil {
		mux.HandleFunc(TypeDeliver, h.Deliverer.Deliver)
	}
	if h.Dispatcher != nil {
		mux.HandleFunc(TypeWakeDispatcher, h.Dispatcher.HandleWake)
	}
	if h.Sweeper != nil {
		mux.HandleFunc(TypeSweepDeliveries, h.Sweeper.Sweep)
	}
	if h.Mailer != nil {
		mux.HandleFunc(TypeSendMail, h.Mailer.Send)
	}
	if h.MailSweeper != nil {
		mux.HandleFunc(TypeSweepMail, h.MailSweeper.Sweep)
	}
	if h.Engine != nil {
		mux.HandleFunc(TypeAdvanceEscalations, h.Engine.Advance)
		mux.HandleFunc(TypeSendNotifications, h.Engine.Notify)
		mux.HandleFunc(TypeShiftNotices, h.Engine.ShiftNotices)
	}
	if h.StatusWebhooks != nil {
		mux.HandleFunc(TypeSendStatusWebhook, h.StatusWebhooks.Send)
		mux.HandleFunc(TypeSweepStatusWebhooks, h.StatusWebhooks.Sweep)
	}
	if h.Slack != nil {
		mux.HandleFunc(TypeSlackSync, h.Slack.Sync)
		mux.HandleFunc(TypeSlackInteraction, h.Slack.Interact)
		mux.HandleFunc(TypeSweepSlack, h.Slack.Sweep)
	}
	return mux
}

// WorkerConfig tunes the Asynq server. Intervals are short because the first attempt of a
// delivery must not wait for a poll tick. A shutdown waits up to grace
// (SWITCHBOARD_SHUTDOWN_GRACE) for jobs in flight; then their tasks go back to the queue and
// their contexts are cancelled (a delivery records the interrupted attempt and is retried).
func WorkerConfig(concurrency int, grace time.Duration, log *slog.Logger) asynq.Config {
	return asynq.Config{
		Concurrency:              concurrency,
		Queues:                   map[string]int{QueueMailUrgent: 12, QueueOnCall: 12, QueueDefault: 6, QueueMaintenance: 1, QueueMailBulk: 1},
		TaskCheckInterval:        50 * time.Millisecond,
		DelayedTaskCheckInterval: 200 * time.Millisecond,
		ShutdownTimeout:          grace,
		Logger:                   Logger{L: log, Component: "asynq"},
		RetryDelayFunc:           RetryDelay,
		IsFailure:                IsFailure,
		LogLevel:                 asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			if IsFailure(err) {
				log.WarnContext(ctx, "task failed", "type", t.Type(), "err", err)
			}
		}),
	}
}

// Schedule registers the periodic maintenance tasks on a scheduler.
func Schedule(s *asynq.Scheduler) error {
	if _, err := s.Register("@every 15s", NewNoteExpiredTokensTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 5s", NewExpireApprovalsTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 5s", NewSweepTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 5s", NewSweepMailTask()); err != nil {
		return err
	}
	// The engine's safety net: woken tasks do the work at once; these find what a lost wake-up
	// (a flushed Redis, a crash between commit and enqueue) left due.
	if _, err := s.Register("@every 2s", NewAdvanceEscalationsTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 2s", NewSendNotificationsTask()); err != nil {
		return err
	}
	// Status pages: publish CloudWatch incidents that outlast their component's N minutes.
	if _, err := s.Register("@every 15s", NewAutoPublishTask()); err != nil {
		return err
	}
	// Status pages: maintenance windows start and end by the clock.
	if _, err := s.Register("@every 5s", NewAdvanceMaintenanceTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 30s", NewShiftNoticesTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 5s", NewSweepSlackTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 5s", NewSweepStatusWebhooksTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 1h", NewPurgeMailTask()); err != nil {
		return err
	}
	if _, err := s.Register("@every 1h", NewPurgeHistoryTask()); err != nil {
		return err
	}
	_, err := s.Register("@every 1h", NewPurgeSessionsTask())
	return err
}

// Logger lets Asynq (its worker and scheduler) log through slog, tagged with a component.
type Logger struct {
	L         *slog.Logger
	Component string
}

func (a Logger) Debug(args ...any) { a.L.Debug(fmt.Sprint(args...), "component", a.Component) }
func (a Logger) Info(args ...any)  { a.L.Info(fmt.Sprint(args...), "component", a.Component) }
func (a Logger) Warn(args ...any)  { a.L.Warn(fmt.Sprint(args...), "component", a.Component) }
func (a Logger) Error(args ...any) { a.L.Error(fmt.Sprint(args...), "component", a.Component) }
func (a Logger) Fatal(args ...any) { a.L.Error(fmt.Sprint(args...), "component", a.Component) }

package jobs

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
)

// The on-call engine's tasks (docs/oncall.md). The queue only wakes: the engine cycle and the
// notification sender read what is due from the rows by the store's clock, so a flushed Redis
// or a crashed worker loses nothing (the periodic scheduler runs both every 2 s as a safety
// net), and a woken cycle with nothing due costs one indexed query.
const (
	// QueueOnCall outranks everything but urgent mail: a page must not wait behind deliveries.
	QueueOnCall = "oncall"

	TypeAdvanceEscalations = "oncall:advance"
	TypeSendNotifications  = "oncall:notify"
)

// NewAdvanceEscalationsTask runs one engine cycle.
func NewAdvanceEscalationsTask() *asynq.Task {
	return asynq.NewTask(TypeAdvanceEscalations, nil, asynq.Queue(QueueOnCall), asynq.MaxRetry(0), asynq.Timeout(time.Minute))
}

// NewSendNotificationsTask sends due notifications.
func NewSendNotificationsTask() *asynq.Task {
	return asynq.NewTask(TypeSendNotifications, nil, asynq.Queue(QueueOnCall), asynq.MaxRetry(0), asynq.Timeout(2*time.Minute))
}

// WakeEscalations implements models.EngineWaker.
func (q *Queue) WakeEscalations(ctx context.Context) {
	if _, err := q.Client.EnqueueContext(ctx, NewAdvanceEscalationsTask()); err != nil {
		q.Log.WarnContext(ctx, "wake the escalation engine failed; its periodic cycle will run", "err", err)
	}
}

// WakeNotifications implements models.EngineWaker.
func (q *Queue) WakeNotifications(ctx context.Context) {
	if _, err := q.Client.EnqueueContext(ctx, NewSendNotificationsTask()); err != nil {
		q.Log.WarnContext(ctx, "wake the notification sender failed; its periodic run will send", "err", err)
	}
}

// Engine runs the escalation cycle and sends notifications.
type Engine struct {
	Store *models.Store
	Log   *slog.Logger
	// Channels send notifications by contact kind (NewChannels).
	Channels map[models.ContactKind]Channel
	// Parallel is how many notifications are sent at once (default 16).
	Parallel int

	// One cycle at a time per process: concurrent wake-ups would only contend for the same rows.
	// A wake-up that finds a cycle running leaves a note, and the running cycle goes round
	// once more, so rows committed after its query do not wait for the periodic run.
	advance, notify           sync.Mutex
	advanceAgain, notifyAgain atomic.Bool
	// advancing is set while this process advances escalations: sending waits for it (at
	// most maxSendWait at a time), so in a storm the state and the notification rows of every
	// escalation are committed first, on cores and connections sending would otherwise take.
	advancing atomic.Bool
}

// maxSendWait bounds how long sending yields to a running advance before it sends a batch
// anyway (an advance kept busy by a steady stream of due rows must not starve the sending).
const maxSendWait = 5 * time.Second

// Advance handles TypeAdvanceEscalations: it advances every due escalation.
func (e *Engine) Advance(ctx context.Context, _ *asynq.Task) error {
	if !e.advance.TryLock() {
		e.advanceAgain.Store(true)
		return nil
	}
	defer e.advance.Unlock()
	e.advancing.Store(true)
	defer e.advancing.Store(false)
	for {
		e.advanceAgain.Store(false)
		n, err := e.Store.AdvanceEscalations(ctx, 100000)
		if n > 0 {
			e.Log.DebugContext(ctx, "escalations advanced", "count", n)
		}
		if err != nil || !e.advanceAgain.Load() || ctx.Err() != nil {
			return err
		}
	}
}

// Notify handles TypeSendNotifications: it sends due notifications until none are due (or the
// task's budget ends).
func (e *Engine) Notify(ctx context.Context, _ *asynq.Task) error {
	if !e.notify.TryLock() {
		e.notifyAgain.Store(true)
		return nil
	}
	defer e.notify.Unlock()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		for waited := time.Duration(0); e.advancing.Load() && waited < maxSendWait && ctx.Err() == nil; waited += 25 * time.Millisecond {
			time.Sleep(25 * time.Millisecond)
		}
		e.notifyAgain.Store(false)
		batch, err := e.Store.ClaimNotifications(ctx, 200)
		if err != nil {
			return err
		}
		if len(batch) == 0 && !e.notifyAgain.Load() {
			return nil
		}
		e.sendAll(ctx, batch)
	}
	return nil
}

func (e *Engine) sendAll(ctx context.Context, batch []*models.OutgoingNotification) {
	par := e.Parallel
	if par <= 0 {
		par = 16
	}
	// Channels that take a batch (email: its mail rows in one transaction) get theirs at once.
	byBatch := map[models.ContactKind][]*models.OutgoingNotification{}
	var single []*models.OutgoingNotification
	for _, o := range batch {
		if _, ok := e.Channels[o.Channel].(BatchChannel); ok {
			byBatch[o.Channel] = append(byBatch[o.Channel], o)
		} else {
			single = append(single, o)
		}
	}
	for kind, os := range byBatch {
		if err := e.Channels[kind].(BatchChannel).SendBatch(ctx, os); err != nil {
			e.Log.WarnContext(ctx, "notifications not handed over; their lease expires and they are taken again", "channel", kind, "count", len(os), "err", err)
		}
	}
	sem := make(chan struct{}, par)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		outs []models.NotificationOutcome
	)
	for _, o := range single {
		sem <- struct{}{}
		wg.Add(1)
		go func(o *models.OutgoingNotification) {
			defer func() { <-sem; wg.Done() }()
			res, err := e.sendOne(ctx, o)
			if err != nil {
				// The lease expires and the sender takes it again.
				e.Log.WarnContext(ctx, "notification not recorded", "notification_id", o.ID, "err", err)
				return
			}
			if res != nil {
				mu.Lock()
				outs = append(outs, models.NotificationOutcome{O: o, R: *res})
				mu.Unlock()
			}
		}(o)
	}
	wg.Wait()
	// The outcomes of a batch are recorded in one transaction.
	if err := e.Store.FinishNotifications(context.WithoutCancel(ctx), outs); err != nil {
		e.Log.WarnContext(ctx, "notification outcomes not recorded; their lease expires and they are sent again", "count", len(outs), "err", err)
	}
}

// sendOne sends through the notification's channel; a nil result means the channel recorded
// the outcome itself.
func (e *Engine) sendOne(ctx context.Context, o *models.OutgoingNotification) (*models.NotificationResult, error) {
	ch := e.Channels[o.Channel]
	if ch == nil {
		return &models.NotificationResult{Err: fmt.Errorf("no %s channel in this worker", o.Channel), Permanent: true}, nil
	}
	res, err := ch.Send(ctx, o)
	if err != nil || res == nil {
		return nil, err
	}
	if res.Err != nil && res.RetryIn == 0 {
		res.RetryIn = models.NotificationRetryDelay(o.Attempts)
	}
	return res, nil
}

// BatchChannel is a channel that hands over a whole batch at once.
type BatchChannel interface {
	Channel
	SendBatch(ctx context.Context, os []*models.OutgoingNotification) error
}

// Channel sends one claimed notification. A nil result means the channel recorded the outcome
// itself (or will: email follows its mail); an error means nothing was recorded.
type Channel interface {
	Send(ctx context.Context, o *models.OutgoingNotification) (*models.NotificationResult, error)
}

// NewChannels returns the channels of a worker: email through the mail path, ntfy and
// endpoints through the delivery sender (and its outbound guard), Slack DMs through the Slack
// app (dm may be nil: Slack DMs then fail as not connected).
func NewChannels(store *models.Store, sender *deliver.Sender, dm *SlackDM) map[models.ContactKind]Channel {
	return map[models.ContactKind]Channel{
		models.ContactEmail:    EmailChannel{Store: store},
		models.ContactNtfy:     &NtfyChannel{Sender: sender},
		models.ContactEndpoint: EndpointChannel{Store: store},
		models.ContactSlackDM:  SlackDMChannel{DM: dm},
	}
}

// EmailChannel writes the page as a mail (kind page, urgent) linked to the notification.
type EmailChannel struct{ Store *models.Store }

// Send implements Channel.
func (c EmailChannel) Send(ctx context.Context, o *models.OutgoingNotification) (*models.NotificationResult, error) {
	return nil, c.Store.SendNotificationMail(context.WithoutCancel(ctx), o)
}

// SendBatch implements BatchChannel: the batch's mail rows are written in one transaction.
func (c EmailChannel) SendBatch(ctx context.Context, os []*models.OutgoingNotification) error {
	return c.Store.SendNotificationMails(context.WithoutCancel(ctx), os)
}

// EndpointChannel delivers the page to a Switchboard endpoint through the webhook pipeline.
type EndpointChannel struct{ Store *models.Store }

// Send implements Channel.
func (c EndpointChannel) Send(ctx context.Context, o *models.OutgoingNotification) (*models.NotificationResult, error) {
	return nil, c.Store.SendNotificationEndpoint(context.WithoutCancel(ctx), o)
}

// SlackDMChannel sends pages as Slack DMs through the Slack app (jobs.SlackDM); without it, or
// without a workspace for the account, a Slack DM fails with "Slack is not connected".
type SlackDMChannel struct{ DM *SlackDM }

// Send implements Channel.
func (c SlackDMChannel) Send(ctx context.Context, o *models.OutgoingNotification) (*models.NotificationResult, error) {
	if c.DM == nil {
		return &models.NotificationResult{Err: ErrSlackNotConnected, Permanent: true}, nil
	}
	answer, err := c.DM.Send(ctx, &o.Notification)
	switch {
	case err == nil:
		return &models.NotificationResult{Answer: answer}, nil
	case errors.Is(err, ErrSlackNotConnected) || IsPermanentSlackError(err):
		return &models.NotificationResult{Err: err, Permanent: true}, nil
	}
	res := &models.NotificationResult{Err: err}
	if d, ok := SlackRetryAfter(err); ok {
		res.RetryIn = d
	}
	return res, nil
}

// NtfyChannel publishes to an ntfy topic (JSON publishing to the server's root: topic, title,
// message, priority by severity, a click link to the console and an Acknowledge action that
// POSTs the signed link). It goes through the delivery sender, so the outbound guard, the
// redirect policy and the timeouts of webhooks apply.
type NtfyChannel struct {
	Sender *deliver.Sender
}

var ntfyPriority = map[models.Severity]int{models.SeverityCritical: 5, models.SeverityHigh: 4, models.SeverityMedium: 3, models.SeverityLow: 2}

// ntfyMessage builds the JSON publish body of a notification; root is the server's base URL.
func ntfyMessage(o *models.OutgoingNotification) (root string, body []byte, err error) {
	u, err := url.Parse(o.Recipient)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", nil, errors.New("the ntfy topic is not an http(s) URL")
	}
	path := strings.Trim(u.Path, "/")
	i := strings.LastIndex(path, "/")
	topic := path[i+1:]
	if topic == "" {
		return "", nil, errors.New("the ntfy URL names no topic")
	}
	u.Path = "/" + path[:max(i, 0)]
	u.RawQuery, u.Fragment = "", ""
	msg := map[string]any{"topic": topic, "priority": 3}
	switch len(o.Incidents) {
	case 0:
		msg["title"], msg["message"] = "Switchboard", "You have a notification from Switchboard."
		if o.Reason == models.NotifyTest {
			msg["title"], msg["message"] = "Switchboard test notification", "This contact method works: pages will reach you here."
		}
	case 1:
		pi := o.Incidents[0]
		msg["title"] = fmt.Sprintf("[%s] %s", strings.ToUpper(string(pi.Incident.Severity)), pi.Incident.Title)
		msg["message"] = fmt.Sprintf("Component: %s\nStatus: %s", pi.Component, pi.Incident.Status)
		msg["priority"] = ntfyPriority[pi.Incident.Severity]
		if pi.ConsoleURL != "" {
			msg["click"] = pi.ConsoleURL
		}
		var actions []map[string]any
		if pi.AcknowledgeURL != "" {
			actions = append(actions, map[string]any{"action": "http", "label": "Acknowledge", "url": pi.AcknowledgeURL, "method": "POST", "clear": true})
		}
		if pi.ConsoleURL != "" {
			actions = append(actions, map[string]any{"action": "view", "label": "Open", "url": pi.ConsoleURL})
		}
		if len(actions) > 0 {
			msg["actions"] = actions
		}
	default:
		lines := make([]string, 0, len(o.Incidents))
		prio := 2
		for _, pi := range o.Incidents {
			lines = append(lines, fmt.Sprintf("[%s] %s (%s)", strings.ToUpper(string(pi.Incident.Severity)), pi.Incident.Title, pi.Component))
			prio = max(prio, ntfyPriority[pi.Incident.Severity])
		}
		msg["title"] = fmt.Sprintf("%d incidents paged you", len(o.Incidents))
		msg["message"] = strings.Join(lines, "\n")
		msg["priority"] = prio
	}
	b, err := json.Marshal(msg)
	return strings.TrimRight(u.String(), "/") + "/", b, err
}

// Send implements Channel.
func (c *NtfyChannel) Send(ctx context.Context, o *models.OutgoingNotification) (*models.NotificationResult, error) {
	root, body, err := ntfyMessage(o)
	if err != nil {
		return &models.NotificationResult{Err: err, Permanent: true}, nil
	}
	hdr := http.Header{}
	if o.Secret != "" {
		hdr.Set("Authorization", "Bearer "+o.Secret)
	}
	// The delivery sender signs every request; an ntfy server ignores the signature, so the key
	// is a throwaway.
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	r := c.Sender.Send(ctx, deliver.Request{DeliveryID: o.ID, URL: root, Body: body, SigningKey: key, Headers: hdr, Timeout: 10 * time.Second})
	answer := ""
	if r.StatusCode > 0 {
		answer = fmt.Sprintf("HTTP %d", r.StatusCode)
	}
	switch r.Outcome {
	case deliver.Succeeded:
		return &models.NotificationResult{Answer: answer}, nil
	case deliver.Retry:
		msg := r.ErrorMessage
		if msg == "" {
			msg = "the ntfy server answered " + answer
		}
		return &models.NotificationResult{Err: errors.New(msg), Answer: answer, RetryIn: r.RetryAfter}, nil
	default:
		msg := r.ErrorMessage
		if msg == "" {
			msg = "the ntfy server refused it: " + answer
		}
		return &models.NotificationResult{Err: errors.New(msg), Answer: answer, Permanent: true}, nil
	}
}

// TypeShiftNotices writes the notices of shifts about to start.
const TypeShiftNotices = "oncall:shift_notices"

// NewShiftNoticesTask looks a minute ahead for shift starts.
func NewShiftNoticesTask() *asynq.Task {
	return asynq.NewTask(TypeShiftNotices, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(20*time.Second))
}

// ShiftNotices handles TypeShiftNotices.
func (e *Engine) ShiftNotices(ctx context.Context, _ *asynq.Task) error {
	n, err := e.Store.NoticeShifts(ctx)
	if n > 0 {
		e.Log.InfoContext(ctx, "shift notices written", "count", n)
	}
	return err
}

package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/slack-go/slack"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
)

// The Slack app's jobs (design §14, docs/slack.md): one coalescing "sync this incident's
// channel message" task per incident, the processing of accepted interactions, the sweeper
// that re-enqueues both from their rows, and the Slack DM channel of the paging engine.

// Task types of the Slack app.
const (
	TypeSlackSync        = "slack:sync"
	TypeSlackInteraction = "slack:interaction"
	TypeSweepSlack       = "maintenance:sweep_slack"
)

// DefaultSlackAPIURL is Slack's Web API (SWITCHBOARD_SLACK_API_URL overrides it).
const DefaultSlackAPIURL = "https://slack.com/api/"

// SlackAPI calls Slack's Web API with slack-go.
type SlackAPI struct {
	// APIURL is the Web API base with a trailing slash (tests point it at slacktest).
	APIURL string
	// ResponseURLPrefix is what an interaction's response_url must start with
	// ("https://hooks.slack.com/" unless tests say otherwise).
	ResponseURLPrefix string
	HTTP              *http.Client
}

// NewSlackAPI returns the Web API client for base ("" for Slack itself). With a guard, every
// connection (Web API and response URLs) is checked by the outbound guard of deliveries
// (SWITCHBOARD_OUTBOUND_ALLOW / _DENY) at dial time, after name resolution.
func NewSlackAPI(base string, guard *deliver.Guard) *SlackAPI {
	if base == "" {
		base = DefaultSlackAPIURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	prefix := "https://hooks.slack.com/"
	if base != DefaultSlackAPIURL {
		u, err := url.Parse(base)
		if err == nil {
			prefix = u.Scheme + "://" + u.Host + "/"
		}
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if guard != nil {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return err
			}
			return guard.Check(ip)
		}
	}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second, MaxIdleConnsPerHost: 8,
		IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}
	return &SlackAPI{APIURL: base, ResponseURLPrefix: prefix, HTTP: &http.Client{Timeout: 15 * time.Second, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Client is a Web API client acting with token.
func (c *SlackAPI) Client(token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(c.APIURL), slack.OptionHTTPClient(c.HTTP))
}

// SlackAuthTest implements models.SlackChecker with auth.test.
func (c *SlackAPI) SlackAuthTest(ctx context.Context, token string) (models.SlackTeam, error) {
	r, err := c.Client(token).AuthTestContext(ctx)
	if err != nil {
		return models.SlackTeam{}, models.FieldError(models.EINVALID, "botToken", "Slack did not accept the token: %s", describeSlackError(err))
	}
	return models.SlackTeam{TeamID: r.TeamID, TeamName: r.Team, BotUserID: r.UserID}, nil
}

// SlackLookupByEmail implements models.SlackChecker with users.lookupByEmail.
func (c *SlackAPI) SlackLookupByEmail(ctx context.Context, token, email string) (string, error) {
	u, err := c.Client(token).GetUserByEmailContext(ctx, email)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "users_not_found" {
		return "", nil
	}
	if err != nil {
		return "", errors.New(describeSlackError(err))
	}
	return u.ID, nil
}

// slackPermanent are Slack error codes a retry cannot change.
var slackPermanent = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true, "token_expired": true,
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "missing_scope": true,
	"user_not_found": true, "users_not_found": true, "cannot_dm_bot": true, "user_disabled": true,
	"msg_too_long": true, "invalid_blocks": true, "no_permission": true, "restricted_action": true,
	slackNotTheRecipient: true,
}

// slackNotTheRecipient is SlackDM's refusal of a Slack user id that is not the notified person's
// (a permanent error: no retry changes it).
const slackNotTheRecipient = "slack_user_is_not_the_recipient"

// SlackRetryAfter reports whether err is Slack's 429 and how long it asked to wait.
func SlackRetryAfter(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Second), true
	}
	return 0, false
}

// IsPermanentSlackError tells a refusal no retry changes (invalid_auth, channel_not_found …).
func IsPermanentSlackError(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return slackPermanent[se.Err]
	}
	return false
}

// describeSlackError says what went wrong without the token or the request.
func describeSlackError(err error) string {
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	var rl *slack.RateLimitedError
	switch {
	case errors.As(err, &rl):
		return fmt.Sprintf("ratelimited (Retry-After %s)", rl.RetryAfter)
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &sc):
		return fmt.Sprintf("HTTP %d from Slack", sc.Code)
	case errors.Is(err, context.DeadlineExceeded):
		return "Slack did not answer in time"
	}
	return "could not reach Slack"
}

// slackRetry is the wait after a temporary failure: Slack's Retry-After, else a backoff.
func slackRetry(err error, attempt int) time.Duration {
	if d, ok := SlackRetryAfter(err); ok {
		return d
	}
	base := min(time.Duration(1<<min(attempt, 8))*time.Second, 5*time.Minute)
	return base/2 + time.Duration(rand.Int64N(int64(base/2)+1))
}

type slackPayload struct {
	ID string `json:"id"`
}

// NewSlackSyncTask syncs an incident's channel message. The task id is the incident's: changes
// made while one waits coalesce into it, and it renders the latest state when it runs.
func NewSlackSyncTask(incidentID string, runAt time.Time) *asynq.Task {
	b, _ := json.Marshal(slackPayload{ID: incidentID})
	return asynq.NewTask(TypeSlackSync, b, asynq.TaskID("slack:sync:"+incidentID), asynq.ProcessAt(runAt),
		asynq.Queue(QueueDefault), asynq.MaxRetry(deliveryTaskRetries), asynq.Timeout(2*time.Minute))
}

// NewSlackInteractionTask processes one accepted interaction.
func NewSlackInteractionTask(id string, runAt time.Time) *asynq.Task {
	b, _ := json.Marshal(slackPayload{ID: id})
	return asynq.NewTask(TypeSlackInteraction, b, asynq.TaskID("slack:interaction:"+id), asynq.ProcessAt(runAt),
		asynq.Queue(QueueMailUrgent), asynq.MaxRetry(50), asynq.Timeout(time.Minute), asynq.Retention(completedRetention))
}

// NewSweepSlackTask re-enqueues due Slack rows missing from the queue.
func NewSweepSlackTask() *asynq.Task {
	return asynq.NewTask(TypeSweepSlack, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(4*time.Second))
}

// EnqueueSlackSync implements models.SlackEnqueuer.
func (q *Queue) EnqueueSlackSync(ctx context.Context, incidentID string) {
	if _, err := q.Client.EnqueueContext(ctx, NewSlackSyncTask(incidentID, time.Now())); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		q.Log.WarnContext(ctx, "enqueue Slack sync failed; the sweeper will retry", "incident_id", incidentID, "err", err)
	}
}

// EnqueueSlackInteraction implements models.SlackEnqueuer.
func (q *Queue) EnqueueSlackInteraction(ctx context.Context, id string) {
	if _, err := q.Client.EnqueueContext(ctx, NewSlackInteractionTask(id, time.Now())); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		q.Log.WarnContext(ctx, "enqueue Slack interaction failed; the sweeper will retry", "interaction_id", id, "err", err)
	}
}

// Slack runs the Slack app's tasks.
type Slack struct {
	Store *models.Store
	API   *SlackAPI
	Queue *Queue
	Log   *slog.Logger

	lastPurge atomic.Int64 // unix nanoseconds of the last purge in this process
}

// beginSlackTask reads a Slack task's row id and takes the row with begin. stop means the
// handler returns err at once: nothing to do (nil), not due yet (a retry at its time), a bad
// payload or a database error.
func beginSlackTask[T any](ctx context.Context, t *asynq.Task, begin func(context.Context, string) (T, error)) (row T, stop bool, err error) {
	var p slackPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return row, true, fmt.Errorf("%w: bad payload: %v", asynq.SkipRetry, err)
	}
	row, err = begin(ctx, p.ID)
	var notDue *models.NotDueError
	switch {
	case errors.Is(err, models.ErrSlackDone):
		return row, true, nil
	case errors.As(err, &notDue):
		return row, true, &retryIn{delay: time.Until(notDue.At), reason: "not due yet"}
	}
	return row, err != nil, err
}

// Sync handles TypeSlackSync: one sync of one incident's channel message.
func (h *Slack) Sync(ctx context.Context, t *asynq.Task) error {
	sy, stop, err := beginSlackTask(ctx, t, h.Store.BeginSlackSync)
	if stop {
		return err
	}
	res := h.syncMessage(ctx, sy)
	if res.Err != nil {
		h.Log.WarnContext(ctx, "Slack message not synced", "incident_id", sy.Message.IncidentID, "attempt", sy.Message.Attempts,
			"permanent", res.Permanent, "reason", res.Err.Error())
	}
	next, err := h.Store.FinishSlackSync(context.WithoutCancel(ctx), sy, res)
	if err != nil {
		return err
	}
	if next != nil {
		return &retryIn{delay: time.Until(*next), reason: "Slack message not in sync yet"}
	}
	return nil
}

func (h *Slack) syncMessage(ctx context.Context, sy *models.SlackSync) models.SlackSyncResult {
	token, err := h.Store.SlackBotToken(sy.Workspace)
	if err != nil {
		return models.SlackSyncResult{Err: errors.New("the bot token cannot be opened"), Permanent: true}
	}
	api := h.API.Client(token)
	text, blocks := RenderSlackIncident(sy.View, true)
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)}
	ch := sy.Message.ChannelID
	if sy.Message.Ts != "" {
		_, _, _, err = api.UpdateMessageContext(ctx, ch, sy.Message.Ts, opts...)
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && se.Err == "message_not_found" {
			// Deleted in Slack: post it again.
			sy.Message.Ts = ""
		}
	}
	if sy.Message.Ts == "" {
		var ts string
		if _, ts, err = api.PostMessageContext(ctx, ch, opts...); err == nil {
			err = h.Store.RecordSlackPost(context.WithoutCancel(ctx), sy, ts)
		}
	}
	if err == nil {
		// The timeline as thread replies: append-only, each entry once, in order.
		for _, e := range sy.View.Unposted {
			var ts string
			_, ts, err = api.PostMessageContext(ctx, ch, slack.MsgOptionTS(sy.Message.Ts), slack.MsgOptionText(RenderSlackTimeline(e), false))
			if err != nil {
				break
			}
			if err = h.Store.RecordSlackThreadPost(context.WithoutCancel(ctx), sy.View.Incident.ID, e.ID, ts); err != nil {
				break
			}
		}
	}
	if err == nil {
		return models.SlackSyncResult{}
	}
	return models.SlackSyncResult{Err: errors.New(describeSlackError(err)), Permanent: IsPermanentSlackError(err), RetryIn: slackRetry(err, sy.Message.Attempts)}
}

// Sweep handles TypeSweepSlack: due message syncs and interactions missing from the queue.
func (h *Slack) Sweep(ctx context.Context, _ *asynq.Task) error {
	cutoff := time.Now().UTC().Add(-SweepGrace)
	ids, err := h.Store.DueSlackMessages(ctx, cutoff, sweepBatch)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := h.Queue.put(ctx, func() *asynq.Task { return NewSlackSyncTask(id, time.Now()) }, QueueDefault, "slack:sync:"+id, time.Now(), false); err != nil {
			return err
		}
	}
	its, err := h.Store.DueSlackInteractions(ctx, cutoff, sweepBatch)
	if err != nil {
		return err
	}
	for _, id := range its {
		if _, err := h.Queue.put(ctx, func() *asynq.Task { return NewSlackInteractionTask(id, time.Now()) }, QueueMailUrgent, "slack:interaction:"+id, time.Now(), false); err != nil {
			return err
		}
	}
	// Old seen signatures and finished interactions: every ten minutes is enough.
	if last := h.lastPurge.Load(); last != 0 && time.Since(time.Unix(0, last)) < 10*time.Minute {
		return nil
	}
	h.lastPurge.Store(time.Now().UnixNano())
	n, err := h.Store.PurgeSlack(ctx)
	if n > 0 {
		h.Log.DebugContext(ctx, "purged old Slack signatures and interactions", "count", n)
	}
	return err
}

// --- Rendering ---

// Action ids of the buttons on incident messages.
const (
	SlackActionAck     = "sb_ack"
	SlackActionResolve = "sb_resolve"
	SlackActionNote    = "sb_note"
	SlackActionView    = "sb_view"
)

// Callback ids of Switchboard's modals.
const (
	SlackModalNote    = "sb_note"
	SlackModalDeclare = "sb_declare"
)

// RenderSlackIncident renders an incident's message from its current state: the text (the
// notification fallback) and Block Kit blocks with the buttons (buttons only while open).
func RenderSlackIncident(v *models.SlackIncidentView, channel bool) (string, []slack.Block) {
	inc := v.Incident
	status := strings.ToUpper(string(inc.Status))
	text := fmt.Sprintf("[%s] %s: %s (%s)", status, inc.Severity, slackEscape(inc.Title), slackEscape(v.ComponentName))
	head := fmt.Sprintf("*%s*\n%s · severity *%s* · %s", slackEscape(inc.Title), statusEmoji(inc.Status)+" "+status, inc.Severity, slackEscape(v.ComponentName))
	fields := []*slack.TextBlockObject{}
	if v.AssigneeName != "" {
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*Assignee*\n"+slackEscape(v.AssigneeName), false, false))
	}
	if v.EscalationLevel != nil {
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprintf("*Escalation level*\n%d", *v.EscalationLevel), false, false))
	}
	if inc.AcknowledgedBy != nil {
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*Acknowledged by*\n"+slackEscape(*inc.AcknowledgedBy), false, false))
	}
	if inc.ResolvedBy != nil {
		fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, "*Resolved by*\n"+slackEscape(*inc.ResolvedBy), false, false))
	}
	if len(fields) == 0 {
		fields = nil
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, head, false, false), fields, nil, slack.SectionBlockOptionBlockID("sb_head"))}
	var buttons []slack.BlockElement
	if inc.Status == models.IncidentTriggered {
		buttons = append(buttons, slack.NewButtonBlockElement(SlackActionAck, inc.ID, slack.NewTextBlockObject(slack.PlainTextType, "Acknowledge", false, false)).WithStyle(slack.StylePrimary))
	}
	if inc.Status != models.IncidentResolved {
		buttons = append(buttons, slack.NewButtonBlockElement(SlackActionResolve, inc.ID, slack.NewTextBlockObject(slack.PlainTextType, "Resolve", false, false)))
	}
	buttons = append(buttons, slack.NewButtonBlockElement(SlackActionNote, inc.ID, slack.NewTextBlockObject(slack.PlainTextType, "Add note", false, false)))
	if v.URL != "" {
		b := slack.NewButtonBlockElement(SlackActionView, inc.ID, slack.NewTextBlockObject(slack.PlainTextType, "View in Switchboard", false, false))
		b.URL = v.URL
		buttons = append(buttons, b)
	}
	blocks = append(blocks, slack.NewActionBlock("sb_actions", buttons...))
	blocks = append(blocks, slack.NewContextBlock("sb_context", slack.NewTextBlockObject(slack.MarkdownType,
		fmt.Sprintf("Incident `%s` · opened %s by %s", models.SlackShortID(inc.ID), inc.OpenedAt.UTC().Format("2006-01-02 15:04 UTC"), slackEscape(inc.OpenedBy)), false, false)))
	return text, blocks
}

// RenderSlackTimeline is the thread reply of one timeline entry.
func RenderSlackTimeline(e models.TimelineEntry) string {
	who := slackEscape(e.ActorLabel)
	switch e.Kind {
	case models.TimelineAcknowledged:
		return "✋ Acknowledged by " + who
	case models.TimelineResolved:
		if e.Body != "" {
			return "✅ Resolved by " + who + ": " + slackEscape(e.Body)
		}
		return "✅ Resolved by " + who
	case models.TimelineNote:
		return "📝 " + who + ": " + slackEscape(e.Body)
	case models.TimelineAlarm:
		return "🔔 " + slackEscape(e.Body)
	}
	if e.Body != "" {
		return fmt.Sprintf("%s (%s): %s", e.Kind, who, slackEscape(e.Body))
	}
	return fmt.Sprintf("%s (%s)", e.Kind, who)
}

func statusEmoji(s models.IncidentStatus) string {
	switch s {
	case models.IncidentTriggered:
		return "🔴"
	case models.IncidentAcknowledged:
		return "🟡"
	}
	return "🟢"
}

// slackEscape escapes the three characters Slack's mrkdwn treats as markup.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// --- Slack DM channel of the paging engine ---

// SlackDM sends pages as Slack DMs (the slack_dm contact method; its address is the Slack user
// id). The engine's notification sender calls Send.
type SlackDM struct {
	Store *models.Store
	API   *SlackAPI
}

// ErrSlackNotConnected means the notification's account has no Slack workspace.
var ErrSlackNotConnected = errors.New("Slack is not connected")

// Send posts one notification as a DM: conversations.open with the recipient's Slack user id,
// then chat.postMessage with the incident and the same buttons as channel messages. The answer
// names the DM channel and the message ts. The recipient must be the notification's user in the
// workspace (linked, or matched by email). Errors: ErrSlackNotConnected; Slack's 429 (see
// SlackRetryAfter: retry after it, not a failure); IsPermanentSlackError for refusals no retry
// changes; anything else is temporary.
func (d *SlackDM) Send(ctx context.Context, n *models.Notification) (string, error) {
	ws, err := d.Store.SlackWorkspaceForAccount(ctx, n.AccountID)
	if err != nil {
		return "", err
	}
	if ws == nil {
		return "", ErrSlackNotConnected
	}
	token, err := d.Store.SlackBotToken(ws)
	if err != nil {
		return "", err
	}
	if !models.ValidSlackID(n.Recipient) {
		return "", slack.SlackErrorResponse{Err: "user_not_found"}
	}
	api := d.API.Client(token)
	// The address of a slack_dm method is typed by its owner and not verified: a page goes only
	// to the Slack user who is the notification's person in this workspace (linked, or matched
	// by the email of their Slack profile), never to any member whose id was entered.
	who, err := d.Store.SlackActorFor(ctx, ws, n.Recipient, "")
	if err != nil {
		return "", err
	}
	if who == nil {
		u, err := api.GetUserInfoContext(ctx, n.Recipient)
		if err != nil {
			return "", err
		}
		if who, err = d.Store.SlackActorFor(ctx, ws, n.Recipient, u.Profile.Email); err != nil {
			return "", err
		}
	}
	if who == nil || who.Actor.UserID != n.UserID {
		return "", slack.SlackErrorResponse{Err: slackNotTheRecipient}
	}
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{n.Recipient}})
	if err != nil {
		return "", err
	}
	var opts []slack.MsgOption
	if n.IncidentID != nil {
		v, err := d.Store.SlackIncidentView(ctx, *n.IncidentID)
		if err != nil {
			return "", err
		}
		text, blocks := RenderSlackIncident(v, false)
		opts = append(opts, slack.MsgOptionText("Page: "+text, false), slack.MsgOptionBlocks(blocks...))
	} else {
		opts = append(opts, slack.MsgOptionText("Switchboard: "+n.Reason, false))
	}
	_, ts, err := api.PostMessageContext(ctx, ch.ID, opts...)
	if err != nil {
		return "", err
	}
	return "channel=" + ch.ID + " ts=" + ts, nil
}

package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/slack-go/slack"

	"github.com/switchboard-hub/switchboard/models"
)

// Interact handles TypeSlackInteraction: one accepted request from Slack, after Slack got its
// answer. Every action is idempotent (acknowledging an acknowledged incident changes nothing),
// so a retry after a crash does no harm.
func (h *Slack) Interact(ctx context.Context, t *asynq.Task) error {
	it, stop, err := beginSlackTask(ctx, t, h.Store.BeginSlackInteraction)
	if stop {
		return err
	}
	result, perr := h.process(ctx, it)
	var wait time.Duration
	if perr != nil {
		wait = slackRetry(perr, it.Attempts)
		h.Log.WarnContext(ctx, "Slack interaction not processed", "interaction_id", it.ID, "kind", it.Kind, "attempt", it.Attempts, "reason", describeSlackError(perr))
		perr = errors.New(describeSlackError(perr))
	}
	next, err := h.Store.FinishSlackInteraction(context.WithoutCancel(ctx), it, result, perr, wait)
	if err != nil {
		return err
	}
	if next != nil {
		return &retryIn{delay: time.Until(*next), reason: "Slack interaction: temporary failure"}
	}
	return nil
}

// slackCtx is what one interaction acts with.
type slackCtx struct {
	h           *Slack
	ws          *models.SlackWorkspace
	api         *slack.Client
	it          *models.SlackInteraction
	responseURL string
	triggerID   string
	slackUser   string
}

// process runs one interaction and returns what Slack was told. An error is temporary (Slack
// or the database unreachable): the interaction is retried.
func (h *Slack) process(ctx context.Context, it *models.SlackInteraction) (string, error) {
	ws, err := h.Store.SlackWorkspaceForAccount(ctx, it.AccountID)
	if err != nil {
		return "", err
	}
	if ws == nil || ws.TeamID != it.TeamID {
		return "the workspace is no longer connected", nil
	}
	token, err := h.Store.SlackBotToken(ws)
	if err != nil {
		return "the bot token cannot be opened", nil
	}
	form, err := url.ParseQuery(it.Payload)
	if err != nil {
		return "unreadable payload", nil
	}
	c := &slackCtx{h: h, ws: ws, api: h.API.Client(token), it: it, slackUser: it.SlackUserID}
	var cb slack.InteractionCallback
	if it.Kind != models.SlackCommand {
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			return "unreadable payload", nil
		}
		c.responseURL, c.triggerID = cb.ResponseURL, cb.TriggerID
	} else {
		c.responseURL, c.triggerID = form.Get("response_url"), form.Get("trigger_id")
	}
	if it.Kind == models.SlackBlockActions && len(cb.ActionCallback.BlockActions) > 0 && cb.ActionCallback.BlockActions[0].ActionID == SlackActionView {
		return "URL button", nil // Slack opened the link; nothing to do
	}
	who, err := c.actor(ctx)
	if err != nil {
		return "", err
	}
	if who == nil {
		link, err := h.Store.SlackLinkURL(ws, it.SlackUserID)
		if err != nil {
			return "", err
		}
		msg := "Switchboard does not know you yet. Link your Slack user to your Switchboard user: " + link
		if link == "" {
			msg = "Switchboard does not know you yet: ask an administrator to add your Slack email to the account."
		}
		return "unknown Slack user: told to link", c.reply(ctx, msg)
	}
	switch it.Kind {
	case models.SlackBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return "no action", nil
		}
		a := cb.ActionCallback.BlockActions[0]
		return c.action(ctx, who, a.ActionID, a.Value)
	case models.SlackViewSubmission:
		return c.submission(ctx, who, &cb)
	case models.SlackCommand:
		return c.command(ctx, who, form.Get("text"))
	}
	return "unknown kind", nil
}

// actor maps the Slack user: the link table, else the Slack profile's email (users.info).
func (c *slackCtx) actor(ctx context.Context) (*models.SlackActor, error) {
	who, err := c.h.Store.SlackActorFor(ctx, c.ws, c.slackUser, "")
	if err != nil || who != nil {
		return who, err
	}
	u, err := c.api.GetUserInfoContext(ctx, c.slackUser)
	if err != nil {
		if IsPermanentSlackError(err) {
			return nil, nil
		}
		return nil, err
	}
	return c.h.Store.SlackActorFor(ctx, c.ws, c.slackUser, u.Profile.Email)
}

// reply tells the Slack user something only they see: through the interaction's response_url,
// or (a modal has none) in a DM.
func (c *slackCtx) reply(ctx context.Context, text string) error {
	if c.responseURL != "" {
		if !strings.HasPrefix(c.responseURL, c.h.API.ResponseURLPrefix) {
			return nil // not Slack's: never posted to
		}
		b, _ := json.Marshal(map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.responseURL, bytes.NewReader(b))
		if err != nil {
			return nil
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.h.API.HTTP.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
		}
		return nil
	}
	ch, _, _, err := c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{c.slackUser}})
	if err != nil {
		if IsPermanentSlackError(err) {
			return nil
		}
		return err
	}
	_, _, err = c.api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText(text, false))
	if IsPermanentSlackError(err) {
		return nil
	}
	return err
}

// tell answers after a change was made: the answer is best effort, because a retry of the
// interaction must not make the change again (a second declared incident).
func (c *slackCtx) tell(ctx context.Context, text string) error {
	if err := c.reply(ctx, text); err != nil {
		c.h.Log.WarnContext(ctx, "Slack answer not delivered", "interaction_id", c.it.ID, "reason", describeSlackError(err))
	}
	return nil
}

// outcome turns an action's error into what the Slack user is told; temporary errors are
// returned for a retry.
func (c *slackCtx) outcome(ctx context.Context, who *models.SlackActor, verb string, inc *models.Incident, err error) (string, error) {
	var msg string
	switch models.CodeOf(err) {
	case "":
		msg = fmt.Sprintf("%s %s incident %s: %s", who.Actor.UserName, verb, models.SlackShortID(inc.ID), inc.Title)
		return msg, c.tell(ctx, msg)
	case models.EFORBIDDEN:
		msg = fmt.Sprintf("You are a %s of this account: a %s cannot do that.", who.Role, who.Role)
	case models.ECONFLICT, models.ENOTFOUND, models.EINVALID:
		var me *models.Error
		errors.As(err, &me)
		msg = "Nothing changed: " + me.Message + "."
	default:
		return "", err
	}
	return msg, c.reply(ctx, msg)
}

func (c *slackCtx) incident(ctx context.Context, ref string) (*models.Incident, string, error) {
	inc, err := c.h.Store.SlackIncident(ctx, c.ws.AccountID, ref)
	if models.CodeOf(err) == models.ENOTFOUND {
		msg := fmt.Sprintf("No incident %q in this account.", ref)
		return nil, msg, c.reply(ctx, msg)
	}
	return inc, "", err
}

func (c *slackCtx) action(ctx context.Context, who *models.SlackActor, action, ref string) (string, error) {
	switch action {
	case SlackActionAck, SlackActionResolve:
		inc, msg, err := c.incident(ctx, ref)
		if inc == nil {
			return msg, err
		}
		if action == SlackActionAck {
			_, err = c.h.Store.AcknowledgeIncident(ctx, who.Actor, inc.ID)
			return c.outcome(ctx, who, "acknowledged", inc, err)
		}
		_, err = c.h.Store.ResolveIncident(ctx, who.Actor, inc.ID, "")
		return c.outcome(ctx, who, "resolved", inc, err)
	case SlackActionNote:
		inc, msg, err := c.incident(ctx, ref)
		if inc == nil {
			return msg, err
		}
		if !who.Role.AtLeast(models.RoleMember) {
			return c.outcome(ctx, who, "", inc, models.Errorf(models.EFORBIDDEN, "forbidden"))
		}
		_, err = c.api.OpenViewContext(ctx, c.triggerID, noteModal(inc))
		if err != nil && IsPermanentSlackError(err) {
			return "the note modal could not be opened", nil
		}
		return "opened the note modal", err
	}
	return "ignored action " + action, nil
}

func noteModal(inc *models.Incident) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "What happened?", false, false), "body")
	input.Multiline = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: SlackModalNote, PrivateMetadata: inc.ID,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Add a note", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Add", false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, truncateRunes(inc.Title, 200), false, false), nil, nil),
			slack.NewInputBlock("note", slack.NewTextBlockObject(slack.PlainTextType, "Note", false, false), nil, input),
		}},
	}
}

func (c *slackCtx) declareModal(ctx context.Context) (slack.ModalViewRequest, error) {
	comps, err := c.h.Store.ListComponents(ctx, &models.Actor{System: true}, c.ws.AccountID)
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	var opts []*slack.OptionBlockObject
	for i, comp := range comps {
		if i == 100 { // Slack's limit of a static select
			break
		}
		opts = append(opts, slack.NewOptionBlockObject(comp.ID, slack.NewTextBlockObject(slack.PlainTextType, truncateRunes(comp.Name, 75), false, false), nil))
	}
	var sevs []*slack.OptionBlockObject
	for _, s := range []models.Severity{models.SeverityCritical, models.SeverityHigh, models.SeverityMedium, models.SeverityLow} {
		sevs = append(sevs, slack.NewOptionBlockObject(string(s), slack.NewTextBlockObject(slack.PlainTextType, string(s), false, false), nil))
	}
	title := slack.NewPlainTextInputBlockElement(nil, "title")
	comp := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "component", opts...)
	sev := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "severity", sevs...)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: SlackModalDeclare,
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Declare an incident", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Declare", false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("title", slack.NewTextBlockObject(slack.PlainTextType, "Title", false, false), nil, title),
			slack.NewInputBlock("component", slack.NewTextBlockObject(slack.PlainTextType, "Component", false, false), nil, comp),
			slack.NewInputBlock("severity", slack.NewTextBlockObject(slack.PlainTextType, "Severity", false, false), nil, sev),
		}},
	}, nil
}

func (c *slackCtx) submission(ctx context.Context, who *models.SlackActor, cb *slack.InteractionCallback) (string, error) {
	vals := cb.View.State
	get := func(block, action string) blockValue {
		if vals == nil {
			return blockValue{}
		}
		a := vals.Values[block][action]
		return blockValue{Value: a.Value, Selected: a.SelectedOption.Value}
	}
	switch cb.View.CallbackID {
	case SlackModalNote:
		inc, msg, err := c.incident(ctx, cb.View.PrivateMetadata)
		if inc == nil {
			return msg, err
		}
		_, err = c.h.Store.AddIncidentNote(ctx, who.Actor, inc.ID, get("note", "body").Value)
		if err == nil {
			return "added a note to " + inc.ID, nil
		}
		return c.outcome(ctx, who, "added a note to", inc, err)
	case SlackModalDeclare:
		// The component must be of the workspace's account: its person may belong to others.
		compID := get("component", "component").Selected
		if comp, err := c.h.Store.GetComponent(ctx, who.Actor, compID); err != nil || comp.AccountID != c.ws.AccountID {
			if err != nil && models.CodeOf(err) != models.ENOTFOUND && models.CodeOf(err) != models.EFORBIDDEN {
				return "", err
			}
			return c.outcome(ctx, who, "declared", &models.Incident{ID: "--------"}, models.Errorf(models.ENOTFOUND, "component not found in this account"))
		}
		inc, err := c.h.Store.CreateIncident(ctx, who.Actor, models.IncidentInput{
			ComponentID: compID, Title: get("title", "title").Value,
			Severity: models.Severity(get("severity", "severity").Selected),
		})
		if err != nil {
			return c.outcome(ctx, who, "declared", &models.Incident{ID: "--------"}, err)
		}
		msg := fmt.Sprintf("%s declared incident %s: %s", who.Actor.UserName, models.SlackShortID(inc.ID), inc.Title)
		return msg, c.tell(ctx, msg)
	}
	return "ignored view " + cb.View.CallbackID, nil
}

// command runs `/switchboard <text>`.
func (c *slackCtx) command(ctx context.Context, who *models.SlackActor, text string) (string, error) {
	f := strings.Fields(text)
	sub := ""
	if len(f) > 0 {
		sub = strings.ToLower(f[0])
	}
	arg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), firstOr(f)))
	switch sub {
	case "oncall", "on-call":
		what, people, err := c.h.Store.SlackOnCall(ctx, c.ws.AccountID, arg)
		var msg string
		switch {
		case models.CodeOf(err) == models.ENOTFOUND:
			msg = fmt.Sprintf("No schedule or component named %q.", arg)
		case err != nil:
			return "", err
		case len(people) == 0 && what == "":
			msg = "This account has no schedules."
		case len(people) == 0:
			msg = fmt.Sprintf("Nobody is on call for %s now.", what)
		case what == "":
			msg = "On call now:\n• " + strings.Join(people, "\n• ")
		default:
			msg = fmt.Sprintf("On call for %s now:\n• %s", what, strings.Join(people, "\n• "))
		}
		return msg, c.reply(ctx, msg)
	case "incidents":
		page, err := c.h.Store.ListIncidents(ctx, who.Actor, c.ws.AccountID, models.IncidentQuery{
			Statuses: []models.IncidentStatus{models.IncidentTriggered, models.IncidentAcknowledged}}, 20, "")
		if err != nil {
			return c.outcome(ctx, who, "", nil, err)
		}
		if len(page.Items) == 0 {
			return "no open incidents", c.reply(ctx, "No open incidents.")
		}
		var b strings.Builder
		b.WriteString("Open incidents:")
		for _, inc := range page.Items {
			fmt.Fprintf(&b, "\n• `%s` %s · %s · %s", models.SlackShortID(inc.ID), strings.ToUpper(string(inc.Status)), inc.Severity, slackEscape(inc.Title))
		}
		return "listed open incidents", c.reply(ctx, b.String())
	case "ack", "acknowledge":
		return c.action(ctx, who, SlackActionAck, arg)
	case "resolve":
		return c.action(ctx, who, SlackActionResolve, arg)
	case "declare":
		if !who.Role.AtLeast(models.RoleMember) {
			return c.outcome(ctx, who, "", nil, models.Errorf(models.EFORBIDDEN, "forbidden"))
		}
		m, err := c.declareModal(ctx)
		if err != nil {
			return "", err
		}
		_, err = c.api.OpenViewContext(ctx, c.triggerID, m)
		if err != nil && IsPermanentSlackError(err) {
			return "the declare modal could not be opened", nil
		}
		return "opened the declare modal", err
	}
	msg := "Usage: /switchboard oncall [schedule or component] | incidents | ack <id> | resolve <id> | declare"
	return "usage", c.reply(ctx, msg)
}

// blockValue is what a modal's input holds: typed text or the selected option's value.
type blockValue struct{ Value, Selected string }

func firstOr(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

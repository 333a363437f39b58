package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/slack-go/slack"

	"github.com/switchboard-hub/switchboard/models"
)

// The Slack app's inbound routes (design §14, docs/slack.md). Slack posts form bodies signed
// with the workspace's signing secret (v0: HMAC-SHA256 over "v0:{timestamp}:{body}", the
// timestamp within 5 minutes). A request is verified, its (timestamp, signature) pair refused if
// seen before, written as a row, and answered at once; a job does the work afterwards, so
// Slack's 3-second limit is never at the mercy of the database or of Slack's own API.

// slackBodyLimit bounds a request from Slack (a view submission with its blocks is the largest).
const slackBodyLimit = 256 << 10

// slackRoutes registers the Slack app's routes.
func (m *Main) slackRoutes(e *echo.Echo) {
	e.POST("/integrations/slack/interactivity", m.handleSlack(false))
	e.POST("/integrations/slack/commands", m.handleSlack(true))
}

// slackEnvelope is what the unverified request says about where it is from.
type slackEnvelope struct {
	Type string `json:"type"`
	Team struct {
		ID string `json:"id"`
	} `json:"team"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
}

func (m *Main) handleSlack(command bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx := req.Context()
		body, err := io.ReadAll(io.LimitReader(req.Body, slackBodyLimit+1))
		if err != nil {
			return errorJSON(c, http.StatusBadRequest, models.EINVALID, "", "unreadable body")
		}
		if len(body) > slackBodyLimit {
			return errorJSON(c, http.StatusRequestEntityTooLarge, models.EINVALID, "", "request body too large")
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return errorJSON(c, http.StatusBadRequest, models.EINVALID, "", "not a form body")
		}
		if command && form.Get("ssl_check") == "1" {
			// Slack checking the certificate of the command URL: nothing to do.
			return c.NoContent(http.StatusOK)
		}
		var env slackEnvelope
		if command {
			env.Type, env.Team.ID, env.User.ID = models.SlackCommand, form.Get("team_id"), form.Get("user_id")
		} else if err := json.Unmarshal([]byte(form.Get("payload")), &env); err != nil {
			return errorJSON(c, http.StatusBadRequest, models.EINVALID, "", "no interaction payload")
		}
		// The same answer for every refusal: a caller learns nothing about which part failed.
		refuse := func(reason string) error {
			m.Log.WarnContext(ctx, "Slack request refused", "reason", reason)
			return errorJSON(c, http.StatusUnauthorized, models.EUNAUTHORIZED, "", "request not accepted")
		}
		ws, err := m.Store.SlackWorkspaceByTeam(ctx, env.Team.ID)
		if err != nil {
			return err
		}
		if ws == nil {
			return refuse("unknown team")
		}
		secret, err := m.Store.SlackSigningSecret(ws)
		if err != nil {
			return err
		}
		sv, err := slack.NewSecretsVerifier(req.Header, secret)
		if err != nil {
			if errors.Is(err, slack.ErrExpiredTimestamp) {
				return refuse("stale timestamp")
			}
			return refuse("missing or malformed signature headers")
		}
		_, _ = sv.Write(body)
		if err := sv.Ensure(); err != nil {
			return refuse("bad signature")
		}
		switch env.Type {
		case models.SlackBlockActions, models.SlackViewSubmission, models.SlackCommand:
		default:
			// view_closed, shortcuts …: nothing to do.
			return c.NoContent(http.StatusOK)
		}
		if !models.ValidSlackID(env.User.ID) {
			return errorJSON(c, http.StatusBadRequest, models.EINVALID, "", "no Slack user")
		}
		_, err = m.Store.AcceptSlackInteraction(ctx, models.SlackInteractionInput{
			Workspace: ws, Timestamp: req.Header.Get("X-Slack-Request-Timestamp"), Signature: req.Header.Get("X-Slack-Signature"),
			Kind: env.Type, SlackUserID: env.User.ID, Payload: withoutSlackToken(form, command),
		})
		if errors.Is(err, models.ErrSlackReplay) {
			return refuse("replayed signature")
		}
		if err != nil {
			return err
		}
		// An empty 200: Slack closes a submitted modal and shows nothing for a button or a
		// command; the job answers through response_url.
		return c.NoContent(http.StatusOK)
	}
}

// withoutSlackToken is the request as stored: without Slack's legacy verification token (a
// credential of the app, useless once the signature is checked).
func withoutSlackToken(form url.Values, command bool) string {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	if command {
		out.Del("token")
		return out.Encode()
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(form.Get("payload")), &p); err == nil {
		delete(p, "token")
		if b, err := json.Marshal(p); err == nil {
			out.Set("payload", string(b))
		}
	}
	return out.Encode()
}

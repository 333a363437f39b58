package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/links"
	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// The Slack app (design §14, docs/slack.md): the rules and rows. Slack's Web API is called by
// the jobs package (and, to check a token when a workspace is connected, through the
// SlackChecker the server wires); models never talks to Slack itself.

// SlackWorkspace is an account's connection to a Slack workspace. BotToken and SigningSecret
// are sealed and never leave the store except to the jobs that call Slack.
type SlackWorkspace struct {
	ID            string `gorm:"primaryKey"`
	AccountID     string
	TeamID        string
	TeamName      string
	BotUserID     string
	BotToken      []byte `json:"-"`
	SigningSecret []byte `json:"-"`
	ConnectedBy   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (w *SlackWorkspace) accountOf() string { return w.AccountID }

// SlackTeam is what Slack's auth.test says about a bot token.
type SlackTeam struct {
	TeamID    string
	TeamName  string
	BotUserID string
}

// SlackChecker asks Slack's Web API what the store needs while answering a person: auth.test
// of a bot token being connected, and users.lookupByEmail ("" when no member has the email).
// Implemented by the jobs package.
type SlackChecker interface {
	SlackAuthTest(ctx context.Context, botToken string) (SlackTeam, error)
	SlackLookupByEmail(ctx context.Context, botToken, email string) (string, error)
}

// SlackEnqueuer puts Slack work on the queue after commit (implemented by the jobs package;
// failures are left to the sweeper, like deliveries).
type SlackEnqueuer interface {
	EnqueueSlackSync(ctx context.Context, incidentID string)
	EnqueueSlackInteraction(ctx context.Context, interactionID string)
}

// SetSlackChecker wires the auth.test call used when a workspace is connected.
func (s *Store) SetSlackChecker(c SlackChecker) { s.slackChecker = c }

// SlackUserLink is a Slack user acting as a Switchboard user in one account's workspace.
type SlackUserLink struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	TeamID      string
	SlackUserID string
	UserID      string
	CreatedAt   time.Time
}

// SlackInteraction is one accepted request from Slack (a button, a modal, a slash command).
type SlackInteraction struct {
	ID            string `gorm:"primaryKey"`
	AccountID     string
	TeamID        string
	Kind          string
	SlackUserID   string
	Payload       string
	Status        string
	Attempts      int
	NextAttemptAt *time.Time
	Result        string
	CreatedAt     time.Time
	ProcessedAt   *time.Time
}

// Kinds and states of Slack interactions.
const (
	SlackBlockActions   = "block_actions"
	SlackViewSubmission = "view_submission"
	SlackCommand        = "command"

	SlackInteractionPending = "pending"
	SlackInteractionDone    = "done"
	SlackInteractionFailed  = "failed"
)

// SlackMessage is an incident's message in a Slack channel and how far it is in sync.
type SlackMessage struct {
	ID             string `gorm:"primaryKey"`
	AccountID      string
	IncidentID     string
	ChannelID      string
	Ts             string
	DesiredVersion int
	SyncedVersion  int
	Attempts       int
	NextAttemptAt  *time.Time
	LastError      string
	LastSyncedAt   *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// SlackThreadPost records a timeline entry posted as a thread reply.
type SlackThreadPost struct {
	TimelineEntryID string `gorm:"primaryKey"`
	IncidentID      string
	Ts              string
	PostedAt        time.Time
}

// Slack link purpose and lifetime: the ephemeral "link your account" message.
const (
	SlackLinkPurpose = "slack.link"
	slackLinkTTL     = time.Hour
)

var (
	slackTokenRe   = regexp.MustCompile(`^xoxb-[A-Za-z0-9-]{10,250}$`)
	slackSecretRe  = regexp.MustCompile(`^[A-Za-z0-9]{16,128}$`)
	slackChannelRe = regexp.MustCompile(`^[CG][A-Z0-9]{6,20}$`)
	slackIDRe      = regexp.MustCompile(`^[A-Z0-9]{6,20}$`)
)

// ValidSlackID reports whether v looks like a Slack id (team, user, channel).
func ValidSlackID(v string) bool { return slackIDRe.MatchString(v) }

// ConnectSlackWorkspace stores (or replaces) the account's workspace connection after Slack's
// auth.test accepts the bot token. Admins.
func (s *Store) ConnectSlackWorkspace(ctx context.Context, a *Actor, accountID, botToken, signingSecret string) (*SlackWorkspace, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	botToken, signingSecret = strings.TrimSpace(botToken), strings.TrimSpace(signingSecret)
	if !slackTokenRe.MatchString(botToken) {
		return nil, FieldError(EINVALID, "botToken", "a bot token starts with xoxb- (OAuth & Permissions → Bot User OAuth Token)")
	}
	if !slackSecretRe.MatchString(signingSecret) {
		return nil, FieldError(EINVALID, "signingSecret", "the signing secret is the hex string under Basic Information → App Credentials")
	}
	if s.slackChecker == nil || s.sealer == nil {
		return nil, Errorf(EINVALID, "Slack is not available on this installation")
	}
	team, err := s.slackChecker.SlackAuthTest(ctx, botToken)
	if err != nil {
		if CodeOf(err) != EINTERNAL {
			return nil, err
		}
		return nil, FieldError(EINVALID, "botToken", "Slack refused the token: %v", err)
	}
	if !ValidSlackID(team.TeamID) {
		return nil, FieldError(EINVALID, "botToken", "Slack's answer named no workspace")
	}
	var ws SlackWorkspace
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var other SlackWorkspace
		err := tx.Where("team_id = ? AND account_id <> ?", team.TeamID, accountID).Take(&other).Error
		if err == nil {
			return FieldError(ECONFLICT, "botToken", "this Slack workspace is connected to another account")
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		now := s.now()
		err = tx.Where("account_id = ?", accountID).Take(&ws).Error
		fresh := errors.Is(err, gorm.ErrRecordNotFound)
		if err != nil && !fresh {
			return err
		}
		if fresh {
			ws = SlackWorkspace{ID: newID(), AccountID: accountID, CreatedAt: now}
		}
		ws.TeamID, ws.TeamName, ws.BotUserID, ws.ConnectedBy, ws.UpdatedAt = team.TeamID, truncate(team.TeamName, 200), team.BotUserID, a.Label(), now
		if ws.BotToken, err = s.sealer.seal([]byte(botToken), ws.ID+":bot"); err != nil {
			return err
		}
		if ws.SigningSecret, err = s.sealer.seal([]byte(signingSecret), ws.ID+":signing"); err != nil {
			return err
		}
		if fresh {
			err = tx.Create(&ws).Error
		} else {
			err = tx.Save(&ws).Error
		}
		if err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "botToken", "this Slack workspace is connected to another account")
			}
			return err
		}
		return s.audit(tx, a, accountID, "slack.connected", "slack_workspace", ws.ID, fmt.Sprintf("%s connected the Slack workspace %q", a.Label(), ws.TeamName))
	})
	if err != nil {
		return nil, err
	}
	return &ws, nil
}

// DisconnectSlackWorkspace forgets the account's workspace (its token and secret). Admins.
func (s *Store) DisconnectSlackWorkspace(ctx context.Context, a *Actor, accountID string) (bool, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return false, err
	}
	var gone bool
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var ws SlackWorkspace
		if err := tx.Where("account_id = ?", accountID).Take(&ws).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return err
		}
		if err := tx.Delete(&SlackWorkspace{}, "id = ?", ws.ID).Error; err != nil {
			return err
		}
		gone = true
		return s.audit(tx, a, accountID, "slack.disconnected", "slack_workspace", ws.ID, fmt.Sprintf("%s disconnected the Slack workspace %q", a.Label(), ws.TeamName))
	})
	return gone, err
}

// GetSlackWorkspace returns the account's workspace connection, or nil. Viewers (the secrets
// never leave the store through it).
func (s *Store) GetSlackWorkspace(ctx context.Context, a *Actor, accountID string) (*SlackWorkspace, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	return s.slackWorkspaceOf(ctx, accountID)
}

func (s *Store) slackWorkspaceOf(ctx context.Context, accountID string) (*SlackWorkspace, error) {
	var ws SlackWorkspace
	if err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Take(&ws).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return &ws, nil
}

// SlackWorkspaceForAccount returns an account's workspace, or nil (jobs; no permission check).
func (s *Store) SlackWorkspaceForAccount(ctx context.Context, accountID string) (*SlackWorkspace, error) {
	if !validID(accountID) {
		return nil, nil
	}
	return s.slackWorkspaceOf(ctx, accountID)
}

// SlackWorkspaceByTeam returns the workspace of a Slack team id, or nil (the interactivity
// endpoint finds the signing secret by it).
func (s *Store) SlackWorkspaceByTeam(ctx context.Context, teamID string) (*SlackWorkspace, error) {
	if !ValidSlackID(teamID) {
		return nil, nil
	}
	var ws SlackWorkspace
	if err := s.db.WithContext(ctx).Where("team_id = ?", teamID).Take(&ws).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return &ws, nil
}

// SlackUserForMe finds the caller's Slack user in the account's workspace by their email
// (users.lookupByEmail): the address of a "Slack DM" contact method. "" when the account has no
// workspace or no member of it has the caller's email.
func (s *Store) SlackUserForMe(ctx context.Context, a *Actor, accountID string) (string, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return "", err
	}
	if a.UserID == "" || a.TokenID != "" {
		return "", nil
	}
	ws, err := s.slackWorkspaceOf(ctx, accountID)
	if err != nil || ws == nil || s.slackChecker == nil {
		return "", err
	}
	var u User
	if err := s.db.WithContext(ctx).Where("id = ?", a.UserID).Take(&u).Error; err != nil {
		return "", err
	}
	token, err := s.SlackBotToken(ws)
	if err != nil {
		return "", err
	}
	id, err := s.slackChecker.SlackLookupByEmail(ctx, token, u.Email)
	if err != nil {
		return "", Errorf(EINVALID, "Slack did not answer the lookup: %v", err)
	}
	return id, nil
}

// SlackBotToken opens a workspace's bot token (jobs only: it is never shown or logged).
func (s *Store) SlackBotToken(ws *SlackWorkspace) (string, error) {
	if s.sealer == nil {
		return "", errors.New("no encryption key")
	}
	b, err := s.sealer.open(ws.BotToken, ws.ID+":bot")
	return string(b), err
}

// SlackSigningSecret opens a workspace's signing secret (request verification only).
func (s *Store) SlackSigningSecret(ws *SlackWorkspace) (string, error) {
	if s.sealer == nil {
		return "", errors.New("no encryption key")
	}
	b, err := s.sealer.open(ws.SigningSecret, ws.ID+":signing")
	return string(b), err
}

// SlackManifest is the Slack app manifest (JSON) for this installation: paste it into
// api.slack.com → Create New App → From an app manifest.
func SlackManifest(l links.Builder) string {
	m := map[string]any{
		"display_information": map[string]any{"name": "Switchboard", "description": "Incidents and on-call pages from Switchboard"},
		"features": map[string]any{
			"bot_user": map[string]any{"display_name": "Switchboard", "always_online": true},
			"slash_commands": []any{map[string]any{
				"command": "/switchboard", "url": l.SlackCommands(), "should_escape": false,
				"description": "On call, incidents, acknowledge, resolve, declare",
				"usage_hint":  "oncall [schedule or component] | incidents | ack <id> | resolve <id> | declare",
			}},
		},
		"oauth_config": map[string]any{"scopes": map[string]any{"bot": []string{
			"chat:write", "chat:write.public", "commands", "im:write", "users:read", "users:read.email",
		}}},
		"settings": map[string]any{
			"interactivity":          map[string]any{"is_enabled": true, "request_url": l.SlackInteractivity()},
			"org_deploy_enabled":     false,
			"socket_mode_enabled":    false,
			"token_rotation_enabled": false,
		},
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return string(b)
}

// cleanSlackChannel validates a channel id ("" clears it).
func cleanSlackChannel(ch string) (string, error) {
	ch = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ch), "#"))
	if ch != "" && !slackChannelRe.MatchString(ch) {
		return "", FieldError(EINVALID, "channel", "enter the channel's id (C… — in Slack: channel details → About), not its name")
	}
	return ch, nil
}

// SetComponentSlackChannel sets (or with "" clears) the Slack channel of a component's
// incidents. Admins.
func (s *Store) SetComponentSlackChannel(ctx context.Context, a *Actor, componentID, channel string) (*Component, error) {
	var comp Component
	if err := s.getScoped(ctx, a, &comp, componentID, "component", RoleAdmin); err != nil {
		return nil, err
	}
	ch, err := cleanSlackChannel(channel)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Exec("UPDATE components SET slack_channel = ?, updated_at = ? WHERE id = ?", ch, s.now(), comp.ID).Error; err != nil {
			return err
		}
		s.hint(tx, HintComponent, comp.ID, comp.AccountID)
		return s.audit(tx, a, comp.AccountID, "component.slack_channel", "component", comp.ID, fmt.Sprintf("%s set the Slack channel of %q to %q", a.Label(), comp.Name, ch))
	})
	if err != nil {
		return nil, err
	}
	return &comp, nil
}

// SetEscalationPolicySlackChannel sets (or clears) a policy's channel, used for incidents whose
// component has none. Admins.
func (s *Store) SetEscalationPolicySlackChannel(ctx context.Context, a *Actor, policyID, channel string) (*EscalationPolicy, error) {
	var p EscalationPolicy
	if err := s.getScoped(ctx, a, &p, policyID, "escalation policy", RoleAdmin); err != nil {
		return nil, err
	}
	ch, err := cleanSlackChannel(channel)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Exec("UPDATE escalation_policies SET slack_channel = ?, updated_at = ? WHERE id = ?", ch, s.now(), p.ID).Error; err != nil {
			return err
		}
		return s.audit(tx, a, p.AccountID, "escalation_policy.slack_channel", "escalation_policy", p.ID, fmt.Sprintf("%s set the Slack channel of policy %q to %q", a.Label(), p.Name, ch))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ComponentSlackChannels loads the Slack channel of components (dataloader; callers pass
// components the actor may see).
func (s *Store) ComponentSlackChannels(ctx context.Context, ids []string) (map[string]string, error) {
	return s.slackChannelsOf(ctx, "components", ids)
}

// PolicySlackChannels loads the Slack channel of escalation policies (dataloader).
func (s *Store) PolicySlackChannels(ctx context.Context, ids []string) (map[string]string, error) {
	return s.slackChannelsOf(ctx, "escalation_policies", ids)
}

func (s *Store) slackChannelsOf(ctx context.Context, table string, ids []string) (map[string]string, error) {
	var rows []struct{ ID, SlackChannel string }
	if err := s.db.WithContext(ctx).Table(table).Select("id, slack_channel").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.ID] = r.SlackChannel
	}
	return out, nil
}

// --- Users: links and matching ---

// SlackLinkURL is the console link an unknown Slack user is sent to (signed, an hour).
func (s *Store) SlackLinkURL(ws *SlackWorkspace, slackUserID string) (string, error) {
	tok, err := s.IssueLink(SlackLinkPurpose, ws.AccountID+":"+ws.TeamID+":"+slackUserID, "", slackLinkTTL)
	if err != nil {
		return "", err
	}
	return s.links.SlackLink(tok), nil
}

// LinkSlackUser links the Slack user named by a signed link to the signed-in user, who must be
// a member of the workspace's account. The link is single-use; an existing link of that Slack
// user is replaced.
func (s *Store) LinkSlackUser(ctx context.Context, a *Actor, token string) (*SlackUserLink, error) {
	if a == nil || a.UserID == "" || a.TokenID != "" {
		return nil, Errorf(EUNAUTHORIZED, "sign in to link your Slack user")
	}
	c, err := s.PeekLink(ctx, token, SlackLinkPurpose)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(c.Subject, ":")
	if len(parts) != 3 {
		return nil, errLinkInvalid
	}
	accountID, teamID, slackUser := parts[0], parts[1], parts[2]
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, Errorf(EFORBIDDEN, "you are not a member of the account this Slack workspace belongs to")
	}
	l := &SlackUserLink{ID: newID(), AccountID: accountID, TeamID: teamID, SlackUserID: slackUser, UserID: a.UserID, CreatedAt: s.now()}
	err = s.ConsumeLink(ctx, token, SlackLinkPurpose, func(tx *Tx, _ signedlink.Claims) error {
		if err := tx.Where("account_id = ? AND team_id = ? AND slack_user_id = ?", accountID, teamID, slackUser).Delete(&SlackUserLink{}).Error; err != nil {
			return err
		}
		if err := tx.Create(l).Error; err != nil {
			return err
		}
		return s.audit(tx, a, accountID, "slack.user_linked", "user", a.UserID, fmt.Sprintf("%s linked the Slack user %s", a.Label(), slackUser))
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// UnlinkSlackUser removes one of the signed-in user's own Slack links.
func (s *Store) UnlinkSlackUser(ctx context.Context, a *Actor, linkID string) (bool, error) {
	if a == nil || a.UserID == "" {
		return false, Errorf(EUNAUTHORIZED, "authentication required")
	}
	if !validID(linkID) {
		return false, notFound("Slack link")
	}
	var l SlackUserLink
	if err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", linkID, a.UserID).Take(&l).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return false, notFound("Slack link")
		}
		return false, err
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Delete(&SlackUserLink{}, "id = ?", l.ID).Error; err != nil {
			return err
		}
		return s.audit(tx, a, l.AccountID, "slack.user_unlinked", "user", a.UserID, fmt.Sprintf("%s unlinked the Slack user %s", a.Label(), l.SlackUserID))
	})
	return err == nil, err
}

// ListSlackLinks returns a user's Slack links; a user sees only their own.
func (s *Store) ListSlackLinks(ctx context.Context, a *Actor, userID string) ([]SlackUserLink, error) {
	if a == nil || a.UserID == "" || a.UserID != userID {
		return []SlackUserLink{}, nil
	}
	var out []SlackUserLink
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at, id").Find(&out).Error
	return out, err
}

// SlackActor is the Switchboard user a Slack user acts as, with their role in the account.
type SlackActor struct {
	Actor *Actor
	Role  Role
	Email string
}

// SlackActorFor maps a Slack user of a workspace to a member of its account: the link table
// first, else the Slack profile's email (found by the caller with users.info; "" if none)
// among the account's members. Nil when nobody matches.
func (s *Store) SlackActorFor(ctx context.Context, ws *SlackWorkspace, slackUserID, email string) (*SlackActor, error) {
	var u User
	var l SlackUserLink
	err := s.db.WithContext(ctx).Where("account_id = ? AND team_id = ? AND slack_user_id = ?", ws.AccountID, ws.TeamID, slackUserID).Take(&l).Error
	switch {
	case err == nil:
		if err := s.db.WithContext(ctx).Where("id = ?", l.UserID).Take(&u).Error; err != nil {
			return nil, err
		}
	case errors.Is(err, gorm.ErrRecordNotFound):
		email = strings.TrimSpace(email)
		if email == "" {
			return nil, nil
		}
		if err := s.db.WithContext(ctx).Where("lower(email) = lower(?)", email).Take(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, nil
			}
			return nil, err
		}
	default:
		return nil, err
	}
	var m Membership
	if err := s.db.WithContext(ctx).Where("account_id = ? AND user_id = ?", ws.AccountID, u.ID).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return &SlackActor{Actor: &Actor{UserID: u.ID, UserName: u.Name + " (Slack)"}, Role: m.Role, Email: u.Email}, nil
}

// --- Interactions ---

// ErrSlackReplay means a (timestamp, signature) pair was accepted before.
var ErrSlackReplay = Errorf(EUNAUTHORIZED, "this request was already received")

// slackSeenWindow is how long a seen signature is remembered: past Slack's 5-minute window
// both ways (a timestamp may be up to 5 minutes in the future).
const slackSeenWindow = 15 * time.Minute

// SlackInteractionInput is a verified request from Slack.
type SlackInteractionInput struct {
	Workspace   *SlackWorkspace
	Timestamp   string
	Signature   string
	Kind        string
	SlackUserID string
	Payload     string
}

// AcceptSlackInteraction records a verified request: its signature as seen (a replay is
// refused with ErrSlackReplay) and the interaction row, in one transaction, then enqueues the
// processing job. The caller answers Slack after it returns.
func (s *Store) AcceptSlackInteraction(ctx context.Context, in SlackInteractionInput) (*SlackInteraction, error) {
	// The signature's hex is decoded before it is compared, so "v0=AB…" verifies like "v0=ab…":
	// the pair is remembered in one spelling, or a re-cased replay would pass.
	sum := sha256.Sum256([]byte(in.Timestamp + ":" + strings.ToLower(in.Signature)))
	now := s.now()
	row := &SlackInteraction{
		ID: newID(), AccountID: in.Workspace.AccountID, TeamID: in.Workspace.TeamID, Kind: in.Kind,
		SlackUserID: truncate(in.SlackUserID, 40), Payload: sanitizeText(in.Payload), Status: SlackInteractionPending,
		NextAttemptAt: &now, CreatedAt: now,
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		res := tx.Exec("INSERT INTO slack_seen_signatures (digest, expires_at) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING",
			hex.EncodeToString(sum[:]), now.Add(slackSeenWindow))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrSlackReplay
		}
		return tx.Create(row).Error
	})
	if err != nil {
		return nil, err
	}
	if se, ok := s.enqueuer.(SlackEnqueuer); ok {
		se.EnqueueSlackInteraction(context.WithoutCancel(ctx), row.ID)
	}
	return row, nil
}

// slackLease is how long processing holds an interaction or a message sync: longer than the
// tasks' timeouts.
const slackLease = 3 * time.Minute

// ErrSlackDone means there is nothing (more) to do for a Slack row.
var ErrSlackDone = errors.New("slack: nothing to do")

// BeginSlackInteraction takes a pending interaction for processing (ErrSlackDone when there is
// nothing to do; *NotDueError while another worker holds it).
func (s *Store) BeginSlackInteraction(ctx context.Context, id string) (*SlackInteraction, error) {
	if !validID(id) {
		return nil, ErrSlackDone
	}
	var it SlackInteraction
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ?", id).Take(&it).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrSlackDone
			}
			return err
		}
		if it.Status != SlackInteractionPending {
			return ErrSlackDone
		}
		return s.takeSlackLease(tx, &SlackInteraction{}, it.ID, &it.Attempts, it.NextAttemptAt)
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// takeSlackLease counts an attempt on a due row (an interaction or a message) and holds it for
// slackLease, so a second worker or the sweeper sees it as not due meanwhile; *NotDueError when
// it is not due or another worker took it first.
func (s *Store) takeSlackLease(tx *Tx, model any, id string, attempts *int, due *time.Time) error {
	now := s.now()
	if due != nil && due.After(now) {
		return &NotDueError{At: *due}
	}
	res := tx.Model(model).Where("id = ? AND attempts = ?", id, *attempts).
		Updates(map[string]any{"attempts": *attempts + 1, "next_attempt_at": now.Add(slackLease)})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return &NotDueError{At: now.Add(time.Second)}
	}
	*attempts++
	return nil
}

// slackInteractionMaxAttempts bounds the tries of one interaction (a Slack outage while
// answering); the action itself is idempotent.
const slackInteractionMaxAttempts = 6

// FinishSlackInteraction records how processing went: done (result is what Slack was told),
// or a temporary failure retried after retryIn (failed after the last attempt).
func (s *Store) FinishSlackInteraction(ctx context.Context, it *SlackInteraction, result string, failure error, retryIn time.Duration) (*time.Time, error) {
	now := s.now()
	up := map[string]any{"result": truncate(result, 1000)}
	var next *time.Time
	switch {
	case failure == nil:
		up["status"], up["processed_at"], up["next_attempt_at"] = SlackInteractionDone, now, nil
	case it.Attempts >= slackInteractionMaxAttempts:
		up["status"], up["processed_at"], up["next_attempt_at"], up["result"] = SlackInteractionFailed, now, nil, truncate(failure.Error(), 1000)
	default:
		at := now.Add(retryIn)
		next = &at
		up["next_attempt_at"], up["result"] = at, truncate(failure.Error(), 1000)
	}
	err := s.db.WithContext(ctx).Model(&SlackInteraction{}).Where("id = ? AND status = ?", it.ID, SlackInteractionPending).Updates(up).Error
	return next, err
}

// DueSlackInteractions lists pending interactions due before `before` (the sweeper).
func (s *Store) DueSlackInteractions(ctx context.Context, before time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&SlackInteraction{}).Where("status = ? AND next_attempt_at <= ?", SlackInteractionPending, before.UTC()).
		Order("next_attempt_at").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// PurgeSlack deletes seen signatures past their window and finished interactions older than
// the history retention.
func (s *Store) PurgeSlack(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM slack_seen_signatures WHERE expires_at < ?", s.now())
	if res.Error != nil {
		return 0, res.Error
	}
	days, err := s.RetentionDays(ctx)
	if err != nil {
		return res.RowsAffected, err
	}
	r2 := s.db.WithContext(ctx).Exec("DELETE FROM slack_interactions WHERE status <> ? AND created_at < ?", SlackInteractionPending,
		s.now().Add(-time.Duration(days)*24*time.Hour))
	return res.RowsAffected + r2.RowsAffected, r2.Error
}

// SlackShortID is how Slack messages name an incident: the last 8 characters of its id. Ids
// are UUIDv7, whose first characters are a timestamp that incidents opened within a minute
// share; the end is random.
func SlackShortID(id string) string {
	if len(id) < 8 {
		return id
	}
	return id[len(id)-8:]
}

// SlackIncident returns an incident of the interaction's account (no role check: the caller
// checks the Slack user's role through the action itself).
func (s *Store) SlackIncident(ctx context.Context, accountID, ref string) (*Incident, error) {
	ref = strings.TrimSpace(ref)
	var inc Incident
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	switch {
	case validID(ref):
		q = q.Where("id = ?", ref)
	case len(ref) >= 6 && len(ref) < 36 && strings.Trim(strings.ToLower(ref), "0123456789abcdef-") == "":
		// The end of the id (Slack messages show SlackShortID) or its start; one match only.
		var ids []string
		if err := s.db.WithContext(ctx).Model(&Incident{}).Where("account_id = ?", accountID).
			Where("CAST(id AS TEXT) LIKE ? OR CAST(id AS TEXT) LIKE ?", "%"+strings.ToLower(ref), strings.ToLower(ref)+"%").
			Limit(2).Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
		if len(ids) != 1 {
			return nil, notFound("incident")
		}
		q = q.Where("id = ?", ids[0])
	default:
		return nil, notFound("incident")
	}
	if err := q.Take(&inc).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("incident")
		}
		return nil, err
	}
	return &inc, nil
}

// --- Channel messages ---

// markSlackDirty raises the desired version of the incidents' channel messages in tx, creating
// the row when an incident's component (or else its escalation policy) names a channel and the
// account has a workspace, and enqueues their syncs after commit. It runs once per transaction
// for every incident hinted in it (publishAfter), in one statement per 500 incidents; it never
// fails the incidents' change: an error is logged and the sweeper and the next change catch
// up. A later due time (a sync holding its lease, a Slack Retry-After) is kept: the running sync
// sees the newer version when it finishes and goes again.
func (s *Store) markSlackDirty(tx *Tx, incidentIDs []string) {
	if len(incidentIDs) == 0 {
		return
	}
	now := s.now()
	var marked []string
	// A savepoint keeps a failure here from aborting the incidents' transaction (PostgreSQL).
	err := tx.Transaction(func(sp *gorm.DB) error {
		for rest := incidentIDs; len(rest) > 0; {
			chunk := rest[:min(len(rest), 500)]
			rest = rest[len(chunk):]
			var ids []string
			// The id of a new row is derived from the incident's (one statement, many rows).
			if err := sp.Raw(`INSERT INTO slack_messages (id, account_id, incident_id, channel_id, desired_version, synced_version, next_attempt_at, created_at, updated_at)
SELECT i.id, i.account_id, i.id, CASE WHEN c.slack_channel <> '' THEN c.slack_channel ELSE p.slack_channel END, 1, 0, ?, ?, ?
FROM incidents i
JOIN components c ON c.id = i.component_id
JOIN slack_workspaces w ON w.account_id = i.account_id
LEFT JOIN escalation_policies p ON p.id = COALESCE(i.escalation_policy_id, c.escalation_policy_id)
WHERE i.id IN ? AND NOT i.is_test AND (c.slack_channel <> '' OR COALESCE(p.slack_channel, '') <> '')
ON CONFLICT (incident_id) DO UPDATE SET desired_version = slack_messages.desired_version + 1,
    next_attempt_at = CASE WHEN slack_messages.next_attempt_at > excluded.next_attempt_at
        THEN slack_messages.next_attempt_at ELSE excluded.next_attempt_at END,
    updated_at = excluded.updated_at
RETURNING incident_id`, now, now, now, chunk).Scan(&ids).Error; err != nil {
				return err
			}
			marked = append(marked, ids...)
		}
		return nil
	})
	if err != nil {
		slog.Default().WarnContext(tx.Statement.Context, "marking incidents' Slack messages for a sync failed; the next change retries", "incidents", len(incidentIDs), "err", err)
		return
	}
	if len(marked) == 0 {
		return
	}
	tx.AfterCommit(func() {
		if se, ok := s.enqueuer.(SlackEnqueuer); ok {
			for _, id := range marked {
				se.EnqueueSlackSync(context.WithoutCancel(tx.Statement.Context), id)
			}
		}
	})
}

// SlackSync is one sync of an incident's channel message: the row (with the version being
// rendered), the workspace, and the incident's latest state.
type SlackSync struct {
	Message   *SlackMessage
	Workspace *SlackWorkspace
	Version   int
	View      *SlackIncidentView
}

// SlackIncidentView is what a Slack message shows of an incident, read at send time.
type SlackIncidentView struct {
	Incident        Incident
	ComponentName   string
	AssigneeName    string
	EscalationLevel *int
	URL             string
	// Unposted are the timeline entries not yet posted as thread replies, oldest first.
	Unposted []TimelineEntry
}

// SlackIncidentView reads an incident's state for a Slack message.
func (s *Store) SlackIncidentView(ctx context.Context, incidentID string) (*SlackIncidentView, error) {
	db := s.db.WithContext(ctx)
	v := &SlackIncidentView{}
	if err := db.Where("id = ?", incidentID).Take(&v.Incident).Error; err != nil {
		return nil, err
	}
	var names []string
	db.Table("components").Where("id = ?", v.Incident.ComponentID).Pluck("name", &names)
	if len(names) > 0 {
		v.ComponentName = names[0]
	}
	if v.Incident.AssigneeUserID != nil {
		names = nil
		db.Table("users").Where("id = ?", *v.Incident.AssigneeUserID).Pluck("name", &names)
		if len(names) > 0 {
			v.AssigneeName = names[0]
		}
	}
	var levels []int
	db.Table("incident_escalations").Where("incident_id = ? AND level >= 0", incidentID).Pluck("level", &levels)
	if len(levels) > 0 {
		l := levels[0] + 1
		v.EscalationLevel = &l
	}
	v.URL = s.links.Incident(v.Incident.AccountID, v.Incident.ID)
	if err := db.Where("incident_id = ? AND kind <> ? AND id NOT IN (SELECT timeline_entry_id FROM slack_thread_posts WHERE incident_id = ?)",
		incidentID, TimelineOpened, incidentID).Order("created_at, id").Find(&v.Unposted).Error; err != nil {
		return nil, err
	}
	return v, nil
}

// BeginSlackSync takes an incident's message for one sync: ErrSlackDone when it is in sync (or
// has no message, or the workspace is gone), *NotDueError while it waits (a Retry-After) or
// another worker holds it.
func (s *Store) BeginSlackSync(ctx context.Context, incidentID string) (*SlackSync, error) {
	if !validID(incidentID) {
		return nil, ErrSlackDone
	}
	var m SlackMessage
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("incident_id = ?", incidentID).Take(&m).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrSlackDone
			}
			return err
		}
		if m.NextAttemptAt == nil {
			return ErrSlackDone
		}
		return s.takeSlackLease(tx, &SlackMessage{}, m.ID, &m.Attempts, m.NextAttemptAt)
	})
	if err != nil {
		return nil, err
	}
	ws, err := s.slackWorkspaceOf(ctx, m.AccountID)
	if err != nil {
		return nil, err
	}
	if ws == nil {
		_ = s.db.WithContext(ctx).Model(&SlackMessage{}).Where("id = ?", m.ID).
			Updates(map[string]any{"next_attempt_at": nil, "last_error": "Slack is not connected"}).Error
		return nil, ErrSlackDone
	}
	view, err := s.SlackIncidentView(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	return &SlackSync{Message: &m, Workspace: ws, Version: m.DesiredVersion, View: view}, nil
}

// RecordSlackPost stores the ts of a newly posted channel message at once, so a failure later
// in the same sync updates it instead of posting a second message. It replaces the ts of a
// message deleted in Slack (the sync holds the row's lease).
func (s *Store) RecordSlackPost(ctx context.Context, sy *SlackSync, ts string) error {
	sy.Message.Ts = ts
	return s.db.WithContext(ctx).Model(&SlackMessage{}).Where("id = ?", sy.Message.ID).Update("ts", ts).Error
}

// RecordSlackThreadPost records a timeline entry posted as a thread reply.
func (s *Store) RecordSlackThreadPost(ctx context.Context, incidentID, entryID, ts string) error {
	return s.db.WithContext(ctx).Exec("INSERT INTO slack_thread_posts (timeline_entry_id, incident_id, ts, posted_at) VALUES (?, ?, ?, ?) ON CONFLICT (timeline_entry_id) DO NOTHING",
		entryID, incidentID, ts, s.now()).Error
}

// SlackSyncResult is the outcome of one sync.
type SlackSyncResult struct {
	Err error
	// Permanent: Slack refuses for good (channel_not_found, invalid_auth …); the message
	// waits for the next change (or a reconnect) instead of retrying.
	Permanent bool
	RetryIn   time.Duration
}

// FinishSlackSync records a sync: the rendered version is synced (only ever upwards); the
// message is due again at once if a newer change came meanwhile, after RetryIn on a temporary
// failure, or not at all. It returns the time of the next sync, or nil. The row is changed by
// one statement that reads the current desired version, so a change committed while the sync
// ran is never lost.
func (s *Store) FinishSlackSync(ctx context.Context, sy *SlackSync, r SlackSyncResult) (*time.Time, error) {
	now := s.now()
	var next *time.Time
	err := s.db.Tx(ctx, func(tx *Tx) error {
		// The first statement locks the row: a change cannot raise desired_version between the
		// reads of the statements below and the commit.
		up := map[string]any{"updated_at": now}
		switch {
		case r.Err == nil:
			up["last_synced_at"], up["last_error"], up["attempts"] = now, "", 0
		default:
			up["last_error"] = truncate(r.Err.Error(), 500)
		}
		if err := tx.Model(&SlackMessage{}).Where("id = ?", sy.Message.ID).Updates(up).Error; err != nil {
			return err
		}
		var stmts []*gorm.DB
		switch {
		case r.Err == nil:
			stmts = append(stmts,
				tx.Model(&SlackMessage{}).Where("id = ? AND synced_version < ?", sy.Message.ID, sy.Version).Update("synced_version", sy.Version),
				tx.Model(&SlackMessage{}).Where("id = ? AND desired_version <= synced_version", sy.Message.ID).Update("next_attempt_at", nil),
				tx.Model(&SlackMessage{}).Where("id = ? AND desired_version > synced_version", sy.Message.ID).Update("next_attempt_at", now))
		case r.Permanent:
			// Stopped until the next change (one that came in meanwhile goes at once).
			stmts = append(stmts,
				tx.Model(&SlackMessage{}).Where("id = ? AND desired_version <= ?", sy.Message.ID, sy.Version).Update("next_attempt_at", nil),
				tx.Model(&SlackMessage{}).Where("id = ? AND desired_version > ?", sy.Message.ID, sy.Version).Update("next_attempt_at", now))
		default:
			stmts = append(stmts, tx.Model(&SlackMessage{}).Where("id = ?", sy.Message.ID).Update("next_attempt_at", now.Add(r.RetryIn)))
		}
		for _, st := range stmts {
			if st.Error != nil {
				return st.Error
			}
		}
		var m SlackMessage
		if err := tx.Where("id = ?", sy.Message.ID).Take(&m).Error; err != nil {
			return err
		}
		next = m.NextAttemptAt
		s.publishAfter(tx, Hint{Kind: HintSlackMessage, ID: m.IncidentID, AccountID: m.AccountID})
		return nil
	})
	return next, err
}

// HintSlackMessage tells live subscribers an incident's Slack message changed.
const HintSlackMessage = "slack_message"

// DueSlackMessages lists incidents whose message is due for a sync before `before`.
func (s *Store) DueSlackMessages(ctx context.Context, before time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&SlackMessage{}).Where("next_attempt_at <= ?", before.UTC()).
		Order("next_attempt_at").Limit(limit).Pluck("incident_id", &ids).Error
	return ids, err
}

// SlackMessagesByIncident loads the Slack messages of incidents (dataloader; callers pass
// incidents the actor may see).
func (s *Store) SlackMessagesByIncident(ctx context.Context, ids []string) (map[string][]SlackMessage, error) {
	var ms []SlackMessage
	if err := s.db.WithContext(ctx).Where("incident_id IN ?", ids).Order("created_at, id").Find(&ms).Error; err != nil {
		return nil, err
	}
	out := map[string][]SlackMessage{}
	for _, m := range ms {
		out[m.IncidentID] = append(out[m.IncidentID], m)
	}
	return out, nil
}

// --- On call ---

// SlackOnCall answers "who is on call now" for a schedule or a component (by name) of an
// account: a schedule's final schedule, or the first level of the component's escalation
// policy (its users and the people on call on its schedules). Names of people, in order.
func (s *Store) SlackOnCall(ctx context.Context, accountID, name string) (string, []string, error) {
	db := s.db.WithContext(ctx)
	now := s.now()
	name = strings.TrimSpace(name)
	var scheds []Schedule
	q := db.Where("account_id = ?", accountID)
	if name != "" {
		q = q.Where("lower(name) = lower(?)", name)
	}
	if err := q.Order("name").Limit(20).Find(&scheds).Error; err != nil {
		return "", nil, err
	}
	if name != "" && len(scheds) == 0 {
		var comp Component
		err := db.Where("account_id = ? AND lower(name) = lower(?)", accountID, name).Take(&comp).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return "", nil, notFound("schedule or component")
		} else if err != nil {
			return "", nil, err
		}
		if comp.EscalationPolicyID == nil {
			return comp.Name, nil, nil
		}
		var lvl EscalationLevel
		if err := db.Where("policy_id = ?", *comp.EscalationPolicyID).Order("position").Take(&lvl).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return comp.Name, nil, nil
			}
			return "", nil, err
		}
		var ts []EscalationTarget
		if err := db.Where("level_id = ?", lvl.ID).Order("position, id").Find(&ts).Error; err != nil {
			return "", nil, err
		}
		var people []string
		for _, t := range ts {
			uid := deref(t.UserID)
			if t.ScheduleID != nil {
				if uid, err = onCallAt(db, *t.ScheduleID, now); err != nil {
					return "", nil, err
				}
			}
			if uid != "" {
				people = append(people, s.userName(ctx, uid))
			}
		}
		return comp.Name, people, nil
	}
	var people []string
	for _, sc := range scheds {
		uid, err := onCallAt(db, sc.ID, now)
		if err != nil {
			return "", nil, err
		}
		who := "nobody"
		if uid != "" {
			who = s.userName(ctx, uid)
		}
		people = append(people, sc.Name+": "+who)
	}
	return name, people, nil
}

func (s *Store) userName(ctx context.Context, id string) string {
	var names []string
	s.db.WithContext(ctx).Table("users").Where("id = ?", id).Pluck("name", &names)
	if len(names) == 0 {
		return "someone"
	}
	return names[0]
}

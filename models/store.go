package models

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/links"
	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// Hint tells live subscribers that something changed. It is a hint, not the data: subscribers
// load the current state themselves, with their own permissions.
type Hint struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	AccountID string `json:"account"`
	// Op says what happened for kinds where subscribers care (incidents: opened, changed,
	// resolved).
	Op string `json:"op,omitempty"`
}

// Hint kinds.
const (
	HintAudit       = "audit"
	HintComponent   = "component"
	HintIncident    = "incident"
	HintIntegration = "aws_integration"
	HintFarm        = "farm"
	HintDelivery    = "delivery"
	HintEvent       = "event"
	HintApproval    = "approval"
	HintMail        = "mail"
	HintEndpoint    = "endpoint"
	// HintStatusPage: something a published page shows changed (its settings, a public incident
	// or update, maintenance, a published component status); ID is the page, or "" for every
	// page of the account. The public pages' cache drops what it holds for them.
	HintStatusPage = "status_page"
)

// Incident hint operations.
const (
	OpOpened   = "opened"
	OpChanged  = "changed"
	OpResolved = "resolved"
)

// Publisher delivers hints to live subscribers, possibly in other processes. It must not
// block for long: it is called after commit on the request path.
type Publisher interface {
	Publish(ctx context.Context, h Hint)
}

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, Hint) {}

// Store implements the domain services on the database.
type Store struct {
	db *DB
	// autoPublishBatch is how many due incidents one auto-publish read takes (0: 500).
	autoPublishBatch int
	pub              Publisher
	now              func() time.Time
	links            links.Builder
	sealer           *sealer
	enqueuer         Enqueuer
	mailKept         bool
	linker           signedlink.Signer
	scalrID          *atomic.Pointer[string] // the installation id, once committed (see installationID)
	outbound         *outboundCheck          // save-time warnings (SetOutboundGuard)
	breaker          BreakerPolicy
	rateGate         RateGate
	// bundleWindow overrides DefaultBundleWindow (SetBundleWindow).
	bundleWindow *time.Duration

	slackChecker SlackChecker // the Slack app (slack.go)

	subs subscriberConfig // status page webhook subscribers' outbound policy

	// epCache holds the endpoints the delivery dispatcher sends to (delivery_batch.go).
	epCache *endpointCache
	// backlog is fireEvent's back-pressure (backpressure.go).
	backlog *backlogGate
	// ingestGroupHook runs before the commit of every group of IngestNotifications (tests
	// fail groups with it).
	ingestGroupHook func(*Tx) error
}

// SetPublicURL sets the base of links put into events, messages and mail (incident URLs).
func (s *Store) SetPublicURL(u string) { s.links = links.New(u) }

// Links builds links into the console and to this installation's public routes.
func (s *Store) Links() links.Builder { return s.links }

// NewStore returns a Store. pub may be nil.
func NewStore(db *DB, pub Publisher) *Store {
	if pub == nil {
		pub = nopPublisher{}
	}
	return &Store{db: db, pub: pub, now: func() time.Time { return time.Now().UTC() }, breaker: DefaultBreakerPolicy,
		scalrID: &atomic.Pointer[string]{}, epCache: &endpointCache{}, backlog: &backlogGate{}}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock: what is due (escalations, notifications, mail retries) is decided
// by it, not by the queue's wall clock.
func (s *Store) Now() time.Time { return s.now() }

// DB returns the database handle.
func (s *Store) DB() *DB { return s.db }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// validID rejects ids that are not UUIDs before they reach PostgreSQL, where a malformed
// uuid would be a database error rather than "not found".
func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil
}

// roleIn returns the actor's effective role in the account, or an error: EUNAUTHORIZED without
// an actor, ENOTFOUND when the account is not visible to the actor (indistinguishable from an
// account that does not exist).
func (s *Store) roleIn(ctx context.Context, db *gorm.DB, a *Actor, accountID string) (Role, error) {
	return s.roleWith(ctx, db, a, accountID, func() (Role, bool, error) {
		var m Membership
		err := db.WithContext(ctx).Where("account_id = ? AND user_id = ?", accountID, a.UserID).Take(&m).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return "", false, nil
		}
		return m.Role, err == nil, err
	})
}

// roleWith is roleIn with the membership found by member (its role, whether there is one): a
// caller that read it with the rest of its lookup (fireEvent) decides by the same rules.
func (s *Store) roleWith(ctx context.Context, db *gorm.DB, a *Actor, accountID string, member func() (Role, bool, error)) (Role, error) {
	if a == nil {
		return "", Errorf(EUNAUTHORIZED, "authentication required")
	}
	if !validID(accountID) {
		return "", notFound("account")
	}
	if a.System {
		return RoleOwner, nil
	}
	if a.TokenID != "" && a.TokenAccountID != accountID {
		return "", notFound("account")
	}
	if a.TokenID != "" && a.LongLived {
		// A websocket authenticates once; re-checking here makes revocation and expiry take
		// effect on open connections too, not only on new requests.
		var t APIToken
		if err := db.WithContext(ctx).Select("revoked_at, expires_at").Where("id = ?", a.TokenID).Take(&t).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return "", Errorf(EUNAUTHORIZED, "API token revoked")
			}
			return "", err
		}
		if st := t.Status(s.now()); st != APITokenActive {
			return "", Errorf(EUNAUTHORIZED, "API token %s", st)
		}
	}
	if a.IsSystemAdmin && a.TokenID == "" {
		var n int64
		if err := db.WithContext(ctx).Model(&Account{}).Where("id = ?", accountID).Count(&n).Error; err != nil {
			return "", err
		}
		if n == 0 {
			return "", notFound("account")
		}
		return RoleOwner, nil
	}
	role, ok, err := member()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", notFound("account")
	}
	// A token never acts with more than its creator currently has.
	if a.TokenID != "" && roleRank[a.TokenRole] < roleRank[role] {
		role = a.TokenRole
	}
	return role, nil
}

// Require returns the actor's role in the account, or an error if it is weaker than min.
func (s *Store) Require(ctx context.Context, a *Actor, accountID string, min Role) (Role, error) {
	return s.require(ctx, s.db.DB, a, accountID, min)
}

func (s *Store) require(ctx context.Context, db *gorm.DB, a *Actor, accountID string, min Role) (Role, error) {
	r, err := s.roleIn(ctx, db, a, accountID)
	if err != nil {
		return "", err
	}
	if !r.AtLeast(min) {
		return r, forbidden()
	}
	return r, nil
}

// audit records an audit entry in tx and publishes a hint once tx commits.
func (s *Store) audit(tx *Tx, a *Actor, accountID, action, targetType, targetID, summary string) error {
	e := AuditEntry{
		ID: newID(), AccountID: accountID, Action: action, ActorUserID: a.auditUserID(),
		ActorLabel: a.Label(), TargetType: targetType, TargetID: targetID, Summary: summary,
		CreatedAt: s.now(),
	}
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	s.hint(tx, HintAudit, e.ID, accountID)
	return nil
}

// SystemHints is the live channel of what belongs to no account: the hints of system-scope
// deliveries go there, and only system administrators may follow it. It is not an account id
// (not a UUID), so no account's subscribers receive them.
const SystemHints = "system"

// hint publishes a live hint once tx has committed. A delivery without an account is a
// system-scope delivery: its hints go to SystemHints.
func (s *Store) hint(tx *Tx, kind, id, accountID string) {
	if kind == HintDelivery && accountID == "" {
		accountID = SystemHints
	}
	s.publishAfter(tx, Hint{Kind: kind, ID: id, AccountID: accountID})
}

// publishAfter queues h for the publisher after commit. A transaction's hints are collected
// (a repeated hint once) and published together; the incidents among them have their Slack
// channel messages marked for a sync in one statement just before the commit, so a batch
// that touches hundreds of incidents (the escalation engine, finished notifications) costs
// one statement and one pipelined publish, not hundreds of round trips.
func (s *Store) publishAfter(tx *Tx, h Hint) {
	p := tx.hints
	if p == nil {
		p = &pendingHints{seen: map[Hint]bool{}, incidents: map[string]bool{}}
		tx.hints = p
		ctx := tx.Statement.Context
		tx.BeforeCommit(func(tx *Tx) error {
			// The Slack app: the incidents' channel messages are due for a sync (slack.go).
			s.markSlackDirty(tx, p.incidentIDs)
			return nil
		})
		tx.AfterCommit(func() { s.publishAll(context.WithoutCancel(ctx), p.list) })
	}
	if p.seen[h] {
		return
	}
	p.seen[h] = true
	p.list = append(p.list, h)
	if h.Kind == HintIncident && !p.incidents[h.ID] {
		p.incidents[h.ID] = true
		p.incidentIDs = append(p.incidentIDs, h.ID)
	}
}

// pendingHints are a transaction's hints, in the order they were queued.
type pendingHints struct {
	list        []Hint
	seen        map[Hint]bool
	incidentIDs []string
	incidents   map[string]bool
}

// BatchPublisher is a Publisher that can send many hints at once (one pipelined round trip).
type BatchPublisher interface {
	PublishAll(ctx context.Context, hs []Hint)
}

func (s *Store) publishAll(ctx context.Context, hs []Hint) {
	if bp, ok := s.pub.(BatchPublisher); ok && len(hs) > 1 {
		bp.PublishAll(ctx, hs)
		return
	}
	for _, h := range hs {
		s.pub.Publish(ctx, h)
	}
}

// cleanName trims and validates a display name.
func cleanName(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return "", FieldError(EINVALID, field, "%s is required", field)
	case utf8.RuneCountInString(v) > max:
		return "", FieldError(EINVALID, field, "%s must be at most %d characters", field, max)
	case hasControl(v):
		return "", FieldError(EINVALID, field, "%s must be a single line without control characters", field)
	}
	return v, nil
}

// hasControl reports whether v has a control character (NUL, tab, line breaks, escape, DEL,
// C1 controls …) or a Unicode line or paragraph separator: none belongs in one-line text, and
// they break the lines of payloads, logs and terminals the text ends up in.
func hasControl(v string) bool {
	return strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) >= 0
}

// cleanText trims and validates free text (descriptions) of at most max characters.
func cleanText(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if err := noNUL(field, v); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(v) > max {
		return "", FieldError(EINVALID, field, "%s must be at most %d characters", field, max)
	}
	return v, nil
}

// noNUL refuses text with NUL characters: PostgreSQL cannot store them, and no person means one.
func noNUL(field, v string) error {
	if strings.ContainsRune(v, 0) {
		return FieldError(EINVALID, field, "%s must not contain NUL characters", field)
	}
	return nil
}

// sanitizeText makes text that arrives from outside (alarms, approval answers) storable.
func sanitizeText(v string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "\uFFFD")
}

func cleanEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || len(v) > 254 {
		return "", FieldError(EINVALID, "email", "enter a valid email address like name@example.com")
	}
	return v, nil
}

// Password length limits. bcrypt reads at most 72 bytes; longer passwords are refused rather
// than silently truncated.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 72
)

func checkPassword(field, p string) error {
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLen:
		return FieldError(EINVALID, field, "password must be at least %d characters", MinPasswordLen)
	case len(p) > MaxPasswordLen:
		return FieldError(EINVALID, field, "password must be at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// loadByID loads rows by id in one query, keyed by id (the dataloaders' batch functions). It
// checks no permission: callers pass ids the actor may see.
func loadByID[T any](db *gorm.DB, ids []string, id func(*T) string) (map[string]*T, error) {
	var rows []T
	if err := db.Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]*T, len(rows))
	for i := range rows {
		out[id(&rows[i])] = &rows[i]
	}
	return out, nil
}

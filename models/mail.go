package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The one mail path (design §16). Every message is a row, written in the transaction of the
// change that causes it, before it is a queue task; the mail job sends it through SMTP and
// records the server's answer. With no SMTP configured (the embedded default) messages are kept
// (status "kept") and shown in the console's outgoing-mail view instead.

// MailKind says what a message is for.
type MailKind string

const (
	MailPage         MailKind = "page"
	MailNotice       MailKind = "notice"
	MailInvitation   MailKind = "invitation"
	MailVerification MailKind = "verification"
	MailSubscriber   MailKind = "subscriber"
	MailTest         MailKind = "test"
)

// Valid reports whether k is a known kind.
func (k MailKind) Valid() bool {
	switch k {
	case MailPage, MailNotice, MailInvitation, MailVerification, MailSubscriber, MailTest:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (k MailKind) MarshalGQL(w io.Writer) { writeEnum(w, k) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (k *MailKind) UnmarshalGQL(v any) (err error) {
	*k, err = readEnum(v, MailKind.Valid, "mail kind")
	return err
}

// MailPriority orders sending: urgent mail is never queued behind bulk mail.
type MailPriority string

const (
	MailUrgent MailPriority = "urgent"
	MailBulk   MailPriority = "bulk"
)

// Priority is the sending priority of a kind: subscriber mail is bulk, everything else urgent.
func (k MailKind) Priority() MailPriority {
	if k == MailSubscriber {
		return MailBulk
	}
	return MailUrgent
}

// MailStatus is where a message stands.
type MailStatus string

const (
	MailPending  MailStatus = "pending"
	MailRetrying MailStatus = "retrying"
	MailSent     MailStatus = "sent"
	MailFailed   MailStatus = "failed"
	// MailKept: no SMTP server is configured; the message is kept, not sent.
	MailKept MailStatus = "kept"
)

// Valid reports whether s is a known status.
func (s MailStatus) Valid() bool {
	switch s {
	case MailPending, MailRetrying, MailSent, MailFailed, MailKept:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s MailStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *MailStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, MailStatus.Valid, "mail status")
	return err
}

// Mail is one message.
type Mail struct {
	ID             string `gorm:"primaryKey"`
	AccountID      *string
	Kind           MailKind
	Priority       MailPriority
	ToAddress      string
	Subject        string
	TextBody       string
	HTMLBody       string  `gorm:"column:html_body"`
	Headers        *string // JSON object of extra headers (List-Unsubscribe, …)
	Status         MailStatus
	Attempts       int
	MaxAttempts    int
	NextAttemptAt  *time.Time
	LastError      string
	ProviderAnswer string
	MessageID      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SentAt         *time.Time
}

// TableName maps Mail to its table.
func (Mail) TableName() string { return "mail_messages" }

func (m *Mail) accountOf() string { return deref(m.AccountID) }

// ExtraHeaders decodes the message's extra headers.
func (m *Mail) ExtraHeaders() map[string]string {
	out := map[string]string{}
	if m.Headers != nil {
		_ = json.Unmarshal([]byte(*m.Headers), &out)
	}
	return out
}

// MailInput is a message to queue.
type MailInput struct {
	// AccountID files the message under an account ("" for installation mail).
	AccountID string
	Kind      MailKind
	To        string
	Subject   string
	Text      string
	HTML      string
	// Headers are extra headers; only those in allowedMailHeaders are accepted.
	Headers map[string]string
}

// MailRef is what the queue needs to send a message.
type MailRef struct {
	ID       string
	Priority MailPriority
	RunAt    time.Time
}

// MailEnqueuer puts messages on the queue after their transaction commits (implemented by the
// jobs package, like Enqueuer; failures are left to the sweeper).
type MailEnqueuer interface {
	EnqueueMail(ctx context.Context, ms []MailRef)
}

// Mail sending limits.
const (
	mailMaxAttempts = 8
	maxMailSubject  = 300
	maxMailBody     = 256 << 10
)

// allowedMailHeaders are the extra headers a message may carry; the rest (From, To, Date,
// Message-ID, MIME) are the mail path's own.
var allowedMailHeaders = map[string]bool{
	"List-Unsubscribe": true, "List-Unsubscribe-Post": true, "List-Id": true,
	"Auto-Submitted": true, "X-Switchboard-Incident": true, "X-Switchboard-Kind": true,
}

// SetMailKept makes queued mail kept instead of sent (no SMTP server configured).
func (s *Store) SetMailKept(kept bool) { s.mailKept = kept }

// MailKept reports whether mail is kept rather than sent.
func (s *Store) MailKept() bool { return s.mailKept }

// validateMail checks a message before it is written; the error is a field error.
func validateMail(in *MailInput) error {
	if !in.Kind.Valid() {
		return FieldError(EINVALID, "kind", "unknown kind of mail")
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(in.To))
	if err != nil || addr.Address == "" || strings.ContainsAny(addr.Address, "\r\n") {
		return FieldError(EINVALID, "to", "%q is not an email address", in.To)
	}
	// The bare address must parse as itself: net/mail unquotes quoted local parts
	// ("ana b"@example.com becomes ana b@example.com), which no mail server would take.
	if again, err := mail.ParseAddress(addr.Address); err != nil || again.Address != addr.Address {
		return FieldError(EINVALID, "to", "%q is not an address Switchboard can send to", in.To)
	}
	in.To = addr.Address
	in.Subject = strings.Join(strings.Fields(in.Subject), " ") // no line breaks in a subject
	if in.Subject == "" || len(in.Subject) > maxMailSubject {
		return FieldError(EINVALID, "subject", "a subject is 1 to 300 characters")
	}
	if strings.TrimSpace(in.Text) == "" {
		return FieldError(EINVALID, "text", "a message needs a plain-text body")
	}
	if len(in.Text) > maxMailBody || len(in.HTML) > maxMailBody {
		return FieldError(EINVALID, "text", "the message is too long")
	}
	for k, v := range in.Headers {
		if !allowedMailHeaders[k] {
			return FieldError(EINVALID, "headers", "header %q is not one a message may set", k)
		}
		if strings.ContainsAny(v, "\r\n\x00") || len(v) > 2000 {
			return FieldError(EINVALID, "headers", "header %q has a bad value", k)
		}
	}
	return nil
}

// queueMail writes a message in tx and returns the reference to enqueue after commit (nil when
// the message is kept). Callers collect the refs and call enqueueMailAfter once committed.
func (s *Store) queueMail(tx *Tx, in MailInput) (*Mail, *MailRef, error) {
	if err := validateMail(&in); err != nil {
		return nil, nil, err
	}
	now := s.now()
	m := &Mail{
		ID: newID(), Kind: in.Kind, Priority: in.Kind.Priority(), ToAddress: in.To, Subject: in.Subject,
		TextBody: in.Text, HTMLBody: in.HTML, Status: MailPending, MaxAttempts: mailMaxAttempts,
		NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now,
	}
	if in.AccountID != "" {
		m.AccountID = &in.AccountID
	}
	if len(in.Headers) > 0 {
		b, _ := json.Marshal(in.Headers)
		h := string(b)
		m.Headers = &h
	}
	if s.mailKept {
		m.Status, m.NextAttemptAt = MailKept, nil
	}
	if err := tx.Create(m).Error; err != nil {
		return nil, nil, err
	}
	s.hint(tx, HintMail, m.ID, deref(m.AccountID))
	if m.Status == MailKept {
		return m, nil, nil
	}
	// The queue only wakes the sender, on the wall clock (Asynq's); the row is due at once.
	return m, &MailRef{ID: m.ID, Priority: m.Priority, RunAt: time.Now()}, nil
}

// QueueMail writes one message in its own transaction and enqueues it.
func (s *Store) QueueMail(ctx context.Context, in MailInput) (*Mail, error) {
	var m *Mail
	var ref *MailRef
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		m, ref, err = s.queueMail(tx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ref != nil {
		s.enqueueMailAfter(ctx, []MailRef{*ref})
	}
	return m, nil
}

func (s *Store) enqueueMailAfter(ctx context.Context, refs []MailRef) {
	if me, ok := s.enqueuer.(MailEnqueuer); ok && len(refs) > 0 {
		me.EnqueueMail(context.WithoutCancel(ctx), refs)
	}
}

// MailAttemptLease is how long an attempt holds its row: longer than the send task's timeout.
const MailAttemptLease = 3 * time.Minute

// ErrMailDone means a message needs no (more) attempts.
var ErrMailDone = errors.New("mail needs no attempt")

// BeginMail counts the next attempt of a message before it is sent and returns the message.
// ErrMailDone: sent, failed or kept; *NotDueError: not yet due.
func (s *Store) BeginMail(ctx context.Context, id string) (*Mail, error) {
	if !validID(id) {
		return nil, ErrMailDone
	}
	var m Mail
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ?", id).Take(&m).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrMailDone
			}
			return err
		}
		if m.Status != MailPending && m.Status != MailRetrying {
			return ErrMailDone
		}
		now := s.now()
		if m.NextAttemptAt != nil && m.NextAttemptAt.After(now) {
			return &NotDueError{At: *m.NextAttemptAt}
		}
		// The attempt holds the row until FinishMail: a sweeper or a second task sees it as not
		// due while the SMTP dialogue runs (at most the task's timeout).
		lease := now.Add(MailAttemptLease)
		res := tx.Model(&Mail{}).Where("id = ? AND attempts = ?", m.ID, m.Attempts).
			Updates(map[string]any{"attempts": m.Attempts + 1, "next_attempt_at": lease, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("mail %s: another worker is sending it", m.ID)
		}
		m.Attempts++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// MailResult is the outcome of one attempt to send a message.
type MailResult struct {
	// Err is nil when the server accepted the message.
	Err error
	// Permanent marks a refusal that a retry cannot change (an SMTP 5xx answer).
	Permanent bool
	// Answer is the server's answer, kept for the console.
	Answer    string
	MessageID string
	// RetryIn is when to try again after a temporary failure.
	RetryIn time.Duration
}

// FinishMail records an attempt's outcome; it returns the time of the next attempt, or nil.
func (s *Store) FinishMail(ctx context.Context, m *Mail, r MailResult) (*time.Time, error) {
	now := s.now()
	up := map[string]any{"updated_at": now, "provider_answer": truncate(r.Answer, 500)}
	var next *time.Time
	switch {
	case r.Err == nil:
		up["status"], up["sent_at"], up["next_attempt_at"], up["last_error"], up["message_id"] = MailSent, now, nil, "", truncate(r.MessageID, 300)
	case r.Permanent || m.Attempts >= m.MaxAttempts:
		up["status"], up["next_attempt_at"], up["last_error"] = MailFailed, nil, truncate(r.Err.Error(), 500)
	default:
		at := now.Add(r.RetryIn)
		next = &at
		up["status"], up["next_attempt_at"], up["last_error"] = MailRetrying, at, truncate(r.Err.Error(), 500)
	}
	res := s.db.WithContext(ctx).Model(&Mail{}).Where("id = ? AND status IN ?", m.ID, []MailStatus{MailPending, MailRetrying}).Updates(up)
	if res.Error != nil {
		return nil, res.Error
	}
	s.pub.Publish(ctx, Hint{Kind: HintMail, ID: m.ID, AccountID: deref(m.AccountID)})
	if res.RowsAffected > 0 && (m.Kind == MailPage || m.Kind == MailNotice) {
		// A notification sent as this mail follows its outcome.
		if err := s.followMail(ctx, m, r, next); err != nil {
			return next, err
		}
	}
	return next, nil
}

// MailRetryDelay is the wait before retry n (n ≥ 1) of a temporary failure: 30 s, 2 min,
// 10 min, 30 min, then hourly — about 4.7 hours over the 8 attempts.
func MailRetryDelay(n int) time.Duration {
	steps := []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute}
	if n >= 1 && n <= len(steps) {
		return steps[n-1]
	}
	if n < 1 {
		return steps[0]
	}
	return time.Hour
}

// DueMail lists unsent messages whose next attempt is due before `before` (the sweeper
// re-enqueues them; the queue refuses those it still holds).
// Urgent messages come first, so a backlog of bulk mail never hides a lost page from the sweeper.
func (s *Store) DueMail(ctx context.Context, before time.Time, limit int) ([]MailRef, error) {
	var out []MailRef
	for _, p := range []MailPriority{MailUrgent, MailBulk} {
		if len(out) >= limit {
			break
		}
		var ms []Mail
		if err := s.db.WithContext(ctx).Select("id, priority, next_attempt_at").
			Where("priority = ? AND status IN ? AND next_attempt_at <= ?", p, []MailStatus{MailPending, MailRetrying}, before.UTC()).
			Order("next_attempt_at").Limit(limit - len(out)).Find(&ms).Error; err != nil {
			return nil, err
		}
		for _, m := range ms {
			out = append(out, MailRef{ID: m.ID, Priority: m.Priority, RunAt: *m.NextAttemptAt})
		}
	}
	return out, nil
}

// PurgeMail deletes finished messages (sent, failed, kept) older than the history retention:
// they hold addresses and action links.
func (s *Store) PurgeMail(ctx context.Context) (int64, error) {
	days, err := s.RetentionDays(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := s.now().Add(-time.Duration(days) * 24 * time.Hour)
	res := s.db.WithContext(ctx).Exec("DELETE FROM mail_messages WHERE created_at < ? AND status IN ?", cutoff,
		[]MailStatus{MailSent, MailFailed, MailKept})
	return res.RowsAffected, res.Error
}

// ListMail returns an account's messages, newest first (admins: mail holds action links).
func (s *Store) ListMail(ctx context.Context, a *Actor, accountID string, first int, after string) (*Page[Mail], error) {
	role, err := s.Require(ctx, a, accountID, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	p, err := keysetPage[Mail](q, "created_at", first, after, func(m *Mail) (time.Time, string) { return m.CreatedAt, m.ID })
	if err != nil {
		return nil, err
	}
	if err := s.withholdInvitationLinks(ctx, role, accountID, p.Items); err != nil {
		return nil, err
	}
	return p, nil
}

// withholdInvitationLinks hides the body of invitation mail the reader may not hold: its link
// creates a user for the invitee's address with the invited role, so it is the invitee's alone
// (another admin holding it could accept an owner's invitation, or claim a user for an address
// that is not theirs). Mail that goes to a mailbox is never shown; kept mail (no SMTP server)
// is, as the only way to the link, except an owner invitation's to a reader who is not an owner.
func (s *Store) withholdInvitationLinks(ctx context.Context, role Role, accountID string, ms []Mail) error {
	var owners map[string]bool
	for i := range ms {
		m := &ms[i]
		if m.Status != MailKept && m.ExtraHeaders()["X-Switchboard-Kind"] == subscriptionConfirmKind {
			// A status page sign-up's consent is the subscriber's: an admin holding the link
			// could confirm an address that never asked.
			m.TextBody = "The confirmation link is for " + m.ToAddress + " only: it is not shown here."
			m.HTMLBody = ""
			continue
		}
		if m.Kind != MailInvitation {
			continue
		}
		hide := m.Status != MailKept
		if !hide && role != RoleOwner {
			if owners == nil {
				var emails []string
				if err := s.db.WithContext(ctx).Model(&Invitation{}).Where("account_id = ? AND role = ?", accountID, RoleOwner).
					Pluck("lower(email)", &emails).Error; err != nil {
					return err
				}
				owners = map[string]bool{}
				for _, e := range emails {
					owners[e] = true
				}
			}
			hide = owners[strings.ToLower(m.ToAddress)]
		}
		if hide {
			m.TextBody = "The invitation link is for " + m.ToAddress + " only: it is not shown here."
			m.HTMLBody = ""
		}
	}
	return nil
}

// GetMail returns a message of an account the actor administers.
func (s *Store) GetMail(ctx context.Context, a *Actor, id string) (*Mail, error) {
	var m Mail
	if err := s.getScoped(ctx, a, &m, id, "mail", RoleAdmin); err != nil {
		return nil, err
	}
	if m.Kind == MailInvitation && m.AccountID != nil {
		role, err := s.Require(ctx, a, *m.AccountID, RoleAdmin)
		if err != nil {
			return nil, err
		}
		ms := []Mail{m}
		if err := s.withholdInvitationLinks(ctx, role, *m.AccountID, ms); err != nil {
			return nil, err
		}
		m = ms[0]
	}
	return &m, nil
}

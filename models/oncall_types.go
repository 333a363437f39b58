package models

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/schedule"
)

// On-call rows (migration 0011, docs/oncall.md). The rules that write them live in
// oncall_*.go, escalation.go and notifications.go.

// ContactKind is how a contact method reaches a person.
type ContactKind string

const (
	ContactEmail    ContactKind = "email"
	ContactNtfy     ContactKind = "ntfy"
	ContactEndpoint ContactKind = "endpoint"
	ContactSlackDM  ContactKind = "slack_dm"
)

// Valid reports whether k is a known contact kind.
func (k ContactKind) Valid() bool {
	switch k {
	case ContactEmail, ContactNtfy, ContactEndpoint, ContactSlackDM:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (k ContactKind) MarshalGQL(w io.Writer) { writeEnum(w, k) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (k *ContactKind) UnmarshalGQL(v any) (err error) {
	*k, err = readEnum(v, ContactKind.Valid, "contact method kind")
	return err
}

// ContactMethod is one way to reach a user. The primary method (ID == UserID) is the account
// email: its address is the user's email, always.
type ContactMethod struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	Kind       ContactKind
	Label      string
	Address    string
	EndpointID *string
	Secret     []byte
	IsPrimary  bool
	VerifiedAt *time.Time
	Disabled   bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// NotificationRule says: on a page, notify the method after DelayMinutes unless acknowledged.
type NotificationRule struct {
	ID              string `gorm:"primaryKey"`
	UserID          string
	ContactMethodID string
	DelayMinutes    int
	CreatedAt       time.Time
}

// Schedule is an account's on-call schedule (the rows; schedule.Schedule is the math).
type Schedule struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	Name        string
	Description string
	TimeZone    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (s *Schedule) accountOf() string { return s.AccountID }

// ScheduleLayer is one rotation of a schedule; Participants and Restrictions are JSON.
type ScheduleLayer struct {
	ID           string `gorm:"primaryKey"`
	ScheduleID   string
	Position     int
	Name         string
	Rotation     schedule.Rotation
	Length       int
	HandOff      string // HH:MM
	HandOffDay   int    // 0 Sunday … 6
	Participants string // JSON array of user ids
	StartsAt     time.Time
	EndsAt       *time.Time
	Restrictions string // JSON array of LayerRestriction
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// LayerRestriction is the stored form of a schedule.Restriction.
type LayerRestriction struct {
	Days []int  `json:"days"`
	From string `json:"from"`
	To   string `json:"to"`
}

// ScheduleOverride puts a person on call over a range.
type ScheduleOverride struct {
	ID         string `gorm:"primaryKey"`
	ScheduleID string
	UserID     string
	StartsAt   time.Time
	EndsAt     time.Time
	CreatedBy  string
	CreatedAt  time.Time
}

// CalendarFeed is a revocable secret iCalendar URL of a schedule or of one person's shifts.
type CalendarFeed struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	ScheduleID  *string
	UserID      *string
	TokenHash   string
	TokenPrefix string
	CreatedBy   *string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

func (f *CalendarFeed) accountOf() string { return f.AccountID }

// EscalationPolicy says who is paged, in which order, and how often it repeats.
type EscalationPolicy struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	Name        string
	Description string
	Repeat      int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (p *EscalationPolicy) accountOf() string { return p.AccountID }

// EscalationLevel is one step of a policy.
type EscalationLevel struct {
	ID             string `gorm:"primaryKey"`
	PolicyID       string
	Position       int
	TimeoutMinutes int
}

// EscalationTarget is a schedule or a user paged at a level.
type EscalationTarget struct {
	ID         string `gorm:"primaryKey"`
	LevelID    string
	Position   int
	ScheduleID *string
	UserID     *string
}

// EscalationState is where an incident's escalation stands.
type EscalationState string

const (
	EscalationActive       EscalationState = "active"
	EscalationAcknowledged EscalationState = "acknowledged"
	EscalationSnoozed      EscalationState = "snoozed"
	EscalationResolved     EscalationState = "resolved"
	EscalationExhausted    EscalationState = "exhausted"
)

// Valid reports whether s is a known escalation state.
func (s EscalationState) Valid() bool {
	switch s {
	case EscalationActive, EscalationAcknowledged, EscalationSnoozed, EscalationResolved, EscalationExhausted:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s EscalationState) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *EscalationState) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, EscalationState.Valid, "escalation state")
	return err
}

// IncidentEscalation is the durable escalation state of one incident.
type IncidentEscalation struct {
	IncidentID   string `gorm:"primaryKey"`
	AccountID    string
	PolicyID     *string
	State        EscalationState
	Level        int // 0-based position of the level paged last; -1 before the first page
	RepeatsDone  int
	Step         int
	NextStepAt   *time.Time
	LastPagedAt  *time.Time
	SnoozedUntil *time.Time
	UpdatedAt    time.Time
}

// NotificationStatus is where a notification is.
type NotificationStatus string

const (
	NotificationPending   NotificationStatus = "pending"
	NotificationSending   NotificationStatus = "sending"
	NotificationRetrying  NotificationStatus = "retrying"
	NotificationSent      NotificationStatus = "sent"
	NotificationFailed    NotificationStatus = "failed"
	NotificationKept      NotificationStatus = "kept"
	NotificationCancelled NotificationStatus = "cancelled"
	NotificationBundled   NotificationStatus = "bundled"
)

// Valid reports whether s is a known notification status.
func (s NotificationStatus) Valid() bool {
	switch s {
	case NotificationPending, NotificationSending, NotificationRetrying, NotificationSent, NotificationFailed,
		NotificationKept, NotificationCancelled, NotificationBundled:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s NotificationStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *NotificationStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, NotificationStatus.Valid, "notification status")
	return err
}

// Notification reasons.
const (
	NotifyPage       = "page"
	NotifyTest       = "test"
	NotifyShiftStart = "shift_start"
	NotifyHandoff    = "handoff"
	NotifyUnreached  = "unreached"
)

// Notification is one message to one person through one contact method.
type Notification struct {
	ID              string `gorm:"primaryKey"`
	AccountID       string
	IncidentID      *string
	UserID          string
	ContactMethodID *string
	Reason          string
	Channel         ContactKind
	Recipient       string
	EscalationStep  *int
	EscalationLevel *int
	DelayMinutes    int
	Status          NotificationStatus
	NotBefore       time.Time
	NextAttemptAt   *time.Time
	Attempts        int
	MaxAttempts     int
	BundleID        *string
	MailID          *string
	DeliveryID      *string
	LastError       string
	ProviderAnswer  string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	SentAt          *time.Time
	// ScheduleID is the schedule of a shift notice (migration 0012).
	ScheduleID *string
}

func (n *Notification) accountOf() string { return n.AccountID }

// NotificationAttempt is one try to send a notification.
type NotificationAttempt struct {
	ID             string `gorm:"primaryKey"`
	NotificationID string
	Number         int
	StartedAt      time.Time
	FinishedAt     *time.Time
	Outcome        string
	ProviderAnswer string
	Error          string
}

// loadSchedule reads a schedule's layers and overrides that matter in [from, to) into the
// schedule math's form. Overrides ending before from are skipped.
func loadSchedule(db *gorm.DB, sch *Schedule, from, to time.Time) (*schedule.Schedule, error) {
	out, _, _, err := loadScheduleRows(db, sch, from, to)
	return out, err
}

// toSchedule converts a stored layer into the schedule math's form.
func (l *ScheduleLayer) toSchedule() (schedule.Layer, error) {
	hand, err := schedule.ParseClock(l.HandOff)
	if err != nil {
		return schedule.Layer{}, err
	}
	out := schedule.Layer{ID: l.ID, Rotation: l.Rotation, Length: l.Length, HandOff: hand,
		HandOffDay: time.Weekday(l.HandOffDay), Start: l.StartsAt, End: l.EndsAt}
	if err := json.Unmarshal([]byte(l.Participants), &out.Participants); err != nil {
		return schedule.Layer{}, fmt.Errorf("participants: %w", err)
	}
	var rs []LayerRestriction
	if l.Restrictions != "" {
		if err := json.Unmarshal([]byte(l.Restrictions), &rs); err != nil {
			return schedule.Layer{}, fmt.Errorf("restrictions: %w", err)
		}
	}
	for _, r := range rs {
		from, err := schedule.ParseClock(r.From)
		if err != nil {
			return schedule.Layer{}, err
		}
		to, err := schedule.ParseClock(r.To)
		if err != nil {
			return schedule.Layer{}, err
		}
		sr := schedule.Restriction{From: from, To: to}
		for _, d := range r.Days {
			sr.Days = append(sr.Days, time.Weekday(d))
		}
		out.Restrictions = append(out.Restrictions, sr)
	}
	return out, nil
}

// onCallAt says who is on call on a schedule at t (empty: nobody), reading through db (a
// transaction or the pool).
func onCallAt(db *gorm.DB, scheduleID string, t time.Time) (string, error) {
	var sch Schedule
	if err := db.Where("id = ?", scheduleID).Take(&sch).Error; err != nil {
		return "", err
	}
	s, err := loadSchedule(db, &sch, t, t.Add(time.Nanosecond))
	if err != nil {
		return "", err
	}
	user, _, _ := s.OnCallAt(t)
	return user, nil
}

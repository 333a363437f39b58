package models

import (
	"io"
	"time"
)

// Status pages (issue 11, design §15, docs/statuspages.md): the row types of migration 0016 and
// their enums. The rules live beside them: statuspages.go (pages, viewers, page components),
// statuspage_updates.go (public incidents, updates, templates, auto-publish),
// statuspage_maintenance.go (windows, holding and releasing pages), component_history.go
// (recorded status changes, uptime), statuspage_public.go (the read side of a published page),
// statuspage_subscribers.go (subscribers and their notices).

// StatusPageVisibility says who may read a page.
type StatusPageVisibility string

const (
	PagePublic  StatusPageVisibility = "public"
	PagePrivate StatusPageVisibility = "private"
)

// Valid reports whether v is a known visibility.
func (v StatusPageVisibility) Valid() bool { return v == PagePublic || v == PagePrivate }

// MarshalGQL implements the GraphQL enum encoding.
func (v StatusPageVisibility) MarshalGQL(w io.Writer) { writeEnum(w, v) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (v *StatusPageVisibility) UnmarshalGQL(x any) (err error) {
	*v, err = readEnum(x, StatusPageVisibility.Valid, "status page visibility")
	return err
}

// StatusPage is a published page of an account.
type StatusPage struct {
	ID         string `gorm:"primaryKey"`
	AccountID  string
	Name       string
	Slug       string
	Headline   string
	LogoURL    string
	BrandColor string
	SupportURL string
	CustomHost *string
	Visibility StatusPageVisibility
	// ViewerKey signs the page's viewer cookies (never shown; rotated to revoke them all).
	ViewerKey []byte `json:"-"`
	TimeZone  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// StatusPageComponent is a component shown on a page, in a group, at a position.
type StatusPageComponent struct {
	PageID      string `gorm:"primaryKey"`
	ComponentID string `gorm:"primaryKey"`
	GroupName   string
	Position    int
	DisplayName string
}

// StatusPageViewer is a signed viewer link of a private page (the token is shown once).
type StatusPageViewer struct {
	ID          string `gorm:"primaryKey"`
	PageID      string
	Label       string
	TokenHash   string `json:"-"`
	TokenPrefix string
	CreatedBy   *string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

// StatusKind says which history a component status change belongs to.
type StatusKind string

const (
	// StatusInternal follows the incidents and the override (the console's view).
	StatusInternal StatusKind = "internal"
	// StatusPublished follows what the status page said (the public bars).
	StatusPublished StatusKind = "published"
)

// ComponentStatusChange is one recorded change of a component's status; it holds until the next
// change of the same component and kind.
type ComponentStatusChange struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	ComponentID string
	Kind        StatusKind
	Status      ComponentStatus
	StartedAt   time.Time
}

// PublicIncidentStatus is the stage a public incident is at.
type PublicIncidentStatus string

const (
	PublicInvestigating PublicIncidentStatus = "investigating"
	PublicIdentified    PublicIncidentStatus = "identified"
	PublicMonitoring    PublicIncidentStatus = "monitoring"
	PublicResolved      PublicIncidentStatus = "resolved"
)

// Valid reports whether s is a known public incident status.
func (s PublicIncidentStatus) Valid() bool {
	switch s {
	case PublicInvestigating, PublicIdentified, PublicMonitoring, PublicResolved:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s PublicIncidentStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *PublicIncidentStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, PublicIncidentStatus.Valid, "public incident status")
	return err
}

// Impact is a public incident's impact (Statuspage's values).
type Impact string

const (
	ImpactNone     Impact = "none"
	ImpactMinor    Impact = "minor"
	ImpactMajor    Impact = "major"
	ImpactCritical Impact = "critical"
)

// Valid reports whether i is a known impact.
func (i Impact) Valid() bool {
	switch i {
	case ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (i Impact) MarshalGQL(w io.Writer) { writeEnum(w, i) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (i *Impact) UnmarshalGQL(v any) (err error) {
	*i, err = readEnum(v, Impact.Valid, "impact")
	return err
}

// PublicIncident is what customers read about an internal incident.
type PublicIncident struct {
	ID                    string `gorm:"primaryKey"`
	AccountID             string
	IncidentID            *string
	Title                 string
	Status                PublicIncidentStatus
	Impact                Impact
	Auto                  bool
	Postmortem            string
	PostmortemPublishedAt *time.Time
	CreatedAt             time.Time
	UpdatedAt             time.Time
	ResolvedAt            *time.Time
}

// AffectedComponent is a component named by a public update, with its public status.
type AffectedComponent struct {
	ComponentID string          `json:"component_id"`
	Status      ComponentStatus `json:"status"`
}

// PublicIncidentUpdate is one published update (Components is the JSON of []AffectedComponent).
type PublicIncidentUpdate struct {
	ID                string `gorm:"primaryKey"`
	PublicIncidentID  string
	Status            PublicIncidentStatus
	Message           string
	Components        string
	NotifySubscribers bool
	AuthorID          *string
	AuthorLabel       string
	CreatedAt         time.Time
	EditedAt          *time.Time
}

// PublicIncidentComponent is a component of a public incident with its latest public status.
type PublicIncidentComponent struct {
	PublicIncidentID string `gorm:"primaryKey"`
	ComponentID      string `gorm:"primaryKey"`
	Status           ComponentStatus
}

// UpdateTemplate is a reusable public update.
type UpdateTemplate struct {
	ID        string `gorm:"primaryKey"`
	AccountID string
	Name      string
	Title     string
	Status    PublicIncidentStatus
	Message   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MaintenanceStatus is where a maintenance window stands.
type MaintenanceStatus string

const (
	MaintenanceScheduled  MaintenanceStatus = "scheduled"
	MaintenanceInProgress MaintenanceStatus = "in_progress"
	MaintenanceCompleted  MaintenanceStatus = "completed"
	MaintenanceCancelled  MaintenanceStatus = "cancelled"
)

// Valid reports whether s is a known maintenance status.
func (s MaintenanceStatus) Valid() bool {
	switch s {
	case MaintenanceScheduled, MaintenanceInProgress, MaintenanceCompleted, MaintenanceCancelled:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s MaintenanceStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *MaintenanceStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, MaintenanceStatus.Valid, "maintenance status")
	return err
}

// MaintenanceWindow is scheduled maintenance. While in progress its components are under
// maintenance (published status) and their new incidents page nobody until it ends.
type MaintenanceWindow struct {
	ID                string `gorm:"primaryKey"`
	AccountID         string
	Title             string
	Message           string
	StartsAt          time.Time
	EndsAt            time.Time
	Status            MaintenanceStatus
	NotifySubscribers bool
	CreatedBy         *string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	StartedAt         *time.Time
	CompletedAt       *time.Time
}

// MaintenanceComponent links a window to a component.
type MaintenanceComponent struct {
	WindowID    string `gorm:"primaryKey"`
	ComponentID string `gorm:"primaryKey"`
}

// SubscriberKind is how a subscriber is told.
type SubscriberKind string

const (
	SubscriberEmail   SubscriberKind = "email"
	SubscriberWebhook SubscriberKind = "webhook"
)

// Valid reports whether k is a known subscriber kind.
func (k SubscriberKind) Valid() bool { return k == SubscriberEmail || k == SubscriberWebhook }

// MarshalGQL implements the GraphQL enum encoding.
func (k SubscriberKind) MarshalGQL(w io.Writer) { writeEnum(w, k) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (k *SubscriberKind) UnmarshalGQL(v any) (err error) {
	*k, err = readEnum(v, SubscriberKind.Valid, "subscriber kind")
	return err
}

// Subscriber topics.
const (
	TopicIncidents       = "incidents"
	TopicMaintenance     = "maintenance"
	TopicComponentStatus = "component_status"
)

// StatusSubscriber is a subscriber of a page (ComponentIDs and Topics are JSON arrays).
type StatusSubscriber struct {
	ID             string `gorm:"primaryKey"`
	PageID         string
	Kind           SubscriberKind
	Address        string
	SecretSealed   []byte `json:"-"`
	ComponentIDs   string
	Topics         string
	CreatedAt      time.Time
	ConfirmedAt    *time.Time
	UnsubscribedAt *time.Time
	LastError      string
}

// StatusWebhookDelivery is one notice to a webhook subscriber.
type StatusWebhookDelivery struct {
	ID             string `gorm:"primaryKey"`
	SubscriberID   string
	MessageID      string
	EventType      string
	Payload        string
	Status         string
	Attempts       int
	NextAttemptAt  *time.Time
	LastError      string
	ResponseStatus *int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// SubscriberNotice is something subscribers of the account's pages are told about: a public
// incident update, a maintenance window's creation, start or completion, or a component's
// published status change. The rules that cause them call Store.queueSubscriberNotices in the
// same transaction (statuspage_subscribers.go decides who gets what).
type SubscriberNotice struct {
	AccountID string
	// Topic is TopicIncidents, TopicMaintenance or TopicComponentStatus.
	Topic string
	// Event names what happened: incident.update, maintenance.scheduled, maintenance.started,
	// maintenance.completed, component.status.
	Event string
	// ComponentIDs are the components concerned (a subscriber of some components only is told
	// when one of them is concerned).
	ComponentIDs []string
	// Exactly one of these is set.
	Update      *PublicIncidentUpdate
	Maintenance *MaintenanceWindow
	// Component status change: the component and its new published status.
	ComponentID string
	Status      ComponentStatus
}

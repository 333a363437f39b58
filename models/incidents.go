package models

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Incident is something wrong with a component, from an alarm or opened by a person.
type Incident struct {
	ID             string `gorm:"primaryKey"`
	AccountID      string
	ComponentID    string
	Title          string
	Severity       Severity
	Status         IncidentStatus
	Source         IncidentSource
	SourceKey      *string
	IntegrationID  *string
	Alarm          *string // JSON of the parsed alarm (not the SNS payload)
	OpenedAt       time.Time
	OpenedBy       string
	AcknowledgedAt *time.Time
	AcknowledgedBy *string
	ResolvedAt     *time.Time
	ResolvedBy     *string
	UpdatedAt      time.Time
	// EscalationPolicyID overrides the rule's, integration's and component's policy.
	EscalationPolicyID *string
	AssigneeUserID     *string
	// UnreachedAt is set when a page reached nobody at all.
	UnreachedAt *time.Time
	// RouteID is the routing rule of the integration that sent the alarm here.
	RouteID *string
	// IsTest marks a test alarm's incident: counted apart, paging nobody; its events go only to
	// TestEndpoints (JSON array of endpoint ids).
	IsTest        bool
	TestEndpoints *string
	// DuringMaintenance: opened while a maintenance window covered the component; it pages
	// nobody until the window ends (statuspage_maintenance.go).
	DuringMaintenance bool
	// MaintenanceHeld: a window holds its paging now (released once no window covers its
	// component; docs/statuspages.md "Maintenance and paging").
	MaintenanceHeld bool
}

// testEndpointSet is the set of endpoints a test incident's events may reach (nil for a real
// incident: no restriction).
func (i *Incident) testEndpointSet() map[string]bool {
	if !i.IsTest {
		return nil
	}
	set := map[string]bool{}
	var ids []string
	if i.TestEndpoints != nil {
		_ = json.Unmarshal([]byte(*i.TestEndpoints), &ids)
	}
	for _, id := range ids {
		set[id] = true
	}
	return set
}

func (i *Incident) accountOf() string { return i.AccountID }

// TimelineEntry is one append-only line of an incident's history.
type TimelineEntry struct {
	ID          string `gorm:"primaryKey"`
	IncidentID  string
	Kind        string
	ActorUserID *string
	ActorLabel  string
	Body        string
	CreatedAt   time.Time
}

// TableName names the timeline table.
func (TimelineEntry) TableName() string { return "incident_timeline" }

// Timeline entry kinds.
const (
	TimelineOpened       = "opened"
	TimelineAcknowledged = "acknowledged"
	TimelineResolved     = "resolved"
	TimelineNote         = "note"
	TimelineAlarm        = "alarm"
)

// Event is a lifecycle event: recorded in the transaction of the change that caused it, and
// (with the outbox) delivered to webhook endpoints.
type Event struct {
	ID            string `gorm:"primaryKey"`
	AccountID     string
	EnvironmentID *string
	Name          string
	IncidentID    *string
	FarmID        *string
	ServerID      *string
	Source        string // who fired it: a user, an API token, "system", an integration
	Variables     string // JSON: built-in and user variables (with hidden flags) at event time
	CreatedAt     time.Time
	// IdempotencyKey is fireEvent's key: a repeat within IdempotencyWindow returns this event.
	IdempotencyKey *string
}

// Incident event names.
const (
	EventIncidentOpened       = "IncidentOpened"
	EventIncidentAcknowledged = "IncidentAcknowledged"
	EventIncidentResolved     = "IncidentResolved"
)

// IncidentInput opens an incident by hand (console or API).
type IncidentInput struct {
	ComponentID string
	Title       string
	Severity    Severity
	Description string
	// EscalationPolicyID overrides the component's (and integration's) policy for this incident.
	EscalationPolicyID *string
}

// CreateIncident opens an incident on a component. Members and up.
func (s *Store) CreateIncident(ctx context.Context, a *Actor, in IncidentInput) (*Incident, error) {
	comp, err := s.GetComponent(ctx, a, in.ComponentID)
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, FieldError(ENOTFOUND, "componentId", "component not found")
		}
		return nil, err
	}
	if _, err := s.Require(ctx, a, comp.AccountID, RoleMember); err != nil {
		return nil, err
	}
	title, err := cleanName("title", in.Title, 200)
	if err != nil {
		return nil, err
	}
	if !in.Severity.Valid() {
		return nil, FieldError(EINVALID, "severity", "unknown severity")
	}
	desc := strings.TrimSpace(in.Description)
	if err := noNUL("description", desc); err != nil {
		return nil, err
	}
	if len([]rune(desc)) > 10000 {
		return nil, FieldError(EINVALID, "description", "description must be at most 10000 characters")
	}
	source := SourceManual
	if a.TokenID != "" {
		source = SourceAPI
	}
	if in.EscalationPolicyID != nil {
		var n int64
		if !validID(*in.EscalationPolicyID) {
			return nil, FieldError(ENOTFOUND, "escalationPolicyId", "escalation policy not found")
		}
		if err := s.db.WithContext(ctx).Model(&EscalationPolicy{}).Where("id = ? AND account_id = ?", *in.EscalationPolicyID, comp.AccountID).Count(&n).Error; err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, FieldError(ENOTFOUND, "escalationPolicyId", "escalation policy not found")
		}
	}
	var inc *Incident
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		inc, err = s.openIncident(tx, a, comp, openSpec{title: title, severity: in.Severity, source: source, body: desc, policyID: in.EscalationPolicyID})
		if err != nil {
			return err
		}
		return s.audit(tx, a, comp.AccountID, "incident.opened", "incident", inc.ID, fmt.Sprintf("%s opened incident %q on %q", a.Label(), title, comp.Name))
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

type openSpec struct {
	title         string
	severity      Severity
	source        IncidentSource
	sourceKey     *string
	integrationID *string
	alarm         *string
	body          string
	at            time.Time
	policyID      *string
	// route is the routing rule that sent an alarm here: its policy comes before the
	// integration's.
	route *IntegrationRoute
	// test opens a test incident whose events reach only testEndpoints.
	test          bool
	testEndpoints []string
}

// openIncident writes the incident, its first timeline entry and its IncidentOpened event in tx.
func (s *Store) openIncident(tx *Tx, a *Actor, comp *Component, o openSpec) (*Incident, error) {
	now := s.now()
	if o.at.IsZero() {
		o.at = now
	}
	inc := &Incident{
		ID: newID(), AccountID: comp.AccountID, ComponentID: comp.ID, Title: o.title, Severity: o.severity,
		Status: IncidentTriggered, Source: o.source, SourceKey: o.sourceKey, IntegrationID: o.integrationID,
		Alarm: o.alarm, OpenedAt: o.at, OpenedBy: a.Label(), UpdatedAt: now, EscalationPolicyID: o.policyID,
	}
	if o.route != nil {
		inc.RouteID = &o.route.ID
	}
	if o.test {
		ids := o.testEndpoints
		if ids == nil {
			ids = []string{}
		}
		b, err := json.Marshal(ids)
		if err != nil {
			return nil, err
		}
		js := string(b)
		inc.IsTest, inc.TestEndpoints, inc.Title = true, &js, "[TEST] "+inc.Title
	}
	// A maintenance window covering the component holds the paging (statuspage_maintenance.go).
	held, err := s.holdOpening(tx, inc, now)
	if err != nil {
		return nil, err
	}
	if err := tx.Create(inc).Error; err != nil {
		return nil, err
	}
	// The escalation state is written with the incident (level 1 is due now; nothing is due
	// while a window holds it).
	if err := s.startEscalation(tx, inc, comp); err != nil {
		return nil, err
	}
	if err := s.addTimeline(tx, a, inc.ID, TimelineOpened, o.body); err != nil {
		return nil, err
	}
	if held != nil {
		if err := s.maintenanceTimeline(tx, inc.ID, TimelineMaintenance, holdNotice(held), now); err != nil {
			return nil, err
		}
	}
	if err := s.recordIncidentEvent(tx, a, EventIncidentOpened, inc, comp); err != nil {
		return nil, err
	}
	s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpOpened})
	if !inc.IsTest {
		s.markInternalStatus(tx, inc.AccountID, inc.ComponentID)
	}
	return inc, nil
}

func (s *Store) addTimeline(tx *Tx, a *Actor, incidentID, kind, body string) error {
	return tx.Create(&TimelineEntry{ID: newID(), IncidentID: incidentID, Kind: kind, ActorUserID: a.auditUserID(), ActorLabel: a.Label(), Body: body, CreatedAt: s.now()}).Error
}

// recordIncidentEvent writes an incident event and its deliveries.
// The event's source is who caused it: the person, the API token, or the alarm's integration.
func (s *Store) recordIncidentEvent(tx *Tx, a *Actor, name string, inc *Incident, comp *Component) error {
	_, err := s.recordEvent(tx, eventSpec{name: name, accountID: inc.AccountID, incident: inc, component: comp, onlyEndpoints: inc.testEndpointSet(), source: a.Label()})
	return err
}

func (s *Store) loadIncidentForChange(ctx context.Context, a *Actor, id string) (*Incident, *Component, error) {
	var inc Incident
	if err := s.getScoped(ctx, a, &inc, id, "incident", RoleMember); err != nil {
		return nil, nil, err
	}
	var comp Component
	if err := s.db.WithContext(ctx).Where("id = ?", inc.ComponentID).Take(&comp).Error; err != nil {
		return nil, nil, err
	}
	return &inc, &comp, nil
}

// AcknowledgeIncident marks a triggered incident acknowledged. Members and up.
func (s *Store) AcknowledgeIncident(ctx context.Context, a *Actor, id string) (*Incident, error) {
	inc, comp, err := s.loadIncidentForChange(ctx, a, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		ok, err := s.acknowledgeIncident(tx, a, inc, comp)
		if err == nil && !ok {
			return Errorf(ECONFLICT, "only a triggered incident can be acknowledged")
		}
		if err != nil {
			return err
		}
		return s.auditIncident(tx, a, inc, "acknowledged", "acknowledged")
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// acknowledgeIncident acknowledges inc in tx if it is still triggered; ok is false if it was
// not.
func (s *Store) acknowledgeIncident(tx *Tx, a *Actor, inc *Incident, comp *Component) (bool, error) {
	now := s.now()
	label := a.Label()
	// The status condition makes concurrent acknowledgements and resolutions race safely. An
	// acknowledged incident waits for no maintenance window (stopEscalation).
	res := tx.Model(&Incident{}).Where("id = ? AND status = ?", inc.ID, IncidentTriggered).
		Updates(map[string]any{"status": IncidentAcknowledged, "acknowledged_at": now, "acknowledged_by": label, "updated_at": now, "maintenance_held": false})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	inc.Status, inc.AcknowledgedAt, inc.AcknowledgedBy, inc.UpdatedAt, inc.MaintenanceHeld = IncidentAcknowledged, &now, &label, now, false
	if err := s.stopEscalation(tx, inc.ID, EscalationAcknowledged, nil, true); err != nil {
		return false, err
	}
	if err := s.addTimeline(tx, a, inc.ID, TimelineAcknowledged, ""); err != nil {
		return false, err
	}
	if err := s.recordIncidentEvent(tx, a, EventIncidentAcknowledged, inc, comp); err != nil {
		return false, err
	}
	s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpChanged})
	return true, nil
}

// ResolveIncident resolves an open incident, with an optional note. Members and up.
func (s *Store) ResolveIncident(ctx context.Context, a *Actor, id, note string) (*Incident, error) {
	inc, comp, err := s.loadIncidentForChange(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if note, err = cleanNote(note, false); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		ok, err := s.resolveIncident(tx, a, inc, comp, note)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ECONFLICT, "the incident is already resolved")
		}
		return s.auditIncident(tx, a, inc, "resolved", "resolved")
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// resolveIncident resolves inc in tx if it is still open; ok is false if it was not.
func (s *Store) resolveIncident(tx *Tx, a *Actor, inc *Incident, comp *Component, note string) (bool, error) {
	now := s.now()
	label := a.Label()
	res := tx.Model(&Incident{}).Where("id = ? AND status <> ?", inc.ID, IncidentResolved).
		Updates(map[string]any{"status": IncidentResolved, "resolved_at": now, "resolved_by": label, "updated_at": now, "maintenance_held": false})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	inc.Status, inc.ResolvedAt, inc.ResolvedBy, inc.UpdatedAt, inc.MaintenanceHeld = IncidentResolved, &now, &label, now, false
	if err := s.stopEscalation(tx, inc.ID, EscalationResolved, nil, true); err != nil {
		return false, err
	}
	if err := s.addTimeline(tx, a, inc.ID, TimelineResolved, note); err != nil {
		return false, err
	}
	if err := s.recordIncidentEvent(tx, a, EventIncidentResolved, inc, comp); err != nil {
		return false, err
	}
	s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpResolved})
	if !inc.IsTest {
		s.markInternalStatus(tx, inc.AccountID, inc.ComponentID)
		// An auto-published public incident is resolved with it (statuspage_updates.go).
		if err := s.resolveAutoPublished(tx, inc); err != nil {
			return false, err
		}
	}
	return true, nil
}

// auditIncident records a person's (or token's) action on an incident in the account's
// activity: action is incident.<action>; the summary reads "<actor> <verb> incident "<title>"<tail>".
func (s *Store) auditIncident(tx *Tx, a *Actor, inc *Incident, action, verb string, tail ...string) error {
	return s.audit(tx, a, inc.AccountID, "incident."+action, "incident", inc.ID,
		fmt.Sprintf("%s %s incident %q%s", a.Label(), verb, inc.Title, strings.Join(tail, "")))
}

func cleanNote(note string, required bool) (string, error) {
	note = strings.TrimSpace(note)
	if err := noNUL("body", note); err != nil {
		return "", err
	}
	switch {
	case required && note == "":
		return "", FieldError(EINVALID, "body", "write something")
	case len([]rune(note)) > 10000:
		return "", FieldError(EINVALID, "body", "a note must be at most 10000 characters")
	}
	return note, nil
}

// AddIncidentNote appends a note to the timeline. Members and up; also on resolved incidents
// (post-mortem notes).
func (s *Store) AddIncidentNote(ctx context.Context, a *Actor, id, body string) (*TimelineEntry, error) {
	inc, _, err := s.loadIncidentForChange(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if body, err = cleanNote(body, true); err != nil {
		return nil, err
	}
	e := &TimelineEntry{ID: newID(), IncidentID: inc.ID, Kind: TimelineNote, ActorUserID: a.auditUserID(), ActorLabel: a.Label(), Body: body, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(e).Error; err != nil {
			return err
		}
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("updated_at", e.CreatedAt).Error; err != nil {
			return err
		}
		s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpChanged})
		return s.auditIncident(tx, a, inc, "note_added", "added a note to")
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// GetIncident returns an incident the actor can see.
func (s *Store) GetIncident(ctx context.Context, a *Actor, id string) (*Incident, error) {
	var inc Incident
	if err := s.getScoped(ctx, a, &inc, id, "incident", RoleViewer); err != nil {
		return nil, err
	}
	return &inc, nil
}

// IncidentQuery narrows a list of incidents. Empty fields do not filter.
type IncidentQuery struct {
	Statuses     []IncidentStatus
	Severities   []Severity
	Sources      []IncidentSource
	ComponentID  string
	OpenedAfter  *time.Time
	OpenedBefore *time.Time
	Search       string
	// Tests: nil lists all, false real incidents only, true test incidents only.
	Tests *bool
}

// ListIncidents returns the account's incidents, newest first, with keyset pagination.
func (s *Store) ListIncidents(ctx context.Context, a *Actor, accountID string, f IncidentQuery, first int, after string) (*Page[Incident], error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q := incidentFilter(s.db.WithContext(ctx), accountID, f)
	return keysetPage[Incident](q, "opened_at", first, after, func(i *Incident) (time.Time, string) { return i.OpenedAt, i.ID })
}

// incidentFilter narrows the account's incidents by f.
func incidentFilter(db *gorm.DB, accountID string, f IncidentQuery) *gorm.DB {
	q := db.Where("account_id = ?", accountID)
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if len(f.Severities) > 0 {
		q = q.Where("severity IN ?", f.Severities)
	}
	if len(f.Sources) > 0 {
		q = q.Where("source IN ?", f.Sources)
	}
	if f.ComponentID != "" {
		if !validID(f.ComponentID) {
			return q.Where("1 = 0")
		}
		q = q.Where("component_id = ?", f.ComponentID)
	}
	if f.OpenedAfter != nil {
		q = q.Where("opened_at >= ?", f.OpenedAfter.UTC())
	}
	if f.OpenedBefore != nil {
		q = q.Where("opened_at < ?", f.OpenedBefore.UTC())
	}
	if f.Tests != nil {
		q = q.Where("is_test = ?", *f.Tests)
	}
	if term := strings.TrimSpace(f.Search); term != "" {
		q = q.Where("lower(title) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(term))+"%")
	}
	return q
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// TimelinesByIncident loads the timelines of several incidents (dataloader). Callers pass
// incidents the actor may see.
func (s *Store) TimelinesByIncident(ctx context.Context, ids []string) (map[string][]TimelineEntry, error) {
	var es []TimelineEntry
	if err := s.db.WithContext(ctx).Where("incident_id IN ?", ids).Order("created_at, id").Find(&es).Error; err != nil {
		return nil, err
	}
	out := map[string][]TimelineEntry{}
	for _, e := range es {
		out[e.IncidentID] = append(out[e.IncidentID], e)
	}
	return out, nil
}

// ComponentsByID loads components (dataloader). Callers pass components the actor may see.
func (s *Store) ComponentsByID(ctx context.Context, ids []string) (map[string]*Component, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Component) string { return r.ID })
}

// OpenIncidentCounts counts open incidents per component (dataloader).
func (s *Store) OpenIncidentCounts(ctx context.Context, ids []string) (map[string]int, error) {
	var rows []struct {
		ComponentID string
		N           int
	}
	if err := s.db.WithContext(ctx).Model(&Incident{}).Select("component_id, count(*) AS n").
		Where("component_id IN ? AND status <> ? AND NOT is_test", ids, IncidentResolved).Group("component_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.ComponentID] = r.N
	}
	return out, nil
}

// EventSubjectKind is what an event is about: its most specific subject.
type EventSubjectKind string

const (
	SubjectIncident    EventSubjectKind = "incident"
	SubjectServer      EventSubjectKind = "server"
	SubjectFarm        EventSubjectKind = "farm"
	SubjectEnvironment EventSubjectKind = "environment"
	SubjectAccount     EventSubjectKind = "account"
)

var subjectSQL = map[EventSubjectKind]string{
	SubjectIncident:    "incident_id IS NOT NULL",
	SubjectServer:      "incident_id IS NULL AND server_id IS NOT NULL",
	SubjectFarm:        "incident_id IS NULL AND server_id IS NULL AND farm_id IS NOT NULL",
	SubjectEnvironment: "incident_id IS NULL AND server_id IS NULL AND farm_id IS NULL AND environment_id IS NOT NULL",
	SubjectAccount:     "incident_id IS NULL AND server_id IS NULL AND farm_id IS NULL AND environment_id IS NULL",
}

// Valid reports whether k is a known subject kind.
func (k EventSubjectKind) Valid() bool { _, ok := subjectSQL[k]; return ok }

// MarshalGQL implements the GraphQL enum encoding.
func (k EventSubjectKind) MarshalGQL(w io.Writer) { writeEnum(w, k) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (k *EventSubjectKind) UnmarshalGQL(v any) (err error) {
	*k, err = readEnum(v, EventSubjectKind.Valid, "event subject")
	return err
}

// Subject returns what the event is about (its most specific subject) and that subject's id.
func (e *Event) Subject() (EventSubjectKind, string) {
	switch {
	case e.IncidentID != nil:
		return SubjectIncident, *e.IncidentID
	case e.ServerID != nil:
		return SubjectServer, *e.ServerID
	case e.FarmID != nil:
		return SubjectFarm, *e.FarmID
	case e.EnvironmentID != nil:
		return SubjectEnvironment, *e.EnvironmentID
	}
	return SubjectAccount, e.AccountID
}

// EventQuery narrows the event list.
type EventQuery struct {
	// Names keeps events of these names (exact).
	Names []string
	// Subjects keeps events whose most specific subject is one of these kinds.
	Subjects []EventSubjectKind
	// SubjectID keeps events about this incident, farm (its servers' events too), server or
	// environment.
	SubjectID string
	Since     *time.Time
	Until     *time.Time
}

// ListEvents returns the account's events, newest first, narrowed by f.
func (s *Store) ListEvents(ctx context.Context, a *Actor, accountID string, f EventQuery, first int, after string) (*Page[Event], error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if len(f.Names) > 0 {
		if len(f.Names) > 50 {
			return nil, FieldError(EINVALID, "names", "filter by at most 50 event names")
		}
		for _, n := range f.Names {
			if strings.TrimSpace(n) == "" {
				return nil, FieldError(EINVALID, "names", "an event name is empty")
			}
		}
		q = q.Where("name IN ?", f.Names)
	}
	if len(f.Subjects) > 0 {
		var conds []string
		for _, k := range f.Subjects {
			c, ok := subjectSQL[k]
			if !ok {
				return nil, FieldError(EINVALID, "subjects", "%q is not an event subject", k)
			}
			conds = append(conds, "("+c+")")
		}
		q = q.Where("(" + strings.Join(conds, " OR ") + ")")
	}
	if f.SubjectID != "" {
		if !validID(f.SubjectID) {
			return &Page[Event]{}, nil
		}
		id := f.SubjectID
		q = q.Where("(incident_id = ? OR server_id = ? OR farm_id = ? OR environment_id = ?)", id, id, id, id)
	}
	if f.Since != nil {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if f.Until != nil {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	return keysetPage[Event](q, "created_at", first, after, func(e *Event) (time.Time, string) { return e.CreatedAt, e.ID })
}

// subjectNameColumn is where each kind of subject keeps its name.
var subjectNameColumn = map[EventSubjectKind]struct{ table, col string }{
	SubjectIncident: {"incidents", "title"}, SubjectServer: {"servers", "hostname"}, SubjectFarm: {"farms", "name"},
	SubjectEnvironment: {"environments", "name"}, SubjectAccount: {"accounts", "name"},
}

// SubjectNames loads the names of event subjects (dataloader): keys are "<kind>:<id>" (see
// Event.Subject), values the incident's title, the server's hostname, the farm's, environment's
// or account's name; a deleted subject is missing. Callers pass subjects of events the actor
// may see.
func (s *Store) SubjectNames(ctx context.Context, keys []string) (map[string]string, error) {
	byKind := map[EventSubjectKind][]string{}
	for _, k := range keys {
		kind, id, ok := strings.Cut(k, ":")
		if ok && validID(id) {
			byKind[EventSubjectKind(kind)] = append(byKind[EventSubjectKind(kind)], id)
		}
	}
	out := map[string]string{}
	for kind, ids := range byKind {
		t, ok := subjectNameColumn[kind]
		if !ok {
			continue
		}
		var rows []struct{ ID, Name string }
		if err := s.db.WithContext(ctx).Table(t.table).Select("id, "+t.col+" AS name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[string(kind)+":"+r.ID] = r.Name
		}
	}
	return out, nil
}

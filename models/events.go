package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// EventDefinition is an event name users can subscribe webhooks to.
type EventDefinition struct {
	Name        string
	Description string
	Category    string // server, farm, incident, custom
	Custom      *CustomEvent
}

// BuiltinEvents is the catalog of design §6.1, with a one-line description each.
var BuiltinEvents = []EventDefinition{
	{"BeforeInstanceLaunch", "A server is about to be launched.", "server", nil},
	{"HostInit", "A server has booted and its agent reported in.", "server", nil},
	{"HostInitFailed", "A server failed to initialise.", "server", nil},
	{"InstanceLaunchFailed", "The cloud failed to launch a server.", "server", nil},
	{"IPAddressChanged", "A server's IP address changed.", "server", nil},
	{"EBSVolumeAttached", "An EBS volume was attached to a server.", "server", nil},
	{"EBSVolumeMounted", "An EBS volume was mounted on a server.", "server", nil},
	{"BeforeHostUp", "A server is about to be put into service.", "server", nil},
	{"HostUp", "A server is up and in service.", "server", nil},
	{"BeforeHostTerminate", "A server is about to be terminated.", "server", nil},
	{"HostDown", "A server was terminated or went down.", "server", nil},
	{"RebootComplete", "A server finished rebooting.", "server", nil},
	{"ResumeComplete", "A suspended server was resumed.", "server", nil},
	{"BeforeFarmLaunch", "A farm is about to be launched (approval may be pending).", "farm", nil},
	{"FarmLaunched", "A farm was launched.", "farm", nil},
	{"FarmSuspended", "A farm was suspended.", "farm", nil},
	{"FarmResumed", "A suspended farm was resumed.", "farm", nil},
	{"BeforeFarmTerminate", "A farm is about to be terminated (approval may be pending).", "farm", nil},
	{"FarmTerminated", "A farm was terminated.", "farm", nil},
	{EventIncidentOpened, "An incident was opened on a component.", "incident", nil},
	{EventIncidentAcknowledged, "An incident was acknowledged.", "incident", nil},
	{EventIncidentResolved, "An incident was resolved.", "incident", nil},
	{EventIncidentEscalated, "Nobody acknowledged in time: the incident's next escalation level was paged.", "incident", nil},
	{EventIncidentReassigned, "An incident was handed to a person, who was paged.", "incident", nil},
	{EventIncidentUnacknowledged, "An acknowledged incident was put back to triggered; escalation restarted.", "incident", nil},
	{EventEndpointPaused, "An endpoint kept failing: its deliveries wait while it is probed.", "endpoint", nil},
	{EventEndpointResumed, "A paused or disabled endpoint works again: its waiting deliveries are released.", "endpoint", nil},
	{EventEndpointDisabled, "An endpoint failed for too long and was turned off.", "endpoint", nil},
}

var builtinByLower = func() map[string]EventDefinition {
	m := map[string]EventDefinition{}
	for _, e := range BuiltinEvents {
		m[strings.ToLower(e.Name)] = e
	}
	return m
}()

// CustomEvent is an event defined by users at a scope and fired through the API.
type CustomEvent struct {
	ID            string `gorm:"primaryKey"`
	Scope         Scope
	AccountID     *string
	EnvironmentID *string
	ScopeID       string
	Name          string
	Description   string
	CreatedAt     time.Time
}

var customEventRe = regexp.MustCompile(`^[A-Za-z0-9]{1,25}$`)

// CustomEventInput defines a custom event.
type CustomEventInput struct {
	Scope       ScopeKey
	Name        string
	Description string
}

// CreateCustomEvent defines a custom event: `^[A-Za-z0-9]+$`, at most 25 characters, not a
// built-in name, unique case-insensitively among those visible at the scope.
func (s *Store) CreateCustomEvent(ctx context.Context, a *Actor, in CustomEventInput) (*CustomEvent, error) {
	if in.Scope.Scope != ScopeSystem && in.Scope.Scope != ScopeAccount && in.Scope.Scope != ScopeEnvironment {
		return nil, FieldError(EINVALID, "scope", "custom events live at system, account or environment scope")
	}
	ref, err := s.resolveScope(ctx, a, in.Scope, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !customEventRe.MatchString(in.Name) {
		return nil, FieldError(EINVALID, "name", "an event name has only letters and digits, at most 25")
	}
	if _, ok := builtinByLower[strings.ToLower(in.Name)]; ok {
		return nil, FieldError(ECONFLICT, "name", "%s is a built-in event", in.Name)
	}
	desc := strings.TrimSpace(in.Description)
	if err := noNUL("description", desc); err != nil {
		return nil, err
	}
	if len([]rune(desc)) > 500 {
		return nil, FieldError(EINVALID, "description", "description must be at most 500 characters")
	}
	// Unique among every definition that could be visible together: the same name at a parent
	// or child scope would make "which one fired?" ambiguous.
	existing, err := s.visibleCustomEvents(ctx, ref)
	if err != nil {
		return nil, err
	}
	for _, e := range existing {
		if strings.EqualFold(e.Name, in.Name) {
			return nil, FieldError(ECONFLICT, "name", "an event named %s already exists at the %s scope", e.Name, e.Scope)
		}
	}
	ev := &CustomEvent{ID: newID(), Scope: ref.Scope, AccountID: nullable(ref.AccountID), EnvironmentID: nullable(ref.EnvironmentID),
		ScopeID: ref.scopeKey(), Name: in.Name, Description: desc, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(ev).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "an event named %s already exists", in.Name)
			}
			return err
		}
		if ref.AccountID == "" {
			return nil
		}
		return s.audit(tx, a, ref.AccountID, "custom_event.created", "custom_event", ev.ID, fmt.Sprintf("%s defined custom event %s", a.Label(), in.Name))
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// DeleteCustomEvent removes a custom event definition.
func (s *Store) DeleteCustomEvent(ctx context.Context, a *Actor, id string) error {
	if !validID(id) {
		return notFound("custom event")
	}
	var ev CustomEvent
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&ev).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("custom event")
		}
		return err
	}
	if _, err := s.resolveScope(ctx, a, ScopeKey{Scope: ev.Scope, ID: ev.ScopeID}, RoleAdmin); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return notFound("custom event")
		}
		return err
	}
	return s.db.WithContext(ctx).Where("id = ?", ev.ID).Delete(&CustomEvent{}).Error
}

// visibleCustomEvents returns custom events defined at ref's scope, its ancestors, and (for an
// account) its environments.
func (s *Store) visibleCustomEvents(ctx context.Context, ref *ScopeRef) ([]CustomEvent, error) {
	q := s.db.WithContext(ctx).Where("scope = ?", ScopeSystem)
	if ref.AccountID != "" {
		q = q.Or("scope = ? AND account_id = ?", ScopeAccount, ref.AccountID)
		if ref.Scope == ScopeAccount || ref.Scope == ScopeSystem {
			q = q.Or("scope = ? AND account_id = ?", ScopeEnvironment, ref.AccountID)
		} else {
			q = q.Or("scope = ? AND environment_id = ?", ScopeEnvironment, ref.EnvironmentID)
		}
	} else {
		q = s.db.WithContext(ctx) // system scope: every custom event
	}
	var out []CustomEvent
	err := q.Order("lower(name)").Find(&out).Error
	return out, err
}

// EventCatalog lists the built-in events and the custom events visible in an account (or one
// environment of it).
func (s *Store) EventCatalog(ctx context.Context, a *Actor, accountID, environmentID string) ([]EventDefinition, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	ref := &ScopeRef{Scope: ScopeAccount, ID: accountID, AccountID: accountID}
	if environmentID != "" {
		env, err := s.GetEnvironment(ctx, a, environmentID)
		if err != nil || env.AccountID != accountID {
			return nil, FieldError(ENOTFOUND, "environmentId", "environment not found")
		}
		ref = &ScopeRef{Scope: ScopeEnvironment, ID: environmentID, AccountID: accountID, EnvironmentID: environmentID}
	}
	customs, err := s.visibleCustomEvents(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := append([]EventDefinition(nil), BuiltinEvents...)
	for i := range customs {
		c := customs[i]
		out = append(out, EventDefinition{Name: c.Name, Description: c.Description, Category: "custom", Custom: &c})
	}
	return out, nil
}

// FireEventRequest fires an event about a farm or a server.
type FireEventRequest struct {
	Name       string
	FarmID     string
	ServerID   string
	Parameters map[string]string
	// IdempotencyKey, optional: a repeat with the same key within IdempotencyWindow returns
	// the first event and records nothing.
	IdempotencyKey string
}

// IdempotencyWindow is how long fireEvent remembers an idempotency key.
const IdempotencyWindow = 24 * time.Hour

// maxIdempotencyKey bounds a key's length.
const maxIdempotencyKey = 255

var paramNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)

// FireEvent records an event (built-in server/farm events, or a custom one) about a farm or a
// server and queues its deliveries. Members and up: provisioning systems call this.
// Parameters become SCALR_<UPPER_SNAKE> variables.
func (s *Store) FireEvent(ctx context.Context, a *Actor, in FireEventRequest) (*Event, error) {
	if in.ServerID == "" && in.FarmID == "" {
		return nil, FieldError(EINVALID, "farmId", "name a farm or a server")
	}
	t, err := s.lookupFireTarget(ctx, a, in.ServerID, in.FarmID)
	if err != nil {
		return nil, err
	}
	farm := t.Farm
	var server *Server
	if in.ServerID != "" {
		server = &t.Server
		if in.FarmID != "" && in.FarmID != farm.ID {
			return nil, FieldError(EINVALID, "farmId", "the server is not in this farm")
		}
	}
	key := in.IdempotencyKey
	if len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, FieldError(EINVALID, "idempotencyKey", "at most %d characters, no control characters", maxIdempotencyKey)
	}
	if key != "" {
		if ev, err := s.eventByKey(ctx, farm.AccountID, key, in, &farm, server); ev != nil || err != nil {
			return ev, err
		}
	}
	// Back-pressure, once the caller is known to be allowed to fire here (the backlog's state is not
	// told to others) and before the event's own work. A repeat of an accepted key was
	// answered above.
	if err := s.backlogFull(ctx); err != nil {
		return nil, err
	}
	def, ok := builtinByLower[strings.ToLower(in.Name)]
	if ok && def.Category == "incident" {
		return nil, FieldError(EINVALID, "name", "incident events are fired by incidents, not through fireEvent")
	}
	if ok && def.Category == "endpoint" {
		return nil, FieldError(EINVALID, "name", "endpoint health events are fired by the endpoints' health, not through fireEvent")
	}
	if ok && def.Category == "server" && server == nil {
		return nil, FieldError(EINVALID, "serverId", "%s is a server event: name the server", def.Name)
	}
	name := def.Name
	if !ok {
		ref := &ScopeRef{Scope: ScopeEnvironment, ID: farm.EnvironmentID, AccountID: farm.AccountID, EnvironmentID: farm.EnvironmentID}
		customs, err := s.visibleCustomEvents(ctx, ref)
		if err != nil {
			return nil, err
		}
		for _, c := range customs {
			if strings.EqualFold(c.Name, in.Name) {
				name = c.Name
			}
		}
		if name == "" {
			return nil, FieldError(ENOTFOUND, "name", "no event named %q: define it as a custom event first", in.Name)
		}
	}
	params := map[string]string{}
	for k, v := range in.Parameters {
		if !paramNameRe.MatchString(k) {
			return nil, FieldError(EINVALID, "parameters", "parameter name %q: letters, digits and _, starting with a letter", k)
		}
		if strings.ContainsRune(v, 0) {
			return nil, FieldError(EINVALID, "parameters", "parameter %s must not contain NUL characters", k)
		}
		if len(v) > 4096 {
			return nil, FieldError(EINVALID, "parameters", "parameter %s is longer than 4096 bytes", k)
		}
		params["SCALR_"+upperSnake(k)] = v
	}
	var ev *Event
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if key != "" {
			// A key last used before the window is free again: clear it from its old event.
			if err := tx.Model(&Event{}).Where("account_id = ? AND idempotency_key = ? AND created_at < ?", farm.AccountID, key, s.now().Add(-IdempotencyWindow)).
				Update("idempotency_key", nil).Error; err != nil {
				return err
			}
		}
		var err error
		ev, err = s.recordEvent(tx, eventSpec{name: name, farm: &farm, server: server, extra: params, source: a.Label(), gated: true, idempotencyKey: key,
			names: &scopeNames{account: t.AccountName, environment: t.EnvName, farmRole: &t.FarmRole}})
		return err
	})
	if key != "" && isUniqueViolation(err) {
		// The same key fired concurrently: the other request's event is the answer.
		if ev, kerr := s.eventByKey(ctx, farm.AccountID, key, in, &farm, server); ev != nil || kerr != nil {
			return ev, kerr
		}
	}
	return ev, err
}

// eventByKey returns the account's event recorded with an idempotency key within the window,
// or nil. A key reused for another event (name, farm or server) is a conflict.
func (s *Store) eventByKey(ctx context.Context, accountID, key string, in FireEventRequest, farm *Farm, server *Server) (*Event, error) {
	var ev Event
	err := s.db.WithContext(ctx).Where("account_id = ? AND idempotency_key = ? AND created_at >= ?", accountID, key, s.now().Add(-IdempotencyWindow)).
		Take(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	serverID := ""
	if server != nil {
		serverID = server.ID
	}
	if !strings.EqualFold(ev.Name, in.Name) || deref(ev.FarmID) != farm.ID || deref(ev.ServerID) != serverID {
		return nil, FieldError(ECONFLICT, "idempotencyKey", "this idempotency key was used for another event (%s) within the last 24 hours", ev.Name)
	}
	return &ev, nil
}

// upperSnake turns "diskSize" or "disk-size" into DISK_SIZE.
func upperSnake(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case r == '-' || r == ' ' || r == '_':
			b.WriteByte('_')
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	return b.String()
}

// eventVariables is what an event row stores: the built-ins and the resolved user variables
// with their hidden flags and scopes, so each webhook can apply its own skip-private setting
// and never gets hidden variables of a wider scope than its own.
type eventVariables struct {
	Builtin map[string]string `json:"builtin"`
	User    []eventVariable   `json:"user"`
}

// stored returns what the event row keeps: everything but hidden variables of a scope above the
// account (system secrets). The row belongs to the account and its members read it; payloads of
// system webhooks are built from the full set in the transaction that records the event, and
// deliveries keep their bytes, so nothing needs those values later.
func (v *eventVariables) stored() *eventVariables {
	out := &eventVariables{Builtin: v.Builtin, User: make([]eventVariable, 0, len(v.User))}
	for _, u := range v.User {
		if u.readableBy(ScopeAccount) {
			out.User = append(out.User, u)
		}
	}
	return out
}

// EventVariables decodes an event's variables (all of them, hidden included: for building
// payloads, never for display).
func (e *Event) decodeVariables() (*eventVariables, error) {
	var v eventVariables
	if err := json.Unmarshal([]byte(e.Variables), &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// VisibleVariables returns the event's variables for display: built-ins and user variables,
// hidden user values masked, hidden variables of a scope above the account (rows stored before
// those were left out) not listed at all.
func (e *Event) VisibleVariables() map[string]string {
	v, err := e.decodeVariables()
	if err != nil {
		return map[string]string{}
	}
	out := map[string]string{}
	for _, u := range v.User {
		if !u.readableBy(ScopeAccount) {
			continue
		}
		if u.Hidden {
			out[u.Name] = "******"
		} else {
			out[u.Name] = u.Value
		}
	}
	for k, val := range v.Builtin {
		out[k] = val
	}
	return out
}

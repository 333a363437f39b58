package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// Enqueuer puts deliveries on the queue after their transaction commits. It is declared here,
// where it is used, and implemented by the jobs package on Asynq. Failures are not returned:
// the sweeper re-enqueues anything due that is not on the queue.
type Enqueuer interface {
	EnqueueDeliveries(ctx context.Context, ds []DeliveryRef)
}

// DeliveryRef is what the queue needs to run a delivery.
type DeliveryRef struct {
	ID    string
	RunAt time.Time
	// Batch: the dispatcher claims it (a webhook delivery to an endpoint that is neither paused
	// nor rate limited); the queue only wakes the dispatcher instead of carrying a task for it.
	Batch bool
}

// SetEnqueuer wires the queue (nil: deliveries wait for the sweeper).
func (s *Store) SetEnqueuer(e Enqueuer) { s.enqueuer = e }

// Delivery kinds.
const (
	DeliveryKindWebhook  = "webhook"
	DeliveryKindApproval = "approval"
)

// DeliveryStatus is where a delivery is.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryRetrying  DeliveryStatus = "retrying"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryFailed    DeliveryStatus = "failed"
)

// Valid reports whether s is a known status.
func (s DeliveryStatus) Valid() bool {
	return s == DeliveryPending || s == DeliveryRetrying || s == DeliverySucceeded || s == DeliveryFailed
}

// Delivery is one event sent by one webhook to one endpoint: the outbox row.
type Delivery struct {
	ID             string `gorm:"primaryKey"`
	Kind           string // webhook or approval
	AccountID      *string
	EventID        string
	EventName      string
	WebhookID      *string
	EndpointID     *string
	Payload        []byte
	Status         DeliveryStatus
	Attempts       int
	MaxAttempts    int
	TimeoutSeconds int
	NextAttemptAt  *time.Time
	// LeaseUntil: an attempt is in flight until then (a worker that died holds it no longer).
	LeaseUntil     *time.Time
	LastStatusCode *int
	LastError      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CompletedAt    *time.Time
	// batchable: written for the dispatcher to claim (see DeliveryRef.Batch); not stored.
	batchable bool `gorm:"-"`
}

// eventSpec describes an event to record.
type eventSpec struct {
	name      string
	accountID string
	envID     string
	farm      *Farm
	server    *Server
	incident  *Incident
	component *Component
	extra     map[string]string
	source    string
	// skipEndpoint is an endpoint the event is not delivered to (the one a health event is
	// about).
	skipEndpoint string
	// onlyEndpoints, when not nil, are the only endpoints the event is delivered to (a test
	// incident's ticked endpoints).
	onlyEndpoints map[string]bool
	// gated: the event is refused when its deliveries would pass the backlog limit (fireEvent).
	gated bool
	// idempotencyKey is stored with the event (fireEvent's optional key).
	idempotencyKey string
	// names, when not nil, are the account's and environment's names and the server's farm
	// role, already read by the caller (fireEvent's one lookup): the built-in variables do not
	// read them again.
	names *scopeNames
}

// scopeNames: see eventSpec.names.
type scopeNames struct {
	account, environment string
	farmRole             *FarmRole
}

// deliversTo reports whether the event may be delivered to an endpoint.
func (spec *eventSpec) deliversTo(endpointID string) bool {
	if endpointID == spec.skipEndpoint {
		return false
	}
	return spec.onlyEndpoints == nil || spec.onlyEndpoints[endpointID]
}

// recordEvent writes the event and its deliveries in tx, and enqueues them after commit.
func (s *Store) recordEvent(tx *Tx, spec eventSpec) (*Event, error) {
	if spec.farm != nil {
		spec.accountID, spec.envID = spec.farm.AccountID, spec.farm.EnvironmentID
	}
	now := s.now()
	ev := &Event{ID: newID(), AccountID: spec.accountID, EnvironmentID: nullable(spec.envID), Name: spec.name, CreatedAt: now, Source: spec.source}
	if ev.Source == "" {
		ev.Source = "system"
	}
	if spec.farm != nil {
		ev.FarmID = &spec.farm.ID
	}
	if spec.server != nil {
		ev.ServerID = &spec.server.ID
	}
	if spec.incident != nil {
		ev.IncidentID = &spec.incident.ID
	}
	builtins, err := s.builtinVariables(tx, ev, spec)
	if err != nil {
		return nil, err
	}
	chain := []scopeLink{{ScopeSystem, ""}, {ScopeAccount, spec.accountID}}
	if spec.envID != "" {
		chain = append(chain, scopeLink{ScopeEnvironment, spec.envID})
	}
	if spec.farm != nil {
		chain = append(chain, scopeLink{ScopeFarm, spec.farm.ID})
	}
	if spec.server != nil {
		chain = append(chain, scopeLink{ScopeFarmRole, spec.server.FarmRoleID}, scopeLink{ScopeServer, spec.server.ID})
	}
	user, err := memoized(tx.reads, "variables:"+chainCondition(chain), func() ([]eventVariable, error) {
		return resolveUserVariables(tx.DB, chain)
	})
	if err != nil {
		return nil, err
	}
	vars := eventVariables{Builtin: builtins, User: user}
	raw, err := json.Marshal(vars.stored())
	if err != nil {
		return nil, err
	}
	ev.Variables = string(raw)
	if spec.idempotencyKey != "" {
		ev.IdempotencyKey = &spec.idempotencyKey
	}
	if err := tx.Create(ev).Error; err != nil {
		return nil, err
	}
	ds, err := s.buildDeliveries(tx, ev, &vars, &spec)
	if err != nil {
		return nil, err
	}
	if spec.gated {
		if err := s.reserveBacklog(tx, len(ds)); err != nil {
			return nil, err
		}
	} else {
		s.noteBacklog(tx, len(ds))
	}
	if len(ds) > 0 {
		if err := tx.CreateInBatches(ds, 100).Error; err != nil {
			return nil, err
		}
		refs := make([]DeliveryRef, len(ds))
		for i, d := range ds {
			refs[i] = DeliveryRef{ID: d.ID, RunAt: now, Batch: d.batchable}
		}
		ctx := tx.Statement.Context
		tx.AfterCommit(func() {
			if s.enqueuer != nil {
				s.enqueuer.EnqueueDeliveries(context.WithoutCancel(ctx), refs)
			}
		})
	}
	s.hint(tx, HintEvent, ev.ID, ev.AccountID)
	return ev, nil
}

func (s *Store) builtinVariables(tx *Tx, ev *Event, spec eventSpec) (map[string]string, error) {
	scalrID, err := s.installationID(tx)
	if err != nil {
		return nil, err
	}
	b := map[string]string{
		"SCALR_ID":         scalrID,
		"SCALR_EVENT_NAME": ev.Name,
		"SCALR_EVENT_ID":   ev.ID,
		"SCALR_ACCOUNT_ID": spec.accountID,
	}
	names := spec.names
	if names == nil {
		names = &scopeNames{}
		var err error
		names.account, err = memoized(tx.reads, "account-name:"+spec.accountID, func() (string, error) {
			var acc Account
			err := tx.Select("name").Where("id = ?", spec.accountID).Take(&acc).Error
			return acc.Name, err
		})
		if err != nil {
			return nil, err
		}
		if spec.envID != "" {
			names.environment, err = memoized(tx.reads, "environment-name:"+spec.envID, func() (string, error) {
				var env Environment
				err := tx.Select("name").Where("id = ?", spec.envID).Take(&env).Error
				return env.Name, err
			})
			if err != nil {
				return nil, err
			}
		}
	}
	b["SCALR_ACCOUNT_NAME"] = names.account
	if spec.envID != "" {
		b["SCALR_ENV_ID"], b["SCALR_ENV_NAME"], b["SCALR_EVENT_ENV_ID"] = spec.envID, names.environment, spec.envID
	}
	if f := spec.farm; f != nil {
		for _, kv := range [][2]string{
			{"FARM_ID", f.ID}, {"FARM_NAME", f.Name}, {"FARM_OWNER_EMAIL", f.OwnerEmail}, {"FARM_HASH", f.Hash},
			{"LAUNCHED_BY_EMAIL", f.LaunchedByEmail}, {"PROJECT_ID", f.ProjectID}, {"COST_CENTER_ID", f.CostCenterID},
		} {
			// The farm the event is about is also the event's farm, as Scalr names it.
			b["SCALR_"+kv[0]], b["SCALR_EVENT_"+kv[0]] = kv[1], kv[1]
		}
		b["SCALR_FARM_STATUS"] = string(f.Status)
		b["SCALR_FARM_TEAM"] = f.Team
		b["SCALR_PROJECT_NAME"], b["SCALR_PROJECT_BC"] = f.ProjectName, f.ProjectBillingCode
		b["SCALR_COST_CENTER_NAME"], b["SCALR_COST_CENTER_BC"] = f.CostCenterName, f.CostCenterBillingCode
	}
	if sv := spec.server; sv != nil {
		var fr FarmRole
		if names.farmRole != nil {
			fr = *names.farmRole
		} else if err := tx.Where("id = ?", sv.FarmRoleID).Take(&fr).Error; err != nil {
			return nil, err
		}
		idx := strconv.Itoa(sv.InstanceIndex)
		image := sv.ImageID
		if image == "" {
			image = fr.ImageID
		}
		behaviors := strings.Join(fr.Behaviors(), ",")
		for prefix, vals := range map[string][][2]string{
			"SCALR_": {
				{"SERVER_ID", sv.ID}, {"SERVER_HOSTNAME", sv.Hostname}, {"SERVER_TYPE", sv.ServerType},
				{"CLOUD_LOCATION", sv.CloudLocation}, {"CLOUD_LOCATION_ZONE", sv.CloudZone}, {"CLOUD_SERVER_ID", sv.CloudServerID},
				{"EXTERNAL_IP", sv.PublicIP}, {"INTERNAL_IP", sv.PrivateIP}, {"INSTANCE_INDEX", idx}, {"SERVER_STATUS", sv.Status},
				{"FARM_ROLE_ID", fr.ID}, {"FARM_ROLE_ALIAS", fr.Alias}, {"ROLE_NAME", fr.RoleName}, {"OS", fr.OS},
				{"IMAGE_ID", image}, {"BEHAVIORS", behaviors},
			},
			// The server that triggered the event, as Scalr names it.
			"SCALR_EVENT_": {
				{"SERVER_ID", sv.ID}, {"SERVER_HOSTNAME", sv.Hostname}, {"SERVER_TYPE", sv.ServerType}, {"CLOUD_SERVER_ID", sv.CloudServerID},
				{"EXTERNAL_IP", sv.PublicIP}, {"INTERNAL_IP", sv.PrivateIP}, {"CLOUD_LOCATION", sv.CloudLocation},
				{"CLOUD_LOCATION_ZONE", sv.CloudZone}, {"INSTANCE_INDEX", idx}, {"FARM_ROLE_ID", fr.ID}, {"FARM_ROLE_ALIAS", fr.Alias},
				{"ROLE_NAME", fr.RoleName}, {"IMAGE_ID", image}, {"BEHAVIORS", behaviors},
			},
		} {
			for _, kv := range vals {
				b[prefix+kv[0]] = kv[1]
			}
		}
	}
	if inc := spec.incident; inc != nil {
		b["SCALR_INCIDENT_ID"] = inc.ID
		b["SCALR_INCIDENT_TITLE"] = inc.Title
		b["SCALR_INCIDENT_SEVERITY"] = string(inc.Severity)
		b["SCALR_INCIDENT_STATUS"] = string(inc.Status)
		b["SCALR_INCIDENT_SOURCE"] = string(inc.Source)
		b["SCALR_INCIDENT_OPENED_AT"] = inc.OpenedAt.UTC().Format(time.RFC3339)
		if spec.component != nil {
			b["SCALR_INCIDENT_COMPONENT_ID"], b["SCALR_INCIDENT_COMPONENT_NAME"] = spec.component.ID, spec.component.Name
		}
		if inc.SourceKey != nil && inc.Source == SourceCloudWatch {
			b["SCALR_INCIDENT_ALARM_ARN"] = *inc.SourceKey
		}
		if u := s.links.Incident(inc.AccountID, inc.ID); u != "" {
			b["SCALR_INCIDENT_URL"] = u
		}
	}
	for k, v := range spec.extra {
		if _, builtin := b[k]; !builtin {
			b[k] = v
		}
	}
	return b, nil
}

// installationID returns this installation's id (SCALR_ID), making it the first time. It is
// read and, if need be, set in tx on the row first-run setup wrote; it is cached only once tx
// has committed, so a rolled-back first event cannot leave the process with an id the database
// does not have. Concurrent first events agree: only an empty id is replaced, and the id is
// read back after.
func (s *Store) installationID(tx *Tx) (string, error) {
	if id := s.scalrID.Load(); id != nil {
		return *id, nil
	}
	read := func() (string, error) {
		var ids []string
		err := tx.Raw("SELECT scalr_id FROM installation WHERE id = 1").Scan(&ids).Error
		if err != nil || len(ids) == 0 {
			return "", err
		}
		return ids[0], nil
	}
	id, err := read()
	if err != nil {
		return "", err
	}
	if id == "" {
		if err := tx.Exec("UPDATE installation SET scalr_id = ? WHERE id = 1 AND scalr_id = ''", randomHex(4)).Error; err != nil {
			return "", err
		}
		if id, err = read(); err != nil {
			return "", err
		}
	}
	if id != "" {
		tx.AfterCommit(func() { s.scalrID.Store(&id) })
	}
	return id, nil
}

// InstallationID returns this installation's id (SCALR_ID), making it the first time.
func (s *Store) InstallationID(ctx context.Context) (string, error) {
	var id string
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		id, err = s.installationID(tx)
		return err
	})
	return id, err
}

// buildDeliveries finds the webhooks an event matches (design §6.2) and builds one delivery
// per (webhook, usable endpoint) with its frozen payload.
func (s *Store) buildDeliveries(tx *Tx, ev *Event, vars *eventVariables, spec *eventSpec) ([]*Delivery, error) {
	// The webhooks in the event's scopes with their active endpoints, in one statement (a
	// webhook without an active endpoint makes no delivery).
	where, args := "w.scope = ?", []any{ScopeSystem}
	if ev.AccountID != "" {
		where, args = where+" OR (w.scope = ? AND w.account_id = ?)", append(args, ScopeAccount, ev.AccountID)
	}
	if ev.EnvironmentID != nil {
		where, args = where+" OR (w.scope = ? AND w.environment_id = ?)", append(args, ScopeEnvironment, *ev.EnvironmentID)
	}
	key := "webhooks:" + ev.AccountID + "/"
	if ev.EnvironmentID != nil {
		key += *ev.EnvironmentID
	}
	joined, err := memoized(tx.reads, key, func() ([]webhookEndpoint, error) {
		var rows []webhookEndpoint
		err := tx.Raw(webhookEndpointsSQL()+" WHERE w.active AND ("+where+") ORDER BY w.id, e.id", args...).Scan(&rows).Error
		return rows, err
	})
	if err != nil {
		return nil, err
	}
	matches := map[string]bool{} // by webhook id
	now := s.now()
	var out []*Delivery
	for i := range joined {
		r := &joined[i]
		h := &r.Webhook
		m, seen := matches[h.ID]
		if !seen {
			m = h.Matches(ev.Name, ev.FarmID)
			matches[h.ID] = m
		}
		if !m || !r.Endpoint.UsableBy(h) || !spec.deliversTo(r.Endpoint.ID) {
			continue
		}
		body, err := s.payloadFor(ev, h, &r.Endpoint, vars)
		if errors.Is(err, scalr.ErrNotIncidentEvent) {
			continue // a Slack endpoint only gets incident events
		}
		if err != nil {
			return nil, fmt.Errorf("build payload for webhook %s: %w", h.ID, err)
		}
		hid, eid := h.ID, r.Endpoint.ID
		// A system webhook's deliveries belong to the installation, not to the account the
		// event happened in: they carry the system endpoint's URL and system variables.
		owner := nullable(ev.AccountID)
		if h.Scope == ScopeSystem {
			owner = nil
		}
		out = append(out, &Delivery{
			ID: newID(), Kind: DeliveryKindWebhook, AccountID: owner, EventID: ev.ID, EventName: ev.Name, WebhookID: &hid, EndpointID: &eid,
			Payload: body, Status: DeliveryPending, MaxAttempts: h.MaxAttempts, TimeoutSeconds: h.TimeoutSeconds,
			NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now,
			batchable: r.Endpoint.PausedAt == nil && r.Endpoint.RateLimit == nil && h.MaxAttempts > 0,
		})
	}
	return out, nil
}

// webhookEndpoint is a webhook with one of its active endpoints (webhookEndpointsSQL).
type webhookEndpoint struct {
	Webhook  Webhook  `gorm:"embedded;embeddedPrefix:w__"`
	Endpoint Endpoint `gorm:"embedded;embeddedPrefix:e__"`
}

// webhookEndpointsSQL selects webhooks joined to their active endpoints (buildDeliveries).
var webhookEndpointsSQL = sync.OnceValue(func() string {
	return `SELECT ` + prefixedColumns(&Webhook{}, "w") + `, ` + prefixedColumns(&Endpoint{}, "e") + `
		FROM webhooks w JOIN webhook_endpoints we ON we.webhook_id = w.id JOIN endpoints e ON e.id = we.endpoint_id AND e.active`
})

// payloadFor builds the frozen body of one delivery: the Scalr payload (design §6.3) or, for
// Slack endpoints, a Slack message.
func (s *Store) payloadFor(ev *Event, h *Webhook, ep *Endpoint, vars *eventVariables) ([]byte, error) {
	// Hidden variables of a scope above the webhook's own are not the webhook owner's to read:
	// they reach neither data nor user data (nor a Slack message).
	data, all := scalr.ResolveVariables(vars.Builtin, vars.userVariablesFor(h.Scope), h.SkipPrivateVars)
	if ep.Format == FormatSlack {
		return scalr.SlackMessage(ev.Name, all)
	}
	return scalr.Payload{
		EventName: ev.Name, EventID: ev.ID, Timestamp: ev.CreatedAt, ConfigurationID: h.ID,
		Data: data, UserData: scalr.Interpolate(h.UserData, all), EndpointID: ep.ID,
	}.Encode()
}

package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/retry"
)

// Webhook sends chosen events to endpoints.
type Webhook struct {
	ID             string `gorm:"primaryKey"`
	Scope          Scope
	AccountID      *string
	EnvironmentID  *string
	ScopeID        string
	Name           string
	Events         string // JSON array of event names
	FarmIDs        string `gorm:"column:farm_ids"` // JSON array; empty = every farm in scope
	TimeoutSeconds int
	MaxAttempts    int
	// RetrySchedule is the waits between attempts in seconds, a JSON array (the last repeats);
	// nil is retry.Default.
	RetrySchedule   *string
	SkipPrivateVars bool
	UserData        string
	Active          bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// EventNames decodes the webhook's events.
func (h *Webhook) EventNames() []string {
	var out []string
	_ = json.Unmarshal([]byte(h.Events), &out)
	return out
}

// FarmFilter decodes the webhook's farm filter.
func (h *Webhook) FarmFilter() []string {
	var out []string
	_ = json.Unmarshal([]byte(h.FarmIDs), &out)
	return out
}

// Matches reports whether the webhook wants an event of this name about this farm (scope and
// activity are checked by the query that found it).
func (h *Webhook) Matches(name string, farmID *string) bool {
	if !slices.Contains(h.EventNames(), name) {
		return false
	}
	farms := h.FarmFilter()
	if len(farms) == 0 {
		return true
	}
	return farmID != nil && slices.Contains(farms, *farmID)
}

// RetryWaits returns the webhook's waits between attempts in seconds; nil is the default.
func (h *Webhook) RetryWaits() []int {
	if h == nil || h.RetrySchedule == nil {
		return nil
	}
	var out []int
	_ = json.Unmarshal([]byte(*h.RetrySchedule), &out)
	return out
}

// RetryPlan returns when each attempt is planned, in seconds after the event (nominal).
func (h *Webhook) RetryPlan() []int {
	plan := retry.Plan(h.Schedule(), h.MaxAttempts)
	out := make([]int, len(plan))
	for i, d := range plan {
		out[i] = int(d / time.Second)
	}
	return out
}

// Schedule returns the webhook's retry schedule; nil means retry.Default.
func (h *Webhook) Schedule() []time.Duration { return retry.FromSeconds(h.RetryWaits()) }

// Webhook limits.
const (
	DefaultWebhookTimeout  = 3
	DefaultWebhookAttempts = retry.DefaultAttempts
)

// WebhookInput creates or changes a webhook; nil fields stay unchanged.
type WebhookInput struct {
	Scope          ScopeKey
	Name           *string
	EndpointIDs    []string
	SetEndpoints   bool
	Events         []string
	SetEvents      bool
	FarmIDs        []string
	SetFarms       bool
	TimeoutSeconds *int
	MaxAttempts    *int
	// RetrySchedule replaces the waits between attempts (seconds) when SetRetrySchedule; an
	// empty list restores the default schedule.
	RetrySchedule    []int
	SetRetrySchedule bool
	SkipPrivateVars  *bool
	UserData         *string
	Active           *bool
}

// ListWebhooks returns the webhooks defined at one scope.
func (s *Store) ListWebhooks(ctx context.Context, a *Actor, scope ScopeKey) ([]Webhook, error) {
	ref, err := s.resolveScope(ctx, a, scope, RoleViewer)
	if err != nil {
		return nil, err
	}
	if ref.Scope == ScopeSystem && !(a.System || (a.IsSystemAdmin && a.TokenID == "")) {
		return nil, nil
	}
	var hs []Webhook
	err = s.db.WithContext(ctx).Where("scope = ? AND scope_id = ?", ref.Scope, ref.scopeKey()).Order("lower(name), id").Find(&hs).Error
	return hs, err
}

// GetWebhook returns a webhook the actor can see.
func (s *Store) GetWebhook(ctx context.Context, a *Actor, id string, min Role) (*Webhook, error) {
	if !validID(id) {
		return nil, notFound("webhook")
	}
	var h Webhook
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&h).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("webhook")
		}
		return nil, err
	}
	if h.Scope == ScopeSystem && min == RoleViewer {
		min = RoleAdmin // system webhooks are for system administrators only
	}
	if _, err := s.resolveScope(ctx, a, ScopeKey{Scope: h.Scope, ID: h.ScopeID}, min); err != nil {
		if CodeOf(err) == ENOTFOUND || CodeOf(err) == EFORBIDDEN && h.Scope == ScopeSystem {
			return nil, notFound("webhook")
		}
		return nil, err
	}
	return &h, nil
}

// WebhookEndpointIDs loads the endpoint ids of several webhooks (dataloader).
func (s *Store) WebhookEndpointIDs(ctx context.Context, ids []string) (map[string][]string, error) {
	var rows []struct{ WebhookID, EndpointID string }
	if err := s.db.WithContext(ctx).Table("webhook_endpoints").Where("webhook_id IN ?", ids).Order("endpoint_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.WebhookID] = append(out[r.WebhookID], r.EndpointID)
	}
	return out, nil
}

// EndpointsByID loads endpoints (dataloader); callers pass endpoints the actor may see.
func (s *Store) EndpointsByID(ctx context.Context, ids []string) (map[string]*Endpoint, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Endpoint) string { return r.ID })
}

func (s *Store) validateWebhook(ctx context.Context, a *Actor, ref *ScopeRef, h *Webhook, in WebhookInput) error {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return err
		}
		h.Name = n
	}
	if in.SetEvents {
		if len(in.Events) == 0 {
			return FieldError(EINVALID, "events", "choose at least one event")
		}
		catalogScope := ref.AccountID
		known := map[string]string{}
		if catalogScope != "" {
			defs, err := s.EventCatalog(ctx, a, catalogScope, ref.EnvironmentID)
			if err != nil {
				return err
			}
			for _, d := range defs {
				known[strings.ToLower(d.Name)] = d.Name
			}
		} else {
			for _, d := range BuiltinEvents {
				known[strings.ToLower(d.Name)] = d.Name
			}
			var cs []CustomEvent
			if err := s.db.WithContext(ctx).Where("scope = ?", ScopeSystem).Find(&cs).Error; err != nil {
				return err
			}
			for _, c := range cs {
				known[strings.ToLower(c.Name)] = c.Name
			}
		}
		var names []string
		for _, e := range in.Events {
			n, ok := known[strings.ToLower(strings.TrimSpace(e))]
			if !ok {
				return FieldError(EINVALID, "events", "unknown event %q", e)
			}
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		raw, _ := json.Marshal(names)
		h.Events = string(raw)
	}
	if in.SetFarms {
		ids := []string{}
		for _, id := range in.FarmIDs {
			var f Farm
			if err := s.getScoped(ctx, a, &f, id, "farm", RoleViewer); err != nil {
				return FieldError(EINVALID, "farmIds", "farm %s not found", id)
			}
			if (ref.AccountID != "" && f.AccountID != ref.AccountID) || (ref.EnvironmentID != "" && f.EnvironmentID != ref.EnvironmentID) {
				return FieldError(EINVALID, "farmIds", "farm %q is outside the webhook's scope", f.Name)
			}
			if !slices.Contains(ids, f.ID) {
				ids = append(ids, f.ID)
			}
		}
		raw, _ := json.Marshal(ids)
		h.FarmIDs = string(raw)
	}
	if in.TimeoutSeconds != nil {
		if *in.TimeoutSeconds < 1 || *in.TimeoutSeconds > 60 {
			return FieldError(EINVALID, "timeoutSeconds", "timeout must be between 1 and 60 seconds")
		}
		h.TimeoutSeconds = *in.TimeoutSeconds
	}
	if in.MaxAttempts != nil {
		if *in.MaxAttempts < retry.MinAttempts || *in.MaxAttempts > retry.MaxAttempts {
			return FieldError(EINVALID, "maxAttempts", "attempts must be between %d and %d", retry.MinAttempts, retry.MaxAttempts)
		}
		h.MaxAttempts = *in.MaxAttempts
	}
	if in.SetRetrySchedule {
		if err := retry.Validate(in.RetrySchedule); err != nil {
			return FieldError(EINVALID, "retrySchedule", "%s", err.Error())
		}
		h.RetrySchedule = nil
		if len(in.RetrySchedule) > 0 {
			raw, _ := json.Marshal(in.RetrySchedule)
			v := string(raw)
			h.RetrySchedule = &v
		}
	}
	if in.SkipPrivateVars != nil {
		h.SkipPrivateVars = *in.SkipPrivateVars
	}
	if in.UserData != nil {
		if err := noNUL("userData", *in.UserData); err != nil {
			return err
		}
		if len(*in.UserData) > 16<<10 {
			return FieldError(EINVALID, "userData", "user data must be at most 16 KiB")
		}
		h.UserData = *in.UserData
	}
	if in.Active != nil {
		h.Active = *in.Active
	}
	if in.SetEndpoints {
		if len(in.EndpointIDs) == 0 {
			return FieldError(EINVALID, "endpointIds", "choose at least one endpoint")
		}
		for _, id := range in.EndpointIDs {
			e, err := s.GetEndpoint(ctx, a, id, RoleViewer)
			if err != nil || !e.UsableBy(h) {
				return FieldError(EINVALID, "endpointIds", "endpoint %s is not usable here: use one of this scope, or a shared one of a parent scope", id)
			}
		}
	}
	return nil
}

func setWebhookEndpoints(tx *Tx, webhookID string, ids []string) error {
	if err := tx.Exec("DELETE FROM webhook_endpoints WHERE webhook_id = ?", webhookID).Error; err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := tx.Exec("INSERT INTO webhook_endpoints (webhook_id, endpoint_id) VALUES (?, ?)", webhookID, id).Error; err != nil {
			return err
		}
	}
	return nil
}

// CreateWebhook creates a webhook. Admins of the scope; system administrators for system.
func (s *Store) CreateWebhook(ctx context.Context, a *Actor, in WebhookInput) (*Webhook, error) {
	if in.Scope.Scope != ScopeSystem && in.Scope.Scope != ScopeAccount && in.Scope.Scope != ScopeEnvironment {
		return nil, FieldError(EINVALID, "scope", "webhooks live at system, account or environment scope")
	}
	ref, err := s.resolveScope(ctx, a, in.Scope, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	in.SetEvents, in.SetEndpoints, in.SetFarms = true, true, true
	now := s.now()
	h := &Webhook{ID: newID(), Scope: ref.Scope, AccountID: nullable(ref.AccountID), EnvironmentID: nullable(ref.EnvironmentID), ScopeID: ref.scopeKey(),
		TimeoutSeconds: DefaultWebhookTimeout, MaxAttempts: DefaultWebhookAttempts, Active: true, Events: "[]", FarmIDs: "[]", CreatedAt: now, UpdatedAt: now}
	if err := s.validateWebhook(ctx, a, ref, h, in); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(h).Error; err != nil {
			return err
		}
		if err := setWebhookEndpoints(tx, h.ID, in.EndpointIDs); err != nil {
			return err
		}
		return s.auditScoped(tx, a, ref, "webhook.created", "webhook", h.ID, fmt.Sprintf("%s created webhook %q", a.Label(), h.Name))
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// UpdateWebhook changes a webhook.
func (s *Store) UpdateWebhook(ctx context.Context, a *Actor, id string, in WebhookInput) (*Webhook, error) {
	h, err := s.GetWebhook(ctx, a, id, RoleAdmin)
	if err != nil {
		return nil, err
	}
	ref, err := s.resolveScope(ctx, a, ScopeKey{Scope: h.Scope, ID: h.ScopeID}, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := s.validateWebhook(ctx, a, ref, h, in); err != nil {
		return nil, err
	}
	h.UpdatedAt = s.now()
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Webhook{}).Where("id = ?", h.ID).Updates(map[string]any{
			"name": h.Name, "events": h.Events, "farm_ids": h.FarmIDs, "timeout_seconds": h.TimeoutSeconds,
			"max_attempts": h.MaxAttempts, "retry_schedule": h.RetrySchedule, "skip_private_vars": h.SkipPrivateVars, "user_data": h.UserData,
			"active": h.Active, "updated_at": h.UpdatedAt,
		}).Error; err != nil {
			return err
		}
		if in.SetEndpoints {
			if err := setWebhookEndpoints(tx, h.ID, in.EndpointIDs); err != nil {
				return err
			}
		}
		return s.auditScoped(tx, a, ref, "webhook.updated", "webhook", h.ID, fmt.Sprintf("%s updated webhook %q", a.Label(), h.Name))
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// DeleteWebhook deletes a webhook; its delivery history stays.
func (s *Store) DeleteWebhook(ctx context.Context, a *Actor, id string) error {
	h, err := s.GetWebhook(ctx, a, id, RoleAdmin)
	if err != nil {
		return err
	}
	ref := &ScopeRef{Scope: h.Scope, ID: h.ScopeID, AccountID: deref(h.AccountID)}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ?", h.ID).Delete(&Webhook{}).Error; err != nil {
			return err
		}
		return s.auditScoped(tx, a, ref, "webhook.deleted", "webhook", h.ID, fmt.Sprintf("%s deleted webhook %q", a.Label(), h.Name))
	})
}

package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// EndpointFormat is the body an endpoint receives.
type EndpointFormat string

const (
	FormatScalr EndpointFormat = "scalr" // the Scalr webhook wire contract (default)
	FormatSlack EndpointFormat = "slack" // a Slack incoming-webhook message (incident events only)
)

// Valid reports whether f is a known format.
func (f EndpointFormat) Valid() bool { return f == FormatScalr || f == FormatSlack }

// MarshalGQL implements the GraphQL enum encoding.
func (f EndpointFormat) MarshalGQL(w io.Writer) { writeEnum(w, f) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (f *EndpointFormat) UnmarshalGQL(v any) (err error) {
	*f, err = readEnum(v, EndpointFormat.Valid, "endpoint format")
	return err
}

// Endpoint is a receiver of webhooks: a URL and the key deliveries to it are signed with.
type Endpoint struct {
	ID             string `gorm:"primaryKey"`
	Scope          Scope
	AccountID      *string
	EnvironmentID  *string
	ScopeID        string
	Name           string
	URL            string `gorm:"column:url"`
	Format         EndpointFormat
	Active         bool
	Shared         bool
	SigningKeyEnc  []byte `json:"-"`
	InactiveReason string
	// RateLimit is the most requests per second the workers send it, across replicas; nil is
	// unlimited.
	RateLimit *float64
	// Health (the circuit breaker, see health.go).
	ConsecutiveFailures int
	FailingSince        *time.Time
	PausedAt            *time.Time
	PauseReason         string
	NextProbeAt         *time.Time
	FailedProbes        int
	HealthSince         *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time

	// Key rotation (see RotateEndpointKey): the old key, sealed, while it still signs.
	PreviousSigningKeyEnc []byte `json:"-"`
	KeyRotatedAt          *time.Time
	KeyOverlapUntil       *time.Time
	SignatureSwitchAt     *time.Time
	// CustomHeadersEnc is the sealed JSON of the custom request headers; nil when none.
	CustomHeadersEnc []byte `json:"-"`

	// Warnings about the saved URL (its host resolves to addresses the outbound guard refuses);
	// set by CreateEndpoint and UpdateEndpoint only, never stored.
	Warnings []string `gorm:"-" json:"-"`
}

// UsableBy reports whether webhook h may send to e: the same scope, or e is shared from a
// parent scope.
func (e *Endpoint) UsableBy(h *Webhook) bool {
	if e.Scope == h.Scope && e.ScopeID == h.ScopeID {
		return true
	}
	if !e.Shared {
		return false
	}
	switch e.Scope {
	case ScopeSystem:
		return h.Scope != ScopeSystem
	case ScopeAccount:
		return h.Scope == ScopeEnvironment && h.AccountID != nil && e.AccountID != nil && *h.AccountID == *e.AccountID
	}
	return false
}

// EndpointInput creates or changes an endpoint; nil fields stay unchanged.
type EndpointInput struct {
	Scope  ScopeKey
	Name   *string
	URL    *string
	Format *EndpointFormat
	Active *bool
	Shared *bool
	// Headers replaces the custom request headers (an empty list removes them).
	Headers *[]HeaderPair
	// RateLimit sets requests per second when SetRateLimit (nil: unlimited).
	RateLimit    *float64
	SetRateLimit bool
}

// Rate limit bounds, requests per second.
const (
	MinRateLimit float64 = 0.1
	MaxRateLimit float64 = 1000
)

func checkRateLimit(r *float64) error {
	if r != nil && !(*r >= MinRateLimit && *r <= MaxRateLimit) {
		return FieldError(EINVALID, "rateLimit", "a rate limit is between %g and %g requests per second (empty: unlimited)", MinRateLimit, MaxRateLimit)
	}
	return nil
}

func cleanEndpointURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" || len(raw) > 2048 {
		return "", FieldError(EINVALID, "url", "enter an http(s) URL without credentials, like https://cmdb.example.com/hooks/switchboard")
	}
	return u.String(), nil
}

// ListEndpoints returns the endpoints defined at one scope. Viewers and up (system scope: the
// shared ones for everyone, all of them for system administrators).
func (s *Store) ListEndpoints(ctx context.Context, a *Actor, scope ScopeKey) ([]Endpoint, error) {
	ref, err := s.resolveScope(ctx, a, scope, RoleViewer)
	if err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("scope = ? AND scope_id = ?", ref.Scope, ref.scopeKey())
	if ref.Scope == ScopeSystem && !(a.System || (a.IsSystemAdmin && a.TokenID == "")) {
		q = q.Where("shared")
	}
	var es []Endpoint
	err = q.Order("lower(name), id").Find(&es).Error
	return es, err
}

// UsableEndpoints lists the endpoints a webhook at scope could use: its own scope's and the
// shared ones of parent scopes.
func (s *Store) UsableEndpoints(ctx context.Context, a *Actor, scope ScopeKey) ([]Endpoint, error) {
	ref, err := s.resolveScope(ctx, a, scope, RoleViewer)
	if err != nil {
		return nil, err
	}
	probe := &Webhook{Scope: ref.Scope, ScopeID: ref.scopeKey(), AccountID: nullable(ref.AccountID), EnvironmentID: nullable(ref.EnvironmentID)}
	q := s.db.WithContext(ctx).Where("scope = ?", ScopeSystem)
	if ref.AccountID != "" {
		q = q.Or("account_id = ?", ref.AccountID)
	}
	var all []Endpoint
	if err := q.Order("lower(name), id").Find(&all).Error; err != nil {
		return nil, err
	}
	sysAdmin := a.System || (a.IsSystemAdmin && a.TokenID == "")
	var out []Endpoint
	for _, e := range all {
		if !e.UsableBy(probe) {
			continue
		}
		if e.Scope == ScopeSystem && !e.Shared && !sysAdmin {
			continue // a system endpoint that is not shared is for system administrators only
		}
		out = append(out, e)
	}
	return out, nil
}

// GetEndpoint returns an endpoint the actor can see.
func (s *Store) GetEndpoint(ctx context.Context, a *Actor, id string, min Role) (*Endpoint, error) {
	if !validID(id) {
		return nil, notFound("endpoint")
	}
	var e Endpoint
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("endpoint")
		}
		return nil, err
	}
	if _, err := s.resolveScope(ctx, a, ScopeKey{Scope: e.Scope, ID: e.ScopeID}, min); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, notFound("endpoint")
		}
		return nil, err
	}
	if e.Scope == ScopeSystem && !e.Shared && min == RoleViewer && !(a.System || (a.IsSystemAdmin && a.TokenID == "")) {
		return nil, notFound("endpoint")
	}
	return &e, nil
}

// CreateEndpoint creates an endpoint with a new signing key, returned once. Admins of the
// scope's account; system administrators for the system scope.
func (s *Store) CreateEndpoint(ctx context.Context, a *Actor, in EndpointInput) (*Endpoint, string, error) {
	if in.Scope.Scope != ScopeSystem && in.Scope.Scope != ScopeAccount && in.Scope.Scope != ScopeEnvironment {
		return nil, "", FieldError(EINVALID, "scope", "endpoints live at system, account or environment scope")
	}
	ref, err := s.resolveScope(ctx, a, in.Scope, RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	if in.Name == nil || in.URL == nil {
		return nil, "", FieldError(EINVALID, "name", "name and URL are required")
	}
	name, err := cleanName("name", *in.Name, 100)
	if err != nil {
		return nil, "", err
	}
	u, err := cleanEndpointURL(*in.URL)
	if err != nil {
		return nil, "", err
	}
	key, err := scalr.GenerateSigningKey()
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	e := &Endpoint{ID: newID(), Scope: ref.Scope, AccountID: nullable(ref.AccountID), EnvironmentID: nullable(ref.EnvironmentID),
		ScopeID: ref.scopeKey(), Name: name, URL: u, Format: FormatScalr, Active: true, CreatedAt: now, UpdatedAt: now}
	if in.Format != nil {
		if !in.Format.Valid() {
			return nil, "", FieldError(EINVALID, "format", "unknown format")
		}
		e.Format = *in.Format
	}
	if in.Active != nil {
		e.Active = *in.Active
	}
	if in.Shared != nil {
		e.Shared = *in.Shared
	}
	if in.SetRateLimit {
		if err := checkRateLimit(in.RateLimit); err != nil {
			return nil, "", err
		}
		e.RateLimit = in.RateLimit
	}
	if e.SigningKeyEnc, err = s.sealKey(key, e.ID); err != nil {
		return nil, "", err
	}
	if in.Headers != nil {
		hs, err := cleanHeaders(*in.Headers)
		if err != nil {
			return nil, "", err
		}
		if e.CustomHeadersEnc, err = s.sealHeaders(hs, e.ID); err != nil {
			return nil, "", err
		}
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(e).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "url", "an endpoint with this URL already exists in this scope")
			}
			return err
		}
		return s.auditScoped(tx, a, ref, "endpoint.created", "endpoint", e.ID, fmt.Sprintf("%s created endpoint %q", a.Label(), name))
	})
	if err != nil {
		return nil, "", err
	}
	e.Warnings = s.urlWarnings(ctx, e.URL)
	return e, key, nil
}

func (s *Store) sealKey(key, rowID string) ([]byte, error) {
	if s.sealer == nil {
		return nil, errors.New("no encryption key configured")
	}
	return s.sealer.seal([]byte(key), rowID)
}

// SigningKey decrypts an endpoint's signing key (the delivery worker; never shown again).
func (s *Store) SigningKey(e *Endpoint) ([]byte, error) {
	if s.sealer == nil {
		return nil, errors.New("no encryption key configured")
	}
	return s.sealer.open(e.SigningKeyEnc, e.ID)
}

// auditScoped records an audit entry when the scope belongs to an account.
func (s *Store) auditScoped(tx *Tx, a *Actor, ref *ScopeRef, action, targetType, targetID, summary string) error {
	if ref.AccountID == "" {
		return nil
	}
	return s.audit(tx, a, ref.AccountID, action, targetType, targetID, summary)
}

// UpdateEndpoint changes an endpoint. Turning it active again clears the reason it stopped.
func (s *Store) UpdateEndpoint(ctx context.Context, a *Actor, id string, in EndpointInput) (*Endpoint, error) {
	e, err := s.GetEndpoint(ctx, a, id, RoleAdmin)
	if err != nil {
		return nil, err
	}
	ref := &ScopeRef{Scope: e.Scope, ID: e.ScopeID, AccountID: deref(e.AccountID)}
	changes := map[string]any{"updated_at": s.now()}
	oldURL, hadHeaders := e.URL, len(e.CustomHeadersEnc) > 0
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return nil, err
		}
		changes["name"], e.Name = n, n
	}
	if in.URL != nil {
		u, err := cleanEndpointURL(*in.URL)
		if err != nil {
			return nil, err
		}
		changes["url"], e.URL = u, u
	}
	if in.Format != nil {
		if !in.Format.Valid() {
			return nil, FieldError(EINVALID, "format", "unknown format")
		}
		changes["format"], e.Format = *in.Format, *in.Format
	}
	if in.Active != nil {
		if *in.Active != e.Active {
			changes["health_since"] = changes["updated_at"]
		}
		changes["active"], e.Active = *in.Active, *in.Active
		if *in.Active {
			changes["inactive_reason"], e.InactiveReason = "", ""
			// Turned on again by hand: a fresh start for the breaker.
			for k, v := range healthReset {
				changes[k] = v
			}
			e.PausedAt, e.NextProbeAt, e.ConsecutiveFailures, e.FailingSince, e.FailedProbes, e.PauseReason = nil, nil, 0, nil, 0, ""
		}
	}
	if in.SetRateLimit {
		if err := checkRateLimit(in.RateLimit); err != nil {
			return nil, err
		}
		changes["rate_limit"], e.RateLimit = in.RateLimit, in.RateLimit
	}
	if in.Shared != nil {
		changes["shared"], e.Shared = *in.Shared, *in.Shared
	}
	if in.Headers != nil {
		hs, err := cleanHeaders(*in.Headers)
		if err != nil {
			return nil, err
		}
		sealed, err := s.sealHeaders(hs, e.ID)
		if err != nil {
			return nil, err
		}
		changes["custom_headers_enc"], e.CustomHeadersEnc = sealed, sealed
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Endpoint{}).Where("id = ?", e.ID).Updates(changes).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "url", "an endpoint with this URL already exists in this scope")
			}
			return err
		}
		return s.auditScoped(tx, a, ref, "endpoint.updated", "endpoint", e.ID, fmt.Sprintf("%s updated endpoint %q", a.Label(), e.Name))
	})
	if err != nil {
		return nil, err
	}
	if in.URL != nil {
		e.Warnings = s.urlWarnings(ctx, e.URL)
		// Custom headers often carry a receiver's credential: moving the URL to another origin
		// without restating them sends that credential to the new host.
		if hadHeaders && in.Headers == nil && urlOrigin(oldURL) != urlOrigin(e.URL) {
			e.Warnings = append(e.Warnings, fmt.Sprintf("the custom headers (credentials, if any) are now sent to %s: check that they belong to it", urlOrigin(e.URL)))
		}
	}
	return e, nil
}

// urlOrigin is a URL's scheme://host[:port] (lower-cased), "" when it does not parse.
func urlOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// DeleteEndpoint deletes an endpoint that no webhook uses; otherwise ECONFLICT names them.
func (s *Store) DeleteEndpoint(ctx context.Context, a *Actor, id string) error {
	e, err := s.GetEndpoint(ctx, a, id, RoleAdmin)
	if err != nil {
		return err
	}
	ref := &ScopeRef{Scope: e.Scope, ID: e.ScopeID, AccountID: deref(e.AccountID)}
	return s.db.Tx(ctx, func(tx *Tx) error {
		var names []string
		if err := tx.Table("webhooks").Joins("JOIN webhook_endpoints ON webhook_endpoints.webhook_id = webhooks.id").
			Where("webhook_endpoints.endpoint_id = ?", e.ID).Order("webhooks.name").Pluck("webhooks.name", &names).Error; err != nil {
			return err
		}
		if len(names) > 0 {
			return Errorf(ECONFLICT, "endpoint %q is used by webhook(s) %s: remove it from them first", e.Name, quoteList(names))
		}
		var envs []string
		if err := tx.Model(&Environment{}).Where("approval_endpoint_id = ?", e.ID).Order("name").Pluck("name", &envs).Error; err != nil {
			return err
		}
		if len(envs) > 0 {
			return Errorf(ECONFLICT, "endpoint %q approves farm launches or terminations in environment(s) %s: change their approval settings first", e.Name, quoteList(envs))
		}
		if err := tx.Where("id = ?", e.ID).Delete(&Endpoint{}).Error; err != nil {
			return err
		}
		return s.auditScoped(tx, a, ref, "endpoint.deleted", "endpoint", e.ID, fmt.Sprintf("%s deleted endpoint %q", a.Label(), e.Name))
	})
}

// deactivateEndpoint stops deliveries to an endpoint that answered 410 Gone.
func (s *Store) DeactivateEndpoint(ctx context.Context, id, reason string) error {
	return s.db.WithContext(ctx).Model(&Endpoint{}).Where("id = ?", id).
		Updates(map[string]any{"active": false, "inactive_reason": reason, "updated_at": s.now()}).Error
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

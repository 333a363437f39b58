package models

import (
	"context"
	"errors"
	"io"

	"gorm.io/gorm"
)

// Scope is where an endpoint, webhook, custom event or variable lives.
type Scope string

const (
	ScopeSystem      Scope = "system"
	ScopeAccount     Scope = "account"
	ScopeEnvironment Scope = "environment"
	ScopeFarm        Scope = "farm"
	ScopeFarmRole    Scope = "farm_role"
	ScopeServer      Scope = "server"
)

var scopeDepth = map[Scope]int{ScopeSystem: 1, ScopeAccount: 2, ScopeEnvironment: 3, ScopeFarm: 4, ScopeFarmRole: 5, ScopeServer: 6}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return scopeDepth[s] > 0 }

// MarshalGQL implements the GraphQL enum encoding.
func (s Scope) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *Scope) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, Scope.Valid, "scope")
	return err
}

// ScopeRef names one scope instance. AccountID and EnvironmentID are filled down to the
// scope's own level (both empty for system).
type ScopeRef struct {
	Scope         Scope
	ID            string // "" for system
	AccountID     string
	EnvironmentID string
}

// ScopeKey is how callers name a scope: system, or the id of the account / environment /
// farm / farm role / server.
type ScopeKey struct {
	Scope Scope
	ID    string
}

// resolveScope checks that the scope exists and the actor may manage things in it (min role in
// its account; system scope needs a system administrator), and fills its account/environment.
func (s *Store) resolveScope(ctx context.Context, a *Actor, in ScopeKey, min Role) (*ScopeRef, error) {
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	ref := &ScopeRef{Scope: in.Scope, ID: in.ID}
	db := s.db.WithContext(ctx)
	lookup := func(table, what string, dst any) error {
		if !validID(in.ID) {
			return FieldError(ENOTFOUND, "scopeId", "%s not found", what)
		}
		err := db.Table(table).Where("id = ?", in.ID).Take(dst).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return FieldError(ENOTFOUND, "scopeId", "%s not found", what)
		}
		return err
	}
	switch in.Scope {
	case ScopeSystem:
		if in.ID != "" {
			return nil, FieldError(EINVALID, "scopeId", "the system scope has no id")
		}
		if a.System || (a.IsSystemAdmin && a.TokenID == "") {
			return ref, nil
		}
		if min == RoleViewer {
			// Everyone can see system-scope definitions that apply to them (events, shared
			// endpoints); managing them is for system administrators.
			return ref, nil
		}
		return nil, Errorf(EFORBIDDEN, "only system administrators manage the system scope")
	case ScopeAccount:
		ref.AccountID = in.ID
	case ScopeEnvironment:
		var env Environment
		if err := lookup("environments", "environment", &env); err != nil {
			return nil, err
		}
		ref.AccountID, ref.EnvironmentID = env.AccountID, env.ID
	case ScopeFarm:
		var f Farm
		if err := lookup("farms", "farm", &f); err != nil {
			return nil, err
		}
		ref.AccountID, ref.EnvironmentID = f.AccountID, f.EnvironmentID
	case ScopeFarmRole:
		var fr FarmRole
		if err := lookup("farm_roles", "farm role", &fr); err != nil {
			return nil, err
		}
		var f Farm
		if err := db.Where("id = ?", fr.FarmID).Take(&f).Error; err != nil {
			return nil, err
		}
		ref.AccountID, ref.EnvironmentID = f.AccountID, f.EnvironmentID
	case ScopeServer:
		var sv Server
		if err := lookup("servers", "server", &sv); err != nil {
			return nil, err
		}
		var f Farm
		if err := db.Where("id = ?", sv.FarmID).Take(&f).Error; err != nil {
			return nil, err
		}
		ref.AccountID, ref.EnvironmentID = f.AccountID, f.EnvironmentID
	default:
		return nil, FieldError(EINVALID, "scope", "unknown scope")
	}
	if _, err := s.Require(ctx, a, ref.AccountID, min); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, FieldError(ENOTFOUND, "scopeId", "%s not found", in.Scope)
		}
		return nil, err
	}
	return ref, nil
}

// scopeKey is what scoped tables store in scope_id.
func (r *ScopeRef) scopeKey() string { return r.ID }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

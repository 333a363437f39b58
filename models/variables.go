package models

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// GlobalVariable is a named value at a scope, resolved along the scope chain into events.
type GlobalVariable struct {
	ID        string `gorm:"primaryKey"`
	AccountID *string
	Scope     Scope
	ScopeID   string
	Name      string
	Value     string
	Hidden    bool
	Locked    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

var variableNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,127}$`)

// VariableInput sets a variable at a scope.
type VariableInput struct {
	Scope  ScopeKey
	Name   string
	Value  string
	Hidden bool
	Locked bool
}

// ListVariables returns the variables defined at exactly one scope; hidden values are blanked
// for callers below admin.
func (s *Store) ListVariables(ctx context.Context, a *Actor, scope ScopeKey) ([]GlobalVariable, error) {
	ref, err := s.resolveScope(ctx, a, scope, RoleViewer)
	if err != nil {
		return nil, err
	}
	var vs []GlobalVariable
	if err := s.db.WithContext(ctx).Where("scope = ? AND scope_id = ?", ref.Scope, ref.scopeKey()).Order("name").Find(&vs).Error; err != nil {
		return nil, err
	}
	// The system scope is listed to everyone (resolveScope lets viewers in); its hidden values
	// are for system administrators only.
	role := RoleViewer
	if ref.AccountID != "" {
		role, _ = s.roleIn(ctx, s.db.DB, a, ref.AccountID)
	} else if a.System || (a.IsSystemAdmin && a.TokenID == "") {
		role = RoleOwner
	}
	if !role.AtLeast(RoleAdmin) {
		for i := range vs {
			if vs[i].Hidden {
				vs[i].Value = ""
			}
		}
	}
	return vs, nil
}

// SetVariable creates or updates a variable. Admins at account scope and below; system
// administrators at system scope. A name locked at a wider scope cannot be set below it.
func (s *Store) SetVariable(ctx context.Context, a *Actor, in VariableInput) (*GlobalVariable, error) {
	ref, err := s.resolveScope(ctx, a, in.Scope, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !variableNameRe.MatchString(in.Name) {
		return nil, FieldError(EINVALID, "name", "a variable name starts with a letter and has only letters, digits and _ (at most 128)")
	}
	if strings.HasPrefix(strings.ToUpper(in.Name), "SCALR_") {
		return nil, FieldError(EINVALID, "name", "names starting with SCALR_ are reserved for built-in variables")
	}
	if err := noNUL("value", in.Value); err != nil {
		return nil, err
	}
	if len(in.Value) > 8192 {
		return nil, FieldError(EINVALID, "value", "a value must be at most 8192 bytes")
	}
	chain, err := s.scopeChain(ctx, ref)
	if err != nil {
		return nil, err
	}
	var locked []GlobalVariable
	q := s.db.WithContext(ctx).Where("name = ? AND locked", in.Name)
	q = q.Where(chainCondition(chain[:len(chain)-1]))
	if err := q.Find(&locked).Error; err != nil {
		return nil, err
	}
	if len(locked) > 0 {
		return nil, FieldError(ECONFLICT, "name", "%s is locked at the %s scope", in.Name, locked[0].Scope)
	}
	now := s.now()
	v := &GlobalVariable{ID: newID(), AccountID: nullable(ref.AccountID), Scope: ref.Scope, ScopeID: ref.scopeKey(), Name: in.Name,
		Value: in.Value, Hidden: in.Hidden, Locked: in.Locked, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var cur GlobalVariable
		err := tx.Where("scope = ? AND scope_id = ? AND name = ?", ref.Scope, ref.scopeKey(), in.Name).Take(&cur).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := tx.Create(v).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			v.ID, v.CreatedAt = cur.ID, cur.CreatedAt
			if err := tx.Model(&GlobalVariable{}).Where("id = ?", cur.ID).Updates(map[string]any{
				"value": in.Value, "hidden": in.Hidden, "locked": in.Locked, "updated_at": now,
			}).Error; err != nil {
				return err
			}
		}
		if ref.AccountID == "" {
			return nil
		}
		// Hidden values never reach the audit log.
		return s.audit(tx, a, ref.AccountID, "variable.set", "variable", v.ID, fmt.Sprintf("%s set variable %s at %s scope", a.Label(), in.Name, ref.Scope))
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// DeleteVariable removes a variable.
func (s *Store) DeleteVariable(ctx context.Context, a *Actor, id string) error {
	if !validID(id) {
		return notFound("variable")
	}
	var v GlobalVariable
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&v).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("variable")
		}
		return err
	}
	ref, err := s.resolveScope(ctx, a, ScopeKey{Scope: v.Scope, ID: v.ScopeID}, RoleAdmin)
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			return notFound("variable")
		}
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ?", v.ID).Delete(&GlobalVariable{}).Error; err != nil {
			return err
		}
		if ref.AccountID == "" {
			return nil
		}
		return s.audit(tx, a, ref.AccountID, "variable.deleted", "variable", v.ID, fmt.Sprintf("%s deleted variable %s at %s scope", a.Label(), v.Name, v.Scope))
	})
}

type scopeLink struct {
	scope Scope
	id    string
}

// scopeChain lists the scopes from system down to ref.
func (s *Store) scopeChain(ctx context.Context, ref *ScopeRef) ([]scopeLink, error) {
	chain := []scopeLink{{ScopeSystem, ""}}
	if ref.AccountID != "" {
		chain = append(chain, scopeLink{ScopeAccount, ref.AccountID})
	}
	if ref.EnvironmentID != "" {
		chain = append(chain, scopeLink{ScopeEnvironment, ref.EnvironmentID})
	}
	db := s.db.WithContext(ctx)
	switch ref.Scope {
	case ScopeFarm:
		chain = append(chain, scopeLink{ScopeFarm, ref.ID})
	case ScopeFarmRole:
		var fr FarmRole
		if err := db.Where("id = ?", ref.ID).Take(&fr).Error; err != nil {
			return nil, err
		}
		chain = append(chain, scopeLink{ScopeFarm, fr.FarmID}, scopeLink{ScopeFarmRole, fr.ID})
	case ScopeServer:
		var sv Server
		if err := db.Where("id = ?", ref.ID).Take(&sv).Error; err != nil {
			return nil, err
		}
		chain = append(chain, scopeLink{ScopeFarm, sv.FarmID}, scopeLink{ScopeFarmRole, sv.FarmRoleID}, scopeLink{ScopeServer, sv.ID})
	}
	return chain, nil
}

func chainCondition(chain []scopeLink) string {
	if len(chain) == 0 {
		return "1 = 0"
	}
	parts := make([]string, len(chain))
	for i, l := range chain {
		// Ids are UUIDs validated earlier or read from the database; scope names are constants.
		parts[i] = fmt.Sprintf("(scope = '%s' AND scope_id = '%s')", l.scope, strings.ReplaceAll(l.id, "'", ""))
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// eventVariable is a user variable resolved into an event, with the scope it was defined at:
// who may read a hidden value depends on it (see readableBy).
type eventVariable struct {
	scalr.Variable
	Scope Scope `json:"Scope,omitempty"`
}

// readableBy reports whether a payload or a view at scope reader may carry v's value. A hidden
// variable is a secret of its own scope and the scopes above it: a webhook (or a tenant's view
// of an event) at a narrower scope never gets it. Visible variables go everywhere.
//
// A variable stored before scopes were recorded has none; hidden ones of those are treated as
// system secrets.
func (v eventVariable) readableBy(reader Scope) bool {
	if !v.Hidden {
		return true
	}
	own := scopeDepth[v.Scope]
	if own == 0 {
		own = scopeDepth[ScopeSystem]
	}
	return own >= scopeDepth[reader]
}

// userVariablesFor returns the user variables a reader at scope may carry: hidden variables
// of wider scopes are left out entirely (name and value), so they reach neither data nor the
// user data template.
func (v *eventVariables) userVariablesFor(reader Scope) []scalr.Variable {
	out := make([]scalr.Variable, 0, len(v.User))
	for _, u := range v.User {
		if u.readableBy(reader) {
			out = append(out, u.Variable)
		}
	}
	return out
}

// resolveUserVariables resolves user variables along the chain: narrower scopes override wider
// ones unless the wider value is locked.
func resolveUserVariables(db *gorm.DB, chain []scopeLink) ([]eventVariable, error) {
	var vs []GlobalVariable
	if err := db.Where(chainCondition(chain)).Find(&vs).Error; err != nil {
		return nil, err
	}
	depth := map[Scope]int{}
	for i, l := range chain {
		depth[l.scope] = i
	}
	sort.SliceStable(vs, func(i, j int) bool { return depth[vs[i].Scope] < depth[vs[j].Scope] })
	resolved := map[string]GlobalVariable{}
	for _, v := range vs {
		if cur, ok := resolved[v.Name]; ok && cur.Locked {
			continue
		}
		resolved[v.Name] = v
	}
	names := make([]string, 0, len(resolved))
	for n := range resolved {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]eventVariable, len(names))
	for i, n := range names {
		v := resolved[n]
		out[i] = eventVariable{Variable: scalr.Variable{Name: v.Name, Value: v.Value, Hidden: v.Hidden}, Scope: v.Scope}
	}
	return out, nil
}

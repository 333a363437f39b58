package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// AccountWithRole is an account as seen by an actor.
type AccountWithRole struct {
	Account
	Role Role
}

// ListAccounts returns the accounts the actor can see, with its role in each: all accounts for
// system administrators, the token's account for API tokens, the user's memberships otherwise.
func (s *Store) ListAccounts(ctx context.Context, a *Actor) ([]AccountWithRole, error) {
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	db := s.db.WithContext(ctx)
	var out []AccountWithRole
	switch {
	case a.TokenID != "":
		acc, role, err := s.GetAccount(ctx, a, a.TokenAccountID)
		if err != nil {
			return nil, err
		}
		return []AccountWithRole{{Account: *acc, Role: role}}, nil
	case a.IsSystemAdmin || a.System:
		var accs []Account
		if err := db.Order("lower(name), id").Find(&accs).Error; err != nil {
			return nil, err
		}
		for _, acc := range accs {
			out = append(out, AccountWithRole{Account: acc, Role: RoleOwner})
		}
		return out, nil
	}
	err := db.Table("accounts").Select("accounts.*, memberships.role AS role").
		Joins("JOIN memberships ON memberships.account_id = accounts.id").
		Where("memberships.user_id = ?", a.UserID).Order("lower(accounts.name), accounts.id").Scan(&out).Error
	return out, err
}

// GetAccount returns an account the actor can see and its role there.
func (s *Store) GetAccount(ctx context.Context, a *Actor, id string) (*Account, Role, error) {
	role, err := s.roleIn(ctx, s.db.DB, a, id)
	if err != nil {
		return nil, "", err
	}
	var acc Account
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&acc).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, "", notFound("account")
		}
		return nil, "", err
	}
	return &acc, role, nil
}

// CreateAccount creates an account owned by the actor. System administrators only.
func (s *Store) CreateAccount(ctx context.Context, a *Actor, name string) (*Account, error) {
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	if !a.IsSystemAdmin || a.TokenID != "" {
		return nil, Errorf(EFORBIDDEN, "only system administrators can create accounts")
	}
	name, err := cleanName("name", name, 100)
	if err != nil {
		return nil, err
	}
	now := s.now()
	acc := &Account{ID: newID(), Name: name, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(acc).Error; err != nil {
			return err
		}
		if err := tx.Create(&Membership{ID: newID(), AccountID: acc.ID, UserID: a.UserID, Role: RoleOwner, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, acc.ID, "account.created", "account", acc.ID, fmt.Sprintf("%s created account %q", a.Label(), name))
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// UpdateAccount renames an account. Admins and owners.
func (s *Store) UpdateAccount(ctx context.Context, a *Actor, id, name string) (*Account, error) {
	if _, err := s.Require(ctx, a, id, RoleAdmin); err != nil {
		return nil, err
	}
	name, err := cleanName("name", name, 100)
	if err != nil {
		return nil, err
	}
	var acc Account
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ?", id).Take(&acc).Error; err != nil {
			return err
		}
		if acc.Name == name {
			return nil
		}
		old := acc.Name
		acc.Name, acc.UpdatedAt = name, s.now()
		if err := tx.Model(&acc).Updates(map[string]any{"name": acc.Name, "updated_at": acc.UpdatedAt}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, id, "account.renamed", "account", id, fmt.Sprintf("%s renamed the account from %q to %q", a.Label(), old, name))
	})
	if err != nil {
		return nil, err
	}
	return &acc, nil
}

// ListEnvironments returns the account's environments by name. Viewers and up.
func (s *Store) ListEnvironments(ctx context.Context, a *Actor, accountID string) ([]Environment, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	m, err := s.EnvironmentsByAccount(ctx, []string{accountID})
	return m[accountID], err
}

// EnvironmentsByAccount loads the environments of several accounts in one query. It does not
// check permissions: callers pass accounts the actor was already allowed to see (dataloaders).
func (s *Store) EnvironmentsByAccount(ctx context.Context, accountIDs []string) (map[string][]Environment, error) {
	var envs []Environment
	if err := s.db.WithContext(ctx).Where("account_id IN ?", accountIDs).Order("lower(name), id").Find(&envs).Error; err != nil {
		return nil, err
	}
	out := make(map[string][]Environment, len(accountIDs))
	for _, e := range envs {
		out[e.AccountID] = append(out[e.AccountID], e)
	}
	return out, nil
}

// GetEnvironment returns an environment of an account the actor can see.
func (s *Store) GetEnvironment(ctx context.Context, a *Actor, id string) (*Environment, error) {
	var env Environment
	if err := s.getScoped(ctx, a, &env, id, "environment", RoleViewer); err != nil {
		return nil, err
	}
	return &env, nil
}

// EnvironmentInput creates or changes an environment. Nil fields are left unchanged.
type EnvironmentInput struct {
	Name        *string
	Description *string
}

func cleanEnvironment(in EnvironmentInput) (EnvironmentInput, error) {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 64)
		if err != nil {
			return in, err
		}
		in.Name = &n
	}
	if in.Description != nil {
		d, err := cleanText("description", *in.Description, 1000)
		if err != nil {
			return in, err
		}
		in.Description = &d
	}
	return in, nil
}

// CreateEnvironment creates an environment. Admins and owners; names are unique per account
// (case-insensitively).
func (s *Store) CreateEnvironment(ctx context.Context, a *Actor, accountID string, in EnvironmentInput) (*Environment, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	in, err := cleanEnvironment(in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	env := &Environment{ID: newID(), AccountID: accountID, Name: *in.Name, ApprovalExpiryMinutes: DefaultApprovalExpiryMinutes, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		env.Description = *in.Description
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(env).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "an environment named %q already exists", env.Name)
			}
			return err
		}
		return s.audit(tx, a, accountID, "environment.created", "environment", env.ID, fmt.Sprintf("%s created environment %q", a.Label(), env.Name))
	})
	if err != nil {
		return nil, err
	}
	return env, nil
}

// UpdateEnvironment renames or re-describes an environment. Admins and owners.
func (s *Store) UpdateEnvironment(ctx context.Context, a *Actor, id string, in EnvironmentInput) (*Environment, error) {
	env, err := s.GetEnvironment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, env.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	in, err = cleanEnvironment(in)
	if err != nil {
		return nil, err
	}
	changes := map[string]any{"updated_at": s.now()}
	var what []string
	if in.Name != nil && *in.Name != env.Name {
		what = append(what, fmt.Sprintf("renamed %q to %q", env.Name, *in.Name))
		changes["name"], env.Name = *in.Name, *in.Name
	}
	if in.Description != nil && *in.Description != env.Description {
		what = append(what, "changed the description of "+fmt.Sprintf("%q", env.Name))
		changes["description"], env.Description = *in.Description, *in.Description
	}
	if len(what) == 0 {
		return env, nil
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Environment{}).Where("id = ? AND account_id = ?", env.ID, env.AccountID).Updates(changes).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "an environment named %q already exists", env.Name)
			}
			return err
		}
		return s.audit(tx, a, env.AccountID, "environment.updated", "environment", env.ID, a.Label()+" "+strings.Join(what, " and "))
	})
	if err != nil {
		return nil, err
	}
	return env, nil
}

// DeleteEnvironment deletes an environment. Admins and owners.
func (s *Store) DeleteEnvironment(ctx context.Context, a *Actor, id string) error {
	env, err := s.GetEnvironment(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := s.Require(ctx, a, env.AccountID, RoleAdmin); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ? AND account_id = ?", env.ID, env.AccountID).Delete(&Environment{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, env.AccountID, "environment.deleted", "environment", env.ID, fmt.Sprintf("%s deleted environment %q", a.Label(), env.Name))
	})
}

package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// ListMembers returns the account's memberships. Viewers and up.
func (s *Store) ListMembers(ctx context.Context, a *Actor, accountID string) ([]Membership, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var ms []Membership
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("created_at, id").Find(&ms).Error
	return ms, err
}

// MembershipsVisibleTo returns the user's memberships in accounts the actor can also see, so
// looking at a colleague never reveals the other accounts they belong to.
func (s *Store) MembershipsVisibleTo(ctx context.Context, a *Actor, userID string) ([]Membership, error) {
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	q := s.db.WithContext(ctx).Where("user_id = ?", userID)
	switch {
	case a.TokenID != "":
		q = q.Where("account_id = ?", a.TokenAccountID)
	case a.System || a.IsSystemAdmin || a.UserID == userID:
	default:
		q = q.Where("account_id IN (SELECT account_id FROM memberships WHERE user_id = ?)", a.UserID)
	}
	var ms []Membership
	err := q.Order("created_at, id").Find(&ms).Error
	return ms, err
}

// UsersByID loads users in one query. Callers pass users the actor is allowed to see.
func (s *Store) UsersByID(ctx context.Context, ids []string) (map[string]*User, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *User) string { return r.ID })
}

// AccountsByID loads accounts in one query. Callers pass accounts the actor may see.
func (s *Store) AccountsByID(ctx context.Context, ids []string) (map[string]*Account, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Account) string { return r.ID })
}

// GetUser returns the actor's own user.
func (s *Store) GetUser(ctx context.Context, a *Actor) (*User, error) {
	if a == nil || a.UserID == "" {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	var u User
	if err := s.db.WithContext(ctx).Where("id = ?", a.UserID).Take(&u).Error; err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateProfile changes the actor's display name.
func (s *Store) UpdateProfile(ctx context.Context, a *Actor, name string) (*User, error) {
	if a != nil && a.TokenID != "" {
		return nil, Errorf(EFORBIDDEN, "API tokens cannot change profiles")
	}
	u, err := s.GetUser(ctx, a)
	if err != nil {
		return nil, err
	}
	name, err = cleanName("name", name, 100)
	if err != nil {
		return nil, err
	}
	u.Name, u.UpdatedAt = name, s.now()
	if err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"name": name, "updated_at": u.UpdatedAt}).Error; err != nil {
		return nil, err
	}
	return u, nil
}

// AddMemberInput adds a user to an account; Name and Password create the user when no user
// has the email yet.
type AddMemberInput struct {
	AccountID string
	Email     string
	Role      Role
	Name      *string
	Password  *string
}

// AddMember adds a member. Admins and owners; only owners can make owners.
func (s *Store) AddMember(ctx context.Context, a *Actor, in AddMemberInput) (*Membership, error) {
	myRole, err := s.Require(ctx, a, in.AccountID, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !in.Role.Valid() {
		return nil, FieldError(EINVALID, "role", "unknown role")
	}
	if in.Role == RoleOwner && myRole != RoleOwner {
		return nil, FieldError(EFORBIDDEN, "role", "only owners can add owners")
	}
	email, err := cleanEmail(in.Email)
	if err != nil {
		return nil, err
	}
	now := s.now()
	m := &Membership{ID: newID(), AccountID: in.AccountID, Role: in.Role, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var u User
		err := tx.Where("lower(email) = lower(?)", email).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if in.Name == nil || in.Password == nil {
				return FieldError(EINVALID, "email", "no user has this email yet: give a name and an initial password to create one")
			}
			if a.TokenID != "" {
				return FieldError(EFORBIDDEN, "email", "API tokens cannot create users: sign in to the console")
			}
			nu, err := s.createUser(ctx, tx.DB, email, *in.Name, *in.Password, false)
			if err != nil {
				return err
			}
			u = *nu
		case err != nil:
			return err
		}
		m.UserID = u.ID
		if err := tx.Create(m).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "email", "%s is already a member", email)
			}
			return err
		}
		return s.audit(tx, a, in.AccountID, "member.added", "membership", m.ID, fmt.Sprintf("%s added %s as %s", a.Label(), u.Email, m.Role))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Store) getMembership(ctx context.Context, a *Actor, id string) (*Membership, error) {
	var m Membership
	if err := s.getScoped(ctx, a, &m, id, "membership", RoleViewer); err != nil {
		return nil, err
	}
	return &m, nil
}

// lockOwners serialises owner changes of one account, so two concurrent demotions cannot
// leave it without an owner.
func lockOwners(tx *Tx, accountID string) error {
	if tx.dialect == Postgres {
		return tx.Exec("SELECT id FROM accounts WHERE id = ? FOR UPDATE", accountID).Error
	}
	return nil // SQLite transactions are already exclusive (_txlock=immediate)
}

// unchangedRole re-reads the membership under the owner lock. The permission and last-owner
// checks were made on a read from before the transaction; acting on a role that changed
// meanwhile (say, the member became the only owner) could leave the account without one.
func unchangedRole(tx *Tx, m *Membership) error {
	var cur Membership
	if err := tx.Select("role").Where("id = ?", m.ID).Take(&cur).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("membership")
		}
		return err
	}
	if cur.Role != m.Role {
		return Errorf(ECONFLICT, "the member's role changed meanwhile; reload and try again")
	}
	return nil
}

func ownerCount(tx *Tx, accountID string) (int64, error) {
	var n int64
	err := tx.Model(&Membership{}).Where("account_id = ? AND role = ?", accountID, RoleOwner).Count(&n).Error
	return n, err
}

// UpdateMemberRole changes a member's role. Admins and owners; only owners can grant or take
// away the owner role; the last owner cannot be demoted.
func (s *Store) UpdateMemberRole(ctx context.Context, a *Actor, membershipID string, role Role) (*Membership, error) {
	m, err := s.getMembership(ctx, a, membershipID)
	if err != nil {
		return nil, err
	}
	myRole, err := s.Require(ctx, a, m.AccountID, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, FieldError(EINVALID, "role", "unknown role")
	}
	if (role == RoleOwner || m.Role == RoleOwner) && myRole != RoleOwner {
		return nil, FieldError(EFORBIDDEN, "role", "only owners can grant or remove the owner role")
	}
	if role == m.Role {
		return m, nil
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := lockOwners(tx, m.AccountID); err != nil {
			return err
		}
		if err := unchangedRole(tx, m); err != nil {
			return err
		}
		if m.Role == RoleOwner {
			n, err := ownerCount(tx, m.AccountID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return FieldError(ECONFLICT, "role", "an account needs at least one owner: make someone else owner first")
			}
		}
		old := m.Role
		m.Role, m.UpdatedAt = role, s.now()
		if err := tx.Model(&Membership{}).Where("id = ?", m.ID).Updates(map[string]any{"role": role, "updated_at": m.UpdatedAt}).Error; err != nil {
			return err
		}
		email, err := userEmail(tx, m.UserID)
		if err != nil {
			return err
		}
		return s.audit(tx, a, m.AccountID, "member.role_changed", "membership", m.ID, fmt.Sprintf("%s changed %s from %s to %s", a.Label(), email, old, role))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func userEmail(tx *Tx, userID string) (string, error) {
	var u User
	if err := tx.Select("email").Where("id = ?", userID).Take(&u).Error; err != nil {
		return "", err
	}
	return u.Email, nil
}

// RemoveMember removes a member. Admins and owners (only owners remove owners); anyone may
// leave; the last owner cannot be removed. The member's API tokens for the account are revoked.
func (s *Store) RemoveMember(ctx context.Context, a *Actor, membershipID string) error {
	m, err := s.getMembership(ctx, a, membershipID)
	if err != nil {
		return err
	}
	self := a.UserID == m.UserID && a.TokenID == ""
	if !self {
		myRole, err := s.Require(ctx, a, m.AccountID, RoleAdmin)
		if err != nil {
			return err
		}
		if m.Role == RoleOwner && myRole != RoleOwner {
			return Errorf(EFORBIDDEN, "only owners can remove owners")
		}
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := lockOwners(tx, m.AccountID); err != nil {
			return err
		}
		if err := unchangedRole(tx, m); err != nil {
			return err
		}
		if m.Role == RoleOwner {
			n, err := ownerCount(tx, m.AccountID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return Errorf(ECONFLICT, "an account needs at least one owner: make someone else owner first")
			}
		}
		email, err := userEmail(tx, m.UserID)
		if err != nil {
			return err
		}
		// On-call: a schedule or policy that still names the person would page nobody.
		schedules, policies, err := s.stillNamed(tx, m.AccountID, m.UserID)
		if err != nil {
			return err
		}
		if len(schedules) > 0 || len(policies) > 0 {
			var where []string
			if len(schedules) > 0 {
				where = append(where, "schedule(s) "+quoteList(schedules))
			}
			if len(policies) > 0 {
				where = append(where, "escalation policy(ies) "+quoteList(policies))
			}
			return Errorf(ECONFLICT, "%s is still on call in %s: take them out first", email, strings.Join(where, " and "))
		}
		if err := tx.Where("id = ?", m.ID).Delete(&Membership{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&APIToken{}).Where("account_id = ? AND created_by = ? AND revoked_at IS NULL", m.AccountID, m.UserID).
			Update("revoked_at", s.now()).Error; err != nil {
			return err
		}
		verb := fmt.Sprintf("%s removed %s", a.Label(), email)
		if self {
			verb = fmt.Sprintf("%s left the account", strings.TrimSpace(email))
		}
		return s.audit(tx, a, m.AccountID, "member.removed", "membership", m.ID, verb)
	})
}

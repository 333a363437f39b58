package models

import (
	"context"
	"fmt"
	"time"
)

// ListAPITokens returns the account's API tokens, newest first. Admins and owners.
func (s *Store) ListAPITokens(ctx context.Context, a *Actor, accountID string) ([]APIToken, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	var ts []APIToken
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("created_at DESC, id DESC").Find(&ts).Error
	return ts, err
}

// CreateAPITokenInput describes a new API token.
type CreateAPITokenInput struct {
	AccountID string
	Name      string
	Role      Role
	ExpiresAt *time.Time
}

// CreateAPIToken creates a token and returns its secret, which is never stored and cannot be
// shown again. Admins and owners; the token's role cannot exceed the creator's.
func (s *Store) CreateAPIToken(ctx context.Context, a *Actor, in CreateAPITokenInput) (*APIToken, string, error) {
	myRole, err := s.Require(ctx, a, in.AccountID, RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	if a.UserID == "" {
		return nil, "", Errorf(EFORBIDDEN, "API tokens belong to users")
	}
	if a.TokenID != "" {
		// Otherwise a short-lived or soon-revoked token could mint a lasting one.
		return nil, "", Errorf(EFORBIDDEN, "API tokens cannot create API tokens: sign in to the console")
	}
	name, err := cleanName("name", in.Name, 100)
	if err != nil {
		return nil, "", err
	}
	if !in.Role.Valid() {
		return nil, "", FieldError(EINVALID, "role", "unknown role")
	}
	if !myRole.AtLeast(in.Role) {
		return nil, "", FieldError(EFORBIDDEN, "role", "a token cannot have a stronger role than yours (%s)", myRole)
	}
	now := s.now()
	if in.ExpiresAt != nil {
		if !in.ExpiresAt.After(now) {
			return nil, "", FieldError(EINVALID, "expiresAt", "expiry must be in the future")
		}
		e := in.ExpiresAt.UTC()
		in.ExpiresAt = &e
	}
	secret := APITokenPrefix + randomSecret(32)
	creator := a.UserID
	t := &APIToken{
		ID: newID(), AccountID: in.AccountID, Name: name, Prefix: secret[:len(APITokenPrefix)+6],
		TokenHash: hashToken(secret), Role: in.Role, CreatedBy: &creator, CreatedAt: now, ExpiresAt: in.ExpiresAt,
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(t).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "an active token named %q already exists", name)
			}
			return err
		}
		return s.audit(tx, a, in.AccountID, "api_token.created", "api_token", t.ID, fmt.Sprintf("%s created API token %q (%s)", a.Label(), name, t.Role))
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// RevokeAPIToken revokes a token at once. Admins and owners.
func (s *Store) RevokeAPIToken(ctx context.Context, a *Actor, id string) (*APIToken, error) {
	var t APIToken
	if err := s.getScoped(ctx, a, &t, id, "API token", RoleAdmin); err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return &t, nil
	}
	now := s.now()
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&APIToken{}).Where("id = ? AND revoked_at IS NULL", t.ID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return s.audit(tx, a, t.AccountID, "api_token.revoked", "api_token", t.ID, fmt.Sprintf("%s revoked API token %q", a.Label(), t.Name))
	})
	if err != nil {
		return nil, err
	}
	t.RevokedAt = &now
	return &t, nil
}

// NoteExpiredAPITokens records an audit entry for every token that expired since the last run.
// The worker runs it periodically; it is idempotent, so replicas running it together are fine.
func (s *Store) NoteExpiredAPITokens(ctx context.Context) (int, error) {
	now := s.now()
	var due []APIToken
	if err := s.db.WithContext(ctx).Where("expires_at <= ? AND revoked_at IS NULL AND expiry_noted_at IS NULL", now).
		Order("expires_at").Limit(500).Find(&due).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, t := range due {
		err := s.db.Tx(ctx, func(tx *Tx) error {
			res := tx.Model(&APIToken{}).Where("id = ? AND expiry_noted_at IS NULL", t.ID).Update("expiry_noted_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			n++
			return s.audit(tx, SystemActor, t.AccountID, "api_token.expired", "api_token", t.ID, fmt.Sprintf("API token %q expired", t.Name))
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// PurgeRefreshTokens deletes refresh tokens that expired or were revoked more than a day ago.
func (s *Store) PurgeRefreshTokens(ctx context.Context) (int64, error) {
	cutoff := s.now().Add(-24 * time.Hour)
	res := s.db.WithContext(ctx).Where("expires_at < ? OR revoked_at < ?", cutoff, cutoff).Delete(&RefreshToken{})
	return res.RowsAffected, res.Error
}

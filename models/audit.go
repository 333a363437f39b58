package models

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Cursor encodes a keyset position (time, id) for pagination, opaque to clients.
func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(t.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	bad := FieldError(EINVALID, "after", "invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	ts, id, ok := strings.Cut(string(b), "|")
	if !ok || !validID(id) {
		return time.Time{}, "", bad
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, "", bad
	}
	return t, id, nil
}

// Page is a slice of results with keyset pagination.
type Page[T any] struct {
	Items       []T
	Cursors     []string
	HasNextPage bool
}

// MaxPageSize caps `first`.
const MaxPageSize = 200

func pageSize(first int) (int, error) {
	switch {
	case first <= 0:
		return 0, FieldError(EINVALID, "first", "first must be positive")
	case first > MaxPageSize:
		return 0, FieldError(EINVALID, "first", "first must be at most %d", MaxPageSize)
	}
	return first, nil
}

// ListAudit returns the account's audit log, newest first. Admins and owners.
func (s *Store) ListAudit(ctx context.Context, a *Actor, accountID string, first int, after string) (*Page[AuditEntry], error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if after != "" {
		t, id, err := decodeCursor(after)
		if err != nil {
			return nil, err
		}
		q = q.Where("(created_at < ?) OR (created_at = ? AND id < ?)", t, t, id)
	}
	var es []AuditEntry
	if err := q.Order("created_at DESC, id DESC").Limit(n + 1).Find(&es).Error; err != nil {
		return nil, err
	}
	p := &Page[AuditEntry]{}
	if len(es) > n {
		p.HasNextPage, es = true, es[:n]
	}
	p.Items = es
	for _, e := range es {
		p.Cursors = append(p.Cursors, encodeCursor(e.CreatedAt, e.ID))
	}
	return p, nil
}

// GetAuditEntry returns one entry of an account the actor administers.
func (s *Store) GetAuditEntry(ctx context.Context, a *Actor, id string) (*AuditEntry, error) {
	if !validID(id) {
		return nil, notFound("audit entry")
	}
	var e AuditEntry
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("audit entry")
		}
		return nil, err
	}
	if _, err := s.Require(ctx, a, e.AccountID, RoleAdmin); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, notFound("audit entry")
		}
		return nil, err
	}
	return &e, nil
}

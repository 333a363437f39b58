package models

import (
	"context"
	"encoding/base64"
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

// keysetPage runs q newest first by (col, id), starting after the cursor, and cuts one page.
// key returns an item's (col, id), from which its cursor is made.
func keysetPage[T any](q *gorm.DB, col string, first int, after string, key func(*T) (time.Time, string)) (*Page[T], error) {
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	if after != "" {
		t, id, err := decodeCursor(after)
		if err != nil {
			return nil, err
		}
		q = q.Where("("+col+" < ?) OR ("+col+" = ? AND id < ?)", t, t, id)
	}
	var items []T
	if err := q.Order(col + " DESC, id DESC").Limit(n + 1).Find(&items).Error; err != nil {
		return nil, err
	}
	p := &Page[T]{}
	if len(items) > n {
		p.HasNextPage, items = true, items[:n]
	}
	p.Items = items
	for i := range items {
		t, id := key(&items[i])
		p.Cursors = append(p.Cursors, encodeCursor(t, id))
	}
	return p, nil
}

// ListAudit returns the account's audit log, newest first. Admins and owners.
func (s *Store) ListAudit(ctx context.Context, a *Actor, accountID string, first int, after string) (*Page[AuditEntry], error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	return keysetPage[AuditEntry](q, "created_at", first, after, func(e *AuditEntry) (time.Time, string) { return e.CreatedAt, e.ID })
}

// GetAuditEntry returns one entry of an account the actor administers.
func (s *Store) GetAuditEntry(ctx context.Context, a *Actor, id string) (*AuditEntry, error) {
	var e AuditEntry
	if err := s.getScoped(ctx, a, &e, id, "audit entry", RoleAdmin); err != nil {
		return nil, err
	}
	return &e, nil
}

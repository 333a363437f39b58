package models

import (
	"context"
	"encoding/base64"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

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

// AuditQuery narrows the audit log.
type AuditQuery struct {
	// Categories keeps entries whose action starts with one of these followed by a dot
	// ("incident" keeps incident.acknowledged, incident.resolved, …).
	Categories  []string
	ActorUserID string
	TargetID    string
	Since       *time.Time
	Until       *time.Time
	// Search is a case-insensitive substring of the summary or the actor's label.
	Search string
}

// Audit search bounds.
const (
	MinAuditSearch = 2
	MaxAuditSearch = 100
)

// ListAudit returns the account's audit log, newest first, narrowed by f. Admins and owners.
func (s *Store) ListAudit(ctx context.Context, a *Actor, accountID string, f AuditQuery, first int, after string) (*Page[AuditEntry], error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if len(f.Categories) > 0 {
		if len(f.Categories) > 20 {
			return nil, FieldError(EINVALID, "categories", "filter by at most 20 categories")
		}
		var conds []string
		var args []any
		for _, c := range f.Categories {
			if !auditCategory.MatchString(c) {
				return nil, FieldError(EINVALID, "categories", "%q is not a category (lower-case letters and _)", c)
			}
			conds, args = append(conds, `action LIKE ? ESCAPE '\'`), append(args, likeEscape(c)+".%")
		}
		q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	for _, c := range []struct{ col, v string }{{"actor_user_id", f.ActorUserID}, {"target_id", f.TargetID}} {
		if c.v == "" {
			continue
		}
		if !validID(c.v) {
			return &Page[AuditEntry]{}, nil
		}
		q = q.Where(c.col+" = ?", c.v)
	}
	if f.Since != nil {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if f.Until != nil {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	if term := strings.TrimSpace(f.Search); term != "" {
		if n := utf8.RuneCountInString(term); n < MinAuditSearch || n > MaxAuditSearch {
			return nil, FieldError(EINVALID, "search", "search for %d to %d characters", MinAuditSearch, MaxAuditSearch)
		}
		if err := noNUL("search", term); err != nil {
			return nil, err
		}
		like := "%" + likeEscape(strings.ToLower(term)) + "%"
		q = q.Where(`(lower(summary) LIKE ? ESCAPE '\' OR lower(actor_label) LIKE ? ESCAPE '\')`, like, like)
	}
	return keysetPage[AuditEntry](q, "created_at", first, after, func(e *AuditEntry) (time.Time, string) { return e.CreatedAt, e.ID })
}

var auditCategory = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)

// GetAuditEntry returns one entry of an account the actor administers.
func (s *Store) GetAuditEntry(ctx context.Context, a *Actor, id string) (*AuditEntry, error) {
	var e AuditEntry
	if err := s.getScoped(ctx, a, &e, id, "audit entry", RoleAdmin); err != nil {
		return nil, err
	}
	return &e, nil
}

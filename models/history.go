package models

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// DeliveryQuery narrows the delivery history.
type DeliveryQuery struct {
	WebhookID  string
	EndpointID string
	EventID    string
	// EventNames keeps deliveries of these events (exact names).
	EventNames []string
	Statuses   []DeliveryStatus
	// ResponseClasses keeps deliveries whose last attempt was answered with a status of one of
	// these classes (or not answered at all: ResponseNone).
	ResponseClasses []ResponseClass
	Since           *time.Time
	Until           *time.Time
	// Search is a substring of the payload, case-insensitive for ASCII letters (other
	// characters match exactly), at least MinSearchLength characters.
	Search string
}

// ResponseClass groups the HTTP status of a delivery's last attempt.
type ResponseClass string

const (
	Response2xx ResponseClass = "http_2xx"
	Response3xx ResponseClass = "http_3xx"
	Response4xx ResponseClass = "http_4xx"
	Response5xx ResponseClass = "http_5xx"
	// ResponseNone: no HTTP status (not attempted yet, or the attempt got no answer: a
	// timeout, a refused connection, a refused address).
	ResponseNone ResponseClass = "no_response"
)

var responseClassSQL = map[ResponseClass]string{
	Response2xx:  "last_status_code BETWEEN 200 AND 299",
	Response3xx:  "last_status_code BETWEEN 300 AND 399",
	Response4xx:  "last_status_code BETWEEN 400 AND 499",
	Response5xx:  "last_status_code BETWEEN 500 AND 599",
	ResponseNone: "last_status_code IS NULL",
}

// Valid reports whether c is a known class.
func (c ResponseClass) Valid() bool { _, ok := responseClassSQL[c]; return ok }

// MarshalGQL implements the GraphQL enum encoding.
func (c ResponseClass) MarshalGQL(w io.Writer) { writeEnum(w, c) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (c *ResponseClass) UnmarshalGQL(v any) (err error) {
	*c, err = readEnum(v, ResponseClass.Valid, "response class")
	return err
}

// Search term bounds: shorter terms cannot use the trigram index (a trigram is three
// characters), so they would scan the whole history.
const (
	MinSearchLength = 3
	MaxSearchLength = 200
)

// managesSystem reports whether the actor administers the installation: the system itself,
// or a system administrator signed in with a session (API tokens are limited to one account).
func (a *Actor) managesSystem() bool {
	return a != nil && (a.System || (a.IsSystemAdmin && a.TokenID == ""))
}

// RequireSystemAdmin refuses anyone but a system administrator (signed in with a session) or the
// system itself; what completes "only system administrators …".
func RequireSystemAdmin(a *Actor, what string) error {
	if a == nil {
		return Errorf(EUNAUTHORIZED, "authentication required")
	}
	if !a.managesSystem() {
		return Errorf(EFORBIDDEN, "only system administrators %s", what)
	}
	return nil
}

// ListSystemDeliveries returns the history of system-scope deliveries (those of system
// webhooks, and test events to system endpoints), newest first. System administrators only.
func (s *Store) ListSystemDeliveries(ctx context.Context, a *Actor, f DeliveryQuery, first int, after string) (*Page[Delivery], error) {
	if err := RequireSystemAdmin(a, "read the system delivery history"); err != nil {
		return nil, err
	}
	return s.deliveryHistory(ctx, "", f, first, after)
}

// deliveryHistory pages through the deliveries of one account ("": the system scope).
func (s *Store) deliveryHistory(ctx context.Context, accountID string, f DeliveryQuery, first int, after string) (*Page[Delivery], error) {
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q, empty, err := s.historyQuery(ctx, accountID, f)
	if err != nil {
		return nil, err
	}
	if empty {
		return &Page[Delivery]{}, nil
	}
	return keysetPage[Delivery](q, "created_at", first, after, func(d *Delivery) (time.Time, string) { return d.CreatedAt, d.ID })
}

// historyQuery builds the WHERE of a history query. empty reports a filter no delivery can
// match (an id that is not a UUID).
func (s *Store) historyQuery(ctx context.Context, accountID string, f DeliveryQuery) (q *gorm.DB, empty bool, err error) {
	q = s.db.WithContext(ctx).Model(&Delivery{})
	if accountID == "" {
		q = q.Where("account_id IS NULL")
	} else {
		q = q.Where("account_id = ?", accountID)
	}
	for _, c := range []struct{ col, v string }{{"webhook_id", f.WebhookID}, {"endpoint_id", f.EndpointID}, {"event_id", f.EventID}} {
		if c.v == "" {
			continue
		}
		if !validID(c.v) {
			return nil, true, nil
		}
		q = q.Where(c.col+" = ?", c.v)
	}
	if len(f.EventNames) > 0 {
		if len(f.EventNames) > 50 {
			return nil, false, FieldError(EINVALID, "eventNames", "filter by at most 50 event names")
		}
		names := make([]string, 0, len(f.EventNames))
		for _, n := range f.EventNames {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return nil, false, FieldError(EINVALID, "eventNames", "an event name is empty")
		}
		q = q.Where("event_name IN ?", names)
	}
	onlyFailures := false
	if len(f.Statuses) > 0 {
		onlyFailures = true
		for _, st := range f.Statuses {
			if !st.Valid() {
				return nil, false, FieldError(EINVALID, "statuses", "%q is not a delivery status", st)
			}
			if st != DeliveryRetrying && st != DeliveryFailed {
				onlyFailures = false
			}
		}
		q = q.Where("status IN ?", f.Statuses)
	}
	if len(f.ResponseClasses) > 0 {
		var conds []string
		seen := map[ResponseClass]bool{}
		failureClasses := true
		for _, c := range f.ResponseClasses {
			sql, ok := responseClassSQL[c]
			if !ok {
				return nil, false, FieldError(EINVALID, "responseClasses", "%q is not a response class", c)
			}
			if c == Response2xx {
				failureClasses = false
			}
			if !seen[c] {
				seen[c] = true
				conds = append(conds, sql)
			}
		}
		q = q.Where("(" + strings.Join(conds, " OR ") + ")")
		onlyFailures = onlyFailures || failureClasses
	}
	if onlyFailures {
		// Implied by the filter, so it changes no result; written out verbatim, it lets the
		// planner use the partial index of failures (deliveries_account_failures_idx, migration
		// 0009) whatever the filter's values are.
		q = q.Where(failuresPredicate)
	}
	if f.Since != nil {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if f.Until != nil {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	if term := strings.TrimSpace(f.Search); term != "" {
		n := utf8.RuneCountInString(term)
		if n < MinSearchLength || n > MaxSearchLength {
			return nil, false, FieldError(EINVALID, "search", "search for %d to %d characters", MinSearchLength, MaxSearchLength)
		}
		if !hasAlnumRun(term, MinSearchLength) {
			// pg_trgm makes trigrams of runs of letters and digits only: "a-b" has none, and
			// would scan the whole history.
			return nil, false, FieldError(EINVALID, "search", "search for at least %d letters or digits in a row", MinSearchLength)
		}
		if s.db.Dialect == Postgres {
			// The payload's text in delivery_search (migration 0019), with ILIKE, which its
			// trigram index serves. Backslash is ILIKE's default escape character. Deliveries
			// whose text is still queued are indexed first.
			if err := s.catchUpSearch(ctx); err != nil {
				return nil, false, err
			}
			q = q.Where(PayloadSearchSQL, "%"+likeEscape(escapeSearchTerm(term))+"%")
		} else {
			// SQLite's LIKE is case-insensitive for ASCII letters, as ILIKE on the escaped text is.
			q = q.Where(`CAST(payload AS TEXT) LIKE ? ESCAPE '\'`, "%"+likeEscape(term)+"%")
		}
	}
	return q, false, nil
}

// hasAlnumRun reports whether term has at least n consecutive letters or digits.
func hasAlnumRun(term string, n int) bool {
	run := 0
	for _, r := range term {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// failuresPredicate is the predicate of deliveries_account_failures_idx (migration 0009),
// exactly: the deliveries whose last attempt did not succeed.
const failuresPredicate = "(status IN ('retrying', 'failed') OR last_status_code IS NULL OR last_status_code >= 300)"

// PayloadSearchSQL is payload search on PostgreSQL: the delivery's text in delivery_search
// (encode(payload, 'escape'), migration 0019, written by IndexSearchText) matches an ILIKE
// pattern, which the table's trigram index serves. One parameter.
const PayloadSearchSQL = "EXISTS (SELECT 1 FROM delivery_search WHERE delivery_search.delivery_id = deliveries.id AND delivery_search.body ILIKE ?)"

// PayloadSearchIndex is the trigram index that serves PayloadSearchSQL.
const PayloadSearchIndex = "delivery_search_body_trgm_idx"

// escapeSearchTerm writes a term the way encode(bytea, 'escape') writes the payload: bytes
// with the high bit set (UTF-8 beyond ASCII) and NUL as \ooo, backslashes doubled.
func escapeSearchTerm(term string) string {
	var b strings.Builder
	for i := 0; i < len(term); i++ {
		c := term[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == 0 || c >= 0x80:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// PayloadSearchIndexed reports whether payload search is served by an index (PostgreSQL with
// pg_trgm). Without it, search scans the history: fine for small installations.
func (s *Store) PayloadSearchIndexed(ctx context.Context) (bool, error) {
	if s.db.Dialect != Postgres {
		return false, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT count(*) FROM pg_indexes WHERE indexname = ? AND schemaname = current_schema()", PayloadSearchIndex).Scan(&n).Error
	return n > 0, err
}

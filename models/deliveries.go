package models

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// MarshalGQL implements the GraphQL enum encoding.
func (s DeliveryStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *DeliveryStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, DeliveryStatus.Valid, "delivery status")
	return err
}

func (d *Delivery) accountOf() string { return deref(d.AccountID) }

// DeliveryAttempt is one try of a delivery, recorded before and after the call.
type DeliveryAttempt struct {
	ID              string `gorm:"primaryKey"`
	DeliveryID      string
	Number          int
	StartedAt       time.Time
	FinishedAt      *time.Time
	DurationMs      *int
	URL             string `gorm:"column:url"`
	RemoteAddr      string
	RequestHeaders  *string // JSON
	StatusCode      *int
	ResponseHeaders *string // JSON
	ResponseBody    string
	ErrorClass      string
	ErrorMessage    string
	// ResponseHidden: the response headers and body were withheld from the reader, who may not
	// see the endpoint's URL (set by the API, never stored).
	ResponseHidden bool `gorm:"-"`
}

// AttemptTarget is what the worker needs for one attempt.
type AttemptTarget struct {
	Delivery   *Delivery
	Endpoint   *Endpoint
	SigningKey []byte // the endpoint's current key
	// Keys sign this attempt: SigningKey alone, or the old and new keys during a rotation.
	Keys scalr.Keys
	// Headers are the endpoint's custom request headers, decrypted.
	Headers []HeaderPair
	Attempt *DeliveryAttempt
	// RetrySchedule is the webhook's waits between attempts (nil: retry.Default).
	RetrySchedule []time.Duration
	// Probe marks the attempt that probes a paused endpoint: it is not charged if it fails.
	Probe bool
}

// ErrDeliveryDone means the delivery needs no (more) attempts: finished, or its endpoint is
// gone or inactive.
var ErrDeliveryDone = errors.New("delivery needs no attempt")

// NotDueError means a delivery's task ran before its next attempt is due (a duplicate enqueue,
// a queue that woke early): run it again at At.
type NotDueError struct{ At time.Time }

func (e *NotDueError) Error() string { return "delivery not due until " + e.At.Format(time.RFC3339) }

// dueSlack is how early an attempt may run. Asynq schedules retries at whole seconds, so a
// retry can wake up to a second early; such a run is put back, never attempted early.
const dueSlack = 0

// BeginAttempt records the start of the next attempt of a delivery and returns what the worker
// needs to make it. The attempt is counted before the call, so a crash mid-attempt still counts
// (at-least-once: receivers dedupe on the delivery id).
//
// A delivery whose endpoint is paused or over its rate limit is not attempted and not charged:
// BeginAttempt returns *EndpointPausedError or *ThrottledError saying when to run it again.
func (s *Store) BeginAttempt(ctx context.Context, deliveryID string) (*AttemptTarget, error) {
	if !validID(deliveryID) {
		return nil, ErrDeliveryDone
	}
	t := &AttemptTarget{}
	// finished is set when this call ends the delivery itself (its endpoint is gone or inactive,
	// or no attempts are left): that change must commit, and the caller still hears "done".
	finished := false
	// hold is set when the delivery must wait (paused endpoint, rate limit): the row change
	// commits, the caller hears when to come back.
	var hold error
	finish := func(tx *Tx, d *Delivery, code *int, why string, now time.Time) error {
		finished = true
		return s.finishDelivery(tx, d, DeliveryFailed, code, why, now)
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var d Delivery
		if err := tx.Where("id = ?", deliveryID).Take(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrDeliveryDone
			}
			return err
		}
		if d.Status != DeliveryPending && d.Status != DeliveryRetrying {
			return ErrDeliveryDone
		}
		now := s.now()
		if d.NextAttemptAt != nil && d.NextAttemptAt.After(now.Add(dueSlack)) {
			return &NotDueError{At: *d.NextAttemptAt}
		}
		if d.LeaseUntil != nil && d.LeaseUntil.After(now) {
			return &NotDueError{At: *d.LeaseUntil} // an attempt is in flight
		}
		if d.EndpointID == nil {
			return finish(tx, &d, nil, "the endpoint was deleted", now)
		}
		var ep Endpoint
		if err := tx.Where("id = ?", *d.EndpointID).Take(&ep).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return finish(tx, &d, nil, "the endpoint was deleted", now)
			}
			return err
		}
		if !ep.Active {
			return finish(tx, &d, nil, "the endpoint is inactive", now)
		}
		if d.Attempts >= d.MaxAttempts {
			return finish(tx, &d, d.LastStatusCode, d.LastError, now)
		}
		if d.Kind == DeliveryKindApproval {
			// A decided (or cancelled, expired) request is never sent again.
			req, err := s.approvalForDelivery(tx, d.ID)
			if err != nil {
				return err
			}
			if req == nil || req.Status != ApprovalPending {
				return finish(tx, &d, d.LastStatusCode, "the approval request is no longer pending", now)
			}
		}
		h, probe, err := s.gateAttempt(ctx, tx, &d, &ep, now)
		if err != nil || h != nil {
			hold = h
			return err
		}
		// The attempt holds the delivery until its lease ends, so neither the dispatcher's claim
		// nor the sweeper takes it meanwhile (delivery_batch.go).
		lease := leaseUntil(now, d.TimeoutSeconds)
		changes := map[string]any{"attempts": d.Attempts + 1, "updated_at": now, "lease_until": lease}
		if probe {
			// A probe of a paused endpoint is a real attempt, recorded as such, but it costs the
			// delivery nothing: waiting out an outage must not use up its attempts.
			changes["max_attempts"] = d.MaxAttempts + 1
		}
		res := tx.Model(&Delivery{}).Where("id = ? AND attempts = ?", d.ID, d.Attempts).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("delivery %s: another worker is attempting it", d.ID)
		}
		d.Attempts++
		d.LeaseUntil = &lease
		if probe {
			d.MaxAttempts++
		}
		if d.WebhookID != nil {
			var h Webhook
			if err := tx.Select("retry_schedule").Where("id = ?", *d.WebhookID).Take(&h).Error; err == nil {
				t.RetrySchedule = h.Schedule()
			}
		}
		t.Probe = probe
		a := &DeliveryAttempt{ID: newID(), DeliveryID: d.ID, Number: d.Attempts, StartedAt: now, URL: ep.URL}
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		keys, err := s.SigningKeys(&ep, now)
		if err != nil {
			return err
		}
		headers, err := s.CustomHeaders(&ep)
		if err != nil {
			return err
		}
		t.Delivery, t.Endpoint, t.SigningKey, t.Attempt = &d, &ep, keys.Standard[len(keys.Standard)-1], a
		t.Keys, t.Headers = keys, headers
		return nil
	})
	if err != nil {
		return nil, err
	}
	if hold != nil {
		return nil, hold
	}
	if finished {
		return nil, ErrDeliveryDone
	}
	return t, nil
}

// Outcome of an attempt, as the worker classifies it.
type AttemptOutcome string

const (
	AttemptSucceeded AttemptOutcome = "succeeded"
	AttemptRetry     AttemptOutcome = "retry"
	AttemptFailed    AttemptOutcome = "failed"
	AttemptGone      AttemptOutcome = "gone"
)

// AttemptResult is what happened in one attempt.
type AttemptResult struct {
	Outcome         AttemptOutcome
	StatusCode      int
	URL             string
	RemoteAddr      string
	RequestHeaders  http.Header
	ResponseHeaders http.Header
	ResponseBody    []byte
	Duration        time.Duration
	ErrorClass      string
	ErrorMessage    string
	// RetryIn is when to try again if the outcome is a retry (backoff or Retry-After).
	RetryIn time.Duration
}

// MaxStoredBody is how much of a response body is kept.
const MaxStoredBody = 4 << 10

func headerJSON(h http.Header) *string {
	if h == nil {
		return nil
	}
	b, _ := json.Marshal(h)
	s := string(b)
	return &s
}

// storableText keeps a response body as valid UTF-8 text without NULs (PostgreSQL text cannot
// hold them), at most MaxStoredBody bytes.
func storableText(b []byte) string {
	if len(b) > MaxStoredBody {
		b = b[:MaxStoredBody]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// FinishAttempt records an attempt's result and moves the delivery on. It returns the time of
// the next attempt, or nil when the delivery is finished.
func (s *Store) FinishAttempt(ctx context.Context, t *AttemptTarget, r AttemptResult) (*time.Time, error) {
	var next *time.Time
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		next, err = s.finishAttemptTx(tx, t, r)
		return err
	})
	return next, err
}

// finishAttemptTx is FinishAttempt inside a caller's transaction.
func (s *Store) finishAttemptTx(tx *Tx, t *AttemptTarget, r AttemptResult) (*time.Time, error) {
	d, a := t.Delivery, t.Attempt
	now := s.now()
	ms := int(r.Duration.Milliseconds())
	var code *int
	if r.StatusCode > 0 {
		c := r.StatusCode
		code = &c
	}
	errText := r.ErrorMessage
	if errText == "" && r.Outcome != AttemptSucceeded && r.StatusCode > 0 {
		errText = "HTTP " + strconv.Itoa(r.StatusCode) + " " + http.StatusText(r.StatusCode)
	}
	if err := tx.Model(&DeliveryAttempt{}).Where("id = ?", a.ID).Updates(map[string]any{
		"finished_at": now, "duration_ms": ms, "url": r.URL, "remote_addr": r.RemoteAddr,
		"request_headers": headerJSON(r.RequestHeaders), "status_code": code, "response_headers": headerJSON(r.ResponseHeaders),
		"response_body": storableText(r.ResponseBody), "error_class": r.ErrorClass, "error_message": truncate(errText, 500),
	}).Error; err != nil {
		return nil, err
	}
	disabled, err := s.recordEndpointHealth(tx, t, r, now)
	if err != nil {
		return nil, err
	}
	switch {
	case disabled != "" && r.Outcome != AttemptSucceeded:
		return nil, s.finishDelivery(tx, d, DeliveryFailed, code, "the endpoint was disabled: "+disabled, now)
	case r.Outcome == AttemptSucceeded:
		return nil, s.finishDelivery(tx, d, DeliverySucceeded, code, "", now)
	case r.Outcome == AttemptGone:
		if err := tx.Model(&Endpoint{}).Where("id = ?", t.Endpoint.ID).Updates(map[string]any{
			"active": false, "inactive_reason": "the endpoint answered 410 Gone", "updated_at": now,
		}).Error; err != nil {
			return nil, err
		}
		return nil, s.finishDelivery(tx, d, DeliveryFailed, code, "410 Gone: the endpoint was deactivated", now)
	case r.Outcome == AttemptFailed || d.Attempts >= d.MaxAttempts:
		return nil, s.finishDelivery(tx, d, DeliveryFailed, code, errText, now)
	}
	at := now.Add(r.RetryIn)
	d.Status, d.NextAttemptAt, d.LastStatusCode, d.LastError = DeliveryRetrying, &at, code, errText
	res := tx.Model(&Delivery{}).Where("id = ? AND status IN ?", d.ID, unfinished).Updates(map[string]any{
		"status": DeliveryRetrying, "next_attempt_at": at, "lease_until": nil, "last_status_code": code, "last_error": errText, "updated_at": now,
	})
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error // ended meanwhile (a decided approval): nothing to schedule
	}
	s.hint(tx, HintDelivery, d.ID, deref(d.AccountID))
	return &at, nil
}

// unfinished are the statuses a delivery can still be attempted in.
var unfinished = []DeliveryStatus{DeliveryPending, DeliveryRetrying}

func (s *Store) finishDelivery(tx *Tx, d *Delivery, status DeliveryStatus, code *int, errText string, now time.Time) error {
	d.Status, d.LastStatusCode, d.LastError, d.CompletedAt, d.NextAttemptAt = status, code, errText, &now, nil
	// Conditional: a delivery ended meanwhile (an approval decided by callback, cancelled or
	// expired while its attempt was in flight) keeps its ending.
	res := tx.Model(&Delivery{}).Where("id = ? AND status IN ?", d.ID, unfinished).Updates(map[string]any{
		"status": status, "last_status_code": code, "last_error": errText, "completed_at": now, "next_attempt_at": nil, "lease_until": nil, "updated_at": now,
	})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	s.hint(tx, HintDelivery, d.ID, deref(d.AccountID))
	if status == DeliveryFailed && d.Kind == DeliveryKindApproval {
		return s.approvalDeliveryFailed(tx, d, errText)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// DueDeliveries lists unfinished deliveries whose next attempt is due before `before` and that
// need the per-delivery path (the sweeper re-enqueues them; the queue refuses the ones it
// still has). The deliveries the dispatcher claims itself are not listed (delivery_batch.go).
func (s *Store) DueDeliveries(ctx context.Context, before time.Time, limit int) ([]DeliveryRef, error) {
	var ds []Delivery
	if err := s.db.WithContext(ctx).Raw(`SELECT d.id, d.next_attempt_at FROM deliveries d LEFT JOIN endpoints e ON e.id = d.endpoint_id
		WHERE d.status IN ? AND d.next_attempt_at <= ? AND `+unleased+` AND NOT (e.id IS NOT NULL AND `+batchable+`)
		ORDER BY d.next_attempt_at LIMIT ?`, []DeliveryStatus{DeliveryPending, DeliveryRetrying}, before, before, limit).
		Scan(&ds).Error; err != nil {
		return nil, err
	}
	out := make([]DeliveryRef, len(ds))
	for i, d := range ds {
		out[i] = DeliveryRef{ID: d.ID, RunAt: *d.NextAttemptAt}
	}
	return out, nil
}

// ListDeliveries returns the account's delivery history, newest first. Admins and owners (the
// payloads can hold variables). System-scope deliveries are never part of it: see
// ListSystemDeliveries.
func (s *Store) ListDeliveries(ctx context.Context, a *Actor, accountID string, f DeliveryQuery, first int, after string) (*Page[Delivery], error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	return s.deliveryHistory(ctx, accountID, f, first, after)
}

// GetDelivery returns a delivery of an account the actor administers, or a system-scope
// delivery to a system administrator.
func (s *Store) GetDelivery(ctx context.Context, a *Actor, id string) (*Delivery, error) {
	if a == nil {
		return nil, Errorf(EUNAUTHORIZED, "authentication required")
	}
	if !validID(id) {
		return nil, notFound("delivery")
	}
	var d Delivery
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&d).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("delivery")
		}
		return nil, err
	}
	if d.AccountID == nil {
		if !a.managesSystem() {
			return nil, notFound("delivery")
		}
		return &d, nil
	}
	if _, err := s.Require(ctx, a, *d.AccountID, RoleAdmin); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, notFound("delivery")
		}
		return nil, err
	}
	return &d, nil
}

// AttemptsByDelivery loads the attempts of several deliveries, oldest first (dataloader).
func (s *Store) AttemptsByDelivery(ctx context.Context, ids []string) (map[string][]DeliveryAttempt, error) {
	var as []DeliveryAttempt
	if err := s.db.WithContext(ctx).Where("delivery_id IN ?", ids).Order("number").Find(&as).Error; err != nil {
		return nil, err
	}
	out := map[string][]DeliveryAttempt{}
	for _, a := range as {
		out[a.DeliveryID] = append(out[a.DeliveryID], a)
	}
	return out, nil
}

// DeliveryCounts counts an event's deliveries by status.
type DeliveryCounts struct {
	Succeeded, Pending, Failed int
}

// DeliveryCountsByEvent counts deliveries per event (dataloader).
func (s *Store) DeliveryCountsByEvent(ctx context.Context, ids []string) (map[string]DeliveryCounts, error) {
	var rows []struct {
		EventID string
		Status  DeliveryStatus
		N       int
	}
	if err := s.db.WithContext(ctx).Model(&Delivery{}).Select("event_id, status, count(*) AS n").
		// An event's own deliveries: those of system webhooks (account_id NULL) are the system
		// history's, not the account's.
		Where("event_id IN ? AND account_id IS NOT NULL", ids).
		Group("event_id, status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]DeliveryCounts{}
	for _, r := range rows {
		c := out[r.EventID]
		switch r.Status {
		case DeliverySucceeded:
			c.Succeeded += r.N
		case DeliveryFailed:
			c.Failed += r.N
		default:
			c.Pending += r.N
		}
		out[r.EventID] = c
	}
	return out, nil
}

// ResendDelivery sends a finished delivery again: the same bytes and id, a fresh set of
// attempts. Admins.
func (s *Store) ResendDelivery(ctx context.Context, a *Actor, id string) (*Delivery, error) {
	d, err := s.GetDelivery(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if d.Status == DeliveryPending || d.Status == DeliveryRetrying {
		return nil, Errorf(ECONFLICT, "the delivery is still being attempted")
	}
	if d.Kind == DeliveryKindApproval {
		return nil, Errorf(ECONFLICT, "approval requests are not resent: request the launch or termination again")
	}
	leaks, err := s.carriesWiderHiddenValue(ctx, d)
	if err != nil {
		return nil, err
	}
	if leaks {
		return nil, Errorf(ECONFLICT, "this delivery's payload carries the current value of a hidden variable of a wider scope than its webhook's (sent before hidden variables were kept in their scope): it is not resent; an administrator of that scope should rotate the variable")
	}
	var refs []DeliveryRef
	err = s.db.Tx(ctx, func(tx *Tx) error {
		r, err := s.requeue(tx, "id = ?", d.ID)
		refs = r
		if err != nil {
			return err
		}
		if d.AccountID == nil {
			return nil // system scope: no account's audit log (as for system endpoints and webhooks)
		}
		return s.audit(tx, a, *d.AccountID, "delivery.resent", "delivery", d.ID, fmt.Sprintf("%s resent delivery of %s", a.Label(), d.EventName))
	})
	if err != nil {
		return nil, err
	}
	s.enqueueAfter(ctx, refs)
	return s.GetDelivery(ctx, a, id)
}

// minLeakCheckLength: hidden values shorter than this are not searched for in payloads at
// resend (a value of one or two characters would match almost any payload by chance).
const minLeakCheckLength = 4

// carriesWiderHiddenValue reports whether d's payload contains the current value of a hidden
// variable of a scope wider than its webhook's (endpoint's, for a test event or a deleted
// webhook). Versions before hidden variables were kept in their scope sent such values to
// tenants' webhooks; their payloads are kept as they were sent and must not be sent again.
// A byte search of one payload, for the value as written and as JSON escapes it.
func (s *Store) carriesWiderHiddenValue(ctx context.Context, d *Delivery) (bool, error) {
	values, err := widerHiddenValues(s.db.WithContext(ctx), d)
	if err != nil {
		return false, err
	}
	return payloadHolds(d.Payload, values), nil
}

// widerHiddenValues lists the current values of the hidden variables of scopes wider than d's
// webhook (its endpoint's, for a test event or a deleted webhook), at least
// minLeakCheckLength bytes long.
func widerHiddenValues(db *gorm.DB, d *Delivery) ([]string, error) {
	var scope Scope
	var accountID string
	if d.WebhookID != nil {
		var h Webhook
		if err := db.Select("scope, account_id").Where("id = ?", *d.WebhookID).Limit(1).Find(&h).Error; err != nil {
			return nil, err
		}
		scope, accountID = h.Scope, deref(h.AccountID)
	}
	if scope == "" && d.EndpointID != nil {
		var ep Endpoint
		if err := db.Select("scope, account_id").Where("id = ?", *d.EndpointID).Limit(1).Find(&ep).Error; err != nil {
			return nil, err
		}
		scope, accountID = ep.Scope, deref(ep.AccountID)
	}
	if scope == "" {
		if d.AccountID == nil {
			return nil, nil // system scope: nothing is wider
		}
		scope, accountID = ScopeAccount, *d.AccountID // owner unknown: as narrow as the history it is filed in
	}
	var wider *gorm.DB
	switch scope {
	case ScopeSystem:
		return nil, nil
	case ScopeAccount:
		wider = db.Where("scope = ?", ScopeSystem)
	default: // environment and narrower
		wider = db.Where("scope = ?", ScopeSystem).Or("scope = ? AND account_id = ?", ScopeAccount, accountID)
	}
	var values []string
	if err := db.Model(&GlobalVariable{}).Where("hidden").Where(wider).Pluck("value", &values).Error; err != nil {
		return nil, err
	}
	out := values[:0]
	for _, v := range values {
		if len(v) >= minLeakCheckLength {
			out = append(out, v)
		}
	}
	return out, nil
}

// payloadHolds reports whether payload contains one of values, as written or JSON-escaped.
func payloadHolds(payload []byte, values []string) bool {
	for _, v := range values {
		if bytes.Contains(payload, []byte(v)) {
			return true
		}
		if j, err := json.Marshal(v); err == nil && bytes.Contains(payload, j[1:len(j)-1]) {
			return true
		}
	}
	return false
}

// requeue puts finished deliveries matching where back to pending for a fresh round of
// attempts, in tx.
func (s *Store) requeue(tx *Tx, where string, args ...any) ([]DeliveryRef, error) {
	var ds []Delivery
	if err := tx.Select("id, account_id, webhook_id, endpoint_id, payload").Where(where, args...).Where("kind = ?", DeliveryKindWebhook).Find(&ds).Error; err != nil {
		return nil, err
	}
	now := s.now()
	refs := make([]DeliveryRef, 0, len(ds))
	secrets := map[string][]string{} // wider hidden values, by webhook or endpoint
	for _, d := range ds {
		// A payload holding a wider scope's hidden value (sent before hidden variables were
		// kept in their scope) is not sent again (ResendDelivery refuses it with a reason).
		key := deref(d.WebhookID) + "/" + deref(d.EndpointID) + "/" + deref(d.AccountID)
		values, ok := secrets[key]
		if !ok {
			var err error
			if values, err = widerHiddenValues(tx.DB, &d); err != nil {
				return nil, err
			}
			secrets[key] = values
		}
		if payloadHolds(d.Payload, values) {
			continue
		}
		// A fresh round: the attempt limit grows by the webhook's own limit (at least one).
		if err := tx.Exec(`UPDATE deliveries SET status = ?, next_attempt_at = ?, lease_until = NULL, completed_at = NULL, updated_at = ?,
			max_attempts = attempts + COALESCE((SELECT max_attempts FROM webhooks WHERE webhooks.id = deliveries.webhook_id), 1)
			WHERE id = ?`, DeliveryPending, now, now, d.ID).Error; err != nil {
			return nil, err
		}
		refs = append(refs, DeliveryRef{ID: d.ID, RunAt: now})
		s.hint(tx, HintDelivery, d.ID, deref(d.AccountID))
	}
	return refs, nil
}

func (s *Store) enqueueAfter(ctx context.Context, refs []DeliveryRef) {
	if s.enqueuer != nil && len(refs) > 0 {
		s.enqueuer.EnqueueDeliveries(context.WithoutCancel(ctx), refs)
	}
}

// RetryFailedInput names the failed deliveries to retry: of one endpoint or one webhook, since
// a time. An empty AccountID means the system scope (system administrators).
type RetryFailedInput struct {
	AccountID  string
	EndpointID string
	WebhookID  string
	Since      time.Time
}

// RetryFailed queues every failed delivery of an endpoint or a webhook since a time again.
// Admins. It returns how many were queued.
func (s *Store) RetryFailed(ctx context.Context, a *Actor, in RetryFailedInput) (int, error) {
	where := "account_id = ? AND status = ? AND created_at >= ?"
	args := []any{in.AccountID, DeliveryFailed, in.Since.UTC()}
	if in.AccountID == "" {
		if err := RequireSystemAdmin(a, "retry system deliveries"); err != nil {
			return 0, err
		}
		where, args = "account_id IS NULL AND status = ? AND created_at >= ?", args[1:]
	} else if _, err := s.Require(ctx, a, in.AccountID, RoleAdmin); err != nil {
		return 0, err
	}
	switch {
	case in.EndpointID != "" && validID(in.EndpointID):
		where += " AND endpoint_id = ?"
		args = append(args, in.EndpointID)
	case in.WebhookID != "" && validID(in.WebhookID):
		where += " AND webhook_id = ?"
		args = append(args, in.WebhookID)
	default:
		return 0, FieldError(EINVALID, "endpointId", "name an endpoint or a webhook")
	}
	var refs []DeliveryRef
	err := s.db.Tx(ctx, func(tx *Tx) error {
		r, err := s.requeue(tx, where, args...)
		refs = r
		if err != nil || len(r) == 0 || in.AccountID == "" {
			return err
		}
		return s.audit(tx, a, in.AccountID, "delivery.retried", "delivery", r[0].ID, fmt.Sprintf("%s retried %d failed deliveries", a.Label(), len(r)))
	})
	if err != nil {
		return 0, err
	}
	s.enqueueAfter(ctx, refs)
	return len(refs), nil
}

// TestEventName is the event a "send test event" delivers.
const TestEventName = "TestEvent"

// SendTestEvent delivers a test event to one endpoint, outside any webhook. Admins.
func (s *Store) SendTestEvent(ctx context.Context, a *Actor, endpointID string) (*Delivery, error) {
	ep, err := s.GetEndpoint(ctx, a, endpointID, RoleAdmin)
	if err != nil {
		return nil, err
	}
	// A system endpoint's test event belongs to no account (events.account_id NULL, migration
	// 0009): it is read in the system history only, and no tenant is told about it.
	accountID := deref(ep.AccountID)
	var d *Delivery
	err = s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		scalrID, err := s.installationID(tx)
		if err != nil {
			return err
		}
		ev := &Event{ID: newID(), AccountID: accountID, EnvironmentID: ep.EnvironmentID, Name: TestEventName, Source: a.Label(), CreatedAt: now}
		builtin := map[string]string{
			"SCALR_ID": scalrID, "SCALR_EVENT_NAME": TestEventName, "SCALR_EVENT_ID": ev.ID,
			"SCALR_TEST_MESSAGE": "This is a test event from Switchboard.",
		}
		if accountID != "" {
			builtin["SCALR_ACCOUNT_ID"] = accountID
		}
		vars := eventVariables{Builtin: builtin}
		raw, _ := json.Marshal(vars)
		ev.Variables = string(raw)
		if accountID == "" {
			if err := tx.Exec("INSERT INTO events (id, account_id, environment_id, name, variables, created_at, source) VALUES (?, NULL, ?, ?, ?, ?, ?)",
				ev.ID, ev.EnvironmentID, ev.Name, ev.Variables, ev.CreatedAt, ev.Source).Error; err != nil {
				return err
			}
		} else if err := tx.Create(ev).Error; err != nil {
			return err
		}
		var body []byte
		if ep.Format == FormatSlack {
			body, _ = json.Marshal(map[string]string{"text": "Switchboard test event: endpoint " + ep.Name + " works."})
		} else {
			body, err = scalr.Payload{EventName: TestEventName, EventID: ev.ID, Timestamp: now, ConfigurationID: "00000000-0000-0000-0000-000000000000",
				Data: vars.Builtin, EndpointID: ep.ID}.Encode()
			if err != nil {
				return err
			}
		}
		eid := ep.ID
		owner := &accountID
		if ep.Scope == ScopeSystem {
			owner = nil // not filed under a tenant: see buildDeliveries
		}
		d = &Delivery{ID: newID(), Kind: DeliveryKindWebhook, AccountID: owner, EventID: ev.ID, EventName: TestEventName, EndpointID: &eid, Payload: body,
			Status: DeliveryPending, MaxAttempts: 1, TimeoutSeconds: DefaultWebhookTimeout, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		if accountID != "" { // a system test event is no tenant's news
			s.hint(tx, HintEvent, ev.ID, accountID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.enqueueAfter(ctx, []DeliveryRef{{ID: d.ID, RunAt: s.now()}})
	return d, nil
}

// Settings keys.
const SettingDeliveryRetentionDays = "delivery_retention_days"

// DefaultRetentionDays keeps events and deliveries for a month.
const DefaultRetentionDays = 30

// RetentionDays returns the configured retention.
func (s *Store) RetentionDays(ctx context.Context) (int, error) {
	var v []string
	if err := s.db.WithContext(ctx).Table("settings").Where("key = ?", SettingDeliveryRetentionDays).Pluck("value", &v).Error; err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return DefaultRetentionDays, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil {
		return DefaultRetentionDays, nil
	}
	return n, nil
}

// SetRetentionDays sets how long events and deliveries are kept (1–3650 days). System
// administrators only.
func (s *Store) SetRetentionDays(ctx context.Context, a *Actor, days int) error {
	if a == nil || !(a.System || (a.IsSystemAdmin && a.TokenID == "")) {
		return Errorf(EFORBIDDEN, "only system administrators change retention")
	}
	if days < 1 || days > 3650 {
		return FieldError(EINVALID, "days", "retention must be between 1 and 3650 days")
	}
	return s.db.WithContext(ctx).Exec(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		SettingDeliveryRetentionDays, strconv.Itoa(days), s.now()).Error
}

// PurgeHistory deletes finished events older than the retention (their deliveries and
// attempts go with them). Events with unfinished deliveries stay.
func (s *Store) PurgeHistory(ctx context.Context) (int64, error) {
	days, err := s.RetentionDays(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := s.now().Add(-time.Duration(days) * 24 * time.Hour)
	res := s.db.WithContext(ctx).Exec(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ? AND NOT EXISTS
		(SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id AND deliveries.status IN ('pending', 'retrying')) LIMIT 5000)`, cutoff)
	return res.RowsAffected, res.Error
}

// DeliveryStatsBucket counts deliveries created in one hour by outcome.
type DeliveryStatsBucket struct {
	Start                      time.Time
	Succeeded, Failed, Pending int
}

// DeliveryStats counts the account's deliveries per hour over the last hours, narrowed by the
// history's filter (the chart follows the table). Admins.
func (s *Store) DeliveryStats(ctx context.Context, a *Actor, accountID string, hours int, f DeliveryQuery) ([]DeliveryStatsBucket, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if hours < 1 || hours > 24*31 {
		return nil, FieldError(EINVALID, "hours", "hours must be between 1 and 744")
	}
	end := s.now().Truncate(time.Hour).Add(time.Hour)
	start := end.Add(-time.Duration(hours) * time.Hour)
	bucket := "strftime('%Y-%m-%dT%H:00:00Z', created_at)"
	if s.db.Dialect == Postgres {
		bucket = "to_char(date_trunc('hour', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')"
	}
	var rows []struct {
		Bucket string
		Status DeliveryStatus
		N      int
	}
	out := make([]DeliveryStatsBucket, hours)
	q, empty, err := s.historyQuery(ctx, accountID, f)
	if err != nil {
		return nil, err
	}
	if !empty {
		if err := q.Select(bucket+" AS bucket, status, count(*) AS n").Where("created_at >= ?", start).
			Group("bucket, status").Scan(&rows).Error; err != nil {
			return nil, err
		}
	}
	index := map[string]int{}
	for i := range out {
		out[i].Start = start.Add(time.Duration(i) * time.Hour)
		index[out[i].Start.UTC().Format("2006-01-02T15:00:00Z")] = i
	}
	for _, r := range rows {
		i, ok := index[r.Bucket]
		if !ok {
			continue
		}
		switch r.Status {
		case DeliverySucceeded:
			out[i].Succeeded += r.N
		case DeliveryFailed:
			out[i].Failed += r.N
		default:
			out[i].Pending += r.N
		}
	}
	return out, nil
}

// GetEvent returns an event the actor can see.
func (s *Store) GetEvent(ctx context.Context, a *Actor, id string) (*Event, error) {
	var e Event
	if err := s.getScoped(ctx, a, &e, id, "event", RoleViewer); err != nil {
		return nil, err
	}
	return &e, nil
}

func (e *Event) accountOf() string { return e.AccountID }

// EventsByID loads events (dataloader); callers pass events the actor may see.
func (s *Store) EventsByID(ctx context.Context, ids []string) (map[string]*Event, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Event) string { return r.ID })
}

// WebhooksByID loads webhooks (dataloader).
func (s *Store) WebhooksByID(ctx context.Context, ids []string) (map[string]*Webhook, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Webhook) string { return r.ID })
}

// WebhooksUsingEndpoint lists the webhooks that send to an endpoint.
func (s *Store) WebhooksUsingEndpoint(ctx context.Context, endpointID string) ([]Webhook, error) {
	var hs []Webhook
	err := s.db.WithContext(ctx).Joins("JOIN webhook_endpoints ON webhook_endpoints.webhook_id = webhooks.id").
		Where("webhook_endpoints.endpoint_id = ?", endpointID).Order("lower(webhooks.name)").Find(&hs).Error
	return hs, err
}

// ListCustomEvents returns custom events defined at exactly one scope.
func (s *Store) ListCustomEvents(ctx context.Context, a *Actor, scope ScopeKey) ([]CustomEvent, error) {
	ref, err := s.resolveScope(ctx, a, scope, RoleViewer)
	if err != nil {
		return nil, err
	}
	var out []CustomEvent
	err = s.db.WithContext(ctx).Where("scope = ? AND scope_id = ?", ref.Scope, ref.scopeKey()).Order("lower(name)").Find(&out).Error
	return out, err
}

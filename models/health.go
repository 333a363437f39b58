package models

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// Endpoint health: a circuit breaker per endpoint (docs/webhooks.md, "Endpoint health").
//
//   - ACTIVE: deliveries are attempted. Every attempt that ends in a retryable failure (5xx, 429,
//     timeout, connection error) adds to the endpoint's streak of consecutive failures; any
//     answer that is not retryable (2xx, 4xx, 410) ends the streak.
//   - PAUSED: after BreakerPolicy.Threshold consecutive failures. Its deliveries wait: BeginAttempt
//     puts them back without charging an attempt (EndpointPausedError). When NextProbeAt comes,
//     the first due delivery is the probe: a real attempt whose charge is refunded if it fails,
//     after which the cool-down grows (CoolDownMin doubling up to CoolDownMax). A probe that
//     succeeds resumes the endpoint and releases its waiting deliveries at ReleaseRate.
//   - DISABLED: the endpoint is inactive (Active false, InactiveReason says why). The breaker
//     disables an endpoint whose streak has lasted DisableAfter; its waiting deliveries fail
//     with that reason.
//
// Each transition writes, in the transaction that causes it, an operational event
// (EndpointPaused, EndpointResumed, EndpointDisabled) that webhooks can subscribe to, an audit
// entry and a live hint. The paused and disabled events are never delivered to the endpoint
// they are about (it is down; see buildDeliveries), so an endpoint subscribed to its own health
// cannot feed itself; an event reaching another paused endpoint just waits like any delivery,
// and each event needs a real transition (Threshold failed attempts), so events cannot storm.

// BreakerPolicy configures endpoint health.
type BreakerPolicy struct {
	Threshold    int           // consecutive failed attempts that pause an endpoint
	DisableAfter time.Duration // a streak this long disables it
	CoolDownMin  time.Duration // the first wait before a probe
	CoolDownMax  time.Duration // the longest wait between probes
	ReleaseRate  float64       // deliveries per second released after a resume
}

// DefaultBreakerPolicy is the policy of a new Store.
var DefaultBreakerPolicy = BreakerPolicy{
	Threshold: 5, DisableAfter: 5 * 24 * time.Hour, CoolDownMin: 30 * time.Second, CoolDownMax: 5 * time.Minute, ReleaseRate: 10,
}

// SetBreakerPolicy replaces the endpoint health policy; zero fields keep the default.
func (s *Store) SetBreakerPolicy(p BreakerPolicy) {
	d := DefaultBreakerPolicy
	if p.Threshold > 0 {
		d.Threshold = p.Threshold
	}
	if p.DisableAfter > 0 {
		d.DisableAfter = p.DisableAfter
	}
	if p.CoolDownMin > 0 {
		d.CoolDownMin = p.CoolDownMin
	}
	if p.CoolDownMax > 0 {
		d.CoolDownMax = max(p.CoolDownMax, d.CoolDownMin)
	}
	if p.ReleaseRate > 0 {
		d.ReleaseRate = p.ReleaseRate
	}
	s.breaker = d
}

// coolDown is the wait before probe number n+1 after n failed probes.
func (p BreakerPolicy) coolDown(failedProbes int) time.Duration {
	d := p.CoolDownMin
	for i := 0; i < failedProbes && d < p.CoolDownMax; i++ {
		d *= 2
	}
	return min(d, p.CoolDownMax)
}

// Operational event names.
const (
	EventEndpointPaused   = "EndpointPaused"
	EventEndpointResumed  = "EndpointResumed"
	EventEndpointDisabled = "EndpointDisabled"
)

// EndpointState is an endpoint's health as shown to users.
type EndpointState string

const (
	EndpointActive   EndpointState = "ACTIVE"
	EndpointPaused   EndpointState = "PAUSED"
	EndpointDisabled EndpointState = "DISABLED"
)

// MarshalGQL implements the GraphQL enum encoding.
func (st EndpointState) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, `"`+string(st)+`"`) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (st *EndpointState) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch EndpointState(s) {
	case EndpointActive, EndpointPaused, EndpointDisabled:
		*st = EndpointState(s)
		return nil
	}
	return fmt.Errorf("unknown endpoint state %v", v)
}

// EndpointHealth is the breaker's view of an endpoint.
type EndpointHealth struct {
	State               EndpointState
	Reason              string
	Since               *time.Time
	ConsecutiveFailures int
	NextProbeAt         *time.Time
}

// Health returns the endpoint's health.
func (e *Endpoint) Health() EndpointHealth {
	h := EndpointHealth{State: EndpointActive, Since: e.HealthSince, ConsecutiveFailures: e.ConsecutiveFailures}
	switch {
	case !e.Active:
		h.State, h.Reason = EndpointDisabled, e.InactiveReason
		if h.Reason == "" {
			h.Reason = "turned off by a user"
		}
	case e.PausedAt != nil:
		h.State, h.Reason, h.Since, h.NextProbeAt = EndpointPaused, e.PauseReason, e.PausedAt, e.NextProbeAt
	}
	return h
}

// EndpointPausedError means a delivery's endpoint is paused: the delivery waits (no attempt
// charged) and runs again at At.
type EndpointPausedError struct{ At time.Time }

func (e *EndpointPausedError) Error() string {
	return "endpoint paused: delivery waits until " + e.At.Format(time.RFC3339)
}

// ThrottledError means the endpoint's rate limit has no room now: the delivery runs again at
// At, no attempt charged. It is not a failure.
type ThrottledError struct{ At time.Time }

func (e *ThrottledError) Error() string {
	return "endpoint rate limit: delivery waits until " + e.At.Format(time.RFC3339)
}

// RateGate takes one request from an endpoint's rate limit, shared by every worker (the jobs
// package implements it on Redis). It returns 0 when the delivery may be sent now, otherwise how
// long to wait: the delivery's place is kept, so asking again after that wait lets it through.
type RateGate interface {
	Take(ctx context.Context, endpointID, deliveryID string, perSecond float64) (wait time.Duration, err error)
}

// SetRateGate wires the rate limiter (nil: endpoint rate limits are not enforced).
func (s *Store) SetRateGate(g RateGate) { s.rateGate = g }

// healthReset is the column values of an endpoint with a clean bill of health.
var healthReset = map[string]any{
	"consecutive_failures": 0, "failing_since": nil, "paused_at": nil, "pause_reason": "", "next_probe_at": nil, "failed_probes": 0,
}

// gateAttempt decides, inside BeginAttempt's transaction, whether a delivery to ep may be
// attempted now. It returns a hold (*EndpointPausedError or *ThrottledError) when the delivery
// must wait, and probe when this attempt is the paused endpoint's probe (its charge is refunded
// by BeginAttempt).
func (s *Store) gateAttempt(ctx context.Context, tx *Tx, d *Delivery, ep *Endpoint, now time.Time) (hold error, probe bool, err error) {
	// A test event (the console's "send test event") is not held by a pause: it is how an admin
	// checks a receiver by hand, and its success resumes the endpoint.
	paused := ep.PausedAt != nil && !(d.EventName == TestEventName && d.WebhookID == nil)
	if paused && ep.NextProbeAt != nil && ep.NextProbeAt.After(now) {
		return s.holdPaused(tx, d, *ep.NextProbeAt)
	}
	if ep.RateLimit != nil && s.rateGate != nil {
		wait, err := s.rateGate.Take(ctx, ep.ID, d.ID, *ep.RateLimit)
		if err != nil {
			return nil, false, fmt.Errorf("endpoint rate limit: %w", err)
		}
		if wait > 0 {
			return &ThrottledError{At: now.Add(wait)}, false, nil
		}
	}
	if !paused {
		return nil, false, nil
	}
	// The probe is due: the first worker to move next_probe_at on makes it. The lease covers
	// the attempt; the outcome sets the real next probe.
	lease := now.Add(time.Duration(max(d.TimeoutSeconds, 1))*time.Second + s.breaker.CoolDownMin)
	res := tx.Model(&Endpoint{}).Where("id = ? AND paused_at IS NOT NULL AND (next_probe_at IS NULL OR next_probe_at <= ?)", ep.ID, now).
		Update("next_probe_at", lease)
	if res.Error != nil {
		return nil, false, res.Error
	}
	if res.RowsAffected == 0 {
		return s.holdPaused(tx, d, lease)
	}
	return nil, true, nil
}

// holdPaused puts a delivery of a paused endpoint back to wait until shortly after at (spread
// a little so the waiting deliveries do not wake together). Its row says so, for the sweeper.
func (s *Store) holdPaused(tx *Tx, d *Delivery, at time.Time) (error, bool, error) {
	at = at.Add(time.Duration(rand.Int64N(int64(5 * time.Second))))
	if err := tx.Model(&Delivery{}).Where("id = ?", d.ID).Update("next_attempt_at", at).Error; err != nil {
		return nil, false, err
	}
	return &EndpointPausedError{At: at}, false, nil
}

// attemptFailedEndpoint reports whether an attempt's result counts against its endpoint's
// health: retryable failures do, except a cancelled attempt (a worker shutting down).
func attemptFailedEndpoint(r AttemptResult) bool {
	return r.Outcome == AttemptRetry && r.ErrorClass != "canceled"
}

// recordEndpointHealth applies an attempt's result to its endpoint's health, in tx. It returns
// a reason when the endpoint was disabled by this result (the delivery then fails with it).
func (s *Store) recordEndpointHealth(tx *Tx, t *AttemptTarget, r AttemptResult, now time.Time) (disabled string, err error) {
	ep := t.Endpoint
	if !attemptFailedEndpoint(r) {
		if r.Outcome == AttemptRetry {
			return "", nil // cancelled: says nothing about the endpoint
		}
		// The endpoint answered: resume it if paused, end any streak.
		res := tx.Model(&Endpoint{}).Where("id = ? AND paused_at IS NOT NULL", ep.ID).Updates(withNow(healthReset, "health_since", now))
		if res.Error != nil {
			return "", res.Error
		}
		if res.RowsAffected == 1 {
			if err := s.resumed(tx, ep, SystemActor, "a delivery succeeded", t.Delivery.ID, now); err != nil {
				return "", err
			}
			return "", nil
		}
		return "", tx.Model(&Endpoint{}).Where("id = ? AND (consecutive_failures <> 0 OR failing_since IS NOT NULL)", ep.ID).
			Updates(map[string]any{"consecutive_failures": 0, "failing_since": nil}).Error
	}
	if err := tx.Exec("UPDATE endpoints SET consecutive_failures = consecutive_failures + 1, failing_since = COALESCE(failing_since, ?) WHERE id = ?", now, ep.ID).Error; err != nil {
		return "", err
	}
	var cur Endpoint
	if err := tx.Where("id = ?", ep.ID).Take(&cur).Error; err != nil {
		return "", err
	}
	if !cur.Active {
		return "", nil
	}
	p := s.breaker
	if cur.FailingSince != nil && now.Sub(*cur.FailingSince) >= p.DisableAfter {
		reason := fmt.Sprintf("failing since %s (%s): disabled automatically", cur.FailingSince.UTC().Format(time.RFC3339), describe(now.Sub(*cur.FailingSince)))
		return reason, s.disableEndpoint(tx, &cur, reason, t.Delivery.ID, now)
	}
	if cur.PausedAt == nil {
		if cur.ConsecutiveFailures < p.Threshold {
			return "", nil
		}
		reason := fmt.Sprintf("%d consecutive failed attempts (last: %s)", cur.ConsecutiveFailures, failureText(r))
		next := now.Add(p.coolDown(0))
		res := tx.Model(&Endpoint{}).Where("id = ? AND paused_at IS NULL", cur.ID).Updates(map[string]any{
			"paused_at": now, "pause_reason": truncate(reason, 500), "next_probe_at": next, "failed_probes": 0, "health_since": now,
		})
		if res.Error != nil || res.RowsAffected == 0 {
			return "", res.Error
		}
		return "", s.endpointTransition(tx, &cur, EventEndpointPaused, SystemActor, reason, now)
	}
	if t.Probe {
		n := cur.FailedProbes + 1
		return "", tx.Model(&Endpoint{}).Where("id = ?", cur.ID).Updates(map[string]any{
			"failed_probes": n, "next_probe_at": now.Add(p.coolDown(n)),
		}).Error
	}
	return "", nil
}

func failureText(r AttemptResult) string {
	switch {
	case r.ErrorMessage != "":
		return truncate(r.ErrorMessage, 200)
	case r.StatusCode > 0:
		return fmt.Sprintf("HTTP %d", r.StatusCode)
	}
	return "no answer"
}

func withNow(m map[string]any, k string, now time.Time) map[string]any {
	out := make(map[string]any, len(m)+1)
	for key, v := range m {
		out[key] = v
	}
	out[k] = now
	return out
}

// describe writes a duration for people: "5 days", "3 h", "12 min".
func describe(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d s", int(d/time.Second))
}

// disableEndpoint turns a failing endpoint off and fails its waiting deliveries (except
// current, which the caller finishes) with the reason.
func (s *Store) disableEndpoint(tx *Tx, ep *Endpoint, reason, current string, now time.Time) error {
	changes := withNow(healthReset, "health_since", now)
	changes["active"], changes["inactive_reason"], changes["updated_at"] = false, truncate(reason, 500), now
	changes["consecutive_failures"], changes["failing_since"] = ep.ConsecutiveFailures, ep.FailingSince
	res := tx.Model(&Endpoint{}).Where("id = ? AND active", ep.ID).Updates(changes)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	var waiting []Delivery
	if err := othersWaiting(tx, ep.ID, current).Find(&waiting).Error; err != nil {
		return err
	}
	for i := range waiting {
		if err := s.finishDelivery(tx, &waiting[i], DeliveryFailed, waiting[i].LastStatusCode, "the endpoint was disabled: "+reason, now); err != nil {
			return err
		}
	}
	return s.endpointTransition(tx, ep, EventEndpointDisabled, SystemActor, reason, now)
}

// resumed finishes a resume in tx: the event, audit entry and hint, and the waiting deliveries
// released at the policy's rate (except current, which is being finished by the caller).
func (s *Store) resumed(tx *Tx, ep *Endpoint, a *Actor, reason, current string, now time.Time) error {
	if err := s.endpointTransition(tx, ep, EventEndpointResumed, a, reason, now); err != nil {
		return err
	}
	var waiting []Delivery
	if err := othersWaiting(tx, ep.ID, current).Select("id").Order("created_at, id").Find(&waiting).Error; err != nil {
		return err
	}
	step := time.Duration(float64(time.Second) / s.breaker.ReleaseRate)
	refs := make([]DeliveryRef, 0, len(waiting))
	for i, w := range waiting {
		at := now.Add(time.Duration(i) * step)
		if err := tx.Model(&Delivery{}).Where("id = ?", w.ID).Update("next_attempt_at", at).Error; err != nil {
			return err
		}
		refs = append(refs, DeliveryRef{ID: w.ID, RunAt: at})
	}
	if len(refs) > 0 {
		ctx := tx.Statement.Context
		tx.AfterCommit(func() { s.enqueueAfter(context.WithoutCancel(ctx), refs) })
	}
	return nil
}

// othersWaiting selects an endpoint's unfinished deliveries other than current ("" for none).
func othersWaiting(tx *Tx, endpointID, current string) *gorm.DB {
	q := tx.Where("endpoint_id = ? AND status IN ?", endpointID, unfinished)
	if current != "" {
		q = q.Where("id <> ?", current)
	}
	return q
}

// endpointTransition records a health transition: the operational event (which webhooks may
// subscribe to), the audit entry and a live hint, in tx. Endpoints of the system scope belong to
// no account: they get neither event nor audit entry (both live in an account), only the hint.
func (s *Store) endpointTransition(tx *Tx, ep *Endpoint, event string, a *Actor, reason string, now time.Time) error {
	accountID := deref(ep.AccountID)
	s.hint(tx, HintEndpoint, ep.ID, accountID)
	if err := s.mailAdminsEndpointHealth(tx, ep, event, reason); err != nil {
		return err
	}
	if accountID == "" {
		return nil
	}
	spec := eventSpec{name: event, accountID: accountID, envID: deref(ep.EnvironmentID), source: a.Label(), extra: map[string]string{
		"SCALR_ENDPOINT_ID": ep.ID, "SCALR_ENDPOINT_NAME": ep.Name, "SCALR_ENDPOINT_REASON": reason,
		"SCALR_ENDPOINT_STATE": map[string]string{EventEndpointPaused: "PAUSED", EventEndpointResumed: "ACTIVE", EventEndpointDisabled: "DISABLED"}[event],
		"SCALR_ENDPOINT_AT":    now.UTC().Format(time.RFC3339),
	}}
	if event != EventEndpointResumed {
		spec.skipEndpoint = ep.ID // it is down: never told about itself
	}
	if _, err := s.recordEvent(tx, spec); err != nil {
		return err
	}
	action := map[string]string{EventEndpointPaused: "endpoint.paused", EventEndpointResumed: "endpoint.resumed", EventEndpointDisabled: "endpoint.disabled"}[event]
	verb := map[string]string{EventEndpointPaused: "paused", EventEndpointResumed: "resumed", EventEndpointDisabled: "disabled"}[event]
	return s.audit(tx, a, accountID, action, "endpoint", ep.ID, truncate(fmt.Sprintf("%s %s endpoint %q: %s", a.Label(), verb, ep.Name, reason), 1000))
}

// mailAdminsEndpointHealth mails a health transition (issue 8, item 2) to the owners and admins
// of the endpoint's account, or to the system administrators for a system endpoint, through the
// one mail path: the rows are written in tx (they commit with the transition) and enqueued after
// commit. A resume is mailed only when it ends a pause or a disable that was mailed, i.e. always
// (every pause and disable is).
func (s *Store) mailAdminsEndpointHealth(tx *Tx, ep *Endpoint, event, reason string) error {
	accountID := deref(ep.AccountID)
	var emails []string
	q := tx.Table("users").Select("DISTINCT users.email")
	if accountID != "" {
		q = q.Joins("JOIN memberships ON memberships.user_id = users.id").
			Where("memberships.account_id = ? AND memberships.role IN ?", accountID, []Role{RoleOwner, RoleAdmin})
	} else {
		q = q.Where("users.is_system_admin")
	}
	if err := q.Order("users.email").Limit(100).Pluck("users.email", &emails).Error; err != nil {
		return err
	}
	state := map[string]string{EventEndpointPaused: "paused", EventEndpointResumed: "resumed", EventEndpointDisabled: "disabled"}[event]
	subject := fmt.Sprintf("Endpoint %s %s", ep.Name, state)
	var what string
	switch event {
	case EventEndpointPaused:
		what = "Switchboard paused deliveries to this endpoint because it kept failing. Its deliveries wait (no attempts are used up) while Switchboard probes it; the first success resumes it."
	case EventEndpointDisabled:
		what = "Switchboard disabled this endpoint because it failed without a break for too long. Its waiting deliveries have failed; turn it on again from the console once the receiver works."
	default:
		what = "The endpoint answers again: its waiting deliveries are being sent."
	}
	link := s.links.Endpoints(accountID)
	text := fmt.Sprintf("%s\n\nEndpoint: %s\nReason: %s\n", what, ep.Name, reason)
	if link != "" {
		text += "\nOpen the endpoints in Switchboard: " + link + "\n"
	}
	var refs []MailRef
	for _, to := range emails {
		_, ref, err := s.queueMail(tx, MailInput{AccountID: accountID, Kind: MailNotice, To: to, Subject: subject, Text: text})
		if err != nil {
			if CodeOf(err) == EINVALID {
				continue // an address the mail path refuses: the others are still told
			}
			return err
		}
		if ref != nil {
			refs = append(refs, *ref)
		}
	}
	if len(refs) > 0 {
		ctx := tx.Statement.Context
		tx.AfterCommit(func() { s.enqueueMailAfter(ctx, refs) })
	}
	return nil
}

// ResumeEndpoint resumes a paused endpoint, or turns a disabled one on again, and releases its
// waiting deliveries. Admins of the endpoint's scope.
func (s *Store) ResumeEndpoint(ctx context.Context, a *Actor, id string) (*Endpoint, error) {
	e, err := s.GetEndpoint(ctx, a, id, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if e.Active && e.PausedAt == nil {
		return nil, Errorf(ECONFLICT, "endpoint %q is not paused or disabled", e.Name)
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		changes := withNow(healthReset, "health_since", now)
		changes["active"], changes["inactive_reason"], changes["updated_at"] = true, "", now
		res := tx.Model(&Endpoint{}).Where("id = ? AND (NOT active OR paused_at IS NOT NULL)", e.ID).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "endpoint %q is not paused or disabled", e.Name)
		}
		return s.resumed(tx, e, a, "resumed by "+a.Label(), "", now)
	})
	if err != nil {
		return nil, err
	}
	return s.GetEndpoint(ctx, a, id, RoleAdmin)
}

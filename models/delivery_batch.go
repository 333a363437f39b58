package models

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// Batched delivery (docs/delivery-batching.md). The dispatcher claims due deliveries many at a
// time and records their results together; what needs per-delivery care (approvals, paused or
// rate-limited endpoints, exhausted or orphaned rows) stays on the per-delivery path
// (BeginAttempt/FinishAttempt, one Asynq task each), which the sweeper feeds.

// batchable is the condition, on deliveries d joined with endpoints e, of a delivery the
// dispatcher may claim. The sweeper enqueues per-delivery tasks for the due rows that fail it.
const batchable = `d.kind = 'webhook' AND d.attempts < d.max_attempts AND e.active AND e.paused_at IS NULL AND e.rate_limit IS NULL`

// unleased is the condition of a delivery no attempt holds at the time given by its parameter.
const unleased = `(d.lease_until IS NULL OR d.lease_until <= ?)`

// claimLeaseMargin is added to a delivery's timeout to make the lease of a claimed attempt:
// until then its lease_until hides it from other claims, the sweeper and its own task.
// A worker that dies mid-attempt leaves the attempt counted; the delivery is due again when
// the lease ends (at-least-once: receivers dedupe on the delivery id).
const claimLeaseMargin = 30 * time.Second

// leaseUntil is when a claim taken at now of a delivery with this timeout ends.
func leaseUntil(now time.Time, timeoutSeconds int) time.Time {
	return now.Add(time.Duration(max(timeoutSeconds, 1))*time.Second + claimLeaseMargin)
}

// claimedRow is what a claim returns per delivery.
type claimedRow struct {
	Delivery
	RetrySchedule *string
	// The endpoint's columns that address and sign the request, as of the claim: a cached
	// endpoint whose columns differ is read again.
	EpURL      string
	EpKey      []byte
	EpPrevKey  []byte
	EpHeaders  []byte
	EpOverlap  *time.Time
	EpSwitchAt *time.Time
}

// endpointCols are claimedRow's endpoint columns, selected from endpoints e.
const endpointCols = `e.url AS ep_url, e.signing_key_enc AS ep_key, e.previous_signing_key_enc AS ep_prev_key,
	e.custom_headers_enc AS ep_headers, e.key_overlap_until AS ep_overlap, e.signature_switch_at AS ep_switch_at`

// current reports whether a cached endpoint still has the claimed row's sending columns.
func (r *claimedRow) current(e *Endpoint) bool {
	return e.URL == r.EpURL && bytes.Equal(e.SigningKeyEnc, r.EpKey) && bytes.Equal(e.PreviousSigningKeyEnc, r.EpPrevKey) &&
		bytes.Equal(e.CustomHeadersEnc, r.EpHeaders) && sameTime(e.KeyOverlapUntil, r.EpOverlap) && sameTime(e.SignatureSwitchAt, r.EpSwitchAt)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// ClaimDeliveries claims up to limit due deliveries that need no per-delivery care, records
// the start of their next attempt (the attempt rows are written before any call is made) and
// returns what the dispatcher needs to send them. On PostgreSQL concurrent claimers never get
// the same delivery (FOR NO KEY UPDATE SKIP LOCKED: the lock the update takes anyway, which
// does not conflict with the key-share locks of foreign-key checks, so a delivery whose search
// text is being indexed is not skipped); SQLite has one writer.
func (s *Store) ClaimDeliveries(ctx context.Context, limit int) ([]*AttemptTarget, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []*AttemptTarget
	err := s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		rows, err := s.claimRows(tx, now, limit)
		if err != nil || len(rows) == 0 {
			return err
		}
		eps, unreadable, err := s.sendingEndpoints(tx, rows)
		if err != nil {
			return err
		}
		if err := s.holdUnreadable(tx, rows, unreadable, now); err != nil {
			return err
		}
		attempts := make([]DeliveryAttempt, 0, len(rows))
		out = make([]*AttemptTarget, 0, len(rows))
		for i := range rows {
			r := &rows[i]
			se := eps[*r.EndpointID]
			if se == nil {
				continue // its endpoint's secrets cannot be read: held (holdUnreadable)
			}
			d := r.Delivery
			a := DeliveryAttempt{ID: newID(), DeliveryID: d.ID, Number: d.Attempts, StartedAt: now, URL: se.ep.URL}
			attempts = append(attempts, a)
			keys := se.ep.keysAt(se.key, se.prevKey, now)
			h := Webhook{RetrySchedule: r.RetrySchedule}
			out = append(out, &AttemptTarget{
				Delivery: &d, Endpoint: &se.ep, SigningKey: keys.Standard[len(keys.Standard)-1], Keys: keys,
				Headers: se.headers, RetrySchedule: h.Schedule(),
			})
		}
		if err := insertAttempts(tx, attempts); err != nil {
			return err
		}
		for i := range out {
			out[i].Attempt = &attempts[i]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimRows counts the claimed deliveries' attempts and leases them (lease_until, a column in
// no index: a HOT update), in tx, and returns them.
func (s *Store) claimRows(tx *Tx, now time.Time, limit int) ([]claimedRow, error) {
	var rows []claimedRow
	if tx.dialect == Postgres {
		// One statement: pick, lock, count the attempt and lease, return with the endpoint's
		// version and the webhook's retry schedule.
		err := tx.Raw(`WITH picked AS (
			SELECT d.id FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
			WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ? AND `+unleased+` AND `+batchable+`
			ORDER BY d.next_attempt_at LIMIT ?
			FOR NO KEY UPDATE OF d SKIP LOCKED)
		UPDATE deliveries d SET attempts = d.attempts + 1, updated_at = ?,
			lease_until = ?::timestamptz + make_interval(secs => GREATEST(d.timeout_seconds, 1) + ?)
		FROM picked, endpoints e
		WHERE d.id = picked.id AND e.id = d.endpoint_id
		RETURNING d.*, `+endpointCols+`,
			(SELECT w.retry_schedule FROM webhooks w WHERE w.id = d.webhook_id) AS retry_schedule`,
			now, now, limit, now, now, claimLeaseMargin.Seconds()).Scan(&rows).Error
		return rows, err
	}
	// SQLite: one writer, so a read then conditional updates in the same transaction.
	if err := tx.Raw(`SELECT d.*, `+endpointCols+`,
			(SELECT w.retry_schedule FROM webhooks w WHERE w.id = d.webhook_id) AS retry_schedule
		FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
		WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ? AND `+unleased+` AND `+batchable+`
		ORDER BY d.next_attempt_at LIMIT ?`, now, now, limit).Scan(&rows).Error; err != nil {
		return nil, err
	}
	kept := rows[:0]
	for _, r := range rows {
		lease := leaseUntil(now, r.TimeoutSeconds)
		res := tx.Model(&Delivery{}).Where("id = ? AND attempts = ?", r.ID, r.Attempts).
			Updates(map[string]any{"attempts": r.Attempts + 1, "lease_until": lease, "updated_at": now})
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			r.Attempts++
			r.LeaseUntil, r.UpdatedAt = &lease, now
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// insertAttempts writes the claimed attempts' rows. On PostgreSQL the statement's text does not
// depend on how many there are (one JSON parameter), so it is prepared once, not once per
// batch size.
func insertAttempts(tx *Tx, attempts []DeliveryAttempt) error {
	if tx.dialect != Postgres {
		return tx.CreateInBatches(attempts, 200).Error
	}
	type row struct {
		ID         string    `json:"id"`
		DeliveryID string    `json:"delivery_id"`
		Number     int       `json:"number"`
		StartedAt  time.Time `json:"started_at"`
		URL        string    `json:"url"`
	}
	rows := make([]row, len(attempts))
	for i, a := range attempts {
		rows[i] = row{a.ID, a.DeliveryID, a.Number, a.StartedAt, a.URL}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO delivery_attempts (id, delivery_id, number, started_at, url)
		SELECT id, delivery_id, number, started_at, url FROM jsonb_to_recordset(?::jsonb)
			AS v(id uuid, delivery_id uuid, number int, started_at timestamptz, url text)`, string(b)).Error
}

// ---- The endpoint cache ----

// endpointCacheTTL bounds how long a cached endpoint is used without being read again. A
// claim also returns the columns of each endpoint that address and sign the request (URL,
// sealed keys and headers, rotation times), and an entry that differs is read again at once,
// so a change is seen by the next claim; the TTL is the backstop for everything else.
const endpointCacheTTL = 5 * time.Second

// sendingEndpoint is an endpoint with its decrypted signing keys and custom headers.
type sendingEndpoint struct {
	ep       Endpoint
	key      []byte
	prevKey  []byte // the old key while a rotation's old key is kept
	headers  []HeaderPair
	loadedAt time.Time
}

type endpointCache struct {
	mu   sync.Mutex
	byID map[string]*sendingEndpoint
}

// unreadableHold is how long the deliveries of an endpoint whose secrets cannot be decrypted
// wait before they are claimed again.
const unreadableHold = time.Minute

// holdUnreadable gives back the claim of the deliveries whose endpoint's signing key or
// headers cannot be decrypted (a damaged row, rows restored under another secret key): their
// attempt is not counted and they wait unreadableHold, so they neither block the other
// deliveries (they are the oldest due rows) nor use up their attempts; the error is logged
// (without the secrets) each time.
func (s *Store) holdUnreadable(tx *Tx, rows []claimedRow, unreadable map[string]error, now time.Time) error {
	if len(unreadable) == 0 {
		return nil
	}
	var ids []string
	for _, r := range rows {
		if err, ok := unreadable[*r.EndpointID]; ok {
			ids = append(ids, r.ID)
			slog.Default().Error("a delivery's endpoint secrets cannot be read; it waits and is tried again", "delivery_id", r.ID, "endpoint_id", *r.EndpointID, "err", err)
		}
	}
	return tx.Exec(`UPDATE deliveries SET attempts = attempts - 1, lease_until = ? WHERE id IN ?`, now.Add(unreadableHold), ids).Error
}

// sendingEndpoints returns the endpoints of the claimed rows, from the cache where the cached
// version is the claimed one and fresh, else read and decrypted (one query for all misses).
// An endpoint whose secrets cannot be decrypted is in unreadable, not in the map.
func (s *Store) sendingEndpoints(tx *Tx, rows []claimedRow) (map[string]*sendingEndpoint, map[string]error, error) {
	c := s.epCache
	wall := time.Now()
	out := make(map[string]*sendingEndpoint, 4)
	var missing []string
	c.mu.Lock()
	for _, r := range rows {
		id := *r.EndpointID
		if _, ok := out[id]; ok {
			continue
		}
		if e := c.byID[id]; e != nil && r.current(&e.ep) && wall.Sub(e.loadedAt) < endpointCacheTTL {
			out[id] = e
			continue
		}
		out[id] = nil
		missing = append(missing, id)
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil, nil
	}
	var eps []Endpoint
	if err := tx.Where("id IN ?", missing).Find(&eps).Error; err != nil {
		return nil, nil, err
	}
	var unreadable map[string]error
	loaded := make([]*sendingEndpoint, 0, len(eps))
	for i := range eps {
		se, err := s.openEndpoint(&eps[i], wall)
		if err != nil {
			if unreadable == nil {
				unreadable = map[string]error{}
			}
			unreadable[eps[i].ID] = err
			delete(out, eps[i].ID)
			continue
		}
		loaded = append(loaded, se)
		out[se.ep.ID] = se
	}
	for _, id := range missing {
		if _, bad := unreadable[id]; out[id] == nil && !bad {
			return nil, nil, fmt.Errorf("endpoint %s of a claimed delivery vanished", id)
		}
	}
	c.mu.Lock()
	if c.byID == nil {
		c.byID = map[string]*sendingEndpoint{}
	}
	for id, e := range c.byID { // forget endpoints nobody sent to for a while
		if wall.Sub(e.loadedAt) > 20*endpointCacheTTL {
			delete(c.byID, id)
		}
	}
	for _, se := range loaded {
		c.byID[se.ep.ID] = se
	}
	c.mu.Unlock()
	return out, unreadable, nil
}

// openEndpoint decrypts what sending to e needs.
func (s *Store) openEndpoint(e *Endpoint, wall time.Time) (*sendingEndpoint, error) {
	key, err := s.SigningKey(e)
	if err != nil {
		return nil, err
	}
	se := &sendingEndpoint{ep: *e, key: key, loadedAt: wall}
	if len(e.PreviousSigningKeyEnc) > 0 {
		if se.prevKey, err = s.sealer.open(e.PreviousSigningKeyEnc, e.ID); err != nil {
			return nil, err
		}
	}
	if se.headers, err = s.CustomHeaders(e); err != nil {
		return nil, err
	}
	return se, nil
}

// keysAt are the keys an attempt at now signs with, given e's decrypted current and old keys
// (see SigningKeys).
func (e *Endpoint) keysAt(cur, prev []byte, now time.Time) scalr.Keys {
	if !e.rotating(now) || prev == nil {
		return scalr.SingleKey(cur)
	}
	ks := scalr.Keys{Scalr: prev, Standard: [][]byte{prev, cur}}
	if e.KeyRotationAt(now).ScalrUsesNewKey {
		ks.Scalr = cur
	}
	return ks
}

// ---- Recording a batch's results ----

// BatchResult is one claimed attempt and its result.
type BatchResult struct {
	Target *AttemptTarget
	Result AttemptResult
}

// FinishBatch records the results of claimed attempts in one transaction and returns, per
// delivery id, the time of its next attempt for those that will be retried. Successes are
// recorded set-wise (on PostgreSQL one statement for the attempts, the deliveries and the
// endpoints' health); every other outcome takes FinishAttempt's path, inside the same
// transaction, so the breaker, 410 Gone and retry rules are the per-delivery ones.
func (s *Store) FinishBatch(ctx context.Context, results []BatchResult) (map[string]time.Time, error) {
	retries := map[string]time.Time{}
	if len(results) == 0 {
		return retries, nil
	}
	// One order for every replica: a group's failures lock their endpoints (health), so two
	// groups must not take the same endpoints in opposite orders.
	results = slices.Clone(results)
	slices.SortFunc(results, func(a, b BatchResult) int {
		return cmp.Or(strings.Compare(a.Target.Endpoint.ID, b.Target.Endpoint.ID), strings.Compare(a.Target.Delivery.ID, b.Target.Delivery.ID))
	})
	failures := slices.ContainsFunc(results, func(r BatchResult) bool { return r.Result.Outcome != AttemptSucceeded })
	err := s.db.Tx(ctx, func(tx *Tx) error {
		clear(retries)
		if failures && tx.dialect == Postgres {
			var ids []string
			for _, r := range results {
				if len(ids) == 0 || ids[len(ids)-1] != r.Target.Endpoint.ID {
					ids = append(ids, r.Target.Endpoint.ID)
				}
			}
			var locked []string
			if err := tx.Raw("SELECT id FROM endpoints WHERE id IN ? ORDER BY id FOR UPDATE", ids).Scan(&locked).Error; err != nil {
				return err
			}
		}
		var ok []BatchResult
		for _, r := range results {
			if r.Result.Outcome == AttemptSucceeded && tx.dialect == Postgres {
				ok = append(ok, r)
				continue
			}
			next, err := s.finishAttemptTx(tx, r.Target, r.Result)
			if err != nil {
				return err
			}
			if next != nil {
				retries[r.Target.Delivery.ID] = *next
			}
		}
		return s.finishSucceeded(tx, ok)
	})
	if err != nil {
		return nil, err
	}
	return retries, nil
}

// finishSucceeded records successful attempts set-wise (PostgreSQL): the attempt rows, the
// deliveries (those still unfinished) and the end of their endpoints' failure streaks, in one
// statement. An endpoint paused meanwhile is resumed by the per-delivery rule.
func (s *Store) finishSucceeded(tx *Tx, ok []BatchResult) error {
	if len(ok) == 0 {
		return nil
	}
	now := s.now()
	type row struct {
		AttemptID       string          `json:"attempt_id"`
		DeliveryID      string          `json:"delivery_id"`
		FinishedAt      time.Time       `json:"finished_at"`
		DurationMs      int             `json:"duration_ms"`
		URL             string          `json:"url"`
		RemoteAddr      string          `json:"remote_addr"`
		RequestHeaders  json.RawMessage `json:"request_headers"`
		StatusCode      *int            `json:"status_code"`
		ResponseHeaders json.RawMessage `json:"response_headers"`
		ResponseBody    string          `json:"response_body"`
		ErrorClass      string          `json:"error_class"`
		ErrorMessage    string          `json:"error_message"`
	}
	rows := make([]row, len(ok))
	raw := func(h http.Header) json.RawMessage {
		if p := headerJSON(h); p != nil {
			return json.RawMessage(*p)
		}
		return nil
	}
	for i, r := range ok {
		res := r.Result
		var code *int
		if res.StatusCode > 0 {
			c := res.StatusCode
			code = &c
		}
		rows[i] = row{r.Target.Attempt.ID, r.Target.Delivery.ID, now, int(res.Duration.Milliseconds()), res.URL, res.RemoteAddr,
			raw(res.RequestHeaders), code, raw(res.ResponseHeaders), storableText(res.ResponseBody), res.ErrorClass, truncate(res.ErrorMessage, 500)}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	var done []struct {
		Kind      string
		ID        string
		AccountID *string
	}
	// One statement whose text does not depend on the batch size (one JSON parameter).
	err = tx.Raw(`WITH v AS (SELECT * FROM jsonb_to_recordset(?::jsonb) AS v(attempt_id uuid, delivery_id uuid,
			finished_at timestamptz, duration_ms int, url text, remote_addr text, request_headers jsonb, status_code int,
			response_headers jsonb, response_body text, error_class text, error_message text)),
		a AS (UPDATE delivery_attempts a SET finished_at = v.finished_at, duration_ms = v.duration_ms, url = v.url,
				remote_addr = v.remote_addr, request_headers = v.request_headers, status_code = v.status_code,
				response_headers = v.response_headers, response_body = v.response_body, error_class = v.error_class,
				error_message = v.error_message
			FROM v WHERE a.id = v.attempt_id),
		d AS (UPDATE deliveries d SET status = ?, last_status_code = v.status_code, last_error = '',
				completed_at = v.finished_at, next_attempt_at = NULL, lease_until = NULL, updated_at = v.finished_at
			FROM v WHERE d.id = v.delivery_id AND d.status IN ('pending', 'retrying')
			RETURNING d.id, d.account_id, d.endpoint_id),
		eps AS (SELECT DISTINCT endpoint_id AS id FROM deliveries WHERE id IN (SELECT delivery_id FROM v) AND endpoint_id IS NOT NULL),
		e AS (UPDATE endpoints SET consecutive_failures = 0, failing_since = NULL
			WHERE id IN (SELECT id FROM eps) AND paused_at IS NULL AND (consecutive_failures <> 0 OR failing_since IS NOT NULL))
		SELECT 'delivery' AS kind, id, account_id FROM d
		UNION ALL SELECT 'paused', id, NULL FROM endpoints WHERE id IN (SELECT id FROM eps) AND paused_at IS NOT NULL`,
		string(b), DeliverySucceeded).Scan(&done).Error
	if err != nil {
		return err
	}
	for _, r := range done {
		switch r.Kind {
		case "delivery":
			s.hint(tx, HintDelivery, r.ID, deref(r.AccountID))
		case "paused":
			// Rare: the endpoint was paused after the claim; its success resumes it.
			for _, b := range ok {
				if b.Target.Endpoint.ID == r.ID {
					if _, err := s.recordEndpointHealth(tx, b.Target, b.Result, now); err != nil {
						return err
					}
					break
				}
			}
		}
	}
	return nil
}

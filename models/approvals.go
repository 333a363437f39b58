package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// DefaultApprovalExpiryMinutes is how long a pending approval waits for its decision.
const DefaultApprovalExpiryMinutes = 60

// Approval request statuses.
type ApprovalStatus string

const (
	ApprovalPending   ApprovalStatus = "pending"
	ApprovalApproved  ApprovalStatus = "approved"
	ApprovalDenied    ApprovalStatus = "denied"
	ApprovalExpired   ApprovalStatus = "expired"
	ApprovalError     ApprovalStatus = "error"
	ApprovalCancelled ApprovalStatus = "cancelled"
)

// Valid reports whether s is a known status.
func (s ApprovalStatus) Valid() bool {
	switch s {
	case ApprovalPending, ApprovalApproved, ApprovalDenied, ApprovalExpired, ApprovalError, ApprovalCancelled:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s ApprovalStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *ApprovalStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, ApprovalStatus.Valid, "approval status")
	return err
}

// ApprovalRequest asks an endpoint to approve a farm's launch or termination.
type ApprovalRequest struct {
	ID                 string `gorm:"primaryKey"`
	AccountID          string
	EnvironmentID      string
	FarmID             string
	Operation          string
	EndpointID         *string
	DeliveryID         *string
	Status             ApprovalStatus
	PreviousFarmStatus FarmStatus
	Message            string
	RequestedBy        string
	DecidedBy          string
	CallbackBody       string
	CreatedAt          time.Time
	ExpiresAt          time.Time
	DecidedAt          *time.Time
}

func (r *ApprovalRequest) accountOf() string { return r.AccountID }

// ApprovalSettings configure an environment's approvals.
type ApprovalSettings struct {
	EndpointID    *string // nil: no approvals
	OnFirstLaunch bool
	OnTerminate   bool
	ExpiryMinutes int
}

// SetApprovalSettings changes an environment's approval settings. Admins.
func (s *Store) SetApprovalSettings(ctx context.Context, a *Actor, environmentID string, in ApprovalSettings) (*Environment, error) {
	env, err := s.GetEnvironment(ctx, a, environmentID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, env.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in.ExpiryMinutes < 1 || in.ExpiryMinutes > 7*24*60 {
		return nil, FieldError(EINVALID, "expiryMinutes", "expiry must be between 1 minute and 7 days")
	}
	if in.EndpointID != nil && *in.EndpointID != "" {
		ep, err := s.GetEndpoint(ctx, a, *in.EndpointID, RoleViewer)
		probe := &Webhook{Scope: ScopeEnvironment, ScopeID: env.ID, AccountID: &env.AccountID, EnvironmentID: &env.ID}
		if err != nil || !ep.UsableBy(probe) {
			return nil, FieldError(EINVALID, "endpointId", "choose an endpoint of this environment, or a shared one of its account")
		}
		if ep.Format != FormatScalr {
			return nil, FieldError(EINVALID, "endpointId", "an approval endpoint must use the Scalr format")
		}
	} else {
		in.EndpointID = nil
	}
	if in.EndpointID == nil && (in.OnFirstLaunch || in.OnTerminate) {
		return nil, FieldError(EINVALID, "endpointId", "choose the endpoint that approves")
	}
	env.ApprovalEndpointID, env.ApprovalOnFirstLaunch, env.ApprovalOnTerminate, env.ApprovalExpiryMinutes = in.EndpointID, in.OnFirstLaunch, in.OnTerminate, in.ExpiryMinutes
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Environment{}).Where("id = ?", env.ID).Updates(map[string]any{
			"approval_endpoint_id": in.EndpointID, "approval_on_first_launch": in.OnFirstLaunch,
			"approval_on_terminate": in.OnTerminate, "approval_expiry_minutes": in.ExpiryMinutes, "updated_at": s.now(),
		}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, env.AccountID, "environment.approvals_changed", "environment", env.ID, fmt.Sprintf("%s changed the approval settings of %q", a.Label(), env.Name))
	})
	if err != nil {
		return nil, err
	}
	return env, nil
}

// Approval operations.
const (
	OperationLaunch    = "farm.approval.launch"
	OperationTerminate = "farm.approval.terminate"
)

// approvalNeeded returns the approval endpoint when the transition needs approval.
func approvalNeeded(env *Environment, f *Farm, t farmTransition) (bool, error) {
	needed := false
	switch t.verb {
	case "launch":
		needed = env.ApprovalOnFirstLaunch && !f.LaunchedOnce
	case "terminate":
		needed = env.ApprovalOnTerminate
	}
	if needed && env.ApprovalEndpointID == nil {
		// Fail closed: the switch asks for approval but nobody can give it.
		return false, Errorf(ECONFLICT, "environment %q requires approval but has no approval endpoint: fix its approval settings", env.Name)
	}
	return needed, nil
}

// requestApproval moves the farm to its pending status, records the Before* event, and creates
// the approval request with its delivery (kind approval), in tx.
func (s *Store) requestApproval(tx *Tx, a *Actor, f *Farm, env *Environment, t farmTransition) (*ApprovalRequest, []DeliveryRef, error) {
	var ep Endpoint
	if err := tx.Where("id = ?", *env.ApprovalEndpointID).Take(&ep).Error; err != nil {
		return nil, nil, err
	}
	if !ep.Active {
		return nil, nil, Errorf(ECONFLICT, "the approval endpoint %q is inactive: activate it or change the environment's approval settings", ep.Name)
	}
	prev := f.Status
	pending, op := FarmPendingLaunch, OperationLaunch
	if t.verb == "terminate" {
		pending, op = FarmPendingTerminate, OperationTerminate
	}
	ev, err := s.recordEvent(tx, eventSpec{name: t.before, farm: f, source: a.Label()})
	if err != nil {
		return nil, nil, err
	}
	if err := s.setFarmStatus(tx, f, farmTransition{verb: t.verb, from: t.from, to: pending}); err != nil {
		return nil, nil, err
	}
	now := s.now()
	req := &ApprovalRequest{
		ID: newID(), AccountID: f.AccountID, EnvironmentID: f.EnvironmentID, FarmID: f.ID, Operation: op, EndpointID: &ep.ID,
		Status: ApprovalPending, PreviousFarmStatus: prev, RequestedBy: a.Label(), CreatedAt: now,
		ExpiresAt: now.Add(time.Duration(env.ApprovalExpiryMinutes) * time.Minute),
	}
	vars, err := ev.decodeVariables()
	if err != nil {
		return nil, nil, err
	}
	// The approver is outside: hidden variables stay home.
	data, _ := scalr.ResolveVariables(vars.Builtin, vars.userVariablesFor(ScopeEnvironment), true)
	body, err := scalr.ApprovalPayload{
		Payload: scalr.Payload{EventName: t.before, EventID: ev.ID, Timestamp: ev.CreatedAt, ConfigurationID: env.ID,
			Data: data, EndpointID: ep.ID},
		RequestID: req.ID, Operation: op,
	}.Encode()
	if err != nil {
		return nil, nil, err
	}
	d := &Delivery{ID: newID(), Kind: DeliveryKindApproval, AccountID: &f.AccountID, EventID: ev.ID, EventName: t.before, EndpointID: &ep.ID,
		Payload: body, Status: DeliveryPending, MaxAttempts: ApprovalAttempts, TimeoutSeconds: ApprovalTimeoutSeconds,
		NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(d).Error; err != nil {
		return nil, nil, err
	}
	req.DeliveryID = &d.ID
	if err := tx.Create(req).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, nil, Errorf(ECONFLICT, "farm %q already waits for an approval", f.Name)
		}
		return nil, nil, err
	}
	s.hint(tx, HintApproval, req.ID, req.AccountID)
	return req, []DeliveryRef{{ID: d.ID, RunAt: now}}, nil
}

// Approval request delivery limits.
const (
	ApprovalAttempts       = 3
	ApprovalTimeoutSeconds = 10
)

// ApprovalForDelivery returns the approval request a delivery carries.
func (s *Store) approvalForDelivery(tx *Tx, deliveryID string) (*ApprovalRequest, error) {
	var r ApprovalRequest
	err := tx.Where("delivery_id = ?", deliveryID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &r, err
}

// decide records the decision on a pending request in tx and moves the farm: approved → the
// farm proceeds (running + FarmLaunched, or terminated + FarmTerminated); anything else → back
// to its previous status. It returns false if the request was no longer pending.
func (s *Store) decide(tx *Tx, r *ApprovalRequest, status ApprovalStatus, message, decidedBy, callbackBody string) (bool, error) {
	now := s.now()
	// The message and body come from the endpoint: make them storable.
	message, callbackBody = sanitizeText(message), sanitizeText(callbackBody)
	if r.DeliveryID != nil {
		// Lock order: the delivery row before the request row, the order an attempt's
		// transaction takes them in (FinishApprovalAttempt: the delivery, then the request). A
		// decision racing an attempt in flight (a cancel, a callback, the expiry) then waits for
		// it instead of deadlocking with it on PostgreSQL.
		if err := tx.Exec("UPDATE deliveries SET updated_at = updated_at WHERE id = ?", *r.DeliveryID).Error; err != nil {
			return false, err
		}
	}
	res := tx.Model(&ApprovalRequest{}).Where("id = ? AND status = ?", r.ID, ApprovalPending).Updates(map[string]any{
		"status": status, "message": truncate(message, 2000), "decided_by": decidedBy, "decided_at": now, "callback_body": truncate(callbackBody, 4096),
	})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	r.Status, r.Message, r.DecidedBy, r.DecidedAt = status, message, decidedBy, &now
	// Once decided, a request still queued for (re)sending must not go out any more.
	if r.DeliveryID != nil {
		if err := tx.Model(&Delivery{}).Where("id = ? AND status IN ?", *r.DeliveryID, []DeliveryStatus{DeliveryPending, DeliveryRetrying}).
			Updates(map[string]any{"status": DeliveryFailed, "last_error": "approval " + string(status), "completed_at": now, "next_attempt_at": nil, "updated_at": now}).Error; err != nil {
			return false, err
		}
	}
	var f Farm
	if err := tx.Where("id = ?", r.FarmID).Take(&f).Error; err != nil {
		return false, err
	}
	pending := FarmPendingLaunch
	t := transitionLaunch
	if r.Operation == OperationTerminate {
		pending, t = FarmPendingTerminate, transitionTerminate
	}
	actor := &Actor{System: true, UserName: decidedBy}
	if status == ApprovalApproved {
		if err := s.setFarmStatus(tx, &f, farmTransition{verb: t.verb, from: []FarmStatus{pending}, to: t.to}); err != nil {
			return false, err
		}
		if _, err := s.recordEvent(tx, eventSpec{name: t.after, farm: &f, source: decidedBy}); err != nil {
			return false, err
		}
	} else if err := s.setFarmStatus(tx, &f, farmTransition{verb: "return", from: []FarmStatus{pending}, to: r.PreviousFarmStatus}); err != nil {
		return false, err
	}
	s.hint(tx, HintApproval, r.ID, r.AccountID)
	summary := fmt.Sprintf("%s of farm %q %s by %s", strings.TrimPrefix(r.Operation, "farm.approval."), f.Name, status, decidedBy)
	if message != "" {
		summary += ": " + truncate(message, 200)
	}
	return true, s.audit(tx, actor, r.AccountID, "approval."+string(status), "approval_request", r.ID, summary)
}

// FinishApprovalAttempt records an approval request's attempt like FinishAttempt, then applies
// the endpoint's answer: decision "approved" or "denied" decides now; "pending" waits for the
// callback. When the request's attempts run out it ends in error and the farm goes back.
func (s *Store) FinishApprovalAttempt(ctx context.Context, t *AttemptTarget, r AttemptResult, decision, message string) (*time.Time, error) {
	var next *time.Time
	// One transaction: a recorded answer and its decision stand or fall together.
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		if next, err = s.finishAttemptTx(tx, t, r); err != nil {
			return err
		}
		if r.Outcome == AttemptSucceeded && decision == scalr.DecisionPending {
			// "Pending" often says why ("CAB ticket opened"): keep it for the farm page.
			req, err := s.approvalForDelivery(tx, t.Delivery.ID)
			if err != nil || req == nil {
				return err
			}
			if message != "" {
				if err := tx.Model(&ApprovalRequest{}).Where("id = ? AND status = ?", req.ID, ApprovalPending).
					Update("message", truncate(sanitizeText(message), 2000)).Error; err != nil {
					return err
				}
			}
			s.hint(tx, HintApproval, req.ID, req.AccountID)
			return nil
		}
		if r.Outcome != AttemptSucceeded || decision == "" {
			return nil
		}
		status := ApprovalDenied
		if decision == scalr.DecisionApproved {
			status = ApprovalApproved
		}
		req, err := s.approvalForDelivery(tx, t.Delivery.ID)
		if err != nil || req == nil {
			return err
		}
		_, err = s.decide(tx, req, status, message, "endpoint "+t.Endpoint.Name, string(r.ResponseBody))
		return err
	})
	return next, err
}

// approvalDeliveryFailed ends an approval whose request could not be delivered.
func (s *Store) approvalDeliveryFailed(tx *Tx, d *Delivery, reason string) error {
	req, err := s.approvalForDelivery(tx, d.ID)
	if err != nil || req == nil {
		return err
	}
	_, err = s.decide(tx, req, ApprovalError, "the approval request could not be delivered: "+reason, "system", "")
	return err
}

// CallbackInput is an approval callback as received.
type CallbackInput struct {
	RequestID string
	Body      []byte
	Date      string
	Signature string
}

// ApplyApprovalCallback verifies and applies the endpoint's final answer to a pending request
// (design §7.4). Errors: ENOTFOUND unknown request; EUNAUTHORIZED unsigned, mis-signed or stale;
// EINVALID malformed; ECONFLICT already decided. Nothing changes on any error.
func (s *Store) ApplyApprovalCallback(ctx context.Context, in CallbackInput) (*ApprovalRequest, error) {
	if !validID(in.RequestID) {
		return nil, notFound("approval request")
	}
	var r ApprovalRequest
	if err := s.db.WithContext(ctx).Where("id = ?", in.RequestID).Take(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("approval request")
		}
		return nil, err
	}
	if r.EndpointID == nil {
		return nil, Errorf(ECONFLICT, "the approval endpoint no longer exists")
	}
	var ep Endpoint
	if err := s.db.WithContext(ctx).Where("id = ?", *r.EndpointID).Take(&ep).Error; err != nil {
		return nil, err
	}
	// During a key rotation either key may sign the callback until the X-Signature switch.
	keys, err := s.VerificationKeys(&ep)
	if err != nil {
		return nil, err
	}
	if in.Signature == "" || in.Date == "" {
		return nil, Errorf(EUNAUTHORIZED, "sign the callback: X-Signature over the body and the Date header")
	}
	err = scalr.ErrBadSignature
	for _, key := range keys {
		if err = scalr.VerifyRequest(key, in.Body, in.Date, in.Signature, s.now()); !errors.Is(err, scalr.ErrBadSignature) {
			break
		}
	}
	if err != nil {
		if errors.Is(err, scalr.ErrStaleDate) || errors.Is(err, scalr.ErrBadDate) {
			return nil, Errorf(EUNAUTHORIZED, "the Date header is missing, malformed or more than 300 s away from now")
		}
		return nil, Errorf(EUNAUTHORIZED, "bad signature")
	}
	// A verified signature is bound to this request at once, in its own transaction, whatever
	// happens next: a genuine callback refused as late, already decided or malformed must not
	// stay usable against another pending request of the same endpoint (issue 8 item 11).
	if err := s.bindCallbackSignature(ctx, ep.ID, r.ID, in); err != nil {
		return nil, err
	}
	decision, message, err := scalr.ParseApprovalAnswer(200, in.Body)
	if err != nil || (decision != scalr.DecisionApproved && decision != scalr.DecisionDenied) {
		return nil, Errorf(EINVALID, `send {"approval_status": "approved" | "denied", "message": "…"}`)
	}
	// The signature covers body + Date, not the URL: a body that names its request must name
	// this one, so a callback cannot be replayed to another request even inside the window.
	if err := checkCallbackRequestID(in.Body, r.ID); err != nil {
		return nil, err
	}
	status := ApprovalDenied
	if decision == scalr.DecisionApproved {
		status = ApprovalApproved
	}
	// Past its expiry the request is expired even if ExpireApprovals has not run yet (§7.5).
	if r.Status == ApprovalPending && !s.now().Before(r.ExpiresAt) {
		return nil, Errorf(ECONFLICT, "the request expired")
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		ok, err := s.decide(tx, &r, status, message, "endpoint "+ep.Name+" (callback)", string(in.Body))
		if err != nil {
			return err
		}
		if !ok {
			// Also a replay of the callback that decided it: the request is decided only once.
			return Errorf(ECONFLICT, "the request was already decided")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// bindCallbackSignature records a verified callback signature as used by request requestID and
// refuses it if it is already bound to another request. The primary key decides, also for
// racing replays: the first request to record a signature keeps it. It commits on its own so
// that every later refusal (expired, already decided, malformed) still uses the signature up for
// every other request; for its own request the decision is guarded by the request's status.
func (s *Store) bindCallbackSignature(ctx context.Context, endpointID, requestID string, in CallbackInput) error {
	digest := callbackDigest(endpointID, in.Date, in.Body)
	now := s.now()
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Exec(`INSERT INTO used_callback_signatures (digest, endpoint_id, request_id, used_at, expires_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING`,
			digest, endpointID, requestID, now, now.Add(usedSignatureRetention)).Error; err != nil {
			return err
		}
		var bound []string
		if err := tx.Raw(`SELECT request_id FROM used_callback_signatures WHERE digest = ?`, digest).Scan(&bound).Error; err != nil {
			return err
		}
		if len(bound) != 1 || !strings.EqualFold(bound[0], requestID) {
			return Errorf(EUNAUTHORIZED, "this signed callback was already used for another request; send each decision with a fresh Date and signature")
		}
		return nil
	})
}

// usedSignatureRetention is how long a used callback signature is remembered: longer than any
// Date the freshness check accepts (up to MaxSkew ahead of now, valid until MaxSkew after it).
const usedSignatureRetention = 2*scalr.MaxSkew + 5*time.Minute

// callbackDigest names what a callback signature covers (its endpoint's key, the Date and the
// body), so any encoding of the same signature is the same use.
func callbackDigest(endpointID, date string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(endpointID))
	h.Write([]byte{0})
	h.Write([]byte(date))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// checkCallbackRequestID refuses a callback body whose requestId names another request.
func checkCallbackRequestID(body []byte, requestID string) error {
	var named struct {
		RequestID *json.RawMessage `json:"requestId"`
	}
	if err := json.Unmarshal(body, &named); err != nil || named.RequestID == nil {
		return nil // the answer's shape was checked already; requestId is optional
	}
	var id string
	if err := json.Unmarshal(*named.RequestID, &id); err != nil || !strings.EqualFold(strings.TrimSpace(id), requestID) {
		return FieldError(EINVALID, "requestId", "the body's requestId does not name the request of this callback URL")
	}
	return nil
}

// PurgeUsedCallbackSignatures forgets used callback signatures past their retention (a replay
// of one is refused by the freshness check by then).
func (s *Store) PurgeUsedCallbackSignatures(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM used_callback_signatures WHERE expires_at < ?", s.now())
	return res.RowsAffected, res.Error
}

// ExpireApprovals ends pending requests past their expiry (the worker runs it periodically).
func (s *Store) ExpireApprovals(ctx context.Context) (int, error) {
	var due []ApprovalRequest
	if err := s.db.WithContext(ctx).Where("status = ? AND expires_at <= ?", ApprovalPending, s.now()).Limit(500).Find(&due).Error; err != nil {
		return 0, err
	}
	n := 0
	for i := range due {
		err := s.db.Tx(ctx, func(tx *Tx) error {
			ok, err := s.decide(tx, &due[i], ApprovalExpired, "no decision arrived before the request expired", "system", "")
			if ok {
				n++
			}
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// CancelApproval withdraws a pending request; the farm goes back. Members and up.
func (s *Store) CancelApproval(ctx context.Context, a *Actor, id string) (*ApprovalRequest, error) {
	var r ApprovalRequest
	if err := s.getScoped(ctx, a, &r, id, "approval request", RoleMember); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		ok, err := s.decide(tx, &r, ApprovalCancelled, "cancelled by "+a.Label(), a.Label(), "")
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ECONFLICT, "the request is no longer pending")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// GetApproval returns an approval request the actor can see.
func (s *Store) GetApproval(ctx context.Context, a *Actor, id string) (*ApprovalRequest, error) {
	var r ApprovalRequest
	if err := s.getScoped(ctx, a, &r, id, "approval request", RoleViewer); err != nil {
		return nil, err
	}
	return &r, nil
}

// PendingApprovals loads the pending request of several farms (dataloader).
func (s *Store) PendingApprovals(ctx context.Context, farmIDs []string) (map[string]*ApprovalRequest, error) {
	var rs []ApprovalRequest
	if err := s.db.WithContext(ctx).Where("farm_id IN ? AND status = ?", farmIDs, ApprovalPending).Find(&rs).Error; err != nil {
		return nil, err
	}
	out := map[string]*ApprovalRequest{}
	for i := range rs {
		out[rs[i].FarmID] = &rs[i]
	}
	return out, nil
}

// ApprovalQuery narrows the approvals history.
type ApprovalQuery struct {
	FarmID   string
	Statuses []ApprovalStatus
}

// ListApprovals returns the account's approval requests, newest first.
func (s *Store) ListApprovals(ctx context.Context, a *Actor, accountID string, q ApprovalQuery, first int, after string) (*Page[ApprovalRequest], error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if q.FarmID != "" {
		if !validID(q.FarmID) {
			return &Page[ApprovalRequest]{}, nil
		}
		db = db.Where("farm_id = ?", q.FarmID)
	}
	if len(q.Statuses) > 0 {
		db = db.Where("status IN ?", q.Statuses)
	}
	return keysetPage[ApprovalRequest](db, "created_at", first, after, func(r *ApprovalRequest) (time.Time, string) { return r.CreatedAt, r.ID })
}

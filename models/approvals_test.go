package models_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/scalr"
)

// approvalRig is an environment whose farms need an endpoint's approval.
type approvalRig struct {
	f   *domainFixture
	acc string
	env *models.Environment
	ep  *models.Endpoint
	key string
	n   int
}

func newApprovalRig(t *testing.T, f *domainFixture, name string, onLaunch, onTerminate bool) *approvalRig {
	t.Helper()
	acc := f.MustAccount(t, name).ID
	env := f.MustEnvironment(t, f.AdminActor, acc, "approved")
	ep, key := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeEnvironment, ID: env.ID}, "approver", false)
	env, err := f.Store.SetApprovalSettings(context.Background(), f.AdminActor, env.ID, models.ApprovalSettings{
		EndpointID: &ep.ID, OnFirstLaunch: onLaunch, OnTerminate: onTerminate, ExpiryMinutes: 60,
	})
	mustNoErr(t, err)
	return &approvalRig{f: f, acc: acc, env: env, ep: ep, key: key}
}

func (r *approvalRig) farm(t *testing.T) *models.Farm {
	t.Helper()
	r.n++
	return r.f.MustFarm(t, r.env.ID, fmt.Sprintf("Farm%02d", r.n))
}

// pending returns the farm's pending approval request and its delivery.
func (r *approvalRig) pending(t *testing.T, farmID string) (*models.ApprovalRequest, *models.Delivery) {
	t.Helper()
	m, err := r.f.Store.PendingApprovals(context.Background(), []string{farmID})
	mustNoErr(t, err)
	req := m[farmID]
	if req == nil {
		t.Fatal("no pending approval request")
	}
	return req, r.f.MustDelivery(t, deref(req.DeliveryID))
}

func (r *approvalRig) status(t *testing.T, farmID string) models.FarmStatus {
	t.Helper()
	fm, err := r.f.Store.GetFarm(context.Background(), r.f.AdminActor, farmID)
	mustNoErr(t, err)
	return fm.Status
}

func (r *approvalRig) approval(t *testing.T, id string) *models.ApprovalRequest {
	t.Helper()
	a, err := r.f.Store.GetApproval(context.Background(), r.f.AdminActor, id)
	mustNoErr(t, err)
	return a
}

// answer runs one attempt of the approval delivery and records the endpoint's answer.
func (r *approvalRig) answer(t *testing.T, d *models.Delivery, res models.AttemptResult, decision, message string) (*time.Time, error) {
	t.Helper()
	tg, err := r.f.Store.BeginAttempt(context.Background(), d.ID)
	if err != nil {
		t.Fatalf("begin approval attempt: %v", err)
	}
	return r.f.Store.FinishApprovalAttempt(context.Background(), tg, res, decision, message)
}

func answered(decision, message string) models.AttemptResult {
	return models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200,
		ResponseBody: []byte(fmt.Sprintf(`{"approval_status":%q,"message":%q}`, decision, message))}
}

// callback builds a signed callback for the request.
func (r *approvalRig) callback(id, body string, date time.Time, key string) models.CallbackInput {
	d := scalr.FormatDate(date)
	return models.CallbackInput{RequestID: id, Body: []byte(body), Date: d, Signature: scalr.Sign([]byte(key), []byte(body), d)}
}

// snapshot renders everything an approval decision touches.
func (r *approvalRig) snapshot(t *testing.T, req *models.ApprovalRequest) string {
	t.Helper()
	a := r.approval(t, req.ID)
	decided := "never"
	if a.DecidedAt != nil {
		decided = a.DecidedAt.UTC().Format(time.RFC3339Nano)
	}
	d := r.f.MustDelivery(t, deref(req.DeliveryID))
	return fmt.Sprintf("approval %s %q by %q at %s body %q; farm %s; %d events; %d audit entries; delivery %s after %d attempts",
		a.Status, a.Message, a.DecidedBy, decided, a.CallbackBody, r.status(t, req.FarmID),
		r.f.MustCount(t, "events", ""), r.f.MustCount(t, "audit_entries", ""), d.Status, d.Attempts)
}

func TestApprovals(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newApprovalRig(t, f, "Approvals", true, true)
		member, _ := f.MustMember(t, r.acc, "appr-member@example.com", models.RoleMember)
		farmEvents := func(t *testing.T, farmID string) []string {
			t.Helper()
			return eventNames(f.MustEvents(t, "farm_id = ?", farmID))
		}

		t.Run("ErrSettings", func(t *testing.T) {
			set := func(in models.ApprovalSettings) error {
				_, err := f.Store.SetApprovalSettings(ctx, f.AdminActor, r.env.ID, in)
				return err
			}
			wantField(t, set(models.ApprovalSettings{OnFirstLaunch: true, ExpiryMinutes: 60}), models.EINVALID, "endpointId")
			wantField(t, set(models.ApprovalSettings{EndpointID: &r.ep.ID, ExpiryMinutes: 0}), models.EINVALID, "expiryMinutes")
			other := f.MustEnvironment(t, f.AdminActor, r.acc, "elsewhere")
			foreign, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeEnvironment, ID: other.ID}, "foreign", false)
			wantField(t, set(models.ApprovalSettings{EndpointID: &foreign.ID, OnTerminate: true, ExpiryMinutes: 60}), models.EINVALID, "endpointId")
			private, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: r.acc}, "acc-private", false)
			wantField(t, set(models.ApprovalSettings{EndpointID: &private.ID, OnTerminate: true, ExpiryMinutes: 60}), models.EINVALID, "endpointId")
			slack := models.FormatSlack
			sl, _, err := f.Store.CreateEndpoint(ctx, f.AdminActor, models.EndpointInput{Scope: models.ScopeKey{Scope: models.ScopeEnvironment, ID: r.env.ID}, Name: ptr("slack"), URL: ptr("https://slack.example.com/x"), Format: &slack})
			mustNoErr(t, err)
			wantField(t, set(models.ApprovalSettings{EndpointID: &sl.ID, OnTerminate: true, ExpiryMinutes: 60}), models.EINVALID, "endpointId")
			_, err = f.Store.SetApprovalSettings(ctx, member, r.env.ID, models.ApprovalSettings{ExpiryMinutes: 60})
			wantCode(t, err, models.EFORBIDDEN)
			env, err := f.Store.GetEnvironment(ctx, f.AdminActor, r.env.ID)
			mustNoErr(t, err)
			if deref(env.ApprovalEndpointID) != r.ep.ID || !env.ApprovalOnFirstLaunch || !env.ApprovalOnTerminate {
				t.Fatalf("settings changed: %+v", env)
			}
			// The approval endpoint cannot be deleted from under the environment.
			err = f.Store.DeleteEndpoint(ctx, f.AdminActor, r.ep.ID)
			wantCode(t, err, models.ECONFLICT)
			wantMessage(t, err, `"approver"`, `"approved"`)
		})

		t.Run("OKFirstLaunchApproved", func(t *testing.T) {
			// A hidden variable never leaves for the approver; a plain one does.
			envScope := models.ScopeKey{Scope: models.ScopeEnvironment, ID: r.env.ID}
			for _, v := range []models.VariableInput{{Scope: envScope, Name: "APPROVAL_SECRET", Value: "x", Hidden: true}, {Scope: envScope, Name: "COST_CENTER", Value: "42"}} {
				_, err := f.Store.SetVariable(ctx, f.AdminActor, v)
				mustNoErr(t, err)
			}
			farm := r.farm(t)
			f.Enq.Take()
			got, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "returned status", got.Status, models.FarmPendingLaunch)
			wantEqual(t, "stored status", r.status(t, farm.ID), models.FarmPendingLaunch)
			wantEqual(t, "events", farmEvents(t, farm.ID), []string{"BeforeFarmLaunch"})
			req, d := r.pending(t, farm.ID)
			if req.Operation != models.OperationLaunch || req.Status != models.ApprovalPending || req.PreviousFarmStatus != models.FarmTerminated ||
				deref(req.EndpointID) != r.ep.ID || req.RequestedBy != member.Label() || !req.ExpiresAt.Equal(req.CreatedAt.Add(time.Hour)) {
				t.Fatalf("request = %+v", req)
			}
			if d.Kind != models.DeliveryKindApproval || deref(d.EndpointID) != r.ep.ID || d.WebhookID != nil || d.Status != models.DeliveryPending || d.EventName != "BeforeFarmLaunch" {
				t.Fatalf("delivery = %+v", d)
			}
			wantEqual(t, "enqueued", f.Enq.Take(), []string{d.ID})
			wantEqual(t, "body keys", topKeys(t, d.Payload), []string{"eventName", "eventId", "timestamp", "configurationId", "data", "userData", "endpointId", "requestId", "operation"})
			p := mustPayload(t, d.Payload)
			if p.RequestID != req.ID || p.Operation != "farm.approval.launch" || p.EventName != "BeforeFarmLaunch" || p.EndpointID != r.ep.ID || p.EventID != d.EventID {
				t.Fatalf("body = %s", d.Payload)
			}
			wantEqual(t, "SCALR_FARM_NAME", p.Data["SCALR_FARM_NAME"], farm.Name)
			wantEqual(t, "SCALR_FARM_OWNER_EMAIL", p.Data["SCALR_FARM_OWNER_EMAIL"], farm.OwnerEmail)
			wantEqual(t, "plain variable", p.Data["COST_CENTER"], "42")
			if _, ok := p.Data["APPROVAL_SECRET"]; ok {
				t.Fatal("hidden variable sent to the approver")
			}
			// A second launch while pending is refused; still one request.
			_, err = f.Store.LaunchFarm(ctx, member, farm.ID)
			wantCode(t, err, models.ECONFLICT)
			wantEqual(t, "requests", f.MustCount(t, "approval_requests", "farm_id = ?", farm.ID), int64(1))

			next, err := r.answer(t, d, answered("approved", "go ahead"), scalr.DecisionApproved, "go ahead")
			mustNoErr(t, err)
			if next != nil {
				t.Fatalf("next = %v", next)
			}
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmRunning)
			wantEqual(t, "events", farmEvents(t, farm.ID), []string{"BeforeFarmLaunch", "FarmLaunched"})
			a := r.approval(t, req.ID)
			if a.Status != models.ApprovalApproved || a.Message != "go ahead" || a.DecidedAt == nil || a.DecidedBy != "endpoint approver" {
				t.Fatalf("approval = %+v", a)
			}
			wantEqual(t, "delivery", f.MustDelivery(t, d.ID).Status, models.DeliverySucceeded)
			if n := len(f.MustAudit(t, r.acc, "approval.approved")); n != 1 {
				t.Fatalf("%d approval.approved audit entries", n)
			}

			// Termination always needs approval; a denial puts the farm back.
			_, err = f.Store.TerminateFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmPendingTerminate)
			req, d = r.pending(t, farm.ID)
			wantEqual(t, "operation", req.Operation, models.OperationTerminate)
			wantEqual(t, "body operation", mustPayload(t, d.Payload).Operation, "farm.approval.terminate")
			_, err = r.answer(t, d, answered("denied", "not today"), scalr.DecisionDenied, "not today")
			mustNoErr(t, err)
			wantEqual(t, "farm after denial", r.status(t, farm.ID), models.FarmRunning)
			wantEqual(t, "approval", r.approval(t, req.ID).Status, models.ApprovalDenied)
			wantEqual(t, "events", farmEvents(t, farm.ID), []string{"BeforeFarmLaunch", "FarmLaunched", "BeforeFarmTerminate"})

			// Suspended farms terminate with approval too, and go back to suspended on denial.
			_, err = f.Store.SuspendFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			_, err = f.Store.TerminateFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, d = r.pending(t, farm.ID)
			wantEqual(t, "previous", req.PreviousFarmStatus, models.FarmSuspended)
			_, err = r.answer(t, d, answered("denied", "no"), scalr.DecisionDenied, "no")
			mustNoErr(t, err)
			wantEqual(t, "farm after denial", r.status(t, farm.ID), models.FarmSuspended)

			// Approved termination, then a second launch: the farm has run, no approval.
			_, err = f.Store.TerminateFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			_, d = r.pending(t, farm.ID)
			_, err = r.answer(t, d, answered("approved", ""), scalr.DecisionApproved, "")
			mustNoErr(t, err)
			wantEqual(t, "farm after approved termination", r.status(t, farm.ID), models.FarmTerminated)
			got, err = f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "second launch", got.Status, models.FarmRunning)
			wantEqual(t, "requests", f.MustCount(t, "approval_requests", "farm_id = ?", farm.ID), int64(4))
		})

		t.Run("OKPendingAnswerWaits", func(t *testing.T) {
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, d := r.pending(t, farm.ID)
			next, err := r.answer(t, d, models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 202, ResponseBody: []byte(`{"approval_status":"pending"}`)}, scalr.DecisionPending, "")
			mustNoErr(t, err)
			if next != nil {
				t.Fatalf("next = %v", next)
			}
			wantEqual(t, "delivery", f.MustDelivery(t, d.ID).Status, models.DeliverySucceeded)
			wantEqual(t, "approval", r.approval(t, req.ID).Status, models.ApprovalPending)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmPendingLaunch)
			// Withdraw it, so the expiry case below counts only its own request.
			_, err = f.Store.CancelApproval(ctx, member, req.ID)
			mustNoErr(t, err)
		})

		t.Run("OKCallback", func(t *testing.T) {
			for _, c := range []struct {
				name   string
				format func(time.Time) string
				body   string
				want   models.ApprovalStatus
				farm   models.FarmStatus
			}{
				{"ScalrDate", scalr.FormatDate, `{"approval_status":"approved","message":"ship it"}`, models.ApprovalApproved, models.FarmRunning},
				{"RFC1123", func(t time.Time) string { return t.UTC().Format(http.TimeFormat) }, `{"approval_status":" Denied ","message":"no"}`, models.ApprovalDenied, models.FarmTerminated},
			} {
				t.Run(c.name, func(t *testing.T) {
					farm := r.farm(t)
					_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
					mustNoErr(t, err)
					req, d := r.pending(t, farm.ID)
					date := c.format(f.Clock.Now().Add(-time.Minute))
					in := models.CallbackInput{RequestID: req.ID, Body: []byte(c.body), Date: date, Signature: scalr.Sign([]byte(r.key), []byte(c.body), date)}
					got, err := f.Store.ApplyApprovalCallback(ctx, in)
					mustNoErr(t, err)
					wantEqual(t, "returned", got.Status, c.want)
					a := r.approval(t, req.ID)
					if a.Status != c.want || a.CallbackBody != c.body || a.DecidedBy != "endpoint approver (callback)" {
						t.Fatalf("approval = %+v", a)
					}
					wantEqual(t, "farm", r.status(t, farm.ID), c.farm)
					// The queued request is not sent any more.
					if st := f.MustDelivery(t, d.ID).Status; st != models.DeliveryFailed {
						t.Fatalf("delivery of a decided request: %s", st)
					}
					if _, err := f.Store.BeginAttempt(ctx, d.ID); !errors.Is(err, models.ErrDeliveryDone) {
						t.Fatalf("begin after decision: %v", err)
					}
					// Deciding twice is refused and changes nothing.
					before := r.snapshot(t, req)
					_, err = f.Store.ApplyApprovalCallback(ctx, in)
					wantCode(t, err, models.ECONFLICT)
					wantEqual(t, "after replay", r.snapshot(t, req), before)
				})
			}
		})

		t.Run("ErrCallbackChangesNothing", func(t *testing.T) {
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, _ := r.pending(t, farm.ID)
			_, otherKey := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeEnvironment, ID: r.env.ID}, "impostor", false)
			good := `{"approval_status":"approved","message":"ok"}`
			now := f.Clock.Now()
			before := r.snapshot(t, req)
			for _, c := range []struct {
				name string
				in   models.CallbackInput
				code string
			}{
				{"unsigned", models.CallbackInput{RequestID: req.ID, Body: []byte(good), Date: scalr.FormatDate(now)}, models.EUNAUTHORIZED},
				{"no date", models.CallbackInput{RequestID: req.ID, Body: []byte(good), Signature: scalr.Sign([]byte(r.key), []byte(good), "")}, models.EUNAUTHORIZED},
				{"bad signature", func() models.CallbackInput {
					in := r.callback(req.ID, good, now, r.key)
					in.Signature = "0000" + in.Signature[4:]
					return in
				}(), models.EUNAUTHORIZED},
				{"another endpoint's key", r.callback(req.ID, good, now, otherKey), models.EUNAUTHORIZED},
				{"body changed after signing", func() models.CallbackInput {
					in := r.callback(req.ID, good, now, r.key)
					in.Body = []byte(`{"approval_status":"denied","message":"ok"}`)
					return in
				}(), models.EUNAUTHORIZED},
				{"stale date", r.callback(req.ID, good, now.Add(-301*time.Second), r.key), models.EUNAUTHORIZED},
				{"future date", r.callback(req.ID, good, now.Add(301*time.Second), r.key), models.EUNAUTHORIZED},
				{"date without zone", func() models.CallbackInput {
					d := now.UTC().Format("Mon 02 Jan 2006 15:04:05")
					return models.CallbackInput{RequestID: req.ID, Body: []byte(good), Date: d, Signature: scalr.Sign([]byte(r.key), []byte(good), d)}
				}(), models.EUNAUTHORIZED},
				{"unknown id", r.callback("00000000-0000-7000-8000-000000000000", good, now, r.key), models.ENOTFOUND},
				{"malformed id", r.callback("../etc", good, now, r.key), models.ENOTFOUND},
				{"malformed body", r.callback(req.ID, `approved`, now, r.key), models.EINVALID},
				{"pending is no decision", r.callback(req.ID, `{"approval_status":"pending"}`, now, r.key), models.EINVALID},
				{"unknown decision", r.callback(req.ID, `{"approval_status":"maybe"}`, now, r.key), models.EINVALID},
			} {
				_, err := f.Store.ApplyApprovalCallback(ctx, c.in)
				if models.CodeOf(err) != c.code {
					t.Fatalf("%s: %v, want %s", c.name, err, c.code)
				}
				wantEqual(t, c.name+": state", r.snapshot(t, req), before)
			}
			// The same request still takes a good callback.
			_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(req.ID, good, now, r.key))
			mustNoErr(t, err)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmRunning)
		})

		// The signature covers body + Date only: one genuine callback must not decide another
		// pending request of the same endpoint (issue 8 item 11).
		t.Run("ErrCallbackReplay", func(t *testing.T) {
			farmA, farmB := r.farm(t), r.farm(t)
			for _, fm := range []*models.Farm{farmA, farmB} {
				_, err := f.Store.LaunchFarm(ctx, member, fm.ID)
				mustNoErr(t, err)
			}
			reqA, _ := r.pending(t, farmA.ID)
			reqB, _ := r.pending(t, farmB.ID)
			genuine := r.callback(reqA.ID, `{"approval_status":"approved","message":"ship A"}`, f.Clock.Now(), r.key)
			_, err := f.Store.ApplyApprovalCallback(ctx, genuine)
			mustNoErr(t, err)
			wantEqual(t, "A", r.approval(t, reqA.ID).Status, models.ApprovalApproved)

			// The identical bytes against B: refused, B still pending.
			beforeB := r.snapshot(t, reqB)
			replay := genuine
			replay.RequestID = reqB.ID
			_, err = f.Store.ApplyApprovalCallback(ctx, replay)
			wantCode(t, err, models.EUNAUTHORIZED)
			wantEqual(t, "B after the replay", r.snapshot(t, reqB), beforeB)
			wantEqual(t, "B", r.approval(t, reqB.ID).Status, models.ApprovalPending)

			// The identical bytes again against A: refused, nothing changes.
			beforeA := r.snapshot(t, reqA)
			_, err = f.Store.ApplyApprovalCallback(ctx, genuine)
			if err == nil {
				t.Fatal("the same callback was accepted twice")
			}
			wantEqual(t, "A after the replay", r.snapshot(t, reqA), beforeA)

			// A body naming another request is refused, even freshly signed.
			_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(reqB.ID, fmt.Sprintf(`{"approval_status":"approved","requestId":%q}`, reqA.ID), f.Clock.Now().Add(time.Second), r.key))
			wantField(t, err, models.EINVALID, "requestId")
			_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(reqB.ID, `{"approval_status":"approved","requestId":42}`, f.Clock.Now().Add(time.Second), r.key))
			wantField(t, err, models.EINVALID, "requestId")
			wantEqual(t, "B after a mismatching requestId", r.snapshot(t, reqB), beforeB)

			// A fresh callback naming B decides B.
			_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(reqB.ID, fmt.Sprintf(`{"approval_status":"denied","requestId":%q}`, reqB.ID), f.Clock.Now().Add(2*time.Second), r.key))
			mustNoErr(t, err)
			wantEqual(t, "B", r.approval(t, reqB.ID).Status, models.ApprovalDenied)

			// Used signatures are forgotten only once the freshness window has closed on them.
			used := func() int64 {
				return f.MustCount(t, "used_callback_signatures", "request_id IN (?, ?)", reqA.ID, reqB.ID)
			}
			// Every verified signature is used up, the refused ones (requestId naming A) too.
			wantEqual(t, "used signatures", used(), int64(4))
			_, err = f.Store.PurgeUsedCallbackSignatures(ctx)
			mustNoErr(t, err)
			wantEqual(t, "used signatures after an early purge", used(), int64(4))
			f.Clock.Advance(20 * time.Minute)
			_, err = f.Store.PurgeUsedCallbackSignatures(ctx)
			mustNoErr(t, err)
			wantEqual(t, "used signatures after the window", used(), int64(0))
		})

		// A genuine callback refused with a conflict (its request expired — an approver answering
		// late — or was already decided) uses its signature up too: the same bytes replayed to
		// another pending request of the same endpoint decide nothing (issue 8 item 11).
		t.Run("ErrRefusedCallbackReplay", func(t *testing.T) {
			launch := func(t *testing.T) *models.ApprovalRequest {
				t.Helper()
				fm := r.farm(t)
				_, err := f.Store.LaunchFarm(ctx, member, fm.ID)
				mustNoErr(t, err)
				req, _ := r.pending(t, fm.ID)
				return req
			}
			replayRefused := func(t *testing.T, refused models.CallbackInput, other *models.ApprovalRequest) {
				t.Helper()
				before := r.snapshot(t, other)
				replay := refused
				replay.RequestID = other.ID
				_, err := f.Store.ApplyApprovalCallback(ctx, replay)
				wantCode(t, err, models.EUNAUTHORIZED)
				wantEqual(t, "the other request after the replay", r.snapshot(t, other), before)
				wantEqual(t, "the other request", r.approval(t, other.ID).Status, models.ApprovalPending)
			}
			t.Run("Expired", func(t *testing.T) {
				late := launch(t)
				f.Clock.Advance(61 * time.Minute)
				other := launch(t)
				answer := r.callback(late.ID, `{"approval_status":"approved","message":"sorry, late"}`, f.Clock.Now(), r.key)
				_, err := f.Store.ApplyApprovalCallback(ctx, answer)
				wantCode(t, err, models.ECONFLICT)
				replayRefused(t, answer, other)
				// The other request still takes its own fresh callback.
				_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(other.ID, `{"approval_status":"denied"}`, f.Clock.Now().Add(time.Second), r.key))
				mustNoErr(t, err)
				wantEqual(t, "the other request", r.approval(t, other.ID).Status, models.ApprovalDenied)
				// Expire the late one now, so the expiry case below counts only its own request.
				_, err = f.Store.ExpireApprovals(ctx)
				mustNoErr(t, err)
			})
			t.Run("AlreadyDecided", func(t *testing.T) {
				decided, other := launch(t), launch(t)
				_, err := f.Store.ApplyApprovalCallback(ctx, r.callback(decided.ID, `{"approval_status":"approved","message":"first"}`, f.Clock.Now(), r.key))
				mustNoErr(t, err)
				answer := r.callback(decided.ID, `{"approval_status":"denied","message":"second thoughts"}`, f.Clock.Now(), r.key)
				_, err = f.Store.ApplyApprovalCallback(ctx, answer)
				wantCode(t, err, models.ECONFLICT)
				replayRefused(t, answer, other)
				// Its own request still answers the same bytes with the conflict.
				_, err = f.Store.ApplyApprovalCallback(ctx, answer)
				wantCode(t, err, models.ECONFLICT)
				// Withdraw the other, so the expiry case below counts only its own request.
				_, err = f.Store.CancelApproval(ctx, member, other.ID)
				mustNoErr(t, err)
			})
		})

		t.Run("OKExpire", func(t *testing.T) {
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, d := r.pending(t, farm.ID)
			f.Clock.Advance(59 * time.Minute)
			n, err := f.Store.ExpireApprovals(ctx)
			mustNoErr(t, err)
			wantEqual(t, "expired early", n, 0)
			f.Clock.Advance(time.Minute)
			n, err = f.Store.ExpireApprovals(ctx)
			mustNoErr(t, err)
			wantEqual(t, "expired", n, 1)
			a := r.approval(t, req.ID)
			if a.Status != models.ApprovalExpired || a.DecidedAt == nil {
				t.Fatalf("approval = %+v", a)
			}
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmTerminated)
			wantEqual(t, "delivery", f.MustDelivery(t, d.ID).Status, models.DeliveryFailed)
			n, err = f.Store.ExpireApprovals(ctx)
			mustNoErr(t, err)
			wantEqual(t, "expired again", n, 0)
			// An expired request takes no callback.
			_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(req.ID, `{"approval_status":"approved"}`, f.Clock.Now(), r.key))
			wantCode(t, err, models.ECONFLICT)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmTerminated)

			// Nor does one that is past its expiry before the expiry job ran.
			farm2 := r.farm(t)
			_, err = f.Store.LaunchFarm(ctx, member, farm2.ID)
			mustNoErr(t, err)
			req2, _ := r.pending(t, farm2.ID)
			f.Clock.Advance(61 * time.Minute)
			before := r.snapshot(t, req2)
			_, err = f.Store.ApplyApprovalCallback(ctx, r.callback(req2.ID, `{"approval_status":"approved"}`, f.Clock.Now(), r.key))
			wantCode(t, err, models.ECONFLICT)
			wantEqual(t, "late callback", r.snapshot(t, req2), before)
			n, err = f.Store.ExpireApprovals(ctx)
			mustNoErr(t, err)
			wantEqual(t, "expired", n, 1)
			wantEqual(t, "farm", r.status(t, farm2.ID), models.FarmTerminated)
		})

		t.Run("OKCancel", func(t *testing.T) {
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, _ := r.pending(t, farm.ID)
			viewer, _ := f.MustMember(t, r.acc, "appr-viewer@example.com", models.RoleViewer)
			_, err = f.Store.CancelApproval(ctx, viewer, req.ID)
			wantCode(t, err, models.EFORBIDDEN)
			got, err := f.Store.CancelApproval(ctx, member, req.ID)
			mustNoErr(t, err)
			wantEqual(t, "status", got.Status, models.ApprovalCancelled)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmTerminated)
			_, err = f.Store.CancelApproval(ctx, member, req.ID)
			wantCode(t, err, models.ECONFLICT)
			// A new request can follow.
			_, err = f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			r.pending(t, farm.ID)
		})

		t.Run("OKDeliveryFailsApprovalErrors", func(t *testing.T) {
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, d := r.pending(t, farm.ID)
			for i := 1; i <= models.ApprovalAttempts; i++ {
				next, err := r.answer(t, d, models.AttemptResult{Outcome: models.AttemptRetry, StatusCode: 500, RetryIn: time.Second}, "", "")
				mustNoErr(t, err)
				if (i < models.ApprovalAttempts) != (next != nil) {
					t.Fatalf("attempt %d: next = %v", i, next)
				}
				if i < models.ApprovalAttempts {
					wantEqual(t, "still pending", r.approval(t, req.ID).Status, models.ApprovalPending)
				}
				f.Clock.Advance(time.Second)
			}
			wantEqual(t, "delivery", f.MustDelivery(t, d.ID).Status, models.DeliveryFailed)
			a := r.approval(t, req.ID)
			if a.Status != models.ApprovalError || a.Message == "" {
				t.Fatalf("approval = %+v", a)
			}
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmTerminated)

			// 410 Gone: the endpoint is deactivated, the approval errors, and new launches are
			// refused until it is active again.
			farm2 := r.farm(t)
			_, err = f.Store.LaunchFarm(ctx, member, farm2.ID)
			mustNoErr(t, err)
			req2, d2 := r.pending(t, farm2.ID)
			_, err = r.answer(t, d2, models.AttemptResult{Outcome: models.AttemptGone, StatusCode: 410}, "", "")
			mustNoErr(t, err)
			wantEqual(t, "approval after 410", r.approval(t, req2.ID).Status, models.ApprovalError)
			wantEqual(t, "farm after 410", r.status(t, farm2.ID), models.FarmTerminated)
			_, err = f.Store.LaunchFarm(ctx, member, farm2.ID)
			wantCode(t, err, models.ECONFLICT)
			wantEqual(t, "farm after refused launch", r.status(t, farm2.ID), models.FarmTerminated)
			wantEqual(t, "events after refused launch", farmEvents(t, farm2.ID), []string{"BeforeFarmLaunch"})
			_, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, r.ep.ID, models.EndpointInput{Active: ptr(true)})
			mustNoErr(t, err)
		})

		t.Run("OKDecisionIsAtomic", func(t *testing.T) {
			farm := r.farm(t)
			_, err := f.Store.LaunchFarm(ctx, member, farm.ID)
			mustNoErr(t, err)
			req, d := r.pending(t, farm.ID)
			tg, err := f.Store.BeginAttempt(ctx, d.ID)
			mustNoErr(t, err)
			undo := f.MustFailInserts(t, "events", "NEW.name = 'FarmLaunched'")
			_, err = f.Store.FinishApprovalAttempt(ctx, tg, answered("approved", "yes"), scalr.DecisionApproved, "yes")
			if err == nil {
				t.Fatal("decision succeeded with a failing event insert")
			}
			undo()
			// Neither the answer nor the decision was recorded.
			wantEqual(t, "approval", r.approval(t, req.ID).Status, models.ApprovalPending)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmPendingLaunch)
			stored := f.MustDelivery(t, d.ID)
			wantEqual(t, "delivery", stored.Status, models.DeliveryPending)
			if as := f.MustAttempts(t, d.ID); len(as) != 1 || as[0].FinishedAt != nil {
				t.Fatalf("attempts = %+v", as)
			}
			_, err = f.Store.FinishApprovalAttempt(ctx, tg, answered("approved", "yes"), scalr.DecisionApproved, "yes")
			mustNoErr(t, err)
			wantEqual(t, "farm", r.status(t, farm.ID), models.FarmRunning)
		})

		t.Run("OKOnePendingRequestPerFarm", func(t *testing.T) {
			farm := r.farm(t)
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.Store.LaunchFarm(ctx, member, farm.ID)
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else {
					wantCode(t, err, models.ECONFLICT)
				}
			}
			wantEqual(t, "winners", won, 1)
			wantEqual(t, "requests", f.MustCount(t, "approval_requests", "farm_id = ?", farm.ID), int64(1))
			wantEqual(t, "events", farmEvents(t, farm.ID), []string{"BeforeFarmLaunch"})
			wantEqual(t, "approval deliveries", f.MustCount(t, "deliveries", "kind = 'approval' AND event_id IN (SELECT id FROM events WHERE farm_id = ?)", farm.ID), int64(1))
		})

		t.Run("OKOnlyConfiguredOperations", func(t *testing.T) {
			lr := newApprovalRig(t, f, "Launch Only", true, false)
			farm := lr.farm(t)
			_, err := f.Store.LaunchFarm(ctx, f.AdminActor, farm.ID)
			mustNoErr(t, err)
			_, d := lr.pending(t, farm.ID)
			_, err = lr.answer(t, d, answered("approved", ""), scalr.DecisionApproved, "")
			mustNoErr(t, err)
			got, err := f.Store.TerminateFarm(ctx, f.AdminActor, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "terminate without approval", got.Status, models.FarmTerminated)

			tr := newApprovalRig(t, f, "Terminate Only", false, true)
			farm = tr.farm(t)
			got, err = f.Store.LaunchFarm(ctx, f.AdminActor, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "launch without approval", got.Status, models.FarmRunning)
			got, err = f.Store.TerminateFarm(ctx, f.AdminActor, farm.ID)
			mustNoErr(t, err)
			wantEqual(t, "terminate with approval", got.Status, models.FarmPendingTerminate)
		})
	})
}

package models_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// deliveryRig is an account with one endpoint, one webhook on a custom event, and a farm to
// fire it about.
type deliveryRig struct {
	f       *domainFixture
	acc     string
	farm    *models.Farm
	ep      *models.Endpoint
	key     string
	hook    *models.Webhook
	event   string
	attempt int
}

func newDeliveryRig(t *testing.T, f *domainFixture, name string, maxAttempts int) *deliveryRig {
	t.Helper()
	acc := f.MustAccount(t, name).ID
	env := f.MustEnvironment(t, f.AdminActor, acc, "env")
	scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
	ev := f.MustCustomEvent(t, f.AdminActor, scope, "Ping").Name
	ep, key := f.MustEndpoint(t, f.AdminActor, scope, "receiver", false)
	h := f.MustWebhook(t, f.AdminActor, scope, "pinger", []string{ev}, []string{ep.ID}, func(in *models.WebhookInput) { in.MaxAttempts = &maxAttempts })
	return &deliveryRig{f: f, acc: acc, farm: f.MustFarm(t, env.ID, "Farm"), ep: ep, key: key, hook: h, event: ev}
}

// fire records one event and returns its single delivery.
func (r *deliveryRig) fire(t *testing.T) *models.Delivery {
	t.Helper()
	ev := r.f.MustFire(t, r.event, r.farm.ID, "", nil)
	ds := r.f.MustDeliveries(t, ev.ID)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	return &ds[0]
}

func (r *deliveryRig) begin(t *testing.T, id string) *models.AttemptTarget {
	t.Helper()
	tg, err := r.f.Store.BeginAttempt(context.Background(), id)
	if err != nil {
		t.Fatalf("begin attempt: %v", err)
	}
	return tg
}

func (r *deliveryRig) finish(t *testing.T, tg *models.AttemptTarget, res models.AttemptResult) *time.Time {
	t.Helper()
	next, err := r.f.Store.FinishAttempt(context.Background(), tg, res)
	if err != nil {
		t.Fatalf("finish attempt: %v", err)
	}
	return next
}

func retry(code int, in time.Duration) models.AttemptResult {
	return models.AttemptResult{Outcome: models.AttemptRetry, StatusCode: code, RetryIn: in, Duration: 20 * time.Millisecond}
}

func (f *domainFixture) MustAttempts(tb testing.TB, deliveryID string) []models.DeliveryAttempt {
	tb.Helper()
	m, err := f.Store.AttemptsByDelivery(context.Background(), []string{deliveryID})
	mustNoErr(tb, err)
	return m[deliveryID]
}

func TestDeliveries_Attempts(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Attempts", 3)

		t.Run("OKCountedBeforeTheCall", func(t *testing.T) {
			d := r.fire(t)
			tg := r.begin(t, d.ID)
			if tg.Delivery == nil || tg.Delivery.ID != d.ID || tg.Delivery.Attempts != 1 || tg.Endpoint.ID != r.ep.ID || tg.Endpoint.URL != r.ep.URL || string(tg.SigningKey) != r.key {
				t.Fatalf("target = %+v", tg)
			}
			stored := f.MustDelivery(t, d.ID)
			wantEqual(t, "attempts before the call", stored.Attempts, 1)
			as := f.MustAttempts(t, d.ID)
			if len(as) != 1 || as[0].Number != 1 || as[0].FinishedAt != nil || as[0].URL != r.ep.URL || as[0].ID != tg.Attempt.ID {
				t.Fatalf("attempts = %+v", as)
			}
			body := append([]byte("ok\x00\xff"), strings.Repeat("b", models.MaxStoredBody)...)
			next := r.finish(t, tg, models.AttemptResult{
				Outcome: models.AttemptSucceeded, StatusCode: 200, URL: r.ep.URL, RemoteAddr: "192.0.2.1:443", Duration: 42 * time.Millisecond,
				RequestHeaders: http.Header{"X-Signature": {"abc"}}, ResponseHeaders: http.Header{"Content-Type": {"text/plain"}}, ResponseBody: body,
			})
			if next != nil {
				t.Fatalf("next attempt %v after success", next)
			}
			stored = f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliverySucceeded || stored.CompletedAt == nil || stored.NextAttemptAt != nil || stored.LastStatusCode == nil || *stored.LastStatusCode != 200 {
				t.Fatalf("after success: %+v", stored)
			}
			a := f.MustAttempts(t, d.ID)[0]
			if a.FinishedAt == nil || a.StatusCode == nil || *a.StatusCode != 200 || a.RemoteAddr != "192.0.2.1:443" || a.DurationMs == nil || *a.DurationMs != 42 ||
				a.RequestHeaders == nil || !strings.Contains(*a.RequestHeaders, "X-Signature") || a.ResponseHeaders == nil {
				t.Fatalf("attempt = %+v", a)
			}
			if len(a.ResponseBody) > models.MaxStoredBody+8 || !strings.HasPrefix(a.ResponseBody, "ok") || strings.ContainsRune(a.ResponseBody, 0) {
				t.Fatalf("stored body of %d bytes: %q…", len(a.ResponseBody), a.ResponseBody[:8])
			}
			// Finished: no further attempt.
			_, err := f.Store.BeginAttempt(ctx, d.ID)
			if !errors.Is(err, models.ErrDeliveryDone) {
				t.Fatalf("begin after success: %v", err)
			}
			wantEqual(t, "attempts", len(f.MustAttempts(t, d.ID)), 1)
		})

		t.Run("OKRetryThenNotDue", func(t *testing.T) {
			d := r.fire(t)
			tg := r.begin(t, d.ID)
			next := r.finish(t, tg, retry(503, 30*time.Second))
			want := f.Clock.Now().Add(30 * time.Second)
			if next == nil || !next.Equal(want) {
				t.Fatalf("next = %v, want %v", next, want)
			}
			stored := f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryRetrying || stored.NextAttemptAt == nil || !stored.NextAttemptAt.Round(time.Millisecond).Equal(want.Round(time.Millisecond)) ||
				stored.LastError != "HTTP 503 Service Unavailable" || *stored.LastStatusCode != 503 || stored.CompletedAt != nil {
				t.Fatalf("after retry: %+v", stored)
			}
			_, err := f.Store.BeginAttempt(ctx, d.ID)
			var notDue *models.NotDueError
			if !errors.As(err, &notDue) || !notDue.At.Round(time.Millisecond).Equal(want.Round(time.Millisecond)) {
				t.Fatalf("begin before due: %v", err)
			}
			wantEqual(t, "attempts not counted", f.MustDelivery(t, d.ID).Attempts, 1)
			f.Clock.Advance(30 * time.Second)
			tg = r.begin(t, d.ID)
			wantEqual(t, "second attempt", tg.Attempt.Number, 2)
		})

		t.Run("OKFailedAtOnce", func(t *testing.T) {
			d := r.fire(t)
			tg := r.begin(t, d.ID)
			if next := r.finish(t, tg, models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 400}); next != nil {
				t.Fatalf("next = %v", next)
			}
			stored := f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryFailed || stored.LastError != "HTTP 400 Bad Request" || stored.CompletedAt == nil || stored.Attempts != 1 {
				t.Fatalf("after 400: %+v", stored)
			}
			_, err := f.Store.BeginAttempt(ctx, d.ID)
			if !errors.Is(err, models.ErrDeliveryDone) {
				t.Fatalf("begin after failure: %v", err)
			}
		})

		t.Run("OKAttemptsExhausted", func(t *testing.T) {
			d := r.fire(t)
			for i := 1; i <= 3; i++ {
				tg := r.begin(t, d.ID)
				wantEqual(t, "attempt number", tg.Attempt.Number, i)
				next := r.finish(t, tg, models.AttemptResult{Outcome: models.AttemptRetry, ErrorClass: "timeout", ErrorMessage: "timed out", RetryIn: time.Second})
				if i < 3 && next == nil || i == 3 && next != nil {
					t.Fatalf("attempt %d: next = %v", i, next)
				}
				f.Clock.Advance(time.Second)
			}
			stored := f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryFailed || stored.Attempts != 3 || stored.LastError != "timed out" || stored.LastStatusCode != nil {
				t.Fatalf("after 3 attempts: %+v", stored)
			}
			wantEqual(t, "attempt rows", len(f.MustAttempts(t, d.ID)), 3)
		})

		t.Run("OKGoneDeactivatesEndpoint", func(t *testing.T) {
			g := newDeliveryRig(t, f, "Gone", 3)
			d := g.fire(t)
			tg := g.begin(t, d.ID)
			g.finish(t, tg, models.AttemptResult{Outcome: models.AttemptGone, StatusCode: 410})
			stored := f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryFailed || !strings.Contains(stored.LastError, "410") {
				t.Fatalf("after 410: %+v", stored)
			}
			ep, err := f.Store.GetEndpoint(ctx, f.AdminActor, g.ep.ID, models.RoleViewer)
			mustNoErr(t, err)
			if ep.Active || !strings.Contains(ep.InactiveReason, "410") {
				t.Fatalf("endpoint after 410: active %v reason %q", ep.Active, ep.InactiveReason)
			}
			// New events skip it, and reactivating clears the reason.
			ev := f.MustFire(t, g.event, g.farm.ID, "", nil)
			wantEqual(t, "deliveries to a gone endpoint", len(f.MustDeliveries(t, ev.ID)), 0)
			ep, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, g.ep.ID, models.EndpointInput{Active: ptr(true)})
			mustNoErr(t, err)
			wantEqual(t, "reason after reactivation", ep.InactiveReason, "")
		})

		t.Run("ErrEndpointInactiveOrDeleted", func(t *testing.T) {
			g := newDeliveryRig(t, f, "Inactive", 3)
			d := g.fire(t)
			_, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, g.ep.ID, models.EndpointInput{Active: ptr(false)})
			mustNoErr(t, err)
			tg, err := f.Store.BeginAttempt(ctx, d.ID)
			if !errors.Is(err, models.ErrDeliveryDone) {
				t.Fatalf("begin with an inactive endpoint: %+v, %v", tg, err)
			}
			stored := f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryFailed || stored.LastError != "the endpoint is inactive" || stored.Attempts != 0 {
				t.Fatalf("delivery = %+v", stored)
			}

			_, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, g.ep.ID, models.EndpointInput{Active: ptr(true)})
			mustNoErr(t, err)
			d = g.fire(t)
			spare, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: g.acc}, "spare", false)
			_, err = f.Store.UpdateWebhook(ctx, f.AdminActor, g.hook.ID, models.WebhookInput{EndpointIDs: []string{spare.ID}, SetEndpoints: true})
			mustNoErr(t, err)
			mustNoErr(t, f.Store.DeleteEndpoint(ctx, f.AdminActor, g.ep.ID))
			tg, err = f.Store.BeginAttempt(ctx, d.ID)
			if !errors.Is(err, models.ErrDeliveryDone) {
				t.Fatalf("begin with a deleted endpoint: %+v, %v", tg, err)
			}
			stored = f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryFailed || stored.LastError != "the endpoint was deleted" {
				t.Fatalf("delivery = %+v", stored)
			}
			for _, id := range []string{"not-a-uuid", "00000000-0000-7000-8000-000000000000"} {
				if _, err := f.Store.BeginAttempt(ctx, id); !errors.Is(err, models.ErrDeliveryDone) {
					t.Fatalf("begin %s: %v", id, err)
				}
			}
		})

		// A worker that crashed mid-attempt never finished it, but the attempt counted: a
		// delivery with no attempts left ends failed at its next run instead of trying again.
		t.Run("OKCrashMidAttemptCounts", func(t *testing.T) {
			g := newDeliveryRig(t, f, "Crash", 1)
			d := g.fire(t)
			g.begin(t, d.ID) // and the worker dies
			// Its attempt holds the delivery until the lease ends.
			if _, err := f.Store.BeginAttempt(ctx, d.ID); !errors.As(err, new(*models.NotDueError)) {
				t.Fatalf("begin during the dead worker's lease: %v", err)
			}
			f.Clock.Advance(time.Duration(d.TimeoutSeconds)*time.Second + time.Minute)
			_, err := f.Store.BeginAttempt(ctx, d.ID)
			if !errors.Is(err, models.ErrDeliveryDone) {
				t.Fatalf("begin after a crash: %v", err)
			}
			stored := f.MustDelivery(t, d.ID)
			if stored.Status != models.DeliveryFailed || stored.Attempts != 1 || stored.CompletedAt == nil {
				t.Fatalf("delivery = %+v", stored)
			}
			wantEqual(t, "attempt rows", len(f.MustAttempts(t, d.ID)), 1)
		})

		t.Run("OKResend", func(t *testing.T) {
			d := r.fire(t)
			tg := r.begin(t, d.ID)
			r.finish(t, tg, models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 204})
			payload := f.MustDelivery(t, d.ID).Payload
			f.Enq.Take()
			f.Clock.Advance(time.Minute)
			got, err := f.Store.ResendDelivery(ctx, f.AdminActor, d.ID)
			mustNoErr(t, err)
			if got.Status != models.DeliveryPending || got.CompletedAt != nil || got.MaxAttempts != 1+3 || got.NextAttemptAt == nil {
				t.Fatalf("resent = %+v", got)
			}
			wantEqual(t, "enqueued", f.Enq.Take(), []string{d.ID})
			wantEqual(t, "same bytes", string(got.Payload), string(payload))
			if n := len(f.MustAudit(t, r.acc, "delivery.resent")); n != 1 {
				t.Fatalf("%d delivery.resent audit entries", n)
			}
			_, err = f.Store.ResendDelivery(ctx, f.AdminActor, d.ID)
			wantCode(t, err, models.ECONFLICT)
			tg = r.begin(t, d.ID)
			wantEqual(t, "attempt numbering continues", tg.Attempt.Number, 2)
			admin, _ := f.MustMember(t, r.acc, "resend-member@example.com", models.RoleMember)
			_, err = f.Store.ResendDelivery(ctx, admin, d.ID)
			wantCode(t, err, models.EFORBIDDEN)
		})

		t.Run("OKRetryFailed", func(t *testing.T) {
			g := newDeliveryRig(t, f, "Retry Failed", 1)
			fail := func(t *testing.T) *models.Delivery {
				d := g.fire(t)
				g.finish(t, g.begin(t, d.ID), models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 422})
				return d
			}
			old := fail(t)
			f.Clock.Advance(time.Hour)
			since := f.Clock.Now()
			a, b := fail(t), fail(t)
			ok := g.fire(t)
			g.finish(t, g.begin(t, ok.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
			pending := g.fire(t)
			f.Enq.Take()
			n, err := f.Store.RetryFailed(ctx, f.AdminActor, models.RetryFailedInput{AccountID: g.acc, EndpointID: g.ep.ID, Since: since})
			mustNoErr(t, err)
			wantEqual(t, "requeued", n, 2)
			got := f.Enq.Take()
			slices.Sort(got)
			want := []string{a.ID, b.ID}
			slices.Sort(want)
			wantEqual(t, "enqueued", got, want)
			for id, st := range map[string]models.DeliveryStatus{a.ID: models.DeliveryPending, b.ID: models.DeliveryPending, old.ID: models.DeliveryFailed, ok.ID: models.DeliverySucceeded, pending.ID: models.DeliveryPending} {
				wantEqual(t, "status of "+id, f.MustDelivery(t, id).Status, st)
			}
			wantEqual(t, "fresh round", f.MustDelivery(t, a.ID).MaxAttempts, 2)
			// By webhook, from the beginning: the old one too (the others are pending now).
			n, err = f.Store.RetryFailed(ctx, f.AdminActor, models.RetryFailedInput{AccountID: g.acc, WebhookID: g.hook.ID, Since: since.Add(-2 * time.Hour)})
			mustNoErr(t, err)
			wantEqual(t, "requeued by webhook", n, 1)
			wantEqual(t, "enqueued by webhook", f.Enq.Take(), []string{old.ID})
			_, err = f.Store.RetryFailed(ctx, f.AdminActor, models.RetryFailedInput{AccountID: g.acc, Since: since})
			wantField(t, err, models.EINVALID, "endpointId")
		})

		t.Run("OKCountsByEvent", func(t *testing.T) {
			acc := f.MustAccount(t, "Counts").ID
			env := f.MustEnvironment(t, f.AdminActor, acc, "env")
			farm := f.MustFarm(t, env.ID, "Counted")
			scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
			ev := f.MustCustomEvent(t, f.AdminActor, scope, "Counted").Name
			var eps []string
			for _, n := range []string{"c1", "c2", "c3", "c4"} {
				e, _ := f.MustEndpoint(t, f.AdminActor, scope, n, false)
				eps = append(eps, e.ID)
			}
			f.MustWebhook(t, f.AdminActor, scope, "counted", []string{ev}, eps, nil)
			fired := f.MustFire(t, ev, farm.ID, "", nil)
			empty := f.MustFire(t, "FarmResumed", farm.ID, "", nil)
			ds := f.MustDeliveries(t, fired.ID)
			outcomes := []models.AttemptResult{
				{Outcome: models.AttemptSucceeded, StatusCode: 200},
				{Outcome: models.AttemptFailed, StatusCode: 400},
				retry(500, time.Minute),
			}
			for i, res := range outcomes {
				tg := r.begin(t, ds[i].ID)
				r.finish(t, tg, res)
			}
			m, err := f.Store.DeliveryCountsByEvent(ctx, []string{fired.ID, empty.ID})
			mustNoErr(t, err)
			wantEqual(t, "counts", m[fired.ID], models.DeliveryCounts{Succeeded: 1, Failed: 1, Pending: 2})
			wantEqual(t, "no deliveries", m[empty.ID], models.DeliveryCounts{})
		})

		t.Run("OKListDeliveries", func(t *testing.T) {
			g := newDeliveryRig(t, f, "History", 3)
			a, b := g.fire(t), g.fire(t)
			g.finish(t, g.begin(t, a.ID), models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 400})
			p, err := f.Store.ListDeliveries(ctx, f.AdminActor, g.acc, models.DeliveryQuery{Statuses: []models.DeliveryStatus{models.DeliveryFailed}}, 10, "")
			mustNoErr(t, err)
			if len(p.Items) != 1 || p.Items[0].ID != a.ID {
				t.Fatalf("failed = %+v", p.Items)
			}
			p, err = f.Store.ListDeliveries(ctx, f.AdminActor, g.acc, models.DeliveryQuery{Search: strings.ToUpper(b.EventID[:13]) + "%"}, 10, "")
			mustNoErr(t, err)
			wantEqual(t, "search with a literal %", len(p.Items), 0)
			p, err = f.Store.ListDeliveries(ctx, f.AdminActor, g.acc, models.DeliveryQuery{Search: strings.ToUpper(mustPayload(t, b.Payload).EventID)}, 10, "")
			mustNoErr(t, err)
			if len(p.Items) != 1 || p.Items[0].ID != b.ID {
				t.Fatalf("search = %+v", p.Items)
			}
			viewer, _ := f.MustMember(t, g.acc, "history-viewer@example.com", models.RoleViewer)
			_, err = f.Store.ListDeliveries(ctx, viewer, g.acc, models.DeliveryQuery{}, 10, "")
			wantCode(t, err, models.EFORBIDDEN)
		})
	})
}

// Global views (the sweeper's due list, retention) get a database of their own.
func TestDeliveries_DueAndHistory(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Sweep", 3)

		t.Run("OKDueDeliveries", func(t *testing.T) {
			// A rate-limited endpoint's deliveries take the per-delivery path, the sweeper's.
			setRateLimit := func(v any) {
				mustNoErr(t, f.DB.Model(&models.Endpoint{}).Where("id = ?", r.ep.ID).Update("rate_limit", v).Error)
			}
			setRateLimit(100.0)
			due1 := r.fire(t)
			succeeded := r.fire(t)
			r.finish(t, r.begin(t, succeeded.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
			failed := r.fire(t)
			r.finish(t, r.begin(t, failed.ID), models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 400})
			later := r.fire(t)
			r.finish(t, r.begin(t, later.ID), retry(503, 10*time.Minute))
			soon := r.fire(t)
			r.finish(t, r.begin(t, soon.ID), retry(503, time.Minute))
			f.Clock.Advance(2 * time.Minute)
			due2 := r.fire(t)

			refs, err := f.Store.DueDeliveries(ctx, f.Clock.Now(), 100)
			mustNoErr(t, err)
			var got []string
			for _, ref := range refs {
				got = append(got, ref.ID)
			}
			// Oldest due first.
			wantEqual(t, "due", got, []string{due1.ID, soon.ID, due2.ID})
			refs, err = f.Store.DueDeliveries(ctx, f.Clock.Now(), 2)
			mustNoErr(t, err)
			wantEqual(t, "limited", len(refs), 2)
			refs, err = f.Store.DueDeliveries(ctx, f.Clock.Now().Add(10*time.Minute), 100)
			mustNoErr(t, err)
			wantEqual(t, "due later", len(refs), 4)
			// Without the limit the dispatcher claims them (ClaimDeliveries): the sweeper leaves
			// them alone.
			setRateLimit(nil)
			refs, err = f.Store.DueDeliveries(ctx, f.Clock.Now().Add(10*time.Minute), 100)
			mustNoErr(t, err)
			wantEqual(t, "due for the dispatcher", len(refs), 0)
			setRateLimit(100.0)
			// Finish them all, so the history test below starts from finished deliveries.
			for _, id := range []string{due1.ID, due2.ID, soon.ID, later.ID} {
				f.Clock.Advance(10 * time.Minute)
				r.finish(t, r.begin(t, id), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
			}
			refs, err = f.Store.DueDeliveries(ctx, f.Clock.Now().Add(time.Hour), 100)
			mustNoErr(t, err)
			wantEqual(t, "none due", len(refs), 0)
		})

		t.Run("OKStats", func(t *testing.T) {
			g := newDeliveryRig(t, f, "Stats", 1)
			// Two hours ago: one succeeded. One hour ago: one failed, one succeeded. Now: one pending.
			f.Clock.Advance(time.Hour)
			hour0 := f.Clock.Now().Truncate(time.Hour)
			g.finish(t, g.begin(t, g.fire(t).ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
			f.Clock.Advance(time.Hour)
			g.finish(t, g.begin(t, g.fire(t).ID), models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 400})
			g.finish(t, g.begin(t, g.fire(t).ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
			f.Clock.Advance(time.Hour)
			g.fire(t)
			buckets, err := f.Store.DeliveryStats(ctx, f.AdminActor, g.acc, 4, models.DeliveryQuery{})
			mustNoErr(t, err)
			if len(buckets) != 4 {
				t.Fatalf("%d buckets", len(buckets))
			}
			type counts struct{ S, F, P int }
			var got []counts
			for i, b := range buckets {
				if !b.Start.Equal(hour0.Add(time.Duration(i-1) * time.Hour)) {
					t.Fatalf("bucket %d starts %v, want %v", i, b.Start, hour0.Add(time.Duration(i-1)*time.Hour))
				}
				got = append(got, counts{b.Succeeded, b.Failed, b.Pending})
			}
			wantEqual(t, "buckets", got, []counts{{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 0, 1}})
			// The chart follows the table's filter: failures only, or the 4xx class, count the
			// one failed delivery; an id that can match nothing counts nothing.
			for name, q := range map[string]models.DeliveryQuery{
				"status":   {Statuses: []models.DeliveryStatus{models.DeliveryFailed}},
				"response": {ResponseClasses: []models.ResponseClass{models.Response4xx}},
			} {
				buckets, err = f.Store.DeliveryStats(ctx, f.AdminActor, g.acc, 4, q)
				mustNoErr(t, err)
				got = got[:0]
				for _, b := range buckets {
					got = append(got, counts{b.Succeeded, b.Failed, b.Pending})
				}
				wantEqual(t, "filtered by "+name, got, []counts{{0, 0, 0}, {0, 0, 0}, {0, 1, 0}, {0, 0, 0}})
			}
			buckets, err = f.Store.DeliveryStats(ctx, f.AdminActor, g.acc, 4, models.DeliveryQuery{WebhookID: "not-an-id"})
			mustNoErr(t, err)
			for _, b := range buckets {
				if b.Succeeded+b.Failed+b.Pending != 0 {
					t.Fatalf("an impossible filter counted %+v", b)
				}
			}
			_, err = f.Store.DeliveryStats(ctx, f.AdminActor, g.acc, 4, models.DeliveryQuery{Statuses: []models.DeliveryStatus{"bogus"}})
			wantField(t, err, models.EINVALID, "statuses")
			_, err = f.Store.DeliveryStats(ctx, f.AdminActor, g.acc, 0, models.DeliveryQuery{})
			wantField(t, err, models.EINVALID, "hours")
			viewer, _ := f.MustMember(t, g.acc, "stats-viewer@example.com", models.RoleViewer)
			_, err = f.Store.DeliveryStats(ctx, viewer, g.acc, 4, models.DeliveryQuery{})
			wantCode(t, err, models.EFORBIDDEN)
		})

		t.Run("OKPurgeHistory", func(t *testing.T) {
			// Everything so far is finished except the Stats case's pending delivery.
			var pendingEvents []string
			mustNoErr(t, f.DB.Raw("SELECT DISTINCT event_id FROM deliveries WHERE status IN ('pending', 'retrying')").Scan(&pendingEvents).Error)
			if len(pendingEvents) != 1 {
				t.Fatalf("pending events: %v", pendingEvents)
			}
			oldFinished := r.fire(t)
			r.finish(t, r.begin(t, oldFinished.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
			oldRetrying := r.fire(t)
			r.finish(t, r.begin(t, oldRetrying.ID), retry(503, time.Hour))
			oldQuiet := f.MustFire(t, "FarmSuspended", r.farm.ID, "", nil) // no deliveries at all
			olderCount := f.MustCount(t, "events", "")

			f.Clock.Advance(31 * 24 * time.Hour)
			recent := r.fire(t)
			r.finish(t, r.begin(t, recent.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})

			n, err := f.Store.PurgeHistory(ctx)
			mustNoErr(t, err)
			// Every old event goes, except the two with unfinished deliveries.
			wantEqual(t, "purged", n, olderCount-2)
			for id, want := range map[string]int64{
				oldFinished.EventID: 0, oldQuiet.ID: 0, oldRetrying.EventID: 1, pendingEvents[0]: 1, recent.EventID: 1,
			} {
				wantEqual(t, "event "+id, f.MustCount(t, "events", "id = ?", id), want)
			}
			wantEqual(t, "deliveries of purged", f.MustCount(t, "deliveries", "id = ?", oldFinished.ID), int64(0))
			wantEqual(t, "attempts of purged", f.MustCount(t, "delivery_attempts", "delivery_id = ?", oldFinished.ID), int64(0))
			wantEqual(t, "attempts kept", f.MustCount(t, "delivery_attempts", "delivery_id = ?", recent.ID), int64(1))

			// A shorter retention purges the recent one too.
			member, _ := f.MustMember(t, r.acc, "retention@example.com", models.RoleOwner)
			wantCode(t, f.Store.SetRetentionDays(ctx, member, 1), models.EFORBIDDEN)
			wantField(t, f.Store.SetRetentionDays(ctx, f.AdminActor, 0), models.EINVALID, "days")
			mustNoErr(t, f.Store.SetRetentionDays(ctx, f.AdminActor, 1))
			days, err := f.Store.RetentionDays(ctx)
			mustNoErr(t, err)
			wantEqual(t, "retention", days, 1)
			f.Clock.Advance(25 * time.Hour)
			_, err = f.Store.PurgeHistory(ctx)
			mustNoErr(t, err)
			wantEqual(t, "recent after 1-day retention", f.MustCount(t, "events", "id = ?", recent.EventID), int64(0))
			wantEqual(t, "unfinished kept", f.MustCount(t, "events", "id = ?", oldRetrying.EventID), int64(1))
		})
	})
}

package jobs_test

import (
	"context"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// dispatcher starts a Dispatcher on store (stopped at cleanup) and returns it.
func startDispatcher(t *testing.T, store *models.Store) *jobs.Dispatcher {
	t.Helper()
	sender, err := deliver.NewSender(deliver.Config{Guard: deliver.NewGuard([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil)})
	mustNoErr(t, err)
	d := &jobs.Dispatcher{Store: store, Sender: sender, Concurrency: 16, Batch: 10, Idle: 20 * time.Millisecond, Grace: 5 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		sender.Close()
	})
	return d
}

// moveToEndpoint moves a delivery to a new endpoint of the rig's account whose row is then
// changed by changes (paused, rate limited, inactive, damaged).
func (r *rig) moveToEndpoint(t *testing.T, deliveryID, name string, changes map[string]any) {
	t.Helper()
	url := r.ep.URL + "/" + name
	ep, _, err := r.store.CreateEndpoint(context.Background(), r.admin, models.EndpointInput{Scope: models.ScopeKey{Scope: models.ScopeAccount, ID: r.acc}, Name: &name, URL: &url})
	mustNoErr(t, err)
	mustNoErr(t, r.db.Model(&models.Endpoint{}).Where("id = ?", ep.ID).Updates(changes).Error)
	mustNoErr(t, r.db.Model(&models.Delivery{}).Where("id = ?", deliveryID).Update("endpoint_id", ep.ID).Error)
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDispatcher_EachDeliveryOnceAcrossReplicas: two dispatchers ("replicas", each with its
// own store) drain 150 deliveries; every one arrives exactly once, with one attempt recorded
// and finished, and nothing is left for the sweeper.
func TestDispatcher_EachDeliveryOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		rc := newReceiver(t, http.StatusOK)
		r := newRig(t, db, rc.srv.URL+"/hook", nil)
		r.store.SetClock(func() time.Time { return time.Now().UTC() })
		const n = 150
		want := map[string]bool{}
		for range n {
			for _, d := range r.fire(t) {
				want[d.ID] = true
			}
		}
		for range 2 {
			c := &clock{}
			s := newStore(t, db, r.key, c)
			s.SetClock(func() time.Time { return time.Now().UTC() })
			startDispatcher(t, s).Wake()
		}
		waitFor(t, "every delivery to succeed", func() bool {
			return r.count(t, "deliveries", "status = ?", models.DeliverySucceeded) == n
		})
		seen := map[string]int{}
		rc.mu.Lock()
		for _, id := range rc.ids {
			seen[id]++
		}
		rc.mu.Unlock()
		for id := range want {
			if seen[id] != 1 {
				t.Errorf("delivery %s arrived %d times, want once", id, seen[id])
			}
		}
		if len(seen) != n {
			t.Errorf("the receiver saw %d ids, want %d", len(seen), n)
		}
		if got := r.count(t, "delivery_attempts", "finished_at IS NOT NULL AND status_code = 200"); got != n {
			t.Errorf("%d finished attempts with 200, want %d", got, n)
		}
		if got := r.count(t, "deliveries", "attempts <> 1 OR next_attempt_at IS NOT NULL OR lease_until IS NOT NULL OR completed_at IS NULL"); got != 0 {
			t.Errorf("%d deliveries with another attempt count or a next attempt", got)
		}
		due, err := r.store.DueDeliveries(context.Background(), time.Now().Add(time.Hour), 100)
		mustNoErr(t, err)
		if len(due) != 0 {
			t.Errorf("the sweeper would still enqueue %d deliveries", len(due))
		}
	})
}

// TestClaim_LeavesPerDeliveryCasesToTheSweeper: a claim takes only webhook deliveries that are
// due, to active endpoints that are neither paused nor rate limited; those it leaves are the
// sweeper's (DueDeliveries), the ones it takes are not. A claimed delivery has its attempt
// counted and recorded (unfinished) before anything is sent, and is hidden from other claims
// and from the sweeper until its lease ends; then it is claimed again.
func TestClaim_LeavesPerDeliveryCasesToTheSweeper(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		rc := newReceiver(t, http.StatusOK)
		r := newRig(t, db, rc.srv.URL+"/hook", nil)
		plain := r.fire(t)[0]
		paused, limited, inactive := r.fire(t)[0], r.fire(t)[0], r.fire(t)[0]
		approval, notDue := r.fire(t)[0], r.fire(t)[0]
		// Paused, rate limited and inactive endpoints take the per-delivery path.
		r.moveToEndpoint(t, paused.ID, "paused", map[string]any{"paused_at": r.clock.Now()})
		r.moveToEndpoint(t, limited.ID, "limited", map[string]any{"rate_limit": 5.0})
		r.moveToEndpoint(t, inactive.ID, "inactive", map[string]any{"active": false})
		mustNoErr(t, db.Model(&models.Delivery{}).Where("id = ?", approval.ID).Update("kind", models.DeliveryKindApproval).Error)
		mustNoErr(t, db.Model(&models.Delivery{}).Where("id = ?", notDue.ID).Update("next_attempt_at", r.clock.Now().Add(time.Minute)).Error)

		got, err := r.store.ClaimDeliveries(ctx, 100)
		mustNoErr(t, err)
		if len(got) != 1 || got[0].Delivery.ID != plain.ID {
			ids := []string{}
			for _, g := range got {
				ids = append(ids, g.Delivery.ID)
			}
			t.Fatalf("claimed %v, want only the plain delivery %s", ids, plain.ID)
		}
		tg := got[0]
		if tg.Delivery.Attempts != 1 || tg.Attempt == nil || tg.Attempt.Number != 1 || tg.Endpoint.URL != r.ep.URL || len(tg.SigningKey) == 0 {
			t.Fatalf("claim target: attempts %d, attempt %+v, url %q", tg.Delivery.Attempts, tg.Attempt, tg.Endpoint.URL)
		}
		row := r.delivery(t, plain.ID)
		if row.Attempts != 1 || row.LeaseUntil == nil || !row.LeaseUntil.After(r.clock.Now().Add(30*time.Second)) {
			t.Fatalf("claimed row: attempts %d, lease until %v: want counted and leased", row.Attempts, row.LeaseUntil)
		}
		if n := r.count(t, "delivery_attempts", "delivery_id = ? AND finished_at IS NULL", plain.ID); n != 1 {
			t.Fatalf("%d unfinished attempt rows before the call, want 1", n)
		}
		if rc.count() != 0 {
			t.Fatal("a claim sent something")
		}

		due, err := r.store.DueDeliveries(ctx, r.clock.Now(), 100)
		mustNoErr(t, err)
		dueIDs := map[string]bool{}
		for _, d := range due {
			dueIDs[d.ID] = true
		}
		for name, id := range map[string]string{"paused": paused.ID, "rate limited": limited.ID, "inactive endpoint": inactive.ID, "approval": approval.ID} {
			if !dueIDs[id] {
				t.Errorf("the %s delivery is not the sweeper's", name)
			}
		}
		if dueIDs[plain.ID] || dueIDs[notDue.ID] || len(due) != 4 {
			t.Errorf("the sweeper lists %d deliveries (the claimed or a not-due one among them?)", len(due))
		}

		// Claimed again only once the lease has ended (a worker died mid-attempt).
		again, err := r.store.ClaimDeliveries(ctx, 100)
		mustNoErr(t, err)
		if len(again) != 0 {
			t.Fatalf("a leased delivery was claimed again: %d", len(again))
		}
		r.clock.Set(row.LeaseUntil.Add(time.Second))
		again, err = r.store.ClaimDeliveries(ctx, 100)
		mustNoErr(t, err)
		if len(again) < 1 || again[0].Delivery.ID != plain.ID || again[0].Delivery.Attempts != 2 || again[0].Attempt.Number != 2 {
			t.Fatalf("after the lease: %d claimed, want the plain delivery at attempt 2", len(again))
		}
	})
}

// TestDispatcher_RetryRecordsFailureThenSucceeds: a 503 is recorded as the attempt's result
// and counts against the endpoint; the retry comes due by the webhook's schedule, the idle
// poll claims it, and its success ends the endpoint's failure streak.
func TestDispatcher_RetryRecordsFailureThenSucceeds(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		rc := newReceiver(t, http.StatusServiceUnavailable)
		r := newRig(t, db, rc.srv.URL+"/hook", func(in *models.WebhookInput) {
			in.RetrySchedule, in.SetRetrySchedule = []int{60}, true
		})
		d := r.fire(t)[0]
		startDispatcher(t, r.store).Wake()
		waitFor(t, "the failed attempt to be recorded", func() bool {
			return r.count(t, "deliveries", "id = ? AND status = ?", d.ID, models.DeliveryRetrying) == 1
		})
		row := r.delivery(t, d.ID)
		if row.LastStatusCode == nil || *row.LastStatusCode != 503 || row.LastError == "" {
			t.Fatalf("retrying row: code %v, error %q", row.LastStatusCode, row.LastError)
		}
		if wait := row.NextAttemptAt.Sub(r.clock.Now()); wait < 45*time.Second || wait > 75*time.Second {
			t.Fatalf("next attempt in %v, want about the webhook's 60 s", wait)
		}
		if n := r.count(t, "delivery_attempts", "delivery_id = ? AND status_code = 503 AND finished_at IS NOT NULL", d.ID); n != 1 {
			t.Fatalf("%d recorded 503 attempts, want 1", n)
		}
		if ep := r.endpoint(t); ep.ConsecutiveFailures != 1 || ep.FailingSince == nil {
			t.Fatalf("endpoint after a failure: %d failures, failing since %v", ep.ConsecutiveFailures, ep.FailingSince)
		}
		rc.set(http.StatusOK)
		r.clock.Set(*row.NextAttemptAt)
		waitFor(t, "the retry to succeed", func() bool {
			return r.count(t, "deliveries", "id = ? AND status = ?", d.ID, models.DeliverySucceeded) == 1
		})
		if got := r.delivery(t, d.ID); got.Attempts != 2 || got.LastError != "" || got.LastStatusCode == nil || *got.LastStatusCode != 200 {
			t.Fatalf("after the retry: %d attempts, code %v, error %q", got.Attempts, got.LastStatusCode, got.LastError)
		}
		if ep := r.endpoint(t); ep.ConsecutiveFailures != 0 || ep.FailingSince != nil {
			t.Fatalf("a success did not end the failure streak: %d failures, failing since %v", ep.ConsecutiveFailures, ep.FailingSince)
		}
		if rc.count() != 2 {
			t.Fatalf("the receiver saw %d requests, want 2", rc.count())
		}
	})
}

// TestDispatcher_EndpointChangeSeenAtOnce: the dispatcher's endpoint cache never sends to an
// endpoint's old URL or signs with its old key once the change has committed, well within
// the cache's TTL.
func TestDispatcher_EndpointChangeSeenAtOnce(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		oldRC, newRC := newReceiver(t, http.StatusOK), newReceiver(t, http.StatusOK)
		r := newRig(t, db, oldRC.srv.URL+"/hook", nil)
		disp := startDispatcher(t, r.store)
		first := r.fire(t)[0]
		disp.Wake()
		waitFor(t, "the first delivery", func() bool { return oldRC.count() == 1 })
		waitFor(t, "the first result", func() bool {
			return r.count(t, "deliveries", "id = ? AND status = ?", first.ID, models.DeliverySucceeded) == 1
		})
		url := newRC.srv.URL + "/hook"
		_, err := r.store.UpdateEndpoint(ctx, r.admin, r.ep.ID, models.EndpointInput{URL: &url})
		mustNoErr(t, err)
		second := r.fire(t)[0]
		disp.Wake()
		waitFor(t, "the second delivery", func() bool {
			return r.count(t, "deliveries", "id = ? AND status = ?", second.ID, models.DeliverySucceeded) == 1
		})
		if oldRC.count() != 1 || newRC.count() != 1 {
			t.Fatalf("after the URL change: old URL got %d, new URL %d; want 1 and 1", oldRC.count(), newRC.count())
		}
	})
}

// TestClaim_UnreadableEndpointDoesNotBlockTheRest: the deliveries of an endpoint whose signing
// key cannot be decrypted (a damaged row) are given back — not counted, held a minute — while
// the other due deliveries are claimed; before, one such endpoint failed every claim.
func TestClaim_UnreadableEndpointDoesNotBlockTheRest(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		rc := newReceiver(t, http.StatusOK)
		r := newRig(t, db, rc.srv.URL+"/hook", nil)
		bad := r.fire(t)[0] // the oldest due delivery
		r.clock.Advance(time.Second)
		good := r.fire(t)[0]
		r.moveToEndpoint(t, bad.ID, "damaged", map[string]any{"signing_key_enc": []byte("not a sealed key at all, garbage")})

		got, err := r.store.ClaimDeliveries(ctx, 10)
		mustNoErr(t, err)
		if len(got) != 1 || got[0].Delivery.ID != good.ID {
			t.Fatalf("claimed %d deliveries, want only the readable one", len(got))
		}
		row := r.delivery(t, bad.ID)
		if row.Attempts != 0 || row.LeaseUntil == nil || row.LeaseUntil.Sub(r.clock.Now()) < 50*time.Second {
			t.Fatalf("the unreadable endpoint's delivery: attempts %d, lease %v; want not counted and held a minute", row.Attempts, row.LeaseUntil)
		}
		if n := r.count(t, "delivery_attempts", "delivery_id = ?", bad.ID); n != 0 {
			t.Fatalf("%d attempt rows for a delivery that was not attempted", n)
		}
		again, err := r.store.ClaimDeliveries(ctx, 10)
		mustNoErr(t, err)
		if len(again) != 0 {
			t.Fatalf("a held delivery was claimed again at once: %d", len(again))
		}
	})
}

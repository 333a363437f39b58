package jobs_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestRetrySchedule_SurvivesThirtyMinuteOutage: a receiver that answers 500 for a (simulated)
// 30 minutes still gets the delivery, within the default attempts of a new webhook. With the
// old schedule (3 attempts within about 12 s) the delivery failed for good.
func TestRetrySchedule_SurvivesThirtyMinuteOutage(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		var (
			mu      sync.Mutex
			downTil time.Time
			c       *clock
		)
		srv := newReceiver(t, http.StatusOK)
		srv.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			mu.Lock()
			down := c.Now().Before(downTil)
			mu.Unlock()
			srv.mu.Lock()
			srv.arrivals = append(srv.arrivals, c.Now())
			srv.mu.Unlock()
			if down {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		r := newRig(t, db, srv.srv.URL+"/hook", nil)
		c = r.clock
		if r.hook.MaxAttempts != 5 {
			t.Fatalf("a new webhook has %d attempts, want 5", r.hook.MaxAttempts)
		}
		mu.Lock()
		start := c.Now()
		downTil = start.Add(30 * time.Minute)
		mu.Unlock()
		d := r.fire(t)[0]
		for i := 0; ; i++ {
			if i > 10 {
				t.Fatal("the delivery never finished")
			}
			if err := run(t, r.deliver, d.ID); err == nil {
				break
			}
			got := r.delivery(t, d.ID)
			if got.NextAttemptAt == nil {
				t.Fatalf("retrying without a next attempt: %+v", got)
			}
			c.Set(*got.NextAttemptAt)
		}
		got := r.delivery(t, d.ID)
		if got.Status != models.DeliverySucceeded {
			t.Fatalf("after a 30-minute outage the delivery is %s after %d attempts (%s): lost", got.Status, got.Attempts, got.LastError)
		}
		if got.Attempts < 4 || got.Attempts > 5 {
			t.Errorf("succeeded at attempt %d, want 4 or 5 (30 s, 5 min, 30 min)", got.Attempts)
		}
		// The waits follow the schedule, with jitter.
		at := srv.times()
		for i, want := range []time.Duration{30 * time.Second, 5 * time.Minute, 30 * time.Minute} {
			if i+1 >= len(at) {
				break
			}
			if gap := at[i+1].Sub(at[i]); gap < time.Duration(float64(want)*0.84) || gap > time.Duration(float64(want)*1.16) {
				t.Errorf("wait before attempt %d = %v, want about %v", i+2, gap, want)
			}
		}
	})
}

// TestRetrySchedule_WebhookOwnSchedule: a webhook's own schedule spaces its retries.
func TestRetrySchedule_WebhookOwnSchedule(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		srv := newReceiver(t, http.StatusServiceUnavailable)
		attempts := 3
		r := newRig(t, db, srv.srv.URL+"/hook", func(in *models.WebhookInput) {
			in.MaxAttempts, in.RetrySchedule, in.SetRetrySchedule = &attempts, []int{7, 100}, true
		})
		d := r.fire(t)[0]
		start := r.clock.Now()
		var offsets []time.Duration
		for run(t, r.deliver, d.ID) != nil {
			got := r.delivery(t, d.ID)
			offsets = append(offsets, got.NextAttemptAt.Sub(start))
			r.clock.Set(*got.NextAttemptAt)
		}
		if len(offsets) != 2 {
			t.Fatalf("retries at %v, want 2", offsets)
		}
		if offsets[0] < 5*time.Second || offsets[0] > 9*time.Second || offsets[1]-offsets[0] < 85*time.Second || offsets[1]-offsets[0] > 115*time.Second {
			t.Errorf("retries at %v, want about 7 s then 100 s later", offsets)
		}
		if got := r.delivery(t, d.ID); got.Status != models.DeliveryFailed || got.Attempts != 3 {
			t.Errorf("after 3 attempts: %s, %d", got.Status, got.Attempts)
		}
	})
}

// TestBreaker_PauseProbeResume: consecutive failures pause an endpoint; its deliveries then wait
// without being charged; a failed probe is not charged either; a successful probe resumes it
// and its backlog is delivered. Each transition leaves an event and an audit entry, and the
// paused endpoint is not sent its own paused event.
func TestBreaker_PauseProbeResume(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		srv := newReceiver(t, http.StatusInternalServerError)
		watcher := newReceiver(t, http.StatusOK)
		attempts := 20
		r := newRig(t, db, srv.srv.URL+"/hook", func(in *models.WebhookInput) { in.MaxAttempts = &attempts })
		// A webhook on the health events, to the failing endpoint itself and to a watcher.
		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: r.acc}
		wname, wurl := "watcher", watcher.srv.URL+"/health"
		wep, _, err := r.store.CreateEndpoint(ctx, r.admin, models.EndpointInput{Scope: scope, Name: &wname, URL: &wurl})
		mustNoErr(t, err)
		hname := "health"
		_, err = r.store.CreateWebhook(ctx, r.admin, models.WebhookInput{Scope: scope, Name: &hname,
			Events: []string{models.EventEndpointPaused, models.EventEndpointResumed}, EndpointIDs: []string{r.ep.ID, wep.ID}})
		mustNoErr(t, err)

		var ids []string
		for range 7 {
			ids = append(ids, r.fire(t)[0].ID)
		}
		// Five failures pause it.
		for _, id := range ids[:5] {
			if err := run(t, r.deliver, id); err == nil {
				t.Fatalf("delivery %s finished against a failing receiver", id)
			}
		}
		ep := r.endpoint(t)
		h := ep.Health()
		if h.State != models.EndpointPaused || h.ConsecutiveFailures != 5 || h.NextProbeAt == nil || !strings.Contains(h.Reason, "5 consecutive failed attempts") {
			t.Fatalf("after 5 failures: %+v", h)
		}
		if n := r.count(t, "events", "name = ?", models.EventEndpointPaused); n != 1 {
			t.Fatalf("%d EndpointPaused events", n)
		}
		if n := r.count(t, "audit_entries", "action = ? AND target_id = ?", "endpoint.paused", r.ep.ID); n != 1 {
			t.Fatalf("%d endpoint.paused audit entries", n)
		}
		// The account's admins are mailed, through the one mail path.
		var mails []models.Mail
		mustNoErr(t, db.Where("account_id = ? AND kind = ?", r.acc, models.MailNotice).Find(&mails).Error)
		if len(mails) != 1 || mails[0].ToAddress != "admin@example.com" || mails[0].Subject != "Endpoint "+r.ep.Name+" paused" ||
			!strings.Contains(mails[0].TextBody, "5 consecutive") {
			t.Fatalf("mail to admins after the pause: %+v", mails)
		}
		if n := r.count(t, "deliveries", "event_name = ? AND endpoint_id = ?", models.EventEndpointPaused, r.ep.ID); n != 0 {
			t.Errorf("the paused endpoint was sent its own paused event (%d deliveries)", n)
		}
		if n := r.count(t, "deliveries", "event_name = ? AND endpoint_id = ?", models.EventEndpointPaused, wep.ID); n != 1 {
			t.Errorf("the watcher got %d paused events, want 1", n)
		}

		// Paused: the other deliveries wait, no attempt charged, nothing sent.
		sent := srv.count()
		for _, id := range ids[5:] {
			err := run(t, r.deliver, id)
			if err == nil || !strings.Contains(err.Error(), "endpoint paused") {
				t.Fatalf("delivery to a paused endpoint: %v", err)
			}
			if d := r.delivery(t, id); d.Attempts != 0 || d.Status != models.DeliveryPending {
				t.Fatalf("a waiting delivery was charged: %d attempts, %s", d.Attempts, d.Status)
			}
		}
		if srv.count() != sent {
			t.Fatal("a delivery reached the paused endpoint before its probe")
		}
		// A test event from the console is not held: it checks the receiver by hand.
		test, err := r.store.SendTestEvent(ctx, r.admin, r.ep.ID)
		mustNoErr(t, err)
		_ = run(t, r.deliver, test.ID)
		if srv.count() != sent+1 {
			t.Fatal("a test event to a paused endpoint was held")
		}
		sent = srv.count()

		// The probe is due: one delivery tries, fails, and is refunded; the cool-down grows.
		before := r.delivery(t, ids[5])
		r.clock.Set(*h.NextProbeAt)
		r.clock.Set(*before.NextAttemptAt) // held until the probe time, spread by a few seconds
		_ = run(t, r.deliver, ids[5])
		after := r.delivery(t, ids[5])
		if after.Attempts != before.Attempts+1 || after.MaxAttempts != before.MaxAttempts+1 || after.Status == models.DeliveryFailed {
			t.Fatalf("a failed probe was charged: attempts %d/%d → %d/%d, %s", before.Attempts, before.MaxAttempts, after.Attempts, after.MaxAttempts, after.Status)
		}
		if srv.count() != sent+1 {
			t.Fatalf("the probe was not sent (%d → %d)", sent, srv.count())
		}
		ep = r.endpoint(t)
		if ep.Health().State != models.EndpointPaused || ep.NextProbeAt.Sub(r.clock.Now()) != time.Minute {
			t.Fatalf("after a failed probe: %+v, next probe in %v (want 1 min)", ep.Health(), ep.NextProbeAt.Sub(r.clock.Now()))
		}

		// The receiver recovers; the next probe succeeds and resumes the endpoint.
		srv.set(http.StatusOK)
		r.clock.Set(*ep.NextProbeAt)
		r.clock.Set(*r.delivery(t, ids[6]).NextAttemptAt)
		if err := run(t, r.deliver, ids[6]); err != nil {
			t.Fatalf("probe: %v", err)
		}
		ep = r.endpoint(t)
		if h := ep.Health(); h.State != models.EndpointActive || h.ConsecutiveFailures != 0 {
			t.Fatalf("after a successful probe: %+v", h)
		}
		if n := r.count(t, "events", "name = ?", models.EventEndpointResumed); n != 1 {
			t.Fatalf("%d EndpointResumed events", n)
		}
		if n := r.count(t, "audit_entries", "action = ? AND target_id = ?", "endpoint.resumed", r.ep.ID); n != 1 {
			t.Fatalf("%d endpoint.resumed audit entries", n)
		}
		if n := r.count(t, "mail_messages", "kind = ? AND subject = ?", models.MailNotice, "Endpoint "+r.ep.Name+" resumed"); n != 1 {
			t.Fatalf("%d resume mails, want 1", n)
		}
		// The backlog is released spread out (10 per second), then delivered.
		var waiting []models.Delivery
		mustNoErr(t, db.Where("endpoint_id = ? AND status IN ?", r.ep.ID, []string{"pending", "retrying"}).Order("next_attempt_at").Find(&waiting).Error)
		if len(waiting) < 6 {
			t.Fatalf("%d deliveries waiting after the resume, want the 6 held back (and the resumed event)", len(waiting))
		}
		for i := 1; i < len(waiting); i++ {
			if gap := waiting[i].NextAttemptAt.Sub(*waiting[i-1].NextAttemptAt); gap < 100*time.Millisecond {
				t.Errorf("backlog released %v apart, want at least 100 ms", gap)
			}
		}
		for _, d := range waiting {
			r.clock.Set(*d.NextAttemptAt)
			if err := run(t, r.deliver, d.ID); err != nil {
				t.Fatalf("backlog delivery: %v", err)
			}
		}
		if n := r.count(t, "deliveries", "endpoint_id = ? AND status <> ? AND event_name <> ?", r.ep.ID, "succeeded", models.TestEventName); n != 0 {
			t.Errorf("%d deliveries to the endpoint did not succeed", n)
		}
	})
}

// TestBreaker_DisabledAfterFailingTooLong: an endpoint still failing past the disable time is
// turned off; its waiting deliveries fail with the reason; the event and audit entry exist.
func TestBreaker_DisabledAfterFailingTooLong(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		srv := newReceiver(t, http.StatusBadGateway)
		attempts := 20
		r := newRig(t, db, srv.srv.URL+"/hook", func(in *models.WebhookInput) { in.MaxAttempts = &attempts })
		var ids []string
		for range 6 {
			ids = append(ids, r.fire(t)[0].ID)
		}
		for _, id := range ids[:5] {
			_ = run(t, r.deliver, id)
		}
		if st := r.endpoint(t).Health().State; st != models.EndpointPaused {
			t.Fatalf("state %s", st)
		}
		// Five days of failures later (default SWITCHBOARD_ENDPOINT_DISABLE_AFTER), a probe fails.
		r.clock.Advance(5*24*time.Hour + time.Minute)
		_ = run(t, r.deliver, ids[5])
		ep := r.endpoint(t)
		h := ep.Health()
		if ep.Active || h.State != models.EndpointDisabled || !strings.Contains(h.Reason, "disabled automatically") {
			t.Fatalf("after 5 days of failures: active %v, %+v", ep.Active, h)
		}
		for _, id := range ids {
			d := r.delivery(t, id)
			if d.Status != models.DeliveryFailed || !strings.Contains(d.LastError, "the endpoint was disabled") {
				t.Errorf("delivery %s: %s %q", id, d.Status, d.LastError)
			}
		}
		if n := r.count(t, "events", "name = ?", models.EventEndpointDisabled); n != 1 {
			t.Fatalf("%d EndpointDisabled events", n)
		}
		if n := r.count(t, "audit_entries", "action = ? AND target_id = ?", "endpoint.disabled", r.ep.ID); n != 1 {
			t.Fatalf("%d endpoint.disabled audit entries", n)
		}
		// Resume now (an admin) turns it on again.
		ctx := context.Background()
		got, err := r.store.ResumeEndpoint(ctx, r.admin, r.ep.ID)
		mustNoErr(t, err)
		if h := got.Health(); h.State != models.EndpointActive || h.ConsecutiveFailures != 0 {
			t.Fatalf("after resumeEndpoint: %+v", h)
		}
		if _, err := r.store.ResumeEndpoint(ctx, r.admin, r.ep.ID); models.CodeOf(err) != models.ECONFLICT {
			t.Fatalf("resuming an active endpoint: %v", err)
		}
	})
}

// TestRateLimit_AcrossReplicas: two workers ("replicas", each with its own store and Redis
// client) deliver 20 deliveries to an endpoint limited to 5 per second: they arrive no faster
// than the limit, and throttling charges no attempt and is not a failure.
func TestRateLimit_AcrossReplicas(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	srv := newReceiver(t, http.StatusOK)
	r := newRig(t, db, srv.srv.URL+"/hook", nil)
	// Real time: the limiter runs on Redis's clock.
	r.store.SetClock(func() time.Time { return time.Now().UTC() })
	rate := 5.0
	_, err := r.store.UpdateEndpoint(context.Background(), r.admin, r.ep.ID, models.EndpointInput{RateLimit: &rate, SetRateLimit: true})
	mustNoErr(t, err)
	opt, err := redis.ParseURL(modeltest.MustRedisURL(t))
	mustNoErr(t, err)
	var ids []string
	for range 20 {
		ids = append(ids, r.fire(t)[0].ID)
	}
	work := make(chan string, len(ids))
	for _, id := range ids {
		work <- id
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		throttled int
		finished  int
	)
	start := time.Now()
	for range 2 {
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { _ = rdb.Close() })
		real := &clock{t: time.Now()}
		store := newStore(t, db, r.key, real)
		store.SetClock(func() time.Time { return time.Now().UTC() })
		store.SetRateGate(&jobs.RateGate{Redis: rdb, Prefix: "test:" + r.ep.ID + ":"})
		dl := r.deliverer(t, store)
		for range 3 { // three concurrent workers per replica
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					if finished == len(ids) || time.Since(start) > 30*time.Second {
						mu.Unlock()
						return
					}
					mu.Unlock()
					var id string
					select {
					case id = <-work:
					case <-time.After(50 * time.Millisecond):
						continue
					}
					// Like an Asynq task: the same delivery runs again after its delay.
					for time.Since(start) < 30*time.Second {
						err := dl.Deliver(context.Background(), jobs.NewDeliveryTask(id, time.Now()))
						if err == nil {
							mu.Lock()
							finished++
							mu.Unlock()
							break
						}
						if jobs.IsFailure(err) || !strings.Contains(err.Error(), "rate limit") {
							t.Errorf("delivery %s: %v (failure: %v)", id, err, jobs.IsFailure(err))
							return
						}
						mu.Lock()
						throttled++
						mu.Unlock()
						time.Sleep(jobs.RetryDelay(1, err, nil))
					}
				}
			}()
		}
	}
	wg.Wait()
	if finished != len(ids) {
		t.Fatalf("%d of %d delivered", finished, len(ids))
	}
	if throttled == 0 {
		t.Fatal("nothing was throttled: six workers sent 20 deliveries at 5 per second")
	}
	// A throttled delivery keeps its place: it is put back once, to its slot, not again and
	// again while the others compete for each free slot.
	if throttled > 2*len(ids) {
		t.Errorf("%d throttled runs for %d deliveries: waiting deliveries keep retrying", throttled, len(ids))
	}
	at := srv.times()
	if len(at) != len(ids) {
		t.Fatalf("the receiver got %d requests, want %d", len(at), len(ids))
	}
	// At 5 per second without burst, any one-second window holds at most 5 requests; arrivals
	// get 2 of slack for the time between the limiter and the receiver. 20 take at least 19
	// intervals (3.8 s; with slack).
	busiest := 0
	defer func() {
		t.Logf("%d throttled runs; busiest second %d arrivals; span %v", throttled, busiest, at[len(at)-1].Sub(at[0]))
	}()
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < time.Second; j++ {
			n++
		}
		busiest = max(busiest, n)
		if n > 7 {
			t.Errorf("%d deliveries arrived within one second from #%d: the limit is 5 per second", n, i)
		}
	}
	if span := at[len(at)-1].Sub(at[0]); span < 3*time.Second {
		t.Errorf("20 deliveries arrived within %v, want at least about 3.8 s at 5 per second", span)
	}
	for _, id := range ids {
		if d := r.delivery(t, id); d.Attempts != 1 || d.Status != models.DeliverySucceeded {
			t.Errorf("delivery %s: %d attempts, %s: throttling must not charge attempts", id, d.Attempts, d.Status)
		}
	}
}

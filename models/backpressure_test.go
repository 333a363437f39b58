package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"gorm.io/gorm"
)

// TestFireEvent_BackPressure: with a backlog limit, fireEvent records events while their
// deliveries fit and then refuses with ERATELIMITED and a retry-after, recording nothing;
// events Switchboard records itself are not refused; once the backlog drains it accepts again.
func TestFireEvent_BackPressure(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Pressure", 3)
		f.Store.SetBacklogLimit(3)
		fire := func() (*models.Event, error) {
			return f.Store.FireEvent(ctx, f.AdminActor, models.FireEventRequest{Name: r.event, FarmID: r.farm.ID})
		}
		var accepted []*models.Event
		for range 3 {
			ev, err := fire()
			mustNoErr(t, err)
			accepted = append(accepted, ev)
		}
		events := func() int64 {
			var n int64
			mustNoErr(t, db.Model(&models.Event{}).Where("account_id = ?", r.acc).Count(&n).Error)
			return n
		}
		before := events()
		ev, err := fire()
		var e *models.Error
		if ev != nil || !errors.As(err, &e) || e.Code != models.ERATELIMITED || e.RetryAfter <= 0 {
			t.Fatalf("the fourth event with a limit of 3: %v, %v", ev, err)
		}
		if events() != before {
			t.Fatal("a refused event was recorded")
		}
		// The backlog's state is told only to who may fire here: an outsider gets its access
		// error, not RATE_LIMITED.
		outsider, _ := f.MustMember(t, f.MustAccount(t, "Elsewhere").ID, "outsider@example.com", models.RoleAdmin)
		_, err = f.Store.FireEvent(ctx, outsider, models.FireEventRequest{Name: r.event, FarmID: r.farm.ID})
		wantField(t, err, models.ENOTFOUND, "farmId")
		var backlog int64
		mustNoErr(t, db.Model(&models.Delivery{}).Where("status IN ?", []models.DeliveryStatus{models.DeliveryPending, models.DeliveryRetrying}).Count(&backlog).Error)
		if backlog > 3 {
			t.Fatalf("the backlog is %d, above the limit of 3", backlog)
		}
		// The backlog drains: after the next count, events are accepted again.
		for _, a := range accepted {
			d := f.MustDeliveries(t, a.ID)[0]
			r.finish(t, r.begin(t, d.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
		}
		time.Sleep(150 * time.Millisecond)
		if _, err := fire(); err != nil {
			t.Fatalf("after the backlog drained: %v", err)
		}
	})
}

// TestFireEvent_IdempotencyKey: a repeat with the same key returns the first event and
// records nothing (also when the backlog is full); the key used for another event is a
// conflict; after 24 h the key records a new event; concurrent repeats record one event.
func TestFireEvent_IdempotencyKey(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Idem", 3)
		fire := func(name, key string) (*models.Event, error) {
			return f.Store.FireEvent(ctx, f.AdminActor, models.FireEventRequest{Name: name, FarmID: r.farm.ID, IdempotencyKey: key})
		}
		count := func(table string) int64 {
			var n int64
			mustNoErr(t, db.Table(table).Where("account_id = ?", r.acc).Count(&n).Error)
			return n
		}
		first, err := fire(r.event, "order-42")
		mustNoErr(t, err)
		events, deliveries := count("events"), count("deliveries")
		f.Store.SetBacklogLimit(1) // full: a repeat still gets its event
		again, err := fire(r.event, "order-42")
		mustNoErr(t, err)
		if again.ID != first.ID || count("events") != events || count("deliveries") != deliveries {
			t.Fatalf("a repeat made event %s (first %s), events %d→%d", again.ID, first.ID, events, count("events"))
		}
		f.Store.SetBacklogLimit(0)
		_, err = fire("HostUp", "order-42")
		wantField(t, err, models.ECONFLICT, "idempotencyKey")
		_, err = fire(r.event, string(make([]byte, 256)))
		wantField(t, err, models.EINVALID, "idempotencyKey")
		_, err = fire(r.event, "tab\there")
		wantField(t, err, models.EINVALID, "idempotencyKey")
		// Another account may use the same key.
		other := newDeliveryRig(t, f, "Idem2", 3)
		ev, err := f.Store.FireEvent(ctx, f.AdminActor, models.FireEventRequest{Name: other.event, FarmID: other.farm.ID, IdempotencyKey: "order-42"})
		mustNoErr(t, err)
		if ev.ID == first.ID {
			t.Fatal("the key crossed accounts")
		}

		f.Clock.Advance(models.IdempotencyWindow + time.Minute)
		later, err := fire(r.event, "order-42")
		mustNoErr(t, err)
		if later.ID == first.ID || count("events") != events+1 {
			t.Fatalf("after 24 h the key did not record a new event (%s)", later.ID)
		}

		// Concurrent repeats of a new key: one event.
		var wg sync.WaitGroup
		ids := make([]string, 8)
		errs := make([]error, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev, err := fire(r.event, "burst-1")
				errs[i] = err
				if ev != nil {
					ids[i] = ev.ID
				}
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("concurrent repeat %d: %s, %v (first %s)", i, ids[i], errs[i], ids[0])
			}
		}
		if count("events") != events+2 {
			t.Fatalf("concurrent repeats recorded %d events, want 1", count("events")-events-1)
		}
	})
}

// TestWorkerPool: with a worker pool set, work done with a WorkerContext runs on it (its own
// connections), transactions included; everything else stays on the main pool.
func TestWorkerPool(t *testing.T) {
	t.Parallel()
	url := modeltest.MustPostgresURL(t)
	main := modeltest.MustOpen(t, url)
	worker := modeltest.MustOpen(t, url)
	main.SetWorkerPool(worker)
	ctx := context.Background()
	m0, w0 := main.Statements(), worker.Statements()
	var n int64
	mustNoErr(t, main.WithContext(models.WorkerContext(ctx)).Raw("SELECT 1").Scan(&n).Error)
	mustNoErr(t, main.Tx(models.WorkerContext(ctx), func(tx *models.Tx) error { return tx.Raw("SELECT 2").Scan(&n).Error }))
	if main.Statements() != m0 || worker.Statements() != w0+2 {
		t.Fatalf("worker context: main pool ran %d statements, worker pool %d; want 0 and 2", main.Statements()-m0, worker.Statements()-w0)
	}
	mustNoErr(t, main.WithContext(ctx).Raw("SELECT 3").Scan(&n).Error)
	if main.Statements() != m0+1 || worker.Statements() != w0+2 {
		t.Fatal("a plain context did not use the main pool")
	}
}

// TestFireEvent_BackPressureInFlight (PostgreSQL): the deliveries of an event whose transaction
// is still open when the backlog is counted are not in the count; the gate keeps them until the
// transaction ends, so a second event that would pass the limit is refused, and once the first
// commits the backlog is at the limit, not above it. A transaction that rolls back gives its
// reservation back.
func TestFireEvent_BackPressureInFlight(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	ctx := context.Background()
	f := MustDomain(t, db)
	r := newDeliveryRig(t, f, "InFlight", 3)
	f.Store.SetBacklogLimit(1)
	type pauseDeliveries struct{}
	paused, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	mustNoErr(t, db.Callback().Create().After("gorm:create").Register("test:pause-deliveries", func(g *gorm.DB) {
		if g.Statement.Context.Value(pauseDeliveries{}) == nil || g.Statement.Table != "deliveries" {
			return
		}
		once.Do(func() {
			close(paused)
			<-release
		})
	}))
	fire := func(ctx context.Context) error {
		_, err := f.Store.FireEvent(ctx, f.AdminActor, models.FireEventRequest{Name: r.event, FarmID: r.farm.ID})
		return err
	}
	first := make(chan error, 1)
	go func() { first <- fire(context.WithValue(ctx, pauseDeliveries{}, true)) }()
	select {
	case <-paused:
	case err := <-first:
		t.Fatalf("the first event finished before writing its delivery: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the first event never wrote its delivery")
	}
	// The first event's delivery is written, not committed. The next count (every 100 ms)
	// does not see it.
	time.Sleep(150 * time.Millisecond)
	second := make(chan error, 1)
	go func() { second <- fire(ctx) }()
	var err error
	select {
	case err = <-second:
	case <-time.After(5 * time.Second):
		// Not refused before writing: it waits for the first event's locks.
		close(release)
		t.Fatalf("a second event while the first one's delivery is in flight was not refused (%v)", <-second)
	}
	var e *models.Error
	if !errors.As(err, &e) || e.Code != models.ERATELIMITED {
		close(release)
		t.Fatalf("a second event while the first one's delivery is in flight: %v, want RATE_LIMITED", err)
	}
	close(release)
	mustNoErr(t, <-first)
	wantEqual(t, "backlog", f.MustCount(t, "deliveries", "status IN ('pending', 'retrying')"), int64(1))

	// The delivery finishes; after the next count the backlog is empty again.
	var ds []models.Delivery
	mustNoErr(t, db.Where("status = ?", models.DeliveryPending).Find(&ds).Error)
	for _, d := range ds {
		r.finish(t, r.begin(t, d.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 200})
	}
	time.Sleep(150 * time.Millisecond)
	// An event whose transaction fails after its reservation gives it back (a reservation
	// that leaked would stay: counts do not clear pending), so the next one is accepted.
	restore := f.MustFailInserts(t, "deliveries", "")
	if err := fire(ctx); err == nil {
		t.Fatal("an event whose delivery cannot be written was accepted")
	}
	restore()
	mustNoErr(t, fire(ctx))
}

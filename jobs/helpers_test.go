package jobs_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
)

// clock is a settable clock for Store.SetClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// receiver is a real local HTTP receiver whose answer a test switches.
type receiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	status   int
	arrivals []time.Time
	ids      []string
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.arrivals = append(r.arrivals, time.Now())
		r.ids = append(r.ids, req.Header.Get("X-Scalr-Webhook-Id"))
		st := r.status
		r.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) set(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.arrivals)
}

func (r *receiver) times() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.arrivals...)
}

// rig is an installed store with an account, an environment, a farm, an endpoint on a local
// receiver, a custom event and a webhook sending it there, and a Deliverer.
type rig struct {
	db      *models.DB
	store   *models.Store
	clock   *clock
	admin   *models.Actor
	acc     string
	env     string
	farm    string
	ep      *models.Endpoint
	hook    *models.Webhook
	event   string
	key     []byte
	deliver *jobs.Deliverer
}

func mustNoErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func newStore(tb testing.TB, db *models.DB, key []byte, c *clock) *models.Store {
	s := models.NewStore(db, nil)
	s.SetClock(c.Now)
	mustNoErr(tb, s.SetEncryptionKey(key))
	return s
}

func newRig(t *testing.T, db *models.DB, url string, webhookMod func(*models.WebhookInput)) *rig {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s := newStore(t, db, key, c)
	auth, err := models.NewAuth(s, []byte("0123456789abcdef0123456789abcdef-test-key"))
	mustNoErr(t, err)
	u, err := auth.Setup(ctx, models.SetupInput{Email: "admin@example.com", Name: "Ada Admin", Password: "correct horse battery", AccountName: "Acme"})
	mustNoErr(t, err)
	admin := &models.Actor{UserID: u.ID, UserName: u.Name, IsSystemAdmin: u.IsSystemAdmin}
	accs, err := s.ListAccounts(ctx, admin)
	mustNoErr(t, err)
	acc := accs[0].ID
	envName := "prod"
	env, err := s.CreateEnvironment(ctx, admin, acc, models.EnvironmentInput{Name: &envName})
	mustNoErr(t, err)
	farmName := "web"
	farm, err := s.CreateFarm(ctx, admin, models.FarmInput{EnvironmentID: env.ID, Name: &farmName})
	mustNoErr(t, err)
	scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
	ev, err := s.CreateCustomEvent(ctx, admin, models.CustomEventInput{Scope: scope, Name: "Ping"})
	mustNoErr(t, err)
	epName := "receiver"
	ep, _, err := s.CreateEndpoint(ctx, admin, models.EndpointInput{Scope: scope, Name: &epName, URL: &url})
	mustNoErr(t, err)
	hookName := "pinger"
	in := models.WebhookInput{Scope: scope, Name: &hookName, Events: []string{ev.Name}, EndpointIDs: []string{ep.ID}}
	if webhookMod != nil {
		webhookMod(&in)
	}
	h, err := s.CreateWebhook(ctx, admin, in)
	mustNoErr(t, err)
	r := &rig{db: db, store: s, clock: c, admin: admin, acc: acc, env: env.ID, farm: farm.ID, ep: ep, hook: h, event: ev.Name, key: key}
	r.deliver = r.deliverer(t, s)
	return r
}

func (r *rig) deliverer(t *testing.T, s *models.Store) *jobs.Deliverer {
	sender, err := deliver.NewSender(deliver.Config{Guard: deliver.NewGuard([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil)})
	mustNoErr(t, err)
	t.Cleanup(sender.Close)
	return &jobs.Deliverer{Store: s, Sender: sender}
}

// fire records one event and returns its deliveries.
func (r *rig) fire(t *testing.T) []models.Delivery {
	t.Helper()
	ev, err := r.store.FireEvent(context.Background(), r.admin, models.FireEventRequest{Name: r.event, FarmID: r.farm})
	mustNoErr(t, err)
	var ds []models.Delivery
	mustNoErr(t, r.db.Where("event_id = ?", ev.ID).Order("id").Find(&ds).Error)
	return ds
}

func (r *rig) delivery(t *testing.T, id string) *models.Delivery {
	t.Helper()
	var d models.Delivery
	mustNoErr(t, r.db.Where("id = ?", id).Take(&d).Error)
	return &d
}

func (r *rig) endpoint(t *testing.T) *models.Endpoint {
	t.Helper()
	var e models.Endpoint
	mustNoErr(t, r.db.Where("id = ?", r.ep.ID).Take(&e).Error)
	return &e
}

func (r *rig) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	mustNoErr(t, r.db.Table(table).Where(where, args...).Count(&n).Error)
	return n
}

// run runs one delivery task as the worker would and returns the handler's error: nil when the
// delivery is finished, a retry (not a failure for Asynq's statistics) when it waits.
func run(t *testing.T, d *jobs.Deliverer, id string) error {
	t.Helper()
	err := d.Deliver(context.Background(), jobs.NewDeliveryTask(id, time.Now()))
	if err != nil && jobs.IsFailure(err) {
		t.Fatalf("delivery %s: %v counts as a failure", id, err)
	}
	return err
}

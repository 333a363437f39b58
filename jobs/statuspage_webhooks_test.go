package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// swResolver is a resolver a test changes (DNS rebinding between sign-up and sending).
type swResolver struct {
	mu sync.Mutex
	m  map[string]string
}

func (r *swResolver) set(host, ip string) { r.mu.Lock(); r.m[host] = ip; r.mu.Unlock() }

func (r *swResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ip, ok := r.m[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return []net.IPAddr{{IP: net.ParseIP(ip)}}, nil
}

// hookReceiver is a subscriber's endpoint: it checks the Standard Webhooks signature itself
// (HMAC-SHA256 of id.timestamp.body keyed with the base64-decoded secret) and records what it got.
type hookReceiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	got    []map[string]any
	bad    []string
	status int
	echo   bool
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{t: t, status: 200, echo: true}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		id, ts, sig := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature")
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
		if err != nil || len(key) != 32 {
			r.bad = append(r.bad, "secret does not decode to 32 bytes")
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + ts + "."))
		mac.Write(body)
		want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if sig != want {
			r.bad = append(r.bad, "signature "+sig+" != "+want)
		}
		if n, err := strconv.ParseInt(ts, 10, 64); err != nil || time.Since(time.Unix(n, 0)).Abs() > 5*time.Minute {
			r.bad = append(r.bad, "stale timestamp "+ts)
		}
		if req.Header.Get("X-Signature") != "" || req.Header.Get("X-Scalr-Webhook-Id") != "" || !strings.HasPrefix(id, "msg_") {
			r.bad = append(r.bad, "unexpected headers")
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			r.bad = append(r.bad, "body is not JSON")
		}
		r.got = append(r.got, m)
		w.WriteHeader(r.status)
		if m["type"] == models.EventSubscriptionVerify && r.echo {
			data, _ := m["data"].(map[string]any)
			_ = json.NewEncoder(w).Encode(map[string]any{"challenge": data["challenge"]})
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) received() ([]map[string]any, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.got...), append([]string(nil), r.bad...)
}

func (r *hookReceiver) set(status int, echo bool) {
	r.mu.Lock()
	r.status, r.echo = status, echo
	r.mu.Unlock()
}

// subsRig is a page of a fresh account with one component, on a store with a movable clock.
type subsRig struct {
	db    *models.DB
	store *models.Store
	page  models.StatusPage
	comp  string
	acc   string
	res   *swResolver
	mu    sync.Mutex
	now   time.Time
}

func newSubsRig(t *testing.T, db *models.DB) *subsRig {
	r := &subsRig{db: db, now: time.Now().UTC(), res: &swResolver{m: map[string]string{}}}
	r.store = models.NewStore(db, nil)
	r.store.SetClock(func() time.Time { r.mu.Lock(); defer r.mu.Unlock(); return r.now })
	r.store.SetPublicURL("https://sb.example.com")
	swMustNil(t, r.store.SetLinkKey(bytes.Repeat([]byte{3}, 32)))
	swMustNil(t, r.store.SetEncryptionKey(bytes.Repeat([]byte{4}, 32)))
	r.store.SetMailKept(true)
	r.store.SetSubscriberResolver(r.res)
	now := r.now
	r.acc = uuid.NewString()
	swMustNil(t, db.Create(&models.Account{ID: r.acc, Name: "Hooks", CreatedAt: now, UpdatedAt: now}).Error)
	r.comp = uuid.NewString()
	swMustNil(t, db.Create(&models.Component{ID: r.comp, AccountID: r.acc, Name: "API", CreatedAt: now, UpdatedAt: now}).Error)
	r.page = models.StatusPage{ID: uuid.NewString(), AccountID: r.acc, Name: "Hooks Status", Slug: "hooks-" + r.acc[:8], BrandColor: "#1f6feb",
		Visibility: models.PagePublic, ViewerKey: make([]byte, 32), TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	swMustNil(t, db.Create(&r.page).Error)
	swMustNil(t, db.Create(&models.StatusPageComponent{PageID: r.page.ID, ComponentID: r.comp, DisplayName: "Public API"}).Error)
	return r
}

func (r *subsRig) advance(d time.Duration) { r.mu.Lock(); r.now = r.now.Add(d); r.mu.Unlock() }

func swMustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// deliveries returns the subscriber's deliveries, oldest first.
func (r *subsRig) deliveries(t *testing.T, subID string) []models.StatusWebhookDelivery {
	var ds []models.StatusWebhookDelivery
	swMustNil(t, r.db.Where("subscriber_id = ?", subID).Order("created_at, id").Find(&ds).Error)
	return ds
}

func (r *subsRig) subscriber(t *testing.T, addr string) models.StatusSubscriber {
	var s models.StatusSubscriber
	swMustNil(t, r.db.Where("page_id = ? AND address = ?", r.page.ID, addr).Take(&s).Error)
	return s
}

func runStatusWebhook(h *StatusWebhooks, id string) error {
	return h.Send(context.Background(), NewStatusWebhookTask(models.StatusWebhookRef{ID: id, RunAt: time.Now()}))
}

func TestStatusWebhookSubscriber(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		r := newSubsRig(t, db)
		recv := newHookReceiver(t)
		_, port, _ := net.SplitHostPort(recv.srv.Listener.Addr().String())
		r.res.set("hooks.test", "127.0.0.1")
		url := "http://hooks.test:" + port + "/hook"

		// Loopback is refused by default, at sign-up…
		if _, err := r.store.Subscribe(ctx, r.page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: url}); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("loopback sign-up: %v", err)
		}
		// …and taken only through the explicit test setting.
		r.store.SetSubscriberOutboundAllow([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})
		res, err := r.store.Subscribe(ctx, r.page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: url, Topics: []string{"component_status"}})
		swMustNil(t, err)
		recv.mu.Lock()
		recv.secret = res.Secret
		recv.mu.Unlock()
		sub := r.subscriber(t, url)
		log := slog.New(slog.DiscardHandler)
		sender, err := NewSubscriberSender(r.store, "test", r.res)
		swMustNil(t, err)
		h := &StatusWebhooks{Store: r.store, Sender: sender, Log: log}

		// Nothing but the handshake before confirmation: a notice now reaches nobody.
		notice := models.SubscriberNotice{AccountID: r.acc, Topic: models.TopicComponentStatus, Event: "component.status",
			ComponentIDs: []string{r.comp}, ComponentID: r.comp, Status: models.StatusMajorOutage}
		swMustNil(t, r.store.QueueSubscriberNotices(ctx, notice))
		ds := r.deliveries(t, sub.ID)
		if len(ds) != 1 || ds[0].EventType != models.EventSubscriptionVerify {
			t.Fatalf("before confirmation: %+v", ds)
		}

		t.Run("a sender without the strict guard refuses to send", func(t *testing.T) {
			plain := &StatusWebhooks{Store: r.store, Sender: swPlainSender(t), Log: log}
			if err := runStatusWebhook(plain, ds[0].ID); err == nil {
				t.Fatal("sent through a sender without the strict guard")
			}
		})

		t.Run("the handshake: a 2xx echoing the challenge confirms", func(t *testing.T) {
			// A receiver that answers 200 without the challenge does not confirm; the next
			// sign-up (after the window) asks again.
			recv.set(200, false)
			swMustNil(t, runStatusWebhook(h, ds[0].ID))
			if s := r.subscriber(t, url); s.ConfirmedAt != nil || !strings.Contains(s.LastError, "challenge") {
				t.Fatalf("confirmed without the echo: %+v", s)
			}
			r.advance(models.SubscriberResendWindow + time.Second)
			res, err := r.store.Subscribe(ctx, r.page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: url, Topics: []string{"component_status"}})
			swMustNil(t, err)
			recv.mu.Lock()
			recv.secret = res.Secret // the pending subscriber's secret is replaced
			recv.mu.Unlock()
			ds := r.deliveries(t, sub.ID)
			if len(ds) != 2 || ds[1].EventType != models.EventSubscriptionVerify {
				t.Fatalf("no second handshake: %+v", ds)
			}
			recv.set(200, true)
			swMustNil(t, runStatusWebhook(h, ds[1].ID))
			if s := r.subscriber(t, url); s.ConfirmedAt == nil || s.LastError != "" {
				t.Fatalf("not confirmed: %+v", s)
			}
			got, bad := recv.received()
			if len(bad) > 0 || len(got) != 2 {
				t.Fatalf("receiver: %d requests, problems %v", len(got), bad)
			}
			data := got[1]["data"].(map[string]any)
			if got[1]["type"] != "subscription.verify" || data["challenge"] == "" || data["page"].(map[string]any)["name"] != "Hooks Status" {
				t.Fatalf("handshake body %v", got[1])
			}
		})

		t.Run("a notice is signed, retried on 5xx, and sent once", func(t *testing.T) {
			swMustNil(t, r.store.QueueSubscriberNotices(ctx, notice))
			ds := r.deliveries(t, sub.ID)
			d := ds[len(ds)-1]
			if d.EventType != "component.status" || d.Status != models.StatusWebhookPending {
				t.Fatalf("notice row %+v", d)
			}
			recv.set(503, true)
			if err := runStatusWebhook(h, d.ID); err == nil {
				t.Fatal("a 503 did not ask for a retry")
			}
			swMustNil(t, db.Where("id = ?", d.ID).Take(&d).Error)
			if d.Status != models.StatusWebhookRetrying || d.Attempts != 1 || d.ResponseStatus == nil || *d.ResponseStatus != 503 || d.NextAttemptAt == nil {
				t.Fatalf("after 503: %+v", d)
			}
			// Not due yet: no attempt.
			if err := runStatusWebhook(h, d.ID); err == nil {
				t.Fatal("sent before it was due")
			}
			due, err := r.store.DueStatusWebhooks(ctx, r.store.Now(), 10)
			swMustNil(t, err)
			for _, x := range due {
				if x.ID == d.ID {
					t.Fatal("listed as due before its time")
				}
			}
			r.advance(models.StatusWebhookRetryDelay(1) + time.Second)
			recv.set(204, true)
			swMustNil(t, runStatusWebhook(h, d.ID))
			swMustNil(t, db.Where("id = ?", d.ID).Take(&d).Error)
			if d.Status != models.StatusWebhookSent || d.Attempts != 2 {
				t.Fatalf("after 204: %+v", d)
			}
			swMustNil(t, runStatusWebhook(h, d.ID)) // done: nothing sent again
			got, bad := recv.received()
			if len(bad) > 0 || len(got) != 4 {
				t.Fatalf("receiver: %d requests, problems %v", len(got), bad)
			}
			last := got[3]
			data := last["data"].(map[string]any)
			comp := data["component"].(map[string]any)
			if last["type"] != "component.status" || comp["name"] != "Public API" || comp["status"] != "major_outage" ||
				!strings.HasPrefix(data["unsubscribe_url"].(string), "https://sb.example.com/status/"+r.page.Slug+"/unsubscribe/") {
				t.Fatalf("notice body %v", last)
			}
		})

		t.Run("DNS changes to a private address: refused at send time", func(t *testing.T) {
			r.res.set("hooks.test", "10.0.0.5")
			// A pooled connection goes where the name pointed when it was dialled (allowed then);
			// a new connection resolves again.
			sender.Close()
			swMustNil(t, r.store.QueueSubscriberNotices(ctx, notice))
			ds := r.deliveries(t, sub.ID)
			d := ds[len(ds)-1]
			before, _ := recv.received()
			swMustNil(t, runStatusWebhook(h, d.ID))
			swMustNil(t, db.Where("id = ?", d.ID).Take(&d).Error)
			if d.Status != models.StatusWebhookFailed || !strings.Contains(d.LastError, "refuse") {
				t.Fatalf("after rebinding: %+v", d)
			}
			if after, _ := recv.received(); len(after) != len(before) {
				t.Fatal("the receiver got a request after its name moved to a private address")
			}
			// And with the name back on loopback, a store without the test setting refuses too.
			r.res.set("hooks.test", "127.0.0.1")
			strict := models.NewStore(db, nil)
			strictSender, err := NewSubscriberSender(strict, "test", r.res)
			swMustNil(t, err)
			res := strictSender.Guard().Check(netip.MustParseAddr("127.0.0.1"))
			if res == nil {
				t.Fatal("the default subscriber guard admits loopback")
			}
		})

		t.Run("410 Gone unsubscribes", func(t *testing.T) {
			swMustNil(t, r.store.QueueSubscriberNotices(ctx, notice))
			ds := r.deliveries(t, sub.ID)
			recv.set(410, true)
			swMustNil(t, runStatusWebhook(h, ds[len(ds)-1].ID))
			var s models.StatusSubscriber
			swMustNil(t, db.Where("id = ?", sub.ID).Take(&s).Error)
			if s.UnsubscribedAt == nil || s.Address != "" || len(s.SecretSealed) != 0 {
				t.Fatalf("after 410: %+v", s)
			}
		})
	})
}

// swPlainSender is a sender with the operators' default guard (loopback refused, private allowed).
func swPlainSender(t *testing.T) *deliver.Sender {
	s, err := deliver.NewSender(deliver.Config{})
	swMustNil(t, err)
	return s
}

// A Redis flush loses nothing: the sweeper finds the due row and puts its task back.
func TestStatusWebhookSweeperAfterRedisFlush(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	opt, err := asynq.ParseRedisURI(modeltest.MustRedisURL(t))
	swMustNil(t, err)
	r := newSubsRig(t, db)
	r.store.SetClock(time.Now)
	log := slog.New(slog.DiscardHandler)
	client := asynq.NewClient(opt)
	defer client.Close()
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	q := &Queue{Client: client, Inspector: insp, Log: log}
	r.store.SetEnqueuer(q)
	r.res.set("hooks.example.net", "93.184.216.34")
	_, err = r.store.Subscribe(context.Background(), r.page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: "https://hooks.example.net/x"})
	swMustNil(t, err)
	sub := r.subscriber(t, "https://hooks.example.net/x")
	id := r.deliveries(t, sub.ID)[0].ID
	if _, err := insp.GetTaskInfo(QueueDefault, "swh:"+id); err != nil {
		t.Fatalf("the handshake was not enqueued after commit: %v", err)
	}
	rdb := opt.MakeRedisClient().(redis.UniversalClient)
	defer rdb.Close()
	swMustNil(t, rdb.FlushDB(context.Background()).Err())
	if _, err := insp.GetTaskInfo(QueueDefault, "swh:"+id); err == nil {
		t.Fatal("the task survived the flush")
	}
	time.Sleep(SweepGrace + 100*time.Millisecond)
	// A fresh client (Asynq's caches which queues it registered, and the flush dropped them).
	client2 := asynq.NewClient(opt)
	defer client2.Close()
	h := &StatusWebhooks{Store: r.store, Queue: &Queue{Client: client2, Inspector: insp, Log: log}, Log: log}
	swMustNil(t, h.Sweep(context.Background(), nil))
	if _, err := insp.GetTaskInfo(QueueDefault, "swh:"+id); err != nil {
		t.Fatalf("the sweeper did not put the task back: %v", err)
	}
}

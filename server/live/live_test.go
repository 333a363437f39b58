package live_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server/live"
)

func mustHub(t *testing.T, url string, opts ...live.Option) *live.Hub {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	h := live.New(rdb, slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-h.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("hub not ready")
	}
	return h
}

// Two hubs on one Redis stand for two processes.
func TestHubAcrossProcesses(t *testing.T) {
	url := modeltest.MustRedisURL(t)
	a, b := mustHub(t, url), mustHub(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mine := b.Subscribe(ctx, "acc-1")
	other := b.Subscribe(ctx, "acc-2")

	a.Publish(ctx, models.Hint{Kind: "audit", ID: "x", AccountID: "acc-1"})
	select {
	case h := <-mine:
		if h.ID != "x" || h.Kind != "audit" {
			t.Fatalf("got %+v", h)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("hint did not cross processes")
	}
	select {
	case h := <-other:
		t.Fatalf("subscriber of another account got %+v", h)
	case <-time.After(200 * time.Millisecond):
	}
}

// Redis pub/sub ignores the database number: two installations sharing a Redis server on
// different databases (or with different channel prefixes) must not hear each other's hints;
// two processes of one installation (same database, same prefix) must.
func TestHubSeparatesInstallations(t *testing.T) {
	urlA, urlB := modeltest.MustRedisURL(t), modeltest.MustRedisURL(t)
	optA, _ := redis.ParseURL(urlA)
	optB, _ := redis.ParseURL(urlB)
	if optA.Addr != optB.Addr || optA.DB == optB.DB {
		t.Fatalf("want two databases of one server, got %s/%d and %s/%d", optA.Addr, optA.DB, optB.Addr, optB.DB)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pubA := mustHub(t, urlA)
	sameA := mustHub(t, urlA).Subscribe(ctx, "acc-1")
	otherDB := mustHub(t, urlB).Subscribe(ctx, "acc-1")
	otherPrefix := mustHub(t, urlA, live.WithChannelPrefix("other-install")).Subscribe(ctx, "acc-1")

	pubA.Publish(ctx, models.Hint{Kind: "audit", ID: "x", AccountID: "acc-1"})
	select {
	case <-sameA:
	case <-time.After(5 * time.Second):
		t.Fatal("hint did not reach a process of the same installation")
	}
	for name, ch := range map[string]<-chan models.Hint{"another database": otherDB, "another prefix": otherPrefix} {
		select {
		case h := <-ch:
			t.Fatalf("installation on %s got %+v", name, h)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func TestHubDropsSlowSubscriber(t *testing.T) {
	h := mustHub(t, modeltest.MustRedisURL(t))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := h.Subscribe(ctx, "acc")
	fast := h.Subscribe(ctx, "acc")
	n := live.SubscriberBuffer + 20
	received := make(chan int)
	go func() {
		c := 0
		for range fast {
			c++
			if c == n {
				break
			}
		}
		received <- c
	}()
	start := time.Now()
	for i := range n {
		h.Publish(ctx, models.Hint{Kind: "audit", ID: string(rune('a' + i%26)), AccountID: "acc"})
	}
	select {
	case c := <-received:
		if c != n {
			t.Fatalf("fast subscriber got %d of %d", c, n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a slow subscriber blocked delivery to a fast one")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("publishing was slowed down by the slow subscriber")
	}
	// The slow one was dropped: its channel is closed after the buffered hints.
	count := 0
	for range slow {
		count++
	}
	if count != live.SubscriberBuffer {
		t.Fatalf("slow subscriber: want its %d buffered hints then close, got %d", live.SubscriberBuffer, count)
	}
	if h.Subscribers() != 1 {
		t.Fatalf("want 1 subscriber left, got %d", h.Subscribers())
	}
}

func TestHubUnsubscribesOnCancel(t *testing.T) {
	h := mustHub(t, modeltest.MustRedisURL(t))
	ctx, cancel := context.WithCancel(context.Background())
	ch := h.Subscribe(ctx, "acc")
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("want closed channel")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("channel not closed after cancel")
	}
	if h.Subscribers() != 0 {
		t.Fatalf("want 0 subscribers, got %d", h.Subscribers())
	}
}

// PublishAll sends a batch in one pipeline; every hint arrives, in order, to its account only.
func TestHubPublishAllInOrder(t *testing.T) {
	url := modeltest.MustRedisURL(t)
	a, b := mustHub(t, url), mustHub(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mine := b.Subscribe(ctx, "acc-1")
	other := b.Subscribe(ctx, "acc-2")
	var batch []models.Hint
	for i := range 50 {
		batch = append(batch, models.Hint{Kind: models.HintIncident, ID: fmt.Sprint(i), AccountID: "acc-1", Op: models.OpChanged})
	}
	a.PublishAll(ctx, batch)
	for i := range 50 {
		select {
		case h := <-mine:
			if h.ID != fmt.Sprint(i) || h.Op != models.OpChanged {
				t.Fatalf("hint %d: got %+v", i, h)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hint %d of 50 did not arrive", i)
		}
	}
	select {
	case h := <-other:
		t.Fatalf("subscriber of another account got %+v", h)
	case <-time.After(200 * time.Millisecond):
	}
}

// SubscribeAll receives every account's hints; "*" is no account a client can follow.
func TestHubSubscribeAll(t *testing.T) {
	url := modeltest.MustRedisURL(t)
	a, b := mustHub(t, url), mustHub(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	all := b.SubscribeAll(ctx)
	star := b.Subscribe(ctx, "*")
	for _, acc := range []string{"acc-1", "acc-2"} {
		a.Publish(ctx, models.Hint{Kind: models.HintStatusPage, ID: "p", AccountID: acc})
		select {
		case h := <-all:
			if h.AccountID != acc {
				t.Fatalf("got %+v, want account %s", h, acc)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hint of %s did not arrive", acc)
		}
	}
	if _, ok := <-star; ok {
		t.Fatal("Subscribe(\"*\") received hints")
	}
}

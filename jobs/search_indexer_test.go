package jobs_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestSearchIndexer_IndexesNewDeliveries: the workers' background indexer moves every new
// delivery's payload text into the search table (more than one batch of them), and then finds
// the next ones too.
func TestSearchIndexer_IndexesNewDeliveries(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	rc := newReceiver(t, http.StatusOK)
	r := newRig(t, db, rc.srv.URL+"/hook", nil)
	// More than a batch, queued before the indexer starts.
	mustNoErr(t, db.Exec(`INSERT INTO deliveries (id, kind, account_id, event_id, event_name, webhook_id, endpoint_id, payload, status,
		attempts, max_attempts, timeout_seconds, created_at, updated_at)
		SELECT gen_random_uuid(), 'webhook', d.account_id, d.event_id, d.event_name, d.webhook_id, d.endpoint_id, d.payload,
			'succeeded', 1, 1, 3, d.created_at, d.created_at
		FROM deliveries d, generate_series(1, 1500) WHERE d.id = ?`, r.fire(t)[0].ID).Error)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&jobs.SearchIndexer{Store: r.store, Every: 10 * time.Millisecond}).Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })

	indexed := func() bool {
		return r.count(t, "delivery_search_queue", "true") == 0 &&
			r.count(t, "delivery_search", "true") == r.count(t, "deliveries", "true")
	}
	waitFor(t, "the queued deliveries to be indexed", indexed)
	r.fire(t)
	waitFor(t, "a new delivery to be indexed", indexed)
	if got := r.count(t, "delivery_search", "true"); got != 1502 {
		t.Fatalf("%d search rows, want 1502", got)
	}
}

// TestClaim_NotHeldUpBySearchIndexing: while an indexer's transaction writes a delivery's search
// text (its foreign-key check holds a key-share lock on the delivery), a claim still takes the
// delivery: the claim locks only what its update needs.
func TestClaim_NotHeldUpBySearchIndexing(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	rc := newReceiver(t, http.StatusOK)
	r := newRig(t, db, rc.srv.URL+"/hook", nil)
	d := r.fire(t)[0]
	indexing := db.Begin()
	defer indexing.Rollback()
	mustNoErr(t, indexing.Exec("DELETE FROM delivery_search_queue WHERE delivery_id = ?", d.ID).Error)
	mustNoErr(t, indexing.Exec("INSERT INTO delivery_search (delivery_id, body) VALUES (?, 'text')", d.ID).Error)

	got, err := r.store.ClaimDeliveries(context.Background(), 10)
	mustNoErr(t, err)
	if len(got) != 1 || got[0].Delivery.ID != d.ID {
		t.Fatalf("claimed %d deliveries, want the one being indexed", len(got))
	}
}

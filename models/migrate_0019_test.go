package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestMigrate_0019QueuesHistory upgrades a PostgreSQL database whose deliveries were searched
// through migration 0009's index on deliveries: 0019 drops that index, makes the search table
// and its index, and queues the existing deliveries; the first search then finds them (text
// beyond ASCII included), and nothing is left queued.
func TestMigrate_0019QueuesHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustMigratedBefore(t, modeltest.MustPostgresURL(t), 19)
	now := time.Now().UTC()
	acc, ev := uuid.NewString(), uuid.NewString()
	mustNoErr(t, db.Exec("INSERT INTO accounts (id, name, created_at, updated_at) VALUES (?, 'Old', ?, ?)", acc, now, now).Error)
	mustNoErr(t, db.Exec("INSERT INTO events (id, account_id, name, variables, created_at, source) VALUES (?, ?, 'HostUp', '{}', ?, 'test')", ev, acc, now).Error)
	for i, body := range []string{`{"host":"web-1","note":"needle-7f3a"}`, `{"host":"web-2","note":"Café Ünïcode"}`, `{"host":"web-3"}`} {
		mustNoErr(t, db.Exec(`INSERT INTO deliveries (id, kind, account_id, event_id, event_name, payload, status, attempts, max_attempts,
			timeout_seconds, created_at, updated_at) VALUES (?, 'webhook', ?, ?, 'HostUp', ?, 'succeeded', 1, 1, 3, ?, ?)`,
			uuid.NewString(), acc, ev, []byte(body), now.Add(time.Duration(i)*time.Second), now).Error)
	}
	index := func(name string) bool {
		t.Helper()
		var n int64
		mustNoErr(t, db.Raw("SELECT count(*) FROM pg_indexes WHERE indexname = ?", name).Scan(&n).Error)
		return n == 1
	}
	if !index("deliveries_payload_trgm_idx") {
		t.Fatal("before 0019: no trigram index on deliveries (is pg_trgm available?)")
	}

	_, err := db.Migrate(ctx, nil)
	mustNoErr(t, err)
	if index("deliveries_payload_trgm_idx") || !index(models.PayloadSearchIndex) {
		t.Fatalf("after 0019: the old index is there %v, the new one %v", index("deliveries_payload_trgm_idx"), index(models.PayloadSearchIndex))
	}
	count := func(table string) int64 {
		t.Helper()
		var n int64
		mustNoErr(t, db.Table(table).Count(&n).Error)
		return n
	}
	wantEqual(t, "queued by the migration", count("delivery_search_queue"), int64(3))
	wantEqual(t, "indexed by the migration", count("delivery_search"), int64(0))

	store := models.NewStore(db, nil)
	system := &models.Actor{System: true}
	for term, want := range map[string]int{"NEEDLE-7F3A": 1, "café ünïcode": 0, "Café Ünïcode": 1, "web-": 3, "absent-term": 0} {
		p, err := store.ListDeliveries(ctx, system, acc, models.DeliveryQuery{Search: term}, 10, "")
		mustNoErr(t, err)
		wantEqual(t, "found by "+term, len(p.Items), want)
	}
	wantEqual(t, "queued after searching", count("delivery_search_queue"), int64(0))
	wantEqual(t, "indexed after searching", count("delivery_search"), int64(3))
}

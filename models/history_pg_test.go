package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestDeliverySearch_UsesTrigramIndex proves payload search is served by the trigram index on
// delivery_search (migration 0019), not a sequential scan: it loads enough deliveries for the
// planner to care (their search rows written by the indexer), then EXPLAINs the exact
// query ListDeliveries runs.
func TestDeliverySearch_UsesTrigramIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	f := MustDomain(t, db)
	indexed, err := f.Store.PayloadSearchIndexed(ctx)
	mustNoErr(t, err)
	if !indexed {
		t.Fatal("migration 0009 created no trigram index (can the test role create pg_trgm?)")
	}
	r := newDeliveryRig(t, f, "Searched", 1)
	seed := r.fire(t)
	// 30,000 deliveries of the account (payloads of about 700 bytes, as real ones), a few of
	// them carrying a rare term.
	const rows = 30000
	mustNoErr(t, db.Exec(`INSERT INTO deliveries (id, kind, account_id, event_id, event_name, webhook_id, endpoint_id, payload, status,
		attempts, max_attempts, timeout_seconds, last_status_code, created_at, updated_at)
		SELECT gen_random_uuid(), 'webhook', d.account_id, d.event_id, d.event_name, d.webhook_id, d.endpoint_id,
			convert_to(format('{"eventName":"Ping","data":{"SCALR_SERVER_HOSTNAME":"web-%s","SCALR_NOTE":"%s%s"}}', i, repeat(md5(i::text), 20),
				CASE WHEN i % 10000 = 0 THEN ' needle-7f3a' ELSE '' END), 'UTF8'),
			'succeeded', 1, 1, 3, 200, d.created_at - i * interval '1 second', d.created_at
		FROM deliveries d, generate_series(1, ?) AS i WHERE d.id = ?`, rows, seed.ID).Error)
	// The workers' indexer moves their text into delivery_search (a search indexes at most
	// 10,000 queued rows itself).
	for {
		n, err := f.Store.IndexSearchText(ctx, models.SearchIndexBatch, false)
		mustNoErr(t, err)
		if n == 0 {
			break
		}
	}
	mustNoErr(t, db.Exec("ANALYZE deliveries, delivery_search").Error)

	q := models.DeliveryQuery{Search: "NEEDLE-7f3a"}
	p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, q, 50, "")
	mustNoErr(t, err)
	wantEqual(t, "matches", len(p.Items), rows/10000)

	query, args, err := f.Store.DeliverySearchSQL(ctx, r.acc, q, 50)
	mustNoErr(t, err)
	if !strings.Contains(query, strings.TrimSuffix(models.PayloadSearchSQL, "?)")) {
		t.Fatalf("the search is not on delivery_search: %s", query)
	}
	sqlDB, err := db.DB.DB()
	mustNoErr(t, err)
	rs, err := sqlDB.QueryContext(ctx, "EXPLAIN "+query, args...)
	mustNoErr(t, err)
	defer rs.Close()
	var plan []string
	for rs.Next() {
		var line string
		mustNoErr(t, rs.Scan(&line))
		plan = append(plan, line)
	}
	mustNoErr(t, rs.Err())
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "Bitmap Index Scan on "+models.PayloadSearchIndex) {
		t.Fatalf("the search does not use the trigram index:\n%s", text)
	}
	if strings.Contains(text, "Seq Scan") {
		t.Fatalf("the search scans the table:\n%s", text)
	}
}

// TestMigrate_TrigramExtensionInOtherSchema: where pg_trgm was installed beforehand in a schema
// of its own (off the search_path), migration 0009 still applies, builds the trigram index with
// the extension's operator class, and payload search works.
func TestMigrate_TrigramExtensionInOtherSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := modeltest.MustPostgresURL(t)
	modeltest.Exec(t, url, "CREATE SCHEMA ext")
	modeltest.Exec(t, url, "CREATE EXTENSION pg_trgm SCHEMA ext")
	db := modeltest.MustOpenUnmigrated(t, url)
	_, err := db.Migrate(ctx, nil)
	mustNoErr(t, err)

	f := MustDomain(t, db)
	indexed, err := f.Store.PayloadSearchIndexed(ctx)
	mustNoErr(t, err)
	if !indexed {
		t.Fatal("no trigram index after migrating with pg_trgm in schema ext")
	}
	var opclass string
	mustNoErr(t, db.Raw(`SELECT n.nspname || '.' || o.opcname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_opclass o ON o.oid = i.indclass[0] JOIN pg_namespace n ON n.oid = o.opcnamespace
		WHERE c.relname = ?`, models.PayloadSearchIndex).Scan(&opclass).Error)
	wantEqual(t, "operator class", opclass, "ext.gin_trgm_ops")

	r := newDeliveryRig(t, f, "Ext", 1)
	r.fire(t)
	p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, models.DeliveryQuery{Search: "ping"}, 10, "")
	mustNoErr(t, err)
	wantEqual(t, "matches", len(p.Items), 1)
}

// TestDeliveryFailures_UseFailuresIndex proves "show me the failures" (statuses FAILED, response
// class 5xx) is served by the partial index of failures of migration 0009, at account scope
// and at system scope, instead of walking the whole history.
func TestDeliveryFailures_UseFailuresIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	f := MustDomain(t, db)
	r := newDeliveryRig(t, f, "Failing", 1)
	seed := r.fire(t)
	// 30,000 deliveries in the account and 30,000 in the system scope; one in 1,000 failed
	// with a 503.
	const rows = 30000
	for _, owner := range []string{"d.account_id", "NULL"} {
		mustNoErr(t, db.Exec(`INSERT INTO deliveries (id, kind, account_id, event_id, event_name, webhook_id, endpoint_id, payload, status,
			attempts, max_attempts, timeout_seconds, last_status_code, created_at, updated_at)
			SELECT gen_random_uuid(), 'webhook', `+owner+`, d.event_id, d.event_name, d.webhook_id, d.endpoint_id, d.payload,
				CASE WHEN i % 1000 = 0 THEN 'failed' ELSE 'succeeded' END, 1, 1, 3,
				CASE WHEN i % 1000 = 0 THEN 503 ELSE 200 END, d.created_at - i * interval '1 second', d.created_at
			FROM deliveries d, generate_series(1, ?) AS i WHERE d.id = ?`, rows, seed.ID).Error)
	}
	mustNoErr(t, db.Exec("ANALYZE deliveries").Error)

	sqlDB, err := db.DB.DB()
	mustNoErr(t, err)
	for _, c := range []struct {
		name, acc string
		q         models.DeliveryQuery
	}{
		{"account/statuses", r.acc, models.DeliveryQuery{Statuses: []models.DeliveryStatus{models.DeliveryFailed}}},
		{"account/5xx", r.acc, models.DeliveryQuery{ResponseClasses: []models.ResponseClass{models.Response5xx}}},
		{"system/statuses", "", models.DeliveryQuery{Statuses: []models.DeliveryStatus{models.DeliveryFailed}}},
		{"system/5xx", "", models.DeliveryQuery{ResponseClasses: []models.ResponseClass{models.Response5xx}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p *models.Page[models.Delivery]
			if c.acc == "" {
				p, err = f.Store.ListSystemDeliveries(ctx, f.AdminActor, c.q, 50, "")
			} else {
				p, err = f.Store.ListDeliveries(ctx, f.AdminActor, c.acc, c.q, 50, "")
			}
			mustNoErr(t, err)
			wantEqual(t, "failures", len(p.Items), rows/1000)
			query, args, err := f.Store.DeliverySearchSQL(ctx, c.acc, c.q, 50)
			mustNoErr(t, err)
			// Planned with the filter's values, and as a generic plan (what a cached prepared
			// statement ends up with: the values are unknown to the planner).
			for _, mode := range []string{"auto", "force_generic_plan"} {
				conn, err := sqlDB.Conn(ctx)
				mustNoErr(t, err)
				_, err = conn.ExecContext(ctx, "SET plan_cache_mode = "+mode)
				mustNoErr(t, err)
				_, err = conn.ExecContext(ctx, "PREPARE failures_q AS "+query)
				mustNoErr(t, err)
				lits := make([]string, len(args))
				for i, a := range args {
					switch v := a.(type) {
					case string:
						lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
					case models.DeliveryStatus:
						lits[i] = "'" + string(v) + "'"
					default:
						lits[i] = fmt.Sprint(v)
					}
				}
				stmt := "EXPLAIN EXECUTE failures_q"
				if len(lits) > 0 {
					stmt += "(" + strings.Join(lits, ", ") + ")"
				}
				rs, err := conn.QueryContext(ctx, stmt)
				mustNoErr(t, err)
				var plan []string
				for rs.Next() {
					var line string
					mustNoErr(t, rs.Scan(&line))
					plan = append(plan, line)
				}
				mustNoErr(t, rs.Err())
				rs.Close()
				_, _ = conn.ExecContext(ctx, "DEALLOCATE failures_q")
				_, _ = conn.ExecContext(ctx, "RESET plan_cache_mode")
				conn.Close()
				text := strings.Join(plan, "\n")
				if !strings.Contains(text, "deliveries_account_failures_idx") || strings.Contains(text, "Seq Scan") {
					t.Fatalf("plan_cache_mode %s: the failures filter does not use the failures index:\n%s", mode, text)
				}
			}
		})
	}
}

// TestDeliverySearch_RowsFollowDeliveries: every delivery, whatever inserted it (the outbox, a
// test event), is queued for indexing; IndexSearchText moves its text into delivery_search, a
// background indexer skipping rows another is indexing; a search indexes what is still queued
// first (waiting for rows an indexer holds), so it finds every delivery; migration 0019 queues
// the deliveries made before it; deleting the events takes every row away.
func TestDeliverySearch_RowsFollowDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	f := MustDomain(t, db)
	r := newDeliveryRig(t, f, "Mirrored", 1)
	d := r.fire(t)
	r.fire(t)
	_, err := f.Store.SendTestEvent(ctx, f.AdminActor, r.ep.ID)
	mustNoErr(t, err)
	// Finishing an attempt changes the delivery, not its text.
	r.finish(t, r.begin(t, d.ID), models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 500, Duration: time.Millisecond})

	count := func(table string) int64 { t.Helper(); return f.MustCount(t, table, "true") }
	mirrored := func() int64 {
		t.Helper()
		var n int64
		mustNoErr(t, db.Raw(`SELECT count(*) FROM deliveries d JOIN delivery_search s ON s.delivery_id = d.id
			WHERE s.body = encode(d.payload, 'escape')`).Row().Scan(&n))
		return n
	}
	wantEqual(t, "deliveries", count("deliveries"), int64(3))
	wantEqual(t, "queued", count("delivery_search_queue"), int64(3))
	wantEqual(t, "indexed before the indexer ran", count("delivery_search"), int64(0))

	// A background indexer skips a queued row another transaction is indexing.
	held := db.Begin()
	var heldID string
	mustNoErr(t, held.Raw("SELECT delivery_id FROM delivery_search_queue ORDER BY delivery_id LIMIT 1 FOR UPDATE").Row().Scan(&heldID))
	n, err := f.Store.IndexSearchText(ctx, 10, false)
	mustNoErr(t, err)
	wantEqual(t, "indexed around the held row", n, 2)
	mustNoErr(t, held.Rollback().Error)
	wantEqual(t, "with their text", mirrored(), int64(2))
	wantEqual(t, "still queued", count("delivery_search_queue"), int64(1))

	search := func() int {
		t.Helper()
		p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, models.DeliveryQuery{Search: r.ep.ID}, 50, "")
		mustNoErr(t, err)
		return len(p.Items)
	}
	wantEqual(t, "found by the endpoint id in their payloads", search(), 3)
	wantEqual(t, "queued after a search", count("delivery_search_queue"), int64(0))
	wantEqual(t, "with their text after a search", mirrored(), int64(3))

	// Before migration 0019 there were no search rows; it queues the existing history.
	mustNoErr(t, db.Exec("DELETE FROM delivery_search").Error)
	wantEqual(t, "found without search rows", search(), 0)
	migs, err := models.Migrations(db.Dialect)
	mustNoErr(t, err)
	backfill := ""
	for _, m := range migs {
		for _, stmt := range models.SplitStatements(m.SQL) {
			if m.Version == 19 && strings.HasPrefix(strings.TrimSpace(stmt), "INSERT INTO delivery_search_queue") {
				backfill = stmt
			}
		}
	}
	if backfill == "" {
		t.Fatal("migration 0019 queues no existing deliveries")
	}
	mustNoErr(t, db.Exec(backfill).Error)
	wantEqual(t, "queued by the migration", count("delivery_search_queue"), int64(3))
	wantEqual(t, "found after the migration", search(), 3)
	wantEqual(t, "with their text after the migration", mirrored(), int64(3))

	// A search waits for queued rows an indexer is working on, and then finds them.
	late := r.fire(t)
	indexer := db.Begin()
	var holding int
	mustNoErr(t, indexer.Raw("SELECT count(*) FROM (SELECT delivery_id FROM delivery_search_queue FOR UPDATE) q").Row().Scan(&holding))
	wantEqual(t, "held by the indexer", holding, 1)
	found := make(chan int, 1)
	go func() {
		p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, models.DeliveryQuery{Search: r.ep.ID}, 50, "")
		if err != nil {
			t.Error(err)
		}
		found <- len(p.Items)
	}()
	select {
	case n := <-found:
		t.Fatalf("the search answered (%d) while the indexer held a queued delivery", n)
	case <-time.After(300 * time.Millisecond):
	}
	// The indexer writes the text and takes the row off the queue.
	mustNoErr(t, indexer.Exec("INSERT INTO delivery_search (delivery_id, body) SELECT id, encode(payload, 'escape') FROM deliveries WHERE id = ?", late.ID).Error)
	mustNoErr(t, indexer.Exec("DELETE FROM delivery_search_queue WHERE delivery_id = ?", late.ID).Error)
	mustNoErr(t, indexer.Commit().Error)
	wantEqual(t, "found once the indexer committed", <-found, 4)

	// Deleting the events (as the purge does) takes the search rows with them; a delivery
	// deleted while queued just leaves the queue.
	r.fire(t)
	mustNoErr(t, db.Exec("DELETE FROM events").Error)
	wantEqual(t, "search rows left", count("delivery_search"), int64(0))
	n, err = f.Store.IndexSearchText(ctx, 10, false)
	mustNoErr(t, err)
	wantEqual(t, "queued rows of deleted deliveries", n, 1)
	wantEqual(t, "search rows after indexing them", count("delivery_search"), int64(0))
	wantEqual(t, "queued rows left", count("delivery_search_queue"), int64(0))
}

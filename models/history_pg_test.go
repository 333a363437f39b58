package models_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestDeliverySearch_UsesTrigramIndex proves payload search is served by the trigram index of
// migration 0009, not a sequential scan: it loads enough deliveries for the planner to care,
// then EXPLAINs the exact query ListDeliveries runs.
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
	// 30,000 deliveries of the account, a few of them carrying a rare term.
	const rows = 30000
	mustNoErr(t, db.Exec(`INSERT INTO deliveries (id, kind, account_id, event_id, event_name, webhook_id, endpoint_id, payload, status,
		attempts, max_attempts, timeout_seconds, last_status_code, created_at, updated_at)
		SELECT gen_random_uuid(), 'webhook', d.account_id, d.event_id, d.event_name, d.webhook_id, d.endpoint_id,
			convert_to(format('{"eventName":"Ping","data":{"SCALR_SERVER_HOSTNAME":"web-%s","SCALR_NOTE":"%s%s"}}', i, md5(i::text),
				CASE WHEN i % 10000 = 0 THEN ' needle-7f3a' ELSE '' END), 'UTF8'),
			'succeeded', 1, 1, 3, 200, d.created_at - i * interval '1 second', d.created_at
		FROM deliveries d, generate_series(1, ?) AS i WHERE d.id = ?`, rows, seed.ID).Error)
	mustNoErr(t, db.Exec("ANALYZE deliveries").Error)

	q := models.DeliveryQuery{Search: "NEEDLE-7f3a"}
	p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, q, 50, "")
	mustNoErr(t, err)
	wantEqual(t, "matches", len(p.Items), rows/10000)

	query, args, err := f.Store.DeliverySearchSQL(ctx, r.acc, q, 50)
	mustNoErr(t, err)
	if !strings.Contains(query, models.PayloadSearchExpr+" ILIKE") {
		t.Fatalf("the search is not on the indexed expression: %s", query)
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
	if !strings.Contains(text, "Bitmap Index Scan on deliveries_payload_trgm_idx") {
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
		WHERE c.relname = 'deliveries_payload_trgm_idx'`).Scan(&opclass).Error)
	wantEqual(t, "operator class", opclass, "ext.gin_trgm_ops")

	r := newDeliveryRig(t, f, "Ext", 1)
	r.fire(t)
	p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, models.DeliveryQuery{Search: "ping"}, 10, "")
	mustNoErr(t, err)
	wantEqual(t, "matches", len(p.Items), 1)
}

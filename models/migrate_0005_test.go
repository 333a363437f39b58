package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestMigrate_0005KeepsAttempts upgrades a database holding a webhook made before 0005:
// it keeps its attempt count, gets the default schedule (NULL), and the attempt range is
// now 1-20 in the database too.
func TestMigrate_0005KeepsAttempts(t *testing.T) {
	t.Parallel()
	modeltest.DialectURLs(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := mustMigratedBefore(t, url, 5)
		now := time.Now().UTC()
		acc, hook := uuid.NewString(), uuid.NewString()
		mustNoErr(t, db.Exec("INSERT INTO accounts (id, name, created_at, updated_at) VALUES (?, 'Old', ?, ?)", acc, now, now).Error)
		mustNoErr(t, db.Exec(`INSERT INTO webhooks (id, scope, account_id, scope_id, name, events, farm_ids, max_attempts, created_at, updated_at)
			VALUES (?, 'account', ?, ?, 'old', '[]', '[]', 7, ?, ?)`, hook, acc, acc, now, now).Error)

		n, err := db.Migrate(ctx, nil)
		mustNoErr(t, err)
		if n < 1 {
			t.Fatalf("applied %d migrations", n)
		}
		var h models.Webhook
		mustNoErr(t, db.Where("id = ?", hook).Take(&h).Error)
		if h.MaxAttempts != 7 || h.RetrySchedule != nil {
			t.Fatalf("after 0005: %d attempts, schedule %v; want 7 and the default", h.MaxAttempts, h.RetrySchedule)
		}
		mustNoErr(t, db.Exec("UPDATE webhooks SET max_attempts = 20 WHERE id = ?", hook).Error)
		if err := db.Exec("UPDATE webhooks SET max_attempts = 21 WHERE id = ?", hook).Error; err == nil {
			t.Fatal("the database accepted 21 attempts")
		}
		hook2 := uuid.NewString()
		mustNoErr(t, db.Exec(`INSERT INTO webhooks (id, scope, account_id, scope_id, name, events, farm_ids, created_at, updated_at)
			VALUES (?, 'account', ?, ?, 'new', '[]', '[]', ?, ?)`, hook2, acc, acc, now, now).Error)
		var h2 models.Webhook
		mustNoErr(t, db.Where("id = ?", hook2).Take(&h2).Error)
		if h2.MaxAttempts != 5 {
			t.Fatalf("the column default is %d attempts, want 5", h2.MaxAttempts)
		}
	})
}

// mustMigratedBefore opens an unmigrated database and applies (and records) the migrations
// before version, as a database made by an older release.
func mustMigratedBefore(t *testing.T, url string, version int) *models.DB {
	t.Helper()
	db := modeltest.MustOpenUnmigrated(t, url)
	migs, err := models.Migrations(db.Dialect)
	mustNoErr(t, err)
	mustNoErr(t, db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`).Error)
	for _, m := range migs {
		if m.Version >= version {
			break
		}
		for _, stmt := range models.SplitStatements(m.SQL) {
			if err := db.Exec(stmt).Error; err != nil {
				t.Fatalf("migration %d: %v\n%s", m.Version, err, stmt)
			}
		}
		mustNoErr(t, db.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)", m.Version, m.Name, m.Checksum, time.Now().UTC()).Error)
	}
	return db
}

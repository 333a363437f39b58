package models_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestMigrate(t *testing.T) {
	t.Parallel()
	modeltest.DialectURLs(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := modeltest.MustOpenUnmigrated(t, url)

		migs, err := models.Migrations(db.Dialect)
		mustNoErr(t, err)
		if len(migs) == 0 {
			t.Fatal("no migrations embedded")
		}

		t.Run("OK", func(t *testing.T) {
			n, err := db.Migrate(ctx, nil)
			mustNoErr(t, err)
			if n != len(migs) {
				t.Fatalf("applied %d migrations, want %d", n, len(migs))
			}
			hist, err := db.MigrationHistory(ctx)
			mustNoErr(t, err)
			if len(hist) != len(migs) {
				t.Fatalf("history has %d rows, want %d", len(hist), len(migs))
			}
			for i, h := range hist {
				m := migs[i]
				src, err := os.ReadFile(filepath.Join("migrations", fmt.Sprintf("%04d_%s.sql", m.Version, m.Name)))
				mustNoErr(t, err)
				sum := sha256.Sum256(src)
				if h.Version != m.Version || h.Name != m.Name || h.Checksum != hex.EncodeToString(sum[:]) {
					t.Fatalf("history row %d = %+v, want version %d name %s checksum of the source file", i, h, m.Version, m.Name)
				}
				if h.AppliedAt.IsZero() {
					t.Fatalf("history row %d has no applied_at", i)
				}
			}
			// The schema is really there: the tables the services use exist.
			for _, table := range []string{"installation", "users", "accounts", "environments", "memberships", "refresh_tokens", "api_tokens", "audit_entries"} {
				var n int64
				if err := db.Raw("SELECT count(*) FROM " + table).Scan(&n).Error; err != nil {
					t.Fatalf("table %s: %v", table, err)
				}
			}
		})

		t.Run("OKRerunAppliesNothing", func(t *testing.T) {
			before, err := db.MigrationHistory(ctx)
			mustNoErr(t, err)
			n, err := db.Migrate(ctx, nil)
			mustNoErr(t, err)
			if n != 0 {
				t.Fatalf("re-run applied %d migrations, want 0", n)
			}
			after, err := db.MigrationHistory(ctx)
			mustNoErr(t, err)
			if len(after) != len(before) {
				t.Fatalf("history grew from %d to %d rows", len(before), len(after))
			}
			for i := range after {
				if !after[i].AppliedAt.Equal(before[i].AppliedAt) || after[i].Checksum != before[i].Checksum {
					t.Fatalf("history row %d changed: %+v → %+v", i, before[i], after[i])
				}
			}
		})

		t.Run("ErrChangedChecksum", func(t *testing.T) {
			first := migs[0]
			mustNoErr(t, db.Exec("UPDATE schema_migrations SET checksum = ? WHERE version = ?", strings.Repeat("0", 64), first.Version).Error)
			_, err := db.Migrate(ctx, nil)
			if err == nil || !strings.Contains(err.Error(), "changed after it was applied") {
				t.Fatalf("Migrate with an edited migration: err = %v, want a changed-checksum error", err)
			}
			mustNoErr(t, db.Exec("UPDATE schema_migrations SET checksum = ? WHERE version = ?", first.Checksum, first.Version).Error)
			_, err = db.Migrate(ctx, nil)
			mustNoErr(t, err)
		})

		t.Run("ErrUnknownNewerVersion", func(t *testing.T) {
			mustNoErr(t, db.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'from_the_future', 'abc', ?)", time.Now().UTC()).Error)
			n, err := db.Migrate(ctx, nil)
			if err == nil || !strings.Contains(err.Error(), "newer version") {
				t.Fatalf("Migrate with an unknown version: err = %v, want a newer-version error", err)
			}
			if n != 0 {
				t.Fatalf("applied %d migrations despite the refusal", n)
			}
		})
	})
}

// Replicas starting together each run Migrate on the same database; the advisory lock makes
// them take turns, so every one succeeds and each migration is applied exactly once.
func TestMigrate_ConcurrentPostgres(t *testing.T) {
	t.Parallel()
	url := modeltest.MustPostgresURL(t)
	ctx := context.Background()
	const replicas = 6
	dbs := make([]*models.DB, replicas)
	for i := range dbs {
		dbs[i] = modeltest.MustOpenUnmigrated(t, url)
	}
	migs, err := models.Migrations(models.Postgres)
	mustNoErr(t, err)

	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		applied = make([]int, replicas)
		errs    = make([]error, replicas)
	)
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			applied[i], errs[i] = dbs[i].Migrate(ctx, nil)
		}()
	}
	close(start)
	wg.Wait()

	total := 0
	for i := range dbs {
		if errs[i] != nil {
			t.Errorf("replica %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	if total != len(migs) {
		t.Errorf("replicas applied %d migrations in total, want %d", total, len(migs))
	}
	var rows int64
	mustNoErr(t, dbs[0].Raw("SELECT count(*) FROM schema_migrations").Scan(&rows).Error)
	if rows != int64(len(migs)) {
		t.Errorf("schema_migrations has %d rows, want %d", rows, len(migs))
	}
}

// Migration 0009's indexes may be built beforehand (CREATE INDEX CONCURRENTLY, docs/webhooks.md
// "History search"): the migration then applies and keeps them.
func TestMigrate_DeliverySearchIndexesPrebuilt(t *testing.T) {
	t.Parallel()
	modeltest.DialectURLs(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := modeltest.MustOpenUnmigrated(t, url)
		_, err := db.Migrate(ctx, nil)
		mustNoErr(t, err)
		// The indexes exist, as if pre-built; 0009 is not recorded yet.
		mustNoErr(t, db.Exec("DELETE FROM schema_migrations WHERE version = 9").Error)
		n, err := db.Migrate(ctx, nil)
		mustNoErr(t, err)
		wantEqual(t, "migrations applied", n, 1)
	})
}

// Migration 0009 makes events.account_id nullable; SQLite rebuilds the events table for it, with
// foreign keys off: the history that references events (deliveries, their attempts) is kept,
// and foreign keys are enforced again afterwards.
func TestMigrate_EventsRebuildKeepsHistory(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Kept", 1)
		d := r.fire(t)
		r.finish(t, r.begin(t, d.ID), models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 204})
		counts := func() []int64 {
			return []int64{f.MustCount(t, "events", "1 = 1"), f.MustCount(t, "deliveries", "1 = 1"), f.MustCount(t, "delivery_attempts", "1 = 1")}
		}
		before := counts()
		mustNoErr(t, db.Exec("DELETE FROM schema_migrations WHERE version = 9").Error)
		n, err := db.Migrate(ctx, nil)
		mustNoErr(t, err)
		wantEqual(t, "migrations applied", n, 1)
		wantEqual(t, "rows kept", counts(), before)
		// Foreign keys hold again: a delivery of an event that does not exist is refused.
		err = db.Exec(`INSERT INTO deliveries (id, kind, event_id, event_name, payload, status, max_attempts, timeout_seconds, created_at, updated_at)
			VALUES (?, 'webhook', ?, 'X', ?, 'succeeded', 1, 3, ?, ?)`, "0190a0a0-0000-7000-8000-000000000001", "0190a0a0-0000-7000-8000-000000000002", []byte("{}"), time.Now(), time.Now()).Error
		if err == nil {
			t.Fatal("a delivery of a missing event was accepted: foreign keys are off")
		}
	})
}

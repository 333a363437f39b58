package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestMigrate_0012RenamesClashingCustomEvents upgrades a database holding custom events named
// like the engine's new built-in events: they are renamed (not merged), the account's audit log
// says so, and webhooks subscribed to them follow the new names.
func TestMigrate_0012RenamesClashingCustomEvents(t *testing.T) {
	t.Parallel()
	modeltest.DialectURLs(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := mustMigratedBefore(t, url, 12)
		now := time.Now().UTC()
		acc, other := uuid.NewString(), uuid.NewString()
		for _, a := range []string{acc, other} {
			mustNoErr(t, db.Exec("INSERT INTO accounts (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", a, "A "+a[:6], now, now).Error)
		}
		esc, sys := uuid.NewString(), uuid.NewString()
		mustNoErr(t, db.Exec(`INSERT INTO custom_events (id, scope, account_id, scope_id, name, created_at) VALUES (?, 'account', ?, ?, 'IncidentEscalated', ?)`, esc, acc, acc, now).Error)
		mustNoErr(t, db.Exec(`INSERT INTO custom_events (id, scope, account_id, scope_id, name, created_at) VALUES (?, 'system', NULL, '', 'incidentunacknowledged', ?)`, sys, now).Error)
		hook, otherHook := uuid.NewString(), uuid.NewString()
		mustNoErr(t, db.Exec(`INSERT INTO webhooks (id, scope, account_id, scope_id, name, events, farm_ids, created_at, updated_at)
			VALUES (?, 'account', ?, ?, 'custom', '["IncidentEscalated", "IncidentOpened"]', '[]', ?, ?)`, hook, acc, acc, now, now).Error)
		// Another account has no such custom event: its subscription is to nothing custom.
		mustNoErr(t, db.Exec(`INSERT INTO webhooks (id, scope, account_id, scope_id, name, events, farm_ids, created_at, updated_at)
			VALUES (?, 'account', ?, ?, 'other', '["IncidentOpened"]', '[]', ?, ?)`, otherHook, other, other, now, now).Error)

		_, err := db.Migrate(ctx, nil)
		mustNoErr(t, err)
		var names []string
		mustNoErr(t, db.Table("custom_events").Order("name").Pluck("name", &names).Error)
		if strings.Join(names, ",") != "IncidentEscalatedCustom,IncidentUnackCustom" {
			t.Fatalf("custom events after 0012: %v", names)
		}
		for _, n := range names {
			if len(n) > 25 {
				t.Fatalf("%s breaks the name rule", n)
			}
		}
		var h models.Webhook
		mustNoErr(t, db.Where("id = ?", hook).Take(&h).Error)
		if got := strings.Join(h.EventNames(), ","); got != "IncidentEscalatedCustom,IncidentOpened" {
			t.Fatalf("webhook events after 0012: %s", got)
		}
		var summaries []string
		mustNoErr(t, db.Table("audit_entries").Where("account_id = ? AND action = 'custom_event.renamed'", acc).Pluck("summary", &summaries).Error)
		if len(summaries) != 1 || !strings.Contains(summaries[0], "IncidentEscalatedCustom") {
			t.Fatalf("audit: %q", summaries)
		}
		var n int64
		mustNoErr(t, db.Table("audit_entries").Where("account_id = ?", other).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d audit entries in an account without the event", n)
		}
	})
}

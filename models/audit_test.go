package models_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestAudit_List(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		acc := f.Account.ID
		other := f.MustAccount(t, "Other")
		f.MustEnvironment(t, f.AdminActor, other.ID, "not-ours")

		// 30 entries in bursts of 4 that share a timestamp (a frozen clock), so keyset
		// pagination has to break ties by id.
		var created []string
		for i := range 30 {
			if i%4 == 0 {
				f.Clock.Advance(time.Millisecond)
			}
			env := f.MustEnvironment(t, f.AdminActor, acc, fmt.Sprintf("env-%02d", i))
			created = append(created, env.Name)
		}
		total := f.MustCount(t, "audit_entries", "account_id = ?", acc) // 30 plus setup's entry

		t.Run("OKNewestFirst", func(t *testing.T) {
			p, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, 3, "")
			mustNoErr(t, err)
			if len(p.Items) != 3 || !p.HasNextPage || len(p.Cursors) != 3 {
				t.Fatalf("page: %d items, next %v, %d cursors", len(p.Items), p.HasNextPage, len(p.Cursors))
			}
			want := fmt.Sprintf(`created environment %q`, created[len(created)-1])
			if s := p.Items[0].Summary; len(s) < len(want) || s[len(s)-len(want):] != want {
				t.Fatalf("first entry %q, want the newest (%s)", s, want)
			}
		})

		for _, size := range []int{1, 4, 7, 31, 200} {
			t.Run(fmt.Sprintf("OKPagesOf%d", size), func(t *testing.T) {
				seen := map[string]bool{}
				var prev *models.AuditEntry
				after := ""
				for pages := 0; ; pages++ {
					if pages > 100 {
						t.Fatal("pagination does not end")
					}
					p, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, size, after)
					mustNoErr(t, err)
					if len(p.Items) > size {
						t.Fatalf("page of %d items, asked for %d", len(p.Items), size)
					}
					for i, e := range p.Items {
						if e.AccountID != acc {
							t.Fatalf("entry of account %s", e.AccountID)
						}
						if seen[e.ID] {
							t.Fatalf("entry %s on two pages", e.ID)
						}
						seen[e.ID] = true
						if prev != nil && (e.CreatedAt.After(prev.CreatedAt) || (e.CreatedAt.Equal(prev.CreatedAt) && e.ID > prev.ID)) {
							t.Fatalf("entry %s (%v) after %s (%v): not newest first", e.ID, e.CreatedAt, prev.ID, prev.CreatedAt)
						}
						prev = &p.Items[i]
					}
					if !p.HasNextPage {
						break
					}
					if len(p.Items) == 0 {
						t.Fatal("empty page with a next page")
					}
					after = p.Cursors[len(p.Cursors)-1]
				}
				if int64(len(seen)) != total {
					t.Fatalf("saw %d entries across pages, want %d", len(seen), total)
				}
			})
		}

		t.Run("OKCursorFromMiddleOfPage", func(t *testing.T) {
			all, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, 200, "")
			mustNoErr(t, err)
			p, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, 5, all.Cursors[9])
			mustNoErr(t, err)
			for i, e := range p.Items {
				if e.ID != all.Items[10+i].ID {
					t.Fatalf("item %d = %s, want %s", i, e.ID, all.Items[10+i].ID)
				}
			}
		})

		t.Run("ErrInvalidCursor", func(t *testing.T) {
			enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
			for _, c := range []string{
				"!!!",
				enc("no separator"),
				enc(time.Now().UTC().Format(time.RFC3339Nano) + "|not-a-uuid"),
				enc("yesterday|00000000-0000-7000-8000-000000000000"),
			} {
				_, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, 10, c)
				wantField(t, err, models.EINVALID, "after")
			}
		})

		t.Run("ErrFirstOutOfRange", func(t *testing.T) {
			for _, n := range []int{0, -1, models.MaxPageSize + 1} {
				_, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, n, "")
				wantField(t, err, models.EINVALID, "first")
			}
		})

		t.Run("OKGetEntry", func(t *testing.T) {
			p, err := f.Store.ListAudit(ctx, f.AdminActor, acc, models.AuditQuery{}, 1, "")
			mustNoErr(t, err)
			e, err := f.Store.GetAuditEntry(ctx, f.AdminActor, p.Items[0].ID)
			mustNoErr(t, err)
			if e.ID != p.Items[0].ID || e.Summary != p.Items[0].Summary {
				t.Fatalf("entry = %+v", e)
			}
			viewer, _ := f.MustMember(t, acc, "viewer@example.com", models.RoleViewer)
			_, err = f.Store.GetAuditEntry(ctx, viewer, p.Items[0].ID)
			wantCode(t, err, models.EFORBIDDEN)
		})
	})
}

// Hints tell live subscribers about committed changes only.
func TestPublisher(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		acc := f.Account.ID

		// wantHintsForNewEntries checks that the hints since the last reset are exactly one per
		// audit entry written since (all committed when published), and resets.
		auditBefore := map[string]bool{}
		markAudit := func(t *testing.T) {
			t.Helper()
			var ids []string
			mustNoErr(t, db.Raw("SELECT id FROM audit_entries").Scan(&ids).Error)
			for _, id := range ids {
				auditBefore[id] = true
			}
			f.Pub.Reset()
		}
		wantHintsForNewEntries := func(t *testing.T, want int) {
			t.Helper()
			var es []models.AuditEntry
			mustNoErr(t, db.Find(&es).Error)
			fresh := map[string]string{}
			for _, e := range es {
				if !auditBefore[e.ID] {
					fresh[e.ID] = e.AccountID
				}
			}
			hints, visible := f.Pub.Hints()
			if len(fresh) != want || len(hints) != want {
				t.Fatalf("%d new entries and %d hints, want %d of each: %+v", len(fresh), len(hints), want, hints)
			}
			for i, h := range hints {
				if h.Kind != models.HintAudit || fresh[h.ID] != h.AccountID {
					t.Fatalf("hint %+v does not name a new entry of its account", h)
				}
				if !visible[i] {
					t.Fatalf("hint %+v published before its entry was committed", h)
				}
				delete(fresh, h.ID) // one hint per entry
			}
			markAudit(t)
		}
		markAudit(t)

		t.Run("OKOneHintPerChange", func(t *testing.T) {
			env := f.MustEnvironment(t, f.AdminActor, acc, "staging")
			wantHintsForNewEntries(t, 1)
			_, err := f.Store.UpdateEnvironment(ctx, f.AdminActor, env.ID, models.EnvironmentInput{Name: ptr("stage")})
			mustNoErr(t, err)
			mustNoErr(t, f.Store.DeleteEnvironment(ctx, f.AdminActor, env.ID))
			_, m := f.MustMember(t, acc, "m@example.com", models.RoleViewer)
			_, err = f.Store.UpdateMemberRole(ctx, f.AdminActor, m.ID, models.RoleMember)
			mustNoErr(t, err)
			tok, _ := f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: acc, Name: "t", Role: models.RoleViewer})
			_, err = f.Store.RevokeAPIToken(ctx, f.AdminActor, tok.ID)
			mustNoErr(t, err)
			mustNoErr(t, f.Store.RemoveMember(ctx, f.AdminActor, m.ID))
			_, err = f.Store.UpdateAccount(ctx, f.AdminActor, acc, "Renamed")
			mustNoErr(t, err)
			wantHintsForNewEntries(t, 8)
		})

		t.Run("OKNoHintWithoutChange", func(t *testing.T) {
			env := f.MustEnvironment(t, f.AdminActor, acc, "same")
			markAudit(t)
			_, err := f.Store.UpdateEnvironment(ctx, f.AdminActor, env.ID, models.EnvironmentInput{Name: ptr("same")})
			mustNoErr(t, err)
			_, err = f.Store.UpdateAccount(ctx, f.AdminActor, acc, "Renamed")
			mustNoErr(t, err)
			wantHintsForNewEntries(t, 0)
		})

		t.Run("ErrFailedTransactionNoHint", func(t *testing.T) {
			f.MustEnvironment(t, f.AdminActor, acc, "taken")
			markAudit(t)
			_, err := f.Store.CreateEnvironment(ctx, f.AdminActor, acc, models.EnvironmentInput{Name: ptr("TAKEN")})
			wantCode(t, err, models.ECONFLICT)
			dup := f.MustEnvironment(t, f.AdminActor, acc, "other")
			markAudit(t)
			_, err = f.Store.UpdateEnvironment(ctx, f.AdminActor, dup.ID, models.EnvironmentInput{Name: ptr("Taken")})
			wantCode(t, err, models.ECONFLICT)
			_, _, err = f.Store.CreateAPIToken(ctx, f.AdminActor, models.CreateAPITokenInput{AccountID: acc, Name: "x", Role: models.RoleViewer})
			mustNoErr(t, err)
			markAudit(t)
			_, _, err = f.Store.CreateAPIToken(ctx, f.AdminActor, models.CreateAPITokenInput{AccountID: acc, Name: "X", Role: models.RoleViewer})
			wantCode(t, err, models.ECONFLICT)
			wantHintsForNewEntries(t, 0)
		})

		t.Run("ErrRolledBackAfterAudit", func(t *testing.T) {
			// The transaction fails after its audit entry was written: entry and hint vanish.
			markAudit(t)
			err := f.Store.AuditThenFail(ctx, f.AdminActor, acc, models.Errorf(models.ECONFLICT, "changed my mind"))
			wantCode(t, err, models.ECONFLICT)
			wantHintsForNewEntries(t, 0)

			// The same transaction succeeding publishes (the guard for the line above).
			mustNoErr(t, f.Store.AuditThenFail(ctx, f.AdminActor, acc, nil))
			wantHintsForNewEntries(t, 1)
		})
	})
}

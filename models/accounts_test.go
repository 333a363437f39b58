package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		owner, _ := f.MustMember(t, f.Account.ID, "owner@example.com", models.RoleOwner)

		t.Run("OKCreate", func(t *testing.T) {
			acc, err := f.Store.CreateAccount(ctx, f.AdminActor, "  Globex  ")
			mustNoErr(t, err)
			if acc.Name != "Globex" {
				t.Fatalf("name = %q", acc.Name)
			}
			_, role, err := f.Store.GetAccount(ctx, f.AdminActor, acc.ID)
			mustNoErr(t, err)
			if role != models.RoleOwner || f.MustCount(t, "memberships", "account_id = ? AND user_id = ? AND role = 'owner'", acc.ID, f.Admin.ID) != 1 {
				t.Fatal("creator does not own the new account")
			}
			if es := f.MustAudit(t, acc.ID, "account.created"); len(es) != 1 {
				t.Fatalf("audit = %+v", es)
			}
		})

		t.Run("ErrCreateNotSystemAdmin", func(t *testing.T) {
			_, err := f.Store.CreateAccount(ctx, owner, "Mine")
			wantCode(t, err, models.EFORBIDDEN)
			tokenActor := *f.AdminActor
			tokenActor.TokenID, tokenActor.TokenAccountID, tokenActor.TokenRole = "00000000-0000-7000-8000-000000000000", f.Account.ID, models.RoleOwner
			_, err = f.Store.CreateAccount(ctx, &tokenActor, "Mine")
			wantCode(t, err, models.EFORBIDDEN)
			if n := f.MustCount(t, "accounts", "name = 'Mine'"); n != 0 {
				t.Fatal("account created")
			}
		})

		t.Run("ErrCreateNameRequired", func(t *testing.T) {
			_, err := f.Store.CreateAccount(ctx, f.AdminActor, "   ")
			wantField(t, err, models.EINVALID, "name")
		})

		t.Run("OKRename", func(t *testing.T) {
			acc, err := f.Store.UpdateAccount(ctx, owner, f.Account.ID, "Acme Corp")
			mustNoErr(t, err)
			if acc.Name != "Acme Corp" {
				t.Fatalf("name = %q", acc.Name)
			}
			es := f.MustAudit(t, f.Account.ID, "account.renamed")
			if len(es) != 1 || !strings.Contains(es[0].Summary, `from "Acme" to "Acme Corp"`) || es[0].ActorLabel != owner.UserName {
				t.Fatalf("audit = %+v", es)
			}
			// Renaming to the same name is no change and writes nothing.
			_, err = f.Store.UpdateAccount(ctx, owner, f.Account.ID, "Acme Corp")
			mustNoErr(t, err)
			if es := f.MustAudit(t, f.Account.ID, "account.renamed"); len(es) != 1 {
				t.Fatalf("no-op rename audited: %d entries", len(es))
			}
		})
	})
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		acc := f.Account.ID
		admin, _ := f.MustMember(t, acc, "admin2@example.com", models.RoleAdmin)
		viewer, _ := f.MustMember(t, acc, "viewer@example.com", models.RoleViewer)
		other := f.MustAccount(t, "Other")

		t.Run("OKCreate", func(t *testing.T) {
			env, err := f.Store.CreateEnvironment(ctx, admin, acc, models.EnvironmentInput{Name: ptr(" Staging "), Description: ptr(" pre-production ")})
			mustNoErr(t, err)
			if env.Name != "Staging" || env.Description != "pre-production" || env.AccountID != acc {
				t.Fatalf("env = %+v", env)
			}
			got, err := f.Store.GetEnvironment(ctx, viewer, env.ID)
			mustNoErr(t, err)
			if got.Name != "Staging" {
				t.Fatalf("stored env = %+v", got)
			}
			es := f.MustAudit(t, acc, "environment.created")
			if len(es) != 1 || es[0].TargetID != env.ID || es[0].Summary != `admin2@example.com created environment "Staging"` ||
				es[0].ActorUserID == nil || *es[0].ActorUserID != admin.UserID {
				t.Fatalf("audit = %+v", es)
			}
		})

		t.Run("ErrDuplicateNameCaseInsensitive", func(t *testing.T) {
			for _, name := range []string{"staging", "STAGING", " Staging"} {
				_, err := f.Store.CreateEnvironment(ctx, admin, acc, models.EnvironmentInput{Name: ptr(name)})
				wantField(t, err, models.ECONFLICT, "name")
			}
			if n := f.MustCount(t, "environments", "account_id = ? AND lower(name) = 'staging'", acc); n != 1 {
				t.Fatalf("%d environments named staging", n)
			}
			if es := f.MustAudit(t, acc, "environment.created"); len(es) != 1 {
				t.Fatalf("failed creates were audited: %d entries", len(es))
			}
		})

		t.Run("OKSameNameInAnotherAccount", func(t *testing.T) {
			f.MustEnvironment(t, f.AdminActor, other.ID, "staging")
		})

		t.Run("ErrValidation", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				in    models.EnvironmentInput
				field string
			}{
				{"ErrNameRequired", models.EnvironmentInput{}, "name"},
				{"ErrNameBlank", models.EnvironmentInput{Name: ptr("   ")}, "name"},
				{"ErrNameTooLong", models.EnvironmentInput{Name: ptr(strings.Repeat("x", 65))}, "name"},
				{"ErrNameNewline", models.EnvironmentInput{Name: ptr("two\nlines")}, "name"},
				{"ErrNameTab", models.EnvironmentInput{Name: ptr("a\tb")}, "name"},
				{"ErrDescriptionTooLong", models.EnvironmentInput{Name: ptr("fine"), Description: ptr(strings.Repeat("d", 1001))}, "description"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := f.Store.CreateEnvironment(ctx, admin, acc, tc.in)
					wantField(t, err, models.EINVALID, tc.field)
				})
			}
			if n := f.MustCount(t, "environments", "account_id = ?", acc); n != 2 {
				t.Fatalf("environments = %d, want production and Staging", n)
			}
		})

		t.Run("OKNameAt64Characters", func(t *testing.T) {
			// The limit counts characters, not bytes.
			name := strings.Repeat("é", 64)
			env := f.MustEnvironment(t, admin, acc, name)
			mustNoErr(t, f.Store.DeleteEnvironment(ctx, admin, env.ID))
		})

		t.Run("OKUpdate", func(t *testing.T) {
			env := f.MustEnvironment(t, admin, acc, "qa")
			f.Clock.Advance(time.Second)

			got, err := f.Store.UpdateEnvironment(ctx, admin, env.ID, models.EnvironmentInput{Name: ptr("QA-2")})
			mustNoErr(t, err)
			if got.Name != "QA-2" {
				t.Fatalf("name = %q", got.Name)
			}
			got, err = f.Store.UpdateEnvironment(ctx, admin, env.ID, models.EnvironmentInput{Description: ptr("for testers")})
			mustNoErr(t, err)
			stored, err := f.Store.GetEnvironment(ctx, admin, env.ID)
			mustNoErr(t, err)
			if stored.Name != "QA-2" || stored.Description != "for testers" {
				t.Fatalf("stored = %+v", stored)
			}
			if !stored.UpdatedAt.After(stored.CreatedAt) {
				t.Fatalf("updated_at %v not after created_at %v", stored.UpdatedAt, stored.CreatedAt)
			}

			// No change, no audit entry.
			_, err = f.Store.UpdateEnvironment(ctx, admin, env.ID, models.EnvironmentInput{Name: ptr("QA-2"), Description: ptr("for testers")})
			mustNoErr(t, err)

			es := f.MustAudit(t, acc, "environment.updated")
			if len(es) != 2 {
				t.Fatalf("audit = %+v, want 2 entries", es)
			}
			var summaries []string
			for _, e := range es {
				if e.TargetID != env.ID {
					t.Fatalf("entry about %s", e.TargetID)
				}
				summaries = append(summaries, e.Summary)
			}
			all := strings.Join(summaries, "|")
			if !strings.Contains(all, `renamed "qa" to "QA-2"`) || !strings.Contains(all, `changed the description of "QA-2"`) {
				t.Fatalf("summaries = %q", summaries)
			}
		})

		t.Run("ErrRenameToTakenName", func(t *testing.T) {
			env := f.MustEnvironment(t, admin, acc, "dev")
			_, err := f.Store.UpdateEnvironment(ctx, admin, env.ID, models.EnvironmentInput{Name: ptr("PRODUCTION")})
			wantField(t, err, models.ECONFLICT, "name")
			stored, err := f.Store.GetEnvironment(ctx, admin, env.ID)
			mustNoErr(t, err)
			if stored.Name != "dev" {
				t.Fatalf("name = %q after a refused rename", stored.Name)
			}
		})

		t.Run("ErrUpdateValidation", func(t *testing.T) {
			env := f.MustEnvironment(t, admin, acc, "valid")
			_, err := f.Store.UpdateEnvironment(ctx, admin, env.ID, models.EnvironmentInput{Name: ptr(" ")})
			wantField(t, err, models.EINVALID, "name")
			_, err = f.Store.UpdateEnvironment(ctx, admin, env.ID, models.EnvironmentInput{Name: ptr(strings.Repeat("n", 65))})
			wantField(t, err, models.EINVALID, "name")
		})

		t.Run("ErrViewerCannotChange", func(t *testing.T) {
			env := f.MustEnvironment(t, admin, acc, "locked")
			_, err := f.Store.UpdateEnvironment(ctx, viewer, env.ID, models.EnvironmentInput{Name: ptr("mine")})
			wantCode(t, err, models.EFORBIDDEN)
			wantCode(t, f.Store.DeleteEnvironment(ctx, viewer, env.ID), models.EFORBIDDEN)
			if _, err := f.Store.GetEnvironment(ctx, viewer, env.ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("OKDelete", func(t *testing.T) {
			env := f.MustEnvironment(t, admin, acc, "doomed")
			mustNoErr(t, f.Store.DeleteEnvironment(ctx, admin, env.ID))
			_, err := f.Store.GetEnvironment(ctx, admin, env.ID)
			wantCode(t, err, models.ENOTFOUND)
			wantCode(t, f.Store.DeleteEnvironment(ctx, admin, env.ID), models.ENOTFOUND)
			es := f.MustAudit(t, acc, "environment.deleted")
			if last := es[len(es)-1]; last.TargetID != env.ID || last.Summary != `admin2@example.com deleted environment "doomed"` {
				t.Fatalf("audit = %+v", last)
			}
			// Deleted names are free again.
			f.MustEnvironment(t, admin, acc, "Doomed")
		})

		t.Run("OKListSortedByName", func(t *testing.T) {
			envs, err := f.Store.ListEnvironments(ctx, viewer, acc)
			mustNoErr(t, err)
			var names []string
			for _, e := range envs {
				if e.AccountID != acc {
					t.Fatalf("environment of account %s listed", e.AccountID)
				}
				names = append(names, strings.ToLower(e.Name))
			}
			for i := 1; i < len(names); i++ {
				if names[i-1] > names[i] {
					t.Fatalf("not sorted by name: %q", names)
				}
			}
			if len(names) < 5 {
				t.Fatalf("names = %q", names)
			}
		})
	})
}

package models_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

var apiTokenSecret = regexp.MustCompile(`^sbt_[A-Za-z0-9_-]{43}$`)

func TestAPITokens_Create(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		admin, _ := f.MustMember(t, f.Account.ID, "admin2@example.com", models.RoleAdmin)

		t.Run("OK", func(t *testing.T) {
			tok, secret, err := f.Store.CreateAPIToken(ctx, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: " CI deploy ", Role: models.RoleMember})
			mustNoErr(t, err)
			if !apiTokenSecret.MatchString(secret) {
				t.Fatalf("secret %q does not look like sbt_<43 URL-safe characters>", secret)
			}
			if tok.Name != "CI deploy" || tok.Role != models.RoleMember || tok.AccountID != f.Account.ID || tok.CreatedBy == nil || *tok.CreatedBy != admin.UserID {
				t.Fatalf("token = %+v", tok)
			}

			// The row holds the SHA-256 of the secret and a short prefix, never the secret.
			var row map[string]any
			mustNoErr(t, db.Raw("SELECT * FROM api_tokens WHERE id = ?", tok.ID).Take(&row).Error)
			sum := sha256.Sum256([]byte(secret))
			if got := fmt.Sprint(row["token_hash"]); got != hex.EncodeToString(sum[:]) {
				t.Fatalf("token_hash = %q, want the SHA-256 of the secret", got)
			}
			if got := fmt.Sprint(row["prefix"]); !strings.HasPrefix(secret, got) || len(got) > len(models.APITokenPrefix)+8 {
				t.Fatalf("prefix column = %q", got)
			}
			body := secret[len(models.APITokenPrefix)+6:]
			for col, v := range row {
				if strings.Contains(fmt.Sprint(v), body) {
					t.Fatalf("column %s holds the secret", col)
				}
			}

			// Listing never shows the secret again.
			list, err := f.Store.ListAPITokens(ctx, admin, f.Account.ID)
			mustNoErr(t, err)
			if len(list) != 1 || list[0].ID != tok.ID {
				t.Fatalf("list = %+v", list)
			}
			if s := fmt.Sprintf("%+v", list[0]); strings.Contains(s, body) {
				t.Fatal("listed token carries the secret")
			}

			es := f.MustAudit(t, f.Account.ID, "api_token.created")
			if len(es) != 1 || es[0].TargetID != tok.ID || !strings.Contains(es[0].Summary, `"CI deploy"`) {
				t.Fatalf("audit = %+v", es)
			}
		})

		t.Run("ErrRoleAboveCreator", func(t *testing.T) {
			_, _, err := f.Store.CreateAPIToken(ctx, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "too strong", Role: models.RoleOwner})
			wantField(t, err, models.EFORBIDDEN, "role")
			if n := f.MustCount(t, "api_tokens", "name = 'too strong'"); n != 0 {
				t.Fatal("token created")
			}
		})

		t.Run("ErrRoleInvalid", func(t *testing.T) {
			_, _, err := f.Store.CreateAPIToken(ctx, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "x", Role: "root"})
			wantField(t, err, models.EINVALID, "role")
		})

		t.Run("ErrNameRequired", func(t *testing.T) {
			_, _, err := f.Store.CreateAPIToken(ctx, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "  ", Role: models.RoleViewer})
			wantField(t, err, models.EINVALID, "name")
		})

		t.Run("ErrExpiryInPast", func(t *testing.T) {
			_, _, err := f.Store.CreateAPIToken(ctx, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "old", Role: models.RoleViewer, ExpiresAt: ptr(f.Clock.Now())})
			wantField(t, err, models.EINVALID, "expiresAt")
		})

		t.Run("ErrDuplicateActiveName", func(t *testing.T) {
			first, _ := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "Nightly", Role: models.RoleViewer})
			f.Pub.Reset()
			_, _, err := f.Store.CreateAPIToken(ctx, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "nightly", Role: models.RoleViewer})
			wantField(t, err, models.ECONFLICT, "name")
			if hints, _ := f.Pub.Hints(); len(hints) != 0 {
				t.Fatalf("hints for a failed create: %v", hints)
			}

			// Once revoked, the name is free again.
			_, err = f.Store.RevokeAPIToken(ctx, admin, first.ID)
			mustNoErr(t, err)
			f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "nightly", Role: models.RoleViewer})
		})

		t.Run("OKSameNameInAnotherAccount", func(t *testing.T) {
			other := f.MustAccount(t, "Other")
			f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "shared", Role: models.RoleViewer})
			f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: other.ID, Name: "shared", Role: models.RoleViewer})
		})
	})
}

func TestAPITokens_Actor(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		admin, adminM := f.MustMember(t, f.Account.ID, "admin2@example.com", models.RoleAdmin)

		t.Run("OK", func(t *testing.T) {
			tok, secret := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "ok", Role: models.RoleMember})
			a, err := f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			if a.UserID != admin.UserID || a.TokenID != tok.ID || a.TokenAccountID != f.Account.ID || a.TokenRole != models.RoleMember || a.IsSystemAdmin {
				t.Fatalf("actor = %+v", a)
			}
			role, err := f.Store.Require(ctx, a, f.Account.ID, models.RoleViewer)
			mustNoErr(t, err)
			if role != models.RoleMember {
				t.Fatalf("token acts as %s, want member", role)
			}
			var stored models.APIToken
			mustNoErr(t, db.Where("id = ?", tok.ID).Take(&stored).Error)
			if stored.LastUsedAt == nil {
				t.Fatal("last_used_at not recorded")
			}
			if l := a.Label(); !strings.Contains(l, "ok") {
				t.Fatalf("label = %q", l)
			}
		})

		t.Run("ErrUnknownOrMalformed", func(t *testing.T) {
			for _, s := range []string{"", "sbt_", "sbt_" + strings.Repeat("A", 43), "xyz_abc", "sbt_" + strings.Repeat("A", 200)} {
				_, err := f.Auth.ActorForAPIToken(ctx, s)
				wantCode(t, err, models.EUNAUTHORIZED)
			}
		})

		t.Run("ErrRevoked", func(t *testing.T) {
			tok, secret := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "revoked", Role: models.RoleViewer})
			_, err := f.Store.RevokeAPIToken(ctx, admin, tok.ID)
			mustNoErr(t, err)
			_, err = f.Auth.ActorForAPIToken(ctx, secret)
			wantCode(t, err, models.EUNAUTHORIZED)
		})

		t.Run("ErrExpired", func(t *testing.T) {
			exp := f.Clock.Now().Add(time.Hour)
			_, secret := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "expiring", Role: models.RoleViewer, ExpiresAt: &exp})
			f.Clock.Advance(time.Hour - time.Second)
			_, err := f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			f.Clock.Advance(time.Second)
			_, err = f.Auth.ActorForAPIToken(ctx, secret)
			wantCode(t, err, models.EUNAUTHORIZED)
		})

		t.Run("OKRoleFollowsCreatorDemotion", func(t *testing.T) {
			_, secret := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "demoted", Role: models.RoleAdmin})
			a, err := f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			f.MustEnvironment(t, a, f.Account.ID, "before-demotion")

			_, err = f.Store.UpdateMemberRole(ctx, f.AdminActor, adminM.ID, models.RoleViewer)
			mustNoErr(t, err)
			a, err = f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			role, err := f.Store.Require(ctx, a, f.Account.ID, models.RoleViewer)
			mustNoErr(t, err)
			if role != models.RoleViewer {
				t.Fatalf("token of a demoted creator acts as %s, want viewer", role)
			}
			_, err = f.Store.CreateEnvironment(ctx, a, f.Account.ID, models.EnvironmentInput{Name: ptr("after-demotion")})
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.ListAPITokens(ctx, a, f.Account.ID)
			wantCode(t, err, models.EFORBIDDEN)

			_, err = f.Store.UpdateMemberRole(ctx, f.AdminActor, adminM.ID, models.RoleAdmin)
			mustNoErr(t, err)
		})

		t.Run("OKCreatorRemovedRevokesTokens", func(t *testing.T) {
			leaver, leaverM := f.MustMember(t, f.Account.ID, "leaver@example.com", models.RoleAdmin)
			tok, secret := f.MustAPIToken(t, leaver, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "leaver's", Role: models.RoleMember})
			_, keptSecret := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "kept", Role: models.RoleMember})

			mustNoErr(t, f.Store.RemoveMember(ctx, f.AdminActor, leaverM.ID))
			var stored models.APIToken
			mustNoErr(t, db.Where("id = ?", tok.ID).Take(&stored).Error)
			if stored.RevokedAt == nil {
				t.Fatal("removed member's token not revoked")
			}
			_, err := f.Auth.ActorForAPIToken(ctx, secret)
			wantCode(t, err, models.EUNAUTHORIZED)
			_, err = f.Auth.ActorForAPIToken(ctx, keptSecret)
			mustNoErr(t, err)
		})

		t.Run("ErrCannotEscalateBySelfPromotion", func(t *testing.T) {
			// A member-role token of an admin cannot make itself stronger by minting a token.
			_, secret := f.MustAPIToken(t, admin, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "weak", Role: models.RoleMember})
			a, err := f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			_, _, err = f.Store.CreateAPIToken(ctx, a, models.CreateAPITokenInput{AccountID: f.Account.ID, Name: "strong", Role: models.RoleAdmin})
			wantCode(t, err, models.EFORBIDDEN)
		})
	})
}

func TestAPITokens_NoteExpired(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		other := f.MustAccount(t, "Other")
		now := f.Clock.Now()
		in := func(accountID, name string, exp time.Duration) models.CreateAPITokenInput {
			in := models.CreateAPITokenInput{AccountID: accountID, Name: name, Role: models.RoleViewer}
			if exp > 0 {
				in.ExpiresAt = ptr(now.Add(exp))
			}
			return in
		}
		a1, _ := f.MustAPIToken(t, f.AdminActor, in(f.Account.ID, "hour-a", time.Hour))
		b1, _ := f.MustAPIToken(t, f.AdminActor, in(other.ID, "hour-b", time.Hour))
		a2, _ := f.MustAPIToken(t, f.AdminActor, in(f.Account.ID, "two-hours", 2*time.Hour))
		revoked, _ := f.MustAPIToken(t, f.AdminActor, in(f.Account.ID, "revoked", time.Hour))
		f.MustAPIToken(t, f.AdminActor, in(f.Account.ID, "forever", 0))
		_, err := f.Store.RevokeAPIToken(ctx, f.AdminActor, revoked.ID)
		mustNoErr(t, err)

		expiredEntries := func(t *testing.T) map[string]models.AuditEntry {
			t.Helper()
			var es []models.AuditEntry
			mustNoErr(t, db.Where("action = ?", "api_token.expired").Find(&es).Error)
			out := map[string]models.AuditEntry{}
			for _, e := range es {
				if _, dup := out[e.TargetID]; dup {
					t.Fatalf("two api_token.expired entries for %s", e.TargetID)
				}
				out[e.TargetID] = e
			}
			return out
		}

		t.Run("OKNothingDue", func(t *testing.T) {
			n, err := f.Store.NoteExpiredAPITokens(ctx)
			mustNoErr(t, err)
			if n != 0 || len(expiredEntries(t)) != 0 {
				t.Fatalf("noted %d tokens before any expired", n)
			}
		})

		t.Run("OK", func(t *testing.T) {
			f.Clock.Advance(time.Hour)
			f.Pub.Reset()
			n, err := f.Store.NoteExpiredAPITokens(ctx)
			mustNoErr(t, err)
			es := expiredEntries(t)
			if n != 2 || len(es) != 2 {
				t.Fatalf("noted %d tokens, %d entries; want 2", n, len(es))
			}
			for _, tok := range []*models.APIToken{a1, b1} {
				e, ok := es[tok.ID]
				if !ok {
					t.Fatalf("no entry for %s", tok.Name)
				}
				if e.AccountID != tok.AccountID || e.ActorUserID != nil || e.ActorLabel != "system" || !strings.Contains(e.Summary, tok.Name) {
					t.Fatalf("entry = %+v", e)
				}
			}
			if hints, _ := f.Pub.Hints(); len(hints) != 2 {
				t.Fatalf("hints = %v, want 2", hints)
			}
		})

		t.Run("OKIdempotent", func(t *testing.T) {
			n, err := f.Store.NoteExpiredAPITokens(ctx)
			mustNoErr(t, err)
			if n != 0 || len(expiredEntries(t)) != 2 {
				t.Fatalf("re-run noted %d more", n)
			}
		})

		t.Run("OKLaterByConcurrentWorkers", func(t *testing.T) {
			// Several worker replicas run the job at the same moment: still one entry each.
			for i := range 6 {
				f.MustAPIToken(t, f.AdminActor, in(f.Account.ID, fmt.Sprintf("batch-%d", i), 2*time.Hour))
			}
			f.Clock.Advance(time.Hour)
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				ns    [5]int
				errs  [5]error
			)
			for i := range ns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					ns[i], errs[i] = f.Store.NoteExpiredAPITokens(ctx)
				}()
			}
			close(start)
			wg.Wait()
			total := 0
			for i := range ns {
				mustNoErr(t, errs[i])
				total += ns[i]
			}
			es := expiredEntries(t) // fails on duplicates
			if _, ok := es[a2.ID]; total != 7 || len(es) != 9 || !ok {
				t.Fatalf("workers noted %d in total (want 7); %d entries (want 9)", total, len(es))
			}
			if _, ok := es[revoked.ID]; ok {
				t.Fatal("a revoked token was noted as expired")
			}
		})
	})
}

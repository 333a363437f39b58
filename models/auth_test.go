package models_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestAuth_Setup(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustServices(t, db)
		valid := models.SetupInput{Email: "root@example.com", Name: "Rita Root", Password: testPassword, AccountName: "Acme"}

		// Nothing a refused setup does may leave a trace.
		wantUntouched := func(t *testing.T) {
			t.Helper()
			for _, table := range []string{"installation", "users", "accounts", "memberships", "environments", "audit_entries"} {
				if n := f.MustCount(t, table, ""); n != 0 {
					t.Fatalf("%s has %d rows after a refused setup", table, n)
				}
			}
			if req, err := f.Auth.SetupRequired(ctx); err != nil || !req {
				t.Fatalf("SetupRequired = %v, %v; want true", req, err)
			}
			if hints, _ := f.Pub.Hints(); len(hints) != 0 {
				t.Fatalf("hints published for a refused setup: %v", hints)
			}
		}

		for _, tc := range []struct {
			name  string
			edit  func(in *models.SetupInput)
			field string
		}{
			{"ErrEmailInvalid", func(in *models.SetupInput) { in.Email = "not-an-email" }, "email"},
			{"ErrEmailWithDisplayName", func(in *models.SetupInput) { in.Email = "Rita <root@example.com>" }, "email"},
			{"ErrNameRequired", func(in *models.SetupInput) { in.Name = "  " }, "name"},
			{"ErrPasswordTooShort", func(in *models.SetupInput) { in.Password = "123456789" }, "password"},
			{"ErrPasswordTooLong", func(in *models.SetupInput) { in.Password = strings.Repeat("a", 73) }, "password"},
			// 36 two-byte runes: few characters, but 72 bytes is the limit bcrypt reads.
			{"ErrPasswordTooLongMultibyte", func(in *models.SetupInput) { in.Password = strings.Repeat("é", 37) }, "password"},
			{"ErrAccountNameRequired", func(in *models.SetupInput) { in.AccountName = " \t " }, "accountName"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := valid
				tc.edit(&in)
				_, err := f.Auth.Setup(ctx, in)
				wantField(t, err, models.EINVALID, tc.field)
				wantUntouched(t)
			})
		}

		t.Run("OK", func(t *testing.T) {
			u, err := f.Auth.Setup(ctx, valid)
			mustNoErr(t, err)
			if !u.IsSystemAdmin || u.Email != valid.Email || u.Name != valid.Name {
				t.Fatalf("user = %+v, want a system administrator %s", u, valid.Email)
			}
			var stored models.User
			mustNoErr(t, db.Where("id = ?", u.ID).Take(&stored).Error)
			if stored.PasswordHash == testPassword || bcrypt.CompareHashAndPassword([]byte(stored.PasswordHash), []byte(testPassword)) != nil {
				t.Fatal("stored password hash is not a bcrypt hash of the password")
			}

			accs, err := f.Store.ListAccounts(ctx, actorOf(u))
			mustNoErr(t, err)
			if len(accs) != 1 || accs[0].Name != "Acme" || accs[0].Role != models.RoleOwner {
				t.Fatalf("accounts = %+v, want Acme (owner)", accs)
			}
			acc := accs[0]
			if n := f.MustCount(t, "memberships", "account_id = ? AND user_id = ? AND role = 'owner'", acc.ID, u.ID); n != 1 {
				t.Fatalf("owner memberships = %d, want 1", n)
			}
			envs, err := f.Store.ListEnvironments(ctx, actorOf(u), acc.ID)
			mustNoErr(t, err)
			if len(envs) != 1 || envs[0].Name != "production" {
				t.Fatalf("environments = %+v, want [production]", envs)
			}
			es := f.MustAudit(t, acc.ID, "account.created")
			if len(es) != 1 || es[0].ActorUserID == nil || *es[0].ActorUserID != u.ID || !strings.Contains(es[0].Summary, `"Acme"`) {
				t.Fatalf("audit = %+v, want one account.created by the new user naming the account", es)
			}
			hints, visible := f.Pub.Hints()
			if len(hints) != 1 || hints[0].Kind != models.HintAudit || hints[0].ID != es[0].ID || hints[0].AccountID != acc.ID || !visible[0] {
				t.Fatalf("hints = %+v (committed %v), want one for the audit entry", hints, visible)
			}
			if req, err := f.Auth.SetupRequired(ctx); err != nil || req {
				t.Fatalf("SetupRequired = %v, %v after setup; want false", req, err)
			}
		})

		t.Run("ErrAlreadySetUp", func(t *testing.T) {
			_, err := f.Auth.Setup(ctx, models.SetupInput{Email: "other@example.com", Name: "Other", Password: testPassword, AccountName: "Other"})
			wantCode(t, err, models.ECONFLICT)
			if n := f.MustCount(t, "users", ""); n != 1 {
				t.Fatalf("users = %d, want 1", n)
			}
			if n := f.MustCount(t, "accounts", ""); n != 1 {
				t.Fatalf("accounts = %d, want 1", n)
			}
		})
	})
}

// Setup requests that race must still create exactly one administrator.
func TestAuth_SetupConcurrent(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustServices(t, db)
		const n = 20
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make([]error, n)
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.Auth.Setup(ctx, models.SetupInput{
					Email: "root" + string(rune('a'+i)) + "@example.com", Name: "Root", Password: testPassword, AccountName: "Acme",
				})
			}()
		}
		close(start)
		wg.Wait()

		ok := 0
		for i, err := range errs {
			switch models.CodeOf(err) {
			case "":
				ok++
			case models.ECONFLICT:
			default:
				t.Errorf("setup %d: %v, want success or conflict", i, err)
			}
		}
		if ok != 1 {
			t.Errorf("%d setups succeeded, want exactly 1", ok)
		}
		for table, want := range map[string]int64{"users": 1, "accounts": 1, "memberships": 1, "environments": 1, "installation": 1, "audit_entries": 1} {
			if got := f.MustCount(t, table, ""); got != want {
				t.Errorf("%s has %d rows, want %d", table, got, want)
			}
		}
	})
}

func TestAuth_Login(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)

		t.Run("OK", func(t *testing.T) {
			u, err := f.Auth.Login(ctx, "admin@example.com", testPassword)
			mustNoErr(t, err)
			if u.ID != f.Admin.ID {
				t.Fatalf("logged in as %s, want %s", u.ID, f.Admin.ID)
			}
		})

		t.Run("OKEmailCaseInsensitive", func(t *testing.T) {
			u, err := f.Auth.Login(ctx, " Admin@Example.COM ", testPassword)
			mustNoErr(t, err)
			if u.ID != f.Admin.ID {
				t.Fatalf("logged in as %s, want %s", u.ID, f.Admin.ID)
			}
		})

		t.Run("ErrWrongPasswordLikeUnknownEmail", func(t *testing.T) {
			_, errWrong := f.Auth.Login(ctx, "admin@example.com", testPassword+"!")
			_, errUnknown := f.Auth.Login(ctx, "nobody@example.com", testPassword)
			_, errEmpty := f.Auth.Login(ctx, "admin@example.com", "")
			for _, err := range []error{errWrong, errUnknown, errEmpty} {
				wantCode(t, err, models.EUNAUTHORIZED)
			}
			if errWrong.Error() != errUnknown.Error() || errWrong.Error() != errEmpty.Error() {
				t.Fatalf("messages differ: %q / %q / %q", errWrong, errUnknown, errEmpty)
			}
		})
	})
}

// Every way a sign-in fails does the same bcrypt work as a wrong password for a known email:
// an unknown email is compared against a dummy hash of the same cost, and a password longer
// than bcrypt reads is compared before it is refused (it used to be refused at once, which told
// a known email from an unknown one by the answer's speed).
func TestAuth_LoginEqualWork(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		var (
			mu    sync.Mutex
			costs []int
		)
		f.Auth.SetPasswordComparer(func(hash, password []byte) error {
			cost, err := bcrypt.Cost(hash)
			mustNoErr(t, err)
			mu.Lock()
			costs = append(costs, cost)
			mu.Unlock()
			return bcrypt.CompareHashAndPassword(hash, password)
		})
		long := strings.Repeat("x", models.MaxPasswordLen+1)
		for _, c := range []struct{ name, email, password string }{
			{"WrongPassword", "admin@example.com", testPassword + "!"},
			{"UnknownEmail", "nobody@example.com", testPassword},
			{"KnownEmailLongPassword", "admin@example.com", long},
			{"UnknownEmailLongPassword", "nobody@example.com", long},
			{"KnownEmailPasswordPrefixedByRealOne", "admin@example.com", testPassword + long},
		} {
			t.Run(c.name, func(t *testing.T) {
				mu.Lock()
				costs = nil
				mu.Unlock()
				_, err := f.Auth.Login(ctx, c.email, c.password)
				wantCode(t, err, models.EUNAUTHORIZED)
				mu.Lock()
				defer mu.Unlock()
				if len(costs) != 1 || costs[0] != models.BcryptCost {
					t.Fatalf("bcrypt comparisons (by cost) = %v; want exactly one at cost %d", costs, models.BcryptCost)
				}
			})
		}
		t.Run("ChangePasswordLongCurrent", func(t *testing.T) {
			mu.Lock()
			costs = nil
			mu.Unlock()
			err := f.Auth.ChangePassword(ctx, &models.Actor{UserID: f.Admin.ID}, long, testPassword+"2")
			wantCode(t, err, models.EINVALID)
			mu.Lock()
			defer mu.Unlock()
			if len(costs) != 1 {
				t.Fatalf("bcrypt comparisons = %v; want one", costs)
			}
		})
	})
}

// The dummy hash an unknown email is compared against is built with the Auth, not by the first
// sign-in naming an unknown email (which then did twice the bcrypt work of any other answer).
// Not parallel: it empties the process's cache of dummy hashes and counts their generations.
func TestAuth_DummyHashBuiltUpFront(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		models.ForgetDummyHashes()
		f := MustInstalled(t, db)
		before := models.DummyHashGenerations()
		_, err := f.Auth.Login(context.Background(), "nobody-yet@example.com", testPassword)
		wantCode(t, err, models.EUNAUTHORIZED)
		if n := models.DummyHashGenerations() - before; n != 0 {
			t.Fatalf("the first unknown-email sign-in generated %d dummy hashes; want none (built by NewAuth)", n)
		}
	})
}

// An access token names its session; the session stands until it is signed out, the password
// changes or the user is removed (open websockets re-check it and close with 4401).
func TestAuth_SessionActive(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		actorOfSession := func(t *testing.T, s *models.Session) *models.Actor {
			t.Helper()
			a, err := f.Auth.ActorForAccessToken(ctx, s.AccessToken)
			mustNoErr(t, err)
			if a.SessionID == "" || !a.SessionExpiresAt.Equal(s.ExpiresAt.Truncate(time.Second)) {
				t.Fatalf("actor session %q expiring %v; want a session id and %v", a.SessionID, a.SessionExpiresAt, s.ExpiresAt)
			}
			return a
		}
		active := func(t *testing.T, a *models.Actor) bool {
			t.Helper()
			ok, err := f.Auth.SessionActive(ctx, a)
			mustNoErr(t, err)
			return ok
		}
		start := func(t *testing.T) *models.Session {
			t.Helper()
			s, err := f.Auth.StartSession(ctx, f.Admin)
			mustNoErr(t, err)
			return s
		}

		one, two := start(t), start(t)
		a1, a2 := actorOfSession(t, one), actorOfSession(t, two)
		if a1.SessionID == a2.SessionID || !active(t, a1) || !active(t, a2) {
			t.Fatal("two fresh sessions must be distinct and active")
		}
		// Refreshing keeps the session (the same family) and its older access tokens.
		refreshed, err := f.Auth.Refresh(ctx, one.RefreshToken)
		mustNoErr(t, err)
		if r := actorOfSession(t, refreshed); r.SessionID != a1.SessionID || !active(t, a1) {
			t.Fatal("a refresh must continue the session")
		}
		// Logout ends that session only.
		mustNoErr(t, f.Auth.Logout(ctx, refreshed.RefreshToken))
		if active(t, a1) || !active(t, a2) {
			t.Fatal("logout must end its own session and only that one")
		}
		// A password change ends every session of the user.
		mustNoErr(t, f.Auth.ChangePassword(ctx, f.AdminActor, testPassword, testPassword+"-new"))
		if active(t, a2) {
			t.Fatal("a password change must end every session")
		}
		// A session whose tokens are gone (the user removed, the tokens purged) does not stand.
		three := start(t)
		a3 := actorOfSession(t, three)
		mustNoErr(t, db.Exec("DELETE FROM refresh_tokens WHERE user_id = ?", f.Admin.ID).Error)
		if active(t, a3) {
			t.Fatal("a session without tokens must not stand")
		}
	})
}

// A 72-byte password is accepted; anything bcrypt would truncate to it is not the password.
func TestAuth_LoginPasswordAt72Bytes(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustServices(t, db)
		pw := strings.Repeat("p", models.MaxPasswordLen)
		_, err := f.Auth.Setup(ctx, models.SetupInput{Email: "root@example.com", Name: "Root", Password: pw, AccountName: "Acme"})
		mustNoErr(t, err)
		if _, err := f.Auth.Login(ctx, "root@example.com", pw); err != nil {
			t.Fatalf("login with the 72-byte password: %v", err)
		}
		_, err = f.Auth.Login(ctx, "root@example.com", pw+"extra")
		wantCode(t, err, models.EUNAUTHORIZED)
	})
}

func TestAuth_Sessions(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		start := func(t *testing.T) *models.Session {
			t.Helper()
			s, err := f.Auth.StartSession(ctx, f.Admin)
			mustNoErr(t, err)
			return s
		}
		wantRefused := func(t *testing.T, token string) {
			t.Helper()
			_, err := f.Auth.Refresh(ctx, token)
			wantCode(t, err, models.EUNAUTHORIZED)
		}

		t.Run("OKRefreshRotates", func(t *testing.T) {
			s := start(t)
			if s.RefreshToken == "" || s.AccessToken == "" {
				t.Fatalf("session = %+v", s)
			}
			if n := f.MustCount(t, "refresh_tokens", "token_hash = ?", s.RefreshToken); n != 0 {
				t.Fatal("refresh token stored in plain text")
			}
			s2, err := f.Auth.Refresh(ctx, s.RefreshToken)
			mustNoErr(t, err)
			if s2.RefreshToken == s.RefreshToken || s2.User.ID != f.Admin.ID {
				t.Fatalf("refresh did not rotate: %+v", s2)
			}
			a, err := f.Auth.ActorForAccessToken(ctx, s2.AccessToken)
			mustNoErr(t, err)
			if a.UserID != f.Admin.ID {
				t.Fatalf("refreshed access token is for %s", a.UserID)
			}
			s3, err := f.Auth.Refresh(ctx, s2.RefreshToken)
			mustNoErr(t, err)
			_ = s3
		})

		t.Run("ErrReuseRevokesFamily", func(t *testing.T) {
			s := start(t)
			other := start(t) // another sign-in of the same user
			s2, err := f.Auth.Refresh(ctx, s.RefreshToken)
			mustNoErr(t, err)
			s3, err := f.Auth.Refresh(ctx, s2.RefreshToken)
			mustNoErr(t, err)

			// s.RefreshToken was used: presenting it again means someone holds a copy.
			wantRefused(t, s.RefreshToken)
			// The newest link of the family stops working too...
			wantRefused(t, s3.RefreshToken)
			// ...but the user's other sign-in is a different family.
			if _, err := f.Auth.Refresh(ctx, other.RefreshToken); err != nil {
				t.Fatalf("other session: %v", err)
			}
		})

		t.Run("ErrExpired", func(t *testing.T) {
			s := start(t)
			f.Clock.Advance(models.RefreshTokenTTL - time.Second)
			s2, err := f.Auth.Refresh(ctx, s.RefreshToken)
			mustNoErr(t, err)
			f.Clock.Advance(models.RefreshTokenTTL)
			wantRefused(t, s2.RefreshToken)
		})

		t.Run("ErrUnknownOrEmpty", func(t *testing.T) {
			wantRefused(t, "")
			wantRefused(t, "not-a-token")
		})

		t.Run("OKLogoutRevokes", func(t *testing.T) {
			s := start(t)
			other := start(t)
			s2, err := f.Auth.Refresh(ctx, s.RefreshToken)
			mustNoErr(t, err)
			mustNoErr(t, f.Auth.Logout(ctx, s2.RefreshToken))
			wantRefused(t, s2.RefreshToken)
			if _, err := f.Auth.Refresh(ctx, other.RefreshToken); err != nil {
				t.Fatalf("logout signed out another session: %v", err)
			}
			mustNoErr(t, f.Auth.Logout(ctx, "unknown"))
			mustNoErr(t, f.Auth.Logout(ctx, ""))
		})
	})
}

func TestAuth_ChangePassword(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		const next = "a new and better password"

		s1, err := f.Auth.StartSession(ctx, f.Admin)
		mustNoErr(t, err)
		s2, err := f.Auth.StartSession(ctx, f.Admin)
		mustNoErr(t, err)

		t.Run("ErrCurrentPasswordWrong", func(t *testing.T) {
			err := f.Auth.ChangePassword(ctx, f.AdminActor, "wrong password!", next)
			wantField(t, err, models.EINVALID, "currentPassword")
			_, err = f.Auth.Login(ctx, "admin@example.com", testPassword)
			mustNoErr(t, err)
		})

		t.Run("ErrNewPasswordTooShort", func(t *testing.T) {
			err := f.Auth.ChangePassword(ctx, f.AdminActor, testPassword, "short")
			wantField(t, err, models.EINVALID, "newPassword")
		})

		t.Run("ErrNewPasswordTooLong", func(t *testing.T) {
			err := f.Auth.ChangePassword(ctx, f.AdminActor, testPassword, strings.Repeat("x", 73))
			wantField(t, err, models.EINVALID, "newPassword")
		})

		t.Run("ErrAPIToken", func(t *testing.T) {
			a := *f.AdminActor
			a.TokenID, a.TokenAccountID, a.TokenRole = "00000000-0000-7000-8000-000000000000", f.Account.ID, models.RoleOwner
			wantCode(t, f.Auth.ChangePassword(ctx, &a, testPassword, next), models.EFORBIDDEN)
		})

		t.Run("ErrUnauthenticated", func(t *testing.T) {
			wantCode(t, f.Auth.ChangePassword(ctx, nil, testPassword, next), models.EUNAUTHORIZED)
		})

		// Nothing above took effect.
		if _, err := f.Auth.Refresh(ctx, s1.RefreshToken); err != nil {
			t.Fatalf("a refused change signed out a session: %v", err)
		}

		t.Run("OK", func(t *testing.T) {
			mustNoErr(t, f.Auth.ChangePassword(ctx, f.AdminActor, testPassword, next))
			_, err := f.Auth.Login(ctx, "admin@example.com", testPassword)
			wantCode(t, err, models.EUNAUTHORIZED)
			_, err = f.Auth.Login(ctx, "admin@example.com", next)
			mustNoErr(t, err)
			_, err = f.Auth.Refresh(ctx, s2.RefreshToken)
			wantCode(t, err, models.EUNAUTHORIZED)
			if n := f.MustCount(t, "refresh_tokens", "user_id = ? AND revoked_at IS NULL", f.Admin.ID); n != 0 {
				t.Fatalf("%d refresh tokens still active", n)
			}
		})
	})
}

func TestAuth_ResetPassword(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		const next = "reset from the shell"
		other, _ := f.MustMember(t, f.Account.ID, "other@example.com", models.RoleMember)
		var otherUser models.User
		mustNoErr(t, db.Where("id = ?", other.UserID).Take(&otherUser).Error)

		s, err := f.Auth.StartSession(ctx, f.Admin)
		mustNoErr(t, err)
		so, err := f.Auth.StartSession(ctx, &otherUser)
		mustNoErr(t, err)

		t.Run("ErrNotFound", func(t *testing.T) {
			wantCode(t, f.Auth.ResetPassword(ctx, "nobody@example.com", next), models.ENOTFOUND)
		})
		t.Run("ErrPasswordTooShort", func(t *testing.T) {
			wantField(t, f.Auth.ResetPassword(ctx, "admin@example.com", "short"), models.EINVALID, "password")
			_, err := f.Auth.Login(ctx, "admin@example.com", testPassword)
			mustNoErr(t, err)
		})
		t.Run("ErrPasswordTooLong", func(t *testing.T) {
			wantField(t, f.Auth.ResetPassword(ctx, "admin@example.com", strings.Repeat("y", 80)), models.EINVALID, "password")
		})
		t.Run("OK", func(t *testing.T) {
			mustNoErr(t, f.Auth.ResetPassword(ctx, "ADMIN@example.com", next))
			_, err := f.Auth.Login(ctx, "admin@example.com", testPassword)
			wantCode(t, err, models.EUNAUTHORIZED)
			_, err = f.Auth.Login(ctx, "admin@example.com", next)
			mustNoErr(t, err)
			_, err = f.Auth.Refresh(ctx, s.RefreshToken)
			wantCode(t, err, models.EUNAUTHORIZED)
			// Only that user was signed out.
			_, err = f.Auth.Refresh(ctx, so.RefreshToken)
			mustNoErr(t, err)
		})
	})
}

func TestAuth_AccessToken(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	mustNoErr(t, err)

	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)

		// claims returns the claims of a token IssueAccessToken would make, for forging.
		claims := func() jwt.MapClaims {
			now := f.Clock.Now()
			return jwt.MapClaims{
				"iss": "switchboard", "sub": f.Admin.ID, "aud": []string{"switchboard-api"},
				"iat": now.Unix(), "nbf": now.Add(-5 * time.Second).Unix(), "exp": now.Add(models.AccessTokenTTL).Unix(),
				"jti": "x", "typ": "access",
			}
		}
		sign := func(t *testing.T, method jwt.SigningMethod, c jwt.MapClaims, key any) string {
			t.Helper()
			s, err := jwt.NewWithClaims(method, c).SignedString(key)
			mustNoErr(t, err)
			return s
		}
		wantRefused := func(t *testing.T, token string) {
			t.Helper()
			a, err := f.Auth.ActorForAccessToken(ctx, token)
			if err == nil {
				t.Fatalf("token accepted as %+v", a)
			}
			wantCode(t, err, models.EUNAUTHORIZED)
		}

		t.Run("OK", func(t *testing.T) {
			tok, exp, err := f.Auth.IssueAccessToken(f.Admin.ID)
			mustNoErr(t, err)
			if want := f.Clock.Now().Add(models.AccessTokenTTL); !exp.Equal(want) {
				t.Fatalf("expires at %v, want %v", exp, want)
			}
			a, err := f.Auth.ActorForAccessToken(ctx, tok)
			mustNoErr(t, err)
			if a.UserID != f.Admin.ID || a.UserName != f.Admin.Name || !a.IsSystemAdmin || a.TokenID != "" {
				t.Fatalf("actor = %+v", a)
			}
		})

		t.Run("OKForgedWithOurKey", func(t *testing.T) {
			// Guards the cases below: the forging helper makes acceptable tokens, so each
			// refusal is due to the one thing changed.
			if _, err := f.Auth.ActorForAccessToken(ctx, sign(t, jwt.SigningMethodHS256, claims(), f.Key)); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("ErrExpired", func(t *testing.T) {
			tok, _, err := f.Auth.IssueAccessToken(f.Admin.ID)
			mustNoErr(t, err)
			f.Clock.Advance(models.AccessTokenTTL + 10*time.Second)
			defer f.Clock.Advance(-(models.AccessTokenTTL + 10*time.Second))
			wantRefused(t, tok)
		})

		for name, edit := range map[string]func(c jwt.MapClaims){
			"ErrWrongAudience":   func(c jwt.MapClaims) { c["aud"] = []string{"someone-else"} },
			"ErrWrongIssuer":     func(c jwt.MapClaims) { c["iss"] = "evil" },
			"ErrRefreshTyp":      func(c jwt.MapClaims) { c["typ"] = "refresh" },
			"ErrNoTyp":           func(c jwt.MapClaims) { delete(c, "typ") },
			"ErrNoExpiry":        func(c jwt.MapClaims) { delete(c, "exp") },
			"ErrNotYetValid":     func(c jwt.MapClaims) { c["nbf"] = f.Clock.Now().Add(time.Hour).Unix() },
			"ErrSubjectNotAUUID": func(c jwt.MapClaims) { c["sub"] = "admin" },
			"ErrUnknownSubject":  func(c jwt.MapClaims) { c["sub"] = "00000000-0000-7000-8000-000000000000" },
		} {
			t.Run(name, func(t *testing.T) {
				c := claims()
				edit(c)
				wantRefused(t, sign(t, jwt.SigningMethodHS256, c, f.Key))
			})
		}

		t.Run("ErrOtherKey", func(t *testing.T) {
			wantRefused(t, sign(t, jwt.SigningMethodHS256, claims(), []byte("another key that is 32 bytes long!!")))
		})

		t.Run("ErrAlgNone", func(t *testing.T) {
			wantRefused(t, sign(t, jwt.SigningMethodNone, claims(), jwt.UnsafeAllowNoneSignatureType))
		})

		t.Run("ErrHS512", func(t *testing.T) {
			wantRefused(t, sign(t, jwt.SigningMethodHS512, claims(), f.Key))
		})

		t.Run("ErrRS256", func(t *testing.T) {
			wantRefused(t, sign(t, jwt.SigningMethodRS256, claims(), rsaKey))
		})

		t.Run("ErrRS256HeaderHMACSignature", func(t *testing.T) {
			// Algorithm confusion: the header claims RS256, the signature is HMAC with our key.
			tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims())
			signingString, err := tok.SigningString()
			mustNoErr(t, err)
			sig, err := jwt.SigningMethodHS256.Sign(signingString, f.Key)
			mustNoErr(t, err)
			wantRefused(t, signingString+"."+tok.EncodeSegment(sig))
		})

		t.Run("ErrGarbage", func(t *testing.T) {
			wantRefused(t, "")
			wantRefused(t, "a.b.c")
		})

		t.Run("ErrDeletedUser", func(t *testing.T) {
			other, _ := f.MustMember(t, f.Account.ID, "leaver@example.com", models.RoleMember)
			tok, _, err := f.Auth.IssueAccessToken(other.UserID)
			mustNoErr(t, err)
			if _, err := f.Auth.ActorForAccessToken(ctx, tok); err != nil {
				t.Fatalf("before deletion: %v", err)
			}
			mustNoErr(t, db.Exec("DELETE FROM users WHERE id = ?", other.UserID).Error)
			wantRefused(t, tok)
		})
	})
}

func TestAuth_CreateUser(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustServices(t, db)

		t.Run("OKFirstUserCompletesSetup", func(t *testing.T) {
			u, err := f.Auth.CreateUser(ctx, "first@example.com", "First", testPassword, false)
			mustNoErr(t, err)
			if !u.IsSystemAdmin {
				t.Fatal("the first user is not a system administrator")
			}
			if req, err := f.Auth.SetupRequired(ctx); err != nil || req {
				t.Fatalf("SetupRequired = %v, %v", req, err)
			}
			accs, err := f.Store.ListAccounts(ctx, actorOf(u))
			mustNoErr(t, err)
			if len(accs) != 1 || accs[0].Role != models.RoleOwner {
				t.Fatalf("accounts = %+v", accs)
			}
		})

		t.Run("OKLaterUser", func(t *testing.T) {
			u, err := f.Auth.CreateUser(ctx, "second@example.com", "Second", testPassword, false)
			mustNoErr(t, err)
			if u.IsSystemAdmin {
				t.Fatal("second user became a system administrator")
			}
			accs, err := f.Store.ListAccounts(ctx, actorOf(u))
			mustNoErr(t, err)
			if len(accs) != 0 {
				t.Fatalf("new user sees accounts %+v", accs)
			}
		})

		t.Run("ErrDuplicateEmail", func(t *testing.T) {
			_, err := f.Auth.CreateUser(ctx, "Second@Example.com", "Again", testPassword, false)
			wantField(t, err, models.ECONFLICT, "email")
		})

		t.Run("ErrPasswordTooShort", func(t *testing.T) {
			_, err := f.Auth.CreateUser(ctx, "third@example.com", "Third", "short", false)
			wantField(t, err, models.EINVALID, "password")
		})
	})
}

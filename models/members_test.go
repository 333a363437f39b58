package models_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestRoles(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		acc := f.Account.ID
		viewer, _ := f.MustMember(t, acc, "viewer@example.com", models.RoleViewer)
		member, memberM := f.MustMember(t, acc, "member@example.com", models.RoleMember)
		admin, adminM := f.MustMember(t, acc, "admin2@example.com", models.RoleAdmin)
		owner, ownerM := f.MustMember(t, acc, "owner@example.com", models.RoleOwner)

		for _, tc := range []struct {
			name  string
			actor *models.Actor
		}{{"Viewer", viewer}, {"Member", member}} {
			t.Run("Err"+tc.name+"Forbidden", func(t *testing.T) {
				before := f.MustCount(t, "audit_entries", "")
				_, err := f.Store.CreateEnvironment(ctx, tc.actor, acc, models.EnvironmentInput{Name: ptr("nope")})
				wantCode(t, err, models.EFORBIDDEN)
				_, err = f.Store.AddMember(ctx, tc.actor, models.AddMemberInput{AccountID: acc, Email: "new@example.com", Role: models.RoleViewer, Name: ptr("New"), Password: ptr(testPassword)})
				wantCode(t, err, models.EFORBIDDEN)
				_, err = f.Store.ListAPITokens(ctx, tc.actor, acc)
				wantCode(t, err, models.EFORBIDDEN)
				_, _, err = f.Store.CreateAPIToken(ctx, tc.actor, models.CreateAPITokenInput{AccountID: acc, Name: "nope", Role: models.RoleViewer})
				wantCode(t, err, models.EFORBIDDEN)
				_, err = f.Store.ListAudit(ctx, tc.actor, acc, models.AuditQuery{}, 10, "")
				wantCode(t, err, models.EFORBIDDEN)
				_, err = f.Store.UpdateAccount(ctx, tc.actor, acc, "Renamed")
				wantCode(t, err, models.EFORBIDDEN)
				_, err = f.Store.UpdateMemberRole(ctx, tc.actor, adminM.ID, models.RoleViewer)
				wantCode(t, err, models.EFORBIDDEN)

				if n := f.MustCount(t, "environments", "name = 'nope'"); n != 0 {
					t.Fatal("environment created")
				}
				if n := f.MustCount(t, "users", "email = 'new@example.com'"); n != 0 {
					t.Fatal("user created")
				}
				if n := f.MustCount(t, "audit_entries", ""); n != before {
					t.Fatal("audit entries written for refused calls")
				}

				// What they may do: read.
				_, err = f.Store.ListEnvironments(ctx, tc.actor, acc)
				mustNoErr(t, err)
				ms, err := f.Store.ListMembers(ctx, tc.actor, acc)
				mustNoErr(t, err)
				if len(ms) != 5 {
					t.Fatalf("members = %d, want 5", len(ms))
				}
			})
		}

		t.Run("OKAdmin", func(t *testing.T) {
			env := f.MustEnvironment(t, admin, acc, "by-admin")
			_, err := f.Store.AddMember(ctx, admin, models.AddMemberInput{AccountID: acc, Email: "new@example.com", Role: models.RoleMember, Name: ptr("New"), Password: ptr(testPassword)})
			mustNoErr(t, err)
			_, err = f.Store.ListAPITokens(ctx, admin, acc)
			mustNoErr(t, err)
			_, err = f.Store.ListAudit(ctx, admin, acc, models.AuditQuery{}, 10, "")
			mustNoErr(t, err)
			_, err = f.Store.UpdateMemberRole(ctx, admin, memberM.ID, models.RoleViewer)
			mustNoErr(t, err)
			_, err = f.Store.UpdateMemberRole(ctx, admin, memberM.ID, models.RoleMember)
			mustNoErr(t, err)
			mustNoErr(t, f.Store.DeleteEnvironment(ctx, admin, env.ID))
		})

		t.Run("ErrAdminCannotGrantOwner", func(t *testing.T) {
			_, err := f.Store.AddMember(ctx, admin, models.AddMemberInput{AccountID: acc, Email: "boss@example.com", Role: models.RoleOwner, Name: ptr("Boss"), Password: ptr(testPassword)})
			wantField(t, err, models.EFORBIDDEN, "role")
			_, err = f.Store.UpdateMemberRole(ctx, admin, memberM.ID, models.RoleOwner)
			wantField(t, err, models.EFORBIDDEN, "role")
			_, err = f.Store.UpdateMemberRole(ctx, admin, adminM.ID, models.RoleOwner)
			wantField(t, err, models.EFORBIDDEN, "role")
			if n := f.MustCount(t, "memberships", "account_id = ? AND role = 'owner'", acc); n != 2 {
				t.Fatalf("owners = %d, want 2", n)
			}
		})

		t.Run("ErrAdminCannotRemoveOwner", func(t *testing.T) {
			_, err := f.Store.UpdateMemberRole(ctx, admin, ownerM.ID, models.RoleAdmin)
			wantField(t, err, models.EFORBIDDEN, "role")
			wantCode(t, f.Store.RemoveMember(ctx, admin, ownerM.ID), models.EFORBIDDEN)
			if n := f.MustCount(t, "memberships", "id = ? AND role = 'owner'", ownerM.ID); n != 1 {
				t.Fatal("owner demoted or removed by an admin")
			}
		})

		t.Run("OKOwnerGrantsAndTakesOwner", func(t *testing.T) {
			m, err := f.Store.UpdateMemberRole(ctx, owner, adminM.ID, models.RoleOwner)
			mustNoErr(t, err)
			if m.Role != models.RoleOwner {
				t.Fatalf("role = %s", m.Role)
			}
			_, err = f.Store.UpdateMemberRole(ctx, owner, adminM.ID, models.RoleAdmin)
			mustNoErr(t, err)
			es := f.MustAudit(t, acc, "member.role_changed")
			if last := es[len(es)-1]; !strings.Contains(last.Summary, "admin2@example.com from owner to admin") {
				t.Fatalf("summary = %q", last.Summary)
			}
		})

		t.Run("ErrInvalidRole", func(t *testing.T) {
			_, err := f.Store.UpdateMemberRole(ctx, owner, memberM.ID, "superuser")
			wantField(t, err, models.EINVALID, "role")
			_, err = f.Store.AddMember(ctx, owner, models.AddMemberInput{AccountID: acc, Email: "x@example.com", Role: "superuser"})
			wantField(t, err, models.EINVALID, "role")
		})

		t.Run("ErrAlreadyMember", func(t *testing.T) {
			_, err := f.Store.AddMember(ctx, owner, models.AddMemberInput{AccountID: acc, Email: "MEMBER@example.com", Role: models.RoleViewer})
			wantCode(t, err, models.ECONFLICT)
		})

		t.Run("ErrNewUserNeedsNameAndPassword", func(t *testing.T) {
			_, err := f.Store.AddMember(ctx, owner, models.AddMemberInput{AccountID: acc, Email: "ghost@example.com", Role: models.RoleViewer})
			wantField(t, err, models.EINVALID, "email")
			_, err = f.Store.AddMember(ctx, owner, models.AddMemberInput{AccountID: acc, Email: "ghost@example.com", Role: models.RoleViewer, Name: ptr("Ghost"), Password: ptr("short")})
			wantField(t, err, models.EINVALID, "password")
			if n := f.MustCount(t, "users", "email = 'ghost@example.com'"); n != 0 {
				t.Fatal("user created")
			}
		})

		t.Run("OKMemberLeaves", func(t *testing.T) {
			leaver, leaverM := f.MustMember(t, acc, "leaver@example.com", models.RoleViewer)
			mustNoErr(t, f.Store.RemoveMember(ctx, leaver, leaverM.ID))
			_, err := f.Store.ListEnvironments(ctx, leaver, acc)
			wantCode(t, err, models.ENOTFOUND)
		})

		// Down to the last owner.
		t.Run("ErrLastOwner", func(t *testing.T) {
			ms, err := f.Store.ListMembers(ctx, owner, acc)
			mustNoErr(t, err)
			var setupOwner *models.Membership
			for i := range ms {
				if ms[i].UserID == f.Admin.ID {
					setupOwner = &ms[i]
				}
			}
			mustNoErr(t, f.Store.RemoveMember(ctx, owner, setupOwner.ID))
			if n := f.MustCount(t, "memberships", "account_id = ? AND role = 'owner'", acc); n != 1 {
				t.Fatalf("owners = %d, want 1", n)
			}

			_, err = f.Store.UpdateMemberRole(ctx, owner, ownerM.ID, models.RoleAdmin)
			wantField(t, err, models.ECONFLICT, "role")
			wantCode(t, f.Store.RemoveMember(ctx, owner, ownerM.ID), models.ECONFLICT)
			// Not even a system administrator can leave the account ownerless.
			_, err = f.Store.UpdateMemberRole(ctx, f.AdminActor, ownerM.ID, models.RoleViewer)
			wantCode(t, err, models.ECONFLICT)
			wantCode(t, f.Store.RemoveMember(ctx, f.AdminActor, ownerM.ID), models.ECONFLICT)
			if n := f.MustCount(t, "memberships", "id = ? AND role = 'owner'", ownerM.ID); n != 1 {
				t.Fatal("last owner demoted or removed")
			}
		})
	})
}

// Two owners demoting each other at once must not leave the account without an owner.
func TestRoles_ConcurrentOwnerDemotion(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		acc := f.MustAccount(t, "Contested")
		// The system administrator created the account and owns it; step them down so the two
		// owners below are the only ones.
		o1, m1 := f.MustMember(t, acc.ID, "one@example.com", models.RoleOwner)
		o2, m2 := f.MustMember(t, acc.ID, "two@example.com", models.RoleOwner)
		ms, err := f.Store.ListMembers(ctx, o1, acc.ID)
		mustNoErr(t, err)
		for _, m := range ms {
			if m.UserID == f.Admin.ID {
				mustNoErr(t, f.Store.RemoveMember(ctx, f.AdminActor, m.ID))
			}
		}

		for round := range 6 {
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				errs  [2]error
			)
			for i, c := range []struct {
				actor *models.Actor
				m     *models.Membership
			}{{o1, m2}, {o2, m1}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = f.Store.UpdateMemberRole(ctx, c.actor, c.m.ID, models.RoleAdmin)
				}()
			}
			close(start)
			wg.Wait()

			owners := f.MustCount(t, "memberships", "account_id = ? AND role = 'owner'", acc.ID)
			if owners != 1 {
				t.Fatalf("round %d: %d owners left (errors %v, %v), want 1", round, owners, errs[0], errs[1])
			}
			ok := 0
			for _, err := range errs {
				switch models.CodeOf(err) {
				case "":
					ok++
				case models.ECONFLICT, models.EFORBIDDEN:
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d demotions succeeded, want 1", round, ok)
			}
			// Restore both owners for the next round.
			demoted := m2
			if n := f.MustCount(t, "memberships", "id = ? AND role = 'owner'", m2.ID); n == 1 {
				demoted = m1
			}
			_, err := f.Store.UpdateMemberRole(ctx, f.AdminActor, demoted.ID, models.RoleOwner)
			mustNoErr(t, err)
		}
	})
}

// tenant is an account with one of everything, and a snapshot of it.
type tenant struct {
	Account *models.Account
	Owner   *models.Actor
	Env     *models.Environment
	Member  *models.Membership
	Token   *models.APIToken
	Audit   *models.AuditEntry
}

func (f *fixture) MustTenant(tb testing.TB, name, ownerEmail string) *tenant {
	tb.Helper()
	acc := f.MustAccount(tb, name)
	owner, _ := f.MustMember(tb, acc.ID, ownerEmail, models.RoleOwner)
	env := f.MustEnvironment(tb, owner, acc.ID, "staging")
	_, m := f.MustMember(tb, acc.ID, "colleague-of-"+ownerEmail, models.RoleMember)
	tok, _ := f.MustAPIToken(tb, owner, models.CreateAPITokenInput{AccountID: acc.ID, Name: "ci", Role: models.RoleMember})
	es := f.MustAudit(tb, acc.ID, "environment.created")
	return &tenant{Account: acc, Owner: owner, Env: env, Member: m, Token: tok, Audit: &es[0]}
}

// snapshot renders every row of the account, for before/after comparisons.
func (f *fixture) snapshot(tb testing.TB, accountID string) string {
	tb.Helper()
	var b strings.Builder
	for _, table := range []string{"accounts", "environments", "memberships", "api_tokens", "audit_entries"} {
		col := "account_id"
		if table == "accounts" {
			col = "id"
		}
		var rows []map[string]any
		if err := f.DB.Raw("SELECT * FROM "+table+" WHERE "+col+" = ?", accountID).Scan(&rows).Error; err != nil {
			tb.Fatal(err)
		}
		var lines []string
		for _, r := range rows {
			keys := make([]string, 0, len(r))
			for k := range r {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var l strings.Builder
			for _, k := range keys {
				l.WriteString(k + "=" + stringify(r[k]) + ";")
			}
			lines = append(lines, l.String())
		}
		sort.Strings(lines)
		b.WriteString(table + ":\n" + strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

func stringify(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case nil:
		return "NULL"
	default:
		return strings.TrimSpace(strings.ReplaceAll(fmt.Sprint(v), "\n", " "))
	}
}

func TestTenancy(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		a := f.MustTenant(t, "Alpha", "alice@example.com")
		b := f.MustTenant(t, "Beta", "bob@example.com")

		// Carol belongs to both accounts; her Alpha token must still not reach Beta.
		carol, _ := f.MustMember(t, a.Account.ID, "carol@example.com", models.RoleOwner)
		f.MustMember(t, b.Account.ID, "carol@example.com", models.RoleOwner)
		_, carolSecret := f.MustAPIToken(t, carol, models.CreateAPITokenInput{AccountID: a.Account.ID, Name: "carol-alpha", Role: models.RoleOwner})
		carolToken, err := f.Auth.ActorForAPIToken(ctx, carolSecret)
		mustNoErr(t, err)

		// Every call that names one of Beta's objects.
		calls := map[string]func(actor *models.Actor) error{
			"GetAccount": func(x *models.Actor) error { _, _, err := f.Store.GetAccount(ctx, x, b.Account.ID); return err },
			"UpdateAccount": func(x *models.Actor) error {
				_, err := f.Store.UpdateAccount(ctx, x, b.Account.ID, "Pwned")
				return err
			},
			"Require": func(x *models.Actor) error {
				_, err := f.Store.Require(ctx, x, b.Account.ID, models.RoleViewer)
				return err
			},
			"ListEnvironments": func(x *models.Actor) error {
				_, err := f.Store.ListEnvironments(ctx, x, b.Account.ID)
				return err
			},
			"CreateEnvironment": func(x *models.Actor) error {
				_, err := f.Store.CreateEnvironment(ctx, x, b.Account.ID, models.EnvironmentInput{Name: ptr("pwned")})
				return err
			},
			"GetEnvironment": func(x *models.Actor) error { _, err := f.Store.GetEnvironment(ctx, x, b.Env.ID); return err },
			"UpdateEnvironment": func(x *models.Actor) error {
				_, err := f.Store.UpdateEnvironment(ctx, x, b.Env.ID, models.EnvironmentInput{Name: ptr("pwned")})
				return err
			},
			"DeleteEnvironment": func(x *models.Actor) error { return f.Store.DeleteEnvironment(ctx, x, b.Env.ID) },
			"ListMembers":       func(x *models.Actor) error { _, err := f.Store.ListMembers(ctx, x, b.Account.ID); return err },
			"AddMember": func(x *models.Actor) error {
				_, err := f.Store.AddMember(ctx, x, models.AddMemberInput{AccountID: b.Account.ID, Email: "alice@example.com", Role: models.RoleOwner})
				return err
			},
			"UpdateMemberRole": func(x *models.Actor) error {
				_, err := f.Store.UpdateMemberRole(ctx, x, b.Member.ID, models.RoleViewer)
				return err
			},
			"RemoveMember":  func(x *models.Actor) error { return f.Store.RemoveMember(ctx, x, b.Member.ID) },
			"ListAPITokens": func(x *models.Actor) error { _, err := f.Store.ListAPITokens(ctx, x, b.Account.ID); return err },
			"CreateAPIToken": func(x *models.Actor) error {
				_, _, err := f.Store.CreateAPIToken(ctx, x, models.CreateAPITokenInput{AccountID: b.Account.ID, Name: "pwned", Role: models.RoleViewer})
				return err
			},
			"RevokeAPIToken": func(x *models.Actor) error { _, err := f.Store.RevokeAPIToken(ctx, x, b.Token.ID); return err },
			"ListAudit": func(x *models.Actor) error {
				_, err := f.Store.ListAudit(ctx, x, b.Account.ID, models.AuditQuery{}, 10, "")
				return err
			},
			"GetAuditEntry": func(x *models.Actor) error { _, err := f.Store.GetAuditEntry(ctx, x, b.Audit.ID); return err },
		}

		for _, who := range []struct {
			name  string
			actor *models.Actor
		}{{"OwnerOfA", a.Owner}, {"TokenOfAWhoseCreatorIsInB", carolToken}} {
			t.Run("ErrNotFoundFor"+who.name, func(t *testing.T) {
				before := f.snapshot(t, b.Account.ID)
				f.Pub.Reset()
				for name, call := range calls {
					if err := call(who.actor); models.CodeOf(err) != models.ENOTFOUND {
						t.Errorf("%s: %v, want %s", name, err, models.ENOTFOUND)
					}
				}
				if after := f.snapshot(t, b.Account.ID); after != before {
					t.Errorf("account B changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
				if hints, _ := f.Pub.Hints(); len(hints) != 0 {
					t.Errorf("hints published: %v", hints)
				}
			})
		}

		t.Run("ErrIndistinguishableFromMissing", func(t *testing.T) {
			// Naming another tenant's object must read exactly like naming no object at all,
			// or the error tells an outsider which ids exist.
			const missing = "00000000-0000-7000-8000-000000000000"
			byID := map[string]struct {
				call func(id string) error
				id   string
			}{
				"GetAccount":        {func(id string) error { _, _, err := f.Store.GetAccount(ctx, a.Owner, id); return err }, b.Account.ID},
				"ListEnvironments":  {func(id string) error { _, err := f.Store.ListEnvironments(ctx, a.Owner, id); return err }, b.Account.ID},
				"GetEnvironment":    {func(id string) error { _, err := f.Store.GetEnvironment(ctx, a.Owner, id); return err }, b.Env.ID},
				"DeleteEnvironment": {func(id string) error { return f.Store.DeleteEnvironment(ctx, a.Owner, id) }, b.Env.ID},
				"UpdateMemberRole": {func(id string) error {
					_, err := f.Store.UpdateMemberRole(ctx, a.Owner, id, models.RoleViewer)
					return err
				}, b.Member.ID},
				"RemoveMember":   {func(id string) error { return f.Store.RemoveMember(ctx, a.Owner, id) }, b.Member.ID},
				"RevokeAPIToken": {func(id string) error { _, err := f.Store.RevokeAPIToken(ctx, a.Owner, id); return err }, b.Token.ID},
				"GetAuditEntry":  {func(id string) error { _, err := f.Store.GetAuditEntry(ctx, a.Owner, id); return err }, b.Audit.ID},
			}
			for name, c := range byID {
				errB, errMissing := c.call(c.id), c.call(missing)
				if models.CodeOf(errB) != models.ENOTFOUND || models.CodeOf(errMissing) != models.ENOTFOUND {
					t.Errorf("%s: %v / %v, want %s", name, errB, errMissing, models.ENOTFOUND)
					continue
				}
				if errB.Error() != errMissing.Error() {
					t.Errorf("%s: another tenant's object gives %q, a missing one %q", name, errB, errMissing)
				}
			}
		})

		t.Run("OKCallsReachOwnAccount", func(t *testing.T) {
			// Guards the test above: the same calls on Carol's session in B do not fail with
			// ENOTFOUND, so the refusals are about tenancy.
			carolSession := &models.Actor{UserID: carol.UserID, UserName: carol.UserName}
			for _, name := range []string{"GetAccount", "Require", "ListEnvironments", "GetEnvironment", "ListMembers", "ListAPITokens", "ListAudit", "GetAuditEntry"} {
				if err := calls[name](carolSession); err != nil {
					t.Errorf("%s as a member of B: %v", name, err)
				}
			}
		})

		t.Run("ErrNotFoundForMalformedIDs", func(t *testing.T) {
			for _, id := range []string{"", "nope", "'; DROP TABLE accounts; --", "00000000-0000-7000-8000-000000000000"} {
				_, _, err := f.Store.GetAccount(ctx, a.Owner, id)
				wantCode(t, err, models.ENOTFOUND)
				_, err = f.Store.GetEnvironment(ctx, a.Owner, id)
				wantCode(t, err, models.ENOTFOUND)
				_, err = f.Store.UpdateMemberRole(ctx, a.Owner, id, models.RoleViewer)
				wantCode(t, err, models.ENOTFOUND)
				_, err = f.Store.RevokeAPIToken(ctx, a.Owner, id)
				wantCode(t, err, models.ENOTFOUND)
				_, err = f.Store.GetAuditEntry(ctx, a.Owner, id)
				wantCode(t, err, models.ENOTFOUND)
			}
		})

		t.Run("ErrUnauthenticated", func(t *testing.T) {
			_, err := f.Store.ListEnvironments(ctx, nil, a.Account.ID)
			wantCode(t, err, models.EUNAUTHORIZED)
			_, err = f.Store.ListAccounts(ctx, nil)
			wantCode(t, err, models.EUNAUTHORIZED)
		})

		t.Run("OKListAccounts", func(t *testing.T) {
			names := func(t *testing.T, x *models.Actor) []string {
				t.Helper()
				accs, err := f.Store.ListAccounts(ctx, x)
				mustNoErr(t, err)
				var out []string
				for _, acc := range accs {
					out = append(out, acc.Name+":"+string(acc.Role))
				}
				return out
			}
			for _, tc := range []struct {
				name  string
				actor *models.Actor
				want  string
			}{
				{"Alice", a.Owner, "Alpha:owner"},
				{"Bob", b.Owner, "Beta:owner"},
				{"Carol", carol, "Alpha:owner,Beta:owner"},
				{"CarolToken", carolToken, "Alpha:owner"},
				{"SystemAdmin", f.AdminActor, "Acme:owner,Alpha:owner,Beta:owner"},
			} {
				if got := strings.Join(names(t, tc.actor), ","); got != tc.want {
					t.Errorf("%s sees %s, want %s", tc.name, got, tc.want)
				}
			}
		})

		t.Run("OKMembershipsVisibleTo", func(t *testing.T) {
			accounts := func(t *testing.T, x *models.Actor, userID string) string {
				t.Helper()
				ms, err := f.Store.MembershipsVisibleTo(ctx, x, userID)
				mustNoErr(t, err)
				var out []string
				for _, m := range ms {
					switch m.AccountID {
					case a.Account.ID:
						out = append(out, "A")
					case b.Account.ID:
						out = append(out, "B")
					default:
						out = append(out, m.AccountID)
					}
				}
				sort.Strings(out)
				return strings.Join(out, ",")
			}
			for _, tc := range []struct {
				name  string
				actor *models.Actor
				user  string
				want  string
			}{
				{"AliceSeesCarolOnlyInA", a.Owner, carol.UserID, "A"},
				{"BobSeesCarolOnlyInB", b.Owner, carol.UserID, "B"},
				{"AliceSeesNothingOfBob", a.Owner, b.Owner.UserID, ""},
				{"CarolSeesHerself", carol, carol.UserID, "A,B"},
				{"CarolsTokenSeesOnlyA", carolToken, carol.UserID, "A"},
				{"SystemAdminSeesAll", f.AdminActor, carol.UserID, "A,B"},
			} {
				if got := accounts(t, tc.actor, tc.user); got != tc.want {
					t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
				}
			}
		})

		t.Run("OKCarolTokenStillWorksInA", func(t *testing.T) {
			role, err := f.Store.Require(ctx, carolToken, a.Account.ID, models.RoleOwner)
			mustNoErr(t, err)
			if role != models.RoleOwner {
				t.Fatalf("role = %s", role)
			}
		})
	})
}

type pauseKey struct{}

// pauser stops the first query on memberships made with its context until release is
// closed, and closes paused when it stops there. It lets a test change the data between a
// service's read and its transaction, deterministically.
type pauser struct {
	once            sync.Once
	paused, release chan struct{}
}

func mustPauseHook(tb testing.TB, db *models.DB) {
	tb.Helper()
	err := db.Callback().Query().After("gorm:query").Register("test:pause", func(g *gorm.DB) {
		p, ok := g.Statement.Context.Value(pauseKey{}).(*pauser)
		if !ok || g.Statement.Table != "memberships" {
			return
		}
		p.once.Do(func() {
			close(p.paused)
			<-p.release
		})
	})
	mustNoErr(tb, err)
}

// An admin's change to a member who became the only owner meanwhile must not go through on
// the member's old role: that would leave the account without an owner.
func TestRoles_RoleChangedMeanwhile(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		mustPauseHook(t, db)

		for _, op := range []struct {
			name string
			do   func(ctx context.Context, a *models.Actor, m *models.Membership) error
		}{
			{"ErrDemote", func(ctx context.Context, a *models.Actor, m *models.Membership) error {
				_, err := f.Store.UpdateMemberRole(ctx, a, m.ID, models.RoleViewer)
				return err
			}},
			{"ErrRemove", func(ctx context.Context, a *models.Actor, m *models.Membership) error {
				return f.Store.RemoveMember(ctx, a, m.ID)
			}},
		} {
			t.Run(op.name, func(t *testing.T) {
				acc := f.MustAccount(t, "Handover "+op.name)
				x, xM := f.MustMember(t, acc.ID, op.name+"-x@example.com", models.RoleOwner)
				_, zM := f.MustMember(t, acc.ID, op.name+"-z@example.com", models.RoleAdmin)
				ms, err := f.Store.ListMembers(ctx, x, acc.ID)
				mustNoErr(t, err)
				for _, m := range ms {
					if m.UserID == f.Admin.ID {
						mustNoErr(t, f.Store.RemoveMember(ctx, f.AdminActor, m.ID))
					}
				}

				p := &pauser{paused: make(chan struct{}), release: make(chan struct{})}
				done := make(chan error, 1)
				go func() { done <- op.do(context.WithValue(ctx, pauseKey{}, p), x, zM) }() // reads z as admin, then waits
				<-p.paused
				// Meanwhile x hands the account over to z and steps down to admin.
				_, err = f.Store.UpdateMemberRole(ctx, x, zM.ID, models.RoleOwner)
				mustNoErr(t, err)
				_, err = f.Store.UpdateMemberRole(ctx, x, xM.ID, models.RoleAdmin)
				mustNoErr(t, err)
				close(p.release)
				err = <-done

				if n := f.MustCount(t, "memberships", "account_id = ? AND role = 'owner'", acc.ID); n != 1 {
					t.Fatalf("%d owners left (the change returned %v), want 1", n, err)
				}
				if c := models.CodeOf(err); c != models.ECONFLICT && c != models.EFORBIDDEN {
					t.Fatalf("change on a stale role: %v, want conflict or forbidden", err)
				}
			})
		}
	})
}

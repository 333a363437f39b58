package models_test

import (
	"context"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestVariables(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		env := f.MustEnvironment(t, f.AdminActor, acc, "prod")
		farm := f.MustFarm(t, env.ID, "Web")
		role, server := f.MustServer(t, farm.ID, "app", "app-1")
		_, otherServer := f.MustServer(t, farm.ID, "worker", "worker-1")
		f.MustCustomEvent(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: acc}, "VarProbe")

		scopes := []models.ScopeKey{
			{Scope: models.ScopeSystem},
			{Scope: models.ScopeAccount, ID: acc},
			{Scope: models.ScopeEnvironment, ID: env.ID},
			{Scope: models.ScopeFarm, ID: farm.ID},
			{Scope: models.ScopeFarmRole, ID: role.ID},
			{Scope: models.ScopeServer, ID: server.ID},
		}
		set := func(t *testing.T, a *models.Actor, scope models.ScopeKey, name, value string, hidden, locked bool) (*models.GlobalVariable, error) {
			t.Helper()
			return f.Store.SetVariable(ctx, a, models.VariableInput{Scope: scope, Name: name, Value: value, Hidden: hidden, Locked: locked})
		}
		mustSet := func(t *testing.T, scope models.ScopeKey, name, value string, hidden, locked bool) *models.GlobalVariable {
			t.Helper()
			v, err := set(t, f.AdminActor, scope, name, value, hidden, locked)
			if err != nil {
				t.Fatalf("set %s at %s: %v", name, scope.Scope, err)
			}
			return v
		}
		resolved := func(t *testing.T, serverID string) *storedVars {
			t.Helper()
			return mustVars(t, f.MustFire(t, "VarProbe", farm.ID, serverID, nil))
		}

		t.Run("OKNarrowerWins", func(t *testing.T) {
			// DEPTHn is set at the first n scopes of the chain; the narrowest of them wins.
			names := []string{"DEPTH1", "DEPTH2", "DEPTH3", "DEPTH4", "DEPTH5", "DEPTH6"}
			for i, n := range names {
				for _, sc := range scopes[:i+1] {
					mustSet(t, sc, n, string(sc.Scope), false, false)
				}
			}
			v := resolved(t, server.ID)
			for i, n := range names {
				got, ok := v.user(n)
				if !ok || got != string(scopes[i].Scope) {
					t.Fatalf("%s = %q (%v), want %q", n, got, ok, scopes[i].Scope)
				}
			}
			// Another server of another role of the farm stops at the farm.
			v = resolved(t, otherServer.ID)
			for i, want := range []string{"system", "account", "environment", "farm", "farm", "farm"} {
				got, _ := v.user(names[i])
				wantEqual(t, "other server "+names[i], got, want)
			}
			// A farm event (no server) stops at the farm too.
			v = resolved(t, "")
			got, _ := v.user("DEPTH6")
			wantEqual(t, "farm event DEPTH6", got, "farm")
		})

		t.Run("OKUpdateInPlace", func(t *testing.T) {
			first := mustSet(t, scopes[1], "RELEASE", "1.0", false, false)
			second := mustSet(t, scopes[1], "RELEASE", "1.1", false, false)
			wantEqual(t, "same row", second.ID, first.ID)
			wantEqual(t, "rows", f.MustCount(t, "global_variables", "name = 'RELEASE'"), int64(1))
			got, _ := resolved(t, "").user("RELEASE")
			wantEqual(t, "value", got, "1.1")
		})

		t.Run("ErrLockedWiderScope", func(t *testing.T) {
			mustSet(t, scopes[1], "REGION", "eu-west-1", false, true)
			for _, sc := range scopes[2:] {
				_, err := set(t, f.AdminActor, sc, "REGION", "us-east-1", false, false)
				wantField(t, err, models.ECONFLICT, "name")
			}
			// The locking scope itself may still change it.
			mustSet(t, scopes[1], "REGION", "eu-central-1", false, true)
			got, _ := resolved(t, server.ID).user("REGION")
			wantEqual(t, "REGION", got, "eu-central-1")
			// Locked at the system scope: the account cannot override either.
			mustSet(t, scopes[0], "COMPANY", "Acme Corp", false, true)
			_, err := set(t, f.AdminActor, scopes[1], "COMPANY", "Other", false, false)
			wantField(t, err, models.ECONFLICT, "name")
		})

		t.Run("OKLockedWiderWinsOverEarlierNarrower", func(t *testing.T) {
			// The narrow value existed before the wide one was locked: the lock still wins.
			mustSet(t, scopes[5], "TIER", "server-tier", false, false)
			mustSet(t, scopes[3], "TIER", "farm-tier", false, false)
			got, _ := resolved(t, server.ID).user("TIER")
			wantEqual(t, "before lock", got, "server-tier")
			mustSet(t, scopes[2], "TIER", "env-tier", false, true)
			got, _ = resolved(t, server.ID).user("TIER")
			wantEqual(t, "after lock", got, "env-tier")
		})

		t.Run("OKHiddenBlankedBelowAdmin", func(t *testing.T) {
			mustSet(t, scopes[1], "DB_PASSWORD", "s3cr3t", true, false)
			mustSet(t, scopes[1], "DB_HOST", "db.internal", false, false)
			mustSet(t, scopes[0], "SYSTEM_TOKEN", "t0ps3cr3t", true, false)
			viewer, _ := f.MustMember(t, acc, "var-viewer@example.com", models.RoleViewer)
			member, _ := f.MustMember(t, acc, "var-member@example.com", models.RoleMember)
			admin, _ := f.MustMember(t, acc, "var-admin@example.com", models.RoleAdmin)
			values := func(t *testing.T, a *models.Actor, scope models.ScopeKey) map[string]string {
				t.Helper()
				vs, err := f.Store.ListVariables(ctx, a, scope)
				mustNoErr(t, err)
				out := map[string]string{}
				for _, v := range vs {
					out[v.Name] = v.Value
				}
				return out
			}
			for _, c := range []struct {
				who  string
				a    *models.Actor
				want string
			}{{"viewer", viewer, ""}, {"member", member, ""}, {"admin", admin, "s3cr3t"}, {"system admin", f.AdminActor, "s3cr3t"}} {
				vs := values(t, c.a, scopes[1])
				wantEqual(t, c.who+" DB_PASSWORD", vs["DB_PASSWORD"], c.want)
				wantEqual(t, c.who+" DB_HOST", vs["DB_HOST"], "db.internal")
			}
			// System-scope variables are listed to everyone; their hidden values only to system
			// administrators.
			for _, c := range []struct {
				who  string
				a    *models.Actor
				want string
			}{{"viewer", viewer, ""}, {"account admin", admin, ""}, {"system admin", f.AdminActor, "t0ps3cr3t"}} {
				vs := values(t, c.a, scopes[0])
				if _, ok := vs["SYSTEM_TOKEN"]; !ok {
					t.Fatalf("%s: SYSTEM_TOKEN not listed", c.who)
				}
				wantEqual(t, c.who+" SYSTEM_TOKEN", vs["SYSTEM_TOKEN"], c.want)
			}
			// Events keep the hidden value for payloads but mask it for display.
			ev := f.MustFire(t, "VarProbe", farm.ID, server.ID, nil)
			got, _ := mustVars(t, ev).user("DB_PASSWORD")
			wantEqual(t, "stored for payloads", got, "s3cr3t")
			wantEqual(t, "shown", ev.VisibleVariables()["DB_PASSWORD"], "******")
			wantEqual(t, "shown plain", ev.VisibleVariables()["DB_HOST"], "db.internal")
		})

		t.Run("ErrNames", func(t *testing.T) {
			for _, n := range []string{"SCALR_FOO", "scalr_foo", "Scalr_Event_Name"} {
				_, err := set(t, f.AdminActor, scopes[1], n, "x", false, false)
				wantField(t, err, models.EINVALID, "name")
			}
			for _, n := range []string{"", "1ABC", "A-B", "A B", "Ä"} {
				_, err := set(t, f.AdminActor, scopes[1], n, "x", false, false)
				wantField(t, err, models.EINVALID, "name")
			}
			wantEqual(t, "SCALR rows", f.MustCount(t, "global_variables", "upper(name) LIKE 'SCALR%'"), int64(0))
			mustSet(t, scopes[1], "SCALRISH", "fine", false, false)
		})

		t.Run("ErrRoles", func(t *testing.T) {
			member, _ := f.MustMember(t, acc, "var-member2@example.com", models.RoleMember)
			_, err := set(t, member, scopes[1], "FROM_MEMBER", "x", false, false)
			wantCode(t, err, models.EFORBIDDEN)
			admin, _ := f.MustMember(t, acc, "var-admin2@example.com", models.RoleAdmin)
			_, err = set(t, admin, scopes[0], "FROM_ACCOUNT_ADMIN", "x", false, false)
			wantCode(t, err, models.EFORBIDDEN)
			v, err := set(t, admin, scopes[4], "FROM_ADMIN", "x", false, false)
			mustNoErr(t, err)
			wantCode(t, f.Store.DeleteVariable(ctx, member, v.ID), models.EFORBIDDEN)
			mustNoErr(t, f.Store.DeleteVariable(ctx, admin, v.ID))
			wantCode(t, f.Store.DeleteVariable(ctx, admin, v.ID), models.ENOTFOUND)
		})
	})
}

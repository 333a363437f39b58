package models_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestCustomEvents(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		env1 := f.MustEnvironment(t, f.AdminActor, acc, "one")
		env2 := f.MustEnvironment(t, f.AdminActor, acc, "two")
		other := f.MustAccount(t, "Events Other")
		accScope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
		env1Scope := models.ScopeKey{Scope: models.ScopeEnvironment, ID: env1.ID}
		env2Scope := models.ScopeKey{Scope: models.ScopeEnvironment, ID: env2.ID}
		create := func(a *models.Actor, scope models.ScopeKey, name string) error {
			_, err := f.Store.CreateCustomEvent(ctx, a, models.CustomEventInput{Scope: scope, Name: name, Description: "d"})
			return err
		}

		t.Run("ErrNameRules", func(t *testing.T) {
			for _, n := range []string{"", "Deploy-Done", "deploy done", "déploiement", "Deploy_Done", strings.Repeat("a", 26)} {
				wantField(t, create(f.AdminActor, accScope, n), models.EINVALID, "name")
			}
			mustNoErr(t, create(f.AdminActor, accScope, strings.Repeat("b", 25)))
			mustNoErr(t, create(f.AdminActor, accScope, "Deploy2Done"))
			for _, n := range []string{"HostUp", "hostup", "FARMLAUNCHED", "IncidentOpened"} {
				wantField(t, create(f.AdminActor, accScope, n), models.ECONFLICT, "name")
			}
		})

		t.Run("ErrNameTakenInVisibleScope", func(t *testing.T) {
			mustNoErr(t, create(f.AdminActor, accScope, "Deployed"))
			// The account's definition is visible in its environments.
			wantField(t, create(f.AdminActor, env1Scope, "DEPLOYED"), models.ECONFLICT, "name")
			wantField(t, create(f.AdminActor, accScope, "deployed"), models.ECONFLICT, "name")
			// Another account is another namespace.
			mustNoErr(t, create(f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: other.ID}, "deployed"))
			// Two environments never see each other's events...
			mustNoErr(t, create(f.AdminActor, env1Scope, "EnvOnly"))
			mustNoErr(t, create(f.AdminActor, env2Scope, "envonly"))
			// ...but their account sees both.
			wantField(t, create(f.AdminActor, accScope, "ENVONLY"), models.ECONFLICT, "name")
			// A system event is visible everywhere.
			mustNoErr(t, create(f.AdminActor, models.ScopeKey{Scope: models.ScopeSystem}, "Audited"))
			wantField(t, create(f.AdminActor, accScope, "audited"), models.ECONFLICT, "name")
			wantField(t, create(f.AdminActor, env2Scope, "AUDITED"), models.ECONFLICT, "name")
			// And the system scope sees every account's events.
			wantField(t, create(f.AdminActor, models.ScopeKey{Scope: models.ScopeSystem}, "Deployed"), models.ECONFLICT, "name")
		})

		t.Run("ErrScopeAndRole", func(t *testing.T) {
			farm := f.MustFarm(t, env1.ID, "EvFarm")
			wantField(t, create(f.AdminActor, models.ScopeKey{Scope: models.ScopeFarm, ID: farm.ID}, "OnFarm"), models.EINVALID, "scope")
			member, _ := f.MustMember(t, acc, "ev-member@example.com", models.RoleMember)
			wantCode(t, create(member, accScope, "ByMember"), models.EFORBIDDEN)
			admin, _ := f.MustMember(t, acc, "ev-admin@example.com", models.RoleAdmin)
			wantCode(t, create(admin, models.ScopeKey{Scope: models.ScopeSystem}, "BySysNot"), models.EFORBIDDEN)
			mustNoErr(t, create(admin, env2Scope, "ByAdmin"))
		})

		t.Run("OKCatalog", func(t *testing.T) {
			names := func(t *testing.T, envID string) map[string]string {
				t.Helper()
				defs, err := f.Store.EventCatalog(ctx, f.AdminActor, acc, envID)
				mustNoErr(t, err)
				out := map[string]string{}
				for _, d := range defs {
					out[d.Name] = d.Category
				}
				return out
			}
			all := names(t, "")
			for n, cat := range map[string]string{"HostUp": "server", "FarmLaunched": "farm", "IncidentResolved": "incident", "Deployed": "custom", "EnvOnly": "custom", "envonly": "custom", "Audited": "custom"} {
				wantEqual(t, "account catalog "+n, all[n], cat)
			}
			one := names(t, env1.ID)
			if _, ok := one["envonly"]; ok {
				t.Fatal("environment one sees environment two's event")
			}
			wantEqual(t, "env catalog EnvOnly", one["EnvOnly"], "custom")
			wantEqual(t, "env catalog Deployed", one["Deployed"], "custom")
			_, err := f.Store.EventCatalog(ctx, f.AdminActor, acc, f.MustEnvironment(t, f.AdminActor, other.ID, "theirs").ID)
			wantField(t, err, models.ENOTFOUND, "environmentId")
		})

		t.Run("OKDelete", func(t *testing.T) {
			ev := f.MustCustomEvent(t, f.AdminActor, env2Scope, "Temporary")
			member, _ := f.MustMember(t, acc, "ev-member3@example.com", models.RoleMember)
			wantCode(t, f.Store.DeleteCustomEvent(ctx, member, ev.ID), models.EFORBIDDEN)
			mustNoErr(t, f.Store.DeleteCustomEvent(ctx, f.AdminActor, ev.ID))
			wantCode(t, f.Store.DeleteCustomEvent(ctx, f.AdminActor, ev.ID), models.ENOTFOUND)
			mustNoErr(t, create(f.AdminActor, accScope, "temporary")) // the name is free again
		})
	})
}

func TestFireEvent(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		env := f.MustEnvironment(t, f.AdminActor, acc, "fire")
		env2 := f.MustEnvironment(t, f.AdminActor, acc, "elsewhere")
		farm := f.MustFarm(t, env.ID, "Cluster")
		farm2 := f.MustFarm(t, env2.ID, "Other")
		role, server := f.MustServer(t, farm.ID, "db", "db-1")
		f.MustCustomEvent(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeEnvironment, ID: env.ID}, "VolumeResized")
		f.MustCustomEvent(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeEnvironment, ID: env2.ID}, "OnlyThere")

		t.Run("OKParametersBecomeScalrVariables", func(t *testing.T) {
			ev, err := f.Store.FireEvent(ctx, f.AdminActor, models.FireEventRequest{
				Name: "volumeresized", ServerID: server.ID,
				Parameters: map[string]string{"diskSize": "100", "volume_id": "vol-1", "x": "y", "IOPS": "3000", "eventName": "spoofed"},
			})
			mustNoErr(t, err)
			wantEqual(t, "canonical name", ev.Name, "VolumeResized")
			if deref(ev.FarmID) != farm.ID || deref(ev.ServerID) != server.ID || deref(ev.EnvironmentID) != env.ID || ev.AccountID != acc || ev.Source != f.AdminActor.Label() {
				t.Fatalf("event = %+v", ev)
			}
			b := mustVars(t, ev).Builtin
			for k, want := range map[string]string{
				"SCALR_DISK_SIZE": "100", "SCALR_VOLUME_ID": "vol-1", "SCALR_X": "y", "SCALR_IOPS": "3000",
				// A parameter never replaces a built-in.
				"SCALR_EVENT_NAME": "VolumeResized", "SCALR_EVENT_ID": ev.ID,
				"SCALR_FARM_ID": farm.ID, "SCALR_FARM_NAME": "Cluster", "SCALR_FARM_OWNER_EMAIL": "owner-cluster@example.com",
				"SCALR_ENV_ID": env.ID, "SCALR_ENV_NAME": "fire", "SCALR_ACCOUNT_ID": acc, "SCALR_ACCOUNT_NAME": "Acme",
				"SCALR_SERVER_ID": server.ID, "SCALR_SERVER_HOSTNAME": "db-1", "SCALR_EVENT_SERVER_ID": server.ID,
				"SCALR_FARM_ROLE_ID": role.ID, "SCALR_FARM_ROLE_ALIAS": "db", "SCALR_EXTERNAL_IP": "203.0.113.7", "SCALR_INTERNAL_IP": "10.0.0.7",
			} {
				wantEqual(t, k, b[k], want)
			}
			stored, err := f.Store.GetEvent(ctx, f.AdminActor, ev.ID)
			mustNoErr(t, err)
			wantEqual(t, "stored variables", mustVars(t, stored).Builtin["SCALR_DISK_SIZE"], "100")
		})

		t.Run("OKBuiltinFarmEvent", func(t *testing.T) {
			ev := f.MustFire(t, "farmlaunched", farm.ID, "", nil)
			wantEqual(t, "name", ev.Name, "FarmLaunched")
			if _, ok := mustVars(t, ev).Builtin["SCALR_SERVER_ID"]; ok {
				t.Fatal("farm event carries server variables")
			}
		})

		t.Run("ErrBadRequests", func(t *testing.T) {
			for _, c := range []struct {
				name  string
				req   models.FireEventRequest
				code  string
				field string
			}{
				{"no target", models.FireEventRequest{Name: "VolumeResized"}, models.EINVALID, "farmId"},
				{"server event without server", models.FireEventRequest{Name: "HostUp", FarmID: farm.ID}, models.EINVALID, "serverId"},
				{"incident event", models.FireEventRequest{Name: "IncidentOpened", FarmID: farm.ID}, models.EINVALID, "name"},
				{"unknown event", models.FireEventRequest{Name: "NoSuchThing", FarmID: farm.ID}, models.ENOTFOUND, "name"},
				{"custom of another environment", models.FireEventRequest{Name: "OnlyThere", FarmID: farm.ID}, models.ENOTFOUND, "name"},
				{"server not in farm", models.FireEventRequest{Name: "HostUp", FarmID: farm2.ID, ServerID: server.ID}, models.EINVALID, "farmId"},
				{"bad parameter name", models.FireEventRequest{Name: "VolumeResized", FarmID: farm.ID, Parameters: map[string]string{"1x": "y"}}, models.EINVALID, "parameters"},
				{"long parameter", models.FireEventRequest{Name: "VolumeResized", FarmID: farm.ID, Parameters: map[string]string{"x": strings.Repeat("y", 4097)}}, models.EINVALID, "parameters"},
				{"unknown farm", models.FireEventRequest{Name: "VolumeResized", FarmID: "00000000-0000-7000-8000-000000000000"}, models.ENOTFOUND, "farmId"},
			} {
				before := f.MustCount(t, "events", "")
				_, err := f.Store.FireEvent(ctx, f.AdminActor, c.req)
				if models.CodeOf(err) != c.code || fieldOf(err) != c.field {
					t.Fatalf("%s: %v, want %s on %s", c.name, err, c.code, c.field)
				}
				wantEqual(t, c.name+": events", f.MustCount(t, "events", ""), before)
			}
			viewer, _ := f.MustMember(t, acc, "fire-viewer@example.com", models.RoleViewer)
			_, err := f.Store.FireEvent(ctx, viewer, models.FireEventRequest{Name: "VolumeResized", FarmID: farm.ID})
			wantCode(t, err, models.EFORBIDDEN)
			member, _ := f.MustMember(t, acc, "fire-member@example.com", models.RoleMember)
			_, err = f.Store.FireEvent(ctx, member, models.FireEventRequest{Name: "VolumeResized", FarmID: farm.ID})
			mustNoErr(t, err)

			// Who may fire where, by farm and by server (one lookup reads the target and the
			// caller's membership together): the answers of the access rules, on the named field.
			other := f.MustAccount(t, "Fire elsewhere").ID
			outsider, _ := f.MustMember(t, other, "fire-outsider@example.com", models.RoleOwner)
			tokenElsewhere := &models.Actor{UserID: f.AdminActor.UserID, UserName: f.AdminActor.UserName, TokenID: "tok", TokenAccountID: other, TokenRole: models.RoleOwner}
			tokenViewer := &models.Actor{UserID: f.AdminActor.UserID, UserName: f.AdminActor.UserName, TokenID: "tok", TokenAccountID: acc, TokenRole: models.RoleViewer}
			byServer := models.FireEventRequest{Name: "HostUp", ServerID: server.ID}
			byFarm := models.FireEventRequest{Name: "VolumeResized", FarmID: farm.ID}
			for _, c := range []struct {
				name  string
				a     *models.Actor
				req   models.FireEventRequest
				code  string
				field string
			}{
				{"nobody", nil, byFarm, models.EUNAUTHORIZED, "farmId"},
				{"an outsider by farm", outsider, byFarm, models.ENOTFOUND, "farmId"},
				{"an outsider by server", outsider, byServer, models.ENOTFOUND, "serverId"},
				{"a viewer by server", viewer, byServer, models.EFORBIDDEN, "serverId"},
				{"a token of another account", tokenElsewhere, byServer, models.ENOTFOUND, "serverId"},
				{"a viewer's token of an admin", tokenViewer, byFarm, models.EFORBIDDEN, "farmId"},
				{"an unknown server", f.AdminActor, models.FireEventRequest{Name: "HostUp", ServerID: "00000000-0000-7000-8000-000000000000"}, models.ENOTFOUND, "serverId"},
				{"a server id that is no id", f.AdminActor, models.FireEventRequest{Name: "HostUp", ServerID: "web-1"}, models.ENOTFOUND, "serverId"},
			} {
				before := f.MustCount(t, "events", "")
				_, err := f.Store.FireEvent(ctx, c.a, c.req)
				if models.CodeOf(err) != c.code || fieldOf(err) != c.field {
					t.Fatalf("%s: %v, want %s on %s", c.name, err, c.code, c.field)
				}
				wantEqual(t, c.name+": events", f.MustCount(t, "events", ""), before)
			}
			ev, err := f.Store.FireEvent(ctx, member, byServer)
			mustNoErr(t, err)
			wantEqual(t, "a member fires by server", deref(ev.ServerID), server.ID)
		})
	})
}

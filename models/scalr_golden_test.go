package models_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// TestScalrSamplePayload builds Scalr's documented sample HostUp event (testdata/scalr) through
// the store, the way a provisioning system reports it, and compares the delivered data with the
// sample key by key (issue 8, item 5): every key of the sample is sent; inputs come back equal;
// what Switchboard makes (ids, the farm hash, the installation id) is what was created.
func TestScalrSamplePayload(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../testdata/scalr/sample-hostup.json")
	mustNoErr(t, err)
	var sample struct {
		EventName string            `json:"eventName"`
		Data      map[string]string `json:"data"`
	}
	mustNoErr(t, json.Unmarshal(raw, &sample))
	var sampleTop map[string]json.RawMessage
	mustNoErr(t, json.Unmarshal(raw, &sampleTop))
	in := sample.Data
	if len(in) != 45 {
		t.Fatalf("the sample has %d SCALR_* keys, want 45", len(in))
	}

	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.MustAccount(t, in["SCALR_ACCOUNT_NAME"])
		env := f.MustEnvironment(t, f.AdminActor, acc.ID, in["SCALR_ENV_NAME"])
		// Whoever launches the farm is a member signed in with the sample's email.
		launcher, _ := f.MustMember(t, acc.ID, in["SCALR_LAUNCHED_BY_EMAIL"], models.RoleMember)

		farm, err := f.Store.CreateFarm(ctx, launcher, models.FarmInput{
			EnvironmentID: env.ID, Name: ptr(in["SCALR_FARM_NAME"]), OwnerEmail: ptr(in["SCALR_FARM_OWNER_EMAIL"]),
			Team: ptr(in["SCALR_FARM_TEAM"]), ProjectID: ptr(in["SCALR_PROJECT_ID"]), ProjectBillingCode: ptr(in["SCALR_PROJECT_BC"]),
			CostCenterID: ptr(in["SCALR_COST_CENTER_ID"]), CostCenterName: ptr(in["SCALR_COST_CENTER_NAME"]),
		})
		mustNoErr(t, err)
		role, err := f.Store.CreateFarmRole(ctx, launcher, models.FarmRoleInput{
			FarmID: farm.ID, Alias: ptr(in["SCALR_FARM_ROLE_ALIAS"]), RoleName: ptr(in["SCALR_ROLE_NAME"]),
			ImageID: ptr(in["SCALR_IMAGE_ID"]), Behaviors: []string{in["SCALR_BEHAVIORS"]},
		})
		mustNoErr(t, err)
		server, err := f.Store.CreateServer(ctx, launcher, models.ServerInput{
			FarmRoleID: role.ID, Hostname: ptr(in["SCALR_SERVER_HOSTNAME"]), ServerType: ptr(in["SCALR_SERVER_TYPE"]),
			CloudLocation: ptr(in["SCALR_CLOUD_LOCATION"]), CloudZone: ptr(in["SCALR_CLOUD_LOCATION_ZONE"]),
			CloudServerID: ptr(in["SCALR_CLOUD_SERVER_ID"]), Status: ptr("running"),
		})
		mustNoErr(t, err)
		farm, err = f.Store.LaunchFarm(ctx, launcher, farm.ID)
		mustNoErr(t, err)

		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: acc.ID}
		ep, _ := f.MustEndpoint(t, f.AdminActor, scope, "scalr-handler", false)
		f.MustWebhook(t, f.AdminActor, scope, "host up", []string{sample.EventName}, []string{ep.ID}, nil)
		ev, err := f.Store.FireEvent(ctx, launcher, models.FireEventRequest{Name: sample.EventName, ServerID: server.ID})
		mustNoErr(t, err)
		ds := f.MustDeliveries(t, ev.ID)
		if len(ds) != 1 {
			t.Fatalf("deliveries: %d, want 1", len(ds))
		}
		var top map[string]json.RawMessage
		mustNoErr(t, json.Unmarshal(ds[0].Payload, &top))
		for k := range sampleTop {
			if _, ok := top[k]; !ok {
				t.Errorf("payload has no %q", k)
			}
		}
		got := mustPayload(t, ds[0].Payload).Data

		installation, err := f.Store.InstallationID(ctx)
		mustNoErr(t, err)
		// What Switchboard makes: equal to what was created, in the expected format.
		made := map[string]string{
			"SCALR_ID":         installation,
			"SCALR_EVENT_ID":   ev.ID,
			"SCALR_ACCOUNT_ID": acc.ID,
			"SCALR_ENV_ID":     env.ID, "SCALR_EVENT_ENV_ID": env.ID,
			"SCALR_FARM_ID": farm.ID, "SCALR_EVENT_FARM_ID": farm.ID,
			"SCALR_FARM_HASH": farm.Hash, "SCALR_EVENT_FARM_HASH": farm.Hash,
			"SCALR_FARM_ROLE_ID": role.ID,
			"SCALR_SERVER_ID":    server.ID, "SCALR_EVENT_SERVER_ID": server.ID,
		}
		uuidRe := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
		formats := map[string]*regexp.Regexp{
			"SCALR_ID":        regexp.MustCompile(`^[0-9a-f]{8}$`),
			"SCALR_FARM_HASH": regexp.MustCompile(`^[0-9a-f]{14}$`), "SCALR_EVENT_FARM_HASH": regexp.MustCompile(`^[0-9a-f]{14}$`),
		}

		var missing []string
		for _, k := range sortedKeys(in) {
			v, ok := got[k]
			if !ok {
				missing = append(missing, k)
				continue
			}
			if want, ours := made[k]; ours {
				re := formats[k]
				if re == nil {
					re = uuidRe
				}
				if v != want || !re.MatchString(v) {
					t.Errorf("%s = %q, want %q (what was created) matching %s", k, v, want, re)
				}
				continue
			}
			if v != in[k] {
				t.Errorf("%s = %q, want %q", k, v, in[k])
			}
		}
		if len(missing) > 0 {
			t.Errorf("%d of the sample's %d keys are not sent: %v", len(missing), len(in), missing)
		}
		// The installation id is stable: a second event carries the same one.
		again := f.MustFire(t, sample.EventName, "", server.ID, nil)
		p := mustPayload(t, f.MustDeliveries(t, again.ID)[0].Payload)
		wantEqual(t, "SCALR_ID of the next event", p.Data["SCALR_ID"], installation)
		if p.Data["SCALR_EVENT_ID"] == installation {
			t.Error("SCALR_ID is the event id")
		}
	})
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The fields behind the Scalr variables refuse bad input with a typed error and change nothing;
// the farm hash is made once; the launcher's email is recorded at launch.
func TestFarmScalrFields(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		env := f.MustEnvironment(t, f.AdminActor, f.Account.ID, "prod")
		farm := f.MustFarm(t, env.ID, "Web")
		if !regexp.MustCompile(`^[0-9a-f]{14}$`).MatchString(farm.Hash) {
			t.Fatalf("farm hash %q", farm.Hash)
		}
		if other := f.MustFarm(t, env.ID, "Other"); other.Hash == farm.Hash {
			t.Fatal("two farms share a hash")
		}
		for _, tc := range []struct {
			field string
			in    models.FarmInput
		}{
			{"projectId", models.FarmInput{ProjectID: ptr(string(make([]byte, 129)))}},
			{"projectName", models.FarmInput{ProjectName: ptr("two\nlines")}},
			{"costCenterBillingCode", models.FarmInput{CostCenterBillingCode: ptr("nul\x00")}},
			{"team", models.FarmInput{Team: ptr("tab\there")}},
			// Every control character and the Unicode line and paragraph separators.
			{"team", models.FarmInput{Team: ptr("red\x1b[31m")}},
			{"projectName", models.FarmInput{ProjectName: ptr("line\u2028separator")}},
			{"projectId", models.FarmInput{ProjectID: ptr("para\u2029separator")}},
			{"costCenterName", models.FarmInput{CostCenterName: ptr("next\u0085line")}},
			{"costCenterBillingCode", models.FarmInput{CostCenterBillingCode: ptr("del\x7f")}},
			{"projectName", models.FarmInput{ProjectName: ptr("vt\vff\f")}},
		} {
			_, err := f.Store.UpdateFarm(ctx, f.AdminActor, farm.ID, tc.in)
			wantField(t, err, models.EINVALID, tc.field)
			if err != nil && !strings.Contains(err.Error(), "at most") && !strings.Contains(err.Error(), "single line without control characters") {
				t.Fatalf("%s: message %q", tc.field, err)
			}
		}
		unchanged, err := f.Store.GetFarm(ctx, f.AdminActor, farm.ID)
		mustNoErr(t, err)
		wantEqual(t, "nothing stored", unchanged.Team+unchanged.ProjectName+unchanged.ProjectID+unchanged.CostCenterName, "")
		up, err := f.Store.UpdateFarm(ctx, f.AdminActor, farm.ID, models.FarmInput{ProjectID: ptr("  p-1 "), ProjectName: ptr("Payments"), Team: ptr("SRE")})
		mustNoErr(t, err)
		wantEqual(t, "project id trimmed", up.ProjectID, "p-1")
		got, err := f.Store.GetFarm(ctx, f.AdminActor, farm.ID)
		mustNoErr(t, err)
		wantEqual(t, "stored project", got.ProjectName+"/"+got.Team+"/"+got.Hash, "Payments/SRE/"+farm.Hash)
		wantEqual(t, "nothing launched yet", got.LaunchedByEmail, "")

		alias, roleName := "app", "base"
		for _, bad := range [][]string{{"Base Role"}, {""}, make([]string, 17)} {
			_, err := f.Store.CreateFarmRole(ctx, f.AdminActor, models.FarmRoleInput{FarmID: farm.ID, Alias: &alias, RoleName: &roleName, Behaviors: bad})
			wantField(t, err, models.EINVALID, "behaviors")
		}
		for _, img := range []string{"ami-\u2028x", "ami-\x1b"} {
			_, err := f.Store.CreateFarmRole(ctx, f.AdminActor, models.FarmRoleInput{FarmID: farm.ID, Alias: &alias, RoleName: &roleName, ImageID: ptr(img)})
			wantField(t, err, models.EINVALID, "imageId")
		}
		wantEqual(t, "no role made", f.MustCount(t, "farm_roles", "farm_id = ?", farm.ID), int64(0))
		role, err := f.Store.CreateFarmRole(ctx, f.AdminActor, models.FarmRoleInput{FarmID: farm.ID, Alias: &alias, RoleName: &roleName,
			ImageID: ptr("ami-123"), Behaviors: []string{"base", "MySQL2", "base"}})
		mustNoErr(t, err)
		wantEqual(t, "behaviours", len(role.Behaviors()), 2)
		wantEqual(t, "behaviour lower-cased", role.Behaviors()[1], "mysql2")

		member, _ := f.MustMember(t, f.Account.ID, "launcher@example.com", models.RoleMember)
		_, err = f.Store.LaunchFarm(ctx, member, farm.ID)
		mustNoErr(t, err)
		got, err = f.Store.GetFarm(ctx, f.AdminActor, farm.ID)
		mustNoErr(t, err)
		wantEqual(t, "launched by", got.LaunchedByEmail, "launcher@example.com")

		_, sv := f.MustServer(t, farm.ID, "db", "db-1")
		for _, bad := range []string{"db\u2028x", "db\x1b", "d\u0085b"} {
			_, err := f.Store.UpdateServer(ctx, f.AdminActor, sv.ID, models.ServerInput{Hostname: ptr(bad)})
			wantField(t, err, models.EINVALID, "hostname")
		}
	})
}

// A test event carries SCALR_ID like every other event (receivers key on it).
func TestSendTestEvent_CarriesScalrID(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: f.Account.ID}
		ep, _ := f.MustEndpoint(t, f.AdminActor, scope, "receiver", false)
		d, err := f.Store.SendTestEvent(ctx, f.AdminActor, ep.ID)
		mustNoErr(t, err)
		var p struct {
			Data map[string]string `json:"data"`
		}
		mustNoErr(t, json.Unmarshal(d.Payload, &p))
		id, err := f.Store.InstallationID(ctx)
		mustNoErr(t, err)
		if id == "" {
			t.Fatal("no installation id")
		}
		wantEqual(t, "SCALR_ID", p.Data["SCALR_ID"], id)
	})
}

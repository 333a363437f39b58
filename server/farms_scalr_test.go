package server_test

import (
	"regexp"
	"slices"
	"testing"
)

// The farm, farm role and server fields behind the full Scalr variable set (issue 8, item 5)
// round-trip through GraphQL, and bad input is a user error on its field.
func TestFarmScalrFieldsGraphQL(t *testing.T) {
	t.Parallel()
	e := mustHookEnv(t, startOpts{})
	var f struct {
		CreateFarm struct {
			Farm struct {
				ID, Hash, Team, ProjectID, ProjectName, ProjectBillingCode string
				CostCenterID, CostCenterName, CostCenterBillingCode        string
				LaunchedByEmail                                            string
			}
		}
	}
	e.mustOK(t, `mutation($env: ID!) { createFarm(input: {environmentId: $env, name: "sandbox", team: "SRE",
		projectId: "30c59dba-fc9b-4d0f-83ec-4b5043b12f72", projectName: "Sandbox", projectBillingCode: "PR-01",
		costCenterId: "3f54770e-bf1a-11e3-92c5-000feae9c516", costCenterName: "ACME Operations", costCenterBillingCode: "CC-1"}) {
		farm { id hash team projectId projectName projectBillingCode costCenterId costCenterName costCenterBillingCode launchedByEmail }
		errors { message } } }`, map[string]any{"env": e.envID}, &f)
	got := f.CreateFarm.Farm
	if !regexp.MustCompile(`^[0-9a-f]{14}$`).MatchString(got.Hash) || got.Team != "SRE" || got.ProjectID != "30c59dba-fc9b-4d0f-83ec-4b5043b12f72" ||
		got.ProjectName != "Sandbox" || got.ProjectBillingCode != "PR-01" || got.CostCenterID != "3f54770e-bf1a-11e3-92c5-000feae9c516" ||
		got.CostCenterName != "ACME Operations" || got.CostCenterBillingCode != "CC-1" || got.LaunchedByEmail != "" {
		t.Fatalf("farm: %+v", got)
	}

	var bad struct {
		UpdateFarm struct {
			Farm   *struct{ ID string }
			Errors []struct{ Code, Field, Message string }
		}
	}
	r, err := e.c.GraphQL(ctxT(t), `mutation($id: ID!) { updateFarm(input: {id: $id, projectName: "two\nlines"}) { farm { id } errors { code field message } } }`,
		map[string]any{"id": got.ID})
	if err != nil || len(r.Errors) > 0 {
		t.Fatal(err, r.Errors)
	}
	if err := r.Decode(&bad); err != nil {
		t.Fatal(err)
	}
	if bad.UpdateFarm.Farm != nil || len(bad.UpdateFarm.Errors) != 1 || bad.UpdateFarm.Errors[0].Field != "projectName" {
		t.Fatalf("bad project name: %+v", bad.UpdateFarm)
	}

	var role struct {
		CreateFarmRole struct {
			FarmRole struct {
				ID, ImageID string
				Behaviors   []string
			}
		}
	}
	e.mustOK(t, `mutation($f: ID!) { createFarmRole(input: {farmId: $f, alias: "base", roleName: "base-ubuntu1604",
		imageId: "scalr-demo/images/ubuntu1604", behaviors: ["base", "chef"]}) { farmRole { id imageId behaviors } errors { message } } }`,
		map[string]any{"f": got.ID}, &role)
	if role.CreateFarmRole.FarmRole.ImageID != "scalr-demo/images/ubuntu1604" || !slices.Equal(role.CreateFarmRole.FarmRole.Behaviors, []string{"base", "chef"}) {
		t.Fatalf("role: %+v", role.CreateFarmRole.FarmRole)
	}
	var sv struct {
		CreateServer struct{ Server struct{ ImageID string } }
	}
	e.mustOK(t, `mutation($r: ID!) { createServer(input: {farmRoleId: $r, fields: {hostname: "s1", imageId: "ami-own"}}) { server { imageId } errors { message } } }`,
		map[string]any{"r": role.CreateFarmRole.FarmRole.ID}, &sv)
	if sv.CreateServer.Server.ImageID != "ami-own" {
		t.Fatalf("server image: %+v", sv.CreateServer.Server)
	}
}

package server_test

import (
	"testing"
	"time"
)

// Two alarms of one integration open on two components through a routing rule, end to end over
// signed SNS; the incident shows the alarm's condition and its AWS console link; recent messages
// name their alarm, incident and rule.
func TestSNSRoutingRules(t *testing.T) {
	e := mustSNSEnv(t, startOpts{})
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := e.c.MustOK(ctxT(t), `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "Orders DB"}) { component { id } } }`, map[string]any{"a": e.accountID}, &cc); err != nil {
		t.Fatal(err)
	}
	dbComp := cc.CreateComponent.Component.ID
	var set struct {
		SetIntegrationRoutes struct {
			Integration struct{ Routes []struct{ ID, Name string } }
			Errors      []struct{ Field, Message string }
		}
	}
	if err := e.c.MustOK(ctxT(t), `mutation($in: SetIntegrationRoutesInput!) { setIntegrationRoutes(input: $in) { integration { routes { id name } } errors { field message } } }`,
		map[string]any{"in": map[string]any{"integrationId": e.integID, "routes": []any{
			map[string]any{"name": "databases", "componentId": dbComp, "severity": "CRITICAL", "conditions": []any{
				map[string]any{"field": "ALARM_NAME", "op": "GLOB", "value": "orders-db-*"},
				map[string]any{"field": "DIMENSION", "dimension": "ApiName", "op": "EQUALS", "value": "prod"},
			}},
		}}}, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.SetIntegrationRoutes.Errors) > 0 || len(set.SetIntegrationRoutes.Integration.Routes) != 1 {
		t.Fatalf("setIntegrationRoutes: %+v", set.SetIntegrationRoutes)
	}
	// A bad rule is refused with the field and changes nothing.
	var bad struct {
		SetIntegrationRoutes struct {
			Errors []struct{ Field, Message string }
		}
	}
	if err := e.c.MustOK(ctxT(t), `mutation($in: SetIntegrationRoutesInput!) { setIntegrationRoutes(input: $in) { errors { field message } } }`,
		map[string]any{"in": map[string]any{"integrationId": e.integID, "routes": []any{
			map[string]any{"name": "broken", "componentId": dbComp, "conditions": []any{map[string]any{"field": "ALARM_NAME", "op": "REGEX", "value": "("}}},
		}}}, &bad); err != nil {
		t.Fatal(err)
	}
	if errs := bad.SetIntegrationRoutes.Errors; len(errs) != 1 || errs[0].Field != "routes.0.conditions.0.value" {
		t.Fatalf("bad regex: %+v", errs)
	}

	e.confirm(t, topicA)
	at := time.Now().Add(-time.Minute)
	const dbAlarm = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-db-cpu-high"
	e.mustPost(t, e.alarm(t, topicA, dbAlarm, "OK", "ALARM", at), 200)
	e.mustPost(t, e.alarm(t, topicA, alarmA, "OK", "ALARM", at), 200)

	var d struct {
		Account struct {
			Incidents struct {
				Edges []struct {
					Node struct {
						Title, Severity string
						Component       struct{ ID string }
						Alarm           struct {
							ConsoleURL string `json:"consoleUrl"`
							Condition  struct {
								Summary   string
								Threshold float64
							}
							Dimensions []struct{ Name, Value string }
						}
					}
				}
			}
		}
	}
	if err := e.c.MustOK(ctxT(t), `query($a: ID!) { account(id: $a) { incidents { edges { node { title severity component { id }
		alarm { consoleUrl condition { summary threshold } dimensions { name value } } } } } } }`, map[string]any{"a": e.accountID}, &d); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, edge := range d.Account.Incidents.Edges {
		n := edge.Node
		got[n.Title] = n.Component.ID + " " + n.Severity
		if n.Alarm.Condition.Summary != "SUM > 10 for 1 of 1 period of 60 s" || n.Alarm.Condition.Threshold != 10 ||
			len(n.Alarm.Dimensions) != 1 || n.Alarm.Dimensions[0].Name != "ApiName" ||
			n.Alarm.ConsoleURL != "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/"+n.Title {
			t.Errorf("alarm card of %s: %+v", n.Title, n.Alarm)
		}
	}
	alarmAName := alarmA[len("arn:aws:cloudwatch:us-east-1:123456789012:alarm:"):]
	if got["orders-db-cpu-high"] != dbComp+" CRITICAL" || got[alarmAName] != e.componentID+" HIGH" {
		t.Fatalf("incidents by alarm: %v (db component %s, integration's %s)", got, dbComp, e.componentID)
	}

	var im struct {
		AwsIntegration struct {
			RecentMessages []struct {
				AlarmName string
				Incident  *struct{ Title string }
				Route     *struct{ Name string }
			}
		}
	}
	if err := e.c.MustOK(ctxT(t), `query($id: ID!) { awsIntegration(id: $id) { recentMessages { alarmName incident { title } route { name } } } }`, map[string]any{"id": e.integID}, &im); err != nil {
		t.Fatal(err)
	}
	routed := map[string]string{}
	for _, m := range im.AwsIntegration.RecentMessages {
		if m.AlarmName == "" {
			continue // the confirmation
		}
		r := "-"
		if m.Route != nil {
			r = m.Route.Name
		}
		if m.Incident == nil || m.Incident.Title != m.AlarmName {
			t.Errorf("message of %s links %+v", m.AlarmName, m.Incident)
		}
		routed[m.AlarmName] = r
	}
	if routed["orders-db-cpu-high"] != "databases" || routed[alarmAName] != "-" || len(routed) != 2 {
		t.Fatalf("recent messages: %v", routed)
	}
}

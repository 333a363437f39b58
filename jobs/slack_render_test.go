package jobs_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/models"
)

func TestRenderSlackIncident(t *testing.T) {
	lvl := 2
	by := "Bob"
	base := models.Incident{ID: "01900000-0000-7000-8000-000000000001", Title: "DB *down* <@U123>", Severity: models.SeverityCritical,
		OpenedAt: time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC), OpenedBy: "CloudWatch"}
	cases := []struct {
		name      string
		status    models.IncidentStatus
		ackBy     *string
		assignee  string
		level     *int
		url       string
		want, not []string
	}{
		{"triggered", models.IncidentTriggered, nil, "", nil, "https://sb.example.com/i",
			[]string{`"sb_ack"`, `"sb_resolve"`, `"sb_note"`, `"https://sb.example.com/i"`, "TRIGGERED", "&lt;@U123&gt;"}, []string{"<@U123>", "Assignee"}},
		{"acknowledged, assigned, escalated", models.IncidentAcknowledged, &by, "Ana", &lvl, "",
			[]string{`"sb_resolve"`, "*Assignee*\\nAna", "*Escalation level*\\n2", "*Acknowledged by*\\nBob", "ACKNOWLEDGED"}, []string{`"sb_ack"`, `"sb_view"`}},
		{"resolved", models.IncidentResolved, &by, "", nil, "https://sb.example.com/i",
			[]string{`"sb_note"`, `"sb_view"`, "RESOLVED"}, []string{`"sb_ack"`, `"sb_resolve"`}},
	}
	for _, c := range cases {
		inc := base
		inc.Status, inc.AcknowledgedBy = c.status, c.ackBy
		text, blocks := jobs.RenderSlackIncident(&models.SlackIncidentView{Incident: inc, ComponentName: "Postgres", AssigneeName: c.assignee, EscalationLevel: c.level, URL: c.url}, true)
		b, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		all := text + string(b)
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: lacks %s: %s", c.name, w, all)
			}
		}
		for _, n := range c.not {
			if strings.Contains(all, n) {
				t.Errorf("%s: has %s: %s", c.name, n, all)
			}
		}
	}
}

package jobs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
)

func TestNtfyMessage(t *testing.T) {
	one := &models.OutgoingNotification{
		Notification: models.Notification{Recipient: "https://ntfy.example/base/ana-pages?x=1"},
		Incidents: []models.PageIncident{{Incident: models.Incident{Title: "Disk full", Severity: models.SeverityCritical, Status: models.IncidentTriggered},
			Component: "DB", ConsoleURL: "https://sb.example/i/1", AcknowledgeURL: "https://sb.example/links/tok"}},
	}
	root, body, err := ntfyMessage(one)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	if root != "https://ntfy.example/base/" || m["topic"] != "ana-pages" || m["priority"] != float64(5) || m["click"] != "https://sb.example/i/1" ||
		!strings.Contains(m["title"].(string), "[CRITICAL] Disk full") {
		t.Fatalf("root %s message %v", root, m)
	}
	acts := m["actions"].([]any)
	ack := acts[0].(map[string]any)
	if ack["action"] != "http" || ack["method"] != "POST" || ack["url"] != "https://sb.example/links/tok" {
		t.Fatalf("actions %v", acts)
	}
	bundle := &models.OutgoingNotification{Notification: models.Notification{Recipient: "https://ntfy.example/t"},
		Incidents: []models.PageIncident{{Incident: models.Incident{Title: "A", Severity: models.SeverityLow}}, {Incident: models.Incident{Title: "B", Severity: models.SeverityHigh}}}}
	_, body, err = ntfyMessage(bundle)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(body, &m)
	if m["title"] != "2 incidents paged you" || m["priority"] != float64(4) || !strings.Contains(m["message"].(string), "B") {
		t.Fatalf("bundle %v", m)
	}
	for _, bad := range []string{"ftp://x/y", "https://ntfy.example/", "not a url"} {
		if _, _, err := ntfyMessage(&models.OutgoingNotification{Notification: models.Notification{Recipient: bad}}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

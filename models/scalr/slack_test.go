package scalr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlackMessage(t *testing.T) {
	full := map[string]string{
		VarIncidentID:            "42",
		VarIncidentTitle:         "CPU > 90% on <web> & db",
		VarIncidentSeverity:      "critical",
		VarIncidentStatus:        "triggered",
		VarIncidentComponentName: "Checkout API",
		VarIncidentAlarmARN:      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high",
		VarIncidentURL:           "https://switchboard.example.com/incidents/42",
		"SCALR_EVENT_NAME":       "IncidentOpened",
	}
	t.Run("OKGolden", func(t *testing.T) {
		got, err := SlackMessage(EventIncidentOpened, full)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"text":":rotating_light: Incident opened: <https://switchboard.example.com/incidents/42|CPU &gt; 90% on &lt;web&gt; &amp; db> on Checkout API (critical)",` +
			`"blocks":[{"type":"header","text":{"type":"plain_text","text":":rotating_light: Incident opened: CPU > 90% on <web> & db","emoji":true}},` +
			`{"type":"section","fields":[{"type":"mrkdwn","text":"*Severity*\ncritical"},{"type":"mrkdwn","text":"*Status*\ntriggered"},` +
			`{"type":"mrkdwn","text":"*Component*\nCheckout API"},{"type":"mrkdwn","text":"*Incident*\n42"}]},` +
			`{"type":"context","elements":[{"type":"mrkdwn","text":"CloudWatch alarm: arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high"}]},` +
			`{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Open incident"},"url":"https://switchboard.example.com/incidents/42"}]}]}`
		if string(got) != want {
			t.Fatalf("Slack body differs\n got: %s\nwant: %s", got, want)
		}
	})
	t.Run("OKResolvedMinimal", func(t *testing.T) {
		got, err := SlackMessage(EventIncidentResolved, map[string]string{VarIncidentStatus: "resolved"})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"text":":white_check_mark: Incident resolved: (untitled)","blocks":[` +
			`{"type":"header","text":{"type":"plain_text","text":":white_check_mark: Incident resolved: (untitled)","emoji":true}},` +
			`{"type":"section","fields":[{"type":"mrkdwn","text":"*Status*\nresolved"}]}]}`
		if string(got) != want {
			t.Fatalf("Slack body differs\n got: %s\nwant: %s", got, want)
		}
	})
	t.Run("OKNoFieldsNoSection", func(t *testing.T) {
		got := mustSlack(t, EventIncidentAcknowledged, nil)
		if len(got.Blocks) != 1 || got.Blocks[0]["type"] != "header" {
			t.Fatalf("blocks = %v, want only the header", got.Blocks)
		}
		if !strings.HasPrefix(got.Text, ":eyes: Incident acknowledged") {
			t.Errorf("text = %q", got.Text)
		}
	})
	t.Run("OKUnsafeURLDropped", func(t *testing.T) {
		for _, u := range []string{
			"javascript:alert(1)",
			"/incidents/42",
			"https://x.example/a|b",
			"https://x.example/<b>",
			"https://x.example/a b",
			"ftp://x.example/",
			"https:///nohost",
		} {
			data := map[string]string{VarIncidentTitle: "t", VarIncidentURL: u}
			got := mustSlack(t, EventIncidentOpened, data)
			for _, b := range got.Blocks {
				if b["type"] == "actions" {
					t.Errorf("URL %q produced a button", u)
				}
			}
			if strings.Contains(got.Text, "<") {
				t.Errorf("URL %q produced a link: %q", u, got.Text)
			}
		}
	})
	t.Run("OKLongValuesCut", func(t *testing.T) {
		long := strings.Repeat("é&", 400)
		data := map[string]string{VarIncidentTitle: long, VarIncidentComponentName: long}
		got := mustSlack(t, EventIncidentOpened, data)
		header := got.Blocks[0]["text"].(map[string]any)["text"].(string)
		if n := utf8.RuneCountInString(header); n != 150 || !strings.HasSuffix(header, "…") {
			t.Errorf("header has %d characters (want 150 ending with …): %q", n, header)
		}
		field := got.Blocks[1]["fields"].([]any)[0].(map[string]any)["text"].(string)
		for _, s := range []string{got.Text, field} {
			if !utf8.ValidString(s) || !wellEscaped(s) {
				t.Errorf("text cut or escaped badly: %q", s)
			}
		}
		if n := utf8.RuneCountInString(field); n > 2000 {
			t.Errorf("field has %d characters, Slack allows 2000", n)
		}
	})
	t.Run("ErrNotIncidentEvent", func(t *testing.T) {
		for _, name := range []string{"HostUp", "", "incidentopened"} {
			if _, err := SlackMessage(name, full); !errors.Is(err, ErrNotIncidentEvent) {
				t.Errorf("SlackMessage(%q) error = %v, want ErrNotIncidentEvent", name, err)
			}
		}
	})
}

type slackDecoded struct {
	Text   string           `json:"text"`
	Blocks []map[string]any `json:"blocks"`
}

func mustSlack(t *testing.T, event string, data map[string]string) slackDecoded {
	t.Helper()
	b, err := SlackMessage(event, data)
	if err != nil {
		t.Fatal(err)
	}
	var d slackDecoded
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return d
}

// wellEscaped reports whether every '&' starts one of the three mrkdwn entities.
func wellEscaped(s string) bool {
	for i := strings.IndexByte(s, '&'); i >= 0; i = strings.IndexByte(s, '&') {
		rest := s[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			return false
		}
		s = rest[1:]
	}
	return true
}

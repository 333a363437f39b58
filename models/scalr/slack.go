package scalr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Incident events and their variables (design §5, §6.3).
const (
	EventIncidentOpened       = "IncidentOpened"
	EventIncidentAcknowledged = "IncidentAcknowledged"
	EventIncidentResolved     = "IncidentResolved"

	VarIncidentID            = "SCALR_INCIDENT_ID"
	VarIncidentTitle         = "SCALR_INCIDENT_TITLE"
	VarIncidentSeverity      = "SCALR_INCIDENT_SEVERITY"
	VarIncidentStatus        = "SCALR_INCIDENT_STATUS"
	VarIncidentComponentName = "SCALR_INCIDENT_COMPONENT_NAME"
	VarIncidentAlarmARN      = "SCALR_INCIDENT_ALARM_ARN"
	VarIncidentURL           = "SCALR_INCIDENT_URL"
)

// ErrNotIncidentEvent reports a Slack rendering asked for an event that is not an incident event.
var ErrNotIncidentEvent = errors.New("scalr: not an incident event")

// Slack limits (Block Kit): header text 150 characters, section field and context text 2000,
// button URL 3000. Values are cut before escaping (so an entity is never cut in half) to a length
// whose escaped form, at most 5 times longer, still fits.
const (
	slackHeaderMax = 150
	slackValueMax  = 300
	slackURLMax    = 3000
)

var slackEvents = map[string]struct{ emoji, verb string }{
	EventIncidentOpened:       {":rotating_light:", "Incident opened"},
	EventIncidentAcknowledged: {":eyes:", "Incident acknowledged"},
	EventIncidentResolved:     {":white_check_mark:", "Incident resolved"},
}

type slackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

type slackElement struct {
	Type string     `json:"type"`
	Text *slackText `json:"text,omitempty"`
	URL  string     `json:"url,omitempty"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []any       `json:"elements,omitempty"`
}

type slackBody struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// SlackMessage renders an incident event as a Slack incoming-webhook body: "text" (the
// notification fallback) and "blocks" (header, a fields section, the alarm ARN as context, a
// button to the incident). Absent or empty variables are left out; a missing title reads
// "(untitled)". User-provided text is escaped for mrkdwn (&, <, >) and cut to Slack's limits. The
// URL becomes a link and a button only when it is an absolute http(s) URL. Events other than the
// three incident events give ErrNotIncidentEvent.
func SlackMessage(eventName string, data map[string]string) ([]byte, error) {
	ev, ok := slackEvents[eventName]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotIncidentEvent, eventName)
	}
	title := strings.TrimSpace(data[VarIncidentTitle])
	if title == "" {
		title = "(untitled)"
	}
	component := data[VarIncidentComponentName]
	severity := data[VarIncidentSeverity]
	link := slackURL(data[VarIncidentURL])

	// Fallback text, shown in notifications and by clients without Block Kit.
	var text strings.Builder
	text.WriteString(ev.emoji + " " + ev.verb + ": ")
	if link != "" {
		text.WriteString("<" + link + "|" + slackEscape(truncate(title, slackValueMax)) + ">")
	} else {
		text.WriteString(slackEscape(truncate(title, slackValueMax)))
	}
	if component != "" {
		text.WriteString(" on " + slackEscape(truncate(component, slackValueMax)))
	}
	if severity != "" {
		text.WriteString(" (" + slackEscape(truncate(severity, slackValueMax)) + ")")
	}

	blocks := []slackBlock{{
		Type: "header",
		Text: &slackText{Type: "plain_text", Text: truncate(ev.emoji+" "+ev.verb+": "+title, slackHeaderMax), Emoji: true},
	}}
	var fields []slackText
	for _, f := range []struct{ label, name string }{
		{"Severity", VarIncidentSeverity},
		{"Status", VarIncidentStatus},
		{"Component", VarIncidentComponentName},
		{"Incident", VarIncidentID},
	} {
		if v := data[f.name]; v != "" {
			fields = append(fields, slackText{Type: "mrkdwn", Text: "*" + f.label + "*\n" + slackEscape(truncate(v, slackValueMax))})
		}
	}
	if len(fields) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Fields: fields})
	}
	if arn := data[VarIncidentAlarmARN]; arn != "" {
		blocks = append(blocks, slackBlock{Type: "context", Elements: []any{
			slackText{Type: "mrkdwn", Text: "CloudWatch alarm: " + slackEscape(truncate(arn, slackValueMax))},
		}})
	}
	if link != "" {
		blocks = append(blocks, slackBlock{Type: "actions", Elements: []any{
			slackElement{Type: "button", Text: &slackText{Type: "plain_text", Text: "Open incident"}, URL: link},
		}})
	}
	return encodeJSON(slackBody{Text: text.String(), Blocks: blocks})
}

// slackEscape escapes the three characters mrkdwn gives a meaning to.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackURL returns raw when it is an absolute http(s) URL that fits in a button and cannot break
// out of the <url|label> link syntax; "" otherwise.
func slackURL(raw string) string {
	if raw == "" || len(raw) > slackURLMax || strings.ContainsAny(raw, "<>| \t\r\n") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return raw
}

// truncate cuts s to at most max characters, ending with "…" when cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

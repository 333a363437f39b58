// Package links builds the URLs that Switchboard puts in front of people: links into the console
// (incident pages in webhook payloads, Slack messages and mail) and the public endpoints of this
// installation (SNS webhook URLs, approval callbacks). It is pure: no I/O, one base URL.
//
// Every link that leaves the server is built here, so a console route that moves is changed in
// one place; the console's router (frontend/src/app/router.tsx) must serve every path built here,
// which the end-to-end tests check in a browser.
package links

import (
	"net/url"
	"strings"
)

// Builder builds absolute links from the installation's public URL (SWITCHBOARD_PUBLIC_URL).
// The zero value builds nothing: every method returns "" (a link that cannot be made is left out,
// never made relative).
type Builder struct {
	base string
}

// New returns a Builder for the public base URL, e.g. "https://switchboard.example.com" or
// "https://example.com/switchboard"; a trailing slash is ignored.
func New(base string) Builder {
	return Builder{base: strings.TrimRight(strings.TrimSpace(base), "/")}
}

// Base is the public base URL without a trailing slash.
func (b Builder) Base() string { return b.base }

// join appends escaped path segments to the base.
func (b Builder) join(segments ...string) string {
	if b.base == "" {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(b.base)
	for _, s := range segments {
		sb.WriteByte('/')
		sb.WriteString(url.PathEscape(s))
	}
	return sb.String()
}

// account builds a console path inside an account: /accounts/{account}/{kind}/{id}.
func (b Builder) account(accountID string, rest ...string) string {
	if accountID == "" {
		return ""
	}
	return b.join(append([]string{"accounts", accountID}, rest...)...)
}

// Console is the console's home page.
func (b Builder) Console() string {
	if b.base == "" {
		return ""
	}
	return b.base + "/"
}

// Invitation is the console page where an invited person accepts (public: the token is the
// credential).
func (b Builder) Invitation(token string) string { return b.join("invite", token) }

// Members is an account's members page.
func (b Builder) Members(accountID string) string { return b.account(accountID, "members") }

// Incident is the console page of an incident.
func (b Builder) Incident(accountID, incidentID string) string {
	return b.account(accountID, "incidents", incidentID)
}

// Incidents is the console's incident list of an account.
func (b Builder) Incidents(accountID string) string { return b.account(accountID, "incidents") }

// Approval is the console page of an approval request.
func (b Builder) Approval(accountID, approvalID string) string {
	return b.account(accountID, "approvals", approvalID)
}

// Farm is the console page of a farm.
func (b Builder) Farm(accountID, farmID string) string { return b.account(accountID, "farms", farmID) }

// Integration is the console page of an AWS integration.
func (b Builder) Integration(accountID, integrationID string) string {
	return b.account(accountID, "integrations", integrationID)
}

// Endpoints is the console's endpoint list of an account.
func (b Builder) Endpoints(accountID string) string { return b.account(accountID, "endpoints") }

// Event is the console page of an event and its deliveries.
func (b Builder) Event(accountID, eventID string) string {
	return b.account(accountID, "events", eventID)
}

// SNSWebhook is the URL that Amazon SNS posts an integration's messages to. The token is a
// secret: the URL is shown once.
func (b Builder) SNSWebhook(token string) string { return b.join("webhooks", "aws", token) }

// Action is the page of a signed single-use link (acknowledge or resolve from a mail): a GET
// shows what it does, a POST acts.
func (b Builder) Action(token string) string { return b.join("links", token) }

// ContactVerify is the page that verifies a contact method's address (a signed link: GET shows
// a button, POST verifies).
func (b Builder) ContactVerify(token string) string { return b.join("verify", token) }

// CalendarFeed is the secret iCalendar URL of a schedule or of one person's shifts.
func (b Builder) CalendarFeed(token string) string { return b.join("calendar", token) }

// SlackInteractivity is the Slack app's interactivity request URL (buttons, modals).
func (b Builder) SlackInteractivity() string { return b.join("integrations", "slack", "interactivity") }

// SlackCommands is the Slack app's slash command request URL.
func (b Builder) SlackCommands() string { return b.join("integrations", "slack", "commands") }

// SlackLink is the console page where a person, once signed in, links their Slack user to
// their Switchboard user with the signed token Slack showed them.
func (b Builder) SlackLink(token string) string {
	u := b.join("slack", "link")
	if u == "" {
		return ""
	}
	return u + "?token=" + url.QueryEscape(token)
}

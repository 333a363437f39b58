package server

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// Signed single-use links from pages (docs/oncall.md): GET /links/:token shows what the link
// does and a button, and changes nothing (mail scanners fetch links); POST /links/:token acts,
// once, as the paged person. No login is needed: the token is the authority.

var linkPage = template.Must(template.New("link").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Heading}} · Switchboard</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f6feb;color:#fff;cursor:pointer}
.muted{color:#656d76}</style></head><body>
<h1>{{.Heading}}</h1>
{{if .Title}}<p><strong>{{.Title}}</strong>{{if .Severity}} <span class="muted">({{.Severity}}, {{.Status}})</span>{{end}}</p>{{end}}
<p>{{.Message}}</p>
{{if .Button}}<form method="post"><button type="submit">{{.Button}}</button></form>
<p class="muted">This link works once, without signing in, as {{.User}}.</p>{{end}}
{{if .Console}}<p><a href="{{.Console}}">Open the incident in Switchboard</a></p>{{end}}
</body></html>`))

type linkView struct {
	Heading, Title, Severity, Status, Message, Button, User, Console string
}

func (m *Main) renderLink(c echo.Context, status int, v linkView) error {
	h := c.Response().Header()
	// The token is in the URL: no caching, no referrer to the console link, no framing.
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	var b bytes.Buffer
	if err := linkPage.Execute(&b, v); err != nil {
		return err
	}
	return c.HTMLBlob(status, b.Bytes())
}

// linkError shows why a link does nothing: 410 for an expired or used link, 403 when its person
// can no longer act, 400 for a link that is not one.
func (m *Main) linkError(c echo.Context, err error) error {
	code := models.CodeOf(err)
	msg := models.ErrorMessage(err)
	switch code {
	case models.ECONFLICT:
		return m.renderLink(c, http.StatusGone, linkView{Heading: "Link already used", Message: msg + ". Open the incident in Switchboard to see where it stands."})
	case models.EFORBIDDEN:
		return m.renderLink(c, http.StatusForbidden, linkView{Heading: "Link not usable", Message: msg + "."})
	case models.EINVALID:
		status := http.StatusBadRequest
		if msg == "this link has expired" {
			status = http.StatusGone
		}
		return m.renderLink(c, status, linkView{Heading: "Link not valid", Message: msg + ". Links in pages work once, for 24 hours."})
	}
	m.Log.ErrorContext(c.Request().Context(), "incident link failed", "err", err)
	return m.renderLink(c, http.StatusInternalServerError, linkView{Heading: "Something went wrong", Message: "Try again in a moment."})
}

func (m *Main) linkIncidentView(l *models.IncidentLink) linkView {
	name := l.User.Name
	if name == "" {
		name = l.User.Email
	}
	return linkView{Title: l.Incident.Title, Severity: string(l.Incident.Severity), Status: string(l.Incident.Status), User: name,
		Console: m.Store.Links().Incident(l.Incident.AccountID, l.Incident.ID)}
}

// handleLinkPage is GET /links/:token: it shows the action and a button; it acts on nothing.
func (m *Main) handleLinkPage(c echo.Context) error {
	l, err := m.Store.PeekIncidentLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return m.linkError(c, err)
	}
	v := m.linkIncidentView(l)
	v.Heading = l.Verb() + " this incident?"
	v.Button = l.Verb()
	v.Message = "Press the button to " + map[string]string{"Acknowledge": "acknowledge the incident: its escalation stops.", "Resolve": "resolve the incident."}[l.Verb()]
	return m.renderLink(c, http.StatusOK, v)
}

// handleLinkAction is POST /links/:token: it uses the link.
func (m *Main) handleLinkAction(c echo.Context) error {
	l, err := m.Store.UseIncidentLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return m.linkError(c, err)
	}
	v := m.linkIncidentView(l)
	past := map[string]string{"Acknowledge": "acknowledged", "Resolve": "resolved"}[l.Verb()]
	v.Status = string(l.Incident.Status)
	if l.Done {
		v.Heading = "Incident " + past
		v.Message = "Done: the incident is " + past + " by " + v.User + "."
	} else {
		v.Heading = "Nothing to do"
		v.Message = "The incident was already " + string(l.Incident.Status) + "; nothing changed."
	}
	v.User = ""
	return m.renderLink(c, http.StatusOK, v)
}

// linkBodyLimit bounds a link POST: an empty form.
const linkBodyLimit = "4K"

package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// On-call routes without a login: the address verification link (GET shows a button, POST
// verifies: mail scanners prefetch links) and the secret iCalendar feeds.

func (m *Main) registerOnCall(e *echo.Echo) {
	e.GET("/verify/:token", m.handleVerifyPage)
	e.POST("/verify/:token", m.handleVerify)
	e.GET("/calendar/:token", m.handleCalendarFeed)
	e.HEAD("/calendar/:token", m.handleCalendarFeed)
}

var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Title}} · Switchboard</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#1c7ed6;color:#fff;cursor:pointer}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Message}}</p>
{{if .Action}}<form method="post" action="{{.Action}}"><button type="submit">Confirm {{.Address}}</button></form>{{end}}
</body></html>`))

type verifyView struct {
	Title, Message, Address, Action string
}

func (m *Main) renderVerify(c echo.Context, status int, v verifyView) error {
	var sb strings.Builder
	if err := verifyPage.Execute(&sb, v); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	return c.HTML(status, sb.String())
}

func linkRefusal(err error) (int, verifyView) {
	status := http.StatusBadRequest
	switch models.CodeOf(err) {
	case models.ECONFLICT:
		status = http.StatusConflict
	case models.ENOTFOUND:
		status = http.StatusNotFound
	case models.EINTERNAL:
		return http.StatusInternalServerError, verifyView{Title: "Something went wrong", Message: "Try the link again in a moment."}
	}
	return status, verifyView{Title: "This link cannot be used", Message: models.ErrorMessage(err)}
}

// handleVerifyPage is GET /verify/:token: it checks the link and shows a button; nothing changes.
func (m *Main) handleVerifyPage(c echo.Context) error {
	v, err := m.Store.PeekContactVerification(c.Request().Context(), c.Param("token"))
	if err != nil {
		if models.CodeOf(err) == models.EINTERNAL {
			m.Log.ErrorContext(c.Request().Context(), "verification page failed", "err", err)
		}
		status, view := linkRefusal(err)
		return m.renderVerify(c, status, view)
	}
	return m.renderVerify(c, http.StatusOK, verifyView{
		Title: "Confirm your notification address", Address: v.Address,
		Message: "Switchboard will page " + v.Address + " when you are on call, once you confirm it.",
		Action:  c.Request().URL.Path,
	})
}

// handleVerify is POST /verify/:token: the link is used once and the address verified.
func (m *Main) handleVerify(c echo.Context) error {
	v, err := m.Store.VerifyContactMethod(c.Request().Context(), c.Param("token"))
	if err != nil {
		if models.CodeOf(err) == models.EINTERNAL {
			m.Log.ErrorContext(c.Request().Context(), "verification failed", "err", err)
		}
		status, view := linkRefusal(err)
		return m.renderVerify(c, status, view)
	}
	return m.renderVerify(c, http.StatusOK, verifyView{Title: "Address confirmed", Message: v.Address + " will now be used to page you."})
}

// handleCalendarFeed is GET /calendar/:token: the feed's shifts as text/calendar. An unknown
// or revoked token is 404, like a path that does not exist.
func (m *Main) handleCalendarFeed(c echo.Context) error {
	ctx := c.Request().Context()
	feed, err := m.Store.ReadCalendarFeed(ctx, c.Param("token"))
	if err != nil {
		if models.CodeOf(err) == models.ENOTFOUND {
			return errorJSON(c, http.StatusNotFound, models.ENOTFOUND, "", "not found")
		}
		return m.appError(c, err)
	}
	body := CalendarICS(feed, time.Now().UTC())
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-cache") // a revoked feed stops at once
	h.Set("Referrer-Policy", "no-referrer")
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", []byte(body))
}

// CalendarICS renders a feed as iCalendar. Times are UTC; each shift's UID is stable (its
// schedule, person, origin and start), so calendar apps update rather than duplicate events.
func CalendarICS(feed *models.CalendarFeedContent, now time.Time) string {
	cal := ics.NewCalendarFor("Switchboard")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(feed.Title)
	cal.SetXWRCalName(feed.Title)
	cal.SetXWRTimezone(feed.TimeZone)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, sh := range feed.Shifts {
		origin := "layer"
		originID := ""
		switch {
		case sh.Override != nil:
			origin, originID = "override", sh.Override.ID
		case sh.Layer != nil:
			originID = sh.Layer.ID
		}
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%s|%s|%d", sh.ScheduleID, sh.UserID, origin, originID, sh.Start.Unix())))
		ev := cal.AddEvent(hex.EncodeToString(sum[:16]) + "@switchboard")
		ev.SetDtStampTime(now)
		ev.SetStartAt(sh.Start.UTC())
		ev.SetEndAt(sh.End.UTC())
		name := sh.UserName
		if name == "" {
			name = "someone"
		}
		ev.SetSummary(fmt.Sprintf("On call: %s (%s)", name, sh.ScheduleName))
		desc := fmt.Sprintf("%s is on call on schedule %q", name, sh.ScheduleName)
		if sh.Override != nil {
			desc += " (override)"
		} else if sh.Layer != nil && sh.Layer.Name != "" {
			desc += fmt.Sprintf(" (layer %q)", sh.Layer.Name)
		}
		ev.SetDescription(desc + ".")
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
	}
	return cal.Serialize()
}

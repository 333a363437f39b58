package statuspage

import (
	"net/http"
	"sort"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gorilla/feeds"
	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// Feeds of a page: Atom and RSS of its incidents and maintenance (gorilla/feeds), and an
// iCalendar feed of its maintenance windows (golang-ical), each a cached document like the
// pages.

// abs joins a page URL ("https://x/status/slug" or "https://host/") and a path ("/history").
func abs(pageURL, path string) string {
	return strings.TrimSuffix(pageURL, "/") + path
}

func (h *Handler) feed(e *entry, base string) *feeds.Feed {
	s := e.snap
	pageURL := h.pageURL(e.page, base)
	f := &feeds.Feed{
		Title:       s.Page.Name + " status",
		Link:        &feeds.Link{Href: pageURL},
		Description: "Incidents and maintenance of " + s.Page.Name,
		Id:          pageURL,
		Created:     s.Page.CreatedAt,
		Updated:     s.Page.UpdatedAt,
	}
	if s.Page.Headline != "" {
		f.Description = s.Page.Headline
	}
	for _, inc := range s.Incidents {
		var b strings.Builder
		for i := len(inc.Updates) - 1; i >= 0; i-- {
			u := inc.Updates[i]
			b.WriteString(publicStatusText[u.Status] + " (" + u.CreatedAt.In(s.Loc).Format("2 Jan 15:04 MST") + "): " + u.Message + "\n")
		}
		link := abs(pageURL, "/incidents/"+inc.ID)
		f.Items = append(f.Items, &feeds.Item{
			Title: inc.Title + " (" + publicStatusText[inc.Status] + ")", Link: &feeds.Link{Href: link}, Id: link,
			Description: strings.TrimSpace(b.String()), Created: inc.CreatedAt, Updated: inc.UpdatedAt,
		})
		if inc.UpdatedAt.After(f.Updated) {
			f.Updated = inc.UpdatedAt
		}
	}
	for _, w := range s.Maintenance {
		if w.Status == models.MaintenanceCancelled {
			continue
		}
		link := abs(pageURL, "/maintenance/"+w.ID)
		desc := "Scheduled maintenance from " + w.StartsAt.In(s.Loc).Format("Mon 2 Jan 2006 15:04 MST") + " to " + w.EndsAt.In(s.Loc).Format("Mon 2 Jan 2006 15:04 MST") + " (" + maintText[w.Status] + ")."
		if w.Message != "" {
			desc += "\n" + w.Message
		}
		f.Items = append(f.Items, &feeds.Item{
			Title: "Maintenance: " + w.Title, Link: &feeds.Link{Href: link}, Id: link,
			Description: desc, Created: w.CreatedAt, Updated: w.UpdatedAt,
		})
		if w.UpdatedAt.After(f.Updated) {
			f.Updated = w.UpdatedAt
		}
	}
	sort.SliceStable(f.Items, func(i, j int) bool { return f.Items[i].Created.After(f.Items[j].Created) })
	return f
}

func (h *Handler) handleFeed(kind string) echo.HandlerFunc {
	ctype := "application/atom+xml; charset=utf-8"
	if kind == "rss" {
		ctype = "application/rss+xml; charset=utf-8"
	}
	key := "feed." + kind
	render := func(e *entry, base string) (*doc, error) {
		f := h.feed(e, base)
		var (
			out string
			err error
		)
		if kind == "rss" {
			out, err = f.ToRss()
		} else {
			out, err = f.ToAtom()
		}
		if err != nil {
			return nil, err
		}
		return newDoc(http.StatusOK, ctype, []byte(out)), nil
	}
	return func(c echo.Context) error { return h.serve(c, key, ctype, render) }
}

// maintenanceICS is the page's maintenance windows as iCalendar events (UTC); a window's UID
// is its id, so calendar apps update rather than duplicate it, and cancelled windows are
// STATUS:CANCELLED.
func (h *Handler) maintenanceICS(e *entry, base string, now time.Time) string {
	s := e.snap
	pageURL := h.pageURL(e.page, base)
	cal := ics.NewCalendarFor("Switchboard")
	cal.SetMethod(ics.MethodPublish)
	name := s.Page.Name + " maintenance"
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, w := range s.Maintenance {
		ev := cal.AddEvent(w.ID + "@switchboard")
		ev.SetDtStampTime(now)
		ev.SetCreatedTime(w.CreatedAt)
		ev.SetModifiedAt(w.UpdatedAt)
		ev.SetStartAt(w.StartsAt.UTC())
		ev.SetEndAt(w.EndsAt.UTC())
		ev.SetSummary(w.Title)
		var comps []string
		for _, id := range w.ComponentIDs {
			if c := s.Component(id); c != nil {
				comps = append(comps, c.Name)
			}
		}
		desc := w.Message
		if len(comps) > 0 {
			desc = strings.TrimSpace(desc + "\n\nComponents: " + strings.Join(comps, ", "))
		}
		if desc != "" {
			ev.SetDescription(desc)
		}
		ev.SetURL(abs(pageURL, "/maintenance/"+w.ID))
		switch w.Status {
		case models.MaintenanceCancelled:
			ev.SetStatus(ics.ObjectStatusCancelled)
		default:
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.Serialize()
}

func (h *Handler) handleICS(c echo.Context) error {
	const ctype = "text/calendar; charset=utf-8"
	return h.serve(c, "maintenance.ics", ctype, func(e *entry, base string) (*doc, error) {
		return newDoc(http.StatusOK, ctype, []byte(h.maintenanceICS(e, base, time.Now().UTC()))), nil
	})
}

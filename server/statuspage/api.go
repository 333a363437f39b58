package statuspage

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// The Statuspage-compatible JSON API (docs/statuspages.md "Statuspage-compatible JSON"): the
// documents, field names and value sets of Atlassian Statuspage's public /api/v2, so widgets,
// monitors and aggregators that read Statuspage pages read these unchanged. Absent values are
// null, never missing; groups are components with "group": true in the same list.

var apiDocs = []string{
	"summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
	"scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
}

// apiTime is Statuspage's timestamp: RFC 3339 with milliseconds, in the page's zone.
func apiTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02T15:04:05.000Z07:00")
}

func apiTimePtr(t *time.Time, loc *time.Location) *string {
	if t == nil {
		return nil
	}
	s := apiTime(*t, loc)
	return &s
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type apiPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type apiStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type apiComponent struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          string    `json:"created_at"`
	UpdatedAt          string    `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         *[]string `json:"components,omitempty"`
}

type apiAffected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

type apiUpdate struct {
	ID                   string         `json:"id"`
	Status               string         `json:"status"`
	Body                 string         `json:"body"`
	IncidentID           string         `json:"incident_id"`
	CreatedAt            string         `json:"created_at"`
	UpdatedAt            string         `json:"updated_at"`
	DisplayAt            string         `json:"display_at"`
	AffectedComponents   *[]apiAffected `json:"affected_components"`
	DeliverNotifications bool           `json:"deliver_notifications"`
	CustomTweet          *string        `json:"custom_tweet"`
	TweetID              *string        `json:"tweet_id"`
}

type apiIncident struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	MonitoringAt    *string        `json:"monitoring_at"`
	ResolvedAt      *string        `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       string         `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []apiUpdate    `json:"incident_updates"`
	Components      []apiComponent `json:"components"`
	// Scheduled maintenance only.
	ScheduledFor   *string `json:"scheduled_for,omitempty"`
	ScheduledUntil *string `json:"scheduled_until,omitempty"`
}

// apiModel builds the JSON documents of one snapshot.
type apiModel struct {
	s       *models.PageSnapshot
	pageURL string
	base    string
	comps   map[string]apiComponent
}

func groupID(pageID, name string) string {
	ns, err := uuid.Parse(pageID)
	if err != nil {
		ns = uuid.NameSpaceURL
	}
	return uuid.NewSHA1(ns, []byte("group:"+name)).String()
}

func newAPIModel(s *models.PageSnapshot, pageURL, base string) *apiModel {
	return &apiModel{s: s, pageURL: pageURL, base: base, comps: map[string]apiComponent{}}
}

func (m *apiModel) page() apiPage {
	s := m.s
	upd := s.Page.UpdatedAt
	for _, c := range s.Components {
		if c.UpdatedAt.After(upd) {
			upd = c.UpdatedAt
		}
	}
	for _, i := range s.Incidents {
		if i.UpdatedAt.After(upd) {
			upd = i.UpdatedAt
		}
	}
	for _, w := range s.Maintenance {
		if w.UpdatedAt.After(upd) {
			upd = w.UpdatedAt
		}
	}
	return apiPage{ID: s.Page.ID, Name: s.Page.Name, URL: m.pageURL, TimeZone: s.Loc.String(), UpdatedAt: apiTime(upd, s.Loc)}
}

// components lists the page's groups and components in Statuspage's shape: a group is a
// component with group: true naming its components' ids; its status is its worst component's.
func (m *apiModel) components() []apiComponent {
	s := m.s
	out := []apiComponent{}
	pos := 0
	for _, g := range s.Groups {
		var gid *string
		if g.Name != "" {
			id := groupID(s.Page.ID, g.Name)
			gid = &id
			pos++
			ids := []string{}
			worst := statuses[models.StatusOperational]
			created, updated := s.Page.CreatedAt, s.Page.UpdatedAt
			for _, c := range g.Components {
				ids = append(ids, c.ID)
				if i := infoOf(c.Status); i.rank > worst.rank {
					worst = i
				}
				if c.CreatedAt.Before(created) {
					created = c.CreatedAt
				}
				if c.UpdatedAt.After(updated) {
					updated = c.UpdatedAt
				}
			}
			st := models.StatusOperational
			for k, v := range statuses {
				if v == worst {
					st = k
				}
			}
			out = append(out, apiComponent{ID: id, Name: g.Name, Status: string(st), CreatedAt: apiTime(created, s.Loc), UpdatedAt: apiTime(updated, s.Loc),
				Position: pos, PageID: s.Page.ID, Group: true, Components: &ids})
		}
		for _, c := range g.Components {
			pos++
			ac := apiComponent{ID: c.ID, Name: c.Name, Status: string(c.Status), CreatedAt: apiTime(c.CreatedAt, s.Loc), UpdatedAt: apiTime(c.UpdatedAt, s.Loc),
				Position: pos, Description: nullIfEmpty(c.Description), Showcase: true, GroupID: gid, PageID: s.Page.ID}
			m.comps[c.ID] = ac
			out = append(out, ac)
		}
	}
	return out
}

func (m *apiModel) incident(inc *models.SnapshotIncident) apiIncident {
	s := m.s
	if len(m.comps) == 0 {
		m.components()
	}
	ai := apiIncident{ID: inc.ID, Name: inc.Title, Status: string(inc.Status), CreatedAt: apiTime(inc.CreatedAt, s.Loc), UpdatedAt: apiTime(inc.UpdatedAt, s.Loc),
		ResolvedAt: apiTimePtr(inc.ResolvedAt, s.Loc), Impact: string(inc.Impact), Shortlink: m.pageURL + "/incidents/" + inc.ID,
		StartedAt: apiTime(inc.CreatedAt, s.Loc), PageID: s.Page.ID, IncidentUpdates: []apiUpdate{}, Components: []apiComponent{}}
	if m.base == "" {
		ai.Shortlink = m.pageURL + "incidents/" + inc.ID
	}
	// Statuspage's monitoring_at: when the incident (last) moved to monitoring.
	prev := map[string]string{}
	ups := make([]apiUpdate, 0, len(inc.Updates))
	for _, u := range inc.Updates {
		if u.Status == models.PublicMonitoring {
			ai.MonitoringAt = apiTimePtr(&u.CreatedAt, s.Loc)
		}
		au := apiUpdate{ID: u.ID, Status: string(u.Status), Body: u.Message, IncidentID: inc.ID, CreatedAt: apiTime(u.CreatedAt, s.Loc),
			UpdatedAt: apiTime(u.CreatedAt, s.Loc), DisplayAt: apiTime(u.CreatedAt, s.Loc), DeliverNotifications: u.NotifySubscribers}
		if u.EditedAt != nil {
			au.UpdatedAt = apiTime(*u.EditedAt, s.Loc)
		}
		var affected []apiAffected
		var acs []models.AffectedComponent
		_ = json.Unmarshal([]byte(u.Components), &acs)
		for _, ac := range acs {
			c, ok := m.comps[ac.ComponentID]
			if !ok {
				continue // not on this page
			}
			old := prev[ac.ComponentID]
			if old == "" {
				old = string(models.StatusOperational)
			}
			affected = append(affected, apiAffected{Code: c.ID, Name: c.Name, OldStatus: old, NewStatus: string(ac.Status)})
			prev[ac.ComponentID] = string(ac.Status)
		}
		if affected != nil {
			au.AffectedComponents = &affected
		}
		ups = append(ups, au)
	}
	// Newest first, as Statuspage lists them.
	for i := len(ups) - 1; i >= 0; i-- {
		ai.IncidentUpdates = append(ai.IncidentUpdates, ups[i])
	}
	for _, pc := range inc.Components {
		if c, ok := m.comps[pc.ComponentID]; ok {
			ai.Components = append(ai.Components, c)
		}
	}
	return ai
}

// maintStatus maps a window's status to Statuspage's scheduled maintenance statuses.
var maintStatus = map[models.MaintenanceStatus]string{
	models.MaintenanceScheduled: "scheduled", models.MaintenanceInProgress: "in_progress",
	models.MaintenanceCompleted: "completed", models.MaintenanceCancelled: "completed",
}

func (m *apiModel) maintenance(w *models.SnapshotMaintenance) apiIncident {
	s := m.s
	if len(m.comps) == 0 {
		m.components()
	}
	st := maintStatus[w.Status]
	ai := apiIncident{ID: w.ID, Name: w.Title, Status: st, CreatedAt: apiTime(w.CreatedAt, s.Loc), UpdatedAt: apiTime(w.UpdatedAt, s.Loc),
		ResolvedAt: apiTimePtr(w.CompletedAt, s.Loc), Impact: "maintenance", Shortlink: m.pageURL + "/maintenance/" + w.ID,
		StartedAt: apiTime(w.StartsAt, s.Loc), PageID: s.Page.ID, Components: []apiComponent{},
		ScheduledFor: apiTimePtr(&w.StartsAt, s.Loc), ScheduledUntil: apiTimePtr(&w.EndsAt, s.Loc)}
	if m.base == "" {
		ai.Shortlink = m.pageURL + "maintenance/" + w.ID
	}
	if w.StartedAt != nil {
		ai.StartedAt = apiTime(*w.StartedAt, s.Loc)
	}
	var affected []apiAffected
	for _, id := range w.ComponentIDs {
		if c, ok := m.comps[id]; ok {
			ai.Components = append(ai.Components, c)
			affected = append(affected, apiAffected{Code: c.ID, Name: c.Name, OldStatus: string(models.StatusOperational), NewStatus: string(models.StatusUnderMaintenance)})
		}
	}
	// Windows carry one message: it reads as the window's one update.
	up := apiUpdate{ID: groupID(w.ID, "update"), Status: st, Body: w.Message, IncidentID: w.ID, CreatedAt: apiTime(w.CreatedAt, s.Loc),
		UpdatedAt: apiTime(w.UpdatedAt, s.Loc), DisplayAt: apiTime(w.CreatedAt, s.Loc), DeliverNotifications: w.NotifySubscribers}
	if affected != nil {
		up.AffectedComponents = &affected
	}
	ai.IncidentUpdates = []apiUpdate{up}
	return ai
}

func (m *apiModel) incidents(unresolvedOnly bool) []apiIncident {
	out := []apiIncident{}
	for _, inc := range m.s.Incidents {
		if unresolvedOnly && (inc.ResolvedAt != nil || inc.Status == models.PublicResolved) {
			continue
		}
		if len(out) == 50 {
			break
		}
		out = append(out, m.incident(inc))
	}
	return out
}

func (m *apiModel) maintenances(keep func(models.MaintenanceStatus) bool) []apiIncident {
	out := []apiIncident{}
	// Newest first, like Statuspage's lists.
	for i := len(m.s.Maintenance) - 1; i >= 0; i-- {
		w := m.s.Maintenance[i]
		if w.Status == models.MaintenanceCancelled || !keep(w.Status) {
			continue
		}
		if len(out) == 50 {
			break
		}
		out = append(out, m.maintenance(w))
	}
	return out
}

func (m *apiModel) status() apiStatus {
	r := rollup(m.s)
	return apiStatus{Indicator: r.Indicator, Description: r.Description}
}

// document builds one named document.
func (m *apiModel) document(name string) any {
	all := func(models.MaintenanceStatus) bool { return true }
	upcoming := func(st models.MaintenanceStatus) bool { return st == models.MaintenanceScheduled }
	active := func(st models.MaintenanceStatus) bool { return st == models.MaintenanceInProgress }
	open := func(st models.MaintenanceStatus) bool { return upcoming(st) || active(st) }
	page := m.page()
	switch name {
	case "summary.json":
		return struct {
			Page                  apiPage        `json:"page"`
			Components            []apiComponent `json:"components"`
			Incidents             []apiIncident  `json:"incidents"`
			ScheduledMaintenances []apiIncident  `json:"scheduled_maintenances"`
			Status                apiStatus      `json:"status"`
		}{page, m.components(), m.incidents(true), m.maintenances(open), m.status()}
	case "status.json":
		return struct {
			Page   apiPage   `json:"page"`
			Status apiStatus `json:"status"`
		}{page, m.status()}
	case "components.json":
		return struct {
			Page       apiPage        `json:"page"`
			Components []apiComponent `json:"components"`
		}{page, m.components()}
	case "incidents.json", "incidents/unresolved.json":
		m.components()
		return struct {
			Page      apiPage       `json:"page"`
			Incidents []apiIncident `json:"incidents"`
		}{page, m.incidents(name != "incidents.json")}
	}
	keep := all
	switch name {
	case "scheduled-maintenances/upcoming.json":
		keep = upcoming
	case "scheduled-maintenances/active.json":
		keep = active
	}
	m.components()
	return struct {
		Page                  apiPage       `json:"page"`
		ScheduledMaintenances []apiIncident `json:"scheduled_maintenances"`
	}{page, m.maintenances(keep)}
}

func (h *Handler) pageURL(p *models.StatusPage, base string) string {
	if base == "" && p.CustomHost != nil {
		return h.Store.PageURL(p)
	}
	return h.Store.PageURL(&models.StatusPage{Slug: p.Slug})
}

// handleAPI serves one JSON document; its cache key and render function are made once, not
// per request.
func (h *Handler) handleAPI(name string) echo.HandlerFunc {
	key := "api/" + name
	render := func(e *entry, base string) (*doc, error) {
		m := newAPIModel(e.snap, h.pageURL(e.page, base), base)
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m.document(name)); err != nil {
			return nil, err
		}
		return newDoc(http.StatusOK, "application/json", b.Bytes()), nil
	}
	return func(c echo.Context) error { return h.serve(c, key, "application/json", render) }
}

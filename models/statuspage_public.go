package models

import (
	"context"
	"sort"
	"time"

	"github.com/switchboard-hub/switchboard/models/uptime"
)

// The read side of a published page (docs/statuspages.md "Public side"): one snapshot holds
// everything the page's documents show, read in a few queries, so the public handler renders
// every document (HTML, JSON, feeds) of a page from one cached value.

// HistoryDays is how far back a page's history and uptime bars go.
const HistoryDays = 90

// SnapshotComponent is a component as a page shows it.
type SnapshotComponent struct {
	ID          string
	Name        string // the page's display name, else the component's name
	Description string
	Group       string
	Position    int
	// Status is the published status (operational when none was published).
	Status    ComponentStatus
	CreatedAt time.Time
	UpdatedAt time.Time
	// Uptime is the last HistoryDays days, oldest first (empty: no data yet).
	Uptime []uptime.Day
}

// SnapshotGroup is a group heading with its components, in page order ("" is ungrouped).
type SnapshotGroup struct {
	Name       string
	Components []*SnapshotComponent
}

// SnapshotIncident is a public incident with its updates (oldest first) and the page's
// components it names.
type SnapshotIncident struct {
	PublicIncident
	Updates    []PublicIncidentUpdate
	Components []PublicIncidentComponent
}

// SnapshotMaintenance is a maintenance window with the page's components it covers.
type SnapshotMaintenance struct {
	MaintenanceWindow
	ComponentIDs []string
}

// PageSnapshot is what a published page shows at one moment.
type PageSnapshot struct {
	Page       StatusPage
	Loc        *time.Location
	Now        time.Time
	Components []*SnapshotComponent
	Groups     []SnapshotGroup
	// Incidents: unresolved, and those resolved in the last HistoryDays days; newest first.
	Incidents []*SnapshotIncident
	// Maintenance: scheduled and in progress, and those completed or cancelled in the last
	// HistoryDays days (pages and JSON leave cancelled windows out; the calendar marks them
	// cancelled); by start.
	Maintenance []*SnapshotMaintenance
}

// Component returns the snapshot's component by id.
func (s *PageSnapshot) Component(id string) *SnapshotComponent {
	for _, c := range s.Components {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// StatusPageSnapshot reads what a page shows now. ENOTFOUND when the page does not exist.
func (s *Store) StatusPageSnapshot(ctx context.Context, pageID string) (*PageSnapshot, error) {
	db := s.db.WithContext(ctx)
	var p StatusPage
	if !validID(pageID) {
		return nil, notFound("status page")
	}
	if err := db.Where("id = ?", pageID).Limit(1).Find(&p).Error; err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, notFound("status page")
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.now()
	snap := &PageSnapshot{Page: p, Loc: loc, Now: now}

	var rows []struct {
		ComponentID  string
		GroupName    string
		Position     int
		DisplayName  string
		Name         string
		Description  string
		PublicStatus *ComponentStatus
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	if err := db.Table("status_page_components AS pc").
		Select("pc.component_id, pc.group_name, pc.position, pc.display_name, c.name, c.description, c.public_status, c.created_at, c.updated_at").
		Joins("JOIN components c ON c.id = pc.component_id").
		Where("pc.page_id = ?", p.ID).Order("pc.position, pc.component_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]string, len(rows))
	groupAt := map[string]int{}
	for i, r := range rows {
		c := &SnapshotComponent{ID: r.ComponentID, Name: r.Name, Description: r.Description, Group: r.GroupName, Position: r.Position,
			Status: StatusOperational, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
		if r.DisplayName != "" {
			c.Name = r.DisplayName
		}
		if r.PublicStatus != nil && r.PublicStatus.Valid() {
			c.Status = *r.PublicStatus
		}
		ids[i] = c.ID
		snap.Components = append(snap.Components, c)
		gi, ok := groupAt[c.Group]
		if !ok || c.Group == "" && len(snap.Groups) > 0 && snap.Groups[len(snap.Groups)-1].Name != "" {
			// Ungrouped components keep their place between groups.
			gi = len(snap.Groups)
			snap.Groups = append(snap.Groups, SnapshotGroup{Name: c.Group})
			groupAt[c.Group] = gi
		}
		snap.Groups[gi].Components = append(snap.Groups[gi].Components, c)
	}
	if len(ids) == 0 {
		return snap, nil
	}
	up, err := s.ComponentUptime(ctx, ids, StatusPublished, HistoryDays, loc)
	if err != nil {
		return nil, err
	}
	for _, c := range snap.Components {
		c.Uptime = up[c.ID]
	}

	since := now.AddDate(0, 0, -HistoryDays-1)
	var incs []PublicIncident
	if err := db.Where("id IN (SELECT public_incident_id FROM public_incident_components WHERE component_id IN ?)", ids).
		Where("resolved_at IS NULL OR resolved_at >= ? OR created_at >= ?", since, since).
		Order("created_at DESC, id DESC").Find(&incs).Error; err != nil {
		return nil, err
	}
	if len(incs) > 0 {
		incIDs := make([]string, len(incs))
		byID := map[string]*SnapshotIncident{}
		for i := range incs {
			incIDs[i] = incs[i].ID
			si := &SnapshotIncident{PublicIncident: incs[i]}
			byID[si.ID] = si
			snap.Incidents = append(snap.Incidents, si)
		}
		var ups []PublicIncidentUpdate
		if err := db.Where("public_incident_id IN ?", incIDs).Order("created_at, id").Find(&ups).Error; err != nil {
			return nil, err
		}
		for _, u := range ups {
			byID[u.PublicIncidentID].Updates = append(byID[u.PublicIncidentID].Updates, u)
		}
		var pics []PublicIncidentComponent
		if err := db.Where("public_incident_id IN ? AND component_id IN ?", incIDs, ids).Find(&pics).Error; err != nil {
			return nil, err
		}
		order := map[string]int{}
		for i, id := range ids {
			order[id] = i
		}
		sort.Slice(pics, func(i, j int) bool { return order[pics[i].ComponentID] < order[pics[j].ComponentID] })
		for _, pc := range pics {
			byID[pc.PublicIncidentID].Components = append(byID[pc.PublicIncidentID].Components, pc)
		}
	}

	var ws []MaintenanceWindow
	if err := db.Where("id IN (SELECT window_id FROM maintenance_components WHERE component_id IN ?)", ids).
		Where("status IN ? OR (status IN ? AND ends_at >= ?)", []MaintenanceStatus{MaintenanceScheduled, MaintenanceInProgress},
			[]MaintenanceStatus{MaintenanceCompleted, MaintenanceCancelled}, since).
		Order("starts_at, id").Find(&ws).Error; err != nil {
		return nil, err
	}
	if len(ws) > 0 {
		wIDs := make([]string, len(ws))
		byID := map[string]*SnapshotMaintenance{}
		for i := range ws {
			wIDs[i] = ws[i].ID
			sm := &SnapshotMaintenance{MaintenanceWindow: ws[i]}
			byID[sm.ID] = sm
			snap.Maintenance = append(snap.Maintenance, sm)
		}
		var mcs []MaintenanceComponent
		if err := db.Where("window_id IN ? AND component_id IN ?", wIDs, ids).Find(&mcs).Error; err != nil {
			return nil, err
		}
		order := map[string]int{}
		for i, id := range ids {
			order[id] = i
		}
		sort.Slice(mcs, func(i, j int) bool { return order[mcs[i].ComponentID] < order[mcs[j].ComponentID] })
		for _, mc := range mcs {
			byID[mc.WindowID].ComponentIDs = append(byID[mc.WindowID].ComponentIDs, mc.ComponentID)
		}
	}
	return snap, nil
}

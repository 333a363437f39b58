package statuspage

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/uptime"
)

// What the documents show, computed from a snapshot: pure, no I/O.

// statusInfo is how a component status reads: a class (colour), an icon and words, so the
// status never rests on colour alone.
type statusInfo struct {
	Class, Icon, Text string
	rank              int
}

var statuses = map[models.ComponentStatus]statusInfo{
	models.StatusOperational:         {"ok", "✓", "Operational", 0},
	models.StatusUnderMaintenance:    {"maint", "◆", "Under maintenance", 1},
	models.StatusDegradedPerformance: {"degraded", "!", "Degraded performance", 2},
	models.StatusPartialOutage:       {"partial", "◐", "Partial outage", 3},
	models.StatusMajorOutage:         {"major", "✕", "Major outage", 4},
}

func infoOf(s models.ComponentStatus) statusInfo {
	if i, ok := statuses[s]; ok {
		return i
	}
	return statuses[models.StatusOperational]
}

// indicator is Statuspage's page rollup: none, minor, major or critical, from the worst
// component status (degraded → minor, partial outage → major, major outage → critical) and the
// impact of the unresolved incidents, whichever is worse. Maintenance does not raise it.
type indicator struct {
	Indicator, Description, Class, Icon string
}

var impactRank = map[string]int{"none": 0, "minor": 1, "major": 2, "critical": 3}

func rollup(s *models.PageSnapshot) indicator {
	rank, maint := 0, false
	for _, c := range s.Components {
		switch c.Status {
		case models.StatusDegradedPerformance:
			rank = max(rank, 1)
		case models.StatusPartialOutage:
			rank = max(rank, 2)
		case models.StatusMajorOutage:
			rank = 3
		case models.StatusUnderMaintenance:
			maint = true
		}
	}
	for _, inc := range s.Incidents {
		if inc.ResolvedAt == nil && inc.Status != models.PublicResolved {
			rank = max(rank, impactRank[string(inc.Impact)])
		}
	}
	switch rank {
	case 1:
		return indicator{"minor", "Minor Service Outage", "degraded", "!"}
	case 2:
		return indicator{"major", "Partial System Outage", "partial", "◐"}
	case 3:
		return indicator{"critical", "Major System Outage", "major", "✕"}
	}
	if maint {
		return indicator{"none", "Service Under Maintenance", "maint", "◆"}
	}
	return indicator{"none", "All Systems Operational", "ok", "✓"}
}

type barView struct {
	Class string
	Label string
}

type componentView struct {
	ID, Name, Description string
	Status                statusInfo
	Bars                  []barView
	Uptime                string // "99.98 %" over the range, or "" without data
}

type groupView struct {
	Name       string
	Status     statusInfo
	Uptime     string
	Components []componentView
}

// days returns the last n day starts in loc ending with today's.
func days(now time.Time, loc *time.Location, n int) []time.Time {
	y, m, d := now.In(loc).Date()
	out := make([]time.Time, n)
	for i := range out {
		out[i] = uptime.DateStart(y, m, d+i-n+1, loc) // not always 00:00 (models/uptime)
	}
	return out
}

func pct(p float64) string {
	s := strconv.FormatFloat(p, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
	return strings.TrimSuffix(s, ".") + "%"
}

func dayLabel(t time.Time) string { return t.Format("Mon 2 Jan 2006") }

func durText(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// bars turns a component's days into one bar a day; days missing from the uptime (no data
// yet, or no uptime computed) read as "no data".
func bars(s *models.PageSnapshot, up []uptime.Day) ([]barView, string) {
	byDay := map[string]uptime.Day{}
	for _, d := range up {
		byDay[d.Date.In(s.Loc).Format(time.DateOnly)] = d
	}
	var sum float64
	var n int
	out := make([]barView, 0, models.HistoryDays)
	for _, day := range days(s.Now, s.Loc, models.HistoryDays) {
		d, ok := byDay[day.Format(time.DateOnly)]
		if !ok || d.Percent == nil {
			out = append(out, barView{Class: "nodata", Label: dayLabel(day) + ": no data"})
			continue
		}
		sum += *d.Percent
		n++
		info := infoOf(models.ComponentStatus(d.Worst))
		label := dayLabel(day) + ": " + pct(*d.Percent) + " uptime"
		var notes []string
		if d.Major > 0 {
			notes = append(notes, "major outage "+durText(d.Major))
		}
		if d.Partial > 0 {
			notes = append(notes, "partial outage "+durText(d.Partial))
		}
		if d.Degraded > 0 {
			notes = append(notes, "degraded "+durText(d.Degraded))
		}
		if d.Maintenance > 0 {
			notes = append(notes, "maintenance "+durText(d.Maintenance))
		}
		if len(notes) > 0 {
			label += " (" + strings.Join(notes, ", ") + ")"
		}
		out = append(out, barView{Class: info.Class, Label: label})
	}
	if n == 0 {
		return out, ""
	}
	return out, pct(sum / float64(n))
}

// groups is the page's components by group, with each group's worst status and mean uptime.
func groups(s *models.PageSnapshot) []groupView {
	out := make([]groupView, 0, len(s.Groups))
	for _, g := range s.Groups {
		gv := groupView{Name: g.Name, Status: statuses[models.StatusOperational]}
		var sum float64
		var n int
		for _, c := range g.Components {
			bs, u := bars(s, c.Uptime)
			info := infoOf(c.Status)
			if info.rank > gv.Status.rank {
				gv.Status = info
			}
			if u != "" {
				v, _ := strconv.ParseFloat(strings.TrimSuffix(u, "%"), 64)
				sum += v
				n++
			}
			gv.Components = append(gv.Components, componentView{ID: c.ID, Name: c.Name, Description: c.Description, Status: info, Bars: bs, Uptime: u})
		}
		if n > 0 {
			gv.Uptime = pct(sum / float64(n))
		}
		out = append(out, gv)
	}
	return out
}

var publicStatusText = map[models.PublicIncidentStatus]string{
	models.PublicInvestigating: "Investigating", models.PublicIdentified: "Identified",
	models.PublicMonitoring: "Monitoring", models.PublicResolved: "Resolved",
}

var impactText = map[models.Impact]string{
	models.ImpactNone: "No impact", models.ImpactMinor: "Minor impact", models.ImpactMajor: "Major impact", models.ImpactCritical: "Critical impact",
}

type updateView struct {
	Status  string
	Message string
	At      string
	ISO     string
	Edited  bool
}

type incidentView struct {
	ID, Title, Status, Impact, ImpactClass string
	Resolved                               bool
	Components                             []string
	Updates                                []updateView // newest first
	Started, Postmortem                    string
	URL                                    string
}

func (v *view) incident(inc *models.SnapshotIncident) incidentView {
	iv := incidentView{ID: inc.ID, Title: inc.Title, Status: publicStatusText[inc.Status], Impact: impactText[inc.Impact], ImpactClass: string(inc.Impact),
		Resolved: inc.ResolvedAt != nil || inc.Status == models.PublicResolved, Started: v.fmt(inc.CreatedAt), URL: v.Base + "/incidents/" + inc.ID}
	if inc.PostmortemPublishedAt != nil {
		iv.Postmortem = inc.Postmortem
	}
	for _, pc := range inc.Components {
		if c := v.Snap.Component(pc.ComponentID); c != nil {
			iv.Components = append(iv.Components, c.Name)
		}
	}
	for i := len(inc.Updates) - 1; i >= 0; i-- {
		u := inc.Updates[i]
		iv.Updates = append(iv.Updates, updateView{Status: publicStatusText[u.Status], Message: u.Message, At: v.fmt(u.CreatedAt), ISO: u.CreatedAt.UTC().Format(time.RFC3339), Edited: u.EditedAt != nil})
	}
	return iv
}

var maintText = map[models.MaintenanceStatus]string{
	models.MaintenanceScheduled: "Scheduled", models.MaintenanceInProgress: "In progress",
	models.MaintenanceCompleted: "Completed", models.MaintenanceCancelled: "Cancelled",
}

type maintView struct {
	ID, Title, Message, Status, Starts, Ends, URL string
	Components                                    []string
}

func (v *view) maint(m *models.SnapshotMaintenance) maintView {
	mv := maintView{ID: m.ID, Title: m.Title, Message: m.Message, Status: maintText[m.Status], Starts: v.fmt(m.StartsAt), Ends: v.fmt(m.EndsAt), URL: v.Base + "/maintenance/" + m.ID}
	for _, id := range m.ComponentIDs {
		if c := v.Snap.Component(id); c != nil {
			mv.Components = append(mv.Components, c.Name)
		}
	}
	return mv
}

type monthView struct {
	Label       string
	Incidents   []incidentView
	Maintenance []maintView
}

// view is the data of every HTML document.
type view struct {
	Base    string // "" on a custom host, else /status/{slug}
	Title   string
	Page    *models.StatusPage
	Snap    *models.PageSnapshot
	Banner  indicator
	Groups  []groupView
	Active  []incidentView
	Planned []maintView // scheduled and in progress
	Recent  []incidentView
	// One document's subject.
	Incident    *incidentView
	Maintenance *maintView
	Month       *monthView
	PrevMonth   string
	NextMonth   string
	Updated     string
	Message     string
}

func (v *view) fmt(t time.Time) string {
	return t.In(v.Snap.Loc).Format("Mon 2 Jan 2006 15:04 MST")
}

func newView(s *models.PageSnapshot, base string) *view {
	v := &view{Base: base, Page: &s.Page, Snap: s, Banner: rollup(s), Title: s.Page.Name}
	v.Updated = v.fmt(s.Now)
	v.Groups = groups(s)
	for _, inc := range s.Incidents {
		iv := v.incident(inc)
		if iv.Resolved {
			if len(v.Recent) < 5 {
				v.Recent = append(v.Recent, iv)
			}
			continue
		}
		v.Active = append(v.Active, iv)
	}
	for _, m := range s.Maintenance {
		if m.Status == models.MaintenanceScheduled || m.Status == models.MaintenanceInProgress {
			v.Planned = append(v.Planned, v.maint(m))
		}
	}
	return v
}

// monthOf returns the month of the history page (YYYY-MM, default the current month in the
// page's zone), and whether it is within the page's history.
func monthOf(s *models.PageSnapshot, q string) (time.Time, bool) {
	now := s.Now.In(s.Loc)
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.Loc)
	if q == "" {
		return cur, true
	}
	t, err := time.ParseInLocation("2006-01", q, s.Loc)
	if err != nil {
		return time.Time{}, false
	}
	oldest := now.AddDate(0, 0, -models.HistoryDays)
	oldest = time.Date(oldest.Year(), oldest.Month(), 1, 0, 0, 0, 0, s.Loc)
	if t.After(cur) || t.Before(oldest) {
		return time.Time{}, false
	}
	return t, true
}

func (v *view) history(month time.Time) {
	s := v.Snap
	end := month.AddDate(0, 1, 0)
	mv := &monthView{Label: month.Format("January 2006")}
	for _, inc := range s.Incidents {
		if !inc.CreatedAt.Before(month) && inc.CreatedAt.Before(end) {
			mv.Incidents = append(mv.Incidents, v.incident(inc))
		}
	}
	for _, m := range s.Maintenance {
		if m.Status != models.MaintenanceCancelled && !m.StartsAt.Before(month) && m.StartsAt.Before(end) {
			mv.Maintenance = append(mv.Maintenance, v.maint(m))
		}
	}
	v.Month = mv
	if prev := month.AddDate(0, -1, 0); !prev.Before(time.Date(s.Now.In(s.Loc).AddDate(0, 0, -models.HistoryDays).Year(), s.Now.In(s.Loc).AddDate(0, 0, -models.HistoryDays).Month(), 1, 0, 0, 0, 0, s.Loc)) {
		v.PrevMonth = prev.Format("2006-01")
	}
	if next := month.AddDate(0, 1, 0); !next.After(s.Now) {
		v.NextMonth = next.Format("2006-01")
	}
	v.Title = "History, " + mv.Label + " · " + s.Page.Name
}

package models

import (
	"context"
	"database/sql/driver"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm/clause"

	"github.com/switchboard-hub/switchboard/models/uptime"
)

// Component status history (issue 11, docs/statuspages.md): every change of a component's
// status is a component_status_changes row, of kind internal (the override, else the worst open
// non-test incident: what really happened) or published (what the status pages said). A row
// holds until the next row of its component and kind; uptime is computed from them
// (models/uptime). Rows are written in the transaction of the change, and only on a real
// change.

// statusDue is a component whose status a transaction may have changed: its internal status
// (incidents opened or resolved), its published status (a public incident's update), or both.
type statusDue struct {
	accountID           string
	internal, published bool
}

// markInternalStatus notes that the internal status of the components may change in tx; their
// history rows are written once, just before the commit, for all the components the
// transaction touched (one set-wise pass however many incidents it opened or resolved).
func (s *Store) markInternalStatus(tx *Tx, accountID string, componentIDs ...string) {
	s.markStatus(tx, statusDue{accountID: accountID, internal: true}, componentIDs)
}

// markPublishedStatus notes that the published status of the components may change in tx; it
// is recomputed (refreshPublishedStatus) in the same pass before the commit. Deferring it keeps
// component locks out of the middle of a transaction: a group of SNS notifications resolving
// auto-published incidents of several components would otherwise lock each component when its
// incident resolves, in arrival order, and two groups (or a group and a person posting an
// update) could lock two components in opposite orders and deadlock.
func (s *Store) markPublishedStatus(tx *Tx, accountID string, componentIDs ...string) {
	s.markStatus(tx, statusDue{accountID: accountID, published: true}, componentIDs)
}

// markStatus notes the components as due in tx (merging with what is already noted) and
// registers the pass before the commit the first time.
func (s *Store) markStatus(tx *Tx, due statusDue, componentIDs []string) {
	if tx.statusDue == nil {
		tx.statusDue = map[string]statusDue{}
		tx.BeforeCommit(s.writeDueStatuses)
	}
	for _, id := range componentIDs {
		d := tx.statusDue[id]
		d.accountID = due.accountID
		d.internal = d.internal || due.internal
		d.published = d.published || due.published
		tx.statusDue[id] = d
	}
}

// writeDueStatuses is the pass before the commit: per account (in id order), the components
// whose status is due are locked in one statement (in id order: every transaction's pass takes
// them in the same order), then their internal history rows are written and their published
// status refreshed.
func (s *Store) writeDueStatuses(tx *Tx) error {
	dirty := tx.statusDue
	tx.statusDue = nil
	type work struct{ all, internal, published []string }
	byAccount := map[string]*work{}
	for id, d := range dirty {
		w := byAccount[d.accountID]
		if w == nil {
			w = &work{}
			byAccount[d.accountID] = w
		}
		w.all = append(w.all, id)
		if d.internal {
			w.internal = append(w.internal, id)
		}
		if d.published {
			w.published = append(w.published, id)
		}
	}
	accounts := make([]string, 0, len(byAccount))
	for acc := range byAccount {
		accounts = append(accounts, acc)
	}
	sort.Strings(accounts)
	for _, acc := range accounts {
		w := byAccount[acc]
		if len(w.internal) > 0 && len(w.published) > 0 {
			// Both passes lock their components; take the union first, so the second pass
			// waits for nothing the first did not hold.
			if _, err := lockComponents(tx, acc, w.all); err != nil {
				return err
			}
		}
		if len(w.internal) > 0 {
			if err := s.recordInternalStatus(tx, acc, w.internal); err != nil {
				return err
			}
		}
		if len(w.published) > 0 {
			if err := s.refreshPublishedStatus(tx, acc, w.published); err != nil {
				return err
			}
		}
	}
	return nil
}

// lockComponents takes the components' rows (in id order) for the rest of tx on PostgreSQL, so
// two transactions deciding the same component's status take turns and the second one sees the
// first one's incidents and rows (FOR NO KEY UPDATE: it does not block incident inserts, which
// only take a key share of the component). SQLite transactions are already exclusive. It
// returns the components of the account among ids.
func lockComponents(tx *Tx, accountID string, ids []string) ([]Component, error) {
	ids = append([]string(nil), ids...)
	sort.Strings(ids)
	q := tx.Select("id, account_id, name, status_override, public_status").Where("account_id = ? AND id IN ?", accountID, ids).Order("id")
	if tx.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	var cs []Component
	err := q.Find(&cs).Error
	return cs, err
}

// recordInternalStatus writes an internal history row for each of the components whose
// internal status differs from its last row.
func (s *Store) recordInternalStatus(tx *Tx, accountID string, ids []string) error {
	cs, err := lockComponents(tx, accountID, ids)
	if err != nil || len(cs) == 0 {
		return err
	}
	ids = make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	open, err := openSeverities(tx, ids)
	if err != nil {
		return err
	}
	worst := map[string]Severity{}
	for _, r := range open {
		if severityRank[r.Severity] > severityRank[worst[r.ComponentID]] {
			worst[r.ComponentID] = r.Severity
		}
	}
	last, err := lastStatuses(tx, StatusInternal, ids)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for _, c := range cs {
		st := StatusForSeverity(worst[c.ID])
		if c.StatusOverride != nil {
			st = *c.StatusOverride
		}
		if prev, ok := last[c.ID]; ok && prev == st {
			continue
		}
		if err := writeStatusChange(tx, accountID, c.ID, StatusInternal, st, now); err != nil {
			return err
		}
		s.hint(tx, HintComponent, c.ID, accountID)
	}
	return nil
}

// componentSeverity is a severity that at least one open, non-test incident of a component has.
type componentSeverity struct {
	ComponentID string
	Severity    Severity
}

// openSeverities returns, for the components, each severity their open non-test incidents have.
// On PostgreSQL every (component, severity) pair is one LIMIT 1 probe of
// incidents_component_open_severity_idx (migration 0020), so a component with many open
// incidents, or with many resolved since the last vacuum, costs a few index lookups rather than
// a read of all of them.
func openSeverities(tx *Tx, ids []string) ([]componentSeverity, error) {
	var out []componentSeverity
	if tx.dialect != Postgres {
		err := tx.Model(&Incident{}).Select("DISTINCT component_id, severity").
			Where("component_id IN ? AND status <> ? AND NOT is_test", ids, IncidentResolved).Scan(&out).Error
		return out, err
	}
	// 'resolved' is written out: a bound value would not prove the index's predicate in a
	// generic plan of the prepared statement.
	err := tx.Raw(`SELECT i.component_id, i.severity FROM unnest(?::uuid[]) AS c(id)
		CROSS JOIN unnest(?::text[]) AS v(severity)
		JOIN LATERAL (SELECT component_id, severity FROM incidents
			WHERE component_id = c.id AND severity = v.severity AND status <> 'resolved' AND NOT is_test LIMIT 1) i ON true`,
		pgArray(ids), severityNames()).Scan(&out).Error
	return out, err
}

// severityNames are the severities an incident can have, as one array parameter (made once:
// the status pass runs before every commit that opens or resolves incidents).
var severityNames = sync.OnceValue(func() pgArray {
	out := make(pgArray, 0, len(severityRank))
	for sev := range severityRank {
		out = append(out, string(sev))
	}
	sort.Strings(out)
	return out
})

// pgArray passes a list as one PostgreSQL array parameter in its text form (gorm would expand a
// plain slice into a parenthesized list).
type pgArray []string

var pgArrayEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func (a pgArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(pgArrayEscaper.Replace(v))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// lastStatuses returns the status of each component's latest history row of kind (components
// without rows are absent).
func lastStatuses(tx *Tx, kind StatusKind, ids []string) (map[string]ComponentStatus, error) {
	var rows []ComponentStatusChange
	err := tx.Raw(`SELECT c.component_id, c.status, c.started_at FROM component_status_changes c
		WHERE c.kind = ? AND c.component_id IN ? AND c.started_at = (
			SELECT max(c2.started_at) FROM component_status_changes c2 WHERE c2.component_id = c.component_id AND c2.kind = c.kind)
		ORDER BY c.component_id, c.id`, kind, ids).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]ComponentStatus, len(rows))
	for _, r := range rows {
		out[r.ComponentID] = r.Status
	}
	return out, nil
}

// writeStatusChange records that the component's status of kind is st from at. A second change
// at the same instant replaces the first (the instant holds one status), so the latest row of a
// component and kind is always one row.
func writeStatusChange(tx *Tx, accountID, componentID string, kind StatusKind, st ComponentStatus, at time.Time) error {
	res := tx.Model(&ComponentStatusChange{}).Where("component_id = ? AND kind = ? AND started_at = ?", componentID, kind, at).Update("status", st)
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	return tx.Create(&ComponentStatusChange{ID: newID(), AccountID: accountID, ComponentID: componentID, Kind: kind, Status: st, StartedAt: at}).Error
}

// recordNewComponent writes a new component's first history rows (internal and published): the
// override if it has one, else operational. Uptime has data from here.
func (s *Store) recordNewComponent(tx *Tx, c *Component) error {
	st := StatusOperational
	if c.StatusOverride != nil {
		st = *c.StatusOverride
	}
	at := c.CreatedAt.UTC()
	rows := []ComponentStatusChange{
		{ID: newID(), AccountID: c.AccountID, ComponentID: c.ID, Kind: StatusInternal, Status: st, StartedAt: at},
		{ID: newID(), AccountID: c.AccountID, ComponentID: c.ID, Kind: StatusPublished, Status: st, StartedAt: at},
	}
	if err := tx.Create(&rows).Error; err != nil {
		return err
	}
	if st != StatusOperational {
		c.PublicStatus = &st
		return tx.Model(&Component{}).Where("id = ?", c.ID).Update("public_status", st).Error
	}
	return nil
}

// statusRank orders component statuses for "the worst": maintenance is worse than operational
// and better than any degradation.
var statusRank = map[ComponentStatus]int{
	StatusOperational: 0, StatusUnderMaintenance: 1, StatusDegradedPerformance: 2, StatusPartialOutage: 3, StatusMajorOutage: 4,
}

func worseStatus(a, b ComponentStatus) ComponentStatus {
	if statusRank[b] > statusRank[a] {
		return b
	}
	return a
}

// PublishedStatus is a component's published status (nil public_status means operational).
func (c *Component) PublishedStatus() ComponentStatus {
	if c.PublicStatus == nil || !c.PublicStatus.Valid() {
		return StatusOperational
	}
	return *c.PublicStatus
}

// refreshPublishedStatus recomputes the published status of the components in tx (override,
// else under maintenance during an open window, else the worst unresolved public incident
// status, else operational), writes components.public_status and a published
// component_status_changes row where it changed, publishes HintStatusPage for the account, and
// queues component_status subscriber notices for the changes.
func (s *Store) refreshPublishedStatus(tx *Tx, accountID string, componentIDs []string) error {
	if len(componentIDs) == 0 {
		return nil
	}
	cs, err := lockComponents(tx, accountID, componentIDs)
	if err != nil || len(cs) == 0 {
		return err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	var maint []string
	if err := tx.Raw(`SELECT DISTINCT mc.component_id FROM maintenance_components mc
		JOIN maintenance_windows w ON w.id = mc.window_id
		WHERE w.status = ? AND w.account_id = ? AND mc.component_id IN ?`, MaintenanceInProgress, accountID, ids).Scan(&maint).Error; err != nil {
		return err
	}
	inMaint := map[string]bool{}
	for _, id := range maint {
		inMaint[id] = true
	}
	var pub []PublicIncidentComponent
	if err := tx.Raw(`SELECT pic.component_id, pic.status FROM public_incident_components pic
		JOIN public_incidents pi ON pi.id = pic.public_incident_id
		WHERE pi.account_id = ? AND pi.status <> ? AND pic.component_id IN ?`, accountID, PublicResolved, ids).Scan(&pub).Error; err != nil {
		return err
	}
	worst := map[string]ComponentStatus{}
	for _, p := range pub {
		worst[p.ComponentID] = worseStatus(worst[p.ComponentID], p.Status)
	}
	now := s.now().UTC()
	changed := false
	for _, c := range cs {
		st := StatusOperational
		switch {
		case c.StatusOverride != nil:
			st = *c.StatusOverride
		case inMaint[c.ID]:
			st = StatusUnderMaintenance
		case worst[c.ID] != "":
			st = worst[c.ID]
		}
		if st == c.PublishedStatus() && c.PublicStatus != nil {
			continue
		}
		if c.PublicStatus == nil && st == StatusOperational {
			// Never computed and operational: nothing changed for customers. The column is
			// set so the next comparison is against a stored value; a first row is written
			// only if the component has none (created before status pages existed).
			if err := tx.Model(&Component{}).Where("id = ?", c.ID).Update("public_status", st).Error; err != nil {
				return err
			}
			last, err := lastStatuses(tx, StatusPublished, []string{c.ID})
			if err != nil {
				return err
			}
			if _, ok := last[c.ID]; ok {
				continue
			}
			if err := writeStatusChange(tx, accountID, c.ID, StatusPublished, st, now); err != nil {
				return err
			}
			continue
		}
		if err := tx.Model(&Component{}).Where("id = ?", c.ID).Update("public_status", st).Error; err != nil {
			return err
		}
		if err := writeStatusChange(tx, accountID, c.ID, StatusPublished, st, now); err != nil {
			return err
		}
		s.hint(tx, HintComponent, c.ID, accountID)
		changed = true
		if err := s.queueSubscriberNotices(tx, SubscriberNotice{
			AccountID: accountID, Topic: TopicComponentStatus, Event: "component.status",
			ComponentIDs: []string{c.ID}, ComponentID: c.ID, Status: st,
		}); err != nil {
			return err
		}
	}
	if changed {
		s.hint(tx, HintStatusPage, "", accountID)
	}
	return nil
}

// ComponentUptime reads the recorded changes of kind for the components and returns each one's
// last days days in loc (uptime.Daily), by component id. One query for all the components.
// Callers pass components the actor may see.
func (s *Store) ComponentUptime(ctx context.Context, componentIDs []string, kind StatusKind, days int, loc *time.Location) (map[string][]uptime.Day, error) {
	out := make(map[string][]uptime.Day, len(componentIDs))
	if len(componentIDs) == 0 || days <= 0 {
		return out, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	now := s.now()
	y, m, d := now.In(loc).Date()
	from := uptime.DateStart(y, m, d+1-days, loc).UTC()
	// The rows from the range's start, and the last one before it (the status the range starts
	// in).
	var rows []ComponentStatusChange
	err := s.db.WithContext(ctx).Raw(`SELECT c.component_id, c.status, c.started_at FROM component_status_changes c
		WHERE c.kind = ? AND c.component_id IN ? AND c.started_at <= ? AND c.started_at >= COALESCE((
			SELECT max(c2.started_at) FROM component_status_changes c2
			WHERE c2.component_id = c.component_id AND c2.kind = c.kind AND c2.started_at <= ?), ?)
		ORDER BY c.component_id, c.started_at, c.id`, kind, componentIDs, now.UTC(), from, from).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	changes := map[string][]uptime.Change{}
	for _, r := range rows {
		changes[r.ComponentID] = append(changes[r.ComponentID], uptime.Change{At: r.StartedAt, Status: string(r.Status)})
	}
	for _, id := range componentIDs {
		out[id] = uptime.Daily(changes[id], days, loc, now)
	}
	return out, nil
}

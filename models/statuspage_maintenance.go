package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Scheduled maintenance (issue 11 item 5, docs/statuspages.md "Maintenance and paging").
//
// A window moves scheduled → in_progress → completed by the store's clock: the maintenance cycle
// (AdvanceMaintenance, periodic in the worker) starts the windows whose start has come and
// completes those whose end has passed, each move a conditional update so two workers never
// move a window twice. A window whose start has already come when it is created or edited
// starts in that transaction. endMaintenance cancels a scheduled window and completes one in
// progress at once.
//
// Paging hold: an incident that opens on a component covered by a window (decided by the
// times, not only the status: a window whose start has passed covers even before the cycle
// moved it; one whose end has passed covers no longer) is marked during_maintenance and
// maintenance_held, and its escalation row is written active with nothing due. Release is
// set-wise: every triggered, held incident whose component no window covers any more is
// released (by the user's end or edit of a window in its transaction, and by the cycle's sweep
// for everything else: a window that completed, a component that left a window, an incident
// that moved), exactly once: the release clears maintenance_held. With a policy level 1 pages
// through the engine; without one the incident is only un-held. during_maintenance stays set
// (history: "opened during maintenance").

// Timeline kind of the maintenance hold and release.
const TimelineMaintenance = "maintenance"

// Maintenance limits.
const (
	maxMaintenanceTitle      = 200
	maxMaintenanceMessage    = 10000
	maxMaintenanceComponents = 200
	// maxMaintenanceDuration is the longest a window may last.
	maxMaintenanceDuration = 30 * 24 * time.Hour
	// maintenanceBatch is how many windows one cycle moves per step.
	maintenanceBatch = 100
)

func (w *MaintenanceWindow) accountOf() string { return w.AccountID }

// MaintenanceInput creates or changes a window; nil fields stay unchanged (create needs title,
// times and components).
type MaintenanceInput struct {
	Title             *string
	Message           *string
	StartsAt          *time.Time
	EndsAt            *time.Time
	ComponentIDs      *[]string
	NotifySubscribers *bool
}

// GetMaintenanceWindow returns a window the actor can see. Viewers and up.
func (s *Store) GetMaintenanceWindow(ctx context.Context, a *Actor, id string) (*MaintenanceWindow, error) {
	var w MaintenanceWindow
	if err := s.getScoped(ctx, a, &w, id, "maintenance window", RoleViewer); err != nil {
		return nil, err
	}
	return &w, nil
}

// ListMaintenanceWindows returns the account's windows, newest start first: those not completed
// or cancelled, or all of them with includePast. Viewers and up.
func (s *Store) ListMaintenanceWindows(ctx context.Context, a *Actor, accountID string, includePast bool) ([]MaintenanceWindow, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if !includePast {
		q = q.Where("status IN ?", []MaintenanceStatus{MaintenanceScheduled, MaintenanceInProgress})
	}
	var ws []MaintenanceWindow
	err := q.Order("starts_at DESC, id DESC").Limit(500).Find(&ws).Error
	return ws, err
}

// MaintenanceComponentsByWindow loads the components of windows, by window id, in name order
// (dataloader). Callers pass windows the actor may see.
func (s *Store) MaintenanceComponentsByWindow(ctx context.Context, ids []string) (map[string][]Component, error) {
	out := map[string][]Component{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		WindowID string
		Component
	}
	err := s.db.WithContext(ctx).Table("maintenance_components mc").Select("mc.window_id, c.*").
		Joins("JOIN components c ON c.id = mc.component_id").Where("mc.window_id IN ?", ids).
		Order("lower(c.name), c.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.WindowID] = append(out[r.WindowID], r.Component)
	}
	return out, nil
}

func windowComponentIDs(db *gorm.DB, windowID string) ([]string, error) {
	var ids []string
	err := db.Table("maintenance_components").Where("window_id = ?", windowID).Order("component_id").Pluck("component_id", &ids).Error
	return ids, err
}

// cleanMaintenance validates the fields given in in.
func cleanMaintenance(in MaintenanceInput) (MaintenanceInput, error) {
	if in.Title != nil {
		// One line without control characters (NUL breaks PostgreSQL text).
		t, err := cleanName("title", *in.Title, maxMaintenanceTitle)
		if err != nil {
			return in, err
		}
		in.Title = &t
	}
	if in.Message != nil {
		// Lines and tabs are fine; other control characters (NUL…) are not.
		m, err := cleanMessage("message", *in.Message, maxMaintenanceMessage, false)
		if err != nil {
			return in, err
		}
		in.Message = &m
	}
	for _, t := range []*time.Time{in.StartsAt, in.EndsAt} {
		if t != nil {
			*t = t.UTC().Truncate(time.Second)
		}
	}
	return in, nil
}

// checkMaintenanceTimes checks a window's times against now: it ends after it starts and in
// the future, lasts at most 30 days and starts at most a year ahead.
func checkMaintenanceTimes(starts, ends, now time.Time, endHint string) error {
	switch {
	case !ends.After(now):
		return FieldError(EINVALID, "endsAt", "the window must end in the future%s", endHint)
	case !ends.After(starts):
		return FieldError(EINVALID, "endsAt", "the window must end after it starts")
	case ends.Sub(starts) > maxMaintenanceDuration:
		return FieldError(EINVALID, "endsAt", "a window lasts at most 30 days")
	case starts.After(now.AddDate(1, 0, 0)):
		return FieldError(EINVALID, "startsAt", "a window starts at most a year ahead")
	}
	return nil
}

// maintenanceComponents checks that ids name at least one component, all of the account;
// it returns them sorted, without duplicates.
func maintenanceComponents(db *gorm.DB, accountID string, ids []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !validID(id) {
			return nil, FieldError(ENOTFOUND, "componentIds", "component not found")
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, FieldError(EINVALID, "componentIds", "choose at least one component")
	}
	if len(out) > maxMaintenanceComponents {
		return nil, FieldError(EINVALID, "componentIds", "at most %d components", maxMaintenanceComponents)
	}
	var n int64
	if err := db.Model(&Component{}).Where("id IN ? AND account_id = ?", out, accountID).Count(&n).Error; err != nil {
		return nil, err
	}
	if int(n) != len(out) {
		return nil, FieldError(ENOTFOUND, "componentIds", "component not found")
	}
	sort.Strings(out)
	return out, nil
}

func setWindowComponents(tx *Tx, windowID string, ids []string) error {
	if err := tx.Where("window_id = ?", windowID).Delete(&MaintenanceComponent{}).Error; err != nil {
		return err
	}
	rows := make([]MaintenanceComponent, len(ids))
	for i, id := range ids {
		rows[i] = MaintenanceComponent{WindowID: windowID, ComponentID: id}
	}
	return tx.CreateInBatches(rows, 200).Error
}

func maintenanceWhen(w *MaintenanceWindow) string {
	return fmt.Sprintf("%s – %s UTC", w.StartsAt.UTC().Format("2006-01-02 15:04"), w.EndsAt.UTC().Format("2006-01-02 15:04"))
}

// CreateMaintenance schedules a window. A start in the past means now: the window starts in
// this transaction. Members and up (like the incident actions).
func (s *Store) CreateMaintenance(ctx context.Context, a *Actor, accountID string, in MaintenanceInput) (*MaintenanceWindow, error) {
	if _, err := s.Require(ctx, a, accountID, RoleMember); err != nil {
		return nil, err
	}
	if in.Title == nil {
		return nil, FieldError(EINVALID, "title", "a title is required")
	}
	if in.StartsAt == nil {
		return nil, FieldError(EINVALID, "startsAt", "a start is required")
	}
	if in.EndsAt == nil {
		return nil, FieldError(EINVALID, "endsAt", "an end is required")
	}
	if in.ComponentIDs == nil {
		return nil, FieldError(EINVALID, "componentIds", "choose at least one component")
	}
	in, err := cleanMaintenance(in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	starts, ends := *in.StartsAt, *in.EndsAt
	if !ends.After(starts) {
		return nil, FieldError(EINVALID, "endsAt", "the window must end after it starts")
	}
	if starts.Before(now) {
		starts = now.Truncate(time.Second) // a start in the past means now
	}
	if err := checkMaintenanceTimes(starts, ends, now, ""); err != nil {
		return nil, err
	}
	w := &MaintenanceWindow{ID: newID(), AccountID: accountID, Title: *in.Title, StartsAt: starts, EndsAt: ends,
		Status: MaintenanceScheduled, NotifySubscribers: true, CreatedBy: a.auditUserID(), CreatedAt: now, UpdatedAt: now}
	if in.Message != nil {
		w.Message = *in.Message
	}
	if in.NotifySubscribers != nil {
		w.NotifySubscribers = *in.NotifySubscribers
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		comps, err := maintenanceComponents(tx.DB, accountID, *in.ComponentIDs)
		if err != nil {
			return err
		}
		if err := tx.Create(w).Error; err != nil {
			return err
		}
		if err := setWindowComponents(tx, w.ID, comps); err != nil {
			return err
		}
		if err := s.audit(tx, a, accountID, "maintenance.scheduled", "maintenance_window", w.ID,
			fmt.Sprintf("%s scheduled maintenance %q (%s)", a.Label(), w.Title, maintenanceWhen(w))); err != nil {
			return err
		}
		if w.NotifySubscribers {
			if err := s.queueSubscriberNotices(tx, SubscriberNotice{AccountID: accountID, Topic: TopicMaintenance, Event: "maintenance.scheduled",
				Maintenance: snapshotWindow(w), ComponentIDs: comps}); err != nil {
				return err
			}
		}
		s.hint(tx, HintStatusPage, "", accountID)
		if !w.StartsAt.After(now) {
			_, err := s.startWindow(tx, w, comps, now)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// lockWindow reads a window for change in tx (locked on PostgreSQL).
func lockWindow(tx *Tx, id string) (*MaintenanceWindow, error) {
	var w MaintenanceWindow
	if err := windowLockQuery(tx).Where("id = ?", id).Take(&w).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("maintenance window")
		}
		return nil, err
	}
	return &w, nil
}

func windowLockQuery(tx *Tx) *gorm.DB {
	if tx.dialect == Postgres {
		return tx.DB.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx.DB
}

// UpdateMaintenance changes a scheduled or in-progress window (a completed or cancelled one is
// history: ECONFLICT). A window in progress keeps its start; its end may move (not into the
// past: end it instead). Members and up.
func (s *Store) UpdateMaintenance(ctx context.Context, a *Actor, id string, in MaintenanceInput) (*MaintenanceWindow, error) {
	var cur MaintenanceWindow
	if err := s.getScoped(ctx, a, &cur, id, "maintenance window", RoleMember); err != nil {
		return nil, err
	}
	in, err := cleanMaintenance(in)
	if err != nil {
		return nil, err
	}
	var w *MaintenanceWindow
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		if w, err = lockWindow(tx, id); err != nil {
			return err
		}
		if w.Status == MaintenanceCompleted || w.Status == MaintenanceCancelled {
			return Errorf(ECONFLICT, "the maintenance window is %s and can no longer be changed", w.Status)
		}
		now := s.now()
		oldComps, err := windowComponentIDs(tx.DB, w.ID)
		if err != nil {
			return err
		}
		var changed []string
		if in.Title != nil && *in.Title != w.Title {
			w.Title = *in.Title
			changed = append(changed, "title")
		}
		if in.Message != nil && *in.Message != w.Message {
			w.Message = *in.Message
			changed = append(changed, "message")
		}
		if in.StartsAt != nil && !in.StartsAt.Equal(w.StartsAt) {
			if w.Status == MaintenanceInProgress {
				return FieldError(EINVALID, "startsAt", "the window has started; its start cannot change")
			}
			w.StartsAt = *in.StartsAt
			if w.StartsAt.Before(now) {
				w.StartsAt = now.Truncate(time.Second)
			}
			changed = append(changed, "start")
		}
		if in.EndsAt != nil && !in.EndsAt.Equal(w.EndsAt) {
			w.EndsAt = *in.EndsAt
			changed = append(changed, "end")
		}
		if err := checkMaintenanceTimes(w.StartsAt, w.EndsAt, now, "; end it now instead"); err != nil {
			return err
		}
		comps := oldComps
		if in.ComponentIDs != nil {
			if comps, err = maintenanceComponents(tx.DB, w.AccountID, *in.ComponentIDs); err != nil {
				return err
			}
			if strings.Join(comps, ",") != strings.Join(oldComps, ",") {
				if err := setWindowComponents(tx, w.ID, comps); err != nil {
					return err
				}
				changed = append(changed, "components")
			}
		}
		if len(changed) == 0 {
			return nil
		}
		w.UpdatedAt = now
		if err := tx.Model(&MaintenanceWindow{}).Where("id = ?", w.ID).Updates(map[string]any{"title": w.Title, "message": w.Message,
			"starts_at": w.StartsAt, "ends_at": w.EndsAt, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.audit(tx, a, w.AccountID, "maintenance.updated", "maintenance_window", w.ID,
			fmt.Sprintf("%s changed the %s of maintenance %q (%s)", a.Label(), strings.Join(changed, ", "), w.Title, maintenanceWhen(w))); err != nil {
			return err
		}
		s.hint(tx, HintStatusPage, "", w.AccountID)
		switch {
		case w.Status == MaintenanceScheduled && !w.StartsAt.After(now):
			if _, err := s.startWindow(tx, w, comps, now); err != nil {
				return err
			}
		case w.Status == MaintenanceInProgress && idListsDiffer(comps, oldComps):
			// Components left or joined a window in progress: their published status changes.
			if err := s.refreshPublishedStatus(tx, w.AccountID, mergeIDs(comps, oldComps)); err != nil {
				return err
			}
		}
		// Incidents the window held on components it no longer covers (one that left it, a
		// start moved later than a start that had passed) page now.
		_, err = s.releaseHeld(tx, w.AccountID, oldComps, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// snapshotWindow copies a window for a notice (the window itself may move on in the same
// transaction: a window created with a start in the past starts at once).
func snapshotWindow(w *MaintenanceWindow) *MaintenanceWindow {
	c := *w
	return &c
}

func idListsDiffer(a, b []string) bool { return strings.Join(a, ",") != strings.Join(b, ",") }

func mergeIDs(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range append(append([]string{}, a...), b...) {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// EndMaintenance cancels a scheduled window, or completes one in progress now (its held
// incidents page at once). Members and up.
func (s *Store) EndMaintenance(ctx context.Context, a *Actor, id string) (*MaintenanceWindow, error) {
	var cur MaintenanceWindow
	if err := s.getScoped(ctx, a, &cur, id, "maintenance window", RoleMember); err != nil {
		return nil, err
	}
	var w *MaintenanceWindow
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		if w, err = lockWindow(tx, id); err != nil {
			return err
		}
		if w.Status == MaintenanceCompleted || w.Status == MaintenanceCancelled {
			return Errorf(ECONFLICT, "the maintenance window is already %s", w.Status)
		}
		now := s.now()
		comps, err := windowComponentIDs(tx.DB, w.ID)
		if err != nil {
			return err
		}
		if w.Status == MaintenanceScheduled {
			res := tx.Model(&MaintenanceWindow{}).Where("id = ? AND status = ?", w.ID, MaintenanceScheduled).
				Updates(map[string]any{"status": MaintenanceCancelled, "completed_at": now, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return Errorf(ECONFLICT, "the maintenance window changed meanwhile; try again")
			}
			w.Status, w.CompletedAt, w.UpdatedAt = MaintenanceCancelled, &now, now
			if err := s.audit(tx, a, w.AccountID, "maintenance.cancelled", "maintenance_window", w.ID,
				fmt.Sprintf("%s cancelled maintenance %q", a.Label(), w.Title)); err != nil {
				return err
			}
			s.hint(tx, HintStatusPage, "", w.AccountID)
			// A window whose start had passed before the cycle moved it held incidents too.
			_, err := s.releaseHeld(tx, w.AccountID, comps, now)
			return err
		}
		ok, err := s.completeWindow(tx, w, comps, now)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ECONFLICT, "the maintenance window changed meanwhile; try again")
		}
		// Its held incidents page at once (the cycle's sweep would find them within 5 s).
		if _, err := s.releaseHeld(tx, w.AccountID, comps, now); err != nil {
			return err
		}
		return s.audit(tx, a, w.AccountID, "maintenance.ended", "maintenance_window", w.ID,
			fmt.Sprintf("%s ended maintenance %q early", a.Label(), w.Title))
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// startWindow moves a scheduled window to in progress in tx (a conditional update: false when
// another writer moved it first), recomputes its components' published status and tells
// subscribers.
func (s *Store) startWindow(tx *Tx, w *MaintenanceWindow, comps []string, now time.Time) (bool, error) {
	res := tx.Model(&MaintenanceWindow{}).Where("id = ? AND status = ?", w.ID, MaintenanceScheduled).
		Updates(map[string]any{"status": MaintenanceInProgress, "started_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	w.Status, w.StartedAt, w.UpdatedAt = MaintenanceInProgress, &now, now
	if err := s.refreshPublishedStatus(tx, w.AccountID, comps); err != nil {
		return false, err
	}
	if err := s.audit(tx, SystemActor, w.AccountID, "maintenance.started", "maintenance_window", w.ID,
		fmt.Sprintf("Maintenance %q started", w.Title)); err != nil {
		return false, err
	}
	if w.NotifySubscribers {
		if err := s.queueSubscriberNotices(tx, SubscriberNotice{AccountID: w.AccountID, Topic: TopicMaintenance, Event: "maintenance.started",
			Maintenance: snapshotWindow(w), ComponentIDs: comps}); err != nil {
			return false, err
		}
	}
	s.hint(tx, HintStatusPage, "", w.AccountID)
	return true, nil
}

// completeWindow moves a window in progress to completed in tx (conditional), recomputes its
// components' published status and tells subscribers. The incidents it held are released by
// the caller (EndMaintenance) or the cycle's sweep, each on its own.
func (s *Store) completeWindow(tx *Tx, w *MaintenanceWindow, comps []string, now time.Time) (bool, error) {
	res := tx.Model(&MaintenanceWindow{}).Where("id = ? AND status = ?", w.ID, MaintenanceInProgress).
		Updates(map[string]any{"status": MaintenanceCompleted, "completed_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	w.Status, w.CompletedAt, w.UpdatedAt = MaintenanceCompleted, &now, now
	if err := s.refreshPublishedStatus(tx, w.AccountID, comps); err != nil {
		return false, err
	}
	if err := s.audit(tx, SystemActor, w.AccountID, "maintenance.completed", "maintenance_window", w.ID,
		fmt.Sprintf("Maintenance %q completed", w.Title)); err != nil {
		return false, err
	}
	if w.NotifySubscribers {
		if err := s.queueSubscriberNotices(tx, SubscriberNotice{AccountID: w.AccountID, Topic: TopicMaintenance, Event: "maintenance.completed",
			Maintenance: snapshotWindow(w), ComponentIDs: comps}); err != nil {
			return false, err
		}
	}
	s.hint(tx, HintStatusPage, "", w.AccountID)
	return true, nil
}

// coveringWindow returns the window that covers a component at now, by the times (a scheduled
// window whose start has passed covers before the cycle moves it; one past its end covers no
// longer), the one ending last; nil when none does.
func coveringWindow(db *gorm.DB, componentID string, now time.Time) (*MaintenanceWindow, error) {
	var ws []MaintenanceWindow
	err := db.Where("status IN ? AND starts_at <= ? AND ends_at > ?", []MaintenanceStatus{MaintenanceScheduled, MaintenanceInProgress}, now, now).
		Where("id IN (SELECT window_id FROM maintenance_components WHERE component_id = ?)", componentID).
		Order("ends_at DESC, id").Limit(1).Find(&ws).Error
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	return &ws[0], nil
}

// holdNotice is the timeline entry of an incident whose paging waits for a window.
func holdNotice(w *MaintenanceWindow) string {
	return fmt.Sprintf("Opened during maintenance “%s”: nobody is paged until the window ends.", w.Title)
}

// maintenanceTimeline writes a timeline entry by Switchboard itself.
func (s *Store) maintenanceTimeline(tx *Tx, incidentID, kind, body string, now time.Time) error {
	return tx.Create(&TimelineEntry{ID: newID(), IncidentID: incidentID, Kind: kind, ActorLabel: "Switchboard", Body: body, CreatedAt: now}).Error
}

// heldIncidents selects the open incidents whose paging a window holds now: held
// (maintenance_held, set when the hold starts and cleared when it is released, acknowledged,
// snoozed or resolved) and triggered.
func heldIncidents(db *gorm.DB) *gorm.DB {
	return db.Model(&Incident{}).Where("incidents.maintenance_held = ? AND incidents.status = ?", true, IncidentTriggered)
}

// uncovered keeps the incidents whose component no window covers at now (by the times, like
// coveringWindow).
func uncovered(q *gorm.DB, now time.Time) *gorm.DB {
	return q.Where(`NOT EXISTS (SELECT 1 FROM maintenance_windows w JOIN maintenance_components mc ON mc.window_id = w.id
		WHERE mc.component_id = incidents.component_id AND w.status IN ? AND w.starts_at <= ? AND w.ends_at > ?)`,
		[]MaintenanceStatus{MaintenanceScheduled, MaintenanceInProgress}, now, now)
}

// releaseHeld releases, in tx, the held incidents of the components of the account that no
// window covers any more (a user's edit or end of a window: they page at once). It returns how
// many it released.
func (s *Store) releaseHeld(tx *Tx, accountID string, componentIDs []string, now time.Time) (int, error) {
	if len(componentIDs) == 0 {
		return 0, nil
	}
	var incs []*Incident
	if err := uncovered(heldIncidents(tx.DB), now).Where("incidents.account_id = ? AND incidents.component_id IN ?", accountID, componentIDs).
		Order("incidents.opened_at, incidents.id").Limit(5000).Find(&incs).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, inc := range incs {
		ok, err := s.releaseIncident(tx, inc, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// releaseIncident releases one held incident in tx, once (the held flag is cleared by a
// conditional update: a concurrent release finds nothing to do): with a policy, its level 1 is
// due now and the engine pages; without one it is only un-held. The timeline says which.
func (s *Store) releaseIncident(tx *Tx, inc *Incident, now time.Time) (bool, error) {
	res := tx.Model(&Incident{}).Where("id = ? AND maintenance_held = ? AND status = ?", inc.ID, true, IncidentTriggered).
		Updates(map[string]any{"maintenance_held": false, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	var comp Component
	if err := tx.Where("id = ?", inc.ComponentID).Take(&comp).Error; err != nil {
		return false, err
	}
	policy, _, err := s.resolvePolicy(tx.DB, tx.reads, inc, &comp)
	if err != nil {
		return false, err
	}
	up := map[string]any{"policy_id": policy, "updated_at": now}
	body := "The maintenance window ended: paging now."
	if policy != nil {
		up["next_step_at"] = now
		s.wakeEscalationsAfter(tx)
	} else {
		body = "The maintenance window ended; the incident has no escalation policy, so nobody is paged."
	}
	if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ? AND state = ? AND next_step_at IS NULL", inc.ID, EscalationActive).
		Updates(up).Error; err != nil {
		return false, err
	}
	if err := s.maintenanceTimeline(tx, inc.ID, TimelineMaintenance, body, now); err != nil {
		return false, err
	}
	s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpChanged})
	return true, nil
}

// sweepBatch is how many held incidents the release sweep reads at a time.
const sweepBatch = 500

// ReleaseUncovered is the release sweep: every open, held incident whose component no window
// covers any more (its window ended, was cancelled or left the component, or the incident
// moved) is released, oldest first, each in its own transaction. An error on one incident is
// logged and the sweep goes on with the others. It returns how many it released.
func (s *Store) ReleaseUncovered(ctx context.Context) (int, error) {
	released := 0
	var failed []string
	for {
		now := s.now()
		q := uncovered(heldIncidents(s.db.WithContext(ctx)), now)
		if len(failed) > 0 {
			q = q.Where("incidents.id NOT IN ?", failed)
		}
		var ids []string
		if err := q.Order("incidents.opened_at, incidents.id").Limit(sweepBatch).Pluck("incidents.id", &ids).Error; err != nil {
			return released, err
		}
		for _, id := range ids {
			ok := false
			err := s.db.Tx(ctx, func(tx *Tx) error {
				var inc Incident
				if err := tx.Where("id = ?", id).Take(&inc).Error; err != nil {
					return err
				}
				// A window may have come to cover it since the read.
				if w, err := coveringWindow(tx.DB, inc.ComponentID, now); err != nil || w != nil {
					return err
				}
				var err error
				ok, err = s.releaseIncident(tx, &inc, now)
				return err
			})
			if err != nil {
				s.logRowError(ctx, "releasing a held incident failed; the sweep goes on", "incident", id, err)
				failed = append(failed, id)
				continue
			}
			if ok {
				released++
			}
		}
		if len(ids) < sweepBatch {
			return released, nil
		}
	}
}

// logRowError logs a background pass's failure on one row (its id, never its content).
func (s *Store) logRowError(ctx context.Context, msg, kind, id string, err error) {
	slog.Default().ErrorContext(ctx, msg, kind, id, "err", err)
}

// AdvanceMaintenance is the maintenance cycle: it starts the windows whose start has come,
// completes those whose end has passed (each move its own transaction, conditional, so
// concurrent cycles move a window once), then releases every held incident no window covers
// any more (ReleaseUncovered). An error on one window is logged and the cycle goes on with the
// others. It returns how many windows it moved.
func (s *Store) AdvanceMaintenance(ctx context.Context) (int, error) {
	moved := 0
	for _, step := range []struct {
		from MaintenanceStatus
		col  string
		move func(tx *Tx, w *MaintenanceWindow, comps []string, now time.Time) (bool, error)
	}{
		{MaintenanceScheduled, "starts_at", s.startWindow},
		{MaintenanceInProgress, "ends_at", s.completeWindow},
	} {
		var failed []string
		for {
			now := s.now()
			// Due rows only, by due time, then the limit: rows that are not due never crowd
			// out due ones, and rows that failed in this cycle are not read again.
			q := s.db.WithContext(ctx).Where("status = ? AND "+step.col+" <= ?", step.from, now)
			if len(failed) > 0 {
				q = q.Where("id NOT IN ?", failed)
			}
			var due []MaintenanceWindow
			if err := q.Order(step.col + ", id").Limit(maintenanceBatch).Find(&due).Error; err != nil {
				return moved, err
			}
			n := 0
			for i := range due {
				err := s.db.Tx(ctx, func(tx *Tx) error {
					// Read again, locked: an edit or another cycle may have moved it since.
					w, err := lockWindow(tx, due[i].ID)
					if err != nil {
						return err
					}
					at := w.StartsAt
					if step.from == MaintenanceInProgress {
						at = w.EndsAt
					}
					if w.Status != step.from || at.After(now) {
						return nil
					}
					comps, err := windowComponentIDs(tx.DB, w.ID)
					if err != nil {
						return err
					}
					ok, err := step.move(tx, w, comps, now)
					if ok && err == nil {
						n++
					}
					return err
				})
				if err != nil {
					s.logRowError(ctx, "moving a maintenance window failed; the cycle goes on", "window", due[i].ID, err)
					failed = append(failed, due[i].ID)
				}
			}
			moved += n
			if len(due) < maintenanceBatch || n == 0 {
				break
			}
		}
	}
	_, err := s.ReleaseUncovered(ctx)
	return moved, err
}

// holdOpening decides, in the transaction that opens inc, whether a window holds its paging:
// it marks the incident during maintenance and returns the window (nil: page as usual). Test
// incidents page nobody anyway and are not marked.
func (s *Store) holdOpening(tx *Tx, inc *Incident, now time.Time) (*MaintenanceWindow, error) {
	if inc.IsTest {
		return nil, nil
	}
	w, err := coveringWindow(tx.DB, inc.ComponentID, now)
	if err != nil || w == nil {
		return nil, err
	}
	inc.DuringMaintenance, inc.MaintenanceHeld = true, true
	return w, nil
}

// holdRestart is for an escalation that starts over (un-acknowledged, a new policy, a snooze
// that ended): an incident opened during maintenance stays held while a window still covers
// its component. It returns the covering window, or nil.
func (s *Store) holdRestart(db *gorm.DB, inc *Incident, now time.Time) (*MaintenanceWindow, error) {
	if !inc.DuringMaintenance || inc.IsTest {
		return nil, nil
	}
	return coveringWindow(db, inc.ComponentID, now)
}

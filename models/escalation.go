package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The on-call engine (issue 10, docs/oncall.md "Engine"). Every open incident has one
// incident_escalations row, written in the transaction of the incident change that causes it;
// the engine cycle (AdvanceEscalations) advances every row whose next_step_at is due by the
// store's clock, set-wise, one transaction per batch. The queue only wakes the engine: the rows
// decide what is due, so a Redis flush or a crashed worker never loses or repeats a page.

// Events of the engine (they join the catalog in events.go).
const (
	EventIncidentEscalated      = "IncidentEscalated"
	EventIncidentReassigned     = "IncidentReassigned"
	EventIncidentUnacknowledged = "IncidentUnacknowledged"
)

// Timeline kinds of the engine.
const (
	TimelinePaged          = "paged"
	TimelineEscalation     = "escalation"
	TimelineNotification   = "notification"
	TimelineUnacknowledged = "unacknowledged"
	TimelineReassigned     = "reassigned"
	TimelineSnoozed        = "snoozed"
)

// Where an incident's policy came from.
const (
	PolicyFromIncident    = "INCIDENT"
	PolicyFromRule        = "RULE"
	PolicyFromIntegration = "INTEGRATION"
	PolicyFromComponent   = "COMPONENT"
)

// EngineWaker wakes the engine and the notification sender after a commit (implemented by the
// jobs package next to Enqueuer). Waking is only a hint: the periodic cycle finds the same rows.
type EngineWaker interface {
	WakeEscalations(ctx context.Context)
	WakeNotifications(ctx context.Context)
}

func (s *Store) wakeEscalationsAfter(tx *Tx) {
	ctx := tx.Statement.Context
	tx.AfterCommit(func() {
		if w, ok := s.enqueuer.(EngineWaker); ok {
			w.WakeEscalations(context.WithoutCancel(ctx))
		}
	})
}

func (s *Store) wakeNotificationsAfter(tx *Tx) {
	ctx := tx.Statement.Context
	tx.AfterCommit(func() {
		if w, ok := s.enqueuer.(EngineWaker); ok {
			w.WakeNotifications(context.WithoutCancel(ctx))
		}
	})
}

// routingRulePolicy is the policy of the integration routing rule that sent the incident's
// alarm (incidents.route_id, issue 9), if the rule names one. Precedence: incident > rule >
// integration > component.
func (s *Store) routingRulePolicy(db *gorm.DB, reads readMemo, inc *Incident) (*string, error) {
	if inc.RouteID == nil {
		return nil, nil
	}
	return memoized(reads, "route-policy:"+*inc.RouteID, func() (*string, error) {
		var r struct{ EscalationPolicyID *string }
		err := db.Table("integration_routes").Select("escalation_policy_id").Where("id = ?", *inc.RouteID).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil // the rule was deleted since
		}
		return r.EscalationPolicyID, err
	})
}

// resolvePolicy returns the policy an incident escalates with and where it came from; reads
// is the transaction's shared reads (nil: none).
func (s *Store) resolvePolicy(tx *gorm.DB, reads readMemo, inc *Incident, comp *Component) (*string, string, error) {
	if inc.IsTest {
		return nil, "", nil // a test alarm's incident pages nobody
	}
	if inc.EscalationPolicyID != nil {
		return inc.EscalationPolicyID, PolicyFromIncident, nil
	}
	if p, err := s.routingRulePolicy(tx, reads, inc); err != nil || p != nil {
		return p, PolicyFromRule, err
	}
	if inc.IntegrationID != nil {
		p, err := memoized(reads, "integration-policy:"+*inc.IntegrationID, func() (*string, error) {
			var integ struct{ EscalationPolicyID *string }
			err := tx.Table("aws_integrations").Select("escalation_policy_id").Where("id = ?", *inc.IntegrationID).Take(&integ).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				err = nil
			}
			return integ.EscalationPolicyID, err
		})
		if err != nil {
			return nil, "", err
		}
		if p != nil {
			return p, PolicyFromIntegration, nil
		}
	}
	if comp != nil && comp.EscalationPolicyID != nil {
		return comp.EscalationPolicyID, PolicyFromComponent, nil
	}
	return nil, "", nil
}

// PolicySource says where an incident's policy comes from (INCIDENT, RULE, INTEGRATION,
// COMPONENT; "" when it has none). Callers pass an incident the actor may see.
func (s *Store) PolicySource(ctx context.Context, inc *Incident) (string, error) {
	var comp Component
	if err := s.db.WithContext(ctx).Where("id = ?", inc.ComponentID).Take(&comp).Error; err != nil {
		return "", err
	}
	_, src, err := s.resolvePolicy(s.db.WithContext(ctx), nil, inc, &comp)
	return src, err
}

// startEscalation writes the incident's escalation row in tx: due now when it has a policy.
func (s *Store) startEscalation(tx *Tx, inc *Incident, comp *Component) error {
	policy, _, err := s.resolvePolicy(tx.DB, tx.reads, inc, comp)
	if err != nil {
		return err
	}
	now := s.now()
	row := &IncidentEscalation{IncidentID: inc.ID, AccountID: inc.AccountID, PolicyID: policy, State: EscalationActive, Level: -1, UpdatedAt: now}
	// Opened during maintenance: nothing is due until the window ends (releaseHeld).
	if policy != nil && !inc.DuringMaintenance {
		row.NextStepAt = &now
		s.wakeEscalationsAfter(tx)
	}
	return tx.Create(row).Error
}

// escalationFor locks and returns an incident's escalation row, creating it for incidents
// opened before the engine existed.
func (s *Store) escalationFor(tx *Tx, inc *Incident) (*IncidentEscalation, error) {
	var row IncidentEscalation
	q := tx.DB
	if tx.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("incident_id = ?", inc.ID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		row = IncidentEscalation{IncidentID: inc.ID, AccountID: inc.AccountID, State: EscalationActive, Level: -1, UpdatedAt: s.now()}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return nil, err
		}
		err = q.Where("incident_id = ?", inc.ID).Take(&row).Error
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// stopEscalation ends an incident's escalation (acknowledged, snoozed or resolved) and cancels
// its notifications that have not gone out yet (a delayed rule, a page still queued).
// heldCleared says the caller's own update of the incident already cleared maintenance_held.
func (s *Store) stopEscalation(tx *Tx, incidentID string, state EscalationState, until *time.Time, heldCleared bool) error {
	now := s.now()
	up := map[string]any{"state": state, "next_step_at": nil, "snoozed_until": nil, "updated_at": now}
	if state == EscalationSnoozed {
		up["next_step_at"], up["snoozed_until"] = *until, *until
	}
	if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ?", incidentID).Updates(up).Error; err != nil {
		return err
	}
	// No longer waiting for a maintenance window: a restart decides again (holdRestart).
	if !heldCleared {
		if err := tx.Model(&Incident{}).Where("id = ? AND maintenance_held = ?", incidentID, true).Update("maintenance_held", false).Error; err != nil {
			return err
		}
	}
	return tx.Model(&Notification{}).Where("incident_id = ? AND reason = ? AND status IN ?", incidentID, NotifyPage,
		[]NotificationStatus{NotificationPending, NotificationRetrying}).
		Where("mail_id IS NULL").
		Updates(map[string]any{"status": NotificationCancelled, "next_attempt_at": nil, "updated_at": now}).Error
}

// restartEscalation starts the escalation over at level 1, due now.
func (s *Store) restartEscalation(tx *Tx, inc *Incident, comp *Component) error {
	row, err := s.escalationFor(tx, inc)
	if err != nil {
		return err
	}
	policy, _, err := s.resolvePolicy(tx.DB, tx.reads, inc, comp)
	if err != nil {
		return err
	}
	now := s.now()
	up := map[string]any{"state": EscalationActive, "policy_id": policy, "level": -1, "repeats_done": 0, "next_step_at": nil,
		"snoozed_until": nil, "last_paged_at": nil, "updated_at": now}
	// An incident opened during maintenance stays held while a window covers its component.
	held, err := s.holdRestart(tx.DB, inc, now)
	if err != nil {
		return err
	}
	if policy != nil && held == nil {
		up["next_step_at"] = now
		s.wakeEscalationsAfter(tx)
	}
	if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ?", row.IncidentID).Updates(up).Error; err != nil {
		return err
	}
	if inc.MaintenanceHeld != (held != nil) {
		inc.MaintenanceHeld = held != nil
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("maintenance_held", inc.MaintenanceHeld).Error; err != nil {
			return err
		}
	}
	if held != nil && policy != nil {
		return s.maintenanceTimeline(tx, inc.ID, TimelineMaintenance, fmt.Sprintf("Maintenance “%s” is still in progress: nobody is paged until the window ends.", held.Title), now)
	}
	return nil
}

// GetEscalation returns an incident's escalation row (nil when it has none). Callers pass an
// incident the actor may see.
func (s *Store) GetEscalation(ctx context.Context, incidentID string) (*IncidentEscalation, error) {
	var row IncidentEscalation
	err := s.db.WithContext(ctx).Where("incident_id = ?", incidentID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &row, err
}

// EscalationLevels returns a policy's levels in order.
func (s *Store) EscalationLevels(ctx context.Context, policyID string) ([]EscalationLevel, error) {
	var ls []EscalationLevel
	err := s.db.WithContext(ctx).Where("policy_id = ?", policyID).Order("position").Find(&ls).Error
	return ls, err
}

// PagedUsers returns who the escalation's current step paged.
func (s *Store) PagedUsers(ctx context.Context, row *IncidentEscalation) ([]User, error) {
	var us []User
	err := s.db.WithContext(ctx).Where("id IN (?)", s.db.Model(&Notification{}).Select("user_id").
		Where("incident_id = ? AND escalation_step = ? AND reason = ?", row.IncidentID, row.Step, NotifyPage)).
		Order("name, id").Find(&us).Error
	return us, err
}

// changeIncident runs fn on a locked, open incident in a transaction, then publishes its hint.
func (s *Store) changeIncident(ctx context.Context, a *Actor, id string, fn func(tx *Tx, inc *Incident, comp *Component) error) (*Incident, error) {
	inc, comp, err := s.loadIncidentForChange(ctx, a, id)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		q := tx.DB
		if tx.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Where("id = ?", inc.ID).Take(inc).Error; err != nil {
			return err
		}
		if inc.Status == IncidentResolved {
			return Errorf(ECONFLICT, "the incident is resolved")
		}
		if err := fn(tx, inc, comp); err != nil {
			return err
		}
		inc.UpdatedAt = s.now()
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("updated_at", inc.UpdatedAt).Error; err != nil {
			return err
		}
		s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpChanged})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// UnacknowledgeIncident puts an acknowledged incident back to triggered: escalation restarts at
// level 1, due now. Members and up.
func (s *Store) UnacknowledgeIncident(ctx context.Context, a *Actor, id string) (*Incident, error) {
	return s.changeIncident(ctx, a, id, func(tx *Tx, inc *Incident, comp *Component) error {
		if inc.Status != IncidentAcknowledged {
			return Errorf(ECONFLICT, "only an acknowledged incident can be un-acknowledged")
		}
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).
			Updates(map[string]any{"status": IncidentTriggered, "acknowledged_at": nil, "acknowledged_by": nil}).Error; err != nil {
			return err
		}
		inc.Status, inc.AcknowledgedAt, inc.AcknowledgedBy = IncidentTriggered, nil, nil
		if err := s.restartEscalation(tx, inc, comp); err != nil {
			return err
		}
		if err := s.addTimeline(tx, a, inc.ID, TimelineUnacknowledged, "Escalation restarts at level 1."); err != nil {
			return err
		}
		if err := s.auditIncident(tx, a, inc, "unacknowledged", "un-acknowledged"); err != nil {
			return err
		}
		return s.recordIncidentEvent(tx, a, EventIncidentUnacknowledged, inc, comp)
	})
}

// ReassignIncident hands the incident to a member of its account, who is paged now.
// Members and up.
func (s *Store) ReassignIncident(ctx context.Context, a *Actor, id, userID string) (*Incident, error) {
	return s.changeIncident(ctx, a, id, func(tx *Tx, inc *Incident, comp *Component) error {
		var u User
		if !validID(userID) || tx.Where("id = ? AND id IN (SELECT user_id FROM memberships WHERE account_id = ?)", userID, inc.AccountID).Take(&u).Error != nil {
			return FieldError(ENOTFOUND, "userId", "no such member of this account")
		}
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("assignee_user_id", u.ID).Error; err != nil {
			return err
		}
		inc.AssigneeUserID = &u.ID
		row, err := s.escalationFor(tx, inc)
		if err != nil {
			return err
		}
		step := row.Step + 1
		if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ?", inc.ID).Updates(map[string]any{"step": step, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		plans, err := contactPlans(tx.DB, []string{u.ID})
		if err != nil {
			return err
		}
		ns := s.pageNotifications(inc, u.ID, plans[u.ID], step, nil)
		body := fmt.Sprintf("Reassigned to %s.", userLabel(&u))
		if len(ns) > 0 {
			if err := tx.CreateInBatches(ns, 100).Error; err != nil {
				return err
			}
			body += fmt.Sprintf(" Paged %s (%s).", userLabel(&u), methodsSummary(ns))
			s.wakeNotificationsAfter(tx)
		} else {
			body += fmt.Sprintf(" %s has no contact method to page.", userLabel(&u))
		}
		if err := s.addTimeline(tx, a, inc.ID, TimelineReassigned, body); err != nil {
			return err
		}
		if err := s.auditIncident(tx, a, inc, "reassigned", "reassigned", " to "+userLabel(&u)); err != nil {
			return err
		}
		_, err = s.recordEvent(tx, eventSpec{name: EventIncidentReassigned, accountID: inc.AccountID, incident: inc, component: comp,
			extra: map[string]string{"SCALR_INCIDENT_ASSIGNEE_ID": u.ID, "SCALR_INCIDENT_ASSIGNEE_NAME": u.Name}})
		return err
	})
}

// SnoozeIncident acknowledges an open incident for minutes (1–1440); then it triggers again and
// escalation restarts at level 1. Members and up.
func (s *Store) SnoozeIncident(ctx context.Context, a *Actor, id string, minutes int) (*Incident, error) {
	if minutes < 1 || minutes > 1440 {
		return nil, FieldError(EINVALID, "minutes", "snooze for 1 to 1440 minutes")
	}
	return s.changeIncident(ctx, a, id, func(tx *Tx, inc *Incident, comp *Component) error {
		now := s.now()
		until := now.Add(time.Duration(minutes) * time.Minute)
		label := a.Label()
		if inc.Status == IncidentTriggered {
			if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).
				Updates(map[string]any{"status": IncidentAcknowledged, "acknowledged_at": now, "acknowledged_by": label}).Error; err != nil {
				return err
			}
			inc.Status, inc.AcknowledgedAt, inc.AcknowledgedBy = IncidentAcknowledged, &now, &label
		}
		if _, err := s.escalationFor(tx, inc); err != nil {
			return err
		}
		if err := s.stopEscalation(tx, inc.ID, EscalationSnoozed, &until, false); err != nil {
			return err
		}
		if err := s.auditIncident(tx, a, inc, "snoozed", "snoozed", fmt.Sprintf(" for %d minutes", minutes)); err != nil {
			return err
		}
		return s.addTimeline(tx, a, inc.ID, TimelineSnoozed, fmt.Sprintf("Snoozed for %d minutes: triggers again at %s UTC.", minutes, until.Format("15:04")))
	})
}

// SetIncidentPolicy sets the incident's own policy (nil: back to the rule's, integration's or
// component's). A triggered incident restarts escalation at level 1 of the new policy.
// Members and up.
func (s *Store) SetIncidentPolicy(ctx context.Context, a *Actor, id string, policyID *string) (*Incident, error) {
	return s.changeIncident(ctx, a, id, func(tx *Tx, inc *Incident, comp *Component) error {
		name := "the rule's, integration's or component's policy"
		if policyID != nil {
			var p EscalationPolicy
			if !validID(*policyID) || tx.Where("id = ? AND account_id = ?", *policyID, inc.AccountID).Take(&p).Error != nil {
				return FieldError(ENOTFOUND, "policyId", "escalation policy not found")
			}
			name = p.Name
		}
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("escalation_policy_id", policyID).Error; err != nil {
			return err
		}
		inc.EscalationPolicyID = policyID
		body := "Escalation policy set to " + name + "."
		if inc.Status == IncidentTriggered {
			if err := s.restartEscalation(tx, inc, comp); err != nil {
				return err
			}
			body += " Escalation restarts at level 1."
		} else {
			pid, _, err := s.resolvePolicy(tx.DB, tx.reads, inc, comp)
			if err != nil {
				return err
			}
			if _, err := s.escalationFor(tx, inc); err != nil {
				return err
			}
			if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ?", inc.ID).Updates(map[string]any{"policy_id": pid, "updated_at": s.now()}).Error; err != nil {
				return err
			}
		}
		return s.addTimeline(tx, a, inc.ID, TimelineEscalation, body)
	})
}

// EscalateIncident pages the next level of a triggered incident now (an exhausted escalation
// starts over at level 1). Members and up.
func (s *Store) EscalateIncident(ctx context.Context, a *Actor, id string) (*Incident, error) {
	return s.changeIncident(ctx, a, id, func(tx *Tx, inc *Incident, comp *Component) error {
		if inc.Status != IncidentTriggered {
			return Errorf(ECONFLICT, "only a triggered incident can be escalated; un-acknowledge it first")
		}
		row, err := s.escalationFor(tx, inc)
		if err != nil {
			return err
		}
		if row.State == EscalationExhausted || row.PolicyID == nil {
			if err := s.restartEscalation(tx, inc, comp); err != nil {
				return err
			}
			if row, err = s.escalationFor(tx, inc); err != nil {
				return err
			}
		}
		if row.PolicyID == nil {
			return Errorf(EINVALID, "the incident has no escalation policy")
		}
		now := s.now()
		if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ?", inc.ID).
			Updates(map[string]any{"state": EscalationActive, "next_step_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		s.wakeEscalationsAfter(tx)
		return s.addTimeline(tx, a, inc.ID, TimelineEscalation, "Escalated by hand: the next level is paged now.")
	})
}

// ---- The engine cycle ----

// escalationBatch is how many rows one transaction advances.
const escalationBatch = 250

// NotificationMaxAttempts is how often a notification is tried before it fails.
const NotificationMaxAttempts = 5

// AdvanceEscalations advances due escalations (next_step_at <= now by the store's clock), at
// most limit, one transaction per batch, and returns how many it advanced.
func (s *Store) AdvanceEscalations(ctx context.Context, limit int) (int, error) {
	total := 0
	for total < limit {
		b := min(escalationBatch, limit-total)
		n, err := s.advanceBatch(ctx, b)
		total += n
		if err != nil || n < b {
			return total, err
		}
	}
	return total, nil
}

// engineCache holds what one batch reads once: policies, levels, targets, who is on call, and
// how people are reached.
type engineCache struct {
	policies map[string]*EscalationPolicy
	levels   map[string][]EscalationLevel  // by policy, in order
	targets  map[string][]EscalationTarget // by level
	onCall   map[string]string             // schedule → user ("" nobody)
	schedule map[string]string             // schedule → name
	users    map[string]*User              // by id
	plans    map[string][]contactStep      // by user
	comps    map[string]*Component         // by id
	incs     map[string]*Incident          // by id
	notifs   []*Notification               // to insert
	timeline []*TimelineEntry              // to insert
	events   []func(tx *Tx) error          // IncidentEscalated events
	admins   map[string]bool               // accounts whose admins are told of an unreached page
	unreach  []string                      // incidents that reached nobody
	touched  map[string]string             // incident → account (hints)
	dirty    []*IncidentEscalation         // rows to write back
}

func (s *Store) advanceBatch(ctx context.Context, limit int) (int, error) {
	var n int
	var mailRefs []MailRef
	err := s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		q := tx.Where("next_step_at IS NOT NULL AND next_step_at <= ?", now).Order("next_step_at, incident_id").Limit(limit)
		if tx.dialect == Postgres {
			// The incident is locked with its escalation, and both are skipped when either is
			// taken: a person's change of the incident (changeIncident) locks the incident and
			// then its escalation, so taking the escalation and then waiting for the incident
			// (this batch updates incidents and inserts notifications that reference them)
			// would deadlock with it. A skipped row is advanced by the next batch.
			q = q.Select("incident_escalations.*").Joins("JOIN incidents ON incidents.id = incident_escalations.incident_id").
				Clauses(clause.Locking{Strength: "UPDATE", Options: "OF incident_escalations, incidents SKIP LOCKED"})
		}
		var rows []IncidentEscalation
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		n = len(rows)
		if n == 0 {
			return nil
		}
		c, err := s.loadEngineCache(tx, rows, now)
		if err != nil {
			return err
		}
		for i := range rows {
			if err := s.advanceOne(tx, c, &rows[i], now); err != nil {
				return err
			}
		}
		if err := writeEscalations(tx, c.dirty); err != nil {
			return err
		}
		if len(c.notifs) > 0 {
			if err := tx.CreateInBatches(c.notifs, 200).Error; err != nil {
				return err
			}
			s.wakeNotificationsAfter(tx)
		}
		if len(c.timeline) > 0 {
			if err := tx.CreateInBatches(c.timeline, 200).Error; err != nil {
				return err
			}
		}
		for _, ev := range c.events {
			if err := ev(tx); err != nil {
				return err
			}
		}
		if len(c.unreach) > 0 {
			refs, err := s.flagUnreached(tx, c, now)
			if err != nil {
				return err
			}
			mailRefs = refs
		}
		touched := make([]string, 0, len(c.touched))
		for id, acc := range c.touched {
			touched = append(touched, id)
			s.publishAfter(tx, Hint{Kind: HintIncident, ID: id, AccountID: acc, Op: OpChanged})
		}
		sort.Strings(touched) // one lock order for concurrent writers
		if len(touched) > 0 {
			if err := tx.Model(&Incident{}).Where("id IN ?", touched).Update("updated_at", now).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.enqueueMailAfter(ctx, mailRefs)
	return n, nil
}

func (s *Store) loadEngineCache(tx *Tx, rows []IncidentEscalation, now time.Time) (*engineCache, error) {
	c := &engineCache{policies: map[string]*EscalationPolicy{}, levels: map[string][]EscalationLevel{}, targets: map[string][]EscalationTarget{},
		onCall: map[string]string{}, schedule: map[string]string{}, users: map[string]*User{}, plans: map[string][]contactStep{},
		comps: map[string]*Component{}, incs: map[string]*Incident{}, admins: map[string]bool{}, touched: map[string]string{}}
	incIDs := make([]string, 0, len(rows))
	var policyIDs []string
	seenP := map[string]bool{}
	for _, r := range rows {
		incIDs = append(incIDs, r.IncidentID)
		if r.PolicyID != nil && !seenP[*r.PolicyID] {
			seenP[*r.PolicyID] = true
			policyIDs = append(policyIDs, *r.PolicyID)
		}
	}
	var incs []*Incident
	if err := tx.Where("id IN ?", incIDs).Find(&incs).Error; err != nil {
		return nil, err
	}
	compIDs := map[string]bool{}
	for _, i := range incs {
		c.incs[i.ID] = i
		compIDs[i.ComponentID] = true
	}
	var comps []*Component
	if err := tx.Where("id IN ?", keys(compIDs)).Find(&comps).Error; err != nil {
		return nil, err
	}
	for _, x := range comps {
		c.comps[x.ID] = x
	}
	if len(policyIDs) == 0 {
		return c, nil
	}
	var ps []*EscalationPolicy
	if err := tx.Where("id IN ?", policyIDs).Find(&ps).Error; err != nil {
		return nil, err
	}
	for _, p := range ps {
		c.policies[p.ID] = p
	}
	var ls []EscalationLevel
	if err := tx.Where("policy_id IN ?", policyIDs).Order("policy_id, position").Find(&ls).Error; err != nil {
		return nil, err
	}
	levelIDs := make([]string, 0, len(ls))
	for _, l := range ls {
		c.levels[l.PolicyID] = append(c.levels[l.PolicyID], l)
		levelIDs = append(levelIDs, l.ID)
	}
	userIDs := map[string]bool{}
	if len(levelIDs) > 0 {
		var ts []EscalationTarget
		if err := tx.Where("level_id IN ?", levelIDs).Order("level_id, position, id").Find(&ts).Error; err != nil {
			return nil, err
		}
		for _, t := range ts {
			c.targets[t.LevelID] = append(c.targets[t.LevelID], t)
			switch {
			case t.UserID != nil:
				userIDs[*t.UserID] = true
			case t.ScheduleID != nil:
				if _, ok := c.onCall[*t.ScheduleID]; ok {
					continue
				}
				var sch Schedule
				if err := tx.Where("id = ?", *t.ScheduleID).Take(&sch).Error; err != nil {
					return nil, err
				}
				c.schedule[sch.ID] = sch.Name
				who := ""
				if sc, err := loadSchedule(tx.DB, &sch, now, now.Add(time.Nanosecond)); err == nil {
					who, _, _ = sc.OnCallAt(now)
				}
				c.onCall[sch.ID] = who
				if who != "" {
					userIDs[who] = true
				}
			}
		}
	}
	ids := keys(userIDs)
	if len(ids) == 0 {
		return c, nil
	}
	var us []*User
	if err := tx.Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, err
	}
	for _, u := range us {
		c.users[u.ID] = u
	}
	plans, err := contactPlans(tx.DB, ids)
	if err != nil {
		return nil, err
	}
	c.plans = plans
	return c, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Store) engineTimeline(c *engineCache, incidentID, kind, body string, now time.Time) {
	c.timeline = append(c.timeline, &TimelineEntry{ID: newID(), IncidentID: incidentID, Kind: kind, ActorLabel: "Switchboard", Body: body, CreatedAt: now})
}

// advanceOne takes one due row a step: re-trigger a snooze that ended, page the next level (a
// level that reaches nobody moves on at once), repeat the policy, or exhaust it.
func (s *Store) advanceOne(tx *Tx, c *engineCache, row *IncidentEscalation, now time.Time) error {
	inc := c.incs[row.IncidentID]
	up := map[string]any{"updated_at": now}
	save := func() error {
		applyEscalationUpdate(row, up)
		c.dirty = append(c.dirty, row)
		return nil
	}
	if inc == nil || inc.Status == IncidentResolved {
		up["state"], up["next_step_at"] = EscalationResolved, nil
		return save()
	}
	c.touched[inc.ID] = inc.AccountID
	if row.State == EscalationSnoozed {
		// The snooze ended: the incident triggers again and escalation starts over.
		if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).
			Updates(map[string]any{"status": IncidentTriggered, "acknowledged_at": nil, "acknowledged_by": nil}).Error; err != nil {
			return err
		}
		inc.Status = IncidentTriggered
		row.State, row.Level, row.RepeatsDone, row.LastPagedAt, row.SnoozedUntil = EscalationActive, -1, 0, nil, nil
		up["state"], up["level"], up["repeats_done"], up["last_paged_at"], up["snoozed_until"] = row.State, -1, 0, nil, nil
		s.engineTimeline(c, inc.ID, TimelineEscalation, "The snooze ended: the incident is triggered again and escalation restarts at level 1.", now)
		// Opened during maintenance and a window still covers it: held until the window ends.
		held, err := s.holdRestart(tx.DB, inc, now)
		if err != nil {
			return err
		}
		if held != nil {
			if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("maintenance_held", true).Error; err != nil {
				return err
			}
			inc.MaintenanceHeld = true
			up["next_step_at"] = nil
			s.engineTimeline(c, inc.ID, TimelineMaintenance, fmt.Sprintf("Maintenance “%s” is still in progress: nobody is paged until the window ends.", held.Title), now)
			return save()
		}
	}
	if row.State != EscalationActive || inc.Status != IncidentTriggered {
		up["next_step_at"] = nil
		return save()
	}
	var policy *EscalationPolicy
	if row.PolicyID != nil {
		policy = c.policies[*row.PolicyID]
	}
	var levels []EscalationLevel
	if policy != nil {
		levels = c.levels[policy.ID]
	}
	if len(levels) == 0 {
		up["state"], up["next_step_at"] = EscalationExhausted, nil
		s.engineTimeline(c, inc.ID, TimelineEscalation, "The escalation policy has no levels: nobody was paged.", now)
		c.unreach = append(c.unreach, inc.ID)
		return save()
	}
	reachedBefore := row.LastPagedAt != nil
	for tries := 0; tries <= len(levels)*(policy.Repeat+1); tries++ {
		next := row.Level + 1
		if next >= len(levels) {
			if row.RepeatsDone >= policy.Repeat {
				break
			}
			row.RepeatsDone++
			next = 0
		}
		row.Level, row.Step = next, row.Step+1
		lv := levels[next]
		where := fmt.Sprintf("level %d of %s", next+1, policy.Name)
		if row.RepeatsDone > 0 {
			where += fmt.Sprintf(" (repeat %d of %d)", row.RepeatsDone, policy.Repeat)
		}
		paged, gaps := s.pageLevel(c, inc, row, lv, now)
		if len(paged) == 0 {
			body := fmt.Sprintf("Nobody to page at %s", where)
			if len(gaps) > 0 {
				body += " (" + strings.Join(gaps, "; ") + ")"
			}
			s.engineTimeline(c, inc.ID, TimelineEscalation, body+": moving on.", now)
			continue
		}
		s.engineTimeline(c, inc.ID, TimelinePaged, "Paged "+strings.Join(paged, ", ")+" — "+where, now)
		if next > 0 || row.RepeatsDone > 0 {
			i, comp, lvl := inc, c.comps[inc.ComponentID], fmt.Sprint(next+1)
			c.events = append(c.events, func(tx *Tx) error {
				_, err := s.recordEvent(tx, eventSpec{name: EventIncidentEscalated, accountID: i.AccountID, incident: i, component: comp,
					extra: map[string]string{"SCALR_INCIDENT_ESCALATION_LEVEL": lvl, "SCALR_INCIDENT_ESCALATION_POLICY": policy.Name}})
				return err
			})
		}
		at := now.Add(time.Duration(lv.TimeoutMinutes) * time.Minute)
		up["level"], up["repeats_done"], up["step"], up["next_step_at"], up["last_paged_at"] = row.Level, row.RepeatsDone, row.Step, at, now
		return save()
	}
	// Every level (and repeat) is done and nobody acknowledged.
	up["state"], up["next_step_at"], up["level"], up["repeats_done"], up["step"] = EscalationExhausted, nil, row.Level, row.RepeatsDone, row.Step
	if reachedBefore {
		s.engineTimeline(c, inc.ID, TimelineEscalation, fmt.Sprintf("Escalation exhausted: every level of %s was paged and nobody acknowledged.", policy.Name), now)
	} else {
		s.engineTimeline(c, inc.ID, TimelineEscalation, fmt.Sprintf("The page reached nobody: no level of %s has anyone on call with a contact method. The account's admins are told.", policy.Name), now)
		c.unreach = append(c.unreach, inc.ID)
	}
	return save()
}

// pageLevel writes the notifications of one level's targets; it returns the paged people's
// summaries ("Ana (email, ntfy)") and why targets reached nobody.
func (s *Store) pageLevel(c *engineCache, inc *Incident, row *IncidentEscalation, lv EscalationLevel, now time.Time) (paged, gaps []string) {
	seen := map[string]bool{}
	level := lv.Position
	for _, t := range c.targets[lv.ID] {
		uid := ""
		switch {
		case t.UserID != nil:
			uid = *t.UserID
		case t.ScheduleID != nil:
			uid = c.onCall[*t.ScheduleID]
			if uid == "" {
				gaps = append(gaps, "nobody is on call on "+c.schedule[*t.ScheduleID])
				continue
			}
		}
		if seen[uid] {
			continue
		}
		seen[uid] = true
		u := c.users[uid]
		if u == nil {
			continue
		}
		ns := s.pageNotifications(inc, uid, c.plans[uid], row.Step, &level)
		if len(ns) == 0 {
			gaps = append(gaps, userLabel(u)+" has no contact method")
			continue
		}
		c.notifs = append(c.notifs, ns...)
		paged = append(paged, fmt.Sprintf("%s (%s)", userLabel(u), methodsSummary(ns)))
	}
	_ = now
	return paged, gaps
}

// pageNotifications builds one notification per contact step of a person's plan.
func (s *Store) pageNotifications(inc *Incident, userID string, plan []contactStep, step int, level *int) []*Notification {
	now := s.now()
	out := make([]*Notification, 0, len(plan))
	for _, p := range plan {
		at := now.Add(time.Duration(p.Delay) * time.Minute)
		st, mid, iid := step, p.Method.ID, inc.ID
		out = append(out, &Notification{
			ID: newID(), AccountID: inc.AccountID, IncidentID: &iid, UserID: userID, ContactMethodID: &mid, Reason: NotifyPage,
			Channel: p.Method.Kind, Recipient: p.Address, EscalationStep: &st, EscalationLevel: level, DelayMinutes: p.Delay,
			Status: NotificationPending, NotBefore: at, NextAttemptAt: &at, MaxAttempts: NotificationMaxAttempts, CreatedAt: now, UpdatedAt: now,
		})
	}
	return out
}

// methodsSummary says how a person is reached: "email, ntfy after 5 min".
func methodsSummary(ns []*Notification) string {
	parts := make([]string, 0, len(ns))
	for _, n := range ns {
		p := string(n.Channel)
		if n.DelayMinutes > 0 {
			p += fmt.Sprintf(" after %d min", n.DelayMinutes)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func userLabel(u *User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// contactStep is one way a person is notified on a page, and when.
type contactStep struct {
	Method  ContactMethod
	Address string
	Delay   int
}

// contactPlans says how each user is notified on a page: their notification rules on verified,
// enabled methods, or (no rules) every verified, enabled method at once. The primary method's
// address is the user's email. (The integrator reconciles this with the contact-method store's
// own plan.)
func contactPlans(db *gorm.DB, userIDs []string) (map[string][]contactStep, error) {
	out := map[string][]contactStep{}
	if len(userIDs) == 0 {
		return out, nil
	}
	// Every user has the account email as a method (0011 made it for the users of then; the
	// contact-method store makes it for new users): a missing one is made here.
	if err := db.Exec(`INSERT INTO contact_methods (id, user_id, kind, label, address, is_primary, verified_at, disabled, created_at, updated_at)
		SELECT id, id, 'email', 'Account email', '', ?, created_at, ?, created_at, created_at FROM users
		WHERE id IN ? AND NOT EXISTS (SELECT 1 FROM contact_methods c WHERE c.id = users.id)`, true, false, userIDs).Error; err != nil {
		return nil, err
	}
	var ms []ContactMethod
	if err := db.Where("user_id IN ? AND verified_at IS NOT NULL AND NOT disabled", userIDs).Order("user_id, created_at, id").Find(&ms).Error; err != nil {
		return nil, err
	}
	var us []User
	if err := db.Select("id, email").Where("id IN ?", userIDs).Find(&us).Error; err != nil {
		return nil, err
	}
	emails := map[string]string{}
	for _, u := range us {
		emails[u.ID] = u.Email
	}
	// An endpoint method is named by its endpoint.
	var epIDs []string
	for _, m := range ms {
		if m.Kind == ContactEndpoint && m.EndpointID != nil {
			epIDs = append(epIDs, *m.EndpointID)
		}
	}
	epNames := map[string]string{}
	if len(epIDs) > 0 {
		var eps []Endpoint
		if err := db.Select("id, name").Where("id IN ? AND active", epIDs).Find(&eps).Error; err != nil {
			return nil, err
		}
		for _, e := range eps {
			epNames[e.ID] = e.Name
		}
	}
	byID := map[string]ContactMethod{}
	for _, m := range ms {
		if m.Kind == ContactEndpoint {
			if m.EndpointID == nil || epNames[*m.EndpointID] == "" {
				continue // gone or inactive
			}
			m.Address = epNames[*m.EndpointID]
		}
		if m.ID == m.UserID || m.IsPrimary {
			m.Address = emails[m.UserID]
		}
		if m.Address == "" && m.Kind != ContactEndpoint {
			continue
		}
		byID[m.ID] = m
	}
	var rules []NotificationRule
	if err := db.Where("user_id IN ?", userIDs).Order("user_id, delay_minutes, id").Find(&rules).Error; err != nil {
		return nil, err
	}
	hasRules := map[string]bool{}
	for _, r := range rules {
		hasRules[r.UserID] = true
		if m, ok := byID[r.ContactMethodID]; ok && m.UserID == r.UserID {
			out[r.UserID] = append(out[r.UserID], contactStep{Method: m, Address: m.Address, Delay: r.DelayMinutes})
		}
	}
	for _, m := range ms {
		if hasRules[m.UserID] {
			continue
		}
		if bm, ok := byID[m.ID]; ok {
			out[m.UserID] = append(out[m.UserID], contactStep{Method: bm, Address: bm.Address})
		}
	}
	return out, nil
}

// flagUnreached marks incidents whose page reached nobody and mails their accounts' admins.
func (s *Store) flagUnreached(tx *Tx, c *engineCache, now time.Time) ([]MailRef, error) {
	// Only newly unreached incidents are flagged and mailed (a restarted escalation that
	// reaches nobody again is on the timeline, not in the admins' mail again).
	var fresh []string
	if err := tx.Model(&Incident{}).Where("id IN ? AND unreached_at IS NULL", c.unreach).Order("id").Pluck("id", &fresh).Error; err != nil {
		return nil, err
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	if err := tx.Model(&Incident{}).Where("id IN ?", fresh).Update("unreached_at", now).Error; err != nil {
		return nil, err
	}
	var refs []MailRef
	for _, id := range fresh {
		inc := c.incs[id]
		var admins []User
		if err := tx.Where("id IN (SELECT user_id FROM memberships WHERE account_id = ? AND role IN ?)", inc.AccountID,
			[]Role{RoleOwner, RoleAdmin}).Order("id").Find(&admins).Error; err != nil {
			return nil, err
		}
		link := s.links.Incident(inc.AccountID, inc.ID)
		comp := ""
		if cp := c.comps[inc.ComponentID]; cp != nil {
			comp = cp.Name
		}
		for _, u := range admins {
			text := fmt.Sprintf("The incident %q (%s, component %s) paged nobody: no level of its escalation policy had anyone on call with a contact method.\n\nOpen it: %s\n", inc.Title, inc.Severity, comp, link)
			_, ref, err := s.queueMail(tx, MailInput{AccountID: inc.AccountID, Kind: MailNotice, To: u.Email,
				Subject: "Nobody was paged: " + inc.Title, Text: text,
				Headers: map[string]string{"X-Switchboard-Incident": inc.ID, "X-Switchboard-Kind": "unreached"}})
			if err != nil {
				if IsAppError(err) {
					continue // an address the mail path refuses: the others still get it
				}
				return nil, err
			}
			if ref != nil {
				refs = append(refs, *ref)
			}
		}
	}
	return refs, nil
}

// EscalationView is where an incident's escalation stands, for the API.
type EscalationView struct {
	Row          *IncidentEscalation
	Policy       *EscalationPolicy
	PolicySource string
	LevelCount   int
	Paged        []User
}

// IncidentEscalationView reads an incident's escalation (nil when it has none). Callers pass an
// incident the actor may see.
func (s *Store) IncidentEscalationView(ctx context.Context, inc *Incident) (*EscalationView, error) {
	row, err := s.GetEscalation(ctx, inc.ID)
	if err != nil || row == nil {
		return nil, err
	}
	v := &EscalationView{Row: row}
	if row.PolicyID != nil {
		var p EscalationPolicy
		if err := s.db.WithContext(ctx).Where("id = ? AND account_id = ?", *row.PolicyID, inc.AccountID).Take(&p).Error; err == nil {
			v.Policy = &p
			var n int64
			if err := s.db.WithContext(ctx).Model(&EscalationLevel{}).Where("policy_id = ?", p.ID).Count(&n).Error; err != nil {
				return nil, err
			}
			v.LevelCount = int(n)
		}
	}
	if v.PolicySource, err = s.PolicySource(ctx, inc); err != nil {
		return nil, err
	}
	if v.Paged, err = s.PagedUsers(ctx, row); err != nil {
		return nil, err
	}
	return v, nil
}

// applyEscalationUpdate sets the fields named in up on row.
func applyEscalationUpdate(row *IncidentEscalation, up map[string]any) {
	tm := func(v any) *time.Time {
		if t, ok := v.(time.Time); ok {
			return &t
		}
		return nil
	}
	for k, v := range up {
		switch k {
		case "state":
			row.State = v.(EscalationState)
		case "level":
			row.Level = v.(int)
		case "repeats_done":
			row.RepeatsDone = v.(int)
		case "step":
			row.Step = v.(int)
		case "next_step_at":
			row.NextStepAt = tm(v)
		case "last_paged_at":
			row.LastPagedAt = tm(v)
		case "snoozed_until":
			row.SnoozedUntil = tm(v)
		case "updated_at":
			row.UpdatedAt = v.(time.Time)
		}
	}
}

// writeEscalations writes advanced rows back: on PostgreSQL in one statement per 500 rows (an
// UPDATE from VALUES), on SQLite (one writer, small installations) row by row.
func writeEscalations(tx *Tx, rows []*IncidentEscalation) error {
	if tx.dialect != Postgres {
		for _, r := range rows {
			if err := tx.Model(&IncidentEscalation{}).Where("incident_id = ?", r.IncidentID).Updates(map[string]any{
				"state": r.State, "level": r.Level, "repeats_done": r.RepeatsDone, "step": r.Step, "next_step_at": r.NextStepAt,
				"last_paged_at": r.LastPagedAt, "snoozed_until": r.SnoozedUntil, "updated_at": r.UpdatedAt}).Error; err != nil {
				return err
			}
		}
		return nil
	}
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), 500)]
		rows = rows[len(chunk):]
		var sb strings.Builder
		args := make([]any, 0, len(chunk)*9)
		sb.WriteString(`UPDATE incident_escalations AS e SET state = v.state, level = v.level, repeats_done = v.repeats_done, step = v.step,
			next_step_at = v.next_step_at, last_paged_at = v.last_paged_at, snoozed_until = v.snoozed_until, updated_at = v.updated_at
			FROM (VALUES `)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(CAST(? AS UUID), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ))")
			args = append(args, r.IncidentID, string(r.State), r.Level, r.RepeatsDone, r.Step, r.NextStepAt, r.LastPagedAt, r.SnoozedUntil, r.UpdatedAt)
		}
		sb.WriteString(`) AS v(id, state, level, repeats_done, step, next_step_at, last_paged_at, snoozed_until, updated_at) WHERE e.incident_id = v.id`)
		if err := tx.Exec(sb.String(), args...).Error; err != nil {
			return err
		}
	}
	return nil
}

package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/routing"
)

// IntegrationRoute is one ordered routing rule of an AWS integration (models/routing decides
// which applies): the first rule whose conditions all hold sends the alarm to its component,
// with its severity and escalation policy; none matching leaves the integration's own.
type IntegrationRoute struct {
	ID                 string `gorm:"primaryKey"`
	IntegrationID      string
	Position           int
	Name               string
	Conditions         string // JSON array of routing.Condition
	ComponentID        string
	Severity           *Severity
	EscalationPolicyID *string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// ConditionList decodes the stored conditions.
func (r *IntegrationRoute) ConditionList() []routing.Condition {
	var out []routing.Condition
	_ = json.Unmarshal([]byte(r.Conditions), &out)
	return out
}

// MaxRoutes bounds the rules of one integration: each alarm is tried against them in order.
const MaxRoutes = 100

// RouteInput is one rule as a form sends it; ID keeps an existing rule's id (receipts and
// incidents name the rule they matched).
type RouteInput struct {
	ID                 string
	Name               string
	Conditions         []routing.Condition
	ComponentID        string
	Severity           *Severity
	EscalationPolicyID *string
}

// ListRoutes returns an integration's rules in order (callers pass a visible integration).
func (s *Store) ListRoutes(ctx context.Context, integrationID string) ([]IntegrationRoute, error) {
	var out []IntegrationRoute
	err := s.db.WithContext(ctx).Where("integration_id = ?", integrationID).Order("position, id").Find(&out).Error
	return out, err
}

// RoutesByID loads rules by id (dataloader); callers pass rules the actor may see.
func (s *Store) RoutesByID(ctx context.Context, ids []string) (map[string]*IntegrationRoute, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *IntegrationRoute) string { return r.ID })
}

// IncidentsByID loads incidents by id (dataloader); callers pass incidents the actor may see.
func (s *Store) IncidentsByID(ctx context.Context, ids []string) (map[string]*Incident, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *Incident) string { return r.ID })
}

// compiledRoute is a rule ready to match.
type compiledRoute struct {
	row     IntegrationRoute
	matcher *routing.Matcher
}

// checkRoutes validates rules for an integration of accountID and compiles them. Errors name
// the field as routes.<i>.<field> (conditions as routes.<i>.conditions.<j>.<field>).
func (s *Store) checkRoutes(ctx context.Context, db *gorm.DB, accountID string, in []RouteInput) ([]compiledRoute, error) {
	if len(in) > MaxRoutes {
		return nil, FieldError(EINVALID, "routes", "an integration has at most %d rules", MaxRoutes)
	}
	out := make([]compiledRoute, len(in))
	seenIDs := map[string]bool{}
	for i, r := range in {
		path := "routes." + strconv.Itoa(i) + "."
		name, err := cleanName(path+"name", r.Name, 100)
		if err != nil {
			return nil, err
		}
		m, err := routing.Compile(r.Conditions)
		if err != nil {
			var re *routing.Error
			if errors.As(err, &re) {
				return nil, FieldError(EINVALID, fmt.Sprintf("%sconditions.%d.%s", path, re.Index, re.Field), "%s", re.Message)
			}
			return nil, err
		}
		if !validID(r.ComponentID) {
			return nil, FieldError(EINVALID, path+"componentId", "choose a component of this account")
		}
		var n int64
		if err := db.Model(&Component{}).Where("id = ? AND account_id = ?", r.ComponentID, accountID).Count(&n).Error; err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, FieldError(EINVALID, path+"componentId", "choose a component of this account")
		}
		if r.Severity != nil && !r.Severity.Valid() {
			return nil, FieldError(EINVALID, path+"severity", "unknown severity")
		}
		if r.EscalationPolicyID != nil {
			if !validID(*r.EscalationPolicyID) {
				return nil, FieldError(EINVALID, path+"escalationPolicyId", "choose an escalation policy of this account")
			}
			if err := db.Table("escalation_policies").Where("id = ? AND account_id = ?", *r.EscalationPolicyID, accountID).Count(&n).Error; err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, FieldError(EINVALID, path+"escalationPolicyId", "choose an escalation policy of this account")
			}
		}
		id := r.ID
		if id != "" && (!validID(id) || seenIDs[id]) {
			return nil, FieldError(EINVALID, path+"id", "unknown or repeated rule id")
		}
		seenIDs[id] = true
		conds, err := json.Marshal(r.Conditions)
		if err != nil {
			return nil, err
		}
		if r.Conditions == nil {
			conds = []byte("[]")
		}
		out[i] = compiledRoute{row: IntegrationRoute{ID: id, Position: i, Name: name, Conditions: string(conds),
			ComponentID: r.ComponentID, Severity: r.Severity, EscalationPolicyID: r.EscalationPolicyID}, matcher: m}
	}
	return out, nil
}

// SetRoutes replaces an integration's routing rules with in, in order. Rules that keep their
// id keep it (receipts and incidents still name them); ids of other integrations are refused.
// Admins and owners.
func (s *Store) SetRoutes(ctx context.Context, a *Actor, integrationID string, in []RouteInput) ([]IntegrationRoute, error) {
	integ, err := s.GetAWSIntegration(ctx, a, integrationID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, integ.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	routes, err := s.checkRoutes(ctx, s.db.WithContext(ctx), integ.AccountID, in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]IntegrationRoute, len(routes))
	err = s.db.Tx(ctx, func(tx *Tx) error {
		// Saves of one integration's rules take turns: each replaces the set it read.
		var locked AWSIntegration
		if err := lockRow(tx, "aws_integrations", integ.ID).Select("id").Take(&locked).Error; err != nil {
			return err
		}
		var existing []IntegrationRoute
		if err := tx.Where("integration_id = ?", integ.ID).Find(&existing).Error; err != nil {
			return err
		}
		old := map[string]IntegrationRoute{}
		for _, r := range existing {
			old[r.ID] = r
		}
		kept := map[string]bool{}
		for i, r := range routes {
			row := r.row
			row.IntegrationID, row.UpdatedAt = integ.ID, now
			if row.ID != "" {
				prev, ok := old[row.ID]
				if !ok {
					return FieldError(EINVALID, fmt.Sprintf("routes.%d.id", i), "unknown or repeated rule id")
				}
				row.CreatedAt = prev.CreatedAt
				kept[row.ID] = true
				if err := tx.Model(&IntegrationRoute{}).Where("id = ?", row.ID).Updates(map[string]any{
					"position": row.Position, "name": row.Name, "conditions": row.Conditions, "component_id": row.ComponentID,
					"severity": row.Severity, "escalation_policy_id": row.EscalationPolicyID, "updated_at": now,
				}).Error; err != nil {
					return err
				}
			} else {
				row.ID, row.CreatedAt = newID(), now
				if err := tx.Create(&row).Error; err != nil {
					return err
				}
			}
			out[i] = row
		}
		for id := range old {
			if !kept[id] {
				if err := tx.Where("id = ?", id).Delete(&IntegrationRoute{}).Error; err != nil {
					return err
				}
			}
		}
		if err := tx.Model(&AWSIntegration{}).Where("id = ?", integ.ID).Update("updated_at", now).Error; err != nil {
			return err
		}
		s.hint(tx, HintIntegration, integ.ID, integ.AccountID)
		return s.audit(tx, a, integ.AccountID, "aws_integration.routes_updated", "aws_integration", integ.ID,
			fmt.Sprintf("%s set %d routing rule(s) of AWS integration %q", a.Label(), len(out), integ.Name))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RouteTrial is what a rule set would have done with one recent message.
type RouteTrial struct {
	Message SNSReceipt
	Facts   routing.Facts
	// MatchedIndex is the matching rule's position in the tried set; nil: none matched (the
	// integration's own component).
	MatchedIndex *int
	ComponentID  string
}

// TryRoutes runs rules (not saved) against the integration's last messages that carried an
// alarm, newest first, so a user sees what a change would do before saving it. Members and up
// may try; the rules are validated as SetRoutes would.
func (s *Store) TryRoutes(ctx context.Context, a *Actor, integrationID string, in []RouteInput, limit int) ([]RouteTrial, error) {
	integ, err := s.GetAWSIntegration(ctx, a, integrationID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, integ.AccountID, RoleMember); err != nil {
		return nil, err
	}
	routes, err := s.checkRoutes(ctx, s.db.WithContext(ctx), integ.AccountID, in)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var recs []SNSReceipt
	if err := s.db.WithContext(ctx).Where("integration_id = ? AND facts IS NOT NULL", integ.ID).
		Order("received_at DESC").Limit(limit).Find(&recs).Error; err != nil {
		return nil, err
	}
	ms := make([]*routing.Matcher, len(routes))
	for i := range routes {
		ms[i] = routes[i].matcher
	}
	out := make([]RouteTrial, 0, len(recs))
	for _, r := range recs {
		var f routing.Facts
		if r.Facts == nil || json.Unmarshal([]byte(*r.Facts), &f) != nil {
			continue
		}
		t := RouteTrial{Message: r, Facts: f, ComponentID: integ.ComponentID}
		if i := routing.First(ms, &f); i >= 0 {
			t.MatchedIndex, t.ComponentID = &i, routes[i].row.ComponentID
		}
		out = append(out, t)
	}
	return out, nil
}

// routeFor picks the rule an alarm matches among the integration's rules, in tx. A stored rule
// that no longer compiles (it cannot be saved so) is skipped rather than stopping ingestion.
func (s *Store) routeFor(tx *Tx, integ *AWSIntegration, f *routing.Facts) (*IntegrationRoute, error) {
	rules, err := memoized(tx.reads, "routes:"+integ.ID, func() ([]compiledRoute, error) {
		var rows []IntegrationRoute
		if err := tx.Where("integration_id = ?", integ.ID).Order("position, id").Find(&rows).Error; err != nil {
			return nil, err
		}
		out := make([]compiledRoute, 0, len(rows))
		for i := range rows {
			if m, err := routing.Compile(rows[i].ConditionList()); err == nil {
				out = append(out, compiledRoute{row: rows[i], matcher: m})
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	for i := range rules {
		if rules[i].matcher.Match(f) {
			return &rules[i].row, nil
		}
	}
	return nil, nil
}

// routeComponentUsers names the live integrations whose rules send alarms to a component (for refusing its
// deletion).
func routeComponentUsers(db *gorm.DB, componentID string) ([]string, error) {
	var names []string
	err := db.Table("integration_routes r").Joins("JOIN aws_integrations i ON i.id = r.integration_id").
		Where("r.component_id = ? AND i.deleted_at IS NULL", componentID).Distinct().Pluck("i.name", &names).Error
	return names, err
}

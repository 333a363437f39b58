package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// Escalation policies: ordered levels, each with a timeout and targets (schedules and/or users
// of the same account), repeated 0–9 times. Admins edit them and attach them to components and
// AWS integrations (issue 10, docs/oncall.md). The engine reads them with policyLevels.

// Policy limits.
const (
	MinLevelTimeout = 1
	MaxLevelTimeout = 10080
	MaxPolicyRepeat = 9
	maxPolicyLevels = 20
	maxLevelTargets = 20
)

// TargetInput is a schedule or a user paged at a level.
type TargetInput struct {
	ScheduleID *string
	UserID     *string
}

// LevelInput is one level of a policy.
type LevelInput struct {
	TimeoutMinutes int
	Targets        []TargetInput
}

// PolicyInput creates or changes a policy; nil fields stay. Levels, when given, replaces all.
type PolicyInput struct {
	Name        *string
	Description *string
	Repeat      *int
	Levels      *[]LevelInput
}

// PolicyLevel is a level with its targets, for the engine and the console.
type PolicyLevel struct {
	EscalationLevel
	Targets []EscalationTarget
}

// ListEscalationPolicies returns the account's policies by name. Viewers and up.
func (s *Store) ListEscalationPolicies(ctx context.Context, a *Actor, accountID string) ([]EscalationPolicy, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var ps []EscalationPolicy
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("lower(name), id").Find(&ps).Error
	return ps, err
}

// GetEscalationPolicy returns a policy the actor can see.
func (s *Store) GetEscalationPolicy(ctx context.Context, a *Actor, id string) (*EscalationPolicy, error) {
	var p EscalationPolicy
	if err := s.getScoped(ctx, a, &p, id, "escalation policy", RoleViewer); err != nil {
		return nil, err
	}
	return &p, nil
}

// EscalationPoliciesByID loads policies in one query. Callers pass policies the actor may see.
func (s *Store) EscalationPoliciesByID(ctx context.Context, ids []string) (map[string]*EscalationPolicy, error) {
	return loadByID(s.db.WithContext(ctx), ids, func(r *EscalationPolicy) string { return r.ID })
}

// policyLevels reads a policy's levels with their targets, in order, through db (a transaction
// or the pool). The engine pages from it.
func policyLevels(db *gorm.DB, policyID string) ([]PolicyLevel, error) {
	m, err := levelsByPolicy(db, []string{policyID})
	if err != nil {
		return nil, err
	}
	return m[policyID], nil
}

// PolicyLevels is policyLevels on the pool (the caller has the policy).
func (s *Store) PolicyLevels(ctx context.Context, policyID string) ([]PolicyLevel, error) {
	return policyLevels(s.db.WithContext(ctx), policyID)
}

// LevelsByPolicy loads the levels (with targets) of many policies in two queries (dataloader).
func (s *Store) LevelsByPolicy(ctx context.Context, ids []string) (map[string][]PolicyLevel, error) {
	return levelsByPolicy(s.db.WithContext(ctx), ids)
}

func levelsByPolicy(db *gorm.DB, ids []string) (map[string][]PolicyLevel, error) {
	var levels []EscalationLevel
	if err := db.Where("policy_id IN ?", ids).Order("position, id").Find(&levels).Error; err != nil {
		return nil, err
	}
	out := map[string][]PolicyLevel{}
	if len(levels) == 0 {
		return out, nil
	}
	levelIDs := make([]string, len(levels))
	for i, l := range levels {
		levelIDs[i] = l.ID
	}
	var targets []EscalationTarget
	if err := db.Where("level_id IN ?", levelIDs).Order("position, id").Find(&targets).Error; err != nil {
		return nil, err
	}
	byLevel := map[string][]EscalationTarget{}
	for _, t := range targets {
		byLevel[t.LevelID] = append(byLevel[t.LevelID], t)
	}
	for _, l := range levels {
		out[l.PolicyID] = append(out[l.PolicyID], PolicyLevel{EscalationLevel: l, Targets: byLevel[l.ID]})
	}
	return out, nil
}

func cleanPolicyFields(in *PolicyInput) error {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return err
		}
		in.Name = &n
	}
	if in.Description != nil {
		d, err := cleanText("description", *in.Description, 2000)
		if err != nil {
			return err
		}
		in.Description = &d
	}
	if in.Repeat != nil && (*in.Repeat < 0 || *in.Repeat > MaxPolicyRepeat) {
		return FieldError(EINVALID, "repeat", "a policy repeats 0 to %d times", MaxPolicyRepeat)
	}
	return nil
}

// buildLevels validates levels and makes their rows; targets must be schedules or members of
// the account.
func buildLevels(db *gorm.DB, accountID, policyID string, in []LevelInput) ([]EscalationLevel, []EscalationTarget, error) {
	if len(in) == 0 {
		return nil, nil, FieldError(EINVALID, "levels", "a policy needs at least one level")
	}
	if len(in) > maxPolicyLevels {
		return nil, nil, FieldError(EINVALID, "levels", "a policy has at most %d levels", maxPolicyLevels)
	}
	var levels []EscalationLevel
	var targets []EscalationTarget
	for i, li := range in {
		prefix := fmt.Sprintf("levels.%d.", i)
		if li.TimeoutMinutes < MinLevelTimeout || li.TimeoutMinutes > MaxLevelTimeout {
			return nil, nil, FieldError(EINVALID, prefix+"timeoutMinutes", "a level's timeout is %d to %d minutes", MinLevelTimeout, MaxLevelTimeout)
		}
		if len(li.Targets) == 0 {
			return nil, nil, FieldError(EINVALID, prefix+"targets", "a level needs at least one schedule or person")
		}
		if len(li.Targets) > maxLevelTargets {
			return nil, nil, FieldError(EINVALID, prefix+"targets", "a level has at most %d targets", maxLevelTargets)
		}
		l := EscalationLevel{ID: newID(), PolicyID: policyID, Position: i, TimeoutMinutes: li.TimeoutMinutes}
		levels = append(levels, l)
		seen := map[string]bool{}
		for j, t := range li.Targets {
			field := fmt.Sprintf("%stargets.%d", prefix, j)
			hasS, hasU := t.ScheduleID != nil && *t.ScheduleID != "", t.UserID != nil && *t.UserID != ""
			if hasS == hasU {
				return nil, nil, FieldError(EINVALID, field, "a target is a schedule or a person")
			}
			row := EscalationTarget{ID: newID(), LevelID: l.ID, Position: j}
			if hasS {
				var n int64
				if validID(*t.ScheduleID) {
					if err := db.Model(&Schedule{}).Where("id = ? AND account_id = ?", *t.ScheduleID, accountID).Count(&n).Error; err != nil {
						return nil, nil, err
					}
				}
				if n == 0 {
					return nil, nil, FieldError(ENOTFOUND, field+".scheduleId", "schedule not found in this account")
				}
				row.ScheduleID = t.ScheduleID
			} else {
				members, err := memberSet(db, accountID, []string{*t.UserID})
				if err != nil {
					return nil, nil, err
				}
				if !members[*t.UserID] {
					return nil, nil, FieldError(EINVALID, field+".userId", "the person must be a member of the account")
				}
				row.UserID = t.UserID
			}
			key := deref(row.ScheduleID) + "/" + deref(row.UserID)
			if seen[key] {
				return nil, nil, FieldError(EINVALID, field, "the same target is given twice in this level")
			}
			seen[key] = true
			targets = append(targets, row)
		}
	}
	return levels, targets, nil
}

func writeLevels(tx *Tx, policyID string, levels []EscalationLevel, targets []EscalationTarget) error {
	if err := tx.Where("policy_id = ?", policyID).Delete(&EscalationLevel{}).Error; err != nil {
		return err
	}
	if err := tx.Create(&levels).Error; err != nil {
		return err
	}
	return tx.Create(&targets).Error
}

// CreateEscalationPolicy creates a policy. Admins and owners.
func (s *Store) CreateEscalationPolicy(ctx context.Context, a *Actor, accountID string, in PolicyInput) (*EscalationPolicy, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	if err := cleanPolicyFields(&in); err != nil {
		return nil, err
	}
	if in.Levels == nil {
		return nil, FieldError(EINVALID, "levels", "a policy needs at least one level")
	}
	now := s.now()
	p := &EscalationPolicy{ID: newID(), AccountID: accountID, Name: *in.Name, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Repeat != nil {
		p.Repeat = *in.Repeat
	}
	levels, targets, err := buildLevels(s.db.WithContext(ctx), accountID, p.ID, *in.Levels)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(p).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a policy named %q already exists", p.Name)
			}
			return err
		}
		if err := writeLevels(tx, p.ID, levels, targets); err != nil {
			return err
		}
		return s.audit(tx, a, accountID, "escalation_policy.created", "escalation_policy", p.ID, fmt.Sprintf("%s created escalation policy %q", a.Label(), p.Name))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateEscalationPolicy changes a policy; given levels replace all levels. Escalations in
// progress read the new levels at their next step. Admins and owners.
func (s *Store) UpdateEscalationPolicy(ctx context.Context, a *Actor, id string, in PolicyInput) (*EscalationPolicy, error) {
	p, err := s.GetEscalationPolicy(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, p.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	if err := cleanPolicyFields(&in); err != nil {
		return nil, err
	}
	var levels []EscalationLevel
	var targets []EscalationTarget
	if in.Levels != nil {
		if levels, targets, err = buildLevels(s.db.WithContext(ctx), p.AccountID, p.ID, *in.Levels); err != nil {
			return nil, err
		}
	}
	now := s.now()
	changes := map[string]any{"updated_at": now}
	var what []string
	if in.Name != nil && *in.Name != p.Name {
		what = append(what, fmt.Sprintf("renamed it to %q", *in.Name))
		changes["name"], p.Name = *in.Name, *in.Name
	}
	if in.Description != nil && *in.Description != p.Description {
		what = append(what, "changed the description")
		changes["description"], p.Description = *in.Description, *in.Description
	}
	if in.Repeat != nil && *in.Repeat != p.Repeat {
		what = append(what, fmt.Sprintf("set repeats to %d", *in.Repeat))
		changes["repeat"], p.Repeat = *in.Repeat, *in.Repeat
	}
	if in.Levels != nil {
		what = append(what, fmt.Sprintf("set %d level(s)", len(levels)))
	}
	if len(what) == 0 {
		return p, nil
	}
	p.UpdatedAt = now
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&EscalationPolicy{}).Where("id = ?", p.ID).Updates(changes).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a policy named %q already exists", p.Name)
			}
			return err
		}
		if in.Levels != nil {
			if err := writeLevels(tx, p.ID, levels, targets); err != nil {
				return err
			}
		}
		return s.audit(tx, a, p.AccountID, "escalation_policy.updated", "escalation_policy", p.ID, fmt.Sprintf("%s %s of escalation policy %q", a.Label(), strings.Join(what, ", "), p.Name))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteEscalationPolicy deletes a policy. Refused while a component or an AWS integration
// uses it (the error names them). Incidents that used it keep their history. Admins and owners.
func (s *Store) DeleteEscalationPolicy(ctx context.Context, a *Actor, id string) error {
	p, err := s.GetEscalationPolicy(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := s.Require(ctx, a, p.AccountID, RoleAdmin); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		var comps, integs []string
		if err := tx.Model(&Component{}).Where("escalation_policy_id = ?", p.ID).Order("name").Pluck("name", &comps).Error; err != nil {
			return err
		}
		if err := tx.Model(&AWSIntegration{}).Where("escalation_policy_id = ? AND deleted_at IS NULL", p.ID).Order("name").Pluck("name", &integs).Error; err != nil {
			return err
		}
		// Routing rules of live integrations that name it count as the integration using it.
		var ruled []string
		if err := tx.Table("integration_routes r").Joins("JOIN aws_integrations i ON i.id = r.integration_id").
			Where("r.escalation_policy_id = ? AND i.deleted_at IS NULL", p.ID).Distinct().Order("i.name").Pluck("i.name", &ruled).Error; err != nil {
			return err
		}
		for _, n := range ruled {
			if !slices.Contains(integs, n) {
				integs = append(integs, n)
			}
		}
		if len(comps) > 0 || len(integs) > 0 {
			var where []string
			if len(comps) > 0 {
				where = append(where, "component(s) "+quoteList(comps))
			}
			if len(integs) > 0 {
				where = append(where, "AWS integration(s) "+quoteList(integs))
			}
			return Errorf(ECONFLICT, "escalation policy %q is used by %s: detach it first", p.Name, strings.Join(where, " and "))
		}
		// Deleted integrations and incidents let go of it (their history stays).
		for _, q := range []string{
			"UPDATE aws_integrations SET escalation_policy_id = NULL WHERE escalation_policy_id = ?",
			"UPDATE incidents SET escalation_policy_id = NULL WHERE escalation_policy_id = ?",
			"UPDATE integration_routes SET escalation_policy_id = NULL WHERE escalation_policy_id = ?",
		} {
			if err := tx.Exec(q, p.ID).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("id = ?", p.ID).Delete(&EscalationPolicy{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, p.AccountID, "escalation_policy.deleted", "escalation_policy", p.ID, fmt.Sprintf("%s deleted escalation policy %q", a.Label(), p.Name))
	})
}

// SetEscalationPolicy attaches a policy (nil detaches) to a component or an AWS integration of
// the same account. Exactly one of the results is set. Admins and owners.
func (s *Store) SetEscalationPolicy(ctx context.Context, a *Actor, targetID string, policyID *string) (*Component, *AWSIntegration, error) {
	if !validID(targetID) {
		return nil, nil, FieldError(ENOTFOUND, "targetId", "component or AWS integration not found")
	}
	db := s.db.WithContext(ctx)
	var comp Component
	var integ AWSIntegration
	var accountID, kind, name string
	err := db.Where("id = ?", targetID).Take(&comp).Error
	switch {
	case err == nil:
		accountID, kind, name = comp.AccountID, "component", comp.Name
	case errors.Is(err, gorm.ErrRecordNotFound):
		err = db.Where("id = ? AND deleted_at IS NULL", targetID).Take(&integ).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, FieldError(ENOTFOUND, "targetId", "component or AWS integration not found")
		}
		if err != nil {
			return nil, nil, err
		}
		accountID, kind, name = integ.AccountID, "AWS integration", integ.Name
	default:
		return nil, nil, err
	}
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, nil, FieldError(ENOTFOUND, "targetId", "component or AWS integration not found")
		}
		return nil, nil, err
	}
	summary := fmt.Sprintf("%s detached the escalation policy of %s %q", a.Label(), kind, name)
	if policyID != nil {
		var p EscalationPolicy
		if !validID(*policyID) || db.Where("id = ? AND account_id = ?", *policyID, accountID).Take(&p).Error != nil {
			return nil, nil, FieldError(ENOTFOUND, "policyId", "escalation policy not found in this account")
		}
		summary = fmt.Sprintf("%s set the escalation policy of %s %q to %q", a.Label(), kind, name, p.Name)
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		table := "components"
		if kind != "component" {
			table = "aws_integrations"
		}
		if err := tx.Table(table).Where("id = ?", targetID).Updates(map[string]any{"escalation_policy_id": policyID, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if kind == "component" {
			s.hint(tx, HintComponent, targetID, accountID)
		} else {
			s.hint(tx, HintIntegration, targetID, accountID)
		}
		return s.audit(tx, a, accountID, "escalation_policy.attached", strings.ReplaceAll(strings.ToLower(kind), " ", "_"), targetID, summary)
	})
	if err != nil {
		return nil, nil, err
	}
	if kind == "component" {
		comp.EscalationPolicyID = policyID
		return &comp, nil, nil
	}
	integ.EscalationPolicyID = policyID
	return nil, &integ, nil
}

// TargetsByLevel loads the targets of many levels in one query (dataloader). Callers pass
// levels of policies the actor may see.
func (s *Store) TargetsByLevel(ctx context.Context, ids []string) (map[string][]EscalationTarget, error) {
	var ts []EscalationTarget
	if err := s.db.WithContext(ctx).Where("level_id IN ?", ids).Order("position, id").Find(&ts).Error; err != nil {
		return nil, err
	}
	out := map[string][]EscalationTarget{}
	for _, t := range ts {
		out[t.LevelID] = append(out[t.LevelID], t)
	}
	return out, nil
}

// ComponentsByPolicy loads the components of many policies in one query (dataloader).
func (s *Store) ComponentsByPolicy(ctx context.Context, ids []string) (map[string][]Component, error) {
	var cs []Component
	if err := s.db.WithContext(ctx).Where("escalation_policy_id IN ?", ids).Order("lower(name), id").Find(&cs).Error; err != nil {
		return nil, err
	}
	out := map[string][]Component{}
	for _, c := range cs {
		out[*c.EscalationPolicyID] = append(out[*c.EscalationPolicyID], c)
	}
	return out, nil
}

// PoliciesBySchedule loads the policies that target each of many schedules in one query
// (dataloader).
func (s *Store) PoliciesBySchedule(ctx context.Context, ids []string) (map[string][]EscalationPolicy, error) {
	var rows []struct {
		EscalationPolicy
		TargetScheduleID string
	}
	if err := s.db.WithContext(ctx).Table("escalation_policies").
		Select("DISTINCT escalation_policies.*, t.schedule_id AS target_schedule_id").
		Joins("JOIN escalation_levels l ON l.policy_id = escalation_policies.id").
		Joins("JOIN escalation_targets t ON t.level_id = l.id").
		Where("t.schedule_id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := strings.ToLower(rows[i].Name), strings.ToLower(rows[j].Name)
		if a != b {
			return a < b
		}
		return rows[i].ID < rows[j].ID
	})
	out := map[string][]EscalationPolicy{}
	for _, r := range rows {
		out[r.TargetScheduleID] = append(out[r.TargetScheduleID], r.EscalationPolicy)
	}
	return out, nil
}

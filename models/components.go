package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Component is a service incidents open on.
type Component struct {
	ID             string `gorm:"primaryKey"`
	AccountID      string
	Name           string
	Description    string
	GroupName      string
	StatusOverride *ComponentStatus
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// EscalationPolicyID is the default policy of the component's incidents.
	EscalationPolicyID *string
	// PublicStatus is what the status pages say (nil: operational); see statuspage_types.go.
	PublicStatus *ComponentStatus
	// AutoPublish publishes CloudWatch incidents that last AutoPublishAfterMinutes.
	AutoPublish             bool
	AutoPublishAfterMinutes int
}

// ComponentInput creates or changes a component; nil fields are left unchanged.
// ClearOverride removes a manual status override.
type ComponentInput struct {
	Name           *string
	Description    *string
	Group          *string
	StatusOverride *ComponentStatus
	ClearOverride  bool
}

func cleanComponent(in ComponentInput) (ComponentInput, error) {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return in, err
		}
		in.Name = &n
	}
	if in.Description != nil {
		d, err := cleanText("description", *in.Description, 2000)
		if err != nil {
			return in, err
		}
		in.Description = &d
	}
	if in.Group != nil {
		g := strings.TrimSpace(*in.Group)
		if g != "" {
			var err error
			if g, err = cleanName("group", g, 100); err != nil {
				return in, err
			}
		}
		in.Group = &g
	}
	if in.StatusOverride != nil && !in.StatusOverride.Valid() {
		return in, FieldError(EINVALID, "statusOverride", "unknown status")
	}
	return in, nil
}

// ListComponents returns the account's components by group and name. Viewers and up.
func (s *Store) ListComponents(ctx context.Context, a *Actor, accountID string) ([]Component, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var cs []Component
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("lower(group_name), lower(name), id").Find(&cs).Error
	return cs, err
}

// GetComponent returns a component the actor can see.
func (s *Store) GetComponent(ctx context.Context, a *Actor, id string) (*Component, error) {
	var c Component
	if err := s.getScoped(ctx, a, &c, id, "component", RoleViewer); err != nil {
		return nil, err
	}
	return &c, nil
}

// getScoped loads a row of an account-scoped table by id and checks the actor's role in its
// account; rows of accounts the actor cannot see are "not found".
func (s *Store) getScoped(ctx context.Context, a *Actor, dst interface{ accountOf() string }, id, what string, min Role) error {
	if !validID(id) {
		return notFound(what)
	}
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(dst).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound(what)
		}
		return err
	}
	if _, err := s.Require(ctx, a, dst.accountOf(), min); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return notFound(what)
		}
		return err
	}
	return nil
}

func (c *Component) accountOf() string { return c.AccountID }

// CreateComponent creates a component. Admins and owners.
func (s *Store) CreateComponent(ctx context.Context, a *Actor, accountID string, in ComponentInput) (*Component, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	in, err := cleanComponent(in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &Component{ID: newID(), AccountID: accountID, Name: *in.Name, StatusOverride: in.StatusOverride, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.Group != nil {
		c.GroupName = *in.Group
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(c).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a component named %q already exists", c.Name)
			}
			return err
		}
		if err := s.recordNewComponent(tx, c); err != nil {
			return err
		}
		s.hint(tx, HintComponent, c.ID, accountID)
		return s.audit(tx, a, accountID, "component.created", "component", c.ID, fmt.Sprintf("%s created component %q", a.Label(), c.Name))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateComponent changes a component. Admins and owners.
func (s *Store) UpdateComponent(ctx context.Context, a *Actor, id string, in ComponentInput) (*Component, error) {
	c, err := s.GetComponent(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, c.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in, err = cleanComponent(in); err != nil {
		return nil, err
	}
	changes := map[string]any{"updated_at": s.now()}
	var what []string
	if in.Name != nil && *in.Name != c.Name {
		what = append(what, fmt.Sprintf("renamed %q to %q", c.Name, *in.Name))
		changes["name"], c.Name = *in.Name, *in.Name
	}
	if in.Description != nil && *in.Description != c.Description {
		what = append(what, "changed the description")
		changes["description"], c.Description = *in.Description, *in.Description
	}
	if in.Group != nil && *in.Group != c.GroupName {
		what = append(what, fmt.Sprintf("moved it to group %q", *in.Group))
		changes["group_name"], c.GroupName = *in.Group, *in.Group
	}
	switch {
	case in.ClearOverride && c.StatusOverride != nil:
		what = append(what, "cleared the status override")
		changes["status_override"], c.StatusOverride = nil, nil
	case in.StatusOverride != nil && (c.StatusOverride == nil || *c.StatusOverride != *in.StatusOverride):
		what = append(what, "set the status to "+strings.ReplaceAll(string(*in.StatusOverride), "_", " "))
		changes["status_override"], c.StatusOverride = *in.StatusOverride, in.StatusOverride
	}
	if len(what) == 0 {
		return c, nil
	}
	_, overrideChanged := changes["status_override"]
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Component{}).Where("id = ? AND account_id = ?", c.ID, c.AccountID).Updates(changes).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a component named %q already exists", c.Name)
			}
			return err
		}
		if overrideChanged {
			// The override decides both statuses: recorded with the change.
			s.markInternalStatus(tx, c.AccountID, c.ID)
			if err := s.refreshPublishedStatus(tx, c.AccountID, []string{c.ID}); err != nil {
				return err
			}
		}
		s.hint(tx, HintComponent, c.ID, c.AccountID)
		if err := s.audit(tx, a, c.AccountID, "component.updated", "component", c.ID, fmt.Sprintf("%s %s of component %q", a.Label(), strings.Join(what, ", "), c.Name)); err != nil {
			return err
		}
		if overrideChanged {
			var now Component
			if err := tx.Select("id, public_status").Where("id = ?", c.ID).Take(&now).Error; err != nil {
				return err
			}
			c.PublicStatus = now.PublicStatus
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteComponent deletes a component with its resolved incidents. It refuses while an AWS
// integration maps to it or an incident on it is open.
func (s *Store) DeleteComponent(ctx context.Context, a *Actor, id string) error {
	c, err := s.GetComponent(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := s.Require(ctx, a, c.AccountID, RoleAdmin); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		var names []string
		if err := tx.Model(&AWSIntegration{}).Where("component_id = ? AND deleted_at IS NULL", c.ID).Order("name").Pluck("name", &names).Error; err != nil {
			return err
		}
		if len(names) > 0 {
			return Errorf(ECONFLICT, "component %q is used by AWS integration(s) %s: map them to another component or delete them first", c.Name, quoteList(names))
		}
		if names, err = routeComponentUsers(tx.DB, c.ID); err != nil {
			return err
		}
		if len(names) > 0 {
			return Errorf(ECONFLICT, "component %q is the target of routing rules of AWS integration(s) %s: change those rules first", c.Name, quoteList(names))
		}
		var open int64
		if err := tx.Model(&Incident{}).Where("component_id = ? AND status <> ?", c.ID, IncidentResolved).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return Errorf(ECONFLICT, "component %q has %d open incident(s): resolve them first", c.Name, open)
		}
		// The component's incidents go first: they may reference the deleted integrations below.
		if err := tx.Where("component_id = ?", c.ID).Delete(&Incident{}).Error; err != nil {
			return err
		}
		// Deleted integrations keep their history but must let go of the component. Incidents
		// they opened on other components (before a remap) lose the link rather than block this.
		deleted := "SELECT id FROM aws_integrations WHERE component_id = ? AND deleted_at IS NOT NULL"
		if err := tx.Exec("UPDATE incidents SET integration_id = NULL WHERE integration_id IN ("+deleted+")", c.ID).Error; err != nil {
			return err
		}
		// Rules of deleted integrations that still name the component go with it.
		if err := tx.Exec("DELETE FROM integration_routes WHERE component_id = ?", c.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM aws_integrations WHERE component_id = ? AND deleted_at IS NOT NULL", c.ID).Error; err != nil {
			return err
		}
		if err := tx.Where("id = ?", c.ID).Delete(&Component{}).Error; err != nil {
			return err
		}
		s.hint(tx, HintComponent, c.ID, c.AccountID)
		return s.audit(tx, a, c.AccountID, "component.deleted", "component", c.ID, fmt.Sprintf("%s deleted component %q", a.Label(), c.Name))
	})
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// ComponentStatuses returns the status of each component: the manual override if set, else the
// worst open incident's severity mapped to a status, else operational. One query for many
// components (dataloader); callers pass components the actor may see.
func (s *Store) ComponentStatuses(ctx context.Context, ids []string) (map[string]ComponentStatus, error) {
	var rows []struct {
		ComponentID string
		Severity    Severity
	}
	if err := s.db.WithContext(ctx).Model(&Incident{}).Select("DISTINCT component_id, severity").
		Where("component_id IN ? AND status <> ? AND NOT is_test", ids, IncidentResolved).Scan(&rows).Error; err != nil {
		return nil, err
	}
	worst := map[string]Severity{}
	for _, r := range rows {
		if severityRank[r.Severity] > severityRank[worst[r.ComponentID]] {
			worst[r.ComponentID] = r.Severity
		}
	}
	var overrides []Component
	if err := s.db.WithContext(ctx).Select("id, status_override").Where("id IN ? AND status_override IS NOT NULL", ids).Find(&overrides).Error; err != nil {
		return nil, err
	}
	out := make(map[string]ComponentStatus, len(ids))
	for _, id := range ids {
		out[id] = StatusForSeverity(worst[id])
	}
	for _, c := range overrides {
		out[c.ID] = *c.StatusOverride
	}
	return out, nil
}

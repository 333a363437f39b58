package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Public incidents (issue 11, docs/statuspages.md): what customers read about an internal
// incident is explicit. A responder's first update (title, status, impact, components) creates
// the public incident; later updates move it; a resolved update resolves it, after which no
// update is accepted (a correction edits a message; a postmortem comes after resolution).
// Everything is recorded in the internal incident's timeline and the audit log, and the
// components' published status is recomputed in the same transaction.

// TimelineStatusPage is the timeline kind of what was published about an incident.
const TimelineStatusPage = "status_page"

// Limits of public texts.
const (
	maxPublicTitle   = 200
	maxPublicMessage = 5000
	// maxPublicComponents is how many components one update may name.
	maxPublicComponents = 200
	maxPostmortem       = 50000
	maxTemplateName     = 100
)

// IncidentUpdateInput is a public update about an internal incident.
type IncidentUpdateInput struct {
	IncidentID string
	// Title is required by the first update; later it renames the public incident.
	Title  *string
	Status PublicIncidentStatus
	// Impact defaults (first update) to the incident severity's.
	Impact  *Impact
	Message string
	// Components: the affected components and their public status (the first update needs
	// one); nil on a later update keeps the incident's components as they are.
	Components        []AffectedComponent
	NotifySubscribers bool
}

// ImpactForSeverity is the default public impact of an incident of severity s.
func ImpactForSeverity(s Severity) Impact {
	switch s {
	case SeverityCritical:
		return ImpactCritical
	case SeverityHigh:
		return ImpactMajor
	}
	return ImpactMinor
}

// cleanMessage trims and validates multi-line public text: required (when required), at most
// max characters, no control characters but newlines (and tabs); CRLF becomes LF.
func cleanMessage(field, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	switch {
	case required && v == "":
		return "", FieldError(EINVALID, field, "%s is required", field)
	case !utf8.ValidString(v):
		return "", FieldError(EINVALID, field, "%s must be valid text", field)
	case utf8.RuneCountInString(v) > max:
		return "", FieldError(EINVALID, field, "%s must be at most %d characters", field, max)
	case strings.IndexFunc(v, func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || r == '\u2028' || r == '\u2029'
	}) >= 0:
		return "", FieldError(EINVALID, field, "%s must not contain control characters", field)
	}
	return v, nil
}

func (p *PublicIncident) accountOf() string { return p.AccountID }

func (t *UpdateTemplate) accountOf() string { return t.AccountID }

// statusLabel is how a public status reads in timelines ("Investigating").
func statusLabel(s PublicIncidentStatus) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// PostIncidentUpdate publishes an update about an incident. Members and up.
func (s *Store) PostIncidentUpdate(ctx context.Context, a *Actor, in IncidentUpdateInput) (*PublicIncident, error) {
	inc, comp, err := s.loadIncidentForChange(ctx, a, in.IncidentID)
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, FieldError(ENOTFOUND, "incidentId", "incident not found")
		}
		return nil, err
	}
	if inc.IsTest {
		return nil, Errorf(ECONFLICT, "a test incident cannot be published")
	}
	var out *PublicIncident
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		out, err = s.postIncidentUpdate(tx, a, inc, comp, in, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// postIncidentUpdate validates and applies an update in tx (auto: posted by the auto-publish
// rule). The caller has checked the actor may act on the incident.
func (s *Store) postIncidentUpdate(tx *Tx, a *Actor, inc *Incident, comp *Component, in IncidentUpdateInput, auto bool) (*PublicIncident, error) {
	if !in.Status.Valid() {
		return nil, FieldError(EINVALID, "status", "unknown status")
	}
	msg, err := cleanMessage("message", in.Message, maxPublicMessage, true)
	if err != nil {
		return nil, err
	}
	var title string
	if in.Title != nil {
		if title, err = cleanName("title", *in.Title, maxPublicTitle); err != nil {
			return nil, err
		}
	}
	if in.Impact != nil && !in.Impact.Valid() {
		return nil, FieldError(EINVALID, "impact", "unknown impact")
	}
	if len(in.Components) > maxPublicComponents {
		return nil, FieldError(EINVALID, "components", "an update names at most %d components", maxPublicComponents)
	}
	seen := map[string]bool{}
	var affected []AffectedComponent
	for i, c := range in.Components {
		field := fmt.Sprintf("components.%d", i)
		if !validID(c.ComponentID) {
			return nil, FieldError(ENOTFOUND, field+".componentId", "component not found")
		}
		if !c.Status.Valid() {
			return nil, FieldError(EINVALID, field+".status", "unknown status")
		}
		if seen[c.ComponentID] {
			return nil, FieldError(EINVALID, field+".componentId", "a component is named twice")
		}
		seen[c.ComponentID] = true
		affected = append(affected, c)
	}
	if len(affected) > 0 {
		ids := make([]string, 0, len(affected))
		for _, c := range affected {
			ids = append(ids, c.ComponentID)
		}
		var n int64
		if err := tx.Model(&Component{}).Where("account_id = ? AND id IN ?", inc.AccountID, ids).Count(&n).Error; err != nil {
			return nil, err
		}
		if int(n) != len(ids) {
			return nil, FieldError(ENOTFOUND, "components", "component not found")
		}
	}

	now := s.now()
	// The incident's row first, then its public incident's, then the components': the order
	// every path that changes them takes (resolving an incident posts the auto-published
	// "Resolved" while holding the incident).
	if err := tx.Model(&Incident{}).Where("id = ?", inc.ID).Update("updated_at", now).Error; err != nil {
		return nil, err
	}
	var pi PublicIncident
	q := tx.Where("incident_id = ?", inc.ID)
	if tx.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err = q.Take(&pi).Error
	first := errors.Is(err, gorm.ErrRecordNotFound)
	if err != nil && !first {
		return nil, err
	}
	if first {
		switch {
		case in.Title == nil:
			return nil, FieldError(EINVALID, "title", "the first update needs a title")
		case len(affected) == 0:
			return nil, FieldError(EINVALID, "components", "the first update names at least one component")
		}
		impact := ImpactForSeverity(inc.Severity)
		if in.Impact != nil {
			impact = *in.Impact
		}
		incID := inc.ID
		pi = PublicIncident{ID: newID(), AccountID: inc.AccountID, IncidentID: &incID, Title: title, Status: in.Status,
			Impact: impact, Auto: auto, CreatedAt: now, UpdatedAt: now}
		if in.Status == PublicResolved {
			pi.ResolvedAt = &now
		}
		if err := tx.Create(&pi).Error; err != nil {
			if isUniqueViolation(err) {
				return nil, Errorf(ECONFLICT, "the incident was published meanwhile: reload and post again")
			}
			return nil, err
		}
	} else {
		if pi.Status == PublicResolved {
			return nil, Errorf(ECONFLICT, "the public incident is resolved: correct an update or add a postmortem instead")
		}
		changes := map[string]any{"status": in.Status, "updated_at": now}
		pi.Status, pi.UpdatedAt = in.Status, now
		if in.Title != nil {
			changes["title"], pi.Title = title, title
		}
		if in.Impact != nil {
			changes["impact"], pi.Impact = *in.Impact, *in.Impact
		}
		if in.Status == PublicResolved {
			changes["resolved_at"], pi.ResolvedAt = now, &now
		}
		if err := tx.Model(&PublicIncident{}).Where("id = ?", pi.ID).Updates(changes).Error; err != nil {
			return nil, err
		}
	}

	// The incident's components: the union, with each one's latest status; resolved puts them
	// all back to operational.
	for _, c := range affected {
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "public_incident_id"}, {Name: "component_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"status"}),
		}).Create(&PublicIncidentComponent{PublicIncidentID: pi.ID, ComponentID: c.ComponentID, Status: c.Status}).Error; err != nil {
			return nil, err
		}
	}
	if in.Status == PublicResolved {
		if err := tx.Model(&PublicIncidentComponent{}).Where("public_incident_id = ?", pi.ID).Update("status", StatusOperational).Error; err != nil {
			return nil, err
		}
	}
	var pics []PublicIncidentComponent
	if err := tx.Where("public_incident_id = ?", pi.ID).Order("component_id").Find(&pics).Error; err != nil {
		return nil, err
	}
	all := make([]AffectedComponent, len(pics))
	ids := make([]string, len(pics))
	for i, p := range pics {
		all[i], ids[i] = AffectedComponent{ComponentID: p.ComponentID, Status: p.Status}, p.ComponentID
	}
	// The update records the components as of itself: those it names first, in its order,
	// then the incident's others.
	recorded := append([]AffectedComponent{}, affected...)
	for _, p := range all {
		if !seen[p.ComponentID] {
			recorded = append(recorded, p)
		} else if in.Status == PublicResolved {
			for i := range recorded {
				if recorded[i].ComponentID == p.ComponentID {
					recorded[i].Status = StatusOperational
				}
			}
		}
	}
	cjs, err := json.Marshal(recorded)
	if err != nil {
		return nil, err
	}
	upd := &PublicIncidentUpdate{ID: newID(), PublicIncidentID: pi.ID, Status: in.Status, Message: msg, Components: string(cjs),
		NotifySubscribers: in.NotifySubscribers, AuthorID: a.auditUserID(), AuthorLabel: a.Label(), CreatedAt: now}
	if err := tx.Create(upd).Error; err != nil {
		return nil, err
	}
	if err := s.addTimeline(tx, a, inc.ID, TimelineStatusPage, fmt.Sprintf("Published an update: %s — %s", statusLabel(in.Status), msg)); err != nil {
		return nil, err
	}
	what := "published an update"
	if first {
		what = "published"
	}
	if err := s.audit(tx, a, inc.AccountID, "public_incident.update", "public_incident", pi.ID,
		fmt.Sprintf("%s %s (%s) about incident %q on %q", a.Label(), what, in.Status, inc.Title, comp.Name)); err != nil {
		return nil, err
	}
	s.markPublishedStatus(tx, inc.AccountID, ids...)
	s.hint(tx, HintStatusPage, "", inc.AccountID)
	s.publishAfter(tx, Hint{Kind: HintIncident, ID: inc.ID, AccountID: inc.AccountID, Op: OpChanged})
	if in.NotifySubscribers {
		if err := s.queueSubscriberNotices(tx, SubscriberNotice{AccountID: inc.AccountID, Topic: TopicIncidents, Event: "incident.update",
			Update: upd, ComponentIDs: ids}); err != nil {
			return nil, err
		}
	}
	return &pi, nil
}

// loadPublicIncidentForChange loads a public incident and checks the actor may act on
// incidents of its account.
func (s *Store) loadPublicIncidentForChange(ctx context.Context, a *Actor, id string) (*PublicIncident, error) {
	var pi PublicIncident
	if err := s.getScoped(ctx, a, &pi, id, "public incident", RoleMember); err != nil {
		return nil, err
	}
	return &pi, nil
}

// EditIncidentUpdate corrects a published update's message; the page says it was edited.
// Members and up.
func (s *Store) EditIncidentUpdate(ctx context.Context, a *Actor, id, message string) (*PublicIncident, error) {
	if !validID(id) {
		return nil, notFound("update")
	}
	var upd PublicIncidentUpdate
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&upd).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("update")
		}
		return nil, err
	}
	pi, err := s.loadPublicIncidentForChange(ctx, a, upd.PublicIncidentID)
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, notFound("update")
		}
		return nil, err
	}
	msg, err := cleanMessage("message", message, maxPublicMessage, true)
	if err != nil {
		return nil, err
	}
	if msg == upd.Message {
		return pi, nil
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		if err := tx.Model(&PublicIncidentUpdate{}).Where("id = ?", upd.ID).Updates(map[string]any{"message": msg, "edited_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&PublicIncident{}).Where("id = ?", pi.ID).Update("updated_at", now).Error; err != nil {
			return err
		}
		if pi.IncidentID != nil {
			if err := s.addTimeline(tx, a, *pi.IncidentID, TimelineStatusPage, fmt.Sprintf("Corrected a published update (%s): %s", statusLabel(upd.Status), msg)); err != nil {
				return err
			}
			s.publishAfter(tx, Hint{Kind: HintIncident, ID: *pi.IncidentID, AccountID: pi.AccountID, Op: OpChanged})
		}
		s.hint(tx, HintStatusPage, "", pi.AccountID)
		return s.audit(tx, a, pi.AccountID, "public_incident.update_edited", "public_incident", pi.ID,
			fmt.Sprintf("%s corrected an update of public incident %q", a.Label(), pi.Title))
	})
	if err != nil {
		return nil, err
	}
	return pi, nil
}

// SetPostmortem writes (and publishes, or unpublishes) a resolved public incident's postmortem.
// Members and up.
func (s *Store) SetPostmortem(ctx context.Context, a *Actor, publicIncidentID, text string, publish bool) (*PublicIncident, error) {
	pi, err := s.loadPublicIncidentForChange(ctx, a, publicIncidentID)
	if err != nil {
		return nil, err
	}
	if text, err = cleanMessage("postmortem", text, maxPostmortem, publish); err != nil {
		return nil, err
	}
	if pi.Status != PublicResolved {
		return nil, Errorf(ECONFLICT, "a postmortem comes after resolution: resolve the public incident first")
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		changes := map[string]any{"postmortem": text, "updated_at": now}
		switch {
		case publish && pi.PostmortemPublishedAt == nil:
			changes["postmortem_published_at"], pi.PostmortemPublishedAt = now, &now
		case !publish:
			changes["postmortem_published_at"], pi.PostmortemPublishedAt = nil, nil
		}
		res := tx.Model(&PublicIncident{}).Where("id = ? AND status = ?", pi.ID, PublicResolved).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "a postmortem comes after resolution: resolve the public incident first")
		}
		pi.Postmortem, pi.UpdatedAt = text, now
		verb := "saved a draft postmortem"
		if publish {
			verb = "published the postmortem"
		}
		if pi.IncidentID != nil {
			if err := s.addTimeline(tx, a, *pi.IncidentID, TimelineStatusPage, strings.ToUpper(verb[:1])+verb[1:]); err != nil {
				return err
			}
			s.publishAfter(tx, Hint{Kind: HintIncident, ID: *pi.IncidentID, AccountID: pi.AccountID, Op: OpChanged})
		}
		s.hint(tx, HintStatusPage, "", pi.AccountID)
		return s.audit(tx, a, pi.AccountID, "public_incident.postmortem", "public_incident", pi.ID,
			fmt.Sprintf("%s %s of public incident %q", a.Label(), verb, pi.Title))
	})
	if err != nil {
		return nil, err
	}
	return pi, nil
}

// GetPublicIncident returns a public incident the actor can see.
func (s *Store) GetPublicIncident(ctx context.Context, a *Actor, id string) (*PublicIncident, error) {
	var pi PublicIncident
	if err := s.getScoped(ctx, a, &pi, id, "public incident", RoleViewer); err != nil {
		return nil, err
	}
	return &pi, nil
}

// ListPublicIncidents returns the account's public incidents, newest first (at most first).
func (s *Store) ListPublicIncidents(ctx context.Context, a *Actor, accountID string, first int) ([]PublicIncident, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	if first <= 0 || first > 200 {
		return nil, FieldError(EINVALID, "first", "first must be between 1 and 200")
	}
	var out []PublicIncident
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("created_at DESC, id DESC").Limit(first).Find(&out).Error
	return out, err
}

// PublicIncidentsByIncident returns the public incident of each of the incidents that has one
// (dataloader). Callers pass incidents the actor may see.
func (s *Store) PublicIncidentsByIncident(ctx context.Context, incidentIDs []string) (map[string]*PublicIncident, error) {
	var rows []PublicIncident
	if err := s.db.WithContext(ctx).Where("incident_id IN ?", incidentIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]*PublicIncident, len(rows))
	for i := range rows {
		out[*rows[i].IncidentID] = &rows[i]
	}
	return out, nil
}

// PublicIncidentUpdates returns the updates of the public incidents, oldest first, by public
// incident (dataloader). Callers pass public incidents the actor may see.
func (s *Store) PublicIncidentUpdates(ctx context.Context, ids []string) (map[string][]PublicIncidentUpdate, error) {
	var rows []PublicIncidentUpdate
	if err := s.db.WithContext(ctx).Where("public_incident_id IN ?", ids).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string][]PublicIncidentUpdate{}
	for _, r := range rows {
		out[r.PublicIncidentID] = append(out[r.PublicIncidentID], r)
	}
	return out, nil
}

// PublicIncidentComponents returns the components of the public incidents with their latest
// public status (dataloader). Callers pass public incidents the actor may see.
func (s *Store) PublicIncidentComponents(ctx context.Context, ids []string) (map[string][]AffectedComponent, error) {
	var rows []PublicIncidentComponent
	if err := s.db.WithContext(ctx).Where("public_incident_id IN ?", ids).Order("public_incident_id, component_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string][]AffectedComponent{}
	for _, r := range rows {
		out[r.PublicIncidentID] = append(out[r.PublicIncidentID], AffectedComponent{ComponentID: r.ComponentID, Status: r.Status})
	}
	return out, nil
}

// UpdateComponents decodes an update's affected components.
func (u *PublicIncidentUpdate) UpdateComponents() []AffectedComponent {
	var out []AffectedComponent
	_ = json.Unmarshal([]byte(u.Components), &out)
	return out
}

// PublicIncidentPages returns, by public incident, the pages of its account that show it
// (those listing one of its components), by name (dataloader: two queries for any number of
// public incidents). Callers pass public incidents the actor may see.
func (s *Store) PublicIncidentPages(ctx context.Context, ids []string) (map[string][]StatusPage, error) {
	out := map[string][]StatusPage{}
	if len(ids) == 0 {
		return out, nil
	}
	var pairs []struct{ PublicIncidentID, PageID string }
	if err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT pic.public_incident_id, spc.page_id
		FROM public_incident_components pic
		JOIN public_incidents pi ON pi.id = pic.public_incident_id
		JOIN status_page_components spc ON spc.component_id = pic.component_id
		JOIN status_pages sp ON sp.id = spc.page_id AND sp.account_id = pi.account_id
		WHERE pic.public_incident_id IN ?`, ids).Scan(&pairs).Error; err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return out, nil
	}
	pageIDs := map[string]bool{}
	for _, p := range pairs {
		pageIDs[p.PageID] = true
	}
	var pages []StatusPage
	if err := s.db.WithContext(ctx).Where("id IN ?", keys(pageIDs)).Order("lower(name), id").Find(&pages).Error; err != nil {
		return nil, err
	}
	shows := map[string]map[string]bool{} // page → public incidents
	for _, p := range pairs {
		if shows[p.PageID] == nil {
			shows[p.PageID] = map[string]bool{}
		}
		shows[p.PageID][p.PublicIncidentID] = true
	}
	for _, pg := range pages { // in name order, so each list is too
		for pid := range shows[pg.ID] {
			out[pid] = append(out[pid], pg)
		}
	}
	return out, nil
}

// SaveTemplateInput creates (ID nil) or changes an update template.
type SaveTemplateInput struct {
	ID        *string
	AccountID string
	Name      string
	Title     string
	Status    PublicIncidentStatus
	Message   string
}

// ListUpdateTemplates returns the account's update templates by name. Viewers and up.
func (s *Store) ListUpdateTemplates(ctx context.Context, a *Actor, accountID string) ([]UpdateTemplate, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var out []UpdateTemplate
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("lower(name), id").Find(&out).Error
	return out, err
}

// SaveUpdateTemplate creates or changes an update template (names are unique per account,
// case-insensitively). Members and up.
func (s *Store) SaveUpdateTemplate(ctx context.Context, a *Actor, in SaveTemplateInput) (*UpdateTemplate, error) {
	t := &UpdateTemplate{}
	if in.ID != nil {
		if err := s.getScoped(ctx, a, t, *in.ID, "update template", RoleMember); err != nil {
			return nil, err
		}
		if t.AccountID != in.AccountID {
			return nil, notFound("update template")
		}
	} else if _, err := s.Require(ctx, a, in.AccountID, RoleMember); err != nil {
		return nil, err
	}
	name, err := cleanName("name", in.Name, maxTemplateName)
	if err != nil {
		return nil, err
	}
	title := ""
	if strings.TrimSpace(in.Title) != "" {
		if title, err = cleanName("title", in.Title, maxPublicTitle); err != nil {
			return nil, err
		}
	}
	if !in.Status.Valid() {
		return nil, FieldError(EINVALID, "status", "unknown status")
	}
	msg, err := cleanMessage("message", in.Message, maxPublicMessage, true)
	if err != nil {
		return nil, err
	}
	now := s.now()
	created := in.ID == nil
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var err error
		if created {
			*t = UpdateTemplate{ID: newID(), AccountID: in.AccountID, Name: name, Title: title, Status: in.Status, Message: msg, CreatedAt: now, UpdatedAt: now}
			err = tx.Create(t).Error
		} else {
			t.Name, t.Title, t.Status, t.Message, t.UpdatedAt = name, title, in.Status, msg, now
			err = tx.Model(&UpdateTemplate{}).Where("id = ? AND account_id = ?", t.ID, t.AccountID).
				Updates(map[string]any{"name": name, "title": title, "status": in.Status, "message": msg, "updated_at": now}).Error
		}
		if err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a template named %q already exists", name)
			}
			return err
		}
		verb := "changed"
		if created {
			verb = "created"
		}
		return s.audit(tx, a, t.AccountID, "update_template."+verb, "update_template", t.ID, fmt.Sprintf("%s %s update template %q", a.Label(), verb, name))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteUpdateTemplate deletes an update template. Members and up.
func (s *Store) DeleteUpdateTemplate(ctx context.Context, a *Actor, id string) error {
	var t UpdateTemplate
	if err := s.getScoped(ctx, a, &t, id, "update template", RoleMember); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("id = ? AND account_id = ?", t.ID, t.AccountID).Delete(&UpdateTemplate{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, t.AccountID, "update_template.deleted", "update_template", t.ID, fmt.Sprintf("%s deleted update template %q", a.Label(), t.Name))
	})
}

// SetComponentAutoPublish turns a component's auto-publish rule on or off (afterMinutes
// 1–1440, nil keeps it). Admins and owners.
func (s *Store) SetComponentAutoPublish(ctx context.Context, a *Actor, componentID string, on bool, afterMinutes *int) (*Component, error) {
	c, err := s.GetComponent(ctx, a, componentID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, c.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	after := c.AutoPublishAfterMinutes
	if afterMinutes != nil {
		if *afterMinutes < 1 || *afterMinutes > 1440 {
			return nil, FieldError(EINVALID, "afterMinutes", "afterMinutes must be between 1 and 1440")
		}
		after = *afterMinutes
	}
	if on == c.AutoPublish && after == c.AutoPublishAfterMinutes {
		return c, nil
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Component{}).Where("id = ? AND account_id = ?", c.ID, c.AccountID).
			Updates(map[string]any{"auto_publish": on, "auto_publish_after_minutes": after, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		c.AutoPublish, c.AutoPublishAfterMinutes = on, after
		s.hint(tx, HintComponent, c.ID, c.AccountID)
		summary := fmt.Sprintf("%s turned off auto-publishing of component %q", a.Label(), c.Name)
		if on {
			summary = fmt.Sprintf("%s set component %q to publish CloudWatch incidents lasting %d minutes", a.Label(), c.Name, after)
		}
		return s.audit(tx, a, c.AccountID, "component.auto_publish", "component", c.ID, summary)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// autoPublishActor credits what the auto-publish rule posts.
var autoPublishActor = &Actor{System: true, UserName: "Auto-publish"}

// RunAutoPublish posts "Investigating" for every open, non-test CloudWatch incident on an
// auto-publish component that was opened at least the component's N minutes ago (by the
// store's clock) and has no public incident yet. It returns how many it published. An alarm
// that recovered within N minutes resolved its incident and publishes nothing.
func (s *Store) RunAutoPublish(ctx context.Context) (int, error) {
	// Due in SQL (opened at least the component's N minutes ago), then the limit, oldest due
	// first: incidents that are not due yet never crowd out due ones. An incident opened during
	// maintenance is not published (the page tells customers about the maintenance).
	due := "i.opened_at + make_interval(mins => c.auto_publish_after_minutes)"
	if s.db.Dialect != Postgres {
		due = "julianday(i.opened_at) + c.auto_publish_after_minutes / 1440.0"
	}
	n := 0
	var skip []string // failed or left alone in this pass: not read again
	for {
		now := s.now()
		cut := "?"
		if s.db.Dialect != Postgres {
			// julianday arithmetic is floating point: an incident due exactly now can come out
			// a hair later; 1e-9 of a day (86 µs) absorbs that.
			cut = "julianday(?) + 1e-9"
		}
		q := `SELECT i.id FROM incidents i JOIN components c ON c.id = i.component_id
			WHERE c.auto_publish AND i.status <> ? AND NOT i.is_test AND i.source = ? AND NOT i.during_maintenance
			AND ` + due + ` <= ` + cut + `
			AND NOT EXISTS (SELECT 1 FROM public_incidents pi WHERE pi.incident_id = i.id)`
		args := []any{IncidentResolved, SourceCloudWatch, now}
		if len(skip) > 0 {
			q += ` AND i.id NOT IN ?`
			args = append(args, skip)
		}
		batch := s.batchOf(s.autoPublishBatch, 500)
		q += ` ORDER BY ` + due + `, i.id LIMIT ?`
		args = append(args, batch)
		var ids []string
		if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&ids).Error; err != nil {
			return n, err
		}
		for _, id := range ids {
			ok, err := s.autoPublishOne(ctx, id)
			if err != nil {
				// One bad row does not stall the pass: logged (no payload), tried next pass.
				s.logRowError(ctx, "auto-publishing an incident failed; the pass goes on", "incident", id, err)
			}
			if ok {
				n++
			} else {
				skip = append(skip, id)
			}
		}
		if len(ids) < batch {
			return n, nil
		}
	}
}

// autoPublishOne publishes one incident, re-checking in the transaction that it is still open
// and unpublished.
func (s *Store) autoPublishOne(ctx context.Context, incidentID string) (bool, error) {
	done := false
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var inc Incident
		q := tx.Where("id = ? AND status <> ?", incidentID, IncidentResolved)
		if tx.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&inc).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return err
		}
		var comp Component
		if err := tx.Where("id = ?", inc.ComponentID).Take(&comp).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&PublicIncident{}).Where("incident_id = ?", inc.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 || !comp.AutoPublish || inc.DuringMaintenance || inc.IsTest {
			return nil
		}
		title := "Elevated errors on " + comp.Name
		impact := ImpactForSeverity(inc.Severity)
		_, err := s.postIncidentUpdate(tx, autoPublishActor, &inc, &comp, IncidentUpdateInput{
			IncidentID: inc.ID, Title: &title, Status: PublicInvestigating, Impact: &impact,
			Message:           fmt.Sprintf("Investigating — elevated errors on %s. We are looking into it.", comp.Name),
			Components:        []AffectedComponent{{ComponentID: comp.ID, Status: StatusForSeverity(inc.Severity)}},
			NotifySubscribers: true,
		}, true)
		if err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

// resolveAutoPublished posts "Resolved" in tx when inc (just resolved) has an unresolved
// auto-published public incident.
func (s *Store) resolveAutoPublished(tx *Tx, inc *Incident) error {
	var pi PublicIncident
	err := tx.Where("incident_id = ? AND auto AND status <> ?", inc.ID, PublicResolved).Take(&pi).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	comp, err := componentIn(tx, inc.ComponentID)
	if err != nil {
		return err
	}
	_, err = s.postIncidentUpdate(tx, autoPublishActor, inc, comp, IncidentUpdateInput{
		IncidentID: inc.ID, Status: PublicResolved,
		Message:           fmt.Sprintf("Resolved — %s is operating normally again.", comp.Name),
		NotifySubscribers: true,
	}, true)
	return err
}

// batchOf is n, or def when n is not set.
func (s *Store) batchOf(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

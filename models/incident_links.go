package models

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// Acknowledge / resolve from a page (GET /links/:token shows, POST acts). The link names the
// incident and the paged person; it works without a login, once, for 24 hours, and only while
// that person is still a member (or more) of the incident's account.

// IncidentLink is what a page's signed link does.
type IncidentLink struct {
	Purpose  string // LinkIncidentAcknowledge or LinkIncidentResolve
	Incident Incident
	User     User
	// Done says the action was taken now; false after POST: the incident was already so.
	Done bool
}

// Verb says what the link does ("Acknowledge", "Resolve").
func (l *IncidentLink) Verb() string {
	if l.Purpose == LinkIncidentResolve {
		return "Resolve"
	}
	return "Acknowledge"
}

var incidentLinkPurposes = []string{LinkIncidentAcknowledge, LinkIncidentResolve}

// PeekIncidentLink checks a page's link without using it.
func (s *Store) PeekIncidentLink(ctx context.Context, token string) (*IncidentLink, error) {
	var lastErr error = errLinkInvalid
	for _, p := range incidentLinkPurposes {
		c, err := s.PeekLink(ctx, token, p)
		if err != nil {
			if !errors.Is(err, errLinkInvalid) {
				return nil, err // expired or used: the purpose matched
			}
			continue
		}
		return s.incidentLinkOf(s.db.DB.WithContext(ctx), c)
	}
	return nil, lastErr
}

func (s *Store) incidentLinkOf(db *gorm.DB, c signedlink.Claims) (*IncidentLink, error) {
	l := &IncidentLink{Purpose: c.Purpose}
	if !validID(c.Subject) || !validID(c.Actor) || db.Where("id = ?", c.Subject).Take(&l.Incident).Error != nil {
		return nil, errLinkInvalid
	}
	if db.Where("id = ? AND id IN (SELECT user_id FROM memberships WHERE account_id = ? AND role IN ?)", c.Actor, l.Incident.AccountID,
		[]Role{RoleOwner, RoleAdmin, RoleMember}).Take(&l.User).Error != nil {
		return nil, Errorf(EFORBIDDEN, "the person this link was sent to can no longer act on this incident")
	}
	return l, nil
}

// UseIncidentLink uses a page's link: it acknowledges or resolves the incident as the paged
// person ("Ana via email link"), and the link's use commits with the change. A second use is
// refused (ECONFLICT); an incident already acknowledged or resolved uses the link and changes
// nothing (Done false).
func (s *Store) UseIncidentLink(ctx context.Context, token string) (*IncidentLink, error) {
	purpose := ""
	for _, p := range incidentLinkPurposes {
		if _, err := s.linker.Verify(token, p, s.now()); err == nil || !isInvalidLink(err) {
			purpose = p
			break
		}
	}
	if purpose == "" {
		return nil, errLinkInvalid
	}
	var out *IncidentLink
	err := s.ConsumeLink(ctx, token, purpose, func(tx *Tx, c signedlink.Claims) error {
		l, err := s.incidentLinkOf(tx.DB, c)
		if err != nil {
			return err
		}
		out = l
		var comp Component
		if err := tx.Where("id = ?", l.Incident.ComponentID).Take(&comp).Error; err != nil {
			return err
		}
		name := l.User.Name
		if name == "" {
			name = l.User.Email
		}
		a := &Actor{UserID: l.User.ID, UserName: name + " via email link"}
		action := "acknowledged"
		if purpose == LinkIncidentResolve {
			action = "resolved"
			l.Done, err = s.resolveIncident(tx, a, &l.Incident, &comp, "")
		} else {
			l.Done, err = s.acknowledgeIncident(tx, a, &l.Incident, &comp)
		}
		if err != nil || !l.Done {
			return err
		}
		// In the activity as from the console (the actor's label says "via email link").
		return s.auditIncident(tx, a, &l.Incident, action, action)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func isInvalidLink(err error) bool {
	return !errors.Is(err, signedlink.ErrExpired)
}

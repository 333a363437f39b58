package models

import (
	"context"
	"errors"
	"fmt"
	"html"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// Invitation asks a person, by email, to join an account with a role. The mailed link is a
// signed single-use link (purpose LinkInvitation, subject the invitation's id); accepting it
// creates the person's user with the password they choose, or adds their existing user.
type Invitation struct {
	ID             string `gorm:"primaryKey"`
	AccountID      string
	Email          string
	Role           Role
	InvitedBy      *string
	InvitedByName  string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	SentAt         time.Time
	AcceptedAt     *time.Time
	AcceptedUserID *string
	RevokedAt      *time.Time
}

func (i *Invitation) accountOf() string { return i.AccountID }

// InvitationStatus is where an invitation is.
func (i *Invitation) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return "accepted"
	case i.RevokedAt != nil:
		return "revoked"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "pending"
}

// Invitation settings.
const (
	LinkInvitation = "invitation"
	InvitationTTL  = 7 * 24 * time.Hour
)

// InviteMember invites email to the account with role and mails the link. Admins and owners;
// only owners invite owners. A current member, or an open invitation to the same address, is a
// conflict.
func (s *Store) InviteMember(ctx context.Context, a *Actor, accountID, email string, role Role) (*Invitation, error) {
	myRole, err := s.Require(ctx, a, accountID, RoleAdmin)
	if err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, FieldError(EINVALID, "role", "unknown role")
	}
	if role == RoleOwner && myRole != RoleOwner {
		return nil, FieldError(EFORBIDDEN, "role", "only owners can invite owners")
	}
	if email, err = cleanEmail(email); err != nil {
		return nil, err
	}
	now := s.now()
	inv := &Invitation{ID: newID(), AccountID: accountID, Email: email, Role: role, InvitedBy: a.auditUserID(),
		InvitedByName: a.Label(), CreatedAt: now, ExpiresAt: now.Add(InvitationTTL), SentAt: now}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.Table("memberships m").Joins("JOIN users u ON u.id = m.user_id").
			Where("m.account_id = ? AND lower(u.email) = lower(?)", accountID, email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return FieldError(ECONFLICT, "email", "%s is already a member", email)
		}
		// An expired open invitation gives way to the new one.
		if err := tx.Model(&Invitation{}).Where("account_id = ? AND lower(email) = lower(?) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at <= ?",
			accountID, email, now).Update("revoked_at", now).Error; err != nil {
			return err
		}
		if err := tx.Create(inv).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "email", "%s has already been invited: resend or revoke that invitation", email)
			}
			return err
		}
		if err := s.mailInvitation(ctx, tx, inv); err != nil {
			return err
		}
		return s.audit(tx, a, accountID, "invitation.created", "invitation", inv.ID, fmt.Sprintf("%s invited %s as %s", a.Label(), email, role))
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// mailInvitation queues the invitation mail with a new link in tx; it is enqueued after commit
// (kept mail is not).
func (s *Store) mailInvitation(ctx context.Context, tx *Tx, inv *Invitation) error {
	var acc Account
	if err := tx.Where("id = ?", inv.AccountID).Take(&acc).Error; err != nil {
		return err
	}
	token, err := s.IssueLink(LinkInvitation, inv.ID, "", inv.ExpiresAt.Sub(s.now()))
	if err != nil {
		return err
	}
	link := s.links.Invitation(token)
	subject := fmt.Sprintf("%s invited you to %s on Switchboard", inv.InvitedByName, acc.Name)
	text := fmt.Sprintf("%s invited you to join %s on Switchboard as %s.\n\nAccept the invitation and choose your password:\n%s\n\nThe link works once and expires on %s. If you did not expect this, ignore this mail.\n",
		inv.InvitedByName, acc.Name, inv.Role, link, inv.ExpiresAt.UTC().Format("2 Jan 2006 15:04 MST"))
	htmlBody := fmt.Sprintf(`<p>%s invited you to join <strong>%s</strong> on Switchboard as %s.</p>
<p><a href="%s">Accept the invitation</a> and choose your password.</p>
<p style="color:#555">The link works once and expires on %s. If you did not expect this, ignore this mail.</p>`,
		html.EscapeString(inv.InvitedByName), html.EscapeString(acc.Name), html.EscapeString(string(inv.Role)), html.EscapeString(link),
		html.EscapeString(inv.ExpiresAt.UTC().Format("2 Jan 2006 15:04 MST")))
	_, ref, err := s.queueMail(tx, MailInput{AccountID: inv.AccountID, Kind: MailInvitation, To: inv.Email, Subject: subject, Text: text, HTML: htmlBody})
	if err != nil {
		return err
	}
	if ref != nil {
		tx.AfterCommit(func() { s.enqueueMailAfter(ctx, []MailRef{*ref}) })
	}
	return nil
}

// getOpenInvitation loads an invitation an admin of its account may manage.
func (s *Store) getOpenInvitation(ctx context.Context, a *Actor, id string) (*Invitation, error) {
	var inv Invitation
	if err := s.getScoped(ctx, a, &inv, id, "invitation", RoleAdmin); err != nil {
		return nil, err
	}
	if inv.AcceptedAt != nil || inv.RevokedAt != nil {
		return nil, Errorf(ECONFLICT, "the invitation was already %s", inv.Status(s.now()))
	}
	return &inv, nil
}

// ResendInvitation mails a new link and extends the expiry. Admins and owners.
func (s *Store) ResendInvitation(ctx context.Context, a *Actor, id string) (*Invitation, error) {
	inv, err := s.getOpenInvitation(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if inv.Role == RoleOwner {
		if _, err := s.Require(ctx, a, inv.AccountID, RoleOwner); err != nil {
			return nil, err
		}
	}
	now := s.now()
	inv.ExpiresAt, inv.SentAt = now.Add(InvitationTTL), now
	err = s.db.Tx(ctx, func(tx *Tx) error {
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", inv.ID).
			Updates(map[string]any{"expires_at": inv.ExpiresAt, "sent_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "the invitation was accepted or revoked meanwhile")
		}
		if err := s.mailInvitation(ctx, tx, inv); err != nil {
			return err
		}
		return s.audit(tx, a, inv.AccountID, "invitation.resent", "invitation", inv.ID, fmt.Sprintf("%s resent the invitation of %s", a.Label(), inv.Email))
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// RevokeInvitation withdraws an open invitation: its links stop working. Admins and owners.
func (s *Store) RevokeInvitation(ctx context.Context, a *Actor, id string) (*Invitation, error) {
	inv, err := s.getOpenInvitation(ctx, a, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.db.Tx(ctx, func(tx *Tx) error {
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", inv.ID).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "the invitation was accepted or revoked meanwhile")
		}
		return s.audit(tx, a, inv.AccountID, "invitation.revoked", "invitation", inv.ID, fmt.Sprintf("%s revoked the invitation of %s", a.Label(), inv.Email))
	})
	if err != nil {
		return nil, err
	}
	inv.RevokedAt = &now
	return inv, nil
}

// ListInvitations returns the account's invitations that are still open (pending or expired),
// newest first. Admins and owners.
func (s *Store) ListInvitations(ctx context.Context, a *Actor, accountID string) ([]Invitation, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	var out []Invitation
	err := s.db.WithContext(ctx).Where("account_id = ? AND accepted_at IS NULL AND revoked_at IS NULL", accountID).
		Order("created_at DESC, id DESC").Limit(500).Find(&out).Error
	return out, err
}

// InvitationView is what the acceptance page shows before the person acts.
type InvitationView struct {
	Email         string
	AccountName   string
	Role          Role
	InvitedByName string
	ExpiresAt     time.Time
	// ExistingUser says the address already has a user: accepting adds it, no password is set.
	ExistingUser bool
}

var errInvitationGone = Errorf(EINVALID, "this invitation is no longer valid: ask for a new one")

// PeekInvitation checks an invitation link without using it.
func (s *Store) PeekInvitation(ctx context.Context, token string) (*InvitationView, error) {
	c, err := s.PeekLink(ctx, token, LinkInvitation)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var inv Invitation
	if err := db.Where("id = ?", c.Subject).Take(&inv).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errInvitationGone
		}
		return nil, err
	}
	if inv.Status(s.now()) != "pending" {
		return nil, errInvitationGone
	}
	var acc Account
	if err := db.Where("id = ?", inv.AccountID).Take(&acc).Error; err != nil {
		return nil, err
	}
	var n int64
	if err := db.Model(&User{}).Where("lower(email) = lower(?)", inv.Email).Count(&n).Error; err != nil {
		return nil, err
	}
	return &InvitationView{Email: inv.Email, AccountName: acc.Name, Role: inv.Role, InvitedByName: inv.InvitedByName,
		ExpiresAt: inv.ExpiresAt, ExistingUser: n > 0}, nil
}

// AcceptInvitation uses an invitation link: it creates the person's user with name and
// password (an existing user of the address joins as is, name and password unused) and the
// membership, in one transaction with the link's use. It returns the user and whether it was
// created: only a new user may be signed in by the link (an existing user's sign-in stays
// their password's).
func (s *Store) AcceptInvitation(ctx context.Context, token, name, password string) (*User, bool, error) {
	var user *User
	created := false
	err := s.ConsumeLink(ctx, token, LinkInvitation, func(tx *Tx, c signedlink.Claims) error {
		var inv Invitation
		// The row lock makes a concurrent revoke wait for (or win over) the acceptance.
		if err := lockRow(tx, "invitations", c.Subject).Take(&inv).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errInvitationGone
			}
			return err
		}
		now := s.now()
		if inv.Status(now) != "pending" {
			return errInvitationGone
		}
		var u User
		err := tx.Where("lower(email) = lower(?)", inv.Email).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			nu, err := s.createUser(ctx, tx.DB, inv.Email, name, password, false)
			if err != nil {
				return err
			}
			u, created = *nu, true
		case err != nil:
			return err
		}
		m := &Membership{ID: newID(), AccountID: inv.AccountID, UserID: u.ID, Role: inv.Role, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(m).Error; err != nil {
			if isUniqueViolation(err) {
				return Errorf(ECONFLICT, "%s is already a member", inv.Email)
			}
			return err
		}
		if err := tx.Model(&Invitation{}).Where("id = ?", inv.ID).Updates(map[string]any{"accepted_at": now, "accepted_user_id": u.ID}).Error; err != nil {
			return err
		}
		user = &u
		actor := &Actor{UserID: u.ID, UserName: u.Name}
		return s.audit(tx, actor, inv.AccountID, "member.added", "membership", m.ID,
			fmt.Sprintf("%s accepted the invitation of %s and joined as %s", u.Email, inv.InvitedByName, inv.Role))
	})
	if err != nil {
		return nil, false, err
	}
	return user, created, nil
}

// lockRow selects one row by id FOR UPDATE on PostgreSQL (SQLite transactions are already
// exclusive).
func lockRow(tx *Tx, table, id string) *gorm.DB {
	q := tx.Table(table).Where("id = ?", id)
	if tx.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

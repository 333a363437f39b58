package models_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

var inviteLinkRe = regexp.MustCompile(`https://sb\.example\.com/invite/(\S+)`)

// invitationToken reads the newest invitation mail to addr and returns its link's token.
func (f *fixture) invitationToken(tb testing.TB, addr string) string {
	tb.Helper()
	var m models.Mail
	if err := f.DB.Where("to_address = ? AND kind = ? AND status = ?", addr, models.MailInvitation, models.MailKept).Order("created_at DESC, id DESC").Take(&m).Error; err != nil {
		tb.Fatalf("no invitation mail to %s: %v", addr, err)
	}
	match := inviteLinkRe.FindStringSubmatch(m.TextBody)
	if match == nil || !bytes.Contains([]byte(m.HTMLBody), []byte(match[0])) {
		tb.Fatalf("invitation mail without its link in both parts:\n%s", m.TextBody)
	}
	return match[1]
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustInstalled(t, db)
		f.Store.SetPublicURL("https://sb.example.com")
		mustNoErr(t, f.Store.SetLinkKey(bytes.Repeat([]byte{7}, 32)))
		acc := f.Account.ID
		// Without SMTP (the embedded default) the mail is kept for the Outgoing mail page.
		f.Store.SetMailKept(true)

		inv, err := f.Store.InviteMember(ctx, f.AdminActor, acc, "new.person@example.com", models.RoleMember)
		mustNoErr(t, err)
		token := f.invitationToken(t, "new.person@example.com")

		// The same address again, a member, a bad address, an unknown role: refused.
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "NEW.person@example.com", models.RoleViewer)
		wantEqual(t, "second open invitation", models.CodeOf(err), models.ECONFLICT)
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "admin@example.com", models.RoleViewer)
		wantMessage(t, err, "already a member")
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "not an address", models.RoleViewer)
		wantEqual(t, "bad address", models.CodeOf(err), models.EINVALID)
		// Only owners invite owners; members cannot invite.
		admin, _ := f.MustMember(t, acc, "inv-admin@example.com", models.RoleAdmin)
		_, err = f.Store.InviteMember(ctx, admin, acc, "boss@example.com", models.RoleOwner)
		wantEqual(t, "admin invites an owner", models.CodeOf(err), models.EFORBIDDEN)
		member, _ := f.MustMember(t, acc, "inv-member@example.com", models.RoleMember)
		_, err = f.Store.InviteMember(ctx, member, acc, "friend@example.com", models.RoleViewer)
		wantEqual(t, "member invites", models.CodeOf(err), models.EFORBIDDEN)

		view, err := f.Store.PeekInvitation(ctx, token)
		mustNoErr(t, err)
		wantEqual(t, "view", []any{view.Email, view.AccountName, view.Role, view.ExistingUser}, []any{"new.person@example.com", "Acme", models.RoleMember, false})

		// A password too short changes nothing, and the link still works.
		_, _, err = f.Store.AcceptInvitation(ctx, token, "New Person", "short")
		wantEqual(t, "short password", models.CodeOf(err), models.EINVALID)
		wantEqual(t, "users after a refused accept", f.MustCount(t, "users", "email = ?", "new.person@example.com"), int64(0))

		u, created, err := f.Store.AcceptInvitation(ctx, token, "New Person", "a long enough password")
		mustNoErr(t, err)
		wantEqual(t, "created", created, true)
		wantEqual(t, "member role", f.MustCount(t, "memberships", "account_id = ? AND user_id = ? AND role = ?", acc, u.ID, "member"), int64(1))
		// The person signs in with the password they chose.
		auth, err := models.NewAuth(f.Store, f.Key)
		mustNoErr(t, err)
		_, err = auth.Login(ctx, "new.person@example.com", "a long enough password")
		mustNoErr(t, err)
		// The link works once.
		_, _, err = f.Store.AcceptInvitation(ctx, token, "Mallory", "another long password")
		wantEqual(t, "second use", models.CodeOf(err), models.ECONFLICT)
		open, err := f.Store.ListInvitations(ctx, f.AdminActor, acc)
		mustNoErr(t, err)
		wantEqual(t, "open invitations after acceptance", len(open), 0)
		_, err = f.Store.RevokeInvitation(ctx, f.AdminActor, inv.ID)
		wantEqual(t, "revoke accepted", models.CodeOf(err), models.ECONFLICT)

		// A revoked invitation's link stops working.
		inv2, err := f.Store.InviteMember(ctx, f.AdminActor, acc, "revoked@example.com", models.RoleViewer)
		mustNoErr(t, err)
		token2 := f.invitationToken(t, "revoked@example.com")
		_, err = f.Store.RevokeInvitation(ctx, f.AdminActor, inv2.ID)
		mustNoErr(t, err)
		_, err = f.Store.PeekInvitation(ctx, token2)
		wantMessage(t, err, "no longer valid")
		_, _, err = f.Store.AcceptInvitation(ctx, token2, "R", "a long enough password")
		wantMessage(t, err, "no longer valid")

		// An existing user (of another account) joins with their own password; the name and
		// password given are not used.
		other := f.MustAccount(t, "Other")
		existing, _ := f.MustMember(t, other.ID, "existing@example.com", models.RoleViewer)
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "existing@example.com", models.RoleAdmin)
		mustNoErr(t, err)
		token3 := f.invitationToken(t, "existing@example.com")
		view, err = f.Store.PeekInvitation(ctx, token3)
		mustNoErr(t, err)
		wantEqual(t, "existing user", view.ExistingUser, true)
		u3, created, err := f.Store.AcceptInvitation(ctx, token3, "", "")
		mustNoErr(t, err)
		wantEqual(t, "existing user created", created, false)
		wantEqual(t, "same user", u3.ID, existing.UserID)
		wantEqual(t, "admin of Acme", f.MustCount(t, "memberships", "account_id = ? AND user_id = ? AND role = ?", acc, u3.ID, "admin"), int64(1))

		// Expired: refused; a new invitation replaces the expired one.
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "late@example.com", models.RoleViewer)
		mustNoErr(t, err)
		token4 := f.invitationToken(t, "late@example.com")
		f.Clock.Advance(models.InvitationTTL + time.Minute)
		_, _, err = f.Store.AcceptInvitation(ctx, token4, "Late", "a long enough password")
		wantMessage(t, err, "expired")
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "late@example.com", models.RoleViewer)
		mustNoErr(t, err)

		// Another account's admin cannot see or revoke them.
		stranger, _ := f.MustMember(t, other.ID, "stranger@example.com", models.RoleOwner)
		_, err = f.Store.ListInvitations(ctx, stranger, acc)
		wantEqual(t, "stranger lists", models.CodeOf(err), models.ENOTFOUND)
	})
}

// mailingFixture is an installed store that signs invitation links for sb.example.com and keeps
// its mail (no SMTP) or sends it.
func mailingFixture(t *testing.T, db *models.DB, kept bool) *fixture {
	t.Helper()
	f := MustInstalled(t, db)
	f.Store.SetPublicURL("https://sb.example.com")
	mustNoErr(t, f.Store.SetLinkKey(bytes.Repeat([]byte{7}, 32)))
	f.Store.SetMailKept(kept)
	return f
}

// TestInvitationLinkNotInOutgoingMail: when mail is sent, the invitation link is the invitee's
// alone: another admin reading Outgoing mail could otherwise accept an owner's invitation of a
// new address (becoming an owner) or claim a user for an address they do not own.
func TestInvitationLinkNotInOutgoingMail(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := mailingFixture(t, db, false)
		acc := f.Account.ID
		_, err := f.Store.InviteMember(ctx, f.AdminActor, acc, "boss@example.com", models.RoleOwner)
		mustNoErr(t, err)
		admin, _ := f.MustMember(t, acc, "mail-admin@example.com", models.RoleAdmin)
		page, err := f.Store.ListMail(ctx, admin, acc, 50, "")
		mustNoErr(t, err)
		found := 0
		for _, m := range page.Items {
			if m.Kind != models.MailInvitation {
				continue
			}
			found++
			if inviteLinkRe.MatchString(m.TextBody) || inviteLinkRe.MatchString(m.HTMLBody) {
				t.Fatalf("Outgoing mail shows the invitation link:\n%s", m.TextBody)
			}
			one, err := f.Store.GetMail(ctx, admin, m.ID)
			mustNoErr(t, err)
			if inviteLinkRe.MatchString(one.TextBody) || inviteLinkRe.MatchString(one.HTMLBody) {
				t.Fatalf("GetMail shows the invitation link:\n%s", one.TextBody)
			}
		}
		wantEqual(t, "invitation mails listed", found, 1)
		// The row itself keeps the link: the sender needs it.
		var m models.Mail
		mustNoErr(t, f.DB.Where("kind = ? AND to_address = ?", models.MailInvitation, "boss@example.com").Take(&m).Error)
		wantEqual(t, "row keeps the link", inviteLinkRe.MatchString(m.TextBody), true)
	})
}

// TestKeptOwnerInvitationOnlyForOwners: without SMTP the kept mail is the way to the link, but
// an owner invitation's link stays with owners (an admin accepting it would become an owner).
func TestKeptOwnerInvitationOnlyForOwners(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := mailingFixture(t, db, true)
		acc := f.Account.ID
		_, err := f.Store.InviteMember(ctx, f.AdminActor, acc, "Boss@example.com", models.RoleOwner)
		mustNoErr(t, err)
		_, err = f.Store.InviteMember(ctx, f.AdminActor, acc, "helper@example.com", models.RoleMember)
		mustNoErr(t, err)
		admin, _ := f.MustMember(t, acc, "kept-admin@example.com", models.RoleAdmin)
		shown := func(a *models.Actor) map[string]bool {
			page, err := f.Store.ListMail(ctx, a, acc, 50, "")
			mustNoErr(t, err)
			out := map[string]bool{}
			for _, m := range page.Items {
				if m.Kind == models.MailInvitation {
					one, err := f.Store.GetMail(ctx, a, m.ID)
					mustNoErr(t, err)
					out[m.ToAddress] = inviteLinkRe.MatchString(m.TextBody) && inviteLinkRe.MatchString(one.TextBody)
				}
			}
			return out
		}
		wantEqual(t, "links an admin sees", shown(admin), map[string]bool{"Boss@example.com": false, "helper@example.com": true})
		wantEqual(t, "links an owner sees", shown(f.AdminActor), map[string]bool{"Boss@example.com": true, "helper@example.com": true})
	})
}

package server_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// An admin invites by email; the person opens the mailed link (kept in Outgoing mail without
// SMTP), sets their password and is signed in as a member. The link then stops working.
func TestInvitationFlow(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	MustSetup(t, c)
	a := accountOf(t, c)
	var inv struct {
		InviteMember struct {
			Invitation struct{ ID, Status string }
			Errors     []struct{ Message string }
		}
	}
	if err := c.MustOK(ctxT(t), `mutation($a: ID!) { inviteMember(input: {accountId: $a, email: "invitee@example.com", role: MEMBER}) { invitation { id status } errors { message } } }`,
		map[string]any{"a": a.accountID}, &inv); err != nil {
		t.Fatal(err)
	}
	if inv.InviteMember.Invitation.Status != "PENDING" {
		t.Fatalf("inviteMember: %+v", inv.InviteMember)
	}
	var mail struct {
		Account struct {
			OutgoingMail struct {
				Edges []struct {
					Node struct{ To, Subject, TextBody string }
				}
			}
		}
	}
	if err := c.MustOK(ctxT(t), `query($a: ID!) { account(id: $a) { outgoingMail { edges { node { to subject textBody } } } } }`, map[string]any{"a": a.accountID}, &mail); err != nil {
		t.Fatal(err)
	}
	var link string
	for _, e := range mail.Account.OutgoingMail.Edges {
		if e.Node.To == "invitee@example.com" {
			link = regexp.MustCompile(`/invite/(\S+)`).FindStringSubmatch(e.Node.TextBody)[1]
		}
	}
	if link == "" {
		t.Fatalf("no invitation mail: %+v", mail)
	}

	anon := servertest.NewClient(c.BaseURL)
	r, err := anon.Do(ctxT(t), http.MethodGet, "/auth/invitations/"+link, nil, nil)
	if err != nil || r.Status != 200 {
		t.Fatalf("peek: %v %d %s", err, r.Status, r.Body)
	}
	var view struct {
		Email, AccountName, Role string
		ExistingUser             bool
	}
	_ = r.JSON(&view)
	if view.Email != "invitee@example.com" || view.Role != "MEMBER" || view.ExistingUser {
		t.Fatalf("view: %+v", view)
	}
	r, err = anon.Do(ctxT(t), http.MethodPost, "/auth/invitations/"+link, map[string]string{"name": "Ivy", "password": "a long enough password"}, nil)
	if err != nil || r.Status != 200 {
		t.Fatalf("accept: %v %d %s", err, r.Status, r.Body)
	}
	var sess struct{ AccessToken string }
	_ = r.JSON(&sess)
	anon.Token = sess.AccessToken
	var me struct {
		Me struct {
			User struct {
				Email       string
				Memberships []struct{ AccountID, Role string }
			}
		}
	}
	if err := anon.MustOK(ctxT(t), `{ me { user { email memberships { accountId role } } } }`, nil, &me); err != nil {
		t.Fatal(err)
	}
	if ms := me.Me.User.Memberships; me.Me.User.Email != "invitee@example.com" || len(ms) != 1 || ms[0].AccountID != a.accountID || ms[0].Role != "MEMBER" {
		t.Fatalf("the new member: %+v", me.Me.User)
	}
	// Used once: a second accept and a second look are refused.
	r, _ = anon.Do(ctxT(t), http.MethodPost, "/auth/invitations/"+link, map[string]string{"name": "Eve", "password": "another long password"}, nil)
	if r.Status != http.StatusConflict {
		t.Fatalf("second accept: %d %s", r.Status, r.Body)
	}
	r, _ = anon.Do(ctxT(t), http.MethodGet, "/auth/invitations/"+link, nil, nil)
	if r.Status < 400 {
		t.Fatalf("second look: %d %s", r.Status, r.Body)
	}
	// A forged token.
	r, _ = anon.Do(ctxT(t), http.MethodGet, "/auth/invitations/"+link[:len(link)-2]+"xx", nil, nil)
	if r.Status != http.StatusBadRequest {
		t.Fatalf("forged: %d %s", r.Status, r.Body)
	}
}

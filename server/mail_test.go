package server_test

import (
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/server"
)

// Without SMTP, mail is kept and shown in the account's outgoing mail to admins, never to
// viewers; with a bad SMTP URL the server refuses to start.
func TestOutgoingMailKept(t *testing.T) {
	m, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	if !m.Store.MailKept() {
		t.Fatal("mail is not kept without SWITCHBOARD_SMTP_URL")
	}
	if _, err := m.Store.QueueMail(ctx, models.MailInput{AccountID: a.accountID, Kind: models.MailTest, To: "ana@example.com",
		Subject: "Switchboard test", Text: "It works.", HTML: "<p>It works.</p>"}); err != nil {
		t.Fatal(err)
	}
	const q = `query($id: ID!) { account(id: $id) { mailSending outgoingMail(first: 10) { edges { node { kind to subject textBody htmlBody status attempts sentAt } } } } }`
	var d struct {
		Account struct {
			MailSending  bool
			OutgoingMail struct {
				Edges []struct {
					Node struct {
						Kind, To, Subject, TextBody, HTMLBody, Status string
						Attempts                                      int
						SentAt                                        *string
					}
				}
			}
		}
	}
	if err := c.MustOK(ctx, q, map[string]any{"id": a.accountID}, &d); err != nil {
		t.Fatal(err)
	}
	if d.Account.MailSending || len(d.Account.OutgoingMail.Edges) != 1 {
		t.Fatalf("outgoing mail %+v", d.Account)
	}
	n := d.Account.OutgoingMail.Edges[0].Node
	if n.Kind != "TEST" || n.Status != "KEPT" || n.To != "ana@example.com" || n.TextBody != "It works." || n.HTMLBody != "<p>It works.</p>" || n.Attempts != 0 || n.SentAt != nil {
		t.Fatalf("message %+v", n)
	}

	viewer, _ := addUser(t, a, "viewer@example.com", "VIEWER")
	res, err := viewer.GraphQL(ctx, `query($id: ID!) { account(id: $id) { outgoingMail { edges { node { subject } } } } }`, map[string]any{"id": a.accountID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Code() != "FORBIDDEN" {
		t.Fatalf("a viewer read outgoing mail: %s %+v", res.Data, res.Errors)
	}

	for _, bad := range []map[string]string{
		{"SWITCHBOARD_SMTP_URL": "smtp://mail.example.com:587"},                                        // no From
		{"SWITCHBOARD_SMTP_URL": "http://mail.example.com", "SWITCHBOARD_MAIL_FROM": "sb@example.com"}, // not SMTP
	} {
		env := map[string]string{"SWITCHBOARD_ADDR": "127.0.0.1:0", "SWITCHBOARD_DATA_DIR": t.TempDir(), "SWITCHBOARD_SECRET_KEY": testSecret}
		for k, v := range bad {
			env[k] = v
		}
		cfg, _, err := server.LoadConfig("serve", nil, func(k string) string { return env[k] })
		if err != nil {
			continue // refused already
		}
		mm := server.NewMain(cfg, nil)
		if err := mm.Open(ctx, true); err == nil {
			_ = mm.Close()
			t.Fatalf("started with %v", bad)
		}
		_ = mm.Close()
	}
}

package jobs

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// An SMTP server that is down: the page's mail is retried by the mail path, the notification
// follows it (retrying, not sent twice by the notification sender), and the failure is on the
// incident's timeline; nothing else breaks.
func TestNotificationSMTPDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, store, mk := engineStore(t)
	now := time.Now().UTC()
	acc := models.Account{ID: uuid.NewString(), Name: "Down", CreatedAt: now, UpdatedAt: now}
	mk(&acc)
	u := models.User{ID: uuid.NewString(), Email: "ana@example.com", Name: "Ana", CreatedAt: now, UpdatedAt: now}
	mk(&u)
	mk(&models.Membership{ID: uuid.NewString(), AccountID: acc.ID, UserID: u.ID, Role: models.RoleMember, CreatedAt: now, UpdatedAt: now})
	p := models.EscalationPolicy{ID: uuid.NewString(), AccountID: acc.ID, Name: "Platform", CreatedAt: now, UpdatedAt: now}
	mk(&p)
	l := models.EscalationLevel{ID: uuid.NewString(), PolicyID: p.ID, TimeoutMinutes: 30}
	mk(&l)
	mk(&models.EscalationTarget{ID: uuid.NewString(), LevelID: l.ID, UserID: &u.ID})
	comp := models.Component{ID: uuid.NewString(), AccountID: acc.ID, Name: "API", CreatedAt: now, UpdatedAt: now}
	mk(&comp)
	inc := models.Incident{ID: uuid.NewString(), AccountID: acc.ID, ComponentID: comp.ID, Title: "Down", Severity: models.SeverityHigh,
		Status: models.IncidentTriggered, Source: models.SourceManual, OpenedAt: now, OpenedBy: "test", UpdatedAt: now}
	mk(&inc)
	mk(&models.IncidentEscalation{IncidentID: inc.ID, AccountID: acc.ID, PolicyID: &p.ID, State: models.EscalationActive, Level: -1, NextStepAt: &now, UpdatedAt: now})

	if _, err := store.AdvanceEscalations(ctx, 10); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	eng := &Engine{Store: store, Log: log, Channels: NewChannels(store, nil, nil)}
	if err := eng.Notify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := ParseSMTPURL("smtp://"+addr+"?tls=none", "pager@example.com")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 2 * time.Second
	mailer := &Mailer{Store: store, Sender: &SMTPSender{Config: *cfg}, Log: log}
	var n models.Notification
	if err := db.Where("incident_id = ?", inc.ID).Take(&n).Error; err != nil || n.MailID == nil {
		t.Fatalf("notification %+v %v", n, err)
	}
	if err := mailer.Send(ctx, NewMailTask(models.MailRef{ID: *n.MailID, RunAt: time.Now()})); err == nil {
		t.Fatal("the send task did not ask to be retried")
	}
	if err := db.Where("id = ?", n.ID).Take(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n.Status != models.NotificationRetrying || n.NextAttemptAt != nil || !strings.Contains(n.LastError, "could not connect") {
		t.Fatalf("after the failed attempt: %s next %v %q", n.Status, n.NextAttemptAt, n.LastError)
	}
	var bodies []string
	db.Table("incident_timeline").Where("incident_id = ?", inc.ID).Pluck("body", &bodies)
	if !strings.Contains(strings.Join(bodies, "\n"), "Email to ana@… failed: could not connect to the mail server, retrying") {
		t.Fatalf("timeline: %q", bodies)
	}
	// The sender does not write a second mail: the mail path owns the retry.
	if err := eng.Notify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var mails int64
	db.Model(&models.Mail{}).Where("account_id = ?", acc.ID).Count(&mails)
	if mails != 1 {
		t.Fatalf("%d mails, want 1", mails)
	}
}

// engineStore is a store on a fresh PostgreSQL database that signs page links, and a helper
// that writes rows (one or a slice) or fails the test.
func engineStore(t *testing.T) (*models.DB, *models.Store, func(v any)) {
	t.Helper()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	store := models.NewStore(db, nil)
	store.SetPublicURL("https://switchboard.example")
	if err := store.SetLinkKey(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	return db, store, func(v any) {
		t.Helper()
		if err := db.CreateInBatches(v, 1000).Error; err != nil {
			t.Fatal(err)
		}
	}
}

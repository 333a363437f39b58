package jobs

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
)

// TestEngineAdvancesAndSendsMany advances more escalations than one batch holds (250 rows per
// transaction, 500 rows per UPDATE … FROM (VALUES …)) in one cycle and sends them all: each is
// advanced once, with one email and one ntfy notification, every one sent once. How fast is the
// bench tool's business (go run ./bench -scenario oncall, docs/benchmarks.md).
func TestEngineAdvancesAndSendsMany(t *testing.T) {
	const incidents = 600
	ctx := context.Background()
	db, store, mk := engineStore(t)
	store.SetBundleWindow(0) // every page its own message: the test counts sends
	now := time.Now().UTC()
	acc := models.Account{ID: uuid.NewString(), Name: "Scale", CreatedAt: now, UpdatedAt: now}
	mk(&acc)
	// 200 people, each with the account email and an ntfy topic; each policy's one level pages
	// one of them (200 policies, one person each).
	var posted atomic.Int64
	ntfy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		posted.Add(1)
	}))
	defer ntfy.Close()
	var users []models.User
	var methods []models.ContactMethod
	var members []models.Membership
	var policies []models.EscalationPolicy
	var levels []models.EscalationLevel
	var targets []models.EscalationTarget
	for i := range 200 {
		u := models.User{ID: uuid.NewString(), Email: uuid.NewString()[:8] + "@example.com", Name: "P", CreatedAt: now, UpdatedAt: now}
		users = append(users, u)
		members = append(members, models.Membership{ID: uuid.NewString(), AccountID: acc.ID, UserID: u.ID, Role: models.RoleMember, CreatedAt: now, UpdatedAt: now})
		methods = append(methods,
			models.ContactMethod{ID: u.ID, UserID: u.ID, Kind: models.ContactEmail, IsPrimary: true, VerifiedAt: &now, CreatedAt: now, UpdatedAt: now},
			models.ContactMethod{ID: uuid.NewString(), UserID: u.ID, Kind: models.ContactNtfy, Address: ntfy.URL + "/t" + u.ID[:8], VerifiedAt: &now, CreatedAt: now, UpdatedAt: now})
		p := models.EscalationPolicy{ID: uuid.NewString(), AccountID: acc.ID, Name: "P" + uuid.NewString()[:8], CreatedAt: now, UpdatedAt: now}
		policies = append(policies, p)
		l := models.EscalationLevel{ID: uuid.NewString(), PolicyID: p.ID, Position: 0, TimeoutMinutes: 30}
		levels = append(levels, l)
		targets = append(targets, models.EscalationTarget{ID: uuid.NewString(), LevelID: l.ID, UserID: &users[i].ID})
	}
	mk(&users)
	mk(&members)
	mk(&methods)
	mk(&policies)
	mk(&levels)
	mk(&targets)
	comp := models.Component{ID: uuid.NewString(), AccountID: acc.ID, Name: "API", CreatedAt: now, UpdatedAt: now}
	mk(&comp)
	var incs []models.Incident
	var escs []models.IncidentEscalation
	for i := range incidents {
		inc := models.Incident{ID: uuid.NewString(), AccountID: acc.ID, ComponentID: comp.ID, Title: "Storm", Severity: models.SeverityHigh,
			Status: models.IncidentTriggered, Source: models.SourceManual, OpenedAt: now, OpenedBy: "bench", UpdatedAt: now}
		incs = append(incs, inc)
		// Due spread over one minute, all due by the time the engine runs.
		due := now.Add(-time.Duration(i%60) * time.Second)
		escs = append(escs, models.IncidentEscalation{IncidentID: inc.ID, AccountID: acc.ID, PolicyID: &policies[i%len(policies)].ID,
			State: models.EscalationActive, Level: -1, NextStepAt: &due, UpdatedAt: now})
	}
	mk(&incs)
	mk(&escs)

	n, err := store.AdvanceEscalations(ctx, incidents)
	if err != nil {
		t.Fatal(err)
	}
	var rows int64
	db.Model(&models.Notification{}).Where("account_id = ?", acc.ID).Count(&rows)
	if n != incidents || rows != 2*incidents {
		t.Fatalf("advanced %d, %d rows; want %d and %d", n, rows, incidents, 2*incidents)
	}
	// Nothing is due any more: a second cycle advances nothing.
	if n, err := store.AdvanceEscalations(ctx, incidents); err != nil || n != 0 {
		t.Fatalf("second cycle advanced %d (%v)", n, err)
	}

	// Sending: email into the mail path and on to a local SMTP server, ntfy by HTTP.
	var accepted atomic.Int64
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &countSession{n: &accepted}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "mx.test", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	cfg, err := ParseSMTPURL("smtp://"+ln.Addr().String()+"?tls=none", "pager@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := deliver.NewSender(deliver.Config{Version: "bench", Guard: deliver.NewGuard([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	eng := &Engine{Store: store, Log: log, Channels: NewChannels(store, sender, nil), Parallel: 32}
	mailer := &Mailer{Store: store, Sender: &SMTPSender{Config: *cfg}, Log: log}
	if err := eng.Notify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// The mail path's sends, as the worker's mail queue would run them (32 at once).
	refs, err := store.DueMail(ctx, store.Now().Add(time.Minute), incidents+1)
	if err != nil {
		t.Fatal(err)
	}
	sem := make(chan struct{}, 32)
	done := make(chan struct{}, len(refs))
	for _, r := range refs {
		sem <- struct{}{}
		go func(id string) {
			defer func() { <-sem; done <- struct{}{} }()
			_ = mailer.Send(ctx, NewMailTask(models.MailRef{ID: id, RunAt: time.Now()}))
		}(r.ID)
	}
	for range refs {
		<-done
	}
	var sent int64
	db.Model(&models.Notification{}).Where("account_id = ? AND status = 'sent'", acc.ID).Count(&sent)
	if sent != 2*incidents || accepted.Load() != incidents || posted.Load() != incidents {
		t.Fatalf("%d sent, %d mails accepted, %d ntfy posts; want %d, %d, %d", sent, accepted.Load(), posted.Load(), 2*incidents, incidents, incidents)
	}
	// A second pass sends nothing again.
	if err := eng.Notify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if posted.Load() != incidents {
		t.Fatalf("%d ntfy posts after a second pass, want %d", posted.Load(), incidents)
	}
}

type countSession struct{ n *atomic.Int64 }

func (s *countSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *countSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *countSession) Data(r io.Reader) error {
	_, _ = io.Copy(io.Discard, r)
	s.n.Add(1)
	return nil
}
func (s *countSession) Reset()        {}
func (s *countSession) Logout() error { return nil }

package jobs

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// smtpServer is a real SMTP server (emersion/go-smtp) on loopback that requires STARTTLS and
// AUTH PLAIN, records what it receives, and answers with the code a test sets.
type smtpServer struct {
	t      testing.TB
	srv    *smtp.Server
	addr   string
	client *tls.Config // trusts the server's certificate

	mu       sync.Mutex
	received []received
	rcptErr  *smtp.SMTPError // answer to RCPT TO, when set
	authOK   int
}

type received struct {
	from, to string
	data     []byte
}

func newSMTPServer(t testing.TB) *smtpServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	s := &smtpServer{t: t, client: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	s.srv.Domain = "mx.test"
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

func (s *smtpServer) config(t testing.TB) SMTPConfig {
	t.Helper()
	c, err := ParseSMTPURL("smtp://pager:s3cret%21@"+s.addr, "Switchboard <switchboard@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	c.TLSConfig = s.client
	c.Timeout = 5 * time.Second
	return *c
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

type smtpSession struct {
	s        *smtpServer
	authed   bool
	from, to string
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "pager" || pass != "s3cret!" {
			return errors.New("bad credentials")
		}
		x.authed = true
		x.s.mu.Lock()
		x.s.authOK++
		x.s.mu.Unlock()
		return nil
	}), nil
}
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	x.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	e := x.s.rcptErr
	x.s.mu.Unlock()
	if e != nil {
		return e
	}
	x.to = to
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, received{from: x.from, to: x.to, data: b})
	x.s.mu.Unlock()
	return nil
}
func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }

// mailFixture is a store on a real database with a controllable clock.
type mailFixture struct {
	store *models.Store
	now   time.Time
	mu    sync.Mutex
}

func newMailFixture(t *testing.T, db *models.DB) *mailFixture {
	f := &mailFixture{now: time.Now().UTC()}
	f.store = models.NewStore(db, nil)
	f.store.SetClock(func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now })
	return f
}

func (f *mailFixture) advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

func (f *mailFixture) mail(t *testing.T, id string) *models.Mail {
	t.Helper()
	var m models.Mail
	if err := f.store.DB().Where("id = ?", id).Take(&m).Error; err != nil {
		t.Fatal(err)
	}
	return &m
}

func pageInput(to string) models.MailInput {
	return models.MailInput{Kind: models.MailPage, To: to, Subject: "[CRITICAL] Checkout API: orders-db-cpu-high",
		Text:    "Orders DB CPU above 90%.\nAcknowledge: https://sb.example.com/a/1",
		HTML:    `<p>Orders DB CPU above 90%.</p><p><a href="https://sb.example.com/a/1">Acknowledge</a></p>`,
		Headers: map[string]string{"X-Switchboard-Incident": "inc-1"}}
}

func runMailTask(t *testing.T, h *Mailer, id string) error {
	t.Helper()
	return h.Send(context.Background(), NewMailTask(models.MailRef{ID: id, RunAt: time.Now()}))
}

func TestMailThroughSMTP(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		srv := newSMTPServer(t)
		f := newMailFixture(t, db)
		h := &Mailer{Store: f.store, Sender: &SMTPSender{Config: srv.config(t)}, Log: slog.New(slog.DiscardHandler)}

		t.Run("sent over STARTTLS with auth, text and HTML", func(t *testing.T) {
			m, err := f.store.QueueMail(context.Background(), pageInput("Ana Oncall <ana@example.com>"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != models.MailPending || m.ToAddress != "ana@example.com" {
				t.Fatalf("queued %+v", m)
			}
			if err := runMailTask(t, h, m.ID); err != nil {
				t.Fatal(err)
			}
			got := f.mail(t, m.ID)
			if got.Status != models.MailSent || got.Attempts != 1 || got.SentAt == nil || got.MessageID == "" {
				t.Fatalf("after sending: %+v", got)
			}
			msgs := srv.messages()
			if len(msgs) != 1 || msgs[0].to != "ana@example.com" || msgs[0].from != "switchboard@example.com" {
				t.Fatalf("server received %+v", msgs)
			}
			pm, err := mail.ReadMessage(bytes.NewReader(msgs[0].data))
			if err != nil {
				t.Fatal(err)
			}
			if s := pm.Header.Get("Subject"); s != "[CRITICAL] Checkout API: orders-db-cpu-high" {
				t.Fatalf("subject %q", s)
			}
			if pm.Header.Get("Auto-Submitted") != "auto-generated" || pm.Header.Get("X-Switchboard-Incident") != "inc-1" {
				t.Fatalf("headers %v", pm.Header)
			}
			if id := pm.Header.Get("Message-Id"); id == "" || !strings.Contains(got.MessageID, strings.Trim(id, "<>")) {
				t.Fatalf("Message-ID %q, recorded %q", id, got.MessageID)
			}
			mt, params, err := mime.ParseMediaType(pm.Header.Get("Content-Type"))
			if err != nil || mt != "multipart/alternative" {
				t.Fatalf("content type %q %v", pm.Header.Get("Content-Type"), err)
			}
			parts := map[string]string{}
			mr := multipart.NewReader(pm.Body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(p)
				ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
				parts[ct] = string(b)
			}
			if !strings.Contains(parts["text/plain"], "Acknowledge: https://sb.example.com/a/1") || !strings.Contains(parts["text/html"], `<a href="https://sb.example.com/a/1">`) {
				t.Fatalf("parts %q", parts)
			}
			if srv.authOK == 0 {
				t.Fatal("the server never authenticated the client")
			}
			// A second run of the same task sends nothing more.
			if err := runMailTask(t, h, m.ID); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.messages()); n != 1 {
				t.Fatalf("sent %d times", n)
			}
		})

		t.Run("a temporary refusal is retried, then sent", func(t *testing.T) {
			srv.mu.Lock()
			srv.rcptErr = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
			srv.mu.Unlock()
			before := len(srv.messages())
			m, err := f.store.QueueMail(context.Background(), pageInput("bo@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			err = runMailTask(t, h, m.ID)
			var r *retryIn
			if !errors.As(err, &r) || r.delay < 25*time.Second || r.delay > 35*time.Second {
				t.Fatalf("want a retry in 30 s, got %v", err)
			}
			got := f.mail(t, m.ID)
			if got.Status != models.MailRetrying || !strings.Contains(got.LastError, "SMTP 451 4.3.0") || got.NextAttemptAt == nil {
				t.Fatalf("after a 451: %+v", got)
			}
			// Not due yet: a worker that wakes early sends nothing and charges nothing.
			if err := runMailTask(t, h, m.ID); !errors.As(err, &r) {
				t.Fatalf("early run: %v", err)
			}
			srv.mu.Lock()
			srv.rcptErr = nil
			srv.mu.Unlock()
			f.advance(31 * time.Second)
			if err := runMailTask(t, h, m.ID); err != nil {
				t.Fatal(err)
			}
			got = f.mail(t, m.ID)
			if got.Status != models.MailSent || got.Attempts != 2 || got.LastError != "" {
				t.Fatalf("after the retry: %+v", got)
			}
			if n := len(srv.messages()) - before; n != 1 {
				t.Fatalf("received %d", n)
			}
		})

		t.Run("a permanent refusal fails at once, and the recipient is not logged", func(t *testing.T) {
			srv.mu.Lock()
			srv.rcptErr = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
			srv.mu.Unlock()
			defer func() { srv.mu.Lock(); srv.rcptErr = nil; srv.mu.Unlock() }()
			var logs bytes.Buffer
			logged := &Mailer{Store: f.store, Sender: h.Sender, Log: slog.New(slog.NewTextHandler(&logs, nil))}
			m, err := f.store.QueueMail(context.Background(), pageInput("secret.person@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			if err := runMailTask(t, logged, m.ID); err != nil {
				t.Fatalf("a permanent failure is final, not a task error: %v", err)
			}
			got := f.mail(t, m.ID)
			if got.Status != models.MailFailed || got.Attempts != 1 || !strings.Contains(got.LastError, "refused the recipient: SMTP 550 5.1.1") {
				t.Fatalf("after a 550: %+v", got)
			}
			if strings.Contains(logs.String(), "secret.person") || strings.Contains(got.LastError, "secret.person") {
				t.Fatalf("the recipient leaked: log %q, error %q", logs.String(), got.LastError)
			}
			if !strings.Contains(logs.String(), "mail not sent") {
				t.Fatalf("the failure was not logged: %q", logs.String())
			}
		})

		t.Run("a refused sender (configuration) is retried, not failed", func(t *testing.T) {
			cfg := srv.config(t)
			cfg.Username, cfg.Password = "", "" // the server demands AUTH: 530 to MAIL FROM
			noAuth := &Mailer{Store: f.store, Sender: &SMTPSender{Config: cfg}, Log: slog.New(slog.DiscardHandler)}
			m, err := f.store.QueueMail(context.Background(), pageInput("ana@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			var r *retryIn
			if err := runMailTask(t, noAuth, m.ID); !errors.As(err, &r) {
				t.Fatalf("want a retry, got %v", err)
			}
			if got := f.mail(t, m.ID); got.Status != models.MailRetrying || !strings.Contains(got.LastError, "530") {
				t.Fatalf("after a 530: %+v", got)
			}
		})

		t.Run("a server that is down is retried and the failure is visible", func(t *testing.T) {
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			dead := ln.Addr().String()
			_ = ln.Close()
			cfg, err := ParseSMTPURL("smtp://pager:x@"+dead, "switchboard@example.com")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Timeout = 2 * time.Second
			down := &Mailer{Store: f.store, Sender: &SMTPSender{Config: *cfg}, Log: slog.New(slog.DiscardHandler)}
			m, err := f.store.QueueMail(context.Background(), pageInput("cy@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			var r *retryIn
			if err := runMailTask(t, down, m.ID); !errors.As(err, &r) {
				t.Fatalf("want a retry, got %v", err)
			}
			got := f.mail(t, m.ID)
			if got.Status != models.MailRetrying || got.LastError == "" || got.Attempts != 1 {
				t.Fatalf("with the server down: %+v", got)
			}
			// The sweeper finds it when due.
			due, err := f.store.DueMail(context.Background(), f.now.Add(time.Minute), 10)
			if err != nil || !containsMail(due, m.ID) {
				t.Fatalf("due %v %v", due, err)
			}
		})

		t.Run("bad input changes nothing", func(t *testing.T) {
			var before int64
			f.store.DB().Model(&models.Mail{}).Count(&before)
			for name, in := range map[string]models.MailInput{
				"not an address":    {Kind: models.MailPage, To: "ana at example", Subject: "s", Text: "t"},
				"quoted local part": {Kind: models.MailPage, To: `"ana b"@example.com`, Subject: "s", Text: "t"},
				"header injection":  {Kind: models.MailPage, To: "ana@example.com", Subject: "s", Text: "t", Headers: map[string]string{"List-Id": "a\r\nBcc: x@evil.test"}},
				"foreign header":    {Kind: models.MailPage, To: "ana@example.com", Subject: "s", Text: "t", Headers: map[string]string{"Bcc": "x@evil.test"}},
				"no body":           {Kind: models.MailPage, To: "ana@example.com", Subject: "s"},
				"no subject":        {Kind: models.MailPage, To: "ana@example.com", Text: "t"},
				"unknown kind":      {Kind: "spam", To: "ana@example.com", Subject: "s", Text: "t"},
			} {
				if _, err := f.store.QueueMail(context.Background(), in); models.CodeOf(err) != models.EINVALID {
					t.Errorf("%s: got %v, want EINVALID", name, err)
				}
			}
			var after int64
			f.store.DB().Model(&models.Mail{}).Count(&after)
			if after != before {
				t.Fatalf("bad input wrote %d rows", after-before)
			}
			// A subject with a line break cannot add a header.
			m, err := f.store.QueueMail(context.Background(), models.MailInput{Kind: models.MailPage, To: "ana@example.com", Subject: "hi\r\nBcc: x@evil.test", Text: "t"})
			if err != nil || strings.ContainsAny(m.Subject, "\r\n") {
				t.Fatalf("subject %q %v", m.Subject, err)
			}
		})

		t.Run("kept when no SMTP server is configured", func(t *testing.T) {
			kept := newMailFixture(t, db)
			kept.store.SetMailKept(true)
			m, err := kept.store.QueueMail(context.Background(), pageInput("dee@example.com"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != models.MailKept || m.NextAttemptAt != nil {
				t.Fatalf("kept mail %+v", m)
			}
			due, _ := kept.store.DueMail(context.Background(), kept.now.Add(time.Hour), 1000)
			if containsMail(due, m.ID) {
				t.Fatal("kept mail is due for sending")
			}
			if err := runMailTask(t, h, m.ID); err != nil {
				t.Fatal(err)
			}
			if got := f.mail(t, m.ID); got.Status != models.MailKept || got.Attempts != 0 {
				t.Fatalf("kept mail was attempted: %+v", got)
			}
		})
	})
}

// A server that accepts the message and then drops the connection (before RSET and QUIT): the
// message is recorded as sent, never sent twice.
func TestMailAcceptedThenDropped(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted sync.WaitGroup
	var mu sync.Mutex
	count := 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func(c net.Conn) {
				defer accepted.Done()
				defer c.Close()
				r := bufio.NewReader(c)
				fmt.Fprint(c, "220 mx.test ESMTP\r\n")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(cmd, "EHLO"):
						fmt.Fprint(c, "250-mx.test\r\n250 8BITMIME\r\n")
					case strings.HasPrefix(cmd, "DATA"):
						fmt.Fprint(c, "354 go ahead\r\n")
						for {
							l, err := r.ReadString('\n')
							if err != nil || l == ".\r\n" {
								break
							}
						}
						mu.Lock()
						count++
						mu.Unlock()
						fmt.Fprint(c, "250 2.0.0 queued as ABC123\r\n")
						return // dropped before RSET / QUIT
					default:
						fmt.Fprint(c, "250 ok\r\n")
					}
				}
			}(c)
		}
	}()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := newMailFixture(t, db)
		cfg, err := ParseSMTPURL("smtp://"+ln.Addr().String()+"?tls=none", "Switchboard <sb@example.com>")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Timeout = 5 * time.Second
		h := &Mailer{Store: f.store, Sender: &SMTPSender{Config: *cfg}, Log: slog.New(slog.DiscardHandler)}
		m, err := f.store.QueueMail(context.Background(), pageInput("ana@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		before := count
		mu.Unlock()
		if err := runMailTask(t, h, m.ID); err != nil {
			t.Fatalf("an accepted message is done: %v", err)
		}
		got := f.mail(t, m.ID)
		if got.Status != models.MailSent || !strings.Contains(got.ProviderAnswer, "queued as ABC123") || got.MessageID != m.ID+"@example.com" {
			t.Fatalf("after accept-then-drop: %+v", got)
		}
		f.advance(time.Hour)
		_ = runMailTask(t, h, m.ID)
		mu.Lock()
		defer mu.Unlock()
		if count-before != 1 {
			t.Fatalf("the server took the message %d times", count-before)
		}
	})
}

// The sweeper sees urgent mail first, however much bulk mail is due; a row being sent is
// leased and not due.
func TestDueMailUrgentFirstAndLeased(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := newMailFixture(t, db)
		ctx := context.Background()
		for i := 0; i < 5; i++ {
			in := pageInput("sub@example.com")
			in.Kind = models.MailSubscriber
			if _, err := f.store.QueueMail(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		f.advance(time.Minute)
		page, err := f.store.QueueMail(ctx, pageInput("ana@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		due, err := f.store.DueMail(ctx, f.now.Add(time.Second), 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 3 || due[0].ID != page.ID || due[0].Priority != models.MailUrgent || due[1].Priority != models.MailBulk {
			t.Fatalf("due %+v", due)
		}
		// A local (non-UTC) time is the same instant.
		ny, _ := time.LoadLocation("America/New_York")
		if due, _ := f.store.DueMail(ctx, f.now.Add(time.Second).In(ny), 10); !containsMail(due, page.ID) {
			t.Fatalf("a local time missed due mail: %+v", due)
		}
		if _, err := f.store.BeginMail(ctx, page.ID); err != nil {
			t.Fatal(err)
		}
		if due, _ := f.store.DueMail(ctx, f.now.Add(time.Minute), 10); containsMail(due, page.ID) {
			t.Fatal("a message being sent is due for the sweeper")
		}
		var nd *models.NotDueError
		if _, err := f.store.BeginMail(ctx, page.ID); !errors.As(err, &nd) {
			t.Fatalf("a second attempt during the first: %v", err)
		}
	})
}

func containsMail(refs []models.MailRef, id string) bool {
	for _, r := range refs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Through the real queue: the message is a row before it is a task, so a Redis flush between
// commit and sending loses nothing — the sweeper puts it back, and it is sent once.
func TestMailQueueSurvivesRedisFlush(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	redisURL := modeltest.MustRedisURL(t)
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	srv := newSMTPServer(t)
	f := newMailFixture(t, db)
	f.store.SetClock(time.Now) // the real clock: Asynq schedules by it
	log := slog.New(slog.DiscardHandler)
	client := asynq.NewClient(opt)
	defer client.Close()
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	q := &Queue{Client: client, Inspector: insp, Log: log}
	f.store.SetEnqueuer(q)

	// Written and enqueued, then Redis is flushed before any worker runs.
	m, err := f.store.QueueMail(context.Background(), pageInput("ana@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if info, err := insp.GetTaskInfo(QueueMailUrgent, "mail:"+m.ID); err != nil || info.Queue != QueueMailUrgent {
		t.Fatalf("not on the urgent queue: %v %v", info, err)
	}
	rdb := opt.MakeRedisClient().(redis.UniversalClient)
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := insp.GetTaskInfo(QueueMailUrgent, "mail:"+m.ID); err == nil {
		t.Fatal("the task survived the flush")
	}

	h := &Handlers{Store: f.store, Log: log, Mailer: &Mailer{Store: f.store, Sender: &SMTPSender{Config: srv.config(t)}, Log: log},
		MailSweeper: &MailSweeper{Store: f.store, Queue: q, Log: log}}
	cfg := WorkerConfig(4, 5*time.Second, log)
	worker := asynq.NewServer(opt, cfg)
	if err := worker.Start(h.Mux()); err != nil {
		t.Fatal(err)
	}
	defer worker.Shutdown()
	time.Sleep(SweepGrace) // the sweeper leaves just-written rows to the normal enqueue
	if err := h.MailSweeper.Sweep(context.Background(), NewSweepMailTask()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for f.mail(t, m.ID).Status != models.MailSent {
		if time.Now().After(deadline) {
			t.Fatalf("not sent after the flush: %+v", f.mail(t, m.ID))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A second sweep finds nothing to do: sent once.
	if err := h.MailSweeper.Sweep(context.Background(), NewSweepMailTask()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(srv.messages()); n != 1 {
		t.Fatalf("received %d messages, want 1", n)
	}
}

func TestParseSMTPURL(t *testing.T) {
	ok := []struct {
		url        string
		host       string
		port       int
		tls        string
		user, pass string
	}{
		{"smtp://u:p@mail.example.com", "mail.example.com", 587, "starttls", "u", "p"},
		{"smtp://u:p%40ss@mail.example.com:2525", "mail.example.com", 2525, "starttls", "u", "p@ss"},
		{"smtps://u:p@mail.example.com", "mail.example.com", 465, "tls", "u", "p"},
		{"smtp://relay.internal:25?tls=none", "relay.internal", 25, "none", "", ""},
		{"smtp://[::1]:25?tls=none", "::1", 25, "none", "", ""},
	}
	for _, c := range ok {
		got, err := ParseSMTPURL(c.url, "sb@example.com")
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if got.Host != c.host || got.Port != c.port || got.TLS != c.tls || got.Username != c.user || got.Password != c.pass {
			t.Errorf("%s: got %+v", c.url, got)
		}
	}
	for _, bad := range []string{"", "mail.example.com", "http://mail.example.com", "smtp://h:99999", "smtps://h?tls=none", "smtp://h?tls=maybe"} {
		if _, err := ParseSMTPURL(bad, "sb@example.com"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseSMTPURL("smtp://h", ""); err == nil {
		t.Error("no From accepted")
	}
	if _, err := ParseSMTPURL("smtp://h", "not an address"); err == nil {
		t.Error("a bad From accepted")
	}
}

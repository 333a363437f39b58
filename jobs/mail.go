package jobs

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	gomail "github.com/wneessen/go-mail"

	"github.com/switchboard-hub/switchboard/models"
)

// Mail queues: urgent mail (pages, notices, invitations) outranks every other queue; bulk mail
// (status-page subscribers) ranks lowest, so an outage with thousands of subscribers never
// delays a page.
const (
	QueueMailUrgent = "mail_urgent"
	QueueMailBulk   = "mail_bulk"
)

// Task types of the mail path.
const (
	TypeSendMail  = "mail:send"
	TypeSweepMail = "maintenance:sweep_mail"
	TypePurgeMail = "maintenance:purge_mail"
)

func mailQueue(p models.MailPriority) string {
	if p == models.MailBulk {
		return QueueMailBulk
	}
	return QueueMailUrgent
}

// NewMailTask sends one message at runAt; the task id is the message id (a duplicate enqueue is
// refused and harmless).
func NewMailTask(ref models.MailRef) *asynq.Task {
	b, _ := json.Marshal(deliveryPayload{ID: ref.ID})
	return asynq.NewTask(TypeSendMail, b, asynq.TaskID("mail:"+ref.ID), asynq.ProcessAt(ref.RunAt),
		asynq.Queue(mailQueue(ref.Priority)), asynq.MaxRetry(deliveryTaskRetries), asynq.Timeout(2*time.Minute),
		asynq.Retention(completedRetention))
}

// NewSweepMailTask re-enqueues due messages missing from the queue.
func NewSweepMailTask() *asynq.Task {
	return asynq.NewTask(TypeSweepMail, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(0),
		asynq.Timeout(time.Minute), asynq.Unique(4*time.Second))
}

// NewPurgeMailTask deletes finished mail past the history retention and the records of
// expired signed links.
func NewPurgeMailTask() *asynq.Task {
	return asynq.NewTask(TypePurgeMail, nil, asynq.Queue(QueueMaintenance), asynq.MaxRetry(1),
		asynq.Timeout(10*time.Minute), asynq.Unique(30*time.Minute))
}

// PurgeMail handles TypePurgeMail.
func (h *Handlers) PurgeMail(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Store.PurgeMail(ctx)
	if err != nil {
		return err
	}
	l, err := h.Store.PurgeLinkUses(ctx)
	if n > 0 || l > 0 {
		h.Log.InfoContext(ctx, "purged mail past retention and expired link records", "mail", n, "links", l)
	}
	if err != nil {
		return err
	}
	sn, err := h.Store.PurgeSubscribers(ctx)
	if sn > 0 {
		h.Log.InfoContext(ctx, "purged status webhook deliveries past retention and expired sign-ups", "count", sn)
	}
	return err
}

// EnqueueMail implements models.MailEnqueuer.
func (q *Queue) EnqueueMail(ctx context.Context, refs []models.MailRef) {
	for _, r := range refs {
		if _, err := q.Client.EnqueueContext(ctx, NewMailTask(r)); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			q.Log.WarnContext(ctx, "enqueue mail failed; the sweeper will retry", "mail_id", r.ID, "err", err)
		}
	}
}

// MailSender hands one message to a mail server.
type MailSender interface {
	// Send returns the server's answer and the Message-ID; a *models.MailResult-compatible
	// classification is made by the caller from the error (see IsPermanentMailError).
	Send(ctx context.Context, m *models.Mail) (answer, messageID string, err error)
}

// SMTPConfig is where mail goes: SWITCHBOARD_SMTP_URL parsed by ParseSMTPURL.
type SMTPConfig struct {
	Host string
	Port int
	// TLS: "starttls" (required), "tls" (implicit, smtps://), "none" (a local relay only).
	TLS      string
	Username string
	Password string
	From     string
	// TLSConfig overrides the TLS settings (tests trust their own certificate).
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// ParseSMTPURL reads an SMTP URL:
//
//	smtp://user:pass@host:587               STARTTLS, required (the default)
//	smtps://user:pass@host:465              TLS from the first byte
//	smtp://host:25?tls=none                 no TLS: only for a relay on a trusted network
//
// The user and password are URL-encoded.
func ParseSMTPURL(raw, from string) (*SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, errors.New("SWITCHBOARD_SMTP_URL must look like smtp://user:password@host:587")
	}
	c := &SMTPConfig{Host: u.Hostname(), From: from, Timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		c.TLS, c.Port = "starttls", 587
	case "smtps":
		c.TLS, c.Port = "tls", 465
	default:
		return nil, fmt.Errorf("SWITCHBOARD_SMTP_URL scheme %q: use smtp:// (STARTTLS) or smtps:// (TLS)", u.Scheme)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SWITCHBOARD_SMTP_URL port %q is not a port", p)
		}
		c.Port = n
	}
	switch t := u.Query().Get("tls"); t {
	case "":
	case "none":
		if u.Scheme == "smtps" {
			return nil, errors.New("SWITCHBOARD_SMTP_URL: smtps:// always uses TLS")
		}
		c.TLS = "none"
	default:
		return nil, fmt.Errorf("SWITCHBOARD_SMTP_URL tls=%q: the only option is tls=none", t)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("SWITCHBOARD_MAIL_FROM is required with SWITCHBOARD_SMTP_URL")
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("SWITCHBOARD_MAIL_FROM %q is not an address: %v", from, err)
	}
	return c, nil
}

// SMTPSender sends through an SMTP server with go-mail (MIME, encodings and the SMTP dialogue
// are the library's: nothing here writes MIME by hand).
type SMTPSender struct {
	Config SMTPConfig
}

func (s *SMTPSender) client() (*gomail.Client, error) {
	c := s.Config
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(c.Timeout)}
	switch c.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(c.TLSConfig))
	}
	if c.Username != "" {
		// The strongest mechanism the server offers (go-mail refuses PLAIN without TLS).
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}

// message builds the MIME message: plain text, with an HTML alternative when there is one.
func (s *SMTPSender) message(m *models.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.Config.From); err != nil {
		return nil, err
	}
	if err := msg.To(m.ToAddress); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	if m.HTMLBody != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	}
	for k, v := range m.ExtraHeaders() {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	if m.Kind != models.MailSubscriber {
		// RFC 3834: automatic mail; auto-responders must not answer pages.
		msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	}
	return msg, nil
}

// Send implements MailSender. The Message-ID is derived from the row id, so a duplicate (a retry
// after an answer that was lost) can be recognised by the recipient's mail system.
func (s *SMTPSender) Send(ctx context.Context, m *models.Mail) (string, string, error) {
	msg, err := s.message(m)
	if err != nil {
		return "", "", &permanentMailError{err}
	}
	id := m.ID + "@" + mailDomain(s.Config.From)
	msg.SetMessageIDWithValue(id)
	c, err := s.client()
	if err != nil {
		return "", id, err
	}
	err = c.DialAndSendWithContext(ctx, msg)
	// Accepted is accepted: an error after the server took the message (a dropped connection
	// during RSET or QUIT, a cancelled context) must not send it again.
	if msg.IsDelivered() {
		return strings.TrimSpace(msg.ServerResponse()), id, nil
	}
	return "", id, err
}

// mailDomain is the domain of the From address (for Message-IDs).
func mailDomain(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return d
		}
	}
	return "switchboard.invalid"
}

// permanentMailError is a message that no retry can send (an address go-mail refuses).
type permanentMailError struct{ err error }

func (e *permanentMailError) Error() string { return e.err.Error() }
func (e *permanentMailError) Unwrap() error { return e.err }

// IsPermanentMailError tells a refusal that a retry cannot change (an SMTP 5xx answer to the
// message or its recipient, a message that cannot be built) from a temporary failure (4xx,
// connection refused, timeouts), which is retried.
func IsPermanentMailError(err error) bool {
	var p *permanentMailError
	if errors.As(err, &p) {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code >= 500 && code < 600 {
			// 5xx to RCPT TO or DATA: the server will not take this message. A 5xx to MAIL FROM
			// (530 authentication required, 550 sender not allowed) is the installation's
			// configuration, not this message: it is retried, so pages go out once it is fixed.
			return se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPDataClose || se.Reason == gomail.ErrSMTPData
		}
	}
	return false
}

// describeMailError says what went wrong for the console and the logs without the recipient's
// address (go-mail lists it in SendError.Error) or the mail server's address (a tenant must
// not learn the relay's internal host from a dial error).
func describeMailError(err error) string {
	var se *gomail.SendError
	if errors.As(err, &se) {
		what := map[gomail.SendErrReason]string{
			gomail.ErrSMTPMailFrom: "the mail server refused the sender", gomail.ErrSMTPRcptTo: "the mail server refused the recipient",
			gomail.ErrSMTPData: "the mail server refused the message", gomail.ErrSMTPDataClose: "the mail server refused the message",
			gomail.ErrConnCheck: "the connection to the mail server failed",
		}[se.Reason]
		if what == "" {
			what = "sending failed"
		}
		if code := se.ErrorCode(); code > 0 {
			return strings.TrimSpace(fmt.Sprintf("%s: SMTP %d %s", what, code, se.EnhancedStatusCode()))
		}
		return what
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "the mail server did not answer in time"
	case errors.As(err, new(*net.OpError)):
		return "could not connect to the mail server"
	case errors.As(err, new(*tls.CertificateVerificationError)) || strings.Contains(err.Error(), "tls"):
		return "TLS with the mail server failed"
	case strings.Contains(strings.ToLower(err.Error()), "auth"):
		return "the mail server refused the credentials"
	}
	return "sending failed"
}

// Mailer sends queued messages (TypeSendMail).
type Mailer struct {
	Store  *models.Store
	Sender MailSender
	Log    *slog.Logger
}

// Send handles TypeSendMail: one attempt of one message.
func (h *Mailer) Send(ctx context.Context, t *asynq.Task) error {
	var p deliveryPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: bad payload: %v", asynq.SkipRetry, err)
	}
	m, err := h.Store.BeginMail(ctx, p.ID)
	var notDue *models.NotDueError
	switch {
	case errors.Is(err, models.ErrMailDone):
		return nil
	case errors.As(err, &notDue):
		return &retryIn{delay: notDue.At.Sub(h.Store.Now()), reason: "not due yet"}
	case err != nil:
		return err
	}
	var answer, id string
	var serr error
	if h.Sender == nil {
		// Another process wrote this row for sending, but this worker has no SMTP server: a
		// configuration mismatch between replicas. The message waits for a worker that has one.
		h.Log.ErrorContext(ctx, "mail is queued for sending but this worker has no SWITCHBOARD_SMTP_URL", "mail_id", m.ID)
		serr = errors.New("this worker has no SMTP server configured")
	} else {
		answer, id, serr = h.Sender.Send(ctx, m)
	}
	res := models.MailResult{Answer: answer, MessageID: id}
	if serr != nil {
		res.Permanent = IsPermanentMailError(serr)
		res.RetryIn = models.MailRetryDelay(m.Attempts)
		// The recipient is personal data and the body holds action links: neither is logged,
		// nor kept in the error (go-mail's error text names the recipient).
		desc := describeMailError(serr)
		res.Err = errors.New(desc)
		h.Log.WarnContext(ctx, "mail not sent", "mail_id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "permanent", res.Permanent, "reason", desc)
	}
	next, err := h.Store.FinishMail(context.WithoutCancel(ctx), m, res)
	if err != nil {
		return err
	}
	if next != nil {
		return &retryIn{delay: next.Sub(h.Store.Now()), reason: "mail server: temporary failure"}
	}
	return nil
}

// MailSweeper re-enqueues due messages whose task is missing (lost Redis, a crash between
// commit and enqueue).
type MailSweeper struct {
	Store *models.Store
	Queue *Queue
	Log   *slog.Logger
}

// Sweep handles TypeSweepMail.
func (s *MailSweeper) Sweep(ctx context.Context, _ *asynq.Task) error {
	// Due by the store's clock (the one that wrote next_attempt_at).
	due, err := s.Store.DueMail(ctx, s.Store.Now().Add(-SweepGrace), sweepBatch)
	if err != nil {
		return err
	}
	n := 0
	for _, r := range due {
		r.RunAt = time.Now()
		// A task left archived by Asynq's own retries still holds the id: put replaces it.
		added, err := s.Queue.put(ctx, func() *asynq.Task { return NewMailTask(r) }, mailQueue(r.Priority), "mail:"+r.ID, r.RunAt, false)
		if err != nil {
			return err
		}
		if added {
			n++
		}
	}
	if n > 0 {
		s.Log.InfoContext(ctx, "sweeper re-enqueued mail missing from the queue", "count", n)
	}
	return nil
}

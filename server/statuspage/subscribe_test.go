package statuspage

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// subInbox is a real SMTP server (emersion/go-smtp) on loopback that keeps what it receives.
type subInbox struct {
	mu   sync.Mutex
	msgs []*mail.Message
	raw  [][]byte
	to   []string
	addr string
}

type subInboxSession struct {
	in *subInbox
	to string
}

func (s *subInboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *subInboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *subInboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	s.in.msgs, s.in.raw, s.in.to = append(s.in.msgs, m), append(s.in.raw, b), append(s.in.to, s.to)
	s.in.mu.Unlock()
	return nil
}
func (s *subInboxSession) Reset()        {}
func (s *subInboxSession) Logout() error { return nil }

func newSubInbox(t *testing.T) *subInbox {
	in := &subInbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &subInboxSession{in: in}, nil }))
	srv.Domain = "mx.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	in.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in
}

// mailTo returns the messages received for addr, in order.
func (in *subInbox) mailTo(addr string) []*mail.Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []*mail.Message
	for i, m := range in.msgs {
		if in.to[i] == addr {
			out = append(out, m)
		}
	}
	return out
}

// subTextOf returns the decoded text/plain part of a message.
func subTextOf(t *testing.T, m *mail.Message) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(m.Body)
		return string(b)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("no text part: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(p) // quoted-printable is decoded by the reader
			return string(b)
		}
	}
}

type subRig struct {
	t        *testing.T
	db       *models.DB
	store    *models.Store
	srv      *httptest.Server
	subInbox *subInbox
	mailer   *jobs.Mailer
	page     models.StatusPage
	comp     string
	acc      string
}

func newSubRig(t *testing.T, db *models.DB) *subRig {
	r := &subRig{t: t, db: db}
	r.store = models.NewStore(db, nil)
	subMustNil(t, r.store.SetLinkKey(bytes.Repeat([]byte{5}, 32)))
	subMustNil(t, r.store.SetEncryptionKey(bytes.Repeat([]byte{6}, 32)))
	e := echo.New()
	h := &Handler{Store: r.store, Log: slog.New(slog.DiscardHandler)}
	h.Register(e)
	r.srv = httptest.NewServer(e)
	t.Cleanup(r.srv.Close)
	r.store.SetPublicURL(r.srv.URL)
	h.PublicURL = r.srv.URL
	r.subInbox = newSubInbox(t)
	cfg, err := jobs.ParseSMTPURL("smtp://"+r.subInbox.addr+"?tls=none", "Status <status@example.com>")
	subMustNil(t, err)
	cfg.Timeout = 5 * time.Second
	r.mailer = &jobs.Mailer{Store: r.store, Sender: &jobs.SMTPSender{Config: *cfg}, Log: slog.New(slog.DiscardHandler)}
	now := time.Now().UTC()
	r.acc = uuid.NewString()
	subMustNil(t, db.Create(&models.Account{ID: r.acc, Name: "Acme", CreatedAt: now, UpdatedAt: now}).Error)
	r.comp = uuid.NewString()
	subMustNil(t, db.Create(&models.Component{ID: r.comp, AccountID: r.acc, Name: "API", CreatedAt: now, UpdatedAt: now}).Error)
	r.page = models.StatusPage{ID: uuid.NewString(), AccountID: r.acc, Name: "Acme Status", Slug: "acme-" + r.acc[:8], BrandColor: "#1f6feb",
		Visibility: models.PagePublic, ViewerKey: make([]byte, 32), TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	subMustNil(t, db.Create(&r.page).Error)
	subMustNil(t, db.Create(&models.StatusPageComponent{PageID: r.page.ID, ComponentID: r.comp, Position: 0}).Error)
	return r
}

func subMustNil(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sendDue runs the mail task of every due message (the worker's part).
func (r *subRig) sendDue() {
	r.t.Helper()
	refs, err := r.store.DueMail(context.Background(), time.Now().Add(time.Second), 100)
	subMustNil(r.t, err)
	for _, ref := range refs {
		subMustNil(r.t, r.mailer.Send(context.Background(), jobs.NewMailTask(ref)))
	}
}

func (r *subRig) post(path, contentType, body string, hdr ...string) (*http.Response, string) {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.url(path), strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	subMustNil(r.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (r *subRig) get(path string) (*http.Response, string) {
	r.t.Helper()
	res, err := http.Get(r.url(path))
	subMustNil(r.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (r *subRig) url(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return r.srv.URL + path
}

func (r *subRig) subscribe(addr string) (int, string) {
	res, body := r.post("/status/"+r.page.Slug+"/subscribe", "application/x-www-form-urlencoded",
		url.Values{"kind": {"email"}, "address": {addr}, "components": {r.comp}, "topics": {"incidents"}}.Encode())
	return res.StatusCode, body
}

var subConfirmRe = regexp.MustCompile(`https?://\S+/confirm/\S+`)

func TestSubscribeByEmailEndToEnd(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		r := newSubRig(t, db)

		// The form is there, without JavaScript.
		res, body := r.get("/status/" + r.page.Slug + "/subscribe")
		if res.StatusCode != 200 || !strings.Contains(body, `<label for="address">`) || !strings.Contains(body, `value="`+r.comp+`"`) {
			t.Fatalf("form %d %s", res.StatusCode, body)
		}
		if res, _ := r.get("/status/no-such-page/subscribe"); res.StatusCode != 404 {
			t.Fatalf("unknown slug: %d", res.StatusCode)
		}

		// Sign up: 202, and the confirmation arrives at the SMTP server.
		code, first := r.subscribe("Ana@Example.com")
		if code != http.StatusAccepted {
			t.Fatalf("sign-up %d %s", code, first)
		}
		r.sendDue()
		ms := r.subInbox.mailTo("ana@example.com")
		if len(ms) != 1 || !strings.Contains(ms[0].Header.Get("Subject"), "Confirm your subscription to Acme Status") {
			t.Fatalf("confirmation: %d mails", len(ms))
		}
		link := subConfirmRe.FindString(subTextOf(t, ms[0]))
		if link == "" {
			t.Fatalf("no confirm link in %q", subTextOf(t, ms[0]))
		}

		// A repeated sign-up answers byte for byte the same, and sends nothing.
		if code, again := r.subscribe("ana@example.com"); code != http.StatusAccepted || again != first {
			t.Fatalf("repeated sign-up differs: %d\n%s\n%s", code, again, first)
		}
		// An address nobody signed up answers the same as well.
		if code, other := r.subscribe("bob@example.com"); code != http.StatusAccepted || other != first {
			t.Fatalf("new address answers differently: %d", code)
		}
		// Bad input: a clear error that changes nothing.
		if code, body := r.subscribe("not-an-address"); code != http.StatusBadRequest || !strings.Contains(body, "email address") {
			t.Fatalf("bad address: %d %s", code, body)
		}
		r.sendDue()
		if n := len(r.subInbox.mailTo("ana@example.com")); n != 1 {
			t.Fatalf("ana: %d mails after a repeated sign-up", n)
		}

		// The GET shows a button and changes nothing; the POST confirms.
		res, body = r.get(link)
		if res.StatusCode != 200 || !strings.Contains(body, "Confirm subscription") || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("confirm page %d %s", res.StatusCode, body)
		}
		var sub models.StatusSubscriber
		subMustNil(t, db.Where("page_id = ? AND address = ?", r.page.ID, "ana@example.com").Take(&sub).Error)
		if sub.ConfirmedAt != nil {
			t.Fatal("the GET confirmed")
		}
		res, body = r.post(link, "application/x-www-form-urlencoded", "")
		if res.StatusCode != 200 || !strings.Contains(body, "You are subscribed") {
			t.Fatalf("confirm %d %s", res.StatusCode, body)
		}
		if res, _ := r.post(link, "application/x-www-form-urlencoded", ""); res.StatusCode != http.StatusGone {
			t.Fatalf("second confirm: %d", res.StatusCode)
		}

		// An update reaches the confirmed address with both List-Unsubscribe headers; the
		// unconfirmed one gets nothing but its confirmation.
		now := time.Now().UTC()
		pi := models.PublicIncident{ID: uuid.NewString(), AccountID: r.acc, Title: "Elevated errors", Status: models.PublicInvestigating,
			Impact: models.ImpactMajor, CreatedAt: now, UpdatedAt: now}
		subMustNil(t, db.Create(&pi).Error)
		update := &models.PublicIncidentUpdate{ID: uuid.NewString(), PublicIncidentID: pi.ID, Status: models.PublicInvestigating,
			Message: "We are investigating elevated error rates.", Components: `[{"component_id":"` + r.comp + `","status":"partial_outage"}]`,
			AuthorLabel: "Ada", CreatedAt: now}
		notice := models.SubscriberNotice{AccountID: r.acc, Topic: models.TopicIncidents, Event: "incident.update", ComponentIDs: []string{r.comp}, Update: update}
		subMustNil(t, r.store.QueueSubscriberNotices(ctx, notice))
		r.sendDue()
		ms = r.subInbox.mailTo("ana@example.com")
		if len(ms) != 2 {
			t.Fatalf("ana: %d mails, want the update", len(ms))
		}
		up := ms[1]
		lu, lup := up.Header.Get("List-Unsubscribe"), up.Header.Get("List-Unsubscribe-Post")
		if !strings.HasPrefix(lu, "<"+r.srv.URL+"/status/"+r.page.Slug+"/unsubscribe/") || !strings.HasSuffix(lu, ">") || lup != "List-Unsubscribe=One-Click" {
			t.Fatalf("headers List-Unsubscribe %q List-Unsubscribe-Post %q", lu, lup)
		}
		if text := subTextOf(t, up); !strings.Contains(text, "We are investigating elevated error rates.") || !strings.Contains(text, "API: Partial outage") ||
			!strings.Contains(text, "Unsubscribe: "+strings.Trim(lu, "<>")) {
			t.Fatalf("update text %q", text)
		}
		if up.Header.Get("Auto-Submitted") != "" {
			t.Fatal("a subscriber notice is marked Auto-Submitted")
		}
		if n := len(r.subInbox.mailTo("bob@example.com")); n != 1 {
			t.Fatalf("unconfirmed bob: %d mails", n)
		}

		// RFC 8058 one-click: POST List-Unsubscribe=One-Click answers 200, and nothing more comes.
		unsub := strings.Trim(lu, "<>")
		res, _ = r.post(unsub, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click")
		if res.StatusCode != 200 {
			t.Fatalf("one-click: %d", res.StatusCode)
		}
		if res, _ := r.post(unsub, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"); res.StatusCode != 200 {
			t.Fatalf("one-click again: %d", res.StatusCode)
		}
		res, body = r.get(unsub)
		if res.StatusCode != 200 || !strings.Contains(body, "You are unsubscribed") {
			t.Fatalf("unsubscribe page after: %d %s", res.StatusCode, body)
		}
		subMustNil(t, r.store.QueueSubscriberNotices(ctx, notice))
		r.sendDue()
		if n := len(r.subInbox.mailTo("ana@example.com")); n != 2 {
			t.Fatalf("ana after unsubscribing: %d mails", n)
		}
		if n := len(r.subInbox.mailTo("bob@example.com")); n != 1 {
			t.Fatalf("unconfirmed bob: %d mails", n)
		}
		// A link under another page's slug is not found; a forged one is not valid.
		if res, _ := r.get(strings.Replace(unsub, r.page.Slug, "other-page", 1)); res.StatusCode != 404 {
			t.Fatalf("other slug: %d", res.StatusCode)
		}
		if res, _ := r.get(unsub + "x"); res.StatusCode != 400 {
			t.Fatalf("forged: %d", res.StatusCode)
		}
	})
}

func TestSubscribeJSONAndLimits(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		r := newSubRig(t, db)
		path := "/status/" + r.page.Slug + "/subscribe"
		// JSON in, JSON out; a webhook URL on a private or loopback address is refused.
		for _, u := range []string{"http://127.0.0.1/x", "http://10.0.0.1/x", "http://169.254.169.254/latest", "http://[::1]/x"} {
			b, _ := json.Marshal(map[string]any{"kind": "webhook", "url": u})
			res, body := r.post(path, "application/json", string(b))
			if res.StatusCode != 400 || !strings.Contains(body, "public internet address") {
				t.Fatalf("%s: %d %s", u, res.StatusCode, body)
			}
		}
		if n := subCountRows(t, db, r.page.ID); n != 0 {
			t.Fatalf("%d subscribers after refusals", n)
		}
		res, body := r.post(path, "application/json", `{"email":"carol@example.com","topics":["maintenance"]}`)
		var out map[string]string
		_ = json.Unmarshal([]byte(body), &out)
		if res.StatusCode != http.StatusAccepted || out["status"] != "pending" || out["secret"] != "" {
			t.Fatalf("json sign-up %d %s", res.StatusCode, body)
		}
		// Per subscriber address: a burst, then 429 (the same answer whether it exists or not).
		// (echo's default RealIP reads X-Real-IP: each request comes from another client.)
		var codes []int
		for i := range 5 {
			res, _ := r.post(path, "application/json", `{"email":"dave@example.com"}`, "X-Real-IP", "192.0.2."+string(rune('1'+i)))
			codes = append(codes, res.StatusCode)
		}
		if codes[2] != http.StatusAccepted || codes[3] != http.StatusTooManyRequests {
			t.Fatalf("per-address limit: %v", codes)
		}
		// Per client address: ten, then 429.
		codes = nil
		for i := range 12 {
			res, _ := r.post(path, "application/json", `{"email":"x`+string(rune('a'+i))+`@example.com"}`, "X-Real-IP", "198.51.100.7")
			codes = append(codes, res.StatusCode)
		}
		if codes[9] != http.StatusAccepted || codes[10] != http.StatusTooManyRequests {
			t.Fatalf("per-IP limit: %v", codes)
		}
	})
}

func subCountRows(t *testing.T, db *models.DB, pageID string) int64 {
	var n int64
	subMustNil(t, db.Model(&models.StatusSubscriber{}).Where("page_id = ?", pageID).Count(&n).Error)
	return n
}

// At the root of a custom host (no slug in the path) a link works for its own page's host only.
func TestSubscriberLinksOnCustomHost(t *testing.T) {
	t.Parallel()
	db := modeltest.MustOpen(t, modeltest.MustPostgresURL(t))
	r := newSubRig(t, db)
	host := "status." + r.page.Slug + ".test"
	subMustNil(t, db.Model(&models.StatusPage{}).Where("id = ?", r.page.ID).Update("custom_host", host).Error)
	e := echo.New()
	(&Handler{Store: r.store, Log: slog.New(slog.DiscardHandler)}).subscribeRoutes(e.Group(""))
	srv := httptest.NewServer(e)
	defer srv.Close()
	sub := models.StatusSubscriber{ID: uuid.NewString(), PageID: r.page.ID, Kind: models.SubscriberEmail, Address: "eve@example.com",
		ComponentIDs: "[]", Topics: "[]", CreatedAt: time.Now().UTC()}
	subMustNil(t, db.Create(&sub).Error)
	tok, err := r.store.IssueLink(models.LinkUnsubscribe, sub.ID, "", time.Hour)
	subMustNil(t, err)
	get := func(h string) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/unsubscribe/"+tok, nil)
		req.Host = h
		res, err := http.DefaultClient.Do(req)
		subMustNil(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(host); code != 200 {
		t.Fatalf("own custom host: %d", code)
	}
	if code := get("status.other.test"); code != 404 {
		t.Fatalf("another host: %d", code)
	}
}

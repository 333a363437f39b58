package models_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// subsResolver answers host names from a map that a test changes (DNS rebinding).
type subsResolver struct {
	mu sync.Mutex
	m  map[string][]string
}

func (r *subsResolver) set(host string, ips ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[host] = ips
}

func (r *subsResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ips, ok := r.m[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, ip := range ips {
		out = append(out, net.IPAddr{IP: net.ParseIP(ip)})
	}
	return out, nil
}

// subsPage writes a page with two components of the fixture's account.
func subsPage(t *testing.T, f *fixture, accountID, slug string) (*models.StatusPage, []string) {
	t.Helper()
	now := f.Clock.Now()
	var comps []string
	for _, name := range []string{"API", "Dashboard"} {
		c := models.Component{ID: uuid.NewString(), AccountID: accountID, Name: name, CreatedAt: now, UpdatedAt: now}
		mustNoErr(t, f.DB.Create(&c).Error)
		comps = append(comps, c.ID)
	}
	p := models.StatusPage{ID: uuid.NewString(), AccountID: accountID, Name: "Acme Status " + slug, Slug: slug, BrandColor: "#1f6feb",
		Visibility: models.PagePublic, ViewerKey: bytes.Repeat([]byte{1}, 32), TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	mustNoErr(t, f.DB.Create(&p).Error)
	for i, c := range comps {
		mustNoErr(t, f.DB.Create(&models.StatusPageComponent{PageID: p.ID, ComponentID: c, Position: i}).Error)
	}
	return &p, comps
}

func subsFixture(t *testing.T, db *models.DB) (*fixture, *subsResolver) {
	f := MustInstalled(t, db)
	f.Store.SetPublicURL("https://sb.example.com")
	mustNoErr(t, f.Store.SetLinkKey(bytes.Repeat([]byte{7}, 32)))
	mustNoErr(t, f.Store.SetEncryptionKey(bytes.Repeat([]byte{9}, 32)))
	f.Store.SetMailKept(true)
	r := &subsResolver{m: map[string][]string{"hooks.example.net": {"93.184.216.34"}}}
	f.Store.SetSubscriberResolver(r)
	return f, r
}

var subsConfirmLinkRe = regexp.MustCompile(`https://sb\.example\.com/status/[a-z0-9-]+/confirm/(\S+)`)

func TestSubscribeEmail(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, _ := subsFixture(t, db)
		page, comps := subsPage(t, f, f.Account.ID, "acme")
		mails := func(addr string) []models.Mail {
			var ms []models.Mail
			mustNoErr(t, f.DB.Where("to_address = ?", addr).Order("created_at, id").Find(&ms).Error)
			return ms
		}

		t.Run("bad input is a field error that changes nothing", func(t *testing.T) {
			for _, in := range []models.SubscribeInput{
				{Kind: models.SubscriberEmail, Address: "not an address"},
				{Kind: models.SubscriberEmail, Address: "Ana <ana@example.com>"},
				{Kind: models.SubscriberEmail, Address: "ana@example.com", Topics: []string{"gossip"}},
				{Kind: models.SubscriberEmail, Address: "ana@example.com", ComponentIDs: []string{uuid.NewString()}},
				{Kind: "pigeon", Address: "ana@example.com"},
			} {
				_, err := f.Store.Subscribe(ctx, page.ID, in)
				if models.CodeOf(err) != models.EINVALID {
					t.Errorf("%+v: %v, want EINVALID", in, err)
				}
			}
			if n := f.MustCount(t, "status_subscribers", "page_id = ?", page.ID); n != 0 {
				t.Fatalf("%d subscribers after bad input", n)
			}
			if _, err := f.Store.Subscribe(ctx, uuid.NewString(), models.SubscribeInput{Kind: models.SubscriberEmail, Address: "a@example.com"}); models.CodeOf(err) != models.ENOTFOUND {
				t.Fatalf("unknown page: %v", err)
			}
		})

		var token string
		t.Run("sign-up: normalised address, one confirmation", func(t *testing.T) {
			res, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: " Ana.Ops@Example.COM ",
				ComponentIDs: []string{comps[0]}, Topics: []string{"incidents"}})
			if err != nil || res.Secret != "" {
				t.Fatalf("%+v %v", res, err)
			}
			var sub models.StatusSubscriber
			mustNoErr(t, f.DB.Where("page_id = ?", page.ID).Take(&sub).Error)
			if sub.Address != "ana.ops@example.com" || sub.ConfirmedAt != nil || sub.Topics != `["incidents"]` {
				t.Fatalf("row %+v", sub)
			}
			ms := mails("ana.ops@example.com")
			if len(ms) != 1 || ms[0].Kind != models.MailVerification || !strings.Contains(ms[0].Subject, page.Name) {
				t.Fatalf("mails %+v", ms)
			}
			m := subsConfirmLinkRe.FindStringSubmatch(ms[0].TextBody)
			if m == nil {
				t.Fatalf("no confirm link in %q", ms[0].TextBody)
			}
			token = m[1]
		})

		t.Run("a second sign-up within the window answers the same and sends nothing", func(t *testing.T) {
			res, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: "ana.ops@example.com",
				ComponentIDs: []string{comps[0]}, Topics: []string{"incidents"}})
			if err != nil || res.Kind != models.SubscriberEmail || res.Secret != "" {
				t.Fatalf("%+v %v", res, err)
			}
			if n := len(mails("ana.ops@example.com")); n != 1 {
				t.Fatalf("%d mails after a repeated sign-up", n)
			}
			// After the window: one more confirmation.
			f.Clock.Advance(models.SubscriberResendWindow + time.Second)
			if _, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: "ana.ops@example.com",
				ComponentIDs: []string{comps[0]}, Topics: []string{"incidents"}}); err != nil {
				t.Fatal(err)
			}
			if n := len(mails("ana.ops@example.com")); n != 2 {
				t.Fatalf("%d mails after the window", n)
			}
		})

		t.Run("confirm once; the link does not work twice", func(t *testing.T) {
			l, err := f.Store.PeekSubscriberLink(ctx, token, models.LinkSubscriberConfirm)
			if err != nil || l.Page.ID != page.ID {
				t.Fatalf("peek %v", err)
			}
			if _, err := f.Store.ConfirmSubscription(ctx, token); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Store.ConfirmSubscription(ctx, token); models.CodeOf(err) != models.ECONFLICT {
				t.Fatalf("second use: %v", err)
			}
			if _, err := f.Store.ConfirmSubscription(ctx, token+"x"); models.CodeOf(err) != models.EINVALID {
				t.Fatalf("forged: %v", err)
			}
			// An unsubscribe token never confirms, a confirm token never unsubscribes.
			if _, err := f.Store.Unsubscribe(ctx, token); models.CodeOf(err) != models.EINVALID {
				t.Fatalf("confirm token unsubscribed: %v", err)
			}
		})

		t.Run("a subscribed address signed up again: same answer, nothing sent, choice kept", func(t *testing.T) {
			before := len(mails("ana.ops@example.com"))
			res, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: "ANA.OPS@example.com", Topics: []string{"maintenance"}})
			if err != nil || res.Secret != "" || res.Kind != models.SubscriberEmail {
				t.Fatalf("%+v %v", res, err)
			}
			if n := len(mails("ana.ops@example.com")); n != before {
				t.Fatalf("mail sent to a subscribed address on a new sign-up")
			}
			var sub models.StatusSubscriber
			mustNoErr(t, f.DB.Where("page_id = ?", page.ID).Take(&sub).Error)
			if sub.Topics != `["incidents"]` || sub.ConfirmedAt == nil {
				t.Fatalf("a stranger changed the subscription: %+v", sub)
			}
		})

		t.Run("notices: topic and components filter; the unconfirmed get nothing", func(t *testing.T) {
			if _, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: "bob@example.com"}); err != nil {
				t.Fatal(err)
			}
			notice := models.SubscriberNotice{AccountID: f.Account.ID, Topic: models.TopicComponentStatus, Event: "component.status",
				ComponentIDs: []string{comps[0]}, ComponentID: comps[0], Status: models.StatusPartialOutage}
			mustNoErr(t, f.Store.QueueSubscriberNotices(ctx, notice))
			// Ana chose incidents only; Bob is unconfirmed.
			if n := len(mails("ana.ops@example.com")); n != 2 {
				t.Fatalf("ana got a component_status notice (%d mails)", n)
			}
			if n := len(mails("bob@example.com")); n != 1 {
				t.Fatalf("unconfirmed bob got %d mails", n)
			}
			// An incident-topic notice about the other component: Ana chose comps[0] only.
			now := f.Clock.Now()
			pi := models.PublicIncident{ID: uuid.NewString(), AccountID: f.Account.ID, Title: "Slow dashboards", Status: models.PublicInvestigating,
				Impact: models.ImpactMinor, CreatedAt: now, UpdatedAt: now}
			mustNoErr(t, f.DB.Create(&pi).Error)
			up := func(comp string) *models.PublicIncidentUpdate {
				return &models.PublicIncidentUpdate{ID: uuid.NewString(), PublicIncidentID: pi.ID, Status: models.PublicInvestigating,
					Message: "We are looking into it.", Components: `[{"component_id":"` + comp + `","status":"degraded_performance"}]`,
					AuthorLabel: "Ada", CreatedAt: now}
			}
			mustNoErr(t, f.Store.QueueSubscriberNotices(ctx, models.SubscriberNotice{AccountID: f.Account.ID, Topic: models.TopicIncidents,
				Event: "incident.update", ComponentIDs: []string{comps[1]}, Update: up(comps[1])}))
			if n := len(mails("ana.ops@example.com")); n != 2 {
				t.Fatalf("ana got a notice about a component she did not choose")
			}
			mustNoErr(t, f.Store.QueueSubscriberNotices(ctx, models.SubscriberNotice{AccountID: f.Account.ID, Topic: models.TopicIncidents,
				Event: "incident.update", ComponentIDs: []string{comps[0]}, Update: up(comps[0])}))
			ms := mails("ana.ops@example.com")
			if len(ms) != 3 {
				t.Fatalf("ana: %d mails, want the update", len(ms))
			}
			m := ms[2]
			h := m.ExtraHeaders()
			if m.Kind != models.MailSubscriber || m.Priority != models.MailBulk || h["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" ||
				!strings.HasPrefix(h["List-Unsubscribe"], "<https://sb.example.com/status/acme/unsubscribe/") ||
				!strings.Contains(m.Subject, "Slow dashboards") || !strings.Contains(m.TextBody, "API: Degraded performance") {
				t.Fatalf("notice %+v headers %v", m, h)
			}
			if n := len(mails("bob@example.com")); n != 1 {
				t.Fatalf("unconfirmed bob got %d mails", n)
			}
			// The one-click link unsubscribes, and again is fine.
			tok := strings.TrimSuffix(h["List-Unsubscribe"][strings.LastIndex(h["List-Unsubscribe"], "/")+1:], ">")
			for range 2 {
				if _, err := f.Store.Unsubscribe(ctx, tok); err != nil {
					t.Fatal(err)
				}
			}
			mustNoErr(t, f.Store.QueueSubscriberNotices(ctx, models.SubscriberNotice{AccountID: f.Account.ID, Topic: models.TopicIncidents,
				Event: "incident.update", ComponentIDs: []string{comps[0]}, Update: up(comps[0])}))
			if n := len(mails("ana.ops@example.com")); n != 3 {
				t.Fatalf("unsubscribed ana still gets mail")
			}
			var sub models.StatusSubscriber
			mustNoErr(t, f.DB.Where("page_id = ? AND unsubscribed_at IS NOT NULL", page.ID).Take(&sub).Error)
			if sub.Address != "" {
				t.Fatalf("unsubscribed row keeps the address %q", sub.Address)
			}
		})

		t.Run("expired sign-ups are purged; confirmed and unsubscribed rows stay", func(t *testing.T) {
			if _, err := f.Store.PurgeSubscribers(ctx); err != nil {
				t.Fatal(err)
			}
			if n := f.MustCount(t, "status_subscribers", "address = ?", "bob@example.com"); n != 1 {
				t.Fatal("a fresh sign-up was purged")
			}
			f.Clock.Advance(models.SubscriberConfirmTTL + 2*time.Hour)
			if _, err := f.Store.PurgeSubscribers(ctx); err != nil {
				t.Fatal(err)
			}
			if n := f.MustCount(t, "status_subscribers", "address = ?", "bob@example.com"); n != 0 {
				t.Fatal("an expired sign-up was kept")
			}
			if n := f.MustCount(t, "status_subscribers", "page_id = ?", page.ID); n != 1 {
				t.Fatalf("%d rows left, want the unsubscribed one", n)
			}
		})
	})
}

func TestSubscribeWebhookGuard(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, r := subsFixture(t, db)
		page, _ := subsPage(t, f, f.Account.ID, "hooks")
		r.set("internal.example.net", "93.184.216.34", "10.0.0.7")
		r.set("meta.example.net", "169.254.169.254")
		for _, u := range []string{
			"http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/hook",
			"http://100.64.0.1/", "http://192.168.1.1/", "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/",
			"https://internal.example.net/hook", "https://meta.example.net/", "https://nowhere.example.net/",
			"ftp://hooks.example.net/", "https://user:pw@hooks.example.net/", "javascript:alert(1)", "hooks.example.net/x",
		} {
			_, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: u})
			if models.CodeOf(err) != models.EINVALID {
				t.Errorf("%s: %v, want EINVALID", u, err)
			}
		}
		if n := f.MustCount(t, "status_subscribers", "page_id = ?", page.ID); n != 0 {
			t.Fatalf("%d subscribers after refused URLs", n)
		}
		// A public URL is taken, with a secret shown once and a verification queued.
		res, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: "https://HOOKS.example.net/status"})
		if err != nil || !strings.HasPrefix(res.Secret, models.WebhookSecretPrefix) || len(res.Secret) != len("whsec_")+44 {
			t.Fatalf("%+v %v", res, err)
		}
		var sub models.StatusSubscriber
		mustNoErr(t, f.DB.Where("page_id = ?", page.ID).Take(&sub).Error)
		if sub.Address != "https://hooks.example.net/status" || len(sub.SecretSealed) == 0 || bytes.Contains(sub.SecretSealed, []byte(res.Secret[6:])) {
			t.Fatalf("row %+v", sub)
		}
		if n := f.MustCount(t, "status_webhook_deliveries", "subscriber_id = ? AND event_type = ?", sub.ID, models.EventSubscriptionVerify); n != 1 {
			t.Fatalf("%d verification requests", n)
		}
		// The same URL again answers the same shape (a fresh secret), and queues nothing more
		// while the verification is pending.
		res2, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: "https://hooks.example.net/status"})
		if err != nil || !strings.HasPrefix(res2.Secret, "whsec_") || res2.Secret == res.Secret {
			t.Fatalf("%+v %v", res2, err)
		}
		if n := f.MustCount(t, "status_webhook_deliveries", "subscriber_id = ?", sub.ID); n != 1 {
			t.Fatalf("%d verification requests after a repeat", n)
		}
		// Loopback only through the explicit test setting.
		f.Store.SetSubscriberOutboundAllow([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")})
		if _, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: "http://127.0.0.1:9/hook"}); err != nil {
			t.Fatalf("allowed loopback: %v", err)
		}
		if _, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberWebhook, Address: "http://10.1.2.3/hook"}); models.CodeOf(err) != models.EINVALID {
			t.Fatalf("the allow list opened private ranges: %v", err)
		}
	})
}

func TestSubscriberAdmin(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f, _ := subsFixture(t, db)
		page, _ := subsPage(t, f, f.Account.ID, "admin-a")
		accB := f.MustAccount(t, "Other")
		adminB, _ := f.MustMember(t, accB.ID, "bea@example.com", models.RoleAdmin)
		memberA, _ := f.MustMember(t, f.Account.ID, "mo@example.com", models.RoleMember)
		for _, addr := range []string{"a@example.com", "b@example.com"} {
			if _, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: addr}); err != nil {
				t.Fatal(err)
			}
		}
		p, total, err := f.Store.ListSubscribers(ctx, f.AdminActor, page.ID, 1, "")
		if err != nil || total != 2 || len(p.Items) != 1 || !p.HasNextPage {
			t.Fatalf("list %+v %d %v", p, total, err)
		}
		id := p.Items[0].ID
		if _, _, err := f.Store.ListSubscribers(ctx, adminB, page.ID, 10, ""); models.CodeOf(err) != models.ENOTFOUND {
			t.Fatalf("another account's admin listed: %v", err)
		}
		if _, _, err := f.Store.ListSubscribers(ctx, memberA, page.ID, 10, ""); models.CodeOf(err) != models.EFORBIDDEN {
			t.Fatalf("a member listed: %v", err)
		}
		if _, err := f.Store.RemoveSubscriber(ctx, adminB, id); models.CodeOf(err) != models.ENOTFOUND {
			t.Fatalf("another account's admin removed: %v", err)
		}
		if _, err := f.Store.RemoveSubscriber(ctx, memberA, id); models.CodeOf(err) != models.EFORBIDDEN {
			t.Fatalf("a member removed: %v", err)
		}
		var csvOut bytes.Buffer
		mustNoErr(t, f.Store.ExportSubscribersCSV(ctx, f.AdminActor, page.ID, &csvOut))
		if !strings.HasPrefix(csvOut.String(), "kind,address,components,topics,created_at,confirmed_at\n") || strings.Count(csvOut.String(), "\n") != 3 {
			t.Fatalf("csv %q", csvOut.String())
		}
		if err := f.Store.ExportSubscribersCSV(ctx, adminB, page.ID, &bytes.Buffer{}); models.CodeOf(err) != models.ENOTFOUND {
			t.Fatalf("another account's admin exported: %v", err)
		}
		if _, err := f.Store.RemoveSubscriber(ctx, f.AdminActor, id); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Store.RemoveSubscriber(ctx, f.AdminActor, id); models.CodeOf(err) != models.ENOTFOUND {
			t.Fatalf("removed twice: %v", err)
		}
		if _, total, _ := f.Store.ListSubscribers(ctx, f.AdminActor, page.ID, 10, ""); total != 1 {
			t.Fatalf("total after removal %d", total)
		}
		if len(f.MustAudit(t, f.Account.ID, "status_subscriber.removed")) != 1 {
			t.Fatal("removal not audited")
		}

		// A confirmation that went to a mailbox is not readable in the outgoing-mail view: an
		// admin could otherwise confirm an address that never asked.
		f.Store.SetMailKept(false)
		if _, err := f.Store.Subscribe(ctx, page.ID, models.SubscribeInput{Kind: models.SubscriberEmail, Address: "stranger@example.com"}); err != nil {
			t.Fatal(err)
		}
		mp, err := f.Store.ListMail(ctx, f.AdminActor, f.Account.ID, 50, "")
		mustNoErr(t, err)
		seen := 0
		for _, m := range mp.Items {
			if m.ToAddress == "stranger@example.com" {
				seen++
				if strings.Contains(m.TextBody+m.HTMLBody, "/confirm/") {
					t.Fatalf("the confirmation link is shown: %q", m.TextBody)
				}
			}
			if m.ToAddress == "a@example.com" && !strings.Contains(m.TextBody, "/confirm/") {
				t.Fatalf("a kept confirmation is withheld: %q", m.TextBody)
			}
		}
		if seen != 1 {
			t.Fatalf("%d mails to the stranger listed", seen)
		}
	})
}

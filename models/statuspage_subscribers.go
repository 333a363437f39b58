package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/netguard"
)

// Status page subscribers (issue 11 item 6, docs/statuspages.md "Subscribers"). Email
// subscribers confirm by a signed single-use link (double opt-in); webhook subscribers confirm
// by answering a signed subscription.verify request with its challenge. Nothing but the one
// confirmation reaches an unconfirmed subscriber. Signing up answers the same whether the
// address was new, pending or already subscribed, so the sign-up form tells nobody who is
// subscribed.

// subscriptionConfirmKind marks confirmation mail (X-Switchboard-Kind): the outgoing-mail view
// withholds its link once it went to a mailbox.
const subscriptionConfirmKind = "status-subscription-confirm"

// Signed link purposes of subscribers.
const (
	LinkSubscriberConfirm = "status.subscriber.confirm"
	LinkUnsubscribe       = "status.subscriber.unsubscribe"
)

// Subscriber limits.
const (
	// SubscriberConfirmTTL is how long a confirmation link works.
	SubscriberConfirmTTL = 72 * time.Hour
	// UnsubscribeLinkTTL is how long the unsubscribe link of a notice works.
	UnsubscribeLinkTTL = 365 * 24 * time.Hour
	// SubscriberResendWindow: an unconfirmed address gets at most one confirmation (or webhook
	// verification) per window, however often it is signed up.
	SubscriberResendWindow = 15 * time.Minute
	// StatusWebhookMaxAttempts bounds the attempts of a notice to a webhook subscriber;
	// statusVerifyMaxAttempts those of a verification handshake.
	StatusWebhookMaxAttempts = 8
	statusVerifyMaxAttempts  = 5
	// StatusWebhookLease is how long an attempt holds its row (longer than the send timeout).
	StatusWebhookLease = 2 * time.Minute

	// EventSubscriptionVerify is the event type of the verification handshake.
	EventSubscriptionVerify = "subscription.verify"
	// WebhookSecretPrefix starts a subscriber's Standard Webhooks secret.
	WebhookSecretPrefix = "whsec_"

	maxWebhookURL = 2000
)

// Delivery statuses of status_webhook_deliveries.
const (
	StatusWebhookPending  = "pending"
	StatusWebhookRetrying = "retrying"
	StatusWebhookSent     = "sent"
	StatusWebhookFailed   = "failed"
)

// subscriberConfig is the outbound policy of webhook subscribers (SetSubscriberOutbound*).
type subscriberConfig struct {
	allow, deny []netip.Prefix
	resolver    netguard.Resolver
}

// SetSubscriberOutboundAllow admits addresses the strict guard of webhook subscribers refuses.
// Tests only (a loopback receiver): production never sets it, and the operator's
// SWITCHBOARD_OUTBOUND_ALLOW does not apply to subscribers.
func (s *Store) SetSubscriberOutboundAllow(allow []netip.Prefix) { s.subs.allow = allow }

// SetSubscriberOutboundDeny adds the operator's deny list (SWITCHBOARD_OUTBOUND_DENY).
func (s *Store) SetSubscriberOutboundDeny(deny []netip.Prefix) { s.subs.deny = deny }

// SetSubscriberResolver replaces the resolver of the sign-up check (tests; nil: the system's).
func (s *Store) SetSubscriberResolver(r netguard.Resolver) { s.subs.resolver = r }

// SubscriberGuard is the strict outbound guard of webhook subscribers: the sign-up check uses
// it, and the sender of their deliveries must dial through it (DNS may change in between).
func (s *Store) SubscriberGuard() *netguard.Guard {
	return netguard.NewStrict(s.subs.allow, s.subs.deny)
}

// AllSubscriberTopics are the topics of a subscriber who chose none.
var AllSubscriberTopics = []string{TopicIncidents, TopicMaintenance, TopicComponentStatus}

// SubscribeInput is a sign-up from the public.
type SubscribeInput struct {
	Kind SubscriberKind
	// Address is an email address or an http(s) webhook URL.
	Address string
	// ComponentIDs are components of the page; empty: all of them (now and later).
	ComponentIDs []string
	// Topics are incidents, maintenance, component_status; empty: all.
	Topics []string
}

// SubscribeResult is the answer to a sign-up: the same for a new, pending or existing address.
type SubscribeResult struct {
	Kind SubscriberKind
	// Secret is a webhook subscriber's Standard Webhooks secret ("whsec_" + base64 of 32 bytes),
	// shown once. A sign-up of a URL that is already subscribed gets a secret too, which signs
	// nothing (the answer must not differ).
	Secret string
}

// PageForSubscribers returns the page a sign-up names by slug (any visibility: the caller checks
// a private page's reader). ENOTFOUND when there is none.
func (s *Store) PageForSubscribers(ctx context.Context, slug string) (*StatusPage, error) {
	var p StatusPage
	slug = strings.ToLower(strings.TrimSpace(slug))
	if slug == "" || len(slug) > 100 {
		return nil, notFound("status page")
	}
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("status page")
		}
		return nil, err
	}
	return &p, nil
}

// NormalizeSubscriberEmail returns the lower-cased bare address, or a field error.
func NormalizeSubscriberEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Address != raw || len(raw) > 254 || !strings.Contains(raw, "@") || strings.ContainsAny(raw, " \r\n\"") {
		return "", FieldError(EINVALID, "address", "enter an email address like name@example.com")
	}
	return strings.ToLower(a.Address), nil
}

// checkSubscriberURL validates a webhook URL from the public and resolves its host: every
// address must pass the strict guard. The sender checks again when it dials.
func (s *Store) checkSubscriberURL(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	bad := func(msg string) error { return FieldError(EINVALID, "address", "%s", msg) }
	if raw == "" || len(raw) > maxWebhookURL {
		return "", bad("enter an http(s) URL of at most 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return "", bad("the webhook URL must be an http:// or https:// URL")
	}
	if u.User != nil {
		return "", bad("the webhook URL must not carry a user name or password")
	}
	if u.Fragment != "" {
		return "", bad("the webhook URL must not have a #fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := netip.ParseAddrPort("0.0.0.0:" + p); err != nil || n.Port() == 0 {
			return "", bad("the webhook URL's port is not valid")
		}
	}
	u.Host = strings.ToLower(u.Host)
	u.Scheme = strings.ToLower(u.Scheme)
	host := u.Hostname()
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		lctx, cancel := context.WithTimeout(ctx, netguard.LookupTimeout)
		addrs, err := subscriberResolverOf(s.subs.resolver).LookupIPAddr(lctx, host)
		cancel()
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				ips = append(ips, ip.Unmap())
			}
		}
		if err != nil || len(ips) == 0 {
			return "", bad("the webhook URL's host name does not resolve")
		}
	}
	g := s.SubscriberGuard()
	for _, ip := range ips {
		if g.Check(ip) != nil {
			// Not the guard's own wording, which names operator settings.
			return "", bad("the webhook URL must reach a public internet address (private, loopback, link-local and shared ranges are refused)")
		}
	}
	return u.String(), nil
}

func subscriberResolverOf(r netguard.Resolver) netguard.Resolver {
	if r == nil {
		return net.DefaultResolver
	}
	return r
}

// newSubscriberSecret returns "whsec_" + base64 of 32 random bytes.
func newSubscriberSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

func subscriberJSONList(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

func subscriberParseList(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

// Subscribe signs up an address for a page (the public: no actor). Bad input is a field error
// that changes nothing; otherwise the answer is the same whatever the address's state:
//   - new: an email gets one confirmation mail, a webhook one verification request;
//   - pending (unconfirmed): its choice is replaced, and the confirmation is sent again only
//     when the last one is older than SubscriberResendWindow (a webhook's secret is replaced);
//   - subscribed: nothing happens (its choice stays the subscriber's own).
func (s *Store) Subscribe(ctx context.Context, pageID string, in SubscribeInput) (*SubscribeResult, error) {
	if !in.Kind.Valid() {
		return nil, FieldError(EINVALID, "kind", "choose email or webhook")
	}
	if !validID(pageID) {
		return nil, notFound("status page")
	}
	var page StatusPage
	if err := s.db.WithContext(ctx).Where("id = ?", pageID).Take(&page).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("status page")
		}
		return nil, err
	}
	topics, err := cleanSubscriberTopics(in.Topics)
	if err != nil {
		return nil, err
	}
	comps, err := s.cleanSubscriberComponents(ctx, page.ID, in.ComponentIDs)
	if err != nil {
		return nil, err
	}
	var addr string
	if in.Kind == SubscriberEmail {
		if addr, err = NormalizeSubscriberEmail(in.Address); err != nil {
			return nil, err
		}
	} else if addr, err = s.checkSubscriberURL(ctx, in.Address); err != nil {
		return nil, err
	}
	res := &SubscribeResult{Kind: in.Kind}
	if in.Kind == SubscriberWebhook {
		if res.Secret, err = newSubscriberSecret(); err != nil {
			return nil, err
		}
		if s.sealer == nil {
			return nil, errors.New("webhook subscribers need the encryption key")
		}
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		var sub StatusSubscriber
		err := tx.Where("page_id = ? AND kind = ? AND address = ? AND unsubscribed_at IS NULL", page.ID, in.Kind, addr).Take(&sub).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			sub = StatusSubscriber{ID: newID(), PageID: page.ID, Kind: in.Kind, Address: addr,
				ComponentIDs: subscriberJSONList(comps), Topics: subscriberJSONList(topics), CreatedAt: now}
			if in.Kind == SubscriberWebhook {
				if sub.SecretSealed, err = s.sealer.seal([]byte(res.Secret), subscriberSecretAD(sub.ID)); err != nil {
					return err
				}
			}
			if err := tx.Create(&sub).Error; err != nil {
				return err
			}
			return s.sendConfirmation(tx, &page, &sub)
		case err != nil:
			return err
		case sub.ConfirmedAt != nil:
			return nil // subscribed already: nothing changes, nothing is said
		}
		up := map[string]any{"component_ids": subscriberJSONList(comps), "topics": subscriberJSONList(topics)}
		if in.Kind == SubscriberWebhook {
			sealed, err := s.sealer.seal([]byte(res.Secret), subscriberSecretAD(sub.ID))
			if err != nil {
				return err
			}
			up["secret_sealed"] = sealed
		}
		resend := !sub.CreatedAt.After(now.Add(-SubscriberResendWindow))
		if in.Kind == SubscriberWebhook && resend {
			var pending int64
			if err := tx.Model(&StatusWebhookDelivery{}).Where("subscriber_id = ? AND event_type = ? AND status IN ?",
				sub.ID, EventSubscriptionVerify, []string{StatusWebhookPending, StatusWebhookRetrying}).Count(&pending).Error; err != nil {
				return err
			}
			// A verification still trying signs its next attempt with the new secret.
			resend = pending == 0
		}
		if resend {
			// created_at of a pending subscriber is when its last confirmation was sent.
			up["created_at"] = now
		}
		if err := tx.Model(&StatusSubscriber{}).Where("id = ?", sub.ID).Updates(up).Error; err != nil {
			return err
		}
		if !resend {
			return nil
		}
		return s.sendConfirmation(tx, &page, &sub)
	})
	if isUniqueViolation(err) {
		return res, nil // a concurrent sign-up of the same address won: the same answer
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func subscriberSecretAD(id string) string { return "status_subscriber:" + id }

func cleanSubscriberTopics(in []string) ([]string, error) {
	var out []string
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if !slices.Contains(AllSubscriberTopics, t) {
			return nil, FieldError(EINVALID, "topics", "unknown topic %q (incidents, maintenance, component_status)", t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 || len(out) == len(AllSubscriberTopics) {
		return []string{}, nil // every topic, stored as none chosen
	}
	slices.Sort(out)
	return out, nil
}

// cleanSubscriberComponents checks the chosen components are on the page.
func (s *Store) cleanSubscriberComponents(ctx context.Context, pageID string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return []string{}, nil
	}
	if len(ids) > 500 {
		return nil, FieldError(EINVALID, "components", "too many components")
	}
	var shown []string
	if err := s.db.WithContext(ctx).Model(&StatusPageComponent{}).Where("page_id = ?", pageID).Pluck("component_id", &shown).Error; err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if !slices.Contains(shown, id) {
			return nil, FieldError(EINVALID, "components", "a chosen component is not on this page")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (s *Store) subscriberPageURL(p *StatusPage) string {
	if s.links.Base() == "" {
		return ""
	}
	return s.links.Base() + "/status/" + url.PathEscape(p.Slug)
}

// sendConfirmation queues the one confirmation of a pending subscriber in tx: an email with a
// signed confirm link, or the webhook verification request.
func (s *Store) sendConfirmation(tx *Tx, page *StatusPage, sub *StatusSubscriber) error {
	ctx := tx.Statement.Context
	if sub.Kind == SubscriberWebhook {
		return s.queueVerification(tx, page, sub)
	}
	token, err := s.IssueLink(LinkSubscriberConfirm, sub.ID, "", SubscriberConfirmTTL)
	if err != nil {
		return err
	}
	link := s.links.SubscriptionConfirm(page.Slug, token)
	subject := fmt.Sprintf("Confirm your subscription to %s", page.Name)
	text := fmt.Sprintf("Someone (we hope you) asked to receive status updates from %s at this address.\n\nConfirm the subscription:\n%s\n\nThe link works once and expires in 3 days. If you did not ask for this, ignore this mail: nothing more will be sent.\n",
		page.Name, link)
	htmlBody := fmt.Sprintf(`<p>Someone (we hope you) asked to receive status updates from <strong>%s</strong> at this address.</p>
<p><a href="%s">Confirm the subscription</a></p>
<p style="color:#555">The link works once and expires in 3 days. If you did not ask for this, ignore this mail: nothing more will be sent.</p>`,
		html.EscapeString(page.Name), html.EscapeString(link))
	// A confirmation is awaited by a person at the form: urgent, not behind a notice backlog.
	_, ref, err := s.queueMail(tx, MailInput{AccountID: page.AccountID, Kind: MailVerification, To: sub.Address,
		Subject: subject, Text: text, HTML: htmlBody, Headers: map[string]string{"X-Switchboard-Kind": subscriptionConfirmKind}})
	if err != nil {
		return err
	}
	if ref != nil {
		tx.AfterCommit(func() { s.enqueueMailAfter(ctx, []MailRef{*ref}) })
	}
	return nil
}

// VerifyChallenge is the body of a subscription.verify request's data.
type VerifyChallenge struct {
	Challenge string `json:"challenge"`
}

// queueVerification writes the verification request of a webhook subscriber.
func (s *Store) queueVerification(tx *Tx, page *StatusPage, sub *StatusSubscriber) error {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	challenge := base64.RawURLEncoding.EncodeToString(b)
	data := map[string]any{
		"challenge":     challenge,
		"subscriber_id": sub.ID,
		"page":          s.subscriberPagePayload(page),
		"instructions":  "Answer this request with a 2xx status and the JSON body {\"challenge\": \"<the challenge>\"} to confirm the subscription.",
	}
	d, err := s.newStatusWebhook(sub.ID, EventSubscriptionVerify, data)
	if err != nil {
		return err
	}
	if err := tx.Create(d).Error; err != nil {
		return err
	}
	s.enqueueStatusWebhooksAfter(tx, []StatusWebhookRef{{ID: d.ID, Verify: true, RunAt: time.Now()}})
	return nil
}

func (s *Store) subscriberPagePayload(p *StatusPage) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "url": s.subscriberPageURL(p)}
}

// newStatusWebhook builds a pending delivery with the Standard Webhooks payload shape:
// {"type", "timestamp", "data"}.
func (s *Store) newStatusWebhook(subID, event string, data map[string]any) (*StatusWebhookDelivery, error) {
	now := s.now()
	id := newID()
	body, err := json.Marshal(map[string]any{"type": event, "timestamp": now.Format(time.RFC3339), "data": data})
	if err != nil {
		return nil, err
	}
	return &StatusWebhookDelivery{ID: id, SubscriberID: subID, MessageID: "msg_" + strings.ReplaceAll(id, "-", ""),
		EventType: event, Payload: string(body), Status: StatusWebhookPending, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}, nil
}

// SubscriberLink is what a confirm or unsubscribe link names.
type SubscriberLink struct {
	Page       *StatusPage
	Subscriber *StatusSubscriber
}

func (s *Store) subscriberOf(db *gorm.DB, id string) (*SubscriberLink, error) {
	if !validID(id) {
		return nil, errLinkInvalid
	}
	var sub StatusSubscriber
	if err := db.Where("id = ?", id).Take(&sub).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errLinkInvalid
		}
		return nil, err
	}
	var page StatusPage
	if err := db.Where("id = ?", sub.PageID).Take(&page).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errLinkInvalid
		}
		return nil, err
	}
	return &SubscriberLink{Page: &page, Subscriber: &sub}, nil
}

// PeekSubscriberLink checks a confirm or unsubscribe link without acting (its GET page).
func (s *Store) PeekSubscriberLink(ctx context.Context, token, purpose string) (*SubscriberLink, error) {
	if purpose != LinkSubscriberConfirm && purpose != LinkUnsubscribe {
		return nil, errLinkInvalid
	}
	var subject string
	if purpose == LinkUnsubscribe {
		c, err := s.verifyUnsubscribe(token)
		if err != nil {
			return nil, err
		}
		subject = c
	} else {
		c, err := s.PeekLink(ctx, token, purpose)
		if err != nil {
			return nil, err
		}
		subject = c.Subject
	}
	l, err := s.subscriberOf(s.db.WithContext(ctx), subject)
	if err != nil {
		return nil, err
	}
	if purpose == LinkSubscriberConfirm && l.Subscriber.UnsubscribedAt != nil {
		return nil, errLinkInvalid
	}
	return l, nil
}

func (s *Store) verifyUnsubscribe(token string) (string, error) {
	c, err := s.linker.Verify(token, LinkUnsubscribe, s.now())
	if err != nil {
		if strings.Contains(err.Error(), "expired") {
			return "", errLinkExpired
		}
		return "", errLinkInvalid
	}
	return c.Subject, nil
}

// ConfirmSubscription uses a confirm link (once): the subscriber receives notices from now on.
func (s *Store) ConfirmSubscription(ctx context.Context, token string) (*SubscriberLink, error) {
	var out *SubscriberLink
	err := s.db.Tx(ctx, func(tx *Tx) error {
		c, err := s.consumeLink(tx, token, LinkSubscriberConfirm)
		if err != nil {
			return err
		}
		l, err := s.subscriberOf(tx.DB, c.Subject)
		if err != nil {
			return err
		}
		if l.Subscriber.UnsubscribedAt != nil || l.Subscriber.Kind != SubscriberEmail {
			return errLinkInvalid
		}
		if l.Subscriber.ConfirmedAt == nil {
			now := s.now()
			if err := tx.Model(&StatusSubscriber{}).Where("id = ?", l.Subscriber.ID).Update("confirmed_at", now).Error; err != nil {
				return err
			}
			l.Subscriber.ConfirmedAt = &now
			s.hint(tx, HintStatusPage, l.Page.ID, l.Page.AccountID)
		}
		out = l
		return nil
	})
	return out, err
}

// Unsubscribe ends the subscription an unsubscribe link names. It is idempotent (a link in
// every notice, used again or by RFC 8058 one-click and by the page's button alike).
func (s *Store) Unsubscribe(ctx context.Context, token string) (*SubscriberLink, error) {
	subject, err := s.verifyUnsubscribe(token)
	if err != nil {
		return nil, err
	}
	var out *SubscriberLink
	err = s.db.Tx(ctx, func(tx *Tx) error {
		l, err := s.subscriberOf(tx.DB, subject)
		if err != nil {
			return err
		}
		if err := s.endSubscription(tx, l.Subscriber); err != nil {
			return err
		}
		s.hint(tx, HintStatusPage, l.Page.ID, l.Page.AccountID)
		out = l
		return nil
	})
	return out, err
}

// endSubscription marks a subscriber unsubscribed, keeping the row without its address and
// secret, and drops its pending webhook deliveries.
func (s *Store) endSubscription(tx *Tx, sub *StatusSubscriber) error {
	if sub.UnsubscribedAt != nil {
		return nil
	}
	now := s.now()
	if err := tx.Model(&StatusSubscriber{}).Where("id = ? AND unsubscribed_at IS NULL", sub.ID).
		Updates(map[string]any{"unsubscribed_at": now, "address": "", "secret_sealed": nil}).Error; err != nil {
		return err
	}
	sub.UnsubscribedAt, sub.Address = &now, ""
	return tx.Model(&StatusWebhookDelivery{}).Where("subscriber_id = ? AND status IN ?", sub.ID, []string{StatusWebhookPending, StatusWebhookRetrying}).
		Updates(map[string]any{"status": StatusWebhookFailed, "next_attempt_at": nil, "last_error": "unsubscribed", "updated_at": now}).Error
}

// ---- Notices ----

// queueSubscriberNotices records what the account's page subscribers are to be told about n, in
// tx (every notice is a row before it is a queue task): for each confirmed subscriber of a page
// of the account that shows one of n.ComponentIDs (every page when n names none), who chose
// n.Topic and one of those components (or all components), one mail row (kind subscriber, bulk
// priority, with List-Unsubscribe and List-Unsubscribe-Post) or one status_webhook_deliveries
// row. They are enqueued after commit; the sweepers find them if that is lost.
// Callers: public incident updates, maintenance windows, published component status changes.
func (s *Store) queueSubscriberNotices(tx *Tx, n SubscriberNotice) error {
	if !slices.Contains(AllSubscriberTopics, n.Topic) {
		return fmt.Errorf("subscriber notice: unknown topic %q", n.Topic)
	}
	var pages []StatusPage
	if err := tx.Where("account_id = ?", n.AccountID).Find(&pages).Error; err != nil {
		return err
	}
	if len(pages) == 0 {
		return nil
	}
	pageIDs := make([]string, len(pages))
	for i := range pages {
		pageIDs[i] = pages[i].ID
	}
	var pcs []StatusPageComponent
	if err := tx.Where("page_id IN ?", pageIDs).Order("position").Find(&pcs).Error; err != nil {
		return err
	}
	shown := map[string]map[string]StatusPageComponent{} // page → component → row
	for _, pc := range pcs {
		if shown[pc.PageID] == nil {
			shown[pc.PageID] = map[string]StatusPageComponent{}
		}
		shown[pc.PageID][pc.ComponentID] = pc
	}
	concerned := map[string]*StatusPage{}
	var concernedIDs []string
	for i := range pages {
		p := &pages[i]
		ok := len(n.ComponentIDs) == 0
		for _, c := range n.ComponentIDs {
			if _, on := shown[p.ID][c]; on {
				ok = true
			}
		}
		if ok {
			concerned[p.ID] = p
			concernedIDs = append(concernedIDs, p.ID)
		}
	}
	if len(concernedIDs) == 0 {
		return nil
	}
	var subs []StatusSubscriber
	if err := tx.Where("page_id IN ? AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL", concernedIDs).
		Order("created_at, id").Find(&subs).Error; err != nil {
		return err
	}
	if len(subs) == 0 {
		return nil
	}
	// What the notice is about, read once.
	names := map[string]string{}
	compIDs := append([]string{}, n.ComponentIDs...)
	var affected []AffectedComponent
	if n.Update != nil {
		_ = json.Unmarshal([]byte(n.Update.Components), &affected)
		for _, a := range affected {
			compIDs = append(compIDs, a.ComponentID)
		}
	}
	if n.ComponentID != "" {
		compIDs = append(compIDs, n.ComponentID)
	}
	if len(compIDs) > 0 {
		var comps []Component
		if err := tx.Select("id, name").Where("id IN ?", compIDs).Find(&comps).Error; err != nil {
			return err
		}
		for _, c := range comps {
			names[c.ID] = c.Name
		}
	}
	var pi *PublicIncident
	if n.Update != nil {
		var p PublicIncident
		if err := tx.Where("id = ?", n.Update.PublicIncidentID).Take(&p).Error; err != nil {
			return err
		}
		pi = &p
	}
	contents := map[string]*subscriberNoticeContent{}
	var mails []MailInput
	var hooks []*StatusWebhookDelivery
	for i := range subs {
		sub := &subs[i]
		if t := subscriberParseList(sub.Topics); len(t) > 0 && !slices.Contains(t, n.Topic) {
			continue
		}
		if chosen := subscriberParseList(sub.ComponentIDs); len(chosen) > 0 && len(n.ComponentIDs) > 0 {
			hit := false
			for _, c := range n.ComponentIDs {
				if slices.Contains(chosen, c) {
					hit = true
				}
			}
			if !hit {
				continue
			}
		}
		page := concerned[sub.PageID]
		c := contents[page.ID]
		if c == nil {
			c = s.subscriberNoticeContent(page, shown[page.ID], names, affected, pi, n)
			contents[page.ID] = c
		}
		token, err := s.IssueLink(LinkUnsubscribe, sub.ID, "", UnsubscribeLinkTTL)
		if err != nil {
			return err
		}
		unsub := s.links.Unsubscribe(page.Slug, token)
		if sub.Kind == SubscriberWebhook {
			data := map[string]any{}
			for k, v := range c.data {
				data[k] = v
			}
			data["subscriber_id"] = sub.ID
			data["unsubscribe_url"] = unsub
			d, err := s.newStatusWebhook(sub.ID, n.Event, data)
			if err != nil {
				return err
			}
			hooks = append(hooks, d)
			continue
		}
		mails = append(mails, MailInput{
			AccountID: n.AccountID, Kind: MailSubscriber, To: sub.Address, Subject: c.subject,
			Text: c.text + "\n--\nYou receive this because you subscribed to " + page.Name + ".\nUnsubscribe: " + unsub + "\n",
			HTML: c.html + fmt.Sprintf(`<hr><p style="color:#555;font-size:small">You receive this because you subscribed to %s. <a href="%s">Unsubscribe</a></p>`,
				html.EscapeString(page.Name), html.EscapeString(unsub)),
			Headers: map[string]string{"List-Unsubscribe": "<" + unsub + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
				"X-Switchboard-Kind": "status-notice"},
		})
	}
	refs, err := s.queueMailBatch(tx, mails)
	if err != nil {
		return err
	}
	if len(refs) > 0 {
		ctx := tx.Statement.Context
		tx.AfterCommit(func() { s.enqueueMailAfter(ctx, refs) })
	}
	if len(hooks) > 0 {
		if err := tx.CreateInBatches(hooks, 500).Error; err != nil {
			return err
		}
		wrefs := make([]StatusWebhookRef, len(hooks))
		for i, d := range hooks {
			wrefs[i] = StatusWebhookRef{ID: d.ID, RunAt: time.Now()}
		}
		s.enqueueStatusWebhooksAfter(tx, wrefs)
	}
	return nil
}

// QueueSubscriberNotices is queueSubscriberNotices in its own transaction (tools and tests).
func (s *Store) QueueSubscriberNotices(ctx context.Context, n SubscriberNotice) error {
	return s.db.Tx(ctx, func(tx *Tx) error { return s.queueSubscriberNotices(tx, n) })
}

// queueMailBatch writes many messages in tx with few statements (a notice to thousands of
// subscribers) and returns what to enqueue after commit. A message that does not validate is
// skipped (a stored subscriber address always does).
func (s *Store) queueMailBatch(tx *Tx, ins []MailInput) ([]MailRef, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	now := s.now()
	rows := make([]*Mail, 0, len(ins))
	for _, in := range ins {
		if err := validateMail(&in); err != nil {
			continue
		}
		m := &Mail{ID: newID(), Kind: in.Kind, Priority: in.Kind.Priority(), ToAddress: in.To, Subject: in.Subject,
			TextBody: in.Text, HTMLBody: in.HTML, Status: MailPending, MaxAttempts: mailMaxAttempts,
			NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
		if in.AccountID != "" {
			m.AccountID = &in.AccountID
		}
		if len(in.Headers) > 0 {
			b, _ := json.Marshal(in.Headers)
			h := string(b)
			m.Headers = &h
		}
		if s.mailKept {
			m.Status, m.NextAttemptAt = MailKept, nil
		}
		rows = append(rows, m)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if err := tx.CreateInBatches(rows, 200).Error; err != nil {
		return nil, err
	}
	// One hint for the batch: the outgoing-mail view reloads its list on any.
	s.hint(tx, HintMail, rows[0].ID, deref(rows[0].AccountID))
	if s.mailKept {
		return nil, nil
	}
	refs := make([]MailRef, len(rows))
	for i, m := range rows {
		refs[i] = MailRef{ID: m.ID, Priority: m.Priority, RunAt: time.Now()}
	}
	return refs, nil
}

type subscriberNoticeContent struct {
	subject, text, html string
	data                map[string]any
}

// subscriberStatusLabel is a component status as customers read it ("Partial outage").
func subscriberStatusLabel(st ComponentStatus) string {
	switch st {
	case StatusDegradedPerformance:
		return "Degraded performance"
	case StatusPartialOutage:
		return "Partial outage"
	case StatusMajorOutage:
		return "Major outage"
	case StatusUnderMaintenance:
		return "Under maintenance"
	}
	return "Operational"
}

func subscriberWord(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// subscriberNoticeContent renders one notice for one page (mail subject, text, HTML, webhook data).
func (s *Store) subscriberNoticeContent(page *StatusPage, shown map[string]StatusPageComponent, names map[string]string,
	affected []AffectedComponent, pi *PublicIncident, n SubscriberNotice) *subscriberNoticeContent {
	display := func(id string) string {
		if pc, ok := shown[id]; ok && pc.DisplayName != "" {
			return pc.DisplayName
		}
		if nm := names[id]; nm != "" {
			return nm
		}
		return "a component"
	}
	loc, err := time.LoadLocation(page.TimeZone)
	if err != nil || page.TimeZone == "" {
		loc = time.UTC
	}
	when := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST") }
	base := s.subscriberPageURL(page)
	c := &subscriberNoticeContent{data: map[string]any{"page": s.subscriberPagePayload(page)}}
	var lines []string // text lines after the headline
	var link string
	compList := func(ids []string) []map[string]any {
		out := []map[string]any{}
		for _, id := range ids {
			if _, ok := shown[id]; ok {
				out = append(out, map[string]any{"id": id, "name": display(id)})
			}
		}
		return out
	}
	switch {
	case n.Update != nil && pi != nil:
		u := n.Update
		comps := []map[string]any{}
		for _, a := range affected {
			if _, ok := shown[a.ComponentID]; !ok {
				continue
			}
			comps = append(comps, map[string]any{"id": a.ComponentID, "name": display(a.ComponentID), "status": a.Status})
			lines = append(lines, fmt.Sprintf("%s: %s", display(a.ComponentID), subscriberStatusLabel(a.Status)))
		}
		if base != "" {
			link = base + "/incidents/" + url.PathEscape(pi.ID)
		}
		c.subject = fmt.Sprintf("[%s] %s: %s", page.Name, subscriberWord(string(u.Status)), pi.Title)
		c.text = fmt.Sprintf("%s — %s\n\n%s\n", pi.Title, subscriberWord(string(u.Status)), u.Message)
		c.data["incident"] = map[string]any{"id": pi.ID, "title": pi.Title, "status": pi.Status, "impact": pi.Impact, "url": link}
		c.data["update"] = map[string]any{"id": u.ID, "status": u.Status, "message": u.Message, "created_at": u.CreatedAt.UTC().Format(time.RFC3339), "components": comps}
	case n.Maintenance != nil:
		w := n.Maintenance
		verb := map[string]string{"maintenance.scheduled": "Scheduled", "maintenance.started": "In progress", "maintenance.completed": "Completed"}[n.Event]
		if verb == "" {
			verb = subscriberWord(string(w.Status))
		}
		if base != "" {
			link = base + "/maintenance/" + url.PathEscape(w.ID)
		}
		c.subject = fmt.Sprintf("[%s] Maintenance %s: %s", page.Name, strings.ToLower(verb), w.Title)
		c.text = fmt.Sprintf("%s — %s\n\nFrom %s to %s.\n", w.Title, verb, when(w.StartsAt), when(w.EndsAt))
		if w.Message != "" {
			c.text += "\n" + w.Message + "\n"
		}
		comps := compList(n.ComponentIDs)
		for _, cm := range comps {
			lines = append(lines, fmt.Sprint(cm["name"]))
		}
		c.data["maintenance"] = map[string]any{"id": w.ID, "title": w.Title, "message": w.Message, "status": w.Status,
			"starts_at": w.StartsAt.UTC().Format(time.RFC3339), "ends_at": w.EndsAt.UTC().Format(time.RFC3339), "url": link, "components": comps}
	default:
		name := display(n.ComponentID)
		link = base
		c.subject = fmt.Sprintf("[%s] %s is now %s", page.Name, name, strings.ToLower(subscriberStatusLabel(n.Status)))
		c.text = fmt.Sprintf("%s: %s\n", name, subscriberStatusLabel(n.Status))
		c.data["component"] = map[string]any{"id": n.ComponentID, "name": name, "status": n.Status}
	}
	if len(lines) > 0 {
		c.text += "\nComponents:\n  " + strings.Join(lines, "\n  ") + "\n"
	}
	if link != "" {
		c.text += "\nDetails: " + link + "\n"
	}
	// HTML: the same text, escaped, with the link clickable.
	var h strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(c.text), "\n\n") {
		h.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>\n")
	}
	if link != "" {
		fmt.Fprintf(&h, `<p><a href="%s">View on the status page</a></p>`, html.EscapeString(link))
	}
	c.html = h.String()
	return c
}

// ---- Webhook deliveries ----

// StatusWebhookRef is what the queue needs to send a webhook subscriber's delivery.
type StatusWebhookRef struct {
	ID string
	// Verify: a verification handshake (sent from a faster queue than bulk notices).
	Verify bool
	RunAt  time.Time
}

// StatusWebhookEnqueuer puts webhook subscriber deliveries on the queue after commit
// (implemented by the jobs package; failures are left to the sweeper).
type StatusWebhookEnqueuer interface {
	EnqueueStatusWebhooks(ctx context.Context, refs []StatusWebhookRef)
}

func (s *Store) enqueueStatusWebhooksAfter(tx *Tx, refs []StatusWebhookRef) {
	ctx := tx.Statement.Context
	tx.AfterCommit(func() {
		if q, ok := s.enqueuer.(StatusWebhookEnqueuer); ok && len(refs) > 0 {
			q.EnqueueStatusWebhooks(context.WithoutCancel(ctx), refs)
		}
	})
}

// ErrStatusWebhookDone means a delivery needs no (more) attempts.
var ErrStatusWebhookDone = errors.New("status webhook delivery needs no attempt")

// StatusWebhookTarget is one attempt of a webhook subscriber delivery.
type StatusWebhookTarget struct {
	Delivery StatusWebhookDelivery
	URL      string
	// SigningKey is the secret without "whsec_" (standard base64 of the 32-byte HMAC key, which
	// scalr.StandardKey decodes).
	SigningKey []byte
	Verify     bool
}

// BeginStatusWebhook counts the next attempt of a delivery (claiming it for StatusWebhookLease)
// and returns what to send. ErrStatusWebhookDone: finished, or its subscriber is gone;
// *NotDueError: not yet due.
func (s *Store) BeginStatusWebhook(ctx context.Context, id string) (*StatusWebhookTarget, error) {
	if !validID(id) {
		return nil, ErrStatusWebhookDone
	}
	var t StatusWebhookTarget
	err := s.db.Tx(ctx, func(tx *Tx) error {
		d := &t.Delivery
		if err := tx.Where("id = ?", id).Take(d).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrStatusWebhookDone
			}
			return err
		}
		if d.Status != StatusWebhookPending && d.Status != StatusWebhookRetrying {
			return ErrStatusWebhookDone
		}
		now := s.now()
		if d.NextAttemptAt != nil && d.NextAttemptAt.After(now) {
			return &NotDueError{At: *d.NextAttemptAt}
		}
		var sub StatusSubscriber
		if err := tx.Where("id = ?", d.SubscriberID).Take(&sub).Error; err != nil {
			return err
		}
		t.Verify = d.EventType == EventSubscriptionVerify
		if sub.UnsubscribedAt != nil || sub.Kind != SubscriberWebhook || (!t.Verify && sub.ConfirmedAt == nil) {
			return tx.Model(&StatusWebhookDelivery{}).Where("id = ?", d.ID).Updates(map[string]any{
				"status": StatusWebhookFailed, "next_attempt_at": nil, "last_error": "the subscriber is not subscribed", "updated_at": now,
			}).Error
		}
		secret, err := s.sealer.open(sub.SecretSealed, subscriberSecretAD(sub.ID))
		if err != nil {
			return err
		}
		t.URL, t.SigningKey = sub.Address, []byte(strings.TrimPrefix(string(secret), WebhookSecretPrefix))
		res := tx.Model(&StatusWebhookDelivery{}).Where("id = ? AND attempts = ?", d.ID, d.Attempts).
			Updates(map[string]any{"attempts": d.Attempts + 1, "next_attempt_at": now.Add(StatusWebhookLease), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("status webhook %s: another worker is sending it", d.ID)
		}
		d.Attempts++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if t.URL == "" {
		return nil, ErrStatusWebhookDone
	}
	return &t, nil
}

// StatusWebhookResult is the outcome of one attempt.
type StatusWebhookResult struct {
	// StatusCode is the receiver's answer (0: none).
	StatusCode int
	// OK: a 2xx answer.
	OK bool
	// Gone: 410, the receiver asks to be unsubscribed.
	Gone bool
	// Permanent: a retry cannot help (4xx, refused by the guard, a redirect).
	Permanent bool
	// Body is the start of the answer (the handshake's echo).
	Body []byte
	// Error says what went wrong, user-safe (never the URL).
	Error   string
	RetryIn time.Duration
}

// VerifyEchoes reports whether a handshake answer echoes the challenge: a JSON object
// {"challenge": "…"} or the bare challenge as the body.
func VerifyEchoes(body []byte, challenge string) bool {
	if challenge == "" {
		return false
	}
	var v VerifyChallenge
	if json.Unmarshal(body, &v) == nil && v.Challenge == challenge {
		return true
	}
	return strings.TrimSpace(string(body)) == challenge
}

// StatusWebhookRetryDelay is the wait before retry n (n ≥ 1): the mail path's schedule.
func StatusWebhookRetryDelay(n int) time.Duration { return MailRetryDelay(n) }

// FinishStatusWebhook records an attempt's outcome and returns the time of the next attempt,
// or nil. A verification that is answered 2xx with the challenge confirms the subscriber; a
// 410 unsubscribes it.
func (s *Store) FinishStatusWebhook(ctx context.Context, t *StatusWebhookTarget, r StatusWebhookResult) (*time.Time, error) {
	d := &t.Delivery
	var next *time.Time
	err := s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		up := map[string]any{"updated_at": now}
		if r.StatusCode > 0 {
			up["response_status"] = r.StatusCode
		}
		subUp := map[string]any{}
		maxAttempts := StatusWebhookMaxAttempts
		if t.Verify {
			maxAttempts = statusVerifyMaxAttempts
		}
		ok := r.OK
		msg := truncate(r.Error, 500)
		if ok && t.Verify {
			var p struct {
				Data VerifyChallenge `json:"data"`
			}
			_ = json.Unmarshal([]byte(d.Payload), &p)
			if !VerifyEchoes(r.Body, p.Data.Challenge) {
				ok, r.Permanent = false, true
				msg = "the verification answer did not echo the challenge"
			}
		}
		switch {
		case ok:
			up["status"], up["next_attempt_at"], up["last_error"] = StatusWebhookSent, nil, ""
			subUp["last_error"] = ""
			if t.Verify {
				subUp["confirmed_at"] = now
			}
		case r.Gone:
			up["status"], up["next_attempt_at"], up["last_error"] = StatusWebhookFailed, nil, "410 Gone: the receiver unsubscribed"
		case r.Permanent || d.Attempts >= maxAttempts:
			up["status"], up["next_attempt_at"], up["last_error"] = StatusWebhookFailed, nil, msg
			subUp["last_error"] = msg
		default:
			at := now.Add(r.RetryIn)
			next = &at
			up["status"], up["next_attempt_at"], up["last_error"] = StatusWebhookRetrying, at, msg
			subUp["last_error"] = msg
		}
		res := tx.Model(&StatusWebhookDelivery{}).Where("id = ? AND status IN ?", d.ID, []string{StatusWebhookPending, StatusWebhookRetrying}).Updates(up)
		if res.Error != nil || res.RowsAffected == 0 {
			next = nil
			return res.Error
		}
		var sub StatusSubscriber
		if err := tx.Where("id = ?", d.SubscriberID).Take(&sub).Error; err != nil {
			return err
		}
		if sub.UnsubscribedAt != nil {
			return nil
		}
		if r.Gone {
			return s.endSubscription(tx, &sub)
		}
		if t.Verify && sub.ConfirmedAt != nil {
			delete(subUp, "confirmed_at")
		}
		if len(subUp) > 0 {
			return tx.Model(&StatusSubscriber{}).Where("id = ?", sub.ID).Updates(subUp).Error
		}
		return nil
	})
	return next, err
}

// DueStatusWebhooks lists unsent deliveries due before `before` (the sweeper re-enqueues them).
func (s *Store) DueStatusWebhooks(ctx context.Context, before time.Time, limit int) ([]StatusWebhookRef, error) {
	var ds []StatusWebhookDelivery
	if err := s.db.WithContext(ctx).Select("id, event_type, next_attempt_at").
		Where("status IN ? AND next_attempt_at <= ?", []string{StatusWebhookPending, StatusWebhookRetrying}, before.UTC()).
		Order("next_attempt_at").Limit(limit).Find(&ds).Error; err != nil {
		return nil, err
	}
	out := make([]StatusWebhookRef, len(ds))
	for i, d := range ds {
		out[i] = StatusWebhookRef{ID: d.ID, Verify: d.EventType == EventSubscriptionVerify, RunAt: *d.NextAttemptAt}
	}
	return out, nil
}

// ---- The console's side ----

// subscriberPageFor loads a page the actor may read with at least min.
func (s *Store) subscriberPageFor(ctx context.Context, a *Actor, pageID string, min Role) (*StatusPage, error) {
	if !validID(pageID) {
		return nil, notFound("status page")
	}
	var p StatusPage
	if err := s.db.WithContext(ctx).Where("id = ?", pageID).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("status page")
		}
		return nil, err
	}
	if _, err := s.Require(ctx, a, p.AccountID, min); err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, notFound("status page")
		}
		return nil, err
	}
	return &p, nil
}

// SubscriberCount is the number of confirmed subscribers of a page (members of its account).
func (s *Store) SubscriberCount(ctx context.Context, a *Actor, page *StatusPage) (int, error) {
	if _, err := s.Require(ctx, a, page.AccountID, RoleViewer); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&StatusSubscriber{}).
		Where("page_id = ? AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL", page.ID).Count(&n).Error
	return int(n), err
}

// ListSubscribers returns a page's subscribers (confirmed and pending, not unsubscribed),
// newest first, and their total. Admins.
func (s *Store) ListSubscribers(ctx context.Context, a *Actor, pageID string, first int, after string) (*Page[StatusSubscriber], int, error) {
	p, err := s.subscriberPageFor(ctx, a, pageID, RoleAdmin)
	if err != nil {
		return nil, 0, err
	}
	q := s.db.WithContext(ctx).Where("page_id = ? AND unsubscribed_at IS NULL", p.ID)
	var total int64
	if err := q.Session(&gorm.Session{}).Model(&StatusSubscriber{}).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	pg, err := keysetPage[StatusSubscriber](q, "created_at", first, after, func(x *StatusSubscriber) (time.Time, string) { return x.CreatedAt, x.ID })
	if err != nil {
		return nil, 0, err
	}
	return pg, int(total), nil
}

// RemoveSubscriber unsubscribes a subscriber on an admin's behalf (audited).
func (s *Store) RemoveSubscriber(ctx context.Context, a *Actor, id string) (*StatusSubscriber, error) {
	if !validID(id) {
		return nil, notFound("subscriber")
	}
	var sub StatusSubscriber
	if err := s.db.WithContext(ctx).Where("id = ? AND unsubscribed_at IS NULL", id).Take(&sub).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("subscriber")
		}
		return nil, err
	}
	page, err := s.subscriberPageFor(ctx, a, sub.PageID, RoleAdmin)
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			return nil, notFound("subscriber")
		}
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		what := sub.Address
		if err := s.endSubscription(tx, &sub); err != nil {
			return err
		}
		s.hint(tx, HintStatusPage, page.ID, page.AccountID)
		return s.audit(tx, a, page.AccountID, "status_subscriber.removed", "status_subscriber", sub.ID,
			fmt.Sprintf("%s removed the %s subscriber %s from %s", a.Label(), sub.Kind, what, page.Name))
	})
	if err != nil {
		return nil, err
	}
	return &sub, nil
}

// SubscriberComponents returns the components a subscriber chose (none: every component).
func (s *Store) SubscriberComponents(ctx context.Context, sub *StatusSubscriber) ([]*Component, error) {
	ids := subscriberParseList(sub.ComponentIDs)
	if len(ids) == 0 {
		return []*Component{}, nil
	}
	var cs []*Component
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("name").Find(&cs).Error
	return cs, err
}

// SubscriberTopics returns the topics a subscriber chose (every topic when none was).
func SubscriberTopics(sub *StatusSubscriber) []string {
	if t := subscriberParseList(sub.Topics); len(t) > 0 {
		return t
	}
	return AllSubscriberTopics
}

// ExportSubscribersCSV writes a page's subscribers as CSV (admins): kind, address, components
// (names, "all" when none was chosen), topics, created, confirmed.
func (s *Store) ExportSubscribersCSV(ctx context.Context, a *Actor, pageID string, w io.Writer) error {
	p, err := s.subscriberPageFor(ctx, a, pageID, RoleAdmin)
	if err != nil {
		return err
	}
	var subs []StatusSubscriber
	if err := s.db.WithContext(ctx).Where("page_id = ? AND unsubscribed_at IS NULL", p.ID).Order("created_at, id").Find(&subs).Error; err != nil {
		return err
	}
	var comps []Component
	if err := s.db.WithContext(ctx).Select("id, name").Where("account_id = ?", p.AccountID).Find(&comps).Error; err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range comps {
		names[c.ID] = c.Name
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"kind", "address", "components", "topics", "created_at", "confirmed_at"})
	for _, sub := range subs {
		var cn []string
		for _, id := range subscriberParseList(sub.ComponentIDs) {
			cn = append(cn, names[id])
		}
		compCell := "all"
		if len(cn) > 0 {
			compCell = strings.Join(cn, "; ")
		}
		confirmed := ""
		if sub.ConfirmedAt != nil {
			confirmed = sub.ConfirmedAt.UTC().Format(time.RFC3339)
		}
		// A cell starting with =, +, - or @ is a formula to spreadsheets: quote it.
		_ = cw.Write([]string{string(sub.Kind), subscriberCSVCell(sub.Address), subscriberCSVCell(compCell), strings.Join(SubscriberTopics(&sub), "; "),
			sub.CreatedAt.UTC().Format(time.RFC3339), confirmed})
	}
	cw.Flush()
	return cw.Error()
}

func subscriberCSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// SubscribeOption is a component a subscriber may choose on a page's form.
type SubscribeOption struct {
	ComponentID string
	Name        string
	Group       string
}

// SubscribeOptions lists the components of a page in its order, with the names customers read.
func (s *Store) SubscribeOptions(ctx context.Context, pageID string) ([]SubscribeOption, error) {
	var rows []struct {
		ComponentID string
		DisplayName string
		GroupName   string
		Name        string
	}
	err := s.db.WithContext(ctx).Table("status_page_components AS pc").
		Select("pc.component_id, pc.display_name, pc.group_name, c.name").
		Joins("JOIN components c ON c.id = pc.component_id").
		Where("pc.page_id = ?", pageID).Order("pc.position, c.name").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]SubscribeOption, len(rows))
	for i, r := range rows {
		name := r.DisplayName
		if name == "" {
			name = r.Name
		}
		out[i] = SubscribeOption{ComponentID: r.ComponentID, Name: name, Group: r.GroupName}
	}
	return out, nil
}

// PurgeSubscribers deletes finished webhook subscriber deliveries past the history retention,
// and sign-ups never confirmed once their confirmation has expired (a pending address is
// personal data kept for nothing). Unsubscribed rows hold no address and stay.
func (s *Store) PurgeSubscribers(ctx context.Context) (int64, error) {
	days, err := s.RetentionDays(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	res := s.db.WithContext(ctx).Exec("DELETE FROM status_webhook_deliveries WHERE created_at < ? AND status IN ?",
		now.Add(-time.Duration(days)*24*time.Hour), []string{StatusWebhookSent, StatusWebhookFailed})
	if res.Error != nil {
		return 0, res.Error
	}
	n := res.RowsAffected
	res = s.db.WithContext(ctx).Exec("DELETE FROM status_subscribers WHERE confirmed_at IS NULL AND unsubscribed_at IS NULL AND created_at < ?",
		now.Add(-SubscriberConfirmTTL-time.Hour))
	return n + res.RowsAffected, res.Error
}

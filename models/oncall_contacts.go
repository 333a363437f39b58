package models

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// Contact methods and personal notification rules (issue 10, docs/oncall.md). A user edits only
// their own; the primary method (id == user id) is the account email, always verified, never
// deleted or disabled.

// Contact method limits.
const (
	maxContactMethods     = 20
	maxNotificationRules  = 50
	MaxRuleDelayMinutes   = 1440
	contactVerifyPurpose  = "contact.verify"
	contactVerifyValidity = 24 * time.Hour
	// TestNotificationMaxAttempts is how often a test notification is tried.
	TestNotificationMaxAttempts = 3
)

var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// ContactMethodInput creates a contact method.
type ContactMethodInput struct {
	Kind       ContactKind
	Label      *string
	Address    *string
	EndpointID *string
	// Token is an ntfy access token, sealed.
	Token *string
}

// ContactMethodUpdate changes a contact method; nil fields stay.
type ContactMethodUpdate struct {
	Label    *string
	Disabled *bool
}

// selfOnly refuses actors that are not a signed-in person acting for themselves: contact
// methods belong to people, and an API token acts in one account only.
func selfOnly(a *Actor) error {
	if a == nil || a.UserID == "" {
		return Errorf(EUNAUTHORIZED, "authentication required")
	}
	if a.TokenID != "" {
		return Errorf(EFORBIDDEN, "API tokens cannot read or change contact methods: sign in to the console")
	}
	return nil
}

// ListContactMethods returns the actor's own contact methods, primary first. The primary's
// address is the account email. Not to API tokens: a token reaches one account, the methods
// (an ntfy topic URL reads every page) serve all of the person's accounts.
func (s *Store) ListContactMethods(ctx context.Context, a *Actor) ([]ContactMethod, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	return contactMethodsOf(s.db.WithContext(ctx), a.UserID)
}

func contactMethodsOf(db *gorm.DB, userID string) ([]ContactMethod, error) {
	var ms []ContactMethod
	if err := db.Where("user_id = ?", userID).Order("is_primary DESC, created_at, id").Find(&ms).Error; err != nil {
		return nil, err
	}
	var email string
	for i := range ms {
		if ms[i].IsPrimary {
			if email == "" {
				var u User
				if err := db.Select("email").Where("id = ?", userID).Take(&u).Error; err != nil {
					return nil, err
				}
				email = u.Email
			}
			ms[i].Address = email
		}
	}
	return ms, nil
}

// ContactMethodsByID loads contact methods in one query with the primary's address filled in.
// Callers pass methods the actor may see.
func (s *Store) ContactMethodsByID(ctx context.Context, ids []string) (map[string]*ContactMethod, error) {
	db := s.db.WithContext(ctx)
	out, err := loadByID(db, ids, func(m *ContactMethod) string { return m.ID })
	if err != nil {
		return nil, err
	}
	var users []string
	for _, m := range out {
		if m.IsPrimary {
			users = append(users, m.UserID)
		}
	}
	if len(users) > 0 {
		var us []User
		if err := db.Select("id, email").Where("id IN ?", users).Find(&us).Error; err != nil {
			return nil, err
		}
		emails := map[string]string{}
		for _, u := range us {
			emails[u.ID] = u.Email
		}
		for _, m := range out {
			if m.IsPrimary {
				m.Address = emails[m.UserID]
			}
		}
	}
	return out, nil
}

// ownContactMethod loads one of the actor's methods; another user's method is "not found".
func (s *Store) ownContactMethod(db *gorm.DB, a *Actor, id string) (*ContactMethod, error) {
	if !validID(id) {
		return nil, notFound("contact method")
	}
	var m ContactMethod
	if err := db.Where("id = ? AND user_id = ?", id, a.UserID).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("contact method")
		}
		return nil, err
	}
	if m.IsPrimary {
		var u User
		if err := db.Select("email").Where("id = ?", m.UserID).Take(&u).Error; err != nil {
			return nil, err
		}
		m.Address = u.Email
	}
	return &m, nil
}

// insertPrimaryContact writes the primary contact method of a new user (its address is read
// from users.email). Every path that creates a user calls it in the same transaction.
func insertPrimaryContact(db *gorm.DB, u *User) error {
	now := u.CreatedAt
	return db.Create(&ContactMethod{ID: u.ID, UserID: u.ID, Kind: ContactEmail, Label: "Account email", IsPrimary: true,
		VerifiedAt: &now, CreatedAt: now, UpdatedAt: now}).Error
}

// cleanContactAddress checks a method's address by kind and returns it normalised.
func (s *Store) cleanContactAddress(kind ContactKind, raw string) (string, error) {
	v := strings.TrimSpace(raw)
	switch kind {
	case ContactEmail:
		addr, err := mail.ParseAddress(v)
		if err != nil || addr.Address != v || len(v) > 254 || strings.ContainsAny(v, "\r\n") {
			return "", FieldError(EINVALID, "address", "%q is not an email address like name@example.com", v)
		}
		if again, err := mail.ParseAddress(addr.Address); err != nil || again.Address != addr.Address {
			return "", FieldError(EINVALID, "address", "%q is not an address Switchboard can send to", v)
		}
		return v, nil
	case ContactNtfy:
		return s.cleanNtfyURL(v)
	case ContactSlackDM:
		if !slackUserID.MatchString(v) {
			return "", FieldError(EINVALID, "address", "a Slack user id looks like U012AB3CD (Profile → Copy member ID)")
		}
		return v, nil
	}
	return "", FieldError(EINVALID, "kind", "unknown contact method kind")
}

// cleanNtfyURL checks an ntfy topic URL: http(s), a host, one path segment (the topic), no
// credentials, query or fragment. A literal address the outbound guard refuses is refused now;
// host names are checked by the sender's dialer at every attempt (DNS changes).
func (s *Store) cleanNtfyURL(v string) (string, error) {
	bad := func(msg string) (string, error) {
		return "", FieldError(EINVALID, "address", "%s", msg)
	}
	if len(v) > 2000 || hasControl(v) {
		return bad("an ntfy topic URL is one line of at most 2000 characters")
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return bad("an ntfy topic URL looks like https://ntfy.sh/my-topic")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad("an ntfy topic URL has no user name, query or fragment (give the access token separately)")
	}
	topic := strings.Trim(u.Path, "/")
	if topic == "" {
		return bad("the URL names no topic: add it as the path, like https://ntfy.sh/my-topic")
	}
	if !regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`).MatchString(topic) {
		return bad("an ntfy topic is 1 to 64 letters, digits, - or _")
	}
	if s.outbound != nil {
		if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
			if gerr := s.outbound.guard.Check(ip); gerr != nil {
				return bad(fmt.Sprintf("notifications may not connect to %s: %v", ip, gerr))
			}
		}
	}
	u.Path = "/" + topic
	return u.String(), nil
}

// CreateContactMethod adds a method for the actor. Extra email addresses are unverified until
// the link mailed to them is used; other kinds are verified at once.
func (s *Store) CreateContactMethod(ctx context.Context, a *Actor, in ContactMethodInput) (*ContactMethod, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	if !in.Kind.Valid() {
		return nil, FieldError(EINVALID, "kind", "unknown contact method kind")
	}
	now := s.now()
	m := &ContactMethod{ID: newID(), UserID: a.UserID, Kind: in.Kind, CreatedAt: now, UpdatedAt: now}
	if in.Label != nil {
		l, err := cleanLabel("label", *in.Label)
		if err != nil {
			return nil, err
		}
		m.Label = l
	}
	db := s.db.WithContext(ctx)
	switch in.Kind {
	case ContactEndpoint:
		if in.EndpointID == nil || !validID(*in.EndpointID) {
			return nil, FieldError(EINVALID, "endpointId", "name an endpoint of one of your accounts")
		}
		var e Endpoint
		err := db.Where("id = ? AND account_id IN (SELECT account_id FROM memberships WHERE user_id = ?)", *in.EndpointID, a.UserID).Take(&e).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, FieldError(ENOTFOUND, "endpointId", "endpoint not found in your accounts")
		}
		if err != nil {
			return nil, err
		}
		m.EndpointID = &e.ID
		if m.Label == "" {
			m.Label = e.Name
		}
	default:
		if in.Address == nil {
			return nil, FieldError(EINVALID, "address", "an address is required")
		}
		addr, err := s.cleanContactAddress(in.Kind, *in.Address)
		if err != nil {
			return nil, err
		}
		m.Address = addr
	}
	if in.Token != nil && strings.TrimSpace(*in.Token) != "" {
		if in.Kind != ContactNtfy {
			return nil, FieldError(EINVALID, "token", "only ntfy methods take an access token")
		}
		tok := strings.TrimSpace(*in.Token)
		if len(tok) > 500 || hasControl(tok) {
			return nil, FieldError(EINVALID, "token", "the access token is one line of at most 500 characters")
		}
		sealed, err := s.sealKey(tok, contactSecretAD(m.ID))
		if err != nil {
			return nil, err
		}
		m.Secret = sealed
	}
	if m.Kind != ContactEmail {
		m.VerifiedAt = &now
	}
	var refs []MailRef
	err := s.db.Tx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.Model(&ContactMethod{}).Where("user_id = ?", a.UserID).Count(&n).Error; err != nil {
			return err
		}
		if n >= maxContactMethods {
			return Errorf(ECONFLICT, "a person has at most %d contact methods", maxContactMethods)
		}
		if m.Kind != ContactEndpoint {
			var dup int64
			if err := tx.Model(&ContactMethod{}).Where("user_id = ? AND kind = ? AND lower(address) = lower(?)", a.UserID, m.Kind, m.Address).Count(&dup).Error; err != nil {
				return err
			}
			if m.Kind == ContactEmail && dup == 0 {
				var u User
				if err := tx.Select("email").Where("id = ?", a.UserID).Take(&u).Error; err != nil {
					return err
				}
				if strings.EqualFold(u.Email, m.Address) {
					dup = 1
				}
			}
			if dup > 0 {
				return FieldError(ECONFLICT, "address", "you already have this contact method")
			}
		}
		if err := tx.Create(m).Error; err != nil {
			return err
		}
		if m.Kind == ContactEmail {
			ref, err := s.mailContactVerification(tx, m)
			if err != nil {
				return err
			}
			if ref != nil {
				refs = append(refs, *ref)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.enqueueMailAfter(ctx, refs)
	return m, nil
}

// cleanLabel checks an optional one-line label (empty is fine) of at most 100 characters.
func cleanLabel(field, v string) (string, error) {
	l, err := cleanText(field, v, 100)
	if err != nil {
		return "", err
	}
	if hasControl(l) {
		return "", FieldError(EINVALID, field, "%s must be a single line without control characters", field)
	}
	return l, nil
}

func contactSecretAD(id string) string { return "contact:" + id }

// ContactSecret opens an ntfy method's access token (the sender; never shown). Nil when none.
func (s *Store) ContactSecret(m *ContactMethod) ([]byte, error) {
	if len(m.Secret) == 0 {
		return nil, nil
	}
	if s.sealer == nil {
		return nil, errors.New("no encryption key configured")
	}
	return s.sealer.open(m.Secret, contactSecretAD(m.ID))
}

// maxVerificationMails bounds the verification mails to one address per hour: anyone signed in
// may type any address, so "resend" (or delete and add again) must not mail it without end.
const maxVerificationMails = 3

// mailContactVerification queues the verification mail of an extra address in tx.
func (s *Store) mailContactVerification(tx *Tx, m *ContactMethod) (*MailRef, error) {
	var recent int64
	if err := tx.Model(&Mail{}).Where("kind = ? AND created_at > ? AND lower(to_address) = lower(?)",
		MailVerification, s.now().Add(-time.Hour), m.Address).Count(&recent).Error; err != nil {
		return nil, err
	}
	if recent >= maxVerificationMails {
		return nil, Errorf(ECONFLICT, "%d verification mails were sent to %s in the last hour: try again later", recent, m.Address)
	}
	tok, err := s.IssueLink(contactVerifyPurpose, m.ID, m.UserID, contactVerifyValidity)
	if err != nil {
		return nil, err
	}
	link := s.links.ContactVerify(tok)
	if link == "" {
		return nil, Errorf(ECONFLICT, "verification links need the public URL (SWITCHBOARD_PUBLIC_URL) to be set")
	}
	text := fmt.Sprintf("Someone (probably you) added %s as a way Switchboard reaches them when they are paged.\n\n"+
		"Confirm this address within 24 hours by opening:\n%s\n\nIf this was not you, ignore this message: the address will not be used.\n", m.Address, link)
	html := fmt.Sprintf(`<p>Someone (probably you) added <b>%s</b> as a way Switchboard reaches them when they are paged.</p>`+
		`<p><a href="%s">Confirm this address</a> within 24 hours.</p><p>If this was not you, ignore this message: the address will not be used.</p>`,
		htmlEscape(m.Address), htmlEscape(link))
	_, ref, err := s.queueMail(tx, MailInput{Kind: MailVerification, To: m.Address, Subject: "Confirm your Switchboard notification address",
		Text: text, HTML: html, Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Switchboard-Kind": "verification"}})
	return ref, err
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}

// ResendContactVerification mails a new link to an unverified extra email address.
func (s *Store) ResendContactVerification(ctx context.Context, a *Actor, id string) (*ContactMethod, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	m, err := s.ownContactMethod(s.db.WithContext(ctx), a, id)
	if err != nil {
		return nil, err
	}
	if m.Kind != ContactEmail || m.VerifiedAt != nil {
		return nil, Errorf(ECONFLICT, "this contact method is already verified")
	}
	var ref *MailRef
	if err := s.db.Tx(ctx, func(tx *Tx) error {
		ref, err = s.mailContactVerification(tx, m)
		return err
	}); err != nil {
		return nil, err
	}
	if ref != nil {
		s.enqueueMailAfter(ctx, []MailRef{*ref})
	}
	return m, nil
}

// ContactVerification is what the verification page shows before the button is pressed.
type ContactVerification struct {
	Address string
}

// PeekContactVerification checks a verification link without using it (GET: mail scanners
// prefetch links, so only the POST verifies).
func (s *Store) PeekContactVerification(ctx context.Context, token string) (*ContactVerification, error) {
	c, err := s.PeekLink(ctx, token, contactVerifyPurpose)
	if err != nil {
		return nil, err
	}
	var m ContactMethod
	if err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", c.Subject, c.Actor).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, Errorf(ENOTFOUND, "this contact method no longer exists")
		}
		return nil, err
	}
	return &ContactVerification{Address: m.Address}, nil
}

// VerifyContactMethod uses a verification link: the method becomes usable. A second use fails.
func (s *Store) VerifyContactMethod(ctx context.Context, token string) (*ContactVerification, error) {
	var out ContactVerification
	err := s.ConsumeLink(ctx, token, contactVerifyPurpose, func(tx *Tx, c signedlink.Claims) error {
		var m ContactMethod
		if err := tx.Where("id = ? AND user_id = ?", c.Subject, c.Actor).Take(&m).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return Errorf(ENOTFOUND, "this contact method no longer exists")
			}
			return err
		}
		out.Address = m.Address
		if m.VerifiedAt != nil {
			return nil
		}
		now := s.now()
		return tx.Model(&ContactMethod{}).Where("id = ?", m.ID).Updates(map[string]any{"verified_at": now, "updated_at": now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateContactMethod renames or disables/enables one of the actor's methods. The primary
// cannot be disabled.
func (s *Store) UpdateContactMethod(ctx context.Context, a *Actor, id string, in ContactMethodUpdate) (*ContactMethod, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	m, err := s.ownContactMethod(s.db.WithContext(ctx), a, id)
	if err != nil {
		return nil, err
	}
	changes := map[string]any{}
	if in.Label != nil {
		l, err := cleanLabel("label", *in.Label)
		if err != nil {
			return nil, err
		}
		changes["label"], m.Label = l, l
	}
	if in.Disabled != nil && *in.Disabled != m.Disabled {
		if m.IsPrimary && *in.Disabled {
			return nil, FieldError(EINVALID, "disabled", "the account email cannot be disabled")
		}
		changes["disabled"], m.Disabled = *in.Disabled, *in.Disabled
	}
	if len(changes) == 0 {
		return m, nil
	}
	m.UpdatedAt = s.now()
	changes["updated_at"] = m.UpdatedAt
	if err := s.db.WithContext(ctx).Model(&ContactMethod{}).Where("id = ? AND user_id = ?", m.ID, a.UserID).Updates(changes).Error; err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteContactMethod deletes one of the actor's methods (and its rules). The primary cannot
// be deleted.
func (s *Store) DeleteContactMethod(ctx context.Context, a *Actor, id string) error {
	if err := selfOnly(a); err != nil {
		return err
	}
	m, err := s.ownContactMethod(s.db.WithContext(ctx), a, id)
	if err != nil {
		return err
	}
	if m.IsPrimary {
		return Errorf(EINVALID, "the account email cannot be removed")
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("contact_method_id = ?", m.ID).Delete(&NotificationRule{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ? AND user_id = ?", m.ID, a.UserID).Delete(&ContactMethod{}).Error
	})
}

// ListNotificationRules returns the actor's rules by delay.
func (s *Store) ListNotificationRules(ctx context.Context, a *Actor) ([]NotificationRule, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	var rs []NotificationRule
	err := s.db.WithContext(ctx).Where("user_id = ?", a.UserID).Order("delay_minutes, created_at, id").Find(&rs).Error
	return rs, err
}

// RuleInput is one rule of SetNotificationRules.
type RuleInput struct {
	ContactMethodID string
	DelayMinutes    int
}

// SetNotificationRules replaces the actor's rules. An empty list means every method at once.
func (s *Store) SetNotificationRules(ctx context.Context, a *Actor, in []RuleInput) ([]NotificationRule, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	if len(in) > maxNotificationRules {
		return nil, FieldError(EINVALID, "rules", "at most %d rules", maxNotificationRules)
	}
	db := s.db.WithContext(ctx)
	seen := map[string]bool{}
	now := s.now()
	out := make([]NotificationRule, 0, len(in))
	for i, r := range in {
		field := fmt.Sprintf("rules.%d", i)
		if r.DelayMinutes < 0 || r.DelayMinutes > MaxRuleDelayMinutes {
			return nil, FieldError(EINVALID, field+".delayMinutes", "a delay is 0 to %d minutes", MaxRuleDelayMinutes)
		}
		if _, err := s.ownContactMethod(db, a, r.ContactMethodID); err != nil {
			return nil, FieldError(ENOTFOUND, field+".contactMethodId", "contact method not found")
		}
		key := fmt.Sprintf("%s/%d", r.ContactMethodID, r.DelayMinutes)
		if seen[key] {
			return nil, FieldError(EINVALID, field, "the same method and delay are given twice")
		}
		seen[key] = true
		out = append(out, NotificationRule{ID: newID(), UserID: a.UserID, ContactMethodID: r.ContactMethodID, DelayMinutes: r.DelayMinutes, CreatedAt: now})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DelayMinutes < out[j].DelayMinutes })
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("user_id = ?", a.UserID).Delete(&NotificationRule{}).Error; err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		return tx.Create(&out).Error
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PlannedContact is one notification a page makes for a person: a method and its delay.
type PlannedContact struct {
	Method       ContactMethod
	DelayMinutes int
}

// ContactPlan says how a page reaches a user, read through db (a transaction or the pool): each
// (method, delay) to notify. Without rules: every verified, enabled method at delay 0. With
// rules: those whose method is verified and enabled. Ordered by delay, then method. The
// primary's Address is the user's email.
func (s *Store) ContactPlan(db *gorm.DB, userID string) ([]PlannedContact, error) {
	methods, err := contactMethodsOf(db, userID)
	if err != nil {
		return nil, err
	}
	usable := map[string]ContactMethod{}
	for _, m := range methods {
		if m.VerifiedAt != nil && !m.Disabled {
			usable[m.ID] = m
		}
	}
	var rules []NotificationRule
	if err := db.Where("user_id = ?", userID).Order("delay_minutes, created_at, id").Find(&rules).Error; err != nil {
		return nil, err
	}
	var out []PlannedContact
	if len(rules) == 0 {
		for _, m := range methods {
			if _, ok := usable[m.ID]; ok {
				out = append(out, PlannedContact{Method: m})
			}
		}
		return out, nil
	}
	for _, r := range rules {
		if m, ok := usable[r.ContactMethodID]; ok {
			out = append(out, PlannedContact{Method: m, DelayMinutes: r.DelayMinutes})
		}
	}
	return out, nil
}

// ContactRecipient is what a notification row records as the recipient of a method: the
// address, or the endpoint's name.
func contactRecipient(db *gorm.DB, m *ContactMethod) (string, error) {
	if m.Kind != ContactEndpoint {
		return m.Address, nil
	}
	if m.EndpointID == nil {
		return "", Errorf(EINVALID, "the endpoint of this method is gone")
	}
	var e Endpoint
	if err := db.Select("id, name").Where("id = ?", *m.EndpointID).Take(&e).Error; err != nil {
		return "", err
	}
	return e.Name, nil
}

// CreateTestNotification writes a pending test notification through one of the actor's
// methods, due now; the engine's sweeper sends due pending notifications. It is filed under the
// actor's first account (oldest membership): a person with no account cannot send one.
func (s *Store) CreateTestNotification(ctx context.Context, a *Actor, methodID string) (*Notification, error) {
	if err := selfOnly(a); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	m, err := s.ownContactMethod(db, a, methodID)
	if err != nil {
		return nil, err
	}
	if m.VerifiedAt == nil {
		return nil, Errorf(ECONFLICT, "verify this address first: open the link mailed to it")
	}
	if m.Disabled {
		return nil, Errorf(ECONFLICT, "this contact method is disabled")
	}
	var ms []Membership
	if err := db.Where("user_id = ?", a.UserID).Order("created_at, id").Limit(1).Find(&ms).Error; err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, Errorf(ECONFLICT, "you belong to no account to send a test notification from")
	}
	recipient, err := contactRecipient(db, m)
	if err != nil {
		return nil, err
	}
	now := s.now()
	n := &Notification{
		ID: newID(), AccountID: ms[0].AccountID, UserID: a.UserID, ContactMethodID: &m.ID, Reason: NotifyTest,
		Channel: m.Kind, Recipient: recipient, Status: NotificationPending, NotBefore: now, NextAttemptAt: &now,
		MaxAttempts: TestNotificationMaxAttempts, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.db.Tx(ctx, func(tx *Tx) error { return tx.Create(n).Error }); err != nil {
		return nil, err
	}
	if w, ok := s.enqueuer.(notificationWaker); ok {
		w.WakeNotifications(context.WithoutCancel(ctx))
	}
	return n, nil
}

// notificationWaker is implemented by the jobs package's enqueuer when it can send due
// notifications at once (otherwise the sweeper finds them).
type notificationWaker interface {
	WakeNotifications(ctx context.Context)
}

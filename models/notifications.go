package models

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-hub/switchboard/models/cloudwatch"
	"github.com/switchboard-hub/switchboard/models/scalr"
)

// Notifications (docs/oncall.md "Notifications"): one row per person × contact method × step,
// sent by the jobs package with its own attempts, like deliveries. The sender claims due rows
// with a lease (ClaimNotifications), hands each to its channel, and records the outcome
// (FinishNotification); an email follows its mail's outcome (FinishMail calls followMail).

// NotificationLease is how long a claimed notification is held while its channel sends it.
const NotificationLease = 2 * time.Minute

// DefaultBundleWindow: pages to one person on one channel within this window go out as one
// message (SetBundleWindow).
const DefaultBundleWindow = 30 * time.Second

// SetBundleWindow sets the bundling window (0: no bundling).
func (s *Store) SetBundleWindow(d time.Duration) { s.bundleWindow = &d }

func (s *Store) bundleWindowOr() time.Duration {
	if s.bundleWindow == nil {
		return DefaultBundleWindow
	}
	return *s.bundleWindow
}

// NotificationRetryDelay is the wait before retry n (n ≥ 1): 15 s, 1 min, 3 min, 10 min.
func NotificationRetryDelay(n int) time.Duration {
	steps := []time.Duration{15 * time.Second, time.Minute, 3 * time.Minute, 10 * time.Minute}
	if n < 1 {
		n = 1
	}
	if n > len(steps) {
		n = len(steps)
	}
	return steps[n-1]
}

// PageIncident is what a page message says about one incident.
type PageIncident struct {
	Incident   Incident
	Component  string
	ConsoleURL string
	// Signed single-use links (24 h) that act as the paged person.
	AcknowledgeURL string
	ResolveURL     string
	AlarmFacts     [][2]string
}

// OutgoingNotification is a claimed notification (the carrier of a bundle) with what its
// channel needs.
type OutgoingNotification struct {
	Notification
	// Items are the notifications it carries, itself first (more than one: a bundle).
	Items     []Notification
	User      User
	Method    *ContactMethod
	Incidents []PageIncident
	// Secret is the method's opened secret (an ntfy bearer token), if any.
	Secret string
	// Endpoint is the endpoint of an endpoint method.
	Endpoint *Endpoint
	// ScheduleName and ConsoleURL are set for shift notices.
	ScheduleName string
	ConsoleURL   string
}

// ClaimNotifications claims due notifications (pending or retrying, not_before and
// next_attempt_at passed) with a lease and returns them grouped: pages to one person on one
// channel within the bundling window become one message.
func (s *Store) ClaimNotifications(ctx context.Context, limit int) ([]*OutgoingNotification, error) {
	var out []*OutgoingNotification
	err := s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		q := tx.Where("status IN ? AND next_attempt_at <= ? AND not_before <= ?", []NotificationStatus{NotificationPending, NotificationRetrying}, now, now).
			Order("next_attempt_at, id").Limit(limit)
		if tx.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []Notification
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		incIDs, userIDs := map[string]bool{}, map[string]bool{}
		for _, n := range rows {
			userIDs[n.UserID] = true
			if n.IncidentID != nil {
				incIDs[*n.IncidentID] = true
			}
		}
		incs := map[string]*Incident{}
		if len(incIDs) > 0 {
			var is []*Incident
			if err := tx.Where("id IN ?", keys(incIDs)).Find(&is).Error; err != nil {
				return err
			}
			for _, i := range is {
				incs[i.ID] = i
			}
		}
		// Pages of incidents no longer triggered are not sent.
		var cancel []string
		var live []Notification
		for _, n := range rows {
			if n.Reason == NotifyPage && n.IncidentID != nil {
				// An escalation's page waits for nobody once the incident is acknowledged; a
				// reassignment's page (no level) still tells the new assignee, until resolved.
				i := incs[*n.IncidentID]
				if i == nil || i.Status == IncidentResolved || (i.Status != IncidentTriggered && n.EscalationLevel != nil) {
					cancel = append(cancel, n.ID)
					continue
				}
			}
			live = append(live, n)
		}
		if len(cancel) > 0 {
			if err := tx.Model(&Notification{}).Where("id IN ?", cancel).
				Updates(map[string]any{"status": NotificationCancelled, "next_attempt_at": nil, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		// Group pages by person, channel and address; hold a group while a message to the same
		// place went out within the window (it then leaves with whatever joined it).
		type key struct{ user, channel, to string }
		groups := map[key][]Notification{}
		var order []key
		win := s.bundleWindowOr()
		for _, n := range live {
			k := key{n.UserID, string(n.Channel), n.Recipient}
			if n.Reason != NotifyPage || win <= 0 {
				k.to += "\x00" + n.ID // not bundled
			}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], n)
		}
		recent := map[key]time.Time{}
		if win > 0 {
			var rs []struct {
				UserID    string
				Channel   string
				Recipient string
				At        time.Time
			}
			if err := tx.Model(&Notification{}).Select("user_id, channel, recipient, updated_at AS at").
				Where("user_id IN ? AND reason = ? AND status IN ? AND updated_at > ?", keys(userIDs), NotifyPage,
					[]NotificationStatus{NotificationSending, NotificationSent, NotificationKept}, now.Add(-win)).
				Scan(&rs).Error; err != nil {
				return err
			}
			for _, r := range rs {
				k := key{r.UserID, r.Channel, r.Recipient}
				if r.At.After(recent[k]) {
					recent[k] = r.At
				}
			}
		}
		methodIDs := map[string]bool{}
		var claimed, bundles []string
		for _, k := range order {
			g := groups[k]
			if last, ok := recent[k]; ok && g[0].Reason == NotifyPage {
				hold := last.Add(win)
				if hold.After(now) {
					ids := make([]string, len(g))
					for i, n := range g {
						ids[i] = n.ID
					}
					if err := tx.Model(&Notification{}).Where("id IN ?", ids).Updates(map[string]any{"next_attempt_at": hold, "updated_at": now}).Error; err != nil {
						return err
					}
					continue
				}
			}
			carrier := g[0]
			carrier.Attempts++
			carrier.Status = NotificationSending
			lease := now.Add(NotificationLease)
			carrier.NextAttemptAt = &lease
			claimed = append(claimed, carrier.ID)
			if len(g) > 1 {
				id := carrier.ID
				carrier.BundleID = &id
				bundles = append(bundles, id)
				others := make([]string, 0, len(g)-1)
				for _, n := range g[1:] {
					others = append(others, n.ID)
				}
				if err := tx.Model(&Notification{}).Where("id IN ?", others).Updates(map[string]any{"status": NotificationBundled,
					"bundle_id": id, "next_attempt_at": nil, "updated_at": now}).Error; err != nil {
					return err
				}
			}
			o := &OutgoingNotification{Notification: carrier, Items: append([]Notification{carrier}, g[1:]...)}
			if carrier.ContactMethodID != nil {
				methodIDs[*carrier.ContactMethodID] = true
			}
			out = append(out, o)
		}
		// The claimed carriers, set-wise: status sending, one more attempt, the lease.
		if len(claimed) > 0 {
			if err := tx.Model(&Notification{}).Where("id IN ?", claimed).Updates(map[string]any{"status": NotificationSending,
				"attempts": gorm.Expr("attempts + 1"), "next_attempt_at": now.Add(NotificationLease), "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if len(bundles) > 0 {
			if err := tx.Model(&Notification{}).Where("id IN ?", bundles).Update("bundle_id", gorm.Expr("id")).Error; err != nil {
				return err
			}
		}
		return s.fillOutgoing(tx, out, incs, keys(userIDs), keys(methodIDs))
	})
	return out, err
}

// fillOutgoing loads the people, methods, endpoints and incident facts of claimed messages,
// and signs their acknowledge / resolve links.
func (s *Store) fillOutgoing(tx *Tx, out []*OutgoingNotification, incs map[string]*Incident, userIDs, methodIDs []string) error {
	if len(out) == 0 {
		return nil
	}
	users := map[string]User{}
	var us []User
	if err := tx.Where("id IN ?", userIDs).Find(&us).Error; err != nil {
		return err
	}
	for _, u := range us {
		users[u.ID] = u
	}
	methods := map[string]*ContactMethod{}
	if len(methodIDs) > 0 {
		var ms []*ContactMethod
		if err := tx.Where("id IN ?", methodIDs).Find(&ms).Error; err != nil {
			return err
		}
		for _, m := range ms {
			methods[m.ID] = m
		}
	}
	compNames := map[string]string{}
	var compIDs []string
	for _, i := range incs {
		compIDs = append(compIDs, i.ComponentID)
	}
	if len(compIDs) > 0 {
		var cs []Component
		if err := tx.Select("id, name").Where("id IN ?", compIDs).Find(&cs).Error; err != nil {
			return err
		}
		for _, c := range cs {
			compNames[c.ID] = c.Name
		}
	}
	for _, o := range out {
		o.User = users[o.UserID]
		if o.ScheduleID != nil {
			var sch Schedule
			if err := tx.Select("name").Where("id = ?", *o.ScheduleID).Take(&sch).Error; err == nil {
				o.ScheduleName = sch.Name
			}
			o.ConsoleURL = s.links.Console()
		}
		if o.ContactMethodID != nil {
			o.Method = methods[*o.ContactMethodID]
		}
		if m := o.Method; m != nil {
			if b, err := s.ContactSecret(m); err == nil && len(b) > 0 {
				o.Secret = string(b)
			}
			if m.Kind == ContactEndpoint && m.EndpointID != nil {
				var ep Endpoint
				if err := tx.Where("id = ?", *m.EndpointID).Take(&ep).Error; err == nil {
					o.Endpoint = &ep
				}
			}
		}
		for _, n := range o.Items {
			if n.IncidentID == nil || incs[*n.IncidentID] == nil {
				continue
			}
			inc := incs[*n.IncidentID]
			pi := PageIncident{Incident: *inc, Component: compNames[inc.ComponentID], ConsoleURL: s.links.Incident(inc.AccountID, inc.ID),
				AlarmFacts: alarmFacts(inc.Alarm)}
			if n.Reason == NotifyPage && o.Channel != ContactEndpoint {
				if tok, err := s.IssueLink(LinkIncidentAcknowledge, inc.ID, o.UserID, 24*time.Hour); err == nil {
					pi.AcknowledgeURL = s.links.Action(tok)
				}
				if tok, err := s.IssueLink(LinkIncidentResolve, inc.ID, o.UserID, 24*time.Hour); err == nil {
					pi.ResolveURL = s.links.Action(tok)
				}
			}
			o.Incidents = append(o.Incidents, pi)
		}
	}
	return nil
}

// Purposes of the signed links in page messages.
const (
	LinkIncidentAcknowledge = "incident.acknowledge"
	LinkIncidentResolve     = "incident.resolve"
)

// alarmFacts lists what a page says about the CloudWatch alarm behind an incident.
func alarmFacts(raw *string) [][2]string {
	if raw == nil {
		return nil
	}
	var a cloudwatch.Alarm
	if json.Unmarshal([]byte(*raw), &a) != nil {
		return nil
	}
	var out [][2]string
	add := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, [2]string{k, truncate(v, 300)})
		}
	}
	add("Alarm", a.Name)
	add("State", strings.Trim(string(a.OldState)+" → "+string(a.NewState), " →"))
	add("Reason", a.Reason)
	if a.Metric != nil {
		add("Metric", a.Metric.Namespace+" "+a.Metric.Name)
	}
	add("Rule", a.Rule)
	region := a.RegionName
	if a.Region != "" {
		region = a.Region
	}
	add("Region", region)
	add("AWS account", a.AccountID)
	if !a.StateChangeTime.IsZero() {
		add("Changed at", a.StateChangeTime.UTC().Format(time.RFC3339))
	}
	return out
}

// NotificationResult is the outcome of one attempt of a claimed notification.
type NotificationResult struct {
	// Err is nil when the channel took the message.
	Err       error
	Permanent bool
	Answer    string
	RetryIn   time.Duration
}

// maskRecipient shows where a message went without the whole address ("ana@…").
func maskRecipient(n *Notification) string {
	switch n.Channel {
	case ContactEmail:
		local, _, _ := strings.Cut(n.Recipient, "@")
		return "Email to " + local + "@…"
	case ContactNtfy:
		return "ntfy push"
	case ContactEndpoint:
		return "Endpoint " + n.Recipient
	case ContactSlackDM:
		return "Slack message"
	}
	return string(n.Channel)
}

// FinishNotification records an attempt's outcome, on the rows and on the incidents'
// timelines.
func (s *Store) FinishNotification(ctx context.Context, o *OutgoingNotification, r NotificationResult) error {
	return s.db.Tx(ctx, func(tx *Tx) error {
		return s.finishNotification(tx, &o.Notification, o.Items, o.User, r, "")
	})
}

func (s *Store) finishNotification(tx *Tx, n *Notification, items []Notification, u User, r NotificationResult, kept string) error {
	var b finishBatch
	s.planFinish(tx, &b, n, items, u, r, kept)
	return s.flushFinish(tx, &b)
}

// finishBatch gathers the writes of several outcomes: attempts and timeline entries are
// inserted in batches, and notifications with the same new values are updated together.
type finishBatch struct {
	attempts []*NotificationAttempt
	timeline []*TimelineEntry
	updates  map[string]*finishUpdate // by the new values
	order    []string
	wake     bool
}

type finishUpdate struct {
	values map[string]any
	ids    []string
}

func (s *Store) planFinish(tx *Tx, b *finishBatch, n *Notification, items []Notification, u User, r NotificationResult, kept string) {
	now := s.now()
	start := now
	if n.NextAttemptAt != nil && n.NextAttemptAt.Before(now) {
		start = n.NextAttemptAt.Add(-NotificationLease)
	}
	att := &NotificationAttempt{ID: newID(), NotificationID: n.ID, Number: n.Attempts, StartedAt: start, FinishedAt: &now,
		ProviderAnswer: truncate(r.Answer, 500)}
	up := map[string]any{"updated_at": now, "provider_answer": truncate(r.Answer, 500), "attempts": n.Attempts}
	what := maskRecipient(n)
	var body string
	switch {
	case r.Err == nil && kept != "":
		att.Outcome = "ok"
		up["status"], up["next_attempt_at"], up["last_error"] = NotificationKept, nil, ""
		body = what + " kept in Outgoing mail: " + kept
	case r.Err == nil:
		att.Outcome = "ok"
		up["status"], up["next_attempt_at"], up["last_error"], up["sent_at"] = NotificationSent, nil, "", now
		body = what + " sent"
		if r.Answer != "" {
			body += " (" + truncate(r.Answer, 120) + ")"
		}
	case r.Permanent || n.Attempts >= n.MaxAttempts:
		att.Outcome, att.Error = "error", truncate(r.Err.Error(), 500)
		up["status"], up["next_attempt_at"], up["last_error"] = NotificationFailed, nil, att.Error
		body = what + " failed: " + truncate(r.Err.Error(), 200) + "; not retried"
	default:
		att.Outcome, att.Error = "error", truncate(r.Err.Error(), 500)
		at := now.Add(r.RetryIn)
		up["status"], up["next_attempt_at"], up["last_error"] = NotificationRetrying, at, att.Error
		body = what + " failed: " + truncate(r.Err.Error(), 200) + ", retrying"
		b.wake = true
	}
	b.attempts = append(b.attempts, att)
	key := fmt.Sprint(up["status"], "\x00", up["provider_answer"], "\x00", up["attempts"], "\x00", up["last_error"], "\x00", up["next_attempt_at"])
	if b.updates == nil {
		b.updates = map[string]*finishUpdate{}
	}
	if g, ok := b.updates[key]; ok {
		g.ids = append(g.ids, n.ID)
	} else {
		b.updates[key] = &finishUpdate{values: up, ids: []string{n.ID}}
		b.order = append(b.order, key)
	}
	name := userLabel(&u)
	seen := map[string]bool{}
	for _, it := range items {
		if it.IncidentID == nil || seen[*it.IncidentID] {
			continue
		}
		seen[*it.IncidentID] = true
		line := body + " — " + name
		if len(items) > 1 {
			line += fmt.Sprintf(" (one message for %d pages)", len(items))
		}
		b.timeline = append(b.timeline, &TimelineEntry{ID: newID(), IncidentID: *it.IncidentID, Kind: TimelineNotification, ActorLabel: "Switchboard", Body: line, CreatedAt: now})
		s.publishAfter(tx, Hint{Kind: HintIncident, ID: *it.IncidentID, AccountID: it.AccountID, Op: OpChanged})
	}
}

func (s *Store) flushFinish(tx *Tx, b *finishBatch) error {
	if len(b.attempts) > 0 {
		if err := tx.CreateInBatches(b.attempts, 200).Error; err != nil {
			return err
		}
	}
	for _, k := range b.order {
		g := b.updates[k]
		if err := tx.Model(&Notification{}).Where("id IN ?", g.ids).Updates(g.values).Error; err != nil {
			return err
		}
	}
	if len(b.timeline) > 0 {
		if err := tx.CreateInBatches(b.timeline, 200).Error; err != nil {
			return err
		}
	}
	if b.wake {
		s.wakeNotificationsAfter(tx)
	}
	return nil
}

// SendNotificationMail hands an email notification to the mail path: a page mail (urgent) is
// written and linked to the notification, which then follows its mail's outcome (followMail).
// In kept mode the notification is kept with its mail.
func (s *Store) SendNotificationMail(ctx context.Context, o *OutgoingNotification) error {
	return s.SendNotificationMails(ctx, []*OutgoingNotification{o})
}

// SendNotificationMails is SendNotificationMail for a batch, in one transaction.
func (s *Store) SendNotificationMails(ctx context.Context, os []*OutgoingNotification) error {
	var refs []MailRef
	err := s.db.Tx(ctx, func(tx *Tx) error {
		refs = refs[:0]
		for _, o := range os {
			ref, err := s.notificationMail(tx, o)
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
		return err
	}
	s.enqueueMailAfter(ctx, refs)
	return nil
}

func (s *Store) notificationMail(tx *Tx, o *OutgoingNotification) (*MailRef, error) {
	subject, text, html := PageMail(o)
	switch o.Reason {
	case NotifyShiftStart, NotifyHandoff:
		subject, text = noticeMail(o)
		html = ""
	case NotifyTest:
		subject, html = "Switchboard test notification", ""
		text = "This is a test notification from Switchboard: pages will reach you at this address.\n"
	}
	in := MailInput{AccountID: o.AccountID, Kind: MailPage, To: o.Recipient, Subject: subject, Text: text, HTML: html,
		Headers: map[string]string{"X-Switchboard-Kind": o.Reason}}
	if o.Reason != NotifyPage {
		in.Kind = MailNotice
	}
	if len(o.Incidents) == 1 {
		in.Headers["X-Switchboard-Incident"] = o.Incidents[0].Incident.ID
	}
	m, ref, err := s.queueMail(tx, in)
	if err != nil {
		if IsAppError(err) {
			return nil, s.finishNotification(tx, &o.Notification, o.Items, o.User, NotificationResult{Err: fmt.Errorf("%s", ErrorMessage(err)), Permanent: true}, "")
		}
		return nil, err
	}
	if err := tx.Model(&Notification{}).Where("id = ?", o.ID).Updates(map[string]any{"mail_id": m.ID, "next_attempt_at": nil, "updated_at": s.now()}).Error; err != nil {
		return nil, err
	}
	if m.Status == MailKept {
		return nil, s.finishNotification(tx, &o.Notification, o.Items, o.User, NotificationResult{}, "no SMTP server is configured")
	}
	return ref, nil
}

// NotificationOutcome is a claimed notification and the outcome of its attempt.
type NotificationOutcome struct {
	O *OutgoingNotification
	R NotificationResult
}

// FinishNotifications records several outcomes in one transaction.
func (s *Store) FinishNotifications(ctx context.Context, outs []NotificationOutcome) error {
	if len(outs) == 0 {
		return nil
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		var b finishBatch
		for _, x := range outs {
			s.planFinish(tx, &b, &x.O.Notification, x.O.Items, x.O.User, x.R, "")
		}
		return s.flushFinish(tx, &b)
	})
}

// followMail makes the notifications carried by a mail follow its outcome (called by
// FinishMail).
func (s *Store) followMail(ctx context.Context, m *Mail, r MailResult, next *time.Time) error {
	var ns []Notification
	if err := s.db.WithContext(ctx).Where("mail_id = ? AND status IN ?", m.ID, []NotificationStatus{NotificationSending, NotificationRetrying}).Find(&ns).Error; err != nil || len(ns) == 0 {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		for i := range ns {
			n := &ns[i]
			n.Attempts = m.Attempts
			res := NotificationResult{Err: r.Err, Answer: r.Answer}
			if r.Err != nil && next == nil {
				res.Permanent = true
			}
			if next != nil {
				res.RetryIn = next.Sub(s.now())
			}
			n.MaxAttempts = max(n.MaxAttempts, m.MaxAttempts)
			items := []Notification{*n}
			if n.BundleID != nil {
				var others []Notification
				if err := tx.Where("bundle_id = ? AND id <> ?", *n.BundleID, n.ID).Find(&others).Error; err != nil {
					return err
				}
				items = append(items, others...)
			}
			var u User
			if err := tx.Where("id = ?", n.UserID).Take(&u).Error; err != nil {
				return err
			}
			if err := s.finishNotification(tx, n, items, u, res, ""); err != nil {
				return err
			}
			if next != nil {
				// The mail path retries the message itself: the sender must not send another.
				if err := tx.Model(&Notification{}).Where("id = ?", n.ID).Update("next_attempt_at", nil).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
}

var pageHTML = template.Must(template.New("page").Parse(`<!doctype html>
<html><body style="font-family:sans-serif">
{{range .}}<div style="margin-bottom:24px">
<h2 style="margin:0">{{.Incident.Title}}</h2>
<p><strong>Severity:</strong> {{.Incident.Severity}} &middot; <strong>Component:</strong> {{.Component}} &middot; <strong>Status:</strong> {{.Incident.Status}}</p>
{{if .AlarmFacts}}<table>{{range .AlarmFacts}}<tr><td><strong>{{index . 0}}</strong></td><td>{{index . 1}}</td></tr>{{end}}</table>{{end}}
<p>{{if .AcknowledgeURL}}<a href="{{.AcknowledgeURL}}" style="padding:8px 14px;background:#1f6feb;color:#fff;text-decoration:none">Acknowledge</a> {{end}}
{{if .ResolveURL}}<a href="{{.ResolveURL}}" style="padding:8px 14px;background:#2da44e;color:#fff;text-decoration:none">Resolve</a> {{end}}
{{if .ConsoleURL}}<a href="{{.ConsoleURL}}">Open in Switchboard</a>{{end}}</p>
</div>{{end}}
<p style="color:#666;font-size:12px">The Acknowledge and Resolve links work once, for 24 hours, without signing in.</p>
</body></html>`))

// PageMail builds the subject, plain text and HTML of a page message (one or several incidents).
func PageMail(o *OutgoingNotification) (subject, text, html string) {
	var b strings.Builder
	switch len(o.Incidents) {
	case 0:
		subject = "Switchboard notification"
		b.WriteString("You have a notification from Switchboard.\n")
	case 1:
		i := o.Incidents[0]
		subject = fmt.Sprintf("[%s] %s", strings.ToUpper(string(i.Incident.Severity)), i.Incident.Title)
		if i.Component != "" {
			subject += " — " + i.Component
		}
	default:
		subject = fmt.Sprintf("%d incidents paged you: %s, …", len(o.Incidents), o.Incidents[0].Incident.Title)
		fmt.Fprintf(&b, "%d incidents paged you.\n\n", len(o.Incidents))
	}
	for _, i := range o.Incidents {
		fmt.Fprintf(&b, "%s\nSeverity: %s\nComponent: %s\nStatus: %s\n", i.Incident.Title, i.Incident.Severity, i.Component, i.Incident.Status)
		for _, f := range i.AlarmFacts {
			fmt.Fprintf(&b, "%s: %s\n", f[0], f[1])
		}
		if i.AcknowledgeURL != "" {
			fmt.Fprintf(&b, "\nAcknowledge: %s\n", i.AcknowledgeURL)
		}
		if i.ResolveURL != "" {
			fmt.Fprintf(&b, "Resolve: %s\n", i.ResolveURL)
		}
		if i.ConsoleURL != "" {
			fmt.Fprintf(&b, "Open: %s\n", i.ConsoleURL)
		}
		b.WriteString("\n")
	}
	b.WriteString("The Acknowledge and Resolve links work once, for 24 hours, without signing in.\n")
	var h bytes.Buffer
	if err := pageHTML.Execute(&h, o.Incidents); err == nil {
		html = h.String()
	}
	return subject, b.String(), html
}

// ---- Reading notifications (GraphQL) ----

// NotificationsByIncident lists an incident's notifications, oldest first. Callers pass an
// incident the actor may see.
func (s *Store) NotificationsByIncident(ctx context.Context, incidentID string) ([]Notification, error) {
	var ns []Notification
	err := s.db.WithContext(ctx).Where("incident_id = ?", incidentID).Order("created_at, id").Find(&ns).Error
	return ns, err
}

// NotificationAttempts lists a notification's attempts, oldest first.
func (s *Store) NotificationAttempts(ctx context.Context, notificationID string) ([]NotificationAttempt, error) {
	var as []NotificationAttempt
	err := s.db.WithContext(ctx).Where("notification_id = ?", notificationID).Order("number, id").Find(&as).Error
	return as, err
}

// MyNotifications lists the actor's notifications in an account, newest first.
func (s *Store) MyNotifications(ctx context.Context, a *Actor, accountID string, first int, after string) (*Page[Notification], error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	if _, err := pageSize(first); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ? AND user_id = ?", accountID, a.UserID)
	return keysetPage[Notification](q, "created_at", first, after, func(n *Notification) (time.Time, string) { return n.CreatedAt, n.ID })
}

// MyOpenPages lists the actor's open incidents in an account that paged them or are assigned
// to them, newest first.
func (s *Store) MyOpenPages(ctx context.Context, a *Actor, accountID string) ([]Incident, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var out []Incident
	err := s.db.WithContext(ctx).Where("account_id = ? AND status <> ?", accountID, IncidentResolved).
		Where("assignee_user_id = ? OR id IN (?)", a.UserID, s.db.Model(&Notification{}).Select("incident_id").
			Where("account_id = ? AND user_id = ? AND reason = ? AND incident_id IS NOT NULL", accountID, a.UserID, NotifyPage)).
		Order("opened_at DESC, id DESC").Limit(200).Find(&out).Error
	return out, err
}

// PageEventName is the event a page to a Switchboard endpoint is delivered as. It is delivered
// only to the paged person's endpoint (never matched against webhooks), through the signed
// webhook pipeline, like a test event.
const PageEventName = "OnCallPage"

// SendNotificationEndpoint pages through a Switchboard endpoint: an OnCallPage event with the
// incident's variables and the paged person, delivered to that endpoint alone by the webhook
// pipeline (its signatures, retries and attempt log). The notification is sent once the
// delivery is queued; the delivery's own attempts are in the endpoint's history.
func (s *Store) SendNotificationEndpoint(ctx context.Context, o *OutgoingNotification) error {
	if o.Endpoint == nil || !o.Endpoint.Active {
		return s.FinishNotification(ctx, o, NotificationResult{Err: fmt.Errorf("the endpoint is gone or inactive"), Permanent: true})
	}
	ep := o.Endpoint
	var d *Delivery
	err := s.db.Tx(ctx, func(tx *Tx) error {
		now := s.now()
		var ev *Event
		var vars map[string]string
		if len(o.Incidents) > 0 {
			pi := o.Incidents[0]
			comp := &Component{ID: pi.Incident.ComponentID, Name: pi.Component}
			inc := pi.Incident
			var err error
			ev, err = s.recordPageEvent(tx, &inc, comp, o)
			if err != nil {
				return err
			}
			decoded, err := ev.decodeVariables()
			if err != nil {
				return err
			}
			vars = decoded.Builtin
		} else {
			return s.finishNotification(tx, &o.Notification, o.Items, o.User, NotificationResult{Err: fmt.Errorf("nothing to deliver"), Permanent: true}, "")
		}
		var body []byte
		var err error
		if ep.Format == FormatSlack {
			pi := o.Incidents[0]
			body, _ = json.Marshal(map[string]string{"text": fmt.Sprintf("Page for %s: [%s] %s (%s) %s", userLabel(&o.User),
				strings.ToUpper(string(pi.Incident.Severity)), pi.Incident.Title, pi.Component, pi.ConsoleURL)})
		} else {
			body, err = scalrPayload(ev, vars, ep.ID, now)
			if err != nil {
				return err
			}
		}
		eid := ep.ID
		d = &Delivery{ID: newID(), Kind: DeliveryKindWebhook, AccountID: &o.AccountID, EventID: ev.ID, EventName: PageEventName, EndpointID: &eid, Payload: body,
			Status: DeliveryPending, MaxAttempts: DefaultWebhookAttempts, TimeoutSeconds: DefaultWebhookTimeout, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		if err := tx.Model(&Notification{}).Where("id = ?", o.ID).Update("delivery_id", d.ID).Error; err != nil {
			return err
		}
		return s.finishNotification(tx, &o.Notification, o.Items, o.User, NotificationResult{Answer: "queued as delivery " + d.ID}, "")
	})
	if err != nil {
		return err
	}
	if d != nil {
		s.enqueueAfter(ctx, []DeliveryRef{{ID: d.ID, RunAt: s.now()}})
	}
	return nil
}

// recordPageEvent writes the OnCallPage event row (no webhook deliveries).
func (s *Store) recordPageEvent(tx *Tx, inc *Incident, comp *Component, o *OutgoingNotification) (*Event, error) {
	ev := &Event{ID: newID(), AccountID: inc.AccountID, Name: PageEventName, IncidentID: &inc.ID, Source: "system", CreatedAt: s.now()}
	b, err := s.builtinVariables(tx, ev, eventSpec{name: PageEventName, accountID: inc.AccountID, incident: inc, component: comp})
	if err != nil {
		return nil, err
	}
	b["SCALR_PAGE_USER_ID"], b["SCALR_PAGE_USER_NAME"], b["SCALR_PAGE_USER_EMAIL"] = o.User.ID, o.User.Name, o.User.Email
	if n := o.EscalationLevel; n != nil {
		b["SCALR_PAGE_LEVEL"] = fmt.Sprint(*n + 1)
	}
	raw, _ := json.Marshal(eventVariables{Builtin: b})
	ev.Variables = string(raw)
	if err := tx.Create(ev).Error; err != nil {
		return nil, err
	}
	s.hint(tx, HintEvent, ev.ID, ev.AccountID)
	return ev, nil
}

func scalrPayload(ev *Event, vars map[string]string, endpointID string, now time.Time) ([]byte, error) {
	return scalr.Payload{EventName: PageEventName, EventID: ev.ID, Timestamp: now, ConfigurationID: "00000000-0000-0000-0000-000000000000",
		Data: vars, EndpointID: endpointID}.Encode()
}

// ContactMethodOf returns a user's contact method (the primary one with the user's email).
func (s *Store) ContactMethodOf(ctx context.Context, id, userID string) (*ContactMethod, error) {
	var m ContactMethod
	if err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&m).Error; err != nil {
		return nil, nil
	}
	if m.ID == m.UserID {
		var u User
		if err := s.db.WithContext(ctx).Select("email").Where("id = ?", userID).Take(&u).Error; err == nil {
			m.Address = u.Email
		}
	}
	return &m, nil
}

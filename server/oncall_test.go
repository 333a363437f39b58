package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// pathOf keeps the path of a link built on the configured public URL, to send it to the test
// server.
func pathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path == "" {
		t.Fatalf("bad link %q: %v", link, err)
	}
	return u.Path
}

// TestContactVerifyLink: the mailed link's GET shows a button and verifies nothing (mail
// scanners prefetch links); the POST verifies; a second use is refused.
func TestContactVerifyLink(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { testContactVerifyLink(t, startOpts{}) })
	t.Run("embedded", func(t *testing.T) { testContactVerifyLink(t, startOpts{embedded: true}) })
}

func testContactVerifyLink(t *testing.T, o startOpts) {
	m, c := MustStart(t, o)
	ctx := ctxT(t)
	MustSetup(t, c)
	var cm struct {
		CreateContactMethod struct {
			ContactMethod struct {
				ID       string
				Verified bool
			}
			Errors []struct{ Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation { createContactMethod(input: {kind: EMAIL, address: "ada.home@example.org", label: "Home"}) { contactMethod { id verified } errors { message } } }`, nil, &cm); err != nil {
		t.Fatal(err)
	}
	if len(cm.CreateContactMethod.Errors) > 0 || cm.CreateContactMethod.ContactMethod.Verified {
		t.Fatalf("create: %+v", cm)
	}
	var body string
	if err := m.Store.DB().Raw("SELECT text_body FROM mail_messages WHERE to_address = ? AND kind = 'verification'", "ada.home@example.org").Scan(&body).Error; err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https?://\S+/verify/\S+`).FindString(body)
	if link == "" {
		t.Fatalf("no verification link in %q", body)
	}
	path := pathOf(t, link)
	verified := func() bool {
		t.Helper()
		var d struct {
			Me struct {
				User struct {
					ContactMethods []struct {
						ID       string
						Verified bool
					}
				}
			}
		}
		if err := c.MustOK(ctx, `{ me { user { contactMethods { id verified } } } }`, nil, &d); err != nil {
			t.Fatal(err)
		}
		for _, x := range d.Me.User.ContactMethods {
			if x.ID == cm.CreateContactMethod.ContactMethod.ID {
				return x.Verified
			}
		}
		t.Fatal("the method is gone")
		return false
	}
	anon := servertest.NewClient(c.BaseURL)
	for i := 0; i < 2; i++ { // scanners fetch more than once
		r, err := anon.Do(ctx, http.MethodGet, path, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `method="post"`) || !strings.Contains(string(r.Body), "ada.home@example.org") {
			t.Fatalf("GET: %d %s", r.Status, r.Body)
		}
	}
	if verified() {
		t.Fatal("GET verified the address")
	}
	r, err := anon.Do(ctx, http.MethodPost, path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusOK || !verified() {
		t.Fatalf("POST: %d %s", r.Status, r.Body)
	}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		r, err = anon.Do(ctx, method, path, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "already been used") {
			t.Fatalf("second %s: %d %s", method, r.Status, r.Body)
		}
	}
	r, err = anon.Do(ctx, http.MethodPost, "/verify/not-a-token", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusBadRequest {
		t.Fatalf("bad token: %d", r.Status)
	}
}

// TestCalendarFeed: a schedule's feed parses as iCalendar with UTC times, stable UIDs and the
// person's name; its use is recorded; revoked or unknown tokens are 404. A viewer cannot edit.
func TestCalendarFeed(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { testCalendarFeed(t, startOpts{}) })
	t.Run("embedded", func(t *testing.T) { testCalendarFeed(t, startOpts{embedded: true}) })
}

func testCalendarFeed(t *testing.T, o startOpts) {
	_, c := MustStart(t, o)
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	var me struct {
		Me struct{ User struct{ ID string } }
	}
	if err := c.MustOK(ctx, `{ me { user { id } } }`, nil, &me); err != nil {
		t.Fatal(err)
	}
	viewer, _ := addUser(t, a, "viewer@example.com", "VIEWER")
	var vme struct {
		Me struct{ User struct{ ID string } }
	}
	if err := viewer.MustOK(ctx, `{ me { user { id } } }`, nil, &vme); err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC().Add(-72 * time.Hour).Format(time.RFC3339)
	var cs struct {
		CreateSchedule struct {
			Schedule struct {
				ID     string
				Layers []struct{ ID string }
			}
			Errors []struct{ Field, Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($a: ID!, $u: ID!, $v: ID!, $s: Time!) { createSchedule(input: {accountId: $a, name: "Primary", timeZone: "Europe/Berlin",
		layers: [{rotation: DAILY, length: 1, handOff: "09:00", participantIds: [$u, $v], startsAt: $s}]}) { schedule { id layers { id } } errors { field message } } }`,
		map[string]any{"a": a.accountID, "u": me.Me.User.ID, "v": vme.Me.User.ID, "s": start}, &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs.CreateSchedule.Errors) > 0 || len(cs.CreateSchedule.Schedule.Layers) != 1 {
		t.Fatalf("create schedule: %+v", cs)
	}
	schID := cs.CreateSchedule.Schedule.ID

	newFeed := func(scheduleID any) (id, path string) {
		t.Helper()
		var d struct {
			CreateCalendarFeed struct {
				Feed   struct{ ID, TokenPrefix string }
				URL    string
				Errors []struct{ Message string }
			}
		}
		if err := c.MustOK(ctx, `mutation($a: ID!, $s: ID) { createCalendarFeed(input: {accountId: $a, scheduleId: $s}) { feed { id tokenPrefix } url errors { message } } }`,
			map[string]any{"a": a.accountID, "s": scheduleID}, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.CreateCalendarFeed.Errors) > 0 || !strings.Contains(d.CreateCalendarFeed.URL, d.CreateCalendarFeed.Feed.TokenPrefix) {
			t.Fatalf("create feed: %+v", d)
		}
		return d.CreateCalendarFeed.Feed.ID, pathOf(t, d.CreateCalendarFeed.URL)
	}
	anon := servertest.NewClient(c.BaseURL)
	fetch := func(path string) *ics.Calendar {
		t.Helper()
		r, err := anon.Do(ctx, http.MethodGet, path, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("the feed does not parse: %v\n%s", err, r.Body)
		}
		return cal
	}
	feedID, path := newFeed(schID)
	cal := fetch(path)
	evs := cal.Events()
	// Daily shifts from three days ago to 60 days ahead (the first one began before the layer's
	// start at 09:00 Berlin, so 63 or 64).
	if len(evs) < 62 || len(evs) > 65 {
		t.Fatalf("want about 63 daily shifts, got %d", len(evs))
	}
	uids := map[string]bool{}
	for i, ev := range evs {
		st, err := ev.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		en, err := ev.GetEndAt()
		if err != nil {
			t.Fatal(err)
		}
		if raw := ev.GetProperty(ics.ComponentPropertyDtStart).Value; !strings.HasSuffix(raw, "Z") {
			t.Fatalf("DTSTART %q is not UTC", raw)
		}
		// After the first (from the layer's start), shifts begin at 09:00 in Berlin (07:00 or
		// 08:00 UTC) and last 23, 24 or 25 hours.
		if h := en.Sub(st); i > 0 && (h < 23*time.Hour || h > 25*time.Hour || st.Minute() != 0 || (st.Hour() != 7 && st.Hour() != 8)) {
			t.Fatalf("shift %v–%v", st, en)
		}
		sum := ev.GetProperty(ics.ComponentPropertySummary).Value
		want := "Ada Admin"
		if i%2 == 1 {
			want = "viewer@example.com"
		}
		if !strings.Contains(sum, want) || !strings.Contains(sum, "Primary") {
			t.Fatalf("summary %q does not name the person and schedule", sum)
		}
		uids[ev.Id()] = true
	}
	if len(uids) != len(evs) {
		t.Fatal("UIDs repeat")
	}
	for _, ev := range fetch(path).Events() {
		if !uids[ev.Id()] {
			t.Fatalf("UID %s changed between fetches", ev.Id())
		}
	}
	var feeds struct {
		Account struct {
			CalendarFeeds []struct {
				ID         string
				LastUsedAt *string
				Schedule   *struct{ Name string }
			}
		}
	}
	if err := c.MustOK(ctx, `query($a: ID!) { account(id: $a) { calendarFeeds { id lastUsedAt schedule { name } } } }`, map[string]any{"a": a.accountID}, &feeds); err != nil {
		t.Fatal(err)
	}
	if len(feeds.Account.CalendarFeeds) != 1 || feeds.Account.CalendarFeeds[0].LastUsedAt == nil || feeds.Account.CalendarFeeds[0].Schedule.Name != "Primary" {
		t.Fatalf("feeds: %+v", feeds)
	}

	// A personal feed has every other shift: the admin's.
	_, mine := newFeed(nil)
	personal := fetch(mine).Events()
	if n := len(personal); n != (len(evs)+1)/2 {
		t.Fatalf("personal feed has %d events, want %d", n, (len(evs)+1)/2)
	}
	for _, ev := range personal {
		if sum := ev.GetProperty(ics.ComponentPropertySummary).Value; !strings.Contains(sum, "Ada Admin") || !uids[ev.Id()] {
			t.Fatalf("personal event %q (%s)", sum, ev.Id())
		}
	}

	// Revoked and unknown tokens are 404.
	if err := c.MustOK(ctx, `mutation($id: ID!) { revokeCalendarFeed(id: $id) { feed { revokedAt } errors { message } } }`, map[string]any{"id": feedID}, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, "/calendar/sbcal_unknown"} {
		r, err := anon.Do(ctx, http.MethodGet, p, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusNotFound {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}

	// A viewer reads the schedule but cannot edit it.
	var vs struct {
		Account struct {
			Schedules []struct {
				Name          string
				FinalSchedule []struct{ User struct{ Name string } }
				OnCallAt      *struct {
					User  struct{ Name string }
					Layer *struct{ ID string }
				}
			}
			OnCallNow []struct {
				User     struct{ Name string }
				Schedule struct{ Name string }
			}
		}
	}
	now := time.Now().UTC()
	if err := viewer.MustOK(ctx, `query($a: ID!, $f: Time!, $t: Time!) { account(id: $a) { schedules { name finalSchedule(from: $f, to: $t) { user { name } } onCallAt { user { name } layer { id } } }
		onCallNow { user { name } schedule { name } } } }`,
		map[string]any{"a": a.accountID, "f": now.Format(time.RFC3339), "t": now.Add(72 * time.Hour).Format(time.RFC3339)}, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs.Account.Schedules) != 1 || len(vs.Account.Schedules[0].FinalSchedule) < 3 || vs.Account.Schedules[0].OnCallAt == nil ||
		vs.Account.Schedules[0].OnCallAt.Layer == nil || len(vs.Account.OnCallNow) != 1 ||
		vs.Account.OnCallNow[0].User.Name != vs.Account.Schedules[0].OnCallAt.User.Name || vs.Account.OnCallNow[0].Schedule.Name != "Primary" {
		t.Fatalf("viewer's schedules: %+v", vs)
	}
	res, err := viewer.GraphQL(ctx, `mutation($id: ID!) { updateSchedule(input: {id: $id, name: "Mine"}) { schedule { name } errors { code } } }`, map[string]any{"id": schID})
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		UpdateSchedule struct{ Errors []struct{ Code string } }
	}
	if err := res.Decode(&up); err != nil || len(up.UpdateSchedule.Errors) != 1 || up.UpdateSchedule.Errors[0].Code != "FORBIDDEN" {
		t.Fatalf("viewer updated a schedule: %s %v", res.Data, err)
	}
}

// TestEscalationPolicyGraphQL: a policy with levels on a schedule and a person, attached to a
// component, reads back through every field; deleting it or its schedule is refused with names.
func TestEscalationPolicyGraphQL(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	var me struct {
		Me struct{ User struct{ ID string } }
	}
	if err := c.MustOK(ctx, `{ me { user { id } } }`, nil, &me); err != nil {
		t.Fatal(err)
	}
	var d struct {
		CreateSchedule  struct{ Schedule struct{ ID string } }
		CreateComponent struct{ Component struct{ ID string } }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!) { createSchedule(input: {accountId: $a, name: "Primary", timeZone: "America/New_York"}) { schedule { id } }
		createComponent(input: {accountId: $a, name: "checkout"}) { component { id } } }`, map[string]any{"a": a.accountID}, &d); err != nil {
		t.Fatal(err)
	}
	var p struct {
		CreateEscalationPolicy struct {
			Policy struct{ ID string }
			Errors []struct{ Field, Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($a: ID!, $s: ID!, $u: ID!) { createEscalationPolicy(input: {accountId: $a, name: "Platform", repeat: 2,
		levels: [{timeoutMinutes: 10, targets: [{scheduleId: $s}]}, {timeoutMinutes: 30, targets: [{userId: $u}, {scheduleId: $s}]}]}) { policy { id } errors { field message } } }`,
		map[string]any{"a": a.accountID, "s": d.CreateSchedule.Schedule.ID, "u": me.Me.User.ID}, &p); err != nil || len(p.CreateEscalationPolicy.Errors) > 0 {
		t.Fatalf("create policy: %v %+v", err, p)
	}
	if err := c.MustOK(ctx, `mutation($c: ID!, $p: ID!) { setEscalationPolicy(input: {targetId: $c, policyId: $p}) { component { escalationPolicy { name } } errors { message } } }`,
		map[string]any{"c": d.CreateComponent.Component.ID, "p": p.CreateEscalationPolicy.Policy.ID}, nil); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Account struct {
			EscalationPolicies []struct {
				Name   string
				Repeat int
				Levels []struct {
					Position, TimeoutMinutes int
					Targets                  []struct {
						Schedule *struct{ Name string }
						User     *struct{ Name string }
					}
				}
				Components []struct{ Name string }
			}
			Schedules []struct {
				Policies []struct{ Name string }
			}
		}
	}
	if err := c.MustOK(ctx, `query($a: ID!) { account(id: $a) { escalationPolicies { name repeat levels { position timeoutMinutes targets { schedule { name } user { name } } } components { name } }
		schedules { policies { name } } } }`, map[string]any{"a": a.accountID}, &r); err != nil {
		t.Fatal(err)
	}
	ps := r.Account.EscalationPolicies
	if len(ps) != 1 || ps[0].Repeat != 2 || len(ps[0].Levels) != 2 || ps[0].Levels[1].TimeoutMinutes != 30 || len(ps[0].Levels[1].Targets) != 2 ||
		ps[0].Levels[1].Targets[0].User == nil || ps[0].Levels[1].Targets[0].User.Name != "Ada Admin" || ps[0].Levels[1].Targets[1].Schedule.Name != "Primary" ||
		len(ps[0].Components) != 1 || ps[0].Components[0].Name != "checkout" {
		t.Fatalf("policy read back: %+v", ps)
	}
	if len(r.Account.Schedules) != 1 || len(r.Account.Schedules[0].Policies) != 1 || r.Account.Schedules[0].Policies[0].Name != "Platform" {
		t.Fatalf("schedule's policies: %+v", r.Account.Schedules)
	}
	for _, q := range []struct{ query, id, want string }{
		{`mutation($id: ID!) { deleteEscalationPolicy(id: $id) { deletedId errors { code message } } }`, p.CreateEscalationPolicy.Policy.ID, `\"checkout\"`},
		{`mutation($id: ID!) { deleteSchedule(id: $id) { deletedId errors { code message } } }`, d.CreateSchedule.Schedule.ID, `\"Platform\"`},
	} {
		res, err := c.GraphQL(ctx, q.query, map[string]any{"id": q.id})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(res.Data), "CONFLICT") || !strings.Contains(string(res.Data), q.want) || strings.Contains(string(res.Data), `"deletedId":"`) {
			t.Fatalf("delete was not refused naming %s: %s", q.want, res.Data)
		}
	}
}

// An API token reaches one account: it does not read its creator's contact methods (an ntfy
// topic URL is enough to read every page of every account) nor their rules.
func TestAPITokenCannotReadContactMethods(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)
	if err := c.MustOK(ctx, `mutation { createContactMethod(input: {kind: NTFY, address: "https://ntfy.example/ada-secret-topic"}) { contactMethod { id } errors { message } } }`, nil, nil); err != nil {
		t.Fatal(err)
	}
	var tok struct {
		CreateApiToken struct{ Secret string }
	}
	if err := c.MustOK(ctx, `mutation($a: ID!, $e: Time!) { createApiToken(input: {accountId: $a, name: "ci", role: VIEWER, expiresAt: $e}) { secret } }`,
		map[string]any{"a": a.accountID, "e": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &tok); err != nil {
		t.Fatal(err)
	}
	api := &servertest.Client{BaseURL: c.BaseURL, HTTP: c.HTTP, Token: tok.CreateApiToken.Secret}
	r, err := api.GraphQL(ctx, `{ me { user { id contactMethods { address } notificationRules { id } } } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(r.Data), "ntfy") || strings.Contains(string(r.Data), "@") {
		t.Fatalf("a token read its creator's contact methods: %s", r.Data)
	}
}

package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"
	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server"
	"github.com/switchboard-hub/switchboard/server/servertest"
	"github.com/switchboard-hub/switchboard/server/statuspage"
)

// logCapture records every log line the server writes (at debug and up).
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.buf.String()), "\n")
}

func (l *logCapture) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
}

// mustStartLogged is MustStart with the log captured at debug level.
func mustStartLogged(tb testing.TB) (*server.Main, *servertest.Client, *logCapture) {
	tb.Helper()
	env := map[string]string{
		"SWITCHBOARD_ADDR": "127.0.0.1:0", "SWITCHBOARD_DATA_DIR": tb.TempDir(), "SWITCHBOARD_SECRET_KEY": testSecret,
		"SWITCHBOARD_JWT_KEY": testJWTKey, "SWITCHBOARD_LOG_LEVEL": "debug",
		"SWITCHBOARD_DATABASE_URL": modeltest.MustPostgresURL(tb), "SWITCHBOARD_REDIS_URL": modeltest.MustRedisURL(tb),
	}
	cfg, _, err := server.LoadConfig("serve", nil, func(k string) string { return env[k] })
	if err != nil {
		tb.Fatal(err)
	}
	logs := &logCapture{}
	var out io.Writer = logs
	if os.Getenv("SWITCHBOARD_TEST_LOG") != "" {
		out = io.MultiWriter(logs, os.Stderr)
	}
	m := server.NewMain(cfg, slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()
	if err := m.Open(ctx, true); err != nil {
		tb.Fatalf("open: %v", err)
	}
	if err := m.Serve(ctx, false); err != nil {
		tb.Fatalf("serve: %v", err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m, servertest.NewClient("http://" + m.Addr), logs
}

// statusFixture is a server with an account, two components in a group and one ungrouped,
// a page on them, an unresolved public incident with two updates, a resolved one, and a
// scheduled and an in-progress maintenance window (their rows inserted directly).
type statusFixture struct {
	m                       *server.Main
	c                       *servertest.Client
	logs                    *logCapture
	acc                     string
	api, web, db            string
	page                    string
	incident, oldIncident   string
	maintSoon, maintNow     string
	maintCancelled          string
	baseURL                 string
	noRedirect              *http.Client
	queries                 atomic.Int64
	countQueries            atomic.Bool
	pageID, privatePageSlug string
}

func mustStatusFixture(t *testing.T) *statusFixture {
	t.Helper()
	m, c, logs := mustStartLogged(t)
	MustSetup(t, c)
	f := &statusFixture{m: m, c: c, logs: logs, acc: accountOf(t, c).accountID, baseURL: c.BaseURL}
	f.noRedirect = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx := ctxT(t)
	comp := func(name string) string {
		var d struct {
			CreateComponent struct{ Component struct{ ID string } }
		}
		if err := c.MustOK(ctx, `mutation($a: ID!, $n: String!) { createComponent(input: {accountId: $a, name: $n, description: "The public API"}) { component { id } } }`,
			map[string]any{"a": f.acc, "n": name}, &d); err != nil {
			t.Fatal(err)
		}
		return d.CreateComponent.Component.ID
	}
	f.api, f.web, f.db = comp("api-internal"), comp("Website"), comp("Database")
	var cp struct {
		CreateStatusPage struct {
			StatusPage struct{ ID, URL string }
			Errors     []struct{ Message string }
		}
	}
	if err := c.MustOK(ctx, `mutation($a: ID!, $c: [StatusPageComponentInput!]) { createStatusPage(input: {accountId: $a, name: "Acme Status", slug: "acme",
		visibility: PUBLIC, headline: "Acme's services", brandColor: "#0a7d3b", timeZone: "Europe/Berlin", components: $c}) { statusPage { id url } errors { message } } }`,
		map[string]any{"a": f.acc, "c": []map[string]any{
			{"componentId": f.api, "group": "Core", "displayName": "API"}, {"componentId": f.db, "group": "Core"}, {"componentId": f.web},
		}}, &cp); err != nil || len(cp.CreateStatusPage.Errors) > 0 {
		t.Fatalf("create page: %v %+v", err, cp)
	}
	f.page = cp.CreateStatusPage.StatusPage.ID

	db := m.DB
	now := time.Now().UTC()
	partial := models.StatusPartialOutage
	mustExec(t, db.DB.Model(&models.Component{}).Where("id = ?", f.api).Update("public_status", partial).Error)
	f.incident, f.oldIncident = newUUID(), newUUID()
	resolvedAt := now.Add(-48 * time.Hour)
	mustExec(t, db.Create(&[]models.PublicIncident{
		{ID: f.incident, AccountID: f.acc, Title: "Elevated API errors", Status: models.PublicIdentified, Impact: models.ImpactMajor, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-10 * time.Minute)},
		{ID: f.oldIncident, AccountID: f.acc, Title: "Slow website", Status: models.PublicResolved, Impact: models.ImpactMinor, CreatedAt: now.Add(-50 * time.Hour), UpdatedAt: resolvedAt, ResolvedAt: &resolvedAt},
	}).Error)
	mustExec(t, db.Create(&[]models.PublicIncidentUpdate{
		{ID: newUUID(), PublicIncidentID: f.incident, Status: models.PublicInvestigating, Message: "We are looking into errors on the API.", Components: `[{"component_id":"` + f.api + `","status":"degraded_performance"}]`, AuthorLabel: "Ada", CreatedAt: now.Add(-time.Hour)},
		{ID: newUUID(), PublicIncidentID: f.incident, Status: models.PublicIdentified, Message: "A bad deploy: rolling back.", Components: `[{"component_id":"` + f.api + `","status":"partial_outage"}]`, AuthorLabel: "Ada", CreatedAt: now.Add(-10 * time.Minute)},
		{ID: newUUID(), PublicIncidentID: f.oldIncident, Status: models.PublicResolved, Message: "The website is fast again.", Components: `[{"component_id":"` + f.web + `","status":"operational"}]`, AuthorLabel: "Ada", CreatedAt: resolvedAt},
	}).Error)
	mustExec(t, db.Create(&[]models.PublicIncidentComponent{
		{PublicIncidentID: f.incident, ComponentID: f.api, Status: models.StatusPartialOutage},
		{PublicIncidentID: f.oldIncident, ComponentID: f.web, Status: models.StatusOperational},
	}).Error)
	f.maintSoon, f.maintNow = newUUID(), newUUID()
	started := now.Add(-30 * time.Minute)
	mustExec(t, db.Create(&[]models.MaintenanceWindow{
		{ID: f.maintSoon, AccountID: f.acc, Title: "Database upgrade", Message: "Read-only for ten minutes.", StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(25 * time.Hour), Status: models.MaintenanceScheduled, CreatedAt: now, UpdatedAt: now},
		{ID: f.maintNow, AccountID: f.acc, Title: "Website move", StartsAt: started, EndsAt: now.Add(time.Hour), Status: models.MaintenanceInProgress, CreatedAt: now.Add(-time.Hour), UpdatedAt: started, StartedAt: &started},
	}).Error)
	f.maintCancelled = newUUID()
	mustExec(t, db.Create(&models.MaintenanceWindow{ID: f.maintCancelled, AccountID: f.acc, Title: "Called-off window", StartsAt: now.Add(48 * time.Hour),
		EndsAt: now.Add(49 * time.Hour), Status: models.MaintenanceCancelled, CreatedAt: now, UpdatedAt: now}).Error)
	mustExec(t, db.Create(&[]models.MaintenanceComponent{{WindowID: f.maintSoon, ComponentID: f.db}, {WindowID: f.maintNow, ComponentID: f.web},
		{WindowID: f.maintCancelled, ComponentID: f.db}}).Error)
	mustExec(t, db.DB.Model(&models.Component{}).Where("id = ?", f.web).Update("public_status", models.StatusUnderMaintenance).Error)

	// Count every query the server runs (the no-query proof).
	count := func(*gorm.DB) {
		if f.countQueries.Load() {
			f.queries.Add(1)
		}
	}
	cb := db.DB.Callback()
	mustExec(t, cb.Query().Before("gorm:query").Register("test:count_query", count))
	mustExec(t, cb.Row().Before("gorm:row").Register("test:count_row", count))
	mustExec(t, cb.Raw().Before("gorm:raw").Register("test:count_raw", count))
	mustExec(t, cb.Update().Before("gorm:update").Register("test:count_update", count))
	mustExec(t, cb.Create().Before("gorm:create").Register("test:count_create", count))
	return f
}

func mustExec(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

var uuidN atomic.Int64

func newUUID() string {
	return fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", uuidN.Add(1)+time.Now().UnixNano()%1000000*1000)
}

type httpResult struct {
	status int
	header http.Header
	body   []byte
}

func (f *statusFixture) get(t *testing.T, path string, hdr map[string]string) httpResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.baseURL+path, nil)
	mustExec(t, err)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	if _, ok := hdr["Accept-Encoding"]; !ok {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := f.noRedirect.Do(req)
	mustExec(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	mustExec(t, err)
	return httpResult{status: resp.StatusCode, header: resp.Header, body: b}
}

func wantStatus(t *testing.T, r httpResult, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

func wantContains(t *testing.T, body []byte, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !bytes.Contains(body, []byte(p)) {
			if len(body) > 3000 {
				body = body[:3000]
			}
			t.Fatalf("body lacks %q:\n%s", p, body)
		}
	}
}

func TestStatusPagePublic(t *testing.T) {
	f := mustStatusFixture(t)

	t.Run("Page", func(t *testing.T) {
		r := f.get(t, "/status/acme", nil)
		wantStatus(t, r, 200)
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
		b := r.body
		wantContains(t, b, `<html lang="en">`, "<main", "<header", "<footer", `<h1`, "Acme Status", "Acme&#39;s services",
			// The banner: the worst component status (partial outage); maintenance does not raise it.
			`class="banner partial"`, "Partial System Outage",
			"Core", "<h4>API</h4>", "<h3>Website</h3>", "Database", "Website", "Partial outage", "Under maintenance", "Operational",
			"Elevated API errors", "A bad deploy: rolling back.", "Earlier updates (1)", "We are looking into errors on the API.",
			"Database upgrade", "Website move", "Slow website", "--brand:#0a7d3b",
			"prefers-color-scheme: dark", `href="/status/acme/history"`)
		if bytes.Contains(b, []byte("<script")) {
			t.Fatal("the page has a script")
		}
		if bytes.Contains(b, []byte("Called-off window")) {
			t.Fatal("the page shows a cancelled window")
		}
		if bytes.Contains(b, []byte("api-internal")) {
			t.Fatal("the page shows the component's internal name instead of its display name")
		}
		// 90 focusable bars per component, each with its day's text for screen readers.
		bars := regexp.MustCompile(`<li class="(nodata|ok|degraded|partial|major|maint)" tabindex="0" data-tip="[^"]+" title="[^"]+"><span class="sr">[^<]+</span></li>`).FindAll(b, -1)
		if len(bars) != 3*90 {
			t.Fatalf("%d uptime bars, want 270", len(bars))
		}
		if !bytes.Contains(b, []byte(": no data</span>")) {
			t.Fatal("days without data do not say so")
		}
		if cc := r.header.Get("Cache-Control"); cc != "public, max-age=5, stale-while-revalidate=30" {
			t.Fatalf("cache control %q", cc)
		}
		if r.header.Get("ETag") == "" || r.header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("headers %v", r.header)
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("csp %q", r.header.Get("Content-Security-Policy"))
		}
	})

	t.Run("Documents", func(t *testing.T) {
		wantContains(t, f.get(t, "/status/acme/history", nil).body, "Incident history", "Elevated API errors")
		wantStatus(t, f.get(t, "/status/acme/history?month=1999-01", nil), 404)
		wantStatus(t, f.get(t, "/status/acme/history?month=garbage", nil), 404)
		r := f.get(t, "/status/acme/incidents/"+f.incident, nil)
		wantStatus(t, r, 200)
		wantContains(t, r.body, "<h1>Elevated API errors</h1>", "We are looking into errors on the API.", "A bad deploy")
		wantStatus(t, f.get(t, "/status/acme/incidents/"+newUUID(), nil), 404)
		r = f.get(t, "/status/acme/maintenance/"+f.maintSoon, nil)
		wantStatus(t, r, 200)
		wantContains(t, r.body, "Database upgrade", "Read-only for ten minutes.", "Scheduled")
		wantStatus(t, f.get(t, "/status/acme/nothing-here", nil), 404)
	})

	t.Run("UnknownSlug", func(t *testing.T) {
		for _, p := range []string{"/status", "/status/", "/status/nope", "/status/nope/history", "/status/NOPE", "/status/nope/api/v2/summary.json"} {
			r := f.get(t, p, nil)
			wantStatus(t, r, 404)
			if bytes.Contains(r.body, []byte(`id="root"`)) {
				t.Fatalf("%s answered the console", p)
			}
		}
		r := f.get(t, "/status/nope", nil)
		wantContains(t, r.body, "<!doctype html>", "Page not found")
		if r.header.Get("Content-Type") != "text/html; charset=UTF-8" && r.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("404 content type %q", r.header.Get("Content-Type"))
		}
	})

	t.Run("ETagAndEncodings", func(t *testing.T) {
		plain := f.get(t, "/status/acme", nil)
		etag := plain.header.Get("ETag")
		wantStatus(t, f.get(t, "/status/acme", map[string]string{"If-None-Match": etag}), 304)
		wantStatus(t, f.get(t, "/status/acme", map[string]string{"If-None-Match": `"other"`}), 200)
		br := f.get(t, "/status/acme", map[string]string{"Accept-Encoding": "gzip, deflate, br"})
		if br.header.Get("Content-Encoding") != "br" || br.header.Get("ETag") != etag {
			t.Fatalf("br: %v", br.header)
		}
		dec, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br.body)))
		mustExec(t, err)
		if !bytes.Equal(dec, plain.body) || len(br.body) >= len(plain.body)/2 {
			t.Fatalf("brotli body: %d bytes decoded to %d, plain %d", len(br.body), len(dec), len(plain.body))
		}
		gz := f.get(t, "/status/acme", map[string]string{"Accept-Encoding": "gzip"})
		if gz.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("gzip: %v", gz.header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz.body))
		mustExec(t, err)
		dec, err = io.ReadAll(zr)
		mustExec(t, err)
		if !bytes.Equal(dec, plain.body) {
			t.Fatal("gzip body differs")
		}
		if r := f.get(t, "/status/acme", map[string]string{"Accept-Encoding": "br;q=0, gzip"}); r.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("br;q=0 honoured? %v", r.header)
		}
		// Each form is sent with its length (not chunked), and HEAD tells the same length.
		for _, r := range []httpResult{plain, br, gz, f.get(t, "/status/acme/api/v2/summary.json", map[string]string{"Accept-Encoding": "gzip"})} {
			if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
				t.Fatalf("Content-Length %q for %d bytes (%s)", cl, len(r.body), r.header.Get("Content-Encoding"))
			}
		}
		req, err := http.NewRequest(http.MethodHead, f.baseURL+"/status/acme", nil)
		mustExec(t, err)
		req.Header.Set("Accept-Encoding", "gzip")
		head, err := f.noRedirect.Do(req)
		mustExec(t, err)
		head.Body.Close()
		if head.StatusCode != 200 || head.Header.Get("Content-Length") != strconv.Itoa(len(gz.body)) || head.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("HEAD: %d %v (GET sent %d bytes)", head.StatusCode, head.Header, len(gz.body))
		}
	})

	t.Run("JSONShape", func(t *testing.T) {
		raw, err := os.ReadFile("testdata/statuspage_summary.json")
		mustExec(t, err)
		var want map[string]any
		mustExec(t, json.Unmarshal(raw, &want))
		r := f.get(t, "/status/acme/api/v2/summary.json", nil)
		wantStatus(t, r, 200)
		if r.header.Get("Content-Type") != "application/json" || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("headers %v", r.header)
		}
		var got map[string]any
		mustExec(t, json.Unmarshal(r.body, &got))
		compareShape(t, "summary", want, got)
		checkValues(t, got)
		st := got["status"].(map[string]any)
		if st["indicator"] != "major" || st["description"] != "Partial System Outage" {
			t.Fatalf("status %v", st)
		}
		comps := got["components"].([]any)
		// Core (group) + API + Database, then Website.
		if len(comps) != 4 {
			t.Fatalf("components %v", comps)
		}
		g := comps[0].(map[string]any)
		if g["group"] != true || g["name"] != "Core" || g["status"] != "partial_outage" || len(g["components"].([]any)) != 2 {
			t.Fatalf("group %v", g)
		}
		api := comps[1].(map[string]any)
		if api["name"] != "API" || api["group_id"] != g["id"] || api["status"] != "partial_outage" || api["position"].(float64) != 2 {
			t.Fatalf("api %v", api)
		}
		if web := comps[3].(map[string]any); web["group_id"] != nil || web["status"] != "under_maintenance" {
			t.Fatalf("web %v", web)
		}
		incs := got["incidents"].([]any)
		if len(incs) != 1 || incs[0].(map[string]any)["name"] != "Elevated API errors" {
			t.Fatalf("summary incidents are the unresolved ones: %v", incs)
		}
		ups := incs[0].(map[string]any)["incident_updates"].([]any)
		if len(ups) != 2 || ups[0].(map[string]any)["status"] != "identified" {
			t.Fatalf("updates newest first: %v", ups)
		}
		if bytes.Contains(r.body, []byte("Called-off window")) {
			t.Fatal("the JSON shows a cancelled window")
		}
		if sm := got["scheduled_maintenances"].([]any); len(sm) != 2 {
			t.Fatalf("scheduled maintenances: %v", sm)
		}
		// Every document answers with its part of the shape.
		for doc, keys := range map[string][]string{
			"status.json": {"page", "status"}, "components.json": {"page", "components"}, "incidents.json": {"page", "incidents"},
			"incidents/unresolved.json": {"page", "incidents"}, "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
			"scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"}, "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
		} {
			r := f.get(t, "/status/acme/api/v2/"+doc, nil)
			wantStatus(t, r, 200)
			var d map[string]any
			mustExec(t, json.Unmarshal(r.body, &d))
			if len(d) != len(keys) {
				t.Fatalf("%s: keys %v", doc, d)
			}
			for _, k := range keys {
				w := map[string]any{k: want[k]}
				compareShape(t, doc, w, map[string]any{k: d[k]})
			}
			checkValues(t, d)
		}
		count := func(doc, key string) int {
			var d map[string]any
			mustExec(t, json.Unmarshal(f.get(t, "/status/acme/api/v2/"+doc, nil).body, &d))
			return len(d[key].([]any))
		}
		if count("incidents.json", "incidents") != 2 || count("incidents/unresolved.json", "incidents") != 1 ||
			count("scheduled-maintenances/upcoming.json", "scheduled_maintenances") != 1 || count("scheduled-maintenances/active.json", "scheduled_maintenances") != 1 {
			t.Fatal("document lists")
		}
	})

	t.Run("Feeds", func(t *testing.T) {
		for _, p := range []string{"/status/acme/feed.atom", "/status/acme/feed.rss"} {
			r := f.get(t, p, nil)
			wantStatus(t, r, 200)
			feed, err := gofeed.NewParser().ParseString(string(r.body))
			if err != nil {
				t.Fatalf("%s: %v\n%s", p, err, r.body)
			}
			want := map[string]bool{"Elevated API errors (Identified)": false, "Slow website (Resolved)": false, "Maintenance: Database upgrade": false, "Maintenance: Website move": false}
			for _, it := range feed.Items {
				if _, ok := want[it.Title]; ok {
					want[it.Title] = true
				}
				if !strings.HasPrefix(it.Link, "http") {
					t.Fatalf("%s: relative link %q", p, it.Link)
				}
			}
			for title, seen := range want {
				if !seen {
					t.Fatalf("%s lacks %q: %+v", p, title, feed.Items)
				}
			}
			if (p == "/status/acme/feed.atom") != (feed.FeedType == "atom") {
				t.Fatalf("%s is %s", p, feed.FeedType)
			}
		}
		r := f.get(t, "/status/acme/maintenance.ics", nil)
		wantStatus(t, r, 200)
		cal, err := ics.ParseCalendar(bytes.NewReader(r.body))
		mustExec(t, err)
		evs := cal.Events()
		if len(evs) != 3 {
			t.Fatalf("%d events", len(evs))
		}
		for _, ev := range evs {
			if ev.Id() == f.maintCancelled+"@switchboard" {
				if st := ev.GetProperty(ics.ComponentPropertyStatus); st == nil || st.Value != "CANCELLED" {
					t.Fatalf("cancelled window: %v", st)
				}
				continue
			}
			if ev.Id() != f.maintSoon+"@switchboard" && ev.Id() != f.maintNow+"@switchboard" {
				t.Fatalf("uid %q", ev.Id())
			}
			start, err := ev.GetStartAt()
			mustExec(t, err)
			if ev.Id() == f.maintSoon+"@switchboard" && (ev.GetProperty(ics.ComponentPropertySummary).Value != "Database upgrade" || time.Until(start) < 23*time.Hour) {
				t.Fatalf("event %s at %v", ev.GetProperty(ics.ComponentPropertySummary).Value, start)
			}
		}
	})

	t.Run("CustomHost", func(t *testing.T) {
		ctx := ctxT(t)
		var up struct {
			UpdateStatusPage struct{ Errors []struct{ Message string } }
		}
		mustExec(t, f.c.MustOK(ctx, `mutation($id: ID!) { updateStatusPage(input: {id: $id, customHost: "Status.Acme.test"}) { errors { message } } }`, map[string]any{"id": f.page}, &up))
		if len(up.UpdateStatusPage.Errors) > 0 {
			t.Fatal(up)
		}
		host := map[string]string{"Host": "status.acme.test:8443"}
		var r httpResult
		deadline := time.Now().Add(3 * time.Second)
		for {
			r = f.get(t, "/", host)
			if r.status == 200 || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		wantStatus(t, r, 200)
		wantContains(t, r.body, "Acme Status", `href="/history"`, `href="/incidents/`+f.incident+`"`)
		if bytes.Contains(r.body, []byte("/status/acme")) {
			t.Fatal("custom host page links to /status/acme")
		}
		wantContains(t, f.get(t, "/history", host).body, "Incident history")
		wantStatus(t, f.get(t, "/incidents/"+f.incident, host), 200)
		// Pages are served stale for a moment while a change reloads them: wait for the host.
		var j httpResult
		eventually(t, "status.json names the custom host", func() bool {
			j = f.get(t, "/api/v2/status.json", host)
			return bytes.Contains(j.body, []byte(`"url":"http://status.acme.test/"`))
		})
		wantStatus(t, j, 200)
		wantContains(t, j.body, `"indicator":"major"`)
		// Only the page is served there: no console, no API.
		wantStatus(t, f.get(t, "/graphql", host), 404)
		// The console's host is untouched.
		if r := f.get(t, "/", nil); r.status != 200 || bytes.Contains(r.body, []byte("Acme Status")) {
			t.Fatalf("console host: %d", r.status)
		}
	})
}

// compareShape checks got has every key of want with a value of the same JSON type (null in
// either is accepted where the other is a string: Statuspage's nullable timestamps and texts),
// recursively, arrays by their first elements.
func compareShape(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Fatalf("%s: got %T, want an object", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				t.Fatalf("%s.%s is missing (null, not missing, for absent values)", path, k)
			}
			compareShape(t, path+"."+k, wv, gv)
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			t.Fatalf("%s: got %T, want an array", path, got)
		}
		if len(w) > 0 && len(g) > 0 {
			for i := range g {
				compareShape(t, fmt.Sprintf("%s[%d]", path, i), w[0], g[i])
			}
		}
	case nil:
		if _, isObj := got.(map[string]any); isObj {
			t.Fatalf("%s: got an object, want null or a scalar", path)
		}
	case string:
		if _, ok := got.(string); !ok && got != nil {
			t.Fatalf("%s: got %T (%v), want a string", path, got, got)
		}
	case float64:
		if _, ok := got.(float64); !ok {
			t.Fatalf("%s: got %T, want a number", path, got)
		}
	case bool:
		if _, ok := got.(bool); !ok {
			t.Fatalf("%s: got %T, want a boolean", path, got)
		}
	}
}

// checkValues checks the value sets of Statuspage's enumerations wherever they appear.
func checkValues(t *testing.T, doc map[string]any) {
	t.Helper()
	sets := map[string]map[string]bool{
		"component": {"operational": true, "degraded_performance": true, "partial_outage": true, "major_outage": true, "under_maintenance": true},
		"incident":  {"investigating": true, "identified": true, "monitoring": true, "resolved": true, "postmortem": true},
		"impact":    {"none": true, "minor": true, "major": true, "critical": true},
		"maint":     {"scheduled": true, "in_progress": true, "verifying": true, "completed": true},
	}
	check := func(set, v any) {
		if s, _ := v.(string); !sets[set.(string)][s] {
			t.Fatalf("%v is not a Statuspage %s value", v, set)
		}
	}
	if st, ok := doc["status"].(map[string]any); ok {
		if i := st["indicator"]; i != "none" && i != "minor" && i != "major" && i != "critical" {
			t.Fatalf("indicator %v", i)
		}
	}
	comps, _ := doc["components"].([]any)
	for _, c := range comps {
		check("component", c.(map[string]any)["status"])
	}
	incs, _ := doc["incidents"].([]any)
	for _, i := range incs {
		im := i.(map[string]any)
		check("incident", im["status"])
		check("impact", im["impact"])
		for _, u := range im["incident_updates"].([]any) {
			check("incident", u.(map[string]any)["status"])
		}
	}
	sms, _ := doc["scheduled_maintenances"].([]any)
	for _, s := range sms {
		sm := s.(map[string]any)
		check("maint", sm["status"])
		if sm["impact"] != "maintenance" && !sets["impact"][fmt.Sprint(sm["impact"])] {
			t.Fatalf("maintenance impact %v", sm["impact"])
		}
	}
}

func (f *statusFixture) makePrivate(t *testing.T) {
	t.Helper()
	var up struct {
		UpdateStatusPage struct{ Errors []struct{ Message string } }
	}
	mustExec(t, f.c.MustOK(ctxT(t), `mutation($id: ID!) { updateStatusPage(input: {id: $id, visibility: PRIVATE}) { errors { message } } }`, map[string]any{"id": f.page}, &up))
	if len(up.UpdateStatusPage.Errors) > 0 {
		t.Fatal(up)
	}
}

// pastGrace is long enough for a cached page to be past its TTL and past the grace in which a
// stale copy is still served (while a background load, whose queries a burst would count,
// replaces it): the next read loads in line.
const pastGrace = statuspage.TTL + 1100*time.Millisecond

// eventually retries check for up to 3 s (the cache follows hints; the TTL is 1 s).
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 3 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func cookieOf(t *testing.T, r httpResult) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == models.ViewerCookieName {
			return c
		}
	}
	t.Fatalf("no viewer cookie: %v", r.header)
	return nil
}

func TestStatusPagePrivate(t *testing.T) {
	f := mustStatusFixture(t)
	ctx := ctxT(t)
	wantStatus(t, f.get(t, "/status/acme", nil), 200)
	f.makePrivate(t)

	refused := func(r httpResult) bool {
		return r.status == 401 && !bytes.Contains(r.body, []byte("Acme Status")) && !bytes.Contains(r.body, []byte("Elevated API errors")) &&
			!bytes.Contains(r.body, []byte("Database"))
	}
	eventually(t, "the page turns private", func() bool { return refused(f.get(t, "/status/acme", nil)) })
	r := f.get(t, "/status/acme", nil)
	wantContains(t, r.body, "This status page is private")
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("cache control %q", r.header.Get("Cache-Control"))
	}
	for _, p := range []string{"/status/acme/history", "/status/acme/incidents/" + f.incident, "/status/acme/feed.atom", "/status/acme/maintenance.ics",
		"/status/acme/api/v2/summary.json", "/status/acme/api/v2/components.json", "/status/acme/nothing"} {
		if r := f.get(t, p, nil); !refused(r) {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
	}
	if r := f.get(t, "/status/acme/api/v2/summary.json", nil); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("JSON refusal is %q", r.header.Get("Content-Type"))
	}
	// A forged cookie does nothing.
	if r := f.get(t, "/status/acme", map[string]string{"Cookie": models.ViewerCookieName + "=v1." + f.page + ".-.99999999999.AAAA"}); !refused(r) {
		t.Fatal("forged cookie accepted")
	}

	// A viewer link sets the cookie (HttpOnly, Lax, scoped to the page) and redirects.
	var vl struct {
		CreateViewerLink struct {
			Viewer struct{ ID string }
			URL    string
		}
	}
	mustExec(t, f.c.MustOK(ctx, `mutation($p: ID!) { createViewerLink(input: {pageId: $p, label: "Board"}) { viewer { id } url } }`, map[string]any{"p": f.page}, &vl))
	link := vl.CreateViewerLink.URL
	i := strings.Index(link, "/status/acme?viewer=")
	if i < 0 {
		t.Fatalf("link %q", link)
	}
	r = f.get(t, link[i:], nil)
	wantStatus(t, r, 303)
	if loc := r.header.Get("Location"); loc != "/status/acme" {
		t.Fatalf("redirect to %q", loc)
	}
	ck := cookieOf(t, r)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/status/acme" || ck.Secure || ck.MaxAge < 29*24*3600 {
		t.Fatalf("cookie %+v", ck)
	}
	withCookie := map[string]string{"Cookie": ck.Name + "=" + ck.Value}
	r = f.get(t, "/status/acme", withCookie)
	wantStatus(t, r, 200)
	wantContains(t, r.body, "Acme Status", `<meta name="robots" content="noindex">`)
	if r.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("private cache control %q", r.header.Get("Cache-Control"))
	}
	wantStatus(t, f.get(t, "/status/acme/api/v2/summary.json", withCookie), 200)
	// A private page read with a viewer link's cookie runs no query either once cached (the
	// link's state is cached with the page).
	for attempt := 0; ; attempt++ {
		f.get(t, "/status/acme", withCookie)
		start := time.Now()
		f.queries.Store(0)
		f.countQueries.Store(true)
		for i := 0; i < 20; i++ {
			wantStatus(t, f.get(t, "/status/acme", withCookie), 200)
		}
		f.countQueries.Store(false)
		// An entry loaded just before the burst may expire during it: only a burst that ran
		// well within the TTL and still queried in every attempt fails the test.
		n := f.queries.Load()
		if time.Since(start) < statuspage.TTL-100*time.Millisecond && n == 0 {
			break
		}
		if attempt == 4 {
			t.Fatalf("cached private reads ran %d queries (or were too slow) in every attempt", n)
		}
		time.Sleep(pastGrace) // let everything expire: the next read reloads it all, in line
	}
	var lastUsed struct {
		StatusPage struct {
			Viewers []struct{ LastUsedAt *string }
		}
	}
	mustExec(t, f.c.MustOK(ctx, `query($id: ID!) { statusPage(id: $id) { viewers { lastUsedAt } } }`, map[string]any{"id": f.page}, &lastUsed))
	if len(lastUsed.StatusPage.Viewers) != 1 || lastUsed.StatusPage.Viewers[0].LastUsedAt == nil {
		t.Fatalf("last used not recorded: %+v", lastUsed)
	}
	// Another page's cookie is not this page's.
	if r := f.get(t, "/status/acme", map[string]string{"Cookie": ck.Name + "=" + strings.Replace(ck.Value, f.page, newUUID(), 1)}); !refused(r) {
		t.Fatal("cookie of another page accepted")
	}

	// Revoking the link ends the link and the cookies it set.
	mustExec(t, f.c.MustOK(ctx, `mutation($id: ID!) { revokeViewerLink(id: $id) { viewer { revokedAt } } }`, map[string]any{"id": vl.CreateViewerLink.Viewer.ID}, nil))
	eventually(t, "the revoked link's cookie stops working", func() bool { return refused(f.get(t, "/status/acme", withCookie)) })
	if r := f.get(t, link[i:], nil); r.status != 401 || len(r.header.Values("Set-Cookie")) > 0 {
		t.Fatalf("revoked link: %d %v", r.status, r.header)
	}

	// viewerCookieLink: a console member's short-lived link, once.
	var vc struct {
		ViewerCookieLink struct{ URL string }
	}
	mustExec(t, f.c.MustOK(ctx, `mutation($p: ID!) { viewerCookieLink(pageId: $p) { url } }`, map[string]any{"p": f.page}, &vc))
	j := strings.Index(vc.ViewerCookieLink.URL, "/status/acme?access=")
	if j < 0 {
		t.Fatalf("cookie link %q", vc.ViewerCookieLink.URL)
	}
	r = f.get(t, vc.ViewerCookieLink.URL[j:], nil)
	wantStatus(t, r, 303)
	ck2 := cookieOf(t, r)
	wantStatus(t, f.get(t, "/status/acme/history", map[string]string{"Cookie": ck2.Name + "=" + ck2.Value}), 200)
	if r := f.get(t, vc.ViewerCookieLink.URL[j:], nil); r.status != 401 {
		t.Fatalf("second use: %d", r.status)
	}
}

// TestStatusPageCache proves a cached request runs no query and writes no info log line, and
// that a change reaches the page at once through the hints.
func TestStatusPageCache(t *testing.T) {
	f := mustStatusFixture(t)
	ctx := ctxT(t)
	paths := []string{"/status/acme", "/status/acme/api/v2/summary.json", "/status/acme/feed.atom", "/status/nope"}
	proved := false
	for attempt := 0; attempt < 5 && !proved; attempt++ {
		if attempt > 0 {
			time.Sleep(pastGrace) // everything expires: the next reads all miss
		}
		// Misses load (and count queries) …
		f.queries.Store(0)
		f.countQueries.Store(true)
		start := time.Now()
		for _, p := range paths {
			f.get(t, p, nil)
		}
		if f.queries.Load() == 0 {
			t.Fatal("the query counter counts nothing: the proof below would prove nothing")
		}
		// … then a burst of hits within the TTL runs none and logs nothing at info.
		f.queries.Store(0)
		f.logs.reset()
		for i := 0; i < 25; i++ {
			for _, p := range paths {
				r := f.get(t, p, map[string]string{"Accept-Encoding": "gzip"})
				if p != "/status/nope" && r.status != 200 {
					t.Fatalf("%s: %d", p, r.status)
				}
			}
		}
		n := f.queries.Load()
		f.countQueries.Store(false)
		if time.Since(start) >= statuspage.TTL-100*time.Millisecond {
			continue // too slow a machine to stay within the TTL: try again
		}
		if n != 0 {
			t.Fatalf("%d queries for cached requests", n)
		}
		for _, l := range f.logs.lines() {
			if strings.Contains(l, `"level":"INFO"`) || strings.Contains(l, `"level":"WARN"`) {
				t.Fatalf("cached request logged at info: %s", l)
			}
		}
		if !strings.Contains(strings.Join(f.logs.lines(), "\n"), `"route":"/status/:slug"`) {
			t.Fatal("no debug access line: the log check proves nothing")
		}
		proved = true
	}
	if !proved {
		t.Fatal("could not run 100 requests within the TTL")
	}

	// A change shows at once (the hint), well before the TTL would.
	before := f.get(t, "/status/acme", nil).header.Get("ETag")
	mustExec(t, f.c.MustOK(ctx, `mutation($id: ID!) { updateStatusPage(input: {id: $id, headline: "Changed headline"}) { errors { message } } }`, map[string]any{"id": f.page}, nil))
	eventually(t, "the change reaches the page", func() bool {
		r := f.get(t, "/status/acme", nil)
		return bytes.Contains(r.body, []byte("Changed headline")) && r.header.Get("ETag") != before
	})
	// The TTL alone refreshes what no hint announces (a row changed behind the store's back).
	mustExec(t, f.m.DB.DB.Exec("UPDATE public_incidents SET title = 'Retitled quietly' WHERE id = ?", f.incident).Error)
	eventually(t, "the TTL refreshes the page", func() bool {
		return bytes.Contains(f.get(t, "/status/acme", nil).body, []byte("Retitled quietly"))
	})
}

// The console's GraphQL side: typed errors that change nothing, display names, members' view of
// viewer links, delete.
func TestStatusPageGraphQL(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	MustSetup(t, c)
	ctx := ctxT(t)
	acc := accountOf(t, c)
	var cc struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	mustExec(t, c.MustOK(ctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "Payments"}) { component { id } } }`, map[string]any{"a": acc.accountID}, &cc))
	type payload struct {
		StatusPage *struct {
			ID, Slug, URL string
			Components    []struct {
				DisplayName, Group string
				Position           int
				Component          struct{ Name string }
			}
		}
		Errors []struct{ Code, Field, Message string }
	}
	create := func(slug string) payload {
		var d struct{ CreateStatusPage payload }
		mustExec(t, c.MustOK(ctx, `mutation($a: ID!, $s: String!, $c: ID!) { createStatusPage(input: {accountId: $a, name: "Pay", slug: $s, visibility: PUBLIC,
			components: [{componentId: $c, group: "Money"}]}) { statusPage { id slug url components { displayName group position component { name } } } errors { code field message } } }`,
			map[string]any{"a": acc.accountID, "s": slug, "c": cc.CreateComponent.Component.ID}, &d))
		return d.CreateStatusPage
	}
	p := create("pay")
	if p.StatusPage == nil || len(p.Errors) != 0 || !strings.HasSuffix(p.StatusPage.URL, "/status/pay") {
		t.Fatalf("create: %+v", p)
	}
	if cs := p.StatusPage.Components; len(cs) != 1 || cs[0].DisplayName != "Payments" || cs[0].Group != "Money" || cs[0].Component.Name != "Payments" {
		t.Fatalf("components %+v", cs)
	}
	for slug, want := range map[string]string{"pay": "CONFLICT", "Pay Page": "INVALID", "api": "INVALID"} {
		got := create(slug)
		if got.StatusPage != nil || len(got.Errors) != 1 || got.Errors[0].Code != want || got.Errors[0].Field != "slug" {
			t.Fatalf("slug %q: %+v", slug, got)
		}
	}
	var list struct {
		Account struct{ StatusPages []struct{ Slug string } }
	}
	mustExec(t, c.MustOK(ctx, `query($a: ID!) { account(id: $a) { statusPages { slug } } }`, map[string]any{"a": acc.accountID}, &list))
	if len(list.Account.StatusPages) != 1 {
		t.Fatalf("pages %+v", list)
	}
	// A member sees the page but not its viewer links, and cannot change it.
	mustExec(t, c.MustOK(ctx, `mutation($p: ID!) { createViewerLink(input: {pageId: $p, label: "Board"}) { viewer { id } } }`, map[string]any{"p": p.StatusPage.ID}, nil))
	member, _ := addUser(t, acc, "member@example.com", "MEMBER")
	var seen struct {
		StatusPage struct{ Viewers []struct{ ID string } }
	}
	mustExec(t, member.MustOK(ctx, `query($id: ID!) { statusPage(id: $id) { viewers { id } } }`, map[string]any{"id": p.StatusPage.ID}, &seen))
	if len(seen.StatusPage.Viewers) != 0 {
		t.Fatalf("a member sees viewer links: %+v", seen)
	}
	var upd struct {
		UpdateStatusPage payload
	}
	mustExec(t, member.MustOK(ctx, `mutation($id: ID!) { updateStatusPage(input: {id: $id, name: "Mine"}) { statusPage { id } errors { code field message } } }`, map[string]any{"id": p.StatusPage.ID}, &upd))
	if len(upd.UpdateStatusPage.Errors) != 1 || upd.UpdateStatusPage.Errors[0].Code != "FORBIDDEN" {
		t.Fatalf("member update: %+v", upd)
	}
	// A member may open a private page in their browser.
	var vc struct {
		ViewerCookieLink struct{ URL string }
	}
	mustExec(t, member.MustOK(ctx, `mutation($p: ID!) { viewerCookieLink(pageId: $p) { url } }`, map[string]any{"p": p.StatusPage.ID}, &vc))
	if !strings.Contains(vc.ViewerCookieLink.URL, "/status/pay?access=") {
		t.Fatalf("cookie link %q", vc.ViewerCookieLink.URL)
	}
	var del struct {
		DeleteStatusPage struct {
			DeletedID *string
			Errors    []struct{ Code string }
		}
	}
	mustExec(t, c.MustOK(ctx, `mutation($id: ID!) { deleteStatusPage(id: $id) { deletedId errors { code } } }`, map[string]any{"id": p.StatusPage.ID}, &del))
	if del.DeleteStatusPage.DeletedID == nil || *del.DeleteStatusPage.DeletedID != p.StatusPage.ID {
		t.Fatalf("delete %+v", del)
	}
	var gone struct{ StatusPage *struct{ ID string } }
	mustExec(t, c.MustOK(ctx, `query($id: ID!) { statusPage(id: $id) { id } }`, map[string]any{"id": p.StatusPage.ID}, &gone))
	if gone.StatusPage != nil {
		t.Fatal("deleted page still found")
	}
}

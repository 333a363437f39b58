package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/uptime"
)

func snapOf(statuses []models.ComponentStatus, impacts ...models.Impact) *models.PageSnapshot {
	s := &models.PageSnapshot{Loc: time.UTC, Now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	for i, st := range statuses {
		s.Components = append(s.Components, &models.SnapshotComponent{ID: string(rune('a' + i)), Status: st})
	}
	for _, im := range impacts {
		s.Incidents = append(s.Incidents, &models.SnapshotIncident{PublicIncident: models.PublicIncident{Impact: im, Status: models.PublicInvestigating}})
	}
	return s
}

func TestRollup(t *testing.T) {
	op, deg, part, maj, mnt := models.StatusOperational, models.StatusDegradedPerformance, models.StatusPartialOutage, models.StatusMajorOutage, models.StatusUnderMaintenance
	for _, tc := range []struct {
		name                 string
		snap                 *models.PageSnapshot
		indicator, desc, cls string
	}{
		{"AllOperational", snapOf([]models.ComponentStatus{op, op}), "none", "All Systems Operational", "ok"},
		{"NoComponents", snapOf(nil), "none", "All Systems Operational", "ok"},
		{"MaintenanceDoesNotRaise", snapOf([]models.ComponentStatus{op, mnt}), "none", "Service Under Maintenance", "maint"},
		{"Degraded", snapOf([]models.ComponentStatus{deg, mnt}), "minor", "Minor Service Outage", "degraded"},
		{"Partial", snapOf([]models.ComponentStatus{deg, part}), "major", "Partial System Outage", "partial"},
		{"Major", snapOf([]models.ComponentStatus{maj, part, mnt}), "critical", "Major System Outage", "major"},
		{"IncidentImpact", snapOf([]models.ComponentStatus{op}, models.ImpactMajor), "major", "Partial System Outage", "partial"},
		{"ImpactNone", snapOf([]models.ComponentStatus{op}, models.ImpactNone), "none", "All Systems Operational", "ok"},
		{"WorseComponent", snapOf([]models.ComponentStatus{maj}, models.ImpactMinor), "critical", "Major System Outage", "major"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rollup(tc.snap)
			if r.Indicator != tc.indicator || r.Description != tc.desc || r.Class != tc.cls {
				t.Fatalf("got %+v", r)
			}
		})
	}
	// A resolved incident raises nothing.
	s := snapOf([]models.ComponentStatus{op}, models.ImpactCritical)
	now := s.Now
	s.Incidents[0].ResolvedAt = &now
	if r := rollup(s); r.Indicator != "none" {
		t.Fatalf("resolved incident raised %v", r)
	}
}

func TestBars(t *testing.T) {
	s := snapOf(nil)
	p := 99.5
	full := 100.0
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	bs, u := bars(s, []uptime.Day{
		{Date: day(6), Percent: &p, Worst: "partial_outage", Partial: 24 * time.Minute},
		{Date: day(7), Percent: &full, Worst: "operational"},
	})
	if len(bs) != models.HistoryDays {
		t.Fatalf("%d bars", len(bs))
	}
	last, prev, first := bs[len(bs)-1], bs[len(bs)-2], bs[0]
	if last.Class != "ok" || last.Label != "Mon 7 Dec 2026: 100% uptime" {
		t.Fatalf("today %+v", last)
	}
	if prev.Class != "partial" || prev.Label != "Sun 6 Dec 2026: 99.5% uptime (partial outage 24 min)" {
		t.Fatalf("yesterday %+v", prev)
	}
	if first.Class != "nodata" || first.Label != "Wed 9 Sep 2026: no data" {
		t.Fatalf("first %+v", first)
	}
	if u != "99.75%" {
		t.Fatalf("uptime %q", u)
	}
	if _, u := bars(s, nil); u != "" {
		t.Fatalf("no data reads %q", u)
	}
}

func TestMonthOf(t *testing.T) {
	s := snapOf(nil)
	for q, ok := range map[string]bool{"": true, "2026-12": true, "2026-09": true, "2026-08": false, "2027-01": false, "12-2026": false, "2026-13": false} {
		if _, got := monthOf(s, q); got != ok {
			t.Errorf("month %q: %v, want %v", q, got, ok)
		}
	}
}

func TestEncodingAndETag(t *testing.T) {
	d := newDoc(200, "text/plain", []byte(string(make([]byte, 1000))))
	small := newDoc(200, "text/plain", []byte("tiny"))
	for _, tc := range []struct {
		accept string
		d      *doc
		want   string
	}{
		{"gzip, deflate, br", d, "br"}, {"gzip", d, "gzip"}, {"br;q=0, gzip", d, "gzip"}, {"BR", d, "br"},
		{"identity", d, ""}, {"", d, ""}, {"gzip;q=0", d, ""}, {"br", small, ""},
	} {
		if got := pickEncoding(tc.accept, tc.d); got != tc.want {
			t.Errorf("accept %q: %q, want %q", tc.accept, got, tc.want)
		}
	}
	if !etagMatch(`"x", `+d.etag, d.etag) || !etagMatch("W/"+d.etag, d.etag) || !etagMatch("*", d.etag) || etagMatch(`"x"`, d.etag) {
		t.Fatal("etag matching")
	}
	if newDoc(200, "", []byte("a")).etag == newDoc(200, "", []byte("b")).etag {
		t.Fatal("different bodies share an ETag")
	}
}

// The cache serves an entry within the TTL, makes it stale on a hint of its account (not of
// another) or after the TTL; a stale entry is served for a grace while one background load
// replaces it, and past the grace the request waits for the load.
func TestCacheFreshness(t *testing.T) {
	c := newCache()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	var pending []func()
	c.background = func(f func()) { pending = append(pending, f) }
	runPending := func() {
		for _, f := range pending {
			f()
		}
		pending = nil
	}
	loads := 0
	load := func(context.Context, string) (*entry, error) {
		loads++
		return &entry{page: &models.StatusPage{Name: fmt.Sprint("load ", loads)}, accountID: "acc"}, nil
	}
	get := func() (string, bool) {
		e, hit, err := c.get(context.Background(), "acme", load)
		if err != nil {
			t.Fatal(err)
		}
		return e.page.Name, hit
	}
	if name, hit := get(); hit || name != "load 1" {
		t.Fatalf("first get: %q hit %v", name, hit)
	}
	if name, hit := get(); !hit || name != "load 1" || loads != 1 {
		t.Fatalf("second get not a hit: %q, loads %d", name, loads)
	}
	c.drop(models.Hint{Kind: models.HintIncident, AccountID: "other"})
	c.drop(models.Hint{Kind: models.HintAudit, AccountID: "acc"})
	if _, hit := get(); !hit || len(pending) != 0 {
		t.Fatal("a hint of another account or kind made the entry stale")
	}

	// The account's hint: the stale copy is still served, and one background load starts, however
	// many readers come; once it ran, readers get the new copy.
	now = now.Add(time.Millisecond)
	c.drop(models.Hint{Kind: models.HintIncident, AccountID: "acc"})
	for range 3 {
		if name, hit := get(); !hit || name != "load 1" {
			t.Fatalf("stale copy within the grace: %q hit %v", name, hit)
		}
	}
	if len(pending) != 1 || loads != 1 {
		t.Fatalf("%d background loads started, %d ran inline; want 1 and none", len(pending), loads-1)
	}
	now = now.Add(time.Millisecond) // the load starts after the hint
	runPending()
	if name, hit := get(); !hit || name != "load 2" || loads != 2 {
		t.Fatalf("after the refresh: %q hit %v loads %d", name, hit, loads)
	}

	// The TTL makes it stale too; past the grace (nobody read it), the reader waits for the load.
	now = now.Add(TTL)
	if name, _ := get(); name != "load 2" || len(pending) != 1 {
		t.Fatal("TTL: stale copy not served with a refresh")
	}
	pending = nil // the refresh is lost
	now = now.Add(staleGrace + time.Millisecond)
	if name, hit := get(); hit || name != "load 3" || loads != 3 {
		t.Fatalf("past the grace: %q hit %v loads %d", name, hit, loads)
	}
	// An interrupted hint stream makes everything stale.
	now = now.Add(time.Millisecond)
	c.dropAll()
	if _, hit := get(); !hit || len(pending) != 1 {
		t.Fatal("dropAll did not start a refresh")
	}
	now = now.Add(time.Millisecond)
	runPending()
	if name, _ := get(); name != "load 4" || len(pending) != 0 {
		t.Fatalf("after dropAll: %q, %d refreshes started", name, len(pending))
	}
	// While loads fail, the last good copy is served (and a failed refresh lets the next reader
	// try again); without one, the error.
	failing := func(context.Context, string) (*entry, error) { loads++; return nil, errors.New("database down") }
	now = now.Add(TTL)
	for range 2 {
		e, hit, err := c.get(context.Background(), "acme", failing)
		if err != nil || !hit || e.page.Name != "load 4" {
			t.Fatalf("stale copy not served: %v %v %v", hit, e.page.Name, err)
		}
		runPending()
	}
	if loads != 6 {
		t.Fatalf("failed refreshes: %d loads, want 2 (one per reader after a failure)", loads-4)
	}
	now = now.Add(staleGrace + time.Millisecond)
	if e, _, err := c.get(context.Background(), "acme", failing); err != nil || e.page.Name != "load 4" {
		t.Fatalf("stale copy not served past the grace: %v %v", e, err)
	}
	if _, _, err := c.get(context.Background(), "other", failing); err == nil {
		t.Fatal("a failed load without a copy answered")
	}
}

// A refresh renders again the documents that were read from the entry it replaces, so the
// first reader after a change finds them ready; documents nobody read are rendered on demand.
func TestCacheRefreshPrerendersReadDocuments(t *testing.T) {
	c := newCache()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	c.background = func(f func()) { f() }
	gen := 0
	load := func(context.Context, string) (*entry, error) {
		gen++
		return &entry{page: &models.StatusPage{Name: fmt.Sprint(gen)}, accountID: "acc"}, nil
	}
	renders := map[string]int{}
	render := func(key string) renderFunc {
		return func(e *entry) (*doc, error) {
			renders[key]++
			return newDoc(200, "text/plain", []byte(key+" of "+e.page.Name)), nil
		}
	}
	e, _, _ := c.get(context.Background(), "acme", load)
	if d, hit, _ := e.doc("page", render("page")); hit || string(d.body) != "page of 1" {
		t.Fatal("first render")
	}
	// "history" is stored by a prerender only if it was read: render it once into the entry
	// without marking it read.
	d, _ := render("history")(e)
	e.store("history", d, render("history"))

	now = now.Add(TTL)
	_, _, _ = c.get(context.Background(), "acme", load) // stale: refreshes inline
	e2, hit, _ := c.get(context.Background(), "acme", load)
	if !hit || e2 == e || e2.page.Name != "2" {
		t.Fatal("the refresh did not replace the entry")
	}
	if d, hit, _ := e2.doc("page", render("page")); !hit || string(d.body) != "page of 2" || renders["page"] != 2 {
		t.Fatalf("the read document was not rendered by the refresh: hit %v renders %d", hit, renders["page"])
	}
	if _, hit, _ := e2.doc("history", render("history")); hit || renders["history"] != 2 {
		t.Fatalf("an unread document was rendered by the refresh: hit %v", hit)
	}
}

// A body rendered again byte for byte reuses its compressed forms (a refresh does not compress
// what did not change); a different body is compressed anew, and both decompress to the body.
func TestCompressionReusedForTheSameBody(t *testing.T) {
	body := []byte(strings.Repeat("<li>API: operational</li>\n", 200) + fmt.Sprint(time.Now().UnixNano()))
	before := compressed.hits.Load()
	a := newDoc(200, htmlType, body)
	b := newDoc(200, htmlType, append([]byte(nil), body...))
	if compressed.hits.Load() != before+1 {
		t.Fatalf("%d reuses, want 1", compressed.hits.Load()-before)
	}
	if &a.gz[0] != &b.gz[0] || &a.br[0] != &b.br[0] || a.etag != b.etag {
		t.Fatal("the same body was compressed twice")
	}
	c := newDoc(200, htmlType, append(append([]byte(nil), body...), '!'))
	if compressed.hits.Load() != before+1 || c.etag == a.etag {
		t.Fatal("a different body reused a compression")
	}
	for _, d := range []*doc{a, c} {
		zr, err := gzip.NewReader(bytes.NewReader(d.gz))
		if err != nil {
			t.Fatal(err)
		}
		gz, _ := io.ReadAll(zr)
		br, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(d.br)))
		if !bytes.Equal(gz, d.body) || !bytes.Equal(br, d.body) {
			t.Fatal("a compressed form does not decompress to the body")
		}
	}
}

// A change of a page's own settings (a status_page hint naming the page: made private,
// renamed, deleted, a viewer link revoked) is never served stale; a change of what it shows
// (a status_page hint naming no page, an incident) is, for the grace; a panic in a background
// refresh is recovered and the next reader loads in line.
func TestCacheSettingsChangeNotServedStale(t *testing.T) {
	c := newCache()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	var pending []func()
	c.background = func(f func()) { pending = append(pending, f) }
	loads, panicNext := 0, false
	load := func(context.Context, string) (*entry, error) {
		if panicNext {
			panicNext = false
			panic("render bug")
		}
		loads++
		return &entry{page: &models.StatusPage{Name: fmt.Sprint(loads)}, accountID: "acc"}, nil
	}
	get := func() (*entry, bool) {
		e, hit, err := c.get(context.Background(), "acme", load)
		if err != nil {
			t.Fatal(err)
		}
		return e, hit
	}
	get()
	now = now.Add(time.Millisecond)
	c.drop(models.Hint{Kind: models.HintStatusPage, AccountID: "acc"}) // what the page shows
	e, hit := get()
	if !hit || e.page.Name != "1" || len(pending) != 1 {
		t.Fatalf("content change: %q hit %v, %d refreshes", e.page.Name, hit, len(pending))
	}
	// The refresh panics: recovered, and the entry can be refreshed again.
	panicNext = true
	pending[0]()
	if e.refreshing.Load() {
		t.Fatal("a panicked refresh left the entry refreshing")
	}
	if _, hit := get(); !hit || len(pending) != 2 {
		t.Fatal("no new refresh after a panicked one")
	}
	now = now.Add(time.Millisecond)
	c.drop(models.Hint{Kind: models.HintStatusPage, ID: "page-1", AccountID: "acc"}) // its settings
	if e, hit := get(); hit || e.page.Name != "2" {
		t.Fatalf("settings change served stale: %q hit %v", e.page.Name, hit)
	}
}

package statuspage

import (
	"context"
	"errors"
	"testing"
	"time"

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

// The cache serves an entry within the TTL, drops it on a hint of its account (not of another),
// and reloads after the TTL.
func TestCacheFreshness(t *testing.T) {
	c := newCache()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	loads := 0
	load := func(context.Context) (*entry, error) {
		loads++
		return &entry{page: &models.StatusPage{}, accountID: "acc"}, nil
	}
	get := func() bool {
		_, hit, err := c.get(context.Background(), "acme", load)
		if err != nil {
			t.Fatal(err)
		}
		return hit
	}
	if get() || !get() || loads != 1 {
		t.Fatalf("first load then hit: loads %d", loads)
	}
	c.drop(models.Hint{Kind: models.HintIncident, AccountID: "other"})
	c.drop(models.Hint{Kind: models.HintAudit, AccountID: "acc"})
	if !get() {
		t.Fatal("a hint of another account or kind dropped the entry")
	}
	now = now.Add(time.Millisecond)
	c.drop(models.Hint{Kind: models.HintIncident, AccountID: "acc"})
	if get() || loads != 2 {
		t.Fatal("the account's hint did not drop the entry")
	}
	now = now.Add(TTL)
	if get() || loads != 3 {
		t.Fatal("the TTL did not expire the entry")
	}
	// An interrupted hint stream makes everything stale.
	if !get() {
		t.Fatal("reloaded entry not served")
	}
	now = now.Add(time.Millisecond)
	c.dropAll()
	if get() || loads != 4 {
		t.Fatal("dropAll did not make the entry stale")
	}
	// While loads fail, the last good copy is served; without one, the error.
	now = now.Add(TTL)
	failing := func(context.Context) (*entry, error) { loads++; return nil, errors.New("database down") }
	if e, _, err := c.get(context.Background(), "acme", failing); err != nil || e.page == nil || loads != 5 {
		t.Fatalf("stale copy not served: %v %v", e, err)
	}
	if _, _, err := c.get(context.Background(), "other", failing); err == nil {
		t.Fatal("a failed load without a copy answered")
	}
}

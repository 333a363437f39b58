package uptime

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// render writes days as "MM-DD pct major/partial/degraded/maint/observed worst", one a line.
func render(days []Day) string {
	var b strings.Builder
	for _, d := range days {
		p := "-"
		if d.Percent != nil {
			p = fmt.Sprintf("%.3f", *d.Percent)
		}
		fmt.Fprintf(&b, "%s %s %s/%s/%s/%s/%s %s\n", d.Date.Format("01-02 15:04 MST"), p, d.Major, d.Partial, d.Degraded, d.Maintenance, d.Observed, d.Worst)
	}
	return b.String()
}

func TestDaily(t *testing.T) {
	utc := time.UTC
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ch := func(loc *time.Location, s, status string) Change { return Change{At: at(loc, s), Status: status} }
	cases := []struct {
		name    string
		changes []Change
		days    int
		loc     *time.Location
		now     time.Time
		want    string
	}{
		{
			name: "an outage crossing midnight",
			changes: []Change{
				ch(utc, "2026-01-01 00:00", Operational),
				ch(utc, "2026-01-02 23:00", Major),
				ch(utc, "2026-01-03 02:00", Operational),
			},
			days: 3, loc: utc, now: at(utc, "2026-01-04 00:00").Add(-time.Second),
			want: "01-01 00:00 UTC 100.000 0s/0s/0s/0s/24h0m0s operational\n" +
				"01-02 00:00 UTC 95.833 1h0m0s/0s/0s/0s/24h0m0s major_outage\n" +
				"01-03 00:00 UTC 91.667 2h0m0s/0s/0s/0s/23h59m59s major_outage\n",
		},
		{
			name: "overlapping statuses: the worst of two incidents holds, then the other",
			changes: []Change{
				ch(utc, "2026-01-01 00:00", Operational),
				ch(utc, "2026-01-02 10:00", Partial),
				ch(utc, "2026-01-02 11:00", Major),
				ch(utc, "2026-01-02 12:00", Partial),
				// Two changes at the same instant: the first holds for no time.
				ch(utc, "2026-01-02 13:00", Degraded),
				ch(utc, "2026-01-02 13:00", Operational),
			},
			days: 1, loc: utc, now: at(utc, "2026-01-03 00:00").Add(-time.Nanosecond),
			// down = 1 h + 0.3 × 2 h = 1.6 h of ~24 h
			want: "01-02 00:00 UTC 93.333 1h0m0s/2h0m0s/0s/0s/23h59m59.999999999s major_outage\n",
		},
		{
			name: "a partial outage counts 30 %",
			changes: []Change{
				ch(utc, "2026-01-01 00:00", Partial),
				ch(utc, "2026-01-01 10:00", Operational),
			},
			days: 1, loc: utc, now: at(utc, "2026-01-02 00:00").Add(-time.Nanosecond),
			// down = 0.3 × 10 h = 3 h of 24 h
			want: "01-01 00:00 UTC 87.500 0s/10h0m0s/0s/0s/23h59m59.999999999s partial_outage\n",
		},
		{
			name: "maintenance and degraded performance count as up",
			changes: []Change{
				ch(utc, "2026-01-01 00:00", Maintenance),
				ch(utc, "2026-01-01 06:00", Degraded),
				ch(utc, "2026-01-01 12:00", Operational),
			},
			days: 1, loc: utc, now: at(utc, "2026-01-01 18:00"),
			want: "01-01 00:00 UTC 100.000 0s/0s/6h0m0s/6h0m0s/18h0m0s degraded_performance\n",
		},
		{
			name: "a DST day in Europe/Berlin is 23 hours long",
			changes: []Change{
				ch(berlin, "2026-03-28 00:00", Operational),
				ch(berlin, "2026-03-29 12:00", Major),
				ch(berlin, "2026-03-29 13:00", Operational),
			},
			days: 2, loc: berlin, now: at(berlin, "2026-03-30 00:00").Add(-time.Nanosecond),
			// 1 h down of 23 h
			want: "03-28 00:00 CET 100.000 0s/0s/0s/0s/24h0m0s operational\n" +
				"03-29 00:00 CET 95.652 1h0m0s/0s/0s/0s/22h59m59.999999999s major_outage\n",
		},
		{
			name: "the autumn DST day is 25 hours long",
			changes: []Change{
				ch(berlin, "2026-10-24 00:00", Operational),
				ch(berlin, "2026-10-25 12:00", Major),
				ch(berlin, "2026-10-25 13:00", Operational),
			},
			days: 1, loc: berlin, now: at(berlin, "2026-10-26 00:00").Add(-time.Nanosecond),
			want: "10-25 00:00 CEST 96.000 1h0m0s/0s/0s/0s/24h59m59.999999999s major_outage\n",
		},
		{
			name: "days before the first change have no data; the first day counts from it",
			changes: []Change{
				ch(utc, "2026-01-02 12:00", Operational),
				ch(utc, "2026-01-02 18:00", Major),
				ch(utc, "2026-01-02 21:00", Operational),
			},
			days: 3, loc: utc, now: at(utc, "2026-01-03 06:00"),
			// 3 h down of the 12 h observed on the 2nd
			want: "01-01 00:00 UTC - 0s/0s/0s/0s/0s operational\n" +
				"01-02 00:00 UTC 75.000 3h0m0s/0s/0s/0s/12h0m0s major_outage\n" +
				"01-03 00:00 UTC 100.000 0s/0s/0s/0s/6h0m0s operational\n",
		},
		{
			name: "today is partial: only time up to now counts",
			changes: []Change{
				ch(utc, "2026-01-01 00:00", Operational),
				ch(utc, "2026-01-03 04:00", Major),
			},
			days: 1, loc: utc, now: at(utc, "2026-01-03 08:00"),
			// 4 h down of 8 h, not of 24
			want: "01-03 00:00 UTC 50.000 4h0m0s/0s/0s/0s/8h0m0s major_outage\n",
		},
		{
			name: "a status from before the range holds into it; changes after now are ignored",
			changes: []Change{
				ch(utc, "2025-06-01 00:00", Partial),
				ch(utc, "2026-01-03 09:00", Operational),
			},
			days: 1, loc: utc, now: at(utc, "2026-01-03 08:00"),
			want: "01-03 00:00 UTC 70.000 0s/8h0m0s/0s/0s/8h0m0s partial_outage\n",
		},
		{
			name:    "no changes: no data",
			changes: nil,
			days:    2, loc: utc, now: at(utc, "2026-01-03 08:00"),
			want: "01-02 00:00 UTC - 0s/0s/0s/0s/0s operational\n" +
				"01-03 00:00 UTC - 0s/0s/0s/0s/0s operational\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := render(Daily(c.changes, c.days, c.loc, c.now))
			if got != c.want {
				t.Errorf("got\n%swant\n%s", got, c.want)
			}
		})
	}
}

func TestDailyLength(t *testing.T) {
	now := at(time.UTC, "2026-05-10 12:00")
	days := Daily([]Change{{At: now.AddDate(-1, 0, 0), Status: Operational}}, 90, time.UTC, now)
	if len(days) != 90 {
		t.Fatalf("%d days", len(days))
	}
	if !days[89].Date.Equal(at(time.UTC, "2026-05-10 00:00")) || !days[0].Date.Equal(at(time.UTC, "2026-02-10 00:00")) {
		t.Fatalf("range %s … %s", days[0].Date, days[89].Date)
	}
	for _, d := range days {
		if d.Percent == nil || *d.Percent != 100 {
			t.Fatalf("%s: %v", d.Date, d.Percent)
		}
	}
	if Daily(nil, 0, time.UTC, now) != nil {
		t.Fatal("0 days")
	}
}

func near(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil || math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestRangeAndGroup(t *testing.T) {
	utc := time.UTC
	now := at(utc, "2026-01-03 12:00")
	// a: up since the 1st, 12 h major on the 2nd. b: appears on the 2nd at 12:00, partial 6 h on the 3rd.
	a := Daily([]Change{{At: at(utc, "2026-01-01 00:00"), Status: Operational}, {At: at(utc, "2026-01-02 00:00"), Status: Major}, {At: at(utc, "2026-01-02 12:00"), Status: Operational}}, 3, utc, now)
	b := Daily([]Change{{At: at(utc, "2026-01-02 12:00"), Status: Operational}, {At: at(utc, "2026-01-03 00:00"), Status: Partial}, {At: at(utc, "2026-01-03 06:00"), Status: Operational}}, 3, utc, now)

	// a over the range: 12 h down of 60 h observed.
	near(t, "a range", Percent(a), 80)
	// b: 0.3 × 6 = 1.8 h down of 24 h.
	near(t, "b range", Percent(b), 92.5)
	if Percent(b[:1]) != nil {
		t.Error("a range without data has no percentage")
	}

	g := Group([][]Day{a, b})
	if len(g) != 3 {
		t.Fatalf("%d days", len(g))
	}
	near(t, "group day 1 (a only)", g[0].Percent, 100)
	near(t, "group day 2", g[1].Percent, (50+100)/2.0)
	near(t, "group day 3", g[2].Percent, (100+85)/2.0)
	if g[1].Worst != Major || g[2].Worst != Partial || g[2].Partial != 6*time.Hour {
		t.Errorf("group worst/durations: %s", render(g))
	}
	near(t, "group range", GroupPercent([][]Day{a, b}), (80+92.5)/2)
	if Group(nil) != nil || GroupPercent(nil) != nil {
		t.Error("empty group")
	}
}

// TestDayBoundaries: a day starts at the first instant of its local date and lasts until the
// next one, also where a daylight-saving change happens at midnight (00:00 does not exist on
// Havana's spring-forward day: the day starts at 01:00 and lasts 23 h).
func TestDayBoundaries(t *testing.T) {
	zone := func(name string) *time.Location {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	utc := func(s string) time.Time { return at(time.UTC, s) }
	type day struct {
		start  time.Time // UTC
		length time.Duration
	}
	for _, c := range []struct {
		name string
		loc  *time.Location
		last time.Time // in the last day
		want []day
	}{
		{"UTC", time.UTC, utc("2026-03-09 12:00"), []day{
			{utc("2026-03-07 00:00"), 24 * time.Hour}, {utc("2026-03-08 00:00"), 24 * time.Hour}, {utc("2026-03-09 00:00"), 24 * time.Hour}}},
		{"Berlin, spring forward at 02:00", zone("Europe/Berlin"), utc("2026-03-30 12:00"), []day{
			{utc("2026-03-27 23:00"), 24 * time.Hour}, {utc("2026-03-28 23:00"), 23 * time.Hour}, {utc("2026-03-29 22:00"), 24 * time.Hour}}},
		{"Havana, spring forward at midnight", zone("America/Havana"), utc("2026-03-09 12:00"), []day{
			{utc("2026-03-07 05:00"), 24 * time.Hour}, {utc("2026-03-08 05:00"), 23 * time.Hour}, {utc("2026-03-09 04:00"), 24 * time.Hour}}},
		{"Havana, fall back at 01:00 to midnight", zone("America/Havana"), utc("2026-11-02 12:00"), []day{
			{utc("2026-10-31 04:00"), 24 * time.Hour}, {utc("2026-11-01 04:00"), 25 * time.Hour}, {utc("2026-11-02 05:00"), 24 * time.Hour}}},
		{"Santiago, spring forward at midnight", zone("America/Santiago"), utc("2026-09-07 12:00"), []day{
			{utc("2026-09-05 04:00"), 24 * time.Hour}, {utc("2026-09-06 04:00"), 23 * time.Hour}, {utc("2026-09-07 03:00"), 24 * time.Hour}}},
		{"Santiago, fall back at midnight", zone("America/Santiago"), utc("2026-04-05 12:00"), []day{
			{utc("2026-04-03 03:00"), 24 * time.Hour}, {utc("2026-04-04 03:00"), 25 * time.Hour}, {utc("2026-04-05 04:00"), 24 * time.Hour}}},
		{"Beirut, spring forward at midnight", zone("Asia/Beirut"), utc("2026-03-30 12:00"), []day{
			{utc("2026-03-27 22:00"), 24 * time.Hour}, {utc("2026-03-28 22:00"), 23 * time.Hour}, {utc("2026-03-29 21:00"), 24 * time.Hour}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Up since long before, now at the end of the last day: every day is observed whole.
			now := c.want[len(c.want)-1].start.Add(c.want[len(c.want)-1].length - time.Nanosecond)
			days := Daily([]Change{{At: now.AddDate(0, -1, 0), Status: Operational}}, len(c.want), c.loc, now)
			for i, w := range c.want {
				d := days[i]
				if i == len(c.want)-1 {
					w.length -= time.Nanosecond // up to now
				}
				if !d.Date.Equal(w.start) || d.Observed != w.length {
					t.Errorf("day %d: starts %s (%s), observed %s; want %s, %s", i, d.Date.UTC(), d.Date, d.Observed, w.start, w.length)
				}
				if d.Date.In(c.loc).Day() != w.start.Add(time.Hour*12).In(c.loc).Day() {
					t.Errorf("day %d: %s is not the local date of its middle", i, d.Date)
				}
			}
			if s := DayStart(c.last, c.loc); !s.Equal(c.want[len(c.want)-1].start) {
				t.Errorf("DayStart(%s) = %s, want %s", c.last, s.UTC(), c.want[len(c.want)-1].start)
			}
		})
	}
}

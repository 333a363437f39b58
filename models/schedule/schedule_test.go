package schedule

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func clock(s string) Clock {
	c, err := ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

// render writes shifts as "user start→end (origin)" in the zone, for readable comparisons.
func render(shifts []Shift, loc *time.Location) string {
	var b strings.Builder
	for _, s := range shifts {
		fmt.Fprintf(&b, "%s %s→%s (%s)\n", s.UserID, s.Start.In(loc).Format("01-02 15:04"), s.End.In(loc).Format("01-02 15:04"), s.Origin)
	}
	return b.String()
}

func TestOnCallAt(t *testing.T) {
	utc := time.UTC
	ny := zone(t, "America/New_York")
	daily := Layer{ID: "L1", Rotation: Daily, Length: 1, HandOff: clock("09:00"), Participants: []string{"ana", "bo", "cy"}, Start: at(utc, "2026-01-05 09:00")}
	lateStart := daily
	lateStart.Start = at(utc, "2026-01-05 15:00")
	twoDay := daily
	twoDay.Length = 2
	weekly := Layer{ID: "W", Rotation: Weekly, Length: 1, HandOff: clock("09:00"), HandOffDay: time.Monday,
		Participants: []string{"ana", "bo"}, Start: at(utc, "2026-01-07 12:00")} // a Wednesday
	hourly := Layer{ID: "H", Rotation: Hourly, Length: 8, HandOff: clock("00:00"), Participants: []string{"ana", "bo", "cy"}, Start: at(utc, "2026-01-05 00:00")}
	end := at(utc, "2026-01-06 09:00")
	ended := daily
	ended.End = &end
	business := Layer{ID: "biz", Rotation: Weekly, Length: 1, HandOff: clock("09:00"), HandOffDay: time.Monday,
		Participants: []string{"dee"}, Start: at(utc, "2026-01-05 09:00"),
		Restrictions: []Restriction{{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: clock("09:00"), To: clock("17:00")}}}
	night := Layer{ID: "night", Rotation: Daily, Length: 1, HandOff: clock("22:00"), Participants: []string{"owl"}, Start: at(utc, "2026-01-01 00:00"),
		Restrictions: []Restriction{{From: clock("22:00"), To: clock("06:00")}}}

	cases := []struct {
		name   string
		s      Schedule
		t      time.Time
		user   string
		origin string
	}{
		{"before the start nobody", Schedule{Zone: utc, Layers: []Layer{daily}}, at(utc, "2026-01-05 08:59"), "", ""},
		{"first shift", Schedule{Zone: utc, Layers: []Layer{daily}}, at(utc, "2026-01-05 09:00"), "ana", "L1"},
		{"just before hand-off", Schedule{Zone: utc, Layers: []Layer{daily}}, at(utc, "2026-01-06 08:59"), "ana", "L1"},
		{"at hand-off", Schedule{Zone: utc, Layers: []Layer{daily}}, at(utc, "2026-01-06 09:00"), "bo", "L1"},
		{"wraps round", Schedule{Zone: utc, Layers: []Layer{daily}}, at(utc, "2026-01-08 10:00"), "ana", "L1"},
		{"far future", Schedule{Zone: utc, Layers: []Layer{daily}}, at(utc, "2027-01-05 10:00"), []string{"ana", "bo", "cy"}[365%3], "L1"},
		{"start mid-shift: first person until the next hand-off", Schedule{Zone: utc, Layers: []Layer{lateStart}}, at(utc, "2026-01-06 08:00"), "ana", "L1"},
		{"start mid-shift: second after it", Schedule{Zone: utc, Layers: []Layer{lateStart}}, at(utc, "2026-01-06 09:00"), "bo", "L1"},
		{"two-day shifts", Schedule{Zone: utc, Layers: []Layer{twoDay}}, at(utc, "2026-01-07 08:00"), "ana", "L1"},
		{"two-day shifts hand off", Schedule{Zone: utc, Layers: []Layer{twoDay}}, at(utc, "2026-01-07 09:00"), "bo", "L1"},
		{"weekly from a Wednesday start until Monday", Schedule{Zone: utc, Layers: []Layer{weekly}}, at(utc, "2026-01-12 08:59"), "ana", "W"},
		{"weekly hand-off Monday", Schedule{Zone: utc, Layers: []Layer{weekly}}, at(utc, "2026-01-12 09:00"), "bo", "W"},
		{"weekly wraps", Schedule{Zone: utc, Layers: []Layer{weekly}}, at(utc, "2026-01-19 09:00"), "ana", "W"},
		{"hourly third shift", Schedule{Zone: utc, Layers: []Layer{hourly}}, at(utc, "2026-01-05 16:00"), "cy", "H"},
		{"hourly wraps", Schedule{Zone: utc, Layers: []Layer{hourly}}, at(utc, "2026-01-06 00:00"), "ana", "H"},
		{"layer ended", Schedule{Zone: utc, Layers: []Layer{ended}}, at(utc, "2026-01-06 09:00"), "", ""},
		{"higher layer wins in its window", Schedule{Zone: utc, Layers: []Layer{daily, business}}, at(utc, "2026-01-06 10:00"), "dee", "biz"},
		{"lower layer shows through outside the window", Schedule{Zone: utc, Layers: []Layer{daily, business}}, at(utc, "2026-01-06 17:00"), "bo", "L1"},
		{"weekend is outside a weekday restriction", Schedule{Zone: utc, Layers: []Layer{daily, business}}, at(utc, "2026-01-10 10:00"), "cy", "L1"},
		{"restriction alone leaves gaps", Schedule{Zone: utc, Layers: []Layer{business}}, at(utc, "2026-01-06 18:00"), "", ""},
		{"overnight window before midnight", Schedule{Zone: utc, Layers: []Layer{night}}, at(utc, "2026-01-03 23:00"), "owl", "night"},
		{"overnight window after midnight", Schedule{Zone: utc, Layers: []Layer{night}}, at(utc, "2026-01-04 05:59"), "owl", "night"},
		{"overnight window closed", Schedule{Zone: utc, Layers: []Layer{night}}, at(utc, "2026-01-04 06:00"), "", ""},
		{"override wins over every layer", Schedule{Zone: utc, Layers: []Layer{daily, business},
			Overrides: []Override{{ID: "o1", UserID: "sub", Start: at(utc, "2026-01-06 09:30"), End: at(utc, "2026-01-06 11:00")}}},
			at(utc, "2026-01-06 10:00"), "sub", OriginOverride},
		{"override end is exclusive", Schedule{Zone: utc, Layers: []Layer{daily},
			Overrides: []Override{{ID: "o1", UserID: "sub", Start: at(utc, "2026-01-06 09:30"), End: at(utc, "2026-01-06 11:00")}}},
			at(utc, "2026-01-06 11:00"), "bo", "L1"},
		{"later override wins", Schedule{Zone: utc, Layers: []Layer{daily}, Overrides: []Override{
			{ID: "o1", UserID: "first", Start: at(utc, "2026-01-06 00:00"), End: at(utc, "2026-01-07 00:00")},
			{ID: "o2", UserID: "second", Start: at(utc, "2026-01-06 10:00"), End: at(utc, "2026-01-06 12:00")}}},
			at(utc, "2026-01-06 11:00"), "second", OriginOverride},
		{"override fills a gap", Schedule{Zone: utc, Overrides: []Override{{ID: "o", UserID: "sub", Start: at(utc, "2026-01-06 00:00"), End: at(utc, "2026-01-07 00:00")}}},
			at(utc, "2026-01-06 03:00"), "sub", OriginOverride},
		{"empty schedule", Schedule{Zone: ny}, at(ny, "2026-01-06 03:00"), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.s.Validate(); err != nil {
				t.Fatal(err)
			}
			user, origin, _ := c.s.OnCallAt(c.t)
			if user != c.user || origin != c.origin {
				t.Fatalf("at %s: got %q (%s), want %q (%s)", c.t, user, origin, c.user, c.origin)
			}
		})
	}
}

func TestFinal(t *testing.T) {
	utc := time.UTC
	ny := zone(t, "America/New_York")
	berlin := zone(t, "Europe/Berlin")
	business := []Restriction{{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, From: clock("09:00"), To: clock("17:00")}}

	cases := []struct {
		name     string
		s        Schedule
		from, to time.Time
		want     string
	}{
		{
			name: "daily rotation clipped to the range",
			s: Schedule{Zone: utc, Layers: []Layer{{ID: "L", Rotation: Daily, Length: 1, HandOff: clock("09:00"),
				Participants: []string{"ana", "bo"}, Start: at(utc, "2026-01-05 09:00")}}},
			from: at(utc, "2026-01-05 00:00"), to: at(utc, "2026-01-07 12:00"),
			want: "ana 01-05 09:00→01-06 09:00 (L)\nbo 01-06 09:00→01-07 09:00 (L)\nana 01-07 09:00→01-07 12:00 (L)\n",
		},
		{
			name: "one participant is one stretch",
			s: Schedule{Zone: utc, Layers: []Layer{{ID: "L", Rotation: Daily, Length: 1, HandOff: clock("09:00"),
				Participants: []string{"ana"}, Start: at(utc, "2026-01-01 09:00")}}},
			from: at(utc, "2026-01-05 00:00"), to: at(utc, "2026-01-08 00:00"),
			want: "ana 01-05 00:00→01-08 00:00 (L)\n",
		},
		{
			name: "business hours above a 24/7 layer, with an override and a weekend",
			s: Schedule{Zone: utc, Layers: []Layer{
				{ID: "base", Rotation: Weekly, Length: 1, HandOff: clock("09:00"), HandOffDay: time.Monday, Participants: []string{"ana", "bo"}, Start: at(utc, "2026-01-05 09:00")},
				{ID: "biz", Rotation: Daily, Length: 1, HandOff: clock("09:00"), Participants: []string{"cy", "dee"}, Start: at(utc, "2026-01-05 09:00"), Restrictions: business},
			}, Overrides: []Override{{ID: "o", UserID: "eve", Start: at(utc, "2026-01-09 12:00"), End: at(utc, "2026-01-09 13:00")}}},
			from: at(utc, "2026-01-08 00:00"), to: at(utc, "2026-01-10 12:00"),
			want: "ana 01-08 00:00→01-08 09:00 (base)\n" +
				"dee 01-08 09:00→01-08 17:00 (biz)\n" +
				"ana 01-08 17:00→01-09 09:00 (base)\n" +
				"cy 01-09 09:00→01-09 12:00 (biz)\n" +
				"eve 01-09 12:00→01-09 13:00 (override)\n" +
				"cy 01-09 13:00→01-09 17:00 (biz)\n" +
				"ana 01-09 17:00→01-10 12:00 (base)\n",
		},
		{
			name: "gaps where no layer has anyone",
			s: Schedule{Zone: utc, Layers: []Layer{{ID: "biz", Rotation: Daily, Length: 1, HandOff: clock("09:00"),
				Participants: []string{"cy"}, Start: at(utc, "2026-01-05 09:00"), Restrictions: business}}},
			from: at(utc, "2026-01-09 00:00"), to: at(utc, "2026-01-13 00:00"), // Friday to Tuesday
			want: "cy 01-09 09:00→01-09 17:00 (biz)\ncy 01-12 09:00→01-12 17:00 (biz)\n",
		},
		{
			name: "a layer that ends and one that starts later",
			s: Schedule{Zone: utc, Layers: []Layer{
				{ID: "old", Rotation: Daily, Length: 1, HandOff: clock("00:00"), Participants: []string{"ana"}, Start: at(utc, "2026-01-01 00:00"), End: ptr(at(utc, "2026-01-05 06:00"))},
				{ID: "new", Rotation: Daily, Length: 1, HandOff: clock("00:00"), Participants: []string{"bo"}, Start: at(utc, "2026-01-05 12:00")},
			}},
			from: at(utc, "2026-01-05 00:00"), to: at(utc, "2026-01-06 00:00"),
			want: "ana 01-05 00:00→01-05 06:00 (old)\nbo 01-05 12:00→01-06 00:00 (new)\n",
		},
		{
			// 2026-03-08 02:00 EST → 03:00 EDT: the daily shift across it is 23 hours.
			name: "New York spring forward: daily hand-off stays at 09:00 local",
			s: Schedule{Zone: ny, Layers: []Layer{{ID: "L", Rotation: Daily, Length: 1, HandOff: clock("09:00"),
				Participants: []string{"ana", "bo"}, Start: at(ny, "2026-03-07 09:00")}}},
			from: at(ny, "2026-03-07 09:00"), to: at(ny, "2026-03-09 09:00"),
			want: "ana 03-07 09:00→03-08 09:00 (L)\nbo 03-08 09:00→03-09 09:00 (L)\n",
		},
		{
			// 2026-11-01 02:00 EDT → 01:00 EST.
			name: "New York fall back: daily hand-off stays at 09:00 local",
			s: Schedule{Zone: ny, Layers: []Layer{{ID: "L", Rotation: Daily, Length: 1, HandOff: clock("09:00"),
				Participants: []string{"ana", "bo"}, Start: at(ny, "2026-10-31 09:00")}}},
			from: at(ny, "2026-10-31 09:00"), to: at(ny, "2026-11-02 09:00"),
			want: "ana 10-31 09:00→11-01 09:00 (L)\nbo 11-01 09:00→11-02 09:00 (L)\n",
		},
		{
			// Hourly rotations are real hours: a 12-hour shift from midnight ends at 13:00 EDT.
			name: "New York spring forward: 12-hour shifts are 12 real hours",
			s: Schedule{Zone: ny, Layers: []Layer{{ID: "H", Rotation: Hourly, Length: 12, HandOff: clock("00:00"),
				Participants: []string{"ana", "bo"}, Start: at(ny, "2026-03-08 00:00")}}},
			from: at(ny, "2026-03-08 00:00"), to: at(ny, "2026-03-09 00:00"),
			want: "ana 03-08 00:00→03-08 13:00 (H)\nbo 03-08 13:00→03-09 00:00 (H)\n",
		},
		{
			// 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
			name: "Berlin weekly shifts across both changes keep Monday 10:00",
			s: Schedule{Zone: berlin, Layers: []Layer{{ID: "W", Rotation: Weekly, Length: 1, HandOff: clock("10:00"), HandOffDay: time.Monday,
				Participants: []string{"ana", "bo"}, Start: at(berlin, "2026-03-23 10:00")}}},
			from: at(berlin, "2026-03-23 10:00"), to: at(berlin, "2026-04-06 10:00"),
			want: "ana 03-23 10:00→03-30 10:00 (W)\nbo 03-30 10:00→04-06 10:00 (W)\n",
		},
		{
			name: "Berlin restriction window on the night of the change",
			s: Schedule{Zone: berlin, Layers: []Layer{{ID: "N", Rotation: Daily, Length: 1, HandOff: clock("22:00"),
				Participants: []string{"owl"}, Start: at(berlin, "2026-10-20 22:00"),
				Restrictions: []Restriction{{From: clock("22:00"), To: clock("06:00")}}}}},
			from: at(berlin, "2026-10-24 12:00"), to: at(berlin, "2026-10-25 12:00"),
			want: "owl 10-24 22:00→10-25 06:00 (N)\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.s.Final(c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			if r := render(got, c.s.Zone); r != c.want {
				t.Fatalf("final schedule:\n%s\nwant:\n%s", r, c.want)
			}
			// Every instant of every shift agrees with OnCallAt.
			for _, sh := range got {
				for _, probe := range []time.Time{sh.Start, sh.End.Add(-time.Minute), sh.Start.Add(sh.End.Sub(sh.Start) / 2)} {
					if u, _, _ := c.s.OnCallAt(probe); u != sh.UserID {
						t.Fatalf("OnCallAt(%s) = %q, but the final schedule says %q", probe, u, sh.UserID)
					}
				}
			}
		})
	}
}

// The length of shifts across DST changes, in real hours.
func TestShiftLengthsAcrossDST(t *testing.T) {
	ny := zone(t, "America/New_York")
	berlin := zone(t, "Europe/Berlin")
	cases := []struct {
		name  string
		loc   *time.Location
		layer Layer
		day   string // a local instant inside the shift
		hours float64
	}{
		{"NY daily across spring forward", ny, Layer{Rotation: Daily, Length: 1, HandOff: clock("09:00"), Start: at(ny, "2026-03-01 09:00")}, "2026-03-08 05:00", 23},
		{"NY daily across fall back", ny, Layer{Rotation: Daily, Length: 1, HandOff: clock("09:00"), Start: at(ny, "2026-10-01 09:00")}, "2026-11-01 05:00", 25},
		{"NY daily on an ordinary day", ny, Layer{Rotation: Daily, Length: 1, HandOff: clock("09:00"), Start: at(ny, "2026-10-01 09:00")}, "2026-11-03 05:00", 24},
		{"Berlin weekly across spring forward", berlin, Layer{Rotation: Weekly, Length: 1, HandOff: clock("10:00"), HandOffDay: time.Monday, Start: at(berlin, "2026-03-02 10:00")}, "2026-03-28 12:00", 167},
		{"Berlin weekly across fall back", berlin, Layer{Rotation: Weekly, Length: 1, HandOff: clock("10:00"), HandOffDay: time.Monday, Start: at(berlin, "2026-10-05 10:00")}, "2026-10-25 12:00", 169},
		{"Berlin hourly ignores the change", berlin, Layer{Rotation: Hourly, Length: 24, HandOff: clock("00:00"), Start: at(berlin, "2026-10-20 00:00")}, "2026-10-25 12:00", 24},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.layer.ID, c.layer.Participants = "L", []string{"a", "b"}
			s := Schedule{Zone: c.loc, Layers: []Layer{c.layer}}
			mid := at(c.loc, c.day)
			shifts, err := s.Final(mid.Add(-10*24*time.Hour), mid.Add(10*24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			for _, sh := range shifts {
				if !mid.Before(sh.Start) && mid.Before(sh.End) {
					if got := sh.End.Sub(sh.Start).Hours(); got != c.hours {
						t.Fatalf("shift %s→%s lasts %v h, want %v", sh.Start.In(c.loc), sh.End.In(c.loc), got, c.hours)
					}
					return
				}
			}
			t.Fatalf("no shift holds %s", mid)
		})
	}
}

func TestValidation(t *testing.T) {
	utc := time.UTC
	ok := Layer{ID: "L", Rotation: Daily, Length: 1, HandOff: clock("09:00"), Participants: []string{"a"}, Start: at(utc, "2026-01-01 00:00")}
	mod := func(f func(l *Layer)) Layer { l := ok; f(&l); return l }
	cases := []struct {
		name  string
		s     Schedule
		field string
	}{
		{"no zone", Schedule{Layers: []Layer{ok}}, "timeZone"},
		{"no participants", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Participants = nil })}}, "layers.0.participants"},
		{"empty participant", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Participants = []string{""} })}}, "layers.0.participants"},
		{"unknown rotation", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Rotation = "monthly" })}}, "layers.0.rotation"},
		{"zero length", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Length = 0 })}}, "layers.0.length"},
		{"weeks too long", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Rotation, l.Length = Weekly, 53 })}}, "layers.0.length"},
		{"hand-off out of range", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.HandOff = 24 * 60 })}}, "layers.0.handOff"},
		{"no start", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Start = time.Time{} })}}, "layers.0.start"},
		{"ends before it starts", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { e := l.Start; l.End = &e })}}, "layers.0.end"},
		{"bad restriction day", Schedule{Zone: utc, Layers: []Layer{mod(func(l *Layer) { l.Restrictions = []Restriction{{Days: []time.Weekday{9}}} })}}, "layers.0.restrictions"},
		{"override ends before it starts", Schedule{Zone: utc, Layers: []Layer{ok}, Overrides: []Override{{UserID: "a", Start: at(utc, "2026-01-02 00:00"), End: at(utc, "2026-01-01 00:00")}}}, "overrides.0.end"},
		{"override without a person", Schedule{Zone: utc, Overrides: []Override{{Start: at(utc, "2026-01-01 00:00"), End: at(utc, "2026-01-02 00:00")}}}, "overrides.0.userId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Fatalf("got %v, want a field error on %s", err, c.field)
			}
			if _, err := c.s.Final(at(utc, "2026-01-01 00:00"), at(utc, "2026-01-02 00:00")); err == nil {
				t.Fatal("Final computed an invalid schedule")
			}
		})
	}
	if err := (&Schedule{Zone: utc, Layers: []Layer{ok}}).Validate(); err != nil {
		t.Fatalf("valid schedule refused: %v", err)
	}
	s := Schedule{Zone: utc, Layers: []Layer{ok}}
	if _, err := s.Final(at(utc, "2026-01-02 00:00"), at(utc, "2026-01-01 00:00")); !errors.Is(err, ErrRange) {
		t.Fatalf("reversed range: %v", err)
	}
	if _, err := s.Final(at(utc, "2026-01-01 00:00"), at(utc, "2027-06-01 00:00")); !errors.Is(err, ErrRange) {
		t.Fatalf("range over a year: %v", err)
	}
}

func TestParseClockAndZone(t *testing.T) {
	for in, want := range map[string]string{"09:00": "09:00", "9:05": "09:05", " 23:59 ": "23:59", "00:00": "00:00"} {
		c, err := ParseClock(in)
		if err != nil || c.String() != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %s", in, c, err, want)
		}
	}
	for _, in := range []string{"", "24:00", "12:60", "9", "09:0", "ab:cd", "-1:00", "12:00:00"} {
		if _, err := ParseClock(in); err == nil {
			t.Errorf("ParseClock(%q) accepted", in)
		}
	}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"} {
		if _, err := LoadZone(name); err != nil {
			t.Errorf("LoadZone(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "../etc/passwd"} {
		if _, err := LoadZone(name); err == nil {
			t.Errorf("LoadZone(%q) accepted", name)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestFinalAgreesWithOnCallAt checks invariants on random schedules: the final schedule is
// ordered, non-overlapping, inside the range, and agrees with OnCallAt everywhere, including in
// its gaps.
func TestFinalAgreesWithOnCallAt(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 11))
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"}
	people := []string{"a", "b", "c", "d"}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 300; i++ {
		loc := zone(t, zones[rnd.IntN(len(zones))])
		s := Schedule{Zone: loc}
		for j := 0; j < 1+rnd.IntN(3); j++ {
			l := Layer{ID: fmt.Sprintf("L%d", j), Rotation: []Rotation{Daily, Weekly, Hourly}[rnd.IntN(3)], Length: 1 + rnd.IntN(3),
				HandOff: Clock(rnd.IntN(24 * 60)), HandOffDay: time.Weekday(rnd.IntN(7)),
				Start: base.Add(time.Duration(rnd.IntN(30*24)) * time.Hour)}
			for k := 0; k < 1+rnd.IntN(3); k++ {
				l.Participants = append(l.Participants, people[rnd.IntN(len(people))])
			}
			if rnd.IntN(3) == 0 {
				e := l.Start.Add(time.Duration(1+rnd.IntN(40*24)) * time.Hour)
				l.End = &e
			}
			if rnd.IntN(2) == 0 {
				l.Restrictions = []Restriction{{From: Clock(rnd.IntN(24 * 60)), To: Clock(rnd.IntN(24 * 60))}}
				if rnd.IntN(2) == 0 {
					l.Restrictions[0].Days = []time.Weekday{time.Weekday(rnd.IntN(7)), time.Weekday(rnd.IntN(7))}
				}
			}
			s.Layers = append(s.Layers, l)
		}
		for j := 0; j < rnd.IntN(3); j++ {
			st := base.Add(time.Duration(rnd.IntN(40*24*60)) * time.Minute)
			s.Overrides = append(s.Overrides, Override{ID: fmt.Sprintf("o%d", j), UserID: people[rnd.IntN(len(people))], Start: st, End: st.Add(time.Duration(1+rnd.IntN(3000)) * time.Minute)})
		}
		from := base.Add(time.Duration(rnd.IntN(30*24*60)) * time.Minute)
		to := from.Add(14 * 24 * time.Hour)
		shifts, err := s.Final(from, to)
		if err != nil {
			t.Fatal(err)
		}
		prev := from
		for _, sh := range shifts {
			if sh.Start.Before(prev) || !sh.End.After(sh.Start) || sh.End.After(to) {
				t.Fatalf("schedule %d: shift %v out of order or range (prev end %v)", i, sh, prev)
			}
			// The gap before this shift has nobody on call.
			for g := prev; g.Before(sh.Start); g = g.Add(37 * time.Minute) {
				if u, _, _ := s.OnCallAt(g); u != "" {
					t.Fatalf("schedule %d: %q on call at %v, inside a gap of the final schedule", i, u, g)
				}
			}
			for g := sh.Start; g.Before(sh.End); g = g.Add(37 * time.Minute) {
				if u, origin, _ := s.OnCallAt(g); u != sh.UserID || origin != sh.Origin {
					t.Fatalf("schedule %d: OnCallAt(%v) = %q/%s, shift says %q/%s", i, g, u, origin, sh.UserID, sh.Origin)
				}
			}
			if u, _, _ := s.OnCallAt(sh.End.Add(-time.Nanosecond)); u != sh.UserID {
				t.Fatalf("schedule %d: the last instant of %v has %q", i, sh, u)
			}
			prev = sh.End
		}
	}
}

// Far-off times never hang the grid arithmetic (a layer typed with year 206 for 2026, a query
// in 2400): they are refused or answered with nobody, at once.
func TestFarOffTimes(t *testing.T) {
	utc := time.UTC
	hourly := Layer{ID: "H", Rotation: Hourly, Length: 1, HandOff: clock("00:00"), Participants: []string{"a", "b"}, Start: at(utc, "2026-01-01 00:00")}
	s := Schedule{Zone: utc, Layers: []Layer{hourly}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if u, _, _ := s.OnCallAt(time.Date(2400, 1, 1, 0, 0, 0, 0, utc)); u != "" {
			t.Errorf("on call in 2400: %q", u)
		}
		if _, err := s.Final(time.Date(2399, 6, 1, 0, 0, 0, 0, utc), time.Date(2400, 1, 1, 0, 0, 0, 0, utc)); !errors.Is(err, ErrRange) {
			t.Errorf("final in 2400: %v", err)
		}
		// Late but valid: 2199, 173 years after the start.
		if u, _, _ := s.OnCallAt(time.Date(2199, 1, 1, 5, 0, 0, 0, utc)); u == "" {
			t.Error("nobody on call in 2199")
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("far-off times hang")
	}
	typo := hourly
	typo.Start = time.Date(206, 1, 1, 0, 0, 0, 0, utc)
	var fe *FieldError
	if err := (&Schedule{Zone: utc, Layers: []Layer{typo}}).Validate(); !errors.As(err, &fe) || fe.Field != "layers.0.start" {
		t.Fatalf("a start in year 206: %v", err)
	}
}

// TestAgainstSequentialWalk checks OnCallAt against an independent reference: hand-offs found by
// stepping from the start one shift at a time (AddDate on the local time, or whole hours), not by
// the grid's index arithmetic.
func TestAgainstSequentialWalk(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 5))
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney"}
	for i := 0; i < 200; i++ {
		loc := zone(t, zones[rnd.IntN(len(zones))])
		l := Layer{ID: "L", Rotation: []Rotation{Daily, Weekly, Hourly}[rnd.IntN(3)], Length: 1 + rnd.IntN(4),
			HandOff: Clock(rnd.IntN(24) * 60), HandOffDay: time.Weekday(rnd.IntN(7)),
			Participants: []string{"p0", "p1", "p2"}[:1+rnd.IntN(3)],
			Start:        time.Date(2026, time.Month(1+rnd.IntN(12)), 1+rnd.IntN(28), rnd.IntN(24), 0, 0, 0, loc)}
		s := Schedule{Zone: loc, Layers: []Layer{l}}
		// The first hand-off after the start, found by walking local days.
		var next func(time.Time) time.Time
		var first time.Time
		switch l.Rotation {
		case Hourly:
			h := l.Start.In(loc)
			a := time.Date(h.Year(), h.Month(), h.Day(), int(l.HandOff)/60, 0, 0, 0, loc)
			for !a.After(l.Start) {
				a = a.Add(time.Duration(l.Length) * time.Hour)
			}
			for a.Add(-time.Duration(l.Length) * time.Hour).After(l.Start) {
				a = a.Add(-time.Duration(l.Length) * time.Hour)
			}
			first, next = a, func(x time.Time) time.Time { return x.Add(time.Duration(l.Length) * time.Hour) }
		default:
			days := l.Length
			if l.Rotation == Weekly {
				days *= 7
			}
			h := l.Start.In(loc)
			a := time.Date(h.Year(), h.Month(), h.Day(), int(l.HandOff)/60, 0, 0, 0, loc)
			if l.Rotation == Weekly {
				for a.Weekday() != l.HandOffDay {
					a = time.Date(a.Year(), a.Month(), a.Day()-1, int(l.HandOff)/60, 0, 0, 0, loc)
				}
			}
			step := func(x time.Time, n int) time.Time {
				lx := x.In(loc)
				return time.Date(lx.Year(), lx.Month(), lx.Day()+n, int(l.HandOff)/60, 0, 0, 0, loc)
			}
			for !a.After(l.Start) {
				a = step(a, days)
			}
			first, next = a, func(x time.Time) time.Time { return step(x, days) }
		}
		// Walk 40 shifts; probe just before and at each hand-off.
		who := 0
		b := first
		for n := 0; n < 40; n++ {
			if u, _, _ := s.OnCallAt(b.Add(-time.Second)); u != l.Participants[who%len(l.Participants)] {
				t.Fatalf("case %d (%+v in %s): before hand-off %d at %s got %q, want %q", i, l, loc, n, b, u, l.Participants[who%len(l.Participants)])
			}
			who++
			if u, _, _ := s.OnCallAt(b); u != l.Participants[who%len(l.Participants)] {
				t.Fatalf("case %d: at hand-off %d (%s) got %q, want %q", i, n, b, u, l.Participants[who%len(l.Participants)])
			}
			b = next(b)
		}
	}
}

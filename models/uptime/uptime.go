// Package uptime computes uptime from a component's recorded status changes (issue 11,
// docs/statuspages.md): per day in a time zone and over a range. No I/O; table-tested.
//
// Down time = major outage + 0.3 × partial outage: a partial outage counts as 30 % down, the
// weighting Atlassian Statuspage applies to partial outages in its uptime bars. Degraded
// performance and maintenance count as up. A day (or the part of it) before the component's
// first recorded status has no data, and only time up to now counts (today is partial): a day's
// percentage is over the seconds it has data for.
//
// Days are calendar days in the zone: a day of a daylight-saving change is 23 or 25 hours long.
package uptime

import "time"

// Status values (models.ComponentStatus).
const (
	Operational = "operational"
	Degraded    = "degraded_performance"
	Partial     = "partial_outage"
	Major       = "major_outage"
	Maintenance = "under_maintenance"
)

// PartialWeight is the share of a partial outage that counts as down.
const PartialWeight = 0.3

// Change is a status that holds from At until the next change.
type Change struct {
	At     time.Time
	Status string // a models.ComponentStatus value
}

// Day is one day's uptime.
type Day struct {
	// Date is the day's start in the zone.
	Date time.Time
	// Percent is 0–100, nil when the day has no data.
	Percent                               *float64
	Major, Partial, Degraded, Maintenance time.Duration
	// Observed is the part of the day with data (after the first change, up to now).
	Observed time.Duration
	// Worst is the worst status the day had ("operational" when it had none worse).
	Worst string
}

// Down is the day's weighted down time.
func (d Day) Down() time.Duration {
	return d.Major + time.Duration(float64(d.Partial)*PartialWeight)
}

// rank orders statuses for Worst: maintenance is worse than operational (it shows), better
// than any degradation.
func rank(s string) int {
	switch s {
	case Maintenance:
		return 1
	case Degraded:
		return 2
	case Partial:
		return 3
	case Major:
		return 4
	}
	return 0
}

// Worse returns the worse of two statuses.
func Worse(a, b string) string {
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// Daily returns the last days days ending with the day that holds now (oldest first) in loc,
// from changes sorted by At. Only time up to now counts.
func Daily(changes []Change, days int, loc *time.Location, now time.Time) []Day {
	if days <= 0 {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	// Day i is the local date days-1-i before today's; it lasts until the next date starts
	// (23 or 25 hours across a daylight-saving change).
	n := now.In(loc)
	y, m, d := n.Date()
	out := make([]Day, days)
	ends := make([]time.Time, days)
	for i := range out {
		out[i] = Day{Date: DateStart(y, m, d+i-days+1, loc), Worst: Operational}
	}
	for i := range ends {
		if i+1 < days {
			ends[i] = out[i+1].Date
		} else {
			ends[i] = DateStart(y, m, d+1, loc)
		}
	}
	// The interval of change i is [At, next At) clipped to now; each is added to the days it
	// overlaps (days are contiguous, so walk them with j).
	start := out[0].Date
	j := 0
	for i, c := range changes {
		from := c.At
		to := now
		if i+1 < len(changes) && changes[i+1].At.Before(to) {
			to = changes[i+1].At
		}
		if !to.After(start) || !to.After(from) {
			continue
		}
		if from.Before(start) {
			from = start
		}
		for j < days && !ends[j].After(from) {
			j++
		}
		for k := j; k < days; k++ {
			ds, de := out[k].Date, ends[k]
			if !ds.Before(to) {
				break
			}
			a, b := from, to
			if a.Before(ds) {
				a = ds
			}
			if b.After(de) {
				b = de
			}
			if !b.After(a) {
				continue
			}
			add(&out[k], c.Status, b.Sub(a))
		}
	}
	for i := range out {
		d := &out[i]
		if d.Observed <= 0 {
			continue
		}
		p := 100 * (1 - float64(d.Down())/float64(d.Observed))
		if p < 0 {
			p = 0
		}
		d.Percent = &p
	}
	return out
}

// DayStart is the start of the local day (in loc) that holds t: the first instant of its
// date, which is not always 00:00 (a daylight-saving change at midnight skips it).
func DayStart(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return DateStart(y, m, d, loc)
}

// DateStart returns the first instant whose local date (in loc) is y-m-d or later (y, m, d
// are normalised like time.Date's). time.Date(y, m, d, 0, 0, 0, 0, loc) is that instant when
// 00:00 exists once; when it does not (Havana, Santiago and Beirut change at midnight) or
// exists twice, time.Date may answer an instant of the day before, or the second midnight.
func DateStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // the date, normalised
	on := func(t time.Time) bool {                   // t's local date is the date or later
		ly, lm, ld := t.In(loc).Date()
		return !time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).Before(want)
	}
	t := time.Date(want.Year(), want.Month(), want.Day(), 0, 0, 0, 0, loc)
	if on(t) && !on(t.Add(-time.Second)) && t.In(loc).Hour() == 0 && t.In(loc).Minute() == 0 {
		return t // the usual case: midnight exists, and the second before is the day before
	}
	// Search the seconds around the date's midnight in UTC (offsets are within ±26 h) for the
	// first one on the date; local dates only move forward across these transitions.
	lo, hi := want.Add(-26*time.Hour).Unix(), want.Add(26*time.Hour).Unix()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if on(time.Unix(mid, 0)) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return time.Unix(lo, 0).In(loc)
}

func add(d *Day, status string, dur time.Duration) {
	d.Observed += dur
	switch status {
	case Major:
		d.Major += dur
	case Partial:
		d.Partial += dur
	case Degraded:
		d.Degraded += dur
	case Maintenance:
		d.Maintenance += dur
	}
	d.Worst = Worse(d.Worst, status)
}

// Percent is the uptime over a range of days: the up share of all the seconds with data
// (time-weighted, so a partial today weighs less than a whole day); nil when no day has data.
func Percent(days []Day) *float64 {
	var observed, down time.Duration
	for _, d := range days {
		observed += d.Observed
		down += d.Down()
	}
	if observed <= 0 {
		return nil
	}
	p := 100 * (1 - float64(down)/float64(observed))
	if p < 0 {
		p = 0
	}
	return &p
}

// Group combines the daily uptime of a group's components (each the same days): a day's
// percentage is the mean of the percentages of the components with data that day, its
// durations are the components' sums and its worst status the worst of theirs.
func Group(components [][]Day) []Day {
	if len(components) == 0 {
		return nil
	}
	out := make([]Day, len(components[0]))
	for i := range out {
		out[i] = Day{Date: components[0][i].Date, Worst: Operational}
		var sum float64
		var n int
		for _, c := range components {
			if i >= len(c) {
				continue
			}
			d := c[i]
			out[i].Major += d.Major
			out[i].Partial += d.Partial
			out[i].Degraded += d.Degraded
			out[i].Maintenance += d.Maintenance
			out[i].Observed += d.Observed
			out[i].Worst = Worse(out[i].Worst, d.Worst)
			if d.Percent != nil {
				sum += *d.Percent
				n++
			}
		}
		if n > 0 {
			p := sum / float64(n)
			out[i].Percent = &p
		}
	}
	return out
}

// GroupPercent is a group's uptime over a range: the mean of its components' range
// percentages (those with data); nil when none has data.
func GroupPercent(components [][]Day) *float64 {
	var sum float64
	var n int
	for _, c := range components {
		if p := Percent(c); p != nil {
			sum += *p
			n++
		}
	}
	if n == 0 {
		return nil
	}
	p := sum / float64(n)
	return &p
}

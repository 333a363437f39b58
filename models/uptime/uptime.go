// Package uptime computes uptime from a component's recorded status changes (issue 11,
// docs/statuspages.md): per day in a time zone and over a range. No I/O; table-tested.
//
// Down time = major outage + 0.3 × partial outage (Statuspage's weighting); degraded
// performance and maintenance count as up. A day (or the part of it) before the component's
// first recorded status has no data.
package uptime

import "time"

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
	// Worst is the worst status the day had ("operational" when it had none worse).
	Worst string
}

// Daily returns the last days days ending with the day that holds now (oldest first) in loc,
// from changes sorted by At. Only time up to now counts.
//
// Contract stub (issue 11): the status work replaces this body.
func Daily(changes []Change, days int, loc *time.Location, now time.Time) []Day {
	_, _, _, _ = changes, days, loc, now
	return nil
}

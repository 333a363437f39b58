// Package schedule computes on-call schedules: who is on call at an instant, and the final
// schedule (the shifts, each with its origin) over a range. It is pure computation with no I/O,
// like models/cloudwatch: the store loads a schedule's layers and overrides, this package says who
// is on call.
//
// # Model
//
// A Schedule has an IANA time zone, ordered layers and overrides.
//
//   - A Layer rotates its ordered participants. Layers[0] is the lowest; a later layer that has
//     someone on call wins over every earlier one ("the highest layer that has someone wins").
//   - A rotation is Daily or Weekly (a shift of Length days or weeks, handed off at the layer's
//     wall-clock hand-off time in the schedule's zone, so a shift across a DST change is 23 or 25
//     hours long), or Hourly (a shift of Length hours of real time: a 12-hour shift is 12 hours
//     long whatever the clocks do).
//   - The hand-offs lie on a grid anchored at the layer's start date at the hand-off time (for
//     Weekly, moved back to the hand-off weekday). Participant 0 is on call from Start to the first
//     hand-off after it, participant 1 to the next, and so on, round-robin. Nothing is on call
//     before Start or from End on.
//   - Restrictions, when a layer has any, limit it to windows of the day (optionally only on some
//     weekdays); outside them the layer has nobody and lower layers show through. Restrictions do
//     not move hand-offs: the rotation keeps its pace.
//   - An Override puts one person on call over a time range, above every layer. When overrides
//     overlap, the later one in the list wins.
//
// Gaps (no layer with anyone, no override) mean nobody is on call.
package schedule

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	// Zones must load on machines without a zoneinfo database (scratch containers).
	_ "time/tzdata"
)

// Rotation is how a layer's shifts are measured.
type Rotation string

const (
	// Daily shifts last Length days, handed off at the hand-off time.
	Daily Rotation = "daily"
	// Weekly shifts last Length weeks, handed off on the hand-off weekday at the hand-off time.
	Weekly Rotation = "weekly"
	// Hourly shifts last Length hours of real time (a custom rotation).
	Hourly Rotation = "hourly"
)

// Limits of a layer.
const (
	MaxLengthDays   = 365
	MaxLengthWeeks  = 52
	MaxLengthHours  = 24 * 365
	MaxParticipants = 100
	// MaxRange bounds one Final computation.
	MaxRange = 366 * 24 * time.Hour
)

// The years a schedule's times may lie in: far-off times (a typo of year 206 for 2026) would make
// the hand-off grid arithmetic overflow, so they are refused by Validate, and OnCallAt and Final
// answer nobody / ErrRange for them.
const (
	minYear = 1970
	maxYear = 2200
)

func inYears(t time.Time) bool {
	y := t.UTC().Year()
	return y >= minYear && y <= maxYear
}

// Clock is a wall-clock time of day, in minutes after midnight (0–1439).
type Clock int

// ParseClock reads "HH:MM" (24-hour).
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("time of day %q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("time of day %q is not a valid 24-hour HH:MM", s)
	}
	return Clock(hh*60 + mm), nil
}

// String formats the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

func (c Clock) valid() bool { return c >= 0 && c < 24*60 }

// on returns the instant of the clock time on a local date (y, m, d may be out of range: they are
// normalised like time.Date). For a wall-clock time that a DST change skips, Go picks an instant
// next to the gap; one that occurs twice is the first.
func (c Clock) on(y int, m time.Month, d int, loc *time.Location) time.Time {
	return time.Date(y, m, d, int(c)/60, int(c)%60, 0, 0, loc)
}

// Restriction limits a layer to a window of the day from From to To (To at or before From
// crosses midnight; From equal to To is the whole day), starting on the listed weekdays (none:
// every day).
type Restriction struct {
	Days []time.Weekday
	From Clock
	To   Clock
}

// Layer is one rotation of a schedule.
type Layer struct {
	// ID names the layer in shifts (their origin).
	ID       string
	Rotation Rotation
	// Length is the shift length in days, weeks or hours (by Rotation); at least 1.
	Length int
	// HandOff is the wall-clock hand-off time (Daily, Weekly; Hourly uses it to anchor its grid).
	HandOff Clock
	// HandOffDay is the weekday of hand-offs of a Weekly layer.
	HandOffDay time.Weekday
	// Participants are user ids in rotation order; a person may appear more than once.
	Participants []string
	Start        time.Time
	// End, when set, ends the layer (exclusive).
	End          *time.Time
	Restrictions []Restriction
}

// Override puts UserID on call from Start to End (exclusive), above every layer.
type Override struct {
	ID     string
	UserID string
	Start  time.Time
	End    time.Time
}

// Schedule is what the final schedule is computed from.
type Schedule struct {
	Zone      *time.Location
	Layers    []Layer
	Overrides []Override
}

// OriginOverride is the Layer of a shift that comes from an override.
const OriginOverride = "override"

// Shift is one stretch of the final schedule with one person on call.
type Shift struct {
	UserID string
	Start  time.Time
	End    time.Time
	// Origin is the ID of the layer the shift comes from, or OriginOverride.
	Origin string
	// OverrideID is set when Origin is OriginOverride.
	OverrideID string
}

// FieldError is a validation error that names the field at fault (for typed API errors).
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// LoadZone loads an IANA time zone by name ("Europe/Berlin"); "UTC" is accepted, "Local" and
// empty names are not (a schedule's zone must mean the same on every server).
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" {
		return nil, fieldErr("timeZone", "name an IANA time zone such as Europe/Berlin")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fieldErr("timeZone", "%q is not an IANA time zone", name)
	}
	return loc, nil
}

// Validate checks a layer; the error is a *FieldError.
func (l *Layer) Validate() error {
	switch l.Rotation {
	case Daily:
		if l.Length < 1 || l.Length > MaxLengthDays {
			return fieldErr("length", "a daily rotation lasts 1 to %d days", MaxLengthDays)
		}
	case Weekly:
		if l.Length < 1 || l.Length > MaxLengthWeeks {
			return fieldErr("length", "a weekly rotation lasts 1 to %d weeks", MaxLengthWeeks)
		}
		if l.HandOffDay < time.Sunday || l.HandOffDay > time.Saturday {
			return fieldErr("handOffDay", "the hand-off day is not a weekday")
		}
	case Hourly:
		if l.Length < 1 || l.Length > MaxLengthHours {
			return fieldErr("length", "a custom rotation lasts 1 to %d hours", MaxLengthHours)
		}
	default:
		return fieldErr("rotation", "the rotation is daily, weekly or hourly")
	}
	if !l.HandOff.valid() {
		return fieldErr("handOff", "the hand-off time is not a time of day")
	}
	if len(l.Participants) == 0 {
		return fieldErr("participants", "a layer needs at least one participant")
	}
	if len(l.Participants) > MaxParticipants {
		return fieldErr("participants", "a layer has at most %d participants", MaxParticipants)
	}
	for _, p := range l.Participants {
		if p == "" {
			return fieldErr("participants", "a participant is empty")
		}
	}
	if l.Start.IsZero() {
		return fieldErr("start", "a layer needs a start")
	}
	if !inYears(l.Start) {
		return fieldErr("start", "the start must lie between %d and %d", minYear, maxYear)
	}
	if l.End != nil && !l.End.After(l.Start) {
		return fieldErr("end", "the layer ends before it starts")
	}
	if l.End != nil && !inYears(*l.End) {
		return fieldErr("end", "the end must lie between %d and %d", minYear, maxYear)
	}
	for _, r := range l.Restrictions {
		if !r.From.valid() || !r.To.valid() {
			return fieldErr("restrictions", "a restriction's times are not times of day")
		}
		for _, d := range r.Days {
			if d < time.Sunday || d > time.Saturday {
				return fieldErr("restrictions", "a restriction's day is not a weekday")
			}
		}
	}
	return nil
}

// Validate checks an override.
func (o *Override) Validate() error {
	if o.UserID == "" {
		return fieldErr("userId", "an override names the person who is on call")
	}
	if o.Start.IsZero() || o.End.IsZero() {
		return fieldErr("start", "an override needs a start and an end")
	}
	if !o.End.After(o.Start) {
		return fieldErr("end", "the override ends before it starts")
	}
	if !inYears(o.Start) || !inYears(o.End) {
		return fieldErr("start", "an override must lie between %d and %d", minYear, maxYear)
	}
	return nil
}

// Validate checks the whole schedule.
func (s *Schedule) Validate() error {
	if s.Zone == nil {
		return fieldErr("timeZone", "the schedule has no time zone")
	}
	for i := range s.Layers {
		if err := s.Layers[i].Validate(); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return fieldErr(fmt.Sprintf("layers.%d.%s", i, fe.Field), "%s", fe.Message)
			}
			return err
		}
	}
	for i := range s.Overrides {
		if err := s.Overrides[i].Validate(); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return fieldErr(fmt.Sprintf("overrides.%d.%s", i, fe.Field), "%s", fe.Message)
			}
			return err
		}
	}
	return nil
}

// grid is a layer's hand-off grid in a zone: point(k) is the k-th hand-off of the grid
// (k may be negative), and point is strictly increasing in k.
type grid struct {
	l      *Layer
	loc    *time.Location
	anchor time.Time // point(0)
	y      int
	m      time.Month
	d      int
	nom    time.Duration // nominal spacing, for estimates
}

func newGrid(l *Layer, loc *time.Location) grid {
	s := l.Start.In(loc)
	y, m, d := s.Date()
	if l.Rotation == Weekly {
		// Back to the hand-off weekday on or before the start date.
		d -= (int(s.Weekday()) - int(l.HandOffDay) + 7) % 7
	}
	g := grid{l: l, loc: loc, y: y, m: m, d: d}
	g.anchor = l.HandOff.on(y, m, d, loc)
	switch l.Rotation {
	case Daily:
		g.nom = time.Duration(l.Length) * 24 * time.Hour
	case Weekly:
		g.nom = time.Duration(l.Length) * 7 * 24 * time.Hour
	default:
		g.nom = time.Duration(l.Length) * time.Hour
	}
	return g
}

func (g grid) point(k int) time.Time {
	switch g.l.Rotation {
	case Daily:
		return g.l.HandOff.on(g.y, g.m, g.d+k*g.l.Length, g.loc)
	case Weekly:
		return g.l.HandOff.on(g.y, g.m, g.d+7*k*g.l.Length, g.loc)
	default:
		return time.Unix(g.anchor.Unix()+int64(k)*int64(g.l.Length)*3600, 0).In(g.loc)
	}
}

// index returns the largest k with point(k) <= t. The estimate is made in whole seconds (no
// time.Duration, which overflows past 292 years) and corrected by the wall-clock grid.
func (g grid) index(t time.Time) int {
	step := int64(g.nom / time.Second)
	d := t.Unix() - g.anchor.Unix()
	k64 := d / step
	if d < 0 && d%step != 0 {
		k64-- // floor, not truncation towards zero
	}
	k := int(k64)
	for g.point(k).After(t) {
		k--
	}
	for !g.point(k + 1).After(t) {
		k++
	}
	return k
}

// activeAt reports whether the layer's range holds t.
func (l *Layer) activeAt(t time.Time) bool {
	return !t.Before(l.Start) && (l.End == nil || t.Before(*l.End))
}

// restrictedAt reports whether t falls in one of the layer's restriction windows (true when the
// layer has none).
func (l *Layer) restrictedAt(t time.Time, loc *time.Location) bool {
	if len(l.Restrictions) == 0 {
		return true
	}
	lt := t.In(loc)
	y, m, d := lt.Date()
	for _, r := range l.Restrictions {
		// A window that started yesterday may still be open.
		for _, back := range []int{1, 0} {
			ws, we := r.window(y, m, d-back, loc)
			if ws.IsZero() {
				continue
			}
			if !t.Before(ws) && t.Before(we) {
				return true
			}
		}
	}
	return false
}

// window returns the restriction's window that starts on the local date (zero times when the
// restriction does not apply on that date's weekday).
func (r Restriction) window(y int, m time.Month, d int, loc *time.Location) (start, end time.Time) {
	date := time.Date(y, m, d, 12, 0, 0, 0, loc)
	if len(r.Days) > 0 {
		ok := false
		for _, wd := range r.Days {
			if wd == date.Weekday() {
				ok = true
				break
			}
		}
		if !ok {
			return time.Time{}, time.Time{}
		}
	}
	start = r.From.on(y, m, d, loc)
	if r.To > r.From {
		end = r.To.on(y, m, d, loc)
	} else {
		end = r.To.on(y, m, d+1, loc)
	}
	return start, end
}

// whoAt returns the participant of the layer's rotation at t and the shift's bounds, ignoring
// restrictions; ok is false outside the layer's range.
func (l *Layer) whoAt(t time.Time, g grid) (user string, ok bool) {
	if !l.activeAt(t) {
		return "", false
	}
	shift := g.index(t) - g.index(l.Start)
	return l.Participants[shift%len(l.Participants)], true
}

// OnCallAt returns who is on call at t and the origin of that (a layer id or OriginOverride);
// user is "" when nobody is.
func (s *Schedule) OnCallAt(t time.Time) (user, origin, overrideID string) {
	if !inYears(t) {
		return "", "", ""
	}
	for i := len(s.Overrides) - 1; i >= 0; i-- {
		o := &s.Overrides[i]
		if !t.Before(o.Start) && t.Before(o.End) {
			return o.UserID, OriginOverride, o.ID
		}
	}
	for i := len(s.Layers) - 1; i >= 0; i-- {
		l := &s.Layers[i]
		if !l.activeAt(t) || !l.restrictedAt(t, s.Zone) {
			continue
		}
		if u, ok := l.whoAt(t, newGrid(l, s.Zone)); ok {
			return u, l.ID, ""
		}
	}
	return "", "", ""
}

// ErrRange is returned for a range that ends before it starts, is longer than MaxRange or lies
// outside the years a schedule may use.
var ErrRange = errors.New("the range must end after it starts, span at most 366 days and lie between 1970 and 2200")

// Final returns the final schedule over [from, to): consecutive shifts with someone on call,
// each clipped to the range, adjacent stretches of the same person from the same origin merged.
// Gaps are the stretches between shifts.
func (s *Schedule) Final(from, to time.Time) ([]Shift, error) {
	if !to.After(from) || to.Sub(from) > MaxRange || !inYears(from) || !inYears(to) {
		return nil, ErrRange
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	// Every instant at which the answer can change, then one evaluation per stretch.
	cuts := []time.Time{from, to}
	add := func(t time.Time) {
		if t.After(from) && t.Before(to) {
			cuts = append(cuts, t)
		}
	}
	for _, o := range s.Overrides {
		add(o.Start)
		add(o.End)
	}
	for i := range s.Layers {
		l := &s.Layers[i]
		add(l.Start)
		if l.End != nil {
			add(*l.End)
		}
		g := newGrid(l, s.Zone)
		for k := g.index(from) + 1; ; k++ {
			p := g.point(k)
			if !p.Before(to) {
				break
			}
			add(p)
		}
		if len(l.Restrictions) > 0 {
			lf := from.In(s.Zone)
			y, m, d := lf.Date()
			for day := d - 1; ; day++ {
				dayStart := time.Date(y, m, day, 0, 0, 0, 0, s.Zone)
				if !dayStart.Before(to) {
					break
				}
				for _, r := range l.Restrictions {
					if ws, we := r.window(y, m, day, s.Zone); !ws.IsZero() {
						add(ws)
						add(we)
					}
				}
			}
		}
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Before(cuts[j]) })
	var out []Shift
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if !b.After(a) {
			continue
		}
		user, origin, oid := s.OnCallAt(a)
		if user == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].End.Equal(a) && out[n-1].UserID == user &&
			out[n-1].Origin == origin && out[n-1].OverrideID == oid {
			out[n-1].End = b
			continue
		}
		out = append(out, Shift{UserID: user, Start: a, End: b, Origin: origin, OverrideID: oid})
	}
	return out, nil
}

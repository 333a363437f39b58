package scalr

import (
	"errors"
	"fmt"
	"time"
)

// DateLayout is the Scalr date format of the payload `timestamp` and of the Date header:
// "Wed 06 Sep 2017 12:21:17 UTC" (no comma, always UTC).
const DateLayout = "Mon 02 Jan 2006 15:04:05 UTC"

// MaxSkew is how far a signed Date may be from the receiver's clock (Scalr handlers use 300 s).
const MaxSkew = 300 * time.Second

var (
	// ErrBadDate reports a Date that is not in an accepted format or carries no time zone.
	ErrBadDate = errors.New("scalr: bad date")
	// ErrStaleDate reports a Date MaxSkew or more away from now, in either direction.
	ErrStaleDate = errors.New("scalr: date outside the allowed window")
)

// FormatDate renders t in DateLayout, converted to UTC.
func FormatDate(t time.Time) string {
	return t.UTC().Format(DateLayout)
}

// Accepted layouts. A zone is mandatory in all of them: a date without one is ambiguous and is
// refused. Zone names are literal UTC or GMT only, because Go's "MST" element accepts any
// abbreviation and silently gives unknown ones (PDT, CET…) a zero offset.
var dateLayouts = []string{
	DateLayout,                        // Wed 06 Sep 2017 12:21:17 UTC  (what we send)
	"Mon 02 Jan 2006 15:04:05 GMT",    // same, GMT
	"Mon 02 Jan 2006 15:04:05 -0700",  // same, numeric offset
	"Mon, 02 Jan 2006 15:04:05 GMT",   // RFC 1123 as HTTP uses it
	"Mon, 02 Jan 2006 15:04:05 UTC",   // RFC 1123, UTC
	"Mon, 02 Jan 2006 15:04:05 -0700", // RFC 1123Z
}

// ParseDate parses a Date header value: the Scalr format, RFC 1123 with GMT or UTC, or RFC 1123Z
// (approval callbacks, design §7.4). The day name is not checked against the date. The result is
// in UTC. Any other input, including a date without zone, gives ErrBadDate.
func ParseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q is neither %q nor RFC 1123 with a zone", ErrBadDate, s, DateLayout)
}

// CheckFresh parses date and reports ErrStaleDate unless it is strictly less than maxSkew away from
// now (Scalr handlers refuse a difference of exactly 300 s). Parse failures give ErrBadDate.
func CheckFresh(date string, now time.Time, maxSkew time.Duration) error {
	t, err := ParseDate(date)
	if err != nil {
		return err
	}
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	if d >= maxSkew {
		return fmt.Errorf("%w: %q is %s away from now (limit %s)", ErrStaleDate, date, d.Round(time.Second), maxSkew)
	}
	return nil
}

package scalr

import (
	"errors"
	"testing"
	"time"
)

func TestFormatDate(t *testing.T) {
	pdt := time.FixedZone("PDT", -7*3600)
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2017, 9, 6, 12, 21, 17, 0, time.UTC), "Wed 06 Sep 2017 12:21:17 UTC"},
		// Converted to UTC, fraction dropped, day of week follows the UTC date.
		{time.Date(2017, 9, 6, 20, 5, 9, 999_000_000, pdt), "Thu 07 Sep 2017 03:05:09 UTC"},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "Thu 29 Feb 2024 00:00:00 UTC"},
	} {
		if got := FormatDate(tc.in); got != tc.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2017, 9, 6, 12, 21, 17, 0, time.UTC)
	t.Run("OK", func(t *testing.T) {
		for _, s := range []string{
			"Wed 06 Sep 2017 12:21:17 UTC",
			"Wed 06 Sep 2017 12:21:17 GMT",
			"Wed 06 Sep 2017 14:21:17 +0200",
			"Wed 06 Sep 2017 05:21:17 -0700",
			"Wed, 06 Sep 2017 12:21:17 GMT", // RFC 1123 (http.TimeFormat)
			"Wed, 06 Sep 2017 12:21:17 UTC",
			"Wed, 06 Sep 2017 08:21:17 -0400", // RFC 1123Z
		} {
			got, err := ParseDate(s)
			if err != nil {
				t.Errorf("ParseDate(%q): %v", s, err)
				continue
			}
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %v, want %v in UTC", s, got, want)
			}
		}
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		for _, s := range []string{
			"",
			"Wed 06 Sep 2017 12:21:17",       // no zone
			"Wed, 06 Sep 2017 12:21:17",      // no zone
			"Wed 06 Sep 2017 12:21:17 PDT",   // abbreviation Go would read as +0000
			"Wed, 06 Sep 2017 12:21:17 CEST", // same
			"Wed 6 Sep 2017 12:21:17 UTC",    // one-digit day
			"2017-09-06T12:21:17Z",           // RFC 3339 is not a Date header
			"Wed 06 Sep 2017 12:21:17 UTC ",  // trailing space
			"Wed 31 Sep 2017 12:21:17 UTC",   // no such day
		} {
			if got, err := ParseDate(s); !errors.Is(err, ErrBadDate) {
				t.Errorf("ParseDate(%q) = %v, %v; want ErrBadDate", s, got, err)
			}
		}
	})
}

func TestCheckFresh(t *testing.T) {
	now := time.Date(2017, 9, 6, 12, 21, 17, 0, time.UTC)
	at := func(d time.Duration) string { return FormatDate(now.Add(d)) }
	for _, tc := range []struct {
		name string
		date string
		want error
	}{
		{"OK", at(0), nil},
		{"OKPast299", at(-299 * time.Second), nil},
		{"OKFuture299", at(299 * time.Second), nil},
		{"OKOffsetZone", now.In(time.FixedZone("", 2*3600)).Format("Mon 02 Jan 2006 15:04:05 -0700"), nil},
		{"ErrStalePast300", at(-300 * time.Second), ErrStaleDate}, // Scalr handlers refuse exactly 300 s
		{"ErrStaleFuture300", at(300 * time.Second), ErrStaleDate},
		{"ErrStaleHour", at(-time.Hour), ErrStaleDate},
		{"ErrNoZone", now.Format("Mon 02 Jan 2006 15:04:05"), ErrBadDate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckFresh(tc.date, now, MaxSkew)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("CheckFresh(%q) = %v, want %v", tc.date, err, tc.want)
			}
		})
	}
}

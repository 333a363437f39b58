package deliver

import (
	"math"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/retry"
)

func constRand(f float64) func() float64 { return func() float64 { return f } }

// The schedule math is table-tested in models/retry; these check the wiring of the sender's
// helpers to it.
func TestBackoff_DefaultSchedule(t *testing.T) {
	for attempt, nominal := range map[int]time.Duration{1: 30 * time.Second, 2: 5 * time.Minute, 3: 30 * time.Minute, 6: 10 * time.Hour, 40: 10 * time.Hour} {
		lo, hi := Backoff(attempt, constRand(0)), Backoff(attempt, constRand(math.Nextafter(1, 0)))
		if lo != time.Duration(float64(nominal)*(1-retry.Jitter)) || hi > time.Duration(float64(nominal)*(1+retry.Jitter)) || hi < nominal {
			t.Errorf("Backoff(%d) spans [%v, %v], want around %v", attempt, lo, hi, nominal)
		}
	}
}

func TestResult_NextDelay(t *testing.T) {
	zero := constRand(0)
	fast := []time.Duration{2 * time.Second, 8 * time.Second}
	if d := (Result{}).NextDelay(fast, 2, zero); d != time.Duration(float64(8*time.Second)*(1-retry.Jitter)) {
		t.Errorf("no Retry-After: %v, want the webhook's schedule", d)
	}
	if d := (Result{}).NextDelay(nil, 1, zero); d < 25*time.Second || d > 35*time.Second {
		t.Errorf("nil schedule: %v, want the default 30 s", d)
	}
	if d := (Result{RetryAfter: time.Minute}).NextDelay(fast, 2, zero); d != time.Minute {
		t.Errorf("Retry-After 1m: %v, want 1m", d)
	}
	if d := (Result{RetryAfter: time.Second}).NextDelay(fast, 2, zero); d < 6*time.Second {
		t.Errorf("Retry-After 1s: %v, want the longer scheduled wait", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 30 ", 30 * time.Second, true},
		{"007", 7 * time.Second, true},
		{"Tue, 04 Mar 2025 05:07:07 GMT", time.Minute, true},            // IMF-fixdate
		{"Tuesday, 04-Mar-25 05:08:07 GMT", 2 * time.Minute, true},      // RFC 850
		{"Tue Mar  4 05:06:37 2025", 30 * time.Second, true},            // asctime
		{"Tue, 04 Mar 2025 05:00:00 GMT", 0, true},                      // past
		{"99999999999999999999999", time.Duration(math.MaxInt64), true}, // saturates
		{"9223372036", 9223372036 * time.Second, true},
		{"9223372037", time.Duration(math.MaxInt64), true}, // overflows Duration
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"+5", 0, false},
		{"soon", 0, false},
		{"Wed 06 Sep 2017 12:21:17 UTC", 0, false}, // the Scalr format is not an HTTP-date
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

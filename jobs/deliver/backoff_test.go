package deliver

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func constRand(f float64) func() float64 { return func() float64 { return f } }

func TestBackoff_Schedule(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration // delay in [min, max)
	}{
		{-3, 2 * time.Second, 4 * time.Second},
		{0, 2 * time.Second, 4 * time.Second},
		{1, 2 * time.Second, 4 * time.Second},
		{2, 4 * time.Second, 8 * time.Second},
		{3, 8 * time.Second, 16 * time.Second},
		{6, 64 * time.Second, 128 * time.Second},
		{10, 1024 * time.Second, 2048 * time.Second},
		{11, 30 * time.Minute, time.Hour},
		{20, 30 * time.Minute, time.Hour},
		{64, 30 * time.Minute, time.Hour},
		{math.MaxInt, 30 * time.Minute, time.Hour},
	}
	for _, tt := range tests {
		lo, hi := Backoff(tt.attempt, constRand(0)), Backoff(tt.attempt, constRand(math.Nextafter(1, 0)))
		if lo != tt.min {
			t.Errorf("Backoff(%d) with rnd 0 = %v, want %v", tt.attempt, lo, tt.min)
		}
		if hi >= tt.max || hi < tt.max-time.Millisecond {
			t.Errorf("Backoff(%d) with rnd ~1 = %v, want just under %v", tt.attempt, hi, tt.max)
		}
	}
}

func TestBackoff_JitterBoundsAndGrowth(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for attempt := 1; attempt <= 30; attempt++ {
		c := min(BackoffCap, BackoffFirst<<min(attempt-1, 20))
		seen := map[time.Duration]bool{}
		for range 200 {
			d := Backoff(attempt, rnd.Float64)
			if d < c/2 || d >= c {
				t.Fatalf("Backoff(%d) = %v, outside [%v, %v)", attempt, d, c/2, c)
			}
			seen[d] = true
		}
		if len(seen) < 100 {
			t.Errorf("Backoff(%d): only %d distinct delays in 200: no jitter?", attempt, len(seen))
		}
		// Below the cap, any delay of a retry is at least any delay of the retry before.
		if c < BackoffCap && attempt > 1 {
			if prevMax, curMin := Backoff(attempt-1, constRand(math.Nextafter(1, 0))), Backoff(attempt, constRand(0)); curMin < prevMax {
				t.Errorf("Backoff(%d) can be shorter than Backoff(%d): %v < %v", attempt, attempt-1, curMin, prevMax)
			}
		}
	}
}

func TestBackoff_FirstRetryWithinSeconds(t *testing.T) {
	for range 1000 {
		if d := Backoff(1, nil); d < 2*time.Second || d >= 4*time.Second {
			t.Fatalf("first retry after %v", d)
		}
	}
}

func TestBackoff_BadRandomValues(t *testing.T) {
	for _, f := range []float64{-1, 1, 2, math.NaN(), math.Inf(1), math.Inf(-1)} {
		if d := Backoff(3, constRand(f)); d < 8*time.Second || d >= 16*time.Second {
			t.Errorf("rnd %v: Backoff(3) = %v, outside [8s, 16s)", f, d)
		}
	}
}

func TestResult_NextDelay(t *testing.T) {
	zero := constRand(0)
	if d := (Result{}).NextDelay(3, zero); d != 8*time.Second {
		t.Errorf("no Retry-After: %v, want the backoff 8s", d)
	}
	if d := (Result{RetryAfter: time.Minute}).NextDelay(3, zero); d != time.Minute {
		t.Errorf("Retry-After 1m: %v, want 1m", d)
	}
	if d := (Result{RetryAfter: time.Second}).NextDelay(3, zero); d != 8*time.Second {
		t.Errorf("Retry-After 1s: %v, want the longer backoff 8s", d)
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

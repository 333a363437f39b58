// Package retry is the pure arithmetic of delivery retry schedules: the wait before each
// attempt of a delivery, with jitter, and the plan a webhook's settings give. It does no I/O,
// so the store (validation, migration defaults), the worker (when to retry) and the tests share
// one definition.
//
// A schedule is the list of waits between consecutive attempts: element 0 is the wait after
// attempt 1 (before attempt 2), element 1 the wait after attempt 2, and so on. The first attempt
// is always immediate. When a delivery has more attempts than the schedule has waits, the last
// wait repeats.
package retry

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Default is the schedule of a webhook that has none of its own: attempt 1 now, then after
// 30 s, 5 min, 30 min, 2 h, 5 h, 10 h, and every 10 h after that.
var Default = []time.Duration{
	30 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour,
}

// Limits of a schedule and of the attempts it serves.
const (
	// Jitter is the relative spread of every wait: a nominal wait w becomes uniform in
	// [w·(1−Jitter), w·(1+Jitter)], so retries of many deliveries that failed together do not
	// arrive together.
	Jitter = 0.15
	// MinWait and MaxWait bound each wait of a custom schedule.
	MinWait = time.Second
	MaxWait = 24 * time.Hour
	// MinAttempts and MaxAttempts bound a webhook's attempt count.
	MinAttempts = 1
	MaxAttempts = 20
	// DefaultAttempts is the attempt count of a new webhook: about 2.6 h of retries on the
	// default schedule.
	DefaultAttempts = 5
)

// Nominal returns the wait after attempt number made (1: the wait before attempt 2), without
// jitter. A nil or empty schedule is Default; made below 1 counts as 1.
func Nominal(schedule []time.Duration, made int) time.Duration {
	if len(schedule) == 0 {
		schedule = Default
	}
	if made < 1 {
		made = 1
	}
	return schedule[min(made, len(schedule))-1]
}

// Delay returns the jittered wait after attempt number made: uniform in
// [Nominal·(1−Jitter), Nominal·(1+Jitter)], never below the previous step's lower bound (so a
// later retry never waits less than an earlier one could have) and never below MinWait.
//
// rnd returns a number in [0, 1) (rand.Float64, or a seeded source in tests); nil uses
// math/rand/v2's global source. Values outside [0, 1) are clamped.
func Delay(schedule []time.Duration, made int, rnd func() float64) time.Duration {
	if rnd == nil {
		rnd = rand.Float64
	}
	f := rnd()
	if !(f >= 0) { // also NaN
		f = 0
	}
	if f >= 1 {
		f = math.Nextafter(1, 0)
	}
	w := Nominal(schedule, made)
	lo := lower(w)
	if made > 1 {
		lo = max(lo, lower(Nominal(schedule, made-1)))
	}
	hi := time.Duration(float64(w) * (1 + Jitter))
	d := time.Duration(float64(w)*(1-Jitter) + f*float64(w)*2*Jitter)
	return max(min(d, hi), lo, MinWait)
}

func lower(w time.Duration) time.Duration { return time.Duration(float64(w) * (1 - Jitter)) }

// Plan returns the nominal time of every attempt after the event, for maxAttempts attempts:
// Plan(nil, 5) is 0, 30 s, 5 min 30 s, 35 min 30 s, 2 h 35 min 30 s.
func Plan(schedule []time.Duration, maxAttempts int) []time.Duration {
	if maxAttempts < 1 {
		maxAttempts = 1
	}
	out := make([]time.Duration, maxAttempts)
	for i := 1; i < maxAttempts; i++ {
		out[i] = out[i-1] + Nominal(schedule, i)
	}
	return out
}

// FromSeconds turns a stored list of seconds into a schedule.
func FromSeconds(secs []int) []time.Duration {
	if len(secs) == 0 {
		return nil
	}
	out := make([]time.Duration, len(secs))
	for i, s := range secs {
		out[i] = time.Duration(s) * time.Second
	}
	return out
}

// Validate checks a custom schedule given in seconds: 1 to MaxAttempts−1 waits, each between
// MinWait and MaxWait, ascending or equal. The message is fit for users.
func Validate(secs []int) error {
	if len(secs) == 0 {
		return nil // the default
	}
	if len(secs) > MaxAttempts-1 {
		return fmt.Errorf("a retry schedule has at most %d waits (the last one repeats)", MaxAttempts-1)
	}
	for i, s := range secs {
		if s < int(MinWait/time.Second) || s > int(MaxWait/time.Second) {
			return fmt.Errorf("wait %d is %d s: each wait must be between 1 second and 24 hours", i+1, s)
		}
		if i > 0 && s < secs[i-1] {
			return fmt.Errorf("wait %d (%d s) is shorter than the one before (%d s): waits must not decrease", i+1, s, secs[i-1])
		}
	}
	return nil
}

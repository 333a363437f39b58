package deliver

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry schedule constants.
const (
	// BackoffFirst is the ceiling of the delay before the first retry.
	BackoffFirst = 4 * time.Second
	// BackoffCap is the ceiling of every delay.
	BackoffCap = time.Hour
	// MaxRetryAfter caps a receiver's Retry-After.
	MaxRetryAfter = time.Hour
)

// Backoff returns the delay before retry number attempt, i.e. after attempt attempts have been
// made (1: the delay after the first failed attempt; values below 1 count as 1). It is exponential with "equal jitter": the ceiling is
// c = min(BackoffCap, BackoffFirst·2^(attempt−1)) and the delay is uniform in [c/2, c), so each
// retry waits at least as long as any earlier one could have until the cap is reached:
//
//	retry  1: 2 s – 4 s          retry  6: 64 s – 128 s
//	retry  2: 4 s – 8 s          retry  7: 2m08 – 4m16
//	retry  3: 8 s – 16 s         retry  8: 4m16 – 8m32
//	retry  4: 16 s – 32 s        retry  9: 8m32 – 17m04
//	retry  5: 32 s – 64 s        retry 10: 17m04 – 34m08
//	retry 11 and later: 30 min – 1 h
//
// rnd returns a number in [0, 1) (rand.Float64, or a seeded (*rand.Rand).Float64 in tests); nil
// uses math/rand/v2's global source. Values outside [0, 1) are clamped.
func Backoff(attempt int, rnd func() float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	c := BackoffCap
	if attempt <= 32 { // beyond that the shift overflows; the cap applies long before
		if d := BackoffFirst << (attempt - 1); d > 0 && d < BackoffCap {
			c = d
		}
	}
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
	half := c / 2
	return half + time.Duration(f*float64(c-half))
}

// NextDelay returns how long to wait before retrying after r, when attempt attempts have been
// made (r being the last): Backoff(attempt), or the receiver's Retry-After when that is longer. Retry-After
// never shortens the backoff, so a receiver answering "Retry-After: 0" cannot cause a hot loop.
func (r Result) NextDelay(attempt int, rnd func() float64) time.Duration {
	return max(Backoff(attempt, rnd), r.RetryAfter)
}

// ParseRetryAfter reads a Retry-After value: delay-seconds (digits only) or an HTTP-date
// (IMF-fixdate, RFC 850 or asctime), returning the delay from now. A date in the past gives 0.
// Absurdly large values saturate instead of overflowing; callers cap them (MaxRetryAfter).
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > uint64(math.MaxInt64/int64(time.Second)) {
			return time.Duration(math.MaxInt64), true // only overflow can fail here
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

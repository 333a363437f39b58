package deliver

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-hub/switchboard/models/retry"
)

// MaxRetryAfter caps a receiver's Retry-After.
const MaxRetryAfter = time.Hour

// Backoff returns the delay before the next attempt after attempt attempts have been made, on
// the default schedule (retry.Default: 30 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 10 h), with
// retry.Jitter. rnd returns a number in [0, 1); nil uses math/rand/v2's global source.
func Backoff(attempt int, rnd func() float64) time.Duration {
	return retry.Delay(nil, attempt, rnd)
}

// NextDelay returns how long to wait before retrying after r, when attempt attempts have been
// made (r being the last): the webhook's schedule (nil: the default) with jitter, or the
// receiver's Retry-After when that is longer. Retry-After never shortens the schedule, so a
// receiver answering "Retry-After: 0" cannot cause a hot loop.
func (r Result) NextDelay(schedule []time.Duration, attempt int, rnd func() float64) time.Duration {
	return max(retry.Delay(schedule, attempt, rnd), r.RetryAfter)
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

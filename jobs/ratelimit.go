package jobs

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// RateGate is models.RateGate on Redis: a GCRA (generic cell rate algorithm) limiter per
// endpoint, shared by every worker of every replica. Each endpoint has one key holding its
// theoretical arrival time (TAT); requests are at least one emission interval (1/rate) apart,
// without burst. The script runs atomically in Redis on Redis's own clock, so replicas with
// skewed clocks agree.
//
// A delivery that finds no room now reserves the next free slot (the TAT moves on by one
// interval) and is told to come back then; when it does, its reservation lets it through. So a
// backlog is served in slot order, each delivery waking once, instead of every waiting delivery
// retrying together whenever a slot frees. A reservation not used within reservationGrace after
// its slot expires, and one used more than an interval late is replaced by a fresh slot, so late
// deliveries never bunch up with punctual ones.
type RateGate struct {
	Redis redis.UniversalClient
	// Prefix namespaces the keys (default "switchboard:ratelimit:").
	Prefix string
}

const reservationGrace = 10 * time.Minute

// gcra: KEYS[1] the endpoint's TAT, KEYS[2] this delivery's reservation; ARGV[1] the emission
// interval and ARGV[2] the reservation grace, in microseconds. Returns 0 when the request may go
// now, otherwise the microseconds until its reserved slot.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local res = redis.call('GET', KEYS[2])
if res then
  res = tonumber(res)
  if res > now then
    return res - now
  end
  redis.call('DEL', KEYS[2])
  -- Used within one interval of its slot: go. Later, the slot is gone (else a late delivery
  -- and an on-time one would go together); take a new one below.
  if now - res < interval then
    return 0
  end
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil((tat + interval - now) / 1000) + 1000)
if tat <= now then
  return 0
end
redis.call('SET', KEYS[2], tat, 'PX', math.ceil((tat - now + grace) / 1000))
return tat - now
`)

// Take implements models.RateGate.
func (g *RateGate) Take(ctx context.Context, endpointID, deliveryID string, perSecond float64) (time.Duration, error) {
	if perSecond <= 0 {
		return 0, nil
	}
	prefix := g.Prefix
	if prefix == "" {
		prefix = "switchboard:ratelimit:"
	}
	// One hash tag per endpoint keeps both keys in one Redis Cluster slot.
	tag := prefix + "{" + endpointID + "}"
	interval := max(int64(float64(time.Second/time.Microsecond)/perSecond), 1)
	wait, err := gcra.Run(ctx, g.Redis, []string{tag + ":tat", tag + ":res:" + deliveryID}, interval, int64(reservationGrace/time.Microsecond)).Int64()
	if err != nil {
		return 0, err
	}
	return time.Duration(wait) * time.Microsecond, nil
}

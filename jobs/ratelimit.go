package jobs

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// RateGate is models.RateGate on Redis: a GCRA (generic cell rate algorithm) limiter per
// endpoint, shared by every worker of every replica. Each endpoint has one key holding its
// theoretical arrival time; a request is allowed when it would not arrive earlier than one
// emission interval (1/rate) after the previous allowed one, with no burst. The script runs
// atomically in Redis and reads Redis's own clock, so replicas with skewed clocks agree.
type RateGate struct {
	Redis redis.UniversalClient
	// Prefix namespaces the keys (default "switchboard:ratelimit:").
	Prefix string
}

// gcra: KEYS[1] the endpoint's key; ARGV[1] the emission interval in microseconds. Returns 0
// when allowed (and records it), otherwise the microseconds to wait.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > 0 then
  return tat - now
end
local nexttat = tat + interval
redis.call('SET', KEYS[1], nexttat, 'PX', math.ceil(interval / 1000) + 1000)
return 0
`)

// Take implements models.RateGate.
func (g *RateGate) Take(ctx context.Context, endpointID string, perSecond float64) (time.Duration, error) {
	if perSecond <= 0 {
		return 0, nil
	}
	prefix := g.Prefix
	if prefix == "" {
		prefix = "switchboard:ratelimit:"
	}
	interval := int64(float64(time.Second/time.Microsecond) / perSecond)
	wait, err := gcra.Run(ctx, g.Redis, []string{prefix + endpointID}, max(interval, 1)).Int64()
	if err != nil {
		return 0, err
	}
	return time.Duration(wait) * time.Microsecond, nil
}

package server

import (
	"context"
	"time"

	"github.com/switchboard-hub/switchboard/models"
)

// rateLimit counts one hit on key in a fixed window shared by every replica (in Redis) and
// refuses past limit. If Redis is unreachable it lets the request through and logs: locking
// everyone out of login during a Redis outage would be worse than a brief unlimited window.
func (m *Main) rateLimit(ctx context.Context, key string, limit int64, window time.Duration) error {
	k := "switchboard:ratelimit:" + key
	pipe := m.Redis.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, window)
	if _, err := pipe.Exec(ctx); err != nil {
		m.Log.WarnContext(ctx, "rate limiter unavailable", "err", err)
		return nil
	}
	if incr.Val() > limit {
		return models.Errorf(models.ERATELIMITED, "too many attempts; try again in a few minutes")
	}
	return nil
}

// rateLimited reports (as ERATELIMITED) whether key has reached limit, without counting this
// request: for limits that count only failures, with rateCount after one.
func (m *Main) rateLimited(ctx context.Context, key string, limit int64) error {
	n, err := m.Redis.Get(ctx, "switchboard:ratelimit:"+key).Int64()
	if err != nil {
		return nil // none counted yet, or the limiter is unavailable
	}
	if n >= limit {
		return models.Errorf(models.ERATELIMITED, "too many attempts; try again in a few minutes")
	}
	return nil
}

// rateCount counts one event against key for window.
func (m *Main) rateCount(ctx context.Context, key string, window time.Duration) {
	k := "switchboard:ratelimit:" + key
	pipe := m.Redis.TxPipeline()
	pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, window)
	if _, err := pipe.Exec(ctx); err != nil {
		m.Log.WarnContext(ctx, "rate limiter unavailable", "err", err)
	}
}

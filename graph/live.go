package graph

import (
	"context"

	"github.com/switchboard-hub/switchboard/models"
)

// LiveSource hands out live hints of one account. The channel is closed when ctx ends or when
// the subscriber is dropped for being too slow; the subscription then ends and the client
// reconnects and reloads.
type LiveSource interface {
	Subscribe(ctx context.Context, accountID string) <-chan models.Hint
}

// follow turns the hints of one kind into loaded objects for a subscription. load runs with the
// subscriber's own permissions, which may have changed since it subscribed: an application
// error (lost access) ends the stream, anything else skips that hint.
func follow[T any](ctx context.Context, src LiveSource, accountID, kind string, load func(models.Hint) (*T, error)) <-chan *T {
	hints := src.Subscribe(ctx, accountID)
	out := make(chan *T, 16)
	go func() {
		defer close(out)
		for h := range hints {
			if h.Kind != kind {
				continue
			}
			v, err := load(h)
			if err != nil {
				if models.IsAppError(err) {
					return
				}
				continue
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

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
			// Coalesce: identical hints already waiting (same object, same operation) need one
			// load of the latest state. Different operations (opened, resolved) stay apart:
			// subscribers rely on seeing each.
			key := func(h models.Hint) string { return h.Kind + "/" + h.ID + "/" + h.Op }
			batch := []models.Hint{h}
			seen := map[string]int{key(h): 0}
		drain:
			for {
				select {
				case more, ok := <-hints:
					if !ok {
						break drain
					}
					if _, dup := seen[key(more)]; dup {
						continue
					}
					seen[key(more)] = len(batch)
					batch = append(batch, more)
				default:
					break drain
				}
			}
			for _, h := range batch {
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
		}
	}()
	return out
}

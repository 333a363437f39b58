package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/switchboard-hub/switchboard/models"
)

// Loaders batch the lookups of list-of-parents fields (a membership's user, an account's
// environments…) into one query per field per request.
type Loaders struct {
	Users        *dataloader.Loader[string, *models.User]
	Accounts     *dataloader.Loader[string, *models.Account]
	Environments *dataloader.Loader[string, []models.Environment]
}

type loadersKey struct{}

func newLoaders(store *models.Store) *Loaders {
	opts := func() []dataloader.Option[string, *models.User] {
		return []dataloader.Option[string, *models.User]{dataloader.WithWait[string, *models.User](time.Millisecond)}
	}
	return &Loaders{
		Users: dataloader.NewBatchedLoader(mapBatch(store.UsersByID), opts()...),
		Accounts: dataloader.NewBatchedLoader(mapBatch(store.AccountsByID),
			dataloader.WithWait[string, *models.Account](time.Millisecond)),
		Environments: dataloader.NewBatchedLoader(func(ctx context.Context, keys []string) []*dataloader.Result[[]models.Environment] {
			m, err := store.EnvironmentsByAccount(ctx, keys)
			out := make([]*dataloader.Result[[]models.Environment], len(keys))
			for i, k := range keys {
				out[i] = &dataloader.Result[[]models.Environment]{Data: m[k], Error: err}
			}
			return out
		}, dataloader.WithWait[string, []models.Environment](time.Millisecond)),
	}
}

// mapBatch adapts a "load these ids into a map" store method to a batch function; a missing id
// loads as nil.
func mapBatch[V any](load func(context.Context, []string) (map[string]*V, error)) dataloader.BatchFunc[string, *V] {
	return func(ctx context.Context, keys []string) []*dataloader.Result[*V] {
		m, err := load(ctx, keys)
		out := make([]*dataloader.Result[*V], len(keys))
		for i, k := range keys {
			out[i] = &dataloader.Result[*V]{Data: m[k], Error: err}
		}
		return out
	}
}

// WithLoaders gives each request its own loaders, so nothing is cached across requests or
// across users.
func WithLoaders(store *models.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(store))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFrom(ctx context.Context, store *models.Store) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	// Websocket operations (subscriptions) run outside the HTTP middleware.
	return newLoaders(store)
}

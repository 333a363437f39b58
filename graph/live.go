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

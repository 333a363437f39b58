package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchboard-hub/switchboard/models"
)

// SearchIndexer moves new deliveries' payload text into the search table in the background
// (models.Store.IndexSearchText; docs/delivery-batching.md "Search text"), off the path that
// accepts events and sends them. Every worker process runs one; they share the queue.
type SearchIndexer struct {
	Store *models.Store
	Log   *slog.Logger
	// Every is the pause after the queue was found empty (default 250 ms): a search indexes
	// what is still queued itself, so this only bounds how much a search may find to do.
	Every time.Duration
}

// Run indexes until ctx ends: batch after batch while the queue is full, then a pause.
func (x *SearchIndexer) Run(ctx context.Context) {
	every := x.Every
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	log := x.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx = models.WorkerContext(ctx)
	failures := 0
	for ctx.Err() == nil {
		n, err := x.Store.IndexSearchText(ctx, models.SearchIndexBatch, false)
		pause := every
		switch {
		case err != nil && ctx.Err() == nil:
			failures++
			if failures == 1 || failures%60 == 0 {
				log.WarnContext(ctx, "indexing delivery search text failed; retrying", "err", err, "failures", failures)
			}
			pause = min(time.Duration(failures)*time.Second, 30*time.Second)
		case err == nil:
			failures = 0
			if n == models.SearchIndexBatch {
				continue // more queued
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

package models

import (
	"context"
)

// Payload search text (migration 0019, docs/delivery-batching.md "Search text"): on PostgreSQL
// a trigger queues every new delivery in delivery_search_queue; IndexSearchText moves queued
// deliveries' text into delivery_search, whose trigram index serves history search. The
// workers run it in the background (jobs.SearchIndexer) and a search runs it first for what is
// still queued, so no delivery that exists is missing from a search.

// SearchIndexBatch is how many queued deliveries one IndexSearchText call indexes at most.
const SearchIndexBatch = 1000

// searchCatchUp bounds what one search indexes before it runs (10 batches): more queued than
// that means no worker has indexed for a while (none runs?), and a search must not take minutes.
const searchCatchUp = 10 * SearchIndexBatch

// IndexSearchText indexes the text of up to limit queued deliveries and returns how many it took
// off the queue. Concurrent callers share the queue: with wait false (the background indexer) a
// caller skips rows another is indexing; with wait true (a search catching up) it waits for
// them, so that they are indexed when it returns. Nothing to do on SQLite.
//
// The transaction commits asynchronously (synchronous_commit off): the text is derived from the
// delivery, and a crash that loses the commit loses the queue rows' deletion with it, so those
// deliveries are indexed again. Accepting an event never waits for this work.
func (s *Store) IndexSearchText(ctx context.Context, limit int, wait bool) (int, error) {
	if s.db.Dialect != Postgres || limit <= 0 {
		return 0, nil
	}
	lock := "FOR UPDATE SKIP LOCKED"
	if wait {
		lock = "FOR UPDATE"
	}
	var n int
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Exec("SET LOCAL synchronous_commit = off").Error; err != nil {
			return err
		}
		// Queue rows locked in id order: two catching-up searches wait for each other, never
		// deadlock. The deliveries are locked (key share) as they are read, so one deleted
		// meanwhile (the purge) is skipped instead of failing the foreign key; a queued delivery
		// that no longer exists just leaves the queue.
		return tx.Raw(`WITH q AS (
				DELETE FROM delivery_search_queue WHERE delivery_id IN (
					SELECT delivery_id FROM delivery_search_queue ORDER BY delivery_id LIMIT ? `+lock+`)
				RETURNING delivery_id),
			ins AS (
				INSERT INTO delivery_search (delivery_id, body)
				SELECT d.id, encode(d.payload, 'escape') FROM deliveries d JOIN q ON q.delivery_id = d.id
				FOR KEY SHARE OF d
				ON CONFLICT (delivery_id) DO NOTHING)
			SELECT count(*) FROM q`, limit).Scan(&n).Error
	})
	return n, err
}

// catchUpSearch indexes what is still queued before a search (at most searchCatchUp rows).
func (s *Store) catchUpSearch(ctx context.Context) error {
	for done := 0; done < searchCatchUp; {
		n, err := s.IndexSearchText(ctx, SearchIndexBatch, true)
		if err != nil || n < SearchIndexBatch {
			return err
		}
		done += n
	}
	return nil
}

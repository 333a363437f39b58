package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// AuditThenFail writes an audit entry in a transaction whose function then returns fail, so
// tests can see what a transaction that fails after auditing leaves behind.
func (s *Store) AuditThenFail(ctx context.Context, a *Actor, accountID string, fail error) error {
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := s.audit(tx, a, accountID, "test.action", "test", accountID, "test entry"); err != nil {
			return err
		}
		return fail
	})
}

// SplitStatements exposes the migration splitter to upgrade tests.
var SplitStatements = splitStatements

// DeliverySearchSQL renders the history query ListDeliveries runs (first page) without running
// it, for EXPLAIN in tests.
func (s *Store) DeliverySearchSQL(ctx context.Context, accountID string, f DeliveryQuery, first int) (string, []any, error) {
	q, empty, err := s.historyQuery(ctx, accountID, f)
	if err != nil {
		return "", nil, err
	}
	if empty {
		return "", nil, fmt.Errorf("the filter matches nothing")
	}
	var out []Delivery
	stmt := q.Session(&gorm.Session{DryRun: true}).Order("created_at DESC, id DESC").Limit(first + 1).Find(&out).Statement
	return stmt.SQL.String(), stmt.Vars, nil
}

// ForgetDummyHashes empties the cache of unknown-email dummy hashes, as in a fresh process.
func ForgetDummyHashes() {
	dummyHashes.Range(func(k, _ any) bool {
		dummyHashes.Delete(k)
		return true
	})
}

// DummyHashGenerations counts the dummy hashes generated so far.
func DummyHashGenerations() int64 { return dummyGenerations.Load() }

// SetAutoPublishBatch makes the auto-publish pass read n incidents at a time.
func (s *Store) SetAutoPublishBatch(n int) { s.autoPublishBatch = n }

// FailIngestGroups makes every group of IngestNotifications fail just before its commit with
// err (nil: groups commit again). Set it only while no group runs.
func (s *Store) FailIngestGroups(err error) {
	if err == nil {
		s.ingestGroupHook = nil
		return
	}
	s.ingestGroupHook = func(*Tx) error { return err }
}

// KillIngestGroupConnections makes every group of IngestNotifications lose its connection just
// before its commit (PostgreSQL: the group's backend terminates itself), or stops doing so.
func (s *Store) KillIngestGroupConnections(on bool) {
	if !on {
		s.ingestGroupHook = nil
		return
	}
	s.ingestGroupHook = func(tx *Tx) error {
		return tx.Exec("SELECT pg_terminate_backend(pg_backend_pid())").Error
	}
}

// PGArray is pgArray: a list passed as one PostgreSQL array parameter.
type PGArray = pgArray

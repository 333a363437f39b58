package models

import "context"

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

// ForgetDummyHashes empties the cache of unknown-email dummy hashes, as in a fresh process.
func ForgetDummyHashes() {
	dummyHashes.Range(func(k, _ any) bool {
		dummyHashes.Delete(k)
		return true
	})
}

// DummyHashGenerations counts the dummy hashes generated so far.
func DummyHashGenerations() int64 { return dummyGenerations.Load() }

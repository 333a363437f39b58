package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DB is the database handle shared by the services.
type DB struct {
	*gorm.DB
	Dialect string
	// statements counts the SQL statements run through gorm (Statements).
	statements *atomic.Uint64
	// worker is the job worker's own pool (SetWorkerPool): used for contexts marked with
	// WorkerContext.
	worker atomic.Pointer[DB]
}

type workerCtxKey struct{}

// WorkerContext marks ctx as the job worker's: the database work done with it uses the
// worker's own connection pool when one is set (SetWorkerPool), so a burst of API requests
// cannot take the connections the deliveries need, nor the other way round.
func WorkerContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, workerCtxKey{}, true)
}

// SetWorkerPool gives the job worker a pool of its own: another handle on the same database.
func (db *DB) SetWorkerPool(w *DB) { db.worker.Store(w) }

// WorkerPool is the worker's own pool, or nil.
func (db *DB) WorkerPool() *DB { return db.worker.Load() }

// WithContext is gorm's WithContext on the pool ctx belongs to (see WorkerContext).
func (db *DB) WithContext(ctx context.Context) *gorm.DB {
	if w := db.worker.Load(); w != nil && ctx.Value(workerCtxKey{}) != nil {
		return w.DB.WithContext(ctx)
	}
	return db.DB.WithContext(ctx)
}

// Statements is how many SQL statements this handle has run (queries, inserts, updates,
// deletes, raw statements; not BEGIN/COMMIT). The server exports it as a metric, so a load test
// can tell how many queries a path really runs.
func (db *DB) Statements() uint64 {
	if db.statements == nil {
		return 0
	}
	return db.statements.Load()
}

// countStatements registers callbacks that count every statement gorm runs.
func countStatements(gdb *gorm.DB) (*atomic.Uint64, error) {
	n := &atomic.Uint64{}
	inc := func(*gorm.DB) { n.Add(1) }
	cb := gdb.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("switchboard:count", inc),
		cb.Create().After("gorm:create").Register("switchboard:count", inc),
		cb.Update().After("gorm:update").Register("switchboard:count", inc),
		cb.Delete().After("gorm:delete").Register("switchboard:count", inc),
		cb.Row().After("gorm:row").Register("switchboard:count", inc),
		cb.Raw().After("gorm:raw").Register("switchboard:count", inc),
	} {
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}

// OpenDB opens the database named by url: a postgres:// URL, or a SQLite file path (used for
// the embedded default). The pure-Go SQLite driver needs no cgo.
func OpenDB(ctx context.Context, url string) (*DB, error) {
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         false,
	}
	var (
		gdb     *gorm.DB
		err     error
		dialect string
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		dialect = Postgres
		gdb, err = gorm.Open(postgres.New(postgres.Config{DSN: url}), cfg)
	default:
		dialect = SQLite
		path := strings.TrimPrefix(url, "sqlite://")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
		}
		// WAL lets readers run while one writer writes; busy_timeout makes concurrent writers
		// wait instead of failing with SQLITE_BUSY.
		dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		gdb, err = gorm.Open(sqlite.Open(dsn), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a single connection avoids lock contention.
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(25)
		sqlDB.SetMaxIdleConns(25)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	counter, err := countStatements(gdb)
	if err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return &DB{DB: gdb, Dialect: dialect, statements: counter}, nil
}

// SetPoolSize sets the most open (and idle) connections of a PostgreSQL handle; SQLite keeps
// its single connection.
func (db *DB) SetPoolSize(n int) error {
	if db.Dialect != Postgres || n <= 0 {
		return nil
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	return nil
}

// Close closes the underlying connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks the database is reachable.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Tx runs fn in a transaction. After a successful commit the publisher is given every hint
// queued with tx.Publish, so subscribers never hear about changes that were rolled back.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	t := &Tx{dialect: db.Dialect}
	committed := false
	defer func() {
		if !committed { // rolled back, or a panic on its way up
			t.undoSince(0)
		}
	}()
	err := db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		t.DB = gtx
		if err := fn(t); err != nil {
			return err
		}
		// Work registered to run last (it may register more).
		for i := 0; i < len(t.beforeCommit); i++ {
			if err := t.beforeCommit[i](t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	committed = true
	runAll(t.afterCommit)
	return nil
}

// runAll runs every function, even when one panics (the others still run: an after-commit
// function may be accounting that must not be skipped), then re-panics with the first panic.
func runAll(fns []func()) {
	var first any
	for _, f := range fns {
		func() {
			defer func() {
				if p := recover(); p != nil && first == nil {
					first = p
				}
			}()
			f()
		}()
	}
	if first != nil {
		panic(first)
	}
}

// Tx is a transaction handle.
type Tx struct {
	*gorm.DB
	dialect      string
	afterCommit  []func()
	beforeCommit []func(*Tx) error
	undo         []func()      // OnUndo
	hints        *pendingHints // publishAfter
	// statusDue: components whose internal or published status may have changed in this
	// transaction (by component id); their history rows are written and their published
	// status refreshed before commit (component_history.go).
	statusDue map[string]statusDue
	// spOpen: a Savepoint's savepoint is still open (released by the next one).
	spOpen bool
	// reads: configuration reads shared by the work of one transaction (shareReads), nil
	// when every read goes to the database.
	reads readMemo
}

// readMemo keeps configuration reads (an account's name, variables and webhooks, an
// integration's rules and policy, a component's row) for the rest of a transaction, by a key
// that names what was read. It is for transactions that apply many independent items which
// write none of that configuration: a group of SNS notifications (IngestNotifications), where
// sixty alarms of one account would otherwise read the same rows sixty times. The group then
// sees the configuration as it was at its first read, usually milliseconds before its other
// items — as if they had arrived together — and commits all of it at once. Only reads that do
// not depend on the time are shared (a maintenance window, which starts and ends by the clock,
// is looked up each time). A transaction that changes configuration must not share reads. Not
// safe for concurrent use (a Tx never is).
type readMemo map[string]any

// shareReads makes the rest of the transaction share its configuration reads (readMemo).
func (t *Tx) shareReads() { t.reads = readMemo{} }

// memoized returns what load returns, read once per key while m is shared (nil m: every call
// loads). A failed load is not kept. Callers must treat the value as read-only.
func memoized[T any](m readMemo, key string, load func() (T, error)) (T, error) {
	if m == nil {
		return load()
	}
	if v, ok := m[key]; ok {
		return v.(T), nil
	}
	v, err := load()
	if err == nil {
		m[key] = v
	}
	return v, err
}

// BeforeCommit registers fn to run inside the transaction once its work is done, just before
// the commit; an error rolls the transaction back.
func (t *Tx) BeforeCommit(fn func(*Tx) error) { t.beforeCommit = append(t.beforeCommit, fn) }

// AfterCommit registers fn to run once the transaction has committed.
func (t *Tx) AfterCommit(fn func()) { t.afterCommit = append(t.afterCommit, fn) }

// OnUndo registers fn to run if the work registering it is undone: the transaction rolls back
// (or panics), or the Savepoint it was registered under is rolled back.
func (t *Tx) OnUndo(fn func()) { t.undo = append(t.undo, fn) }

// undoSince runs, latest first, and drops the undo functions registered from index i on.
func (t *Tx) undoSince(i int) {
	for j := len(t.undo) - 1; j >= i; j-- {
		t.undo[j]()
	}
	t.undo = t.undo[:i]
}

// txMark is where a transaction's registrations stood when a savepoint was taken.
type txMark struct {
	after, before, undo int
	hints               *pendingHints
	hintList            int
	hintIncidents       int
	dirty               map[string]statusDue // a copy of statusDue
}

func (t *Tx) mark() txMark {
	m := txMark{after: len(t.afterCommit), before: len(t.beforeCommit), undo: len(t.undo), hints: t.hints}
	if t.hints != nil {
		m.hintList, m.hintIncidents = len(t.hints.list), len(t.hints.incidentIDs)
	}
	if t.statusDue != nil {
		m.dirty = maps.Clone(t.statusDue)
	}
	return m
}

// forget drops what was registered since m: hooks, hints and dirty components; the undo
// functions registered since run first.
func (t *Tx) forget(m txMark) {
	t.undoSince(m.undo)
	t.afterCommit = t.afterCommit[:m.after]
	t.beforeCommit = t.beforeCommit[:m.before]
	// The hooks of hints and dirty components are registered when the first one is noted, so
	// a structure made since m went with its hooks.
	if p := m.hints; p != nil {
		for _, h := range p.list[m.hintList:] {
			delete(p.seen, h)
		}
		p.list = p.list[:m.hintList]
		for _, id := range p.incidentIDs[m.hintIncidents:] {
			delete(p.incidents, id)
		}
		p.incidentIDs = p.incidentIDs[:m.hintIncidents]
	}
	t.hints = m.hints
	t.statusDue = m.dirty
}

// Savepoint runs fn under a SAVEPOINT of the transaction (both databases have them). When fn
// fails the transaction is rolled back to the savepoint and what fn registered since (after-
// and before-commit work, publish hints, components whose status history is due) is forgotten,
// so the transaction goes on as if fn had never run; fnErr is fn's error. rbErr is set when
// taking or rolling back to the savepoint failed: the transaction is then unusable (a lost
// connection) and must be rolled back as a whole.
//
// The savepoint is left open and released by the next Savepoint in the same round trip as it
// takes its own ("RELEASE …; SAVEPOINT …"), so savepoints never nest and each costs one round
// trip; the commit ends the last one.
func (t *Tx) Savepoint(fn func() error) (fnErr, rbErr error) {
	take := "SAVEPOINT sb_sp"
	if t.spOpen {
		take = "RELEASE SAVEPOINT sb_sp; SAVEPOINT sb_sp"
	}
	if err := t.Exec(take).Error; err != nil {
		t.spOpen = false
		return nil, err
	}
	t.spOpen = true
	m := t.mark()
	if fnErr = fn(); fnErr != nil {
		t.forget(m)
		if err := t.Exec("ROLLBACK TO SAVEPOINT sb_sp").Error; err != nil {
			return fnErr, err
		}
	}
	return fnErr, nil
}

// isUniqueViolation reports whether err is a unique-constraint violation on either database.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsTransient reports whether err looks like an outage (connection refused, database down)
// rather than a problem with the request: callers that must be retried answer 5xx.
func IsTransient(err error) bool {
	return err != nil && !IsAppError(err)
}

var discardLogger = slog.New(slog.DiscardHandler)

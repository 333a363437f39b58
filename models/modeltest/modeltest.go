// Package modeltest gives tests real databases and a real Redis: a fresh PostgreSQL database
// per test (from SWITCHBOARD_TEST_DATABASE_URL, default the local server), a fresh SQLite file
// per test, and a Redis database of its own (from SWITCHBOARD_TEST_REDIS_URL).
//
// Nothing here skips: when PostgreSQL or Redis cannot be reached the test fails, so a suite
// that did not run against the real services cannot pass. `make test` finds or starts them.
package modeltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/switchboard-hub/switchboard/models"
)

func init() {
	// bcrypt at its default cost dominates test time under -race; the cost is not what tests
	// are about.
	models.BcryptCost = bcrypt.MinCost
}

// PostgresAdminURL is the server tests create their databases on.
func PostgresAdminURL() string {
	if u := os.Getenv("SWITCHBOARD_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// RedisBaseURL is the Redis server tests use.
func RedisBaseURL() string {
	if u := os.Getenv("SWITCHBOARD_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// MustPostgresURL creates an empty database for this test and drops it afterwards.
func MustPostgresURL(tb testing.TB) string {
	tb.Helper()
	admin := PostgresAdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("PostgreSQL is not reachable at %s (set SWITCHBOARD_TEST_DATABASE_URL or run make test): %v", redact(admin), err)
	}
	defer conn.Close(ctx)
	name := randomName("sbtest_")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Logf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// MustSQLitePath returns a fresh SQLite file path in the test's temp dir.
func MustSQLitePath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "switchboard.db")
}

// MustOpen opens and migrates the database at url.
func MustOpen(tb testing.TB, url string) *models.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := models.OpenDB(ctx, url)
	if err != nil {
		tb.Fatalf("open %s: %v", redact(url), err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// Dialects runs fn once on a fresh PostgreSQL database and once on a fresh SQLite file, as
// subtests named "postgres" and "sqlite". Store tests use it so both paths stay true.
func Dialects(t *testing.T, fn func(t *testing.T, db *models.DB)) {
	t.Helper()
	t.Run("postgres", func(t *testing.T) { fn(t, MustOpen(t, MustPostgresURL(t))) })
	t.Run("sqlite", func(t *testing.T) { fn(t, MustOpen(t, MustSQLitePath(t))) })
}

// DialectURLs is Dialects for tests that need the database unopened and unmigrated (migration
// tests): fn gets the URL of a fresh, empty PostgreSQL database, then of a fresh SQLite file.
func DialectURLs(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("postgres", func(t *testing.T) { fn(t, MustPostgresURL(t)) })
	t.Run("sqlite", func(t *testing.T) { fn(t, MustSQLitePath(t)) })
}

// MustOpenUnmigrated opens the database at url without migrating it.
func MustOpenUnmigrated(tb testing.TB, url string) *models.DB {
	tb.Helper()
	db, err := models.OpenDB(context.Background(), url)
	if err != nil {
		tb.Fatalf("open %s: %v", redact(url), err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// MustRedisURL returns a URL to a Redis database of this test's own, flushed before use.
// Redis has 16 numbered databases; each test takes one of 1–15 under a lock key in database 0
// (SET NX with a lease, renewed while the test runs, deleted at cleanup), so concurrent tests
// — in this process or in other packages' processes — never share a database: a shared one
// would let one test's worker take another test's tasks.
func MustRedisURL(tb testing.TB) string {
	tb.Helper()
	base := RedisBaseURL()
	opt, err := redis.ParseURL(base)
	if err != nil {
		tb.Fatalf("SWITCHBOARD_TEST_REDIS_URL: %v", err)
	}
	opt.DB = 0
	c := redis.NewClient(opt)
	ctx := context.Background()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		tb.Fatalf("Redis is not reachable at %s (set SWITCHBOARD_TEST_REDIS_URL or run make test): %v", redact(base), err)
	}
	const lease = time.Minute
	token := randomName("lease_")
	dbn, key := 0, ""
	deadline := time.Now().Add(3 * time.Minute)
	for dbn == 0 {
		for n := 1; n <= 15; n++ {
			k := fmt.Sprintf("switchboard:test:dblock:%d", n)
			ok, err := c.SetNX(ctx, k, token, lease).Result()
			if err != nil {
				c.Close()
				tb.Fatalf("lock a Redis database: %v", err)
			}
			if ok {
				dbn, key = n, k
				break
			}
		}
		if dbn == 0 {
			if time.Now().After(deadline) {
				c.Close()
				tb.Fatal("no free Redis test database for 3 minutes (15 are in use)")
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // renew the lease while the test runs
		defer close(done)
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				c.Expire(ctx, key, lease)
			}
		}
	}()
	tb.Cleanup(func() {
		close(stop)
		<-done
		// Release only our own lease.
		c.Eval(ctx, `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`, []string{key}, token)
		c.Close()
	})
	u, _ := url.Parse(base)
	u.Path = fmt.Sprintf("/%d", dbn)
	opt2, _ := redis.ParseURL(u.String())
	c2 := redis.NewClient(opt2)
	defer c2.Close()
	if err := c2.FlushDB(ctx).Err(); err != nil {
		tb.Fatalf("flush redis db %d: %v", dbn, err)
	}
	return u.String()
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	if p.User != nil {
		p.User = url.User(p.User.Username())
	}
	return p.String()
}

// Exec runs raw SQL on url (tests that simulate outages or inspect state).
func Exec(tb testing.TB, dbURL, query string, args ...any) {
	tb.Helper()
	if !strings.HasPrefix(dbURL, "postgres") {
		tb.Fatal("Exec is for PostgreSQL URLs")
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, query, args...); err != nil {
		tb.Fatal(err)
	}
}

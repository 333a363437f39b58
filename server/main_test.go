package server_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/server"
	"github.com/switchboard-hub/switchboard/server/servertest"
)

const (
	testSecret = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
	testJWTKey = "test-jwt-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)

type startOpts struct {
	embedded bool // SQLite + in-process Redis instead of PostgreSQL + Redis
	env      map[string]string
	// beforeServe runs after Open, before Serve (to inject test clients).
	beforeServe func(m *server.Main)
}

// MustStart starts the real program (server.Main) on a fresh database and Redis, listening on a
// free loopback port, and returns it with a client. It is closed when the test ends.
func MustStart(tb testing.TB, o startOpts) (*server.Main, *servertest.Client) {
	tb.Helper()
	env := map[string]string{
		"SWITCHBOARD_ADDR":       "127.0.0.1:0",
		"SWITCHBOARD_DATA_DIR":   tb.TempDir(),
		"SWITCHBOARD_SECRET_KEY": testSecret,
		"SWITCHBOARD_JWT_KEY":    testJWTKey,
		"SWITCHBOARD_LOG_LEVEL":  "warn",
	}
	if !o.embedded {
		env["SWITCHBOARD_DATABASE_URL"] = modeltest.MustPostgresURL(tb)
		env["SWITCHBOARD_REDIS_URL"] = modeltest.MustRedisURL(tb)
	}
	for k, v := range o.env {
		env[k] = v
	}
	cfg, _, err := server.LoadConfig("serve", nil, func(k string) string { return env[k] })
	if err != nil {
		tb.Fatal(err)
	}
	var logOut io.Writer = io.Discard
	if os.Getenv("SWITCHBOARD_TEST_LOG") != "" {
		logOut = os.Stderr
	}
	m := server.NewMain(cfg, slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	if err := m.Open(ctx, true); err != nil {
		tb.Fatalf("open: %v", err)
	}
	if o.beforeServe != nil {
		o.beforeServe(m)
	}
	if err := m.Serve(ctx, true); err != nil {
		tb.Fatalf("serve: %v", err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m, servertest.NewClient("http://" + m.Addr)
}

// MustSetup runs first-run setup and returns the admin's client.
func MustSetup(tb testing.TB, c *servertest.Client) *servertest.Session {
	tb.Helper()
	s, err := c.Setup(context.Background(), "admin@example.com", "Ada Admin", "correct horse battery", "Acme")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func ctxT(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

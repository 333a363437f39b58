package models

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one versioned schema change.
type Migration struct {
	Version  int
	Name     string
	SQL      string // rendered for the dialect
	Checksum string // of the source text, before rendering
}

// The placeholders a migration may use, per dialect. Writing each migration once keeps the
// two databases from drifting apart.
var dialectTypes = map[string]map[string]string{
	Postgres: {
		"{{uuid}}":      "UUID",
		"{{timestamp}}": "TIMESTAMPTZ",
		"{{bytes}}":     "BYTEA",
		"{{json}}":      "JSONB",
		"{{bool}}":      "BOOLEAN",
		"{{bigserial}}": "BIGSERIAL",
		"{{postgres}}":  "",
		// A line starting with {{sqlite}} is SQLite-only.
		"{{sqlite}}": "-- ",
	},
	SQLite: {
		"{{uuid}}":      "TEXT",
		"{{timestamp}}": "DATETIME",
		"{{bytes}}":     "BLOB",
		"{{json}}":      "TEXT",
		"{{bool}}":      "BOOLEAN",
		"{{bigserial}}": "INTEGER",
		// A line starting with {{postgres}} is PostgreSQL-only: on SQLite it becomes a
		// comment, which splitStatements skips.
		"{{postgres}}": "-- ",
		"{{sqlite}}":   "",
	},
}

// Migrations returns every migration, rendered for dialect, in version order.
func Migrations(dialect string) ([]Migration, error) {
	types, ok := dialectTypes[dialect]
	if !ok {
		return nil, fmt.Errorf("unknown dialect %q", dialect)
	}
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		base := strings.TrimSuffix(name, ".sql")
		num, label, ok := strings.Cut(base, "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version: %w", name, err)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, name, v)
		}
		seen[v] = name
		src, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(src)
		sql := string(src)
		for k, v := range types {
			sql = strings.ReplaceAll(sql, k, v)
		}
		if i := strings.Index(sql, "{{"); i >= 0 {
			return nil, fmt.Errorf("migration %s: unknown placeholder near %q", name, sql[i:min(len(sql), i+20)])
		}
		out = append(out, Migration{Version: v, Name: label, SQL: sql, Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// AppliedMigration is a row of the migration history.
type AppliedMigration struct {
	Version   int
	Name      string
	Checksum  string
	AppliedAt time.Time
}

// Migrate applies every pending migration, each in its own transaction, and records it in
// schema_migrations. An applied migration whose source changed is an error: migrations are
// append-only. On PostgreSQL an advisory lock makes replicas that start together take turns.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) (applied int, err error) {
	if log == nil {
		log = discardLogger
	}
	migs, err := Migrations(db.Dialect)
	if err != nil {
		return 0, err
	}
	conn := db.DB.WithContext(ctx)
	if db.Dialect == Postgres {
		// A session-level lock needs one connection for lock and unlock.
		sqlDB, err := db.DB.DB()
		if err != nil {
			return 0, err
		}
		c, err := sqlDB.Conn(ctx)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		const lockID = 7261937 // arbitrary, constant for Switchboard
		if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
		defer func() { _, _ = c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockID) }()
	}
	if err := conn.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		checksum TEXT NOT NULL,
		applied_at ` + dialectTypes[db.Dialect]["{{timestamp}}"] + ` NOT NULL)`).Error; err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	var done []AppliedMigration
	if err := conn.Raw("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").Scan(&done).Error; err != nil {
		return 0, fmt.Errorf("read schema_migrations: %w", err)
	}
	have := map[int]AppliedMigration{}
	for _, d := range done {
		have[d.Version] = d
	}
	known := map[int]bool{}
	for _, m := range migs {
		known[m.Version] = true
		if d, ok := have[m.Version]; ok {
			if d.Checksum != m.Checksum {
				return applied, fmt.Errorf("migration %04d_%s was changed after it was applied (checksum %s, applied %s); add a new migration instead", m.Version, m.Name, m.Checksum[:12], d.Checksum[:min(12, len(d.Checksum))])
			}
			continue
		}
		start := time.Now()
		if db.Dialect == SQLite {
			// SQLite changes a column's constraints by rebuilding its table (create, copy, drop,
			// rename), which must not fire the foreign keys' ON DELETE actions of the table it
			// drops. The pragma is per connection and a no-op inside a transaction: it is set
			// before, on the pool's single SQLite connection, and the keys are checked at the end
			// of the migration's transaction instead.
			if err := conn.Exec("PRAGMA foreign_keys = OFF").Error; err != nil {
				return applied, err
			}
		}
		err := db.Tx(ctx, func(tx *Tx) error {
			for _, stmt := range splitStatements(m.SQL) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("%w\nin statement:\n%s", err, stmt)
				}
			}
			if db.Dialect == SQLite {
				var bad []map[string]any
				if err := tx.Raw("PRAGMA foreign_key_check").Scan(&bad).Error; err != nil {
					return err
				}
				if len(bad) > 0 {
					return fmt.Errorf("foreign key violations after the migration: %v", bad)
				}
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
				m.Version, m.Name, m.Checksum, time.Now().UTC()).Error
		})
		if db.Dialect == SQLite {
			if ferr := conn.Exec("PRAGMA foreign_keys = ON").Error; ferr != nil && err == nil {
				err = ferr
			}
		}
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied++
		log.InfoContext(ctx, "migration applied", "version", m.Version, "name", m.Name, "duration_ms", time.Since(start).Milliseconds())
	}
	for v := range have {
		if !known[v] {
			return applied, fmt.Errorf("database has migration %d that this binary does not know: it was migrated by a newer version", v)
		}
	}
	return applied, nil
}

// MigrationHistory returns the applied migrations.
func (db *DB) MigrationHistory(ctx context.Context) ([]AppliedMigration, error) {
	var done []AppliedMigration
	err := db.DB.WithContext(ctx).Raw("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").Scan(&done).Error
	return done, err
}

// splitStatements splits a migration on semicolons at line ends. Migrations keep to one
// statement per semicolon-terminated block (no procedural bodies), which both drivers need:
// neither executes several statements in one prepared Exec reliably.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

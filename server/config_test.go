package server

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	env := map[string]string{
		"SWITCHBOARD_ADDR":           ":9000",
		"SWITCHBOARD_WORKER":         "false",
		"SWITCHBOARD_SHUTDOWN_GRACE": "5s",
		"SWITCHBOARD_DATABASE_URL":   "postgres://sb:hunter2-password@db.internal:5432/sb?sslmode=require",
		"SWITCHBOARD_SECRET_KEY":     "0123456789abcdef0123456789abcdef-very-secret",
	}
	cfg, rest, err := LoadConfig("serve", []string{"--addr", ":9100", "extra"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9100" {
		t.Errorf("flag must win over env: addr %q", cfg.Addr)
	}
	// Without a public URL of its own, links point where the process listens.
	if cfg.Worker || cfg.ShutdownGrace != 5*time.Second || cfg.PublicURL != "http://localhost:9100" {
		t.Errorf("env/defaults not applied: %+v", cfg)
	}
	if len(rest) != 1 || rest[0] != "extra" {
		t.Errorf("positional args: %v", rest)
	}

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("start", "config", cfg)
	out := buf.String()
	for _, secret := range []string{"hunter2-password", "very-secret", "sslmode=require"} {
		if strings.Contains(out, secret) {
			t.Errorf("log reveals %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "db.internal:5432") {
		t.Errorf("the database host should stay visible: %s", out)
	}
}

func TestLoadConfig_PublicURLFollowsAddr(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"defaults", nil, nil, "http://localhost:8080"},
		{"addr flag", nil, []string{"--addr", "127.0.0.1:9090"}, "http://127.0.0.1:9090"},
		{"addr env, any host", map[string]string{"SWITCHBOARD_ADDR": ":7000"}, nil, "http://localhost:7000"},
		{"public URL wins over addr", map[string]string{"SWITCHBOARD_PUBLIC_URL": "https://sb.example.com/"}, []string{"--addr", ":9090"}, "https://sb.example.com"},
		{"public URL flag", nil, []string{"--addr", ":9090", "--public-url", "https://x.example"}, "https://x.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := LoadConfig("serve", tc.args, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.PublicURL != tc.want {
				t.Errorf("public URL %q, want %q", cfg.PublicURL, tc.want)
			}
		})
	}
}

func TestNewLogger_AutoIsJSONOffATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	NewLogger(&Config{LogFormat: "auto"}, f).Info("hello", "k", "v")
	NewLogger(&Config{LogFormat: "text"}, f).Info("hello", "k", "v")
	b, _ := os.ReadFile(f.Name())
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "{") || strings.HasPrefix(lines[1], "{") {
		t.Fatalf("auto to a file must be JSON, text must be text:\n%s", b)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"bad bool":     {"SWITCHBOARD_WORKER": "maybe"},
		"bad duration": {"SWITCHBOARD_SHUTDOWN_GRACE": "soon"},
		// Asynq would read 0 as its own default (8 s), a negative grace as none at all.
		"zero grace":     {"SWITCHBOARD_SHUTDOWN_GRACE": "0s"},
		"negative grace": {"SWITCHBOARD_SHUTDOWN_GRACE": "-1s"},
		"short secret":   {"SWITCHBOARD_SECRET_KEY": "short"},
		"log format":     {"SWITCHBOARD_LOG_FORMAT": "xml"},
		// Every lane holds a connection of the API's pool while its group runs.
		"sns lanes past the pool": {"SWITCHBOARD_SNS_GROUP_LANES": "25", "SWITCHBOARD_DB_POOL": "25"},
		"negative sns lanes":      {"SWITCHBOARD_SNS_GROUP_LANES": "-1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := LoadConfig("serve", nil, func(k string) string { return env[k] })
			if err == nil {
				t.Fatal("want an error")
			}
			if _, grace := env["SWITCHBOARD_SHUTDOWN_GRACE"]; grace && name != "bad duration" && !strings.Contains(err.Error(), "SWITCHBOARD_SHUTDOWN_GRACE must be more than 0") {
				t.Fatalf("want a clear error naming the grace, got %v", err)
			}
		})
	}
}

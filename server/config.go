// Package server assembles the Switchboard process: configuration, storage, Redis, the job
// worker, the HTTP routes (Echo stays inside this package) and graceful shutdown.
package server

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Version is set at build time (-ldflags -X).
var Version = "dev"

// Config is every setting of the process. Each field is read from its SWITCHBOARD_* environment
// variable and can be overridden by the flag of the same name.
type Config struct {
	Addr               string        `env:"ADDR" default:":8080" help:"HTTP listen address"`
	PublicURL          string        `env:"PUBLIC_URL" default:"http://localhost:8080" help:"base of the URLs shown to users (webhook URLs, callbacks)"`
	DataDir            string        `env:"DATA_DIR" default:"./data" help:"embedded default's SQLite file and generated secret key"`
	DatabaseURL        string        `env:"DATABASE_URL" secret:"true" help:"postgres://… in production; empty = SQLite in the data dir"`
	RedisURL           string        `env:"REDIS_URL" secret:"true" help:"redis://… in production; empty = in-process Redis"`
	RedisChannelPrefix string        `env:"REDIS_CHANNEL_PREFIX" default:"switchboard" help:"prefix of the Redis pub/sub channel of live updates (the channel also names the Redis database); it separates live updates only: the job queue and rate limiters do not follow it, so installations must use separate Redis databases"`
	SecretKey          string        `env:"SECRET_KEY" secret:"true" help:"encrypts signing keys at rest and signs JWTs (32+ bytes); empty = generated into the data dir (embedded default only)"`
	JWTKey             string        `env:"JWT_KEY" secret:"true" help:"separate JWT signing key (32+ bytes); empty = derived from the secret key"`
	SNSCertDir         string        `env:"SNS_CERT_DIR" help:"pinned SNS signing certificates, by file name"`
	SNSEndpoint        string        `env:"SNS_ENDPOINT" help:"trust an SNS emulator origin (development only)"`
	OutboundAllow      string        `env:"OUTBOUND_ALLOW" help:"CIDRs outbound deliveries may reach even if denied by default (comma-separated)"`
	OutboundDeny       string        `env:"OUTBOUND_DENY" help:"extra CIDRs outbound deliveries must not reach (comma-separated)"`
	TrustedProxies     string        `env:"TRUSTED_PROXIES" help:"CIDRs of reverse proxies whose X-Forwarded-For is believed (comma-separated); empty = use the peer address"`
	Worker             bool          `env:"WORKER" default:"true" help:"serve: also run the job worker in this process"`
	Concurrency        int           `env:"WORKER_CONCURRENCY" default:"20" help:"job worker concurrency (the delivery dispatcher keeps at least 64 attempts in flight)"`
	DBPool             int           `env:"DB_POOL" default:"25" help:"PostgreSQL connections of the API (more than 0)"`
	WorkerDBPool       int           `env:"WORKER_DB_POOL" default:"10" help:"PostgreSQL connections of the job worker and delivery dispatcher, a pool of their own (more than 0)"`
	SNSGroupLanes      int           `env:"SNS_GROUP_LANES" default:"4" help:"SNS notifications are applied in groups (one transaction per few milliseconds) on this many lanes, each one database connection at a time; 0 = one transaction per notification (PostgreSQL; SQLite has one lane)"`
	OutboxLimit        int           `env:"OUTBOX_LIMIT" default:"50000" help:"fireEvent is refused (RATE_LIMITED with a retry-after) while this many deliveries are pending or retrying; 0 = no limit"`
	Introspection      bool          `env:"GRAPHQL_INTROSPECTION" default:"true" help:"allow GraphQL introspection and the playground"`
	DebugAddr          string        `env:"DEBUG_ADDR" help:"listen address of Go's profiler (/debug/pprof/), e.g. 127.0.0.1:6060; empty = off; it has no authentication: keep it on loopback or a private network"`
	LogLevel           string        `env:"LOG_LEVEL" default:"info" help:"debug, info, warn or error"`
	LogFormat          string        `env:"LOG_FORMAT" default:"auto" help:"json, text, or auto (text on a terminal, else json)"`
	SMTPURL            string        `env:"SMTP_URL" secret:"true" help:"smtp://user:password@host:587 (STARTTLS required), smtps://…:465 (TLS), or smtp://host:25?tls=none (trusted relay); empty = mail is kept in the console's Outgoing mail, not sent"`
	MailFrom           string        `env:"MAIL_FROM" help:"From address of Switchboard's mail (required with SMTP_URL), e.g. Switchboard <switchboard@example.com>"`
	ShutdownGrace      time.Duration `env:"SHUTDOWN_GRACE" default:"20s" help:"how long shutdown waits for in-flight requests and jobs (more than 0; shutdown takes at most this plus 5 s)"`
	// EndpointDisableAfter is how long an endpoint may fail without a break before the breaker
	// turns it off.
	EndpointDisableAfter time.Duration `env:"ENDPOINT_DISABLE_AFTER" default:"120h" help:"an endpoint failing without a break for this long is disabled (its waiting deliveries fail)"`
	// PageBundleWindow: pages to one person on one channel within it go out as one message.
	PageBundleWindow time.Duration `env:"PAGE_BUNDLE_WINDOW" default:"30s" help:"pages to one person on one channel within this window are sent as one message listing them (0s: never bundled; at most 10m)"`

	// SlackAPIURL is Slack's Web API base (the Slack app; tests point it at a fake).
	SlackAPIURL string `env:"SLACK_API_URL" default:"https://slack.com/api/" help:"base URL of Slack's Web API for the Slack app (change only for a proxy or a test fake)"`
}

// fields walks the Config struct tags.
func configFields(c *Config) []struct {
	Field reflect.StructField
	Value reflect.Value
} {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	out := make([]struct {
		Field reflect.StructField
		Value reflect.Value
	}, t.NumField())
	for i := range t.NumField() {
		out[i].Field, out[i].Value = t.Field(i), v.Field(i)
	}
	return out
}

func flagName(env string) string { return strings.ReplaceAll(strings.ToLower(env), "_", "-") }

// LoadConfig fills a Config from defaults, then the environment, then args (flags such as
// --addr or --worker=false). It returns the remaining positional arguments.
func LoadConfig(name string, args []string, getenv func(string) string) (*Config, []string, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	set := map[string]bool{} // settings given by the environment or a flag, by env name
	for _, f := range configFields(c) {
		env := f.Field.Tag.Get("env")
		raw := f.Field.Tag.Get("default")
		if v := getenv("SWITCHBOARD_" + env); v != "" {
			raw = v
			set[env] = true
		}
		if err := setValue(f.Value, raw); err != nil {
			return nil, nil, fmt.Errorf("SWITCHBOARD_%s: %w", env, err)
		}
		help := f.Field.Tag.Get("help") + " (SWITCHBOARD_" + env + ")"
		switch p := f.Value.Addr().Interface().(type) {
		case *string:
			fs.StringVar(p, flagName(env), *p, help)
		case *bool:
			fs.BoolVar(p, flagName(env), *p, help)
		case *int:
			fs.IntVar(p, flagName(env), *p, help)
		case *time.Duration:
			fs.DurationVar(p, flagName(env), *p, help)
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	fs.Visit(func(f *flag.Flag) { set[strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))] = true })
	// Without a public URL of its own, a process listening elsewhere than the default address
	// shows and mails links to where it listens, not to localhost:8080.
	if !set["PUBLIC_URL"] && set["ADDR"] {
		if u, ok := localURL(c.Addr); ok {
			c.PublicURL = u
		}
	}
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

func setValue(v reflect.Value, raw string) error {
	switch p := v.Addr().Interface().(type) {
	case *string:
		*p = raw
	case *bool:
		if raw == "" {
			return nil
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", raw)
		}
		*p = b
	case *int:
		if raw == "" {
			return nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("want a number, got %q", raw)
		}
		*p = n
	case *time.Duration:
		if raw == "" {
			return nil
		}
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("want a duration like 20s, got %q", raw)
		}
		*p = d
	}
	return nil
}

func (c *Config) validate() error {
	switch c.LogFormat {
	case "json", "text", "auto":
	default:
		return fmt.Errorf("log format must be json, text or auto, got %q", c.LogFormat)
	}
	if c.Concurrency < 1 {
		return fmt.Errorf("worker concurrency must be at least 1")
	}
	if c.DBPool < 1 || c.WorkerDBPool < 1 {
		return fmt.Errorf("SWITCHBOARD_DB_POOL and SWITCHBOARD_WORKER_DB_POOL must be at least 1")
	}
	// Each lane holds one of the API's connections while its group runs.
	if c.SNSGroupLanes < 0 || (c.SNSGroupLanes > 0 && c.SNSGroupLanes >= c.DBPool) {
		return fmt.Errorf("SWITCHBOARD_SNS_GROUP_LANES must be 0 (off) or fewer than SWITCHBOARD_DB_POOL")
	}
	if c.OutboxLimit < 0 {
		return fmt.Errorf("SWITCHBOARD_OUTBOX_LIMIT must be 0 (no limit) or more")
	}
	if c.PageBundleWindow < 0 || c.PageBundleWindow > 10*time.Minute {
		return fmt.Errorf("SWITCHBOARD_PAGE_BUNDLE_WINDOW must be between 0s and 10m")
	}
	// Asynq reads a zero shutdown timeout as its default (8 s): a grace must be positive.
	if c.ShutdownGrace <= 0 {
		return fmt.Errorf("SWITCHBOARD_SHUTDOWN_GRACE must be more than 0 (for example 20s), got %s", c.ShutdownGrace)
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		return fmt.Errorf("SWITCHBOARD_SECRET_KEY must be at least 32 bytes")
	}
	if c.JWTKey != "" && len(c.JWTKey) < 32 {
		return fmt.Errorf("SWITCHBOARD_JWT_KEY must be at least 32 bytes")
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return nil
}

// localURL is the http URL of a listen address as seen from this machine (":9090" →
// http://localhost:9090).
func localURL(addr string) (string, bool) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", false
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port), true
}

// databaseURL is the configured URL or the SQLite file in the data directory.
func (c *Config) databaseURL() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "switchboard.db")
}

// LogValue logs every setting with secrets masked.
func (c *Config) LogValue() slog.Value {
	var attrs []slog.Attr
	for _, f := range configFields(c) {
		key := strings.ToLower(f.Field.Tag.Get("env"))
		val := fmt.Sprint(f.Value.Interface())
		if f.Field.Tag.Get("secret") == "true" && val != "" {
			val = maskSecret(key, val)
		}
		attrs = append(attrs, slog.String(key, val))
	}
	return slog.GroupValue(attrs...)
}

// maskSecret hides a secret; URLs keep their scheme and host so operators can see where the
// process connects, without the password.
func maskSecret(key, val string) string {
	if strings.HasSuffix(key, "_url") {
		if i := strings.Index(val, "://"); i >= 0 {
			rest := val[i+3:]
			if at := strings.LastIndex(rest, "@"); at >= 0 {
				rest = "*****@" + rest[at+1:]
			}
			if q := strings.IndexAny(rest, "?"); q >= 0 {
				rest = rest[:q]
			}
			return val[:i+3] + rest
		}
	}
	return "*****"
}

// Usage prints the configuration table (flags and variables).
func Usage(w *os.File) {
	c := &Config{}
	fmt.Fprintln(w, "Configuration (environment variable / flag, default):")
	for _, f := range configFields(c) {
		env := f.Field.Tag.Get("env")
		fmt.Fprintf(w, "  SWITCHBOARD_%-22s --%-22s %-24q %s\n", env, flagName(env), f.Field.Tag.Get("default"), f.Field.Tag.Get("help"))
	}
}

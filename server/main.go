package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/mattn/go-isatty"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-hub/switchboard/jobs"
	"github.com/switchboard-hub/switchboard/jobs/deliver"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/server/live"
)

// Main is the assembled program. The end-to-end tests use it to start the real thing.
type Main struct {
	Config *Config
	Log    *slog.Logger

	DB    *models.DB
	Store *models.Store
	Auth  *models.Auth

	Redis    redis.UniversalClient
	asynqOpt asynq.RedisConnOpt
	mini     *miniredis.Miniredis
	Hub      *live.Hub

	// SNSHTTPClient fetches SNS certificates and SubscribeURLs (tests trust their fake SNS's
	// TLS certificate through it). SNSClock is the verifier's clock. Set both before Serve.
	SNSHTTPClient *http.Client
	SNSClock      func() time.Time
	// DeliveryResolver resolves endpoint host names for deliveries (tests inject several A
	// records); DeliveryTLS is the deliveries' base TLS config (tests trust their receivers).
	DeliveryResolver deliver.Resolver
	DeliveryTLS      *tls.Config
	// GraphQLMaxResolvedNodes lowers the nodes one GraphQL response may resolve (tests); 0
	// keeps graph.MaxResolvedNodes.
	GraphQLMaxResolvedNodes int
	// SessionCheckInterval is how often an open websocket re-checks its session (tests
	// shorten it); 0 keeps graph.DefaultSessionCheckInterval.
	SessionCheckInterval time.Duration

	// SlackAPI calls Slack's Web API (SWITCHBOARD_SLACK_API_URL); SlackDM is the Slack DM
	// channel the paging engine sends through.
	SlackAPI *jobs.SlackAPI
	SlackDM  *jobs.SlackDM

	queue  *jobs.Queue
	sender *deliver.Sender
	// dispatchStop stops the batched delivery dispatcher (StartWorker) and waits for it.
	dispatchStop func()
	// snsBatch is the SNS edge's group committer (closed after the HTTP server has drained).
	snsBatch *models.NotificationBatcher
	smtp     *jobs.SMTPConfig
	delivery *jobs.DeliveryMetrics

	trustedProxies []netip.Prefix

	metrics *metrics
	echo    *echo.Echo
	httpSrv *http.Server
	// debugSrv serves the profiler when SWITCHBOARD_DEBUG_ADDR is set; DebugAddr is where.
	debugSrv  *http.Server
	DebugAddr string
	// Addr is the address the HTTP server listens on, once Serve has started.
	Addr string

	worker    *asynq.Server
	handlers  *jobs.Handlers
	scheduler *asynq.Scheduler

	closeOnce sync.Once
	closeErr  error

	cancel context.CancelFunc
	// serveCtx is Serve's context: it ends when the server stops.
	serveCtx context.Context
	wg       sync.WaitGroup
	errc     chan error
}

// NewMain returns a Main for cfg, logging to log (or stderr as JSON when nil).
func NewMain(cfg *Config, log *slog.Logger) *Main {
	if log == nil {
		log = NewLogger(cfg, os.Stderr)
	}
	return &Main{Config: cfg, Log: log, metrics: newMetrics(), errc: make(chan error, 4)}
}

// NewLogger returns the process logger: JSON (or text) with request ids.
func NewLogger(cfg *Config, w *os.File) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" || (cfg.LogFormat == "auto" && isTerminal(w)) {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(requestIDHandler{h})
}

// isTerminal reports whether f is a person's terminal, not a file, a pipe or /dev/null.
func isTerminal(f *os.File) bool { return isatty.IsTerminal(f.Fd()) }

// Open connects storage and Redis and applies migrations. Every subcommand that touches data
// starts here.
func (m *Main) Open(ctx context.Context, migrate bool) error {
	cfg := m.Config
	m.Log.InfoContext(ctx, "starting switchboard", "version", Version, "config", cfg)
	if cfg.SNSEndpoint != "" {
		m.Log.WarnContext(ctx, "SWITCHBOARD_SNS_ENDPOINT is set: messages from an SNS emulator are trusted; never do this in production", "origin", cfg.SNSEndpoint)
	}

	// 1. Secrets.
	secret, err := m.secretKey()
	if err != nil {
		return err
	}
	jwtKey := []byte(cfg.JWTKey)
	if len(jwtKey) == 0 {
		jwtKey = deriveKey(secret, "switchboard jwt v1")
	}

	if m.trustedProxies, err = deliver.ParseCIDRList(cfg.TrustedProxies); err != nil {
		return fmt.Errorf("SWITCHBOARD_TRUSTED_PROXIES: %w", err)
	}

	// 2. Database.
	db, err := models.OpenDB(ctx, cfg.databaseURL())
	if err != nil {
		return err
	}
	if err := db.SetPoolSize(cfg.DBPool); err != nil {
		return err
	}
	m.DB = db
	m.metrics.registerDB(func() uint64 {
		n := db.Statements()
		if w := db.WorkerPool(); w != nil {
			n += w.Statements()
		}
		return n
	})
	if migrate {
		n, err := db.Migrate(ctx, m.Log)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		m.Log.InfoContext(ctx, "database ready", "dialect", db.Dialect, "migrations_applied", n)
	}

	// 3. Redis: the configured one, or an in-process one for the embedded default.
	if err := m.openRedis(ctx); err != nil {
		return err
	}
	m.Hub = live.New(m.Redis, m.Log, live.WithChannelPrefix(m.Config.RedisChannelPrefix))
	m.Store = models.NewStore(db, m.Hub)
	m.Store.SetPublicURL(cfg.PublicURL)
	if db.Dialect == models.Postgres {
		// Migration 0009 creates the trigram index only where pg_trgm could be created.
		if ok, err := m.Store.PayloadSearchIndexed(ctx); err == nil && !ok {
			m.Log.WarnContext(ctx, "delivery payload search is not indexed: the pg_trgm extension could not be created, so search scans the history (see docs/webhooks.md, History search)")
		}
	}
	if err := m.Store.SetEncryptionKey(deriveKey(secret, "switchboard signing-key encryption v1")); err != nil {
		return err
	}
	if err := m.Store.SetLinkKey(deriveKey(secret, "switchboard signed links v1")); err != nil {
		return err
	}
	// Mail: sent through SMTP when configured, else kept for the console's Outgoing mail.
	if cfg.SMTPURL != "" {
		if m.smtp, err = jobs.ParseSMTPURL(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return err
		}
	}
	m.Store.SetMailKept(m.smtp == nil)
	m.Store.SetBundleWindow(cfg.PageBundleWindow)
	m.Store.SetBacklogLimit(cfg.OutboxLimit)
	// Every process that commits events enqueues their deliveries after commit.
	m.queue = &jobs.Queue{Client: asynq.NewClient(m.asynqOpt), Inspector: asynq.NewInspector(m.asynqOpt), Log: m.Log}
	m.Store.SetEnqueuer(m.queue)
	// Batched deliveries wake a dispatcher: StartWorker makes it this process's own; without a
	// worker here, the workers elsewhere hear it through Redis (docs/delivery-batching.md).
	m.queue.Wake = func(ctx context.Context) {
		if err := m.Redis.Publish(ctx, jobs.WakeChannel, "1").Err(); err != nil {
			m.Log.WarnContext(ctx, "waking the delivery dispatchers failed; they find the deliveries within a second", "err", err)
		}
	}
	// Endpoint saves warn when the URL's host resolves to an address deliveries may not reach
	// (the same lists as the worker's guard).
	allow, err := deliver.ParseCIDRList(cfg.OutboundAllow)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_OUTBOUND_ALLOW: %w", err)
	}
	deny, err := deliver.ParseCIDRList(cfg.OutboundDeny)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_OUTBOUND_DENY: %w", err)
	}
	m.Store.SetOutboundGuard(deliver.NewGuard(allow, deny), mainResolver{m})
	// Status page webhook subscribers: the strict guard, with the operator's deny list only.
	m.Store.SetSubscriberOutboundDeny(deny)
	m.Store.SetSubscriberResolver(mainResolver{m})
	// Endpoint rate limits are shared by every worker of every replica through Redis.
	m.Store.SetRateGate(&jobs.RateGate{Redis: m.Redis})
	m.Store.SetBreakerPolicy(models.BreakerPolicy{DisableAfter: cfg.EndpointDisableAfter})
	m.metrics.registry.MustRegister(newQueueCollector(m.queue.Inspector))
	// The Slack app: auth.test when a workspace is connected, the DM channel of pages.
	m.SlackAPI = jobs.NewSlackAPI(cfg.SlackAPIURL, deliver.NewGuard(allow, deny))
	m.Store.SetSlackChecker(m.SlackAPI)
	m.SlackDM = &jobs.SlackDM{Store: m.Store, API: m.SlackAPI}
	m.Auth, err = models.NewAuth(m.Store, jwtKey)
	return err
}

func deriveKey(secret []byte, purpose string) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}

// secretKey returns SWITCHBOARD_SECRET_KEY, or in the embedded default a key generated once
// into the data directory. Production (PostgreSQL) needs it set, because every replica must
// share it.
func (m *Main) secretKey() ([]byte, error) {
	cfg := m.Config
	if cfg.SecretKey != "" {
		return []byte(cfg.SecretKey), nil
	}
	if cfg.DatabaseURL != "" {
		return nil, errors.New("SWITCHBOARD_SECRET_KEY is required with SWITCHBOARD_DATABASE_URL (all replicas must share it); generate one with: openssl rand -base64 48")
	}
	path := filepath.Join(cfg.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		key := strings.TrimSpace(string(b))
		if len(key) < 32 {
			return nil, fmt.Errorf("%s is shorter than 32 bytes", path)
		}
		return []byte(key), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	raw := make([]byte, 48)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	key := base64.StdEncoding.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write secret key: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(key + "\n"); err != nil {
		return nil, err
	}
	m.Log.Info("generated a secret key into the data directory", "path", path)
	return []byte(key), nil
}

func (m *Main) openRedis(ctx context.Context) error {
	url := m.Config.RedisURL
	if url == "" {
		m.mini = miniredis.NewMiniRedis()
		if err := m.mini.StartAddr("127.0.0.1:0"); err != nil {
			return fmt.Errorf("start in-process redis: %w", err)
		}
		url = "redis://" + m.mini.Addr() + "/0"
		m.Log.InfoContext(ctx, "using in-process redis (embedded default)")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_REDIS_URL: %w", err)
	}
	m.Redis = redis.NewClient(opt)
	aopt, err := asynq.ParseRedisURI(url)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_REDIS_URL: %w", err)
	}
	m.asynqOpt = aopt
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := m.Redis.Ping(pctx).Err(); err != nil {
		return fmt.Errorf("connect to redis: %w", err)
	}
	return nil
}

// Serve starts the HTTP server, the live hub and (unless disabled) the worker. It returns once
// they are listening; Wait blocks until one of them fails or Close is called.
func (m *Main) Serve(ctx context.Context, withWorker bool) error {
	ctx, m.cancel = context.WithCancel(ctx)
	m.serveCtx = ctx

	// Live updates: one Redis subscription for this process.
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.Hub.Run(ctx); err != nil && ctx.Err() == nil {
			m.errc <- fmt.Errorf("live hub: %w", err)
		}
	}()
	select {
	case <-m.Hub.Ready():
	case <-time.After(10 * time.Second):
		return errors.New("live hub: redis subscription not confirmed within 10s")
	}

	if withWorker {
		if err := m.StartWorker(ctx); err != nil {
			return err
		}
	}

	e, err := m.newEcho()
	if err != nil {
		return err
	}
	m.echo = e
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.Addr = ln.Addr().String()
	m.httpSrv = &http.Server{
		Handler:           m.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.errc <- err
		}
	}()
	if m.Config.DebugAddr != "" {
		if err := m.serveDebug(); err != nil {
			return err
		}
	}
	m.Log.InfoContext(ctx, "switchboard is listening", "addr", m.Addr, "console", m.ConsoleURL(), "worker", withWorker)
	return nil
}

// serveDebug serves Go's profiler (net/http/pprof) on SWITCHBOARD_DEBUG_ADDR, apart from the
// public listener (whose router never routes /debug/); the bench tool's -profile reads it.
func (m *Main) serveDebug() error {
	ln, err := net.Listen("tcp", m.Config.DebugAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (SWITCHBOARD_DEBUG_ADDR): %w", m.Config.DebugAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	// No /cmdline: settings (secrets too) can be given as flags.
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	m.debugSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.DebugAddr = ln.Addr().String()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.debugSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.errc <- err
		}
	}()
	m.Log.Warn("Go's profiler is served without authentication (SWITCHBOARD_DEBUG_ADDR)", "addr", m.DebugAddr)
	return nil
}

// ConsoleURL is where a person opens the console: the public URL, or, when that is the
// default and the listener took another port (":0" in tests), where it listens.
func (m *Main) ConsoleURL() string {
	if m.Config.PublicURL != "" && m.Config.PublicURL != "http://localhost:8080" {
		return m.Config.PublicURL + "/"
	}
	if u, ok := localURL(m.Addr); ok {
		return u + "/"
	}
	return m.Config.PublicURL + "/"
}

// StartWorker runs the Asynq worker and the periodic scheduler in this process.
func (m *Main) StartWorker(ctx context.Context) error {
	allow, err := deliver.ParseCIDRList(m.Config.OutboundAllow)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_OUTBOUND_ALLOW: %w", err)
	}
	deny, err := deliver.ParseCIDRList(m.Config.OutboundDeny)
	if err != nil {
		return fmt.Errorf("SWITCHBOARD_OUTBOUND_DENY: %w", err)
	}
	m.sender, err = deliver.NewSender(deliver.Config{Version: Version, Resolver: m.DeliveryResolver, Guard: deliver.NewGuard(allow, deny), TLSConfig: m.DeliveryTLS})
	if err != nil {
		return err
	}
	if m.delivery == nil {
		m.delivery = jobs.NewDeliveryMetrics(m.metrics.registry)
	}
	if err := m.openWorkerPool(ctx); err != nil {
		return err
	}
	h := &jobs.Handlers{
		Store: m.Store, Log: m.Log,
		Deliverer: &jobs.Deliverer{Store: m.Store, Sender: m.sender, Log: m.Log, Metrics: m.delivery},
		Sweeper:   &jobs.Sweeper{Store: m.Store, Queue: m.queue, Log: m.Log},
	}
	// Both always run: without SMTP nothing is queued (mail is kept), and a row queued by a
	// replica that has SMTP is refused loudly here rather than left without a handler.
	h.Mailer = &jobs.Mailer{Store: m.Store, Log: m.Log}
	if m.smtp != nil {
		h.Mailer.Sender = &jobs.SMTPSender{Config: *m.smtp}
	}
	h.MailSweeper = &jobs.MailSweeper{Store: m.Store, Queue: m.queue, Log: m.Log}
	h.Engine = &jobs.Engine{Store: m.Store, Log: m.Log, Channels: jobs.NewChannels(m.Store, m.sender, m.SlackDM)}
	h.Slack = &jobs.Slack{Store: m.Store, API: m.SlackAPI, Queue: m.queue, Log: m.Log}
	subSender, err := jobs.NewSubscriberSender(m.Store, Version, m.DeliveryResolver)
	if err != nil {
		return err
	}
	h.StatusWebhooks = &jobs.StatusWebhooks{Store: m.Store, Sender: subSender, Queue: m.queue, Log: m.Log}
	m.handlers = h
	m.startDispatcher()
	m.worker = asynq.NewServer(m.asynqOpt, jobs.WorkerConfig(m.Config.Concurrency, m.Config.ShutdownGrace, m.Log))
	if err := m.worker.Start(h.Mux()); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	m.scheduler = asynq.NewScheduler(m.asynqOpt, &asynq.SchedulerOpts{Logger: jobs.Logger{L: m.Log, Component: "scheduler"}, LogLevel: asynq.WarnLevel})
	if err := jobs.Schedule(m.scheduler); err != nil {
		return err
	}
	if err := m.scheduler.Start(); err != nil {
		return fmt.Errorf("start scheduler: %w", err)
	}
	m.Log.InfoContext(ctx, "worker started", "concurrency", m.Config.Concurrency)
	return nil
}

// openWorkerPool gives the job worker a connection pool of its own on PostgreSQL
// (SWITCHBOARD_WORKER_DB_POOL): the handlers and the dispatcher run with models.WorkerContext,
// so a burst of API requests cannot starve the deliveries of connections, nor the other way
// round. The store is the same (one set of settings); SQLite has one connection, shared.
func (m *Main) openWorkerPool(ctx context.Context) error {
	if m.DB.Dialect != models.Postgres {
		return nil
	}
	db, err := models.OpenDB(ctx, m.Config.databaseURL())
	if err != nil {
		return fmt.Errorf("worker database pool: %w", err)
	}
	if err := db.SetPoolSize(m.Config.WorkerDBPool); err != nil {
		_ = db.Close()
		return err
	}
	m.DB.SetWorkerPool(db)
	return nil
}

// startDispatcher runs the batched delivery dispatcher of this worker process (woken by this
// process's commits, by other processes through Redis and by its wake tasks) and its search
// indexer.
func (m *Main) startDispatcher() {
	d := &jobs.Dispatcher{
		Store: m.handlers.Store, Sender: m.sender, Queue: m.queue, Log: m.Log, Metrics: m.delivery,
		Concurrency: max(64, m.Config.Concurrency), Grace: m.Config.ShutdownGrace,
	}
	m.handlers.Dispatcher = d
	m.queue.Wake = func(context.Context) { d.Wake() }
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); d.Run(ctx) }()
	go func() { defer wg.Done(); d.Listen(ctx, m.Redis) }()
	// The payload search text of new deliveries (PostgreSQL), off the path that sends them.
	go func() { defer wg.Done(); (&jobs.SearchIndexer{Store: m.Store, Log: m.Log}).Run(ctx) }()
	m.dispatchStop = func() { cancel(); wg.Wait() }
}

// EnqueueNow enqueues a task at once (tests, admin tools).
func (m *Main) EnqueueNow(ctx context.Context, t *asynq.Task) error {
	c := asynq.NewClient(m.asynqOpt)
	defer c.Close()
	_, err := c.EnqueueContext(ctx, t)
	return err
}

// Wait blocks until ctx ends or a component fails.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-m.errc:
		return err
	}
}

// handlerRecordGrace is how long Close waits, after the shutdown grace, for job handlers whose
// context was cancelled to record their interrupted work before the database closes.
const handlerRecordGrace = 5 * time.Second // README: shutdown takes at most the grace plus this

// Close shuts down gracefully: stop accepting, finish in-flight requests and jobs (both within
// SWITCHBOARD_SHUTDOWN_GRACE, side by side), then close Redis and the database. Jobs still
// running at the end of the grace are cancelled and requeued; a delivery records its
// interrupted attempt and is retried later. Close may be called more than once.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	grace := m.Config.ShutdownGrace
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var (
		errs    []error
		httpErr error
		wg      sync.WaitGroup
	)
	if m.httpSrv != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := m.httpSrv.Shutdown(ctx); err != nil {
				httpErr = fmt.Errorf("http shutdown: %w", err)
			}
		}()
	}
	if m.debugSrv != nil {
		_ = m.debugSrv.Close()
	}
	if m.scheduler != nil {
		m.scheduler.Shutdown()
	}
	if m.dispatchStop != nil {
		// Waits up to the grace for attempts in flight, then records them, beside the worker.
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.dispatchStop()
		}()
	}
	if m.worker != nil {
		// Waits up to the grace (asynq.Config.ShutdownTimeout) for jobs in flight.
		m.worker.Shutdown()
		if !m.handlers.WaitIdle(handlerRecordGrace) {
			m.Log.Warn("job handlers still running after the shutdown grace; their tasks were requeued")
		}
	}
	wg.Wait()
	if m.snsBatch != nil {
		// The handlers have answered (or the grace ran out): apply what is still queued.
		m.snsBatch.Close()
	}
	if m.Auth != nil {
		m.Auth.WaitRecorded() // failed sign-ins recorded after their answer
	}
	if httpErr != nil {
		errs = append(errs, httpErr)
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	if m.sender != nil {
		m.sender.Close()
	}
	if m.queue != nil {
		_ = m.queue.Client.Close()
		_ = m.queue.Inspector.Close()
	}
	if m.Redis != nil {
		_ = m.Redis.Close()
	}
	if m.mini != nil {
		m.mini.Close()
	}
	if m.DB != nil && m.DB.WorkerPool() != nil {
		if err := m.DB.WorkerPool().Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// mainResolver resolves with m.DeliveryResolver as it is at lookup time (tests set it after
// Open), else the system resolver.
type mainResolver struct{ m *Main }

func (r mainResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if r.m.DeliveryResolver != nil {
		return r.m.DeliveryResolver.LookupIPAddr(ctx, host)
	}
	return net.DefaultResolver.LookupIPAddr(ctx, host)
}

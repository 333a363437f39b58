package server

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchboard-hub/switchboard/frontend"
	"github.com/switchboard-hub/switchboard/graph"
	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/server/statuspage"
)

// Body limits. GraphQL documents and auth bodies are small; anything bigger is refused before
// it is read.
const (
	authBodyLimit    = "16K"
	graphqlBodyLimit = "1M"
)

func (m *Main) newEcho() (*echo.Echo, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = m.httpErrorHandler
	e.IPExtractor = ipExtractor(m.trustedProxies)

	// The request id, the security headers, the access log and panic recovery are one
	// middleware: Echo applies its global middleware anew on every request (a closure each).
	e.Use(m.edge)

	e.GET("/healthz", m.handleHealthz)
	e.GET("/readyz", m.handleReadyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(m.metrics.registry, promhttp.HandlerOpts{})))

	auth := e.Group("/auth", middleware.BodyLimit(authBodyLimit))
	auth.GET("/setup", m.handleSetupStatus)
	auth.POST("/setup", m.handleSetup)
	auth.POST("/login", m.handleLogin)
	auth.POST("/refresh", m.handleRefresh)
	auth.POST("/logout", m.handleLogout)
	auth.GET("/invitations/:token", m.handleInvitation)
	auth.POST("/invitations/:token", m.handleAcceptInvitation)

	gql := echo.WrapHandler(graph.NewHandler(graph.HandlerConfig{
		Resolver:      &graph.Resolver{Store: m.Store, Auth: m.Auth, Live: m.Hub},
		Authenticate:  m.authenticate,
		Introspection: m.Config.Introspection,
		Log:           m.Log,
		// 0 keeps graph.MaxResolvedNodes.
		MaxResolvedNodes:     m.GraphQLMaxResolvedNodes,
		SessionActive:        m.Auth.SessionActive,
		SessionCheckInterval: m.SessionCheckInterval,
	}))
	e.Any("/graphql", gql, middleware.BodyLimit(graphqlBodyLimit), m.authMiddleware)

	snsEdge, err := m.newSNSEdge()
	if err != nil {
		return nil, err
	}
	e.POST("/webhooks/aws/:token", snsEdge.handle)
	e.POST("/integration-hub/callback/:requestId", m.handleApprovalCallback)
	// Signed single-use links from pages: GET shows, POST acts (no login).
	e.GET("/links/:token", m.handleLinkPage)
	e.POST("/links/:token", m.handleLinkAction, middleware.BodyLimit(linkBodyLimit))
	m.registerOnCall(e)
	m.slackRoutes(e) // the Slack app (slack_http.go)
	// Published status pages (server/statuspage): /status/{slug}, and custom hosts.
	// Their cache follows every account's live hints until the server stops.
	pages := &statuspage.Handler{Store: m.Store, Log: m.Log, PublicURL: m.Config.PublicURL, Hints: m.Hub, Context: m.serveCtx}
	pages.Register(e)
	m.metrics.registerStatusPages(pages)
	m.registerSubscriberExport(e) // the console's CSV export of a page's subscribers

	spa := m.spaHandler()
	e.GET("/*", spa)
	e.HEAD("/*", spa)
	return e, nil
}

// httpErrorHandler answers Echo's own errors (404 route, 405, 413 body too large) in the one
// JSON error shape; API paths never get HTML.
func (m *Main) httpErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "request body too large"
		} else if s, ok := he.Message.(string); ok && s != "" {
			msg = s
		}
		code := strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_"))
		_ = errorJSON(c, he.Code, code, "", msg)
		return
	}
	_ = m.appError(c, err)
}

// ipExtractor finds the client address for rate limits and logs: the peer itself, or behind
// trusted reverse proxies the address they forwarded. Without this every client behind a proxy
// would share one rate-limit bucket.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Security headers of every answer (what Echo's Secure middleware set here: XSS filter off,
// no MIME sniffing, no framing, same-origin referrers); handlers may override them. The
// values are shared by every response: a header's slice is only ever replaced, never changed
// in place.
var securityHeaders = [...]struct {
	name  string
	value []string
}{
	{"X-Xss-Protection", []string{"0"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"same-origin"}},
}

// edge is every request's frame. It gives the request its id (the client's X-Request-Id, or
// a new one), answered in X-Request-Id and carried by the request's context into every log
// record; sets the security headers; turns a handler's panic into a logged 500 (with the
// stack); and logs one line per request with the route pattern, never the raw path (paths can
// carry secrets such as webhook tokens), the query or the body, counting it in the metrics.
// A line that the logger would drop is not built.
func (m *Main) edge(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req := c.Request()
		hdr := c.Response().Header()
		for _, h := range securityHeaders {
			hdr[h.name] = h.value
		}
		id := req.Header.Get(echo.HeaderXRequestID)
		if id == "" {
			id = newRequestID()
		}
		hdr[echo.HeaderXRequestID] = []string{id}
		c.SetRequest(req.WithContext(withRequestID(req.Context(), id)))

		if err := m.recovering(c, next); err != nil {
			c.Error(err)
		}

		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		dur := time.Since(start)
		m.metrics.observeHTTP(route, c.Request().Method, status, dur)
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			return nil
		}
		level := slog.LevelInfo
		if quiet, _ := c.Get(statuspage.QuietKey).(bool); quiet {
			// A status page answered from its cache: a thundering herd writes no info line.
			level = slog.LevelDebug
		}
		if status >= 500 {
			level = slog.LevelError
		}
		ctx := c.Request().Context()
		if !m.Log.Enabled(ctx, level) {
			return nil
		}
		m.Log.Log(ctx, level, "http request", "method", c.Request().Method, "route", route,
			"status", status, "duration_ms", float64(dur.Microseconds())/1000, "bytes_out", c.Response().Size,
			"remote_ip", c.RealIP())
		return nil
	}
}

// recovering runs the handler; a panic is logged with the stack (4 KiB of every goroutine's,
// as Echo's Recover did) and returned as an error (a 500), except http.ErrAbortHandler, which
// aborts the answer as net/http means it to.
func (m *Main) recovering(c echo.Context, next echo.HandlerFunc) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r)
		}
		perr, ok := r.(error)
		if !ok {
			perr = fmt.Errorf("%v", r)
		}
		stack := make([]byte, 4<<10)
		stack = stack[:runtime.Stack(stack, true)]
		m.Log.ErrorContext(c.Request().Context(), "handler panicked", "err", perr, "stack", string(stack))
		err = perr
	}()
	return next(c)
}

// Request ids: a random prefix per process and a counter, 32 hex digits — unique, cheap (no
// random read per request), and not a secret.
var (
	requestIDPrefix = func() uint64 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return binary.BigEndian.Uint64(b[:])
	}()
	requestIDSeq atomic.Uint64
)

func newRequestID() string {
	var b [32]byte
	const digits = "0123456789abcdef"
	p, n := requestIDPrefix, requestIDSeq.Add(1)
	for i := 15; i >= 0; i-- {
		b[i], b[16+i] = digits[p&15], digits[n&15]
		p >>= 4
		n >>= 4
	}
	return string(b[:])
}

type requestIDKey struct{}

// requestIDCtx carries the request id: one allocation, where context.WithValue took two (the
// context and the boxed string).
type requestIDCtx struct {
	context.Context
	id string
}

func (c *requestIDCtx) Value(key any) any {
	if _, ok := key.(requestIDKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func withRequestID(ctx context.Context, id string) context.Context {
	return &requestIDCtx{Context: ctx, id: id}
}

// requestIDOf returns the request id carried by ctx, "" without.
func requestIDOf(ctx context.Context) string {
	if c, ok := ctx.Value(requestIDKey{}).(*requestIDCtx); ok {
		return c.id
	}
	return ""
}

// requestIDHandler adds the request id of the context to every log record.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestIDOf(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}
func (h requestIDHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(a)}
}
func (h requestIDHandler) WithGroup(n string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(n)}
}

func (m *Main) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": Version})
}

// handleReadyz reports whether the database and Redis answer.
func (m *Main) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "redis": "ok"}
	ready := true
	if err := m.DB.Ping(ctx); err != nil {
		checks["database"], ready = "unreachable", false
	}
	if err := m.Redis.Ping(ctx).Err(); err != nil {
		checks["redis"], ready = "unreachable", false
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	return c.JSON(status, map[string]any{"ready": ready, "checks": checks})
}

// spaHandler serves the embedded console: files as they are, and index.html for every other
// path that is not an API route, so client-side routes survive a reload.
func (m *Main) spaHandler() echo.HandlerFunc {
	dist := frontend.Dist()
	files := http.FileServer(http.FS(dist))
	return func(c echo.Context) error {
		p := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		for _, api := range []string{"graphql", "auth/", "webhooks/", "integration-hub/", "integrations/", "metrics"} {
			if strings.HasPrefix(p, api) {
				return errorJSON(c, http.StatusNotFound, models.ENOTFOUND, "", "not found")
			}
		}
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					// Vite names assets by content hash: cache them for good.
					c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(c.Response(), c.Request())
				return nil
			}
			// A missing static file (a hashed asset, a top-level file like favicon.ico) is a 404;
			// console routes may hold dots in a segment (an invitation token /invite/<a.b>).
			if path.Ext(p) != "" && (strings.HasPrefix(p, "assets/") || !strings.Contains(p, "/")) {
				return errorJSON(c, http.StatusNotFound, models.ENOTFOUND, "", "not found")
			}
		}
		index, err := fs.ReadFile(dist, "index.html")
		if err != nil {
			return c.HTML(http.StatusOK, `<!doctype html><title>Switchboard</title><p>The console is not built into this binary. Run <code>make run</code> (it builds the console first) or <code>make build</code>.</p>`)
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		c.Response().Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		return c.HTMLBlob(http.StatusOK, index)
	}
}

func jsonDecoder(r io.Reader) *json.Decoder {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "empty body"
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be a %s", te.Field, te.Type.Kind())
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	case strings.Contains(err.Error(), "request body too large"):
		return "body too large"
	}
	return "invalid JSON"
}

type metrics struct {
	registry     *prometheus.Registry
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	incidents    *prometheus.CounterVec
	// httpSeries caches the request counter and duration histogram of each route, method and
	// status (httpSeriesKey → *httpSeries): looking them up by label values costs a hash and
	// allocations on every request.
	httpSeries      sync.Map
	httpSeriesCount atomic.Int64
}

type httpSeriesKey struct {
	route, method string
	status        int
}

type httpSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// maxHTTPSeries bounds the cache (methods come from clients); past it, series are looked up
// each time.
const maxHTTPSeries = 4096

// observeHTTP counts one answered request.
func (m *metrics) observeHTTP(route, method string, status int, d time.Duration) {
	k := httpSeriesKey{route, method, status}
	v, ok := m.httpSeries.Load(k)
	if !ok {
		s := &httpSeries{
			requests: m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)),
			duration: m.httpDuration.WithLabelValues(route),
		}
		if m.httpSeriesCount.Load() >= maxHTTPSeries {
			s.requests.Inc()
			s.duration.Observe(d.Seconds())
			return
		}
		var loaded bool
		if v, loaded = m.httpSeries.LoadOrStore(k, s); !loaded {
			m.httpSeriesCount.Add(1)
		}
	}
	s := v.(*httpSeries)
	s.requests.Inc()
	s.duration.Observe(d.Seconds())
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "switchboard_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	m.incidents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "switchboard_incidents_total", Help: "Incidents opened and resolved by alarms.",
	}, []string{"change"})
	reg.MustRegister(m.httpRequests, m.httpDuration, m.incidents,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// registerStatusPages exports the status pages' documents served and snapshots loaded: the
// difference is what the cache answered without a query.
func (m *metrics) registerStatusPages(h *statuspage.Handler) {
	_ = m.registry.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "switchboard_statuspage_documents_served_total", Help: "Status page documents served (HTML, JSON, feeds).",
	}, func() float64 { s, _ := h.Counters(); return float64(s) }))
	_ = m.registry.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "switchboard_statuspage_loads_total", Help: "Status page snapshots loaded from the database (cache misses and refreshes).",
	}, func() float64 { _, l := h.Counters(); return float64(l) }))
}

// registerDB exports how many SQL statements the process has run (the status-page benchmark
// reads it to count the queries of cached requests).
func (m *metrics) registerDB(count func() uint64) {
	_ = m.registry.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "switchboard_db_statements_total", Help: "SQL statements run (queries, inserts, updates, deletes, raw), by both pools.",
	}, func() float64 { return float64(count()) }))
}

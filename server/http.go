package server

import (
	"context"
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
	"strconv"
	"strings"
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

	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		RequestIDHandler: func(c echo.Context, id string) {
			c.SetRequest(c.Request().WithContext(withRequestID(c.Request().Context(), id)))
		},
	}))
	e.Use(m.accessLog)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			m.Log.ErrorContext(c.Request().Context(), "handler panicked", "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy: "same-origin",
	}))

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

type requestIDKey struct{}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// requestIDHandler adds the request id of the context to every log record.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
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

// accessLog logs one line per request with the route pattern, never the raw path (paths can
// carry secrets such as webhook tokens), the query or the body.
func (m *Main) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		dur := time.Since(start)
		m.metrics.httpRequests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		m.metrics.httpDuration.WithLabelValues(route).Observe(dur.Seconds())
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
		m.Log.Log(c.Request().Context(), level, "http request", "method", c.Request().Method, "route", route,
			"status", status, "duration_ms", float64(dur.Microseconds())/1000, "bytes_out", c.Response().Size,
			"remote_ip", c.RealIP())
		return nil
	}
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

// Package statuspage serves the published status pages (issue 11, docs/statuspages.md):
// server-rendered HTML, the Statuspage-compatible JSON API, feeds, and the subscribe flow, under
// /status/{slug} and at the root of a page's custom host. Rendered documents are cached per
// replica, precompressed, and dropped on the account's live hints.
package statuspage

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// Handler serves the public side of status pages.
type Handler struct {
	Store *models.Store
	Log   *slog.Logger
	// PublicURL is the installation's public base URL (links in mails and feeds).
	PublicURL string
	// Hints, when set, delivers every account's live hints: the cache drops what they name at
	// once (without it, only the TTL refreshes pages).
	Hints HintSource
	// Context ends the hint subscription (the server's lifetime).
	Context context.Context

	once   sync.Once
	cache  *cache
	served atomic.Uint64
	// ownHost is PublicURL's host name, lower-cased: never a custom host.
	ownHost string
	loader  loadFunc
}

// Counters reports the documents served and the page snapshots loaded (the rest were served
// from the cache without a query). The server exports both as metrics.
func (h *Handler) Counters() (served, loads uint64) {
	h.init()
	return h.served.Load(), h.cache.loads.Load()
}

// Register adds the status page routes to e: the pages and documents (pages.go) and the
// subscription flow (subscribe.go), and the custom-host rewrite in front of the router.
func (h *Handler) Register(e *echo.Echo) {
	h.init()
	e.Pre(h.customHost)
	g := e.Group("/status/:slug")
	h.pageRoutes(e, g)
	h.subscribeRoutes(g)
}

func (h *Handler) init() {
	h.once.Do(func() {
		h.cache = newCache()
		h.loader = h.load
		if u, err := url.Parse(h.PublicURL); err == nil {
			h.ownHost = strings.ToLower(u.Hostname())
		}
		if h.Hints != nil {
			ctx := h.Context
			if ctx == nil {
				ctx = context.Background()
			}
			go h.cache.follow(ctx, h.Hints)
		}
	})
}

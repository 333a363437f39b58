// Package statuspage serves the published status pages (issue 11, docs/statuspages.md):
// server-rendered HTML, the Statuspage-compatible JSON API, feeds, and the subscribe flow, under
// /status/{slug} and at the root of a page's custom host. Rendered documents are cached per
// replica, precompressed, and dropped on the account's live hints.
package statuspage

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// Handler serves the public side of status pages.
type Handler struct {
	Store *models.Store
	Log   *slog.Logger
	// PublicURL is the installation's public base URL (links in mails and feeds).
	PublicURL string
}

// Register adds the status page routes to e: the pages and documents (pages.go) and the
// subscription flow (subscribe.go).
func (h *Handler) Register(e *echo.Echo) {
	g := e.Group("/status/:slug")
	h.pageRoutes(e, g)
	h.subscribeRoutes(g)
}

package statuspage

import (
	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// pageRoutes registers the page, history, incident, maintenance, feed and JSON routes under g,
// and the custom-host routes on e.
//
// Contract stub (issue 11): the public pages work replaces this.
func (h *Handler) pageRoutes(e *echo.Echo, g *echo.Group) { _, _ = e, g }

// lookup finds the request's page (by slug, or by custom host) and checks the reader may see it
// (public, or a private page with a valid viewer cookie); it answers the 404 or the sign-in
// page itself when not.
//
// Contract stub (issue 11): the public pages work replaces this.
func (h *Handler) lookup(c echo.Context) (*models.StatusPage, error) {
	_ = c
	return nil, echo.ErrNotFound
}

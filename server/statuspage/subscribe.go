package statuspage

import "github.com/labstack/echo/v4"

// subscribeRoutes registers the subscription flow under g: subscribe (email or webhook),
// confirm, unsubscribe (a page with a button, and RFC 8058 one-click POST).
//
// Contract stub (issue 11): the subscribers work replaces this.
func (h *Handler) subscribeRoutes(g *echo.Group) { _ = g }

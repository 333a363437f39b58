package server

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// GET /api/status-pages/{id}/subscribers.csv: the console's subscriber export (admins of the
// page's account, with the console's bearer token). The list itself is GraphQL
// (StatusPage.subscribers).
func (m *Main) registerSubscriberExport(e *echo.Echo) {
	e.GET("/api/status-pages/:id/subscribers.csv", m.handleSubscriberExport, m.authMiddleware)
}

func (m *Main) handleSubscriberExport(c echo.Context) error {
	ctx := c.Request().Context()
	a := models.ActorFrom(ctx)
	if a == nil {
		c.Response().Header().Set("WWW-Authenticate", "Bearer")
		return errorJSON(c, http.StatusUnauthorized, models.EUNAUTHORIZED, "", "authentication required")
	}
	var b bytes.Buffer
	if err := m.Store.ExportSubscribersCSV(ctx, a, c.Param("id"), &b); err != nil {
		return m.appError(c, err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="subscribers.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

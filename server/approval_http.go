package server

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

// callbackBodyLimit bounds an approval callback: a small JSON object.
const callbackBodyLimit = 64 << 10

// handleApprovalCallback is POST /integration-hub/callback/:requestId (design §7.4): the
// endpoint's final answer, signed with its key over body + Date. Every refusal changes nothing.
func (m *Main) handleApprovalCallback(c echo.Context) error {
	ctx := c.Request().Context()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, callbackBodyLimit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorJSON(c, http.StatusRequestEntityTooLarge, "too_large", "", "request body too large")
		}
		return errorJSON(c, http.StatusBadRequest, models.EINVALID, "", "could not read the body")
	}
	r, err := m.Store.ApplyApprovalCallback(ctx, models.CallbackInput{
		RequestID: c.Param("requestId"), Body: body,
		Date: c.Request().Header.Get("Date"), Signature: c.Request().Header.Get("X-Signature"),
	})
	if err != nil {
		code := models.CodeOf(err)
		m.Log.WarnContext(ctx, "approval callback refused", "request_id_param", c.Param("requestId"), "reason", code)
		if code == models.EUNAUTHORIZED {
			// The callback authenticates by signature: there is no challenge to answer.
			return errorJSON(c, http.StatusForbidden, code, "", models.ErrorMessage(err))
		}
		return m.appError(c, err)
	}
	m.Log.InfoContext(ctx, "approval decided by callback", "account_id", r.AccountID, "approval_id", r.ID, "status", r.Status)
	return c.JSON(http.StatusOK, map[string]string{"status": string(r.Status)})
}

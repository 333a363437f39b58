package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

const refreshCookie = "switchboard_refresh"

type sessionJSON struct {
	AccessToken string    `json:"accessToken"`
	ExpiresAt   time.Time `json:"expiresAt"`
	User        userJSON  `json:"user"`
}

type userJSON struct {
	ID            string `json:"id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	IsSystemAdmin bool   `json:"isSystemAdmin"`
}

// errorJSON writes the one error shape of the REST endpoints.
func errorJSON(c echo.Context, status int, code, field, msg string) error {
	body := map[string]any{"code": code, "message": msg}
	if field != "" {
		body["field"] = field
	}
	return c.JSON(status, map[string]any{"error": body})
}

// appError maps an application error to its HTTP status in one place; anything else is
// logged and shown as "internal error".
func (m *Main) appError(c echo.Context, err error) error {
	var e *models.Error
	if !errors.As(err, &e) {
		m.Log.ErrorContext(c.Request().Context(), "request failed", "route", c.Path(), "err", err)
		return errorJSON(c, http.StatusInternalServerError, models.EINTERNAL, "", "internal error")
	}
	status := map[string]int{
		models.EINVALID: http.StatusBadRequest, models.ECONFLICT: http.StatusConflict,
		models.ENOTFOUND: http.StatusNotFound, models.EFORBIDDEN: http.StatusForbidden,
		models.EUNAUTHORIZED: http.StatusUnauthorized, models.ERATELIMITED: http.StatusTooManyRequests,
	}[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return errorJSON(c, status, e.Code, e.Field, e.Message)
}

func (m *Main) writeSession(c echo.Context, status int, s *models.Session) error {
	c.SetCookie(&http.Cookie{
		Name: refreshCookie, Value: s.RefreshToken, Path: "/auth", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(m.Config.PublicURL, "https://"),
		Expires: time.Now().Add(models.RefreshTokenTTL), MaxAge: int(models.RefreshTokenTTL.Seconds()),
	})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, sessionJSON{AccessToken: s.AccessToken, ExpiresAt: s.ExpiresAt, User: userJSON{
		ID: s.User.ID, Email: s.User.Email, Name: s.User.Name, IsSystemAdmin: s.User.IsSystemAdmin,
	}})
}

func clearRefreshCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: refreshCookie, Value: "", Path: "/auth", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// bindJSON decodes a small JSON body strictly; a bad body is a 400 with a clear reason.
func bindJSON(c echo.Context, v any) error {
	if ct := c.Request().Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return models.Errorf(models.EINVALID, "send a JSON body with Content-Type: application/json")
	}
	dec := jsonDecoder(c.Request().Body)
	if err := dec.Decode(v); err != nil {
		return models.Errorf(models.EINVALID, "malformed JSON body: %s", jsonErrorText(err))
	}
	return nil
}

func (m *Main) handleSetupStatus(c echo.Context) error {
	required, err := m.Auth.SetupRequired(c.Request().Context())
	if err != nil {
		return m.appError(c, err)
	}
	return c.JSON(http.StatusOK, map[string]bool{"setupRequired": required})
}

func (m *Main) handleSetup(c echo.Context) error {
	ctx := c.Request().Context()
	if err := m.rateLimit(ctx, "setup:ip:"+c.RealIP(), 10, time.Minute); err != nil {
		return m.appError(c, err)
	}
	var in struct {
		Email, Name, Password, AccountName string
	}
	if err := bindJSON(c, &in); err != nil {
		return m.appError(c, err)
	}
	u, err := m.Auth.Setup(ctx, models.SetupInput{Email: in.Email, Name: in.Name, Password: in.Password, AccountName: in.AccountName})
	if err != nil {
		return m.appError(c, err)
	}
	m.Log.InfoContext(ctx, "first administrator created", "user_id", u.ID)
	s, err := m.Auth.StartSession(ctx, u)
	if err != nil {
		return m.appError(c, err)
	}
	return m.writeSession(c, http.StatusCreated, s)
}

func (m *Main) handleLogin(c echo.Context) error {
	ctx := c.Request().Context()
	var in struct{ Email, Password string }
	if err := bindJSON(c, &in); err != nil {
		return m.appError(c, err)
	}
	// Two windows: one per client address (spraying many accounts), one per account
	// (guessing one password from many addresses).
	emailKey := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(in.Email))))
	if err := m.rateLimit(ctx, "login:ip:"+c.RealIP(), 30, 5*time.Minute); err != nil {
		return m.appError(c, err)
	}
	// Per account, failed sign-ins count: a person signing in often is not guessing.
	accountKey := "login:email:" + hex.EncodeToString(emailKey[:8])
	if err := m.rateLimited(ctx, accountKey, 10); err != nil {
		return m.appError(c, err)
	}
	u, err := m.Auth.LoginFrom(ctx, in.Email, in.Password, c.RealIP())
	if err != nil {
		if models.CodeOf(err) == models.EUNAUTHORIZED {
			m.rateCount(ctx, accountKey, 5*time.Minute)
			m.Log.InfoContext(ctx, "login failed", "ip", c.RealIP())
		}
		return m.appError(c, err)
	}
	s, err := m.Auth.StartSession(ctx, u)
	if err != nil {
		return m.appError(c, err)
	}
	m.Log.InfoContext(ctx, "login", "user_id", u.ID)
	return m.writeSession(c, http.StatusOK, s)
}

func (m *Main) handleRefresh(c echo.Context) error {
	ctx := c.Request().Context()
	if err := m.rateLimit(ctx, "refresh:ip:"+c.RealIP(), 120, time.Minute); err != nil {
		return m.appError(c, err)
	}
	ck, err := c.Cookie(refreshCookie)
	if err != nil || ck.Value == "" {
		return errorJSON(c, http.StatusUnauthorized, models.EUNAUTHORIZED, "", "not signed in")
	}
	s, err := m.Auth.Refresh(ctx, ck.Value)
	if err != nil {
		if models.CodeOf(err) == models.EUNAUTHORIZED {
			clearRefreshCookie(c)
		}
		return m.appError(c, err)
	}
	return m.writeSession(c, http.StatusOK, s)
}

func (m *Main) handleLogout(c echo.Context) error {
	if ck, err := c.Cookie(refreshCookie); err == nil {
		if err := m.Auth.Logout(c.Request().Context(), ck.Value); err != nil {
			return m.appError(c, err)
		}
	}
	clearRefreshCookie(c)
	return c.NoContent(http.StatusNoContent)
}

// authenticate resolves a bearer credential: API tokens by their prefix, JWTs otherwise.
func (m *Main) authenticate(ctx context.Context, bearer string) (*models.Actor, error) {
	if strings.HasPrefix(bearer, models.APITokenPrefix) {
		return m.Auth.ActorForAPIToken(ctx, bearer)
	}
	return m.Auth.ActorForAccessToken(ctx, bearer)
}

// authMiddleware puts the actor of a valid Authorization header in the request context. A
// present but invalid credential is a 401 at once (clients must know to refresh); no header
// means anonymous, and the GraphQL layer refuses anonymous operations.
func (m *Main) authMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		if h == "" {
			return next(c)
		}
		scheme, cred, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(cred) == "" {
			return errorJSON(c, http.StatusUnauthorized, models.EUNAUTHORIZED, "", "use Authorization: Bearer <token>")
		}
		actor, err := m.authenticate(c.Request().Context(), strings.TrimSpace(cred))
		if err != nil {
			if models.CodeOf(err) == models.EUNAUTHORIZED {
				c.Response().Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			}
			return m.appError(c, err)
		}
		c.SetRequest(c.Request().WithContext(models.WithActor(c.Request().Context(), actor)))
		return next(c)
	}
}

// handleInvitation shows what an invitation link offers, without using it.
func (m *Main) handleInvitation(c echo.Context) error {
	ctx := c.Request().Context()
	if err := m.rateLimit(ctx, "invitation:ip:"+c.RealIP(), 60, 5*time.Minute); err != nil {
		return m.appError(c, err)
	}
	v, err := m.Store.PeekInvitation(ctx, c.Param("token"))
	if err != nil {
		return m.appError(c, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{
		"email": v.Email, "accountName": v.AccountName, "role": strings.ToUpper(string(v.Role)),
		"invitedBy": v.InvitedByName, "expiresAt": v.ExpiresAt, "existingUser": v.ExistingUser,
	})
}

// handleAcceptInvitation uses an invitation link. A person who set their password here is signed
// in; an existing user joins and signs in with their own password (the link proves the
// mailbox, not the user's password).
func (m *Main) handleAcceptInvitation(c echo.Context) error {
	ctx := c.Request().Context()
	if err := m.rateLimit(ctx, "invitation:ip:"+c.RealIP(), 60, 5*time.Minute); err != nil {
		return m.appError(c, err)
	}
	var in struct{ Name, Password string }
	if err := bindJSON(c, &in); err != nil {
		return m.appError(c, err)
	}
	u, created, err := m.Store.AcceptInvitation(ctx, c.Param("token"), in.Name, in.Password)
	if err != nil {
		return m.appError(c, err)
	}
	m.Log.InfoContext(ctx, "invitation accepted", "user_id", u.ID)
	if !created {
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, map[string]any{"joined": true, "signIn": true})
	}
	s, err := m.Auth.StartSession(ctx, u)
	if err != nil {
		return m.appError(c, err)
	}
	return m.writeSession(c, http.StatusOK, s)
}

package graph

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/switchboard-hub/switchboard/models"
)

// WebsocketUnauthorized is the close code of a websocket whose session ended: its access token
// expired, or the session was revoked (logout, password change, user removed). graphql-ws has
// no in-band re-authentication, so the client reconnects with a fresh token.
const WebsocketUnauthorized = 4401

// DefaultSessionCheckInterval is how often an open websocket re-checks that its session still
// stands. The check reads the database, so a revocation on any replica reaches every socket.
const DefaultSessionCheckInterval = 10 * time.Second

// SessionChecker reports whether a session actor's session still stands.
type SessionChecker func(ctx context.Context, a *models.Actor) (bool, error)

// socketControl lets the websocket's watcher choose the close code of the socket: gqlgen closes
// a socket whose context ends with 1000 "terminated"; closeCodeSockets turns that into the chosen
// code.
type socketControl struct {
	code atomic.Int32
}

type socketControlKey struct{}

// withSocketControl gives each websocket upgrade a socketControl in its request context.
func withSocketControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), socketControlKey{}, &socketControl{})))
	})
}

// closeCodeSockets is gqlgen's default websocket implementation whose connections close with the
// code their socketControl chose, if any.
type closeCodeSockets struct {
	inner transport.WebsocketImplementation
}

func (s closeCodeSockets) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := s.inner.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	ctl, _ := r.Context().Value(socketControlKey{}).(*socketControl)
	return &closeCodeConn{WebsocketConn: conn, ctl: ctl}, nil
}

type closeCodeConn struct {
	transport.WebsocketConn
	ctl *socketControl
}

func (c *closeCodeConn) WriteClose(code int, message string) error {
	if c.ctl != nil {
		if chosen := c.ctl.code.Load(); chosen != 0 {
			return c.WebsocketConn.WriteClose(int(chosen), "Unauthorized: the session ended; reconnect with a fresh token")
		}
	}
	return c.WebsocketConn.WriteClose(code, message)
}

// The optional interfaces of the wrapped connection.

func (c *closeCodeConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *closeCodeConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// isSessionActor reports whether the actor signed in with a session's access token (not an API
// token).
func isSessionActor(a *models.Actor) bool {
	return a.TokenID == "" && !a.SessionExpiresAt.IsZero()
}

// watchSession ends a session actor's websocket with WebsocketUnauthorized when its access token
// expires or its session is revoked. It returns the context the connection runs in.
func watchSession(ctx context.Context, actor *models.Actor, check SessionChecker, every time.Duration, now func() time.Time) context.Context {
	if !isSessionActor(actor) {
		return ctx // API tokens are re-checked at every permission check (Actor.LongLived)
	}
	ctl, _ := ctx.Value(socketControlKey{}).(*socketControl)
	ctx, cancel := context.WithCancel(ctx)
	end := func() {
		if ctl != nil {
			ctl.code.Store(WebsocketUnauthorized)
		}
		cancel()
	}
	go func() {
		expiry := time.NewTimer(actor.SessionExpiresAt.Sub(now()))
		defer expiry.Stop()
		tick := time.NewTicker(every)
		defer tick.Stop()
		// Check at once, not only at the first tick: a session revoked between the handshake's
		// check and now ends the socket before it serves anything more.
		if check != nil {
			if ok, err := check(ctx, actor); err == nil && !ok {
				end()
				return
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-expiry.C:
				end()
				return
			case <-tick.C:
				if check == nil {
					continue
				}
				ok, err := check(ctx, actor)
				if err != nil {
					continue // the database is away: keep the socket, check again
				}
				if !ok {
					end()
					return
				}
			}
		}
	}()
	return ctx
}

package models

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Role is a member's role in an account. Each role can do everything the weaker ones can.
type Role string

const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
	RoleViewer Role = "viewer"
)

var roleRank = map[Role]int{RoleViewer: 1, RoleMember: 2, RoleAdmin: 3, RoleOwner: 4}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// AtLeast reports whether r is as strong as min.
func (r Role) AtLeast(min Role) bool { return roleRank[r] > 0 && roleRank[r] >= roleRank[min] }

// ParseRole parses a role name case-insensitively.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToLower(s))
	return r, r.Valid()
}

// Actor is the authenticated principal of a request: a user signed in with a session, a user's
// API token (limited to one account and a role), or the system itself (the worker).
type Actor struct {
	UserID        string
	UserName      string
	IsSystemAdmin bool
	// Set for API tokens: the only account the token reaches, and its role there.
	TokenID        string
	TokenName      string
	TokenAccountID string
	TokenRole      Role
	System         bool
	// LongLived marks an actor that outlives the request it was authenticated in (a
	// websocket): its API token is re-checked at every permission check, so revocation and
	// expiry reach open connections. Request-scoped actors were checked moments ago.
	LongLived bool
	// Set for session (JWT) actors: the session (refresh-token family) the access token was
	// issued for, and when the token expires. A websocket opened with it is closed then, or
	// when the session is revoked (Auth.SessionActive).
	SessionID        string
	SessionExpiresAt time.Time
}

// Label names the actor in the audit log.
func (a *Actor) Label() string {
	switch {
	case a == nil:
		return "anonymous"
	case a.System && a.UserName != "":
		return a.UserName
	case a.System:
		return "system"
	case a.TokenID != "":
		return "api token " + a.TokenName
	default:
		return a.UserName
	}
}

// auditUserID is the user to credit in the audit log (nil for the system).
func (a *Actor) auditUserID() *string {
	if a == nil || a.UserID == "" {
		return nil
	}
	id := a.UserID
	return &id
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SystemActor is used by background jobs.
var SystemActor = &Actor{System: true}

// MarshalGQL writes the role as its GraphQL enum value (OWNER, ADMIN…). Defined here so the
// GraphQL layer can use the domain type directly; it needs no GraphQL import.
func (r Role) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(strings.ToUpper(string(r))))
}

// UnmarshalGQL reads a GraphQL enum value.
func (r *Role) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("role must be a string")
	}
	role, ok := ParseRole(s)
	if !ok {
		return fmt.Errorf("%q is not a role", s)
	}
	*r = role
	return nil
}

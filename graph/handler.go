package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/switchboard-hub/switchboard/graph/generated"
	"github.com/switchboard-hub/switchboard/models"
)

// Limits protect the API from expensive queries.
const (
	ComplexityLimit = 1000
	DepthLimit      = 12
	// MaxWebsocketMessage bounds one client message on the websocket.
	MaxWebsocketMessage = 64 << 10
)

// Authenticator turns a bearer credential (a JWT access token or an API token) into an actor.
type Authenticator func(ctx context.Context, bearer string) (*models.Actor, error)

// HandlerConfig assembles the GraphQL endpoint.
type HandlerConfig struct {
	Resolver      *Resolver
	Authenticate  Authenticator
	Introspection bool
	Log           *slog.Logger
	// MaxResolvedNodes overrides MaxResolvedNodes (tests lower it); 0 keeps the default.
	MaxResolvedNodes int
	// SessionActive re-checks the session of a websocket opened with a session token, every
	// SessionCheckInterval (0: DefaultSessionCheckInterval); a revoked session closes it (4401).
	SessionActive        SessionChecker
	SessionCheckInterval time.Duration
}

// NewHandler returns the /graphql handler: POST and GET over HTTP, graphql-transport-ws (and the
// legacy graphql-ws) on the websocket, authenticated in connection_init.
func NewHandler(cfg HandlerConfig) http.Handler {
	c := generated.Config{Resolvers: cfg.Resolver}
	c.Directives.HasRole = HasRole(cfg.Resolver.Store)
	srv := handler.New(generated.NewExecutableSchema(c))

	srv.AddTransport(transport.Websocket{
		Implementation:        closeCodeSockets{inner: transport.CoderWebsocketImplementation{}},
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		PayloadReadLimit:      ptr(int64(MaxWebsocketMessage)),
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			bearer := initAuthorization(p)
			if bearer == "" {
				return transport.WithWebsocketCloseCode(ctx, 4403), nil, errors.New("Forbidden: send {\"Authorization\": \"Bearer <token>\"} in connection_init")
			}
			actor, err := cfg.Authenticate(ctx, bearer)
			if err != nil {
				msg := "Forbidden"
				if models.IsAppError(err) {
					msg = "Forbidden: " + models.ErrorMessage(err)
				}
				return transport.WithWebsocketCloseCode(ctx, 4403), nil, errors.New(msg)
			}
			actor.LongLived = true
			// An access token outlives its session's logout: a revoked session opens no socket.
			if isSessionActor(actor) && cfg.SessionActive != nil {
				// The database away (err) keeps the socket, as the watcher does: it checks again
				// as it starts and at every interval.
				if ok, err := cfg.SessionActive(ctx, actor); err == nil && !ok {
					return transport.WithWebsocketCloseCode(ctx, WebsocketUnauthorized), nil, errors.New("Unauthorized: the session ended; sign in again")
				}
			}
			// A session's socket ends with its access token, or earlier when the session is
			// revoked: close 4401, the client reconnects with a fresh token.
			every := cfg.SessionCheckInterval
			if every <= 0 {
				every = DefaultSessionCheckInterval
			}
			return watchSession(models.WithActor(ctx, actor), actor, cfg.SessionActive, every, time.Now), nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(extension.FixedComplexityLimit(ComplexityLimit))
	nodeLimit := MaxResolvedNodes
	if cfg.MaxResolvedNodes > 0 {
		nodeLimit = cfg.MaxResolvedNodes
	}
	countResponses, countFields := countResolvedNodes(int64(nodeLimit))
	srv.AroundResponses(countResponses)
	srv.AroundFields(countFields)
	srv.AroundOperations(depthLimit(DepthLimit))
	srv.AroundOperations(requireActor)
	srv.AroundOperations(fanOutLimit)
	srv.SetErrorPresenter(ErrorPresenter(cfg.Log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		cfg.Log.ErrorContext(ctx, "graphql resolver panicked", "panic", fmt.Sprint(v))
		return errors.New("internal error")
	})
	return withSocketControl(WithLoaders(cfg.Resolver.Store, srv))
}

func ptr[T any](v T) *T { return &v }

func initAuthorization(p transport.InitPayload) string {
	for k, v := range p {
		if strings.EqualFold(k, "authorization") {
			s, _ := v.(string)
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Bearer "), "bearer "))
		}
	}
	return ""
}

// requireActor refuses every operation of an unauthenticated caller except introspection-free
// `ok`: the API has no anonymous data.
func requireActor(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if models.ActorFrom(ctx) != nil {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil && onlyPublicFields(oc.Operation.SelectionSet) {
		return next(ctx)
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
		Message:    "authentication required: send Authorization: Bearer <token>",
		Extensions: map[string]any{"code": "UNAUTHENTICATED"},
	}}})
}

func onlyPublicFields(set ast.SelectionSet) bool {
	for _, s := range set {
		f, ok := s.(*ast.Field)
		if !ok || (f.Name != "ok" && f.Name != "__typename" && f.Name != "__schema" && f.Name != "__type") {
			return false
		}
	}
	return true
}

// depthLimit refuses operations nested deeper than max (fragments included).
func depthLimit(max int) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil {
			if d := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0, max); d > max {
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
					Message:    fmt.Sprintf("operation is nested deeper than the limit of %d", max),
					Extensions: map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"},
				}}})
			}
		}
		return next(ctx)
	}
}

func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth, max int) int {
	if depth > max {
		return depth // stop early: cyclic fragments are rejected by validation, deep ones here
	}
	deepest := depth
	for _, s := range set {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, frags, depth+1, max)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, depth, max)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, depth, max)
			}
		}
		if d > deepest {
			deepest = d
		}
	}
	return deepest
}

package graph

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/switchboard-hub/switchboard/graph/model"
	"github.com/switchboard-hub/switchboard/models"
)

// userErrors splits a service error: errors the user can fix by changing the input become
// typed UserErrors in the payload (and nothing changed); anything else (not signed in, an
// outage) is returned as a GraphQL error.
func userErrors(err error) ([]*model.UserError, error) {
	if err == nil {
		return []*model.UserError{}, nil
	}
	var e *models.Error
	if !errors.As(err, &e) {
		return nil, err
	}
	var code model.ErrorCode
	switch e.Code {
	case models.EINVALID:
		code = model.ErrorCodeInvalid
	case models.ECONFLICT:
		code = model.ErrorCodeConflict
	case models.ENOTFOUND:
		code = model.ErrorCodeNotFound
	case models.EFORBIDDEN:
		code = model.ErrorCodeForbidden
	default:
		return nil, err
	}
	ue := &model.UserError{Code: code, Message: e.Message}
	if e.Field != "" {
		f := e.Field
		ue.Field = &f
	}
	return []*model.UserError{ue}, nil
}

// ErrorPresenter shows application errors with their code and message, and every other error
// as "internal error" (logged with the request's context, never shown).
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse and validation errors from gqlgen itself: already user-safe.
			return gqlErr
		}
		var e *models.Error
		if errors.As(err, &e) {
			pe := graphql.DefaultErrorPresenter(ctx, err)
			pe.Message = e.Message
			pe.Extensions = map[string]any{"code": codeName(e.Code)}
			if e.Field != "" {
				pe.Extensions["field"] = e.Field
			}
			if e.RetryAfter > 0 {
				// Whole seconds, rounded up, like HTTP's Retry-After.
				pe.Extensions["retryAfter"] = int((e.RetryAfter + time.Second - 1) / time.Second)
			}
			return pe
		}
		log.ErrorContext(ctx, "graphql resolver failed", "err", err, "path", graphql.GetPath(ctx).String())
		pe := graphql.DefaultErrorPresenter(ctx, err)
		pe.Message = "internal error"
		pe.Extensions = map[string]any{"code": "INTERNAL"}
		return pe
	}
}

func codeName(code string) string {
	switch code {
	case models.EINVALID:
		return "INVALID"
	case models.ECONFLICT:
		return "CONFLICT"
	case models.ENOTFOUND:
		return "NOT_FOUND"
	case models.EFORBIDDEN:
		return "FORBIDDEN"
	case models.EUNAUTHORIZED:
		return "UNAUTHENTICATED"
	case models.ERATELIMITED:
		return "RATE_LIMITED"
	default:
		return "INTERNAL"
	}
}

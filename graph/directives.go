package graph

import (
	"context"
	"fmt"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/switchboard-hub/switchboard/models"
)

// HasRole implements @hasRole. The account comes from the parent object (an Account), the
// `accountId` argument, or `input.accountId`.
func HasRole(store *models.Store) func(ctx context.Context, obj any, next graphql.Resolver, role models.Role) (any, error) {
	return func(ctx context.Context, obj any, next graphql.Resolver, role models.Role) (any, error) {
		actor := models.ActorFrom(ctx)
		if actor == nil {
			return nil, models.Errorf(models.EUNAUTHORIZED, "authentication required")
		}
		if acc, ok := obj.(*models.AccountWithRole); ok {
			if !acc.Role.AtLeast(role) {
				return nil, models.Errorf(models.EFORBIDDEN, "this needs the %s role or stronger", role)
			}
			return next(ctx)
		}
		accountID, err := accountArg(graphql.GetFieldContext(ctx))
		if err != nil {
			return nil, err
		}
		if _, err := store.Require(ctx, actor, accountID, role); err != nil {
			if models.CodeOf(err) == models.EFORBIDDEN {
				return nil, models.Errorf(models.EFORBIDDEN, "this needs the %s role or stronger", role)
			}
			return nil, err
		}
		return next(ctx)
	}
}

func accountArg(fc *graphql.FieldContext) (string, error) {
	if fc == nil {
		return "", fmt.Errorf("@hasRole: no field context")
	}
	if id, ok := fc.Args["accountId"].(string); ok {
		return id, nil
	}
	if in, ok := fc.Args["input"]; ok {
		v := reflect.Indirect(reflect.ValueOf(in))
		if v.Kind() == reflect.Struct {
			if f := v.FieldByName("AccountID"); f.IsValid() && f.Kind() == reflect.String {
				return f.String(), nil
			}
		}
	}
	// A schema mistake, not a user error: fail closed.
	return "", fmt.Errorf("@hasRole on %s: no account in parent or arguments", fc.Field.Name)
}

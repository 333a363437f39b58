package models

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"gorm.io/gorm/schema"
)

// fireTarget is everything fireEvent reads about where an event happens, in one statement
// (issue 13: it was six): the server when the event names one, its farm and farm role, the
// names of the farm's environment and account (built-in variables), and the caller's
// membership in that account (the access check).
type fireTarget struct {
	Server      Server   `gorm:"embedded;embeddedPrefix:s__"`
	Farm        Farm     `gorm:"embedded;embeddedPrefix:f__"`
	FarmRole    FarmRole `gorm:"embedded;embeddedPrefix:r__"`
	EnvName     string
	AccountName string
	MemberRole  *Role
}

// fireTargetSQL is the lookup: by server (its farm and role) or by farm (no server, no role).
var fireTargetSQL = sync.OnceValues(func() (byServer, byFarm string) {
	common := `e.name AS env_name, a.name AS account_name, m.role AS member_role`
	joins := `JOIN environments e ON e.id = f.environment_id JOIN accounts a ON a.id = f.account_id
		LEFT JOIN memberships m ON m.account_id = f.account_id AND m.user_id = ?`
	byServer = `SELECT ` + prefixedColumns(&Server{}, "s") + `, ` + prefixedColumns(&Farm{}, "f") + `, ` + prefixedColumns(&FarmRole{}, "r") + `, ` + common + `
		FROM servers s JOIN farms f ON f.id = s.farm_id JOIN farm_roles r ON r.id = s.farm_role_id ` + joins + ` WHERE s.id = ?`
	byFarm = `SELECT ` + prefixedColumns(&Farm{}, "f") + `, ` + common + ` FROM farms f ` + joins + ` WHERE f.id = ?`
	return byServer, byFarm
})

// prefixedColumns lists a model's columns of table alias as "alias.col AS alias__col", for a
// join scanned into a struct that embeds the model with embeddedPrefix "alias__".
func prefixedColumns(model any, alias string) string {
	sch, err := schema.Parse(model, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		panic(err) // a model that does not parse is a programming error, caught by any test
	}
	out := make([]string, 0, len(sch.DBNames))
	for _, c := range sch.DBNames {
		out = append(out, fmt.Sprintf("%s.%s AS %s__%s", alias, c, alias, c))
	}
	return strings.Join(out, ", ")
}

// lookupFireTarget reads the target of fireEvent and checks that the actor may fire there
// (members and up), with the errors the separate lookups gave: an unknown or invisible server
// or farm is not found on its field.
func (s *Store) lookupFireTarget(ctx context.Context, a *Actor, serverID, farmID string) (*fireTarget, error) {
	field, what, id := "farmId", "farm", farmID
	byServer, byFarm := fireTargetSQL()
	query := byFarm
	if serverID != "" {
		field, what, id, query = "serverId", "server", serverID, byServer
	}
	if !validID(id) {
		return nil, FieldError(ENOTFOUND, field, "%s", ErrorMessage(notFound(what)))
	}
	var user any // no user (a system actor): no membership row matches NULL
	if a != nil && a.UserID != "" {
		user = a.UserID
	}
	var rows []fireTarget
	if err := s.db.WithContext(ctx).Raw(query, user, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, FieldError(ENOTFOUND, field, "%s", ErrorMessage(notFound(what)))
	}
	t := &rows[0]
	role, err := s.roleWith(ctx, s.db.DB, a, t.Farm.AccountID, func() (Role, bool, error) {
		if t.MemberRole == nil {
			return "", false, nil
		}
		return *t.MemberRole, true, nil
	})
	if err == nil && !role.AtLeast(RoleMember) {
		err = forbidden()
	}
	if err != nil {
		if CodeOf(err) == ENOTFOUND {
			err = notFound(what)
		}
		return nil, FieldError(CodeOf(err), field, "%s", ErrorMessage(err))
	}
	return t, nil
}

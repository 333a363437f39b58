// Package graph is Switchboard's GraphQL API: schema files per aggregate, generated executor
// code, and thin resolvers that call the services in models.
package graph

//go:generate go run github.com/99designs/gqlgen generate

import (
	"github.com/switchboard-hub/switchboard/models"
)

// Resolver holds the services the resolvers call. It never holds a database handle.
type Resolver struct {
	Store *models.Store
	Auth  *models.Auth
	Live  LiveSource
}

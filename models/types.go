package models

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// User is a person who signs in to the console or owns API tokens.
type User struct {
	ID            string `gorm:"primaryKey"`
	Email         string
	Name          string
	PasswordHash  string `json:"-"`
	IsSystemAdmin bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Account is a tenant.
type Account struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Environment groups farms and configuration inside an account.
type Environment struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	Name        string
	Description string
	// Approvals: an endpoint that must approve the first launch of a farm and/or every
	// termination; pending requests expire after ApprovalExpiryMinutes.
	ApprovalEndpointID    *string
	ApprovalOnFirstLaunch bool
	ApprovalOnTerminate   bool
	ApprovalExpiryMinutes int
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

// Membership gives a user a role in an account.
type Membership struct {
	ID        string `gorm:"primaryKey"`
	AccountID string
	UserID    string
	Role      Role
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RefreshToken is one link of a rotating refresh-token chain. Only its hash is stored.
type RefreshToken struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	FamilyID  string
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// APIToken is a credential for API consumers, limited to one account and a role.
type APIToken struct {
	ID            string `gorm:"primaryKey"`
	AccountID     string
	Name          string
	Prefix        string
	TokenHash     string `json:"-"`
	Role          Role
	CreatedBy     *string
	CreatedAt     time.Time
	ExpiresAt     *time.Time
	LastUsedAt    *time.Time
	RevokedAt     *time.Time
	ExpiryNotedAt *time.Time
}

// TableName keeps GORM from naming the table "api_tokens" differently.
func (APIToken) TableName() string { return "api_tokens" }

// APITokenStatus is derived from revocation and expiry.
type APITokenStatus string

const (
	APITokenActive  APITokenStatus = "active"
	APITokenExpired APITokenStatus = "expired"
	APITokenRevoked APITokenStatus = "revoked"
)

// Status of the token at now.
func (t *APIToken) Status(now time.Time) APITokenStatus {
	switch {
	case t.RevokedAt != nil:
		return APITokenRevoked
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return APITokenExpired
	default:
		return APITokenActive
	}
}

// AuditEntry records one change to an account, by whom.
type AuditEntry struct {
	ID          string `gorm:"primaryKey"`
	AccountID   string
	Action      string
	ActorUserID *string
	ActorLabel  string
	TargetType  string
	TargetID    string
	Summary     string
	CreatedAt   time.Time
}

// MarshalGQL writes the status as its GraphQL enum value.
func (s APITokenStatus) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(strings.ToUpper(string(s))))
}

// UnmarshalGQL reads a GraphQL enum value.
func (s *APITokenStatus) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("status must be a string")
	}
	switch st := APITokenStatus(strings.ToLower(str)); st {
	case APITokenActive, APITokenExpired, APITokenRevoked:
		*s = st
		return nil
	}
	return fmt.Errorf("%q is not an API token status", str)
}

func (e *Environment) accountOf() string { return e.AccountID }
func (m *Membership) accountOf() string  { return m.AccountID }
func (t *APIToken) accountOf() string    { return t.AccountID }
func (e *AuditEntry) accountOf() string  { return e.AccountID }

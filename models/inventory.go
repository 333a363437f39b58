package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// FarmStatus is where a farm is in its life.
type FarmStatus string

const (
	FarmTerminated       FarmStatus = "terminated"
	FarmPendingLaunch    FarmStatus = "pending_launch"
	FarmRunning          FarmStatus = "running"
	FarmPendingTerminate FarmStatus = "pending_terminate"
	FarmSuspended        FarmStatus = "suspended"
)

// Valid reports whether s is a known status.
func (s FarmStatus) Valid() bool {
	switch s {
	case FarmTerminated, FarmPendingLaunch, FarmRunning, FarmPendingTerminate, FarmSuspended:
		return true
	}
	return false
}

// MarshalGQL implements the GraphQL enum encoding.
func (s FarmStatus) MarshalGQL(w io.Writer) { writeEnum(w, s) }

// UnmarshalGQL implements the GraphQL enum decoding.
func (s *FarmStatus) UnmarshalGQL(v any) (err error) {
	*s, err = readEnum(v, FarmStatus.Valid, "farm status")
	return err
}

// Farm is a group of servers in an environment, reported by whatever provisions it.
type Farm struct {
	ID            string `gorm:"primaryKey"`
	AccountID     string
	EnvironmentID string
	Name          string
	Description   string
	OwnerEmail    string
	Status        FarmStatus
	LaunchedOnce  bool
	// Hash is Scalr's farm hash (SCALR_FARM_HASH): 14 hex characters made when the farm is
	// created, never changed.
	Hash string
	// Team is the name of the team that owns the farm (SCALR_FARM_TEAM).
	Team string
	// LaunchedByEmail is the email of whoever last launched (or asked to launch) the farm
	// (SCALR_LAUNCHED_BY_EMAIL); empty until the first launch or when the system launched it.
	LaunchedByEmail string
	// The project and cost centre the farm is billed to, as the provisioning system names them
	// (SCALR_PROJECT_*, SCALR_COST_CENTER_*). Switchboard mirrors them, it does not own them:
	// the ids are the provisioner's, so handlers match on the same ids as in Scalr.
	ProjectID             string
	ProjectName           string
	ProjectBillingCode    string
	CostCenterID          string
	CostCenterName        string
	CostCenterBillingCode string
	CreatedAt             time.Time
	UpdatedAt             time.Time
}

func (f *Farm) accountOf() string { return f.AccountID }

// FarmRole is a role (a kind of server) in a farm.
type FarmRole struct {
	ID        string `gorm:"primaryKey"`
	AccountID string
	FarmID    string
	Alias     string
	RoleName  string
	OS        string `gorm:"column:os"`
	// ImageID is the cloud image the role's servers boot from (SCALR_IMAGE_ID, unless a server
	// reports its own).
	ImageID string
	// BehaviorsCSV is the role's behaviours (SCALR_BEHAVIORS: "base", "mysql2", "chef"…),
	// comma-separated.
	BehaviorsCSV string `gorm:"column:behaviors"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (r *FarmRole) accountOf() string { return r.AccountID }

// Behaviors lists the role's behaviours.
func (r *FarmRole) Behaviors() []string {
	if r.BehaviorsCSV == "" {
		return []string{}
	}
	return strings.Split(r.BehaviorsCSV, ",")
}

// Server is one machine of a farm role.
type Server struct {
	ID            string `gorm:"primaryKey"`
	AccountID     string
	FarmID        string
	FarmRoleID    string
	Hostname      string
	ServerType    string
	CloudLocation string
	CloudZone     string
	CloudServerID string
	// ImageID is the image the server booted from when it differs from its role's.
	ImageID       string
	PublicIP      string `gorm:"column:public_ip"`
	PrivateIP     string `gorm:"column:private_ip"`
	Status        string
	InstanceIndex int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (s *Server) accountOf() string { return s.AccountID }

// FarmInput creates or changes a farm; nil fields stay unchanged.
type FarmInput struct {
	EnvironmentID         string
	Name                  *string
	Description           *string
	OwnerEmail            *string
	Team                  *string
	ProjectID             *string
	ProjectName           *string
	ProjectBillingCode    *string
	CostCenterID          *string
	CostCenterName        *string
	CostCenterBillingCode *string
}

// farmLines are the one-line optional fields of a farm: column, GraphQL field, maximum length,
// and where they are in the input and the farm.
func farmLines(in *FarmInput, f *Farm) []struct {
	col, field string
	max        int
	v          **string
	dst        *string
} {
	return []struct {
		col, field string
		max        int
		v          **string
		dst        *string
	}{
		{"team", "team", 100, &in.Team, &f.Team},
		{"project_id", "projectId", 128, &in.ProjectID, &f.ProjectID},
		{"project_name", "projectName", 100, &in.ProjectName, &f.ProjectName},
		{"project_billing_code", "projectBillingCode", 64, &in.ProjectBillingCode, &f.ProjectBillingCode},
		{"cost_center_id", "costCenterId", 128, &in.CostCenterID, &f.CostCenterID},
		{"cost_center_name", "costCenterName", 100, &in.CostCenterName, &f.CostCenterName},
		{"cost_center_billing_code", "costCenterBillingCode", 64, &in.CostCenterBillingCode, &f.CostCenterBillingCode},
	}
}

// cleanLine trims an optional one-line value (empty allowed) of at most max characters.
func cleanLine(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	return cleanName(field, v, max)
}

// ListFarms returns the farms of an account, optionally of one environment. Viewers and up.
func (s *Store) ListFarms(ctx context.Context, a *Actor, accountID, environmentID string) ([]Farm, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if environmentID != "" && !validID(environmentID) {
		return nil, nil
	}
	if environmentID != "" {
		q = q.Where("environment_id = ?", environmentID)
	}
	var fs []Farm
	err := q.Order("lower(name), id").Find(&fs).Error
	return fs, err
}

// GetFarm returns a farm the actor can see.
func (s *Store) GetFarm(ctx context.Context, a *Actor, id string) (*Farm, error) {
	var f Farm
	if err := s.getScoped(ctx, a, &f, id, "farm", RoleViewer); err != nil {
		return nil, err
	}
	return &f, nil
}

func cleanFarm(in FarmInput) (FarmInput, error) {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return in, err
		}
		in.Name = &n
	}
	if in.Description != nil {
		d, err := cleanText("description", *in.Description, 2000)
		if err != nil {
			return in, err
		}
		in.Description = &d
	}
	if in.OwnerEmail != nil && strings.TrimSpace(*in.OwnerEmail) != "" {
		e, err := cleanEmail(*in.OwnerEmail)
		if err != nil {
			return in, FieldError(EINVALID, "ownerEmail", "enter a valid email address")
		}
		in.OwnerEmail = &e
	}
	for _, l := range farmLines(&in, &Farm{}) {
		if *l.v == nil {
			continue
		}
		x, err := cleanLine(l.field, **l.v, l.max)
		if err != nil {
			return in, err
		}
		*l.v = &x
	}
	return in, nil
}

// newFarmHash makes a farm hash: 14 random hex characters, like Scalr's.
func newFarmHash() string { return randomHex(7) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// CreateFarm creates a farm (terminated) in an environment. Members and up: provisioning
// systems report their inventory with member tokens.
func (s *Store) CreateFarm(ctx context.Context, a *Actor, in FarmInput) (*Farm, error) {
	env, err := s.GetEnvironment(ctx, a, in.EnvironmentID)
	if err != nil {
		return nil, FieldError(ENOTFOUND, "environmentId", "environment not found")
	}
	if _, err := s.Require(ctx, a, env.AccountID, RoleMember); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	if in, err = cleanFarm(in); err != nil {
		return nil, err
	}
	now := s.now()
	f := &Farm{ID: newID(), AccountID: env.AccountID, EnvironmentID: env.ID, Name: *in.Name, Status: FarmTerminated, Hash: newFarmHash(), CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		f.Description = *in.Description
	}
	for _, l := range farmLines(&in, f) {
		if *l.v != nil {
			*l.dst = **l.v
		}
	}
	if in.OwnerEmail != nil {
		f.OwnerEmail = *in.OwnerEmail
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(f).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a farm named %q already exists in this environment", f.Name)
			}
			return err
		}
		s.hint(tx, HintFarm, f.ID, f.AccountID)
		return s.audit(tx, a, f.AccountID, "farm.created", "farm", f.ID, fmt.Sprintf("%s created farm %q in %q", a.Label(), f.Name, env.Name))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// UpdateFarm renames or re-describes a farm. Members and up.
func (s *Store) UpdateFarm(ctx context.Context, a *Actor, id string, in FarmInput) (*Farm, error) {
	var f Farm
	if err := s.getScoped(ctx, a, &f, id, "farm", RoleMember); err != nil {
		return nil, err
	}
	in, err := cleanFarm(in)
	if err != nil {
		return nil, err
	}
	changes := map[string]any{"updated_at": s.now()}
	if in.Name != nil {
		changes["name"], f.Name = *in.Name, *in.Name
	}
	if in.Description != nil {
		changes["description"], f.Description = *in.Description, *in.Description
	}
	if in.OwnerEmail != nil {
		changes["owner_email"], f.OwnerEmail = *in.OwnerEmail, *in.OwnerEmail
	}
	for _, l := range farmLines(&in, &f) {
		if *l.v != nil {
			changes[l.col], *l.dst = **l.v, **l.v
		}
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Farm{}).Where("id = ?", f.ID).Updates(changes).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "name", "a farm named %q already exists in this environment", f.Name)
			}
			return err
		}
		s.hint(tx, HintFarm, f.ID, f.AccountID)
		return s.audit(tx, a, f.AccountID, "farm.updated", "farm", f.ID, fmt.Sprintf("%s updated farm %q", a.Label(), f.Name))
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// DeleteFarm deletes a terminated farm with its roles and servers. Admins and owners.
func (s *Store) DeleteFarm(ctx context.Context, a *Actor, id string) error {
	var f Farm
	if err := s.getScoped(ctx, a, &f, id, "farm", RoleAdmin); err != nil {
		return err
	}
	if f.Status != FarmTerminated {
		return Errorf(ECONFLICT, "farm %q is %s: terminate it first", f.Name, strings.ReplaceAll(string(f.Status), "_", " "))
	}
	// scope_id is text (it is '' for the system scope); the ids it is compared with are uuids on
	// PostgreSQL, hence the casts.
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("scope IN ? AND scope_id IN (SELECT CAST(id AS TEXT) FROM servers WHERE farm_id = ?)", []Scope{ScopeServer}, f.ID).Delete(&GlobalVariable{}).Error; err != nil {
			return err
		}
		if err := tx.Where("scope = ? AND scope_id IN (SELECT CAST(id AS TEXT) FROM farm_roles WHERE farm_id = ?)", ScopeFarmRole, f.ID).Delete(&GlobalVariable{}).Error; err != nil {
			return err
		}
		if err := tx.Where("scope = ? AND scope_id = ?", ScopeFarm, f.ID).Delete(&GlobalVariable{}).Error; err != nil {
			return err
		}
		if err := tx.Where("id = ?", f.ID).Delete(&Farm{}).Error; err != nil {
			return err
		}
		s.hint(tx, HintFarm, f.ID, f.AccountID)
		return s.audit(tx, a, f.AccountID, "farm.deleted", "farm", f.ID, fmt.Sprintf("%s deleted farm %q", a.Label(), f.Name))
	})
}

// FarmRoleInput creates or changes a farm role.
type FarmRoleInput struct {
	FarmID    string
	Alias     *string
	RoleName  *string
	OS        *string
	ImageID   *string
	Behaviors []string
}

var behaviorRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// cleanBehaviors validates a role's behaviours: at most 16 distinct lower-case names.
func cleanBehaviors(in []string) (string, error) {
	if len(in) > 16 {
		return "", FieldError(EINVALID, "behaviors", "a role has at most 16 behaviours")
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, b := range in {
		b = strings.ToLower(strings.TrimSpace(b))
		if !behaviorRe.MatchString(b) {
			return "", FieldError(EINVALID, "behaviors", "a behaviour is 1 to 32 lower-case letters, digits, - or _ (got %q)", b)
		}
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	return strings.Join(out, ","), nil
}

// ListFarmRoles returns a farm's roles (callers pass a visible farm).
func (s *Store) ListFarmRoles(ctx context.Context, farmID string) ([]FarmRole, error) {
	var rs []FarmRole
	err := s.db.WithContext(ctx).Where("farm_id = ?", farmID).Order("lower(alias), id").Find(&rs).Error
	return rs, err
}

// CreateFarmRole adds a role to a farm. Members and up.
func (s *Store) CreateFarmRole(ctx context.Context, a *Actor, in FarmRoleInput) (*FarmRole, error) {
	var f Farm
	if err := s.getScoped(ctx, a, &f, in.FarmID, "farm", RoleMember); err != nil {
		return nil, err
	}
	if in.Alias == nil || in.RoleName == nil {
		return nil, FieldError(EINVALID, "alias", "alias and role name are required")
	}
	alias, err := cleanName("alias", *in.Alias, 64)
	if err != nil {
		return nil, err
	}
	roleName, err := cleanName("roleName", *in.RoleName, 100)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r := &FarmRole{ID: newID(), AccountID: f.AccountID, FarmID: f.ID, Alias: alias, RoleName: roleName, CreatedAt: now, UpdatedAt: now}
	if in.OS != nil {
		r.OS = strings.TrimSpace(*in.OS)
	}
	if in.ImageID != nil {
		if r.ImageID, err = cleanLine("imageId", *in.ImageID, 255); err != nil {
			return nil, err
		}
	}
	if r.BehaviorsCSV, err = cleanBehaviors(in.Behaviors); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(r).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError(ECONFLICT, "alias", "farm %q already has a role %q", f.Name, alias)
			}
			return err
		}
		s.hint(tx, HintFarm, f.ID, f.AccountID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ServerInput reports a server; nil fields stay unchanged.
type ServerInput struct {
	FarmRoleID    string
	Hostname      *string
	ServerType    *string
	CloudLocation *string
	CloudZone     *string
	CloudServerID *string
	ImageID       *string
	PublicIP      *string
	PrivateIP     *string
	Status        *string
	InstanceIndex *int
}

// ListServers returns a farm's servers (callers pass a visible farm).
func (s *Store) ListServers(ctx context.Context, farmID string) ([]Server, error) {
	var ss []Server
	err := s.db.WithContext(ctx).Where("farm_id = ?", farmID).Order("created_at, id").Find(&ss).Error
	return ss, err
}

// GetServer returns a server the actor can see.
func (s *Store) GetServer(ctx context.Context, a *Actor, id string) (*Server, error) {
	var sv Server
	if err := s.getScoped(ctx, a, &sv, id, "server", RoleViewer); err != nil {
		return nil, err
	}
	return &sv, nil
}

func applyServerInput(sv *Server, in ServerInput) (map[string]any, error) {
	changes := map[string]any{}
	set := func(col string, dst *string, v *string, max int, field string) error {
		if v == nil {
			return nil
		}
		x := strings.TrimSpace(*v)
		if len(x) > max || hasControl(x) {
			return FieldError(EINVALID, field, "%s must be one line of at most %d characters", field, max)
		}
		*dst, changes[col] = x, x
		return nil
	}
	for _, f := range []struct {
		col, field string
		dst, v     *string
		max        int
	}{
		{"hostname", "hostname", &sv.Hostname, in.Hostname, 253},
		{"server_type", "serverType", &sv.ServerType, in.ServerType, 64},
		{"cloud_location", "cloudLocation", &sv.CloudLocation, in.CloudLocation, 64},
		{"cloud_zone", "cloudZone", &sv.CloudZone, in.CloudZone, 64},
		{"cloud_server_id", "cloudServerId", &sv.CloudServerID, in.CloudServerID, 128},
		{"image_id", "imageId", &sv.ImageID, in.ImageID, 255},
		{"status", "status", &sv.Status, in.Status, 32},
	} {
		if err := set(f.col, f.dst, f.v, f.max, f.field); err != nil {
			return nil, err
		}
	}
	for _, ip := range []struct {
		col, field string
		dst, v     *string
	}{{"public_ip", "publicIp", &sv.PublicIP, in.PublicIP}, {"private_ip", "privateIp", &sv.PrivateIP, in.PrivateIP}} {
		if ip.v == nil {
			continue
		}
		x := strings.TrimSpace(*ip.v)
		if x != "" {
			if _, err := netip.ParseAddr(x); err != nil {
				return nil, FieldError(EINVALID, ip.field, "%s must be an IP address", ip.field)
			}
		}
		*ip.dst, changes[ip.col] = x, x
	}
	if in.InstanceIndex != nil {
		if *in.InstanceIndex < 1 {
			return nil, FieldError(EINVALID, "instanceIndex", "instanceIndex starts at 1")
		}
		sv.InstanceIndex, changes["instance_index"] = *in.InstanceIndex, *in.InstanceIndex
	}
	return changes, nil
}

// CreateServer reports a new server of a farm role. Members and up.
func (s *Store) CreateServer(ctx context.Context, a *Actor, in ServerInput) (*Server, error) {
	var fr FarmRole
	if err := s.getScoped(ctx, a, &fr, in.FarmRoleID, "farm role", RoleMember); err != nil {
		return nil, err
	}
	now := s.now()
	sv := &Server{ID: newID(), AccountID: fr.AccountID, FarmID: fr.FarmID, FarmRoleID: fr.ID, Status: "pending", InstanceIndex: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := applyServerInput(sv, in); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(sv).Error; err != nil {
			return err
		}
		s.hint(tx, HintFarm, sv.FarmID, sv.AccountID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// UpdateServer updates a server's reported state. Members and up.
func (s *Store) UpdateServer(ctx context.Context, a *Actor, id string, in ServerInput) (*Server, error) {
	var sv Server
	if err := s.getScoped(ctx, a, &sv, id, "server", RoleMember); err != nil {
		return nil, err
	}
	changes, err := applyServerInput(&sv, in)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return &sv, nil
	}
	changes["updated_at"] = s.now()
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&Server{}).Where("id = ?", sv.ID).Updates(changes).Error; err != nil {
			return err
		}
		s.hint(tx, HintFarm, sv.FarmID, sv.AccountID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &sv, nil
}

// DeleteServer removes a server from the inventory. Members and up.
func (s *Store) DeleteServer(ctx context.Context, a *Actor, id string) error {
	var sv Server
	if err := s.getScoped(ctx, a, &sv, id, "server", RoleMember); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Where("scope = ? AND scope_id = ?", ScopeServer, sv.ID).Delete(&GlobalVariable{}).Error; err != nil {
			return err
		}
		if err := tx.Where("id = ?", sv.ID).Delete(&Server{}).Error; err != nil {
			return err
		}
		s.hint(tx, HintFarm, sv.FarmID, sv.AccountID)
		return nil
	})
}

package deliver

import (
	"net/netip"

	"github.com/switchboard-hub/switchboard/models/netguard"
)

// The guard's rules live in models/netguard so the store can warn at save time with the same
// ranges (models never imports jobs). These names keep this package's API.
type (
	// Guard decides which addresses outbound requests may connect to (design §6.5).
	Guard = netguard.Guard
	// GuardError reports an address the guard refuses.
	GuardError = netguard.Error
)

// NewGuard returns a guard with an allow list and a deny list; see netguard.New.
func NewGuard(allow, deny []netip.Prefix) *Guard { return netguard.New(allow, deny) }

// ParseCIDRList parses SWITCHBOARD_OUTBOUND_ALLOW / _DENY; see netguard.ParseCIDRList.
func ParseCIDRList(s string) ([]netip.Prefix, error) { return netguard.ParseCIDRList(s) }

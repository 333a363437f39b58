// Package netguard decides which IP addresses outbound requests (webhook deliveries, approval
// requests) may connect to (design §6.5). It is pure: no I/O. The delivery dialer
// (jobs/deliver) checks every resolved address at connect time; the store uses the same rules
// to warn when an endpoint is saved whose host currently resolves to a refused address.
package netguard

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Guard decides which addresses outbound requests may connect to. The zero value and a nil
// *Guard apply the defaults only. A Guard is immutable and safe for concurrent use.
type Guard struct {
	allow []netip.Prefix
	deny  []netip.Prefix
	// strict also refuses private and other non-public ranges (NewStrict).
	strict bool
}

// defaultRefused are refused unless an allow-list entry covers the address. IPv4-mapped IPv6
// addresses never reach this list: they are unmapped first.
var defaultRefused = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"}, // "this network"; Linux connects 0.0.0.0 to itself
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"}, // 169.254.169.254: cloud metadata
	// RFC 6598 shared address space. Alibaba Cloud's metadata service is 100.100.100.200, and
	// carrier-grade NAT ranges reach infrastructure rather than customers' receivers.
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"}, // deprecated ::a.b.c.d
	// NAT64 (RFC 6052, RFC 8215), 6to4 (RFC 3056) and SIIT (RFC 2765) embed an IPv4 address: a
	// gateway would forward 64:ff9b::7f00:1 to 127.0.0.1 and 2002:a9fe:a9fe:: towards
	// 169.254.169.254. They are refused unless allowed, and an allowed one is refused still when
	// its embedded IPv4 address is (see embedded). Teredo (RFC 4380) tunnels through a relay to an
	// obfuscated IPv4 address.
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "SIIT"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "cloud metadata"}, // AWS IMDS over IPv6
}

// New returns a guard with an allow list (overrides the default refusals) and a deny list
// (wins over both). Prefixes written in IPv4-mapped IPv6 form are taken as IPv4.
func New(allow, deny []netip.Prefix) *Guard {
	return &Guard{allow: normalizePrefixes(allow), deny: normalizePrefixes(deny)}
}

func normalizePrefixes(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if !p.IsValid() {
			continue
		}
		a := p.Addr().WithZone("")
		if a.Is4In6() {
			bits := p.Bits() - 96
			if bits < 0 {
				bits = 0 // ::ffff:0:0/80 and wider: every IPv4 address
			}
			p = netip.PrefixFrom(a.Unmap(), bits)
		} else {
			p = netip.PrefixFrom(a, p.Bits())
		}
		out = append(out, p.Masked())
	}
	return out
}

// ParseCIDRList parses a list of CIDR prefixes or bare IP addresses (a single host) separated by
// commas and/or white space, as in SWITCHBOARD_OUTBOUND_ALLOW and SWITCHBOARD_OUTBOUND_DENY. An
// empty or blank string gives an empty list.
func ParseCIDRList(s string) ([]netip.Prefix, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	out := make([]netip.Prefix, 0, len(fields))
	for _, f := range fields {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("outbound guard: %q is not a CIDR prefix: %v", f, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("outbound guard: %q is neither a CIDR prefix nor an IP address", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Error reports an address the guard refuses.
type Error struct {
	Addr netip.Addr
	// Reason is "denied" (deny list) or the default rule: "loopback", "link-local", …; for an
	// address refused for the IPv4 address it embeds, the embedding and that address's rule:
	// "NAT64 to loopback" (or "denied" when the deny list covers the IPv4 address).
	Reason string
	// Embedded is the IPv4 address Addr embeds when that address is why Addr is refused.
	Embedded netip.Addr
	// Strict: refused by a strict guard (URLs from the public), which no setting widens.
	Strict bool
}

func (e *Error) Error() string {
	addr := e.Addr.String()
	if e.Embedded.IsValid() {
		addr += " (embeds " + e.Embedded.String() + ")"
	}
	if e.Reason == "denied" {
		return fmt.Sprintf("outbound guard refuses %s (in SWITCHBOARD_OUTBOUND_DENY)", addr)
	}
	if e.Strict {
		return fmt.Sprintf("outbound guard refuses %s (%s; subscriber webhooks must reach a public address)", addr, e.Reason)
	}
	return fmt.Sprintf("outbound guard refuses %s (%s; SWITCHBOARD_OUTBOUND_ALLOW can allow it)", addr, e.Reason)
}

// Check returns nil when ip may be connected to, or an *Error. Precedence: deny list, then
// allow list, then the default refusals; everything else (private ranges included) is allowed.
// An IPv6 address that embeds an IPv4 address (NAT64, 6to4, SIIT) must pass for itself and for
// the embedded address: allowing 64:ff9b::/96 for DNS64 does not allow 64:ff9b::7f00:1, which a
// gateway forwards to 127.0.0.1.
func (g *Guard) Check(ip netip.Addr) error {
	if !ip.IsValid() {
		return &Error{Addr: ip, Reason: "invalid address"}
	}
	a := ip.WithZone("").Unmap()
	if reason := g.refusal(a); reason != "" {
		return &Error{Addr: a, Reason: reason, Strict: g.Strict()}
	}
	if v4, via, ok := embedded(a); ok {
		if reason := g.refusal(v4); reason != "" {
			if reason != "denied" {
				reason = via + " to " + reason
			}
			return &Error{Addr: a, Reason: reason, Embedded: v4, Strict: g.Strict()}
		}
	}
	return nil
}

// refusal is the reason a (unmapped, without zone) is refused for itself, or "".
func (g *Guard) refusal(a netip.Addr) string {
	if g != nil {
		for _, p := range g.deny {
			if p.Contains(a) {
				return "denied"
			}
		}
		for _, p := range g.allow {
			if p.Contains(a) {
				return ""
			}
		}
	}
	for _, r := range defaultRefused {
		if r.prefix.Contains(a) {
			return r.reason
		}
	}
	if g != nil && g.strict {
		for _, r := range strictRefused {
			if r.prefix.Contains(a) {
				return r.reason
			}
		}
	}
	return ""
}

var (
	nat64WellKnown = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local     = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour      = netip.MustParsePrefix("2002::/16")
	siit           = netip.MustParsePrefix("::ffff:0:0:0/96")
)

// embedded returns the IPv4 address an IPv6 address carries and the name of the mechanism: the
// last 32 bits of NAT64 (64:ff9b::/96; 64:ff9b:1::/48 read with the /96 layout of RFC 6052, the
// usual one: a gateway using a shorter local prefix places the IPv4 address elsewhere, so
// operators allowing such a prefix should deny what its gateway must not reach) and SIIT
// addresses, bits 16 to 47 of 6to4 addresses.
func embedded(a netip.Addr) (netip.Addr, string, bool) {
	if !a.Is6() {
		return netip.Addr{}, "", false
	}
	b := a.As16()
	switch {
	case nat64WellKnown.Contains(a), nat64Local.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), "NAT64", true
	case siit.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), "SIIT", true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), "6to4", true
	}
	return netip.Addr{}, "", false
}

// Resolver resolves host names; *net.Resolver implements it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// LookupTimeout bounds Refusals' name resolution.
const LookupTimeout = 2 * time.Second

// Refusals resolves host (an IP literal needs no lookup) within LookupTimeout and returns the
// guard's refusal of each current address that would be refused, in resolver order. A host that
// does not resolve gives no refusals and the lookup error: DNS can change, so callers treat the
// result as advice, never as a decision (the dialer checks again at connect time).
func (g *Guard) Refusals(ctx context.Context, r Resolver, host string) ([]*Error, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if r == nil {
			r = net.DefaultResolver
		}
		ctx, cancel := context.WithTimeout(ctx, LookupTimeout)
		defer cancel()
		addrs, err := r.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				ips = append(ips, ip.WithZone(a.Zone))
			}
		}
	}
	var out []*Error
	for _, ip := range ips {
		if err := g.Check(ip); err != nil {
			out = append(out, err.(*Error))
		}
	}
	return out, nil
}

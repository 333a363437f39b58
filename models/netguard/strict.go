package netguard

import "net/netip"

// strictRefused are refused by a strict guard on top of defaultRefused: the ranges that are not
// the public internet. URLs that come from the public (status page webhook subscribers) must
// not reach an installation's private network, which operator endpoints may.
var strictRefused = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("fc00::/7"), "unique local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

// NewStrict returns a guard for URLs given by the public: the default refusals plus private,
// unique-local, documentation, benchmarking and reserved ranges. allow overrides every refusal
// (tests allow loopback with it; nothing sets it in production); deny wins over both. The
// operator's SWITCHBOARD_OUTBOUND_ALLOW is deliberately not an input: allowing an internal
// network for the operator's own endpoints must not open it to strangers.
func NewStrict(allow, deny []netip.Prefix) *Guard {
	g := New(allow, deny)
	g.strict = true
	return g
}

// Strict reports whether g refuses private ranges too.
func (g *Guard) Strict() bool { return g != nil && g.strict }

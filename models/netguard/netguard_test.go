package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func mustPrefixes(tb testing.TB, s string) []netip.Prefix {
	tb.Helper()
	ps, err := ParseCIDRList(s)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

type fixedResolver map[string][]net.IPAddr

func (r fixedResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	if a, ok := r[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestGuard_Refusals(t *testing.T) {
	r := fixedResolver{
		"cgn.example":   {{IP: net.ParseIP("100.64.3.4")}, {IP: net.ParseIP("93.184.216.34")}},
		"clean.example": {{IP: net.ParseIP("93.184.216.34")}},
	}
	g := New(nil, nil)
	tests := []struct {
		host    string
		refused []string
		wantErr bool
	}{
		{"cgn.example", []string{"100.64.3.4"}, false},
		{"clean.example", nil, false},
		{"169.254.169.254", []string{"169.254.169.254"}, false},
		{"[64:ff9b::a9fe:a9fe]", []string{"64:ff9b::a9fe:a9fe"}, false},
		{"missing.example", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			got, err := g.Refusals(context.Background(), r, tt.host)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(got) != len(tt.refused) {
				t.Fatalf("refusals %v, want %v", got, tt.refused)
			}
			for i := range got {
				if got[i].Addr.String() != tt.refused[i] {
					t.Errorf("[%d] = %s, want %s", i, got[i].Addr, tt.refused[i])
				}
			}
		})
	}
}

func TestGuard_Check(t *testing.T) {
	defaults := New(nil, nil)
	denyPrivate := New(nil, mustPrefixes(t, "10.0.0.0/8, fc00::/7"))
	allowLoop := New(mustPrefixes(t, "127.0.0.0/8"), nil)
	allowTenDenySub := New(mustPrefixes(t, "10.0.0.0/8"), mustPrefixes(t, "10.9.0.0/16"))
	denyLoopToo := New(mustPrefixes(t, "127.0.0.0/8"), mustPrefixes(t, "127.0.0.1"))
	mappedPrefixes := New(mustPrefixes(t, "::ffff:127.0.0.0/104"), mustPrefixes(t, "::ffff:192.168.1.0/120"))
	allowCGN := New(mustPrefixes(t, "::ffff:100.64.0.0/106"), nil)
	allowNAT64 := New(mustPrefixes(t, "64:ff9b::/96"), nil)
	allowNAT64Loop := New(mustPrefixes(t, "64:ff9b::/96, 127.0.0.0/8"), nil)
	allowNAT64DenyTen := New(mustPrefixes(t, "64:ff9b::/96"), mustPrefixes(t, "10.0.0.0/8"))
	allowLocalNAT64 := New(mustPrefixes(t, "64:ff9b:1::/48"), nil)
	allow6to4 := New(mustPrefixes(t, "2002::/16"), nil)
	allowSIIT := New(mustPrefixes(t, "::ffff:0:0:0/96"), nil)
	allowTeredo := New(mustPrefixes(t, "2001::/32"), nil)
	var nilGuard *Guard

	tests := []struct {
		name   string
		guard  *Guard
		ip     string
		ok     bool
		reason string
	}{
		{"loopback", defaults, "127.0.0.1", false, "loopback"},
		{"loopback range", defaults, "127.1.2.3", false, "loopback"},
		{"metadata", defaults, "169.254.169.254", false, "link-local"},
		{"IPv6 loopback", defaults, "::1", false, "loopback"},
		{"IPv4-mapped loopback", defaults, "::ffff:127.0.0.1", false, "loopback"},
		{"IPv4-mapped metadata", defaults, "::ffff:169.254.169.254", false, "link-local"},
		{"unspecified", defaults, "0.0.0.0", false, "unspecified"},
		{"this network", defaults, "0.1.2.3", false, "unspecified"},
		{"IPv6 unspecified", defaults, "::", false, "unspecified"},
		{"multicast", defaults, "224.0.0.1", false, "multicast"},
		{"IPv6 multicast", defaults, "ff02::1", false, "multicast"},
		{"broadcast", defaults, "255.255.255.255", false, "broadcast"},
		{"IPv6 link-local", defaults, "fe80::1", false, "link-local"},
		{"IPv6 link-local with zone", defaults, "fe80::1%eth0", false, "link-local"},
		{"IPv4-compatible", defaults, "::7f00:1", false, "IPv4-compatible"},
		{"AWS IMDS over IPv6", defaults, "fd00:ec2::254", false, "cloud metadata"},
		{"carrier-grade NAT start", defaults, "100.64.0.0", false, "carrier-grade NAT"},
		{"carrier-grade NAT metadata", defaults, "100.100.100.200", false, "carrier-grade NAT"},
		{"carrier-grade NAT end", defaults, "100.127.255.255", false, "carrier-grade NAT"},
		{"IPv4-mapped carrier-grade NAT", defaults, "::ffff:100.100.100.200", false, "carrier-grade NAT"},
		{"below carrier-grade NAT", defaults, "100.63.255.255", true, ""},
		{"above carrier-grade NAT", defaults, "100.128.0.0", true, ""},
		{"NAT64 loopback", defaults, "64:ff9b::7f00:1", false, "NAT64"},
		{"NAT64 metadata", defaults, "64:ff9b::a9fe:a9fe", false, "NAT64"},
		{"NAT64 public", defaults, "64:ff9b::5db8:d822", false, "NAT64"},
		{"NAT64 local-use prefix", defaults, "64:ff9b:1::1", false, "NAT64"},
		{"NAT64 local-use metadata", defaults, "64:ff9b:1::a9fe:a9fe", false, "NAT64"},
		{"allowed NAT64 to loopback", allowNAT64, "64:ff9b::7f00:1", false, "NAT64 to loopback"},
		{"allowed NAT64 to metadata", allowNAT64, "64:ff9b::a9fe:a9fe", false, "NAT64 to link-local"},
		{"allowed NAT64 to carrier-grade NAT", allowNAT64, "64:ff9b::6464:64c8", false, "NAT64 to carrier-grade NAT"},
		{"allowed NAT64 to an allowed IPv4 range", allowNAT64Loop, "64:ff9b::7f00:1", true, ""},
		{"allowed NAT64 to a denied IPv4 range", allowNAT64DenyTen, "64:ff9b::a01:203", false, "denied"},
		{"allowed NAT64 beside a denied IPv4 range", allowNAT64DenyTen, "64:ff9b::5db8:d822", true, ""},
		{"allowed local-use NAT64 to metadata", allowLocalNAT64, "64:ff9b:1::a9fe:a9fe", false, "NAT64 to link-local"},
		{"allowed local-use NAT64 to loopback", allowLocalNAT64, "64:ff9b:1:ab::7f00:1", false, "NAT64 to loopback"},
		{"allowed local-use NAT64 public", allowLocalNAT64, "64:ff9b:1:ab::5db8:d822", true, ""},
		{"allowed 6to4 to metadata", allow6to4, "2002:a9fe:a9fe::1", false, "6to4 to link-local"},
		{"allowed 6to4 to loopback", allow6to4, "2002:7f00:1::", false, "6to4 to loopback"},
		{"allowed 6to4 public", allow6to4, "2002:5db8:d822::1", true, ""},
		{"SIIT", defaults, "::ffff:0:5db8:d822", false, "SIIT"},
		{"allowed SIIT to loopback", allowSIIT, "::ffff:0:7f00:1", false, "SIIT to loopback"},
		{"allowed SIIT public", allowSIIT, "::ffff:0:5db8:d822", true, ""},
		{"Teredo", defaults, "2001:0:4136:e378:8000:63bf:3fff:fdd2", false, "Teredo"},
		{"allowed Teredo", allowTeredo, "2001:0:4136:e378:8000:63bf:3fff:fdd2", true, ""},
		{"beside Teredo", defaults, "2001:4860:4860::8888", true, ""},
		{"6to4 metadata", defaults, "2002:a9fe:a9fe::1", false, "6to4"},
		{"6to4 any", defaults, "2002::1", false, "6to4"},
		{"beside 6to4", defaults, "2003::1", true, ""},
		{"allow overrides carrier-grade NAT", allowCGN, "100.64.1.1", true, ""},
		{"allow overrides carrier-grade NAT, mapped address", allowCGN, "::ffff:100.64.1.1", true, ""},
		{"allow overrides NAT64", allowNAT64, "64:ff9b::a01:203", true, ""},
		{"allow NAT64 keeps 6to4", allowNAT64, "2002::1", false, "6to4"},
		{"private 10/8 allowed", defaults, "10.1.2.3", true, ""},
		{"private 172.16/12 allowed", defaults, "172.16.5.4", true, ""},
		{"private 192.168/16 allowed", defaults, "192.168.1.1", true, ""},
		{"ULA allowed", defaults, "fd12:3456::1", true, ""},
		{"public allowed", defaults, "93.184.216.34", true, ""},
		{"public IPv6 allowed", defaults, "2606:2800:220:1::1", true, ""},
		{"nil guard applies defaults", nilGuard, "127.0.0.1", false, "loopback"},
		{"nil guard allows private", nilGuard, "10.1.2.3", true, ""},
		{"deny list", denyPrivate, "10.1.2.3", false, "denied"},
		{"deny list IPv4-mapped", denyPrivate, "::ffff:10.1.2.3", false, "denied"},
		{"deny list IPv6", denyPrivate, "fd12::1", false, "denied"},
		{"deny list other ranges", denyPrivate, "192.168.1.1", true, ""},
		{"allow overrides default", allowLoop, "127.0.0.1", true, ""},
		{"allow overrides default, mapped", allowLoop, "::ffff:127.0.0.1", true, ""},
		{"allow is not everything", allowLoop, "::1", false, "loopback"},
		{"allow keeps other defaults", allowLoop, "169.254.169.254", false, "link-local"},
		{"allowed range", allowTenDenySub, "10.1.2.3", true, ""},
		{"deny wins inside an allowed range", allowTenDenySub, "10.9.1.1", false, "denied"},
		{"deny wins over allow", denyLoopToo, "127.0.0.1", false, "denied"},
		{"deny beside allow", denyLoopToo, "127.0.0.2", true, ""},
		{"mapped allow prefix", mappedPrefixes, "127.0.0.5", true, ""},
		{"mapped deny prefix", mappedPrefixes, "192.168.1.7", false, "denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.guard.Check(netip.MustParseAddr(tt.ip))
			if tt.ok {
				if err != nil {
					t.Errorf("Check(%s) = %v, want allowed", tt.ip, err)
				}
				return
			}
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("Check(%s) = %v, want a *Error", tt.ip, err)
			}
			if ge.Reason != tt.reason {
				t.Errorf("Check(%s) reason %q, want %q", tt.ip, ge.Reason, tt.reason)
			}
		})
	}
	if err := defaults.Check(netip.Addr{}); err == nil {
		t.Error("the zero address is allowed")
	}
	err := allowNAT64.Check(netip.MustParseAddr("64:ff9b::7f00:1"))
	var ge *Error
	if !errors.As(err, &ge) || ge.Embedded != netip.MustParseAddr("127.0.0.1") ||
		err.Error() != "outbound guard refuses 64:ff9b::7f00:1 (embeds 127.0.0.1) (NAT64 to loopback; SWITCHBOARD_OUTBOUND_ALLOW can allow it)" {
		t.Errorf("embedded refusal: %v", err)
	}
}

func TestParseCIDRList(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"  ", nil, false},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, false},
		{"10.0.0.0/8,192.168.0.0/16", []string{"10.0.0.0/8", "192.168.0.0/16"}, false},
		{" 10.0.0.0/8 , fc00::/7\n127.0.0.1 ", []string{"10.0.0.0/8", "fc00::/7", "127.0.0.1/32"}, false},
		{"::1", []string{"::1/128"}, false},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}, false}, // masked
		{",,10.0.0.0/8,,", []string{"10.0.0.0/8"}, false},
		{"10.0.0.0/33", nil, true},
		{"example.com", nil, true},
		{"10.0.0.0/8;192.168.0.0/16", nil, true},
		{"fe80::1%eth0", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCIDRList(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].String() != tt.want[i] {
					t.Errorf("[%d] = %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestStrictGuard(t *testing.T) {
	strict := NewStrict(nil, nil)
	for _, tc := range []struct {
		ip      string
		refused bool
	}{
		{"127.0.0.1", true}, {"10.1.2.3", true}, {"172.20.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.64.0.1", true}, {"::1", true}, {"fd12::1", true},
		{"::ffff:10.0.0.1", true}, {"64:ff9b::a00:1", true}, {"fe80::1", true}, {"240.0.0.1", true},
		{"93.184.216.34", false}, {"2606:4700::1111", false}, {"1.1.1.1", false},
	} {
		err := strict.Check(netip.MustParseAddr(tc.ip))
		if (err != nil) != tc.refused {
			t.Errorf("strict %s: refused=%v, want %v (%v)", tc.ip, err != nil, tc.refused, err)
		}
	}
	if err := strict.Check(netip.MustParseAddr("10.1.2.3")); err == nil || strings.Contains(err.Error(), "SWITCHBOARD_OUTBOUND_ALLOW") {
		t.Fatalf("a strict refusal points at a setting that cannot widen it: %v", err)
	}
	// The default guard still allows private ranges (operator endpoints).
	if err := New(nil, nil).Check(netip.MustParseAddr("10.1.2.3")); err != nil {
		t.Fatalf("default guard refuses a private address: %v", err)
	}
	// An explicit allow (tests) admits loopback; a deny still wins.
	allowLoop := NewStrict([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")})
	if err := allowLoop.Check(netip.MustParseAddr("127.0.0.1")); err != nil {
		t.Fatalf("allowed loopback refused: %v", err)
	}
	if allowLoop.Check(netip.MustParseAddr("127.0.0.2")) == nil || allowLoop.Check(netip.MustParseAddr("10.0.0.1")) == nil {
		t.Fatal("deny or the strict ranges lost to the allow list")
	}
}

package server

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestIPExtractor(t *testing.T) {
	req := httptest.NewRequest("POST", "/auth/login", nil)
	req.RemoteAddr = "10.0.0.5:41000" // the reverse proxy
	req.Header.Set("X-Forwarded-For", "203.0.113.7")

	if got := ipExtractor(nil)(req); got != "10.0.0.5" {
		t.Fatalf("without trusted proxies the peer is the client, got %s", got)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}
	if got := ipExtractor(trusted)(req); got != "203.0.113.7" {
		t.Fatalf("behind a trusted proxy the forwarded address is the client, got %s", got)
	}
	other := []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")}
	if got := ipExtractor(other)(req); got != "10.0.0.5" {
		t.Fatalf("an untrusted peer's X-Forwarded-For must be ignored, got %s", got)
	}
}

package deliver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"
)

// Resolver resolves host names; *net.Resolver implements it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// dialError is a failure before an HTTP connection existed, already classified and worded for
// users. The transport returns it from RoundTrip unchanged.
type dialError struct {
	class string
	msg   string
}

func (e *dialError) Error() string { return e.msg }

// attemptKey carries the attempt's deadline to the dialer. The transport detaches dials from the
// request's context (a dial may outlive the request to fill the pool), which drops its deadline
// but keeps its values.
type attemptKey struct{}

func withAttemptDeadline(ctx context.Context, deadline time.Time) context.Context {
	return context.WithValue(ctx, attemptKey{}, deadline)
}

func attemptDeadline(ctx context.Context) time.Time {
	if d, ok := ctx.Value(attemptKey{}).(time.Time); ok {
		return d
	}
	return time.Now().Add(DefaultTimeout) // not reached through Send
}

// maxListed bounds how many addresses an error message lists.
const maxListed = 6

// dial connects to one of the addresses of addr's host (see the package documentation: guard,
// fail-over, per-address budget) and, for https, completes the TLS handshake with the host name.
func (s *Sender) dial(ctx context.Context, addr string, useTLS bool) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &dialError{ClassInvalidRequest, "invalid address"}
	}
	deadline := attemptDeadline(ctx)
	ips, err := s.resolve(ctx, host, deadline)
	if err != nil {
		return nil, err
	}
	var allowed []netip.Addr
	var problems []string
	for _, ip := range ips {
		if err := s.guard.Check(ip); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		allowed = append(allowed, ip)
	}
	if len(allowed) == 0 {
		return nil, &dialError{ClassRefusedByGuard, joinProblems("every address of the host is refused", problems)}
	}
	class := ClassConnect
	sawTLS := false
	for i, ip := range allowed {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			class = ClassTimeout
			break
		}
		budget := remaining / time.Duration(len(allowed)-i)
		conn, cls, msg := s.dialOne(ctx, host, ip, port, time.Now().Add(budget), deadline, useTLS)
		if conn != nil {
			return conn, nil
		}
		problems = append(problems, msg)
		if cls == ClassTLS {
			sawTLS = true
		}
		class = cls
	}
	switch {
	case !time.Now().Before(deadline):
		class = ClassTimeout
	case sawTLS:
		class = ClassTLS
	default:
		class = ClassConnect
	}
	lead := "could not connect"
	if len(allowed) > 1 {
		lead = "could not connect to any address"
	}
	return nil, &dialError{class, joinProblems(lead, problems)}
}

// dialOne connects to one address within its budget (never past the attempt's deadline).
func (s *Sender) dialOne(ctx context.Context, host string, ip netip.Addr, port string, budgetEnd, deadline time.Time, useTLS bool) (net.Conn, string, string) {
	end := budgetEnd
	if deadline.Before(end) {
		end = deadline
	}
	dctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	target := net.JoinHostPort(ip.String(), port)
	d := net.Dialer{KeepAlive: 30 * time.Second}
	start := time.Now()
	conn, err := d.DialContext(dctx, "tcp", target)
	if err != nil {
		if dctx.Err() != nil {
			cls := ClassConnect
			if !time.Now().Before(deadline) {
				cls = ClassTimeout
			}
			return nil, cls, fmt.Sprintf("%s: connect timed out after %s", target, roundDuration(end.Sub(start)))
		}
		return nil, ClassConnect, target + ": " + netReason(err)
	}
	if !useTLS {
		return conn, "", ""
	}
	cfg := s.tlsConfig.Clone()
	cfg.ServerName = host // SNI and verification use the name in the URL, never the dialled IP
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(dctx); err != nil {
		conn.Close()
		if dctx.Err() != nil {
			cls := ClassTLS
			if !time.Now().Before(deadline) {
				cls = ClassTimeout
			}
			return nil, cls, target + ": TLS handshake timed out"
		}
		return nil, ClassTLS, target + ": TLS handshake failed: " + tlsReason(err)
	}
	return tc, "", ""
}

// resolve returns the host's addresses (an IP literal as itself), unmapped and without duplicates.
func (s *Sender) resolve(ctx context.Context, host string, deadline time.Time) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	rctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	addrs, err := s.resolver.LookupIPAddr(rctx, host)
	if err != nil {
		if rctx.Err() != nil {
			return nil, &dialError{ClassTimeout, "name resolution timed out"}
		}
		reason := err.Error()
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			reason = dnsErr.Err
			if dnsErr.IsNotFound {
				reason = "no such host"
			}
		}
		return nil, &dialError{ClassDNS, "could not resolve the host name: " + reason}
	}
	seen := make(map[netip.Addr]bool, len(addrs))
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			continue
		}
		ip = ip.Unmap().WithZone(a.Zone)
		if !seen[ip] {
			seen[ip] = true
			out = append(out, ip)
		}
	}
	if len(out) == 0 {
		return nil, &dialError{ClassDNS, "the host name has no addresses"}
	}
	return out, nil
}

func joinProblems(lead string, problems []string) string {
	if len(problems) > maxListed {
		problems = append(problems[:maxListed:maxListed], fmt.Sprintf("and %d more", len(problems)-maxListed))
	}
	if len(problems) == 0 {
		return lead
	}
	return lead + ": " + strings.Join(problems, "; ")
}

// netReason is the innermost system error ("connection refused"), without the "dial tcp …" prefix.
func netReason(err error) string {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

func tlsReason(err error) string {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && cv.Err != nil {
		return cv.Err.Error()
	}
	return err.Error()
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

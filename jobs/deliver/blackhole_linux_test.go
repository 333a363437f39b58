package deliver

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// blackhole makes addr:port swallow connection attempts: a listener with a backlog of 0 that
// never accepts, filled up, so Linux drops further SYNs and the dialler waits until its deadline.
func blackhole(tb testing.TB, ip string, port int) {
	tb.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		tb.Skipf("socket: %v", err)
	}
	tb.Cleanup(func() { syscall.Close(fd) })
	a := netip.MustParseAddr(ip).As4()
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: a}); err != nil {
		tb.Skipf("bind %s:%d: %v", ip, port, err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		tb.Skipf("listen: %v", err)
	}
	target := net.JoinHostPort(ip, strconv.Itoa(port))
	for range 8 {
		c, err := net.DialTimeout("tcp", target, 200*time.Millisecond)
		if err != nil {
			return // the queue is full: connection attempts now hang
		}
		tb.Cleanup(func() { c.Close() })
	}
	tb.Skip("could not fill the accept queue: no black hole on this system")
}

func TestSend_HABlackHoledAddressGetsItsShare(t *testing.T) {
	// Two addresses and a 2 s timeout: the black-holed first address may use 1 s, the live second
	// one gets the rest, and the attempt succeeds.
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	port, _ := strconv.Atoi(portOf(t, srv.Listener.Addr().String()))
	blackhole(t, "127.0.0.2", port)
	s := MustSender(t, Config{Resolver: staticResolver{"ha.test": {"127.0.0.2", "127.0.0.1"}}})
	req := testRequest("http://ha.test:" + strconv.Itoa(port) + "/")
	req.Timeout = 2 * time.Second

	res := s.Send(context.Background(), req)

	if res.Outcome != Succeeded || res.RemoteAddr != "127.0.0.1:"+strconv.Itoa(port) || res.ErrorClass != "" {
		t.Fatalf("result = %+v", res)
	}
	if res.Duration < 900*time.Millisecond || res.Duration > 1800*time.Millisecond {
		t.Errorf("Duration = %v, want about 1 s (half the timeout spent on the black hole)", res.Duration)
	}
}

func TestSend_BlackHoleTimesOut(t *testing.T) {
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	port, _ := strconv.Atoi(portOf(t, srv.Listener.Addr().String()))
	blackhole(t, "127.0.0.2", port)
	req := testRequest("http://127.0.0.2:" + strconv.Itoa(port) + "/")
	req.Timeout = 300 * time.Millisecond

	res := MustSender(t, Config{}).Send(context.Background(), req)

	if res.Outcome != Retry || res.ErrorClass != ClassTimeout || res.RemoteAddr != "" {
		t.Fatalf("result = %+v", res)
	}
	if res.Duration > time.Second {
		t.Errorf("Duration = %v, want about 300ms", res.Duration)
	}
}

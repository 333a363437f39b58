package deliver

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"
)

var (
	testKey  = []byte("rKp8p0mA4mYgqJzXnNwQm4k7S1oH3cV6bZ2eT9uF5yL0dR8sW1aE3gI6jO9kP2qU")
	testBody = []byte(`{"eventName":"HostUp","eventId":"5c1b3f6e-2a4d-4c8e-9f10-1a2b3c4d5e6f"}`)
	testNow  = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
)

const testDeliveryID = "0b9a2f5e-6c1d-4e3f-8a7b-9c0d1e2f3a4b"

// staticResolver maps host names to addresses; unknown names are "no such host".
type staticResolver map[string][]string

func (r staticResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	addrs, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	out := make([]net.IPAddr, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

func mustPrefixes(tb testing.TB, s string) []netip.Prefix {
	tb.Helper()
	ps, err := ParseCIDRList(s)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// loopbackGuard allows loopback, as every test that talks to a local server must.
func loopbackGuard(tb testing.TB) *Guard {
	return NewGuard(mustPrefixes(tb, "127.0.0.0/8, ::1"), nil)
}

// MustSender returns a sender with a fixed clock and a loopback-allowing guard unless cfg says
// otherwise.
func MustSender(tb testing.TB, cfg Config) *Sender {
	tb.Helper()
	if cfg.Guard == nil {
		cfg.Guard = loopbackGuard(tb)
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	if cfg.Version == "" {
		cfg.Version = "1.2.3"
	}
	s, err := NewSender(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

func testRequest(url string) Request {
	return Request{DeliveryID: testDeliveryID, URL: url, Body: testBody, SigningKey: testKey, Timeout: 5 * time.Second}
}

// received is what a test server saw of one request.
type received struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// recorder is an http.Handler wrapper that keeps every request it serves.
type recorder struct {
	mu   sync.Mutex
	reqs []received
	next http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, received{r.Method, r.URL.Path, r.Header.Clone(), body})
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) all() []received {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]received(nil), rec.reqs...)
}

// rawServer is a TCP server for behaviour httptest cannot produce. handle gets the connection
// after the request was read; done is closed when the test ends.
type rawServer struct {
	ln   net.Listener
	done chan struct{}
	wg   sync.WaitGroup
}

func startRaw(tb testing.TB, handle func(c net.Conn, done <-chan struct{})) *rawServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &rawServer{ln: ln, done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				handle(c, s.done)
			}()
		}
	}()
	tb.Cleanup(func() {
		close(s.done)
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *rawServer) URL() string { return "http://" + s.ln.Addr().String() + "/hook" }

// closedPort returns a loopback port on which nothing listens.
func closedPort(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

func portOf(tb testing.TB, addr string) string {
	tb.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	return port
}

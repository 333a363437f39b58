package deliver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loopbackServer starts an httptest server listening on 127.0.0.1 only, so that the same port on
// 127.0.0.2 and 127.0.0.3 refuses connections.
func loopbackServer(tb testing.TB, h http.Handler) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	if host, _, _ := net.SplitHostPort(srv.Listener.Addr().String()); host != "127.0.0.1" {
		tb.Skipf("test server listens on %s, not 127.0.0.1", host)
	}
	return srv
}

func TestSend_HAFirstAddressDead(t *testing.T) {
	var hits atomic.Int64
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	port := portOf(t, srv.Listener.Addr().String())
	s := MustSender(t, Config{Resolver: staticResolver{"ha.test": {"127.0.0.2", "127.0.0.1"}}})

	res := s.Send(context.Background(), testRequest("http://ha.test:"+port+"/hook"))

	if res.Outcome != Succeeded || res.StatusCode != 200 {
		t.Fatalf("result = %+v", res)
	}
	if res.RemoteAddr != "127.0.0.1:"+port {
		t.Errorf("RemoteAddr = %q, want the live address 127.0.0.1:%s", res.RemoteAddr, port)
	}
	if res.ErrorClass != "" || res.ErrorMessage != "" {
		t.Errorf("error recorded although an address answered: %q %q", res.ErrorClass, res.ErrorMessage)
	}
	if hits.Load() != 1 {
		t.Errorf("server hit %d times, want 1", hits.Load())
	}
}

func TestSend_HAAllAddressesDead(t *testing.T) {
	port := closedPort(t)
	s := MustSender(t, Config{Resolver: staticResolver{"ha.test": {"127.0.0.2", "127.0.0.3", "127.0.0.1"}}})

	res := s.Send(context.Background(), testRequest("http://ha.test:"+port+"/hook"))

	if res.Outcome != Retry || res.ErrorClass != ClassConnect || res.StatusCode != 0 || res.RemoteAddr != "" {
		t.Fatalf("result = %+v", res)
	}
	for _, a := range []string{"127.0.0.2:" + port, "127.0.0.3:" + port, "127.0.0.1:" + port} {
		if !strings.Contains(res.ErrorMessage, a) {
			t.Errorf("ErrorMessage %q does not mention %s", res.ErrorMessage, a)
		}
	}
}

func TestSend_HARefusedAddressesAreSkipped(t *testing.T) {
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	port := portOf(t, srv.Listener.Addr().String())
	s := MustSender(t, Config{
		Guard:    NewGuard(mustPrefixes(t, "127.0.0.1/32"), nil),
		Resolver: staticResolver{"ha.test": {"169.254.169.254", "127.0.0.9", "127.0.0.1"}},
	})
	res := s.Send(context.Background(), testRequest("http://ha.test:"+port+"/"))
	if res.Outcome != Succeeded || res.RemoteAddr != "127.0.0.1:"+port || res.ErrorClass != "" {
		t.Fatalf("result = %+v", res)
	}
}

func TestSend_GuardRefusesEveryAddress(t *testing.T) {
	var hits atomic.Int64
	srv := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	port := portOf(t, srv.Listener.Addr().String())
	s := MustSender(t, Config{
		Guard:    NewGuard(nil, nil), // loopback refused, as in production
		Resolver: staticResolver{"localhost.test": {"127.0.0.1", "::1"}},
	})
	for _, u := range []string{"http://localhost.test:" + port + "/", srv.URL, "http://[::ffff:127.0.0.1]:" + port + "/"} {
		res := s.Send(context.Background(), testRequest(u))
		if res.Outcome != Failed || res.ErrorClass != ClassRefusedByGuard || res.RemoteAddr != "" {
			t.Errorf("%s: result = %+v", u, res)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("server hit %d times", hits.Load())
	}
}

func TestSend_DNSFailure(t *testing.T) {
	tests := []struct {
		name     string
		resolver Resolver
	}{
		{"NotFound", staticResolver{}},
		{"NoAddresses", staticResolver{"empty.test": {}}},
		{"ServerFailure", resolverFunc(func(context.Context, string) ([]net.IPAddr, error) {
			return nil, &net.DNSError{Err: "server misbehaving", Name: "empty.test", IsTemporary: true}
		})},
		{"OtherError", resolverFunc(func(context.Context, string) ([]net.IPAddr, error) {
			return nil, errors.New("resolver broke")
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := MustSender(t, Config{Resolver: tt.resolver}).Send(context.Background(), testRequest("http://empty.test/x"))
			if res.Outcome != Retry || res.ErrorClass != ClassDNS || res.ErrorMessage == "" {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestSend_SlowDNSCountsAgainstTheTimeout(t *testing.T) {
	slow := resolverFunc(func(ctx context.Context, _ string) ([]net.IPAddr, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	req := testRequest("http://slow.test/x")
	req.Timeout = 200 * time.Millisecond
	res := MustSender(t, Config{Resolver: slow}).Send(context.Background(), req)
	if res.Outcome != Retry || res.ErrorClass != ClassTimeout || res.Duration > time.Second {
		t.Errorf("result = %+v", res)
	}
}

type resolverFunc func(ctx context.Context, host string) ([]net.IPAddr, error)

func (f resolverFunc) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return f(ctx, host)
}

// tlsServer is an httptest TLS server (certificate for 127.0.0.1, ::1 and example.com) recording
// the SNI names it was asked for.
type tlsServer struct {
	*httptest.Server
	mu  sync.Mutex
	sni []string
}

func startTLS(tb testing.TB) *tlsServer {
	tb.Helper()
	ts := &tlsServer{}
	ts.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	ts.TLS = &tls.Config{GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		ts.mu.Lock()
		ts.sni = append(ts.sni, hello.ServerName)
		ts.mu.Unlock()
		return nil, nil
	}}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are what some tests want
	ts.StartTLS()
	tb.Cleanup(ts.Close)
	return ts
}

func (ts *tlsServer) names() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]string(nil), ts.sni...)
}

func (ts *tlsServer) roots() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return &tls.Config{RootCAs: pool}
}

func TestSend_TLSUsesTheHostName(t *testing.T) {
	ts := startTLS(t)
	port := portOf(t, ts.Listener.Addr().String())
	s := MustSender(t, Config{
		TLSConfig: ts.roots(),
		Resolver:  staticResolver{"example.com": {"127.0.0.1"}, "wrong.test": {"127.0.0.1"}},
	})

	t.Run("OK", func(t *testing.T) {
		res := s.Send(context.Background(), testRequest("https://example.com:"+port+"/hook"))
		if res.Outcome != Succeeded || res.RemoteAddr != ts.Listener.Addr().String() {
			t.Fatalf("result = %+v", res)
		}
		if names := ts.names(); len(names) == 0 || names[len(names)-1] != "example.com" {
			t.Errorf("SNI = %v, want example.com", names)
		}
	})
	t.Run("ErrNameNotInCertificate", func(t *testing.T) {
		// The certificate is valid for 127.0.0.1, the address dialled, but not for the name.
		res := s.Send(context.Background(), testRequest("https://wrong.test:"+port+"/hook"))
		if res.Outcome != Retry || res.ErrorClass != ClassTLS {
			t.Fatalf("result = %+v", res)
		}
		if !strings.Contains(res.ErrorMessage, "wrong.test") {
			t.Errorf("ErrorMessage = %q", res.ErrorMessage)
		}
		if names := ts.names(); names[len(names)-1] != "wrong.test" {
			t.Errorf("SNI = %v, want wrong.test", names)
		}
	})
	t.Run("IPLiteral", func(t *testing.T) {
		res := s.Send(context.Background(), testRequest(ts.URL+"/hook"))
		if res.Outcome != Succeeded {
			t.Fatalf("result = %+v", res)
		}
	})
	t.Run("ErrUnknownAuthority", func(t *testing.T) {
		res := MustSender(t, Config{}).Send(context.Background(), testRequest(ts.URL+"/hook"))
		if res.Outcome != Retry || res.ErrorClass != ClassTLS {
			t.Fatalf("result = %+v", res)
		}
	})
	t.Run("ErrPlainHTTPServer", func(t *testing.T) {
		plain := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		res := s.Send(context.Background(), testRequest("https://"+plain.Listener.Addr().String()+"/"))
		if res.Outcome != Retry || res.ErrorClass != ClassTLS {
			t.Fatalf("result = %+v", res)
		}
	})
}

func TestSend_HATLSFailureMovesOn(t *testing.T) {
	// 127.0.0.2 answers TLS with an untrusted certificate; 127.0.0.1, same port, is the real
	// server. A TLS failure on one address moves on to the next like a connection failure.
	good := startTLS(t)
	port := portOf(t, good.Listener.Addr().String())
	ln, err := net.Listen("tcp", "127.0.0.2:"+port)
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2:%s: %v", port, err)
	}
	var badHits atomic.Int64
	bad := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { badHits.Add(1) }),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "example.com")}},
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	go bad.ServeTLS(ln, "", "")
	defer bad.Close()
	s := MustSender(t, Config{
		TLSConfig: good.roots(),
		Resolver:  staticResolver{"example.com": {"127.0.0.2", "127.0.0.1"}},
	})

	res := s.Send(context.Background(), testRequest("https://example.com:"+port+"/hook"))

	if res.Outcome != Succeeded || res.RemoteAddr != "127.0.0.1:"+port || res.ErrorClass != "" {
		t.Fatalf("result = %+v", res)
	}
	if badHits.Load() != 0 {
		t.Errorf("the untrusted server got %d requests", badHits.Load())
	}
}

// selfSigned returns a fresh self-signed certificate for name.
func selfSigned(tb testing.TB, name string) tls.Certificate {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

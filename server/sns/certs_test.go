package sns_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

const fixtureCert = "certs/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem"

// certServer is a local HTTPS server whose answers the test sets per path and whose hits it
// counts per path.
type certServer struct {
	*httptest.Server
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	hits     map[string]*atomic.Int64
}

func newCertServer(tb testing.TB) *certServer {
	tb.Helper()
	s := &certServer{handlers: map[string]http.HandlerFunc{}, hits: map[string]*atomic.Int64{}}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h, ok := s.handlers[r.URL.Path]
		n := s.hits[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		n.Add(1)
		h(w, r)
	}))
	tb.Cleanup(s.Close)
	return s
}

// handle registers h for the certificate name and returns its URL.
func (s *certServer) handle(name string, h http.HandlerFunc) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers["/"+name] = h
	s.hits["/"+name] = new(atomic.Int64)
	return s.URL + "/" + name
}

func (s *certServer) hitCount(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits["/"+name].Load()
}

// gate returns a channel handlers can block on and a function that opens it. The test's cleanup
// opens it too, so a failing test never leaves a handler blocking the server's Close.
func gate(tb testing.TB) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(ch) }) }
	tb.Cleanup(open)
	return ch, open
}

func serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(b) }
}

func serveStatus(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}

func (s *certServer) fetcher(cfg sns.CertFetcherConfig) *sns.CertFetcher {
	cfg.Client = s.Client()
	return sns.NewCertFetcher(cfg)
}

func TestCertFetcher(t *testing.T) {
	pemBytes := MustReadFile(t, fixtureCert)

	t.Run("OKAndCached", func(t *testing.T) {
		s := newCertServer(t)
		url := s.handle("SimpleNotificationService-a1.pem", serveBytes(pemBytes))
		f := s.fetcher(sns.CertFetcherConfig{})
		for i := 0; i < 3; i++ {
			cert, err := f.Certificate(bg, url)
			if err != nil {
				t.Fatal(err)
			}
			if cert.Subject.CommonName != "sns.amazonaws.com" {
				t.Fatalf("CN = %q", cert.Subject.CommonName)
			}
		}
		if n := s.hitCount("SimpleNotificationService-a1.pem"); n != 1 {
			t.Fatalf("fetched %d times, want 1", n)
		}
	})

	t.Run("ConcurrentFirstRequestsFetchOnce", func(t *testing.T) {
		s := newCertServer(t)
		wait, release := gate(t)
		url := s.handle("SimpleNotificationService-a2.pem", func(w http.ResponseWriter, r *http.Request) {
			<-wait
			_, _ = w.Write(pemBytes)
		})
		f := s.fetcher(sns.CertFetcherConfig{})

		const n = 32
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.Certificate(bg, url)
				errs <- err
			}()
		}
		waitFor(t, func() bool { return s.hitCount("SimpleNotificationService-a2.pem") >= 1 })
		time.Sleep(50 * time.Millisecond) // let the other callers line up behind the fetch
		release()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := s.hitCount("SimpleNotificationService-a2.pem"); got != 1 {
			t.Fatalf("fetched %d times, want 1", got)
		}
	})

	t.Run("CancelledWaiterDoesNotFailOthers", func(t *testing.T) {
		s := newCertServer(t)
		wait, release := gate(t)
		url := s.handle("SimpleNotificationService-a3.pem", func(w http.ResponseWriter, r *http.Request) {
			<-wait
			_, _ = w.Write(pemBytes)
		})
		f := s.fetcher(sns.CertFetcherConfig{})

		ctx, cancel := context.WithCancel(bg)
		first := make(chan error, 1)
		go func() { _, err := f.Certificate(ctx, url); first <- err }()
		waitFor(t, func() bool { return s.hitCount("SimpleNotificationService-a3.pem") == 1 })
		second := make(chan error, 1)
		go func() { _, err := f.Certificate(bg, url); second <- err }()

		cancel()
		AssertReason(t, <-first, sns.CodeCertUnavailable)
		release()
		if err := <-second; err != nil {
			t.Fatalf("second caller failed with the first one's cancellation: %v", err)
		}
	})

	t.Run("LRU", func(t *testing.T) {
		s := newCertServer(t)
		url := map[string]string{}
		for _, k := range []string{"a", "b", "c"} {
			url[k] = s.handle("SimpleNotificationService-"+k+".pem", serveBytes(pemBytes))
		}
		f := s.fetcher(sns.CertFetcherConfig{CacheSize: 2})
		// a is used again before c arrives, so b is the least recently used and goes.
		for _, k := range []string{"a", "b", "a", "c", "a", "b"} {
			if _, err := f.Certificate(bg, url[k]); err != nil {
				t.Fatal(err)
			}
		}
		for k, want := range map[string]int64{"a": 1, "b": 2, "c": 1} {
			if got := s.hitCount("SimpleNotificationService-" + k + ".pem"); got != want {
				t.Errorf("%s fetched %d times, want %d", k, got, want)
			}
		}
	})

	t.Run("ErrRedirectNotFollowed", func(t *testing.T) {
		s := newCertServer(t)
		s.handle("SimpleNotificationService-b0.pem", serveBytes(pemBytes))
		url := s.handle("SimpleNotificationService-b1.pem", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/SimpleNotificationService-b0.pem", http.StatusFound)
		})
		client := s.Client()
		f := sns.NewCertFetcher(sns.CertFetcherConfig{Client: client})
		_, err := f.Certificate(bg, url)
		AssertReason(t, err, sns.CodeBadCert)
		if n := s.hitCount("SimpleNotificationService-b0.pem"); n != 0 {
			t.Fatalf("redirect target fetched %d times", n)
		}
		if client.CheckRedirect != nil {
			t.Fatal("the injected client was modified")
		}
	})

	for _, tt := range []struct {
		name string
		body []byte
		cfg  sns.CertFetcherConfig
	}{
		{"ErrTooLarge", append(bytes.Clone(pemBytes), bytes.Repeat([]byte("\n"), sns.DefaultMaxCertBytes)...), sns.CertFetcherConfig{}},
		{"ErrLargerThanConfiguredCap", pemBytes, sns.CertFetcherConfig{MaxBytes: 512}},
		{"ErrTwoCertificates", append(bytes.Clone(pemBytes), pemBytes...), sns.CertFetcherConfig{}},
		{"ErrCertificateAndKey", append(bytes.Clone(pemBytes), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})...), sns.CertFetcherConfig{}},
		{"ErrNotCertificateBlock", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1}}), sns.CertFetcherConfig{}},
		{"ErrNotPEM", []byte("<html>hello</html>"), sns.CertFetcherConfig{}},
		{"ErrGarbageDER", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("nope")}), sns.CertFetcherConfig{}},
		{"ErrNotRSA", MustECDSACertPEM(t), sns.CertFetcherConfig{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newCertServer(t)
			url := s.handle("SimpleNotificationService-c1.pem", serveBytes(tt.body))
			_, err := s.fetcher(tt.cfg).Certificate(bg, url)
			AssertReason(t, err, sns.CodeBadCert)
		})
	}

	for _, tt := range []struct {
		status int
		want   sns.Code
	}{
		{http.StatusInternalServerError, sns.CodeCertUnavailable},
		{http.StatusServiceUnavailable, sns.CodeCertUnavailable},
		{http.StatusTooManyRequests, sns.CodeCertUnavailable},
		{http.StatusNotFound, sns.CodeBadCert},
		{http.StatusForbidden, sns.CodeBadCert},
		{http.StatusNoContent, sns.CodeBadCert},
	} {
		t.Run("Status"+http.StatusText(tt.status), func(t *testing.T) {
			s := newCertServer(t)
			url := s.handle("SimpleNotificationService-d1.pem", serveStatus(tt.status))
			f := s.fetcher(sns.CertFetcherConfig{})
			for i := 0; i < 2; i++ {
				_, err := f.Certificate(bg, url)
				AssertReason(t, err, tt.want)
			}
			if n := s.hitCount("SimpleNotificationService-d1.pem"); n != 2 {
				t.Fatalf("failures must not be cached: fetched %d times, want 2", n)
			}
		})
	}

	t.Run("ErrTimeout", func(t *testing.T) {
		s := newCertServer(t)
		// The handler holds until the test is over (cleanups run last-registered first, so
		// before the server closes): only the client's timeout can end this fetch. Returning
		// on the request's context could race into an empty 200 on a loaded machine.
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		url := s.handle("SimpleNotificationService-e1.pem", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		})
		start := time.Now()
		_, err := s.fetcher(sns.CertFetcherConfig{Timeout: 50 * time.Millisecond}).Certificate(bg, url)
		AssertReason(t, err, sns.CodeCertUnavailable)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %s despite a 50ms timeout", d)
		}
	})

	t.Run("ErrConnectionRefused", func(t *testing.T) {
		s := newCertServer(t)
		url := s.handle("SimpleNotificationService-e2.pem", serveBytes(pemBytes))
		f := s.fetcher(sns.CertFetcherConfig{})
		s.Close()
		_, err := f.Certificate(bg, url)
		AssertReason(t, err, sns.CodeCertUnavailable)
	})

	t.Run("ErrUntrustedTLS", func(t *testing.T) {
		s := newCertServer(t)
		url := s.handle("SimpleNotificationService-e3.pem", serveBytes(pemBytes))
		// The default client does not trust the test server's certificate.
		_, err := sns.NewCertFetcher(sns.CertFetcherConfig{}).Certificate(bg, url)
		AssertReason(t, err, sns.CodeCertUnavailable)
		if n := s.hitCount("SimpleNotificationService-e3.pem"); n != 0 {
			t.Fatalf("served over an untrusted connection %d times", n)
		}
	})
}

func TestCertFetcher_Pinned(t *testing.T) {
	pemBytes := MustReadFile(t, fixtureCert)

	t.Run("PinnedWinsOverNetwork", func(t *testing.T) {
		s := newCertServer(t)
		const name = "SimpleNotificationService-f1.pem"
		url := s.handle(name, serveBytes([]byte("not used")))
		dir := t.TempDir()
		MustWriteFile(t, filepath.Join(dir, name), pemBytes)
		if _, err := s.fetcher(sns.CertFetcherConfig{PinnedDir: dir}).Certificate(bg, url); err != nil {
			t.Fatal(err)
		}
		if n := s.hitCount(name); n != 0 {
			t.Fatalf("network used %d times for a pinned certificate", n)
		}
	})
	t.Run("NotPinnedFetched", func(t *testing.T) {
		s := newCertServer(t)
		const name = "SimpleNotificationService-f2.pem"
		url := s.handle(name, serveBytes(pemBytes))
		if _, err := s.fetcher(sns.CertFetcherConfig{PinnedDir: t.TempDir()}).Certificate(bg, url); err != nil {
			t.Fatal(err)
		}
		if n := s.hitCount(name); n != 1 {
			t.Fatalf("fetched %d times, want 1", n)
		}
	})
	t.Run("ErrNotPinnedNoFetch", func(t *testing.T) {
		f := sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: t.TempDir(), NoFetch: true})
		_, err := f.Certificate(bg, goodCertURL)
		AssertReason(t, err, sns.CodeCertUnavailable)
	})
	t.Run("ErrPinnedTwoCertificates", func(t *testing.T) {
		dir := t.TempDir()
		MustWriteFile(t, filepath.Join(dir, certName), append(bytes.Clone(pemBytes), pemBytes...))
		_, err := sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: dir, NoFetch: true}).Certificate(bg, goodCertURL)
		AssertReason(t, err, sns.CodeBadCert)
	})
	t.Run("ErrNotACertName", func(t *testing.T) {
		// Never let a URL choose an arbitrary file in the pinned directory.
		dir := t.TempDir()
		MustWriteFile(t, filepath.Join(dir, "secret.pem"), pemBytes)
		_, err := sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: dir, NoFetch: true}).Certificate(bg, "https://sns.us-east-1.amazonaws.com/secret.pem")
		AssertReason(t, err, sns.CodeBadCert)
	})
}

// TestCertFetcher_Emulator runs Verify against a fake SNS that serves its own certificate, the
// way a LocalStack-style emulator does.
func TestCertFetcher_Emulator(t *testing.T) {
	fake := MustFake(t, snstest.Options{ServeCert: true})
	fake.Start()
	const topic = "arn:aws:sns:us-east-1:000000000000:local"
	body, err := fake.SignNotification(topic, "", "hello", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m := MustParse(t, body)
	if !strings.HasPrefix(m.SigningCertURL, fake.URL()+"/SimpleNotificationService-") {
		t.Fatalf("SigningCertURL %q is not on the fake's origin", m.SigningCertURL)
	}
	certs := sns.NewCertFetcher(sns.CertFetcherConfig{Client: fake.Client()})

	ok := sns.NewVerifier(sns.VerifierConfig{Certs: certs, URLs: fake.URLOptions()})
	if err := ok.Verify(bg, m); err != nil {
		t.Fatal(err)
	}
	off := sns.NewVerifier(sns.VerifierConfig{Certs: certs})
	AssertReason(t, off.Verify(bg, m), sns.CodeBadCertURL)
}

func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func MustWriteFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// MustECDSACertPEM returns a self-signed certificate whose key is not RSA.
func MustECDSACertPEM(tb testing.TB) []byte {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sns.amazonaws.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

package sns

import (
	"container/list"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// CertSource provides SNS signing certificates. The Verifier declares it so tests and the
// benchmark tool can substitute their own.
type CertSource interface {
	// Certificate returns the certificate at certURL, which has already passed ValidateCertURL.
	//
	// Errors: an *Error with CodeCertUnavailable when it may work later, CodeBadCert when it
	// will not. Any other error is treated as CodeCertUnavailable.
	Certificate(ctx context.Context, certURL string) (*x509.Certificate, error)
}

// Defaults for CertFetcherConfig.
const (
	DefaultFetchTimeout  = 5 * time.Second
	DefaultMaxCertBytes  = 16 << 10
	DefaultCertCacheSize = 64
)

// CertFetcherConfig configures a CertFetcher. Zero values mean the defaults.
type CertFetcherConfig struct {
	// PinnedDir (SWITCHBOARD_SNS_CERT_DIR) is consulted before any fetch, by the URL's file
	// name. Air-gapped installs and tests put the certificates there.
	PinnedDir string

	// NoFetch refuses to go to the network for a certificate that is not pinned.
	NoFetch bool

	// Client fetches certificates. Its redirect policy is overridden: redirects are never
	// followed. Default: a client on a clone of http.DefaultTransport.
	Client *http.Client

	Timeout   time.Duration // per fetch; default DefaultFetchTimeout
	MaxBytes  int64         // largest PEM accepted; default DefaultMaxCertBytes
	CacheSize int           // certificates kept, by URL; default DefaultCertCacheSize
}

// CertFetcher is the default CertSource: pinned directory first, then HTTPS, with a bounded LRU
// cache by URL shared by all callers. Concurrent first requests for one URL share one fetch.
type CertFetcher struct {
	dir      string
	noFetch  bool
	client   *http.Client
	timeout  time.Duration
	maxBytes int64

	mu       sync.Mutex
	cache    *lru
	inflight map[string]*fetchCall
}

type fetchCall struct {
	done chan struct{}
	cert *x509.Certificate
	err  error
}

// NewCertFetcher returns a CertFetcher.
func NewCertFetcher(cfg CertFetcherConfig) *CertFetcher {
	f := &CertFetcher{
		dir:      cfg.PinnedDir,
		noFetch:  cfg.NoFetch,
		timeout:  cfg.Timeout,
		maxBytes: cfg.MaxBytes,
		inflight: make(map[string]*fetchCall),
	}
	if f.timeout <= 0 {
		f.timeout = DefaultFetchTimeout
	}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultMaxCertBytes
	}
	size := cfg.CacheSize
	if size <= 0 {
		size = DefaultCertCacheSize
	}
	f.cache = newLRU(size)

	var c http.Client
	if cfg.Client != nil {
		c = *cfg.Client // a copy, so the caller's client keeps its own redirect policy
	} else {
		c.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	// A redirect would let the certificate come from a host ValidateCertURL never saw.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	f.client = &c
	return f
}

// Certificate implements CertSource.
func (f *CertFetcher) Certificate(ctx context.Context, certURL string) (*x509.Certificate, error) {
	f.mu.Lock()
	if cert, ok := f.cache.get(certURL); ok {
		f.mu.Unlock()
		return cert, nil
	}
	call, ok := f.inflight[certURL]
	if !ok {
		call = &fetchCall{done: make(chan struct{})}
		f.inflight[certURL] = call
		// The load runs detached from the first caller's context: if that caller gives up,
		// the others waiting on the same URL must not fail with it. The timeout bounds it.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.timeout)
		go func() {
			defer cancel()
			cert, err := f.load(lctx, certURL)
			f.mu.Lock()
			delete(f.inflight, certURL)
			if err == nil {
				f.cache.add(certURL, cert)
			}
			f.mu.Unlock()
			call.cert, call.err = cert, err
			close(call.done)
		}()
	}
	f.mu.Unlock()

	select {
	case <-call.done:
		return call.cert, call.err
	case <-ctx.Done():
		return nil, wrapf(ctx.Err(), CodeCertUnavailable, "gave up waiting for the signing certificate")
	}
}

func (f *CertFetcher) load(ctx context.Context, certURL string) (*x509.Certificate, error) {
	base := certBasename(certURL)
	if base == "" {
		return nil, errorf(CodeBadCert, "SigningCertURL does not name an SNS certificate")
	}

	if f.dir != "" {
		path := filepath.Join(f.dir, base)
		data, err := readCapped(path, f.maxBytes)
		switch {
		case err == nil:
			cert, err := parseCertPEM(data)
			if err != nil {
				return nil, wrapf(err, CodeBadCert, "pinned certificate %s is unusable", base)
			}
			return cert, nil
		case errors.Is(err, fs.ErrNotExist):
			// Not pinned: fall through to the network.
		default:
			// An unreadable pinned file is an operator problem they can fix while SNS retries.
			return nil, wrapf(err, CodeCertUnavailable, "cannot read pinned certificate %s", base)
		}
	}

	if f.noFetch {
		return nil, errorf(CodeCertUnavailable, "certificate %s is not pinned and fetching is disabled", base)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, certURL, nil)
	if err != nil {
		return nil, wrapf(err, CodeBadCert, "cannot build the certificate request")
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, wrapf(err, CodeCertUnavailable, "fetching %s failed", base)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, errorf(CodeCertUnavailable, "fetching %s: HTTP %d", base, resp.StatusCode)
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return nil, errorf(CodeBadCert, "fetching %s: HTTP %d redirect not followed", base, resp.StatusCode)
	default:
		return nil, errorf(CodeBadCert, "fetching %s: HTTP %d", base, resp.StatusCode)
	}

	data, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, wrapf(err, CodeCertUnavailable, "reading %s failed", base)
	}
	if int64(len(data)) > f.maxBytes {
		return nil, errorf(CodeBadCert, "certificate %s is larger than %d bytes", base, f.maxBytes)
	}
	cert, err := parseCertPEM(data)
	if err != nil {
		return nil, wrapf(err, CodeBadCert, "certificate %s is unusable", base)
	}
	return cert, nil
}

func readCapped(path string, max int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}

// parseCertPEM accepts exactly one PEM block, a certificate with an RSA key. More than one
// block is refused rather than guessed at: SNS serves a single leaf certificate.
func parseCertPEM(data []byte) (*x509.Certificate, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if next, _ := pem.Decode(rest); next != nil {
		return nil, errors.New("more than one PEM block")
	}
	if block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("PEM block is %q, not CERTIFICATE", block.Type)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, err
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, errors.New("certificate key is not RSA")
	}
	return cert, nil
}

// lru is a fixed-size least-recently-used map; the caller holds the lock.
type lru struct {
	size  int
	order *list.List // front = most recent; values are *lruEntry
	items map[string]*list.Element
}

type lruEntry struct {
	key  string
	cert *x509.Certificate
}

func newLRU(size int) *lru {
	return &lru{size: size, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *lru) get(key string) (*x509.Certificate, bool) {
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).cert, true
}

func (c *lru) add(key string, cert *x509.Certificate) {
	if el, ok := c.items[key]; ok {
		el.Value.(*lruEntry).cert = cert
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, cert: cert})
	for c.order.Len() > c.size {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruEntry).key)
	}
}

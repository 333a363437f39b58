package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// Outcome is what one attempt means for the delivery.
type Outcome string

const (
	Succeeded Outcome = "succeeded" // 2xx (approvals: 200/201, the caller parses the decision)
	Retry     Outcome = "retry"     // try again later, while attempts remain
	Failed    Outcome = "failed"    // permanent: the receiver rejected it, or retrying cannot help
	Gone      Outcome = "gone"      // 410: the caller deactivates the endpoint
	Pending   Outcome = "pending"   // approvals: 102 or 202, the decision comes later
)

// Error classes of Result.ErrorClass. An attempt that got a final HTTP status has no class,
// except the redirect failures.
const (
	ClassTimeout          = "timeout"
	ClassDNS              = "dns"
	ClassConnect          = "connect"
	ClassTLS              = "tls"
	ClassRefusedByGuard   = "refused_by_guard"
	ClassRedirect         = "redirect"
	ClassTooManyRedirects = "too_many_redirects"
	ClassClosed           = "closed"   // connection closed or reset before a response
	ClassProtocol         = "protocol" // the answer was not valid HTTP
	ClassCanceled         = "canceled" // the caller's context ended (e.g. worker shutdown)
	ClassInvalidRequest   = "invalid_request"
)

const (
	// MaxResponseBody is how much of a response body is kept.
	MaxResponseBody = 4 << 10
	// DefaultMaxRedirects is Config.MaxRedirects when zero.
	DefaultMaxRedirects = 5
	// DefaultTimeout is Request.Timeout when zero (the webhook default of the schema).
	DefaultTimeout = 3 * time.Second
)

// Request is one delivery attempt.
type Request struct {
	DeliveryID string // X-Scalr-Webhook-Id and webhook-id, the same on every attempt
	URL        string
	Body       []byte // frozen bytes; every attempt and redirect hop sends exactly these
	SigningKey []byte // signs both signatures when Keys is empty
	// Keys sign the attempt during a key rotation (old and new keys); empty: SigningKey.
	Keys scalr.Keys
	// Headers are the endpoint's custom headers (credentials, often). They go to the endpoint
	// URL's origin only: a redirect to another scheme, host or port does not get them, like
	// the Authorization of a URL's user information. Results record their values redacted.
	Headers  http.Header
	Timeout  time.Duration // bounds the whole attempt; ≤ 0 means DefaultTimeout
	Approval bool          // approval request: 102 and 202 end the attempt as Pending
	// StandardOnly signs with the Standard Webhooks headers alone (webhook-id,
	// webhook-timestamp, webhook-signature keyed with StandardKey(SigningKey)), without Scalr's
	// X-Signature and X-Scalr-Webhook-Id: status page subscribers are not Scalr handlers.
	StandardOnly bool
}

// Result describes one attempt; after redirects, the response fields describe the last hop. It
// never contains the signing key; RequestHeaders contain the signatures (not secrets), a
// redacted Authorization when the URL carried credentials, and custom headers with redacted
// values.
type Result struct {
	Outcome         Outcome
	StatusCode      int    // 0 when no response
	RemoteAddr      string // ip:port that answered; "" when no connection was made
	URL             string // final URL after redirects, password redacted
	RequestHeaders  http.Header
	ResponseHeaders http.Header // for a 102, the informational response's headers
	ResponseBody    []byte      // at most MaxResponseBody bytes
	Truncated       bool        // the body was longer than MaxResponseBody
	Duration        time.Duration
	RetryAfter      time.Duration // from Retry-After on 429/503, at most MaxRetryAfter
	ErrorClass      string        // one of the Class constants, "" when a status decided
	ErrorMessage    string        // user-safe
	Redirects       int           // redirects followed
}

// Config configures a Sender. Every field is optional.
type Config struct {
	Version      string           // User-Agent Switchboard/<Version>; "" sends "dev"
	Resolver     Resolver         // nil: net.DefaultResolver
	Guard        *Guard           // nil: the default guard (no allow or deny list)
	Now          func() time.Time // clock of the Date header and of Retry-After dates; nil: time.Now
	MaxRedirects int              // 0: DefaultMaxRedirects; negative: follow none
	// TLSConfig is the base client TLS configuration (tests pass RootCAs). ServerName and
	// NextProtos are always set per connection.
	TLSConfig *tls.Config
}

// Sender sends delivery attempts. It keeps a pool of keep-alive connections per scheme and
// host:port; use one Sender per process and Close it at shutdown. Safe for concurrent use.
type Sender struct {
	version      string
	resolver     Resolver
	guard        *Guard
	now          func() time.Time
	maxRedirects int
	tlsConfig    *tls.Config
	transport    *http.Transport
}

// NewSender returns a Sender. It fails only on a Version that cannot go in a header.
func NewSender(cfg Config) (*Sender, error) {
	for _, r := range cfg.Version {
		if r <= ' ' || r >= 0x7f {
			return nil, fmt.Errorf("deliver: version %q must be printable ASCII without spaces", cfg.Version)
		}
	}
	s := &Sender{
		version:      cfg.Version,
		resolver:     cfg.Resolver,
		guard:        cfg.Guard,
		now:          cfg.Now,
		maxRedirects: cfg.MaxRedirects,
	}
	if s.resolver == nil {
		s.resolver = net.DefaultResolver
	}
	if s.guard == nil {
		s.guard = NewGuard(nil, nil)
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case s.maxRedirects == 0:
		s.maxRedirects = DefaultMaxRedirects
	case s.maxRedirects < 0:
		s.maxRedirects = 0
	}
	if cfg.TLSConfig != nil {
		s.tlsConfig = cfg.TLSConfig.Clone()
	} else {
		s.tlsConfig = &tls.Config{}
	}
	s.tlsConfig.NextProtos = []string{"http/1.1"}
	if s.tlsConfig.ClientSessionCache == nil {
		s.tlsConfig.ClientSessionCache = tls.NewLRUClientSessionCache(256)
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	s.transport = &http.Transport{
		Proxy: nil, // the guard must see the real destination
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return s.dial(ctx, addr, false)
		},
		DialTLSContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return s.dial(ctx, addr, true)
		},
		Protocols:              protocols,
		DisableCompression:     true, // RequestHeaders are what was sent; bodies are stored as received
		MaxIdleConns:           512,
		MaxIdleConnsPerHost:    32,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return s, nil
}

// Guard is the outbound guard the sender dials through.
func (s *Sender) Guard() *Guard { return s.guard }

// Close closes idle pooled connections. Attempts in flight are not interrupted.
func (s *Sender) Close() { s.transport.CloseIdleConnections() }

// errPending aborts an approval request at its 102 Processing.
var errPending = errors.New("deliver: 102 Processing")

// Send makes one attempt: a POST of r.Body signed with fresh headers (scalr.Headers), following
// redirects, within r.Timeout. It never returns an error: everything is in the Result.
func (s *Sender) Send(ctx context.Context, r Request) (res Result) {
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()

	u, err := parseTarget(r.URL)
	if err != nil {
		res.URL = redactedURL(r.URL)
		return failed(res, Failed, ClassInvalidRequest, err.Error())
	}
	origin := *u
	auth := ""
	if u.User != nil {
		pass, _ := u.User.Password()
		auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pass))
	}
	res.URL = u.Redacted()

	keys := r.Keys
	if len(keys.Standard) == 0 || keys.Scalr == nil {
		keys = scalr.SingleKey(r.SigningKey)
	}
	hdr := scalr.HeadersWithKeys(r.DeliveryID, keys, r.Body, s.now(), s.version)
	if r.StandardOnly {
		hdr.Del(scalr.HeaderSignature)
		hdr.Del(scalr.HeaderScalrWebhookID)
	}
	res.RequestHeaders = hdr.Clone()
	if auth != "" {
		res.RequestHeaders.Set("Authorization", "Basic [redacted]")
	}
	for name, values := range r.Headers {
		if hdr.Get(name) != "" {
			continue // never replace a header Switchboard sets (models refuses such names)
		}
		for range values {
			res.RequestHeaders.Add(name, RedactedHeaderValue)
		}
	}

	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	deadline, _ := actx.Deadline()
	actx = withAttemptDeadline(actx, deadline)

	for {
		// The result describes the last hop; earlier hops show only in Redirects.
		res.URL, res.RemoteAddr, res.StatusCode = u.Redacted(), "", 0
		res.ResponseHeaders, res.ResponseBody, res.Truncated = nil, nil, false
		hopAuth := ""
		hopHdr := hdr
		if u.Scheme == origin.Scheme && strings.EqualFold(u.Host, origin.Host) {
			hopAuth = auth
			if len(r.Headers) > 0 {
				hopHdr = withCustom(hdr, r.Headers)
			}
		}
		h := s.roundTrip(actx, u, hopHdr, hopAuth, r.Body, r.Approval)
		res.RemoteAddr = h.remote
		if h.pending {
			res.Outcome = Pending
			res.StatusCode = http.StatusProcessing
			res.ResponseHeaders = h.header1xx
			return res
		}
		if h.err != nil {
			class, msg := classify(h.err, ctx, actx, timeout, h.remote != "")
			outcome := Retry
			if class == ClassRefusedByGuard || class == ClassInvalidRequest {
				outcome = Failed
			}
			return failed(res, outcome, class, msg)
		}
		resp := h.resp
		res.StatusCode = resp.StatusCode
		res.ResponseHeaders = resp.Header
		if resp.StatusCode == http.StatusSwitchingProtocols {
			resp.Body.Close() // its body is the raw connection: never read it
			return failed(res, Failed, ClassProtocol, "unexpected 101 Switching Protocols")
		}
		res.ResponseBody, res.Truncated = readCapped(resp.Body)

		if resp.StatusCode < 300 || resp.StatusCode > 399 {
			res.Outcome = outcomeFor(resp.StatusCode, r.Approval)
			if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
				if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), s.now()); ok {
					res.RetryAfter = min(d, MaxRetryAfter)
				}
			}
			return res
		}

		loc := resp.Header.Get("Location")
		if loc == "" {
			return failed(res, Failed, ClassRedirect, fmt.Sprintf("redirect %d without a Location", resp.StatusCode))
		}
		next, err := u.Parse(loc)
		if err != nil {
			return failed(res, Failed, ClassRedirect, fmt.Sprintf("redirect %d to an invalid Location", resp.StatusCode))
		}
		next.Fragment, next.RawFragment = "", ""
		next.User = nil // credentials come only from the endpoint URL
		if next.Scheme != "http" && next.Scheme != "https" || next.Host == "" {
			return failed(res, Failed, ClassRedirect, fmt.Sprintf("redirect %d to a URL that is not http(s)", resp.StatusCode))
		}
		if u.Scheme == "https" && next.Scheme == "http" {
			return failed(res, Failed, ClassRedirect, fmt.Sprintf("redirect %d from https to http refused: the payload would travel unencrypted", resp.StatusCode))
		}
		if res.Redirects >= s.maxRedirects {
			return failed(res, Failed, ClassTooManyRedirects, fmt.Sprintf("more than %d redirects", s.maxRedirects))
		}
		res.Redirects++
		u = next
	}
}

// RedactedHeaderValue replaces custom header values in Result.RequestHeaders.
const RedactedHeaderValue = "[redacted]"

// withCustom returns hdr plus the custom headers, never replacing one of hdr's.
func withCustom(hdr, custom http.Header) http.Header {
	out := hdr.Clone()
	for name, values := range custom {
		if hdr.Get(name) != "" {
			continue
		}
		for _, v := range values {
			out.Add(name, v)
		}
	}
	return out
}

func failed(res Result, o Outcome, class, msg string) Result {
	res.Outcome, res.ErrorClass, res.ErrorMessage = o, class, msg
	return res
}

// outcomeFor maps a final, non-redirect status.
func outcomeFor(status int, approval bool) Outcome {
	switch {
	case status == http.StatusGone:
		return Gone
	case approval && (status == http.StatusAccepted || status == http.StatusProcessing):
		return Pending
	case status >= 200 && status <= 299:
		return Succeeded
	case status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return Retry
	default: // other 4xx
		return Failed
	}
}

type hopResult struct {
	resp      *http.Response
	err       error
	remote    string
	pending   bool
	header1xx http.Header
}

// roundTrip sends one hop. The trace records the connection's remote address and, for approvals,
// stops at a 102 Processing (the transport closes that connection, whether the server would have
// kept it open or not).
func (s *Sender) roundTrip(ctx context.Context, u *url.URL, hdr http.Header, auth string, body []byte, approval bool) hopResult {
	var (
		mu  sync.Mutex
		out hopResult
	)
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			mu.Lock()
			defer mu.Unlock()
			out.remote = info.Conn.RemoteAddr().String()
		},
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			if !approval || code != http.StatusProcessing {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			out.pending = true
			out.header1xx = http.Header(h).Clone()
			return errPending
		},
	}
	target := *u
	target.User = nil
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, target.String(), bytes.NewReader(body))
	if err != nil {
		return hopResult{err: &dialError{ClassInvalidRequest, "invalid request URL"}}
	}
	req.Header = hdr.Clone()
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := s.transport.RoundTrip(req)
	mu.Lock()
	defer mu.Unlock()
	if out.pending {
		if resp != nil {
			resp.Body.Close()
		}
		out.err = nil
		return out
	}
	out.resp, out.err = resp, err
	return out
}

// classify words a transport error. parent is the caller's context, actx the attempt's.
func classify(err error, parent, actx context.Context, timeout time.Duration, connected bool) (class, msg string) {
	var de *dialError
	switch {
	case parent.Err() != nil:
		return ClassCanceled, "the attempt was canceled before it finished"
	case errors.As(err, &de):
		return de.class, de.msg
	case errors.Is(err, errPending):
		return ClassProtocol, "unexpected 102 Processing" // not reached: roundTrip reports pending
	case actx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		if connected {
			return ClassTimeout, fmt.Sprintf("no response within the timeout (%s)", timeout)
		}
		return ClassTimeout, fmt.Sprintf("could not connect within the timeout (%s)", timeout)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return ClassClosed, "the server closed the connection without a complete response"
	default:
		return ClassProtocol, "invalid HTTP response: " + clip(err.Error(), 200)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// readCapped reads at most MaxResponseBody bytes and closes the body. A body that fits is read to
// its end, so the connection goes back to the pool.
func readCapped(body io.ReadCloser) ([]byte, bool) {
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, MaxResponseBody+1))
	if len(b) > MaxResponseBody {
		return b[:MaxResponseBody], true
	}
	return b, false
}

// parseTarget accepts absolute http(s) URLs with a host.
func parseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("the endpoint URL is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("the endpoint URL must be http or https")
	}
	if u.Hostname() == "" {
		return nil, errors.New("the endpoint URL has no host")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// redactedURL redacts a URL's password when it parses; otherwise it records nothing, since an
// unparsable URL could hide a secret anywhere.
func redactedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return ""
}

// Package snstest is a fake Amazon SNS for tests and the benchmark tool. It signs messages with
// SignatureVersion 2 using a certificate it makes at start, and can serve the confirmation
// endpoint a SubscribeURL points to.
//
// # How the fake is trusted
//
// Signing certificate: New writes it to Options.CertDir as
// SimpleNotificationService-<32 hex>.pem, and messages carry the realistic SigningCertURL
// https://sns.<region of the topic>.amazonaws.com/<that name>. Point the verifier's pinned
// directory (SWITCHBOARD_SNS_CERT_DIR, sns.CertFetcherConfig.PinnedDir) at CertDir and the
// URL passes the production rules unchanged; nothing is fetched.
//
// Confirmation endpoint: a real SubscribeURL must be on sns.<region>.amazonaws.com, which a test
// cannot serve. After Start, confirmation messages carry a SubscribeURL on the fake's own
// HTTPS origin instead, and the code under test must trust that origin as the emulator endpoint
// (SWITCHBOARD_SNS_ENDPOINT = Fake.URL(), sns.URLOptions{EmulatorOrigin: Fake.URL()}) and
// fetch with Fake.Client(), which trusts the fake's TLS certificate. Before Start, SubscribeURL
// uses the realistic AWS host: it validates but cannot be fetched.
//
// With Options.ServeCert the SigningCertURL also points at the fake's origin, for tests of the
// certificate fetcher through the emulator path.
package snstest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
)

// Options configures a Fake.
type Options struct {
	// CertDir receives the signing certificate PEM. Required; tests pass t.TempDir().
	CertDir string

	// Validity of the signing certificate. Default: 30 days ago to one year ahead, wide enough
	// for tests that sign stale or future messages.
	NotBefore, NotAfter time.Time

	// ServeCert makes SigningCertURL point at the fake's origin (after Start) rather than at
	// the realistic AWS URL resolved through the pinned directory.
	ServeCert bool
}

// Confirmation records one GET of a SubscribeURL.
type Confirmation struct {
	Action          string
	TopicARN        string
	Token           string
	SubscriptionARN string // "" when the fake refused the call
	Status          int
	At              time.Time
}

// Fake is a fake SNS. It is safe for concurrent use.
type Fake struct {
	// CertDir and CertName locate the signing certificate file; Cert is its parsed form.
	CertDir  string
	CertName string
	Cert     *x509.Certificate
	CertPEM  []byte

	key       *rsa.PrivateKey
	serveCert bool

	mu         sync.Mutex
	server     *httptest.Server
	tokens     map[string]string // token → topic ARN
	subs       map[string]string // token → subscription ARN, so a repeat confirm answers the same
	calls      []Confirmation
	failNext   int
	failStatus int
	delay      time.Duration
}

// New makes a CA and an RSA 2048 signing certificate, and writes the certificate to
// opts.CertDir.
func New(opts Options) (*Fake, error) {
	if opts.CertDir == "" {
		return nil, errors.New("snstest: Options.CertDir is required")
	}
	now := time.Now()
	if opts.NotBefore.IsZero() {
		opts.NotBefore = now.Add(-30 * 24 * time.Hour)
	}
	if opts.NotAfter.IsZero() {
		opts.NotAfter = now.Add(365 * 24 * time.Hour)
	}

	// The CA key is not part of what the verifier checks, so a fast curve will do.
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"Switchboard snstest"}, CommonName: "snstest CA"},
		NotBefore:             opts.NotBefore.Add(-time.Hour),
		NotAfter:              opts.NotAfter.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "sns.amazonaws.com"},
		NotBefore:    opts.NotBefore,
		NotAfter:     opts.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     []string{"sns.amazonaws.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	name := "SimpleNotificationService-" + randomHex(16) + ".pem"
	if err := os.WriteFile(filepath.Join(opts.CertDir, name), certPEM, 0o644); err != nil {
		return nil, err
	}

	return &Fake{
		CertDir:   opts.CertDir,
		CertName:  name,
		Cert:      cert,
		CertPEM:   certPEM,
		key:       key,
		serveCert: opts.ServeCert,
		tokens:    make(map[string]string),
		subs:      make(map[string]string),
	}, nil
}

// Start starts the fake's HTTPS server (confirmation endpoint and certificate).
func (f *Fake) Start() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.server == nil {
		f.server = httptest.NewTLSServer(http.HandlerFunc(f.serveHTTP))
	}
}

// Close stops the server, if started.
func (f *Fake) Close() {
	f.mu.Lock()
	s := f.server
	f.mu.Unlock()
	if s != nil {
		s.Close()
	}
}

// URL returns the server's origin ("https://127.0.0.1:port"), or "" before Start. Trust it as
// the emulator endpoint.
func (f *Fake) URL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.server == nil {
		return ""
	}
	return f.server.URL
}

// URLOptions returns the URL rules that trust this fake's origin.
func (f *Fake) URLOptions() sns.URLOptions {
	return sns.URLOptions{EmulatorOrigin: f.URL()}
}

// Client returns an HTTP client that trusts the server's TLS certificate, or nil before Start.
func (f *Fake) Client() *http.Client {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.server == nil {
		return nil
	}
	return f.server.Client()
}

// Confirmations returns the SubscribeURL GETs received so far.
func (f *Fake) Confirmations() []Confirmation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Confirmation(nil), f.calls...)
}

// FailNext makes the next n confirmation GETs answer status (for example 503), to test that a
// failed confirmation is answered 5xx so SNS redelivers.
func (f *Fake) FailNext(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext, f.failStatus = n, status
}

// SetConfirmDelay makes confirmation GETs answer only after d (the call is recorded at once), so
// tests can overlap concurrent confirmations.
func (f *Fake) SetConfirmDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// CertURL returns the SigningCertURL the fake puts in messages for topicARN.
func (f *Fake) CertURL(topicARN string) string {
	if origin := f.URL(); f.serveCert && origin != "" {
		return origin + "/" + f.CertName
	}
	return "https://" + snsHost(topicARN) + "/" + f.CertName
}

// Sign signs m with SignatureVersion 2 and returns the JSON body SNS would POST. It fills
// SigningCertURL when empty and overwrites SignatureVersion and Signature; everything else is
// signed as given, so tests can build odd but genuine messages.
func (f *Fake) Sign(m *sns.Message) ([]byte, error) {
	m.SignatureVersion = "2"
	if m.SigningCertURL == "" {
		m.SigningCertURL = f.CertURL(m.TopicARN)
	}
	s, err := sns.StringToSign(m)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.key, crypto.SHA256, digest[:])
	if err != nil {
		return nil, err
	}
	m.Signature = base64.StdEncoding.EncodeToString(sig)
	return marshal(m)
}

// SignNotification returns a signed Notification body. An empty subject leaves Subject out; a
// zero ts means now; an empty messageID gets a random one.
func (f *Fake) SignNotification(topicARN, subject, message, messageID string, ts time.Time) ([]byte, error) {
	m := &sns.Message{
		Type:           sns.TypeNotification,
		MessageID:      orID(messageID),
		TopicARN:       topicARN,
		Message:        message,
		Timestamp:      timestamp(ts),
		UnsubscribeURL: "https://" + snsHost(topicARN) + "/?Action=Unsubscribe&SubscriptionArn=" + topicARN + ":" + uuid(),
	}
	if subject != "" {
		m.Subject = &subject
	}
	return f.Sign(m)
}

// SignSubscriptionConfirmation returns a signed SubscriptionConfirmation body whose token the
// server will accept.
func (f *Fake) SignSubscriptionConfirmation(topicARN, messageID string, ts time.Time) ([]byte, error) {
	token := f.newToken(topicARN)
	return f.Sign(&sns.Message{
		Type:      sns.TypeSubscriptionConfirmation,
		MessageID: orID(messageID),
		Token:     token,
		TopicARN:  topicARN,
		Message: "You have chosen to subscribe to the topic " + topicARN +
			".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: f.subscribeURL(topicARN, token),
		Timestamp:    timestamp(ts),
	})
}

// SignUnsubscribeConfirmation returns a signed UnsubscribeConfirmation body. Its SubscribeURL
// would re-subscribe, which is why receivers must never GET it.
func (f *Fake) SignUnsubscribeConfirmation(topicARN, messageID string, ts time.Time) ([]byte, error) {
	token := f.newToken(topicARN)
	return f.Sign(&sns.Message{
		Type:      sns.TypeUnsubscribeConfirmation,
		MessageID: orID(messageID),
		Token:     token,
		TopicARN:  topicARN,
		Message: "You have chosen to deactivate subscription " + topicARN + ":" + uuid() +
			".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: f.subscribeURL(topicARN, token),
		Timestamp:    timestamp(ts),
	})
}

func (f *Fake) newToken(topicARN string) string {
	token := randomHex(128) // SNS tokens are 256 hex digits
	f.mu.Lock()
	f.tokens[token] = topicARN
	f.mu.Unlock()
	return token
}

func (f *Fake) subscribeURL(topicARN, token string) string {
	origin := f.URL()
	if origin == "" {
		origin = "https://" + snsHost(topicARN)
	}
	// SNS leaves the ARN's colons unescaped; so does the fake.
	return origin + "/?Action=ConfirmSubscription&TopicArn=" + topicARN + "&Token=" + token
}

func (f *Fake) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/"+f.CertName {
		w.Header().Set("Content-Type", "application/x-x509-ca-cert")
		_, _ = w.Write(f.CertPEM)
		return
	}
	q := r.URL.Query()
	call := Confirmation{Action: q.Get("Action"), TopicARN: q.Get("TopicArn"), Token: q.Get("Token"), At: time.Now()}

	f.mu.Lock()
	var status int
	switch {
	case f.failNext > 0:
		f.failNext--
		status = f.failStatus
	case r.Method != http.MethodGet || r.URL.Path != "/" || call.Action != "ConfirmSubscription":
		status = http.StatusBadRequest
	case f.tokens[call.Token] == "" || f.tokens[call.Token] != call.TopicARN:
		status = http.StatusBadRequest
	default:
		status = http.StatusOK
		if f.subs[call.Token] == "" {
			f.subs[call.Token] = call.TopicARN + ":" + uuid()
		}
		call.SubscriptionARN = f.subs[call.Token]
	}
	call.Status = status
	f.calls = append(f.calls, call)
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}

	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	if status == http.StatusOK {
		_, _ = fmt.Fprintf(w, confirmXML, xmlEscape(call.SubscriptionARN), uuid())
		return
	}
	_, _ = fmt.Fprintf(w, errorXML, uuid())
}

// The shapes of SNS's Query API answers (namespace and element order as SNS sends them).
const confirmXML = `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ConfirmSubscriptionResult>
    <SubscriptionArn>%s</SubscriptionArn>
  </ConfirmSubscriptionResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</ConfirmSubscriptionResponse>
`

const errorXML = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>Sender</Type>
    <Code>InvalidParameter</Code>
    <Message>Invalid parameter: Token</Message>
  </Error>
  <RequestId>%s</RequestId>
</ErrorResponse>
`

// envelope fixes the key order SNS uses, so bodies look like the real thing.
type envelope struct {
	Type             string  `json:"Type"`
	MessageID        string  `json:"MessageId"`
	Token            string  `json:"Token,omitempty"`
	TopicARN         string  `json:"TopicArn"`
	Subject          *string `json:"Subject,omitempty"`
	Message          string  `json:"Message"`
	SubscribeURL     string  `json:"SubscribeURL,omitempty"`
	Timestamp        string  `json:"Timestamp"`
	SignatureVersion string  `json:"SignatureVersion"`
	Signature        string  `json:"Signature"`
	SigningCertURL   string  `json:"SigningCertURL"`
	UnsubscribeURL   string  `json:"UnsubscribeURL,omitempty"`
}

func marshal(m *sns.Message) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // SNS does not escape <, > and &
	enc.SetIndent("", "  ")
	err := enc.Encode(envelope{
		Type: m.Type, MessageID: m.MessageID, Token: m.Token, TopicARN: m.TopicARN,
		Subject: m.Subject, Message: m.Message, SubscribeURL: m.SubscribeURL, Timestamp: m.Timestamp,
		SignatureVersion: m.SignatureVersion, Signature: m.Signature, SigningCertURL: m.SigningCertURL,
		UnsubscribeURL: m.UnsubscribeURL,
	})
	return buf.Bytes(), err
}

// snsHost mirrors the production host rule, so the realistic URLs the fake emits validate.
// An unparseable ARN yields a host that will not validate, which is what such a test wants.
func snsHost(topicARN string) string {
	p := strings.Split(topicARN, ":")
	region := "invalid"
	if len(p) == 6 {
		region = p[3]
	}
	if strings.HasPrefix(region, "cn-") {
		return "sns." + region + ".amazonaws.com.cn"
	}
	return "sns." + region + ".amazonaws.com"
}

func timestamp(ts time.Time) string {
	if ts.IsZero() {
		ts = time.Now()
	}
	return ts.UTC().Format("2006-01-02T15:04:05.000Z")
}

func orID(id string) string {
	if id == "" {
		return uuid()
	}
	return id
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n.Add(n, big.NewInt(1))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

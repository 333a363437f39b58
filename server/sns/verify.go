package sns

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"time"
)

// Defaults for VerifierConfig.
const (
	// DefaultReplayWindow is longer than SNS's HTTP retry policy can last (1 h), so a genuine
	// retry is never refused as stale.
	DefaultReplayWindow = 2 * time.Hour
	DefaultFutureSkew   = 5 * time.Minute
)

// VerifierConfig configures a Verifier. Zero values mean the defaults.
type VerifierConfig struct {
	Certs        CertSource // required
	URLs         URLOptions
	Now          func() time.Time // default time.Now; tests pin it to the message Timestamp
	ReplayWindow time.Duration    // default DefaultReplayWindow
	FutureSkew   time.Duration    // default DefaultFutureSkew
}

// Verifier decides whether a parsed message really comes from SNS and is fresh. It is safe for
// concurrent use; share one per process so the certificate cache is shared too.
type Verifier struct {
	certs  CertSource
	urls   URLOptions
	now    func() time.Time
	window time.Duration
	skew   time.Duration
}

// NewVerifier returns a Verifier. It panics when cfg.Certs is nil, a programming error.
func NewVerifier(cfg VerifierConfig) *Verifier {
	if cfg.Certs == nil {
		panic("sns: NewVerifier without a CertSource")
	}
	v := &Verifier{certs: cfg.Certs, urls: cfg.URLs, now: cfg.Now, window: cfg.ReplayWindow, skew: cfg.FutureSkew}
	if v.now == nil {
		v.now = time.Now
	}
	if v.window <= 0 {
		v.window = DefaultReplayWindow
	}
	if v.skew <= 0 {
		v.skew = DefaultFutureSkew
	}
	return v
}

// Verify accepts m only if it is signed by SNS with SignatureVersion 2 and is fresh. Checks run
// cheapest first: version, certificate URL, certificate fetch, certificate validity at the
// message Timestamp, signature, freshness. Freshness comes last so that "stale" and "future" are
// only ever reported for genuine messages.
//
// Errors: CodeUnsupportedSignatureVersion, CodeBadCertURL, CodeCertUnavailable (transient),
// CodeBadCert, CodeBadSignature, CodeStale, CodeFuture.
func (v *Verifier) Verify(ctx context.Context, m *Message) error {
	if m == nil {
		return errorf(CodeMalformed, "no message")
	}
	switch m.SignatureVersion {
	case "2":
	case "1":
		// The topic default is 1, so a fresh subscription fails on its very first message; the
		// reason must tell the user exactly what to change.
		msg := "SignatureVersion 1 (SHA1) is refused: set the topic attribute SignatureVersion to 2"
		// The ARN is quoted whole, never clipped, so the command can be pasted as is.
		if _, err := parseTopicARN(m.TopicARN); err == nil {
			msg += " (aws sns set-topic-attributes --topic-arn " + m.TopicARN +
				" --attribute-name SignatureVersion --attribute-value 2)"
		}
		return errorf(CodeUnsupportedSignatureVersion, "%s", msg)
	default:
		return errorf(CodeUnsupportedSignatureVersion, "SignatureVersion %q is not supported; set the topic attribute SignatureVersion to 2", clip(m.SignatureVersion))
	}

	if err := ValidateCertURL(m.SigningCertURL, m.TopicARN, v.urls); err != nil {
		return err
	}

	cert, err := v.certs.Certificate(ctx, m.SigningCertURL)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return wrapf(err, CodeCertUnavailable, "cannot obtain the signing certificate")
	}

	// Against the message time, not the wall clock: the fixtures' certificates have long
	// expired, and a message signed while a certificate was valid stays genuine.
	if m.Time.Before(cert.NotBefore) || m.Time.After(cert.NotAfter) {
		return errorf(CodeBadCert, "the signing certificate was not valid at the message Timestamp %s (valid %s to %s)",
			m.Time.UTC().Format(time.RFC3339), cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}

	if err := checkSignature(m, cert, crypto.SHA256); err != nil {
		return err
	}

	now := v.now()
	if age := now.Sub(m.Time); age > v.window {
		return errorf(CodeStale, "the message Timestamp is %s old, more than the replay window of %s", age.Round(time.Second), v.window)
	}
	if ahead := m.Time.Sub(now); ahead > v.skew {
		return errorf(CodeFuture, "the message Timestamp is %s in the future, more than the allowed skew of %s", ahead.Round(time.Second), v.skew)
	}
	return nil
}

// CheckSignature checks only the signature of m against cert, for SignatureVersion 1 (SHA1)
// and 2 (SHA256). It exists so tests can prove the SignatureVersion 1 fixtures are genuine.
// Production code must call Verifier.Verify, which refuses version 1 before any cryptography
// and also checks the certificate URL, validity and freshness that this function ignores.
//
// Errors: CodeUnsupportedSignatureVersion, CodeBadCert, CodeBadSignature, CodeMalformed.
func CheckSignature(m *Message, cert *x509.Certificate) error {
	switch m.SignatureVersion {
	case "1":
		return checkSignature(m, cert, crypto.SHA1)
	case "2":
		return checkSignature(m, cert, crypto.SHA256)
	default:
		return errorf(CodeUnsupportedSignatureVersion, "SignatureVersion %q is not supported", clip(m.SignatureVersion))
	}
}

func checkSignature(m *Message, cert *x509.Certificate, h crypto.Hash) error {
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errorf(CodeBadCert, "the signing certificate does not hold an RSA key")
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return errorf(CodeBadSignature, "Signature is not base64")
	}
	s, err := StringToSign(m)
	if err != nil {
		return err
	}
	var digest []byte
	switch h {
	case crypto.SHA1:
		d := sha1.Sum([]byte(s))
		digest = d[:]
	default:
		d := sha256.Sum256([]byte(s))
		digest = d[:]
	}
	if err := rsa.VerifyPKCS1v15(pub, h, digest, sig); err != nil {
		return errorf(CodeBadSignature, "the signature does not match the message")
	}
	return nil
}

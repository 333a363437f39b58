package sns_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
)

// testdata is the copy of the shared SNS fixtures kept in the repository (see its README.md for
// where every file came from).
const testdata = "../../testdata/sns"

// MustReadFile returns the contents of a file under testdata.
func MustReadFile(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustGlob returns the testdata files matching pattern, failing when there are none so that a
// missing copy of the fixtures cannot make a table test pass vacuously.
func MustGlob(tb testing.TB, pattern string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(testdata, pattern))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no fixtures match %s", pattern)
	}
	return files
}

// MustParse parses an envelope that the test expects to be well-formed.
func MustParse(tb testing.TB, body []byte) *sns.Message {
	tb.Helper()
	m, err := sns.ParseEnvelope(body)
	if err != nil {
		tb.Fatalf("ParseEnvelope: %v", err)
	}
	return m
}

// MustFixtureCert returns the pinned certificate named by m's SigningCertURL.
func MustFixtureCert(tb testing.TB, m *sns.Message) *x509.Certificate {
	tb.Helper()
	base := m.SigningCertURL[strings.LastIndex(m.SigningCertURL, "/")+1:]
	block, _ := pem.Decode(MustReadFile(tb, filepath.Join("certs", base)))
	if block == nil {
		tb.Fatalf("no PEM in %s", base)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

// NewFixtureVerifier returns a Verifier that reads only the pinned fixture certificates and
// whose clock stands at now.
func NewFixtureVerifier(now time.Time) *sns.Verifier {
	return sns.NewVerifier(sns.VerifierConfig{
		Certs: sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: filepath.Join(testdata, "certs"), NoFetch: true}),
		Now:   func() time.Time { return now },
	})
}

// AssertReason fails unless err is an *sns.Error with the given reason.
func AssertReason(tb testing.TB, err error, want sns.Code) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("err = nil, want reason %s", want)
	}
	var e *sns.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err = %v (%T), want *sns.Error with reason %s", err, err, want)
	}
	if e.Reason != want {
		tb.Fatalf("reason = %s (%v), want %s", e.Reason, err, want)
	}
}

var bg = context.Background()

// MustMessageField returns the JSON-decoded Message of a fixture envelope.
func MustMessageField(tb testing.TB, rel string) string {
	tb.Helper()
	return MustParse(tb, MustReadFile(tb, rel)).Message
}

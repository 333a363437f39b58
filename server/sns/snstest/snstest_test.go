package snstest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

func TestFake_Body(t *testing.T) {
	fake, err := snstest.New(snstest.Options{CertDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^SimpleNotificationService-[0-9a-f]{32}\.pem$`).MatchString(fake.CertName) {
		t.Fatalf("CertName %q is not realistic", fake.CertName)
	}
	if pemFile, err := os.ReadFile(filepath.Join(fake.CertDir, fake.CertName)); err != nil || string(pemFile) != string(fake.CertPEM) {
		t.Fatalf("certificate not written to CertDir: %v", err)
	}

	ts := time.Date(2026, 3, 6, 20, 0, 26, 893_000_000, time.UTC)
	body, err := fake.SignNotification("arn:aws:sns:us-west-2:123456789012:t", "a <b> & c", "m", "id-1", ts)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), `\u003c`) {
		t.Fatalf("body escapes HTML, SNS does not: %s", body)
	}
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"Type":             "Notification",
		"MessageId":        "id-1",
		"Subject":          "a <b> & c",
		"Timestamp":        "2026-03-06T20:00:26.893Z",
		"SignatureVersion": "2",
		"SigningCertURL":   "https://sns.us-west-2.amazonaws.com/" + fake.CertName,
	} {
		if got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
	if _, ok := got["Token"]; ok {
		t.Error("a Notification carries a Token")
	}
}

// Example shows the fake wired into a Verifier the way the HTTP edge and the benchmark tool use
// it: the signing certificate comes from the pinned directory, the confirmation endpoint is
// trusted as the emulator origin.
func Example() {
	dir, _ := os.MkdirTemp("", "snstest")
	defer os.RemoveAll(dir)
	fake, _ := snstest.New(snstest.Options{CertDir: dir})
	fake.Start()
	defer fake.Close()

	v := sns.NewVerifier(sns.VerifierConfig{
		Certs: sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: fake.CertDir, Client: fake.Client()}),
		URLs:  fake.URLOptions(), // SWITCHBOARD_SNS_ENDPOINT = fake.URL()
	})
	body, _ := fake.SignNotification("arn:aws:sns:us-east-1:123456789012:alarms", "", `{"AlarmName":"x"}`, "", time.Now())
	m, _ := sns.ParseEnvelope(body)
	if err := v.Verify(context.Background(), m); err != nil {
		panic(err)
	}
	// Output:
}

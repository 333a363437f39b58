package sns_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

// TestFixtures runs every genuine SNS message: version 2 verifies end to end, version 1 is
// proven genuine by CheckSignature yet refused by the Verifier for its version alone.
func TestFixtures(t *testing.T) {
	var v1, v2 int
	for _, f := range MustGlob(t, "messages/*.json") {
		rel := relTestdata(f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			m := MustParse(t, MustReadFile(t, rel))
			if err := sns.CheckSignature(m, MustFixtureCert(t, m)); err != nil {
				t.Fatalf("CheckSignature: %v", err)
			}
			err := NewFixtureVerifier(m.Time).Verify(bg, m)
			switch m.SignatureVersion {
			case "2":
				v2++
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
			case "1":
				v1++
				AssertReason(t, err, sns.CodeUnsupportedSignatureVersion)
				msg := sns.ErrorMessage(err)
				if !strings.Contains(msg, "topic attribute SignatureVersion to 2") || !strings.Contains(msg, m.TopicARN) {
					t.Fatalf("reason %q does not name the fix", msg)
				}
			default:
				t.Fatalf("fixture has SignatureVersion %q", m.SignatureVersion)
			}
		})
	}
	// Guards against the table silently shrinking (a lost fixture, a broken glob).
	if v1 < 20 || v2 < 5 {
		t.Fatalf("ran %d v1 and %d v2 fixtures, want at least 20 and 5", v1, v2)
	}
}

func TestFixturesNegative(t *testing.T) {
	for _, f := range MustGlob(t, "negative/*.json") {
		rel := relTestdata(f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			m := MustParse(t, MustReadFile(t, rel))
			AssertReason(t, sns.CheckSignature(m, MustFixtureCert(t, m)), sns.CodeBadSignature)
		})
	}
}

// TestMutations proves every signed field is covered by the signature and every unsigned one
// is not, on every fixture.
func TestMutations(t *testing.T) {
	for _, f := range MustGlob(t, "messages/*.json") {
		rel := relTestdata(f)
		body := MustReadFile(t, rel)
		orig := MustParse(t, body)
		cert := MustFixtureCert(t, orig)

		check := func(t *testing.T, mutated []byte, wantOK bool) {
			t.Helper()
			m := MustParse(t, mutated)
			err := sns.CheckSignature(m, cert)
			if wantOK {
				if err != nil {
					t.Fatalf("CheckSignature: %v", err)
				}
			} else {
				AssertReason(t, err, sns.CodeBadSignature)
			}
			if m.SignatureVersion != "2" {
				return
			}
			err = NewFixtureVerifier(m.Time).Verify(bg, m)
			if wantOK {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
			} else {
				AssertReason(t, err, sns.CodeBadSignature)
			}
		}

		for name, fn := range signedMutations(orig) {
			t.Run(filepath.Base(f)+"/signed/"+name, func(t *testing.T) {
				check(t, MutateJSON(t, body, fn), false)
			})
		}
		for name, fn := range map[string]func(map[string]any){
			"ReEncoded": func(map[string]any) {},
			"UnsubscribeURL": func(o map[string]any) {
				o["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x"
			},
			"MessageAttributes": func(o map[string]any) {
				o["MessageAttributes"] = map[string]any{"k": map[string]any{"Type": "String", "Value": "v"}}
			},
			"UnknownKey": func(o map[string]any) { o["SomethingNew"] = true },
		} {
			t.Run(filepath.Base(f)+"/unsigned/"+name, func(t *testing.T) {
				check(t, MutateJSON(t, body, fn), true)
			})
		}
		// SigningCertURL is unsigned too; the Verifier cannot show it because the URL picks
		// the certificate, so only the signature check sees the change.
		t.Run(filepath.Base(f)+"/unsigned/SigningCertURL", func(t *testing.T) {
			m := MustParse(t, MutateJSON(t, body, func(o map[string]any) {
				o["SigningCertURL"] = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-00000000000000000000000000000000.pem"
			}))
			if err := sns.CheckSignature(m, cert); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// signedMutations returns one change per signed field of m's type, each keeping the envelope
// well-formed so that only the signature can catch it.
func signedMutations(m *sns.Message) map[string]func(map[string]any) {
	appendTo := func(key, suffix string) func(map[string]any) {
		return func(o map[string]any) { o[key] = o[key].(string) + suffix }
	}
	muts := map[string]func(map[string]any){
		"Message":   appendTo("Message", " "),
		"MessageId": appendTo("MessageId", "0"),
		"TopicArn":  appendTo("TopicArn", "x"),
		"Timestamp": func(o map[string]any) {
			o["Timestamp"] = m.Time.Add(time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z")
		},
	}
	switch m.Type {
	case sns.TypeNotification:
		muts["Type"] = func(o map[string]any) {
			o["Type"] = sns.TypeSubscriptionConfirmation
			o["Token"] = "abc"
			o["SubscribeURL"] = "https://sns.us-east-1.amazonaws.com/"
		}
		if m.Subject != nil {
			muts["Subject"] = appendTo("Subject", "x")
			muts["SubjectRemoved"] = func(o map[string]any) { delete(o, "Subject") }
			muts["SubjectNull"] = func(o map[string]any) { o["Subject"] = nil }
		} else {
			muts["SubjectAddedEmpty"] = func(o map[string]any) { o["Subject"] = "" }
		}
	default:
		muts["Type"] = func(o map[string]any) {
			if o["Type"] == sns.TypeSubscriptionConfirmation {
				o["Type"] = sns.TypeUnsubscribeConfirmation
			} else {
				o["Type"] = sns.TypeSubscriptionConfirmation
			}
		}
		muts["Token"] = appendTo("Token", "0")
		muts["SubscribeURL"] = appendTo("SubscribeURL", "&x=1")
	}
	return muts
}

// MutateJSON decodes body, applies fn and encodes it again.
func MutateJSON(tb testing.TB, body []byte, fn func(map[string]any)) []byte {
	tb.Helper()
	var o map[string]any
	if err := json.Unmarshal(body, &o); err != nil {
		tb.Fatal(err)
	}
	fn(o)
	out, err := json.Marshal(o)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// A genuine version 2 message whose certificate (7506a1e3…) is valid 2025-11-10 to 2026-10-14.
const v2Fixture = "messages/javasdkv2-notification-nosubject-sv2.json"

func TestVerify_CertValidityIsCheckedAtMessageTime(t *testing.T) {
	m := MustParse(t, MustReadFile(t, v2Fixture))

	t.Run("ExpiredOnWallClockButValidAtTimestamp", func(t *testing.T) {
		// Long after the certificate expired the message is refused as stale, not as a
		// bad certificate: validity was judged at the message time.
		late := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
		AssertReason(t, NewFixtureVerifier(late).Verify(bg, m), sns.CodeStale)
	})

	for name, ts := range map[string]time.Time{
		"AfterNotAfter":   time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC),
		"BeforeNotBefore": time.Date(2025, 11, 9, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(name, func(t *testing.T) {
			moved := MustParse(t, MutateJSON(t, MustReadFile(t, v2Fixture), func(o map[string]any) {
				o["Timestamp"] = ts.Format("2006-01-02T15:04:05.000Z")
			}))
			// bad_cert, not bad_signature: validity is checked before the signature.
			AssertReason(t, NewFixtureVerifier(ts).Verify(bg, moved), sns.CodeBadCert)
		})
	}

	t.Run("Fake", func(t *testing.T) {
		nb := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		na := nb.Add(24 * time.Hour)
		fake := MustFake(t, snstest.Options{NotBefore: nb, NotAfter: na})
		v := NewPinnedVerifier(fake.CertDir, nil)
		for _, tt := range []struct {
			name string
			ts   time.Time
			want sns.Code
		}{
			{"AtNotBefore", nb, ""},
			{"AtNotAfter", na, ""},
			{"BeforeNotBefore", nb.Add(-time.Millisecond), sns.CodeBadCert},
			{"AfterNotAfter", na.Add(time.Millisecond), sns.CodeBadCert},
		} {
			t.Run(tt.name, func(t *testing.T) {
				body, err := fake.SignNotification("arn:aws:sns:us-east-1:123456789012:t", "", "m", "", tt.ts)
				if err != nil {
					t.Fatal(err)
				}
				m := MustParse(t, body)
				v := v(m.Time)
				err = v.Verify(bg, m)
				if tt.want == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				AssertReason(t, err, tt.want)
			})
		}
	})
}

func TestVerify_Freshness(t *testing.T) {
	m := MustParse(t, MustReadFile(t, v2Fixture))
	ts := m.Time
	for _, tt := range []struct {
		name string
		now  time.Time
		cfg  sns.VerifierConfig
		want sns.Code
	}{
		{"AtTimestamp", ts, sns.VerifierConfig{}, ""},
		{"WindowEdge", ts.Add(2 * time.Hour), sns.VerifierConfig{}, ""},
		{"Stale", ts.Add(2*time.Hour + time.Millisecond), sns.VerifierConfig{}, sns.CodeStale},
		{"SkewEdge", ts.Add(-5 * time.Minute), sns.VerifierConfig{}, ""},
		{"Future", ts.Add(-5*time.Minute - time.Millisecond), sns.VerifierConfig{}, sns.CodeFuture},
		{"CustomWindow", ts.Add(11 * time.Minute), sns.VerifierConfig{ReplayWindow: 10 * time.Minute}, sns.CodeStale},
		{"CustomSkew", ts.Add(-2 * time.Second), sns.VerifierConfig{FutureSkew: time.Second}, sns.CodeFuture},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Certs = sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: filepath.Join(testdata, "certs"), NoFetch: true})
			now := tt.now
			cfg.Now = func() time.Time { return now }
			err := sns.NewVerifier(cfg).Verify(bg, m)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			AssertReason(t, err, tt.want)
		})
	}
}

// certFunc adapts a function to sns.CertSource.
type certFunc func(ctx context.Context, url string) (*x509.Certificate, error)

func (f certFunc) Certificate(ctx context.Context, url string) (*x509.Certificate, error) {
	return f(ctx, url)
}

func TestVerify_Order(t *testing.T) {
	mustNotFetch := certFunc(func(context.Context, string) (*x509.Certificate, error) {
		t.Error("certificate fetched before a cheaper check refused the message")
		return nil, errors.New("unreachable")
	})
	verifier := func(src sns.CertSource, now time.Time) *sns.Verifier {
		return sns.NewVerifier(sns.VerifierConfig{Certs: src, Now: func() time.Time { return now }})
	}
	body := MustReadFile(t, v2Fixture)
	m := MustParse(t, body)

	t.Run("VersionBeforeURL", func(t *testing.T) {
		bad := MustParse(t, MutateJSON(t, body, func(o map[string]any) {
			o["SignatureVersion"] = "1"
			o["SigningCertURL"] = "http://evil.example/x.pem"
		}))
		AssertReason(t, verifier(mustNotFetch, m.Time).Verify(bg, bad), sns.CodeUnsupportedSignatureVersion)
	})
	t.Run("UnknownVersion", func(t *testing.T) {
		bad := MustParse(t, MutateJSON(t, body, func(o map[string]any) { o["SignatureVersion"] = "3" }))
		AssertReason(t, verifier(mustNotFetch, m.Time).Verify(bg, bad), sns.CodeUnsupportedSignatureVersion)
	})
	t.Run("URLBeforeFetch", func(t *testing.T) {
		bad := MustParse(t, MutateJSON(t, body, func(o map[string]any) {
			o["SigningCertURL"] = strings.Replace(m.SigningCertURL, "us-west-2", "us-east-1", 1)
		}))
		AssertReason(t, verifier(mustNotFetch, m.Time).Verify(bg, bad), sns.CodeBadCertURL)
	})
	t.Run("ForeignFetchErrorIsTransient", func(t *testing.T) {
		src := certFunc(func(context.Context, string) (*x509.Certificate, error) { return nil, errors.New("dial tcp: refused") })
		err := verifier(src, m.Time).Verify(bg, m)
		AssertReason(t, err, sns.CodeCertUnavailable)
		if !sns.IsTransient(err) {
			t.Fatal("cert_unavailable must be transient")
		}
	})
	t.Run("SourceReasonKept", func(t *testing.T) {
		src := certFunc(func(context.Context, string) (*x509.Certificate, error) {
			return nil, &sns.Error{Reason: sns.CodeBadCert, Message: "two certificates"}
		})
		AssertReason(t, verifier(src, m.Time).Verify(bg, m), sns.CodeBadCert)
	})
	t.Run("SignatureBeforeFreshness", func(t *testing.T) {
		// A forged message that is also stale must read as forged.
		bad := MustParse(t, MutateJSON(t, body, func(o map[string]any) { o["Message"] = "forged" }))
		err := NewFixtureVerifier(m.Time.Add(24*time.Hour)).Verify(bg, bad)
		AssertReason(t, err, sns.CodeBadSignature)
	})
	t.Run("SignatureNotBase64", func(t *testing.T) {
		bad := MustParse(t, MutateJSON(t, body, func(o map[string]any) { o["Signature"] = "!!!" }))
		AssertReason(t, NewFixtureVerifier(m.Time).Verify(bg, bad), sns.CodeBadSignature)
	})
	t.Run("NilMessage", func(t *testing.T) {
		AssertReason(t, verifier(mustNotFetch, m.Time).Verify(bg, nil), sns.CodeMalformed)
	})
}

func TestVerify_Fake(t *testing.T) {
	const topic = "arn:aws:sns:eu-central-1:123456789012:alarms"
	dir := t.TempDir()
	a := MustFake(t, snstest.Options{CertDir: dir})
	b := MustFake(t, snstest.Options{CertDir: dir})
	now := time.Now()
	v := NewPinnedVerifier(dir, nil)(now)

	body, err := a.SignNotification(topic, "ALARM: x", `{"AlarmName":"x"}`, "", now)
	if err != nil {
		t.Fatal(err)
	}
	m := MustParse(t, body)
	if err := v.Verify(bg, m); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !strings.HasPrefix(m.SigningCertURL, "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-") {
		t.Fatalf("SigningCertURL %q is not realistic", m.SigningCertURL)
	}

	t.Run("ErrOtherSignersCert", func(t *testing.T) {
		other := *m
		other.SigningCertURL = b.CertURL(topic)
		AssertReason(t, v.Verify(bg, &other), sns.CodeBadSignature)
	})
	t.Run("ErrTampered", func(t *testing.T) {
		tampered := MustParse(t, MutateJSON(t, body, func(o map[string]any) { o["Subject"] = "OK: x" }))
		AssertReason(t, v.Verify(bg, tampered), sns.CodeBadSignature)
	})
	t.Run("Confirmations", func(t *testing.T) {
		for _, sign := range []func(string, string, time.Time) ([]byte, error){a.SignSubscriptionConfirmation, a.SignUnsubscribeConfirmation} {
			body, err := sign(topic, "", now)
			if err != nil {
				t.Fatal(err)
			}
			m := MustParse(t, body)
			if err := v.Verify(bg, m); err != nil {
				t.Fatalf("%s: %v", m.Type, err)
			}
			if err := sns.ValidateSubscribeURL(m.SubscribeURL, m.TopicARN, sns.URLOptions{}); err != nil {
				t.Fatalf("%s: realistic SubscribeURL refused before Start: %v", m.Type, err)
			}
		}
	})
}

// MustFake returns a fake SNS whose certificate lives in opts.CertDir (a temporary directory
// when empty).
func MustFake(tb testing.TB, opts snstest.Options) *snstest.Fake {
	tb.Helper()
	if opts.CertDir == "" {
		opts.CertDir = tb.TempDir()
	}
	f, err := snstest.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(f.Close)
	return f
}

// NewPinnedVerifier returns a constructor of Verifiers that read certificates only from dir and
// whose clock stands at the given time.
func NewPinnedVerifier(dir string, urls *sns.URLOptions) func(now time.Time) *sns.Verifier {
	src := sns.NewCertFetcher(sns.CertFetcherConfig{PinnedDir: dir, NoFetch: true})
	return func(now time.Time) *sns.Verifier {
		cfg := sns.VerifierConfig{Certs: src, Now: func() time.Time { return now }}
		if urls != nil {
			cfg.URLs = *urls
		}
		return sns.NewVerifier(cfg)
	}
}

package sns_test

import (
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/server/sns"
)

// A minimal well-formed Notification; cases below change one thing at a time.
const okNotification = `{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:123456789012:t",` +
	`"Message":"hi","Timestamp":"2026-01-02T03:04:05.678Z","SignatureVersion":"2","Signature":"c2ln",` +
	`"SigningCertURL":"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"}`

func TestParseEnvelope(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		m := MustParse(t, []byte(okNotification))
		if m.Type != sns.TypeNotification || m.MessageID != "m-1" || m.Message != "hi" || m.Subject != nil {
			t.Fatalf("got %+v", m)
		}
		if got := m.Time.UTC().Format("2006-01-02T15:04:05.000Z"); got != m.Timestamp {
			t.Fatalf("Time = %s, Timestamp = %s", got, m.Timestamp)
		}
	})

	t.Run("Subject", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			subject string // JSON text inserted as the Subject value, "" = key absent
			want    *string
		}{
			{"Absent", "", nil},
			{"Null", `null`, nil},
			{"Empty", `""`, ptr("")},
			{"Text", `"hello"`, ptr("hello")},
		} {
			t.Run(tt.name, func(t *testing.T) {
				body := okNotification
				if tt.subject != "" {
					body = strings.Replace(body, `"Message":`, `"Subject":`+tt.subject+`,"Message":`, 1)
				}
				m := MustParse(t, []byte(body))
				switch {
				case tt.want == nil && m.Subject != nil:
					t.Fatalf("Subject = %q, want nil", *m.Subject)
				case tt.want != nil && (m.Subject == nil || *m.Subject != *tt.want):
					t.Fatalf("Subject = %v, want %q", m.Subject, *tt.want)
				}
				s, err := sns.StringToSign(m)
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Contains(s, "Subject\n"); got != (tt.want != nil) {
					t.Fatalf("string to sign includes Subject = %v:\n%s", got, s)
				}
			})
		}
	})

	t.Run("ErrRawDelivery", func(t *testing.T) {
		for name, body := range map[string]string{
			"CloudWatchAlarm": MustMessageField(t, "messages/cloudwatch-alarm-2021-metric-ALARM-sv1.json"),
			"NoSignature":     strings.Replace(okNotification, `"Signature":"c2ln",`, ``, 1),
			"NullSignature":   strings.Replace(okNotification, `"Signature":"c2ln"`, `"Signature":null`, 1),
			"EmptyObject":     `{}`,
		} {
			t.Run(name, func(t *testing.T) {
				_, err := sns.ParseEnvelope([]byte(body))
				AssertReason(t, err, sns.CodeRawDelivery)
				if !strings.Contains(sns.ErrorMessage(err), "raw message delivery") {
					t.Fatalf("message %q does not name raw message delivery", sns.ErrorMessage(err))
				}
			})
		}
	})

	t.Run("ErrMalformed", func(t *testing.T) {
		for _, tt := range []struct{ name, body string }{
			{"Empty", ``},
			{"NotJSON", `hello`},
			{"Array", `[` + okNotification + `]`},
			{"String", `"x"`},
			{"Truncated", okNotification[:len(okNotification)-1]},
			{"TrailingData", okNotification + `{}`},
			{"TrailingGarbage", okNotification + ` x`},
			{"DuplicateKey", strings.Replace(okNotification, `"Message":"hi"`, `"Message":"hi","Message":"evil"`, 1)},
			{"DuplicateUnknownKey", strings.Replace(okNotification, `{`, `{"X":1,"X":2,`, 1)},
			{"CaseFolded", strings.Replace(okNotification, `"Message":`, `"message":`, 1)},
			{"LambdaKeyName", strings.Replace(okNotification, `"SigningCertURL"`, `"SigningCertUrl"`, 1)},
			{"MessageNumber", strings.Replace(okNotification, `"Message":"hi"`, `"Message":42`, 1)},
			{"SubjectObject", strings.Replace(okNotification, `"Message":`, `"Subject":{},"Message":`, 1)},
			{"TypeMissing", strings.Replace(okNotification, `"Type":"Notification",`, ``, 1)},
			{"MessageMissing", strings.Replace(okNotification, `"Message":"hi",`, ``, 1)},
			{"MessageNull", strings.Replace(okNotification, `"Message":"hi"`, `"Message":null`, 1)},
			{"MessageIdEmpty", strings.Replace(okNotification, `"MessageId":"m-1"`, `"MessageId":""`, 1)},
			{"SignatureEmpty", strings.Replace(okNotification, `"Signature":"c2ln"`, `"Signature":""`, 1)},
			{"CertURLMissing", strings.Replace(okNotification, `,"SigningCertURL":"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"`, ``, 1)},
			{"UnknownType", strings.Replace(okNotification, `"Notification"`, `"Notice"`, 1)},
			{"ConfirmationWithoutToken", strings.Replace(okNotification, `"Notification"`, `"SubscriptionConfirmation","SubscribeURL":"https://x/"`, 1)},
			{"ConfirmationWithoutSubscribeURL", strings.Replace(okNotification, `"Notification"`, `"UnsubscribeConfirmation","Token":"t"`, 1)},
			{"BadTimestamp", strings.Replace(okNotification, `2026-01-02T03:04:05.678Z`, `2026-01-02 03:04:05`, 1)},
			{"BadTopicArn", strings.Replace(okNotification, `arn:aws:sns:us-east-1:123456789012:t`, `arn:aws:sqs:us-east-1:123456789012:t`, 1)},
			{"TopicArnExtraColon", strings.Replace(okNotification, `:123456789012:t`, `:123456789012:t:x`, 1)},
			{"InvalidUTF8", strings.Replace(okNotification, `"hi"`, "\"h\xffi\"", 1)},
		} {
			t.Run(tt.name, func(t *testing.T) {
				m, err := sns.ParseEnvelope([]byte(tt.body))
				AssertReason(t, err, sns.CodeMalformed)
				if m != nil {
					t.Fatal("message returned with an error")
				}
			})
		}
	})

	t.Run("NotificationDropsUnsignedConfirmationFields", func(t *testing.T) {
		body := strings.Replace(okNotification, `"Message":`, `"Token":"t","SubscribeURL":"https://evil.example/","Message":`, 1)
		m := MustParse(t, []byte(body))
		if m.Token != "" || m.SubscribeURL != "" {
			t.Fatalf("Token %q, SubscribeURL %q kept on a Notification", m.Token, m.SubscribeURL)
		}
	})

	t.Run("UnknownKeysIgnored", func(t *testing.T) {
		body := strings.Replace(okNotification, `{`, `{"MessageAttributes":{"a":{"Type":"String","Value":"b"}},"Future":[1,2],`, 1)
		MustParse(t, []byte(body))
	})

	t.Run("Fixtures", func(t *testing.T) {
		for _, f := range append(MustGlob(t, "messages/*.json"), MustGlob(t, "negative/*.json")...) {
			MustParse(t, MustReadFile(t, relTestdata(f)))
		}
	})
}

func TestStringToSign(t *testing.T) {
	for _, tt := range []struct {
		file string
		want string
	}{
		{
			"messages/javasdkv2-notification-subject-sv1.json",
			"Message\nHello! This message has a subject.\n" +
				"MessageId\n26858270-545e-5848-82a2-e05566af3dcf\n" +
				"Subject\nMy message subject\n" +
				"Timestamp\n2026-03-06T19:53:21.424Z\n" +
				"TopicArn\narn:aws:sns:us-west-2:131990247566:dongie-standard-topic\n" +
				"Type\nNotification\n",
		},
		{
			"messages/perl-awssnsverify-notification-2019-emoji-sv1.json",
			"Message\nA Test Banana:\U0001F34C\n" +
				"MessageId\n95841c0a-329b-5910-bcc0-4a45a34aa6c7\n" +
				"Timestamp\n2019-11-20T19:10:09.894Z\n" +
				"TopicArn\narn:aws:sns:us-east-1:041977924901:test\n" +
				"Type\nNotification\n",
		},
		{
			"messages/javasdkv2-unsubscribeconfirmation-sv2.json",
			"Message\nYou have chosen to deactivate subscription arn:aws:sns:us-west-2:131990247566:dongie-standard-topic:b24e11a2-06bd-4e73-aa29-0ed2de3b41b5.\n" +
				"To cancel this operation and restore the subscription, visit the SubscribeURL included in this message.\n" +
				"MessageId\n0b71e34e-42c3-486a-9e32-b1928ec994b5\n" +
				"SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:131990247566:dongie-standard-topic&Token=2336412f37fb687f5d51e6e2425929f52e8e353134fd0284eae5672847af082a982c7dd18215a1485e04e559716f8b42054594757f42dee2d63c46fd3a0fa59b4d688de03db956f8bf9f8cb3167587a28b74c5d325e6a7594d24a43ac534de2dfca614ca89cebd490342c721c30a76ea03def13673437a6a3e450642580119d0\n" +
				"Timestamp\n2026-03-06T20:02:25.038Z\n" +
				"Token\n2336412f37fb687f5d51e6e2425929f52e8e353134fd0284eae5672847af082a982c7dd18215a1485e04e559716f8b42054594757f42dee2d63c46fd3a0fa59b4d688de03db956f8bf9f8cb3167587a28b74c5d325e6a7594d24a43ac534de2dfca614ca89cebd490342c721c30a76ea03def13673437a6a3e450642580119d0\n" +
				"TopicArn\narn:aws:sns:us-west-2:131990247566:dongie-standard-topic\n" +
				"Type\nUnsubscribeConfirmation\n",
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			got, err := sns.StringToSign(MustParse(t, MustReadFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}

	t.Run("ErrUnknownType", func(t *testing.T) {
		_, err := sns.StringToSign(&sns.Message{Type: "Other"})
		AssertReason(t, err, sns.CodeMalformed)
	})
}

func TestErrorHelpers(t *testing.T) {
	err := error(&sns.Error{Reason: sns.CodeCertUnavailable, Message: "down"})
	if sns.ErrorReason(err) != sns.CodeCertUnavailable || !sns.IsTransient(err) || sns.ErrorMessage(err) != "down" {
		t.Fatal("cert_unavailable must be transient and keep its message")
	}
	err = &sns.Error{Reason: sns.CodeBadSignature, Message: "forged"}
	if sns.IsTransient(err) {
		t.Fatal("bad_signature must not be transient")
	}
	if sns.IsTransient(nil) {
		t.Fatal("nil is not transient")
	}
	other := errString("db down: password=secret")
	if sns.ErrorReason(other) != "" || !sns.IsTransient(other) || sns.ErrorMessage(other) != "internal error" {
		t.Fatal("a foreign error must read as an internal, transient error")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func ptr[T any](v T) *T { return &v }

// relTestdata turns a path returned by MustGlob back into one relative to testdata.
func relTestdata(path string) string {
	return strings.TrimPrefix(path, testdata+"/")
}

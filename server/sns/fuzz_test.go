package sns_test

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
)

func addFixtureSeeds(f *testing.F) {
	for _, pattern := range []string{"messages/*.json", "negative/*.json", "lambda-events/*.json"} {
		for _, path := range MustGlob(f, pattern) {
			f.Add(MustReadFile(f, relTestdata(path)))
		}
	}
	f.Add([]byte(okNotification))
	f.Add([]byte(`{"Signature":"x"}`))
	f.Add([]byte(`{"Type":"Notification","Type":"Notification"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
}

func FuzzParseEnvelope(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := sns.ParseEnvelope(body)
		if err != nil {
			if m != nil {
				t.Fatal("message returned with an error")
			}
			if sns.ErrorReason(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			if sns.IsTransient(err) {
				t.Fatalf("a parse error must never be transient: %v", err)
			}
			return
		}
		// Whatever parses must have a string to sign that starts with its Message.
		s, err := sns.StringToSign(m)
		if err != nil {
			t.Fatalf("parsed message has no string to sign: %v", err)
		}
		if !strings.HasPrefix(s, "Message\n"+m.Message+"\n") || !strings.HasSuffix(s, "Type\n"+m.Type+"\n") {
			t.Fatalf("string to sign %q", s)
		}
		// Parsing must be deterministic: the HTTP edge may parse once and log another time.
		again, err := sns.ParseEnvelope(body)
		if err != nil || !sameMessage(again, m) {
			t.Fatalf("second parse differs: %v", err)
		}
	})
}

func FuzzStringToSign(f *testing.F) {
	for _, path := range MustGlob(f, "messages/*.json") {
		m := MustParse(f, MustReadFile(f, relTestdata(path)))
		subject, hasSubject := "", m.Subject != nil
		if hasSubject {
			subject = *m.Subject
		}
		f.Add(m.Type, m.MessageID, m.Token, m.TopicARN, subject, hasSubject, m.Message, m.Timestamp, m.SubscribeURL)
	}
	f.Fuzz(func(t *testing.T, typ, id, token, topic, subject string, hasSubject bool, message, ts, subscribeURL string) {
		m := &sns.Message{Type: typ, MessageID: id, Token: token, TopicARN: topic, Message: message, Timestamp: ts, SubscribeURL: subscribeURL}
		if hasSubject {
			m.Subject = &subject
		}
		s, err := sns.StringToSign(m)
		switch typ {
		case sns.TypeNotification, sns.TypeSubscriptionConfirmation, sns.TypeUnsubscribeConfirmation:
			if err != nil {
				t.Fatal(err)
			}
		default:
			AssertReason(t, err, sns.CodeMalformed)
			return
		}
		want := len("Message\n\nMessageId\n\nTimestamp\n\nTopicArn\n\nType\n\n") + len(message) + len(id) + len(ts) + len(topic) + len(typ)
		if typ == sns.TypeNotification {
			if hasSubject {
				want += len("Subject\n\n") + len(subject)
			}
		} else {
			want += len("SubscribeURL\n\nToken\n\n") + len(subscribeURL) + len(token)
		}
		if len(s) != want {
			t.Fatalf("len %d, want %d: %q", len(s), want, s)
		}
	})
}

func sameMessage(a, b *sns.Message) bool {
	as, bs := *a, *b
	as.Subject, bs.Subject = nil, nil
	as.Time, bs.Time = time.Time{}, time.Time{}
	if as != bs || !a.Time.Equal(b.Time) {
		return false
	}
	return (a.Subject == nil) == (b.Subject == nil) && (a.Subject == nil || *a.Subject == *b.Subject)
}

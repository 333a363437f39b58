package sns_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server/sns"
	"github.com/switchboard-hub/switchboard/server/sns/snstest"
)

func TestParseConfirmSubscriptionResponse(t *testing.T) {
	const arn = "arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55"
	t.Run("OK", func(t *testing.T) {
		body := `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ConfirmSubscriptionResult>
    <SubscriptionArn>` + arn + `</SubscriptionArn>
  </ConfirmSubscriptionResult>
  <ResponseMetadata>
    <RequestId>075ecce8-8dac-11e1-bf80-f781d96e9307</RequestId>
  </ResponseMetadata>
</ConfirmSubscriptionResponse>`
		got, err := sns.ParseConfirmSubscriptionResponse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if got != arn {
			t.Fatalf("got %q", got)
		}
	})
	for name, body := range map[string]string{
		"ErrEmpty":        ``,
		"ErrHTML":         `<html><body>hello</body></html>`,
		"ErrJSON":         `{"SubscriptionArn":"` + arn + `"}`,
		"ErrNoArn":        `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
		"ErrTopicArnOnly": `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:us-west-2:123456789012:MyTopic</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
		"ErrPending":      `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>pending confirmation</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
		"ErrErrorResponse": `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>` +
			`<Code>InvalidParameter</Code><Message>Invalid token</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sns.ParseConfirmSubscriptionResponse([]byte(body))
			AssertReason(t, err, sns.CodeConfirmFailed)
			if !sns.IsTransient(err) {
				t.Fatal("a failed confirmation must be transient so SNS redelivers")
			}
		})
	}
}

// TestConfirmationFlow walks a SubscriptionConfirmation through everything the HTTP edge does,
// against the fake SNS trusted as the emulator endpoint.
func TestConfirmationFlow(t *testing.T) {
	fake := MustFake(t, snstest.Options{})
	fake.Start()
	const topic = "arn:aws:sns:us-east-1:123456789012:alarms"
	verify := NewPinnedVerifier(fake.CertDir, ptr(fake.URLOptions()))(time.Now())

	body, err := fake.SignSubscriptionConfirmation(topic, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m := MustParse(t, body)
	if err := verify.Verify(bg, m); err != nil {
		t.Fatal(err)
	}
	if err := sns.ValidateSubscribeURL(m.SubscribeURL, m.TopicARN, sns.URLOptions{}); err == nil {
		t.Fatal("the fake's SubscribeURL passed without the emulator origin trusted")
	}
	if err := sns.ValidateSubscribeURL(m.SubscribeURL, m.TopicARN, fake.URLOptions()); err != nil {
		t.Fatal(err)
	}

	get := func() (int, []byte) {
		t.Helper()
		resp, err := fake.Client().Get(m.SubscribeURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}

	fake.FailNext(1, http.StatusServiceUnavailable)
	if status, _ := get(); status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want the injected 503", status)
	}
	status, xml := get()
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, xml)
	}
	arn, err := sns.ParseConfirmSubscriptionResponse(xml)
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.Confirmations()
	if len(calls) != 2 || calls[1].SubscriptionARN != arn || calls[1].TopicARN != topic || calls[1].Token != m.Token {
		t.Fatalf("calls = %+v, arn %q", calls, arn)
	}
	if status, _ := get(); status != http.StatusOK || fake.Confirmations()[2].SubscriptionARN != arn {
		t.Fatal("confirming twice must answer the same subscription")
	}

	t.Run("ErrUnknownToken", func(t *testing.T) {
		resp, err := fake.Client().Get(fake.URL() + "/?Action=ConfirmSubscription&TopicArn=" + topic + "&Token=nope")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		_, err = sns.ParseConfirmSubscriptionResponse(b)
		AssertReason(t, err, sns.CodeConfirmFailed)
	})
}

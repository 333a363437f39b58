package sns_test

import (
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/server/sns"
)

const (
	topicUSEast1 = "arn:aws:sns:us-east-1:123456789012:alarms"
	topicCN      = "arn:aws-cn:sns:cn-north-1:123456789012:alarms"
	topicGov     = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms"
	certName     = "SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem"
	goodCertURL  = "https://sns.us-east-1.amazonaws.com/" + certName
)

func TestValidateCertURL(t *testing.T) {
	for _, tt := range []struct {
		name  string
		url   string
		topic string
		opts  sns.URLOptions
		ok    bool
	}{
		{"OK", goodCertURL, topicUSEast1, sns.URLOptions{}, true},
		{"OKChina", "https://sns.cn-north-1.amazonaws.com.cn/" + certName, topicCN, sns.URLOptions{}, true},
		{"OKGovCloud", "https://sns.us-gov-west-1.amazonaws.com/" + certName, topicGov, sns.URLOptions{}, true},
		{"OKShortHex", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem", topicUSEast1, sns.URLOptions{}, true},

		{"ErrHTTP", "http://sns.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrFTP", "ftp://sns.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrOtherHost", "https://evil.example/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrSuffixAttack", "https://sns.us-east-1.amazonaws.com.evil.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrPrefixAttack", "https://evilsns.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrSubdomain", "https://x.sns.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrNoRegion", "https://sns.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrTrailingDot", "https://sns.us-east-1.amazonaws.com./" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrUppercaseHost", "https://SNS.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrUserinfo", "https://user@sns.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrUserinfoHostTrick", "https://sns.us-east-1.amazonaws.com@evil.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrUserinfoPassword", "https://sns.us-east-1.amazonaws.com:x@evil.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrPort", "https://sns.us-east-1.amazonaws.com:443/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmptyPort", "https://sns.us-east-1.amazonaws.com:/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrQuery", goodCertURL + "?x=1", topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmptyQuery", goodCertURL + "?", topicUSEast1, sns.URLOptions{}, false},
		{"ErrFragment", goodCertURL + "#x", topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmptyFragment", goodCertURL + "#", topicUSEast1, sns.URLOptions{}, false},
		{"ErrRegionMismatch", "https://sns.us-west-2.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrChinaOnComHost", "https://sns.cn-north-1.amazonaws.com/" + certName, topicCN, sns.URLOptions{}, false},
		{"ErrCNSuffixForNonCN", "https://sns.us-east-1.amazonaws.com.cn/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrBadTopic", goodCertURL, "not-an-arn", sns.URLOptions{}, false},
		{"ErrPathPrefix", "https://sns.us-east-1.amazonaws.com/x/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrDotDot", "https://sns.us-east-1.amazonaws.com/../" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrOtherFile", "https://sns.us-east-1.amazonaws.com/cert.pem", topicUSEast1, sns.URLOptions{}, false},
		{"ErrUppercaseHex", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-ABC.pem", topicUSEast1, sns.URLOptions{}, false},
		{"ErrNotHex", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-xyz.pem", topicUSEast1, sns.URLOptions{}, false},
		{"ErrPercentEncoded", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-%61bc.pem", topicUSEast1, sns.URLOptions{}, false},
		{"ErrEncodedSlash", "https://sns.us-east-1.amazonaws.com/x%2F" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrRelative", "/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrOpaque", "https:sns.us-east-1.amazonaws.com/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrBackslash", `https://sns.us-east-1.amazonaws.com\@evil.com/` + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrSpace", " " + goodCertURL, topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmpty", "", topicUSEast1, sns.URLOptions{}, false},
		{"ErrTooLong", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-" + strings.Repeat("a", 3000) + ".pem", topicUSEast1, sns.URLOptions{}, false},

		// The emulator origin is trusted exactly: scheme, host and port.
		{"OKEmulator", "http://127.0.0.1:4566/" + certName, topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, true},
		{"OKEmulatorLocalStackPath", "http://localhost.localstack.cloud:4566/_aws/sns/SimpleNotificationService-6c6f63616c737461636b69736e696365.pem", topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://localhost.localstack.cloud:4566"}, true},
		{"OKAWSWithEmulatorOn", goodCertURL, topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, true},
		{"ErrEmulatorOff", "http://127.0.0.1:4566/" + certName, topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmulatorOtherPort", "http://127.0.0.1:4567/" + certName, topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, false},
		{"ErrEmulatorOtherScheme", "https://127.0.0.1:4566/" + certName, topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, false},
		{"ErrEmulatorQuery", "http://127.0.0.1:4566/" + certName + "?a", topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, false},
		{"ErrEmulatorDotDot", "http://127.0.0.1:4566/a/../" + certName, topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, false},
		{"ErrEmulatorUserinfo", "http://u@127.0.0.1:4566/" + certName, topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, false},
		{"ErrEmulatorNotCertName", "http://127.0.0.1:4566/x.pem", topicUSEast1, sns.URLOptions{EmulatorOrigin: "http://127.0.0.1:4566"}, false},
		{"ErrBrokenEmulatorOption", "http://127.0.0.1:4566/" + certName, topicUSEast1, sns.URLOptions{EmulatorOrigin: "127.0.0.1:4566"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := sns.ValidateCertURL(tt.url, tt.topic, tt.opts)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			AssertReason(t, err, sns.CodeBadCertURL)
		})
	}

	t.Run("EveryFixture", func(t *testing.T) {
		for _, f := range MustGlob(t, "messages/*.json") {
			m := MustParse(t, MustReadFile(t, relTestdata(f)))
			if err := sns.ValidateCertURL(m.SigningCertURL, m.TopicARN, sns.URLOptions{}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	})
}

func TestValidateSubscribeURL(t *testing.T) {
	const token = "2336412f37fb687f5d51e6e2425ba1f2"
	good := "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + topicUSEast1 + "&Token=" + token
	emu := sns.URLOptions{EmulatorOrigin: "https://127.0.0.1:8443"}
	for _, tt := range []struct {
		name  string
		url   string
		topic string
		opts  sns.URLOptions
		ok    bool
	}{
		{"OK", good, topicUSEast1, sns.URLOptions{}, true},
		{"OKNoSlash", strings.Replace(good, ".com/?", ".com?", 1), topicUSEast1, sns.URLOptions{}, true},
		{"OKEscapedARN", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aalarms&Token=" + token, topicUSEast1, sns.URLOptions{}, true},
		{"OKChina", "https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&TopicArn=" + topicCN + "&Token=" + token, topicCN, sns.URLOptions{}, true},
		{"OKEmulator", "https://127.0.0.1:8443/?Action=ConfirmSubscription&TopicArn=" + topicUSEast1 + "&Token=" + token, topicUSEast1, emu, true},

		{"ErrHTTP", strings.Replace(good, "https:", "http:", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrOtherHost", strings.Replace(good, "sns.us-east-1.amazonaws.com", "sns.us-east-1.amazonaws.com.evil.com", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrRegionMismatch", strings.Replace(good, "us-east-1.amazonaws", "eu-west-1.amazonaws", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrUserinfo", strings.Replace(good, "https://", "https://a:b@", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrPort", strings.Replace(good, ".com/", ".com:8443/", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrFragment", good + "#x", topicUSEast1, sns.URLOptions{}, false},
		{"ErrPath", strings.Replace(good, ".com/?", ".com/x?", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrUnsubscribeAction", strings.Replace(good, "ConfirmSubscription", "Unsubscribe", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrTwoActions", good + "&Action=Unsubscribe", topicUSEast1, sns.URLOptions{}, false},
		{"ErrNoAction", strings.Replace(good, "Action=ConfirmSubscription&", "", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrOtherTopic", good, "arn:aws:sns:us-east-1:123456789012:other", sns.URLOptions{}, false},
		{"ErrTwoTopics", good + "&TopicArn=" + topicUSEast1, topicUSEast1, sns.URLOptions{}, false},
		{"ErrNoToken", strings.Replace(good, "&Token="+token, "", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmptyToken", strings.Replace(good, "Token="+token, "Token=", 1), topicUSEast1, sns.URLOptions{}, false},
		{"ErrTwoTokens", good + "&Token=x", topicUSEast1, sns.URLOptions{}, false},
		{"ErrSemicolonQuery", good + ";x=1", topicUSEast1, sns.URLOptions{}, false},
		{"ErrEmulatorOff", "https://127.0.0.1:8443/?Action=ConfirmSubscription&TopicArn=" + topicUSEast1 + "&Token=" + token, topicUSEast1, sns.URLOptions{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := sns.ValidateSubscribeURL(tt.url, tt.topic, tt.opts)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			AssertReason(t, err, sns.CodeBadSubscribeURL)
			if strings.Contains(err.Error(), token) {
				t.Fatalf("error %q leaks the token", err)
			}
		})
	}

	t.Run("EveryFixture", func(t *testing.T) {
		n := 0
		for _, f := range MustGlob(t, "messages/*.json") {
			m := MustParse(t, MustReadFile(t, relTestdata(f)))
			if m.SubscribeURL == "" {
				continue
			}
			n++
			if err := sns.ValidateSubscribeURL(m.SubscribeURL, m.TopicARN, sns.URLOptions{}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
		if n < 4 {
			t.Fatalf("only %d fixtures carry a SubscribeURL", n)
		}
	})
}

func TestCheckEmulatorOrigin(t *testing.T) {
	for origin, ok := range map[string]bool{
		"http://127.0.0.1:4566":               true,
		"https://localstack.internal:4566/":   true,
		"http://localhost.localstack.cloud":   true,
		"127.0.0.1:4566":                      false,
		"ftp://127.0.0.1:4566":                false,
		"http://127.0.0.1:4566/path":          false,
		"http://u:p@127.0.0.1:4566":           false,
		"http://127.0.0.1:4566?x=1":           false,
		"":                                    false,
		"http://":                             false,
		"https://sns.us-east-1.amazonaws.com": true,
	} {
		if err := sns.CheckEmulatorOrigin(origin); (err == nil) != ok {
			t.Errorf("CheckEmulatorOrigin(%q) = %v, want ok=%v", origin, err, ok)
		}
	}
}

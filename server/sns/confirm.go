package sns

import (
	"encoding/xml"
	"strings"
)

// ParseConfirmSubscriptionResponse extracts the SubscriptionArn from the XML SNS answers to a
// GET of a SubscribeURL. The caller must have done that GET without following redirects and
// with a size cap; this function does no I/O.
//
// Errors: CodeConfirmFailed (transient: the subscription is still pending, and answering 5xx
// makes SNS deliver the SubscriptionConfirmation again).
func ParseConfirmSubscriptionResponse(body []byte) (string, error) {
	var resp struct {
		XMLName xml.Name `xml:"ConfirmSubscriptionResponse"`
		ARN     string   `xml:"ConfirmSubscriptionResult>SubscriptionArn"`
	}
	if err := xml.Unmarshal(body, &resp); err != nil {
		if msg := errorResponse(body); msg != "" {
			return "", errorf(CodeConfirmFailed, "SNS refused the confirmation: %s", msg)
		}
		return "", wrapf(err, CodeConfirmFailed, "the ConfirmSubscription answer is not a ConfirmSubscriptionResponse")
	}
	arn := strings.TrimSpace(resp.ARN)
	// A subscription ARN is its topic ARN plus a subscription id.
	i := strings.LastIndexByte(arn, ':')
	if i < 0 || arn[i+1:] == "" {
		return "", errorf(CodeConfirmFailed, "the ConfirmSubscription answer has no SubscriptionArn")
	}
	if _, err := parseTopicARN(arn[:i]); err != nil {
		return "", errorf(CodeConfirmFailed, "the ConfirmSubscription answer has a malformed SubscriptionArn")
	}
	return arn, nil
}

// errorResponse returns "Code: Message" from an SNS ErrorResponse document, or "".
func errorResponse(body []byte) string {
	var resp struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Code    string   `xml:"Error>Code"`
		Message string   `xml:"Error>Message"`
	}
	if err := xml.Unmarshal(body, &resp); err != nil || resp.Code == "" {
		return ""
	}
	if resp.Message == "" {
		return clip(resp.Code)
	}
	return clip(resp.Code) + ": " + clip(resp.Message)
}

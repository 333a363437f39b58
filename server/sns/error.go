package sns

import (
	"errors"
	"fmt"
)

// Code is a machine-readable reason why an SNS request was refused. The HTTP edge maps it to a
// status code in one place and records it on the integration so the console can show it.
type Code string

// Reason codes. Every code except CodeCertUnavailable and CodeConfirmFailed means the request must
// never be retried (answer 4xx); those two are transient (answer 5xx so SNS redelivers).
const (
	// CodeMalformed: the body is not a well-formed SNS envelope (not JSON, duplicate or mistyped
	// keys, a required field missing, unknown Type, bad Timestamp or TopicArn).
	CodeMalformed Code = "malformed"

	// CodeRawDelivery: the body has no Signature, which is what SNS sends when raw message delivery
	// is on for the subscription. Such a body can never be verified.
	CodeRawDelivery Code = "raw_delivery"

	// CodeUnsupportedSignatureVersion: SignatureVersion is not "2".
	CodeUnsupportedSignatureVersion Code = "unsupported_signature_version"

	// CodeBadCertURL: SigningCertURL is not an SNS certificate URL for the topic's region.
	CodeBadCertURL Code = "bad_cert_url"

	// CodeBadCert: the certificate was obtained but cannot be used: not exactly one PEM
	// certificate, too large, refused by the server (4xx or a redirect), or not valid at the
	// message Timestamp.
	CodeBadCert Code = "bad_cert"

	// CodeCertUnavailable: the certificate could not be fetched right now (network error,
	// timeout, 5xx). Transient.
	CodeCertUnavailable Code = "cert_unavailable"

	// CodeBadSignature: the signature does not verify (forged or tampered message).
	CodeBadSignature Code = "bad_signature"

	// CodeStale: the message Timestamp is older than the replay window.
	CodeStale Code = "stale"

	// CodeFuture: the message Timestamp is further in the future than the allowed clock skew.
	CodeFuture Code = "future"

	// CodeBadSubscribeURL: SubscribeURL is not an SNS ConfirmSubscription URL for this topic.
	CodeBadSubscribeURL Code = "bad_subscribe_url"

	// CodeConfirmFailed: the ConfirmSubscription answer could not be understood. Transient,
	// because SNS redelivers the SubscriptionConfirmation only if we answer 5xx.
	CodeConfirmFailed Code = "confirm_failed"
)

// Transient reports whether a request refused with this code should be answered 5xx.
func (c Code) Transient() bool {
	return c == CodeCertUnavailable || c == CodeConfirmFailed
}

// Error is the only error type this package returns from its exported functions. Message is
// safe to show to users and to store: it never contains the payload or a subscription token.
type Error struct {
	Reason  Code
	Message string
	Err     error // underlying cause, if any; not meant for users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("sns: %s: %s: %v", e.Reason, e.Message, e.Err)
	}
	return fmt.Sprintf("sns: %s: %s", e.Reason, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorReason returns the reason code of err, or "" when err is nil or not an *Error.
func ErrorReason(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// ErrorMessage returns the user-safe message of err. Errors that are not an *Error read as
// "internal error", because their text may carry details users should not see.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// IsTransient reports whether err should be answered 5xx. Errors that are not an *Error count as
// transient: if we do not know what went wrong, letting SNS redeliver is safer than dropping an
// alarm.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Reason.Transient()
	}
	return true
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Reason: code, Message: fmt.Sprintf(format, args...)}
}

func wrapf(err error, code Code, format string, args ...any) *Error {
	return &Error{Reason: code, Message: fmt.Sprintf(format, args...), Err: err}
}

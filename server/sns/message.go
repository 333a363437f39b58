// Package sns verifies the HTTP/S messages Amazon SNS sends to a subscribed endpoint (design §4,
// a wire contract). Everything here is pure except CertFetcher, which reads pinned certificates
// and fetches certificates over HTTPS.
//
// The HTTP edge calls, in order: ParseEnvelope, Verifier.Verify, then for a
// SubscriptionConfirmation ValidateSubscribeURL before it GETs the URL and
// ParseConfirmSubscriptionResponse on the answer. Every refusal is an *Error whose Reason the edge
// maps to a status code (Code.Transient → 5xx, otherwise 4xx).
package sns

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Message types SNS sends to HTTP/S endpoints.
const (
	TypeNotification             = "Notification"
	TypeSubscriptionConfirmation = "SubscriptionConfirmation"
	TypeUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// Message is a decoded SNS HTTP/S envelope. It is not trustworthy until Verifier.Verify accepts
// it; even then only the signed fields are (see StringToSign).
type Message struct {
	Type      string
	MessageID string

	// Token and SubscribeURL are kept only for the two confirmation types, where they are signed.
	// A Notification carrying them had them added by someone other than SNS.
	Token        string
	SubscribeURL string

	TopicARN string

	// Subject is nil when the key is absent or null. An empty but present Subject is still part
	// of the string to sign, so the two cases must not collapse.
	Subject *string

	Message string

	// Timestamp is kept exactly as sent because it is signed; Time is its parsed value.
	Timestamp string
	Time      time.Time

	SignatureVersion string
	Signature        string // base64
	SigningCertURL   string // unsigned: trusted only after ValidateCertURL

	// UnsubscribeURL is unsigned and never needed by Switchboard; it is kept for display only.
	UnsubscribeURL string
}

// maxFieldLen bounds quoted values in error messages so that a hostile body cannot make us
// store kilobytes of its own text as a "reason".
const maxFieldLen = 64

// ParseEnvelope decodes the body of an SNS HTTP/S request.
//
// Decoding is strict where leniency could let two parsers disagree about a signed value: the
// body must be one valid UTF-8 JSON object, keys are matched case-sensitively, duplicate keys
// are refused, and known fields must be strings (null counts as absent). Unknown keys are
// ignored because they are unsigned and AWS adds fields over time (MessageAttributes, for one).
//
// Errors: CodeRawDelivery when there is no Signature, CodeMalformed otherwise.
func ParseEnvelope(body []byte) (*Message, error) {
	if !utf8.Valid(body) {
		return nil, errorf(CodeMalformed, "body is not valid UTF-8")
	}
	fields, err := decodeObject(body)
	if err != nil {
		return nil, err
	}

	// encoding/json would fold case and keep the last duplicate; reading each known key
	// ourselves keeps the decoded values exactly the ones SNS signed.
	str := func(key string) (string, bool, error) {
		raw, ok := fields[key]
		if !ok {
			return "", false, nil
		}
		if bytes.Equal(raw, []byte("null")) {
			return "", false, nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, errorf(CodeMalformed, "%s must be a string", key)
		}
		return s, true, nil
	}

	var m Message
	present := make(map[string]bool)
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"Type", &m.Type},
		{"MessageId", &m.MessageID},
		{"Token", &m.Token},
		{"TopicArn", &m.TopicARN},
		{"Message", &m.Message},
		{"Timestamp", &m.Timestamp},
		{"SignatureVersion", &m.SignatureVersion},
		{"Signature", &m.Signature},
		{"SigningCertURL", &m.SigningCertURL},
		{"SubscribeURL", &m.SubscribeURL},
		{"UnsubscribeURL", &m.UnsubscribeURL},
	} {
		v, ok, err := str(f.key)
		if err != nil {
			return nil, err
		}
		*f.dst, present[f.key] = v, ok
	}
	subject, ok, err := str("Subject")
	if err != nil {
		return nil, err
	}
	if ok {
		m.Subject = &subject
	}

	// Checked before anything else so that a subscription left on raw delivery gets the one
	// reason that tells the user what to change, whatever else its body holds.
	if !present["Signature"] {
		return nil, errorf(CodeRawDelivery, "the message has no Signature: turn off raw message delivery on the SNS subscription")
	}

	for _, r := range []struct {
		key      string
		val      string
		mayEmpty bool
	}{
		{"Type", m.Type, false},
		{"MessageId", m.MessageID, false},
		{"TopicArn", m.TopicARN, false},
		{"Message", m.Message, true},
		{"Timestamp", m.Timestamp, false},
		{"SignatureVersion", m.SignatureVersion, false},
		{"Signature", m.Signature, false},
		{"SigningCertURL", m.SigningCertURL, false},
	} {
		if !present[r.key] {
			return nil, errorf(CodeMalformed, "%s is missing", r.key)
		}
		if r.val == "" && !r.mayEmpty {
			return nil, errorf(CodeMalformed, "%s is empty", r.key)
		}
	}

	switch m.Type {
	case TypeNotification:
		m.Token, m.SubscribeURL = "", ""
	case TypeSubscriptionConfirmation, TypeUnsubscribeConfirmation:
		if m.Token == "" {
			return nil, errorf(CodeMalformed, "%s without Token", m.Type)
		}
		if m.SubscribeURL == "" {
			return nil, errorf(CodeMalformed, "%s without SubscribeURL", m.Type)
		}
		m.Subject = nil
	default:
		return nil, errorf(CodeMalformed, "unknown Type %q", clip(m.Type))
	}

	if _, err := parseTopicARN(m.TopicARN); err != nil {
		return nil, errorf(CodeMalformed, "TopicArn %q is not an SNS topic ARN", clip(m.TopicARN))
	}
	t, err := time.Parse(time.RFC3339Nano, m.Timestamp)
	if err != nil {
		return nil, errorf(CodeMalformed, "Timestamp %q is not an RFC 3339 time", clip(m.Timestamp))
	}
	m.Time = t

	return &m, nil
}

// decodeObject reads one top-level JSON object into raw values by exact key.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	// Raw message delivery of a plain-text message lands here, so the reason mentions it.
	notObject := errorf(CodeMalformed, "body is not a JSON object; an SNS HTTP/S envelope was expected (is raw message delivery on?)")

	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, notObject
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, notObject
	}
	fields := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, wrapf(err, CodeMalformed, "body is not valid JSON")
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errorf(CodeMalformed, "body is not valid JSON")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, wrapf(err, CodeMalformed, "body is not valid JSON")
		}
		if _, dup := fields[key]; dup {
			return nil, errorf(CodeMalformed, "duplicate key %q", clip(key))
		}
		fields[key] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, wrapf(err, CodeMalformed, "body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errorf(CodeMalformed, "data after the JSON object")
	}
	return fields, nil
}

// StringToSign returns the canonical string SNS signs for m (design §4 step 5): "Key\nValue\n"
// pairs in a fixed order per type, over the JSON-decoded values.
//
// Errors: CodeMalformed for a Type this package does not know.
func StringToSign(m *Message) (string, error) {
	var b strings.Builder
	add := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('\n')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	switch m.Type {
	case TypeNotification:
		add("Message", m.Message)
		add("MessageId", m.MessageID)
		if m.Subject != nil {
			add("Subject", *m.Subject)
		}
		add("Timestamp", m.Timestamp)
		add("TopicArn", m.TopicARN)
		add("Type", m.Type)
	case TypeSubscriptionConfirmation, TypeUnsubscribeConfirmation:
		add("Message", m.Message)
		add("MessageId", m.MessageID)
		add("SubscribeURL", m.SubscribeURL)
		add("Timestamp", m.Timestamp)
		add("Token", m.Token)
		add("TopicArn", m.TopicARN)
		add("Type", m.Type)
	default:
		return "", errorf(CodeMalformed, "unknown Type %q", clip(m.Type))
	}
	return b.String(), nil
}

// clip shortens s for use inside an error message.
func clip(s string) string {
	if len(s) <= maxFieldLen {
		return s
	}
	// Cut on a rune boundary so the message stays valid UTF-8.
	cut := maxFieldLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

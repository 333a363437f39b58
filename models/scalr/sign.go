package scalr

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request header names (design §6.4). The Standard Webhooks names are written lowercase as the
// specification does; net/http canonicalises them on the wire, which HTTP treats as the same name.
const (
	HeaderDate           = "Date"
	HeaderSignature      = "X-Signature"
	HeaderScalrWebhookID = "X-Scalr-Webhook-Id"
	HeaderStdWebhookID   = "webhook-id"
	HeaderStdWebhookTime = "webhook-timestamp"
	HeaderStdWebhookSig  = "webhook-signature"
	HeaderUserAgent      = "User-Agent"
	HeaderContentType    = "Content-Type"
	ContentTypeJSON      = "application/json"
	UserAgentProduct     = "Switchboard"
)

const (
	// SigningKeyLength is the length of a generated endpoint signing key.
	SigningKeyLength       = 64
	signingKeyRandomOctets = SigningKeyLength / 4 * 3 // 48 bytes → 64 base64 characters, no padding
)

// ErrBadSignature reports an X-Signature that does not match the body and Date.
var ErrBadSignature = errors.New("scalr: signature mismatch")

// Sign returns the X-Signature value: lowercase hex HMAC-SHA1 keyed with key (the endpoint's
// signing key as raw ASCII bytes) over body followed by date.
func Sign(key, body []byte, date string) string {
	m := hmac.New(sha1.New, key)
	m.Write(body)
	m.Write([]byte(date))
	return hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether sig is Sign(key, body, date), comparing in constant time. Like the Scalr
// handlers it compares the hex text, so only lowercase hex matches.
func Verify(key, body []byte, date, sig string) bool {
	want := Sign(key, body, date)
	return subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1
}

// VerifyRequest checks a signed request the way Scalr handlers do: signature first, then the Date
// must parse (see ParseDate) and be less than MaxSkew from now. It returns nil, or an error
// wrapping ErrBadSignature, ErrBadDate or ErrStaleDate.
func VerifyRequest(key, body []byte, date, sig string, now time.Time) error {
	if date == "" || sig == "" {
		return fmt.Errorf("%w: missing Date or X-Signature", ErrBadSignature)
	}
	if !Verify(key, body, date, sig) {
		return ErrBadSignature
	}
	return CheckFresh(date, now, MaxSkew)
}

// StandardKey returns the HMAC-SHA256 key of the Standard Webhooks signature for a signing key.
// A key that is well-formed standard base64 with padding is decoded, exactly as Standard Webhooks
// libraries decode a secret (after stripping an optional "whsec_" prefix, which Switchboard keys
// do not have), so receivers can use the key as shown. Every generated key is such a key: its 64
// characters from A-Za-z0-9+/ decode to 48 random bytes, and those 48 bytes are the HMAC key.
// Anything else (no such key is ever generated) is used as its raw bytes. X-Signature, by
// contrast, is keyed with the 64 ASCII characters themselves (see Sign).
func StandardKey(signingKey []byte) []byte {
	if isPaddedBase64(signingKey) {
		if k, err := base64.StdEncoding.DecodeString(string(signingKey)); err == nil && len(k) > 0 {
			return k
		}
	}
	return signingKey
}

// isPaddedBase64 is stricter than the decoder, which skips \r and \n: only alphabet characters,
// at most two trailing '=', total length a non-zero multiple of 4.
func isPaddedBase64(s []byte) bool {
	if len(s) == 0 || len(s)%4 != 0 {
		return false
	}
	body := s
	for i := 0; i < 2 && len(body) > 0 && body[len(body)-1] == '='; i++ {
		body = body[:len(body)-1]
	}
	for _, c := range body {
		if !isBase64Char(c) {
			return false
		}
	}
	return true
}

func isBase64Char(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}

// SignStandard returns the webhook-signature value "v1,<base64 HMAC-SHA256>" over
// "id.timestamp.body", keyed with StandardKey(signingKey).
func SignStandard(signingKey []byte, id string, timestamp int64, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(standardMAC(signingKey, id, strconv.FormatInt(timestamp, 10), body))
}

func standardMAC(signingKey []byte, id, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, StandardKey(signingKey))
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// VerifyStandard reports whether one of the space-separated "v1,<base64>" entries of header
// matches. It does not check the timestamp's age; callers do (Standard Webhooks allows 5 minutes).
func VerifyStandard(signingKey []byte, id, timestamp string, body []byte, header string) bool {
	want := standardMAC(signingKey, id, timestamp, body)
	for _, entry := range strings.Fields(header) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(want, got) {
			return true
		}
	}
	return false
}

// Keys are the signing keys of one attempt. Outside a key rotation both are the endpoint's key.
// During a rotation's overlap Standard holds the old key then the new one, and Scalr is the old
// key until the rotation's switch time, the new key after it (Scalr handlers know one key).
type Keys struct {
	Scalr    []byte   // X-Signature (HMAC-SHA1 keyed with the key's ASCII bytes)
	Standard [][]byte // one "v1,…" entry of webhook-signature each, in this order
}

// SingleKey is the key set of an endpoint that is not rotating its key.
func SingleKey(key []byte) Keys { return Keys{Scalr: key, Standard: [][]byte{key}} }

// SignStandardAll returns the webhook-signature value for several keys: their "v1,…" entries
// separated by single spaces, as the Standard Webhooks specification allows during a rotation.
func SignStandardAll(keys [][]byte, id string, timestamp int64, body []byte) string {
	sigs := make([]string, len(keys))
	for i, k := range keys {
		sigs[i] = SignStandard(k, id, timestamp, body)
	}
	return strings.Join(sigs, " ")
}

// Headers returns every header of one delivery attempt (design §6.4). deliveryID is the delivery's
// id, identical on every attempt (X-Scalr-Webhook-Id and webhook-id); now is the send time, so
// Date and webhook-timestamp are fresh at each attempt. An empty version is sent as "dev".
func Headers(deliveryID string, key, body []byte, now time.Time, version string) http.Header {
	return HeadersWithKeys(deliveryID, SingleKey(key), body, now, version)
}

// HeadersWithKeys is Headers with a key set (a key rotation in progress).
func HeadersWithKeys(deliveryID string, keys Keys, body []byte, now time.Time, version string) http.Header {
	if version == "" {
		version = "dev"
	}
	date := FormatDate(now)
	ts := now.Unix()
	h := make(http.Header, 8)
	h.Set(HeaderContentType, ContentTypeJSON)
	h.Set(HeaderDate, date)
	h.Set(HeaderSignature, Sign(keys.Scalr, body, date))
	h.Set(HeaderScalrWebhookID, deliveryID)
	h.Set(HeaderStdWebhookID, deliveryID)
	h.Set(HeaderStdWebhookTime, strconv.FormatInt(ts, 10))
	h.Set(HeaderStdWebhookSig, SignStandardAll(keys.Standard, deliveryID, ts, body))
	h.Set(HeaderUserAgent, UserAgentProduct+"/"+version)
	return h
}

// GenerateSigningKey returns a new endpoint signing key: 64 characters from A-Za-z0-9+/ drawn
// from crypto/rand. It is the standard base64 encoding of 48 random bytes, so every character is
// uniform over the 64-character alphabet (no modulo bias) and no '=' padding appears.
func GenerateSigningKey() (string, error) {
	b := make([]byte, signingKeyRandomOctets)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("scalr: generate signing key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

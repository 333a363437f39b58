// Package signedlink makes and checks the signed, expiring links that act without a login:
// acknowledge or resolve from a paging mail, confirm a subscription, accept an invitation,
// verify a contact address. It is pure (no I/O): single use is the store's part, which records
// each link's ID when it is used (models.Store.ConsumeLink).
//
// A token is base64url(JSON claims) "." base64url(HMAC-SHA256(key, "switchboard-link.v1." +
// base64url(JSON claims))). The claims name a purpose, so a token made for one action never
// passes for another, a subject (what it acts on), an expiry, and a random ID.
package signedlink

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Errors of Verify. A caller shows ErrExpired and ErrInvalid differently to people (an expired
// link can be asked for again), but never says more about an invalid one.
var (
	ErrInvalid = errors.New("the link is not valid")
	ErrExpired = errors.New("the link has expired")
)

// MaxTokenLength bounds what Verify reads (links travel in URLs).
const MaxTokenLength = 2048

// Claims are what a link says.
type Claims struct {
	// Purpose names the action ("incident.ack", "invitation", …).
	Purpose string `json:"p"`
	// Subject is what the action applies to (an incident id, an invitation id, …).
	Subject string `json:"s"`
	// Actor, when set, is who the link acts for (the person the page was sent to).
	Actor string `json:"a,omitempty"`
	// ID makes each link distinct and is recorded when the link is used.
	ID string `json:"n"`
	// Expires is a Unix time in seconds.
	Expires int64 `json:"e"`
}

// ExpiresAt is the expiry as a time.
func (c Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0).UTC() }

// Signer signs and verifies links with one key.
type Signer struct{ key []byte }

// New returns a Signer; the key should be at least 32 bytes from a key derivation dedicated to
// links (never the key of another purpose).
func New(key []byte) (Signer, error) {
	if len(key) < 32 {
		return Signer{}, errors.New("signed links need a key of at least 32 bytes")
	}
	return Signer{key: append([]byte(nil), key...)}, nil
}

const domain = "switchboard-link.v1."

func (s Signer) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(domain))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// Sign returns a token for a purpose and subject that expires after ttl; a fresh random ID is
// set when c.ID is empty.
func (s Signer) Sign(purpose, subject, actor string, ttl time.Duration, now time.Time) (string, Claims, error) {
	if len(s.key) == 0 {
		return "", Claims{}, errors.New("signed links have no key")
	}
	if purpose == "" || subject == "" || ttl <= 0 {
		return "", Claims{}, errors.New("a link needs a purpose, a subject and a lifetime")
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", Claims{}, err
	}
	c := Claims{Purpose: purpose, Subject: subject, Actor: actor, ID: hex.EncodeToString(id[:]), Expires: now.Add(ttl).Unix()}
	raw, err := json.Marshal(c)
	if err != nil {
		return "", Claims{}, err
	}
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload)), c, nil
}

// Verify checks a token's signature, purpose and expiry at now and returns its claims.
func (s Signer) Verify(token, purpose string, now time.Time) (Claims, error) {
	if len(s.key) == 0 || len(token) > MaxTokenLength {
		return Claims{}, ErrInvalid
	}
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Claims{}, ErrInvalid
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(payload)) {
		return Claims{}, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Claims{}, ErrInvalid
	}
	var c Claims
	if err := json.Unmarshal(raw, &c); err != nil || c.ID == "" || c.Subject == "" {
		return Claims{}, ErrInvalid
	}
	// Compared after the signature, so a forged token learns nothing from the answer.
	if c.Purpose != purpose {
		return Claims{}, ErrInvalid
	}
	if now.Unix() >= c.Expires {
		return c, ErrExpired
	}
	return c, nil
}

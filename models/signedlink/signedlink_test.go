package signedlink

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tok, c, err := s.Sign("incident.ack", "inc-1", "user-1", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(tok, "incident.ack", now.Add(59*time.Minute))
	if err != nil || got != c || got.Subject != "inc-1" || got.Actor != "user-1" {
		t.Fatalf("verify: %+v %v", got, err)
	}
	if _, err := s.Verify(tok, "incident.ack", now.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Fatalf("at expiry: %v", err)
	}
	tok2, c2, _ := s.Sign("incident.ack", "inc-1", "user-1", time.Hour, now)
	if tok2 == tok || c2.ID == c.ID {
		t.Fatal("two links for the same action share an id")
	}

	other, _ := New(bytes.Repeat([]byte{8}, 32))
	payload, sig, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	resolve := base64.RawURLEncoding.EncodeToString(bytes.Replace(raw, []byte(`"incident.ack"`), []byte(`"incident.resolve"`), 1))
	longer := base64.RawURLEncoding.EncodeToString(bytes.Replace(raw, []byte(`"inc-1"`), []byte(`"inc-2"`), 1))
	bad := map[string]struct {
		token, purpose string
		signer         Signer
	}{
		"another purpose":          {tok, "incident.resolve", s},
		"another key":              {tok, "incident.ack", other},
		"purpose edited":           {resolve + "." + sig, "incident.resolve", s},
		"subject edited":           {longer + "." + sig, "incident.ack", s},
		"no signature":             {payload, "incident.ack", s},
		"empty":                    {"", "incident.ack", s},
		"garbage":                  {"a.b", "incident.ack", s},
		"signature of other bytes": {payload + "." + base64.RawURLEncoding.EncodeToString([]byte("x")), "incident.ack", s},
		"too long":                 {strings.Repeat("a", MaxTokenLength+1), "incident.ack", s},
		"zero signer":              {tok, "incident.ack", Signer{}},
	}
	for name, b := range bad {
		if _, err := b.signer.Verify(b.token, b.purpose, now); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
	if _, err := New(key[:31]); err == nil {
		t.Fatal("short key accepted")
	}
	if _, _, err := s.Sign("", "x", "", time.Hour, now); err == nil {
		t.Fatal("link without purpose signed")
	}
}

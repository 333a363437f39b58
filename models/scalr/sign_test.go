package scalr

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// Design §6.4 test vector.
const (
	goldenKey  = "k"
	goldenBody = `{"eventName":"HostUp"}`
	goldenDate = "Wed 06 Sep 2017 12:21:17 UTC"
	goldenSig  = "a9f4cb6a02754dc2c0b97ded2c2a05fab92dcca5"
)

// A key of the generated shape (64 characters of A-Za-z0-9+/), with vectors computed outside Go:
//
//	python3 -c 'import hmac,hashlib,base64
//	k="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
//	m=b"0b6f8c52-3c1e-4b8e-9a57-1f0e4a7d2c11.1504700477."+b"{\"eventName\":\"HostUp\"}"
//	print(hmac.new(k.encode(),b"{\"eventName\":\"HostUp\"}Wed 06 Sep 2017 12:21:17 UTC",hashlib.sha1).hexdigest())
//	print(base64.b64encode(hmac.new(base64.b64decode(k),m,hashlib.sha256).digest()).decode())
//	print(base64.b64encode(hmac.new(k.encode(),m,hashlib.sha256).digest()).decode())'
const (
	key64          = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	key64Sig       = "7652fa18f298863dd80a6db7c2daba10c12634c8"
	stdID          = "0b6f8c52-3c1e-4b8e-9a57-1f0e4a7d2c11"
	stdTimestamp   = 1504700477 // goldenDate as Unix seconds
	key64StdSig    = "v1,/kpb3M4zaJqc+RxR2hBFZcXVwQo7/963CAdtQlNW0pk="
	key64RawStdSig = "v1,0xxySDkTAQH6znTU6B08Tb324MwjiS/tH3579DBANgY=" // what raw ASCII key bytes would give
)

func TestSign(t *testing.T) {
	if got := Sign([]byte(goldenKey), []byte(goldenBody), goldenDate); got != goldenSig {
		t.Errorf("Sign(design vector) = %s, want %s", got, goldenSig)
	}
	if got := Sign([]byte(key64), []byte(goldenBody), goldenDate); got != key64Sig {
		t.Errorf("Sign(64-char key) = %s, want %s", got, key64Sig)
	}
}

func TestVerify(t *testing.T) {
	key, body := []byte(goldenKey), []byte(goldenBody)
	if !Verify(key, body, goldenDate, goldenSig) {
		t.Fatal("Verify(design vector) = false")
	}
	for name, tc := range map[string]struct {
		key, body string
		date, sig string
	}{
		"WrongKey":       {"K", goldenBody, goldenDate, goldenSig},
		"TamperedBody":   {goldenKey, `{"eventName":"HostUp" }`, goldenDate, goldenSig},
		"OtherDate":      {goldenKey, goldenBody, "Wed 06 Sep 2017 12:21:18 UTC", goldenSig},
		"UppercaseHex":   {goldenKey, goldenBody, goldenDate, strings.ToUpper(goldenSig)},
		"Truncated":      {goldenKey, goldenBody, goldenDate, goldenSig[:39]},
		"Empty":          {goldenKey, goldenBody, goldenDate, ""},
		"DateNotInKey":   {goldenKey + goldenDate, goldenBody, "", goldenSig},
		"DateBeforeBody": {goldenKey, goldenDate + goldenBody, "", goldenSig},
	} {
		if Verify([]byte(tc.key), []byte(tc.body), tc.date, tc.sig) {
			t.Errorf("%s: Verify = true, want false", name)
		}
	}
}

func TestVerifyRequest(t *testing.T) {
	key, body := []byte(key64), []byte(goldenBody)
	now := time.Date(2017, 9, 6, 12, 21, 17, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		date, sig string
		want      error
	}{
		{"OK", goldenDate, key64Sig, nil},
		{"OKRFC1123", "Wed, 06 Sep 2017 12:21:17 GMT", Sign(key, body, "Wed, 06 Sep 2017 12:21:17 GMT"), nil},
		{"ErrBadSignature", goldenDate, goldenSig, ErrBadSignature},
		{"ErrMissingSignature", goldenDate, "", ErrBadSignature},
		{"ErrMissingDate", "", Sign(key, body, ""), ErrBadSignature},
		{"ErrStaleDate", "Wed 06 Sep 2017 12:11:17 UTC", Sign(key, body, "Wed 06 Sep 2017 12:11:17 UTC"), ErrStaleDate},
		{"ErrBadDate", "Wed 06 Sep 2017 12:21:17", Sign(key, body, "Wed 06 Sep 2017 12:21:17"), ErrBadDate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyRequest(key, body, tc.date, tc.sig, now)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("VerifyRequest = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestStandardKey(t *testing.T) {
	decoded, _ := base64.StdEncoding.DecodeString(key64)
	for _, tc := range []struct {
		name, key string
		want      []byte
	}{
		{"Generated64Decoded", key64, decoded},
		{"PaddedDecoded", "AB==", []byte{0x00}},
		{"ShortRaw", "k", []byte("k")},
		{"UnpaddedRaw", "ABC", []byte("ABC")}, // not a multiple of 4: not "well-formed padded"
		{"NewlineRaw", "AB\nC", []byte("AB\nC")},
		{"URLSafeRaw", "AB-_", []byte("AB-_")},
		{"PaddingOnlyRaw", "====", []byte("====")},
		{"ThreeEqualsRaw", "A===", []byte("A===")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := StandardKey([]byte(tc.key)); string(got) != string(tc.want) {
				t.Fatalf("StandardKey(%q) = %x, want %x", tc.key, got, tc.want)
			}
		})
	}
	if len(decoded) != 48 {
		t.Fatalf("a 64-character key decodes to %d bytes, want 48", len(decoded))
	}
}

func TestSignStandard(t *testing.T) {
	key, body := []byte(key64), []byte(goldenBody)
	got := SignStandard(key, stdID, stdTimestamp, body)
	if got != key64StdSig {
		t.Fatalf("SignStandard = %s, want %s (raw-ASCII-key value would be %s)", got, key64StdSig, key64RawStdSig)
	}
	ts := "1504700477"
	if !VerifyStandard(key, stdID, ts, body, got) {
		t.Error("VerifyStandard(own signature) = false")
	}
	if !VerifyStandard(key, stdID, ts, body, "v2,abc v1,bm90IGl0 "+got) {
		t.Error("VerifyStandard did not find the matching entry among several")
	}
	for name, h := range map[string]string{
		"RawKeyVariant": key64RawStdSig,
		"WrongVersion":  "v2," + strings.TrimPrefix(got, "v1,"),
		"NoVersion":     strings.TrimPrefix(got, "v1,"),
		"Empty":         "",
	} {
		if VerifyStandard(key, stdID, ts, body, h) {
			t.Errorf("%s: VerifyStandard(%q) = true", name, h)
		}
	}
	if VerifyStandard(key, stdID, "1504700478", body, got) {
		t.Error("VerifyStandard accepted another timestamp")
	}
	if VerifyStandard(key, "other", ts, body, got) {
		t.Error("VerifyStandard accepted another id")
	}
}

func TestHeaders(t *testing.T) {
	now := time.Date(2017, 9, 6, 12, 21, 17, 123_000_000, time.FixedZone("", 3600)) // 11:21:17.123 UTC
	key, body := []byte(key64), []byte(goldenBody)
	h := Headers(stdID, key, body, now, "1.4.2")
	want := map[string]string{
		"Content-Type":       "application/json",
		"Date":               "Wed 06 Sep 2017 11:21:17 UTC",
		"X-Signature":        Sign(key, body, "Wed 06 Sep 2017 11:21:17 UTC"),
		"X-Scalr-Webhook-Id": stdID,
		"Webhook-Id":         stdID,
		"Webhook-Timestamp":  "1504696877",
		"Webhook-Signature":  SignStandard(key, stdID, 1504696877, body),
		"User-Agent":         "Switchboard/1.4.2",
	}
	if len(h) != len(want) {
		t.Errorf("Headers has %d names, want %d: %v", len(h), len(want), h)
	}
	for name, v := range want {
		if got := h.Values(name); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want [%q]", name, got, v)
		}
	}
	// The lowercase spellings of §6.4 reach the same values.
	if h.Get("webhook-id") != stdID || h.Get("x-signature") == "" {
		t.Error("case-insensitive lookups failed")
	}
	if got := Headers(stdID, key, body, now, "").Get("User-Agent"); got != "Switchboard/dev" {
		t.Errorf("empty version: User-Agent = %q", got)
	}
	// The headers carry a signature a receiver accepts at that time.
	if err := VerifyRequest(key, body, h.Get("Date"), h.Get("X-Signature"), now.Add(10*time.Second)); err != nil {
		t.Errorf("VerifyRequest(Headers) = %v", err)
	}
}

func TestGenerateSigningKey(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	const n = 400
	for range n {
		k, err := GenerateSigningKey()
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != SigningKeyLength {
			t.Fatalf("len(%q) = %d", k, len(k))
		}
		for _, c := range k {
			if !isBase64Char(byte(c)) || c > 127 {
				t.Fatalf("key %q has %q outside A-Za-z0-9+/", k, c)
			}
			counts[c]++
		}
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
		if len(StandardKey([]byte(k))) != 48 {
			t.Fatalf("StandardKey(%q) is not the 48 decoded bytes", k)
		}
	}
	// 25 600 characters over 64 symbols: 400 expected each. A biased generator (e.g. one that
	// never emits '+' and '/', or folds 256 onto 62) is far outside these bounds.
	if len(counts) != 64 {
		t.Fatalf("%d distinct characters, want 64", len(counts))
	}
	for c, got := range counts {
		if got < 250 || got > 550 {
			t.Errorf("character %q appeared %d times, expected about 400", c, got)
		}
	}
}

package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-hub/switchboard/models/netguard"
	"github.com/switchboard-hub/switchboard/models/scalr"
)

// ---- Key rotation with a grace period (issue 8, item 4) ----

// MaxKeyOverlap bounds a key rotation's overlap.
const MaxKeyOverlap = 7 * 24 * time.Hour

// RotateKeyInput is a key rotation. Overlap is how long the old key keeps signing beside the new
// one (0: replace at once, as before). SwitchAt is when X-Signature moves to the new key, within
// the overlap; nil means at the end of the overlap. The default keeps Scalr handlers (which know
// one key) verifying until the overlap ends: they have the whole overlap to install the new key,
// and the user picks an earlier time once they have.
type RotateKeyInput struct {
	Overlap  time.Duration
	SwitchAt *time.Time
}

// KeyRotation is the state of an endpoint's key rotation at one instant. It never holds keys.
type KeyRotation struct {
	// InProgress: the old key still signs beside the new one.
	InProgress bool
	RotatedAt  *time.Time
	// OverlapUntil is when the old key stops signing (nil outside a rotation).
	OverlapUntil *time.Time
	// SignatureSwitchAt is when X-Signature moves from the old key to the new (nil outside a
	// rotation).
	SignatureSwitchAt *time.Time
	// ScalrUsesNewKey: X-Signature is signed with the new key now.
	ScalrUsesNewKey bool
}

// rotating reports whether e's old key still signs at now.
func (e *Endpoint) rotating(now time.Time) bool {
	return len(e.PreviousSigningKeyEnc) > 0 && e.KeyOverlapUntil != nil && now.Before(*e.KeyOverlapUntil)
}

// KeyRotationAt returns e's rotation state at now.
func (e *Endpoint) KeyRotationAt(now time.Time) KeyRotation {
	r := KeyRotation{RotatedAt: e.KeyRotatedAt, ScalrUsesNewKey: true}
	if !e.rotating(now) {
		return r
	}
	r.InProgress, r.OverlapUntil, r.SignatureSwitchAt = true, e.KeyOverlapUntil, e.SignatureSwitchAt
	r.ScalrUsesNewKey = e.SignatureSwitchAt == nil || !now.Before(*e.SignatureSwitchAt)
	return r
}

// KeyRotation returns e's rotation state now.
func (s *Store) KeyRotation(e *Endpoint) KeyRotation { return e.KeyRotationAt(s.now()) }

// SigningKeys decrypts the keys an attempt at now signs with: outside a rotation the endpoint's
// key for both signatures; during the overlap both keys in webhook-signature (old, then new) and
// the old or new key in X-Signature depending on the switch time. After the overlap the old key
// is never used, even before the maintenance task clears its column.
func (s *Store) SigningKeys(e *Endpoint, now time.Time) (scalr.Keys, error) {
	key, err := s.SigningKey(e)
	if err != nil {
		return scalr.Keys{}, err
	}
	if !e.rotating(now) {
		return scalr.SingleKey(key), nil
	}
	old, err := s.sealer.open(e.PreviousSigningKeyEnc, e.ID)
	if err != nil {
		return scalr.Keys{}, err
	}
	return e.keysAt(key, old, now), nil
}

// VerificationKeys are the keys a signature from the endpoint's side (an approval callback's
// X-Signature) may be made with now: the current key, and the old one during a rotation's
// overlap until the X-Signature switch. Approvers sign like Scalr handlers verify, with one
// key: they move to the new key at their own pace before the switch; from the switch on, when
// Switchboard's own X-Signature uses the new key, the old key no longer authorizes anything
// (a rotation because the old key leaked stops it from approving as early as the user chose).
func (s *Store) VerificationKeys(e *Endpoint) ([][]byte, error) {
	now := s.now()
	ks, err := s.SigningKeys(e, now)
	if err != nil {
		return nil, err
	}
	if e.rotating(now) && e.KeyRotationAt(now).ScalrUsesNewKey {
		return [][]byte{ks.Scalr}, nil
	}
	return ks.Standard, nil
}

// RotateEndpointKey replaces the signing key and returns the new one, once. With an overlap the
// old key keeps signing beside the new one until the overlap ends (see RotateKeyInput); without
// one, every attempt from now on (deliveries already queued included) uses the new key only.
// Admins of the endpoint's scope. Errors: EINVALID overlap or switch time out of range;
// ECONFLICT a rotation is already in progress (finish or cancel it first).
func (s *Store) RotateEndpointKey(ctx context.Context, a *Actor, id string, in RotateKeyInput) (*Endpoint, string, error) {
	e, err := s.GetEndpoint(ctx, a, id, RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	if in.Overlap < 0 || in.Overlap > MaxKeyOverlap {
		return nil, "", FieldError(EINVALID, "overlapSeconds", "the overlap must be between 0 and 7 days")
	}
	now := s.now()
	if e.rotating(now) {
		return nil, "", Errorf(ECONFLICT, "a key rotation of endpoint %q is in progress until %s: finish or cancel it first", e.Name, e.KeyOverlapUntil.UTC().Format(time.RFC3339))
	}
	until := now.Add(in.Overlap)
	switchAt := until
	if in.SwitchAt != nil {
		switchAt = in.SwitchAt.UTC()
		if switchAt.Before(now.Add(-time.Minute)) || switchAt.After(until) {
			return nil, "", FieldError(EINVALID, "signatureSwitchAt", "the X-Signature switch must be between now and the end of the overlap (%s)", until.Format(time.RFC3339))
		}
		if switchAt.Before(now) {
			switchAt = now
		}
	}
	key, err := scalr.GenerateSigningKey()
	if err != nil {
		return nil, "", err
	}
	sealed, err := s.sealKey(key, e.ID)
	if err != nil {
		return nil, "", err
	}
	old := e.SigningKeyEnc
	changes := map[string]any{"signing_key_enc": sealed, "key_rotated_at": now, "updated_at": now,
		"previous_signing_key_enc": nil, "key_overlap_until": nil, "signature_switch_at": nil}
	e.SigningKeyEnc, e.KeyRotatedAt = sealed, &now
	e.PreviousSigningKeyEnc, e.KeyOverlapUntil, e.SignatureSwitchAt = nil, nil, nil
	summary := fmt.Sprintf("%s rotated the signing key of endpoint %q (the old key stopped signing at once)", a.Label(), e.Name)
	if in.Overlap > 0 {
		// The old sealed key moves column as is: the row id is its additional data.
		changes["previous_signing_key_enc"], changes["key_overlap_until"], changes["signature_switch_at"] = old, until, switchAt
		e.PreviousSigningKeyEnc, e.KeyOverlapUntil, e.SignatureSwitchAt = old, &until, &switchAt
		summary = fmt.Sprintf("%s rotated the signing key of endpoint %q: the old key signs webhook-signature until %s, X-Signature moves to the new key at %s",
			a.Label(), e.Name, until.Format(time.RFC3339), switchAt.Format(time.RFC3339))
	}
	ref := &ScopeRef{Scope: e.Scope, ID: e.ScopeID, AccountID: deref(e.AccountID)}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		// Conditional on the key read above and on no overlap in progress: of two concurrent
		// rotations only one changes the row, so no revealed key is one that never signs.
		res := tx.Model(&Endpoint{}).
			Where("id = ? AND signing_key_enc = ? AND (key_overlap_until IS NULL OR key_overlap_until <= ?)", e.ID, old, now).
			Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "the signing key of endpoint %q changed meanwhile (another rotation?): reload and try again", e.Name)
		}
		return s.auditScoped(tx, a, ref, "endpoint.key_rotated", "endpoint", e.ID, summary)
	})
	if err != nil {
		return nil, "", err
	}
	return e, key, nil
}

// FinishEndpointKeyRotation ends a rotation now: the old key stops signing and X-Signature uses
// the new key. Admins of the endpoint's scope; ECONFLICT when no rotation is in progress.
func (s *Store) FinishEndpointKeyRotation(ctx context.Context, a *Actor, id string) (*Endpoint, error) {
	return s.endRotation(ctx, a, id, false)
}

// CancelEndpointKeyRotation ends a rotation by going back to the old key: the new key (revealed
// at the rotation) stops signing at once. Admins; ECONFLICT when no rotation is in progress.
func (s *Store) CancelEndpointKeyRotation(ctx context.Context, a *Actor, id string) (*Endpoint, error) {
	return s.endRotation(ctx, a, id, true)
}

func (s *Store) endRotation(ctx context.Context, a *Actor, id string, cancel bool) (*Endpoint, error) {
	e, err := s.GetEndpoint(ctx, a, id, RoleAdmin)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !e.rotating(now) {
		return nil, Errorf(ECONFLICT, "endpoint %q has no key rotation in progress", e.Name)
	}
	changes := map[string]any{"previous_signing_key_enc": nil, "key_overlap_until": nil, "signature_switch_at": nil, "updated_at": now}
	action, summary := "endpoint.key_rotation_finished", fmt.Sprintf("%s finished the key rotation of endpoint %q: only the new key signs", a.Label(), e.Name)
	if cancel {
		changes["signing_key_enc"] = e.PreviousSigningKeyEnc
		e.SigningKeyEnc = e.PreviousSigningKeyEnc
		action, summary = "endpoint.key_rotation_cancelled", fmt.Sprintf("%s cancelled the key rotation of endpoint %q: only the old key signs", a.Label(), e.Name)
	}
	ref := &ScopeRef{Scope: e.Scope, ID: e.ScopeID, AccountID: deref(e.AccountID)}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		// The condition makes a concurrent finish/cancel/rotate lose cleanly.
		res := tx.Model(&Endpoint{}).Where("id = ? AND key_overlap_until = ?", e.ID, *e.KeyOverlapUntil).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(ECONFLICT, "the key rotation of endpoint %q changed meanwhile: reload and try again", e.Name)
		}
		return s.auditScoped(tx, a, ref, action, "endpoint", e.ID, summary)
	})
	if err != nil {
		return nil, err
	}
	e.PreviousSigningKeyEnc, e.KeyOverlapUntil, e.SignatureSwitchAt = nil, nil, nil
	return e, nil
}

// DropExpiredSigningKeys clears the old keys of rotations whose overlap has ended (the
// maintenance task; signing already ignores them). It returns how many it cleared.
func (s *Store) DropExpiredSigningKeys(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Model(&Endpoint{}).
		Where("previous_signing_key_enc IS NOT NULL AND (key_overlap_until IS NULL OR key_overlap_until <= ?)", s.now()).
		Updates(map[string]any{"previous_signing_key_enc": nil, "key_overlap_until": nil, "signature_switch_at": nil})
	return res.RowsAffected, res.Error
}

// ---- Custom request headers (issue 8, item 9) ----

// HeaderPair is one custom request header of an endpoint.
type HeaderPair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Limits of custom headers.
const (
	MaxCustomHeaders     = 20
	MaxHeaderNameLength  = 100
	MaxHeaderValueLength = 2048
	MaxCustomHeaderBytes = 8 << 10 // names and values together
)

// RedactedValue replaces secrets (header values) for those who may not read them.
const RedactedValue = "••••"

// ownedHeaders are set by Switchboard or by HTTP itself; an endpoint cannot add or replace them.
var ownedHeaders = map[string]bool{
	"content-type": true, "content-length": true, "content-encoding": true, "transfer-encoding": true,
	"te": true, "trailer": true, "connection": true, "keep-alive": true, "upgrade": true, "host": true,
	"date": true, "expect": true, "user-agent": true, "x-signature": true, "proxy-authorization": true,
	"proxy-connection": true, "http2-settings": true,
}

// ownedHeaderPrefixes: the Scalr and Standard Webhooks header families, and proxy headers.
var ownedHeaderPrefixes = []string{"x-scalr-", "webhook-", "proxy-"}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// headerKey is how receivers may read a header name: case-insensitively, and with `_` as `-`
// (CGI-style gateways expose both X-Signature and X_Signature as HTTP_X_SIGNATURE; some proxies
// accept or translate underscores), so X_Signature is X-Signature.
func headerKey(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

// headerOwned reports whether name is, or may be read as, a header Switchboard sets or HTTP
// reserves.
func headerOwned(name string) bool {
	n := headerKey(name)
	if ownedHeaders[n] {
		return true
	}
	for _, p := range ownedHeaderPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// cleanHeaders validates custom headers: RFC 7230 token names, values without control
// characters (horizontal tab allowed), no header Switchboard owns, no duplicate, at most
// MaxCustomHeaders and MaxCustomHeaderBytes in all. Values are trimmed of surrounding blanks, as
// HTTP does.
func cleanHeaders(in []HeaderPair) ([]HeaderPair, error) {
	if len(in) > MaxCustomHeaders {
		return nil, FieldError(EINVALID, "headers", "at most %d custom headers", MaxCustomHeaders)
	}
	out := make([]HeaderPair, 0, len(in))
	seen := map[string]bool{}
	total := 0
	for i, h := range in {
		field := fmt.Sprintf("headers.%d.name", i)
		name := strings.TrimSpace(h.Name)
		switch {
		case name == "":
			return nil, FieldError(EINVALID, field, "header %d: a name is required", i+1)
		case len(name) > MaxHeaderNameLength:
			return nil, FieldError(EINVALID, field, "header %d: the name must be at most %d characters", i+1, MaxHeaderNameLength)
		}
		for j := 0; j < len(name); j++ {
			if !isTokenChar(name[j]) {
				return nil, FieldError(EINVALID, field, "header %d: a header name is letters, digits and !#$%%&'*+-.^_`|~ only (RFC 7230 token)", i+1)
			}
		}
		if headerOwned(name) {
			return nil, FieldError(EINVALID, field, "header %d: %s is (or may be read as, with _ as -) a header set by Switchboard or by HTTP and cannot be replaced", i+1, name)
		}
		if seen[headerKey(name)] {
			return nil, FieldError(EINVALID, field, "header %d: %s appears twice (names differing only in case or in _ and - are the same header to many receivers)", i+1, name)
		}
		seen[headerKey(name)] = true
		vfield := fmt.Sprintf("headers.%d.value", i)
		value := strings.Trim(h.Value, " \t")
		if len(value) > MaxHeaderValueLength {
			return nil, FieldError(EINVALID, vfield, "header %d (%s): the value must be at most %d bytes", i+1, name, MaxHeaderValueLength)
		}
		for j := 0; j < len(value); j++ {
			if c := value[j]; c < ' ' && c != '\t' || c == 0x7f {
				return nil, FieldError(EINVALID, vfield, "header %d (%s): the value must not contain control characters (CR, LF, NUL…)", i+1, name)
			}
		}
		total += len(name) + len(value)
		out = append(out, HeaderPair{Name: name, Value: value})
	}
	if total > MaxCustomHeaderBytes {
		return nil, FieldError(EINVALID, "headers", "custom headers must be at most %d bytes in all", MaxCustomHeaderBytes)
	}
	return out, nil
}

// headersAD is the additional data sealing an endpoint's custom headers: the row id, like its
// keys, and a suffix, so a header blob never opens as a key (nor a key as headers).
func headersAD(rowID string) string { return rowID + ":headers" }

// sealHeaders encrypts headers for the row; none gives NULL.
func (s *Store) sealHeaders(hs []HeaderPair, rowID string) ([]byte, error) {
	if len(hs) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(hs)
	if err != nil {
		return nil, err
	}
	return s.sealKey(string(b), headersAD(rowID))
}

// CustomHeaders decrypts an endpoint's custom headers (the delivery worker; admins).
func (s *Store) CustomHeaders(e *Endpoint) ([]HeaderPair, error) {
	if len(e.CustomHeadersEnc) == 0 {
		return nil, nil
	}
	if s.sealer == nil {
		return nil, errors.New("no encryption key configured")
	}
	b, err := s.sealer.open(e.CustomHeadersEnc, headersAD(e.ID))
	if err != nil {
		return nil, err
	}
	var hs []HeaderPair
	if err := json.Unmarshal(b, &hs); err != nil {
		return nil, fmt.Errorf("endpoint %s: custom headers: %w", e.ID, err)
	}
	return hs, nil
}

// VisibleHeaders returns e's custom headers as a shows them: values to admins of e's scope
// (system administrators for system endpoints), RedactedValue to everyone else.
func (s *Store) VisibleHeaders(ctx context.Context, a *Actor, e *Endpoint) ([]HeaderPair, error) {
	hs, err := s.CustomHeaders(e)
	if err != nil || s.RevealsEndpoint(ctx, a, e) {
		return hs, err
	}
	for i := range hs {
		hs[i].Value = RedactedValue
	}
	return hs, nil
}

// ---- Endpoint URLs are credentials (issue 8, item 15) ----

// RevealsEndpoint reports whether a may read e's secrets as stored (its full URL, its custom
// header values): admins of e's scope, system administrators for system endpoints.
func (s *Store) RevealsEndpoint(ctx context.Context, a *Actor, e *Endpoint) bool {
	_, err := s.resolveScope(ctx, a, ScopeKey{Scope: e.Scope, ID: e.ScopeID}, RoleAdmin)
	return err == nil
}

// VisibleURL returns e's URL as a may see it: whole for admins of its scope, otherwise scheme
// and host only (RedactURL). Slack webhook URLs and ?token= queries are credentials.
func (s *Store) VisibleURL(ctx context.Context, a *Actor, e *Endpoint) string {
	if s.RevealsEndpoint(ctx, a, e) {
		return e.URL
	}
	return RedactURL(e.URL)
}

// RevealsEndpointID is RevealsEndpoint for an endpoint id (delivery attempts). A deleted
// endpoint's scope is unknown: only system administrators, who administer every scope, see it.
func (s *Store) RevealsEndpointID(ctx context.Context, a *Actor, id *string) bool {
	if id != nil && validID(*id) {
		var e Endpoint
		if err := s.db.WithContext(ctx).Select("id", "scope", "scope_id").Where("id = ?", *id).Take(&e).Error; err == nil {
			return s.RevealsEndpoint(ctx, a, &e)
		}
	}
	return a != nil && (a.System || (a.IsSystemAdmin && a.TokenID == ""))
}

// VisibleAttempts returns copies of a delivery's attempts as the actor may see them. The
// attempts' URLs are the endpoint's (or where it redirected): credentials, like Endpoint.url.
// What the receiver answered can repeat them (a redirect to itself, a Content-Location, a body
// echoing the request's URL or headers), and no scrubbing catches every encoding of a token:
// those who may not see the endpoint's URL get neither the response headers nor the body
// (status, timing and error stay). The input is left as it was (a loader's cache).
func (s *Store) VisibleAttempts(ctx context.Context, a *Actor, endpointID *string, as []DeliveryAttempt) []DeliveryAttempt {
	out := make([]DeliveryAttempt, len(as))
	copy(out, as)
	if len(out) == 0 || s.RevealsEndpointID(ctx, a, endpointID) {
		return out
	}
	for i := range out {
		out[i].URL = RedactURL(out[i].URL)
		out[i].ResponseHeaders, out[i].ResponseBody, out[i].ResponseHidden = nil, "", true
	}
	return out
}

// RedactURL keeps a URL's scheme and host (with port) and replaces any path, query or user
// information with "…": https://hooks.slack.com/services/T0/B0/x → https://hooks.slack.com/….
// Text that does not parse as a URL with a host is redacted whole.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return "…"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" || u.ForceQuery {
		out += "/…"
	}
	return out
}

// ---- Save-time outbound guard warning (issue 8, item 16) ----

// SetOutboundGuard sets the guard (the same allow and deny lists as the delivery worker) and the
// resolver used to warn when an endpoint is saved whose host currently resolves to a refused
// address. Without it, no warning is given.
func (s *Store) SetOutboundGuard(g *netguard.Guard, r netguard.Resolver) {
	s.outbound = &outboundCheck{guard: g, resolver: r}
}

type outboundCheck struct {
	guard    *netguard.Guard
	resolver netguard.Resolver
}

// urlWarnings resolves rawURL's host (within netguard.LookupTimeout) and words each rule of the
// outbound guard that refuses one of its addresses. DNS can change, so this is advice: the
// endpoint is saved and the dialer decides at every attempt. A host that does not resolve now
// gives no warning. The resolved addresses are not named (the API process's DNS answers can be
// internal information; the rule is what the user needs); an IP-literal URL's address is, being
// the user's own text.
func (s *Store) urlWarnings(ctx context.Context, rawURL string) []string {
	if s.outbound == nil {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	host := u.Hostname()
	refused, err := s.outbound.guard.Refusals(ctx, s.outbound.resolver, host)
	if err != nil || len(refused) == 0 {
		return nil
	}
	if _, err := netip.ParseAddr(host); err == nil {
		r := refused[0]
		return []string{fmt.Sprintf("deliveries may not connect to %s (%s): attempts will fail", r.Addr, guardReason(r))}
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range refused {
		reason := guardReason(r)
		if seen[reason] {
			continue
		}
		seen[reason] = true
		out = append(out, fmt.Sprintf("%s currently resolves to an address deliveries may not connect to (%s): attempts to that address will fail", host, reason))
	}
	return out
}

func guardReason(e *netguard.Error) string {
	if e.Reason == "denied" {
		return "listed in SWITCHBOARD_OUTBOUND_DENY"
	}
	return e.Reason + "; an operator can allow it with SWITCHBOARD_OUTBOUND_ALLOW"
}

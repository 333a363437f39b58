package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func TestEndpointKeyRotation(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: f.Account.ID}
		reload := func(t *testing.T, id string) *models.Endpoint {
			t.Helper()
			var e models.Endpoint
			mustNoErr(t, f.DB.Where("id = ?", id).Take(&e).Error)
			return &e
		}
		keysNow := func(t *testing.T, id string) (scalrKey string, std []string) {
			t.Helper()
			ks, err := f.Store.SigningKeys(reload(t, id), f.Clock.Now())
			mustNoErr(t, err)
			for _, k := range ks.Standard {
				std = append(std, string(k))
			}
			return string(ks.Scalr), std
		}

		t.Run("OverlapThenSwitchThenNewOnly", func(t *testing.T) {
			e, oldKey := f.MustEndpoint(t, f.AdminActor, scope, "overlap", false)
			switchAt := f.Clock.Now().Add(time.Hour)
			_, newKey, err := f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{Overlap: 2 * time.Hour, SwitchAt: &switchAt})
			mustNoErr(t, err)
			s, std := keysNow(t, e.ID)
			wantEqual(t, "X-Signature before the switch", s, oldKey)
			wantEqual(t, "webhook-signature keys", std, []string{oldKey, newKey})
			f.Clock.Advance(time.Hour)
			s, std = keysNow(t, e.ID)
			wantEqual(t, "X-Signature after the switch", s, newKey)
			wantEqual(t, "webhook-signature keys after the switch", std, []string{oldKey, newKey})
			_, _, err = f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{})
			wantCode(t, err, models.ECONFLICT)
			f.Clock.Advance(time.Hour)
			s, std = keysNow(t, e.ID)
			wantEqual(t, "X-Signature after the overlap", s, newKey)
			wantEqual(t, "webhook-signature after the overlap", std, []string{newKey})
			n, err := f.Store.DropExpiredSigningKeys(ctx)
			mustNoErr(t, err)
			if n < 1 || reload(t, e.ID).PreviousSigningKeyEnc != nil {
				t.Fatalf("dropped %d; previous key %v", n, reload(t, e.ID).PreviousSigningKeyEnc)
			}
		})

		t.Run("Cancel", func(t *testing.T) {
			e, oldKey := f.MustEndpoint(t, f.AdminActor, scope, "cancelled", false)
			_, err := f.Store.CancelEndpointKeyRotation(ctx, f.AdminActor, e.ID)
			wantCode(t, err, models.ECONFLICT)
			_, _, err = f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{Overlap: time.Hour})
			mustNoErr(t, err)
			_, err = f.Store.CancelEndpointKeyRotation(ctx, f.AdminActor, e.ID)
			mustNoErr(t, err)
			s, std := keysNow(t, e.ID)
			wantEqual(t, "after cancel", []string{s, std[0]}, []string{oldKey, oldKey})
			if len(std) != 1 || f.Store.KeyRotation(reload(t, e.ID)).InProgress {
				t.Fatal("the rotation is still in progress")
			}
			if len(f.MustAudit(t, f.Account.ID, "endpoint.key_rotation_cancelled")) != 1 {
				t.Fatal("no audit entry")
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			e, _ := f.MustEndpoint(t, f.AdminActor, scope, "invalid", false)
			_, _, err := f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{Overlap: 7*24*time.Hour + time.Second})
			wantField(t, err, models.EINVALID, "overlapSeconds")
			past := f.Clock.Now().Add(-time.Hour)
			_, _, err = f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{Overlap: time.Hour, SwitchAt: &past})
			wantField(t, err, models.EINVALID, "signatureSwitchAt")
			if r := reload(t, e.ID); r.KeyRotatedAt != nil {
				t.Fatal("a refused rotation changed the endpoint")
			}
		})

		t.Run("HeadersFollowingTheURLToAnotherOriginWarn", func(t *testing.T) {
			e, _ := f.MustEndpoint(t, f.AdminActor, scope, "moving", false)
			at := func(u string) *string { return &u }
			hs := []models.HeaderPair{{Name: "X-Api-Key", Value: "secret"}}
			_, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{URL: at("https://8.8.8.8/hook"), Headers: &hs})
			mustNoErr(t, err)
			moved := func(w []string) bool {
				for _, s := range w {
					if strings.Contains(s, "custom headers") {
						return true
					}
				}
				return false
			}
			// Same origin, another path: no warning.
			got, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{URL: at("https://8.8.8.8/other")})
			mustNoErr(t, err)
			if moved(got.Warnings) {
				t.Fatalf("same origin warned: %v", got.Warnings)
			}
			// Another origin with the old headers kept: warned, naming the new origin.
			got, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{URL: at("https://1.1.1.1/hook")})
			mustNoErr(t, err)
			if !moved(got.Warnings) || !strings.Contains(strings.Join(got.Warnings, " "), "https://1.1.1.1") {
				t.Fatalf("moving the headers to another origin gave %v", got.Warnings)
			}
			// Headers restated with the move: the user chose them for the new origin.
			got, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{URL: at("https://8.8.8.8/hook"), Headers: &hs})
			mustNoErr(t, err)
			if moved(got.Warnings) {
				t.Fatalf("restated headers warned: %v", got.Warnings)
			}
		})

		t.Run("ErrCustomHeaderLimits", func(t *testing.T) {
			e, _ := f.MustEndpoint(t, f.AdminActor, scope, "limits", false)
			many := make([]models.HeaderPair, models.MaxCustomHeaders+1)
			for i := range many {
				many[i] = models.HeaderPair{Name: fmt.Sprintf("X-H%d", i), Value: "v"}
			}
			big := make([]models.HeaderPair, 5)
			for i := range big {
				big[i] = models.HeaderPair{Name: fmt.Sprintf("X-Big%d", i), Value: strings.Repeat("v", 2000)}
			}
			cases := map[string]struct {
				hs    []models.HeaderPair
				field string
			}{
				"TooMany":   {many, "headers"},
				"TooLarge":  {big, "headers"},
				"Duplicate": {[]models.HeaderPair{{Name: "X-A", Value: "1"}, {Name: "x-a", Value: "2"}}, "headers.1.name"},
				"Empty":     {[]models.HeaderPair{{Name: " ", Value: "1"}}, "headers.0.name"},
				"Proxy":     {[]models.HeaderPair{{Name: "Proxy-Authorization", Value: "1"}}, "headers.0.name"},
				"DEL":       {[]models.HeaderPair{{Name: "X-A", Value: "a\x7fb"}}, "headers.0.value"},
				// Receivers behind CGI-style gateways (HTTP_X_SIGNATURE) or proxies that accept
				// underscores read X_Signature as X-Signature.
				"UnderscoreSignature": {[]models.HeaderPair{{Name: "X_Signature", Value: "1"}}, "headers.0.name"},
				"UnderscoreScalr":     {[]models.HeaderPair{{Name: "X_Scalr_Webhook_Id", Value: "1"}}, "headers.0.name"},
				"UnderscoreStandard":  {[]models.HeaderPair{{Name: "webhook_signature", Value: "1"}}, "headers.0.name"},
				"UnderscoreHost":      {[]models.HeaderPair{{Name: "X-A", Value: "1"}, {Name: "Content_Type", Value: "1"}}, "headers.1.name"},
				"UnderscoreDuplicate": {[]models.HeaderPair{{Name: "X-Api-Key", Value: "1"}, {Name: "x_api_key", Value: "2"}}, "headers.1.name"},
			}
			for name, c := range cases {
				_, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{Headers: &c.hs})
				if fieldOf(err) != c.field || models.CodeOf(err) != models.EINVALID {
					t.Errorf("%s: %v (field %q), want EINVALID on %s", name, err, fieldOf(err), c.field)
				}
			}
			if reload(t, e.ID).CustomHeadersEnc != nil {
				t.Fatal("a refused update stored headers")
			}
			ok := []models.HeaderPair{{Name: "X-Tab", Value: "a\tb"}}
			_, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{Headers: &ok})
			mustNoErr(t, err)
			hs, err := f.Store.CustomHeaders(reload(t, e.ID))
			mustNoErr(t, err)
			wantEqual(t, "headers", hs, ok)
		})

		t.Run("SealedHeadersAreNotKeys", func(t *testing.T) {
			// Keys and headers are sealed with distinct additional data: a header blob copied
			// into a key column (a database write, a bug) does not open as a key, and a key
			// blob does not open as headers.
			e, _ := f.MustEndpoint(t, f.AdminActor, scope, "sealed apart", false)
			hs := []models.HeaderPair{{Name: "X-Api-Key", Value: "k"}}
			_, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, e.ID, models.EndpointInput{Headers: &hs})
			mustNoErr(t, err)
			row := reload(t, e.ID)
			swapped := *row
			swapped.SigningKeyEnc, swapped.CustomHeadersEnc = row.CustomHeadersEnc, row.SigningKeyEnc
			if key, err := f.Store.SigningKey(&swapped); err == nil {
				t.Fatalf("the sealed headers open as a signing key: %q", key)
			}
			if got, err := f.Store.CustomHeaders(&swapped); err == nil {
				t.Fatalf("the sealed key opens as headers: %v", got)
			}
			got, err := f.Store.CustomHeaders(row)
			mustNoErr(t, err)
			wantEqual(t, "headers", got, hs)
		})

		t.Run("ApprovalCallbackKeysDuringOverlap", func(t *testing.T) {
			// Approvers verify like Scalr handlers, with X-Signature: either key until the
			// switch, the new key only from the switch on (the old key is then as good as
			// revoked for approvals, though webhook-signature still carries it).
			r := newApprovalRig(t, f, "Rotating approver", true, false)
			request := func(t *testing.T) string {
				t.Helper()
				farm := r.farm(t)
				_, err := f.Store.LaunchFarm(ctx, f.AdminActor, farm.ID)
				mustNoErr(t, err)
				req, _ := r.pending(t, farm.ID)
				return req.ID
			}
			approve := func(id, key string) error {
				// Each decision has a fresh Date: a signed callback is accepted once (issue 8,
				// item 11), and the same body and Date under either key is the same callback.
				f.Clock.Advance(time.Second)
				_, err := f.Store.ApplyApprovalCallback(ctx, r.callback(id, `{"approval_status":"approved"}`, f.Clock.Now(), key))
				return err
			}
			switchAt := f.Clock.Now().Add(time.Hour)
			_, newKey, err := f.Store.RotateEndpointKey(ctx, f.AdminActor, r.ep.ID, models.RotateKeyInput{Overlap: 2 * time.Hour, SwitchAt: &switchAt})
			mustNoErr(t, err)
			mustNoErr(t, approve(request(t), r.key))
			mustNoErr(t, approve(request(t), newKey))

			f.Clock.Advance(time.Hour - 2*time.Second) // the switch; the overlap goes on
			if rot := f.Store.KeyRotation(reload(t, r.ep.ID)); !rot.InProgress || !rot.ScalrUsesNewKey {
				t.Fatalf("rotation %+v", rot)
			}
			id := request(t)
			wantCode(t, approve(id, r.key), models.EUNAUTHORIZED)
			mustNoErr(t, approve(id, newKey))

			_, err = f.Store.FinishEndpointKeyRotation(ctx, f.AdminActor, r.ep.ID)
			mustNoErr(t, err)
			id = request(t)
			wantCode(t, approve(id, r.key), models.EUNAUTHORIZED)
			mustNoErr(t, approve(id, newKey))
		})
	})
}

// TestEndpointKeyRotationConcurrent: two rotations that both read the endpoint before either
// writes (a barrier in the store's clock holds both between the read and the update) cannot both
// succeed: one key would be revealed that never signs. Exactly one wins; the other gets
// ECONFLICT and the endpoint signs with the winner's key.
func TestEndpointKeyRotationConcurrent(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		scope := models.ScopeKey{Scope: models.ScopeAccount, ID: f.Account.ID}
		for _, overlap := range []time.Duration{0, time.Hour} {
			t.Run(fmt.Sprintf("Overlap%s", overlap), func(t *testing.T) {
				e, _ := f.MustEndpoint(t, f.AdminActor, scope, "concurrent "+overlap.String(), false)
				audits := len(f.MustAudit(t, f.Account.ID, "endpoint.key_rotated"))
				// The first two clock readings (one per rotation, after its read of the row) wait
				// for each other, at most 5 s; later readings pass.
				var mu sync.Mutex
				waiting, release := 2, make(chan struct{})
				f.Store.SetClock(func() time.Time {
					mu.Lock()
					if waiting > 0 {
						waiting--
						if waiting == 0 {
							close(release)
						}
						mu.Unlock()
						select {
						case <-release:
						case <-time.After(5 * time.Second):
						}
					} else {
						mu.Unlock()
					}
					return f.Clock.Now()
				})
				defer f.Store.SetClock(f.Clock.Now)
				type result struct {
					key string
					err error
				}
				results := make(chan result, 2)
				for i := 0; i < 2; i++ {
					go func() {
						_, key, err := f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{Overlap: overlap})
						results <- result{key, err}
					}()
				}
				var won []string
				for i := 0; i < 2; i++ {
					r := <-results
					if r.err == nil {
						won = append(won, r.key)
						continue
					}
					wantCode(t, r.err, models.ECONFLICT)
				}
				if len(won) != 1 {
					t.Fatalf("%d rotations succeeded, want exactly 1", len(won))
				}
				var cur models.Endpoint
				mustNoErr(t, f.DB.Where("id = ?", e.ID).Take(&cur).Error)
				ks, err := f.Store.SigningKeys(&cur, f.Clock.Now())
				mustNoErr(t, err)
				wantEqual(t, "the winner's key signs", ks.Standard[len(ks.Standard)-1], []byte(won[0]))
				if n := len(f.MustAudit(t, f.Account.ID, "endpoint.key_rotated")); n != audits+1 {
					t.Fatalf("%d new audit entries, want 1 (the loser's must not be written)", n-audits)
				}
			})
		}
	})
}

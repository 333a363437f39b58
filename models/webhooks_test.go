package models_test

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
	"github.com/switchboard-hub/switchboard/models/scalr"
)

var signingKeyRe = regexp.MustCompile(`^[A-Za-z0-9+/]{64}$`)

func TestWebhooks_Matching(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		f.Store.SetPublicURL("https://sb.example.com/")
		accA := f.Account.ID
		accB := f.MustAccount(t, "Tenant B").ID
		e1 := f.MustEnvironment(t, f.AdminActor, accA, "e1")
		e2 := f.MustEnvironment(t, f.AdminActor, accA, "e2")
		eb := f.MustEnvironment(t, f.AdminActor, accB, "eb")
		f1a, f1b := f.MustFarm(t, e1.ID, "F1a"), f.MustFarm(t, e1.ID, "F1b")
		f2, fb := f.MustFarm(t, e2.ID, "F2"), f.MustFarm(t, eb.ID, "FB")
		sys := models.ScopeKey{Scope: models.ScopeSystem}
		scopeA := models.ScopeKey{Scope: models.ScopeAccount, ID: accA}
		scopeE1 := models.ScopeKey{Scope: models.ScopeEnvironment, ID: e1.ID}
		// Each case fires its own system-wide custom event, so webhooks of other cases in this
		// database never match it.
		event := func(t *testing.T, name string) string {
			t.Helper()
			return f.MustCustomEvent(t, f.AdminActor, sys, name).Name
		}
		fire := func(t *testing.T, name string, farm *models.Farm) ([]models.Delivery, *models.Event) {
			t.Helper()
			ev := f.MustFire(t, name, farm.ID, "", nil)
			return f.MustDeliveries(t, ev.ID), ev
		}
		pairs := func(ps ...string) []string {
			slices.Sort(ps)
			return ps
		}

		t.Run("OKInactiveWebhookNoDelivery", func(t *testing.T) {
			ev := event(t, "MInactive")
			ep, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "inactive-hook", false)
			h := f.MustWebhook(t, f.AdminActor, scopeA, "off", []string{ev}, []string{ep.ID}, func(in *models.WebhookInput) { in.Active = ptr(false) })
			ds, _ := fire(t, ev, f1a)
			wantEqual(t, "inactive", len(ds), 0)
			_, err := f.Store.UpdateWebhook(ctx, f.AdminActor, h.ID, models.WebhookInput{Active: ptr(true)})
			mustNoErr(t, err)
			ds, _ = fire(t, ev, f1a)
			wantEqual(t, "active", pairsOf(ds), pairs(pair(h, ep)))
		})

		t.Run("OKEventNotListed", func(t *testing.T) {
			listed, unlisted := event(t, "MListed"), event(t, "MUnlisted")
			ep, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "listed-hook", false)
			h := f.MustWebhook(t, f.AdminActor, scopeA, "listed", []string{strings.ToLower(listed)}, []string{ep.ID}, nil)
			wantEqual(t, "stored names", h.EventNames(), []string{listed})
			ds, _ := fire(t, unlisted, f1a)
			wantEqual(t, "unlisted", len(ds), 0)
			ds, _ = fire(t, listed, f1a)
			wantEqual(t, "listed", len(ds), 1)
		})

		t.Run("OKFarmFilter", func(t *testing.T) {
			ev := event(t, "MFarms")
			ep, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "farm-hook", false)
			only := f.MustWebhook(t, f.AdminActor, scopeA, "only F1a", []string{ev}, []string{ep.ID}, func(in *models.WebhookInput) { in.FarmIDs = []string{f1a.ID} })
			all := f.MustWebhook(t, f.AdminActor, scopeA, "all farms", []string{ev}, []string{ep.ID}, nil)
			for _, c := range []struct {
				farm *models.Farm
				want []string
			}{
				{f1a, pairs(pair(only, ep), pair(all, ep))},
				{f1b, pairs(pair(all, ep))},
				{f2, pairs(pair(all, ep))},
			} {
				ds, _ := fire(t, ev, c.farm)
				wantEqual(t, "deliveries for "+c.farm.Name, pairsOf(ds), c.want)
			}
			// A filter names farms of the webhook's scope only.
			_, err := f.Store.CreateWebhook(ctx, f.AdminActor, models.WebhookInput{Scope: scopeA, Name: ptr("foreign"), Events: []string{ev}, EndpointIDs: []string{ep.ID}, FarmIDs: []string{fb.ID}})
			wantField(t, err, models.EINVALID, "farmIds")
			epE1, _ := f.MustEndpoint(t, f.AdminActor, scopeE1, "farm-hook-e1", false)
			_, err = f.Store.CreateWebhook(ctx, f.AdminActor, models.WebhookInput{Scope: scopeE1, Name: ptr("other env"), Events: []string{ev}, EndpointIDs: []string{epE1.ID}, FarmIDs: []string{f2.ID}})
			wantField(t, err, models.EINVALID, "farmIds")
		})

		t.Run("OKScope", func(t *testing.T) {
			ev := event(t, "MScope")
			epSys, _ := f.MustEndpoint(t, f.AdminActor, sys, "sys-hook", false)
			epA, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "acc-hook", false)
			epE1, _ := f.MustEndpoint(t, f.AdminActor, scopeE1, "env-hook", false)
			hSys := f.MustWebhook(t, f.AdminActor, sys, "system", []string{ev}, []string{epSys.ID}, nil)
			hA := f.MustWebhook(t, f.AdminActor, scopeA, "account", []string{ev}, []string{epA.ID}, nil)
			hE1 := f.MustWebhook(t, f.AdminActor, scopeE1, "environment", []string{ev}, []string{epE1.ID}, nil)
			for _, c := range []struct {
				farm *models.Farm
				want []string
			}{
				{f1a, pairs(pair(hSys, epSys), pair(hA, epA), pair(hE1, epE1))},
				{f2, pairs(pair(hSys, epSys), pair(hA, epA))},
				{fb, pairs(pair(hSys, epSys))},
			} {
				ds, ev := fire(t, ev, c.farm)
				wantEqual(t, "deliveries for "+c.farm.Name, pairsOf(ds), c.want)
				// A system webhook's deliveries belong to the installation, not to the tenant.
				for _, d := range ds {
					owner := ev.AccountID
					if deref(d.WebhookID) == hSys.ID {
						owner = ""
					}
					if deref(d.AccountID) != owner || d.Kind != models.DeliveryKindWebhook {
						t.Fatalf("delivery %s of webhook %s: account %q, kind %s", d.ID, deref(d.WebhookID), deref(d.AccountID), d.Kind)
					}
				}
			}
		})

		t.Run("OKInactiveEndpointSkipped", func(t *testing.T) {
			ev := event(t, "MEndpointOff")
			on, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "stays-on", false)
			off, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "goes-off", false)
			h := f.MustWebhook(t, f.AdminActor, scopeA, "two endpoints", []string{ev}, []string{on.ID, off.ID}, nil)
			_, err := f.Store.UpdateEndpoint(ctx, f.AdminActor, off.ID, models.EndpointInput{Active: ptr(false)})
			mustNoErr(t, err)
			ds, _ := fire(t, ev, f1a)
			wantEqual(t, "with one inactive", pairsOf(ds), pairs(pair(h, on)))
			_, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, off.ID, models.EndpointInput{Active: ptr(true)})
			mustNoErr(t, err)
			ds, _ = fire(t, ev, f1a)
			wantEqual(t, "both active", pairsOf(ds), pairs(pair(h, on), pair(h, off)))
		})

		t.Run("OKSharedEndpointFromParentScope", func(t *testing.T) {
			ev := event(t, "MShared")
			shared, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "shared-acc", true)
			private, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "private-acc", false)
			_, err := f.Store.CreateWebhook(ctx, f.AdminActor, models.WebhookInput{Scope: scopeE1, Name: ptr("uses private"), Events: []string{ev}, EndpointIDs: []string{private.ID}})
			wantField(t, err, models.EINVALID, "endpointIds")
			h := f.MustWebhook(t, f.AdminActor, scopeE1, "uses shared", []string{ev}, []string{shared.ID}, nil)
			ds, _ := fire(t, ev, f1a)
			wantEqual(t, "shared", pairsOf(ds), pairs(pair(h, shared)))
			// Unsharing later stops deliveries from the environment's webhook.
			_, err = f.Store.UpdateEndpoint(ctx, f.AdminActor, shared.ID, models.EndpointInput{Shared: ptr(false)})
			mustNoErr(t, err)
			ds, _ = fire(t, ev, f1a)
			wantEqual(t, "unshared", len(ds), 0)

			// A system endpoint: usable below only when shared.
			sysShared, _ := f.MustEndpoint(t, f.AdminActor, sys, "sys-shared", true)
			sysPrivate, _ := f.MustEndpoint(t, f.AdminActor, sys, "sys-private", false)
			_, err = f.Store.CreateWebhook(ctx, f.AdminActor, models.WebhookInput{Scope: scopeA, Name: ptr("sys private"), Events: []string{ev}, EndpointIDs: []string{sysPrivate.ID}})
			wantField(t, err, models.EINVALID, "endpointIds")
			hs := f.MustWebhook(t, f.AdminActor, scopeA, "sys shared", []string{ev}, []string{sysShared.ID}, nil)
			ds, _ = fire(t, ev, f1a)
			wantEqual(t, "system shared", pairsOf(ds), pairs(pair(hs, sysShared)))
			// Another account's endpoint is never usable.
			epB, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: accB}, "b-shared", true)
			_, err = f.Store.CreateWebhook(ctx, f.AdminActor, models.WebhookInput{Scope: scopeA, Name: ptr("b"), Events: []string{ev}, EndpointIDs: []string{epB.ID}})
			wantField(t, err, models.EINVALID, "endpointIds")
		})

		t.Run("OKOneDeliveryPerPair", func(t *testing.T) {
			ev := event(t, "MPairs")
			ep1, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "pair-1", false)
			ep2, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "pair-2", false)
			ha := f.MustWebhook(t, f.AdminActor, scopeA, "both", []string{ev, ev}, []string{ep1.ID, ep2.ID, ep1.ID}, nil)
			hb := f.MustWebhook(t, f.AdminActor, scopeA, "first only", []string{ev}, []string{ep1.ID}, nil)
			wantEqual(t, "links", f.MustCount(t, "webhook_endpoints", "webhook_id = ?", ha.ID), int64(2))
			f.Enq.Take()
			ds, _ := fire(t, ev, f1a)
			wantEqual(t, "pairs", pairsOf(ds), pairs(pair(ha, ep1), pair(ha, ep2), pair(hb, ep1)))
			var ids []string
			for _, d := range ds {
				ids = append(ids, d.ID)
			}
			got := f.Enq.Take()
			slices.Sort(got)
			wantEqual(t, "enqueued", got, ids)
		})

		t.Run("OKPayloadFrozenAtQueueTime", func(t *testing.T) {
			ev := event(t, "MPayload")
			_, err := f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: scopeE1, Name: "PAYLOAD_SECRET", Value: "s3cr3t", Hidden: true})
			mustNoErr(t, err)
			ep, _ := f.MustEndpoint(t, f.AdminActor, scopeE1, "payload-hook", false)
			h := f.MustWebhook(t, f.AdminActor, scopeE1, "payload", []string{ev}, []string{ep.ID}, func(in *models.WebhookInput) {
				in.UserData = ptr("farm={SCALR_FARM_NAME} secret={PAYLOAD_SECRET} gone={NOPE}")
				in.TimeoutSeconds, in.MaxAttempts = ptr(7), ptr(5)
			})
			ds, fired := fire(t, ev, f1a)
			if len(ds) != 1 {
				t.Fatalf("%d deliveries", len(ds))
			}
			d := ds[0]
			if d.Status != models.DeliveryPending || d.Attempts != 0 || d.MaxAttempts != 5 || d.TimeoutSeconds != 7 || d.EventName != ev || d.NextAttemptAt == nil {
				t.Fatalf("delivery = %+v", d)
			}
			wantEqual(t, "keys", topKeys(t, d.Payload), []string{"eventName", "eventId", "timestamp", "configurationId", "data", "userData", "endpointId"})
			p := mustPayload(t, d.Payload)
			if p.EventName != ev || p.EventID != fired.ID || p.ConfigurationID != h.ID || p.EndpointID != ep.ID || p.Timestamp != scalr.FormatDate(fired.CreatedAt) {
				t.Fatalf("payload = %s", d.Payload)
			}
			wantEqual(t, "userData", p.UserData, "farm=F1a secret=s3cr3t gone=")
			wantEqual(t, "data secret", p.Data["PAYLOAD_SECRET"], "s3cr3t")
			wantEqual(t, "data farm", p.Data["SCALR_FARM_NAME"], "F1a")
			wantEqual(t, "data event", p.Data["SCALR_EVENT_NAME"], ev)

			// Changing the webhook and the variable afterwards does not touch queued bytes.
			_, err = f.Store.UpdateWebhook(ctx, f.AdminActor, h.ID, models.WebhookInput{UserData: ptr("changed {SCALR_EVENT_ID}"), SkipPrivateVars: ptr(true)})
			mustNoErr(t, err)
			_, err = f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: scopeE1, Name: "PAYLOAD_SECRET", Value: "rotated", Hidden: true})
			mustNoErr(t, err)
			if got := f.MustDelivery(t, d.ID).Payload; !bytes.Equal(got, d.Payload) {
				t.Fatalf("payload changed:\n%s\n%s", d.Payload, got)
			}
			// The next event uses the new settings.
			ds, fired = fire(t, ev, f1a)
			p = mustPayload(t, ds[0].Payload)
			wantEqual(t, "new userData", p.UserData, "changed "+fired.ID)
			if _, ok := p.Data["PAYLOAD_SECRET"]; ok {
				t.Fatal("skipped private variable in data")
			}
		})

		t.Run("OKSkipPrivateVariables", func(t *testing.T) {
			ev := event(t, "MPrivate")
			envP := f.MustEnvironment(t, f.AdminActor, accA, "private")
			farm := f.MustFarm(t, envP.ID, "Private")
			envScope := models.ScopeKey{Scope: models.ScopeEnvironment, ID: envP.ID}
			for _, v := range []models.VariableInput{
				{Scope: envScope, Name: "HIDDEN_ONE", Value: "h1", Hidden: true},
				{Scope: envScope, Name: "PLAIN_ONE", Value: "p1"},
			} {
				_, err := f.Store.SetVariable(ctx, f.AdminActor, v)
				mustNoErr(t, err)
			}
			ep, _ := f.MustEndpoint(t, f.AdminActor, envScope, "private-hook", false)
			skip := f.MustWebhook(t, f.AdminActor, envScope, "skips", []string{ev}, []string{ep.ID}, func(in *models.WebhookInput) {
				in.SkipPrivateVars, in.UserData = ptr(true), ptr("{HIDDEN_ONE}/{PLAIN_ONE}")
			})
			keep := f.MustWebhook(t, f.AdminActor, envScope, "keeps", []string{ev}, []string{ep.ID}, nil)
			ds, fired := fire(t, ev, farm)
			byHook := map[string]*payload{}
			for _, d := range ds {
				byHook[deref(d.WebhookID)] = mustPayload(t, d.Payload)
			}
			ps, pk := byHook[skip.ID], byHook[keep.ID]
			if ps == nil || pk == nil {
				t.Fatalf("deliveries: %v", pairsOf(ds))
			}
			if _, ok := ps.Data["HIDDEN_ONE"]; ok {
				t.Fatal("hidden user variable sent by a webhook that skips private variables")
			}
			wantEqual(t, "plain kept", ps.Data["PLAIN_ONE"], "p1")
			for _, b := range []string{"SCALR_EVENT_NAME", "SCALR_EVENT_ID", "SCALR_FARM_ID", "SCALR_ENV_NAME", "SCALR_ACCOUNT_ID"} {
				if ps.Data[b] == "" {
					t.Fatalf("built-in %s missing", b)
				}
			}
			wantEqual(t, "event id", ps.Data["SCALR_EVENT_ID"], fired.ID)
			wantEqual(t, "userData sees hidden", ps.UserData, "h1/p1")
			wantEqual(t, "kept hidden", pk.Data["HIDDEN_ONE"], "h1")
		})

		t.Run("OKSlackGetsOnlyIncidentEvents", func(t *testing.T) {
			ev := event(t, "MSlack")
			accS := f.MustAccount(t, "Slack Co").ID
			envS := f.MustEnvironment(t, f.AdminActor, accS, "s")
			farm := f.MustFarm(t, envS.ID, "S")
			scopeS := models.ScopeKey{Scope: models.ScopeAccount, ID: accS}
			slack := models.FormatSlack
			name, url := "slack", "https://hooks.slack.example.com/services/T000/B000/XXXX"
			ep, _, err := f.Store.CreateEndpoint(ctx, f.AdminActor, models.EndpointInput{Scope: scopeS, Name: &name, URL: &url, Format: &slack})
			mustNoErr(t, err)
			h := f.MustWebhook(t, f.AdminActor, scopeS, "to slack", []string{ev, models.EventIncidentOpened}, []string{ep.ID}, nil)
			ds, _ := fire(t, ev, farm)
			wantEqual(t, "farm event to slack", len(ds), 0)
			comp := f.MustComponent(t, accS, "Slack API")
			inc := f.MustIncident(t, f.AdminActor, comp.ID, "Slack <down>", models.SeverityCritical)
			evs := f.MustEvents(t, "incident_id = ?", inc.ID)
			ds = f.MustDeliveries(t, evs[0].ID)
			wantEqual(t, "incident event to slack", pairsOf(ds), pairs(pair(h, ep)))
			wantEqual(t, "slack keys", topKeys(t, ds[0].Payload), []string{"text", "blocks"})
			if !bytes.Contains(ds[0].Payload, []byte("Slack &lt;down&gt;")) {
				t.Fatalf("slack body %s", ds[0].Payload)
			}
			// The incident link is the console's route, inside its account (a link to
			// /incidents/<id> is answered by the console's "Page not found").
			wantURL := "https://sb.example.com/accounts/" + accS + "/incidents/" + inc.ID
			if !bytes.Contains(ds[0].Payload, []byte(`"url":"`+wantURL+`"`)) {
				t.Fatalf("slack body lacks the console link %s: %s", wantURL, ds[0].Payload)
			}
			wantEqual(t, "stored SCALR_INCIDENT_URL", mustVars(t, &evs[0]).Builtin["SCALR_INCIDENT_URL"], wantURL)
		})
	})
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		scopeA := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
		sys := models.ScopeKey{Scope: models.ScopeSystem}
		reload := func(t *testing.T, id string) *models.Endpoint {
			t.Helper()
			var e models.Endpoint
			mustNoErr(t, f.DB.Where("id = ?", id).Take(&e).Error)
			return &e
		}

		t.Run("OKSigningKey", func(t *testing.T) {
			e, key := f.MustEndpoint(t, f.AdminActor, scopeA, "signed", false)
			if !signingKeyRe.MatchString(key) {
				t.Fatalf("key %q", key)
			}
			_, key2 := f.MustEndpoint(t, f.AdminActor, scopeA, "signed-too", false)
			if key2 == key {
				t.Fatal("two endpoints share a key")
			}
			stored := reload(t, e.ID)
			if len(stored.SigningKeyEnc) == 0 || bytes.Contains(stored.SigningKeyEnc, []byte(key)) || bytes.Contains(stored.SigningKeyEnc, []byte(key[:16])) {
				t.Fatal("the signing key is stored in the clear")
			}
			var raw []byte
			mustNoErr(t, f.DB.Raw("SELECT signing_key_enc FROM endpoints WHERE id = ?", e.ID).Row().Scan(&raw))
			if bytes.Contains(raw, []byte(key)) {
				t.Fatal("the raw column holds the key")
			}
			got, err := f.Store.SigningKey(stored)
			mustNoErr(t, err)
			wantEqual(t, "decrypted", string(got), key)
			for _, a := range f.MustAudit(t, acc, "endpoint.created") {
				if strings.Contains(a.Summary, key) {
					t.Fatal("the audit log holds the key")
				}
			}

			rotated, fresh, err := f.Store.RotateEndpointKey(ctx, f.AdminActor, e.ID, models.RotateKeyInput{})
			mustNoErr(t, err)
			if fresh == key || !signingKeyRe.MatchString(fresh) {
				t.Fatalf("rotated key %q", fresh)
			}
			got, err = f.Store.SigningKey(reload(t, e.ID))
			mustNoErr(t, err)
			wantEqual(t, "after rotation", string(got), fresh)
			got, err = f.Store.SigningKey(rotated)
			mustNoErr(t, err)
			wantEqual(t, "returned endpoint", string(got), fresh)
		})

		t.Run("ErrSealedKeyMovedToAnotherRow", func(t *testing.T) {
			a, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "source", false)
			b, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "target", false)
			mustNoErr(t, f.DB.Exec("UPDATE endpoints SET signing_key_enc = (SELECT signing_key_enc FROM endpoints WHERE id = ?) WHERE id = ?", a.ID, b.ID).Error)
			moved := reload(t, b.ID)
			if !bytes.Equal(moved.SigningKeyEnc, reload(t, a.ID).SigningKeyEnc) {
				t.Fatal("copy failed")
			}
			if _, err := f.Store.SigningKey(moved); err == nil {
				t.Fatal("a sealed key opened on another row")
			}
			// Nor does it open under another encryption key.
			other := models.NewStore(f.DB, nil)
			mustNoErr(t, other.SetEncryptionKey(mustRandom(t, 32)))
			if _, err := other.SigningKey(reload(t, a.ID)); err == nil {
				t.Fatal("a sealed key opened under another encryption key")
			}
			if err := other.SetEncryptionKey(make([]byte, 16)); err == nil {
				t.Fatal("a 16-byte encryption key was accepted")
			}
		})

		t.Run("ErrDeleteWhileUsed", func(t *testing.T) {
			ev := f.MustCustomEvent(t, f.AdminActor, scopeA, "EpDelete").Name
			ep, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "in use", false)
			spare, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "spare", false)
			alpha := f.MustWebhook(t, f.AdminActor, scopeA, "alpha hook", []string{ev}, []string{ep.ID}, nil)
			beta := f.MustWebhook(t, f.AdminActor, scopeA, "beta hook", []string{ev}, []string{ep.ID, spare.ID}, nil)
			err := f.Store.DeleteEndpoint(ctx, f.AdminActor, ep.ID)
			wantCode(t, err, models.ECONFLICT)
			wantMessage(t, err, `"in use"`, `"alpha hook"`, `"beta hook"`)
			_, err = f.Store.UpdateWebhook(ctx, f.AdminActor, beta.ID, models.WebhookInput{EndpointIDs: []string{spare.ID}, SetEndpoints: true})
			mustNoErr(t, err)
			err = f.Store.DeleteEndpoint(ctx, f.AdminActor, ep.ID)
			wantCode(t, err, models.ECONFLICT)
			if msg := models.ErrorMessage(err); strings.Contains(msg, "beta") || !strings.Contains(msg, "alpha hook") {
				t.Fatalf("message %q", msg)
			}
			using, err := f.Store.WebhooksUsingEndpoint(ctx, ep.ID)
			mustNoErr(t, err)
			wantEqual(t, "using", len(using), 1)
			mustNoErr(t, f.Store.DeleteWebhook(ctx, f.AdminActor, alpha.ID))
			mustNoErr(t, f.Store.DeleteEndpoint(ctx, f.AdminActor, ep.ID))
			_, err = f.Store.GetEndpoint(ctx, f.AdminActor, ep.ID, models.RoleViewer)
			wantCode(t, err, models.ENOTFOUND)
		})

		t.Run("ErrInput", func(t *testing.T) {
			create := func(a *models.Actor, scope models.ScopeKey, url string) error {
				_, _, err := f.Store.CreateEndpoint(ctx, a, models.EndpointInput{Scope: scope, Name: ptr("x"), URL: &url})
				return err
			}
			for _, u := range []string{"ftp://example.com/x", "https://user:pw@example.com/x", "example.com/x", "https:///nohost", "https://example.com/#frag"} {
				wantField(t, create(f.AdminActor, scopeA, u), models.EINVALID, "url")
			}
			mustNoErr(t, create(f.AdminActor, scopeA, "https://dup.example.com/x"))
			wantField(t, create(f.AdminActor, scopeA, "https://dup.example.com/x"), models.ECONFLICT, "url")
			mustNoErr(t, create(f.AdminActor, sys, "https://dup.example.com/x")) // another scope
			bad := models.EndpointFormat("xml")
			_, _, err := f.Store.CreateEndpoint(ctx, f.AdminActor, models.EndpointInput{Scope: scopeA, Name: ptr("x"), URL: ptr("https://fmt.example.com"), Format: &bad})
			wantField(t, err, models.EINVALID, "format")
			member, _ := f.MustMember(t, acc, "ep-member@example.com", models.RoleMember)
			wantCode(t, create(member, scopeA, "https://member.example.com"), models.EFORBIDDEN)
			admin, _ := f.MustMember(t, acc, "ep-admin@example.com", models.RoleAdmin)
			wantCode(t, create(admin, sys, "https://admin.example.com"), models.EFORBIDDEN)
			mustNoErr(t, create(admin, scopeA, "https://admin.example.com"))
			_, _, err = f.Store.CreateEndpoint(ctx, f.AdminActor, models.EndpointInput{Scope: models.ScopeKey{Scope: models.ScopeFarm, ID: acc}, Name: ptr("x"), URL: ptr("https://farm.example.com")})
			wantField(t, err, models.EINVALID, "scope")
		})

		t.Run("OKSystemScopeVisibility", func(t *testing.T) {
			shared, _ := f.MustEndpoint(t, f.AdminActor, sys, "vis-shared", true)
			hidden, _ := f.MustEndpoint(t, f.AdminActor, sys, "vis-private", false)
			ev := f.MustCustomEvent(t, f.AdminActor, sys, "SysVisible").Name
			h := f.MustWebhook(t, f.AdminActor, sys, "sys only", []string{ev}, []string{hidden.ID}, nil)
			viewer, _ := f.MustMember(t, acc, "ep-viewer@example.com", models.RoleViewer)
			list, err := f.Store.ListEndpoints(ctx, viewer, sys)
			mustNoErr(t, err)
			var names []string
			for _, e := range list {
				names = append(names, e.Name)
			}
			if !slices.Contains(names, "vis-shared") || slices.Contains(names, "vis-private") {
				t.Fatalf("viewer lists %v", names)
			}
			_, err = f.Store.GetEndpoint(ctx, viewer, hidden.ID, models.RoleViewer)
			wantCode(t, err, models.ENOTFOUND)
			_, err = f.Store.GetEndpoint(ctx, viewer, shared.ID, models.RoleViewer)
			mustNoErr(t, err)
			hooks, err := f.Store.ListWebhooks(ctx, viewer, sys)
			mustNoErr(t, err)
			wantEqual(t, "system webhooks for a viewer", len(hooks), 0)
			_, err = f.Store.GetWebhook(ctx, viewer, h.ID, models.RoleViewer)
			wantCode(t, err, models.ENOTFOUND)
			hooks, err = f.Store.ListWebhooks(ctx, f.AdminActor, sys)
			mustNoErr(t, err)
			wantEqual(t, "system webhooks for the system admin", len(hooks), 1)
		})

		t.Run("ErrWebhookInput", func(t *testing.T) {
			ev := f.MustCustomEvent(t, f.AdminActor, scopeA, "HookInput").Name
			ep, _ := f.MustEndpoint(t, f.AdminActor, scopeA, "hook-input", false)
			base := func() models.WebhookInput {
				return models.WebhookInput{Scope: scopeA, Name: ptr("input"), Events: []string{ev}, EndpointIDs: []string{ep.ID}}
			}
			for _, c := range []struct {
				field string
				mod   func(*models.WebhookInput)
			}{
				{"name", func(in *models.WebhookInput) { in.Name = ptr(" ") }},
				{"events", func(in *models.WebhookInput) { in.Events = nil }},
				{"events", func(in *models.WebhookInput) { in.Events = []string{"NoSuchEvent"} }},
				{"endpointIds", func(in *models.WebhookInput) { in.EndpointIDs = nil }},
				{"endpointIds", func(in *models.WebhookInput) { in.EndpointIDs = []string{"00000000-0000-7000-8000-000000000000"} }},
				{"timeoutSeconds", func(in *models.WebhookInput) { in.TimeoutSeconds = ptr(0) }},
				{"timeoutSeconds", func(in *models.WebhookInput) { in.TimeoutSeconds = ptr(61) }},
				{"maxAttempts", func(in *models.WebhookInput) { in.MaxAttempts = ptr(0) }},
				{"maxAttempts", func(in *models.WebhookInput) { in.MaxAttempts = ptr(21) }},
				{"retrySchedule", func(in *models.WebhookInput) { in.RetrySchedule, in.SetRetrySchedule = []int{0}, true }},
				{"retrySchedule", func(in *models.WebhookInput) { in.RetrySchedule, in.SetRetrySchedule = []int{86401}, true }},
				{"retrySchedule", func(in *models.WebhookInput) { in.RetrySchedule, in.SetRetrySchedule = []int{60, 30}, true }},
				{"retrySchedule", func(in *models.WebhookInput) { in.RetrySchedule, in.SetRetrySchedule = make([]int, 20), true }},
				{"userData", func(in *models.WebhookInput) { in.UserData = ptr(strings.Repeat("x", 16<<10+1)) }},
			} {
				in := base()
				c.mod(&in)
				_, err := f.Store.CreateWebhook(ctx, f.AdminActor, in)
				if models.CodeOf(err) != models.EINVALID || fieldOf(err) != c.field {
					t.Fatalf("%s: %v", c.field, err)
				}
			}
			h, err := f.Store.CreateWebhook(ctx, f.AdminActor, base())
			mustNoErr(t, err)
			if h.TimeoutSeconds != models.DefaultWebhookTimeout || h.MaxAttempts != 5 || !h.Active || h.SkipPrivateVars || h.RetrySchedule != nil {
				t.Fatalf("defaults = %+v", h)
			}
			// Up to 20 attempts and a schedule of its own; an empty list is the default again.
			h2, err := f.Store.UpdateWebhook(ctx, f.AdminActor, h.ID, models.WebhookInput{MaxAttempts: ptr(20), RetrySchedule: []int{10, 60, 60}, SetRetrySchedule: true})
			mustNoErr(t, err)
			got2, err := f.Store.GetWebhook(ctx, f.AdminActor, h.ID, models.RoleViewer)
			mustNoErr(t, err)
			if h2.MaxAttempts != 20 || got2.MaxAttempts != 20 || !slices.Equal(got2.RetryWaits(), []int{10, 60, 60}) {
				t.Fatalf("after update: %d attempts, schedule %v", got2.MaxAttempts, got2.RetryWaits())
			}
			_, err = f.Store.UpdateWebhook(ctx, f.AdminActor, h.ID, models.WebhookInput{RetrySchedule: []int{5, 1}, SetRetrySchedule: true})
			wantField(t, err, models.EINVALID, "retrySchedule")
			_, err = f.Store.UpdateWebhook(ctx, f.AdminActor, h.ID, models.WebhookInput{SetRetrySchedule: true})
			mustNoErr(t, err)
			got2, err = f.Store.GetWebhook(ctx, f.AdminActor, h.ID, models.RoleViewer)
			mustNoErr(t, err)
			if got2.RetrySchedule != nil || got2.Schedule() != nil {
				t.Fatalf("an empty schedule is the default, got %v", got2.RetryWaits())
			}
			member, _ := f.MustMember(t, acc, "hook-member@example.com", models.RoleMember)
			_, err = f.Store.CreateWebhook(ctx, member, base())
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.UpdateWebhook(ctx, member, h.ID, models.WebhookInput{Active: ptr(false)})
			wantCode(t, err, models.EFORBIDDEN)
			wantCode(t, f.Store.DeleteWebhook(ctx, member, h.ID), models.EFORBIDDEN)
			got, err := f.Store.GetWebhook(ctx, member, h.ID, models.RoleViewer)
			mustNoErr(t, err)
			wantEqual(t, "still active", got.Active, true)
		})
	})
}

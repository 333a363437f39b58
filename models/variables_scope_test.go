package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

// Hidden variables are secrets of their scope (issue 8, item 12): a webhook never carries a
// hidden variable of a scope above its own, and the event a tenant reads does not hold a hidden
// system variable either.
func TestHiddenVariablesStayInTheirScope(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.Account.ID
		env := f.MustEnvironment(t, f.AdminActor, acc, "prod")
		farm := f.MustFarm(t, env.ID, "Web")
		tenant, _ := f.MustMember(t, acc, "tenant-admin@example.com", models.RoleAdmin)

		system := models.ScopeKey{Scope: models.ScopeSystem}
		account := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
		environment := models.ScopeKey{Scope: models.ScopeEnvironment, ID: env.ID}
		const sysSecret, accSecret, envSecret = "sys-secret-7f3a9c", "acc-secret-51be02", "env-secret-c0ffee"
		for _, v := range []models.VariableInput{
			{Scope: system, Name: "SYS_SECRET", Value: sysSecret, Hidden: true},
			{Scope: system, Name: "SYS_PLAIN", Value: "sys-plain"},
			{Scope: account, Name: "ACC_SECRET", Value: accSecret, Hidden: true},
			{Scope: environment, Name: "ENV_SECRET", Value: envSecret, Hidden: true},
		} {
			_, err := f.Store.SetVariable(ctx, f.AdminActor, v)
			mustNoErr(t, err)
		}
		// Every webhook sends everything it may: private variables included, and a user data
		// template naming every secret.
		tmpl := "{SYS_SECRET}|{ACC_SECRET}|{ENV_SECRET}|{SYS_PLAIN}"
		hooks := map[models.Scope]*models.Webhook{}
		for _, sc := range []models.ScopeKey{system, account, environment} {
			ep, _ := f.MustEndpoint(t, f.AdminActor, sc, "hook-"+string(sc.Scope), false)
			hooks[sc.Scope] = f.MustWebhook(t, f.AdminActor, sc, "all "+string(sc.Scope), []string{"FarmLaunched"}, []string{ep.ID}, func(in *models.WebhookInput) {
				in.UserData = ptr(tmpl)
			})
		}
		if _, err := f.Store.LaunchFarm(ctx, f.AdminActor, farm.ID); err != nil {
			t.Fatal(err)
		}
		evs := f.MustEvents(t, "name = ? AND farm_id = ?", "FarmLaunched", farm.ID)
		if len(evs) != 1 {
			t.Fatalf("events: %v", eventNames(evs))
		}
		ev := evs[0]
		byScope := map[models.Scope][]byte{}
		for _, d := range f.MustDeliveries(t, ev.ID) {
			for sc, h := range hooks {
				if deref(d.WebhookID) == h.ID {
					byScope[sc] = d.Payload
				}
			}
		}
		if len(byScope) != 3 {
			t.Fatalf("want a delivery per webhook, got %d", len(byScope))
		}

		// want lists, per webhook scope, which secrets its payload may carry.
		for _, tc := range []struct {
			scope    models.Scope
			carries  []string
			userData string
		}{
			{models.ScopeSystem, []string{"SYS_SECRET", "ACC_SECRET", "ENV_SECRET"}, sysSecret + "|" + accSecret + "|" + envSecret + "|sys-plain"},
			{models.ScopeAccount, []string{"ACC_SECRET", "ENV_SECRET"}, "|" + accSecret + "|" + envSecret + "|sys-plain"},
			{models.ScopeEnvironment, []string{"ENV_SECRET"}, "||" + envSecret + "|sys-plain"},
		} {
			t.Run(string(tc.scope), func(t *testing.T) {
				raw := byScope[tc.scope]
				p := mustPayload(t, raw)
				wantEqual(t, "userData", p.UserData, tc.userData)
				wantEqual(t, "visible system variable", p.Data["SYS_PLAIN"], "sys-plain")
				for name, secret := range map[string]string{"SYS_SECRET": sysSecret, "ACC_SECRET": accSecret, "ENV_SECRET": envSecret} {
					may := false
					for _, c := range tc.carries {
						may = may || c == name
					}
					_, inData := p.Data[name]
					inBytes := bytes.Contains(raw, []byte(secret))
					if may && (!inData || !inBytes) {
						t.Errorf("%s webhook: %s missing (data %v, bytes %v)", tc.scope, name, inData, inBytes)
					}
					if !may && (inData || inBytes || bytes.Contains(raw, []byte(name))) {
						t.Errorf("%s webhook leaks %s of a wider scope: %s", tc.scope, name, raw)
					}
				}
			})
		}

		// The event as the tenant admin reads it: no trace of the hidden system variable, and
		// the row they can reach does not hold its value.
		got, err := f.Store.GetEvent(ctx, tenant, ev.ID)
		mustNoErr(t, err)
		vars := got.VisibleVariables()
		if _, ok := vars["SYS_SECRET"]; ok {
			t.Errorf("tenant sees the hidden system variable in the event: %v", vars)
		}
		wantEqual(t, "tenant sees the account secret masked", vars["ACC_SECRET"], "******")
		wantEqual(t, "visible system variable kept", vars["SYS_PLAIN"], "sys-plain")
		if strings.Contains(got.Variables, sysSecret) {
			t.Errorf("the account's event row stores the hidden system value: %s", got.Variables)
		}
		for k, v := range vars {
			if strings.Contains(v, sysSecret) {
				t.Errorf("event variable %s carries the hidden system value", k)
			}
		}
	})
}

// Deliveries sent before hidden variables were kept in their scope may carry a hidden value of
// a wider scope in their payload. They are kept as sent, but never sent again: resendDelivery
// refuses a payload holding the current value of a hidden variable wider than its webhook.
func TestResendDelivery_RefusesWiderHiddenValue(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Old Payloads", 1)
		const sysSecret, accSecret = `sys"secret-7f3a9c`, "acc-secret-51be02"
		for _, v := range []models.VariableInput{
			{Scope: models.ScopeKey{Scope: models.ScopeSystem}, Name: "SYS_SECRET", Value: sysSecret, Hidden: true},
			{Scope: models.ScopeKey{Scope: models.ScopeSystem}, Name: "SYS_SHORT", Value: "1", Hidden: true},
			{Scope: models.ScopeKey{Scope: models.ScopeSystem}, Name: "SYS_PLAIN", Value: "sys-plain-value"},
			{Scope: models.ScopeKey{Scope: models.ScopeAccount, ID: r.acc}, Name: "ACC_SECRET", Value: accSecret, Hidden: true},
		} {
			_, err := f.Store.SetVariable(ctx, f.AdminActor, v)
			mustNoErr(t, err)
		}
		// An account webhook's delivery as an older version wrote it, then finished.
		old := func(t *testing.T, data map[string]string) *models.Delivery {
			d := r.fire(t)
			payload, err := json.Marshal(map[string]any{"eventName": r.event, "data": data})
			mustNoErr(t, err)
			mustNoErr(t, db.Exec("UPDATE deliveries SET payload = ?, status = 'failed', completed_at = ?, next_attempt_at = NULL WHERE id = ?",
				payload, f.Clock.Now(), d.ID).Error)
			return d
		}
		leaked := old(t, map[string]string{"SYS_SECRET": sysSecret})
		_, err := f.Store.ResendDelivery(ctx, f.AdminActor, leaked.ID)
		wantCode(t, err, models.ECONFLICT)
		if err != nil && strings.Contains(err.Error(), "SYS_SECRET") {
			t.Fatalf("the refusal names the system variable: %v", err)
		}
		wantEqual(t, "left as it was", f.MustDelivery(t, leaked.ID).Status, models.DeliveryFailed)

		// Its own scope's secret, a plain system value, a too-short hidden value: resent.
		ok := old(t, map[string]string{"ACC_SECRET": accSecret, "SYS_PLAIN": "sys-plain-value", "N": "1"})
		got, err := f.Store.ResendDelivery(ctx, f.AdminActor, ok.ID)
		mustNoErr(t, err)
		wantEqual(t, "resent", got.Status, models.DeliveryPending)

		// Retrying the webhook's failed deliveries skips it too, and retries the others.
		clean := old(t, map[string]string{"SYS_PLAIN": "sys-plain-value"})
		n, err := f.Store.RetryFailed(ctx, f.AdminActor, models.RetryFailedInput{AccountID: r.acc, WebhookID: r.hook.ID, Since: f.Clock.Now().Add(-time.Hour)})
		mustNoErr(t, err)
		wantEqual(t, "retried", n, 1)
		wantEqual(t, "clean one retried", f.MustDelivery(t, clean.ID).Status, models.DeliveryPending)
		wantEqual(t, "leaking one left", f.MustDelivery(t, leaked.ID).Status, models.DeliveryFailed)

		// Rotated: the old value no longer is a secret of the installation.
		_, err = f.Store.SetVariable(ctx, f.AdminActor, models.VariableInput{Scope: models.ScopeKey{Scope: models.ScopeSystem}, Name: "SYS_SECRET", Value: "rotated-0001", Hidden: true})
		mustNoErr(t, err)
		_, err = f.Store.ResendDelivery(ctx, f.AdminActor, leaked.ID)
		mustNoErr(t, err)
	})
}

package models_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

func deliveryIDs(ds []models.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

// TestDeliveryHistory_SystemScope: deliveries of system webhooks (and test events to system
// endpoints) belong to no account. System administrators list, read, resend and retry them;
// tenant administrators never see them, not even in their own account's history.
func TestDeliveryHistory_SystemScope(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		acc := f.MustAccount(t, "Tenant").ID
		env := f.MustEnvironment(t, f.AdminActor, acc, "env")
		farm := f.MustFarm(t, env.ID, "Farm")
		tenantAdmin, _ := f.MustMember(t, acc, "tenant-owner@example.com", models.RoleOwner)
		system := models.ScopeKey{Scope: models.ScopeSystem}
		account := models.ScopeKey{Scope: models.ScopeAccount, ID: acc}
		sysEp, _ := f.MustEndpoint(t, f.AdminActor, system, "ops", false)
		sysHook := f.MustWebhook(t, f.AdminActor, system, "ops hook", []string{"FarmSuspended"}, []string{sysEp.ID}, nil)
		accEp, _ := f.MustEndpoint(t, f.AdminActor, account, "tenant", false)
		f.MustWebhook(t, f.AdminActor, account, "tenant hook", []string{"FarmSuspended"}, []string{accEp.ID}, nil)

		ev := f.MustFire(t, "FarmSuspended", farm.ID, "", nil)
		var sysD, accD models.Delivery
		for _, d := range f.MustDeliveries(t, ev.ID) {
			if d.AccountID == nil {
				sysD = d
			} else {
				accD = d
			}
		}
		if sysD.ID == "" || accD.ID == "" || deref(sysD.WebhookID) != sysHook.ID {
			t.Fatalf("want one system and one account delivery, got %+v", f.MustDeliveries(t, ev.ID))
		}
		test, err := f.Store.SendTestEvent(ctx, f.AdminActor, sysEp.ID)
		mustNoErr(t, err)
		if test.AccountID != nil {
			t.Fatalf("a system endpoint's test delivery is filed under account %s", *test.AccountID)
		}
		f.Enq.Take()

		t.Run("OKSystemAdminListsAndReads", func(t *testing.T) {
			p, err := f.Store.ListSystemDeliveries(ctx, f.AdminActor, models.DeliveryQuery{}, 10, "")
			mustNoErr(t, err)
			wantEqual(t, "system history", deliveryIDs(p.Items), sorted(sysD.ID, test.ID))
			p, err = f.Store.ListSystemDeliveries(ctx, f.AdminActor, models.DeliveryQuery{EventNames: []string{models.TestEventName}}, 10, "")
			mustNoErr(t, err)
			wantEqual(t, "system test events", deliveryIDs(p.Items), []string{test.ID})
			// Paging works on the system scope as on accounts.
			p, err = f.Store.ListSystemDeliveries(ctx, f.AdminActor, models.DeliveryQuery{}, 1, "")
			mustNoErr(t, err)
			if len(p.Items) != 1 || !p.HasNextPage {
				t.Fatalf("first page: %+v", p)
			}
			next, err := f.Store.ListSystemDeliveries(ctx, f.AdminActor, models.DeliveryQuery{}, 1, p.Cursors[0])
			mustNoErr(t, err)
			wantEqual(t, "both pages", sorted(p.Items[0].ID, next.Items[0].ID), sorted(sysD.ID, test.ID))
			for _, id := range []string{sysD.ID, test.ID} {
				d, err := f.Store.GetDelivery(ctx, f.AdminActor, id)
				mustNoErr(t, err)
				wantEqual(t, "read", d.ID, id)
			}
		})

		t.Run("ErrTenantCannotSeeSystemDeliveries", func(t *testing.T) {
			p, err := f.Store.ListDeliveries(ctx, tenantAdmin, acc, models.DeliveryQuery{}, 50, "")
			mustNoErr(t, err)
			wantEqual(t, "tenant history", deliveryIDs(p.Items), []string{accD.ID})
			// The system administrator looking at the tenant's history sees the tenant's only.
			p, err = f.Store.ListDeliveries(ctx, f.AdminActor, acc, models.DeliveryQuery{EventID: ev.ID}, 50, "")
			mustNoErr(t, err)
			wantEqual(t, "tenant history for the system admin", deliveryIDs(p.Items), []string{accD.ID})
			counts, err := f.Store.DeliveryCountsByEvent(ctx, []string{ev.ID})
			mustNoErr(t, err)
			wantEqual(t, "event counts", counts[ev.ID], models.DeliveryCounts{Pending: 1})

			_, err = f.Store.ListSystemDeliveries(ctx, tenantAdmin, models.DeliveryQuery{}, 10, "")
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.ListSystemDeliveries(ctx, nil, models.DeliveryQuery{}, 10, "")
			wantCode(t, err, models.EUNAUTHORIZED)
			for _, id := range []string{sysD.ID, test.ID} {
				_, err = f.Store.GetDelivery(ctx, tenantAdmin, id)
				wantCode(t, err, models.ENOTFOUND)
				_, err = f.Store.ResendDelivery(ctx, tenantAdmin, id)
				wantCode(t, err, models.ENOTFOUND)
			}
			_, err = f.Store.RetryFailed(ctx, tenantAdmin, models.RetryFailedInput{EndpointID: sysEp.ID, Since: time.Time{}})
			wantCode(t, err, models.EFORBIDDEN)
			// A system administrator's API token reaches one account only, never the system scope.
			_, secret := f.MustAPIToken(t, f.AdminActor, models.CreateAPITokenInput{AccountID: acc, Name: "sys-token", Role: models.RoleOwner})
			tok, err := f.Auth.ActorForAPIToken(ctx, secret)
			mustNoErr(t, err)
			_, err = f.Store.ListSystemDeliveries(ctx, tok, models.DeliveryQuery{}, 10, "")
			wantCode(t, err, models.EFORBIDDEN)
			_, err = f.Store.GetDelivery(ctx, tok, sysD.ID)
			wantCode(t, err, models.ENOTFOUND)
			wantEqual(t, "nothing queued", len(f.Enq.Take()), 0)
		})

		t.Run("OKSystemAdminRetriesAndResends", func(t *testing.T) {
			tg, err := f.Store.BeginAttempt(ctx, sysD.ID)
			mustNoErr(t, err)
			_, err = f.Store.FinishAttempt(ctx, tg, models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 500})
			mustNoErr(t, err)
			// A tenant's retry of everything failed in its account leaves the system delivery alone.
			n, err := f.Store.RetryFailed(ctx, tenantAdmin, models.RetryFailedInput{AccountID: acc, EndpointID: sysEp.ID, Since: time.Time{}})
			mustNoErr(t, err)
			wantEqual(t, "tenant retry of a system endpoint", n, 0)
			wantEqual(t, "still failed", f.MustDelivery(t, sysD.ID).Status, models.DeliveryFailed)

			n, err = f.Store.RetryFailed(ctx, f.AdminActor, models.RetryFailedInput{WebhookID: sysHook.ID, Since: time.Time{}})
			mustNoErr(t, err)
			wantEqual(t, "system retry", n, 1)
			wantEqual(t, "enqueued", f.Enq.Take(), []string{sysD.ID})
			wantEqual(t, "pending again", f.MustDelivery(t, sysD.ID).Status, models.DeliveryPending)

			tg, err = f.Store.BeginAttempt(ctx, sysD.ID)
			mustNoErr(t, err)
			_, err = f.Store.FinishAttempt(ctx, tg, models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 204})
			mustNoErr(t, err)
			d, err := f.Store.ResendDelivery(ctx, f.AdminActor, sysD.ID)
			mustNoErr(t, err)
			wantEqual(t, "resent", d.Status, models.DeliveryPending)
			wantEqual(t, "enqueued again", f.Enq.Take(), []string{sysD.ID})
			if d.AccountID != nil {
				t.Fatalf("resend moved the delivery to account %s", *d.AccountID)
			}
		})
	})
}

// TestDeliveryHistory_Filters: event names, the last answer's status class and payload search
// (ASCII case-insensitive, everything else exact, LIKE wildcards literal).
func TestDeliveryHistory_Filters(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		r := newDeliveryRig(t, f, "Filters", 1)
		// A second webhook on a built-in event, same endpoint.
		f.MustWebhook(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeAccount, ID: r.acc}, "suspends", []string{"FarmSuspended"}, []string{r.ep.ID}, nil)
		fire := func(name string, params map[string]string, res *models.AttemptResult) string {
			t.Helper()
			ev := f.MustFire(t, name, r.farm.ID, "", params)
			ds := f.MustDeliveries(t, ev.ID)
			if len(ds) != 1 {
				t.Fatalf("%s: %d deliveries", name, len(ds))
			}
			if res != nil {
				r.finish(t, r.begin(t, ds[0].ID), *res)
			}
			return ds[0].ID
		}
		ok := fire(r.event, map[string]string{"note": "Zürich \\ path 100% done"}, &models.AttemptResult{Outcome: models.AttemptSucceeded, StatusCode: 204})
		moved := fire(r.event, map[string]string{"note": "moved_away"}, &models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 301})
		gone := fire("FarmSuspended", map[string]string{"note": "NOT FOUND HERE"}, &models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 404})
		broken := fire("FarmSuspended", nil, &models.AttemptResult{Outcome: models.AttemptFailed, StatusCode: 503})
		timeout := fire(r.event, nil, &models.AttemptResult{Outcome: models.AttemptFailed, ErrorClass: "timeout", ErrorMessage: "timed out"})
		waiting := fire(r.event, nil, nil)

		for _, c := range []struct {
			name string
			q    models.DeliveryQuery
			want []string
		}{
			{"event name", models.DeliveryQuery{EventNames: []string{"FarmSuspended"}}, sorted(gone, broken)},
			{"event names", models.DeliveryQuery{EventNames: []string{"FarmSuspended", r.event}}, sorted(ok, moved, gone, broken, timeout, waiting)},
			{"event name is exact", models.DeliveryQuery{EventNames: []string{"farmsuspended"}}, []string{}},
			{"2xx", models.DeliveryQuery{ResponseClasses: []models.ResponseClass{models.Response2xx}}, []string{ok}},
			{"3xx", models.DeliveryQuery{ResponseClasses: []models.ResponseClass{models.Response3xx}}, []string{moved}},
			{"4xx or 5xx", models.DeliveryQuery{ResponseClasses: []models.ResponseClass{models.Response4xx, models.Response5xx, models.Response4xx}}, sorted(gone, broken)},
			{"no response", models.DeliveryQuery{ResponseClasses: []models.ResponseClass{models.ResponseNone}}, sorted(timeout, waiting)},
			{"class and event", models.DeliveryQuery{EventNames: []string{"FarmSuspended"}, ResponseClasses: []models.ResponseClass{models.Response5xx}}, []string{broken}},
			{"search ASCII case-insensitive", models.DeliveryQuery{Search: "not found here"}, []string{gone}},
			{"search beyond ASCII", models.DeliveryQuery{Search: "zürich"}, []string{ok}},
			{"search beyond ASCII is exact", models.DeliveryQuery{Search: "ZÜRICH"}, []string{}},
			{"search backslash literal", models.DeliveryQuery{Search: `\ path`}, []string{ok}},
			{"search percent literal", models.DeliveryQuery{Search: "100% done"}, []string{ok}},
			{"search percent is not a wildcard", models.DeliveryQuery{Search: "pa%done"}, []string{}},
			{"search underscore literal", models.DeliveryQuery{Search: "moved_away"}, []string{moved}},
			{"search underscore is not a wildcard", models.DeliveryQuery{Search: "moved_"}, []string{moved}},
			{"search underscore is not a wildcard 2", models.DeliveryQuery{Search: "zürich_"}, []string{}},
			{"search and class", models.DeliveryQuery{Search: "Zürich", ResponseClasses: []models.ResponseClass{models.Response4xx}}, []string{}},
		} {
			p, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, c.q, 50, "")
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got := deliveryIDs(p.Items)
			if c.want == nil {
				c.want = []string{}
			}
			if len(got) == 0 {
				got = []string{}
			}
			wantEqual(t, c.name, got, c.want)
		}

		for _, c := range []struct {
			q     models.DeliveryQuery
			field string
		}{
			{models.DeliveryQuery{Search: " ab "}, "search"},
			{models.DeliveryQuery{Search: "a-b"}, "search"},
			{models.DeliveryQuery{Search: "ab-cd ef.gh"}, "search"},
			{models.DeliveryQuery{Search: "%%%_\\"}, "search"},
			{models.DeliveryQuery{Search: string(make([]byte, 201))}, "search"},
			{models.DeliveryQuery{ResponseClasses: []models.ResponseClass{"http_6xx"}}, "responseClasses"},
			{models.DeliveryQuery{EventNames: []string{" "}}, "eventNames"},
		} {
			_, err := f.Store.ListDeliveries(ctx, f.AdminActor, r.acc, c.q, 50, "")
			wantField(t, err, models.EINVALID, c.field)
		}
	})
}

// A test event to a system endpoint belongs to no account: no tenant's event list holds it and
// no tenant is hinted about it (it used to be filed in the system administrator's first account).
func TestSendTestEvent_SystemEndpointTouchesNoTenant(t *testing.T) {
	t.Parallel()
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		f := MustDomain(t, db)
		rec := &hintRecorder{db: db}
		st := models.NewStore(db, rec)
		st.SetClock(f.Clock.Now)
		accs, err := st.ListAccounts(ctx, f.AdminActor)
		mustNoErr(t, err)
		if len(accs) == 0 {
			t.Fatal("the system administrator has no account")
		}
		sysEp, _ := f.MustEndpoint(t, f.AdminActor, models.ScopeKey{Scope: models.ScopeSystem}, "ops", false)

		d, err := st.SendTestEvent(ctx, f.AdminActor, sysEp.ID)
		mustNoErr(t, err)
		if d.AccountID != nil {
			t.Fatalf("filed under account %s", *d.AccountID)
		}
		for _, acc := range accs {
			p, err := st.ListEvents(ctx, f.AdminActor, acc.ID, models.EventQuery{}, 50, "")
			mustNoErr(t, err)
			for _, ev := range p.Items {
				if ev.ID == d.EventID || ev.Name == models.TestEventName {
					t.Fatalf("account %s lists the system test event %+v", acc.Name, ev)
				}
			}
		}
		wantEqual(t, "tenant events", len(f.MustEvents(t, "account_id IS NOT NULL")), 0)
		rec.mu.Lock()
		for _, h := range rec.hints {
			if h.AccountID != models.SystemHints {
				t.Errorf("hint %+v goes to a tenant", h)
			}
		}
		rec.mu.Unlock()

		// The delivery's record is complete: its event exists (no account) and is readable.
		evs, err := st.EventsByID(ctx, []string{d.EventID})
		mustNoErr(t, err)
		ev := evs[d.EventID]
		if ev == nil || ev.Name != models.TestEventName || ev.AccountID != "" {
			t.Fatalf("event = %+v", ev)
		}
		got, err := st.GetDelivery(ctx, f.AdminActor, d.ID)
		mustNoErr(t, err)
		wantEqual(t, "event", got.EventID, d.EventID)
		var p struct {
			Data map[string]string `json:"data"`
		}
		mustNoErr(t, json.Unmarshal(got.Payload, &p))
		wantEqual(t, "event id in payload", p.Data["SCALR_EVENT_ID"], d.EventID)
		if _, ok := p.Data["SCALR_ACCOUNT_ID"]; ok {
			t.Fatalf("payload names an account: %v", p.Data)
		}
	})
}

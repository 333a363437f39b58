package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/server"
)

// bSubscriber gives account B a status page (written directly: pages are another part's
// mutations) and a subscriber signed up through the public route, and returns its id.
func bSubscriber(t *testing.T, m *server.Main, accountID, componentID string) string {
	t.Helper()
	now := time.Now().UTC()
	page := models.StatusPage{ID: uuid.NewString(), AccountID: accountID, Name: "beta-secret-page", Slug: "beta-secret-" + accountID[:8],
		BrandColor: "#1f6feb", Visibility: models.PagePublic, ViewerKey: make([]byte, 32), TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	if err := m.DB.Create(&page).Error; err != nil {
		t.Fatal(err)
	}
	if err := m.DB.Create(&models.StatusPageComponent{PageID: page.ID, ComponentID: componentID}).Error; err != nil {
		t.Fatal(err)
	}
	res, err := http.PostForm("http://"+m.Addr+"/status/"+page.Slug+"/subscribe", url.Values{"address": {"beta-secret-subscriber@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("sign-up to B's page: %d", res.StatusCode)
	}
	var sub models.StatusSubscriber
	if err := m.DB.Where("page_id = ?", page.ID).Take(&sub).Error; err != nil {
		t.Fatal(err)
	}
	return sub.ID
}

// assertSubscriberIntact fails when B's subscriber was removed or changed.
func assertSubscriberIntact(t *testing.T, m *server.Main, id string) {
	t.Helper()
	var sub models.StatusSubscriber
	if err := m.DB.WithContext(context.Background()).Where("id = ?", id).Take(&sub).Error; err != nil {
		t.Fatal(err)
	}
	if sub.UnsubscribedAt != nil || !strings.HasPrefix(sub.Address, "beta-secret-subscriber@") {
		t.Fatalf("account B's subscriber changed: %+v", sub)
	}
}

// The console's side: the CSV export (the page's admins get it, a member of another account
// gets 404, nobody signed in gets 401) and removeSubscriber.
func TestSubscriberConsole(t *testing.T) {
	m, root := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, root)
	rootA := accountOf(t, root)
	var cb struct {
		CreateAccount struct{ Account struct{ ID string } }
	}
	if err := root.MustOK(ctx, `mutation { createAccount(input: {name: "Beta Corp"}) { account { id } } }`, nil, &cb); err != nil {
		t.Fatal(err)
	}
	rootB := fixture{c: root, accountID: cb.CreateAccount.Account.ID}
	alice, _ := addUser(t, rootA, "alice@example.com", "OWNER")
	bob, _ := addUser(t, rootB, "bob@example.com", "OWNER")
	now := time.Now().UTC()
	comp := models.Component{ID: uuid.NewString(), AccountID: rootB.accountID, Name: "API", CreatedAt: now, UpdatedAt: now}
	if err := m.DB.Create(&comp).Error; err != nil {
		t.Fatal(err)
	}
	subID := bSubscriber(t, m, rootB.accountID, comp.ID)
	var sub models.StatusSubscriber
	if err := m.DB.Where("id = ?", subID).Take(&sub).Error; err != nil {
		t.Fatal(err)
	}
	get := func(token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+m.Addr+"/api/status-pages/"+sub.PageID+"/subscribers.csv", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, res.Body)
		return res.StatusCode, b.String()
	}
	if code, body := get(bob.Token); code != 200 || !strings.Contains(body, "beta-secret-subscriber@example.com") {
		t.Fatalf("bob: %d %s", code, body)
	}
	if code, body := get(alice.Token); code != 404 || strings.Contains(body, "beta-secret") {
		t.Fatalf("alice: %d %s", code, body)
	}
	if code, _ := get(""); code != 401 {
		t.Fatalf("anonymous: %d", code)
	}

	// removeSubscriber: not found for alice, done for bob (then gone from the export).
	const remove = `mutation($id: ID!) { removeSubscriber(id: $id) { deletedId errors { code } } }`
	var out struct {
		RemoveSubscriber struct {
			DeletedID *string
			Errors    []struct{ Code string }
		}
	}
	if err := alice.MustOK(ctx, remove, map[string]any{"id": subID}, &out); err != nil {
		t.Fatal(err)
	}
	if out.RemoveSubscriber.DeletedID != nil || len(out.RemoveSubscriber.Errors) != 1 || out.RemoveSubscriber.Errors[0].Code != "NOT_FOUND" {
		t.Fatalf("alice removing B's subscriber: %+v", out)
	}
	assertSubscriberIntact(t, m, subID)
	if err := bob.MustOK(ctx, remove, map[string]any{"id": subID}, &out); err != nil {
		t.Fatal(err)
	}
	if out.RemoveSubscriber.DeletedID == nil || *out.RemoveSubscriber.DeletedID != subID || len(out.RemoveSubscriber.Errors) != 0 {
		t.Fatalf("bob removing his subscriber: %+v", out)
	}
	if code, body := get(bob.Token); code != 200 || strings.Contains(body, "beta-secret-subscriber") {
		t.Fatalf("export after removal: %d %s", code, body)
	}
}

package server_test

import (
	"context"
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

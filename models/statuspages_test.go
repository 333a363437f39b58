package models_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models"
	"github.com/switchboard-hub/switchboard/models/modeltest"
)

type pageFixture struct {
	*fixture
	Acc  string
	C1   *models.Component
	C2   *models.Component
	Mem  *models.Actor
	Page *models.StatusPage
}

func mustPageFixture(tb testing.TB, db *models.DB) *pageFixture {
	tb.Helper()
	f := MustInstalled(tb, db)
	f.Store.SetPublicURL("https://sb.example")
	mustNoErr(tb, f.Store.SetLinkKey(mustRandom(tb, 32)))
	ctx := context.Background()
	mk := func(name string) *models.Component {
		c, err := f.Store.CreateComponent(ctx, f.AdminActor, f.Account.ID, models.ComponentInput{Name: &name})
		mustNoErr(tb, err)
		return c
	}
	pf := &pageFixture{fixture: f, Acc: f.Account.ID, C1: mk("API"), C2: mk("Web")}
	pf.Mem, _ = f.MustMember(tb, f.Account.ID, "mem@example.com", models.RoleMember)
	vis := models.PagePublic
	p, err := f.Store.CreateStatusPage(ctx, f.AdminActor, f.Account.ID, models.StatusPageInput{
		Name: ptr("Acme status"), Slug: ptr("acme"), Visibility: &vis,
		Components: &[]models.PageComponentInput{{ComponentID: pf.C1.ID, Group: "Core"}, {ComponentID: pf.C2.ID, DisplayName: "Website"}},
	})
	mustNoErr(tb, err)
	pf.Page = p
	f.Pub.Reset()
	return pf
}

func (f *pageFixture) rows(tb testing.TB) string {
	tb.Helper()
	var parts []string
	for _, t := range []string{"status_pages", "status_page_components", "status_page_viewers", "audit_entries"} {
		parts = append(parts, t+"="+itoa(f.MustCount(tb, t, "")))
	}
	var ps []models.StatusPage
	mustNoErr(tb, f.DB.Order("id").Find(&ps).Error)
	for _, p := range ps {
		parts = append(parts, p.Slug, p.Name, deref(p.CustomHost), p.LogoURL, p.BrandColor, p.TimeZone)
	}
	var cs []models.StatusPageComponent
	mustNoErr(tb, f.DB.Order("page_id, position").Find(&cs).Error)
	for _, c := range cs {
		parts = append(parts, c.ComponentID+"/"+c.GroupName+"/"+c.DisplayName)
	}
	return strings.Join(parts, " ")
}

func TestStatusPageCreate(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		p := f.Page
		if len(p.ViewerKey) != 32 || p.BrandColor != "#1f6feb" || p.TimeZone != "UTC" {
			t.Fatalf("defaults: %+v", p)
		}
		cs, err := f.Store.StatusPageComponentsByPage(ctx, []string{p.ID})
		mustNoErr(t, err)
		got := cs[p.ID]
		if len(got) != 2 || got[0].ComponentID != f.C1.ID || got[0].GroupName != "Core" || got[1].DisplayName != "Website" || got[1].Position != 1 {
			t.Fatalf("components: %+v", got)
		}
		if n := len(f.MustAudit(t, f.Acc, "status_page.created")); n != 1 {
			t.Fatalf("audit entries: %d", n)
		}
		if u := f.Store.PageURL(p); u != "https://sb.example/status/acme" {
			t.Fatalf("url %q", u)
		}

		// A second page with every look field; the host is normalised.
		vis := models.PagePrivate
		p2, err := f.Store.CreateStatusPage(ctx, f.AdminActor, f.Acc, models.StatusPageInput{
			Name: ptr("Internal"), Slug: ptr("acme-internal-2"), Visibility: &vis, Headline: ptr("Hello"),
			LogoURL: ptr("https://cdn.example/logo.png"), SupportURL: ptr("http://localhost:8080/help"),
			BrandColor: ptr("#ABCDEF"), TimeZone: ptr("Europe/Berlin"), CustomHost: ptr("  Status.Example.COM "),
		})
		mustNoErr(t, err)
		if deref(p2.CustomHost) != "status.example.com" || p2.BrandColor != "#abcdef" || p2.TimeZone != "Europe/Berlin" {
			t.Fatalf("page 2: %+v", p2)
		}
		if u := f.Store.PageURL(p2); u != "https://status.example.com/" {
			t.Fatalf("custom host url %q", u)
		}
		hs, _ := f.Pub.Hints()
		found := false
		for _, h := range hs {
			if h.Kind == models.HintStatusPage && h.ID == p2.ID && h.AccountID == f.Acc {
				found = true
			}
		}
		if !found {
			t.Fatalf("no status_page hint: %+v", hs)
		}
		hosts, err := f.Store.StatusPageHosts(ctx)
		mustNoErr(t, err)
		if hosts["status.example.com"] != "acme-internal-2" || len(hosts) != 1 {
			t.Fatalf("hosts %v", hosts)
		}
	})
}

func TestStatusPageValidation(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		vis := models.PagePublic
		other := f.MustAccount(t, "Other")
		name := "Theirs"
		oc, err := f.Store.CreateComponent(ctx, f.AdminActor, other.ID, models.ComponentInput{Name: &name})
		mustNoErr(t, err)
		// A page on the other account holds a host.
		_, err = f.Store.CreateStatusPage(ctx, f.AdminActor, other.ID, models.StatusPageInput{Name: ptr("O"), Slug: ptr("other"), Visibility: &vis, CustomHost: ptr("status.other.com")})
		mustNoErr(t, err)
		outsider, _ := f.MustMember(t, other.ID, "out@example.com", models.RoleOwner)
		before := f.rows(t)

		base := func(mod func(in *models.StatusPageInput)) models.StatusPageInput {
			in := models.StatusPageInput{Name: ptr("X"), Slug: ptr("new-page"), Visibility: &vis}
			mod(&in)
			return in
		}
		for _, tc := range []struct {
			name, code, field string
			in                models.StatusPageInput
		}{
			{"SlugTaken", models.ECONFLICT, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("acme") })},
			{"SlugTakenOtherAccount", models.ECONFLICT, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("other") })},
			{"SlugUpper", models.EINVALID, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("Acme") })},
			{"SlugShort", models.EINVALID, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("a") })},
			{"SlugLong", models.EINVALID, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr(strings.Repeat("a", 61)) })},
			{"SlugSlash", models.EINVALID, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("a/b") })},
			{"SlugDashes", models.EINVALID, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("-ab") })},
			{"SlugReserved", models.EINVALID, "slug", base(func(in *models.StatusPageInput) { in.Slug = ptr("api") })},
			{"HostTaken", models.ECONFLICT, "customHost", base(func(in *models.StatusPageInput) { in.CustomHost = ptr("STATUS.other.com") })},
			{"HostOwn", models.EINVALID, "customHost", base(func(in *models.StatusPageInput) { in.CustomHost = ptr("sb.example") })},
			{"HostScheme", models.EINVALID, "customHost", base(func(in *models.StatusPageInput) { in.CustomHost = ptr("https://status.x.com") })},
			{"HostPort", models.EINVALID, "customHost", base(func(in *models.StatusPageInput) { in.CustomHost = ptr("status.x.com:8080") })},
			{"HostIP", models.EINVALID, "customHost", base(func(in *models.StatusPageInput) { in.CustomHost = ptr("10.0.0.1") })},
			{"LogoHTTP", models.EINVALID, "logoUrl", base(func(in *models.StatusPageInput) { in.LogoURL = ptr("http://cdn.example/logo.png") })},
			{"LogoJS", models.EINVALID, "logoUrl", base(func(in *models.StatusPageInput) { in.LogoURL = ptr("javascript:alert(1)") })},
			{"SupportHTTP", models.EINVALID, "supportUrl", base(func(in *models.StatusPageInput) { in.SupportURL = ptr("http://help.example") })},
			{"Colour", models.EINVALID, "brandColor", base(func(in *models.StatusPageInput) { in.BrandColor = ptr("red") })},
			{"Zone", models.EINVALID, "timeZone", base(func(in *models.StatusPageInput) { in.TimeZone = ptr("Mars/Olympus") })},
			{"Visibility", models.EINVALID, "visibility", base(func(in *models.StatusPageInput) { v := models.StatusPageVisibility("secret"); in.Visibility = &v })},
			{"ForeignComponent", models.ENOTFOUND, "components", base(func(in *models.StatusPageInput) {
				in.Components = &[]models.PageComponentInput{{ComponentID: f.C1.ID}, {ComponentID: oc.ID}}
			})},
			{"DuplicateComponent", models.EINVALID, "components", base(func(in *models.StatusPageInput) {
				in.Components = &[]models.PageComponentInput{{ComponentID: f.C1.ID}, {ComponentID: f.C1.ID}}
			})},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.Store.CreateStatusPage(ctx, f.AdminActor, f.Acc, tc.in)
				wantField(t, err, tc.code, tc.field)
				if after := f.rows(t); after != before {
					t.Fatalf("a refused create changed rows:\n%s\n%s", before, after)
				}
			})
		}
		// Updates are checked the same way.
		_, err = f.Store.UpdateStatusPage(ctx, f.AdminActor, f.Page.ID, models.StatusPageInput{Slug: ptr("other")})
		wantField(t, err, models.ECONFLICT, "slug")
		_, err = f.Store.UpdateStatusPage(ctx, f.AdminActor, f.Page.ID, models.StatusPageInput{CustomHost: ptr("status.other.com"), Name: ptr("Renamed")})
		wantField(t, err, models.ECONFLICT, "customHost")
		_, err = f.Store.UpdateStatusPage(ctx, f.AdminActor, f.Page.ID, models.StatusPageInput{Name: ptr("Renamed"), Components: &[]models.PageComponentInput{{ComponentID: oc.ID}}})
		wantField(t, err, models.ENOTFOUND, "components")
		// Members cannot configure pages; other accounts' admins do not see them.
		_, err = f.Store.CreateStatusPage(ctx, f.Mem, f.Acc, base(func(*models.StatusPageInput) {}))
		wantCode(t, err, models.EFORBIDDEN)
		_, err = f.Store.UpdateStatusPage(ctx, f.Mem, f.Page.ID, models.StatusPageInput{Name: ptr("Mine")})
		wantCode(t, err, models.EFORBIDDEN)
		wantCode(t, f.Store.DeleteStatusPage(ctx, f.Mem, f.Page.ID), models.EFORBIDDEN)
		_, err = f.Store.GetStatusPage(ctx, outsider, f.Page.ID)
		wantCode(t, err, models.ENOTFOUND)
		_, _, err = f.Store.CreateViewerLink(ctx, outsider, f.Page.ID, "x")
		wantCode(t, err, models.ENOTFOUND)
		if after := f.rows(t); after != before {
			t.Fatalf("refused changes changed rows:\n%s\n%s", before, after)
		}
	})
}

func TestStatusPageUpdateDelete(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		p, err := f.Store.UpdateStatusPage(ctx, f.AdminActor, f.Page.ID, models.StatusPageInput{
			Slug: ptr("acme-2"), CustomHost: ptr("status.acme.io"),
			Components: &[]models.PageComponentInput{{ComponentID: f.C2.ID, Group: "Front"}},
		})
		mustNoErr(t, err)
		if p.Slug != "acme-2" || deref(p.CustomHost) != "status.acme.io" {
			t.Fatalf("updated %+v", p)
		}
		cs, _ := f.Store.StatusPageComponentsByPage(ctx, []string{p.ID})
		if len(cs[p.ID]) != 1 || cs[p.ID][0].ComponentID != f.C2.ID || cs[p.ID][0].GroupName != "Front" {
			t.Fatalf("components replaced: %+v", cs[p.ID])
		}
		// The old slug is free again; removing the host frees it.
		p, err = f.Store.UpdateStatusPage(ctx, f.AdminActor, p.ID, models.StatusPageInput{CustomHost: ptr("")})
		mustNoErr(t, err)
		if p.CustomHost != nil {
			t.Fatal("host not removed")
		}
		got, err := f.Store.StatusPageBySlug(ctx, "acme-2")
		mustNoErr(t, err)
		if got.CustomHost != nil {
			t.Fatal("host stored")
		}
		if n := len(f.MustAudit(t, f.Acc, "status_page.updated")); n != 2 {
			t.Fatalf("update audits %d", n)
		}
		_, _, err = f.Store.CreateViewerLink(ctx, f.AdminActor, p.ID, "Board")
		mustNoErr(t, err)
		mustNoErr(t, f.Store.DeleteStatusPage(ctx, f.AdminActor, p.ID))
		if n := f.MustCount(t, "status_pages", "") + f.MustCount(t, "status_page_components", "") + f.MustCount(t, "status_page_viewers", ""); n != 0 {
			t.Fatalf("rows left: %d", n)
		}
		_, err = f.Store.StatusPageBySlug(ctx, "acme-2")
		wantCode(t, err, models.ENOTFOUND)
	})
}

func TestStatusPageViewerLinks(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		v, token, err := f.Store.CreateViewerLink(ctx, f.AdminActor, f.Page.ID, "Board of directors")
		mustNoErr(t, err)
		if !strings.HasPrefix(token, v.TokenPrefix) || len(token) < 40 || v.TokenHash == token {
			t.Fatalf("token %q viewer %+v", token, v)
		}
		if n := f.MustCount(t, "status_page_viewers", "token_hash = ?", token); n != 0 {
			t.Fatal("the token is stored in clear")
		}
		u := f.Store.ViewerLinkURL(f.Page, token)
		if !strings.HasPrefix(u, "https://sb.example/status/acme?viewer=") {
			t.Fatalf("url %q", u)
		}
		_, _, err = f.Store.CreateViewerLink(ctx, f.Mem, f.Page.ID, "mine")
		wantCode(t, err, models.EFORBIDDEN)
		_, _, err = f.Store.CreateViewerLink(ctx, f.AdminActor, f.Page.ID, "  ")
		wantField(t, err, models.EINVALID, "label")

		got, err := f.Store.OpenViewerLink(ctx, f.Page.ID, token)
		mustNoErr(t, err)
		if got.ID != v.ID || got.LastUsedAt == nil {
			t.Fatalf("opened %+v", got)
		}
		_, err = f.Store.OpenViewerLink(ctx, f.Page.ID, token+"x")
		wantCode(t, err, models.ENOTFOUND)
		_, err = f.Store.OpenViewerLink(ctx, newPageID(t), token)
		wantCode(t, err, models.ENOTFOUND)

		// A cookie names the viewer; it verifies with the page's key only, until it expires.
		now := f.Clock.Now()
		c := models.SignViewerCookie(f.Page, v.ID, now.Add(time.Hour))
		if id, ok := models.VerifyViewerCookie(f.Page, c, now); !ok || id != v.ID {
			t.Fatalf("cookie did not verify: %q %v", id, ok)
		}
		if _, ok := models.VerifyViewerCookie(f.Page, c, now.Add(2*time.Hour)); ok {
			t.Fatal("expired cookie verified")
		}
		forged := f.Page
		other := *forged
		other.ViewerKey = mustRandom(t, 32)
		if _, ok := models.VerifyViewerCookie(&other, c, now); ok {
			t.Fatal("cookie verified with another key")
		}
		if _, ok := models.VerifyViewerCookie(f.Page, strings.Replace(c, v.ID, newPageID(t), 1), now); ok {
			t.Fatal("tampered cookie verified")
		}
		if id, ok := models.VerifyViewerCookie(f.Page, models.SignViewerCookie(f.Page, "", now.Add(time.Hour)), now); !ok || id != "" {
			t.Fatal("console cookie did not verify")
		}

		active, err := f.Store.ActiveViewers(ctx, []string{v.ID})
		mustNoErr(t, err)
		if !active[v.ID] {
			t.Fatal("viewer not active")
		}
		_, err = f.Store.RevokeViewerLink(ctx, f.Mem, v.ID)
		wantCode(t, err, models.EFORBIDDEN)
		r, err := f.Store.RevokeViewerLink(ctx, f.AdminActor, v.ID)
		mustNoErr(t, err)
		if r.RevokedAt == nil {
			t.Fatal("not revoked")
		}
		_, err = f.Store.OpenViewerLink(ctx, f.Page.ID, token)
		wantCode(t, err, models.ENOTFOUND)
		active, err = f.Store.ActiveViewers(ctx, []string{v.ID})
		mustNoErr(t, err)
		if active[v.ID] {
			t.Fatal("revoked viewer still active")
		}
		vs, err := f.Store.ListViewerLinks(ctx, f.AdminActor, f.Page.ID)
		mustNoErr(t, err)
		if len(vs) != 1 || vs[0].RevokedAt == nil {
			t.Fatalf("list %+v", vs)
		}
		if n := len(f.MustAudit(t, f.Acc, "status_page.viewer_revoked")); n != 1 {
			t.Fatalf("revoke audits %d", n)
		}
	})
}

func TestStatusPageViewerCookieLink(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		// Any member may open the page in their browser.
		link, err := f.Store.ViewerCookieLink(ctx, f.Mem, f.Page.ID)
		mustNoErr(t, err)
		u, err := url.Parse(link)
		mustNoErr(t, err)
		if u.Host != "sb.example" || u.Path != "/status/acme" {
			t.Fatalf("link %q", link)
		}
		tok := u.Query().Get("access")
		wantCode(t, f.Store.UseViewerCookieLink(ctx, newPageID(t), tok), models.EINVALID)
		mustNoErr(t, f.Store.UseViewerCookieLink(ctx, f.Page.ID, tok))
		wantCode(t, f.Store.UseViewerCookieLink(ctx, f.Page.ID, tok), models.ECONFLICT)
		// It expires after five minutes.
		link, err = f.Store.ViewerCookieLink(ctx, f.Mem, f.Page.ID)
		mustNoErr(t, err)
		u, _ = url.Parse(link)
		f.Clock.Advance(models.ViewerCookieLinkTTL + time.Second)
		wantCode(t, f.Store.UseViewerCookieLink(ctx, f.Page.ID, u.Query().Get("access")), models.EINVALID)
		outsider, _ := f.MustMember(t, f.MustAccount(t, "Other").ID, "out@example.com", models.RoleOwner)
		_, err = f.Store.ViewerCookieLink(ctx, outsider, f.Page.ID)
		wantCode(t, err, models.ENOTFOUND)
	})
}

func newPageID(tb testing.TB) string {
	tb.Helper()
	return "0190f0f0-0000-7000-8000-000000000001"
}

// An owner of another account reaches nothing of a page: every getter and mutator answers
// "not found", and nothing changes.
func TestStatusPageTenancy(t *testing.T) {
	modeltest.Dialects(t, func(t *testing.T, db *models.DB) {
		f := mustPageFixture(t, db)
		ctx := context.Background()
		v, _, err := f.Store.CreateViewerLink(ctx, f.AdminActor, f.Page.ID, "Board")
		mustNoErr(t, err)
		outsider, _ := f.MustMember(t, f.MustAccount(t, "Other").ID, "out@example.com", models.RoleOwner)
		before := f.rows(t)
		vis := models.PagePublic
		for name, call := range map[string]func() error{
			"ListStatusPages": func() error { _, err := f.Store.ListStatusPages(ctx, outsider, f.Acc); return err },
			"GetStatusPage":   func() error { _, err := f.Store.GetStatusPage(ctx, outsider, f.Page.ID); return err },
			"CreateStatusPage": func() error {
				_, err := f.Store.CreateStatusPage(ctx, outsider, f.Acc, models.StatusPageInput{Name: ptr("x"), Slug: ptr("evil"), Visibility: &vis})
				return err
			},
			"UpdateStatusPage": func() error {
				_, err := f.Store.UpdateStatusPage(ctx, outsider, f.Page.ID, models.StatusPageInput{Name: ptr("owned")})
				return err
			},
			"DeleteStatusPage": func() error { return f.Store.DeleteStatusPage(ctx, outsider, f.Page.ID) },
			"ListViewerLinks":  func() error { _, err := f.Store.ListViewerLinks(ctx, outsider, f.Page.ID); return err },
			"CreateViewerLink": func() error { _, _, err := f.Store.CreateViewerLink(ctx, outsider, f.Page.ID, "x"); return err },
			"RevokeViewerLink": func() error { _, err := f.Store.RevokeViewerLink(ctx, outsider, v.ID); return err },
			"ViewerCookieLink": func() error { _, err := f.Store.ViewerCookieLink(ctx, outsider, f.Page.ID); return err },
		} {
			t.Run(name, func(t *testing.T) { wantCode(t, call(), models.ENOTFOUND) })
		}
		if after := f.rows(t); after != before {
			t.Fatalf("rows changed:\n%s\n%s", before, after)
		}
		vs, err := f.Store.ListViewerLinks(ctx, f.AdminActor, f.Page.ID)
		mustNoErr(t, err)
		if len(vs) != 1 || vs[0].RevokedAt != nil {
			t.Fatalf("viewer changed: %+v", vs)
		}
	})
}

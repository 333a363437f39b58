package models

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-hub/switchboard/models/signedlink"
)

// Status pages (issue 11, docs/statuspages.md): an account's published pages, the components
// they show, and the viewer links of private pages. Admins configure them like the rest of the
// account; every change publishes HintStatusPage so the public side drops its cached documents.

// Status page limits.
const (
	maxPageComponents = 200
	// ViewerCookieLinkTTL is how long a viewerCookieLink URL can be opened.
	ViewerCookieLinkTTL = 5 * time.Minute
	// ViewerCookieTTL is how long a viewer cookie lets a browser read a private page.
	ViewerCookieTTL = 30 * 24 * time.Hour
	// ViewerCookieName is the cookie of private pages.
	ViewerCookieName = "sb_status_viewer"
	// viewerTokenPrefix starts viewer link tokens (recognisable in leaks and logs).
	viewerTokenPrefix = "sbv_"
	// LinkPurposeViewerCookie is the signed-link purpose of viewerCookieLink.
	LinkPurposeViewerCookie = "statuspage.viewer"
)

// PageComponentInput is one component of a page, in the order given.
type PageComponentInput struct {
	ComponentID string
	Group       string
	DisplayName string
}

// StatusPageInput creates or changes a page; nil fields stay. Components, when given,
// replaces the page's components as a whole. An empty CustomHost removes it.
type StatusPageInput struct {
	Name       *string
	Slug       *string
	Headline   *string
	LogoURL    *string
	BrandColor *string
	SupportURL *string
	CustomHost *string
	Visibility *StatusPageVisibility
	TimeZone   *string
	Components *[]PageComponentInput
}

func (p *StatusPage) accountOf() string { return p.AccountID }

var (
	colorRe = regexp.MustCompile(`^#[0-9a-f]{6}$`)
	labelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// reservedSlugs would shadow routes or read as the installation's own pages.
var reservedSlugs = map[string]bool{
	"api": true, "admin": true, "app": true, "assets": true, "auth": true, "static": true, "status": true,
	"www": true, "new": true, "edit": true, "feed": true, "history": true, "incidents": true,
	"maintenance": true, "subscribe": true, "confirm": true, "unsubscribe": true, "login": true,
	"logout": true, "graphql": true, "links": true, "webhooks": true, "switchboard": true,
}

// CleanSlug validates a page slug: lower-case letters, digits and single dashes, 2–60
// characters, not reserved.
func CleanSlug(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case len(v) < 2 || len(v) > 60:
		return "", FieldError(EINVALID, "slug", "a slug has 2 to 60 characters")
	case !slugShape(v):
		return "", FieldError(EINVALID, "slug", "a slug has lower-case letters, digits and dashes only (like status-acme)")
	case reservedSlugs[v]:
		return "", FieldError(EINVALID, "slug", "%q is reserved: choose another slug", v)
	}
	return v, nil
}

// slugShape reports whether v is lower-case letters and digits in runs joined by single
// dashes (^[a-z0-9]+(-[a-z0-9]+)*$), without a regular expression: every status page request
// checks its slug.
func slugShape(v string) bool {
	if v == "" || v[0] == '-' || v[len(v)-1] == '-' {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch ch := v[i]; {
		case 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9':
		case ch == '-' && v[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// CleanCustomHost validates a custom host name: lower-cased, without scheme, port or path.
func CleanCustomHost(v string) (string, error) {
	v = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".")
	bad := FieldError(EINVALID, "customHost", "enter a host name like status.example.com, without https:// or a port")
	if v == "" || len(v) > 253 || strings.ContainsAny(v, ":/ @?#") {
		return "", bad
	}
	if net.ParseIP(v) != nil {
		return "", FieldError(EINVALID, "customHost", "a custom host is a name, not an IP address")
	}
	labels := strings.Split(v, ".")
	if len(labels) < 2 {
		return "", bad
	}
	for _, l := range labels {
		if !labelRe.MatchString(l) {
			return "", bad
		}
	}
	return v, nil
}

// cleanPageURL accepts an https URL (http only for localhost), or empty.
func cleanPageURL(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || len(v) > 2000 || u.User != nil {
		return "", FieldError(EINVALID, field, "enter a full https:// URL")
	}
	switch u.Scheme {
	case "https":
	case "http":
		h := u.Hostname()
		if h != "localhost" && h != "127.0.0.1" && h != "::1" {
			return "", FieldError(EINVALID, field, "the URL must use https")
		}
	default:
		return "", FieldError(EINVALID, field, "the URL must use https")
	}
	return v, nil
}

func (s *Store) cleanStatusPage(in *StatusPageInput) error {
	if in.Name != nil {
		n, err := cleanName("name", *in.Name, 100)
		if err != nil {
			return err
		}
		in.Name = &n
	}
	if in.Slug != nil {
		v, err := CleanSlug(*in.Slug)
		if err != nil {
			return err
		}
		in.Slug = &v
	}
	if in.Headline != nil {
		h, err := cleanText("headline", *in.Headline, 300)
		if err != nil {
			return err
		}
		if hasControl(h) {
			return FieldError(EINVALID, "headline", "headline must be a single line")
		}
		in.Headline = &h
	}
	for _, f := range []struct {
		name string
		v    **string
	}{{"logoUrl", &in.LogoURL}, {"supportUrl", &in.SupportURL}} {
		if *f.v == nil {
			continue
		}
		u, err := cleanPageURL(f.name, **f.v)
		if err != nil {
			return err
		}
		*f.v = &u
	}
	if in.BrandColor != nil {
		c := strings.ToLower(strings.TrimSpace(*in.BrandColor))
		if !colorRe.MatchString(c) {
			return FieldError(EINVALID, "brandColor", "a colour is written #rrggbb, like #1f6feb")
		}
		in.BrandColor = &c
	}
	if in.CustomHost != nil && strings.TrimSpace(*in.CustomHost) != "" {
		h, err := CleanCustomHost(*in.CustomHost)
		if err != nil {
			return err
		}
		if own := s.ownHost(); own != "" && h == own {
			return FieldError(EINVALID, "customHost", "%s is this installation's own address: use another host name", h)
		}
		in.CustomHost = &h
	} else if in.CustomHost != nil {
		empty := ""
		in.CustomHost = &empty
	}
	if in.Visibility != nil && !in.Visibility.Valid() {
		return FieldError(EINVALID, "visibility", "unknown visibility")
	}
	if in.TimeZone != nil {
		z := strings.TrimSpace(*in.TimeZone)
		if z == "" || z == "Local" {
			return FieldError(EINVALID, "timeZone", "choose an IANA time zone like Europe/Berlin")
		}
		if _, err := time.LoadLocation(z); err != nil {
			return FieldError(EINVALID, "timeZone", "unknown time zone %q: use an IANA name like Europe/Berlin", z)
		}
		in.TimeZone = &z
	}
	if in.Components != nil {
		if len(*in.Components) > maxPageComponents {
			return FieldError(EINVALID, "components", "a page shows at most %d components", maxPageComponents)
		}
		seen := map[string]bool{}
		cs := make([]PageComponentInput, len(*in.Components))
		for i, c := range *in.Components {
			if !validID(c.ComponentID) {
				return FieldError(ENOTFOUND, "components", "component not found")
			}
			if seen[c.ComponentID] {
				return FieldError(EINVALID, "components", "a component appears on a page once")
			}
			seen[c.ComponentID] = true
			if g := strings.TrimSpace(c.Group); g != "" {
				var err error
				if c.Group, err = cleanName("group", g, 100); err != nil {
					return err
				}
			} else {
				c.Group = ""
			}
			if d := strings.TrimSpace(c.DisplayName); d != "" {
				var err error
				if c.DisplayName, err = cleanName("displayName", d, 100); err != nil {
					return err
				}
			} else {
				c.DisplayName = ""
			}
			cs[i] = c
		}
		in.Components = &cs
	}
	return nil
}

// ownHost is the host name of the installation's public URL (lower case, no port), or "".
func (s *Store) ownHost() string {
	u, err := url.Parse(s.links.Base())
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// ListStatusPages returns the account's pages by name. Viewers and up.
func (s *Store) ListStatusPages(ctx context.Context, a *Actor, accountID string) ([]StatusPage, error) {
	if _, err := s.Require(ctx, a, accountID, RoleViewer); err != nil {
		return nil, err
	}
	var ps []StatusPage
	err := s.db.WithContext(ctx).Where("account_id = ?", accountID).Order("lower(name), id").Find(&ps).Error
	return ps, err
}

// GetStatusPage returns a page the actor can see.
func (s *Store) GetStatusPage(ctx context.Context, a *Actor, id string) (*StatusPage, error) {
	var p StatusPage
	if err := s.getScoped(ctx, a, &p, id, "status page", RoleViewer); err != nil {
		return nil, err
	}
	return &p, nil
}

// pageConflict turns a unique violation of status_pages into the field it concerns.
func pageConflict(tx *Tx, err error, pageID string, in StatusPageInput) error {
	if !isUniqueViolation(err) {
		return err
	}
	if in.CustomHost != nil && *in.CustomHost != "" {
		var n int64
		if tx.Raw("SELECT count(*) FROM status_pages WHERE custom_host = ? AND id <> ?", *in.CustomHost, pageID).Scan(&n); n > 0 {
			return FieldError(ECONFLICT, "customHost", "%s is already the host of another status page", *in.CustomHost)
		}
	}
	if in.Slug != nil {
		return FieldError(ECONFLICT, "slug", "the slug %q is taken: choose another", *in.Slug)
	}
	return err
}

// checkPageFree refuses a slug or custom host that another page holds (the unique indexes are
// the last word; this gives the clear message before the insert fails a transaction).
func checkPageFree(tx *Tx, pageID string, in StatusPageInput) error {
	if in.Slug != nil {
		var n int64
		if err := tx.Model(&StatusPage{}).Where("slug = ? AND id <> ?", *in.Slug, pageID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return FieldError(ECONFLICT, "slug", "the slug %q is taken: choose another", *in.Slug)
		}
	}
	if in.CustomHost != nil && *in.CustomHost != "" {
		var n int64
		if err := tx.Model(&StatusPage{}).Where("custom_host = ? AND id <> ?", *in.CustomHost, pageID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return FieldError(ECONFLICT, "customHost", "%s is already the host of another status page", *in.CustomHost)
		}
	}
	return nil
}

// setPageComponents replaces the page's components in tx; every component must be the
// account's.
func setPageComponents(tx *Tx, accountID, pageID string, cs []PageComponentInput) error {
	if len(cs) > 0 {
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ComponentID
		}
		var n int64
		if err := tx.Model(&Component{}).Where("id IN ? AND account_id = ?", ids, accountID).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(ids) {
			return FieldError(ENOTFOUND, "components", "component not found")
		}
	}
	if err := tx.Where("page_id = ?", pageID).Delete(&StatusPageComponent{}).Error; err != nil {
		return err
	}
	if len(cs) == 0 {
		return nil
	}
	rows := make([]StatusPageComponent, len(cs))
	for i, c := range cs {
		rows[i] = StatusPageComponent{PageID: pageID, ComponentID: c.ComponentID, GroupName: c.Group, Position: i, DisplayName: c.DisplayName}
	}
	return tx.Create(&rows).Error
}

// CreateStatusPage creates a page with a fresh viewer key. Admins and owners.
func (s *Store) CreateStatusPage(ctx context.Context, a *Actor, accountID string, in StatusPageInput) (*StatusPage, error) {
	if _, err := s.Require(ctx, a, accountID, RoleAdmin); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, FieldError(EINVALID, "name", "name is required")
	}
	if in.Slug == nil {
		return nil, FieldError(EINVALID, "slug", "slug is required")
	}
	if in.Visibility == nil {
		return nil, FieldError(EINVALID, "visibility", "visibility is required")
	}
	if err := s.cleanStatusPage(&in); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	now := s.now()
	p := &StatusPage{ID: newID(), AccountID: accountID, Name: *in.Name, Slug: *in.Slug, Visibility: *in.Visibility,
		BrandColor: "#1f6feb", TimeZone: "UTC", ViewerKey: key, CreatedAt: now, UpdatedAt: now}
	if in.Headline != nil {
		p.Headline = *in.Headline
	}
	if in.LogoURL != nil {
		p.LogoURL = *in.LogoURL
	}
	if in.SupportURL != nil {
		p.SupportURL = *in.SupportURL
	}
	if in.BrandColor != nil {
		p.BrandColor = *in.BrandColor
	}
	if in.TimeZone != nil {
		p.TimeZone = *in.TimeZone
	}
	if in.CustomHost != nil && *in.CustomHost != "" {
		h := *in.CustomHost
		p.CustomHost = &h
	}
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := checkPageFree(tx, p.ID, in); err != nil {
			return err
		}
		if err := tx.Create(p).Error; err != nil {
			return pageConflict(tx, err, p.ID, in)
		}
		if in.Components != nil {
			if err := setPageComponents(tx, accountID, p.ID, *in.Components); err != nil {
				return err
			}
		}
		s.hint(tx, HintStatusPage, p.ID, accountID)
		return s.audit(tx, a, accountID, "status_page.created", "status_page", p.ID,
			fmt.Sprintf("%s created %s status page %q (/status/%s)", a.Label(), p.Visibility, p.Name, p.Slug))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateStatusPage changes a page. Admins and owners.
func (s *Store) UpdateStatusPage(ctx context.Context, a *Actor, id string, in StatusPageInput) (*StatusPage, error) {
	p, err := s.GetStatusPage(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Require(ctx, a, p.AccountID, RoleAdmin); err != nil {
		return nil, err
	}
	if err := s.cleanStatusPage(&in); err != nil {
		return nil, err
	}
	changes := map[string]any{}
	var what []string
	set := func(col, label string, cur *string, v *string) {
		if v != nil && *v != *cur {
			changes[col], *cur = *v, *v
			what = append(what, label)
		}
	}
	set("name", "renamed it", &p.Name, in.Name)
	set("slug", "changed the slug", &p.Slug, in.Slug)
	set("headline", "changed the headline", &p.Headline, in.Headline)
	set("logo_url", "changed the logo", &p.LogoURL, in.LogoURL)
	set("brand_color", "changed the colour", &p.BrandColor, in.BrandColor)
	set("support_url", "changed the support link", &p.SupportURL, in.SupportURL)
	set("time_zone", "changed the time zone", &p.TimeZone, in.TimeZone)
	if in.CustomHost != nil && *in.CustomHost != deref(p.CustomHost) {
		if *in.CustomHost == "" {
			changes["custom_host"], p.CustomHost = nil, nil
			what = append(what, "removed the custom host")
		} else {
			h := *in.CustomHost
			changes["custom_host"], p.CustomHost = h, &h
			what = append(what, "set the custom host "+h)
		}
	}
	if in.Visibility != nil && *in.Visibility != p.Visibility {
		changes["visibility"], p.Visibility = *in.Visibility, *in.Visibility
		what = append(what, "made it "+string(*in.Visibility))
	}
	if in.Components != nil {
		what = append(what, "set its components")
	}
	if len(what) == 0 {
		return p, nil
	}
	p.UpdatedAt = s.now()
	changes["updated_at"] = p.UpdatedAt
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := checkPageFree(tx, p.ID, in); err != nil {
			return err
		}
		if err := tx.Model(&StatusPage{}).Where("id = ? AND account_id = ?", p.ID, p.AccountID).Updates(changes).Error; err != nil {
			return pageConflict(tx, err, p.ID, in)
		}
		if in.Components != nil {
			if err := setPageComponents(tx, p.AccountID, p.ID, *in.Components); err != nil {
				return err
			}
		}
		s.hint(tx, HintStatusPage, p.ID, p.AccountID)
		return s.audit(tx, a, p.AccountID, "status_page.updated", "status_page", p.ID,
			fmt.Sprintf("%s %s of status page %q", a.Label(), strings.Join(what, ", "), p.Name))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteStatusPage deletes a page with its components, viewers and subscribers. Admins and
// owners.
func (s *Store) DeleteStatusPage(ctx context.Context, a *Actor, id string) error {
	p, err := s.GetStatusPage(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := s.Require(ctx, a, p.AccountID, RoleAdmin); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *Tx) error {
		// Children first: SQLite runs without cascading foreign keys in some setups.
		for _, t := range []string{"status_page_components", "status_page_viewers", "status_subscribers"} {
			if t == "status_subscribers" {
				if err := tx.Exec("DELETE FROM status_webhook_deliveries WHERE subscriber_id IN (SELECT id FROM status_subscribers WHERE page_id = ?)", p.ID).Error; err != nil {
					return err
				}
			}
			if err := tx.Exec("DELETE FROM "+t+" WHERE page_id = ?", p.ID).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("id = ?", p.ID).Delete(&StatusPage{}).Error; err != nil {
			return err
		}
		s.hint(tx, HintStatusPage, p.ID, p.AccountID)
		return s.audit(tx, a, p.AccountID, "status_page.deleted", "status_page", p.ID,
			fmt.Sprintf("%s deleted status page %q (/status/%s)", a.Label(), p.Name, p.Slug))
	})
}

// StatusPageComponentsByPage loads the components of many pages, in order (dataloader).
// Callers pass pages the actor may see.
func (s *Store) StatusPageComponentsByPage(ctx context.Context, pageIDs []string) (map[string][]StatusPageComponent, error) {
	var rows []StatusPageComponent
	if err := s.db.WithContext(ctx).Where("page_id IN ?", pageIDs).Order("position, component_id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string][]StatusPageComponent{}
	for _, r := range rows {
		out[r.PageID] = append(out[r.PageID], r)
	}
	return out, nil
}

// PageURL is a page's public address: its custom host's root (with the scheme of the public
// URL), else /status/{slug} on the public URL.
func (s *Store) PageURL(p *StatusPage) string {
	base := s.links.Base()
	if p.CustomHost != nil && *p.CustomHost != "" {
		scheme := "https"
		if u, err := url.Parse(base); err == nil && u.Scheme == "http" {
			scheme = "http"
		}
		return scheme + "://" + *p.CustomHost + "/"
	}
	if base == "" {
		return "/status/" + p.Slug
	}
	return base + "/status/" + p.Slug
}

// ListViewerLinks returns a page's viewer links, newest first. Admins and owners.
func (s *Store) ListViewerLinks(ctx context.Context, a *Actor, pageID string) ([]StatusPageViewer, error) {
	var p StatusPage
	if err := s.getScoped(ctx, a, &p, pageID, "status page", RoleAdmin); err != nil {
		return nil, err
	}
	var vs []StatusPageViewer
	err := s.db.WithContext(ctx).Where("page_id = ?", p.ID).Order("created_at DESC, id DESC").Find(&vs).Error
	return vs, err
}

// CreateViewerLink creates a viewer link of a page and returns it with its token, which is
// shown once (only its hash is kept) and its full URL. Admins and owners.
func (s *Store) CreateViewerLink(ctx context.Context, a *Actor, pageID, label string) (*StatusPageViewer, string, error) {
	var p StatusPage
	if err := s.getScoped(ctx, a, &p, pageID, "status page", RoleAdmin); err != nil {
		return nil, "", err
	}
	label, err := cleanName("label", label, 100)
	if err != nil {
		return nil, "", err
	}
	token := viewerTokenPrefix + randomSecret(32)
	v := &StatusPageViewer{ID: newID(), PageID: p.ID, Label: label, TokenHash: hashToken(token),
		TokenPrefix: token[:len(viewerTokenPrefix)+6], CreatedAt: s.now()}
	if a.UserID != "" {
		u := a.UserID
		v.CreatedBy = &u
	}
	err = s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Create(v).Error; err != nil {
			return err
		}
		s.hint(tx, HintStatusPage, p.ID, p.AccountID)
		return s.audit(tx, a, p.AccountID, "status_page.viewer_created", "status_page", p.ID,
			fmt.Sprintf("%s created viewer link %q of status page %q", a.Label(), label, p.Name))
	})
	if err != nil {
		return nil, "", err
	}
	return v, token, nil
}

// ViewerLinkURL is the full URL of a viewer link token.
func (s *Store) ViewerLinkURL(p *StatusPage, token string) string {
	return s.PageURL(p) + "?viewer=" + url.QueryEscape(token)
}

// RevokeViewerLink revokes a viewer link: the link stops working, and so do the cookies it
// set. Admins and owners.
func (s *Store) RevokeViewerLink(ctx context.Context, a *Actor, id string) (*StatusPageViewer, error) {
	var v StatusPageViewer
	if !validID(id) {
		return nil, notFound("viewer link")
	}
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&v).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound("viewer link")
		}
		return nil, err
	}
	var p StatusPage
	if err := s.getScoped(ctx, a, &p, v.PageID, "viewer link", RoleAdmin); err != nil {
		return nil, err
	}
	if v.RevokedAt != nil {
		return &v, nil
	}
	now := s.now()
	err := s.db.Tx(ctx, func(tx *Tx) error {
		if err := tx.Model(&StatusPageViewer{}).Where("id = ? AND revoked_at IS NULL", v.ID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		s.hint(tx, HintStatusPage, p.ID, p.AccountID)
		return s.audit(tx, a, p.AccountID, "status_page.viewer_revoked", "status_page", p.ID,
			fmt.Sprintf("%s revoked viewer link %q of status page %q", a.Label(), v.Label, p.Name))
	})
	if err != nil {
		return nil, err
	}
	v.RevokedAt = &now
	return &v, nil
}

// ViewerCookieLink returns a short-lived signed URL that, opened in a browser, sets the page's
// viewer cookie and redirects to the page. Members of the page's account (any role).
func (s *Store) ViewerCookieLink(ctx context.Context, a *Actor, pageID string) (string, error) {
	p, err := s.GetStatusPage(ctx, a, pageID)
	if err != nil {
		return "", err
	}
	tok, err := s.IssueLink(LinkPurposeViewerCookie, p.ID, a.UserID, ViewerCookieLinkTTL)
	if err != nil {
		return "", err
	}
	return s.PageURL(p) + "?access=" + url.QueryEscape(tok), nil
}

// Public side: who may read a private page.

// StatusPageBySlug returns the page of a slug, or ENOTFOUND.
func (s *Store) StatusPageBySlug(ctx context.Context, slug string) (*StatusPage, error) {
	var p StatusPage
	err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("status page")
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// StatusPageHosts returns every custom host with its page's slug.
func (s *Store) StatusPageHosts(ctx context.Context) (map[string]string, error) {
	var rows []struct {
		CustomHost string
		Slug       string
	}
	if err := s.db.WithContext(ctx).Model(&StatusPage{}).Select("custom_host, slug").Where("custom_host IS NOT NULL").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.CustomHost] = r.Slug
	}
	return out, nil
}

// OpenViewerLink checks a viewer link token of a page and records its use; it returns the
// viewer. A revoked or unknown token is ENOTFOUND.
func (s *Store) OpenViewerLink(ctx context.Context, pageID, token string) (*StatusPageViewer, error) {
	if !strings.HasPrefix(token, viewerTokenPrefix) || len(token) > 200 {
		return nil, notFound("viewer link")
	}
	var v StatusPageViewer
	err := s.db.WithContext(ctx).Where("token_hash = ? AND page_id = ? AND revoked_at IS NULL", hashToken(token), pageID).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("viewer link")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.db.WithContext(ctx).Model(&StatusPageViewer{}).Where("id = ?", v.ID).Update("last_used_at", now).Error; err != nil {
		return nil, err
	}
	v.LastUsedAt = &now
	return &v, nil
}

// UseViewerCookieLink uses a viewerCookieLink token (once) for the page; EINVALID/ECONFLICT
// when it is not valid, expired, used, or for another page.
func (s *Store) UseViewerCookieLink(ctx context.Context, pageID, token string) error {
	return s.ConsumeLink(ctx, token, LinkPurposeViewerCookie, func(tx *Tx, c signedlink.Claims) error {
		if c.Subject != pageID {
			return errLinkInvalid
		}
		return nil
	})
}

// ActiveViewers returns which of the viewer ids are not revoked (the public side checks the
// viewer a cookie names).
func (s *Store) ActiveViewers(ctx context.Context, ids []string) (map[string]bool, error) {
	var got []string
	if err := s.db.WithContext(ctx).Model(&StatusPageViewer{}).Where("id IN ? AND revoked_at IS NULL", ids).Pluck("id", &got).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(got))
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// Viewer cookies: "v1.<page id>.<viewer id or ->.<expiry unix>.<base64url HMAC-SHA256(page's
// viewer key)>". The viewer id ties a cookie from a viewer link to that link, so revoking the
// link ends its cookies; a cookie from the console (viewerCookieLink) names no viewer. Rotating
// the page's viewer key ends them all.

func viewerMAC(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("switchboard-status-viewer.v1."))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// SignViewerCookie returns a viewer cookie value for the page, naming viewerID ("" for none),
// valid until exp.
func SignViewerCookie(p *StatusPage, viewerID string, exp time.Time) string {
	if viewerID == "" {
		viewerID = "-"
	}
	payload := "v1." + p.ID + "." + viewerID + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + viewerMAC(p.ViewerKey, payload)
}

// VerifyViewerCookie checks a viewer cookie of the page at now and returns the viewer it names
// ("" for none).
func VerifyViewerCookie(p *StatusPage, value string, now time.Time) (viewerID string, ok bool) {
	if len(p.ViewerKey) == 0 || len(value) > 300 {
		return "", false
	}
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return "", false
	}
	payload, sig := value[:i], value[i+1:]
	if !hmac.Equal([]byte(sig), []byte(viewerMAC(p.ViewerKey, payload))) {
		return "", false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 4 || parts[0] != "v1" || parts[1] != p.ID {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || now.Unix() >= exp {
		return "", false
	}
	if parts[2] == "-" {
		return "", true
	}
	return parts[2], true
}

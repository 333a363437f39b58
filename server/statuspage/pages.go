package statuspage

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-hub/switchboard/models"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"sub": func(a, b int) int { return a - b },
}).ParseFS(templateFS, "templates/*.html"))

// QuietKey is set on the echo context of a request answered from the cache: the access log
// writes it at debug level, so a thundering herd writes no info line. It is set only while the
// log keeps info lines (markQuiet): otherwise no access line is written either way, and the
// mark would cost every request the context's map.
const QuietKey = "statuspage.quiet"

func (h *Handler) markQuiet(c echo.Context) {
	if h.Log == nil || h.Log.Enabled(c.Request().Context(), slog.LevelInfo) {
		c.Set(QuietKey, true)
	}
}

// baseKey holds the path prefix of the page's links: "" on a custom host (set by customHost).
const baseKey = "statuspage.base"

// errAnswered is returned by lookup when it has answered the request itself (404, 401, a
// redirect that sets the viewer cookie).
var errAnswered = errors.New("status page: answered")

const (
	cachePublic  = "public, max-age=5, stale-while-revalidate=30"
	cachePrivate = "private, no-store"
	csp          = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

// pageRoutes registers the page, history, incident, maintenance, feed and JSON routes under g;
// custom hosts reach the same routes through customHost.
func (h *Handler) pageRoutes(e *echo.Echo, g *echo.Group) {
	methods := []string{http.MethodGet, http.MethodHead}
	// /status without a slug is no page either (not the console).
	notFound := func(c echo.Context) error { return answered(h.answerNotFound(c)) }
	e.Match(methods, "/status", notFound)
	e.Match(methods, "/status/", notFound)
	get := func(path string, fn echo.HandlerFunc) { g.Match(methods, path, fn) }
	page := h.handlePage()
	get("", page)
	get("/", page)
	get("/history", h.handleHistory)
	get("/incidents/:id", h.handleIncident)
	get("/maintenance/:id", h.handleMaintenance)
	get("/feed.atom", h.handleFeed("atom"))
	get("/feed.rss", h.handleFeed("rss"))
	get("/maintenance.ics", h.handleICS)
	for _, name := range apiDocs {
		get("/api/v2/"+name, h.handleAPI(name))
	}
	get("/*", h.handleUnknown)
}

// basePath is the prefix of the page's links for this request.
func basePath(c echo.Context) string {
	if b, ok := c.Get(baseKey).(string); ok {
		return b
	}
	return "/status/" + c.Param("slug")
}

// customHost serves a page at the root of its custom host: the request's path is moved under
// /status/{slug} before routing. Other hosts (the console's) pass untouched. Echo applies its
// Pre middleware anew on every request, so the handler is built here once (Register) and this
// only returns it.
func (h *Handler) customHost(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.rewriteHost(c) {
			// Served under the page's own host: links are relative to the root.
			c.Set(baseKey, "")
		}
		return next(c)
	}
}

// rewriteHost moves a custom host's request under /status/{slug}; it reports whether it did.
func (h *Handler) rewriteHost(c echo.Context) bool {
	r := c.Request()
	host := r.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	if host == "" || !strings.Contains(host, ".") {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	host = strings.ToLower(host)
	if host == h.ownHost || host == "localhost" {
		return false
	}
	slug, err := h.cache.hostSlug(r.Context(), host, h.Store.StatusPageHosts)
	if err != nil {
		h.Log.WarnContext(r.Context(), "status page hosts unavailable", "err", err)
		return false
	}
	if slug == "" {
		return false
	}
	p := r.URL.Path
	if p == "/" || p == "" {
		p = ""
	}
	r.URL.Path = "/status/" + slug + p
	r.URL.RawPath = ""
	return true
}

// load reads a slug's page and snapshot (an entry with no page for an unknown slug). The
// cache gets it as h.loader, made once (a method value is allocated where it is taken).
func (h *Handler) load(ctx context.Context, slug string) (*entry, error) {
	p, err := h.Store.StatusPageBySlug(ctx, slug)
	if models.CodeOf(err) == models.ENOTFOUND {
		return &entry{}, nil
	}
	if err != nil {
		return nil, err
	}
	snap, err := h.Store.StatusPageSnapshot(ctx, p.ID)
	if models.CodeOf(err) == models.ENOTFOUND {
		return &entry{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &entry{page: &snap.Page, snap: snap, accountID: snap.Page.AccountID}, nil
}

// entryOf finds the request's page entry (cached), checks the reader may see it, and answers
// the 404, the private page or the viewer-link redirect itself (errAnswered) when not.
func (h *Handler) entryOf(c echo.Context) (*entry, bool, error) {
	h.init()
	slug := c.Param("slug")
	if _, err := models.CleanSlug(slug); err != nil {
		return nil, false, h.answerNotFound(c)
	}
	e, hit, err := h.cache.get(c.Request().Context(), slug, h.loader)
	if err != nil {
		return nil, false, err
	}
	if e.page == nil {
		if hit {
			h.markQuiet(c)
		}
		return nil, false, h.answerNotFound(c)
	}
	if c.Request().URL.RawQuery != "" {
		q := c.QueryParams()
		if tok := q.Get("viewer"); tok != "" && e.page.Visibility == models.PagePrivate {
			return nil, false, h.openViewerLink(c, e.page, tok)
		}
		if tok := q.Get("access"); tok != "" {
			return nil, false, h.openCookieLink(c, e.page, tok)
		}
	}
	if e.page.Visibility == models.PagePrivate {
		ok, err := h.mayRead(c, e.page)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, h.answerPrivate(c, e.page)
		}
	}
	return e, hit, nil
}

// lookup finds the request's page (by slug, or by custom host) and checks the reader may see it
// (public, or a private page with a valid viewer cookie); when not, it answers the 404, the
// private page or the viewer-link redirect itself and returns an error to return as is.
func (h *Handler) lookup(c echo.Context) (*models.StatusPage, error) {
	e, _, err := h.entryOf(c)
	if err != nil {
		return nil, err
	}
	return e.page, nil
}

// mayRead checks the viewer cookie of a private page: signed with the page's key, not expired,
// and, when it came from a viewer link, that link not revoked (answered from the cache when it
// knows).
func (h *Handler) mayRead(c echo.Context, p *models.StatusPage) (bool, error) {
	ck, err := c.Cookie(models.ViewerCookieName)
	if err != nil {
		return false, nil
	}
	viewerID, ok := models.VerifyViewerCookie(p, ck.Value, time.Now())
	if !ok {
		return false, nil
	}
	if viewerID == "" {
		return true, nil
	}
	if active, known := h.cache.viewerActive(viewerID); known {
		return active, nil
	}
	at := h.cache.now()
	m, err := h.Store.ActiveViewers(c.Request().Context(), []string{viewerID})
	if err != nil {
		return false, err
	}
	h.cache.setViewer(viewerID, p.AccountID, m[viewerID], at)
	return m[viewerID], nil
}

// setViewerCookie sets the page's viewer cookie, scoped to the page, and redirects to the page
// without the token.
func (h *Handler) setViewerCookie(c echo.Context, p *models.StatusPage, viewerID string) error {
	base := basePath(c)
	path := base
	if path == "" {
		path = "/"
	}
	exp := time.Now().Add(models.ViewerCookieTTL)
	c.SetCookie(&http.Cookie{
		Name: models.ViewerCookieName, Value: models.SignViewerCookie(p, viewerID, exp), Path: path,
		Expires: exp, MaxAge: int(models.ViewerCookieTTL.Seconds()), HttpOnly: true,
		Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode,
	})
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	target := c.Request().URL.Path
	if base == "" {
		target = strings.TrimPrefix(target, "/status/"+p.Slug)
		if target == "" {
			target = "/"
		}
	}
	return c.Redirect(http.StatusSeeOther, target)
}

func (h *Handler) openViewerLink(c echo.Context, p *models.StatusPage, token string) error {
	v, err := h.Store.OpenViewerLink(c.Request().Context(), p.ID, token)
	if models.CodeOf(err) == models.ENOTFOUND {
		return h.answerMessage(c, p, http.StatusUnauthorized, "This link does not work", "This viewer link is not valid or has been revoked. Ask the page's owner for a new link.")
	}
	if err != nil {
		return err
	}
	if err := h.setViewerCookie(c, p, v.ID); err != nil {
		return err
	}
	return errAnswered
}

func (h *Handler) openCookieLink(c echo.Context, p *models.StatusPage, token string) error {
	err := h.Store.UseViewerCookieLink(c.Request().Context(), p.ID, token)
	if models.IsAppError(err) {
		return h.answerMessage(c, p, http.StatusUnauthorized, "This link does not work", "This link has expired or was already used. Open the page again from the console.")
	}
	if err != nil {
		return err
	}
	if err := h.setViewerCookie(c, p, ""); err != nil {
		return err
	}
	return errAnswered
}

// wantsJSON reports whether the request is for a JSON document.
func wantsJSON(c echo.Context) bool { return strings.HasSuffix(c.Request().URL.Path, ".json") }

func (h *Handler) render(name string, v *view) ([]byte, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// answerNotFound is a real 404 page (or JSON) that says nothing about what exists.
func (h *Handler) answerNotFound(c echo.Context) error {
	return h.answerMessage(c, nil, http.StatusNotFound, "Page not found", "There is no status page here. Check the address.")
}

// answerPrivate refuses a private page without a valid viewer cookie; nothing of the page is
// shown (not even its name).
func (h *Handler) answerPrivate(c echo.Context, _ *models.StatusPage) error {
	return h.answerMessage(c, nil, http.StatusUnauthorized, "This status page is private", "Open it with the viewer link you were given, or from the Switchboard console.")
}

func (h *Handler) answerMessage(c echo.Context, _ *models.StatusPage, status int, title, msg string) error {
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", csp)
	hdr.Set("X-Robots-Tag", "noindex")
	if wantsJSON(c) {
		if err := c.JSON(status, map[string]any{"error": map[string]string{"code": http.StatusText(status), "message": title}}); err != nil {
			return err
		}
		return errAnswered
	}
	body, err := h.render("message", &view{Title: title, Message: msg})
	if err != nil {
		return err
	}
	if err := c.HTMLBlob(status, body); err != nil {
		return err
	}
	return errAnswered
}

// answered turns errAnswered into nil: the response is written.
func answered(err error) error {
	if errors.Is(err, errAnswered) {
		return nil
	}
	return err
}

// serve answers a document of the request's page from the cache, rendering it on a miss.
// The cached path allocates as little as it can: it runs thousands of times a second.
func (h *Handler) serve(c echo.Context, key, contentType string, render func(e *entry, base string) (*doc, error)) error {
	e, hit, err := h.entryOf(c)
	if err != nil {
		return answered(err)
	}
	// Within an entry (one slug) the links' base is "/status/{slug}", or "" on the page's
	// custom host: those documents are kept apart.
	if _, custom := c.Get(baseKey).(string); custom {
		key = "\x00host|" + key
	}
	d, docHit := e.cached(key), true
	if d == nil {
		base := basePath(c)
		d, docHit, err = e.doc(key, func(x *entry) (*doc, error) { return render(x, base) })
		if err != nil {
			return err
		}
		if d == nil {
			return answered(h.answerNotFound(c))
		}
	}
	if hit && docHit {
		h.markQuiet(c)
	}
	h.served.Add(1)
	return write(c, d, e.page.Visibility == models.PagePrivate, contentType)
}

// Header values of cached answers, shared by every response (never modified in place: a
// header's slice is replaced, or appended to, which copies it).
var (
	hdrCachePublic  = []string{cachePublic}
	hdrCachePrivate = []string{cachePrivate}
	hdrVary         = []string{"Accept-Encoding"}
	hdrCSP          = []string{csp}
	hdrAnyOrigin    = []string{"*"}
	hdrNoindex      = []string{"noindex"}
	hdrBrotli       = []string{"br"}
	hdrGzip         = []string{"gzip"}
)

// write sends a cached document: 304 when the ETag matches, else the best encoding the client
// accepts. Headers are assigned by their canonical names with prepared values (Header.Set
// allocates a slice per call).
func write(c echo.Context, d *doc, private bool, contentType string) error {
	hdr := c.Response().Header()
	if private {
		hdr["Cache-Control"] = hdrCachePrivate
	} else {
		hdr["Cache-Control"] = hdrCachePublic
	}
	hdr["Vary"] = hdrVary
	hdr["Etag"] = d.etagHdr
	if strings.HasPrefix(contentType, "text/html") {
		hdr["Content-Security-Policy"] = hdrCSP
	}
	if contentType == "application/json" && !private {
		// Browser widgets on other sites read public pages' JSON.
		hdr["Access-Control-Allow-Origin"] = hdrAnyOrigin
	}
	if private {
		hdr["X-Robots-Tag"] = hdrNoindex
	}
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagMatch(inm, d.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	// The length is known: net/http would otherwise send a body over 2 KiB chunked.
	body, length := d.body, d.bodyLen
	switch pickEncoding(c.Request().Header.Get("Accept-Encoding"), d) {
	case "br":
		hdr["Content-Encoding"] = hdrBrotli
		body, length = d.br, d.brLen
	case "gzip":
		hdr["Content-Encoding"] = hdrGzip
		body, length = d.gz, d.gzLen
	}
	hdr["Content-Length"] = length
	if contentType == d.contentType {
		hdr["Content-Type"] = d.typeHdr
	} else {
		hdr.Set("Content-Type", contentType)
	}
	if c.Request().Method == http.MethodHead {
		c.Response().WriteHeader(d.status)
		return nil
	}
	return c.Blob(d.status, contentType, body)
}

func etagMatch(header, etag string) bool {
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// pickEncoding chooses br, then gzip, when accepted (q=0 refuses) and the document has them.
func pickEncoding(accept string, d *doc) string {
	if d.gz == nil {
		return ""
	}
	br, gz := false, false
	for accept != "" {
		var part string
		part, accept, _ = strings.Cut(accept, ",")
		name, params, _ := strings.Cut(part, ";")
		if qZero(params) {
			continue
		}
		switch name = strings.TrimSpace(name); {
		case strings.EqualFold(name, "br"):
			br = true
		case strings.EqualFold(name, "gzip"):
			gz = true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// qZero reports whether an Accept-Encoding entry's parameters are "q=0" (spaces aside).
func qZero(params string) bool {
	const want = "q=0"
	n := 0
	for i := 0; i < len(params); i++ {
		ch := params[i]
		if ch == ' ' || ch == '\t' {
			continue
		}
		if n == len(want) || ch != want[n] {
			return false
		}
		n++
	}
	return n == len(want)
}

const htmlType = "text/html; charset=utf-8"

func (h *Handler) htmlDoc(name string, v *view) (*doc, error) {
	body, err := h.render(name, v)
	if err != nil {
		return nil, err
	}
	return newDoc(http.StatusOK, htmlType, body), nil
}

// handlePage serves the page. Its render function is made once: a function literal that
// captures h, made in the handler, would be allocated on every request.
func (h *Handler) handlePage() echo.HandlerFunc {
	render := func(e *entry, base string) (*doc, error) {
		return h.htmlDoc("page", newView(e.snap, base))
	}
	return func(c echo.Context) error { return h.serve(c, "page", htmlType, render) }
}

func (h *Handler) handleHistory(c echo.Context) error {
	q := c.QueryParam("month")
	if len(q) > 7 {
		q = "bad"
	}
	return h.serve(c, "history?"+q, htmlType, func(e *entry, base string) (*doc, error) {
		month, ok := monthOf(e.snap, q)
		if !ok {
			return nil, nil
		}
		v := newView(e.snap, base)
		v.history(month)
		return h.htmlDoc("history", v)
	})
}

func (h *Handler) handleIncident(c echo.Context) error {
	id := c.Param("id")
	if len(id) > 64 {
		return answered(h.answerNotFound(c))
	}
	return h.serve(c, "incident/"+id, htmlType, func(e *entry, base string) (*doc, error) {
		v := newView(e.snap, base)
		for _, inc := range e.snap.Incidents {
			if inc.ID == id {
				iv := v.incident(inc)
				v.Incident = &iv
				v.Title = inc.Title + " · " + e.snap.Page.Name
				return h.htmlDoc("incidentpage", v)
			}
		}
		return nil, nil
	})
}

func (h *Handler) handleMaintenance(c echo.Context) error {
	id := c.Param("id")
	if len(id) > 64 {
		return answered(h.answerNotFound(c))
	}
	return h.serve(c, "maintenance/"+id, htmlType, func(e *entry, base string) (*doc, error) {
		v := newView(e.snap, base)
		for _, m := range e.snap.Maintenance {
			if m.ID == id && m.Status != models.MaintenanceCancelled {
				mv := v.maint(m)
				v.Maintenance = &mv
				v.Title = m.Title + " · " + e.snap.Page.Name
				return h.htmlDoc("maintpage", v)
			}
		}
		return nil, nil
	})
}

// handleUnknown answers paths under a page that are no document: a 404 page (after the access
// check, so a private page's paths reveal nothing).
func (h *Handler) handleUnknown(c echo.Context) error {
	if _, _, err := h.entryOf(c); err != nil {
		return answered(err)
	}
	return answered(h.answerNotFound(c))
}

package statuspage

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/switchboard-hub/switchboard/models"
)

// The subscription flow (docs/statuspages.md, Subscribers):
//
//	GET  /status/{slug}/subscribe               a form (email or webhook, components, topics)
//	POST /status/{slug}/subscribe               sign up (form or JSON); rate limited per client
//	                                            address and per subscriber address
//	GET  /status/{slug}/confirm/{token}         a page with a button (mail scanners fetch links)
//	POST /status/{slug}/confirm/{token}         confirms (the link works once)
//	GET  /status/{slug}/unsubscribe/{token}     a page with a button
//	POST /status/{slug}/unsubscribe/{token}     unsubscribes: the button, or RFC 8058 one-click
//	                                            (List-Unsubscribe=One-Click), answered 200
//
// A sign-up answers the same (202 and the same page) whether the address is new, waiting for
// its confirmation or already subscribed: nobody learns who is subscribed.

const subscribeBodyLimit = "16K"

// Sign-up limits: per client address and per subscriber address (per replica; the store also
// sends an unconfirmed address at most one confirmation per models.SubscriberResendWindow).
var (
	subIPRate       = rate.Every(6 * time.Second) // 10 a minute
	subIPBurst      = 10
	subAddressRate  = rate.Every(5 * time.Minute)
	subAddressBurst = 3
)

// subscribeRoutes registers the subscription flow under g.
func (h *Handler) subscribeRoutes(g *echo.Group) {
	limit := middleware.BodyLimit(subscribeBodyLimit)
	g.GET("/subscribe", h.subscribeForm)
	g.POST("/subscribe", h.subscribe, limit)
	g.GET("/confirm/:token", h.confirmPage)
	g.POST("/confirm/:token", h.confirm, limit)
	g.GET("/unsubscribe/:token", h.unsubscribePage)
	g.POST("/unsubscribe/:token", h.unsubscribe, limit)
}

// subKeyedLimiter is a token bucket per key, forgetting keys idle for a while.
type subKeyedLimiter struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	m     map[string]*subLimiterEntry
}

type subLimiterEntry struct {
	l    *rate.Limiter
	last time.Time
}

func newSubKeyedLimiter(r rate.Limit, burst int) *subKeyedLimiter {
	return &subKeyedLimiter{r: r, burst: burst, m: map[string]*subLimiterEntry{}}
}

func (k *subKeyedLimiter) allow(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := time.Now()
	if len(k.m) > 50000 {
		for key, e := range k.m {
			if now.Sub(e.last) > time.Hour {
				delete(k.m, key)
			}
		}
	}
	e := k.m[key]
	if e == nil {
		e = &subLimiterEntry{l: rate.NewLimiter(k.r, k.burst)}
		k.m[key] = e
	}
	e.last = now
	return e.l.AllowN(now, 1)
}

type subLimits struct{ ip, address *subKeyedLimiter }

// subLimitsOf holds each Handler's limits (tests build several).
var subLimitsOf sync.Map // *Handler → *subLimits

func (h *Handler) subscribeLimits() *subLimits {
	if l, ok := subLimitsOf.Load(h); ok {
		return l.(*subLimits)
	}
	l, _ := subLimitsOf.LoadOrStore(h, &subLimits{ip: newSubKeyedLimiter(subIPRate, subIPBurst), address: newSubKeyedLimiter(subAddressRate, subAddressBurst)})
	return l.(*subLimits)
}

// subscriptionPage finds the page a sign-up names. A private page needs its reader's viewer
// access, which h.lookup checks (the public pages' part).
func (h *Handler) subscriptionPage(c echo.Context) (*models.StatusPage, error) {
	if c.Param("slug") == "" {
		// These routes at the root of a custom host: the public pages' lookup finds the page.
		return h.lookup(c)
	}
	p, err := h.Store.PageForSubscribers(c.Request().Context(), c.Param("slug"))
	if err != nil {
		if models.CodeOf(err) == models.ENOTFOUND {
			return nil, h.subNotFound(c)
		}
		return nil, err
	}
	if p.Visibility != models.PagePublic {
		return h.lookup(c)
	}
	return p, nil
}

func (h *Handler) subNotFound(c echo.Context) error {
	return h.renderSub(c, http.StatusNotFound, subView{Heading: "Page not found", Message: "There is no status page here."})
}

var subPageTemplate = template.Must(template.New("sub").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.Heading}}{{if .PageName}} · {{.PageName}}{{end}}</title>
<style>
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--accent:#0b57d0;--line:#d1d9e0}
@media (prefers-color-scheme:dark){:root{--fg:#f0f6fc;--muted:#9198a1;--bg:#0d1117;--accent:#6ea8fe;--line:#3d444d}}
body{font-family:system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;color:var(--fg);background:var(--bg);line-height:1.5}
a{color:var(--accent)}
.muted{color:var(--muted)}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
input[type=email],input[type=url]{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
fieldset{border:1px solid var(--line);border-radius:6px;margin:1rem 0}
label{display:block;margin:.25rem 0}
.error{border-left:4px solid #d1242f;padding-left:.75rem}
code{word-break:break-all;font-size:1rem}
</style></head><body>
<main>
{{if .PageName}}<p class="muted">{{.PageName}}</p>{{end}}
<h1>{{.Heading}}</h1>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Message}}<p>{{.Message}}</p>{{end}}
{{if .Secret}}<p>Your signing secret, shown once: <code>{{.Secret}}</code></p>
<p class="muted">Requests carry the Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature
(v1, base64 HMAC-SHA256 of "id.timestamp.body" keyed with the base64-decoded part after "whsec_").
The first request is a subscription.verify: answer it 2xx with {"challenge": "…"} echoing its data.challenge.</p>{{end}}
{{if .Button}}<form method="post"><button type="submit">{{.Button}}</button></form>{{end}}
{{if .Form}}<form method="post" action="{{.Action}}">
<fieldset><legend>How to be told</legend>
<label><input type="radio" name="kind" value="email" checked> By email</label>
<label><input type="radio" name="kind" value="webhook"> By webhook (an https URL receives JSON)</label>
</fieldset>
<label for="address">Email address or webhook URL</label>
<input id="address" name="address" type="text" autocomplete="email" required maxlength="2000">
{{if .Options}}<fieldset><legend>Components (none chosen: all of them)</legend>
{{range .Options}}<label><input type="checkbox" name="components" value="{{.ComponentID}}"> {{if .Group}}{{.Group}}: {{end}}{{.Name}}</label>
{{end}}</fieldset>{{end}}
<fieldset><legend>Topics (none chosen: all of them)</legend>
<label><input type="checkbox" name="topics" value="incidents"> Incidents and their updates</label>
<label><input type="checkbox" name="topics" value="maintenance"> Scheduled maintenance</label>
<label><input type="checkbox" name="topics" value="component_status"> Component status changes</label>
</fieldset>
<p><button type="submit">Subscribe</button></p>
</form>{{end}}
{{if .Back}}<p><a href="{{.Back}}">Back to the status page</a></p>{{end}}
</main>
</body></html>`))

type subView struct {
	PageName, Heading, Message, Error, Button, Secret, Back, Action string
	Form                                                            bool
	Options                                                         []models.SubscribeOption
}

func (h *Handler) renderSub(c echo.Context, status int, v subView) error {
	hd := c.Response().Header()
	// Tokens travel in these URLs: no caching, no referrer, no framing.
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	var b bytes.Buffer
	if err := subPageTemplate.Execute(&b, v); err != nil {
		return err
	}
	return c.HTMLBlob(status, b.Bytes())
}

// subPagePath is the page's path as the request reached it: /status/{slug}, or "" at the root of
// its custom host.
func (h *Handler) subPagePath(c echo.Context, p *models.StatusPage) string {
	if c.Param("slug") == "" {
		return ""
	}
	return "/status/" + url.PathEscape(p.Slug)
}

// subBackLink is the page itself.
func (h *Handler) subBackLink(c echo.Context, p *models.StatusPage) string {
	return h.subPagePath(c, p) + "/"
}

func (h *Handler) subscribeForm(c echo.Context) error {
	p, err := h.subscriptionPage(c)
	if err != nil || p == nil {
		return err
	}
	opts, err := h.Store.SubscribeOptions(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	return h.renderSub(c, http.StatusOK, subView{PageName: p.Name, Heading: "Subscribe to updates", Form: true, Options: opts,
		Action: h.subPagePath(c, p) + "/subscribe", Back: h.subBackLink(c, p)})
}

// subscribeRequest is the JSON body of a sign-up (the form has the same names).
type subscribeRequest struct {
	Kind       string   `json:"kind"`
	Address    string   `json:"address"`
	Email      string   `json:"email"`
	URL        string   `json:"url"`
	Components []string `json:"components"`
	Topics     []string `json:"topics"`
}

func subWantsJSON(c echo.Context) bool {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	return strings.HasPrefix(ct, echo.MIMEApplicationJSON) || strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

func (h *Handler) readSubscribeRequest(c echo.Context) (subscribeRequest, error) {
	var in subscribeRequest
	req := c.Request()
	if strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return in, err
		}
		if err := json.Unmarshal(b, &in); err != nil {
			return in, models.Errorf(models.EINVALID, "the request body is not the JSON of a subscription")
		}
	} else {
		if err := req.ParseForm(); err != nil {
			return in, models.Errorf(models.EINVALID, "the form could not be read")
		}
		in.Kind, in.Address, in.Email, in.URL = req.PostForm.Get("kind"), req.PostForm.Get("address"), req.PostForm.Get("email"), req.PostForm.Get("url")
		in.Components, in.Topics = req.PostForm["components"], req.PostForm["topics"]
	}
	if in.Address == "" {
		in.Address = in.Email
	}
	if in.Address == "" {
		in.Address = in.URL
		if in.Kind == "" && in.URL != "" {
			in.Kind = string(models.SubscriberWebhook)
		}
	}
	if in.Kind == "" {
		in.Kind = string(models.SubscriberEmail)
	}
	return in, nil
}

func (h *Handler) subscribe(c echo.Context) error {
	p, err := h.subscriptionPage(c)
	if err != nil || p == nil {
		return err
	}
	asJSON := subWantsJSON(c)
	fail := func(status int, msg string) error {
		if asJSON {
			return c.JSON(status, map[string]string{"error": msg})
		}
		return h.renderSub(c, status, subView{PageName: p.Name, Heading: "Subscribe to updates", Error: msg, Back: h.subBackLink(c, p)})
	}
	lim := h.subscribeLimits()
	if !lim.ip.allow(c.RealIP()) {
		c.Response().Header().Set("Retry-After", "60")
		return fail(http.StatusTooManyRequests, "Too many sign-ups from your network. Try again in a minute.")
	}
	in, err := h.readSubscribeRequest(c)
	if err != nil {
		return fail(http.StatusBadRequest, models.ErrorMessage(err))
	}
	if !lim.address.allow(strings.ToLower(strings.TrimSpace(in.Address))) {
		c.Response().Header().Set("Retry-After", "300")
		return fail(http.StatusTooManyRequests, "Too many sign-ups for this address. Try again in a few minutes.")
	}
	res, err := h.Store.Subscribe(c.Request().Context(), p.ID, models.SubscribeInput{
		Kind: models.SubscriberKind(strings.ToLower(in.Kind)), Address: in.Address, ComponentIDs: in.Components, Topics: in.Topics,
	})
	if err != nil {
		if models.CodeOf(err) == models.EINVALID || models.CodeOf(err) == models.ENOTFOUND {
			return fail(http.StatusBadRequest, models.ErrorMessage(err))
		}
		return err
	}
	msg := "If this address can receive mail, a message with a confirmation link is on its way. Nothing else is sent until the subscription is confirmed."
	if res.Kind == models.SubscriberWebhook {
		msg = "A signed subscription.verify request is on its way to the URL. The subscription starts once it is answered."
	}
	if asJSON {
		out := map[string]string{"status": "pending", "message": msg}
		if res.Secret != "" {
			out["secret"] = res.Secret
		}
		return c.JSON(http.StatusAccepted, out)
	}
	return h.renderSub(c, http.StatusAccepted, subView{PageName: p.Name, Heading: "Almost there", Message: msg, Secret: res.Secret, Back: h.subBackLink(c, p)})
}

// subLinkFailure shows why a link does nothing (never more about an invalid one).
func (h *Handler) subLinkFailure(c echo.Context, err error, what string) error {
	switch models.CodeOf(err) {
	case models.ECONFLICT:
		return h.renderSub(c, http.StatusGone, subView{Heading: "Link already used", Message: "This " + what + " link has been used already."})
	case models.EINVALID:
		msg := models.ErrorMessage(err)
		if strings.Contains(msg, "expired") {
			return h.renderSub(c, http.StatusGone, subView{Heading: "Link expired", Message: "This " + what + " link has expired. Sign up again to get a new one."})
		}
		return h.renderSub(c, http.StatusBadRequest, subView{Heading: "Link not valid", Message: "This " + what + " link is not valid."})
	}
	return err
}

// subSameSlug: a link works under its own page only (its slug, or the root of its custom host).
func subSameSlug(c echo.Context, l *models.SubscriberLink) bool {
	if l == nil || l.Page == nil {
		return false
	}
	if slug := c.Param("slug"); slug != "" {
		return strings.EqualFold(l.Page.Slug, slug)
	}
	host := c.Request().Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return l.Page.CustomHost != nil && strings.EqualFold(*l.Page.CustomHost, host)
}

func (h *Handler) confirmPage(c echo.Context) error {
	l, err := h.Store.PeekSubscriberLink(c.Request().Context(), c.Param("token"), models.LinkSubscriberConfirm)
	if err != nil {
		return h.subLinkFailure(c, err, "confirmation")
	}
	if !subSameSlug(c, l) {
		return h.subNotFound(c)
	}
	return h.renderSub(c, http.StatusOK, subView{PageName: l.Page.Name, Heading: "Confirm your subscription",
		Message: "Receive status updates from " + l.Page.Name + " at " + l.Subscriber.Address + ".", Button: "Confirm subscription"})
}

func (h *Handler) confirm(c echo.Context) error {
	ctx := c.Request().Context()
	if l, err := h.Store.PeekSubscriberLink(ctx, c.Param("token"), models.LinkSubscriberConfirm); err == nil && !subSameSlug(c, l) {
		return h.subNotFound(c)
	}
	l, err := h.Store.ConfirmSubscription(ctx, c.Param("token"))
	if err != nil {
		return h.subLinkFailure(c, err, "confirmation")
	}
	return h.renderSub(c, http.StatusOK, subView{PageName: l.Page.Name, Heading: "You are subscribed",
		Message: "Updates from " + l.Page.Name + " will reach " + l.Subscriber.Address + ". Every message has a link to unsubscribe.",
		Back:    h.subBackLink(c, l.Page)})
}

func (h *Handler) unsubscribePage(c echo.Context) error {
	l, err := h.Store.PeekSubscriberLink(c.Request().Context(), c.Param("token"), models.LinkUnsubscribe)
	if err != nil {
		return h.subLinkFailure(c, err, "unsubscribe")
	}
	if !subSameSlug(c, l) {
		return h.subNotFound(c)
	}
	if l.Subscriber.UnsubscribedAt != nil {
		return h.renderSub(c, http.StatusOK, subView{PageName: l.Page.Name, Heading: "You are unsubscribed", Message: "Nothing more will be sent.", Back: h.subBackLink(c, l.Page)})
	}
	return h.renderSub(c, http.StatusOK, subView{PageName: l.Page.Name, Heading: "Unsubscribe",
		Message: "Stop receiving status updates from " + l.Page.Name + " at " + l.Subscriber.Address + ".", Button: "Unsubscribe"})
}

// unsubscribe acts for the page's button and for RFC 8058 one-click POSTs alike (idempotent).
func (h *Handler) unsubscribe(c echo.Context) error {
	ctx := c.Request().Context()
	l, err := h.Store.PeekSubscriberLink(ctx, c.Param("token"), models.LinkUnsubscribe)
	if err == nil && !subSameSlug(c, l) {
		return h.subNotFound(c)
	}
	if err == nil {
		l, err = h.Store.Unsubscribe(ctx, c.Param("token"))
	}
	oneClick := false
	if err := c.Request().ParseForm(); err == nil && c.Request().PostForm.Get("List-Unsubscribe") == "One-Click" {
		oneClick = true
	}
	if err != nil {
		if oneClick {
			return c.NoContent(http.StatusBadRequest)
		}
		return h.subLinkFailure(c, err, "unsubscribe")
	}
	if oneClick {
		return c.NoContent(http.StatusOK)
	}
	return h.renderSub(c, http.StatusOK, subView{PageName: l.Page.Name, Heading: "You are unsubscribed",
		Message: "Nothing more will be sent. You can subscribe again from the status page.", Back: h.subBackLink(c, l.Page)})
}

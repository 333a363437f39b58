package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/sync/singleflight"

	"github.com/switchboard-hub/switchboard/models"
)

// The cache (docs/statuspages.md "Public side"): per replica, each page's snapshot and every
// document rendered from it, precompressed, with an ETag. An entry is fresh for TTL after its
// load started, and only while no hint of its account arrived since. A stale entry is served
// for a short grace while one background load replaces it (stale-while-revalidate): the load
// also renders again the documents that were read from the old entry, so a thundering herd
// never waits for the database or a render when a page changes. Past the grace (nobody read the
// page for a while), the request waits for the load. A cached request runs no query.

// TTL and staleGrace bound how stale a page can be when a hint is lost: an entry is fresh for
// TTL after its load started; for staleGrace after that it is still served while one
// background load replaces it; later, the reader waits for the load. So a reader never gets a
// copy older than TTL + staleGrace = 1 s (plus the load), and under steady reads the copy is
// replaced a few milliseconds after the TTL.
const (
	TTL        = 700 * time.Millisecond
	staleGrace = 300 * time.Millisecond
)

// hostTTL bounds how stale the custom host map can be (it is read on every request).
const hostTTL = 5 * time.Second

// HintSource delivers every account's live hints (live.Hub.SubscribeAll).
type HintSource interface {
	SubscribeAll(ctx context.Context) <-chan models.Hint
}

// Compression levels of the precompressed copies: rendering happens off the request path, but
// on every change of a page, so these trade a little size for CPU.
const (
	gzipLevel   = gzip.BestCompression
	brotliLevel = 6
)

// doc is a rendered document, precompressed.
type doc struct {
	status      int
	contentType string
	body, gz    []byte
	br          []byte
	etag        string
	// etagHdr and typeHdr are the ETag and Content-Type header values, prepared once, and
	// the Content-Length of each form (body, gz, br).
	etagHdr, typeHdr      []string
	bodyLen, gzLen, brLen []string
	// used is set when the document is served: a refresh renders the used ones again.
	used atomic.Bool
}

func newDoc(status int, contentType string, body []byte) *doc {
	d := &doc{status: status, contentType: contentType, body: body}
	sum := sha256.Sum256(body)
	d.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	d.etagHdr, d.typeHdr = []string{d.etag}, []string{contentType}
	if len(body) >= 256 {
		d.gz, d.br = compressed.get(sum, body)
	}
	d.bodyLen = []string{strconv.Itoa(len(d.body))}
	d.gzLen, d.brLen = []string{strconv.Itoa(len(d.gz))}, []string{strconv.Itoa(len(d.br))}
	return d
}

// compressed remembers the compressed forms of recent bodies by their SHA-256: a refresh
// renders every read document again (at least once a TTL), and most come out byte for byte
// as before, so their compression — most of a refresh's CPU — is done once per distinct body.
var compressed = &compressCache{m: map[[32]byte]compressedBody{}}

// maxCompressed bounds the remembered bodies (a few KiB each, compressed); when full, the map
// starts over.
const maxCompressed = 1024

type compressedBody struct{ gz, br []byte }

// The compressors are reused: a new one allocates its window and hash tables (brotli's ring
// buffer alone is megabytes at the default window), and on a page read thousands of times a
// second that garbage is what sets off the collector. Brotli's window is 256 KiB (lgwin 18):
// pages are smaller than that.
var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzipLevel)
		return zw
	}}
	brotliWriters = sync.Pool{New: func() any {
		return brotli.NewWriterOptions(io.Discard, brotli.WriterOptions{Quality: brotliLevel, LGWin: 18})
	}}
)

type compressCache struct {
	mu sync.Mutex
	m  map[[32]byte]compressedBody
	// hits counts bodies whose compression was reused (tests).
	hits atomic.Uint64
}

func (c *compressCache) get(sum [32]byte, body []byte) (gz, br []byte) {
	c.mu.Lock()
	cb, ok := c.m[sum]
	c.mu.Unlock()
	if ok {
		c.hits.Add(1)
		return cb.gz, cb.br
	}
	var b bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&b)
	_, _ = zw.Write(body)
	_ = zw.Close()
	gzipWriters.Put(zw)
	gz = append([]byte(nil), b.Bytes()...)
	b.Reset()
	bw := brotliWriters.Get().(*brotli.Writer)
	bw.Reset(&b)
	_, _ = bw.Write(body)
	_ = bw.Close()
	brotliWriters.Put(bw)
	br = append([]byte(nil), b.Bytes()...)
	c.mu.Lock()
	if len(c.m) >= maxCompressed {
		c.m = map[[32]byte]compressedBody{}
	}
	c.m[sum] = compressedBody{gz: gz, br: br}
	c.mu.Unlock()
	return gz, br
}

// renderFunc renders one document from an entry; a nil doc means "no such document" (404).
type renderFunc func(e *entry) (*doc, error)

// maxDocs bounds the documents kept per entry; maxPrerender the documents a refresh renders
// ahead (the rest are rendered when read), so readers of many rarely read documents (history
// months, old incidents) cannot make every refresh long.
const (
	maxDocs      = 256
	maxPrerender = 16
)

// loadTimeout bounds a background load (a hung query must not hold the page's refresh).
const loadTimeout = 30 * time.Second

// entry is one page as of one load: the page (nil: the slug is unknown), its snapshot, and the
// documents rendered from it so far.
type entry struct {
	page      *models.StatusPage
	snap      *models.PageSnapshot
	loadedAt  time.Time // when the load started
	accountID string

	mu      sync.Mutex
	docs    map[string]*doc
	renders map[string]renderFunc
	// renderMu serialises renders of misses, so hits (mu only) never wait for one.
	renderMu sync.Mutex
	// refreshing is set while a background load replaces this entry.
	refreshing atomic.Bool
}

// doc returns the key's document, rendering it on a miss; hit reports a cached answer.
func (e *entry) doc(key string, render renderFunc) (*doc, bool, error) {
	if d := e.cached(key); d != nil {
		return d, true, nil
	}
	e.renderMu.Lock()
	defer e.renderMu.Unlock()
	if d := e.cached(key); d != nil {
		return d, true, nil
	}
	d, err := render(e)
	if err != nil || d == nil {
		return d, false, err
	}
	d.used.Store(true)
	e.store(key, d, render)
	return d, false, nil
}

func (e *entry) cached(key string) *doc {
	e.mu.Lock()
	d := e.docs[key]
	e.mu.Unlock()
	if d != nil && !d.used.Load() {
		d.used.Store(true)
	}
	return d
}

func (e *entry) store(key string, d *doc, render renderFunc) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.docs == nil {
		e.docs, e.renders = map[string]*doc{}, map[string]renderFunc{}
	}
	if len(e.docs) < maxDocs {
		e.docs[key], e.renders[key] = d, render
	}
}

// prerender renders into e the documents that were served from old, so the first readers of
// the new entry find them ready.
func (e *entry) prerender(old *entry) {
	if old == nil || e.page == nil {
		return
	}
	old.mu.Lock()
	todo := make(map[string]renderFunc, min(len(old.docs), maxPrerender))
	for k, d := range old.docs {
		if d.used.Load() && len(todo) < maxPrerender {
			todo[k] = old.renders[k]
		}
	}
	old.mu.Unlock()
	for k, r := range todo {
		if d, err := r(e); err == nil && d != nil {
			e.store(k, d, r)
		}
	}
}

// viewerState is whether a viewer link is still active, as of a time.
type viewerState struct {
	active    bool
	at        time.Time
	accountID string
}

type cache struct {
	now func() time.Time

	mu sync.Mutex
	// bySlug holds the entries; a nil page is an unknown slug.
	bySlug map[string]*entry
	// dropped is when the last hint of each account arrived ("" for unknown slugs: any page
	// hint may create one).
	dropped map[string]time.Time
	// droppedAll is when the hint stream was last interrupted: everything before is stale.
	droppedAll time.Time
	// settingsChanged is when a page's own settings last changed per account (a status_page
	// hint naming the page: visibility, slug, host, viewer links, deletion): entries loaded
	// before are never served stale, so a page made private or deleted is not shown a moment
	// longer.
	settingsChanged map[string]time.Time
	viewers         map[string]viewerState
	hosts           map[string]string
	hostsAt         time.Time

	group singleflight.Group
	// loads counts snapshot loads (misses and refreshes), for the metrics.
	loads atomic.Uint64
	// background runs a refresh; tests replace it to run refreshes inline.
	background func(func())
}

func newCache() *cache {
	return &cache{now: time.Now, bySlug: map[string]*entry{}, dropped: map[string]time.Time{}, viewers: map[string]viewerState{},
		settingsChanged: map[string]time.Time{}, background: func(f func()) { go f() }}
}

// staleAtLocked is when something loaded at t for the account went (or goes) stale: after the
// TTL, or at the first hint of its account or interruption of the hint stream since t.
func (c *cache) staleAtLocked(t time.Time, accountID string) time.Time {
	s := t.Add(TTL)
	if d, ok := c.dropped[accountID]; ok && !t.After(d) && d.Before(s) {
		s = d
	}
	if !t.After(c.droppedAll) && c.droppedAll.Before(s) {
		s = c.droppedAll
	}
	return s
}

// settingsChangedLocked reports whether the entry's page settings changed after it was loaded.
func (c *cache) settingsChangedLocked(e *entry) bool {
	t, ok := c.settingsChanged[e.accountID]
	return ok && !e.loadedAt.After(t)
}

// freshLocked reports whether something loaded at t for the account is still good.
func (c *cache) freshLocked(t time.Time, accountID string) bool {
	return c.now().Before(c.staleAtLocked(t, accountID))
}

// loadFunc loads a slug's entry from the database.
type loadFunc func(ctx context.Context, slug string) (*entry, error)

// get returns the slug's entry. A fresh entry is a hit; a stale one within the grace is a hit
// too, and starts one background load; otherwise the load runs (once for concurrent callers)
// and the request waits for it. A hit allocates nothing.
func (c *cache) get(ctx context.Context, slug string, load loadFunc) (*entry, bool, error) {
	c.mu.Lock()
	e, ok := c.bySlug[slug]
	if ok {
		now := c.now()
		staleAt := c.staleAtLocked(e.loadedAt, e.accountID)
		if now.Before(staleAt) {
			c.mu.Unlock()
			return e, true, nil
		}
		if now.Sub(staleAt) < staleGrace && !c.settingsChangedLocked(e) {
			c.mu.Unlock()
			if e.refreshing.CompareAndSwap(false, true) {
				c.refresh(ctx, e, slug, load)
			}
			return e, true, nil
		}
	}
	c.mu.Unlock()
	e, err := c.reload(ctx, slug, load)
	if err != nil {
		return nil, false, err
	}
	return e, false, nil
}

// refresh replaces the stale entry e in the background. (Apart from get: the variables a
// goroutine's function captures are moved to the heap where they are declared, which would
// cost every hit an allocation.)
func (c *cache) refresh(ctx context.Context, e *entry, slug string, load loadFunc) {
	c.background(func() {
		defer func() {
			// A panic in a render must not end the process (no request's Recover is around
			// this goroutine): the next reader tries again, in line.
			if p := recover(); p != nil {
				slog.Default().Error("status page refresh panicked", "slug", slug, "panic", fmt.Sprint(p))
				e.refreshing.Store(false)
			}
		}()
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
		defer cancel()
		if ne, err := c.reload(bctx, slug, load); err != nil || ne == e {
			e.refreshing.Store(false) // not replaced: the next reader tries again
		}
	})
}

// reload loads the slug's entry (once for concurrent callers), renders again the documents read
// from the one it replaces, and stores it. While the database cannot answer, the last good copy
// is returned (a page is read hardest when things break).
func (c *cache) reload(ctx context.Context, slug string, load loadFunc) (*entry, error) {
	v, err, _ := c.group.Do(slug, func() (any, error) {
		c.mu.Lock()
		old, ok := c.bySlug[slug]
		if ok && c.freshLocked(old.loadedAt, old.accountID) {
			c.mu.Unlock()
			return old, nil
		}
		c.mu.Unlock()
		start := c.now()
		c.loads.Add(1)
		e, err := load(context.WithoutCancel(ctx), slug)
		if err != nil {
			if ok {
				return old, nil
			}
			return nil, err
		}
		e.loadedAt = start
		e.prerender(old)
		c.mu.Lock()
		if len(c.bySlug) > 10000 {
			c.bySlug = map[string]*entry{}
		}
		c.bySlug[slug] = e
		c.mu.Unlock()
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*entry), nil
}

// drop forgets what a hint of the account may have changed.
func (c *cache) drop(h models.Hint) {
	switch h.Kind {
	case models.HintStatusPage, models.HintComponent, models.HintIncident:
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	// Entries of the account loaded before now are stale (freshLocked); they stay as the last
	// good copy should the database not answer.
	c.dropped[h.AccountID] = now
	if h.Kind == models.HintStatusPage {
		// A page may have been created (unknown slugs), renamed, given a host or had a viewer
		// link revoked.
		c.dropped[""] = now
		c.hostsAt = time.Time{}
		if h.ID != "" { // the page's own settings, not what it shows
			c.settingsChanged[h.AccountID] = now
			c.settingsChanged[""] = now
		}
	}
}

// dropAll makes everything stale (the hint stream was interrupted: hints may be lost).
func (c *cache) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.droppedAll = c.now()
	c.hostsAt = time.Time{}
}

// viewerActive answers from the cache whether a viewer link is active; ok is false when the
// cache does not know.
func (c *cache) viewerActive(id string) (active, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, found := c.viewers[id]
	if !found || !c.freshLocked(v.at, v.accountID) {
		return false, false
	}
	return v.active, true
}

func (c *cache) setViewer(id, accountID string, active bool, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.viewers) > 10000 {
		c.viewers = map[string]viewerState{}
	}
	c.viewers[id] = viewerState{active: active, at: at, accountID: accountID}
}

// hostSlug returns the slug of a custom host, loading the host map when it is stale.
func (c *cache) hostSlug(ctx context.Context, host string, load func(ctx context.Context) (map[string]string, error)) (string, error) {
	c.mu.Lock()
	if c.hosts != nil && c.now().Sub(c.hostsAt) < hostTTL {
		slug := c.hosts[host]
		c.mu.Unlock()
		return slug, nil
	}
	c.mu.Unlock()
	v, err, _ := c.group.Do("\x00hosts", func() (any, error) {
		start := c.now()
		m, err := load(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.hosts, c.hostsAt = m, start
		c.mu.Unlock()
		return m, nil
	})
	if err != nil {
		return "", err
	}
	return v.(map[string]string)[host], nil
}

// follow drops cached entries on every account's hints until ctx ends; when the stream is
// interrupted (a dropped subscriber) it drops everything and subscribes again.
func (c *cache) follow(ctx context.Context, src HintSource) {
	for {
		ch := src.SubscribeAll(ctx)
		for h := range ch {
			c.drop(h)
		}
		if ctx.Err() != nil {
			return
		}
		c.dropAll()
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

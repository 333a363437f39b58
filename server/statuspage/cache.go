package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/sync/singleflight"

	"github.com/switchboard-hub/switchboard/models"
)

// The cache (docs/statuspages.md "Public side"): per replica, each page's snapshot and every
// document rendered from it, precompressed, with an ETag. An entry is good for TTL after its
// load started, and only while no hint of its account arrived since: a hint drops it at once,
// the TTL bounds staleness when a hint is lost. A cached request runs no query.

// TTL bounds how stale a cached page can be when a hint is lost.
const TTL = time.Second

// hostTTL bounds how stale the custom host map can be (it is read on every request).
const hostTTL = 5 * time.Second

// HintSource delivers every account's live hints (live.Hub.SubscribeAll).
type HintSource interface {
	SubscribeAll(ctx context.Context) <-chan models.Hint
}

// doc is a rendered document, precompressed.
type doc struct {
	status      int
	contentType string
	body, gz    []byte
	br          []byte
	etag        string
}

func newDoc(status int, contentType string, body []byte) *doc {
	d := &doc{status: status, contentType: contentType, body: body}
	sum := sha256.Sum256(body)
	d.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	if len(body) >= 256 {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		d.gz = append([]byte(nil), b.Bytes()...)
		b.Reset()
		bw := brotli.NewWriterLevel(&b, 9)
		_, _ = bw.Write(body)
		_ = bw.Close()
		d.br = append([]byte(nil), b.Bytes()...)
	}
	return d
}

// entry is one page as of one load: the page (nil: the slug is unknown), its snapshot, and the
// documents rendered from it so far.
type entry struct {
	page      *models.StatusPage
	snap      *models.PageSnapshot
	loadedAt  time.Time // when the load started
	mu        sync.Mutex
	docs      map[string]*doc
	accountID string
}

func (e *entry) doc(key string, render func() (*doc, error)) (*doc, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d, ok := e.docs[key]; ok {
		return d, true, nil
	}
	d, err := render()
	if err != nil {
		return nil, false, err
	}
	if e.docs == nil {
		e.docs = map[string]*doc{}
	}
	if len(e.docs) < 256 {
		e.docs[key] = d
	}
	return d, false, nil
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
	viewers    map[string]viewerState
	hosts      map[string]string
	hostsAt    time.Time

	group singleflight.Group
	// loads counts snapshot loads (misses and refreshes), for the metrics.
	loads atomic.Uint64
}

func newCache() *cache {
	return &cache{now: time.Now, bySlug: map[string]*entry{}, dropped: map[string]time.Time{}, viewers: map[string]viewerState{}}
}

// freshLocked reports whether something loaded at t for the account is still good.
func (c *cache) freshLocked(t time.Time, accountID string) bool {
	if c.now().Sub(t) >= TTL {
		return false
	}
	if d, ok := c.dropped[accountID]; ok && !t.After(d) {
		return false
	}
	return t.After(c.droppedAll)
}

// get returns the slug's entry, loading it (once for concurrent callers) when missing or stale.
func (c *cache) get(ctx context.Context, slug string, load func(ctx context.Context) (*entry, error)) (*entry, bool, error) {
	c.mu.Lock()
	if e, ok := c.bySlug[slug]; ok && c.freshLocked(e.loadedAt, e.accountID) {
		c.mu.Unlock()
		return e, true, nil
	}
	c.mu.Unlock()
	v, err, _ := c.group.Do(slug, func() (any, error) {
		c.mu.Lock()
		if e, ok := c.bySlug[slug]; ok && c.freshLocked(e.loadedAt, e.accountID) {
			c.mu.Unlock()
			return e, nil
		}
		c.mu.Unlock()
		start := c.now()
		c.loads.Add(1)
		e, err := load(context.WithoutCancel(ctx))
		if err != nil {
			// A page is read hardest when things break: while the database cannot answer, the
			// last good copy is served (the next request tries again).
			c.mu.Lock()
			old, ok := c.bySlug[slug]
			c.mu.Unlock()
			if ok {
				return old, nil
			}
			return nil, err
		}
		e.loadedAt = start
		c.mu.Lock()
		if len(c.bySlug) > 10000 {
			c.bySlug = map[string]*entry{}
		}
		c.bySlug[slug] = e
		c.mu.Unlock()
		return e, nil
	})
	if err != nil {
		return nil, false, err
	}
	return v.(*entry), false, nil
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

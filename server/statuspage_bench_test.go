package server_test

import (
	"context"
	"net/http"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing but the status and the byte count, and
// reuses its header map, so a benchmark counts the handler's allocations, not its own.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkStatusPageCached reads a public status page and its summary.json, answered from the
// cache, through the server's whole Echo handler (every global middleware, the router, the
// status page handler), gzip accepted: the per-request CPU and allocations of the hot path
// (issue 11's 10,000 requests/s). Run with
//
//	go test ./server -run '^$' -bench StatusPageCached -benchmem
func BenchmarkStatusPageCached(b *testing.B) {
	m, c := MustStart(b, startOpts{})
	ctx := context.Background()
	MustSetup(b, c)
	var accs struct{ Accounts []struct{ ID string } }
	mustExec(b, c.MustOK(ctx, `{ accounts { id } }`, nil, &accs))
	var comp struct {
		CreateComponent struct{ Component struct{ ID string } }
	}
	mustExec(b, c.MustOK(ctx, `mutation($a: ID!) { createComponent(input: {accountId: $a, name: "API"}) { component { id } } }`,
		map[string]any{"a": accs.Accounts[0].ID}, &comp))
	var sp struct {
		CreateStatusPage struct{ Errors []struct{ Message string } }
	}
	mustExec(b, c.MustOK(ctx, `mutation($a: ID!, $c: ID!) { createStatusPage(input: {accountId: $a, name: "Bench", slug: "bench", visibility: PUBLIC,
		components: [{componentId: $c, group: "Core"}]}) { errors { message } } }`,
		map[string]any{"a": accs.Accounts[0].ID, "c": comp.CreateComponent.Component.ID}, &sp))
	if len(sp.CreateStatusPage.Errors) > 0 {
		b.Fatalf("createStatusPage: %+v", sp.CreateStatusPage.Errors)
	}
	h := m.HTTPHandler()
	for _, tc := range []struct{ name, path string }{{"Page", "/status/bench"}, {"Summary", "/status/bench/api/v2/summary.json"}} {
		b.Run(tc.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, "http://"+m.Addr+tc.path, nil)
			mustExec(b, err)
			req.RemoteAddr = "127.0.0.1:40000"
			req.Header.Set("Accept-Encoding", "gzip, deflate")
			req.Header.Set("User-Agent", "bench")
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req) // loads and renders: the loop reads the cache
			if w.status != http.StatusOK || w.n == 0 || w.h.Get("Content-Encoding") != "gzip" {
				b.Fatalf("first answer: %d, %d bytes, headers %v", w.status, w.n, w.h)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clear(w.h)
				w.status, w.n = 0, 0
				h.ServeHTTP(w, req)
			}
			b.StopTimer()
			if w.status != http.StatusOK || w.n == 0 {
				b.Fatalf("answer %d, %d bytes", w.status, w.n)
			}
		})
	}
}

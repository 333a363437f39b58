package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// TestEdge: every answer carries the security headers and a request id (the client's, or a
// new one, unique), which every log record of the request names; a panic is a logged 500 with
// its stack; the access line and the metrics count each request.
func TestEdge(t *testing.T) {
	logs := &lockedBuffer{}
	m := &Main{Log: slog.New(requestIDHandler{slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})}), metrics: newMetrics()}
	e := echo.New()
	e.HTTPErrorHandler = m.httpErrorHandler
	e.Use(m.edge)
	e.GET("/ok", func(c echo.Context) error {
		m.Log.InfoContext(c.Request().Context(), "inside the handler")
		return c.String(http.StatusOK, "fine")
	})
	e.GET("/boom", func(c echo.Context) error { panic("kaboom") })
	srv := httptest.NewServer(e)
	defer srv.Close()

	get := func(path string, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	wantSecurity := func(resp *http.Response) {
		t.Helper()
		for k, v := range map[string]string{"X-Xss-Protection": "0", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := resp.Header.Values(k); len(got) != 1 || got[0] != v {
				t.Fatalf("%s: %q, want %q", k, got, v)
			}
		}
	}

	r1, r2 := get("/ok"), get("/ok")
	wantSecurity(r1)
	id1, id2 := r1.Header.Get("X-Request-Id"), r2.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id1) || id1 == id2 {
		t.Fatalf("request ids %q, %q", id1, id2)
	}
	if got := get("/ok", "X-Request-Id", "from-the-proxy").Header.Get("X-Request-Id"); got != "from-the-proxy" {
		t.Fatalf("the client's request id was not kept: %q", got)
	}
	boom := get("/boom")
	wantSecurity(boom)
	if boom.StatusCode != http.StatusInternalServerError {
		t.Fatalf("a panic answered %d", boom.StatusCode)
	}

	byID := map[string][]map[string]any{}
	for _, r := range logs.records(t) {
		id, _ := r["request_id"].(string)
		byID[id] = append(byID[id], r)
	}
	for _, id := range []string{id1, id2, "from-the-proxy"} {
		recs := byID[id]
		if len(recs) != 2 || recs[0]["msg"] != "inside the handler" || recs[1]["msg"] != "http request" || recs[1]["route"] != "/ok" {
			t.Fatalf("records of request %s: %v", id, recs)
		}
	}
	boomRecs := byID[boom.Header.Get("X-Request-Id")]
	// The panic with its stack, the error handler's record, the access line at error level.
	if len(boomRecs) != 3 || boomRecs[0]["msg"] != "handler panicked" || !strings.Contains(boomRecs[0]["stack"].(string), "goroutine") ||
		boomRecs[0]["err"] != "kaboom" || boomRecs[1]["msg"] != "request failed" ||
		boomRecs[2]["msg"] != "http request" || boomRecs[2]["level"] != "ERROR" || boomRecs[2]["status"] != float64(500) {
		t.Fatalf("records of the panic: %v", boomRecs)
	}
	counted := map[string]float64{}
	fams, err := m.metrics.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "switchboard_http_requests_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			key := ""
			for _, l := range mt.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + " "
			}
			counted[strings.TrimSpace(key)] = mt.GetCounter().GetValue()
		}
	}
	if counted["method=GET route=/ok status=200"] != 3 || counted["method=GET route=/boom status=500"] != 1 || len(counted) != 2 {
		t.Fatalf("requests counted: %v", counted)
	}
}

package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMetrics: /metrics exposes the HTTP metrics and the queue depth by queue and state.
func TestMetrics(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := c.Do(ctx, "GET", "/metrics", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		body := string(r.Body)
		// The scheduler puts maintenance tasks on their queue within seconds of starting.
		if strings.Contains(body, `switchboard_queue_depth{queue="maintenance",state="pending"}`) &&
			strings.Contains(body, "switchboard_http_requests_total") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics lack the queue depth:\n%s", body)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// The statement counter moves when the server runs SQL (a GraphQL query reads the database).
func TestMetricsCountStatements(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	read := func() float64 {
		t.Helper()
		r, err := c.Do(ctx, "GET", "/metrics", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(r.Body), "\n") {
			if v, ok := strings.CutPrefix(line, "switchboard_db_statements_total "); ok {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					t.Fatalf("metric line %q: %v", line, err)
				}
				return f
			}
		}
		t.Fatalf("no switchboard_db_statements_total in /metrics")
		return 0
	}
	before := read()
	if before <= 0 {
		t.Fatalf("statements before any request: %v (migrations and setup run SQL)", before)
	}
	if _, err := c.Setup(ctx, "count@example.com", "Count", "a long password 123", "Count"); err != nil {
		t.Fatal(err)
	}
	if after := read(); after <= before {
		t.Fatalf("statements did not move after setup: %v → %v", before, after)
	}
}

package server_test

import (
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

package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// SWITCHBOARD_DEBUG_ADDR serves Go's profiler on its own listener, never on the public one;
// without it, nothing listens for it.
func TestDebugProfilerOnItsOwnListener(t *testing.T) {
	t.Parallel()
	const index = "Types of profiles available"
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	m, _ := MustStart(t, startOpts{embedded: true, env: map[string]string{"SWITCHBOARD_DEBUG_ADDR": "127.0.0.1:0"}})
	if m.DebugAddr == "" {
		t.Fatal("no profiler listener")
	}
	if st, body := get("http://" + m.DebugAddr + "/debug/pprof/"); st != http.StatusOK || !strings.Contains(body, index) {
		t.Fatalf("profiler: %d", st)
	}
	// The public listener answers /debug/ with the console (or a 404), never the profiler.
	if _, body := get("http://" + m.Addr + "/debug/pprof/"); strings.Contains(body, index) {
		t.Fatal("the public listener serves the profiler")
	}
	off, _ := MustStart(t, startOpts{embedded: true})
	if off.DebugAddr != "" {
		t.Fatalf("a profiler listens at %s without SWITCHBOARD_DEBUG_ADDR", off.DebugAddr)
	}
}

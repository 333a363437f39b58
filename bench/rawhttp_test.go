package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rawTestServer is a real net/http server with the answers the status page loop meets, and
// a count of the connections it accepted.
func rawTestServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	page := strings.Repeat("<p>all systems operational</p>\n", 200)
	mux := http.NewServeMux()
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, page)
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "gzip only", http.StatusNotAcceptable)
			return
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = io.WriteString(zw, page)
		_ = zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		_, _ = w.Write(b.Bytes())
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			_, _ = io.WriteString(w, strings.Repeat(string(rune('a'+i)), 1000))
			w.(http.Flusher).Flush() // no Content-Length: chunked
		}
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such page", http.StatusNotFound)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, "bye")
	})
	srv := httptest.NewUnstartedServer(mux)
	var conns atomic.Int64
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestRawConnAnswers(t *testing.T) {
	srv, conns := rawTestServer(t)
	page := strings.Repeat("<p>all systems operational</p>\n", 200)
	c := newRawConn(strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
	defer c.close()
	get := func(path string, headers ...string) (rawResp, string) {
		t.Helper()
		_, req, err := rawGET(srv.URL+path, headers...)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		resp, err := c.do(req, &body)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if resp.bodyLen != int64(body.Len()) {
			t.Fatalf("GET %s: bodyLen %d, %d bytes read", path, resp.bodyLen, body.Len())
		}
		return resp, body.String()
	}

	resp, body := get("/plain")
	if resp.status != 200 || body != page || resp.encoding != "" {
		t.Fatalf("/plain: %+v, %d bytes", resp, len(body))
	}

	resp, body = get("/gzip", "Accept-Encoding: gzip")
	if resp.status != 200 || resp.encoding != "gzip" || len(body) >= len(page) {
		t.Fatalf("/gzip: %+v, %d bytes", resp, len(body))
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || string(plain) != page {
		t.Fatalf("/gzip: the body is not the gzip of the page (%v, %d bytes)", err, len(plain))
	}
	// The request's own headers were sent: without them the server refuses.
	if resp, _ = get("/gzip"); resp.status != http.StatusNotAcceptable {
		t.Fatalf("/gzip without Accept-Encoding: %d", resp.status)
	}

	resp, body = get("/chunked")
	if resp.status != 200 || body != strings.Repeat("a", 1000)+strings.Repeat("b", 1000)+strings.Repeat("c", 1000) {
		t.Fatalf("/chunked: %+v, %q…", resp, body[:min(len(body), 20)])
	}

	resp, body = get("/missing")
	if resp.status != http.StatusNotFound || !strings.Contains(body, "no such page") {
		t.Fatalf("/missing: %+v %q", resp, body)
	}

	if resp, _ = get("/empty"); resp.status != 200 || resp.bodyLen != 0 {
		t.Fatalf("/empty: %+v", resp)
	}

	// Everything so far went over one keep-alive connection.
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for one keep-alive client", n)
	}

	// The server closes: the client dials again for the next request.
	if resp, body = get("/close"); resp.status != 200 || body != "bye" {
		t.Fatalf("/close: %+v %q", resp, body)
	}
	if resp, body = get("/plain"); resp.status != 200 || body != page {
		t.Fatalf("/plain after close: %+v", resp)
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2 (one after the server closed)", n)
	}
}

// TestRawConnDiscards checks the loop's path (no sink): the body's length is counted and the
// connection stays in step for the next answer.
func TestRawConnDiscards(t *testing.T) {
	srv, conns := rawTestServer(t)
	c := newRawConn(strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
	defer c.close()
	_, gz, _ := rawGET(srv.URL+"/gzip", "Accept-Encoding: gzip")
	_, chunked, _ := rawGET(srv.URL + "/chunked")
	_, missing, _ := rawGET(srv.URL + "/missing")
	for i := range 50 {
		req, want := gz, 200
		switch i % 3 {
		case 1:
			req = chunked
		case 2:
			req, want = missing, 404
		}
		resp, err := c.do(req, nil)
		if err != nil || resp.status != want || resp.bodyLen == 0 {
			t.Fatalf("request %d: %+v %v", i, resp, err)
		}
		if i%3 == 1 && resp.bodyLen != 3000 {
			t.Fatalf("chunked body: %d bytes", resp.bodyLen)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections", n)
	}
}

// TestRawConnRefusesGarbage checks that a non-HTTP answer is an error, not a status.
func TestRawConnRefusesGarbage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 1024)
		_, _ = conn.Read(buf)
		_, _ = io.WriteString(conn, "SSH-2.0-OpenSSH\r\n\r\n")
		conn.Close()
	}()
	c := newRawConn(ln.Addr().String(), 2*time.Second)
	_, req, _ := rawGET("http://" + ln.Addr().String() + "/")
	if resp, err := c.do(req, nil); err == nil {
		t.Fatalf("garbage answered as %+v", resp)
	}
}

// TestRawConnAllocs: a request on an open connection allocates nothing on the tool's side (the
// tool shares the cores it measures). The server here is a plain socket answering a canned
// response without allocating, so the process's count is the client's.
func TestRawConnAllocs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	body := strings.Repeat("x", 3000)
	canned := []byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 4096)
		have := 0
		for {
			n, err := conn.Read(buf[have:])
			if err != nil {
				return
			}
			have += n
			for {
				end := bytes.Index(buf[:have], []byte("\r\n\r\n"))
				if end < 0 {
					break
				}
				if _, err := conn.Write(canned); err != nil {
					return
				}
				have = copy(buf, buf[end+4:have])
			}
		}
	}()
	c := newRawConn(ln.Addr().String(), 5*time.Second)
	defer c.close()
	_, req, _ := rawGET("http://"+ln.Addr().String()+"/status/x", "Accept-Encoding: gzip")
	if resp, err := c.do(req, nil); err != nil || resp.bodyLen != int64(len(body)) {
		t.Fatalf("%+v %v", resp, err)
	}
	allocs := testing.AllocsPerRun(500, func() {
		if resp, err := c.do(req, nil); err != nil || resp.status != 200 || resp.encoding != "gzip" || resp.bodyLen != int64(len(body)) {
			t.Fatalf("%+v %v", resp, err)
		}
	})
	if allocs > 0 {
		t.Fatalf("%.2f allocations per request", allocs)
	}
}

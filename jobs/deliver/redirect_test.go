package deliver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

func TestSend_RedirectChainResendsTheSignedPOST(t *testing.T) {
	// Three hops across two servers with the codes net/http's client would turn into a GET
	// (301, 302, 303) and relative and absolute Locations.
	final := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere/a" {
			w.Header().Set("Location", "../end")
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})}
	b := httptest.NewServer(final)
	defer b.Close()
	first := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/start":
			http.Redirect(w, r, "next?q=1", http.StatusMovedPermanently) // relative
		case "/next":
			w.Header().Set("Location", b.URL+"/elsewhere/a")
			w.WriteHeader(http.StatusFound)
		}
	})}
	a := httptest.NewServer(first)
	defer a.Close()

	res := MustSender(t, Config{}).Send(context.Background(), testRequest(a.URL+"/start"))

	if res.Outcome != Succeeded || res.StatusCode != http.StatusCreated || res.Redirects != 3 {
		t.Fatalf("result = %+v", res)
	}
	if res.URL != b.URL+"/end" {
		t.Errorf("URL = %q, want %q", res.URL, b.URL+"/end")
	}
	if res.RemoteAddr != b.Listener.Addr().String() {
		t.Errorf("RemoteAddr = %q, want the last hop %q", res.RemoteAddr, b.Listener.Addr())
	}
	hops := append(first.all(), final.all()...)
	if len(hops) != 4 {
		t.Fatalf("%d requests, want 4", len(hops))
	}
	wantPaths := []string{"/start", "/next", "/elsewhere/a", "/end"}
	for i, h := range hops {
		if h.Path != wantPaths[i] || h.Method != http.MethodPost || !bytes.Equal(h.Body, testBody) {
			t.Errorf("hop %d: %s %s %q", i, h.Method, h.Path, h.Body)
		}
		for _, name := range []string{"Date", "X-Signature", "X-Scalr-Webhook-Id", "Webhook-Id", "Webhook-Timestamp", "Webhook-Signature", "Content-Type", "User-Agent"} {
			if got, want := h.Header.Get(name), res.RequestHeaders.Get(name); got != want || got == "" {
				t.Errorf("hop %d %s = %q, want %q", i, name, got, want)
			}
		}
	}
}

// chain serves /r/N → /r/N-1 → … → /r/0, which answers 200.
func chain(tb testing.TB, code int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		if n == 0 {
			return
		}
		w.Header().Set("Location", fmt.Sprintf("/r/%d", n-1))
		w.WriteHeader(code)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func TestSend_RedirectLimit(t *testing.T) {
	srv := chain(t, http.StatusTemporaryRedirect)
	s := MustSender(t, Config{})

	t.Run("OK5", func(t *testing.T) {
		res := s.Send(context.Background(), testRequest(srv.URL+"/r/5"))
		if res.Outcome != Succeeded || res.Redirects != 5 || res.URL != srv.URL+"/r/0" {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("ErrTooMany6", func(t *testing.T) {
		res := s.Send(context.Background(), testRequest(srv.URL+"/r/6"))
		if res.Outcome != Failed || res.ErrorClass != ClassTooManyRedirects || res.Redirects != 5 || res.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("result = %+v", res)
		}
		if res.URL != srv.URL+"/r/1" {
			t.Errorf("URL = %q: want the hop that redirected once too often", res.URL)
		}
	})
	t.Run("ConfiguredLimit", func(t *testing.T) {
		res := MustSender(t, Config{MaxRedirects: 2}).Send(context.Background(), testRequest(srv.URL+"/r/3"))
		if res.Outcome != Failed || res.ErrorClass != ClassTooManyRedirects || res.Redirects != 2 {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("NoneFollowed", func(t *testing.T) {
		res := MustSender(t, Config{MaxRedirects: -1}).Send(context.Background(), testRequest(srv.URL+"/r/1"))
		if res.Outcome != Failed || res.ErrorClass != ClassTooManyRedirects || res.Redirects != 0 {
			t.Errorf("result = %+v", res)
		}
	})
}

func TestSend_RedirectToRefusedAddress(t *testing.T) {
	// The guard allows only 127.0.0.1; a listener on 127.0.0.2 (loopback, refused by default)
	// proves no connection is made to it.
	target, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	defer target.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	tport := portOf(t, target.Addr().String())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ip":
			http.Redirect(w, r, "http://127.0.0.2:"+tport+"/x", http.StatusTemporaryRedirect)
		case "/name":
			http.Redirect(w, r, "http://internal.test:"+tport+"/x", http.StatusTemporaryRedirect)
		case "/metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		}
	}))
	defer srv.Close()
	s := MustSender(t, Config{
		Guard:    NewGuard(mustPrefixes(t, "127.0.0.1/32"), nil),
		Resolver: staticResolver{"internal.test": {"127.0.0.2"}},
	})
	for _, path := range []string{"/ip", "/name", "/metadata"} {
		t.Run(path, func(t *testing.T) {
			res := s.Send(context.Background(), testRequest(srv.URL+path))
			if res.Outcome != Failed || res.ErrorClass != ClassRefusedByGuard || res.Redirects != 1 || res.StatusCode != 0 {
				t.Errorf("result = %+v", res)
			}
			if !strings.Contains(res.ErrorMessage, "outbound guard refuses") {
				t.Errorf("ErrorMessage = %q", res.ErrorMessage)
			}
		})
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("refused address accepted %d connections", n)
	}
}

func TestSend_BadRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nolocation":
			w.WriteHeader(http.StatusFound)
		case "/ftp":
			w.Header().Set("Location", "ftp://127.0.0.1/x")
			w.WriteHeader(http.StatusFound)
		case "/invalid":
			w.Header().Set("Location", "http://[::1")
			w.WriteHeader(http.StatusFound)
		}
	}))
	defer srv.Close()
	s := MustSender(t, Config{})
	for _, path := range []string{"/nolocation", "/ftp", "/invalid"} {
		t.Run(path, func(t *testing.T) {
			res := s.Send(context.Background(), testRequest(srv.URL+path))
			if res.Outcome != Failed || res.ErrorClass != ClassRedirect || res.StatusCode != http.StatusFound {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestSend_RedirectHTTPSToHTTPRefused(t *testing.T) {
	var plainHits atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { plainHits.Add(1) }))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/x", http.StatusPermanentRedirect)
	}))
	defer tlsSrv.Close()
	s := MustSender(t, Config{TLSConfig: tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig})
	res := s.Send(context.Background(), testRequest(tlsSrv.URL))
	if res.Outcome != Failed || res.ErrorClass != ClassRedirect || plainHits.Load() != 0 {
		t.Errorf("result = %+v, plain hits %d", res, plainHits.Load())
	}
}

func TestSend_RedirectCredentialsStayOnTheirHost(t *testing.T) {
	other := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	b := httptest.NewServer(other)
	defer b.Close()
	same := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			http.Redirect(w, r, "/b", http.StatusFound)
			return
		}
		http.Redirect(w, r, b.URL+"/c", http.StatusFound)
	})}
	a := httptest.NewServer(same)
	defer a.Close()
	url := strings.Replace(a.URL, "http://", "http://u:p@", 1) + "/a"

	res := MustSender(t, Config{}).Send(context.Background(), testRequest(url))

	if res.Outcome != Succeeded || res.Redirects != 2 {
		t.Fatalf("result = %+v", res)
	}
	for _, h := range same.all() {
		if u, p, ok := (&http.Request{Header: h.Header}).BasicAuth(); !ok || u != "u" || p != "p" {
			t.Errorf("%s: credentials missing on the same host", h.Path)
		}
	}
	for _, h := range other.all() {
		if h.Header.Get("Authorization") != "" {
			t.Errorf("%s: credentials sent to another host", h.Path)
		}
	}
}

// Custom headers are credentials of the endpoint's origin: sent on every hop to that origin, to
// no other, and recorded redacted.
func TestSend_CustomHeadersStayWithTheOrigin(t *testing.T) {
	other := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })}
	b := httptest.NewServer(other)
	defer b.Close()
	origin := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "/again", http.StatusTemporaryRedirect) // same origin
			return
		}
		http.Redirect(w, r, b.URL+"/away", http.StatusTemporaryRedirect)
	})}
	a := httptest.NewServer(origin)
	defer a.Close()

	req := testRequest(a.URL + "/start")
	req.Headers = http.Header{"X-Api-Key": {"k-123"}, "X-Signature": {"forged"}}
	res := MustSender(t, Config{}).Send(context.Background(), req)
	if res.Outcome != Succeeded || res.Redirects != 2 {
		t.Fatalf("result = %+v", res)
	}
	for i, h := range origin.all() {
		if h.Header.Get("X-Api-Key") != "k-123" {
			t.Errorf("origin hop %d lacks the custom header", i)
		}
		if h.Header.Get("X-Signature") == "forged" {
			t.Errorf("origin hop %d: a custom header replaced X-Signature", i)
		}
	}
	if h := other.all()[0]; h.Header.Get("X-Api-Key") != "" {
		t.Errorf("another origin got the custom header %q", h.Header.Get("X-Api-Key"))
	}
	if got := res.RequestHeaders.Get("X-Api-Key"); got != RedactedHeaderValue {
		t.Errorf("recorded value %q, want it redacted", got)
	}
}

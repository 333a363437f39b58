package deliver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

func TestSend_OK(t *testing.T) {
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Receiver", "yes")
		io.WriteString(w, "thanks")
	})}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := MustSender(t, Config{})

	res := s.Send(context.Background(), testRequest(srv.URL+"/hook?x=1"))

	if res.Outcome != Succeeded || res.StatusCode != 200 || res.ErrorClass != "" || res.ErrorMessage != "" {
		t.Fatalf("result = %+v", res)
	}
	if res.RemoteAddr != srv.Listener.Addr().String() {
		t.Errorf("RemoteAddr = %q, want %q", res.RemoteAddr, srv.Listener.Addr())
	}
	if res.URL != srv.URL+"/hook?x=1" {
		t.Errorf("URL = %q", res.URL)
	}
	if string(res.ResponseBody) != "thanks" || res.Truncated || res.ResponseHeaders.Get("X-Receiver") != "yes" {
		t.Errorf("response = %q truncated=%v headers=%v", res.ResponseBody, res.Truncated, res.ResponseHeaders)
	}
	if res.Duration <= 0 {
		t.Errorf("Duration = %v", res.Duration)
	}
	got := rec.all()
	if len(got) != 1 {
		t.Fatalf("server saw %d requests", len(got))
	}
	r := got[0]
	if r.Method != http.MethodPost || r.Path != "/hook" || !bytes.Equal(r.Body, testBody) {
		t.Errorf("server saw %s %s %q", r.Method, r.Path, r.Body)
	}
	date := r.Header.Get("Date")
	if date != scalr.FormatDate(testNow) {
		t.Errorf("Date = %q, want %q", date, scalr.FormatDate(testNow))
	}
	if err := scalr.VerifyRequest(testKey, r.Body, date, r.Header.Get("X-Signature"), testNow); err != nil {
		t.Errorf("X-Signature does not verify: %v", err)
	}
	if !scalr.VerifyStandard(testKey, r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Body, r.Header.Get("webhook-signature")) {
		t.Error("webhook-signature does not verify")
	}
	for name, want := range map[string]string{
		"X-Scalr-Webhook-Id": testDeliveryID,
		"Webhook-Id":         testDeliveryID,
		"Webhook-Timestamp":  strconv.FormatInt(testNow.Unix(), 10),
		"Content-Type":       "application/json",
		"User-Agent":         "Switchboard/1.2.3",
		"Content-Length":     strconv.Itoa(len(testBody)),
	} {
		if g := r.Header.Get(name); g != want {
			t.Errorf("%s = %q, want %q", name, g, want)
		}
	}
	// RequestHeaders are what was sent.
	for name := range res.RequestHeaders {
		if g, w := r.Header.Get(name), res.RequestHeaders.Get(name); g != w {
			t.Errorf("RequestHeaders[%s] = %q, server saw %q", name, w, g)
		}
	}
	if r.Header.Get("Accept-Encoding") != "" {
		t.Errorf("Accept-Encoding %q sent; RequestHeaders would not show it", r.Header.Get("Accept-Encoding"))
	}
}

func TestSend_StatusOutcomes(t *testing.T) {
	tests := []struct {
		status   int
		approval bool
		want     Outcome
	}{
		{200, false, Succeeded},
		{201, false, Succeeded},
		{202, false, Succeeded},
		{204, false, Succeeded},
		{400, false, Failed},
		{401, false, Failed},
		{404, false, Failed},
		{422, false, Failed},
		{408, false, Retry},
		{429, false, Retry},
		{410, false, Gone},
		{410, true, Gone},
		{500, false, Retry},
		{502, false, Retry},
		{503, false, Retry},
		{504, false, Retry},
		{599, false, Retry},
		{202, true, Pending},
		{200, true, Succeeded},
		{404, true, Failed},
	}
	var status atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	s := MustSender(t, Config{})
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d approval=%v", tt.status, tt.approval), func(t *testing.T) {
			status.Store(int64(tt.status))
			req := testRequest(srv.URL)
			req.Approval = tt.approval
			res := s.Send(context.Background(), req)
			if res.Outcome != tt.want || res.StatusCode != tt.status {
				t.Errorf("outcome %q status %d, want %q %d (%+v)", res.Outcome, res.StatusCode, tt.want, tt.status, res)
			}
			if res.ErrorClass != "" || res.RetryAfter != 0 {
				t.Errorf("ErrorClass %q RetryAfter %v, want none", res.ErrorClass, res.RetryAfter)
			}
		})
	}
}

func TestSend_RetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		status int
		value  string
		want   time.Duration
	}{
		{"seconds", 429, "120", 2 * time.Minute},
		{"HTTP-date", 429, testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"503 seconds", 503, "7", 7 * time.Second},
		{"capped", 429, "999999", MaxRetryAfter},
		{"date in the past", 429, testNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"missing", 429, "", 0},
		{"garbage", 429, "soon", 0},
		{"ignored on 500", 500, "120", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.value != "" {
					w.Header().Set("Retry-After", tt.value)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL))
			if res.Outcome != Retry || res.RetryAfter != tt.want {
				t.Errorf("outcome %q RetryAfter %v, want retry %v", res.Outcome, res.RetryAfter, tt.want)
			}
		})
	}
}

func TestSend_TimeoutWaitingForHeaders(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	s := MustSender(t, Config{})
	req := testRequest(srv.URL)
	req.Timeout = 300 * time.Millisecond

	res := s.Send(context.Background(), req)

	if res.Outcome != Retry || res.ErrorClass != ClassTimeout || res.StatusCode != 0 {
		t.Fatalf("result = %+v", res)
	}
	if res.Duration < 250*time.Millisecond || res.Duration > time.Second {
		t.Errorf("Duration = %v, want about the 300ms timeout", res.Duration)
	}
	if res.RemoteAddr != srv.Listener.Addr().String() {
		t.Errorf("RemoteAddr = %q: the connection was made", res.RemoteAddr)
	}
	if !strings.Contains(res.ErrorMessage, "300ms") {
		t.Errorf("ErrorMessage = %q", res.ErrorMessage)
	}
}

func TestSend_TimeoutCoversSlowBody(t *testing.T) {
	// Headers arrive at once, then the body trickles: the attempt still ends at the timeout and
	// keeps the status it got.
	srv := startRaw(t, func(c net.Conn, done <-chan struct{}) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
		<-done
	})
	req := testRequest(srv.URL())
	req.Timeout = 300 * time.Millisecond
	res := MustSender(t, Config{}).Send(context.Background(), req)
	if res.Outcome != Succeeded || res.StatusCode != 200 {
		t.Fatalf("result = %+v", res)
	}
	if res.Duration > time.Second {
		t.Errorf("Duration = %v, want about the 300ms timeout", res.Duration)
	}
}

func TestSend_BodyCapped(t *testing.T) {
	for _, n := range []int{0, 10, MaxResponseBody, MaxResponseBody + 1, 100_000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write(bytes.Repeat([]byte("x"), n))
			}))
			defer srv.Close()
			res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL))
			wantLen, wantTrunc := min(n, MaxResponseBody), n > MaxResponseBody
			if len(res.ResponseBody) != wantLen || res.Truncated != wantTrunc {
				t.Errorf("body %d bytes truncated=%v, want %d %v", len(res.ResponseBody), res.Truncated, wantLen, wantTrunc)
			}
		})
	}
}

func TestSend_KeepAliveAndFreshDate(t *testing.T) {
	var newConns atomic.Int64
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	srv := httptest.NewUnstartedServer(rec)
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	clock := testNow
	s := MustSender(t, Config{Now: func() time.Time { return clock }})

	first := s.Send(context.Background(), testRequest(srv.URL))
	clock = clock.Add(90 * time.Second)
	second := s.Send(context.Background(), testRequest(srv.URL))

	if first.Outcome != Succeeded || second.Outcome != Succeeded {
		t.Fatalf("outcomes %q %q", first.Outcome, second.Outcome)
	}
	if n := newConns.Load(); n != 1 {
		t.Errorf("%d connections for two attempts, want 1 (keep-alive)", n)
	}
	got := rec.all()
	d1, d2 := got[0].Header.Get("Date"), got[1].Header.Get("Date")
	if d1 == d2 || d2 != scalr.FormatDate(clock) {
		t.Errorf("Dates %q, %q: want a fresh Date per attempt", d1, d2)
	}
	if got[0].Header.Get("X-Scalr-Webhook-Id") != got[1].Header.Get("X-Scalr-Webhook-Id") {
		t.Error("delivery id changed between attempts")
	}
	if err := scalr.VerifyRequest(testKey, got[1].Body, d2, got[1].Header.Get("X-Signature"), clock); err != nil {
		t.Errorf("second attempt's signature: %v", err)
	}
}

func TestSend_ConnectionClosedWithoutResponse(t *testing.T) {
	srv := startRaw(t, func(c net.Conn, _ <-chan struct{}) {})
	res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL()))
	if res.Outcome != Retry || res.ErrorClass != ClassClosed {
		t.Fatalf("result = %+v", res)
	}
}

func TestSend_NotHTTP(t *testing.T) {
	srv := startRaw(t, func(c net.Conn, _ <-chan struct{}) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\r\n")
	})
	res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL()))
	if res.Outcome != Retry || res.ErrorClass != ClassProtocol || res.ErrorMessage == "" {
		t.Fatalf("result = %+v", res)
	}
}

func TestSend_CallerCanceled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // the server notices a closed connection only once the body is read
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res := MustSender(t, Config{}).Send(ctx, testRequest(srv.URL))
	if res.Outcome != Retry || res.ErrorClass != ClassCanceled {
		t.Fatalf("result = %+v", res)
	}
	if res.Duration > 2*time.Second {
		t.Errorf("Duration = %v", res.Duration)
	}
}

func TestSend_InvalidURL(t *testing.T) {
	for _, u := range []string{"", "ftp://example.com/x", "http://", "/relative", "http://[::1", "file:///etc/passwd"} {
		t.Run(u, func(t *testing.T) {
			res := MustSender(t, Config{}).Send(context.Background(), testRequest(u))
			if res.Outcome != Failed || res.ErrorClass != ClassInvalidRequest {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestSend_URLCredentials(t *testing.T) {
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "cmdb" || p != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	url := strings.Replace(srv.URL, "http://", "http://cmdb:s3cret@", 1) + "/hook"

	res := MustSender(t, Config{}).Send(context.Background(), testRequest(url))

	if res.Outcome != Succeeded {
		t.Fatalf("result = %+v", res)
	}
	if got := res.RequestHeaders.Get("Authorization"); got != "Basic [redacted]" {
		t.Errorf("RequestHeaders Authorization = %q", got)
	}
	if strings.Contains(res.URL, "s3cret") {
		t.Errorf("URL %q shows the password", res.URL)
	}
}

func TestSend_NoSecretsInResult(t *testing.T) {
	// A Slack-style URL whose path is a secret, a connection that fails, and a receiver error:
	// neither the key, nor the URL's path, nor the body appears outside the fields meant for them.
	port := closedPort(t)
	secretPath := "/services/T000/B000/XXXXsecretXXXX"
	s := MustSender(t, Config{Resolver: staticResolver{}})
	for _, u := range []string{
		"http://127.0.0.1:" + port + secretPath,
		"http://nosuch.test" + secretPath,
	} {
		res := s.Send(context.Background(), testRequest(u))
		if res.Outcome != Retry {
			t.Errorf("%s: outcome %q", u, res.Outcome)
		}
		if strings.Contains(res.ErrorMessage, "secret") || strings.Contains(res.ErrorMessage, "eventName") {
			t.Errorf("ErrorMessage %q leaks the URL or body", res.ErrorMessage)
		}
		all, _ := json.Marshal(res)
		if bytes.Contains(all, testKey) {
			t.Errorf("result contains the signing key: %s", all)
		}
	}
}

func TestNewSender_RejectsBadVersion(t *testing.T) {
	if _, err := NewSender(Config{Version: "1.0\r\nX-Evil: 1"}); err == nil {
		t.Error("version with CRLF accepted")
	}
}

func TestSend_Concurrent(t *testing.T) {
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := MustSender(t, Config{})
	results := make(chan Result, 32)
	for range cap(results) {
		go func() { results <- s.Send(context.Background(), testRequest(srv.URL)) }()
	}
	for range cap(results) {
		if res := <-results; res.Outcome != Succeeded || res.RemoteAddr == "" {
			t.Errorf("result = %+v", res)
		}
	}
	if n := len(rec.all()); n != cap(results) {
		t.Errorf("server saw %d requests, want %d", n, cap(results))
	}
}

func TestSend_IPv6Literal(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL))
	if res.Outcome != Succeeded || res.RemoteAddr != ln.Addr().String() {
		t.Errorf("allowed ::1: result = %+v", res)
	}
	res = MustSender(t, Config{Guard: NewGuard(mustPrefixes(t, "127.0.0.0/8"), nil)}).Send(context.Background(), testRequest(srv.URL))
	if res.Outcome != Failed || res.ErrorClass != ClassRefusedByGuard {
		t.Errorf("default ::1: result = %+v", res)
	}
}

func TestSend_SwitchingProtocols(t *testing.T) {
	srv := startRaw(t, func(c net.Conn, done <-chan struct{}) {
		io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
		<-done
	})
	res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL()))
	if res.Outcome != Failed || res.ErrorClass != ClassProtocol || res.StatusCode != 101 || res.Duration > time.Second {
		t.Fatalf("result = %+v", res)
	}
}

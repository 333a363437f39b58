package deliver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

func approvalRequest(url string) Request {
	r := testRequest(url)
	r.Approval = true
	r.Timeout = 10 * time.Second // Pending must come long before this
	return r
}

func TestSend_Approval102(t *testing.T) {
	tests := []struct {
		name   string
		handle func(c net.Conn, done <-chan struct{})
	}{
		{"InformationalThenHoldOpen", func(c net.Conn, done <-chan struct{}) {
			io.WriteString(c, "HTTP/1.1 102 Processing\r\nX-Approval: queued\r\n\r\n")
			<-done
		}},
		{"InformationalThenClose", func(c net.Conn, done <-chan struct{}) {
			io.WriteString(c, "HTTP/1.1 102 Processing\r\nX-Approval: queued\r\n\r\n")
		}},
		{"FinalStatusLineWithBody", func(c net.Conn, done <-chan struct{}) {
			body := `{"approval_status":"pending"}`
			io.WriteString(c, "HTTP/1.1 102 Processing\r\nX-Approval: queued\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n"+body)
			<-done
		}},
		{"FinalStatusLineWithBodyThenClose", func(c net.Conn, done <-chan struct{}) {
			io.WriteString(c, "HTTP/1.1 102 Processing\r\nX-Approval: queued\r\nContent-Type: application/json\r\n\r\n{\"approval_status\":\"pending\"}")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startRaw(t, tt.handle)
			res := MustSender(t, Config{}).Send(context.Background(), approvalRequest(srv.URL()))
			if res.Outcome != Pending || res.StatusCode != http.StatusProcessing || res.ErrorClass != "" {
				t.Fatalf("result = %+v", res)
			}
			if res.Duration > 2*time.Second {
				t.Errorf("Duration = %v: Pending must not wait for the timeout", res.Duration)
			}
			if res.RemoteAddr != srv.ln.Addr().String() || res.ResponseHeaders.Get("X-Approval") != "queued" {
				t.Errorf("RemoteAddr %q headers %v", res.RemoteAddr, res.ResponseHeaders)
			}
			if d, _, err := scalr.ParseApprovalAnswer(res.StatusCode, res.ResponseBody); err != nil || d != scalr.DecisionPending {
				t.Errorf("ParseApprovalAnswer = %q, %v", d, err)
			}
		})
	}
}

func TestSend_102ThenFinalForDeliveries(t *testing.T) {
	// Outside approvals a 102 is only informational: the final status decides.
	srv := startRaw(t, func(c net.Conn, _ <-chan struct{}) {
		io.WriteString(c, "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL()))
	if res.Outcome != Succeeded || res.StatusCode != 200 || string(res.ResponseBody) != "ok" {
		t.Fatalf("result = %+v", res)
	}
}

func TestSend_102WithBodyForDeliveries(t *testing.T) {
	// Without Approval a "final" 102 with a body is not HTTP the client can read: retry.
	srv := startRaw(t, func(c net.Conn, _ <-chan struct{}) {
		io.WriteString(c, "HTTP/1.1 102 Processing\r\nContent-Length: 29\r\n\r\n{\"approval_status\":\"pending\"}")
	})
	res := MustSender(t, Config{}).Send(context.Background(), testRequest(srv.URL()))
	if res.Outcome != Retry || res.ErrorClass != ClassProtocol {
		t.Fatalf("result = %+v", res)
	}
}

func TestSend_ApprovalAnswers(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		outcome  Outcome
		decision string
	}{
		{"Pending202", 202, `{"approval_status":"pending"}`, Pending, scalr.DecisionPending},
		{"Approved200", 200, `{"approval_status":"approved","message":"ok"}`, Succeeded, scalr.DecisionApproved},
		{"Denied201", 201, `{"approval_status":"denied","message":"no"}`, Succeeded, scalr.DecisionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			res := MustSender(t, Config{}).Send(context.Background(), approvalRequest(srv.URL))
			if res.Outcome != tt.outcome || res.StatusCode != tt.status {
				t.Fatalf("result = %+v", res)
			}
			d, _, err := scalr.ParseApprovalAnswer(res.StatusCode, res.ResponseBody)
			if err != nil || d != tt.decision {
				t.Errorf("ParseApprovalAnswer = %q, %v; want %q", d, err, tt.decision)
			}
		})
	}
}

package scalr

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run scripts/receivers/scalr_receiver.py, a receiver that checks requests the way
// Scalr's published Python handlers do, as a real process and send it requests signed here.

const receiverScript = "../../scripts/receivers/scalr_receiver.py"

type receiverEntry struct {
	WebhookID        string  `json:"webhookId"`
	EventName        *string `json:"eventName"`
	EventID          *string `json:"eventId"`
	Verified         bool    `json:"verified"`
	StandardWebhooks bool    `json:"standardWebhooks"`
	Status           int     `json:"status"`
	Attempt          *int    `json:"attempt"`
	ReceivedAt       string  `json:"receivedAt"`
	Reason           string  `json:"reason"`
}

type receiverProc struct {
	url    string
	log    string
	client *http.Client
}

// lockedBuffer collects the receiver's stderr, written by exec's copying goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustStartReceiver starts the receiver with the key in a file (keyInEnv false, written with a
// trailing newline as editors do) or in SCALR_SIGNING_KEY, and stops it at the end of the test.
func mustStartReceiver(tb testing.TB, key string, keyInEnv bool, args ...string) *receiverProc {
	tb.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		tb.Skip("python3 not found")
	}
	dir := tb.TempDir()
	logPath := filepath.Join(dir, "receiver.jsonl")
	args = append([]string{receiverScript, "--port", "0", "--log", logPath}, args...)
	env := os.Environ()
	if keyInEnv {
		env = append(env, "SCALR_SIGNING_KEY="+key)
	} else {
		keyFile := filepath.Join(dir, "key")
		if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
		args = append(args, "--key-file", keyFile)
		env = append(env, "SCALR_SIGNING_KEY=not-this-one")
	}
	cmd := exec.Command(python, args...)
	cmd.Env = env
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	first := make(chan string, 1)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-readerDone
		_ = cmd.Wait()
		if tb.Failed() {
			tb.Logf("receiver stderr:\n%s", stderr.String())
		}
	})
	var line string
	select {
	case line = <-first:
	case <-time.After(15 * time.Second):
		tb.Fatalf("receiver did not start; stderr:\n%s", stderr.String())
	}
	var port int
	if _, err := fmt.Sscanf(line, "LISTENING %d", &port); err != nil || port <= 0 {
		tb.Fatalf("first stdout line %q is not LISTENING <port>; stderr:\n%s", line, stderr.String())
	}
	return &receiverProc{
		url:    fmt.Sprintf("http://127.0.0.1:%d/hook", port),
		log:    logPath,
		client: &http.Client{Timeout: 10 * time.Second},
	}
}

func (r *receiverProc) post(tb testing.TB, body []byte, h http.Header) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = h
	resp, err := r.client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, answer
}

// entry returns the only log line of a webhook id.
func (r *receiverProc) entry(tb testing.TB, webhookID string) receiverEntry {
	tb.Helper()
	entries := r.entries(tb, webhookID)
	if len(entries) != 1 {
		tb.Fatalf("%d log lines for %s, want 1: %+v", len(entries), webhookID, entries)
	}
	return entries[0]
}

func (r *receiverProc) entries(tb testing.TB, webhookID string) []receiverEntry {
	tb.Helper()
	raw, err := os.ReadFile(r.log)
	if err != nil {
		tb.Fatal(err)
	}
	var out []receiverEntry
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if line == "" {
			continue
		}
		var e receiverEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			tb.Fatalf("log line %q: %v", line, err)
		}
		if e.WebhookID == webhookID {
			out = append(out, e)
		}
	}
	return out
}

func mustKey(tb testing.TB) string {
	tb.Helper()
	k, err := GenerateSigningKey()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// testDelivery returns a fresh delivery id and the payload bytes of an event sent to it.
func testDelivery(tb testing.TB, n int) (deliveryID string, body []byte) {
	tb.Helper()
	deliveryID = fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	p := goldenEvent(true)
	p.EventID = fmt.Sprintf("aaaaaaaa-0000-4000-8000-%012d", n)
	body, err := p.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return deliveryID, body
}

func TestReceiver(t *testing.T) {
	key := mustKey(t)
	r := mustStartReceiver(t, key, false)
	n := 0
	next := func() (string, []byte) { n++; return testDelivery(t, n) }

	// resign replaces Date and X-Signature, keeping the Standard Webhooks headers.
	resign := func(h http.Header, body []byte, date string) http.Header {
		h.Set("Date", date)
		h.Set("X-Signature", Sign([]byte(key), body, date))
		return h
	}

	for _, tc := range []struct {
		name       string
		request    func(id string, body []byte) ([]byte, http.Header)
		wantStatus int
		wantReason string
		wantStd    bool
	}{
		{
			name: "OK",
			request: func(id string, body []byte) ([]byte, http.Header) {
				return body, Headers(id, []byte(key), body, time.Now(), "test")
			},
			wantStatus: 200, wantStd: true,
		},
		{
			name: "OKOldButInWindow",
			request: func(id string, body []byte) ([]byte, http.Header) {
				return body, Headers(id, []byte(key), body, time.Now().Add(-270*time.Second), "test")
			},
			wantStatus: 200, wantStd: true,
		},
		{
			// Only correct if the receiver applies the offset: read as UTC it is 2 h off.
			name: "OKNumericZone",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				date := time.Now().In(time.FixedZone("", 2*3600)).Format("Mon 02 Jan 2006 15:04:05 -0700")
				return body, resign(h, body, date)
			},
			wantStatus: 200, wantStd: true,
		},
		{
			name: "OKRFC1123",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				return body, resign(h, body, time.Now().UTC().Format(http.TimeFormat))
			},
			wantStatus: 200, wantStd: true,
		},
		{
			name: "OKStandardSignatureWrong",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				h.Set("webhook-signature", SignStandard([]byte(key), id, time.Now().Unix()-1, body))
				return body, h
			},
			wantStatus: 200, wantStd: false,
		},
		{
			name: "ErrTamperedBody",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				return bytes.Replace(body, []byte("HostUp"), []byte("HostDown"), 1), h
			},
			wantStatus: 403, wantReason: "signature mismatch",
		},
		{
			name: "ErrWrongKey",
			request: func(id string, body []byte) ([]byte, http.Header) {
				return body, Headers(id, []byte(mustKey(t)), body, time.Now(), "test")
			},
			wantStatus: 403, wantReason: "signature mismatch",
		},
		{
			name: "ErrSignatureUppercase",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				h.Set("X-Signature", strings.ToUpper(h.Get("X-Signature")))
				return body, h
			},
			wantStatus: 403, wantReason: "signature mismatch",
		},
		{
			name: "ErrNoSignature",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				h.Del("X-Signature")
				return body, h
			},
			wantStatus: 403, wantReason: "missing Date or X-Signature",
		},
		{
			name: "ErrStaleDate",
			request: func(id string, body []byte) ([]byte, http.Header) {
				return body, Headers(id, []byte(key), body, time.Now().Add(-301*time.Second), "test")
			},
			wantStatus: 403, wantReason: "stale date",
		},
		{
			name: "ErrFutureDate",
			request: func(id string, body []byte) ([]byte, http.Header) {
				return body, Headers(id, []byte(key), body, time.Now().Add(310*time.Second), "test")
			},
			wantStatus: 403, wantReason: "stale date",
		},
		{
			// Correctly signed, fresh, but the receiver cannot know which zone the time is in.
			name: "ErrDateWithoutZone",
			request: func(id string, body []byte) ([]byte, http.Header) {
				h := Headers(id, []byte(key), body, time.Now(), "test")
				return body, resign(h, body, time.Now().UTC().Format("Mon 02 Jan 2006 15:04:05"))
			},
			wantStatus: 403, wantReason: "date without zone",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, body := next()
			sent, h := tc.request(id, body)
			status, answer := r.post(t, sent, h)
			if status != tc.wantStatus {
				t.Fatalf("status %d (%s), want %d", status, answer, tc.wantStatus)
			}
			e := r.entry(t, id)
			if e.Status != tc.wantStatus || e.Reason != tc.wantReason {
				t.Fatalf("log: status %d reason %q, want %d %q", e.Status, e.Reason, tc.wantStatus, tc.wantReason)
			}
			if tc.wantStatus != 200 {
				if e.Verified || e.Attempt != nil {
					t.Fatalf("refused request logged as verified: %+v", e)
				}
				return
			}
			var p struct{ EventName, EventID string }
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if !e.Verified || e.EventName == nil || *e.EventName != p.EventName || e.EventID == nil || *e.EventID != p.EventID {
				t.Fatalf("log entry %+v does not record the verified event %+v", e, p)
			}
			if e.StandardWebhooks != tc.wantStd {
				t.Fatalf("standardWebhooks = %v, want %v", e.StandardWebhooks, tc.wantStd)
			}
			if _, err := time.Parse(time.RFC3339, e.ReceivedAt); err != nil {
				t.Fatalf("receivedAt %q: %v", e.ReceivedAt, err)
			}
		})
	}
}

// TestReceiverRetries checks the test switches used by delivery tests, with the key in the
// environment, and that the receiver's pending answer reads as pending.
func TestReceiverRetries(t *testing.T) {
	key := mustKey(t)
	r := mustStartReceiver(t, key, true,
		"--fail-first", "2", "--status", "202", "--body", `{"approval_status":"pending"}`)

	id, body := testDelivery(t, 1)
	// A forged request does not use up the failures.
	if status, _ := r.post(t, body, Headers(id, []byte(mustKey(t)), body, time.Now(), "test")); status != 403 {
		t.Fatalf("forged: status %d, want 403", status)
	}
	for attempt, want := range []int{500, 500, 202, 202} {
		status, answer := r.post(t, body, Headers(id, []byte(key), body, time.Now(), "test"))
		if status != want {
			t.Fatalf("attempt %d: status %d, want %d", attempt+1, status, want)
		}
		if status == 202 {
			if decision, _, err := ParseApprovalAnswer(status, answer); err != nil || decision != DecisionPending {
				t.Fatalf("answer %s: decision %q, err %v; want pending", answer, decision, err)
			}
		}
	}
	entries := r.entries(t, id)
	if len(entries) != 5 {
		t.Fatalf("%d log lines, want 5", len(entries))
	}
	for i, e := range entries[1:] {
		if !e.Verified || e.Attempt == nil || *e.Attempt != i+1 {
			t.Fatalf("line %d: %+v, want verified attempt %d", i+2, e, i+1)
		}
	}
	// Failures are counted per webhook id.
	other, body2 := testDelivery(t, 2)
	if status, _ := r.post(t, body2, Headers(other, []byte(key), body2, time.Now(), "test")); status != 500 {
		t.Fatalf("first attempt of another delivery: status %d, want 500", status)
	}
}

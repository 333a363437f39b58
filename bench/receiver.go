package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-hub/switchboard/models/scalr"
)

// receiver is one local webhook endpoint: a plain net/http server on loopback that answers 200
// at once (keep-alive), records every request by X-Scalr-Webhook-Id (how many times, when
// first, for which event) and verifies X-Signature with the endpoint's signing key on every
// verifyEvery-th request.
type receiver struct {
	idx         int
	url         string
	verifyEvery int64
	// key and endpointID are set once the endpoint exists, before any event is fired.
	key        []byte
	endpointID string

	srv *http.Server
	ln  net.Listener

	mu  sync.Mutex
	got map[string]*receipt

	// distinct counts delivery ids seen at least once (all receivers share it).
	distinct *atomic.Int64

	requests      atomic.Int64
	conns         atomic.Int64 // TCP connections accepted
	verified      atomic.Int64
	badSig        atomic.Int64
	verifyNanos   atomic.Int64
	wrongEndpoint atomic.Int64
	noID          atomic.Int64
	badExample    atomic.Value // string: one bad request, for the report
}

// receipt is what a receiver saw of one delivery.
type receipt struct {
	first   time.Time
	count   int
	eventID string
}

func startReceiver(idx int, verifyEvery int, distinct *atomic.Int64) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{idx: idx, ln: ln, url: fmt.Sprintf("http://%s/hook/%d", ln.Addr(), idx), verifyEvery: int64(max(verifyEvery, 0)),
		got: make(map[string]*receipt, 1<<16), distinct: distinct}
	r.srv = &http.Server{
		Handler:           r,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Minute,
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				r.conns.Add(1)
			}
		},
	}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
}

var (
	eventIDField    = []byte(`"eventId":"`)
	endpointIDField = []byte(`"endpointId":"`)
)

// jsonField returns the string value after the first (or, with last, the last) occurrence of
// `"name":"` in a compact Scalr payload. eventId comes before data and endpointId is the last
// key (design §6.3); values inside strings cannot contain an unescaped quote, so a search is
// exact and much cheaper than decoding the whole body.
func jsonField(body, field []byte, last bool) string {
	var i int
	if last {
		i = bytes.LastIndex(body, field)
	} else {
		i = bytes.Index(body, field)
	}
	if i < 0 {
		return ""
	}
	rest := body[i+len(field):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	n := r.requests.Add(1)
	id := req.Header.Get(scalr.HeaderScalrWebhookID)
	if r.verifyEvery > 0 && n%r.verifyEvery == 0 {
		t0 := time.Now()
		verr := scalr.VerifyRequest(r.key, body, req.Header.Get(scalr.HeaderDate), req.Header.Get(scalr.HeaderSignature), now)
		r.verifyNanos.Add(int64(time.Since(t0)))
		r.verified.Add(1)
		if verr != nil {
			r.badSig.Add(1)
			r.badExample.CompareAndSwap(nil, fmt.Sprintf("receiver %d, delivery %s: %v", r.idx, id, verr))
		}
	}
	if id == "" {
		r.noID.Add(1)
		w.WriteHeader(http.StatusOK)
		return
	}
	if ep := jsonField(body, endpointIDField, true); ep != r.endpointID {
		r.wrongEndpoint.Add(1)
		r.badExample.CompareAndSwap(nil, fmt.Sprintf("receiver %d got delivery %s for endpoint %q", r.idx, id, ep))
	}
	r.mu.Lock()
	rc := r.got[id]
	if rc == nil {
		rc = &receipt{first: now, eventID: jsonField(body, eventIDField, false)}
		r.got[id] = rc
		r.distinct.Add(1)
	}
	rc.count++
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// receipts returns a copy of what the receiver saw.
func (r *receiver) receipts() map[string]receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]receipt, len(r.got))
	for id, rc := range r.got {
		out[id] = *rc
	}
	return out
}

// receiverStats is one receiver's totals, for the report.
type receiverStats struct {
	URL           string  `json:"url"`
	Requests      int     `json:"requests"`
	Distinct      int     `json:"distinct_deliveries"`
	Connections   int     `json:"tcp_connections"`
	Verified      int     `json:"signatures_verified"`
	BadSignatures int     `json:"bad_signatures"`
	VerifyMicros  float64 `json:"verify_us_each"`
	WrongEndpoint int     `json:"wrong_endpoint"`
	NoID          int     `json:"without_webhook_id"`
}

func (r *receiver) stats() receiverStats {
	r.mu.Lock()
	distinct := len(r.got)
	r.mu.Unlock()
	s := receiverStats{URL: r.url, Requests: int(r.requests.Load()), Distinct: distinct, Connections: int(r.conns.Load()),
		Verified: int(r.verified.Load()), BadSignatures: int(r.badSig.Load()), WrongEndpoint: int(r.wrongEndpoint.Load()), NoID: int(r.noID.Load())}
	if s.Verified > 0 {
		s.VerifyMicros = float64(r.verifyNanos.Load()) / float64(s.Verified) / 1e3
	}
	return s
}

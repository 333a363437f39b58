// Package servertest has clients for Switchboard's HTTP API, used by the end-to-end tests and
// the benchmark tool: REST auth calls, GraphQL over HTTP, and graphql-transport-ws
// subscriptions.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Client talks to one Switchboard server.
type Client struct {
	BaseURL string
	HTTP    *http.Client
	Token   string
}

// NewClient returns a client with its own cookie jar.
func NewClient(baseURL string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Response is a raw HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// Do sends a request with an optional JSON body.
func (c *Client) Do(ctx context.Context, method, path string, body any, header http.Header) (*Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}, nil
}

// Session is the answer of setup, login and refresh.
type Session struct {
	AccessToken string    `json:"accessToken"`
	ExpiresAt   time.Time `json:"expiresAt"`
	User        struct {
		ID            string `json:"id"`
		Email         string `json:"email"`
		Name          string `json:"name"`
		IsSystemAdmin bool   `json:"isSystemAdmin"`
	} `json:"user"`
}

func (c *Client) session(ctx context.Context, path string, body any, want int) (*Session, error) {
	r, err := c.Do(ctx, http.MethodPost, path, body, nil)
	if err != nil {
		return nil, err
	}
	if r.Status != want {
		return nil, fmt.Errorf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var s Session
	if err := r.JSON(&s); err != nil {
		return nil, err
	}
	c.Token = s.AccessToken
	return &s, nil
}

// Setup runs first-run setup and keeps the session.
func (c *Client) Setup(ctx context.Context, email, name, password, account string) (*Session, error) {
	return c.session(ctx, "/auth/setup", map[string]string{"email": email, "name": name, "password": password, "accountName": account}, http.StatusCreated)
}

// Login signs in and keeps the session.
func (c *Client) Login(ctx context.Context, email, password string) (*Session, error) {
	return c.session(ctx, "/auth/login", map[string]string{"email": email, "password": password}, http.StatusOK)
}

// Refresh rotates the session with the refresh cookie.
func (c *Client) Refresh(ctx context.Context) (*Session, error) {
	return c.session(ctx, "/auth/refresh", nil, http.StatusOK)
}

// GQLError is one GraphQL error.
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// GQLResult is a GraphQL answer.
type GQLResult struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []GQLError      `json:"errors"`
}

// Code is the extensions.code of the first error, or "".
func (r *GQLResult) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	s, _ := r.Errors[0].Extensions["code"].(string)
	return s
}

// Decode decodes data into v.
func (r *GQLResult) Decode(v any) error {
	if len(r.Data) == 0 || string(r.Data) == "null" {
		return fmt.Errorf("no data (errors: %+v)", r.Errors)
	}
	return json.Unmarshal(r.Data, v)
}

// GraphQL posts a query with the client's token.
func (c *Client) GraphQL(ctx context.Context, query string, vars map[string]any) (*GQLResult, error) {
	h := http.Header{}
	if c.Token != "" {
		h.Set("Authorization", "Bearer "+c.Token)
	}
	r, err := c.Do(ctx, http.MethodPost, "/graphql", map[string]any{"query": query, "variables": vars}, h)
	if err != nil {
		return nil, err
	}
	res := &GQLResult{Status: r.Status}
	if err := json.Unmarshal(r.Body, res); err != nil {
		return res, fmt.Errorf("graphql: status %d, body %q: %w", r.Status, r.Body, err)
	}
	return res, nil
}

// MustOK runs a GraphQL operation that must succeed without errors and decodes its data.
func (c *Client) MustOK(ctx context.Context, query string, vars map[string]any, out any) error {
	r, err := c.GraphQL(ctx, query, vars)
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql errors: %+v", r.Errors)
	}
	if out == nil {
		return nil
	}
	return r.Decode(out)
}

// Subscription is one graphql-transport-ws subscription on its own connection.
type Subscription struct {
	conn   *websocket.Conn
	Events chan json.RawMessage
	// Err is set when the stream ended with an error (read it after Events is closed).
	mu  sync.Mutex
	err error
}

// Err returns why the subscription ended.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the subscription.
func (s *Subscription) Close() { _ = s.conn.Close(websocket.StatusNormalClosure, "bye") }

// Subscribe opens a websocket, authenticates in connection_init with token and starts one
// subscription. It returns once the server acknowledged the connection.
func Subscribe(ctx context.Context, baseURL, token, query string, vars map[string]any) (*Subscription, error) {
	wsURL := "ws" + strings.TrimPrefix(strings.TrimRight(baseURL, "/"), "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	send := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(ctx, websocket.MessageText, b)
	}
	init := map[string]any{"type": "connection_init"}
	if token != "" {
		init["payload"] = map[string]string{"Authorization": "Bearer " + token}
	}
	if err := send(init); err != nil {
		return nil, err
	}
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return nil, fmt.Errorf("waiting for connection_ack: %w", err)
		}
		var msg struct{ Type string }
		_ = json.Unmarshal(b, &msg)
		if msg.Type == "connection_ack" {
			break
		}
		if msg.Type == "connection_error" || msg.Type == "error" {
			return nil, fmt.Errorf("connection refused: %s", b)
		}
	}
	if err := send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}}); err != nil {
		return nil, err
	}
	s := &Subscription{conn: conn, Events: make(chan json.RawMessage, 256)}
	go func() {
		defer close(s.Events)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				s.mu.Lock()
				s.err = err
				s.mu.Unlock()
				return
			}
			var msg struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			}
			if json.Unmarshal(b, &msg) != nil {
				continue
			}
			switch msg.Type {
			case "ping":
				_ = conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`))
			case "next":
				var p struct {
					Data   json.RawMessage `json:"data"`
					Errors []GQLError      `json:"errors"`
				}
				_ = json.Unmarshal(msg.Payload, &p)
				if len(p.Errors) > 0 {
					s.mu.Lock()
					s.err = fmt.Errorf("subscription error: %+v", p.Errors)
					s.mu.Unlock()
					return
				}
				s.Events <- p.Data
			case "error":
				s.mu.Lock()
				s.err = fmt.Errorf("subscription refused: %s", msg.Payload)
				s.mu.Unlock()
				return
			case "complete":
				return
			}
		}
	}()
	return s, nil
}

// WaitClosed waits until the server closes the socket, also after the subscription completed,
// and returns the close code (-1 when the socket ended another way or ctx ended).
func (s *Subscription) WaitClosed(ctx context.Context) int {
	for {
		select {
		case _, ok := <-s.Events:
			if ok {
				continue
			}
		case <-ctx.Done():
			return -1
		}
		break
	}
	if err := s.Err(); err != nil {
		return CloseStatus(err)
	}
	for {
		if _, _, err := s.conn.Read(ctx); err != nil {
			return CloseStatus(err)
		}
	}
}

// ErrClosed reports whether err is a websocket close with the given status code.
func CloseStatus(err error) int {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return int(ce.Code)
	}
	return -1
}

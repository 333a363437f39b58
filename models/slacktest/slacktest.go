// Package slacktest is a local fake of the Slack Web API for tests: the methods Switchboard
// calls (auth.test, chat.postMessage, chat.update, conversations.open, users.lookupByEmail,
// users.info, views.open) with Slack's response shapes and error codes (invalid_auth,
// channel_not_found, users_not_found, message_not_found, ratelimited with Retry-After), and
// response_url endpoints. It also signs requests the way Slack does (v0 signatures), so tests
// post real signed interaction payloads.
package slacktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// User is a member of the fake workspace.
type User struct {
	ID    string
	Email string
	Name  string
}

// Message is a message the fake holds: its current text and blocks, and every version.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string
	Text     string
	Blocks   string
	// Versions are the texts the message had, in order (the post, then every update).
	Versions []string
}

// Call is one Web API call the fake answered (or refused).
type Call struct {
	Method string
	Error  string
}

// View is a modal opened with views.open.
type View struct {
	TriggerID string
	View      map[string]any
}

// Response is a message posted to a response_url.
type Response struct {
	Path string
	Body map[string]any
}

// Server is the fake Slack.
type Server struct {
	*httptest.Server

	Token     string
	TeamID    string
	TeamName  string
	BotUserID string

	mu        sync.Mutex
	users     map[string]User
	channels  map[string]bool
	messages  []*Message
	calls     []Call
	views     []View
	responses []Response
	seq       int
	down      bool
	limited   int // answer this many calls with ratelimited
	retryAt   int // Retry-After seconds
}

// Token is the fake workspace's valid bot token.
const Token = "xoxb-1111111111-2222222222-testtokenvalue"

func newServer(channels []string) *Server {
	s := &Server{
		Token: Token, TeamID: "T0SWITCHB", TeamName: "Acme Slack", BotUserID: "U0BOTUSER",
		users: map[string]User{}, channels: map[string]bool{},
	}
	for _, c := range channels {
		s.channels[c] = true
	}
	return s
}

// New starts a fake workspace with a valid bot token and the given channels.
func New(channels ...string) *Server {
	s := newServer(channels)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Listen starts the fake on addr (the end-to-end suite starts it beside a server; see
// scripts/fakeslack). GET /_fake/messages lists the messages it holds, as JSON.
func Listen(addr string, channels ...string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := newServer(channels)
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Listener.Close()
	s.Server.Listener = ln
	s.Server.Start()
	return s, nil
}

// APIURL is the base the Slack client is pointed at (slack.OptionAPIURL).
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL is a response_url for an interaction payload.
func (s *Server) ResponseURL(name string) string { return s.URL + "/response/" + name }

// AddUser adds a workspace member.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// SetDown makes every Web API call fail with 503 (an outage) or recover.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// RateLimit answers the next n calls with HTTP 429 ratelimited and Retry-After seconds.
func (s *Server) RateLimit(n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.retryAt = n, retryAfter
}

// Messages returns copies of the messages in channel ("" for all), in posting order.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			c := *m
			c.Versions = append([]string(nil), m.Versions...)
			out = append(out, c)
		}
	}
	return out
}

// Calls returns the calls answered so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Views returns the modals opened so far.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// Responses returns what was posted to response URLs.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.responses...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_fake/messages" {
		w.Header().Set("Content-Type", "application/json")
		ms := s.Messages("")
		if ms == nil {
			ms = []Message{}
		}
		_ = json.NewEncoder(w).Encode(ms)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/response/") {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		s.responses = append(s.responses, Response{Path: r.URL.Path, Body: body})
		s.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	params, err := readParams(r)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		s.calls = append(s.calls, Call{Method: method, Error: "service_unavailable"})
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if s.limited > 0 {
		s.limited--
		s.calls = append(s.calls, Call{Method: method, Error: "ratelimited"})
		w.Header().Set("Retry-After", strconv.Itoa(s.retryAt))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = str(params["token"])
	}
	var out map[string]any
	if token != s.Token {
		out = fail("invalid_auth")
	} else {
		out = s.call(method, params)
	}
	e, _ := out["error"].(string)
	s.calls = append(s.calls, Call{Method: method, Error: e})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(out)
}

func fail(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq)
}

func (s *Server) call(method string, p map[string]any) map[string]any {
	switch method {
	case "auth.test":
		return map[string]any{"ok": true, "url": "https://acme.slack.com/", "team": s.TeamName, "user": "switchboard",
			"team_id": s.TeamID, "user_id": s.BotUserID, "bot_id": "B0SWITCHB", "is_enterprise_install": false}
	case "chat.postMessage":
		ch := str(p["channel"])
		if !s.channels[ch] {
			return fail("channel_not_found")
		}
		if str(p["text"]) == "" && str(p["blocks"]) == "" {
			return fail("no_text")
		}
		thread := str(p["thread_ts"])
		if thread != "" && s.find(ch, thread) == nil {
			return fail("thread_not_found")
		}
		m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: thread, Text: str(p["text"]), Blocks: str(p["blocks"])}
		m.Versions = []string{m.Text}
		s.messages = append(s.messages, m)
		return map[string]any{"ok": true, "channel": ch, "ts": m.TS,
			"message": map[string]any{"type": "message", "text": m.Text, "user": s.BotUserID, "ts": m.TS, "bot_id": "B0SWITCHB"}}
	case "chat.update":
		ch := str(p["channel"])
		if !s.channels[ch] {
			return fail("channel_not_found")
		}
		m := s.find(ch, str(p["ts"]))
		if m == nil {
			return fail("message_not_found")
		}
		m.Text, m.Blocks = str(p["text"]), str(p["blocks"])
		m.Versions = append(m.Versions, m.Text)
		return map[string]any{"ok": true, "channel": ch, "ts": m.TS, "text": m.Text}
	case "conversations.open":
		u := str(p["users"])
		if _, ok := s.users[u]; !ok {
			return fail("user_not_found")
		}
		id := "D" + u[1:]
		s.channels[id] = true
		return map[string]any{"ok": true, "no_op": false, "already_open": false, "channel": map[string]any{"id": id}}
	case "users.lookupByEmail":
		for _, u := range s.users {
			if strings.EqualFold(u.Email, str(p["email"])) {
				return map[string]any{"ok": true, "user": userJSON(u, s.TeamID)}
			}
		}
		return fail("users_not_found")
	case "users.info":
		u, ok := s.users[str(p["user"])]
		if !ok {
			return fail("user_not_found")
		}
		return map[string]any{"ok": true, "user": userJSON(u, s.TeamID)}
	case "views.open":
		if str(p["trigger_id"]) == "" {
			return fail("invalid_trigger_id")
		}
		v, _ := p["view"].(map[string]any)
		if v == nil {
			_ = json.Unmarshal([]byte(str(p["view"])), &v)
		}
		s.views = append(s.views, View{TriggerID: str(p["trigger_id"]), View: v})
		return map[string]any{"ok": true, "view": map[string]any{"id": fmt.Sprintf("V%08d", len(s.views)), "team_id": s.TeamID, "type": "modal"}}
	}
	return fail("unknown_method")
}

func (s *Server) find(ch, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == ch && m.TS == ts {
			return m
		}
	}
	return nil
}

func userJSON(u User, team string) map[string]any {
	return map[string]any{"id": u.ID, "team_id": team, "name": strings.ToLower(u.Name), "real_name": u.Name, "deleted": false,
		"is_bot": false, "profile": map[string]any{"email": u.Email, "real_name": u.Name, "display_name": u.Name}}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// readParams reads form or JSON arguments, as Slack accepts both.
func readParams(r *http.Request) (map[string]any, error) {
	out := map[string]any{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		err := json.NewDecoder(r.Body).Decode(&out)
		return out, err
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	for k, v := range r.Form {
		out[k] = v[0]
	}
	return out, nil
}

// Sign returns Slack's X-Slack-Request-Timestamp and X-Slack-Signature for body.
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", timestamp, body)
	return timestamp, "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignedRequest builds a signed POST of a form body, as Slack sends it.
func SignedRequest(target, secret string, ts time.Time, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	t, sig := Sign(secret, ts, []byte(body))
	req.Header.Set("X-Slack-Request-Timestamp", t)
	req.Header.Set("X-Slack-Signature", sig)
	return req
}

// InteractionBody wraps an interaction payload (JSON) as Slack posts it: payload=<urlencoded>.
func InteractionBody(payload any) string {
	b, _ := json.Marshal(payload)
	return url.Values{"payload": {string(b)}}.Encode()
}

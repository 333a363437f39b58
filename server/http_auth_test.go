package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

func TestAuthHTTP(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)

	r, err := c.Do(ctx, "GET", "/auth/setup", nil, nil)
	if err != nil || r.Status != 200 || !strings.Contains(string(r.Body), `"setupRequired":true`) {
		t.Fatalf("setup status before setup: %v %d %s", err, r.Status, r.Body)
	}

	t.Run("ErrSetupInvalid", func(t *testing.T) {
		r, _ := c.Do(ctx, "POST", "/auth/setup", map[string]string{"email": "nope", "name": "A", "password": "correct horse battery", "accountName": "Acme"}, nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), `"field":"email"`) {
			t.Fatalf("want 400 on email, got %d %s", r.Status, r.Body)
		}
		r, _ = c.Do(ctx, "POST", "/auth/setup", map[string]string{"email": "a@example.com", "name": "A", "password": "short", "accountName": "Acme"}, nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), `"field":"password"`) {
			t.Fatalf("want 400 on password, got %d %s", r.Status, r.Body)
		}
		r, _ = c.Do(ctx, "GET", "/auth/setup", nil, nil)
		if !strings.Contains(string(r.Body), `"setupRequired":true`) {
			t.Fatalf("invalid setup changed state: %s", r.Body)
		}
	})

	t.Run("ErrMalformedBodies", func(t *testing.T) {
		for name, tc := range map[string]struct {
			body   string
			ctype  string
			status int
			want   string
		}{
			"syntax":        {`{"email":`, "application/json", 400, "malformed JSON"},
			"unknown field": {`{"email":"a@b.c","password":"x","admin":true}`, "application/json", 400, "unknown field"},
			"wrong type":    {`{"email":1,"password":"x"}`, "application/json", 400, "must be a string"},
			"content type":  {`email=a`, "application/x-www-form-urlencoded", 400, "Content-Type: application/json"},
			"too large":     {`{"email":"` + strings.Repeat("a", 64<<10) + `"}`, "application/json", 413, "too large"},
		} {
			t.Run(name, func(t *testing.T) {
				r, err := c.Do(ctx, "POST", "/auth/login", []byte(tc.body), http.Header{"Content-Type": {tc.ctype}})
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != tc.status || !strings.Contains(string(r.Body), tc.want) {
					t.Fatalf("want %d containing %q, got %d %s", tc.status, tc.want, r.Status, r.Body)
				}
			})
		}
	})

	s := MustSetup(t, c)
	if !s.User.IsSystemAdmin || s.AccessToken == "" {
		t.Fatalf("setup session: %+v", s)
	}
	r, _ = c.Do(ctx, "POST", "/auth/setup", map[string]string{"email": "b@example.com", "name": "B", "password": "correct horse battery", "accountName": "X"}, nil)
	if r.Status != http.StatusConflict {
		t.Fatalf("second setup: want 409, got %d %s", r.Status, r.Body)
	}

	t.Run("RefreshCookie", func(t *testing.T) {
		c2 := servertest.NewClient(c.BaseURL)
		r, _ := c2.Do(ctx, "POST", "/auth/login", map[string]string{"email": "admin@example.com", "password": "correct horse battery"}, nil)
		if r.Status != 200 {
			t.Fatalf("login: %d %s", r.Status, r.Body)
		}
		sc := r.Header.Get("Set-Cookie")
		for _, want := range []string{"switchboard_refresh=", "HttpOnly", "SameSite=Strict", "Path=/auth"} {
			if !strings.Contains(sc, want) {
				t.Errorf("cookie %q lacks %q", sc, want)
			}
		}
		if strings.Contains(string(r.Body), "refresh") {
			t.Errorf("refresh token leaked into the body: %s", r.Body)
		}
		// Keep a copy of the first refresh token to replay later.
		old := cookieValue(sc)
		s2, err := c2.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c2.MustOK(ctx, `{ me { user { email } } }`, nil, nil); err != nil {
			t.Fatalf("refreshed token does not work: %v", err)
		}
		_ = s2
		// Replaying the used token is refused and revokes the whole session.
		replay := servertest.NewClient(c.BaseURL)
		r, _ = replay.Do(ctx, "POST", "/auth/refresh", nil, http.Header{"Cookie": {"switchboard_refresh=" + old}})
		if r.Status != 401 {
			t.Fatalf("replayed refresh token: want 401, got %d", r.Status)
		}
		if _, err := c2.Refresh(ctx); err == nil {
			t.Fatal("after reuse was detected the legitimate session must be revoked too")
		}
	})

	t.Run("Logout", func(t *testing.T) {
		c3 := servertest.NewClient(c.BaseURL)
		if _, err := c3.Login(ctx, "admin@example.com", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		r, _ := c3.Do(ctx, "POST", "/auth/logout", nil, nil)
		if r.Status != 204 {
			t.Fatalf("logout: %d", r.Status)
		}
		if _, err := c3.Refresh(ctx); err == nil {
			t.Fatal("refresh after logout must fail")
		}
	})

	t.Run("SuccessfulSignInsAreNotLimited", func(t *testing.T) {
		// Only failures count against an account: a person (or a browser test suite) signing in
		// again and again is not guessing.
		for i := range 14 {
			if _, err := servertest.NewClient(c.BaseURL).Login(ctx, "admin@example.com", "correct horse battery"); err != nil {
				t.Fatalf("sign-in %d: %v", i+1, err)
			}
		}
	})

	t.Run("ErrLoginRateLimited", func(t *testing.T) {
		c4 := servertest.NewClient(c.BaseURL)
		var last *servertest.Response
		for range 12 {
			last, _ = c4.Do(ctx, "POST", "/auth/login", map[string]string{"email": "victim@example.com", "password": "wrong password!"}, nil)
			if last.Status == 429 {
				break
			}
			if last.Status != 401 {
				t.Fatalf("wrong password: want 401, got %d", last.Status)
			}
		}
		if last.Status != 429 || !strings.Contains(string(last.Body), "rate_limited") {
			t.Fatalf("want 429 after repeated failures, got %d %s", last.Status, last.Body)
		}
	})
}

func cookieValue(setCookie string) string {
	v, _, _ := strings.Cut(strings.TrimPrefix(setCookie, "switchboard_refresh="), ";")
	return v
}

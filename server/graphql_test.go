package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/switchboard-hub/switchboard/server/servertest"
)

// fixture is one account with an admin, and ids of its objects.
type fixture struct {
	c         *servertest.Client
	accountID string
	envID     string
}

func accountOf(t *testing.T, c *servertest.Client) fixture {
	t.Helper()
	var d struct {
		Accounts []struct {
			ID           string
			Environments []struct{ ID string }
		}
	}
	if err := c.MustOK(context.Background(), `{ accounts { id environments { id } } }`, nil, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Accounts) != 1 || len(d.Accounts[0].Environments) == 0 {
		t.Fatalf("want one account with an environment, got %+v", d)
	}
	return fixture{c: c, accountID: d.Accounts[0].ID, envID: d.Accounts[0].Environments[0].ID}
}

// addUser adds a member to the account and returns a client signed in as them.
func addUser(t *testing.T, admin fixture, email string, role string) (*servertest.Client, string) {
	t.Helper()
	ctx := context.Background()
	var d struct {
		AddMember struct {
			Membership struct{ ID string }
			Errors     []struct{ Message string }
		}
	}
	err := admin.c.MustOK(ctx, `mutation($in: AddMemberInput!) { addMember(input: $in) { membership { id } errors { message } } }`,
		map[string]any{"in": map[string]any{"accountId": admin.accountID, "email": email, "role": role, "name": email, "password": "correct horse battery"}}, &d)
	if err != nil || len(d.AddMember.Errors) > 0 {
		t.Fatalf("addMember: %v %+v", err, d.AddMember.Errors)
	}
	c := servertest.NewClient(admin.c.BaseURL)
	if _, err := c.Login(ctx, email, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return c, d.AddMember.Membership.ID
}

func TestGraphQLBadInput(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	ctx := ctxT(t)
	MustSetup(t, c)
	a := accountOf(t, c)

	countEnvs := func() int {
		var d struct {
			Account struct{ Environments []struct{ ID string } }
		}
		if err := c.MustOK(ctx, `query($id: ID!) { account(id: $id) { environments { id } } }`, map[string]any{"id": a.accountID}, &d); err != nil {
			t.Fatal(err)
		}
		return len(d.Account.Environments)
	}
	before := countEnvs()

	t.Run("ErrMalformedQuery", func(t *testing.T) {
		r, err := c.GraphQL(ctx, `{ me { user { email }`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != 422 || len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "Expected") {
			t.Fatalf("want a 422 parse error, got %d %+v", r.Status, r.Errors)
		}
		r, _ = c.GraphQL(ctx, `{ me { nosuchfield } }`, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "nosuchfield") {
			t.Fatalf("want a validation error naming the field, got %+v", r.Errors)
		}
		raw, _ := c.Do(ctx, "POST", "/graphql", []byte(`{"query": `), http.Header{"Authorization": {"Bearer " + c.Token}})
		if raw.Status != 400 {
			t.Fatalf("broken JSON: want 400, got %d %s", raw.Status, raw.Body)
		}
	})

	t.Run("ErrBodyTooLarge", func(t *testing.T) {
		big := `{"query":"{ me { user { email } } }","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`
		r, err := c.Do(ctx, "POST", "/graphql", []byte(big), http.Header{"Authorization": {"Bearer " + c.Token}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != 413 {
			t.Fatalf("want 413, got %d", r.Status)
		}
	})

	t.Run("ErrDepthAndComplexity", func(t *testing.T) {
		deep := `{ me { user { memberships { account { members { user { memberships { account { members { user { memberships { account { id } } } } } } } } } } } } }`
		r, _ := c.GraphQL(ctx, deep, nil)
		if r.Code() != "DEPTH_LIMIT_EXCEEDED" {
			t.Fatalf("want depth limit, got %+v", r.Errors)
		}
		var sb strings.Builder
		sb.WriteString("{")
		for i := range 1100 {
			sb.WriteString("a" + itoa(i) + ": ok ")
		}
		sb.WriteString("}")
		r, _ = c.GraphQL(ctx, sb.String(), nil)
		if r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("want complexity limit, got %+v", r.Errors)
		}
	})

	t.Run("ErrCredentials", func(t *testing.T) {
		claims := func(exp time.Time, key []byte, alg jwt.SigningMethod) string {
			tok := jwt.NewWithClaims(alg, jwt.MapClaims{"iss": "switchboard", "aud": "switchboard-api", "sub": "00000000-0000-0000-0000-000000000000", "exp": exp.Unix(), "typ": "access"})
			s, err := tok.SignedString(key)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		parts := strings.Split(c.Token, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var mine map[string]any
		_ = json.Unmarshal(payload, &mine)
		mine["exp"] = float64(time.Now().Add(-time.Hour).Unix())
		expiredPayload, _ := json.Marshal(mine)
		noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
		cases := map[string]string{
			"forged key":     claims(time.Now().Add(time.Hour), []byte("another-key-another-key-another-key!"), jwt.SigningMethodHS256),
			"alg none":       noneHeader + "." + parts[1] + ".",
			"tampered":       parts[0] + "." + base64.RawURLEncoding.EncodeToString(expiredPayload) + "." + parts[2],
			"garbage":        "not-a-token",
			"bad api token":  "sbt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			"expired (ours)": expiredWithServerKey(t, c.Token),
		}
		for name, tok := range cases {
			t.Run(name, func(t *testing.T) {
				bad := &servertest.Client{BaseURL: c.BaseURL, HTTP: http.DefaultClient, Token: tok}
				r, err := bad.Do(ctx, "POST", "/graphql", map[string]any{"query": `mutation { createEnvironment(input: {accountId: "` + a.accountID + `", name: "evil"}) { environment { id } } }`}, http.Header{"Authorization": {"Bearer " + tok}})
				if err != nil {
					t.Fatal(err)
				}
				if r.Status != 401 || !strings.Contains(string(r.Body), "unauthorized") {
					t.Fatalf("want 401, got %d %s", r.Status, r.Body)
				}
			})
		}
		r, _ := c.Do(ctx, "POST", "/graphql", map[string]any{"query": `{ me { user { id } } }`}, http.Header{"Authorization": {"Basic YTpi"}})
		if r.Status != 401 {
			t.Fatalf("Basic auth: want 401, got %d", r.Status)
		}
	})

	t.Run("ErrWrongRole", func(t *testing.T) {
		viewer, _ := addUser(t, a, "viewer@example.com", "VIEWER")
		r, _ := viewer.GraphQL(ctx, `mutation($a: ID!) { createEnvironment(input: {accountId: $a, name: "staging"}) { environment { id } errors { message } } }`, map[string]any{"a": a.accountID})
		if r.Code() != "FORBIDDEN" {
			t.Fatalf("viewer createEnvironment: want FORBIDDEN, got %+v", r.Errors)
		}
		r, _ = viewer.GraphQL(ctx, `mutation($e: ID!) { deleteEnvironment(input: {id: $e}) { deletedId errors { code message } } }`, map[string]any{"e": a.envID})
		var d struct {
			DeleteEnvironment struct {
				DeletedID *string
				Errors    []struct{ Code string }
			}
		}
		if err := r.Decode(&d); err != nil || d.DeleteEnvironment.DeletedID != nil || len(d.DeleteEnvironment.Errors) != 1 || d.DeleteEnvironment.Errors[0].Code != "FORBIDDEN" {
			t.Fatalf("viewer deleteEnvironment: want a FORBIDDEN user error, got %v %s", err, r.Data)
		}
		r, _ = viewer.GraphQL(ctx, `query($a: ID!) { account(id: $a) { apiTokens { id } } }`, map[string]any{"a": a.accountID})
		if r.Code() != "FORBIDDEN" {
			t.Fatalf("viewer apiTokens: want FORBIDDEN, got %+v", r.Errors)
		}
		member, _ := addUser(t, a, "member@example.com", "MEMBER")
		r, _ = member.GraphQL(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "t", role: ADMIN}) { secret } }`, map[string]any{"a": a.accountID})
		if r.Code() != "FORBIDDEN" {
			t.Fatalf("member createApiToken: want FORBIDDEN, got %+v", r.Errors)
		}
	})

	t.Run("ErrInvalidInput", func(t *testing.T) {
		var d struct {
			CreateEnvironment struct {
				Environment *struct{ ID string }
				Errors      []struct{ Code, Field, Message string }
			}
		}
		for _, name := range []string{"", strings.Repeat("x", 65), "two\nlines", "production", "PRODUCTION"} {
			if err := c.MustOK(ctx, `mutation($a: ID!, $n: String!) { createEnvironment(input: {accountId: $a, name: $n}) { environment { id } errors { code field message } } }`,
				map[string]any{"a": a.accountID, "n": name}, &d); err != nil {
				t.Fatal(err)
			}
			if d.CreateEnvironment.Environment != nil || len(d.CreateEnvironment.Errors) != 1 || d.CreateEnvironment.Errors[0].Field != "name" {
				t.Fatalf("name %q: want one error on field name, got %+v", name, d.CreateEnvironment)
			}
		}
		r, _ := c.GraphQL(ctx, `mutation($a: ID!) { createApiToken(input: {accountId: $a, name: "t", role: GOD}) { secret } }`, map[string]any{"a": a.accountID})
		if len(r.Errors) == 0 {
			t.Fatal("unknown enum value must be refused")
		}
	})

	if after := countEnvs(); after != before {
		t.Fatalf("bad input changed data: %d environments before, %d after", before, after)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// expiredWithServerKey re-signs the caller's own claims, expired, with the server's real key:
// only the expiry is wrong.
func expiredWithServerKey(t *testing.T, token string) string {
	t.Helper()
	var claims jwt.MapClaims
	_, _, err := jwt.NewParser().ParseUnverified(token, &claims)
	if err != nil {
		t.Fatal(err)
	}
	claims["exp"] = float64(time.Now().Add(-time.Minute).Unix())
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(testJWTKey))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

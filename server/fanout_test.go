package server_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-hub/switchboard/server"
)

// nestedMembersQuery nests account → members → user → memberships → account … twice (within
// the depth limit), under the given number of aliases (the fan-out attack of issue 8 item 13).
func nestedMembersQuery(aliases int) string {
	inner := "id"
	for range 2 {
		inner = "members { id role user { id email memberships { id account { id name " + inner + " } } } }"
	}
	var b strings.Builder
	b.WriteString("query($a: ID!) { account(id: $a) { ")
	for i := range aliases {
		fmt.Fprintf(&b, "m%d: %s ", i, inner)
	}
	b.WriteString("} }")
	return b.String()
}

// A viewer's nested, aliased query is refused with a clear error before anything runs; the
// console's own queries still pass.
func TestGraphQLFanOutRefused(t *testing.T) {
	_, c := MustStart(t, startOpts{})
	MustSetup(t, c)
	admin := accountOf(t, c)
	viewer, _ := addUser(t, admin, "viewer@example.com", "VIEWER")
	for i := range 3 {
		addUser(t, admin, fmt.Sprintf("member%d@example.com", i), "MEMBER")
	}
	ctx := ctxT(t)
	var aliased strings.Builder
	aliased.WriteString("query($a: ID!) { account(id: $a) { ")
	for i := range 40 {
		fmt.Fprintf(&aliased, "n%d: name ", i)
	}
	aliased.WriteString("} }")
	for _, cse := range []struct {
		name, code, query string
	}{
		{"Nested", "FAN_OUT_LIMIT_EXCEEDED", nestedMembersQuery(1)},
		{"NestedAliased", "FAN_OUT_LIMIT_EXCEEDED", nestedMembersQuery(5)},
		{"Aliased", "ALIAS_LIMIT_EXCEEDED", aliased.String()},
	} {
		t.Run(cse.name, func(t *testing.T) {
			start := time.Now()
			r, err := viewer.GraphQL(ctx, cse.query, map[string]any{"a": admin.accountID})
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("refusal took %s", took)
			}
			if r.Code() != cse.code || len(r.Data) > 0 && string(r.Data) != "null" {
				t.Fatalf("want a %s refusal without data, got code %q, data %.200s, errors %+v", cse.code, r.Code(), r.Data, r.Errors)
			}
			if !strings.Contains(r.Errors[0].Message, "limit") {
				t.Fatalf("unclear message: %q", r.Errors[0].Message)
			}
		})
	}
	t.Run("OKConsoleQueries", func(t *testing.T) {
		var d struct {
			Account struct {
				Members []struct{ ID string }
			}
		}
		// The console's members page and a page of its delivery history.
		if err := admin.c.MustOK(ctx, `query($a: ID!) { account(id: $a) { id name myRole members { id role createdAt user { id email name } } environments { id name } } }`,
			map[string]any{"a": admin.accountID}, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Account.Members) != 5 {
			t.Fatalf("want 5 members, got %d", len(d.Account.Members))
		}
		if err := admin.c.MustOK(ctx, `query($a: ID!, $first: Int!) { account(id: $a) { deliveries(first: $first) { edges { cursor node { id status attempts maxAttempts lastStatusCode lastError createdAt completedAt nextAttemptAt endpoint { id name url } webhook { id name } event { id name } } } pageInfo { hasNextPage endCursor } } } }`,
			map[string]any{"a": admin.accountID, "first": 50}, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// The nodes a response actually resolves are capped too (the estimate assumes 20 entries for an
// unpaged list; an account can have more members than that).
func TestGraphQLResolvedNodesCapped(t *testing.T) {
	_, c := MustStart(t, startOpts{beforeServe: func(m *server.Main) { m.GraphQLMaxResolvedNodes = 30 }})
	MustSetup(t, c)
	admin := accountOf(t, c)
	q := `query($a: ID!) { account(id: $a) { id members { id role user { id email name } } } }`
	if err := admin.c.MustOK(ctxT(t), q, map[string]any{"a": admin.accountID}, nil); err != nil {
		t.Fatalf("a small answer: %v", err)
	}
	for i := range 6 {
		addUser(t, admin, fmt.Sprintf("member%d@example.com", i), "MEMBER")
	}
	r, err := admin.c.GraphQL(ctxT(t), q, map[string]any{"a": admin.accountID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Code() != "NODE_LIMIT_EXCEEDED" || len(r.Errors) != 1 || len(r.Data) > 0 && string(r.Data) != "null" {
		t.Fatalf("want one NODE_LIMIT_EXCEEDED error and no data, got code %q, %d errors, data %.200s", r.Code(), len(r.Errors), r.Data)
	}
}

// A mutation operation that reaches the resolved-node cap has already made the changes of its
// first root fields: the answer says which mutations ran and which did not, and keeps what was
// resolved, so the client learns what was committed.
func TestGraphQLResolvedNodesCappedMutation(t *testing.T) {
	_, c := MustStart(t, startOpts{beforeServe: func(m *server.Main) { m.GraphQLMaxResolvedNodes = 30 }})
	MustSetup(t, c)
	admin := accountOf(t, c)
	var sel strings.Builder
	var keys []string
	for i := range 8 {
		key := fmt.Sprintf("e%d", i)
		keys = append(keys, key)
		fmt.Fprintf(&sel, ` %s: createEnvironment(input: {accountId: $a, name: "capped-%d"}) { environment { id name } errors { message } }`, key, i)
	}
	r, err := admin.c.GraphQL(ctxT(t), `mutation($a: ID!) {`+sel.String()+` }`, map[string]any{"a": admin.accountID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Code() != "NODE_LIMIT_EXCEEDED" {
		t.Fatalf("want NODE_LIMIT_EXCEEDED first, got %+v", r.Errors)
	}
	strs := func(v any) []string {
		var out []string
		list, _ := v.([]any)
		for _, s := range list {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	ran, notRun := strs(r.Errors[0].Extensions["mutationsRun"]), strs(r.Errors[0].Extensions["mutationsNotRun"])
	if len(ran) == 0 || len(notRun) == 0 || strings.Join(append(append([]string{}, ran...), notRun...), ",") != strings.Join(keys, ",") {
		t.Fatalf("mutations run %v, not run %v; want a prefix and the rest of %v", ran, notRun, keys)
	}
	if !strings.Contains(r.Errors[0].Message, strings.Join(ran, ", ")) {
		t.Fatalf("the message does not name the mutations that ran: %s", r.Errors[0].Message)
	}
	// Exactly the environments of the mutations said to have run exist.
	var d struct {
		Account struct{ Environments []struct{ Name string } }
	}
	if err := admin.c.MustOK(ctxT(t), `query($a: ID!) { account(id: $a) { environments { name } } }`, map[string]any{"a": admin.accountID}, &d); err != nil {
		t.Fatal(err)
	}
	var created []string
	for _, e := range d.Account.Environments {
		if strings.HasPrefix(e.Name, "capped-") {
			created = append(created, "e"+strings.TrimPrefix(e.Name, "capped-"))
		}
	}
	sort.Strings(created)
	if strings.Join(created, ",") != strings.Join(ran, ",") {
		t.Fatalf("environments created by %v, the answer says %v ran", created, ran)
	}
}

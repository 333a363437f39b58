package graph_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/switchboard-hub/switchboard/graph"
	"github.com/switchboard-hub/switchboard/graph/generated"
)

func schema(t *testing.T) *ast.Schema {
	t.Helper()
	return generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}).Schema()
}

// consoleDocuments returns every GraphQL document of the console (the codegen map's keys).
func consoleDocuments(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../frontend/src/gql/gql.ts")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, m := range regexp.MustCompile(`(?m)^    ("(?:[^"\\]|\\.)*"): typeof types\.`).FindAllStringSubmatch(string(b), -1) {
		var s string
		if err := json.Unmarshal([]byte(m[1]), &s); err != nil {
			t.Fatalf("document %.60s: %v", m[1], err)
		}
		docs = append(docs, s)
	}
	if len(docs) < 50 {
		t.Fatalf("found %d console documents; the gql.ts format changed?", len(docs))
	}
	return docs
}

// Every query, mutation and subscription of the console stays within the fan-out limits with
// the console's largest page size.
func TestFanOutConsoleQueriesPass(t *testing.T) {
	s := schema(t)
	docs := consoleDocuments(t)
	var frags []string
	for _, d := range docs {
		if strings.HasPrefix(strings.TrimSpace(d), "fragment ") {
			frags = append(frags, d)
		}
	}
	largest, largestName := 0, ""
	n := 0
	for _, d := range docs {
		if strings.HasPrefix(strings.TrimSpace(d), "fragment ") {
			continue
		}
		// A document may only include the fragments it uses.
		src := d
		for _, f := range frags {
			name := strings.Fields(strings.TrimSpace(f))[1]
			if strings.Contains(src, "..."+name) && !strings.Contains(src, "fragment "+name+" ") {
				src += f
			}
		}
		for range 3 { // fragments that use fragments
			for _, f := range frags {
				name := strings.Fields(strings.TrimSpace(f))[1]
				if strings.Contains(src, "..."+name) && !strings.Contains(src, "fragment "+name+" ") {
					src += f
				}
			}
		}
		doc, errs := gqlparser.LoadQuery(s, src)
		if errs != nil {
			t.Fatalf("console document does not validate: %v\n%s", errs, d)
		}
		for _, op := range doc.Operations {
			n++
			fo := graph.EstimateFanOut(op, doc.Fragments, map[string]any{"first": int64(50)})
			if fo.Nodes > graph.MaxEstimatedNodes || fo.Aliases > graph.MaxAliases {
				t.Errorf("console operation %s: estimated %d nodes, %d aliases; over the limits", op.Name, fo.Nodes, fo.Aliases)
			}
			if fo.Nodes > largest {
				largest, largestName = fo.Nodes, op.Name
			}
		}
	}
	t.Logf("%d console operations; the largest, %s, is estimated at %d nodes (limit %d)", n, largestName, largest, graph.MaxEstimatedNodes)
}

// nestedMembers is the fan-out attack: each level multiplies by a whole list, aliases multiply
// it again.
func nestedMembers(aliases int) string {
	inner := "id"
	for range 3 {
		inner = "members { id user { id memberships { id account { id " + inner + " } } } }"
	}
	var b strings.Builder
	b.WriteString("query($a: ID!) { account(id: $a) { ")
	for i := range aliases {
		b.WriteString("a")
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(string(rune('a' + i/26)))
		b.WriteString(": ")
		b.WriteString(inner)
		b.WriteString(" ")
	}
	b.WriteString("} }")
	return b.String()
}

func TestFanOutEstimateRefusesNesting(t *testing.T) {
	s := schema(t)
	for _, c := range []struct {
		name    string
		aliases int
	}{{"NestedLists", 1}, {"Aliases", graph.MaxAliases + 1}} {
		t.Run(c.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(s, nestedMembers(c.aliases))
			if errs != nil {
				t.Fatal(errs)
			}
			fo := graph.EstimateFanOut(doc.Operations[0], doc.Fragments, nil)
			if fo.Nodes <= graph.MaxEstimatedNodes && fo.Aliases <= graph.MaxAliases {
				t.Fatalf("estimate %+v is within the limits", fo)
			}
		})
	}
	// Paged lists weigh their page: a big page of a connection counts, a small one does not.
	for _, c := range []struct {
		q    string
		over bool
	}{
		{`query($a: ID!) { account(id: $a) { deliveries(first: 200) { edges { node { id attemptDetails { number requestHeaders { key value } responseHeaders { key value } } webhook { endpoints { webhooks { id name } } } } } } } }`, true},
		{`query($a: ID!) { account(id: $a) { deliveries(first: 200) { edges { node { id attemptDetails { number requestHeaders { key value } } } } } } }`, false},
		{`query($a: ID!) { account(id: $a) { deliveries(first: 20) { edges { node { id attemptDetails { number statusCode } } } } } }`, false},
	} {
		doc, errs := gqlparser.LoadQuery(s, c.q)
		if errs != nil {
			t.Fatal(errs)
		}
		fo := graph.EstimateFanOut(doc.Operations[0], doc.Fragments, nil)
		if (fo.Nodes > graph.MaxEstimatedNodes) != c.over {
			t.Errorf("%s: estimated %d nodes; want over the limit: %v", c.q, fo.Nodes, c.over)
		}
	}
}

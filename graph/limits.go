package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/switchboard-hub/switchboard/models"
)

// Fan-out limits. The field-count complexity limit does not see list sizes: a viewer could nest
// members → user → memberships → account → members… with aliases and make one small query
// return hundreds of thousands of nodes. So each operation's size is also estimated before it
// runs, weighting every list by its page size, and the nodes actually resolved are counted.
const (
	// MaxEstimatedNodes bounds an operation's estimated response size (fields resolved). The
	// estimate is pessimistic (every unpaged list full), so it only refuses what would be
	// large even with small lists: lists nested four deep, or big pages of nested lists. A page
	// of 200 deliveries with their attempts and headers is estimated at about 280,000.
	MaxEstimatedNodes = 500000
	// MaxAliases bounds the aliased fields of one operation (fragments counted where spread).
	MaxAliases = 30
	// MaxResolvedNodes bounds the fields one response actually resolves; the estimate is an
	// estimate, this is the backstop.
	MaxResolvedNodes = 100000
	// UnpagedListEstimate is the size assumed for a list field without a `first` argument
	// (an account's members, environments, a farm's servers…).
	UnpagedListEstimate = 20
)

const estimateCap = 1 << 40

// FanOut is the estimate of one operation.
type FanOut struct {
	Nodes   int
	Aliases int
}

// EstimateFanOut estimates the nodes an operation resolves and counts its aliases. Lists are
// weighted by their `first` argument (its default when absent, the page maximum when a variable
// is missing), unpaged lists by UnpagedListEstimate; the edges of a connection are counted once,
// at the paged field.
func EstimateFanOut(op *ast.OperationDefinition, frags ast.FragmentDefinitionList, vars map[string]any) FanOut {
	var fo FanOut
	fo.Nodes = estimateSet(op.SelectionSet, frags, vars, &fo, 0)
	return fo
}

func estimateSet(set ast.SelectionSet, frags ast.FragmentDefinitionList, vars map[string]any, fo *FanOut, depth int) int {
	if depth > 64 {
		return estimateCap // validation refuses cycles; this only bounds the walk
	}
	total := 0
	for _, s := range set {
		var n int
		switch s := s.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				fo.Aliases++
			}
			n = 1 + estimateSet(s.SelectionSet, frags, vars, fo, depth+1)
			n = satMul(n, listWeight(s, vars))
		case *ast.InlineFragment:
			n = estimateSet(s.SelectionSet, frags, vars, fo, depth+1)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				n = estimateSet(f.SelectionSet, frags, vars, fo, depth+1)
			}
		}
		total = satAdd(total, n)
	}
	return total
}

// listWeight is how many times a field's selection is resolved per parent.
func listWeight(f *ast.Field, vars map[string]any) int {
	def := f.Definition
	if def == nil {
		return 1
	}
	if arg := def.Arguments.ForName("first"); arg != nil {
		first := models.MaxPageSize
		if v, ok := f.ArgumentMap(vars)["first"]; ok {
			switch v := v.(type) {
			case int64:
				first = int(v)
			case int:
				first = v
			case float64:
				first = int(v)
			}
		}
		return min(max(first, 1), models.MaxPageSize)
	}
	if def.Type.Elem == nil {
		return 1
	}
	if f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection") {
		return 1 // the page was counted at the connection's field
	}
	return UnpagedListEstimate
}

func satAdd(a, b int) int { return min(a+b, estimateCap) }

func satMul(a, b int) int {
	if a != 0 && b > estimateCap/a {
		return estimateCap
	}
	return min(a*b, estimateCap)
}

// fanOutLimit refuses, before anything runs, an operation whose estimated size or alias count is
// over the limits (after the depth limit, so a deep operation is told about its depth).
func fanOutLimit(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return next(ctx)
	}
	fo := EstimateFanOut(oc.Operation, oc.Doc.Fragments, oc.Variables)
	var err *gqlerror.Error
	switch {
	case fo.Aliases > MaxAliases:
		err = &gqlerror.Error{
			Message:    fmt.Sprintf("operation uses %d aliases, more than the limit of %d", fo.Aliases, MaxAliases),
			Extensions: map[string]any{"code": "ALIAS_LIMIT_EXCEEDED"},
		}
	case fo.Nodes > MaxEstimatedNodes:
		err = &gqlerror.Error{
			Message: fmt.Sprintf("operation could return about %s nodes, more than the limit of %d: request smaller pages (first) or nest fewer lists",
				humanCount(fo.Nodes), MaxEstimatedNodes),
			Extensions: map[string]any{"code": "FAN_OUT_LIMIT_EXCEEDED", "estimatedNodes": fo.Nodes, "limit": MaxEstimatedNodes},
		}
	default:
		return next(ctx)
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
}

func humanCount(n int) string {
	if n >= estimateCap {
		return "more than a trillion"
	}
	return fmt.Sprint(n)
}

// resolvedNodes counts the fields one response resolves.
type resolvedNodes struct {
	n        atomic.Int64
	exceeded atomic.Bool
	// The root fields of a mutation whose resolvers ran (their changes are made) and those
	// refused once the limit was reached, by response key.
	mu          sync.Mutex
	ran, notRun []string
}

type resolvedNodesKey struct{}

func tooManyNodes(limit int64) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("the response would exceed %d nodes: request smaller pages (first) or nest fewer lists", limit),
		Extensions: map[string]any{"code": "NODE_LIMIT_EXCEEDED", "limit": limit},
	}
}

func isNodeLimit(e *gqlerror.Error) bool {
	return e != nil && e.Extensions != nil && e.Extensions["code"] == "NODE_LIMIT_EXCEEDED"
}

// countResolvedNodes gives each response a node counter (AroundResponses).
func countResolvedNodes(limit int64) (graphql.ResponseMiddleware, graphql.FieldMiddleware) {
	responses := func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		c := &resolvedNodes{}
		resp := next(context.WithValue(ctx, resolvedNodesKey{}, c))
		if resp == nil || !c.exceeded.Load() {
			return resp
		}
		oc := graphql.GetOperationContext(ctx)
		if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
			// One clear error instead of a partial response with an error per refused field.
			return &graphql.Response{Errors: gqlerror.List{tooManyNodes(limit)}}
		}
		// A mutation's changes are made as its root fields run: keep what was resolved (often
		// null: payloads are non-null) and say which mutations ran and which did not, so the
		// client learns what was committed.
		c.mu.Lock()
		ran, notRun := append([]string{}, c.ran...), append([]string{}, c.notRun...)
		c.mu.Unlock()
		e := tooManyNodes(limit)
		e.Message += fmt.Sprintf("; mutations that ran (their changes are made): %s; mutations that did not run: %s", listOrNone(ran), listOrNone(notRun))
		e.Extensions["mutationsRun"], e.Extensions["mutationsNotRun"] = ran, notRun
		errs := gqlerror.List{e}
		for _, other := range resp.Errors {
			if !isNodeLimit(other) {
				errs = append(errs, other)
			}
		}
		return &graphql.Response{Data: resp.Data, Errors: errs, Extensions: resp.Extensions}
	}
	fields := func(ctx context.Context, next graphql.Resolver) (any, error) {
		c, ok := ctx.Value(resolvedNodesKey{}).(*resolvedNodes)
		if !ok {
			return next(ctx)
		}
		fc := graphql.GetFieldContext(ctx)
		root := fc != nil && fc.Object == "Mutation" && fc.Field.Field != nil
		if c.exceeded.Load() || c.n.Add(1) > limit {
			c.exceeded.Store(true)
			if root {
				c.mu.Lock()
				c.notRun = append(c.notRun, fc.Field.Alias)
				c.mu.Unlock()
			}
			return nil, tooManyNodes(limit)
		}
		if root {
			c.mu.Lock()
			c.ran = append(c.ran, fc.Field.Alias)
			c.mu.Unlock()
		}
		return next(ctx)
	}
	return responses, fields
}

func listOrNone(keys []string) string {
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}

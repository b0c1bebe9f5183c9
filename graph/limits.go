package graph

import (
	"context"
	"fmt"
	"reflect"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partyorg/partyorg/internal/errs"
)

// Limits on what one request may ask for.
const (
	// MaxPage is the largest first/last a connection takes.
	MaxPage = 1000
	// MaxComplexity bounds the nodes a response may hold by estimate, as
	// GitHub's API counts them; see setComplexity.
	MaxComplexity = 50_000
	// MaxDepth bounds how deeply selections nest.
	MaxDepth = 15
	// MaxNodes bounds the IDs of one nodes(ids:) lookup.
	MaxNodes = 100
	// unpagedGuess is the page size assumed for an edge connection
	// without first/last (the children of one org: a short list).
	unpagedGuess = 10
)

// checkPage refuses first/last outside 0..MaxPage on any field.
func checkPage(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		for _, arg := range []string{"first", "last"} {
			if n, ok := fc.Args[arg].(*int); ok && n != nil && (*n < 0 || *n > MaxPage) {
				return nil, errs.New(errs.BadUserInput, "%s must be between 0 and %d", arg, MaxPage)
			}
		}
	}
	return next(ctx)
}

// pageSize bounds a root connection asked for without first or last to
// MaxPage rows (pageInfo.hasNextPage tells there are more): a province
// holds far more orgs than one response, or one IN (…) list of field
// collection, should carry.
func pageSize(first, last *int) *int {
	if first == nil && last == nil {
		n := MaxPage
		return &n
	}
	return first
}

// paged counts the nodes of an edge connection: its page of rows times
// the nodes each row holds (at least itself).
func paged(child int, first, last *int) int {
	n := unpagedGuess
	switch {
	case first != nil:
		n = *first
	case last != nil:
		n = *last
	}
	return max(n, 1) * max(child, 1)
}

// pagedRoot counts a root connection, whose default page is MaxPage.
func pagedRoot(child int, first, last *int) int {
	return paged(child, pageSize(first, last), last)
}

// setComplexity makes the complexity of an operation about the number of
// nodes its response may hold, as GitHub's API counts them: every Relay
// connection counts its page of rows times the nodes each row holds, a
// lookup by ID its rows, scalars nothing (complexityOptions) and an
// object what it nests, or 1 when it nests nothing (gqlgen's floor). It
// finds the connections by their signature (after, first, before, last
// as entgql generates them), so a connection added by a new schema is
// counted without a line here.
func setComplexity(c *ComplexityRoot) {
	cursor, count := reflect.TypeFor[*entgql.Cursor[int]](), reflect.TypeFor[*int]()
	objects := reflect.ValueOf(c).Elem()
	for i := range objects.NumField() {
		cost := paged
		if objects.Type().Field(i).Name == "Query" {
			cost = pagedRoot
		}
		fields := objects.Field(i)
		for j := range fields.NumField() {
			f := fields.Field(j)
			t := f.Type()
			if t.Kind() != reflect.Func {
				continue
			}
			connection := t.NumIn() >= 5 && t.In(1) == cursor && t.In(2) == count && t.In(3) == cursor && t.In(4) == count
			f.Set(reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
				child := int(args[0].Int())
				if !connection {
					// A scalar, a list or an object: no node of its own
					// (gqlgen counts 1 for an object that nests none).
					return []reflect.Value{reflect.ValueOf(child)}
				}
				first, _ := args[2].Interface().(*int)
				last, _ := args[4].Interface().(*int)
				return []reflect.Value{reflect.ValueOf(cost(child, first, last))}
			}))
		}
	}
	c.Query.Node = func(child int, _ int) int { return max(child, 1) }
	c.Query.Nodes = func(child int, ids []int) int { return len(ids) * max(child, 1) }
}

// depthLimit refuses operations whose selections nest deeper than max.
// gqlgen has a complexity limit but no depth limit.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := depth(oc.Operation.SelectionSet, map[string]bool{}); n > d.max {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("the operation nests %d levels deep; at most %d are allowed", n, d.max),
			Extensions: map[string]any{"code": string(errs.TooComplex)},
		}
	}
	return nil
}

// depth measures a selection set; seen stops fragment cycles (which
// validation also rejects).
func depth(set ast.SelectionSet, seen map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		var n int
		switch s := sel.(type) {
		case *ast.Field:
			n = 1 + depth(s.SelectionSet, seen)
		case *ast.InlineFragment:
			n = depth(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if seen[s.Name] || s.Definition == nil {
				continue
			}
			seen[s.Name] = true
			n = depth(s.Definition.SelectionSet, seen)
			delete(seen, s.Name)
		}
		deepest = max(deepest, n)
	}
	return deepest
}

// complexityOptions make scalars count nothing: the limit counts nodes.
var complexityOptions = []complexity.Option{complexity.WithFixedScalarValue(0)}

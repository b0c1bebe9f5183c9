package graph

import (
	"context"
	"encoding/json"
	"errors"
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
	// analyticsChildren is the children assumed of a dashboard: a county
	// has some twenty townships and county units. Each child's own
	// children are a new set of GROUP BYs, so a dashboard two levels
	// down fits and three do not.
	analyticsChildren = 25
)

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
	c.OrgAnalytics.Children = func(child int) int { return analyticsChildren * max(child, 1) }
	c.Query.Nodes = func(child int, ids []int) int { return len(ids) * max(child, 1) }
}

// limits refuses operations whose selections nest deeper than maxDepth
// (gqlgen has a complexity limit but no depth limit), that ask a field
// for first/last outside 0..MaxPage, or that use @defer. It checks once
// per operation, when the operation is validated, rather than around
// every field it resolves.
type limits struct{ maxDepth int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limits{}

func (limits) ExtensionName() string                   { return "Limits" }
func (limits) Validate(graphql.ExecutableSchema) error { return nil }
func (l limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := walk{vars: oc.Variables, seen: map[string]bool{}}
	n := w.depth(oc.Operation.SelectionSet)
	if w.err != nil {
		return badInput(w.err.Error())
	}
	if n > l.maxDepth {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("the operation nests %d levels deep; at most %d are allowed", n, l.maxDepth),
			Extensions: map[string]any{"code": string(errs.TooComplex)},
		}
	}
	return nil
}

func badInput(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(errs.BadUserInput)}}
}

// walk measures an operation's depth and checks its page arguments.
type walk struct {
	vars map[string]any
	// seen stops fragment cycles (which validation also rejects).
	seen map[string]bool
	err  error
}

func (w *walk) depth(set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		var n int
		switch s := sel.(type) {
		case *ast.Field:
			w.checkPage(s)
			n = 1 + w.depth(s.SelectionSet)
		case *ast.InlineFragment:
			w.checkDefer(s.Directives)
			n = w.depth(s.SelectionSet)
		case *ast.FragmentSpread:
			w.checkDefer(s.Directives)
			if w.seen[s.Name] || s.Definition == nil {
				continue
			}
			w.seen[s.Name] = true
			n = w.depth(s.Definition.SelectionSet)
			delete(w.seen, s.Name)
		}
		deepest = max(deepest, n)
	}
	return deepest
}

// checkDefer refuses @defer: partyorg answers an operation in one
// response over POST, and the generated code builds no @defer groups
// (nodefer.go).
func (w *walk) checkDefer(d ast.DirectiveList) {
	if w.err == nil && d.ForName("defer") != nil {
		w.err = errors.New("@defer is not supported: every operation is answered in one response")
	}
}

// checkPage records the first first/last outside 0..MaxPage.
func (w *walk) checkPage(f *ast.Field) {
	for _, name := range []string{"first", "last"} {
		a := f.Arguments.ForName(name)
		if a == nil || w.err != nil || f.Definition == nil {
			continue
		}
		if d := f.Definition.Arguments.ForName(name); d == nil || d.Type.Name() != "Int" {
			continue
		}
		v, err := a.Value.Value(w.vars)
		if err != nil || v == nil {
			continue
		}
		if n, ok := toInt(v); !ok || n < 0 || n > MaxPage {
			w.err = fmt.Errorf("%s must be between 0 and %d", name, MaxPage)
		}
	}
}

// toInt reads an Int argument, literal (int64) or from variables.
func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), n == float64(int64(n))
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// complexityOptions make scalars count nothing: the limit counts nodes.
var complexityOptions = []complexity.Option{complexity.WithFixedScalarValue(0)}

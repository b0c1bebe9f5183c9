// Package analytics answers an org's dashboard (分析): the figures of its
// subtree for a year, broken down by its direct children, as
// `analytics(orgID, year)` serves them (CONTRACT.md "Analysis for
// dashboards").
//
// Each figure family is one GROUP BY statement over the subtree, in the
// caller's scope: the rows are joined to the org they belong to and
// grouped by the child whose path is a prefix of that org's path, so the
// statement answers the parent and all its children at once, and nothing
// loops over members in Go. A family is computed the first time a field of
// it is asked for, once per request, and shared by the parent and its
// children; a child's own children are a new board rooted at the child.
package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Type is the policy object of the dashboards: reading them is "read"
// on Analytics at the org (policies/).
const Type = "Analytics"

// Report is the dashboard of one org: the root of a request or one of
// its children.
type Report struct {
	Org  *ent.Org
	Year int
	b    *board

	own      sync.Once
	ownBoard *board
	ownErr   error
}

// board computes the figure families of a root org and its direct
// children.
type board struct {
	c        *ent.Client
	root     *ent.Org
	year     int
	asOf     time.Time
	children []*ent.Org

	people   family[people]
	points   family[PointStats]
	pledges  family[PledgeStats]
	fund     family[classification.CareFund]
	pairings family[PairingStats]
	leaders  family[LeaderStats]
	monthly  family[months]
}

// New is the dashboard of the org for year. An org outside the caller's
// scope is NOT_FOUND; a caller who may not read dashboards there is
// FORBIDDEN.
func New(ctx context.Context, c *ent.Client, orgID, year int) (*Report, error) {
	if year < 2000 || year > 2100 {
		return nil, errs.New(errs.BadUserInput, "year must be a year such as 2026")
	}
	if err := authz.Require(ctx, c, orgID, Type, "read"); err != nil {
		return nil, err
	}
	o, err := c.Org.Get(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return newBoard(ctx, c, o, year)
}

func newBoard(ctx context.Context, c *ent.Client, root *ent.Org, year int) (*Report, error) {
	children, err := c.Org.Query().Where(org.ParentID(root.ID)).Order(org.ByName(), org.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	b := &board{c: c, root: root, year: year, asOf: AsOf(year, day.Today()), children: children}
	return &Report{Org: root, Year: year, b: b}, nil
}

// AsOf is the day the "current" figures of a year are taken on (contacts
// within 30 days, visits this month, ages): today in the current year,
// the year's last day for a past year, and its first day for a future
// one.
func AsOf(year int, today time.Time) time.Time {
	switch {
	case year < today.Year():
		return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	case year > today.Year():
		return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return today
}

// Children are the reports of the org's direct children in the caller's
// scope, by name. The root's children share its figures; a child's
// children are computed when asked for.
func (r *Report) Children(ctx context.Context) ([]*Report, error) {
	b := r.b
	if r.Org.ID != b.root.ID {
		// A child's own board, built once for its children and its
		// ranking alike.
		r.own.Do(func() {
			var nb *Report
			if nb, r.ownErr = newBoard(ctx, b.c, r.Org, r.Year); nb != nil {
				r.ownBoard = nb.b
			}
		})
		if r.ownErr != nil {
			return nil, r.ownErr
		}
		b = r.ownBoard
	}
	out := make([]*Report, len(b.children))
	for i, ch := range b.children {
		out[i] = &Report{Org: ch, Year: r.Year, b: b}
	}
	return out, nil
}

// family is one figure family of a board, computed once: per child path,
// and for the root under the root's path.
type family[T any] struct {
	once sync.Once
	by   map[string]*T
	err  error
}

// of returns r's figures of the family f, computing the family for the
// whole board the first time.
func of[T any](ctx context.Context, r *Report, f func(*board) *family[T], compute func(*board, context.Context, *folder[T]) error) (*T, error) {
	b := r.b
	fam := f(b)
	fam.once.Do(func() {
		fo := &folder[T]{by: map[string]*T{b.root.Path: new(T)}, root: b.root.Path}
		for _, ch := range b.children {
			fo.by[ch.Path] = new(T)
		}
		fam.err = compute(b, ctx, fo)
		fam.by = fo.by
	})
	if fam.err != nil {
		return nil, fam.err
	}
	return fam.by[r.Org.Path], nil
}

// folder adds each result row to the root's figures and to those of the
// child the row lies under.
type folder[T any] struct {
	by   map[string]*T
	root string
}

// add applies fn to the root's figures and, unless the row belongs to
// the root itself, to its child's.
func (f *folder[T]) add(child string, fn func(*T)) {
	fn(f.by[f.root])
	if t, ok := f.by[child]; ok && child != f.root {
		fn(t)
	}
}

// table is a scoped table as the families read it: its name, its type
// and scope (for scope.Filter), and the column of the org each row is
// counted for.
type table struct {
	name, typ string
	ann       scope.Annotation
	org       string
}

// selectFrom starts a statement over t's rows in the root's subtree and
// the caller's scope, joined to their org. It returns the selector and
// the expression of the child path the row lies under (the root's own
// path for rows of the root itself).
func (b *board) selectFrom(ctx context.Context, t table) (*entsql.Selector, string) {
	tt := entsql.Table(t.name)
	s := b.rowsOf(ctx, t, entsql.Dialect(b.c.Dialect()).Select().From(tt))
	return s, b.byChild(s, tt.C(t.org))
}

// rowsOf keeps s, a statement over t's rows, to the root's subtree and
// the caller's scope. The subtree is the one the scope writes: on
// PostgreSQL a subtree below the county becomes an array of org IDs that
// the row table's index serves, where a join to the orgs alone scans
// every county's rows for a caller whose scope is everything (ADMIN).
func (b *board) rowsOf(ctx context.Context, t table, s *entsql.Selector) *entsql.Selector {
	scope.RowsUnder(t.org, b.root.Path)(s)
	if vw := viewer.FromContext(ctx); !b.withinScope(vw, t.typ) {
		scope.Filter(vw, t.typ, t.ann)(s)
	}
	return s
}

// withinScope reports whether the root's whole subtree is in the
// viewer's scope for typ: the scope filter would then keep every row that
// the subtree keeps, and costs a second pass over the orgs per row table.
func (b *board) withinScope(vw *viewer.Viewer, typ string) bool {
	if vw == nil || vw.Decider == nil {
		return false
	}
	sc := vw.Scope(typ)
	return sc.All || slices.ContainsFunc(sc.Prefixes, func(p string) bool { return strings.HasPrefix(b.root.Path, p) })
}

// byChild joins s's org column to the orgs of the root's subtree and
// returns the column of the child path each row lies under: the root's
// path and the next segment of the org's path, everything up to the
// first "/" after the root's path. The subtree is the scope's form of it
// (scope.RowsUnder) rather than the path range: PostgreSQL estimates a
// township's path range at one org, and would then run a grouped
// subquery (monthly) once per org (measured with ten counties: 57–82 ms
// against 8.6–10.4 ms in EXPLAIN ANALYZE).
func (b *board) byChild(s *entsql.Selector, orgColumn string) string {
	t := entsql.Dialect(b.c.Dialect()).Table(org.Table)
	n := len(b.root.Path)
	find := "instr"
	if b.c.Dialect() == dialect.Postgres {
		find = "strpos"
	}
	p := t.C(org.FieldPath)
	child := fmt.Sprintf("substr(%s, 1, %d + %s(substr(%s, %d), '/'))", p, n, find, p, n+1)
	o := b.sel(t.C(org.FieldID)).AppendSelectExprAs(entsql.Expr(child), "child").From(t)
	scope.RowsUnder(org.FieldID, b.root.Path)(o)
	o = o.As("o")
	s.Join(o).On(orgColumn, o.C(org.FieldID))
	return o.C("child")
}

// sel starts a subquery in the database's dialect.
func (b *board) sel(columns ...string) *entsql.Selector {
	return entsql.Dialect(b.c.Dialect()).Select(columns...)
}

// run sends the statement and calls scan for each row.
func (b *board) run(ctx context.Context, s *entsql.Selector, scan func(*sql.Rows) error) error {
	query, args := s.Query()
	rows, err := b.c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// countWhen is "SUM(CASE WHEN p THEN 1 ELSE 0 END)": how many rows of a
// group match p.
func countWhen(p *entsql.Predicate) entsql.Querier {
	return entsql.ExprFunc(func(b *entsql.Builder) {
		b.WriteString("SUM(CASE WHEN ").Join(p).WriteString(" THEN 1 ELSE 0 END)")
	})
}

// monthOf is the "YYYY-MM" of a date column.
func (b *board) monthOf(col string) string {
	if b.c.Dialect() == dialect.Postgres {
		return "to_char(" + col + ", 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

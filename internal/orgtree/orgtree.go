// Package orgtree keeps the organization tree consistent: which kind of
// org may sit under which, the materialized path of every org, moving a
// subtree, and refusing to delete an org that still has anything in it.
// Its hooks run below the API, so they hold whatever the client sends.
package orgtree

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	entgo "entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// parents lists, for each kind, the kinds its parent may have (DESIGN.md §1).
var parents = map[org.Kind][]org.Kind{
	org.KindCounty:    nil,
	org.KindTownship:  {org.KindCounty},
	org.KindVillage:   {org.KindTownship},
	org.KindCommunity: {org.KindTownship},
	org.KindUnit:      {org.KindCounty, org.KindTownship},
	org.KindBranch:    {org.KindTownship, org.KindVillage, org.KindCommunity, org.KindUnit},
}

// kinds in the order of the tree, top down.
var kinds = []org.Kind{org.KindCounty, org.KindTownship, org.KindVillage, org.KindCommunity, org.KindUnit, org.KindBranch}

// AllowedParent reports whether an org of kind child may sit under an org
// of kind parent.
func AllowedParent(child, parent org.Kind) bool {
	return slices.Contains(parents[child], parent)
}

// ChildKinds returns the kinds that may sit under an org of kind k.
func ChildKinds(k org.Kind) []org.Kind {
	var out []org.Kind
	for _, c := range kinds {
		if AllowedParent(c, k) {
			out = append(out, c)
		}
	}
	return out
}

// Segment is an org's segment of the materialized path: its ID within the
// orgs table (global IDs put each type in its own 2^32 range), so paths
// read /1/7/42/.
func Segment(id int) string {
	return strconv.Itoa(id & (1<<32 - 1))
}

// Hooks returns the org tree's hooks, in the order ent runs them.
func Hooks() []entgo.Hook {
	return []entgo.Hook{
		hook.On(create, ent.OpCreate),
		hook.On(move, ent.OpUpdateOne),
		hook.On(remove, ent.OpDeleteOne),
		// Bulk writes would bypass path maintenance.
		hook.Reject(ent.OpUpdate | ent.OpDelete),
	}
}

func create(next ent.Mutator) ent.Mutator {
	return hook.OrgFunc(func(ctx context.Context, m *ent.OrgMutation) (ent.Value, error) {
		kind, _ := m.Kind()
		parentPath := "/"
		if pid, ok := m.ParentID(); ok {
			p, err := parentOf(ctx, m.Client(), kind, pid)
			if err != nil {
				return nil, err
			}
			parentPath = p.Path
		} else if kind != org.KindCounty {
			return nil, errs.New(errs.BadUserInput, "an org of kind %s needs a parent of kind %s", kind, kindList(parents[kind]))
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		o := v.(*ent.Org)
		o.Path = parentPath + Segment(o.ID) + "/"
		if err := setPath(ctx, m.Client(), o.ID, o.Path); err != nil {
			return nil, err
		}
		return o, nil
	})
}

// move re-parents an org: its path and every descendant's path follow in
// one statement. Scoped rows keep their org IDs, so nothing else changes.
func move(next ent.Mutator) ent.Mutator {
	return hook.OrgFunc(func(ctx context.Context, m *ent.OrgMutation) (ent.Value, error) {
		pid, set := m.ParentID()
		if !set && !m.ParentCleared() {
			return next.Mutate(ctx, m)
		}
		id, _ := m.ID()
		c := m.Client()
		cur, err := c.Org.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if !set {
			if cur.Kind == org.KindCounty {
				return next.Mutate(ctx, m)
			}
			return nil, errs.New(errs.BadUserInput, "an org of kind %s needs a parent", cur.Kind)
		}
		p, err := parentOf(ctx, c, cur.Kind, pid)
		if err != nil {
			return nil, err
		}
		// Today's kind rules already refuse every such move (kinds only go
		// down the tree); this keeps the tree acyclic if they ever change.
		if strings.HasPrefix(p.Path, cur.Path) {
			return nil, errs.New(errs.BadUserInput, "cannot move an org under itself or one of its descendants")
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		o := v.(*ent.Org)
		o.Path = p.Path + Segment(id) + "/"
		if err := movePaths(ctx, c, cur.Path, o.Path); err != nil {
			return nil, err
		}
		return o, nil
	})
}

// remove refuses to delete an org that still has children, members,
// accounts or role bindings. The checks see past the caller's scope: an
// org is not empty just because the caller cannot see what is in it.
func remove(next ent.Mutator) ent.Mutator {
	return hook.OrgFunc(func(ctx context.Context, m *ent.OrgMutation) (ent.Value, error) {
		id, _ := m.ID()
		c := m.Client()
		sys := viewer.NewSystemContext(ctx)
		checks := []struct {
			what  string
			exist func() (bool, error)
		}{
			{"child orgs", func() (bool, error) { return c.Org.Query().Where(org.ParentID(id)).Exist(sys) }},
			{"members", func() (bool, error) { return c.Member.Query().Where(member.BranchID(id)).Exist(sys) }},
			{"accounts", func() (bool, error) { return c.User.Query().Where(user.OrgID(id)).Exist(sys) }},
			{"role bindings", func() (bool, error) { return c.RoleBinding.Query().Where(rolebinding.OrgID(id)).Exist(sys) }},
		}
		for _, ch := range checks {
			found, err := ch.exist()
			if err != nil {
				return nil, err
			}
			if found {
				return nil, errs.New(errs.Conflict, "the org still has %s", ch.what)
			}
		}
		return next.Mutate(ctx, m)
	})
}

// InKind refuses to attach a row to an org of any kind but those given:
// col holds the org's ID (a member's branch_id must name a BRANCH).
func InKind(col string, kinds ...org.Kind) entgo.Hook {
	return hook.If(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, _ := m.Field(col)
			id, _ := v.(int)
			c := m.(interface{ Client() *ent.Client }).Client()
			o, err := c.Org.Get(ctx, id)
			if ent.IsNotFound(err) {
				return nil, errs.New(errs.NotFound, "org not found")
			}
			if err != nil {
				return nil, err
			}
			if !slices.Contains(kinds, o.Kind) {
				return nil, errs.New(errs.BadUserInput, "a %s belongs to an org of kind %s, not %s", m.Type(), kindList(kinds), o.Kind)
			}
			return next.Mutate(ctx, m)
		})
	}, hook.And(hook.HasFields(col), hook.HasOp(ent.OpCreate|ent.OpUpdateOne)))
}

// Within returns the predicate that keeps the rows in the subtree of the
// org id (itself included): orgs by path when col is scope.PathColumn,
// other rows by the org their col names. An org outside the caller's
// scope matches nothing, exactly like one that does not exist.
func Within(ctx context.Context, c *ent.Client, id int, col string) (func(*sql.Selector), error) {
	path, err := c.Org.Query().Where(org.ID(id)).Select(org.FieldPath).String(ctx)
	if ent.IsNotFound(err) {
		return func(s *sql.Selector) { s.Where(sql.False()) }, nil
	}
	if err != nil {
		return nil, err
	}
	return scope.RowsUnder(col, path), nil
}

// parentOf loads the would-be parent of an org of kind child, in the
// caller's scope, and checks the kinds fit.
func parentOf(ctx context.Context, c *ent.Client, child org.Kind, id int) (*ent.Org, error) {
	p, err := c.Org.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "parent org not found")
	}
	if err != nil {
		return nil, err
	}
	if !AllowedParent(child, p.Kind) {
		return nil, errs.New(errs.BadUserInput, "an org of kind %s cannot sit under one of kind %s (allowed: %s)", child, p.Kind, kindList(parents[child]))
	}
	return p, nil
}

func setPath(ctx context.Context, c *ent.Client, id int, path string) error {
	q, args := sql.Dialect(c.Dialect()).Update(org.Table).
		Set(org.FieldPath, path).
		Where(sql.EQ(org.FieldID, id)).
		Query()
	_, err := c.ExecContext(ctx, q, args...)
	return err
}

// movePaths rewrites the prefix from of every path in that subtree to to.
func movePaths(ctx context.Context, c *ent.Client, from, to string) error {
	q, args := sql.Dialect(c.Dialect()).Update(org.Table).
		Set(org.FieldPath, sql.ExprFunc(func(b *sql.Builder) {
			b.Arg(to).WriteString(" || substr(").Ident(org.FieldPath).WriteString(", ").Arg(len(from) + 1).WriteString(")")
		})).
		Where(scope.Under(org.FieldPath, []string{from})).
		Query()
	if _, err := c.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("orgtree: moving subtree: %w", err)
	}
	return nil
}

func kindList(ks []org.Kind) string {
	if len(ks) == 0 {
		return "none"
	}
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

package graph

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
)

// Nullable edges (an object whose far side may lie outside the caller's
// scope) are resolved by hand, so entgql's field collection does not load
// them; these per-request loaders do, one query per type for all the rows
// of a response rather than one per row (gqlgen's dataloader pattern).
// They read in the caller's scope: what it cannot see is null.
type loaders struct {
	members *dataloadgen.Loader[int, *ent.Member]
	orgs    *dataloadgen.Loader[int, *ent.Org]
}

type loadersKey struct{}

// withLoaders gives an operation its loaders.
func withLoaders(ctx context.Context, c *ent.Client) context.Context {
	return context.WithValue(ctx, loadersKey{}, &loaders{
		members: loader(c, func(ctx context.Context, c *ent.Client, ids []int) ([]*ent.Member, error) {
			return c.Member.Query().Where(member.IDIn(ids...)).All(ctx)
		}, func(m *ent.Member) int { return m.ID }),
		orgs: loader(c, func(ctx context.Context, c *ent.Client, ids []int) ([]*ent.Org, error) {
			return c.Org.Query().Where(org.IDIn(ids...)).All(ctx)
		}, func(o *ent.Org) int { return o.ID }),
	})
}

func loader[T any](c *ent.Client, query func(context.Context, *ent.Client, []int) ([]T, error), id func(T) int) *dataloadgen.Loader[int, T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]T, error) {
		client := c
		if tx := ent.FromContext(ctx); tx != nil {
			client = tx
		}
		rows, err := query(ctx, client, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[int]T, len(rows))
		for _, r := range rows {
			out[id(r)] = r
		}
		return out, nil
	}, dataloadgen.WithWait(time.Millisecond))
}

// nullable loads the row id of a per-request loader; a row the caller
// cannot see is null.
func nullable[T any](ctx context.Context, pick func(*loaders) *dataloadgen.Loader[int, *T], id int) (*T, error) {
	l, ok := ctx.Value(loadersKey{}).(*loaders)
	if !ok {
		return nil, errors.New("graph: no loaders in the operation's context")
	}
	v, err := pick(l).Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// memberOf and orgOf resolve nullable edges to a member and to an org.
func memberOf(ctx context.Context, id int) (*ent.Member, error) {
	return nullable(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.Member] { return l.members }, id)
}

func orgOf(ctx context.Context, id int) (*ent.Org, error) {
	return nullable(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.Org] { return l.orgs }, id)
}

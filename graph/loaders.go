package graph

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/points"
)

// Nullable edges (an object whose far side may lie outside the caller's
// scope) are resolved by hand, so entgql's field collection does not load
// them; these per-request loaders do, one query per type for all the rows
// of a response rather than one per row (gqlgen's dataloader pattern).
// They read in the caller's scope: what it cannot see is null.
//
// The points fields of a page batch the same way: each entry's catalogue
// item, and each member's score (one batch per year and half asked).
type loaders struct {
	members    *dataloadgen.Loader[int, *ent.Member]
	orgs       *dataloadgen.Loader[int, *ent.Org]
	pointItems *dataloadgen.Loader[int, *ent.PointItem]
	scores     *dataloadgen.Loader[points.ScoreKey, points.MemberScore]
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
		pointItems: loader(c, points.ItemsByID, func(it *ent.PointItem) int { return it.ID }),
		scores: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []points.ScoreKey) (map[points.ScoreKey]points.MemberScore, error) {
			return points.Scores(ctx, clientIn(ctx, c), keys)
		}, dataloadgen.WithWait(time.Millisecond)),
	})
}

// clientIn is the client of the operation's transaction, if any, else c.
func clientIn(ctx context.Context, c *ent.Client) *ent.Client {
	if tx := ent.FromContext(ctx); tx != nil {
		return tx
	}
	return c
}

func loader[T any](c *ent.Client, query func(context.Context, *ent.Client, []int) ([]T, error), id func(T) int) *dataloadgen.Loader[int, T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int) (map[int]T, error) {
		rows, err := query(ctx, clientIn(ctx, c), ids)
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

// load loads key through a per-request loader.
func load[K comparable, V any](ctx context.Context, pick func(*loaders) *dataloadgen.Loader[K, V], key K) (V, error) {
	l, ok := ctx.Value(loadersKey{}).(*loaders)
	if !ok {
		var none V
		return none, errors.New("graph: no loaders in the operation's context")
	}
	return pick(l).Load(ctx, key)
}

// nullable loads the row id of a per-request loader; a row the caller
// cannot see is null.
func nullable[T any](ctx context.Context, pick func(*loaders) *dataloadgen.Loader[int, *T], id int) (*T, error) {
	v, err := load(ctx, pick, id)
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

// pointItemOf resolves PointEntry.item, which every entry has.
func pointItemOf(ctx context.Context, id int) (*ent.PointItem, error) {
	it, err := load(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.PointItem] { return l.pointItems }, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, errs.New(errs.NotFound, "PointItem not found")
	}
	return it, err
}

// memberScore resolves Member.score; a bad half is refused before it
// joins a batch, where it would fail the other keys too.
func memberScore(ctx context.Context, k points.ScoreKey) (points.MemberScore, error) {
	if err := points.CheckHalf(k.Half); err != nil {
		return points.MemberScore{}, err
	}
	return load(ctx, func(l *loaders) *dataloadgen.Loader[points.ScoreKey, points.MemberScore] { return l.scores }, k)
}

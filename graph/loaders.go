package graph

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/points"
)

// Nullable edges (an object whose far side may lie outside the caller's
// scope) and fields computed per row (a member's latest mobile record, an
// org's care fund, an entry's catalogue item, a member's score) are
// resolved by hand, so entgql's field collection does not load them;
// these per-request loaders do, one query per type for all the rows of a
// response rather than one per row (gqlgen's dataloader pattern). They
// read in the caller's scope: what it cannot see is null.
type loaders struct {
	members *dataloadgen.Loader[int, *ent.Member]
	orgs    *dataloadgen.Loader[int, *ent.Org]
	// mobile holds each member's latest mobile record, by member ID.
	mobile *dataloadgen.Loader[int, *ent.MobileRecord]
	// careFunds holds each org's care fund, by org ID.
	careFunds  *dataloadgen.Loader[int, classification.CareFund]
	pointItems *dataloadgen.Loader[int, *ent.PointItem]
	// scores batch per year and half asked.
	scores *dataloadgen.Loader[points.ScoreKey, points.MemberScore]
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
		mobile:     mapped(c, classification.LatestMobile),
		careFunds:  mapped(c, classification.Balances),
		pointItems: loader(c, points.ItemsByID, func(it *ent.PointItem) int { return it.ID }),
		scores:     mapped(c, points.Scores),
	})
}

// loader batches a query of rows by ID.
func loader[T any](c *ent.Client, query func(context.Context, *ent.Client, []int) ([]T, error), id func(T) int) *dataloadgen.Loader[int, T] {
	return mapped(c, func(ctx context.Context, c *ent.Client, ids []int) (map[int]T, error) {
		rows, err := query(ctx, c, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[int]T, len(rows))
		for _, r := range rows {
			out[id(r)] = r
		}
		return out, nil
	})
}

// mapped batches a query that answers by key; a key it leaves out is
// dataloadgen.ErrNotFound. It reads in the operation's transaction, if any.
func mapped[K comparable, T any](c *ent.Client, query func(context.Context, *ent.Client, []K) (map[K]T, error)) *dataloadgen.Loader[K, T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, keys []K) (map[K]T, error) {
		client := c
		if tx := ent.FromContext(ctx); tx != nil {
			client = tx
		}
		return query(ctx, client, keys)
	}, dataloadgen.WithWait(time.Millisecond))
}

// fetch loads key through a per-request loader.
func fetch[K comparable, V any](ctx context.Context, pick func(*loaders) *dataloadgen.Loader[K, V], key K) (V, error) {
	l, ok := ctx.Value(loadersKey{}).(*loaders)
	if !ok {
		var none V
		return none, errors.New("graph: no loaders in the operation's context")
	}
	return pick(l).Load(ctx, key)
}

// load loads id through a per-request loader; an id the loader has no
// value for (a row the caller cannot see) is the zero value.
func load[T any](ctx context.Context, pick func(*loaders) *dataloadgen.Loader[int, T], id int) (T, error) {
	v, err := fetch(ctx, pick, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		var zero T
		return zero, nil
	}
	return v, err
}

// memberOf and orgOf resolve nullable edges to a member and to an org.
func memberOf(ctx context.Context, id int) (*ent.Member, error) {
	return load(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.Member] { return l.members }, id)
}

func orgOf(ctx context.Context, id int) (*ent.Org, error) {
	return load(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.Org] { return l.orgs }, id)
}

// mobileOf is a member's latest mobile record (null if never away).
func mobileOf(ctx context.Context, memberID int) (*ent.MobileRecord, error) {
	return load(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.MobileRecord] { return l.mobile }, memberID)
}

// careFundOf is an org's care fund.
func careFundOf(ctx context.Context, orgID int) (classification.CareFund, error) {
	return load(ctx, func(l *loaders) *dataloadgen.Loader[int, classification.CareFund] { return l.careFunds }, orgID)
}

// pointItemOf resolves PointEntry.item, which every entry has.
func pointItemOf(ctx context.Context, id int) (*ent.PointItem, error) {
	it, err := fetch(ctx, func(l *loaders) *dataloadgen.Loader[int, *ent.PointItem] { return l.pointItems }, id)
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
	return fetch(ctx, func(l *loaders) *dataloadgen.Loader[points.ScoreKey, points.MemberScore] { return l.scores }, k)
}

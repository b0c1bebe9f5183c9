package pledge

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/pledgeprogress"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
)

// Overdue matches the PUBLISHED pledges that are overdue on day d: a
// quarter of their year ended before d without its report, counting the
// quarters from the one the pledge was published in. The quarters are
// constants of d, so it is one SQL predicate whatever the pledges' years.
func Overdue(d time.Time) predicate.Pledge {
	ended := quarterOf(d) - 1 // quarters of d's year that ended before d
	ors := make([]predicate.Pledge, 0, 4)
	for q := 1; q <= 4; q++ {
		lastYear := d.Year() - 1 // the latest year whose quarter q has ended
		if q <= ended {
			lastYear = d.Year()
		}
		ors = append(ors, pledge.And(
			pledge.ReportFromLTE(q),
			pledge.YearLTE(lastYear),
			pledge.Not(pledge.HasProgressWith(pledgeprogress.Quarter(q))),
		))
	}
	return pledge.And(pledge.StateEQ(pledge.StatePublished), pledge.Or(ors...))
}

// BranchColumn holds the branch a pledge belongs to (its scope).
const BranchColumn = pledge.FieldBranchID

// IsOverdue reports whether the pledge id is overdue on the day on
// (default today).
func IsOverdue(ctx context.Context, c *ent.Client, id int, on *time.Time) (bool, error) {
	d, err := day.On(on)
	if err != nil {
		return false, err
	}
	return c.Pledge.Query().Where(pledge.ID(id), Overdue(d)).Exist(ctx)
}

// Tally counts the evaluated items of the pledges of one org's subtree
// for a year.
type Tally struct {
	Org                                    *ent.Org
	Items, Fulfilled, Partly, NotFulfilled int
}

// Rate is the fulfilment rate (兑现率): the share of evaluated items
// fulfilled, 0 without items.
func (t *Tally) Rate() float64 {
	if t.Items == 0 {
		return 0
	}
	return float64(t.Fulfilled) / float64(t.Items)
}

func (t *Tally) add(r pledgeitem.Result, n int) {
	t.Items += n
	switch r {
	case pledgeitem.ResultFulfilled:
		t.Fulfilled += n
	case pledgeitem.ResultPartly:
		t.Partly += n
	case pledgeitem.ResultNotFulfilled:
		t.NotFulfilled += n
	}
}

// Fulfilment tallies the evaluated pledges of year for each org of kind
// level in the subtree of the org orgID (itself included), in the
// caller's scope: the items are counted per branch and result in SQL
// (GROUP BY over the scoped items) and summed up the tree by path. An org
// outside the scope is NOT_FOUND.
func Fulfilment(ctx context.Context, c *ent.Client, orgID, year int, level org.Kind) ([]*Tally, error) {
	root, err := c.Org.Get(ctx, orgID)
	if err != nil {
		if ent.IsNotFound(err) {
			return nil, errs.New(errs.NotFound, "org not found")
		}
		return nil, err
	}
	if err := org.KindValidator(level); err != nil {
		return nil, errs.New(errs.BadUserInput, "unknown org kind %q", level)
	}
	groups, err := c.Org.Query().
		Where(org.KindEQ(level), scope.RowsUnder(scope.PathColumn, root.Path)).
		Order(org.ByPath()).
		All(ctx)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	var counts []struct {
		BranchID int               `json:"branch_id"`
		Result   pledgeitem.Result `json:"result"`
		Count    int               `json:"count"`
	}
	err = c.PledgeItem.Query().
		Where(
			scope.RowsUnder(pledgeitem.FieldBranchID, root.Path),
			pledgeitem.ResultNotNil(),
			pledgeitem.HasPledgeWith(pledge.Year(year), pledge.StateEQ(pledge.StateEvaluated)),
		).
		GroupBy(pledgeitem.FieldBranchID, pledgeitem.FieldResult).
		Aggregate(ent.Count()).
		Scan(ctx, &counts)
	if err != nil {
		return nil, err
	}
	tallies := make([]*Tally, len(groups))
	byPath := make(map[string]*Tally, len(groups))
	for i, g := range groups {
		tallies[i] = &Tally{Org: g}
		byPath[g.Path] = tallies[i]
	}
	ids := make([]int, 0, len(counts))
	for _, r := range counts {
		ids = append(ids, r.BranchID)
	}
	branches, err := c.Org.Query().Where(org.IDIn(ids...)).Select(org.FieldID, org.FieldPath).All(ctx)
	if err != nil {
		return nil, err
	}
	paths := make(map[int]string, len(branches))
	for _, b := range branches {
		paths[b.ID] = b.Path
	}
	for _, r := range counts {
		// Each ancestor's path is a prefix of the branch's that ends in "/".
		p := paths[r.BranchID]
		for i := range len(p) {
			if p[i] != '/' {
				continue
			}
			if t := byPath[p[:i+1]]; t != nil {
				t.add(r.Result, r.Count)
			}
		}
	}
	return tallies, nil
}

// Outcome is the evaluated pledge of a member for a year, for the points
// practice (an item of a points catalogue can name it as its source).
type Outcome struct {
	PledgeID                               int
	Kind                                   pledge.Kind
	Items, Fulfilled, Partly, NotFulfilled int
}

// AllFulfilled reports whether every item of the pledge was fulfilled.
func (o Outcome) AllFulfilled() bool { return o.Items > 0 && o.Fulfilled == o.Items }

// Outcomes returns the member's EVALUATED pledges of year (annual and
// term), as far as the caller in ctx may read them.
func Outcomes(ctx context.Context, c *ent.Client, memberID, year int) ([]Outcome, error) {
	ps, err := c.Pledge.Query().
		Where(pledge.MemberID(memberID), pledge.Year(year), pledge.StateEQ(pledge.StateEvaluated)).
		WithItems().
		Order(pledge.ByKind()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Outcome, len(ps))
	for i, p := range ps {
		t := Tally{}
		for _, it := range p.Edges.Items {
			if it.Result != nil {
				t.add(*it.Result, 1)
			}
		}
		out[i] = Outcome{PledgeID: p.ID, Kind: p.Kind, Items: t.Items, Fulfilled: t.Fulfilled, Partly: t.Partly, NotFulfilled: t.NotFulfilled}
	}
	return out, nil
}

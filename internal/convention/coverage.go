package convention

import (
	"context"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/demopost"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/plaque"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/ent/recitation"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
)

// Coverage is how far the conventions reach in an org's subtree in one
// quarter (践行党员公约): counted over what the caller may read.
type Coverage struct {
	Org           *ent.Org
	Year, Quarter int
	// Branches in the subtree, and those that recited in the quarter.
	Branches, BranchesRecited int
	// Plaques hanging on the quarter's last day.
	DeskPlates, HouseholdPlaques int
	// Demonstration posts and responsibility zones (as they stand now).
	DemonstrationPosts, ResponsibilityZones int
}

// CoverageOf measures the subtree of the org orgID in a quarter (1–4).
func CoverageOf(ctx context.Context, c *ent.Client, orgID, year, quarter int) (*Coverage, error) {
	if quarter < 1 || quarter > 4 {
		return nil, errs.New(errs.BadUserInput, "quarter %d: want 1 to 4", quarter)
	}
	o, err := c.Org.Get(ctx, orgID)
	if ent.IsNotFound(err) {
		return nil, errs.New(errs.NotFound, "org not found")
	}
	if err != nil {
		return nil, err
	}
	return measure(ctx, c, o, year, quarter)
}

// Children measures each direct child of cov's org that the caller sees,
// for the same quarter.
func Children(ctx context.Context, c *ent.Client, cov *Coverage) ([]*Coverage, error) {
	kids, err := cov.Org.QueryChildren().Order(ent.Asc(org.FieldName)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Coverage, len(kids))
	for i, k := range kids {
		if out[i], err = measure(ctx, c, k, cov.Year, cov.Quarter); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func measure(ctx context.Context, c *ent.Client, o *ent.Org, year, quarter int) (*Coverage, error) {
	start := time.Date(year, time.Month(3*quarter-2), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 3, 0)
	cov := &Coverage{Org: o, Year: year, Quarter: quarter}
	var err error
	cov.Branches, err = c.Org.Query().
		Where(org.KindEQ(org.KindBranch), predicate.Org(scope.RowsUnder(scope.PathColumn, o.Path))).
		Count(ctx)
	if err != nil {
		return nil, err
	}
	recited, err := c.Recitation.Query().
		Where(predicate.Recitation(scope.RowsUnder(recitation.FieldBranchID, o.Path)),
			recitation.OnGTE(start), recitation.OnLT(end)).
		Unique(true).
		Select(recitation.FieldBranchID).
		Ints(ctx)
	if err != nil {
		return nil, err
	}
	cov.BranchesRecited = len(recited)
	for kind, n := range map[plaque.Kind]*int{plaque.KindDeskPlate: &cov.DeskPlates, plaque.KindHousehold: &cov.HouseholdPlaques} {
		if *n, err = c.Plaque.Query().
			Where(predicate.Plaque(scope.RowsUnder(plaque.FieldBranchID, o.Path)),
				plaque.KindEQ(kind), plaque.SinceLT(end),
				plaque.Or(plaque.WithdrawnOnIsNil(), plaque.WithdrawnOnGTE(end))).
			Count(ctx); err != nil {
			return nil, err
		}
	}
	for kind, n := range map[demopost.Kind]*int{demopost.KindDemonstrationPost: &cov.DemonstrationPosts, demopost.KindResponsibilityZone: &cov.ResponsibilityZones} {
		if *n, err = c.DemoPost.Query().
			Where(predicate.DemoPost(scope.RowsUnder(demopost.FieldOrgID, o.Path)),
				demopost.KindEQ(kind)).
			Count(ctx); err != nil {
			return nil, err
		}
	}
	return cov, nil
}

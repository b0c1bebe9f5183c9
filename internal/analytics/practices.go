package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/branchpairing"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/helppairing"
	"github.com/partyorg/partyorg/ent/leaderassignment"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/pointtally"
	"github.com/partyorg/partyorg/ent/pointtallyband"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/pairing"
	"github.com/partyorg/partyorg/internal/points"
)

// PointStats are the year-end results of a closed points year (党员积分
// 年度结果), as closeYear tallies them per branch: the members graded,
// their average total, the grades, a histogram of totals in bands of
// points.HistogramBand, and the consequences drawn.
type PointStats struct {
	Graded  int
	sum     int
	grades  counts
	bands   counts
	effects counts
}

// Average is the members' average annual total, 0 without results.
func (p *PointStats) Average() float64 { return share(p.sum, p.Graded) }

func (p *PointStats) Grades() []Count { return p.grades.list(gradeKeys) }

// ExcellentShare is the share of graded members graded EXCELLENT.
func (p *PointStats) ExcellentShare() float64 {
	return share(p.grades[annualresult.GradeExcellent.String()], p.Graded)
}

// Histogram has a band "90-99" per band that holds a total, lowest first.
func (p *PointStats) Histogram() []Count {
	los := make([]int, 0, len(p.bands))
	for k := range p.bands {
		lo, _ := strconv.Atoi(k)
		los = append(los, lo)
	}
	slices.Sort(los)
	out := make([]Count, len(los))
	for i, lo := range los {
		out[i] = Count{fmt.Sprintf("%d-%d", lo, lo+points.HistogramBand-1), p.bands[strconv.Itoa(lo)]}
	}
	return out
}

// Consequences are how many members drew each consequence, by name, in
// the order of points.Consequence's constants.
func (p *PointStats) Consequences() []Count { return p.effects.list(keysOf(points.ConsequenceCounts)) }

var gradeKeys = keysOf(points.GradeCounts)

func keysOf(tc []points.TallyCount) []string {
	keys := make([]string, len(tc))
	for i, c := range tc {
		keys[i] = c.Key
	}
	return keys
}

// countPoints adds up the per-branch tallies closeYear writes with the
// results (1,500 rows a county year instead of 30,000 results): one
// statement for the counts, one for the histogram's bands.
func (b *board) countPoints(ctx context.Context, f *folder[PointStats]) error {
	s, child := b.selectFrom(ctx, table{pointtally.Table, ent.TypePointTally, pointtally.Scope, pointtally.FieldBranchID})
	// The members, their totals, then each grade's and each
	// consequence's count.
	tallied := slices.Concat(points.GradeCounts, points.ConsequenceCounts)
	sums := []entsql.Querier{entsql.Expr("SUM(" + s.C(pointtally.FieldMembers) + ")"), entsql.Expr("SUM(" + s.C(pointtally.FieldTotal) + ")")}
	for _, c := range tallied {
		sums = append(sums, entsql.Expr("SUM("+s.C(c.Column)+")"))
	}
	s.Where(entsql.EQ(s.C(pointtally.FieldYear), b.year)).Select(child).AppendSelectExpr(sums...).GroupBy(child)
	err := b.run(ctx, s, func(rows *sql.Rows) error {
		var path string
		n := make([]int, len(sums))
		dest := []any{&path}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		f.add(path, func(p *PointStats) {
			p.Graded += n[0]
			p.sum += n[1]
			for i, c := range tallied {
				if i < len(points.GradeCounts) {
					p.grades.add(c.Key, n[2+i])
				} else {
					p.effects.add(c.Key, n[2+i])
				}
			}
		})
		return nil
	})
	if err != nil {
		return err
	}
	s, child = b.selectFrom(ctx, table{pointtallyband.Table, ent.TypePointTallyBand, pointtallyband.Scope, pointtallyband.FieldBranchID})
	dims := []string{child, s.C(pointtallyband.FieldBand)}
	s.Where(entsql.EQ(s.C(pointtallyband.FieldYear), b.year)).Select(dims...).
		AppendSelectExpr(entsql.Expr("SUM(" + s.C(pointtallyband.FieldMembers) + ")")).GroupBy(dims...)
	return foldPairs(ctx, b, s, f, func(p *PointStats, band, n int) { p.bands.add(strconv.Itoa(band), n) })
}

// PledgeStats are the year's pledges by state and the fulfilment rate
// (承诺兑现率) of their evaluated items.
type PledgeStats struct {
	Total                int
	Evaluated, Fulfilled int
	states               counts
}

var pledgeStates = []string{pledge.StateDraft.String(), pledge.StateSubmitted.String(), pledge.StateReturned.String(),
	pledge.StateApproved.String(), pledge.StatePublished.String(), pledge.StateEvaluated.String()}

func (p *PledgeStats) ByState() []Count { return p.states.list(pledgeStates) }

// FulfilmentRate is the share of the evaluated items fulfilled, as
// pledge.Tally's rate.
func (p *PledgeStats) FulfilmentRate() float64 { return share(p.Fulfilled, p.Evaluated) }

func (b *board) countPledges(ctx context.Context, f *folder[PledgeStats]) error {
	s, child := b.selectFrom(ctx, table{pledge.Table, ent.TypePledge, pledge.Scope, pledge.FieldBranchID})
	dims := []string{child, s.C(pledge.FieldState)}
	s.Where(entsql.EQ(s.C(pledge.FieldYear), b.year)).Select(dims...).AppendSelectExpr(entsql.Expr("COUNT(*)")).GroupBy(dims...)
	err := b.run(ctx, s, func(rows *sql.Rows) error {
		var (
			path, state string
			n           int
		)
		if err := rows.Scan(&path, &state, &n); err != nil {
			return err
		}
		f.add(path, func(p *PledgeStats) { p.Total += n; p.states.add(state, n) })
		return nil
	})
	if err != nil {
		return err
	}
	// The items of the evaluated pledges, as pledge.Fulfilment counts them.
	s, child = b.selectFrom(ctx, table{pledgeitem.Table, ent.TypePledgeItem, pledgeitem.Scope, pledgeitem.FieldBranchID})
	pl := entsql.Table(pledge.Table).As("p")
	s.Join(pl).On(s.C(pledgeitem.FieldPledgeID), pl.C(pledge.FieldID)).
		Where(entsql.And(
			entsql.NotNull(s.C(pledgeitem.FieldResult)),
			entsql.EQ(pl.C(pledge.FieldYear), b.year),
			entsql.EQ(pl.C(pledge.FieldState), pledge.StateEvaluated),
		)).
		Select(child).AppendSelectExpr(entsql.Expr("COUNT(*)"),
		countWhen(entsql.EQ(s.C(pledgeitem.FieldResult), pledgeitem.ResultFulfilled))).
		GroupBy(child)
	return foldPairs(ctx, b, s, f, func(p *PledgeStats, n, m int) { p.Evaluated += n; p.Fulfilled += m })
}

// fund sums the ledgers of the care funds in the subtree (关爱基金), all
// entries to date, as classification.Balance sums one.
func (b *board) countFund(ctx context.Context, f *folder[classification.CareFund]) error {
	s, child := b.selectFrom(ctx, table{carefundentry.Table, ent.TypeCareFundEntry, carefundentry.Scope, carefundentry.FieldOrgID})
	dims := []string{child, s.C(carefundentry.FieldKind), s.C(carefundentry.FieldReversedKind)}
	s.Select(dims...).AppendSelectExpr(entsql.Expr("SUM(" + s.C(carefundentry.FieldAmountFen) + ")")).GroupBy(dims...)
	return b.run(ctx, s, func(rows *sql.Rows) error {
		var (
			path, kind string
			reversed   sql.NullString
			sum        int64
		)
		if err := rows.Scan(&path, &kind, &reversed, &sum); err != nil {
			return err
		}
		f.add(path, func(cf *classification.CareFund) {
			cf.Add(carefundentry.Kind(kind), reversed.String, sum)
		})
		return nil
	})
}

// PairingStats are the coverage of the pairings (结对): village and
// community branches with an active co-building pairing (支部结对共联建),
// and poor households not lifted out with a helping member (结对帮扶).
type PairingStats struct {
	VillageBranches, PairedBranches  int
	PoorHouseholds, HelpedHouseholds int
}

// BranchCoverage is the share of village and community branches paired.
func (p *PairingStats) BranchCoverage() float64 { return share(p.PairedBranches, p.VillageBranches) }

// HouseholdCoverage is the share of poor households with a helper.
func (p *PairingStats) HouseholdCoverage() float64 {
	return share(p.HelpedHouseholds, p.PoorHouseholds)
}

func (b *board) countPairings(ctx context.Context, f *folder[PairingStats]) error {
	s, child := b.selectFrom(ctx, table{org.Table, ent.TypeOrg, org.Scope, org.FieldID})
	parents := b.sel(org.FieldID).From(entsql.Table(org.Table)).
		Where(entsql.In(org.FieldKind, org.KindVillage, org.KindCommunity))
	bp := entsql.Table(branchpairing.Table)
	paired := entsql.Exists(b.sel(bp.C(branchpairing.FieldID)).From(bp).Where(entsql.And(
		entsql.ColumnsEQ(bp.C(branchpairing.FieldVillageBranchID), s.C(org.FieldID)),
		entsql.EQ(bp.C(branchpairing.FieldStatus), branchpairing.StatusActive),
	)))
	s.Where(entsql.And(entsql.EQ(s.C(org.FieldKind), org.KindBranch), entsql.In(s.C(org.FieldParentID), parents))).
		Select(child).AppendSelectExpr(entsql.Expr("COUNT(*)"), countWhen(paired)).GroupBy(child)
	err := foldPairs(ctx, b, s, f, func(p *PairingStats, n, m int) { p.VillageBranches += n; p.PairedBranches += m })
	if err != nil {
		return err
	}
	s, child = b.selectFrom(ctx, table{poorhousehold.Table, ent.TypePoorHousehold, poorhousehold.Scope, poorhousehold.FieldVillageID})
	hp := entsql.Table(helppairing.Table)
	helped := entsql.Exists(b.sel(hp.C(helppairing.FieldID)).From(hp).
		Where(entsql.ColumnsEQ(hp.C(helppairing.FieldHouseholdID), s.C(poorhousehold.FieldID))))
	s.Where(entsql.NEQ(s.C(poorhousehold.FieldStatus), poorhousehold.StatusLiftedOut)).
		Select(child).AppendSelectExpr(entsql.Expr("COUNT(*)"), countWhen(helped)).GroupBy(child)
	return foldPairs(ctx, b, s, f, func(p *PairingStats, n, m int) { p.PoorHouseholds += n; p.HelpedHouseholds += m })
}

// LeaderStats are the year's assignments of county leaders (党员干部做
// 表率) and how many met the monthly quotas in the report's month, by the
// rule of pairing.ShortIn. An assignment counts for its village.
type LeaderStats struct {
	Month                  string
	Assignments, Compliant int
}

// ComplianceRate is the share of the assignments that met the quotas.
func (l *LeaderStats) ComplianceRate() float64 { return share(l.Compliant, l.Assignments) }

func (b *board) countLeaders(ctx context.Context, f *folder[LeaderStats]) error {
	month := b.asOf.Format(day.MonthLayout)
	short, err := pairing.ShortIn(month)
	if err != nil {
		return err
	}
	s, child := b.selectFrom(ctx, table{leaderassignment.Table, ent.TypeLeaderAssignment, leaderassignment.Scope, leaderassignment.FieldVillageID})
	s.Where(entsql.EQ(s.C(leaderassignment.FieldYear), b.year)).
		Select(child).AppendSelectExpr(entsql.Expr("COUNT(*)"), countWhen(b.predicate(ctx, leaderassignment.Table, short))).
		GroupBy(child)
	for _, l := range f.by {
		l.Month = month
	}
	return foldPairs(ctx, b, s, f, func(l *LeaderStats, n, m int) { l.Assignments += n; l.Compliant += n - m })
}

// foldPairs runs a statement whose rows are (child path, n, m) and adds
// each row's two counts to the figures it lies under.
func foldPairs[T any](ctx context.Context, b *board, s *entsql.Selector, f *folder[T], add func(t *T, n, m int)) error {
	return b.run(ctx, s, func(rows *sql.Rows) error {
		var (
			path string
			n, m int
		)
		if err := rows.Scan(&path, &n, &m); err != nil {
			return err
		}
		f.add(path, func(t *T) { add(t, n, m) })
		return nil
	})
}

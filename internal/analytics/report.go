package analytics

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/entrytally"
	"github.com/partyorg/partyorg/ent/visit"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
)

// The families of a report, each computed for the whole board the first
// time one of its reports asks.

func (r *Report) Members(ctx context.Context) (*MemberStats, error) {
	p, err := r.people(ctx)
	if err != nil {
		return nil, err
	}
	return &p.members, nil
}

func (r *Report) Mobile(ctx context.Context) (*MobileStats, error) {
	p, err := r.people(ctx)
	if err != nil {
		return nil, err
	}
	return &p.mobile, nil
}

func (r *Report) Elderly(ctx context.Context) (*ElderlyStats, error) {
	p, err := r.people(ctx)
	if err != nil {
		return nil, err
	}
	return &p.elderly, nil
}

func (r *Report) people(ctx context.Context) (*people, error) {
	return of(ctx, r, func(b *board) *family[people] { return &b.people }, (*board).countPeople)
}

func (r *Report) Points(ctx context.Context) (*PointStats, error) {
	return of(ctx, r, func(b *board) *family[PointStats] { return &b.points }, (*board).countPoints)
}

func (r *Report) Pledges(ctx context.Context) (*PledgeStats, error) {
	return of(ctx, r, func(b *board) *family[PledgeStats] { return &b.pledges }, (*board).countPledges)
}

func (r *Report) CareFund(ctx context.Context) (*classification.CareFund, error) {
	return of(ctx, r, func(b *board) *family[classification.CareFund] { return &b.fund }, (*board).countFund)
}

func (r *Report) Pairings(ctx context.Context) (*PairingStats, error) {
	return of(ctx, r, func(b *board) *family[PairingStats] { return &b.pairings }, (*board).countPairings)
}

func (r *Report) Leaders(ctx context.Context) (*LeaderStats, error) {
	return of(ctx, r, func(b *board) *family[LeaderStats] { return &b.leaders }, (*board).countLeaders)
}

// MonthStats are one month's activity (月度): point entries approved
// (by their points period, from the rollup EntryTally), visits to elderly and infirm members,
// contacts with mobile members, and care-fund disbursements.
type MonthStats struct {
	Month                                            string
	EntriesApproved, Visits, Contacts, Disbursements int
	DisbursedFen                                     int64
}

// months is a year's twelve months, January first.
type months [12]MonthStats

// Monthly is the year's series, January to December.
func (r *Report) Monthly(ctx context.Context) ([]*MonthStats, error) {
	m, err := of(ctx, r, func(b *board) *family[months] { return &b.monthly }, (*board).countMonthly)
	if err != nil {
		return nil, err
	}
	out := make([]*MonthStats, len(m))
	for i := range m {
		out[i] = &m[i]
		out[i].Month = fmt.Sprintf("%04d-%02d", r.Year, i+1)
	}
	return out, nil
}

// source is one series of the monthly statement: its rows, the column
// whose month they count in (empty for point tallies, counted by their
// points period), which of them count, what counts (a column summed, or
// COUNT(*) when empty), and a fen column summed.
type source struct {
	t      table
	on     string
	where  func(s *entsql.Selector) *entsql.Predicate
	n, fen string
	add    func(m *MonthStats, n int, fen int64)
}

var sources = []source{
	{
		// Approved entries from their rollup (internal/rollup): a county
		// has 360,000 entries a year, and 12 tallies per branch.
		t:   table{entrytally.Table, ent.TypeEntryTally, entrytally.Scope, entrytally.FieldBranchID},
		n:   entrytally.FieldApproved,
		add: func(m *MonthStats, n int, _ int64) { m.EntriesApproved += n },
	},
	{
		t: table{visit.Table, ent.TypeVisit, visit.Scope, visit.FieldBranchID}, on: visit.FieldOn,
		add: func(m *MonthStats, n int, _ int64) { m.Visits += n },
	},
	{
		t: table{contactlog.Table, ent.TypeContactLog, contactlog.Scope, contactlog.FieldBranchID}, on: contactlog.FieldOn,
		add: func(m *MonthStats, n int, _ int64) { m.Contacts += n },
	},
	{
		t: table{carefundentry.Table, ent.TypeCareFundEntry, carefundentry.Scope, carefundentry.FieldOrgID}, on: carefundentry.FieldOn,
		where: func(s *entsql.Selector) *entsql.Predicate {
			return entsql.EQ(s.C(carefundentry.FieldKind), carefundentry.KindDISBURSEMENT)
		},
		fen: carefundentry.FieldAmountFen,
		add: func(m *MonthStats, n int, fen int64) { m.Disbursements += n; m.DisbursedFen += fen },
	},
}

// monthly is one statement: a UNION ALL of a GROUP BY per source, each
// row (source, child, month, count, fen). Each source's rows are counted
// by org and month first and only then joined to the orgs: a county's
// year is ~30,000 visits and ~45,000 contacts, and a few thousand groups.
func (b *board) countMonthly(ctx context.Context, f *folder[months]) error {
	from := time.Date(b.year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	var all *entsql.Selector
	for i, src := range sources {
		tt := entsql.Table(src.t.name)
		in := b.rowsOf(ctx, src.t, b.sel().From(tt))
		month := tt.C(entrytally.FieldPeriod)
		if src.on != "" {
			month = b.monthOf(tt.C(src.on))
			in.Where(entsql.And(entsql.GTE(tt.C(src.on), from), entsql.LT(tt.C(src.on), to)))
		} else {
			in.Where(entsql.EQ(tt.C(entrytally.FieldYear), b.year))
		}
		if src.where != nil {
			in.Where(src.where(in))
		}
		n, fen := "COUNT(*)", "0"
		if src.n != "" {
			n = "SUM(" + tt.C(src.n) + ")"
		}
		if src.fen != "" {
			fen = "SUM(" + tt.C(src.fen) + ")"
		}
		in.Select(entsql.As(tt.C(src.t.org), "org_id")).
			AppendSelectExprAs(entsql.Expr(month), "month").
			AppendSelectExprAs(entsql.Expr(n), "n").
			AppendSelectExprAs(entsql.Expr(fen), "fen").
			GroupBy(tt.C(src.t.org), month)
		g := in.As("g")
		s := b.sel().From(g)
		child := b.byChild(s, g.C("org_id"))
		s.SelectExpr(entsql.Expr(strconv.Itoa(i))).AppendSelect(child, g.C("month")).
			AppendSelectExpr(entsql.Expr("SUM("+g.C("n")+")"), entsql.Expr("SUM("+g.C("fen")+")")).
			GroupBy(child, g.C("month"))
		if all == nil {
			all = s
		} else {
			all.UnionAll(s)
		}
	}
	return b.run(ctx, all, func(rows *sql.Rows) error {
		var (
			src, n      int
			path, month string
			fen         int64
		)
		if err := rows.Scan(&src, &path, &month, &n, &fen); err != nil {
			return err
		}
		mo, err := day.ParseMonth(month)
		if err != nil || mo.Start.Year() != b.year {
			return err
		}
		f.add(path, func(m *months) { sources[src].add(&m[mo.Start.Month()-1], n, fen) })
		return nil
	})
}

// RankMetric is what ranking orders the children by.
type RankMetric string

// The metrics: members; average points and share graded excellent of the
// year's results; pledge fulfilment; the share of elderly and infirm
// members visited in the report's month.
const (
	RankMembers          RankMetric = "MEMBERS"
	RankAveragePoints    RankMetric = "AVERAGE_POINTS"
	RankExcellentShare   RankMetric = "EXCELLENT_SHARE"
	RankPledgeFulfilment RankMetric = "PLEDGE_FULFILMENT"
	RankVisitCompliance  RankMetric = "VISIT_COMPLIANCE"
)

var rankMetrics = []RankMetric{RankMembers, RankAveragePoints, RankExcellentShare, RankPledgeFulfilment, RankVisitCompliance}

func (m RankMetric) String() string { return string(m) }

// MarshalGQL and UnmarshalGQL make RankMetric a GraphQL enum.
func (m RankMetric) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(m))) }

func (m *RankMetric) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok || !slices.Contains(rankMetrics, RankMetric(s)) {
		return fmt.Errorf("%v is not a valid RankMetric", v)
	}
	*m = RankMetric(s)
	return nil
}

// value is a child's figure for the metric; ok is false when the child
// has nothing to measure it by (no results, no evaluated pledges, …).
func (m RankMetric) value(ctx context.Context, r *Report) (v float64, ok bool, err error) {
	switch m {
	case RankMembers:
		ms, err := r.Members(ctx)
		return float64(ms.Total), err == nil, err
	case RankAveragePoints, RankExcellentShare:
		p, err := r.Points(ctx)
		if err != nil || p.Graded == 0 {
			return 0, false, err
		}
		if m == RankAveragePoints {
			return p.Average(), true, nil
		}
		return p.ExcellentShare(), true, nil
	case RankPledgeFulfilment:
		p, err := r.Pledges(ctx)
		return p.FulfilmentRate(), err == nil && p.Evaluated > 0, err
	default:
		e, err := r.Elderly(ctx)
		return e.VisitRate(), err == nil && e.Members > 0, err
	}
}

// RankedOrg is a child's place in a ranking: ties share a rank (1, 1, 3).
type RankedOrg struct {
	Org   *ent.Org
	Value float64
	Rank  int
}

// Ranking orders the org's children by metric, best first, leaving out
// those without the figure; first keeps the top first.
func (r *Report) Ranking(ctx context.Context, metric RankMetric, first *int) ([]*RankedOrg, error) {
	children, err := r.Children(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*RankedOrg, 0, len(children))
	for _, ch := range children {
		v, ok, err := metric.value(ctx, ch)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, &RankedOrg{Org: ch.Org, Value: v})
		}
	}
	slices.SortStableFunc(out, func(a, b *RankedOrg) int { return cmp.Compare(b.Value, a.Value) })
	for i, o := range out {
		o.Rank = i + 1
		if i > 0 && o.Value == out[i-1].Value {
			o.Rank = out[i-1].Rank
		}
	}
	if first != nil && *first >= 0 && *first < len(out) {
		out = out[:*first]
	}
	return out, nil
}

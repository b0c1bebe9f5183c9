package points

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointhalfyear"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// MemberScore is a member's year with its grade.
type MemberScore struct {
	Score
	Grade annualresult.Grade
}

// ScoreOf is a member's score for a year (Member.score): the frozen
// result once the branch closed the year, else computed from the
// approved entries so far. With a half (1 or 2, else 0) it is the
// half-year's summary fed back to the member (逐人反馈), from the
// entries of that half alone. The member must be readable by the caller;
// its entries are read whichever branch they were made in.
func ScoreOf(ctx context.Context, c *ent.Client, m *ent.Member, year, half int) (MemberScore, error) {
	sys := system(ctx)
	if half < 0 || half > 2 {
		return MemberScore{}, errs.New(errs.BadUserInput, "half is 1 or 2, not %d", half)
	}
	r, err := c.AnnualResult.Query().Where(annualresult.MemberID(m.ID), annualresult.Year(year)).Only(sys)
	if err == nil && half == 0 {
		return MemberScore{Score{r.Base, r.Bonus, r.Deduction, r.Vetoed, r.Total}, r.Grade}, nil
	}
	if err != nil && !ent.IsNotFound(err) {
		return MemberScore{}, err
	}
	lines, err := linesOf(ctx, c, []int{m.ID}, year, half)
	if err != nil {
		return MemberScore{}, err
	}
	branch, err := c.Member.QueryBranch(m).Only(sys)
	if err != nil {
		return MemberScore{}, err
	}
	th, err := thresholdsFor(ctx, c, branch, year)
	if err != nil {
		return MemberScore{}, err
	}
	s := Compute(lines[m.ID])
	return MemberScore{s, th.Grade(s)}, nil
}

// thresholdsFor are the grade thresholds of the catalogue in force for
// an org's sector and year, or the defaults.
func thresholdsFor(ctx context.Context, c *ent.Client, o *ent.Org, year int) (Thresholds, error) {
	cat, err := CatalogFor(ctx, c, o, year)
	if err != nil || cat == nil {
		return DefaultThresholds, err
	}
	return thresholdsOf(cat), nil
}

// linesOf adds up the approved entries of members in a year (or one of
// its halves) per member and item, in one GROUP BY: an entry counts 1, a
// reversal −1.
func linesOf(ctx context.Context, c *ent.Client, memberIDs []int, year, half int) (map[int][]Line, error) {
	var rows []struct {
		MemberID int `json:"member_id"`
		ItemID   int `json:"item_id"`
		Count    int `json:"count"`
		Reversed int `json:"reversed"`
		Sum      int `json:"sum"`
	}
	q := c.PointEntry.Query().
		Where(pointentry.MemberIDIn(memberIDs...), pointentry.Year(year), pointentry.StateEQ(pointentry.StateApproved))
	if half != 0 {
		from, to := HalfPeriods(year, half)
		q.Where(pointentry.PeriodGTE(from), pointentry.PeriodLTE(to))
	}
	err := q.GroupBy(pointentry.FieldMemberID, pointentry.FieldItemID).
		Aggregate(ent.Count(), func(s *sql.Selector) string {
			// COUNT(column) counts the reversals: their reverses_id is set.
			return sql.As(sql.Count(s.C(pointentry.FieldReversesID)), "reversed")
		}, ent.Sum(pointentry.FieldPoints)).
		Scan(system(ctx), &rows)
	if err != nil {
		return nil, err
	}
	ids := make([]int, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ItemID)
	}
	items, err := c.PointItem.Query().Where(pointitem.IDIn(ids...)).All(system(ctx))
	if err != nil {
		return nil, err
	}
	byID := make(map[int]*ent.PointItem, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	lines := map[int][]Line{}
	for _, r := range rows {
		it := byID[r.ItemID]
		lines[r.MemberID] = append(lines[r.MemberID], Line{
			Part: it.Part, Points: it.Points, Cap: it.YearCap, Count: r.Count - 2*r.Reversed, Sum: r.Sum,
		})
	}
	return lines, nil
}

// CloseYear freezes the year's results of a branch's members (年底综合
// 评定): after the year's last day, once both half-years are published.
// Each result holds the score, the grade by the county's thresholds and
// the consequences; it does not change afterwards.
func CloseYear(ctx context.Context, c *ent.Client, branchID, year int, on *time.Time) ([]*ent.AnnualResult, error) {
	b, err := branchFor(ctx, c, branchID)
	if err != nil {
		return nil, err
	}
	if err := authz.Require(ctx, c, b.ID, "AnnualResult", ActClose); err != nil {
		return nil, err
	}
	d, err := day.On(on)
	if err != nil {
		return nil, err
	}
	if end := YearEnd(year); !d.After(end) {
		return nil, errs.New(errs.Conflict, "the points year %d runs to %s: close it after that", year, day.Format(end))
	}
	if err := lockBranch(ctx, c, b.ID); err != nil {
		return nil, err
	}
	published, err := c.PointHalfYear.Query().
		Where(pointhalfyear.BranchID(b.ID), pointhalfyear.Year(year), pointhalfyear.StateEQ(pointhalfyear.StatePublished)).
		Count(system(ctx))
	if err != nil {
		return nil, err
	}
	if published < 2 {
		return nil, errs.New(errs.Conflict, "both half-years of %d must be published before the year closes", year)
	}
	done, err := c.AnnualResult.Query().Where(annualresult.BranchID(b.ID), annualresult.Year(year)).Exist(system(ctx))
	if err != nil {
		return nil, err
	}
	if done {
		return nil, errs.New(errs.Conflict, "the year %d is already closed for the branch", year)
	}
	members, err := c.Member.Query().Where(member.BranchID(b.ID)).Order(ent.Asc(member.FieldID)).All(system(ctx))
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	lines, err := linesOf(ctx, c, ids, year, 0)
	if err != nil {
		return nil, err
	}
	prev, err := gradesOf(ctx, c, ids, year-1)
	if err != nil {
		return nil, err
	}
	th, err := thresholdsFor(ctx, c, b, year)
	if err != nil {
		return nil, err
	}
	creates := make([]*ent.AnnualResultCreate, len(members))
	for i, m := range members {
		s := Compute(lines[m.ID])
		g := th.Grade(s)
		cs := []string{}
		for _, k := range Consequences(m.Status, s, g, prev[m.ID]) {
			cs = append(cs, string(k))
		}
		creates[i] = c.AnnualResult.Create().
			SetBranchID(b.ID).SetMemberID(m.ID).SetYear(year).
			SetStatus(string(m.Status)).SetSector(string(b.Sector)).
			SetBase(s.Base).SetBonus(s.Bonus).SetDeduction(s.Deduction).SetVetoed(s.Vetoed).SetTotal(s.Total).
			SetGrade(g).SetConsequences(cs)
	}
	return c.AnnualResult.CreateBulk(creates...).Save(ctx)
}

// gradesOf are members' grades of a year, by member.
func gradesOf(ctx context.Context, c *ent.Client, ids []int, year int) (map[int]*annualresult.Grade, error) {
	rs, err := c.AnnualResult.Query().Where(annualresult.MemberIDIn(ids...), annualresult.Year(year)).All(system(ctx))
	if err != nil {
		return nil, err
	}
	out := make(map[int]*annualresult.Grade, len(rs))
	for _, r := range rs {
		out[r.MemberID] = &r.Grade
	}
	return out, nil
}

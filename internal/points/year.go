package points

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointcatalog"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointhalfyear"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
)

// MemberScore is a member's year with its grade.
type MemberScore struct {
	Score
	Grade annualresult.Grade
}

// ScoreKey names one Member.score: a member with its branch, a year and
// a half (1 or 2; 0 for the whole year).
type ScoreKey struct{ Member, Branch, Year, Half int }

// CheckHalf refuses a half that is not 1, 2 or 0 (the whole year).
func CheckHalf(half int) error {
	if half < 0 || half > 2 {
		return errs.New(errs.BadUserInput, "half is 1 or 2, not %d", half)
	}
	return nil
}

// Scores are members' scores for a year (Member.score), for many keys at
// once (a page of members): the frozen result once the branch closed the
// year, else computed from the approved entries so far. With a half (1
// or 2, else 0) it is the half-year's summary fed back to the member
// (逐人反馈), from the entries of that half alone. The members must be
// readable by the caller; their entries are read whichever branch they
// were made in. A few statements per year and half asked, whatever the
// number of members: the frozen results, the live members' entries in
// one GROUP BY, and the thresholds of their branches' catalogues.
func Scores(ctx context.Context, c *ent.Client, keys []ScoreKey) (map[ScoreKey]MemberScore, error) {
	type period struct{ year, half int }
	groups := map[period][]ScoreKey{}
	var order []period
	for _, k := range keys {
		if err := CheckHalf(k.Half); err != nil {
			return nil, err
		}
		p := period{k.Year, k.Half}
		if groups[p] == nil {
			order = append(order, p)
		}
		groups[p] = append(groups[p], k)
	}
	out := make(map[ScoreKey]MemberScore, len(keys))
	for _, p := range order {
		if err := scoresOf(ctx, c, p.year, p.half, groups[p], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scoresOf adds to out the scores of keys of one year and half.
func scoresOf(ctx context.Context, c *ent.Client, year, half int, keys []ScoreKey, out map[ScoreKey]MemberScore) error {
	sys := system(ctx)
	frozen := map[int]*ent.AnnualResult{}
	if half == 0 {
		ids := make([]int, len(keys))
		for i, k := range keys {
			ids[i] = k.Member
		}
		rs, err := c.AnnualResult.Query().Where(annualresult.MemberIDIn(ids...), annualresult.Year(year)).All(sys)
		if err != nil {
			return err
		}
		for _, r := range rs {
			frozen[r.MemberID] = r
		}
	}
	var live, branches []int
	for _, k := range keys {
		if r, ok := frozen[k.Member]; ok {
			out[k] = MemberScore{Score{r.Base, r.Bonus, r.Deduction, r.Vetoed, r.Total}, r.Grade}
			continue
		}
		live, branches = append(live, k.Member), append(branches, k.Branch)
	}
	if len(live) == 0 {
		return nil
	}
	lines, err := linesOf(ctx, c, live, year, half)
	if err != nil {
		return err
	}
	th, err := thresholdsByBranch(ctx, c, branches, year)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, ok := frozen[k.Member]; !ok {
			s := Compute(lines[k.Member])
			out[k] = MemberScore{s, th[k.Branch].Grade(s)}
		}
	}
	return nil
}

// thresholdsByBranch are the grade thresholds in force for branches in
// a year: those of their county's catalogue for their sector, else the
// defaults. Three statements, whatever the number of branches.
func thresholdsByBranch(ctx context.Context, c *ent.Client, branchIDs []int, year int) (map[int]Thresholds, error) {
	sys := system(ctx)
	bs, err := c.Org.Query().Where(org.IDIn(branchIDs...)).Select(org.FieldID, org.FieldPath, org.FieldSector).All(sys)
	if err != nil {
		return nil, err
	}
	var paths, sectors []string
	for _, b := range bs {
		paths, sectors = append(paths, scope.CountyPath(b.Path)), append(sectors, string(b.Sector))
	}
	counties, err := c.Org.Query().Where(org.PathIn(paths...)).Select(org.FieldID, org.FieldPath).All(sys)
	if err != nil {
		return nil, err
	}
	countyOf := map[string]int{}
	ids := make([]int, len(counties))
	for i, o := range counties {
		countyOf[o.Path], ids[i] = o.ID, o.ID
	}
	cats, err := c.PointCatalog.Query().
		Where(pointcatalog.CountyIDIn(ids...), pointcatalog.Year(year), pointcatalog.SectorIn(sectors...)).
		Order(ent.Desc(pointcatalog.FieldRevision)).All(sys)
	if err != nil {
		return nil, err
	}
	type catalogue struct {
		county int
		sector string
	}
	inForce := map[catalogue]Thresholds{}
	for _, cat := range cats { // the highest revision comes first
		k := catalogue{cat.CountyID, cat.Sector}
		if _, ok := inForce[k]; !ok {
			inForce[k] = thresholdsOf(cat)
		}
	}
	out := make(map[int]Thresholds, len(bs))
	for _, b := range bs {
		th, ok := inForce[catalogue{countyOf[scope.CountyPath(b.Path)], string(b.Sector)}]
		if !ok {
			th = DefaultThresholds
		}
		out[b.ID] = th
	}
	return out, nil
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
// the consequences; it does not change afterwards. The branch's tally of
// the year (RollUp) is written with them.
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
	ths, err := thresholdsByBranch(ctx, c, []int{b.ID}, year)
	if err != nil {
		return nil, err
	}
	th := ths[b.ID]
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
	results, err := c.AnnualResult.CreateBulk(creates...).Save(ctx)
	if err != nil {
		return nil, err
	}
	return results, RollUp(ctx, c, results)
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

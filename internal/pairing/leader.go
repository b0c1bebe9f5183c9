package pairing

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/leaderassignment"
	"github.com/partyorg/partyorg/ent/leadervisit"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/errs"
)

// The seed's monthly quotas for a county-level leader (每月至少到所分包的乡镇和
// 贫困村驻村2次、每次至少走访两户贫困户、为贫困户至少解决一个实际问题).
const (
	MinVisits          = 2
	MinHouseholds      = 2
	MinProblemsSolved  = 1
	maxPairedHousehold = 2
)

// NewLeaderAssignment is what assignLeader takes.
type NewLeaderAssignment struct {
	LeaderID, Year, TownshipID, VillageID int
	HouseholdIDs                          []int
}

// AssignLeader gives a county-level leader (县处级领导干部: a member of a
// branch of a county unit) one township for a year, one poor village in
// it and one or two poor households of that village. The county
// organizes it (policies/: ORG_ADMIN@COUNTY); a second assignment of the
// same leader in the same year is CONFLICT.
func AssignLeader(ctx context.Context, c *ent.Client, in NewLeaderAssignment) (*ent.LeaderAssignment, error) {
	if err := authz.Require(ctx, c, in.TownshipID, ent.TypeLeaderAssignment, authz.Create); err != nil {
		return nil, err
	}
	leader, err := c.Member.Get(ctx, in.LeaderID)
	if err != nil {
		return nil, notFound(err, "member")
	}
	township, err := c.Org.Get(ctx, in.TownshipID)
	if err != nil {
		return nil, notFound(err, "org")
	}
	village, err := c.Org.Query().Where(org.ID(in.VillageID)).WithParent().Only(ctx)
	if err != nil {
		return nil, notFound(err, "org")
	}
	if in.Year < 2000 || in.Year > 2100 {
		return nil, errs.New(errs.BadUserInput, "year %d is out of range", in.Year)
	}
	if err := countyLeader(ctx, c, leader); err != nil {
		return nil, err
	}
	if township.Kind != org.KindTownship {
		return nil, errs.New(errs.BadUserInput, "a leader is assigned a TOWNSHIP; %s is a %s", township.Name, township.Kind)
	}
	if village.Kind != org.KindVillage || village.Edges.Parent == nil || village.Edges.Parent.ID != township.ID {
		return nil, errs.New(errs.BadUserInput, "%s is not a village of %s", village.Name, township.Name)
	}
	if n := len(in.HouseholdIDs); n < 1 || n > maxPairedHousehold {
		return nil, errs.New(errs.BadUserInput, "a leader helps 1 or 2 poor households, not %d", n)
	}
	if err := householdsOf(ctx, c, village, in.HouseholdIDs); err != nil {
		return nil, err
	}
	taken, err := c.LeaderAssignment.Query().
		Where(leaderassignment.LeaderID(leader.ID), leaderassignment.Year(in.Year)).
		Exist(facts(ctx))
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("%s has a township for %d already", leader.Name, in.Year)
	if taken {
		return nil, errs.New(errs.Conflict, "%s", msg)
	}
	a, err := c.LeaderAssignment.Create().
		SetLeaderID(leader.ID).
		SetLeaderName(leader.Name).
		SetYear(in.Year).
		SetTownshipID(township.ID).
		SetVillageID(village.ID).
		AddHouseholdIDs(in.HouseholdIDs...).
		Save(ctx)
	return a, conflictOnConstraint(err, msg)
}

// countyLeader checks that m belongs to a branch of a county unit.
func countyLeader(ctx context.Context, c *ent.Client, m *ent.Member) error {
	ok, err := c.Org.Query().Where(
		org.ID(m.BranchID),
		org.HasParentWith(org.KindEQ(org.KindUnit), org.HasParentWith(org.KindEQ(org.KindCounty))),
	).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.BadUserInput, "%s is not a county-level leader (a member of a county unit's branch)", m.Name)
	}
	return nil
}

// householdsOf checks that ids name distinct poor households of village,
// each readable.
func householdsOf(ctx context.Context, c *ent.Client, village *ent.Org, ids []int) error {
	if err := distinct("the list", ids); err != nil {
		return err
	}
	hs, err := c.PoorHousehold.Query().Where(poorhousehold.IDIn(ids...)).All(ctx)
	if err != nil {
		return err
	}
	if len(hs) != len(ids) {
		return errs.New(errs.NotFound, "poor household not found")
	}
	for _, h := range hs {
		if h.VillageID != village.ID {
			return errs.New(errs.BadUserInput, "household %s is not in %s", h.Head, village.Name)
		}
	}
	return nil
}

// NewLeaderVisit is what recordLeaderVisit takes.
type NewLeaderVisit struct {
	AssignmentID   int
	On             *time.Time
	Place          string
	HouseholdIDs   []int
	ProblemsSolved int
	Note           string
}

// RecordLeaderVisit records a leader's visit to its township and poor
// village (驻村走访), on a day of the assignment's year, with the poor
// households of that village it visited and the problems it solved.
// Visits that fall short of the quotas are recorded too: compliance
// reports them.
func RecordLeaderVisit(ctx context.Context, c *ent.Client, in NewLeaderVisit) (*ent.LeaderVisit, error) {
	a, err := c.LeaderAssignment.Query().Where(leaderassignment.ID(in.AssignmentID)).WithVillage().Only(ctx)
	if err != nil {
		return nil, notFound(err, "leader assignment")
	}
	if err := checkRecordVisit(ctx, c, a); err != nil {
		return nil, err
	}
	d, err := day.On(in.On)
	if err != nil {
		return nil, err
	}
	if d.Year() != a.Year {
		return nil, errs.New(errs.BadUserInput, "the visit on %s is outside the assignment's year %d", day.Format(d), a.Year)
	}
	if in.ProblemsSolved < 0 {
		return nil, errs.New(errs.BadUserInput, "problemsSolved cannot be negative")
	}
	if a.Edges.Village == nil {
		return nil, errs.New(errs.NotFound, "org not found")
	}
	if err := householdsOf(ctx, c, a.Edges.Village, in.HouseholdIDs); err != nil {
		return nil, err
	}
	return c.LeaderVisit.Create().
		SetAssignmentID(a.ID).
		SetTownshipID(a.TownshipID).
		SetLeaderID(a.LeaderID).
		SetOn(d).
		SetPlace(in.Place).
		AddHouseholdIDs(in.HouseholdIDs...).
		SetProblemsSolved(in.ProblemsSolved).
		SetNote(in.Note).
		Save(ctx)
}

func checkRecordVisit(ctx context.Context, c *ent.Client, a *ent.LeaderAssignment) error {
	return authz.Require(ctx, c, a.TownshipID, ent.TypeLeaderVisit, authz.Create)
}

// CanRecordVisit answers viewerCanRecordVisit with RecordLeaderVisit's
// decision.
func CanRecordVisit(ctx context.Context, c *ent.Client, a *ent.LeaderAssignment) bool {
	return checkRecordVisit(ctx, c, a) == nil
}

// Compliance is a leader's record against the monthly quotas.
type Compliance struct {
	Month             string
	Visits            int
	HouseholdsVisited int
	ProblemsSolved    int
	OK                bool
	Shortfalls        []string
}

// MonthCompliance checks an assignment's month (in its year) against the
// quotas: at least MinVisits visits, each covering at least
// MinHouseholds households and solving at least MinProblemsSolved
// problems. Each shortfall is spelled out. The visits and households are
// counted whatever the caller sees of them: they are facts about an
// assignment it can read.
func MonthCompliance(ctx context.Context, c *ent.Client, a *ent.LeaderAssignment, month string) (*Compliance, error) {
	m, err := day.ParseMonth(month)
	if err != nil {
		return nil, err
	}
	if m.Start.Year() != a.Year {
		return nil, errs.New(errs.BadUserInput, "month %s is outside the assignment's year %d", m, a.Year)
	}
	visits, err := c.LeaderVisit.Query().
		Where(leadervisit.AssignmentID(a.ID), leadervisit.OnGTE(m.Start), leadervisit.OnLT(m.End)).
		WithHouseholds(func(q *ent.PoorHouseholdQuery) { q.Select(poorhousehold.FieldID) }).
		Order(ent.Asc(leadervisit.FieldOn), ent.Asc(leadervisit.FieldID)).
		All(facts(ctx))
	if err != nil {
		return nil, err
	}
	r := &Compliance{Month: m.String(), Visits: len(visits), Shortfalls: []string{}}
	households := map[int]bool{}
	for _, v := range visits {
		r.ProblemsSolved += v.ProblemsSolved
		for _, h := range v.Edges.Households {
			households[h.ID] = true
		}
		if n := len(v.Edges.Households); n < MinHouseholds {
			r.Shortfalls = append(r.Shortfalls, fmt.Sprintf("the visit on %s covered %s, at least %d are needed (每次至少走访两户贫困户)", day.Format(v.On), count(n, "household"), MinHouseholds))
		}
		if v.ProblemsSolved < MinProblemsSolved {
			r.Shortfalls = append(r.Shortfalls, fmt.Sprintf("the visit on %s solved no problem, at least %d is needed (至少解决一个实际问题)", day.Format(v.On), MinProblemsSolved))
		}
	}
	if r.Visits < MinVisits {
		r.Shortfalls = append([]string{fmt.Sprintf("%s in %s, at least %d are needed (每月至少驻村2次)", count(r.Visits, "visit"), m, MinVisits)}, r.Shortfalls...)
	}
	r.HouseholdsVisited = len(households)
	r.OK = len(r.Shortfalls) == 0
	return r, nil
}

// count is "1 visit", "2 visits".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ShortIn keeps the assignments of the month's year that fall short of
// the quotas in that month, in SQL: fewer than MinVisits visits, or a
// visit covering fewer than MinHouseholds households or solving fewer
// than MinProblemsSolved problems (the same rule as MonthCompliance).
func ShortIn(month string) (predicate.LeaderAssignment, error) {
	m, err := day.ParseMonth(month)
	if err != nil {
		return nil, err
	}
	return func(s *sql.Selector) {
		b := sql.Dialect(s.Dialect())
		visits := func() (*sql.SelectTable, *sql.Predicate) {
			v := sql.Table(leadervisit.Table).As("short_visits")
			return v, sql.And(
				sql.ColumnsEQ(v.C(leadervisit.FieldAssignmentID), s.C(leaderassignment.FieldID)),
				sql.GTE(v.C(leadervisit.FieldOn), m.Start),
				sql.LT(v.C(leadervisit.FieldOn), m.End),
			)
		}
		v, inMonth := visits()
		count := b.Select(sql.Count("*")).From(v).Where(inMonth)
		w, weakInMonth := visits()
		h := sql.Table(leadervisit.HouseholdsTable).As("short_households")
		covered := b.Select(sql.Count("*")).From(h).
			Where(sql.ColumnsEQ(h.C(leadervisit.HouseholdsPrimaryKey[0]), w.C(leadervisit.FieldID)))
		weak := b.Select(w.C(leadervisit.FieldID)).From(w).Where(sql.And(
			weakInMonth,
			sql.Or(sql.LT(w.C(leadervisit.FieldProblemsSolved), MinProblemsSolved), below(covered, MinHouseholds)),
		))
		s.Where(sql.And(
			sql.EQ(s.C(leaderassignment.FieldYear), m.Start.Year()),
			sql.Or(below(count, MinVisits), sql.Exists(weak)),
		))
	}, nil
}

// below is "(subquery) < n".
func below(q *sql.Selector, n int) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		b.Wrap(func(b *sql.Builder) { b.Join(q) }).WriteString(" < ").Arg(n)
	})
}

package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/day"
)

// Count is one group of a breakdown: an enum value or a band, and how
// many fall in it.
type Count struct {
	Key   string
	Count int
}

// counts is a breakdown being added up; list orders it by its keys.
type counts map[string]int

// list is the breakdown in the order of keys, each key present (zero
// when nothing falls in it) so that charts keep their series.
func (c counts) list(keys []string) []Count {
	out := make([]Count, len(keys))
	for i, k := range keys {
		out[i] = Count{k, c[k]}
	}
	return out
}

func (c *counts) add(key string, n int) {
	if *c == nil {
		*c = counts{}
	}
	(*c)[key] += n
}

// None is the key of members without a category or a gender recorded.
const None = "NONE"

var (
	statusKeys   = []string{member.StatusFull.String(), member.StatusProbationary.String(), member.StatusActivist.String()}
	categoryKeys = []string{member.CategoryInOfficeCadre.String(), member.CategoryAtHomeNoPost.String(),
		member.CategoryMobile.String(), member.CategoryElderlyInfirm.String(), None}
	genderKeys = []string{member.GenderMale.String(), member.GenderFemale.String(), None}
)

// AgeBands are the age groups of the members: age at the end of the
// year (年末年龄, the year less the birth year), from and to inclusive.
var AgeBands = []struct{ From, To int }{{18, 34}, {35, 44}, {45, 54}, {55, 64}, {65, 74}, {75, 200}}

// bandKey names a band "35-44", the last "75+".
func bandKey(i int) string {
	b := AgeBands[i]
	if i == len(AgeBands)-1 {
		return fmt.Sprintf("%d+", b.From)
	}
	return fmt.Sprintf("%d-%d", b.From, b.To)
}

// MemberStats are the members by status, category, gender and age band
// (党员队伍结构), with the practices' work-list counts beside them.
type MemberStats struct {
	Total int
	// AtHomeNoPost and WithoutPost: members at home without a post, and
	// those of them who hold no public-welfare post yet (党员公益岗).
	AtHomeNoPost, WithoutPost int

	status, category, gender, band counts
}

func (m *MemberStats) ByStatus() []Count   { return m.status.list(statusKeys) }
func (m *MemberStats) ByCategory() []Count { return m.category.list(categoryKeys) }
func (m *MemberStats) ByGender() []Count   { return m.gender.list(genderKeys) }

// ByAgeBand has a band per AgeBands and NONE for members without a birth
// day recorded.
func (m *MemberStats) ByAgeBand() []Count {
	keys := make([]string, 0, len(AgeBands)+1)
	for i := range AgeBands {
		keys = append(keys, bandKey(i))
	}
	return m.band.list(append(keys, None))
}

// PostCoverage is the share of members at home without a post who hold a
// public-welfare post (公益岗覆盖率), 0 without such members.
func (m *MemberStats) PostCoverage() float64 {
	return share(m.AtHomeNoPost-m.WithoutPost, m.AtHomeNoPost)
}

// MobileStats are the mobile members (流动党员) and how many were in
// contact within the 30 days before the report's day.
type MobileStats struct {
	Members, ContactedWithin30Days int
}

// ContactRate is the share of mobile members in contact.
func (m *MobileStats) ContactRate() float64 { return share(m.ContactedWithin30Days, m.Members) }

// ElderlyStats are the elderly and infirm members (年老体弱党员) and how
// many were visited in the report's month.
type ElderlyStats struct {
	Members, VisitedThisMonth int
}

// VisitRate is the share of elderly and infirm members visited.
func (e *ElderlyStats) VisitRate() float64 { return share(e.VisitedThisMonth, e.Members) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

var membersTable = table{name: member.Table, typ: ent.TypeMember, ann: member.Scope, org: member.FieldBranchID}

// people are three families from one statement over the members: the
// members, and the mobile and elderly members counted by the same rules
// as the practice's work lists (classification.WithoutPost,
// NoContactSince, NotVisitedIn).
type people struct {
	members MemberStats
	mobile  MobileStats
	elderly ElderlyStats
}

func (b *board) countPeople(ctx context.Context, f *folder[people]) error {
	s, child := b.selectFrom(ctx, membersTable)
	year := b.asOf.Year()
	aggregates := []entsql.Querier{entsql.Expr("COUNT(*)")}
	for _, band := range AgeBands {
		aggregates = append(aggregates, countWhen(entsql.And(
			entsql.GTE(s.C(member.FieldBirthDate), time.Date(year-band.To, 1, 1, 0, 0, 0, 0, time.UTC)),
			entsql.LT(s.C(member.FieldBirthDate), time.Date(year-band.From+1, 1, 1, 0, 0, 0, 0, time.UTC)),
		)))
	}
	month, _ := classification.NotVisitedIn(b.asOf.Format(day.MonthLayout))
	aggregates = append(aggregates,
		countWhen(b.predicate(ctx, member.Table, classification.WithoutPost(true))),
		countWhen(b.predicate(ctx, member.Table, classification.NoContactSince(b.asOf.AddDate(0, 0, -29)))),
		countWhen(b.predicate(ctx, member.Table, month)),
	)
	dims := []string{child, s.C(member.FieldStatus), s.C(member.FieldCategory), s.C(member.FieldGender)}
	s.Select(dims...).AppendSelectExpr(aggregates...).GroupBy(dims...)
	return b.run(ctx, s, func(rows *sql.Rows) error {
		var (
			path, status               string
			category, gender           sql.NullString
			n                          int
			bands                      = make([]int, len(AgeBands))
			withoutPost, away, unvisit int
		)
		dest := []any{&path, &status, &category, &gender, &n}
		for i := range bands {
			dest = append(dest, &bands[i])
		}
		if err := rows.Scan(append(dest, &withoutPost, &away, &unvisit)...); err != nil {
			return err
		}
		cat := orNone(category)
		f.add(path, func(p *people) {
			m := &p.members
			m.Total += n
			m.status.add(status, n)
			m.category.add(cat, n)
			m.gender.add(orNone(gender), n)
			banded := 0
			for i, k := range bands {
				m.band.add(bandKey(i), k)
				banded += k
			}
			m.band.add(None, n-banded)
			m.WithoutPost += withoutPost
			if cat == member.CategoryAtHomeNoPost.String() {
				m.AtHomeNoPost += n
			}
			switch cat {
			case member.CategoryMobile.String():
				p.mobile.Members += n
				p.mobile.ContactedWithin30Days += n - away
			case member.CategoryElderlyInfirm.String():
				p.elderly.Members += n
				p.elderly.VisitedThisMonth += n - unvisit
			}
		})
		return nil
	})
}

func orNone(s sql.NullString) string {
	if !s.Valid || s.String == "" {
		return None
	}
	return s.String
}

// predicate turns an ent predicate over table into an SQL predicate that
// a CASE can test: the work lists' rules, counted rather than listed.
func (b *board) predicate(ctx context.Context, table string, p func(*entsql.Selector)) *entsql.Predicate {
	s := entsql.Dialect(b.c.Dialect()).Select().From(entsql.Table(table))
	s = s.WithContext(ctx)
	p(s)
	return s.P()
}

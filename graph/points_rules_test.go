package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/testdb"
)

// scoreOut is Member.score as the tests read it.
type scoreOut struct {
	Base, Bonus, Deduction, Total int
	Vetoed                        bool
	Grade                         string
}

// memberScores reads Member.score of a year for members in one request
// (one batch), by member name.
func (w *pointsWorld) memberScores(t *testing.T, user string, year int, names ...string) map[string]scoreOut {
	t.Helper()
	var q strings.Builder
	q.WriteString("{")
	for i, n := range names {
		fmt.Fprintf(&q, ` m%d: node(id: %q) { ... on Member { score(year: %d) { base bonus deduction total vetoed grade } } }`, i, w.member(n), year)
	}
	q.WriteString(" }")
	var out map[string]struct{ Score scoreOut }
	w.as(user).MustDo(t, q.String(), nil, &out)
	byName := map[string]scoreOut{}
	for i, n := range names {
		byName[n] = out[fmt.Sprintf("m%d", i)].Score
	}
	return byName
}

// TestPointsThresholdEdges: grades follow the thresholds of the county's
// catalogue in force (its last revision), at each edge: the lowest total
// of a grade and one below, over two branches read in one request.
func TestPointsThresholdEdges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		const ex, q, bq = 120, 100, 80 // revision 2's thresholds; revision 1 keeps the defaults
		items := []map[string]any{
			{"part": "BASE", "title": "学习", "points": 60},
			{"part": "BASE", "title": "组织生活", "points": 40},
			{"part": "BONUS", "title": "贡献", "points": ex - q},
			{"part": "DEDUCTION", "title": "迟到", "points": 1},
			{"part": "DEDUCTION", "title": "缺席", "points": q - bq},
			{"part": "DEDUCTION", "title": "违规", "points": q - bq + 1},
			{"part": "VETO", "title": "违纪", "points": 0},
		}
		input := map[string]any{"countyID": w.org("C"), "year": 2025, "sector": "RURAL", "items": items}
		const createQ = `mutation($in: CreatePointCatalogInput!) { createPointCatalog(input: $in) { items { id title } } }`
		itemsOf := func(in map[string]any) map[string]string {
			var out struct {
				CreatePointCatalog struct {
					Items []struct{ ID, Title string }
				}
			}
			w.as(countyAdmin).MustDo(t, createQ, gqlVars("in", in), &out)
			ids := map[string]string{}
			for _, it := range out.CreatePointCatalog.Items {
				ids[it.Title] = it.ID
			}
			return ids
		}
		rev1 := itemsOf(input)
		id := itemsOf(withThresholds(input, ex, q, bq))
		w.refuse(t, []pointRefusal{
			{"an item of a replaced revision", countyAdmin, declareQ,
				gqlVars("in", entryInput(w.member("C.T2.V1.B1.M1"), rev1["学习"], "2025-03-01", "BRANCH_RECORDED")), "BAD_USER_INPUT"},
		})
		cases := []struct {
			member string
			extra  []string
			total  int
			grade  string
		}{
			{"C.T2.V1.B1.M1", []string{"贡献"}, ex, "EXCELLENT"},
			{"C.T2.V1.B1.M2", []string{"贡献", "迟到"}, ex - 1, "QUALIFIED"},
			{"C.T2.V1.B1.M3", nil, q, "QUALIFIED"},
			{"C.T2.V1.B2.M1", []string{"迟到"}, q - 1, "BASICALLY_QUALIFIED"},
			{"C.T2.V1.B2.M2", []string{"缺席"}, bq, "BASICALLY_QUALIFIED"},
			{"C.T2.V1.B2.M3", []string{"违规"}, bq - 1, "UNQUALIFIED"},
		}
		names := []string{}
		for _, tc := range cases {
			for _, title := range append([]string{"学习", "组织生活"}, tc.extra...) {
				w.record(t, tc.member, id[title], "2025-03-01")
			}
			names = append(names, tc.member)
		}
		scores := w.memberScores(t, countyAdmin, 2025, names...) // one batch over both branches
		for _, tc := range cases {
			if got := scores[tc.member]; got.Total != tc.total || got.Grade != tc.grade {
				t.Errorf("%s: %d %s, want %d %s", tc.member, got.Total, got.Grade, tc.total, tc.grade)
			}
		}
	})
}

// TestPointsReversalArithmetic: the ledger's GROUP BY nets reversals out
// per item before the arithmetic: a duty entered twice and reversed once
// is still met, one reversed entirely is not; a contribution over its cap
// with one reversal keeps the cap; a reversed veto no longer vetoes.
func TestPointsReversalArithmetic(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		ctx := systemCtx()
		item := func(title string) (id string, points, capped int) {
			it := d.Client.PointItem.GetX(ctx, parseGQLID(t, w.items[title]))
			if it.YearCap != nil {
				capped = *it.YearCap
			}
			return w.items[title], it.Points, capped
		}
		duty, dutyPoints, _ := item(dutyStudy)
		bonus, bonusPoints, bonusCap := item(bonusPoor)
		veto, _, _ := item(vetoLaw)
		if bonusCap == 0 || bonusCap%bonusPoints != 0 {
			t.Fatalf("%s: cap %d, points %d: the case needs a cap that is a multiple of the points", bonusPoor, bonusCap, bonusPoints)
		}
		reverse := func(id string) {
			w.as(countyAdmin).MustDo(t, reverseQ, gqlVars("id", id, "r", "登记错误"), nil)
		}
		const m1, m2, m3 = "C.T1.V1.B2.M1", "C.T1.V1.B2.M2", "C.T1.V1.B2.M3"
		w.record(t, m1, duty, "2024-03-01")
		reverse(w.record(t, m1, duty, "2024-04-01"))
		reverse(w.record(t, m2, duty, "2024-03-01"))
		for i := range bonusCap/bonusPoints + 1 {
			id := w.record(t, m2, bonus, fmt.Sprintf("2024-0%d-01", i+1))
			if i == 0 {
				reverse(id)
			}
		}
		reverse(w.record(t, m3, veto, "2024-05-01"))
		w.record(t, m3, duty, "2024-05-01")

		got := w.memberScores(t, countyAdmin, 2024, m1, m2, m3)
		for name, want := range map[string]string{
			m1: fmt.Sprint(dutyPoints, 0, false, dutyPoints),
			m2: fmt.Sprint(0, bonusCap, false, bonusCap),
			m3: fmt.Sprint(dutyPoints, 0, false, dutyPoints),
		} {
			s := got[name]
			if g := fmt.Sprint(s.Base, s.Bonus, s.Vetoed, s.Total); g != want {
				t.Errorf("%s: base, bonus, vetoed, total = %s, want %s", name, g, want)
			}
		}
	})
}

// TestPointsConsequencesOverYears: the consequences that need a member's
// status or its year before, as closeYear freezes them: an activist
// unqualified two years running loses its status, a vetoed probationary
// member its probation, an activist at 100 with a contribution becomes a
// priority development target.
func TestPointsConsequencesOverYears(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		const m1, m2, m3 = "C.T1.V1.B2.M1", "C.T1.V1.B2.M2", "C.T1.V1.B2.M3"
		w.setStatus(map[string]member.Status{m1: member.StatusActivist, m2: member.StatusProbationary, m3: member.StatusActivist})
		branch := w.org("C.T1.V1.B2")
		w.catalogue(t, 2023)
		first := w.closeYear(t, branch, 2023) // nothing entered: all UNQUALIFIED
		for _, m := range []string{m1, m3} {
			if got := fmt.Sprint(first[m].Grade, " ", first[m].Consequences); got != "UNQUALIFIED [TALK_AND_HELP]" {
				t.Errorf("%s 2023: %s, want an activist's first unqualified year", m, got)
			}
		}
		w.record(t, m2, w.items[vetoLaw], "2024-05-01")
		for _, title := range w.base {
			w.record(t, m3, w.items[title], "2024-05-01")
		}
		w.record(t, m3, w.items[bonusPoor], "2024-06-01")
		second := w.closeYear(t, branch, 2024)
		for name, want := range map[string]string{
			m1: "UNQUALIFIED [CANCEL_ACTIVIST]",
			m2: "UNQUALIFIED [REPORT_VETO CANCEL_PROBATION]",
			m3: "QUALIFIED [PRIORITY_DEVELOPMENT]",
		} {
			if got := fmt.Sprint(second[name].Grade, " ", second[name].Consequences); got != want {
				t.Errorf("%s 2024: %s, want %s", name, got, want)
			}
		}
	})
}

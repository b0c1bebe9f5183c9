package classification_test

import (
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestElderlyCare: help cards for elderly members, visits, and the
// notVisitedIn work list on the edges of a month.
func TestElderlyCare(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin("C.T1.V1")
		f.setCategory(b1+".M2", member.CategoryElderlyInfirm)
		f.setCategory(b1+".M3", member.CategoryElderlyInfirm)
		card := func(who string) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "needs": "代购药品, 打扫卫生", "helperID": f.m(b1 + ".M1")})
		}
		f.refuse("card for a member not elderly", admin, helpCardQ, card(b1+".M1"), "BAD_USER_INPUT")
		f.refuse("viewer issues a card", orgViewer("C.T1"), helpCardQ, card(b1+".M2"), "FORBIDDEN")
		f.refuse("card with a helper out of scope", admin, helpCardQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "needs": "x", "helperID": f.m("C.T2.V1.B1.M1")}), "NOT_FOUND")
		var c struct {
			IssueHelpCard struct{ Helper struct{ ID string } }
		}
		f.as(admin).MustDo(t, helpCardQ, card(b1+".M2"), &c)
		f.refuse("second card", admin, helpCardQ, card(b1+".M2"), "CONFLICT")

		// The month before this one, and this one.
		today := day.Today()
		thisMonth := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		lastDayBefore := thisMonth.AddDate(0, 0, -1)
		visit := func(who string, on time.Time) map[string]any {
			return gqlVars("in", map[string]any{"memberID": f.m(who), "on": dayVar(on), "findings": "身体尚可", "problemsSolved": "修好了水管"})
		}
		f.refuse("visit tomorrow", admin, visitQ, visit(b1+".M2", today.AddDate(0, 0, 1)), "BAD_USER_INPUT")
		f.refuse("visit to a member not elderly", admin, visitQ, visit(b1+".M1", today), "BAD_USER_INPUT")
		f.refuse("viewer records a visit", orgViewer("C.T1.V1"), visitQ, visit(b1+".M2", today), "FORBIDDEN")
		var v struct {
			RecordVisit struct{ Visitor *struct{ ID string } }
		}
		f.as(admin).MustDo(t, visitQ, visit(b1+".M2", lastDayBefore), &v)
		if v.RecordVisit.Visitor == nil || v.RecordVisit.Visitor.ID != f.m(b1+".M1") {
			t.Errorf("visitor %+v, want the card's helper", v.RecordVisit.Visitor)
		}
		f.as(admin).MustDo(t, visitQ, visit(b1+".M3", thisMonth), nil)

		month := func(d time.Time) string { return d.Format("2006-01") }
		within := f.o(b1)
		for _, tc := range []struct {
			month string
			want  int
		}{{month(lastDayBefore), 1}, {month(thisMonth), 1}, {month(thisMonth.AddDate(0, -2, 0)), 2}} {
			if n := f.count(admin, map[string]any{"notVisitedIn": tc.month, "withinOrg": within}); n != tc.want {
				t.Errorf("notVisitedIn %s: %d, want %d", tc.month, n, tc.want)
			}
		}
		for _, bad := range []string{"2026-13", "2026-1", "last month"} {
			errs := f.as(admin).Do(t, `query($m: String) { members(where: {notVisitedIn: $m}) { totalCount } }`, gqlVars("m", bad), nil)
			expectCode(t, errs, "BAD_USER_INPUT")
		}
		var can struct {
			Node struct {
				HelpCard struct{ ViewerCanRecordVisit bool }
			}
		}
		f.as(orgViewer("C.T1")).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { helpCard { viewerCanRecordVisit } } } }`,
			gqlVars("id", f.m(b1+".M2")), &can)
		if can.Node.HelpCard.ViewerCanRecordVisit {
			t.Error("a viewer can record a visit")
		}
	})
}

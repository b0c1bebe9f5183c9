package graph_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/branchpairing"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/rollup"
	"github.com/partyorg/partyorg/internal/testdb"
)

// analyticsQ asks every figure of an org and of its children for 2025, a
// past year: "this month" is December 2025 and "within 30 days" is from
// 2 December.
const analyticsQ = `query($id: ID!) { analytics(orgID: $id, year: 2025) { ...figures children { ...figures } } }
fragment figures on OrgAnalytics {
  org { name }
  members { total byStatus { key count } byCategory { key count } byGender { key count } byAgeBand { key count } atHomeNoPost withoutPost postCoverage }
  points { graded average grades { key count } histogram { key count } consequences { key count } excellentShare }
  pledges { total byState { key count } fulfilmentRate }
  careFund { inFen outFen balanceFen }
  mobile { members contactedWithin30Days }
  elderly { members visitedThisMonth }
  pairings { villageBranches pairedBranches poorHouseholds helpedHouseholds }
  leaders { month assignments compliant }
  monthly { month visits contacts disbursements disbursedFen }
}`

// figures is an org's dashboard as the test reads it.
type figures struct {
	Org     struct{ Name string }
	Members struct {
		Total                                     int
		ByStatus, ByCategory, ByGender, ByAgeBand []keyCount
		AtHomeNoPost, WithoutPost                 int
		PostCoverage                              float64
	}
	Points struct {
		Graded                          int
		Average, ExcellentShare         float64
		Grades, Histogram, Consequences []keyCount
	}
	Pledges struct {
		Total          int
		ByState        []keyCount
		FulfilmentRate float64
	}
	CareFund struct{ InFen, OutFen, BalanceFen int }
	Mobile   struct{ Members, ContactedWithin30Days int }
	Elderly  struct{ Members, VisitedThisMonth int }
	Pairings struct{ VillageBranches, PairedBranches, PoorHouseholds, HelpedHouseholds int }
	Leaders  struct {
		Month                  string
		Assignments, Compliant int
	}
	Monthly []struct {
		Month                                         string
		Visits, Contacts, Disbursements, DisbursedFen int
	}
	Children []figures
}

type keyCount struct {
	Key   string
	Count int
}

// of is the count of key in a breakdown, -1 when the key is missing.
func of(cs []keyCount, key string) int {
	for _, c := range cs {
		if c.Key == key {
			return c.Count
		}
	}
	return -1
}

func day25(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }

// analyticsFixture fills the matrix C (2 townships × 2 villages × 1
// branch × 3 members, all FULL and AT_HOME_NO_POST) and a county unit
// with one branch with what the figures count, each row on the edge it
// tests. The expected figures in TestAnalyticsFigures are worked out by
// hand from this list.
func analyticsFixture(t *testing.T, d *testdb.DB) (*apitest.Tree, *apitest.API) {
	tree := apitest.Matrix(t, d.Client, 2, 2, 1, 3)
	ctx, c := systemCtx(), d.Client
	m := func(name string) *ent.Member { return tree.Members[name] }
	o := func(name string) *ent.Org { return tree.Orgs[name] }
	must := func(_ any, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	unit := c.Org.Create().SetName("C.U1").SetKind(org.KindUnit).SetSector(org.SectorAgency).SetParentID(o("C").ID).SaveX(ctx)
	unitBranch := c.Org.Create().SetName("C.U1.B1").SetKind(org.KindBranch).SetSector(org.SectorAgency).SetParentID(unit.ID).SaveX(ctx)
	tree.Orgs[unit.Name], tree.Orgs[unitBranch.Name] = unit, unitBranch
	cadre := c.Member.Create().SetName("C.U1.B1.M1").SetStatus(member.StatusFull).SetGender(member.GenderFemale).
		SetBirthDate(time.Date(1960, 5, 1, 0, 0, 0, 0, time.UTC)).SetBranchID(unitBranch.ID).SaveX(ctx)

	// T1.V1: a cadre of 35 at the year's end (born on the 31st of
	// December 1990), a probationary member of 34 (born 1 January 1991)
	// at home without a post, an activist with no category, gender or
	// birth day.
	must(c.Member.UpdateOne(m("C.T1.V1.B1.M1")).SetCategory(member.CategoryInOfficeCadre).SetGender(member.GenderMale).SetBirthDate(time.Date(1990, 12, 31, 0, 0, 0, 0, time.UTC)).Save(ctx))
	must(c.Member.UpdateOne(m("C.T1.V1.B1.M2")).SetStatus(member.StatusProbationary).SetGender(member.GenderFemale).SetBirthDate(time.Date(1991, 1, 1, 0, 0, 0, 0, time.UTC)).Save(ctx))
	must(c.Member.UpdateOne(m("C.T1.V1.B1.M3")).SetStatus(member.StatusActivist).ClearCategory().Save(ctx))
	// T1.V2: two mobile members, one in contact on 2 December (within 30
	// days of the 31st), one last on 1 December (not); an elderly member
	// visited on 1 December (this month).
	for _, n := range []string{"C.T1.V2.B1.M1", "C.T1.V2.B1.M2"} {
		must(c.Member.UpdateOne(m(n)).SetCategory(member.CategoryMobile).Save(ctx))
	}
	must(c.Member.UpdateOne(m("C.T1.V2.B1.M3")).SetCategory(member.CategoryElderlyInfirm).Save(ctx))
	contact := func(name string, on time.Time) {
		must(c.ContactLog.Create().SetMemberID(m(name).ID).SetBranchID(m(name).BranchID).SetOn(on).SetKind(contactlog.KindCHECK_IN).Save(ctx))
	}
	contact("C.T1.V2.B1.M1", day25(12, 2))
	contact("C.T1.V2.B1.M2", day25(12, 1))
	visit := func(name string, on time.Time) {
		must(c.Visit.Create().SetMemberID(m(name).ID).SetBranchID(m(name).BranchID).SetOn(on).Save(ctx))
	}
	visit("C.T1.V2.B1.M3", day25(12, 1))
	// T2.V1: an elderly member visited only on 30 November, a member at
	// home holding a post.
	must(c.Member.UpdateOne(m("C.T2.V1.B1.M1")).SetCategory(member.CategoryElderlyInfirm).Save(ctx))
	visit("C.T2.V1.B1.M1", day25(11, 30))
	must(c.WelfarePost.Create().SetKind(welfarepost.KindPOLICY_PUBLICITY).SetDuty("政策宣传").SetBranchID(o("C.T2.V1.B1").ID).SetHolderID(m("C.T2.V1.B1.M2").ID).Save(ctx))

	// Points 2025: T1.V1's three results, T2.V1's vetoed member; a 2024
	// result that 2025 must not count.
	result := func(name string, total int, grade annualresult.Grade, consequences ...string) {
		mm := m(name)
		must(c.AnnualResult.Create().SetBranchID(mm.BranchID).SetMemberID(mm.ID).SetYear(2025).SetStatus(string(mm.Status)).
			SetSector("RURAL").SetBase(100).SetBonus(0).SetDeduction(0).SetVetoed(total == 0).SetTotal(total).
			SetGrade(grade).SetConsequences(append([]string{}, consequences...)).Save(ctx))
	}
	result("C.T1.V1.B1.M1", 110, annualresult.GradeExcellent, "RECOMMEND_AWARD")
	result("C.T1.V1.B1.M2", 99, annualresult.GradeQualified)
	result("C.T1.V1.B1.M3", 90, annualresult.GradeQualified)
	result("C.T2.V1.B1.M1", 0, annualresult.GradeUnqualified, "REPORT_VETO")
	must(c.AnnualResult.Create().SetBranchID(o("C.T2.V2.B1").ID).SetMemberID(m("C.T2.V2.B1.M1").ID).SetYear(2024).SetStatus("FULL").
		SetSector("RURAL").SetBase(100).SetBonus(0).SetDeduction(0).SetVetoed(false).SetTotal(100).SetGrade(annualresult.GradeQualified).SetConsequences([]string{}).Save(ctx))

	// closeYear tallies each branch's results; rows put in by hand are
	// tallied as the migration does for years closed before tallies.
	must(nil, points.RollUpMissing(ctx, c))

	// Pledges 2025: an evaluated one in T1.V1 with items fulfilled, partly
	// and not; a draft in T2.V2; a 2024 one not counted.
	topic := c.PledgeTopic.Query().FirstX(ctx)
	pl := func(name string, year int, state pledge.State, results ...pledgeitem.Result) {
		mm := m(name)
		p := c.Pledge.Create().SetMemberID(mm.ID).SetMemberName(mm.Name).SetBranchID(mm.BranchID).SetYear(year).
			SetKind(pledge.KindAnnual).SetState(state).SaveX(ctx)
		for _, r := range results {
			must(c.PledgeItem.Create().SetPledgeID(p.ID).SetBranchID(mm.BranchID).SetMemberID(mm.ID).SetTopicID(topic.ID).
				SetContent("为群众办实事").SetResult(r).Save(ctx))
		}
	}
	pl("C.T1.V1.B1.M1", 2025, pledge.StateEvaluated, pledgeitem.ResultFulfilled, pledgeitem.ResultPartly, pledgeitem.ResultNotFulfilled)
	pl("C.T2.V2.B1.M1", 2025, pledge.StateDraft)
	pl("C.T2.V2.B1.M2", 2024, pledge.StateEvaluated, pledgeitem.ResultFulfilled)

	// The care fund of T1.V1: 10,000 in, 3,000 out on 5 December, a
	// disbursement of 500 reversed.
	fund := func(kind carefundentry.Kind, fen int64, on time.Time) *ent.CareFundEntry {
		q := c.CareFundEntry.Create().SetOrgID(o("C.T1.V1").ID).SetKind(kind).SetAmountFen(fen).SetOn(on)
		if kind != carefundentry.KindDONATION {
			q.SetMemberID(m("C.T1.V1.B1.M2").ID)
		}
		return q.SaveX(ctx)
	}
	fund(carefundentry.KindDONATION, 10000, day25(3, 1))
	fund(carefundentry.KindDISBURSEMENT, 3000, day25(12, 5))
	wrong := fund(carefundentry.KindDISBURSEMENT, 500, day25(6, 1))
	must(c.CareFundEntry.Create().SetOrgID(o("C.T1.V1").ID).SetKind(carefundentry.KindREVERSAL).SetAmountFen(500).SetOn(day25(6, 2)).
		SetReversesID(wrong.ID).SetReversedKind(carefundentry.KindDISBURSEMENT.String()).Save(ctx))

	// Pairings: the unit's branch with T1.V1's (active) and with T2.V1's
	// (ended); a poor household helped in T1.V1, one not in T2.V1, one
	// lifted out in T2.V2.
	pair := func(village string, status branchpairing.Status) {
		must(c.BranchPairing.Create().SetUnitBranchID(unitBranch.ID).SetVillageBranchID(o(village).ID).SetResponsibleID(cadre.ID).
			SetUnitBranchName(unitBranch.Name).SetVillageBranchName(village).SetStartOn(day25(1, 1)).SetStatus(status).Save(ctx))
	}
	pair("C.T1.V1.B1", branchpairing.StatusActive)
	pair("C.T2.V1.B1", branchpairing.StatusEnded)
	household := func(village string, status poorhousehold.Status) *ent.PoorHousehold {
		return c.PoorHousehold.Create().SetVillageID(o(village).ID).SetHead(village + "户主").SetSize(3).SetStatus(status).SetStatusOn(day25(1, 1)).SaveX(ctx)
	}
	h := household("C.T1.V1", poorhousehold.StatusPoor)
	helper := m("C.T1.V1.B1.M1")
	must(c.HelpPairing.Create().SetMemberID(helper.ID).SetHouseholdID(h.ID).SetVillageID(o("C.T1.V1").ID).SetBranchID(helper.BranchID).
		SetMemberName(helper.Name).SetHouseholdHead(h.Head).SetSince(day25(2, 1)).Save(ctx))
	h2 := household("C.T1.V1", poorhousehold.StatusLiftedOut)
	h3 := household("C.T2.V1", poorhousehold.StatusRelapseRisk)
	household("C.T2.V2", poorhousehold.StatusLiftedOut)

	// Leaders 2025 (two more members of the unit): the leader in T1.V1 meets December's quotas (two
	// visits, two households each, a problem solved each); in T2.V1 one
	// visit is short.
	assign := func(township, village string, visits ...[]*ent.PoorHousehold) {
		leader := c.Member.Create().SetName("C.U1.B1." + village).SetStatus(member.StatusFull).SetBranchID(unitBranch.ID).SaveX(ctx)
		a := c.LeaderAssignment.Create().SetLeaderID(leader.ID).SetLeaderName(leader.Name).SetYear(2025).
			SetTownshipID(o(township).ID).SetVillageID(o(village).ID).SaveX(ctx)
		for i, hs := range visits {
			must(c.LeaderVisit.Create().SetAssignmentID(a.ID).SetTownshipID(a.TownshipID).SetLeaderID(leader.ID).
				SetOn(day25(12, 10+i)).SetPlace(village).SetProblemsSolved(1).SetNote("").AddHouseholds(hs...).Save(ctx))
		}
	}
	assign("C.T1", "C.T1.V1", []*ent.PoorHousehold{h, h2}, []*ent.PoorHousehold{h, h2})
	assign("C.T2", "C.T2.V1", []*ent.PoorHousehold{h3})
	return tree, apitest.New(t, d)
}

// TestAnalyticsFigures checks each figure against the fixture, by hand.
func TestAnalyticsFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree, api := analyticsFixture(t, d)
		var out struct{ Analytics figures }
		api.Login(t, "admin", apitest.Password).MustDo(t, analyticsQ, gqlVars("id", gqlID(tree.Orgs["C"].ID)), &out)
		c := out.Analytics
		ms := c.Members
		for _, tc := range []struct {
			what      string
			got, want int
		}{
			{"members (12 in villages, 3 in the unit)", ms.Total, 15},
			{"FULL", of(ms.ByStatus, "FULL"), 13},
			{"PROBATIONARY", of(ms.ByStatus, "PROBATIONARY"), 1},
			{"ACTIVIST", of(ms.ByStatus, "ACTIVIST"), 1},
			{"IN_OFFICE_CADRE", of(ms.ByCategory, "IN_OFFICE_CADRE"), 1},
			{"AT_HOME_NO_POST", of(ms.ByCategory, "AT_HOME_NO_POST"), 6},
			{"MOBILE", of(ms.ByCategory, "MOBILE"), 2},
			{"ELDERLY_INFIRM", of(ms.ByCategory, "ELDERLY_INFIRM"), 2},
			{"no category (the activist, the unit's members)", of(ms.ByCategory, "NONE"), 4},
			{"MALE", of(ms.ByGender, "MALE"), 1},
			{"FEMALE", of(ms.ByGender, "FEMALE"), 2},
			{"no gender", of(ms.ByGender, "NONE"), 12},
			{"18-34 (born 1 January 1991)", of(ms.ByAgeBand, "18-34"), 1},
			{"35-44 (born 31 December 1990)", of(ms.ByAgeBand, "35-44"), 1},
			{"65-74 (born 1960)", of(ms.ByAgeBand, "65-74"), 1},
			{"no birth day", of(ms.ByAgeBand, "NONE"), 12},
			{"at home without a post", ms.AtHomeNoPost, 6},
			{"of them without a post", ms.WithoutPost, 5},
			{"graded in 2025", c.Points.Graded, 4},
			{"EXCELLENT", of(c.Points.Grades, "EXCELLENT"), 1},
			{"QUALIFIED", of(c.Points.Grades, "QUALIFIED"), 2},
			{"UNQUALIFIED", of(c.Points.Grades, "UNQUALIFIED"), 1},
			{"band 110-119", of(c.Points.Histogram, "110-119"), 1},
			{"band 90-99 (99 and 90)", of(c.Points.Histogram, "90-99"), 2},
			{"band 0-9", of(c.Points.Histogram, "0-9"), 1},
			{"REPORT_VETO", of(c.Points.Consequences, "REPORT_VETO"), 1},
			{"pledges of 2025", c.Pledges.Total, 2},
			{"EVALUATED", of(c.Pledges.ByState, "EVALUATED"), 1},
			{"DRAFT", of(c.Pledges.ByState, "DRAFT"), 1},
			{"fund in", c.CareFund.InFen, 10000},
			{"fund out (3,000; 500 reversed)", c.CareFund.OutFen, 3000},
			{"fund balance", c.CareFund.BalanceFen, 7000},
			{"mobile members", c.Mobile.Members, 2},
			{"contacted from 2 December", c.Mobile.ContactedWithin30Days, 1},
			{"elderly members", c.Elderly.Members, 2},
			{"visited in December", c.Elderly.VisitedThisMonth, 1},
			{"village branches", c.Pairings.VillageBranches, 4},
			{"paired (active only)", c.Pairings.PairedBranches, 1},
			{"poor households (not lifted out)", c.Pairings.PoorHouseholds, 2},
			{"helped", c.Pairings.HelpedHouseholds, 1},
			{"leaders' assignments", c.Leaders.Assignments, 2},
			{"meeting December's quotas", c.Leaders.Compliant, 1},
			{"children", len(c.Children), 3},
			{"December visits", c.Monthly[11].Visits, 1},
			{"November visits", c.Monthly[10].Visits, 1},
			{"December contacts", c.Monthly[11].Contacts, 2},
			{"December disbursements", c.Monthly[11].Disbursements, 1},
			{"December disbursed", c.Monthly[11].DisbursedFen, 3000},
			{"June disbursements (reversed later, still paid out then)", c.Monthly[5].Disbursements, 1},
		} {
			if tc.got != tc.want {
				t.Errorf("%s: %d, want %d", tc.what, tc.got, tc.want)
			}
		}
		for _, tc := range []struct {
			what      string
			got, want float64
		}{
			{"average points (110+99+90+0)/4", c.Points.Average, 74.75},
			{"excellent share", c.Points.ExcellentShare, 0.25},
			{"fulfilment rate: 1 of 3 items", c.Pledges.FulfilmentRate, 1.0 / 3},
			{"post coverage: 1 of 6", ms.PostCoverage, 1.0 / 6},
		} {
			if tc.got != tc.want {
				t.Errorf("%s: %v, want %v", tc.what, tc.got, tc.want)
			}
		}
		if c.Leaders.Month != "2025-12" {
			t.Errorf("leaders checked in %q, want 2025-12", c.Leaders.Month)
		}
		if len(c.Monthly) != 12 || c.Monthly[0].Month != "2025-01" || c.Monthly[11].Month != "2025-12" {
			t.Errorf("monthly %v, want January to December 2025", c.Monthly)
		}
		// The children are the county unit and the two townships, by name.
		var names []string
		for _, ch := range c.Children {
			names = append(names, ch.Org.Name)
		}
		if want := []string{"C.T1", "C.T2", "C.U1"}; !slices.Equal(names, want) {
			t.Errorf("children %v, want %v", names, want)
		}
	})
}

// TestAnalyticsAddUp: at every level the children's figures add up to
// the parent's (but for the rows of the parent itself: a village's care
// fund, households and leaders), and each child's own dashboard equals its entry among
// its parent's children.
func TestAnalyticsAddUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree, api := analyticsFixture(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		for _, name := range []string{"C", "C.T1", "C.T2", "C.T1.V1", "C.T2.V1"} {
			var out struct{ Analytics figures }
			admin.MustDo(t, analyticsQ, gqlVars("id", gqlID(tree.Orgs[name].ID)), &out)
			parent := out.Analytics
			if len(parent.Children) == 0 {
				t.Fatalf("%s has no children", name)
			}
			sum := figures{}
			for _, ch := range parent.Children {
				sum = addUp(sum, ch)
				var own struct{ Analytics figures }
				admin.MustDo(t, analyticsQ, gqlVars("id", gqlID(tree.Orgs[ch.Org.Name].ID)), &own)
				own.Analytics.Children = nil
				if a, b := jsonOf(t, own.Analytics), jsonOf(t, ch); a != b {
					t.Errorf("%s's own dashboard differs from its entry under %s:\n%s\n%s", ch.Org.Name, name, a, b)
				}
			}
			want := parent
			want.Children, want.Org = nil, sum.Org
			if tree.Orgs[name].Kind == org.KindVillage {
				// A village's care fund, poor households and leaders'
				// assignments are its own, no branch's: they count for the
				// village alone.
				want.CareFund, want.Pairings.PoorHouseholds, want.Pairings.HelpedHouseholds = sum.CareFund, 0, 0
				want.Leaders.Assignments, want.Leaders.Compliant = 0, 0
				for i := range want.Monthly {
					want.Monthly[i].Disbursements, want.Monthly[i].DisbursedFen = 0, 0
				}
			}
			if a, b := jsonOf(t, counted(want)), jsonOf(t, counted(sum)); a != b {
				t.Errorf("%s: the children add up to\n%s\nthe parent has\n%s", name, b, a)
			}
		}
	})
}

// counted keeps the figures that add up (counts, not rates).
func counted(f figures) figures {
	f.Members.PostCoverage, f.Points.Average, f.Points.ExcellentShare, f.Pledges.FulfilmentRate = 0, 0, 0, 0
	f.Children = nil
	return f
}

// addUp adds the counts of b to a.
func addUp(a, b figures) figures {
	sumCounts := func(x, y []keyCount) []keyCount {
		if x == nil {
			return append([]keyCount{}, y...)
		}
		byKey := map[string]int{}
		var keys []string
		for _, c := range append(append([]keyCount{}, x...), y...) {
			if _, ok := byKey[c.Key]; !ok {
				keys = append(keys, c.Key)
			}
			byKey[c.Key] += c.Count
		}
		out := make([]keyCount, len(keys))
		for i, k := range keys {
			out[i] = keyCount{k, byKey[k]}
		}
		return out
	}
	a.Members.Total += b.Members.Total
	a.Members.ByStatus = sumCounts(a.Members.ByStatus, b.Members.ByStatus)
	a.Members.ByCategory = sumCounts(a.Members.ByCategory, b.Members.ByCategory)
	a.Members.ByGender = sumCounts(a.Members.ByGender, b.Members.ByGender)
	a.Members.ByAgeBand = sumCounts(a.Members.ByAgeBand, b.Members.ByAgeBand)
	a.Members.AtHomeNoPost += b.Members.AtHomeNoPost
	a.Members.WithoutPost += b.Members.WithoutPost
	a.Points.Graded += b.Points.Graded
	a.Points.Grades = sumCounts(a.Points.Grades, b.Points.Grades)
	a.Points.Histogram = sortedCounts(sumCounts(a.Points.Histogram, b.Points.Histogram))
	a.Points.Consequences = sumCounts(a.Points.Consequences, b.Points.Consequences)
	a.Pledges.Total += b.Pledges.Total
	a.Pledges.ByState = sumCounts(a.Pledges.ByState, b.Pledges.ByState)
	a.CareFund.InFen += b.CareFund.InFen
	a.CareFund.OutFen += b.CareFund.OutFen
	a.CareFund.BalanceFen += b.CareFund.BalanceFen
	a.Mobile.Members += b.Mobile.Members
	a.Mobile.ContactedWithin30Days += b.Mobile.ContactedWithin30Days
	a.Elderly.Members += b.Elderly.Members
	a.Elderly.VisitedThisMonth += b.Elderly.VisitedThisMonth
	a.Pairings.VillageBranches += b.Pairings.VillageBranches
	a.Pairings.PairedBranches += b.Pairings.PairedBranches
	a.Pairings.PoorHouseholds += b.Pairings.PoorHouseholds
	a.Pairings.HelpedHouseholds += b.Pairings.HelpedHouseholds
	a.Leaders.Month = b.Leaders.Month
	a.Leaders.Assignments += b.Leaders.Assignments
	a.Leaders.Compliant += b.Leaders.Compliant
	if a.Monthly == nil {
		a.Monthly = slices.Clone(b.Monthly)
	} else {
		for i := range a.Monthly {
			a.Monthly[i].Visits += b.Monthly[i].Visits
			a.Monthly[i].Contacts += b.Monthly[i].Contacts
			a.Monthly[i].Disbursements += b.Monthly[i].Disbursements
			a.Monthly[i].DisbursedFen += b.Monthly[i].DisbursedFen
		}
	}
	return a
}

// sortedCounts orders histogram bands by their lower bound, as the API
// does.
func sortedCounts(cs []keyCount) []keyCount {
	key := func(c keyCount) (int, string) {
		lo, _, _ := strings.Cut(c.Key, "-")
		n, err := strconv.Atoi(lo)
		if err != nil {
			return 0, c.Key
		}
		return n, ""
	}
	out := slices.Clone(cs)
	slices.SortFunc(out, func(a, b keyCount) int {
		x, s := key(a)
		y, t := key(b)
		return cmp.Or(cmp.Compare(x, y), cmp.Compare(s, t))
	})
	return out
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAnalyticsScope: a township's and a village's dashboards count only
// their subtree, equal to their entries in their parent's; a VIEWER sees
// what the ORG_ADMIN of the same org sees; an org outside scope is
// NOT_FOUND; a MEMBER may not read dashboards.
func TestAnalyticsScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree, api := analyticsFixture(t, d)
		as := func(role rolebinding.Role, orgName string) *apitest.Client {
			if role == rolebinding.RoleAdmin {
				return api.Login(t, "admin", apitest.Password)
			}
			return api.Login(t, apitest.Username(role, orgName), apitest.Password)
		}
		dashboard := func(c *apitest.Client, orgName string) string {
			var out struct{ Analytics figures }
			c.MustDo(t, analyticsQ, gqlVars("id", gqlID(tree.Orgs[orgName].ID)), &out)
			return jsonOf(t, out.Analytics)
		}
		for _, name := range []string{"C", "C.T1", "C.T1.V2", "C.T1.V1.B1"} {
			want := dashboard(as(rolebinding.RoleAdmin, ""), name)
			for _, role := range []rolebinding.Role{rolebinding.RoleOrgAdmin, rolebinding.RoleViewer} {
				if got := dashboard(as(role, name), name); got != want {
					t.Errorf("%s of %s sees\n%s\nADMIN sees\n%s", role, name, got, want)
				}
			}
		}
		for _, tc := range []struct {
			role      rolebinding.Role
			at, asked string
			code      string
		}{
			{rolebinding.RoleOrgAdmin, "C.T1", "C", "NOT_FOUND"},
			{rolebinding.RoleOrgAdmin, "C.T1", "C.T2", "NOT_FOUND"},
			{rolebinding.RoleViewer, "C.T1.V1", "C.T1.V2", "NOT_FOUND"},
			{rolebinding.RoleOrgAdmin, "C.T2.V1", "C.T1.V1.B1", "NOT_FOUND"},
			{rolebinding.RoleMember, "C.T1.V1.B1", "C.T1.V1.B1", "FORBIDDEN"},
		} {
			var out struct{ Analytics *figures }
			errs := as(tc.role, tc.at).Do(t, analyticsQ, gqlVars("id", gqlID(tree.Orgs[tc.asked].ID)), &out)
			if len(errs) == 0 || errs[0].Code() != tc.code || out.Analytics != nil {
				t.Errorf("%s of %s asking for %s: %v, want %s", tc.role, tc.at, tc.asked, errs, tc.code)
			}
		}
	})
}

// TestAnalyticsRanking: each metric orders the children best first, ties
// share a rank, children without the figure are left out, first keeps
// the top.
func TestAnalyticsRanking(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree, api := analyticsFixture(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		for _, tc := range []struct {
			metric string
			first  any
			want   string
		}{
			{"MEMBERS", nil, "1 C.T1 6, 1 C.T2 6, 3 C.U1 3"},
			{"MEMBERS", 2, "1 C.T1 6, 1 C.T2 6"},
			{"AVERAGE_POINTS", nil, "1 C.T1 99.667, 2 C.T2 0"},
			{"EXCELLENT_SHARE", 1, "1 C.T1 0.333"},
			{"PLEDGE_FULFILMENT", nil, "1 C.T1 0.333"},
			{"VISIT_COMPLIANCE", nil, "1 C.T1 1, 2 C.T2 0"},
		} {
			var out struct {
				Analytics struct {
					Ranking []struct {
						Rank  int
						Value float64
						Org   struct{ Name string }
					}
				}
			}
			admin.MustDo(t, `query($id: ID!, $m: RankMetric!, $first: Int) { analytics(orgID: $id, year: 2025) { ranking(metric: $m, first: $first) { rank value org { name } } } }`,
				gqlVars("id", gqlID(tree.Orgs["C"].ID), "m", tc.metric, "first", tc.first), &out)
			var got []string
			for _, r := range out.Analytics.Ranking {
				got = append(got, fmt.Sprintf("%d %s %s", r.Rank, r.Org.Name, strconv.FormatFloat(math.Round(r.Value*1000)/1000, 'f', -1, 64)))
			}
			if g := strings.Join(got, ", "); g != tc.want {
				t.Errorf("ranking by %s (first %v): %s, want %s", tc.metric, tc.first, g, tc.want)
			}
		}
	})
}

// TestPointTallies: the rollup of approved entries (EntryTally) is kept
// by each approval and each reversal, never by a declaration or a
// rejection, and rebuilt from the entries it equals what was kept; the
// dashboard's monthly series reads it.
func TestPointTallies(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		// Periods: 15 March is March, 16 March April, 16 December 2023
		// January 2024.
		approve := func(name, title, on string) string {
			id := w.declare(t, countyAdmin, name, title, on, "BRANCH_RECORDED")
			w.as(countyAdmin).MustDo(t, reviewEntryQ, gqlVars("id", id, "ok", true), nil)
			return id
		}
		first := approve("C.T1.V1.B1.M1", bonusPoor, "2024-03-15")
		approve("C.T1.V1.B1.M3", bonusPoor, "2024-03-16")
		approve("C.T1.V1.B2.M1", bonusPoor, "2023-12-16")
		approve("C.T2.V1.B1.M1", deductDues, "2024-04-01")
		w.declare(t, b1Admin, "C.T1.V1.B1.M1", deductDues, "2024-05-01", "BRANCH_RECORDED")
		rejected := w.declare(t, b1Admin, "C.T1.V1.B1.M3", deductDues, "2024-05-02", "BRANCH_RECORDED")
		w.as(b1Admin).MustDo(t, reviewEntryQ, gqlVars("id", rejected, "ok", false, "r", "无据"), nil)
		w.as(b1Admin).MustDo(t, `mutation($id: ID!) { reversePointEntry(id: $id, reason: "重复登记", on: "2024-05-20") { id } }`, gqlVars("id", first), nil)

		ctx := systemCtx()
		tallies := func() string {
			var rows []string
			for _, pt := range d.Client.EntryTally.Query().Order(ent.Asc("branch_id"), ent.Asc("period")).AllX(ctx) {
				rows = append(rows, fmt.Sprintf("%d %s %d", pt.BranchID, pt.Period, pt.Approved))
			}
			return strings.Join(rows, "; ")
		}
		b := func(name string) int { return w.tree.Orgs[name].ID }
		// The reversal counts in the period of the entry it reverses.
		want := fmt.Sprintf("%d 2024-03 2; %d 2024-04 1; %d 2024-01 1; %d 2024-04 1",
			b("C.T1.V1.B1"), b("C.T1.V1.B1"), b("C.T1.V1.B2"), b("C.T2.V1.B1"))
		if !(b("C.T1.V1.B1") < b("C.T1.V1.B2") && b("C.T1.V1.B2") < b("C.T2.V1.B1")) {
			t.Fatal("the fixture's branch IDs are not in name order")
		}
		maintained := tallies()
		if maintained != want {
			t.Errorf("tallies kept %s, want %s", maintained, want)
		}
		if err := db.WithTx(ctx, d.Client, func(tx *ent.Tx) error { return rollup.Rebuild(ctx, tx.Client()) }); err != nil {
			t.Fatal(err)
		}
		if rebuilt := tallies(); rebuilt != maintained {
			t.Errorf("rebuilt %s, kept %s", rebuilt, maintained)
		}

		var out struct {
			Analytics struct {
				Monthly  []struct{ EntriesApproved int }
				Children []struct {
					Monthly []struct{ EntriesApproved int }
				}
			}
		}
		w.as(countyViewer).MustDo(t, `query($id: ID!) { analytics(orgID: $id, year: 2024) { monthly { entriesApproved } children { monthly { entriesApproved } } } }`,
			gqlVars("id", w.org("C")), &out)
		var got []int
		for _, m := range out.Analytics.Monthly {
			got = append(got, m.EntriesApproved)
		}
		if want := []int{1, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("entries approved by month %v, want %v", got, want)
		}
		if t2 := out.Analytics.Children[1].Monthly[3].EntriesApproved; t2 != 1 {
			t.Errorf("C.T2 approved %d in April, want 1", t2)
		}
	})
}

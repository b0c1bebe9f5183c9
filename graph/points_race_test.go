package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/pointappeal"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/pointhalfyear"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/testdb"
)

// concurrently sends the requests at once, released together, and
// answers each one's error code, "" when it succeeded.
func concurrently(t *testing.T, requests ...func() []apitest.Error) []string {
	t.Helper()
	codes := make([]string, len(requests))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, req := range requests {
		wg.Go(func() {
			<-start
			if errs := req(); len(errs) > 0 {
				codes[i] = errs[0].Code()
			}
		})
	}
	close(start)
	wg.Wait()
	return codes
}

// onlyConflicts fails on any code but success and CONFLICT: a lost race
// is CONFLICT, never INTERNAL.
func onlyConflicts(t *testing.T, round string, codes []string) {
	t.Helper()
	for _, c := range codes {
		if c != "" && c != "CONFLICT" {
			t.Errorf("%s: a request answered %s (%v), want success or CONFLICT", round, c, codes)
		}
	}
}

// pointsBranches are the world's branches, each with its members M1–M3.
var pointsBranches = []string{"C.T1.V1.B1", "C.T1.V1.B2", "C.T2.V1.B1", "C.T2.V1.B2"}

// pointsRaceYears are the years the race tests play, one catalogue each.
var pointsRaceYears = []int{2021, 2022, 2023, 2024}

// TestPointsCloseHalfYearRace: entries are declared and approved while
// the branch closes the half-year they fall in, all at once over HTTP.
// However the requests interleave, the outcome is one of the serial
// ones: the close wins and the declarations are CONFLICT, or a
// declaration wins and the close is CONFLICT (its entry awaits review).
// A closed half-year never holds an entry that is not reviewed.
func TestPointsCloseHalfYearRace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		closes := 0
		for _, year := range pointsRaceYears {
			items, _ := w.catalogue(t, year)
			for _, branch := range pointsBranches {
				for half := 1; half <= 2; half++ {
					round := fmt.Sprintf("%s %d/%d", branch, year, half)
					end := points.HalfEnd(year, half)
					last, after := day.Format(end), day.Format(end.AddDate(0, 0, 1))
					declare := func(m string) func() []apitest.Error {
						return func() []apitest.Error {
							return w.as(countyAdmin).Do(t, declareQ, gqlVars("in", entryInput(w.member(branch+"."+m), items[bonusPoor], last, "BRANCH_RECORDED")), nil)
						}
					}
					requests := []func() []apitest.Error{
						func() []apitest.Error {
							return w.as(countyAdmin).Do(t, closeHalfQ, gqlVars("b", w.org(branch), "y", year, "h", half, "on", after), nil)
						},
						declare("M1"), declare("M2"),
					}
					// In the first half an entry declared before is
					// approved at the same time: the close waits for it.
					if half == 1 {
						var pending struct{ DeclarePoints struct{ ID string } }
						w.as(countyAdmin).MustDo(t, declareQ, gqlVars("in", entryInput(w.member(branch+".M3"), items[bonusPoor], last, "BRANCH_RECORDED")), &pending)
						requests = append(requests, func() []apitest.Error {
							return w.as(countyAdmin).Do(t, reviewEntryQ, gqlVars("id", pending.DeclarePoints.ID, "ok", true), nil)
						})
					}
					codes := concurrently(t, requests...)
					onlyConflicts(t, round, codes)
					if codes[0] == "" {
						closes++
						if codes[1] == "" || codes[2] == "" || (half == 1 && codes[3] != "") {
							t.Errorf("%s: the half-year closed, yet declarations and review answered %q", round, codes[1:])
						}
					}
				}
			}
		}
		t.Logf("%d of %d half-years closed", closes, 2*len(pointsRaceYears)*len(pointsBranches))
		// Whatever won: no closed half-year holds an entry awaiting review.
		ctx := systemCtx()
		for _, hy := range d.Client.PointHalfYear.Query().AllX(ctx) {
			from, to := points.HalfPeriods(hy.Year, hy.Half)
			if n := d.Client.PointEntry.Query().Where(pointentry.BranchID(hy.BranchID), pointentry.Year(hy.Year),
				pointentry.PeriodGTE(from), pointentry.PeriodLTE(to), pointentry.StateEQ(pointentry.StateDeclared)).CountX(ctx); n > 0 {
				t.Errorf("half %d of %d of branch %d is closed with %d entries not reviewed", hy.Half, hy.Year, hy.BranchID, n)
			}
		}
	})
}

// TestPointsPublishRace: during a half-year's feedback, an entry is
// reversed and another appealed while the branch publishes the half-year
// and closes the year, all at once over HTTP. The outcome is one of the
// serial ones: a published half-year holds no open appeal, and the year's
// frozen result is what the ledger adds up to, the reversal included
// exactly when it exists.
func TestPointsPublishRace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		ctx := systemCtx()
		tally := map[string]int{}
		for _, year := range pointsRaceYears {
			items, _ := w.catalogue(t, year)
			for _, branch := range pointsBranches {
				round := fmt.Sprintf("%s %d", branch, year)
				b, m1 := w.org(branch), branch+".M1"
				entry := func(on string) string {
					var out struct{ DeclarePoints struct{ ID string } }
					w.as(countyAdmin).MustDo(t, declareQ, gqlVars("in", entryInput(w.member(m1), items[bonusPoor], on, "BRANCH_RECORDED")), &out)
					w.as(countyAdmin).MustDo(t, reviewEntryQ, gqlVars("id", out.DeclarePoints.ID, "ok", true), nil)
					return out.DeclarePoints.ID
				}
				reversed, appealed := entry(fmt.Sprintf("%d-08-01", year)), entry(fmt.Sprintf("%d-09-01", year))
				var h1, h2 struct{ CloseHalfYear struct{ ID string } }
				w.as(countyAdmin).MustDo(t, closeHalfQ, gqlVars("b", b, "y", year, "h", 1, "on", fmt.Sprintf("%d-06-16", year)), &h1)
				w.as(countyAdmin).MustDo(t, publishHalfQ, gqlVars("id", h1.CloseHalfYear.ID), nil)
				w.as(countyAdmin).MustDo(t, closeHalfQ, gqlVars("b", b, "y", year, "h", 2, "on", fmt.Sprintf("%d-12-16", year)), &h2)

				var closeYear []apitest.Error
				codes := concurrently(t,
					func() []apitest.Error {
						return w.as(countyAdmin).Do(t, reverseQ, gqlVars("id", reversed, "r", "登记错误"), nil)
					},
					func() []apitest.Error {
						return w.as(apitest.Username(rolebinding.RoleMember, branch)).Do(t, appealQ, gqlVars("e", appealed, "t", "有误"), nil)
					},
					func() []apitest.Error {
						errs := w.as(countyAdmin).Do(t, publishHalfQ, gqlVars("id", h2.CloseHalfYear.ID), nil)
						if len(errs) == 0 {
							closeYear = w.as(countyAdmin).Do(t, closeYearQ, gqlVars("b", b, "y", year, "on", fmt.Sprintf("%d-12-16", year)), nil)
						}
						return errs
					},
				)
				onlyConflicts(t, round, codes)
				if len(closeYear) > 0 {
					t.Errorf("%s: closing the year after publishing: %v", round, closeYear)
				}
				tally[fmt.Sprintf("reverse %q appeal %q publish %q", codes[0], codes[1], codes[2])]++
				if codes[1] == "" && codes[2] == "" {
					t.Errorf("%s: the appeal and the publication both succeeded", round)
				}
				if codes[2] != "" {
					continue
				}
				// The frozen result is the ledger's sum: two contributions,
				// less the reversal when there is one.
				r := d.Client.AnnualResult.Query().Where(annualresult.MemberID(w.tree.Members[m1].ID), annualresult.Year(year)).OnlyX(ctx)
				var sum []struct{ Sum int }
				d.Client.PointEntry.Query().Where(pointentry.MemberID(w.tree.Members[m1].ID), pointentry.Year(year), pointentry.StateEQ(pointentry.StateApproved)).
					Aggregate(ent.Sum(pointentry.FieldPoints)).ScanX(ctx, &sum)
				if r.Bonus != sum[0].Sum {
					t.Errorf("%s: the year's frozen bonus is %d, the ledger adds up to %d (reverse %q)", round, r.Bonus, sum[0].Sum, codes[0])
				}
			}
		}
		t.Logf("outcomes %v", tally)
		if n := d.Client.PointAppeal.Query().Where(pointappeal.StateEQ(pointappeal.StateOpen),
			pointappeal.HasHalfYearWith(pointhalfyear.StateEQ(pointhalfyear.StatePublished))).CountX(ctx); n > 0 {
			t.Errorf("%d open appeals in published half-years", n)
		}
	})
}

package pledge_test

import (
	"context"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/pledgeitem"
	"github.com/partyorg/partyorg/internal/apitest"
	pledges "github.com/partyorg/partyorg/internal/pledge"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// TestOutcomes: what the points practice reads of a member's year — its
// evaluated pledges only, tallied per kind.
func TestOutcomes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 1, 1, 1, 2)
		ctx := viewer.NewSystemContext(context.Background())
		m := tree.Members["C.T1.V1.B1.M1"]
		topic := d.Client.PledgeTopic.Query().FirstIDX(ctx)
		add := func(year int, kind pledge.Kind, state pledge.State, results ...pledgeitem.Result) {
			p := d.Client.Pledge.Create().SetMemberID(m.ID).SetMemberName(m.Name).SetBranchID(m.BranchID).
				SetYear(year).SetKind(kind).SetState(state).SetEvaluatedOn(time.Date(year+1, 1, 5, 0, 0, 0, 0, time.UTC)).SaveX(ctx)
			for _, r := range results {
				d.Client.PledgeItem.Create().SetPledgeID(p.ID).SetBranchID(p.BranchID).SetMemberID(p.MemberID).
					SetTopicID(topic).SetContent("内容").SetResult(r).ExecX(ctx)
			}
		}
		F, P, N := pledgeitem.ResultFulfilled, pledgeitem.ResultPartly, pledgeitem.ResultNotFulfilled
		add(2024, pledge.KindAnnual, pledge.StateEvaluated, F, F, P, N)
		add(2024, pledge.KindTerm, pledge.StateEvaluated, F)
		add(2025, pledge.KindAnnual, pledge.StatePublished, F)
		got, err := pledges.Outcomes(ctx, d.Client, m.ID, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d outcomes, want 2: %+v", len(got), got)
		}
		a, term := got[0], got[1]
		if a.Kind != pledge.KindAnnual || a.Items != 4 || a.Fulfilled != 2 || a.Partly != 1 || a.NotFulfilled != 1 || a.AllFulfilled() {
			t.Errorf("annual: %+v", a)
		}
		if term.Kind != pledge.KindTerm || !term.AllFulfilled() {
			t.Errorf("term: %+v", term)
		}
		if got, err := pledges.Outcomes(ctx, d.Client, m.ID, 2025); err != nil || len(got) != 0 {
			t.Errorf("a year without an evaluated pledge: %+v, %v", got, err)
		}
	})
}

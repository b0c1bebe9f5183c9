package demo_test

import (
	"testing"

	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/internal/demo"
)

// TestLoadPledges: the demo county has pledges in every state, taken there
// by the rules of internal/pledge.
func TestLoadPledges(t *testing.T) {
	ctx := sysCtx()
	client := newClient(t)
	if _, err := demo.Load(ctx, client); err != nil {
		t.Fatal(err)
	}
	for _, s := range []pledge.State{pledge.StateDraft, pledge.StateSubmitted, pledge.StateReturned, pledge.StateApproved, pledge.StatePublished, pledge.StateEvaluated} {
		if n := client.Pledge.Query().Where(pledge.StateEQ(s)).CountX(ctx); n == 0 {
			t.Errorf("no %s pledge in the demo", s)
		}
	}
	if client.PledgeReview.Query().CountX(ctx) == 0 || client.PledgeProgress.Query().CountX(ctx) == 0 {
		t.Error("the demo has no pledge reviews or progress reports")
	}
}

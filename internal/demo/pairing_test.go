package demo_test

import (
	"fmt"
	"testing"

	"github.com/partyorg/partyorg/ent/leaderassignment"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/pairing"
)

// TestLoadPairings: the demo has every kind of pairing, and a leader who
// meets the monthly quotas in November and misses them in December.
func TestLoadPairings(t *testing.T) {
	ctx := sysCtx()
	client := newClient(t)
	if _, err := demo.Load(ctx, client); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{
		"branch pairings":  client.BranchPairing.Query().CountX(ctx),
		"joint activities": client.JointActivity.Query().CountX(ctx),
		"poor households":  client.PoorHousehold.Query().CountX(ctx),
		"help pairings":    client.HelpPairing.Query().CountX(ctx),
		"help records":     client.HelpRecord.Query().CountX(ctx),
		"leaders":          client.LeaderAssignment.Query().CountX(ctx),
		"leader visits":    client.LeaderVisit.Query().CountX(ctx),
	} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	year := day.Today().Year() - 1
	a := client.LeaderAssignment.Query().Where(leaderassignment.HasVisits()).OnlyX(ctx)
	for month, ok := range map[string]bool{"11": true, "12": false} {
		c, err := pairing.MonthCompliance(ctx, client, a, fmt.Sprintf("%d-%s", year, month))
		if err != nil {
			t.Fatal(err)
		}
		if c.OK != ok {
			t.Errorf("%s: %+v, want ok %v", month, c, ok)
		}
	}
}

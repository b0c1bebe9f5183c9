package graph_test

import (
	"sync"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/carefundentry"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/pledge"
	"github.com/partyorg/partyorg/ent/poorhousehold"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestDashboardCache: a dashboard asked again after a write to any of
// its families answers what a server without the cache answers, and
// asked again with no write between it is answered from the cache.
func TestDashboardCache(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree, cached := analyticsFixture(t, d)
		cfg := apitest.Config()
		cfg.DashboardCache = -1
		fresh := apitest.NewWith(t, d, cfg)
		ctx, c := systemCtx(), d.Client
		m := func(name string) *ent.Member { return tree.Members[name] }
		o := func(name string) *ent.Org { return tree.Orgs[name] }
		ask := func(api *apitest.API, org string) string {
			var out struct{ Analytics figures }
			api.Login(t, "admin", apitest.Password).MustDo(t, analyticsQ, gqlVars("id", gqlID(o(org).ID)), &out)
			return jsonOf(t, out.Analytics)
		}
		for _, w := range []struct {
			family string
			write  func() error
		}{
			{"members", func() error {
				return c.Member.UpdateOne(m("C.T2.V2.B1.M3")).SetStatus(member.StatusProbationary).Exec(ctx)
			}},
			{"posts", func() error {
				return c.WelfarePost.Create().SetKind(welfarepost.KindPOLICY_PUBLICITY).SetDuty("政策宣传").
					SetBranchID(o("C.T2.V2.B1").ID).SetHolderID(m("C.T2.V2.B1.M1").ID).Exec(ctx)
			}},
			{"mobile", func() error {
				mm := m("C.T1.V2.B1.M2")
				return c.ContactLog.Create().SetMemberID(mm.ID).SetBranchID(mm.BranchID).SetOn(day25(12, 20)).SetKind(contactlog.KindCHECK_IN).Exec(ctx)
			}},
			{"elderly", func() error {
				mm := m("C.T2.V1.B1.M1")
				return c.Visit.Create().SetMemberID(mm.ID).SetBranchID(mm.BranchID).SetOn(day25(12, 15)).Exec(ctx)
			}},
			{"care fund", func() error {
				return c.CareFundEntry.Create().SetOrgID(o("C.T2.V1").ID).SetKind(carefundentry.KindDONATION).SetAmountFen(100).SetOn(day25(12, 1)).Exec(ctx)
			}},
			{"pledges", func() error {
				mm := m("C.T1.V2.B1.M3")
				return c.Pledge.Create().SetMemberID(mm.ID).SetMemberName(mm.Name).SetBranchID(mm.BranchID).SetYear(2025).
					SetKind(pledge.KindAnnual).SetState(pledge.StateDraft).Exec(ctx)
			}},
			{"pairings", func() error {
				h := c.PoorHousehold.Query().Where(poorhousehold.VillageID(o("C.T1.V1").ID), poorhousehold.StatusEQ(poorhousehold.StatusPoor)).OnlyX(ctx)
				return h.Update().SetStatus(poorhousehold.StatusLiftedOut).SetStatusOn(day25(12, 1)).Exec(ctx)
			}},
		} {
			for _, org := range []string{"C", "C.T1", "C.T2.V1"} {
				ask(cached, org) // kept
			}
			before := ask(fresh, "C")
			if err := w.write(); err != nil {
				t.Fatalf("%s: %v", w.family, err)
			}
			after := ask(fresh, "C")
			if after == before {
				t.Fatalf("%s: the write changes no figure; the case tests nothing", w.family)
			}
			for _, org := range []string{"C", "C.T1", "C.T2.V1"} {
				if got, want := ask(cached, org), ask(fresh, org); got != want {
					t.Errorf("%s, %s: the cache answers\n%s\nafter the write, the figures are\n%s", w.family, org, got, want)
				}
			}
		}

		statements := func(api *apitest.API) int64 {
			n := d.Statements.Load()
			ask(api, "C")
			return d.Statements.Load() - n
		}
		ask(cached, "C")
		hit, miss := statements(cached), statements(fresh)
		t.Logf("statements: %d answered from the cache, %d computed", hit, miss)
		if hit >= miss/2 {
			t.Errorf("a repeated dashboard ran %d statements, a computed one %d: not answered from the cache", hit, miss)
		}

		// Requests for one answer that arrive together after a write
		// compute it once and all get it.
		if err := c.Member.UpdateOne(m("C.T2.V2.B1.M2")).SetStatus(member.StatusProbationary).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		want := ask(fresh, "C")
		admin := cached.Login(t, "admin", apitest.Password)
		const n = 8
		got := make([]string, n)
		start := d.Statements.Load()
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var out struct{ Analytics figures }
				admin.MustDo(t, analyticsQ, gqlVars("id", gqlID(o("C").ID)), &out)
				got[i] = jsonOf(t, out.Analytics)
			})
		}
		wg.Wait()
		if ran := d.Statements.Load() - start; ran > miss+n*hit {
			t.Errorf("%d requests together ran %d statements: more than one computation (%d) and %d hits", n, ran, miss, n-1)
		}
		for i, g := range got {
			if g != want {
				t.Errorf("request %d of %d together answered\n%s\nwant\n%s", i+1, n, g, want)
			}
		}
	})
}

package classification_test

import (
	"fmt"
	"testing"

	"github.com/partyorg/partyorg/ent/categorychange"
	"github.com/partyorg/partyorg/ent/contactlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/trainingrecord"
	"github.com/partyorg/partyorg/ent/welfarepost"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestClassificationScope: every new type is scoped like Member — root
// lists and their counts, node, and where-filters over edges — from each
// level, and a member reads the records about itself.
func TestClassificationScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		ctx := systemCtx()
		c := d.Client
		type record struct {
			typ, township, about string
			id                   int
		}
		var recs []record
		add := func(typ, township, about string, id func() int, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s in %s: %v", typ, township, err)
			}
			recs = append(recs, record{typ, township, about, id()})
		}
		for _, tw := range []string{"C.T1", "C.T2"} {
			b := tw + ".V1.B1"
			m := func(i int) int { return f.tree.Members[fmt.Sprintf("%s.M%d", b, i)].ID }
			f.setCategory(tw+".V1.B2.M1", member.CategoryInOfficeCadre)
			f.setCategory(b+".M3", member.CategoryElderlyInfirm)
			holder := m(1)
			p, err := classification.CreateWelfarePost(ctx, c, classification.CreateWelfarePostInput{
				BranchID: f.tree.Orgs[b].ID, Kind: welfarepost.KindENVIRONMENT, Duty: "保洁", HolderID: &holder})
			add("WelfarePost", tw, b+".M1", func() int { return p.ID }, err)
			tr, err := classification.RecordTraining(ctx, c, classification.RecordTrainingInput{
				MemberID: m(1), Course: "党史", Level: trainingrecord.LevelCOUNTY, Hours: 2})
			add("TrainingRecord", tw, b+".M1", func() int { return tr.ID }, err)
			mr, err := classification.RegisterDeparture(ctx, c, classification.RegisterDepartureInput{
				MemberID: m(2), Destination: "杭州", ContactID: f.tree.Members[tw+".V1.B2.M1"].ID})
			add("MobileRecord", tw, b+".M2", func() int { return mr.ID }, err)
			_, err = classification.LogContact(ctx, c, classification.LogContactInput{MemberID: m(2), Kind: contactlog.KindCHECK_IN})
			add("ContactLog", tw, b+".M2", func() int { return c.ContactLog.Query().Where(contactlog.MemberID(m(2))).OnlyIDX(ctx) }, err)
			hc, err := classification.IssueHelpCard(ctx, c, classification.IssueHelpCardInput{MemberID: m(3), Needs: "买药", HelperID: m(1)})
			add("HelpCard", tw, b+".M3", func() int { return hc.ID }, err)
			v, err := classification.RecordVisit(ctx, c, classification.RecordVisitInput{MemberID: m(3)})
			add("Visit", tw, b+".M3", func() int { return v.ID }, err)
			don, err := classification.Donate(ctx, c, classification.DonateToCareFundInput{FundOrgID: f.tree.Orgs[b].ID, AmountFen: 500, Donor: "乡贤"})
			add("CareFundEntry", tw, "", func() int { return don.ID }, err)
			dis, err := classification.Disburse(ctx, c, classification.DisburseCareFundInput{
				FundOrgID: f.tree.Orgs[b].ID, MemberID: m(1), AmountFen: 200, Reason: "慰问"})
			add("CareFundEntry", tw, b+".M1", func() int { return dis.ID }, err)
			cc := c.CategoryChange.Query().Where(categorychange.MemberID(m(3))).FirstIDX(ctx)
			add("CategoryChange", tw, b+".M3", func() int { return cc }, nil)
		}
		accounts := []struct {
			user    string
			sees    func(r record) bool
			members int // members with a post, through hasPostWith
		}{
			{"admin", func(record) bool { return true }, 2},
			{orgViewer("C"), func(record) bool { return true }, 2},
			{orgAdmin("C.T1"), func(r record) bool { return r.township == "C.T1" }, 1},
			{orgViewer("C.T1.V1"), func(r record) bool { return r.township == "C.T1" }, 1},
			{orgAdmin("C.T1.V1.B1"), func(r record) bool { return r.township == "C.T1" }, 1},
			{orgAdmin("C.T1.V1.B2"), func(record) bool { return false }, 0},
			{orgAdmin("C.T2"), func(r record) bool { return r.township == "C.T2" }, 1},
			{orgMember("C.T1.V1.B1"), func(r record) bool { return r.about == "C.T1.V1.B1.M1" }, 1},
		}
		lists := map[string]string{"WelfarePost": "welfarePosts", "MobileRecord": "mobileRecords", "HelpCard": "helpCards", "CareFundEntry": "careFundEntries"}
		for _, a := range accounts {
			cl := f.as(a.user)
			for typ, field := range lists {
				want := 0
				for _, r := range recs {
					if r.typ == typ && a.sees(r) {
						want++
					}
				}
				var out map[string]struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
				cl.MustDo(t, `{ `+field+` { totalCount edges { node { id } } } }`, nil, &out)
				if got := out[field]; got.TotalCount != want || len(got.Edges) != want {
					t.Errorf("%s: %s totalCount %d, %d edges, want %d", a.user, field, got.TotalCount, len(got.Edges), want)
				}
			}
			for _, r := range recs {
				// Out of scope is as if it did not exist: null, NOT_FOUND.
				var out struct{ Node *struct{ ID string } }
				errs := cl.Do(t, `query($id: ID!) { node(id: $id) { id } }`, gqlVars("id", gqlID(r.id)), &out)
				if len(errs) > 0 && (len(errs) != 1 || errs[0].Code() != "NOT_FOUND" || out.Node != nil) {
					t.Errorf("%s: node(%s): %v", a.user, r.typ, errs)
				}
				if got := out.Node != nil; got != a.sees(r) {
					t.Errorf("%s: node(%s in %s about %s) visible %v, want %v", a.user, r.typ, r.township, r.about, got, a.sees(r))
				}
			}
			var out struct{ Members struct{ TotalCount int } }
			cl.MustDo(t, `{ members(where: {hasPostWith: {kind: ENVIRONMENT}}) { totalCount } }`, nil, &out)
			if out.Members.TotalCount != a.members {
				t.Errorf("%s: members with a post %d, want %d", a.user, out.Members.TotalCount, a.members)
			}
		}
		// A filter over an edge cannot see through the scope: the T2 post's
		// holder is invisible to T1's admin even by name.
		var probe struct{ WelfarePosts struct{ TotalCount int } }
		f.as(orgAdmin("C.T1")).MustDo(t, `query($n: String!) { welfarePosts(where: {hasHolderWith: {name: $n}}) { totalCount } }`,
			gqlVars("n", "C.T2.V1.B1.M1"), &probe)
		if probe.WelfarePosts.TotalCount != 0 {
			t.Errorf("T1's admin finds %d posts held by a T2 member", probe.WelfarePosts.TotalCount)
		}
	})
}

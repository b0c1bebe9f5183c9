package classification_test

import (
	"testing"

	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestWelfarePosts: a post's holder is an AT_HOME_NO_POST member of its
// village branch, one post per member; withoutPost lists who has none.
func TestWelfarePosts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		const b1 = "C.T1.V1.B1"
		admin := orgAdmin("C.T1.V1")
		f.setCategory(b1+".M3", member.CategoryInOfficeCadre)
		post := func(holder any) map[string]any {
			return gqlVars("in", map[string]any{"branchID": f.o(b1), "kind": "DISPUTE_MEDIATION", "duty": "调解邻里纠纷", "holderID": holder})
		}
		// Three at home without a post in B1 (M1, M2 and nobody else: M3 is a cadre).
		if n := f.count(admin, map[string]any{"withoutPost": true, "withinOrg": f.o(b1)}); n != 2 {
			t.Fatalf("withoutPost in %s before any post: %d, want 2", b1, n)
		}
		f.refuse("post for an in-office cadre", admin, createPostQ, post(f.m(b1+".M3")), "BAD_USER_INPUT")
		f.refuse("post for a member of another branch", admin, createPostQ, post(f.m("C.T1.V1.B2.M1")), "BAD_USER_INPUT")
		f.refuse("post in a village, not a branch", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o("C.T1.V1"), "kind": "ENVIRONMENT", "duty": "x"}), "BAD_USER_INPUT")
		f.refuse("post without a duty", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "ENVIRONMENT", "duty": "  "}), "BAD_USER_INPUT")
		f.refuse("term ending before it starts", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "ENVIRONMENT", "duty": "x", "termStart": "2026-01-02", "termEnd": "2026-01-01"}), "BAD_USER_INPUT")
		f.refuse("viewer creates a post", orgViewer("C.T1"), createPostQ, post(nil), "FORBIDDEN")
		f.refuse("other township creates a post", orgAdmin("C.T2"), createPostQ, post(nil), "NOT_FOUND")
		f.refuse("unknown kind", admin, createPostQ, gqlVars("in", map[string]any{
			"branchID": f.o(b1), "kind": "GUARD", "duty": "x"}), "BAD_USER_INPUT")

		var p struct{ CreateWelfarePost struct{ ID string } }
		f.as(admin).MustDo(t, createPostQ, post(f.m(b1+".M1")), &p)
		f.refuse("a second post for the holder", admin, createPostQ, post(f.m(b1+".M1")), "CONFLICT")
		if n := f.count(admin, map[string]any{"withoutPost": true, "withinOrg": f.o(b1)}); n != 1 {
			t.Errorf("withoutPost after M1's post: %d, want 1", n)
		}
		if n := f.count(admin, map[string]any{"withoutPost": false, "withinOrg": f.o(b1)}); n != 1 {
			t.Errorf("withoutPost false (holders): %d, want 1", n)
		}
		// A vacant post, then given to M2; M2 may not take M1's too.
		var vacant struct{ CreateWelfarePost struct{ ID string } }
		f.as(admin).MustDo(t, createPostQ, post(nil), &vacant)
		f.refuse("assign to a cadre", admin, assignPostQ, gqlVars("id", vacant.CreateWelfarePost.ID, "h", f.m(b1+".M3")), "BAD_USER_INPUT")
		f.refuse("viewer assigns", orgViewer("C.T1.V1"), assignPostQ, gqlVars("id", vacant.CreateWelfarePost.ID, "h", f.m(b1+".M2")), "FORBIDDEN")
		f.as(admin).MustDo(t, assignPostQ, gqlVars("id", vacant.CreateWelfarePost.ID, "h", f.m(b1+".M2")), nil)
		f.refuse("assign a second post", admin, assignPostQ, gqlVars("id", p.CreateWelfarePost.ID, "h", f.m(b1+".M2")), "CONFLICT")
		if n := f.count(admin, map[string]any{"withoutPost": true, "withinOrg": f.o(b1)}); n != 0 {
			t.Errorf("withoutPost with both posts held: %d, want 0", n)
		}
		// Leaving AT_HOME_NO_POST leaves the post vacant.
		f.as(admin).MustDo(t, changeCategoryQ, gqlVars("in", map[string]any{
			"memberID": f.m(b1 + ".M2"), "category": "ELDERLY_INFIRM", "reason": "年老"}), nil)
		var got struct {
			Node struct {
				Holder          *struct{ ID string }
				ViewerCanAssign bool
			}
		}
		f.as(admin).MustDo(t, `query($id: ID!) { node(id: $id) { ... on WelfarePost { holder { id } viewerCanAssign } } }`,
			gqlVars("id", vacant.CreateWelfarePost.ID), &got)
		if got.Node.Holder != nil || !got.Node.ViewerCanAssign {
			t.Errorf("post after its holder became elderly: %+v, want vacant and assignable", got.Node)
		}
		f.as(orgViewer("C.T1.V1")).MustDo(t, `query($id: ID!) { node(id: $id) { ... on WelfarePost { holder { id } viewerCanAssign } } }`,
			gqlVars("id", vacant.CreateWelfarePost.ID), &got)
		if got.Node.ViewerCanAssign {
			t.Error("a viewer can assign")
		}
	})
}

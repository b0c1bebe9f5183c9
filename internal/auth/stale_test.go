package auth_test

import (
	"strconv"
	"testing"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestNoStaleRights changes a signed-in account's rights between requests
// on the same token and checks that the very next request sees the
// change, although deciders are cached across requests: a grant, a
// revoke, a move of the org a grant is held at, and disabling.
func TestNoStaleRights(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 1, 2)
		api := apitest.New(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		username := apitest.Username(rolebinding.RoleViewer, "C.T1.V1")
		u := api.Login(t, username, apitest.Password)
		userID := strconv.Itoa(tree.Users[username].ID)
		id := func(name string) string { return strconv.Itoa(tree.Orgs[name].ID) }
		memberID := strconv.Itoa(tree.Members["C.T1.V1.B1.M1"].ID)

		count := func() int {
			t.Helper()
			var out struct{ Members struct{ TotalCount int } }
			u.MustDo(t, `{ members { totalCount } }`, nil, &out)
			return out.Members.TotalCount
		}
		updateCode := func() string {
			t.Helper()
			errs := u.Do(t, `mutation($id: ID!) { updateMember(id: $id, input: {phone: "13900000000"}) { id } }`, map[string]any{"id": memberID}, nil)
			if len(errs) == 0 {
				return ""
			}
			return errs[0].Code()
		}
		grant := func(role, org string) string {
			t.Helper()
			var out struct{ GrantRole struct{ ID string } }
			admin.MustDo(t, `mutation($u: ID!, $r: Role!, $o: ID) { grantRole(userID: $u, role: $r, orgID: $o) { id } }`,
				map[string]any{"u": userID, "r": role, "o": id(org)}, &out)
			return out.GrantRole.ID
		}
		revoke := func(binding string) {
			t.Helper()
			admin.MustDo(t, `mutation($id: ID!) { revokeRole(id: $id) }`, map[string]any{"id": binding}, nil)
		}
		// expect asks twice, so that the second answer comes from a
		// decider cached by the first.
		expect := func(step string, wantCount int, wantUpdate string) {
			t.Helper()
			for range 2 {
				if n := count(); n != wantCount {
					t.Fatalf("%s: sees %d members, want %d", step, n, wantCount)
				}
				if code := updateCode(); code != wantUpdate {
					t.Fatalf("%s: updateMember gives %q, want %q", step, code, wantUpdate)
				}
			}
		}

		expect("VIEWER of C.T1.V1", 2, "FORBIDDEN")
		orgAdmin := grant("ORG_ADMIN", "C.T1.V1")
		expect("granted ORG_ADMIN of C.T1.V1", 2, "")
		viewerT2 := grant("VIEWER", "C.T2")
		expect("granted VIEWER of C.T2", 6, "")
		revoke(orgAdmin)
		expect("revoked ORG_ADMIN", 6, "FORBIDDEN")
		revoke(viewerT2)
		expect("revoked VIEWER of C.T2", 2, "FORBIDDEN")

		// The grant's org moves: its path changes, and the scope follows.
		admin.MustDo(t, `mutation($id: ID!, $p: ID!) { updateOrg(id: $id, input: {parentID: $p}) { id } }`,
			map[string]any{"id": id("C.T1.V1"), "p": id("C.T2")}, nil)
		expect("C.T1.V1 moved under C.T2", 2, "FORBIDDEN")

		admin.MustDo(t, `mutation($id: ID!) { updateUser(id: $id, input: {disabled: true}) { id } }`, map[string]any{"id": userID}, nil)
		errs := u.Do(t, `{ members { totalCount } }`, nil, nil)
		if len(errs) == 0 || errs[0].Code() != "UNAUTHENTICATED" {
			t.Fatalf("disabled: %v, want UNAUTHENTICATED", errs)
		}
	})
}

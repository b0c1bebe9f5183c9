package graph_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/auditlog"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// The mutations under test, each taking its arguments as variables.
const (
	createOrgQ    = `mutation($in: CreateOrgInput!) { createOrg(input: $in) { id } }`
	updateOrgQ    = `mutation($id: ID!, $in: UpdateOrgInput!) { updateOrg(id: $id, input: $in) { id } }`
	deleteOrgQ    = `mutation($id: ID!) { deleteOrg(id: $id) }`
	createMemberQ = `mutation($in: CreateMemberInput!) { createMember(input: $in) { id } }`
	updateMemberQ = `mutation($id: ID!, $in: UpdateMemberInput!) { updateMember(id: $id, input: $in) { id } }`
	deleteMemberQ = `mutation($id: ID!) { deleteMember(id: $id) }`
	createUserQ   = `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`
	updateUserQ   = `mutation($id: ID!, $in: UpdateUserInput!) { updateUser(id: $id, input: $in) { id } }`
	grantRoleQ    = `mutation($user: ID!, $role: Role!, $org: ID) { grantRole(userID: $user, role: $role, orgID: $org) { id } }`
	revokeRoleQ   = `mutation($id: ID!) { revokeRole(id: $id) }`
)

// refusal is a write that must fail with code and change nothing.
type refusal struct {
	name   string
	user   string // username of the caller
	query  string
	vars   map[string]any
	target int // the row the mutation names (or creates under)
	code   string
}

// TestWritesOutsideScope: a write that names anything outside the caller's
// read scope is NOT_FOUND, as if it did not exist, and writes nothing.
func TestWritesOutsideScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		o, m, u := tree.Orgs, tree.Members, tree.Users
		t1Admin := apitest.Username(rolebinding.RoleOrgAdmin, "C.T1")
		v1Admin := apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1")
		t2Viewer := u[apitest.Username(rolebinding.RoleViewer, "C.T2")]
		v1Viewer := u[apitest.Username(rolebinding.RoleViewer, "C.T1.V1")]
		t2Binding := bindingOf(t, d, t2Viewer.ID)
		cases := []refusal{
			{"createOrg under C.T2", t1Admin, createOrgQ,
				gqlVars("in", orgInput("X", "VILLAGE", o["C.T2"])), o["C.T2"].ID, "NOT_FOUND"},
			{"createOrg under C", t1Admin, createOrgQ,
				gqlVars("in", orgInput("C.T9", "TOWNSHIP", o["C"])), o["C"].ID, "NOT_FOUND"},
			{"updateOrg C.T2.V1", t1Admin, updateOrgQ,
				gqlVars("id", gqlID(o["C.T2.V1"].ID), "in", map[string]any{"name": "renamed"}), o["C.T2.V1"].ID, "NOT_FOUND"},
			{"updateOrg above own home", v1Admin, updateOrgQ,
				gqlVars("id", gqlID(o["C.T1"].ID), "in", map[string]any{"name": "renamed"}), o["C.T1"].ID, "NOT_FOUND"},
			{"move C.T1.V1 under C.T2", t1Admin, updateOrgQ,
				gqlVars("id", gqlID(o["C.T1.V1"].ID), "in", map[string]any{"parentID": gqlID(o["C.T2"].ID)}), o["C.T1.V1"].ID, "NOT_FOUND"},
			{"deleteOrg C.T2.V1.B1", t1Admin, deleteOrgQ,
				gqlVars("id", gqlID(o["C.T2.V1.B1"].ID)), o["C.T2.V1.B1"].ID, "NOT_FOUND"},
			{"createMember in C.T2.V1.B1", t1Admin, createMemberQ,
				gqlVars("in", memberInput("X", o["C.T2.V1.B1"])), o["C.T2.V1.B1"].ID, "NOT_FOUND"},
			{"updateMember of C.T2", t1Admin, updateMemberQ,
				gqlVars("id", gqlID(m["C.T2.V1.B1.M1"].ID), "in", map[string]any{"name": "renamed"}), m["C.T2.V1.B1.M1"].ID, "NOT_FOUND"},
			{"deleteMember of C.T2", t1Admin, deleteMemberQ,
				gqlVars("id", gqlID(m["C.T2.V1.B1.M2"].ID)), m["C.T2.V1.B1.M2"].ID, "NOT_FOUND"},
			{"move C.T1 member to a C.T2 branch", t1Admin, updateMemberQ,
				gqlVars("id", gqlID(m["C.T1.V1.B1.M2"].ID), "in", map[string]any{"branchID": gqlID(o["C.T2.V1.B1"].ID)}), m["C.T1.V1.B1.M2"].ID, "NOT_FOUND"},
			{"createUser at C.T2", t1Admin, createUserQ,
				gqlVars("in", map[string]any{"username": "newuser", "password": apitest.Password, "orgID": gqlID(o["C.T2"].ID)}), o["C.T2"].ID, "NOT_FOUND"},
			{"createUser with a role at C.T2", t1Admin, createUserQ,
				gqlVars("in", map[string]any{"username": "newuser", "password": apitest.Password, "role": "VIEWER", "orgID": gqlID(o["C.T2"].ID)}), o["C.T2"].ID, "NOT_FOUND"},
			{"createUser for a C.T2 member", t1Admin, createUserQ,
				gqlVars("in", map[string]any{"username": "newuser", "password": apitest.Password, "memberID": gqlID(m["C.T2.V1.B1.M2"].ID)}), m["C.T2.V1.B1.M2"].ID, "NOT_FOUND"},
			{"updateUser of C.T2", t1Admin, updateUserQ,
				gqlVars("id", gqlID(t2Viewer.ID), "in", map[string]any{"disabled": true}), t2Viewer.ID, "NOT_FOUND"},
			{"grantRole at C", t1Admin, grantRoleQ,
				gqlVars("user", gqlID(v1Viewer.ID), "role", "VIEWER", "org", gqlID(o["C"].ID)), v1Viewer.ID, "NOT_FOUND"},
			{"grantRole to a C.T2 account", t1Admin, grantRoleQ,
				gqlVars("user", gqlID(t2Viewer.ID), "role", "VIEWER", "org", gqlID(o["C.T1"].ID)), t2Viewer.ID, "NOT_FOUND"},
			// ADMIN is held at the root, above every ORG_ADMIN's home: the
			// root is not an object one can fail to find, so FORBIDDEN.
			{"grantRole ADMIN", t1Admin, grantRoleQ,
				gqlVars("user", gqlID(v1Viewer.ID), "role", "ADMIN"), v1Viewer.ID, "FORBIDDEN"},
			{"revokeRole at C.T2", t1Admin, revokeRoleQ,
				gqlVars("id", gqlID(t2Binding)), t2Binding, "NOT_FOUND"},
		}
		runRefusals(t, d, api, cases)
	})
}

// TestWritesForbidden: inside the caller's read scope, a write its role
// does not permit is FORBIDDEN and writes nothing.
func TestWritesForbidden(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		o, m, u := tree.Orgs, tree.Members, tree.Users
		viewerT1 := apitest.Username(rolebinding.RoleViewer, "C.T1")
		memberB1 := apitest.Username(rolebinding.RoleMember, "C.T1.V1.B1")
		v1Viewer := u[apitest.Username(rolebinding.RoleViewer, "C.T1.V1")]
		b2Admin := u[apitest.Username(rolebinding.RoleOrgAdmin, "C.T1.V1.B2")]
		v1Binding := bindingOf(t, d, v1Viewer.ID)
		own := m["C.T1.V1.B1.M1"]
		cases := []refusal{
			{"viewer: updateOrg C.T1.V1", viewerT1, updateOrgQ,
				gqlVars("id", gqlID(o["C.T1.V1"].ID), "in", map[string]any{"name": "renamed"}), o["C.T1.V1"].ID, "FORBIDDEN"},
			{"viewer: move C.T1.V2.B1 under C.T1.V1", viewerT1, updateOrgQ,
				gqlVars("id", gqlID(o["C.T1.V2.B1"].ID), "in", map[string]any{"parentID": gqlID(o["C.T1.V1"].ID)}), o["C.T1.V2.B1"].ID, "FORBIDDEN"},
			{"viewer: deleteOrg C.T1.V1.B2", viewerT1, deleteOrgQ,
				gqlVars("id", gqlID(o["C.T1.V1.B2"].ID)), o["C.T1.V1.B2"].ID, "FORBIDDEN"},
			{"viewer: createOrg under C.T1", viewerT1, createOrgQ,
				gqlVars("in", orgInput("C.T1.V9", "VILLAGE", o["C.T1"])), o["C.T1"].ID, "FORBIDDEN"},
			{"viewer: createMember in C.T1.V1.B1", viewerT1, createMemberQ,
				gqlVars("in", memberInput("X", o["C.T1.V1.B1"])), o["C.T1.V1.B1"].ID, "FORBIDDEN"},
			{"viewer: updateMember", viewerT1, updateMemberQ,
				gqlVars("id", gqlID(m["C.T1.V1.B1.M2"].ID), "in", map[string]any{"name": "renamed"}), m["C.T1.V1.B1.M2"].ID, "FORBIDDEN"},
			{"viewer: deleteMember", viewerT1, deleteMemberQ,
				gqlVars("id", gqlID(m["C.T1.V1.B1.M2"].ID)), m["C.T1.V1.B1.M2"].ID, "FORBIDDEN"},
			{"viewer: createUser at C.T1.V1", viewerT1, createUserQ,
				gqlVars("in", map[string]any{"username": "newuser", "password": apitest.Password, "role": "VIEWER", "orgID": gqlID(o["C.T1.V1"].ID)}), o["C.T1.V1"].ID, "FORBIDDEN"},
			{"viewer: updateUser", viewerT1, updateUserQ,
				gqlVars("id", gqlID(v1Viewer.ID), "in", map[string]any{"disabled": true}), v1Viewer.ID, "FORBIDDEN"},
			{"viewer: grantRole at C.T1.V1", viewerT1, grantRoleQ,
				gqlVars("user", gqlID(b2Admin.ID), "role", "VIEWER", "org", gqlID(o["C.T1.V1"].ID)), b2Admin.ID, "FORBIDDEN"},
			{"viewer: revokeRole", viewerT1, revokeRoleQ,
				gqlVars("id", gqlID(v1Binding)), v1Binding, "FORBIDDEN"},
			{"member: updateMember of itself", memberB1, updateMemberQ,
				gqlVars("id", gqlID(own.ID), "in", map[string]any{"name": "renamed"}), own.ID, "FORBIDDEN"},
			{"member: deleteMember of itself", memberB1, deleteMemberQ,
				gqlVars("id", gqlID(own.ID)), own.ID, "FORBIDDEN"},
			{"member: createMember in its branch", memberB1, createMemberQ,
				gqlVars("in", memberInput("X", o["C.T1.V1.B1"])), o["C.T1.V1.B1"].ID, "FORBIDDEN"},
			{"member: updateOrg of its branch", memberB1, updateOrgQ,
				gqlVars("id", gqlID(o["C.T1.V1.B1"].ID), "in", map[string]any{"name": "renamed"}), o["C.T1.V1.B1"].ID, "FORBIDDEN"},
			{"member: updateUser of itself", memberB1, updateUserQ,
				gqlVars("id", gqlID(u[memberB1].ID), "in", map[string]any{"disabled": false}), u[memberB1].ID, "FORBIDDEN"},
		}
		runRefusals(t, d, api, cases)
	})
}

// runRefusals runs each case as a subtest: the mutation must fail with the
// case's code, return no data, and leave the database as it was.
func runRefusals(t *testing.T, d *testdb.DB, api *apitest.API, cases []refusal) {
	t.Helper()
	clients := map[string]*apitest.Client{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clients[tc.user]
			if c == nil {
				c = api.Login(t, tc.user, apitest.Password)
				clients[tc.user] = c
			}
			before := dbSnapshot(t, d, tc.target)
			var data map[string]any
			errs := c.Do(t, tc.query, tc.vars, &data)
			expectCode(t, errs, tc.code)
			for k, v := range data {
				if v != nil {
					t.Errorf("data.%s = %v, want null", k, v)
				}
			}
			expectUnchanged(t, before, dbSnapshot(t, d, tc.target))
		})
	}
}

// TestWritesAllowed: the permitted counterparts of the refusals above
// succeed, as ORG_ADMIN of C.T1, and do what they say.
func TestWritesAllowed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		o, m := tree.Orgs, tree.Members
		admin := api.Login(t, apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"), apitest.Password)
		ctx := systemCtx()
		audits := func() int { return d.Client.AuditLog.Query().CountX(ctx) }
		// Each write leaves one audit entry at least, naming the caller.
		expectAudited := func(t *testing.T, before int) {
			t.Helper()
			if n := audits(); n <= before {
				t.Errorf("audit log has %d entries, had %d: the write was not audited", n, before)
			}
			last := d.Client.AuditLog.Query().Order(ent.Desc(auditlog.FieldID)).FirstX(ctx)
			if last.Actor != "org_admin.c-t1" {
				t.Errorf("last audit entry's actor = %q, want org_admin.c-t1", last.Actor)
			}
		}

		var village, branch, newMember, newUser, binding int
		t.Run("createOrg village under C.T1", func(t *testing.T) {
			n := audits()
			var out struct{ CreateOrg struct{ ID string } }
			admin.MustDo(t, createOrgQ, gqlVars("in", orgInput("C.T1.V9", "VILLAGE", o["C.T1"])), &out)
			village = parseGQLID(t, out.CreateOrg.ID)
			got := d.Client.Org.GetX(ctx, village)
			if got.ParentID != o["C.T1"].ID || got.Kind != org.KindVillage || got.Path != o["C.T1"].Path+orgtree.Segment(village)+"/" {
				t.Errorf("created org: parent %d kind %s path %q; want parent %d, VILLAGE, path under %q", got.ParentID, got.Kind, got.Path, o["C.T1"].ID, o["C.T1"].Path)
			}
			expectAudited(t, n)
		})
		t.Run("createOrg branch under it", func(t *testing.T) {
			n := audits()
			var out struct{ CreateOrg struct{ ID string } }
			admin.MustDo(t, createOrgQ, gqlVars("in", orgInput("C.T1.V9.B1", "BRANCH", &ent.Org{ID: village})), &out)
			branch = parseGQLID(t, out.CreateOrg.ID)
			if got := d.Client.Org.GetX(ctx, branch); got.ParentID != village || got.Kind != org.KindBranch {
				t.Errorf("created org: parent %d kind %s; want parent %d, BRANCH", got.ParentID, got.Kind, village)
			}
			expectAudited(t, n)
		})
		t.Run("createMember in it", func(t *testing.T) {
			n := audits()
			var out struct{ CreateMember struct{ ID string } }
			admin.MustDo(t, createMemberQ, gqlVars("in", memberInput("C.T1.V9.B1.M1", &ent.Org{ID: branch})), &out)
			newMember = parseGQLID(t, out.CreateMember.ID)
			if got := d.Client.Member.GetX(ctx, newMember); got.BranchID != branch || got.Name != "C.T1.V9.B1.M1" {
				t.Errorf("created member: branch %d name %q; want %d, C.T1.V9.B1.M1", got.BranchID, got.Name, branch)
			}
			expectAudited(t, n)
		})
		t.Run("move C.T1.V2.B1 under C.T1.V1", func(t *testing.T) {
			n := audits()
			b := o["C.T1.V2.B1"]
			admin.MustDo(t, updateOrgQ, gqlVars("id", gqlID(b.ID), "in", map[string]any{"parentID": gqlID(o["C.T1.V1"].ID)}), nil)
			if got := d.Client.Org.GetX(ctx, b.ID); got.ParentID != o["C.T1.V1"].ID || got.Path != o["C.T1.V1"].Path+orgtree.Segment(b.ID)+"/" {
				t.Errorf("moved org: parent %d path %q; want parent %d, path under %q", got.ParentID, got.Path, o["C.T1.V1"].ID, o["C.T1.V1"].Path)
			}
			expectAudited(t, n)
			// The move carries the branch's members into the new village's
			// scope and out of the old one's.
			mid := gqlID(m["C.T1.V2.B1.M1"].ID)
			for who, want := range map[string]bool{"C.T1.V1": true, "C.T1.V2": false} {
				c := api.Login(t, apitest.Username(rolebinding.RoleOrgAdmin, who), apitest.Password)
				var out struct{ Node *struct{ ID string } }
				// An unseen node is null with a NOT_FOUND error, like a missing one.
				for _, e := range c.Do(t, `query($id: ID!) { node(id: $id) { id } }`, gqlVars("id", mid), &out) {
					if e.Code() != "NOT_FOUND" {
						t.Errorf("node: %v", e)
					}
				}
				if (out.Node != nil) != want {
					t.Errorf("ORG_ADMIN of %s sees the moved member: %v, want %v", who, out.Node != nil, want)
				}
			}
		})
		t.Run("createUser VIEWER at C.T1.V1", func(t *testing.T) {
			n := audits()
			var out struct{ CreateUser struct{ ID string } }
			admin.MustDo(t, createUserQ, gqlVars("in", map[string]any{
				"username": "new.viewer", "password": "password456", "role": "VIEWER", "orgID": gqlID(o["C.T1.V1"].ID),
			}), &out)
			newUser = parseGQLID(t, out.CreateUser.ID)
			got := d.Client.User.Query().Where(user.ID(newUser)).WithRoles().OnlyX(ctx)
			if got.OrgID != o["C.T1.V1"].ID || len(got.Edges.Roles) != 1 ||
				got.Edges.Roles[0].Role != rolebinding.RoleViewer || got.Edges.Roles[0].OrgID != o["C.T1.V1"].ID {
				t.Errorf("created user: org %d roles %v; want org %d with one VIEWER binding there", got.OrgID, got.Edges.Roles, o["C.T1.V1"].ID)
			}
			expectAudited(t, n)
			// The new account signs in and reads its village, not the township.
			c := api.Login(t, "new.viewer", "password456")
			var q struct{ Orgs struct{ TotalCount int } }
			c.MustDo(t, `{ orgs { totalCount } }`, nil, &q)
			if q.Orgs.TotalCount != 4 {
				t.Errorf("new VIEWER of C.T1.V1 sees %d orgs, want 4 (the village, its two branches, the branch moved in)", q.Orgs.TotalCount)
			}
		})
		t.Run("grantRole ORG_ADMIN at the new village", func(t *testing.T) {
			n := audits()
			var out struct{ GrantRole struct{ ID string } }
			admin.MustDo(t, grantRoleQ, gqlVars("user", gqlID(newUser), "role", "ORG_ADMIN", "org", gqlID(village)), &out)
			binding = parseGQLID(t, out.GrantRole.ID)
			got := d.Client.RoleBinding.GetX(ctx, binding)
			if got.UserID != newUser || got.Role != rolebinding.RoleOrgAdmin || got.OrgID != village {
				t.Errorf("granted binding: user %d role %s org %d; want %d ORG_ADMIN %d", got.UserID, got.Role, got.OrgID, newUser, village)
			}
			expectAudited(t, n)
		})
		t.Run("revokeRole", func(t *testing.T) {
			n := audits()
			var out struct{ RevokeRole bool }
			admin.MustDo(t, revokeRoleQ, gqlVars("id", gqlID(binding)), &out)
			if !out.RevokeRole {
				t.Error("revokeRole returned false")
			}
			if d.Client.RoleBinding.Query().Where(rolebinding.ID(binding)).ExistX(ctx) {
				t.Error("the revoked binding still exists")
			}
			expectAudited(t, n)
		})
		t.Run("updateMember and deleteMember", func(t *testing.T) {
			admin.MustDo(t, updateMemberQ, gqlVars("id", gqlID(newMember), "in", map[string]any{"name": "renamed", "status": "PROBATIONARY"}), nil)
			if got := d.Client.Member.GetX(ctx, newMember); got.Name != "renamed" || got.Status != member.StatusProbationary {
				t.Errorf("updated member: %q %s, want renamed PROBATIONARY", got.Name, got.Status)
			}
			admin.MustDo(t, deleteMemberQ, gqlVars("id", gqlID(newMember)), nil)
			if d.Client.Member.Query().Where(member.ID(newMember)).ExistX(ctx) {
				t.Error("the deleted member still exists")
			}
		})
		t.Run("deleteOrg of the emptied branch", func(t *testing.T) {
			admin.MustDo(t, deleteOrgQ, gqlVars("id", gqlID(branch)), nil)
			if d.Client.Org.Query().Where(org.ID(branch)).ExistX(ctx) {
				t.Error("the deleted org still exists")
			}
		})
	})
}

// TestViewerCanAgreesWithMutations: for the ORG_ADMIN and the VIEWER of
// C.T1 and the MEMBER of C.T1.V1.B1, every viewerCan… field on a sample
// of objects predicts its mutation: true and the mutation succeeds, false
// and it is FORBIDDEN (or otherwise refused) and writes nothing. Where a
// permitted mutation would damage the fixture it acts on a scratch object
// made for it.
func TestViewerCanAgreesWithMutations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		o, m, u := tree.Orgs, tree.Members, tree.Users
		ctx := systemCtx()
		callers := []struct {
			username string
			// Whether the caller may write at all: a sanity check that
			// the fields are not constant.
			writes bool
		}{
			{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"), true},
			{apitest.Username(rolebinding.RoleViewer, "C.T1"), false},
			{apitest.Username(rolebinding.RoleMember, "C.T1.V1.B1"), false},
		}
		for _, caller := range callers {
			t.Run(caller.username, func(t *testing.T) {
				c := api.Login(t, caller.username, apitest.Password)
				a := agreement{t: t, d: d, c: c}

				seen := 0
				for _, name := range []string{"C.T1", "C.T1.V1", "C.T1.V1.B1"} {
					sample := o[name]
					var f orgCans
					if !a.node(sample.ID, orgCansQ, &f) {
						continue // outside this caller's read scope
					}
					seen++
					a.expect(name+".viewerCanUpdate", f.ViewerCanUpdate, caller.writes)
					a.check(name+" updateOrg", f.ViewerCanUpdate, "FORBIDDEN", updateOrgQ,
						gqlVars("id", gqlID(sample.ID), "in", map[string]any{"name": sample.Name}), sample.ID, nil)
					// The samples are not empty: a permitted delete is a
					// CONFLICT, a refused one FORBIDDEN, and neither writes.
					a.check(name+" deleteOrg (not empty)", false, pick(f.ViewerCanDelete, "CONFLICT", "FORBIDDEN"), deleteOrgQ,
						gqlVars("id", gqlID(sample.ID)), sample.ID, nil)
					a.expect(name+".viewerCanGrantRole", f.ViewerCanGrantRole, caller.writes)
					// The caller grants to itself: the one account every
					// caller can read.
					self := u[caller.username]
					a.check(name+" grantRole", f.ViewerCanGrantRole, "FORBIDDEN", grantRoleQ,
						gqlVars("user", gqlID(self.ID), "role", "VIEWER", "org", gqlID(sample.ID)), self.ID,
						func(data map[string]any) { // undo the grant
							id := parseGQLID(t, data["grantRole"].(map[string]any)["id"].(string))
							rawDelete(t, d, rolebinding.Table, id)
						})

					if len(f.ChildKinds) == 0 {
						if f.ViewerCanCreateChild {
							t.Errorf("%s.viewerCanCreateChild is true but nothing may sit under a %s", name, sample.Kind)
						}
					} else {
						a.expect(name+".viewerCanCreateChild", f.ViewerCanCreateChild, caller.writes)
						a.check(name+" createOrg", f.ViewerCanCreateChild, "FORBIDDEN", createOrgQ,
							gqlVars("in", orgInput(name+".NEW", f.ChildKinds[len(f.ChildKinds)-1], sample)), sample.ID,
							func(data map[string]any) {
								id := parseGQLID(t, data["createOrg"].(map[string]any)["id"].(string))
								d.Client.Org.DeleteOneID(id).ExecX(ctx)
							})
					}
					// Only a branch holds members; elsewhere the field is
					// false and the mutation refused, whoever asks.
					a.expect(name+".viewerCanCreateMember", f.ViewerCanCreateMember, caller.writes && sample.Kind == org.KindBranch)
					a.check(name+" createMember", f.ViewerCanCreateMember, pick(sample.Kind == org.KindBranch || !caller.writes, "FORBIDDEN", "BAD_USER_INPUT"), createMemberQ,
						gqlVars("in", memberInput(name+".NEW", sample)), sample.ID,
						func(data map[string]any) {
							id := parseGQLID(t, data["createMember"].(map[string]any)["id"].(string))
							rawDelete(t, d, member.Table, id)
						})

					// An empty org under the sample, for a delete that can succeed.
					if sample.Kind == org.KindBranch {
						continue
					}
					scratch := d.Client.Org.Create().SetName(name + ".EMPTY").SetKind(org.KindBranch).
						SetSector(org.SectorRural).SetParentID(sample.ID).SaveX(ctx)
					var sf orgCans
					if a.node(scratch.ID, orgCansQ, &sf) {
						a.expect(name+".EMPTY.viewerCanDelete", sf.ViewerCanDelete, caller.writes)
						a.check(name+".EMPTY deleteOrg", sf.ViewerCanDelete, "FORBIDDEN", deleteOrgQ,
							gqlVars("id", gqlID(scratch.ID)), scratch.ID, nil)
					}
					if d.Client.Org.Query().Where(org.ID(scratch.ID)).ExistX(ctx) {
						d.Client.Org.DeleteOneID(scratch.ID).ExecX(ctx)
					}
				}

				if seen == 0 {
					t.Errorf("%s reads none of the sample orgs: nothing was checked", caller.username)
				}

				// Members: the member account's own record and a scratch
				// member of the same branch, for deletes.
				own := m["C.T1.V1.B1.M1"]
				var mf memberCans
				if a.node(own.ID, memberCansQ, &mf) {
					a.expect("M1.viewerCanUpdate", mf.ViewerCanUpdate, caller.writes)
					a.check("M1 updateMember", mf.ViewerCanUpdate, "FORBIDDEN", updateMemberQ,
						gqlVars("id", gqlID(own.ID), "in", map[string]any{"name": own.Name}), own.ID, nil)
					a.check("M1 move to another branch", mf.ViewerCanUpdate, "FORBIDDEN", updateMemberQ,
						gqlVars("id", gqlID(own.ID), "in", map[string]any{"branchID": gqlID(o["C.T1.V1.B2"].ID)}), own.ID,
						func(map[string]any) {
							d.Client.Member.UpdateOneID(own.ID).SetBranchID(own.BranchID).ExecX(ctx)
						})
				} else {
					t.Errorf("%s cannot read member %s", caller.username, own.Name)
				}
				scratchM := d.Client.Member.Create().SetName("SCRATCH").SetStatus(member.StatusFull).
					SetCategory(member.CategoryAtHomeNoPost).SetBranchID(o["C.T1.V1.B1"].ID).SaveX(ctx)
				if a.node(scratchM.ID, memberCansQ, &mf) {
					a.expect("SCRATCH.viewerCanDelete", mf.ViewerCanDelete, caller.writes)
					a.check("SCRATCH deleteMember", mf.ViewerCanDelete, "FORBIDDEN", deleteMemberQ,
						gqlVars("id", gqlID(scratchM.ID)), scratchM.ID, nil)
				}
				rawDelete(t, d, member.Table, scratchM.ID)

				// Users: the caller itself and an account of C.T1.V1.
				for _, sample := range []*ent.User{u[caller.username], u[apitest.Username(rolebinding.RoleViewer, "C.T1.V1")]} {
					var uf userCans
					if !a.node(sample.ID, userCansQ, &uf) {
						continue
					}
					a.expect(sample.Username+".viewerCanUpdate", uf.ViewerCanUpdate, caller.writes)
					a.check(sample.Username+" updateUser", uf.ViewerCanUpdate, "FORBIDDEN", updateUserQ,
						gqlVars("id", gqlID(sample.ID), "in", map[string]any{"disabled": false}), sample.ID, nil)
					// Bindings: a revoke that succeeds is undone.
					for _, b := range uf.Roles {
						id := parseGQLID(t, b.ID)
						old := d.Client.RoleBinding.GetX(ctx, id)
						a.check(sample.Username+" revokeRole "+b.Role, b.ViewerCanRevoke, "FORBIDDEN", revokeRoleQ,
							gqlVars("id", b.ID), id, func(map[string]any) {
								d.Client.RoleBinding.Create().SetUserID(old.UserID).SetRole(old.Role).
									SetNillableOrgID(nilIfZero(old.OrgID)).ExecX(ctx)
							})
					}
				}
			})
		}
	})
}

const (
	orgCansQ = `query($id: ID!) { node(id: $id) { ... on Org { viewerCanUpdate viewerCanDelete
		viewerCanCreateChild viewerCanCreateMember viewerCanGrantRole childKinds } } }`
	memberCansQ = `query($id: ID!) { node(id: $id) { ... on Member { viewerCanUpdate viewerCanDelete } } }`
	userCansQ   = `query($id: ID!) { node(id: $id) { ... on User { viewerCanUpdate roles { id role viewerCanRevoke } } } }`
)

type orgCans struct {
	ViewerCanUpdate, ViewerCanDelete, ViewerCanCreateChild, ViewerCanCreateMember, ViewerCanGrantRole bool
	ChildKinds                                                                                        []string
}

type memberCans struct{ ViewerCanUpdate, ViewerCanDelete bool }

type userCans struct {
	ViewerCanUpdate bool
	Roles           []struct {
		ID, Role        string
		ViewerCanRevoke bool
	}
}

// agreement checks viewerCan… fields against their mutations for one caller.
type agreement struct {
	t *testing.T
	d *testdb.DB
	c *apitest.Client
}

// node reads the fields of query for id into out; false when the caller
// cannot see the object.
func (a agreement) node(id int, query string, out any) bool {
	a.t.Helper()
	var res struct{ Node json.RawMessage }
	for _, e := range a.c.Do(a.t, query, gqlVars("id", gqlID(id)), &res) {
		// An unseen node is null with a NOT_FOUND error, like a missing one.
		if e.Code() != "NOT_FOUND" {
			a.t.Errorf("node %d: %v", id, e)
		}
	}
	if len(res.Node) == 0 || string(res.Node) == "null" {
		return false
	}
	if err := json.Unmarshal(res.Node, out); err != nil {
		a.t.Fatal(err)
	}
	return true
}

// expect checks a field against what the caller's role implies.
func (a agreement) expect(field string, got, want bool) {
	a.t.Helper()
	if got != want {
		a.t.Errorf("%s = %v, want %v", field, got, want)
	}
}

// check runs a mutation that a viewerCan… field said can: when can, it
// must succeed (undo, if set, then restores the fixture); otherwise it
// must fail with refused and write nothing.
func (a agreement) check(name string, can bool, refused, query string, vars map[string]any, target int, undo func(map[string]any)) {
	a.t.Helper()
	before := dbSnapshot(a.t, a.d, target)
	var data map[string]any
	errs := a.c.Do(a.t, query, vars, &data)
	if can {
		if len(errs) > 0 {
			a.t.Errorf("%s: viewerCan… said yes, the mutation said %v", name, errs)
			return
		}
		if undo != nil {
			undo(data)
		}
		return
	}
	if len(errs) == 0 {
		a.t.Errorf("%s: viewerCan… said no, the mutation succeeded", name)
		if undo != nil {
			undo(data)
		}
		return
	}
	if errs[0].Code() != refused {
		a.t.Errorf("%s: refused with %v, want %s", name, errs, refused)
	}
	if diff := dbStateDiff(before, dbSnapshot(a.t, a.d, target)); diff != "" {
		a.t.Errorf("%s: a refused mutation wrote: %s", name, diff)
	}
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// dbState is what a refused mutation must leave as it was: the row counts,
// every row of the scoped tables, and the target row on its own (for a
// readable report).
type dbState struct {
	Counts map[string]int
	Rows   map[string]string
	Target string
}

func dbSnapshot(t testing.TB, d *testdb.DB, target int) dbState {
	t.Helper()
	ctx := systemCtx()
	c := d.Client
	s := dbState{Counts: map[string]int{}, Rows: map[string]string{}}
	dump := func(table string, rows any, err error) {
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		b, err := json.Marshal(rows)
		if err != nil {
			t.Fatal(err)
		}
		s.Counts[table] = reflect.ValueOf(rows).Len()
		s.Rows[table] = string(b)
	}
	orgs, err := c.Org.Query().Order(ent.Asc(org.FieldID)).All(ctx)
	dump("orgs", orgs, err)
	members, err := c.Member.Query().Order(ent.Asc(member.FieldID)).All(ctx)
	dump("members", members, err)
	users, err := c.User.Query().Order(ent.Asc(user.FieldID)).All(ctx)
	dump("users", users, err)
	bindings, err := c.RoleBinding.Query().Order(ent.Asc(rolebinding.FieldID)).All(ctx)
	dump("role_bindings", bindings, err)
	n, err := c.AuditLog.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Counts["audit_logs"] = n
	if target != 0 {
		node, err := c.Noder(ctx, target)
		if err != nil {
			s.Target = "error: " + err.Error()
		} else {
			b, _ := json.Marshal(node)
			s.Target = string(b)
		}
	}
	return s
}

// stateDiff describes how two states differ, or returns "".
func dbStateDiff(before, after dbState) string {
	var diffs []string
	for table, n := range before.Counts {
		if after.Counts[table] != n {
			diffs = append(diffs, table+": "+strconv.Itoa(n)+" rows before, "+strconv.Itoa(after.Counts[table])+" after")
		}
	}
	for table, rows := range before.Rows {
		if after.Rows[table] != rows && before.Counts[table] == after.Counts[table] {
			diffs = append(diffs, table+": rows changed")
		}
	}
	if before.Target != after.Target {
		diffs = append(diffs, "target before: "+before.Target+"\ntarget after:  "+after.Target)
	}
	return strings.Join(diffs, "; ")
}

func expectUnchanged(t testing.TB, before, after dbState) {
	t.Helper()
	if diff := dbStateDiff(before, after); diff != "" {
		t.Errorf("the refused mutation wrote: %s", diff)
	}
}

// wantCode fails unless errs is non-empty and every error has code.
func expectCode(t testing.TB, errs []apitest.Error, code string) {
	t.Helper()
	if len(errs) == 0 {
		t.Fatalf("no error, want %s", code)
	}
	for _, e := range errs {
		if e.Code() != code {
			t.Errorf("error %v, want code %s", e, code)
		}
	}
}

// bindingOf returns the ID of a user's (only) role binding.
func bindingOf(t testing.TB, d *testdb.DB, userID int) int {
	t.Helper()
	return d.Client.RoleBinding.Query().Where(rolebinding.UserID(userID)).OnlyIDX(systemCtx())
}

func orgInput(name, kind string, parent *ent.Org) map[string]any {
	return map[string]any{"name": name, "kind": kind, "sector": "RURAL", "parentID": gqlID(parent.ID)}
}

func memberInput(name string, branch *ent.Org) map[string]any {
	return map[string]any{"name": name, "status": "FULL", "category": "AT_HOME_NO_POST", "branchID": gqlID(branch.ID)}
}

// vars builds GraphQL variables from key, value pairs.
func gqlVars(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func gqlID(id int) string { return strconv.Itoa(id) }

func parseGQLID(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("ID %q: %v", s, err)
	}
	return n
}

// rawDelete removes a scratch row, if still there, without the hooks and
// policies under test: it repairs the fixture, it tests nothing.
func rawDelete(t testing.TB, d *testdb.DB, table string, id int) {
	t.Helper()
	q, args := sql.Dialect(d.Client.Dialect()).Delete(table).Where(sql.EQ("id", id)).Query()
	if _, err := d.Client.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("deleting %s %d: %v", table, id, err)
	}
}

func nilIfZero(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}

func systemCtx() context.Context { return viewer.NewSystemContext(context.Background()) }

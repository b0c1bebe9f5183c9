package graph_test

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/graph"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestBadInput: every malformed, conflicting or unauthenticated request
// gets its code and writes nothing.
func TestBadInput(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		o, m, u := tree.Orgs, tree.Members, tree.Users
		// ADMIN may write anywhere: what it is refused, it is refused for
		// the input.
		admin := api.Login(t, "admin", apitest.Password)
		anon := api.Anonymous()
		t1 := o["C.T1"]
		viewerID := u[apitest.Username(rolebinding.RoleViewer, "C.T1")].ID

		sign := func(secret string, ttl time.Duration) string {
			tok, _, err := auth.NewTokens([]byte(secret), ttl).Issue(auth.Subject{UserID: viewerID}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		// The control: a token signed here with the server's secret works,
		// so the failures below are the tokens' own.
		api.WithToken(sign(apitest.Secret, time.Hour)).MustDo(t, `{ viewer { id } }`, nil, nil)
		none, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.RegisteredClaims{
			Issuer: "partyorg", Subject: strconv.Itoa(viewerID),
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
		}).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		// A valid signature over another header: the server must not take
		// the algorithm from the token.
		valid := strings.Split(sign(apitest.Secret, time.Hour), ".")
		swapped := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + valid[1] + "." + valid[2]
		noUser, _, err := auth.NewTokens([]byte(apitest.Secret), time.Hour).Issue(auth.Subject{UserID: 1 << 40}, time.Now())
		if err != nil {
			t.Fatal(err)
		}

		const (
			orgsQ     = `query($first: Int, $last: Int) { orgs(first: $first, last: $last) { totalCount } }`
			childrenQ = `query($first: Int, $last: Int) { orgs(first: 1) { edges { node { children(first: $first, last: $last) { totalCount } } } } }`
			nodeQ     = `query($id: ID!) { node(id: $id) { id } }`
		)
		createOrg := func(name, kind string, parent *int) map[string]any {
			in := map[string]any{"name": name, "kind": kind, "sector": "RURAL"}
			if parent != nil {
				in["parentID"] = gqlID(*parent)
			}
			return gqlVars("in", in)
		}
		move := func(id, parent int) map[string]any {
			return gqlVars("id", gqlID(id), "in", map[string]any{"parentID": gqlID(parent)})
		}
		newMember := func(extra ...any) map[string]any {
			in := memberInput("X", o["C.T1.V1.B1"])
			for i := 0; i < len(extra); i += 2 {
				in[extra[i].(string)] = extra[i+1]
			}
			return gqlVars("in", in)
		}
		newUser := func(username, password string) map[string]any {
			return gqlVars("in", map[string]any{"username": username, "password": password, "orgID": gqlID(t1.ID)})
		}
		long := strings.Repeat("党", 61)

		cases := []struct {
			name  string
			c     *apitest.Client
			query string
			vars  map[string]any
			code  string
		}{
			// The org tree's shape.
			{"BRANCH under COUNTY", admin, createOrgQ, createOrg("X", "BRANCH", &o["C"].ID), "BAD_USER_INPUT"},
			{"VILLAGE under COUNTY", admin, createOrgQ, createOrg("X", "VILLAGE", &o["C"].ID), "BAD_USER_INPUT"},
			{"COUNTY under TOWNSHIP", admin, createOrgQ, createOrg("X", "COUNTY", &t1.ID), "BAD_USER_INPUT"},
			{"TOWNSHIP without parent", admin, createOrgQ, createOrg("X", "TOWNSHIP", nil), "BAD_USER_INPUT"},
			{"move C.T1 under C.T1.V1", admin, updateOrgQ, move(t1.ID, o["C.T1.V1"].ID), "BAD_USER_INPUT"},
			{"move C.T1.V1 under itself", admin, updateOrgQ, move(o["C.T1.V1"].ID, o["C.T1.V1"].ID), "BAD_USER_INPUT"},
			{"move C.T1.V1 under a branch", admin, updateOrgQ, move(o["C.T1.V1"].ID, o["C.T1.V2.B1"].ID), "BAD_USER_INPUT"},
			{"clear a village's parent", admin, updateOrgQ,
				gqlVars("id", gqlID(o["C.T1.V1"].ID), "in", map[string]any{"clearParent": true}), "BAD_USER_INPUT"},
			// Members belong to a BRANCH (DESIGN.md §1).
			{"member in a VILLAGE", admin, createMemberQ, gqlVars("in", memberInput("X", o["C.T1.V1"])), "BAD_USER_INPUT"},
			{"member moved to a VILLAGE", admin, updateMemberQ,
				gqlVars("id", gqlID(m["C.T1.V1.B1.M2"].ID), "in", map[string]any{"branchID": gqlID(o["C.T1.V1"].ID)}), "BAD_USER_INPUT"},

			// Names: 1–60 characters, not blank.
			{"empty org name", admin, createOrgQ, createOrg("", "VILLAGE", &t1.ID), "BAD_USER_INPUT"},
			{"blank org name", admin, createOrgQ, createOrg("   ", "VILLAGE", &t1.ID), "BAD_USER_INPUT"},
			{"61-rune org name", admin, createOrgQ, createOrg(long, "VILLAGE", &t1.ID), "BAD_USER_INPUT"},
			{"renamed to empty", admin, updateOrgQ, gqlVars("id", gqlID(t1.ID), "in", map[string]any{"name": ""}), "BAD_USER_INPUT"},
			{"renamed to 61 runes", admin, updateOrgQ, gqlVars("id", gqlID(t1.ID), "in", map[string]any{"name": long}), "BAD_USER_INPUT"},
			{"blank member name", admin, createMemberQ, newMember("name", " \t "), "BAD_USER_INPUT"},
			{"61-rune member name", admin, createMemberQ, newMember("name", long), "BAD_USER_INPUT"},

			// Enums.
			{"unknown kind literal", admin,
				`mutation { createOrg(input: {name: "X", kind: PROVINCE, sector: RURAL, parentID: "` + gqlID(t1.ID) + `"}) { id } }`, nil, "BAD_USER_INPUT"},
			{"unknown kind variable", admin, createOrgQ, createOrg("X", "PROVINCE", &t1.ID), "BAD_USER_INPUT"},
			{"unknown role variable", admin, grantRoleQ, gqlVars("user", gqlID(viewerID), "role", "OWNER", "org", gqlID(t1.ID)), "BAD_USER_INPUT"},

			// Page sizes.
			{"orgs first 1001", admin, orgsQ, gqlVars("first", graph.MaxPage+1), "BAD_USER_INPUT"},
			{"orgs last 5000", admin, orgsQ, gqlVars("last", 5000), "BAD_USER_INPUT"},
			{"orgs first -1", admin, orgsQ, gqlVars("first", -1), "BAD_USER_INPUT"},
			{"children first 1001", admin, childrenQ, gqlVars("first", graph.MaxPage+1), "BAD_USER_INPUT"},
			{"children last 5000", admin, childrenQ, gqlVars("last", 5000), "BAD_USER_INPUT"},
			{"members first 1001 literal", admin, `{ members(first: 1001) { totalCount } }`, nil, "BAD_USER_INPUT"},

			// IDs.
			{`node("abc")`, admin, nodeQ, gqlVars("id", "abc"), "BAD_USER_INPUT"},
			{`node("-1")`, admin, nodeQ, gqlVars("id", "-1"), "BAD_USER_INPUT"},
			{`node("")`, admin, nodeQ, gqlVars("id", ""), "BAD_USER_INPUT"},
			{`node("1.5")`, admin, nodeQ, gqlVars("id", "1.5"), "BAD_USER_INPUT"},
			{`node(1.5) literal`, admin, `{ node(id: 1.5) { id } }`, nil, "BAD_USER_INPUT"},
			{`updateOrg("abc")`, admin, updateOrgQ, gqlVars("id", "abc", "in", map[string]any{"name": "X"}), "BAD_USER_INPUT"},
			{`updateOrg("-1")`, admin, updateOrgQ, gqlVars("id", "-1", "in", map[string]any{"name": "X"}), "BAD_USER_INPUT"},
			{`updateOrg("")`, admin, updateOrgQ, gqlVars("id", "", "in", map[string]any{"name": "X"}), "BAD_USER_INPUT"},
			{`updateOrg("1.5")`, admin, updateOrgQ, gqlVars("id", "1.5", "in", map[string]any{"name": "X"}), "BAD_USER_INPUT"},
			{`createOrg(parentID: "abc")`, admin, createOrgQ,
				gqlVars("in", map[string]any{"name": "X", "kind": "VILLAGE", "sector": "RURAL", "parentID": "abc"}), "BAD_USER_INPUT"},
			{"updateOrg of a member's ID", admin, updateOrgQ,
				gqlVars("id", gqlID(m["C.T1.V1.B1.M1"].ID), "in", map[string]any{"name": "X"}), "NOT_FOUND"},

			// Member fields.
			{"bad phone", admin, createMemberQ, newMember("phone", "call me"), "BAD_USER_INPUT"},
			{"short national ID", admin, createMemberQ, newMember("nationalID", "12345"), "BAD_USER_INPUT"},
			{"national ID with a letter", admin, createMemberQ, newMember("nationalID", "11010119900101123A"), "BAD_USER_INPUT"},
			{"bad phone on update", admin, updateMemberQ,
				gqlVars("id", gqlID(m["C.T1.V1.B1.M2"].ID), "in", map[string]any{"phone": "x"}), "BAD_USER_INPUT"},

			// Accounts.
			{"7-character password", admin, createUserQ, newUser("newuser", "1234567"), "BAD_USER_INPUT"},
			{"bad username", admin, createUserQ, newUser("New User", apitest.Password), "BAD_USER_INPUT"},
			{"duplicate username", admin, createUserQ, newUser("viewer.c-t1", apitest.Password), "CONFLICT"},
			{"short password on update", admin, updateUserQ,
				gqlVars("id", gqlID(viewerID), "in", map[string]any{"password": "short"}), "BAD_USER_INPUT"},
			{"MEMBER at a village", admin, grantRoleQ, gqlVars("user", gqlID(viewerID), "role", "MEMBER", "org", gqlID(o["C.T1.V1"].ID)), "BAD_USER_INPUT"},
			{"VIEWER without org", admin, grantRoleQ, gqlVars("user", gqlID(viewerID), "role", "VIEWER"), "BAD_USER_INPUT"},
			{"ADMIN at an org", admin, grantRoleQ, gqlVars("user", gqlID(viewerID), "role", "ADMIN", "org", gqlID(t1.ID)), "BAD_USER_INPUT"},
			{"duplicate grant", admin, grantRoleQ, gqlVars("user", gqlID(viewerID), "role", "VIEWER", "org", gqlID(t1.ID)), "CONFLICT"},

			// Deleting what is not empty.
			{"deleteOrg C.T1 (children)", admin, deleteOrgQ, gqlVars("id", gqlID(t1.ID)), "CONFLICT"},
			{"deleteOrg C.T1.V1.B1 (members)", admin, deleteOrgQ, gqlVars("id", gqlID(o["C.T1.V1.B1"].ID)), "CONFLICT"},

			// Credentials.
			{"no token: query", anon, `{ orgs { totalCount } }`, nil, "UNAUTHENTICATED"},
			{"no token: viewer", anon, `{ viewer { id } }`, nil, "UNAUTHENTICATED"},
			{"no token: node", anon, nodeQ, gqlVars("id", gqlID(t1.ID)), "UNAUTHENTICATED"},
			{"no token: mutation", anon, createOrgQ, createOrg("X", "VILLAGE", &t1.ID), "UNAUTHENTICATED"},
			{"expired token", api.WithToken(sign(apitest.Secret, -time.Hour)), `{ viewer { id } }`, nil, "UNAUTHENTICATED"},
			{"expired token: mutation", api.WithToken(sign(apitest.Secret, -time.Hour)), createOrgQ, createOrg("X", "VILLAGE", &t1.ID), "UNAUTHENTICATED"},
			{"token of another secret", api.WithToken(sign("not-the-secret", time.Hour)), `{ viewer { id } }`, nil, "UNAUTHENTICATED"},
			{`"alg":"none" token`, api.WithToken(none), `{ viewer { id } }`, nil, "UNAUTHENTICATED"},
			{`header swapped to "alg":"none"`, api.WithToken(swapped), `{ viewer { id } }`, nil, "UNAUTHENTICATED"},
			{"garbage token", api.WithToken("garbage"), `{ viewer { id } }`, nil, "UNAUTHENTICATED"},
			{"token of no account", api.WithToken(noUser), `{ viewer { id } }`, nil, "UNAUTHENTICATED"},

			// Limits.
			{"deeper than MaxDepth", admin, depthQuery(graph.MaxDepth + 1), nil, "TOO_COMPLEX"},
			{"@defer", admin, `{ viewer { id ... @defer { username } } }`, nil, "BAD_USER_INPUT"},
			{"@defer in a fragment spread", admin, `{ viewer { id ...name @defer } } fragment name on User { username }`, nil, "BAD_USER_INPUT"},
			{"too complex", admin, `{ members(first: 1000) { edges { node { branch {
				members(first: 1000) { edges { node { branch {
				members(first: 100) { edges { node { id name } } } } } } } } } } } }`, nil, "TOO_COMPLEX"},
		}
		// These fail below the root, whose data may stand.
		nested := map[string]bool{"children first 1001": true, "children last 5000": true}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := dbSnapshot(t, d, 0)
				var data map[string]any
				errs := tc.c.Do(t, tc.query, tc.vars, &data)
				expectCode(t, errs, tc.code)
				// Refused before or at the root field: no data at all (a
				// nullable root such as node is null, the others null data).
				for k, v := range data {
					if v != nil && !nested[tc.name] {
						t.Errorf("data.%s = %v, want null", k, v)
					}
				}
				if tc.code == "UNAUTHENTICATED" && tc.query != nodeQ && data != nil {
					t.Errorf("data = %v, want null", data)
				}
				expectUnchanged(t, before, dbSnapshot(t, d, 0))
			})
		}

		// The limits' boundaries are allowed.
		t.Run("limits themselves are allowed", func(t *testing.T) {
			admin.MustDo(t, depthQuery(graph.MaxDepth), nil, nil)
			admin.MustDo(t, orgsQ, gqlVars("first", graph.MaxPage), nil)
			admin.MustDo(t, childrenQ, gqlVars("last", graph.MaxPage), nil)
			admin.MustDo(t, `{ members(first: 100) { edges { node { branch { members(first: 100) { edges { node { id } } } } } } } }`, nil, nil)
		})
		t.Run("60-rune name is allowed", func(t *testing.T) {
			var out struct{ CreateOrg struct{ ID string } }
			admin.MustDo(t, createOrgQ, createOrg(strings.Repeat("党", 60), "VILLAGE", &t1.ID), &out)
		})

		// Sign-in failures are one error: a caller cannot tell a wrong
		// password from an unknown or disabled account.
		t.Run("login failures look alike", func(t *testing.T) {
			disabled := u[apitest.Username(rolebinding.RoleViewer, "C.T2")]
			token := api.Login(t, disabled.Username, apitest.Password)
			token.MustDo(t, `{ viewer { id } }`, nil, nil)
			d.Client.User.UpdateOneID(disabled.ID).SetDisabled(true).ExecX(systemCtx())

			var msgs []string
			for _, tc := range []struct{ name, username, password string }{
				{"wrong password", "viewer.c-t1", "wrong-password"},
				{"unknown user", "nobody", apitest.Password},
				{"disabled user", disabled.Username, apitest.Password},
			} {
				before := dbSnapshot(t, d, 0)
				var data map[string]any
				errs := anon.Do(t, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
					gqlVars("u", tc.username, "p", tc.password), &data)
				expectCode(t, errs, "UNAUTHENTICATED")
				if data != nil {
					t.Errorf("%s: data = %v, want null", tc.name, data)
				}
				expectUnchanged(t, before, dbSnapshot(t, d, 0))
				if len(errs) > 0 {
					msgs = append(msgs, errs[0].Message)
				}
			}
			for _, msg := range msgs[1:] {
				if msg != msgs[0] {
					t.Errorf("login failures differ: %q", msgs)
					break
				}
			}
			// A token issued before the account was disabled stops working.
			expectCode(t, token.Do(t, `{ viewer { id } }`, nil, nil), "UNAUTHENTICATED")
			expectCode(t, token.Do(t, updateOrgQ, gqlVars("id", gqlID(t1.ID), "in", map[string]any{"name": "X"}), nil), "UNAUTHENTICATED")
		})
	})
}

// depthQuery returns a query whose selections nest depth levels deep:
// viewer, org, then parents down to id.
func depthQuery(depth int) string {
	parents := depth - 3
	return "{ viewer { org { " + strings.Repeat("parent { ", parents) + "id" + strings.Repeat(" }", parents) + " } } }"
}

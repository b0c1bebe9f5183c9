package classification_test

import (
	"testing"

	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/testdb"
)

// TestPersonalDataMasking: national IDs and phones are whole only for the
// member itself, ADMIN and the ORG_ADMINs over the member, masked for
// everyone else, on every path to a member; a filter on them matches
// nothing for a caller who sees them masked.
func TestPersonalDataMasking(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newClassFixture(t, d)
		ctx := systemCtx()
		type person struct{ name, id, phone string }
		m2 := person{"C.T1.V1.B1.M2", "410102199001011234", "13812345678"}
		b2m2 := person{"C.T1.V1.B2.M2", "410102199202022345", "13987654321"}
		own := person{"C.T1.V1.B1.M1", "410102198803031456", "13700001111"}
		for _, p := range []person{m2, b2m2, own} {
			d.Client.Member.UpdateOneID(f.tree.Members[p.name].ID).SetNationalID(p.id).SetPhone(p.phone).ExecX(ctx)
		}
		// A viewer of the township who also runs branch B2.
		mixed := orgViewer("C.T1")
		d.Client.RoleBinding.Create().SetRole(rolebinding.RoleOrgAdmin).SetOrgID(f.tree.Orgs["C.T1.V1.B2"].ID).
			SetUserID(f.tree.Users[mixed].ID).ExecX(ctx)

		const maskedID, maskedPhone = "410102********1234", "138****5678"
		for _, tc := range []struct {
			user  string
			p     person
			whole bool
		}{
			{"admin", m2, true},
			{orgAdmin("C"), m2, true},
			{orgAdmin("C.T1"), m2, true},
			{orgAdmin("C.T1.V1.B1"), m2, true},
			{orgViewer("C"), m2, false},
			{orgViewer("C.T1.V1.B1"), m2, false},
			{mixed, m2, false},
			{mixed, b2m2, true},
			{orgMember("C.T1.V1.B1"), own, true},
		} {
			name := tc.user + " reads " + tc.p.name
			var one struct {
				Node *struct{ NationalID, Phone string }
			}
			f.as(tc.user).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { nationalID phone } } }`, gqlVars("id", f.m(tc.p.name)), &one)
			if one.Node == nil {
				t.Errorf("%s: not visible", name)
				continue
			}
			wantID, wantPhone := tc.p.id, tc.p.phone
			if !tc.whole {
				wantID, wantPhone = maskedID, maskedPhone
			}
			if one.Node.NationalID != wantID || one.Node.Phone != wantPhone {
				t.Errorf("%s: %q %q, want %q %q", name, one.Node.NationalID, one.Node.Phone, wantID, wantPhone)
			}
			// The same through a list and an edge.
			var list struct {
				Members struct {
					Edges []struct {
						Node struct{ NationalID, Phone string }
					}
				}
			}
			f.as(tc.user).MustDo(t, `query($n: String!) { members(where: {name: $n}) { edges { node { nationalID phone } } } }`, gqlVars("n", tc.p.name), &list)
			if e := list.Members.Edges; len(e) != 1 || e[0].Node.NationalID != wantID || e[0].Node.Phone != wantPhone {
				t.Errorf("%s in a list: %+v, want %q %q", name, e, wantID, wantPhone)
			}
			// A filter matches only what the caller sees whole.
			want := 0
			if tc.whole {
				want = 1
			}
			for _, w := range []map[string]any{{"nationalID": tc.p.id}, {"phone": tc.p.phone}} {
				if n := f.count(tc.user, w); n != want {
					t.Errorf("%s: filter %v matches %d, want %d", name, w, n, want)
				}
			}
			if n := f.count(tc.user, map[string]any{"nationalID": maskedID}); n != 0 {
				t.Errorf("%s: the masked form matches %d", name, n)
			}
		}
		var edge struct {
			Node struct {
				Members struct {
					Edges []struct {
						Node struct{ Name, NationalID string }
					}
				}
			}
		}
		f.as(orgViewer("C.T1")).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Org { members { edges { node { name nationalID } } } } } }`,
			gqlVars("id", f.o("C.T1.V1.B1")), &edge)
		for _, e := range edge.Node.Members.Edges {
			if e.Node.Name == m2.name && e.Node.NationalID != maskedID {
				t.Errorf("through Org.members the viewer reads %q", e.Node.NationalID)
			}
		}
		// The generated partial filters are gone: no probing by prefix.
		for _, field := range []string{"nationalIDHasPrefix", "nationalIDContains", "phoneGT", "phoneIn"} {
			errs := f.as(orgViewer("C")).Do(t, `query { members(where: {`+field+`: "41"}) { totalCount } }`, nil, nil)
			if len(errs) == 0 {
				t.Errorf("filter %s exists", field)
			}
		}
	})
}

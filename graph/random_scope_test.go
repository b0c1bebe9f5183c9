package graph_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/testdb"
)

// scopeCases is how many random cases TestRandomScope runs per database:
// a few hundred in CI, PARTYORG_SCOPE_CASES=10000 for the long run.
func scopeCases() int {
	if n, err := strconv.Atoi(os.Getenv("PARTYORG_SCOPE_CASES")); err == nil && n > 0 {
		return n
	}
	return 400
}

// TestRandomScope asks random questions of every query shape — lists with
// filters, counts, node, nodes, edges up the tree, where-filters over
// edges — as random accounts, and checks each answer against the scope
// rule worked out from the fixture alone (scopeFixture.expect). Seeded:
// a failure names its case.
func TestRandomScope(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newScopeFixture(apitest.Matrix(t, d.Client, 2, 2, 2, 2))
		api := apitest.New(t, d)
		clients := map[string]*apitest.Client{}
		orgNames := slices.Sorted(maps.Keys(f.tree.Orgs))
		memberNames := slices.Sorted(maps.Keys(f.tree.Members))
		// Name prefixes that pick subtrees, and one that picks nothing.
		prefixes := append(slices.Clone(orgNames), "X")
		objects := map[string]string{} // global ID → name (org or member)
		for n, o := range f.tree.Orgs {
			objects[scopeGID(o.ID)] = n
		}
		for n, m := range f.tree.Members {
			objects[scopeGID(m.ID)] = n
		}
		ids := slices.Sorted(maps.Keys(objects))
		rng := rand.New(rand.NewPCG(7, uint64(len(d.Name))))
		shapes := map[string]int{}
		for i := range scopeCases() {
			a := f.accounts[rng.IntN(len(f.accounts))]
			c, ok := clients[a.username]
			if !ok {
				c = api.Login(t, a.username, apitest.Password)
				clients[a.username] = c
			}
			want := f.expect(a)
			visible := func(name string) bool { return want.orgs[name] || want.members[name] }
			shape := rng.IntN(6)
			what := fmt.Sprintf("case %d (%s, shape %d)", i, a.username, shape)
			switch shape {
			case 0: // a filtered list and its count
				p := prefixes[rng.IntN(len(prefixes))]
				var out struct{ Members scopeConn }
				c.MustDo(t, `query($p: String!) { members(first: 1000, where: { nameHasPrefix: $p }) { totalCount edges { node { name } } } }`, map[string]any{"p": p}, &out)
				var exp []string
				for _, n := range memberNames {
					if want.members[n] && strings.HasPrefix(n, p) {
						exp = append(exp, n)
					}
				}
				expectNames(t, what, out.Members, exp)
			case 1: // node
				id := ids[rng.IntN(len(ids))]
				var out struct{ Node *struct{ Name string } }
				onlyNotFound(t, what, c.Do(t, `query($id: ID!) { node(id: $id) { ... on Org { name } ... on Member { name } } }`, map[string]any{"id": id}, &out))
				if got := out.Node != nil; got != visible(objects[id]) {
					t.Fatalf("%s: node(%s) visible = %v, want %v", what, objects[id], got, !got)
				}
			case 2: // nodes
				pick := make([]string, 1+rng.IntN(8))
				for j := range pick {
					pick[j] = ids[rng.IntN(len(ids))]
				}
				var out struct{ Nodes []*struct{ Name string } }
				onlyNotFound(t, what, c.Do(t, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Org { name } ... on Member { name } } }`, map[string]any{"ids": pick}, &out))
				for j, id := range pick {
					if got := out.Nodes[j] != nil; got != visible(objects[id]) {
						t.Fatalf("%s: nodes[%d] (%s) visible = %v", what, j, objects[id], got)
					}
				}
			case 3: // edges up from a member
				m := memberNames[rng.IntN(len(memberNames))]
				var out struct {
					Node *struct{ Branch *scopeUpOrg }
				}
				onlyNotFound(t, what, c.Do(t, `query($id: ID!) { node(id: $id) { ... on Member { branch { name parent { name parent { name parent { name } } } } } } }`,
					map[string]any{"id": scopeGID(f.tree.Members[m].ID)}, &out))
				if (out.Node != nil) != want.members[m] {
					t.Fatalf("%s: member %s visible = %v", what, m, out.Node != nil)
				}
				if out.Node == nil {
					break
				}
				o, name := out.Node.Branch, f.orgName[f.tree.Members[m].BranchID]
				for name != "" {
					if (o != nil) != want.orgs[name] {
						t.Fatalf("%s: %s seen through edges = %v, want %v", what, name, o != nil, want.orgs[name])
					}
					if o == nil {
						break
					}
					o, name = o.Parent, f.parentName(name)
				}
			case 4: // a where-filter over an edge cannot see past the scope
				p := prefixes[rng.IntN(len(prefixes))]
				var out struct{ Orgs scopeConn }
				c.MustDo(t, `query($p: String!) { orgs(first: 1000, where: { hasChildrenWith: { nameHasPrefix: $p } }) { totalCount edges { node { name } } } }`, map[string]any{"p": p}, &out)
				var exp []string
				for _, n := range orgNames {
					if want.orgs[n] && slices.ContainsFunc(f.childrenIn(n, want), func(ch string) bool { return strings.HasPrefix(ch, p) }) {
						exp = append(exp, n)
					}
				}
				expectNames(t, what, out.Orgs, exp)
			case 5: // counts through an edge filter
				p := prefixes[rng.IntN(len(prefixes))]
				var out struct{ Members struct{ TotalCount int } }
				c.MustDo(t, `query($p: String!) { members(where: { hasBranchWith: { nameHasPrefix: $p } }) { totalCount } }`, map[string]any{"p": p}, &out)
				n := 0
				for _, m := range memberNames {
					if br := f.orgName[f.tree.Members[m].BranchID]; want.members[m] && want.orgs[br] && strings.HasPrefix(br, p) {
						n++
					}
				}
				if out.Members.TotalCount != n {
					t.Fatalf("%s: members under branches %q* = %d, want %d", what, p, out.Members.TotalCount, n)
				}
			}
			shapes[fmt.Sprint(shape)]++
		}
		t.Logf("%d random cases by shape %v, %d accounts", scopeCases(), shapes, len(clients))
	})
}

func expectNames(t *testing.T, what string, got scopeConn, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if names := got.names(); !slices.Equal(names, want) || got.TotalCount != len(want) {
		t.Fatalf("%s: got %v (totalCount %d), want %v", what, names, got.TotalCount, want)
	}
}

// onlyNotFound fails on any error but NOT_FOUND, which is how node and
// nodes answer for an object outside the scope (or none at all).
func onlyNotFound(t *testing.T, what string, errs []apitest.Error) {
	t.Helper()
	for _, e := range errs {
		if e.Code() != "NOT_FOUND" {
			t.Fatalf("%s: %v", what, e)
		}
	}
}

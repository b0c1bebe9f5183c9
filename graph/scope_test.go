package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/db"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// scopeAccount is one fixture account and the binding it was created with.
type scopeAccount struct {
	username string
	role     rolebinding.Role
	org      string // home org name; "" for ADMIN
}

// scopeSet is what one account should see, worked out from the fixture
// alone (names), never from authz, so that the test checks authz rather
// than repeating it.
type scopeSet struct {
	orgs, members, users map[string]bool
}

// scopeFixture indexes an apitest.Tree for the scope tests.
type scopeFixture struct {
	tree     *apitest.Tree
	orgName  map[int]string // org ID → name
	accounts []scopeAccount
}

func newScopeFixture(tree *apitest.Tree) *scopeFixture {
	f := &scopeFixture{tree: tree, orgName: map[int]string{}}
	for name, o := range tree.Orgs {
		f.orgName[o.ID] = name
	}
	f.accounts = append(f.accounts, scopeAccount{username: "admin", role: rolebinding.RoleAdmin})
	for _, name := range slices.Sorted(maps.Keys(tree.Orgs)) {
		for _, role := range []rolebinding.Role{rolebinding.RoleOrgAdmin, rolebinding.RoleViewer} {
			f.accounts = append(f.accounts, scopeAccount{apitest.Username(role, name), role, name})
		}
		if tree.Orgs[name].Kind == org.KindBranch {
			f.accounts = append(f.accounts, scopeAccount{apitest.Username(rolebinding.RoleMember, name), rolebinding.RoleMember, name})
		}
	}
	if len(f.accounts) != len(tree.Users) {
		panic(fmt.Sprintf("scope fixture: %d accounts listed, tree has %d users", len(f.accounts), len(tree.Users)))
	}
	return f
}

// inSubtree reports whether org name lies in the subtree of home, by name:
// the fixture names every org after its parent ("C.T1.V1" under "C.T1").
func inSubtree(name, home string) bool {
	return name == home || strings.HasPrefix(name, home+".")
}

// expect is the scope rule of DESIGN.md §1 applied to the fixture.
func (f *scopeFixture) expect(a scopeAccount) scopeSet {
	s := scopeSet{orgs: map[string]bool{}, members: map[string]bool{}, users: map[string]bool{}}
	switch a.role {
	case rolebinding.RoleAdmin:
		for n := range f.tree.Orgs {
			s.orgs[n] = true
		}
		for n := range f.tree.Members {
			s.members[n] = true
		}
		for n := range f.tree.Users {
			s.users[n] = true
		}
	case rolebinding.RoleMember:
		// A Party member reads its own branch (which has no children), its
		// own member record (M1, the one its account is linked to) and its
		// own account.
		s.orgs[a.org] = true
		s.members[a.org+".M1"] = true
		s.users[a.username] = true
	default:
		for n := range f.tree.Orgs {
			if inSubtree(n, a.org) {
				s.orgs[n] = true
			}
		}
		for n, m := range f.tree.Members {
			if s.orgs[f.orgName[m.BranchID]] {
				s.members[n] = true
			}
		}
		for n, u := range f.tree.Users {
			if u.OrgID != 0 && s.orgs[f.orgName[u.OrgID]] {
				s.users[n] = true
			}
		}
	}
	return s
}

// parentName is the name of an org's parent in the fixture, or "".
func (f *scopeFixture) parentName(name string) string {
	return f.orgName[f.tree.Orgs[name].ParentID]
}

// childrenIn lists the children of org name that lie in s, sorted.
func (f *scopeFixture) childrenIn(name string, s scopeSet) []string {
	var out []string
	for n, o := range f.tree.Orgs {
		if o.ParentID == f.tree.Orgs[name].ID && s.orgs[n] {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// membersIn lists the members of branch name that lie in s, sorted.
func (f *scopeFixture) membersIn(name string, s scopeSet) []string {
	var out []string
	for n, m := range f.tree.Members {
		if m.BranchID == f.tree.Orgs[name].ID && s.members[n] {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// scopeConn is a connection decoded down to names.
type scopeConn struct {
	TotalCount int
	Edges      []struct {
		Node struct {
			ID       string
			Name     string
			Username string
		}
	}
}

// names lists the names (or usernames) of the connection's nodes, sorted.
func (c scopeConn) names() []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node.Name + e.Node.Username
	}
	slices.Sort(out)
	return out
}

// scopeGID is an ent global ID as the API writes it.
func scopeGID(id int) string { return strconv.Itoa(id) }

// normalizedError is an error as a client sees it, with the ID it names
// blanked, so that errors about different IDs can be compared.
func normalizedError(t *testing.T, e apitest.Error, id string) string {
	t.Helper()
	ext, err := json.Marshal(e.Extensions)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(e.Message+" "+string(ext), id, "<id>")
}

// TestScopeMatrix checks the scope rule for every account of a fixture
// tree, over HTTP: lists and their counts, node and nodes, edges going up
// (parent) and down (children, members) and the viewer itself.
func TestScopeMatrix(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		f := newScopeFixture(apitest.Matrix(t, d.Client, 2, 2, 2, 2))
		api := apitest.New(t, d)
		orgNames := slices.Sorted(maps.Keys(f.tree.Orgs))
		memberNames := slices.Sorted(maps.Keys(f.tree.Members))
		// IDs in the org and member ranges that no row has: an out-of-scope
		// object must look exactly like these.
		var maxOrg, maxMember int
		for _, o := range f.tree.Orgs {
			maxOrg = max(maxOrg, o.ID)
		}
		for _, m := range f.tree.Members {
			maxMember = max(maxMember, m.ID)
		}
		missingOrg, missingMember := scopeGID(maxOrg+1000), scopeGID(maxMember+1000)

		for _, a := range f.accounts {
			t.Run(a.username, func(t *testing.T) {
				want := f.expect(a)
				c := api.Login(t, a.username, apitest.Password)

				t.Run("lists", func(t *testing.T) {
					var out struct {
						Orgs, Members, Users scopeConn
						Viewer               struct {
							Username string
							Roles    []struct {
								Role string
								Org  *struct{ Name string }
							}
						}
					}
					c.MustDo(t, `{
						orgs(first: 1000) { totalCount edges { node { id name } } }
						members(first: 1000) { totalCount edges { node { id name } } }
						users(first: 1000) { totalCount edges { node { id username } } }
						viewer { username roles { role org { name } } }
					}`, nil, &out)
					for _, l := range []struct {
						what string
						got  scopeConn
						want map[string]bool
					}{
						{"orgs", out.Orgs, want.orgs},
						{"members", out.Members, want.members},
						{"users", out.Users, want.users},
					} {
						if got, w := l.got.names(), sortedKeys(l.want); !slices.Equal(got, w) {
							t.Errorf("%s = %v, want %v", l.what, got, w)
						}
						if l.got.TotalCount != len(l.want) {
							t.Errorf("%s totalCount = %d, want %d", l.what, l.got.TotalCount, len(l.want))
						}
					}
					if out.Viewer.Username != a.username {
						t.Errorf("viewer.username = %q, want %q", out.Viewer.Username, a.username)
					}
					if len(out.Viewer.Roles) != 1 {
						t.Fatalf("viewer.roles = %+v, want one binding", out.Viewer.Roles)
					}
					r := out.Viewer.Roles[0]
					gotOrg := ""
					if r.Org != nil {
						gotOrg = r.Org.Name
					}
					if r.Role != string(a.role) || gotOrg != a.org {
						t.Errorf("viewer.roles = [%s at %q], want [%s at %q]", r.Role, gotOrg, a.role, a.org)
					}
				})

				t.Run("node", func(t *testing.T) {
					// One request, one aliased node(id:) per object, plus one
					// nonexistent ID of each type.
					type probe struct {
						alias, id, name string
						visible         bool
					}
					var probes []probe
					for i, n := range orgNames {
						probes = append(probes, probe{fmt.Sprintf("o%d", i), scopeGID(f.tree.Orgs[n].ID), n, want.orgs[n]})
					}
					for i, n := range memberNames {
						probes = append(probes, probe{fmt.Sprintf("m%d", i), scopeGID(f.tree.Members[n].ID), n, want.members[n]})
					}
					probes = append(probes, probe{"missingOrg", missingOrg, "", false}, probe{"missingMember", missingMember, "", false})
					var q strings.Builder
					q.WriteString("{\n")
					for _, p := range probes {
						fmt.Fprintf(&q, "%s: node(id: %q) { id ... on Org { name } ... on Member { name } }\n", p.alias, p.id)
					}
					q.WriteString("}")
					var out map[string]*struct{ ID, Name string }
					errs := c.Do(t, q.String(), nil, &out)
					byAlias := map[string][]apitest.Error{}
					for _, e := range errs {
						if len(e.Path) != 1 {
							t.Errorf("error with unexpected path: %+v", e)
							continue
						}
						alias := fmt.Sprint(e.Path[0])
						byAlias[alias] = append(byAlias[alias], e)
					}
					// The answer about a missing ID, which every hidden object
					// must match.
					var missing string
					for _, alias := range []string{"missingOrg", "missingMember"} {
						p := probes[slices.IndexFunc(probes, func(p probe) bool { return p.alias == alias })]
						es := byAlias[alias]
						if out[alias] != nil || len(es) != 1 || es[0].Code() != "NOT_FOUND" {
							t.Fatalf("node(%s) = %+v, errors %v; want null and one NOT_FOUND", alias, out[alias], es)
						}
						n := normalizedError(t, es[0], p.id)
						if missing != "" && n != missing {
							t.Errorf("missing org and missing member answer differently: %q vs %q", missing, n)
						}
						missing = n
					}
					for _, p := range probes {
						got, es := out[p.alias], byAlias[p.alias]
						switch {
						case p.visible:
							if got == nil || got.ID != p.id || got.Name != p.name || len(es) > 0 {
								t.Errorf("node(%s) = %+v, errors %v; want %s", p.name, got, es, p.name)
							}
						case strings.HasPrefix(p.alias, "missing"):
						default:
							if got != nil {
								t.Errorf("node(%s) = %+v, want null: outside scope", p.name, got)
							}
							if len(es) != 1 {
								t.Errorf("node(%s) errors = %v, want one NOT_FOUND", p.name, es)
								continue
							}
							if n := normalizedError(t, es[0], p.id); n != missing {
								t.Errorf("node(%s) error %q differs from a missing ID's %q", p.name, n, missing)
							}
						}
					}
				})

				t.Run("nodes", func(t *testing.T) {
					ids := make([]string, len(orgNames))
					for i, n := range orgNames {
						ids[i] = scopeGID(f.tree.Orgs[n].ID)
					}
					var out struct {
						Nodes []*struct{ ID, Name string }
					}
					errs := c.Do(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Org { name } } }`,
						map[string]any{"ids": ids}, &out)
					if len(out.Nodes) != len(ids) {
						t.Fatalf("nodes returned %d entries for %d ids (errors %v)", len(out.Nodes), len(ids), errs)
					}
					var hidden int
					for i, n := range orgNames {
						got := out.Nodes[i]
						if want.orgs[n] {
							if got == nil || got.Name != n {
								t.Errorf("nodes[%d] = %+v, want %s", i, got, n)
							}
						} else {
							hidden++
							if got != nil {
								t.Errorf("nodes[%d] = %+v, want null: %s is outside scope", i, got, n)
							}
						}
					}
					for _, e := range errs {
						if e.Code() != "NOT_FOUND" {
							t.Errorf("nodes: unexpected error %v", e)
						}
					}
					if len(errs) != hidden {
						t.Errorf("nodes: %d errors for %d hidden orgs: %v", len(errs), hidden, errs)
					}
				})

				t.Run("up", func(t *testing.T) {
					var out struct {
						Members struct {
							Edges []struct {
								Node struct {
									Name   string
									Branch *scopeUpOrg
								}
							}
						}
					}
					c.MustDo(t, `{ members(first: 100) { edges { node { name branch { name parent { name
						parent { name children { edges { node { name } } } } } } } } } }`, nil, &out)
					if len(out.Members.Edges) != len(want.members) {
						t.Errorf("members: %d edges, want %d", len(out.Members.Edges), len(want.members))
					}
					// parentOK checks that an edge to the parent of org is set
					// exactly when that parent is in scope.
					parentOK := func(org, got string, present bool) {
						p := f.parentName(org)
						if w := want.orgs[p]; present != w || (present && got != p) {
							t.Errorf("%s.parent = %q (present %v), want %q (present %v)", org, got, present, p, w)
						}
					}
					for _, e := range out.Members.Edges {
						m := e.Node
						br := m.Branch
						if br == nil {
							t.Errorf("member %s: branch is null", m.Name)
							continue
						}
						if !want.orgs[br.Name] || f.orgName[f.tree.Members[m.Name].BranchID] != br.Name {
							t.Errorf("member %s: branch %q", m.Name, br.Name)
						}
						v := br.Parent
						parentOK(br.Name, nameOf(v), v != nil)
						if v == nil {
							continue
						}
						if !want.orgs[v.Name] {
							t.Errorf("org %s outside scope reached through %s.parent", v.Name, br.Name)
						}
						tw := v.Parent
						parentOK(v.Name, nameOf(tw), tw != nil)
						if tw == nil {
							continue
						}
						if !want.orgs[tw.Name] {
							t.Errorf("org %s outside scope reached through %s.parent", tw.Name, v.Name)
						}
						var kids []string
						for _, k := range tw.Children.Edges {
							kids = append(kids, k.Node.Name)
						}
						slices.Sort(kids)
						if w := f.childrenIn(tw.Name, want); !slices.Equal(kids, w) {
							t.Errorf("%s.children = %v, want %v", tw.Name, kids, w)
						}
					}
				})

				t.Run("down", func(t *testing.T) {
					var out struct {
						Orgs struct {
							Edges []struct {
								Node struct {
									Name     string
									Children struct {
										TotalCount int
										Edges      []struct {
											Node struct {
												Name    string
												Members scopeConn
											}
										}
									}
								}
							}
						}
					}
					c.MustDo(t, `{ orgs(first: 100) { edges { node { name children { totalCount
						edges { node { name members { totalCount edges { node { name } } } } } } } } } }`, nil, &out)
					if len(out.Orgs.Edges) != len(want.orgs) {
						t.Errorf("orgs: %d edges, want %d", len(out.Orgs.Edges), len(want.orgs))
					}
					for _, e := range out.Orgs.Edges {
						o := e.Node
						if !want.orgs[o.Name] {
							t.Errorf("org %s outside scope listed", o.Name)
							continue
						}
						wantKids := f.childrenIn(o.Name, want)
						var kids []string
						for _, k := range o.Children.Edges {
							kids = append(kids, k.Node.Name)
							wantMembers := f.membersIn(k.Node.Name, want)
							if got := k.Node.Members.names(); !slices.Equal(got, wantMembers) {
								t.Errorf("%s.members = %v, want %v", k.Node.Name, got, wantMembers)
							}
							if k.Node.Members.TotalCount != len(wantMembers) {
								t.Errorf("%s.members.totalCount = %d, want %d", k.Node.Name, k.Node.Members.TotalCount, len(wantMembers))
							}
						}
						slices.Sort(kids)
						if !slices.Equal(kids, wantKids) {
							t.Errorf("%s.children = %v, want %v", o.Name, kids, wantKids)
						}
						if o.Children.TotalCount != len(wantKids) {
							t.Errorf("%s.children.totalCount = %d, want %d", o.Name, o.Children.TotalCount, len(wantKids))
						}
					}
				})
			})
		}
	})
}

// scopeUpOrg decodes an org reached by going up the tree, at any depth.
type scopeUpOrg struct {
	Name     string
	Parent   *scopeUpOrg
	Children struct {
		Edges []struct{ Node struct{ Name string } }
	}
}

// nameOf is the name of a possibly null org in a decoded response.
func nameOf(o *scopeUpOrg) string {
	if o == nil {
		return ""
	}
	return o.Name
}

// TestScopePrefixIDs checks that scope is a path-prefix match on whole
// segments: an ORG_ADMIN at the township whose path is /c/4/ sees nothing
// of /c/49/ (or /c/40/…), and the other way round.
func TestScopePrefixIDs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := viewer.NewSystemContext(context.Background())
		townships := map[string]*ent.Org{} // by segment
		var county *ent.Org
		admins := map[string]*ent.User{} // by township segment
		err := db.WithTx(ctx, d.Client, func(tx *ent.Tx) error {
			c := tx.Client()
			var err error
			county, err = c.Org.Create().SetName("C").SetKind(org.KindCounty).SetSector(org.SectorRural).Save(ctx)
			if err != nil {
				return err
			}
			// Townships first, so that their own IDs reach segment 49.
			for townships["49"] == nil {
				if len(townships) > 60 {
					return fmt.Errorf("no township got segment 49: %v", slices.Sorted(maps.Keys(townships)))
				}
				// Named by creation order: the segment is known only after.
				n := len(townships) + 1
				o, err := c.Org.Create().SetName(fmt.Sprintf("T%d", n)).SetKind(org.KindTownship).
					SetSector(org.SectorRural).SetParentID(county.ID).Save(ctx)
				if err != nil {
					return err
				}
				townships[orgtree.Segment(o.ID)] = o
			}
			for seg, tn := range townships {
				v, err := c.Org.Create().SetName("V" + seg).SetKind(org.KindVillage).
					SetSector(org.SectorRural).SetParentID(tn.ID).Save(ctx)
				if err != nil {
					return err
				}
				b, err := c.Org.Create().SetName("B" + seg).SetKind(org.KindBranch).
					SetSector(org.SectorRural).SetParentID(v.ID).Save(ctx)
				if err != nil {
					return err
				}
				if _, err := c.Member.Create().SetName("M" + seg).SetStatus(member.StatusFull).
					SetCategory(member.CategoryAtHomeNoPost).SetBranchID(b.ID).Save(ctx); err != nil {
					return err
				}
			}
			for _, seg := range []string{"4", "49"} {
				if townships[seg] == nil {
					return fmt.Errorf("no township got segment %s: %v", seg, slices.Sorted(maps.Keys(townships)))
				}
				role, home := rolebinding.RoleOrgAdmin, townships[seg].ID
				u, err := account.Create(ctx, c, account.NewUser{Username: "admin" + seg, Password: apitest.Password, Role: &role, OrgID: &home})
				if err != nil {
					return err
				}
				admins[seg] = u
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cseg := orgtree.Segment(county.ID)
		for _, seg := range []string{"4", "49"} {
			if got, want := townships[seg].Path, "/"+cseg+"/"+seg+"/"; got != want {
				t.Fatalf("township %s: path %q, want %q", townships[seg].Name, got, want)
			}
		}

		api := apitest.New(t, d)
		az, err := authz.New()
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ own, other string }{{"4", "49"}, {"49", "4"}} {
			t.Run("admin"+tc.own, func(t *testing.T) {
				// Ent level: the scope is exactly the township's path.
				v, err := auth.Load(context.Background(), d.Client, az, admins[tc.own].ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, obj := range []string{"Org", "Member", "User"} {
					if got, want := v.Scope(obj).Prefixes, []string{"/" + cseg + "/" + tc.own + "/"}; !slices.Equal(got, want) || v.Scope(obj).All {
						t.Errorf("Scope(%s) = %+v, want prefixes %v", obj, v.Scope(obj), want)
					}
				}

				c := api.Login(t, "admin"+tc.own, apitest.Password)
				var out struct {
					Orgs, Members, Users scopeConn
				}
				c.MustDo(t, `{
					orgs(first: 1000) { totalCount edges { node { id name } } }
					members(first: 1000) { totalCount edges { node { id name } } }
					users(first: 1000) { totalCount edges { node { id username } } }
				}`, nil, &out)
				for _, l := range []struct {
					what string
					got  scopeConn
					want []string
				}{
					{"orgs", out.Orgs, []string{"B" + tc.own, townships[tc.own].Name, "V" + tc.own}},
					{"members", out.Members, []string{"M" + tc.own}},
					{"users", out.Users, []string{"admin" + tc.own}},
				} {
					slices.Sort(l.want)
					if got := l.got.names(); !slices.Equal(got, l.want) || l.got.TotalCount != len(l.want) {
						t.Errorf("%s = %v (totalCount %d), want %v", l.what, got, l.got.TotalCount, l.want)
					}
				}

				// node(id:) for the other township's subtree: all null.
				other := townships[tc.other]
				var ids []string
				err = db.WithTx(ctx, d.Client, func(tx *ent.Tx) error {
					sub, err := tx.Org.Query().Where(org.PathHasPrefix(other.Path)).All(ctx)
					if err != nil {
						return err
					}
					for _, o := range sub {
						ids = append(ids, scopeGID(o.ID))
					}
					ms, err := tx.Member.Query().Where(member.HasBranchWith(org.PathHasPrefix(other.Path))).All(ctx)
					if err != nil {
						return err
					}
					for _, m := range ms {
						ids = append(ids, scopeGID(m.ID))
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(ids) != 4 {
					t.Fatalf("subtree of %s: %d objects, want 4 (township, village, branch, member)", other.Name, len(ids))
				}
				// Own subtree through node too, as the positive control.
				own := townships[tc.own]
				for _, id := range ids {
					var got struct{ Node *struct{ ID string } }
					errs := c.Do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, &got)
					if got.Node != nil || len(errs) != 1 || errs[0].Code() != "NOT_FOUND" {
						t.Errorf("node(%s) in %s's subtree = %+v, errors %v; want null, NOT_FOUND", id, other.Name, got.Node, errs)
					}
				}
				var got struct{ Node *struct{ ID string } }
				c.MustDo(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": scopeGID(own.ID)}, &got)
				if got.Node == nil {
					t.Errorf("node(%s) = null, want its own township", own.Name)
				}
			})
		}
	})
}

// TestScopeProbeWhereFilters checks that no where-filter tells an
// out-of-scope object from a nonexistent one: each probe names a real
// object outside the caller's scope and, in a second run, a name nothing
// has, and the two answers must be the same.
func TestScopeProbeWhereFilters(t *testing.T) {
	// Each probe is a root field and a where-argument with %s for a name.
	probes := []struct {
		root, where, real, fake string
	}{
		{"orgs", `{hasParentWith: {name: %q}}`, "C", "X"},
		{"orgs", `{hasParentWith: {nameContains: %q}}`, "T2", "T9"},
		{"orgs", `{hasChildrenWith: {name: %q}}`, "C.T2", "C.T9"},
		{"orgs", `{hasChildrenWith: {nameHasPrefix: %q}}`, "C.T2", "C.T9"},
		{"members", `{hasBranchWith: {name: %q}}`, "C.T2.V1.B1", "C.T9.V1.B1"},
		{"members", `{hasBranchWith: {hasParentWith: {name: %q}}}`, "C.T2.V1", "C.T9.V1"},
		{"users", `{hasRolesWith: {hasOrgWith: {name: %q}}}`, "C", "X"},
		{"users", `{hasOrgWith: {name: %q}}`, "C.T2", "C.T9"},
	}
	run := func(t *testing.T, c *apitest.Client, root, where string) scopeConn {
		t.Helper()
		field := "name"
		if root == "users" {
			field = "username"
		}
		q := fmt.Sprintf(`{ %s(first: 1000, where: %s) { totalCount edges { node { id %s } } } }`, root, where, field)
		var out map[string]scopeConn
		// Errorf, not Fatalf: one broken filter should not hide the others.
		if errs := c.Do(t, q, nil, &out); len(errs) > 0 {
			t.Errorf("%v\nquery: %s", errs, q)
		}
		return out[root]
	}
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		admin := api.Login(t, "admin", apitest.Password)
		scoped := []string{
			apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"),
			apitest.Username(rolebinding.RoleViewer, "C.T1.V1"),
			apitest.Username(rolebinding.RoleMember, "C.T1.V1.B1"),
		}
		for _, p := range probes {
			// The probe must be able to leak: unscoped, the real name matches.
			if got := run(t, admin, p.root, fmt.Sprintf(p.where, p.real)); got.TotalCount < 1 || len(got.Edges) < 1 {
				t.Errorf("admin %s(where: %s) = %+v: the probe finds nothing even unscoped", p.root, fmt.Sprintf(p.where, p.real), got)
			}
		}
		for _, username := range scoped {
			t.Run(username, func(t *testing.T) {
				c := api.Login(t, username, apitest.Password)
				for _, p := range probes {
					hit := run(t, c, p.root, fmt.Sprintf(p.where, p.real))
					miss := run(t, c, p.root, fmt.Sprintf(p.where, p.fake))
					if hit.TotalCount != miss.TotalCount || !slices.Equal(hit.names(), miss.names()) {
						t.Errorf("%s(where: %s) = %d %v, but with %q: %d %v: the filter tells an out-of-scope object from a missing one",
							p.root, fmt.Sprintf(p.where, p.real), hit.TotalCount, hit.names(), p.fake, miss.TotalCount, miss.names())
					}
				}
				// hasParent is a traversal too: C.T1's parent C is outside the
				// ORG_ADMIN's scope, so to it C.T1 has no parent (and for the
				// narrower viewers C.T1 itself is out of sight).
				for _, hp := range []struct {
					hasParent bool
					want      int
				}{{true, 0}, {false, 0}} {
					if username == scoped[0] && !hp.hasParent {
						hp.want = 1
					}
					got := run(t, c, "orgs", fmt.Sprintf(`{hasParent: %v, name: "C.T1"}`, hp.hasParent))
					if got.TotalCount != hp.want || len(got.Edges) != hp.want {
						t.Errorf("orgs(where: {hasParent: %v, name: \"C.T1\"}) = %d %v, want %d", hp.hasParent, got.TotalCount, got.names(), hp.want)
					}
				}
			})
		}
		// For the admin, C.T1 does have a parent.
		for _, hp := range []struct {
			hasParent bool
			want      int
		}{{true, 1}, {false, 0}} {
			if got := run(t, admin, "orgs", fmt.Sprintf(`{hasParent: %v, name: "C.T1"}`, hp.hasParent)); got.TotalCount != hp.want {
				t.Errorf("admin orgs(where: {hasParent: %v, name: \"C.T1\"}) = %d, want %d", hp.hasParent, got.TotalCount, hp.want)
			}
		}

		t.Run("ent", func(t *testing.T) {
			az, err := authz.New()
			if err != nil {
				t.Fatal(err)
			}
			v, err := auth.Load(context.Background(), d.Client, az, tree.Users[scoped[0]].ID)
			if err != nil {
				t.Fatal(err)
			}
			ctx := viewer.NewContext(context.Background(), v)
			sys := viewer.NewSystemContext(context.Background())
			for _, q := range []struct {
				what  string
				count func(context.Context) (int, error)
			}{
				// Fresh queries per call: the scope interceptor adds to the builder.
				{"orgs with parent C", func(ctx context.Context) (int, error) {
					return d.Client.Org.Query().Where(org.HasParentWith(org.Name("C"))).Count(ctx)
				}},
				{"members of branches under C.T2", func(ctx context.Context) (int, error) {
					return d.Client.Member.Query().Where(member.HasBranchWith(org.NameHasPrefix("C.T2"))).Count(ctx)
				}},
			} {
				if n, err := q.count(sys); err != nil || n == 0 {
					t.Errorf("%s, unscoped: %d, %v; want some", q.what, n, err)
				}
				if n, err := q.count(ctx); err != nil || n != 0 {
					t.Errorf("%s, as %s: %d, %v; want 0", q.what, scoped[0], n, err)
				}
			}
		})
	})
}

// withinOrg filters by subtree as the caller sees it: an org outside its
// scope filters like one that does not exist.
func TestWithinOrg(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		tree := apitest.Matrix(t, d.Client, 2, 2, 2, 2)
		api := apitest.New(t, d)
		id := func(name string) string { return scopeGID(tree.Orgs[name].ID) }
		const q = `query($o: ID!) {
			orgs(where: {withinOrg: $o}) { totalCount }
			members(where: {withinOrg: $o}) { totalCount }
			users(where: {withinOrg: $o}) { totalCount }
		}`
		type counts struct{ Orgs, Members, Users struct{ TotalCount int } }
		tests := []struct {
			user, org            string
			orgs, members, users int
		}{
			{"admin", "C.T1", 7, 8, 18},
			{"admin", "C.T1.V2", 3, 4, 8},
			{"admin", "C.T1.V2.B1", 1, 2, 3},
			{"admin", "C", 15, 16, 38},
			{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"), "C.T1.V1", 3, 4, 8},
			// Outside its scope: the same as an org that does not exist.
			{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"), "C.T2", 0, 0, 0},
			{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"), "C", 0, 0, 0},
			{apitest.Username(rolebinding.RoleOrgAdmin, "C.T1"), "nonexistent", 0, 0, 0},
		}
		clients := map[string]*apitest.Client{}
		for _, tt := range tests {
			t.Run(tt.user+"/"+tt.org, func(t *testing.T) {
				c, ok := clients[tt.user]
				if !ok {
					c = api.Login(t, tt.user, apitest.Password)
					clients[tt.user] = c
				}
				org := scopeGID(1<<40 + 7)
				if o, ok := tree.Orgs[tt.org]; ok {
					org = id(o.Name)
				}
				var got counts
				c.MustDo(t, q, map[string]any{"o": org}, &got)
				if got.Orgs.TotalCount != tt.orgs || got.Members.TotalCount != tt.members || got.Users.TotalCount != tt.users {
					t.Errorf("within %s: %d orgs, %d members, %d users; want %d, %d, %d", tt.org,
						got.Orgs.TotalCount, got.Members.TotalCount, got.Users.TotalCount, tt.orgs, tt.members, tt.users)
				}
			})
		}
	})
}

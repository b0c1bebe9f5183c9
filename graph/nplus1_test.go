package graph_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/rolebinding"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// perfNestedQuery walks from the townships down three levels of the tree
// and a page of members under each org at the third: with entgql's field
// collection each level is one statement whatever the number of parents.
// (The root page keeps the estimate within the complexity limit; edge
// lists without first/last return every row.)
const perfNestedQuery = `{ orgs(first: 50, where: { kind: TOWNSHIP }) { edges { node { children { edges { node { children { edges { node {
	members(first: 10) { totalCount edges { node { name } } } } } } } } } } } } }`

// perfNestedCanQuery adds viewerCanUpdate, which reads the members' branch
// paths through the request's dataloader (internal/authz/can.go).
const perfNestedCanQuery = `{ orgs(first: 50, where: { kind: TOWNSHIP }) { edges { node { children { edges { node { children { edges { node {
	members(first: 10) { totalCount edges { node { name viewerCanUpdate } } } } } } } } } } } } }`

// perfTree decodes both queries.
type perfTree struct {
	Orgs struct {
		Edges []struct {
			Node struct {
				Children struct {
					Edges []struct {
						Node struct {
							Children struct {
								Edges []struct {
									Node struct {
										Members struct {
											TotalCount int
											Edges      []struct {
												Node struct {
													Name            string
													ViewerCanUpdate *bool
												}
											}
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

// perfShape sums up an answer, to check that the query read something and
// that the township admin saw less than the admin.
type perfShape struct{ orgs, members, total, canUpdate int }

func (n *perfTree) summary() perfShape {
	var s perfShape
	s.orgs = len(n.Orgs.Edges)
	for _, a := range n.Orgs.Edges {
		for _, b := range a.Node.Children.Edges {
			for _, c := range b.Node.Children.Edges {
				s.members += len(c.Node.Members.Edges)
				s.total += c.Node.Members.TotalCount
				for _, m := range c.Node.Members.Edges {
					if m.Node.ViewerCanUpdate != nil && *m.Node.ViewerCanUpdate {
						s.canUpdate++
					}
				}
			}
		}
	}
	return s
}

// perfPassword is the password of the accounts the performance tests
// create (demo.Load makes its own, with random passwords).
const perfPassword = apitest.Password

// perfAccounts creates an ADMIN and an ORG_ADMIN of township in d and
// signs both in over HTTP.
func perfAccounts(tb testing.TB, d *testdb.DB, township int) map[string]*apitest.Client {
	tb.Helper()
	ctx := viewer.NewSystemContext(context.Background())
	admin, orgAdmin := rolebinding.RoleAdmin, rolebinding.RoleOrgAdmin
	if _, err := account.Create(ctx, d.Client, account.NewUser{Username: "perf.admin", Password: perfPassword, Role: &admin}); err != nil {
		tb.Fatal(err)
	}
	if _, err := account.Create(ctx, d.Client, account.NewUser{Username: "perf.township", Password: perfPassword, Role: &orgAdmin, OrgID: &township}); err != nil {
		tb.Fatal(err)
	}
	api := apitest.New(tb, d)
	return map[string]*apitest.Client{
		"admin":          api.Login(tb, "perf.admin", perfPassword),
		"township_admin": api.Login(tb, "perf.township", perfPassword),
	}
}

// perfStatements runs query as c and returns the SQL statements it cost,
// the auth middleware's loads of the account included.
func perfStatements(tb testing.TB, d *testdb.DB, c *apitest.Client, query string, out any) int64 {
	tb.Helper()
	before := d.Statements.Load()
	c.MustDo(tb, query, nil, out)
	return d.Statements.Load() - before
}

func TestNoNPlusOne(t *testing.T) {
	testdb.Each(t, func(t *testing.T, small *testdb.DB) {
		ctx := viewer.NewSystemContext(context.Background())

		// The demo county (90 orgs, 16 in a township) and a generated one
		// (329 orgs, 41 in a township), each in its own database.
		if _, err := demo.Load(ctx, small.Client); err != nil {
			t.Fatal(err)
		}
		smallTownship, err := small.Client.Org.Query().Where(org.KindEQ(org.KindTownship)).Order(ent.Asc(org.FieldID)).FirstID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		large := testdb.Open(t, small.Name)
		g, err := demo.Generate(ctx, large.Client, demo.Size{Townships: 8, VillagesPerTownship: 8, BranchesPerVillage: 4, MembersPerBranch: 6, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		smallOrgs := small.Client.Org.Query().CountX(ctx)
		if g.Orgs <= 2*smallOrgs {
			t.Fatalf("the generated county has %d orgs, the demo county %d: too close to show growth", g.Orgs, smallOrgs)
		}

		dbs := []struct {
			name     string
			d        *testdb.DB
			township int
		}{
			{"demo", small, smallTownship},
			{"generated", large, g.TownshipIDs[0]},
		}
		variants := []struct{ name, query string }{
			{"nested", perfNestedQuery},
			{"nested+viewerCanUpdate", perfNestedCanQuery},
		}

		// counts[variant][role][db]
		counts := map[string]map[string]map[string]int64{}
		shapes := map[string]map[string]map[string]perfShape{}
		for _, db := range dbs {
			clients := perfAccounts(t, db.d, db.township)
			for _, v := range variants {
				for _, role := range perfRoles {
					if counts[v.name] == nil {
						counts[v.name], shapes[v.name] = map[string]map[string]int64{}, map[string]map[string]perfShape{}
					}
					if counts[v.name][role] == nil {
						counts[v.name][role], shapes[v.name][role] = map[string]int64{}, map[string]perfShape{}
					}
					var out perfTree
					counts[v.name][role][db.name] = perfStatements(t, db.d, clients[role], v.query, &out)
					shapes[v.name][role][db.name] = out.summary()
				}
			}
		}

		for _, v := range variants {
			for _, db := range dbs {
				a, ta := shapes[v.name]["admin"][db.name], shapes[v.name]["township_admin"][db.name]
				t.Logf("%s/%s: admin %d statements (%d orgs, %d members shown of %d), township_admin %d statements (%d orgs, %d members of %d)",
					v.name, db.name, counts[v.name]["admin"][db.name], a.orgs, a.members, a.total,
					counts[v.name]["township_admin"][db.name], ta.orgs, ta.members, ta.total)
				// The answers must be real for the counts to mean anything.
				if a.members == 0 || ta.members == 0 {
					t.Errorf("%s/%s: no members in the answer (admin %d, township_admin %d)", v.name, db.name, a.members, ta.members)
				}
				if ta.orgs >= a.orgs {
					t.Errorf("%s/%s: township_admin sees %d orgs, admin %d: scope not applied", v.name, db.name, ta.orgs, a.orgs)
				}
				if v.query == perfNestedCanQuery && (a.canUpdate != a.members || ta.canUpdate != ta.members) {
					t.Errorf("%s/%s: viewerCanUpdate true on %d/%d (admin) and %d/%d (township_admin) members, want all",
						v.name, db.name, a.canUpdate, a.members, ta.canUpdate, ta.members)
				}
			}
			for _, role := range perfRoles {
				if s, l := counts[v.name][role]["demo"], counts[v.name][role]["generated"]; s != l {
					t.Errorf("%s as %s: %d statements on the demo county, %d on the generated one: statements grow with the tree (N+1)", v.name, role, s, l)
				}
			}
			for _, db := range dbs {
				// With viewerCanUpdate a scoped viewer reads its branches'
				// paths (one batch); an ADMIN, allowed everywhere, does not.
				slack := int64(0)
				if v.query == perfNestedCanQuery {
					slack = 1
				}
				if a, ta := counts[v.name]["admin"][db.name], counts[v.name]["township_admin"][db.name]; ta < a || ta > a+slack {
					t.Errorf("%s/%s: admin %d statements, township_admin %d: scoping must add a predicate, not statements", v.name, db.name, a, ta)
				}
			}
		}
		// viewerCanUpdate reads the paths of every page's branches in one
		// batch: at most one statement more than without it.
		for _, role := range perfRoles {
			for _, db := range dbs {
				if p, c := counts["nested"][role][db.name], counts["nested+viewerCanUpdate"][role][db.name]; c > p+1 {
					t.Errorf("%s/%s: viewerCanUpdate costs %d statements more, want at most 1", role, db.name, c-p)
				}
			}
		}
	})
}

// perRowQueries read a field computed for each row of a page: a member's
// latest mobile record (and its contact cadre, a nullable edge) and an
// org's care fund. Each must cost the same statements for a page of 2 as
// for a page of 60: the per-request loaders batch them.
var perRowQueries = []struct {
	name, query string
	// shape counts the rows of a page and those whose field carries
	// something, so that the comparison is not between empty answers.
	shape func(perRowPage) (rows, real int)
}{
	{"Member.mobile", `query($n: Int) { members(first: $n, where: { category: MOBILE }) { edges { node {
		id mobile { state contact { name } } } } } }`, func(p perRowPage) (int, int) {
		n := 0
		for _, e := range p.Members.Edges {
			if e.Node.Mobile != nil && e.Node.Mobile.Contact != nil {
				n++
			}
		}
		return len(p.Members.Edges), n
	}},
	{"Org.careFund", `query($n: Int) { orgs(first: $n) { edges { node { id careFund { inFen balanceFen } } } } }`, func(p perRowPage) (int, int) {
		n := 0
		for _, e := range p.Orgs.Edges {
			if e.Node.CareFund.InFen > 0 {
				n++
			}
		}
		return len(p.Orgs.Edges), n
	}},
}

// perRowPage decodes the perRowQueries.
type perRowPage struct {
	Members struct {
		Edges []struct {
			Node struct {
				Mobile *struct {
					State   string
					Contact *struct{ Name string }
				}
			}
		}
	}
	Orgs struct {
		Edges []struct {
			Node struct {
				CareFund struct{ InFen, BalanceFen int }
			}
		}
	}
}

func TestNoNPlusOnePerRow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		ctx := viewer.NewSystemContext(context.Background())
		if _, err := demo.Load(ctx, d.Client); err != nil {
			t.Fatal(err)
		}
		township, err := d.Client.Org.Query().Where(org.KindEQ(org.KindTownship)).Order(ent.Asc(org.FieldID)).FirstID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		clients := perfAccounts(t, d, township)
		const small, large = 2, 60
		for _, q := range perRowQueries {
			for _, role := range perfRoles {
				// The fewest statements of three runs: a loader's batch
				// window (1 ms) can close before every row has asked on a
				// busy machine, which splits a batch now and then; one
				// statement per row would show in every run.
				page := func(n int) (int64, int, int) {
					var out perRowPage
					statements := int64(-1)
					for range 3 {
						before := d.Statements.Load()
						clients[role].MustDo(t, q.query, map[string]any{"n": n}, &out)
						if k := d.Statements.Load() - before; statements < 0 || k < statements {
							statements = k
						}
					}
					rows, real := q.shape(out)
					return statements, rows, real
				}
				s, sRows, sReal := page(small)
				l, lRows, lReal := page(large)
				t.Logf("%s as %s: %d statements for %d rows (%d with a value), %d for %d rows (%d)", q.name, role, s, sRows, sReal, l, lRows, lReal)
				if lRows <= 2*small || lReal == 0 {
					t.Errorf("%s as %s: the large page has %d rows, %d with a value: the demo data does not show growth", q.name, role, lRows, lReal)
				}
				if s != l {
					t.Errorf("%s as %s: %d statements for %d rows, %d for %d: statements grow with the page (N+1)", q.name, role, s, sRows, l, lRows)
				}
			}
		}
	})
}

// TestPointsNoNPlusOne: PointEntry.item and Member.score (of the year,
// frozen or live, and of a half) are batched per request: pages of
// entries and of members cost the same statements whatever their size,
// for the county's ORG_ADMIN and a township's.
func TestPointsNoNPlusOne(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *testdb.DB) {
		w := newPointsWorld(t, d)
		// An entry for every member, of two items; C.T1.V1.B1's year is
		// closed, so a page of members mixes frozen and live scores.
		for i, name := range slices.Sorted(maps.Keys(w.tree.Members)) {
			title := []string{dutyStudy, bonusPoor}[i%2]
			id := w.declare(t, countyAdmin, name, title, "2024-05-01", "BRANCH_RECORDED")
			w.as(countyAdmin).MustDo(t, reviewEntryQ, gqlVars("id", id, "ok", true), nil)
		}
		w.closeYear(t, w.org("C.T1.V1.B1"), 2024)

		queries := []struct {
			name, query string
			sizes       []int
		}{
			{"pointEntries", `{ pointEntries(first: %d) { edges { node { id item { id title } } } } }`, []int{1, 4, 12}},
			// Pages of 4 and more hold frozen and live scores (ID order).
			{"members", `{ members(first: %d) { edges { node { id score(year: 2024) { total grade } half: score(year: 2024, half: 1) { total } } } } }`, []int{4, 12}},
		}
		for _, user := range []string{countyAdmin, t1Admin} {
			for _, q := range queries {
				var counts []int64
				var rows []int
				for _, n := range q.sizes {
					var out map[string]struct {
						Edges []struct {
							Node struct {
								Item  *struct{ Title string }
								Score *struct{ Total int }
							}
						}
					}
					counts = append(counts, perfStatements(t, d, w.as(user), fmt.Sprintf(q.query, n), &out))
					edges := out[q.name].Edges
					rows = append(rows, len(edges))
					for _, e := range edges {
						if (e.Node.Item == nil || e.Node.Item.Title == "") && (e.Node.Score == nil || e.Node.Score.Total == 0) {
							t.Errorf("%s as %s: an empty answer %+v", q.name, user, e.Node)
						}
					}
				}
				t.Logf("%s as %s: %v statements for %v rows", q.name, user, counts, rows)
				if rows[0] >= rows[len(rows)-1] {
					t.Fatalf("%s as %s: pages of %v rows, too few to show growth", q.name, user, rows)
				}
				if slices.Max(counts) != slices.Min(counts) {
					t.Errorf("%s as %s: %v statements for pages of %v rows (N+1)", q.name, user, counts, rows)
				}
			}
		}
	})
}

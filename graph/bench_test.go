package graph_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/user"
	"github.com/partyorg/partyorg/internal/apitest"
	"github.com/partyorg/partyorg/internal/auth"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/demo"
	"github.com/partyorg/partyorg/internal/testdb"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Run with, e.g.:
//
//	go test ./graph/ -run '^$' -bench . -benchtime 20x
//	PARTYORG_TEST_PG=postgres://... go test ./graph/ -run '^$' -bench . -benchtime 20x
//
// Every benchmark runs on a county of demo.County's size (1,821 orgs,
// 30,000 members) with its units and a year of work (perfPointsYear: 360,000
// point entries, pledges, visits …, demo.Size.Year), built once per database
// kind per process.

// perfMemberPage is the first page of members in id order, the page a list
// view opens with.
const perfMemberPage = `{ members(first: 50) { edges { node { id name } } } }`

// perfMemberPageCount adds totalCount, which scans every member in scope.
const perfMemberPageCount = `{ members(first: 50) { totalCount edges { node { id name } } } }`

// perfTownshipPage is the ADMIN's way to the township ORG_ADMIN's page.
const perfTownshipPage = `query($t: ID!) { members(first: 50, where: {withinOrg: $t}) { edges { node { id name } } } }`

// perfTownshipTree is the nested query from one township down, and
// perfTownshipTreeByID the ADMIN's way to the same tree.
const (
	perfTownshipTree = `{ orgs(where: {kind: TOWNSHIP}) { edges { node { children { edges { node { children { edges { node {
	members(first: 10) { totalCount edges { node { name } } } } } } } } } } } } }`
	perfTownshipTreeByID = `query($t: ID!) { orgs(where: {id: $t}) { edges { node { children { edges { node { children { edges { node {
	members(first: 10) { totalCount edges { node { name } } } } } } } } } } } } }`
)

// perfRoles are the two viewers compared: everything, or one township.
var perfRoles = []string{"admin", "township_admin"}

// perfCounty is a county-size database with an ADMIN and a township
// ORG_ADMIN, signed in over HTTP and as ent viewers.
type perfCounty struct {
	d        *testdb.DB
	township string
	clients  map[string]*apitest.Client
	ctxs     map[string]context.Context
}

var (
	perfCountiesMu sync.Mutex
	perfCounties   = map[string]*perfCounty{}
	// perfCleanups release the counties when the process ends (TestMain).
	perfCleanups []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(perfCleanups) - 1; i >= 0; i-- {
		perfCleanups[i]()
	}
	os.Exit(code)
}

// perfSharedTB outlives the benchmark that builds a county: its cleanups run
// at the end of the process, so the other benchmarks can reuse the
// county. Failures during the build go to that benchmark.
type perfSharedTB struct{ testing.TB }

func (perfSharedTB) Cleanup(f func()) { perfCleanups = append(perfCleanups, f) }

func (s perfSharedTB) TempDir() string {
	dir, err := os.MkdirTemp("", "partyorg-bench-")
	if err != nil {
		s.Fatal(err)
	}
	s.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// Error and Errorf may be called by cleanups, after every benchmark has
// finished.
func (perfSharedTB) Error(args ...any) { fmt.Fprintln(os.Stderr, args...) }
func (perfSharedTB) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// perfCountyFor returns the county-size database of the dialect, building it
// on first use.
func perfCountyFor(b *testing.B, dialect string) *perfCounty {
	b.Helper()
	if dialect == "postgres" && os.Getenv(testdb.EnvPG) == "" {
		b.Skip("PARTYORG_TEST_PG is not set")
	}
	perfCountiesMu.Lock()
	defer perfCountiesMu.Unlock()
	if c, ok := perfCounties[dialect]; ok {
		return c
	}
	tb := perfSharedTB{b}
	start := time.Now()
	d := testdb.Open(tb, dialect)
	size := demo.County
	size.Year = perfPointsYear
	g, err := demo.Generate(context.Background(), d.Client, size)
	if err != nil {
		b.Fatal(err)
	}
	// Statistics as autovacuum would have them in production; the
	// planner's choices for the scoped pages depend on them. (SQLite is
	// left as the application runs it, without ANALYZE.)
	if dialect == "postgres" {
		if _, err := d.Client.ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	// The last township: its members come last in id order, the worst
	// case for a page read in id order and filtered by scope.
	township := g.TownshipIDs[len(g.TownshipIDs)-1]
	b.Logf("%s: generated %d orgs, %d members and %v in %v", dialect, g.Orgs, g.Members, g.Records, time.Since(start).Round(time.Millisecond))

	c := &perfCounty{d: d, township: strconv.Itoa(township), clients: perfAccounts(tb, d, township), ctxs: map[string]context.Context{}}
	az, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	sys := viewer.NewSystemContext(context.Background())
	for role, username := range map[string]string{"admin": "perf.admin", "township_admin": "perf.township"} {
		u, err := d.Client.User.Query().Where(user.Username(username)).Only(sys)
		if err != nil {
			b.Fatal(err)
		}
		v, err := auth.Load(context.Background(), d.Client, az, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		c.ctxs[role] = viewer.NewContext(context.Background(), v)
	}
	perfCounties[dialect] = c
	return c
}

// perfReportStatements reports the SQL statements per iteration of the loop
// that ran since before.
func perfReportStatements(b *testing.B, d *testdb.DB, before int64) {
	b.ReportMetric(float64(d.Statements.Load()-before)/float64(b.N), "stmts/op")
}

// BenchmarkNestedQuery runs the three-level tree query with member pages
// (nplus1_test.go) over HTTP.
func BenchmarkNestedQuery(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			for _, role := range perfRoles {
				b.Run(role, func(b *testing.B) {
					client := c.clients[role]
					before := c.d.Statements.Load()
					for b.Loop() {
						client.MustDo(b, perfNestedQuery, nil, nil)
					}
					perfReportStatements(b, c.d, before)
				})
			}
		})
	}
}

// BenchmarkMemberPage reads the first 50 members over HTTP: all of the
// county's for the ADMIN, its township's for the ORG_ADMIN.
func BenchmarkMemberPage(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			for _, role := range perfRoles {
				b.Run(role, func(b *testing.B) {
					client := c.clients[role]
					var out struct {
						Members struct {
							Edges []struct{ Node struct{ ID, Name string } }
						}
					}
					before := c.d.Statements.Load()
					for b.Loop() {
						client.MustDo(b, perfMemberPage, nil, &out)
					}
					perfReportStatements(b, c.d, before)
					if n := len(out.Members.Edges); n != 50 {
						b.Fatalf("the page has %d members, want 50", n)
					}
				})
			}
		})
	}
}

// BenchmarkMemberPageEnt is BenchmarkMemberPage without HTTP and GraphQL:
// the ent query and the scope interceptor alone.
func BenchmarkMemberPageEnt(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			for _, role := range perfRoles {
				b.Run(role, func(b *testing.B) {
					ctx := c.ctxs[role]
					var page []*ent.Member
					before := c.d.Statements.Load()
					for b.Loop() {
						var err error
						if page, err = c.d.Client.Member.Query().Limit(50).All(ctx); err != nil {
							b.Fatal(err)
						}
					}
					perfReportStatements(b, c.d, before)
					if len(page) != 50 {
						b.Fatalf("the page has %d members, want 50", len(page))
					}
				})
			}
		})
	}
}

// BenchmarkScopedRatio times a scoped and an unscoped request alternately
// in one run and reports the ratio of their times, which varies less
// between runs and machines than either time. same_rows compares the
// township ORG_ADMIN's page with the ADMIN asking for the same township's
// members through a where-filter: the same rows, scope against filter;
// nested_same_rows does the same for the nested tree query from the
// township down.
// The other pairs compare the ORG_ADMIN's page with the ADMIN's
// unfiltered one (other rows, the stricter test).
func BenchmarkScopedRatio(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			http := func(role, query string, vars map[string]any) func(*testing.B) {
				return func(b *testing.B) { c.clients[role].MustDo(b, query, vars, nil) }
			}
			entPage := func(role string) func(*testing.B) {
				return func(b *testing.B) {
					if _, err := c.d.Client.Member.Query().Limit(50).All(c.ctxs[role]); err != nil {
						b.Fatal(err)
					}
				}
			}
			pairs := []struct {
				name             string
				scoped, unscoped func(*testing.B)
			}{
				{"same_rows", http("township_admin", perfMemberPage, nil), http("admin", perfTownshipPage, map[string]any{"t": c.township})},
				{"nested_same_rows", http("township_admin", perfTownshipTree, nil), http("admin", perfTownshipTreeByID, map[string]any{"t": c.township})},
				{"http_page", http("township_admin", perfMemberPage, nil), http("admin", perfMemberPage, nil)},
				{"http_page_count", http("township_admin", perfMemberPageCount, nil), http("admin", perfMemberPageCount, nil)},
				{"ent_page", entPage("township_admin"), entPage("admin")},
			}
			for _, p := range pairs {
				b.Run(p.name, func(b *testing.B) {
					var scoped, unscoped time.Duration
					for b.Loop() {
						start := time.Now()
						p.scoped(b)
						mid := time.Now()
						p.unscoped(b)
						scoped, unscoped = scoped+mid.Sub(start), unscoped+time.Since(mid)
					}
					b.ReportMetric(float64(scoped)/float64(unscoped), "scoped/unscoped")
				})
			}
		})
	}
}

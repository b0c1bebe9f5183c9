package graph_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/bench"
	"github.com/partyorg/partyorg/internal/viewer"
)

// BenchmarkAnalytics sends the dashboards over HTTP, one client at a time:
// the county's as the ADMIN, the township's as its ORG_ADMIN. "all" is the
// whole dashboard of `partyorg bench`'s analytics workloads; each other
// sub-benchmark asks for one figure family (the statement behind it), for
// the org and its children, to show what each family costs.
//
//	PARTYORG_TEST_PG=postgres://... go test ./graph/ -run '^$' -bench Analytics -benchtime 10x
func BenchmarkAnalytics(b *testing.B) {
	ops := []struct{ name, query string }{{"all", bench.AnalyticsDashboard}}
	for _, f := range bench.AnalyticsFamilies {
		ops = append(ops, struct{ name, query string }{f.Name, bench.AnalyticsOp(f.Selection, false)})
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			county := strconv.Itoa(c.d.Client.Org.Query().Where(org.KindEQ(org.KindCounty)).FirstIDX(viewer.NewSystemContext(context.Background())))
			for _, role := range perfRoles {
				vars := map[string]any{"org": county, "year": perfPointsYear}
				if role == "township_admin" {
					vars["org"] = c.township
				}
				for _, op := range ops {
					b.Run(role+"/"+op.name, func(b *testing.B) {
						var out struct {
							Analytics struct {
								Children []struct{ Org struct{ ID string } }
							}
						}
						before := c.d.Statements.Load()
						for b.Loop() {
							c.clients[role].MustDo(b, op.query, vars, &out)
						}
						perfReportStatements(b, c.d, before)
						if len(out.Analytics.Children) == 0 {
							b.Fatal("a dashboard without children")
						}
					})
				}
			}
		})
	}
}

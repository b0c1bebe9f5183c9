package graph_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/points"
	"github.com/partyorg/partyorg/internal/viewer"
)

// The points year of the county-size benchmarks (perfCountyFor): 12
// approved entries per member (360,000 in all, DESIGN.md §4) and a closed
// year's results, the county's last member's year left open
// (demo.Size.Year).
const perfPointsYear = 2025

// BenchmarkPointRanking ranks a closed year over HTTP: the county's
// townships for the ADMIN, its township's branches for the township
// ORG_ADMIN, with the distribution (grades, statuses, histogram,
// consequences) beside it.
func BenchmarkPointRanking(b *testing.B) {
	const q = `query($o: ID!, $l: OrgKind!) {
		pointRanking(orgID: $o, year: 2025, level: $l) { org { id } rank members average }
		pointDistribution(orgID: $o, year: 2025) { members average grades { key count } byStatus { key count } histogram { key count } consequences { key count } }
	}`
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			county := strconv.Itoa(c.d.Client.Org.Query().Where(org.KindEQ(org.KindCounty)).FirstIDX(viewer.NewSystemContext(context.Background())))
			for _, role := range perfRoles {
				vars := map[string]any{"o": county, "l": "TOWNSHIP"}
				if role == "township_admin" {
					vars = map[string]any{"o": c.township, "l": "BRANCH"}
				}
				b.Run(role, func(b *testing.B) {
					var out struct {
						PointDistribution struct{ Members int }
					}
					before := c.d.Statements.Load()
					for b.Loop() {
						c.clients[role].MustDo(b, q, vars, &out)
					}
					perfReportStatements(b, c.d, before)
					if out.PointDistribution.Members == 0 {
						b.Fatal("no results in the distribution")
					}
				})
			}
		})
	}
}

// BenchmarkMemberScore computes a member's live score of the year from
// its 12 entries among the county's 360,000 (Member.score of a year the
// branch has not closed for it).
func BenchmarkMemberScore(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			ctx := c.ctxs["admin"]
			m := c.d.Client.Member.Query().Order(ent.Desc(member.FieldID)).FirstX(ctx)
			before := c.d.Statements.Load()
			var s points.MemberScore
			for b.Loop() {
				var err error
				if s, err = points.ScoreOf(ctx, c.d.Client, m, perfPointsYear, 0); err != nil {
					b.Fatal(err)
				}
			}
			perfReportStatements(b, c.d, before)
			if s.Base != 100 {
				b.Fatalf("score %+v, want the base of every duty", s)
			}
		})
	}
}

package graph_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

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
// consequences) beside it. Each iteration also runs, in turn, two
// hand-written SQL arms over the same subtree: the same answer from the
// tallies (the ceiling), and the GROUP BYs of the members' results that
// rankings ran before the tallies (the baseline). The ratios compare arms
// of the same run, which a shared machine disturbs less than the times.
func BenchmarkPointRanking(b *testing.B) {
	const q = `query($o: ID!, $l: OrgKind!) {
		pointRanking(orgID: $o, year: 2025, level: $l) { org { id } rank members average }
		pointDistribution(orgID: $o, year: 2025) { members average grades { key count } byStatus { key count } histogram { key count } consequences { key count } }
	}`
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			ctx := viewer.NewSystemContext(context.Background())
			county := c.d.Client.Org.Query().Where(org.KindEQ(org.KindCounty)).OnlyX(ctx)
			township := c.d.Client.Org.GetX(ctx, parseGQLID(b, c.township))
			for _, role := range perfRoles {
				root, level := county, org.KindTownship
				if role == "township_admin" {
					root, level = township, org.KindBranch
				}
				b.Run(role, func(b *testing.B) {
					var out struct {
						PointDistribution struct{ Members int }
					}
					vars := map[string]any{"o": gqlID(root.ID), "l": level}
					arms := []func(){
						func() { c.clients[role].MustDo(b, q, vars, &out) },
						func() { perfQueryAll(b, c, perfTallySQL(root.Path, level)) },
						func() { perfQueryAll(b, c, perfResultsSQL(root.Path)) },
					}
					spent := make([]time.Duration, len(arms))
					var stmts int64 // the API's alone
					for b.Loop() {
						for i, arm := range arms {
							start, before := time.Now(), c.d.Statements.Load()
							arm()
							spent[i] += time.Since(start)
							if i == 0 {
								stmts += c.d.Statements.Load() - before
							}
						}
					}
					b.ReportMetric(float64(stmts)/float64(b.N), "api-stmts/op")
					ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
					b.ReportMetric(ms(spent[0]), "api-ms/op")
					b.ReportMetric(ms(spent[1]), "tally-sql-ms/op")
					b.ReportMetric(ms(spent[2]), "results-sql-ms/op")
					b.ReportMetric(float64(spent[0])/float64(spent[1]), "api/tally-sql")
					b.ReportMetric(float64(spent[2])/float64(spent[0]), "results-sql/api")
					if out.PointDistribution.Members == 0 {
						b.Fatal("no results in the distribution")
					}
				})
			}
		})
	}
}

// perfStatement is a hand-written statement with its arguments.
type perfStatement struct {
	sql  string
	args []any
}

// perfTallySQL answers pointRanking and pointDistribution of the subtree
// at path by hand from the tallies: the peers' sums in one join over the
// path index (CROSS JOIN keeps SQLite's join order: peers, their
// branches, the branches' tallies), and the distribution's two GROUP BYs.
func perfTallySQL(path string, level org.Kind) []perfStatement {
	succ := path[:len(path)-1] + "0"
	return []perfStatement{
		{`SELECT p.id, SUM(t.members), SUM(t.total), SUM(t.excellent)
		FROM orgs p CROSS JOIN orgs b CROSS JOIN point_tallies t
		WHERE p.kind = ? AND p.path >= ? AND p.path < ?
			AND b.path >= p.path AND b.path < substr(p.path, 1, length(p.path) - 1) || '0'
			AND t.year = ? AND t.branch_id = b.id
		GROUP BY p.id`, []any{string(level), path, succ, perfPointsYear}},
		{`SELECT sector, SUM(members), SUM(total), SUM(excellent), SUM(qualified), SUM(basically_qualified), SUM(unqualified),
			SUM(status_full), SUM(status_probationary), SUM(status_activist), SUM(report_veto), SUM(extend_probation), SUM(cancel_probation),
			SUM(priority_development), SUM(cancel_activist), SUM(talk_and_help), SUM(recommend_award)
		FROM point_tallies WHERE year = ? AND branch_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)
		GROUP BY sector`, []any{perfPointsYear, path, succ}},
		{`SELECT band, SUM(members) FROM point_tally_bands
		WHERE year = ? AND branch_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)
		GROUP BY band`, []any{perfPointsYear, path, succ}},
	}
}

// perfResultsSQL are the GROUP BYs over the members' results of the
// subtree at path that rankings and distributions ran before the tallies:
// the ranking's by branch, the distribution's by every dimension at once.
func perfResultsSQL(path string) []perfStatement {
	args := []any{perfPointsYear, path, path[:len(path)-1] + "0"}
	return []perfStatement{
		{`SELECT branch_id, COUNT(*), SUM(total), SUM(CASE WHEN grade = 'EXCELLENT' THEN 1 ELSE 0 END)
		FROM annual_results WHERE year = ? AND branch_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)
		GROUP BY branch_id`, args},
		{`SELECT grade, status, sector, total, consequences, COUNT(*)
		FROM annual_results WHERE year = ? AND branch_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)
		GROUP BY grade, status, sector, total, consequences`, args},
	}
}

// perfQueryAll runs the statements and reads every row; each must answer
// some.
func perfQueryAll(b *testing.B, c *perfCounty, stmts []perfStatement) {
	b.Helper()
	for _, st := range stmts {
		q := st.sql
		if c.d.Name == "postgres" {
			n := 0
			q = perfPlaceholder.ReplaceAllStringFunc(q, func(string) string { n++; return "$" + strconv.Itoa(n) })
		}
		rows, err := c.d.Client.QueryContext(context.Background(), q, st.args...)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil || n == 0 {
			b.Fatalf("%d rows, %v: %s", n, err, q)
		}
	}
}

var perfPlaceholder = regexp.MustCompile(`\?`)

// BenchmarkMemberScore computes a member's live score of the year from
// its 12 entries among the county's 360,000 (Member.score of a year the
// branch has not closed for it).
func BenchmarkMemberScore(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			c := perfCountyFor(b, dialect)
			ctx := c.ctxs["admin"]
			m := c.d.Client.Member.Query().Order(ent.Desc(member.FieldID)).FirstX(ctx)
			k := points.ScoreKey{Member: m.ID, Branch: m.BranchID, Year: perfPointsYear}
			before := c.d.Statements.Load()
			var scores map[points.ScoreKey]points.MemberScore
			for b.Loop() {
				var err error
				if scores, err = points.Scores(ctx, c.d.Client, []points.ScoreKey{k}); err != nil {
					b.Fatal(err)
				}
			}
			perfReportStatements(b, c.d, before)
			if s := scores[k]; s.Base != 100 {
				b.Fatalf("score %+v, want the base of every duty", s)
			}
		})
	}
}

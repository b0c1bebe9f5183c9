package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/partyorg/partyorg/internal/analytics"
	"github.com/partyorg/partyorg/internal/day"
	"github.com/partyorg/partyorg/internal/pairing"
)

// The dashboards (分析, issue 11): what a county's or a township's
// dashboard sends when it opens: every figure family of the org and of
// each direct child, the year's monthly series, and three rankings of
// the children. The year is the latest closed points year in the
// database (`partyorg gen --year`).

// AnalyticsFamilies are the dashboard's selections, by the statement
// that answers them (internal/analytics: members, mobile and elderly
// come from one).
var AnalyticsFamilies = []struct{ Name, Selection string }{
	{"people", `members { total byStatus { key count } byCategory { key count } byGender { key count } byAgeBand { key count } atHomeNoPost withoutPost postCoverage }
  mobile { members contactedWithin30Days contactRate }
  elderly { members visitedThisMonth visitRate }`},
	{"points", `points { graded average grades { key count } histogram { key count } consequences { key count } excellentShare }`},
	{"pledges", `pledges { total byState { key count } fulfilmentRate }`},
	{"careFund", `careFund { inFen outFen balanceFen }`},
	{"pairings", `pairings { villageBranches pairedBranches branchCoverage poorHouseholds helpedHouseholds householdCoverage }`},
	{"leaders", `leaders { month assignments compliant complianceRate }`},
	{"monthly", `monthly { month entriesApproved visits contacts disbursements disbursedFen }`},
}

// AnalyticsOp asks for the selection for the org and each child, with
// three rankings of the children when ranked.
func AnalyticsOp(selection string, ranked bool) string {
	rankings := ""
	if ranked {
		rankings = `
  byPoints: ranking(metric: AVERAGE_POINTS, first: 10) { org { id name } value rank }
  byPledges: ranking(metric: PLEDGE_FULFILMENT, first: 10) { org { id name } value rank }
  byVisits: ranking(metric: VISIT_COMPLIANCE, first: 10) { org { id name } value rank }`
	}
	return `fragment figures on OrgAnalytics { ` + selection + ` }
query($org: ID!, $year: Int!) { analytics(orgID: $org, year: $year) {
  org { id name } year ...figures
  children { org { id name kind } ...figures }` + rankings + `
} }`
}

// AnalyticsDashboard is the whole dashboard, as it opens.
var AnalyticsDashboard = func() string {
	all := make([]string, len(AnalyticsFamilies))
	for i, f := range AnalyticsFamilies {
		all[i] = f.Selection
	}
	return AnalyticsOp(strings.Join(all, "\n  "), true)
}()

var (
	analyticsCounty = Workload{Name: "analytics-county", County: true,
		Query: func(e *Env, _ *Role, _, _ int) (string, map[string]any) { return e.analyticsVars(e.County) },
		SQL: func(ctx context.Context, e *Env, _ *Role, _, _ int) error {
			return e.dashboardSQL(ctx, e.County, e.CountyPath)
		}}
	analyticsTownship = Workload{Name: "analytics-township",
		Query: func(e *Env, _ *Role, _, _ int) (string, map[string]any) { return e.analyticsVars(e.Township) },
		SQL: func(ctx context.Context, e *Env, _ *Role, _, _ int) error {
			return e.dashboardSQL(ctx, e.Township, e.Path)
		}}
)

func (e *Env) analyticsVars(org int) (string, map[string]any) {
	return AnalyticsDashboard, map[string]any{"org": strconv.Itoa(org), "year": e.Year}
}

// dashboardSQL fetches the same figures by hand: the org and its
// children, then a statement per family, the rules written out as the
// practices define them (internal/analytics). Each counts the subtree's
// rows by the org they belong to first (columns org, d1…, n1…), and
// only those counts are then added up by the child the org lies under:
// the child's path is computed once per org, not once per row. The
// posts, contacts and visits that count are those recorded in the
// subtree, as a scoped caller sees them. Adding the children up to the
// parent and the rankings are left out: they are a few dozen additions.
func (e *Env) dashboardSQL(ctx context.Context, root int, path string) error {
	for _, s := range e.dashboardStatements(root, path) {
		rows, err := e.SQL.QueryContext(ctx, e.q(s.query), s.args...)
		if err != nil {
			return fmt.Errorf("bench: %s: %w", s.name, err)
		}
		if err := drain(rows, s.cols); err != nil {
			return err
		}
	}
	return nil
}

// statement is one of dashboardSQL's statements: its family, SQL,
// arguments and the number of columns it returns.
type statement struct {
	name  string
	query string
	args  []any
	cols  int
}

// counts are a family's counts of the subtree's rows by the org they
// belong to: columns org, d1… (dims) and n1… (sums).
type counts struct {
	inner      string
	args       []any
	dims, sums int
}

func (e *Env) dashboardStatements(root int, path string) []statement {
	asOf := analytics.AsOf(e.Year, day.Today())
	month := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	next := month.AddDate(0, 1, 0)
	from := time.Date(e.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	find, monthOf := "instr", func(col string) string { return "substr(" + col + ", 1, 7)" }
	if e.Postgres {
		find, monthOf = "strpos", func(col string) string { return "to_char(" + col + ", 'YYYY-MM')" }
	}
	n := len(path)
	end := path[:n-1] + string(path[n-1]+1)
	// under is the subtree's orgs, in the form internal/scope writes for
	// each database (on PostgreSQL an array, so that an index on the org
	// column serves it); each use takes the arguments path, end.
	under := `IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)`
	if e.Postgres {
		under = `= ANY(ARRAY(SELECT id FROM orgs WHERE path >= ? AND path < ?))`
	}
	// byChild adds counts up by child in one statement (UNION ALL for
	// several). The subtree's orgs with their child's path (s) and the
	// counts (t0, t1, …) are materialized first, so that a low guess of
	// the planner at the size of a path range cannot make it count again
	// for every org.
	byChild := func(name string, cs ...counts) statement {
		with := []string{fmt.Sprintf(`s AS MATERIALIZED (SELECT id, substr(path, 1, %d + %s(substr(path, %d), '/')) AS child FROM orgs WHERE path >= ? AND path < ?)`, n, find, n+1)}
		args := []any{path, end}
		var selects []string
		for i, c := range cs {
			with = append(with, fmt.Sprintf("t%d AS MATERIALIZED (%s)", i, c.inner))
			args = append(args, c.args...)
			cols := []string{"s.child"}
			for d := 1; d <= c.dims; d++ {
				cols = append(cols, fmt.Sprintf("t.d%d", d))
			}
			group := strings.Join(cols, ", ")
			for k := 1; k <= c.sums; k++ {
				cols = append(cols, fmt.Sprintf("SUM(t.n%d)", k))
			}
			selects = append(selects, fmt.Sprintf("SELECT %s FROM t%d t JOIN s ON s.id = t.org GROUP BY %s", strings.Join(cols, ", "), i, group))
		}
		return statement{name, "WITH " + strings.Join(with, ",\n") + "\n" + strings.Join(selects, "\nUNION ALL "), args, 1 + cs[0].dims + cs[0].sums}
	}
	var bands []string
	var bandArgs []any
	for i, b := range analytics.AgeBands {
		bands = append(bands, fmt.Sprintf(`SUM(CASE WHEN m.birth_date >= ? AND m.birth_date < ? THEN 1 ELSE 0 END) AS n%d`, i+2))
		bandArgs = append(bandArgs, time.Date(asOf.Year()-b.To, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(asOf.Year()-b.From+1, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	nb := len(bands) + 1
	inMonth := func(col string) string { return col + ` >= ? AND ` + col + ` < ?` }
	series := func(i int, table, org, on, fen, where string) counts {
		return counts{fmt.Sprintf(`SELECT %s AS org, %d AS d1, %s AS d2, COUNT(*) AS n1, %s AS n2 FROM %s
WHERE %s %s AND %s AND %s GROUP BY 1, 3`, org, i, monthOf(`"`+on+`"`), fen, table, org, under, inMonth(`"`+on+`"`), where), []any{path, end, from, to}, 2, 2}
	}
	return []statement{
		{"orgs", `SELECT id, name, kind, path FROM orgs WHERE id = ? OR parent_id = ? ORDER BY name, id`, []any{root, root}, 4},
		byChild("members", counts{`SELECT m.branch_id AS org, m.status AS d1, m.category AS d2, m.gender AS d3, COUNT(*) AS n1, ` + strings.Join(bands, ", ") + fmt.Sprintf(`,
  SUM(CASE WHEN m.category = 'AT_HOME_NO_POST' AND NOT EXISTS (SELECT 1 FROM welfare_posts w WHERE w.holder_id = m.id AND w.branch_id `+under+`) THEN 1 ELSE 0 END) AS n%d,
  SUM(CASE WHEN m.category = 'MOBILE' AND NOT EXISTS (SELECT 1 FROM contact_logs c WHERE c.member_id = m.id AND c.branch_id `+under+` AND c."on" >= ?) THEN 1 ELSE 0 END) AS n%d,
  SUM(CASE WHEN m.category = 'ELDERLY_INFIRM' AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.member_id = m.id AND v.branch_id `+under+` AND `, nb+1, nb+2) + inMonth(`v."on"`) + fmt.Sprintf(`) THEN 1 ELSE 0 END) AS n%d
FROM members m WHERE m.branch_id `, nb+3) + under + ` GROUP BY 1, 2, 3, 4`,
			append(bandArgs, path, end, path, end, asOf.AddDate(0, 0, -29), path, end, month, next, path, end), 3, nb + 3}),
		byChild("points", counts{`SELECT r.branch_id AS org, r.grade AS d1, r.total - ((r.total % 10) + 10) % 10 AS d2, r.consequences AS d3, COUNT(*) AS n1, SUM(r.total) AS n2
FROM annual_results r WHERE r.year = ? AND r.branch_id ` + under + ` GROUP BY 1, 2, 3, 4`, []any{e.Year, path, end}, 3, 2}),
		byChild("pledges", counts{`SELECT branch_id AS org, state AS d1, COUNT(*) AS n1 FROM pledges WHERE year = ? AND branch_id ` + under + ` GROUP BY 1, 2`,
			[]any{e.Year, path, end}, 1, 1}),
		byChild("items", counts{`SELECT i.branch_id AS org, COUNT(*) AS n1, SUM(CASE WHEN i.result = 'FULFILLED' THEN 1 ELSE 0 END) AS n2
FROM pledge_items i JOIN pledges p ON p.id = i.pledge_id
WHERE p.year = ? AND p.state = 'EVALUATED' AND i.result IS NOT NULL AND i.branch_id ` + under + ` GROUP BY 1`, []any{e.Year, path, end}, 0, 2}),
		byChild("fund", counts{`SELECT org_id AS org, kind AS d1, reversed_kind AS d2, SUM(amount_fen) AS n1 FROM care_fund_entries WHERE org_id ` + under + ` GROUP BY 1, 2, 3`,
			[]any{path, end}, 2, 1}),
		byChild("branches", counts{`SELECT b.id AS org, 1 AS n1, CASE WHEN EXISTS (SELECT 1 FROM branch_pairings bp WHERE bp.village_branch_id = b.id AND bp.status = 'ACTIVE') THEN 1 ELSE 0 END AS n2
FROM orgs b JOIN orgs v ON v.id = b.parent_id WHERE b.kind = 'BRANCH' AND v.kind IN ('VILLAGE', 'COMMUNITY') AND b.path >= ? AND b.path < ?`,
			[]any{path, end}, 0, 2}),
		byChild("households", counts{`SELECT h.village_id AS org, COUNT(*) AS n1, SUM(CASE WHEN EXISTS (SELECT 1 FROM help_pairings hp WHERE hp.household_id = h.id) THEN 1 ELSE 0 END) AS n2
FROM poor_households h WHERE h.status <> 'LIFTED_OUT' AND h.village_id ` + under + ` GROUP BY 1`, []any{path, end}, 0, 2}),
		// A leader falls short in the month with fewer than MinVisits
		// visits, or a visit that solved too little or saw too few
		// households (pairing.ShortIn).
		byChild("leaders", counts{`SELECT l.village_id AS org, COUNT(*) AS n1, SUM(CASE WHEN (SELECT COUNT(*) FROM leader_visits v WHERE v.assignment_id = l.id AND ` + inMonth(`v."on"`) + `) < ?
  OR EXISTS (SELECT 1 FROM leader_visits w WHERE w.assignment_id = l.id AND ` + inMonth(`w."on"`) + ` AND (w.problems_solved < ?
    OR (SELECT COUNT(*) FROM leader_visit_households h WHERE h.leader_visit_id = w.id) < ?)) THEN 1 ELSE 0 END) AS n2
FROM leader_assignments l WHERE l.year = ? AND l.village_id ` + under + ` GROUP BY 1`,
			[]any{month, next, pairing.MinVisits, month, next, pairing.MinProblemsSolved, pairing.MinHouseholds, e.Year, path, end}, 0, 2}),
		byChild("monthly",
			counts{`SELECT branch_id AS org, 0 AS d1, period AS d2, COUNT(*) AS n1, 0 AS n2 FROM point_entries
WHERE year = ? AND state = 'APPROVED' AND branch_id ` + under + ` GROUP BY 1, 3`, []any{e.Year, path, end}, 2, 2},
			series(1, "visits", "branch_id", "on", "0", "1 = 1"),
			series(2, "contact_logs", "branch_id", "on", "0", "1 = 1"),
			series(3, "care_fund_entries", "org_id", "on", "SUM(amount_fen)", "kind = 'DISBURSEMENT'")),
	}
}

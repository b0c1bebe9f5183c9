package points

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/internal/orgtree"
)

// Rankings and distributions group the year-end results (AnnualResult,
// one row per member and year: the rollup of the year's entries) in SQL,
// in the caller's scope and the subtree of one org. Nothing loops over
// members in Go: ranking loops over the GROUP BY's branch rows.

// Bucket is one group of a distribution.
type Bucket struct {
	Key   string
	Count int
}

// Distribution is how an org's closed year spreads out.
type Distribution struct {
	Members      int
	Average      float64
	Grades       []Bucket // by grade, best first
	ByStatus     []Bucket
	BySector     []Bucket
	Histogram    []Bucket // totals in bands of HistogramBand ("90-99")
	Consequences []Bucket
}

// HistogramBand is the width of a histogram band.
const HistogramBand = 10

// results are the year's results in the subtree of orgID, in the
// caller's scope; an org it cannot read is NOT_FOUND.
func results(ctx context.Context, c *ent.Client, orgID, year int) (*ent.AnnualResultQuery, error) {
	if _, err := c.Org.Get(ctx, orgID); err != nil {
		return nil, notFound(err, "Org")
	}
	within, err := orgtree.Within(ctx, c, orgID, annualresult.FieldBranchID)
	if err != nil {
		return nil, err
	}
	return c.AnnualResult.Query().Where(annualresult.Year(year), within), nil
}

// Distribute answers an org's distribution of a closed year.
func Distribute(ctx context.Context, c *ent.Client, orgID, year int) (Distribution, error) {
	var d Distribution
	q, err := results(ctx, c, orgID, year)
	if err != nil {
		return d, err
	}
	// One GROUP BY over every dimension: its rows are the few
	// combinations that occur, which each distribution then adds up.
	var groups []struct {
		Grade        string `json:"grade"`
		Status       string `json:"status"`
		Sector       string `json:"sector"`
		Total        int    `json:"total"`
		Consequences string `json:"consequences"`
		Count        int    `json:"count"`
	}
	err = q.GroupBy(annualresult.FieldGrade, annualresult.FieldStatus, annualresult.FieldSector,
		annualresult.FieldTotal, annualresult.FieldConsequences).
		Aggregate(ent.Count()).Scan(ctx, &groups)
	if err != nil {
		return d, err
	}
	counts := [5]map[string]int{{}, {}, {}, {}, {}}
	sum := 0
	for _, g := range groups {
		d.Members += g.Count
		sum += g.Total * g.Count
		counts[0][g.Grade] += g.Count
		counts[1][g.Status] += g.Count
		counts[2][g.Sector] += g.Count
		lo := g.Total - ((g.Total%HistogramBand)+HistogramBand)%HistogramBand
		counts[3][fmt.Sprintf("%d-%d", lo, lo+HistogramBand-1)] += g.Count
		var cs []string
		_ = json.Unmarshal([]byte(g.Consequences), &cs)
		for _, c := range cs {
			counts[4][c] += g.Count
		}
	}
	if d.Members > 0 {
		d.Average = float64(sum) / float64(d.Members)
	}
	d.Grades = sortedBy(counts[0], gradeOrder)
	d.ByStatus = sortedBy(counts[1], nil)
	d.BySector = sortedBy(counts[2], nil)
	d.Histogram = sortedBy(counts[3], bandOrder)
	d.Consequences = sortedBy(counts[4], nil)
	return d, nil
}

var grades = []string{"EXCELLENT", "QUALIFIED", "BASICALLY_QUALIFIED", "UNQUALIFIED"}

func gradeOrder(a, b string) int {
	return cmp.Compare(slices.Index(grades, a), slices.Index(grades, b))
}

func bandOrder(a, b string) int {
	var x, y int
	fmt.Sscan(a[:1+strings.Index(a[1:], "-")], &x)
	fmt.Sscan(b[:1+strings.Index(b[1:], "-")], &y)
	return cmp.Compare(x, y)
}

func sortedBy(counts map[string]int, order func(a, b string) int) []Bucket {
	bs := make([]Bucket, 0, len(counts))
	for k, n := range counts {
		bs = append(bs, Bucket{k, n})
	}
	if order == nil {
		order = strings.Compare
	}
	slices.SortFunc(bs, func(a, b Bucket) int { return order(a.Key, b.Key) })
	return bs
}

// Rank is one org's place among its peers.
type Rank struct {
	Org       *ent.Org
	Members   int
	Excellent int
	Average   float64
	Rank      int
}

// Ranking ranks the orgs of a kind in an org's subtree (branches,
// villages, townships, …) by their members' average total of a closed
// year, best first; ties share a rank. SQL groups the results by branch;
// each branch row is then added to the org of that kind above it.
func Ranking(ctx context.Context, c *ent.Client, orgID, year int, level org.Kind) ([]Rank, error) {
	q, err := results(ctx, c, orgID, year)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		BranchID  int `json:"branch_id"`
		Count     int `json:"count"`
		Sum       int `json:"sum"`
		Excellent int `json:"excellent"`
	}
	err = q.GroupBy(annualresult.FieldBranchID).Aggregate(
		ent.Count(), ent.Sum(annualresult.FieldTotal),
		func(s *sql.Selector) string {
			return sql.As(fmt.Sprintf("SUM(CASE WHEN %s = '%s' THEN 1 ELSE 0 END)", s.C(annualresult.FieldGrade), annualresult.GradeExcellent), "excellent")
		},
	).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	root, err := c.Org.Get(ctx, orgID)
	if err != nil {
		return nil, notFound(err, "Org")
	}
	under, err := orgtree.Within(ctx, c, root.ID, org.FieldPath)
	if err != nil {
		return nil, err
	}
	peers, err := c.Org.Query().Where(org.KindEQ(level), under).All(ctx)
	if err != nil {
		return nil, err
	}
	byPath := make(map[string]*Rank, len(peers))
	for _, o := range peers {
		byPath[o.Path] = &Rank{Org: o}
	}
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = r.BranchID
	}
	branches, err := c.Org.Query().Where(org.IDIn(ids...)).Select(org.FieldID, org.FieldPath).All(ctx)
	if err != nil {
		return nil, err
	}
	paths := make(map[int]string, len(branches))
	for _, b := range branches {
		paths[b.ID] = b.Path
	}
	sums := map[*Rank]int{}
	for _, r := range rows {
		p := paths[r.BranchID]
		for i := 1; i < len(p); i++ {
			if p[i] != '/' {
				continue
			}
			if rk, ok := byPath[p[:i+1]]; ok {
				rk.Members += r.Count
				rk.Excellent += r.Excellent
				sums[rk] += r.Sum
				break
			}
		}
	}
	out := make([]Rank, 0, len(peers))
	for _, o := range peers {
		rk := byPath[o.Path]
		if rk.Members == 0 {
			continue
		}
		rk.Average = float64(sums[rk]) / float64(rk.Members)
		out = append(out, *rk)
	}
	slices.SortStableFunc(out, func(a, b Rank) int {
		return cmp.Or(cmp.Compare(b.Average, a.Average), cmp.Compare(a.Org.ID, b.Org.ID))
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Average == out[i-1].Average {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out, nil
}

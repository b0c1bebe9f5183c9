package points

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/annualresult"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointtally"
	"github.com/partyorg/partyorg/ent/pointtallyband"
	"github.com/partyorg/partyorg/internal/errs"
	"github.com/partyorg/partyorg/internal/scope"
)

// Rankings and distributions add up the rollup of closed years in SQL,
// in the caller's scope and the subtree of one org: a PointTally per
// branch and year (the counts of its members' results) and its
// PointTallyBands (the histogram). A county year is 30,000 results but
// 1,500 tallies and a few bands each, so the GROUP BYs stay in
// milliseconds; nothing loops over members in Go.

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

// bandOf is the lowest total of the band a total falls in, also below 0.
func bandOf(total int) int {
	return total - ((total%HistogramBand)+HistogramBand)%HistogramBand
}

// TallyCount is one count column of PointTally: the key of the bucket it
// counts (a Grade, a member status, a Consequence) and how to read it
// from a row.
type TallyCount struct {
	Key, Column string
	of          func(*ent.PointTally) int
}

// The count columns of each distribution (CONTRACT.md's Grade, member
// statuses and Consequence), in the order of their enums.
var (
	GradeCounts = []TallyCount{
		{"EXCELLENT", pointtally.FieldExcellent, func(t *ent.PointTally) int { return t.Excellent }},
		{"QUALIFIED", pointtally.FieldQualified, func(t *ent.PointTally) int { return t.Qualified }},
		{"BASICALLY_QUALIFIED", pointtally.FieldBasicallyQualified, func(t *ent.PointTally) int { return t.BasicallyQualified }},
		{"UNQUALIFIED", pointtally.FieldUnqualified, func(t *ent.PointTally) int { return t.Unqualified }},
	}
	statusCounts = []TallyCount{
		{"FULL", pointtally.FieldStatusFull, func(t *ent.PointTally) int { return t.StatusFull }},
		{"PROBATIONARY", pointtally.FieldStatusProbationary, func(t *ent.PointTally) int { return t.StatusProbationary }},
		{"ACTIVIST", pointtally.FieldStatusActivist, func(t *ent.PointTally) int { return t.StatusActivist }},
	}
	ConsequenceCounts = []TallyCount{
		{string(ReportVeto), pointtally.FieldReportVeto, func(t *ent.PointTally) int { return t.ReportVeto }},
		{string(ExtendProbation), pointtally.FieldExtendProbation, func(t *ent.PointTally) int { return t.ExtendProbation }},
		{string(CancelProbation), pointtally.FieldCancelProbation, func(t *ent.PointTally) int { return t.CancelProbation }},
		{string(PriorityDevelopment), pointtally.FieldPriorityDevelopment, func(t *ent.PointTally) int { return t.PriorityDevelopment }},
		{string(CancelActivist), pointtally.FieldCancelActivist, func(t *ent.PointTally) int { return t.CancelActivist }},
		{string(TalkAndHelp), pointtally.FieldTalkAndHelp, func(t *ent.PointTally) int { return t.TalkAndHelp }},
		{string(RecommendAward), pointtally.FieldRecommendAward, func(t *ent.PointTally) int { return t.RecommendAward }},
	}
)

// columnOf is the count column of key among counts.
func columnOf(counts []TallyCount, key string) (string, error) {
	for _, c := range counts {
		if c.Key == key {
			return c.Column, nil
		}
	}
	return "", errs.New(errs.Internal, "points: no tally column counts %q", key)
}

// RollUp writes the tallies of closed years' results: per branch and
// year, a PointTally of counts and a PointTallyBand per band of totals.
// closeYear calls it with the results it froze.
func RollUp(ctx context.Context, c *ent.Client, results []*ent.AnnualResult) error {
	type key struct{ branch, year int }
	type band struct {
		key
		band int
	}
	counts, bands := map[key]map[string]int{}, map[band]int{}
	sectors := map[key]string{}
	var order []key
	var bandKeys []band
	for _, r := range results {
		k := key{r.BranchID, r.Year}
		if counts[k] == nil {
			counts[k], sectors[k] = map[string]int{}, r.Sector
			order = append(order, k)
		}
		b := band{k, bandOf(r.Total)}
		if bands[b] == 0 {
			bandKeys = append(bandKeys, b)
		}
		bands[b]++
		n := counts[k]
		n[pointtally.FieldMembers]++
		n[pointtally.FieldTotal] += r.Total
		count := func(of []TallyCount, key string) error {
			col, err := columnOf(of, key)
			n[col]++
			return err
		}
		failed := []error{count(GradeCounts, string(r.Grade)), count(statusCounts, r.Status)}
		for _, cq := range r.Consequences {
			failed = append(failed, count(ConsequenceCounts, cq))
		}
		if err := errors.Join(failed...); err != nil {
			return err
		}
	}
	tallies := make([]*ent.PointTallyCreate, len(order))
	for i, k := range order {
		cr := c.PointTally.Create().SetBranchID(k.branch).SetYear(k.year).SetSector(sectors[k])
		for col, v := range counts[k] {
			if err := cr.Mutation().SetField(col, v); err != nil {
				return err
			}
		}
		tallies[i] = cr
	}
	if err := c.PointTally.CreateBulk(tallies...).Exec(ctx); err != nil {
		return err
	}
	rows := make([]*ent.PointTallyBandCreate, len(bandKeys))
	for i, b := range bandKeys {
		rows[i] = c.PointTallyBand.Create().SetBranchID(b.branch).SetYear(b.year).SetBand(b.band).SetMembers(bands[b])
	}
	return c.PointTallyBand.CreateBulk(rows...).Exec(ctx)
}

// RollUpMissing writes the tallies of the branches' closed years that
// have none (closed before tallies were kept). It reads one GROUP BY
// when nothing is missing.
func RollUpMissing(ctx context.Context, c *ent.Client) error {
	ctx = system(ctx)
	var missing []struct {
		BranchID int `json:"branch_id"`
		Year     int `json:"year"`
	}
	err := c.AnnualResult.Query().Where(func(s *sql.Selector) {
		t := sql.Table(pointtally.Table)
		s.Where(sql.NotExists(sql.Select(t.C(pointtally.FieldID)).From(t).Where(sql.And(
			sql.ColumnsEQ(t.C(pointtally.FieldBranchID), s.C(annualresult.FieldBranchID)),
			sql.ColumnsEQ(t.C(pointtally.FieldYear), s.C(annualresult.FieldYear)),
		))))
	}).GroupBy(annualresult.FieldBranchID, annualresult.FieldYear).Scan(ctx, &missing)
	if err != nil {
		return err
	}
	for _, m := range missing {
		rs, err := c.AnnualResult.Query().Where(annualresult.BranchID(m.BranchID), annualresult.Year(m.Year)).All(ctx)
		if err != nil {
			return err
		}
		if err := RollUp(ctx, c, rs); err != nil {
			return err
		}
	}
	return nil
}

// subtree reads an org in the caller's scope (else NOT_FOUND) and gives
// the predicate of the rows of its subtree by their branch column.
func subtree(ctx context.Context, c *ent.Client, orgID int) (*ent.Org, func(*sql.Selector), error) {
	o, err := c.Org.Get(ctx, orgID)
	if err != nil {
		return nil, nil, notFound(err, "Org")
	}
	return o, scope.RowsUnder(pointtally.FieldBranchID, o.Path), nil
}

// sums aggregates count columns as themselves, so that a group's row
// scans into an ent.PointTally.
func sums(cols ...string) []ent.AggregateFunc {
	fns := make([]ent.AggregateFunc, len(cols))
	for i, col := range cols {
		fns[i] = func(s *sql.Selector) string { return sql.As(sql.Sum(s.C(col)), col) }
	}
	return fns
}

// Distribute answers an org's distribution of a closed year.
func Distribute(ctx context.Context, c *ent.Client, orgID, year int) (Distribution, error) {
	var d Distribution
	_, under, err := subtree(ctx, c, orgID)
	if err != nil {
		return d, err
	}
	// The branches' tallies summed by sector give every distribution
	// but the histogram, which sums the bands.
	cols := []string{pointtally.FieldMembers, pointtally.FieldTotal}
	for _, cs := range [][]TallyCount{GradeCounts, statusCounts, ConsequenceCounts} {
		for _, tc := range cs {
			cols = append(cols, tc.Column)
		}
	}
	var sectors []*ent.PointTally
	err = c.PointTally.Query().Where(pointtally.Year(year), under).
		GroupBy(pointtally.FieldSector).Aggregate(sums(cols...)...).Scan(ctx, &sectors)
	if err != nil {
		return d, err
	}
	var bands []*ent.PointTallyBand
	err = c.PointTallyBand.Query().Where(pointtallyband.Year(year), under).
		GroupBy(pointtallyband.FieldBand).Aggregate(sums(pointtallyband.FieldMembers)...).Scan(ctx, &bands)
	if err != nil {
		return d, err
	}
	grades, statuses, bySector, histogram, consequences := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	sum := 0
	for _, g := range sectors {
		d.Members += g.Members
		sum += g.Total
		bySector[g.Sector] += g.Members
		for _, add := range []struct {
			to     map[string]int
			counts []TallyCount
		}{{grades, GradeCounts}, {statuses, statusCounts}, {consequences, ConsequenceCounts}} {
			for _, tc := range add.counts {
				if n := tc.of(g); n > 0 {
					add.to[tc.Key] += n
				}
			}
		}
	}
	for _, b := range bands {
		histogram[fmt.Sprintf("%d-%d", b.Band, b.Band+HistogramBand-1)] = b.Members
	}
	if d.Members > 0 {
		d.Average = float64(sum) / float64(d.Members)
	}
	d.Grades = sortedBy(grades, gradeOrder)
	d.ByStatus = sortedBy(statuses, nil)
	d.BySector = sortedBy(bySector, nil)
	d.Histogram = sortedBy(histogram, bandOrder)
	d.Consequences = sortedBy(consequences, nil)
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
// year, best first; ties share a rank. Each branch's tally is added to
// the org of that kind above it, found by the path prefix among the
// subtree's branches: a loop over branches, not members.
func Ranking(ctx context.Context, c *ent.Client, orgID, year int, level org.Kind) ([]Rank, error) {
	root, under, err := subtree(ctx, c, orgID)
	if err != nil {
		return nil, err
	}
	rows, err := c.PointTally.Query().Where(pointtally.Year(year), under).
		Select(pointtally.FieldBranchID, pointtally.FieldMembers, pointtally.FieldTotal, pointtally.FieldExcellent).
		All(ctx)
	if err != nil {
		return nil, err
	}
	inTree := scope.RowsUnder(org.FieldPath, root.Path)
	peers, err := c.Org.Query().Where(org.KindEQ(level), inTree).All(ctx)
	if err != nil {
		return nil, err
	}
	// The subtree's branches by one range over the path index, rather
	// than by the IDs of the rows (a statement with 1,500 parameters).
	branches := peers
	if level != org.KindBranch {
		if branches, err = c.Org.Query().Where(org.KindEQ(org.KindBranch), inTree).Select(org.FieldID, org.FieldPath).All(ctx); err != nil {
			return nil, err
		}
	}
	byPath := make(map[string]*Rank, len(peers))
	for _, o := range peers {
		byPath[o.Path] = &Rank{Org: o}
	}
	paths := make(map[int]string, len(branches))
	for _, b := range branches {
		paths[b.ID] = b.Path
	}
	totals := map[*Rank]int{}
	for _, r := range rows {
		p := paths[r.BranchID]
		for i := 1; i < len(p); i++ {
			if p[i] != '/' {
				continue
			}
			if rk, ok := byPath[p[:i+1]]; ok {
				rk.Members += r.Members
				rk.Excellent += r.Excellent
				totals[rk] += r.Total
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
		rk.Average = float64(totals[rk]) / float64(rk.Members)
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

package graph

import (
	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/pointitem"
	"github.com/partyorg/partyorg/internal/points"
)

// Translations between the points GraphQL types and internal/points.

func catalogInput(in CreatePointCatalogInput) points.CatalogInput {
	out := points.CatalogInput{CountyID: in.CountyID, Year: in.Year, Sector: in.Sector}
	if in.Excellent != nil || in.Qualified != nil || in.BasicallyQualified != nil {
		th := points.DefaultThresholds
		th.Excellent = or(in.Excellent, th.Excellent)
		th.Qualified = or(in.Qualified, th.Qualified)
		th.BasicallyQualified = or(in.BasicallyQualified, th.BasicallyQualified)
		out.Thresholds = &th
	}
	for _, it := range in.Items {
		out.Items = append(out.Items, points.ItemSpec{Part: pointitem.Part(it.Part), Title: it.Title, Points: it.Points, YearCap: it.YearCap})
	}
	return out
}

func declaration(in DeclarePointsInput) points.Declaration {
	return points.Declaration{
		MemberID: in.MemberID, ItemID: in.ItemID, OccurredOn: in.OccurredOn, Source: in.Source,
		Evidence: deref(in.Evidence), Certifiers: in.Certifiers,
	}
}

func scoreOf(s points.MemberScore, err error) (*MemberScore, error) {
	if err != nil {
		return nil, err
	}
	return &MemberScore{Base: s.Base, Bonus: s.Bonus, Deduction: s.Deduction, Vetoed: s.Vetoed, Total: s.Total, Grade: s.Grade}, nil
}

func consequencesOf(r *ent.AnnualResult) []Consequence {
	out := make([]Consequence, len(r.Consequences))
	for i, c := range r.Consequences {
		out[i] = Consequence(c)
	}
	return out
}

// rankingOf keeps the first ranks, when first is given.
func rankingOf(first *int) func([]points.Rank, error) ([]*PointRank, error) {
	return func(ranks []points.Rank, err error) ([]*PointRank, error) {
		if err != nil {
			return nil, err
		}
		if first != nil && *first >= 0 && *first < len(ranks) {
			ranks = ranks[:*first]
		}
		out := make([]*PointRank, len(ranks))
		for i, r := range ranks {
			out[i] = &PointRank{Org: r.Org, Rank: r.Rank, Members: r.Members, Average: r.Average, Excellent: r.Excellent}
		}
		return out, nil
	}
}

func distributionOf(d points.Distribution, err error) (*PointDistribution, error) {
	if err != nil {
		return nil, err
	}
	return &PointDistribution{
		Members: d.Members, Average: d.Average, Grades: buckets(d.Grades), ByStatus: buckets(d.ByStatus),
		BySector: buckets(d.BySector), Histogram: buckets(d.Histogram), Consequences: buckets(d.Consequences),
	}, nil
}

func buckets(bs []points.Bucket) []*PointBucket {
	out := make([]*PointBucket, len(bs))
	for i, b := range bs {
		out[i] = &PointBucket{Key: b.Key, Count: b.Count}
	}
	return out
}

func or(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

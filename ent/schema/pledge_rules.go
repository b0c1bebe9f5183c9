package schema

// Read rules of the pledge types beyond the scope: a MEMBER reads only the
// published and evaluated pledges of its branch (承诺践诺: 公开示诺), while
// drafts, submitted, returned and approved pledges are read by their
// author and by those who may "readDraft" them (the branch committee and
// the levels above). Like rules.go, this file imports generated code.

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/partyorg/partyorg/ent/intercept"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// Interceptors of Pledge hide unpublished pledges from their branch.
func (Pledge) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		v := viewer.FromContext(ctx)
		q.WhereP(func(s *sql.Selector) {
			if p := visiblePledges(v, s); p != nil {
				s.Where(p)
			}
		})
		return nil
	})}
}

// Interceptors of PledgeItem: an item is read with its pledge.
func (PledgeItem) Interceptors() []ent.Interceptor { return withVisiblePledge() }

// Interceptors of PledgeReview: a review is read with its pledge.
func (PledgeReview) Interceptors() []ent.Interceptor { return withVisiblePledge() }

// Interceptors of PledgeProgress: a report is read with its pledge.
func (PledgeProgress) Interceptors() []ent.Interceptor { return withVisiblePledge() }

// pledgeTable and the columns the rules read.
const pledgeTable = "pledges"

// visiblePledges is the predicate on a selector over pledges that keeps
// what v may read beyond its scope; nil when it reads every pledge in
// its scope.
func visiblePledges(v *viewer.Viewer, s *sql.Selector) *sql.Predicate {
	if v == nil || v.Decider == nil {
		return sql.False()
	}
	drafts := v.ScopeFor("Pledge", "readDraft")
	if drafts.All {
		return nil
	}
	ors := []*sql.Predicate{sql.In(s.C("state"), "PUBLISHED", "EVALUATED")}
	if v.MemberID != 0 {
		ors = append(ors, sql.EQ(s.C("member_id"), v.MemberID))
	}
	if len(drafts.Prefixes) > 0 {
		orgs := sql.Table(scope.OrgTable)
		ors = append(ors, sql.In(s.C("branch_id"),
			sql.Dialect(s.Dialect()).Select(orgs.C("id")).From(orgs).Where(scope.Under(orgs.C(scope.PathColumn), drafts.Prefixes))))
	}
	return sql.Or(ors...)
}

// withVisiblePledge keeps the rows whose pledge (pledge_id) v may read.
func withVisiblePledge() []ent.Interceptor {
	return []ent.Interceptor{intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		v := viewer.FromContext(ctx)
		q.WhereP(func(s *sql.Selector) {
			t := sql.Table(pledgeTable)
			sub := sql.Dialect(s.Dialect()).Select(t.C("id")).From(t)
			p := visiblePledges(v, sub)
			if p == nil {
				return
			}
			s.Where(sql.In(s.C("pledge_id"), sub.Where(p)))
		})
		return nil
	})}
}

// Interceptors of PledgeTopic: the topics of every county and those of
// the counties the viewer holds a grant in.
func (PledgeTopic) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
		v := viewer.FromContext(ctx)
		q.WhereP(func(s *sql.Selector) {
			if v == nil || v.Decider == nil {
				s.Where(sql.False())
				return
			}
			if v.Scope("Org").All {
				return
			}
			var counties []any
			for _, g := range v.Grants {
				if c := scope.CountyPath(g.Path); c != "" {
					counties = append(counties, c)
				}
			}
			orgs := sql.Table(scope.OrgTable)
			s.Where(sql.Or(sql.IsNull(s.C("county_id")), sql.In(s.C("county_id"),
				sql.Dialect(s.Dialect()).Select(orgs.C("id")).From(orgs).Where(sql.In(orgs.C(scope.PathColumn), counties...)))))
		})
		return nil
	})}
}

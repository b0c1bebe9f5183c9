package classification

import (
	"context"
	"strings"

	entgo "entgo.io/ent"

	"github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/member"
	"github.com/partyorg/partyorg/ent/predicate"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/viewer"
)

// ActIdentify is the policy action of seeing a member's national ID and
// phone whole: ADMIN and ORG_ADMIN hold it (policies/policy.csv), VIEWER
// does not, and a member always sees its own.
const ActIdentify = "identify"

// MaskPersonal masks the national ID and phone of every member a query
// returns (lists, edges, node) unless the caller may identify the member.
// It sits below the resolvers, so no path to a member shows them whole.
func MaskPersonal() entgo.Interceptor {
	return entgo.InterceptFunc(func(next entgo.Querier) entgo.Querier {
		return entgo.QuerierFunc(func(ctx context.Context, q entgo.Query) (entgo.Value, error) {
			// The decision needs the member's branch, which a query of
			// selected fields (gqlgen's field collection) may leave out.
			if qc := entgo.QueryFromContext(ctx); qc != nil && len(qc.Fields) > 0 && returnsMembers(qc.Op) {
				qc.AppendFieldOnce(member.FieldBranchID)
			}
			v, err := next.Query(ctx, q)
			if ms, ok := v.([]*ent.Member); ok && err == nil {
				for _, m := range ms {
					if !Identifies(ctx, m) {
						m.NationalID = MaskNationalID(m.NationalID)
						m.Phone = MaskPhone(m.Phone)
					}
				}
			}
			return v, err
		})
	})
}

// returnsMembers tells the query operations whose value is []*ent.Member
// (First and Only run All under their own name).
func returnsMembers(op string) bool {
	return op == entgo.OpQueryAll || op == entgo.OpQueryFirst || op == entgo.OpQueryOnly
}

// Identifies reports whether the caller sees the member's personal data
// whole: its own record, or the policy allows identify at its branch.
func Identifies(ctx context.Context, m *ent.Member) bool {
	v := viewer.FromContext(ctx)
	if v == nil {
		return false
	}
	return (v.MemberID != 0 && v.MemberID == m.ID) || authz.CanAt(ctx, m.BranchID, ent.TypeMember, ActIdentify, false)
}

// MaskNationalID keeps the region (6) and the last 4 characters:
// 410102********1234.
func MaskNationalID(s string) string { return mask(s, 6, 4) }

// MaskPhone keeps the first 3 and the last 4 digits: 138****5678.
func MaskPhone(s string) string { return mask(s, 3, 4) }

func mask(s string, head, tail int) string {
	if s == "" {
		return s
	}
	if len(s) <= head+tail {
		return strings.Repeat("*", len(s))
	}
	return s[:head] + strings.Repeat("*", len(s)-head-tail) + s[len(s)-tail:]
}

// NationalIDIs and PhoneIs filter members by national ID or phone, but
// match only members whose data the caller sees whole: a caller who sees
// them masked learns nothing from a filter.
func NationalIDIs(ctx context.Context, id string) predicate.Member {
	return member.And(member.NationalID(id), identifiable(ctx))
}

// PhoneIs is NationalIDIs for the phone.
func PhoneIs(ctx context.Context, phone string) predicate.Member {
	return member.And(member.Phone(phone), identifiable(ctx))
}

// identifiable is Identifies as SQL: the member's scope predicate taken
// over the subtrees where the caller may identify rather than read.
func identifiable(ctx context.Context) predicate.Member {
	v := viewer.FromContext(ctx)
	if v != nil && v.Decider != nil {
		v = &viewer.Viewer{UserID: v.UserID, MemberID: v.MemberID, Decider: identifyScope{v.Decider}}
	}
	return predicate.Member(scope.Filter(v, ent.TypeMember, scope.Annotation{Column: member.FieldBranchID, Member: member.FieldID}))
}

// identifyScope answers Scope with the subtrees where the viewer may
// identify members.
type identifyScope struct{ viewer.Decider }

func (d identifyScope) Scope(obj string) viewer.Scope { return d.ScopeFor(obj, ActIdentify) }

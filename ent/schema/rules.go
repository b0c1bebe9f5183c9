package schema

// Runtime behaviour of the schemas: read interceptors, privacy policies
// and hooks. It lives in its own file because it imports the generated
// client; entc does not need it to load the schema.

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent"

	gen "github.com/partyorg/partyorg/ent"
	"github.com/partyorg/partyorg/ent/hook"
	"github.com/partyorg/partyorg/ent/org"
	"github.com/partyorg/partyorg/ent/pointentry"
	"github.com/partyorg/partyorg/ent/privacy"
	"github.com/partyorg/partyorg/internal/account"
	"github.com/partyorg/partyorg/internal/audit"
	"github.com/partyorg/partyorg/internal/authz"
	"github.com/partyorg/partyorg/internal/classification"
	"github.com/partyorg/partyorg/internal/orgtree"
	"github.com/partyorg/partyorg/internal/rollup"
	"github.com/partyorg/partyorg/internal/scope"
	"github.com/partyorg/partyorg/internal/version"
)

// Interceptors of ScopedBy filter every read by the viewer's scope.
func (m ScopedBy) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{authz.FilterReads(m.annotation())}
}

// Policy of ScopedBy checks every write against the policy.
func (m ScopedBy) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			authz.ScopedMutationRule(m.Column, m.Also),
			privacy.AlwaysAllowRule(),
		},
	}
}

// Hooks of ScopedBy audit each write and refuse bulk writes, which
// neither the audit trail nor the policy checks one object at a time.
func (m ScopedBy) Hooks() []ent.Hook {
	hooks := []ent.Hook{hook.Reject(gen.OpUpdate | gen.OpDelete)}
	if !m.Unaudited {
		hooks = append(hooks, audit.Hook(m.Column, m.Also))
	}
	return hooks
}

// Interceptors of OrgScope.
func (OrgScope) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{authz.FilterReads(scope.Annotation{Column: scope.PathColumn})}
}

// Policy of OrgScope.
func (OrgScope) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			authz.OrgMutationRule(),
			privacy.AlwaysAllowRule(),
		},
	}
}

// Hooks of OrgScope.
func (OrgScope) Hooks() []ent.Hook {
	return []ent.Hook{audit.Hook(scope.PathColumn, "")}
}

// Hooks of Org keep the tree consistent (internal/orgtree).
func (Org) Hooks() []ent.Hook {
	return orgtree.Hooks()
}

// Hooks of Member: members belong to a branch (DESIGN.md §1); categories
// follow the rules of member classification and keep their history.
func (Member) Hooks() []ent.Hook {
	return []ent.Hook{orgtree.InKind("branch_id", org.KindBranch), classification.MemberHook()}
}

// Interceptors of Member mask personal data the caller may not see whole.
func (Member) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{classification.MaskPersonal()}
}

// appendOnly keeps a ledger or a history as written: corrections are new
// entries (a REVERSAL), never edits.
var appendOnly = hook.Reject(gen.OpUpdate | gen.OpUpdateOne | gen.OpDelete | gen.OpDeleteOne)

// Hooks of CareFundEntry: the care fund's ledger is append-only.
func (CareFundEntry) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Hooks of CategoryChange: history is append-only.
func (CategoryChange) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Hooks of Transfer: history is append-only.
func (Transfer) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Hooks of AuditLog keep the trail append-only, whoever asks.
func (AuditLog) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Hooks of User: a password change or a disable ends the account's
// tokens (internal/account).
func (User) Hooks() []ent.Hook {
	return []ent.Hook{account.RevokeTokensOnChange()}
}

// Hooks of Timestamps move each row's version on at every update.
func (Timestamps) Hooks() []ent.Hook {
	return []ent.Hook{version.Hook()}
}

// immutable refuses every change to a row once written, whoever asks:
// catalogue items and year-end results.
var immutable = hook.Reject(gen.OpUpdate | gen.OpUpdateOne | gen.OpDelete | gen.OpDeleteOne)

// undeletable refuses deletes, whoever asks: workflow records stay.
var undeletable = hook.Reject(gen.OpDelete | gen.OpDeleteOne)

// Hooks of PointCatalog: a catalogue is never changed; a change is a
// new version (internal/points).
func (PointCatalog) Hooks() []ent.Hook { return []ent.Hook{immutable} }

// Hooks of PointItem.
func (PointItem) Hooks() []ent.Hook { return []ent.Hook{immutable} }

// Hooks of AnnualResult.
func (AnnualResult) Hooks() []ent.Hook { return []ent.Hook{immutable} }

// Hooks of PointTally: the rollup of results, as immutable as they are.
func (PointTally) Hooks() []ent.Hook { return []ent.Hook{immutable} }

// Hooks of PointTallyBand.
func (PointTallyBand) Hooks() []ent.Hook { return []ent.Hook{immutable} }

// Hooks of PointHalfYear.
func (PointHalfYear) Hooks() []ent.Hook { return []ent.Hook{undeletable} }

// Hooks of PointAppeal.
func (PointAppeal) Hooks() []ent.Hook { return []ent.Hook{undeletable} }

// Hooks of PointEntry keep the ledger append-only: no deletes, and the
// only update is the review, which may set the review's fields and only
// moves an entry that is still DECLARED.
func (PointEntry) Hooks() []ent.Hook {
	return []ent.Hook{
		undeletable,
		rollup.Hook(),
		hook.On(func(next ent.Mutator) ent.Mutator {
			return hook.PointEntryFunc(func(ctx context.Context, m *gen.PointEntryMutation) (ent.Value, error) {
				for _, f := range m.Fields() {
					if !slices.Contains(reviewFields, f) {
						return nil, fmt.Errorf("point entry: %s cannot change: entries are never updated, a correction is a reversing entry", f)
					}
				}
				m.Where(pointentry.StateEQ(pointentry.StateDeclared))
				return next.Mutate(ctx, m)
			})
		}, gen.OpUpdateOne),
	}
}

// reviewFields are what a review sets on a DECLARED entry.
var reviewFields = []string{
	pointentry.FieldState, pointentry.FieldReason, pointentry.FieldReviewedBy,
	pointentry.FieldReviewedOn, pointentry.FieldUpdatedAt, pointentry.FieldVersion,
}
